import { NOTHING, SelectorError, labelSelectorAsSelector, selectorMatches, validateLabelSelector } from "../labels.js";
import type { CronJob, Job, JobSpec, PodFailurePolicyRule, SuccessPolicyRule } from "../types.js";
import { isKnownTimeZone, parseCronSchedule } from "../cron-schedule.js";
import { child, duplicate, goQuote, index, invalid, notSupported, required, tooLong, type FieldError } from "./field.js";
import { isQualifiedName, nameIsDNSSubdomain } from "./content.js";
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
  errs.push(...validateNonnegative(spec.backoffLimitPerIndex, at("backoffLimitPerIndex")));
  if (spec.maxFailedIndexes !== undefined) {
    errs.push(...validateNonnegative(spec.maxFailedIndexes, at("maxFailedIndexes")));
    if (spec.backoffLimitPerIndex === undefined) errs.push(required(at("backoffLimitPerIndex"), "when maxFailedIndexes is specified"));
  }
  const indexed = spec.completionMode === "Indexed";
  if (spec.completionMode !== undefined && spec.completionMode !== "NonIndexed" && !indexed) {
    errs.push(notSupported(at("completionMode"), spec.completionMode ?? "", ["NonIndexed", "Indexed"]));
  } else if (indexed) {
    if (spec.completions === undefined) errs.push(required(at("completions"), "when completion mode is Indexed"));
    if (spec.parallelism !== undefined && spec.parallelism > MAX_INDEXED_PARALLELISM) {
      errs.push(invalid(at("parallelism"), spec.parallelism, `must be less than or equal to ${MAX_INDEXED_PARALLELISM} when completion mode is Indexed`));
    }
    if (spec.completions !== undefined && spec.maxFailedIndexes !== undefined && spec.maxFailedIndexes > spec.completions) {
      errs.push(invalid(at("maxFailedIndexes"), spec.maxFailedIndexes, "must be less than or equal to completions"));
    }
    if (spec.maxFailedIndexes !== undefined && spec.maxFailedIndexes > MAX_FAILED_INDEXES) {
      errs.push(invalid(at("maxFailedIndexes"), spec.maxFailedIndexes, `must be less than or equal to ${MAX_FAILED_INDEXES}`));
    }
  }
  if (!indexed) {
    if (spec.backoffLimitPerIndex !== undefined) errs.push(invalid(at("backoffLimitPerIndex"), spec.backoffLimitPerIndex, "requires indexed completion mode"));
    if (spec.maxFailedIndexes !== undefined) errs.push(invalid(at("maxFailedIndexes"), spec.maxFailedIndexes, "requires indexed completion mode"));
  }
  if (spec.podFailurePolicy !== undefined) errs.push(...validatePodFailurePolicy(spec, at("podFailurePolicy")));
  if (spec.successPolicy !== undefined) {
    if (!indexed) errs.push(invalid(at("successPolicy"), spec.successPolicy, "requires indexed completion mode"));
    else errs.push(...validateSuccessPolicy(spec.successPolicy.rules ?? [], spec.completions ?? 0, at("successPolicy", "rules")));
  }
  const replacement = spec.podReplacementPolicy;
  if (replacement !== undefined) {
    if (spec.podFailurePolicy !== undefined) {
      if (replacement !== "Failed") errs.push(notSupported(at("podReplacementPolicy"), replacement, ["Failed"]));
    } else if (replacement !== "Failed" && replacement !== "TerminatingOrFailed") {
      errs.push(notSupported(at("podReplacementPolicy"), replacement, ["Failed", "TerminatingOrFailed"]));
    }
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
  } else if (spec.podFailurePolicy !== undefined && restartPolicy !== "Never") {
    errs.push(invalid(at("template", "spec", "restartPolicy"), restartPolicy, 'only "Never" is supported when podFailurePolicy is specified'));
  }
  return errs;
}

const MAX_INDEXED_PARALLELISM = 100_000;
const MAX_FAILED_INDEXES = 100_000;
const MAX_POLICY_RULES = 20;
const MAX_EXIT_CODES = 255;
const MAX_CONDITION_PATTERNS = 20;
const ACTIONS = ["Count", "FailIndex", "FailJob", "Ignore"];
const OPERATORS = ["In", "NotIn"];
const CONDITION_STATUSES = ["False", "True", "Unknown"];

