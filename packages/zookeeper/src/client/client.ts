import { Future, type Connection, type Random, type Sim, type Timer, type Waitable } from "@ksim/sim";
import { AUTH_XID, Code, hex, type Acl, type Request, type Result, type ServerPacket, type WatchedEventType } from "../core/index.js";

/** What a client needs from wherever it runs: a container process or a bare sim host. */
export interface ClientNet {
  readonly sim: Sim;
  readonly random: Random;
  resolve(name: string): string[];
  connect(ip: string, port: number, options?: { timeoutMs?: number }): Connection;
}

export type ClientLog = (level: "INFO" | "WARN", thread: string, at: string, msg: string) => void;

export interface ClientOptions {
  /** "host:port[,host:port...]" */
  readonly connectString: string;
  readonly sessionTimeout: number;
  /** Give up on an operation after this long (ZooKeeper 3.4 has none: undefined waits forever). */
  readonly requestTimeoutMs?: number;
  readonly log?: ClientLog;
  /** Connection state changes: what a Watcher's process() sees for type None. */
  readonly onState?: (state: "SyncConnected" | "Disconnected" | "Expired" | "AuthFailed") => void;
  /** A watch left by a read with `watch` fired: what the default Watcher's process() sees. */
  readonly onEvent?: (type: WatchedEventType, path: string) => void;
}

export interface Reply {
  readonly err: number;
  readonly zxid: number;
  readonly result?: Result;
}

export type ClientState = "CONNECTING" | "CONNECTED" | "CLOSED";

interface Op {
  readonly xid: number;
  readonly req: Request;
  readonly done: Future<Reply>;
  timer?: Timer;
}

/**
 * ClientCnxn: a session that outlives connections. The client walks its (shuffled) server list,
 * opens a session or re-attaches to its own, pings when idle, and on losing a connection fails
 * the requests it had in flight with ConnectionLoss and reconnects elsewhere. A server that
 * answers a reconnect with timeout 0 has expired the session: the client is then closed.
 */
export class ZooKeeperClient {
  state: ClientState = "CONNECTING";
  sessionId = 0n;
  negotiatedTimeout = 0;
  /** The server this client is attached to, as ClientCnxn names it ("localhost/127.0.0.1:2181"). */
  server: string | undefined;
  private readonly hosts: { host: string; port: number }[];
  private hostIndex = -1;
  private conn: Connection | undefined;
  private xid = 1;
  private lastZxid = 0;
  private readonly pending = new Map<number, Op>();
  private readonly outgoing: Op[] = [];
  private pingTimer: Timer | undefined;
  private readTimer: Timer | undefined;
  private lastHeard = 0;
  private first = true;
  private readonly thread: string;
  /** ZKWatchManager: the paths this client watches, re-registered on every new connection. */
  private readonly dataWatches = new Set<string>();
  private readonly existWatches = new Set<string>();
  private readonly childWatches = new Set<string>();
  /** addAuthInfo's credentials, sent again on every new connection (ClientCnxn.authInfo). */
  private readonly authInfo: { scheme: string; auth: string | null }[] = [];

  constructor(
    private readonly net: ClientNet,
    private readonly opts: ClientOptions,
  ) {
    this.hosts = net.random.shuffle(
      opts.connectString.split(",").map((hp) => {
        const i = hp.lastIndexOf(":");
        return i < 0 ? { host: hp, port: 2181 } : { host: hp.slice(0, i), port: Number(hp.slice(i + 1)) };
      }),
    );
    this.thread = `main-SendThread(${this.hosts[0]!.host}:${this.hosts[0]!.port})`;
    this.startConnect();
  }

  private log(level: "INFO" | "WARN", at: string, msg: string): void {
    this.opts.log?.(level, this.thread, at, msg);
  }

