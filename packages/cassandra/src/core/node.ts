import type { Random } from "@ksim/sim";
import type { Now } from "./clock.js";
import { BatchlogManager } from "./batchlog-manager.js";
import { counterTotal, type Cell, type Mutation, type Partition, type Row } from "./data.js";
import { Gossiper, type GossipIO } from "./gossip.js";
import { HintDispatcher } from "./hint-dispatcher.js";
import { hintIsLive, HintStore } from "./hints.js";
import { TimeUuidGenerator } from "./java-format.js";
import type { LogEvent } from "./log.js";
import type { Envelope, Payload, ReadCommand, ResponseBody } from "./messages.js";
import { inRange } from "./messages.js";
import type { Effect, Input, NodeConfig } from "./node-io.js";
import type { ClientEventChange, ClientRequest } from "./protocol.js";
import { PaxosState, type Ballot, type Commit, type PaxosKey, type PrepareResponse } from "./paxos.js";
import { PaxosCoordinator, type PaxosHooks } from "./paxos-coordinator.js";
import { digestOf, StorageProxy, type ProxyEnv } from "./proxy.js";
import { QueryExecutor, type QueryEnv, type Session } from "./query.js";
import { TokenMetadata, type Location } from "./ring.js";
import { keyType, partitionKeyColumns, Schema, tableParams, type KeyspaceDef, type SchemaSnapshot, type TableDef } from "./schema.js";
import { tableCql } from "./schema-cql.js";
import { StorageEngine, type DiskIO } from "./storage.js";
import { Membership } from "./membership.js";
import { StorageService } from "./storage-service.js";
import { StageCounters } from "./stats.js";
import { RepairService } from "./repair.js";
import { Streaming, type StreamEnv } from "./streaming.js";
import { SystemKeyspace } from "./system-keyspace.js";
import { PARTITIONER, tokenOf, type Token } from "./token.js";
import { keyString, partitionKeyBytes, type Value } from "./types.js";
import { truncateBlocking, truncateLocal } from "./truncate.js";
import { virtualTable } from "./virtual-tables.js";

const TOKEN_CACHE_SIZE = 4096;

interface Callback {
  readonly onResponse: (from: string, body: ResponseBody) => void;
  readonly expiresAt: number;
  readonly onExpire: (() => void) | undefined;
}

/**
 * One Cassandra node as a state machine: `step(input, now)` returns the effects to carry out.
 * It owns the gossiper, token metadata, schema, storage engine, hints, coordinator and storage
 * service, wires them to each other, and turns their requests into effects: messages, timers,
 * disk operations, log lines, client and JMX replies.
 */
export class CassandraNode implements GossipIO, DiskIO {
  readonly self: string;
  now: Now = { mono: 0, wall: 0 };
  private effects: Effect[] = [];
  readonly gossiper: Gossiper;
  readonly tm: TokenMetadata;
  readonly schema = new Schema();
  readonly storage: StorageEngine;
  readonly system: SystemKeyspace;
  readonly hints: HintStore;
  readonly proxy: StorageProxy;
  readonly paxos: PaxosCoordinator;
  /** The replica's Paxos state (system.paxos). */
  private readonly paxosState: PaxosState;
  readonly batchlog: BatchlogManager;
  /** UUIDGen's clock sequence and node bits: random once per JVM, in every time UUID it makes. */
  readonly clockSeqAndNode: string;
  /** UUIDGen.getTimeUUID: batch ids and now(). */
  private readonly timeUuids: TimeUuidGenerator;
  readonly queries: QueryExecutor;
  readonly streaming: Streaming;
  readonly repair: RepairService;
  readonly service: StorageService;
  readonly membership: Membership;
  readonly hintDispatcher: HintDispatcher;
  private readonly sessions = new Map<number, Session>();
  private readonly registered = new Set<number>();
  private readonly callbacks = new Map<number, Callback>();
  private readonly tokens = new Map<string, Token>();
  private nextMessageId = 1;
  private sweepScheduled = false;
  private lastTimestamp = 0;
  messagingUp = false;
  cqlUp = false;
  /** The mutation stage: stopped by drain, after which replicas drop writes. */
  acceptingWrites = true;
  /** Stream (Mbit/s) and compaction (MB/s) throughput as nodetool set them; 0 is unthrottled. */
  readonly throughput: { streamMbits: number; compactionMB: number };
  /** Tasks each thread pool has completed (nodetool tpstats). */
  readonly stages = new StageCounters();