/** field.TooMany: `Too many: 21: must have at most 20 items`. */
function tooMany(field: string, actual: number, max: number): FieldError {
  return { type: "FieldValueTooMany", field, value: actual, detail: `must have at most ${max} items` };
}

/** `valid values: ["Count" "FailIndex"]`, as Go's %q prints a list of strings. */
function validValues(values: readonly string[]): string {
  return `valid values: [${values.map(goQuote).join(" ")}]`;
}

/**
 * validatePodFailurePolicy: at most 20 rules, each with a known action (FailIndex only with
 * backoffLimitPerIndex) and its exit codes or pod conditions well formed. (A rule with both or
 * neither requirement is not refused here: the API server words that error without a value,
 * which field errors cannot express yet.)
 */
function validatePodFailurePolicy(spec: JobSpec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const rules = spec.podFailurePolicy!.rules ?? [];
  const rulesPath = child(path, "rules");
  if (rules.length > MAX_POLICY_RULES) errs.push(tooMany(rulesPath, rules.length, MAX_POLICY_RULES));
  const containers = new Set([...spec.template.spec.containers, ...(spec.template.spec.initContainers ?? [])].map((c) => c.name));
  rules.forEach((rule, i) => {
    const rulePath = index(rulesPath, i);
    const actionPath = child(rulePath, "action");
    if (!rule.action) errs.push(required(actionPath, validValues(ACTIONS)));
    else if (rule.action === "FailIndex") {
      if (spec.backoffLimitPerIndex === undefined) errs.push(invalid(actionPath, rule.action, "requires the backoffLimitPerIndex to be set"));
    } else if (!ACTIONS.includes(rule.action)) errs.push(notSupported(actionPath, rule.action, ACTIONS));
    if (rule.onExitCodes !== undefined) errs.push(...validateOnExitCodes(rule.onExitCodes, child(rulePath, "onExitCodes"), containers));
    const patterns = rule.onPodConditions ?? [];
    const patternsPath = child(rulePath, "onPodConditions");
    if (patterns.length > MAX_CONDITION_PATTERNS) errs.push(tooMany(patternsPath, patterns.length, MAX_CONDITION_PATTERNS));
    patterns.forEach((pattern, j) => {
      const patternPath = index(patternsPath, j);
      for (const m of isQualifiedName(pattern.type ?? "")) errs.push(invalid(child(patternPath, "type"), pattern.type ?? "", m));
      if (!pattern.status) errs.push(required(child(patternPath, "status"), validValues(CONDITION_STATUSES)));
      else if (!CONDITION_STATUSES.includes(pattern.status)) errs.push(notSupported(child(patternPath, "status"), pattern.status, CONDITION_STATUSES));
    });
  });
  return errs;
}

function validateOnExitCodes(req: NonNullable<PodFailurePolicyRule["onExitCodes"]>, path: string, containers: ReadonlySet<string>): FieldError[] {
  const errs: FieldError[] = [];
  const operatorPath = child(path, "operator");
  if (!req.operator) errs.push(required(operatorPath, validValues(OPERATORS)));
  else if (!OPERATORS.includes(req.operator)) errs.push(notSupported(operatorPath, req.operator, OPERATORS));
  if (req.containerName !== undefined && !containers.has(req.containerName)) {
    errs.push(invalid(child(path, "containerName"), req.containerName, "must be one of the container or initContainer names in the pod template"));
  }
  const valuesPath = child(path, "values");
  const values = req.values ?? [];
  if (values.length === 0) errs.push(invalid(valuesPath, req.values ?? null, "at least one value is required"));
  else if (values.length > MAX_EXIT_CODES) errs.push(tooMany(valuesPath, values.length, MAX_EXIT_CODES));
  const seen = new Set<number>();
  let ordered = true;
  values.forEach((v, j) => {
    const valuePath = index(valuesPath, j);
    if (req.operator === "In" && v === 0) errs.push(invalid(valuePath, v, "must not be 0 for the In operator"));
    if (seen.has(v)) errs.push(duplicate(valuePath, v));
    else seen.add(v);
    if (j > 0 && values[j - 1]! > v) ordered = false;
  });
  if (!ordered) errs.push(invalid(valuesPath, values, "must be ordered"));
  return errs;
}

