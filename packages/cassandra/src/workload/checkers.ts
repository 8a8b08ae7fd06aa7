import type { CheckResult, Operation, RegisterOp, Violation } from "@ksim/sim";
import { availability, checkRegister, registerEvents } from "@ksim/sim";
import type { CasInput, ReadInput, ReadOutput, WriteInput } from "./register-workload.js";
import type { AccountInput, AccountOutput, TransferInput } from "./transfer-workload.js";
import type { CounterOutput, IncrementInput } from "./counter-workload.js";

/**
 * Checkers over register-workload histories, independent of Cassandra's internals. With unique
 * values, a read is stale when the write that produced its value had completed before some other
 * acknowledged write to the key began, and that write was acknowledged before the read began:
 * the read missed a write that strictly preceded it in real time. QUORUM writes with QUORUM reads
 * (and synchronized clocks) never do this; ONE and ONE do under failures.
 */

const MAX_VIOLATIONS = 50;

interface Indexed {
  readonly writes: Map<number, Operation[]>;
  /** The write of each value (deletes, of null, are not here: a read of nothing names no writer). */
  readonly byValue: Map<number, Operation>;
}

function index(ops: readonly Operation[]): Indexed {
  const writes = new Map<number, Operation[]>();
  const byValue = new Map<number, Operation>();
  for (const op of ops) {
    if (op.f !== "write") continue;
    const w = op.input as WriteInput;
    const list = writes.get(w.key) ?? [];
    list.push(op);
    writes.set(w.key, list);
    if (w.value !== null) byValue.set(w.value, op);
  }
  return { writes, byValue };
}

/**
 * The delete a read of nothing may have seen last: of those that began before the read ended and
 * did not certainly fail, the one that took effect latest.
 */
function latestDelete(read: Operation, writes: readonly Operation[]): Operation | undefined {
  let latest: Operation | undefined;
  for (const w of writes) {
    if ((w.input as WriteInput).value !== null || w.outcome === "fail" || w.invokedAt > read.completedAt!) continue;
    if (latest === undefined || effectiveEnd(w) > effectiveEnd(latest)) latest = w;
  }
  return latest;
}

/** When a write had certainly taken effect, if it did: one without an answer may land any time later (a hint, a replayed batch). */
function effectiveEnd(w: Operation): number {
  return w.outcome === "ok" ? w.completedAt! : Infinity;
}

/** Why a read's answer is inconsistent with the acknowledged writes, or undefined if it is fine. */
function staleness(read: Operation, idx: Indexed): string | undefined {
  const key = (read.input as ReadInput).key;
  const value = (read.output as ReadOutput).value;
  const writer = value === null ? latestDelete(read, idx.writes.get(key) ?? []) : idx.byValue.get(value);
  if (value !== null) {
    if (writer === undefined || writer.invokedAt > read.completedAt!) return `returned ${value}, which no write of key ${key} had produced`;
    if (writer.outcome === "fail") return `returned ${value}, from a write that failed (${writer.error})`;
  }
  // The latest write acknowledged before the read began that started after the read value's write ended.
  let missed: Operation | undefined;
  for (const w of idx.writes.get(key) ?? []) {
    if (w.outcome !== "ok" || w.completedAt! >= read.invokedAt) continue;
    if (writer !== undefined && w.invokedAt <= effectiveEnd(writer)) continue;
    if (missed === undefined || w.completedAt! > missed.completedAt!) missed = w;
  }
  if (missed === undefined) return undefined;
  const m = missed.input as WriteInput;
  const got = value === null ? "nothing" : `${value}`;
  return `returned ${got}, but the ${m.value === null ? "delete" : `write of ${m.value}`} was acknowledged at ${missed.completedAt} ms, before the read began`;
}

function check(invariant: string, ops: readonly Operation[], f: string, what: string): CheckResult {
  const idx = index(ops);
  const violations: Violation[] = [];
  let checked = 0;
  let bad = 0;
  for (const op of ops) {
    if (op.f !== f || op.outcome !== "ok") continue;
    checked++;
    const why = staleness(op, idx);
    if (why === undefined) continue;
    bad++;
    if (violations.length < MAX_VIOLATIONS) {
      violations.push({ invariant, time: op.completedAt!, message: `${what} of key ${(op.input as ReadInput).key} (${op.invokedAt}–${op.completedAt} ms) ${why}` });
    }
  }
  return { invariant, ok: bad === 0, violations, metrics: { checked, violations: bad } };
}

