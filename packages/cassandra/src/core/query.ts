import type { Assignment, Condition, ModificationStatement, Relation, Statement } from "./cql.js";
import { CqlSyntaxError, parseStatement } from "./cql.js";
import type { Cell, Partition, Row } from "./data.js";
import { cellColumn, counterUpdate, liveRow, mergePartitions, STATIC_ROW } from "./data.js";
import { javaHashMapOrder, mirroredTimeUuid, stringHash } from "./java-format.js";
import type { ReadCommand } from "./messages.js";
import type { ColumnSpec, ConsistencyLevel, QueryResult, ResultValue } from "./protocol.js";
import { ErrorCode, errorResult } from "./protocol.js";
import type { PaxosCoordinator, PaxosTarget } from "./paxos-coordinator.js";
import { assignCollection, collectionType, deleteElement, setElement, updateCollection, type CollectionWrite, type ListKeys } from "./collections.js";
import { SchemaStatements } from "./ddl.js";
import { hasCalls, resolveCalls } from "./functions.js";
import { jsonInsertValues } from "./json.js";
import { invalid, RequestError } from "./request-error.js";
import { columnValue, planSelect, selectResult, type KeyRestrictions } from "./select-result.js";
import { MAX_TTL } from "./table-options.js";

/** Integer.MAX_VALUE: the last second a localDeletionTime can hold. */
const MAX_DELETION_SECOND = 2 ** 31 - 1;
import type { BatchWrite, CoordinatorError, StorageProxy, WriteOutcome, WriteType } from "./proxy.js";
import type { Ring } from "./ring.js";
import type { ColumnDef, KeyspaceDef, Schema, SchemaSnapshot, TableDef } from "./schema.js";
import { clusteringColumns, columnsByName, isCounterTable, isKeyColumn, isSystemKeyspace, keyType, partitionKeyColumns, regularColumns, scalarType, selectStarColumns, staticColumns, tableParams } from "./schema.js";
import type { Token } from "./token.js";
import { columnTypeName, compareValues, InvalidValue, keyString, literalText, literalValue, serialize, type CollectionValue, type CqlType, type Literal, type Value } from "./types.js";

/**
 * Executes CQL for one client session: DDL becomes a schema change announced to the cluster,
 * INSERT/UPDATE/DELETE become mutations the coordinator writes at the session's consistency
 * level (conditional ones, lightweight transactions, go through Paxos at the serial consistency
 * level), SELECT becomes single-partition or token-range reads resolved by the coordinator.
 */

export interface VirtualTable {
  readonly columns: readonly ColumnSpec[];
  readonly rows: readonly Readonly<Record<string, ResultValue>>[];
}

export interface QueryEnv {
  readonly schema: Schema;
  readonly proxy: StorageProxy;
  readonly paxos: PaxosCoordinator;
  /** The coordinator's write timestamp in µs (monotonic, from this node's clock). */
  nextTimestamp(): number;
  /** This node's monotonic clock (ms): when a request started, for the time-outs that span it. */
  monotonicMs(): number;
  /** FBUtilities.nowInSeconds: this node's wall clock, what TTLs expire by. */
  nowSeconds(): number;
  /** UUIDGen.getTimeUUID: a logged batch's id, now()'s value. */
  timeUuid(): string;
  /** UUID.randomUUID: uuid()'s value. */
  randomUuid(): string;
  newTableId(): string;
  /** Merges a schema change here, persists it and pushes it to the cluster; calls back once applied locally. */
  announceSchema(change: SchemaSnapshot): void;
  ring(): Ring;
  tokenFor(table: TableDef, key: readonly Value[]): Token;
  /** system.local, system.peers, system_schema.* as this node knows them. */
  virtualTable(keyspace: string, table: string): VirtualTable | undefined;
  /** StorageProxy.truncateBlocking: answers once every token owner has truncated the table. */
  truncate(keyspace: string, table: string, done: (r: QueryResult) => void): void;
}

export interface Session {
  keyspace: string | undefined;
}

type Done = (r: QueryResult) => void;


function fromCoordinator(e: CoordinatorError): QueryResult {
  return errorResult(e.code, e.message, e.info);
}

/** batch_size_warn_threshold_in_kb and batch_size_fail_threshold_in_kb (5 and 50), in bytes. */
const BATCH_SIZE_WARN_THRESHOLD = 5 * 1024;
const BATCH_SIZE_FAIL_THRESHOLD = 50 * 1024;
/** unlogged_batch_across_partitions_warn_threshold. */
const UNLOGGED_BATCH_ACROSS_PARTITIONS_WARN_THRESHOLD = 10;

/** Clients repeat the same statements (reads, the drivers' system queries): parsed ones are kept, up to this many. */
const PARSED_STATEMENTS = 512;

export class QueryExecutor {
  private readonly parsed = new Map<string, Statement | CqlSyntaxError>();

  private readonly ddl: SchemaStatements;
  /** Whether each parsed statement calls a function. */
  private readonly calling = new WeakMap<Statement, boolean>();

  constructor(private readonly env: QueryEnv) {
    this.ddl = new SchemaStatements(env);
  }

  private parse(text: string): Statement | CqlSyntaxError {
    let p = this.parsed.get(text);
    if (p === undefined) {
      try {
        p = parseStatement(text);
      } catch (e) {
        if (!(e instanceof CqlSyntaxError)) throw e;
        p = e;
      }
      if (this.parsed.size >= PARSED_STATEMENTS) this.parsed.clear();
      this.parsed.set(text, p);
    }
    return p;
  }

  /** Runs a statement at `cl`; `serial` is the request's serial consistency level, for lightweight transactions. */
  execute(session: Session, text: string, cl: ConsistencyLevel, done: Done, serial: ConsistencyLevel = "SERIAL", pageSize = 0): void {
    const parsed = this.parse(text);
    if (parsed instanceof CqlSyntaxError) return done(errorResult(ErrorCode.SYNTAX_ERROR, parsed.message));
    try {
      // now(), uuid() and the like are worked out afresh each time the statement runs.
      let calls = this.calling.get(parsed);
      if (calls === undefined) this.calling.set(parsed, (calls = hasCalls(parsed)));
      const stmt = calls ? resolveCalls(parsed, this.env) : parsed;
      this.run(session, stmt, cl, serial, pageSize, done);
    } catch (e) {
      if (e instanceof RequestError) return done(errorResult(e.code, e.message));
      if (e instanceof InvalidValue) return done(errorResult(ErrorCode.INVALID, e.message));
      throw e;
    }
  }

