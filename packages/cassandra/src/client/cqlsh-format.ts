import type { ClientResponse, ColumnSpec, ErrorInfo, ResultValue } from "../core/protocol.js";
import { maybeQuote } from "../core/cql.js";
import { ErrorCode } from "../core/protocol.js";
import { STRATEGY_PACKAGE } from "../core/replication.js";
import { parseColumnType, type CollectionType, type CollectionValue, type Value } from "../core/types.js";

/**
 * cqlsh's output (cqlsh.py and formatting.py of Cassandra 3.11, which runs on Python 2.7 with
 * the bundled 3.x Python driver): result tables, value formatting, error lines, and the order
 * DESCRIBE KEYSPACES lists keyspaces in — a Python 2 dict's.
 */

function formatNumber(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "Infinity" : "-Infinity";
  // float_precision 5: '%.5g' without the trailing zeros Python's %g drops.
  const s = v.toPrecision(5);
  if (s.includes("e")) {
    const [m, e] = s.split("e");
    const mant = m!.includes(".") ? m!.replace(/0+$/, "").replace(/\.$/, "") : m!;
    const exp = Number(e);
    return `${mant}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
}

function pyRepr(s: string): string {
  return `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/**
 * format_simple_collection and format_value_map: a set as {a, b}, a list as [a, b], a map as
 * {k: v}; elements formatted with quote=True, so text (with ' doubled) and timestamps are quoted.
 */
function formatCollection(type: string, v: CollectionValue): string {
  const t = parseColumnType(type) as CollectionType;
  const element = (t: string, x: Value) => {
    const s = formatValue(t, x);
    return x !== null && (t === "text" || t === "varchar" || t === "ascii" || t === "timestamp") ? `'${s.replace(/'/g, "''")}'` : s;
  };
  switch (t.kind) {
    case "set":
      return `{${v.keys.map((k) => element(t.of, k)).join(", ")}}`;
    case "list":
      return `[${v.values.map((x) => element(t.of, x)).join(", ")}]`;
    case "map":
      return `{${v.keys.map((k, i) => `${element(t.key, k)}: ${element(t.of, v.values[i]!)}`).join(", ")}}`;
  }
}

/** formatting.py's format_value for the types the model has. */
export function formatValue(type: string, v: ResultValue): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return `{${v.map((x) => pyRepr(String(x))).join(", ")}}`;
  if (v instanceof Uint8Array) return `0x${[...v].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
  if (typeof v === "object" && "keys" in v && Array.isArray(v.keys)) return formatCollection(type, v as CollectionValue);
  if (typeof v === "object") {
    const o = v as Readonly<Record<string, string>>;
    return `{${Object.keys(o).map((k) => `${pyRepr(k)}: ${pyRepr(o[k]!)}`).join(", ")}}`;
  }
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") {
    if (type === "timestamp") {
      const d = new Date(v);
      const p = (n: number, w = 2) => String(n).padStart(w, "0");
      return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}000+0000`;
    }
    if (type === "double" || type === "float") return formatNumber(v);
    return String(v);
  }
  // format_value_text: backslashes doubled, control characters as Python escapes them.
  return v.replace(/\\/g, "\\\\").replace(/[\x00-\x1f\x7f]/g, (c) => CONTROL_ESCAPES[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

const CONTROL_ESCAPES: Readonly<Record<string, string>> = { "\n": "\\n", "\t": "\\t", "\r": "\\r" };

/** print_warnings: after a result, the server's warnings, each followed by a blank line. */
export function formatWarnings(warnings: readonly string[] | undefined): string {
  if (warnings === undefined || warnings.length === 0) return "";
  return `\nWarnings :\n${warnings.map((w) => `${w}\n\n`).join("")}`;
}

/**
 * print_result: a blank line, the rows, then "(N rows)" (print_static_result, for what is not a
 * SELECT, such as a lightweight transaction's `[applied]`, leaves the count out). The rows are a table under a header, or
 * with EXPAND ON (print_formatted_result_vertically) one block per row: "@ Row N", a rule, and a
 * line per column, names padded to the longest name, values left as they are; the rule's right
 * part is as wide as the widest value of any row. With no rows only the header is printed.
 */
export function formatRows(columns: readonly ColumnSpec[], rows: readonly (readonly ResultValue[])[], expanded = false, counted = true): string {
  const names = columns.map((c) => c.name);
  const values = rows.map((r) => r.map((v, i) => formatValue(columns[i]!.type, v)));
  let out = "\n";
  if (expanded && rows.length > 0) {
    const nameWidth = Math.max(...names.map((n) => n.length));
    const valueWidth = Math.max(...values.flat().map((v) => v.length));
    values.forEach((r, i) => {
      out += `@ Row ${i + 1}\n-${"-".repeat(nameWidth)}-+-${"-".repeat(valueWidth)}-\n`;
      r.forEach((v, j) => (out += ` ${names[j]!.padEnd(nameWidth)} | ${v}\n`));
      out += "\n";
    });
  } else {
    const widths = names.map((n, i) => Math.max(n.length, ...values.map((r) => r[i]!.length)));
    out += ` ${names.map((n, i) => n.padEnd(widths[i]!)).join(" | ").trimEnd()}\n`;
    out += `-${widths.map((w) => "-".repeat(w)).join("-+-")}-\n`;
    for (const r of values) out += ` ${r.map((v, i) => v.padStart(widths[i]!)).join(" | ")}\n`;
    out += "\n";
  }
  return counted ? `${out}(${rows.length} rows)\n` : out;
}

const CODE_NAMES: Record<number, [string, string]> = {
  [ErrorCode.SERVER_ERROR]: ["ServerError", "Server error"],
  [ErrorCode.PROTOCOL_ERROR]: ["ProtocolException", "Protocol error"],
  [ErrorCode.UNAVAILABLE]: ["Unavailable", "Unavailable exception"],
  [ErrorCode.OVERLOADED]: ["OverloadedErrorMessage", "Request was rejected because the coordinator was overloaded"],
  [ErrorCode.IS_BOOTSTRAPPING]: ["IsBootstrappingErrorMessage", "Coordinator node is bootstrapping"],
  [ErrorCode.WRITE_TIMEOUT]: ["WriteTimeout", "Coordinator node timed out waiting for replica nodes' responses"],
  [ErrorCode.READ_TIMEOUT]: ["ReadTimeout", "Coordinator node timed out waiting for replica nodes' responses"],
  [ErrorCode.SYNTAX_ERROR]: ["SyntaxException", "Syntax error in CQL query"],
  [ErrorCode.UNAUTHORIZED]: ["Unauthorized", "Unauthorized"],
  [ErrorCode.INVALID]: ["InvalidRequest", "Invalid query"],
  [ErrorCode.CONFIG_ERROR]: ["ConfigurationException", "Query invalid because of configuration issue"],
  [ErrorCode.ALREADY_EXISTS]: ["AlreadyExists", "Query invalid because of already existing keyspace/table"],
  [ErrorCode.TRUNCATE_ERROR]: ["TruncateError", "Error during truncate"],
};

/** The driver's `info` dict as Python 2 prints it. */
function infoDict(info: ErrorInfo): string {
  switch (info.kind) {
    case "unavailable":
      return `{'required_replicas': ${info.required}, 'alive_replicas': ${info.alive}, 'consistency': '${info.consistency}'}`;
    case "write_timeout":
      return `{'received_responses': ${info.received}, 'required_responses': ${info.blockFor}, 'consistency': '${info.consistency}', 'write_type': '${info.writeType}'}`;
    case "read_timeout":
      return `{'received_responses': ${info.received}, 'required_responses': ${info.blockFor}, 'consistency': '${info.consistency}'}`;
    case "already_exists":
      return "";
  }
}

/** `Name: text` as cqlsh prints a server error (the caller adds the `<stdin>:N:` prefix). */
export function formatError(e: Extract<ClientResponse, { kind: "ERROR" }>): string {
  const [name, summary] = CODE_NAMES[e.code] ?? ["ServerError", "Server error"];
  if (e.code === ErrorCode.ALREADY_EXISTS && e.info?.kind === "already_exists") {
    return e.info.table === "" ? `${name}: Keyspace '${e.info.keyspace}' already exists` : `${name}: Table '${e.info.keyspace}.${e.info.table}' already exists`;
  }
  const code = e.code.toString(16).padStart(4, "0");
  const info = e.info === undefined ? "" : ` info=${infoDict(e.info)}`;
  return `${name}: Error from server: code=${code} [${summary}] message="${e.message}"${info}`;
}

const MASK = (1n << 64n) - 1n;

/** Python 2.7's str hash (no hash randomization). */
function py2Hash(s: string): bigint {
  const b = new TextEncoder().encode(s);
  if (b.length === 0) return 0n;
  let x = BigInt(b[0]!) << 7n;
  for (const c of b) x = ((1000003n * x) & MASK) ^ BigInt(c);
  x ^= BigInt(b.length);
  x = BigInt.asIntN(64, x);
  return x === -1n ? -2n : x;
}

/** Iteration order of a Python 2.7 dict after inserting `keys` in order (open addressing, resize at 2/3). */
export function py2DictOrder(keys: readonly string[]): string[] {
  let table: (string | undefined)[] = new Array(8);
  let used = 0;
  const insert = (t: (string | undefined)[], k: string) => {
    const mask = BigInt(t.length - 1);
    const h = py2Hash(k);
    let i = h & mask;
    let perturb = BigInt.asUintN(64, h);
    while (t[Number(i & mask)] !== undefined) {
      i = (i << 2n) + i + perturb + 1n;
      perturb >>= 5n;
    }
    t[Number(i & mask)] = k;
  };
  for (const k of keys) {
    insert(table, k);
    used++;
    if (used * 3 >= table.length * 2) {
      let size = 8;
      while (size <= 4 * used) size <<= 1;
      const old = table;
      table = new Array(size);
      for (const o of old) if (o !== undefined) insert(table, o);
    }
  }
  return table.filter((x): x is string => x !== undefined);
}

/** cmd.Cmd.columnize: as few rows as fit in 80 columns, columns separated by two spaces. */
export function columnize(list: readonly string[], width = 80): string {
  if (list.length === 0) return "<empty>\n";
  if (list.length === 1) return `${list[0]}\n`;
  const size = list.length;
  let nrows = size;
  let widths: number[] = [0];
  for (let rows = 1; rows < size; rows++) {
    const ncols = Math.ceil(size / rows);
    const ws: number[] = [];
    let total = -2;
    for (let col = 0; col < ncols; col++) {
      let w = 0;
      for (let row = 0; row < rows; row++) {
        const i = row + rows * col;
        if (i >= size) break;
        w = Math.max(w, list[i]!.length);
      }
      ws.push(w);
      total += w + 2;
      if (total > width) break;
    }
    if (total <= width) {
      nrows = rows;
      widths = ws;
      break;
    }
  }
  const ncols = nrows === size ? 1 : Math.ceil(size / nrows);
  let out = "";
  for (let row = 0; row < nrows; row++) {
    const texts: string[] = [];
    for (let col = 0; col < ncols; col++) {
      const i = row + nrows * col;
      texts.push(i >= size ? "" : list[i]!);
    }
    while (texts.length > 0 && texts[texts.length - 1] === "") texts.pop();
    out += `${texts.map((t, c) => t.padEnd(widths[c] ?? 0)).join("  ")}\n`;
  }
  return out;
}

type SchemaRow = Readonly<Record<string, ResultValue>>;
type RowsResponse = Extract<ClientResponse, { kind: "ROWS" }>;

/** A result's rows keyed by column name. */
function byName(r: RowsResponse): SchemaRow[] {
  return r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c.name, row[i] ?? null])));
}

