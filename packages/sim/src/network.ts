import type { Gate } from "./coroutine.js";
import type { Timer } from "./event-queue.js";
import type { Sim } from "./kernel.js";
import type { Random } from "./random.js";

/**
 * The simulated network: hosts with IP addresses, connection-oriented streams with TCP's
 * observable behaviour (refused, reset, FIFO, half-close, time-outs while the peer is cut off)
 * and datagrams, with per-link latency, loss and partitions.
 *
 * Payloads are JavaScript values, not bytes: models exchange structured messages and the shell's
 * tools exchange strings. Nothing is copied, so senders must not mutate what they sent.
 */

export interface Address {
  readonly ip: string;
  readonly port: number;
}

/** Where a translated connection goes, and the source address the server sees if it is rewritten (SNAT). */
export interface Translation extends Address {
  readonly sourceIp?: string;
}

/** Why a connection ended, in the errno vocabulary programs print. */
export type CloseReason =
  | "closed" // both sides ended cleanly
  | "ECONNREFUSED" // nothing listening at the destination
  | "ECONNRESET" // the peer reset (process died, connection aborted)
  | "ETIMEDOUT" // the peer stayed unreachable for too long
  | "EHOSTUNREACH" // no host has that address
  | "ENETDOWN"; // this host went down

/** One-way latency in milliseconds for a packet from `from` to `to`. */
export type LatencyModel = (from: Host, to: Host, random: Random) => number;

export interface NetworkOptions {
  readonly latency?: LatencyModel;
  /** How long connect() keeps retrying SYNs to an unreachable peer (Linux: about 127 s). */
  readonly connectTimeoutMs?: number;
  /** How long unacknowledged data is retransmitted before the connection fails (tcp_retries2: ~15 min). */
  readonly retransmitTimeoutMs?: number;
  /**
   * The same for a socket whose process has died (tcp_orphan_retries 0 means 8 retries: 102.2 s
   * from a 200 ms RTO), so a dead process's last words do not arrive after a long partition.
   */
  readonly orphanRetransmitTimeoutMs?: number;
  /** How long resolving a missing neighbour takes before EHOSTUNREACH (ARP: ~3 s). */
  readonly unreachableAfterMs?: number;
}

/** Default: loopback is instant; other links take about a millisecond with a log-normal tail. */
export const defaultLatency: LatencyModel = (from, to, random) =>
  from === to ? 0 : Math.max(1, Math.round(random.logNormal(1, 0.3)));

/** Which hosts a partition side holds: a fixed set, or a test evaluated per packet (so a
 * node's partition also covers pods that start on it later). */
export type HostGroup = Iterable<Host> | ((host: Host) => boolean);

/** A fault on the links from one group to another: a cut, or added delay and loss. */
interface Rule {
  readonly id: number;
  readonly from: (h: Host) => boolean;
  readonly to: (h: Host) => boolean;
  readonly impairment?: Impairment;
}

/** What `impair` does to the packets on a link (tc netem's delay and loss). */
export interface Impairment {
  /** Milliseconds added to every packet. */
  readonly latencyMs?: number;
  /** Probability in [0, 1] that a datagram is dropped (a stream segment waits a retransmission). */
  readonly loss?: number;
}

function membership(group: HostGroup): { test: (h: Host) => boolean; names: string[] | string } {
  if (typeof group === "function") return { test: group, names: "(predicate)" };
  const set = new Set(group);
  return { test: (h) => set.has(h), names: [...set].map((h) => h.name) };
}

/** A retransmission that is waiting for the path to open again. */
interface Parked {
  readonly from: Host;
  readonly to: Host;
  retry(): void;
}

export class Network {
  private readonly byIp = new Map<string, Host>();
  private readonly rules: Rule[] = [];
  private readonly impairments: Rule[] = [];
  private nextRuleId = 1;
  private nextHostId = 1;
  private nextConnId = 1;
  private parked: Parked[] = [];
  /**
   * Address translation applied to new connections, as kube-proxy does for Service IPs: return
   * another address to connect to (and the source the server sees, when it is masqueraded), null
   * to refuse (a Service with no endpoints), or undefined to leave the address alone.
   */
  translate: ((from: Host, to: Address) => Translation | null | undefined) | undefined;
  readonly random: Random;
  readonly latency: LatencyModel;
  readonly connectTimeoutMs: number;
  readonly retransmitTimeoutMs: number;
  readonly orphanRetransmitTimeoutMs: number;
  readonly unreachableAfterMs: number;

