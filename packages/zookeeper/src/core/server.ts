import { allowed, generateDigest, Perms, type AuthId } from "./acl.js";
import { Code } from "./errors.js";
import { isWrite, type ClientPacket, type Request, type Result } from "./messages.js";
import type { QuorumPeer } from "./peer.js";
import type { Submission } from "./processor.js";
import { firstSessionId } from "./sessions.js";
import { describeTxn, type Txn } from "./txn.js";
import { treeEvents, WatchManager, type TreeEvent } from "./watches.js";
import { hex } from "./zxid.js";

/** A client request waiting its turn (CommitProcessor's queue): reads wait behind earlier writes. */
interface Pending {
  readonly cnxn: number;
  readonly session: bigint;
  readonly xid: number;
  readonly req: Request | { readonly op: "createSession"; readonly timeout: number };
  /** Set when the write committed: the reply goes out once everything before it has. */
  done?: { zxid: number; err: number; result?: Result };
}

/** How a role gets a write into the ensemble: the leader prepares it, a follower forwards it. */
export interface WritePath {
  submit(session: bigint, cxid: number, req: Submission): void;
  /** Checks a reconnecting client's session; answers through `ZkServer.finishSessionInit`. */
  revalidate(cnxn: number, session: bigint, timeout: number): void;
  /** A request on a session: the leader extends it, a follower reports it with its next ping. */
  touch(session: bigint, timeout: number): void;
}

export interface Cnxn {
  readonly id: number;
  readonly remote: string;
  session: bigint;
  timeout: number;
  /** The ids this connection has authenticated as: `ip` from the start, `digest` per addauth. */
  readonly authInfo: AuthId[];
}

/** Xid of an auth packet and of its reply. */
export const AUTH_XID = -4;

/**
 * The client-facing part of a running ZooKeeperServer (leader, follower or standalone): session
 * establishment, the per-server request queue, applying committed txns and answering the
 * client that issued them. Created when a role starts; `running` once the role may serve.
 */
export class ZkServer {
  running = false;
  /** State ERROR: a critical thread (the sync thread) died; the role notices and ends. */
  failed = false;
  private readonly queue: Pending[] = [];
  private nextSession: bigint;
  /** Watches left by this server's clients (DataTree's dataWatches and childWatches). */
  readonly dataWatches = new WatchManager();
  readonly childWatches = new WatchManager();

  constructor(
    private readonly peer: QuorumPeer,
    readonly path: WritePath,
    sessionSid: number,
    readonly commitThread: string,
  ) {
    this.nextSession = firstSessionId(sessionSid, peer.now);
  }

  newSessionId(): bigint {
    return this.nextSession++;
  }

  connect(cnxn: Cnxn, packet: Extract<ClientPacket, { type: "connect" }>): void {
    const cfg = this.peer.config;
    const timeout = Math.min(Math.max(packet.timeout, cfg.minSessionTimeout), cfg.maxSessionTimeout);
    cnxn.timeout = timeout;
    const factory = this.peer.factoryThread;
    if (packet.sessionId === 0n) {
      this.peer.log("INFO", factory, "ZooKeeperServer@964", `Client attempting to establish new session at ${cnxn.remote}`);
      const id = this.newSessionId();
      cnxn.session = id;
      this.queue.push({ cnxn: cnxn.id, session: id, xid: 0, req: { op: "createSession", timeout } });
      this.path.submit(id, 0, { op: "createSession", timeout });
    } else {
      this.peer.log("INFO", factory, "ZooKeeperServer@942", `Client attempting to renew session 0x${hex(packet.sessionId)} at ${cnxn.remote}`);
      cnxn.session = packet.sessionId;
      this.path.revalidate(cnxn.id, packet.sessionId, timeout);
    }
  }

  /** ZooKeeperServer.finishSessionInit. */
  finishSessionInit(cnxnId: number, valid: boolean, created?: number): void {
    const cnxn = this.peer.cnxns.get(cnxnId);
    if (cnxn === undefined) return;
    if (valid) {
      const packet = { type: "connected", timeout: cnxn.timeout, sessionId: cnxn.session, passwd: "" } as const;
      this.peer.emit(created === undefined ? { kind: "reply", cnxn: cnxnId, packet } : { kind: "reply", cnxn: cnxnId, packet, created });
      this.peer.log("INFO", this.commitThread, "ZooKeeperServer@673", `Established session 0x${hex(cnxn.session)} with negotiated timeout ${cnxn.timeout} for client ${cnxn.remote}`);
    } else {
      this.peer.emit({ kind: "reply", cnxn: cnxnId, packet: { type: "connected", timeout: 0, sessionId: 0n, passwd: "" } });
      this.peer.log("INFO", this.commitThread, "ZooKeeperServer@672", `Invalid session 0x${hex(cnxn.session)} for client ${cnxn.remote}, probably expired`);
      this.peer.closeCnxn(cnxnId);
    }
  }

