import type { Connection, Proc, Sim, Timer } from "@ksim/sim";
import { Future, sleep, timeout, wait } from "@ksim/sim";
import type { ClientRequest, ClientResponse, ConsistencyLevel } from "../core/protocol.js";

/**
 * A CQL driver over simulated connections, behaving like the DataStax drivers (3.x) in the ways
 * that matter to outcomes: one connection per host with multiplexed streams; a control connection
 * that registers for events and reads system.peers, and moves to another host when its own goes
 * away; round-robin coordinator choice among hosts believed up; a host is down when its
 * connection fails, when a heartbeat on a connection that has read nothing for 30 s goes
 * unanswered (a host that lost power never closes its connections), or when the cluster says so;
 * it is then reconnected in the background with backoff rather than tried by queries; hosts come
 * and go with NEW_NODE and REMOVED_NODE events and peer refreshes; client-side request
 * time-outs; schema-agreement waits after DDL.
 */

/** Anything that can open a connection: a process's network or a bare simulated host. */
export interface Dialer {
  connect(ip: string, port: number, options?: { timeoutMs?: number }): Connection;
}

export type Outcome =
  | { readonly kind: "response"; readonly host: string; readonly response: Exclude<ClientResponse, { kind: "EVENT" }> }
  /** No answer within the client's time-out: the request may or may not have happened. */
  | { readonly kind: "timeout"; readonly host: string }
  /** The connection died with the request in flight: may or may not have happened. */
  | { readonly kind: "connection-lost"; readonly host: string }
  /** Nobody to send it to: it certainly did not happen. */
  | { readonly kind: "no-host"; readonly errors: Readonly<Record<string, string>> };

export interface DriverOptions {
  readonly contactPoints: readonly string[];
  readonly port?: number;
  /** Client-side time-out per request (the Java driver's 12 s read time-out). */
  readonly requestTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
  /** Learn the other nodes from system.peers and topology events (cqlsh does not: it talks to one host). */
  readonly discoverPeers?: boolean;
  /** Register the control connection for STATUS_CHANGE and TOPOLOGY_CHANGE events. */
  readonly registerEvents?: boolean;
}

interface HostState {
  readonly ip: string;
  conn: Connection | undefined;
  opening: Future<string | undefined> | undefined;
  /** Believed up (not failed, not reported down). */
  up: boolean;
  /** When a host believed down may be tried again. */
  retryAt: number;
  backoffMs: number;
  keyspace: string | undefined;
  readonly pending: Map<number, Future<ClientResponse | "lost">>;
  /** When the connection last read anything. */
  lastRead: number;
  heartbeat: Timer | undefined;
}

const CONNECT_ERROR: Record<string, string> = {
  ECONNREFUSED: "Connection refused",
  ETIMEDOUT: "Timed out",
  EHOSTUNREACH: "No route to host",
  ECONNRESET: "Connection reset by peer",
  ENETDOWN: "Network is down",
  closed: "Connection closed",
};

const MAX_BACKOFF_MS = 10_000;
/** PoolingOptions' heartbeat interval (and the Python driver's idle_heartbeat_interval). */
const HEARTBEAT_MS = 30_000;

type Reply = ClientResponse | "lost" | "timeout";

export class CqlDriver {
  private readonly hosts = new Map<string, HostState>();
  private nextStream = 1;
  private rr = 0;
  /** The host whose connection carries events and peer refreshes (the control connection). */
  private control: HostState | undefined;
  /** Settles once the first peer refresh is done (Cluster.init waits for it). */
  private refreshed = new Future<void>();
  private closed = false;
  /** The session's keyspace (after USE), applied to every connection before its queries. */
  keyspace: string | undefined;

  constructor(
    private readonly sim: Sim,
    private readonly dialer: Dialer,
    private readonly options: DriverOptions,
  ) {
    for (const ip of options.contactPoints) this.host(ip);
  }

  private host(ip: string): HostState {
    let h = this.hosts.get(ip);
    if (h === undefined) {
      h = { ip, conn: undefined, opening: undefined, up: true, retryAt: 0, backoffMs: 1000, keyspace: undefined, pending: new Map(), lastRead: 0, heartbeat: undefined };
      this.hosts.set(ip, h);
    }
    return h;
  }

