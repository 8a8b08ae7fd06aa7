import type { ColumnTypeName, Expr } from "./ast.js";
import { ER, SqlError } from "./errors.js";
import { likeToRegExp } from "./like.js";
import { collationKey, compare, fromBool, toNumber, toText, truth, type SqlValue } from "./values.js";
import { isNumericVariable } from "./variables.js";

/**
 * Expression evaluation with MySQL's semantics (three-valued logic, numeric coercion of strings,
 * NULL-propagating operators) and the type each expression gives its result column, which
 * decides how the client aligns it and how decimals are printed.
 */

/** Protocol column types (MYSQL_TYPE_*), by name. */
export type WireType =
  | "TINY"
  | "SHORT"
  | "INT24"
  | "LONG"
  | "LONGLONG"
  | "NEWDECIMAL"
  | "FLOAT"
  | "DOUBLE"
  | "NULL"
  | "TIMESTAMP"
  | "DATE"
  | "DATETIME"
  | "VAR_STRING"
  | "STRING"
  | "BLOB";

/** MySQL's IS_NUM(): these are right-aligned by the mysql client. */
export function isNumericWire(t: WireType): boolean {
  return ["TINY", "SHORT", "INT24", "LONG", "LONGLONG", "NEWDECIMAL", "FLOAT", "DOUBLE", "NULL", "TIMESTAMP"].includes(t);
}

export function wireTypeOf(t: ColumnTypeName): WireType {
  const map: Record<ColumnTypeName, WireType> = {
    TINYINT: "TINY",
    SMALLINT: "SHORT",
    MEDIUMINT: "INT24",
    INT: "LONG",
    BIGINT: "LONGLONG",
    DECIMAL: "NEWDECIMAL",
    FLOAT: "FLOAT",
    DOUBLE: "DOUBLE",
    CHAR: "STRING",
    VARCHAR: "VAR_STRING",
    TINYTEXT: "BLOB",
    TEXT: "BLOB",
    MEDIUMTEXT: "BLOB",
    LONGTEXT: "BLOB",
    BLOB: "BLOB",
    LONGBLOB: "BLOB",
    DATETIME: "DATETIME",
    DATE: "DATE",
    TIMESTAMP: "TIMESTAMP",
  };
  return map[t];
}

export interface ValueType {
  readonly type: WireType;
  readonly notNull: boolean;
  /** Digits after the point for DECIMAL results (division adds div_precision_increment = 4). */
  readonly decimals?: number;
}

/** A column a row scope offers to expressions. */
export interface ScopeColumn {
  readonly name: string;
  readonly table: string;
  readonly type: ValueType;
}

/** What functions need from the session and server. */
export interface FunctionEnv {
  /** NOW() for this statement, as 'YYYY-MM-DD HH:MM:SS'. */
  readonly now: string;
  readonly nowEpochMs: number;
  readonly version: string;
  readonly database: string | null;
  /** USER(): the name the client gave and the host it came from. */
  readonly user: string;
  /** CURRENT_USER(): the account that authenticated it. */
  readonly currentUser: string;
  readonly connectionId: number;
  readonly lastInsertId: number;
  readonly foundRows: number;
  sysvar(name: string, scope: "GLOBAL" | "SESSION" | undefined): SqlValue;
  uservar(name: string): SqlValue;
}

export interface EvalEnv {
  readonly fn: FunctionEnv;
  readonly columns: readonly ScopeColumn[];
  /** The current row's values, aligned with `columns`. */
  row: readonly SqlValue[] | undefined;
  /** In a grouped query: the rows of the current group, for aggregates. */
  group: readonly (readonly SqlValue[])[] | undefined;
  /** Where column errors are reported: 'field list', 'where clause', … */
  clause: string;
  /** For VALUES(col) in ON DUPLICATE KEY UPDATE: the row that was to be inserted. */
  insertRow?: readonly SqlValue[];
}

const AGGREGATES = new Set(["COUNT", "SUM", "AVG", "MIN", "MAX"]);

