import { PAUSE_PROGRAM, pauseProgram } from "./kubelet/pause.js";
import { Network, Sim, type Trace } from "@ksim/sim";
import { EventRecorder } from "./api/events.js";
import { completeServiceAddresses } from "./api/defaults.js";
import { ApiServer } from "./api/server.js";
import { forbidden } from "./api/errors.js";
import { compareQuantity, parseQuantity } from "./api/quantity.js";
import { createAdmission } from "./api/validation.js";
import { systemAddons } from "./addons.js";
import { bootstrapClusterRoleBindings, bootstrapClusterRoles } from "./api/bootstrap-policy.js";
import { ClusterRoleAggregationController } from "./controllers/clusterrole-aggregation.js";
import { HorizontalPodAutoscalerController } from "./controllers/horizontal-pod-autoscaler.js";
import { KUBERNETES_VERSION } from "./version.js";
import type { DaemonSet, Deployment, EndpointSlice, Endpoints, KubeObject, Namespace, Node, PersistentVolume, PersistentVolumeClaim, Pod, Service, StorageClass } from "./api/types.js";
import type { ControllerContext } from "./controllers/context.js";
import { DaemonSetController } from "./controllers/daemonset.js";
import { JobController } from "./controllers/job.js";
import { CronJobController } from "./controllers/cronjob.js";
import { DeploymentController } from "./controllers/deployment.js";
import { DisruptionController } from "./controllers/disruption.js";
import { EndpointsController } from "./controllers/endpoints.js";
import { GarbageCollector } from "./controllers/garbage-collector.js";
import { NamespaceDefaultsController } from "./controllers/namespace-defaults.js";
import { NodeLifecycleController, nodeConditions } from "./controllers/node-lifecycle.js";
import { PodGarbageCollector } from "./controllers/pod-gc.js";
import { ReplicaSetController } from "./controllers/replicaset.js";
import { StatefulSetController } from "./controllers/statefulset/controller.js";
import { Aggregator } from "./api/aggregator.js";
import { NamespaceController } from "./controllers/namespace.js";
import { ApiHttpFrontend } from "./api/http-frontend.js";
import { ApiGateway } from "./kubelet/api-gateway.js";
import { Kubelet } from "./kubelet/kubelet.js";
import { ClusterDns } from "./network/dns.js";
import { DNS_SERVICE_IP, KUBERNETES_SERVICE_IP, ServiceAllocator, ServiceProxy, type ProxyNode } from "./network/services.js";
import { ImageRegistry } from "./runtime/image.js";
import { Scheduler } from "./scheduler/scheduler.js";
import { AttachDetachController } from "./storage/attach-detach.js";
import { ClaimUsers } from "./storage/claim-users.js";
import { DEFAULT_CLASS_ANNOTATION, PersistentVolumeController, PV_PROTECTION, PVC_PROTECTION, VolumeStore } from "./storage/pv-controller.js";
import { KERNEL_RELEASE } from "./userland/system.js";

export { KUBERNETES_VERSION } from "./version.js";

export interface NodeOptions {
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>>;
  /** Allocatable CPU in cores (default 4). */
  readonly cpu?: number;
  /** Allocatable memory in GiB (default 16). */
  readonly memoryGiB?: number;
  readonly pods?: number;
  readonly zone?: string;
}

export interface ClusterOptions {
  readonly seed?: number | string;
  /** A node count (named node-1…node-N) or explicit nodes. Default 3. */
  readonly nodes?: number | readonly NodeOptions[];
  readonly startEpochMs?: number;
  readonly registry?: ImageRegistry;
  readonly trace?: Trace;
  /**
   * Run kubeadm's kube-system add-ons (kube-proxy on every node, CoreDNS), as drains and
   * `kubectl get pods -A` see them; pods then resolve names only while a CoreDNS pod answers.
   * The registry must hold KUBE_PROXY_IMAGE and COREDNS_IMAGE.
   */
  readonly systemPods?: boolean;
}

const CONTROL_PLANE_IP = "192.168.49.1";

/**
 * minikube's docker network gives nodes 192.168.49.2 onwards (the workstation sits at .254);
 * bigger clusters than a /24 holds continue in the next ones.
 */
