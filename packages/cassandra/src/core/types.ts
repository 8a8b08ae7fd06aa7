/**
 * CQL types and values. Values are plain JavaScript: numbers for int/smallint/float/double and
 * timestamp (ms), bigint for bigint/varint/counter, strings for text and UUIDs, booleans, and
 * Uint8Array for blobs. `serialize` gives the native-protocol bytes, which is what partition-key
 * tokens are computed from.
 */

export const CQL_TYPES = [
  "ascii",
  "bigint",
  "blob",
  "boolean",
  "counter",
  "double",
  "float",
  "int",
  "smallint",
  "text",
  "timestamp",
  "timeuuid",
  "tinyint",
  "uuid",
  "varchar",
  "varint",
] as const;
export type CqlType = (typeof CQL_TYPES)[number];

export type Value = null | boolean | number | string | bigint | Uint8Array;

/** A collection column's type: its elements (a map's keys and values) are of native types. */
export type CollectionType =
  | { readonly kind: "set" | "list"; readonly of: CqlType; readonly frozen: boolean }
  | { readonly kind: "map"; readonly key: CqlType; readonly of: CqlType; readonly frozen: boolean };

export type ColumnType = CqlType | CollectionType;

/**
 * A collection as read, element by element in order: a set's elements as keys, a list's
 * elements as values (its keys are the time UUIDs that order them), a map's keys and values.
 */
export interface CollectionValue {
  readonly keys: readonly Value[];
  readonly values: readonly Value[];
}

export function isCqlType(s: string): s is CqlType {
  return (CQL_TYPES as readonly string[]).includes(s);
}

export function isCollection(t: ColumnType): t is CollectionType {
  return typeof t !== "string";
}

/** A column type from its CQL spelling: `int`, `set<text>`, `map<text, int>`, `frozen<list<int>>`. */
export function parseColumnType(text: string): ColumnType | undefined {
  const s = text.replace(/\s+/g, "").toLowerCase();
  if (isCqlType(s)) return s;
  const frozen = /^frozen<(.*)>$/.exec(s);
  const inner = frozen === null ? s : frozen[1]!;
  let m = /^(set|list)<(\w+)>$/.exec(inner);
  if (m !== null && isCqlType(m[2]!)) return { kind: m[1] as "set" | "list", of: m[2], frozen: frozen !== null };
  m = /^map<(\w+),(\w+)>$/.exec(inner);
  if (m !== null && isCqlType(m[1]!) && isCqlType(m[2]!)) return { kind: "map", key: m[1], of: m[2], frozen: frozen !== null };
  return undefined;
}

/** A column type as DESCRIBE and system_schema print it. */
export function columnTypeName(t: ColumnType): string {
  if (!isCollection(t)) return typeName(t);
  const inner = t.kind === "map" ? `map<${typeName(t.key)}, ${typeName(t.of)}>` : `${t.kind}<${typeName(t.of)}>`;
  return t.frozen ? `frozen<${inner}>` : inner;
}

/** The type name as DESCRIBE and system_schema print it (varchar is an alias of text). */
export function typeName(t: CqlType): string {
  return t === "varchar" ? "text" : t;
}

const encoder = new TextEncoder();

