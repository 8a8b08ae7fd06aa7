import type { Proc } from "@ksim/sim";
import { jsonEqual } from "../../api/json-value.js";
import { canonicalQuantity } from "../../api/quantity.js";
import { isEnvVarName } from "../../api/validation/content.js";
import { decodeObject } from "../../api/validation.js";
import { parseToLabelSelector } from "../../api/labels.js";
import type { Container, EnvVar, EnvVarSource, KubeObject, LabelSelectorRequirement, PodSpec, Service } from "../../api/types.js";
import { nameLine } from "../output/index.js";
import { printSeries } from "./apply.js";
import { DRY_RUN_FLAG, dryRunOf, dryRunSuffix, LOCAL_FLAG, OUTPUT_FLAG, printsObjects, SELECTOR_FLAG, TEMPLATE_FLAGS, type Command, type Invocation } from "./command.js";
import { aggregate } from "./errors.js";
import { changeCause, RECORD_FLAG, recorded } from "./record.js";
import type { FlagSpec } from "./flags.js";
import { FILENAME_FLAGS, hasSources, loadSources } from "./sources.js";
import { flatten, LOCAL_NEEDS_FILES, MISSING_RESOURCE, select } from "./targets.js";
import { updateObject } from "./writes.js";

/**
 * `kubectl set image|env|resources|serviceaccount` (kubectl pkg/cmd/set): each changes the pod
 * spec of pods and of workloads' pod templates, named as resources or by `-f` (with `--local`,
 * changed and printed without the server). kubectl decodes them into typed objects, so what
 * they print keeps Go's field order and zero-value structs.
 */
const COMMON_FLAGS: readonly FlagSpec[] = [...FILENAME_FLAGS, SELECTOR_FLAG, DRY_RUN_FLAG, OUTPUT_FLAG, ...TEMPLATE_FLAGS, LOCAL_FLAG, { name: "all", type: "bool" }];

/** What one subcommand does to a pod spec. */
interface SpecChange {
  /** `image updated`, the tail of the line printed for a changed object. */
  readonly done: string;
  /** The prefix of a failed write's error. */
  readonly failure: string;
  /**
   * Changes `spec` in place. Errors returned are reported and the object still written; a
   * thrown one skips the object.
   */
  change(spec: PodSpec, object: KubeObject): Error[];
}

/**
 * The part every subcommand shares: select the objects (the server's, or `-f`'s with --local),
 * change each pod spec, and write and report the objects whose spec changed.
 */
function* updatePodSpecs(inv: Invocation, resources: readonly string[], what: SpecChange, listing = false): Proc<number> {
  const { s, flags } = inv;
  const dryRun = dryRunOf(flags);
  const local = flags.bool("local");
  if (local && resources.length > 0) throw new Error("can only use local files by -f pod.yaml or --filename=pod.json when --local=true is set");
  const loaded = hasSources(flags) ? yield* loadSources(s, flags) : undefined;
  const selection = select(s, { args: resources, selector: flags.string("selector"), all: flags.bool("all"), local, ...(loaded !== undefined ? { sourced: loaded.objects } : {}) });
  const cause = changeCause(inv);
  const printed: KubeObject[] = [];
  const errors: unknown[] = [...(loaded?.errors ?? []), ...selection.errors];
  for (const { type, object } of flatten(selection)) {
    // info.ObjectName(): the lower-cased group kind and the name.
    const name = `${object.kind.toLowerCase()}${type.group === "" ? "" : `.${type.group}`}/${object.metadata.name}`;
    const spec = podSpecOf(object);
    if (spec === undefined) {
      // UpdatePodSpecForObject's refusal, named by resource/name.
      errors.push(new Error(`error: ${type.plural}/${object.metadata.name} the object is not a pod or does not have a pod template: *${type.version}.${object.kind}\n`));
      continue;
    }
    let updated = structuredClone(object);
    try {
      errors.push(...what.change(podSpecOf(updated)!, updated));
    } catch (e) {
      errors.push(new Error(`error: ${name}\n ${(e as Error).message}`));
      continue;
    }
    // --record's annotation is part of the patch, so it alone makes one.
    if (!listing) updated = recorded(updated, cause);
    // An empty patch: nothing sent and nothing printed.
    if (listing || jsonEqual(updated, object)) continue;
    try {
      const result = local || dryRun === "client" ? asTyped(updated) : updateObject(s, object, updated, dryRun).object;
      if (printsObjects(flags)) printed.push(result);
      else s.out(nameLine(object, `${what.done}${dryRunSuffix(dryRun)}`));
    } catch (e) {
      errors.push(new Error(`${what.failure}: ${(e as Error).message}`));
    }
  }
  printSeries(s, inv, printed, true);
  if (errors.length > 0) throw aggregate(errors);
  return 0;
}

