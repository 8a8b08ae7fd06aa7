import type { Notification, ServerState } from "./messages.js";
import { hex } from "./zxid.js";

/** FastLeaderElection.finalizeWait and maxNotificationInterval, in ms. */
export const FINALIZE_WAIT = 200;
export const MAX_NOTIFICATION_INTERVAL = 60_000;

export interface Vote {
  readonly leader: number;
  readonly zxid: number;
  readonly round: number;
  readonly peerEpoch: number;
  /** LOOKING for votes counted in an election round; the sender's state for out-of-election ones. */
  readonly state: ServerState;
}

/** What the election needs from the peer hosting it. */
export interface ElectionHost {
  readonly sid: number;
  readonly voters: readonly number[];
  containsQuorum(sids: Iterable<number>): boolean;
  send(to: number, n: Notification): void;
  info(thread: "peer" | "receiver", at: string, msg: string): void;
  setElectionTimer(ms: number): void;
  /** The election is over: lead if `leader` is us, follow otherwise. */
  decided(vote: Vote): void;
}

/**
 * Vote.equals: inside a round everything must match; between servers that are out of the
 * election (FOLLOWING/LEADING) only the leader and its epoch.
 */
function sameVote(a: Vote, b: Vote): boolean {
  if (a.state === "LOOKING" || b.state === "LOOKING") {
    return a.leader === b.leader && a.zxid === b.zxid && a.round === b.round && a.peerEpoch === b.peerEpoch;
  }
  return a.leader === b.leader && a.peerEpoch === b.peerEpoch;
}

/** totalOrderPredicate: (peerEpoch, zxid, sid), higher wins. */
export function beats(newId: number, newZxid: number, newEpoch: number, curId: number, curZxid: number, curEpoch: number): boolean {
  return newEpoch > curEpoch || (newEpoch === curEpoch && (newZxid > curZxid || (newZxid === curZxid && newId > curId)));
}

/**
 * FastLeaderElection.lookForLeader as an event-driven state machine. The Java loop polls a queue
 * with a time-out; here every received notification is one step and the poll time-out is a
 * timer the host arms. "Finalizing" is the finalizeWait pause after a quorum agrees, during which
 * only a better vote reopens the round.
 */
export class FastLeaderElection {
  logicalclock = 0;
  private proposedLeader = -1;
  private proposedZxid = -1;
  private proposedEpoch = -1;
  private recvset = new Map<number, Vote>();
  private outofelection = new Map<number, Vote>();
  private notTimeout = FINALIZE_WAIT;
  private finalizing = false;
  private initial = { zxid: 0, epoch: 0 };
  /** True while this peer is LOOKING. */
  active = false;

  constructor(private readonly host: ElectionHost) {}

  /** The vote this peer currently proposes (what getVote() answers to lagging peers). */
  get proposal(): { leader: number; zxid: number; peerEpoch: number } {
    return { leader: this.proposedLeader, zxid: this.proposedZxid, peerEpoch: this.proposedEpoch };
  }

  start(lastLoggedZxid: number, currentEpoch: number): void {
    this.active = true;
    this.recvset = new Map();
    this.outofelection = new Map();
    this.notTimeout = FINALIZE_WAIT;
    this.finalizing = false;
    this.initial = { zxid: lastLoggedZxid, epoch: currentEpoch };
    this.logicalclock++;
    this.update(this.host.sid, lastLoggedZxid, currentEpoch);
    this.host.info("peer", "FastLeaderElection@813", `New election. My id =  ${this.host.sid}, proposed zxid=0x${hex(this.proposedZxid)}`);
    this.sendNotifications();
    this.host.setElectionTimer(this.notTimeout);
  }

  stop(): void {
    this.active = false;
    this.finalizing = false;
  }

  /** The poll time-out (or the end of finalizeWait). */
  timeout(): void {
    if (!this.active) return;
    if (this.finalizing) {
      this.finish({ leader: this.proposedLeader, zxid: this.proposedZxid, round: this.logicalclock, peerEpoch: this.proposedEpoch, state: "LOOKING" });
      return;
    }
    this.sendNotifications();
    this.notTimeout = Math.min(this.notTimeout * 2, MAX_NOTIFICATION_INTERVAL);
    this.host.info("peer", "FastLeaderElection@847", `Notification time out: ${this.notTimeout}`);
    this.host.setElectionTimer(this.notTimeout);
  }

