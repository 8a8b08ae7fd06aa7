import { decodeText, Future, Task, Volume, sleep, wait, type Host, type Network, type Proc, type Random, type Sim, type Timer } from "@ksim/sim";
import { fnv1a_32 } from "../api/gojson.js";
import type { ApiServer } from "../api/server.js";
import { rfc3339 } from "../api/time.js";
import type { Container, ContainerState, EphemeralContainer, LifecycleHandler, Pod, PodCondition, PodStatus } from "../api/types.js";
import type { ClusterDns } from "../network/dns.js";
import type { ImageDefinition, ImageRegistry } from "../runtime/image.js";
import { LayeredFs, type Mount } from "../runtime/layered-fs.js";
import { ProcessTable, SpawnError, type Machine, type MachineUsage } from "../runtime/process.js";
import { StringSink } from "../runtime/streams.js";
import { ContainerInstance, type ContainerLog } from "./container.js";
import { PAUSE_USER, pauseLayer } from "./pause.js";
import { containerEnv, ContainerConfigError, expand } from "./env.js";
import { ProbeWorker, runProbe } from "./probes.js";
import { podQOSClass } from "../api/defaults.js";
import { parseQuantity, quantityValue } from "../api/quantity.js";
import { KUBELET_CONDITIONS, podPhase, setCondition, toContainerStatus, type ContainerView } from "./status.js";
import type { NodeDevices } from "./devices.js";
import { atomicWrite, pinSubPath, prepareVolume, projectedSource, resolveSubPath, type PreparedVolume } from "./volumes.js";
import { messageBudget, terminationMessage } from "./termination-message.js";
import { parseGroup, parsePasswd } from "../userland/users.js";

const BACKOFF_INITIAL_MS = 10_000;
const BACKOFF_MAX_MS = 300_000;
/** The pod lifecycle event generator relists containers every second. */
const PLEG_RELIST_MS = 1000;
/** A pod whose sync failed is synced again after this, plus up to half again (podWorkers' backOffPeriod, jittered). */
const WORKER_BACKOFF_MS = 10_000;
/** The kubelet's syncFrequency: every pod is synced this often, jittered by up to half again. */
const SYNC_FREQUENCY_MS = 60_000;
/**
 * Waiting reasons of a container that was never created (its image could not be had, or its
 * config names a missing Secret or ConfigMap): retried at the next sync, not crash-looped, as
 * the restart back-off applies only to containers that ran and exited.
 */
const NEVER_CREATED = new Set(["ErrImagePull", "ImagePullBackOff", "ErrImageNeverPull", "CreateContainerConfigError"]);

/** The node as its pods need it: the machine their processes run on, and the kubelet's services. */
export interface PodHost extends Machine {
  readonly sim: Sim;
  readonly api: ApiServer;
  readonly registry: ImageRegistry;
  readonly nodeName: string;
  readonly nodeHost: Host;
  readonly network: Network;
  readonly dns: ClusterDns;
  readonly nameserver: string;
  readonly random: Random;
  /** The node's stream for the numbers os.MkdirTemp adds to the atomic writer's directories. */
  readonly atomicWriter: Random;
  disk(pv: string): Volume | undefined;
  whenAttached(pv: string, fn: () => void): void;
  /** The node's PID namespace, for hostPID pods. */
  hostPidNamespace(): ProcessTable;
  /** A hostPath volume: the node root's volume and the directory in it. */
  hostPath(path: string): { volume: Volume; subPath: string };
  /** The filesystems the node's containers see in their mount tables. */
  readonly devices: NodeDevices;
  allocateIp(): string;
  releaseIp(ip: string): void;
  imagePresent(image: string): boolean;
  /** Pulls an image: the pull's own time and the time including the queue, or an error. */
  pull(image: string, definition: ImageDefinition | undefined): Proc<{ ms: number; waitedMs: number } | { error: string }>;
  /** Restarts recorded for a container of a pod before a reboot (-1 if none). */
  restartCount(uid: string, container: string): number;
  recordRestartCount(uid: string, container: string, count: number): void;
  sendStatus(pod: Pod, status: PodStatus): void;
  finalize(pod: Pod): void;
  event(pod: Pod, type: "Normal" | "Warning", reason: string, message: string): void;
  forget(uid: string): void;
}

interface ContainerRecord {
  readonly spec: Container;
  readonly init: boolean;
  /** Added to the running pod (kubectl debug): started once, never restarted, never probed. */
  readonly ephemeral: boolean;
  instance: ContainerInstance | undefined;
  previous: ContainerInstance | undefined;
  restartCount: number;
  waiting: { reason: string; message?: string } | undefined;
  lastTerminated: ContainerState["terminated"] | undefined;
  terminated: ContainerState["terminated"] | undefined;
  ready: boolean;
  started: boolean;
  everStarted: boolean;
  imageID: string;
  probes: ProbeWorker[];
  backoffMs: number;
  backoffUpdated: number;
  /** The image puller's back-off for this container's image: its period, and when it ends. */
  pullBackoffMs: number;
  pullRetryAt: number;
  /** Set while the kubelet itself is stopping the container (liveness failure, deletion). */
  killing: boolean;
}

function containerRecord(spec: Container, kind: "init" | "regular" | "ephemeral", waiting: string): ContainerRecord {
  return {
    spec,
    init: kind === "init",
    ephemeral: kind === "ephemeral",
    instance: undefined,
    previous: undefined,
    restartCount: 0,
    waiting: { reason: waiting },
    lastTerminated: undefined,
    terminated: undefined,
    ready: false,
    started: false,
    everStarted: false,
    imageID: "",
    probes: [],
    backoffMs: 0,
    backoffUpdated: 0,
    pullBackoffMs: 0,
    pullRetryAt: 0,
    killing: false,
  };
}

/**
 * One pod on one node, as the kubelet's pod worker and runtime manager handle it: volumes,
 * sandbox (IP, hostname, /etc/hosts), image pulls, init containers, containers with probes and
 * restart back-off, and graceful termination with preStop hooks.
 */
