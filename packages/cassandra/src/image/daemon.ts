import type { Connection, Listener, Proc, Timer } from "@ksim/sim";
import { FsError, wait } from "@ksim/sim";
import { dieOfIoError, isEnvironmentIoError, SIGNALS, type ProcessContext } from "@ksim/kube";
import type { AdminRequest, AdminResponse, ProgressNotification } from "../core/admin.js";
import { formatLogLine, type LogEvent } from "../core/log.js";
import type { Envelope } from "../core/messages.js";
import { CassandraNode } from "../core/node.js";
import type { DiskOp, Effect, NodeConfig } from "../core/node-io.js";
import type { ClientRequest } from "../core/protocol.js";
import { parseCassandraYaml, parseProperties } from "./config-files.js";
import { adminDiskView, clearSnapshots, readPersisted } from "./data-dirs.js";
import { OutboundPools } from "./outbound-pools.js";
import { CASSANDRA_HOME, JMX_PORT, NATIVE_PORT, STORAGE_PORT } from "./paths.js";
import { resolveHost } from "./resolve.js";

/**
 * The Cassandra JVM (org.apache.cassandra.service.CassandraDaemon) as a process: reads
 * cassandra.yaml and friends, hosts a CassandraNode and carries out its effects — internode
 * connections on 7000, the native transport on 9042, JMX on 7199 for nodetool, timers, the data
 * volume, and system.log lines on stdout.
 */

/** A JMX request as nodetool sends it over the socket, and the answer. */
export interface JmxRequest {
  readonly id: number;
  readonly request: AdminRequest;
}
/** The answer to a call, or a notification while it runs. */
export type JmxResponse = { readonly id: number; readonly response: AdminResponse } | { readonly id: number; readonly notification: ProgressNotification };

function sizeMb(s: string | undefined, dflt: number): number {
  const m = /^(\d+)([MGmg])?$/.exec(s ?? "");
  if (m === null) return dflt;
  return Number(m[1]) * (m[2]?.toUpperCase() === "G" ? 1024 : 1);
}

function log(ctx: ProcessContext, wall: number, e: LogEvent): void {
  ctx.stdout.write(formatLogLine(e, wall) + "\n");
}