  constructor(
    readonly config: NodeConfig,
    readonly random: Random,
  ) {
    this.self = config.address;
    this.throughput = { streamMbits: config.streamThroughputMbits, compactionMB: config.compactionThroughputMB };
    this.storage = new StorageEngine(config.dataDir, config.commitLogDir, this, this);
    this.storage.incrementalBackups = config.incrementalBackups;
    this.system = new SystemKeyspace(this.storage);
    this.hints = new HintStore(config.hintsDir, this);
    this.tm = new TokenMetadata((ep) => this.locate(ep));
    this.hintDispatcher = new HintDispatcher(this);
    this.gossiper = new Gossiper(
      {
        clusterName: config.clusterName,
        partitioner: PARTITIONER,
        self: config.address,
        seeds: config.seeds,
        ringDelayMs: config.ringDelayMs,
        phiConvictThreshold: config.phiConvictThreshold,
      },
      random.fork("gossip"),
      this,
    );
    this.gossiper.isRingMember = (ep) => this.tm.isMember(ep);
    const proxyEnv = this.proxyEnv();
    this.proxy = new StorageProxy(proxyEnv);
    this.paxosState = new PaxosState(this.storage);
    this.batchlog = new BatchlogManager(this);
    this.clockSeqAndNode = `${(0x8000 | random.fork("uuid-gen").int(0, 0x3fff)).toString(16)}${random.fork("uuid-node").hex(12)}`;
    this.timeUuids = new TimeUuidGenerator(this.clockSeqAndNode);
    this.paxos = new PaxosCoordinator(proxyEnv, this.paxosHooks());
    this.queries = new QueryExecutor(this.queryEnv());
    this.streaming = new Streaming(this.streamEnv());
    this.repair = new RepairService(this);
    this.service = new StorageService(this);
    this.membership = new Membership(this);
    this.gossiper.register(this.membership);
  }

  /** Feeds one input in; returns what the host must do, in order. */
  step(input: Input, now: Now): Effect[] {
    this.now = now;
    this.effects = [];
    switch (input.kind) {
      case "start":
        this.service.start(input.files);
        break;
      case "timer":
        this.onTimer(input.key);
        break;
      case "message":
        this.onMessage(input.envelope);
        break;
      case "client":
        this.onClient(input.conn, input.request);
        break;
      case "client-closed":
        this.sessions.delete(input.conn);
        this.registered.delete(input.conn);
        break;
      case "admin":
        this.service.admin(input.id, input.request, input.disk);
        break;
      case "terminate":
        this.service.terminate(input.status);
        break;
      case "disk-failure":
        this.service.diskFailure(input.path, input.error, input.commitLog);
        break;
    }
    const out = this.effects;
    this.effects = [];
    return out;
  }

  // ---- effects ------------------------------------------------------------------------------

  emit(e: Effect): void {
    this.effects.push(e);
  }

  log(event: LogEvent): void {
    this.effects.push({ kind: "log", event });
  }

  trace(type: string, data: Record<string, unknown>): void {
    this.effects.push({ kind: "trace", type, data });
  }

  timer(key: string, ms: number): void {
    this.effects.push({ kind: "timer", key, ms });
  }

  cancelTimer(key: string): void {
    this.effects.push({ kind: "cancel", key });
  }

  append(path: string, data: Uint8Array): void {
    this.effects.push({ kind: "disk", op: { op: "append", path, data } });
  }

  write(path: string, data: Uint8Array): void {
    this.effects.push({ kind: "disk", op: { op: "write", path, data } });
  }

  fsync(path: string): void {
    this.effects.push({ kind: "disk", op: { op: "fsync", path } });
  }

  remove(path: string): void {
    this.effects.push({ kind: "disk", op: { op: "remove", path } });
  }

  link(from: string, to: string): void {
    this.effects.push({ kind: "disk", op: { op: "link", from, to } });
  }

  mkdir(path: string): void {
    this.effects.push({ kind: "disk", op: { op: "mkdir", path } });
  }

  /** ClientState.getTimestamp: this node's wall clock in µs, strictly increasing. */
  nextTimestamp(): number {
    const t = Math.max(this.now.wall * 1000, this.lastTimestamp + 1);
    this.lastTimestamp = t;
    return t;
  }

