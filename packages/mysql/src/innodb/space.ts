import { writeWhatFits } from "@ksim/kube";
import { FsError } from "@ksim/sim";
import type { ColumnTypeName } from "../sql/ast.js";
import type { SqlValue } from "../sql/values.js";
import { type DataFs, ZEROS } from "./files.js";
import type { TableDef } from "./table.js";

/**
 * How much room a table's rows take in its tablespace, and how InnoDB grows a file-per-table
 * `.ibd` when they need more (fsp0fsp.cc, fil0fil.cc): a new file has 7 pages; below one extent
 * it grows a page at a time, then by one extent (1 MiB) and, from 32 MiB, by four. A growth the
 * disk cannot hold fails the statement with ER_RECORD_FILE_FULL; mysqld carries on.
 *
 * Row sizes follow the DYNAMIC record format closely enough to fill a disk at the right moment
 * (header, transaction id and roll pointer, lengths and values; long columns moved to pages of
 * their own when a row exceeds half a page; pages filled to 15/16), not byte for byte.
 */

export const PAGE_SIZE = 16384;
/** FIL_IBD_FILE_INITIAL_SIZE. */
export const IBD_INITIAL_BYTES = 7 * PAGE_SIZE;
const EXTENT_PAGES = 64;
/** fsp_get_pages_to_extend_ibd: from this size on, FSP_FREE_ADD extents at a time. */
const LARGE_FILE_PAGES = 32 * EXTENT_PAGES;
const FSP_FREE_ADD = 4;
/** FSP_HDR, IBUF_BITMAP, INODE and SDI pages. */
const HEADER_PAGES = 4;
/** What a leaf page holds of records: 16 KiB less its header and trailer, filled to 15/16. */
const PAGE_PAYLOAD = Math.floor(((PAGE_SIZE - 120 - 8) * 15) / 16);
/** A record longer than this moves its longest variable-length columns off-page. */
const MAX_IN_PAGE_RECORD = 8126;
/** What stays in the record for a column stored off-page: the 20-byte external reference. */
const EXTERN_REF = 20;
/** Payload of one BLOB page (FIL header and trailer and the BLOB header removed). */
const BLOB_PAGE_PAYLOAD = PAGE_SIZE - 38 - 8 - 8;
/** Record header, DB_TRX_ID and DB_ROLL_PTR. */
const RECORD_OVERHEAD = 5 + 6 + 7;

const FIXED: Partial<Record<ColumnTypeName, number>> = {
  TINYINT: 1,
  SMALLINT: 2,
  MEDIUMINT: 3,
  INT: 4,
  BIGINT: 8,
  FLOAT: 4,
  DOUBLE: 8,
  DATE: 3,
  DATETIME: 5,
  TIMESTAMP: 4,
};

/** The bytes a value takes in a record (and in a row image of the binary log). */
export function valueBytes(type: ColumnTypeName, value: SqlValue): number {
  if (value === null) return 0;
  const fixed = FIXED[type];
  if (fixed !== undefined) return fixed;
  if (type === "DECIMAL") return 8;
  return Buffer.byteLength(String(value), "utf8");
}

/** What one row costs: bytes in index pages and pages of its own (off-page columns). */
export interface Footprint {
  readonly inPage: number;
  readonly blobPages: number;
}

export const NO_FOOTPRINT: Footprint = { inPage: 0, blobPages: 0 };

export function rowFootprint(def: TableDef, values: readonly SqlValue[] | null, hasPrimaryKey: boolean): Footprint {
  if (values === null) return NO_FOOTPRINT;
  const columns = def.columns;
  let record = RECORD_OVERHEAD + (hasPrimaryKey ? 0 : 6) + Math.ceil(columns.length / 8);
  const variable: number[] = [];
  for (let i = 0; i < columns.length; i++) {
    const type = columns[i]!.type.name;
    const bytes = valueBytes(type, values[i] ?? null);
    if (FIXED[type] === undefined && type !== "DECIMAL") {
      record += bytes + (bytes > 127 ? 2 : 1);
      variable.push(bytes);
    } else record += bytes;
  }
  let blobPages = 0;
  if (record > MAX_IN_PAGE_RECORD) {
    variable.sort((a, b) => b - a);
    for (const bytes of variable) {
      if (record <= MAX_IN_PAGE_RECORD || bytes <= 40) break;
      record -= bytes - EXTERN_REF;
      blobPages += Math.ceil(bytes / BLOB_PAGE_PAYLOAD);
    }
  }
  // Each secondary index has an entry per row: its key columns and the primary key.
  let secondary = 0;
  for (const index of def.indexes) {
    if (index.kind === "primary") continue;
    secondary += 6;
    for (const part of index.parts) {
      const i = columns.findIndex((c) => c.name.toLowerCase() === part.column.toLowerCase());
      if (i >= 0) secondary += Math.min(valueBytes(columns[i]!.type.name, values[i] ?? null), (part.length ?? 767) * 4);
    }
  }
  return { inPage: record + secondary, blobPages };
}

