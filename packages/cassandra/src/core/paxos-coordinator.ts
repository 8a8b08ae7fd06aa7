import type { Random } from "@ksim/sim";
import { blockFor, countsFor } from "./consistency.js";
import type { Mutation } from "./data.js";
import type { Payload } from "./messages.js";
import { emptyCommit, isAfter, newProposal, PAXOS_TTL_SECONDS, type Ballot, type Commit, type PaxosKey, type PrepareResponse } from "./paxos.js";
import type { ConsistencyLevel } from "./protocol.js";
import { ErrorCode } from "./protocol.js";
import { writeTimeout, type CoordinatorError, type ProxyEnv } from "./proxy.js";
import type { Replication } from "./replication.js";
import type { Token } from "./token.js";

/**
 * The coordinator of lightweight transactions (StorageProxy.cas, beginAndRepairPaxos,
 * preparePaxos, proposePaxos, commitPaxos and readWithPaxos, 3.11.2): a round prepares a ballot
 * with a quorum of the partition's replicas, finishes any round a quorum may have accepted
 * before (re-proposing it under the new ballot and committing it) and brings replicas that
 * missed the last commit up to date, reads the current values at QUORUM, and, when the condition
 * holds, proposes the update and commits it at the statement's consistency level. Rejected
 * ballots mean contention: the coordinator sleeps up to 99 ms and starts again, for at most
 * cas_contention_timeout_in_ms. Each wait for replicas ends write_request_timeout_in_ms after the
 * query started.
 */

/** What the coordinator needs beyond what StorageProxy does (whose environment it shares). */
export interface PaxosHooks {
  readonly random: Random;
  readonly casContentionTimeoutMs: number;
  send(to: string, payload: Payload): void;
  /** ClientState.getTimestampForPaxos: this node's clock in µs, after its last timestamp and at least `min`. */
  paxosTimestamp(min: number): number;
  /** The replica's side of each phase, on this node. */
  prepareLocal(key: PaxosKey, ballot: Ballot): PrepareResponse;
  proposeLocal(key: PaxosKey, proposal: Commit): boolean;
  commitLocal(key: PaxosKey, commit: Commit): void;
}

/** The partition a round is about and how its table is replicated. */
export interface PaxosTarget {
  readonly key: PaxosKey;
  readonly token: Token;
  readonly strategy: Replication;
}

export type CasOutcome = { readonly ok: true; readonly applied: boolean } | { readonly ok: false; readonly error: CoordinatorError };

/** A conditional update: what reads the current values, judges them, and the update to make. */
export interface CasRequest {
  /** Reads the partition's current values at `cl` (QUORUM, or LOCAL_QUORUM for LOCAL_SERIAL); calls back whether the condition holds. */
  readCurrent(cl: ConsistencyLevel, done: (r: { readonly ok: true; readonly applies: boolean } | { readonly ok: false; readonly error: CoordinatorError }) => void): void;
  readonly update: Mutation;
}

interface Summary {
  promised: boolean;
  mostRecentCommit: Commit;
  mostRecentInProgressCommit: Commit;
  mostRecentInProgressCommitWithUpdate: Commit;
  readonly commitsByReplica: Map<string, Commit>;
}

interface Participants {
  readonly live: readonly string[];
  readonly required: number;
}

function unavailable(message: string, cl: ConsistencyLevel, required: number, alive: number): CoordinatorError {
  return { code: ErrorCode.UNAVAILABLE, message, info: { kind: "unavailable", consistency: cl, required, alive } };
}

/** readWithPaxos turns the rounds' write time-outs into a read time-out. */
function readTimeout(cl: ConsistencyLevel, need: number): CoordinatorError {
  return {
    code: ErrorCode.READ_TIMEOUT,
    message: "Operation timed out - received only 0 responses.",
    info: { kind: "read_timeout", consistency: cl, received: 0, blockFor: need, dataPresent: false },
  };
}

/** One wait for replicas: its time-out fires at most once, and not after it settled. */
interface Wait {
  settled: boolean;
  timer: number;
}

export class PaxosCoordinator {
  private nextTimer = 1;
  private readonly timers = new Map<number, () => void>();

  constructor(
    private readonly env: ProxyEnv,
    private readonly hooks: PaxosHooks,
  ) {}

