import { crc32 } from "node:zlib";
import { Packr, Unpackr } from "msgpackr";

/**
 * Framing for everything a node writes: msgpack payloads, and for append-only logs (commit log,
 * hints) a length and CRC32 per record so a torn tail is recognised and replay stops there, as
 * CommitLogReplayer does on a checksum mismatch.
 */

const packr = new Packr({ useRecords: false, variableMapSize: true });
const unpackr = new Unpackr({ useRecords: false });

export function encode(value: unknown): Uint8Array {
  // msgpackr returns a view of a reusable buffer: copy before the next pack.
  return packr.pack(value).slice();
}

export function decode<T>(bytes: Uint8Array): T {
  return unpackr.unpack(bytes) as T;
}

/** One framed record: [length u32][crc32 u32][payload]. */
export function frame(value: unknown): Uint8Array {
  const payload = encode(value);
  const out = new Uint8Array(payload.length + 8);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, payload.length);
  dv.setUint32(4, crc32(payload));
  out.set(payload, 8);
  return out;
}

/** Decodes framed records up to the first truncated or corrupt one; `offsets` are record starts. */
export function unframe<T>(bytes: Uint8Array): { records: { value: T; offset: number; end: number }[]; clean: boolean } {
  const records: { value: T; offset: number; end: number }[] = [];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  while (at < bytes.length) {
    if (at + 8 > bytes.length) return { records, clean: false };
    const len = dv.getUint32(at);
    const sum = dv.getUint32(at + 4);
    if (at + 8 + len > bytes.length) return { records, clean: false };
    const payload = bytes.subarray(at + 8, at + 8 + len);
    if (crc32(payload) !== sum) return { records, clean: false };
    records.push({ value: decode<T>(payload), offset: at, end: at + 8 + len });
    at += 8 + len;
  }
  return { records, clean: true };
}

export function checksum(bytes: Uint8Array): number {
  return crc32(bytes);
}