  /**
   * ClientState.getTimestampForPaxos: the clock (or `min`, a ballot seen from another node, if
   * later), after the last timestamp given; a `min` from elsewhere does not move this node's
   * clock (CASSANDRA-11991).
   */
  paxosTimestamp(min: number): number {
    const current = Math.max(this.now.wall * 1000, min);
    const t = this.lastTimestamp >= current ? this.lastTimestamp + 1 : current;
    if (t !== min) this.lastTimestamp = t;
    return t;
  }

  // ---- messaging ------------------------------------------------------------------------------

  send(to: string, payload: Payload): void {
    if (!this.messagingUp || to === this.self) return;
    this.effects.push({ kind: "send", to, envelope: { from: this.self, id: this.nextMessageId++, payload } });
  }

  /** Sends a request; the callback expires after `timeoutMs` (rpc_timeout by default). */
  request(to: string, payload: Payload, onResponse: (from: string, body: ResponseBody) => void, timeoutMs = this.config.rpcTimeoutMs, onExpire?: () => void): number {
    const id = this.nextMessageId++;
    if (!this.messagingUp) return id;
    this.callbacks.set(id, { onResponse, expiresAt: this.now.mono + timeoutMs, onExpire });
    this.effects.push({ kind: "send", to, envelope: { from: this.self, id, payload } });
    if (!this.sweepScheduled) {
      this.sweepScheduled = true;
      this.timer("callbacks", 1000);
    }
    return id;
  }

  dropCallback(id: number): void {
    this.callbacks.delete(id);
  }

  respond(to: string, id: number, body: ResponseBody): void {
    if (!this.messagingUp) return;
    this.effects.push({ kind: "send", to, envelope: { from: this.self, id, payload: { verb: "REQUEST_RESPONSE", body } } });
  }

  /** ExpiringMap's reaper: callbacks nobody answered in time are dropped. */
  private sweepCallbacks(): void {
    this.sweepScheduled = false;
    for (const [id, cb] of [...this.callbacks]) {
      if (cb.expiresAt > this.now.mono) continue;
      this.callbacks.delete(id);
      cb.onExpire?.();
    }
    if (this.callbacks.size > 0) {
      this.sweepScheduled = true;
      this.timer("callbacks", 1000);
    }
  }

  /** GossipIO: the ECHO round trip that must succeed before a node is marked up. */
  echo(to: string): void {
    this.request(to, { verb: "ECHO" }, (from) => this.gossiper.echoReply(from, this.now));
  }

  convicted(to: string): void {
    this.effects.push({ kind: "reset-connections", to });
  }

