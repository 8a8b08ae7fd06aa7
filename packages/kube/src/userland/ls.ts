import { FsError, type Proc } from "@ksim/sim";
import { modeString, resolvePath, type FileStat } from "../runtime/fs.js";
import type { ProcessContext } from "../runtime/process.js";
import { diskBlocks, has, humanSize, last, lastOf, lsTime, withOptions, type Flavor, type ParsedOptions } from "./common.js";
import { acrossRows, downColumns, withCommas } from "./ls-layout.js";
import { formatDate } from "./system.js";
import { groupName, userName } from "./users.js";

/**
 * ls: one name per line (standard output is never a terminal here), `-l` with owner and group
 * names from the container's own /etc/passwd and /etc/group and times in UTC.
 */

interface Entry {
  /** What is printed. */
  readonly name: string;
  /** Absolute path. */
  readonly path: string;
  readonly st: FileStat;
}

export function ls(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    return yield* withOptions(
      ctx,
      flavor,
      {
        short: flavor === "gnu" ? "lda1AhnrtSRiFCpgoLsucxmw:" : "lda1AhnrtSRiFCpgoLucs",
        long: {
          all: "a",
          "almost-all": "A",
          directory: "d",
          "human-readable": "h",
          reverse: "r",
          recursive: "R",
          "numeric-uid-gid": "n",
          "color=": "color",
          color: "color",
          ...(flavor === "gnu" ? { size: "s", "full-time": "full-time", "time-style=": "time-style" } : {}),
        },
      },
      function* (o) {
        const style = last(o, "time-style");
        if (style !== undefined && !style.startsWith("+") && !TIME_STYLES.includes(style.replace(/^posix-/, ""))) {
          ctx.stderr.write(`ls: invalid argument '${style}' for 'time style'\nValid arguments are:\n  - [posix-]full-iso\n  - [posix-]long-iso\n  - [posix-]iso\n  - [posix-]locale\n  - +FORMAT (e.g., +%H:%M) for a 'date'-style format\nTry 'ls --help' for more information.\n`);
          return 2;
        }
        return listing(ctx, flavor, o);
      },
      2,
    );
  };
}

const TIME_STYLES = ["full-iso", "long-iso", "iso", "locale"];

/** Whether entries are listed long: -l, or an option that implies it (-n, -g, -o, --full-time). */
function isLong(o: ParsedOptions): boolean {
  return has(o, "l") || has(o, "n") || has(o, "g") || has(o, "o") || has(o, "full-time");
}

/**
 * A long listing's time column: ls's default (month, day, and the time if within six months,
 * else the year), or --time-style's (--full-time is full-iso), read as GNU ls reads them.
 */
function timeColumn(o: ParsedOptions, ms: number, nowMs: number): string {
  const chosen = lastOf(o, ["full-time", "time-style"]);
  const style = chosen === "full-time" ? "full-iso" : chosen === "time-style" ? last(o, "time-style")!.replace(/^posix-/, "") : "locale";
  const recent = !(nowMs - ms > (365.2425 / 2) * 24 * 3600 * 1000 || ms - nowMs > 3600 * 1000);
  if (style === "full-iso") return formatDate(ms, "%Y-%m-%d %H:%M:%S.%N %z");
  if (style === "long-iso") return formatDate(ms, "%Y-%m-%d %H:%M");
  if (style === "iso") return formatDate(ms, recent ? "%m-%d %H:%M" : "%Y-%m-%d ");
  if (style.startsWith("+")) {
    // +OLD\nRECENT: the second format for recent files.
    const [old, fresh] = style.slice(1).split("\n");
    return formatDate(ms, fresh !== undefined && recent ? fresh : old!);
  }
  return lsTime(ms, nowMs);
}

