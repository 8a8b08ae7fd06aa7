/**
 * The API server's authorizers as a SelfSubjectAccessReview or SelfSubjectRulesReview meets
 * them: the privileged-group authorizer (system:masters may do anything) and RBAC
 * (plugin/pkg/auth/authorizer/rbac, pkg/registry/rbac/validation/rule.go). ksim enforces
 * nothing on requests; `kubectl auth can-i` asks these.
 */
import { notFound } from "./errors.js";
import { kindPrefix, typeForKind } from "./resources.js";
import type { ClusterRole, ClusterRoleBinding, KubeObject, PolicyRule, Role, RoleBinding, RoleRef, Subject } from "./types.js";

export const SYSTEM_PRIVILEGED_GROUP = "system:masters";
export const ALL_AUTHENTICATED = "system:authenticated";
export const ALL_UNAUTHENTICATED = "system:unauthenticated";
const SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";

export interface UserInfo {
  readonly name: string;
  readonly groups: readonly string[];
}

export type RequestAttributes =
  | {
      readonly verb: string;
      readonly namespace: string;
      readonly group: string;
      readonly resource: string;
      readonly subresource: string;
      readonly name: string;
    }
  | { readonly verb: string; readonly path: string };

/** What the authorizers read: lists of the four RBAC kinds. */
export interface RbacReader {
  list<T extends KubeObject>(kind: string, namespace?: string): T[];
  get<T extends KubeObject>(kind: string, namespace: string | undefined, name: string): T | undefined;
}

/**
 * The user the impersonation filter makes of `--as`/`--as-group`: a service account's username
 * brings its groups (unless groups are given), and every named user is system:authenticated.
 */
export function impersonatedUser(name: string, groups: readonly string[]): UserInfo {
  let all = [...groups];
  const sa = splitServiceAccountUsername(name);
  if (sa !== undefined && all.length === 0) all = ["system:serviceaccounts", `system:serviceaccounts:${sa.namespace}`];
  if (name !== "system:anonymous" && !all.includes(ALL_AUTHENTICATED) && !all.includes(ALL_UNAUTHENTICATED)) all.push(ALL_AUTHENTICATED);
  return { name, groups: all };
}

function splitServiceAccountUsername(name: string): { namespace: string; name: string } | undefined {
  if (!name.startsWith(SERVICE_ACCOUNT_PREFIX)) return undefined;
  const parts = name.slice(SERVICE_ACCOUNT_PREFIX.length).split(":");
  if (parts.length !== 2 || parts[0] === "" || parts[1] === "") return undefined;
  return { namespace: parts[0]!, name: parts[1]! };
}

/** appliesToUser: a ServiceAccount subject without a namespace means the binding's. */
function appliesTo(user: UserInfo, subjects: readonly Subject[] | undefined, bindingNamespace: string): boolean {
  return (subjects ?? []).some((s) => {
    switch (s.kind) {
      case "User":
        return user.name === s.name;
      case "Group":
        return user.groups.includes(s.name);
      case "ServiceAccount": {
        const namespace = s.namespace || bindingNamespace;
        return namespace !== "" && user.name === `${SERVICE_ACCOUNT_PREFIX}${namespace}:${s.name}`;
      }
      default:
        return false;
    }
  });
}

/**
 * GetRoleReferenceRules: the rules a roleRef names, or the NotFound message of a missing role
 * (from the informer's lister, which names the resource in the singular).
 */
function referencedRules(api: RbacReader, ref: RoleRef, namespace: string): PolicyRule[] | string {
  const kind = ref.kind === "Role" ? "Role" : ref.kind === "ClusterRole" ? "ClusterRole" : undefined;
  if (kind === undefined) return `unsupported role reference kind: ${JSON.stringify(ref.kind)}`;
  const role = api.get<Role | ClusterRole>(kind, kind === "Role" ? namespace : undefined, ref.name);
  if (role === undefined) return notFound(kindPrefix(typeForKind(kind)!), ref.name).message;
  return role.rules ?? [];
}

/**
 * VisitRulesFor: the rules of every ClusterRoleBinding that applies to the user, then of every
 * RoleBinding in the namespace that does. `visit` returns false to stop.
 */