/** Every successful read returns the latest acknowledged value or a newer one. */
export function checkReads(ops: readonly Operation[]): CheckResult {
  return check("cassandra.reads-see-acknowledged-writes", ops, "read", "read");
}

/** After the run, every key still holds its latest acknowledged value (or a newer one). */
export function checkNoLostWrites(ops: readonly Operation[]): CheckResult {
  const result = check("cassandra.no-acknowledged-write-lost", ops, "final-read", "final read");
  const keys = new Set(ops.filter((o) => o.f === "final-read" && o.outcome === "ok").map((o) => (o.input as ReadInput).key));
  const writtenKeys = new Set(ops.filter((o) => o.f === "write" && o.outcome === "ok").map((o) => (o.input as WriteInput).key));
  const unread = [...writtenKeys].filter((k) => !keys.has(k));
  if (unread.length === 0) return result;
  return {
    ...result,
    ok: false,
    violations: [
      ...result.violations,
      { invariant: result.invariant, time: 0, message: `no successful final read of key(s) ${unread.join(", ")}: cannot tell whether their writes survived` },
    ],
  };
}

/**
 * The LWT workload's compare-and-set registers are linearizable: for each key, some order of its
 * reads, writes and compare-and-sets agrees with real time and with every acknowledged answer
 * (the register starting at 0). A key the search cannot settle within its budget fails too, as
 * undecided: a pass must mean the history was checked.
 */
export function checkLinearizable(ops: readonly Operation[]): CheckResult {
  const invariant = "cassandra.linearizable-registers";
  const byKey = new Map<number, Operation[]>();
  for (const op of ops) {
    const key = (op.input as { key: number }).key;
    const list = byKey.get(key) ?? [];
    list.push(op);
    byKey.set(key, list);
  }
  const violations: Violation[] = [];
  let explored = 0;
  let undecided = 0;
  for (const [key, list] of [...byKey].sort((a, b) => a[0] - b[0])) {
    const events = registerEvents(list, (op): RegisterOp | undefined => {
      if (op.f === "read" || op.f === "final-read") return { f: "read", value: (op.output as ReadOutput | undefined)?.value ?? null };
      if (op.f === "write") return { f: "write", value: (op.input as WriteInput).value };
      if (op.f === "cas") return { f: "cas", from: (op.input as CasInput).from, to: (op.input as CasInput).to };
      return undefined;
    });
    const v = checkRegister(events, 0);
    explored += v.explored;
    if (v.linearizable === true) continue;
    if (v.linearizable === undefined) {
      undecided++;
      violations.push({ invariant, time: 0, message: `key ${key}: undecided after ${v.explored} configurations` });
      continue;
    }
    violations.push({
      invariant,
      time: v.stuck.completedAt ?? 0,
      message: `key ${key}: not linearizable: after ${v.after} operations in some valid order, ${v.stuck.label} (${v.stuck.invokedAt}–${v.stuck.completedAt} ms) cannot come next`,
    });
  }
  return { invariant, ok: violations.length === 0, violations: violations.slice(0, MAX_VIOLATIONS), metrics: { keys: byKey.size, violations: violations.length - undecided, undecided, explored } };
}

/**
 * Every transfer is all or nothing once the run is over: its debit and its credit are both in
 * their accounts or neither is, an acknowledged one is there, and one refused before anything
 * was sent is not. Judged on the final reads of every account, after the cluster has settled.
 */
