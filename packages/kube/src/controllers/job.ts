import { parseTime, rfc3339 } from "../api/time.js";
import type { EnvVar, Job, JobCondition, JobStatus, Pod, PodSpec } from "../api/types.js";
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
/** DefaultJobPodFailureBackOff doubling per failure up to MaxJobPodFailureBackOff. */
const FAILURE_BACKOFF_MS = 10_000;
const MAX_FAILURE_BACKOFF_MS = 600_000;

/**
 * The Job controller (pkg/controller/job): runs pods from the template until `completions` of
 * them succeed (NonIndexed), or one for each index succeeds (Indexed), `parallelism` at a time.
 * A pod's end is counted once, through the tracking finalizer, so deleting finished pods does
 * not change the counts. Failed pods are replaced after a back-off of 10 s doubling to 10 min;
 * past backoffLimit failures, or activeDeadlineSeconds after the start, the Job fails and its
 * running pods are deleted. Finished Jobs are deleted ttlSecondsAfterFinished later.
 */
export class JobController {
  readonly queue: WorkQueue;
  private readonly orphans: OrphanIndex<Pod>;
  /** When each Job (by uid) last saw a pod fail, which the back-off counts from: kept in memory, as the real controller's backoff store is. */
  private readonly lastFailure = new Map<string, number>();

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
    const indexed = job.spec.completionMode === "Indexed";
    const succeededIndexes = parseIndexes(status.completedIndexes ?? "");

    // Count each pod's end once, then let the pod go. A deleted pod counts as failed at once
    // (it may never reach the Failed phase); a finished Job counts nothing more.
    const finished = finishedCondition(job);
    let newFailures = 0;
    for (const pod of pods) {
      if (!(pod.metadata.finalizers ?? []).includes(JOB_TRACKING_FINALIZER)) continue;
      const phase = pod.status?.phase;
      if (finished !== undefined) {
        if (phase !== "Succeeded" && phase !== "Failed" && !isTerminating(pod)) continue;
      } else if (phase === "Succeeded") {
        status.succeeded = (status.succeeded ?? 0) + 1;
        if (indexed) succeededIndexes.add(indexOf(pod));
      } else if (phase === "Failed" || isTerminating(pod)) {
        status.failed = (status.failed ?? 0) + 1;
        newFailures++;
      } else continue;
      api.removeFinalizer("Pod", pod.metadata.namespace, pod.metadata.name!, JOB_TRACKING_FINALIZER);
    }
    if (indexed && succeededIndexes.size > 0) status.completedIndexes = formatIndexes(succeededIndexes);
    if (newFailures > 0) this.lastFailure.set(job.metadata.uid!, nowMs);

