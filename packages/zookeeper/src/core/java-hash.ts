/**
 * The iteration order of java.util.HashMap and HashSet, for the reports that print them
 * (children lists, the watch reports): by bucket of the spread hash, then insertion order.
 */

/** String.hashCode, spread as HashMap.hash does. */
export function stringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h ^ (h >>> 16);
}

/** Long.hashCode, spread as HashMap.hash does. */
export function longHash(v: bigint): number {
  const u = BigInt.asUintN(64, v);
  const h = Number(BigInt.asIntN(32, u ^ (u >> 32n)));
  return h ^ (h >>> 16);
}

/**
 * The keys, inserted in this order into a HashMap/HashSet made with `initialCapacity` (16 by
 * default; rounded up to a power of two as tableSizeFor does), as it iterates them.
 */
export function hashOrder<K>(keys: readonly K[], hash: (k: K) => number, initialCapacity = 16): K[] {
  let capacity = 1;
  while (capacity < initialCapacity) capacity *= 2;
  while (keys.length > capacity * 0.75) capacity *= 2;
  const bucket = keys.map((k) => hash(k) & (capacity - 1));
  return keys.map((_, i) => i).sort((a, b) => bucket[a]! - bucket[b]! || a - b).map((i) => keys[i]!);
}
