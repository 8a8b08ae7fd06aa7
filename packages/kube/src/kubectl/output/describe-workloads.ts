/** `kubectl describe` for StatefulSets, Deployments, ReplicaSets, DaemonSets, Jobs and CronJobs. */
import type { CronJob, DaemonSet, Deployment, Job, KubeObject, LabelSelector, Pod, PodTemplateSpec, ReplicaSet, StatefulSet } from "../../api/types.js";
import { humanDuration } from "./duration.js";
import { parseTime } from "../../api/time.js";
import {
  DescribeWriter,
  eventsFor,
  rfc1123z,
  writeAnnotations,
  writeEvents,
  writeLabels,
  goList,
  type DescribeOptions,
  type ObjectLister,
} from "./describe-writer.js";
import { writePodTemplate } from "./describe-pod.js";
import { formatLabelSelector, labelSelectorMatches } from "../../api/labels.js";
import { formatLabels, labelSelectorString } from "./labels.js";
import { claimClass } from "./tables.js";
import { quantityText } from "./quantity.js";
import { normalize } from "./json.js";

export function describeStatefulSet(sts: StatefulSet, lister: ObjectLister, options: DescribeOptions): string {
  const w = new DescribeWriter();
  w.write(0, `Name:\t${sts.metadata.name}\n`);
  w.write(0, `Namespace:\t${sts.metadata.namespace}\n`);
  w.write(0, `CreationTimestamp:\t${rfc1123z(sts.metadata.creationTimestamp)}\n`);
  w.write(0, `Selector:\t${labelSelectorString(sts.spec.selector)}\n`);
  writeLabels(w, "Labels", sts.metadata.labels);
  writeAnnotations(w, "Annotations", sts.metadata.annotations);
  w.write(0, `Replicas:\t${sts.spec.replicas ?? 1} desired | ${sts.status?.replicas ?? 0} total\n`);
  const strategy = sts.spec.updateStrategy ?? { type: "RollingUpdate", rollingUpdate: {} };
  w.write(0, `Update Strategy:\t${strategy.type ?? "RollingUpdate"}\n`);
  // The API server gives every non-nil rollingUpdate a partition (default 0).
  const ru = strategy.rollingUpdate;
  if (ru) {
    w.write(1, `Partition:\t${ru.partition ?? 0}\n`);
    if (ru.maxUnavailable !== undefined) w.write(1, `MaxUnavailable:\t${ru.maxUnavailable}\n`);
  }
  w.write(0, `Pods Status:\t${podStatusCounts(sts, sts.spec.selector, lister)}\n`);
  writePodTemplate(w, sts.spec.template);
  const claims = sts.spec.volumeClaimTemplates ?? [];
  if (claims.length === 0) w.write(0, "Volume Claims:\t<none>\n");
  else {
    w.write(0, "Volume Claims:\n");
    for (const c of claims) {
      w.write(1, `Name:\t${c.metadata.name}\n`);
      w.write(1, `StorageClass:\t${claimClass({ ...c, apiVersion: "v1", kind: "PersistentVolumeClaim" })}\n`);
      writeLabels(w, "Labels", c.metadata.labels, "  ");
      writeLabels(w, "Annotations", c.metadata.annotations, "  ");
      const storage = c.spec.resources?.requests?.["storage"];
      w.write(1, `Capacity:\t${storage !== undefined ? quantityText(storage) : "<default>"}\n`);
      w.write(1, `Access Modes:\t${goList(c.spec.accessModes)}\n`);
    }
  }
  if (options.showEvents !== false) writeEvents(w, eventsFor(sts, lister), options.now);
  return w.text();
}

