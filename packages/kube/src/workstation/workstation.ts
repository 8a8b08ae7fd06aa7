import { spawn, wait, type Host, type Proc } from "@ksim/sim";
import type { Cluster } from "../cluster.js";
import { CLUSTER_CA_CERT } from "../api/cluster-ca.js";
import { ImageLayer, type ImageFileSpec, type LowerLayer } from "../runtime/image.js";
import { LayeredFs } from "../runtime/layered-fs.js";
import { LayerStack } from "../runtime/layer-stack.js";
import { ProcessTable, type ProcessContext, type SimProcess } from "../runtime/process.js";
import { loginLimits } from "../runtime/rlimits.js";
import { ProcFs } from "../runtime/procfs.js";
import { containerDev } from "../runtime/dev.js";
import { standaloneMachine } from "../runtime/standalone-machine.js";
import { devNull, type InputStream, type OutputStream } from "../runtime/streams.js";
import { ShellInterpreter } from "../shell/index.js";
import { registerShell } from "../shell/program.js";
import { debianBase } from "../userland/base.js";
import { registerUserland } from "../userland/index.js";
import { apiServerUrl } from "../kubectl/commands/kubelet-link.js";
import { minikubeKubeconfig } from "../kubectl/kubeconfig.js";
import { MINIKUBE_VERSION } from "../version.js";

/** The workstation's address on the cluster's network (minikube's docker network). */
export const WORKSTATION_IP = "192.168.49.254";
export const WORKSTATION_HOME = "/root";
/** The user's machine: a laptop's RAM and CPUs (what free, nproc and /proc report there). */
const WORKSTATION_MEMORY_BYTES = 16 * 1024 ** 3;
const WORKSTATION_CPUS = 4;

export interface WorkstationOptions {
  readonly cluster: Cluster;
  /** Programs for the workstation's PATH by file name (kubectl, minikube), as registered program ids. */
  readonly tools?: Readonly<Record<string, string>>;
  /** The user's files, read-only below the workstation's own (e.g. their real working directory). */
  readonly userFiles?: LowerLayer;
  /** Where sessions start (default /root). */
  readonly cwd?: string;
  readonly hostname?: string;
  /** Extra name → address answers for the workstation's resolver (the "internet"). */
  readonly hosts?: Readonly<Record<string, string>>;
}

export interface SessionOptions {
  readonly dialect?: "bash" | "sh";
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  /** What commands read from stdin (a script's remaining lines, a terminal). */
  readonly stdin?: InputStream;
  /** Whether stdin is a terminal (isatty), which `kubectl exec -it` and `run -it` need. */
  readonly tty?: boolean;
  /** Called with each top-level command's source just before it runs (for `--echo`). */
  readonly onCommand?: (source: string) => void;
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * The machine the user types on: a host on the cluster's network (it reaches node IPs, so
 * NodePorts work, but not pod or service IPs), a Debian userland with kubectl on the PATH,
 * a home directory, and the user's own files underneath. Files written here stay in memory.
 */
export class Workstation {
  readonly host: Host;
  readonly fs: LayeredFs;
  readonly processes: ProcessTable;
  readonly cwd: string;

