import type { ApiServer } from "../api/server.js";
import type { WatchEvent } from "../api/store.js";
import type { KubeObject, LabelSelector } from "../api/types.js";
import type { OrphanIndex } from "./orphans.js";
import { controllerRef, isTerminating, keyOf, matchesSelector, newControllerRef } from "./pod-util.js";

/**
 * ControllerRefManager.ClaimObjects: the objects of `kind` an owner controls as it sees them —
 * those it owns that still `match` (the others are released), plus matching orphans, which it
 * adopts. An owner being deleted neither adopts nor releases.
 */
export function claimObjects<T extends KubeObject>(api: ApiServer, owner: KubeObject, kind: string, orphans: OrphanIndex<T>, match: (o: T) => boolean): T[] {
  const uid = owner.metadata.uid!;
  const deleting = isTerminating(owner);
  const out: T[] = [];
  for (const o of api.store.dependents(uid)) {
    if (o.kind !== kind || controllerRef(o)?.uid !== uid) continue;
    if (match(o as T)) out.push(o as T);
    else if (!deleting) {
      api.mutate<T>(kind, o.metadata.namespace, o.metadata.name!, (x) => {
        x.metadata.ownerReferences = (x.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
      });
    }
  }
  if (deleting) return out;
  for (const o of [...orphans.in(owner.metadata.namespace)]) {
    if (!match(o)) continue;
    out.push(
      api.mutate<T>(kind, o.metadata.namespace, o.metadata.name!, (x) => {
        x.metadata.ownerReferences = [...(x.metadata.ownerReferences ?? []), newControllerRef(owner)];
      }),
    );
  }
  return out;
}

/**
 * The owners of `kind` a change to an object concerns: its controller, or for an orphan every
 * owner in its namespace whose selector matches it (one of them may adopt it).
 */
export function ownersToSync(api: ApiServer, kind: string, e: WatchEvent): string[] {
  const o = e.object;
  const ref = controllerRef(o);
  if (ref !== undefined) return ref.kind === kind ? [`${o.metadata.namespace}/${ref.name}`] : [];
  if (e.type === "DELETED") return [];
  return api
    .list<KubeObject & { spec: { selector?: LabelSelector } }>(kind, o.metadata.namespace)
    .filter((owner) => matchesSelector(owner.spec.selector, o.metadata.labels))
    .map(keyOf);
}
