import type { QuorumPeer } from "../core/index.js";
import { hashOrder, hex, longHash, stringHash } from "../core/index.js";
import { javaDate, ZK_VERSION } from "./java-env.js";
import type { ZooCfg } from "./zoo-cfg.js";

/** ServerStats plus the per-connection counters 4lw print. */
export class ServerStats {
  received = 0;
  sent = 0;
  private minLatency = Number.MAX_SAFE_INTEGER;
  private maxLatency = 0;
  private totalLatency = 0;
  private count = 0;

  latency(ms: number): void {
    this.totalLatency += ms;
    this.count++;
    if (ms < this.minLatency) this.minLatency = ms;
    if (ms > this.maxLatency) this.maxLatency = ms;
  }

  get min(): number {
    return this.minLatency === Number.MAX_SAFE_INTEGER ? 0 : this.minLatency;
  }

  get avg(): number {
    return this.count === 0 ? 0 : Math.floor(this.totalLatency / this.count);
  }

  get max(): number {
    return this.maxLatency;
  }

  reset(): void {
    this.received = 0;
    this.sent = 0;
    this.minLatency = Number.MAX_SAFE_INTEGER;
    this.maxLatency = 0;
    this.totalLatency = 0;
    this.count = 0;
  }
}

/** ServerCnxn's statistics of one connection (Long.MAX_VALUE min latency here as Infinity). */
export interface CnxnStats {
  /** When the connection was accepted, epoch ms. */
  readonly established: number;
  lastOp: string;
  lastCxid: number;
  lastZxid: number;
  /** Time.currentElapsedTime() of the last response: the machine's monotonic ms. */
  lastResponseTime: number;
  lastLatency: number;
  minLatency: number;
  maxLatency: number;
  count: number;
  totalLatency: number;
}

export interface CnxnInfo {
  readonly remote: string;
  readonly received: number;
  readonly sent: number;
  readonly session: bigint;
  /** The negotiated session timeout (0 before a session). */
  readonly timeout: number;
  readonly stats: CnxnStats;
  /** Interest ops: 0 for the connection running the command, 1 for idle ones. */
  readonly ops: number;
}

export interface FourLetterContext {
  readonly peer: QuorumPeer;
  readonly cfg: ZooCfg;
  readonly stats: ServerStats;
  readonly connections: () => readonly CnxnInfo[];
  /** ServerCnxn.resetStats on every connection: their packet counts start again. */
  readonly resetConnections: () => void;
  readonly environment: readonly string[];
  readonly quorum: boolean;
  /** The node's wall clock less its monotonic one: what turns an expiry time into System.nanoTime's. */
  readonly monotonicOffsetMs: number;
  /** A follower's LearnerSessionTracker as Object.toString prints it (an identity hash). */
  readonly learnerTracker: () => string;
}

const NOT_SERVING = "This ZooKeeper instance is not currently serving requests\n";

/** ZooTrace's default mask: CLIENT_REQUEST (1<<1) | SERVER_PACKET (1<<4) | SESSION (1<<5) | WARNING (1<<8). */
const TRACE_MASK = (1 << 1) | (1 << 4) | (1 << 5) | (1 << 8);