export class PodWorker {
  pod: Pod;
  private readonly records: ContainerRecord[];
  private startup: Task<void> | undefined;
  private ip: string | undefined;
  private podHost: Host | undefined;
  private readonly emptyDirs = new Map<string, Volume>();
  private prepared: PreparedVolume[] = [];
  private initDone = false;
  private terminating = false;
  private statusTimer: Timer | undefined;
  private resyncTimer: Timer | undefined;
  private startTime: string | undefined;
  private readonly conditions: PodCondition[];
  private etcVolume: Volume | undefined;
  /** The pod's one PID namespace when its containers share it, with the pause process as PID 1. */
  private sandboxPids: ProcessTable | undefined;
  gone = false;

  constructor(
    private readonly host: PodHost,
    pod: Pod,
  ) {
    this.pod = pod;
    this.conditions = structuredClone(pod.status?.conditions ?? []);
    const waiting = (init: boolean) => (init || (pod.spec.initContainers?.length ?? 0) === 0 ? "ContainerCreating" : "PodInitializing");
    const rec = (spec: Container, init: boolean) => containerRecord(spec, init ? "init" : "regular", waiting(init));
    this.records = [...(pod.spec.initContainers ?? []).map((c) => rec(c, true)), ...pod.spec.containers.map((c) => rec(c, false))];
    // After a reboot the kubelet finds the old containers' logs and counts on from them.
    for (const r of this.records) {
      const before = host.restartCount(pod.metadata.uid!, r.spec.name);
      if (before >= 0) r.restartCount = before + 1;
    }
    this.initDone = (pod.spec.initContainers?.length ?? 0) === 0;
  }

  get uid(): string {
    return this.pod.metadata.uid!;
  }

  /** Starts the worker: a first status report, then the startup sequence. */
  start(): void {
    this.startTime = this.now();
    if (this.pod.metadata.deletionTimestamp !== undefined) {
      this.terminate();
      return;
    }
    this.reportNow();
    this.startup = new Task(this.host.sim, this.run(), `pod:${this.pod.metadata.name}`);
  }

  /** A newer version of the pod arrived from the API server. */
  update(pod: Pod): void {
    this.pod = pod;
    if (pod.metadata.deletionTimestamp !== undefined && !this.terminating) this.terminate();
    else if (this.podHost !== undefined) this.startEphemeralContainers();
  }

  /**
   * SyncPod's step 5: ephemeral containers added to the spec are started as soon as the sandbox
   * exists, before (and whatever becomes of) the init containers; each runs once.
   */
  private startEphemeralContainers(): void {
    if (this.terminating || this.gone) return;
    for (const spec of this.pod.spec.ephemeralContainers ?? []) {
      if (this.records.some((r) => r.ephemeral && r.spec.name === spec.name)) continue;
      const r = containerRecord(spec, "ephemeral", "ContainerCreating");
      this.records.push(r);
      this.report();
      new Task(this.host.sim, this.runEphemeral(r), `ephemeral:${this.pod.metadata.name}/${spec.name}`);
    }
  }

  /** The node died: everything stops at once, nothing is reported. */
  crash(): void {
    this.gone = true;
    this.startup?.kill();
    for (const r of this.records) {
      for (const p of r.probes) p.stop();
      r.instance?.killAll();
    }
    this.sandboxPids?.killAll();
    this.host.sim.cancel(this.statusTimer);
    this.host.sim.cancel(this.resyncTimer);
    // A host-network pod's namespace is the node's, which the node's crash takes down itself.
    if (!this.pod.spec.hostNetwork) this.podHost?.powerOff();
  }

  /** Container names and their current and previous logs, for kubectl logs. */
  logs(container: string, previous: boolean): ContainerLog | undefined {
    const r = this.records.find((x) => x.spec.name === container);
    return (previous ? r?.previous : (r?.instance ?? r?.previous))?.log;
  }

  /** What the pod keeps on the node's disk: its emptyDirs and its containers' writable layers. */
  nodeDiskUsage(): { bytes: number; inodes: number } {
    let bytes = 0;
    let inodes = 0;
    for (const v of this.pod.spec.volumes ?? []) {
      if (v.emptyDir === undefined || v.emptyDir.medium === "Memory") continue;
      const d = this.emptyDirs.get(v.name);
      bytes += d?.bytesUsed ?? 0;
      inodes += d?.fileInodes ?? 0;
    }
    for (const r of this.records) {
      bytes += r.instance?.fs.upperBytes ?? 0;
      inodes += r.instance?.fs.upperInodes ?? 0;
    }
    return { bytes, inodes };
  }

  /** The PID namespaces this pod's processes live in (each once). */
  pidNamespaces(): ProcessTable[] {
    const tables = new Set<ProcessTable>();
    if (this.sandboxPids !== undefined) tables.add(this.sandboxPids);
    for (const r of this.records) if (r.instance?.running) tables.add(r.instance.processes);
    return [...tables];
  }

  /**
   * What each running container has used, as cAdvisor reports it per cgroup. Containers that
   * share a PID namespace (shareProcessNamespace, a debug container's target) are counted under
   * the first of them, as ksim does not track which of them started each process.
   */
  containerUsage(): { container: string; startedAtMs: number; usage: MachineUsage }[] {
    const counted = new Set<ProcessTable>();
    const out: { container: string; startedAtMs: number; usage: MachineUsage }[] = [];
    for (const r of this.records) {
      if (r.init || !r.instance?.running) continue;
      const table = r.instance.processes;
      const usage = counted.has(table) ? { residentBytes: 0, tasks: 0, cpuMs: 0 } : table.usage();
      counted.add(table);
      out.push({ container: r.spec.name, startedAtMs: r.instance.startedAt, usage });
    }
    return out;
  }

  /** The running instance of a container (kubectl exec). */
  instance(container: string): ContainerInstance | undefined {
    const r = this.records.find((x) => x.spec.name === container && !x.init);
    return r?.instance?.running ? r.instance : undefined;
  }

  /** Starts an ephemeral container, retrying only while it could not be created (its image, its config). */
  private *runEphemeral(r: ContainerRecord): Proc<void> {
    while (!(yield* this.startContainer(r)) && !this.terminating && !this.gone && r.waiting !== undefined && NEVER_CREATED.has(r.waiting.reason)) {
      yield* this.waitBeforeRetry(r);
    }
  }

