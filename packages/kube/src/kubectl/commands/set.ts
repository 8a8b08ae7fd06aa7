import type { Proc } from "@ksim/sim";
import { jsonEqual } from "../../api/json-value.js";
import { decodeObject } from "../../api/validation.js";
import type { Container, KubeObject, PodSpec } from "../../api/types.js";
import { nameLine } from "../output/index.js";
import { printEach } from "./apply.js";
import { DRY_RUN_FLAG, dryRunOf, dryRunSuffix, LOCAL_FLAG, OUTPUT_FLAG, SELECTOR_FLAG, TEMPLATE_FLAGS, type Command, type Invocation } from "./command.js";
import { aggregate } from "./errors.js";
import { FILENAME_FLAGS, hasSources, loadSources } from "./sources.js";
import { flatten, MISSING_RESOURCE, select } from "./targets.js";
import { updateObject } from "./writes.js";

/**
 * `kubectl set image (-f FILE | TYPE NAME) CONTAINER=IMAGE …` (kubectl pkg/cmd/set): new images
 * for the named containers (`*` for all) of pods and of workloads' pod templates.
 */
const imageCommand: Command = {
  name: "image",
  short: "Update the image of a pod template",
  usage: "(-f FILENAME | TYPE NAME) CONTAINER_NAME_1=CONTAINER_IMAGE_1 ... CONTAINER_NAME_N=CONTAINER_IMAGE_N",
  flags: [...FILENAME_FLAGS, SELECTOR_FLAG, DRY_RUN_FLAG, OUTPUT_FLAG, ...TEMPLATE_FLAGS, LOCAL_FLAG, { name: "all", type: "bool" }],
  run: runSetImage,
};

export const setCommand: Command = {
  name: "set",
  short: "Set specific features on objects",
  usage: "SUBCOMMAND",
  subcommands: [imageCommand],
};

function* runSetImage(inv: Invocation): Proc<number> {
  const { s, flags, args } = inv;
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

  const dryRun = dryRunOf(flags);
  const local = flags.bool("local");
  if (local && resources.length > 0) throw new Error("can only use local files by -f pod.yaml or --filename=pod.json when --local=true is set");
  const loaded = hasSources(flags) ? yield* loadSources(s, flags) : undefined;
  const selection = select(s, { args: resources, selector: flags.string("selector"), all: flags.bool("all"), local, ...(loaded !== undefined ? { sourced: loaded.objects } : {}) });
  const printed: KubeObject[] = [];
  const errors: unknown[] = [...(loaded?.errors ?? []), ...selection.errors];
  for (const { type, object } of flatten(selection)) {
    const spec = podSpecOf(object);
    if (spec === undefined) {
      // UpdatePodSpecForObject's refusal, named by info.ObjectName() (resource/name).
      errors.push(new Error(`error: ${type.plural}/${object.metadata.name} the object is not a pod or does not have a pod template: *${type.version}.${object.kind}\n`));
      continue;
    }
    const updated = structuredClone(object);
    const target = podSpecOf(updated)!;
    for (const [name, image] of images) {
      const found = [setImage(target.initContainers, name, image), setImage(target.containers, name, image)].some(Boolean);
      if (!found) errors.push(new Error(`error: unable to find container named ${JSON.stringify(name)}`));
    }
    // The same images: an empty patch, nothing sent and nothing printed.
    if (jsonEqual(target, spec)) continue;
    try {
      const result = local || dryRun === "client" ? asTyped(updated) : updateObject(s, object, updated, dryRun).object;
      if (flags.string("output") !== "") printed.push(result);
      else s.out(nameLine(object, `image updated${dryRunSuffix(dryRun)}`));
    } catch (e) {
      errors.push(new Error(`failed to patch image update to pod template: ${(e as Error).message}`));
    }
  }
  // set image decodes into typed objects, so -o json keeps Go's field order.
  printEach(s, inv, printed, true);
  if (errors.length > 0) throw aggregate(errors);
  return 0;
}

/** UpdatePodSpecForObject: a pod's own spec, or a workload's pod template. */
function podSpecOf(o: KubeObject): PodSpec | undefined {
  if (o.kind === "Pod") return (o as unknown as { spec: PodSpec }).spec;
  return (o as { spec?: { template?: { spec?: PodSpec } } }).spec?.template?.spec;
}

function setImage(containers: Container[] | undefined, name: string, image: string): boolean {
  let found = false;
  for (const c of containers ?? []) {
    if (c.name !== name && name !== "*") continue;
    c.image = image;
    found = true;
  }
  return found;
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
