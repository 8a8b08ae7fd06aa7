import type { ObjectStore } from "../api/store.js";
import type { KubeObject, Labels } from "../api/types.js";
import { keyOf } from "./pod-util.js";

const shared = new WeakMap<ObjectStore, Map<string, LabelIndex>>();

/**
 * Objects of one kind indexed by label pair (`app=zk`), so "which pods does this selector match"
 * costs the size of the smallest matching pair's set rather than a scan of every pod. One index
 * per store and kind is shared by every controller, as informers share their indexers.
 */
export class LabelIndex<T extends KubeObject = KubeObject> {
  /**
   * Label key → value → namespace/name keys of the objects carrying that pair. Nested rather than
   * keyed by `key=value`, so that lookups build no key strings.
   */
  private readonly byPair = new Map<string, Map<string, Set<string>>>();
  /** Each object with when it last changed: matches come out in that order, oldest change first. */
  private readonly objects = new Map<string, { readonly object: T; readonly seq: number }>();
  private seq = 0;

  static of<T extends KubeObject>(store: ObjectStore, kind: string): LabelIndex<T> {
    let perKind = shared.get(store);
    if (perKind === undefined) shared.set(store, (perKind = new Map()));
    let index = perKind.get(kind);
    if (index === undefined) perKind.set(kind, (index = new LabelIndex(store, kind)));
    return index as LabelIndex<T>;
  }

  private constructor(store: ObjectStore, kind: string) {
    for (const o of store.list<T>(kind)) this.set(o, undefined);
    store.watch<T>(kind, (e) => {
      if (e.type !== "DELETED") {
        this.set(e.object, e.previous);
        return;
      }
      const key = keyOf(e.object);
      this.unindex(e.object.metadata.labels, key);
      this.objects.delete(key);
    });
  }

  /** Objects in `namespace` whose labels include every pair of `labels` (a map selector). */
  matching(namespace: string | undefined, labels: Labels): T[] {
    let smallest: Set<string> | undefined;
    for (const k in labels) {
      const s = this.byPair.get(k)?.get(labels[k]!);
      if (s === undefined) return [];
      if (smallest === undefined || s.size < smallest.size) smallest = s;
    }
    if (smallest === undefined) return [];
    const found: { readonly object: T; readonly seq: number }[] = [];
    for (const key of smallest) {
      const entry = this.objects.get(key)!;
      const o = entry.object;
      if (o.metadata.namespace === namespace && hasLabels(o.metadata.labels, labels)) found.push(entry);
    }
    return found.sort((a, b) => a.seq - b.seq).map((e) => e.object);
  }

  private set(o: T, previous: T | undefined): void {
    const key = keyOf(o);
    const labels = o.metadata.labels;
    // Status writes keep the labels object; only a real change of labels moves the pairs.
    if (previous === undefined || previous.metadata.labels !== labels) {
      if (previous !== undefined) this.unindex(previous.metadata.labels, key);
      for (const k in labels) {
        let byValue = this.byPair.get(k);
        if (byValue === undefined) this.byPair.set(k, (byValue = new Map()));
        let s = byValue.get(labels[k]!);
        if (s === undefined) byValue.set(labels[k]!, (s = new Set()));
        s.add(key);
      }
    }
    this.objects.set(key, { object: o, seq: this.seq++ });
  }

  private unindex(labels: Labels | undefined, key: string): void {
    for (const k in labels) this.byPair.get(k)?.get(labels[k]!)?.delete(key);
  }
}

/** Whether `labels` include every pair of `wanted`. */
function hasLabels(labels: Labels | undefined, wanted: Labels): boolean {
  for (const k in wanted) if (labels?.[k] !== wanted[k]) return false;
  return true;
}
