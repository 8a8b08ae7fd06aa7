import { parseTime, rfc3339 } from "../api/time.js";
import type { EnvVar, Job, JobCondition, JobStatus, Pod, PodFailurePolicyRule, PodSpec } from "../api/types.js";
import { jsonEqual } from "../api/json-value.js";
import type { ControllerContext } from "./context.js";
import { claimObjects, ownersToSync } from "./claims.js";
import { isPodReady, isTerminating, keyOf, matchesSelector, newControllerRef, splitKey } from "./pod-util.js";
import { OrphanIndex } from "./orphans.js";
import { WorkQueue } from "./workqueue.js";

const COMPONENT = "job-controller";
/** Every pod a Job creates carries it until the Job has counted the pod's end. */
export const JOB_TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking";
export const COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";
/** backoffLimitPerIndex: how many of an index's pods failed (counted, and ignored by the pod failure policy) before this one. */
export const INDEX_FAILURE_COUNT = "batch.kubernetes.io/job-index-failure-count";
export const INDEX_IGNORED_FAILURE_COUNT = "batch.kubernetes.io/job-index-ignored-failure-count";
/** DefaultJobPodFailureBackOff doubling per failure up to MaxJobPodFailureBackOff. */
const FAILURE_BACKOFF_MS = 10_000;
const MAX_FAILURE_BACKOFF_MS = 600_000;

type Why = { reason: string; message: string };
/** The interim condition of a Job that has met its end while some of its pods still stop. */
type Target = Why & { type: "FailureTarget" | "SuccessCriteriaMet" };

/**
 * The Job controller (pkg/controller/job): runs pods from the template until `completions` of
 * them succeed (NonIndexed), or one for each index succeeds (Indexed), `parallelism` at a time.
 * A pod's end is counted once, through the tracking finalizer, so deleting finished pods does
 * not change the counts. Failed pods are replaced after a back-off of 10 s doubling to 10 min;
 * a pod failure policy may fail the Job at once, ignore a failure or count it, and Indexed Jobs
 * may count failures per index (backoffLimitPerIndex) and succeed early (successPolicy). Past
 * backoffLimit failures, or activeDeadlineSeconds after the start, the Job fails: it is marked
 * FailureTarget (or SuccessCriteriaMet), its running pods are deleted, and once none is left
 * terminating it is Failed (or Complete). Finished Jobs are deleted ttlSecondsAfterFinished later.
 */