export function isAggregate(e: Expr): boolean {
  switch (e.kind) {
    case "call":
      return AGGREGATES.has(e.name) || e.args.some(isAggregate);
    case "unary":
      return isAggregate(e.arg);
    case "binary":
      return isAggregate(e.left) || isAggregate(e.right);
    case "isNull":
      return isAggregate(e.arg);
    case "in":
      return isAggregate(e.arg) || e.list.some(isAggregate);
    case "like":
      return isAggregate(e.arg) || isAggregate(e.pattern);
    case "between":
      return isAggregate(e.arg) || isAggregate(e.low) || isAggregate(e.high);
    case "case":
      return (e.operand !== undefined && isAggregate(e.operand)) || e.whens.some((w) => isAggregate(w.when) || isAggregate(w.then)) || (e.otherwise !== undefined && isAggregate(e.otherwise));
    default:
      return false;
  }
}

export function findColumn(env: { columns: readonly ScopeColumn[]; clause: string }, table: string | undefined, name: string): number {
  const lower = name.toLowerCase();
  const i = env.columns.findIndex((c) => c.name.toLowerCase() === lower && (table === undefined || c.table === table));
  if (i < 0) throw ER.badField(table === undefined ? name : `${table}.${name}`, env.clause);
  return i;
}

export function evaluate(e: Expr, env: EvalEnv): SqlValue {
  switch (e.kind) {
    case "literal":
      return e.value;
    case "column": {
      const i = findColumn(env, e.table, e.name);
      const row = env.row ?? env.group?.[0];
      return row === undefined ? null : (row[i] ?? null);
    }
    case "star":
      return 1;
    case "uservar":
      return env.fn.uservar(e.name);
    case "sysvar":
      return env.fn.sysvar(e.name, e.scope);
    case "unary": {
      const v = evaluate(e.arg, env);
      if (e.op === "NOT") return fromBool(negate(truth(v)));
      const n = toNumber(v);
      if (n === null) return null;
      return e.op === "-" ? -n : Number(BigInt.asUintN(64, ~BigInt(Math.trunc(n))));
    }
    case "binary":
      return binary(e.op, e, env);
    case "isNull": {
      const v = evaluate(e.arg, env);
      return fromBool((v === null) !== e.not);
    }
    case "in": {
      const v = evaluate(e.arg, env);
      if (v === null) return null;
      let sawNull = false;
      for (const item of e.list) {
        const c = compare(v, evaluate(item, env));
        if (c === null) sawNull = true;
        else if (c === 0) return fromBool(!e.not);
      }
      return sawNull ? null : fromBool(e.not);
    }
    case "like": {
      const v = evaluate(e.arg, env);
      const p = evaluate(e.pattern, env);
      if (v === null || p === null) return null;
      const matched = likeToRegExp(collationKey(toText(p)!), false).test(collationKey(toText(v)!));
      return fromBool(matched !== e.not);
    }
    case "between": {
      const v = evaluate(e.arg, env);
      const lo = compare(v, evaluate(e.low, env));
      const hi = compare(v, evaluate(e.high, env));
      if (lo === null || hi === null) return null;
      return fromBool((lo >= 0 && hi <= 0) !== e.not);
    }
    case "case": {
      const operand = e.operand === undefined ? undefined : evaluate(e.operand, env);
      for (const w of e.whens) {
        const hit = operand === undefined ? truth(evaluate(w.when, env)) === true : compare(operand, evaluate(w.when, env)) === 0;
        if (hit) return evaluate(w.then, env);
      }
      return e.otherwise === undefined ? null : evaluate(e.otherwise, env);
    }
    case "call":
      return call(e, env);
  }
}

function negate(b: boolean | null): boolean | null {
  return b === null ? null : !b;
}