/** protect_name: maybe_escape_name, whose reserved words are Cassandra's plus is, materialized and view. */
export function protectName(name: string): string {
  return name === "is" || name === "materialized" || name === "view" ? `"${name}"` : maybeQuote(name);
}

/** Python 2's str() of a float: 12 significant digits, and ".0" on a whole number. */
function pyFloat(v: number): string {
  return Number.isInteger(v) ? v.toFixed(1) : String(Number(v.toPrecision(12)));
}

/** TableMetadataV3.option_maps and recognized_options: the options the driver prints when the row has them. */
const TABLE_OPTIONS = [
  "bloom_filter_fp_chance",
  "caching",
  "cdc",
  "comment",
  "compaction",
  "compression",
  "crc_check_chance",
  "dclocal_read_repair_chance",
  "default_time_to_live",
  "gc_grace_seconds",
  "max_index_interval",
  "memtable_flush_period_in_ms",
  "min_index_interval",
  "read_repair_chance",
  "speculative_retry",
];

/**
 * TableMetadataV3._make_option_strings for one value: a map as {'k': 'v', ...} in the order
 * the server sends it (by key), a double as Python prints a float, a string quoted, and the
 * rest (ints, booleans) as Python's str() lower-cased.
 */
function optionValue(type: string, v: Exclude<ResultValue, null>): string {
  if (type.includes("map<")) {
    const m = v as Readonly<Record<string, string>>;
    return `{${Object.keys(m).sort().map((k) => `'${k}': '${m[k]}'`).join(", ")}}`;
  }
  if (type === "double" || type === "float") return pyFloat(v as number);
  return typeof v === "string" ? `'${v.replace(/'/g, "''")}'` : String(v);
}

