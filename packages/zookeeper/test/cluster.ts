import { Sim, Volume, type Random, type Timer } from "@ksim/sim";
import { QuorumPeer, type Effect, type PeerConfig, type QuorumPacket, type ServerPacket, type TimerName } from "../src/core/index.js";
import { DataDir } from "../src/storage/index.js";

/**
 * A test bench for the pure core: N peers on one Sim, each with a real sim Volume (so crashes
 * lose exactly what was not fsynced), messages carried with random delays, drops, duplicates
 * (notifications) and broken connections (quorum links, which are TCP: FIFO or gone).
 */
export interface Faults {
  /** Extra one-way delay drawn uniformly in [0, maxDelayMs]. */
  maxDelayMs: number;
  dropNotification: number;
  duplicateNotification: number;
  /** Probability that sending a quorum packet breaks its connection instead. */
  breakLink: number;
}

export const NO_FAULTS: Faults = { maxDelayMs: 0, dropNotification: 0, duplicateNotification: 0, breakLink: 0 };

interface LinkEnd {
  node: Node;
  id: number;
  peer?: LinkEnd;
  lastDue: number;
  open: boolean;
  closing?: boolean;
}

export class Node {
  peer: QuorumPeer | undefined;
  readonly volume: Volume;
  dataDir!: DataDir;
  private readonly timers = new Map<TimerName, Timer>();
  readonly links = new Map<number, LinkEnd>();
  listening = false;
  private syncPending = false;
  readonly replies: { cnxn: number; packet: ServerPacket }[] = [];
  readonly closed: number[] = [];
  readonly lines: string[] = [];
  exitStatus: number | undefined;

  constructor(
    readonly cluster: CoreCluster,
    readonly sid: number,
  ) {
    // A size, so a test can fill it.
    this.volume = new Volume(cluster.sim, `vol-${sid}`, 1 << 30);
  }

  get alive(): boolean {
    return this.peer !== undefined;
  }

  start(): void {
    const c = this.cluster;
    this.dataDir = new DataDir(this.volume, { snapDir: "/data/version-2", logDir: "/data/log/version-2" });
    this.peer = new QuorumPeer({ ...c.config, sid: this.sid }, this.dataDir, c.random.fork(`peer-${this.sid}-${c.sim.now}`));
    this.exitStatus = undefined;
    this.step(() => this.peer!.step({ kind: "start" }, c.sim.epochMs()));
  }

  /** Power loss: timers, links and unsynced writes are gone. */
  crash(tear = false): void {
    if (this.peer === undefined) return;
    this.kill();
    this.volume.crash({ tear, random: this.cluster.random.fork(`tear-${this.sid}-${this.cluster.sim.now}`) });
  }

  /** Process death without losing the page cache (kill -9 of the JVM). */
  kill(): void {
    this.peer = undefined;
    for (const t of this.timers.values()) this.cluster.sim.cancel(t);
    this.timers.clear();
    for (const l of [...this.links.values()]) this.cluster.breakLink(l, this);
    this.listening = false;
    this.syncPending = false;
  }

  step(fn: () => Effect[]): void {
    if (this.peer === undefined) return;
    const effects = fn();
    for (const e of effects) this.perform(e);
  }

  input(i: Parameters<QuorumPeer["step"]>[0]): void {
    if (this.peer === undefined) return;
    const p = this.peer;
    this.step(() => p.step(i, this.cluster.sim.epochMs()));
  }