  // ---- startup ------------------------------------------------------------------------------

  private *run(): Proc<void> {
    const sim = this.host.sim;
    yield* this.mountVolumes();
    this.scheduleVolumeResync();
    // Sandbox: the pause container and CNI give the pod its network namespace and IP.
    yield* wait(sleep(sim, Math.round(this.host.random.logNormal(600, 0.3))));
    this.createSandbox();
    setCondition(this.conditions, "PodReadyToStartContainers", "True", this.now());
    this.startEphemeralContainers();
    for (const r of this.records.filter((x) => x.init)) {
      for (;;) {
        const ok = yield* this.startContainer(r);
        if (!ok) {
          yield* this.waitBeforeRetry(r);
          continue;
        }
        const code = yield* wait(r.instance!.exited);
        if (code === 0) break;
        if ((this.pod.spec.restartPolicy ?? "Always") === "Never") {
          this.report();
          return;
        }
        yield* this.waitBackoff(r);
      }
    }
    if (!this.initDone) {
      this.initDone = true;
      for (const r of this.records.filter((x) => !x.init)) if (r.waiting?.reason === "PodInitializing") r.waiting = { reason: "ContainerCreating" };
      this.report();
    }
    setCondition(this.conditions, "Initialized", "True", this.now());
    for (const r of this.records.filter((x) => !x.init && !x.ephemeral)) {
      const ok = yield* this.startContainer(r);
      if (!ok) this.scheduleRestart(r);
    }
  }

  /**
   * The kubelet's periodic pod sync brings ConfigMap and Secret volumes up to date, so a change
   * reaches the pod's files a minute or so later; a subPath mount holds the file it resolved to
   * when the container started, and never sees one.
   */
  private scheduleVolumeResync(): void {
    const sources = (this.pod.spec.volumes ?? []).filter((v) => v.configMap !== undefined || v.secret !== undefined);
    if (sources.length === 0) return;
    const jitter = this.host.random.fork(`resync/${this.uid}`);
    const next = () => {
      this.resyncTimer = this.host.sim.schedule(Math.round(SYNC_FREQUENCY_MS * (1 + 0.5 * jitter.float())), () => {
        if (this.terminating || this.gone) return;
        for (const v of sources) {
          const p = this.prepared.find((x) => x.name === v.name);
          const source = projectedSource(this.host.api, this.pod.metadata.namespace!, v);
          // A source deleted since is only logged by the kubelet: the files stay as they were.
          if (p !== undefined && source !== undefined && "files" in source) atomicWrite(this.host.sim, p.volume, source.files, this.host.atomicWriter);
        }
        next();
      }, "volume-resync");
    };
    next();
  }

  private *mountVolumes(): Proc<void> {
    const sim = this.host.sim;
    let warnedAt = -1;
    for (;;) {
      const ready: PreparedVolume[] = [];
      const waits: string[] = [];
      let message = "";
      for (const v of this.pod.spec.volumes ?? []) {
        const r = prepareVolume(sim, this.host.api, this.pod, v, { name: this.host.nodeName, hostPath: (p) => this.host.hostPath(p), devices: this.host.devices }, (pv) => this.host.disk(pv), this.emptyDirs, this.host.atomicWriter);
        if (!("kind" in r)) ready.push(r);
        else {
          waits.push(v.name);
          if (r.kind === "attach") this.host.whenAttached(r.pv, () => undefined);
          if (r.kind === "missing-source") message = r.message;
          if (r.kind === "claim-missing") message = `persistentvolumeclaim "${r.claim}" not found`;
        }
      }
      if (waits.length === 0) {
        this.prepared = ready;
        break;
      }
      if (message !== "" && warnedAt < 0) {
        this.host.event(this.pod, "Warning", "FailedMount", message);
        warnedAt = sim.now;
      } else if (warnedAt >= 0 && sim.now - warnedAt >= 120_000) {
        this.host.event(this.pod, "Warning", "FailedMount", `Unable to attach or mount volumes: unmounted volumes=[${waits.join(" ")}], unattached volumes=[${waits.join(" ")}], failed to process volumes=[]: timed out waiting for the condition`);
        warnedAt = sim.now;
      } else if (warnedAt < 0 && message === "") warnedAt = sim.now;
      // The volume manager's reconciler runs every 100 ms; a second is close enough for mounts.
      yield* wait(sleep(sim, 500));
    }
    const fsGroup = this.pod.spec.securityContext?.fsGroup;
    if (fsGroup !== undefined) {
      for (const p of this.prepared) {
        const v = (this.pod.spec.volumes ?? []).find((x) => x.name === p.name);
        if (v?.persistentVolumeClaim || v?.emptyDir) p.volume.applyFsGroup(fsGroup);
      }
    }
  }

  private createSandbox(): void {
    const h = this.host;
    if (this.pod.spec.hostNetwork) {
      // The node's own network namespace: its address, its ports, its hostname.
      this.ip = h.nodeHost.ip;
      this.podHost = h.nodeHost;
    } else {
      this.ip = h.allocateIp();
      this.podHost = h.network.addHost(`${this.pod.metadata.namespace}/${this.pod.metadata.name}`, this.ip);
      this.podHost.router = h.nodeHost;
    }
    const hostname = this.hostname();
    const fqdn = this.fqdn();
    const etc = new Volume(h.sim, `etc-${this.uid}`);
    this.etcVolume = etc;
    const hosts =
      "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n" +
      (fqdn ? `${this.ip}\t${fqdn}\t${hostname}\n` : `${this.ip}\t${hostname}\n`);
    etc.writeFile("/hosts", hosts);
    etc.writeFile("/resolv.conf", `search ${this.pod.metadata.namespace}.svc.cluster.local svc.cluster.local cluster.local\nnameserver ${h.nameserver}\noptions ndots:5\n`);
    etc.writeFile("/hostname", `${hostname}\n`);
    if (this.pod.spec.shareProcessNamespace) {
      const name = `${this.pod.metadata.namespace}/${this.pod.metadata.name}/POD`;
      const fs = new LayeredFs(h.sim, pauseLayer(h.sim.startEpochMs), `${name}-pause`);
      this.sandboxPids = new ProcessTable({
        sim: h.sim,
        registry: h.registry,
        fsFor: (cred, pid, umask, fileSizeLimit) => fs.view(cred, pid, umask, fileSizeLimit),
        network: this.networkNamespace(),
        hostname,
        random: h.random.fork(`sandbox/${this.uid}`),
        name,
        machine: h,
      }, true);
      this.sandboxPids.spawn(["/pause"], { cred: PAUSE_USER });
    }
  }