function listing(ctx: ProcessContext, flavor: Flavor, o: ParsedOptions): number {
  const long = isLong(o);
  let status = 0;
  const operands = o.operands.length === 0 ? ["."] : o.operands;
  const files: Entry[] = [];
  const dirs: Entry[] = [];
  for (const name of operands) {
    const path = ctx.resolve(name);
    let st: FileStat;
    try {
      // A trailing slash makes the kernel resolve a link (lstat("/dev/fd/") is the directory's).
      st = name.endsWith("/") ? ctx.fs.stat(path) : ctx.fs.lstat(path);
      if (st.type === "symlink" && (!long || has(o, "L"))) {
        try {
          st = ctx.fs.stat(path);
        } catch {
          // A dangling link is listed as the link itself.
        }
      }
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
      ctx.stderr.write(flavor === "busybox" ? `ls: ${name}: ${e.description}\n` : `ls: cannot access '${name}': ${e.description}\n`);
      status = flavor === "busybox" ? 1 : 2;
      continue;
    }
    if (st.type === "dir" && !has(o, "d")) dirs.push({ name, path, st });
    else files.push({ name, path, st });
  }
  const out: string[] = [];
  if (files.length > 0) out.push(...format(ctx, flavor, o, sort(o, files)));
  const headers = operands.length > 1 || has(o, "R");
  const queue = sort(o, dirs);
  let first = files.length === 0;
  while (queue.length > 0) {
    const d = queue.shift()!;
    let names: string[];
    try {
      names = ctx.fs.readdir(d.path);
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
      ctx.stderr.write(`ls: cannot open directory '${d.name}': ${e.description}\n`);
      status = 2;
      continue;
    }
    const entries: Entry[] = [];
    if (has(o, "a")) {
      entries.push({ name: ".", path: d.path, st: d.st });
      const parent = resolvePath(d.path, "..");
      entries.push({ name: "..", path: parent, st: ctx.fs.stat(parent) });
    }
    for (const n of names) {
      if (n.startsWith(".") && !has(o, "a") && !has(o, "A")) continue;
      const path = d.path === "/" ? `/${n}` : `${d.path}/${n}`;
      try {
        entries.push({ name: n, path, st: ctx.fs.lstat(path) });
      } catch (e) {
        if (!(e instanceof FsError)) throw e;
      }
    }
    const sorted = sort(o, entries);
    if (!first) out.push("");
    first = false;
    if (headers) out.push(`${d.name}:`);
    if (long || has(o, "s")) {
      const total = sorted.reduce((t, e) => t + diskBlocks(e.st), 0);
      out.push(`total ${has(o, "h") && flavor === "gnu" ? humanSize(total * 1024) : total}`);
    }
    out.push(...format(ctx, flavor, o, sorted));
    if (has(o, "R")) {
      const subdirs = sorted.filter((e) => e.st.type === "dir" && e.name !== "." && e.name !== "..");
      queue.unshift(...subdirs.map((e) => ({ ...e, name: `${d.name === "/" ? "" : d.name}/${e.name}` })));
    }
  }
  if (out.length > 0) ctx.stdout.write(out.join("\n") + "\n");
  return status;
}

/** The time -l shows and -t sorts by: the last access with -u, the last change with -c, else the modification. */
function timeOf(o: ParsedOptions, st: FileStat): number {
  const chosen = lastOf(o, ["u", "c"]);
  return chosen === "u" ? st.atimeMs : chosen === "c" ? st.ctimeMs : st.mtimeMs;
}

function sort(o: ParsedOptions, entries: Entry[]): Entry[] {
  const byName = (a: Entry, b: Entry) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  let sorted = [...entries];
  // -u or -c without -l sorts by that time, as -t would.
  if (has(o, "t") || (!isLong(o) && (has(o, "u") || has(o, "c")))) sorted.sort((a, b) => timeOf(o, b.st) - timeOf(o, a.st) || byName(a, b));
  else if (has(o, "S")) sorted.sort((a, b) => b.st.size - a.st.size || byName(a, b));
  else sorted.sort(byName);
  if (has(o, "r")) sorted = sorted.reverse();
  return sorted;
}

/**
 * With -i each line starts with the inode number (GNU right-aligns it to the widest, busybox to
 * seven places), then with -s the blocks the entry holds (1 KiB units, or GNU's -h), right-aligned
 * (busybox: six places).
 */
function format(ctx: ProcessContext, flavor: Flavor, o: ParsedOptions, entries: readonly Entry[]): string[] {
  let lines = formatEntries(ctx, flavor, o, entries);
  const column = (values: readonly string[], width = Math.max(0, ...values.map((v) => v.length))) => {
    lines = lines.map((l, i) => `${values[i]!.padStart(width)} ${l}`);
  };
  if (has(o, "s")) {
    // busybox counts 1 KiB blocks six places wide, -h or not.
    if (flavor === "busybox") column(entries.map((e) => String(diskBlocks(e.st))), 6);
    else column(entries.map((e) => (has(o, "h") ? humanSize(diskBlocks(e.st) * 1024) : String(diskBlocks(e.st)))));
  }
  if (has(o, "i")) column(entries.map((e) => String(e.st.ino)), flavor === "busybox" ? 7 : undefined);
  if (isLong(o) || flavor !== "gnu") return lines;
  // One name a line unless asked for columns or commas, or writing to a terminal (-1 says one a line).
  const layout = lastOf(o, ["1", "C", "x", "m"]) ?? (ctx.tty ? "C" : "1");
  const width = lineLength(ctx, o);
  if (layout === "C") return downColumns(lines, width);
  if (layout === "x") return acrossRows(lines, width);
  if (layout === "m") return withCommas(lines, width);
  return lines;
}

