import { Packr, Unpackr } from "msgpackr";

/**
 * The files the engine keeps in the data directory, and how their bytes are laid out. Whole-file
 * images (tablespaces, the dictionary) are one msgpack value; the redo log is a sequence of
 * frames, each a 4-byte length and a msgpack record, so a torn tail (a crash in the middle of
 * an append) is recognised and ignored.
 */

/** The subset of a filesystem the engine uses; both a container's FileSystem and a Volume have it. */
export interface DataFs {
  exists(path: string): boolean;
  readFile(path: string): Uint8Array;
  writeFile(path: string, data: Uint8Array | string): void;
  appendFile(path: string, data: Uint8Array | string): void;
  fsync(path: string): void;
  mkdir(path: string, options?: { recursive?: boolean }): void;
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

export function frame(value: unknown): Uint8Array {
  const payload = encode(value);
  const out = new Uint8Array(4 + payload.length);
  new DataView(out.buffer).setUint32(0, payload.length);
  out.set(payload, 4);
  return out;
}

/**
 * Decodes frames until the bytes end or a frame is incomplete; `complete` is false for a torn
 * tail. `sizes[i]` is the length of frame i in bytes.
 */
export function unframe<T>(bytes: Uint8Array): { records: T[]; sizes: number[]; complete: boolean } {
  const records: T[] = [];
  const sizes: number[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let off = 0;
  while (off < bytes.length) {
    if (off + 4 > bytes.length) return { records, sizes, complete: false };
    const len = view.getUint32(off);
    if (off + 4 + len > bytes.length) return { records, sizes, complete: false };
    try {
      records.push(decode<T>(bytes.subarray(off + 4, off + 4 + len)));
    } catch {
      return { records, sizes, complete: false };
    }
    sizes.push(4 + len);
    off += 4 + len;
  }
  return { records, sizes, complete: true };
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
