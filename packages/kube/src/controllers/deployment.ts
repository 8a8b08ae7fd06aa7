import { fnv1a_32, goJson, safeEncodeString } from "../api/gojson.js";
import { LAST_APPLIED } from "../api/patch.js";
import { jsonEqual } from "../api/json-value.js";
import type {
  Deployment,
  DeploymentCondition,
  DeploymentStatus,
  Pod,
  PodTemplateSpec,
  ReplicaSet,
} from "../api/types.js";
import type { ControllerContext } from "./context.js";
import { claimObjects } from "./claims.js";
import { OrphanIndex } from "./orphans.js";
import { controllerRef, isTerminating, keyOf, matchesSelector, newControllerRef, splitKey } from "./pod-util.js";
import { WorkQueue } from "./workqueue.js";
import { scaledValue } from "./int-or-percent.js";

const COMPONENT = "deployment-controller";
export const POD_TEMPLATE_HASH = "pod-template-hash";
export const REVISION_ANNOTATION = "deployment.kubernetes.io/revision";
/** The revisions a ReplicaSet had before it became the newest again (a rollback). */
const REVISION_HISTORY_ANNOTATION = "deployment.kubernetes.io/revision-history";
const DESIRED_ANNOTATION = "deployment.kubernetes.io/desired-replicas";
const MAX_ANNOTATION = "deployment.kubernetes.io/max-replicas";

/**
 * The Deployment controller (pkg/controller/deployment): one ReplicaSet per pod template, named
 * after the template's hash; Recreate (old pods fully gone before new ones start) and
 * RollingUpdate (maxSurge / maxUnavailable); revisions; status and conditions.
 */
