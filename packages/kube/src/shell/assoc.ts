const ASSOC_HASH_BUCKETS = 1024;
const REHASH_FACTOR = 2;
const REHASH_MULTIPLIER = 4;

/**
 * A bash associative array. bash keeps one in its own hash table (hashlib.c), and lists the
 * elements in the table's order: bucket by bucket, each bucket's newest key first. Scripts and
 * `declare -p` show that order, so it is kept here exactly: the same FNV-1 hash, 1024 buckets
 * to start (ASSOC_HASH_BUCKETS), four times as many once there are twice as many keys as buckets.
 * Never changed in place (a subshell shares it with its parent): every change makes a new one.
 */
export class AssocArray {
  private static readonly EMPTY = new AssocArray(new Array<undefined>(ASSOC_HASH_BUCKETS).fill(undefined), new Map());

  private constructor(
    /** Per bucket, its keys newest first; undefined for an empty bucket. */
    private readonly buckets: readonly (readonly string[] | undefined)[],
    private readonly values: ReadonlyMap<string, string>,
  ) {}

  static empty(): AssocArray {
    return AssocArray.EMPTY;
  }

  /** A read-only view of another of bash's tables (BASH_CMDS), whose keys keep that table's order. */
  static view(entries: readonly (readonly [string, string])[]): AssocArray {
    const buckets = new Array<readonly string[] | undefined>(ASSOC_HASH_BUCKETS).fill(undefined);
    if (entries.length > 0) buckets[0] = entries.map(([k]) => k);
    return new AssocArray(buckets, new Map(entries));
  }

  get size(): number {
    return this.values.size;
  }

  get(key: string): string | undefined {
    return this.values.get(key);
  }

  has(key: string): boolean {
    return this.values.has(key);
  }

  with(key: string, value: string): AssocArray {
    const values = new Map(this.values).set(key, value);
    // A key already there keeps its place.
    if (this.values.has(key)) return new AssocArray(this.buckets, values);
    let buckets = this.buckets;
    if (this.values.size >= buckets.length * REHASH_FACTOR) buckets = rehash(buckets, buckets.length * REHASH_MULTIPLIER);
    const copy = buckets === this.buckets ? buckets.slice() : (buckets as (readonly string[] | undefined)[]);
    const b = hashString(key) & (copy.length - 1);
    copy[b] = [key, ...(copy[b] ?? [])];
    return new AssocArray(copy, values);
  }

  without(key: string): AssocArray {
    if (!this.values.has(key)) return this;
    const values = new Map(this.values);
    values.delete(key);
    const copy = this.buckets.slice();
    const b = hashString(key) & (copy.length - 1);
    const rest = copy[b]!.filter((k) => k !== key);
    copy[b] = rest.length === 0 ? undefined : rest;
    return new AssocArray(copy, values);
  }

  /** The keys in bash's order. */
  keys(): string[] {
    const out: string[] = [];
    for (const bucket of this.buckets) if (bucket !== undefined) out.push(...bucket);
    return out;
  }

  /** [key, value] pairs in bash's order. */
  entries(): [string, string][] {
    return this.keys().map((k) => [k, this.values.get(k)!]);
  }
}

/** hash_rehash: the old buckets in order, each from its head, pushed onto the new buckets' heads. */
function rehash(buckets: readonly (readonly string[] | undefined)[], size: number): (readonly string[] | undefined)[] {
  const next: (string[] | undefined)[] = new Array<undefined>(size).fill(undefined);
  for (const bucket of buckets) {
    if (bucket === undefined) continue;
    for (const key of bucket) {
      const b = hashString(key) & (size - 1);
      (next[b] ??= []).unshift(key);
    }
  }
  return next;
}

/**
 * hashlib.c's hash_string: FNV-1 over the key's UTF-8 bytes in 32-bit arithmetic. Its bytes are
 * C chars, signed on x86: one past 0x7f is sign-extended before the XOR.
 */
export function hashString(key: string): number {
  let h = 2166136261;
  for (const byte of UTF8.encode(key)) {
    h = Math.imul(h, 16777619);
    h = (h ^ (byte >= 0x80 ? byte - 0x100 : byte)) >>> 0;
  }
  return h;
}

const UTF8 = new TextEncoder();
