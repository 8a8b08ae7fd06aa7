import type { Connection, Proc, Sim } from "@ksim/sim";
import { Future, sleep, timeout, wait } from "@ksim/sim";
import type { ClientRequest, ClientResponse, ConsistencyLevel } from "../core/protocol.js";

/**
 * A CQL driver over simulated connections, behaving like the DataStax drivers in the ways that
 * matter to outcomes: one connection per host with multiplexed streams, round-robin coordinator
 * choice among hosts believed up, a host is down when its connection fails (retried with
 * backoff) or when the cluster says so (STATUS_CHANGE events on the control connection),
 * client-side request time-outs, and schema-agreement waits after DDL.
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
  /** Learn the other nodes from system.peers (cqlsh does not: it talks to one host). */
  readonly discoverPeers?: boolean;
  /** Listen for STATUS_CHANGE events on the first connection. */
  readonly registerEvents?: boolean;
}

interface HostState {
  readonly ip: string;
  conn: Connection | undefined;
  opening: Future<string | undefined> | undefined;
  /** Believed up (not failed, not reported down). */
  up: boolean;
  retryAt: number;
  backoffMs: number;
  keyspace: string | undefined;
  readonly pending: Map<number, Future<ClientResponse | "lost">>;
}

const CONNECT_ERROR: Record<string, string> = {
  ECONNREFUSED: "Connection refused",
  ETIMEDOUT: "Timed out",
  EHOSTUNREACH: "No route to host",
  ECONNRESET: "Connection reset by peer",
  ENETDOWN: "Network is down",
  closed: "Connection closed",
};

export class CqlDriver {
  private readonly hosts = new Map<string, HostState>();
  private nextStream = 1;
  private rr = 0;
  /** The host whose connection carries STATUS_CHANGE events (the control connection). */
  private eventsOn: HostState | undefined;
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
      h = { ip, conn: undefined, opening: undefined, up: true, retryAt: 0, backoffMs: 1000, keyspace: undefined, pending: new Map() };
      this.hosts.set(ip, h);
    }
    return h;
  }

  get knownHosts(): string[] {
    return [...this.hosts.keys()];
  }

  /** Opens a connection and sends STARTUP (and REGISTER on the first one). Resolves with an error text, or undefined. */
  private open(h: HostState): Future<string | undefined> {
    if (h.opening !== undefined) return h.opening;
    const f = new Future<string | undefined>();
    h.opening = f;
    const conn = this.dialer.connect(h.ip, this.options.port ?? 9042, { timeoutMs: this.options.connectTimeoutMs ?? 5000 });
    const fail = (reason: string) => {
      h.conn = undefined;
      h.opening = undefined;
      h.keyspace = undefined;
      h.up = false;
      if (this.eventsOn === h) this.eventsOn = undefined;
      h.retryAt = this.sim.now + h.backoffMs;
      h.backoffMs = Math.min(h.backoffMs * 2, 10_000);
      for (const p of h.pending.values()) p.resolve("lost");
      h.pending.clear();
      f.resolve(reason);
    };
    conn.onOpen = () => {
      const register = this.options.registerEvents === true && this.eventsOn === undefined;
      if (register) this.eventsOn = h;
      const req: ClientRequest = { stream: 0, op: register ? "REGISTER" : "STARTUP" };
      conn.send(req);
    };
    conn.onData = (msg) => {
      const r = msg as ClientResponse;
      if (r.kind === "EVENT") {
        const target = this.hosts.get(r.address);
        if (target !== undefined) {
          target.up = r.change === "UP";
          if (target.up) target.retryAt = 0;
        }
        return;
      }
      if (r.stream === 0 && !f.settled) {
        h.conn = conn;
        h.up = true;
        h.backoffMs = 1000;
        f.resolve(undefined);
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

  /** Connects to a contact point and, if asked, learns the rest of the cluster. */
  *connect(): Proc<{ ok: true; host: string } | { ok: false; errors: Record<string, string> }> {
    const errors: Record<string, string> = {};
    for (const ip of this.options.contactPoints) {
      const err = yield* wait(this.open(this.host(ip)));
      if (err !== undefined) {
        errors[ip] = err;
        continue;
      }
      if (this.options.discoverPeers !== false) {
        const peers = yield* this.query(this.host(ip), "SELECT peer, rpc_address FROM system.peers", "ONE");
        if (peers !== "lost" && peers !== "timeout" && peers.kind === "ROWS") {
          for (const row of peers.rows) if (typeof row[1] === "string") this.host(row[1]);
        }
      }
      return { ok: true, host: ip };
    }
    return { ok: false, errors };
  }

  /** Sends on one host's connection (opening it and setting the keyspace first if needed). */
  private *query(h: HostState, query: string, cl: ConsistencyLevel): Proc<ClientResponse | "lost" | "timeout"> {
    if (h.conn === undefined || h.conn.state !== "open") {
      const err = yield* wait(this.open(h));
      if (err !== undefined) return "lost";
    }
    if (this.keyspace !== undefined && h.keyspace !== this.keyspace && !/^\s*use\s/i.test(query)) {
      const use = yield* this.send(h, `USE "${this.keyspace}"`, cl);
      if (use === "lost" || use === "timeout") return use;
      if (use.kind === "SET_KEYSPACE") h.keyspace = use.keyspace;
    }
    const r = yield* this.send(h, query, cl);
    if (r !== "lost" && r !== "timeout" && r.kind === "SET_KEYSPACE") h.keyspace = r.keyspace;
    return r;
  }

  private *send(h: HostState, query: string, cl: ConsistencyLevel): Proc<ClientResponse | "lost" | "timeout"> {
    const conn = h.conn;
    if (conn === undefined) return "lost";
    const stream = this.nextStream++;
    const f = new Future<ClientResponse | "lost">();
    h.pending.set(stream, f);
    conn.send({ stream, op: "QUERY", query, consistency: cl } satisfies ClientRequest);
    const r = yield* wait(timeout(this.sim, f, this.options.requestTimeoutMs ?? 12_000));
    if (r === undefined) {
      h.pending.delete(stream);
      return "timeout";
    }
    return r.value;
  }

  /** Hosts to try, round-robin from the next one, those believed up first. */
  private plan(): HostState[] {
    const all = [...this.hosts.values()];
    const start = this.rr++ % Math.max(1, all.length);
    const rotated = [...all.slice(start), ...all.slice(0, start)];
    return rotated.filter((h) => h.up || this.sim.now >= h.retryAt);
  }

  /** Runs a statement on the next available coordinator. */
  *execute(query: string, cl: ConsistencyLevel): Proc<Outcome> {
    const errors: Record<string, string> = {};
    for (const h of this.plan()) {
      if (h.conn === undefined || h.conn.state !== "open") {
        const err = yield* wait(this.open(h));
        if (err !== undefined) {
          errors[h.ip] = err;
          continue;
        }
      }
      const r = yield* this.query(h, query, cl);
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
    for (const h of this.hosts.values()) {
      if (h.conn !== undefined) {
        h.conn.onClose = undefined;
        h.conn.onEnd = undefined;
        h.conn.end();
      }
      h.conn = undefined;
    }
  }
}