  private run(session: Session, s: Statement, cl: ConsistencyLevel, serial: ConsistencyLevel, pageSize: number, done: Done): void {
    switch (s.kind) {
      case "use": {
        if (this.env.schema.keyspace(s.keyspace) === undefined && !isSystemKeyspace(s.keyspace)) throw invalid(`Keyspace '${s.keyspace}' does not exist`);
        session.keyspace = s.keyspace;
        return done({ kind: "SET_KEYSPACE", keyspace: s.keyspace });
      }
      case "create_keyspace":
        return done(this.ddl.createKeyspace(s));
      case "create_table":
        return done(this.ddl.createTable(session.keyspace, s));
      case "drop_keyspace":
        return done(this.ddl.dropKeyspace(s));
      case "drop_table":
        return done(this.ddl.dropTable(session.keyspace, s));
      case "alter_keyspace":
        return done(this.ddl.alterKeyspace(s));
      case "alter_table":
        return done(this.ddl.alterTable(session.keyspace, s));
      case "insert":
      case "update":
      case "delete": {
        const st = this.withJsonValues(session, s);
        const { t } = this.resolveTable(session, st.keyspace, st.table);
        counterPrepareChecks(t, st);
        counterValidate(t, st);
        if (isConditional(st)) return this.casWrite(session, st, cl, serial, done);
        return this.write(session, st, cl, done);
      }
      case "select":
        return this.select(session, s, cl, pageSize, done);
      case "truncate": {
        const { ks, t } = this.resolveTable(session, s.keyspace, s.table);
        return this.env.truncate(ks.name, t.name, done);
      }
      case "batch":
        return this.batch(session, { ...s, statements: s.statements.map((st) => this.withJsonValues(session, st)) }, cl, serial, done);
    }
  }

  // ---- writes ---------------------------------------------------------------------------

  /** INSERT ... JSON as the INSERT of the columns and values its object gives. */
  private withJsonValues(session: Session, s: ModificationStatement): ModificationStatement {
    if (s.kind !== "insert" || s.json === undefined) return s;
    const { t } = this.resolveTable(session, s.keyspace, s.table);
    return { ...s, ...jsonInsertValues(t, s.json.text, s.json.unset), json: undefined };
  }

  private resolveTable(session: Session, keyspace: string | undefined, table: string): { ks: KeyspaceDef; t: TableDef } {
    const ksName = keyspace ?? session.keyspace;
    if (ksName === undefined) throw invalid("No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename");
    const ks = this.env.schema.keyspace(ksName);
    if (ks === undefined) throw invalid(`Keyspace ${ksName} does not exist`);
    const t = this.env.schema.table(ksName, table);
    if (t === undefined) throw invalid(`unconfigured table ${table}`);
    return { ks, t };
  }

  private write(session: Session, s: Extract<Statement, { kind: "insert" | "update" | "delete" }>, cl: ConsistencyLevel, done: Done): void {
    const { ks, t } = this.resolveTable(session, s.keyspace, s.table);
    // ConsistencyLevel.validateCounterForWrite, or validateForWrite.
    const counter = isCounterTable(t);
    if (counter && cl === "ANY") throw invalid(`Consistency level ANY is not yet supported for counter table ${t.name}`);
    if (counter && (cl === "SERIAL" || cl === "LOCAL_SERIAL")) throw invalid("Counter operations are inherently non-serializable");
    if (cl === "SERIAL" || cl === "LOCAL_SERIAL") throw invalid("You must use conditional updates for serializable writes");
    const ts = s.timestamp ?? this.env.nextTimestamp();
    const writes = this.buildWrite(t, s, ts).map((p) => ({
      mutation: { keyspace: ks.name, table: t.name, tableId: t.id, partition: p },
      token: this.env.tokenFor(t, p.key),
      strategy: ks.replication,
    }));
    // An IN on the partition key makes several mutations, written as an unlogged batch is.
    this.mutateAll(writes, cl, counter ? "COUNTER" : writes.length > 1 ? "UNLOGGED_BATCH" : "SIMPLE", (o) => done(o.ok ? { kind: "VOID" } : fromCoordinator(o.error)));
  }

