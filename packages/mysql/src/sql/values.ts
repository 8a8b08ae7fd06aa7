import type { ColumnDef, ColumnType, ColumnTypeName } from "./ast.js";
import { ER, warning, type SqlError, type SqlWarning } from "./errors.js";

/**
 * Values and MySQL's rules for them: integers and decimals are JavaScript numbers (WordPress ids
 * and counters stay far below 2^53), text and temporal values are strings. Comparisons follow
 * MySQL: number against string compares numerically, strings compare under the default
 * utf8mb4_0900_ai_ci collation (case-insensitive), NULL poisons everything but <=>.
 */
export type SqlValue = null | number | string;

const INTEGER_RANGES: Record<string, [number, number, number]> = {
  // [signed min, signed max, unsigned max]
  TINYINT: [-128, 127, 255],
  SMALLINT: [-32768, 32767, 65535],
  MEDIUMINT: [-8388608, 8388607, 16777215],
  INT: [-2147483648, 2147483647, 4294967295],
  BIGINT: [-9223372036854775808, 9223372036854775807, 18446744073709551615],
};

/** Maximum length in characters of string types (TEXT types by their byte limits). */
const TEXT_LIMITS: Record<string, number> = {
  TINYTEXT: 255,
  TEXT: 65535,
  MEDIUMTEXT: 16777215,
  LONGTEXT: 4294967295,
  BLOB: 65535,
  LONGBLOB: 4294967295,
};

export function isIntegerType(t: ColumnTypeName): boolean {
  return t in INTEGER_RANGES;
}

export function isNumericType(t: ColumnTypeName): boolean {
  return isIntegerType(t) || t === "DECIMAL" || t === "FLOAT" || t === "DOUBLE";
}

export function isTemporalType(t: ColumnTypeName): boolean {
  return t === "DATETIME" || t === "DATE" || t === "TIMESTAMP";
}

/** Parses the leading number of a string as MySQL's string-to-number cast does ('12abc' is 12). */
export function toNumber(v: SqlValue): number | null {
  if (v === null) return null;
  if (typeof v === "number") return v;
  const m = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(v);
  return m === null ? 0 : Number(m[0]);
}

/** MySQL truth: NULL stays unknown, numbers are true unless zero. */
export function truth(v: SqlValue): boolean | null {
  const n = toNumber(v);
  return n === null ? null : n !== 0;
}

export function fromBool(b: boolean | null): SqlValue {
  return b === null ? null : b ? 1 : 0;
}

/** The collation key of a string under utf8mb4_0900_ai_ci (case and accents fold). */
export function collationKey(s: string): string {
  // Most keys are ASCII, where only case folds; decomposing them would be wasted work.
  return /[^\x00-\x7f]/.test(s) ? s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase() : s.toLowerCase();
}

