import type { Cell, Mutation, Partition, Row } from "./data.js";
import { markerOf } from "./data.js";
import { decode, encode } from "./records.js";
import { nameUUIDFromBytes, TABLE_PARAM_DEFAULTS } from "./schema.js";
import type { StorageEngine } from "./storage.js";
import { tokenOf } from "./token.js";
import { keyString, partitionKeyBytes, type Value } from "./types.js";

/**
 * Paxos for lightweight transactions, the replica's side (service/paxos/PaxosState, Commit,
 * 3.11): ballots, commits, and the promise/accept/commit rules, with the state kept in
 * system.paxos through the commit log, as SystemKeyspace.savePaxos* keep it.
 */

/** A ballot: a time UUID whose time is `micros`; `id` stands for its random clock sequence and node bits. */
export interface Ballot {
  readonly micros: number;
  readonly id: string;
}

/** Which partition of which table a round is about: system.paxos's (row_key, cf_id), and the table's names. */
export interface PaxosKey {
  readonly rowKey: string;
  readonly tableId: string;
  readonly keyspace: string;
  readonly table: string;
}

/** A ballot and an update (none for a prepare, a promise, or a SERIAL read's round). */
export interface Commit {
  readonly ballot: Ballot;
  readonly update: Mutation | undefined;
}

/** UUIDGen.minTimeUUID(0): the ballot of a state that has never been set. */
export const EMPTY_BALLOT: Ballot = { micros: 0, id: "" };

export function emptyCommit(): Commit {
  return { ballot: EMPTY_BALLOT, update: undefined };
}

/** Commit.isAfter: only the ballots' times are compared. */
export function isAfter(a: Ballot, b: Ballot): boolean {
  return a.micros > b.micros;
}

export function sameBallot(a: Ballot, b: Ballot): boolean {
  return a.micros === b.micros && a.id === b.id;
}

/** Commit.newProposal: every timestamp of the update becomes the ballot's, so the commit writes at ballot time. */
export function newProposal(ballot: Ballot, update: Mutation | undefined): Commit {
  return { ballot, update: update === undefined ? undefined : { ...update, partition: stamped(update.partition, ballot.micros) } };
}

function stamped(p: Partition, ts: number): Partition {
  const rows: Record<string, Row> = {};
  for (const [k, r] of Object.entries(p.rows)) {
    const cells: Record<string, Cell> = {};
    for (const [c, cell] of Object.entries(r.cells)) cells[c] = { ...cell, ts };
    // A collection's tombstone stays just before its new elements.
    const cdel = r.cdel === undefined ? undefined : Object.fromEntries(Object.keys(r.cdel).map((c) => [c, ts - 1]));
    rows[k] = { ck: r.ck, cells, ...(r.marker !== undefined ? { ...markerOf(r), marker: ts } : {}), ...(r.del !== undefined ? { del: ts } : {}), ...(cdel !== undefined ? { cdel } : {}) };
  }
  return { key: p.key, rows, ...(p.del !== undefined ? { del: ts } : {}) };
}

export interface PrepareResponse {
  readonly promised: boolean;
  /** What was accepted here (when promised), or the ballot promised instead (when not). */
  readonly inProgress: Commit;
  readonly mostRecentCommit: Commit;
}

/** What a replica knows about one partition's Paxos rounds. */
interface State {
  readonly promised: Ballot;
  readonly accepted: Commit;
  readonly mostRecentCommit: Commit;
}

const PAXOS_TABLE = { keyspace: "system", table: "paxos", tableId: nameUUIDFromBytes(new TextEncoder().encode("systempaxos")) };

/**
 * SystemKeyspace.paxosTtlSec: Paxos state lives at least 3 hours, and as long as the table's
 * tombstones (gc_grace_seconds, which every table here keeps at its default).
 */
export const PAXOS_TTL_SECONDS = Math.max(3 * 3600, TABLE_PARAM_DEFAULTS.gcGraceSeconds);

const ballotText = (b: Ballot) => `${b.micros}:${b.id}`;
function parseBallot(text: string): Ballot {
  const i = text.indexOf(":");
  return { micros: Number(text.slice(0, i)), id: text.slice(i + 1) };
}

