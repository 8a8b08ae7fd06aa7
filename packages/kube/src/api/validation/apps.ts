import { jsonEqual } from "../json-value.js";
import { NOTHING, SelectorError, labelSelectorAsSelector, selectorMatches, validateLabelSelector, validateLabels } from "../labels.js";
import type { ControllerRevision, DaemonSet, Deployment, IntOrString, LabelSelector, PodTemplateSpec, ReplicaSet, StatefulSet } from "../types.js";
import { child, forbidden, invalid, notSupported, required, type FieldError } from "./field.js";
import { isValidPercent, nameIsDNSLabel, nameIsDNSSubdomain } from "./content.js";
import { validateAnnotations, validateImmutable, validateNonnegative, validateObjectMeta, validateObjectMetaUpdate } from "./meta.js";
import { selectorValue, templateSelectorMismatch, validatePodTemplateSpec, validateTemplateForReplicaSet } from "./pod.js";

/** apps/v1 validation (pkg/apis/apps/validation) and the update rules of the apps strategies. */

/**
 * The selector checks every workload shares: required, valid, not empty, and matching the
 * template labels. A missing selector selects nothing, so the template mismatch is reported too.
 */
function validateSelector(
  selector: LabelSelector | undefined,
  template: PodTemplateSpec | undefined,
  spec: string,
  emptyWhat: string,
  conversionDetail: string,
): { errs: FieldError[]; matches: boolean; converted: boolean } {
  const errs: FieldError[] = [];
  const path = child(spec, "selector");
  if (selector === undefined) errs.push(required(path));
  else {
    errs.push(...validateLabelSelector(selector, path));
    if (Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions ?? []).length === 0) {
      errs.push(invalid(path, selectorValue(selector), `empty selector is invalid for ${emptyWhat}`));
    }
  }
  try {
    const sel = labelSelectorAsSelector(selector);
    const empty = sel !== NOTHING && sel.length === 0;
    return { errs, matches: empty || selectorMatches(sel, template?.metadata?.labels), converted: true };
  } catch (e) {
    if (!(e instanceof SelectorError)) throw e;
    errs.push(invalid(path, selectorValue(selector), conversionDetail));
    return { errs, matches: true, converted: false };
  }
}

/** ValidatePositiveIntOrPercent. */
function validateIntOrPercent(v: IntOrString, path: string): FieldError[] {
  if (typeof v === "string") return isValidPercent(v).map((m) => invalid(path, v, m));
  return validateNonnegative(v, path);
}

function intOrPercentValue(v: IntOrString | undefined): number {
  if (typeof v === "number") return v;
  if (v !== undefined && isValidPercent(v).length === 0) return Number(v.slice(0, -1));
  return 0;
}

function notMoreThan100Percent(v: IntOrString, path: string): FieldError[] {
  return typeof v === "string" && isValidPercent(v).length === 0 && Number(v.slice(0, -1)) > 100 ? [invalid(path, v, "must not be greater than 100%")] : [];
}

// ---- StatefulSet ----------------------------------------------------------------------------------

