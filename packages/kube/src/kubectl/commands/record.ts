import type { KubeObject } from "../../api/types.js";
import { CHANGE_CAUSE } from "../output/messages.js";
import type { DryRun, Invocation } from "./command.js";
import type { FlagSpec } from "./flags.js";
import type { Session } from "./session.js";
import { updateObject } from "./writes.js";

/** RecordFlags: deprecated since kubectl 1.22, still registered (hidden from help) and working. */
export const RECORD_FLAG: FlagSpec = { name: "record", type: "bool", deprecated: "--record will be removed in the future" };

/**
 * parseCommandArguments: the command as typed, arguments first and then every flag given as
 * `--name=value` in order; undefined unless `--record` is true (a NoopRecorder).
 */
export function changeCause(inv: Invocation): string | undefined {
  if (!inv.flags.bool("record")) return undefined;
  const args = inv.args.map((a) => ` ${a}`).join("");
  const flags = inv.flags.given.map((g) => ` --${g.spec.name}=${g.raw}`).join("");
  return `${inv.path}${args}${flags}`;
}

/** ChangeCauseRecorder.Record: the object gets the annotation (a copy is returned). */
export function recorded<T extends KubeObject>(object: T, cause: string | undefined): T {
  if (cause === undefined) return object;
  return { ...object, metadata: { ...object.metadata, annotations: { ...object.metadata.annotations, [CHANGE_CAUSE]: cause } } };
}

/**
 * MakeRecordMergePatch after a write (scale, patch): the cause goes in a merge patch of its own,
 * sent only when it changes the annotation. Returns the object as it now is.
 */
export function recordAfter(s: Session, written: KubeObject, cause: string | undefined, dryRun: DryRun): KubeObject {
  if (cause === undefined || dryRun !== "none" || written.metadata.annotations?.[CHANGE_CAUSE] === cause) return written;
  return updateObject(s, written, recorded(written, cause), dryRun).object;
}