  /**
   * BatchStatement (3.11): the statements are prepared, the batch validated, and their updates
   * collected into one mutation per partition, every statement without a timestamp of its own
   * sharing the batch's. A logged batch of more than one partition goes through the batchlog
   * (StorageProxy.mutateAtomically); an unlogged one, or one partition, is written as separate
   * mutations. A batch with conditions is one lightweight transaction on one partition.
   */
  private batch(session: Session, s: Extract<Statement, { kind: "batch" }>, cl: ConsistencyLevel, serial: ConsistencyLevel, done: Done): void {
    const startedAt = this.env.monotonicMs();
    const statements = s.statements.map((st) => ({ st, ...this.resolveTable(session, st.keyspace, st.table) }));
    for (const { st, t } of statements) counterPrepareChecks(t, st);
    const conditional = statements.some(({ st }) => isConditional(st));
    const conditions = statements.map(({ st, t }) => (isConditional(st) ? this.rowCondition(t, st) : undefined));
    // BatchStatement.validate.
    if (s.ttl !== undefined) throw invalid("Global TTL on the BATCH statement is not supported.");
    if (s.timestamp !== undefined && conditional) throw invalid("Cannot provide custom timestamp for conditional BATCH");
    if (s.timestamp !== undefined && s.type === "COUNTER") throw invalid("Cannot provide custom timestamp for counter BATCH");
    let counters = false;
    let nonCounters = false;
    for (const { st, t } of statements) {
      const counter = isCounterTable(t);
      if (s.timestamp !== undefined && counter) throw invalid("Cannot provide custom timestamp for a BATCH containing counters");
      if (s.timestamp !== undefined && st.timestamp !== undefined) throw invalid("Timestamp must be set either on BATCH or individual statements");
      if (s.type === "COUNTER" && !counter) throw invalid("Cannot include non-counter statement in a counter batch");
      if (s.type === "LOGGED" && counter) throw invalid("Cannot include a counter statement in a logged batch");
      counters ||= counter;
      nonCounters ||= !counter;
    }
    if (counters && nonCounters) throw invalid("Counter and non-counter mutations cannot exist in the same batch");
    for (const { st, t } of statements) counterValidate(t, st);
    if (conditional && statements.some(({ t }) => t.id !== statements[0]!.t.id)) throw invalid("Batch with conditions cannot span multiple tables");
    if (conditional) return this.casBatch(statements, conditions, cl, serial, done);
    const now = s.timestamp ?? this.env.nextTimestamp();
    // UpdatesCollector: the statements' updates to the same partition of a table are merged into one.
    const updates = new Map<string, { ks: KeyspaceDef; t: TableDef; partition: Partition }>();
    for (const { st, ks, t } of statements) {
      for (const p of this.buildWrite(t, st, st.timestamp ?? now)) {
        const key = `${t.id}\u0000${keyString(p.key)}`;
        const seen = updates.get(key);
        updates.set(key, { ks, t, partition: mergePartitions(seen?.partition, p) });
      }
    }
    const warnings: string[] = [];
    if (s.type === "LOGGED") {
      // The batchlog's entries live as long as the tables' gc_grace_seconds: 0 lets them go unreplayed.
      const zero = [...new Set(statements.filter(({ t }) => tableParams(t).gcGraceSeconds === 0).map(({ ks, t }) => `${ks.name}.${t.name}`))];
      if (zero.length > 0) {
        warnings.push(
          `Executing a LOGGED BATCH on table${zero.length === 1 ? "" : "s"} [${javaHashMapOrder(zero, stringHash).join(", ")}], configured with a gc_grace_seconds of 0. ` +
            "The gc_grace_seconds is used to TTL batchlog entries, so setting gc_grace_seconds too low on tables involved in an atomic batch might cause batchlog entries to expire before being replayed.",
        );
      }
    }
    // A Mutation is one partition key of one keyspace, whatever tables it touches.
    const partitions = new Set([...updates.values()].map((u) => `${u.ks.name}\u0000${keyString(u.partition.key)}`)).size;
    if (partitions === 0) return done(warnings.length > 0 ? { kind: "VOID", warnings } : { kind: "VOID" });
    if (partitions > 1) {
      const size = [...updates.values()].reduce((n, u) => n + updateDataSize(u.t, u.partition), 0);
      if (size > BATCH_SIZE_WARN_THRESHOLD) {
        if (size > BATCH_SIZE_FAIL_THRESHOLD) throw invalid("Batch too large");
        warnings.push(`Batch for ${tableNames(updates.values())} is of size ${size}, exceeding specified threshold of ${BATCH_SIZE_WARN_THRESHOLD} by ${size - BATCH_SIZE_WARN_THRESHOLD}.`);
      }
      if (s.type !== "LOGGED" && partitions > UNLOGGED_BATCH_ACROSS_PARTITIONS_WARN_THRESHOLD) {
        const tables = new Set([...updates.values()].map((u) => u.t.id)).size;
        warnings.push(
          `Unlogged batch covering ${partitions} partitions detected against table${tables === 1 ? "" : "s"} ${tableNames(updates.values())}. You should use a logged batch for atomicity, or asynchronous writes for performance.`,
        );
      }
    }
    const writes: BatchWrite[] = [...updates.values()].map((u) => ({
      mutation: { keyspace: u.ks.name, table: u.t.name, tableId: u.t.id, partition: u.partition },
      token: this.env.tokenFor(u.t, u.partition.key),
      strategy: u.ks.replication,
    }));
    const finish = (o: WriteOutcome) => done(o.ok ? (warnings.length > 0 ? { kind: "VOID", warnings } : { kind: "VOID" }) : fromCoordinator(o.error));
    if (s.type === "LOGGED" && partitions > 1) {
      const batch = { id: this.env.timeUuid(), createdAt: this.env.nextTimestamp(), mutations: writes.map((w) => w.mutation) };
      return this.env.proxy.mutateAtomically(batch, writes, cl, startedAt, finish);
    }
    // A counter batch is never atomic: each partition's update goes through its own leader.
    this.mutateAll(writes, cl, counters ? "COUNTER" : partitions > 1 ? "UNLOGGED_BATCH" : "SIMPLE", finish);
  }

  /** StorageProxy.mutate: every write sent, the first failure (or the last success) answered. */
  private mutateAll(writes: readonly BatchWrite[], cl: ConsistencyLevel, writeType: WriteType, finish: (o: WriteOutcome) => void): void {
    let left = writes.length;
    let failed = false;
    for (const w of writes) {
      const answered = (o: WriteOutcome) => {
        if (failed) return;
        if (!o.ok) {
          failed = true;
          return finish(o);
        }
        if (--left === 0) finish(o);
      };
      // Counter updates go through a leader replica (StorageProxy.mutateCounter).
      if (writeType === "COUNTER") this.env.proxy.mutateCounter(w.mutation, w.token, w.strategy, cl, answered);
      else this.env.proxy.mutate(w.mutation, w.token, w.strategy, cl, answered, { writeType });
    }
  }

  /**
   * BatchStatement.executeWithConditions: one partition of one table, each statement's condition
   * on its own row, the updates applied together through Paxos if they all hold.
   */
  private casBatch(
    statements: readonly { st: ModificationStatement; ks: KeyspaceDef; t: TableDef }[],
    conditions: readonly (RowCondition | undefined)[],
    cl: ConsistencyLevel,
    serial: ConsistencyLevel,
    done: Done,
  ): void {
    const { ks, t } = statements[0]!;
    const now = this.env.nextTimestamp();
    const pk = new Set(partitionKeyColumns(t).map((c) => c.name));
    const ck = new Set(clusteringColumns(t).map((c) => c.name));
    let update: Partition | undefined;
    const rowConditions = new Map<string, RowCondition>();
    statements.forEach(({ st }, i) => {
      const where = st.kind === "insert" ? [] : st.where;
      if (where.some((r) => pk.has(r.column) && r.op === "IN" && r.values.length > 1)) {
        throw new RequestError(ErrorCode.SERVER_ERROR, "java.lang.IllegalArgumentException: Batch with conditions cannot span multiple partitions (you cannot use IN on the partition key)");
      }
      const [p] = this.buildWrite(t, st, st.timestamp ?? now);
      if (update !== undefined && keyString(update.key) !== keyString(p!.key)) throw invalid("Batch with conditions cannot span multiple partitions");
      if (where.some((r) => ck.has(r.column) && r.op === "IN" && r.values.length > 1)) {
        throw invalid(`IN on the clustering key columns is not supported with conditional ${st.kind === "delete" ? "deletions" : "updates"}`);
      }
      update = mergePartitions(update, p!);
      const c = conditions[i];
      if (c === undefined) return;
      const rowKey = Object.keys(p!.rows)[0] ?? keyString([]);
      const previous = rowConditions.get(rowKey);
      if (previous === undefined) rowConditions.set(rowKey, c);
      else if (previous.kind !== c.kind) throw invalid(`Cannot mix IF conditions and IF ${c.kind === "not_exists" || previous.kind === "not_exists" ? "NOT " : ""}EXISTS for the same row`);
      else if (c.kind === "columns") rowConditions.set(rowKey, { kind: "columns", columns: [...previous.columns, ...c.columns] });
    });
    this.cas(ks, t, update!, rowConditions, true, cl, serial, done);
  }