export function describeDeployment(d: Deployment, lister: ObjectLister, options: DescribeOptions): string {
  const w = new DescribeWriter();
  const status = d.status ?? {};
  w.write(0, `Name:\t${d.metadata.name}\n`);
  w.write(0, `Namespace:\t${d.metadata.namespace}\n`);
  w.write(0, `CreationTimestamp:\t${rfc1123z(d.metadata.creationTimestamp)}\n`);
  writeLabels(w, "Labels", d.metadata.labels);
  writeAnnotations(w, "Annotations", d.metadata.annotations);
  w.write(0, `Selector:\t${labelSelectorString(d.spec.selector)}\n`);
  w.write(
    0,
    `Replicas:\t${d.spec.replicas ?? 1} desired | ${status.updatedReplicas ?? 0} updated | ${status.replicas ?? 0} total | ${status.availableReplicas ?? 0} available | ${status.unavailableReplicas ?? 0} unavailable\n`,
  );
  const type = d.spec.strategy?.type ?? "RollingUpdate";
  w.write(0, `StrategyType:\t${type}\n`);
  w.write(0, `MinReadySeconds:\t${d.spec.minReadySeconds ?? 0}\n`);
  if (type === "RollingUpdate") {
    const ru = d.spec.strategy?.rollingUpdate;
    w.write(0, `RollingUpdateStrategy:\t${ru?.maxUnavailable ?? "25%"} max unavailable, ${ru?.maxSurge ?? "25%"} max surge\n`);
  }
  writePodTemplate(w, d.spec.template);
  const conditions = status.conditions ?? [];
  if (conditions.length > 0) {
    w.write(0, "Conditions:\n  Type\tStatus\tReason\n");
    w.write(1, "----\t------\t------\n");
    for (const c of conditions) w.write(1, `${c.type} \t${c.status}\t${c.reason ?? ""}\n`);
  }
  const owned = (lister.list("ReplicaSet", d.metadata.namespace) as ReplicaSet[])
    .filter((rs) => controllerUid(rs) === d.metadata.uid)
    .sort((a, b) => created(a) - created(b));
  const newRS = owned.find((rs) => sameTemplate(rs.spec.template, d.spec.template));
  const oldRSs = owned.filter((rs) => rs !== newRS);
  if (owned.length > 0) {
    w.write(0, `OldReplicaSets:\t${replicaSetList(oldRSs)}\n`);
    w.write(0, `NewReplicaSet:\t${replicaSetList(newRS ? [newRS] : [])}\n`);
  }
  if (options.showEvents !== false) writeEvents(w, eventsFor(d, lister), options.now);
  return w.text();
}

export function describeReplicaSet(rs: ReplicaSet, lister: ObjectLister, options: DescribeOptions): string {
  const w = new DescribeWriter();
  w.write(0, `Name:\t${rs.metadata.name}\n`);
  w.write(0, `Namespace:\t${rs.metadata.namespace}\n`);
  w.write(0, `Selector:\t${formatLabelSelector(rs.spec.selector)}\n`);
  writeLabels(w, "Labels", rs.metadata.labels);
  writeAnnotations(w, "Annotations", rs.metadata.annotations);
  const owner = rs.metadata.ownerReferences?.find((r) => r.controller);
  if (owner) w.write(0, `Controlled By:\t${owner.kind}/${owner.name}\n`);
  w.write(0, `Replicas:\t${rs.status?.replicas ?? 0} current / ${rs.spec.replicas ?? 1} desired\n`);
  w.write(0, "Pods Status:\t");
  w.write(0, `${podStatusCounts(rs, rs.spec.selector, lister)}\n`);
  writePodTemplate(w, rs.spec.template);
  if (options.showEvents !== false) writeEvents(w, eventsFor(rs, lister), options.now);
  return w.text();
}