/** -1, 0 or 1; null when either side is NULL. */
export function compare(a: SqlValue, b: SqlValue): number | null {
  if (a === null || b === null) return null;
  if (typeof a === "string" && typeof b === "string") {
    const ka = collationKey(a);
    const kb = collationKey(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  }
  const na = toNumber(a)!;
  const nb = toNumber(b)!;
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** Ordering for ORDER BY: NULL sorts first in ascending order. */
export function compareForSort(a: SqlValue, b: SqlValue): number {
  if (a === null) return b === null ? 0 : -1;
  if (b === null) return 1;
  return compare(a, b)!;
}

/** A key for grouping, DISTINCT and unique indexes: values equal under compare() get the same key. */
export function groupKey(values: readonly SqlValue[]): string {
  return JSON.stringify(values.map((v) => (typeof v === "string" ? `s:${collationKey(v)}` : v)));
}

/** How a value travels in the text protocol: NULL or its textual form. */
export function toText(v: SqlValue, decimals?: number): string | null {
  if (v === null) return null;
  if (typeof v === "string") return v;
  if (decimals !== undefined) return v.toFixed(decimals);
  if (Number.isInteger(v)) return Number.isSafeInteger(v) ? String(v) : BigInt(v).toString();
  return String(v);
}

/** 'YYYY-MM-DD HH:MM:SS' of an epoch instant, in UTC (the containers' time zone). */
export function formatDatetime(epochMs: number): string {
  const d = new Date(epochMs);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${p(d.getUTCFullYear(), 4)}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

export const ZERO_DATETIME = "0000-00-00 00:00:00";

/** Normalizes a DATETIME/DATE literal; undefined if it is not a valid one. */
export function parseTemporal(s: string, type: ColumnTypeName): string | undefined {
  const m = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.\d+)?)?)?\s*$/.exec(s);
  if (m === null) return undefined;
  const [y, mo, d, h, mi, se] = [m[1], m[2], m[3], m[4] ?? "0", m[5] ?? "0", m[6] ?? "0"].map(Number) as [number, number, number, number, number, number];
  const zero = y === 0 && mo === 0 && d === 0;
  if (!zero) {
    if (mo < 1 || mo > 12 || d < 1 || d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return undefined;
  }
  if (h > 23 || mi > 59 || se > 59) return undefined;
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  const date = `${p(y, 4)}-${p(mo)}-${p(d)}`;
  return type === "DATE" ? date : `${date} ${p(h)}:${p(mi)}:${p(se)}`;
}

export interface SqlMode {
  readonly strict: boolean;
  readonly noZeroDate: boolean;
}

export function parseSqlMode(mode: string): SqlMode {
  const flags = new Set(mode.toUpperCase().split(",").map((s) => s.trim()));
  const strict = flags.has("STRICT_TRANS_TABLES") || flags.has("STRICT_ALL_TABLES") || flags.has("TRADITIONAL");
  return { strict, noZeroDate: flags.has("NO_ZERO_DATE") || flags.has("TRADITIONAL") };
}

/**
 * Converts a value for storage in `column` (row numbers count from 1 for messages). In strict
 * mode a bad value is an error; otherwise it is adjusted and a warning recorded, as MySQL does.
 */
export function coerceForColumn(v: SqlValue, column: ColumnDef, row: number, mode: SqlMode, warnings: SqlWarning[]): SqlValue {
  if (v === null) return null;
  const t = column.type;
  const fail = (e: SqlError, fallback: SqlValue): SqlValue => {
    if (mode.strict) throw e;
    warnings.push(warning("Warning", e));
    return fallback;
  };
  if (isIntegerType(t.name)) return coerceInteger(v, t, column.name, row, fail);
  if (t.name === "DECIMAL" || t.name === "FLOAT" || t.name === "DOUBLE") {
    if (typeof v === "string" && !/^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(v)) {
      return fail(ER.incorrectValue("decimal", v, column.name, row), toNumber(v));
    }
    const n = toNumber(v)!;
    return t.name === "DECIMAL" ? Number(n.toFixed(t.scale ?? 0)) : n;
  }
  if (isTemporalType(t.name)) {
    const s = typeof v === "number" ? String(v) : v;
    const parsed = parseTemporal(s, t.name);
    if (parsed === undefined) return fail(ER.incorrectDatetime(s, column.name, row), t.name === "DATE" ? "0000-00-00" : ZERO_DATETIME);
    if (mode.noZeroDate && parsed.startsWith("0000-00-00")) return fail(ER.incorrectDatetime(s, column.name, row), parsed);
    return parsed;
  }
  const s = typeof v === "number" ? (toText(v) as string) : v;
  const limit = t.name === "CHAR" || t.name === "VARCHAR" ? (t.length ?? 1) : (TEXT_LIMITS[t.name] ?? Number.POSITIVE_INFINITY);
  if ([...s].length > limit) {
    // Strict mode refuses the value; otherwise it is cut and the warning says "truncated".
    if (mode.strict) throw ER.dataTooLong(column.name, row);
    warnings.push(warning("Warning", ER.dataTruncated(column.name, row)));
    return [...s].slice(0, limit).join("");
  }
  return s;
}

function coerceInteger(v: SqlValue, t: ColumnType, name: string, row: number, fail: (e: SqlError, fallback: SqlValue) => SqlValue): SqlValue {
  let n: number;
  if (typeof v === "string") {
    const trimmed = v.trim();
    if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(trimmed)) return fail(ER.incorrectValue("integer", v, name, row), Math.round(toNumber(v)!));
    n = Number(trimmed);
  } else n = v as number;
  n = Math.round(n);
  const [min, max, umax] = INTEGER_RANGES[t.name]!;
  const lo = t.unsigned ? 0 : min;
  const hi = t.unsigned ? umax : max;
  if (n < lo || n > hi) return fail(ER.outOfRange(name, row), n < lo ? lo : hi);
  return n;
}

/** The column type as SHOW COLUMNS and SHOW CREATE TABLE print it in MySQL 8 (`bigint unsigned`, `varchar(255)`). */
export function typeText(t: ColumnType): string {
  const base = t.name.toLowerCase();
  let s: string;
  if (t.name === "DECIMAL") s = `decimal(${t.length ?? 10},${t.scale ?? 0})`;
  else if (t.name === "CHAR" || t.name === "VARCHAR") s = `${base}(${t.length ?? 1})`;
  else if (t.name === "TINYINT" && t.length === 1) s = "tinyint(1)";
  else if ((t.name === "FLOAT" || t.name === "DOUBLE") && t.length !== undefined) s = `${base}(${t.length},${t.scale ?? 0})`;
  else s = base;
  return t.unsigned ? `${s} unsigned` : s;
}
