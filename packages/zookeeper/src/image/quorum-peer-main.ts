import { SIGNALS, type ProcessContext } from "@ksim/kube";
import { FsError, wait, type Connection, type Proc, type Timer } from "@ksim/sim";
import { QuorumPeer, hex, type ClientPacket, type Effect, type Input, type TimerName } from "../core/index.js";
import { DataDir, ioMessage, StorageError } from "../storage/index.js";
import { ElectionTransport } from "./election-transport.js";
import { fourLetterWord, ServerStats, type CnxnInfo, type CnxnStats } from "./four-letter.js";
import { environment } from "./java-env.js";
import type { Log4j } from "./log4j.js";
import { ConfigError, parseZooCfg, type ZooCfg } from "./zoo-cfg.js";

/** First id of links the leader accepts; the core numbers the follower's own from 1. */
const ACCEPTED_LINKS = 1_000_000;

interface ClientConn {
  readonly id: number;
  readonly conn: Connection;
  readonly remote: string;
  received: number;
  sent: number;
  /** Request arrival (simulated ms) and operation by xid, for latency; the connect request under CONNECT_XID. */
  readonly started: Map<number, { readonly at: number; readonly op: string }>;
  /** ServerCnxn's per-connection statistics, as cons prints them and crst resets them. */
  readonly stats: CnxnStats;
}

/** FinalRequestProcessor's lastOp for each request. */
const OP_NAMES: Readonly<Record<string, string>> = {
  ping: "PING",
  create: "CREA",
  delete: "DELE",
  setData: "SETD",
  closeSession: "CLOS",
  sync: "SYNC",
  exists: "EXIS",
  getData: "GETD",
  getChildren: "GETC",
  getChildren2: "GETC",
  getACL: "GETA",
  setACL: "SETA",
  setWatches: "SETW",
};

/** Where the connect request waits in `started` (xids are never this low). */
const CONNECT_XID = Number.MIN_SAFE_INTEGER;

function freshCnxnStats(established: number): CnxnStats {
  return { established, lastOp: "NA", lastCxid: -1, lastZxid: -1, lastResponseTime: 0, lastLatency: 0, minLatency: Number.POSITIVE_INFINITY, maxLatency: 0, count: 0, totalLatency: 0 };
}

function reasonText(reason: string, host: string): string {
  switch (reason) {
    case "ECONNREFUSED":
      return "java.net.ConnectException: Connection refused (Connection refused)";
    case "ETIMEDOUT":
      return "java.net.SocketTimeoutException: connect timed out";
    case "EHOSTUNREACH":
      return "java.net.NoRouteToHostException: No route to host (Host unreachable)";
    case "unresolved":
      return `java.net.UnknownHostException: ${host}`;
    case "ECONNRESET":
      return "java.net.SocketException: Connection reset";
    default:
      return "java.io.EOFException";
  }
}

/**
 * QuorumPeerMain (or ZooKeeperServerMain when zoo.cfg lists no servers): reads the config and
 * myid, recovers the data directory, opens the client port before anything else (so `ruok`
 * answers while LOOKING), and runs the pure QuorumPeer core, carrying out its effects over the
 * pod's network, timers and volume.
 */
/** zookeeper.fsync.warningthresholdms's default. */
const FSYNC_WARNING_THRESHOLD_MS = 1000;

