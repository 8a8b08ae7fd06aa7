import { ApiError } from "../../api/errors.js";
import type { WatchEvent } from "../../api/store.js";
import type {
  ControllerRevision,
  IntOrString,
  OwnerReference,
  PersistentVolumeClaim,
  Pod,
  StatefulSet,
  StatefulSetStatus,
} from "../../api/types.js";
import type { ControllerContext } from "../context.js";
import { jsonEqual } from "../../api/json-value.js";
import { controllerRef, isPodAvailable, isPodReady, isRunningAndReady, isTerminating, keyOf, matchesSelector, splitKey } from "../pod-util.js";
import { claimObjects } from "../claims.js";
import { OrphanIndex } from "../orphans.js";
import { WorkQueue } from "../workqueue.js";
import {
  claimsFor,
  identityMatches,
  inOrdinalRange,
  isMemberOf,
  newStatefulSetPod,
  ordinalOf,
  REVISION_LABEL,
  startOrdinal,
  storageMatches,
  updateIdentity,
  updateStorage,
} from "./identity.js";
import { applyRevision, newRevision, nextRevisionNumber, revisionData, sortRevisions } from "../history.js";

const COMPONENT = "statefulset-controller";

/**
 * The StatefulSet controller, after kubernetes pkg/controller/statefulset: ordered (or parallel)
 * creation and deletion, claims from volumeClaimTemplates, ControllerRevisions, rolling updates
 * with partition and maxUnavailable, OnDelete, adoption of orphans, status.
 */
