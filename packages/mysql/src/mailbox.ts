import type { CloseReason, Connection, Waitable } from "@ksim/sim";

export type Closed = { readonly closed: CloseReason };

/**
 * Messages arriving on a connection, for a coroutine to take one at a time. Once the peer has
 * finished (end-of-stream or an error), `next` yields the reason instead of a message. A wait
 * that is abandoned (a time-out won the race) takes nothing from the queue.
 */
export class Mailbox<T> {
  private readonly queue: T[] = [];
  private waiter: ((m: T | Closed) => void) | undefined;
  private ended: CloseReason | undefined;

  constructor(conn: Connection) {
    conn.onData = (m) => this.push(m as T);
    conn.onEnd = () => this.close("closed");
    conn.onClose = (reason) => this.close(reason);
  }

  private push(m: T): void {
    const w = this.waiter;
    if (w !== undefined) {
      this.waiter = undefined;
      w(m);
    } else this.queue.push(m);
  }

  private close(reason: CloseReason): void {
    if (this.ended !== undefined) return;
    this.ended = reason;
    const w = this.waiter;
    if (w !== undefined) {
      this.waiter = undefined;
      w({ closed: reason });
    }
  }

  /** Why the stream ended, once it has. */
  get closedBy(): CloseReason | undefined {
    return this.ended;
  }

  next(): Waitable<T | Closed> {
    return {
      subscribe: (resume) => {
        if (this.queue.length > 0) resume(this.queue.shift()!);
        else if (this.ended !== undefined) resume({ closed: this.ended });
        else {
          this.waiter = resume;
          return () => {
            if (this.waiter === resume) this.waiter = undefined;
          };
        }
        return () => {};
      },
    };
  }
}

export function isClosed<T>(m: T | Closed): m is Closed {
  return typeof m === "object" && m !== null && "closed" in m;
}