  /** The pod's network namespace as its processes see it: its host, resolver and nameserver. */
  private networkNamespace() {
    const h = this.host;
    return { host: this.podHost!, resolve: (n: string) => this.resolveName(n), reverse: (ip: string) => h.dns.reverse(ip), nameserver: h.nameserver };
  }

  /**
   * The container's volumeMounts. A subPath is resolved inside its volume first, links and all,
   * as the kubelet does before bind-mounting it: the mount holds that file or directory, so it
   * does not see a ConfigMap's later updates, and a link out of the volume is refused. One that
   * is not there is made a directory.
   */
  private volumeMounts(spec: Container): Mount[] {
    const mounts: Mount[] = [];
    for (const vm of spec.volumeMounts ?? []) {
      const p = this.prepared.find((x) => x.name === vm.name);
      if (p === undefined) continue;
      let volume = p.volume;
      let subPath = [p.subPath, vm.subPath].filter((x) => x).join("/");
      let deviceRoot = p.deviceRoot;
      if (vm.subPath) {
        const base = p.subPath ?? "";
        const inside = resolveSubPath(p.volume, vm.subPath, base);
        if (inside === undefined) throw new ContainerConfigError(`failed to prepare subPath for volumeMount "${vm.name}" of container "${spec.name}"`);
        // A missing subPath is made a directory (SafeMakeDir), even for a ConfigMap key that does not exist.
        if (!p.volume.exists(`/${inside}`)) p.volume.mkdir(`/${inside}`, { recursive: true, mode: 0o755 });
        subPath = inside;
        deviceRoot = `${p.deviceRoot.replace(/\/$/, "")}/${inside.slice(base.length).replace(/^\//, "")}`;
        const source = this.pod.spec.volumes?.find((v) => v.name === vm.name);
        if (source?.configMap !== undefined || source?.secret !== undefined) ({ volume, subPath } = pinSubPath(this.host.sim, p.volume, inside));
      }
      mounts.push({ path: vm.mountPath, volume, subPath, readOnly: vm.readOnly ?? p.readOnly, device: p.device, deviceRoot });
    }
    return mounts;
  }

  /**
   * The file the kubelet makes for a container's termination message, new for each run of it, and
   * bind-mounts at terminationMessagePath. It is world-writable, so that a container running as
   * any user can write its message.
   */
  private terminationLog(spec: Container, restartCount: number): Mount | undefined {
    const path = spec.terminationMessagePath;
    if (path === undefined || path === "") return undefined;
    const file = `containers/${spec.name}/${restartCount}`;
    this.etcVolume!.mkdir(`/containers/${spec.name}`, { recursive: true });
    this.etcVolume!.writeFile(`/${file}`, "", { mode: 0o666 });
    return { path, volume: this.etcVolume!, subPath: file, readOnly: false, device: this.host.devices.disk, deviceRoot: `/var/lib/kubelet/pods/${this.uid}/${file}` };
  }

  /**
   * The pod's resolver: its own names from the kubelet's /etc/hosts, then the cluster DNS, which
   * answers only while a CoreDNS pod is reachable (a host-network pod uses the node's resolver).
   */
  private resolveName(name: string): string[] {
    const bare = name.endsWith(".") ? name.slice(0, -1) : name;
    if (this.ip !== undefined && (bare === this.hostname() || bare === this.fqdn())) return [this.ip];
    const h = this.host;
    if (!/^\d+\.\d+\.\d+\.\d+$/.test(bare) && !this.pod.spec.hostNetwork && !h.dns.reachableFrom(this.podHost!)) return [];
    return h.dns.resolve(name, this.pod.metadata.namespace);
  }

  private fqdn(): string | undefined {
    const sub = this.pod.spec.subdomain;
    return sub ? `${this.hostname()}.${sub}.${this.pod.metadata.namespace}.svc.cluster.local` : undefined;
  }

  private hostname(): string {
    if (this.pod.spec.hostNetwork) return this.host.nodeName;
    return this.pod.spec.hostname ?? this.pod.metadata.name!;
  }

  // ---- containers ---------------------------------------------------------------------------

