import type { SessionTracker } from "./sessions.js";
import type { ZkDatabase } from "./database.js";
import { FastLeaderElection, type ElectionHost, type Vote } from "./election.js";
import { Follower } from "./follower.js";
import type { DataDirectory, Effect, Input, LogLevel, TimerName } from "./io.js";
import { Leader } from "./leader.js";
import type { Notification, QuorumPacket, ServerState } from "./messages.js";
import type { Cnxn, ZkServer } from "./server.js";
import { Standalone } from "./standalone.js";
import type { Txn } from "./txn.js";
import { hex } from "./zxid.js";

export interface PeerConfig {
  readonly sid: number;
  /** Voting members' ids. A standalone server has none but itself and never elects. */
  readonly voters: readonly number[];
  readonly standalone: boolean;
  readonly tickTime: number;
  readonly initLimit: number;
  readonly syncLimit: number;
  readonly minSessionTimeout: number;
  readonly maxSessionTimeout: number;
  readonly snapCount: number;
  readonly clientPort: number;
  /** For the "Created server with ..." line: the txn log and snapshot directories. */
  readonly logDir: string;
  readonly snapDir: string;
  /** "key=value" lines a starting ZooKeeperServer logs as "Server environment:" (java.version, ...). */
  readonly environment: readonly string[];
  /**
   * The system property zookeeper.DigestAuthenticationProvider.superDigest (`super:<digest>`):
   * whoever authenticates with credentials of that digest passes every ACL.
   */
  readonly superDigest?: string;
}

export interface RandomSource {
  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number;
}

/** Roles implement this; the peer routes network, disk and timer inputs to the current one. */
export interface Role {
  packet(link: number, packet: QuorumPacket): void;
  linkUp(link: number): void;
  linkAccepted(link: number, remote: string): void;
  linkDown(link: number, reason: string, address?: string): void;
  timer(name: TimerName): void;
  logged(zxid: number): void;
  /** Tear down the role; the peer's database stays as it is. */
  shutdown(): void;
  readonly server: ZkServer;
  /** The session tracker that expires sessions: the leader's or a standalone server's, not a follower's. */
  readonly sessions?: SessionTracker;
}

export type PeerState = ServerState | "STANDALONE";

/** Where FileTxnLog's flush fails, as 3.4.10's stack trace shows it. */
const SYNC_FAILURE_STACK = [
  "java.io.FileOutputStream.writeBytes(Native Method)",
  "java.io.FileOutputStream.write(FileOutputStream.java:326)",
  "java.io.BufferedOutputStream.flushBuffer(BufferedOutputStream.java:82)",
  "java.io.BufferedOutputStream.flush(BufferedOutputStream.java:140)",
  "org.apache.zookeeper.server.persistence.FileTxnLog.commit(FileTxnLog.java:337)",
  "org.apache.zookeeper.server.persistence.FileTxnSnapLog.commit(FileTxnSnapLog.java:348)",
  "org.apache.zookeeper.server.ZKDatabase.commit(ZKDatabase.java:509)",
  "org.apache.zookeeper.server.SyncRequestProcessor.flush(SyncRequestProcessor.java:178)",
  "org.apache.zookeeper.server.SyncRequestProcessor.run(SyncRequestProcessor.java:113)",
]
  .map((frame) => `\tat ${frame}`)
  .join("\n");

/**
 * QuorumPeer as a pure state machine: `step(input, now)` returns the effects to carry out. It owns
 * the election, the current role (leader, follower, standalone) and the client connections. Its
 * database outlives the roles, as in 3.4.10 (ZOOKEEPER-2678): only a restart, a TRUNC or a SNAP
 * replaces it.
 */