  request(cnxn: Cnxn, xid: number, req: Request): void {
    this.path.touch(cnxn.session, cnxn.timeout);
    this.queue.push({ cnxn: cnxn.id, session: cnxn.session, xid, req });
    // Object.assign, not a spread with a new property: Node 20's V8 adds that one slowly (~1 µs).
    if (isWrite(req)) this.path.submit(cnxn.session, xid, Object.assign({}, req, { authInfo: [...cnxn.authInfo] }));
    else this.drain();
  }

  /**
   * processPacket for OpCode.auth: a provider checks the credentials at once. digest adds the
   * digest of `user:password`, and `super:` first when that is the configured superDigest; any
   * other scheme, or no credentials at all (the provider's NullPointerException), fails with
   * AuthFailed and the connection closes.
   */
  auth(cnxn: Cnxn, packet: Extract<ClientPacket, { type: "auth" }>): void {
    if (packet.scheme === "digest" && packet.auth !== null) {
      const digest = generateDigest(packet.auth);
      const ids = digest === this.peer.config.superDigest ? [{ scheme: "super", id: "" }] : [];
      ids.push({ scheme: "digest", id: digest });
      for (const id of ids) if (!cnxn.authInfo.some((i) => i.scheme === id.scheme && i.id === id.id)) cnxn.authInfo.push(id);
      this.peer.emit({ kind: "reply", cnxn: cnxn.id, packet: { type: "reply", xid: AUTH_XID, zxid: 0, err: Code.OK } });
      return;
    }
    this.peer.emit({ kind: "reply", cnxn: cnxn.id, packet: { type: "reply", xid: AUTH_XID, zxid: 0, err: Code.AUTHFAILED } });
    this.peer.closeCnxn(cnxn.id);
  }

  /** FinalRequestProcessor: apply a committed txn, fire the watches it trips, answer the client that asked for it. */
  commit(txn: Txn): void {
    const ephemerals = txn.type === "closeSession" ? this.peer.db.tree.ephemeralsOf(txn.session) : [];
    const rc = this.peer.db.apply(txn);
    for (const w of this.peer.db.tree.takeWarnings()) this.peer.log("WARN", this.commitThread, "DataTree@301", w);
    if (rc === Code.OK) for (const e of treeEvents(txn, ephemerals)) this.fire(e);
    this.peer.trace("commit", { sid: this.peer.config.sid, zxid: txn.zxid, txn: describeTxn(txn) });
    const head = this.queue.find((p) => p.done === undefined && isWriteEntry(p));
    if (head !== undefined && head.session === txn.session && head.xid === txn.cxid) {
      head.done = { zxid: txn.zxid, err: rc, result: rc === Code.OK ? this.resultOf(txn) : undefined };
    } else if (txn.type === "closeSession") {
      // The session closed elsewhere (expiry at the leader, or a client on another server).
      for (const c of this.peer.cnxns.values()) if (c.session === txn.session) this.peer.closeCnxn(c.id);
    }
    this.drain();
  }

  /** Sends a watch notification to every connection the event trips (each once, for NodeDeleted). */
  private fire(e: TreeEvent): void {
    let told: number[];
    if (e.type === "NodeChildrenChanged") told = this.childWatches.trigger(e.path);
    else told = this.dataWatches.trigger(e.path);
    if (e.type === "NodeDeleted") told = [...told, ...this.childWatches.trigger(e.path, new Set(told))];
    for (const cnxn of told) this.notify(cnxn, e);
  }

  private notify(cnxn: number, e: TreeEvent): void {
    if (this.peer.cnxns.has(cnxn)) this.peer.emit({ kind: "reply", cnxn, packet: { type: "event", event: e.type, path: e.path } });
  }

  /** A client connection closed: its watches go (NIOServerCnxn.close → removeCnxn). */
  removeCnxn(cnxn: number): void {
    this.dataWatches.removeCnxn(cnxn);
    this.childWatches.removeCnxn(cnxn);
  }