function binary(op: string, e: Extract<Expr, { kind: "binary" }>, env: EvalEnv): SqlValue {
  if (op === "AND") {
    const l = truth(evaluate(e.left, env));
    if (l === false) return 0;
    const r = truth(evaluate(e.right, env));
    if (r === false) return 0;
    return l === null || r === null ? null : 1;
  }
  if (op === "OR") {
    const l = truth(evaluate(e.left, env));
    if (l === true) return 1;
    const r = truth(evaluate(e.right, env));
    if (r === true) return 1;
    return l === null || r === null ? null : 0;
  }
  const a = evaluate(e.left, env);
  const b = evaluate(e.right, env);
  switch (op) {
    case "XOR": {
      const l = truth(a);
      const r = truth(b);
      return l === null || r === null ? null : fromBool(l !== r);
    }
    case "<=>":
      if (a === null || b === null) return fromBool(a === b);
      return fromBool(compare(a, b) === 0);
    case "=":
    case "<>":
    case "<":
    case "<=":
    case ">":
    case ">=": {
      const c = compare(a, b);
      if (c === null) return null;
      return fromBool(op === "=" ? c === 0 : op === "<>" ? c !== 0 : op === "<" ? c < 0 : op === "<=" ? c <= 0 : op === ">" ? c > 0 : c >= 0);
    }
  }
  const x = toNumber(a);
  const y = toNumber(b);
  if (x === null || y === null) return null;
  switch (op) {
    case "+":
      return x + y;
    case "-":
      return x - y;
    case "*":
      return x * y;
    case "/":
      return y === 0 ? null : x / y;
    case "DIV":
      return y === 0 ? null : Math.trunc(x / y);
    case "%":
      return y === 0 ? null : x % y;
  }
  throw new SqlError(1105, "HY000", `Unknown operator ${op}`);
}

function aggregate(e: Extract<Expr, { kind: "call" }>, env: EvalEnv): SqlValue {
  const rows = env.group;
  if (rows === undefined) throw ER.invalidGroupFuncUse();
  const values: SqlValue[] = [];
  const inner: EvalEnv = { ...env, group: undefined };
  const seen = new Set<string>();
  for (const row of rows) {
    inner.row = row;
    const arg = e.args[0]!;
    if (arg.kind !== "star" && isAggregate(arg)) throw ER.invalidGroupFuncUse();
    const v = evaluate(arg, inner);
    if (v === null) continue;
    if (e.distinct) {
      const k = typeof v === "string" ? `s${collationKey(v)}` : `n${v}`;
      if (seen.has(k)) continue;
      seen.add(k);
    }
    values.push(v);
  }
  switch (e.name) {
    case "COUNT":
      return values.length;
    case "SUM":
      return values.length === 0 ? null : values.reduce<number>((s, v) => s + (toNumber(v) ?? 0), 0);
    case "AVG":
      return values.length === 0 ? null : values.reduce<number>((s, v) => s + (toNumber(v) ?? 0), 0) / values.length;
    case "MIN":
    case "MAX": {
      let best: SqlValue = null;
      for (const v of values) {
        const c = best === null ? null : compare(v, best);
        if (best === null || (e.name === "MIN" ? c! < 0 : c! > 0)) best = v;
      }
      return best;
    }
  }
  return null;
}

