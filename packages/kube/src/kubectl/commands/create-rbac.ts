/**
 * `kubectl create role|clusterrole|rolebinding|clusterrolebinding` (kubectl pkg/cmd/create
 * create_role.go, create_clusterrole.go, create_rolebinding.go, create_clusterrolebinding.go).
 */
import type { Proc } from "@ksim/sim";
import { RBAC_GROUP } from "../../api/defaults.js";
import { resolveResource, UnknownResourceError } from "../../api/resources.js";
import type { ClusterRoleBinding, PolicyRule, Role, RoleBinding, Subject } from "../../api/types.js";
import type { Command, Invocation } from "./command.js";
import { ExitError } from "./errors.js";
import type { FlagSpec } from "./flags.js";
import { GENERATOR_FLAGS, send, singleName } from "./generator.js";

const API_VERSION = `${RBAC_GROUP}/v1`;
const VALID_RESOURCE_VERBS = ["*", "get", "delete", "list", "create", "update", "patch", "watch", "proxy", "deletecollection", "use", "bind", "escalate", "impersonate"];
const VALID_NON_RESOURCE_VERBS = ["*", "get", "post", "put", "delete", "patch", "head", "options"];
/** specialVerbs: verbs that only make sense on some resources. */
const SPECIAL_VERBS: Record<string, readonly [string, string][]> = {
  use: [
    ["policy", "podsecuritypolicies"],
    ["extensions", "podsecuritypolicies"],
  ],
  bind: [
    [RBAC_GROUP, "roles"],
    [RBAC_GROUP, "clusterroles"],
  ],
  escalate: [
    [RBAC_GROUP, "roles"],
    [RBAC_GROUP, "clusterroles"],
  ],
  impersonate: [
    ["", "users"],
    ["", "serviceaccounts"],
    ["", "groups"],
    ["authentication.k8s.io", "userextras"],
  ],
};

interface ResourceOption {
  readonly group: string;
  readonly resource: string;
  readonly subresource: string;
}

const unique = (items: readonly string[]): string[] => [...new Set(items)];

/** The options `create role` and `create clusterrole` complete from their flags. */
interface RoleOptions {
  readonly verbs: string[];
  readonly resources: ResourceOption[];
  readonly resourceNames: string[];
}

/** CreateRoleOptions.Complete: `*` stands for all verbs; `resource.group/subresource`; a bare `*` for all resources. */
function roleOptions(inv: Invocation): RoleOptions {
  const verbs: string[] = [];
  for (const v of inv.flags.strings("verb")) {
    if (v === "*") {
      verbs.splice(0, verbs.length, "*");
      break;
    }
    if (!verbs.includes(v)) verbs.push(v);
  }
  let resources: ResourceOption[] = [];
  for (const r of inv.flags.strings("resource")) {
    const slash = r.indexOf("/");
    const subresource = slash < 0 ? "" : r.slice(slash + 1);
    const head = slash < 0 ? r : r.slice(0, slash);
    const dot = head.indexOf(".");
    const option = { resource: dot < 0 ? head : head.slice(0, dot), group: dot < 0 ? "" : head.slice(dot + 1), subresource };
    if (option.resource === "*" && dot < 0 && slash < 0) {
      resources = [option];
      break;
    }
    resources.push(option);
  }
  return { verbs, resources, resourceNames: unique(inv.flags.strings("resource-name")) };
}

/** mapper.ResourceFor: the plural and group the server knows the resource by, or its NoResourceMatchError. */
function mapResource(r: ResourceOption): { group: string; resource: string } | ExitError {
  const arg = r.group === "" ? r.resource : `${r.resource}.${r.group}`;
  const noMatch = new ExitError(`the server doesn't have a resource type ${JSON.stringify(r.resource)}${r.group === "" ? "" : ` in group ${JSON.stringify(r.group)}`}`, 1);
  try {
    const types = resolveResource(arg.toLowerCase());
    return types.length === 1 ? { group: types[0]!.group, resource: types[0]!.plural } : noMatch;
  } catch (e) {
    if (e instanceof UnknownResourceError) return noMatch;
    throw e;
  }
}