  /** Pull, create and start one container; false when it could not be started. */
  private *startContainer(r: ContainerRecord): Proc<boolean> {
    const h = this.host;
    const spec = r.spec;
    const imageRef = spec.image ?? "";
    const def = h.registry.resolveImage(imageRef);
    if (r.waiting?.reason !== "CrashLoopBackOff") r.waiting = { reason: r.init || r.ephemeral || this.initDone ? "ContainerCreating" : "PodInitializing" };
    const policy = spec.imagePullPolicy ?? "IfNotPresent";
    if (policy === "Never" && !h.imagePresent(imageRef)) {
      const message = `Container image "${imageRef}" is not present with pull policy of Never`;
      h.event(this.pod, "Warning", "ErrImageNeverPull", message);
      r.waiting = { reason: "ErrImageNeverPull", message };
      this.report();
      return false;
    }
    if (policy !== "Always" && h.imagePresent(imageRef)) {
      h.event(this.pod, "Normal", "Pulled", `Container image "${imageRef}" already present on machine`);
    } else {
      if (h.clock() < r.pullRetryAt) {
        // The image manager's back-off after a failed pull: no new pull until it has passed.
        const message = `Back-off pulling image "${imageRef}"`;
        h.event(this.pod, "Normal", "BackOff", message);
        h.event(this.pod, "Warning", "Failed", "Error: ImagePullBackOff");
        r.waiting = { reason: "ImagePullBackOff", message };
        this.report();
        return false;
      }
      h.event(this.pod, "Normal", "Pulling", `Pulling image "${imageRef}"`);
      const pulled = yield* h.pull(imageRef, def);
      if (this.terminating) return false;
      if ("error" in pulled || def === undefined) {
        const err = "error" in pulled ? pulled.error : `image ${imageRef} not found`;
        h.event(this.pod, "Warning", "Failed", `Failed to pull image "${imageRef}": ${err}`);
        h.event(this.pod, "Warning", "Failed", "Error: ErrImagePull");
        r.waiting = { reason: "ErrImagePull", message: err };
        r.pullBackoffMs = r.pullBackoffMs === 0 ? BACKOFF_INITIAL_MS : Math.min(r.pullBackoffMs * 2, BACKOFF_MAX_MS);
        r.pullRetryAt = h.clock() + r.pullBackoffMs;
        this.report();
        return false;
      }
      h.event(this.pod, "Normal", "Pulled", `Successfully pulled image "${imageRef}" in ${goDuration(pulled.ms)} (${goDuration(pulled.waitedMs)} including waiting). Image size: ${def.sizeBytes} bytes.`);
    }
    if (def === undefined) return false;
    r.imageID = imageId(imageRef);
    let env: Map<string, string>;
    let volumeMounts: Mount[];
    try {
      // The kubelet resolves status.podIP/hostIP from the sandbox, not from the (possibly stale)
      // API status: the first container starts before the IP is ever reported.
      const ips = { podIP: this.ip, podIPs: this.ip === undefined ? undefined : [{ ip: this.ip }], hostIP: this.host.nodeHost.ip };
      const pod = { ...this.pod, status: { ...this.pod.status, ...ips } };
      // containerd sets TERM for a terminal before the image's variables, which may replace it.
      const term: Record<string, string> = spec.tty === true ? { TERM: "xterm" } : {};
      env = containerEnv(h.api, pod, spec, Object.assign(term, def.env, { HOSTNAME: this.hostname() }));
      volumeMounts = this.volumeMounts(spec);
    } catch (e) {
      if (!(e instanceof ContainerConfigError)) throw e;
      h.event(this.pod, "Warning", "Failed", `Error: ${e.message}`);
      r.waiting = { reason: "CreateContainerConfigError", message: e.message };
      this.report();
      return false;
    }
    const vars = new Map([...env].filter(([k]) => (spec.env ?? []).some((e) => e.name === k)));
    const command = spec.command?.map((c) => expand(c, vars)) ?? [...(def.entrypoint ?? [])];
    const args = spec.args?.map((a) => expand(a, vars)) ?? (spec.command === undefined ? [...(def.cmd ?? [])] : []);
    const argv = [...command, ...args];
    const psc = this.pod.spec.securityContext ?? {};
    const csc = spec.securityContext ?? {};
    const uid = csc.runAsUser ?? psc.runAsUser ?? def.user ?? 0;
    const image = imageUser(def, uid);
    // runc gives the process a HOME from the image's passwd when the environment has none
    // (after the others: `env` lists it last); `kubectl exec` sessions get the same environment.
    if ((env.get("HOME") ?? "") === "") env.set("HOME", image.home);
    const gid = csc.runAsGroup ?? psc.runAsGroup ?? image.gid;
    // containerd (1.6.18 and later) puts the primary group first among the supplementary ones.
    const groups = [...new Set([gid, ...image.groups, ...(psc.fsGroup !== undefined ? [psc.fsGroup] : []), ...(psc.supplementalGroups ?? [])])];
    // The kubelet's mounts (volumes, then /etc/hosts), then the files containerd adds.
    const mounts = volumeMounts;
    const etc = (file: string, path: string): Mount => ({ path, volume: this.etcVolume!, subPath: file, readOnly: false, device: h.devices.disk, deviceRoot: `/var/lib/kubelet/pods/${this.uid}/etc-${file}` });
    mounts.push(etc("hosts", "/etc/hosts"));
    const message = this.terminationLog(spec, r.restartCount);
    if (message !== undefined) mounts.push(message);
    mounts.push(etc("hostname", "/etc/hostname"), etc("resolv.conf", "/etc/resolv.conf"));
    const name = `${this.pod.metadata.namespace}/${this.pod.metadata.name}/${spec.name}`;
    const target = (spec as EphemeralContainer).targetContainerName;
    const pidNamespace =
      (target === undefined ? undefined : this.records.find((x) => !x.ephemeral && x.spec.name === target)?.instance?.processes) ??
      this.sandboxPids ??
      (this.pod.spec.hostPID ? h.hostPidNamespace() : undefined);
    const instance = new ContainerInstance(
      h.sim,
      h.registry,
      {
        name: spec.name,
        image: def,
        argv,
        env,
        cwd: spec.workingDir ?? def.workingDir ?? "/",
        cred: { uid, gid, groups },
        mounts,
        runtimeMounts: h.devices.runtimeMounts(`${this.uid}/${spec.name}/${r.restartCount}`, def),
        stdin: spec.stdin === true,
        tty: spec.tty === true,
        terminationMessagePath: spec.terminationMessagePath,
        memoryLimitBytes: memoryLimit(spec),
        cpuLimitCores: cpuLimit(spec),
      },
      this.networkNamespace(),
      this.hostname(),
      h.random.fork(`container/${this.uid}/${spec.name}/${r.restartCount}`),
      name,
      h,
      pidNamespace,
    );
    // The container runtime takes a little while to create and start the container.
    yield* wait(sleep(h.sim, Math.round(h.random.logNormal(150, 0.3))));
    if (this.terminating) return false;
    h.event(this.pod, "Normal", "Created", `Created container: ${spec.name}`);
    if (r.instance !== undefined) r.previous = r.instance;
    r.instance = instance;
    try {
      instance.start();
    } catch (e) {
      if (!(e instanceof SpawnError)) throw e;
      const message = `failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "${argv[0] ?? ""}": ${e.reason === "not found" ? "executable file not found in $PATH" : "permission denied"}: unknown`;
      h.event(this.pod, "Warning", "Failed", `Error: ${message}`);
      r.terminated = { exitCode: 128, reason: "StartError", message, startedAt: rfc3339(0), finishedAt: this.now(), containerID: `containerd://${instance.id}` };
      r.waiting = undefined;
      r.everStarted = true;
      this.report();
      return false;
    }
    h.event(this.pod, "Normal", "Started", `Started container ${spec.name}`);
    h.recordRestartCount(this.uid, spec.name, r.restartCount);
    r.waiting = undefined;
    r.terminated = undefined;
    r.everStarted = true;
    r.killing = false;
    r.started = spec.startupProbe === undefined;
    r.ready = !r.init && !r.ephemeral && spec.readinessProbe === undefined && r.started;
    instance.onExit((code) => this.containerExited(r, instance, code));
    if (spec.lifecycle?.postStart) this.runHook(r, instance, spec.lifecycle.postStart, "PostStart");
    if (!r.init && !r.ephemeral) this.startProbes(r, instance);
    this.report();
    return true;
  }

