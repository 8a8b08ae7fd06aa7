import { allowed, fixupACL, Perms, sameAcl } from "./acl.js";
import type { ZkDatabase } from "./database.js";
import { Code, codeMessage } from "./errors.js";
import { OPEN_ACL_UNSAFE, type Acl, type WriteRequest } from "./messages.js";
import { pathError } from "./paths.js";
import { makeTxn, type Txn, type TxnHeader } from "./txn.js";

/** What preparation needs to know about a node, whether committed or still in flight. */
interface ChangeRecord {
  readonly zxid: number;
  readonly path: string;
  /** False for a node an in-flight txn deletes. */
  readonly exists: boolean;
  readonly version: number;
  readonly cversion: number;
  readonly aversion: number;
  readonly childCount: number;
  readonly ephemeralOwner: bigint;
  readonly acl: readonly Acl[];
}

export class KeeperError extends Error {
  /** The exception's path as the server logs it ("null" for checkACL's NoAuthException, which has none). */
  readonly path: string;

  constructor(
    readonly code: number,
    path?: string,
  ) {
    super(path === undefined ? `KeeperErrorCode = ${codeMessage(code)}` : `KeeperErrorCode = ${codeMessage(code)} for ${path}`);
    this.path = path ?? "null";
  }
}

function parentPath(path: string): string {
  const i = path.lastIndexOf("/");
  return i <= 0 ? "/" : path.slice(0, i);
}

/**
 * PrepRequestProcessor: turns a client write into a txn. Writes are validated against the tree
 * as it will be once every txn already proposed has been applied (the outstanding changes), so
 * pipelined writes see each other: two creates of one path give NodeExists for the second, and
 * sequential names count prepared creates. ACLs are checked here too, against the ids of the
 * connection that sent the write, in checkACL's order within each operation.
 */
export class RequestPrep {
  private readonly outstanding: ChangeRecord[] = [];
  private readonly byPath = new Map<string, ChangeRecord>();

  constructor(private readonly db: ZkDatabase) {}

  /** A write that cannot be applied becomes an error txn with the same zxid. */
  prepare(hdr: TxnHeader, req: WriteRequest): { txn: Txn; error?: KeeperError } {
    try {
      return { txn: this.toTxn(hdr, req) };
    } catch (e) {
      if (!(e instanceof KeeperError)) throw e;
      return { txn: makeTxn(hdr, { type: "error", err: e.code }), error: e };
    }
  }

  /** The txn for a createSession (always succeeds). */
  createSession(hdr: TxnHeader, timeout: number): Txn {
    return makeTxn(hdr, { type: "createSession", timeout });
  }

  /** FinalRequestProcessor: records at or below an applied zxid are now in the tree. */
  applied(zxid: number): void {
    let n = 0;
    while (n < this.outstanding.length && this.outstanding[n]!.zxid <= zxid) {
      const cr = this.outstanding[n]!;
      if (this.byPath.get(cr.path) === cr) this.byPath.delete(cr.path);
      n++;
    }
    if (n > 0) this.outstanding.splice(0, n);
  }

  /** The node as it will be once every proposed txn is applied; undefined if it will not exist. */
  private lookup(path: string): ChangeRecord | undefined {
    const cr = this.byPath.get(path);
    if (cr !== undefined) return cr.exists ? cr : undefined;
    const n = this.db.tree.peek(path);
    return n === undefined ? undefined : { zxid: this.db.lastProcessedZxid, path, exists: true, ...n };
  }

  private record(path: string): ChangeRecord {
    const cr = this.lookup(path);
    if (cr === undefined) throw new KeeperError(Code.NONODE, path);
    return cr;
  }

  private add(cr: ChangeRecord): void {
    this.outstanding.push(cr);
    this.byPath.set(cr.path, cr);
  }

