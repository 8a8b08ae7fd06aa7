import type { ObjectStore } from "../api/store.js";
import type { Node, Pod } from "../api/types.js";
import { controllerRef } from "../controllers/pod-util.js";
import { nodeAllocatable, podRequests, type Resources } from "./resources.js";

/** What the scheduler knows about a node: its object, the pods bound to it and their requests. */
export class NodeInfo {
  node: Node;
  allocatable: Resources;
  readonly requested: Resources = { cpu: 0, memory: 0, pods: 0 };
  readonly pods = new Map<string, Pod>();
  /** Pods on this node by controller uid, for default spreading. */
  readonly byOwner = new Map<string, number>();

  constructor(node: Node) {
    this.node = node;
    this.allocatable = nodeAllocatable(node);
  }

  get name(): string {
    return this.node.metadata.name!;
  }

  label(key: string): string | undefined {
    return this.node.metadata.labels?.[key];
  }

  add(pod: Pod): void {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    if (this.pods.has(key)) this.remove(this.pods.get(key)!);
    this.pods.set(key, pod);
    const r = podRequests(pod);
    this.requested.cpu += r.cpu;
    this.requested.memory += r.memory;
    this.requested.pods += 1;
    const owner = controllerRef(pod)?.uid;
    if (owner !== undefined) this.byOwner.set(owner, (this.byOwner.get(owner) ?? 0) + 1);
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
      else this.byOwner.delete(owner);
    }
  }
}

/** Pods occupy a node until they reach a terminal phase (terminating pods still hold resources). */
function occupies(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return !!pod.spec.nodeName && phase !== "Succeeded" && phase !== "Failed";
}

/** The scheduler's cache of nodes and bound pods, kept current from watches. */
export class ClusterSnapshot {
  readonly nodes = new Map<string, NodeInfo>();
  /** Bound pods that carry required anti-affinity terms (checked for symmetry). */
  readonly antiAffinityPods = new Map<string, Pod>();
  private readonly bound = new Map<string, Pod>();

  constructor(store: ObjectStore) {
    for (const n of store.list<Node>("Node")) this.nodes.set(n.metadata.name!, new NodeInfo(n));
    for (const p of store.list<Pod>("Pod")) this.updatePod(p);
    store.watch<Node>("Node", (e) => {
      const name = e.object.metadata.name!;
      if (e.type === "DELETED") this.nodes.delete(name);
      else {
        const info = this.nodes.get(name);
        if (info === undefined) {
          const fresh = new NodeInfo(e.object);
          for (const pod of this.bound.values()) if (pod.spec.nodeName === name) fresh.add(pod);
          this.nodes.set(name, fresh);
        } else {
          info.node = e.object;
          info.allocatable = nodeAllocatable(e.object);
        }
      }
    });
    store.watch<Pod>("Pod", (e) => {
      if (e.type === "DELETED") this.removePod(e.object);
      else this.updatePod(e.object);
    });
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