/**
 * The python driver's schema metadata (cassandra-driver 3.11: SchemaParserV3, KeyspaceMetadata,
 * TableMetadataV3) built from `SELECT * FROM system_schema.keyspaces|tables|columns`, and its
 * export_as_string, which is what cqlsh's DESCRIBE prints. ksim's tables are all CQL tables
 * (flags {'compound'}): no COMPACT STORAGE, static columns, indexes, views, types or functions.
 */
export class SchemaMetadata {
  private readonly keyspaceRows: SchemaRow[];
  private readonly tableRows: SchemaRow[];
  private readonly tableTypes: Readonly<Record<string, string>>;
  private readonly columnRows: SchemaRow[];

  constructor(keyspaces: RowsResponse, tables: RowsResponse, columns: RowsResponse) {
    this.keyspaceRows = byName(keyspaces);
    this.tableRows = byName(tables);
    this.tableTypes = Object.fromEntries(tables.columns.map((c) => [c.name, c.type]));
    this.columnRows = byName(columns);
  }

  /** Metadata.keyspaces' names: a Python 2 dict filled in system_schema.keyspaces' (token) order. */
  keyspaces(): string[] {
    return py2DictOrder(this.keyspaceRows.map((r) => String(r["keyspace_name"])));
  }

  /** KeyspaceMetadata.tables' names: a dict filled in system_schema.tables' order (by name). */
  tableNames(ks: string): string[] {
    return py2DictOrder(this.tableRows.filter((r) => r["keyspace_name"] === ks).map((r) => String(r["table_name"])));
  }

