import type { Random, Timer } from "@ksim/sim";
import type { WatchEvent } from "../api/store.js";
import type { Node, PersistentVolume, PersistentVolumeClaim, Pod, PodAffinityTerm, StorageClass } from "../api/types.js";
import type { ControllerContext } from "../controllers/context.js";
import { controllerRef, isTerminating, keyOf, matchesSelector } from "../controllers/pod-util.js";
import { SELECTED_NODE_ANNOTATION } from "../storage/pv-controller.js";
import { buildCycleState, filterNode, nodeSelectorTermMatches, tolerates, type CycleState } from "./filters.js";
import { ClusterSnapshot, type NodeInfo } from "./node-info.js";

const SCHEDULER = "default-scheduler";
const INITIAL_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 10_000;
/** Unschedulable pods are retried at least this often even without a relevant cluster event. */
const UNSCHEDULABLE_FLUSH_MS = 5 * 60 * 1000;

interface QueuedPod {
  key: string;
  attempts: number;
  backoffUntil: number;
}

/**
 * kube-scheduler's default profile: a queue of unscheduled pods (with back-off, and an
 * unschedulable set that cluster events move back), filters in the framework's order, scoring
 * that spreads pods of one owner across nodes and zones and prefers emptier nodes, ties broken
 * at random, binding, and FailedScheduling in the real format.
 */
export class Scheduler {
  private readonly snapshot: ClusterSnapshot;
  private active: QueuedPod[] = [];
  private readonly unschedulable = new Map<string, QueuedPod>();
  private readonly known = new Map<string, QueuedPod>();
  private cycleTimer: Timer | undefined;
  private nextStartNode = 0;
  private readonly random: Random;
  /** select's nodes sharing the best score, reused: on a fresh cluster that is hundreds a pod. */
  private readonly best: NodeInfo[] = [];

  constructor(private readonly ctx: ControllerContext) {
    this.snapshot = new ClusterSnapshot(ctx.api.store);
    this.random = ctx.sim.random.fork("scheduler");
  }

  start(): void {
    const api = this.ctx.api;
    api.watch<Pod>("Pod", (e) => this.onPod(e));
    api.watch<Node>("Node", () => this.moveAllToActive());
    api.watch<PersistentVolumeClaim>("PersistentVolumeClaim", (e) => {
      if (e.object.status?.phase === "Bound") this.moveAllToActive();
    });
    for (const p of api.list<Pod>("Pod")) if (this.wants(p)) this.enqueue(keyOf(p));
    const flush = () => {
      for (const q of this.unschedulable.values()) {
        if (this.ctx.sim.now - q.backoffUntil >= UNSCHEDULABLE_FLUSH_MS) this.activate(q);
      }
      this.ctx.sim.schedule(30_000, flush, "scheduler:flush");
    };
    this.ctx.sim.schedule(30_000, flush, "scheduler:flush");
  }

  private wants(pod: Pod): boolean {
    return !pod.spec.nodeName && !isTerminating(pod) && (pod.spec.schedulerName ?? SCHEDULER) === SCHEDULER;
  }

  private onPod(e: WatchEvent<Pod>): void {
    const key = keyOf(e.object);
    if (e.type === "DELETED" || !this.wants(e.object)) {
      const q = this.known.get(key);
      if (q !== undefined) {
        this.known.delete(key);
        this.unschedulable.delete(key);
        const i = this.active.indexOf(q);
        if (i >= 0) this.active.splice(i, 1);
      }
      // A pod leaving a node may make room for others.
      if (e.type === "DELETED" || (e.previous?.spec.nodeName && isTerminalOrGone(e.object))) this.moveAllToActive();
      return;
    }
    if (!this.known.has(key)) this.enqueue(key);
  }

  private enqueue(key: string): void {
    const q: QueuedPod = { key, attempts: 0, backoffUntil: 0 };
    this.known.set(key, q);
    this.active.push(q);
    this.kick(0);
  }

  private activate(q: QueuedPod): void {
    if (!this.unschedulable.delete(q.key)) return;
    this.active.push(q);
    this.kick(Math.max(0, q.backoffUntil - this.ctx.sim.now));
  }

  private moveAllToActive(): void {
    for (const q of [...this.unschedulable.values()]) this.activate(q);
  }

  private kick(delay: number): void {
    if (this.cycleTimer !== undefined && this.cycleTimer.time <= this.ctx.sim.now + delay) return;
    this.ctx.sim.cancel(this.cycleTimer);
    // A scheduling cycle takes about a millisecond of the scheduler's time.
    this.cycleTimer = this.ctx.sim.schedule(Math.max(1, delay), () => this.runCycles(), "scheduler:cycle");
  }