  private startConnect(): void {
    if (this.state === "CLOSED") return;
    this.state = "CONNECTING";
    this.hostIndex = (this.hostIndex + 1) % this.hosts.length;
    const { host, port } = this.hosts[this.hostIndex]!;
    const ip = host === "localhost" ? "127.0.0.1" : /^\d+\.\d+\.\d+\.\d+$/.test(host) ? host : this.net.resolve(host)[0];
    if (ip === undefined) {
      this.log("WARN", "ClientCnxn$SendThread@1162", `Session 0x${hex(this.sessionId)} for server ${host}:${port}, unexpected error, closing socket connection and attempting reconnect\njava.net.UnknownHostException: ${host}`);
      this.lost();
      return;
    }
    const addr = `${host}/${ip}:${port}`;
    this.log("INFO", "ClientCnxn$SendThread@1032", `Opening socket connection to server ${addr}. Will not attempt to authenticate using SASL (unknown error)`);
    const conn = this.net.connect(ip, port, { timeoutMs: Math.floor(this.opts.sessionTimeout / this.hosts.length) });
    this.conn = conn;
    conn.onOpen = () => {
      this.log("INFO", "ClientCnxn$SendThread@876", `Socket connection established to ${addr}, initiating session`);
      conn.send({ type: "connect", lastZxidSeen: this.lastZxid, timeout: this.opts.sessionTimeout, sessionId: this.sessionId, passwd: "" });
      // primeConnection queues the auth packets right behind the connect request (last added first).
      for (const a of [...this.authInfo].reverse()) conn.send({ type: "auth", scheme: a.scheme, auth: a.auth });
      this.heard();
    };
    conn.onData = (data) => this.receive(conn, addr, data as ServerPacket);
    const gone = (): void => {
      if (this.conn !== conn) return;
      this.log("INFO", "ClientCnxn$SendThread@1158",
        `Unable to read additional data from server sessionid 0x${hex(this.sessionId)}, likely server has closed socket, closing socket connection and attempting reconnect`);
      this.lost();
    };
    conn.onEnd = gone;
    conn.onClose = gone;
  }

  private receive(conn: Connection, addr: string, p: ServerPacket): void {
    if (this.conn !== conn) return;
    this.heard();
    if (p.type === "connected") {
      if (p.timeout <= 0) {
        this.log("WARN", "ClientCnxn$SendThread@1299", `Unable to reconnect to ZooKeeper service, session 0x${hex(this.sessionId)} has expired, closing socket connection`);
        this.expire();
        return;
      }
      this.sessionId = p.sessionId;
      this.negotiatedTimeout = p.timeout;
      this.state = "CONNECTED";
      this.server = addr;
      this.first = false;
      this.log("INFO", "ClientCnxn$SendThread@1299", `Session establishment complete on server ${addr}, sessionid = 0x${hex(p.sessionId)}, negotiated timeout = ${p.timeout}`);
      this.opts.onState?.("SyncConnected");
      // ClientCnxn.primeConnection: the watches go back before anything queued.
      if (this.dataWatches.size + this.existWatches.size + this.childWatches.size > 0) {
        conn.send({
          type: "request",
          xid: -8,
          req: { op: "setWatches", relativeZxid: this.lastZxid, dataWatches: [...this.dataWatches], existWatches: [...this.existWatches], childWatches: [...this.childWatches] },
        });
      }
      for (const op of this.outgoing.splice(0)) this.transmit(op);
      this.armPing();
      return;
    }
    if (p.type === "event") return this.materialize(p.event, p.path);
    if (p.xid === AUTH_XID) {
      // The server refused the credentials and closes: the client is done (state AUTH_FAILED).
      if (p.err === Code.AUTHFAILED) this.authFailed();
      return;
    }
    if (p.zxid > this.lastZxid) this.lastZxid = p.zxid;
    const op = this.pending.get(p.xid);
    if (op === undefined) return;
    this.pending.delete(p.xid);
    this.net.sim.cancel(op.timer);
    this.register(op.req, p.err, p.result);
    op.done.resolve({ err: p.err, zxid: p.zxid, result: p.result });
  }

