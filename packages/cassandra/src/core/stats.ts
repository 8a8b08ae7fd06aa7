import type { CompactionStatsView, TableMetricsView, TableStatsView, TpStatsView } from "./admin.js";
import { partitionSize, type Partition } from "./data.js";
import type { CassandraNode } from "./node.js";
import type { AdminDiskView } from "./node-io.js";
import { trueSnapshotsSize, liveStores } from "./snapshots.js";

/**
 * The metrics nodetool tpstats, tablestats and compactionstats read (ThreadPoolMetrics,
 * MessagingService's dropped-message meters, TableMetrics, CompactionManager), from what the
 * model counts as it runs. The model runs every task the moment it arrives, so no pool ever has
 * a task active, pending or blocked when nodetool looks.
 */

/** Tasks completed per thread pool, for the pools whose work the model does. */
export class StageCounters {
  readonly completed = {
    ReadStage: 0,
    MutationStage: 0,
    CounterMutationStage: 0,
    GossipStage: 0,
    RequestResponseStage: 0,
    InternalResponseStage: 0,
    MigrationStage: 0,
    AntiEntropyStage: 0,
    ValidationExecutor: 0,
    HintsDispatcher: 0,
    "Native-Transport-Requests": 0,
  };
  /** The native transport's request executor exists once the server has started (NativeTransportService.initialize). */
  nativeTransportStarted = false;
}

/**
 * The ThreadPools metrics by `path`, in the order NodeProbe.getThreadPools' multimap yields them
 * (request, internal, transport; within a path, as 3.11 lists pools that share a hash bucket).
 */
const REQUEST_POOLS = ["ReadStage", "MutationStage", "CounterMutationStage", "ReadRepairStage", "RequestResponseStage", "ViewMutationStage"] as const;
const INTERNAL_POOLS = [
  "MiscStage",
  "CompactionExecutor",
  "MemtableReclaimMemory",
  "PendingRangeCalculator",
  "GossipStage",
  "SecondaryIndexManagement",
  "HintsDispatcher",
  "MigrationStage",
  "MemtablePostFlush",
  "PerDiskMemtableFlushWriter_0",
  "ValidationExecutor",
  "Sampler",
  "MemtableFlushWriter",
  "InternalResponseStage",
  "AntiEntropyStage",
  "CacheCleanupExecutor",
] as const;

/** MessagingService.DROPPABLE_VERBS in Verb order (the EnumMap getDroppedMessages walks). */
const DROPPABLE_VERBS = ["MUTATION", "HINT", "READ_REPAIR", "READ", "REQUEST_RESPONSE", "BATCH_STORE", "BATCH_REMOVE", "RANGE_SLICE", "PAGED_RANGE", "COUNTER_MUTATION", "_TRACE"] as const;

export function tpStatsView(node: CassandraNode): TpStatsView {
  const done: Readonly<Record<string, number>> = node.stages.completed;
  const tasks = node.storage.tasks;
  const completed = (pool: string): number => {
    switch (pool) {
      case "CompactionExecutor":
        return tasks.compactions;
      case "MemtableFlushWriter":
      case "PerDiskMemtableFlushWriter_0":
      case "MemtableReclaimMemory":
        return tasks.flushes;
      case "MemtablePostFlush":
        return tasks.postFlushes;
      default:
        // Pools for work the model does not have (counters, views, indexes, caches, sampling) complete nothing.
        return done[pool] ?? 0;
    }
  };
  const names: string[] = [...REQUEST_POOLS, ...INTERNAL_POOLS];
  if (node.stages.nativeTransportStarted) names.push("Native-Transport-Requests");
  return {
    pools: names.map((name) => ({ name, active: 0, pending: 0, completed: completed(name), blocked: 0, allTimeBlocked: 0 })),
    // A message is dropped when it waited longer than its timeout before its stage ran it; the
    // model's stages run a message as it arrives (and cross_node_timeout is off, so time on the
    // wire does not count), so none is ever dropped.
    dropped: DROPPABLE_VERBS.map((verb) => [verb, 0] as const),
  };
}

/** EstimatedHistogram's bucket offsets (the partition-size histogram has 150 buckets). */
const SIZE_OFFSETS: readonly number[] = (() => {
  const offsets = [1];
  while (offsets.length < 149) {
    const last = offsets[offsets.length - 1]!;
    const next = Math.round(last * 1.2);
    offsets.push(next === last ? next + 1 : next);
  }
  return offsets;
})();