/** Validations the subcommands share, in kubectl's order: --local with a server dry run, and --all with a selector. */
function checkSelection(inv: Invocation): void {
  const { flags } = inv;
  if (flags.bool("local") && dryRunOf(flags) === "server") throw new Error("cannot specify --local and --dry-run=server - did you mean --dry-run=client?");
  if (flags.bool("all") && flags.string("selector") !== "") throw new Error("cannot set --all and --selector at the same time");
}

// ---- image ---------------------------------------------------------------------------------------

const imageCommand: Command = {
  name: "image",
  short: "Update the image of a pod template",
  usage: "(-f FILENAME | TYPE NAME) CONTAINER_NAME_1=CONTAINER_IMAGE_1 ... CONTAINER_NAME_N=CONTAINER_IMAGE_N",
  flags: [...COMMON_FLAGS, RECORD_FLAG],
  run: function* (inv: Invocation): Proc<number> {
    const { flags, args } = inv;
    // GetResourcesAndPairs: resources first, then NAME=IMAGE pairs.
    const resources: string[] = [];
    const images = new Map<string, string>();
    for (const a of args) {
      const eq = a.indexOf("=");
      if (eq >= 0) images.set(a.slice(0, eq), a.slice(eq + 1));
      else if (images.size > 0) throw new Error(`all resources must be specified before image changes: ${a}`);
      else resources.push(a);
    }
    // Complete's builder refuses a command naming nothing before Validate looks at the images.
    if (resources.length < 1 && !hasSources(flags) && !flags.bool("all") && flags.string("selector") === "") throw new Error(MISSING_RESOURCE);
    const problems: Error[] = [];
    if (flags.bool("all") && flags.string("selector") !== "") problems.push(new Error("cannot set --all and --selector at the same time"));
    if (resources.length < 1 && !hasSources(flags)) problems.push(new Error("one or more resources must be specified as <resource> <name> or <resource>/<name>"));
    if (images.size < 1) problems.push(new Error("at least one image update is required"));
    else if (images.size > 1 && images.has("*")) problems.push(new Error("all containers are already specified by *, but saw more than one container_name=container_image pairs"));
    if (problems.length > 0) throw aggregate(problems);
    return yield* updatePodSpecs(inv, resources, {
      done: "image updated",
      failure: "failed to patch image update to pod template",
      change: (spec) => {
        const missing: Error[] = [];
        for (const [name, image] of images) {
          const found = [setImage(spec.initContainers, name, image), setImage(spec.containers, name, image)].some(Boolean);
          if (!found) missing.push(new Error(`error: unable to find container named ${JSON.stringify(name)}`));
        }
        return missing;
      },
    });
  },
};

function setImage(containers: Container[] | undefined, name: string, image: string): boolean {
  let found = false;
  for (const c of containers ?? []) {
    if (c.name !== name && name !== "*") continue;
    c.image = image;
    found = true;
  }
  return found;
}

// ---- env -----------------------------------------------------------------------------------------

const envCommand: Command = {
  name: "env",
  short: "Update environment variables on a pod template",
  usage: "RESOURCE/NAME KEY_1=VAL_1 ... KEY_N=VAL_N",
  flags: [
    ...COMMON_FLAGS,
    { name: "containers", short: "c", type: "string" },
    { name: "env", short: "e", type: "stringArray" },
    { name: "list", type: "bool" },
    { name: "overwrite", type: "bool" },
    { name: "prefix", type: "string" },
  ],
  run: function* (inv: Invocation): Proc<number> {
    const { flags, args } = inv;
    // SplitEnvironmentFromResources: resources, then KEY=VALUE and KEY- arguments.
    const firstEnv = args.findIndex((a) => /^.+=/s.test(a) || a.endsWith("-"));
    const resources = firstEnv < 0 ? args : args.slice(0, firstEnv);
    const envArgs = firstEnv < 0 ? [] : args.slice(firstEnv);
    if (envArgs.some((a) => !(/^.+=/s.test(a) || a.endsWith("-")))) throw new Error(`all resources must be specified before environment changes: ${args.join(" ")}`);
    checkSelection(inv);
    if (!hasSources(flags) && resources.length < 1) throw new Error("one or more resources must be specified as <resource> <name> or <resource>/<name>");
    const listing = flags.bool("list");
    if (listing && flags.string("output") !== "") throw new Error("--list and --output may not be specified together");
    const { env, remove } = parseEnv([...flags.strings("env"), ...envArgs]);
    const prefix = flags.string("prefix");
    for (const e of env) e.name = `${prefix}${e.name}`;
    const overwrite = flags.bool("overwrite", true);
    const selector = flags.string("containers", "*");
    return yield* updatePodSpecs(
      inv,
      resources,
      {
        done: "env updated",
        failure: "failed to patch env update to pod template",
        change: (spec, object) => {
          const containers = [...selectContainers(spec.containers, selector), ...selectContainers(spec.initContainers, selector)];
          if (containers.length === 0) {
            inv.s.err(`Warning: ${object.kind}/${object.metadata.name} does not have any containers matching ${JSON.stringify(selector)}\n`);
            return [];
          }
          for (const c of containers) {
            if (!overwrite) {
              const clash = env.find((e) => c.env?.some((x) => x.name === e.name && x.value !== e.value));
              if (clash !== undefined) {
                const current = c.env!.find((x) => x.name === clash.name)!;
                throw new Error(`'${current.name}' already has a value (${current.value ?? ""}), and --overwrite is false`);
              }
            }
            const next = updateEnv(c.env ?? [], env, remove);
            if (next.length > 0) c.env = next;
            else delete c.env;
            if (listing) inv.s.out(envListing(object, c));
          }
          return [];
        },
      },
      listing,
    );
  },
};