export class JobController {
  readonly queue: WorkQueue;
  private readonly orphans: OrphanIndex<Pod>;
  /**
   * Per Job (by uid), the failures since the last success and when the last was seen, which the
   * back-off counts from: kept in memory, as the real controller's backoff store is.
   */
  private readonly backoff = new Map<string, { failures: number; atMs: number }>();

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue(ctx.sim, COMPONENT, (key) => this.sync(key));
    this.orphans = new OrphanIndex(ctx.api.store, "Pod");
  }

  start(): void {
    const api = this.ctx.api;
    api.watch<Job>("Job", (e) => this.queue.add(keyOf(e.object)));
    api.watch<Pod>("Pod", (e) => {
      for (const key of ownersToSync(api, "Job", e)) this.queue.add(key);
    });
    for (const job of api.list<Job>("Job")) this.queue.add(keyOf(job));
  }

  sync(key: string): void {
    const [namespace, name] = splitKey(key);
    const api = this.ctx.api;
    const job = api.get<Job>("Job", namespace, name);
    if (job === undefined) {
      this.releaseOrphanedPods(namespace, name);
      return;
    }
    const pods = claimObjects(api, job, "Pod", this.orphans, (p) => matchesSelector(job.spec.selector, p.metadata.labels));
    const status: JobStatus = structuredClone(job.status ?? {});
    const nowMs = this.ctx.sim.epochMs();
    const now = rfc3339(nowMs);
    const { spec } = job;
    const indexed = spec.completionMode === "Indexed";
    const completions = spec.completions ?? 0;
    const perIndex = indexed && spec.backoffLimitPerIndex !== undefined;
    const succeededIndexes = parseIndexes(status.completedIndexes ?? "", completions);
    const failedIndexes = parseIndexes(status.failedIndexes ?? "", completions);
    const finished = finishedCondition(job);
    const active = pods.filter((p) => !isTerminating(p) && p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed");
    // An Indexed Job's pod outside 0..completions-1 is let go without being counted.
    const validIndex = (p: Pod) => !indexed || (indexOf(p) >= 0 && indexOf(p) < completions);

    // The pods whose end is not counted yet; a finished Job counts nothing more and lets them go.
    const tracked = pods.filter((p) => (p.metadata.finalizers ?? []).includes(JOB_TRACKING_FINALIZER));
    if (finished !== undefined) {
      for (const pod of tracked) {
        const phase = pod.status?.phase;
        if (phase === "Succeeded" || phase === "Failed" || isTerminating(pod)) this.release(pod);
      }
    }
    const counting = finished === undefined ? tracked : [];
    const newSucceeded = counting.filter((p) => p.status?.phase === "Succeeded");
    const newFailed = counting.filter((p) => p.status?.phase !== "Succeeded" && isPodFailed(job, p));
    const ended = new Set([...newSucceeded, ...newFailed]);
    if (indexed) for (const pod of newSucceeded.filter(validIndex)) succeededIndexes.add(indexOf(pod));
    if (perIndex) for (const pod of newFailed.filter(validIndex)) if (isIndexFailed(job, pod)) failedIndexes.add(indexOf(pod));
    // With backoffLimitPerIndex a failed pod stays until its replacement carries its count on.
    const delayed = perIndex ? awaitingReplacement(newFailed, succeededIndexes, failedIndexes, active) : new Map<number, Pod>();

    // Count each pod's end once, then let the pod go.
    let target = finished === undefined ? interimCondition(status) : undefined;
    const counted = new Set<Pod>();
    const count = (pod: Pod) => {
      if (pod.status?.phase === "Succeeded") {
        if (!indexed) status.succeeded = (status.succeeded ?? 0) + 1;
      } else if (validIndex(pod) && matchPodFailurePolicy(job, pod).counts) status.failed = (status.failed ?? 0) + 1;
      counted.add(pod);
      this.release(pod);
    };
    for (const pod of counting) if (ended.has(pod) && (target !== undefined || delayed.get(indexOf(pod)) !== pod)) count(pod);
    if (indexed && succeededIndexes.size > 0) {
      status.completedIndexes = formatIndexes(succeededIndexes);
      status.succeeded = succeededIndexes.size;
    }
    if (perIndex && finished === undefined) status.failedIndexes = formatIndexes(failedIndexes);
    const backoffWait = finished === undefined && !perIndex ? this.globalBackoff(job, newFailed, newSucceeded, nowMs) : 0;

    if (finished === undefined && target === undefined && !isTerminating(job)) this.followSuspension(job, status, active, now);
    if (finished === undefined && target === undefined && spec.suspend !== true && !isTerminating(job)) {
      status.startTime ??= now;
      const failed = (status.failed ?? 0) + newFailed.filter((p) => !counted.has(p) && validIndex(p) && matchPodFailurePolicy(job, p).counts).length;
      target = this.failure(job, pods, status, failed, succeededIndexes, failedIndexes, nowMs) ?? this.success(job, status, succeededIndexes, active.length);
      if (target === undefined) this.createPods(job, status, succeededIndexes, failedIndexes, delayed, active, pods, backoffWait, nowMs);
    }
    let deleted = 0;
    if (target !== undefined) {
      if (interimCondition(status) === undefined) status.conditions = [...(status.conditions ?? []), condition(target.type, target, now)];
      for (const pod of active) api.delete("Pod", pod.metadata.namespace, pod.metadata.name!);
      deleted = active.length;
      active.length = 0;
      // Pods kept for their replacement go now; when the Job fails, its running pods count as failed.
      for (const pod of counting) {
        if (counted.has(pod)) continue;
        if (ended.has(pod) || target.type === "FailureTarget") count(pod);
        else this.release(pod);
      }
    }

    const terminating = deleted + pods.filter((p) => isTerminating(p) && p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed").length;
    if (target !== undefined && terminating === 0) {
      const type = target.type === "FailureTarget" ? "Failed" : "Complete";
      status.conditions = [...(status.conditions ?? []), condition(type, target, now)];
      if (type === "Complete") {
        status.completionTime = now;
        this.ctx.events.record(job, "Normal", "Completed", "Job completed", COMPONENT);
      } else this.ctx.events.record(job, "Warning", target.reason, target.message, COMPONENT);
    }
    status.active = active.length;
    status.ready = active.filter(isPodReady).length;
    status.terminating = terminating;
    status.uncountedTerminatedPods ??= {};
    this.writeStatus(job, status);
    const done = finishedCondition({ ...job, status });
    if (done !== undefined && spec.ttlSecondsAfterFinished !== undefined && !isTerminating(job)) this.expire(job, done, nowMs);
  }

  private release(pod: Pod): void {
    this.ctx.api.removeFinalizer("Pod", pod.metadata.namespace, pod.metadata.name!, JOB_TRACKING_FINALIZER);
  }

  /**
   * Suspending a Job stops its running pods (which count as neither failed nor succeeded) and
   * says so in the Suspended condition; resuming it starts the clock of activeDeadlineSeconds
   * again.
   */
  private followSuspension(job: Job, status: JobStatus, active: Pod[], now: string): void {
    const api = this.ctx.api;
    const current = status.conditions?.find((c) => c.type === "Suspended");
    const suspended = job.spec.suspend === true;
    if (suspended) {
      for (const pod of active) {
        api.removeFinalizer("Pod", pod.metadata.namespace, pod.metadata.name!, JOB_TRACKING_FINALIZER);
        if (api.get("Pod", pod.metadata.namespace, pod.metadata.name!) !== undefined) api.delete("Pod", pod.metadata.namespace, pod.metadata.name!);
      }
      active.length = 0;
      if (current?.status === "True") return;
      this.setSuspended(status, condition("Suspended", { reason: "JobSuspended", message: "Job suspended" }, now));
      this.ctx.events.record(job, "Normal", "Suspended", "Job suspended", COMPONENT);
    } else if (current?.status === "True") {
      this.setSuspended(status, { ...condition("Suspended", { reason: "JobResumed", message: "Job resumed" }, now), status: "False" });
      status.startTime = now;
      this.ctx.events.record(job, "Normal", "Resumed", "Job resumed", COMPONENT);
    }
  }

  private setSuspended(status: JobStatus, c: JobCondition): void {
    status.conditions = [...(status.conditions ?? []).filter((x) => x.type !== "Suspended"), c];
  }

  /**
   * Why the Job fails now, if it does, in the controller's order: a pod matched a FailJob rule,
   * too many failed pods, past its deadline, then (backoffLimitPerIndex) too many failed indexes
   * or every index done with some failed.
   */
  private failure(job: Job, pods: readonly Pod[], status: JobStatus, failed: number, succeeded: ReadonlySet<number>, failedIndexes: ReadonlySet<number>, nowMs: number): Target | undefined {
    const spec = job.spec;
    const fail = (reason: string, message: string): Target => ({ type: "FailureTarget", reason, message });
    for (const pod of pods) {
      const message = isPodFailed(job, pod) ? matchPodFailurePolicy(job, pod).failJob : undefined;
      if (message !== undefined) return fail("PodFailurePolicy", message);
    }
    if (failed > (spec.backoffLimit ?? 6)) return fail("BackoffLimitExceeded", "Job has reached the specified backoff limit");
    const deadline = spec.activeDeadlineSeconds;
    if (deadline !== undefined && status.startTime !== undefined) {
      const left = parseTime(status.startTime) + deadline * 1000 - nowMs;
      if (left <= 0) return fail("DeadlineExceeded", "Job was active longer than specified deadline");
      this.queue.addAfter(keyOf(job), left);
    }
    if (spec.completionMode === "Indexed" && spec.backoffLimitPerIndex !== undefined) {
      if (spec.maxFailedIndexes !== undefined && failedIndexes.size > spec.maxFailedIndexes) {
        return fail("MaxFailedIndexesExceeded", "Job has exceeded the specified maximal number of failed indexes");
      }
      if (failedIndexes.size > 0 && failedIndexes.size + succeeded.size >= (spec.completions ?? 0)) return fail("FailedIndexes", "Job has failed indexes");
    }
    return undefined;
  }

  /** Whether the Job has succeeded: a success policy rule met (Indexed), or enough completions. */
  private success(job: Job, status: JobStatus, indexes: ReadonlySet<number>, active: number): Target | undefined {
    const completions = job.spec.completions;
    if (job.spec.completionMode === "Indexed") {
      const matched = matchSuccessPolicy(job, indexes);
      if (matched !== undefined) return { type: "SuccessCriteriaMet", reason: "SuccessPolicy", message: matched };
    }
    const reached: Target = { type: "SuccessCriteriaMet", reason: "CompletionsReached", message: "Reached expected number of succeeded pods" };
    if (job.spec.completionMode === "Indexed") return indexes.size >= (completions ?? 0) ? reached : undefined;
    const succeeded = status.succeeded ?? 0;
    // Without completions (a work queue), the first success ends the Job once no pod runs.
    if (completions === undefined) return succeeded > 0 && active === 0 ? reached : undefined;
    return succeeded >= completions ? reached : undefined;
  }

  private createPods(
    job: Job,
    status: JobStatus,
    succeeded: ReadonlySet<number>,
    failedIndexes: ReadonlySet<number>,
    delayed: ReadonlyMap<number, Pod>,
    active: Pod[],
    pods: readonly Pod[],
    backoffWait: number,
    nowMs: number,
  ): void {
    if (backoffWait > 0) {
      this.queue.addAfter(keyOf(job), backoffWait);
      return;
    }
    const perIndex = job.spec.completionMode === "Indexed" && job.spec.backoffLimitPerIndex !== undefined;
    const parallelism = job.spec.parallelism ?? 1;
    const completions = job.spec.completions;
    // podReplacementPolicy Failed: a pod still terminating takes its place until it has failed.
    const terminating = onlyReplaceFailed(job) ? pods.filter((p) => isTerminating(p) && p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed") : [];
    if (job.spec.completionMode === "Indexed") {
      const taken = new Set([...active, ...terminating].map(indexOf));
      const pending: number[] = [];
      for (let i = 0; i < (completions ?? 0) && active.length + terminating.length + pending.length < parallelism; i++) {
        if (!succeeded.has(i) && !taken.has(i) && !failedIndexes.has(i)) pending.push(i);
      }
      let soonest = Infinity;
      for (const i of pending) {
        const left = perIndex ? indexBackoffLeft(delayed.get(i), nowMs) : 0;
        if (left > 0) soonest = Math.min(soonest, left);
        else active.push(this.createPod(job, i, delayed.get(i)));
      }
      if (soonest < Infinity) this.queue.addAfter(keyOf(job), soonest);
      return;
    }
    // Without completions no new pod starts once one has succeeded.
    const remaining = completions === undefined ? ((status.succeeded ?? 0) > 0 ? 0 : parallelism) : completions - (status.succeeded ?? 0);
    const want = Math.min(parallelism, remaining) - terminating.length;
    while (active.length < want) active.push(this.createPod(job, undefined, undefined));
  }

  /**
   * The back-off record (backoff_utils.go): failures since the last success, counted as they are
   * seen; how long pod creation must still wait.
   */
  private globalBackoff(job: Job, newFailed: readonly Pod[], newSucceeded: readonly Pod[], nowMs: number): number {
    const uid = job.metadata.uid!;
    let record = this.backoff.get(uid);
    if (newSucceeded.length > 0) {
      const lastSuccess = Math.max(...newSucceeded.map(finishedTime));
      const after = newFailed.filter((p) => finishedTime(p) > lastSuccess).length;
      record = after > 0 ? { failures: after, atMs: nowMs } : undefined;
    } else if (newFailed.length > 0) record = { failures: (record?.failures ?? 0) + newFailed.length, atMs: nowMs };
    if (record === undefined) this.backoff.delete(uid);
    else this.backoff.set(uid, record);
    return record === undefined ? 0 : record.atMs + backoffDuration(record.failures) - nowMs;
  }

  /** A pod for the Job (for an index, with the failure counts the pod it replaces leaves). */
  private createPod(job: Job, index: number | undefined, replaced: Pod | undefined): Pod {
    const template = job.spec.template;
    const spec = structuredClone(template.spec) as PodSpec;
    const labels = { ...(template.metadata?.labels ?? {}) };
    const annotations = { ...(template.metadata?.annotations ?? {}) };
    if (index !== undefined) {
      labels[COMPLETION_INDEX] = String(index);
      annotations[COMPLETION_INDEX] = String(index);
      if (job.spec.backoffLimitPerIndex !== undefined) {
        const counts = replaced === undefined ? undefined : matchPodFailurePolicy(job, replaced).counts;
        const failures = failureCount(replaced) + (counts === true ? 1 : 0);
        const ignored = ignoredFailureCount(replaced) + (counts === false ? 1 : 0);
        annotations[INDEX_FAILURE_COUNT] = String(failures);
        if (ignored > 0) annotations[INDEX_IGNORED_FAILURE_COUNT] = String(ignored);
      }
      // Indexed pods are reachable as <job>-<index> through a headless Service named as subdomain.
      spec.hostname ??= `${job.metadata.name}-${index}`;
      const env: EnvVar = { name: "JOB_COMPLETION_INDEX", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: `metadata.annotations['${COMPLETION_INDEX}']` } } };
      for (const c of [...(spec.initContainers ?? []), ...spec.containers]) c.env = [...(c.env ?? []), env];
    }
    const pod: Pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        generateName: index === undefined ? `${job.metadata.name}-` : `${job.metadata.name}-${index}-`,
        namespace: job.metadata.namespace,
        labels,
        ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
        ownerReferences: [newControllerRef(job)],
        finalizers: [JOB_TRACKING_FINALIZER],
      },
      spec,
    };
    const created = this.ctx.api.create(pod);
    this.ctx.events.record(job, "Normal", "SuccessfulCreate", `Created pod: ${created.metadata.name}`, COMPONENT);
    return created;
  }

  private writeStatus(job: Job, status: JobStatus): void {
    if (jsonEqual(status, job.status ?? {})) return;
    this.ctx.api.updateStatus({ ...job, status });
  }

  /** The TTL-after-finished controller: deletes the Job (and, in the foreground, its pods) when its time is up. */
  private expire(job: Job, done: JobCondition, nowMs: number): void {
    const at = parseTime(done.lastTransitionTime ?? rfc3339(nowMs)) + job.spec.ttlSecondsAfterFinished! * 1000;
    if (at > nowMs) {
      this.queue.addAfter(keyOf(job), at - nowMs);
      return;
    }
    this.ctx.api.delete("Job", job.metadata.namespace, job.metadata.name!, { propagationPolicy: "Foreground" });
  }

  /** Pods whose Job is gone keep no finalizer of it, so the garbage collector can remove them. */
  private releaseOrphanedPods(namespace: string | undefined, name: string): void {
    for (const pod of this.ctx.api.list<Pod>("Pod", namespace)) {
      const ref = pod.metadata.ownerReferences?.find((r) => r.controller === true);
      if (ref?.kind === "Job" && ref.name === name && (pod.metadata.finalizers ?? []).includes(JOB_TRACKING_FINALIZER)) {
        this.ctx.api.removeFinalizer("Pod", pod.metadata.namespace, pod.metadata.name!, JOB_TRACKING_FINALIZER);
      }
    }
  }
}

