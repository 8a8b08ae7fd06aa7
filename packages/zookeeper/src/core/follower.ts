import { ZkDatabase } from "./database.js";
import type { TimerName } from "./io.js";
import { PACKET_TYPE_CODES, type QuorumPacket } from "./messages.js";
import type { QuorumPeer, Role } from "./peer.js";
import type { Submission } from "./processor.js";
import { ZkServer, type WritePath } from "./server.js";
import type { Txn } from "./txn.js";
import { epochOf, hex, makeZxid } from "./zxid.js";

/**
 * syncing: the leader's first packet (DIFF, SNAP or TRUNC) is due; catchingUp: the proposals and
 * commits of the sync, up to NEWLEADER; acking: from NEWLEADER to UPTODATE.
 */
type Stage = "connecting" | "registering" | "syncing" | "catchingUp" | "acking" | "following";

/** Learner.connectToLeader tries five times, a second apart. */
const CONNECT_TRIES = 5;
const CONNECT_RETRY_MS = 1000;

/**
 * Follower.followLeader: connect to the elected leader, register (FOLLOWERINFO / LEADERINFO /
 * ACKEPOCH), sync (syncWithLeader), then log proposals, ACK them once durable and apply commits
 * in order. Any error — the leader gone, silent for syncLimit ticks, a protocol violation —
 * ends the role and the peer goes back to LOOKING.
 */
export class Follower implements Role, WritePath {
  readonly server: ZkServer;
  private stage: Stage = "connecting";
  private link = -1;
  private tries = 0;
  private newEpoch = -1;
  private snapshotNeeded = true;
  private writeToTxnLog = false;
  private packetsNotCommitted: Txn[] = [];
  private packetsCommitted: number[] = [];
  /** Logged proposals waiting for their COMMIT (FollowerZooKeeperServer.pendingTxns). */
  private pendingTxns: Txn[] = [];
  /** Proposals appended to the log and not yet acknowledged to the leader. */
  private toAck: number[] = [];
  private lastQueued = 0;
  /** The NEWLEADER ACK goes out once everything synced before it is durable. */
  private newLeaderAckAfter: number | undefined;
  private readonly revalidations = new Map<bigint, number>();
  private readonly touches = new Map<bigint, number>();
  private down = false;

  constructor(
    private readonly peer: QuorumPeer,
    private readonly leaderSid: number,
  ) {
    this.server = new ZkServer(peer, this, peer.sid, `CommitProcessor:${peer.sid}`);
    peer.logEnvironment();
    peer.logCreatedServer();
    peer.log("INFO", peer.peerThread, "Follower@61", `FOLLOWING - LEADER ELECTION TOOK - ${peer.electionTook}`);
    this.connect();
  }

  private connect(): void {
    this.link = this.peer.newLink();
    const cfg = this.peer.config;
    this.peer.emit({ kind: "connectLeader", link: this.link, sid: this.leaderSid, timeoutMs: cfg.tickTime * cfg.syncLimit });
  }

  linkUp(link: number): void {
    if (link !== this.link || this.stage !== "connecting") return;
    this.stage = "registering";
    this.armRead(this.peer.config.initLimit);
    this.send({ type: "FOLLOWERINFO", sid: this.peer.sid, zxid: makeZxid(this.peer.acceptedEpoch, 0) });
  }

  linkAccepted(link: number): void {
    this.peer.emit({ kind: "closeLink", link });
  }

  linkDown(link: number, reason: string, address = `leader ${this.leaderSid}`): void {
    if (link !== this.link) return;
    if (this.stage === "connecting") {
      if (++this.tries < CONNECT_TRIES) {
        this.peer.log("WARN", this.peer.peerThread, "Learner@237", `Unexpected exception, tries=${this.tries - 1}, connecting to ${address}\n${reason}`);
        this.peer.emit({ kind: "setTimer", timer: "connectRetry", ms: CONNECT_RETRY_MS });
        return;
      }
      this.peer.log("ERROR", this.peer.peerThread, "Learner@240", `Unexpected exception\n${reason}`);
    }
    this.fail(reason);
  }

  timer(name: TimerName): void {
    if (this.down) return;
    if (name === "connectRetry" && this.stage === "connecting") this.connect();
    else if (name === "learnerRead") this.fail("java.net.SocketTimeoutException: Read timed out");
  }

  private armRead(ticks: number): void {
    this.peer.emit({ kind: "setTimer", timer: "learnerRead", ms: ticks * this.peer.config.tickTime });
  }

  private send(p: QuorumPacket): void {
    this.peer.emit({ kind: "send", link: this.link, packet: p });
  }

  packet(link: number, p: QuorumPacket): void {
    if (link !== this.link || this.down) return;
    // followLeader's loop runs while the server does: a dead sync thread ends it quietly.
    if (this.stage === "following" && this.server.failed) return this.quit();
    const cfg = this.peer.config;
    this.armRead(this.stage === "following" ? cfg.syncLimit : cfg.initLimit);
    switch (this.stage) {
      case "registering":
        return this.registering(p);
      case "syncing":
        return this.syncStart(p);
      case "catchingUp":
      case "acking":
        return this.catchUp(p);
      case "following":
        return this.following(p);
      case "connecting":
        return;
    }
  }