export function describeDaemonSet(ds: DaemonSet, lister: ObjectLister, options: DescribeOptions): string {
  const w = new DescribeWriter();
  const status = ds.status;
  w.write(0, `Name:\t${ds.metadata.name}\n`);
  w.write(0, `Namespace:\t${ds.metadata.namespace}\n`);
  w.write(0, `Selector:\t${labelSelectorString(ds.spec.selector)}\n`);
  w.write(0, `Node-Selector:\t${formatLabels(ds.spec.template.spec.nodeSelector)}\n`);
  writeLabels(w, "Labels", ds.metadata.labels);
  writeAnnotations(w, "Annotations", ds.metadata.annotations);
  // These lines have no tab, so they are not aligned with the others.
  w.write(0, `Desired Number of Nodes Scheduled: ${status?.desiredNumberScheduled ?? 0}\n`);
  w.write(0, `Current Number of Nodes Scheduled: ${status?.currentNumberScheduled ?? 0}\n`);
  w.write(0, `Number of Nodes Scheduled with Up-to-date Pods: ${status?.updatedNumberScheduled ?? 0}\n`);
  w.write(0, `Number of Nodes Scheduled with Available Pods: ${status?.numberAvailable ?? 0}\n`);
  w.write(0, `Number of Nodes Misscheduled: ${status?.numberMisscheduled ?? 0}\n`);
  w.write(0, `Pods Status:\t${podStatusCounts(ds, ds.spec.selector, lister)}\n`);
  writePodTemplate(w, ds.spec.template);
  if (options.showEvents !== false) writeEvents(w, eventsFor(ds, lister), options.now);
  return w.text();
}

export function describeJob(job: Job, lister: ObjectLister, options: DescribeOptions): string {
  const w = new DescribeWriter();
  const { spec } = job;
  const status = job.status ?? {};
  w.write(0, `Name:\t${job.metadata.name}\n`);
  w.write(0, `Namespace:\t${job.metadata.namespace}\n`);
  w.write(0, `Selector:\t${labelSelectorString(spec.selector)}\n`);
  writeLabels(w, "Labels", job.metadata.labels);
  writeAnnotations(w, "Annotations", job.metadata.annotations);
  const owner = job.metadata.ownerReferences?.find((r) => r.controller);
  if (owner) w.write(0, `Controlled By:\t${owner.kind}/${owner.name}\n`);
  if (spec.parallelism !== undefined) w.write(0, `Parallelism:\t${spec.parallelism}\n`);
  w.write(0, `Completions:\t${spec.completions ?? "<unset>"}\n`);
  if (spec.completionMode !== undefined) w.write(0, `Completion Mode:\t${spec.completionMode}\n`);
  if (spec.suspend !== undefined) w.write(0, `Suspend:\t${spec.suspend}\n`);
  if (spec.backoffLimit !== undefined) w.write(0, `Backoff Limit:\t${spec.backoffLimit}\n`);
  if (spec.ttlSecondsAfterFinished !== undefined) w.write(0, `TTL Seconds After Finished:\t${spec.ttlSecondsAfterFinished}\n`);
  if (status.startTime !== undefined) w.write(0, `Start Time:\t${rfc1123z(status.startTime)}\n`);
  if (status.completionTime !== undefined) w.write(0, `Completed At:\t${rfc1123z(status.completionTime)}\n`);
  if (status.startTime !== undefined && status.completionTime !== undefined) {
    w.write(0, `Duration:\t${humanDuration(parseTime(status.completionTime) - parseTime(status.startTime))}\n`);
  }
  if (spec.activeDeadlineSeconds !== undefined) w.write(0, `Active Deadline Seconds:\t${spec.activeDeadlineSeconds}s\n`);
  const counts = `${status.active ?? 0} Active${status.ready === undefined ? "" : ` (${status.ready} Ready)`} / ${status.succeeded ?? 0} Succeeded / ${status.failed ?? 0} Failed`;
  w.write(0, `Pods Statuses:\t${counts}\n`);
  if (spec.completionMode === "Indexed") w.write(0, `Completed Indexes:\t${capIndexes(status.completedIndexes ?? "", 50)}\n`);
  writePodTemplate(w, spec.template);
  if (options.showEvents !== false) writeEvents(w, eventsFor(job, lister), options.now);
  return w.text();
}

