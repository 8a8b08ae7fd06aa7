import type { Mutation } from "./data.js";
import { frame, unframe } from "./records.js";
import type { DiskIO } from "./storage.js";

/**
 * Hinted handoff storage (hints/HintsService, 3.x): writes a coordinator could not deliver are
 * kept per target host ID, buffered in memory and written to `<hostId>-<timestamp>-1.hints`
 * every hints_flush_period (10 s) with an fsync — so a coordinator crash loses the hints of the
 * last period, as the real buffers do. Dispatch replays them oldest first and drops what landed.
 */

export interface Hint {
  readonly mutation: Mutation;
  /** Wall-clock ms when the hint was written. */
  readonly createdAt: number;
  /** The table's gc_grace_seconds then: a hint older than that is never applied (Hint.isLive). */
  readonly gcgs: number;
}

/**
 * Hint.isLive: a hint outlives neither its table's gc_grace_seconds when it was written nor the
 * table's current one — past it, the other replicas may have purged the tombstones it would
 * have to be reconciled with.
 */
export function hintIsLive(h: Hint, currentGcgs: number, nowMs: number): boolean {
  return h.createdAt + Math.min(h.gcgs, currentGcgs) * 1000 > nowMs;
}

interface HostHints {
  hints: Hint[];
  file: string | undefined;
  dirty: boolean;
}

export const HINTS_FLUSH_PERIOD_MS = 10_000;

export class HintStore {
  private readonly byHost = new Map<string, HostHints>();

  constructor(
    readonly dir: string,
    private readonly io: DiskIO,
  ) {}

  private host(hostId: string): HostHints {
    let h = this.byHost.get(hostId);
    if (h === undefined) this.byHost.set(hostId, (h = { hints: [], file: undefined, dirty: false }));
    return h;
  }

  add(hostId: string, hint: Hint): void {
    const h = this.host(hostId);
    h.hints.push(hint);
    h.dirty = true;
  }

  /** Host IDs with hints waiting, in the order they were first hinted. */
  hosts(): string[] {
    return [...this.byHost.entries()].filter(([, h]) => h.hints.length > 0).map(([id]) => id);
  }

  pending(hostId: string): readonly Hint[] {
    return this.byHost.get(hostId)?.hints ?? [];
  }

  total(): number {
    let n = 0;
    for (const h of this.byHost.values()) n += h.hints.length;
    return n;
  }

  /** The hints file's name, as dispatch logs it. */
  fileName(hostId: string): string {
    const h = this.byHost.get(hostId);
    if (h?.file !== undefined) return h.file.slice(h.file.lastIndexOf("/") + 1);
    return `${hostId}-${h?.hints[0]?.createdAt ?? 0}-1.hints`;
  }

  /** The first `n` hints for a host were delivered. */
  delivered(hostId: string, n: number): void {
    const h = this.byHost.get(hostId);
    if (h === undefined || n === 0) return;
    h.hints.splice(0, n);
    h.dirty = true;
  }

  /** Forgets every hint for a host (it left the ring: HintsService.excise). */
  excise(hostId: string): void {
    const h = this.byHost.get(hostId);
    if (h === undefined) return;
    h.hints = [];
    h.dirty = true;
  }

  /** The periodic flush: rewrite each changed host's file and fsync it (or delete it when empty). */
  flush(wallMs: number): void {
    for (const [id, h] of this.byHost) {
      if (!h.dirty) continue;
      h.dirty = false;
      if (h.hints.length === 0) {
        if (h.file !== undefined) this.io.remove(h.file);
        h.file = undefined;
        continue;
      }
      h.file ??= `${this.dir}/${id}-${wallMs}-1.hints`;
      const frames = h.hints.map((x) => frame(x));
      const bytes = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
      let at = 0;
      for (const f of frames) {
        bytes.set(f, at);
        at += f.length;
      }
      this.io.write(h.file, bytes);
      this.io.fsync(h.file);
    }
  }

  /** Adopts hint files found at start (a torn tail is dropped). */
  load(files: readonly { path: string; bytes: Uint8Array }[]): void {
    for (const f of files) {
      const name = f.path.slice(f.path.lastIndexOf("/") + 1);
      const m = /^([0-9a-f-]{36})-\d+-1\.hints$/.exec(name);
      if (m === null) continue;
      const h = this.host(m[1]!);
      h.file = f.path;
      for (const r of unframe<Hint>(f.bytes).records) h.hints.push(r.value);
    }
  }
}