  /** Learner.registerWithLeader: answer LEADERINFO with ACKEPOCH. */
  private registering(p: QuorumPacket): void {
    const peer = this.peer;
    if (p.type !== "LEADERINFO") return this.fail(`java.io.IOException: First packet should have been NEWLEADER`);
    const newEpoch = epochOf(p.zxid);
    let epochField: number;
    if (newEpoch > peer.acceptedEpoch) {
      epochField = peer.currentEpoch;
      const error = peer.setAcceptedEpoch(newEpoch);
      if (error !== undefined) return this.fail(`java.io.IOException: ${error}`);
    } else if (newEpoch === peer.acceptedEpoch) {
      // Already acked an epoch equal to the leader's: say so with -1 rather than ack it twice.
      epochField = -1;
    } else {
      return this.fail(`java.io.IOException: Leaders epoch, ${newEpoch} is less than accepted epoch, ${peer.acceptedEpoch}`);
    }
    this.newEpoch = newEpoch;
    this.send({ type: "ACKEPOCH", zxid: peer.db.lastProcessedZxid, epoch: epochField });
    this.stage = "syncing";
  }

  /**
   * Learner.syncWithLeader's first packet says how the leader syncs us; anything else there ends
   * the JVM (System.exit(13)).
   */
  private syncStart(p: QuorumPacket): void {
    const peer = this.peer;
    const thread = peer.peerThread;
    this.stage = "catchingUp";
    switch (p.type) {
      case "DIFF":
        peer.log("INFO", thread, "Learner@332", `Getting a diff from the leader 0x${hex(p.zxid)}`);
        this.snapshotNeeded = false;
        this.writeToTxnLog = true;
        return;
      case "SNAP":
        peer.log("INFO", thread, "Learner@336", `Getting a snapshot from leader 0x${hex(p.zxid)}`);
        peer.replaceDb(ZkDatabase.fromSnapshot(p.snapshot));
        peer.db.tree.lastProcessedZxid = p.zxid;
        return;
      case "TRUNC":
        peer.log("WARN", thread, "Learner@353", `Truncating log to get in sync with the leader 0x${hex(p.zxid)}`);
        peer.truncate(p.zxid);
        peer.db.tree.lastProcessedZxid = p.zxid;
        return;
      default:
        peer.log("ERROR", thread, "Learner@404", `Got unexpected packet from leader ${PACKET_TYPE_CODES[p.type]} exiting ... `);
        peer.fatal(13);
    }
  }

  /**
   * syncWithLeader's loop up to UPTODATE. It has no default case: a PING the leader queued
   * behind NEWLEADER is read and dropped.
   */
  private catchUp(p: QuorumPacket): void {
    const peer = this.peer;
    const thread = peer.peerThread;
    switch (p.type) {
      case "PROPOSAL":
        if (p.txn.zxid !== this.lastQueued + 1) {
          peer.log("WARN", thread, "Learner@382", `Got zxid 0x${hex(p.txn.zxid)} expected 0x${hex(this.lastQueued + 1)}`);
        }
        this.lastQueued = p.txn.zxid;
        this.packetsNotCommitted.push(p.txn);
        return;
      case "COMMIT":
        if (!this.writeToTxnLog) {
          const pif = this.packetsNotCommitted[0];
          if (pif === undefined || pif.zxid !== p.zxid) {
            peer.log("WARN", thread, "Learner@397", `Committing ${hex(p.zxid)}, but next proposal is ${pif === undefined ? "none" : hex(pif.zxid)}`);
          } else {
            this.server.commit(pif);
            this.packetsNotCommitted.shift();
          }
        } else {
          this.packetsCommitted.push(p.zxid);
        }
        return;
      case "NEWLEADER":
        return this.newLeader(p.zxid);
      case "UPTODATE":
        return this.upToDate();
    }
  }

  /**
   * NEWLEADER: under the updatingEpoch marker, snapshot if the sync replaced our state and take
   * the new epoch; then acknowledge — but only once the proposals synced so far are durable
   * (3.4.10 acknowledged before logging them, ZOOKEEPER-3911; we log first so a NEWLEADER quorum
   * really holds the history). A failure on the way leaves the marker behind, as in 3.4.10.
   */
  private newLeader(zxid: number): void {
    const peer = this.peer;
    const marked = peer.markUpdatingEpoch();
    if (marked !== undefined) return this.fail(`java.io.IOException: ${marked}`);
    if (this.snapshotNeeded && !peer.takeSnapshot()) return;
    const error = peer.setCurrentEpoch(this.newEpoch);
    if (error !== undefined) return this.fail(`java.io.IOException: ${error}`);
    const cleared = peer.clearUpdatingEpoch();
    if (cleared !== undefined) return this.fail(`java.io.IOException: ${cleared}`);
    this.writeToTxnLog = true;
    this.stage = "acking";
    const batch = this.packetsNotCommitted;
    this.packetsNotCommitted = [];
    this.pendingTxns.push(...batch);
    this.toAck.push(...batch.map((t) => t.zxid));
    peer.appendTxns(batch);
    this.newLeaderAckAfter = zxid;
    if (batch.length === 0) this.ackNewLeader();
  }

