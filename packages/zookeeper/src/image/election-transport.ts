import type { ProcessContext } from "@ksim/kube";
import type { Connection } from "@ksim/sim";
import type { Notification } from "../core/index.js";
import type { Log4j } from "./log4j.js";
import type { ServerSpec } from "./zoo-cfg.js";

/** QuorumCnxManager's connect time-out (cnxTO). */
const CONNECT_TIMEOUT_MS = 5000;

type Frame = { readonly hello: number } | { readonly n: Notification };

/**
 * QuorumCnxManager: one connection per pair of servers on the election port, kept by the one
 * with the higher id (a lower id that connects is dropped, and the higher one calls back). Each
 * peer has a send queue of one message — the newest wins — and the last message sent is sent
 * again when a connection comes back. Names are resolved on every attempt, so a server whose
 * DNS record appears later (a StatefulSet pod becoming ready) is reached once it exists.
 */
export class ElectionTransport {
  private readonly conns = new Map<number, Connection>();
  private readonly connecting = new Set<number>();
  private readonly queue = new Map<number, Notification>();
  private readonly lastSent = new Map<number, Notification>();

  constructor(
    private readonly ctx: ProcessContext,
    private readonly sid: number,
    private readonly servers: readonly ServerSpec[],
    private readonly log: Log4j,
    private readonly deliver: (n: Notification) => void,
  ) {}

  listen(): void {
    const me = this.servers.find((s) => s.id === this.sid)!;
    const ip = this.ctx.net.resolve(me.host)[0] ?? this.ctx.net.ip ?? "0.0.0.0";
    this.log.log("INFO", "ListenerThread", "QuorumCnxManager$Listener@541", `My election bind port: ${me.host}/${ip}:${me.electionPort}`);
    this.ctx.net.listen(me.electionPort, (conn) => this.accepted(conn));
  }

  send(to: number, n: Notification): void {
    if (to === this.sid) {
      this.ctx.timer(0, () => this.deliver(n));
      return;
    }
    const conn = this.conns.get(to);
    if (conn !== undefined && conn.state === "open") {
      conn.send({ n } satisfies Frame);
      this.lastSent.set(to, n);
      return;
    }
    this.queue.set(to, n);
    this.connectOne(to);
  }

  private accepted(conn: Connection): void {
    const remote = `/${conn.remote.ip}:${conn.remote.port}`;
    this.log.log("INFO", `/${this.ctx.net.ip}:${this.servers.find((s) => s.id === this.sid)!.electionPort}`, "QuorumCnxManager$Listener@746", `Received connection request ${remote}`);
    let sid = -1;
    conn.onData = (data) => {
      const f = data as Frame;
      if ("hello" in f) {
        sid = f.hello;
        if (sid < this.sid) {
          // The lower id lost the challenge: drop its connection and any we had (it restarted,
          // so that one is dead), then call it ourselves.
          conn.end();
          this.conns.get(sid)?.end();
          this.conns.delete(sid);
          this.connectOne(sid);
          return;
        }
        this.register(sid, conn);
      } else if (sid >= 0) {
        this.deliver(f.n);
      }
    };
  }

  private connectOne(sid: number): void {
    if (this.connecting.has(sid) || this.conns.get(sid)?.state === "open") return;
    const spec = this.servers.find((s) => s.id === sid);
    if (spec === undefined) return;
    const thread = `WorkerSender[myid=${this.sid}]`;
    const ip = this.ctx.net.resolve(spec.host)[0];
    if (ip === undefined) {
      this.log.log("WARN", thread, "QuorumCnxManager@588", `Cannot open channel to ${sid} at election address ${spec.host}:${spec.electionPort}\njava.net.UnknownHostException: ${spec.host}`);
      return;
    }
    this.connecting.add(sid);
    const conn = this.ctx.net.connect(ip, spec.electionPort, { timeoutMs: CONNECT_TIMEOUT_MS });
    conn.onOpen = () => {
      this.connecting.delete(sid);
      conn.send({ hello: this.sid } satisfies Frame);
      if (sid > this.sid) {
        this.log.log("INFO", thread, "QuorumCnxManager@337", `Have smaller server identifier, so dropping the connection: (${sid}, ${this.sid})`);
        conn.end();
        return;
      }
      this.register(sid, conn);
    };
    conn.onClose = (reason) => {
      if (conn !== this.conns.get(sid)) {
        if (this.connecting.delete(sid)) {
          const why = reason === "ECONNREFUSED" ? "java.net.ConnectException: Connection refused (Connection refused)" : "java.net.SocketTimeoutException: connect timed out";
          this.log.log("WARN", thread, "QuorumCnxManager@588", `Cannot open channel to ${sid} at election address ${spec.host}/${ip}:${spec.electionPort}\n${why}`);
        }
        return;
      }
      this.conns.delete(sid);
    };
  }

  private register(sid: number, conn: Connection): void {
    const old = this.conns.get(sid);
    if (old !== undefined && old !== conn) old.end();
    this.conns.set(sid, conn);
    conn.onData = (data) => {
      const f = data as Frame;
      if ("n" in f) this.deliver(f.n);
    };
    conn.onEnd = () => conn.end();
    conn.onClose = () => {
      if (this.conns.get(sid) === conn) this.conns.delete(sid);
    };
    const pending = this.queue.get(sid) ?? this.lastSent.get(sid);
    this.queue.delete(sid);
    if (pending !== undefined) {
      conn.send({ n: pending } satisfies Frame);
      this.lastSent.set(sid, pending);
    }
  }
}
