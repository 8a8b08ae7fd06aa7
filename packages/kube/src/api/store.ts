import { typeForKind } from "./resources.js";
import type { KubeObject, OwnerReference } from "./types.js";

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED";

export interface WatchEvent<T extends KubeObject = KubeObject> {
  readonly type: WatchEventType;
  /** The object after the change (for DELETED, its last state). */
  readonly object: T;
  /** The object before the change (MODIFIED and DELETED). */
  readonly previous: T | undefined;
}

export type WatchHandler<T extends KubeObject = KubeObject> = (event: WatchEvent<T>) => void;

// Every get asks; the resource table is fixed, so each kind is looked up once.
const namespacedKinds = new Map<string, boolean>();

export function isNamespaced(kind: string): boolean {
  let namespaced = namespacedKinds.get(kind);
  if (namespaced === undefined) namespacedKinds.set(kind, (namespaced = typeForKind(kind)?.namespaced ?? true));
  return namespaced;
}

const NO_REFS: readonly OwnerReference[] = [];

export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

class KindTable {
  constructor(
    /** isNamespaced(kind), which every get asks. */
    readonly namespaced: boolean,
  ) {}

  /** By namespace/name key, in creation order. */
  readonly objects = new Map<string, KubeObject>();
  /** The same objects by namespace, then name: lookups need no key string, lists of one namespace no scan. */
  readonly byNamespace = new Map<string | undefined, Map<string, KubeObject>>();
  watchers: WatchHandler[] = [];
  /** Bumped on every change to an object of this kind (caches derived from the kind check it). */
  version = 0;

  set(key: string, o: KubeObject): void {
    this.objects.set(key, o);
    const ns = o.metadata.namespace;
    let m = this.byNamespace.get(ns);
    if (m === undefined) this.byNamespace.set(ns, (m = new Map()));
    m.set(o.metadata.name!, o);
    this.version++;
  }

  delete(key: string, o: KubeObject): void {
    this.objects.delete(key);
    this.byNamespace.get(o.metadata.namespace)?.delete(o.metadata.name!);
    this.version++;
  }
}

/**
 * The storage behind the API server (etcd's role): objects by kind and key, one global
 * resourceVersion counter, secondary indexes (uid, owner, pod node), and watches.
 *
 * Watch handlers run synchronously when an object changes and must not write to the store:
 * they enqueue work (controllers) or print (kubectl), as informers do.
 */
export class ObjectStore {
  private readonly kinds = new Map<string, KindTable>();
  private readonly byUid = new Map<string, KubeObject>();
  private readonly byOwner = new Map<string, Set<KubeObject>>();
  private readonly podsByNode = new Map<string, Set<string>>();
  private anyWatchers: WatchHandler[] = [];
  private rv = 0;

  get resourceVersion(): number {
    return this.rv;
  }

  get<T extends KubeObject = KubeObject>(kind: string, namespace: string | undefined, name: string): T | undefined {
    const table = this.kinds.get(kind);
    if (table === undefined) return undefined;
    if (namespace && table.namespaced) return table.byNamespace.get(namespace)?.get(name) as T | undefined;
    return table.objects.get(name) as T | undefined;
  }

  getByUid<T extends KubeObject = KubeObject>(uid: string): T | undefined {
    return this.byUid.get(uid) as T | undefined;
  }

  /** Objects of a kind, optionally in one namespace, in store order (creation order). */
  list<T extends KubeObject = KubeObject>(kind: string, namespace?: string): T[] {
    const table = this.kinds.get(kind);
    if (table === undefined) return [];
    const objects = namespace === undefined ? table.objects : table.byNamespace.get(namespace);
    return objects === undefined ? [] : ([...objects.values()] as T[]);
  }

  /** Number of objects of a kind. */
  count(kind: string): number {
    return this.kinds.get(kind)?.objects.size ?? 0;
  }

  /** A number that changes whenever an object of `kind` is added, replaced or removed. */
  kindVersion(kind: string): number {
    return this.kinds.get(kind)?.version ?? 0;
  }

  /** Objects whose ownerReferences name `uid`. */
  dependents(uid: string): KubeObject[] {
    const s = this.byOwner.get(uid);
    return s === undefined ? [] : [...s];
  }