  /** Routes `cas:<id>` timers (time-outs and contention sleeps). */
  onTimer(key: string): boolean {
    const m = /^cas:(\d+)$/.exec(key);
    if (m === null) return false;
    const fn = this.timers.get(Number(m[1]));
    this.timers.delete(Number(m[1]));
    fn?.();
    return true;
  }

  private after(ms: number, fn: () => void): number {
    const id = this.nextTimer++;
    this.timers.set(id, fn);
    this.env.timer(`cas:${id}`, Math.max(0, ms));
    return id;
  }

  private settle(w: Wait): boolean {
    if (w.settled) return false;
    w.settled = true;
    if (this.timers.delete(w.timer)) this.env.cancelTimer(`cas:${w.timer}`);
    return true;
  }

  /** A wait for replicas, bounded by write_request_timeout_in_ms from the query's start. */
  private wait(start: number, onTimeout: () => void): Wait {
    const w: Wait = { settled: false, timer: 0 };
    w.timer = this.after(this.env.writeTimeoutMs - (this.env.now.mono - start), () => {
      if (!w.settled) {
        w.settled = true;
        onTimeout();
      }
    });
    return w;
  }

  /** getPaxosParticipants: every natural and pending replica (of this data center for LOCAL_SERIAL) counts toward the quorum. */
  private participants(t: PaxosTarget, serial: ConsistencyLevel): Participants | CoordinatorError {
    const env = this.env;
    let natural = env.ring().naturalEndpoints(t.token, t.strategy);
    let pending = env.pendingEndpoints(t.token, t.strategy);
    if (serial === "LOCAL_SERIAL") {
      natural = natural.filter((e) => env.dcOf(e) === env.localDc);
      pending = pending.filter((e) => env.dcOf(e) === env.localDc);
    }
    const participants = natural.length + pending.length;
    const required = Math.floor(participants / 2) + 1;
    const live = [...natural, ...pending].filter((e) => env.isAlive(e));
    if (live.length < required) return unavailable(`Cannot achieve consistency level ${serial}`, serial, required, live.length);
    if (pending.length > 1) {
      return unavailable(`Cannot perform LWT operation as there is more than one (${pending.length}) pending range movement`, serial, participants + 1, live.length);
    }
    return { live, required };
  }

  /** StorageProxy.cas: the update is made only if the condition holds when read under a promised ballot. */
  cas(t: PaxosTarget, request: CasRequest, serial: ConsistencyLevel, commitCl: ConsistencyLevel, finish: (o: CasOutcome) => void): void {
    const start = this.env.now.mono;
    const fail = (error: CoordinatorError) => finish({ ok: false, error });
    const attempt = (): void => {
      if (this.env.now.mono - start >= this.hooks.casContentionTimeoutMs) return fail(writeTimeout("CAS", serial, 0, blockFor(serial, t.strategy, this.env.localDc)));
      const p = this.participants(t, serial);
      if ("code" in p) return fail(p);
      this.beginAndRepair(t, p, serial, commitCl, start, (ballot) => {
        request.readCurrent(serial === "LOCAL_SERIAL" ? "LOCAL_QUORUM" : "QUORUM", (r) => {
          if (!r.ok) return fail(r.error);
          // 3.11.2 answers a failed condition at once, without proposing.
          if (!r.applies) return finish({ ok: true, applied: false });
          const proposal = newProposal(ballot, request.update);
          this.propose(t.key, proposal, p, true, serial, start, (accepted) => {
            if (!accepted) return this.sleep(attempt);
            this.commit(t, proposal, commitCl, true, start, () => finish({ ok: true, applied: true }), fail);
          }, fail);
        });
      }, fail);
    };
    attempt();
  }

  /** readWithPaxos: finish any round in flight (committing it at QUORUM), then the caller reads at QUORUM. */
  serialRead(t: PaxosTarget, serial: ConsistencyLevel, done: (error?: CoordinatorError) => void): void {
    const p = this.participants(t, serial);
    if ("code" in p) return done(p);
    const replay = serial === "LOCAL_SERIAL" ? "LOCAL_QUORUM" : "QUORUM";
    const need = blockFor(serial, t.strategy, this.env.localDc);
    this.beginAndRepair(t, p, serial, replay, this.env.now.mono, () => done(), (e) => done(e.code === ErrorCode.WRITE_TIMEOUT ? readTimeout(serial, need) : e));
  }

  /** Contention: a random pause under 100 ms, then the caller tries again. */
  private sleep(then: () => void): void {
    this.after(this.hooks.random.int(0, 99), then);
  }