  private onMessage(env: Envelope): void {
    if (!this.messagingUp) return;
    const p = env.payload;
    const done = this.stages.completed;
    switch (p.verb) {
      case "REQUEST_RESPONSE": {
        // Schema pulls are answered as INTERNAL_RESPONSE and merkle trees as VALIDATION_COMPLETE, each on its own stage.
        if (p.body.kind === "schema") done.InternalResponseStage++;
        else if (p.body.kind === "trees") done.AntiEntropyStage++;
        else done.RequestResponseStage++;
        const cb = this.callbacks.get(env.id);
        if (cb === undefined) return;
        this.callbacks.delete(env.id);
        cb.onResponse(env.from, p.body);
        return;
      }
      case "GOSSIP_DIGEST_SYN":
      case "GOSSIP_DIGEST_ACK":
      case "GOSSIP_DIGEST_ACK2":
      case "GOSSIP_SHUTDOWN":
        done.GossipStage++;
        this.gossiper.receive(env.from, p, this.now);
        return;
      case "ECHO":
        done.GossipStage++;
        this.respond(env.from, env.id, { kind: "ack" });
        return;
      case "HINT": {
        // HintVerbHandler: a hint past its table's gc_grace_seconds is acknowledged and dropped (Hint.apply).
        const t = this.schema.table(p.hint.mutation.keyspace, p.hint.mutation.table);
        if (!this.acceptingWrites || t?.id !== p.hint.mutation.tableId) return;
        if (hintIsLive(p.hint, tableParams(t).gcGraceSeconds, this.now.wall)) this.applyLocal(p.hint.mutation);
        else this.stages.completed.MutationStage++;
        this.respond(env.from, env.id, { kind: "ack" });
        return;
      }
      case "MUTATION":
      case "READ_REPAIR":
        if (!this.acceptingWrites || this.schema.table(p.mutation.keyspace, p.mutation.table)?.id !== p.mutation.tableId) return;
        this.applyLocal(p.mutation);
        this.respond(env.from, env.id, { kind: "ack" });
        return;
      case "COUNTER_MUTATION": {
        if (!this.acceptingWrites) return;
        const t = this.schema.table(p.mutation.keyspace, p.mutation.table);
        if (t?.id !== p.mutation.tableId) return;
        const strategy = this.schema.keyspace(t.keyspace)!.replication;
        this.proxy.counterOnLeader(p.mutation, this.tokenFor(t, p.mutation.partition.key), strategy, p.consistency, (o) => {
          if (o.ok) this.respond(env.from, env.id, { kind: "ack" });
        });
        return;
      }
      case "BATCH_STORE":
        if (!this.acceptingWrites) return;
        this.batchlog.store(p.batch);
        this.respond(env.from, env.id, { kind: "ack" });
        return;
      case "BATCH_REMOVE":
        if (this.acceptingWrites) this.batchlog.remove(p.id);
        return;
      case "PAXOS_PREPARE":
        if (!this.acceptingPaxos(p.key)) return;
        this.respond(env.from, env.id, { kind: "prepare", response: this.paxosPrepare(p.key, p.ballot) });
        return;
      case "PAXOS_PROPOSE":
        if (!this.acceptingPaxos(p.key)) return;
        this.respond(env.from, env.id, { kind: "propose", accepted: this.paxosPropose(p.key, p.proposal) });
        return;
      case "PAXOS_COMMIT":
        if (!this.acceptingPaxos(p.key)) return;
        this.paxosCommit(p.key, p.commit);
        this.respond(env.from, env.id, { kind: "ack" });
        return;
      case "READ": {
        if (this.storage.table(p.command.tableId) === undefined) return;
        const data = this.readLocal(p.command);
        this.respond(env.from, env.id, p.digest ? { kind: "digest", digest: digestOf(data) } : { kind: "data", partitions: data });
        return;
      }
      case "HINTS_TRANSFER":
        for (const h of p.hints) this.hints.add(p.hostId, h);
        this.respond(env.from, env.id, { kind: "ack" });
        return;
      case "DEFINITIONS_UPDATE":
        done.MigrationStage++;
        this.mergeSchema(p.schema);
        return;
      case "MIGRATION_REQUEST":
        done.MigrationStage++;
        this.respond(env.from, env.id, { kind: "schema", schema: this.schema.snapshot() });
        return;
      case "STREAM_REQUEST":
        this.streaming.onRequest(env.from, env.id, p.session, p.description, p.items);
        return;
      case "PREPARE_MESSAGE":
        done.AntiEntropyStage++;
        this.repair.onPrepare(env.from, env.id);
        return;
      case "VALIDATION_REQUEST":
        done.AntiEntropyStage++;
        this.repair.onValidationRequest(env.from, env.id, p.session, p.item);
        return;
      case "SYNC_REQUEST":
        done.AntiEntropyStage++;
        this.repair.onSyncRequest(env.from, env.id, p.session, p.peer, p.item);
        return;
      case "STREAM_DATA":
        this.streaming.onData(env.from, env.id, p.tableId, p.partitions);
        return;
      case "TRUNCATE":
        truncateLocal(this, p.keyspace, p.table);
        this.respond(env.from, env.id, { kind: "ack" });
        return;
    }
  }

  // ---- clients --------------------------------------------------------------------------------

  private onClient(conn: number, req: ClientRequest): void {
    if (!this.cqlUp) return;
    this.stages.completed["Native-Transport-Requests"]++;
    if (req.op === "OPTIONS") {
      this.emit({ kind: "client", conn, response: { stream: req.stream, kind: "SUPPORTED" } });
      return;
    }
    if (req.op === "STARTUP" || req.op === "REGISTER") {
      if (req.op === "REGISTER") this.registered.add(conn);
      this.emit({ kind: "client", conn, response: { stream: req.stream, kind: "READY" } });
      return;
    }
    let session = this.sessions.get(conn);
    if (session === undefined) this.sessions.set(conn, (session = { keyspace: undefined }));
    const stream = req.stream;
    this.queries.execute(
      session,
      req.query,
      req.consistency,
      (r) => {
        if (this.cqlUp) this.emit({ kind: "client", conn, response: { ...r, stream } });
      },
      req.serialConsistency,
      req.pageSize,
    );
  }