  /** namespace/name keys of pods bound to a node (a copy: callers may write pods meanwhile). */
  podKeysOnNode(node: string): string[] {
    const s = this.podsByNode.get(node);
    return s === undefined ? [] : [...s];
  }

  /**
   * Inserts or replaces an object, bumping resourceVersion, and notifies watchers. The object and
   * its metadata become the store's, and resourceVersion is set in place: callers pass copies of
   * their own, shared with nothing, and do not change them afterwards (copying both here, on
   * every write, was a good part of what a write cost).
   */
  put<T extends KubeObject>(object: T): T {
    const table = this.table(object.kind);
    const key = objectKey(object.metadata.namespace, object.metadata.name!);
    const previous = table.objects.get(key);
    object.metadata.resourceVersion = String(++this.rv);
    table.set(key, object);
    if (previous !== undefined) this.unindex(previous, key);
    this.index(object, key);
    this.notify(table, { type: previous === undefined ? "ADDED" : "MODIFIED", object, previous });
    return object;
  }

  /** Removes an object and notifies watchers; returns what was removed. */
  remove(kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const table = this.kinds.get(kind);
    const key = objectKey(isNamespaced(kind) ? namespace : undefined, name);
    const previous = table?.objects.get(key);
    if (table === undefined || previous === undefined) return undefined;
    table.delete(key, previous);
    this.unindex(previous, key);
    ++this.rv;
    this.notify(table, { type: "DELETED", object: previous, previous });
    return previous;
  }

  /** Calls `handler` for every change to objects of `kind`. Returns a function that stops it. */
  watch<T extends KubeObject = KubeObject>(kind: string, handler: WatchHandler<T>): () => void {
    const table = this.table(kind);
    table.watchers = [...table.watchers, handler as WatchHandler];
    return () => {
      table.watchers = table.watchers.filter((w) => w !== handler);
    };
  }

  /** Calls `handler` for every change to any object (the garbage collector's view). */
  watchAll(handler: WatchHandler): () => void {
    this.anyWatchers = [...this.anyWatchers, handler];
    return () => {
      this.anyWatchers = this.anyWatchers.filter((w) => w !== handler);
    };
  }

  /** Every kind that has ever held objects. */
  kindNames(): string[] {
    return [...this.kinds.keys()];
  }

  private table(kind: string): KindTable {
    let t = this.kinds.get(kind);
    if (t === undefined) {
      t = new KindTable(isNamespaced(kind));
      this.kinds.set(kind, t);
    }
    return t;
  }

  private notify(table: KindTable, event: WatchEvent): void {
    // The arrays are replaced, never mutated, so handlers may unsubscribe while we iterate.
    for (const w of table.watchers) w(event);
    for (const w of this.anyWatchers) w(event);
  }

  private index(o: KubeObject, key: string): void {
    const uid = o.metadata.uid;
    if (uid !== undefined) this.byUid.set(uid, o);
    for (const ref of o.metadata.ownerReferences ?? NO_REFS) {
      let s = this.byOwner.get(ref.uid);
      if (s === undefined) this.byOwner.set(ref.uid, (s = new Set()));
      s.add(o);
    }
    if (o.kind === "Pod") {
      const node = (o.spec as { nodeName?: string } | undefined)?.nodeName;
      if (node) {
        let s = this.podsByNode.get(node);
        if (s === undefined) this.podsByNode.set(node, (s = new Set()));
        s.add(key);
      }
    }
  }

  private unindex(o: KubeObject, key: string): void {
    const uid = o.metadata.uid;
    if (uid !== undefined && this.byUid.get(uid) === o) this.byUid.delete(uid);
    for (const ref of o.metadata.ownerReferences ?? NO_REFS) {
      const s = this.byOwner.get(ref.uid);
      if (s !== undefined) {
        s.delete(o);
        if (s.size === 0) this.byOwner.delete(ref.uid);
      }
    }
    if (o.kind === "Pod") {
      const node = (o.spec as { nodeName?: string } | undefined)?.nodeName;
      if (node) this.podsByNode.get(node)?.delete(key);
    }
  }
}
