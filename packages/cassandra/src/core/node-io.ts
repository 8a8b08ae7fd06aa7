import type { AdminRequest, AdminResponse, ProgressNotification } from "./admin.js";
import type { LogEvent } from "./log.js";
import type { Envelope } from "./messages.js";
import type { ClientRequest, ClientResponse } from "./protocol.js";

/**
 * The node's boundary with its host: inputs the host feeds in (with the clock readings of that
 * instant) and effects the node asks for. The host owns sockets, timers, the disk and stdout.
 */

export interface NodeConfig {
  readonly clusterName: string;
  readonly hostname: string;
  /** listen_address = broadcast_address: this node's identity in the ring. */
  readonly address: string;
  /** broadcast_rpc_address, gossiped as RPC_ADDRESS. */
  readonly rpcAddress: string;
  readonly seeds: readonly string[];
  readonly numTokens: number;
  readonly autoBootstrap: boolean;
  readonly ringDelayMs: number;
  /** The snitch's class name and this node's place in the topology. */
  readonly snitch: string;
  readonly dc: string;
  readonly rack: string;
  readonly dataDir: string;
  readonly commitLogDir: string;
  readonly hintsDir: string;
  readonly commitLogSyncPeriodMs: number;
  readonly writeTimeoutMs: number;
  /** counter_write_request_timeout_in_ms. */
  readonly counterWriteTimeoutMs: number;
  /** cas_contention_timeout_in_ms: how long a lightweight transaction keeps retrying contended ballots. */
  readonly casContentionTimeoutMs: number;
  readonly readTimeoutMs: number;
  readonly rangeTimeoutMs: number;
  readonly rpcTimeoutMs: number;
  readonly hintedHandoffEnabled: boolean;
  readonly maxHintWindowMs: number;
  readonly phiConvictThreshold: number;
  readonly heapMb: number;
  /** auto_snapshot: a dropped table's data is kept in a `dropped-<ms>-<table>` snapshot. */
  readonly autoSnapshot: boolean;
  /** incremental_backups: every flushed or streamed SSTable is also hard-linked under `<table dir>/backups`. */
  readonly incrementalBackups: boolean;
  /** stream_throughput_outbound_megabits_per_sec: the start value of what `nodetool setstreamthroughput` changes. */
  readonly streamThroughputMbits: number;
  /** compaction_throughput_mb_per_sec, likewise for `setcompactionthroughput`. */
  readonly compactionThroughputMB: number;
}

export const RELEASE_VERSION = "3.11.2";
export const NET_VERSION = "11";

export type DiskOp =
  | { readonly op: "append"; readonly path: string; readonly data: Uint8Array }
  | { readonly op: "write"; readonly path: string; readonly data: Uint8Array }
  | { readonly op: "fsync"; readonly path: string }
  | { readonly op: "remove"; readonly path: string }
  | { readonly op: "link"; readonly from: string; readonly to: string }
  | { readonly op: "mkdir"; readonly path: string };

export type Effect =
  | { readonly kind: "send"; readonly to: string; readonly envelope: Envelope }
  | { readonly kind: "timer"; readonly key: string; readonly ms: number }
  | { readonly kind: "cancel"; readonly key: string }
  | { readonly kind: "log"; readonly event: LogEvent }
  /** Raw text on stdout (what the JVM prints outside the logger). */
  | { readonly kind: "print"; readonly text: string }
  | { readonly kind: "trace"; readonly type: string; readonly data: Readonly<Record<string, unknown>> }
  | { readonly kind: "disk"; readonly op: DiskOp }
  | { readonly kind: "client"; readonly conn: number; readonly response: ClientResponse }
  | { readonly kind: "admin"; readonly id: number; readonly response: AdminResponse }
  /** A notification to the JMX client of a call still running (a repair's progress). */
  | { readonly kind: "admin-progress"; readonly id: number; readonly event: ProgressNotification }
  /** Start or stop a listener: internode messaging (7000) or native transport (9042). */
  | { readonly kind: "service"; readonly service: "messaging" | "cql"; readonly up: boolean }
  /** OutboundTcpConnectionPool.reset: close the connections to a peer; what they still queue is discarded. */
  | { readonly kind: "reset-connections"; readonly to: string }
  | { readonly kind: "exit"; readonly status: number };

/** A snapshot directory as the host finds it: `<table dir>/snapshots/<tag>` and its files. */
export interface SnapshotOnDisk {
  readonly tableDir: string;
  readonly tag: string;
  readonly files: readonly { readonly name: string; readonly bytes: number }[];
}

export interface AdminDiskView {
  readonly snapshots: readonly SnapshotOnDisk[];
  /** SSTables directly in the named table's directories (nodetool refresh). */
  readonly sstables: PersistedFiles["sstables"];
}

/** Files found under the data directories when the process starts. */
export interface PersistedFiles {
  readonly sstables: readonly { readonly base: string; readonly components: readonly string[]; readonly bytes: number; readonly data: Uint8Array }[];
  readonly commitLog: readonly { readonly id: number; readonly path: string; readonly bytes: Uint8Array }[];
  readonly hints: readonly { readonly path: string; readonly bytes: Uint8Array }[];
}

export type Input =
  | { readonly kind: "start"; readonly files: PersistedFiles }
  | { readonly kind: "timer"; readonly key: string }
  | { readonly kind: "message"; readonly envelope: Envelope }
  | { readonly kind: "client"; readonly conn: number; readonly request: ClientRequest }
  | { readonly kind: "client-closed"; readonly conn: number }
  /** A JMX call; the host reads for it what of the disk the call looks at (snapshot directories, new SSTables). */
  | { readonly kind: "admin"; readonly id: number; readonly request: AdminRequest; readonly disk?: AdminDiskView }
  /** SIGTERM/SIGINT/SIGHUP: the JVM runs its shutdown hook (drain unless drained) and exits with `status`. */
  | { readonly kind: "terminate"; readonly status: number }
  /** A write to the commit log or a data directory failed (a full disk): `error` is the IOException's message. */
  | { readonly kind: "disk-failure"; readonly path: string; readonly error: string; readonly commitLog: boolean };
