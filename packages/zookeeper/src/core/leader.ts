import type { SessionTracker } from "./sessions.js";
import type { TimerName } from "./io.js";
import type { QuorumPacket } from "./messages.js";
import type { QuorumPeer, Role } from "./peer.js";
import { TxnFactory, type Submission } from "./processor.js";
import { ZkServer, type WritePath } from "./server.js";
import type { Txn } from "./txn.js";
import { epochOf, hex, makeZxid } from "./zxid.js";

type Stage =
  | "info" // waiting for FOLLOWERINFO
  | "epoch" // waiting for a quorum to agree on the new epoch
  | "ackepoch" // LEADERINFO sent
  | "electing" // waiting for a quorum of ACKEPOCHs
  | "newleader" // sync packets and NEWLEADER sent, waiting for its ACK
  | "waitquorum" // NEWLEADER acked, waiting for the leader to start serving
  | "broadcast";

/** LearnerHandler: the leader's side of one learner connection. */
interface Handler {
  readonly link: number;
  readonly remote: string;
  sid: number;
  stage: Stage;
  peerLastZxid: number;
  /** Ticks after which the learner counts as out of sync (LearnerHandler.synced). */
  tickOfNextAckDeadline: number;
  /** Receives proposals and commits (Leader.forwardingFollowers). */
  forwarding: boolean;
  /** Proposals sent and not acknowledged, with when (SyncLimitCheck). */
  readonly unacked: { zxid: number; at: number }[];
}

interface Proposal {
  readonly txn: Txn;
  readonly acks: Set<number>;
}

/**
 * Leader.lead() and its LearnerHandlers: discovery (agreeing on a new epoch), synchronization
 * (DIFF/TRUNC/SNAP, NEWLEADER), then broadcast (PROPOSAL, ACK, COMMIT) with a PING every half
 * tick, stepping down when a quorum has not been heard from within syncLimit ticks.
 */
export class Leader implements Role, WritePath {
  readonly server: ZkServer;
  private readonly txns: TxnFactory;

  get sessions(): SessionTracker {
    return this.txns.tracker;
  }
  private readonly handlers = new Map<number, Handler>();
  private epoch: number;
  private waitingForNewEpoch = true;
  private readonly connecting = new Set<number>();
  private electionFinished = false;
  private readonly electing = new Set<number>();
  private quorumFormed = false;
  private readonly newLeaderAcks = new Set<number>();
  private newLeaderZxid = -1;
  private readonly summary: { currentEpoch: number; lastZxid: number };
  private lastProposed = 0;
  private lastCommitted = 0;
  private readonly outstanding: Proposal[] = [];
  private tick = 0;
  private tickSkip = true;
  private down = false;

  constructor(private readonly peer: QuorumPeer) {
    const cfg = peer.config;
    this.server = new ZkServer(peer, this, cfg.sid, `CommitProcessor:${cfg.sid}`);
    this.txns = new TxnFactory(peer);
    peer.log("INFO", peer.peerThread, "Leader@64", "TCP NoDelay set to: true");
    peer.logEnvironment();
    peer.logCreatedServer();
    peer.log("INFO", peer.peerThread, "Leader@361", `LEADING - LEADER ELECTION TOOK - ${peer.electionTook}`);
    peer.emit({ kind: "listenQuorum", open: true });
    this.summary = { currentEpoch: peer.currentEpoch, lastZxid: peer.db.lastProcessedZxid };
    this.epoch = peer.acceptedEpoch + 1;
    this.connecting.add(cfg.sid);
    this.armInitLimit();
  }

  /** lead()'s first step, once the peer holds this role: propose an epoch if we alone are a quorum. */
  start(): void {
    this.checkEpochQuorum();
  }

  /** mntr's zk_followers and zk_synced_followers. */
  followerCounts(): { followers: number; synced: number } {
    let followers = 0;
    let synced = 0;
    for (const h of this.handlers.values()) {
      if (h.sid < 0) continue;
      followers++;
      if (h.stage === "broadcast") synced++;
    }
    return { followers, synced };
  }

  // ---- discovery and synchronization ------------------------------------------------------

  private armInitLimit(): void {
    this.peer.emit({ kind: "setTimer", timer: "initLimit", ms: this.peer.config.initLimit * this.peer.config.tickTime });
  }

