import type { Random } from "@ksim/sim";
import type { AdminRequest, AdminResponse, NetStatsView, NodeService } from "./admin.js";
import { clusterView, describeRingView, endpointsView, gossipInfoView, infoView, ringView } from "./admin-views.js";
import { compactionStatsView, tableStatsView, tpStatsView } from "./stats.js";
import type { Now } from "./clock.js";
import { Gossiper, type AppState, type WireState } from "./gossip.js";
import { javaDouble, javaHashMapOrder, javaSetString, stringHash } from "./java-format.js";
import { JMX_THREAD as JMX, MAIN, SHUTDOWN_HOOK } from "./log.js";
import type { StreamItem } from "./messages.js";
import type { CassandraNode } from "./node.js";
import { NET_VERSION, RELEASE_VERSION, type AdminDiskView, type PersistedFiles } from "./node-io.js";
import { EMPTY_SCHEMA_VERSION, LOCAL_SYSTEM_KEYSPACES, REPLICATED_SYSTEM_KEYSPACES } from "./schema.js";
import { refresh, snapshotDetails, takeSnapshot } from "./snapshots.js";
import { readSSTable, type SSTableFile } from "./storage.js";
import { LOCAL, PEERS, SCHEMA_KEYSPACES, SCHEMA_TABLES } from "./system-keyspace.js";
import { randomTokens, type Token } from "./token.js";

/**
 * StorageService (3.x): the node's life — startup, the shadow round, gossip, joining the ring
 * (bootstrapping a new non-seed node: BOOT, RING_DELAY, streaming, NORMAL), serving, drain,
 * decommission, removenode — and the JMX operations nodetool calls. Long steps are timers, so
 * the node keeps gossiping and answering while it waits, as the real node's other threads do.
 * Reactions to gossip about endpoints live in Membership.
 */

export type Mode = "STARTING" | "JOINING" | "NORMAL" | "LEAVING" | "DECOMMISSIONED" | "DRAINING" | "DRAINED";

/** LoadBroadcaster.BROADCAST_INTERVAL. */
const LOAD_INTERVAL_MS = 60_000;
/** HintsDispatchTrigger period. */
const HINTS_DISPATCH_MS = 10_000;
/** cassandra.shutdown_announce_in_ms. */
const SHUTDOWN_ANNOUNCE_MS = 2000;

export class StorageService {
  mode: Mode = "STARTING";
  joined = false;
  /** A disk failure policy stopped gossip and CQL (until the node restarts). */
  private transportsStopped = false;
  private files: PersistedFiles | undefined;
  private readonly rnd: Random;
  startedAt = 0;
  generation = 0;
  hostId = "";
  private ringInfoWaitedMs = 0;
  private settle = { polls: 0, okay: 0, size: 0 };
  private bootstrapTokens: Token[] = [];
  private terminating = false;
  private decommissioning = false;

  constructor(private readonly node: CassandraNode) {
    this.rnd = node.random.fork("storage-service");
  }

  private log(level: "INFO" | "WARN" | "ERROR", thread: string, site: string, message: string): void {
    this.node.log({ level, thread, site, message });
  }

  private get now(): Now {
    return this.node.now;
  }

  private setMode(mode: Mode, message: string | undefined, thread: string, log = true): void {
    this.mode = mode;
    if (log) this.log("INFO", thread, "StorageService.java:1478", message === undefined ? mode : `${mode}: ${message}`);
  }

  // ---- startup --------------------------------------------------------------------------------

  /** The JVM started: CassandraDaemon.setup begins; the data files are read after JVM init. */
  start(files: PersistedFiles): void {
    const c = this.node.config;
    this.files = files;
    this.startedAt = this.now.mono;
    this.log("INFO", MAIN, "YamlConfigurationLoader.java:89", "Configuration location: file:/etc/cassandra/cassandra.yaml");
    this.log("INFO", MAIN, "CassandraDaemon.java:471", `Hostname: ${c.hostname}`);
    this.log("INFO", MAIN, "CassandraDaemon.java:478", "JVM vendor/version: OpenJDK 64-Bit Server VM/1.8.0_171");
    this.log("INFO", MAIN, "CassandraDaemon.java:479", `Heap size: ${c.heapMb.toFixed(3)}MiB/${c.heapMb.toFixed(3)}MiB`);
    // JVM start and system keyspace initialisation, on the tutorial's half a CPU.
    this.node.timer("svc:init", this.rnd.int(6000, 9000));
  }