/** ParseEnv: `KEY=VALUE` sets (the key a valid variable name), `KEY-` removes, never both. */
function parseEnv(specs: readonly string[]): { env: EnvVar[]; remove: string[] } {
  const env: EnvVar[] = [];
  const remove: string[] = [];
  for (const spec of specs) {
    if (spec === "-") throw new Error("when '-' is used, STDIN must be open");
    const eq = spec.indexOf("=");
    if (eq >= 0) {
      const name = spec.slice(0, eq);
      const problems = isEnvVarName(name);
      if (problems.length > 0) throw new Error(`${JSON.stringify(name)} is not a valid key name: ${problems.join(";")}`);
      env.push({ name, value: spec.slice(eq + 1) });
    } else if (spec.endsWith("-")) remove.push(spec.slice(0, -1));
    else throw new Error(`unknown environment variable: ${spec}`);
  }
  if (remove.some((r) => env.some((e) => e.name === r))) throw new Error("can not both modify and remove the same environment variable in the same command");
  return { env, remove };
}

/** updateEnv: set variables replace those of the same name in place, new ones are appended, removed ones dropped. */
function updateEnv(existing: readonly EnvVar[], env: readonly EnvVar[], remove: readonly string[]): EnvVar[] {
  const covered = new Set(remove);
  const out: EnvVar[] = [];
  for (const e of existing) {
    if (covered.has(e.name)) continue;
    const newer = env.find((x) => x.name === e.name);
    if (newer !== undefined) covered.add(e.name);
    out.push(newer ?? e);
  }
  for (const e of env) {
    if (covered.has(e.name)) continue;
    covered.add(e.name);
    out.push(e);
  }
  return out;
}

/** `--list`: a comment naming the container, then each variable (references as comments). */
function envListing(object: KubeObject, c: Container): string {
  let out = `# ${object.kind} ${object.metadata.name}, container ${c.name}\n`;
  for (const e of c.env ?? []) out += e.valueFrom === undefined ? `${e.name}=${e.value ?? ""}\n` : `# ${e.name} from ${refText(e.valueFrom)}\n`;
  return out;
}

/** GetEnvVarRefString. */
function refText(from: EnvVarSource): string {
  if (from.configMapKeyRef) return `configmap ${from.configMapKeyRef.name}, key ${from.configMapKeyRef.key}`;
  if (from.secretKeyRef) return `secret ${from.secretKeyRef.name}, key ${from.secretKeyRef.key}`;
  if (from.fieldRef) return `field path ${from.fieldRef.fieldPath}`;
  if (from.resourceFieldRef) return `resource field ${from.resourceFieldRef.containerName ? `${from.resourceFieldRef.containerName}/` : ""}${from.resourceFieldRef.resource}`;
  return "invalid valueFrom";
}

// ---- resources -----------------------------------------------------------------------------------

