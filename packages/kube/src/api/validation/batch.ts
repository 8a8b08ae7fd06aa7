import { NOTHING, SelectorError, labelSelectorAsSelector, selectorMatches, validateLabelSelector } from "../labels.js";
import type { Job } from "../types.js";
import { child, notSupported, required, type FieldError } from "./field.js";
import { nameIsDNSSubdomain } from "./content.js";
import { validateImmutable, validateNonnegative, validateObjectMeta, validateObjectMetaUpdate } from "./meta.js";
import { selectorValue, templateSelectorMismatch, validatePodTemplateSpec } from "./pod.js";

/**
 * batch/v1 Job validation (pkg/apis/batch/validation). A Job without manualSelector gets its
 * selector from the API server after this runs (it needs the uid), so only a manual one is
 * checked against the template here.
 */
export function validateJob(job: Job): FieldError[] {
  return [...validateObjectMeta(job.metadata, true, nameIsDNSSubdomain), ...validateJobSpec(job)];
}

function validateJobSpec(job: Job): FieldError[] {
  const spec = job.spec;
  const errs: FieldError[] = [];
  errs.push(...validateNonnegative(spec.parallelism, "spec.parallelism"));
  errs.push(...validateNonnegative(spec.completions, "spec.completions"));
  errs.push(...validateNonnegative(spec.activeDeadlineSeconds, "spec.activeDeadlineSeconds"));
  errs.push(...validateNonnegative(spec.backoffLimit, "spec.backoffLimit"));
  errs.push(...validateNonnegative(spec.ttlSecondsAfterFinished, "spec.ttlSecondsAfterFinished"));
  if (spec.completionMode !== "NonIndexed" && spec.completionMode !== "Indexed") {
    errs.push(notSupported("spec.completionMode", spec.completionMode ?? "", ["NonIndexed", "Indexed"]));
  } else if (spec.completionMode === "Indexed" && spec.completions === undefined) {
    errs.push(required("spec.completions", "when completion mode is Indexed"));
  }
  if (spec.manualSelector === true) {
    if (spec.selector === undefined) errs.push(required("spec.selector"));
    else {
      errs.push(...validateLabelSelector(spec.selector, "spec.selector"));
      let matches = false;
      try {
        const selector = labelSelectorAsSelector(spec.selector);
        matches = selector !== NOTHING && selectorMatches(selector, spec.template.metadata?.labels);
      } catch (e) {
        if (!(e instanceof SelectorError)) throw e;
      }
      if (!matches) errs.push(templateSelectorMismatch(spec.template, "spec.template"));
    }
  }
  errs.push(...validatePodTemplateSpec(spec.template, "spec.template"));
  const restartPolicy = spec.template.spec.restartPolicy;
  if (restartPolicy === "Always" || restartPolicy === undefined) {
    errs.push(required(child("spec.template.spec", "restartPolicy"), 'valid values: "OnFailure", "Never"'));
  } else if (restartPolicy !== "OnFailure" && restartPolicy !== "Never") {
    errs.push(notSupported(child("spec.template.spec", "restartPolicy"), restartPolicy, ["OnFailure", "Never"]));
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
