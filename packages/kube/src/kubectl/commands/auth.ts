/**
 * `kubectl auth can-i` and `kubectl auth whoami` (kubectl pkg/cmd/auth): the questions go to
 * the API server's authorizers (api/rbac.ts) as SelfSubjectAccessReviews and
 * SelfSubjectRulesReviews, as the kubeconfig's user or as `--as`/`--as-group`.
 */
import type { Proc } from "@ksim/sim";
import { KUBECONFIG_USER } from "../../api/bootstrap-policy.js";
import { authorize, impersonatedUser, rulesReview, type RequestAttributes, type UserInfo } from "../../api/rbac.js";
import { resolveResource, UnknownResourceError, type ResourceType } from "../../api/resources.js";
import { combineResourceGroup, displayRules } from "../output/describe-rbac.js";
import { goList } from "../output/describe-writer.js";
import { tableWriter } from "../output/tabwriter.js";
import { ALL_NAMESPACES_FLAG, type Command, type Invocation } from "./command.js";

const RESOURCE_VERBS = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "use", "bind", "impersonate", "*", "approve", "sign", "escalate", "attest"];
const NON_RESOURCE_URL_VERBS = ["get", "put", "post", "head", "options", "delete", "patch", "*"];
/** Resources the impersonate verb names that discovery does not list. */
const NON_STANDARD_RESOURCES = ["users", "groups"];

/** The user the request is made as: the kubeconfig's, or the one `--as` impersonates. */
function requestUser(inv: Invocation): UserInfo {
  const as = inv.flags.string("as");
  return as === "" ? KUBECONFIG_USER : impersonatedUser(as, inv.flags.strings("as-group"));
}

/** WarningPrinter.Print: the message, then a newline of its own. */
function warn(inv: Invocation, message: string): void {
  inv.s.err(`Warning: ${message}\n`);
}

interface Target {
  readonly group: string;
  readonly resource: string;
  /** The served type, when discovery knows the resource. */
  readonly type?: ResourceType;
}

/** resourceFor: the served resource, or the argument as given (after a warning) when the server does not know it. */
function resourceFor(inv: Invocation, arg: string): Target {
  if (arg === "*") return { group: "", resource: "*" };
  const lower = arg.toLowerCase();
  let types: ResourceType[] = [];
  try {
    types = resolveResource(lower);
  } catch (e) {
    if (!(e instanceof UnknownResourceError)) throw e;
  }
  if (types.length === 1) return { group: types[0]!.group, resource: types[0]!.plural, type: types[0]! };
  const dot = lower.indexOf(".");
  const [resource, group] = dot < 0 ? [lower, ""] : [lower.slice(0, dot), lower.slice(dot + 1)];
  if (!NON_STANDARD_RESOURCES.includes(group === "" ? resource : `${resource}.${group}`)) {
    warn(inv, `the server doesn't have a resource type '${resource}'${group === "" ? "" : ` in group '${group}'`}\n`);
  }
  return { group: "", resource: arg };
}

function* canI(inv: Invocation): Proc<number> {
  const { s, flags, args } = inv;
  const list = flags.bool("list");
  const allNamespaces = flags.bool("all-namespaces");
  const subresource = flags.string("subresource");
  if (list && args.length !== 0) throw new Error("list option must be specified with no arguments");
  const namespace = allNamespaces ? "" : s.namespace;
  const user = requestUser(inv);
  if (list) {
    if (flags.bool("quiet") || allNamespaces || subresource !== "") throw new Error("list option can't be specified with neither quiet, all-namespaces nor subresource options");
    return printAccess(inv, user, namespace);
  }
  if (args.length !== 2) {
    throw new Error("you must specify two arguments: verb resource or verb resource/resourceName.\nSee 'kubectl auth can-i -h' for help and examples.");
  }
  const verb = args[0]!;
  let attrs: RequestAttributes;
  if (args[1]!.startsWith("/")) {
    if (subresource !== "") throw new Error("--subresource can not be used with NonResourceURL");
    if (!NON_RESOURCE_URL_VERBS.includes(verb)) warn(inv, `verb '${verb}' is not a known verb\n`);
    attrs = { verb, path: args[1]! };
  } else {
    const slash = args[1]!.indexOf("/");
    const target = resourceFor(inv, slash < 0 ? args[1]! : args[1]!.slice(0, slash));
    if (!allNamespaces) {
      if (target.type !== undefined && !target.type.namespaced) {
        warn(inv, `resource '${target.resource}' is not namespace scoped${target.group === "" ? "" : ` in group '${target.group}'`}\n`);
      }
      if (!RESOURCE_VERBS.includes(verb)) warn(inv, `verb '${verb}' is not a known verb\n`);
    }
    attrs = { verb, namespace, group: target.group, resource: target.resource, subresource, name: slash < 0 ? "" : args[1]!.slice(slash + 1) };
  }
  if (flags.bool("no-headers")) throw new Error("--no-headers cannot be set without --list specified");
  const review = authorize(s.api, user, attrs);
  if (!flags.bool("quiet")) s.out(review.allowed ? "yes\n" : `no${review.reason === "" ? "" : ` - ${review.reason}`}\n`);
  return review.allowed ? 0 : 1;
}

/** RunAccessList: the rules review, broken down, compacted and sorted as describe shows roles. */
function printAccess(inv: Invocation, user: UserInfo, namespace: string): number {
  const review = rulesReview(inv.s.api, user, namespace);
  if (review.evaluationError !== "") warn(inv, `the list may be incomplete: ${review.evaluationError}`);
  const w = tableWriter();
  if (!inv.flags.bool("no-headers")) w.write("Resources\tNon-Resource URLs\tResource Names\tVerbs\n");
  for (const r of displayRules(review.rules)) {
    w.write(`${combineResourceGroup(r.resources, r.apiGroups)}\t${goList(r.nonResourceURLs)}\t${goList(r.resourceNames)}\t${goList(r.verbs)}\n`);
  }
  inv.s.out(w.flush());
  return 0;
}

const canICommand: Command = {
  name: "can-i",
  short: "Check whether an action is allowed",
  long:
    "Check whether an action is allowed.\n\n VERB is a logical Kubernetes API verb like 'get', 'list', 'watch', 'delete', etc. TYPE is a Kubernetes resource. Shortcuts and groups will be resolved. " +
    "NONRESOURCEURL is a partial URL that starts with \"/\". NAME is the name of a particular Kubernetes resource. This command pairs nicely with impersonation. See --as global flag.",
  usage: "VERB [TYPE | TYPE/NAME | NONRESOURCEURL]",
  flags: [
    ALL_NAMESPACES_FLAG,
    { name: "quiet", short: "q", type: "bool" },
    { name: "subresource", type: "string" },
    { name: "list", type: "bool" },
    { name: "no-headers", type: "bool" },
  ],
  run: canI,
};

/** `kubectl auth whoami`: the SelfSubjectReview's user as a table. */
const whoamiCommand: Command = {
  name: "whoami",
  short: "Experimental: Check self subject attributes",
  usage: "[flags]",
  run: function* (inv: Invocation): Proc<number> {
    const user = requestUser(inv);
    const w = tableWriter();
    w.write("ATTRIBUTE\tVALUE\n");
    w.write(`Username\t${user.name}\n`);
    if (user.groups.length > 0) w.write(`Groups\t${goList(user.groups)}\n`);
    inv.s.out(w.flush());
    return 0;
  },
};

export const authCommand: Command = {
  name: "auth",
  short: "Inspect authorization",
  long: "Inspect authorization.",
  usage: "[flags]",
  subcommands: [canICommand, whoamiCommand],
};