  /** Loads the system keyspace and schema, opens the tables, replays the commit log, starts messaging. */
  private init(): void {
    const node = this.node;
    const c = node.config;
    const files = this.files!;
    this.files = undefined;
    const systemIds = new Set([LOCAL.tableId, PEERS.tableId, SCHEMA_KEYSPACES.tableId, SCHEMA_TABLES.tableId]);
    // A flush cut short (a full disk) leaves a Data.db without its TOC.txt, which is written last:
    // an unfinished SSTable is left out, as its transaction log would have it removed.
    const complete = files.sstables.filter((s) => s.components.some((c) => c.endsWith("TOC.txt")));
    const decoded: { base: string; components: readonly string[]; bytes: number; file: SSTableFile }[] = complete.map((s) => ({
      base: s.base,
      components: s.components,
      bytes: s.bytes,
      file: readSSTable(s.data),
    }));
    for (const s of decoded) if (systemIds.has(s.file.tableId)) node.storage.loadSSTable(s.base, s.components, s.bytes, s.file);
    node.schema.merge(node.system.loadSchema());
    node.syncTables();
    let maxSegment = 0;
    for (const s of decoded) {
      if (!systemIds.has(s.file.tableId)) node.storage.loadSSTable(s.base, s.components, s.bytes, s.file);
      maxSegment = Math.max(maxSegment, s.file.flushedUpTo.segment);
    }
    node.storage.commitLog.skipPast(maxSegment);
    node.storage.replay(files.commitLog, MAIN);
    node.system.load();
    node.hints.load(files.hints);
    const local = node.system.local;
    if (local.clusterName !== undefined && local.clusterName !== c.clusterName) {
      this.log("ERROR", MAIN, "CassandraDaemon.java:708", "Fatal exception during initialization");
      node.emit({
        kind: "print",
        text: `org.apache.cassandra.exceptions.ConfigurationException: Saved cluster name ${local.clusterName} != configured name ${c.clusterName}\n`,
      });
      node.emit({ kind: "exit", status: 100 });
      return;
    }
    if (local.clusterName === undefined) node.system.updateLocal({ clusterName: c.clusterName }, node.nextTimestamp(), true, this.now.wall);
    let hostId = local.hostId;
    if (hostId === undefined) {
      hostId = this.rnd.uuid();
      this.log("WARN", MAIN, "SystemKeyspace.java:1087", `No host ID found, created ${hostId} (Note: This should happen exactly once per node).`);
      node.system.updateLocal({ hostId }, node.nextTimestamp(), true, this.now.wall);
    }
    this.hostId = hostId;
    this.log("INFO", MAIN, "StorageService.java:600", `Cassandra version: ${RELEASE_VERSION}`);
    this.log("INFO", MAIN, "StorageService.java:601", "Thrift API version: 20.1.0");
    this.log("INFO", MAIN, "StorageService.java:602", "CQL supported versions: 3.4.4 (default: 3.4.4)");
    this.log("INFO", MAIN, "StorageService.java:604", "Native protocol supported versions: 3/v3, 4/v4, 5/v5-beta (default: 4/v4)");
    this.log("INFO", MAIN, "MessagingService.java:761", `Starting Messaging Service on /${c.address}:7000 (eth0)`);
    node.messagingUp = true;
    node.emit({ kind: "service", service: "messaging", up: true });
    node.timer("cl-sync", c.commitLogSyncPeriodMs);
    this.log("INFO", MAIN, "StorageService.java:707", "Loading persisted ring state");
    for (const [ep, info] of node.system.peers) {
      if (ep === c.address) {
        node.system.removePeer(ep, node.nextTimestamp(), this.now.wall);
        continue;
      }
      if (info.hostId !== undefined) node.tm.updateHostId(info.hostId, ep);
      node.gossiper.addSavedEndpoint(ep, this.now);
    }
    const peers = [...node.system.peers.keys()];
    if (Gossiper.shadowTargets(node.gossiper.seedList, peers, c.address) > 0) {
      node.gossiper.startShadowRound(peers, this.now);
      node.timer("svc:shadow", 1000);
    } else {
      this.afterShadowRound([]);
    }
  }

  private shouldBootstrap(): boolean {
    const c = this.node.config;
    return c.autoBootstrap && this.node.system.local.bootstrapped !== "COMPLETED" && !c.seeds.includes(c.address);
  }

  private shadowTick(): void {
    const r = this.node.gossiper.shadowTick(this.now);
    if (r === undefined) {
      this.node.timer("svc:shadow", 1000);
      return;
    }
    if (r === "timeout") {
      if (!this.node.config.seeds.includes(this.node.self)) return this.fatal("java.lang.RuntimeException", "Unable to gossip with any seeds");
      this.log("WARN", MAIN, "Gossiper.java:1428", "Unable to gossip with any seeds but continuing since node is in its own seed list");
      return this.afterShadowRound([]);
    }
    this.afterShadowRound(r);
  }

  /** checkForEndpointCollision's verdicts on what the seeds told us, then gossip starts. */
  private afterShadowRound(states: readonly WireState[]): void {
    const self = this.node.self;
    const bootstrapping = this.shouldBootstrap();
    const mine = states.find((s) => s.endpoint === self);
    if (mine !== undefined) {
      const get = (k: AppState) => mine.states.find((s) => s[0] === k)?.[1];
      const status = (get("STATUS") ?? "").split(",")[0]!;
      const dead = ["removing", "removed", "LEFT", "hibernate"].includes(status);
      const safe = dead || (bootstrapping ? !["", "NORMAL", "shutdown"].includes(status) : get("HOST_ID") === this.hostId);
      if (!safe) {
        return this.fatal(
          "java.lang.RuntimeException",
          `A node with address /${self} already exists, cancelling join. Use cassandra.replace_address if you want to replace this node.`,
        );
      }
    }
    if (bootstrapping) {
      for (const s of states) {
        if (s.endpoint === self) continue;
        const status = s.states.find((x) => x[0] === "STATUS")?.[1]?.split(",")[0];
        if (status === "BOOT" || status === "LEAVING" || status === "MOVING") {
          return this.fatal(
            "java.lang.UnsupportedOperationException",
            "Other bootstrapping/leaving/moving nodes detected, cannot bootstrap while cassandra.consistent.rangemovement is true",
          );
        }
      }
    }
    this.startGossip();
  }

