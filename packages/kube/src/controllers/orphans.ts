import type { ObjectStore } from "../api/store.js";
import type { KubeObject } from "../api/types.js";
import { controllerRef, isTerminating } from "./pod-util.js";

/**
 * Objects of one kind that have no controller, per namespace: the candidates for adoption.
 * Controllers look here instead of listing every pod on every sync, which would make a cluster
 * of thousands of pods quadratic.
 */
export class OrphanIndex<T extends KubeObject = KubeObject> {
  private readonly byNamespace = new Map<string, Map<string, T>>();

  constructor(store: ObjectStore, kind: string) {
    for (const o of store.list<T>(kind)) this.update(o, false);
    store.watch<T>(kind, (e) => this.update(e.object, e.type === "DELETED"));
  }

  /** Orphans in a namespace that are not being deleted. */
  in(namespace: string | undefined): Iterable<T> {
    return this.byNamespace.get(namespace ?? "")?.values() ?? [];
  }

  private update(o: T, deleted: boolean): void {
    const ns = o.metadata.namespace ?? "";
    let m = this.byNamespace.get(ns);
    const orphan = !deleted && controllerRef(o) === undefined && !isTerminating(o);
    if (orphan) {
      if (m === undefined) this.byNamespace.set(ns, (m = new Map()));
      m.set(o.metadata.name!, o);
    } else {
      m?.delete(o.metadata.name!);
    }
  }
}