/** Reads the configuration the way DatabaseDescriptor and the snitch do. */
function loadConfig(ctx: ProcessContext, props: ReadonlyMap<string, string>, wall: number): NodeConfig {
  const yaml = parseCassandraYaml(ctx.fs.readText("/etc/cassandra/cassandra.yaml"));
  const v = (k: string) => yaml.values.get(k);
  const num = (k: string, d: number) => (v(k) === undefined ? d : Number(v(k)));
  const addressOf = (name: string) => (/^\d+\.\d+\.\d+\.\d+$/.test(name) ? name : name === "localhost" ? "127.0.0.1" : (resolveHost(ctx, name) ?? name));
  const address = addressOf(v("broadcast_address") ?? v("listen_address") ?? "localhost");
  const snitch = v("endpoint_snitch") ?? "SimpleSnitch";
  let dc = "datacenter1";
  let rack = "rack1";
  if (snitch.endsWith("GossipingPropertyFileSnitch")) {
    const p = parseProperties(ctx.fs.readText("/etc/cassandra/cassandra-rackdc.properties"));
    dc = p.get("dc") ?? "UNKNOWN_DC";
    rack = p.get("rack") ?? "UNKNOWN_RACK";
  }
  const seeds: string[] = [];
  for (const s of (yaml.seeds ?? "").split(",").map((x) => x.trim()).filter((x) => x !== "")) {
    const ip = addressOf(s);
    if (/^\d+\.\d+\.\d+\.\d+$/.test(ip)) seeds.push(ip);
    else log(ctx, wall, { level: "WARN", thread: "main", site: "SimpleSeedProvider.java:60", message: `Seed provider couldn't lookup host ${s}` });
  }
  const ringDelay = props.get("cassandra.ring_delay_ms");
  if (ringDelay !== undefined) log(ctx, wall, { level: "INFO", thread: "main", site: "StorageService.java:224", message: `Overriding RING_DELAY to ${ringDelay}ms` });
  return {
    clusterName: v("cluster_name") ?? "Test Cluster",
    hostname: ctx.hostname,
    address,
    rpcAddress: addressOf(v("broadcast_rpc_address") ?? v("rpc_address") ?? "localhost"),
    seeds,
    numTokens: num("num_tokens", 1),
    autoBootstrap: v("auto_bootstrap") !== "false",
    ringDelayMs: ringDelay === undefined ? 30_000 : Number(ringDelay),
    snitch,
    dc,
    rack,
    dataDir: yaml.dataDirs[0] ?? `${CASSANDRA_HOME}/data/data`,
    commitLogDir: v("commitlog_directory") ?? `${CASSANDRA_HOME}/data/commitlog`,
    hintsDir: v("hints_directory") ?? `${CASSANDRA_HOME}/data/hints`,
    commitLogSyncPeriodMs: num("commitlog_sync_period_in_ms", 10_000),
    writeTimeoutMs: num("write_request_timeout_in_ms", 2000),
    counterWriteTimeoutMs: num("counter_write_request_timeout_in_ms", 5000),
    casContentionTimeoutMs: num("cas_contention_timeout_in_ms", 1000),
    readTimeoutMs: num("read_request_timeout_in_ms", 5000),
    rangeTimeoutMs: num("range_request_timeout_in_ms", 10_000),
    rpcTimeoutMs: num("request_timeout_in_ms", 10_000),
    hintedHandoffEnabled: v("hinted_handoff_enabled") !== "false",
    maxHintWindowMs: num("max_hint_window_in_ms", 10_800_000),
    phiConvictThreshold: num("phi_convict_threshold", 8),
    autoSnapshot: v("auto_snapshot") !== "false",
    incrementalBackups: v("incremental_backups") === "true",
    streamThroughputMbits: num("stream_throughput_outbound_megabits_per_sec", 200),
    compactionThroughputMB: num("compaction_throughput_mb_per_sec", 16),
    heapMb: sizeMb(props.get("-Xmx"), 1024),
  };
}

/**
 * Writes a file, creating its directory first unless this process already made sure of it
 * (appends come by the thousand); a directory someone removed since is made again.
 */
function writeInDir(ctx: ProcessContext, path: string, known: Set<string>, write: () => void): void {
  const dir = path.slice(0, path.lastIndexOf("/"));
  if (dir !== "" && !known.has(dir)) {
    if (!ctx.fs.exists(dir)) ctx.fs.mkdir(dir, { recursive: true, mode: 0o755 });
    known.add(dir);
  }
  try {
    write();
  } catch (e) {
    if (!(e instanceof FsError) || e.code !== "ENOENT" || !known.delete(dir)) throw e;
    writeInDir(ctx, path, known, write);
  }
}

function disk(ctx: ProcessContext, op: DiskOp, dirs: Set<string>): void {
  switch (op.op) {
    case "append":
      writeInDir(ctx, op.path, dirs, () => ctx.fs.appendFile(op.path, op.data));
      return;
    case "write":
      writeInDir(ctx, op.path, dirs, () => ctx.fs.writeFile(op.path, op.data));
      return;
    case "fsync":
      if (ctx.fs.exists(op.path)) ctx.fs.fsync(op.path);
      return;
    case "remove":
      if (ctx.fs.exists(op.path)) ctx.fs.unlink(op.path);
      return;
    case "mkdir":
      if (!dirs.has(op.path) && !ctx.fs.exists(op.path)) ctx.fs.mkdir(op.path, { recursive: true, mode: 0o755 });
      dirs.add(op.path);
      return;
    case "link": {
      // A copy stands in for the hard link: neither side is written again. A live file someone
      // removed by hand has nothing to link (Cassandra's link would fail; the snapshot goes without it).
      if (!ctx.fs.exists(op.from)) return;
      const bytes = ctx.fs.readFile(op.from);
      writeInDir(ctx, op.to, dirs, () => ctx.fs.writeFile(op.to, bytes));
      return;
    }
  }
}