/** Native-protocol serialization of a non-null value of type `t`. */
export function serialize(t: CqlType, v: Exclude<Value, null>): Uint8Array {
  switch (t) {
    case "int": {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setInt32(0, v as number);
      return b;
    }
    case "smallint": {
      const b = new Uint8Array(2);
      new DataView(b.buffer).setInt16(0, v as number);
      return b;
    }
    case "tinyint":
      return Uint8Array.of((v as number) & 0xff);
    case "bigint":
    case "counter": {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setBigInt64(0, v as bigint);
      return b;
    }
    case "timestamp": {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setBigInt64(0, BigInt(v as number));
      return b;
    }
    case "varint":
      return varintBytes(v as bigint);
    case "double": {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setFloat64(0, v as number);
      return b;
    }
    case "float": {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setFloat32(0, v as number);
      return b;
    }
    case "boolean":
      return Uint8Array.of(v ? 1 : 0);
    case "uuid":
    case "timeuuid": {
      const hex = (v as string).replace(/-/g, "");
      const b = new Uint8Array(16);
      for (let i = 0; i < 16; i++) b[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
      return b;
    }
    case "blob":
      return v as Uint8Array;
    case "ascii":
    case "text":
    case "varchar":
      return encoder.encode(v as string);
  }
}

function varintBytes(v: bigint): Uint8Array {
  const out: number[] = [];
  let x = v;
  for (;;) {
    out.unshift(Number(BigInt.asUintN(8, x)));
    x >>= 8n;
    const top = out[0]!;
    if ((x === 0n && top < 0x80) || (x === -1n && top >= 0x80)) break;
  }
  return Uint8Array.from(out);
}

/** The bytes a partition key hashes to: one component as is, several as a CompositeType. */
export function partitionKeyBytes(types: readonly CqlType[], values: readonly Value[]): Uint8Array {
  if (types.length === 1) return serialize(types[0]!, values[0]!);
  const parts = types.map((t, i) => serialize(t, values[i]!));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length + 3, 0));
  let at = 0;
  for (const p of parts) {
    out[at] = (p.length >> 8) & 0xff;
    out[at + 1] = p.length & 0xff;
    out.set(p, at + 2);
    at += p.length + 3;
  }
  return out;
}

/** Orders two non-null values of the same type as Cassandra's comparators do. */
export function compareValues(t: CqlType, a: Value, b: Value): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  switch (t) {
    case "text":
    case "varchar":
    case "ascii":
    case "blob":
      return compareBytes(serialize(t, a), serialize(t, b));
    case "uuid":
    case "timeuuid":
      return compareUuids(t, a as string, b as string);
    case "boolean":
      return Number(a) - Number(b);
    default:
      return a < b ? -1 : a > b ? 1 : 0;
  }
}

/** A version-1 UUID's 60-bit timestamp (its time_hi, time_mid and time_low, in that order). */
function uuidTicks(u: string): bigint {
  return BigInt(`0x${u.slice(15, 18)}${u.slice(9, 13)}${u.slice(0, 8)}`);
}

/**
 * TimeUUIDType orders by timestamp, then the clock sequence and node as signed bytes; UUIDType by
 * version, then time UUIDs by timestamp and the rest as unsigned bytes.
 */
