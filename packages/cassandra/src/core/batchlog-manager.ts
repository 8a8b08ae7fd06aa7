import { tableParams } from "./schema.js";
import type { Batch } from "./batchlog.js";
import { BatchlogStore } from "./batchlog.js";
import type { Mutation } from "./data.js";
import type { CassandraNode } from "./node.js";

/** BatchlogManager.REPLAY_INTERVAL: the pause between the end of one replay and the next. */
const BATCHLOG_REPLAY_INTERVAL_MS = 10_000;

/**
 * BatchlogManager's replay (3.11): every 10 s, starting RING_DELAY after start-up, the batches
 * this node keeps for coordinators that never removed them — older than twice the write timeout,
 * so a coordinator still at work is left alone — are sent to their replicas: applied here when
 * this node is one, sent to live ones, hinted for dead ones and for those that do not answer in
 * time. Each batch is tried once in the process's life and then removed, whatever happened:
 * what was not delivered lives on as hints.
 */
export class BatchlogManager {
  readonly batches: BatchlogStore;
  /** lastReplayedUuid's time (ms): batches up to it were replayed already. */
  private replayedUpTo = -Infinity;
  /** Runs asked for and not finished, the first one under way: what each calls when done. */
  private readonly runs: (() => void)[] = [];

  constructor(private readonly node: CassandraNode) {
    this.batches = new BatchlogStore(node.storage);
  }

  /** BATCH_STORE (or the coordinator's own copy), on the MutationStage. */
  store(batch: Batch): void {
    this.node.stages.completed.MutationStage++;
    this.batches.store(batch, this.node.now.wall);
  }

  /** BATCH_REMOVE, on the MutationStage. */
  remove(id: string): void {
    this.node.stages.completed.MutationStage++;
    this.batches.remove(id, this.node.nextTimestamp(), this.node.now.wall);
  }

  /** The periodic run (scheduleWithFixedDelay): the next one 10 s after this one has finished. */
  scheduledReplay(): void {
    this.enqueue(() => this.node.timer("batchlog-replay", BATCHLOG_REPLAY_INTERVAL_MS));
  }

  /** forceBatchlogReplay (nodetool replaybatchlog): a run of its own, `done` once it has finished. */
  forceReplay(done: () => void): void {
    this.enqueue(done);
  }

  /** The "BatchlogTasks" executor has one thread: a run waits for the one under way. */
  private enqueue(done: () => void): void {
    this.runs.push(done);
    if (this.runs.length === 1) this.replayFailedBatches();
  }

  private runFinished(): void {
    this.runs.shift()!();
    if (this.runs.length > 0) this.replayFailedBatches();
  }

  /** replayFailedBatches: every batch old enough, once; then they are all removed. */
  private replayFailedBatches(): void {
    const node = this.node;
    // BATCHLOG_REPLAY_TIMEOUT: twice the write timeout.
    const limit = node.now.wall - 2 * node.config.writeTimeoutMs;
    if (!node.messagingUp) return this.runFinished();
    const due = this.batches.between(this.replayedUpTo, limit);
    this.replayedUpTo = limit;
    let left = due.length;
    const finished = () => {
      for (const b of due) this.remove(b.id);
      if (due.length > 0) node.trace("cassandra.batchlog.replayed", { node: node.self, batches: due.length });
      this.runFinished();
    };
    if (left === 0) return finished();
    for (const b of due) this.replay(b, () => --left === 0 && finished());
  }

  /** ReplayingBatch: every mutation to every natural and pending replica, waiting for the live ones. */
  private replay(batch: Batch, done: () => void): void {
    const node = this.node;
    const writtenAt = batch.createdAt / 1000;
    const mutations = batch.mutations.filter((m) => node.schema.table(m.keyspace, m.table)?.id === m.tableId);
    // A batch older than its tables' gc_grace_seconds could resurrect deleted data: dropped unreplayed.
    const gcGraceSeconds = Math.min(...mutations.map((m) => tableParams(node.schema.table(m.keyspace, m.table)!).gcGraceSeconds));
    if (mutations.length === 0 || writtenAt + gcGraceSeconds * 1000 <= node.now.wall) return done();
    let waiting = 0;
    const answered = () => --waiting === 0 && done();
    for (const m of mutations) {
      for (const ep of this.replicas(m)) {
        if (ep === node.self) {
          node.applyLocal(m);
          continue;
        }
        if (!node.gossiper.isAlive(ep)) {
          node.hintDispatcher.writeHint(ep, m);
          continue;
        }
        waiting++;
        node.request(ep, { verb: "MUTATION", mutation: m }, answered, node.config.writeTimeoutMs, () => {
          node.hintDispatcher.writeHint(ep, m);
          answered();
        });
      }
    }
    if (waiting === 0) done();
  }

  private replicas(m: Mutation): string[] {
    const node = this.node;
    const table = node.schema.table(m.keyspace, m.table)!;
    const strategy = node.schema.keyspace(m.keyspace)!.replication;
    const token = node.tokenFor(table, m.partition.key);
    const natural = node.tm.ring().naturalEndpoints(token, strategy);
    return [...natural, ...node.tm.pendingEndpoints(token, strategy).filter((e) => !natural.includes(e))];
  }
}