  /**
   * A lightweight transaction (ModificationStatement.executeWithCondition): the update is made
   * through Paxos if its condition holds on the row as a quorum has it. The answer is a row
   * `[applied]`, and when not applied the values the condition was judged on: the whole row for
   * IF [NOT] EXISTS, the condition's columns otherwise (nothing more when there is no row).
   */
  private casWrite(session: Session, s: ModificationStatement, cl: ConsistencyLevel, serial: ConsistencyLevel, done: Done): void {
    const { ks, t } = this.resolveTable(session, s.keyspace, s.table);
    const condition = this.rowCondition(t, s);
    if (s.kind !== "insert") {
      const what = s.kind === "delete" ? "deletions" : "updates";
      const pk = new Set(partitionKeyColumns(t).map((c) => c.name));
      const ck = clusteringColumns(t);
      for (const r of s.where) {
        if (r.op !== "IN" || r.values.length === 1) continue;
        if (pk.has(r.column)) throw invalid(`IN on the partition key is not supported with conditional ${what}`);
        if (ck.some((c) => c.name === r.column)) throw invalid(`IN on the clustering key columns is not supported with conditional ${what}`);
      }
    }
    const [partition] = this.buildWrite(t, s, this.env.nextTimestamp());
    const rowKey = Object.keys(partition!.rows)[0] ?? keyString([]);
    this.cas(ks, t, partition!, new Map([[rowKey, condition]]), false, cl, serial, done);
  }

  /**
   * A statement's IF, checked as the statement is prepared: what must hold of its row. The
   * clustering is the statement's own (a row deletion or update names the whole primary key).
   */
  private rowCondition(t: TableDef, s: ModificationStatement): RowCondition {
    if (s.timestamp !== undefined) throw invalid("Cannot provide custom timestamp for conditional updates");
    if (s.kind === "insert") return { kind: "not_exists", columns: [] };
    const conditions = s.ifCondition!;
    if (s.kind === "delete") {
      const restricted = new Set(s.where.filter((r) => r.op === "=" || r.op === "IN").map((r) => r.column));
      if (clusteringColumns(t).some((c) => !restricted.has(c.name))) {
        throw invalid("DELETE statements must restrict all PRIMARY KEY columns with equality relations in order to use IF condition on non static columns");
      }
    }
    if (conditions.kind === "exists") return { kind: "exists", columns: [] };
    const byName = columnsByName(t);
    const columns = conditions.conditions.map((c) => {
      const column = byName.get(c.column);
      if (column === undefined) throw invalid(`Unknown identifier ${c.column} in IF conditions`);
      if (isKeyColumn(column)) throw invalid(`PRIMARY KEY column '${c.column}' cannot have IF conditions`);
      if (column.kind === "static") throw invalid("Conditions on static columns are not modelled by ksim");
      const type = scalarType(column, "IF conditions");
      const values = c.values.map((l) => literalValue(type, l, column.name));
      if (c.op !== "=" && c.op !== "!=" && c.op !== "IN" && values[0] === null) throw invalid(`Invalid comparison with null for operator "${c.op}"`);
      return { column, condition: c, values };
    });
    return { kind: "columns", columns };
  }

  /**
   * StorageProxy.cas with a CQL3CasRequest: the rows with conditions are read at the serial
   * level's quorum within a Paxos round, and `update` is proposed only if every condition holds.
   * When not applied, the answer shows each of those rows that exists: all its columns if any
   * condition was IF [NOT] EXISTS, else the conditions' columns (a batch's also its primary key).
   */
  private cas(
    ks: KeyspaceDef,
    t: TableDef,
    update: Partition,
    conditions: ReadonlyMap<string, RowCondition>,
    isBatch: boolean,
    cl: ConsistencyLevel,
    serial: ConsistencyLevel,
    done: Done,
  ): void {
    if (serial !== "SERIAL" && serial !== "LOCAL_SERIAL") throw invalid("Invalid consistency for conditional update. Must be one of SERIAL or LOCAL_SERIAL");
    if (cl === "SERIAL" || cl === "LOCAL_SERIAL") {
      throw invalid(`${cl} is not supported as conditional update commit consistency. Use ANY if you mean "make sure it is accepted but I don't care how many replicas commit it for non-SERIAL reads"`);
    }
    const target: PaxosTarget = {
      key: { rowKey: keyString(update.key), tableId: t.id, keyspace: ks.name, table: t.name },
      token: this.env.tokenFor(t, update.key),
      strategy: ks.replication,
    };
    // The conditioned rows as the quorum read found them, with their primary keys; absent if not live.
    const current = new Map<string, Record<string, Value | CollectionValue>>();
    const nowSec = this.env.nowSeconds();
    const read: ReadCommand = { keyspace: ks.name, table: t.name, tableId: t.id, kind: "partition", key: update.key };
    const chances = { global: t.readRepairChance, dcLocal: t.dclocalReadRepairChance };
    const applies = (): boolean =>
      [...conditions].every(([rowKey, c]) => {
        const row = current.get(rowKey);
        if (c.kind === "not_exists") return row === undefined;
        if (c.kind === "exists") return row !== undefined;
        return c.columns.every((x) => conditionHolds(x.column, x.condition.op, x.values, (row?.[x.column.name] ?? null) as Value));
      });
    this.env.paxos.cas(
      target,
      {
        update: { keyspace: ks.name, table: t.name, tableId: t.id, partition: update },
        readCurrent: (readCl, cb) =>
          this.env.proxy.read(read, target.token, ks.replication, readCl, chances, (o) => {
            if (!o.ok) return cb(o);
            current.clear();
            const p = o.partitions[0];
            for (const rowKey of conditions.keys()) {
              const row = p?.rows[rowKey];
              const live = row === undefined ? undefined : liveRow(row, p!.del, nowSec, t.droppedColumns);
              if (live === undefined) continue;
              partitionKeyColumns(t).forEach((c, i) => (live[c.name] = p!.key[i]!));
              clusteringColumns(t).forEach((c, i) => (live[c.name] = row!.ck[i]!));
              current.set(rowKey, live);
            }
            cb({ ok: true, applies: applies() });
          }),
      },
      serial,
      cl,
      (o) => {
        if (!o.ok) return done(fromCoordinator(o.error));
        const flag = { name: "[applied]", type: "boolean" };
        if (o.applied || current.size === 0) return done({ kind: "ROWS", columns: [flag], rows: [[o.applied]] });
        const conditionColumns = [...conditions.values()].flatMap((c) => c.columns.map((x) => x.column));
        const shown = [...conditions.values()].some((c) => c.kind !== "columns")
          ? selectStarColumns(t)
          : [...new Map([...(isBatch ? [...partitionKeyColumns(t), ...clusteringColumns(t)] : []), ...conditionColumns].map((c) => [c.name, c])).values()];
        const rows = [...current.values()].sort((a, b) => compareClustering(t, a, b));
        done({
          kind: "ROWS",
          columns: [flag, ...shown.map((c) => ({ name: c.name, type: columnTypeName(c.type) }))],
          rows: rows.map((row) => [false, ...shown.map((c) => columnValue(c, row[c.name] ?? null))]),
        });
      },
    );
  }