function nodeIp(index: number): string {
  if (index < 252) return `192.168.49.${index + 2}`;
  const k = index - 252;
  return `192.168.${50 + Math.floor(k / 254)}.${(k % 254) + 1}`;
}

/** Each node's /24 of the cluster CIDR; past 256 nodes the CIDR is a /14 (10.244.0.0–10.247.255.255). */
function podSubnet(index: number): string {
  return `10.${244 + (index >> 8)}.${index & 255}`;
}

/**
 * A whole simulated cluster: API server, controllers, scheduler, one kubelet per node, cluster
 * networking (services, kube-proxy, DNS) and storage, on one deterministic kernel. Tests and the
 * layers above drive it through this object and its API server.
 */
export class Cluster {
  readonly sim: Sim;
  readonly api: ApiServer;
  readonly events: EventRecorder;
  readonly network: Network;
  readonly registry: ImageRegistry;
  readonly disks: VolumeStore;
  readonly dns: ClusterDns;
  readonly kubelets = new Map<string, Kubelet>();
  /** Nodes by address, as kube-proxy tells the NodePort traffic it masquerades apart. */
  private readonly nodeIps = new Map<string, ProxyNode>();
  readonly statefulSets: StatefulSetController;
  readonly scheduler: Scheduler;
  readonly nodeLifecycle: NodeLifecycleController;
  readonly attachDetach: AttachDetachController;
  /** The minikube profile's enabled addons (`minikube addons list`). */
  readonly minikubeAddons = new Set(["default-storageclass", "storage-provisioner"]);
  /** The API server's REST frontend (pods' requests, `kubectl get --raw`). */
  readonly apiFrontend: ApiHttpFrontend;
  /** kube-apiserver's aggregation layer: APIServices and the extension servers behind them. */
  readonly aggregator: Aggregator;
  private readonly services: ServiceAllocator;

  constructor(options: ClusterOptions = {}) {
    this.sim = new Sim({ seed: options.seed ?? 1, startEpochMs: options.startEpochMs, trace: options.trace });
    this.api = new ApiServer(this.sim);
    this.events = new EventRecorder(this.api);
    this.network = new Network(this.sim);
    this.registry = options.registry ?? new ImageRegistry();
    this.registry.registerProgram(PAUSE_PROGRAM, pauseProgram);
    this.disks = new VolumeStore(this.sim);
    this.dns = new ClusterDns(this.api, options.systemPods ? this.network : undefined);
    this.services = new ServiceAllocator(this.sim.random.fork("apiserver/service-ip"));
    this.installAdmission();

    const ctx: ControllerContext = { sim: this.sim, api: this.api, events: this.events };
    const claimUsers = new ClaimUsers(this.api.store);
    this.statefulSets = new StatefulSetController(ctx);
    this.scheduler = new Scheduler(ctx);
    this.nodeLifecycle = new NodeLifecycleController(ctx);
    this.attachDetach = new AttachDetachController(ctx, this.disks, claimUsers);
    const controlPlane = this.network.addHost("control-plane", CONTROL_PLANE_IP);
    const gateway = new ApiGateway(this.api, this.events, controlPlane, (n) => this.nodeLifecycle.renew(n));
    this.aggregator = new Aggregator(ctx, controlPlane);
    this.apiFrontend = new ApiHttpFrontend(this.api, controlPlane, { aggregate: (request) => this.aggregator.serve(request) });

    this.bootstrap();
    const nodes = normalizeNodes(options.nodes ?? 3);
    nodes.forEach((n, i) => this.addNode(n, i));
    const proxy = new ServiceProxy(this.api, this.sim.random.fork("kube-proxy"), (ip) => this.nodeIps.get(ip));
    this.network.translate = (from, to) => proxy.translate(from, to);

    gateway.start();
    this.apiFrontend.start();
    for (const c of [
      this.statefulSets,
      new ReplicaSetController(ctx),
      new DeploymentController(ctx),
      new DaemonSetController(ctx),
      new EndpointsController(ctx),
      new GarbageCollector(ctx),
      new NamespaceDefaultsController(ctx),
      new NamespaceController(ctx),
      new PodGarbageCollector(ctx),
      new DisruptionController(ctx),
      new PersistentVolumeController(ctx, this.disks, claimUsers),
      this.attachDetach,
      this.scheduler,
      this.nodeLifecycle,
      new JobController(ctx),
      new CronJobController(ctx),
      new ClusterRoleAggregationController(ctx),
      new HorizontalPodAutoscalerController(ctx, (path) => this.aggregator.get(path, {})),
      this.aggregator,
    ]) c.start();
    // kubeadm applies its add-ons once the control plane answers.
    if (options.systemPods) for (const o of systemAddons()) this.api.create(o);
    for (const k of this.kubelets.values()) k.boot();
  }