function validateStatefulSetSpec(sts: StatefulSet): FieldError[] {
  const spec = sts.spec;
  const errs: FieldError[] = [];
  const policy = spec.podManagementPolicy ?? "";
  if (policy === "") errs.push(required("spec.podManagementPolicy"));
  else if (policy !== "OrderedReady" && policy !== "Parallel") errs.push(invalid("spec.podManagementPolicy", policy, "must be 'OrderedReady' or 'Parallel'"));

  const strategy = spec.updateStrategy ?? {};
  const ru = strategy.rollingUpdate;
  // The API server validates internal types, whose fields have no json names.
  const internalRollingUpdate = ru === undefined ? null : { Partition: ru.partition ?? 0, MaxUnavailable: ru.maxUnavailable ?? null };
  switch (strategy.type ?? "") {
    case "":
      errs.push(required("spec.updateStrategy"));
      break;
    case "OnDelete":
      if (ru !== undefined) errs.push(invalid("spec.updateStrategy.rollingUpdate", internalRollingUpdate, "only allowed for updateStrategy 'RollingUpdate'"));
      break;
    case "RollingUpdate":
      if (ru !== undefined) {
        const p = "spec.updateStrategy.rollingUpdate";
        errs.push(...validateNonnegative(ru.partition ?? 0, child(p, "partition")));
        if (ru.maxUnavailable !== undefined) {
          const mp = child(p, "maxUnavailable");
          errs.push(...validateIntOrPercent(ru.maxUnavailable, mp));
          if (intOrPercentValue(ru.maxUnavailable) === 0) errs.push(invalid(mp, ru.maxUnavailable, "cannot be 0"));
          errs.push(...notMoreThan100Percent(ru.maxUnavailable, mp));
        }
      }
      break;
    default:
      errs.push(invalid("spec.updateStrategy", { Type: strategy.type, RollingUpdate: internalRollingUpdate }, "must be 'RollingUpdate' or 'OnDelete'"));
  }

  const retention = spec.persistentVolumeClaimRetentionPolicy;
  if (retention !== undefined) {
    for (const f of ["whenDeleted", "whenScaled"] as const) {
      const v = retention[f] ?? "";
      if (v !== "Retain" && v !== "Delete") errs.push(notSupported(child("spec.persistentVolumeClaimRetentionPolicy", f), v, ["Retain", "Delete"]));
    }
  }
  errs.push(...validateNonnegative(spec.replicas ?? 0, "spec.replicas"));
  errs.push(...validateNonnegative(spec.minReadySeconds ?? 0, "spec.minReadySeconds"));
  if (spec.ordinals !== undefined) errs.push(...validateNonnegative(spec.ordinals.start ?? 0, "spec.ordinals.start"));

  const sel = validateSelector(spec.selector, spec.template, "spec", "statefulset", "");
  errs.push(...sel.errs);
  if (sel.converted) {
    // The pod spec of the template is not validated here: volume claim templates supply
    // volumes the template does not list. Pods are validated when the controller creates them.
    const template = spec.template;
    if (!sel.matches) errs.push(templateSelectorMismatch(template, "spec.template"));
    errs.push(...validateLabels(template.metadata?.labels, "spec.template.labels"));
    errs.push(...validateAnnotations(template.metadata?.annotations, "spec.template.annotations"));
  }
  if (spec.template.spec.restartPolicy !== "Always") {
    errs.push(notSupported("spec.template.spec.restartPolicy", spec.template.spec.restartPolicy ?? "", ["Always"]));
  }
  if (spec.template.spec.activeDeadlineSeconds !== undefined) {
    errs.push(forbidden("spec.template.spec.activeDeadlineSeconds", "activeDeadlineSeconds in StatefulSet is not Supported"));
  }
  return errs;
}

export function validateStatefulSet(sts: StatefulSet): FieldError[] {
  return [...validateObjectMeta(sts.metadata, true, nameIsDNSLabel), ...validateStatefulSetSpec(sts)];
}

const STATEFULSET_MUTABLE = ["replicas", "ordinals", "template", "updateStrategy", "revisionHistoryLimit", "persistentVolumeClaimRetentionPolicy", "minReadySeconds"] as const;

export function validateStatefulSetUpdate(sts: StatefulSet, old: StatefulSet): FieldError[] {
  const errs = [...validateObjectMetaUpdate(sts.metadata, old.metadata), ...validateStatefulSetSpec(sts)];
  const clone: Record<string, unknown> = { ...sts.spec };
  const oldSpec = old.spec as unknown as Record<string, unknown>;
  for (const f of STATEFULSET_MUTABLE) {
    if (oldSpec[f] === undefined) delete clone[f];
    else clone[f] = oldSpec[f];
  }
  if (!jsonEqual(clone, old.spec)) {
    errs.push(
      forbidden(
        "spec",
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ),
    );
  }
  return errs;
}

// ---- Deployment and ReplicaSet ------------------------------------------------------------------

