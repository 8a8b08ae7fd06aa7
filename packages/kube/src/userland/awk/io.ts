import { FsError, wait, type Proc } from "@ksim/sim";
import { SpawnError, type ChildProcess, type ProcessContext } from "../../runtime/process.js";
import { Pipe } from "../../runtime/streams.js";
import { AwkFatal } from "./errors.js";
import { RecordReader } from "./records.js";

/**
 * awk's open streams: standard output, `print > file` / `>> file` / `| "cmd"` outputs (open
 * until close() or exit), and getline's `< file` and `"cmd" |` inputs. Output is buffered as
 * mawk's stdio buffers it — by line in an interactive session, else in blocks flushed when a
 * command starts, by system(), fflush() and at exit — so what awk prints and what its commands
 * print interleave as they do with mawk: `{ print | "sort" } END { print "done" }` prints the
 * sorted lines first when the output is not a terminal.
 */

interface OutputChannel {
  write(text: string): void;
  flush(): void;
  /** Flushes and closes without waiting (a command reading it sees end-of-file). */
  end(): void;
  /** After end(): 0 for a file, the exit status of a command. */
  finished(): Proc<number>;
}

interface CommandInput {
  readonly child: ChildProcess;
  readonly reader: RecordReader;
}

/** stdio's buffer size for pipes and files. */
const BUFFER_SIZE = 4096;

export class AwkIO {
  private pending: string[] = [];
  private pendingSize = 0;
  /** Keyed `file:name` or `pipe:name`: a file and a command may share a name. */
  private readonly outputs = new Map<string, OutputChannel>();
  private readonly fileInputs = new Map<string, RecordReader>();
  private readonly commandInputs = new Map<string, CommandInput>();
  private stdinReader: RecordReader | undefined;

  /**
   * `lineBuffered`: an interactive session (stdout a terminal); `unbuffered`: -W interactive.
   */
  constructor(
    private readonly ctx: ProcessContext,
    private readonly lineBuffered: boolean,
    private readonly unbuffered: boolean,
  ) {}

  write(text: string): void {
    this.pending.push(text);
    this.pendingSize += text.length;
    if (this.unbuffered || this.pendingSize >= BUFFER_SIZE || (this.lineBuffered && text.includes("\n"))) this.flushStdout();
  }

  flushStdout(): void {
    if (this.pending.length === 0) return;
    this.ctx.stdout.write(this.pending.join(""));
    this.pending = [];
    this.pendingSize = 0;
  }

  /** fflush("") and system(). */
  flushAll(): void {
    this.flushStdout();
    for (const o of this.outputs.values()) o.flush();
  }

  /** Flushes one output stream; false if none is open by that name. */
  flush(name: string): boolean {
    let found = false;
    for (const key of [`file:${name}`, `pipe:${name}`]) {
      const o = this.outputs.get(key);
      if (o !== undefined) {
        o.flush();
        found = true;
      }
    }
    return found;
  }

  /** Standard input, shared by the main input and `getline < "-"`. */
  stdin(): RecordReader {
    const self = this;
    return (this.stdinReader ??= new RecordReader("", function* () {
      // Reading a terminal flushes line-buffered output (a prompt printed without a newline).
      if (self.lineBuffered || self.unbuffered) self.flushStdout();
      return yield* wait(self.ctx.stdin.read());
    }));
  }

  /** The stream `print > name` (or `>>`, `|`) writes to, opening it on first use. */
  output(name: string, mode: ">" | ">>" | "|"): OutputChannel {
    const key = `${mode === "|" ? "pipe" : "file"}:${name}`;
    let o = this.outputs.get(key);
    if (o === undefined) {
      o = mode === "|" ? this.openPipe(name) : this.openFile(name, mode);
      this.outputs.set(key, o);
    }
    return o;
  }

