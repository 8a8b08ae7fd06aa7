import { createHash } from "node:crypto";
import type { Partition } from "./data.js";
import { partitionDigest } from "./proxy.js";
import type { Token } from "./token.js";

/**
 * The Merkle trees a validation compaction builds for repair (utils/MerkleTree, 3.x): one tree
 * per token range, each range halved recursively down to 2^depth leaves, a leaf's hash the XOR of
 * the hashes of the partitions whose tokens fall in it, an inner node's the XOR of its children.
 * Two replicas' trees are compared down to the shallower of the two: every leaf whose hashes
 * differ is a range out of sync, streamed both ways by the sync that follows.
 */

/** repair's maximum tree depth in 3.11.2 (before repair_session_max_tree_depth existed). */
const MAX_DEPTH = 20;
const RING = 1n << 64n;
const MIN = -(1n << 63n);

/** A partition's hash: MD5 of its canonical content (Validator.rowHash), as two 64-bit halves. */
export function partitionHash(p: Partition): readonly [bigint, bigint] {
  const d = createHash("md5").update(partitionDigest(p)).digest();
  return [d.readBigUInt64BE(0), d.readBigUInt64BE(8)];
}

export interface RangeTree {
  readonly range: readonly [Token, Token];
  readonly depth: number;
  /** 2^depth leaf hashes, each as the two halves of a 128-bit value, in token order. */
  readonly leaves: readonly (readonly [bigint, bigint])[];
}

/** Distance from `left` going clockwise (Murmur3 tokens wrap at 2^64). */
function offset(left: Token, t: Token): bigint {
  return (((t - left) % RING) + RING) % RING;
}

/** The width of (left, right]; a range from a token to itself is the whole ring. */
function width(range: readonly [Token, Token]): bigint {
  const w = offset(range[0], range[1]);
  return w === 0n ? RING : w;
}

/** Back from an offset to a token in [MIN, MAX]. */
function tokenAt(left: Token, off: bigint): Token {
  return ((((left + off - MIN) % RING) + RING) % RING) + MIN;
}

/**
 * The leaf a token falls in: descend as MerkleTree does, splitting each range at its midpoint,
 * the left half (left, mid] and the right half (mid, right].
 */
function leafOf(range: readonly [Token, Token], depth: number, t: Token): number {
  let lo = 0n;
  let size = width(range);
  const at = offset(range[0], t);
  let leaf = 0;
  for (let d = 0; d < depth; d++) {
    const half = size / 2n;
    leaf <<= 1;
    if (at > lo + half) {
      leaf |= 1;
      lo += half;
      size -= half;
    } else size = half;
  }
  return leaf;
}

/** The token range leaf `index` of a tree of `depth` covers. */
export function leafRange(range: readonly [Token, Token], depth: number, index: number): [Token, Token] {
  let lo = 0n;
  let size = width(range);
  for (let d = depth - 1; d >= 0; d--) {
    const half = size / 2n;
    if ((index >> d) & 1) {
      lo += half;
      size -= half;
    } else size = half;
  }
  return [tokenAt(range[0], lo), tokenAt(range[0], lo + size)];
}

/**
 * A tree per range over the partitions given with their tokens. The depth follows each range's
 * share of the partitions (CompactionManager.createMerkleTrees): enough leaves for one partition
 * each, at most MAX_DEPTH less the bits the range's share of the data would need.
 */
export function buildTrees(ranges: readonly (readonly [Token, Token])[], partitions: readonly { readonly token: Token; readonly hash: readonly [bigint, bigint] }[], inRange: (t: Token, r: readonly [Token, Token]) => boolean): RangeTree[] {
  const counts = ranges.map((r) => partitions.filter((p) => inRange(p.token, r)).length);
  const all = counts.reduce((a, b) => a + b, 0);
  return ranges.map((range, i) => {
    const n = counts[i]!;
    const ratio = all > 0 ? n / all : 0;
    const maxDepth = ratio > 0 ? Math.floor(MAX_DEPTH - Math.log(1 / ratio) / Math.log(2)) : 0;
    const depth = n > 0 ? Math.max(0, Math.min(Math.ceil(Math.log(n) / Math.log(2)), maxDepth)) : 0;
    const leaves: [bigint, bigint][] = Array.from({ length: 2 ** depth }, () => [0n, 0n]);
    for (const p of partitions) {
      if (!inRange(p.token, range)) continue;
      const leaf = leaves[leafOf(range, depth, p.token)]!;
      leaf[0] ^= p.hash[0];
      leaf[1] ^= p.hash[1];
    }
    return { range, depth, leaves };
  });
}

/** The hash of the subtree at `depth` containing leaf block `index` (XOR of the leaves under it). */
function nodeHash(tree: RangeTree, depth: number, index: number): readonly [bigint, bigint] {
  const span = 2 ** (tree.depth - depth);
  let a = 0n;
  let b = 0n;
  for (let i = index * span; i < (index + 1) * span; i++) {
    a ^= tree.leaves[i]![0];
    b ^= tree.leaves[i]![1];
  }
  return [a, b];
}

/** MerkleTrees.difference: the ranges whose hashes differ, compared at the shallower tree's leaves. */
export function difference(mine: readonly RangeTree[], theirs: readonly RangeTree[]): [Token, Token][] {
  const out: [Token, Token][] = [];
  mine.forEach((a, i) => {
    const b = theirs[i]!;
    const depth = Math.min(a.depth, b.depth);
    for (let k = 0; k < 2 ** depth; k++) {
      const x = nodeHash(a, depth, k);
      const y = nodeHash(b, depth, k);
      if (x[0] !== y[0] || x[1] !== y[1]) out.push(leafRange(a.range, depth, k));
    }
  });
  return out;
}