  private checkEpochQuorum(): void {
    if (!this.waitingForNewEpoch || !this.peer.containsQuorum(this.connecting)) return;
    this.waitingForNewEpoch = false;
    const error = this.peer.setAcceptedEpoch(this.epoch);
    if (error !== undefined) return this.fail(`Unexpected exception\njava.io.IOException: ${error}`, "Forcing shutdown");
    this.txns.hzxid = makeZxid(this.epoch, 0);
    this.lastProposed = this.txns.hzxid;
    this.newLeaderZxid = this.txns.hzxid;
    for (const h of this.handlers.values()) if (h.stage === "epoch") this.sendLeaderInfo(h);
    this.electing.add(this.peer.sid);
    this.armInitLimit();
    this.checkEpochAckQuorum();
  }

  private checkEpochAckQuorum(): void {
    if (this.electionFinished || this.waitingForNewEpoch || !this.peer.containsQuorum(this.electing)) return;
    this.electionFinished = true;
    const error = this.peer.setCurrentEpoch(this.epoch);
    if (error !== undefined) return this.fail(`Unexpected exception\njava.io.IOException: ${error}`, "Forcing shutdown");
    this.newLeaderAcks.add(this.peer.sid);
    for (const h of this.handlers.values()) if (h.stage === "electing") this.sync(h);
    this.armInitLimit();
    this.checkNewLeaderQuorum();
  }

  private checkNewLeaderQuorum(): void {
    if (this.quorumFormed || !this.electionFinished || !this.peer.containsQuorum(this.newLeaderAcks)) return;
    this.quorumFormed = true;
    this.peer.emit({ kind: "cancelTimer", timer: "initLimit" });
    this.startZkServer();
    for (const h of this.handlers.values()) if (h.stage === "waitquorum") this.upToDate(h);
  }

  private startZkServer(): void {
    const peer = this.peer;
    const zxid = this.txns.hzxid;
    this.lastCommitted = zxid;
    peer.log("INFO", peer.peerThread, "Leader@962",
      `Have quorum of supporters, sids: [ ${sidList(this.newLeaderAcks)} ]; starting up and setting last processed zxid: 0x${hex(zxid)}`);
    this.txns.startSessions();
    this.server.running = true;
    peer.updateElectionVote(this.epoch);
    peer.db.tree.lastProcessedZxid = zxid;
    peer.trace("established", { sid: peer.sid, epoch: this.epoch, zxid });
    peer.emit({ kind: "setTimer", timer: "tick", ms: peer.config.tickTime / 2 });
  }

  linkAccepted(link: number, remote: string): void {
    const cfg = this.peer.config;
    this.handlers.set(link, {
      link,
      remote,
      sid: -1,
      stage: "info",
      peerLastZxid: -1,
      tickOfNextAckDeadline: this.tick + cfg.initLimit + cfg.syncLimit,
      forwarding: false,
      unacked: [],
    });
  }

  linkUp(): void {}

  linkDown(link: number): void {
    const h = this.handlers.get(link);
    if (h === undefined) return;
    this.peer.log("ERROR", this.thread(h), "LearnerHandler@648", "Unexpected exception causing shutdown while sock still open\njava.io.EOFException");
    this.closeHandler(h);
  }

