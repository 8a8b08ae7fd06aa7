import { Future, Volume, sleep, wait, type Connection, type Host, type Network, type Proc, type Random, type Sim, type Timer } from "@ksim/sim";
import type { ApiServer } from "../api/server.js";
import { parseQuantity, quantityValue } from "../api/quantity.js";
import type { Node, Pod, PodStatus } from "../api/types.js";
import type { ClusterDns } from "../network/dns.js";
import { parseImageRef, type ImageDefinition, type ImageRegistry } from "../runtime/image.js";
import { pipeInodes } from "../runtime/procfs.js";
import { SchedStats } from "../runtime/sched-stats.js";
import { ProcessTable, type MachineUsage, type ProcessInfo, type Signal } from "../runtime/process.js";
import type { VolumeStore } from "../storage/pv-controller.js";
import { API_PORT, type GatewayMessage, type KubeletMessage } from "./api-gateway.js";
import { KUBELET_PORT, kubeletServer } from "./kubelet-server.js";
import { serveHttp } from "../runtime/http.js";
import { NodeDevices } from "./devices.js";
import { PodWorker, type PodHost } from "./pod-worker.js";

/** The lease is renewed every 10 s (a quarter of its 40 s duration). */
const RENEW_INTERVAL_MS = 10_000;
/** A connection without an answer for this long is replaced (HTTP/2 health checks). */
const CONNECTION_DEAD_MS = 45_000;

export interface KubeletServices {
  readonly sim: Sim;
  readonly api: ApiServer;
  readonly registry: ImageRegistry;
  readonly network: Network;
  readonly dns: ClusterDns;
  readonly disks: VolumeStore;
  readonly whenAttached: (pv: string, node: string, fn: () => void) => void;
  readonly controlPlaneIp: string;
  readonly nameserver: string;
}

/**
 * The kubelet of one node: keeps a connection to the API server, runs a worker for each pod
 * bound to the node, pulls images (serially, with a per-node cache), and can be crashed and
 * rebooted with its node.
 */
export class Kubelet {
  readonly host: Host;
  private readonly workers = new Map<string, PodWorker>();
  private conn: Connection | undefined;
  private lastAnswer = 0;
  private renewTimer: Timer | undefined;
  private readonly images = new Set<string>();
  /** What the pulled images take on the node's disk (their compressed size: unpacking is not modelled). */
  private imageBytes = 0;
  /** Inodes the pulled images' unpacked files take on the node's disk. */
  private imageInodes = 0;
  private pullChain: Future<void> = resolved();
  private lastIp = 1;
  private readonly usedIps = new Set<number>();
  /**
   * The node's own disk, as far as pods see it: what hostPath volumes mount, each a directory of
   * it (so /data and /data/sub share files, and a node debug pod finds them under /host). Nothing
   * else of the node's filesystem is modelled. Made on first use.
   */
  private nodeRoot: Volume | undefined;
  /**
   * The node's own PID namespace, which hostPID containers join: ps there lists every process on
   * the node under host pids (given out as processes are first seen), and kill reaches them.
   * The node's own daemons (kubelet, containerd) are not modelled. Made on first use.
   */
  private hostPids: ProcessTable | undefined;
  private readonly hostPidOf = new WeakMap<ProcessTable, Map<number, number>>();
  private readonly random: Random;
  private alive = false;
  /** How far this node's clock is ahead of true (simulated) time; set by clock-skew faults. */
  clockOffsetMs = 0;
  /** How much longer each fsync on this node's disks takes; set by slow-disk faults. */
  fsyncDelayMs = 0;
  /** When the node last booted (simulated ms): its monotonic clock starts there. */
  private bootedAt = 0;
  /** Restart counts survive a reboot: the kubelet recounts them from the log directory. */
  private readonly restartCounts = new Map<string, number>();
  /** What pod workers see of their node: the same for every pod, so built once. */
  private readonly podHost: PodHost;

  constructor(
    private readonly services: KubeletServices,
    readonly nodeName: string,
    readonly nodeIp: string,
    /** The first three octets of the node's pod CIDR (a /24), e.g. `10.244.1`. */
    private readonly podSubnet: string,
  ) {
    this.host = services.network.addHost(`node/${nodeName}`, nodeIp);
    this.random = services.sim.random.fork(`kubelet/${nodeName}`);
    this.podHost = this.newPodHost();
  }

  get running(): boolean {
    return this.alive;
  }

