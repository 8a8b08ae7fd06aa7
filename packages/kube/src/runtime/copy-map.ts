/**
 * A copy of a Map. `new Map(other)` walks the iterator protocol and allocates an entry array
 * and a result object per element; forEach does not. Every spawn copies an environment and
 * every subshell its descriptor table, so this shows up in a probe's cost.
 */
export function copyMap<K, V>(source: ReadonlyMap<K, V> | undefined): Map<K, V> {
  const out = new Map<K, V>();
  source?.forEach((v, k) => out.set(k, v));
  return out;
}