  constructor(private readonly options: WorkstationOptions) {
    const { cluster } = options;
    registerShell(cluster.registry);
    registerUserland(cluster.registry);
    cluster.registry.registerProgram("workstation:login", loginShell);
    const hostname = options.hostname ?? "workstation";
    this.host = cluster.network.addHost(hostname, WORKSTATION_IP);
    const files: Record<string, ImageFileSpec> = {
      ...debianBase(),
      [WORKSTATION_HOME]: { dir: true, mode: 0o700 },
      "/root/.kube": { dir: true, mode: 0o750 },
      // The certificates the kubeconfig names (placeholders: nothing verifies TLS in the simulation).
      "/root/.minikube": { dir: true, mode: 0o755 },
      "/root/.minikube/ca.crt": { content: CLUSTER_CA_CERT, mode: 0o644 },
      "/root/.minikube/profiles": { dir: true, mode: 0o755 },
      "/root/.minikube/profiles/minikube": { dir: true, mode: 0o755 },
      "/root/.minikube/profiles/minikube/client.crt": { content: "-----BEGIN CERTIFICATE-----\nMIIBksimclient\n-----END CERTIFICATE-----\n", mode: 0o644 },
      "/root/.minikube/profiles/minikube/client.key": { content: "-----BEGIN RSA PRIVATE KEY-----\nMIIEksimkey\n-----END RSA PRIVATE KEY-----\n", mode: 0o600 },
      // What `minikube start` leaves: kubectl reads its context (and namespace) from here.
      "/root/.kube/config": {
        content: minikubeKubeconfig({ server: apiServerUrl(cluster), home: WORKSTATION_HOME, startedAtMs: cluster.sim.startEpochMs, minikubeVersion: MINIKUBE_VERSION }),
        mode: 0o600,
      },
      "/tmp": { dir: true, mode: 0o1777 },
      "/etc/hostname": `${hostname}\n`,
      "/etc/hosts": `127.0.0.1\tlocalhost\n${WORKSTATION_IP}\t${hostname}\n`,
      "/bin/login-shell": { program: "workstation:login" },
    };
    for (const [name, id] of Object.entries(options.tools ?? {})) files[`/usr/local/bin/${name}`] = { program: id };
    const tools = new ImageLayer(files, cluster.sim.startEpochMs);
    const sim = cluster.sim;
    const machine = standaloneMachine(sim, { memoryBytes: WORKSTATION_MEMORY_BYTES, cpus: WORKSTATION_CPUS, usage: () => this.processes.usage() });
    // Its /proc, for free, uptime, top and whoever reads /proc/self.
    const proc = new ProcFs({ processes: () => this.processes.visible(), process: (pid) => this.processes.visibleProcess(pid), machine, epochOf: (ms) => sim.startEpochMs + ms, mountedAtMs: sim.startEpochMs });
    // Its /dev: the character devices programs use (null, zero, urandom, tty…), as a container
    // has them; a desktop's disks and input devices are nothing a command here reads.
    const dev = containerDev({ mtimeMs: sim.startEpochMs, tty: false });
    this.fs = new LayeredFs(sim, new LayerStack(options.userFiles ? [dev, tools, options.userFiles] : [dev, tools]), hostname, undefined, proc);
    this.cwd = options.cwd ?? WORKSTATION_HOME;
    const names = options.hosts ?? {};
    this.processes = new ProcessTable({
      sim: cluster.sim,
      registry: cluster.registry,
      fsFor: (cred, pid, umask, fileSizeLimit) => this.fs.view(cred, pid, umask, fileSizeLimit),
      network: {
        host: this.host,
        resolve: (name) => {
          if (name === "localhost") return ["127.0.0.1"];
          if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return [name];
          const ip = names[name];
          return ip === undefined ? [] : [ip];
        },
        reverse: () => undefined,
        nameserver: "192.168.49.1",
      },
      hostname,
      random: cluster.sim.random.fork("workstation"),
      name: hostname,
      rlimits: loginLimits(WORKSTATION_MEMORY_BYTES),
      capSysResource: true,
      machine,
    });
  }

  /** A login shell session: commands run in simulated time on this machine. */
  session(options: SessionOptions): ShellSession {
    const login = this.processes.spawn(["/bin/login-shell", "-bash"], {
      env: this.environment(options.env),
      cwd: this.cwd,
      stdin: options.stdin ?? devNull,
      stdout: options.stdout,
      stderr: options.stderr,
      tty: options.tty ?? false,
    });
    return new ShellSession(this.options.cluster, login, options);
  }

  /**
   * `bash -c source` in the background, as a second terminal would run it: it proceeds as
   * simulated time passes, without blocking anyone.
   */
  background(source: string, options: { stdout: OutputStream; stderr: OutputStream }): SimProcess {
    return this.processes.spawn(["/bin/bash", "-c", source], {
      env: this.environment(undefined),
      cwd: this.cwd,
      stdin: devNull,
      stdout: options.stdout,
      stderr: options.stderr,
    });
  }