export class DeploymentController {
  readonly queue: WorkQueue;
  private readonly orphans: OrphanIndex<ReplicaSet>;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue(ctx.sim, COMPONENT, (key) => this.sync(key));
    this.orphans = new OrphanIndex(ctx.api.store, "ReplicaSet");
  }

  start(): void {
    const api = this.ctx.api;
    api.watch<Deployment>("Deployment", (e) => this.queue.add(keyOf(e.object)));
    api.watch<ReplicaSet>("ReplicaSet", (e) => {
      const ref = controllerRef(e.object);
      if (ref?.kind === "Deployment") this.queue.add(`${e.object.metadata.namespace}/${ref.name}`);
    });
    // Recreate waits for old pods to be gone, so their deletion must wake the deployment.
    api.watch<Pod>("Pod", (e) => {
      if (e.type !== "DELETED") return;
      const ref = controllerRef(e.object);
      if (ref?.kind !== "ReplicaSet") return;
      const rs = api.get<ReplicaSet>("ReplicaSet", e.object.metadata.namespace, ref.name);
      const owner = rs && controllerRef(rs);
      if (owner?.kind === "Deployment") this.queue.add(`${rs!.metadata.namespace}/${owner.name}`);
    });
  }

  sync(key: string): void {
    const [namespace, name] = splitKey(key);
    const api = this.ctx.api;
    const d = api.get<Deployment>("Deployment", namespace, name);
    if (d === undefined) return;
    const all = this.claimReplicaSets(d);
    if (isTerminating(d) || d.spec.paused) {
      this.writeStatus(d, all, findNew(d, all));
      return;
    }
    if (d.spec.strategy?.type === "Recreate") this.recreate(d, all);
    else this.rollingUpdate(d, all);
  }

  /** The deployment's ReplicaSets after adopting matching orphans (ClaimReplicaSets), oldest first. */
  private claimReplicaSets(d: Deployment): ReplicaSet[] {
    return claimObjects(this.ctx.api, d, "ReplicaSet", this.orphans, (rs) => matchesSelector(d.spec.selector, rs.metadata.labels)).sort(
      (a, b) => (a.metadata.creationTimestamp ?? "").localeCompare(b.metadata.creationTimestamp ?? "") || a.metadata.name!.localeCompare(b.metadata.name!),
    );
  }

  private recreate(d: Deployment, all: ReplicaSet[]): void {
    const current = findNew(d, all);
    const old = all.filter((r) => r !== current);
    let newRS = this.syncRevision(d, current, old);
    let scaled = false;
    for (const rs of old) if ((rs.spec.replicas ?? 0) > 0) scaled = this.scale(d, rs, 0) || scaled;
    if (scaled || this.oldPodsRunning(old)) {
      this.writeStatus(d, this.claimReplicaSets(d), newRS);
      return;
    }
    if (newRS === undefined) newRS = this.createNew(d, old, 0);
    this.scale(d, newRS, d.spec.replicas ?? 1);
    this.cleanup(d);
    const claimed = this.claimReplicaSets(d);
    this.writeStatus(d, claimed, findNew(d, claimed));
  }

  private rollingUpdate(d: Deployment, all: ReplicaSet[]): void {
    const replicas = d.spec.replicas ?? 1;
    const { maxSurge, maxUnavailable } = rollingParams(d);
    const current = findNew(d, all);
    const old = all.filter((r) => r !== current);
    let newRS = this.syncRevision(d, current, old);
    const total = (list: ReplicaSet[]) => list.reduce((a, r) => a + (r.spec.replicas ?? 0), 0);
    if (newRS === undefined) {
      const current = total(old);
      const count = Math.max(0, Math.min(replicas + maxSurge - current, replicas));
      newRS = this.createNew(d, old, count);
    } else if ((newRS.spec.replicas ?? 0) > replicas) {
      this.scale(d, newRS, replicas);
    } else if ((newRS.spec.replicas ?? 0) < replicas) {
      const current = total([newRS, ...old]);
      const room = replicas + maxSurge - current;
      if (room > 0) this.scale(d, newRS, (newRS.spec.replicas ?? 0) + Math.min(room, replicas - (newRS.spec.replicas ?? 0)));
    }
    this.reconcileOld(d, newRS, old.filter((r) => (r.spec.replicas ?? 0) > 0), maxUnavailable);
    this.cleanup(d);
    const latest = this.claimReplicaSets(d);
    this.writeStatus(d, latest, findNew(d, latest));
  }

  /**
   * getAllReplicaSetsAndSyncRevision for an existing new ReplicaSet: going back to an older
   * template makes its ReplicaSet the newest revision again (the number it had goes to
   * revision-history), and the Deployment carries that revision.
   */
  private syncRevision(d: Deployment, newRS: ReplicaSet | undefined, old: ReplicaSet[]): ReplicaSet | undefined {
    if (newRS === undefined) return undefined;
    const api = this.ctx.api;
    const revision = String(maxRevision(old) + 1);
    const current = newRS.metadata.annotations?.[REVISION_ANNOTATION];
    let rs = newRS;
    if (Number(current ?? 0) < Number(revision)) {
      rs = api.mutate<ReplicaSet>("ReplicaSet", newRS.metadata.namespace, newRS.metadata.name!, (r) => {
        const annotations: Record<string, string> = { ...(r.metadata.annotations ?? {}), [REVISION_ANNOTATION]: revision };
        if (current !== undefined) {
          const history = annotations[REVISION_HISTORY_ANNOTATION];
          annotations[REVISION_HISTORY_ANNOTATION] = history ? `${history},${current}` : current;
        }
        r.metadata.annotations = annotations;
      });
    }
    const want = rs.metadata.annotations?.[REVISION_ANNOTATION];
    if (want !== undefined && d.metadata.annotations?.[REVISION_ANNOTATION] !== want) {
      api.mutate<Deployment>("Deployment", d.metadata.namespace, d.metadata.name!, (x) => {
        x.metadata.annotations = { ...(x.metadata.annotations ?? {}), [REVISION_ANNOTATION]: want };
      });
    }
    return rs;
  }

  /** reconcileOldReplicaSets: scale old sets down without dropping below minAvailable. */
  private reconcileOld(d: Deployment, newRS: ReplicaSet, old: ReplicaSet[], maxUnavailable: number): void {
    if (old.length === 0) return;
    const api = this.ctx.api;
    const fresh = (r: ReplicaSet) => api.get<ReplicaSet>("ReplicaSet", r.metadata.namespace, r.metadata.name!) ?? r;
    const n = fresh(newRS);
    const olds = old.map(fresh);
    const allPods = [n, ...olds].reduce((a, r) => a + (r.spec.replicas ?? 0), 0);
    const minAvailable = (d.spec.replicas ?? 1) - maxUnavailable;
    const newUnavailable = (n.spec.replicas ?? 0) - (n.status?.availableReplicas ?? 0);
    let maxScaledDown = allPods - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return;
    // First remove unhealthy old replicas, which do not count towards availability anyway.
    for (const rs of olds) {
      if (maxScaledDown <= 0) break;
      const unhealthy = (rs.spec.replicas ?? 0) - (rs.status?.availableReplicas ?? 0);
      const down = Math.min(maxScaledDown, unhealthy);
      if (down > 0) {
        this.scale(d, rs, (rs.spec.replicas ?? 0) - down);
        maxScaledDown -= down;
      }
    }
    const olds2 = olds.map(fresh);
    const available = [n, ...olds2].reduce((a, r) => a + (r.status?.availableReplicas ?? 0), 0);
    let budget = available - minAvailable;
    for (const rs of olds2) {
      if (budget <= 0) break;
      const down = Math.min(rs.spec.replicas ?? 0, budget);
      if (down > 0) {
        this.scale(d, rs, (rs.spec.replicas ?? 0) - down);
        budget -= down;
      }
    }
  }

  private oldPodsRunning(old: ReplicaSet[]): boolean {
    const api = this.ctx.api;
    for (const rs of old) {
      for (const o of api.store.dependents(rs.metadata.uid!)) {
        if (o.kind !== "Pod") continue;
        const phase = (o as Pod).status?.phase;
        if (phase !== "Succeeded" && phase !== "Failed") return true;
      }
    }
    return false;
  }

  private createNew(d: Deployment, old: ReplicaSet[], replicas: number): ReplicaSet {
    const api = this.ctx.api;
    let collision = d.status?.collisionCount ?? 0;
    const revision = String(maxRevision(old) + 1);
    for (;;) {
      const hash = podTemplateHash(d.spec.template, collision);
      const name = `${d.metadata.name}-${hash}`;
      const existing = api.get<ReplicaSet>("ReplicaSet", d.metadata.namespace, name);
      if (existing !== undefined) {
        if (controllerRef(existing)?.uid === d.metadata.uid && equalIgnoreHash(existing.spec.template, d.spec.template)) return existing;
        collision++;
        continue;
      }
      const template = structuredClone(d.spec.template) as PodTemplateSpec;
      template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH]: hash } };
      const rs: ReplicaSet = {
        apiVersion: "apps/v1",
        kind: "ReplicaSet",
        metadata: {
          name,
          namespace: d.metadata.namespace,
          labels: { ...(d.spec.template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH]: hash },
          annotations: {
            ...(d.metadata.annotations ?? {}),
            [DESIRED_ANNOTATION]: String(d.spec.replicas ?? 1),
            [MAX_ANNOTATION]: String((d.spec.replicas ?? 1) + rollingParams(d).maxSurge),
            [REVISION_ANNOTATION]: revision,
          },
          ownerReferences: [newControllerRef(d)],
        },
        spec: {
          replicas,
          minReadySeconds: d.spec.minReadySeconds ?? 0,
          selector: { ...d.spec.selector, matchLabels: { ...(d.spec.selector.matchLabels ?? {}), [POD_TEMPLATE_HASH]: hash } },
          template,
        },
      };
      delete rs.metadata.annotations![LAST_APPLIED];
      const created = api.create(rs);
      if (replicas > 0) {
        this.ctx.events.record(d, "Normal", "ScalingReplicaSet", `Scaled up replica set ${name} to ${replicas}`, COMPONENT);
      }
      api.mutate<Deployment>("Deployment", d.metadata.namespace, d.metadata.name!, (x) => {
        x.metadata.annotations = { ...(x.metadata.annotations ?? {}), [REVISION_ANNOTATION]: revision };
        if (collision !== (d.status?.collisionCount ?? 0)) x.status = { ...(x.status ?? {}), collisionCount: collision };
        setCondition(x, "Progressing", "True", "NewReplicaSetCreated", `Created new replica set "${name}"`, this.ctx.api.now());
      });
      return created;
    }
  }

  /** Scales a ReplicaSet, with the event the real controller records. Returns whether it changed. */
  private scale(d: Deployment, rs: ReplicaSet, to: number): boolean {
    const from = rs.spec.replicas ?? 0;
    if (from === to) return false;
    this.ctx.api.mutate<ReplicaSet>("ReplicaSet", rs.metadata.namespace, rs.metadata.name!, (r) => {
      r.spec.replicas = to;
      r.metadata.annotations = {
        ...(r.metadata.annotations ?? {}),
        [DESIRED_ANNOTATION]: String(d.spec.replicas ?? 1),
        [MAX_ANNOTATION]: String((d.spec.replicas ?? 1) + rollingParams(d).maxSurge),
      };
    });
    const direction = to > from ? "up" : "down";
    this.ctx.events.record(d, "Normal", "ScalingReplicaSet", `Scaled ${direction} replica set ${rs.metadata.name} to ${to} from ${from}`, COMPONENT);
    return true;
  }

  /** Deletes old, empty ReplicaSets beyond revisionHistoryLimit, oldest first. */
  private cleanup(d: Deployment): void {
    const api = this.ctx.api;
    const all = this.claimReplicaSets(d);
    const newRS = findNew(d, all);
    const empty = all.filter((r) => r !== newRS && (r.spec.replicas ?? 0) === 0 && (r.status?.replicas ?? 0) === 0 && !isTerminating(r));
    const limit = d.spec.revisionHistoryLimit ?? 10;
    empty.sort((a, b) => Number(a.metadata.annotations?.[REVISION_ANNOTATION] ?? 0) - Number(b.metadata.annotations?.[REVISION_ANNOTATION] ?? 0));
    for (const rs of empty.slice(0, Math.max(0, empty.length - limit))) api.delete("ReplicaSet", rs.metadata.namespace, rs.metadata.name!);
  }

  private writeStatus(d: Deployment, all: ReplicaSet[], newRS: ReplicaSet | undefined): void {
    const api = this.ctx.api;
    const latest = api.get<Deployment>("Deployment", d.metadata.namespace, d.metadata.name!);
    if (latest === undefined) return;
    const replicas = latest.spec.replicas ?? 1;
    const sum = (f: (r: ReplicaSet) => number) => all.reduce((a, r) => a + f(r), 0);
    const available = sum((r) => r.status?.availableReplicas ?? 0);
    const status: DeploymentStatus = {
      ...(latest.status ?? {}),
      observedGeneration: latest.metadata.generation,
      replicas: sum((r) => r.status?.replicas ?? 0),
      updatedReplicas: newRS?.status?.replicas ?? 0,
      readyReplicas: sum((r) => r.status?.readyReplicas ?? 0),
      availableReplicas: available,
      unavailableReplicas: Math.max(0, replicas - available),
    };
    const draft = { ...latest, status } as Deployment;
    const now = api.now();
    const minAvailable = replicas - (latest.spec.strategy?.type === "Recreate" ? 0 : rollingParams(latest).maxUnavailable);
    if (available >= minAvailable) setCondition(draft, "Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", now);
    else setCondition(draft, "Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.", now);
    if (newRS !== undefined) {
      const complete =
        (status.updatedReplicas ?? 0) === replicas &&
        (status.replicas ?? 0) === replicas &&
        available === replicas &&
        (newRS.status?.availableReplicas ?? 0) === replicas;
      if (complete) setCondition(draft, "Progressing", "True", "NewReplicaSetAvailable", `ReplicaSet "${newRS.metadata.name}" has successfully progressed.`, now);
      else if (conditionOf(draft, "Progressing")?.reason !== "NewReplicaSetCreated" || newRS.status?.replicas) {
        setCondition(draft, "Progressing", "True", "ReplicaSetUpdated", `ReplicaSet "${newRS.metadata.name}" is progressing.`, now);
      }
    }
    if (JSON.stringify(draft.status) !== JSON.stringify(latest.status)) api.updateStatus(draft);
  }
}