  constructor(
    readonly sim: Sim,
    options: NetworkOptions = {},
  ) {
    this.random = sim.random.fork("network");
    this.latency = options.latency ?? defaultLatency;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 127_000;
    this.retransmitTimeoutMs = options.retransmitTimeoutMs ?? 924_000;
    this.orphanRetransmitTimeoutMs = options.orphanRetransmitTimeoutMs ?? 102_200;
    this.unreachableAfterMs = options.unreachableAfterMs ?? 3_000;
  }

  /** Adds a host; with an address it is reachable at once. */
  addHost(name: string, ip?: string): Host {
    const host = new Host(this, this.nextHostId++, name);
    if (ip !== undefined) host.setAddress(ip);
    this.sim.trace.record("net.host", { host: name, ip: ip ?? null });
    return host;
  }

  /** The host currently holding `ip`, if any. */
  lookup(ip: string): Host | undefined {
    return this.byIp.get(ip);
  }

  /**
   * Blocks packets from every host in `a` to every host in `b`, and back unless `oneWay`.
   * Returns an id for `heal`.
   */
  partition(a: HostGroup, b: HostGroup, options: { oneWay?: boolean } = {}): number {
    const id = this.nextRuleId++;
    const as = membership(a);
    const bs = membership(b);
    this.rules.push({ id, from: as.test, to: bs.test });
    if (!options.oneWay) this.rules.push({ id, from: bs.test, to: as.test });
    this.sim.trace.record("net.partition", { id, a: as.names, b: bs.names, oneWay: options.oneWay ?? false });
    return id;
  }

  /**
   * Adds delay and loss to packets from `a` to `b` (and back unless `oneWay`); several
   * impairments on one link add up. Returns an id for `heal`.
   */
  impair(a: HostGroup, b: HostGroup, impairment: Impairment, options: { oneWay?: boolean } = {}): number {
    const id = this.nextRuleId++;
    const as = membership(a);
    const bs = membership(b);
    this.impairments.push({ id, from: as.test, to: bs.test, impairment });
    if (!options.oneWay) this.impairments.push({ id, from: bs.test, to: as.test, impairment });
    this.sim.trace.record("net.impair", { id, a: as.names, b: bs.names, latencyMs: impairment.latencyMs ?? 0, loss: impairment.loss ?? 0, oneWay: options.oneWay ?? false });
    return id;
  }

  /** Removes one partition or impairment (or all of them) and lets parked retransmissions through. */
  heal(id?: number): void {
    for (const list of [this.rules, this.impairments]) {
      for (let i = list.length - 1; i >= 0; i--) {
        if (id === undefined || list[i]!.id === id) list.splice(i, 1);
      }
    }
    this.sim.trace.record("net.heal", { id: id ?? null });
    this.releaseParked();
  }

  /** Whether a packet from `from` to `to` is dropped by a partition or a host being down. */
  blocked(from: Host, to: Host): boolean {
    if (!from.up || !to.up) return true;
    for (const r of this.rules) {
      if (r.from(from) && r.to(to)) return true;
    }
    return false;
  }

  /** @internal one-way delay for a packet, including injected extra latency. */
  delay(from: Host, to: Host): number {
    const base = this.latency(from, to, this.random);
    if (this.impairments.length === 0) return base;
    let extra = 0;
    for (const r of this.impairments) if (r.from(from) && r.to(to)) extra += r.impairment!.latencyMs ?? 0;
    return base + extra;
  }

  /** @internal loss probability of a link: independent losses compound. */
  lossOf(from: Host, to: Host): number {
    if (this.impairments.length === 0) return 0;
    let delivered = 1;
    for (const r of this.impairments) if (r.from(from) && r.to(to)) delivered *= 1 - (r.impairment!.loss ?? 0);
    return 1 - delivered;
  }

