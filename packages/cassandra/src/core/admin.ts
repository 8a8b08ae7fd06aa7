/**
 * What nodetool asks a node over JMX (port 7199), and what comes back. One request per command
 * carries everything the command prints; long operations (drain, decommission) answer when done.
 */

export type AdminRequest =
  | { readonly op: "status"; readonly keyspace?: string }
  | { readonly op: "info" }
  | { readonly op: "describecluster" }
  | { readonly op: "gossipinfo" }
  | { readonly op: "drain" }
  | { readonly op: "decommission" }
  | { readonly op: "flush"; readonly keyspace?: string; readonly tables: readonly string[] }
  /** forceKeyspaceCompaction: a major compaction of the keyspace's tables (all of them when none is named). */
  | { readonly op: "compact"; readonly keyspace: string; readonly tables: readonly string[] }
  /** forceBatchlogReplay: answered when the run has finished. */
  | { readonly op: "replaybatchlog" }
  | { readonly op: "removenode"; readonly hostId: string }
  | { readonly op: "getendpoints"; readonly keyspace: string; readonly table: string; readonly key: string }
  | { readonly op: "version" }
  /** getSchemaVersion and describeRingJMX: the keyspace's ranges as TokenRange strings. */
  | { readonly op: "describering"; readonly keyspace: string }
  /** getOperationMode, StreamManager's current streams and ReadRepairMetrics: nodetool netstats. */
  | { readonly op: "netstats" }
  /** MessagingServiceMBean's per-connection task counts, answered by the host that owns the connections. */
  | { readonly op: "messaging" }
  | SnapshotRequest
  /** getSnapshotDetails and trueSnapshotsSize: nodetool listsnapshots. */
  | { readonly op: "listsnapshots" }
  /** clearSnapshot: removes snapshot directories, which the host does itself (no table needs to know). */
  | { readonly op: "clearsnapshot"; readonly tag: string; readonly keyspaces: readonly string[] }
  /** get/setStreamThroughput and get/setCompactionThroughput; without `value` a get. */
  | { readonly op: "throughput"; readonly which: "stream" | "compaction"; readonly value?: number }
  /** ThreadPool metrics and MessagingService's dropped messages: nodetool tpstats. */
  | { readonly op: "tpstats" }
  /** Every table's TableMetrics and the schema's table count: nodetool tablestats (which filters them itself). */
  | { readonly op: "tablestats" }
  /** CompactionManager's pending tasks by table and running compactions: nodetool compactionstats. */
  | { readonly op: "compactionstats" }
  /** loadNewSSTables: nodetool refresh. */
  | { readonly op: "refresh"; readonly keyspace: string; readonly table: string }
  /** start/stopNativeTransport, start/stopGossiping, setHintedHandoffEnabled: nodetool enable… and disable…. */
  | { readonly op: "service"; readonly service: NodeService; readonly enable: boolean }
  /** isNativeTransportRunning, isGossipRunning, isHandoffEnabled: nodetool statusbinary, statusgossip, statushandoff. */
  | { readonly op: "service-status"; readonly service: NodeService }
  /** forceKeyspaceCleanup: answers CompactionManager's status code (0 done, 1 aborted). */
  | { readonly op: "cleanup"; readonly keyspace: string; readonly tables: readonly string[] }
  /** StorageServiceMBean.getKeyspaces / getNonLocalStrategyKeyspaces. */
  | { readonly op: "keyspaces"; readonly nonLocalStrategy: boolean }
  /** repairAsync: answered when the command completes, with its number (0: nothing to repair); progress comes as notifications. */
  | { readonly op: "repair"; readonly keyspace: string; readonly options: RepairOptions };

/** takeSnapshot: whole keyspaces (none named: all), or `keyspace.table` entries. */
export interface SnapshotRequest {
  readonly op: "snapshot";
  readonly tag: string;
  readonly keyspaces: readonly string[];
  readonly tables?: readonly string[];
  readonly skipFlush: boolean;
}

/** What nodetool can switch off and on at run time. */
export type NodeService = "binary" | "gossip" | "handoff" | "backup";

/** The options nodetool repair passes (RepairOption's keys). */
export interface RepairOptions {
  /** RepairParallelism.getName(). */
  readonly parallelism: "sequential" | "parallel" | "dc_parallel";
  readonly primaryRange: boolean;
  readonly incremental: boolean;
  readonly jobThreads: number;
  /** Empty: every table of the keyspace. */
  readonly tables: readonly string[];
}

/** A repair command's ProgressEvent, sent to nodetool as a JMX notification. */
export interface ProgressNotification {
  readonly type: "START" | "PROGRESS" | "ERROR" | "SUCCESS" | "COMPLETE";
  readonly progress: number;
  readonly total: number;
  readonly message: string;
}

/** The exception a JMX call raised, by class name as nodetool prints it. */
export interface AdminError {
  readonly exception: string;
  readonly message: string;
}

export type Ownership =
  | { readonly kind: "effective"; readonly owns: Readonly<Record<string, number>> }
  | { readonly kind: "error"; readonly exception: "IllegalStateException" | "IllegalArgumentException" | "RuntimeException"; readonly message: string };