function conditionOf(d: Deployment, type: string): DeploymentCondition | undefined {
  return d.status?.conditions?.find((c) => c.type === type);
}

/** Sets a condition; lastTransitionTime moves only when the status flips, lastUpdateTime when anything does. */
function setCondition(d: Deployment, type: string, status: "True" | "False", reason: string, message: string, now: string): void {
  const conditions = [...(d.status?.conditions ?? [])];
  const i = conditions.findIndex((c) => c.type === type);
  const old = i >= 0 ? conditions[i] : undefined;
  if (old !== undefined && old.status === status && old.reason === reason && old.message === message) return;
  const next: DeploymentCondition = {
    type,
    status,
    lastUpdateTime: now,
    lastTransitionTime: old !== undefined && old.status === status ? old.lastTransitionTime : now,
    reason,
    message,
  };
  if (i >= 0) conditions[i] = next;
  else conditions.push(next);
  d.status = { ...(d.status ?? {}), conditions };
}

function findNew(d: Deployment, all: ReplicaSet[]): ReplicaSet | undefined {
  // The oldest matching set wins, as FindNewReplicaSet's sort by creation does.
  return all.find((r) => equalIgnoreHash(r.spec.template, d.spec.template));
}

/** EqualIgnoreHash: the templates are the same but for the pod-template-hash label. */
function equalIgnoreHash(a: PodTemplateSpec, b: PodTemplateSpec): boolean {
  return jsonEqual(withoutHash(a), withoutHash(b));
}