  park(p: Parked): void {
    this.parked.push(p);
  }

  /** @internal re-tries parked retransmissions whose path is open again. */
  releaseParked(): void {
    if (this.parked.length === 0) return;
    const still: Parked[] = [];
    const go: Parked[] = [];
    for (const p of this.parked) (this.blocked(p.from, p.to) ? still : go).push(p);
    this.parked = still;
    for (const p of go) p.retry();
  }

  /** @internal */
  unpark(p: Parked): void {
    const i = this.parked.indexOf(p);
    if (i >= 0) this.parked.splice(i, 1);
  }

  /** @internal */
  bindAddress(ip: string, host: Host): void {
    const holder = this.byIp.get(ip);
    if (holder !== undefined && holder !== host) {
      throw new Error(`address ${ip} is already held by host ${holder.name}`);
    }
    this.byIp.set(ip, host);
  }

  /** @internal */
  unbindAddress(ip: string, host: Host): void {
    if (this.byIp.get(ip) === host) this.byIp.delete(ip);
  }

  /** @internal */
  connId(): number {
    return this.nextConnId++;
  }
}

export interface Listener {
  readonly port: number;
  close(): void;
}

export type DatagramHandler = (payload: unknown, from: Address) => void;

/**
 * A network endpoint with one address: a pod's network namespace or a node. Processes open
 * listeners and connections on it; the runtime above decides which process owns which socket.
 */
export class Host {
  ip: string | undefined;
  /** False while powered off or crashed: every packet to or from it is lost. */
  up = true;
  /** The host that routes this one's packets: a pod's network namespace hangs off its node. */
  router: Host | undefined;
  private readonly listeners = new Map<number, (conn: Connection) => void>();
  private readonly datagramPorts = new Map<number, DatagramHandler>();
  /** @internal open connections with an end on this host */
  readonly connections = new Set<Connection>();
  private nextEphemeral = 32768;

  /** @internal */
  constructor(
    readonly net: Network,
    readonly id: number,
    readonly name: string,
  ) {}

  /** Gives the host an address (or takes it away with undefined). Existing connections are reset. */
  setAddress(ip: string | undefined): void {
    if (ip === this.ip) return;
    if (this.ip !== undefined) this.net.unbindAddress(this.ip, this);
    this.abortAll("ECONNRESET");
    this.ip = ip;
    if (ip !== undefined) this.net.bindAddress(ip, this);
    this.net.sim.trace.record("net.address", { host: this.name, ip: ip ?? null });
  }

  listen(port: number, onConnection: (conn: Connection) => void): Listener {
    if (this.listeners.has(port)) throw new Error(`EADDRINUSE: ${this.name} port ${port}`);
    this.listeners.set(port, onConnection);
    return {
      port,
      close: () => {
        if (this.listeners.get(port) === onConnection) this.listeners.delete(port);
      },
    };
  }

  isListening(port: number): boolean {
    return this.listeners.has(port);
  }

  /**
   * Opens a stream to ip:port. The connection is returned at once in state "connecting";
   * `onOpen` or `onClose(reason)` tells how it went. 127.0.0.1 means this host.
   */
  connect(ip: string, port: number, options: { timeoutMs?: number } = {}): Connection {
    // A loopback connection's source is the loopback address too.
    const localIp = ip === "127.0.0.1" ? "127.0.0.1" : (this.ip ?? "0.0.0.0");
    const conn = new Connection(this, { ip: localIp, port: this.nextEphemeral++ }, { ip, port });
    if (this.nextEphemeral > 60999) this.nextEphemeral = 32768;
    this.connections.add(conn);
    conn.startConnect(options.timeoutMs ?? this.net.connectTimeoutMs);
    return conn;
  }

  /** Receives datagrams on `port`. */
  bindDatagram(port: number, handler: DatagramHandler): Listener {
    this.datagramPorts.set(port, handler);
    return { port, close: () => this.datagramPorts.delete(port) };
  }

