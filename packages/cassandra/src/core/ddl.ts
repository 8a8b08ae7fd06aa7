import type { OptionValue, Statement, TableChange } from "./cql.js";
import type { QueryResult } from "./protocol.js";
import { ErrorCode, errorResult } from "./protocol.js";
import type { Replication } from "./replication.js";
import { configError, invalid, RequestError, syntaxError } from "./request-error.js";
import type { ColumnDef, KeyspaceDef, Schema, SchemaSnapshot, TableDef } from "./schema.js";
import { isCounterTable, isKeyColumn, isSystemKeyspace, LOCAL_SYSTEM_KEYSPACES } from "./schema.js";
import { newTableParams, parseTableOptions, validateTableParams } from "./table-options.js";
import { isCollection, parseColumnType, type ColumnType, type CqlType } from "./types.js";

/**
 * Schema statements (CREATE, ALTER and DROP of keyspaces and tables, 3.11): each validated with
 * Cassandra's words, then turned into new definitions stamped with the coordinator's timestamp
 * and announced to the cluster, which merges them last-write-wins.
 */

export interface SchemaEnv {
  readonly schema: Schema;
  /** The coordinator's write timestamp in µs. */
  nextTimestamp(): number;
  newTableId(): string;
  /** Merges a schema change here, persists it and pushes it to the cluster. */
  announceSchema(change: SchemaSnapshot): void;
}

const NAME_RE = /^\w{1,48}$/;

const COUNTER_TTL = "Cannot set default_time_to_live on a table with counters";

const STATIC_WITHOUT_CLUSTERING = "Static columns are only useful (and thus allowed) if the table has at least one clustering column";

export class SchemaStatements {
  constructor(private readonly env: SchemaEnv) {}

  createKeyspace(s: Extract<Statement, { kind: "create_keyspace" }>): QueryResult {
    if (!NAME_RE.test(s.name)) {
      throw invalid(`Keyspace name must not be empty, more than 48 characters long, or contain non-alphanumeric-underscore characters (got "${s.name}")`);
    }
    if (isSystemKeyspace(s.name)) throw new RequestError(ErrorCode.UNAUTHORIZED, `${s.name} keyspace is not user-modifiable`);
    const replication = parseReplication(s.options["replication"]);
    const durable = s.options["durable_writes"];
    const existing = this.env.schema.keyspace(s.name);
    if (existing !== undefined) {
      if (s.ifNotExists) return { kind: "VOID" };
      return errorResult(ErrorCode.ALREADY_EXISTS, `Cannot add existing keyspace "${s.name}"`, { kind: "already_exists", keyspace: s.name, table: "" });
    }
    const def: KeyspaceDef = {
      name: s.name,
      replication,
      durableWrites: durable === undefined || (durable.kind === "boolean" ? durable.value : !(durable.kind === "string" && durable.text === "false")),
      ts: this.env.nextTimestamp(),
      dropped: false,
    };
    this.env.announceSchema({ keyspaces: [def], tables: [] });
    return { kind: "SCHEMA_CHANGE", change: "CREATED", target: "KEYSPACE", keyspace: s.name };
  }