export function* quorumPeerMain(ctx: ProcessContext, configPath: string, log: Log4j, systemProps: ReadonlyMap<string, string>): Proc<number> {
  log.log("INFO", "main", "QuorumPeerConfig@124", `Reading configuration from: ${configPath}`);
  let cfg: ZooCfg;
  let sid = 0;
  try {
    if (!ctx.fs.exists(ctx.resolve(configPath))) throw new ConfigError(`Error processing ${configPath}\njava.lang.IllegalArgumentException: ${configPath} file is missing`);
    cfg = parseZooCfg(ctx.fs.readText(ctx.resolve(configPath)));
    if (cfg.servers.length > 0) {
      const myidPath = `${cfg.dataDir}/myid`;
      if (!ctx.fs.exists(myidPath)) throw new ConfigError(`Error processing ${configPath}\njava.lang.IllegalArgumentException: ${myidPath} file is missing`);
      // BufferedReader.readLine then Long.parseLong: the first line, exactly (null when empty).
      const text = ctx.fs.readText(myidPath);
      const line = text === "" ? "null" : text.split(/\r\n|\r|\n/)[0]!;
      if (!/^[+-]?\d+$/.test(line)) throw new ConfigError(`Error processing ${configPath}\njava.lang.IllegalArgumentException: serverid ${line} is not a number`);
      sid = Number(line);
    }
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    log.log("ERROR", "main", "QuorumPeerMain@85", `Invalid config, exiting abnormally\norg.apache.zookeeper.server.quorum.QuorumPeerConfig$ConfigException: ${e.message}`);
    ctx.stderr.write("Invalid config, exiting abnormally\n");
    return 2;
  }
  const quorum = cfg.servers.length > 0;
  for (const s of cfg.servers) {
    const ip = ctx.net.resolve(s.host)[0];
    if (ip !== undefined) log.log("INFO", "main", "QuorumPeer$QuorumServer@167", `Resolved hostname: ${s.host} to address: ${s.host}/${ip}`);
    else log.log("WARN", "main", "QuorumPeer$QuorumServer@173", `Failed to resolve address: ${s.host}`);
  }
  if (quorum) log.myid = String(sid);
  log.log("INFO", "main", "DatadirCleanupManager@78", `autopurge.snapRetainCount set to ${cfg.snapRetainCount}`);
  log.log("INFO", "main", "DatadirCleanupManager@79", `autopurge.purgeInterval set to ${cfg.purgeInterval}`);
  if (cfg.purgeInterval <= 0) log.log("INFO", "main", "DatadirCleanupManager@101", "Purge task is not scheduled.");
  if (!quorum) log.log("WARN", "main", "QuorumPeerMain@113", "Either no config or no quorum defined in config, running  in standalone mode");
  else log.log("INFO", "main", "QuorumPeerMain@127", "Starting quorum peer");

  const props = new Map([...cfg.systemProperties, ...systemProps]);
  const forceSync = props.get("zookeeper.forceSync") !== "no";
  const snapCount = Math.max(2, Number(props.get("zookeeper.snapCount") ?? 100_000));
  const superDigest = props.get("zookeeper.DigestAuthenticationProvider.superDigest");
  const classPath = ctx.argv[ctx.argv.indexOf("-cp") + 1] ?? "";
  const env = environment(ctx, classPath);
  // Each follower role makes a LearnerSessionTracker, whose toString names its identity hash.
  const trackers = new WeakMap<object, string>();
  const learnerTracker = (role: object): string => {
    let text = trackers.get(role);
    if (text === undefined) trackers.set(role, (text = `org.apache.zookeeper.server.quorum.LearnerSessionTracker@${ctx.random.int(0x1000000, 0x7fffffff).toString(16)}`));
    return text;
  };
  const snapDir = `${cfg.dataDir}/version-2`;
  const logDir = `${cfg.dataLogDir}/version-2`;
  const dataDir = new DataDir(ctx.fs, { snapDir, logDir, log: (l, t, a, m) => log.log(l, t, a, m), syncThread: `SyncThread:${quorum ? sid : 0}` });
  try {
    ctx.fs.mkdir(snapDir, { recursive: true });
    ctx.fs.mkdir(logDir, { recursive: true });
  } catch {
    log.log("ERROR", "main", "QuorumPeerMain@89", `Unexpected exception, exiting abnormally\njava.io.IOException: Unable to create data directory ${snapDir}`);
    return 1;
  }
  const peer = new QuorumPeer(
    {
      sid: quorum ? sid : 0,
      voters: cfg.servers.map((s) => s.id),
      standalone: !quorum,
      tickTime: cfg.tickTime,
      initLimit: cfg.initLimit,
      syncLimit: cfg.syncLimit,
      minSessionTimeout: cfg.minSessionTimeout,
      maxSessionTimeout: cfg.maxSessionTimeout,
      snapCount,
      clientPort: cfg.clientPort,
      logDir: cfg.dataLogDir,
      snapDir: cfg.dataDir,
      environment: env,
      ...(superDigest !== undefined ? { superDigest } : {}),
    },
    dataDir,
    ctx.random.fork("peer"),
  );
  const sim = ctx.sim;
  const pod = ctx.hostname;
  const stats = new ServerStats();
  const clients = new Map<number, ClientConn>();
  const links = new Map<number, Connection>();
  const timers = new Map<TimerName, Timer>();
  let nextClient = 1;
  let nextAccepted = ACCEPTED_LINKS;
  let fourLetterThreads = 1;
  let syncTimer: Timer | undefined;
  let quorumListener: { close(): void } | undefined;
  const fsyncRandom = ctx.random.fork("fsync");

  /**
   * A write to the data directory. When the disk refuses it (full, read-only), the IOException
   * reaches the sync thread, which dies (see QuorumPeer.syncFailed); false then.
   */
  const diskWrite = (write: () => void): boolean => {
    try {
      write();
      return true;
    } catch (e) {
      if (!(e instanceof FsError) || (e.code !== "ENOSPC" && e.code !== "EROFS")) throw e;
      const error = ioMessage(e);
      ctx.timer(0, () => feed({ kind: "syncFailed", error }));
      return false;
    }
  };

  const feed = (input: Input): void => {
    let effects: Effect[];
    try {
      effects = peer.step(input, ctx.epochMs());
    } catch (e) {
      if (!(e instanceof StorageError)) throw e;
      log.log("ERROR", "main", "QuorumPeer@453", `Unable to load database on disk\njava.io.IOException: ${e.message}`);
      ctx.exit(1);
      return;
    }
    for (const e of effects) perform(e);
  };

  const election = quorum
    ? new ElectionTransport(ctx, sid, cfg.servers, log, (n) => feed({ kind: "notification", n }))
    : undefined;

  const attachLink = (link: number, conn: Connection): void => {
    links.set(link, conn);
    conn.onData = (packet) => feed({ kind: "packet", link, packet: packet as never });
    conn.onEnd = () => conn.end();
    conn.onClose = (reason) => {
      if (links.get(link) !== conn) return;
      links.delete(link);
      feed({ kind: "linkDown", link, reason: reasonText(reason, "") });
    };
  };

  const perform = (e: Effect): void => {
    switch (e.kind) {
      case "notify":
        election?.send(e.to, e.n);
        return;
      case "setTimer":
        ctx.cancelTimer(timers.get(e.timer));
        timers.set(e.timer, ctx.timer(e.ms, () => {
          timers.delete(e.timer);
          feed({ kind: "timer", timer: e.timer });
        }));
        return;
      case "cancelTimer":
        ctx.cancelTimer(timers.get(e.timer));
        timers.delete(e.timer);
        return;
      case "listenQuorum": {
        quorumListener?.close();
        quorumListener = undefined;
        if (e.open) {
          const me = cfg.servers.find((s) => s.id === sid)!;
          quorumListener = ctx.net.listen(me.quorumPort, (conn) => {
            const link = nextAccepted++;
            attachLink(link, conn);
            feed({ kind: "linkAccepted", link, remote: `/${conn.remote.ip}:${conn.remote.port}` });
          });
        }
        return;
      }
      case "connectLeader": {
        const spec = cfg.servers.find((s) => s.id === e.sid)!;
        const ip = ctx.net.resolve(spec.host)[0];
        if (ip === undefined) {
          ctx.timer(0, () => feed({ kind: "linkDown", link: e.link, reason: reasonText("unresolved", spec.host), address: `${spec.host}:${spec.quorumPort}` }));
          return;
        }
        const conn = ctx.net.connect(ip, spec.quorumPort, { timeoutMs: e.timeoutMs });
        const link = e.link;
        links.set(link, conn);
        conn.onOpen = () => {
          attachLink(link, conn);
          feed({ kind: "linkUp", link });
        };
        conn.onClose = (reason) => {
          if (links.get(link) !== conn) return;
          links.delete(link);
          feed({ kind: "linkDown", link, reason: reasonText(reason, spec.host), address: `${spec.host}/${ip}:${spec.quorumPort}` });
        };
        return;
      }
      case "send":
        links.get(e.link)?.send(e.packet);
        return;
      case "closeLink": {
        const conn = links.get(e.link);
        links.delete(e.link);
        conn?.end();
        return;
      }
      case "append":
        if (!diskWrite(() => dataDir.append(e.txns))) return;
        if (!forceSync) {
          const upTo = e.txns[e.txns.length - 1]!.zxid;
          ctx.timer(0, () => feed({ kind: "logged", zxid: upTo }));
        } else if (syncTimer === undefined) {
          // Group commit: one fsync covers everything appended while it was pending. A slow disk
          // makes it take longer, and FileTxnLog warns past fsync.warningthresholdms (1 s).
          const took = Math.max(1, Math.round(fsyncRandom.logNormal(2, 0.5))) + ctx.fsyncDelayMs();
          syncTimer = ctx.timer(took, () => {
            syncTimer = undefined;
            if (took > FSYNC_WARNING_THRESHOLD_MS) {
              const thread = `SyncThread:${quorum ? sid : 0}`;
              log.log("WARN", thread, "FileTxnLog@338", `fsync-ing the write ahead log in ${thread} took ${took}ms which will adversely effect operation latency. See the ZooKeeper troubleshooting guide`);
            }
            let durable = 0;
            if (diskWrite(() => (durable = dataDir.sync()))) feed({ kind: "logged", zxid: durable });
          });
        }
        return;
      case "rollLog":
        dataDir.roll();
        return;
      case "snapshot":
        try {
          dataDir.snapshot(e.data, false);
        } catch (err) {
          if (!(err instanceof FsError) || (err.code !== "ENOSPC" && err.code !== "EROFS")) throw err;
          // ZooKeeperServer.takeSnapshot: an IOException here is fatal, System.exit(10).
          log.log("ERROR", "Snapshot Thread", "ZooKeeperServer@313", `Severe unrecoverable error, exiting\njava.io.IOException: ${ioMessage(err)}`);
          ctx.exit(10);
        }
        return;
      case "reply": {
        const c = clients.get(e.cnxn);
        if (c === undefined) return;
        c.sent++;
        stats.sent++;
        if (e.packet.type === "reply") {
          const start = c.started.get(e.packet.xid);
          if (start !== undefined) {
            stats.latency(sim.now - start.at);
            updateStatsForResponse(c.stats, e.packet.xid, e.packet.zxid, start, sim.now, ctx.uptimeMs());
            c.started.delete(e.packet.xid);
          }
        } else if (e.packet.type === "connected" && e.created !== undefined) {
          // A new session: createSession's stats (cxid 0, its txn's zxid).
          const start = c.started.get(CONNECT_XID);
          if (start !== undefined) updateStatsForResponse(c.stats, 0, e.created, start, sim.now, ctx.uptimeMs());
        }
        c.conn.send(e.packet);
        return;
      }
      case "closeClient": {
        const c = clients.get(e.cnxn);
        if (c === undefined) return;
        clients.delete(e.cnxn);
        logClosed(c, peer.sessionOf(e.cnxn));
        c.conn.end();
        return;
      }
      case "log":
        log.log(e.level, e.thread, e.at, e.msg);
        return;
      case "trace":
        sim.trace.record(`zk.${e.type}`, { pod, ...e.data });
        return;
      case "fatal":
        ctx.exit(e.status);
        return;
    }
  };

  const logClosed = (c: ClientConn, session: bigint): void => {
    const suffix = session === 0n ? "(no session established for client)" : `which had sessionid 0x${hex(session)}`;
    log.log("INFO", peer.factoryThread, "NIOServerCnxn@1044", `Closed socket connection for client ${c.remote} ${suffix}`);
  };

  const connectionInfo = (self: number): CnxnInfo[] =>
    [...clients.values()].map((c) => ({
      remote: c.remote,
      received: c.received,
      sent: c.sent,
      session: peer.sessionOf(c.id),
      timeout: peer.cnxns.get(c.id)?.timeout ?? 0,
      ops: c.id === self ? 0 : 1,
      stats: c.stats,
    }));

  /** The connections open from one address, as NIOServerCnxnFactory's ipMap counts them (four-letter ones too). */
  const connectionsFrom = (ip: string): number => {
    let n = 0;
    for (const c of clients.values()) if (c.conn.remote.ip === ip) n++;
    return n;
  };

  const onClient = (conn: Connection): void => {
    if (cfg.maxClientCnxns > 0 && connectionsFrom(conn.remote.ip) >= cfg.maxClientCnxns) {
      // Refused after the accept: the client sees its connection closed before any reply.
      log.log("WARN", peer.factoryThread, "NIOServerCnxnFactory@188", `Too many connections from /${conn.remote.ip} - max is ${cfg.maxClientCnxns}`);
      conn.end();
      return;
    }
    const id = nextClient++;
    const remote = `/${conn.remote.ip}:${conn.remote.port}`;
    const c: ClientConn = { id, conn, remote, received: 0, sent: 0, started: new Map(), stats: freshCnxnStats(ctx.epochMs()) };
    clients.set(id, c);
    log.log("INFO", peer.factoryThread, "NIOServerCnxnFactory@192", `Accepted socket connection from ${remote}`);
    let first = true;
    conn.onData = (data) => {
      // A four-letter word is answered from the length prefix, before any packet is counted.
      if (typeof data !== "string") {
        c.received++;
        stats.received++;
      }
      if (typeof data === "string") {
        // A four-letter word: answered before any check that the server is serving.
        const cmd = first ? data.slice(0, 4) : "";
        first = false;
        const answer = fourLetterWord(cmd, {
          peer,
          cfg,
          stats,
          connections: () => connectionInfo(id),
          resetConnections: () => {
            for (const k of clients.values()) {
              k.received = k.sent = 0;
              Object.assign(k.stats, freshCnxnStats(k.stats.established));
            }
          },
          environment: env,
          quorum,
          monotonicOffsetMs: ctx.epochMs() - ctx.uptimeMs(),
          learnerTracker: () => learnerTracker(peer.role!),
        });
        if (answer !== undefined) {
          log.log("INFO", peer.factoryThread, "NIOServerCnxn@883", `Processing ${cmd} command from ${remote}`);
          conn.send(answer);
        }
        clients.delete(id);
        log.log("INFO", `Thread-${fourLetterThreads++}`, "NIOServerCnxn@1044", `Closed socket connection for client ${remote} (no session established for client)`);
        conn.end();
        return;
      }
      first = false;
      const p = data as ClientPacket;
      if (p.type === "connect") {
        c.started.set(CONNECT_XID, { at: sim.now, op: "SESS" });
        feed({ kind: "clientConnect", cnxn: id, remote, packet: p });
      } else if (p.type === "auth") {
        feed({ kind: "clientAuth", cnxn: id, packet: p });
      } else {
        c.started.set(p.xid, { at: sim.now, op: OP_NAMES[p.req.op] ?? "NA" });
        feed({ kind: "clientRequest", cnxn: id, xid: p.xid, req: p.req });
      }
    };
    const gone = (): void => {
      if (!clients.delete(id)) return;
      const session = peer.sessionOf(id);
      if (session !== 0n) {
        log.log("WARN", peer.factoryThread, "NIOServerCnxn@368",
          `caught end of stream exception\nEndOfStreamException: Unable to read additional data from client sessionid 0x${hex(session)}, likely client has closed socket\n\tat org.apache.zookeeper.server.NIOServerCnxn.doIO(NIOServerCnxn.java:239)\n\tat org.apache.zookeeper.server.NIOServerCnxnFactory.run(NIOServerCnxnFactory.java:203)\n\tat java.lang.Thread.run(Thread.java:748)`);
      }
      logClosed(c, session);
      feed({ kind: "clientClosed", cnxn: id });
      conn.end();
    };
    conn.onEnd = gone;
    conn.onClose = gone;
  };

  log.log("INFO", "main", "NIOServerCnxnFactory@89", `binding to port 0.0.0.0/0.0.0.0:${cfg.clientPort}`);
  ctx.net.listen(cfg.clientPort, onClient);
  if (quorum) {
    log.log("INFO", "main", "QuorumPeer@1133", `tickTime set to ${cfg.tickTime}`);
    log.log("INFO", "main", "QuorumPeer@1153", `minSessionTimeout set to ${cfg.minSessionTimeout}`);
    log.log("INFO", "main", "QuorumPeer@1164", `maxSessionTimeout set to ${cfg.maxSessionTimeout}`);
    log.log("INFO", "main", "QuorumPeer@1179", `initLimit set to ${cfg.initLimit}`);
    if (!cfg.servers.some((s) => s.id === sid)) {
      log.log("ERROR", "main", "QuorumPeerMain@89", `Unexpected exception, exiting abnormally\njava.lang.RuntimeException: My id ${sid} not in the peer list`);
      return 1;
    }
    election!.listen();
  }
  ctx.onSignal((signal) => {
    // The JVM's default for TERM/INT/HUP: exit 128+n at once, with whatever the page cache holds.
    for (const e of peer.shutdown(ctx.epochMs())) perform(e);
    ctx.exit(128 + SIGNALS[signal]);
  });
  feed({ kind: "start" });
  return yield* wait(ctx.exited);
}

/** ServerCnxn.updateStatsForResponse: pings (cxid -2) leave lastCxid alone. */
function updateStatsForResponse(s: CnxnStats, cxid: number, zxid: number, start: { readonly at: number; readonly op: string }, end: number, monotonicEnd: number): void {
  if (cxid >= 0) s.lastCxid = cxid;
  s.lastZxid = zxid;
  s.lastOp = start.op;
  s.lastResponseTime = monotonicEnd;
  const elapsed = end - start.at;
  s.lastLatency = elapsed;
  if (elapsed < s.minLatency) s.minLatency = elapsed;
  if (elapsed > s.maxLatency) s.maxLatency = elapsed;
  s.count++;
  s.totalLatency += elapsed;
}

/** The IOException message Java gives for a refused write: strerror without the path. */
