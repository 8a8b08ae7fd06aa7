import type { ObjectStore } from "../api/store.js";
import type { Labels, Node, Pod, Taint } from "../api/types.js";
import { controllerRef } from "../controllers/pod-util.js";
import { nodeAllocatable, podRequests, type Resources } from "./resources.js";

const ZONE_LABEL = "topology.kubernetes.io/zone";

/**
 * What the scheduler knows about a node: its object, the pods bound to it and their requests.
 * The fields the filters and scores read are copied out of the node object: every pod is checked
 * against hundreds of nodes, and these stay in one compact object per node.
 */
export class NodeInfo {
  node!: Node;
  name!: string;
  labels: Labels | undefined;
  zone: string | undefined;
  taints!: readonly Taint[];
  unschedulable!: boolean;
  allocatable!: Resources;
  readonly requested: Resources = { cpu: 0, memory: 0, pods: 0 };
  readonly pods = new Map<string, Pod>();
  /** Pods on this node by controller uid, for default spreading. */
  readonly byOwner = new Map<string, number>();

  constructor(
    node: Node,
    /** Told when the node gains its first pod of an owner or loses its last. */
    private readonly onOwner: (owner: string, info: NodeInfo, present: boolean) => void,
  ) {
    this.setNode(node);
  }

  setNode(node: Node): void {
    this.node = node;
    this.name = node.metadata.name!;
    this.labels = node.metadata.labels;
    this.zone = this.labels?.[ZONE_LABEL];
    this.taints = node.spec.taints ?? [];
    this.unschedulable = node.spec.unschedulable ?? false;
    this.allocatable = nodeAllocatable(node);
  }

  label(key: string): string | undefined {
    return this.labels?.[key];
  }

  add(pod: Pod): void {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const existing = this.pods.get(key);
    if (existing !== undefined) {
      // Most updates of a bound pod are status writes, which keep its spec and owners.
      if (existing.spec === pod.spec && existing.metadata.ownerReferences === pod.metadata.ownerReferences) {
        this.pods.set(key, pod);
        return;
      }
      this.remove(existing);
    }
    this.pods.set(key, pod);
    const r = podRequests(pod);
    this.requested.cpu += r.cpu;
    this.requested.memory += r.memory;
    this.requested.pods += 1;
    const owner = controllerRef(pod)?.uid;
    if (owner !== undefined) {
      const n = this.byOwner.get(owner) ?? 0;
      this.byOwner.set(owner, n + 1);
      if (n === 0) this.onOwner(owner, this, true);
    }
  }

  remove(pod: Pod): void {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const existing = this.pods.get(key);
    if (existing === undefined) return;
    this.pods.delete(key);
    const r = podRequests(existing);
    this.requested.cpu -= r.cpu;
    this.requested.memory -= r.memory;
    this.requested.pods -= 1;
    const owner = controllerRef(existing)?.uid;
    if (owner !== undefined) {
      const n = (this.byOwner.get(owner) ?? 1) - 1;
      if (n > 0) this.byOwner.set(owner, n);
      else {
        this.byOwner.delete(owner);
        this.onOwner(owner, this, false);
      }
    }
  }
}

/** Pods occupy a node until they reach a terminal phase (terminating pods still hold resources). */
function occupies(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return !!pod.spec.nodeName && phase !== "Succeeded" && phase !== "Failed";
}

const NO_NODES: ReadonlySet<NodeInfo> = new Set();

/** The scheduler's cache of nodes and bound pods, kept current from watches. */
export class ClusterSnapshot {
  readonly nodes = new Map<string, NodeInfo>();
  /** The nodes in `nodes` order; replaced, never mutated, when nodes come and go. */
  list: readonly NodeInfo[] = [];
  /** Bound pods that carry required anti-affinity terms (checked for symmetry). */
  readonly antiAffinityPods = new Map<string, Pod>();
  private readonly bound = new Map<string, Pod>();
  /** Controller uid → nodes running its pods, so spreading looks at those nodes only. */
  private readonly ownerNodes = new Map<string, Set<NodeInfo>>();
  private readonly onOwner = (owner: string, info: NodeInfo, present: boolean): void => {
    let s = this.ownerNodes.get(owner);
    if (present) {
      if (s === undefined) this.ownerNodes.set(owner, (s = new Set()));
      s.add(info);
    } else if (s !== undefined) {
      s.delete(info);
      if (s.size === 0) this.ownerNodes.delete(owner);
    }
  };

  constructor(store: ObjectStore) {
    for (const n of store.list<Node>("Node")) this.nodes.set(n.metadata.name!, new NodeInfo(n, this.onOwner));
    this.list = [...this.nodes.values()];
    for (const p of store.list<Pod>("Pod")) this.updatePod(p);
    store.watch<Node>("Node", (e) => {
      const name = e.object.metadata.name!;
      if (e.type === "DELETED") {
        const gone = this.nodes.get(name);
        if (gone === undefined) return;
        this.nodes.delete(name);
        for (const owner of gone.byOwner.keys()) this.onOwner(owner, gone, false);
        this.list = [...this.nodes.values()];
      } else {
        const info = this.nodes.get(name);
        if (info === undefined) {
          const fresh = new NodeInfo(e.object, this.onOwner);
          for (const pod of this.bound.values()) if (pod.spec.nodeName === name) fresh.add(pod);
          this.nodes.set(name, fresh);
          this.list = [...this.nodes.values()];
        } else info.setNode(e.object);
      }
    });
    store.watch<Pod>("Pod", (e) => {
      if (e.type === "DELETED") this.removePod(e.object);
      else this.updatePod(e.object);
    });
  }

  /** Nodes running at least one pod whose controller has this uid. */
  nodesWithOwner(owner: string): ReadonlySet<NodeInfo> {
    return this.ownerNodes.get(owner) ?? NO_NODES;
  }

  private updatePod(pod: Pod): void {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    if (!occupies(pod)) {
      this.removePod(pod);
      return;
    }
    const prev = this.bound.get(key)?.spec.nodeName;
    if (prev !== undefined && prev !== pod.spec.nodeName) this.nodes.get(prev)?.remove(pod);
    this.bound.set(key, pod);
    this.nodes.get(pod.spec.nodeName!)?.add(pod);
    if (pod.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length) this.antiAffinityPods.set(key, pod);
  }

  private removePod(pod: Pod): void {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const node = this.bound.get(key)?.spec.nodeName;
    if (node !== undefined) this.nodes.get(node)?.remove(pod);
    this.bound.delete(key);
    this.antiAffinityPods.delete(key);
  }
}