  /** Sends a datagram; it may be lost, reordered, or dropped by a partition, silently. */
  sendDatagram(fromPort: number, to: Address, payload: unknown): void {
    const net = this.net;
    const sim = net.sim;
    const from: Address = { ip: this.ip ?? "0.0.0.0", port: fromPort };
    const dst = to.ip === "127.0.0.1" ? this : net.lookup(to.ip);
    if (dst === undefined || net.blocked(this, dst) || net.random.chance(net.lossOf(this, dst))) {
      sim.trace.record("net.dgram.drop", { from: this.name, to: `${to.ip}:${to.port}` });
      return;
    }
    sim.schedule(net.delay(this, dst), () => {
      const handler = dst.datagramPorts.get(to.port);
      if (!dst.up || handler === undefined) {
        sim.trace.record("net.dgram.drop", { from: this.name, to: `${to.ip}:${to.port}` });
        return;
      }
      sim.trace.record("net.dgram", { from: this.name, to: dst.name, port: to.port });
      handler(payload, from);
    }, "dgram");
  }

  /**
   * An ICMP echo request to `ip`, answered by the kernel of the host that holds the address:
   * `onReply(ttl)` runs after the round trip, with the TTL the reply arrives with (64 less one
   * for each router that forwarded it). A lost packet, a cut link, a host that is down, an
   * address nobody holds (a Service's virtual IP) or a `ttl` too small to get there (the router
   * that drops it answers Time Exceeded, which ping ignores) gives no reply at all.
   */
  echo(ip: string, ttl: number, onReply: (ttl: number) => void): void {
    const net = this.net;
    const sim = net.sim;
    const dst = ip.startsWith("127.") ? this : net.lookup(ip);
    sim.trace.record("net.echo", { from: this.name, to: ip });
    const lost = (a: Host, b: Host) => !b.up || net.blocked(a, b) || net.random.chance(net.lossOf(a, b));
    if (dst === undefined || ttl <= forwards(this, dst) || lost(this, dst)) return;
    sim.schedule(net.delay(this, dst), () => {
      if (!dst.up || lost(dst, this)) return;
      sim.schedule(net.delay(dst, this), () => {
        if (this.up) onReply(64 - forwards(dst, this));
      }, "icmp:echo-reply");
    }, "icmp:echo");
  }

  /**
   * Process-level failure on this host (the pod's processes died, the OS lives): every
   * connection is reset, so peers see ECONNRESET; listeners and datagram ports are dropped.
   */
  resetAll(): void {
    this.abortAll("ECONNRESET");
    this.listeners.clear();
    this.datagramPorts.clear();
  }

  /**
   * Power loss: the host drops off the network silently. Peers see nothing until their own
   * time-outs fire; this host's sockets are gone and, when it comes back, it answers packets
   * of old connections with resets.
   */
  powerOff(): void {
    if (!this.up) return;
    this.up = false;
    this.net.sim.trace.record("net.down", { host: this.name });
    for (const c of [...this.connections]) c.vanish();
    this.listeners.clear();
    this.datagramPorts.clear();
  }

  powerOn(): void {
    if (this.up) return;
    this.up = true;
    this.net.sim.trace.record("net.up", { host: this.name });
    this.net.releaseParked();
  }

  /** @internal */
  acceptorFor(port: number): ((conn: Connection) => void) | undefined {
    return this.listeners.get(port);
  }

  private abortAll(reason: CloseReason): void {
    for (const c of [...this.connections]) c.destroy(reason);
  }
}

/** How many routers forward a packet from `a` to `b`: each pod's node, unless it is the other end. */
function forwards(a: Host, b: Host): number {
  if (a === b) return 0;
  const first = a.router !== undefined && a.router !== b ? 1 : 0;
  const last = b.router !== undefined && b.router !== a && b.router !== a.router ? 1 : 0;
  return first + last;
}

type Segment =
  | { readonly kind: "data"; readonly payload: unknown }
  | { readonly kind: "fin" };

/**
 * One direction of a stream: an in-order queue with a single delivery in flight, so FIFO holds
 * whatever the latency draws. While the path is cut, the head is parked and retransmitted when
 * it opens; if it stays cut too long the sender fails with ETIMEDOUT.
 */
