import type { WriteRequest } from "./messages.js";
import type { QuorumPeer } from "./peer.js";
import { RequestPrep } from "./prep.js";
import { roundToTick, SessionTracker } from "./sessions.js";
import { makeTxn, type Txn } from "./txn.js";
import { hex } from "./zxid.js";

const OP_NAMES: Record<string, string> = { create: "create", delete: "delete", setData: "setData", setACL: "setACL", closeSession: "closeSession" };

export type Submission = WriteRequest | { readonly op: "createSession"; readonly timeout: number };

/**
 * What the server that orders writes (a leader, or a standalone server) keeps: the next zxid,
 * the PrepRequestProcessor with its outstanding changes, and the session tracker that expires
 * sessions by turning them into closeSession txns.
 */
export class TxnFactory {
  readonly prep: RequestPrep;
  readonly tracker: SessionTracker;
  /** The last zxid handed out (ZooKeeperServer.hzxid). */
  hzxid = 0;

  constructor(private readonly peer: QuorumPeer) {
    this.prep = new RequestPrep(peer.db);
    this.tracker = new SessionTracker(peer.config.tickTime);
  }

  /** The sessions the database knows start with a full timeout, as a new tracker gives them. */
  startSessions(): void {
    for (const [id, timeout] of this.peer.db.sessions) this.tracker.add(id, timeout, this.peer.now);
    this.armExpiry();
  }

  /** PrepRequestProcessor.pRequest: a write becomes a txn with the next zxid. */
  next(session: bigint, cxid: number, req: Submission): Txn {
    const peer = this.peer;
    const hdr = { zxid: ++this.hzxid, time: peer.now, session, cxid };
    if (req.op === "createSession") {
      this.tracker.add(session, req.timeout, peer.now);
      return this.prep.createSession(hdr, req.timeout);
    }
    if (req.op !== "closeSession" && !this.tracker.isValid(session)) {
      this.userError(hdr, req, "null", "KeeperErrorCode = Session expired");
      return makeTxn(hdr, { type: "error", err: -112 });
    }
    if (req.op === "closeSession") this.tracker.setClosing(session);
    const r = this.prep.prepare(hdr, req);
    if (r.error !== undefined) this.userError(hdr, req, r.error.path, r.error.message);
    if (req.op === "closeSession") {
      peer.log("INFO", this.prepThread, "PrepRequestProcessor@487", `Processed session termination for sessionid: 0x${hex(session)}`);
    }
    return r.txn;
  }

  /** After a txn is applied: drop its outstanding changes and, for a close, the session. */
  applied(txn: Txn): void {
    this.prep.applied(txn.zxid);
    if (txn.type === "closeSession") this.tracker.remove(txn.session);
  }

  /** The expiry tick: sessions past their time are closed through the normal write path. */
  expire(submit: (session: bigint, cxid: number, req: Submission) => void): void {
    for (const s of this.tracker.expire(this.peer.now)) {
      this.peer.log("INFO", "SessionTracker", "ZooKeeperServer@358", `Expiring session 0x${hex(s.id)}, timeout of ${s.timeout}ms exceeded`);
      submit(s.id, 0, { op: "closeSession" });
    }
    this.armExpiry();
  }

  private armExpiry(): void {
    const now = this.peer.now;
    this.peer.emit({ kind: "setTimer", timer: "sessions", ms: roundToTick(now, this.peer.config.tickTime) - now });
  }

  private get prepThread(): string {
    return `ProcessThread(sid:${this.peer.config.standalone ? 0 : this.peer.sid} cport:${this.peer.config.standalone ? this.peer.config.clientPort : -1}):`;
  }

  private userError(hdr: { zxid: number; session: bigint; cxid: number }, req: WriteRequest, path: string, message: string): void {
    const reqpath = "path" in req ? req.path : "n/a";
    this.peer.log("INFO", this.prepThread, "PrepRequestProcessor@648",
      `Got user-level KeeperException when processing sessionid:0x${hex(hdr.session)} type:${OP_NAMES[req.op]} cxid:0x${hex(hdr.cxid)} zxid:0x${hex(hdr.zxid)} txntype:-1 reqpath:${reqpath} Error Path:${path} Error:${message}`);
  }
}
