import { FsError, Future, type Waitable } from "@ksim/sim";

/**
 * Byte streams between simulated processes, carried as strings (every tool we model is
 * text-oriented). A process writes to an OutputStream and reads from an InputStream; a Pipe is
 * both ends of a `|`.
 */
export interface OutputStream {
  write(chunk: string): void;
  /** No more writes; readers see end-of-file once the buffer drains. */
  close(): void;
  /** The file it is open on, as /proc/PID/fd links name it; a stream without one is a pipe. */
  readonly openFile?: string;
  /** The pipe a wrapper writes through: the two ends of one pipe are one inode. */
  readonly channel?: object;
}

export interface InputStream {
  /** The next chunk, or null at end-of-file. */
  read(): Waitable<string | null>;
  readonly openFile?: string;
  readonly channel?: object;
}

const DRAINED = new Future<void>();
DRAINED.resolve();

/** End-of-file for every reader at the end: a settled future never changes, so one is shared. */
const EOF = new Future<string | null>();
EOF.resolve(null);

/** A read that has its answer already: a chunk, or end-of-file (null). */
export function readNow(chunk: string | null): Waitable<string | null> {
  if (chunk === null) return EOF;
  const f = new Future<string | null>();
  f.resolve(chunk);
  return f;
}

/**
 * An in-memory pipe: reads wait for data or EOF. Writes do not block (the buffer is unbounded),
 * so a writer that would never stop (`cat /dev/zero |`) waits for `drained` between its writes.
 * Once the reading end is closed the pipe is `broken`: writes are lost, and the writers that
 * would go on for ever check and end themselves by SIGPIPE (a write from a callback runs inside
 * whatever produced the data it forwards, so it cannot throw).
 */
export class Pipe implements OutputStream, InputStream {
  private chunks: string[] = [];
  private closed = false;
  private readerGone = false;
  private waiter: Future<string | null> | undefined;
  private drain: Future<void> | undefined;

  write(chunk: string): void {
    if (this.readerGone || this.closed || chunk.length === 0) return;
    if (this.waiter !== undefined) {
      const w = this.waiter;
      this.waiter = undefined;
      w.resolve(chunk);
    } else {
      this.chunks.push(chunk);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.waiter !== undefined) {
      const w = this.waiter;
      this.waiter = undefined;
      w.resolve(null);
    }
  }

  /** Nobody will read any more (the reading process ended): what waits is dropped. */
  closeRead(): void {
    this.readerGone = true;
    this.chunks = [];
    this.settleDrain();
  }

  /** The reading end is closed: a write now would get EPIPE. */
  get broken(): boolean {
    return this.readerGone;
  }

  /** Settles once everything written so far has been read, or the reader is gone. */
  drained(): Waitable<void> {
    if (this.chunks.length === 0 || this.readerGone) return DRAINED;
    return (this.drain ??= new Future<void>());
  }

  private settleDrain(): void {
    const d = this.drain;
    this.drain = undefined;
    d?.resolve();
  }

  read(): Waitable<string | null> {
    if (this.chunks.length > 0) {
      const data = this.chunks.join("");
      this.chunks = [];
      this.settleDrain();
      return readNow(data);
    }
    if (this.closed) return readNow(null);
    return (this.waiter = new Future<string | null>());
  }
}

/** Collects everything written; used for `$(...)`, probe output and tests. */
export class StringSink implements OutputStream {
  private parts: string[] = [];
  closed = false;
  constructor(private readonly onWrite?: (chunk: string) => void) {}
  write(chunk: string): void {
    this.parts.push(chunk);
    this.onWrite?.(chunk);
  }
  close(): void {
    this.closed = true;
  }
  text(): string {
    return this.parts.join("");
  }
}

/** /dev/null in both directions. */
export const devNull: OutputStream & InputStream = {
  openFile: "/dev/null",
  write() {},
  close() {},
  read() {
    return readNow(null);
  },
};

/** An input stream over a fixed string (a here-document, `echo x |` after the writer is done). */
export function stringInput(text: string): InputStream {
  let done = false;
  return {
    read() {
      if (done || text.length === 0) return readNow(null);
      done = true;
      return readNow(text);
    },
  };
}

/** Forwards writes to another stream without closing it (a shared terminal). */
class Unclosable implements OutputStream {
  constructor(readonly target: OutputStream) {}
  get openFile(): string | undefined {
    return this.target.openFile;
  }
  get channel(): object {
    return this.target.channel ?? this.target;
  }
  write(chunk: string): void {
    this.target.write(chunk);
  }
  close(): void {}
}

/**
 * An output stream that forwards to another without closing it (a shared terminal). A stream
 * that cannot be closed already is its own such wrapper: every spawn wraps the parent's.
 */
export function unclosable(out: OutputStream): OutputStream {
  return out instanceof Unclosable ? out : new Unclosable(out);
}

/** The pipe behind a stream (a process's standard output in a pipeline), if it is one. */
export function pipeBehind(out: OutputStream): Pipe | undefined {
  const inner = out instanceof Unclosable ? out.target : out;
  return inner instanceof Pipe ? inner : undefined;
}

/** What a write to a pipe nobody reads fails with; the process that gets it dies of SIGPIPE. */
export function brokenPipeError(): FsError {
  return new FsError("EPIPE", "write error");
}