/** StorageService/Gossiper/snitch views nodetool status and ring read. */
export interface RingView {
  readonly live: readonly string[];
  readonly unreachable: readonly string[];
  readonly joining: readonly string[];
  readonly leaving: readonly string[];
  readonly moving: readonly string[];
  /** Formatted by the node (FileUtils.stringifyFileSize), as getLoadMap returns it. */
  readonly load: Readonly<Record<string, string>>;
  /** Sorted by token: [token, endpoint]. */
  readonly tokens: readonly (readonly [string, string])[];
  readonly hostIds: Readonly<Record<string, string>>;
  readonly dc: Readonly<Record<string, string>>;
  readonly rack: Readonly<Record<string, string>>;
  readonly ownership: Ownership;
}

export interface InfoView {
  readonly hostId: string;
  readonly gossipActive: boolean;
  readonly nativeTransportActive: boolean;
  readonly load: string;
  readonly generation: number;
  readonly uptimeSeconds: number;
  readonly dc: string;
  readonly rack: string;
  /** This node's tokens, sorted (empty until it has joined). */
  readonly tokens: readonly string[];
  readonly heapUsedMb: number;
  readonly heapMaxMb: number;
}

export interface ClusterView {
  readonly name: string;
  readonly snitch: string;
  readonly partitioner: string;
  /** Schema version → endpoints; unreachable endpoints under "UNREACHABLE". */
  readonly schemaVersions: readonly (readonly [string, readonly string[]])[];
}

export interface GossipInfoView {
  readonly endpoints: readonly {
    readonly endpoint: string;
    readonly generation: number;
    readonly heartbeat: number;
    readonly states: readonly (readonly [string, number, string])[];
  }[];
}

export interface DescribeRingView {
  readonly schemaVersion: string;
  /** Each range as thrift's TokenRange.toString prints it, or the IOException describeRing raised. */
  readonly ranges: readonly string[] | { readonly error: string };
}

/** A stream session's summary from one side: files and bytes in all, and how many are done. */
export interface StreamSummaryView {
  readonly files: number;
  readonly bytes: number;
  readonly doneFiles: number;
  readonly doneBytes: number;
}

export interface StreamStateView {
  readonly description: string;
  readonly planId: string;
  readonly sessions: readonly { readonly peer: string; readonly sending?: StreamSummaryView }[];
}

export interface NetStatsView {
  /** StorageService.OperationMode: STARTING, JOINING, NORMAL, LEAVING, DECOMMISSIONED, DRAINING, DRAINED. */
  readonly mode: string;
  readonly streams: readonly StreamStateView[];
  readonly readRepair: { readonly attempted: number; readonly blocking: number; readonly background: number };
}

/** Pending, completed and dropped messages summed over the peers, per outbound connection kind. */
export interface MessagingView {
  readonly large: MessagePoolView;
  readonly small: MessagePoolView;
  readonly gossip: MessagePoolView;
}

export interface MessagePoolView {
  readonly pending: number;
  readonly completed: number;
  readonly dropped: number;
}

export interface ThreadPoolView {
  readonly name: string;
  readonly active: number;
  readonly pending: number;
  readonly completed: number;
  readonly blocked: number;
  readonly allTimeBlocked: number;
}

export interface TpStatsView {
  /** In the order NodeProbe.getThreadPools yields them. */
  readonly pools: readonly ThreadPoolView[];
  /** Dropped messages per droppable verb, in Verb order. */
  readonly dropped: readonly (readonly [string, number])[];
}

/** One table's TableMetrics, as TableStatsHolder reads them. */
export interface TableMetricsView {
  readonly keyspace: string;
  readonly table: string;
  readonly sstableCount: number;
  readonly liveBytes: number;
  readonly totalBytes: number;
  readonly snapshotBytes: number;
  readonly partitions: number;
  readonly memtableCells: number;
  readonly memtableBytes: number;
  readonly memtableSwitches: number;
  /** Local single-partition reads and mutations applied (the ReadLatency and WriteLatency timers' counts). */
  readonly reads: number;
  readonly writes: number;
  readonly percentRepaired: number;
  /** Compacted partition minimum, maximum and mean bytes. */
  readonly partitionSizes: { readonly min: number; readonly max: number; readonly mean: number };
}

export interface TableStatsView {
  /** Schema.getNumberOfTables: every table the node knows, whatever is asked for. */
  readonly numberOfTables: number;
  /** probe.getKeyspaces, which named keyspaces are checked against. */
  readonly keyspaces: readonly string[];
  readonly tables: readonly TableMetricsView[];
}

/** A running compaction's CompactionInfo, as CompactionManagerMBean.getCompactions lists it. */
export interface CompactionView {
  readonly id: string;
  readonly taskType: string;
  readonly keyspace: string;
  readonly table: string;
  readonly completed: number;
  readonly total: number;
  readonly unit: string;
}

export interface CompactionStatsView {
  /** PendingTasksByTableName: [keyspace, table, tasks] for tables with tasks pending. */
  readonly pending: readonly (readonly [string, string, number])[];
  readonly active: readonly CompactionView[];
  /** getCompactionThroughput, MB/s (0: unthrottled). */
  readonly throughputMB: number;
}

export type AdminResponse = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: AdminError };