const NON_HEAP_KIB = 180 * 1024;

export function* cassandraDaemon(ctx: ProcessContext, props: ReadonlyMap<string, string>): Proc<number> {
  // The machine's own clock (skewed per node by faults): cell timestamps, generations, log times.
  const wallClock = () => ctx.epochMs();
  const now = () => ({ mono: ctx.sim.now, wall: wallClock() });
  let config: NodeConfig;
  try {
    config = loadConfig(ctx, props, wallClock());
  } catch (e) {
    if (!(e instanceof FsError)) throw e;
    ctx.stdout.write(`Exception (org.apache.cassandra.exceptions.ConfigurationException) encountered during startup: ${e.message}\n`);
    return 3;
  }
  // A long-running node fills its heap before the collector reclaims it; outside the heap it holds
  // metaspace, thread stacks (a few hundred threads), the chunk cache and native buffers.
  ctx.stats.residentKiB = config.heapMb * 1024 + NON_HEAP_KIB;
  const node = new CassandraNode(config, ctx.random.fork("cassandra"));
  const timers = new Map<string, Timer>();
  let alive = true;
  const outbound = new Map<string, Connection>();
  const pools = new OutboundPools();
  const inbound = new Set<Connection>();
  const clients = new Map<number, Connection>();
  const jmx = new Map<number, { conn: Connection; id: number }>();
  const dirs = new Set<string>();
  let messaging: Listener | undefined;
  let cql: Listener | undefined;
  let nextClient = 1;
  let nextJmx = 1;

  const step = (input: Parameters<CassandraNode["step"]>[0]) => {
    if (!alive) return;
    try {
      perform(node.step(input, now()));
    } catch (e) {
      // A full or read-only disk under the commit log or an SSTable. What was to follow the failed
      // write (its acknowledgement) is not done. A running node applies its failure policy; one
      // still starting dies of it.
      if (!isEnvironmentIoError(e)) throw e;
      if (!node.service.joined) {
        alive = false;
        dieOfIoError(ctx, e);
        return;
      }
      const failure = { kind: "disk-failure", path: e.path, error: e.message.slice(e.path.length + 2), commitLog: e.path.includes("/commitlog/") } as const;
      ctx.timer(0, () => step(failure));
    }
  };

  const sendTo = (to: string, env: Envelope) => {
    let c = outbound.get(to);
    if (c === undefined || c.state === "closed") {
      const conn = ctx.net.connect(to, STORAGE_PORT, { timeoutMs: config.rpcTimeoutMs });
      outbound.set(to, conn);
      conn.onOpen = () => {
        pools.opened(conn);
        log(ctx, wallClock(), { level: "INFO", thread: `HANDSHAKE-/${to}`, site: "OutboundTcpConnection.java:560", message: `Handshaking version with /${to}` });
      };
      // A dropped connection loses what was queued on it; the next message reconnects.
      conn.onClose = () => {
        pools.closed(conn);
        if (outbound.get(to) === conn) outbound.delete(to);
      };
      conn.onEnd = () => {
        conn.end();
        if (outbound.get(to) === conn) outbound.delete(to);
      };
      c = conn;
    }
    pools.sent(c, env);
    c.send(env);
  };

  const closeAll = (conns: Iterable<Connection>) => {
    for (const c of [...conns]) {
      c.onData = undefined;
      c.onClose = undefined;
      c.onEnd = undefined;
      c.end();
    }
  };

  const service = (which: "messaging" | "cql", up: boolean) => {
    if (which === "messaging") {
      if (up && messaging === undefined) {
        messaging = ctx.net.listen(STORAGE_PORT, (conn) => {
          inbound.add(conn);
          conn.onData = (env) => step({ kind: "message", envelope: env as Envelope });
          conn.onEnd = () => conn.end();
          conn.onClose = () => inbound.delete(conn);
        });
      } else if (!up && messaging !== undefined) {
        messaging.close();
        messaging = undefined;
        closeAll(inbound);
        inbound.clear();
        closeAll(outbound.values());
        outbound.clear();
      }
      return;
    }
    if (up && cql === undefined) {
      cql = ctx.net.listen(NATIVE_PORT, (conn) => {
        const id = nextClient++;
        clients.set(id, conn);
        conn.onData = (req) => step({ kind: "client", conn: id, request: req as ClientRequest });
        const gone = () => {
          if (clients.delete(id)) step({ kind: "client-closed", conn: id });
        };
        conn.onEnd = () => {
          conn.end();
          gone();
        };
        conn.onClose = gone;
      });
    } else if (!up && cql !== undefined) {
      cql.close();
      cql = undefined;
      closeAll(clients.values());
      clients.clear();
    }
  };

  function perform(effects: Effect[]): void {
    for (const e of effects) {
      switch (e.kind) {
        case "send":
          sendTo(e.to, e.envelope);
          break;
        case "timer": {
          ctx.cancelTimer(timers.get(e.key));
          const key = e.key;
          timers.set(
            key,
            ctx.timer(e.ms, () => {
              timers.delete(key);
              step({ kind: "timer", key });
            }),
          );
          break;
        }
        case "cancel":
          ctx.cancelTimer(timers.get(e.key));
          timers.delete(e.key);
          break;
        case "log":
          log(ctx, wallClock(), e.event);
          break;
        case "print":
          ctx.stdout.write(e.text);
          break;
        case "trace":
          ctx.sim.trace.record(e.type, e.data);
          break;
        case "disk":
          disk(ctx, e.op, dirs);
          break;
        case "client":
          clients.get(e.conn)?.send(e.response);
          break;
        case "admin": {
          const j = jmx.get(e.id);
          jmx.delete(e.id);
          j?.conn.send({ id: j.id, response: e.response } satisfies JmxResponse);
          break;
        }
        case "admin-progress": {
          const j = jmx.get(e.id);
          j?.conn.send({ id: j.id, notification: e.event } satisfies JmxResponse);
          break;
        }
        case "service":
          service(e.service, e.up);
          break;
        case "reset-connections": {
          const c = outbound.get(e.to);
          if (c === undefined) break;
          outbound.delete(e.to);
          pools.discard(c);
          closeAll([c]);
          break;
        }
        case "exit":
          ctx.exit(e.status);
          return;
      }
    }
  }

  ctx.onSignal((signal) => step({ kind: "terminate", status: 128 + SIGNALS[signal] }));
  // JMX comes up with the JVM, before the storage service: nodetool connects but sees no ring yet.
  ctx.timer(1000, () => {
    ctx.net.listen(JMX_PORT, (conn) => {
      conn.onData = (msg) => {
        const req = msg as JmxRequest;
        const request = req.request;
        // The MessagingService bean lives with the connections, and clearing snapshots is
        // removing directories: the host answers these itself.
        if (request.op === "messaging") return conn.send({ id: req.id, response: { ok: true, value: pools.view() } } satisfies JmxResponse);
        if (request.op === "clearsnapshot") {
          clearSnapshots(ctx, config.dataDir, request.tag, request.keyspaces);
          return conn.send({ id: req.id, response: { ok: true, value: null } } satisfies JmxResponse);
        }
        const id = nextJmx++;
        jmx.set(id, { conn, id: req.id });
        const disk = adminDiskView(ctx, config.dataDir, request);
        step(disk === undefined ? { kind: "admin", id, request } : { kind: "admin", id, request, disk });
      };
      conn.onEnd = () => conn.end();
    });
  });
  step({ kind: "start", files: readPersisted(ctx, config) });
  return yield* wait(ctx.exited);
}
