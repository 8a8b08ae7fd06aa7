export { makeZxid, epochOf, counterOf, hex } from "./zxid.js";
export { hashOrder, longHash, stringHash } from "./java-hash.js";
export { Code, codeMessage, exceptionClass } from "./errors.js";
export { pathError } from "./paths.js";
export { DataTree, byteLength, formatStatsTrack, parseStatsTrack, type SnapshotData, type SerializedNode, type StatsTrack } from "./datatree.js";
export { ZkDatabase, COMMIT_LOG_COUNT } from "./database.js";
export { describeTxn, type Txn, type TxnHeader, type TxnBody } from "./txn.js";
export { FastLeaderElection, beats, FINALIZE_WAIT, MAX_NOTIFICATION_INTERVAL, type Vote } from "./election.js";
export { QuorumPeer, type PeerConfig, type PeerState, type RandomSource } from "./peer.js";
export { firstSessionId } from "./sessions.js";
export type { DataDirectory, Loaded, Input, Effect, TimerName, LogLevel } from "./io.js";
export {
  isWrite,
  type ServerState,
  type Notification,
  type Stat,
  type Request,
  type WriteRequest,
  type ReadRequest,
  type Result,
  type ClientPacket,
  type ServerPacket,
  type QuorumPacket,
  type WatchedEventType,
  type Acl,
} from "./messages.js";
export { AUTH_XID } from "./server.js";
export { Perms, generateDigest, type AuthId } from "./acl.js";
