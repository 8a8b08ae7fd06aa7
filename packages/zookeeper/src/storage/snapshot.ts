import { concatBytes } from "@ksim/sim";
import type { SnapshotData } from "../core/index.js";
import { adler32, decode, encode, readU32, u32 } from "./codec.js";

/** FileSnap's header magic "ZKSN", version 2; the file ends with the checksum and a "/" marker. */
const MAGIC = new Uint8Array([0x5a, 0x4b, 0x53, 0x4e, 0, 0, 0, 2]);
const END = 0x2f;

export function encodeSnapshot(data: SnapshotData): Uint8Array {
  const payload = encode(data);
  return concatBytes([MAGIC, payload, u32(adler32(payload)), new Uint8Array([END])]);
}

/**
 * The snapshot; "incomplete" for a file that was never finished (Util.isValidSnapshot rejects it
 * and recovery ignores it silently), "corrupt" for a finished one whose checksum fails.
 */
export function decodeSnapshot(bytes: Uint8Array): SnapshotData | "incomplete" | "corrupt" {
  if (bytes.length < MAGIC.length + 5 || bytes[bytes.length - 1] !== END) return "incomplete";
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) return "corrupt";
  const payload = bytes.subarray(MAGIC.length, bytes.length - 5);
  if (adler32(payload) !== readU32(bytes, bytes.length - 5)) return "corrupt";
  return decode(payload) as SnapshotData;
}