function indexOf(pod: Pod): number {
  const ix = Number(pod.metadata.annotations?.[COMPLETION_INDEX] ?? -1);
  return Number.isInteger(ix) && ix >= 0 ? ix : -1;
}

function finishedCondition(job: Job): JobCondition | undefined {
  return job.status?.conditions?.find((c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True");
}

/** The FailureTarget or SuccessCriteriaMet condition a Job carries while its pods stop. */
function interimCondition(status: JobStatus): Target | undefined {
  const c = status.conditions?.find((x) => (x.type === "FailureTarget" || x.type === "SuccessCriteriaMet") && x.status === "True");
  return c === undefined ? undefined : { type: c.type as Target["type"], reason: c.reason ?? "", message: c.message ?? "" };
}

function condition(type: JobCondition["type"], why: Why, now: string): JobCondition {
  return { type, status: "True", lastProbeTime: now, lastTransitionTime: now, reason: why.reason, message: why.message };
}

/** onlyReplaceFailedPods: podReplacementPolicy Failed (always so with a pod failure policy). */
function onlyReplaceFailed(job: Job): boolean {
  return job.spec.podFailurePolicy !== undefined || job.spec.podReplacementPolicy === "Failed";
}

/** isPodFailed: Failed, or (replacing terminating pods) deleted before it could succeed. */
function isPodFailed(job: Job, pod: Pod): boolean {
  if (pod.status?.phase === "Failed") return true;
  return !onlyReplaceFailed(job) && isTerminating(pod) && pod.status?.phase !== "Succeeded";
}

/**
 * matchPodFailurePolicy (pod_failure_policy.go): the first rule a failed pod matches, by a
 * container's non-zero exit code (containers, then init containers) or by a pod condition.
 * Whether the failure counts toward the back-off limits, and for a FailJob rule the message.
 */
function matchPodFailurePolicy(job: Job, pod: Pod): { counts: boolean; action?: PodFailurePolicyRule["action"]; failJob?: string } {
  const rules = job.spec.podFailurePolicy?.rules ?? [];
  for (const [i, rule] of rules.entries()) {
    let matched: string | undefined;
    if (rule.onExitCodes !== undefined) {
      const req = rule.onExitCodes;
      const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])];
      const c = statuses.find((cs) => {
        const code = cs.state?.terminated?.exitCode;
        if (code === undefined || code === 0 || (req.containerName !== undefined && req.containerName !== cs.name)) return false;
        return req.operator === "In" ? req.values.includes(code) : req.operator === "NotIn" && !req.values.includes(code);
      });
      if (c !== undefined) matched = `Container ${c.name} for pod ${pod.metadata.namespace}/${pod.metadata.name} failed with exit code ${c.state!.terminated!.exitCode}`;
    } else if (rule.onPodConditions !== undefined) {
      const c = (pod.status?.conditions ?? []).find((pc) => rule.onPodConditions!.some((p) => p.type === pc.type && p.status === pc.status));
      if (c !== undefined) matched = `Pod ${pod.metadata.namespace}/${pod.metadata.name} has condition ${c.type}`;
    }
    if (matched === undefined) continue;
    switch (rule.action) {
      case "Ignore":
        return { counts: false, action: "Ignore" };
      case "FailIndex":
      case "Count":
        return { counts: true, action: rule.action };
      case "FailJob":
        return { counts: true, action: "FailJob", failJob: `${matched} matching FailJob rule at index ${i}` };
    }
  }
  return { counts: true };
}