function visitRulesFor(api: RbacReader, user: UserInfo, namespace: string, visit: (rule: PolicyRule | undefined, error: string | undefined) => boolean): void {
  const byName = <T extends KubeObject>(list: T[]) => list.sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : a.metadata.name! > b.metadata.name! ? 1 : 0));
  const bindings: [RoleBinding, string][] = byName(api.list<ClusterRoleBinding>("ClusterRoleBinding")).map((b) => [b, ""]);
  if (namespace !== "") for (const b of byName(api.list<RoleBinding>("RoleBinding", namespace))) bindings.push([b, namespace]);
  for (const [binding, bindingNamespace] of bindings) {
    if (!appliesTo(user, binding.subjects, bindingNamespace)) continue;
    const rules = referencedRules(api, binding.roleRef, bindingNamespace);
    if (typeof rules === "string") {
      if (!visit(undefined, rules)) return;
      continue;
    }
    for (const rule of rules) if (!visit(rule, undefined)) return;
  }
}

/** RuleAllows with its matchers (pkg/apis/rbac/v1/evaluation_helpers.go). */
export function ruleAllows(attrs: RequestAttributes, rule: PolicyRule): boolean {
  const has = (list: readonly string[] | undefined, value: string, all: string) => (list ?? []).some((x) => x === all || x === value);
  if (!has(rule.verbs, attrs.verb, "*")) return false;
  if ("path" in attrs) {
    return (rule.nonResourceURLs ?? []).some((url) => url === "*" || url === attrs.path || (url.endsWith("*") && attrs.path.startsWith(url.replace(/\*+$/, ""))));
  }
  const combined = attrs.subresource === "" ? attrs.resource : `${attrs.resource}/${attrs.subresource}`;
  const resourceMatches = (rule.resources ?? []).some(
    (r) => r === "*" || r === combined || (attrs.subresource !== "" && r.length === attrs.subresource.length + 2 && r.startsWith("*/") && r.endsWith(attrs.subresource)),
  );
  const names = rule.resourceNames ?? [];
  return has(rule.apiGroups, attrs.group, "*") && resourceMatches && (names.length === 0 || names.includes(attrs.name));
}

/** utilerrors.NewAggregate(...).Error(): one message as is, several in brackets. */
function aggregate(errors: readonly string[]): string {
  return errors.length === 1 ? errors[0]! : `[${errors.join(", ")}]`;
}

/**
 * A SubjectAccessReview's answer: allowed, or denied with the reason the authorizers give
 * (RBAC names the roles its bindings point at that do not exist).
 */
export function authorize(api: RbacReader, user: UserInfo, attrs: RequestAttributes): { allowed: boolean; reason: string } {
  if (user.groups.includes(SYSTEM_PRIVILEGED_GROUP)) return { allowed: true, reason: "" };
  const errors: string[] = [];
  let allowed = false;
  const namespace = "path" in attrs ? "" : attrs.namespace;
  visitRulesFor(api, user, namespace, (rule, error) => {
    if (error !== undefined) errors.push(error);
    else if (ruleAllows(attrs, rule!)) allowed = true;
    return !allowed;
  });
  return { allowed, reason: allowed || errors.length === 0 ? "" : `RBAC: ${aggregate(errors)}` };
}

/**
 * A SelfSubjectRulesReview's status: every rule RBAC grants the user in the namespace, resource
 * rules then non-resource rules, and the error (`incomplete`) from bindings to missing roles.
 */
export function rulesReview(api: RbacReader, user: UserInfo, namespace: string): { rules: PolicyRule[]; evaluationError: string } {
  const resourceRules: PolicyRule[] = [];
  const nonResourceRules: PolicyRule[] = [];
  const errors: string[] = [];
  visitRulesFor(api, user, namespace, (rule, error) => {
    if (error !== undefined) errors.push(error);
    else {
      if ((rule!.resources ?? []).length > 0) {
        resourceRules.push({ verbs: rule!.verbs, apiGroups: rule!.apiGroups ?? [], resources: rule!.resources ?? [], resourceNames: rule!.resourceNames ?? [] });
      }
      if ((rule!.nonResourceURLs ?? []).length > 0) nonResourceRules.push({ verbs: rule!.verbs, nonResourceURLs: rule!.nonResourceURLs ?? [] });
    }
    return true;
  });
  return { rules: [...resourceRules, ...nonResourceRules], evaluationError: errors.length === 0 ? "" : aggregate(errors) };
}
