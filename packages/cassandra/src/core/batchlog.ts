import type { Mutation, Partition } from "./data.js";
import { timeUuidMillis } from "./java-format.js";
import { decode, encode } from "./records.js";
import { nameUUIDFromBytes } from "./schema.js";
import type { StorageEngine } from "./storage.js";
import { tokenOf } from "./token.js";
import { keyString, partitionKeyBytes, type Value } from "./types.js";

/**
 * The batchlog's storage (batchlog/Batch and BatchlogManager.store/remove, 3.11): a logged batch
 * is kept as one partition of system.batches, keyed by its time UUID, until its coordinator has
 * seen every write through and removes it, or until a replay has sent it on. Both the row and its
 * removal go through the commit log, so a batch survives its batchlog node's restart.
 */

/** A logged batch as a coordinator hands it to the batchlog. */
export interface Batch {
  /** UUIDGen.getTimeUUID on the coordinator. */
  readonly id: string;
  /** When the coordinator made it (µs, its clock): the row's timestamp, and what replay ages it by. */
  readonly createdAt: number;
  readonly mutations: readonly Mutation[];
}

/** MessagingService.current_version in 3.11 (VERSION_30): how the mutations are serialized. */
const MESSAGING_VERSION = 10;

const BATCHES = { keyspace: "system", table: "batches", tableId: nameUUIDFromBytes(new TextEncoder().encode("systembatches")) };

export class BatchlogStore {
  constructor(private readonly engine: StorageEngine) {
    // LocalPartitioner over TimeUUIDType: ordered by time, never placed on the ring.
    engine.ensureTable({ ...BATCHES, durableWrites: true, tokenOf: (key: readonly Value[]) => tokenOf(partitionKeyBytes(["text"], key)) });
  }

  /** BatchlogManager.store: `id`, `mutations` (each serialized) and `version`, at the batch's creation time. */
  store(batch: Batch, wallMs: number): void {
    const ts = batch.createdAt;
    const partition: Partition = {
      key: [batch.id],
      rows: {
        [keyString([])]: {
          ck: [],
          marker: ts,
          cells: { mutations: { v: encode(batch.mutations), ts }, version: { v: MESSAGING_VERSION, ts } },
        },
      },
    };
    this.engine.apply({ ...BATCHES, partition }, wallMs);
  }

  /** BatchlogManager.remove: a partition deletion at `nowMicros`. */
  remove(id: string, nowMicros: number, wallMs: number): void {
    this.engine.apply({ ...BATCHES, partition: { key: [id], del: nowMicros, rows: {} } }, wallMs);
  }

  /**
   * The batches still kept whose ids' times are after `afterMs` and no later than `upToMs`, in
   * id order (LocalPartitioner over TimeUUIDType: time order).
   */
  between(afterMs: number, upToMs: number): Batch[] {
    const t = this.engine.table(BATCHES.tableId);
    if (t === undefined) return [];
    const out: { batch: Batch; at: number }[] = [];
    for (const k of t.keys()) {
      const p = t.read(k)!;
      const row = p.rows[keyString([])];
      const mutations = row?.cells["mutations"];
      if (row?.marker === undefined || mutations === undefined || (p.del !== undefined && p.del >= row.marker)) continue;
      const id = p.key[0] as string;
      const at = timeUuidMillis(id);
      if (at <= afterMs || at > upToMs) continue;
      out.push({ batch: { id, createdAt: row.marker, mutations: decode<Mutation[]>(mutations.v as Uint8Array) }, at });
    }
    return out.sort((a, b) => a.at - b.at || (a.batch.id < b.batch.id ? -1 : 1)).map((x) => x.batch);
  }
}
