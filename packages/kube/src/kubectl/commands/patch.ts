import type { Proc } from "@ksim/sim";
import { changeCause, RECORD_FLAG, recordAfter } from "./record.js";
import { parseYaml } from "../../api/manifest.js";
import { nameLine } from "../output/index.js";
import { printEach } from "./apply.js";
import { DRY_RUN_FLAG, dryRunOf, dryRunSuffix, LOCAL_FLAG, OUTPUT_FLAG, printsObjects, TEMPLATE_FLAGS, type Command, type Invocation } from "./command.js";
import { aggregate } from "./errors.js";
import { FILENAME_FLAGS, hasSources, loadSources } from "./sources.js";
import { flatten, select } from "./targets.js";
import { applyPatch, patchObject, type Patched, type PatchType } from "./writes.js";
import type { KubeObject } from "../../api/types.js";
import { jsonEqual } from "../../api/json-value.js";

const PATCH_TYPES: readonly PatchType[] = ["json", "merge", "strategic"];

/** `kubectl patch`: strategic merge (default), JSON merge or JSON patch, applied by the server. */
export const patchCommand: Command = {
  name: "patch",
  short: "Update fields of a resource",
  usage: "(-f FILENAME | TYPE NAME) [-p PATCH|--patch-file FILE]",
  flags: [
    ...FILENAME_FLAGS,
    DRY_RUN_FLAG,
    OUTPUT_FLAG,
    ...TEMPLATE_FLAGS,
    { name: "patch", short: "p", type: "string" },
    { name: "patch-file", type: "string" },
    { name: "type", type: "string" },
    { name: "field-manager", type: "string" },
    LOCAL_FLAG,
    RECORD_FLAG,
  ],
  run: runPatch,
};

function* runPatch(inv: Invocation): Proc<number> {
  const { s, flags, args } = inv;
  const dryRun = dryRunOf(flags);
  const patchFile = flags.string("patch-file");
  if (flags.string("patch") !== "" && patchFile !== "") throw new Error("cannot specify --patch and --patch-file together");
  if (flags.string("patch") === "" && patchFile === "") throw new Error("must specify --patch or --patch-file containing the contents of the patch");
  const typeName = flags.string("type", "strategic");
  const type = PATCH_TYPES.find((t) => t === typeName.toLowerCase());
  if (type === undefined) throw new Error(`--type must be one of [${PATCH_TYPES.join(" ")}], not ${JSON.stringify(typeName)}`);
  let text = flags.string("patch");
  if (patchFile !== "") {
    const path = s.ctx.resolve(patchFile);
    if (!s.ctx.fs.exists(path)) throw new Error(`unable to read patch file: open ${patchFile}: no such file or directory`);
    text = s.ctx.fs.readText(path);
  }
  const parsed = parseYaml(text);
  if ("error" in parsed) throw new Error(`unable to parse ${JSON.stringify(text)}: ${parsed.error}`);

  const local = flags.bool("local");
  if (local && args.length > 0) throw new Error("cannot specify --local and server resources");
  const loaded = hasSources(flags) ? yield* loadSources(s, flags) : undefined;
  const selection = select(s, { args, local, ...(loaded !== undefined ? { sourced: loaded.objects } : {}) });
  const errors: unknown[] = [...(loaded?.errors ?? []), ...selection.errors];
  const cause = changeCause(inv);
  const printed: KubeObject[] = [];
  for (const target of flatten(selection)) {
    try {
      const result = local ? localPatch(target.object, type, parsed.value) : patchObject(s, target.object, type, parsed.value, dryRun);
      // Whether it patched is decided before the cause is recorded in a patch of its own.
      const object = local ? result.object : recordAfter(s, result.object, cause, dryRun);
      if (printsObjects(flags)) printed.push(object);
      else s.out(nameLine(target.object, `${result.changed ? "patched" : "patched (no change)"}${dryRunSuffix(dryRun)}`));
    } catch (e) {
      errors.push(e);
    }
  }
  printEach(s, inv, printed);
  if (errors.length > 0) throw aggregate(errors);
  return 0;
}

/** `--local`: the patched file object, printed without the server. */
function localPatch(object: KubeObject, type: PatchType, patch: unknown): Patched {
  const patched = applyPatch(object, type, patch);
  return { object: patched, changed: !jsonEqual(patched, object) };
}