  /** Whether the kube-system add-ons all run Ready: what `minikube start` waits for before returning. */
  addonsReady(): boolean {
    return this.addonsNotReady().length === 0;
  }

  /** The kube-system workloads short of Ready pods, as `daemonset/kube-proxy (2 of 3 Ready)`. */
  addonsNotReady(): string[] {
    const short: string[] = [];
    for (const d of this.api.list<DaemonSet>("DaemonSet", "kube-system")) {
      const want = d.status?.desiredNumberScheduled ?? 0;
      const ready = d.status?.numberReady ?? 0;
      if (want === 0 || ready !== want) short.push(`daemonset/${d.metadata.name} (${ready} of ${want} Ready)`);
    }
    for (const d of this.api.list<Deployment>("Deployment", "kube-system")) {
      const want = d.spec.replicas ?? 1;
      const ready = d.status?.readyReplicas ?? 0;
      if (ready !== want) short.push(`deployment/${d.metadata.name} (${ready} of ${want} Ready)`);
    }
    return short;
  }

  /** Runs the simulation for `ms` of simulated time. */
  run(ms: number): void {
    this.sim.advance(ms);
  }

  /** Runs until `condition` holds (checked between events) or `timeoutMs` passes; returns whether it held. */
  runUntil(condition: () => boolean, timeoutMs = 3_600_000): boolean {
    return this.sim.runWhile(() => !condition(), this.sim.now + timeoutMs);
  }

  /** Creates objects through the API (namespace `default` unless set), as kubectl create does. */
  create<T extends KubeObject>(object: T): T {
    const o = object.metadata.namespace === undefined && needsNamespace(object.kind)
      ? { ...object, metadata: { ...object.metadata, namespace: "default" } }
      : object;
    return this.api.create(o);
  }

  node(name: string): Kubelet {
    const k = this.kubelets.get(name);
    if (k === undefined) throw new Error(`no node ${name}`);
    return k;
  }

  /** Power loss on a node: its processes die, unsynced writes are lost, it drops off the network. */
  crashNode(name: string): void {
    this.node(name).crash();
  }

  /** Boots a crashed node again. */
  restartNode(name: string): void {
    this.node(name).boot();
  }

  /** The pod's worker on its node (for exec and logs), if the pod runs. */
  podWorker(namespace: string, name: string) {
    const pod = this.api.get<Pod>("Pod", namespace, name);
    if (pod?.spec.nodeName === undefined) return undefined;
    return this.kubelets.get(pod.spec.nodeName)?.worker(namespace, name);
  }

  isNodeIp(ip: string): boolean {
    return this.nodeIps.has(ip);
  }

