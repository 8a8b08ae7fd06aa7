import { crc32 } from "node:zlib";
import { Packr, Unpackr } from "msgpackr";

/**
 * The files the engine keeps in the data directory, and how their bytes are laid out. Files have
 * the sizes InnoDB gives them, preallocated, and data is written into them in place: a
 * tablespace or the dictionary holds one frame (its image) at the start, the redo log a
 * sequence of frames. A frame is a 4-byte length, a CRC-32 and a msgpack record, so neither
 * the zeros after it nor a torn write nor the stale records of a recycled log file pass for
 * data.
 */

/** The subset of a filesystem the engine uses; both a container's FileSystem and a Volume have it. */
export interface DataFs {
  exists(path: string): boolean;
  readFile(path: string): Uint8Array;
  readAt(path: string, offset: number, length: number): Uint8Array;
  writeFile(path: string, data: Uint8Array | string, options?: { mode?: number }): void;
  appendFile(path: string, data: Uint8Array | string): void;
  writeAt(path: string, offset: number, data: Uint8Array | string): void;
  fallocate(path: string, length: number): void;
  stat(path: string): { readonly size: number; readonly mtimeMs: number };
  rename(from: string, to: string): void;
  fsync(path: string): void;
  mkdir(path: string, options?: { recursive?: boolean; mode?: number }): void;
  readdir(path: string): string[];
  unlink(path: string): void;
  rmdir(path: string, options?: { recursive?: boolean }): void;
}

const packr = new Packr({ useRecords: false, variableMapSize: true });
const unpackr = new Unpackr({ useRecords: false });

export function encode(value: unknown): Uint8Array {
  // Packr reuses its buffer: copy before the next call.
  return packr.pack(value).slice();
}

export function decode<T>(bytes: Uint8Array): T {
  return unpackr.unpack(bytes) as T;
}

/** Bytes for writes whose contents do not matter (zero-filling, events nothing reads); never modified. */
export const ZEROS = new Uint8Array(1 << 20);

const HEADER = 8;

export function frame(value: unknown): Uint8Array {
  const payload = encode(value);
  const out = new Uint8Array(HEADER + payload.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, payload.length);
  view.setUint32(4, crc32(payload));
  out.set(payload, HEADER);
  return out;
}

/**
 * Decodes frames until the bytes end or a frame is incomplete or fails its checksum (zeros, a
 * torn write); `complete` is false when something other than zeros follows the last one.
 * `sizes[i]` is the length of frame i in bytes.
 */
export function unframe<T>(bytes: Uint8Array): { records: T[]; sizes: number[]; complete: boolean } {
  const records: T[] = [];
  const sizes: number[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let off = 0;
  while (off + HEADER <= bytes.length) {
    const len = view.getUint32(off);
    if (len === 0) return { records, sizes, complete: view.getUint32(off + 4) === 0 };
    if (off + HEADER + len > bytes.length) return { records, sizes, complete: false };
    const payload = bytes.subarray(off + HEADER, off + HEADER + len);
    if (crc32(payload) !== view.getUint32(off + 4)) return { records, sizes, complete: false };
    records.push(decode<T>(payload));
    sizes.push(HEADER + len);
    off += HEADER + len;
  }
  return { records, sizes, complete: off === bytes.length };
}

/** Writes `value` as the file's image, in place at its start, and makes it durable. */
export function writeImage(fs: DataFs, path: string, value: unknown): void {
  fs.writeAt(path, 0, frame(value));
  fs.fsync(path);
}

export function readImage<T>(fs: DataFs, path: string): T {
  // The image is the first frame: its header says how much to read of a file mostly preallocated zeros.
  const header = fs.readAt(path, 0, HEADER);
  const length = header.length < HEADER ? 0 : new DataView(header.buffer, header.byteOffset, HEADER).getUint32(0);
  const [image] = unframe<T>(fs.readAt(path, 0, HEADER + length)).records;
  if (image === undefined) throw new Error(`${path}: no image`);
  return image;
}

/**
 * File names MySQL 8 gives schema objects: letters, digits and `_` as they are, anything else as
 * `@xxxx` (its code point in hex), so `my-db` lives in `my@002ddb`.
 */
export function fileName(name: string): string {
  let out = "";
  for (const ch of name) {
    if (/[A-Za-z0-9_]/.test(ch)) out += ch;
    else out += `@${ch.codePointAt(0)!.toString(16).padStart(4, "0")}`;
  }
  return out;
}

export const REDO_DIR = "#innodb_redo";
export const DICTIONARY = "mysql.ibd";
export const SYSTEM_TABLESPACE = "ibdata1";

export function redoFileName(no: number): string {
  return `${REDO_DIR}/#ib_redo${no}`;
}

export function join(dir: string, name: string): string {
  return dir.endsWith("/") ? dir + name : `${dir}/${name}`;
}