/** validateSuccessPolicy: 1 to 20 rules, each naming indexes below completions or a count it can reach. */
function validateSuccessPolicy(rules: readonly SuccessPolicyRule[], completions: number, rulesPath: string): FieldError[] {
  const errs: FieldError[] = [];
  if (rules.length === 0) errs.push(required(rulesPath, "at least one rules must be specified when the successPolicy is specified"));
  if (rules.length > MAX_POLICY_RULES) errs.push(tooMany(rulesPath, rules.length, MAX_POLICY_RULES));
  rules.forEach((rule, i) => {
    const rulePath = index(rulesPath, i);
    if (rule.succeededCount === undefined && rule.succeededIndexes === undefined) {
      errs.push(required(rulePath, "at least one of succeededCount or succeededIndexes must be specified"));
    }
    let total = 0;
    if (rule.succeededIndexes !== undefined) {
      const indexesPath = child(rulePath, "succeededIndexes");
      if (rule.succeededIndexes.length > 64 * 1024) errs.push(tooLong(indexesPath, 64 * 1024));
      try {
        total = countIndexes(rule.succeededIndexes, completions);
      } catch (e) {
        errs.push(invalid(indexesPath, rule.succeededIndexes, `error parsing succeededIndexes: ${(e as Error).message}`));
      }
    }
    if (rule.succeededCount !== undefined) {
      const countPath = child(rulePath, "succeededCount");
      errs.push(...validateNonnegative(rule.succeededCount, countPath));
      if (rule.succeededCount > completions) {
        errs.push(invalid(countPath, rule.succeededCount, `must be less than or equal to ${completions} (the number of specified completions)`));
      }
      if (rule.succeededIndexes !== undefined && rule.succeededCount > total) {
        errs.push(invalid(countPath, rule.succeededCount, `must be less than or equal to ${total} (the number of indexes in the specified succeededIndexes field)`));
      }
    }
  });
  return errs;
}

/** validateIndexesFormat: how many indexes `1,3-5` names, or why it is malformed. */
function countIndexes(text: string, completions: number): number {
  if (text === "") return 0;
  let last: number | undefined;
  let total = 0;
  for (const part of text.split(",")) {
    const limits = part.split("-");
    if (limits.length > 2) throw new Error(`the fragment ${goQuote(part)} violates the requirement that an index interval can have at most two parts separated by '-'`);
    const [x, y] = limits.map((l) => parseIndex(l, completions)) as [number, number | undefined];
    if (y !== undefined && x >= y) throw new Error(`non-increasing order, previous: ${x}, current: ${y}`);
    if (last !== undefined && last >= x) throw new Error(`non-increasing order, previous: ${last}, current: ${x}`);
    total += (y ?? x) - x + 1;
    last = y ?? x;
  }
  return total;
}

function parseIndex(text: string, completions: number): number {
  // strconv.Atoi: an optional sign and decimal digits.
  if (!/^[+-]?\d+$/.test(text)) throw new Error(`cannot convert string to integer for index: ${goQuote(text)}`);
  const n = Number(text);
  if (n >= completions) throw new Error(`too large index: ${goQuote(text)}`);
  return n;
}

/** The pod template, the selector and the completion mode are fixed once the Job exists. */
export function validateJobUpdate(job: Job, old: Job): FieldError[] {
  return [
    ...validateJob(job),
    ...validateObjectMetaUpdate(job.metadata, old.metadata),
    ...validateImmutable(job.spec.selector ?? null, old.spec.selector ?? null, "spec.selector", selectorValue(job.spec.selector)),
    ...validateImmutable(job.spec.template, old.spec.template, "spec.template"),
    ...validateImmutable(job.spec.completionMode ?? null, old.spec.completionMode ?? null, "spec.completionMode"),
    ...validateImmutable(job.spec.podFailurePolicy ?? null, old.spec.podFailurePolicy ?? null, "spec.podFailurePolicy"),
    ...validateImmutable(job.spec.backoffLimitPerIndex ?? null, old.spec.backoffLimitPerIndex ?? null, "spec.backoffLimitPerIndex"),
    ...validateImmutable(job.spec.successPolicy ?? null, old.spec.successPolicy ?? null, "spec.successPolicy"),
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