  private startProbes(r: ContainerRecord, instance: ContainerInstance): void {
    const h = this.host;
    const spec = r.spec;
    const mk = (kind: "readiness" | "liveness" | "startup", probe: NonNullable<Container["readinessProbe"]>) => {
      const w = new ProbeWorker(
        h.sim,
        kind,
        probe,
        spec,
        instance,
        this.ip!,
        h.nodeHost,
        () => kind === "startup" || r.started,
        (ok) => this.probeChanged(r, instance, kind, ok),
      );
      w.onFailure = (output) => {
        const label = kind === "readiness" ? "Readiness" : kind === "liveness" ? "Liveness" : "Startup";
        h.event(this.pod, "Warning", "Unhealthy", `${label} probe failed: ${output}`);
      };
      r.probes.push(w);
      w.start();
    };
    if (spec.startupProbe) mk("startup", spec.startupProbe);
    if (spec.readinessProbe) mk("readiness", spec.readinessProbe);
    if (spec.livenessProbe) mk("liveness", spec.livenessProbe);
  }

  private probeChanged(r: ContainerRecord, instance: ContainerInstance, kind: "readiness" | "liveness" | "startup", ok: boolean): void {
    if (r.instance !== instance || (this.terminating && kind !== "readiness")) return;
    if (kind === "readiness") {
      r.ready = ok;
      this.report();
    } else if (kind === "startup") {
      if (ok) {
        r.started = true;
        if (r.spec.readinessProbe === undefined) r.ready = true;
        this.report();
      } else this.killForProbe(r, instance, "startup");
    } else if (!ok) this.killForProbe(r, instance, "liveness");
  }

  private killForProbe(r: ContainerRecord, instance: ContainerInstance, kind: "liveness" | "startup"): void {
    const probe = kind === "liveness" ? r.spec.livenessProbe : r.spec.startupProbe;
    this.host.event(this.pod, "Normal", "Killing", `Container ${r.spec.name} failed ${kind} probe, will be restarted`);
    r.ready = false;
    this.report();
    const grace = probe?.terminationGracePeriodSeconds ?? this.pod.spec.terminationGracePeriodSeconds ?? 30;
    this.stopContainer(r, instance, grace);
  }

  private containerExited(r: ContainerRecord, instance: ContainerInstance, code: number): void {
    for (const p of r.probes) p.stop();
    r.probes = [];
    r.ready = false;
    r.started = false;
    const message = terminationMessage(r.spec, instance, code, messageBudget(this.pod));
    r.terminated = {
      exitCode: code,
      reason: instance.oomKilled ? "OOMKilled" : code === 0 ? "Completed" : "Error",
      ...(message === undefined ? {} : { message }),
      startedAt: rfc3339(instance.startedAt),
      finishedAt: rfc3339(instance.finishedAt),
      containerID: `containerd://${instance.id}`,
    };
    this.host.sim.trace.record("container.exit", { pod: `${this.pod.metadata.namespace}/${this.pod.metadata.name}`, container: r.spec.name, code });
    if (this.terminating || this.gone) {
      this.report();
      return;
    }
    // The exit is noticed at the next PLEG relist.
    this.host.sim.schedule(Math.round(this.host.random.float() * PLEG_RELIST_MS), () => {
      if (this.terminating || this.gone) return;
      this.report();
      if (r.init || r.ephemeral) return;
      const policy = this.pod.spec.restartPolicy ?? "Always";
      if (policy === "Always" || (policy === "OnFailure" && code !== 0)) this.scheduleRestart(r);
    }, "pleg");
  }

  /** Restarts a container, waiting out the back-off if it crashed recently (CrashLoopBackOff). */
  private scheduleRestart(r: ContainerRecord): void {
    new Task(this.host.sim, (function* (self: PodWorker): Proc<void> {
      yield* self.waitBeforeRetry(r);
      if (self.terminating || self.gone) return;
      if (r.instance !== undefined) {
        r.lastTerminated = r.terminated;
        r.restartCount++;
      }
      const ok = yield* self.startContainer(r);
      if (!ok && !self.terminating && !self.gone) self.scheduleRestart(r);
    })(this), `restart:${this.pod.metadata.name}`);
  }

  /**
   * Before trying a container again: a container that was never created (no image, a missing
   * Secret) is retried at the pod worker's next sync (10–15 s); one that ran and stopped waits
   * out the restart back-off.
   */
  private *waitBeforeRetry(r: ContainerRecord): Proc<void> {
    if (r.waiting === undefined || !NEVER_CREATED.has(r.waiting.reason)) return yield* this.waitBackoff(r);
    yield* wait(sleep(this.host.sim, Math.round(WORKER_BACKOFF_MS * (1 + 0.5 * this.host.random.float()))));
  }

  /**
   * The kubelet's restart back-off: the first restart is immediate; each further one within
   * the back-off window waits 10 s, doubling up to 5 min; ten quiet minutes reset it.
   */
  private *waitBackoff(r: ContainerRecord): Proc<void> {
    const sim = this.host.sim;
    const now = sim.epochMs();
    const finished = r.instance?.finishedAt ?? now;
    if (r.backoffMs > 0 && finished - r.backoffUpdated > 2 * BACKOFF_MAX_MS) r.backoffMs = 0;
    if (r.backoffMs > 0 && now - finished < r.backoffMs) {
      const wait_ = r.backoffMs - (now - finished);
      const label = goDuration(r.backoffMs);
      r.waiting = { reason: "CrashLoopBackOff", message: `back-off ${label} restarting failed container=${r.spec.name} pod=${this.pod.metadata.name}_${this.pod.metadata.namespace}(${this.uid})` };
      this.host.event(this.pod, "Warning", "BackOff", `Back-off restarting failed container ${r.spec.name} in pod ${this.pod.metadata.name}_${this.pod.metadata.namespace}(${this.uid})`);
      this.report();
      yield* wait(sleep(sim, wait_));
    }
    r.backoffMs = r.backoffMs === 0 ? BACKOFF_INITIAL_MS : Math.min(r.backoffMs * 2, BACKOFF_MAX_MS);
    r.backoffUpdated = sim.epochMs();
  }