  get knownHosts(): string[] {
    return [...this.hosts.keys()];
  }

  private get discovers(): boolean {
    return this.options.discoverPeers !== false;
  }

  /** Opens a connection and sends STARTUP (REGISTER on the control connection). Resolves with an error text, or undefined. */
  private open(h: HostState): Future<string | undefined> {
    if (h.opening !== undefined) return h.opening;
    const f = new Future<string | undefined>();
    h.opening = f;
    const conn = this.dialer.connect(h.ip, this.options.port ?? 9042, { timeoutMs: this.options.connectTimeoutMs ?? 5000 });
    let becameControl = false;
    const fail = (reason: string) => {
      if (h.conn !== undefined && h.conn !== conn) return;
      this.lost(h);
      f.resolve(reason);
    };
    conn.onOpen = () => {
      becameControl = this.control === undefined && !this.closed;
      if (becameControl) this.control = h;
      conn.send({ stream: 0, op: becameControl && this.options.registerEvents === true ? "REGISTER" : "STARTUP" } satisfies ClientRequest);
    };
    conn.onData = (msg) => {
      const r = msg as ClientResponse;
      h.lastRead = this.sim.now;
      if (r.kind === "EVENT") return this.onEvent(r);
      if (r.stream === 0 && !f.settled) {
        h.conn = conn;
        h.up = true;
        h.backoffMs = 1000;
        f.resolve(undefined);
        this.scheduleHeartbeat(h, conn, HEARTBEAT_MS);
        if (becameControl && this.control === h) this.refreshPeers(h);
        return;
      }
      const p = h.pending.get(r.stream);
      if (p === undefined) return;
      h.pending.delete(r.stream);
      p.resolve(r);
    };
    conn.onClose = (reason) => fail(CONNECT_ERROR[reason] ?? reason);
    conn.onEnd = () => {
      conn.end();
      fail(CONNECT_ERROR.closed!);
    };
    return f;
  }

  /** The host's connection is gone: what was in flight on it is lost, and the host is down. */
  private lost(h: HostState): void {
    this.sim.cancel(h.heartbeat);
    h.heartbeat = undefined;
    h.conn = undefined;
    h.opening = undefined;
    h.keyspace = undefined;
    this.markDown(h);
    for (const p of h.pending.values()) p.resolve("lost");
    h.pending.clear();
    if (this.control === h) {
      this.control = undefined;
      this.electControl();
    }
  }

  /** Closes the host's connection from this side and treats it as lost. */
  private disconnect(h: HostState): void {
    const conn = h.conn;
    if (conn !== undefined) {
      conn.onClose = undefined;
      conn.onEnd = undefined;
      conn.onData = undefined;
      conn.end();
    }
    this.lost(h);
  }

  /** Connection.heartbeat: a connection that read nothing for a while is asked OPTIONS, and is defunct if that goes unanswered. */
  private scheduleHeartbeat(h: HostState, conn: Connection, ms: number): void {
    h.heartbeat = this.sim.schedule(ms, () => {
      h.heartbeat = undefined;
      if (h.conn !== conn || this.closed) return;
      const idle = this.sim.now - h.lastRead;
      if (idle < HEARTBEAT_MS) return this.scheduleHeartbeat(h, conn, HEARTBEAT_MS - idle);
      const stream = this.nextStream++;
      const answered = this.request(h, { stream, op: "OPTIONS" });
      h.heartbeat = this.sim.schedule(this.options.requestTimeoutMs ?? 12_000, () => {
        h.heartbeat = undefined;
        if (h.conn !== conn || this.closed) return;
        if (answered.settled) this.scheduleHeartbeat(h, conn, HEARTBEAT_MS - (this.sim.now - h.lastRead));
        else this.disconnect(h);
      }, "cql-heartbeat");
    }, "cql-heartbeat");
  }

  private markDown(h: HostState): void {
    if (h.up) h.backoffMs = 1000;
    h.up = false;
    h.retryAt = this.sim.now + h.backoffMs;
    h.backoffMs = Math.min(h.backoffMs * 2, MAX_BACKOFF_MS);
  }