  private buildWrite(t: TableDef, s: Extract<Statement, { kind: "insert" | "update" | "delete" }>, ts: number): Partition[] {
    const pk = partitionKeyColumns(t);
    const ck = clusteringColumns(t);
    const byName = columnsByName(t);
    // An expiring write: every cell it sets (and an INSERT's primary-key liveness) expires together.
    const ttl = s.kind === "delete" ? 0 : this.timeToLive(t, s.ttl);
    const expiring = ttl > 0 ? { ttl, exp: this.env.nowSeconds() + ttl } : {};
    const cell = (v: Value): Cell => (v === null ? { v: null, ts, tomb: true } : { v, ts, ...expiring });
    // What the statement writes to the clustering row and to the static row: cells, and collection tombstones.
    const written = { regular: { cells: {} as Record<string, Cell>, cdel: {} as Record<string, number> }, static: { cells: {} as Record<string, Cell>, cdel: {} as Record<string, number> } };
    const put = (c: ColumnDef, w: CollectionWrite) => {
      const into = written[c.kind === "static" ? "static" : "regular"];
      Object.assign(into.cells, w.cells);
      if (w.cdel !== undefined) into.cdel[c.name] = w.cdel;
    };
    const row = (part: "regular" | "static", ckValues: readonly Value[], extra: Partial<Row> = {}): Row => {
      const w = written[part];
      return { ck: ckValues, ...extra, cells: w.cells, ...(Object.keys(w.cdel).length > 0 ? { cdel: w.cdel } : {}) };
    };
    const wrote = (part: "regular" | "static") => Object.keys(written[part].cells).length > 0 || Object.keys(written[part].cdel).length > 0;
    const listKeys: ListKeys = {
      append: () => this.env.timeUuid(),
      // Lists.Prepender gives the elements mirrored times from the last to the first, so the first sorts first.
      prepend: (count) => Array.from({ length: count }, () => mirroredTimeUuid(this.env.timeUuid())).reverse(),
    };
    if (s.kind === "insert") {
      if (s.columns.length !== s.values.length) throw invalid("Unmatched column names/values");
      const given = new Map<string, Value>();
      s.columns.forEach((name, i) => {
        const c = byName.get(name);
        if (c === undefined) throw invalid(`Undefined column name ${name}`);
        if (given.has(name) || written.regular.cells[name] !== undefined) throw invalid(`Multiple definitions found for column ${name}`);
        const collection = collectionType(c);
        if (collection === undefined) given.set(name, literalValue(c.type as CqlType, s.values[i]!, name));
        else put(c, assignCollection(c, collection, s.values[i]!, ts, expiring, listKeys));
      });
      const missingPk = pk.filter((c) => !given.has(c.name)).map((c) => c.name);
      if (missingPk.length > 0) throw invalid(`Some partition key parts are missing: ${missingPk.join(", ")}`);
      const missingCk = ck.filter((c) => !given.has(c.name)).map((c) => c.name);
      for (const c of [...regularColumns(t), ...staticColumns(t)]) if (given.has(c.name)) put(c, { cells: { [c.name]: cell(given.get(c.name)!) } });
      const key = pk.map((c) => given.get(c.name)!);
      const marker = { marker: ts, ...(ttl > 0 ? { markerTtl: ttl, markerExp: expiring.exp } : {}) };
      if (missingCk.length > 0) {
        // Only static columns: the partition's static row alone, which has no primary-key liveness of its own.
        if (missingCk.length === ck.length && !wrote("regular") && wrote("static")) return [{ key, rows: { [STATIC_ROW]: row("static", []) } }];
        throw invalid(`Some clustering keys are missing: ${missingCk.join(", ")}`);
      }
      for (const c of [...pk, ...ck]) if (given.get(c.name) === null) throw invalid(`Invalid null value in condition for column ${c.name}`);
      const ckValues = ck.map((c) => given.get(c.name)!);
      const rows: Record<string, Row> = { [keyString(ckValues)]: row("regular", ckValues, marker) };
      if (wrote("static")) rows[STATIC_ROW] = row("static", []);
      return [{ key, rows }];
    }
    const where = this.keyRestrictions(t, s.where, false);
    if (where.partitionKeys.length === 0) throw invalid(`Some partition key parts are missing: ${pk.map((c) => c.name).join(", ")}`);
    // The rows named: every combination of the clustering columns' = and IN values.
    const full = where.clusteringPrefix === ck.length && where.ranges.length === 0;
    const missing = () => `Some clustering keys are missing: ${ck.slice(where.clusteringPrefix).map((c) => c.name).join(", ")}`;
    const rowsOf = (row: (ck: Value[]) => Row): Record<string, Row> => Object.fromEntries(where.clusterings.map((ckValues) => [keyString(ckValues), row(ckValues)]));
    // Cells of static columns go to the partition's static row; a statement setting only those names no row.
    const split = (what: string): Partition[] => {
      if (!wrote("regular") && wrote("static") && ck.length > 0) {
        if (where.clusteringPrefix > 0 || where.ranges.length > 0) throw invalid(`Invalid restrictions on clustering columns since the ${what} statement modifies only static columns`);
        return where.partitionKeys.map((key) => ({ key, rows: { [STATIC_ROW]: row("static", []) } }));
      }
      if (!full) throw invalid(ck.length > 0 ? missing() : "Invalid restrictions");
      return where.partitionKeys.map((key) => {
        const rows = rowsOf((ckValues) => row("regular", ckValues));
        return { key, rows: wrote("static") ? { ...rows, [STATIC_ROW]: row("static", []) } : rows };
      });
    };
    const column = (name: string) => {
      const c = byName.get(name);
      if (c === undefined) throw invalid(`Undefined column name ${name}`);
      return c;
    };
    if (s.kind === "update") {
      for (const a of s.set) {
        const c = column(a.column);
        if (isKeyColumn(c)) throw invalid(`PRIMARY KEY part ${a.column} found in SET part`);
        const collection = collectionType(c);
        if (a.key !== undefined && collection === undefined) throw invalid(`Invalid operation (${c.name}[?] = ?) for non collection column ${c.name}`);
        if (c.type === "counter") {
          // The cell carries the delta; the leader replica turns it into its shard.
          put(c, { cells: { [c.name]: counterUpdate(counterDelta(c, a), ts) } });
        } else if (collection === undefined) {
          // Operation.Addition types its term before it looks at the column; Substraction after.
          if (a.op === "add" || a.op === "prepend") literalValue(c.type as CqlType, a.value, a.column);
          if (a.op === "prepend") throw invalid(`Invalid operation (${c.name} = ${literalText(a.value)} - ${c.name}) for non list column ${c.name}`);
          if (a.op !== undefined) throw invalid(`Invalid operation (${c.name} = ${c.name} ${a.op === "remove" ? "-" : "+"} ${literalText(a.value)}) for non counter column ${c.name}`);
          put(c, { cells: { [c.name]: cell(literalValue(c.type as CqlType, a.value, a.column)) } });
        } else if (a.key !== undefined) put(c, setElement(c, collection, a.key, a.value, ts, expiring));
        else if (a.op !== undefined) put(c, updateCollection(c, collection, a.op, a.value, ts, expiring, listKeys));
        else put(c, assignCollection(c, collection, a.value, ts, expiring, listKeys));
      }
      return split("UPDATE");
    }
    // DELETE: columns → cell tombstones (a collection's: its tombstone); full key → row deletion; partition key only → partition deletion.
    if (s.columns.length > 0 || s.elements.length > 0) {
      for (const name of s.columns) {
        const c = column(name);
        if (isKeyColumn(c)) throw invalid(`Invalid identifier ${name} for deletion (should not be a PRIMARY KEY part)`);
        put(c, collectionType(c) === undefined ? { cells: { [name]: { v: null, ts, tomb: true } } } : { cells: {}, cdel: ts });
      }
      for (const e of s.elements) {
        const c = column(e.column);
        const collection = collectionType(c);
        if (collection === undefined) throw invalid(`Invalid operation (DELETE ${c.name}[?]) for non collection column ${c.name}`);
        put(c, deleteElement(c, collection, e.key, ts));
      }
      return split("DELETE");
    }
    if (where.clusteringPrefix === 0 && where.ranges.length === 0) return where.partitionKeys.map((key) => ({ key, del: ts, rows: {} }));
    if (!full) throw invalid("Range deletions are not modelled by ksim");
    return where.partitionKeys.map((key) => ({ key, rows: rowsOf((ckValues) => ({ ck: ckValues, del: ts, cells: {} })) }));
  }

