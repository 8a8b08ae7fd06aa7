import type { AggregateName, Relation, Statement } from "./cql.js";
import type { Partition, Row } from "./data.js";
import { liveRow, STATIC_ROW } from "./data.js";
import type { ColumnSpec, QueryResult, ResultValue } from "./protocol.js";
import { rowsToJson } from "./json.js";
import { invalid } from "./request-error.js";
import type { ColumnDef, TableDef } from "./schema.js";
import { clusteringColumns, columnsByName, isKeyColumn, keyType, partitionKeyColumns, scalarType, selectStarColumns } from "./schema.js";
import type { Token } from "./token.js";
import { columnTypeName, compareValues, isCollection, keyString, literalValue, typeName, type CollectionType, type CollectionValue, type CqlType, type Value } from "./types.js";

/**
 * What a SELECT makes of the partitions it read (SelectStatement and Selection, 3.11): the live
 * rows its restrictions name, in token then clustering order (or the ORDER BY's), cut by PER
 * PARTITION LIMIT, DISTINCT and LIMIT, then projected: columns, writetime() and ttl() of cells,
 * token() of the key, or aggregates over every row.
 */

export type SelectStatement = Extract<Statement, { kind: "select" }>;

/** The primary-key restrictions of a WHERE clause. */
export interface KeyRestrictions {
  /** The partitions named by = and IN, distinct and sorted by the key's types. */
  readonly partitionKeys: readonly Value[][];
  /** Whether an IN of two or more values restricts the partition key. */
  readonly partitionIn: boolean;
  /** How many leading clustering columns = or IN restrict, and every combination of their values. */
  readonly clusteringPrefix: number;
  readonly clusterings: readonly Value[][];
  /** The slice on the next clustering column. */
  readonly ranges: readonly { readonly column: ColumnDef; readonly op: Relation["op"]; readonly value: Value }[];
  readonly filters: readonly { readonly column: ColumnDef; readonly op: Relation["op"]; readonly values: readonly Value[] }[];
}

type Projection =
  | { readonly kind: "value"; readonly column: ColumnDef }
  | { readonly kind: "writetime" | "ttl"; readonly column: ColumnDef }
  | { readonly kind: "token" }
  | { readonly kind: "count_rows" }
  | { readonly kind: "aggregate"; readonly fn: AggregateName; readonly column: ColumnDef };

interface Selected {
  readonly spec: ColumnSpec;
  readonly projection: Projection;
}

export interface SelectPlan {
  readonly selected: readonly Selected[];
  /** SELECT JSON. */
  readonly json: boolean;
  readonly aggregate: boolean;
  /** GROUP BY: the rows of a partition are grouped by this many leading clustering columns (undefined: no GROUP BY). */
  readonly groupPrefix: number | undefined;
  readonly distinct: boolean;
  /** ORDER BY against the table's clustering order. */
  readonly reversed: boolean;
  /** With IN on the partition key, ORDER BY sorts the rows of every partition together (stably, by its columns only). */
  readonly mergePartitions: boolean;
  readonly orderColumns: number;
  readonly perPartitionLimit: number | undefined;
  readonly limit: number | undefined;
  readonly tokens: readonly { readonly op: "=" | "<" | ">" | "<=" | ">="; readonly token: Token }[];
}

const NUMERIC = new Set<CqlType>(["int", "bigint", "smallint", "tinyint", "varint", "float", "double", "counter"]);