export class StatefulSetController {
  readonly queue: WorkQueue;
  private readonly orphanPods: OrphanIndex<Pod>;
  private readonly orphanRevisions: OrphanIndex<ControllerRevision>;
  /**
   * Sets whose last sync wrote nothing, with what that sync read that no pod event reports: the
   * set object itself and the versions of the revision and claim kinds. A pod update that changes
   * nothing the sync reads still queues the set (so the queue's order is what it always was), but
   * its sync would read the same inputs as that one and write nothing again, so it is skipped.
   */
  private readonly idle = new Map<string, { set: StatefulSet; revisions: number; claims: number }>();

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue(ctx.sim, COMPONENT, (key) => this.sync(key));
    this.orphanPods = new OrphanIndex(ctx.api.store, "Pod");
    this.orphanRevisions = new OrphanIndex(ctx.api.store, "ControllerRevision");
  }

  start(): void {
    const api = this.ctx.api;
    api.watch<StatefulSet>("StatefulSet", (e) => this.enqueue(keyOf(e.object)));
    api.watch<Pod>("Pod", (e) => this.onPod(e));
    for (const s of api.list<StatefulSet>("StatefulSet")) this.queue.add(keyOf(s));
  }

  private onPod(e: WatchEvent<Pod>): void {
    const pod = e.object;
    const ref = controllerRef(pod);
    const prevRef = e.previous !== undefined ? controllerRef(e.previous) : undefined;
    if (prevRef !== undefined && prevRef.uid !== ref?.uid) this.enqueueOwner(pod.metadata.namespace!, prevRef, true);
    if (ref !== undefined) {
      this.enqueueOwner(pod.metadata.namespace!, ref, e.type !== "MODIFIED" || statefulSetPodChanged(e.previous!, pod));
      return;
    }
    if (e.type === "DELETED" || isTerminating(pod)) return;
    // An orphan: every set that could adopt it gets a look.
    for (const set of this.ctx.api.list<StatefulSet>("StatefulSet", pod.metadata.namespace)) {
      if (matchesSelector(set.spec.selector, pod.metadata.labels) && isMemberOf(set, pod)) this.enqueue(keyOf(set));
    }
  }

  private enqueueOwner(namespace: string, ref: OwnerReference, changed: boolean): void {
    if (ref.kind !== "StatefulSet") return;
    const set = this.ctx.api.get<StatefulSet>("StatefulSet", namespace, ref.name);
    if (set === undefined || set.metadata.uid !== ref.uid) return;
    if (changed) this.enqueue(keyOf(set));
    else this.queue.add(keyOf(set));
  }

  /** Queues a set whose inputs may have changed: its next sync runs in full. */
  private enqueue(key: string): void {
    this.idle.delete(key);
    this.queue.add(key);
  }

  sync(key: string): void {
    const [namespace, name] = splitKey(key);
    const api = this.ctx.api;
    const set = api.get<StatefulSet>("StatefulSet", namespace, name);
    if (set === undefined) return;
    const store = api.store;
    const idle = this.idle.get(key);
    if (idle !== undefined && idle.set === set && idle.revisions === store.kindVersion("ControllerRevision") && idle.claims === store.kindVersion("PersistentVolumeClaim")) return;
    this.idle.delete(key);
    const written = store.resourceVersion;
    this.syncSet(key, set);
    // With minReadySeconds, availability depends on the clock, so no sync is known to repeat.
    if (store.resourceVersion === written && (set.spec.minReadySeconds ?? 0) <= 0) {
      this.idle.set(key, { set, revisions: store.kindVersion("ControllerRevision"), claims: store.kindVersion("PersistentVolumeClaim") });
    }
  }

  private syncSet(key: string, set: StatefulSet): void {
    const pods = this.claimPods(set);
    const revisions = sortRevisions(this.claimRevisions(set));
    const { current, update, collisionCount } = this.getRevisions(set, revisions);
    const status = this.updateStatefulSet(set, current, update, collisionCount, pods);
    this.writeStatus(set, status);
    this.truncateHistory(set, pods, revisions, current, update);
    const minReady = set.spec.minReadySeconds ?? 0;
    if (minReady > 0 && (status.readyReplicas ?? 0) !== (status.availableReplicas ?? 0)) {
      this.queue.addAfter(key, minReady * 1000);
    }
  }

  // ---- ownership --------------------------------------------------------------------------

  /** Pods the set controls after adopting matching orphans and releasing mismatches (ClaimPods). */
  private claimPods(set: StatefulSet): Pod[] {
    return claimObjects(this.ctx.api, set, "Pod", this.orphanPods, (p) => matchesSelector(set.spec.selector, p.metadata.labels) && isMemberOf(set, p));
  }

  /** Owned revisions plus adopted orphans matching the selector (AdoptOrphanRevisions). */
  private claimRevisions(set: StatefulSet): ControllerRevision[] {
    return claimObjects(this.ctx.api, set, "ControllerRevision", this.orphanRevisions, (r) => matchesSelector(set.spec.selector, r.metadata.labels));
  }

  // ---- revisions ----------------------------------------------------------------------------

  private getRevisions(set: StatefulSet, revisions: ControllerRevision[]) {
    const api = this.ctx.api;
    let collisionCount = set.status?.collisionCount ?? 0;
    let update = newRevision(set, nextRevisionNumber(revisions), collisionCount);
    const data = revisionData(update);
    const equal = revisions.filter((r) => revisionData(r) === data);
    const last = revisions[revisions.length - 1];
    if (equal.length > 0 && last !== undefined && revisionData(last) === revisionData(equal[equal.length - 1]!)) {
      update = last;
    } else if (equal.length > 0) {
      // Rolling back to an older template: that revision is renumbered as the newest.
      const target = equal[equal.length - 1]!;
      update = api.mutate<ControllerRevision>("ControllerRevision", target.metadata.namespace, target.metadata.name!, (c) => {
        c.revision = update.revision;
      });
    } else {
      for (;;) {
        const existing = api.get<ControllerRevision>("ControllerRevision", update.metadata.namespace, update.metadata.name!);
        if (existing === undefined) {
          update = api.create(update);
          break;
        }
        if (revisionData(existing) === data) {
          update = existing;
          break;
        }
        collisionCount++;
        update = newRevision(set, update.revision, collisionCount);
      }
    }
    const current = revisions.find((r) => r.metadata.name === set.status?.currentRevision) ?? update;
    return { current, update, collisionCount };
  }

  private truncateHistory(set: StatefulSet, pods: Pod[], revisions: ControllerRevision[], current: ControllerRevision, update: ControllerRevision): void {
    const limit = set.spec.revisionHistoryLimit ?? 10;
    // The history is a part of the revisions: while they are few, it cannot be too long.
    if (limit < 0 || revisions.length <= limit) return;
    const live = new Set([current.metadata.name, update.metadata.name]);
    for (const p of pods) live.add(p.metadata.labels?.[REVISION_LABEL]);
    const history = revisions.filter((r) => !live.has(r.metadata.name));
    if (history.length <= limit) return;
    for (const r of history.slice(0, history.length - limit)) {
      if (this.ctx.api.get("ControllerRevision", r.metadata.namespace, r.metadata.name!) !== undefined) {
        this.ctx.api.delete("ControllerRevision", r.metadata.namespace, r.metadata.name!);
      }
    }
  }

  // ---- the update loop ----------------------------------------------------------------------

  private updateStatefulSet(
    set: StatefulSet,
    currentRevision: ControllerRevision,
    updateRevision: ControllerRevision,
    collisionCount: number,
    pods: Pod[],
  ): StatefulSetStatus {
    const now = this.ctx.sim.epochMs();
    const minReady = set.spec.minReadySeconds ?? 0;
    const currentSet = applyRevision(set, currentRevision);
    const versions: Versions = {
      currentSet,
      // Outside a rollout both are one revision: the sets are only read, so one copy serves.
      updateSet: updateRevision === currentRevision ? currentSet : applyRevision(set, updateRevision),
      currentRevision: currentRevision.metadata.name!,
      updateRevision: updateRevision.metadata.name!,
    };
    const updateSet = versions.updateSet;
    const status: StatefulSetStatus = {
      observedGeneration: set.metadata.generation,
      replicas: 0,
      currentRevision: currentRevision.metadata.name,
      updateRevision: updateRevision.metadata.name,
      collisionCount,
    };
    computeStatus(status, [pods], minReady, now, versions);

    const replicaCount = set.spec.replicas ?? 1;
    const replicas: (Pod | undefined)[] = new Array(replicaCount);
    const condemned: Pod[] = [];
    const start = startOrdinal(set);
    for (const pod of pods) {
      if (inOrdinalRange(set, pod)) replicas[ordinalOf(pod) - start] = pod;
      else if (ordinalOf(pod) >= 0) condemned.push(pod);
    }
    // Missing ordinals stay undefined (not created, so unavailable and uncounted): most syncs
    // happen while a set is being created, and the full pod is built only if it is created.
    const live = replicas;
    condemned.sort((a, b) => ordinalOf(b) - ordinalOf(a));

    const first = live.findIndex((p) => p === undefined || isUnavailable(p, minReady, now));
    let firstUnavailable: Pod | undefined = first < 0 ? undefined : (live[first] ?? MISSING);
    if (firstUnavailable === undefined) {
      for (let i = condemned.length - 1; i >= 0; i--) {
        if (isUnavailable(condemned[i]!, minReady, now)) {
          firstUnavailable = condemned[i];
          break;
        }
      }
    }
    if (isTerminating(set)) return status;

    const monotonic = set.spec.podManagementPolicy !== "Parallel";
    if (runForAll(live.length, monotonic, (i) => this.processReplica(set, versions, monotonic, live, i, now))) {
      computeStatus(status, [live, condemned], minReady, now, versions);
      return status;
    }
    if (runForAll(condemned.length, monotonic, (i) => {
      this.fixClaimOwnership(updateSet, condemned[i]!, true);
      return false;
    })) {
      computeStatus(status, [live, condemned], minReady, now, versions);
      return status;
    }
    if (runForAll(condemned.length, monotonic, (i) => this.processCondemned(set, firstUnavailable, monotonic, condemned, i, now))) {
      computeStatus(status, [live, condemned], minReady, now, versions);
      return status;
    }
    computeStatus(status, [live, condemned], minReady, now, versions);

    if (set.spec.updateStrategy?.type === "OnDelete") return status;

    const rolling = set.spec.updateStrategy?.rollingUpdate;
    const updateMin = rolling?.partition ?? 0;
    const maxUnavailable = rolling === undefined ? 1 : scaledMaxUnavailable(rolling.maxUnavailable, replicaCount);
    let unavailablePods = 0;
    for (const p of live) if (p === undefined || isUnavailable(p, minReady, now)) unavailablePods++;
    if (unavailablePods > maxUnavailable) return status;
    let toDelete = maxUnavailable - unavailablePods;
    for (let target = live.length - 1; target >= updateMin && toDelete > 0; target--) {
      const pod = live[target] ?? placeholder(set, start + target);
      if (pod.metadata.labels?.[REVISION_LABEL] !== updateRevision.metadata.name && !isTerminating(pod)) {
        this.deletePod(set, pod);
        toDelete--;
        status.currentReplicas = (status.currentReplicas ?? 0) - 1;
      }
    }
    return status;
  }

  private newVersionedPod(versions: Versions, ordinal: number, set: StatefulSet): Pod {
    const strategy = set.spec.updateStrategy;
    const rolling = strategy?.rollingUpdate;
    let useCurrent = false;
    if (strategy?.type !== "OnDelete") {
      if (rolling !== undefined) useCurrent = ordinal < startOrdinal(set) + (rolling.partition ?? 0);
      else useCurrent = ordinal < startOrdinal(set) + (set.status?.currentReplicas ?? 0);
    }
    const pod = newStatefulSetPod(useCurrent ? versions.currentSet : versions.updateSet, ordinal);
    pod.metadata.labels![REVISION_LABEL] = useCurrent ? versions.currentRevision : versions.updateRevision;
    return pod;
  }

  /** Returns true when the loop must stop (monotonic mode only honours it). */
  private processReplica(set: StatefulSet, versions: Versions, monotonic: boolean, replicas: (Pod | undefined)[], i: number, now: number): boolean {
    const updateSet = versions.updateSet;
    const pod = replicas[i];
    const phase = pod?.status?.phase;
    if (pod === undefined || phase === undefined) {
      const fresh = this.newVersionedPod(versions, startOrdinal(set) + i, set);
      if (this.claimIsStale(set, fresh)) return true;
      const created = this.createPod(set, fresh);
      if (created === undefined || monotonic) return true;
      replicas[i] = created;
      return false;
    }
    if (phase === "Failed" || phase === "Succeeded") {
      if (!isTerminating(pod)) this.deletePod(set, pod);
      return true;
    }
    if (phase === "Pending") this.createMissingClaims(set, pod);
    if (monotonic && isTerminating(pod)) return true;
    if (monotonic && !isRunningAndReady(pod)) return true;
    if (monotonic && !isPodAvailable(pod, set.spec.minReadySeconds ?? 0, now)) return true;
    this.fixClaimOwnership(updateSet, pod, false);
    if (identityMatches(set, pod) && storageMatches(set, pod)) return false;
    if (isTerminating(pod)) return false;
    this.ctx.api.mutate<Pod>("Pod", pod.metadata.namespace, pod.metadata.name!, (p) => {
      updateIdentity(updateSet, p);
      updateStorage(updateSet, p);
    });
    return false;
  }

  private processCondemned(set: StatefulSet, firstUnavailable: Pod | undefined, monotonic: boolean, condemned: Pod[], i: number, now: number): boolean {
    const pod = condemned[i]!;
    if (isTerminating(pod)) return monotonic;
    if (monotonic && pod !== firstUnavailable) {
      if (!isRunningAndReady(pod)) return true;
      if (!isPodAvailable(pod, set.spec.minReadySeconds ?? 0, now)) return true;
    }
    this.deletePod(set, pod);
    return true;
  }

  // ---- pod and claim control (StatefulPodControl) -------------------------------------------

  private createPod(set: StatefulSet, pod: Pod): Pod | undefined {
    const { api, events } = this.ctx;
    try {
      this.createClaims(set, pod);
      const created = api.create(pod);
      events.record(set, "Normal", "SuccessfulCreate", `create Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`, COMPONENT);
      return created;
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      events.record(set, "Warning", "FailedCreate", `create Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${msg}`, COMPONENT);
      if (e instanceof ApiError && e.reason === "AlreadyExists") return undefined;
      throw e;
    }
  }

  private createClaims(set: StatefulSet, pod: Pod): void {
    const { api, events } = this.ctx;
    for (const claim of claimsFor(set, ordinalOf(pod)).values()) {
      const existing = api.get<PersistentVolumeClaim>("PersistentVolumeClaim", claim.metadata.namespace, claim.metadata.name!);
      if (existing === undefined) {
        api.create(claim);
        events.record(set, "Normal", "SuccessfulCreate", `create Claim ${claim.metadata.name} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} success`, COMPONENT);
      } else if (isTerminating(existing)) {
        throw new Error(`pvc ${claim.metadata.name} is being deleted`);
      }
    }
  }

  private createMissingClaims(set: StatefulSet, pod: Pod): void {
    const { api } = this.ctx;
    for (const claim of claimsFor(set, ordinalOf(pod)).values()) {
      if (api.get("PersistentVolumeClaim", claim.metadata.namespace, claim.metadata.name!) === undefined) {
        this.createClaims(set, pod);
        return;
      }
    }
  }

  /** A claim still owned by a previous incarnation of this pod holds creation back (PodClaimIsStale). */
  private claimIsStale(set: StatefulSet, pod: Pod): boolean {
    const policy = set.spec.persistentVolumeClaimRetentionPolicy;
    if (policy?.whenScaled !== "Delete") return false;
    for (const claim of claimsFor(set, ordinalOf(pod)).values()) {
      const live = this.ctx.api.get<PersistentVolumeClaim>("PersistentVolumeClaim", claim.metadata.namespace, claim.metadata.name!);
      if (live?.metadata.ownerReferences?.some((r) => r.kind === "Pod" && r.name === pod.metadata.name)) return true;
    }
    return false;
  }

  private deletePod(set: StatefulSet, pod: Pod): void {
    const { api, events } = this.ctx;
    try {
      api.delete("Pod", pod.metadata.namespace, pod.metadata.name!);
      events.record(set, "Normal", "SuccessfulDelete", `delete Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`, COMPONENT);
    } catch (e) {
      if (!(e instanceof ApiError && e.reason === "NotFound")) throw e;
    }
  }

  /**
   * Owner references on claims implement persistentVolumeClaimRetentionPolicy: a reference to the
   * set deletes the claim with the set; a reference to a condemned pod deletes it on scale-down.
   */
  private fixClaimOwnership(set: StatefulSet, pod: Pod, condemned: boolean): void {
    const policy = set.spec.persistentVolumeClaimRetentionPolicy;
    const whenDeleted = policy?.whenDeleted ?? "Retain";
    const whenScaled = policy?.whenScaled ?? "Retain";
    if (whenDeleted === "Retain" && whenScaled === "Retain") return;
    const api = this.ctx.api;
    for (const claim of claimsFor(set, ordinalOf(pod)).values()) {
      const live = api.get<PersistentVolumeClaim>("PersistentVolumeClaim", claim.metadata.namespace, claim.metadata.name!);
      if (live === undefined) continue;
      const refs = live.metadata.ownerReferences ?? [];
      const wantSet = whenDeleted === "Delete";
      const wantPod = whenScaled === "Delete" && condemned;
      const hasSet = refs.some((r) => r.uid === set.metadata.uid);
      const hasPod = refs.some((r) => r.uid === pod.metadata.uid);
      if (hasSet === wantSet && hasPod === wantPod) continue;
      api.mutate<PersistentVolumeClaim>("PersistentVolumeClaim", live.metadata.namespace, live.metadata.name!, (c) => {
        let next = (c.metadata.ownerReferences ?? []).filter((r) => r.uid !== set.metadata.uid && r.uid !== pod.metadata.uid);
        if (wantSet) next = [...next, { apiVersion: "apps/v1", kind: "StatefulSet", name: set.metadata.name!, uid: set.metadata.uid! }];
        if (wantPod) next = [...next, { apiVersion: "v1", kind: "Pod", name: pod.metadata.name!, uid: pod.metadata.uid! }];
        c.metadata.ownerReferences = next.length > 0 ? next : undefined;
        if (c.metadata.ownerReferences === undefined) delete c.metadata.ownerReferences;
      });
    }
  }

  // ---- status -------------------------------------------------------------------------------

  private writeStatus(set: StatefulSet, status: StatefulSetStatus): void {
    const spec = set.spec.replicas ?? 1;
    if (
      set.spec.updateStrategy?.type !== "OnDelete" &&
      status.updatedReplicas === spec &&
      status.readyReplicas === spec &&
      status.replicas === spec
    ) {
      status.currentReplicas = status.updatedReplicas;
      status.currentRevision = status.updateRevision;
    }
    const old = set.status;
    const same =
      old !== undefined &&
      old.observedGeneration === status.observedGeneration &&
      old.replicas === status.replicas &&
      (old.currentReplicas ?? 0) === (status.currentReplicas ?? 0) &&
      (old.readyReplicas ?? 0) === (status.readyReplicas ?? 0) &&
      (old.updatedReplicas ?? 0) === (status.updatedReplicas ?? 0) &&
      old.currentRevision === status.currentRevision &&
      (old.availableReplicas ?? 0) === (status.availableReplicas ?? 0) &&
      old.updateRevision === status.updateRevision &&
      (old.collisionCount ?? 0) === (status.collisionCount ?? 0);
    if (same) return;
    const latest = this.ctx.api.get<StatefulSet>("StatefulSet", set.metadata.namespace, set.metadata.name!);
    if (latest === undefined) return;
    this.ctx.api.updateStatus({ ...latest, status: { ...(latest.status ?? {}), ...status, conditions: latest.status?.conditions } });
  }
}