  /** Starts (or, after a crash, restarts) the kubelet. */
  boot(): void {
    if (this.alive) return;
    this.alive = true;
    this.bootedAt = this.services.sim.now;
    this.podHost.sched.reset();
    this.host.powerOn();
    serveHttp(
      this.host,
      KUBELET_PORT,
      kubeletServer({
        api: this.services.api,
        nodeName: this.nodeName,
        epochMs: () => this.services.sim.epochMs() + this.clockOffsetMs,
        pods: () => [...this.workers.values()].map((w) => ({ namespace: w.pod.metadata.namespace!, name: w.pod.metadata.name!, containers: w.containerUsage() })),
        node: () => this.usage(),
        uptimeMs: () => this.services.sim.now - this.bootedAt,
      }),
    );
    this.services.sim.trace.record("kubelet.boot", { node: this.nodeName });
    this.connect();
    this.renewTimer = this.services.sim.schedule(0, () => this.renew(), "kubelet:renew");
  }

  /**
   * Power loss: every process on the node dies at once, unsynced disk writes are lost, and the
   * node drops off the network until it boots again.
   */
  crash(): void {
    if (!this.alive) return;
    this.alive = false;
    this.services.sim.trace.record("kubelet.crash", { node: this.nodeName });
    for (const w of this.workers.values()) w.crash();
    this.workers.clear();
    this.services.sim.cancel(this.renewTimer);
    this.conn = undefined;
    this.host.powerOff();
    for (const v of this.services.disks.all()) if (v.attachedTo === this.nodeName) v.crash({ random: this.random });
    this.nodeRoot?.crash({ random: this.random });
    this.usedIps.clear();
  }

  /** The worker of a pod on this node, if it runs here. */
  worker(namespace: string, name: string): PodWorker | undefined {
    for (const w of this.workers.values()) if (w.pod.metadata.namespace === namespace && w.pod.metadata.name === name) return w;
    return undefined;
  }

  // ---- connection to the API server ----------------------------------------------------------

  private connect(): void {
    if (!this.alive) return;
    const sim = this.services.sim;
    const conn = this.host.connect(this.services.controlPlaneIp, API_PORT);
    this.conn = conn;
    this.lastAnswer = sim.now;
    conn.onOpen = () => conn.send({ op: "hello", node: this.nodeName } satisfies KubeletMessage);
    conn.onData = (m) => {
      this.lastAnswer = sim.now;
      this.receive(m as GatewayMessage);
    };
    conn.onClose = () => {
      if (this.conn !== conn) return;
      this.conn = undefined;
      // Reconnect after a short back-off.
      sim.schedule(1000, () => this.connect(), "kubelet:reconnect");
    };
  }

  private send(msg: KubeletMessage): void {
    this.conn?.send(msg);
  }

  private renew(): void {
    if (!this.alive) return;
    const sim = this.services.sim;
    this.renewTimer = sim.schedule(RENEW_INTERVAL_MS, () => this.renew(), "kubelet:renew");
    if (this.conn !== undefined && sim.now - this.lastAnswer > CONNECTION_DEAD_MS) {
      const dead = this.conn;
      this.conn = undefined;
      dead.destroy();
      this.connect();
      return;
    }
    this.send({ op: "renew", node: this.nodeName });
  }

  private receive(msg: GatewayMessage): void {
    if (msg.op === "renewed") return;
    if (msg.op === "sync") {
      const present = new Set(msg.pods.map((p) => p.metadata.uid!));
      for (const [uid, w] of this.workers) if (!present.has(uid)) w.update({ ...w.pod, metadata: { ...w.pod.metadata, deletionTimestamp: w.pod.metadata.deletionTimestamp ?? "1970-01-01T00:00:00Z", deletionGracePeriodSeconds: 0 } });
      for (const p of msg.pods) this.podChanged(p, false);
      return;
    }
    this.podChanged(msg.pod, msg.deleted);
  }

  private podChanged(pod: Pod, deleted: boolean): void {
    const uid = pod.metadata.uid!;
    const existing = this.workers.get(uid);
    if (deleted || pod.spec.nodeName !== this.nodeName) {
      // Removed from the API (force deletion): stop it here too, without waiting.
      if (existing !== undefined) existing.update({ ...pod, metadata: { ...pod.metadata, deletionTimestamp: pod.metadata.deletionTimestamp ?? "1970-01-01T00:00:00Z", deletionGracePeriodSeconds: 0 } });
      return;
    }
    if (existing !== undefined) {
      existing.update(pod);
      return;
    }
    const phase = pod.status?.phase;
    if (phase === "Succeeded" || phase === "Failed") return;
    const w = new PodWorker(this.podHost, pod);
    this.workers.set(uid, w);
    w.start();
  }