/** Validates what the statement selects and how it orders and limits, as SelectStatement.prepare does. */
export function planSelect(t: TableDef, s: SelectStatement, where: KeyRestrictions): SelectPlan {
  const byName = columnsByName(t);
  const pk = partitionKeyColumns(t);
  const ck = clusteringColumns(t);
  const column = (name: string) => {
    const c = byName.get(name);
    if (c === undefined) throw invalid(`Undefined column name ${name}`);
    return c;
  };
  const selected: Selected[] =
    s.selectors === "*"
      ? selectStarColumns(t).map((c) => ({ spec: { name: c.name, type: columnTypeName(c.type) }, projection: { kind: "value", column: c } }))
      : s.selectors.map((sel): Selected => {
          const named = (name: string, type: string, projection: Projection): Selected => ({ spec: { name: sel.alias ?? name, type }, projection });
          switch (sel.kind) {
            case "column": {
              const c = column(sel.name);
              return named(c.name, columnTypeName(c.type), { kind: "value", column: c });
            }
            case "writetime":
            case "ttl": {
              const c = column(sel.column);
              if (isCollection(c.type)) throw invalid(`Cannot use selection function ${sel.kind === "writetime" ? "writeTime" : "ttl"} on collections`);
              if (isKeyColumn(c)) throw invalid(`Cannot use selection function ${sel.kind === "writetime" ? "writeTime" : "ttl"} on PRIMARY KEY part ${c.name}`);
              return named(`${sel.kind}(${c.name})`, sel.kind === "writetime" ? "bigint" : "int", { kind: sel.kind, column: c });
            }
            case "token": {
              const columns = sel.columns.map(column);
              if (columns.length !== pk.length || columns.some((c, i) => c !== pk[i])) {
                throw invalid(`Invalid arguments for function token: the partition key columns (${pk.map((c) => c.name).join(", ")}) must be given in order`);
              }
              return named(`system.token(${sel.columns.join(", ")})`, "bigint", { kind: "token" });
            }
            case "count_rows":
              return named("count", "bigint", { kind: "count_rows" });
            case "aggregate": {
              const c = column(sel.column);
              const ct = scalarType(c, "aggregates");
              if (sel.fn !== "count" && !NUMERIC.has(ct) && sel.fn !== "min" && sel.fn !== "max") {
                throw invalid(`Invalid call to function ${sel.fn}, none of its type signatures match (known type signatures: ${signatures(sel.fn)})`);
              }
              const type = sel.fn === "count" ? "bigint" : typeName(ct);
              return named(`system.${sel.fn}(${c.name})`, type, { kind: "aggregate", fn: sel.fn, column: c });
            }
          }
        });
  const aggregate = selected.some((x) => x.projection.kind === "count_rows" || x.projection.kind === "aggregate");
  const groupPrefix = s.groupBy.length === 0 ? undefined : groupByPrefix(t, s, column);
  if (s.distinct) {
    if (where.clusteringPrefix > 0 || where.ranges.length > 0 || where.filters.some((f) => f.column.kind !== "partition_key" && f.column.kind !== "static")) {
      throw invalid("SELECT DISTINCT with WHERE clause only supports restriction by partition key and/or static columns.");
    }
    for (const x of selected) {
      const p = x.projection;
      if (p.kind === "value" && p.column.kind !== "partition_key" && p.column.kind !== "static") {
        throw invalid(`SELECT DISTINCT queries must only request partition key columns and/or static columns (not ${p.column.name})`);
      }
    }
    const requested = new Set(selected.flatMap((x) => (x.projection.kind === "value" ? [x.projection.column.name] : [])));
    const missing = pk.filter((c) => !requested.has(c.name));
    // Only a key range must name the whole key; named partitions may select part of it.
    if (where.partitionKeys.length === 0 && missing.length > 0) {
      throw invalid(`SELECT DISTINCT queries must request all the partition key columns (missing ${missing.map((c) => c.name).join(", ")})`);
    }
  }
  let reversed = false;
  if (s.orderBy.length > 0) {
    if (where.partitionKeys.length === 0) throw invalid("ORDER BY is only supported when the partition key is restricted by an EQ or an IN.");
    s.orderBy.forEach((o, i) => {
      const c = byName.get(o.column);
      if (c === undefined) throw invalid(`Undefined column name ${o.column}`);
      if (c.kind !== "clustering") throw invalid(`Order by is currently only supported on the clustered columns of the PRIMARY KEY, got ${o.column}`);
      if (c !== ck[i]) throw invalid("Order by currently only support the ordering of columns following their declared order in the PRIMARY KEY");
      const flipped = (o.order === "desc") !== (c.order === "desc");
      if (i === 0) reversed = flipped;
      else if (flipped !== reversed) throw invalid("Unsupported order by relation");
    });
  }
  if (s.limit !== undefined && s.limit <= 0) throw invalid("LIMIT must be strictly positive");
  if (s.perPartitionLimit !== undefined) {
    if (s.distinct) throw invalid("PER PARTITION LIMIT is not allowed with SELECT DISTINCT queries");
    if (aggregate && groupPrefix === undefined) throw invalid("PER PARTITION LIMIT is not allowed with aggregate queries.");
    if (s.perPartitionLimit <= 0) throw invalid("LIMIT must be strictly positive");
  }
  const tokens = s.tokens.map((r) => {
    if (r.columns.length !== pk.length || r.columns.some((name, i) => name !== pk[i]!.name)) {
      throw invalid(`The token function arguments must be in the partition key order: ${pk.map((c) => c.name).join(", ")}`);
    }
    return { op: r.op, token: BigInt(literalValue("bigint", r.value, `token(${r.columns.join(", ")})`) as bigint) };
  });
  if (s.distinct && groupPrefix !== undefined && groupPrefix > 0) throw invalid("Grouping on clustering columns is not allowed for SELECT DISTINCT queries");
  return {
    selected,
    json: s.json,
    aggregate,
    groupPrefix,
    distinct: s.distinct,
    reversed,
    mergePartitions: s.orderBy.length > 0 && where.partitionIn,
    orderColumns: s.orderBy.length,
    perPartitionLimit: s.perPartitionLimit,
    limit: s.limit,
    tokens,
  };
}

