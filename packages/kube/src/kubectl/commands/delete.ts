import type { Proc } from "@ksim/sim";
import type { PropagationPolicy } from "../../api/server.js";
import { deletedLine, nameLine } from "../output/index.js";
import { ALL_NAMESPACES_FLAG, DRY_RUN_FLAG, dryRunOf, dryRunSuffix, FIELD_SELECTOR_FLAG, OUTPUT_FLAG, SELECTOR_FLAG, type Command, type Invocation } from "./command.js";
import { aggregate, StatusError, toStatus, withSource } from "./errors.js";
import { parseGoBool, type Flags } from "./flags.js";
import { FILENAME_FLAGS, hasSources, loadSources } from "./sources.js";
import { flatten, select, type Target } from "./targets.js";
import { waitForState } from "./waiting.js";

/** With `--timeout=0`, kubectl delete waits "forever": a week. */
const WAIT_FOREVER_MS = 168 * 3_600_000;

export const deleteCommand: Command = {
  name: "delete",
  short: "Delete resources by file names, stdin, resources and names, or by resources and label selector",
  usage: "([-f FILENAME] | [-k DIRECTORY] | TYPE [(NAME | -l label | --all)])",
  suggestFor: ["rm"],
  flags: [
    ...FILENAME_FLAGS,
    SELECTOR_FLAG,
    FIELD_SELECTOR_FLAG,
    ALL_NAMESPACES_FLAG,
    OUTPUT_FLAG,
    DRY_RUN_FLAG,
    { name: "all", type: "bool" },
    { name: "cascade", type: "string", noValue: "background" },
    { name: "grace-period", type: "int" },
    { name: "force", type: "bool" },
    { name: "now", type: "bool" },
    { name: "wait", type: "bool" },
    { name: "timeout", type: "duration" },
    { name: "ignore-not-found", type: "bool" },
  ],
  run: runDelete,
};

/** GetCascadingStrategy. */
function cascadeOf(flags: Flags): PropagationPolicy {
  const v = flags.string("cascade", "background");
  const b = parseGoBool(v);
  if (b !== undefined) return b ? "Background" : "Orphan";
  if (v === "orphan") return "Orphan";
  if (v === "foreground") return "Foreground";
  if (v === "background") return "Background";
  throw new Error(`invalid cascade value (${v}). Must be "background", "foreground", or "orphan"`);
}

/** The grace period kubectl sends (-1: the object's own), after --now and --force. */
function gracePeriodOf(flags: Flags): number {
  let grace = flags.int("grace-period", -1);
  if (flags.bool("now")) {
    if (grace !== -1) throw new Error("--now and --grace-period cannot be specified together");
    grace = 1;
  }
  // Backwards compatibility: --grace-period=0 without --force means 1.
  if (grace === 0 && !flags.bool("force")) grace = 1;
  if (flags.bool("force") && grace < 0) grace = 0;
  return grace;
}

function* runDelete(inv: Invocation): Proc<number> {
  const { s, flags } = inv;
  const selecting = flags.bool("all") || flags.string("selector") !== "" || flags.string("field-selector") !== "";
  const ignoreNotFound = flags.changed("ignore-not-found") ? flags.bool("ignore-not-found") : selecting;
  const grace = gracePeriodOf(flags);
  const dryRun = dryRunOf(flags);
  const propagationPolicy = cascadeOf(flags);
  const output = flags.string("output");
  if (output !== "" && output !== "name") throw new Error(`unexpected -o output mode: ${output}. We only support '-o name'`);
  if (flags.bool("all") && flags.string("selector") !== "") throw new Error("cannot set --all and --selector at the same time");
  if (flags.bool("all") && flags.string("field-selector") !== "") throw new Error("cannot set --all and --field-selector at the same time");
  if (grace === 0 && flags.bool("force")) {
    s.err("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n");
  } else if (grace > 0 && flags.bool("force")) throw new Error("--force and --grace-period greater than 0 cannot be specified together");

  const loaded = hasSources(flags) ? yield* loadSources(s, flags) : undefined;
  const selection = select(s, {
    args: inv.args,
    selector: flags.string("selector"),
    fieldSelector: flags.string("field-selector"),
    all: flags.bool("all"),
    allNamespaces: flags.bool("all-namespaces"),
    missingVerb: "deleting",
    ...(loaded !== undefined ? { sourced: loaded.objects } : {}),
  });
  const errors: unknown[] = [...(loaded?.errors ?? []), ...selection.errors.filter((e) => !(ignoreNotFound && e instanceof StatusError && e.reason === "NotFound"))];
  const deleted: { target: Target; uid: string | undefined }[] = [];
  let warnClusterScope = s.explicitNamespace && !flags.bool("all-namespaces");
  for (const target of flatten(selection)) {
    if (warnClusterScope && !target.type.namespaced) {
      s.err("Warning: deleting cluster-scoped resources, not scoped to the provided namespace\n");
      warnClusterScope = false;
    }
    const line = output === "name" ? nameLine(target.object) : deletedLine(target.object, target.namespace, { force: grace === 0, dryRunSuffix: dryRunSuffix(dryRun) });
    if (dryRun === "client") {
      s.out(line);
      continue;
    }
    try {
      if (dryRun === "none") {
        s.api.delete(target.type.kind, target.namespace, target.name, { ...(grace >= 0 ? { gracePeriodSeconds: grace } : {}), propagationPolicy });
      }
      s.out(line);
      deleted.push({ target, uid: target.object.metadata.uid });
    } catch (e) {
      const err = withSource("deleting", target.source, toStatus(e));
      if (!(ignoreNotFound && err instanceof StatusError && err.reason === "NotFound")) errors.push(err);
    }
  }
  if (errors.length > 0) throw aggregate(errors);
  // A named object that was already gone (--ignore-not-found) still counts as found.
  if (flatten(selection).length === 0 && selection.errors.length === 0) {
    s.out("No resources found\n");
    return 0;
  }
  if (!flags.bool("wait", true) || dryRun !== "none") return 0;
  const timeoutMs = flags.duration("timeout", 0) || WAIT_FOREVER_MS;
  const gone = ({ target, uid }: (typeof deleted)[number]) => s.api.get(target.type.kind, target.namespace, target.name)?.metadata.uid !== uid;
  const kinds = [...new Set(deleted.map((d) => d.target.type.kind))];
  const done = yield* waitForState(s, kinds, () => (deleted.every(gone) ? true : undefined), timeoutMs);
  if (done === undefined) {
    throw aggregate(deleted.filter((d) => !gone(d)).map((d) => new Error(`timed out waiting for the condition on ${d.target.type.plural}/${d.target.name}`)));
  }
  return 0;
}