  private startGossip(): void {
    const node = this.node;
    const c = node.config;
    this.log("INFO", MAIN, "StorageService.java:723", "Starting up server gossip");
    const nowSeconds = Math.floor(this.now.wall / 1000);
    const stored = node.system.local.generation;
    let generation = nowSeconds;
    if (stored !== undefined && stored + 1 >= nowSeconds) {
      generation = stored + 1;
      this.log(
        "WARN",
        MAIN,
        "SystemKeyspace.java:1062",
        `Using stored Gossip Generation ${generation} as it is greater than current system time ${nowSeconds}.  See CASSANDRA-3654 if you experience problems`,
      );
    }
    this.generation = generation;
    node.system.updateLocal({ generation }, node.nextTimestamp(), true, this.now.wall);
    node.gossiper.start(
      generation,
      [
        ["NET_VERSION", NET_VERSION],
        ["HOST_ID", this.hostId],
        ["RPC_ADDRESS", c.rpcAddress],
        ["RELEASE_VERSION", RELEASE_VERSION],
      ],
      this.now,
    );
    node.gossiper.addLocalState("DC", c.dc, this.now);
    node.gossiper.addLocalState("RACK", c.rack, this.now);
    node.gossiper.addLocalState("SCHEMA", node.schema.version(), this.now);
    node.timer("gossip", 1000);
    node.timer("load", 2000);
    node.timer("hints-dispatch", HINTS_DISPATCH_MS);
    node.timer("hints-flush", 10_000);
    node.timer("batchlog-replay", node.config.ringDelayMs);
    this.joinTokenRing();
  }

  // ---- joining the ring -----------------------------------------------------------------------

  private joinTokenRing(): void {
    const node = this.node;
    const c = node.config;
    this.joined = true;
    const local = node.system.local;
    if (this.shouldBootstrap()) {
      if (local.bootstrapped === "IN_PROGRESS") this.log("WARN", MAIN, "StorageService.java:896", "Detected previous bootstrap failure; retrying");
      else node.system.updateLocal({ bootstrapped: "IN_PROGRESS" }, node.nextTimestamp(), true, this.now.wall);
      this.setMode("JOINING", "waiting for ring information", MAIN);
      this.ringInfoWaitedMs = 0;
      node.timer("svc:ring-info", 1000);
      return;
    }
    let tokens: Token[];
    if (local.tokens !== undefined && local.tokens.length > 0) {
      tokens = local.tokens.map((t) => BigInt(t));
      this.log("INFO", MAIN, "StorageService.java:962", `Using saved tokens ${javaSetString(tokens)}`);
    } else {
      if (c.seeds.includes(c.address)) {
        this.log("INFO", MAIN, "StorageService.java:940", "This node will not auto bootstrap because it is configured to be a seed node.");
      }
      tokens = this.generateTokens();
    }
    this.finishJoiningRing(tokens);
  }

  private generateTokens(): Token[] {
    const tokens = randomTokens(this.rnd, this.node.config.numTokens, (t) => this.node.tm.endpointFor(t) !== undefined);
    this.log("INFO", MAIN, "BootStrapper.java:228", `Generated random tokens. tokens are ${javaSetString(tokens)}`);
    return tokens;
  }

  private ringInfoTick(): void {
    if (this.node.schema.version() === EMPTY_SCHEMA_VERSION && this.ringInfoWaitedMs < this.node.config.ringDelayMs) {
      this.ringInfoWaitedMs += 1000;
      this.node.timer("svc:ring-info", 1000);
      return;
    }
    this.setMode("JOINING", "waiting for schema information to complete", MAIN);
    // MigrationManager.waitUntilReadyForBootstrap, with run.sh's migration_task_wait_in_seconds=1.
    this.node.timer("svc:schema-wait", this.node.membership.migrationsInFlight > 0 ? 1000 : 0);
  }

  private readyToBootstrap(): void {
    const node = this.node;
    this.setMode("JOINING", "schema complete, ready to bootstrap", MAIN);
    this.setMode("JOINING", "waiting for pending range calculation", MAIN);
    this.setMode("JOINING", "calculation complete, ready to bootstrap", MAIN);
    const others = [...node.tm.bootstrappingEndpoints().keys()].filter((e) => e !== node.self);
    if (others.length > 0 || node.tm.leaving().size > 0) {
      return this.fatal(
        "java.lang.UnsupportedOperationException",
        "Other bootstrapping/leaving/moving nodes detected, cannot bootstrap while cassandra.consistent.rangemovement is true",
      );
    }
    if (node.tm.isMember(node.self)) {
      return this.fatal(
        "java.lang.UnsupportedOperationException",
        "This node is already a member of the token ring; bootstrap aborted. (If replacing a dead node, remove the old one from the ring first.)",
      );
    }
    this.setMode("JOINING", "getting bootstrap token", MAIN);
    const tokens = this.generateTokens();
    this.bootstrapTokens = tokens;
    node.system.updateLocal({ tokens: tokens.map(String) }, node.nextTimestamp(), true, this.now.wall);
    node.gossiper.addLocalState("TOKENS", tokens.join(","), this.now);
    node.gossiper.addLocalState("STATUS", `BOOT,${tokens[0]}`, this.now);
    this.setMode("JOINING", `sleeping ${node.config.ringDelayMs} ms for pending range setup`, MAIN);
    node.timer("svc:bootstrap", node.config.ringDelayMs);
  }

