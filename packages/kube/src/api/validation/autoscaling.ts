import { parseQuantity } from "../quantity.js";
import type { HPAScalingRules, HorizontalPodAutoscaler, MetricIdentifier, MetricSpec, MetricTarget } from "../types.js";
import { nameIsDNSSubdomain, pathSegmentName } from "./content.js";
import { child, forbidden, index, invalid, notSupported, required, type FieldError } from "./field.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./meta.js";

/**
 * pkg/apis/autoscaling/validation for HorizontalPodAutoscalers, in the API server's words (the
 * HPAScaleToZero feature gate is off: minReplicas is at least 1). Of a metric's sources, only the
 * first present (object, external, pods, resource) has its fields checked, as validateMetricSpec
 * does; a ContainerResource source only for being the one the type names.
 */

const SOURCE_TYPES = ["ContainerResource", "External", "Object", "Pods", "Resource"];
/** In the order validateMetricSpec looks at them: only the first present is checked in depth. */
const SOURCE_FIELDS = ["object", "external", "pods", "resource", "containerResource"] as const;
const TARGET_TYPES = ["AverageValue", "Utilization", "Value"];
const SELECT_POLICIES = ["Disabled", "Max", "Min"];
const POLICY_TYPES = ["Percent", "Pods"];
const MAX_PERIOD_SECONDS = 1800;
const MAX_STABILIZATION_WINDOW_SECONDS = 3600;

function validateMetricTarget(target: MetricTarget, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!target.type) errs.push(required(child(path, "type"), "must specify a metric target type"));
  else if (!TARGET_TYPES.includes(target.type)) errs.push(notSupported(child(path, "type"), target.type, TARGET_TYPES));
  if (target.averageUtilization !== undefined && target.averageUtilization < 1) {
    errs.push(invalid(child(path, "averageUtilization"), target.averageUtilization, "must be greater than 0"));
  }
  return errs;
}

/** ValidateCrossVersionObjectReference: a kind and a name, each usable as a path segment. */
function validateCrossVersionObjectReference(ref: { kind: string; name: string }, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ["kind", "name"] as const) {
    const at = child(path, f);
    if (!ref[f]) errs.push(required(at));
    else for (const msg of pathSegmentName(ref[f], false)) errs.push(invalid(at, ref[f], msg));
  }
  return errs;
}

function validateMetricIdentifier(id: MetricIdentifier | undefined, path: string): FieldError[] {
  const name = id?.name ?? "";
  if (name === "") return [required(child(path, "name"), "must specify a metric name")];
  return pathSegmentName(name, false).map((msg) => invalid(child(path, "name"), name, msg));
}

/** validateObjectSource, validateExternalSource, validatePodsSource and (in part) validateResourceSource. */
function validateSource(spec: MetricSpec, field: (typeof SOURCE_FIELDS)[number], path: string): FieldError[] {
  const at = child(path, field);
  const target = (spec[field] as { target?: MetricTarget }).target ?? { type: "" };
  const targetPath = child(at, "target");
  switch (field) {
    case "object": {
      const errs = [...validateCrossVersionObjectReference(spec.object!.describedObject ?? { kind: "", name: "" }, child(at, "describedObject")), ...validateMetricIdentifier(spec.object!.metric, child(at, "metric")), ...validateMetricTarget(target, targetPath)];
      if (target.value === undefined && target.averageValue === undefined) errs.push(required(child(targetPath, "averageValue"), "must set either a target value or averageValue"));
      return errs;
    }
    case "external": {
      const errs = [...validateMetricIdentifier(spec.external!.metric, child(at, "metric")), ...validateMetricTarget(target, targetPath)];
      if (target.value === undefined && target.averageValue === undefined) errs.push(required(child(targetPath, "averageValue"), "must set either a target value for metric or a per-pod target"));
      if (target.value !== undefined && target.averageValue !== undefined) errs.push(forbidden(child(targetPath, "value"), "may not set both a target value for metric and a per-pod target"));
      return errs;
    }
    case "pods": {
      const errs = [...validateMetricIdentifier(spec.pods!.metric, child(at, "metric")), ...validateMetricTarget(target, targetPath)];
      if (target.averageValue === undefined) errs.push(required(child(targetPath, "averageValue"), "must specify a positive target averageValue"));
      return errs;
    }
    case "resource": {
      const errs: FieldError[] = [];
      if (!spec.resource!.name) errs.push(required(child(at, "name"), "must specify a resource name"));
      return [...errs, ...validateMetricTarget(target, targetPath)];
    }
    default:
      return [];
  }
}