class Direction {
  readonly queue: { seg: Segment; due: number }[] = [];
  timer: Timer | undefined;
  parked: Parked | undefined;
  stalledSince = -1;
  lastDue = 0;
}

export class Connection {
  readonly id: number;
  state: "connecting" | "open" | "closed" = "connecting";
  /** The host at the other end, once known. */
  peerHost: Host | undefined;
  /** Fires when the connection is established (client side). */
  onOpen: (() => void) | undefined;
  /**
   * What arrives before its owner listens (a server's greeting or FIN can land in the same
   * instant as the SYN-ACK, before the client's coroutine has resumed) waits, as in a socket's
   * receive buffer, and is handed over in order once onData or onEnd is set.
   */
  get onData(): ((payload: unknown) => void) | undefined {
    return this.dataHandler;
  }
  set onData(handler: ((payload: unknown) => void) | undefined) {
    this.dataHandler = handler;
    if (handler !== undefined && this.unread !== undefined) this.deliverUnreadSoon();
  }
  /** The peer half-closed: no more data will arrive. */
  get onEnd(): (() => void) | undefined {
    return this.endHandler;
  }
  set onEnd(handler: (() => void) | undefined) {
    this.endHandler = handler;
    if (handler !== undefined && this.unread !== undefined) this.deliverUnreadSoon();
  }
  /** The connection is gone, cleanly ("closed") or with an error reason. Fires once. */
  onClose: ((reason: CloseReason) => void) | undefined;
  /** Arbitrary owner data for the runtime (e.g. the process that owns the socket). */
  owner: unknown;
  /** The owner's: while it is shut (a stopped process), the callbacks above wait. */
  gate: Gate | undefined;

  private dataHandler: ((payload: unknown) => void) | undefined;
  private endHandler: (() => void) | undefined;
  /** Segments that arrived while nobody listened for them, oldest first. */
  private unread: Segment[] | undefined;
  private unreadTimer: Timer | undefined;

  /** @internal */ peer: Connection | undefined;
  /** @internal */ readonly out = new Direction();
  private localEnded = false;
  private remoteEnded = false;
  /** Its process is gone: it only finishes sending what was queued, for a shorter time. */
  private orphaned = false;
  private connectTimer: Timer | undefined;
  private connectParked: Parked | undefined;
  /** Where packets really go: the remote address after Service translation. */
  private target: Address;
  /** The client's address as the server sees it, when a translation masqueraded it. */
  private seenFrom: Address | undefined;

  /** @internal */
  constructor(
    readonly host: Host,
    readonly local: Address,
    readonly remote: Address,
  ) {
    this.id = host.net.connId();
    this.target = remote;
  }

  /** Queues `payload` for in-order delivery. Returns false if the connection can no longer send. */
  send(payload: unknown): boolean {
    if (this.state === "closed" || this.localEnded) return false;
    this.enqueue({ kind: "data", payload });
    return true;
  }

  /** Half-close: no more sends; the peer gets onEnd after everything already sent. */
  end(): void {
    if (this.state === "closed" || this.localEnded) return;
    this.localEnded = true;
    this.enqueue({ kind: "fin" });
    this.maybeFinish();
  }

  /** Abort: queued data is dropped and the peer sees `reason` (ECONNRESET) after one latency. */
  destroy(reason: CloseReason = "ECONNRESET"): void {
    if (this.state === "closed") return;
    const peer = this.peer;
    this.teardown(reason === "ECONNRESET" ? "closed" : reason, false);
    if (peer !== undefined && peer.state !== "closed") {
      const net = this.host.net;
      const peerHost = peer.host;
      if (!net.blocked(this.host, peerHost)) {
        net.sim.schedule(net.delay(this.host, peerHost), () => peer.teardown("ECONNRESET", true), "rst");
      }
    }
  }

  /** The owning process died: the kernel closes the socket and sends what is queued, then FIN. */
  orphan(): void {
    if (this.state === "closed") return;
    this.orphaned = true;
    this.end();
    const dir = this.out;
    if (dir.stalledSince >= 0 && dir.parked !== undefined) {
      this.host.net.sim.cancel(dir.timer);
      this.giveUpAt(dir.stalledSince + this.host.net.orphanRetransmitTimeoutMs);
    }
  }

