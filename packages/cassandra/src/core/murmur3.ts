/**
 * MurmurHash3 x64_128 as Cassandra's Murmur3Partitioner computes it (`utils/MurmurHash.java`),
 * including its quirk: tail bytes are read as signed Java bytes and sign-extended, so keys whose
 * length is not a multiple of 16 hash differently from the reference C implementation. Matching
 * it makes `token(k)` agree with a real cluster's.
 */

const MASK = (1n << 64n) - 1n;
const C1 = 0x87c37b91114253d5n;
const C2 = 0x4cf5ad432745937fn;

function rotl(x: bigint, r: bigint): bigint {
  return ((x << r) | (x >> (64n - r))) & MASK;
}

function fmix(k: bigint): bigint {
  k ^= k >> 33n;
  k = (k * 0xff51afd7ed558ccdn) & MASK;
  k ^= k >> 33n;
  k = (k * 0xc4ceb9fe1a85ec53n) & MASK;
  k ^= k >> 33n;
  return k;
}

function block(key: Uint8Array, at: number): bigint {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(key[at + i]!);
  return v;
}

/** A tail byte as Java's `(long) key.get(i)`: sign-extended to 64 bits. */
function signed(b: number): bigint {
  return BigInt.asUintN(64, BigInt(b >= 128 ? b - 256 : b));
}

/** The first 64-bit half of the hash, as a signed value. */
export function murmur3Hash64(key: Uint8Array): bigint {
  const length = key.length;
  const nblocks = length >> 4;
  let h1 = 0n;
  let h2 = 0n;
  for (let i = 0; i < nblocks; i++) {
    let k1 = block(key, i * 16);
    let k2 = block(key, i * 16 + 8);
    k1 = (k1 * C1) & MASK;
    k1 = rotl(k1, 31n);
    k1 = (k1 * C2) & MASK;
    h1 ^= k1;
    h1 = rotl(h1, 27n);
    h1 = (h1 + h2) & MASK;
    h1 = (h1 * 5n + 0x52dce729n) & MASK;
    k2 = (k2 * C2) & MASK;
    k2 = rotl(k2, 33n);
    k2 = (k2 * C1) & MASK;
    h2 ^= k2;
    h2 = rotl(h2, 31n);
    h2 = (h2 + h1) & MASK;
    h2 = (h2 * 5n + 0x38495ab5n) & MASK;
  }
  const tail = nblocks * 16;
  const rest = length & 15;
  let k1 = 0n;
  let k2 = 0n;
  for (let i = rest - 1; i >= 8; i--) k2 ^= (signed(key[tail + i]!) << BigInt((i - 8) * 8)) & MASK;
  if (rest > 8) {
    k2 = (k2 * C2) & MASK;
    k2 = rotl(k2, 33n);
    k2 = (k2 * C1) & MASK;
    h2 ^= k2;
  }
  for (let i = Math.min(rest, 8) - 1; i >= 0; i--) k1 ^= (signed(key[tail + i]!) << BigInt(i * 8)) & MASK;
  if (rest > 0) {
    k1 = (k1 * C1) & MASK;
    k1 = rotl(k1, 31n);
    k1 = (k1 * C2) & MASK;
    h1 ^= k1;
  }
  const len = BigInt(length);
  h1 ^= len;
  h2 ^= len;
  h1 = (h1 + h2) & MASK;
  h2 = (h2 + h1) & MASK;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h1 = (h1 + h2) & MASK;
  return BigInt.asIntN(64, h1);
}