  hasKeyspace(ks: string): boolean {
    return this.keyspaceRows.some((r) => r["keyspace_name"] === ks);
  }

  /** COMPACT STORAGE tables (flags without 'compound', or 'dense'): ksim does not export them. */
  compactTables(ks: string, table?: string): string[] {
    return this.tableRows
      .filter((r) => r["keyspace_name"] === ks && (table === undefined || r["table_name"] === table))
      .filter((r) => {
        const flags = (r["flags"] ?? []) as readonly string[];
        return flags.includes("dense") || !flags.includes("compound");
      })
      .map((r) => `${protectName(ks)}.${protectName(String(r["table_name"]))}`);
  }

  hasTable(ks: string, table: string): boolean {
    return this.tableRows.some((r) => r["keyspace_name"] === ks && r["table_name"] === table);
  }

  /**
   * KeyspaceMetadata.export_as_string: as_cql_query() (the two spaces before AND are the
   * driver's) and ';', then each table's export, separated by blank lines, in the order of
   * KeyspaceMetadata.tables.
   */
  exportKeyspace(ks: string): string {
    const row = this.keyspaceRows.find((r) => r["keyspace_name"] === ks)!;
    const options = row["replication"] as Readonly<Record<string, string>>;
    const cls = (options["class"] ?? "").replace(STRATEGY_PACKAGE, "");
    // ReplicationStrategy.export_for_schema: factors as integers, data centers sorted.
    const factor = (k: string) => `'${k}': '${parseInt(options[k]!, 10)}'`;
    const dcs = Object.keys(options).filter((k) => k !== "class").sort();
    const replication =
      cls === "SimpleStrategy" ? `{'class': 'SimpleStrategy', ${factor("replication_factor")}}` : cls === "NetworkTopologyStrategy" ? `{'class': 'NetworkTopologyStrategy'${dcs.map((dc) => `, ${factor(dc)}`).join("")}}` : `{'class': '${cls}'}`;
    const tables = this.tableNames(ks);
    const create = `CREATE KEYSPACE ${protectName(ks)} WITH replication = ${replication}  AND durable_writes = ${row["durable_writes"] === true ? "true" : "false"};`;
    return [create, ...tables.map((t) => this.exportTable(ks, t))].join("\n\n");
  }

