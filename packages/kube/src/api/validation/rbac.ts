import { RBAC_GROUP } from "../defaults.js";
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, Subject } from "../types.js";
import { nameIsDNSSubdomain, pathSegmentName } from "./content.js";
import { child, index, invalid, notSupported, required, type FieldError } from "./field.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./meta.js";

/** pkg/apis/rbac/validation: roles, cluster roles and their bindings, in the API server's words. */

function validatePolicyRule(rule: PolicyRule, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if ((rule.verbs ?? []).length === 0) errs.push(required(child(path, "verbs"), "verbs must contain at least one value"));
  const urls = rule.nonResourceURLs ?? [];
  if (urls.length > 0) {
    if (namespaced) errs.push(invalid(child(path, "nonResourceURLs"), urls, "namespaced rules cannot apply to non-resource URLs"));
    if ((rule.apiGroups ?? []).length > 0 || (rule.resources ?? []).length > 0 || (rule.resourceNames ?? []).length > 0) {
      errs.push(invalid(child(path, "nonResourceURLs"), urls, "rules cannot apply to both regular resources and non-resource URLs"));
    }
    return errs;
  }
  if ((rule.apiGroups ?? []).length === 0) errs.push(required(child(path, "apiGroups"), "resource rules must supply at least one api group"));
  const resources = rule.resources ?? [];
  if (resources.length === 0) errs.push(required(child(path, "resources"), "resource rules must supply at least one resource"));
  if ((rule.resourceNames ?? []).length > 0 && resources.length > 1) {
    errs.push(required(child(path, "resourceNames"), "resource names cannot apply to multiple resources"));
  }
  return errs;
}

function validateRules(rules: readonly PolicyRule[] | null | undefined, namespaced: boolean): FieldError[] {
  return (rules ?? []).flatMap((rule, i) => validatePolicyRule(rule, namespaced, index("rules", i)));
}

export function validateRole(role: Role): FieldError[] {
  return [...validateObjectMeta(role.metadata, true, pathSegmentName), ...validateRules(role.rules, true)];
}

export function validateRoleUpdate(role: Role, old: Role): FieldError[] {
  return [...validateRole(role), ...validateObjectMetaUpdate(role.metadata, old.metadata)];
}

export function validateClusterRole(role: ClusterRole): FieldError[] {
  return [...validateObjectMeta(role.metadata, false, pathSegmentName), ...validateRules(role.rules, false)];
}

export function validateClusterRoleUpdate(role: ClusterRole, old: ClusterRole): FieldError[] {
  return [...validateClusterRole(role), ...validateObjectMetaUpdate(role.metadata, old.metadata)];
}

function validateSubject(subject: Subject, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = subject.name ?? "";
  const apiGroup = subject.apiGroup ?? "";
  if (name === "") errs.push(required(child(path, "name")));
  switch (subject.kind) {
    case "ServiceAccount":
      if (name !== "") for (const msg of nameIsDNSSubdomain(name, false)) errs.push(invalid(child(path, "name"), name, msg));
      if (apiGroup !== "") errs.push(notSupported(child(path, "apiGroup"), apiGroup, [""]));
      if (!namespaced && !subject.namespace) errs.push(required(child(path, "namespace")));
      break;
    case "User":
    case "Group":
      if (name === "") errs.push(invalid(child(path, "name"), name, `${subject.kind.toLowerCase()} name cannot be empty`));
      if (apiGroup !== RBAC_GROUP) errs.push(notSupported(child(path, "apiGroup"), apiGroup, [RBAC_GROUP]));
      break;
    default:
      errs.push(notSupported(child(path, "kind"), subject.kind ?? "", ["ServiceAccount", "User", "Group"]));
  }
  return errs;
}

/** ValidateRoleBinding and ValidateClusterRoleBinding: the kinds a roleRef may name differ. */
function validateBinding(binding: RoleBinding, namespaced: boolean): FieldError[] {
  const errs = validateObjectMeta(binding.metadata, namespaced, pathSegmentName);
  const ref = binding.roleRef;
  if (ref.apiGroup !== RBAC_GROUP) errs.push(notSupported("roleRef.apiGroup", ref.apiGroup, [RBAC_GROUP]));
  const kinds = namespaced ? ["Role", "ClusterRole"] : ["ClusterRole"];
  if (!kinds.includes(ref.kind)) errs.push(notSupported("roleRef.kind", ref.kind, kinds));
  if (ref.name === "") errs.push(required("roleRef.name"));
  else for (const msg of pathSegmentName(ref.name, false)) errs.push(invalid("roleRef.name", ref.name, msg));
  (binding.subjects ?? []).forEach((s, i) => errs.push(...validateSubject(s, namespaced, index("subjects", i))));
  return errs;
}

function validateBindingUpdate(binding: RoleBinding, old: RoleBinding, namespaced: boolean): FieldError[] {
  const errs = [...validateBinding(binding, namespaced), ...validateObjectMetaUpdate(binding.metadata, old.metadata)];
  const [a, b] = [binding.roleRef, old.roleRef];
  if (a.apiGroup !== b.apiGroup || a.kind !== b.kind || a.name !== b.name) {
    // The bad value is the internal RoleRef, whose fields have no json names.
    errs.push(invalid("roleRef", { APIGroup: a.apiGroup, Kind: a.kind, Name: a.name }, "cannot change roleRef"));
  }
  return errs;
}

export const validateRoleBinding = (b: RoleBinding): FieldError[] => validateBinding(b, true);
export const validateRoleBindingUpdate = (b: RoleBinding, old: RoleBinding): FieldError[] => validateBindingUpdate(b, old, true);
export const validateClusterRoleBinding = (b: ClusterRoleBinding): FieldError[] => validateBinding(b, false);
export const validateClusterRoleBindingUpdate = (b: ClusterRoleBinding, old: ClusterRoleBinding): FieldError[] => validateBindingUpdate(b, old, false);