/** validateResource: every resource named, known to the server, and fit for the special verbs. */
function validateResources(options: RoleOptions): void {
  for (const r of options.resources) {
    if (r.resource === "") throw new Error("resource must be specified if apiGroup/subresource specified");
    if (r.resource === "*") return;
    const mapped = mapResource(r);
    const resource = mapped instanceof ExitError ? { group: r.group, resource: r.resource } : mapped;
    // A special verb's own resources need not be served (`impersonate` on `users`).
    let unknown = mapped instanceof ExitError ? mapped : undefined;
    for (const v of options.verbs) {
      const allowed = SPECIAL_VERBS[v];
      if (allowed === undefined) continue;
      if (!allowed.some(([g, res]) => g === resource.group && res === resource.resource)) {
        throw new Error(`can not perform '${v}' on '${resource.resource}' in group '${resource.group}'`);
      }
      unknown = undefined;
    }
    if (unknown !== undefined) throw unknown;
  }
}

function warnNonStandardVerbs(inv: Invocation, verbs: readonly string[]): void {
  for (const v of verbs) if (!VALID_RESOURCE_VERBS.includes(v)) inv.s.err(`Warning: '${v}' is not a standard resource verb\n`);
}

/** generateResourcePolicyRules: one rule per API group (in group order), then the non-resource URLs. */
function policyRules(options: RoleOptions, nonResourceURLs: readonly string[]): PolicyRule[] {
  const byGroup = new Map<string, string[]>();
  for (const r of options.resources) {
    const mapped = mapResource(r);
    const resource = mapped instanceof ExitError ? { group: r.group, resource: r.resource } : mapped;
    const name = r.subresource === "" ? resource.resource : `${resource.resource}/${r.subresource}`;
    const list = byGroup.get(resource.group) ?? [];
    if (!list.includes(name)) list.push(name);
    byGroup.set(resource.group, list);
  }
  const names = options.resourceNames.length > 0 ? { resourceNames: options.resourceNames } : {};
  const rules: PolicyRule[] = [...byGroup.keys()].sort().map((g) => ({ verbs: options.verbs, apiGroups: [g], resources: byGroup.get(g)!, ...names }));
  if (nonResourceURLs.length > 0) rules.push({ verbs: options.verbs, nonResourceURLs: [...nonResourceURLs] });
  return rules;
}

const RULE_FLAGS: readonly FlagSpec[] = [
  { name: "verb", type: "stringSlice" },
  { name: "resource", type: "stringSlice" },
  { name: "resource-name", type: "stringArray" },
];

function roleGenerator(): Command {
  return {
    name: "role",
    short: "Create a role with single rule",
    usage: "NAME --verb=verb --resource=resource.group/subresource [--resource-name=resourcename] [--dry-run=server|client|none]",
    flags: [...GENERATOR_FLAGS, ...RULE_FLAGS],
    run: function* (inv: Invocation): Proc<number> {
      const name = singleName(inv);
      const options = roleOptions(inv);
      if (options.verbs.length === 0) throw new Error("at least one verb must be specified");
      warnNonStandardVerbs(inv, options.verbs);
      if (options.resources.length === 0) throw new Error("at least one resource must be specified");
      validateResources(options);
      const role: Role = { apiVersion: API_VERSION, kind: "Role", metadata: { name }, rules: policyRules(options, []) };
      return yield* send(inv, role);
    },
  };
}