  private onEvent(e: Extract<ClientResponse, { kind: "EVENT" }>): void {
    if (this.closed) return;
    switch (e.change) {
      case "UP": {
        const h = this.hosts.get(e.address);
        if (h !== undefined && !h.up) {
          h.retryAt = 0;
          h.backoffMs = 1000;
          if (h.conn === undefined) this.open(h);
          else h.up = true;
        }
        return;
      }
      case "DOWN": {
        // The pool is closed: a restarted node is reconnected afresh.
        const h = this.hosts.get(e.address);
        if (h !== undefined && h.up) {
          if (h.conn !== undefined) this.disconnect(h);
          else this.markDown(h);
        }
        return;
      }
      case "NEW_NODE":
        if (this.discovers && !this.hosts.has(e.address)) this.open(this.host(e.address));
        return;
      case "REMOVED_NODE":
        if (this.discovers) this.forget(e.address);
        return;
    }
  }

  /** A host that left the cluster: its connection is closed and it is no longer tried. */
  private forget(ip: string): void {
    const h = this.hosts.get(ip);
    if (h === undefined || h === this.control) return;
    this.hosts.delete(ip);
    this.sim.cancel(h.heartbeat);
    if (h.conn !== undefined) {
      h.conn.onClose = undefined;
      h.conn.onEnd = undefined;
      h.conn.end();
    }
    for (const p of h.pending.values()) p.resolve("lost");
    h.pending.clear();
  }

  /** The control connection is gone: the next open connection takes over, registering and refreshing peers. */
  private electControl(): void {
    if (this.closed) return;
    for (const h of this.hosts.values()) {
      if (h.conn === undefined || h.conn.state !== "open") continue;
      this.control = h;
      if (this.options.registerEvents === true) this.request(h, { stream: this.nextStream++, op: "REGISTER" });
      this.refreshPeers(h);
      return;
    }
  }

  /** Sends a request on a host's open connection; the future settles with its answer or "lost". */
  private request(h: HostState, req: ClientRequest): Future<ClientResponse | "lost"> {
    const f = new Future<ClientResponse | "lost">();
    if (h.conn === undefined || !h.conn.send(req)) f.resolve("lost");
    else h.pending.set(req.stream, f);
    return f;
  }

  /** ControlConnection.refreshNodeListAndTokenMap: the peers table is the truth about who is in the cluster. */
  private refreshPeers(h: HostState): void {
    if (!this.discovers) {
      this.refreshed.resolve();
      return;
    }
    const q = this.request(h, { stream: this.nextStream++, op: "QUERY", query: "SELECT peer, rpc_address FROM system.peers", consistency: "ONE" });
    q.subscribe((r) => {
      if (r !== "lost" && r.kind === "ROWS" && !this.closed) {
        const members = new Set([h.ip]);
        for (const row of r.rows) if (typeof row[1] === "string") members.add(row[1]);
        // Cluster.init opens a pool to every host it learns of.
        for (const ip of members) {
          const member = this.host(ip);
          if (member.conn === undefined) this.open(member);
        }
        for (const ip of [...this.hosts.keys()]) if (!members.has(ip)) this.forget(ip);
      }
      this.refreshed.resolve();
    });
  }

  /** Connects to a contact point and, if asked, learns the rest of the cluster. */
  *connect(): Proc<{ ok: true; host: string } | { ok: false; errors: Record<string, string> }> {
    const errors: Record<string, string> = {};
    for (const ip of this.options.contactPoints) {
      const h = this.hosts.get(ip);
      if (h === undefined) continue;
      const err = yield* wait(this.open(h));
      if (err !== undefined) {
        errors[ip] = err;
        continue;
      }
      if (this.control === h) yield* wait(timeout(this.sim, this.refreshed, this.options.requestTimeoutMs ?? 12_000));
      return { ok: true, host: ip };
    }
    return { ok: false, errors };
  }

  /** Sends on one host's connection (opening it and setting the keyspace first if needed). */
  private *query(h: HostState, query: string, cl: ConsistencyLevel, serial?: ConsistencyLevel, pageSize?: number): Proc<Reply> {
    if (h.conn === undefined || h.conn.state !== "open") {
      const err = yield* wait(this.open(h));
      if (err !== undefined) return "lost";
    }
    if (this.keyspace !== undefined && h.keyspace !== this.keyspace && !/^\s*use\s/i.test(query)) {
      const use = yield* this.send(h, `USE "${this.keyspace}"`, cl);
      if (use === "lost" || use === "timeout") return use;
      if (use.kind === "SET_KEYSPACE") h.keyspace = use.keyspace;
    }
    const r = yield* this.send(h, query, cl, serial, pageSize);
    if (r !== "lost" && r !== "timeout" && r.kind === "SET_KEYSPACE") h.keyspace = r.keyspace;
    return r;
  }