export function describeCronJob(cj: CronJob, lister: ObjectLister, options: DescribeOptions): string {
  const w = new DescribeWriter();
  const { spec } = cj;
  const unset = (v: number | undefined, unit = "") => (v === undefined ? "<unset>" : `${v}${unit}`);
  w.write(0, `Name:\t${cj.metadata.name}\n`);
  w.write(0, `Namespace:\t${cj.metadata.namespace}\n`);
  writeLabels(w, "Labels", cj.metadata.labels);
  writeAnnotations(w, "Annotations", cj.metadata.annotations);
  w.write(0, `Schedule:\t${spec.schedule}\n`);
  w.write(0, `Concurrency Policy:\t${spec.concurrencyPolicy ?? ""}\n`);
  w.write(0, `Suspend:\t${spec.suspend === undefined ? "<unset>" : spec.suspend ? "True" : "False"}\n`);
  w.write(0, `Successful Job History Limit:\t${unset(spec.successfulJobsHistoryLimit)}\n`);
  w.write(0, `Failed Job History Limit:\t${unset(spec.failedJobsHistoryLimit)}\n`);
  w.write(0, `Starting Deadline Seconds:\t${unset(spec.startingDeadlineSeconds, "s")}\n`);
  // describeJobTemplate
  const job = spec.jobTemplate.spec;
  w.write(0, `Selector:\t${job.selector === undefined ? "<unset>" : labelSelectorString(job.selector)}\n`);
  w.write(0, `Parallelism:\t${unset(job.parallelism)}\n`);
  w.write(0, `Completions:\t${unset(job.completions)}\n`);
  if (job.activeDeadlineSeconds !== undefined) w.write(0, `Active Deadline Seconds:\t${job.activeDeadlineSeconds}s\n`);
  writePodTemplate(w, job.template);
  const last = cj.status?.lastScheduleTime;
  w.write(0, `Last Schedule Time:\t${last === undefined ? "<unset>" : rfc1123z(last)}\n`);
  const active = cj.status?.active ?? [];
  w.write(0, `Active Jobs:\t${active.length === 0 ? "<none>" : active.map((r) => r.name).join(", ")}\n`);
  if (options.showEvents !== false) writeEvents(w, eventsFor(cj, lister), options.now);
  return w.text();
}

/** capIndexesListOrNone: the list up to the first comma at or past the soft limit, then `...`. */
function capIndexes(indexes: string, softLimit: number): string {
  if (indexes === "") return "<none>";
  const comma = indexes.indexOf(",", softLimit);
  return comma < 0 ? indexes : `${indexes.slice(0, comma + 1)}...`;
}

/** `getPodStatusForController`: the controller's own pods by phase. */
function podStatusCounts(owner: KubeObject, selector: LabelSelector, lister: ObjectLister): string {
  const counts = { Running: 0, Pending: 0, Succeeded: 0, Failed: 0 };
  for (const pod of lister.list("Pod", owner.metadata.namespace) as Pod[]) {
    if (!labelSelectorMatches(selector, pod.metadata.labels) || controllerUid(pod) !== owner.metadata.uid) continue;
    const phase = pod.status?.phase;
    if (phase && phase in counts) counts[phase as keyof typeof counts]++;
  }
  return `${counts.Running} Running / ${counts.Pending} Waiting / ${counts.Succeeded} Succeeded / ${counts.Failed} Failed`;
}

function controllerUid(obj: KubeObject): string | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller)?.uid;
}

function created(obj: KubeObject): number {
  return obj.metadata.creationTimestamp ? parseTime(obj.metadata.creationTimestamp) : 0;
}

/** `EqualIgnoreHash`: templates equal once the pod-template-hash label is dropped. */
function sameTemplate(a: PodTemplateSpec, b: PodTemplateSpec): boolean {
  const strip = (t: PodTemplateSpec) => {
    const labels = { ...(t.metadata?.labels ?? {}) };
    delete labels["pod-template-hash"];
    return JSON.stringify(normalize({ ...t, metadata: { ...t.metadata, labels } }));
  };
  return strip(a) === strip(b);
}

function replicaSetList(sets: readonly ReplicaSet[]): string {
  return sets.map((rs) => `${rs.metadata.name} (${rs.status?.replicas ?? 0}/${rs.spec.replicas ?? 1} replicas created)`).join(", ") || "<none>";
}
