import type { SnapshotData } from "./datatree.js";
import type { AuthId } from "./acl.js";
import type { Txn } from "./txn.js";

/** Peer states as FastLeaderElection and QuorumPeer name them (observers are not modelled). */
export type ServerState = "LOOKING" | "FOLLOWING" | "LEADING";

/** A FastLeaderElection notification (message format version 1). */
export interface Notification {
  /** Proposed leader. */
  readonly leader: number;
  /** Proposed leader's last logged zxid. */
  readonly zxid: number;
  /** The sender's logical clock (election round). */
  readonly round: number;
  readonly state: ServerState;
  readonly sid: number;
  /** Proposed leader's epoch. */
  readonly peerEpoch: number;
}

// ---- client protocol ------------------------------------------------------------------------

export interface Stat {
  readonly czxid: number;
  readonly mzxid: number;
  readonly pzxid: number;
  readonly ctime: number;
  readonly mtime: number;
  readonly version: number;
  readonly cversion: number;
  readonly aversion: number;
  readonly ephemeralOwner: bigint;
  readonly dataLength: number;
  readonly numChildren: number;
}

/**
 * A write, with the ids of the connection that sent it (Request.authInfo): the server that orders
 * writes checks ACLs against them, so a follower forwards them with the request.
 */
export type WriteRequest = (
  | {
      readonly op: "create";
      readonly path: string;
      readonly data: string;
      readonly ephemeral: boolean;
      readonly sequential: boolean;
      /** The new node's ACL; absent is the open ACL (ZooDefs.Ids.OPEN_ACL_UNSAFE). */
      readonly acl?: readonly Acl[];
    }
  | { readonly op: "delete"; readonly path: string; readonly version: number }
  | { readonly op: "setData"; readonly path: string; readonly data: string; readonly version: number }
  | { readonly op: "setACL"; readonly path: string; readonly acl: readonly Acl[]; readonly version: number }
  | { readonly op: "closeSession" }
) & { readonly authInfo?: readonly AuthId[] };

/** `watch`: leave a one-time watch on the path (a data watch, or a child watch for getChildren). */
export type ReadRequest =
  | { readonly op: "getData"; readonly path: string; readonly watch?: boolean }
  | { readonly op: "exists"; readonly path: string; readonly watch?: boolean }
  | { readonly op: "getChildren"; readonly path: string; readonly watch?: boolean }
  | { readonly op: "getChildren2"; readonly path: string; readonly watch?: boolean }
  | { readonly op: "sync"; readonly path: string }
  | { readonly op: "getACL"; readonly path: string }
  | { readonly op: "ping" }
  /** A reconnecting client re-registers its watches; what changed after `relativeZxid` fires at once. */
  | { readonly op: "setWatches"; readonly relativeZxid: number; readonly dataWatches: readonly string[]; readonly existWatches: readonly string[]; readonly childWatches: readonly string[] };

/** Watcher.Event.EventType of a node event. */
export type WatchedEventType = "NodeCreated" | "NodeDeleted" | "NodeDataChanged" | "NodeChildrenChanged";

export type Request = WriteRequest | ReadRequest;

export function isWrite(r: Request): r is WriteRequest {
  return r.op === "create" || r.op === "delete" || r.op === "setData" || r.op === "setACL" || r.op === "closeSession";
}

export type Result =
  | { readonly path: string }
  | { readonly data: string; readonly stat: Stat }
  | { readonly stat: Stat | null }
  | { readonly children: readonly string[]; readonly stat?: Stat }
  | { readonly acl: readonly Acl[]; readonly stat: Stat };

/** An ACL entry: permissions (READ 1, WRITE 2, CREATE 4, DELETE 8, ADMIN 16) for a scheme's id. */
export interface Acl {
  readonly perms: number;
  readonly scheme: string;
  readonly id: string;
}

/** ZooDefs.Ids.OPEN_ACL_UNSAFE. */
export const OPEN_ACL_UNSAFE: readonly Acl[] = [{ perms: 31, scheme: "world", id: "anyone" }];

/** Client → server. */
export type ClientPacket =
  | {
      readonly type: "connect";
      readonly lastZxidSeen: number;
      readonly timeout: number;
      /** 0n asks for a new session. */
      readonly sessionId: bigint;
      readonly passwd: string;
    }
  | { readonly type: "request"; readonly xid: number; readonly req: Request }
  /** addAuthInfo (OpCode.auth, xid -4): answered at once, outside the request pipeline. */
  /** `auth` is null when zkCli's addauth was given no credentials (a null byte array). */
  | { readonly type: "auth"; readonly scheme: string; readonly auth: string | null };

/** Server → client. */
export type ServerPacket =
  | { readonly type: "connected"; readonly timeout: number; readonly sessionId: bigint; readonly passwd: string }
  | { readonly type: "reply"; readonly xid: number; readonly zxid: number; readonly err: number; readonly result?: Result }
  /** A watch fired (a notification, xid -1). */
  | { readonly type: "event"; readonly event: WatchedEventType; readonly path: string };

// ---- quorum protocol (Leader.java packet types) ---------------------------------------------

export type QuorumPacket =
  | { readonly type: "FOLLOWERINFO"; readonly sid: number; /** makeZxid(acceptedEpoch, 0) */ readonly zxid: number }
  | { readonly type: "LEADERINFO"; /** makeZxid(newEpoch, 0) */ readonly zxid: number }
  | { readonly type: "ACKEPOCH"; /** last logged zxid */ readonly zxid: number; /** currentEpoch, or -1 if already acked this epoch */ readonly epoch: number }
  | { readonly type: "DIFF"; readonly zxid: number }
  | { readonly type: "TRUNC"; readonly zxid: number }
  | { readonly type: "SNAP"; readonly zxid: number; readonly snapshot: SnapshotData }
  | { readonly type: "NEWLEADER"; readonly zxid: number }
  | { readonly type: "UPTODATE" }
  | { readonly type: "PROPOSAL"; readonly txn: Txn }
  | { readonly type: "ACK"; readonly zxid: number }
  | { readonly type: "COMMIT"; readonly zxid: number }
  /** Leader → follower carries lastProposed; follower → leader carries its clients' session touches. */
  | { readonly type: "PING"; readonly zxid: number; readonly touches?: readonly (readonly [bigint, number])[] }
  | { readonly type: "REQUEST"; readonly session: bigint; readonly cxid: number; readonly req: WriteRequest | { readonly op: "createSession"; readonly timeout: number } }
  | { readonly type: "REVALIDATE"; readonly session: bigint; readonly timeout: number; readonly valid?: boolean };

/** Leader's packet type constants, the numbers 3.4's logs print where they print qp.getType(). */
export const PACKET_TYPE_CODES: Readonly<Record<QuorumPacket["type"], number>> = {
  REQUEST: 1,
  PROPOSAL: 2,
  ACK: 3,
  COMMIT: 4,
  PING: 5,
  REVALIDATE: 6,
  NEWLEADER: 10,
  FOLLOWERINFO: 11,
  UPTODATE: 12,
  DIFF: 13,
  TRUNC: 14,
  SNAP: 15,
  LEADERINFO: 17,
  ACKEPOCH: 18,
};
