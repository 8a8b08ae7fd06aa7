import type { Proc } from "@ksim/sim";
import { notFound } from "../../api/errors.js";
import { groupResource } from "../../api/resources.js";
import type { KubeObject } from "../../api/types.js";
import { deletedLine } from "../output/index.js";
import { APPLY_FLAGS, filtered, withChangeCause, withNamespace, writeEach } from "./apply.js";
import { dryRunOf, dryRunSuffix, type Command, type Invocation } from "./command.js";
import { toStatus, withSource } from "./errors.js";
import { hasSources, loadSources } from "./sources.js";
import { typeOf } from "./targets.js";
import { waitForState } from "./waiting.js";
import { createObject, updateObject } from "./writes.js";

/**
 * `kubectl replace -f FILE` (kubectl pkg/cmd/replace): each object replaced whole by the one in
 * the file (what the file leaves out is gone); `--force` deletes it, waits, and creates it anew.
 */
export const replaceCommand: Command = {
  name: "replace",
  short: "Replace a resource by file name or stdin",
  usage: "-f FILENAME",
  flags: [...APPLY_FLAGS, { name: "force", type: "bool" }, { name: "grace-period", type: "int" }],
  run: runReplace,
};

function* runReplace(inv: Invocation): Proc<number> {
  const { s, flags } = inv;
  if (!hasSources(flags)) throw new Error("must specify one of -f and -k");
  const dryRun = dryRunOf(flags);
  const loaded = yield* loadSources(s, flags);
  return yield* writeEach(inv, withChangeCause(inv, filtered(loaded.objects, flags.string("selector"))), loaded.errors, function* (item) {
    try {
      const manifest = withNamespace(s, item.object);
      const type = typeOf(manifest);
      const { namespace, name } = manifest.metadata;
      const live = s.api.get(manifest.kind, namespace, name!);
      if (live === undefined) throw notFound(groupResource(type), name!);
      let replaced: KubeObject;
      if (flags.bool("force")) {
        if (dryRun === "none") {
          const grace = flags.int("grace-period", -1);
          s.api.delete(manifest.kind, namespace, name!, grace >= 0 ? { gracePeriodSeconds: grace } : {});
          s.out(deletedLine(live, type.namespaced ? namespace : undefined));
          yield* waitForState(s, [manifest.kind], () => (s.api.get(manifest.kind, namespace, name!) === undefined ? true : undefined), 5 * 60_000);
        }
        replaced = dryRun === "none" ? createObject(s, { ...manifest, metadata: { ...manifest.metadata, resourceVersion: undefined } }, dryRun) : manifest;
      } else {
        // A PUT without a resourceVersion overwrites whatever is there (Replace with overwrite).
        const body = { ...manifest, metadata: { ...manifest.metadata, resourceVersion: manifest.metadata.resourceVersion ?? live.metadata.resourceVersion, uid: live.metadata.uid } };
        replaced = updateObject(s, live, body, dryRun).object;
      }
      return { object: replaced, line: `replaced${dryRunSuffix(dryRun)}` };
    } catch (e) {
      throw withSource("replacing", item.source, toStatus(e));
    }
  });
}