/** The 4lw 3.4.10 answers (NIOServerCnxn's CommandThreads); undefined for an unknown word. */
export function fourLetterWord(cmd: string, c: FourLetterContext): string | undefined {
  const peer = c.peer;
  switch (cmd) {
    case "ruok":
      return "imok";
    case "isro":
      return "rw";
    case "envi":
      return `Environment:\n${c.environment.map((l) => `${l}\n`).join("")}`;
    case "srst":
      if (!peer.serving) return NOT_SERVING;
      c.stats.reset();
      return "Server stats reset.\n";
    case "crst":
      if (!peer.serving) return NOT_SERVING;
      c.resetConnections();
      return "Connection stats reset.\n";
    case "gtmk":
      // ZooTrace's text trace mask, unchanged since startup: client requests, server packets, sessions, warnings.
      return String(TRACE_MASK);
    case "srvr":
    case "stat": {
      if (!peer.serving) return NOT_SERVING;
      let s = `Zookeeper version: ${ZK_VERSION}\n`;
      if (cmd === "stat") {
        s += "Clients:\n";
        for (const k of c.connections()) s += ` ${k.remote}[${k.ops}](queued=0,recved=${k.received},sent=${k.sent})\n`;
        s += "\n";
      }
      s += `Latency min/avg/max: ${c.stats.min}/${c.stats.avg}/${c.stats.max}\n`;
      s += `Received: ${c.stats.received}\nSent: ${c.stats.sent}\nConnections: ${c.connections().length}\nOutstanding: 0\n`;
      s += `Zxid: 0x${hex(peer.db.lastProcessedZxid)}\nMode: ${peer.mode}\nNode count: ${peer.db.tree.nodeCount}\n`;
      return s;
    }
    case "cons": {
      if (!peer.serving) return NOT_SERVING;
      let s = "";
      for (const k of c.connections()) {
        s += ` ${k.remote}[${k.ops}](queued=0,recved=${k.received},sent=${k.sent}`;
        // NIOServerCnxn.dumpConnectionInfo(pw, false): the long form for connections with a session.
        if (k.session !== 0n) {
          const st = k.stats;
          s += `,sid=0x${hex(k.session)},lop=${st.lastOp},est=${st.established},to=${k.timeout}`;
          if (st.lastCxid >= 0) s += `,lcxid=0x${st.lastCxid.toString(16)}`;
          s += `,lzxid=0x${st.lastZxid < 0 ? "ffffffffffffffff" : st.lastZxid.toString(16)},lresp=${st.lastResponseTime},llat=${st.lastLatency}`;
          s += `,minlat=${st.minLatency === Number.POSITIVE_INFINITY ? 0 : st.minLatency},avglat=${st.count === 0 ? 0 : Math.floor(st.totalLatency / st.count)},maxlat=${st.maxLatency}`;
        }
        s += ")\n";
      }
      return `${s}\n`;
    }
    case "conf": {
      if (!peer.serving) return NOT_SERVING;
      const cfg = c.cfg;
      let s = `clientPort=${cfg.clientPort}\ndataDir=${cfg.dataDir}/version-2\ndataLogDir=${cfg.dataLogDir}/version-2\n`;
      s += `tickTime=${cfg.tickTime}\nmaxClientCnxns=${cfg.maxClientCnxns}\nminSessionTimeout=${cfg.minSessionTimeout}\nmaxSessionTimeout=${cfg.maxSessionTimeout}\n`;
      s += `serverId=${peer.config.standalone ? 0 : peer.sid}\n`;
      if (c.quorum) {
        const me = cfg.servers.find((x) => x.id === peer.sid);
        s += `initLimit=${cfg.initLimit}\nsyncLimit=${cfg.syncLimit}\nelectionAlg=3\nelectionPort=${me?.electionPort ?? -1}\nquorumPort=${me?.quorumPort ?? -1}\npeerType=0\n`;
      }
      return s;
    }
    case "mntr": {
      if (!peer.serving) return NOT_SERVING;
      const tree = peer.db.tree;
      const lines: [string, string | number][] = [
        ["version", ZK_VERSION],
        ["avg_latency", c.stats.avg],
        ["max_latency", c.stats.max],
        ["min_latency", c.stats.min],
        ["packets_received", c.stats.received],
        ["packets_sent", c.stats.sent],
        ["num_alive_connections", c.connections().length],
        ["outstanding_requests", 0],
        ["server_state", peer.mode ?? ""],
        ["znode_count", tree.nodeCount],
        ["watch_count", watchCount(peer)],
        ["ephemerals_count", tree.ephemeralCount],
        ["approximate_data_size", tree.approximateDataSize()],
        ["open_file_descriptor_count", 25 + c.connections().length],
        ["max_file_descriptor_count", 1048576],
      ];
      const f = peer.followerCounts();
      if (f !== undefined) lines.push(["followers", f.followers], ["synced_followers", f.synced], ["pending_syncs", 0]);
      return lines.map(([k, v]) => `zk_${k}\t${v}\n`).join("");
    }
    case "dump": {
      if (!peer.serving) return NOT_SERVING;
      let s = "SessionTracker dump:\n";
      const tracker = peer.role!.sessions;
      if (tracker === undefined) s += `${c.learnerTracker()}\n`;
      else {
        // SessionTrackerImpl keeps expiry times on the monotonic clock, printed as dates.
        const sets = tracker.sessionSets();
        s += `Session Sets (${sets.length}):\n`;
        for (const set of sets) {
          s += `${set.ids.length} expire at ${javaDate(set.time - c.monotonicOffsetMs)}:\n`;
          for (const id of set.ids) s += `\t0x${hex(id)}\n`;
        }
      }
      // DataTree.dumpEphemerals: a ConcurrentHashMap by session of HashSets of paths.
      const ephemerals = peer.db.tree.ephemeralsBySession();
      s += `ephemeral nodes dump:\nSessions with Ephemerals (${ephemerals.size}):\n`;
      for (const id of hashOrder([...ephemerals.keys()], longHash)) {
        s += `0x${hex(id)}:\n`;
        for (const path of hashOrder([...ephemerals.get(id)!], stringHash)) s += `\t${path}\n`;
      }
      return s;
    }
    case "wchs": {
      if (!peer.serving) return NOT_SERVING;
      // DataTree.getWatchesSummary counts the data watches only.
      const data = peer.role!.server.dataWatches;
      return `${data.connections} connections watching ${data.paths} paths\nTotal watches:${data.size}\n`;
    }
    case "wchc":
    case "wchp": {
      if (!peer.serving) return NOT_SERVING;
      const data = peer.role!.server.dataWatches;
      const sessionOf = (cnxn: number) => peer.cnxns.get(cnxn)?.session ?? 0n;
      let s = "";
      if (cmd === "wchc") {
        // WatchesReport: session → paths, each a Java HashMap/HashSet.
        const bySession = new Map<bigint, readonly string[]>();
        for (const [cnxn, paths] of data.byConnection()) bySession.set(sessionOf(cnxn), [...paths]);
        for (const id of hashOrder([...bySession.keys()], longHash)) {
          s += `0x${hex(id)}\n`;
          for (const path of hashOrder(bySession.get(id)!, stringHash)) s += `\t${path}\n`;
        }
      } else {
        // WatchesPathReport: path → sessions, the sessions' set sized to their number.
        const byPath = data.byPathname();
        for (const path of hashOrder([...byPath.keys()], stringHash)) {
          s += `${path}\n`;
          const ids = [...byPath.get(path)!].map(sessionOf);
          for (const id of hashOrder(ids, longHash, ids.length)) s += `\t0x${hex(id)}\n`;
        }
      }
      return `${s}\n`;
    }
    default:
      return undefined;
  }
}

/** DataTree.getWatchCount: data and child watches together. */
function watchCount(peer: QuorumPeer): number {
  const server = peer.role?.server;
  return server === undefined ? 0 : server.dataWatches.size + server.childWatches.size;
}
