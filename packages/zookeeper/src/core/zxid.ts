/**
 * zxids as plain JS numbers: epoch * 2^32 + counter. Numbers are exact below 2^53, so this holds
 * for epochs below 2^21 (two million elections), far beyond any simulated run, and keeps the hot
 * path free of bigint arithmetic. Session ids need all 64 bits and are bigints instead.
 */
const TWO_32 = 0x1_0000_0000;

export function makeZxid(epoch: number, counter: number): number {
  return epoch * TWO_32 + counter;
}

export function epochOf(zxid: number): number {
  return Math.floor(zxid / TWO_32);
}

export function counterOf(zxid: number): number {
  return zxid % TWO_32;
}

/** `Long.toHexString`: lowercase, no padding. */
export function hex(n: number | bigint): string {
  return n.toString(16);
}