/** An SSTable's EstimatedHistogram of partition sizes: count per bucket (the first offset >= the size). */
function sizeHistogram(partitions: Iterable<Partition>): number[] {
  const buckets = new Array<number>(SIZE_OFFSETS.length + 1).fill(0);
  for (const p of partitions) {
    const size = partitionSize(p);
    let i = SIZE_OFFSETS.findIndex((o) => o >= size);
    if (i < 0) i = SIZE_OFFSETS.length;
    buckets[i]!++;
  }
  return buckets;
}

/** TableMetrics' MinPartitionSize, MaxPartitionSize and MeanPartitionSize over the live SSTables' histograms. */
function partitionSizes(sstables: readonly ReadonlyMap<string, Partition>[]): TableMetricsView["partitionSizes"] {
  let min = 0;
  let max = 0;
  let sum = 0;
  let count = 0;
  for (const data of sstables) {
    const h = sizeHistogram(data.values());
    const first = h.findIndex((n) => n > 0);
    const last = h.findLastIndex((n) => n > 0);
    if (first < 0) continue;
    const hMin = first === 0 ? 0 : SIZE_OFFSETS[first - 1]! + 1;
    if (min === 0 || hMin < min) min = hMin;
    max = Math.max(max, SIZE_OFFSETS[last] ?? Number.MAX_SAFE_INTEGER);
    let elements = 0;
    let weighted = 0;
    for (let i = 0; i < SIZE_OFFSETS.length; i++) {
      elements += h[i]!;
      weighted += h[i]! * SIZE_OFFSETS[i]!;
    }
    sum += Math.ceil(weighted / elements) * data.size;
    count += data.size;
  }
  return { min, max, mean: count > 0 ? Math.floor(sum / count) : 0 };
}

/**
 * Every live table's TableMetrics, keyspace by keyspace, tables in ColumnFamilyStoreMBeanIterator's
 * order (sorted by keyspace, then table name). Disk space is the live SSTables' files: compacted
 * SSTables are deleted at once, so the total equals the live space.
 */
export function tableStatsView(node: CassandraNode, disk: AdminDiskView): TableStatsView {
  const tables: TableMetricsView[] = [];
  const keyspaces = node.schema.keyspaces().map((k) => k.name).sort();
  for (const keyspace of keyspaces) {
    for (const t of liveStores(node, keyspace).sort((a, b) => (a.table < b.table ? -1 : a.table > b.table ? 1 : 0))) {
      const sstables = t.sstablePartitions();
      const keys = new Set<string>();
      for (const data of sstables) for (const k of data.keys()) keys.add(k);
      const live = t.liveBytes();
      tables.push({
        keyspace,
        table: t.table,
        sstableCount: sstables.length,
        liveBytes: live,
        totalBytes: live,
        snapshotBytes: trueSnapshotsSize(node, t, disk),
        // SSTables' key estimates plus the memtable's partitions (counted again if also flushed).
        partitions: keys.size + t.memtableSize,
        memtableCells: t.memOps,
        memtableBytes: t.memBytes,
        memtableSwitches: t.metrics.switches,
        reads: t.metrics.reads,
        writes: t.metrics.writes,
        // No SSTable is ever marked repaired: with none the gauge says 100.
        percentRepaired: sstables.length === 0 ? 100 : 0,
        partitionSizes: partitionSizes(sstables),
      });
    }
  }
  // Schema.getNumberOfTables: every table the node has, whichever are asked for.
  return { numberOfTables: tables.length, keyspaces, tables };
}

/** Size-tiered compaction's estimate: every min_threshold (4) SSTables make a task, up to max_threshold (32) each. */
function pendingCompactions(sstables: number): number {
  return sstables < 4 ? 0 : 1 + Math.floor((sstables - 4) / 32);
}

export function compactionStatsView(node: CassandraNode): CompactionStatsView {
  const pending: [string, string, number][] = [];
  for (const k of node.schema.keyspaces()) {
    for (const t of liveStores(node, k.name)) {
      const n = pendingCompactions(t.sstables.length);
      if (n > 0) pending.push([k.name, t.table, n]);
    }
  }
  return { pending, active: node.repair.activeValidations(node.now.mono), throughputMB: node.throughput.compactionMB };
}