  private runCycles(): void {
    this.cycleTimer = undefined;
    const now = this.ctx.sim.now;
    let nextWake = Number.POSITIVE_INFINITY;
    const ready: QueuedPod[] = [];
    const waiting: QueuedPod[] = [];
    for (const q of this.active) {
      if (q.backoffUntil <= now) ready.push(q);
      else {
        waiting.push(q);
        nextWake = Math.min(nextWake, q.backoffUntil);
      }
    }
    this.active = waiting;
    for (const q of ready) this.scheduleOne(q);
    if (nextWake !== Number.POSITIVE_INFINITY) this.kick(nextWake - now);
  }

  private scheduleOne(q: QueuedPod): void {
    const { api, events, sim } = this.ctx;
    const [namespace, name] = q.key.split("/") as [string, string];
    const pod = api.get<Pod>("Pod", namespace, name);
    if (pod === undefined || !this.wants(pod)) {
      this.known.delete(q.key);
      return;
    }
    const nodes = this.snapshot.list;
    const volumeCheck = this.volumesFor(pod);
    let message: string | undefined;
    let chosen: NodeInfo | undefined;
    if (volumeCheck.pending) {
      message = `0/${nodes.length} nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/${nodes.length} nodes are available: ${nodes.length} Preemption is not helpful for scheduling.`;
    } else {
      const state = buildCycleState(this.snapshot, pod, volumeCheck.volumes);
      const { feasible, failures } = this.findFeasible(state, nodes);
      if (feasible.length === 0) message = fitError(nodes.length, failures);
      else chosen = this.select(state, feasible);
    }
    if (chosen === undefined) {
      q.attempts++;
      q.backoffUntil = sim.now + Math.min(INITIAL_BACKOFF_MS * 2 ** (q.attempts - 1), MAX_BACKOFF_MS);
      this.unschedulable.set(q.key, q);
      events.record(pod, "Warning", "FailedScheduling", message!, SCHEDULER);
      api.mutate<Pod>("Pod", namespace, name, (p) => {
        setPodScheduled(p, "False", "Unschedulable", message!, api.now());
      });
      return;
    }
    const node = chosen.name;
    this.known.delete(q.key);
    // Binding: the pod's node is set and PodScheduled becomes True in one write.
    for (const claim of volumeCheck.waitingClaims) {
      api.mutate<PersistentVolumeClaim>("PersistentVolumeClaim", namespace, claim, (c) => {
        c.metadata.annotations = { ...(c.metadata.annotations ?? {}), [SELECTED_NODE_ANNOTATION]: node };
      });
    }
    api.mutate<Pod>("Pod", namespace, name, (p) => {
      p.spec.nodeName = node;
      setPodScheduled(p, "True", undefined, undefined, api.now());
    });
    events.record(pod, "Normal", "Scheduled", `Successfully assigned ${namespace}/${name} to ${node}`, SCHEDULER);
  }

  /**
   * The claims a pod mounts: bound ones give their volumes (for topology); an unbound claim of an
   * Immediate class keeps the pod unschedulable until it binds; WaitForFirstConsumer claims get
   * the chosen node.
   */
  private volumesFor(pod: Pod): { pending: boolean; volumes: PersistentVolume[]; waitingClaims: string[] } {
    const api = this.ctx.api;
    const volumes: PersistentVolume[] = [];
    const waitingClaims: string[] = [];
    for (const v of pod.spec.volumes ?? []) {
      const claimName = v.persistentVolumeClaim?.claimName;
      if (claimName === undefined) continue;
      const pvc = api.get<PersistentVolumeClaim>("PersistentVolumeClaim", pod.metadata.namespace, claimName);
      if (pvc === undefined) return { pending: true, volumes, waitingClaims };
      if (pvc.spec.volumeName) {
        const pv = api.get<PersistentVolume>("PersistentVolume", undefined, pvc.spec.volumeName);
        if (pv !== undefined) volumes.push(pv);
        continue;
      }
      const sc = pvc.spec.storageClassName ? api.get<StorageClass>("StorageClass", undefined, pvc.spec.storageClassName) : undefined;
      if (sc?.volumeBindingMode === "WaitForFirstConsumer") waitingClaims.push(claimName);
      else return { pending: true, volumes, waitingClaims };
    }
    return { pending: false, volumes, waitingClaims };
  }