function compareUuids(t: "uuid" | "timeuuid", a: string, b: string): number {
  const version = (u: string) => parseInt(u[14]!, 16);
  if (t === "uuid" && version(a) !== version(b)) return version(a) - version(b);
  if (t === "timeuuid" || version(a) === 1) {
    const d = uuidTicks(a) - uuidTicks(b);
    if (d !== 0n) return d < 0n ? -1 : 1;
  }
  const x = serialize(t, a);
  const y = serialize(t, b);
  if (t === "uuid") return compareBytes(x, y);
  for (let i = 8; i < 16; i++) {
    const d = ((x[i]! << 24) >> 24) - ((y[i]! << 24) >> 24);
    if (d !== 0) return d;
  }
  return 0;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** A Map key for a tuple of values (stable across nodes and encodings). */
export function keyString(values: readonly Value[]): string {
  let s = "";
  for (const v of values) {
    if (s.length > 0) s += "\u0001";
    if (v === null) s += "\u0000";
    else if (typeof v === "bigint") s += `n${v}`;
    else if (v instanceof Uint8Array) s += `b${[...v].map((x) => x.toString(16).padStart(2, "0")).join("")}`;
    else s += `${typeof v === "string" ? "s" : typeof v === "number" ? "d" : "t"}${String(v)}`;
  }
  return s;
}

const INT_RANGE: Partial<Record<CqlType, [number, number]>> = {
  int: [-2147483648, 2147483647],
  smallint: [-32768, 32767],
  tinyint: [-128, 127],
};

export type Literal =
  | { readonly kind: "string"; readonly text: string }
  | { readonly kind: "integer"; readonly text: string }
  | { readonly kind: "float"; readonly text: string }
  | { readonly kind: "boolean"; readonly value: boolean }
  | { readonly kind: "uuid"; readonly text: string }
  | { readonly kind: "hex"; readonly text: string }
  | { readonly kind: "null" }
  /** A native function call as written (`now()`, `toTimestamp(now())`), resolved when the statement runs. */
  | { readonly kind: "call"; readonly name: string; readonly args: readonly Literal[] }
  /** A function's result: assignable to a column of its type. */
  | { readonly kind: "result"; readonly fn: string; readonly type: CqlType; readonly value: Value }
  /** A collection literal: `[...]`, `{a, b}`, `{k: v}`, or `{}` (a set's or a map's). */
  | { readonly kind: "collection"; readonly brackets: "list" | "set" | "map" | "empty"; readonly items: readonly Literal[]; readonly values: readonly Literal[] };

/** Thrown for literals that do not fit a column; the message is Cassandra's. */
export class InvalidValue extends Error {}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Cassandra's refusal of a constant that does not fit a column's type. */
export function invalidConstant(lit: Literal, column: string, type: string): InvalidValue {
  return new InvalidValue(`Invalid ${kindName(lit)} constant (${literalText(lit)}) for "${column}" of type ${type}`);
}

/** Converts a CQL literal to a value of type `t` for column `column`, with Cassandra's errors. */
export function literalValue(t: CqlType, lit: Literal, column: string): Value {
  const bad = (_what: string, _text: string) => invalidConstant(lit, column, typeName(t));
  if (lit.kind === "null") return null;
  if (lit.kind === "call") throw new Error(`${lit.name}() was not resolved before use`);
  if (lit.kind === "collection") throw new InvalidValue(`Invalid ${lit.brackets === "empty" ? "set" : lit.brackets} literal for ${column} of type ${typeName(t)}`);
  if (lit.kind === "result") {
    // A timeuuid is a uuid; otherwise the types must be the same.
    if (lit.type === t || (t === "uuid" && lit.type === "timeuuid")) return lit.value;
    throw new InvalidValue(`Type error: cannot assign result of function ${lit.fn} (type ${typeName(lit.type)}) to ${column} (type ${typeName(t)})`);
  }
  switch (t) {
    case "int":
    case "smallint":
    case "tinyint": {
      if (lit.kind !== "integer") throw bad(kindName(lit), literalText(lit));
      const n = Number(lit.text);
      const [lo, hi] = INT_RANGE[t]!;
      if (n < lo || n > hi) throw new InvalidValue(`Invalid ${t === "int" ? "32" : t === "smallint" ? "16" : "8"}-bits integer value: ${lit.text}`);
      return n;
    }
    case "bigint":
    case "counter":
    case "varint": {
      if (lit.kind !== "integer") throw bad(kindName(lit), literalText(lit));
      const n = BigInt(lit.text);
      // LongType.fromString: Long.parseLong's range.
      if (t !== "varint" && (n < -(2n ** 63n) || n >= 2n ** 63n)) throw new InvalidValue(`Unable to make long from '${lit.text}'`);
      return n;
    }
    case "timestamp":
      if (lit.kind === "integer") return Number(lit.text);
      if (lit.kind === "string") {
        const ms = Date.parse(lit.text.replace(" ", "T"));
        if (Number.isNaN(ms)) throw new InvalidValue(`Unable to coerce '${lit.text}' to a formatted date (long)`);
        return ms;
      }
      throw bad(kindName(lit), literalText(lit));
    case "double":
    case "float":
      if (lit.kind !== "integer" && lit.kind !== "float") throw bad(kindName(lit), literalText(lit));
      return t === "float" ? Math.fround(Number(lit.text)) : Number(lit.text);
    case "boolean":
      if (lit.kind !== "boolean") throw bad(kindName(lit), literalText(lit));
      return lit.value;
    case "uuid":
    case "timeuuid":
      if (lit.kind !== "uuid" || !UUID_RE.test(lit.text)) throw bad(kindName(lit), literalText(lit));
      return lit.text.toLowerCase();
    case "blob":
      if (lit.kind !== "hex") throw bad(kindName(lit), literalText(lit));
      return Uint8Array.from(lit.text.slice(2).match(/../g) ?? [], (h) => parseInt(h, 16));
    case "ascii":
    case "text":
    case "varchar":
      if (lit.kind !== "string") throw bad(kindName(lit), literalText(lit));
      return lit.text;
  }
}

function kindName(lit: Literal): string {
  switch (lit.kind) {
    case "string":
      return "STRING";
    case "integer":
      return "INTEGER";
    case "float":
      return "FLOAT";
    case "boolean":
      return "BOOLEAN";
    case "uuid":
      return "UUID";
    case "hex":
      return "HEX";
    case "null":
      return "NULL";
    case "call":
    case "result":
      return "FUNCTION";
    case "collection":
      return "COLLECTION";
  }
}

/** A literal as written (what error messages quote). */
export function literalText(lit: Literal): string {
  switch (lit.kind) {
    case "boolean":
      return String(lit.value);
    case "null":
      return "null";
    case "call":
    case "result":
      return "function";
    case "collection":
      return "collection";
    default:
      return lit.text;
  }
}

/** A string a type's fromString refuses (MarshalException); the message is Cassandra's. */
export class MarshalError extends Error {}

/** Java's Long.parseLong/Integer.parseInt syntax: an optional sign and decimal digits. */
const JAVA_INTEGER = /^[+-]?\d+$/;
/** What Double.parseDouble accepts, less hex floats and the f/d suffixes. */
const JAVA_DOUBLE = /^[+-]?(NaN|Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)$/;

/**
 * AbstractType.fromString, as nodetool getendpoints reads a partition key: each type's own text
 * form (not CQL literal syntax: strings are unquoted, blobs are bare hex).
 */
export function fromString(t: CqlType, source: string): Exclude<Value, null> {
  const fail = (what: string) => new MarshalError(`Unable to make ${what} from '${source}'`);
  switch (t) {
    case "int":
    case "smallint":
    case "tinyint": {
      const what = t === "int" ? "int" : t === "smallint" ? "short" : "byte";
      if (!JAVA_INTEGER.test(source)) throw fail(what);
      const n = Number(source);
      const [lo, hi] = INT_RANGE[t]!;
      if (n < lo || n > hi) throw fail(what);
      return n;
    }
    case "bigint":
    case "counter":
    case "varint": {
      if (!JAVA_INTEGER.test(source)) throw fail(t === "varint" ? "int" : "long");
      const n = BigInt(source);
      if (t !== "varint" && (n < -(2n ** 63n) || n >= 2n ** 63n)) throw fail("long");
      return n;
    }
    case "double":
    case "float":
      if (!JAVA_DOUBLE.test(source)) throw fail(t);
      return t === "float" ? Math.fround(Number(source)) : Number(source);
    case "boolean":
      if (source === "" || source.toLowerCase() === "false") return false;
      if (source.toLowerCase() === "true") return true;
      throw fail("boolean");
    case "uuid":
    case "timeuuid":
      if (!UUID_RE.test(source)) throw fail("UUID");
      return source.toLowerCase();
    case "blob":
      if (!/^([0-9a-fA-F]{2})*$/.test(source)) throw new MarshalError(`cannot parse '${source}' as hex bytes`);
      return Uint8Array.from(source.match(/../g) ?? [], (h) => parseInt(h, 16));
    case "timestamp": {
      const ms = JAVA_INTEGER.test(source) ? Number(source) : Date.parse(source.replace(" ", "T"));
      if (Number.isNaN(ms)) throw new MarshalError(`Unable to coerce '${source}' to a formatted date (long)`);
      return ms;
    }
    case "ascii":
    case "text":
    case "varchar":
      return source;
  }
}

/** Approximate bytes a value occupies on disk (for memtable sizing and Load). */
export function valueSize(v: Value): number {
  if (v === null) return 0;
  if (typeof v === "string") return v.length;
  if (v instanceof Uint8Array) return v.length;
  if (typeof v === "boolean") return 1;
  return 8;
}
