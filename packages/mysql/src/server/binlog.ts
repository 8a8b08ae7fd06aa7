import { writeWhatFits } from "@ksim/kube";
import type { Trx } from "../innodb/engine.js";
import { type DataFs, frame, join, unframe, ZEROS } from "../innodb/files.js";
import { valueBytes } from "../innodb/space.js";
import type { SqlValue } from "../sql/values.js";

/**
 * The binary log's files, as far as restarts and disk space show them: every server start opens
 * the next `binlog.NNNNNN` (listed in binlog.index) and marks it in use until a clean shutdown;
 * a file still marked in use at startup means the server stopped without shutting down, which is
 * when MySQL runs XA crash recovery. Each commit appends its transaction's events, of the size
 * row-based logging gives them; nothing reads them back, so their bytes are zeros.
 */

const MAGIC = new Uint8Array([0xfe, 0x62, 0x69, 0x6e]);
/** An empty binary log: the magic number, a Format_description_event and a Previous_gtids_log_event. */
const EMPTY_BYTES = 157;
/** The Stop_log_event a clean shutdown appends. */
const STOP_EVENT_BYTES = 23;
/** Anonymous_Gtid, the Query event of BEGIN, and the Xid event that ends a transaction. */
const TRANSACTION_EVENTS_BYTES = 79 + 80 + 31;
/** Event header and checksum around a Table_map or rows event. */
const EVENT_OVERHEAD = 19 + 4;

function header(inUse: boolean): Uint8Array {
  const out = new Uint8Array(EMPTY_BYTES);
  out.set(MAGIC);
  out.set(frame({ inUse }), MAGIC.length);
  return out;
}

export interface Binlog {
  /** The previous server did not shut down cleanly. */
  readonly crashed: boolean;
  readonly file: string;
  /** Appends up to `bytes` of events; returns how many fitted on the disk. */
  append(bytes: number): number;
  /** sync_binlog=1: the log is fsynced at each commit. */
  sync(): void;
  close(): void;
}

export function openBinlog(fs: DataFs, datadir: string): Binlog {
  const indexPath = join(datadir, "binlog.index");
  const names = fs.exists(indexPath)
    ? new TextDecoder().decode(fs.readFile(indexPath)).split("\n").filter((l) => l !== "").map((l) => l.replace(/^\.\//, ""))
    : [];
  const last = names[names.length - 1];
  let crashed = false;
  if (last !== undefined && fs.exists(join(datadir, last))) {
    const [flags] = unframe<{ inUse: boolean }>(fs.readFile(join(datadir, last)).subarray(MAGIC.length)).records;
    crashed = flags?.inUse ?? false;
  }
  const next = last === undefined ? 1 : Number(last.slice(last.lastIndexOf(".") + 1)) + 1;
  const file = `binlog.${String(next).padStart(6, "0")}`;
  const path = join(datadir, file);
  fs.writeFile(path, header(true));
  fs.fsync(path);
  fs.appendFile(indexPath, `./${file}\n`);
  fs.fsync(indexPath);
  const append = (bytes: number): number => {
    let written = 0;
    while (written < bytes) {
      const n = Math.min(ZEROS.length, bytes - written);
      const landed = writeWhatFits(fs, path, ZEROS.subarray(0, n)).bytes;
      written += landed;
      if (landed < n) break;
    }
    return written;
  };
  return {
    crashed,
    file,
    append,
    sync: () => fs.fsync(path),
    close() {
      append(STOP_EVENT_BYTES);
      // The in-use flag lives in the Format_description_event: cleared in place.
      fs.writeAt(path, 0, header(false));
      fs.fsync(path);
    },
  };
}

/** A row image as row-based logging writes it: a null bitmap and the values. */
function rowImageBytes(types: readonly Parameters<typeof valueBytes>[0][], values: readonly SqlValue[]): number {
  let n = Math.ceil(values.length / 8);
  for (let i = 0; i < values.length; i++) n += valueBytes(types[i]!, values[i] ?? null);
  return n;
}

/** The bytes of a committed transaction's events: GTID, BEGIN, per table a Table_map and its rows events, Xid. */
export function transactionEventsBytes(trx: Trx): number {
  let bytes = TRANSACTION_EVENTS_BYTES;
  const tables = new Set<string>();
  for (const { table, before, after } of trx.undo) {
    const def = table.def;
    const types = def.columns.map((c) => c.type.name);
    const id = `${def.db}.${def.name}`;
    if (!tables.has(id)) {
      tables.add(id);
      bytes += 2 * EVENT_OVERHEAD + 8 + def.db.length + def.name.length + 2 * types.length + 10;
    }
    if (before !== null) bytes += rowImageBytes(types, before);
    if (after !== null) bytes += rowImageBytes(types, after);
  }
  return bytes;
}