  /** @internal host lost power: this end disappears without telling the peer. */
  vanish(): void {
    this.teardown("ENETDOWN", true);
  }

  /** @internal */
  startConnect(timeoutMs: number): void {
    const net = this.host.net;
    const sim = net.sim;
    const dest = net.translate?.(this.host, this.remote);
    if (dest === null) {
      sim.schedule(1, () => this.teardown("ECONNREFUSED", true), "connect:refused");
      return;
    }
    if (dest !== undefined) {
      this.target = { ip: dest.ip, port: dest.port };
      if (dest.sourceIp !== undefined) this.seenFrom = { ip: dest.sourceIp, port: this.local.port };
    }
    const target = this.target.ip === "127.0.0.1" ? this.host : net.lookup(this.target.ip);
    if (target === undefined) {
      this.connectTimer = sim.schedule(Math.min(net.unreachableAfterMs, timeoutMs), () => {
        this.teardown(net.unreachableAfterMs <= timeoutMs ? "EHOSTUNREACH" : "ETIMEDOUT", true);
      }, "connect:unreachable");
      return;
    }
    this.connectTimer = sim.schedule(timeoutMs, () => {
      if (this.connectParked) net.unpark(this.connectParked);
      this.teardown("ETIMEDOUT", true);
    }, "connect:timeout");
    this.sendSyn(target);
  }

  private sendSyn(target: Host): void {
    const net = this.host.net;
    if (net.blocked(this.host, target)) {
      this.connectParked = { from: this.host, to: target, retry: () => this.sendSyn(target) };
      net.park(this.connectParked);
      return;
    }
    this.connectParked = undefined;
    net.sim.schedule(net.delay(this.host, target), () => this.arriveSyn(target), "syn");
  }

  private arriveSyn(target: Host): void {
    if (this.state !== "connecting") return;
    const net = this.host.net;
    if (net.blocked(this.host, target) || target.ip === undefined) {
      this.sendSyn(target);
      return;
    }
    const accept = target.acceptorFor(this.target.port);
    const back = net.delay(target, this.host);
    if (accept === undefined) {
      net.sim.trace.record("net.refused", { from: this.host.name, to: target.name, port: this.target.port });
      net.sim.schedule(back, () => this.teardown("ECONNREFUSED", true), "rst");
      return;
    }
    const server = new Connection(target, { ip: this.target.ip === "127.0.0.1" ? "127.0.0.1" : target.ip, port: this.target.port }, this.seenFrom ?? this.local);
    server.state = "open";
    // Nothing the server sends may overtake the SYN-ACK.
    server.out.lastDue = net.sim.now + back;
    server.peer = this;
    server.peerHost = this.host;
    this.peer = server;
    this.peerHost = target;
    target.connections.add(server);
    net.sim.trace.record("net.connect", { conn: this.id, from: this.host.name, to: target.name, port: this.target.port });
    accept(server);
    net.sim.schedule(back, () => {
      if (this.state !== "connecting") return;
      net.sim.cancel(this.connectTimer);
      this.state = "open";
      this.tellOpen();
      if (this.state === "open" && this.out.queue.length > 0 && this.out.timer === undefined) this.pump();
    }, "synack");
  }

  private enqueue(seg: Segment): void {
    const dir = this.out;
    dir.queue.push({ seg, due: -1 });
    if (this.state === "open" && dir.timer === undefined && dir.parked === undefined) this.pump();
  }

