import { encodeText, FsError, Future, wait, type Proc, type Sim, type Timer, type Waitable } from "@ksim/sim";
import { writeWhatFits, type FileSystem } from "../runtime/fs.js";
import { isEnvironmentIoError, isFileTooLarge } from "../runtime/process.js";
import { readNow, type InputStream, type OutputStream } from "../runtime/streams.js";

/**
 * Plumbing for the shell: a buffered reader (so `read` can take one line and leave the rest for
 * the next reader, as reading a pipe byte by byte does), file output for redirections, and
 * in-process concurrent jobs (pipeline stages, background lists, subshells).
 */

export class LineReader implements InputStream {
  private buffer = "";
  private eof = false;

  constructor(
    private readonly source: InputStream,
    /** The file a `<` redirection opened, which the text comes from. */
    private readonly file?: string,
  ) {}

  get openFile(): string | undefined {
    return this.file ?? this.source.openFile;
  }

  get channel(): object {
    return this.source.channel ?? this.source;
  }

  read(): Waitable<string | null> {
    if (this.buffer !== "") {
      const chunk = this.buffer;
      this.buffer = "";
      return readNow(chunk);
    }
    if (this.eof) return readNow(null);
    return this.source.read();
  }

  /**
   * The next line without its newline, or the unterminated rest; null at end of input. With
   * `maxChars` (bash's read -n), no more than that many characters, the rest left to read.
   */
  *readLine(delimiter = "\n", maxChars?: number): Proc<{ line: string; terminated: boolean } | null> {
    for (;;) {
      const i = this.buffer.indexOf(delimiter);
      if (maxChars !== undefined && (i < 0 || i > maxChars) && this.buffer.length >= maxChars) {
        const line = this.buffer.slice(0, maxChars);
        this.buffer = this.buffer.slice(maxChars);
        return { line, terminated: true };
      }
      if (i >= 0) {
        const line = this.buffer.slice(0, i);
        this.buffer = this.buffer.slice(i + delimiter.length);
        return { line, terminated: true };
      }
      const chunk = this.eof ? null : yield* wait(this.source.read());
      if (chunk === null) {
        this.eof = true;
        if (this.buffer === "") return null;
        const line = this.buffer;
        this.buffer = "";
        return { line, terminated: false };
      }
      this.buffer += chunk;
    }
  }
}

/** Appends each write to a file (the shell opened and truncated it already). */
export class FileOutput implements OutputStream {
  constructor(
    private readonly fs: FileSystem,
    private readonly path: string,
    /** Standard error: a program does not stop because its diagnostics could not be written. */
    private readonly diagnostics = false,
  ) {}

  get openFile(): string {
    return this.path;
  }

  /** The same file as a process's standard error (`2>file`, `2>&1`). */
  asDiagnostics(): FileOutput {
    return this.diagnostics ? this : new FileOutput(this.fs, this.path, true);
  }

  /**
   * A full or read-only disk fails the write as write(2) does: what fits is written, and the
   * writer names its output rather than the file ("cat: write error: No space left on device");
   * a file that became unwritable in another way after the open loses the write, as with EIO.
   */
  write(chunk: string): void {
    if (chunk === "") return;
    try {
      const written = writeWhatFits(this.fs, this.path, this.encode(chunk));
      if (written.error !== undefined) throw written.error;
    } catch (e) {
      // Past RLIMIT_FSIZE the writer is sent SIGXFSZ, whatever it writes.
      if (isFileTooLarge(e)) throw e;
      if (isEnvironmentIoError(e) && !this.diagnostics) throw new FsError(e.code, "write error");
    }
  }

  private lastChunk = "";
  private lastBytes: Uint8Array = new Uint8Array();

  /**
   * The chunk's bytes; a writer that repeats one chunk (`cat /dev/zero > fill`) gets the same
   * bytes again, so the file holds one buffer many times rather than a copy per write.
   */
  private encode(chunk: string): Uint8Array {
    if (chunk !== this.lastChunk) {
      this.lastChunk = chunk;
      this.lastBytes = encodeText(chunk);
    }
    return this.lastBytes;
  }
  close(): void {}
}

/**
 * A coroutine running beside the shell that started it. Unlike a kernel Task it takes its first
 * step at once, so a background job has spawned its first process (and `$!` has that pid)
 * before the next command runs, as after a real fork.
 */
export class Job {
  readonly done = new Future<number>();
  private cancelWait: (() => void) | undefined;
  private timer: Timer | undefined;
  /** What the scheduled step resumes the coroutine with. */
  private input: unknown;
  /** The scheduled step: one function for the job's life rather than a closure per wait. */
  private stepNext: (() => void) | undefined;

  constructor(
    private readonly sim: Sim,
    private readonly body: Proc<number>,
    private readonly group: Set<Job>,
  ) {
    group.add(this);
    this.step();
  }

  get finished(): boolean {
    return this.done.settled;
  }

  /** Stops the coroutine (its finally blocks run); settles with `status`. */
  kill(status: number): void {
    if (this.finished) return;
    this.cancelWait?.();
    this.sim.cancel(this.timer);
    try {
      this.body.return(status);
    } catch {
      // Cleanup that throws while being killed has nowhere to report to.
    }
    this.settle(status);
  }

  private step(): void {
    this.timer = undefined;
    const input = this.input;
    this.input = undefined;
    const r = this.body.next(input);
    if (r.done) {
      this.settle(r.value);
      return;
    }
    let resumed = false;
    this.cancelWait = r.value.subscribe((value) => {
      if (resumed) return;
      resumed = true;
      this.cancelWait = undefined;
      this.input = value;
      this.timer = this.sim.schedule(0, (this.stepNext ??= () => this.step()), "shell-job");
    });
  }

  private settle(status: number): void {
    this.group.delete(this);
    this.done.resolve(status);
  }
}
