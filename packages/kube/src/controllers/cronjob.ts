import { parseCronSchedule, type CronSchedule } from "../api/cron-schedule.js";
import { ApiError } from "../api/errors.js";
import { parseTime, rfc3339 } from "../api/time.js";
import type { CronJob, CronJobStatus, Job } from "../api/types.js";
import { jsonEqual } from "../api/json-value.js";
import type { ControllerContext } from "./context.js";
import { controllerRef, isTerminating, keyOf, newControllerRef, splitKey } from "./pod-util.js";
import { WorkQueue } from "./workqueue.js";

const COMPONENT = "cronjob-controller";
export const SCHEDULED_TIMESTAMP = "batch.kubernetes.io/cronjob-scheduled-timestamp";
/** Past this many missed start times the controller warns; it starts the latest either way. */
const MAX_MISSED = 100;

/**
 * The CronJob controller (pkg/controller/cronjob, v2): at each scheduled time it creates the Job
 * `<cronjob>-<minutes since the epoch>` from the template, unless the CronJob is suspended, the
 * start is later than startingDeadlineSeconds, or the concurrency policy says otherwise (Forbid
 * skips while a Job runs, Replace deletes the running ones first). It keeps the running Jobs in
 * status.active, the last successful completion, and only the newest finished Jobs of each kind
 * (successfulJobsHistoryLimit, failedJobsHistoryLimit).
 */