  /** A notification taken off the receive queue while LOOKING. */
  receive(n: Notification): void {
    if (!this.active) return;
    if (!this.host.voters.includes(n.sid) || !this.host.voters.includes(n.leader)) return;
    if (this.finalizing) {
      // finalizeWait drains the queue: only a better vote goes back and reopens the round.
      if (!beats(n.leader, n.zxid, n.peerEpoch, this.proposedLeader, this.proposedZxid, this.proposedEpoch)) {
        this.host.setElectionTimer(FINALIZE_WAIT);
        return;
      }
      this.finalizing = false;
    }
    switch (n.state) {
      case "LOOKING":
        this.looking(n);
        break;
      case "FOLLOWING":
      case "LEADING":
        this.outOfElection(n);
        break;
    }
    if (this.active && !this.finalizing) this.host.setElectionTimer(this.notTimeout);
  }

  private looking(n: Notification): void {
    if (n.round > this.logicalclock) {
      this.logicalclock = n.round;
      this.recvset.clear();
      if (beats(n.leader, n.zxid, n.peerEpoch, this.host.sid, this.initial.zxid, this.initial.epoch)) {
        this.update(n.leader, n.zxid, n.peerEpoch);
      } else {
        this.update(this.host.sid, this.initial.zxid, this.initial.epoch);
      }
      this.sendNotifications();
    } else if (n.round < this.logicalclock) {
      return;
    } else if (beats(n.leader, n.zxid, n.peerEpoch, this.proposedLeader, this.proposedZxid, this.proposedEpoch)) {
      this.update(n.leader, n.zxid, n.peerEpoch);
      this.sendNotifications();
    }
    this.recvset.set(n.sid, { leader: n.leader, zxid: n.zxid, round: n.round, peerEpoch: n.peerEpoch, state: "LOOKING" });
    const mine: Vote = { leader: this.proposedLeader, zxid: this.proposedZxid, round: this.logicalclock, peerEpoch: this.proposedEpoch, state: "LOOKING" };
    if (this.termPredicate(this.recvset, mine)) {
      this.finalizing = true;
      this.host.setElectionTimer(FINALIZE_WAIT);
    }
  }

  private outOfElection(n: Notification): void {
    const theirs: Vote = { leader: n.leader, zxid: n.zxid, round: n.round, peerEpoch: n.peerEpoch, state: n.state };
    if (n.round === this.logicalclock) {
      this.recvset.set(n.sid, { ...theirs, state: "LOOKING" });
      if (this.ooePredicate(this.recvset, this.outofelection, theirs)) {
        this.finish(theirs);
        return;
      }
    }
    // Before joining an established ensemble, check that a majority follows the same leader.
    this.outofelection.set(n.sid, theirs);
    if (this.ooePredicate(this.outofelection, this.outofelection, theirs)) {
      this.logicalclock = n.round;
      this.finish(theirs);
    }
  }

  private finish(vote: Vote): void {
    this.active = false;
    this.finalizing = false;
    this.host.decided(vote);
  }

  private termPredicate(votes: ReadonlyMap<number, Vote>, vote: Vote): boolean {
    const agree: number[] = [];
    for (const [sid, v] of votes) if (sameVote(v, vote)) agree.push(sid);
    return this.host.containsQuorum(agree);
  }

  private ooePredicate(recv: ReadonlyMap<number, Vote>, ooe: ReadonlyMap<number, Vote>, vote: Vote): boolean {
    return this.termPredicate(recv, vote) && this.checkLeader(ooe, vote.leader, vote.round);
  }

  /** A leader other than us must itself have said LEADING; if it is us, the round must be ours. */
  private checkLeader(votes: ReadonlyMap<number, Vote>, leader: number, round: number): boolean {
    if (leader !== this.host.sid) return votes.get(leader)?.state === "LEADING";
    return this.logicalclock === round;
  }

  private update(leader: number, zxid: number, epoch: number): void {
    this.proposedLeader = leader;
    this.proposedZxid = zxid;
    this.proposedEpoch = epoch;
  }

  private sendNotifications(): void {
    const n: Notification = {
      leader: this.proposedLeader,
      zxid: this.proposedZxid,
      round: this.logicalclock,
      state: "LOOKING",
      sid: this.host.sid,
      peerEpoch: this.proposedEpoch,
    };
    for (const sid of this.host.voters) this.host.send(sid, n);
  }
}
