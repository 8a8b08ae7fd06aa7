import type { ControllerRevision, DaemonSet, DaemonSetStatus, Node, NodeSelectorTerm, Pod, PodSpec, Taint, Toleration } from "../api/types.js";
import { DAEMONSET_TEMPLATE_GENERATION } from "../api/validation.js";
import { nodeSelectorTermMatches, tolerates } from "../scheduler/filters.js";
import type { ControllerContext } from "./context.js";
import { podTemplateHash } from "./deployment.js";
import { nextRevisionNumber, revisionData, revisionPatch, sortRevisions } from "./history.js";
import { scaledValue } from "./int-or-percent.js";
import { claimObjects, ownersToSync } from "./claims.js";
import { OrphanIndex } from "./orphans.js";
import { isPodAvailable, isPodReady, isTerminating, keyOf, matchesSelector, newControllerRef, splitKey } from "./pod-util.js";
import { WorkQueue } from "./workqueue.js";

const COMPONENT = "daemonset-controller";
/** apps.DefaultDaemonSetUniqueLabelKey: on pods and revisions, the template's hash. */
export const DAEMONSET_HASH_LABEL = "controller-revision-hash";
const TEMPLATE_GENERATION_LABEL = "pod-template-generation";

/**
 * The tolerations every daemon pod gets (util.AddOrUpdateDaemonPodTolerations): it must survive
 * the node lifecycle controller's taint-based eviction and run on cordoned or pressured nodes.
 */
