import type { History } from "@ksim/sim";
import type { ServerPacket } from "../src/core/index.js";
import type { CoreCluster, Node } from "./cluster.js";

/**
 * A client talking straight to peers' client inputs (no network): connects to a node, opens a
 * session, creates unique znodes. Remembers which creates were acknowledged; an op whose
 * connection dropped before the reply is unknown.
 */
export class CoreClients {
  private nextCnxn = 1;
  private readonly conns = new Map<number, { node: Node; session?: bigint; ready: boolean; pending: Map<number, string> }>();
  private readonly ops = new Map<string, number>();
  readonly acked = new Map<string, string>();
  readonly unknown = new Set<string>();
  attempts = 0;

  constructor(
    cluster: CoreCluster,
    private readonly history?: History,
  ) {
    cluster.onReply = (node, cnxn, p) => this.reply(node, cnxn, p);
    cluster.onClientClosed = (_node, cnxn) => this.lost(cnxn);
  }

  /** Opens a connection to `node`; returns its id. */
  connect(node: Node): number {
    const id = this.nextCnxn++;
    this.conns.set(id, { node, ready: false, pending: new Map() });
    node.input({ kind: "clientConnect", cnxn: id, remote: `/10.1.0.1:${30000 + id}`, packet: { type: "connect", lastZxidSeen: 0, timeout: 30000, sessionId: 0n, passwd: "" } });
    return id;
  }

  ready(cnxn: number): boolean {
    return this.conns.get(cnxn)?.ready === true;
  }

  open(cnxn: number): boolean {
    return this.conns.has(cnxn);
  }

  create(cnxn: number, path: string, data: string): void {
    const c = this.conns.get(cnxn);
    if (c === undefined || !c.ready) return;
    const xid = c.pending.size + this.attempts + 1;
    this.attempts++;
    c.pending.set(xid, path);
    this.unknown.add(path);
    this.acked.set(`?${path}`, data);
    if (this.history !== undefined) this.ops.set(path, this.history.invoke(`client-${cnxn}`, "write", { path, value: data }));
    c.node.input({ kind: "clientRequest", cnxn, xid, req: { op: "create", path, data, ephemeral: false, sequential: false } });
  }

  private reply(_node: Node, cnxn: number, p: ServerPacket): void {
    const c = this.conns.get(cnxn);
    if (c === undefined) return;
    if (p.type === "connected") {
      c.ready = p.timeout > 0;
      c.session = p.sessionId;
      return;
    }
    if (p.type === "event") return;
    const path = c.pending.get(p.xid);
    if (path === undefined) return;
    c.pending.delete(p.xid);
    this.unknown.delete(path);
    const data = this.acked.get(`?${path}`)!;
    this.acked.delete(`?${path}`);
    if (p.err === 0) this.acked.set(path, data);
    const op = this.ops.get(path);
    if (op !== undefined) {
      if (p.err === 0) this.history!.ok(op, { zxid: p.zxid });
      else this.history!.fail(op, `error ${p.err}`);
    }
  }

  private lost(cnxn: number): void {
    const c = this.conns.get(cnxn);
    for (const path of c?.pending.values() ?? []) {
      const op = this.ops.get(path);
      if (op !== undefined) this.history!.info(op, "connection loss");
    }
    this.conns.delete(cnxn);
  }

  /** Creates that were acknowledged OK, path → data. */
  acknowledged(): [string, string][] {
    return [...this.acked].filter(([k]) => !k.startsWith("?"));
  }
}