export class QuorumPeer implements ElectionHost {
  state: PeerState = "LOOKING";
  db!: ZkDatabase;
  currentEpoch = 0;
  acceptedEpoch = 0;
  /** The vote this peer reports while not LOOKING (getCurrentVote). */
  currentVote: Vote = { leader: -1, zxid: -1, round: 0, peerEpoch: -1, state: "LOOKING" };
  readonly election: FastLeaderElection;
  /** The threads most lines are logged from. */
  readonly peerThread: string;
  readonly factoryThread: string;
  private readonly voterSet: ReadonlySet<number>;
  role: Role | undefined;
  readonly cnxns = new Map<number, Cnxn>();
  /** Simulated wall-clock ms of the step being processed. */
  now = 0;
  private out: Effect[] = [];
  private electionStarted = 0;
  private nextLink = 1;
  private stopped = false;
  /** SyncRequestProcessor: txns logged since the last snapshot, and this run's random roll. */
  private logCount = 0;
  private randRoll = 0;

  constructor(
    readonly config: PeerConfig,
    private readonly disk: DataDirectory,
    readonly random: RandomSource,
  ) {
    this.election = new FastLeaderElection(this);
    this.peerThread = `QuorumPeer[myid=${config.sid}]/0.0.0.0:${config.clientPort}`;
    this.factoryThread = `NIOServerCxn.Factory:0.0.0.0/0.0.0.0:${config.clientPort}`;
    this.voterSet = new Set(config.voters);
  }

  get sid(): number {
    return this.config.sid;
  }

  get voters(): readonly number[] {
    return this.config.voters;
  }

  /** Whether client requests are served (a leader or follower that finished syncing). */
  get serving(): boolean {
    return this.role?.server.running ?? false;
  }

  /** srvr's Mode line. */
  get mode(): "leader" | "follower" | "standalone" | undefined {
    if (!this.serving) return undefined;
    return this.state === "LEADING" ? "leader" : this.state === "FOLLOWING" ? "follower" : "standalone";
  }

  /** mntr's leader-only figures. */
  followerCounts(): { followers: number; synced: number } | undefined {
    return this.role instanceof Leader ? this.role.followerCounts() : undefined;
  }

  step(input: Input, now: number): Effect[] {
    this.now = now;
    if (!this.stopped) this.handle(input);
    const out = this.out;
    this.out = [];
    return out;
  }

  /** Stops everything (SIGTERM): clients and links are closed, nothing more is done. */
  shutdown(now: number): Effect[] {
    this.now = now;
    if (!this.stopped) {
      this.role?.shutdown();
      this.role = undefined;
      this.election.stop();
      this.closeAllClients();
      this.stopped = true;
    }
    const out = this.out;
    this.out = [];
    return out;
  }

