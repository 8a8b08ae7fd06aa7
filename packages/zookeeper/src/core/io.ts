import type { ZkDatabase } from "./database.js";
import type { SnapshotData } from "./datatree.js";
import type { ClientPacket, Notification, QuorumPacket, Request, ServerPacket } from "./messages.js";
import type { Txn } from "./txn.js";

/** Timers a peer keeps; setting one again re-arms it. */
export type TimerName = "election" | "tick" | "initLimit" | "learnerRead" | "connectRetry" | "sessions";

/** What a peer's data directory holds once recovered (FileTxnSnapLog.restore + the epoch files). */
export interface Loaded {
  readonly db: ZkDatabase;
  readonly currentEpoch: number;
  readonly acceptedEpoch: number;
}

/**
 * The data directory, which the core reads and writes synchronously where ZooKeeper's own threads
 * do: loading at start (with the epoch files); reloading the database when it truncates its log
 * to a leader's TRUNC; the epoch
 * files; and the snapshot a learner takes when a SNAP replaced its state. A write the disk refuses
 * (full, read-only) returns the IOException's message, which the caller handles as Java would.
 */
export interface DataDirectory {
  load(): Loaded;
  loadDatabase(truncateTo?: number): ZkDatabase;
  writeEpoch(file: "currentEpoch" | "acceptedEpoch", value: number): string | undefined;
  takeSnapshot(data: SnapshotData, thread: string): string | undefined;
  markUpdatingEpoch(): string | undefined;
  clearUpdatingEpoch(): string | undefined;
}

export type Input =
  | { readonly kind: "start" }
  | { readonly kind: "timer"; readonly timer: TimerName }
  | { readonly kind: "notification"; readonly n: Notification }
  /** The follower's connection to the leader opened. */
  | { readonly kind: "linkUp"; readonly link: number }
  /** The leader accepted a learner's connection (the host numbers these links). */
  | { readonly kind: "linkAccepted"; readonly link: number; readonly remote: string }
  /** A link ended; `address` is where a connection that never opened was going (host/ip:port). */
  | { readonly kind: "linkDown"; readonly link: number; readonly reason: string; readonly address?: string }
  | { readonly kind: "packet"; readonly link: number; readonly packet: QuorumPacket }
  /** Every appended txn up to this zxid is durable (or, with forceSync=no, written). */
  | { readonly kind: "logged"; readonly zxid: number }
  /** Writing the txn log failed (`error`: the IOException's message, e.g. No space left on device). */
  | { readonly kind: "syncFailed"; readonly error: string }
  | { readonly kind: "clientConnect"; readonly cnxn: number; readonly remote: string; readonly packet: Extract<ClientPacket, { type: "connect" }> }
  | { readonly kind: "clientRequest"; readonly cnxn: number; readonly xid: number; readonly req: Request }
  | { readonly kind: "clientAuth"; readonly cnxn: number; readonly packet: Extract<ClientPacket, { type: "auth" }> }
  | { readonly kind: "clientClosed"; readonly cnxn: number };

export type LogLevel = "INFO" | "WARN" | "ERROR";

export type Effect =
  | { readonly kind: "notify"; readonly to: number; readonly n: Notification }
  | { readonly kind: "setTimer"; readonly timer: TimerName; readonly ms: number }
  | { readonly kind: "cancelTimer"; readonly timer: TimerName }
  /** Open (or close) the quorum port: a leader listens on it while leading. */
  | { readonly kind: "listenQuorum"; readonly open: boolean }
  | { readonly kind: "connectLeader"; readonly link: number; readonly sid: number; readonly timeoutMs: number }
  | { readonly kind: "send"; readonly link: number; readonly packet: QuorumPacket }
  | { readonly kind: "closeLink"; readonly link: number }
  /** Append to the txn log and make durable; completion comes back as a `logged` input. */
  | { readonly kind: "append"; readonly txns: readonly Txn[] }
  /** The next append starts a new log file. */
  | { readonly kind: "rollLog" }
  /** The sync processor's periodic snapshot, written by its snapshot thread. */
  | { readonly kind: "snapshot"; readonly data: SnapshotData }
  /** `created`: the zxid of the createSession txn a `connected` packet answers (a new session, not a reconnect). */
  | { readonly kind: "reply"; readonly cnxn: number; readonly packet: ServerPacket; readonly created?: number }
  | { readonly kind: "closeClient"; readonly cnxn: number }
  | { readonly kind: "log"; readonly level: LogLevel; readonly thread: string; readonly at: string; readonly msg: string }
  /** An observable event for checkers; recorded as `zk.<type>`. */
  | { readonly kind: "trace"; readonly type: string; readonly data: Readonly<Record<string, unknown>> }
  /** System.exit(status): the server found its state impossible to continue from. */
  | { readonly kind: "fatal"; readonly status: number };