/** The set as of its current and update revisions, for one sync. */
interface Versions {
  readonly currentSet: StatefulSet;
  readonly updateSet: StatefulSet;
  readonly currentRevision: string;
  readonly updateRevision: string;
}

/**
 * Calls `fn` for each index in order; in monotonic mode the first `true` stops the loop and is
 * returned (runForAll). Module-level rather than a closure per sync, as are the helpers below.
 */
function runForAll(count: number, monotonic: boolean, fn: (i: number) => boolean): boolean {
  for (let i = 0; i < count; i++) if (fn(i) && monotonic) return true;
  return false;
}

/**
 * Whether a pod update changes anything a sync reads of the pod (with minReadySeconds 0, under
 * which alone a sync is skipped): most updates are kubelet status writes that change none of it.
 */
function statefulSetPodChanged(old: Pod, pod: Pod): boolean {
  return (
    !jsonEqual(old.spec.volumes, pod.spec.volumes) ||
    old.metadata.deletionTimestamp !== pod.metadata.deletionTimestamp ||
    old.status?.phase !== pod.status?.phase ||
    isPodReady(old) !== isPodReady(pod) ||
    !jsonEqual(old.metadata.labels, pod.metadata.labels) ||
    !jsonEqual(old.metadata.ownerReferences, pod.metadata.ownerReferences)
  );
}