  packet(link: number, p: QuorumPacket): void {
    const h = this.handlers.get(link);
    if (h === undefined) return;
    const peer = this.peer;
    switch (h.stage) {
      case "info": {
        if (p.type !== "FOLLOWERINFO") return this.closeHandler(h);
        h.sid = p.sid;
        peer.log("INFO", this.thread(h), "LearnerHandler@346", `Follower sid: ${p.sid} : info : org.apache.zookeeper.server.quorum.QuorumPeer$QuorumServer@${identityHash(p.sid)}`);
        if (this.waitingForNewEpoch) {
          const accepted = epochOf(p.zxid);
          if (accepted >= this.epoch) this.epoch = accepted + 1;
          this.connecting.add(p.sid);
          h.stage = "epoch";
          this.checkEpochQuorum();
        } else {
          this.sendLeaderInfo(h);
        }
        return;
      }
      case "ackepoch": {
        if (p.type !== "ACKEPOCH") return this.closeHandler(h);
        h.peerLastZxid = p.zxid;
        if (this.electionFinished) return this.sync(h);
        if (p.epoch !== -1) {
          const ahead = p.epoch > this.summary.currentEpoch || (p.epoch === this.summary.currentEpoch && p.zxid > this.summary.lastZxid);
          if (ahead) {
            peer.log("ERROR", this.thread(h), "LearnerHandler@633",
              `Unexpected exception causing shutdown while sock still open\njava.io.IOException: Follower is ahead of the leader, leader summary: ${this.summary.currentEpoch} (current epoch), ${this.summary.lastZxid} (last zxid)`);
            return this.closeHandler(h);
          }
          this.electing.add(h.sid);
        }
        h.stage = "electing";
        this.checkEpochAckQuorum();
        return;
      }
      case "newleader": {
        if (p.type !== "ACK") {
          peer.log("ERROR", this.thread(h), "LearnerHandler@525", "Next packet was supposed to be an ACK");
          return this.closeHandler(h);
        }
        peer.log("INFO", this.thread(h), "LearnerHandler@535", `Received NEWLEADER-ACK message from ${h.sid}`);
        h.tickOfNextAckDeadline = this.tick + peer.config.syncLimit;
        if (!this.quorumFormed) {
          if (p.zxid === this.newLeaderZxid) this.newLeaderAcks.add(h.sid);
          h.stage = "waitquorum";
          this.checkNewLeaderQuorum();
        } else {
          this.upToDate(h);
        }
        return;
      }
      case "waitquorum":
      case "broadcast":
        h.tickOfNextAckDeadline = this.tick + peer.config.syncLimit;
        this.broadcastPacket(h, p);
        return;
      case "epoch":
      case "electing":
        // The learner should be waiting for us.
        return this.closeHandler(h);
    }
  }

  private sendLeaderInfo(h: Handler): void {
    h.stage = "ackepoch";
    this.send(h, { type: "LEADERINFO", zxid: makeZxid(this.epoch, 0) });
  }

  /** LearnerHandler's choice of DIFF, TRUNC or SNAP, then startForwarding and NEWLEADER. */
  private sync(h: Handler): void {
    const peer = this.peer;
    const db = peer.db;
    const peerLast = h.peerLastZxid;
    const log = db.committedLog;
    const max = db.maxCommittedLog;
    const min = db.minCommittedLog;
    const thread = this.thread(h);
    peer.log("INFO", thread, "LearnerHandler@395", `Synchronizing with Follower sid: ${h.sid} maxCommittedLog=0x${hex(max)} minCommittedLog=0x${hex(min)} peerLastZxid=0x${hex(peerLast)}`);
    const queued: QuorumPacket[] = [];
    let type: "DIFF" | "TRUNC" | "SNAP" = "SNAP";
    let zxidToSend = 0;
    let updates = peerLast;
    if (peerLast === db.lastProcessedZxid) {
      peer.log("INFO", thread, "LearnerHandler@462", `leader and follower are in sync, zxid=0x${hex(peerLast)}`);
      type = "DIFF";
      zxidToSend = peerLast;
    } else if (log.length > 0) {
      if (max >= peerLast && min <= peerLast) {
        type = "DIFF";
        zxidToSend = max;
        let prev = -1;
        let first = true;
        for (const txn of log) {
          if (txn.zxid <= peerLast) {
            prev = txn.zxid;
            continue;
          }
          if (first) {
            first = false;
            if (prev < peerLast) {
              type = "TRUNC";
              zxidToSend = prev;
              updates = prev;
            }
          }
          queued.push({ type: "PROPOSAL", txn }, { type: "COMMIT", zxid: txn.zxid });
        }
      } else if (peerLast > max) {
        type = "TRUNC";
        zxidToSend = max;
        updates = max;
      } else {
        peer.log("WARN", thread, "LearnerHandler@456", "Unhandled proposal scenario");
      }
    }
    // startForwarding: proposals not yet committed follow the history.
    const leaderLast = this.lastProposed;
    if (this.lastProposed > updates) for (const p of this.outstanding) if (p.txn.zxid > updates) queued.push({ type: "PROPOSAL", txn: p.txn });
    h.forwarding = true;
    queued.push({ type: "NEWLEADER", zxid: this.newLeaderZxid });
    peer.log("INFO", thread, "LearnerHandler@475", `Sending ${type}`);
    if (type === "SNAP") {
      zxidToSend = db.lastProcessedZxid;
      peer.log("INFO", thread, "LearnerHandler@499",
        `Sending snapshot last zxid of peer is 0x${hex(peerLast)}  zxid of leader is 0x${hex(leaderLast)}sent zxid of db as 0x${hex(zxidToSend)}`);
      this.send(h, { type: "SNAP", zxid: zxidToSend, snapshot: db.snapshot() });
    } else {
      this.send(h, { type, zxid: zxidToSend });
    }
    for (const q of queued) this.send(h, q);
    h.stage = "newleader";
  }