  /**
   * Filters nodes, starting where the last cycle stopped and stopping once enough feasible
   * nodes are found (percentageOfNodesToScore's adaptive default), as the real scheduler does.
   */
  private findFeasible(state: CycleState, nodes: readonly NodeInfo[]): { feasible: NodeInfo[]; failures: Map<string, { reasons: readonly string[]; unresolvable: boolean }> } {
    const n = nodes.length;
    const want = numFeasibleNodesToFind(n);
    // Sized once: pushing hundreds of nodes would reallocate the array several times per pod.
    const feasible = new Array<NodeInfo>(want);
    let found = 0;
    const failures = new Map<string, { reasons: readonly string[]; unresolvable: boolean }>();
    const spread = this.spreadConstraints(state);
    let checked = 0;
    for (; checked < n && found < want; checked++) {
      const info = nodes[(this.nextStartNode + checked) % n]!;
      const f = filterNode(state, info) ?? spread(info);
      if (f === undefined) feasible[found++] = info;
      else failures.set(info.name, f);
    }
    feasible.length = found;
    this.nextStartNode = n === 0 ? 0 : (this.nextStartNode + checked) % n;
    return { feasible, failures };
  }

  /** PodTopologySpread with DoNotSchedule: the skew a placement would create must stay within maxSkew. */
  private spreadConstraints(state: CycleState): (info: NodeInfo) => { reasons: readonly string[]; unresolvable: boolean } | undefined {
    const constraints = (state.pod.spec.topologySpreadConstraints ?? []).filter((c) => c.whenUnsatisfiable === "DoNotSchedule");
    if (constraints.length === 0) return () => undefined;
    const counts = constraints.map((c) => {
      const m = new Map<string, number>();
      for (const info of this.snapshot.list) {
        const v = info.label(c.topologyKey);
        if (v === undefined) continue;
        let k = m.get(v) ?? 0;
        for (const p of info.pods.values()) {
          if (p.metadata.namespace === state.pod.metadata.namespace && matchesSelector(c.labelSelector, p.metadata.labels)) k++;
        }
        m.set(v, k);
      }
      return m;
    });
    return (info) => {
      for (let i = 0; i < constraints.length; i++) {
        const c = constraints[i]!;
        const v = info.label(c.topologyKey);
        if (v === undefined) return { reasons: ["node(s) didn't match pod topology spread constraints (missing required label)"], unresolvable: true };
        const m = counts[i]!;
        const min = Math.min(...m.values());
        if ((m.get(v) ?? 0) + 1 - min > c.maxSkew) return { reasons: ["node(s) didn't match pod topology spread constraints"], unresolvable: false };
      }
      return undefined;
    };
  }

  /** Scores feasible nodes with the default plugins' weights and picks the best (ties at random). */
  private select(state: CycleState, feasible: NodeInfo[]): NodeInfo {
    const pod = state.pod;
    const owner = controllerRef(pod)?.uid;
    // Nodes without the owner's pods add nothing to any count, so only those few are looked at.
    const onHost = new Map<NodeInfo, number>();
    const zoneCounts = new Map<string, number>();
    if (owner !== undefined) {
      for (const info of this.snapshot.nodesWithOwner(owner)) {
        const n = info.byOwner.get(owner)!;
        onHost.set(info, n);
        if (info.zone !== undefined) zoneCounts.set(info.zone, (zoneCounts.get(info.zone) ?? 0) + n);
      }
    }
    let maxHost = 1;
    if (onHost.size > 0) for (const info of feasible) maxHost = Math.max(maxHost, onHost.get(info) ?? 0);
    let maxZone = 1;
    for (const n of zoneCounts.values()) maxZone = Math.max(maxZone, n);
    const affinity = pod.spec.affinity;
    const preferredNode = affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    const preferredPods = affinity?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    const preferredApart = affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    const best = this.best;
    let ties = 0;
    let bestScore = -Infinity;
    for (const info of feasible) {
      const a = info.allocatable;
      const cpuFree = a.cpu > 0 ? (a.cpu - info.requested.cpu - state.requests.cpu) / a.cpu : 0;
      const memFree = a.memory > 0 ? (a.memory - info.requested.memory - state.requests.memory) / a.memory : 0;
      const leastAllocated = ((cpuFree + memFree) / 2) * 100;
      const balanced = (1 - Math.abs(cpuFree - memFree)) * 100;
      let spread = 100;
      if (owner !== undefined) {
        const here = onHost.get(info) ?? 0;
        const inZone = info.zone === undefined ? 0 : (zoneCounts.get(info.zone) ?? 0);
        spread = 100 - ((here / maxHost) * 2 / 3 + (inZone / maxZone) / 3) * 100;
      }
      let preferNoSchedule = 0;
      for (const t of info.taints) if (t.effect === "PreferNoSchedule" && !tolerates(pod.spec.tolerations, t)) preferNoSchedule++;
      const taintScore = preferNoSchedule === 0 ? 100 : 100 / (1 + preferNoSchedule);
      let nodeAffinity = 0;
      for (const pref of preferredNode) {
        if (nodeSelectorTermMatches(pref.preference, info)) nodeAffinity += pref.weight;
      }
      let podAffinity = 0;
      for (const w of preferredPods) {
        if (this.domainHasMatch(info, w.podAffinityTerm, pod)) podAffinity += w.weight;
      }
      for (const w of preferredApart) {
        if (this.domainHasMatch(info, w.podAffinityTerm, pod)) podAffinity -= w.weight;
      }
      const score = leastAllocated + balanced + 2 * spread + 3 * taintScore + 2 * nodeAffinity + 2 * podAffinity;
      if (score > bestScore + 1e-9) {
        bestScore = score;
        ties = 0;
        best[ties++] = info;
      } else if (Math.abs(score - bestScore) <= 1e-9) {
        best[ties++] = info;
      }
    }
    // As random.choice over the ties: the same draw, without copying them out.
    return ties === 1 ? best[0]! : best[this.random.int(0, ties - 1)]!;
  }