/**
 * AggregationSpecification: GROUP BY walks the primary key in order; a column may be skipped
 * only if an EQ restricts it, and the partition key is grouped whole. Returns how many
 * clustering columns the groups take.
 */
function groupByPrefix(t: TableDef, s: SelectStatement, column: (name: string) => ColumnDef): number {
  const keyColumns = [...partitionKeyColumns(t), ...clusteringColumns(t)];
  const restrictedByEq = (c: ColumnDef) => s.where.some((r) => r.column === c.name && (r.op === "=" || (r.op === "IN" && r.values.length === 1)));
  const order = "Group by currently only support groups of columns following their declared order in the PRIMARY KEY";
  let next = 0;
  let prefix = 0;
  for (const name of s.groupBy) {
    const c = column(name);
    if (!isKeyColumn(c)) throw invalid(`Group by is currently only supported on the columns of the PRIMARY KEY, got ${c.name}`);
    for (;;) {
      const k = keyColumns[next++];
      if (k === undefined) throw invalid(order);
      if (k.kind === "clustering") prefix++;
      if (k === c) break;
      if (!restrictedByEq(k)) throw invalid(order);
    }
  }
  if (keyColumns[next] !== undefined && keyColumns[next]!.kind === "partition_key") throw invalid("Group by is not supported on only a part of the partition key");
  return prefix;
}

function signatures(fn: AggregateName): string {
  const types = fn === "min" || fn === "max" ? [] : ["tinyint", "smallint", "int", "bigint", "float", "double", "decimal", "varint", "counter"];
  return types.map((type) => `system.${fn} : (${type}) -> ${type}`).join(", ");
}

interface LiveRow {
  readonly all: Record<string, Value | CollectionValue>;
  readonly row: Row;
  readonly values: Record<string, Value | CollectionValue>;
  /** The partition's static row, where its static columns' cells are. */
  readonly staticRow: Row | undefined;
  readonly token: Token;
}

