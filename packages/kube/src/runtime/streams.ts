import { Future, type Waitable } from "@ksim/sim";

/**
 * Byte streams between simulated processes, carried as strings (every tool we model is
 * text-oriented). A process writes to an OutputStream and reads from an InputStream; a Pipe is
 * both ends of a `|`.
 */
export interface OutputStream {
  write(chunk: string): void;
  /** No more writes; readers see end-of-file once the buffer drains. */
  close(): void;
}

export interface InputStream {
  /** The next chunk, or null at end-of-file. */
  read(): Waitable<string | null>;
}

/** An in-memory pipe: writes never block (the buffer is unbounded), reads wait for data or EOF. */
export class Pipe implements OutputStream, InputStream {
  private chunks: string[] = [];
  private closed = false;
  private waiter: Future<string | null> | undefined;

  write(chunk: string): void {
    if (this.closed || chunk.length === 0) return;
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

  read(): Waitable<string | null> {
    const f = new Future<string | null>();
    if (this.chunks.length > 0) {
      const data = this.chunks.join("");
      this.chunks = [];
      f.resolve(data);
    } else if (this.closed) f.resolve(null);
    else this.waiter = f;
    return f;
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
  write() {},
  close() {},
  read() {
    const f = new Future<string | null>();
    f.resolve(null);
    return f;
  },
};

/** An input stream over a fixed string (a here-document, `echo x |` after the writer is done). */
export function stringInput(text: string): InputStream {
  let done = false;
  return {
    read() {
      const f = new Future<string | null>();
      f.resolve(done || text.length === 0 ? null : text);
      done = true;
      return f;
    },
  };
}

/** An output stream that forwards to another without closing it (a shared terminal). */
export function unclosable(out: OutputStream): OutputStream {
  return { write: (c) => out.write(c), close() {} };
}