  private domainHasMatch(info: NodeInfo, term: PodAffinityTerm, pod: Pod): boolean {
    const value = info.label(term.topologyKey);
    if (value === undefined) return false;
    const namespaces = term.namespaces?.length ? term.namespaces : [pod.metadata.namespace!];
    for (const other of this.snapshot.list) {
      if (other.label(term.topologyKey) !== value) continue;
      for (const p of other.pods.values()) {
        if (namespaces.includes(p.metadata.namespace!) && matchesSelector(term.labelSelector, p.metadata.labels)) return true;
      }
    }
    return false;
  }
}

/** However large the cluster, at least this many feasible nodes are looked for and scored. */
const MIN_FEASIBLE_NODES_TO_FIND = 100;
const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

/**
 * numFeasibleNodesToFind with percentageOfNodesToScore left at its default (0, adaptive):
 * every node in small clusters, then 50% less a point per 125 nodes, at least 5% and 100 nodes.
 */
export function numFeasibleNodesToFind(allNodes: number): number {
  if (allNodes < MIN_FEASIBLE_NODES_TO_FIND) return allNodes;
  const percentage = Math.max(MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND, 50 - Math.trunc(allNodes / 125));
  return Math.max(MIN_FEASIBLE_NODES_TO_FIND, Math.trunc((allNodes * percentage) / 100));
}

function isTerminalOrGone(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === "Succeeded" || phase === "Failed" || isTerminating(pod);
}

function setPodScheduled(p: Pod, status: "True" | "False", reason: string | undefined, message: string | undefined, now: string): void {
  const conditions = [...(p.status?.conditions ?? [])];
  const i = conditions.findIndex((c) => c.type === "PodScheduled");
  const old = i >= 0 ? conditions[i] : undefined;
  const next = {
    type: "PodScheduled",
    status,
    lastProbeTime: null,
    lastTransitionTime: old !== undefined && old.status === status ? old.lastTransitionTime : now,
    ...(reason !== undefined ? { reason } : {}),
    ...(message !== undefined ? { message } : {}),
  };
  if (i >= 0) conditions[i] = next;
  else conditions.push(next);
  p.status = { ...(p.status ?? {}), conditions };
}

/**
 * framework.FitError's message: `0/N nodes are available: <sorted histogram>.` followed by the
 * preemption verdict over the same nodes.
 */
export function fitError(total: number, failures: Map<string, { reasons: readonly string[]; unresolvable: boolean }>): string {
  const histogram = new Map<string, number>();
  let unresolvable = 0;
  for (const f of failures.values()) {
    for (const r of f.reasons) histogram.set(r, (histogram.get(r) ?? 0) + 1);
    if (f.unresolvable) unresolvable++;
  }
  const parts = [...histogram].map(([r, n]) => `${n} ${r}`).sort();
  let msg = `0/${total} nodes are available: ${parts.join(", ")}.`;
  const pre: string[] = [];
  const resolvable = failures.size - unresolvable;
  if (resolvable > 0) pre.push(`${resolvable} No preemption victims found for incoming pod`);
  if (unresolvable > 0) pre.push(`${unresolvable} Preemption is not helpful for scheduling`);
  pre.sort();
  msg += ` preemption: 0/${total} nodes are available: ${pre.join(", ")}.`;
  return msg;
}