/** Pages a table with these totals needs: headers, one root per index, leaves, BLOB pages. */
export function pagesNeeded(def: TableDef, inPage: number, blobPages: number): number {
  const indexes = Math.max(1, def.indexes.filter((i) => i.kind !== "fulltext").length);
  return HEADER_PAGES + (indexes - 1) + Math.max(1, Math.ceil(inPage / PAGE_PAYLOAD)) + blobPages;
}

/** The size, in pages, a file of `pages` pages has after one extension. */
export function nextExtension(pages: number): number {
  if (pages < EXTENT_PAGES) return pages + 1;
  return pages + (pages < LARGE_FILE_PAGES ? EXTENT_PAGES : FSP_FREE_ADD * EXTENT_PAGES);
}

export type ErrorLogLine = (level: "ERROR" | "Warning", code: number, subsystem: "InnoDB" | "Server", message: string) => void;

/** Zeros are written a mebibyte at a time (fil_write_zeros, os_file_set_size). */
const ZERO_CHUNK = ZEROS.subarray(0, 1 << 20);

/**
 * How InnoDB gives a file more space, and what it logs when the disk refuses. Writes that did
 * fit stay, and the file is as long as they made it. Where InnoDB writes zeros over space that
 * posix_fallocate could have taken in one go, ksim takes it in one go: the file ends the same.
 */
export class FileSpace {
  /** os_has_said_disk_full: the write error and its errno text are logged once until a tablespace grows again. */
  private saidDiskFull = false;

  constructor(
    private readonly fs: DataFs,
    private readonly log: () => ErrorLogLine,
  ) {}

  /**
   * Fil_shard::space_extend on Linux with innodb_extend_and_initialize=ON: posix_fallocate, then
   * zeros written over the new range. Returns whether the file reached `to` bytes.
   */
  extend(path: string, name: string, from: number, to: number): boolean {
    const grown = this.extendOnce(path, name, from, to);
    this.saidDiskFull = !grown;
    return grown;
  }

  private extendOnce(path: string, name: string, from: number, to: number): boolean {
    if (this.allocate(path, to)) return true;
    this.log()(
      "ERROR",
      12144,
      "InnoDB",
      `posix_fallocate(): Failed to preallocate data for file ${name}, desired size ${to - from} bytes. Operating system error number 28. Check that the disk is not full or a disk quota exceeded. Make sure the file system supports this function. Refer to your operating system documentation for operating system error code information.`,
    );
    if (this.writeZeros(path, name, from, to)) return true;
    this.log()("Warning", 12145, "InnoDB", `Error while writing ${to - from} zeroes to ${name} starting at offset ${from}`);
    return false;
  }

  /** os_file_set_size: zeros from `from` to `to`, as a new system or temporary tablespace gets them. */
  setSize(path: string, name: string, from: number, to: number): boolean {
    return this.allocate(path, to) || this.writeZeros(path, name, from, to);
  }

  /**
   * fil_write_initial_pages: a new tablespace's first pages, by posix_fallocate or else by
   * writing zeros. posix_fallocate returns its error without setting errno, so InnoDB's warning
   * prints whatever errno held before; ksim assumes nothing had failed ("Success").
   */
  createFile(path: string, name: string, bytes: number): boolean {
    if (this.allocate(path, bytes)) return true;
    this.log()(
      "Warning",
      12128,
      "InnoDB",
      `posix_fallocate(): Failed to preallocate data for file ${name}, desired size ${bytes} Operating system error number 28 - Success. Check that the disk is not full or a disk quota exceeded. Make sure the file system supports this function. Refer to your operating system documentation for operating system error code information.`,
    );
    return this.writeZeros(path, name, 0, bytes);
  }

  private allocate(path: string, to: number): boolean {
    try {
      this.fs.fallocate(path, to);
    } catch (e) {
      if (!(e instanceof FsError) || e.code !== "ENOSPC") throw e;
      return false;
    }
    this.fs.fsync(path);
    return true;
  }

  /** os_file_write_page for each chunk, with os_file_io's retry of a short write. */
  private writeZeros(path: string, name: string, from: number, to: number): boolean {
    const log = this.log();
    for (let offset = from; offset < to; offset += ZERO_CHUNK.length) {
      const n = Math.min(ZERO_CHUNK.length, to - offset);
      const written = writeWhatFits(this.fs, path, ZERO_CHUNK.subarray(0, n), offset).bytes;
      if (written === n) continue;
      if (written > 0) log("Warning", 12637, "InnoDB", `${n} bytes should have been written. Only ${written} bytes written. Retrying for the remaining bytes.`);
      log("Warning", 12638, "InnoDB", "Retry attempts for writing partial data failed.");
      if (!this.saidDiskFull) {
        log(
          "ERROR",
          12639,
          "InnoDB",
          `Write to file ${name} failed at offset ${offset}, ${n} bytes should have been written, only ${written} were written. Operating system error number 28. Check that your OS and file system support files of this size. Check also that the disk is not full or a disk quota exceeded.`,
        );
        log("ERROR", 12640, "InnoDB", "Error number 28 means 'No space left on device'");
      }
      this.fs.fsync(path);
      this.saidDiskFull = true;
      return false;
    }
    return true;
  }
}