  /**
   * beginAndRepairPaxos: a ballot promised by a quorum, once no earlier round is left half done.
   * `replayCl` is the level an unfinished proposal is committed at.
   */
  private beginAndRepair(
    t: PaxosTarget,
    p: Participants,
    serial: ConsistencyLevel,
    replayCl: ConsistencyLevel,
    start: number,
    promised: (ballot: Ballot) => void,
    fail: (e: CoordinatorError) => void,
  ): void {
    const env = this.env;
    let summary: Summary | undefined;
    const loop = (): void => {
      if (env.now.mono - start >= this.hooks.casContentionTimeoutMs) return fail(writeTimeout("CAS", serial, 0, blockFor(serial, t.strategy, env.localDc)));
      const min = summary === undefined ? Number.NEGATIVE_INFINITY : 1 + summary.mostRecentInProgressCommit.ballot.micros;
      const ballot: Ballot = { micros: this.hooks.paxosTimestamp(min), id: this.hooks.random.hex(16) };
      this.prepare(t.key, ballot, p, serial, start, (s) => {
        summary = s;
        if (!s.promised) return this.sleep(loop);
        const inProgress = s.mostRecentInProgressCommitWithUpdate;
        const mostRecent = s.mostRecentCommit;
        if (inProgress.update !== undefined && isAfter(inProgress.ballot, mostRecent.ballot)) {
          // An accepted proposal that may not have been committed: finish it under our ballot.
          const refreshed = newProposal(ballot, inProgress.update);
          this.propose(t.key, refreshed, p, false, serial, start, (accepted) => {
            if (!accepted) return this.sleep(loop);
            // A time-out committing it is the CAS's (CASSANDRA-8672).
            this.commit(t, refreshed, replayCl, false, start, loop, (e) => fail(e.info?.kind === "write_timeout" ? writeTimeout("CAS", e.info.consistency, e.info.received, e.info.blockFor) : e));
          }, fail);
          return;
        }
        const missing = this.missingMostRecentCommit(s, ballot);
        if (missing.length > 0) {
          for (const ep of missing) this.sendCommit(t.key, mostRecent, ep);
          return loop();
        }
        promised(ballot);
      }, fail);
    };
    loop();
  }

  /** PrepareCallback: the first quorum of answers, or the first refusal. */
  private prepare(key: PaxosKey, ballot: Ballot, p: Participants, serial: ConsistencyLevel, start: number, done: (s: Summary) => void, fail: (e: CoordinatorError) => void): void {
    const s: Summary = { promised: true, mostRecentCommit: emptyCommit(), mostRecentInProgressCommit: emptyCommit(), mostRecentInProgressCommitWithUpdate: emptyCommit(), commitsByReplica: new Map() };
    let responses = 0;
    const w = this.wait(start, () => fail(writeTimeout("CAS", serial, responses, p.required)));
    const answer = (from: string, r: PrepareResponse) => {
      if (w.settled) return;
      if (isAfter(r.inProgress.ballot, s.mostRecentInProgressCommit.ballot)) s.mostRecentInProgressCommit = r.inProgress;
      if (!r.promised) {
        s.promised = false;
        if (this.settle(w)) done(s);
        return;
      }
      s.commitsByReplica.set(from, r.mostRecentCommit);
      if (isAfter(r.mostRecentCommit.ballot, s.mostRecentCommit.ballot)) s.mostRecentCommit = r.mostRecentCommit;
      if (r.inProgress.update !== undefined && isAfter(r.inProgress.ballot, s.mostRecentInProgressCommitWithUpdate.ballot)) s.mostRecentInProgressCommitWithUpdate = r.inProgress;
      if (++responses >= p.required && this.settle(w)) done(s);
    };
    for (const ep of p.live) {
      if (ep === this.env.self) answer(ep, this.hooks.prepareLocal(key, ballot));
      else this.env.request(ep, { verb: "PAXOS_PREPARE", key, ballot }, (from, body) => body.kind === "prepare" && answer(from, body.response));
    }
  }