  /** DataTree.setWatches: what changed since the client last saw the tree fires now; the rest is watched again. */
  private setWatches(cnxn: number, req: Extract<Request, { op: "setWatches" }>): void {
    const tree = this.peer.db.tree;
    for (const path of req.dataWatches) {
      const stat = tree.statOf(path);
      if (stat === undefined) this.notify(cnxn, { type: "NodeDeleted", path });
      else if (stat.mzxid > req.relativeZxid) this.notify(cnxn, { type: "NodeDataChanged", path });
      else this.dataWatches.add(path, cnxn);
    }
    for (const path of req.existWatches) {
      if (tree.has(path)) this.notify(cnxn, { type: "NodeCreated", path });
      else this.dataWatches.add(path, cnxn);
    }
    for (const path of req.childWatches) {
      const stat = tree.statOf(path);
      if (stat === undefined) this.notify(cnxn, { type: "NodeDeleted", path });
      else if (stat.pzxid > req.relativeZxid) this.notify(cnxn, { type: "NodeChildrenChanged", path });
      else this.childWatches.add(path, cnxn);
    }
  }

  /** What a successful write answers: the created path, or the node's new stat. */
  private resultOf(txn: Txn): Result | undefined {
    if (txn.type === "create") return { path: txn.path };
    if (txn.type === "setData" || txn.type === "setACL") return { stat: this.peer.db.tree.statOf(txn.path) ?? null };
    return undefined;
  }

  private drain(): void {
    while (this.queue.length > 0) {
      const p = this.queue[0]!;
      if (isWriteEntry(p)) {
        if (p.done === undefined) return;
        this.queue.shift();
        this.answerWrite(p);
      } else {
        this.queue.shift();
        this.answerRead(p);
      }
    }
  }

  private answerWrite(p: Pending): void {
    const done = p.done!;
    if (p.req.op === "createSession") {
      this.finishSessionInit(p.cnxn, true, done.zxid);
      return;
    }
    if (!this.peer.cnxns.has(p.cnxn)) return;
    this.peer.emit({ kind: "reply", cnxn: p.cnxn, packet: { type: "reply", xid: p.xid, zxid: done.zxid, err: done.err, result: done.result } });
    if (p.req.op === "closeSession") this.peer.closeCnxn(p.cnxn);
  }

  private answerRead(p: Pending): void {
    const cnxn = this.peer.cnxns.get(p.cnxn);
    if (cnxn === undefined) return;
    const tree = this.peer.db.tree;
    const req = p.req as Request;
    let err: number = Code.OK;
    let result: Result | undefined;
    // FinalRequestProcessor checks READ on the node for getData and getChildren; exists and getACL need nothing.
    const readable = (path: string) => allowed(tree.peek(path)?.acl ?? [], Perms.READ, cnxn.authInfo);
    switch (req.op) {
      case "getData": {
        const d = tree.getData(req.path);
        if (d === undefined) err = Code.NONODE;
        else if (!readable(req.path)) err = Code.NOAUTH;
        else {
          result = d;
          if (req.watch) this.dataWatches.add(req.path, p.cnxn);
        }
        break;
      }
      case "exists":
        // The watch is left whether or not the node exists: its creation trips it.
        if (req.watch) this.dataWatches.add(req.path, p.cnxn);
        result = { stat: tree.statOf(req.path) ?? null };
        break;
      case "getChildren":
      case "getChildren2": {
        const children = tree.getChildren(req.path);
        if (children === undefined) err = Code.NONODE;
        else if (!readable(req.path)) err = Code.NOAUTH;
        else {
          result = req.op === "getChildren" ? { children } : { children, stat: tree.statOf(req.path)! };
          if (req.watch) this.childWatches.add(req.path, p.cnxn);
        }
        break;
      }
      case "setWatches":
        this.setWatches(p.cnxn, req);
        break;
      case "sync":
        result = { path: req.path };
        break;
      case "getACL": {
        const r = tree.getACL(req.path);
        if (r === undefined) err = Code.NONODE;
        else result = { acl: r.acl, stat: r.stat };
        break;
      }
      case "ping":
        break;
    }
    this.peer.emit({ kind: "reply", cnxn: p.cnxn, packet: { type: "reply", xid: p.xid, zxid: this.peer.db.lastProcessedZxid, err, result } });
  }
}

function isWriteEntry(p: Pending): boolean {
  return p.req.op === "createSession" || isWrite(p.req as Request);
}