  private runHook(r: ContainerRecord, instance: ContainerInstance, hook: LifecycleHandler, what: "PreStop" | "PostStart"): Future<void> {
    const done = new Future<void>();
    if (hook.exec?.command) {
      try {
        const out = new StringSink();
        const p = instance.exec(hook.exec.command, { stdout: out, stderr: out });
        p.exited.subscribe((code) => {
          if (code !== 0) {
            this.host.event(this.pod, "Warning", `Failed${what}Hook`, `${what}Hook failed`);
          }
          done.resolve();
        });
      } catch (e) {
        if (!(e instanceof SpawnError)) throw e;
        this.host.event(this.pod, "Warning", `Failed${what}Hook`, `${what}Hook failed`);
        done.resolve();
      }
    } else if (hook.sleep) {
      this.host.sim.schedule(hook.sleep.seconds * 1000, () => done.resolve(), "hook-sleep");
    } else if (hook.httpGet || hook.tcpSocket) {
      runProbe(this.host.sim, { httpGet: hook.httpGet, tcpSocket: hook.tcpSocket, timeoutSeconds: 30 }, r.spec, instance, this.ip!, this.host.nodeHost, () => done.resolve());
    } else done.resolve();
    return done;
  }

  /** preStop, then SIGTERM (or the image's STOPSIGNAL), then SIGKILL when the grace period runs out (at least 2 s after it). */
  private stopContainer(r: ContainerRecord, instance: ContainerInstance, graceSeconds: number): void {
    if (r.killing || !instance.running) return;
    r.killing = true;
    const sim = this.host.sim;
    const start = sim.now;
    const graceMs = graceSeconds * 1000;
    const term = () => {
      if (!instance.running) return;
      instance.signal(instance.spec.image.stopSignal ?? "SIGTERM");
      const left = Math.max(2000, graceMs - (sim.now - start));
      sim.schedule(left, () => {
        if (instance.running) instance.killAll();
      }, "sigkill");
    };
    const preStop = r.spec.lifecycle?.preStop;
    if (preStop && graceMs > 0) {
      const hookDone = this.runHook(r, instance, preStop, "PreStop");
      let fired = false;
      const once = () => {
        if (fired) return;
        fired = true;
        term();
      };
      hookDone.subscribe(once);
      sim.schedule(graceMs, once, "prestop-timeout");
    } else if (graceMs === 0) instance.killAll();
    else term();
  }

  // ---- termination --------------------------------------------------------------------------

  private terminate(): void {
    this.terminating = true;
    this.startup?.kill();
    const sim = this.host.sim;
    const grace = this.pod.metadata.deletionGracePeriodSeconds ?? this.pod.spec.terminationGracePeriodSeconds ?? 30;
    const running = this.records.filter((r) => r.instance?.running);
    // A graceful shutdown stops liveness and startup probing (worker.go leaves their last result a
    // success, so nothing restarts the container) and goes on probing readiness: a container stays
    // Ready until it stops or fails its readiness probe.
    for (const r of this.records) {
      r.probes = r.probes.filter((p) => {
        if (p.kind === "readiness") return true;
        p.stop();
        return false;
      });
    }
    this.report();
    for (const r of running) {
      this.host.event(this.pod, "Normal", "Killing", `Stopping container ${r.spec.name}`);
      this.stopContainer(r, r.instance!, grace);
    }
    const check = () => {
      if (this.gone) return;
      if (this.records.some((r) => r.instance?.running)) {
        sim.schedule(100, check, "terminate-wait");
        return;
      }
      this.teardown();
    };
    sim.schedule(0, check, "terminate-wait");
  }

  private teardown(): void {
    this.sandboxPids?.killAll();
    for (const r of this.records) {
      if (r.terminated === undefined && r.instance === undefined) r.waiting = r.waiting ?? { reason: "ContainerCreating" };
    }
    if (this.podHost !== undefined && !this.pod.spec.hostNetwork) {
      this.podHost.resetAll();
      this.podHost.setAddress(undefined);
      if (this.ip !== undefined) this.host.releaseIp(this.ip);
    }
    this.sendStatus();
    this.gone = true;
    this.host.finalize(this.pod);
    this.host.forget(this.uid);
  }

  // ---- status -------------------------------------------------------------------------------

  private now(): string {
    // The same instant the API server stamps, formatted once per second by it.
    return this.host.api.now();
  }

  /** Reports status soon (changes at one instant are batched into one update). */
  private report(): void {
    if (this.statusTimer !== undefined || this.gone) return;
    this.statusTimer = this.host.sim.schedule(0, () => {
      this.statusTimer = undefined;
      if (!this.gone) this.sendStatus();
    }, "status");
  }

  private reportNow(): void {
    this.sendStatus();
  }

  private sendStatus(): void {
    this.host.sendStatus(this.pod, this.status());
  }

  private views(kind: "init" | "regular" | "ephemeral"): ContainerView[] {
    return this.records.filter((r) => (r.init ? "init" : r.ephemeral ? "ephemeral" : "regular") === kind).map((r) => {
      let state: ContainerState;
      if (r.instance?.running) state = { running: { startedAt: rfc3339(r.instance.startedAt) } };
      else if (r.waiting !== undefined && !(r.terminated !== undefined && r.waiting.reason !== "CrashLoopBackOff")) state = { waiting: { ...r.waiting } };
      else if (r.terminated !== undefined) state = { terminated: { ...r.terminated } };
      else state = { waiting: { reason: "ContainerCreating" } };
      const lastState: ContainerState = r.lastTerminated !== undefined ? { terminated: { ...r.lastTerminated } } : {};
      return {
        spec: r.spec,
        image: r.spec.image ?? "",
        imageID: r.imageID,
        containerID: r.instance?.id,
        state,
        lastState,
        ready: r.ready,
        started: r.ephemeral ? undefined : r.started && state.running !== undefined,
        restartCount: r.restartCount,
        everStarted: r.everStarted,
      };
    });
  }