  /**
   * Attributes.getTimeToLive: the statement's TTL, else the table's default_time_to_live; 0 is
   * none. An expiry past 2038 (localDeletionTime is a signed 32-bit second) is refused, as 3.11.2's
   * default expiration_date_overflow_policy, REJECT, does (CASSANDRA-14092).
   */
  private timeToLive(t: TableDef, given: number | undefined): number {
    if (given !== undefined) {
      if (given < 0) throw invalid(`A TTL must be greater or equal to 0, but was ${given}`);
      if (given > MAX_TTL) throw invalid(`ttl is too large. requested (${given}) maximum (${MAX_TTL})`);
    }
    const ttl = given ?? tableParams(t).defaultTimeToLive;
    if (ttl > 0 && this.env.nowSeconds() + ttl > MAX_DELETION_SECOND) {
      throw invalid(
        `Request on table ${t.keyspace}.${t.name} with ${given === undefined ? "default " : ""}ttl of ${ttl} seconds exceeds maximum supported expiration date of 2038-01-19T03:14:06+00:00. ` +
          "In order to avoid this use a lower TTL, change the expiration date overflow policy or upgrade to a version where this limitation is fixed. See CASSANDRA-14092 for more details.",
      );
    }
    return ttl;
  }

  /**
   * Splits WHERE into partition keys (the cartesian product of = and IN on every partition key
   * column), a clustering prefix, and everything else (filters).
   */
  private keyRestrictions(
    t: TableDef,
    where: readonly Relation[],
    allowFiltering: boolean,
  ): KeyRestrictions {
    const pk = partitionKeyColumns(t);
    const ck = clusteringColumns(t);
    const byName = columnsByName(t);
    const rel = new Map<string, Relation[]>();
    for (const r of where) {
      const c = byName.get(r.column);
      if (c === undefined) throw invalid(`Undefined column name ${r.column}`);
      const list = rel.get(r.column) ?? [];
      list.push(r);
      rel.set(r.column, list);
    }
    const values = (c: ColumnDef, r: Relation) => r.values.map((l: Literal) => {
      if (typeof c.type !== "string") throw invalid(`Collection column '${c.name}' (${columnTypeName(c.type)}) cannot be restricted by a '${r.op}' relation`);
      const v = literalValue(c.type, l, c.name);
      if (v === null) throw invalid(`Invalid null value in condition for column ${c.name}`);
      return v;
    });
    let partitionKeys: Value[][] = [];
    let partitionIn = false;
    const restrictedPk = pk.filter((c) => rel.has(c.name));
    if (restrictedPk.length > 0) {
      if (restrictedPk.length < pk.length) {
        const missing = pk.filter((c) => !rel.has(c.name)).map((c) => c.name);
        if (!allowFiltering) throw invalid(`Partition key parts: ${missing.join(", ")} must be restricted as other parts are`);
      } else {
        partitionKeys = [[]];
        for (const c of pk) {
          const rs = rel.get(c.name)!;
          if (rs.length !== 1 || (rs[0]!.op !== "=" && rs[0]!.op !== "IN")) throw invalid(`Only EQ and IN relation are supported on the partition key (unless you use the token() function)`);
          const vs = values(c, rs[0]!);
          // An IN of one value is an EQ.
          if (vs.length > 1) partitionIn = true;
          const product: Value[][] = [];
          for (const prefix of partitionKeys) for (const v of vs) product.push(prefix.concat([v]));
          partitionKeys = product;
        }
        // MultiCBuilder: the keys as a set sorted by the partition key's types, which is the order they are read in.
        partitionKeys = [...new Map(partitionKeys.map((k) => [keyString(k), k])).values()].sort((a, b) => {
          for (let i = 0; i < pk.length; i++) {
            const d = compareValues(keyType(pk[i]!), a[i]!, b[i]!);
            if (d !== 0) return d;
          }
          return 0;
        });
      }
    }
    let clusterings: Value[][] = [[]];
    let clusteringPrefix = 0;
    const ranges: { column: ColumnDef; op: Relation["op"]; value: Value }[] = [];
    for (const c of ck) {
      const rs = rel.get(c.name);
      if (rs === undefined) break;
      if (rs.length === 1 && (rs[0]!.op === "=" || rs[0]!.op === "IN")) {
        const vs = values(c, rs[0]!);
        clusterings = clusterings.flatMap((prefix) => vs.map((v) => [...prefix, v]));
        clusteringPrefix++;
        continue;
      }
      for (const r of rs) ranges.push({ column: c, op: r.op, value: values(c, r)[0]! });
      break;
    }
    const used = new Set([...pk.map((c) => c.name), ...ck.slice(0, clusteringPrefix).map((c) => c.name), ...ranges.map((x) => x.column.name)]);
    const filters: { column: ColumnDef; op: Relation["op"]; values: Value[] }[] = [];
    for (const [name, rs] of rel) {
      if (used.has(name)) continue;
      const c = byName.get(name)!;
      if (!allowFiltering) {
        throw invalid(
          "Cannot execute this query as it might involve data filtering and thus may have unpredictable performance. If you want to execute this query despite the performance unpredictability, use ALLOW FILTERING",
        );
      }
      for (const r of rs) filters.push({ column: c, op: r.op, values: values(c, r) });
    }
    if (restrictedPk.length > 0 && restrictedPk.length < pk.length) {
      for (const c of restrictedPk) for (const r of rel.get(c.name)!) filters.push({ column: c, op: r.op, values: values(c, r) });
    }
    return { partitionKeys, partitionIn, clusteringPrefix, clusterings, ranges, filters };
  }