/** cliflag.MapStringString: `k=v,k2=v2`, repeatable. */
function aggregationLabels(inv: Invocation): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const value of inv.flags.strings("aggregation-rule")) {
    for (const pair of value.split(",")) {
      const eq = pair.indexOf("=");
      if (eq < 0) throw new Error(`invalid argument ${JSON.stringify(value)} for "--aggregation-rule" flag: ${pair} must be formatted as key=value\nSee '${inv.path} --help' for usage.`);
      labels[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  return labels;
}

function clusterRoleGenerator(): Command {
  return {
    name: "clusterrole",
    short: "Create a cluster role",
    usage: "NAME --verb=verb --resource=resource.group [--resource-name=resourcename] [--dry-run=server|client|none]",
    flags: [...GENERATOR_FLAGS, ...RULE_FLAGS, { name: "non-resource-url", type: "stringSlice" }, { name: "aggregation-rule", type: "stringArray" }],
    run: function* (inv: Invocation): Proc<number> {
      const name = singleName(inv);
      const urls = unique(inv.flags.strings("non-resource-url"));
      const options = roleOptions(inv);
      const aggregation = aggregationLabels(inv);
      const base = { apiVersion: API_VERSION, kind: "ClusterRole" as const, metadata: { name } };
      if (Object.keys(aggregation).length > 0) {
        if (urls.length > 0 || options.verbs.length > 0 || options.resources.length > 0 || options.resourceNames.length > 0) {
          throw new Error("aggregation rule must be specified without nonResourceURLs, verbs, resources or resourceNames");
        }
        return yield* send(inv, { ...base, rules: null, aggregationRule: { clusterRoleSelectors: [{ matchLabels: aggregation }] } });
      }
      if (options.verbs.length === 0) throw new Error("at least one verb must be specified");
      if (options.resources.length === 0 && urls.length === 0) throw new Error("one of resource or nonResourceURL must be specified");
      if (options.resources.length > 0) {
        warnNonStandardVerbs(inv, options.verbs);
        validateResources(options);
      }
      if (urls.length > 0) {
        for (const v of options.verbs) if (!VALID_NON_RESOURCE_VERBS.includes(v)) throw new Error(`invalid verb: '${v}' for nonResourceURL`);
        for (const url of urls) {
          if (url === "*") continue;
          if (!url.startsWith("/")) throw new Error("nonResourceURL should start with /");
          if (url.slice(0, -1).includes("*")) throw new Error("nonResourceURL only supports wildcard matches when '*' is at the end");
        }
      }
      return yield* send(inv, { ...base, rules: policyRules(options, urls) });
    },
  };
}

/** The subjects of `create rolebinding` and `create clusterrolebinding`: users, groups, then `namespace:name` service accounts. */
function subjects(inv: Invocation): Subject[] {
  const out: Subject[] = [
    ...inv.flags.strings("user").map((name) => ({ kind: "User", apiGroup: RBAC_GROUP, name })),
    ...inv.flags.strings("group").map((name) => ({ kind: "Group", apiGroup: RBAC_GROUP, name })),
  ];
  for (const sa of inv.flags.strings("serviceaccount")) {
    const tokens = sa.split(":");
    if (tokens.length !== 2 || tokens[0] === "" || tokens[1] === "") throw new Error("serviceaccount must be <namespace>:<name>");
    out.push({ kind: "ServiceAccount", name: tokens[1]!, namespace: tokens[0]! });
  }
  return out;
}

const SUBJECT_FLAGS: readonly FlagSpec[] = [
  { name: "user", type: "stringArray" },
  { name: "group", type: "stringArray" },
  { name: "serviceaccount", type: "stringArray" },
];

function roleBindingGenerator(): Command {
  return {
    name: "rolebinding",
    short: "Create a role binding for a particular role or cluster role",
    usage: "NAME --clusterrole=NAME|--role=NAME [--user=username] [--group=groupname] [--serviceaccount=namespace:serviceaccountname] [--dry-run=server|client|none]",
    flags: [...GENERATOR_FLAGS, { name: "clusterrole", type: "string" }, { name: "role", type: "string" }, ...SUBJECT_FLAGS],
    run: function* (inv: Invocation): Proc<number> {
      const name = singleName(inv);
      const clusterRole = inv.flags.string("clusterrole");
      const role = inv.flags.string("role");
      if ((clusterRole === "") === (role === "")) throw new Error("exactly one of clusterrole or role must be specified");
      const roleRef = { apiGroup: RBAC_GROUP, kind: role !== "" ? "Role" : "ClusterRole", name: role !== "" ? role : clusterRole };
      const list = subjects(inv);
      const binding: RoleBinding = { apiVersion: API_VERSION, kind: "RoleBinding", metadata: { name }, ...(list.length > 0 ? { subjects: list } : {}), roleRef };
      return yield* send(inv, binding, "failed to create rolebinding");
    },
  };
}

function clusterRoleBindingGenerator(): Command {
  return {
    name: "clusterrolebinding",
    short: "Create a cluster role binding for a particular cluster role",
    usage: "NAME --clusterrole=NAME [--user=username] [--group=groupname] [--serviceaccount=namespace:serviceaccountname] [--dry-run=server|client|none]",
    flags: [...GENERATOR_FLAGS, { name: "clusterrole", type: "string" }, ...SUBJECT_FLAGS],
    required: ["clusterrole"],
    run: function* (inv: Invocation): Proc<number> {
      const name = singleName(inv);
      const list = subjects(inv);
      const binding: ClusterRoleBinding = {
        apiVersion: API_VERSION,
        kind: "ClusterRoleBinding",
        metadata: { name },
        ...(list.length > 0 ? { subjects: list } : {}),
        roleRef: { apiGroup: RBAC_GROUP, kind: "ClusterRole", name: inv.flags.string("clusterrole") },
      };
      return yield* send(inv, binding, "failed to create clusterrolebinding");
    },
  };
}

export function rbacGenerators(): Command[] {
  return [clusterRoleGenerator(), clusterRoleBindingGenerator(), roleGenerator(), roleBindingGenerator()];
}
