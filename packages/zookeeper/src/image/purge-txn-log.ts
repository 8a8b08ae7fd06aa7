import type { ProcessContext } from "@ksim/kube";
import { FsError, type Proc } from "@ksim/sim";
import { DataDir } from "../storage/index.js";
import type { Log4j } from "./log4j.js";

/**
 * org.apache.zookeeper.server.PurgeTxnLog as 3.4.10 runs it (what zkCleanup.sh starts): checks its
 * arguments (`dataLogDir [snapDir] -n count`), then keeps the `count` newest snapshots and the
 * logs they need and removes the rest, printing each removal on stdout and logging it.
 */

const USAGE = `Usage:
PurgeTxnLog dataLogDir [snapDir] -n count
\tdataLogDir -- path to the txn log directory
\tsnapDir -- path to the snapshot directory
\tcount -- the number of old snaps/logs you want to keep, value should be greater than or equal to 3
`;

const COUNT_ERR_MSG = "count should be greater than or equal to 3";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** DateFormat.getDateTimeInstance() in the JVM's en_US locale, in the container's UTC: "Nov 27, 2026 1:28:04 PM". */
function javaDateTime(ms: number): string {
  const d = new Date(ms);
  const h = d.getUTCHours();
  const two = (n: number) => String(n).padStart(2, "0");
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()} ${h % 12 === 0 ? 12 : h % 12}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${h < 12 ? "AM" : "PM"}`;
}

/** java.io.File's path: repeated and trailing separators dropped. */
function filePath(path: string): string {
  const p = path.replace(/\/+/g, "/");
  return p.length > 1 ? p.replace(/\/$/, "") : p;
}

class Exit {
  constructor(readonly status: number) {}
}

export function* purgeTxnLog(ctx: ProcessContext, args: readonly string[], log: Log4j): Proc<number> {
  const usageThenExit = (): never => {
    ctx.stdout.write(USAGE);
    throw new Exit(1);
  };
  // validateAndGetFile: new File("") exists nowhere, and its absolute path is the working directory.
  const file = (path: string): string => {
    if (path === "" || !ctx.fs.exists(ctx.resolve(path))) {
      ctx.stderr.write(`Path '${path === "" ? ctx.cwd : filePath(path.startsWith("/") ? path : `${ctx.cwd}/${path}`)}' does not exist. \n`);
      usageThenExit();
    }
    return filePath(path);
  };
  const count = (text: string): number => {
    const n = /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(n) || n > 2 ** 31 - 1 || n < -(2 ** 31)) {
      ctx.stderr.write(`'${text}' can not be parsed to integer.\n`);
      usageThenExit();
    }
    if (n < 3) {
      ctx.stderr.write(`${COUNT_ERR_MSG}\n`);
      usageThenExit();
    }
    return n;
  };
  try {
    if (args.length < 3 || args.length > 4) usageThenExit();
    const dataDir = file(args[0]!);
    let snapDir = dataDir;
    let option: string;
    let num: number;
    if (args.length === 3) {
      option = args[1]!;
      num = count(args[2]!);
    } else {
      snapDir = file(args[1]!);
      option = args[2]!;
      num = count(args[3]!);
    }
    if (option !== "-n") usageThenExit();
    // FileTxnSnapLog: each directory's version-2, made when missing.
    const logDir = `${dataDir}/version-2`;
    const snaps = `${snapDir}/version-2`;
    for (const dir of [logDir, snaps]) {
      try {
        ctx.fs.mkdir(ctx.resolve(dir), { recursive: true });
      } catch (e) {
        if (!(e instanceof FsError)) throw e;
        ctx.stderr.write(`Exception in thread "main" java.io.IOException: Unable to create data directory ${dir}\n`);
        return 1;
      }
    }
    const store = new DataDir(ctx.fs, { snapDir: ctx.resolve(snaps), logDir: ctx.resolve(logDir) });
    const shown = (abs: string) => (abs.startsWith(ctx.resolve(logDir)) ? logDir + abs.slice(ctx.resolve(logDir).length) : snaps + abs.slice(ctx.resolve(snaps).length));
    for (const abs of store.purgeCandidates(num)) {
      const msg = `Removing file: ${javaDateTime(ctx.fs.stat(abs).mtimeMs)}\t${shown(abs)}`;
      // Line placed from ZOOKEEPER-2574's patch (in 3.4.10), which added this log call: unverified.
      log.log("INFO", "main", "PurgeTxnLog@147", msg);
      ctx.stdout.write(`${msg}\n`);
      try {
        ctx.fs.unlink(abs);
      } catch (e) {
        if (!(e instanceof FsError)) throw e;
        ctx.stderr.write(`Failed to remove ${shown(abs)}\n`);
      }
    }
    return 0;
  } catch (e) {
    if (e instanceof Exit) return e.status;
    throw e;
  }
}