  // ---- reads ----------------------------------------------------------------------------

  private select(session: Session, s: Extract<Statement, { kind: "select" }>, cl: ConsistencyLevel, pageSize: number, done: Done): void {
    const ksName = s.keyspace ?? session.keyspace;
    if (ksName === undefined) throw invalid("No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename");
    const virtual = this.env.virtualTable(ksName, s.table);
    if (virtual !== undefined) return done(this.selectVirtual(virtual, s));
    const { ks, t } = this.resolveTable(session, s.keyspace, s.table);
    const where = this.keyRestrictions(t, s.where, s.allowFiltering);
    if (where.partitionKeys.length === 0 && where.filters.length === 0 && (where.clusteringPrefix > 0 || where.ranges.length > 0) && !s.allowFiltering) {
      throw invalid(
        "Cannot execute this query as it might involve data filtering and thus may have unpredictable performance. If you want to execute this query despite the performance unpredictability, use ALLOW FILTERING",
      );
    }
    const plan = planSelect(t, s, where);
    // #6722: rows sorted after the read cannot be paged.
    if (pageSize > 0 && plan.mergePartitions) {
      throw invalid(
        "Cannot page queries with both ORDER BY and a IN restriction on the partition key; you must either remove the ORDER BY or the IN and sort client side, or disable paging for this query",
      );
    }
    const chances = { global: t.readRepairChance, dcLocal: t.dclocalReadRepairChance };
    // ReadCommand.nowInSec: the coordinator's clock when the read begins judges what has expired.
    const nowSec = this.env.nowSeconds();
    const finish = (partitions: readonly Partition[]) => done(selectResult(t, plan, partitions, where, nowSec, (key) => this.env.tokenFor(t, key)));
    if (cl === "SERIAL" || cl === "LOCAL_SERIAL") {
      // readWithPaxos: finish any round in flight for the partition, then read it at QUORUM.
      if (where.partitionKeys.length !== 1) throw invalid("SERIAL/LOCAL_SERIAL consistency may only be requested for one partition at a time");
      const key = where.partitionKeys[0]!;
      const token = this.env.tokenFor(t, key);
      const target: PaxosTarget = { key: { rowKey: keyString(key), tableId: t.id, keyspace: ks.name, table: t.name }, token, strategy: ks.replication };
      const fetchCl = cl === "LOCAL_SERIAL" ? "LOCAL_QUORUM" : "QUORUM";
      this.env.paxos.serialRead(target, cl, (error) => {
        if (error !== undefined) return done(fromCoordinator(error));
        this.readPartitions(ks, t, [key], fetchCl, chances, finish, done);
      });
      return;
    }
    if (where.partitionKeys.length > 0) {
      this.readPartitions(ks, t, where.partitionKeys, cl, chances, finish, done);
    } else {
      this.readRanges(ks, t, cl, chances, finish, done);
    }
  }

  private readPartitions(
    ks: KeyspaceDef,
    t: TableDef,
    keys: readonly Value[][],
    cl: ConsistencyLevel,
    chances: { global: number; dcLocal: number },
    finish: (p: readonly Partition[]) => void,
    done: Done,
  ): void {
    const out: Partition[] = [];
    let left = keys.length;
    let failed = false;
    for (const key of keys) {
      const cmd: ReadCommand = { keyspace: ks.name, table: t.name, tableId: t.id, kind: "partition", key };
      this.env.proxy.read(cmd, this.env.tokenFor(t, key), ks.replication, cl, chances, (o) => {
        if (failed) return;
        if (!o.ok) {
          failed = true;
          return done(fromCoordinator(o.error));
        }
        out.push(...o.partitions);
        if (--left === 0) finish(out);
      });
    }
  }

  /** A whole-table scan: the ring's ranges grouped by replica set, each group read at `cl`. */
  private readRanges(
    ks: KeyspaceDef,
    t: TableDef,
    cl: ConsistencyLevel,
    chances: { global: number; dcLocal: number },
    finish: (p: readonly Partition[]) => void,
    done: Done,
  ): void {
    const ring = this.env.ring();
    if (ring.size === 0) return done(errorResult(ErrorCode.UNAVAILABLE, `Cannot achieve consistency level ${cl}`));
    const groups = new Map<string, { token: Token; ranges: [Token, Token][] }>();
    for (let i = 0; i < ring.sorted.length; i++) {
      const right = ring.sorted[i]!;
      const left = ring.sorted[(i - 1 + ring.sorted.length) % ring.sorted.length]!;
      const eps = ring.naturalEndpoints(right, ks.replication);
      const key = [...eps].sort().join(",");
      let g = groups.get(key);
      if (g === undefined) groups.set(key, (g = { token: right, ranges: [] }));
      g.ranges.push(ring.sorted.length === 1 ? [right, right] : [left, right]);
    }
    const out: Partition[] = [];
    let left = groups.size;
    let failed = false;
    for (const g of groups.values()) {
      const cmd: ReadCommand = { keyspace: ks.name, table: t.name, tableId: t.id, kind: "range", ranges: g.ranges };
      this.env.proxy.read(cmd, g.token, ks.replication, cl, chances, (o) => {
        if (failed) return;
        if (!o.ok) {
          failed = true;
          return done(fromCoordinator(o.error));
        }
        out.push(...o.partitions);
        if (--left === 0) finish(out);
      });
    }
  }

