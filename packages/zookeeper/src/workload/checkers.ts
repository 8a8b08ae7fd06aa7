import { availability, type CheckResult, type Operation, type Sim, type TraceEvent, type Violation } from "@ksim/sim";
import type { ReadBack } from "./workload.js";

/**
 * Checkers over what a run observably did: the client history (invoke/ok/fail/info) and the
 * zk.* trace events servers record (role, established, commit, recover).
 */

/** Collects the zk.* trace as it is recorded. */
export class ZkTrace {
  readonly events: TraceEvent[] = [];
  private readonly stop: () => void;

  constructor(sim: Sim) {
    this.stop = sim.trace.observe("zk.", (e) => this.events.push(e));
  }

  close(): void {
    this.stop();
  }
}

function result(invariant: string, violations: Violation[], metrics: Record<string, number> = {}): CheckResult {
  return { invariant, ok: violations.length === 0, violations, metrics };
}

/** Servers are told apart by pod name when hosted in pods, else by sid. */
function server(d: Record<string, unknown>): string {
  return String(d.pod ?? d.sid);
}

/** Zab: at most one leader establishes itself in any epoch. */
export function checkOneLeaderPerEpoch(events: readonly TraceEvent[]): CheckResult {
  const byEpoch = new Map<number, string>();
  const violations: Violation[] = [];
  for (const e of events) {
    if (e.type !== "zk.established") continue;
    const d = e.data as Record<string, unknown>;
    const epoch = d.epoch as number;
    const who = server(d);
    const prior = byEpoch.get(epoch);
    if (prior !== undefined && prior !== who) {
      violations.push({ invariant: "one-leader-per-epoch", time: e.time, message: `epoch ${epoch} established by ${prior} and ${who}` });
    }
    byEpoch.set(epoch, who);
  }
  return result("one-leader-per-epoch", violations, { epochs: byEpoch.size });
}

/** Every server commits the same txn at a zxid, and in increasing zxid order between recoveries. */
export function checkCommittedPrefix(events: readonly TraceEvent[]): CheckResult {
  const txnAt = new Map<number, string>();
  const last = new Map<string, number>();
  const violations: Violation[] = [];
  let commits = 0;
  for (const e of events) {
    const d = e.data as Record<string, unknown>;
    if (e.type === "zk.recover") last.delete(server(d));
    if (e.type !== "zk.commit") continue;
    commits++;
    const zxid = d.zxid as number;
    const txn = d.txn as string;
    const who = server(d);
    const seen = txnAt.get(zxid);
    if (seen !== undefined && seen !== txn) {
      violations.push({ invariant: "committed-prefix", time: e.time, message: `zxid 0x${zxid.toString(16)} committed as "${seen}" and as "${txn}" (on ${who})` });
    }
    txnAt.set(zxid, txn);
    const prev = last.get(who) ?? -1;
    if (zxid <= prev) {
      violations.push({ invariant: "committed-prefix", time: e.time, message: `${who} committed 0x${zxid.toString(16)} after 0x${prev.toString(16)}` });
    }
    last.set(who, zxid);
  }
  return result("committed-prefix", violations, { commits, zxids: txnAt.size });
}

export interface WriteInput {
  readonly path: string;
  readonly value: string;
}

/**
 * No acknowledged write is lost: every write the history says succeeded is present, with its
 * value, in what was read back at the end. A write read back as absent (NoNode) or with another
 * value is a violation; one that could not be read at all gets no verdict: it is counted as
 * unverified, and the invariant says so, rather than reported lost.
 */
export function checkAcknowledgedWrites(ops: readonly Operation[], readBack: ReadBack, at: number): CheckResult {
  const lost: string[] = [];
  let acknowledged = 0;
  let unverified = 0;
  for (const op of ops) {
    if (op.f !== "write" || op.outcome !== "ok") continue;
    acknowledged++;
    const w = op.input as WriteInput;
    const got = readBack.get(w.path);
    if (got === undefined) unverified++;
    else if (got !== w.value) lost.push(`write of ${w.path}=${w.value} acknowledged at ${op.completedAt}ms but ${got === null ? "missing" : `found ${got}`} at the end`);
  }
  const invariant = unverified === 0 ? "acknowledged-writes" : "acknowledged-writes (some could not be read back: no verdict on those)";
  const violations = lost.map((message) => ({ invariant, time: at, message }));
  return result(invariant, violations, { acknowledged, verified: acknowledged - unverified, unverified });
}

/**
 * The members hold the same data: each path the workload wrote, read from every member on its own
 * once writes stopped, has one answer (its value, or missing) on all that answered. A member that
 * could not be read gets no verdict. Members can disagree without losing an acknowledged write:
 * 3.4.10 keeps its database across elections without the proposals it logged but never applied,
 * and a member that restarts replays them (ZOOKEEPER-2845), so a write whose client was told it
 * failed, or never heard, can appear on some members only.
 */
export function checkReplicasAgree(ops: readonly Operation[], readBacks: ReadonlyMap<string, ReadBack>, at: number): CheckResult {
  const outcome = new Map<string, string>();
  const words = { ok: "acknowledged", fail: "failed", info: "of unknown outcome" } as const;
  for (const op of ops) if (op.f === "write") outcome.set((op.input as WriteInput).path, op.outcome === undefined ? "never answered" : words[op.outcome]);
  const violations: Violation[] = [];
  let compared = 0;
  for (const path of outcome.keys()) {
    const answers: [string, string | null][] = [];
    for (const [member, readBack] of readBacks) {
      const got = readBack.get(path);
      if (got !== undefined) answers.push([member, got]);
    }
    if (answers.length < 2) continue;
    compared++;
    if (answers.every(([, v]) => v === answers[0]![1])) continue;
    const seen = answers.map(([member, v]) => `${member} ${v === null ? "missing" : `has ${v}`}`).join(", ");
    violations.push({ invariant: "replicas-agree", time: at, message: `${path} (a write ${outcome.get(path)}): ${seen}` });
  }
  const members = [...readBacks.values()];
  const unread = members.filter((r) => r.size === 0).length;
  return result("replicas-agree", violations, { compared, disagreements: violations.length, unreadMembers: unread });
}

/** Per client: acknowledged writes took effect in the order they were issued (zxids increase). */
export function checkClientOrder(ops: readonly Operation[]): CheckResult {
  const violations: Violation[] = [];
  const last = new Map<string, { zxid: number; index: number }>();
  for (const op of ops) {
    if (op.f !== "write" || op.outcome !== "ok") continue;
    const zxid = (op.output as { zxid: number }).zxid;
    const prev = last.get(op.process);
    if (prev !== undefined && zxid <= prev.zxid) {
      violations.push({ invariant: "client-order", time: op.completedAt ?? 0, message: `${op.process}: op ${op.index} got zxid 0x${zxid.toString(16)} after op ${prev.index}'s 0x${prev.zxid.toString(16)}` });
    }
    last.set(op.process, { zxid, index: op.index });
  }
  return result("client-order", violations);
}

/**
 * Write availability: the fraction of writes that succeeded and the longest stretch without a
 * successful one. Fails when the longest gap exceeds `maxGapMs`.
 */
export function checkWriteAvailability(ops: readonly Operation[], start: number, end: number, maxGapMs: number): CheckResult {
  const a = availability(ops, "write", start, end);
  const violations: Violation[] =
    a.longestGapMs > maxGapMs ? [{ invariant: "write-availability", time: end, message: `no write succeeded for ${a.longestGapMs}ms (allowed ${maxGapMs}ms)` }] : [];
  return result("write-availability", violations, { fraction: a.fraction, longestGapMs: a.longestGapMs });
}