  createTable(keyspace: string | undefined, s: Extract<Statement, { kind: "create_table" }>): QueryResult {
    const ksName = s.keyspace ?? keyspace;
    if (ksName === undefined) throw invalid("No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename");
    if (isSystemKeyspace(ksName)) throw new RequestError(ErrorCode.UNAUTHORIZED, `${ksName} keyspace is not user-modifiable.`);
    const ks = this.env.schema.keyspace(ksName);
    if (ks === undefined) throw configError(`Cannot add table '${s.name}' to non existing keyspace '${ksName}'.`);
    if (this.env.schema.table(ksName, s.name) !== undefined) {
      if (s.ifNotExists) return { kind: "VOID" };
      return errorResult(ErrorCode.ALREADY_EXISTS, `Cannot add already existing table "${s.name}" to keyspace "${ksName}"`, {
        kind: "already_exists",
        keyspace: ksName,
        table: s.name,
      });
    }
    if (s.partitionKey.length === 0) throw invalid("No PRIMARY KEY specifed (exactly one required)");
    const types = new Map<string, ColumnType>();
    for (const c of s.columns) {
      const type = columnType(ksName, c.type);
      if (types.has(c.name)) throw invalid(`Multiple definition of identifier ${c.name}`);
      types.set(c.name, type);
    }
    const options = parseTableOptions(s.options);
    const hasCounters = [...types.values()].includes("counter");
    if (hasCounters && (options.params.defaultTimeToLive ?? 0) > 0) throw invalid(COUNTER_TTL);
    const columns: ColumnDef[] = [];
    const keyType = (name: string): CqlType => {
      const type = types.get(name);
      if (type === undefined) throw invalid(`Unknown definition ${name} referenced in PRIMARY KEY`);
      if (type === "counter") throw invalid(`counter type is not supported for PRIMARY KEY part ${name}`);
      if (isCollection(type)) {
        if (!type.frozen) throw invalid(`Invalid non-frozen collection type for PRIMARY KEY component ${name}`);
        throw invalid(`ksim does not model frozen collections in the PRIMARY KEY (${name})`);
      }
      return type;
    };
    s.partitionKey.forEach((name, position) => columns.push({ name, type: keyType(name), kind: "partition_key", position, order: "asc" }));
    s.clustering.forEach((name, position) => columns.push({ name, type: keyType(name), kind: "clustering", position, order: s.clusteringOrder[name] ?? "asc" }));
    for (const c of Object.keys(s.clusteringOrder)) {
      if (!s.clustering.includes(c)) throw invalid(`Missing CLUSTERING ORDER for column ${c}`);
    }
    for (const c of s.columns) {
      const isKey = s.partitionKey.includes(c.name) || s.clustering.includes(c.name);
      if (c.isStatic && isKey) throw invalid(`Static column ${c.name} cannot be part of the PRIMARY KEY`);
      if (!isKey) columns.push({ name: c.name, type: types.get(c.name)!, kind: c.isStatic ? "static" : "regular", position: -1, order: "asc" });
    }
    if (hasCounters && columns.some((c) => !isKeyColumn(c) && c.type !== "counter")) throw invalid("Cannot mix counter and non counter columns in the same table");
    // Without clustering columns every column is per partition already.
    if (s.clustering.length === 0 && s.columns.some((c) => c.isStatic)) throw invalid(STATIC_WITHOUT_CLUSTERING);
    const def: TableDef = {
      keyspace: ksName,
      name: s.name,
      id: this.env.newTableId(),
      columns,
      ts: this.env.nextTimestamp(),
      dropped: false,
      readRepairChance: options.readRepairChance ?? 0,
      dclocalReadRepairChance: options.dclocalReadRepairChance ?? 0.1,
      ...(Object.keys(options.params).length > 0 ? { params: newTableParams(options.params) } : {}),
    };
    this.env.announceSchema({ keyspaces: [], tables: [def] });
    return { kind: "SCHEMA_CHANGE", change: "CREATED", target: "TABLE", keyspace: ksName, table: s.name };
  }

  dropKeyspace(s: Extract<Statement, { kind: "drop_keyspace" }>): QueryResult {
    if (isSystemKeyspace(s.name)) throw new RequestError(ErrorCode.UNAUTHORIZED, `${s.name} keyspace is not user-modifiable`);
    if (this.env.schema.keyspace(s.name) === undefined) {
      if (s.ifExists) return { kind: "VOID" };
      throw configError(`Cannot drop non existing keyspace '${s.name}'.`);
    }
    this.env.announceSchema(this.env.schema.dropKeyspace(s.name, this.env.nextTimestamp()));
    return { kind: "SCHEMA_CHANGE", change: "DROPPED", target: "KEYSPACE", keyspace: s.name };
  }

  dropTable(keyspace: string | undefined, s: Extract<Statement, { kind: "drop_table" }>): QueryResult {
    const ksName = s.keyspace ?? keyspace;
    if (ksName === undefined) throw invalid("No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename");
    const t = this.env.schema.table(ksName, s.name);
    if (t === undefined) {
      if (s.ifExists) return { kind: "VOID" };
      throw configError(`Cannot drop non existing table '${s.name}' in keyspace '${ksName}'.`);
    }
    this.env.announceSchema({ keyspaces: [], tables: [{ ...t, ts: this.env.nextTimestamp(), dropped: true }] });
    return { kind: "SCHEMA_CHANGE", change: "DROPPED", target: "TABLE", keyspace: ksName, table: s.name };
  }

