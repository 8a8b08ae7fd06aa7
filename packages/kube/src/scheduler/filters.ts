import type { ContainerPort, Labels, NodeSelectorTerm, Pod, PodAffinityTerm, PersistentVolume, Taint, Toleration } from "../api/types.js";
import { matchesSelector } from "../controllers/pod-util.js";
import type { ClusterSnapshot, NodeInfo } from "./node-info.js";
import { podRequests, type Resources } from "./resources.js";

/** Why a node cannot take the pod; `unresolvable` statuses make preemption pointless. */
export interface FilterFailure {
  readonly reasons: readonly string[];
  readonly unresolvable: boolean;
}

/** Everything computed once per scheduling attempt and shared by the filters and scores. */
export interface CycleState {
  readonly pod: Pod;
  readonly requests: Readonly<Resources>;
  readonly nodeSelector: readonly (readonly [string, string])[];
  /** The pod's container ports that ask for a host port. */
  readonly hostPorts: readonly ContainerPort[];
  /** topologyKey → domain values where the incoming pod's required anti-affinity forbids it. */
  readonly antiAffinityForbidden: Map<string, Set<string>>;
  /** topologyKey → domain values where an existing pod's required anti-affinity forbids it. */
  readonly existingAntiAffinityForbidden: Map<string, Set<string>>;
  /** Per required affinity term: the domains holding a matching pod, or "any" if none exists anywhere but the pod matches itself. */
  readonly affinityDomains: { term: PodAffinityTerm; domains: Set<string> | "any" }[];
  /** PVs the pod's bound claims use, for volume topology. */
  readonly volumes: PersistentVolume[];
}

export function termNamespaces(term: PodAffinityTerm, pod: Pod): string[] {
  return term.namespaces !== undefined && term.namespaces.length > 0 ? term.namespaces : [pod.metadata.namespace!];
}

function podMatchesTerm(term: PodAffinityTerm, owner: Pod, candidate: Pod): boolean {
  return termNamespaces(term, owner).includes(candidate.metadata.namespace!) && matchesSelector(term.labelSelector, candidate.metadata.labels);
}

function add(m: Map<string, Set<string>>, key: string, value: string): void {
  let s = m.get(key);
  if (s === undefined) m.set(key, (s = new Set()));
  s.add(value);
}

export function buildCycleState(snapshot: ClusterSnapshot, pod: Pod, volumes: PersistentVolume[]): CycleState {
  const anti = new Map<string, Set<string>>();
  const existing = new Map<string, Set<string>>();
  const antiTerms = pod.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
  const affinityTerms = pod.spec.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
  const affinityDomains = affinityTerms.map((term) => ({ term, domains: new Set<string>() as Set<string> | "any" }));
  const self = `${pod.metadata.namespace}/${pod.metadata.name}`;
  if (antiTerms.length > 0 || affinityTerms.length > 0) {
    for (const info of snapshot.list) {
      for (const [key, other] of info.pods) {
        if (key === self) continue;
        for (const t of antiTerms) {
          const v = info.label(t.topologyKey);
          if (v !== undefined && podMatchesTerm(t, pod, other)) add(anti, t.topologyKey, v);
        }
        for (const a of affinityDomains) {
          const v = info.label(a.term.topologyKey);
          if (v !== undefined && podMatchesTerm(a.term, pod, other)) (a.domains as Set<string>).add(v);
        }
      }
    }
  }
  for (const a of affinityDomains) {
    // The first pod of a group that selects itself may go anywhere (satisfyPodAffinity special case).
    if ((a.domains as Set<string>).size === 0 && podMatchesTerm(a.term, pod, pod)) a.domains = "any";
  }
  for (const [key, other] of snapshot.antiAffinityPods) {
    if (key === self) continue;
    const info = snapshot.nodes.get(other.spec.nodeName!);
    if (info === undefined) continue;
    for (const t of other.spec.affinity!.podAntiAffinity!.requiredDuringSchedulingIgnoredDuringExecution!) {
      const v = info.label(t.topologyKey);
      if (v !== undefined && podMatchesTerm(t, other, pod)) add(existing, t.topologyKey, v);
    }
  }
  return {
    pod,
    requests: podRequests(pod),
    nodeSelector: Object.entries(pod.spec.nodeSelector ?? {}),
    hostPorts: hostPortsOf(pod),
    antiAffinityForbidden: anti,
    existingAntiAffinityForbidden: existing,
    affinityDomains,
    volumes,
  };
}

function hostPortsOf(pod: Pod): ContainerPort[] {
  return pod.spec.containers.flatMap((c) => c.ports ?? []).filter((p) => p.hostPort);
}

export function tolerates(tolerations: readonly Toleration[] | undefined, taint: Taint): boolean {
  return (tolerations ?? []).some((t) => {
    if (t.effect !== undefined && t.effect !== taint.effect) return false;
    if (t.operator === "Exists") return t.key === undefined || t.key === "" || t.key === taint.key;
    return t.key === taint.key && (t.value ?? "") === (taint.value ?? "");
  });
}