  /**
   * ProposeCallback: a quorum of accepts succeeds; the client's own proposal (`timeoutIfPartial`)
   * waits for every live replica and, accepted by some but not a quorum, ends in a CAS time-out
   * (its outcome unknown); a replayed one gives up as soon as a quorum cannot be reached.
   */
  private propose(
    key: PaxosKey,
    proposal: Commit,
    p: Participants,
    timeoutIfPartial: boolean,
    serial: ConsistencyLevel,
    start: number,
    done: (accepted: boolean) => void,
    fail: (e: CoordinatorError) => void,
  ): void {
    let accepts = 0;
    let responses = 0;
    const w = this.wait(start, () => fail(writeTimeout("CAS", serial, responses, p.live.length)));
    const decide = () => {
      if (accepts >= p.required) return done(true);
      const fullyRefused = responses === p.live.length && accepts === 0;
      if (timeoutIfPartial && !fullyRefused) return fail(writeTimeout("CAS", serial, accepts, p.required));
      done(false);
    };
    const answer = (accepted: boolean) => {
      if (w.settled) return;
      responses++;
      if (accepted) accepts++;
      const outstanding = p.live.length - responses;
      if (accepts >= p.required || (!timeoutIfPartial && outstanding + accepts < p.required) || outstanding === 0) {
        if (this.settle(w)) decide();
      }
    };
    for (const ep of p.live) {
      if (ep === this.env.self) answer(this.hooks.proposeLocal(key, proposal));
      else this.env.request(ep, { verb: "PAXOS_PROPOSE", key, proposal }, (_from, body) => body.kind === "propose" && answer(body.accepted));
    }
  }

  /**
   * commitPaxos: the learn phase, to every natural and pending replica in every data center,
   * waited for at `cl` (a write's response handler); with ANY nobody is waited for. Dead replicas
   * (and, for the client's update, ones that never answered) get a hint.
   */
  private commit(t: PaxosTarget, proposal: Commit, cl: ConsistencyLevel, allowHints: boolean, start: number, done: () => void, fail: (e: CoordinatorError) => void): void {
    const env = this.env;
    const natural = env.ring().naturalEndpoints(t.token, t.strategy);
    const pending = env.pendingEndpoints(t.token, t.strategy);
    const all = [...natural, ...pending.filter((e) => !natural.includes(e))];
    const shouldBlock = cl !== "ANY";
    const need = blockFor(cl, t.strategy, env.localDc) + pending.length;
    let acks = 0;
    const unanswered = new Set<string>();
    const mutation = proposal.update!;
    const w = shouldBlock
      ? this.wait(start, () => {
          if (allowHints) for (const ep of unanswered) if (env.shouldHint(ep)) env.writeHint(ep, mutation);
          fail(writeTimeout("SIMPLE", cl, acks, need));
        })
      : undefined;
    const ack = (from: string) => {
      unanswered.delete(from);
      if (w === undefined || w.settled || !countsFor(cl, env.dcOf(from), env.localDc)) return;
      if (++acks >= need && this.settle(w)) done();
    };
    for (const ep of all) {
      if (!env.isAlive(ep)) {
        if (allowHints && env.shouldHint(ep)) env.writeHint(ep, mutation);
        continue;
      }
      if (!shouldBlock) {
        this.sendCommit(t.key, proposal, ep);
        continue;
      }
      unanswered.add(ep);
      if (ep === env.self) {
        this.hooks.commitLocal(t.key, proposal);
        ack(ep);
      } else env.request(ep, { verb: "PAXOS_COMMIT", key: t.key, commit: proposal }, (from, body) => body.kind === "ack" && ack(from));
    }
    if (!shouldBlock) done();
  }

  /** A commit sent without waiting (to bring a replica up to date, or at ANY). */
  private sendCommit(key: PaxosKey, commit: Commit, ep: string): void {
    if (ep === this.env.self) this.hooks.commitLocal(key, commit);
    else this.hooks.send(ep, { verb: "PAXOS_COMMIT", key, commit });
  }

  /**
   * PrepareCallback.replicasMissingMostRecentCommit: replicas that answered with an older commit
   * than the newest one, unless that one is older than the Paxos TTL (CASSANDRA-12043).
   */
  private missingMostRecentCommit(s: Summary, ballot: Ballot): string[] {
    const mostRecent = s.mostRecentCommit;
    const nowSeconds = Math.floor(ballot.micros / 1e6);
    if (Math.floor(mostRecent.ballot.micros / 1e6) + PAXOS_TTL_SECONDS < nowSeconds) return [];
    const out: string[] = [];
    for (const [ep, c] of s.commitsByReplica) if (c.ballot.micros !== mostRecent.ballot.micros || c.ballot.id !== mostRecent.ballot.id) out.push(ep);
    return out;
  }
}