  /** After RING_DELAY: stream the ranges this node will own from their current replicas. */
  private bootstrap(): void {
    const node = this.node;
    if (!node.gossiper.seenAnySeed()) return this.fatal("java.lang.IllegalStateException", "Unable to contact any seeds!");
    this.setMode("JOINING", "Starting to bootstrap...", MAIN);
    const tokens = this.bootstrapTokens;
    const ring = node.tm.ring();
    const after = ring.withTokens(node.self, tokens, node.locate(node.self));
    const plan = new Map<string, StreamItem[]>();
    for (const ks of node.schema.keyspaces()) {
      if (ks.replication.class === "LocalStrategy") continue;
      const mine = after.addressRanges(ks.replication).get(node.self) ?? [];
      const perSource = new Map<string, [Token, Token][]>();
      for (const right of mine) {
        const left = after.predecessor(right);
        const current = ring.naturalEndpoints(right, ks.replication);
        if (current.length === 0) continue;
        const future = after.naturalEndpoints(right, ks.replication);
        const losing = current.filter((e) => !future.includes(e));
        let source: string | undefined;
        if (losing.length === 1) {
          source = losing[0]!;
          if (!node.gossiper.isAlive(source)) {
            return this.fatal(
              "java.lang.IllegalStateException",
              `A node required to move the data consistently is down (/${source}). If you wish to move the data from a potentially inconsistent replica, restart the node with -Dcassandra.consistent.rangemovement=false`,
            );
          }
        } else {
          source = current.find((e) => node.gossiper.isAlive(e));
        }
        if (source === undefined) continue;
        const list = perSource.get(source) ?? [];
        list.push([left, right]);
        perSource.set(source, list);
      }
      for (const [source, ranges] of perSource) {
        const items = plan.get(source) ?? [];
        for (const t of node.schema.tables(ks.name)) items.push({ keyspace: ks.name, table: t.name, tableId: t.id, ranges });
        plan.set(source, items);
      }
    }
    const session = this.rnd.uuid();
    this.log("INFO", MAIN, "StreamResultFuture.java:90", `[Stream #${session}] Executing streaming plan for Bootstrap`);
    node.trace("cassandra.bootstrap.streaming", { node: node.self, sources: [...plan.keys()] });
    const sources = [...plan.entries()].filter(([, items]) => items.length > 0);
    let left = sources.length;
    let failed = false;
    const finished = () => {
      if (failed) {
        this.log("ERROR", MAIN, "StorageService.java:1519", "Error while waiting on bootstrap to complete. Bootstrap will have to be restarted.");
        this.log(
          "WARN",
          MAIN,
          "StorageService.java:1011",
          "Some data streaming failed. Use nodetool to check bootstrap state and resume. For more, see `nodetool help bootstrap`. IN_PROGRESS",
        );
        node.trace("cassandra.bootstrap.failed", { node: node.self });
        this.startSettle();
        return;
      }
      this.log("INFO", `StreamReceiveTask:1`, "StreamResultFuture.java:220", `[Stream #${session}] All sessions completed`);
      this.log("INFO", MAIN, "StorageService.java:1505", `Bootstrap completed! for the tokens ${javaSetString(tokens)}`);
      node.trace("cassandra.bootstrap.completed", { node: node.self });
      this.finishJoiningRing(tokens);
    };
    if (left === 0) return finished();
    for (const [source, items] of sources) {
      node.streaming.fetch(source, session, "Bootstrap", items, (ok) => {
        if (!ok) failed = true;
        if (--left === 0) finished();
      });
    }
  }

  private finishJoiningRing(tokens: Token[]): void {
    const node = this.node;
    this.setMode("JOINING", "Finish joining ring", MAIN);
    node.system.updateLocal({ tokens: tokens.map(String), bootstrapped: "COMPLETED" }, node.nextTimestamp(), true, this.now.wall);
    node.tm.updateNormalTokens(tokens, node.self);
    node.gossiper.addLocalState("TOKENS", tokens.join(","), this.now);
    node.gossiper.addLocalState("STATUS", `NORMAL,${tokens[0]}`, this.now);
    this.setMode("NORMAL", undefined, MAIN, false);
    const missing = REPLICATED_SYSTEM_KEYSPACES.filter((k) => node.schema.keyspace(k.name) === undefined);
    if (missing.length > 0) node.announceSchema({ keyspaces: missing, tables: [] }, MAIN);
    this.startSettle();
  }

  /** Gossiper.waitToSettle, then the native transport starts. */
  private startSettle(): void {
    this.log("INFO", MAIN, "Gossiper.java:1780", "Waiting for gossip to settle...");
    this.settle = { polls: 0, okay: 0, size: this.node.gossiper.knownEndpoints().length };
    this.node.timer("svc:settle", 5000);
  }

  private settleTick(): void {
    const size = this.node.gossiper.knownEndpoints().length;
    this.settle.polls++;
    if (size === this.settle.size) this.settle.okay++;
    else {
      this.log("INFO", MAIN, "Gossiper.java:1801", `Gossip not settled after ${this.settle.polls} polls.`);
      this.settle.okay = 0;
    }
    this.settle.size = size;
    if (this.settle.okay < 3) {
      this.node.timer("svc:settle", 1000);
      return;
    }
    if (this.settle.polls > 3) this.log("INFO", MAIN, "Gossiper.java:1808", `Gossip settled after ${this.settle.polls - 3} extra polls; proceeding`);
    else this.log("INFO", MAIN, "Gossiper.java:1811", "No gossip backlog; proceeding");
    this.startNativeTransport();
  }

  private startNativeTransport(): void {
    const node = this.node;
    this.log("INFO", MAIN, "NativeTransportService.java:70", "Netty using native Epoll event loop");
    this.listenForClients(MAIN);
    node.gossiper.addLocalState("RPC_READY", "true", this.now);
    this.log(
      "INFO",
      MAIN,
      "CassandraDaemon.java:493",
      "Not starting RPC server as requested. Use JMX (StorageService->startRPCServer()) or nodetool (enablethrift) to start it",
    );
    node.trace("cassandra.serving", { node: node.self, mode: this.mode });
  }

  /** An exception out of CassandraDaemon.setup: printed, logged, and the JVM exits with 3. */
  private fatal(exception: string, message: string): void {
    this.log("ERROR", MAIN, "CassandraDaemon.java:708", "Exception encountered during startup");
    this.node.emit({ kind: "print", text: `Exception (${exception}) encountered during startup: ${message}\n${exception}: ${message}\n` });
    this.node.trace("cassandra.startup.failed", { node: this.node.self, message });
    this.node.emit({ kind: "exit", status: 3 });
  }