  private openFile(name: string, mode: ">" | ">>"): OutputChannel {
    const ctx = this.ctx;
    // Standard output itself is flushed last, at exit (see closeAll).
    if (name === "/dev/stdout") return { write: (t) => this.write(t), flush: () => this.flushStdout(), end() {}, finished: zero };
    if (name === "/dev/stderr") return { write: (t) => ctx.stderr.write(t), flush() {}, end() {}, finished: zero };
    if (name === "/dev/null") return { write() {}, flush() {}, end() {}, finished: zero };
    const path = ctx.resolve(name);
    try {
      if (mode === ">") ctx.fs.writeFile(path, "");
      else ctx.fs.appendFile(path, "");
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
      throw new AwkFatal(`cannot open "${name}" for output (${e.description})`);
    }
    let chunks: string[] = [];
    let size = 0;
    const flush = () => {
      if (chunks.length === 0) return;
      const data = chunks.join("");
      chunks = [];
      size = 0;
      try {
        ctx.fs.appendFile(path, data);
      } catch (e) {
        if (!(e instanceof FsError)) throw e;
        throw new AwkFatal(`write failure (${e.description})`);
      }
    };
    return {
      write(t) {
        chunks.push(t);
        size += t.length;
        if (size >= BUFFER_SIZE) flush();
      },
      flush,
      end: flush,
      finished: zero,
    };
  }

  private openPipe(command: string): OutputChannel {
    this.flushStdout();
    const pipe = new Pipe();
    let child: ChildProcess;
    try {
      child = this.ctx.spawn(["/bin/sh", "-c", command], { stdin: pipe });
    } catch (e) {
      if (!(e instanceof SpawnError)) throw e;
      throw new AwkFatal(`cannot open "${command}" for output`);
    }
    return {
      write: (t) => pipe.write(t),
      flush() {},
      end: () => pipe.close(),
      *finished() {
        return yield* wait(child.exited);
      },
    };
  }

  /** A file's text (throws FsError); /dev/null is empty. */
  readText(name: string): string {
    return name === "/dev/null" ? "" : this.ctx.fs.readText(this.ctx.resolve(name));
  }

  isDirectory(name: string): boolean {
    return name !== "/dev/null" && this.ctx.fs.stat(this.ctx.resolve(name)).type === "dir";
  }

  /** The reader for `getline < name`, or null if the file cannot be read (getline returns -1). */
  fileInput(name: string): RecordReader | null {
    if (name === "-" || name === "/dev/stdin") return this.stdin();
    let r = this.fileInputs.get(name);
    if (r === undefined) {
      try {
        r = new RecordReader(this.readText(name));
      } catch (e) {
        if (e instanceof FsError) return null;
        throw e;
      }
      this.fileInputs.set(name, r);
    }
    return r;
  }

  /** The reader for `command | getline`, starting the command on first use; null if it cannot start. */
  commandInput(command: string): RecordReader | null {
    let c = this.commandInputs.get(command);
    if (c === undefined) {
      this.flushStdout();
      const pipe = new Pipe();
      let child: ChildProcess;
      try {
        child = this.ctx.spawn(["/bin/sh", "-c", command], { stdout: pipe });
      } catch (e) {
        if (e instanceof SpawnError) return null;
        throw e;
      }
      c = {
        child,
        reader: new RecordReader("", function* () {
          return yield* wait(pipe.read());
        }),
      };
      this.commandInputs.set(command, c);
    }
    return c.reader;
  }

  /** close(): 0 for a file, a command's exit status, -1 if nothing by that name is open. */
  *close(name: string): Proc<number> {
    let result = -1;
    for (const key of [`file:${name}`, `pipe:${name}`]) {
      const o = this.outputs.get(key);
      if (o === undefined) continue;
      this.outputs.delete(key);
      o.end();
      result = yield* o.finished();
    }
    if (this.fileInputs.delete(name)) result = 0;
    const c = this.commandInputs.get(name);
    if (c !== undefined) {
      this.commandInputs.delete(name);
      result = yield* wait(c.child.exited);
    }
    return result;
  }

  /**
   * At exit, as mawk's close_out_pipes: close the outputs and wait for their commands, then
   * flush standard output. Commands we read from would get SIGPIPE on their next write.
   */
  *closeAll(): Proc<void> {
    const open = [...this.outputs.values()];
    this.outputs.clear();
    for (const o of open) o.end();
    for (const o of open) yield* o.finished();
    this.flushStdout();
    for (const c of this.commandInputs.values()) c.child.signal("SIGTERM");
    this.commandInputs.clear();
  }
}

function* zero(): Proc<number> {
  return 0;
}