  /** WatchRegistration.register: a read with `watch` that succeeded leaves its watch here too. */
  private register(req: Request, err: number, result: Result | undefined): void {
    if (err !== Code.OK || !("watch" in req) || req.watch !== true) return;
    if (req.op === "getData") this.dataWatches.add(req.path);
    else if (req.op === "exists") (result !== undefined && "stat" in result && result.stat !== null ? this.dataWatches : this.existWatches).add(req.path);
    else this.childWatches.add(req.path);
  }

  /** ZKWatchManager.materialize: the watches the event fires are dropped, then the watcher is told once. */
  private materialize(type: WatchedEventType, path: string): void {
    let fired = false;
    const take = (set: Set<string>) => (fired = set.delete(path) || fired);
    if (type === "NodeChildrenChanged") take(this.childWatches);
    else {
      take(this.dataWatches);
      take(this.existWatches);
      if (type === "NodeDeleted") take(this.childWatches);
    }
    if (fired) this.opts.onEvent?.(type, path);
  }

  private heard(): void {
    this.lastHeard = this.net.sim.now;
    if (this.readTimer === undefined && this.state !== "CLOSED") this.armRead();
  }

  /** No data for readTimeout (2/3 of the session timeout): the server is presumed gone. */
  private armRead(): void {
    const readTimeout = Math.floor(((this.negotiatedTimeout || this.opts.sessionTimeout) * 2) / 3);
    const due = this.lastHeard + readTimeout - this.net.sim.now;
    this.readTimer = this.net.sim.schedule(Math.max(1, due), () => {
      this.readTimer = undefined;
      if (this.state === "CLOSED" || this.conn === undefined) return;
      const idle = this.net.sim.now - this.lastHeard;
      if (idle >= readTimeout) {
        this.log("INFO", "ClientCnxn$SendThread@1154",
          `Client session timed out, have not heard from server in ${idle}ms for sessionid 0x${hex(this.sessionId)}, closing socket connection and attempting reconnect`);
        this.lost();
      } else {
        this.armRead();
      }
    }, "zk-client-read");
  }

  private armPing(): void {
    this.net.sim.cancel(this.pingTimer);
    const every = Math.floor((this.negotiatedTimeout * 2) / 3 / 2);
    this.pingTimer = this.net.sim.schedule(every, () => {
      this.pingTimer = undefined;
      if (this.state !== "CONNECTED") return;
      this.conn?.send({ type: "request", xid: -2, req: { op: "ping" } });
      this.armPing();
    }, "zk-client-ping");
  }

  /** The connection is gone: fail what was in flight and try the next server. */
  private lost(): void {
    const conn = this.conn;
    this.conn = undefined;
    conn?.end();
    this.net.sim.cancel(this.pingTimer);
    this.pingTimer = undefined;
    this.net.sim.cancel(this.readTimer);
    this.readTimer = undefined;
    const wasConnected = this.state === "CONNECTED";
    this.failAll(Code.CONNECTIONLOSS);
    if (this.state === "CLOSED") return;
    this.state = "CONNECTING";
    if (wasConnected) this.opts.onState?.("Disconnected");
    // ClientCnxn sleeps up to a second between attempts after the first one.
    const backoff = this.first ? 0 : this.net.random.int(0, 999);
    this.first = false;
    this.net.sim.schedule(backoff, () => this.startConnect(), "zk-client-reconnect");
  }

  private authFailed(): void {
    this.state = "CLOSED";
    this.conn?.end();
    this.conn = undefined;
    this.net.sim.cancel(this.pingTimer);
    this.net.sim.cancel(this.readTimer);
    this.failAll(Code.AUTHFAILED);
    this.opts.onState?.("AuthFailed");
  }

  private expire(): void {
    this.state = "CLOSED";
    this.conn?.end();
    this.conn = undefined;
    this.failAll(Code.SESSIONEXPIRED);
    this.opts.onState?.("Expired");
  }

  private failAll(code: number): void {
    const ops = [...this.pending.values(), ...this.outgoing.splice(0)];
    this.pending.clear();
    for (const op of ops) {
      this.net.sim.cancel(op.timer);
      op.done.resolve({ err: code, zxid: -1 });
    }
  }

