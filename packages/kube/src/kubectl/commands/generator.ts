import type { Proc } from "@ksim/sim";
import { LAST_APPLIED } from "../../api/patch.js";
import { schemaFor } from "../../api/schema-kinds.js";
import { isNamespaced } from "../../api/store.js";
import type { KubeObject } from "../../api/types.js";
import { goJson } from "../../api/gojson.js";
import { goTypedJson } from "../output/json.js";
import { nameLine } from "../output/index.js";
import { printObjects } from "./apply.js";
import { DRY_RUN_FLAG, dryRunOf, dryRunSuffix, OUTPUT_FLAG, printsObjects, TEMPLATE_FLAGS, type Invocation } from "./command.js";
import { usageError } from "./errors.js";
import type { FlagSpec } from "./flags.js";
import { createObject } from "./writes.js";

/** What the `kubectl create` generators share: their flags, their NAME argument, and sending and printing what they made. */
export const GENERATOR_FLAGS: readonly FlagSpec[] = [DRY_RUN_FLAG, OUTPUT_FLAG, ...TEMPLATE_FLAGS, { name: "save-config", type: "bool" }, { name: "validate", type: "string", noValue: "strict" }];

/** intstr.Parse. */
export function intOrString(value: string): number | string {
  return /^[+-]?[0-9]+$/.test(value) ? Number(value) : value;
}

/** NameFromCommandArgs. */
export function singleName(inv: Invocation): string {
  if (inv.args.length !== 1) throw usageError(inv.path, `exactly one NAME is required, got ${inv.args.length}`);
  return inv.args[0]!;
}

/**
 * Sends a generated object and prints it as `create` does. Generators that call the typed client
 * themselves wrap what the server says in `failure` (`failed to create ClusterIP service: …`);
 * `operation` is what the name printer says once it is sent (`autoscaled`).
 */
export function* send(inv: Invocation, object: KubeObject, failure?: string, operation = "created"): Proc<number> {
  const { s, flags } = inv;
  const dryRun = dryRunOf(flags);
  // Generators of namespaced kinds name the namespace only when -n was given (EnforceNamespace).
  const withNs = s.explicitNamespace && isNamespaced(object.kind) ? { ...object, metadata: { ...object.metadata, namespace: s.namespace } } : object;
  const body = flags.bool("save-config") ? withTypedLastApplied(withNs) : withNs;
  let created: KubeObject;
  try {
    created = createObject(s, body, dryRun);
  } catch (e) {
    if (failure === undefined) throw e;
    throw new Error(`${failure}: ${(e as Error).message}`);
  }
  // A client dry run prints before sending, as "created".
  if (!printsObjects(flags)) s.out(nameLine(created, `${dryRun === "client" ? "created" : operation}${dryRunSuffix(dryRun)}`));
  else printObjects(s, inv, [created], true);
  return 0;
}

/**
 * --save-config on a generated object: GetModifiedConfiguration encodes the typed object (Go's
 * field order, an emptied annotations map left out) with a trailing newline.
 */
function withTypedLastApplied(object: KubeObject): KubeObject {
  const { [LAST_APPLIED]: _previous, ...kept } = object.metadata.annotations ?? {};
  const { annotations: _all, ...meta } = object.metadata;
  const bare = { ...object, metadata: Object.keys(kept).length > 0 ? { ...meta, annotations: kept } : meta };
  const schema = schemaFor(object.apiVersion, object.kind);
  const value = `${schema === undefined ? goJson(bare) : goTypedJson(bare, schema)}\n`;
  return { ...object, metadata: { ...meta, annotations: { ...kept, [LAST_APPLIED]: value } } };
}