  private addNode(n: NodeOptions, index: number): void {
    const ip = nodeIp(index);
    const subnet = podSubnet(index);
    this.nodeIps.set(ip, { name: n.name, bridgeIp: `${subnet}.1` });
    const cpu = n.cpu ?? 4;
    const memKi = Math.round((n.memoryGiB ?? 16) * 1024 * 1024);
    const pods = n.pods ?? 110;
    const now = this.api.now();
    const labels: Record<string, string> = {
      "beta.kubernetes.io/arch": "amd64",
      "beta.kubernetes.io/os": "linux",
      "kubernetes.io/arch": "amd64",
      "kubernetes.io/hostname": n.name,
      "kubernetes.io/os": "linux",
      ...(n.zone !== undefined ? { "topology.kubernetes.io/zone": n.zone } : {}),
      ...(n.labels ?? {}),
    };
    const node: Node = {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: n.name, labels, annotations: { "node.alpha.kubernetes.io/ttl": "0", "volumes.kubernetes.io/controller-managed-attach-detach": "true" } },
      spec: { podCIDR: `${subnet}.0/24`, podCIDRs: [`${subnet}.0/24`] },
      status: {
        capacity: { cpu: String(cpu), "ephemeral-storage": "102625208Ki", "hugepages-2Mi": "0", memory: `${memKi}Ki`, pods: String(pods) },
        allocatable: { cpu: String(cpu), "ephemeral-storage": "102625208Ki", "hugepages-2Mi": "0", memory: `${memKi}Ki`, pods: String(pods) },
        conditions: [],
        addresses: [{ type: "InternalIP", address: ip }, { type: "Hostname", address: n.name }],
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
        nodeInfo: {
          machineID: this.sim.random.fork(`node/${n.name}`).hex(32),
          systemUUID: this.sim.random.fork(`node/${n.name}`).uuid(),
          bootID: this.sim.random.fork(`node/${n.name}/boot`).uuid(),
          // The kernel its containers run on: what uname -r says inside them.
          kernelVersion: KERNEL_RELEASE,
          osImage: "Ubuntu 22.04.5 LTS",
          containerRuntimeVersion: "containerd://1.7.22",
          kubeletVersion: KUBERNETES_VERSION,
          kubeProxyVersion: KUBERNETES_VERSION,
          operatingSystem: "linux",
          architecture: "amd64",
        },
      },
    };
    node.status!.conditions = nodeConditions(node, "False", "True", "KubeletReady", "kubelet is posting ready status", now);
    this.api.create(node);
    this.kubelets.set(
      n.name,
      new Kubelet(
        {
          sim: this.sim,
          api: this.api,
          registry: this.registry,
          network: this.network,
          dns: this.dns,
          disks: this.disks,
          whenAttached: (pv, node, fn) => this.attachDetach.whenAttached(pv, node, fn),
          controlPlaneIp: CONTROL_PLANE_IP,
          nameserver: DNS_SERVICE_IP,
        },
        n.name,
        ip,
        subnet,
      ),
    );
  }

  /**
   * What kubeadm/minikube leave in a fresh cluster: namespaces, the API and DNS services, a
   * default StorageClass, and the default RBAC policy.
   */
  private bootstrap(): void {
    for (const ns of ["default", "kube-node-lease", "kube-public", "kube-system"]) {
      this.api.create<Namespace>({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns, labels: { "kubernetes.io/metadata.name": ns } }, spec: { finalizers: ["kubernetes"] }, status: { phase: "Active" } });
    }
    this.api.create<Service>({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "kubernetes", namespace: "default", labels: { component: "apiserver", provider: "kubernetes" } },
      spec: { clusterIP: KUBERNETES_SERVICE_IP, ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: 8443 }], type: "ClusterIP", sessionAffinity: "None" },
    });
    // The API server keeps its own endpoints (the endpoint reconciler), not the controllers.
    const apiPort = { name: "https", port: 8443, protocol: "TCP" as const };
    this.api.create<Endpoints>({
      apiVersion: "v1",
      kind: "Endpoints",
      metadata: { name: "kubernetes", namespace: "default", labels: { "endpointslice.kubernetes.io/skip-mirror": "true" } },
      subsets: [{ addresses: [{ ip: CONTROL_PLANE_IP }], ports: [apiPort] }],
    });
    this.api.create<EndpointSlice>({
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: { name: "kubernetes", namespace: "default", labels: { "kubernetes.io/service-name": "kubernetes" } },
      addressType: "IPv4",
      endpoints: [{ addresses: [CONTROL_PLANE_IP], conditions: { ready: true } }],
      ports: [apiPort],
    });
    this.api.create<Service>({
      apiVersion: "v1",
      kind: "Service",
      metadata: {
        name: "kube-dns",
        namespace: "kube-system",
        labels: { "k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS" },
        annotations: { "prometheus.io/port": "9153", "prometheus.io/scrape": "true" },
      },
      spec: {
        clusterIP: DNS_SERVICE_IP,
        ports: [
          { name: "dns", port: 53, protocol: "UDP", targetPort: 53 },
          { name: "dns-tcp", port: 53, protocol: "TCP", targetPort: 53 },
          { name: "metrics", port: 9153, protocol: "TCP", targetPort: 9153 },
        ],
        selector: { "k8s-app": "kube-dns" },
        type: "ClusterIP",
        sessionAffinity: "None",
      },
    });
    this.api.create<StorageClass>({
      apiVersion: "storage.k8s.io/v1",
      kind: "StorageClass",
      metadata: { name: "standard", annotations: { [DEFAULT_CLASS_ANNOTATION]: "true" }, labels: { "addonmanager.kubernetes.io/mode": "EnsureExists" } },
      provisioner: "k8s.io/minikube-hostpath",
      reclaimPolicy: "Delete",
      volumeBindingMode: "Immediate",
    });
    const uids = this.sim.random.fork("apiserver/uid/rbac-bootstrap");
    for (const o of [...bootstrapClusterRoles(), ...bootstrapClusterRoleBindings()]) this.api.create(o, { uids });
  }

  /**
   * The API server's write path: the allocations and admission plugins this layer owns
   * (Service IPs and node ports, the default StorageClass, storage-protection finalizers) run
   * first, then the machinery's decoding, defaulting, pod admission and validation.
   */
  /**
   * The PersistentVolumeClaimResize admission plugin: a claim may ask for more storage only once
   * bound, and only when its StorageClass allows volume expansion (minikube's does not).
   */
  private admitClaimResize(pvc: PersistentVolumeClaim, old: PersistentVolumeClaim): void {
    const oldSize = old.spec.resources?.requests?.storage;
    const newSize = pvc.spec.resources?.requests?.storage;
    if (oldSize === undefined || newSize === undefined || compareQuantity(parseQuantity(newSize), parseQuantity(oldSize)) <= 0) return;
    const name = pvc.metadata.name ?? "";
    if (old.status?.phase !== "Bound") throw forbidden("persistentvolumeclaims", name, "Only bound persistent volume claims can be expanded");
    const cls = pvc.spec.storageClassName ?? "";
    const sc = cls === "" || cls !== (old.spec.storageClassName ?? "") ? undefined : this.api.get<StorageClass>("StorageClass", undefined, cls);
    if (sc?.allowVolumeExpansion !== true) {
      throw forbidden("persistentvolumeclaims", name, "only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize");
    }
  }

  private installAdmission(): void {
    const names = this.sim.random.fork("apiserver/token-volume");
    const machinery = createAdmission({ now: () => this.api.now(), tokenVolumeSuffix: () => names.k8sSuffix(5) });
    this.api.admission = {
      admitCreate: (input) => {
        let o = input;
        switch (o.kind) {
          case "Service": {
            const allocated = this.services.admit(o as Service);
            try {
              return machinery.admitCreate(completeServiceAddresses(allocated, allocated.spec.clusterIP));
            } catch (e) {
              this.services.release(allocated);
              throw e;
            }
          }
          case "PersistentVolumeClaim": {
            const pvc = o as PersistentVolumeClaim;
            const spec = { ...pvc.spec };
            if (spec.storageClassName === undefined) {
              const def = this.api.list<StorageClass>("StorageClass").find((sc) => sc.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === "true");
              if (def !== undefined) spec.storageClassName = def.metadata.name;
            }
            o = { ...pvc, spec, metadata: withFinalizer(pvc.metadata, PVC_PROTECTION) } as PersistentVolumeClaim;
            break;
          }
          case "PersistentVolume": {
            const pv = o as PersistentVolume;
            o = { ...pv, metadata: withFinalizer(pv.metadata, PV_PROTECTION) } as PersistentVolume;
            break;
          }
        }
        return machinery.admitCreate(o);
      },
      admitUpdate: (input, old) => {
        const o = machinery.admitUpdate(input, old);
        if (o.kind === "PersistentVolumeClaim") this.admitClaimResize(o as PersistentVolumeClaim, old as PersistentVolumeClaim);
        return o;
      },
      admitStatus: (object) => machinery.admitStatus(object),
      admitEphemeralContainers: (pod, old) => machinery.admitEphemeralContainers(pod, old),
    };
  }
}

function withFinalizer<M extends { finalizers?: string[] }>(meta: M, f: string): M {
  const fin = meta.finalizers ?? [];
  return fin.includes(f) ? meta : { ...meta, finalizers: [...fin, f] };
}

function needsNamespace(kind: string): boolean {
  return !["Namespace", "Node", "PersistentVolume", "StorageClass"].includes(kind);
}

function normalizeNodes(nodes: number | readonly NodeOptions[]): readonly NodeOptions[] {
  if (typeof nodes !== "number") return nodes;
  return Array.from({ length: nodes }, (_, i) => ({ name: `node-${i + 1}` }));
}
