import type { APIService } from "../types.js";
import { pathSegmentName } from "./content.js";
import { invalid, required, type FieldError } from "./field.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./meta.js";

/** ValidateAPIService (kube-aggregator): the name is `version.group`, and the priorities are in range. */
export function validateAPIService(svc: APIService): FieldError[] {
  const spec = svc.spec;
  const requiredName = `${spec.version ?? ""}.${spec.group ?? ""}`;
  const errs = validateObjectMeta(svc.metadata, false, (name, prefix) => {
    const minimal = pathSegmentName(name, prefix);
    if (minimal.length > 0) return minimal;
    return name === requiredName ? [] : [`must be \`spec.version+"."+spec.group: ${requiredName}\``];
  });
  if (!spec.group && spec.version !== "v1") errs.push(required("spec.group", "only v1 may have an empty group and it better be legacy kube"));
  if (!(spec.groupPriorityMinimum > 0 && spec.groupPriorityMinimum <= 20000)) {
    errs.push(invalid("spec.groupPriorityMinimum", spec.groupPriorityMinimum, "must be positive and less than 20000"));
  }
  if (!(spec.versionPriority > 0 && spec.versionPriority <= 1000)) {
    errs.push(invalid("spec.versionPriority", spec.versionPriority, "must be positive and less than 1000"));
  }
  if (spec.service != null && spec.insecureSkipTLSVerify === true && (spec.caBundle ?? "") !== "") {
    errs.push(invalid("spec.insecureSkipTLSVerify", true, "may not be true if caBundle is present"));
  }
  return errs;
}

export function validateAPIServiceUpdate(svc: APIService, old: APIService): FieldError[] {
  return [...validateObjectMetaUpdate(svc.metadata, old.metadata), ...validateAPIService(svc)];
}