/** Whether a node (its name and labels) satisfies one term of a node selector. */
export function nodeSelectorTermMatches(term: NodeSelectorTerm, info: { readonly name: string; readonly labels: Labels | undefined }): boolean {
  const labels = info.labels ?? {};
  for (const r of term.matchExpressions ?? []) {
    const v = labels[r.key];
    switch (r.operator) {
      case "In":
        if (v === undefined || !(r.values ?? []).includes(v)) return false;
        break;
      case "NotIn":
        if (v !== undefined && (r.values ?? []).includes(v)) return false;
        break;
      case "Exists":
        if (v === undefined) return false;
        break;
      case "DoesNotExist":
        if (v !== undefined) return false;
        break;
      case "Gt":
        if (v === undefined || !(Number(v) > Number(r.values?.[0]))) return false;
        break;
      case "Lt":
        if (v === undefined || !(Number(v) < Number(r.values?.[0]))) return false;
        break;
    }
  }
  for (const r of term.matchFields ?? []) {
    if (r.key !== "metadata.name") continue;
    const listed = (r.values ?? []).includes(info.name);
    if (r.operator === "In" ? !listed : listed) return false;
  }
  return (term.matchExpressions?.length ?? 0) + (term.matchFields?.length ?? 0) > 0;
}

/**
 * The default profile's filters in their order; the first failure is the node's only reason,
 * as the framework stops at the first failing plugin.
 */
export function filterNode(state: CycleState, info: NodeInfo): FilterFailure | undefined {
  const pod = state.pod;
  // NodeUnschedulable
  if (info.unschedulable && !tolerates(pod.spec.tolerations, { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" })) {
    return { reasons: ["node(s) were unschedulable"], unresolvable: true };
  }
  // NodeName
  if (pod.spec.nodeName && pod.spec.nodeName !== info.name) {
    return { reasons: ["node(s) didn't match the requested node name"], unresolvable: true };
  }
  // TaintToleration
  for (const taint of info.taints) {
    if (taint.effect === "PreferNoSchedule") continue;
    if (!tolerates(pod.spec.tolerations, taint)) {
      return { reasons: [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ""}}`], unresolvable: true };
    }
  }
  // NodeAffinity (nodeSelector and required node affinity)
  // Loops rather than closures: this runs for every candidate node of every pod scheduled.
  const labels = info.labels ?? {};
  let selectorOk = true;
  for (const [k, v] of state.nodeSelector) if (labels[k] !== v) selectorOk = false;
  const required = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  let affinityOk = required === undefined;
  if (required?.nodeSelectorTerms !== undefined) {
    for (const term of required.nodeSelectorTerms) if (!affinityOk && nodeSelectorTermMatches(term, info)) affinityOk = true;
  }
  if (!selectorOk || !affinityOk) return { reasons: ["node(s) didn't match Pod's node affinity/selector"], unresolvable: true };
  // NodePorts
  const wanted = state.hostPorts;
  if (wanted.length > 0) {
    for (const other of info.pods.values()) {
      const used = hostPortsOf(other);
      if (wanted.some((w) => used.some((u) => u.hostPort === w.hostPort && (u.protocol ?? "TCP") === (w.protocol ?? "TCP")))) {
        return { reasons: ["node(s) didn't have free ports for the requested pod ports"], unresolvable: false };
      }
    }
  }
  // NodeResourcesFit: every insufficiency is reported.
  const a = info.allocatable;
  const tooMany = info.requested.pods + 1 > a.pods;
  const cpu = state.requests.cpu > 0 && info.requested.cpu + state.requests.cpu > a.cpu;
  const memory = state.requests.memory > 0 && info.requested.memory + state.requests.memory > a.memory;
  if (tooMany || cpu || memory) {
    const reasons: string[] = [];
    if (tooMany) reasons.push("Too many pods");
    if (cpu) reasons.push("Insufficient cpu");
    if (memory) reasons.push("Insufficient memory");
    return { reasons, unresolvable: false };
  }
  // VolumeBinding: bound volumes with node affinity must allow this node.
  for (const pv of state.volumes) {
    const terms = pv.spec.nodeAffinity?.required?.nodeSelectorTerms;
    if (terms !== undefined && !terms.some((t) => nodeSelectorTermMatches(t, info))) {
      return { reasons: ["node(s) had volume node affinity conflict"], unresolvable: true };
    }
  }
  // PodTopologySpread (DoNotSchedule constraints) is checked by the scheduler, which has the counts.
  // InterPodAffinity
  for (const a2 of state.affinityDomains) {
    if (a2.domains === "any") continue;
    const v = info.label(a2.term.topologyKey);
    if (v === undefined || !a2.domains.has(v)) return { reasons: ["node(s) didn't match pod affinity rules"], unresolvable: true };
  }
  // Size checks first: a Map iterator is an allocation, and these maps are almost always empty.
  if (state.antiAffinityForbidden.size > 0) {
    for (const [key, values] of state.antiAffinityForbidden) {
      const v = info.label(key);
      if (v !== undefined && values.has(v)) return { reasons: ["node(s) didn't match pod anti-affinity rules"], unresolvable: false };
    }
  }
  if (state.existingAntiAffinityForbidden.size > 0) {
    for (const [key, values] of state.existingAntiAffinityForbidden) {
      const v = info.label(key);
      if (v !== undefined && values.has(v)) return { reasons: ["node(s) didn't satisfy existing pods anti-affinity rules"], unresolvable: false };
    }
  }
  return undefined;
}