function call(e: Extract<Expr, { kind: "call" }>, env: EvalEnv): SqlValue {
  if (AGGREGATES.has(e.name)) return aggregate(e, env);
  const fn = env.fn;
  const arg = (i: number) => evaluate(e.args[i]!, env);
  const args = () => e.args.map((a) => evaluate(a, env));
  const arity = (min: number, max = min) => {
    if (e.args.length < min || e.args.length > max) throw new SqlError(1582, "42000", `Incorrect parameter count in the call to native function '${e.name}'`);
  };
  switch (e.name) {
    case "NOW":
    case "CURRENT_TIMESTAMP":
    case "LOCALTIME":
    case "LOCALTIMESTAMP":
    case "SYSDATE":
    case "UTC_TIMESTAMP":
      return fn.now;
    case "CURDATE":
    case "CURRENT_DATE":
    case "UTC_DATE":
      return fn.now.slice(0, 10);
    case "UNIX_TIMESTAMP": {
      if (e.args.length === 0) return Math.floor(fn.nowEpochMs / 1000);
      const v = arg(0);
      if (v === null) return null;
      const t = Date.parse(`${toText(v)!.replace(" ", "T")}Z`);
      return Number.isNaN(t) ? 0 : Math.floor(t / 1000);
    }
    case "VERSION":
      arity(0);
      return fn.version;
    case "DATABASE":
    case "SCHEMA":
      arity(0);
      return fn.database;
    case "USER":
    case "SESSION_USER":
    case "SYSTEM_USER":
      arity(0);
      return fn.user;
    case "CURRENT_USER":
      return fn.currentUser;
    case "CONNECTION_ID":
      arity(0);
      return fn.connectionId;
    case "LAST_INSERT_ID":
      return fn.lastInsertId;
    case "FOUND_ROWS":
      arity(0);
      return fn.foundRows;
    case "CONCAT": {
      const vs = args();
      return vs.some((v) => v === null) ? null : vs.map((v) => toText(v)).join("");
    }
    case "CONCAT_WS": {
      const [sep, ...rest] = args();
      if (sep === null || sep === undefined) return null;
      return rest.filter((v) => v !== null).map((v) => toText(v)).join(toText(sep)!);
    }
    case "LOWER":
    case "LCASE":
    case "UPPER":
    case "UCASE": {
      arity(1);
      const v = arg(0);
      if (v === null) return null;
      const s = toText(v)!;
      return e.name === "LOWER" || e.name === "LCASE" ? s.toLowerCase() : s.toUpperCase();
    }
    case "LENGTH":
    case "OCTET_LENGTH": {
      arity(1);
      const v = arg(0);
      return v === null ? null : new TextEncoder().encode(toText(v)!).length;
    }
    case "CHAR_LENGTH":
    case "CHARACTER_LENGTH": {
      arity(1);
      const v = arg(0);
      return v === null ? null : [...toText(v)!].length;
    }
    case "SUBSTRING":
    case "SUBSTR": {
      arity(2, 3);
      const [s, p, l] = args() as [SqlValue, SqlValue, SqlValue | undefined];
      if (s === null || p === null || l === null) return null;
      const chars = [...toText(s)!];
      const pos = toNumber(p)!;
      const start = pos > 0 ? pos - 1 : pos < 0 ? chars.length + pos : chars.length;
      const len = l === undefined ? chars.length : toNumber(l)!;
      return start < 0 ? "" : chars.slice(start, start + Math.max(0, len)).join("");
    }
    case "LEFT":
    case "RIGHT": {
      arity(2);
      const [s, n] = args();
      if (s === null || n === null) return null;
      const chars = [...toText(s!)!];
      const k = Math.max(0, toNumber(n!)!);
      return (e.name === "LEFT" ? chars.slice(0, k) : chars.slice(Math.max(0, chars.length - k))).join("");
    }
    case "REPEAT": {
      arity(2);
      const [s, n] = args();
      if (s === null || n === null) return null;
      // The count is taken as an integer the way val_int() rounds: half away from zero.
      const k = toNumber(n!)!;
      return toText(s!)!.repeat(Math.max(0, Math.sign(k) * Math.round(Math.abs(k))));
    }
    case "REPLACE": {
      arity(3);
      const [s, from, to] = args();
      if (s === null || from === null || to === null) return null;
      return toText(s!)!.split(toText(from!)!).join(toText(to!)!);
    }
    case "TRIM": {
      arity(1);
      const v = arg(0);
      return v === null ? null : toText(v)!.trim();
    }
    case "IFNULL": {
      arity(2);
      const v = arg(0);
      return v === null ? arg(1) : v;
    }
    case "COALESCE":
      for (const a of e.args) {
        const v = evaluate(a, env);
        if (v !== null) return v;
      }
      return null;
    case "NULLIF": {
      arity(2);
      const a = arg(0);
      return compare(a, arg(1)) === 0 ? null : a;
    }
    case "IF": {
      arity(3);
      return truth(arg(0)) === true ? arg(1) : arg(2);
    }
    case "ABS": {
      arity(1);
      const n = toNumber(arg(0));
      return n === null ? null : Math.abs(n);
    }
    case "FLOOR":
    case "CEIL":
    case "CEILING": {
      arity(1);
      const n = toNumber(arg(0));
      return n === null ? null : e.name === "FLOOR" ? Math.floor(n) : Math.ceil(n);
    }
    case "ROUND": {
      arity(1, 2);
      const n = toNumber(arg(0));
      const d = e.args.length > 1 ? toNumber(arg(1)) : 0;
      if (n === null || d === null) return null;
      const f = 10 ** d;
      return Math.sign(n) * Math.round(Math.abs(n) * f) / f;
    }
    case "MOD": {
      arity(2);
      const x = toNumber(arg(0));
      const y = toNumber(arg(1));
      return x === null || y === null || y === 0 ? null : x % y;
    }
    case "VALUES": {
      arity(1);
      const c = e.args[0]!;
      if (c.kind !== "column" || env.insertRow === undefined) return null;
      return env.insertRow[findColumn(env, c.table, c.name)] ?? null;
    }
  }
  if (fn.database === null) throw ER.noDb();
  throw ER.functionMissing(`${fn.database}.${e.name.toLowerCase()}`);
}