  // ---- timers ---------------------------------------------------------------------------------

  onTimer(key: string): void {
    const node = this.node;
    // A drained node does nothing more, even if it was drained halfway through starting.
    if ((this.mode === "DRAINED" || this.mode === "DRAINING") && key !== "svc:drain-announced") return;
    switch (key) {
      case "svc:init":
        return this.init();
      case "svc:shadow":
        return this.shadowTick();
      case "svc:ring-info":
        return this.ringInfoTick();
      case "svc:schema-wait":
        return this.readyToBootstrap();
      case "svc:bootstrap":
        return this.bootstrap();
      case "svc:settle":
        return this.settleTick();
      case "svc:leave-sleep":
        return this.unbootstrap();
      case "svc:leave-announced":
        return this.finishLeaving();
      case "svc:drain-announced":
        return this.drainRest();
      case "gossip":
        if (!node.gossiper.enabled) return;
        node.gossiper.tick(this.now);
        node.timer("gossip", 1000);
        return;
      case "cl-sync":
        node.storage.commitLog.sync();
        node.timer("cl-sync", node.config.commitLogSyncPeriodMs);
        return;
      case "hints-flush":
        node.hints.flush(this.now.wall);
        node.timer("hints-flush", 10_000);
        return;
      case "batchlog-replay":
        return node.batchlog.scheduledReplay();
      case "hints-dispatch":
        node.hintDispatcher.dispatch();
        node.timer("hints-dispatch", HINTS_DISPATCH_MS);
        return;
      case "load":
        if (!node.gossiper.enabled) return;
        node.gossiper.addLocalState("LOAD", javaDouble(node.storage.load()), this.now);
        node.timer("load", LOAD_INTERVAL_MS);
        return;
    }
    node.membership.onTimer(key);
  }

  // ---- drain, shutdown ------------------------------------------------------------------------

  private drainDone: (() => void)[] = [];
  private drainFinal = false;

  /** StorageService.drain: stop serving, announce, stop messaging, flush everything, recycle the log. */
  private drain(final: boolean, done: () => void): void {
    const node = this.node;
    if (this.mode === "DRAINED" || !node.acceptingWrites) {
      if (!final) this.log("WARN", JMX, "StorageService.java:4359", "Cannot drain node (did it already happen?)");
      done();
      return;
    }
    this.drainDone.push(done);
    if (this.mode === "DRAINING") return;
    this.drainFinal = final;
    const thread = final ? SHUTDOWN_HOOK : JMX;
    this.setMode("DRAINING", "starting drain process", thread, !final);
    node.hintDispatcher.paused = true;
    this.stopNativeTransport(thread);
    node.cancelTimer("svc:settle");
    const announced = node.gossiper.enabled && node.gossiper.stop(this.joined, this.now);
    node.cancelTimer("gossip");
    if (announced) node.timer("svc:drain-announced", SHUTDOWN_ANNOUNCE_MS);
    else this.drainRest();
  }

  private drainRest(): void {
    const node = this.node;
    const final = this.drainFinal;
    const thread = final ? SHUTDOWN_HOOK : JMX;
    this.setMode("DRAINING", "shutting down MessageService", thread, !final);
    node.messagingUp = false;
    node.emit({ kind: "service", service: "messaging", up: false });
    this.setMode("DRAINING", "clearing mutation stage", thread, !final);
    node.acceptingWrites = false;
    this.setMode("DRAINING", "flushing column families", thread, !final);
    node.storage.flushAll(thread);
    node.hints.flush(this.now.wall);
    node.storage.commitLog.recycleAll();
    node.cancelTimer("cl-sync");
    node.cancelTimer("hints-flush");
    node.cancelTimer("hints-dispatch");
    node.cancelTimer("load");
    this.setMode("DRAINED", undefined, thread, !final);
    node.trace("cassandra.drained", { node: node.self });
    const waiting = this.drainDone;
    this.drainDone = [];
    for (const w of waiting) w();
  }

  /** The native transport's server starts accepting CQL connections on 9042. */
  private listenForClients(thread: string): void {
    this.log("INFO", thread, "Server.java:156", "Starting listening for CQL clients on /0.0.0.0:9042 (unencrypted)...");
    this.node.cqlUp = true;
    this.node.stages.nativeTransportStarted = true;
    this.node.emit({ kind: "service", service: "cql", up: true });
  }

  private stopNativeTransport(thread: string): void {
    const node = this.node;
    if (!node.cqlUp) return;
    this.log("INFO", thread, "Server.java:176", "Stop listening for CQL clients");
    node.cqlUp = false;
    node.emit({ kind: "service", service: "cql", up: false });
  }

  /** Gossip says this node was removenode'd: it drains and stays out. */
  drainAfterRemoval(): void {
    this.drain(false, () => {});
  }

  /** SIGTERM: the JVM's shutdown hook drains (unless already drained), then the JVM exits. */
  terminate(status: number): void {
    if (this.terminating) return;
    this.terminating = true;
    this.drain(true, () => this.node.emit({ kind: "exit", status }));
  }

  // ---- decommission -----------------------------------------------------------------------------

  private decommissionReply: number | undefined;