  private upToDate(h: Handler): void {
    h.stage = "broadcast";
    h.unacked.length = 0;
    this.send(h, { type: "UPTODATE" });
  }

  private broadcastPacket(h: Handler, p: QuorumPacket): void {
    const now = this.peer.now;
    switch (p.type) {
      case "ACK":
        while (h.unacked.length > 0 && h.unacked[0]!.zxid <= p.zxid) h.unacked.shift();
        this.processAck(h.sid, p.zxid);
        return;
      case "PING":
        for (const [id] of p.touches ?? []) this.txns.tracker.touch(id, now);
        return;
      case "REQUEST":
        if (this.server.running) this.submit(p.session, p.cxid, p.req);
        return;
      case "REVALIDATE": {
        const valid = this.txns.tracker.touch(p.session, now);
        this.send(h, { type: "REVALIDATE", session: p.session, timeout: p.timeout, valid });
        return;
      }
      default:
        this.peer.log("WARN", this.thread(h), "LearnerHandler@628", `unexpected quorum packet, type: ${p.type}`);
    }
  }

  private closeHandler(h: Handler): void {
    if (!this.handlers.delete(h.link)) return;
    this.peer.log("WARN", this.thread(h), "LearnerHandler@661", `******* GOODBYE ${h.remote} ********`);
    this.peer.emit({ kind: "closeLink", link: h.link });
  }

  private send(h: Handler, p: QuorumPacket): void {
    if (p.type === "PROPOSAL" && h.stage === "broadcast") h.unacked.push({ zxid: p.txn.zxid, at: this.peer.now });
    this.peer.emit({ kind: "send", link: h.link, packet: p });
  }

  private thread(h: Handler): string {
    return `LearnerHandler-${h.remote}`;
  }

  // ---- broadcast --------------------------------------------------------------------------

  submit(session: bigint, cxid: number, req: Submission): void {
    this.propose(this.txns.next(session, cxid, req));
  }

  private propose(txn: Txn): void {
    this.lastProposed = txn.zxid;
    this.outstanding.push({ txn, acks: new Set() });
    for (const h of this.handlers.values()) if (h.forwarding) this.send(h, { type: "PROPOSAL", txn });
    this.peer.appendTxns([txn]);
  }

  logged(zxid: number): void {
    for (const p of this.outstanding) {
      if (p.txn.zxid > zxid) break;
      p.acks.add(this.peer.sid);
    }
    this.tryCommit();
  }

  private processAck(sid: number, zxid: number): void {
    if (zxid <= this.lastCommitted) return;
    const p = this.outstanding.find((x) => x.txn.zxid === zxid);
    if (p === undefined) {
      this.peer.log("WARN", `LearnerHandler`, "Leader@597", `Trying to commit future proposal: zxid 0x${hex(zxid)} from ${sid}`);
      return;
    }
    p.acks.add(sid);
    this.tryCommit();
  }

  /** Commits in zxid order: a proposal commits once a quorum has logged it and all before it. */
  private tryCommit(): void {
    while (this.outstanding.length > 0 && this.peer.containsQuorum(this.outstanding[0]!.acks)) {
      const p = this.outstanding.shift()!;
      const zxid = p.txn.zxid;
      this.lastCommitted = zxid;
      for (const h of this.handlers.values()) if (h.forwarding) this.send(h, { type: "COMMIT", zxid });
      this.server.commit(p.txn);
      this.txns.applied(p.txn);
    }
  }

  revalidate(cnxn: number, session: bigint): void {
    this.server.finishSessionInit(cnxn, this.txns.tracker.touch(session, this.peer.now));
  }