const DAEMON_TOLERATIONS: readonly Toleration[] = [
  { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute" },
  { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute" },
  { key: "node.kubernetes.io/disk-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/memory-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/pid-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" },
];
const HOST_NETWORK_TOLERATION: Toleration = { key: "node.kubernetes.io/network-unavailable", operator: "Exists", effect: "NoSchedule" };

/**
 * The template's hash and revision patch, by the spec they were computed from. Stored objects are
 * never mutated and a status write keeps the spec object, while every change to a daemon pod
 * syncs the set, and serializing the template twice was a third of what a sync cost.
 */
const templateDerived = new WeakMap<DaemonSet["spec"], { readonly collisionCount: number; readonly hash: string; readonly patch: string }>();

/**
 * The DaemonSet controller (pkg/controller/daemon): one pod per eligible node, pinned there by
 * node affinity on the node's name and scheduled by the default scheduler; pods on nodes that no
 * longer qualify are deleted, failed ones replaced, and a template change rolls out node by node
 * within maxUnavailable. Revisions are ControllerRevisions named by the template hash, which
 * pods carry in `controller-revision-hash`.
 */
export class DaemonSetController {
  private readonly queue: WorkQueue;
  private readonly orphans: OrphanIndex<Pod>;
  private readonly orphanRevisions: OrphanIndex<ControllerRevision>;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue(ctx.sim, COMPONENT, (key) => this.sync(key));
    this.orphans = new OrphanIndex(ctx.api.store, "Pod");
    this.orphanRevisions = new OrphanIndex(ctx.api.store, "ControllerRevision");
  }

  start(): void {
    const api = this.ctx.api;
    // The informer's initial list: the cluster's own DaemonSets exist before the controller starts.
    for (const ds of api.list<DaemonSet>("DaemonSet")) this.queue.add(keyOf(ds));
    api.watch<DaemonSet>("DaemonSet", (e) => this.queue.add(keyOf(e.object)));
    api.watch<Pod>("Pod", (e) => {
      for (const key of ownersToSync(api, "DaemonSet", e)) this.queue.add(key);
    });
    // Labels, taints and conditions decide where daemons run; a new node needs its pod.
    api.watch<Node>("Node", (e) => {
      const before = e.previous;
      if (before !== undefined && before.metadata.labels === e.object.metadata.labels && before.spec === e.object.spec) return;
      for (const ds of api.list<DaemonSet>("DaemonSet")) this.queue.add(keyOf(ds));
    });
  }

  private sync(key: string): void {
    const [namespace, name] = splitKey(key);
    const api = this.ctx.api;
    const ds = api.get<DaemonSet>("DaemonSet", namespace, name);
    if (ds === undefined) return;
    const pods = this.claimPods(ds);
    const hash = isTerminating(ds) ? undefined : this.currentRevision(ds, pods);
    const nodes = api.list<Node>("Node");
    const byNode = podsByNode(pods.filter((p) => !isTerminating(p)));
    if (hash !== undefined) {
      this.manage(ds, nodes, byNode, hash);
      if ((ds.spec.updateStrategy?.type ?? "RollingUpdate") === "RollingUpdate") this.rollingUpdate(ds, nodes, hash);
    }
    this.writeStatus(ds, nodes, hash);
  }

  /** Creates the missing daemon pods, deletes the surplus, failed and misplaced ones (manage). */
  private manage(ds: DaemonSet, nodes: readonly Node[], byNode: Map<string, Pod[]>, hash: string): void {
    const { api, events } = this.ctx;
    const doomed: Pod[] = [];
    for (const node of nodes) {
      const nodeName = node.metadata.name!;
      const here = byNode.get(nodeName) ?? [];
      const { shouldRun, shouldContinueRunning } = placement(ds, node);
      if (shouldRun && here.length === 0) {
        const pod = api.create(daemonPod(ds, nodeName, hash));
        events.record(ds, "Normal", "SuccessfulCreate", `Created pod: ${pod.metadata.name}`, COMPONENT);
      } else if (shouldContinueRunning) {
        const running: Pod[] = [];
        for (const p of here) {
          if (p.status?.phase === "Failed") {
            events.record(ds, "Warning", "FailedDaemonPod", `Found failed daemon pod ${p.metadata.namespace}/${p.metadata.name} on node ${nodeName}, will try to kill it`, COMPONENT);
            doomed.push(p);
          } else running.push(p);
        }
        // More than one: keep the oldest.
        doomed.push(...byAge(running).slice(1));
      } else doomed.push(...here);
    }
    for (const p of doomed) this.deletePod(ds, p);
  }

  /**
   * Deletes old pods so that the manage loop replaces them: unavailable ones at once, available
   * ones only while fewer than maxUnavailable nodes are without an available daemon (surge 0).
   */
  private rollingUpdate(ds: DaemonSet, nodes: readonly Node[], hash: string): void {
    const now = this.ctx.sim.epochMs();
    const minReady = ds.spec.minReadySeconds ?? 0;
    const byNode = podsByNode(this.claimPods(ds).filter((p) => !isTerminating(p)));
    const desired = nodes.filter((n) => placement(ds, n).shouldRun).length;
    const maxUnavailable = scaledValue(ds.spec.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1, desired, true);
    let unavailable = 0;
    const replaceNow: Pod[] = [];
    const candidates: Pod[] = [];
    for (const here of byNode.values()) {
      if (here.length !== 1) {
        unavailable++;
        continue;
      }
      const pod = here[0]!;
      const available = isPodAvailable(pod, minReady, now);
      if (pod.metadata.labels?.[DAEMONSET_HASH_LABEL] === hash) {
        if (!available) unavailable++;
      } else if (!available) replaceNow.push(pod);
      else if (unavailable < maxUnavailable) candidates.push(pod);
    }
    const room = Math.min(Math.max(0, maxUnavailable - unavailable), candidates.length);
    for (const p of [...replaceNow, ...candidates.slice(0, room)]) this.deletePod(ds, p);
    if (minReady > 0) this.queue.addAfter(keyOf(ds), minReady * 1000);
  }

  private deletePod(ds: DaemonSet, pod: Pod): void {
    const api = this.ctx.api;
    if (api.get("Pod", pod.metadata.namespace, pod.metadata.name!) === undefined) return;
    api.delete("Pod", pod.metadata.namespace, pod.metadata.name!);
    this.ctx.events.record(ds, "Normal", "SuccessfulDelete", `Deleted pod: ${pod.metadata.name}`, COMPONENT);
  }

  /** The template's hash, creating its ControllerRevision (constructHistory) when it is new. */
  private currentRevision(ds: DaemonSet, pods: readonly Pod[]): string {
    const api = this.ctx.api;
    const collisionCount = ds.status?.collisionCount ?? 0;
    let derived = templateDerived.get(ds.spec);
    if (derived === undefined || derived.collisionCount !== collisionCount) {
      derived = { collisionCount, hash: podTemplateHash(ds.spec.template, collisionCount), patch: revisionPatch(ds.spec.template) };
      templateDerived.set(ds.spec, derived);
    }
    const { hash, patch } = derived;
    const revisions = sortRevisions(claimObjects(api, ds, "ControllerRevision", this.orphanRevisions, (r) => matchesSelector(ds.spec.selector, r.metadata.labels)));
    const existing = revisions.find((r) => revisionData(r) === patch);
    const next = nextRevisionNumber(revisions);
    if (existing === undefined) {
      const cr: ControllerRevision = {
        apiVersion: "apps/v1",
        kind: "ControllerRevision",
        metadata: {
          name: `${ds.metadata.name}-${hash}`,
          namespace: ds.metadata.namespace,
          labels: { ...(ds.spec.template.metadata?.labels ?? {}), [DAEMONSET_HASH_LABEL]: hash },
          ownerReferences: [newControllerRef(ds)],
        },
        data: JSON.parse(patch),
        revision: next,
      };
      if (ds.metadata.annotations !== undefined) cr.metadata.annotations = { ...ds.metadata.annotations };
      revisions.push(api.create(cr));
    } else if (existing !== revisions[revisions.length - 1]) {
      // Back to an older template: that revision becomes the newest.
      api.mutate<ControllerRevision>("ControllerRevision", existing.metadata.namespace, existing.metadata.name!, (c) => {
        c.revision = next;
      });
    }
    this.truncateHistory(ds, revisions, hash, pods);
    return hash;
  }

  /** Old revisions no pod runs any more, beyond revisionHistoryLimit, are deleted. */
  private truncateHistory(ds: DaemonSet, revisions: readonly ControllerRevision[], hash: string, pods: readonly Pod[]): void {
    const api = this.ctx.api;
    const live = new Set([hash]);
    for (const p of pods) live.add(p.metadata.labels?.[DAEMONSET_HASH_LABEL] ?? "");
    const history = revisions.filter((r) => !live.has(r.metadata.labels?.[DAEMONSET_HASH_LABEL] ?? ""));
    const excess = history.length - (ds.spec.revisionHistoryLimit ?? 10);
    for (const r of history.slice(0, Math.max(0, excess))) {
      if (api.get("ControllerRevision", r.metadata.namespace, r.metadata.name!) !== undefined) api.delete("ControllerRevision", r.metadata.namespace, r.metadata.name!);
    }
  }

  private claimPods(ds: DaemonSet): Pod[] {
    return claimObjects(this.ctx.api, ds, "Pod", this.orphans, (p) => matchesSelector(ds.spec.selector, p.metadata.labels));
  }

  private writeStatus(ds: DaemonSet, nodes: readonly Node[], hash: string | undefined): void {
    const api = this.ctx.api;
    const now = this.ctx.sim.epochMs();
    const byNode = podsByNode(this.claimPods(ds).filter((p) => !isTerminating(p)));
    const status: DaemonSetStatus = { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 };
    let updated = 0;
    let available = 0;
    for (const node of nodes) {
      const here = byNode.get(node.metadata.name!);
      if (!placement(ds, node).shouldRun) {
        if (here !== undefined) status.numberMisscheduled++;
        continue;
      }
      status.desiredNumberScheduled++;
      if (here === undefined) continue;
      status.currentNumberScheduled++;
      const pod = byAge(here)[0]!;
      if (isPodReady(pod)) status.numberReady++;
      if (isPodAvailable(pod, ds.spec.minReadySeconds ?? 0, now)) available++;
      if (hash !== undefined && pod.metadata.labels?.[DAEMONSET_HASH_LABEL] === hash) updated++;
    }
    status.observedGeneration = ds.metadata.generation;
    status.updatedNumberScheduled = updated;
    status.numberAvailable = available;
    if (status.desiredNumberScheduled > available) status.numberUnavailable = status.desiredNumberScheduled - available;
    if (ds.status?.collisionCount !== undefined) status.collisionCount = ds.status.collisionCount;
    const latest = api.get<DaemonSet>("DaemonSet", ds.metadata.namespace, ds.metadata.name!);
    if (latest === undefined || JSON.stringify(latest.status) === JSON.stringify(status)) return;
    api.updateStatus({ ...latest, status });
  }
}

/**
 * NodeShouldRunDaemonPod: whether a new daemon pod belongs on the node (its name, selector and
 * affinity match and every NoSchedule/NoExecute taint is tolerated), and whether one already
 * there may stay (only NoExecute taints can push it out).
 */
function placement(ds: DaemonSet, node: Node): { shouldRun: boolean; shouldContinueRunning: boolean } {
  const spec = ds.spec.template.spec;
  const name = node.metadata.name!;
  const target = { name, labels: node.metadata.labels };
  const selectorOk = Object.entries(spec.nodeSelector ?? {}).every(([k, v]) => node.metadata.labels?.[k] === v);
  const terms: readonly NodeSelectorTerm[] | undefined = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  const affinityOk = terms === undefined || terms.some((t) => nodeSelectorTermMatches(t, target));
  if ((spec.nodeName && spec.nodeName !== name) || !selectorOk || !affinityOk) return { shouldRun: false, shouldContinueRunning: false };
  const tolerations = daemonTolerations(spec);
  const untolerated = (effects: readonly Taint["effect"][]) =>
    (node.spec.taints ?? []).some((t) => effects.includes(t.effect) && !tolerates(tolerations, t));
  if (untolerated(["NoSchedule", "NoExecute"])) return { shouldRun: false, shouldContinueRunning: !untolerated(["NoExecute"]) };
  return { shouldRun: true, shouldContinueRunning: true };
}

/** The template's tolerations with the daemon ones added or replaced (AddOrUpdateTolerationInPodSpec). */
function daemonTolerations(spec: PodSpec): Toleration[] {
  const out = [...(spec.tolerations ?? [])];
  for (const t of spec.hostNetwork ? [...DAEMON_TOLERATIONS, HOST_NETWORK_TOLERATION] : DAEMON_TOLERATIONS) {
    const i = out.findIndex((x) => x.key === t.key && x.effect === t.effect && x.operator === t.operator && (x.value ?? "") === "");
    if (i >= 0) out[i] = t;
    else out.push(t);
  }
  return out;
}

/**
 * NewPod for a node: the template, its hash and template generation (the annotation the API
 * server bumps on template changes only), and affinity to that node alone.
 */
function daemonPod(ds: DaemonSet, nodeName: string, hash: string): Pod {
  const meta = ds.spec.template.metadata ?? {};
  const spec = structuredClone(ds.spec.template.spec) as PodSpec;
  spec.tolerations = daemonTolerations(spec);
  // ReplaceDaemonSetPodNodeNameNodeAffinity: the node's name replaces any required node terms.
  const pinned = { nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In" as const, values: [nodeName] }] }] };
  spec.affinity = { ...(spec.affinity ?? {}), nodeAffinity: { ...(spec.affinity?.nodeAffinity ?? {}), requiredDuringSchedulingIgnoredDuringExecution: pinned } };
  const pod: Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      generateName: `${ds.metadata.name}-`,
      namespace: ds.metadata.namespace,
      labels: { ...(meta.labels ?? {}), [DAEMONSET_HASH_LABEL]: hash, [TEMPLATE_GENERATION_LABEL]: ds.metadata.annotations?.[DAEMONSET_TEMPLATE_GENERATION] ?? "1" },
      ownerReferences: [newControllerRef(ds)],
    },
    spec,
  };
  if (meta.annotations !== undefined) pod.metadata.annotations = { ...meta.annotations };
  return pod;
}

/** Daemon pods by the node they are for: bound, or pinned by affinity while still unscheduled. */
function podsByNode(pods: readonly Pod[]): Map<string, Pod[]> {
  const out = new Map<string, Pod[]>();
  for (const p of pods) {
    const node = p.spec.nodeName || targetNode(p);
    if (node === undefined) continue;
    out.set(node, [...(out.get(node) ?? []), p]);
  }
  return out;
}

/** GetTargetNodeName: the node an unscheduled daemon pod's affinity names. */
function targetNode(pod: Pod): string | undefined {
  for (const term of pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const f of term.matchFields ?? []) if (f.key === "metadata.name" && f.operator === "In" && f.values?.length === 1) return f.values[0];
  }
  return undefined;
}

function byAge(pods: readonly Pod[]): Pod[] {
  return [...pods].sort((a, b) => (a.metadata.creationTimestamp ?? "").localeCompare(b.metadata.creationTimestamp ?? "") || (a.metadata.name ?? "").localeCompare(b.metadata.name ?? ""));
}
