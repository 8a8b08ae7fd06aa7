/**
 * The tar archive format as GNU tar writes it by default (`--format=gnu`): 512-byte headers with
 * octal fields and the `ustar  ` magic, names over 100 bytes in `././@LongLink` entries, file data
 * padded to 512 bytes, two zero blocks at the end, the whole padded to 20-block records. Readers
 * also accept POSIX ustar (the prefix field), as Go's archive/tar does.
 *
 * An archive crosses pipes as text like any other bytes (@ksim/sim's encodeText/decodeText).
 */

export interface TarEntry {
  /** Member name as stored: relative, directories with a trailing slash. */
  readonly name: string;
  /** A hard link names an earlier member (its linkname) and carries no data. */
  readonly type: "file" | "dir" | "symlink" | "hardlink" | "chardev";
  /** A character device's numbers (devmajor and devminor). */
  readonly rdev?: DeviceNumber;
  /** Permission bits (and setuid/setgid/sticky). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly uname: string;
  readonly gname: string;
  readonly mtimeMs: number;
  /** File contents (empty for directories and links). */
  readonly data: Uint8Array;
  readonly linkname: string;
  /** Where the data starts in the archive it was read from. */
  readonly dataOffset?: number;
}

import type { DeviceNumber } from "../runtime/image.js";

export class TarFormatError extends Error {
  override name = "TarFormatError";
}

const BLOCK = 512;
const RECORD = 20 * BLOCK;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

const TYPEFLAG = { file: "0", hardlink: "1", dir: "5", symlink: "2", chardev: "3" } as const;

function octal(value: number, width: number): string {
  // width-1 digits, then NUL, as GNU tar fills numeric fields.
  return value.toString(8).padStart(width - 1, "0") + "\0";
}

function writeField(block: Uint8Array, offset: number, width: number, text: string | Uint8Array): void {
  const bytes = typeof text === "string" ? encoder.encode(text) : text;
  block.set(bytes.subarray(0, width), offset);
}

function header(name: Uint8Array, typeflag: string, e: Omit<TarEntry, "name" | "type">, size: number): Uint8Array {
  const h = new Uint8Array(BLOCK);
  writeField(h, 0, 100, name);
  writeField(h, 100, 8, octal(e.mode & 0o7777, 8));
  writeField(h, 108, 8, octal(e.uid, 8));
  writeField(h, 116, 8, octal(e.gid, 8));
  writeField(h, 124, 12, octal(size, 12));
  writeField(h, 136, 12, octal(Math.floor(e.mtimeMs / 1000), 12));
  writeField(h, 148, 8, "        ");
  writeField(h, 156, 1, typeflag);
  writeField(h, 157, 100, e.linkname);
  writeField(h, 257, 8, "ustar  \0");
  writeField(h, 265, 32, e.uname);
  writeField(h, 297, 32, e.gname);
  if (e.rdev !== undefined) {
    writeField(h, 329, 8, octal(e.rdev.major, 8));
    writeField(h, 337, 8, octal(e.rdev.minor, 8));
  }
  let sum = 0;
  for (const b of h) sum += b;
  writeField(h, 148, 8, sum.toString(8).padStart(6, "0") + "\0 ");
  return h;
}

function padded(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(data.length / BLOCK) * BLOCK);
  out.set(data);
  return out;
}

/** An archive of `entries`, in order, as GNU tar would write it. */
export function writeTar(entries: readonly TarEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const e of entries) {
    const name = encoder.encode(e.name);
    if (name.length > 100) {
      const longName = new Uint8Array(name.length + 1);
      longName.set(name);
      parts.push(header(encoder.encode("././@LongLink"), "L", { ...e, mode: 0, uid: 0, gid: 0, uname: "root", gname: "root", mtimeMs: 0, linkname: "" }, longName.length), padded(longName));
    }
    const size = e.type === "file" ? e.data.length : 0;
    parts.push(header(name.subarray(0, 100), TYPEFLAG[e.type], e, size));
    if (size > 0) parts.push(padded(e.data));
  }
  const length = parts.reduce((n, p) => n + p.length, 0) + 2 * BLOCK;
  const out = new Uint8Array(Math.ceil(length / RECORD) * RECORD);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function text(block: Uint8Array, offset: number, width: number): string {
  const field = block.subarray(offset, offset + width);
  const end = field.indexOf(0);
  return decoder.decode(end < 0 ? field : field.subarray(0, end));
}

function number(block: Uint8Array, offset: number, width: number): number {
  const s = text(block, offset, width).trim();
  if (s === "") return 0;
  if (!/^[0-7]+$/.test(s)) throw new TarFormatError(`invalid octal field ${JSON.stringify(s)}`);
  return parseInt(s, 8);
}

/** The entries of an archive. Throws TarFormatError for bytes that are not one. */
export function readTar(bytes: Uint8Array): TarEntry[] {
  const entries: TarEntry[] = [];
  let longName: string | undefined;
  let at = 0;
  while (at + BLOCK <= bytes.length) {
    const h = bytes.subarray(at, at + BLOCK);
    if (h.every((b) => b === 0)) break;
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
    const stored = /^[0-7 ]+$/.test(text(h, 148, 8).trim() || "x") ? number(h, 148, 8) : -1;
    if (stored !== sum) throw new TarFormatError(at === 0 ? "This does not look like a tar archive" : "Skipping to next header");
    const typeflag = String.fromCharCode(h[156]!);
    const size = number(h, 124, 12);
    const data = bytes.slice(at + BLOCK, at + BLOCK + size);
    if (data.length < size) throw new TarFormatError("Unexpected EOF in archive");
    at += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (typeflag === "L") {
      longName = decoder.decode(data.subarray(0, data.indexOf(0) < 0 ? data.length : data.indexOf(0)));
      continue;
    }
    const magic = text(h, 257, 6);
    const prefix = magic === "ustar" ? text(h, 345, 155) : "";
    const name = longName ?? (prefix !== "" ? `${prefix}/${text(h, 0, 100)}` : text(h, 0, 100));
    longName = undefined;
    const type = typeflag === "5" ? "dir" : typeflag === "2" ? "symlink" : typeflag === "1" ? "hardlink" : typeflag === "3" ? "chardev" : "file";
    entries.push({
      name,
      type,
      ...(type === "chardev" ? { rdev: { major: number(h, 329, 8), minor: number(h, 337, 8) } } : {}),
      mode: number(h, 100, 8),
      uid: number(h, 108, 8),
      gid: number(h, 116, 8),
      uname: text(h, 265, 32),
      gname: text(h, 297, 32),
      mtimeMs: number(h, 136, 12) * 1000,
      data: type === "file" ? data : new Uint8Array(0),
      linkname: text(h, 157, 100),
      dataOffset: at - Math.ceil(size / BLOCK) * BLOCK,
    });
  }
  if (at === 0 && bytes.length > 0 && bytes.length < BLOCK) throw new TarFormatError("This does not look like a tar archive");
  return entries;
}

