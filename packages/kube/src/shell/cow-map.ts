/**
 * A Map that a forked subshell shares with its parent until either of them writes to it: every
 * `$(…)`, pipeline stage and `( … )` is a fork, and most of them never assign a variable or
 * define a function, so copying the tables at each fork was most of what a fork cost.
 */
const EMPTY: ReadonlyMap<unknown, unknown> = new Map();

export class CowMap<K, V> implements Iterable<[K, V]> {
  private map: Map<K, V>;
  /** Whether another CowMap may read `map` (then a write copies it first). */
  private shared = false;

  /**
   * Without a map, it starts empty (sharing one empty map until the first write). With `shared`,
   * others read `map` too, and it is copied before the first write.
   */
  constructor(map?: Map<K, V>, shared = false) {
    this.map = map ?? (EMPTY as Map<K, V>);
    this.shared = shared || map === undefined;
  }

  /** A copy that shares the entries until one side writes. */
  fork(): CowMap<K, V> {
    this.shared = true;
    return new CowMap(this.map, true);
  }

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  keys(): IterableIterator<K> {
    return this.map.keys();
  }

  forEach(fn: (value: V, key: K) => void): void {
    this.map.forEach(fn);
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.map[Symbol.iterator]();
  }

  set(key: K, value: V): this {
    this.own().set(key, value);
    return this;
  }

  delete(key: K): boolean {
    return this.has(key) && this.own().delete(key);
  }

  private own(): Map<K, V> {
    if (this.shared) {
      const copy = new Map<K, V>();
      this.map.forEach((v, k) => copy.set(k, v));
      this.map = copy;
      this.shared = false;
    }
    return this.map;
  }
}
