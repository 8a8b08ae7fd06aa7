/**
 * Sessions as the leader tracks them (SessionTrackerImpl): each has a timeout and an expiry
 * rounded up to the next tick, and expires when a tick passes it untouched. Followers only
 * collect touches for their clients and report them to the leader with each PING reply.
 */

const MASK_56 = (1n << 56n) - 1n;

/** SessionTrackerImpl.initializeNextSession: ((now << 24) >>> 8) | (sid << 56). */
export function firstSessionId(sid: number, nowMs: number): bigint {
  return ((BigInt(nowMs) << 16n) & MASK_56) | (BigInt(sid) << 56n);
}

export function roundToTick(time: number, tickTime: number): number {
  return (Math.floor(time / tickTime) + 1) * tickTime;
}

interface Tracked {
  timeout: number;
  expiresAt: number;
  closing: boolean;
}

export class SessionTracker {
  private readonly sessions = new Map<bigint, Tracked>();

  constructor(private readonly tickTime: number) {}

  get size(): number {
    return this.sessions.size;
  }

  add(id: bigint, timeout: number, now: number): void {
    this.sessions.set(id, { timeout, expiresAt: roundToTick(now + timeout, this.tickTime), closing: false });
  }

  /** Extends a live session; false if it is unknown or already closing (expired). */
  touch(id: bigint, now: number): boolean {
    const s = this.sessions.get(id);
    if (s === undefined || s.closing) return false;
    const at = roundToTick(now + s.timeout, this.tickTime);
    if (at > s.expiresAt) s.expiresAt = at;
    return true;
  }

  isValid(id: bigint): boolean {
    const s = this.sessions.get(id);
    return s !== undefined && !s.closing;
  }

  setClosing(id: bigint): void {
    const s = this.sessions.get(id);
    if (s !== undefined) s.closing = true;
  }

  remove(id: bigint): void {
    this.sessions.delete(id);
  }

  /** Sessions whose expiry has passed, now marked closing so they expire once. */
  expire(now: number): { id: bigint; timeout: number }[] {
    const out: { id: bigint; timeout: number }[] = [];
    for (const [id, s] of this.sessions) {
      if (!s.closing && s.expiresAt <= now) {
        s.closing = true;
        out.push({ id, timeout: s.timeout });
      }
    }
    return out;
  }
}