  private toTxn(hdr: TxnHeader, req: WriteRequest): Txn {
    const zxid = hdr.zxid;
    const ids = req.authInfo ?? [];
    const check = (acl: readonly Acl[], perm: number) => {
      if (!allowed(acl, perm, ids)) throw new KeeperError(Code.NOAUTH);
    };
    switch (req.op) {
      case "create": {
        if (pathError(req.path, req.sequential) !== undefined) throw new KeeperError(Code.BADARGUMENTS, req.path);
        const acl = fixupACL(ids, req.acl ?? OPEN_ACL_UNSAFE);
        if (acl === undefined) throw new KeeperError(Code.INVALIDACL, req.path);
        const parent = this.record(parentPath(req.path));
        check(parent.acl, Perms.CREATE);
        const path = req.sequential ? req.path + String(parent.cversion).padStart(10, "0") : req.path;
        if (this.lookup(path) !== undefined) throw new KeeperError(Code.NODEEXISTS, path);
        if (parent.ephemeralOwner !== 0n) throw new KeeperError(Code.NOCHILDRENFOREPHEMERALS, path);
        const cversion = parent.cversion + 1;
        this.add({ ...parent, zxid, cversion, childCount: parent.childCount + 1 });
        this.add({ zxid, path, exists: true, version: 0, cversion: 0, aversion: 0, childCount: 0, ephemeralOwner: req.ephemeral ? hdr.session : 0n, acl });
        const stored = sameAcl(acl, OPEN_ACL_UNSAFE) ? {} : { acl };
        return makeTxn(hdr, { type: "create", path, data: req.data, ephemeral: req.ephemeral, parentCVersion: cversion, ...stored });
      }
      case "delete": {
        if (pathError(req.path) !== undefined) throw new KeeperError(Code.BADARGUMENTS, req.path);
        const parent = this.record(parentPath(req.path));
        const node = this.record(req.path);
        check(parent.acl, Perms.DELETE);
        if (req.version !== -1 && node.version !== req.version) throw new KeeperError(Code.BADVERSION, req.path);
        if (node.childCount > 0) throw new KeeperError(Code.NOTEMPTY, req.path);
        this.add({ ...parent, zxid, childCount: parent.childCount - 1 });
        this.add({ ...node, zxid, exists: false });
        return makeTxn(hdr, { type: "delete", path: req.path });
      }
      case "setData": {
        if (pathError(req.path) !== undefined) throw new KeeperError(Code.BADARGUMENTS, req.path);
        const node = this.record(req.path);
        check(node.acl, Perms.WRITE);
        if (req.version !== -1 && node.version !== req.version) throw new KeeperError(Code.BADVERSION, req.path);
        const version = node.version + 1;
        this.add({ ...node, zxid, version });
        return makeTxn(hdr, { type: "setData", path: req.path, data: req.data, version });
      }
      case "setACL": {
        if (pathError(req.path) !== undefined) throw new KeeperError(Code.BADARGUMENTS, req.path);
        const acl = fixupACL(ids, req.acl);
        if (acl === undefined) throw new KeeperError(Code.INVALIDACL, req.path);
        const node = this.record(req.path);
        check(node.acl, Perms.ADMIN);
        if (req.version !== -1 && node.aversion !== req.version) throw new KeeperError(Code.BADVERSION, req.path);
        const version = node.aversion + 1;
        this.add({ ...node, zxid, aversion: version, acl });
        return makeTxn(hdr, { type: "setACL", path: req.path, acl, version });
      }
      case "closeSession": {
        // The session's ephemerals, including ones still being created, go with it.
        const doomed = new Set(this.db.tree.ephemeralsOf(hdr.session));
        for (const cr of this.outstanding) {
          if (!cr.exists) doomed.delete(cr.path);
          else if (cr.ephemeralOwner === hdr.session) doomed.add(cr.path);
        }
        for (const path of doomed) this.add({ zxid, path, exists: false, version: 0, cversion: 0, aversion: 0, childCount: 0, ephemeralOwner: 0n, acl: OPEN_ACL_UNSAFE });
        return makeTxn(hdr, { type: "closeSession" });
      }
    }
  }
}
