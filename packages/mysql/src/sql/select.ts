import { functionEnv, openTable, requireTablePrivilege, resolveDb, statementTrx, commitSession, tableScope } from "./access.js";
import type { Expr, Select, SelectItem } from "./ast.js";
import { ER, SqlError } from "./errors.js";
import { evaluate, infer, isAggregate, validate, type EvalEnv, type ScopeColumn, type ValueType } from "./eval.js";
import type { AccountData } from "./privileges.js";
import type { ResultColumn, Session, StatementResult } from "./session.js";
import { compareForSort, groupKey, toText, truth, type SqlValue } from "./values.js";

/**
 * SELECT over one table (or none): WHERE, GROUP BY with aggregates, HAVING, DISTINCT, ORDER BY
 * (by expression, alias or position) and LIMIT. Column names and types follow MySQL's result
 * metadata, so the client lays the result out as the real one does.
 */

interface Source {
  readonly columns: readonly ScopeColumn[];
  readonly rows: readonly (readonly SqlValue[])[];
}

interface OutputItem {
  readonly name: string;
  readonly expr: Expr;
  readonly type: ValueType;
}

export function runSelect(session: Session, s: Select): StatementResult {
  const fn = functionEnv(session);
  const source = readSource(session, s);
  const check = (clause: string) => ({ columns: source.columns, clause, database: session.db });

  const items = expandItems(s.items, source, s.from !== undefined);
  for (const it of items) validate(it.expr, check("field list"));
  if (s.where !== undefined) validate(s.where, check("where clause"));
  for (const g of s.groupBy) validate(g, check("group statement"));
  const having = s.having === undefined ? undefined : substituteAliases(s.having, s.items);
  if (having !== undefined) validate(having, check("having clause"));
  const orderBy = s.orderBy.map((o) => ({ expr: orderExpr(o.expr, s.items, items), desc: o.desc }));
  for (const o of orderBy) validate(o.expr, check("order clause"));

  const env: EvalEnv = { fn, columns: source.columns, row: undefined, group: undefined, clause: "where clause" };
  let rows = source.rows;
  if (s.where !== undefined) {
    const where = s.where;
    if (isAggregate(where)) throw ER.invalidGroupFuncUse();
    rows = rows.filter((row) => {
      env.row = row;
      return truth(evaluate(where, env)) === true;
    });
  }

  const grouped = s.groupBy.length > 0 || items.some((i) => isAggregate(i.expr)) || (having !== undefined && isAggregate(having)) || orderBy.some((o) => isAggregate(o.expr));
  /** Each output row with what ORDER BY needs to evaluate against it. */
  let out: { values: SqlValue[]; row?: readonly SqlValue[]; group?: readonly (readonly SqlValue[])[] }[] = [];
  env.clause = "field list";
  if (grouped) {
    const groups = new Map<string, (readonly SqlValue[])[]>();
    if (s.groupBy.length === 0) groups.set("", [...rows]);
    for (const row of s.groupBy.length === 0 ? [] : rows) {
      env.row = row;
      const key = groupKey(s.groupBy.map((g) => evaluate(g, env)));
      let list = groups.get(key);
      if (list === undefined) groups.set(key, (list = []));
      list.push(row);
    }
    env.row = undefined;
    for (const group of groups.values()) {
      env.group = group;
      if (having !== undefined && truth(evaluate(having, env)) !== true) continue;
      out.push({ values: items.map((i) => evaluate(i.expr, env)), group });
    }
  } else {
    for (const row of rows) {
      env.row = row;
      if (having !== undefined && truth(evaluate(having, env)) !== true) continue;
      out.push({ values: items.map((i) => evaluate(i.expr, env)), row });
    }
  }

  if (s.distinct) {
    const seen = new Set<string>();
    out = out.filter((o) => {
      const k = groupKey(o.values);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  }
  if (orderBy.length > 0) {
    const keyed = out.map((o) => {
      env.row = o.row;
      env.group = o.group;
      return { o, keys: orderBy.map((ob) => evaluate(ob.expr, env)) };
    });
    keyed.sort((a, b) => {
      for (let i = 0; i < orderBy.length; i++) {
        const c = compareForSort(a.keys[i] ?? null, b.keys[i] ?? null);
        if (c !== 0) return orderBy[i]!.desc ? -c : c;
      }
      return 0;
    });
    out = keyed.map((k) => k.o);
  }
  const total = out.length;
  if (s.limit !== undefined) out = out.slice(s.limit.offset, s.limit.offset + s.limit.count);
  session.foundRows = s.calcFoundRows ? total : out.length;

  const columns: ResultColumn[] = items.map((i) => ({ name: i.name, type: i.type.type, notNull: i.type.notNull }));
  return { kind: "rows", columns, rows: out.map((o) => o.values.map((v, i) => toText(v, items[i]!.type.decimals))) };
}

function readSource(session: Session, s: Select): Source {
  if (s.from === undefined) return { columns: [], rows: [[]] };
  const db = resolveDb(session, s.from);
  if (db === "mysql" && s.from.name === "user") {
    requireTablePrivilege(session, "SELECT", db, "user");
    return mysqlUser(session.server.engine.acl.list(), s.from.alias ?? "user");
  }
  const table = openTable(session, s.from, "SELECT");
  const { trx, own } = statementTrx(session);
  const engine = session.server.engine;
  const rows: (readonly SqlValue[])[] = [];
  try {
    if (s.forUpdate) {
      for (const key of table.keys()) {
        const v = engine.lockingRead(trx, table, key);
        if (v !== undefined) rows.push(v);
      }
    } else for (const [, v] of engine.read(trx, table)) rows.push(v);
  } finally {
    if (own) commitSession(session);
  }
  return { columns: tableScope(table, s.from.alias), rows };
}

function expandItems(items: readonly SelectItem[], source: Source, hasFrom: boolean): OutputItem[] {
  const out: OutputItem[] = [];
  for (const it of items) {
    if (it.expr === "*") {
      if (!hasFrom) throw new SqlError(1096, "HY000", "No tables used");
      for (const [i, c] of source.columns.entries()) {
        if (it.starTable !== undefined && c.table !== it.starTable) continue;
        out.push({ name: c.name, expr: { kind: "column", table: c.table, name: source.columns[i]!.name }, type: c.type });
      }
      if (it.starTable !== undefined && !source.columns.some((c) => c.table === it.starTable)) {
        throw new SqlError(1051, "42S02", `Unknown table '${it.starTable}'`);
      }
      continue;
    }
    out.push({ name: it.alias ?? it.text, expr: it.expr, type: infer(it.expr, { columns: source.columns, clause: "field list" }) });
  }
  return out;
}

/** Replaces references to select-list aliases by the aliased expressions (HAVING and ORDER BY may use them). */
function substituteAliases(e: Expr, items: readonly SelectItem[]): Expr {
  if (e.kind === "column" && e.table === undefined) {
    const item = items.find((i) => i.alias !== undefined && i.alias.toLowerCase() === e.name.toLowerCase());
    if (item !== undefined && item.expr !== "*") return item.expr;
    return e;
  }
  switch (e.kind) {
    case "unary":
      return { ...e, arg: substituteAliases(e.arg, items) };
    case "binary":
      return { ...e, left: substituteAliases(e.left, items), right: substituteAliases(e.right, items) };
    case "isNull":
      return { ...e, arg: substituteAliases(e.arg, items) };
    case "in":
      return { ...e, arg: substituteAliases(e.arg, items), list: e.list.map((x) => substituteAliases(x, items)) };
    case "like":
      return { ...e, arg: substituteAliases(e.arg, items), pattern: substituteAliases(e.pattern, items) };
    case "between":
      return { ...e, arg: substituteAliases(e.arg, items), low: substituteAliases(e.low, items), high: substituteAliases(e.high, items) };
    case "call":
      return { ...e, args: e.args.map((a) => substituteAliases(a, items)) };
    default:
      return e;
  }
}

/** ORDER BY 2 means the second select-list column; an alias means its expression. */
function orderExpr(e: Expr, items: readonly SelectItem[], expanded: readonly OutputItem[]): Expr {
  if (e.kind === "literal" && typeof e.value === "number" && Number.isInteger(e.value)) {
    const item = expanded[e.value - 1];
    if (item === undefined) throw ER.badField(String(e.value), "order clause");
    return item.expr;
  }
  return substituteAliases(e, items);
}

const ENUM_NY = { type: "STRING", notNull: true } as const satisfies ValueType;

/** mysql.user as a read-only view of the accounts. */
function mysqlUser(accounts: readonly AccountData[], alias: string): Source {
  const privColumns: [string, string][] = [
    ["Select_priv", "SELECT"],
    ["Insert_priv", "INSERT"],
    ["Update_priv", "UPDATE"],
    ["Delete_priv", "DELETE"],
    ["Create_priv", "CREATE"],
    ["Drop_priv", "DROP"],
    ["Reload_priv", "RELOAD"],
    ["Shutdown_priv", "SHUTDOWN"],
    ["Process_priv", "PROCESS"],
    ["Grant_priv", "GRANT OPTION"],
    ["Super_priv", "SUPER"],
    ["Create_user_priv", "CREATE USER"],
  ];
  const columns: ScopeColumn[] = [
    { name: "Host", table: alias, type: { type: "STRING", notNull: true } },
    { name: "User", table: alias, type: { type: "STRING", notNull: true } },
    ...privColumns.map(([name]) => ({ name, table: alias, type: ENUM_NY })),
    { name: "plugin", table: alias, type: { type: "STRING", notNull: true } },
    { name: "authentication_string", table: alias, type: { type: "BLOB", notNull: false } },
    { name: "password_expired", table: alias, type: ENUM_NY },
    { name: "account_locked", table: alias, type: ENUM_NY },
  ];
  const yn = (b: boolean) => (b ? "Y" : "N");
  const rows = [...accounts]
    .sort((a, b) => (a.host === b.host ? (a.user < b.user ? -1 : 1) : a.host < b.host ? -1 : 1))
    .map((a) => [
      a.host,
      a.user,
      ...privColumns.map(([, p]) => yn(p === "GRANT OPTION" ? a.globalGrantOption : a.global.includes(p))),
      a.plugin,
      a.authString === "" ? "" : `$A$005$${a.authString}`,
      yn(a.expired),
      yn(a.locked),
    ]);
  return { columns, rows };
}
