import { NOTHING, SelectorError, labelSelectorAsSelector, selectorMatches, validateLabelSelector } from "../labels.js";
import type { CronJob, Job, JobSpec } from "../types.js";
import { isKnownTimeZone, parseCronSchedule } from "../cron-schedule.js";
import { child, invalid, notSupported, required, type FieldError } from "./field.js";
import { nameIsDNSSubdomain } from "./content.js";
import { validateImmutable, validateNonnegative, validateObjectMeta, validateObjectMetaUpdate } from "./meta.js";
import { selectorValue, templateSelectorMismatch, validatePodTemplateSpec } from "./pod.js";

/**
 * batch/v1 Job validation (pkg/apis/batch/validation). A Job without manualSelector gets its
 * selector from the API server after this runs (it needs the uid), so only a manual one is
 * checked against the template here.
 */
export function validateJob(job: Job): FieldError[] {
  return [...validateObjectMeta(job.metadata, true, nameIsDNSSubdomain), ...validateJobSpec(job.spec, "spec")];
}

function validateJobSpec(spec: JobSpec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const at = (name: string, name2?: string, name3?: string) => child(path, name, name2, name3);
  errs.push(...validateNonnegative(spec.parallelism, at("parallelism")));
  errs.push(...validateNonnegative(spec.completions, at("completions")));
  errs.push(...validateNonnegative(spec.activeDeadlineSeconds, at("activeDeadlineSeconds")));
  errs.push(...validateNonnegative(spec.backoffLimit, at("backoffLimit")));
  errs.push(...validateNonnegative(spec.ttlSecondsAfterFinished, at("ttlSecondsAfterFinished")));
  if (spec.completionMode !== undefined && spec.completionMode !== "NonIndexed" && spec.completionMode !== "Indexed") {
    errs.push(notSupported(at("completionMode"), spec.completionMode ?? "", ["NonIndexed", "Indexed"]));
  } else if (spec.completionMode === "Indexed" && spec.completions === undefined) {
    errs.push(required(at("completions"), "when completion mode is Indexed"));
  }
  if (spec.manualSelector === true) {
    if (spec.selector === undefined) errs.push(required(at("selector")));
    else {
      errs.push(...validateLabelSelector(spec.selector, at("selector")));
      let matches = false;
      try {
        const selector = labelSelectorAsSelector(spec.selector);
        matches = selector !== NOTHING && selectorMatches(selector, spec.template.metadata?.labels);
      } catch (e) {
        if (!(e instanceof SelectorError)) throw e;
      }
      if (!matches) errs.push(templateSelectorMismatch(spec.template, at("template")));
    }
  }
  errs.push(...validatePodTemplateSpec(spec.template, at("template")));
  const restartPolicy = spec.template.spec.restartPolicy;
  if (restartPolicy === "Always" || restartPolicy === undefined) {
    errs.push(required(at("template", "spec", "restartPolicy"), 'valid values: "OnFailure", "Never"'));
  } else if (restartPolicy !== "OnFailure" && restartPolicy !== "Never") {
    errs.push(notSupported(at("template", "spec", "restartPolicy"), restartPolicy, ["OnFailure", "Never"]));
  }
  return errs;
}

/** The pod template, the selector and the completion mode are fixed once the Job exists. */
export function validateJobUpdate(job: Job, old: Job): FieldError[] {
  return [
    ...validateJob(job),
    ...validateObjectMetaUpdate(job.metadata, old.metadata),
    ...validateImmutable(job.spec.selector ?? null, old.spec.selector ?? null, "spec.selector", selectorValue(job.spec.selector)),
    ...validateImmutable(job.spec.template, old.spec.template, "spec.template"),
    ...validateImmutable(job.spec.completionMode ?? null, old.spec.completionMode ?? null, "spec.completionMode"),
  ];
}

/** The labels the API server puts on a Job's pod template, and the selector that picks them. */
export const JOB_CONTROLLER_UID = "batch.kubernetes.io/controller-uid";
export const JOB_NAME = "batch.kubernetes.io/job-name";

/**
 * The Job strategy's generateSelector, once the Job has its uid: the template is labelled with
 * the job's name and uid (under the batch.kubernetes.io names and the legacy bare ones) and the
 * selector picks the uid. A Job without labels of its own shows its template's (defaulting
 * shares the map).
 */
export function generateJobSelector(job: Job): void {
  if (job.spec.manualSelector === true) return;
  const uid = job.metadata.uid!;
  const name = job.metadata.name!;
  const template = (job.spec.template.metadata ??= {});
  template.labels = { ...(template.labels ?? {}), [JOB_CONTROLLER_UID]: uid, [JOB_NAME]: name, "controller-uid": uid, "job-name": name };
  const selector = (job.spec.selector ??= {});
  selector.matchLabels = { ...(selector.matchLabels ?? {}) };
  selector.matchLabels[JOB_CONTROLLER_UID] ??= uid;
  if (job.metadata.labels === undefined || Object.keys(job.metadata.labels).length === 0) job.metadata.labels = { ...template.labels };
}

/** batch/v1 CronJob validation: a schedule robfig/cron parses, a known zone, a valid Job template. */
export function validateCronJob(cj: CronJob): FieldError[] {
  const errs = validateObjectMeta(cj.metadata, true, nameIsDNSSubdomain);
  // The Jobs it creates add an 11-character suffix to its name.
  const name = cj.metadata.name ?? "";
  if (name.length > 52) errs.push(invalid("metadata.name", name, "must be no more than 52 characters"));
  errs.push(...validateCronJobSpec(cj));
  return errs;
}

function validateCronJobSpec(cj: CronJob): FieldError[] {
  const spec = cj.spec;
  const errs: FieldError[] = [];
  if (!spec.schedule) errs.push(required("spec.schedule"));
  else if (/^\s*(CRON_)?TZ=/.test(spec.schedule)) errs.push(invalid("spec.schedule", spec.schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"));
  else {
    try {
      parseCronSchedule(spec.schedule);
    } catch (e) {
      errs.push(invalid("spec.schedule", spec.schedule, (e as Error).message));
    }
  }
  if (spec.timeZone !== undefined && !isKnownTimeZone(spec.timeZone)) errs.push(invalid("spec.timeZone", spec.timeZone, `unknown time zone ${spec.timeZone}`));
  errs.push(...validateNonnegative(spec.startingDeadlineSeconds, "spec.startingDeadlineSeconds"));
  if (spec.concurrencyPolicy !== "Allow" && spec.concurrencyPolicy !== "Forbid" && spec.concurrencyPolicy !== "Replace") {
    errs.push(spec.concurrencyPolicy ? notSupported("spec.concurrencyPolicy", spec.concurrencyPolicy, ["Allow", "Forbid", "Replace"]) : required("spec.concurrencyPolicy"));
  }
  errs.push(...validateNonnegative(spec.successfulJobsHistoryLimit, "spec.successfulJobsHistoryLimit"));
  errs.push(...validateNonnegative(spec.failedJobsHistoryLimit, "spec.failedJobsHistoryLimit"));
  errs.push(...validateJobSpec(spec.jobTemplate.spec, "spec.jobTemplate.spec"));
  return errs;
}

export function validateCronJobUpdate(cj: CronJob, old: CronJob): FieldError[] {
  return [...validateCronJob(cj), ...validateObjectMetaUpdate(cj.metadata, old.metadata)];
}