/** Built-in functions the model evaluates (aggregates included). */
const KNOWN_FUNCTIONS = new Set([
  ...AGGREGATES, "NOW", "CURRENT_TIMESTAMP", "LOCALTIME", "LOCALTIMESTAMP", "SYSDATE", "UTC_TIMESTAMP", "CURDATE", "CURRENT_DATE", "UTC_DATE",
  "UNIX_TIMESTAMP", "VERSION", "DATABASE", "SCHEMA", "USER", "SESSION_USER", "SYSTEM_USER", "CURRENT_USER", "CONNECTION_ID", "LAST_INSERT_ID",
  "FOUND_ROWS", "CONCAT", "CONCAT_WS", "LOWER", "LCASE", "UPPER", "UCASE", "LENGTH", "OCTET_LENGTH", "CHAR_LENGTH", "CHARACTER_LENGTH",
  "SUBSTRING", "SUBSTR", "LEFT", "RIGHT", "REPEAT", "REPLACE", "TRIM", "IFNULL", "COALESCE", "NULLIF", "IF", "ABS", "FLOOR", "CEIL", "CEILING", "ROUND",
  "MOD", "VALUES",
]);

/**
 * Checks an expression before any row is read, as MySQL does when it prepares a statement:
 * unknown columns and functions are errors even when the table is empty.
 */
export function validate(e: Expr, env: { columns: readonly ScopeColumn[]; clause: string; database: string | null }): void {
  switch (e.kind) {
    case "column":
      findColumn(env, e.table, e.name);
      return;
    case "unary":
    case "isNull":
      validate(e.arg, env);
      return;
    case "binary":
      validate(e.left, env);
      validate(e.right, env);
      return;
    case "in":
      validate(e.arg, env);
      for (const x of e.list) validate(x, env);
      return;
    case "like":
      validate(e.arg, env);
      validate(e.pattern, env);
      return;
    case "between":
      validate(e.arg, env);
      validate(e.low, env);
      validate(e.high, env);
      return;
    case "case":
      if (e.operand !== undefined) validate(e.operand, env);
      for (const w of e.whens) {
        validate(w.when, env);
        validate(w.then, env);
      }
      if (e.otherwise !== undefined) validate(e.otherwise, env);
      return;
    case "call":
      if (!KNOWN_FUNCTIONS.has(e.name)) {
        if (env.database === null) throw ER.noDb();
        throw ER.functionMissing(`${env.database}.${e.name.toLowerCase()}`);
      }
      for (const a of e.args) if (a.kind !== "star") validate(a, env);
      return;
    default:
      return;
  }
}

const INT: ValueType = { type: "LONGLONG", notNull: true };

