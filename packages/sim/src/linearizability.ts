import type { Operation } from "./history.js";

/**
 * Linearizability of a compare-and-set register (Wing & Gong's search, with Lowe's memo of
 * visited configurations): is there an order of the operations, consistent with real time,
 * in which each acknowledged read returned the value then held and each acknowledged
 * compare-and-set found the value it expected? An operation whose outcome is unknown (`info`)
 * may have taken effect at any time after it began, or never; one that failed never did.
 */

export type RegisterOp =
  | { readonly f: "read"; readonly value: number | null }
  | { readonly f: "write"; readonly value: number | null }
  | { readonly f: "cas"; readonly from: number; readonly to: number };

/** One operation on one register, as the search sees it. */
export interface RegisterEvent {
  readonly op: RegisterOp;
  readonly invokedAt: number;
  /** When it was acknowledged; undefined for an outcome that is unknown. */
  readonly completedAt: number | undefined;
  /** For the report. */
  readonly label: string;
}

export type LinearizabilityVerdict =
  | { readonly linearizable: true; readonly explored: number }
  | { readonly linearizable: false; readonly explored: number; readonly stuck: RegisterEvent; readonly after: number }
  /** The search gave up after exploring `budget` configurations. */
  | { readonly linearizable: undefined; readonly explored: number };

interface Entry {
  readonly e: RegisterEvent;
  readonly call: number;
  readonly ret: number;
}

/** A configuration as a compact string: the value, then the placed set two UTF-16 units per word. */
function configuration(value: number | null, placed: Uint32Array): string {
  let key = `${value}|`;
  for (const w of placed) key += String.fromCharCode(w & 0xffff, w >>> 16);
  return key;
}

/** The register after `op`, or undefined when `op` cannot have returned what it did from `value`. */
function step(op: RegisterOp, value: number | null, acknowledged: boolean): number | null | undefined {
  switch (op.f) {
    case "read":
      return op.value === value ? value : undefined;
    case "write":
      return op.value;
    case "cas":
      if (value === op.from) return op.to;
      // An unacknowledged compare-and-set that found another value changed nothing.
      return acknowledged ? undefined : value;
  }
}

/**
 * Searches for a linearization of one register's events, starting from `initial`. Reads whose
 * outcome is unknown are left out (they change nothing); the search stops after `budget`
 * configurations.
 */
export function checkRegister(events: readonly RegisterEvent[], initial: number | null, budget = 2_000_000): LinearizabilityVerdict {
  // By invocation: the candidates for the next place are a stretch of this order.
  const entries: Entry[] = events
    .filter((e) => e.completedAt !== undefined || e.op.f !== "read")
    .map((e) => ({ e, call: e.invokedAt, ret: e.completedAt ?? Number.POSITIVE_INFINITY }))
    .sort((a, b) => a.call - b.call);
  // The acknowledged ones by acknowledgement: the first not yet placed bounds what may go next.
  const byReturn = entries.map((_, i) => i).filter((i) => entries[i]!.ret !== Number.POSITIVE_INFINITY).sort((a, b) => entries[a]!.ret - entries[b]!.ret);
  // Which entries are placed, as a bit set changed on the way down and undone on the way back.
  const placed = new Uint32Array(Math.ceil(entries.length / 32) + 1);
  const isPlaced = (i: number) => ((placed[i >>> 5]! >>> (i & 31)) & 1) === 1;
  const flip = (i: number) => (placed[i >>> 5]! ^= 1 << (i & 31));
  const seen = new Set<string>();
  let explored = 0;
  let deepest = { count: -1, placed: placed.slice() };
  interface Frame {
    readonly chosen: number;
    readonly value: number | null;
    readonly count: number;
    /** The first entry (by invocation) not placed, and the first acknowledged one (by acknowledgement). */
    readonly firstOpen: number;
    readonly firstDue: number;
    next: number;
  }
  const frame = (chosen: number, value: number | null, count: number, fromOpen: number, fromDue: number): Frame => {
    let firstOpen = fromOpen;
    while (firstOpen < entries.length && isPlaced(firstOpen)) firstOpen++;
    let firstDue = fromDue;
    while (firstDue < byReturn.length && isPlaced(byReturn[firstDue]!)) firstDue++;
    if (count > deepest.count) deepest = { count, placed: placed.slice() };
    return { chosen, value, count, firstOpen, firstDue, next: firstOpen };
  };
  const stack: Frame[] = [frame(-1, initial, 0, 0, 0)];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.firstDue === byReturn.length) return { linearizable: true, explored };
    // Nothing acknowledged before an entry began may still be waiting for its place.
    const horizon = entries[byReturn[top.firstDue]!]!.ret;
    let pushed = false;
    while (top.next < entries.length && entries[top.next]!.call <= horizon) {
      const i = top.next++;
      if (isPlaced(i)) continue;
      const x = entries[i]!;
      const value = step(x.e.op, top.value, x.ret !== Number.POSITIVE_INFINITY);
      if (value === undefined) continue;
      flip(i);
      const key = configuration(value, placed);
      if (seen.has(key)) {
        flip(i);
        continue;
      }
      seen.add(key);
      if (++explored > budget) return { linearizable: undefined, explored };
      stack.push(frame(i, value, top.count + 1, top.firstOpen, top.firstDue));
      pushed = true;
      break;
    }
    if (pushed) continue;
    stack.pop();
    if (top.chosen >= 0) flip(top.chosen);
  }
  // The acknowledged entry that could not follow the longest linearizable prefix, earliest first.
  const isDeepPlaced = (i: number) => ((deepest.placed[i >>> 5]! >>> (i & 31)) & 1) === 1;
  const stuck = entries[byReturn.find((i) => !isDeepPlaced(i))!]!;
  return { linearizable: false, explored, stuck: stuck.e, after: deepest.count };
}

/** The events of a history's operations on one key, for `checkRegister`. */
export function registerEvents(ops: readonly Operation[], toOp: (op: Operation) => RegisterOp | undefined): RegisterEvent[] {
  const out: RegisterEvent[] = [];
  for (const op of ops) {
    if (op.outcome === "fail" || (op.outcome === undefined && op.f === "read")) continue;
    const r = toOp(op);
    if (r === undefined) continue;
    out.push({ op: r, invokedAt: op.invokedAt, completedAt: op.outcome === "ok" ? op.completedAt : undefined, label: `${op.process} ${op.f} ${JSON.stringify(op.input)}${op.outcome === "ok" && op.output !== undefined ? ` -> ${JSON.stringify(op.output)}` : ""}` });
  }
  return out;
}
