import { applyJsonPatch, applyMergePatch } from "../../api/json-patch.js";
import { jsonEqual, type JsonObject } from "../../api/json-value.js";
import { applyStrategicMergePatch } from "../../api/patch.js";
import { typeForObject } from "../../api/resources.js";
import { schemaFor } from "../../api/schema-kinds.js";
import type { KubeObject } from "../../api/types.js";
import type { DryRun } from "./command.js";
import { toStatus } from "./errors.js";
import type { Session } from "./session.js";

/**
 * Writes as the API server's REST handlers make them for kubectl: create, and PATCH (strategic
 * merge, JSON merge or JSON patch applied to the live object, then the update admission), with
 * server-side dry runs and errors as statuses.
 */
export type PatchType = "strategic" | "merge" | "json";

/**
 * POST: to the object's namespace, or the context's when it names none (generated objects carry
 * one only with an explicit `-n`). A client dry run returns the object as it would be sent.
 */
export function createObject(s: Session, object: KubeObject, dryRun: DryRun): KubeObject {
  if (dryRun === "client") return object;
  const namespaced = typeForObject(object.apiVersion, object.kind)?.namespaced ?? true;
  const body = namespaced && object.metadata.namespace === undefined ? { ...object, metadata: { ...object.metadata, namespace: s.namespace } } : object;
  try {
    return s.api.create(body, { dryRun: dryRun === "server" });
  } catch (e) {
    throw toStatus(e, body);
  }
}

export interface Patched {
  readonly object: KubeObject;
  /** False when the patch left the object as it was (`patched (no change)`). */
  readonly changed: boolean;
}

/** PATCH on the live object; `patch` is the decoded body (an object, or the operations for json). */
export function patchObject(s: Session, live: KubeObject, type: PatchType, patch: unknown, dryRun: DryRun): Patched {
  return updateObject(s, live, applyPatch(live, type, patch), dryRun);
}

/** The object with the patch applied, as the server (or `patch --local`) applies it. */
export function applyPatch(object: KubeObject, type: PatchType, patch: unknown): KubeObject {
  try {
    if (type === "json") return applyJsonPatch(object, patch);
    if (type === "merge") return applyMergePatch(object, patch) as KubeObject;
    const schema = schemaFor(object.apiVersion, object.kind);
    if (schema === undefined) throw new Error(`strategic merge patch is not supported for ${object.kind}`);
    return applyStrategicMergePatch(object, patch as JsonObject, schema);
  } catch (e) {
    throw toStatus(e, object);
  }
}

/** PUT of `updated` over `live`; unchanged when admission makes it what it was. */
export function updateObject(s: Session, live: KubeObject, updated: KubeObject, dryRun: DryRun): Patched {
  try {
    const result = s.api.update(updated, { dryRun: true });
    if (jsonEqual(result, live)) return { object: live, changed: false };
    if (dryRun !== "none") return { object: result, changed: true };
    return { object: s.api.update(updated), changed: true };
  } catch (e) {
    throw toStatus(e, updated);
  }
}