  private ackNewLeader(): void {
    if (this.newLeaderAckAfter === undefined) return;
    this.send({ type: "ACK", zxid: this.newLeaderAckAfter });
    this.newLeaderAckAfter = undefined;
  }

  private upToDate(): void {
    const peer = this.peer;
    this.stage = "following";
    this.armRead(peer.config.syncLimit);
    this.server.running = true;
    peer.updateElectionVote(this.newEpoch);
    // Proposals that arrived after NEWLEADER are logged now, as logRequest does after UPTODATE.
    const late = this.packetsNotCommitted;
    this.packetsNotCommitted = [];
    this.pendingTxns.push(...late);
    this.toAck.push(...late.map((t) => t.zxid));
    peer.appendTxns(late);
    const committed = this.packetsCommitted;
    this.packetsCommitted = [];
    for (const zxid of committed) this.commit(zxid);
  }

  private following(p: QuorumPacket): void {
    const peer = this.peer;
    switch (p.type) {
      case "PING":
        this.send({ type: "PING", zxid: p.zxid, touches: [...this.touches] });
        this.touches.clear();
        return;
      case "PROPOSAL":
        if (p.txn.zxid !== this.lastQueued + 1) {
          peer.log("WARN", peer.peerThread, "Follower@118", `Got zxid 0x${hex(p.txn.zxid)} expected 0x${hex(this.lastQueued + 1)}`);
        }
        this.lastQueued = p.txn.zxid;
        this.pendingTxns.push(p.txn);
        this.toAck.push(p.txn.zxid);
        peer.appendTxns([p.txn]);
        return;
      case "COMMIT":
        return this.commit(p.zxid);
      case "REVALIDATE": {
        const cnxn = this.revalidations.get(p.session);
        if (cnxn === undefined) return;
        this.revalidations.delete(p.session);
        this.server.finishSessionInit(cnxn, p.valid === true);
        return;
      }
      case "UPTODATE":
        peer.log("ERROR", peer.peerThread, "Follower@133", "Received an UPTODATE message after Follower started");
        return;
      default:
        peer.log("WARN", peer.peerThread, "Follower@139", `Unknown packet type: ${p.type}`);
    }
  }

  /** FollowerZooKeeperServer.commit: the commit must be for the oldest pending proposal. */
  private commit(zxid: number): void {
    const peer = this.peer;
    const first = this.pendingTxns[0];
    if (first === undefined) {
      peer.log("WARN", peer.peerThread, "FollowerZooKeeperServer@111", `Committing ${hex(zxid)} without seeing txn`);
      return;
    }
    if (first.zxid !== zxid) {
      peer.log("ERROR", peer.peerThread, "FollowerZooKeeperServer@116", `Committing zxid 0x${hex(zxid)} but next pending txn 0x${hex(first.zxid)}`);
      peer.fatal(12);
      return;
    }
    this.pendingTxns.shift();
    this.server.commit(first);
  }

  logged(zxid: number): void {
    if (this.down) return;
    if (this.newLeaderAckAfter !== undefined && (this.toAck.length === 0 || this.toAck[this.toAck.length - 1]! <= zxid)) {
      this.ackNewLeader();
    }
    if (this.newLeaderAckAfter !== undefined) return;
    while (this.toAck.length > 0 && this.toAck[0]! <= zxid) this.send({ type: "ACK", zxid: this.toAck.shift()! });
  }

  // ---- client writes go to the leader -----------------------------------------------------

  submit(session: bigint, cxid: number, req: Submission): void {
    this.send({ type: "REQUEST", session, cxid, req });
  }

  revalidate(cnxn: number, session: bigint, timeout: number): void {
    this.revalidations.set(session, cnxn);
    this.send({ type: "REVALIDATE", session, timeout });
  }

  touch(session: bigint, timeout: number): void {
    this.touches.set(session, timeout);
  }

  // ---- ending -----------------------------------------------------------------------------

  private fail(reason: string): void {
    if (this.down) return;
    this.peer.log("WARN", this.peer.peerThread, "Follower@92", `Exception when following the leader\n${reason}`);
    this.quit();
  }

  /** QuorumPeer.run's finally: the follower is shut down and the peer looks for a leader again. */
  private quit(): void {
    const peer = this.peer;
    peer.log("INFO", peer.peerThread, "Follower@198", "shutdown called\njava.lang.Exception: shutdown Follower\n\tat org.apache.zookeeper.server.quorum.Follower.shutdown(Follower.java:198)\n\tat org.apache.zookeeper.server.quorum.QuorumPeer.run(QuorumPeer.java:975)");
    peer.roleEnded();
  }

  shutdown(): void {
    if (this.down) return;
    this.down = true;
    this.server.running = false;
    this.peer.emit({ kind: "cancelTimer", timer: "learnerRead" });
    this.peer.emit({ kind: "cancelTimer", timer: "connectRetry" });
    this.peer.emit({ kind: "closeLink", link: this.link });
  }
}