function isUnavailable(pod: Pod, minReady: number, now: number): boolean {
  return !isPodAvailable(pod, minReady, now) || isTerminating(pod);
}

/** Stands for a missing replica where one is compared by identity: it is none of the pods. */
const MISSING: Pod = { apiVersion: "v1", kind: "Pod", metadata: {}, spec: { containers: [] } };

/** A replica that does not exist yet, where its name is needed. */
function placeholder(set: StatefulSet, ordinal: number): Pod {
  return { apiVersion: "v1", kind: "Pod", metadata: { name: `${set.metadata.name}-${ordinal}`, namespace: set.metadata.namespace }, spec: { containers: [] } };
}

function computeStatus(status: StatefulSetStatus, lists: (Pod | undefined)[][], minReady: number, now: number, versions: Versions): void {
  const { currentRevision, updateRevision } = versions;
  let replicas = 0;
  let ready = 0;
  let available = 0;
  let current = 0;
  let updated = 0;
  for (const list of lists) {
    for (const pod of list) {
      if (pod === undefined) continue;
      const created = pod.status?.phase !== undefined;
      if (created) replicas++;
      if (isRunningAndReady(pod)) {
        ready++;
        if (isPodAvailable(pod, minReady, now)) available++;
      }
      if (created && !isTerminating(pod)) {
        const rev = pod.metadata.labels?.[REVISION_LABEL];
        if (rev === currentRevision) current++;
        if (rev === updateRevision) updated++;
      }
    }
  }
  status.replicas = replicas;
  status.readyReplicas = ready;
  status.availableReplicas = available;
  status.currentReplicas = current;
  status.updatedReplicas = updated;
}

/** getStatefulSetMaxUnavailable: an int, or a percentage of replicas rounded down; at least 1. */
function scaledMaxUnavailable(value: IntOrString | undefined, replicas: number): number {
  if (value === undefined) return 1;
  const n = typeof value === "number" ? value : Math.floor((Number(value.replace("%", "")) * replicas) / 100);
  return Math.max(1, n);
}
