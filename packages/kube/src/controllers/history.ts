import { fnv1_32, goJson, safeEncodeString } from "../api/gojson.js";
import type { ControllerRevision, DaemonSet, PodTemplateSpec, StatefulSet } from "../api/types.js";
import { newControllerRef } from "./pod-util.js";

/** Label on ControllerRevisions holding their hash (ControllerRevisionHashLabel). */
export const CR_HASH_LABEL = "controller.kubernetes.io/hash";

/**
 * The revision's data: a strategic merge patch replacing the pod template, serialized as the
 * controller does (Go map JSON: sorted keys), including the `creationTimestamp: null` Go writes
 * for the template's zero timestamp. Revision names hash these exact bytes.
 */
export function revisionPatch(template: PodTemplateSpec): string {
  const copy = structuredClone(template) as PodTemplateSpec & Record<string, unknown>;
  copy.metadata = { creationTimestamp: null as unknown as string, ...(copy.metadata ?? {}) };
  return goJson({ spec: { template: { ...copy, $patch: "replace" } } });
}

/** FNV-1 over the patch and the collision count, encoded like rand.SafeEncodeString. */
export function revisionHash(patch: string, collisionCount: number): string {
  return safeEncodeString(String(fnv1_32(patch + String(collisionCount))));
}

interface SpecRevisions {
  readonly patch: string;
  /**
   * The revision last built from the spec and what it was built for. One is enough: every sync
   * of the set asks for the same revision number until the template changes.
   */
  last?: {
    readonly set: Pick<StatefulSet["metadata"], "namespace" | "name" | "uid" | "annotations">;
    readonly revision: number;
    readonly collisionCount: number;
    readonly cr: ControllerRevision;
  };
}

// Stored objects are never mutated and a status write keeps the spec object, so what derives
// from the spec is cached against it: every pod change syncs the set and asks for its revision.
const specCache = new WeakMap<StatefulSet["spec"], SpecRevisions>();

/** A new revision object for the set's template (cached: syncs call this on every pod change). */
export function newRevision(set: StatefulSet, revision: number, collisionCount: number): ControllerRevision {
  let perSpec = specCache.get(set.spec);
  if (perSpec === undefined) specCache.set(set.spec, (perSpec = { patch: revisionPatch(set.spec.template) }));
  const m = set.metadata;
  const last = perSpec.last;
  if (
    last !== undefined &&
    last.revision === revision &&
    last.collisionCount === collisionCount &&
    last.set.uid === m.uid &&
    last.set.name === m.name &&
    last.set.namespace === m.namespace &&
    last.set.annotations === m.annotations
  ) {
    return last.cr;
  }
  const cr = buildRevision(set, perSpec.patch, revision, collisionCount);
  perSpec.last = { set: { namespace: m.namespace, name: m.name, uid: m.uid, annotations: m.annotations }, revision, collisionCount, cr };
  return cr;
}

function buildRevision(set: StatefulSet, patch: string, revision: number, collisionCount: number): ControllerRevision {
  const hash = revisionHash(patch, collisionCount);
  const cr: ControllerRevision = {
    apiVersion: "apps/v1",
    kind: "ControllerRevision",
    metadata: {
      name: `${set.metadata.name!.slice(0, 223)}-${hash}`,
      namespace: set.metadata.namespace,
      labels: { ...(set.spec.template.metadata?.labels ?? {}), [CR_HASH_LABEL]: hash },
      ownerReferences: [newControllerRef(set)],
    },
    data: JSON.parse(patch),
    revision,
  };
  if (set.metadata.annotations !== undefined) cr.metadata.annotations = { ...set.metadata.annotations };
  return cr;
}

// Store objects are immutable, so what is derived from one can be cached against it.
const dataCache = new WeakMap<ControllerRevision, string>();
const templateCache = new WeakMap<ControllerRevision, PodTemplateSpec>();

/** The data bytes two revisions are compared by (history.EqualRevision). */
export function revisionData(cr: ControllerRevision): string {
  let d = dataCache.get(cr);
  if (d === undefined) dataCache.set(cr, (d = goJson(cr.data)));
  return d;
}

/** The workload as of a revision: its template replaced by the revision's (ApplyRevision). */
export function applyRevision<T extends StatefulSet | DaemonSet>(set: T, cr: ControllerRevision): T {
  let template = templateCache.get(cr);
  if (template === undefined) {
    const data = cr.data as { spec?: { template?: Record<string, unknown> } };
    const { $patch: _p, ...t } = structuredClone(data.spec?.template ?? {}) as Record<string, unknown>;
    const meta = { ...((t.metadata as Record<string, unknown> | undefined) ?? {}) };
    if (meta.creationTimestamp === null) delete meta.creationTimestamp;
    template = { ...t, metadata: meta } as unknown as PodTemplateSpec;
    templateCache.set(cr, template);
  }
  return { ...set, spec: { ...set.spec, template } };
}

export function nextRevisionNumber(revisions: readonly ControllerRevision[]): number {
  let max = 0;
  for (const r of revisions) max = Math.max(max, r.revision);
  return max + 1;
}

/** history.SortControllerRevisions: by revision, then creation time, then name. */
export function sortRevisions(revisions: ControllerRevision[]): ControllerRevision[] {
  return revisions.sort(
    (a, b) =>
      a.revision - b.revision ||
      (a.metadata.creationTimestamp ?? "").localeCompare(b.metadata.creationTimestamp ?? "") ||
      a.metadata.name!.localeCompare(b.metadata.name!),
  );
}