/** isIndexFailed: a FailIndex rule matched, or the index used up backoffLimitPerIndex. */
function isIndexFailed(job: Job, pod: Pod): boolean {
  const { counts, action } = matchPodFailurePolicy(job, pod);
  return action === "FailIndex" || (counts && failureCount(pod) >= job.spec.backoffLimitPerIndex!);
}

function failureCount(pod: Pod | undefined): number {
  return annotationCount(pod, INDEX_FAILURE_COUNT);
}

function ignoredFailureCount(pod: Pod | undefined): number {
  return annotationCount(pod, INDEX_IGNORED_FAILURE_COUNT);
}

/** A count annotation as the controller reads it: 0 when missing or not a non-negative int32. */
function annotationCount(pod: Pod | undefined, key: string): number {
  const n = Number(pod?.metadata.annotations?.[key] ?? 0);
  return Number.isInteger(n) && n >= 0 && n <= 2147483647 ? n : 0;
}

/**
 * getPodsWithDelayedDeletionPerIndex: for each index neither finished nor running, the last of
 * its failed pods (most failures, then latest to finish), kept until it is replaced.
 */
function awaitingReplacement(failed: readonly Pod[], succeeded: ReadonlySet<number>, failedIndexes: ReadonlySet<number>, active: readonly Pod[]): Map<number, Pod> {
  const running = new Set(active.map(indexOf));
  const out = new Map<number, Pod>();
  for (const pod of failed) {
    const ix = indexOf(pod);
    if (succeeded.has(ix) || failedIndexes.has(ix) || running.has(ix)) continue;
    const last = out.get(ix);
    const total = (p: Pod) => failureCount(p) + ignoredFailureCount(p);
    if (last === undefined || (total(last) <= total(pod) && finishedTime(pod) >= finishedTime(last))) out.set(ix, pod);
  }
  return out;
}

