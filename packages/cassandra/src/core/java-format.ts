/**
 * Java behaviours that show up in Cassandra's output: DecimalFormat's HALF_EVEN rounding of the
 * exact binary value of a double, FileUtils.stringifyFileSize, and the iteration order of a
 * java.util.HashMap (nodetool status lists nodes in the order of a hash-keyed multimap).
 */

/** The double as an exact fraction num / 2^shift (shift >= 0). */
function exact(v: number): { num: bigint; shift: bigint } {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, v);
  const bits = buf.getBigUint64(0);
  const exp = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  if (exp !== 0) mant |= 1n << 52n;
  const e = (exp === 0 ? 1 : exp) - 1075;
  return e >= 0 ? { num: mant << BigInt(e), shift: 0n } : { num: mant, shift: BigInt(-e) };
}

/** round(v * 10^digits) with HALF_EVEN on the exact value, for v >= 0. */
function scaledHalfEven(v: number, digits: number): bigint {
  const { num, shift } = exact(v);
  const n = num * 10n ** BigInt(digits);
  const den = 1n << shift;
  let q = n / den;
  const r2 = (n % den) * 2n;
  if (r2 > den || (r2 === den && (q & 1n) === 1n)) q += 1n;
  return q;
}

/**
 * new DecimalFormat(pattern).format(v) for the patterns Cassandra uses on non-negative values:
 * `#.##` (Load: up to two decimals, trailing zeros dropped; only ever given 0 or values >= 1),
 * `##0.0%` (status Owns) and `##0.00%` (ring Owns).
 */
export function decimalFormat(pattern: "#.##" | "##0.0%" | "##0.00%", v: number): string {
  if (pattern === "#.##") {
    const q = scaledHalfEven(v, 2);
    const int = q / 100n;
    const frac = q % 100n;
    if (frac === 0n) return `${int}`;
    return `${int}.${frac.toString().padStart(2, "0").replace(/0+$/, "")}`;
  }
  const digits = pattern === "##0.0%" ? 1 : 2;
  const q = scaledHalfEven(v * 100, digits);
  const scale = 10n ** BigInt(digits);
  return `${q / scale}.${(q % scale).toString().padStart(digits, "0")}%`;
}

const KIB = 1024;
const MIB = KIB * 1024;
const GIB = MIB * 1024;
const TIB = GIB * 1024;

/** FileUtils.stringifyFileSize (3.x units). */
export function stringifyFileSize(bytes: number): string {
  if (bytes >= TIB) return `${decimalFormat("#.##", bytes / TIB)} TiB`;
  if (bytes >= GIB) return `${decimalFormat("#.##", bytes / GIB)} GiB`;
  if (bytes >= MIB) return `${decimalFormat("#.##", bytes / MIB)} MiB`;
  if (bytes >= KIB) return `${decimalFormat("#.##", bytes / KIB)} KiB`;
  return `${decimalFormat("#.##", bytes)} bytes`;
}

/** Inet4Address.hashCode: the address as a big-endian int. */
export function inet4Hash(ip: string): number {
  const p = ip.split(".").map(Number);
  return ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) | 0;
}

/** UUID.hashCode: the two halves' xor, folded to an int. */
export function uuidHash(uuid: string): number {
  const hex = uuid.replace(/-/g, "");
  return longHash(BigInt(`0x${hex.slice(0, 16)}`) ^ BigInt(`0x${hex.slice(16)}`));
}

/** Long.hashCode / LongToken.hashCode. */
export function longHash(v: bigint): number {
  const u = BigInt.asUintN(64, v);
  return Number(BigInt.asIntN(32, u ^ (u >> 32n)));
}

/**
 * Iteration order of a java.util.HashMap after inserting `keys` in order: buckets by
 * `(h ^ (h >>> 16)) & (n - 1)` for the final table size n, insertion order within a bucket.
 * `initialTable` is the table size the map starts with (32 for Guava's default multimaps, which
 * ask for 12 expected keys); it doubles past 3/4 load.
 */
export function javaHashMapOrder<K>(keys: readonly K[], hash: (k: K) => number, initialTable = 16): K[] {
  let n = initialTable;
  while (keys.length > n * 0.75) n *= 2;
  const indexed = keys.map((k, i) => {
    const h = hash(k);
    return { k, i, b: (h ^ (h >>> 16)) & (n - 1) };
  });
  indexed.sort((a, b) => a.b - b.b || a.i - b.i);
  return indexed.map((x) => x.k);
}

/** A HashSet<Token> as Java prints it: `[t1, t2, ...]` in hash order (new HashSet<>(n) sizing). */
export function javaSetString(tokens: readonly bigint[]): string {
  let table = 1;
  while (table < tokens.length) table *= 2;
  return `[${javaHashMapOrder(tokens, longHash, Math.max(table, 16)).join(", ")}]`;
}

/** String.hashCode. */
export function stringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * commons-lang3 DurationFormatUtils.formatDurationWords(ms, true, true), as repair reports its
 * time: "0 seconds", "1 second", "1 minute 5 seconds", "1 hour". Its leading-zero suppression
 * never drops a lone " 0 seconds" (the last comparison in that chain is always false), which is
 * why a repair under a second says "finished in 0 seconds".
 */