function validateMetricSpec(spec: MetricSpec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!spec.type) errs.push(required(child(path, "type"), "must specify a metric source type"));
  else if (!SOURCE_TYPES.includes(spec.type)) errs.push(notSupported(child(path, "type"), spec.type, SOURCE_TYPES));
  const present = SOURCE_FIELDS.filter((f) => spec[f] !== undefined);
  if (present.length > 0) errs.push(...validateSource(spec, present[0]!, path));
  const expected = spec.type ? spec.type[0]!.toLowerCase() + spec.type.slice(1) : "";
  if (!present.includes(expected as (typeof SOURCE_FIELDS)[number])) errs.push(required(child(path, expected), "must populate information for the given metric source"));
  for (const f of present) if (f !== expected) errs.push(forbidden(child(path, f), "must populate the given metric source only"));
  return errs;
}

function validateSpec(spec: HorizontalPodAutoscaler["spec"]): FieldError[] {
  const errs: FieldError[] = [];
  if (spec.minReplicas !== undefined && spec.minReplicas < 1) errs.push(invalid("spec.minReplicas", spec.minReplicas, "must be greater than or equal to 1"));
  if (spec.maxReplicas < 1) errs.push(invalid("spec.maxReplicas", spec.maxReplicas, "must be greater than 0"));
  if (spec.minReplicas !== undefined && spec.maxReplicas < spec.minReplicas) {
    errs.push(invalid("spec.maxReplicas", spec.maxReplicas, "must be greater than or equal to `minReplicas`"));
  }
  errs.push(...validateCrossVersionObjectReference(spec.scaleTargetRef, "spec.scaleTargetRef"));
  (spec.metrics ?? []).forEach((m, i) => errs.push(...validateMetricSpec(m, index("spec.metrics", i))));
  for (const direction of ["scaleUp", "scaleDown"] as const) {
    const rules = spec.behavior?.[direction];
    if (rules !== undefined) errs.push(...validateScalingRules(rules, child("spec.behavior", direction)));
  }
  return errs;
}

/** validateScalingRules and validateScalingPolicy: windows, the policy selector, at least one policy, tolerance. */
function validateScalingRules(rules: HPAScalingRules, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const window = rules.stabilizationWindowSeconds;
  if (window !== undefined && window < 0) errs.push(invalid(child(path, "stabilizationWindowSeconds"), window, "must be greater than or equal to zero"));
  if (window !== undefined && window > MAX_STABILIZATION_WINDOW_SECONDS) {
    errs.push(invalid(child(path, "stabilizationWindowSeconds"), window, `must be less than or equal to ${MAX_STABILIZATION_WINDOW_SECONDS}`));
  }
  if (rules.selectPolicy !== undefined && !SELECT_POLICIES.includes(rules.selectPolicy)) errs.push(notSupported(child(path, "selectPolicy"), rules.selectPolicy, SELECT_POLICIES));
  const policies = rules.policies ?? [];
  if (policies.length === 0) errs.push(required(child(path, "policies"), "must specify at least one Policy"));
  policies.forEach((p, i) => {
    const at = index(child(path, "policies"), i);
    if (!POLICY_TYPES.includes(p.type)) errs.push(notSupported(child(at, "type"), p.type, POLICY_TYPES));
    if (!(p.value > 0)) errs.push(invalid(child(at, "value"), p.value, "must be greater than zero"));
    if (!(p.periodSeconds > 0)) errs.push(invalid(child(at, "periodSeconds"), p.periodSeconds, "must be greater than zero"));
    if (p.periodSeconds > MAX_PERIOD_SECONDS) errs.push(invalid(child(at, "periodSeconds"), p.periodSeconds, `must be less than or equal to ${MAX_PERIOD_SECONDS}`));
  });
  if (rules.tolerance !== undefined && parseQuantity(rules.tolerance).mantissa < 0n) {
    errs.push(invalid(child(path, "tolerance"), rules.tolerance, "must be greater or equal to zero"));
  }
  return errs;
}

export function validateHorizontalPodAutoscaler(hpa: HorizontalPodAutoscaler): FieldError[] {
  return [...validateObjectMeta(hpa.metadata, true, nameIsDNSSubdomain), ...validateSpec(hpa.spec)];
}

export function validateHorizontalPodAutoscalerUpdate(hpa: HorizontalPodAutoscaler, old: HorizontalPodAutoscaler): FieldError[] {
  return [...validateObjectMetaUpdate(hpa.metadata, old.metadata), ...validateSpec(hpa.spec)];
}