function withoutHash(t: PodTemplateSpec): PodTemplateSpec {
  const labels = t.metadata?.labels;
  if (labels === undefined || !(POD_TEMPLATE_HASH in labels)) return t;
  const { [POD_TEMPLATE_HASH]: _hash, ...rest } = labels;
  return { ...t, metadata: { ...t.metadata, labels: rest } };
}

function maxRevision(list: ReplicaSet[]): number {
  let max = 0;
  for (const r of list) max = Math.max(max, Number(r.metadata.annotations?.[REVISION_ANNOTATION] ?? 0));
  return max;
}

/**
 * The pod-template-hash: Kubernetes hashes a spew dump of the template with FNV-1a, which we do
 * not reproduce byte for byte; this hashes the template's JSON instead, with the same output
 * alphabet and length, so names look and behave like the real ones.
 */
export function podTemplateHash(template: PodTemplateSpec, collisionCount: number): string {
  return safeEncodeString(String(fnv1a_32(goJson(template) + (collisionCount > 0 ? String(collisionCount) : ""))));
}

/** maxSurge rounds up, maxUnavailable rounds down; both zero means maxUnavailable 1. */
export function rollingParams(d: Deployment): { maxSurge: number; maxUnavailable: number } {
  if (d.spec.strategy?.type === "Recreate") return { maxSurge: 0, maxUnavailable: 0 };
  const replicas = d.spec.replicas ?? 1;
  const ru = d.spec.strategy?.rollingUpdate;
  const maxSurge = scaledValue(ru?.maxSurge ?? "25%", replicas, true);
  let maxUnavailable = scaledValue(ru?.maxUnavailable ?? "25%", replicas, false);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable: Math.min(maxUnavailable, replicas) };
}

