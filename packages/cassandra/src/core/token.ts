import type { Random } from "@ksim/sim";
import { murmur3Hash64 } from "./murmur3.js";

/**
 * Murmur3Partitioner tokens: signed 64-bit integers. Long.MIN_VALUE is the ring's reserved
 * minimum and never a key's token (`normalize` maps it to MAX).
 */
export type Token = bigint;

export const MIN_TOKEN: Token = -(1n << 63n);
export const MAX_TOKEN: Token = (1n << 63n) - 1n;
export const PARTITIONER = "org.apache.cassandra.dht.Murmur3Partitioner";

function normalize(v: bigint): Token {
  return v === MIN_TOKEN ? MAX_TOKEN : v;
}

/** The token of a serialized partition key. */
export function tokenOf(key: Uint8Array): Token {
  return normalize(murmur3Hash64(key));
}

/** `getRandomToken()`: a uniformly random long, normalized. */
export function randomToken(random: Random): Token {
  return normalize(random.int64());
}

export function compareTokens(a: Token, b: Token): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * BootStrapper.getRandomTokens: draw until `numTokens` distinct tokens nobody owns yet.
 * Returned in draw order (callers that print them use Java's HashSet order).
 */
export function randomTokens(random: Random, numTokens: number, taken: (t: Token) => boolean): Token[] {
  if (numTokens < 1) throw new Error("num_tokens must be >= 1");
  const out: Token[] = [];
  const seen = new Set<Token>();
  while (out.length < numTokens) {
    const t = randomToken(random);
    if (seen.has(t) || taken(t)) continue;
    seen.add(t);
    out.push(t);
  }
  return out;
}

/** 2^64 - 2: Murmur3Partitioner's ring size `MAX - (MIN + 1)`. */
const RING = MAX_TOKEN - (MIN_TOKEN + 1n);
const MICRO = 1_000_000n;

/** ((b - a + R) mod R) / R rounded to 6 decimal places HALF_EVEN, then to float, as BigDecimal does. */
function fraction(a: Token, b: Token): number {
  let n = (b - a + RING) % RING;
  if (n < 0n) n += RING;
  const scaled = n * MICRO;
  let q = scaled / RING;
  const r2 = (scaled % RING) * 2n;
  if (r2 > RING || (r2 === RING && (q & 1n) === 1n)) q += 1n;
  return Math.fround(Number(q) / 1e6);
}

/**
 * Murmur3Partitioner.describeOwnership: each token owns the fraction of the ring in
 * (previous token, token]; the first token's range wraps around from the last.
 */
export function describeOwnership(sortedTokens: readonly Token[]): Map<Token, number> {
  const out = new Map<Token, number>();
  if (sortedTokens.length === 0) throw new Error("No nodes present in the cluster. Has this node finished starting up?");
  if (sortedTokens.length === 1) {
    out.set(sortedTokens[0]!, 1.0);
    return out;
  }
  for (let i = 1; i < sortedTokens.length; i++) out.set(sortedTokens[i]!, fraction(sortedTokens[i - 1]!, sortedTokens[i]!));
  out.set(sortedTokens[0]!, fraction(sortedTokens[sortedTokens.length - 1]!, sortedTokens[0]!));
  return out;
}