  /**
   * TableMetadata.export_as_string: as_cql_query(formatted=True) and ';'. Columns are the
   * partition key and clustering columns by position, then the rest in system_schema.columns'
   * order (by name); a lone partition key with no clustering column is marked PRIMARY KEY in
   * place. Options follow WITH, CLUSTERING ORDER BY first, the others sorted as strings.
   */
  exportTable(ks: string, table: string): string {
    const row = this.tableRows.find((r) => r["keyspace_name"] === ks && r["table_name"] === table)!;
    const columns = this.columnRows.filter((c) => c["keyspace_name"] === ks && c["table_name"] === table);
    const key = (kind: string) => columns.filter((c) => c["kind"] === kind).sort((a, b) => Number(a["position"]) - Number(b["position"]));
    const pk = key("partition_key");
    const ck = key("clustering");
    const rest = columns.filter((c) => !pk.includes(c) && !ck.includes(c)).sort((a, b) => (String(a["column_name"]) < String(b["column_name"]) ? -1 : 1));
    const name = (c: SchemaRow) => protectName(String(c["column_name"]));
    const lines = [...pk, ...ck, ...rest].map((c) => `${name(c)} ${String(c["type"])}${c["kind"] === "static" ? " static" : ""}`);
    if (pk.length === 1 && ck.length === 0) lines[0] += " PRIMARY KEY";
    else lines.push(`PRIMARY KEY (${pk.length > 1 ? `(${pk.map(name).join(", ")})` : name(pk[0]!)}${ck.map((c) => `, ${name(c)}`).join("")})`);
    const options = TABLE_OPTIONS.flatMap((option) => {
      const value = row[option];
      return value === undefined || value === null ? [] : [`${option} = ${optionValue(this.tableTypes[option]!, value)}`];
    });
    const order = ck.length > 0 ? [`CLUSTERING ORDER BY (${ck.map((c) => `${name(c)} ${String(c["clustering_order"]).toUpperCase()}`).join(", ")})`] : [];
    const body = lines.map((l) => `    ${l}`).join(",\n");
    return `CREATE TABLE ${protectName(ks)}.${protectName(table)} (\n${body}\n) WITH ${[...order, ...options.sort()].join("\n    AND ")};`;
  }
}