/** getRemainingTimePerIndex: the index's own back-off, from its failures so far and the last one's end. */
function indexBackoffLeft(last: Pod | undefined, nowMs: number): number {
  if (last === undefined) return 0;
  return Math.max(0, finishedTime(last) + backoffDuration(failureCount(last) + ignoredFailureCount(last) + 1) - nowMs);
}

function backoffDuration(failures: number): number {
  return Math.min(FAILURE_BACKOFF_MS * 2 ** (failures - 1), MAX_FAILURE_BACKOFF_MS);
}

/** getFinishedTime: the last container's end, else when it stopped being ready, else its deletion, else its creation. */
function finishedTime(pod: Pod): number {
  const statuses = pod.status?.containerStatuses ?? [];
  const ends = statuses.map((c) => c.state?.terminated?.finishedAt);
  if (statuses.length > 0 && ends.every((t) => t !== undefined)) return Math.max(...ends.map((t) => parseTime(t!)));
  const ready = pod.status?.conditions?.find((c) => c.type === "Ready");
  if (ready?.status === "False" && ready.lastTransitionTime !== undefined) return parseTime(ready.lastTransitionTime);
  if (pod.metadata.deletionTimestamp !== undefined) return parseTime(pod.metadata.deletionTimestamp) - (pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
  return parseTime(pod.metadata.creationTimestamp!);
}

/** matchSuccessPolicy (success_policy.go): the first rule whose indexes, or count of them, have succeeded. */
function matchSuccessPolicy(job: Job, succeeded: ReadonlySet<number>): string | undefined {
  if (succeeded.size === 0) return undefined;
  for (const [i, rule] of (job.spec.successPolicy?.rules ?? []).entries()) {
    if (rule.succeededIndexes !== undefined) {
      const wanted = parseIndexes(rule.succeededIndexes, job.spec.completions ?? 0);
      if (wanted.size === 0) continue;
      const done = [...wanted].filter((ix) => succeeded.has(ix)).length;
      if (done === wanted.size || (rule.succeededCount !== undefined && done >= rule.succeededCount)) return `Matched rules at index ${i}`;
    } else if (rule.succeededCount !== undefined && succeeded.size >= rule.succeededCount) return `Matched rules at index ${i}`;
  }
  return undefined;
}

/** completedIndexes as the controller writes it: sorted, runs of three or more as `a-b` (`0-2,4,7,8`). */
export function formatIndexes(indexes: ReadonlySet<number>): string {
  const sorted = [...indexes].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j > i + 1 ? `${sorted[i]}-${sorted[j]}` : sorted.slice(i, j + 1).join(","));
    i = j + 1;
  }
  return parts.join(",");
}

/** parseIndexesFromString: the indexes below completions a `1,3-5` list names (malformed parts skipped). */
function parseIndexes(text: string, completions: number): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(",").filter((p) => p !== "")) {
    const [a, b] = part.split("-").map(Number);
    if (!Number.isInteger(a) || (b !== undefined && !Number.isInteger(b))) continue;
    for (let i = a!; i <= Math.min(b ?? a!, completions - 1); i++) out.add(i);
  }
  return out;
}