function validateDeploymentSpec(d: Deployment): FieldError[] {
  const spec = d.spec;
  const errs = validateNonnegative(spec.replicas ?? 0, "spec.replicas");
  const sel = validateSelector(spec.selector, spec.template, "spec", "deployment", "invalid label selector");
  errs.push(...sel.errs);
  if (sel.converted) errs.push(...validateTemplateForReplicaSet(spec.template, sel.matches, "spec.template"));

  const strategy = spec.strategy ?? {};
  const ru = strategy.rollingUpdate;
  if (strategy.type === "Recreate") {
    if (ru !== undefined) errs.push(forbidden("spec.strategy.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'"));
  } else if (strategy.type === "RollingUpdate") {
    if (ru === undefined) errs.push(required("spec.strategy.rollingUpdate", "this should be defaulted and never be nil"));
    else {
      const p = "spec.strategy.rollingUpdate";
      const maxUnavailable = ru.maxUnavailable ?? 0;
      const maxSurge = ru.maxSurge ?? 0;
      errs.push(...validateIntOrPercent(maxUnavailable, child(p, "maxUnavailable")));
      errs.push(...validateIntOrPercent(maxSurge, child(p, "maxSurge")));
      if (intOrPercentValue(maxUnavailable) === 0 && intOrPercentValue(maxSurge) === 0) {
        errs.push(invalid(child(p, "maxUnavailable"), maxUnavailable, "may not be 0 when `maxSurge` is 0"));
      }
      errs.push(...notMoreThan100Percent(maxUnavailable, child(p, "maxUnavailable")));
    }
  } else {
    const internal = { Type: strategy.type ?? "", RollingUpdate: ru === undefined ? null : { MaxUnavailable: ru.maxUnavailable ?? 0, MaxSurge: ru.maxSurge ?? 0 } };
    errs.push(notSupported("spec.strategy", internal, ["Recreate", "RollingUpdate"]));
  }
  errs.push(...validateNonnegative(spec.minReadySeconds ?? 0, "spec.minReadySeconds"));
  if (spec.revisionHistoryLimit !== undefined) errs.push(...validateNonnegative(spec.revisionHistoryLimit, "spec.revisionHistoryLimit"));
  if (spec.progressDeadlineSeconds !== undefined) {
    errs.push(...validateNonnegative(spec.progressDeadlineSeconds, "spec.progressDeadlineSeconds"));
    if (spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0)) {
      errs.push(invalid("spec.progressDeadlineSeconds", spec.progressDeadlineSeconds, "must be greater than minReadySeconds"));
    }
  }
  return errs;
}

export function validateDeployment(d: Deployment): FieldError[] {
  return [...validateObjectMeta(d.metadata, true, nameIsDNSSubdomain), ...validateDeploymentSpec(d)];
}

/** The apps/v1 strategies also make the selector immutable. */
export function validateDeploymentUpdate(d: Deployment, old: Deployment): FieldError[] {
  return [
    ...validateObjectMetaUpdate(d.metadata, old.metadata),
    ...validateDeploymentSpec(d),
    ...validateImmutable(d.spec.selector ?? null, old.spec.selector ?? null, "spec.selector", selectorValue(d.spec.selector)),
  ];
}

function validateReplicaSetSpec(rs: ReplicaSet): FieldError[] {
  const spec = rs.spec;
  const errs = validateNonnegative(spec.replicas ?? 0, "spec.replicas");
  errs.push(...validateNonnegative(spec.minReadySeconds ?? 0, "spec.minReadySeconds"));
  // The API server's message for a ReplicaSet names deployments too.
  const sel = validateSelector(spec.selector, spec.template, "spec", "deployment", "invalid label selector");
  errs.push(...sel.errs);
  if (sel.converted) errs.push(...validateTemplateForReplicaSet(spec.template, sel.matches, "spec.template"));
  return errs;
}

export function validateReplicaSet(rs: ReplicaSet): FieldError[] {
  return [...validateObjectMeta(rs.metadata, true, nameIsDNSSubdomain), ...validateReplicaSetSpec(rs)];
}

export function validateReplicaSetUpdate(rs: ReplicaSet, old: ReplicaSet): FieldError[] {
  return [
    ...validateObjectMetaUpdate(rs.metadata, old.metadata),
    ...validateReplicaSetSpec(rs),
    ...validateImmutable(rs.spec.selector ?? null, old.spec.selector ?? null, "spec.selector", selectorValue(rs.spec.selector)),
  ];
}

// ---- DaemonSet -----------------------------------------------------------------------------------