/** The result type of an expression, for column metadata. */
export function infer(e: Expr, env: { columns: readonly ScopeColumn[]; clause: string }): ValueType {
  switch (e.kind) {
    case "literal":
      if (e.value === null) return { type: "NULL", notNull: false };
      if (typeof e.value === "string") return { type: "VAR_STRING", notNull: true };
      if (e.decimals !== undefined) return { type: "NEWDECIMAL", notNull: true, decimals: e.decimals };
      return Number.isInteger(e.value) ? INT : { type: "DOUBLE", notNull: true };
    case "column":
      return env.columns[findColumn(env, e.table, e.name)]!.type;
    case "star":
      return INT;
    case "uservar":
      return { type: "VAR_STRING", notNull: false };
    case "sysvar":
      return isNumericVariable(e.name) ? { type: "LONGLONG", notNull: false } : { type: "VAR_STRING", notNull: false };
    case "unary": {
      const t = infer(e.arg, env);
      return e.op === "NOT" ? { type: "LONGLONG", notNull: t.notNull } : t;
    }
    case "binary": {
      const l = infer(e.left, env);
      const r = infer(e.right, env);
      const notNull = l.notNull && r.notNull;
      switch (e.op) {
        case "+":
        case "-":
        case "*": {
          if (l.type === "DOUBLE" || r.type === "DOUBLE") return { type: "DOUBLE", notNull };
          const dl = l.decimals ?? 0;
          const dr = r.decimals ?? 0;
          if (dl + dr > 0) return { type: "NEWDECIMAL", notNull, decimals: e.op === "*" ? dl + dr : Math.max(dl, dr) };
          return { type: "LONGLONG", notNull };
        }
        case "/":
          return { type: "NEWDECIMAL", notNull: false, decimals: (l.decimals ?? 0) + 4 };
        case "DIV":
        case "%":
          return { type: "LONGLONG", notNull: false };
        case "<=>":
          return INT;
        default:
          return { type: "LONGLONG", notNull };
      }
    }
    case "isNull":
      return INT;
    case "in":
    case "like":
    case "between":
      return { type: "LONGLONG", notNull: false };
    case "case":
      return { ...infer(e.whens[0]!.then, env), notNull: false };
    case "call":
      return inferCall(e, env);
  }
}

function inferCall(e: Extract<Expr, { kind: "call" }>, env: { columns: readonly ScopeColumn[]; clause: string }): ValueType {
  switch (e.name) {
    case "COUNT":
    case "CONNECTION_ID":
    case "LAST_INSERT_ID":
    case "FOUND_ROWS":
    case "UNIX_TIMESTAMP":
    case "LENGTH":
    case "OCTET_LENGTH":
    case "CHAR_LENGTH":
    case "CHARACTER_LENGTH":
      return { type: "LONGLONG", notNull: e.name !== "LENGTH" && e.name !== "CHAR_LENGTH" };
    case "SUM": {
      const t = e.args[0] === undefined ? INT : infer(e.args[0], env);
      return t.type === "DOUBLE" ? { type: "DOUBLE", notNull: false } : { type: "NEWDECIMAL", notNull: false, decimals: t.decimals ?? 0 };
    }
    case "AVG": {
      const t = e.args[0] === undefined ? INT : infer(e.args[0], env);
      return t.type === "DOUBLE" ? { type: "DOUBLE", notNull: false } : { type: "NEWDECIMAL", notNull: false, decimals: (t.decimals ?? 0) + 4 };
    }
    case "MIN":
    case "MAX":
      return { ...(e.args[0] === undefined ? INT : infer(e.args[0], env)), notNull: false };
    case "NOW":
    case "CURRENT_TIMESTAMP":
    case "LOCALTIME":
    case "LOCALTIMESTAMP":
    case "SYSDATE":
    case "UTC_TIMESTAMP":
      return { type: "DATETIME", notNull: true };
    case "CURDATE":
    case "CURRENT_DATE":
    case "UTC_DATE":
      return { type: "DATE", notNull: true };
    case "VERSION":
    case "USER":
    case "SESSION_USER":
    case "SYSTEM_USER":
    case "CURRENT_USER":
      return { type: "VAR_STRING", notNull: true };
    case "ABS":
    case "FLOOR":
    case "CEIL":
    case "CEILING":
    case "ROUND":
    case "MOD":
      return { ...(e.args[0] === undefined ? INT : infer(e.args[0], env)), notNull: false };
    case "IFNULL":
    case "COALESCE":
    case "IF": {
      const ts = e.args.map((a) => infer(a, env));
      const numeric = ts.every((t) => isIntegerLike(t.type));
      return { type: numeric ? "LONGLONG" : "VAR_STRING", notNull: ts.some((t) => t.notNull) && e.name !== "IF" };
    }
    default:
      return { type: "VAR_STRING", notNull: false };
  }
}

function isIntegerLike(t: WireType): boolean {
  return ["TINY", "SHORT", "INT24", "LONG", "LONGLONG"].includes(t);
}

/** The value type of a table column. */
export function columnValueType(type: { name: ColumnTypeName; scale?: number }, notNull: boolean): ValueType {
  const wire = wireTypeOf(type.name);
  return type.name === "DECIMAL" ? { type: wire, notNull, decimals: type.scale ?? 0 } : { type: wire, notNull };
}
