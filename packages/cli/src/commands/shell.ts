import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import type { Sim, Waitable } from "@ksim/sim";
import { ClusterStartError, createEnvironment, parseClusterFile, ScenarioFileError } from "@ksim/scenario";
import type { InputStream, OutputStream, TerminalInput } from "@ksim/kube";
import { Effect } from "effect";
import { Argument, Command, Flag } from "effect/cli";
import { RealDirLayer } from "../real-dir-layer.js";
import { openTrace } from "../trace-file.js";

const options = {
  script: Argument.String("script").pipe(Argument.withDescription("a script to run instead of reading stdin"), Argument.optional),
  seed: Flag.String("seed").pipe(Flag.withDescription("root seed of the simulation"), Flag.withDefault("1")),
  nodes: Flag.Int("nodes").pipe(Flag.withDescription("number of nodes (node-1 … node-N)"), Flag.withDefault(3)),
  cluster: Flag.String("cluster").pipe(Flag.withDescription("a YAML file describing the nodes"), Flag.optional),
  start: Flag.String("start").pipe(Flag.withDescription("the simulated instant the cluster is created (RFC 3339); the session begins once its add-ons run"), Flag.optional),
  trace: Flag.String("trace").pipe(Flag.withDescription("write the msgpack trace to this file"), Flag.optional),
  echo: Flag.Boolean("echo").pipe(Flag.withDescription("print each command after `$ ` before its output"), Flag.withDefault(false)),
};

export const shellCommand = Command.make("shell", options, (o) =>
  Effect.promise(async () => {
    process.exitCode = await shell({
      script: o.script._tag === "Some" ? o.script.value : undefined,
      seed: o.seed,
      nodes: o.nodes,
      cluster: o.cluster._tag === "Some" ? o.cluster.value : undefined,
      start: o.start._tag === "Some" ? o.start.value : undefined,
      trace: o.trace._tag === "Some" ? o.trace.value : undefined,
      echo: o.echo,
    });
  }),
).pipe(Command.withDescription("a shell on a fresh simulated cluster: type kubectl and friends; time passes while commands block"));

interface ShellOptions {
  readonly script: string | undefined;
  readonly seed: string;
  readonly nodes: number;
  readonly cluster: string | undefined;
  readonly start: string | undefined;
  readonly trace: string | undefined;
  readonly echo: boolean;
}

async function shell(o: ShellOptions): Promise<number> {
  let nodes: number | undefined = o.nodes;
  let zones: readonly string[] | undefined;
  let clusterNodes;
  if (o.cluster !== undefined) {
    try {
      const spec = parseClusterFile(readFileSync(o.cluster, "utf8"), o.cluster);
      if (typeof spec.nodes === "number") nodes = spec.nodes;
      else if (spec.nodes !== undefined) clusterNodes = spec.nodes;
      zones = spec.zones;
    } catch (e) {
      process.stderr.write(`ksim: ${e instanceof ScenarioFileError ? e.message : `${o.cluster}: ${(e as Error).message}`}\n`);
      return 2;
    }
  }
  const startEpochMs = o.start === undefined ? undefined : Date.parse(o.start);
  if (startEpochMs !== undefined && Number.isNaN(startEpochMs)) {
    process.stderr.write(`ksim: --start: expected an RFC 3339 time such as 2024-01-01T00:00:00Z, got ${JSON.stringify(o.start)}\n`);
    return 2;
  }
  const trace = openTrace(o.trace);
  const cwd = process.cwd();
  let env;
  try {
    env = createEnvironment({
      seed: /^\d+$/.test(o.seed) ? Number(o.seed) : o.seed,
      nodes: clusterNodes ?? nodes,
      ...(zones !== undefined ? { zones } : {}),
      ...(startEpochMs !== undefined ? { startEpochMs } : {}),
      ...(trace !== undefined ? { trace: trace.trace } : {}),
      userFiles: new RealDirLayer(cwd),
      cwd,
    });
  } catch (e) {
    if (!(e instanceof ClusterStartError)) throw e;
    trace?.close();
    process.stderr.write(`ksim: ${e.message}\n`);
    return 2;
  }
  // Echoed commands start on a line of their own, as in `ksim run`'s transcript.
  let atLineStart = true;
  const out = (stream: NodeJS.WriteStream): OutputStream => ({
    write: (c) => {
      if (c.length > 0) atLineStart = c.endsWith("\n");
      stream.write(c);
    },
    close() {},
  });
  const interactive = o.script === undefined && process.stdin.isTTY === true;
  const lines = interactive ? undefined : new LineSource(o.script !== undefined ? readFileSync(o.script, "utf8") : readFileSync(0, "utf8"), env.cluster.sim);
  const keyboard = interactive ? new Keyboard(env.cluster.sim) : undefined;
  const session = env.workstation.session({
    stdout: out(process.stdout),
    stderr: out(process.stderr),
    stdin: lines ?? keyboard!,
    tty: interactive,
    ...(o.echo
      ? {
          onCommand: (source: string) => {
            process.stdout.write(`${atLineStart ? "" : "\n"}$ ${source.replace(/\n/g, "\n> ")}\n`);
            atLineStart = true;
          },
        }
      : {}),
  });
  let status = 0;
  if (lines !== undefined) {
    // A script: each complete command runs in turn; what a command reads from stdin is the
    // script's following lines, as with `bash < script`.
    let pending = "";
    for (let line = lines.next(); line !== undefined; line = lines.next()) {
      pending += `${line}\n`;
      if (!session.isComplete(pending)) continue;
      status = await session.runInSlices(pending, breathe);
      pending = "";
      if (session.exited !== undefined) break;
    }
    if (pending.trim() !== "" && session.exited === undefined) status = await session.runInSlices(pending, breathe);
  } else {
    status = await interact(session, keyboard!);
  }
  if (trace !== undefined) {
    const hash = env.cluster.sim.trace.finish();
    trace.close();
    process.stderr.write(`ksim: trace=${hash} written to ${o.trace}\n`);
  }
  return session.exited ?? status;
}