function validateDaemonSetSpec(ds: DaemonSet): FieldError[] {
  const spec = ds.spec;
  // No Required check here, unlike the other workloads: a missing selector selects nothing and
  // is reported as the template mismatch.
  const errs = validateLabelSelector(spec.selector, "spec.selector");
  let matches = true;
  try {
    matches = selectorMatches(labelSelectorAsSelector(spec.selector), spec.template.metadata?.labels);
  } catch (e) {
    // A selector that does not convert has been reported by validateLabelSelector.
    if (!(e instanceof SelectorError)) throw e;
  }
  if (!matches) errs.push(templateSelectorMismatch(spec.template, "spec.template"));
  if (spec.selector !== undefined && Object.keys(spec.selector.matchLabels ?? {}).length + (spec.selector.matchExpressions ?? []).length === 0) {
    errs.push(invalid("spec.selector", selectorValue(spec.selector), "empty selector is invalid for daemonset"));
  }
  errs.push(...validatePodTemplateSpec(spec.template, "spec.template"));
  if (spec.template.spec.restartPolicy !== "Always") {
    errs.push(notSupported("spec.template.spec.restartPolicy", spec.template.spec.restartPolicy ?? "", ["Always"]));
  }
  if (spec.template.spec.activeDeadlineSeconds !== undefined) {
    errs.push(forbidden("spec.template.spec.activeDeadlineSeconds", "activeDeadlineSeconds in DaemonSet is not Supported"));
  }
  errs.push(...validateNonnegative(spec.minReadySeconds ?? 0, "spec.minReadySeconds"));

  const strategy = spec.updateStrategy ?? {};
  const ru = strategy.rollingUpdate;
  if (strategy.type === "RollingUpdate") {
    const p = "spec.updateStrategy.rollingUpdate";
    if (ru === undefined) errs.push(required(p));
    else {
      // Unset fields are the zero IntOrString in the internal type the API server validates.
      const maxUnavailable = ru.maxUnavailable ?? 0;
      const maxSurge = ru.maxSurge ?? 0;
      errs.push(...validateIntOrPercent(maxUnavailable, child(p, "maxUnavailable")));
      errs.push(...validateIntOrPercent(maxSurge, child(p, "maxSurge")));
      errs.push(...notMoreThan100Percent(maxUnavailable, child(p, "maxUnavailable")));
      errs.push(...notMoreThan100Percent(maxSurge, child(p, "maxSurge")));
      // Exactly one of the two may be non-zero.
      const hasUnavailable = intOrPercentValue(maxUnavailable) !== 0;
      const hasSurge = intOrPercentValue(maxSurge) !== 0;
      if (hasUnavailable && hasSurge) errs.push(invalid(child(p, "maxSurge"), maxSurge, "may not be set when maxUnavailable is non-zero"));
      if (!hasUnavailable && !hasSurge) errs.push(required(child(p, "maxUnavailable"), "cannot be 0 when maxSurge is 0"));
    }
  } else if (strategy.type !== "OnDelete") {
    const internal = { Type: strategy.type ?? "", RollingUpdate: ru === undefined ? null : { MaxUnavailable: ru.maxUnavailable ?? 0, MaxSurge: ru.maxSurge ?? 0 } };
    errs.push(notSupported("spec.updateStrategy", internal, ["RollingUpdate", "OnDelete"]));
  }
  if (spec.revisionHistoryLimit !== undefined) errs.push(...validateNonnegative(spec.revisionHistoryLimit, "spec.revisionHistoryLimit"));
  return errs;
}

export function validateDaemonSet(ds: DaemonSet): FieldError[] {
  return [...validateObjectMeta(ds.metadata, true, nameIsDNSSubdomain), ...validateDaemonSetSpec(ds)];
}

/**
 * The strategy validates the new object as on create, then as an update (which checks the spec
 * again: the repeated errors appear once in the message), then the immutable selector.
 */
export function validateDaemonSetUpdate(ds: DaemonSet, old: DaemonSet): FieldError[] {
  return [
    ...validateDaemonSet(ds),
    ...validateObjectMetaUpdate(ds.metadata, old.metadata),
    ...validateDaemonSetSpec(ds),
    ...validateImmutable(ds.spec.selector ?? null, old.spec.selector ?? null, "spec.selector", selectorValue(ds.spec.selector)),
  ];
}

// ---- ControllerRevision ---------------------------------------------------------------------------

export function validateControllerRevision(cr: ControllerRevision): FieldError[] {
  const errs = validateObjectMeta(cr.metadata, true, nameIsDNSSubdomain);
  if (cr.data === undefined || cr.data === null) errs.push(required("data", "data is mandatory"));
  errs.push(...validateNonnegative(cr.revision, "revision"));
  return errs;
}

export function validateControllerRevisionUpdate(cr: ControllerRevision, old: ControllerRevision): FieldError[] {
  return [
    ...validateObjectMetaUpdate(cr.metadata, old.metadata),
    ...validateControllerRevision(cr),
    ...validateImmutable(cr.data ?? null, old.data ?? null, "data"),
  ];
}