/** The result rows of a plan over the partitions read. */
export function selectResult(t: TableDef, plan: SelectPlan, partitions: readonly Partition[], where: KeyRestrictions, nowSec: number, tokenOf: (key: readonly Value[]) => Token): QueryResult {
  const pk = partitionKeyColumns(t);
  const ck = clusteringColumns(t);
  // Named partitions are read in the order of their keys; a scan goes in token order.
  const named = new Map(where.partitionKeys.map((k, i) => [keyString(k), i]));
  const byToken = partitions
    .map((p) => ({ p, token: tokenOf(p.key), at: named.get(keyString(p.key)) ?? 0 }))
    .sort((a, b) => a.at - b.at || (a.token < b.token ? -1 : a.token > b.token ? 1 : 0));
  const compareClustering = (a: readonly Value[], b: readonly Value[], columns = ck.length) => {
    for (let i = 0; i < columns; i++) {
      const c = compareValues(keyType(ck[i]!), a[i]!, b[i]!);
      if (c !== 0) return (ck[i]!.order === "desc" ? -c : c) * (plan.reversed ? -1 : 1);
    }
    return 0;
  };
  let rows: LiveRow[] = [];
  for (const { p, token } of byToken) {
    if (!plan.tokens.every((r) => holds(r.op, token < r.token ? -1 : token > r.token ? 1 : 0))) continue;
    // Static columns: one value per partition, shown with each of its rows.
    const staticRow = ck.length > 0 ? p.rows[STATIC_ROW] : undefined;
    const statics = staticRow === undefined ? undefined : liveRow(staticRow, p.del, nowSec, t.droppedColumns);
    const live: LiveRow[] = [];
    for (const r of Object.values(p.rows)) {
      if (r === staticRow) continue;
      const values = liveRow(r, p.del, nowSec, t.droppedColumns);
      if (values === undefined) continue;
      const all: Record<string, Value | CollectionValue> = { ...statics, ...values };
      pk.forEach((c, i) => (all[c.name] = p.key[i]!));
      ck.forEach((c, i) => (all[c.name] = r.ck[i]!));
      if (matches(all, where, ck)) live.push({ all, row: r, values: { ...statics, ...values }, staticRow, token });
    }
    // A partition with static data and no rows still shows, its clustering columns null, unless the query names rows.
    if (live.length === 0 && statics !== undefined && where.clusteringPrefix === 0 && where.ranges.length === 0) {
      const all: Record<string, Value | CollectionValue> = { ...statics };
      pk.forEach((c, i) => (all[c.name] = p.key[i]!));
      if (matches(all, where, ck)) live.push({ all, row: staticRow!, values: statics, staticRow, token });
    }
    live.sort((a, b) => compareClustering(a.row.ck, b.row.ck));
    const perPartition = plan.distinct ? 1 : plan.groupPrefix === undefined ? plan.perPartitionLimit : undefined;
    rows.push(...(perPartition === undefined ? live : live.slice(0, perPartition)));
  }
  if (plan.mergePartitions) rows = rows.sort((a, b) => compareClustering(a.row.ck, b.row.ck, plan.orderColumns));
  if (plan.aggregate || plan.groupPrefix !== undefined) {
    let out: ResultValue[][];
    if (plan.groupPrefix === undefined) {
      out = [plan.selected.map((x) => aggregateValue(x.projection, rows, nowSec))];
    } else {
      // One row per group of consecutive rows sharing the partition and the grouped clustering prefix.
      const groups: LiveRow[][] = [];
      const groupKey = (r: LiveRow) => keyString([...pk.map((c) => r.all[c.name] as Value), ...r.row.ck.slice(0, plan.groupPrefix)]);
      for (const r of rows) {
        const last = groups[groups.length - 1];
        if (last !== undefined && groupKey(last[0]!) === groupKey(r)) last.push(r);
        else groups.push([r]);
      }
      const perPartition = new Map<string, number>();
      const kept = groups.filter((g) => {
        if (plan.perPartitionLimit === undefined) return true;
        const p = keyString(pk.map((c) => g[0]!.all[c.name] as Value));
        const n = (perPartition.get(p) ?? 0) + 1;
        perPartition.set(p, n);
        return n <= plan.perPartitionLimit;
      });
      out = kept.map((g) => plan.selected.map((x) => aggregateValue(x.projection, g, nowSec)));
      if (plan.limit !== undefined) out = out.slice(0, plan.limit);
    }
    // SelectStatement: an aggregate over more than one partition is worth a warning to the client.
    const warning = where.partitionIn
      ? "Aggregation query used on multiple partition keys (IN restriction)"
      : where.partitionKeys.length === 0 && plan.tokens.length === 0
        ? "Aggregation query used without partition key"
        : undefined;
    const warnings = warning === undefined ? {} : { warnings: [warning] };
    return { kind: "ROWS", ...output(plan, out), ...warnings };
  }
  const limited = plan.limit === undefined ? rows : rows.slice(0, plan.limit);
  return { kind: "ROWS", ...output(plan, limited.map((r) => plan.selected.map((x) => project(x.projection, r, nowSec)))) };
}

/** The result's columns and rows, as they are or as JSON. */
function output(plan: SelectPlan, rows: ResultValue[][]): { columns: ColumnSpec[]; rows: ResultValue[][] } {
  const columns = plan.selected.map((x) => x.spec);
  return plan.json ? rowsToJson(columns, rows) : { columns, rows };
}

function project(p: Projection, r: LiveRow, nowSec: number): ResultValue {
  switch (p.kind) {
    case "value":
      return columnValue(p.column, r.all[p.column.name] ?? null);
    case "token":
      return r.token;
    case "writetime":
    case "ttl": {
      const c = (p.column.kind === "static" ? r.staticRow : r.row)?.cells[p.column.name];
      if (c === undefined || !(p.column.name in r.values)) return null;
      if (p.kind === "writetime") return BigInt(c.ts);
      return c.exp === undefined ? null : c.exp - nowSec;
    }
    default:
      return null;
  }
}