  private handle(input: Input): void {
    switch (input.kind) {
      case "start":
        this.load();
        if (this.config.standalone) this.becomeStandalone();
        else this.lookForLeader();
        return;
      case "notification":
        this.onNotification(input.n);
        return;
      case "timer":
        if (input.timer === "election") this.election.timeout();
        else this.role?.timer(input.timer);
        return;
      case "linkUp":
        this.role?.linkUp(input.link);
        return;
      case "linkAccepted":
        if (this.role === undefined) this.emit({ kind: "closeLink", link: input.link });
        else this.role.linkAccepted(input.link, input.remote);
        return;
      case "linkDown":
        this.role?.linkDown(input.link, input.reason, input.address);
        return;
      case "packet":
        this.role?.packet(input.link, input.packet);
        return;
      case "logged":
        this.role?.logged(input.zxid);
        return;
      case "syncFailed":
        this.syncFailed(input.error);
        return;
      case "clientConnect": {
        // NIOServerCnxn starts every connection authenticated as its client's address.
        const ip = input.remote.replace(/^\//, "").replace(/:\d+$/, "");
        const cnxn: Cnxn = { id: input.cnxn, remote: input.remote, session: 0n, timeout: 0, authInfo: [{ scheme: "ip", id: ip }] };
        this.cnxns.set(input.cnxn, cnxn);
        if (!this.serving) return this.refuse(cnxn);
        this.role!.server.connect(cnxn, input.packet);
        return;
      }
      case "clientRequest": {
        const cnxn = this.cnxns.get(input.cnxn);
        if (cnxn === undefined) return;
        if (!this.serving || cnxn.session === 0n) return this.refuse(cnxn);
        this.role!.server.request(cnxn, input.xid, input.req);
        return;
      }
      case "clientAuth": {
        const cnxn = this.cnxns.get(input.cnxn);
        if (cnxn === undefined) return;
        if (!this.serving || cnxn.session === 0n) return this.refuse(cnxn);
        this.role!.server.auth(cnxn, input.packet);
        return;
      }
      case "clientClosed":
        this.cnxns.delete(input.cnxn);
        this.role?.server.removeCnxn(input.cnxn);
        return;
    }
  }

  /** NIOServerCnxn.readConnectRequest on a server that is not running. */
  private refuse(cnxn: Cnxn): void {
    this.log("WARN", this.factoryThread, "NIOServerCnxn@373", `Exception causing close of session 0x${hex(cnxn.session)} due to java.io.IOException: ZooKeeperServer not running`);
    this.closeCnxn(cnxn.id);
  }

  // ---- election ---------------------------------------------------------------------------

  private lookForLeader(): void {
    this.setState("LOOKING");
    this.electionStarted = this.now;
    this.election.start(this.db.lastProcessedZxid, this.currentEpoch);
  }

  private onNotification(n: Notification): void {
    this.log("INFO", `WorkerReceiver[myid=${this.sid}]`, "FastLeaderElection@600",
      `Notification: 1 (message format version), ${n.leader} (n.leader), 0x${hex(n.zxid)} (n.zxid), 0x${hex(n.round)} (n.round), ${n.state} (n.state), ${n.sid} (n.sid), 0x${hex(n.peerEpoch)} (n.peerEpoch) ${this.state} (my state)`);
    if (this.config.standalone) return;
    if (this.state === "LOOKING") {
      this.election.receive(n);
      if (this.state === "LOOKING" && n.state === "LOOKING" && n.round < this.election.logicalclock) {
        const v = this.election.proposal;
        this.send(n.sid, { leader: v.leader, zxid: v.zxid, round: this.election.logicalclock, state: "LOOKING", sid: this.sid, peerEpoch: v.peerEpoch });
      }
    } else if (n.state === "LOOKING") {
      // Tell a lagging peer who leads (WorkerReceiver's reply when not LOOKING).
      const v = this.currentVote;
      this.send(n.sid, { leader: v.leader, zxid: v.zxid, round: v.round, state: this.state as ServerState, sid: this.sid, peerEpoch: v.peerEpoch });
    }
  }

  send(to: number, n: Notification): void {
    this.emit({ kind: "notify", to, n });
  }

  setElectionTimer(ms: number): void {
    this.emit({ kind: "setTimer", timer: "election", ms });
  }

  /** QuorumMaj.containsQuorum; callers pass distinct ids (a Set, or the keys of a map). */
  containsQuorum(sids: Iterable<number>): boolean {
    let n = 0;
    for (const s of sids) if (this.voterSet.has(s)) n++;
    return n > this.voterSet.size / 2;
  }

  info(thread: "peer" | "receiver", at: string, msg: string): void {
    this.log("INFO", thread === "peer" ? this.peerThread : `WorkerReceiver[myid=${this.sid}]`, at, msg);
  }

  decided(vote: Vote): void {
    this.emit({ kind: "cancelTimer", timer: "election" });
    this.currentVote = vote;
    if (vote.leader === this.sid) this.becomeLeader();
    else this.becomeFollower(vote.leader);
  }

  /** How long the election took, for "LEADER ELECTION TOOK". */
  get electionTook(): number {
    return this.now - this.electionStarted;
  }

  // ---- roles ------------------------------------------------------------------------------

  private becomeLeader(): void {
    this.setState("LEADING");
    this.startRole();
    const leader = new Leader(this);
    this.role = leader;
    leader.start();
  }

  private becomeFollower(leader: number): void {
    this.setState("FOLLOWING");
    this.startRole();
    this.role = new Follower(this, leader);
  }

  private becomeStandalone(): void {
    this.setState("STANDALONE");
    this.startRole();
    this.role = new Standalone(this);
  }

  private startRole(): void {
    this.logCount = 0;
    this.randRoll = this.random.int(0, Math.max(0, Math.floor(this.config.snapCount / 2) - 1));
  }

  /**
   * The role ended (lost its leader, lost its quorum, timed out): elect again with the database as
   * it is in memory. 3.4.10's ZooKeeperServer.shutdown() no longer clears it (ZOOKEEPER-2678), and
   * nothing replays the log into it (that came with ZOOKEEPER-2845 in 3.4.12), so proposals this
   * member logged but never saw committed are in its log and not in its vote.
   */
  roleEnded(): void {
    this.role?.shutdown();
    this.role = undefined;
    this.closeAllClients();
    this.lookForLeader();
  }

  /** QuorumPeer.loadDataBase at start: the database and the epoch files. */
  private load(): void {
    const loaded = this.disk.load();
    this.db = loaded.db;
    this.currentEpoch = loaded.currentEpoch;
    this.acceptedEpoch = loaded.acceptedEpoch;
    this.trace("recover", { sid: this.sid, zxid: this.db.lastProcessedZxid, currentEpoch: this.currentEpoch });
  }

  /**
   * ZKDatabase.truncateLog for a leader's TRUNC: the log cut back to `truncateTo`, then the
   * database cleared and loaded again. The epochs stay as they are in memory: QuorumPeer reads its
   * epoch files only at start.
   */
  truncate(truncateTo: number): void {
    this.db = this.disk.loadDatabase(truncateTo);
    this.trace("recover", { sid: this.sid, zxid: this.db.lastProcessedZxid, currentEpoch: this.currentEpoch });
  }

  /** Replaces the database with a leader's (a SNAP during sync). */
  replaceDb(db: ZkDatabase): void {
    this.db = db;
  }

  setState(state: PeerState): void {
    this.state = state;
    if (state !== "STANDALONE") this.log("INFO", this.peerThread, state === "LOOKING" ? "QuorumPeer@909" : state === "LEADING" ? "QuorumPeer@991" : "QuorumPeer@979", state);
    this.trace("role", { sid: this.sid, role: state, epoch: this.currentEpoch });
  }

  /**
   * 3.4.10's setCurrentEpoch and setAcceptedEpoch change the field before writing the file, so a
   * write the disk refuses leaves memory ahead of the file (ZOOKEEPER-2307, fixed in 3.5.7): the
   * next start may find the accepted epoch behind the current one. Returns the IOException's
   * message when the write failed.
   */
  setCurrentEpoch(e: number): string | undefined {
    this.currentEpoch = e;
    return this.disk.writeEpoch("currentEpoch", e);
  }

  setAcceptedEpoch(e: number): string | undefined {
    this.acceptedEpoch = e;
    return this.disk.writeEpoch("acceptedEpoch", e);
  }

  /** The updatingEpoch marker a learner keeps while NEWLEADER snapshots and moves its epoch. */
  markUpdatingEpoch(): string | undefined {
    return this.disk.markUpdatingEpoch();
  }

  clearUpdatingEpoch(): string | undefined {
    return this.disk.clearUpdatingEpoch();
  }

  /**
   * ZooKeeperServer.takeSnapshot, synchronously in the peer's thread (a learner after a SNAP): an
   * IOException there is fatal, System.exit(10). False when the server exits.
   */
  takeSnapshot(): boolean {
    const error = this.disk.takeSnapshot(this.db.snapshot(), this.peerThread);
    if (error === undefined) return true;
    this.log("ERROR", this.peerThread, "ZooKeeperServer@313", `Severe unrecoverable error, exiting\njava.io.IOException: ${error}`);
    this.fatal(10);
    return false;
  }

  /** QuorumPeer.updateElectionVote: report the new epoch to peers that come looking. */
  updateElectionVote(epoch: number): void {
    this.currentVote = { ...this.currentVote, peerEpoch: epoch };
  }

  /**
   * The sync thread died on an IOException (a full disk): ZooKeeperCriticalThread logs it and the
   * listener puts the server in state ERROR. Nothing is logged or acknowledged from then on; the
   * leader's next tick or the follower's next packet sees the server is not running and ends the
   * role (ZOOKEEPER-2247, in 3.4.9+), and the peer elects again.
   */
  private syncFailed(error: string): void {
    const server = this.role?.server;
    if (server === undefined || server.failed) return;
    const thread = `SyncThread:${this.config.standalone ? 0 : this.sid}`;
    this.log(
      "ERROR",
      thread,
      "ZooKeeperCriticalThread@48",
      `Severe unrecoverable error, from thread : ${thread}\njava.io.IOException: ${error}\n${SYNC_FAILURE_STACK}`,
    );
    this.log("INFO", thread, "ZooKeeperServerListenerImpl@42", `Thread ${thread} exits, error code 1`);
    // A quorum peer's server has no shutdown handler (a standalone server's is ZooKeeperServerMain's).
    if (!this.config.standalone) {
      this.log("ERROR", thread, "ZooKeeperServer@472", "ZKShutdownHandler is not registered, so ZooKeeper server won't take any action on ERROR or SHUTDOWN server state changes");
    }
    server.failed = true;
    server.running = false;
    this.trace("sync-failed", { sid: this.sid, error });
  }

  /** SyncRequestProcessor: log, and roll + snapshot every snapCount/2 + randRoll txns. */
  appendTxns(txns: readonly Txn[]): void {
    // A dead sync thread takes no more requests from its queue.
    if (txns.length === 0 || this.role?.server.failed) return;
    this.emit({ kind: "append", txns });
    this.logCount += txns.length;
    if (this.logCount > Math.floor(this.config.snapCount / 2) + this.randRoll) {
      this.randRoll = this.random.int(0, Math.max(0, Math.floor(this.config.snapCount / 2) - 1));
      this.logCount = 0;
      this.emit({ kind: "rollLog" });
      this.emit({ kind: "snapshot", data: this.db.snapshot() });
    }
  }

  newLink(): number {
    return this.nextLink++;
  }

  // ---- clients ----------------------------------------------------------------------------

  closeCnxn(id: number): void {
    if (!this.cnxns.delete(id)) return;
    this.role?.server.removeCnxn(id);
    this.emit({ kind: "closeClient", cnxn: id });
  }

  /** cnxnFactory.closeAll(): a server that stops serving drops every client connection. */
  private closeAllClients(): void {
    for (const id of [...this.cnxns.keys()]) this.closeCnxn(id);
  }

  /** The session a connection belongs to (0n before one is established). */
  sessionOf(cnxn: number): bigint {
    return this.cnxns.get(cnxn)?.session ?? 0n;
  }

  // ---- effects ----------------------------------------------------------------------------

  emit(e: Effect): void {
    this.out.push(e);
  }

  log(level: LogLevel, thread: string, at: string, msg: string): void {
    this.out.push({ kind: "log", level, thread, at, msg });
  }

  trace(type: string, data: Readonly<Record<string, unknown>>): void {
    this.out.push({ kind: "trace", type, data });
  }

  fatal(status: number): void {
    this.out.push({ kind: "fatal", status });
    this.stopped = true;
  }

  logEnvironment(): void {
    const thread = this.config.standalone ? "main" : this.peerThread;
    for (const line of this.config.environment) this.log("INFO", thread, "Environment@100", `Server environment:${line}`);
  }

  /** The "Created server with ..." line both roles print when their ZooKeeperServer starts. */
  logCreatedServer(): void {
    const c = this.config;
    this.log("INFO", c.standalone ? "main" : this.peerThread, "ZooKeeperServer@173",
      `Created server with tickTime ${c.tickTime} minSessionTimeout ${c.minSessionTimeout} maxSessionTimeout ${c.maxSessionTimeout} datadir ${c.logDir}/version-2 snapdir ${c.snapDir}/version-2`);
  }
}