  /** Server.EventNotifier's push to registered clients (Membership decides when). */
  notifyClients(endpoint: string, change: ClientEventChange): void {
    if (!this.cqlUp) return;
    const address = this.gossiper.state(endpoint)?.get("RPC_ADDRESS") ?? endpoint;
    for (const conn of this.registered) this.emit({ kind: "client", conn, response: { stream: -1, kind: "EVENT", change, address } });
  }

  // ---- timers ---------------------------------------------------------------------------------

  private onTimer(key: string): void {
    if (key === "callbacks") return this.sweepCallbacks();
    if ((key.startsWith("wr:") || key.startsWith("rd:")) && this.proxy.onTimer(key)) return;
    if (key.startsWith("cas:") && this.paxos.onTimer(key)) return;
    if (key.startsWith("stream:") && this.streaming.onTimer(key)) return;
    if (key.startsWith("repair:") && this.repair.onTimer(key)) return;
    this.service.onTimer(key);
  }

  // ---- local storage --------------------------------------------------------------------------

  /** A mutation runs on the MutationStage, whether a replica's message, a hint, a read repair or the coordinator's own. */
  applyLocal(m: Mutation): void {
    this.stages.completed.MutationStage++;
    this.storage.apply(m, this.now.wall);
  }

  /**
   * CounterMutation.applyCounterMutation on the leader: each delta becomes this node's shard of
   * the counter, counted on from what this node's shard holds, its clock past both the old
   * clock and now. The cells keep the statement's timestamp; deletions pass as they are.
   */
  private counterShards(m: Mutation): Mutation {
    this.stages.completed.CounterMutationStage++;
    const id = this.system.local.hostId ?? this.self;
    const current = this.storage.table(m.tableId)?.read(keyString(m.partition.key));
    const rows: Record<string, Row> = {};
    for (const [rk, row] of Object.entries(m.partition.rows)) {
      const cells: Record<string, Cell> = {};
      for (const [col, cell] of Object.entries(row.cells)) {
        if (cell.tomb) {
          cells[col] = cell;
          continue;
        }
        const [clock, count] = this.localShard(current, rk, col, id) ?? [0, 0n];
        const shard = [Math.max(this.now.wall * 1000, clock + 1), BigInt.asIntN(64, count + counterTotal(cell.cc!))] as const;
        cells[col] = { v: null, ts: cell.ts, cc: { [id]: shard } };
      }
      rows[rk] = { ...row, cells };
    }
    return { ...m, partition: { ...m.partition, rows } };
  }

  /** CounterMutation.getCurrentValues: this node's live shard of a counter cell, if any. */
  private localShard(p: Partition | undefined, rk: string, col: string, id: string): readonly [number, bigint] | undefined {
    const row = p?.rows[rk];
    const cell = row?.cells[col];
    if (cell === undefined || cell.tomb || cell.ts <= Math.max(row!.del ?? -Infinity, p!.del ?? -Infinity)) return undefined;
    return cell.cc?.[id];
  }

  // ---- Paxos, the replica's side: each phase runs on the MutationStage ---------------------

  /** Whether this node takes Paxos messages for the table: it knows it, and drain has not stopped writes. */
  private acceptingPaxos(key: PaxosKey): boolean {
    return this.acceptingWrites && this.schema.table(key.keyspace, key.table)?.id === key.tableId;
  }

  private paxosPrepare(key: PaxosKey, ballot: Ballot): PrepareResponse {
    this.stages.completed.MutationStage++;
    return this.paxosState.prepare(key, ballot, this.now.wall);
  }

  private paxosPropose(key: PaxosKey, proposal: Commit): boolean {
    this.stages.completed.MutationStage++;
    return this.paxosState.propose(key, proposal, this.now.wall);
  }

  /** PaxosState.commit: the update is applied (through the commit log), then recorded as the last commit. */
  private paxosCommit(key: PaxosKey, commit: Commit): void {
    if (commit.update !== undefined) this.applyLocal(commit.update);
    else this.stages.completed.MutationStage++;
    this.paxosState.saveCommit(key, commit, this.now.wall);
  }