  private status(): PodStatus {
    const now = this.now();
    const views = this.views("regular");
    const initViews = this.views("init");
    const conditions = this.conditions;
    if (!conditions.some((c) => c.type === "PodReadyToStartContainers")) setCondition(conditions, "PodReadyToStartContainers", this.ip !== undefined ? "True" : "False", now);
    if (this.initDone) setCondition(conditions, "Initialized", "True", now);
    else {
      const pending = initViews.filter((v) => v.state.terminated?.exitCode !== 0).map((v) => v.spec.name);
      setCondition(conditions, "Initialized", "False", now, "ContainersNotInitialized", `containers with incomplete status: [${pending.join(" ")}]`);
    }
    const unready = views.filter((v) => !v.ready).map((v) => v.spec.name);
    if (unready.length === 0) {
      setCondition(conditions, "Ready", "True", now);
      setCondition(conditions, "ContainersReady", "True", now);
    } else {
      const message = `containers with unready status: [${unready.join(" ")}]`;
      setCondition(conditions, "Ready", "False", now, "ContainersNotReady", message);
      setCondition(conditions, "ContainersReady", "False", now, "ContainersNotReady", message);
    }
    const scheduled = this.pod.status?.conditions?.find((c) => c.type === "PodScheduled");
    const merged = [...conditions.filter((c) => c.type !== "PodScheduled"), ...(scheduled ? [scheduled] : [])];
    merged.sort((a, b) => KUBELET_CONDITIONS.indexOf(a.type) - KUBELET_CONDITIONS.indexOf(b.type));
    const status: PodStatus = {
      phase: podPhase(this.pod, views, this.initDone),
      conditions: merged,
      hostIP: this.host.nodeHost.ip,
      hostIPs: [{ ip: this.host.nodeHost.ip! }],
      startTime: this.startTime,
      containerStatuses: views.map(toContainerStatus),
      qosClass: podQOSClass(this.pod.spec),
    };
    if (this.ip !== undefined) {
      status.podIP = this.ip;
      status.podIPs = [{ ip: this.ip }];
    }
    if (initViews.length > 0) status.initContainerStatuses = initViews.map(toContainerStatus);
    const ephemeralViews = this.views("ephemeral");
    if (ephemeralViews.length > 0) status.ephemeralContainerStatuses = ephemeralViews.map(toContainerStatus);
    return status;
  }
}

/** limits.memory in bytes (validation has refused what does not parse). */
function cpuLimit(spec: Container): number | undefined {
  const limit = spec.resources?.limits?.cpu;
  return limit === undefined ? undefined : quantityValue(parseQuantity(limit));
}

function memoryLimit(spec: Container): number | undefined {
  const limit = spec.resources?.limits?.memory;
  return limit === undefined ? undefined : quantityValue(parseQuantity(limit));
}

/** Go's time.Duration.String for millisecond durations: `812ms`, `8.345s`, `2m40s`, `5m0s`. */
export function goDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const totalSeconds = ms / 1000;
  if (totalSeconds < 60) return `${trimZeros(totalSeconds.toFixed(3))}s`;
  const minutes = Math.floor(totalSeconds / 60);
  const rest = trimZeros((totalSeconds - minutes * 60).toFixed(3));
  if (minutes < 60) return `${minutes}m${rest}s`;
  return `${Math.floor(minutes / 60)}h${minutes % 60}m${rest}s`;
}

function trimZeros(s: string): string {
  return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
}

// Asked at every container start; eight FNV rounds each time otherwise.
const imageIds = new Map<string, string>();

/** A digest-pinned image ID as containerd reports it, stable per image reference. */
function imageId(ref: string): string {
  let id = imageIds.get(ref);
  if (id === undefined) imageIds.set(ref, (id = digestImageId(ref)));
  return id;
}

function digestImageId(ref: string): string {
  const repo = ref.replace(/:[^/:@]+$/, "").replace(/@.*$/, "");
  const full = repo.includes("/") ? (repo.split("/")[0]!.includes(".") ? repo : `docker.io/${repo}`) : `docker.io/library/${repo}`;
  let hex = "";
  for (let round = 0; round < 8; round++) hex += fnv1a_32(`${ref}#${round}`).toString(16).padStart(8, "0");
  return `${full}@sha256:${hex}`;
}

/**
 * containerd's WithUserID and WithAdditionalGIDs: a uid's primary group is its entry's in the
 * image's /etc/passwd (0 without one), and the groups that list its name in /etc/group are added.
 */
function imageUser(image: ImageDefinition, uid: number): ImageUser {
  let byUid = imageUsers.get(image);
  if (byUid === undefined) imageUsers.set(image, (byUid = new Map()));
  let found = byUid.get(uid);
  if (found === undefined) byUid.set(uid, (found = readImageUser(image, uid)));
  return found;
}

/** Images' users, read once per image and uid: a container starts far more often than its image changes (never). */
const imageUsers = new WeakMap<ImageDefinition, Map<number, ImageUser>>();

/** What runc takes from the image's passwd and group files for the user a container runs as. */
interface ImageUser {
  readonly gid: number;
  readonly groups: readonly number[];
  /** runc's HOME when the environment has none: the passwd entry's, or / for a uid it lacks. */
  readonly home: string;
}

function readImageUser(image: ImageDefinition, uid: number): ImageUser {
  const text = (path: string) => {
    const e = image.layer.lookup(path);
    return e?.type === "file" ? decodeText(e.data) : "";
  };
  const user = parsePasswd(text("/etc/passwd")).find((u) => u.uid === uid);
  if (user === undefined) return { gid: 0, groups: [], home: "/" };
  return { gid: user.gid, home: user.home, groups: parseGroup(text("/etc/group")).flatMap((g) => (g.name !== user.name && g.members.includes(user.name) ? [g.gid] : [])) };
}