  private decommission(id: number): void {
    const node = this.node;
    const fail = (exception: string, message: string) => this.reply(id, { ok: false, error: { exception, message } });
    if (!node.tm.isMember(node.self)) return fail("java.lang.UnsupportedOperationException", "local node is not a member of the token ring yet");
    if (node.tm.normalEndpoints().filter((e) => e !== node.self && !node.tm.isLeaving(e)).length === 0) {
      return fail("java.lang.UnsupportedOperationException", "no other normal nodes in the ring; decommission would be pointless");
    }
    if (this.mode !== "NORMAL" && this.mode !== "LEAVING") {
      return fail("java.lang.UnsupportedOperationException", `Node in ${this.mode} state; wait for status to become normal or restart`);
    }
    if (this.decommissioning) return fail("java.lang.IllegalStateException", "Node is still decommissioning. Check nodetool netstats.");
    for (const ks of node.schema.keyspaces()) {
      if (ks.replication.class === "LocalStrategy") continue;
      for (const t of node.tm.ring().sorted) {
        if (node.tm.pendingEndpoints(t, ks.replication).includes(node.self)) {
          return fail("java.lang.UnsupportedOperationException", "data is currently moving to this node; unable to leave the ring");
        }
      }
    }
    this.decommissioning = true;
    this.decommissionReply = id;
    const tokens = node.tm.tokens(node.self);
    node.gossiper.addLocalState("STATUS", `LEAVING,${tokens[0]}`, this.now);
    this.setMode("LEAVING", `sleeping ${node.config.ringDelayMs} ms for batch processing and pending range setup`, JMX);
    node.timer("svc:leave-sleep", node.config.ringDelayMs);
  }

  /** Streams this node's ranges to their new replicas, then hands its hints to a peer. */
  private unbootstrap(): void {
    const node = this.node;
    this.setMode("LEAVING", "replaying batch log and streaming data to other nodes", JMX);
    const ring = node.tm.ring();
    const after = ring.without(new Set([node.self]));
    const plan = new Map<string, StreamItem[]>();
    for (const ks of node.schema.keyspaces()) {
      if (ks.replication.class === "LocalStrategy") continue;
      const perTarget = new Map<string, [Token, Token][]>();
      for (const right of ring.addressRanges(ks.replication).get(node.self) ?? []) {
        const left = ring.predecessor(right);
        const current = ring.naturalEndpoints(right, ks.replication);
        for (const ep of after.naturalEndpoints(right, ks.replication)) {
          if (current.includes(ep)) continue;
          const list = perTarget.get(ep) ?? [];
          list.push([left, right]);
          perTarget.set(ep, list);
        }
      }
      for (const [ep, ranges] of perTarget) {
        const items = plan.get(ep) ?? [];
        for (const t of node.schema.tables(ks.name)) items.push({ keyspace: ks.name, table: t.name, tableId: t.id, ranges });
        plan.set(ep, items);
      }
    }
    const session = this.rnd.uuid();
    this.log("INFO", JMX, "StreamResultFuture.java:90", `[Stream #${session}] Executing streaming plan for Unbootstrap`);
    const targets = [...plan.entries()].filter(([, items]) => items.length > 0);
    let left = targets.length;
    let failed = false;
    const streamed = () => {
      if (failed) {
        this.decommissioning = false;
        const id = this.decommissionReply!;
        this.decommissionReply = undefined;
        this.reply(id, { ok: false, error: { exception: "java.lang.RuntimeException", message: "Error while decommissioning node: Stream failed" } });
        return;
      }
      this.setMode("LEAVING", "streaming hints to other nodes", JMX);
      node.hintDispatcher.transfer(() => this.leaveRing());
    };
    if (left === 0) return streamed();
    for (const [ep, items] of targets) {
      node.streaming.push(ep, session, "Unbootstrap", items, (ok) => {
        if (!ok) failed = true;
        if (--left === 0) streamed();
      });
    }
  }

  private leaveRing(): void {
    const node = this.node;
    const tokens = node.tm.tokens(node.self).slice();
    node.system.updateLocal({ bootstrapped: "DECOMMISSIONED" }, node.nextTimestamp(), true, this.now.wall);
    node.tm.removeEndpoint(node.self);
    const expire = this.now.wall + 259_200_000;
    node.gossiper.addLocalState("STATUS", `LEFT,${tokens[0]},${expire}`, this.now);
    const delay = Math.max(node.config.ringDelayMs, 2000);
    this.log("INFO", JMX, "StorageService.java:4106", `Announcing that I have left the ring for ${delay}ms`);
    node.timer("svc:leave-announced", delay);
  }

  private finishLeaving(): void {
    const node = this.node;
    this.stopNativeTransport(JMX);
    node.gossiper.stop(this.joined, this.now);
    node.cancelTimer("gossip");
    node.messagingUp = false;
    node.emit({ kind: "service", service: "messaging", up: false });
    node.acceptingWrites = false;
    this.setMode("DECOMMISSIONED", undefined, JMX);
    node.trace("cassandra.decommissioned", { node: node.self });
    this.decommissioning = false;
    const id = this.decommissionReply!;
    this.decommissionReply = undefined;
    this.reply(id, { ok: true, value: null });
  }

  // ---- removenode -----------------------------------------------------------------------------

  private removeNode(hostId: string): AdminResponse {
    const node = this.node;
    const fail = (message: string): AdminResponse => ({ ok: false, error: { exception: "java.lang.UnsupportedOperationException", message } });
    const ep = node.tm.endpointForHostId(hostId);
    if (ep === undefined) return fail("Host ID not found.");
    if (!node.tm.isMember(ep)) return fail("Node to be removed is not a member of the token ring");
    if (ep === node.self) return fail("Cannot remove self");
    if (node.gossiper.isAlive(ep)) return fail(`Node /${ep} is alive and owns this ID. Use decommission command to remove it from the ring`);
    const expire = this.now.wall + 259_200_000;
    this.log("INFO", JMX, "Gossiper.java:588", `Completing removal of /${ep}`);
    node.gossiper.advertiseRemoved(ep, `removed,${hostId},${expire}`, this.now);
    node.membership.excise(node.tm.tokens(ep).slice(), ep, String(expire));
    return { ok: true, value: null };
  }