  private newPodHost(): PodHost {
    const s = this.services;
    return {
      sim: s.sim,
      api: s.api,
      registry: s.registry,
      nodeName: this.nodeName,
      nodeHost: this.host,
      network: s.network,
      dns: s.dns,
      nameserver: s.nameserver,
      random: this.random,
      atomicWriter: this.random.fork("atomic-writer"),
      clock: () => s.sim.epochMs() + this.clockOffsetMs,
      uptime: () => s.sim.now - this.bootedAt,
      fsyncDelay: () => this.fsyncDelayMs,
      disk: (pv) => s.disks.get(pv),
      whenAttached: (pv, fn) => s.whenAttached(pv, this.nodeName, fn),
      hostPath: (path) => {
        const root = (this.nodeRoot ??= new Volume(s.sim, `noderoot-${this.nodeName}`));
        // The runtime creates a missing hostPath directory when it bind-mounts it.
        const dir = `/${path.split("/").filter((c) => c !== "" && c !== ".").join("/")}`;
        if (!root.exists(dir)) root.mkdir(dir, { recursive: true });
        return { volume: root, subPath: dir === "/" ? "" : dir.slice(1) };
      },
      memoryBytes: () => this.capacity("memory"),
      cpus: () => this.capacity("cpu"),
      usage: () => this.usage(),
      pipeInode: pipeInodes(),
      sched: new SchedStats(() => s.sim.now, () => this.capacity("cpu")),
      devices: new NodeDevices(
        () => this.capacity("memory"),
        () => {
          let bytes = this.imageBytes + (this.nodeRoot?.bytesUsed ?? 0);
          let inodes = this.imageInodes + (this.nodeRoot?.fileInodes ?? 0);
          for (const w of this.workers.values()) {
            const u = w.nodeDiskUsage();
            bytes += u.bytes;
            inodes += u.inodes;
          }
          return { bytes, inodes };
        },
      ),
      hostPidNamespace: () => (this.hostPids ??= this.newHostPidNamespace()),
      allocateIp: () => this.allocateIp(),
      releaseIp: (ip) => this.releaseIp(ip),
      imagePresent: (image) => this.imagePresent(image),
      pull: (image, def) => this.pull(image, def),
      sendStatus: (pod, status) => this.sendStatus(pod, status),
      finalize: (pod) => this.send({ op: "finalize", namespace: pod.metadata.namespace!, name: pod.metadata.name!, uid: pod.metadata.uid! }),
      event: (pod, type, reason, message) =>
        this.send({ op: "event", namespace: pod.metadata.namespace!, name: pod.metadata.name!, uid: pod.metadata.uid!, type, reason, message }),
      forget: (uid) => this.workers.delete(uid),
      restartCount: (uid, container) => this.restartCounts.get(`${uid}/${container}`) ?? -1,
      recordRestartCount: (uid, container, n) => this.restartCounts.set(`${uid}/${container}`, n),
    };
  }

  /** What the node reports it has (status.capacity): its RAM in bytes, its CPUs. */
  private capacity(resource: "memory" | "cpu"): number {
    return quantityValue(parseQuantity(this.services.api.get<Node>("Node", undefined, this.nodeName)?.status?.capacity?.[resource] ?? "0"));
  }

  /** What every process on the node holds: its containers' and the node's own. */
  private usage(): MachineUsage {
    const tables = new Set<ProcessTable>();
    if (this.hostPids !== undefined) tables.add(this.hostPids);
    for (const w of this.workers.values()) for (const t of w.pidNamespaces()) tables.add(t);
    let residentBytes = 0;
    let tasks = 0;
    let cpuMs = 0;
    for (const t of tables) {
      const u = t.usage();
      residentBytes += u.residentBytes;
      tasks += u.tasks;
      cpuMs += u.cpuMs;
    }
    return { residentBytes, tasks, cpuMs };
  }