export function checkTransfers(ops: readonly Operation[]): CheckResult {
  const invariant = "cassandra.transfers-all-or-nothing";
  const entries = new Map<number, Set<number>>();
  for (const op of ops) {
    if (op.f === "final-read" && op.outcome === "ok") entries.set((op.input as AccountInput).account, new Set((op.output as AccountOutput).entries));
  }
  const violations: Violation[] = [];
  let transfers = 0;
  let halves = 0;
  let lost = 0;
  let unread = 0;
  const note = (time: number, message: string) => violations.length < MAX_VIOLATIONS && violations.push({ invariant, time, message });
  for (const op of ops) {
    if (op.f !== "transfer") continue;
    transfers++;
    const t = op.input as TransferInput;
    const debits = entries.get(t.from);
    const credits = entries.get(t.to);
    const what = `transfer ${t.entry} (account ${t.from} to ${t.to}, ${op.invokedAt}–${op.completedAt ?? "?"} ms, ${op.outcome}${op.error === undefined ? "" : `: ${op.error}`})`;
    if (debits === undefined || credits === undefined) {
      unread++;
      continue;
    }
    const debited = debits.has(t.entry);
    const credited = credits.has(t.entry);
    if (debited !== credited) {
      halves++;
      note(op.completedAt ?? op.invokedAt, `${what} is half applied: only its ${debited ? "debit" : "credit"} is there`);
    } else if (op.outcome === "ok" && !debited) {
      lost++;
      note(op.completedAt!, `${what} was acknowledged, and neither half is there`);
    } else if (op.outcome === "fail" && debited) {
      lost++;
      note(op.completedAt!, `${what} was refused, yet it is there`);
    }
  }
  if (unread > 0) note(0, `${unread} transfer(s) touch an account with no successful final read: cannot tell whether they were applied`);
  return { invariant, ok: violations.length === 0, violations, metrics: { transfers, halfApplied: halves, wrong: lost, unread } };
}

/**
 * Every counter ends between its acknowledged increments and those plus the indeterminate ones
 * (timed out: maybe applied): fewer means acknowledged increments were lost, more means some
 * were applied twice or a refused one was applied. Judged on the final reads.
 */
export function checkCounters(ops: readonly Operation[]): CheckResult {
  const invariant = "cassandra.counters-count-acknowledged-increments";
  const tally = new Map<number, { ok: number; unknown: number }>();
  const finals = new Map<number, Operation>();
  for (const op of ops) {
    const key = (op.input as IncrementInput).key;
    if (op.f === "final-read" && op.outcome === "ok") finals.set(key, op);
    if (op.f !== "increment" || op.outcome === "fail") continue;
    const t = tally.get(key) ?? { ok: 0, unknown: 0 };
    if (op.outcome === "ok") t.ok++;
    else t.unknown++;
    tally.set(key, t);
  }
  const violations: Violation[] = [];
  let lost = 0;
  let extra = 0;
  for (const [key, t] of [...tally].sort((a, b) => a[0] - b[0])) {
    const read = finals.get(key);
    const range = `${t.ok} acknowledged and ${t.unknown} indeterminate increment(s)`;
    if (read === undefined) {
      violations.push({ invariant, time: 0, message: `no successful final read of counter ${key} (${range}): cannot tell what it counted` });
      continue;
    }
    const value = (read.output as CounterOutput).value;
    if (value < t.ok) {
      lost += t.ok - value;
      violations.push({ invariant, time: read.completedAt!, message: `counter ${key} reads ${value} after ${range}: at least ${t.ok - value} acknowledged increment(s) lost` });
    } else if (value > t.ok + t.unknown) {
      extra += value - t.ok - t.unknown;
      violations.push({ invariant, time: read.completedAt!, message: `counter ${key} reads ${value} after ${range}: ${value - t.ok - t.unknown} more than could have been applied` });
    }
  }
  return { invariant, ok: violations.length === 0, violations, metrics: { counters: tally.size, lost, extra } };
}

/**
 * Availability per operation kind: the fraction that succeeded and the longest stretch without a
 * success. Fails only against the minimum fractions asked for.
 */
export function checkAvailability(
  ops: readonly Operation[],
  start: number,
  end: number,
  minimum: Readonly<Record<string, number>> = {},
): CheckResult {
  const invariant = "cassandra.availability";
  const metrics: Record<string, number> = {};
  const violations: Violation[] = [];
  for (const f of ["write", "read"]) {
    const a = availability(ops, f, start, end);
    metrics[`${f}.fraction`] = a.fraction;
    metrics[`${f}.longestGapMs`] = a.longestGapMs;
    const min = minimum[f];
    if (min !== undefined && a.fraction < min) {
      violations.push({ invariant, time: end, message: `${f} availability ${(a.fraction * 100).toFixed(1)}% is below ${(min * 100).toFixed(1)}%` });
    }
  }
  return { invariant, ok: violations.length === 0, violations, metrics };
}
