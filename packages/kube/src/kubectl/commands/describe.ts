import type { Proc } from "@ksim/sim";
import { describe, joinDescriptions } from "../output/index.js";
import { ALL_NAMESPACES_FLAG, SELECTOR_FLAG, type Command, type Invocation } from "./command.js";
import { aggregate, StatusError } from "./errors.js";
import { FILENAME_FLAGS, hasSources, loadSources } from "./sources.js";
import { flatten, select } from "./targets.js";

/** `kubectl describe`, including its name-prefix matching (`describe pods web`). */
export const describeCommand: Command = {
  name: "describe",
  short: "Show details of a specific resource or group of resources",
  usage: "(-f FILENAME | TYPE [NAME_PREFIX | -l label] | TYPE/NAME)",
  flags: [SELECTOR_FLAG, ALL_NAMESPACES_FLAG, ...FILENAME_FLAGS, { name: "show-events", type: "bool" }],
  run: runDescribe,
};

function* runDescribe({ s, flags, args }: Invocation): Proc<number> {
  if (args.length === 0 && !hasSources(flags)) {
    throw new Error('You must specify the type of resource to describe. Use "kubectl api-resources" for a complete list of supported resources.\n');
  }
  const loaded = hasSources(flags) ? yield* loadSources(s, flags) : undefined;
  const selection = select(s, {
    args,
    selector: flags.string("selector"),
    allNamespaces: flags.bool("all-namespaces"),
    typeAloneListsAll: true,
    ...(loaded !== undefined ? { sourced: loaded.objects } : {}),
  });
  const options = { now: s.now(), showEvents: flags.bool("show-events", true) };
  const notFound = selection.errors.length > 0 && selection.errors.every((e) => e instanceof StatusError && e.reason === "NotFound");
  if (notFound && args.length === 2 && !args[0]!.includes("/")) {
    // DescribeMatchingResources: a name that does not exist is taken as a prefix.
    const all = select(s, { args: [args[0]!], typeAloneListsAll: true });
    const matching = flatten(all).filter((t) => t.name.startsWith(args[1]!));
    if (matching.length === 0) throw aggregate(selection.errors);
    for (const t of matching) s.out(`${describe(t.object, s.lister, options)}\n`);
    return 0;
  }
  const targets = flatten(selection);
  s.out(joinDescriptions(targets.map((t) => describe(t.object, s.lister, options))));
  const errors = [...(loaded?.errors ?? []), ...selection.errors];
  if (errors.length > 0) throw aggregate(errors);
  if (targets.length === 0) s.err(flags.bool("all-namespaces") ? "No resources found\n" : `No resources found in ${s.namespace} namespace.\n`);
  return 0;
}