export class CronJobController {
  readonly queue: WorkQueue;
  private readonly schedules = new Map<string, { spec: string; zone: string | undefined; schedule: CronSchedule }>();

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue(ctx.sim, COMPONENT, (key) => this.sync(key));
  }

  start(): void {
    const api = this.ctx.api;
    api.watch<CronJob>("CronJob", (e) => this.queue.add(keyOf(e.object)));
    api.watch<Job>("Job", (e) => {
      const ref = controllerRef(e.object);
      if (ref?.kind === "CronJob") this.queue.add(`${e.object.metadata.namespace}/${ref.name}`);
    });
    for (const cj of api.list<CronJob>("CronJob")) this.queue.add(keyOf(cj));
  }

  sync(key: string): void {
    const [namespace, name] = splitKey(key);
    const api = this.ctx.api;
    const cj = api.get<CronJob>("CronJob", namespace, name);
    if (cj === undefined) {
      this.schedules.delete(key);
      return;
    }
    const nowMs = this.ctx.sim.epochMs();
    const status: CronJobStatus = structuredClone(cj.status ?? {});
    const jobs = api.list<Job>("Job", namespace).filter((j) => controllerRef(j)?.uid === cj.metadata.uid);
    this.trackJobs(cj, jobs, status);
    this.cleanUpHistory(cj, jobs);

    const schedule = this.scheduleOf(key, cj);
    if (!isTerminating(cj) && cj.spec.suspend !== true) {
      const due = this.dueTime(cj, schedule, status, nowMs);
      if (due !== undefined) this.startJob(cj, due, status, jobs);
    }
    if (!jsonEqual(status, cj.status ?? {})) api.updateStatus({ ...cj, status });
    const next = schedule.next(nowMs);
    if (Number.isFinite(next)) this.queue.addAfter(key, next - nowMs);
  }

  private scheduleOf(key: string, cj: CronJob): CronSchedule {
    const known = this.schedules.get(key);
    if (known !== undefined && known.spec === cj.spec.schedule && known.zone === cj.spec.timeZone) return known.schedule;
    const schedule = parseCronSchedule(cj.spec.schedule, cj.spec.timeZone);
    this.schedules.set(key, { spec: cj.spec.schedule, zone: cj.spec.timeZone, schedule });
    return schedule;
  }

  /** The latest scheduled time not yet started, if it is due and not too late to start. */
  private dueTime(cj: CronJob, schedule: CronSchedule, status: CronJobStatus, nowMs: number): number | undefined {
    let earliest = parseTime(status.lastScheduleTime ?? cj.metadata.creationTimestamp!);
    const deadline = cj.spec.startingDeadlineSeconds;
    if (deadline !== undefined) earliest = Math.max(earliest, nowMs - deadline * 1000);
    let latest: number | undefined;
    let missed = 0;
    for (let t = schedule.next(earliest); t <= nowMs; t = schedule.next(t)) {
      latest = t;
      missed++;
    }
    if (missed > MAX_MISSED) {
      this.ctx.events.record(cj, "Warning", "TooManyMissedTimes", `too many missed start times: ${missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`, COMPONENT);
    }
    return latest;
  }

  private startJob(cj: CronJob, scheduledMs: number, status: CronJobStatus, jobs: readonly Job[]): void {
    const api = this.ctx.api;
    const running = (status.active ?? []).length > 0;
    const policy = cj.spec.concurrencyPolicy ?? "Allow";
    if (running && policy === "Forbid") {
      this.ctx.events.record(cj, "Normal", "JobAlreadyActive", "Not starting job because prior execution is running and concurrency policy is Forbid", COMPONENT);
      return;
    }
    if (running && policy === "Replace") {
      for (const ref of status.active ?? []) {
        const job = jobs.find((j) => j.metadata.uid === ref.uid);
        if (job === undefined || api.get("Job", job.metadata.namespace, job.metadata.name!) === undefined) continue;
        api.delete("Job", job.metadata.namespace, job.metadata.name!, { propagationPolicy: "Background" });
        this.ctx.events.record(cj, "Normal", "SuccessfulDelete", `Deleted job ${job.metadata.name}`, COMPONENT);
      }
      status.active = [];
    }
    const template = cj.spec.jobTemplate;
    const job: Job = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: {
        name: `${cj.metadata.name}-${Math.floor(scheduledMs / 60_000)}`,
        namespace: cj.metadata.namespace,
        labels: { ...(template.metadata?.labels ?? {}) },
        annotations: { ...(template.metadata?.annotations ?? {}), [SCHEDULED_TIMESTAMP]: rfc3339(scheduledMs) },
        ownerReferences: [newControllerRef(cj)],
      },
      spec: structuredClone(template.spec),
    };
    let created: Job;
    try {
      created = api.create(job);
    } catch (e) {
      // Created at an earlier sync whose status write was lost: the schedule moves on.
      if (!(e instanceof ApiError && e.reason === "AlreadyExists")) throw e;
      status.lastScheduleTime = rfc3339(scheduledMs);
      return;
    }
    this.ctx.events.record(cj, "Normal", "SuccessfulCreate", `Created job ${created.metadata.name}`, COMPONENT);
    status.active = [...(status.active ?? []), jobReference(created)];
    status.lastScheduleTime = rfc3339(scheduledMs);
  }

  /** Drops finished and vanished Jobs from active, and notes the latest success. */
  private trackJobs(cj: CronJob, jobs: readonly Job[], status: CronJobStatus): void {
    const byUid = new Map(jobs.map((j) => [j.metadata.uid, j]));
    const active = [];
    for (const ref of status.active ?? []) {
      const job = byUid.get(ref.uid);
      if (job === undefined) {
        this.ctx.events.record(cj, "Normal", "MissingJob", `Active job went missing: ${ref.name}`, COMPONENT);
        continue;
      }
      const finished = finishedType(job);
      if (finished === undefined) {
        active.push(ref);
        continue;
      }
      this.ctx.events.record(cj, "Normal", "SawCompletedJob", `Saw completed job: ${job.metadata.name}, condition: ${finished}`, COMPONENT);
      if (finished === "Complete" && job.status?.completionTime !== undefined) {
        const at = job.status.completionTime;
        if (status.lastSuccessfulTime === undefined || parseTime(at) > parseTime(status.lastSuccessfulTime)) status.lastSuccessfulTime = at;
      }
    }
    if (active.length > 0) status.active = active;
    else delete status.active;
  }

  /** Deletes the oldest finished Jobs beyond the history limits. */
  private cleanUpHistory(cj: CronJob, jobs: readonly Job[]): void {
    const limits = { Complete: cj.spec.successfulJobsHistoryLimit ?? 3, Failed: cj.spec.failedJobsHistoryLimit ?? 1 };
    for (const kind of ["Complete", "Failed"] as const) {
      const finished = jobs
        .filter((j) => finishedType(j) === kind && !isTerminating(j))
        .sort((a, b) => parseTime(a.status?.startTime ?? a.metadata.creationTimestamp!) - parseTime(b.status?.startTime ?? b.metadata.creationTimestamp!));
      for (const job of finished.slice(0, Math.max(0, finished.length - limits[kind]))) {
        this.ctx.api.delete("Job", job.metadata.namespace, job.metadata.name!, { propagationPolicy: "Background" });
        this.ctx.events.record(cj, "Normal", "SuccessfulDelete", `Deleted job ${job.metadata.name}`, COMPONENT);
      }
    }
  }
}

function finishedType(job: Job): "Complete" | "Failed" | undefined {
  const c = job.status?.conditions?.find((x) => (x.type === "Complete" || x.type === "Failed") && x.status === "True");
  return c?.type as "Complete" | "Failed" | undefined;
}

function jobReference(job: Job): NonNullable<CronJobStatus["active"]>[number] {
  return { apiVersion: "batch/v1", kind: "Job", name: job.metadata.name!, namespace: job.metadata.namespace!, resourceVersion: job.metadata.resourceVersion!, uid: job.metadata.uid! };
}
