/** `kubectl describe` for Roles, ClusterRoles and their bindings, and kubectl's rule compaction (util/rbac). */
import type { ClusterRole, PolicyRule, Role, RoleBinding } from "../../api/types.js";
import { DescribeWriter, goList, writeAnnotations, writeLabels } from "./describe-writer.js";

/**
 * BreakdownRule: one rule per API group × resource × verb (× resource name), and one per
 * non-resource URL × verb.
 */
function breakdownRule(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  const names = rule.resourceNames ?? [];
  for (const g of rule.apiGroups ?? []) {
    for (const r of rule.resources ?? []) {
      for (const v of rule.verbs ?? []) {
        if (names.length > 0) for (const n of names) out.push({ verbs: [v], apiGroups: [g], resources: [r], resourceNames: [n] });
        else out.push({ verbs: [v], apiGroups: [g], resources: [r] });
      }
    }
  }
  for (const url of rule.nonResourceURLs ?? []) for (const v of rule.verbs ?? []) out.push({ verbs: [v], nonResourceURLs: [url] });
  return out;
}

/**
 * CompactRules: rules with one group, one resource and at most one name merge their verbs;
 * the others stay as they are, ahead of the merged ones.
 */
function compactRules(rules: readonly PolicyRule[]): PolicyRule[] {
  const compacted: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const rule of rules) {
    const names = rule.resourceNames ?? [];
    if (names.length > 1 || (rule.nonResourceURLs ?? []).length > 0 || rule.apiGroups?.length !== 1 || rule.resources?.length !== 1) {
      compacted.push(rule);
      continue;
    }
    const key = JSON.stringify([rule.apiGroups[0], rule.resources[0], names.length > 0, names[0] ?? ""]);
    const existing = simple.get(key);
    if (existing !== undefined) existing.verbs = [...existing.verbs, ...rule.verbs];
    else simple.set(key, { ...rule, verbs: [...rule.verbs] });
  }
  return [...compacted, ...simple.values()];
}

/** The generated PolicyRule.String() that SortableRuleSlice orders by. */
function ruleString(r: PolicyRule): string {
  return `&PolicyRule{Verbs:${goList(r.verbs)},APIGroups:${goList(r.apiGroups)},Resources:${goList(r.resources)},ResourceNames:${goList(r.resourceNames)},NonResourceURLs:${goList(r.nonResourceURLs)},}`;
}

/** What describe and `auth can-i --list` print: rules broken down, compacted and sorted. */
export function displayRules(rules: readonly PolicyRule[]): PolicyRule[] {
  const byString = (a: PolicyRule, b: PolicyRule) => (ruleString(a) < ruleString(b) ? -1 : ruleString(a) > ruleString(b) ? 1 : 0);
  return compactRules(rules.flatMap(breakdownRule)).sort(byString);
}

/** CombineResourceGroup: `pods`, `deployments.apps`, `pods/log`, `*.*`. */
export function combineResourceGroup(resources: readonly string[] | undefined, groups: readonly string[] | undefined): string {
  const first = resources?.[0];
  if (first === undefined) return "";
  const slash = first.indexOf("/");
  const resource = slash < 0 ? first : first.slice(0, slash);
  const group = groups?.[0] ?? "";
  return `${resource}${group !== "" ? `.${group}` : ""}${slash < 0 ? "" : first.slice(slash)}`;
}

/** RoleDescriber and ClusterRoleDescriber. */
export function describeRole(role: Role | ClusterRole): string {
  const w = new DescribeWriter();
  w.write(0, `Name:\t${role.metadata.name}\n`);
  writeLabels(w, "Labels", role.metadata.labels);
  writeAnnotations(w, "Annotations", role.metadata.annotations);
  w.write(0, "PolicyRule:\n");
  w.write(1, "Resources\tNon-Resource URLs\tResource Names\tVerbs\n");
  w.write(1, "---------\t-----------------\t--------------\t-----\n");
  for (const r of displayRules(role.rules ?? [])) {
    w.write(1, `${combineResourceGroup(r.resources, r.apiGroups)}\t${goList(r.nonResourceURLs)}\t${goList(r.resourceNames)}\t${goList(r.verbs)}\n`);
  }
  return w.text();
}

/** RoleBindingDescriber and ClusterRoleBindingDescriber. */
export function describeRoleBinding(binding: RoleBinding): string {
  const w = new DescribeWriter();
  w.write(0, `Name:\t${binding.metadata.name}\n`);
  writeLabels(w, "Labels", binding.metadata.labels);
  writeAnnotations(w, "Annotations", binding.metadata.annotations);
  w.write(0, "Role:\n");
  w.write(1, `Kind:\t${binding.roleRef.kind}\n`);
  w.write(1, `Name:\t${binding.roleRef.name}\n`);
  w.write(0, "Subjects:\n");
  w.write(1, "Kind\tName\tNamespace\n");
  w.write(1, "----\t----\t---------\n");
  for (const s of binding.subjects ?? []) w.write(1, `${s.kind}\t${s.name}\t${s.namespace ?? ""}\n`);
  return w.text();
}
