import { type DataFs, decode, encode, join } from "../innodb/files.js";

/**
 * The binary log's files, as far as restarts show them: every server start opens the next
 * `binlog.NNNNNN` (listed in binlog.index) and marks it in use until a clean shutdown. A file
 * still marked in use at startup means the server stopped without shutting down, which is when
 * MySQL runs XA crash recovery. Statements are not written to it: nothing reads them back.
 */

const MAGIC = new Uint8Array([0xfe, 0x62, 0x69, 0x6e]);

function header(inUse: boolean): Uint8Array {
  const body = encode({ inUse });
  const out = new Uint8Array(MAGIC.length + body.length);
  out.set(MAGIC);
  out.set(body, MAGIC.length);
  return out;
}

export interface Binlog {
  /** The previous server did not shut down cleanly. */
  readonly crashed: boolean;
  readonly file: string;
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
    const bytes = fs.readFile(join(datadir, last));
    crashed = bytes.length > MAGIC.length && decode<{ inUse: boolean }>(bytes.subarray(MAGIC.length)).inUse;
  }
  const next = last === undefined ? 1 : Number(last.slice(last.lastIndexOf(".") + 1)) + 1;
  const file = `binlog.${String(next).padStart(6, "0")}`;
  const path = join(datadir, file);
  fs.writeFile(path, header(true));
  fs.fsync(path);
  fs.appendFile(indexPath, `./${file}\n`);
  fs.fsync(indexPath);
  return {
    crashed,
    file,
    close() {
      fs.writeFile(path, header(false));
      fs.fsync(path);
    },
  };
}