  /** A read runs on the ReadStage; a single-partition read is timed by its table's ReadLatency (ranges have their own timer). */
  readLocal(cmd: ReadCommand): Partition[] {
    const t = this.storage.table(cmd.tableId);
    if (t === undefined) return [];
    this.stages.completed.ReadStage++;
    const readable = (k: string) => {
      const p = t.read(k);
      return p === undefined ? undefined : this.storage.forRead(cmd.tableId, p);
    };
    if (cmd.kind === "partition") {
      t.metrics.reads++;
      const p = readable(keyString(cmd.key));
      return p === undefined ? [] : [p];
    }
    const out: Partition[] = [];
    for (const k of t.keys()) {
      const token = t.tokens.get(k)!;
      if (!cmd.ranges.some((r) => inRange(token, r))) continue;
      const p = readable(k);
      if (p !== undefined) out.push(p);
    }
    return out;
  }

  tokenFor(table: TableDef, key: readonly Value[]): Token {
    // Murmur3 over BigInts is dear and clients come back to the same keys: remembered, up to a point.
    const k = `${table.id}\u0002${keyString(key)}`;
    let t = this.tokens.get(k);
    if (t === undefined) {
      t = tokenOf(partitionKeyBytes(partitionKeyColumns(table).map(keyType), key));
      if (this.tokens.size >= TOKEN_CACHE_SIZE) this.tokens.clear();
      this.tokens.set(k, t);
    }
    return t;
  }

  /** Makes the storage engine know every live table (after schema loads and changes). */
  syncTables(): void {
    for (const t of this.schema.tables()) {
      const known = this.storage.table(t.id) !== undefined;
      const ks = this.schema.keyspace(t.keyspace)!;
      this.storage.ensureTable({
        keyspace: t.keyspace,
        table: t.name,
        tableId: t.id,
        durableWrites: ks.durableWrites,
        tokenOf: (k) => this.tokenFor(t, k),
        compactionTimes: () => {
          const nowSec = Math.floor(this.now.wall / 1000);
          return { nowSec, gcBefore: nowSec - tableParams(t).gcGraceSeconds };
        },
      });
      if (!known && this.service.mode !== "STARTING") {
        this.log({ level: "INFO", thread: "MigrationStage:1", site: "ColumnFamilyStore.java:411", message: `Initializing ${t.keyspace}.${t.name}` });
      }
    }
  }

  // ---- schema ---------------------------------------------------------------------------------

  /** A schema change made here: merge, persist, gossip the new version, push to live peers. */
  announceSchema(change: SchemaSnapshot, thread = "Native-Transport-Requests-1"): void {
    for (const k of change.keyspaces) {
      if (!k.dropped) this.log({ level: "INFO", thread, site: "MigrationManager.java:338", message: `Create new Keyspace: ${describeKeyspace(k)}` });
    }
    for (const t of change.tables) {
      if (!t.dropped) this.log({ level: "INFO", thread, site: "MigrationManager.java:376", message: `Create new table: ${t.keyspace}.${t.name}` });
    }
    this.mergeSchema(change);
    for (const ep of this.gossiper.liveMembers()) if (ep !== this.self) this.send(ep, { verb: "DEFINITIONS_UPDATE", schema: change });
  }

  /** Merges definitions learned from anywhere; returns true if the schema changed. */
  mergeSchema(change: SchemaSnapshot): boolean {
    const before = this.schema.tables();
    if (!this.schema.merge(change)) return false;
    this.system.saveSchema(change, this.nextTimestamp(), this.now.wall);
    this.syncTables();
    const live = new Set(this.schema.tables().map((t) => t.id));
    for (const def of before) if (!live.has(def.id)) this.dropTableData(def);
    if (this.gossiper.enabled) this.gossiper.addLocalState("SCHEMA", this.schema.version(), this.now);
    return true;
  }

  /**
   * Schema.dropTable: with auto_snapshot the table is flushed and snapshotted as
   * `dropped-<ms>-<table>` first, then its data files are deleted.
   */
  private dropTableData(def: TableDef): void {
    const t = this.storage.table(def.id);
    if (t === undefined) return;
    if (this.config.autoSnapshot) {
      this.storage.flush(t, "MigrationStage:1");
      this.storage.snapshot(t, `dropped-${this.now.wall}-${def.name}`, `${tableCql(def)}\n`);
    }
    this.storage.drop(t);
  }

  // ---- topology -------------------------------------------------------------------------------

  /** The snitch: this node's own place from its configuration, peers' from gossip. */
  locate(ep: string): Location {
    if (ep === this.self) return { dc: this.config.dc, rack: this.config.rack };
    if (this.config.snitch.endsWith("SimpleSnitch")) return { dc: "datacenter1", rack: "rack1" };
    const st = this.gossiper.state(ep);
    return { dc: st?.get("DC") ?? "UNKNOWN_DC", rack: st?.get("RACK") ?? "UNKNOWN_RACK" };
  }