  // ---- operator switches ------------------------------------------------------------------------

  /** nodetool disablebinary/enablebinary, disablegossip/enablegossip, disablehandoff/enablehandoff. */
  private switchService(service: NodeService, enable: boolean): AdminResponse {
    const node = this.node;
    switch (service) {
      case "binary":
        if (enable && !node.cqlUp) this.listenForClients(JMX);
        else if (!enable) this.stopNativeTransport(JMX);
        break;
      case "handoff":
        node.hintDispatcher.enabled = enable;
        break;
      case "backup":
        node.storage.incrementalBackups = enable;
        break;
      case "gossip":
        if (enable) this.startGossiping();
        else if (node.gossiper.enabled) {
          if (this.mode !== "NORMAL") {
            return { ok: false, error: { exception: "java.lang.IllegalStateException", message: "Unable to stop gossip because the node is not in the normal state. Try to stop the node instead." } };
          }
          this.stopGossiping(JMX);
        }
        break;
    }
    return { ok: true, value: null };
  }

  /** StorageService.startGossiping: a newer generation, this node's tokens and status again. */
  /** StorageService.stopGossiping, as nodetool disablegossip and stopTransports call it. */
  private stopGossiping(thread: string): void {
    const node = this.node;
    this.log("WARN", thread, "StorageService.java:362", "Stopping gossip by operator request");
    if (node.cqlUp) this.log("WARN", thread, "StorageService.java:366", "Disabling gossip while native transport is still active is unsafe");
    node.gossiper.stop(this.joined, this.now);
  }

  /**
   * A write to disk failed with an IOException (a full disk) while the node runs: the failure
   * policies, both "stop" in the image's cassandra.yaml. For the commit log (commit_failure_policy)
   * the allocator thread dies, so writes wait for ever; for a data directory (disk_failure_policy)
   * the flush fails. Either way StorageService.stopTransports takes the node off gossip and CQL
   * while the JVM stays up. (Before the node has joined, the failure ends the JVM instead,
   * JVMStabilityInspector during start-up: the host lets the process die without asking.)
   */
  diskFailure(path: string, error: string, commitLog: boolean): void {
    const node = this.node;
    if (this.transportsStopped) return;
    this.transportsStopped = true;
    const cause = `org.apache.cassandra.io.FSWriteError: java.io.IOException: ${error}`;
    const jar = `~[apache-cassandra-${RELEASE_VERSION}.jar:${RELEASE_VERSION}]`;
    if (commitLog) {
      node.acceptingWrites = false;
    } else {
      this.log("ERROR", "MemtableFlushWriter:1", "DefaultFSErrorHandler.java:66", `Stopping transports as disk_failure_policy is stop\n${cause}`);
    }
    // stopTransports: gossip first, then the native transport (Thrift's RPC server is off).
    const thread = commitLog ? "COMMIT-LOG-ALLOCATOR" : "MemtableFlushWriter:1";
    if (node.gossiper.enabled) {
      this.log("ERROR", thread, "StorageService.java:437", "Stopping gossiper");
      this.stopGossiping(thread);
    }
    if (node.cqlUp) {
      this.log("ERROR", thread, "StorageService.java:447", "Stopping native transport");
      this.stopNativeTransport(thread);
    }
    if (commitLog) {
      const frames = [
        "org.apache.cassandra.db.commitlog.MemoryMappedSegment.<init>(MemoryMappedSegment.java:47)",
        "org.apache.cassandra.db.commitlog.CommitLogSegment.createSegment(CommitLogSegment.java:124)",
        "org.apache.cassandra.db.commitlog.CommitLogSegmentManagerStandard.createSegment(CommitLogSegmentManagerStandard.java:84)",
        "org.apache.cassandra.db.commitlog.AbstractCommitLogSegmentManager$1.runMayThrow(AbstractCommitLogSegmentManager.java:125)",
      ];
      this.log("ERROR", thread, "CommitLog.java:489", `Failed managing commit log segments. Commit disk failure policy is stop; terminating thread\n${cause}\n${frames.map((f) => `\tat ${f} ${jar}`).join("\n")}`);
    }
    node.trace("cassandra.disk-failure", { node: node.self, path, commitLog });
  }

  private startGossiping(): void {
    const node = this.node;
    if (node.gossiper.enabled) return;
    this.log("WARN", JMX, "StorageService.java:380", "Starting gossip by operator request");
    this.generation = Math.max(this.generation + 1, Math.floor(this.now.wall / 1000));
    node.gossiper.start(this.generation, [], this.now);
    const tokens = node.tm.tokens(node.self);
    if (tokens.length > 0) {
      node.gossiper.addLocalState("TOKENS", tokens.join(","), this.now);
      node.gossiper.addLocalState("STATUS", `NORMAL,${tokens[0]}`, this.now);
    }
    if (node.cqlUp) node.gossiper.addLocalState("RPC_READY", "true", this.now);
    node.timer("gossip", 1000);
    node.timer("load", LOAD_INTERVAL_MS);
  }

  // ---- cleanup ----------------------------------------------------------------------------------