/** -w, else $COLUMNS, else the terminal's (80 here, as nothing sets another). */
function lineLength(ctx: ProcessContext, o: ParsedOptions): number {
  const given = last(o, "w") ?? ctx.environ.get("COLUMNS");
  const n = given === undefined ? NaN : Number(given);
  return Number.isInteger(n) && n > 0 ? n : 80;
}

function formatEntries(ctx: ProcessContext, flavor: Flavor, o: ParsedOptions, entries: readonly Entry[]): string[] {
  const long = isLong(o);
  // -F: / for a directory, * for an executable, @ for a link (not in a long listing, which shows
  // the target); -p: / alone. (Nothing here makes FIFOs or sockets, GNU's | and =.)
  const suffix = (e: Entry) => {
    if (!has(o, "F")) return has(o, "p") && e.st.type === "dir" ? "/" : "";
    if (e.st.type === "dir") return "/";
    if (e.st.type === "symlink") return long ? "" : "@";
    return e.st.type === "file" && (e.st.mode & 0o111) !== 0 ? "*" : "";
  };
  if (!long) return entries.map((e) => e.name + suffix(e));
  const numeric = has(o, "n");
  const rows = entries.map((e) => {
    const owner = numeric ? String(e.st.uid) : (userName(ctx.fs, e.st.uid) ?? String(e.st.uid));
    const group = numeric ? String(e.st.gid) : (groupName(ctx.fs, e.st.gid) ?? String(e.st.gid));
    const size = has(o, "h") ? humanSize(e.st.size) : String(e.st.size);
    let name = e.name + suffix(e);
    if (e.st.type === "symlink") {
      try {
        name += ` -> ${ctx.fs.readlink(e.path)}`;
      } catch {
        // Not readable as a link after all: show the name alone.
      }
    }
    const rdev = e.st.rdev === undefined ? undefined : { major: String(e.st.rdev.major), minor: String(e.st.rdev.minor) };
    return { mode: modeString(e.st), nlink: String(e.st.nlink), owner, group, size, rdev, time: timeColumn(o, timeOf(o, e.st), ctx.epochMs()), name };
  });
  if (flavor === "busybox") {
    // A device shows its numbers where the size goes: "%4u, %3u".
    const size = (r: (typeof rows)[number]) => (r.rdev === undefined ? r.size.padStart(9) : `${r.rdev.major.padStart(4)}, ${r.rdev.minor.padStart(3)}`);
    return rows.map((r) => `${r.mode} ${r.nlink.padStart(4)} ${r.owner.padEnd(8)} ${r.group.padEnd(8)} ${size(r)} ${r.time} ${r.name}`);
  }
  const w = (k: "nlink" | "owner" | "group" | "size") => Math.max(...rows.map((r) => r[k].length));
  const wl = w("nlink");
  const wo = w("owner");
  const wg = w("group");
  // GNU ls widens the size column to hold "major, minor" and aligns both numbers across devices.
  const devices = rows.flatMap((r) => (r.rdev === undefined ? [] : [r.rdev]));
  const wMajor = Math.max(0, ...devices.map((d) => d.major.length));
  const wMinor = Math.max(0, ...devices.map((d) => d.minor.length));
  const ws = Math.max(...rows.filter((r) => r.rdev === undefined).map((r) => r.size.length), devices.length > 0 ? wMajor + 2 + wMinor : 0);
  return rows.map((r) => {
    const cols = [r.mode, r.nlink.padStart(wl)];
    if (!has(o, "g")) cols.push(r.owner.padEnd(wo));
    if (!has(o, "o")) cols.push(r.group.padEnd(wg));
    const size = r.rdev === undefined ? r.size.padStart(ws) : `${r.rdev.major.padStart(ws - 2 - wMinor)}, ${r.rdev.minor.padStart(wMinor)}`;
    cols.push(size, r.time, r.name);
    return cols.join(" ");
  });
}
