import { Buffer } from "node:buffer";

/**
 * The one conversion between file bytes and the text that streams, pipes and shell variables
 * carry: UTF-8, where a byte that is not part of valid UTF-8 becomes the lone surrogate
 * U+DC00+byte and turns back into that byte on the way out (Python's "surrogateescape").
 * Text files read and write as before, and binary data — a gzipped tar on stdout, `base64 -d`,
 * `cat backup.tgz > copy.tgz` — survives every hop byte for byte, with no flag on the stream.
 */

// ignoreBOM keeps a leading byte-order mark as text: `cat` copies bytes, it does not strip them.
const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/** Lone low surrogates in the escape range (a high surrogate before one makes a real pair). */
const ESCAPE = /(?<![\uD800-\uDBFF])[\uDC80-\uDCFF]/;

export function decodeText(bytes: Uint8Array): string {
  try {
    return strict.decode(bytes);
  } catch {
    return decodeEscaping(bytes);
  }
}

export function encodeText(text: string): Uint8Array {
  if (!ESCAPE.test(text)) {
    // Buffer.from is several times faster than TextEncoder on the short strings logs append;
    // the view keeps callers on plain Uint8Arrays.
    const b = Buffer.from(text, "utf8");
    return new Uint8Array(b.buffer, b.byteOffset, b.length);
  }
  const out: number[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xdc80 || c > 0xdcff) continue;
    const prev = i > 0 ? text.charCodeAt(i - 1) : 0;
    if (prev >= 0xd800 && prev <= 0xdbff) continue;
    for (const b of encoder.encode(text.slice(start, i))) out.push(b);
    out.push(c - 0xdc00);
    start = i + 1;
  }
  for (const b of encoder.encode(text.slice(start))) out.push(b);
  return Uint8Array.from(out);
}

/** The length of a valid UTF-8 sequence starting at `i`, or 0 if the bytes there are not one. */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const b = bytes[i]!;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < bytes.length && bytes[i + k]! >= lo && bytes[i + k]! <= hi;
  if (b >= 0xc2 && b <= 0xdf) return cont(1) ? 2 : 0;
  if (b === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  // ED A0..BF would be a UTF-16 surrogate: not valid UTF-8.
  if (b === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (b >= 0xe1 && b <= 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (b === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b >= 0xf1 && b <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

function decodeEscaping(bytes: Uint8Array): string {
  let out = "";
  let run = 0;
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const n = sequenceLength(bytes, i);
    if (n > 0) {
      i += n;
      continue;
    }
    out += strict.decode(bytes.subarray(run, i)) + String.fromCharCode(0xdc00 + b);
    i++;
    run = i;
  }
  return out + strict.decode(bytes.subarray(run));
}

/**
 * A byte as text: itself below 0x80, else its escape. Escapes such as printf's `\351` make
 * bytes, not characters; normalizeBytes then reads the bytes that form UTF-8 as characters.
 */
export function byteChar(b: number): string {
  return String.fromCharCode(b < 0x80 ? b : 0xdc00 + b);
}

/** The text as it reads back from its bytes: escaped bytes that form UTF-8 become characters. */
export function normalizeBytes(text: string): string {
  return ESCAPE.test(text) ? decodeText(encodeText(text)) : text;
}
