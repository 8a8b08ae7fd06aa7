import { concatBytes, FsError } from "@ksim/sim";
import type { Txn } from "../core/index.js";
import { adler32, decode, encode, readU32, writeU32 } from "./codec.js";
import { fileName, listByZxid, type Dir } from "./dir.js";

/** FileTxnLog's file header: magic "ZKLG", version 2, dbid 0. */
const HEADER = new Uint8Array([0x5a, 0x4b, 0x4c, 0x47, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0]);

/** A record: length, Adler-32 of the payload, then the msgpack'd txn. */
function record(txn: Txn): Uint8Array {
  const payload = encode(txn);
  const out = new Uint8Array(8 + payload.length);
  writeU32(out, 0, payload.length);
  writeU32(out, 4, adler32(payload));
  out.set(payload, 8);
  return out;
}

export interface LogScan {
  readonly txns: Txn[];
  /** Where each record ends. */
  readonly ends: number[];
  /** Bytes of the file that hold whole, valid records (including the header). */
  readonly validBytes: number;
  readonly totalBytes: number;
}

/** Reads every whole record; stops at the first torn or corrupt one. */
export function scanLog(bytes: Uint8Array): LogScan {
  const txns: Txn[] = [];
  const ends: number[] = [];
  if (bytes.length < HEADER.length) return { txns, ends, validBytes: 0, totalBytes: bytes.length };
  let off = HEADER.length;
  while (off + 8 <= bytes.length) {
    const len = readU32(bytes, off);
    const sum = readU32(bytes, off + 4);
    if (off + 8 + len > bytes.length) break;
    const payload = bytes.subarray(off + 8, off + 8 + len);
    if (adler32(payload) !== sum) break;
    txns.push(decode(payload) as Txn);
    off += 8 + len;
    ends.push(off);
  }
  return { txns, ends, validBytes: off, totalBytes: bytes.length };
}

/**
 * The txn log directory (FileTxnLog): appends go to the current file, which is named after the
 * first zxid written to it; `roll` makes the next append start a new one. Durability is the
 * caller's: `sync` fsyncs every file written since the last sync.
 */
/**
 * zookeeper.preAllocSize's default (64 MiB): a log file grows by this much at a time, as a hole
 * (Util.padLogFile writes one byte at the new end), so `ls -l` shows 67108880 bytes long before
 * the records fill them.
 */
const PREALLOC_BYTES = 64 * 1024 * 1024;

export class TxnLog {
  private current: string | undefined;
  /** Where the next record goes in the current file, and the size padding gave it. */
  private position = 0;
  private paddedSize = 0;
  private readonly dirty = new Set<string>();
  private lastAppended = -1;

  constructor(
    private readonly fs: Dir,
    readonly dir: string,
    private readonly onNewFile: (path: string) => void,
  ) {}

  append(txns: readonly Txn[]): void {
    if (txns.length === 0) return;
    if (this.current === undefined) {
      this.fs.mkdir(this.dir, { recursive: true });
      this.current = `${this.dir}/${fileName("log", txns[0]!.zxid)}`;
      this.onNewFile(this.current);
      this.fs.writeFile(this.current, HEADER);
      this.position = this.paddedSize = HEADER.length;
    }
    // Util.padLogFile: within 4 KiB of the padded end, pad by another preAllocSize.
    if (this.position + 4096 >= this.paddedSize) {
      this.paddedSize += PREALLOC_BYTES;
      this.fs.truncate(this.current, this.paddedSize);
    }
    const bytes = txns.length === 1 ? record(txns[0]!) : concatBytes(txns.map(record));
    this.fs.writeAt(this.current, this.position, bytes);
    this.position += bytes.length;
    this.dirty.add(this.current);
    this.lastAppended = txns[txns.length - 1]!.zxid;
  }

  roll(): void {
    this.current = undefined;
  }

  /** Makes everything appended durable; returns the last zxid appended (-1 if none yet). */
  sync(): number {
    for (const f of this.dirty) {
      try {
        this.fs.fsync(f);
      } catch (e) {
        // Someone deleted the file under the server, which still has it open: fsync works.
        if (!(e instanceof FsError)) throw e;
      }
    }
    this.dirty.clear();
    return this.lastAppended;
  }

  get lastZxid(): number {
    return this.lastAppended;
  }

  /** Log files that can hold txns after `zxid`: the last one starting at or before it, and all later. */
  filesAfter(zxid: number): string[] {
    const files = listByZxid(this.fs, this.dir, "log");
    let first = 0;
    for (let i = 0; i < files.length; i++) if (files[i]!.zxid <= zxid) first = i;
    return files.slice(first).map((f) => `${this.dir}/${f.name}`);
  }

  /** Rewrites `path` to its first `bytes` bytes, durably. */
  cut(path: string, bytes: number): void {
    if (bytes < HEADER.length) {
      this.fs.unlink(path);
      if (this.current === path) this.current = undefined;
    } else {
      this.fs.truncate(path, bytes);
      this.fs.fsync(path);
    }
    this.dirty.delete(path);
  }

  /** FileTxnLog.truncate: drops every txn after `zxid`; the next append starts a new file. */
  truncate(zxid: number): void {
    for (const f of listByZxid(this.fs, this.dir, "log")) {
      const path = `${this.dir}/${f.name}`;
      if (f.zxid > zxid) {
        this.fs.unlink(path);
        this.dirty.delete(path);
        continue;
      }
      const bytes = this.fs.readData(path);
      const scan = scanLog(bytes);
      let keep = HEADER.length;
      for (let i = 0; i < scan.txns.length && scan.txns[i]!.zxid <= zxid; i++) keep = scan.ends[i]!;
      if (keep < bytes.length) this.cut(path, keep);
    }
    this.current = undefined;
    if (this.lastAppended > zxid) this.lastAppended = zxid;
  }
}