  private environment(extra: Readonly<Record<string, string>> | undefined): Map<string, string> {
    return new Map<string, string>([
      ["HOME", WORKSTATION_HOME],
      ["USER", "root"],
      ["LOGNAME", "root"],
      ["SHELL", "/bin/bash"],
      ["PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
      ["KUBECONFIG", `${WORKSTATION_HOME}/.kube/config`],
      ["HOSTNAME", this.host.name],
      ["PWD", this.cwd],
      ...Object.entries(extra ?? {}),
    ]);
  }
}

/** A placeholder process that holds the session's streams; the interpreter runs in its name. */
function* loginShell(ctx: ProcessContext): Proc<number> {
  ctx.setTitle("-bash");
  return yield* wait(ctx.exited);
}

/** A person's keyboard as commands read it: lines arrive in real time, between simulated events. */
export interface TerminalInput extends InputStream {
  /** Whether a command is waiting for a line nobody has typed yet. */
  readonly waiting: boolean;
  /**
   * Resolves when the person has typed a line (or ended input), or after a moment: with the
   * milliseconds of real time that passed, which the cluster lives through meanwhile.
   */
  pause(): Promise<number>;
  /** Gives the process's event loop a turn (the keys typed meanwhile, Ctrl-C among them, are read). */
  breathe(): Promise<void>;
}

/**
 * How many simulated events a command runs before the CLI's event loop gets a turn: a command
 * that waits for ever (`kubectl rollout status` of an image that cannot be pulled) still hears
 * Ctrl-C. Taking turns changes nothing the simulation does.
 */
const SLICE_EVENTS = 20_000;

/** A command still running when its budget of simulated time ran out. */
export class CommandTimeout extends Error {
  override name = "CommandTimeout";
  constructor(readonly limitMs: number) {
    super(`still running after ${limitMs} ms of simulated time`);
  }
}

/** One interactive shell on the workstation. */
export class ShellSession {
  private readonly shell: ShellInterpreter;

  constructor(
    private readonly cluster: Cluster,
    private readonly process: SimProcess,
    options: SessionOptions,
  ) {
    this.shell = new ShellInterpreter(process, {
      dialect: options.dialect ?? "bash",
      ...(options.onCommand !== undefined ? { onTopLevelCommand: options.onCommand } : {}),
    });
  }

  /** Whether `source` needs more lines before it can run. */
  isComplete(source: string): boolean {
    return this.shell.isComplete(source);
  }

  /** The session's status after `exit`, or undefined while it is open. */
  get exited(): number | undefined {
    return this.shell.exited;
  }

  get cwd(): string {
    return this.shell.cwd;
  }

  /**
   * Runs `source` to completion: simulated time passes only while its foreground commands
   * block; background jobs keep running afterwards. Returns the last command's status.
   */
  run(source: string, options: { limitMs?: number } = {}): number {
    const sim = this.cluster.sim;
    const task = spawn(sim, this.shell.run(source), "workstation:shell");
    const deadline = options.limitMs === undefined ? Number.POSITIVE_INFINITY : sim.now + options.limitMs;
    sim.runWhile(() => !task.done, deadline);
    if (!task.done && sim.now >= deadline) throw new CommandTimeout(options.limitMs!);
    return this.outcome(task);
  }

  /**
   * Runs `source` for a person at a terminal: as run(), except that while the foreground command
   * waits for what they type, simulated time passes as real time does (the terminal paces it).
   */
  async runAtTerminal(source: string, terminal: TerminalInput): Promise<number> {
    const sim = this.cluster.sim;
    const task = spawn(sim, this.shell.run(source), "workstation:shell");
    for (;;) {
      let budget = SLICE_EVENTS;
      sim.runWhile(() => !task.done && !terminal.waiting && --budget > 0);
      if (task.done) break;
      if (budget === 0) {
        await terminal.breathe();
        continue;
      }
      if (!terminal.waiting) break;
      // The person is typing: meanwhile the cluster goes on, in step with real time.
      const realMs = await terminal.pause();
      sim.runWhile(() => !task.done && terminal.waiting, sim.now + realMs);
    }
    return this.outcome(task);
  }

  /**
   * run() for a script at the CLI: as run(), with `breathe` (the event loop's turn) between
   * slices of events, so a signal stops ksim however long a command waits.
   */
  async runInSlices(source: string, breathe: () => Promise<void>): Promise<number> {
    const sim = this.cluster.sim;
    const task = spawn(sim, this.shell.run(source), "workstation:shell");
    for (;;) {
      let budget = SLICE_EVENTS;
      sim.runWhile(() => !task.done && --budget > 0);
      // Done, or the simulation ran out of events (outcome says so).
      if (task.done || budget > 0) break;
      await breathe();
    }
    return this.outcome(task);
  }

  /** TAB at the prompt: the completions of the last word of `line`, and that word. */
  complete(line: string): readonly [readonly string[], string] {
    return this.shell.complete(line);
  }

  /** Ctrl-C: interrupts the foreground command. */
  interrupt(): void {
    this.shell.interrupt();
  }

  private outcome(task: ReturnType<typeof spawn<number>>): number {
    const r = task.result;
    if (r === undefined) throw new Error("the simulation ran out of events with a command still running");
    if (!r.ok) throw "killed" in r ? new Error("the shell was killed") : r.error;
    return r.value;
  }

  /** Ends the session: its process exits, background jobs are left to run (as with nohup). */
  close(): void {
    this.process.exit(this.shell.exited ?? 0);
  }
}
