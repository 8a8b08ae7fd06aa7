import type { ObjectStore } from "../api/store.js";
import type { KubeObject, Labels } from "../api/types.js";

/**
 * Objects of one kind indexed by label pair (`app=zk`), so "which pods does this selector match"
 * costs the size of the smallest matching pair's set rather than a scan of every pod.
 */
export class LabelIndex<T extends KubeObject = KubeObject> {
  private readonly byPair = new Map<string, Set<T>>();

  constructor(store: ObjectStore, kind: string) {
    for (const o of store.list<T>(kind)) this.add(o);
    store.watch<T>(kind, (e) => {
      if (e.previous !== undefined) this.remove(e.previous);
      if (e.type !== "DELETED") this.add(e.object);
    });
  }

  /** Objects in `namespace` whose labels include every pair of `labels` (a map selector). */
  matching(namespace: string | undefined, labels: Labels): T[] {
    const pairs = Object.entries(labels);
    if (pairs.length === 0) return [];
    let smallest: Set<T> | undefined;
    for (const [k, v] of pairs) {
      const s = this.byPair.get(`${k}=${v}`);
      if (s === undefined) return [];
      if (smallest === undefined || s.size < smallest.size) smallest = s;
    }
    const out: T[] = [];
    for (const o of smallest!) {
      if (o.metadata.namespace !== namespace) continue;
      const l = o.metadata.labels ?? {};
      if (pairs.every(([k, v]) => l[k] === v)) out.push(o);
    }
    return out;
  }

  private add(o: T): void {
    for (const [k, v] of Object.entries(o.metadata.labels ?? {})) {
      const key = `${k}=${v}`;
      let s = this.byPair.get(key);
      if (s === undefined) this.byPair.set(key, (s = new Set()));
      s.add(o);
    }
  }

  private remove(o: T): void {
    for (const [k, v] of Object.entries(o.metadata.labels ?? {})) this.byPair.get(`${k}=${v}`)?.delete(o);
  }
}
