import type { ClientResponse, ColumnSpec, ErrorInfo, ResultValue } from "../core/protocol.js";
import { ErrorCode } from "../core/protocol.js";
import { tokenOf } from "../core/token.js";
import { serialize } from "../core/types.js";

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

/** formatting.py's format_value for the types the model has. */
export function formatValue(type: string, v: ResultValue): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return `{${v.map((x) => pyRepr(String(x))).join(", ")}}`;
  if (v instanceof Uint8Array) return `0x${[...v].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
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
  return v;
}

/** print_warnings: after a result, the server's warnings, each followed by a blank line. */
export function formatWarnings(warnings: readonly string[] | undefined): string {
  if (warnings === undefined || warnings.length === 0) return "";
  return `\nWarnings :\n${warnings.map((w) => `${w}\n\n`).join("")}`;
}

/** print_result: a blank line, the header, the rows, then "(N rows)". */
export function formatRows(columns: readonly ColumnSpec[], rows: readonly (readonly ResultValue[])[]): string {
  const names = columns.map((c) => c.name);
  const values = rows.map((r) => r.map((v, i) => formatValue(columns[i]!.type, v)));
  const widths = names.map((n, i) => Math.max(n.length, ...values.map((r) => r[i]!.length)));
  let out = "\n";
  out += ` ${names.map((n, i) => n.padEnd(widths[i]!)).join(" | ").trimEnd()}\n`;
  out += `-${widths.map((w) => "-".repeat(w)).join("-+-")}-\n`;
  for (const r of values) out += ` ${r.map((v, i) => v.padStart(widths[i]!)).join(" | ")}\n`;
  out += `\n(${rows.length} rows)\n`;
  return out;
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

/** The order the driver's metadata holds keyspaces: read in token order, kept in a dict. */
export function keyspaceOrder(names: readonly string[]): string[] {
  const byToken = [...names].sort((a, b) => {
    const ta = tokenOf(serialize("text", a));
    const tb = tokenOf(serialize("text", b));
    return ta < tb ? -1 : ta > tb ? 1 : 0;
  });
  return py2DictOrder(byToken);
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