  private transmit(op: Op): void {
    this.pending.set(op.xid, op);
    this.conn!.send({ type: "request", xid: op.xid, req: op.req });
  }

  /** Sends a request; the reply (or ConnectionLoss, SessionExpired, OperationTimeout) settles it. */
  submit(req: Request): Waitable<Reply> {
    const done = new Future<Reply>();
    if (this.state === "CLOSED") {
      done.resolve({ err: Code.SESSIONEXPIRED, zxid: -1 });
      return done;
    }
    const op: Op = { xid: this.xid++, req, done };
    if (this.opts.requestTimeoutMs !== undefined) {
      op.timer = this.net.sim.schedule(this.opts.requestTimeoutMs, () => {
        this.pending.delete(op.xid);
        const i = this.outgoing.indexOf(op);
        if (i >= 0) this.outgoing.splice(i, 1);
        done.resolve({ err: Code.OPERATIONTIMEOUT, zxid: -1 });
      }, "zk-client-timeout");
    }
    if (this.state === "CONNECTED") this.transmit(op);
    else this.outgoing.push(op);
    return done;
  }

  /** `acl` left out is the open ACL. */
  create(path: string, data: string, mode: { ephemeral?: boolean; sequential?: boolean } = {}, acl?: readonly Acl[]): Waitable<Reply> {
    return this.submit({ op: "create", path, data, ephemeral: mode.ephemeral ?? false, sequential: mode.sequential ?? false, ...(acl === undefined ? {} : { acl }) });
  }

  setACL(path: string, acl: readonly Acl[], version = -1): Waitable<Reply> {
    return this.submit({ op: "setACL", path, acl, version });
  }

  /** addAuthInfo: sent now if connected, and again on every reconnect. */
  addAuthInfo(scheme: string, auth: string | null): void {
    this.authInfo.push({ scheme, auth });
    if (this.state === "CONNECTED") this.conn?.send({ type: "auth", scheme, auth });
  }

  delete(path: string, version = -1): Waitable<Reply> {
    return this.submit({ op: "delete", path, version });
  }

  setData(path: string, data: string, version = -1): Waitable<Reply> {
    return this.submit({ op: "setData", path, data, version });
  }

  getData(path: string, watch = false): Waitable<Reply> {
    return this.submit({ op: "getData", path, watch });
  }

  exists(path: string, watch = false): Waitable<Reply> {
    return this.submit({ op: "exists", path, watch });
  }

  getChildren(path: string, withStat = false, watch = false): Waitable<Reply> {
    return this.submit({ op: withStat ? "getChildren2" : "getChildren", path, watch });
  }

  getACL(path: string): Waitable<Reply> {
    return this.submit({ op: "getACL", path });
  }

  /** Waits until the server this client is attached to has caught up with the leader. */
  sync(path: string): Waitable<Reply> {
    return this.submit({ op: "sync", path });
  }

  /**
   * ZooKeeper.close(): ends the session (a closeSession txn) and the connection, then says so
   * from the caller's thread and from the event thread it stops, as 3.4.10 logs them.
   */
  close(): Waitable<Reply> {
    const r = this.submit({ op: "closeSession" });
    r.subscribe(() => {
      const id = hex(this.sessionId);
      this.shut();
      this.opts.log?.("INFO", "main", "ZooKeeper@684", `Session: 0x${id} closed`);
      this.opts.log?.("INFO", "main-EventThread", "ClientCnxn$EventThread@519", `EventThread shut down for session: 0x${id}`);
    });
    return r;
  }

  /** Drops the connection without closing the session, as a process that exits does. */
  shut(): void {
    this.state = "CLOSED";
    this.net.sim.cancel(this.pingTimer);
    this.net.sim.cancel(this.readTimer);
    const conn = this.conn;
    this.conn = undefined;
    conn?.end();
    this.failAll(Code.CONNECTIONLOSS);
  }
}