  /** StorageService.forceKeyspaceCleanup: drop from the SSTables what this node no longer replicates. */
  private cleanup(keyspace: string, tables: readonly string[]): AdminResponse {
    const node = this.node;
    const ks = node.schema.keyspace(keyspace);
    const fail = (exception: string, message: string): AdminResponse => ({ ok: false, error: { exception, message } });
    if (ks === undefined) return fail("java.lang.IllegalArgumentException", `Keyspace [${keyspace}] does not exist.`);
    if ((LOCAL_SYSTEM_KEYSPACES as readonly string[]).includes(keyspace)) return fail("java.lang.RuntimeException", "Cleanup of the system keyspace is neither necessary nor wise");
    const ring = node.tm.ring();
    if (ring.sorted.some((t) => node.tm.pendingEndpoints(t, ks.replication).includes(node.self))) {
      return fail("java.lang.RuntimeException", "Node is involved in cluster membership changes. Not safe to run cleanup.");
    }
    const defs = node.schema.tables(keyspace);
    const unknown = tables.find((t) => !defs.some((d) => d.name === t));
    if (unknown !== undefined) return fail("java.lang.IllegalArgumentException", `Unknown keyspace/cf pair (${keyspace}.${unknown})`);
    if (!this.joined) {
      this.log("INFO", JMX, "CompactionManager.java:437", "Cleanup cannot run before a node has joined the ring");
      return { ok: true, value: 1 };
    }
    const owned = (t: Token) => ring.naturalEndpoints(t, ks.replication).includes(node.self);
    for (const d of defs) {
      if (tables.length > 0 && !tables.includes(d.name)) continue;
      const store = node.storage.table(d.id);
      if (store !== undefined) node.storage.cleanup(store, owned, "CompactionExecutor:1", () => this.now.wall);
    }
    return { ok: true, value: 0 };
  }

  // ---- JMX --------------------------------------------------------------------------------------

  private reply(id: number, response: AdminResponse): void {
    this.node.emit({ kind: "admin", id, response });
  }

  admin(id: number, req: AdminRequest, disk: AdminDiskView = { snapshots: [], sstables: [] }): void {
    const node = this.node;
    switch (req.op) {
      case "status":
        return this.reply(id, { ok: true, value: ringView(node, req.keyspace) });
      case "info":
        return this.reply(id, { ok: true, value: infoView(node) });
      case "describecluster":
        return this.reply(id, { ok: true, value: clusterView(node) });
      case "gossipinfo":
        return this.reply(id, { ok: true, value: gossipInfoView(node) });
      case "drain":
        return this.drain(false, () => this.reply(id, { ok: true, value: null }));
      case "decommission":
        return this.decommission(id);
      case "removenode":
        return this.reply(id, this.removeNode(req.hostId));
      case "getendpoints":
        return this.reply(id, endpointsView(node, req.keyspace, req.table, req.key));
      case "version":
        return this.reply(id, { ok: true, value: RELEASE_VERSION });
      case "describering":
        return this.reply(id, { ok: true, value: describeRingView(node, req.keyspace) });
      case "throughput": {
        const key = req.which === "stream" ? "streamMbits" : "compactionMB";
        if (req.value !== undefined) node.throughput[key] = req.value;
        return this.reply(id, { ok: true, value: node.throughput[key] });
      }
      case "snapshot":
        return this.reply(id, takeSnapshot(node, req, disk));
      case "listsnapshots":
        return this.reply(id, { ok: true, value: snapshotDetails(node, disk) });
      case "refresh":
        return this.reply(id, refresh(node, req.keyspace, req.table, disk));
      case "tpstats":
        return this.reply(id, { ok: true, value: tpStatsView(node) });
      case "tablestats":
        return this.reply(id, { ok: true, value: tableStatsView(node, disk) });
      case "compactionstats":
        return this.reply(id, { ok: true, value: compactionStatsView(node) });
      case "netstats":
        return this.reply(id, { ok: true, value: { mode: this.mode, streams: node.streaming.states(), readRepair: { ...node.proxy.readRepair } } satisfies NetStatsView });
      case "keyspaces": {
        const names = node.schema.keyspaces().filter((k) => !req.nonLocalStrategy || k.replication.class !== "LocalStrategy").map((k) => k.name);
        // Schema's keyspace map, in HashMap order (nodetool repair goes through them in this order).
        return this.reply(id, { ok: true, value: javaHashMapOrder(names, stringHash, 32) });
      }
      case "repair":
        return node.repair.start(id, req.keyspace, req.options);
      case "cleanup":
        return this.reply(id, this.cleanup(req.keyspace, req.tables));
      case "service":
        return this.reply(id, this.switchService(req.service, req.enable));
      case "service-status":
        return this.reply(id, { ok: true, value: { binary: node.cqlUp, gossip: node.gossiper.enabled, handoff: node.hintDispatcher.enabled, backup: node.storage.incrementalBackups }[req.service] });
      case "replaybatchlog":
        return node.batchlog.forceReplay(() => this.reply(id, { ok: true, value: null }));
      case "compact": {
        const defs = node.schema.tables(req.keyspace);
        const unknown = req.tables.find((t) => !defs.some((d) => d.name === t));
        if (unknown !== undefined) return this.reply(id, { ok: false, error: { exception: "java.lang.IllegalArgumentException", message: `Unknown keyspace/cf pair (${req.keyspace}.${unknown})` } });
        for (const d of defs) {
          const store = req.tables.length === 0 || req.tables.includes(d.name) ? node.storage.table(d.id) : undefined;
          if (store !== undefined) node.storage.compactAll(store, "CompactionExecutor:1");
        }
        return this.reply(id, { ok: true, value: null });
      }
      case "flush": {
        if (req.keyspace !== undefined && node.schema.keyspaces().every((k) => k.name !== req.keyspace)) {
          return this.reply(id, { ok: false, error: { exception: "java.lang.IllegalArgumentException", message: `Keyspace [${req.keyspace}] does not exist.` } });
        }
        for (const t of node.storage.allTables()) {
          if (req.keyspace !== undefined && t.keyspace !== req.keyspace) continue;
          if (req.tables.length > 0 && !req.tables.includes(t.table)) continue;
          node.storage.flush(t, JMX);
        }
        return this.reply(id, { ok: true, value: null });
      }
    }
  }
}