  /** AlterKeyspaceStatement: new replication or durable_writes; what is not given stays. */
  alterKeyspace(s: Extract<Statement, { kind: "alter_keyspace" }>): QueryResult {
    if ((LOCAL_SYSTEM_KEYSPACES as readonly string[]).includes(s.name)) throw new RequestError(ErrorCode.UNAUTHORIZED, `${s.name} keyspace is not user-modifiable.`);
    const ks = this.env.schema.keyspace(s.name);
    if (ks === undefined) throw invalid(`Unknown keyspace ${s.name}`);
    for (const name of Object.keys(s.options)) if (name !== "replication" && name !== "durable_writes") throw syntaxError(`Unknown property '${name}'`);
    const replicationOption = s.options["replication"];
    let replication = ks.replication;
    if (replicationOption !== undefined) {
      if (replicationOption.kind === "map" && !replicationOption.entries.some(([k]) => k === "class") && replicationOption.entries.length > 0) throw configError("Missing replication strategy class");
      replication = parseReplication(replicationOption);
    }
    const durable = s.options["durable_writes"];
    const def: KeyspaceDef = { ...ks, replication, durableWrites: durable === undefined ? ks.durableWrites : durableWrites(durable), ts: this.env.nextTimestamp() };
    this.env.announceSchema({ keyspaces: [def], tables: [] });
    return { kind: "SCHEMA_CHANGE", change: "UPDATED", target: "KEYSPACE", keyspace: s.name };
  }

  /** AlterTableStatement: add or drop regular columns, rename key columns, or change options. */
  alterTable(keyspace: string | undefined, s: Extract<Statement, { kind: "alter_table" }>): QueryResult {
    const ksName = s.keyspace ?? keyspace;
    if (ksName === undefined) throw invalid("No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename");
    if ((LOCAL_SYSTEM_KEYSPACES as readonly string[]).includes(ksName)) throw new RequestError(ErrorCode.UNAUTHORIZED, `${ksName} keyspace is not user-modifiable.`);
    if (this.env.schema.keyspace(ksName) === undefined) throw invalid(`Keyspace ${ksName} does not exist`);
    const t = this.env.schema.table(ksName, s.name);
    if (t === undefined) throw invalid(`unconfigured table ${s.name}`);
    const ts = this.env.nextTimestamp();
    const altered = alteredTable(t, s.change, ts);
    this.env.announceSchema({ keyspaces: [], tables: [{ ...altered, ts }] });
    return { kind: "SCHEMA_CHANGE", change: "UPDATED", target: "TABLE", keyspace: ksName, table: s.name };
  }
}

function durableWrites(v: OptionValue): boolean {
  return v.kind === "boolean" ? v.value : !(v.kind === "string" && v.text.toLowerCase() === "false");
}

/** A column's type as CQL3Type.Raw prepares it. */
function columnType(ksName: string, text: string): ColumnType {
  const type = parseColumnType(text);
  if (type === undefined) throw invalid(`Unknown type ${ksName}.${text}`);
  if (isCollection(type) && (type.of === "counter" || (type.kind === "map" && type.key === "counter"))) throw invalid(`Counters are not allowed inside collections: ${text}`);
  return type;
}

