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
  /**
   * SessionTrackerImpl's sessionSets: the sessions by expiry. A touch moves a session to a later
   * set and leaves the old one behind, empty, until the expiry thread passes its time.
   */
  private readonly sets = new Map<number, Set<bigint>>();

  constructor(private readonly tickTime: number) {}

  get size(): number {
    return this.sessions.size;
  }

  add(id: bigint, timeout: number, now: number): void {
    const previous = this.sessions.get(id);
    if (previous !== undefined) this.sets.get(previous.expiresAt)?.delete(id);
    const expiresAt = roundToTick(now + timeout, this.tickTime);
    this.sessions.set(id, { timeout, expiresAt, closing: false });
    this.setAt(expiresAt).add(id);
  }

  /** Extends a live session; false if it is unknown or already closing (expired). */
  touch(id: bigint, now: number): boolean {
    const s = this.sessions.get(id);
    if (s === undefined || s.closing) return false;
    const at = roundToTick(now + s.timeout, this.tickTime);
    if (at > s.expiresAt) {
      this.sets.get(s.expiresAt)?.delete(id);
      s.expiresAt = at;
      this.setAt(at).add(id);
    }
    return true;
  }

  private setAt(time: number): Set<bigint> {
    let set = this.sets.get(time);
    if (set === undefined) this.sets.set(time, (set = new Set()));
    return set;
  }

  /** dumpSessions: the sets not yet expired, by time, each with its sessions. */
  sessionSets(): { readonly time: number; readonly ids: readonly bigint[] }[] {
    return [...this.sets.keys()].sort((a, b) => a - b).map((time) => ({ time, ids: [...this.sets.get(time)!] }));
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
    const s = this.sessions.get(id);
    if (s !== undefined) this.sets.get(s.expiresAt)?.delete(id);
    this.sessions.delete(id);
  }

  /** Sessions whose expiry has passed, now marked closing so they expire once. */
  expire(now: number): { id: bigint; timeout: number }[] {
    // The expiry thread takes each set whose time has come off the table.
    for (const time of this.sets.keys()) if (time <= now) this.sets.delete(time);
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