  private perform(e: Effect): void {
    const c = this.cluster;
    const sim = c.sim;
    switch (e.kind) {
      case "notify":
        c.notify(this.sid, e.to, e.n);
        return;
      case "setTimer": {
        sim.cancel(this.timers.get(e.timer));
        const peer = this.peer;
        this.timers.set(e.timer, sim.schedule(e.ms, () => {
          this.timers.delete(e.timer);
          if (this.peer === peer) this.input({ kind: "timer", timer: e.timer });
        }, `timer:${e.timer}`));
        return;
      }
      case "cancelTimer":
        sim.cancel(this.timers.get(e.timer));
        this.timers.delete(e.timer);
        return;
      case "listenQuorum":
        this.listening = e.open;
        return;
      case "connectLeader":
        c.connect(this, e.link, e.sid);
        return;
      case "send": {
        const l = this.links.get(e.link);
        if (l !== undefined) c.sendPacket(l, e.packet);
        return;
      }
      case "closeLink": {
        const l = this.links.get(e.link);
        if (l !== undefined) c.breakLink(l, this);
        return;
      }
      case "append":
        this.dataDir.append(e.txns);
        if (c.forceSync) {
          const peer = this.peer;
          const upTo = e.txns[e.txns.length - 1]!.zxid;
          sim.schedule(0, () => {
            if (this.peer === peer) this.input({ kind: "logged", zxid: upTo });
          });
        } else if (!this.syncPending) {
          this.syncPending = true;
          const peer = this.peer;
          sim.schedule(c.random.int(1, 4), () => {
            if (this.peer !== peer) return;
            this.syncPending = false;
            this.input({ kind: "logged", zxid: this.dataDir.sync() });
          }, "fsync");
        }
        return;
      case "rollLog":
        this.dataDir.roll();
        return;
      case "snapshot":
        this.dataDir.snapshot(e.data, false);
        return;
      case "reply":
        this.replies.push({ cnxn: e.cnxn, packet: e.packet });
        c.onReply?.(this, e.cnxn, e.packet);
        return;
      case "closeClient":
        this.closed.push(e.cnxn);
        c.onClientClosed?.(this, e.cnxn);
        return;
      case "log":
        if (c.keepLogs) this.lines.push(`${sim.now} ${e.level} [${e.thread}:${e.at}] - ${e.msg}`);
        return;
      case "trace":
        sim.trace.record(`zk.${e.type}`, e.data);
        return;
      case "fatal":
        this.exitStatus = e.status;
        this.kill();
        return;
    }
  }
}

export interface ClusterOptions {
  readonly n: number;
  readonly seed: number | string;
  readonly faults?: Faults;
  readonly config?: Partial<PeerConfig>;
  /** forceSync=no: report appends as logged without fsync. */
  readonly noSync?: boolean;
  readonly keepLogs?: boolean;
}

export class CoreCluster {
  readonly sim: Sim;
  readonly random: Random;
  readonly nodes: Node[] = [];
  readonly config: PeerConfig;
  faults: Faults;
  readonly forceSync: boolean;
  readonly keepLogs: boolean;
  private nextAccepted = 1_000_000;
  onReply: ((node: Node, cnxn: number, p: ServerPacket) => void) | undefined;
  onClientClosed: ((node: Node, cnxn: number) => void) | undefined;
  /**
   * Whether a server's name resolves (a StatefulSet pod's DNS record exists only while it is
   * Ready). The election connection between two servers is kept by the higher id, which dials
   * the lower one, so a pair talks only while the lower id resolves; a learner must resolve
   * its leader to connect.
   */
  resolvable: (sid: number) => boolean = () => true;

  constructor(opts: ClusterOptions) {
    this.sim = new Sim({ seed: opts.seed });
    this.random = this.sim.random.fork("cluster");
    this.faults = opts.faults ?? NO_FAULTS;
    this.forceSync = opts.noSync ?? false;
    this.keepLogs = opts.keepLogs ?? false;
    const voters = Array.from({ length: opts.n }, (_, i) => i + 1);
    this.config = {
      sid: 0,
      voters,
      standalone: false,
      tickTime: 2000,
      initLimit: 10,
      syncLimit: 5,
      minSessionTimeout: 4000,
      maxSessionTimeout: 40000,
      snapCount: 100_000,
      clientPort: 2181,
      logDir: "/data/log",
      snapDir: "/data",
      environment: [],
      ...opts.config,
    };
    for (const sid of voters) this.nodes.push(new Node(this, sid));
  }

  node(sid: number): Node {
    return this.nodes[sid - 1]!;
  }