  /** Moves the head of the outgoing queue towards the peer. */
  private pump(): void {
    const dir = this.out;
    const head = dir.queue[0];
    const peer = this.peer;
    if (head === undefined || peer === undefined) return;
    const net = this.host.net;
    const sim = net.sim;
    if (net.blocked(this.host, peer.host)) {
      if (dir.stalledSince < 0) {
        dir.stalledSince = sim.now;
        this.giveUpAt(sim.now + (this.orphaned ? net.orphanRetransmitTimeoutMs : net.retransmitTimeoutMs));
      }
      dir.parked = { from: this.host, to: peer.host, retry: () => {
        dir.parked = undefined;
        sim.cancel(dir.timer);
        dir.timer = undefined;
        dir.stalledSince = -1;
        this.pump();
      } };
      net.park(dir.parked);
      return;
    }
    if (head.due < 0) {
      let d = net.delay(this.host, peer.host);
      // A lost segment arrives one retransmission time-out (200 ms minimum RTO) later.
      if (net.lossOf(this.host, peer.host) > 0 && net.random.chance(net.lossOf(this.host, peer.host))) d += 200;
      head.due = Math.max(sim.now + d, dir.lastDue);
    }
    dir.timer = sim.at(head.due, () => {
      dir.timer = undefined;
      if (this.state === "closed") return;
      if (net.blocked(this.host, peer.host)) {
        this.pump();
        return;
      }
      if (peer.state === "closed") {
        // The other end is gone (its process died or its host rebooted): it answers with RST.
        this.teardown("ECONNRESET", true);
        return;
      }
      dir.queue.shift();
      dir.lastDue = head.due;
      peer.receive(head.seg);
      if (dir.queue.length > 0) this.pump();
      else this.maybeFinish();
    }, "segment");
  }

  /** Retransmissions of a stalled stream stop at `time`, and the connection fails. */
  private giveUpAt(time: number): void {
    const dir = this.out;
    const net = this.host.net;
    dir.timer = net.sim.at(Math.max(time, net.sim.now), () => {
      dir.timer = undefined;
      if (dir.parked) net.unpark(dir.parked);
      dir.parked = undefined;
      this.teardown("ETIMEDOUT", true);
    }, "tcp:retransmit-timeout");
  }

  private receive(seg: Segment): void {
    if (this.state === "closed") return;
    const sim = this.host.net.sim;
    if (seg.kind === "data") sim.trace.record("net.data", { conn: this.id });
    else this.remoteEnded = true;
    if (this.unread !== undefined || (seg.kind === "data" ? this.dataHandler : this.endHandler) === undefined) (this.unread ??= []).push(seg);
    else this.deliver(seg);
    if (seg.kind === "fin") this.maybeFinish();
  }

  private deliver(seg: Segment): void {
    if (seg.kind === "data") {
      if (this.gate?.shut === true) this.gate.defer(() => this.dataHandler?.(seg.payload));
      else this.dataHandler!(seg.payload);
    } else if (this.gate?.shut === true) this.gate.defer(() => this.endHandler?.());
    else this.endHandler!();
  }

  private deliverUnreadSoon(): void {
    if (this.unreadTimer !== undefined) return;
    this.unreadTimer = this.host.net.sim.schedule(0, () => {
      this.unreadTimer = undefined;
      const unread = this.unread;
      while (unread !== undefined && unread.length > 0 && this.state !== "closed") {
        const seg = unread[0]!;
        if ((seg.kind === "data" ? this.dataHandler : this.endHandler) === undefined) return;
        unread.shift();
        this.deliver(seg);
      }
      this.unread = undefined;
    }, "unread");
  }

  private tellOpen(): void {
    if (this.gate?.shut === true) this.gate.defer(() => this.onOpen?.());
    else this.onOpen?.();
  }

  private maybeFinish(): void {
    if (this.localEnded && this.remoteEnded && this.out.queue.length === 0) this.teardown("closed", true);
  }

  /** @internal */
  teardown(reason: CloseReason, notify: boolean): void {
    if (this.state === "closed") return;
    const net = this.host.net;
    this.state = "closed";
    net.sim.cancel(this.connectTimer);
    if (this.connectParked) net.unpark(this.connectParked);
    net.sim.cancel(this.out.timer);
    if (this.out.parked) net.unpark(this.out.parked);
    this.out.queue.length = 0;
    this.host.connections.delete(this);
    net.sim.trace.record("net.close", { conn: this.id, host: this.host.name, reason });
    if (!notify) return;
    if (this.gate?.shut === true) this.gate.defer(() => this.onClose?.(reason));
    else this.onClose?.(reason);
  }
}
