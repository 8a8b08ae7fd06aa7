/**
 * A binary min-heap of timers ordered by (time, seq). `seq` is a global counter assigned at
 * scheduling time, so two timers due at the same instant fire in the order they were scheduled.
 *
 * Cancellation is lazy (the callback is cleared and the entry is skipped when it reaches the top):
 * removing from the middle of a heap costs a search, and most cancelled timers (timeouts that did
 * not fire) would have been popped soon anyway. When dead entries outnumber live ones the heap is
 * compacted so a workload that cancels most of its timers does not grow without bound.
 */
export interface Timer {
  readonly time: number;
  readonly seq: number;
  /** Null once the timer has fired or been cancelled. */
  fn: (() => void) | null;
  /** Optional description used in livelock reports. */
  readonly label: string | undefined;
}

export class EventQueue {
  private heap: Timer[] = [];
  private dead = 0;

  get size(): number {
    return this.heap.length - this.dead;
  }

  push(timer: Timer): void {
    const heap = this.heap;
    let i = heap.length;
    heap.push(timer);
    // sift up
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (p.time < timer.time || (p.time === timer.time && p.seq < timer.seq)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = timer;
  }

  /** The earliest live timer, or undefined; dead entries on top are discarded on the way. */
  peek(): Timer | undefined {
    const heap = this.heap;
    while (heap.length > 0 && heap[0]!.fn === null) {
      this.removeTop();
      this.dead--;
    }
    return heap[0];
  }

  /** Removes and returns the earliest live timer. */
  pop(): Timer | undefined {
    const top = this.peek();
    if (top !== undefined) this.removeTop();
    return top;
  }

  /** Marks a timer cancelled; returns false if it had already fired or been cancelled. */
  cancel(timer: Timer): boolean {
    if (timer.fn === null) return false;
    timer.fn = null;
    this.dead++;
    if (this.dead > 1024 && this.dead * 2 > this.heap.length) this.compact();
    return true;
  }

  private removeTop(): void {
    const heap = this.heap;
    const last = heap.pop()!;
    const n = heap.length;
    if (n === 0) return;
    // sift down
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      let child = heap[l]!;
      if (r < n) {
        const rc = heap[r]!;
        if (rc.time < child.time || (rc.time === child.time && rc.seq < child.seq)) {
          c = r;
          child = rc;
        }
      }
      if (last.time < child.time || (last.time === child.time && last.seq < child.seq)) break;
      heap[i] = child;
      i = c;
    }
    heap[i] = last;
  }

  private compact(): void {
    const live = this.heap.filter((t) => t.fn !== null);
    live.sort((a, b) => a.time - b.time || a.seq - b.seq);
    // A sorted array is a valid heap.
    this.heap = live;
    this.dead = 0;
  }
}
