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
  // Text with escapes is mostly binary data (a random or compressed stream): it is encoded by
  // hand into one buffer, since cutting it at every escape costs a call per byte.
  const out = new Uint8Array(text.length * 3);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) out[n++] = c;
    else if (c < 0x800) {
      out[n++] = 0xc0 | (c >> 6);
      out[n++] = 0x80 | (c & 0x3f);
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      const cp = 0x10000 + ((c - 0xd800) << 10) + (text.charCodeAt(++i) - 0xdc00);
      out[n++] = 0xf0 | (cp >> 18);
      out[n++] = 0x80 | ((cp >> 12) & 0x3f);
      out[n++] = 0x80 | ((cp >> 6) & 0x3f);
      out[n++] = 0x80 | (cp & 0x3f);
    } else if (c >= 0xdc80 && c <= 0xdcff) out[n++] = c - 0xdc00;
    else {
      // Any other lone surrogate becomes U+FFFD, as TextEncoder makes it.
      const u = c >= 0xd800 && c <= 0xdfff ? 0xfffd : c;
      out[n++] = 0xe0 | (u >> 12);
      out[n++] = 0x80 | ((u >> 6) & 0x3f);
      out[n++] = 0x80 | (u & 0x3f);
    }
  }
  return out.slice(0, n);
}

/** The length of a valid UTF-8 sequence starting at `i`, or 0 if the bytes there are not one. */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const b = bytes[i]!;
  if (b < 0xc2 || b > 0xf4) return 0;
  const need = b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
  if (i + need > bytes.length) return 0;
  // The second byte's range is narrower after E0, ED (which would make a UTF-16 surrogate), F0 and F4.
  const second = bytes[i + 1]!;
  const lo = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
  const hi = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
  if (second < lo || second > hi) return 0;
  for (let k = 2; k < need; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return 0;
  return need;
}

/**
 * Bytes that are not all UTF-8, decoded by hand into UTF-16 units, each byte outside a valid
 * sequence as its escape: decoding the valid runs apart would cost a call per bad byte, and
 * binary data has one every other byte.
 */
function decodeEscaping(bytes: Uint8Array): string {
  const units = new Uint16Array(bytes.length);
  let n = 0;
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      units[n++] = b;
      i++;
      continue;
    }
    const len = sequenceLength(bytes, i);
    if (len === 2) units[n++] = ((b & 0x1f) << 6) | (bytes[i + 1]! & 0x3f);
    else if (len === 3) units[n++] = ((b & 0x0f) << 12) | ((bytes[i + 1]! & 0x3f) << 6) | (bytes[i + 2]! & 0x3f);
    else if (len === 4) {
      const cp = (((b & 0x07) << 18) | ((bytes[i + 1]! & 0x3f) << 12) | ((bytes[i + 2]! & 0x3f) << 6) | (bytes[i + 3]! & 0x3f)) - 0x10000;
      units[n++] = 0xd800 + (cp >> 10);
      units[n++] = 0xdc00 + (cp & 0x3ff);
    } else units[n++] = 0xdc00 + b;
    i += len === 0 ? 1 : len;
  }
  let out = "";
  // apply takes the typed array as it is; spreading it into arguments costs four times as much.
  for (let at = 0; at < n; at += 8192) out += String.fromCharCode.apply(null, units.subarray(at, Math.min(n, at + 8192)) as unknown as number[]);
  return out;
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

/** The parts one after another in one array (a record and its framing, a batch of records). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