  // ---- adapters -------------------------------------------------------------------------------

  private proxyEnv(): ProxyEnv {
    const node = this;
    return {
      self: this.self,
      get now() {
        return node.now;
      },
      random: this.random.fork("proxy"),
      localDc: this.config.dc,
      localRack: this.config.rack,
      writeTimeoutMs: this.config.writeTimeoutMs,
      counterWriteTimeoutMs: this.config.counterWriteTimeoutMs,
      counterShards: (m) => this.counterShards(m),
      readTimeoutMs: this.config.readTimeoutMs,
      rangeTimeoutMs: this.config.rangeTimeoutMs,
      ring: () => this.tm.ring(),
      pendingEndpoints: (token, strategy) => this.tm.pendingEndpoints(token, strategy),
      isAlive: (ep) => this.gossiper.isAlive(ep),
      dcOf: (ep) => this.locate(ep).dc,
      shouldHint: (ep) => this.hintDispatcher.shouldHint(ep),
      writeHint: (ep, m) => this.hintDispatcher.writeHint(ep, m),
      request: (to, payload, onResponse) => this.request(to, payload, onResponse),
      dropCallback: (id) => this.dropCallback(id),
      send: (to, payload) => this.send(to, payload),
      storeBatch: (batch) => this.batchlog.store(batch),
      removeBatch: (id) => this.batchlog.remove(id),
      timer: (key, ms) => this.timer(key, ms),
      cancelTimer: (key) => this.cancelTimer(key),
      applyLocal: (m) => this.applyLocal(m),
      readLocal: (cmd) => this.readLocal(cmd),
    };
  }

  private paxosHooks(): PaxosHooks {
    return {
      random: this.random.fork("paxos"),
      casContentionTimeoutMs: this.config.casContentionTimeoutMs,
      send: (to, payload) => this.send(to, payload),
      paxosTimestamp: (min) => this.paxosTimestamp(min),
      prepareLocal: (key, ballot) => this.paxosPrepare(key, ballot),
      proposeLocal: (key, proposal) => this.paxosPropose(key, proposal),
      commitLocal: (key, commit) => this.paxosCommit(key, commit),
    };
  }

  private queryEnv(): QueryEnv {
    const tableIds = this.random.fork("table-ids");
    const uuids = this.random.fork("uuid-function");
    return {
      schema: this.schema,
      proxy: this.proxy,
      paxos: this.paxos,
      nextTimestamp: () => this.nextTimestamp(),
      monotonicMs: () => this.now.mono,
      nowSeconds: () => Math.floor(this.now.wall / 1000),
      timeUuid: () => this.timeUuids.next(this.now.wall),
      randomUuid: () => uuids.uuid(),
      newTableId: () => tableIds.uuid(),
      announceSchema: (change) => this.announceSchema(change),
      ring: () => this.tm.ring(),
      tokenFor: (t, key) => this.tokenFor(t, key),
      virtualTable: (ks, t) => virtualTable(this, ks, t),
      truncate: (ks, t, done) => truncateBlocking(this, ks, t, done),
    };
  }

  private streamEnv(): StreamEnv {
    return {
      self: this.self,
      storage: this.storage,
      log: (e) => this.log(e),
      request: (to, payload, onResponse, timeoutMs, onExpire) => this.request(to, payload, onResponse, timeoutMs, onExpire),
      respond: (to, id, body) => this.respond(to, id, body),
      timer: (key, ms) => this.timer(key, ms),
      streamThroughputMbits: () => this.throughput.streamMbits,
    };
  }
}

function describeKeyspace(k: KeyspaceDef): string {
  const r = k.replication;
  const params =
    r.class === "SimpleStrategy"
      ? `class=org.apache.cassandra.locator.SimpleStrategy, replication_factor=${r.replication_factor}`
      : r.class === "NetworkTopologyStrategy"
        ? `class=org.apache.cassandra.locator.NetworkTopologyStrategy, ${Object.keys(r.dcs).map((dc) => `${dc}=${r.dcs[dc]}`).join(", ")}`
        : "class=org.apache.cassandra.locator.LocalStrategy";
  return `KeyspaceMetadata{name=${k.name}, params=KeyspaceParams{durable_writes=${k.durableWrites}, replication=ReplicationParams{${params}}}, tables=[], views=[], functions=[], types=[]}`;
}