  private newHostPidNamespace(): ProcessTable {
    const s = this.services;
    const table = new ProcessTable({
      sim: s.sim,
      registry: s.registry,
      // Every process here is a hostPID container's, which brings its own root.
      fsFor: () => {
        throw new Error(`node ${this.nodeName}: no process runs in the node's own root`);
      },
      network: { host: this.host, resolve: (n) => s.dns.resolve(n, "default"), reverse: (ip) => s.dns.reverse(ip), nameserver: s.nameserver },
      hostname: this.nodeName,
      random: this.random.fork("host-pids"),
      name: `node/${this.nodeName}`,
      machine: this.podHost,
    });
    // Host pids for the other namespaces' processes, given in the order ps first meets them.
    const hostPid = (t: ProcessTable, pid: number): number => {
      let m = this.hostPidOf.get(t);
      if (m === undefined) this.hostPidOf.set(t, (m = new Map()));
      let hp = m.get(pid);
      if (hp === undefined) m.set(pid, (hp = table.takePid()));
      return hp;
    };
    const others = (): ProcessTable[] => {
      const seen = new Set<ProcessTable>([table]);
      for (const w of this.workers.values()) for (const t of w.pidNamespaces()) seen.add(t);
      seen.delete(table);
      return [...seen];
    };
    table.view = {
      list: (): ProcessInfo[] => {
        const all = table.list();
        for (const t of others()) {
          for (const p of t.list()) all.push({ ...p, pid: hostPid(t, p.pid), ppid: p.ppid === 0 ? 0 : hostPid(t, p.ppid) });
        }
        return all.sort((a, b) => a.pid - b.pid);
      },
      kill: (pid: number, signal: Signal): boolean => {
        if (table.get(pid) !== undefined) return table.kill(pid, signal);
        for (const t of others()) {
          for (const [local, hp] of this.hostPidOf.get(t) ?? []) if (hp === pid) return t.killFromOutside(local, signal);
        }
        return false;
      },
    };
    return table;
  }

  private sendStatus(pod: Pod, status: PodStatus): void {
    this.send({ op: "status", namespace: pod.metadata.namespace!, name: pod.metadata.name!, uid: pod.metadata.uid!, status });
  }

  /**
   * Pod IPs from the node's /24 as host-local IPAM hands them out: the next free address after
   * the last one given, wrapping around, so a re-created pod usually gets a new IP.
   */
  private allocateIp(): string {
    let n = this.lastIp;
    for (let i = 0; i < 253; i++) {
      n = n >= 254 ? 2 : n + 1;
      if (!this.usedIps.has(n)) {
        this.usedIps.add(n);
        this.lastIp = n;
        return `${this.podSubnet}.${n}`;
      }
    }
    throw new Error(`node ${this.nodeName}: no pod IPs left in ${this.podSubnet}.0/24`);
  }

  private releaseIp(ip: string): void {
    this.usedIps.delete(Number(ip.slice(ip.lastIndexOf(".") + 1)));
  }

  /** Whether the node's image cache holds this image. */
  private imagePresent(image: string): boolean {
    const { repository, tag } = parseImageRef(image);
    return this.images.has(`${repository}:${tag}`);
  }

  /**
   * An image pull as the kubelet does it with serialized pulls: one at a time per node. Pull
   * time is a registry round trip plus the image's size over the node's bandwidth. Resolves with
   * the total time including the wait for earlier pulls.
   */
  private *pull(image: string, def: ImageDefinition | undefined): Proc<{ ms: number; waitedMs: number } | { error: string }> {
    const sim = this.services.sim;
    const { repository, tag } = parseImageRef(image);
    const previous = this.pullChain;
    const mine = new Future<void>();
    this.pullChain = mine;
    const queued = sim.now;
    yield* wait(previous);
    const start = sim.now;
    try {
      if (def === undefined) {
        yield* wait(sleep(sim, Math.round(this.random.logNormal(800, 0.3))));
        const ref = referenceName(image);
        return { error: `rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found` };
      }
      const cached = this.images.has(`${repository}:${tag}`);
      const bandwidth = this.random.logNormal(20e6, 0.4);
      const ms = Math.round(this.random.logNormal(700, 0.3) + (cached ? 0 : (def.sizeBytes / bandwidth) * 1000));
      yield* wait(sleep(sim, ms));
      if (!cached) {
        this.imageBytes += def.sizeBytes;
        this.imageInodes += def.layer.entryCount;
      }
      this.images.add(`${repository}:${tag}`);
      return { ms: sim.now - start, waitedMs: sim.now - queued };
    } finally {
      mine.resolve();
    }
  }
}

function resolved(): Future<void> {
  const f = new Future<void>();
  f.resolve();
  return f;
}

/** The fully qualified reference containerd reports (`docker.io/library/busybox:1.28`). */
export function referenceName(image: string): string {
  const { repository, tag } = parseImageRef(image);
  const first = repository.split("/")[0]!;
  const qualified = repository.includes("/") && (first.includes(".") || first.includes(":")) ? repository : repository.includes("/") ? `docker.io/${repository}` : `docker.io/library/${repository}`;
  return `${qualified}:${tag}`;
}