const resourcesCommand: Command = {
  name: "resources",
  short: "Update resource requests/limits on objects with pod templates",
  usage: "(-f FILENAME | TYPE NAME)  ([--limits=LIMITS & --requests=REQUESTS]",
  flags: [...COMMON_FLAGS, RECORD_FLAG, { name: "containers", short: "c", type: "string" }, { name: "limits", type: "string" }, { name: "requests", type: "string" }],
  run: function* (inv: Invocation): Proc<number> {
    const { flags, args } = inv;
    checkSelection(inv);
    if (!hasSources(flags) && args.length < 1) throw new Error("one or more resources must be specified as <resource> <name> or <resource>/<name>");
    const limits = resourceList(flags.string("limits"));
    const requests = resourceList(flags.string("requests"));
    if (limits === undefined && requests === undefined) throw new Error("you must specify an update to requests or limits (in the form of --requests/--limits)");
    const selector = flags.string("containers", "*");
    return yield* updatePodSpecs(inv, args, {
      done: "resource requirements updated",
      failure: "failed to patch resources update to pod template",
      change: (spec) => {
        const containers = selectContainers(spec.containers, selector);
        if (containers.length === 0) return [new Error(`error: unable to find container named ${selector}`)];
        for (const c of containers) {
          const resources = { ...(c.resources ?? {}) };
          if (limits !== undefined) resources.limits = { ...(resources.limits ?? {}), ...limits };
          if (requests !== undefined) resources.requests = { ...(resources.requests ?? {}), ...requests };
          c.resources = resources;
        }
        return [];
      },
    });
  },
};

/** populateResourceListV1: `name=quantity,…` (quantities in canonical form), undefined when empty. */
function resourceList(spec: string): Record<string, string> | undefined {
  if (spec === "") return undefined;
  const out: Record<string, string> = {};
  for (const statement of spec.split(",")) {
    const parts = statement.split("=");
    if (parts.length !== 2) throw new Error(`Invalid argument syntax ${statement}, expected <resource>=<value>`);
    out[parts[0]!] = canonicalQuantity(parts[1]!);
  }
  return out;
}

// ---- serviceaccount ------------------------------------------------------------------------------

const serviceAccountCommand: Command = {
  name: "serviceaccount",
  aliases: ["sa"],
  short: "Update the service account of a resource",
  usage: "(-f FILENAME | TYPE NAME) SERVICE_ACCOUNT",
  flags: [...COMMON_FLAGS, RECORD_FLAG],
  run: function* (inv: Invocation): Proc<number> {
    const { flags, args } = inv;
    checkSelection(inv);
    const resources = hasSources(flags) ? [] : args.slice(0, -1);
    const account = args.at(-1);
    if (account === undefined || (!hasSources(flags) && resources.length === 0)) throw new Error("serviceaccount is required");
    if (hasSources(flags) && args.length > 1) throw new Error(`all resources must be specified before the service account: ${args.join(" ")}`);
    return yield* updatePodSpecs(inv, resources, {
      done: "serviceaccount updated",
      failure: "failed to patch serviceaccount update to pod template",
      change: (spec) => {
        spec.serviceAccountName = account;
        return [];
      },
    });
  },
};

// ---- selector ------------------------------------------------------------------------------------

/**
 * `set selector` replaces a Service's spec.selector with the equality requirements of the last
 * argument. A set-based requirement or an object that is no Service is refused per object, after
 * the others are written.
 */