  touch(session: bigint): void {
    this.txns.tracker.touch(session, this.peer.now);
  }

  // ---- ticks ------------------------------------------------------------------------------

  timer(name: TimerName): void {
    if (this.down) return;
    switch (name) {
      case "initLimit":
        if (this.waitingForNewEpoch) return this.fail("Unexpected exception\njava.lang.InterruptedException: Timeout while waiting for epoch from quorum", "Forcing shutdown");
        if (!this.electionFinished) return this.fail("Unexpected exception\njava.lang.InterruptedException: Timeout while waiting for epoch to be acked by quorum", "Forcing shutdown");
        if (!this.quorumFormed) return this.stepDown(`Waiting for a quorum of followers, only synced with sids: [ ${sidList(this.newLeaderAcks)} ]`);
        return;
      case "tick":
        return this.onTick();
      case "sessions":
        return this.txns.expire((session, cxid, req) => this.submit(session, cxid, req));
      default:
        return;
    }
  }

  private onTick(): void {
    const cfg = this.peer.config;
    if (!this.tickSkip) this.tick++;
    const synced = new Set<number>([this.peer.sid]);
    for (const h of this.handlers.values()) if (h.sid >= 0 && this.tick <= h.tickOfNextAckDeadline) synced.add(h.sid);
    for (const h of [...this.handlers.values()]) {
      if (h.stage !== "newleader" && h.stage !== "waitquorum" && h.stage !== "broadcast") continue;
      const oldest = h.unacked[0];
      if (oldest !== undefined && this.peer.now - oldest.at >= cfg.syncLimit * cfg.tickTime) {
        this.peer.log("WARN", this.thread(h), "LearnerHandler@864", "Closing connection to peer due to transaction timeout.");
        this.closeHandler(h);
        continue;
      }
      this.send(h, { type: "PING", zxid: this.lastProposed });
    }
    // lead()'s loop checks that the server still runs (ZOOKEEPER-2247): a dead sync thread ends it.
    if (this.server.failed) return this.stepDown("Unexpected internal error");
    if (!this.tickSkip && !this.peer.containsQuorum(synced)) {
      return this.stepDown(`Not sufficient followers synced, only synced with sids: [ ${sidList(synced)} ]`);
    }
    this.tickSkip = !this.tickSkip;
    this.peer.emit({ kind: "setTimer", timer: "tick", ms: cfg.tickTime / 2 });
  }

  // ---- ending -----------------------------------------------------------------------------

  /** An exception escaped lead(): QuorumPeer logs it and shuts the leader down. */
  private fail(message: string, reason: string): void {
    this.peer.log("WARN", this.peer.peerThread, "QuorumPeer@1006", message);
    this.stepDown(reason);
  }

  private stepDown(reason: string): void {
    const peer = this.peer;
    peer.log("INFO", peer.peerThread, "Leader@496", "Shutting down");
    peer.log("INFO", peer.peerThread, "Leader@502", `Shutdown called\njava.lang.Exception: shutdown Leader! reason: ${reason}\n\tat org.apache.zookeeper.server.quorum.Leader.shutdown(Leader.java:502)\n\tat org.apache.zookeeper.server.quorum.QuorumPeer.run(QuorumPeer.java:1009)`);
    peer.roleEnded();
  }

  shutdown(): void {
    if (this.down) return;
    this.down = true;
    this.server.running = false;
    for (const t of ["tick", "initLimit", "sessions"] as const) this.peer.emit({ kind: "cancelTimer", timer: t });
    this.peer.emit({ kind: "listenQuorum", open: false });
    for (const h of [...this.handlers.values()]) {
      this.handlers.delete(h.link);
      this.peer.emit({ kind: "closeLink", link: h.link });
    }
  }
}

/** getSidSetString: ids joined by commas, in HashSet<Long> order (ascending for small ids). */
function sidList(sids: Iterable<number>): string {
  return [...sids].sort((a, b) => a - b).join(",");
}

/** A stand-in for Object.hashCode in the QuorumServer's toString: stable per sid. */
function identityHash(sid: number): string {
  return ((Math.imul(sid + 0x5bd1e995, 0x27d4eb2d) >>> 0) & 0x7fffffff).toString(16);
}