    const active = pods.filter((p) => !isTerminating(p) && p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed");
    if (finished === undefined && !isTerminating(job)) this.followSuspension(job, status, active, now);
    if (finished === undefined && job.spec.suspend !== true && !isTerminating(job)) {
      status.startTime ??= now;
      const failure = this.failure(job, status, nowMs);
      if (failure !== undefined) {
        for (const pod of active) api.delete("Pod", pod.metadata.namespace, pod.metadata.name!);
        active.length = 0;
        status.conditions = [...(status.conditions ?? []), condition("FailureTarget", failure, now), condition("Failed", failure, now)];
        this.ctx.events.record(job, "Warning", failure.reason, failure.message, COMPONENT);
      } else if (this.succeeded(job, status, succeededIndexes, active.length)) {
        for (const pod of active) api.delete("Pod", pod.metadata.namespace, pod.metadata.name!);
        active.length = 0;
        const reached = { reason: "CompletionsReached", message: "Reached expected number of succeeded pods" };
        status.conditions = [...(status.conditions ?? []), condition("SuccessCriteriaMet", reached, now), condition("Complete", reached, now)];
        status.completionTime = now;
        this.ctx.events.record(job, "Normal", "Completed", "Job completed", COMPONENT);
      } else {
        this.createPods(job, status, succeededIndexes, active, nowMs);
      }
    }
    const terminating = pods.filter((p) => isTerminating(p) && p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed").length;
    status.active = active.length;
    status.ready = active.filter(isPodReady).length;
    status.terminating = terminating;
    status.uncountedTerminatedPods ??= {};
    this.writeStatus(job, status);
    const done = finishedCondition({ ...job, status });
    if (done !== undefined && job.spec.ttlSecondsAfterFinished !== undefined && !isTerminating(job)) this.expire(job, done, nowMs);
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

  /** Why the Job fails now, if it does: too many failed pods, or past its deadline. */
  private failure(job: Job, status: JobStatus, nowMs: number): { reason: string; message: string } | undefined {
    if ((status.failed ?? 0) > (job.spec.backoffLimit ?? 6)) return { reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit" };
    const deadline = job.spec.activeDeadlineSeconds;
    if (deadline !== undefined && status.startTime !== undefined) {
      const left = parseTime(status.startTime) + deadline * 1000 - nowMs;
      if (left <= 0) return { reason: "DeadlineExceeded", message: "Job was active longer than specified deadline" };
      this.queue.addAfter(keyOf(job), left);
    }
    return undefined;
  }

  private succeeded(job: Job, status: JobStatus, indexes: ReadonlySet<number>, active: number): boolean {
    const completions = job.spec.completions;
    if (job.spec.completionMode === "Indexed") return indexes.size >= (completions ?? 0);
    // Without completions (a work queue), the first success ends the Job once no pod runs.
    if (completions === undefined) return (status.succeeded ?? 0) > 0 && active === 0;
    return (status.succeeded ?? 0) >= completions;
  }

  private createPods(job: Job, status: JobStatus, succeeded: ReadonlySet<number>, active: Pod[], nowMs: number): void {
    const failed = status.failed ?? 0;
    const lastFailure = this.lastFailure.get(job.metadata.uid!);
    if (failed > 0 && lastFailure !== undefined) {
      const wait = lastFailure + Math.min(FAILURE_BACKOFF_MS * 2 ** (failed - 1), MAX_FAILURE_BACKOFF_MS) - nowMs;
      if (wait > 0) {
        this.queue.addAfter(keyOf(job), wait);
        return;
      }
    }
    const parallelism = job.spec.parallelism ?? 1;
    const completions = job.spec.completions;
    if (job.spec.completionMode === "Indexed") {
      const running = new Set(active.map(indexOf));
      for (let i = 0; i < (completions ?? 0) && active.length < parallelism; i++) {
        if (succeeded.has(i) || running.has(i)) continue;
        active.push(this.createPod(job, i));
      }
      return;
    }
    // Without completions no new pod starts once one has succeeded.
    const remaining = completions === undefined ? ((status.succeeded ?? 0) > 0 ? 0 : parallelism) : completions - (status.succeeded ?? 0);
    const want = Math.min(parallelism, remaining);
    while (active.length < want) active.push(this.createPod(job, undefined));
  }

  private createPod(job: Job, index: number | undefined): Pod {
    const template = job.spec.template;
    const spec = structuredClone(template.spec) as PodSpec;
    const labels = { ...(template.metadata?.labels ?? {}) };
    const annotations = { ...(template.metadata?.annotations ?? {}) };
    if (index !== undefined) {
      labels[COMPLETION_INDEX] = String(index);
      annotations[COMPLETION_INDEX] = String(index);
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
  return Number(pod.metadata.annotations?.[COMPLETION_INDEX] ?? -1);
}

function finishedCondition(job: Job): JobCondition | undefined {
  return job.status?.conditions?.find((c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True");
}

function condition(type: JobCondition["type"], why: { reason: string; message: string }, now: string): JobCondition {
  return { type, status: "True", lastProbeTime: now, lastTransitionTime: now, reason: why.reason, message: why.message };
}

/** completedIndexes as the controller writes it: sorted, consecutive runs as `a-b` (`0-2,4`). */
export function formatIndexes(indexes: ReadonlySet<number>): string {
  const sorted = [...indexes].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j > i ? `${sorted[i]}-${sorted[j]}` : String(sorted[i]));
    i = j + 1;
  }
  return parts.join(",");
}

function parseIndexes(text: string): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(",").filter((p) => p !== "")) {
    const [a, b] = part.split("-").map(Number);
    for (let i = a!; i <= (b ?? a!); i++) out.add(i);
  }
  return out;
}
