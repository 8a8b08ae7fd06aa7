import type { Acl } from "./messages.js";

/**
 * Transactions: what a write becomes once the leader has prepared it (PrepRequestProcessor),
 * given a zxid and a time. They are what Zab proposes, what the txn log stores and what every
 * server applies to its data tree, so they are plain data (msgpack-encodable).
 */
export interface TxnHeader {
  readonly zxid: number;
  /** Wall-clock ms at the leader when prepared (becomes ctime/mtime). */
  readonly time: number;
  /** The client session that issued it (0n for server-internal ones). */
  readonly session: bigint;
  /** The client's xid, so the server holding the connection can match the commit to it. */
  readonly cxid: number;
}

export type TxnBody =
  | { readonly type: "createSession"; readonly timeout: number }
  | { readonly type: "closeSession" }
  /** `acl` is absent for the open ACL, which nearly every node has. */
  | { readonly type: "create"; readonly path: string; readonly data: string; readonly ephemeral: boolean; readonly parentCVersion: number; readonly acl?: readonly Acl[] }
  /** SetACLTxn: `version` is the node's new aversion. */
  | { readonly type: "setACL"; readonly path: string; readonly acl: readonly Acl[]; readonly version: number }
  | { readonly type: "delete"; readonly path: string }
  | { readonly type: "setData"; readonly path: string; readonly data: string; readonly version: number }
  /** A write that failed in preparation still takes a zxid and is committed as an error. */
  | { readonly type: "error"; readonly err: number };

export type Txn = TxnHeader & TxnBody;

/**
 * A txn from its header and body, the header's fields spelled out: on Node 20's V8, properties
 * added to a spread copy (`{ ...hdr, type, path }`) take about a microsecond each, which made
 * building the txn the costliest line of a write.
 */
export function makeTxn(hdr: TxnHeader, body: TxnBody): Txn {
  return { zxid: hdr.zxid, time: hdr.time, session: hdr.session, cxid: hdr.cxid, ...body };
}

/** A short, stable description of a txn for traces and checkers (equal txns, equal strings). */
export function describeTxn(t: Txn): string {
  switch (t.type) {
    case "createSession":
      return `createSession ${t.session.toString(16)} ${t.timeout}`;
    case "closeSession":
      return `closeSession ${t.session.toString(16)}`;
    case "create":
      return `create ${t.path} ${t.data.length}:${t.data}${t.ephemeral ? " e" : ""}`;
    case "delete":
      return `delete ${t.path}`;
    case "setData":
      return `setData ${t.path} v${t.version} ${t.data.length}:${t.data}`;
    case "setACL":
      return `setACL ${t.path} v${t.version} ${t.acl.map((a) => `${a.scheme}:${a.id}:${a.perms}`).join(",")}`;
    case "error":
      return `error ${t.err} ${t.session.toString(16)}:${t.cxid}`;
  }
}