const selectorCommand: Command = {
  name: "selector",
  short: "Set the selector on a resource",
  long:
    "Set the selector on a resource. Note that the new selector will overwrite the old selector if the resource had one prior to the invocation of 'set selector'.\n\n" +
    " A selector must begin with a letter or number, and may contain letters, numbers, hyphens, dots, and underscores, up to 63 characters. If --resource-version is specified, then updates will use this resource version, otherwise the existing resource-version will be used. Note: currently selectors can only be set on Service objects.",
  examples:
    "  # Set the labels and selector before creating a deployment/service pair\n" +
    "  kubectl create service clusterip my-svc --clusterip=\"None\" -o yaml --dry-run=client | kubectl set selector --local -f - 'environment=qa' -o yaml | kubectl create -f -\n" +
    "  kubectl create deployment my-dep -o yaml --dry-run=client | kubectl label --local -f - environment=qa -o yaml | kubectl create -f -",
  options:
    "    --all=false:\n" +
    "\tSelect all resources in the namespace of the specified resource types\n" +
    "\n" +
    "    --allow-missing-template-keys=true:\n" +
    "\tIf true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.\n" +
    "\n" +
    "    --dry-run='none':\n" +
    "\tMust be \"none\", \"server\", or \"client\". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.\n" +
    "\n" +
    "    --field-manager='kubectl-set':\n" +
    "\tName of the manager used to track field ownership.\n" +
    "\n" +
    "    -f, --filename=[]:\n" +
    "\tidentifying the resource.\n" +
    "\n" +
    "    --local=false:\n" +
    "\tIf true, annotation will NOT contact api-server but run locally.\n" +
    "\n" +
    "    -o, --output='':\n" +
    "\tOutput format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).\n" +
    "\n" +
    "    -R, --recursive=true:\n" +
    "\tProcess the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.\n" +
    "\n" +
    "    --resource-version='':\n" +
    "\tIf non-empty, the selectors update will only succeed if this is the current resource-version for the object. Only valid when specifying a single resource.\n" +
    "\n" +
    "    --show-managed-fields=false:\n" +
    "\tIf true, keep the managedFields when printing objects in JSON or YAML format.\n" +
    "\n" +
    "    --template='':\n" +
    "\tTemplate string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].",
  usage: "(-f FILENAME | TYPE NAME) EXPRESSIONS [--resource-version=version]",
  flags: [...FILENAME_FLAGS, DRY_RUN_FLAG, OUTPUT_FLAG, ...TEMPLATE_FLAGS, LOCAL_FLAG, { name: "all", type: "bool" }, { name: "resource-version", type: "string" }, { name: "field-manager", type: "string" }, RECORD_FLAG],
  run: function* (inv: Invocation): Proc<number> {
    const { s, flags, args } = inv;
    const resources = args.slice(0, -1);
    const selector = args.length > 0 ? parseToLabelSelector(args.at(-1)!) : undefined;
    if (selector === undefined) throw new Error("one selector is required");
    const dryRun = dryRunOf(flags);
    const local = flags.bool("local");
    const resourceVersion = flags.string("resource-version");
    if (local && resources.length > 0) throw new Error(LOCAL_NEEDS_FILES);
    const loaded = hasSources(flags) ? yield* loadSources(s, flags) : undefined;
    const selection = select(s, { args: resources, all: flags.bool("all"), local, ...(loaded !== undefined ? { sourced: loaded.objects } : {}) });
    const printed: KubeObject[] = [];
    const errors: unknown[] = [...(loaded?.errors ?? []), ...selection.errors];
    for (const { object } of flatten(selection)) {
      const updated = structuredClone(object);
      if (resourceVersion !== "") updated.metadata.resourceVersion = resourceVersion;
      if (updated.kind !== "Service") {
        errors.push(new Error("setting a selector is only supported for Services"));
        continue;
      }
      if (selector.matchExpressions !== undefined) {
        errors.push(new Error(`match expression ${goRequirements(selector.matchExpressions)} not supported on this object`));
        continue;
      }
      const spec = (updated as Service).spec;
      if (selector.matchLabels !== undefined) spec.selector = { ...selector.matchLabels };
      else delete spec.selector;
      try {
        const result = local || dryRun === "client" ? asTyped(updated) : updateObject(s, object, recorded(updated, changeCause(inv)), dryRun).object;
        if (printsObjects(flags)) printed.push(result);
        else s.out(nameLine(object, `selector updated${dryRunSuffix(dryRun)}`));
      } catch (e) {
        errors.push(e);
      }
    }
    printSeries(s, inv, printed, true);
    if (errors.length > 0) throw aggregate(errors);
    return 0;
  },
};

/** A []LabelSelectorRequirement as Go's %v prints it: `[{tier In [a b]} {env DoesNotExist []}]`. */
function goRequirements(requirements: readonly LabelSelectorRequirement[]): string {
  return `[${requirements.map((r) => `{${r.key} ${r.operator} [${(r.values ?? []).join(" ")}]}`).join(" ")}]`;
}

export const setCommand: Command = {
  name: "set",
  short: "Set specific features on objects",
  long: "Configure application resources.\n\n These commands help you make changes to existing application resources.",
  usage: "SUBCOMMAND",
  subcommands: [envCommand, imageCommand, resourcesCommand, selectorCommand, serviceAccountCommand],
};

/** UpdatePodSpecForObject: a pod's own spec, or a workload's pod template. */
function podSpecOf(o: KubeObject): PodSpec | undefined {
  if (o.kind === "Pod") return (o as unknown as { spec: PodSpec }).spec;
  return (o as { spec?: { template?: { spec?: PodSpec } } }).spec?.template?.spec;
}

/** selectContainers: the containers whose names match the glob (`*` by default). */
function selectContainers(containers: Container[] | undefined, glob: string): Container[] {
  const re = new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
  return (containers ?? []).filter((c) => re.test(c.name));
}

/** The object as kubectl's typed decoding leaves it: Go's zero-value structs written out (`resources: {}`). */
function asTyped(object: KubeObject): KubeObject {
  try {
    return decodeObject(object);
  } catch {
    // A manifest the strict decoder refuses (an unknown field) prints as it was read.
    return object;
  }
}