type Session = ReturnType<ReturnType<typeof createEnvironment>["workstation"]["session"]>;

/** The event loop's turn between slices of a script's commands: signals (Ctrl-C) are heard. */
const breathe = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * A terminal session: a prompt, line editing by readline, continuation lines after `> `. While a
 * command runs, what the person types goes to it (a remote shell of `kubectl exec -it`, `cat`);
 * Ctrl-C interrupts it and Ctrl-D ends its input. At the prompt, Ctrl-D leaves.
 */
function interact(session: Session, keyboard: Keyboard): Promise<number> {
  return new Promise((resolve) => {
    let pending = "";
    let status = 0;
    let running = false;
    // Ctrl-D closes readline; when it only ended a command's input, a new one takes over after.
    let reopen = false;
    let rl = open();

    function open() {
      const r = createInterface({
        input: process.stdin,
        output: process.stdout,
        prompt: "$ ",
        // TAB completes at the prompt, as bash does; what a running command reads is its own business.
        completer: (line: string) => (running ? [[], line] : session.complete(line)),
      });
      r.on("line", onLine);
      r.on("SIGINT", () => {
        if (running) return session.interrupt();
        pending = "";
        process.stdout.write("^C\n");
        r.setPrompt("$ ");
        r.prompt();
      });
      r.on("close", () => {
        if (running && session.exited === undefined) {
          keyboard.type(null);
          reopen = true;
          return;
        }
        resolve(session.exited ?? status);
      });
      r.prompt();
      return r;
    }

    function onLine(line: string) {
      if (running) {
        keyboard.type(`${line}\n`);
        return;
      }
      pending += `${line}\n`;
      if (!session.isComplete(pending)) {
        rl.setPrompt("> ");
        rl.prompt();
        return;
      }
      const source = pending;
      pending = "";
      running = true;
      void session.runAtTerminal(source, keyboard).then((s) => {
        status = s;
        running = false;
        if (session.exited !== undefined) return reopen ? resolve(session.exited) : rl.close();
        if (reopen) {
          reopen = false;
          rl = open();
        } else {
          rl.setPrompt("$ ");
          rl.prompt();
        }
        // What was typed ahead while the command ran, and nobody read, is the next command.
        for (const typed of keyboard.unread()) onLine(typed.replace(/\n$/, ""));
      });
    }
  });
}

/**
 * The keyboard of `ksim shell` at a terminal: lines typed while a command waits for input go to
 * it at the current simulated instant; typed ahead, they wait for the next reader.
 */
/** How often the cluster catches up with real time while a command waits for typing. */
const PACING_MS = 50;

class Keyboard implements TerminalInput {
  private reader: ((chunk: string | null) => void) | undefined;
  private readonly ahead: (string | null)[] = [];
  private arrived: (() => void) | undefined;

  constructor(private readonly sim: Sim) {}

  get waiting(): boolean {
    return this.reader !== undefined;
  }

  read(): Waitable<string | null> {
    return {
      subscribe: (resume) => {
        if (this.ahead.length > 0) {
          const chunk = this.ahead.shift()!;
          const timer = this.sim.schedule(0, () => resume(chunk), "terminal:typed");
          return () => this.sim.cancel(timer);
        }
        this.reader = resume;
        return () => {
          if (this.reader === resume) this.reader = undefined;
        };
      },
    };
  }

  breathe(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
  }

  pause(): Promise<number> {
    const started = performance.now();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(tick);
        this.arrived = undefined;
        resolve(Math.round(performance.now() - started));
      };
      const tick = setTimeout(done, PACING_MS);
      this.arrived = done;
    });
  }

  /** Lines typed ahead that no command read; the keyboard forgets them. */
  unread(): string[] {
    return this.ahead.splice(0).filter((c): c is string => c !== null);
  }

  /** A typed line (null: Ctrl-D). */
  type(chunk: string | null): void {
    const reader = this.reader;
    if (reader === undefined) {
      this.ahead.push(chunk);
      return;
    }
    this.reader = undefined;
    this.sim.schedule(0, () => reader(chunk), "terminal:typed");
    this.arrived?.();
  }
}

/**
 * The script's lines, shared by the shell (which runs them) and by commands reading stdin, as
 * typed at a terminal: a program that reads gets the next line, and one more per instant of
 * simulated time at most — so a remote shell that reads `exit` has ended (and its reader gone)
 * before the line after it is typed, which then goes to the next command, not to the gone one.
 */
class LineSource implements InputStream {
  private readonly lines: string[];
  private at = 0;
  private lastTyped = Number.NEGATIVE_INFINITY;

  constructor(
    text: string,
    private readonly sim: Sim,
  ) {
    this.lines = text.split("\n");
    if (this.lines[this.lines.length - 1] === "") this.lines.pop();
  }

  next(): string | undefined {
    return this.at < this.lines.length ? this.lines[this.at++] : undefined;
  }

  read(): Waitable<string | null> {
    const sim = this.sim;
    return {
      subscribe: (resume) => {
        const timer = sim.schedule(sim.now > this.lastTyped ? 0 : 1, () => {
          this.lastTyped = sim.now;
          const line = this.next();
          resume(line === undefined ? null : `${line}\n`);
        }, "terminal:typing");
        // A reader that is killed while waiting takes nothing: the line stays for the next one.
        return () => sim.cancel(timer);
      },
    };
  }
}