  startAll(): void {
    for (const n of this.nodes) n.start();
  }

  private delay(): number {
    return 1 + (this.faults.maxDelayMs > 0 ? this.random.int(0, this.faults.maxDelayMs) : 0);
  }

  notify(from: number, to: number, n: Parameters<QuorumPeer["send"]>[1]): void {
    const target = this.node(to);
    const deliver = () => target.input({ kind: "notification", n });
    if (from === to) {
      this.sim.schedule(0, deliver);
      return;
    }
    if (!this.resolvable(Math.min(from, to))) return;
    if (this.random.chance(this.faults.dropNotification)) return;
    this.sim.schedule(this.delay(), deliver, "notification");
    if (this.random.chance(this.faults.duplicateNotification)) this.sim.schedule(this.delay(), deliver, "notification-dup");
  }

  connect(from: Node, link: number, sid: number): void {
    const target = this.node(sid);
    const end: LinkEnd = { node: from, id: link, lastDue: 0, open: true };
    from.links.set(link, end);
    const fromPeer = from.peer;
    if (!this.resolvable(sid)) {
      end.open = false;
      from.links.delete(link);
      this.sim.schedule(0, () => {
        if (from.peer === fromPeer) from.input({ kind: "linkDown", link, reason: `java.net.UnknownHostException: server-${sid}` });
      });
      return;
    }
    this.sim.schedule(this.delay(), () => {
      if (from.peer !== fromPeer || !end.open) return;
      if (!target.alive || !target.listening) {
        end.open = false;
        from.links.delete(link);
        from.input({ kind: "linkDown", link, reason: "java.net.ConnectException: Connection refused (Connection refused)" });
        return;
      }
      const other: LinkEnd = { node: target, id: this.nextAccepted++, peer: end, lastDue: 0, open: true };
      end.peer = other;
      target.links.set(other.id, other);
      target.input({ kind: "linkAccepted", link: other.id, remote: `/10.0.0.${from.sid}:${40000 + link}` });
      this.sim.schedule(this.delay(), () => {
        if (end.open) from.input({ kind: "linkUp", link });
      });
    }, "connect");
  }

  sendPacket(l: LinkEnd, packet: QuorumPacket): void {
    const to = l.peer;
    // A broken stream carries nothing more: what was sent before may still arrive, never after.
    if (!l.open || l.closing === true || to === undefined) return;
    if (this.random.chance(this.faults.breakLink)) {
      this.breakLink(l);
      return;
    }
    const due = Math.max(this.sim.now + this.delay(), l.lastDue);
    l.lastDue = due;
    this.sim.at(due, () => {
      if (to.open && l.open) to.node.input({ kind: "packet", link: to.id, packet });
    }, "packet");
  }

  /**
   * Ends a connection. The closing end is gone at once; the other end reads what was already in
   * flight to it, then end-of-file.
   */
  breakLink(l: LinkEnd, closer?: Node): void {
    for (const end of [l, l.peer]) {
      if (end === undefined || !end.open || end.closing) continue;
      if (end.node === closer || !end.node.alive) {
        end.open = false;
        end.node.links.delete(end.id);
        continue;
      }
      end.closing = true;
      const peer = end.node.peer;
      const at = Math.max(this.sim.now + this.delay(), end.peer?.lastDue ?? 0);
      this.sim.at(at, () => {
        end.open = false;
        end.node.links.delete(end.id);
        if (end.node.peer === peer) end.node.input({ kind: "linkDown", link: end.id, reason: "java.io.EOFException" });
      }, "link-down");
    }
  }

  /** Runs until `cond` holds or `ms` of simulated time pass; returns whether it held. */
  runUntil(cond: () => boolean, ms: number): boolean {
    return this.sim.runWhile(() => !cond(), this.sim.now + ms);
  }

  leaders(): Node[] {
    return this.nodes.filter((n) => n.peer?.state === "LEADING" && n.peer.serving);
  }

  allServing(): boolean {
    return this.nodes.every((n) => n.peer?.serving === true);
  }
}