/** A column's value as a result holds it: a collection's elements in the collection's order. */
export function columnValue(c: ColumnDef, v: Value | CollectionValue): Value | CollectionValue {
  return isCollection(c.type) && v !== null ? orderedElements(c.type, v as CollectionValue) : v;
}

/** A collection's elements in its order: a set's and a map's by key, a list's by the time UUIDs that key them. */
function orderedElements(t: CollectionType, v: CollectionValue): CollectionValue {
  const keyTypeOf: CqlType = t.kind === "list" ? "timeuuid" : t.kind === "map" ? t.key : t.of;
  const order = v.keys.map((_, i) => i).sort((a, b) => compareValues(keyTypeOf, v.keys[a]!, v.keys[b]!));
  return { keys: order.map((i) => v.keys[i]!), values: order.map((i) => v.values[i]!) };
}

/** An aggregate over the rows (a plain column in an aggregate query takes the first row's value). */
function aggregateValue(p: Projection, rows: readonly LiveRow[], nowSec: number): ResultValue {
  if (p.kind === "count_rows") return BigInt(rows.length);
  if (p.kind !== "aggregate") return rows[0] === undefined ? null : project(p, rows[0], nowSec);
  const values = rows.map((r) => (r.all[p.column.name] ?? null) as Value).filter((v): v is Exclude<Value, null> => v !== null);
  const type = scalarType(p.column, "aggregates");
  switch (p.fn) {
    case "count":
      return BigInt(values.length);
    case "min":
    case "max": {
      if (values.length === 0) return null;
      return values.reduce((best, v) => ((compareValues(type, v, best) < 0) === (p.fn === "min") ? v : best));
    }
    case "sum":
    case "avg": {
      if (typeof values[0] === "bigint" || type === "bigint" || type === "varint" || type === "counter") {
        const sum = values.reduce<bigint>((n, v) => n + BigInt(v as bigint), 0n);
        return p.fn === "sum" ? sum : values.length === 0 ? 0n : sum / BigInt(values.length);
      }
      const sum = values.reduce<number>((n, v) => n + (v as number), 0);
      if (p.fn === "sum") return type === "float" || type === "double" ? sum : wrapInt(type, sum);
      if (values.length === 0) return 0;
      // Integer types average with integer division, as their AggregateFcts do.
      return type === "float" || type === "double" ? sum / values.length : wrapInt(type, Math.trunc(sum / values.length));
    }
  }
}

/** Java integer overflow of a sum kept in the column's type. */
function wrapInt(type: CqlType, n: number): number {
  const bits = type === "tinyint" ? 8 : type === "smallint" ? 16 : 32;
  const m = 2 ** bits;
  const r = ((n % m) + m) % m;
  return r >= m / 2 ? r - m : r;
}

/** Whether a row meets the WHERE clause (its restricted columns are never collections: keyRestrictions refuses them). */
export function matches(row: Record<string, Value | CollectionValue>, where: KeyRestrictions, ck: readonly ColumnDef[]): boolean {
  const value = (c: ColumnDef) => (row[c.name] ?? null) as Value;
  if (where.clusteringPrefix > 0) {
    const named = where.clusterings.some((values) => values.every((v, i) => compareValues(keyType(ck[i]!), value(ck[i]!), v) === 0));
    if (!named) return false;
  }
  for (const r of where.ranges) if (!compare(keyType(r.column), value(r.column), r.op, r.value)) return false;
  for (const f of where.filters) {
    const type = scalarType(f.column, "restrictions");
    if (f.op === "IN") {
      if (!f.values.some((x) => compareValues(type, value(f.column), x) === 0)) return false;
    } else if (!compare(type, value(f.column), f.op, f.values[0]!)) return false;
  }
  return true;
}

function compare(t: CqlType, v: Value, op: Relation["op"], x: Value): boolean {
  return v !== null && holds(op, compareValues(t, v, x));
}

/** Whether `op` holds of a comparison's sign. */
function holds(op: Relation["op"], c: number): boolean {
  switch (op) {
    case "=":
    case "IN":
      return c === 0;
    case "<":
      return c < 0;
    case ">":
      return c > 0;
    case "<=":
      return c <= 0;
    case ">=":
      return c >= 0;
  }
}