/** The definition an ALTER TABLE makes, with 3.11's refusals. */
function alteredTable(t: TableDef, change: TableChange, ts: number): TableDef {
  const byName = new Map(t.columns.map((c) => [c.name, c]));
  switch (change.kind) {
    case "add": {
      const columns = [...t.columns];
      for (const c of change.columns) {
        const existing = byName.get(c.name);
        if (existing !== undefined) {
          throw invalid(`Invalid column name ${c.name} because it conflicts with ${isKeyColumn(existing) ? "a PRIMARY KEY part" : "an existing column"}`);
        }
        const type = columnType(t.keyspace, c.type);
        if (c.isStatic && !t.columns.some((x) => x.kind === "clustering")) throw invalid(STATIC_WITHOUT_CLUSTERING);
        const added: ColumnDef = { name: c.name, type, kind: c.isStatic ? "static" : "regular", position: -1, order: "asc" };
        columns.push(added);
        byName.set(c.name, added);
      }
      // CFMetaData.validate: whether a table counts is settled when it is created.
      const counter = isCounterTable(t);
      for (const c of columns) {
        if (isKeyColumn(c) || (c.type === "counter") === counter) continue;
        throw configError(counter ? `Cannot add a non counter column (${c.name}) in a counter column family` : `Cannot add a counter column (${c.name}) in a non counter column family`);
      }
      return { ...t, columns };
    }
    case "drop": {
      const dropped: Record<string, number> = { ...t.droppedColumns };
      for (const name of change.columns) {
        const c = byName.get(name);
        if (c === undefined) throw invalid(`Column ${name} was not found in table ${t.name}`);
        if (isKeyColumn(c)) throw invalid(`Cannot drop PRIMARY KEY part ${name}`);
        byName.delete(name);
        dropped[name] = change.timestamp ?? ts;
      }
      return { ...t, columns: t.columns.filter((c) => byName.has(c.name)), droppedColumns: dropped };
    }
    case "alter_type":
      throw invalid("Altering of types is not allowed");
    case "rename": {
      let columns = [...t.columns];
      for (const [from, to] of change.renames) {
        const c = columns.find((x) => x.name === from);
        if (c === undefined) throw invalid(`Cannot rename unknown column ${from} in keyspace ${t.name}`);
        if (columns.some((x) => x.name === to)) throw invalid(`Cannot rename column ${from} to ${to} in keyspace ${t.name}; another column of that name already exist`);
        if (!isKeyColumn(c)) throw invalid(`Cannot rename non PRIMARY KEY part ${from}`);
        columns = columns.map((x) => (x === c ? { ...c, name: to } : x));
      }
      return { ...t, columns };
    }
    case "options": {
      const options = parseTableOptions(change.options);
      const altered: TableDef = {
        ...t,
        readRepairChance: options.readRepairChance ?? t.readRepairChance,
        dclocalReadRepairChance: options.dclocalReadRepairChance ?? t.dclocalReadRepairChance,
        params: { ...t.params, ...options.params },
      };
      validateTableParams(altered);
      if (isCounterTable(t) && (options.params.defaultTimeToLive ?? 0) > 0) throw invalid(COUNTER_TTL);
      return altered;
    }
  }
}

const STRATEGY_CLASSES: Record<string, "SimpleStrategy" | "NetworkTopologyStrategy"> = {
  SimpleStrategy: "SimpleStrategy",
  "org.apache.cassandra.locator.SimpleStrategy": "SimpleStrategy",
  NetworkTopologyStrategy: "NetworkTopologyStrategy",
  "org.apache.cassandra.locator.NetworkTopologyStrategy": "NetworkTopologyStrategy",
};

/** KeyspaceParams.Replication from the `replication` map, with Cassandra's configuration errors. */
function parseReplication(opt: OptionValue | undefined): Replication {
  if (opt === undefined || opt.kind !== "map") throw configError("Missing mandatory replication strategy class");
  const entries = new Map<string, string>();
  for (const [k, lit] of opt.entries) entries.set(k, lit.kind === "string" || lit.kind === "integer" || lit.kind === "float" ? lit.text : lit.kind);
  const cls = entries.get("class");
  if (cls === undefined) throw configError("Missing replication strategy class");
  const kind = STRATEGY_CLASSES[cls];
  if (kind === undefined) {
    throw configError(`Unable to find replication strategy class '${cls.includes(".") ? cls : `org.apache.cassandra.locator.${cls}`}'`);
  }
  const factor = (text: string) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 0) throw configError(`Replication factor must be non-negative; found ${text}`);
    return n;
  };
  if (kind === "SimpleStrategy") {
    const rf = entries.get("replication_factor");
    if (rf === undefined) throw configError("SimpleStrategy requires a replication_factor strategy option.");
    for (const k of entries.keys()) {
      if (k !== "class" && k !== "replication_factor") throw configError(`Unrecognized strategy option {${k}} passed to SimpleStrategy for keyspace`);
    }
    return { class: "SimpleStrategy", replication_factor: factor(rf) };
  }
  const dcs: Record<string, number> = {};
  for (const [k, val] of entries) {
    if (k === "class") continue;
    if (k === "replication_factor") throw configError("replication_factor is an option for SimpleStrategy, not NetworkTopologyStrategy");
    dcs[k] = factor(val);
  }
  return { class: "NetworkTopologyStrategy", dcs };
}