/**
 * system.paxos, ((row_key), cf_id): per partition of a user table, the promised ballot
 * (in_progress_ballot), the accepted proposal and the most recent commit. Every write is at the
 * ballot's timestamp, so an old commit's erasure of the proposal cannot erase a newer one; cells
 * older than the TTL count as gone, judged at the asking ballot's time.
 */
export class PaxosState {
  constructor(private readonly engine: StorageEngine) {
    engine.ensureTable({ ...PAXOS_TABLE, durableWrites: true, tokenOf: (key: readonly Value[]) => tokenOf(partitionKeyBytes(["text"], key)) });
  }

  /** PaxosState.prepare: a promise for a ballot strictly newer than the one promised. */
  prepare(key: PaxosKey, toPrepare: Ballot, wallMs: number): PrepareResponse {
    const state = this.load(key, toPrepare);
    if (isAfter(toPrepare, state.promised)) {
      this.save(key, toPrepare, { in_progress_ballot: ballotText(toPrepare) }, wallMs);
      return { promised: true, inProgress: state.accepted, mostRecentCommit: state.mostRecentCommit };
    }
    // The promised ballot, so the coordinator's next one is newer (CASSANDRA-5667).
    return { promised: false, inProgress: { ballot: state.promised, update: undefined }, mostRecentCommit: state.mostRecentCommit };
  }

  /** PaxosState.propose: accepted if it is the promised ballot or newer. */
  propose(key: PaxosKey, proposal: Commit, wallMs: number): boolean {
    const state = this.load(key, proposal.ballot);
    if (!sameBallot(proposal.ballot, state.promised) && !isAfter(proposal.ballot, state.promised)) return false;
    this.save(key, proposal.ballot, { proposal_ballot: ballotText(proposal.ballot), proposal: updateBytes(proposal.update) }, wallMs);
    return true;
  }

  /** PaxosState.commit's record: the proposal is erased (at the commit's time) and the commit kept. */
  saveCommit(key: PaxosKey, commit: Commit, wallMs: number): void {
    this.save(key, commit.ballot, { proposal_ballot: null, proposal: null, most_recent_commit_at: ballotText(commit.ballot), most_recent_commit: updateBytes(commit.update) }, wallMs);
  }

  private save(key: PaxosKey, ballot: Ballot, fields: Record<string, Value>, wallMs: number): void {
    const ts = ballot.micros;
    const cells: Record<string, Cell> = {};
    for (const [name, v] of Object.entries(fields)) cells[name] = v === null ? { v: null, ts, tomb: true } : { v, ts };
    const partition: Partition = { key: [key.rowKey], rows: { [keyString([key.tableId])]: { ck: [key.tableId], cells } } };
    this.engine.apply({ ...PAXOS_TABLE, partition }, wallMs);
  }

  /** SystemKeyspace.loadPaxosState, "now" being the asking ballot's time (CASSANDRA-12043). */
  private load(key: PaxosKey, asking: Ballot): State {
    const p = this.engine.table(PAXOS_TABLE.tableId)?.read(keyString([key.rowKey]));
    const row = p?.rows[keyString([key.tableId])];
    const nowSeconds = Math.floor(asking.micros / 1e6);
    const live = (name: string): Value | undefined => {
      const cell = row?.cells[name];
      if (cell === undefined || cell.tomb || Math.floor(cell.ts / 1e6) + PAXOS_TTL_SECONDS <= nowSeconds) return undefined;
      return cell.v;
    };
    const promised = live("in_progress_ballot");
    const proposal = live("proposal");
    const proposalBallot = live("proposal_ballot");
    const commit = live("most_recent_commit");
    const commitAt = live("most_recent_commit_at");
    return {
      promised: promised === undefined ? EMPTY_BALLOT : parseBallot(promised as string),
      accepted: proposal === undefined || proposalBallot === undefined ? emptyCommit() : { ballot: parseBallot(proposalBallot as string), update: updateOf(proposal) },
      mostRecentCommit: commit === undefined || commitAt === undefined ? emptyCommit() : { ballot: parseBallot(commitAt as string), update: updateOf(commit) },
    };
  }
}

/** PartitionUpdate.toBytes: the update as a blob (an empty update as no bytes). */
function updateBytes(update: Mutation | undefined): Uint8Array {
  return update === undefined ? new Uint8Array(0) : encode(update);
}

function updateOf(bytes: Value): Mutation | undefined {
  const b = bytes as Uint8Array;
  return b.length === 0 ? undefined : (decode(b) as Mutation);
}
