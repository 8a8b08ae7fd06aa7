import type { Proc } from "@ksim/sim";
import { nameLine } from "../output/index.js";
import { DRY_RUN_FLAG, dryRunOf, dryRunSuffix, SELECTOR_FLAG, type Command, type Invocation } from "./command.js";
import { aggregate, StatusError } from "./errors.js";
import { FILENAME_FLAGS, hasSources, loadSources } from "./sources.js";
import { flatten, select } from "./targets.js";
import { updateObject } from "./writes.js";

/** Kinds with a scale subresource. */
const SCALABLE = new Set(["Deployment", "ReplicaSet", "StatefulSet", "ReplicationController"]);

/** `kubectl scale`: sets spec.replicas through the scale subresource. */
export const scaleCommand: Command = {
  name: "scale",
  short: "Set a new size for a deployment, replica set, or replication controller",
  usage: "[--resource-version=version] [--current-replicas=count] --replicas=COUNT (-f FILENAME | TYPE NAME)",
  flags: [
    ...FILENAME_FLAGS,
    SELECTOR_FLAG,
    DRY_RUN_FLAG,
    { name: "all", type: "bool" },
    { name: "replicas", type: "int" },
    { name: "current-replicas", type: "int" },
    { name: "resource-version", type: "string" },
  ],
  required: ["replicas"],
  run: runScale,
};

function* runScale({ s, flags, args }: Invocation): Proc<number> {
  const replicas = flags.int("replicas", -1);
  if (replicas < 0) throw new Error("The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0");
  const dryRun = dryRunOf(flags);
  const loaded = hasSources(flags) ? yield* loadSources(s, flags) : undefined;
  const selection = select(s, { args, selector: flags.string("selector"), all: flags.bool("all"), ...(loaded !== undefined ? { sourced: loaded.objects } : {}) });
  const errors: unknown[] = [...(loaded?.errors ?? []), ...selection.errors];
  const targets = flatten(selection);
  if (targets.length === 0 && errors.length === 0) throw new Error("no objects passed to scale");
  for (const target of targets) {
    const live = target.object as { spec?: { replicas?: number } } & typeof target.object;
    try {
      if (!SCALABLE.has(target.type.kind)) throw new StatusError("NotFound", "the server could not find the requested resource");
      const current = live.spec?.replicas ?? 1;
      const expected = flags.int("current-replicas", -1);
      if (expected >= 0 && expected !== current) throw new Error(`Expected replicas to be ${expected}, was ${current}`);
      const version = flags.string("resource-version");
      if (version !== "" && version !== live.metadata.resourceVersion) throw new Error(`Expected resource version to be ${version}, was ${live.metadata.resourceVersion ?? ""}`);
      updateObject(s, live, { ...live, spec: { ...live.spec, replicas } }, dryRun);
      s.out(nameLine(live, `scaled${dryRunSuffix(dryRun)}`));
    } catch (e) {
      errors.push(e);
    }
  }
  if (errors.length > 0) throw aggregate(errors);
  return 0;
}
