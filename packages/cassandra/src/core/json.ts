import type { ColumnSpec, ResultValue } from "./protocol.js";
import { invalid } from "./request-error.js";
import type { TableDef } from "./schema.js";
import { columnsByName, isKeyColumn, scalarType } from "./schema.js";
import { javaDouble } from "./java-format.js";
import { literalValue, parseColumnType, type CollectionType, type CollectionValue, type CqlType, type Literal, type Value } from "./types.js";

/**
 * CQL's JSON (Json, Selection.rowToJson and the types' toJSONString/fromJSONObject, 3.11):
 * SELECT JSON turns each result row into one JSON object in a column named [json]; INSERT JSON
 * reads one JSON object into the statement's columns, the ones it leaves out written as null
 * unless DEFAULT UNSET says to leave them alone.
 */

/** Json.quoteAsJsonString (Jackson 1.9): a string's JSON escapes, without the quotes; other control characters as upper-case \u00XX. */
function quote(s: string): string {
  return JSON.stringify(s)
    .slice(1, -1)
    .replace(/\\u00([0-9a-f]{2})/g, (_, h: string) => `\\u00${h.toUpperCase()}`);
}

/** TimestampSerializer's JSON format: `yyyy-MM-dd HH:mm:ss.SSSZ` in UTC. */
function jsonTimestamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}Z`;
}

/** The type's toJSONString (3.11.2: NaN and the infinities print as Java spells them, which is not JSON). */
function toJson(type: string, v: ResultValue): string {
  if (v === null) return "null";
  if (v instanceof Uint8Array) return `"0x${[...v].map((b) => b.toString(16).padStart(2, "0")).join("")}"`;
  if (typeof v === "boolean") return String(v);
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") {
    if (type === "timestamp") return `"${jsonTimestamp(v)}"`;
    return type === "double" || type === "float" ? javaDouble(v) : String(v);
  }
  if (typeof v === "string") return `"${quote(v)}"`;
  if (typeof v === "object" && "keys" in v && Array.isArray(v.keys)) return collectionJson(type, v as CollectionValue);
  return JSON.stringify(v);
}

/** SetType, ListType and MapType's toJSONString: arrays, and objects whose keys are strings (a non-string key's JSON quoted). */
function collectionJson(type: string, v: CollectionValue): string {
  const t = parseColumnType(type) as CollectionType;
  if (t.kind !== "map") return `[${(t.kind === "set" ? v.keys : v.values).map((x) => toJson(t.of, x)).join(", ")}]`;
  return `{${v.keys
    .map((k, i) => {
      const key = toJson(t.key, k);
      return `${key.startsWith('"') ? key : `"${key}"`}: ${toJson(t.of, v.values[i]!)}`;
    })
    .join(", ")}}`;
}

/** A column name as a JSON key: case-sensitive names keep CQL's double quotes. */
function jsonKey(name: string): string {
  return /^[a-z0-9_]*$/.test(name) ? name : `"${name}"`;
}

/** Selection.rowToJson over a result: one text column, [json]. */
export function rowsToJson(columns: readonly ColumnSpec[], rows: readonly (readonly ResultValue[])[]): { columns: ColumnSpec[]; rows: ResultValue[][] } {
  return {
    columns: [{ name: "[json]", type: "text" }],
    rows: rows.map((r) => [`{${columns.map((c, i) => `"${quote(jsonKey(c.name))}": ${toJson(c.type, r[i]!)}`).join(", ")}}`]),
  };
}

/**
 * Json.parseJson and the types' fromJSONObject: the object's values as literals of the columns'
 * types, and every non-key column it leaves out as null (DEFAULT NULL) unless `unset`.
 */
export function jsonInsertValues(t: TableDef, text: string, unset: boolean): { columns: string[]; values: Literal[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    // The cause is Jackson's exception in Cassandra; ksim gives the JSON parser's own words.
    throw invalid(`Could not decode JSON string as a map: ${(e as Error).message}. (String was: ${text})`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw invalid(`Could not decode JSON string as a map: ${jacksonType(parsed)} is not a map. (String was: ${text})`);
  const byName = columnsByName(t);
  const columns: string[] = [];
  const values: Literal[] = [];
  for (const [key, raw] of Object.entries(parsed as Record<string, unknown>)) {
    // Keys are CQL identifiers: case-insensitive unless double-quoted.
    const name = key.startsWith('"') && key.endsWith('"') ? key.slice(1, -1) : key.toLowerCase();
    const c = byName.get(name);
    if (c === undefined) throw invalid(`JSON values map contains unrecognized column: ${key}`);
    columns.push(name);
    const type = scalarType(c, "INSERT JSON");
    values.push(raw === null ? { kind: "null" } : { kind: "result", fn: "fromJson", type, value: fromJson(type, raw, name) });
  }
  for (const c of t.columns) {
    if (columns.includes(c.name)) continue;
    if (!unset) {
      columns.push(c.name);
      values.push({ kind: "null" });
    } else if (isKeyColumn(c)) throw invalid(`Invalid unset value for column ${c.name}`);
  }
  return { columns, values };
}

/** The class Jackson 1.9 reads a JSON value as, which fromJSONObject's errors name. */
function jacksonType(raw: unknown): string {
  if (typeof raw === "string") return "String";
  if (typeof raw === "boolean") return "Boolean";
  if (Array.isArray(raw)) return "ArrayList";
  if (typeof raw === "number") {
    if (!Number.isInteger(raw)) return "Double";
    if (Math.abs(raw) <= 2 ** 31 - 1 || raw === -(2 ** 31)) return "Integer";
    return Number.isSafeInteger(raw) ? "Long" : "BigInteger";
  }
  return "LinkedHashMap";
}

/**
 * A type's fromJSONObject: numbers from JSON numbers of their kind or from strings, text and
 * uuids from strings, timestamps from a JSON long or a string, blobs from `0x` strings.
 */
function fromJson(type: CqlType, raw: unknown, column: string): Value {
  const expected = (what: string) => invalid(`Error decoding JSON value for ${column}: Expected ${what}, but got a ${jacksonType(raw)}: ${JSON.stringify(raw)}`);
  const unable = (what: string) => invalid(`Error decoding JSON value for ${column}: Unable to make ${what} from '${String(raw)}'`);
  const kind = jacksonType(raw);
  const integer = (what: "int" | "long" | "varint", accepts: readonly string[], lit: (text: string) => Value) => {
    if (kind === "String") {
      if (!/^[+-]?\d+$/.test(raw as string)) throw unable(what);
      return lit(raw as string);
    }
    if (!accepts.includes(kind)) throw expected(`${{ int: "an int", long: "a bigint", varint: "a varint" }[what]} value`);
    return lit(String(raw));
  };
  switch (type) {
    case "int":
      return integer("int", ["Integer"], (text) => {
        const n = Number(text);
        if (n < -(2 ** 31) || n > 2 ** 31 - 1) throw unable("int");
        return n;
      });
    case "bigint":
    case "counter":
      return integer("long", ["Integer", "Long"], (text) => BigInt(text));
    case "varint":
      return integer("varint", ["Integer", "Long", "BigInteger"], (text) => BigInt(text));
    case "smallint":
    case "tinyint": {
      const what = type === "smallint" ? "short" : "byte";
      if (kind !== "String" && kind !== "Integer" && kind !== "Long" && kind !== "Double") throw invalid(`Error decoding JSON value for ${column}: Expected a ${what} value, but got a ${kind}: ${JSON.stringify(raw)}`);
      const n = Number(raw);
      const limit = type === "smallint" ? 2 ** 15 : 2 ** 7;
      if (!Number.isInteger(n) || (typeof raw === "string" && !/^[+-]?\d+$/.test(raw)) || n < -limit || n >= limit) throw unable(what);
      return n;
    }
    case "float":
    case "double": {
      if (kind === "String") {
        const n = Number(raw);
        if ((raw as string).trim() === "" || (Number.isNaN(n) && raw !== "NaN")) throw unable(type);
        return type === "float" ? Math.fround(n) : n;
      }
      if (typeof raw !== "number") throw invalid(`Error decoding JSON value for ${column}: Expected a ${type} value, but got a ${kind}: ${JSON.stringify(raw)}`);
      return type === "float" ? Math.fround(raw) : raw;
    }
    case "boolean":
      if (typeof raw === "boolean") return raw;
      if (typeof raw === "string" && /^(true|false|)$/i.test(raw)) return raw.toLowerCase() === "true";
      if (typeof raw === "string") throw unable("boolean");
      throw expected("a boolean value");
    case "timestamp": {
      if (kind === "Long") return raw as number;
      if (kind !== "String") throw expected("a long or a datestring representation of a timestamp value");
      if (/^-?\d+$/.test(raw as string)) return Number(raw);
      try {
        return literalValue(type, { kind: "string", text: raw as string }, column);
      } catch (e) {
        throw invalid(`Error decoding JSON value for ${column}: ${(e as Error).message}`);
      }
    }
    case "uuid":
    case "timeuuid": {
      if (kind !== "String") throw expected(`a string representation of a ${type}`);
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(raw as string)) throw unable("UUID");
      if (type === "timeuuid" && (raw as string)[14] !== "1") throw invalid(`Error decoding JSON value for ${column}: TimeUUID supports only version 1 UUIDs`);
      return (raw as string).toLowerCase();
    }
    case "blob": {
      const text = String(raw);
      const cause = !text.startsWith("0x")
        ? `String representation of blob is missing 0x prefix: ${text}`
        : !/^0x([0-9a-fA-F]{2})*$/.test(text)
          ? `cannot parse '${text.slice(2)}' as hex bytes`
          : undefined;
      if (kind !== "String" || cause !== undefined) throw invalid(`Error decoding JSON value for ${column}: Value '${text}' is not a valid blob representation: ${cause ?? `java.lang.${kind} cannot be cast to java.lang.String`}`);
      return Uint8Array.from(text.slice(2).match(/../g) ?? [], (h) => parseInt(h, 16));
    }
    case "ascii":
      if (kind !== "String") throw expected("an ascii string");
      return raw as string;
    case "text":
    case "varchar":
      if (kind !== "String") throw expected("a UTF-8 string");
      return raw as string;
  }
}
