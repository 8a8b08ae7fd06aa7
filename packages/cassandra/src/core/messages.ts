import type { Batch } from "./batchlog.js";
import type { Mutation, Partition } from "./data.js";
import type { Ballot, Commit, PaxosKey, PrepareResponse } from "./paxos.js";
import type { GossipMessage } from "./gossip.js";
import type { Hint } from "./hints.js";
import type { RangeTree } from "./merkle.js";
import type { ConsistencyLevel } from "./protocol.js";
import type { SchemaSnapshot } from "./schema.js";
import type { Token } from "./token.js";
import type { Value } from "./types.js";

/**
 * Internode messages (MessagingService verbs). Requests carry an id; the answer is a
 * REQUEST_RESPONSE with the same id, sent back over the responder's own connection.
 */

/** A read of one partition, or of every partition whose token lies in (left, right]. */
export type ReadCommand =
  | { readonly keyspace: string; readonly table: string; readonly tableId: string; readonly kind: "partition"; readonly key: readonly Value[] }
  | {
      readonly keyspace: string;
      readonly table: string;
      readonly tableId: string;
      readonly kind: "range";
      readonly ranges: readonly (readonly [Token, Token])[];
    };

/** A transfer of the partitions of one table whose tokens lie in the given ranges. */
export interface StreamItem {
  readonly keyspace: string;
  readonly table: string;
  readonly tableId: string;
  readonly ranges: readonly (readonly [Token, Token])[];
}

export type Payload =
  | GossipMessage
  | { readonly verb: "ECHO" }
  | { readonly verb: "MUTATION"; readonly mutation: Mutation }
  | { readonly verb: "READ"; readonly command: ReadCommand; readonly digest: boolean }
  | { readonly verb: "READ_REPAIR"; readonly mutation: Mutation }
  /** Lightweight transactions' Paxos phases (PAXOS_PREPARE, PAXOS_PROPOSE, PAXOS_COMMIT). */
  | { readonly verb: "PAXOS_PREPARE"; readonly key: PaxosKey; readonly ballot: Ballot }
  | { readonly verb: "PAXOS_PROPOSE"; readonly key: PaxosKey; readonly proposal: Commit }
  | { readonly verb: "PAXOS_COMMIT"; readonly key: PaxosKey; readonly commit: Commit }
  /** A logged batch for this node's batchlog, answered once stored; its removal once its coordinator is done with it. */
  | { readonly verb: "BATCH_STORE"; readonly batch: Batch }
  | { readonly verb: "BATCH_REMOVE"; readonly id: string }
  /** A counter update (its cells hold deltas) for a leader replica to apply and replicate at `consistency`. */
  | { readonly verb: "COUNTER_MUTATION"; readonly mutation: Mutation; readonly consistency: ConsistencyLevel }
  | { readonly verb: "HINT"; readonly hint: Hint }
  | { readonly verb: "HINTS_TRANSFER"; readonly hostId: string; readonly hints: readonly Hint[] }
  | { readonly verb: "DEFINITIONS_UPDATE"; readonly schema: SchemaSnapshot }
  | { readonly verb: "MIGRATION_REQUEST" }
  | { readonly verb: "STREAM_REQUEST"; readonly session: string; readonly description: StreamDescription; readonly items: readonly StreamItem[] }
  | { readonly verb: "STREAM_DATA"; readonly session: string; readonly tableId: string; readonly partitions: readonly Partition[]; readonly bytes: number }
  | { readonly verb: "REQUEST_RESPONSE"; readonly body: ResponseBody }
  | { readonly verb: "TRUNCATE"; readonly keyspace: string; readonly table: string }
  /** Repair (RepairMessageVerbHandler): a participant registers the parent session. */
  | { readonly verb: "PREPARE_MESSAGE"; readonly parent: string }
  /** Build Merkle trees of one table over the ranges; answered with the trees (VALIDATION_COMPLETE). */
  | { readonly verb: "VALIDATION_REQUEST"; readonly session: string; readonly item: StreamItem }
  /** Stream the out-of-sync ranges both ways with `peer`; answered when done (SYNC_COMPLETE). */
  | { readonly verb: "SYNC_REQUEST"; readonly session: string; readonly peer: string; readonly item: StreamItem };

/** What a stream plan is for, as StreamResultFuture logs it. */
export type StreamDescription = "Bootstrap" | "Unbootstrap" | "Repair";

export type ResponseBody =
  | { readonly kind: "ack" }
  | { readonly kind: "failure" }
  | { readonly kind: "data"; readonly partitions: readonly Partition[] }
  | { readonly kind: "digest"; readonly digest: string }
  | { readonly kind: "prepare"; readonly response: PrepareResponse }
  | { readonly kind: "propose"; readonly accepted: boolean }
  | { readonly kind: "schema"; readonly schema: SchemaSnapshot }
  | { readonly kind: "trees"; readonly trees: readonly RangeTree[] };

export interface Envelope {
  readonly from: string;
  readonly id: number;
  readonly payload: Payload;
}

/** Ranges are (left, right]; a range whose left >= right wraps past the end of the ring. */
export function inRange(t: Token, range: readonly [Token, Token]): boolean {
  const [left, right] = range;
  if (left < right) return t > left && t <= right;
  return t > left || t <= right;
}