export function formatDurationWords(ms: number): string {
  const total = Math.floor(ms / 1000);
  const [d, h, m, s] = [Math.floor(total / 86400), Math.floor(total / 3600) % 24, Math.floor(total / 60) % 60, total % 60];
  const replaceOnce = (text: string, what: string) => {
    const i = text.indexOf(what);
    return i < 0 ? text : text.slice(0, i) + text.slice(i + what.length);
  };
  let out = ` ${d} days ${h} hours ${m} minutes ${s} seconds`;
  let next = replaceOnce(out, " 0 days");
  if (next.length !== out.length) {
    out = next;
    next = replaceOnce(out, " 0 hours");
    if (next.length !== out.length) out = replaceOnce(next, " 0 minutes");
  }
  out = out.slice(1);
  next = replaceOnce(out, " 0 seconds");
  if (next.length !== out.length) {
    out = next;
    next = replaceOnce(out, " 0 minutes");
    if (next.length !== out.length) {
      out = next;
      next = replaceOnce(out, " 0 hours");
      if (next.length !== out.length) out = replaceOnce(next, " 0 days");
    }
  }
  out = ` ${out}`;
  for (const unit of ["second", "minute", "hour", "day"]) {
    const i = out.indexOf(` 1 ${unit}s`);
    if (i >= 0) out = `${out.slice(0, i)} 1 ${unit}${out.slice(i + unit.length + 4)}`;
  }
  return out.trim();
}

/** 100 ns intervals between the Gregorian calendar's start (1582-10-15) and the Unix epoch. */
const GREGORIAN_OFFSET = 0x01b21dd213814000n;

/**
 * UUIDGen.getTimeUUID: version-1 UUIDs from the wall clock, strictly increasing within a JVM
 * (the same millisecond gets the next 100 ns tick), with a clock sequence and node fixed for the
 * JVM's life — repair's parent and session ids.
 */
export class TimeUuidGenerator {
  private last = 0n;

  constructor(private readonly clockSeqAndNode: string) {}

  next(wallMs: number): string {
    let t = BigInt(Math.floor(wallMs)) * 10_000n + GREGORIAN_OFFSET;
    if (t <= this.last) t = this.last + 1n;
    this.last = t;
    return formatTimeUuid(t, this.clockSeqAndNode);
  }
}

/** A version-1 UUID from its 100 ns tick count since 1582 and its clock sequence and node (16 hex digits). */
function formatTimeUuid(ticks: bigint, clockSeqAndNode: string): string {
  const hex = ticks.toString(16).padStart(15, "0");
  return `${hex.slice(7, 15)}-${hex.slice(3, 7)}-1${hex.slice(0, 3)}-${clockSeqAndNode.slice(0, 4)}-${clockSeqAndNode.slice(4)}`;
}

/** Lists.PrecisionTime.REFERENCE_TIME (2010-01-01) in UUID ticks. */
const LIST_REFERENCE_TICKS = 1_262_304_000_000n * 10_000n + GREGORIAN_OFFSET;

/**
 * Lists.PrecisionTime for prepends: a time UUID's time mirrored about 2010-01-01, so what is
 * prepended later sorts before what was prepended earlier.
 */
export function mirroredTimeUuid(uuid: string): string {
  const [low, mid, hi, ...rest] = uuid.split("-");
  const ticks = BigInt(`0x${hi!.slice(1)}${mid}${low}`);
  return formatTimeUuid(2n * LIST_REFERENCE_TICKS - ticks, rest.join(""));
}

/**
 * UUIDGen.minTimeUUID and maxTimeUUID: the smallest and largest time UUIDs of a millisecond, as
 * Cassandra orders them (its clock sequence and node bytes compare signed).
 */
export function boundTimeUuid(wallMs: number, bound: "min" | "max"): string {
  const ticks = BigInt(Math.floor(wallMs)) * 10_000n + GREGORIAN_OFFSET + (bound === "max" ? 9_999n : 0n);
  return formatTimeUuid(ticks, bound === "min" ? "8080808080808080" : "7f7f7f7f7f7f7f7f");
}

/** UUIDGen.unixTimestamp: the wall-clock millisecond a version-1 UUID was made in. */
export function timeUuidMillis(uuid: string): number {
  const [low, mid, hi] = uuid.split("-");
  const t = BigInt(`0x${hi!.slice(1)}${mid}${low}`);
  return Number((t - GREGORIAN_OFFSET) / 10_000n);
}

/** Java's Double.toString for the magnitudes Cassandra prints (gossip's LOAD, tablestats' latencies). */
export function javaDouble(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (Number.isInteger(v) && Math.abs(v) < 1e7) return `${v}.0`;
  if (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e7) return String(v);
  const e = Math.floor(Math.log10(Math.abs(v)));
  const m = v / 10 ** e;
  const ms = String(m);
  return `${ms.includes(".") ? ms : `${ms}.0`}E${e}`;
}

/** nodetool's formatter.TableBuilder.printTo: every column padded to its widest cell, one space apart. */
export function tableBuilder(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => `${row.map((c, i) => c.padEnd(widths[i]!)).join(" ")}\n`).join("");
}

/** FBUtilities.prettyPrintMemory. */
export function prettyPrintMemory(bytes: number): string {
  if (bytes >= 1 << 30) return `${(bytes / (1 << 30)).toFixed(3)}GiB`;
  if (bytes >= 1 << 20) return `${(bytes / (1 << 20)).toFixed(3)}MiB`;
  return `${(bytes / 1024).toFixed(3)}KiB`;
}