  private *send(h: HostState, query: string, cl: ConsistencyLevel, serial?: ConsistencyLevel, pageSize?: number): Proc<Reply> {
    const stream = this.nextStream++;
    const f = this.request(h, {
      stream,
      op: "QUERY",
      query,
      consistency: cl,
      ...(serial !== undefined ? { serialConsistency: serial } : {}),
      ...(pageSize !== undefined ? { pageSize } : {}),
    });
    const r = yield* wait(timeout(this.sim, f, this.options.requestTimeoutMs ?? 12_000));
    if (r === undefined) {
      h.pending.delete(stream);
      return "timeout";
    }
    return r.value;
  }

  /**
   * The query plan: hosts believed up, round-robin from the next one. Down hosts whose retry is
   * due are reconnected in the background; only when no host is up are they tried in line.
   */
  private plan(): HostState[] {
    const all = [...this.hosts.values()];
    const start = this.rr++ % Math.max(1, all.length);
    const rotated = [...all.slice(start), ...all.slice(0, start)];
    const up = rotated.filter((h) => h.up);
    const due = rotated.filter((h) => !h.up && this.sim.now >= h.retryAt);
    if (up.length === 0) return due;
    for (const h of due) {
      h.retryAt = this.sim.now + h.backoffMs;
      this.open(h);
    }
    return up;
  }

  /**
   * Runs a statement on the next available coordinator; `serial` is the serial consistency level
   * for lightweight transactions, `pageSize` the fetch size asked for (none: no paging).
   */
  *execute(query: string, cl: ConsistencyLevel, serial?: ConsistencyLevel, pageSize?: number): Proc<Outcome> {
    const errors: Record<string, string> = {};
    for (const h of this.plan()) {
      if (h.conn === undefined || h.conn.state !== "open") {
        const err = yield* wait(this.open(h));
        if (err !== undefined) {
          errors[h.ip] = err;
          continue;
        }
      }
      const r = yield* this.query(h, query, cl, serial, pageSize);
      if (r === "timeout") return { kind: "timeout", host: h.ip };
      if (r === "lost") return { kind: "connection-lost", host: h.ip };
      if (r.kind === "EVENT") continue;
      if (r.kind === "SET_KEYSPACE") this.keyspace = r.keyspace;
      return { kind: "response", host: h.ip, response: r };
    }
    return { kind: "no-host", errors };
  }

  /**
   * After DDL: poll the coordinator's system.local and system.peers until every node believed up
   * reports the same schema version, or `maxMs` passes (the drivers' max_schema_agreement_wait).
   */
  *waitForSchemaAgreement(host: string, maxMs = 10_000): Proc<boolean> {
    const h = this.host(host);
    const deadline = this.sim.now + maxMs;
    for (;;) {
      const local = yield* this.query(h, "SELECT schema_version FROM system.local", "ONE");
      const peers = yield* this.query(h, "SELECT peer, rpc_address, schema_version FROM system.peers", "ONE");
      if (local !== "lost" && local !== "timeout" && local.kind === "ROWS" && peers !== "lost" && peers !== "timeout" && peers.kind === "ROWS") {
        const versions = new Set<unknown>(local.rows.map((r) => r[0]));
        for (const row of peers.rows) {
          const rpc = row[1];
          if (row[2] === null || (typeof rpc === "string" && this.hosts.get(rpc)?.up === false)) continue;
          versions.add(row[2]);
        }
        if (versions.size <= 1) return true;
      }
      if (this.sim.now >= deadline) return false;
      yield* wait(sleep(this.sim, 200));
    }
  }

  close(): void {
    this.closed = true;
    this.control = undefined;
    for (const h of this.hosts.values()) {
      this.sim.cancel(h.heartbeat);
      h.heartbeat = undefined;
      if (h.conn !== undefined) {
        h.conn.onClose = undefined;
        h.conn.onEnd = undefined;
        h.conn.end();
      }
      h.conn = undefined;
    }
  }
}