  private selectVirtual(v: VirtualTable, s: Extract<Statement, { kind: "select" }>): QueryResult {
    const rows = v.rows.filter((r) => s.where.every((w) => w.op === "=" && literalMatches(r[w.column], w.values[0]!)));
    if (s.selectors !== "*" && s.selectors.length === 1 && s.selectors[0]!.kind === "count_rows") return { kind: "ROWS", columns: [{ name: "count", type: "bigint" }], rows: [[BigInt(rows.length)]] };
    const names =
      s.selectors === "*"
        ? v.columns.map((c) => c.name)
        : s.selectors.map((x) => {
            if (x.kind !== "column") throw invalid("ksim answers only plain columns and count(*) from system tables");
            return x.name;
          });
    const specs = names.map((n) => {
      const c = v.columns.find((x) => x.name === n);
      if (c === undefined) throw invalid(`Undefined column name ${n}`);
      return c;
    });
    return { kind: "ROWS", columns: specs, rows: rows.map((r) => names.map((n) => r[n] ?? null)) };
  }
}

const LONG_MIN = -(2n ** 63n);

/**
 * Operation.SetValue, Addition and Substraction on a counter column: the increment, typed as
 * Constants.Literal types it (the term first, except for a subtraction) and negated for `-`.
 */
function counterDelta(c: ColumnDef, a: Assignment): bigint {
  const typed = (): bigint => {
    if (a.value.kind === "null") throw invalid("Invalid null value for counter increment/decrement");
    return literalValue("counter", a.value, a.column) as bigint;
  };
  if (a.op === "remove") {
    const delta = typed();
    if (delta === LONG_MIN) throw invalid(`The negation of ${delta} overflows supported counter precision (signed 8 bytes integer)`);
    return -delta;
  }
  const delta = typed();
  if (a.op === undefined) throw invalid(`Cannot set the value of counter column ${c.name} (counters can only be incremented/decremented, not set)`);
  if (a.op === "prepend") throw invalid(`Invalid operation (${c.name} = ${literalText(a.value)} - ${c.name}) for non list column ${c.name}`);
  return delta;
}

/** The prepare-time rules for a statement on a counter table (UpdateStatement.ParsedInsert, ModificationStatement's constructor). */
function counterPrepareChecks(t: TableDef, s: ModificationStatement): void {
  if (!isCounterTable(t)) return;
  if (s.kind === "insert") throw invalid("INSERT statements are not allowed on counter tables, use UPDATE instead");
  if (!isConditional(s)) return;
  if (s.timestamp !== undefined) throw invalid("Cannot provide custom timestamp for conditional updates");
  throw invalid("Conditional updates are not supported on counter tables");
}

/** ModificationStatement.validate for a counter table: shards are merged by their clocks, not timestamps, and never expire. */
function counterValidate(t: TableDef, s: ModificationStatement): void {
  if (!isCounterTable(t)) return;
  if (s.timestamp !== undefined) throw invalid("Cannot provide custom timestamp for counter updates");
  if (s.kind === "update" && s.ttl !== undefined) throw invalid("Cannot provide custom TTL for counter updates");
}

function isConditional(s: ModificationStatement): boolean {
  return s.kind === "insert" ? s.ifNotExists : s.ifCondition !== undefined;
}

/**
 * PartitionUpdate.dataSize, what batch_size_warn_threshold is measured in: per row its
 * clustering values, per cell 16 bytes (timestamp, TTL, local deletion time) and its value.
 */
function updateDataSize(t: TableDef, p: Partition): number {
  const ck = clusteringColumns(t);
  const byName = columnsByName(t);
  let size = 0;
  for (const row of Object.values(p.rows)) {
    row.ck.forEach((v, i) => (size += v === null ? 0 : serialize(keyType(ck[i]!), v).length));
    for (const [name, cell] of Object.entries(row.cells)) {
      // A collection element also counts its key (CellPath): a set's element, a map's key, a list's time UUID.
      const type = byName.get(cellColumn(name))!.type;
      const valueType = typeof type === "string" ? type : type.of;
      size += 16 + (cell.tomb || cell.v === null ? 0 : serialize(valueType, cell.v).length);
      if (typeof type !== "string" && cell.k !== undefined && cell.k !== null) size += serialize(type.kind === "list" ? "timeuuid" : type.kind === "map" ? type.key : type.of, cell.k).length;
    }
  }
  return size;
}

/** A HashSet<String> of "ks.table" as Java prints it. */
function tableNames(updates: Iterable<{ ks: KeyspaceDef; t: TableDef }>): string {
  const names = [...new Set([...updates].map((u) => `${u.ks.name}.${u.t.name}`))];
  return `[${javaHashMapOrder(names, stringHash).join(", ")}]`;
}


/** What a conditional statement requires of its row (CQL3CasRequest's RowCondition). */
type RowCondition =
  | { readonly kind: "not_exists" | "exists"; readonly columns: readonly [] }
  | { readonly kind: "columns"; readonly columns: readonly { readonly column: ColumnDef; readonly condition: Condition; readonly values: readonly Value[] }[] };

/** Two rows of one partition in the table's clustering order. */
function compareClustering(t: TableDef, a: Record<string, Value | CollectionValue>, b: Record<string, Value | CollectionValue>): number {
  for (const c of clusteringColumns(t)) {
    const d = compareValues(keyType(c), (a[c.name] ?? null) as Value, (b[c.name] ?? null) as Value);
    if (d !== 0) return c.order === "desc" ? -d : d;
  }
  return 0;
}


function literalMatches(v: ResultValue | undefined, lit: Literal): boolean {
  if (v === undefined || v === null) return lit.kind === "null";
  return "text" in lit && String(v) === lit.text;
}


/**
 * ColumnCondition's comparison of a cell (null when the row or the cell is missing): `=` and `!=`
 * take null as a value, the orderings are false on a missing cell, IN holds if any value is equal.
 */
function conditionHolds(column: ColumnDef, op: Condition["op"], values: readonly Value[], cell: Value): boolean {
  const type = scalarType(column, "IF conditions");
  const equal = (v: Value) => (v === null || cell === null ? v === cell : compareValues(type, cell, v) === 0);
  switch (op) {
    case "=":
      return equal(values[0]!);
    case "!=":
      return !equal(values[0]!);
    case "IN":
      return values.some(equal);
  }
  if (cell === null) return false;
  const c = compareValues(type, cell, values[0]!);
  return op === "<" ? c < 0 : op === "<=" ? c <= 0 : op === ">" ? c > 0 : c >= 0;
}
