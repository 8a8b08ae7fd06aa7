import { FsError, type Proc } from "@ksim/sim";
import { basename, dirname, modeString, type FileStat, type MountEntry } from "../runtime/fs.js";
import type { ProcessContext } from "../runtime/process.js";
import { echoEscapes } from "../shell/text-format.js";
import { canonicalize, diskBlocks, has, last, mountOf, usageFailure, withOptions, type Flavor } from "./common.js";
import { formatDate } from "./system.js";
import { groupName, userName } from "./users.js";

/**
 * stat: a file's inode (or with -f its filesystem's statfs) through a format of %-directives,
 * as coreutils 9.1 prints it (decomposed device numbers, Birth from statx) or busybox 1.28 does
 * (the older hex/decimal device, no Birth, times without a zone and an empty line after).
 */

const GNU_FILE_FORMAT =
  "  File: %N\n  Size: %-10s\tBlocks: %-10b IO Block: %-6o %F\nDevice: %Hd,%Ld\tInode: %-10i  Links: %h\n" +
  "Access: (%04a/%10.10A)  Uid: (%5u/%8U)   Gid: (%5g/%8G)\nAccess: %x\nModify: %y\nChange: %z\n Birth: %w\n";
const GNU_DEVICE_LINE = "Device: %Hd,%Ld\tInode: %-10i  Links: %-5h Device type: %Hr,%Lr\n";
const BUSYBOX_FILE_FORMAT =
  "  File: %N\n  Size: %-10s\tBlocks: %-10b IO Block: %-6o %F\nDevice: %Dh/%dd\tInode: %-10i  Links: %h\n" +
  "Access: (%04a/%10.10A)  Uid: (%5u/%8U)   Gid: (%5g/%8G)\nAccess: %x\nModify: %y\nChange: %z\n\n";
const BUSYBOX_DEVICE_LINE = "Device: %Dh/%dd\tInode: %-10i  Links: %-5h Device type: %t,%T\n";
const GNU_TERSE = "%n %s %b %f %u %g %D %i %h %t %T %X %Y %Z %W %o\n";
const BUSYBOX_TERSE = "%n %s %b %f %u %g %D %i %h %t %T %X %Y %Z %o\n";
const GNU_FS_FORMAT =
  '  File: "%n"\n    ID: %-8i Namelen: %-7l Type: %T\nBlock size: %-10s Fundamental block size: %S\n' +
  "Blocks: Total: %-10b Free: %-10f Available: %a\nInodes: Total: %-10c Free: %d\n";
const BUSYBOX_FS_FORMAT =
  '  File: "%n"\n    ID: %-8i Namelen: %-7l Type: %T\nBlock size: %-10s\nBlocks: Total: %-10b Free: %-10f Available: %a\nInodes: Total: %-10c Free: %d\n\n';
const GNU_FS_TERSE = "%n %i %l %t %s %S %b %f %a %c %d\n";
const BUSYBOX_FS_TERSE = "%n %i %l %t %s %b %f %a %c %d\n\n";

/** statfs's f_type and the names coreutils (and busybox, which lacks some) give them. */
const FS_TYPES: Readonly<Record<string, { readonly magic: number; readonly gnu: string; readonly busybox?: string }>> = {
  ext4: { magic: 0xef53, gnu: "ext2/ext3", busybox: "ext2/ext3" },
  tmpfs: { magic: 0x01021994, gnu: "tmpfs", busybox: "tmpfs" },
  overlay: { magic: 0x794c7630, gnu: "overlayfs" },
  proc: { magic: 0x9fa0, gnu: "proc", busybox: "proc" },
  sysfs: { magic: 0x62656572, gnu: "sysfs", busybox: "sysfs" },
  devpts: { magic: 0x1cd1, gnu: "devpts", busybox: "devpts" },
  mqueue: { magic: 0x19800202, gnu: "mqueue" },
  cgroup2: { magic: 0x63677270, gnu: "cgroup2fs" },
};

/** What a directive reads: the file, its name and the mount it is on. */
interface Subject {
  readonly name: string;
  readonly st: FileStat;
  readonly mount: MountEntry | undefined;
  /** A symlink's target, for %N. */
  readonly target: string | undefined;
}

export function statProgram(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    const spec =
      flavor === "gnu"
        ? { short: "Lfc:t", long: { dereference: "L", "file-system": "f", "format=": "c", "printf=": "printf", terse: "t", "cached=": "cached" } }
        : { short: "Lfc:t" };
    return yield* withOptions(ctx, flavor, spec, function* (o) {
      if (o.operands.length === 0) return usageFailure(ctx, flavor, "missing operand");
      const printf = last(o, "printf");
      const given = printf ?? last(o, "c");
      const table = ctx.fs.mountTable?.() ?? [];
      let status = 0;
      for (const name of o.operands) {
        const follow = has(o, "L") || has(o, "f");
        let st: FileStat;
        try {
          st = follow ? ctx.fs.stat(ctx.resolve(name)) : ctx.fs.lstat(ctx.resolve(name));
        } catch (e) {
          if (!(e instanceof FsError)) throw e;
          const what = has(o, "f") ? "read file system information for" : flavor === "gnu" ? "statx" : "stat";
          ctx.stderr.write(flavor === "gnu" ? `stat: cannot ${what} ${quote(name)}: ${e.description}\n` : `stat: can't ${what} '${name}': ${e.description}\n`);
          status = 1;
          continue;
        }
        // The filesystem is the one the file itself is on: a link's own is its directory's.
        const at = follow || st.type !== "symlink" ? canonicalize(ctx, name, "e") : `${canonicalize(ctx, dirname(ctx.resolve(name)), "e") ?? "/"}/${basename(name)}`;
        const mount = table.length > 0 && at !== undefined ? mountOf(table, at) : undefined;
        const target = st.type === "symlink" ? ctx.fs.readlink(ctx.resolve(name)) : undefined;
        const subject: Subject = { name, st, mount, target };
        let format: string;
        if (given !== undefined) format = printf !== undefined ? echoEscapes(printf).text : `${given}\n`;
        else if (has(o, "f")) format = has(o, "t") ? (flavor === "gnu" ? GNU_FS_TERSE : BUSYBOX_FS_TERSE) : flavor === "gnu" ? GNU_FS_FORMAT : BUSYBOX_FS_FORMAT;
        else if (has(o, "t")) format = flavor === "gnu" ? GNU_TERSE : BUSYBOX_TERSE;
        else format = defaultFormat(flavor, st);
        // coreutils quotes %N only when the format it was given spells it so.
        const quoteNames = flavor === "gnu" && given !== undefined && given.includes("%N");
        const out = render(format, (directive) => (has(o, "f") ? fsDirective(flavor, directive, subject) : fileDirective(ctx, flavor, directive, subject, quoteNames)));
        if (typeof out !== "string") {
          ctx.stdout.write(out.partial);
          ctx.stderr.write(`stat: ‘${out.bad}’: invalid directive\n`);
          return 1;
        }
        ctx.stdout.write(out);
      }
      return status;
    });
  };
}

function defaultFormat(flavor: Flavor, st: FileStat): string {
  const base = flavor === "gnu" ? GNU_FILE_FORMAT : BUSYBOX_FILE_FORMAT;
  if (st.type !== "chardev") return base;
  const lines = base.split("\n");
  lines[2] = (flavor === "gnu" ? GNU_DEVICE_LINE : BUSYBOX_DEVICE_LINE).slice(0, -1);
  return lines.join("\n");
}

/** One %-directive: its flags, width and precision as printf reads them, and what it names. */
interface Directive {
  readonly text: string;
  readonly flags: string;
  readonly width: number | undefined;
  readonly precision: number | undefined;
  readonly conversion: string;
}

/** Expands every directive of `format`; a bad one (a width on %%) stops it, as coreutils does. */
function render(format: string, value: (d: Directive) => string): string | { partial: string; bad: string } {
  let out = "";
  const re = /%([-#+ '0I]*)(\d*)(?:\.(\d*))?([HL]?[a-zA-Z%]?)/g;
  let at = 0;
  for (let m = re.exec(format); m !== null; m = re.exec(format)) {
    out += format.slice(at, m.index);
    at = re.lastIndex;
    const [text, flags, width, precision, conversion] = m as unknown as [string, string, string, string | undefined, string];
    if (conversion === "%" || conversion === "") {
      if (text.length > 2) return { partial: out, bad: text };
      out += "%";
      continue;
    }
    out += value({ text, flags: flags!, width: width === "" ? undefined : Number(width), precision: precision === undefined ? undefined : precision === "" ? 0 : Number(precision), conversion });
  }
  return out + format.slice(at);
}

/** A string padded to the directive's width: left with `-`, else right. */
function padString(d: Directive, s: string): string {
  const w = d.width ?? 0;
  const cut = d.precision !== undefined ? s.slice(0, d.precision) : s;
  return d.flags.includes("-") ? cut.padEnd(w) : cut.padStart(w);
}

/** A number as printf prints it with the flags coreutils lets through for its kind. */
function padNumber(d: Directive, n: number | bigint, base: 8 | 10 | 16, signed: boolean): string {
  const negative = n < 0;
  let digits = (negative ? -n : n).toString(base);
  if (d.precision !== undefined) digits = digits.padStart(d.precision, "0");
  if (d.flags.includes("#") && base !== 10 && n !== 0 && n !== 0n) digits = (base === 8 ? "0" : "0x") + digits;
  const sign = negative ? "-" : signed && d.flags.includes("+") ? "+" : signed && d.flags.includes(" ") ? " " : "";
  const w = d.width ?? 0;
  if (d.flags.includes("-")) return (sign + digits).padEnd(w);
  if (d.flags.includes("0") && d.precision === undefined) return sign + digits.padStart(w - sign.length, "0");
  return (sign + digits).padStart(w);
}

/** glibc's makedev: the dev_t a device number is, as %d and %D print it. */
function devT(n: { major: number; minor: number }): bigint {
  const major = BigInt(n.major);
  const minor = BigInt(n.minor);
  return (minor & 0xffn) | ((major & 0xfffn) << 8n) | ((minor & ~0xffn) << 12n) | ((major & ~0xfffn) << 32n);
}

const TYPE_BITS = { file: 0o100000, dir: 0o040000, symlink: 0o120000, chardev: 0o020000 } as const;

function fileType(st: FileStat): string {
  if (st.type === "file") return st.size === 0 ? "regular empty file" : "regular file";
  return st.type === "dir" ? "directory" : st.type === "symlink" ? "symbolic link" : "character special file";
}

/** coreutils' shell-escape-always quoting, for names in messages and a quoted %N. */
function quote(name: string): string {
  return name.includes("'") ? `"${name}"` : `'${name}'`;
}

/** A time as %x/%y/%z/%w print it: coreutils with nanoseconds and the zone, busybox 1.28 with zeros and none. */
function humanTime(flavor: Flavor, ms: number): string {
  return flavor === "gnu" ? formatDate(ms, "%Y-%m-%d %H:%M:%S.%N %z") : formatDate(Math.floor(ms / 1000) * 1000, "%Y-%m-%d %H:%M:%S.000000000");
}

/** %X and friends: whole seconds, or with a precision that many digits of the fraction. */
function epochSeconds(d: Directive, ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (d.precision === undefined) return padNumber(d, seconds, 10, true);
  const digits = d.precision === 0 ? 9 : d.precision;
  const fraction = String((ms - seconds * 1000) * 1_000_000).padStart(9, "0").slice(0, digits);
  return padString({ ...d, precision: undefined }, `${seconds}.${fraction}`);
}

/**
 * Birth as statx reports it: ext4 keeps it, and overlayfs passes on its layers' (on ext4 here);
 * tmpfs on a 5.15 kernel, proc, sysfs and devpts have none.
 */
function birth(s: Subject): number | undefined {
  const type = s.mount?.device.type;
  return type === "ext4" || type === "overlay" ? s.st.btimeMs : undefined;
}

/** st_blksize: a page, but 1 KiB on proc and devpts. */
function ioBlock(s: Subject): number {
  const type = s.mount?.device.type;
  return type === "proc" || type === "devpts" ? 1024 : 4096;
}

function fileDirective(ctx: ProcessContext, flavor: Flavor, d: Directive, s: Subject, quoteNames: boolean): string {
  const { st } = s;
  const dev = s.mount?.device.number ?? { major: 0, minor: 0 };
  const rdev = st.rdev ?? { major: 0, minor: 0 };
  const gnu = flavor === "gnu";
  switch (d.conversion) {
    case "n":
      return padString(d, s.name);
    case "N": {
      if (gnu) {
        const q = (x: string) => (quoteNames ? quote(x) : x);
        return s.target === undefined ? padString(d, q(s.name)) : `${padString(d, q(s.name))} -> ${padString(d, q(s.target))}`;
      }
      return s.target === undefined ? padString(d, s.name) : `'${s.name}' -> '${s.target}'`;
    }
    case "a":
      return padNumber(d, st.mode & 0o7777, 8, false);
    case "A":
      return padString(d, modeString(st));
    case "b":
      // st_blocks: 512-byte units of what the file takes (a long symlink's target takes a block).
      return padNumber(d, st.allocated !== undefined ? st.allocated / 512 : diskBlocks(st) * 2, 10, true);
    case "B":
      return padNumber(d, 512, 10, false);
    case "C":
      return padString(d, "?");
    case "d":
      return padNumber(d, devT(dev), 10, false);
    case "D":
      return padNumber(d, devT(dev), 16, false);
    case "f":
      return padNumber(d, TYPE_BITS[st.type] | st.mode, 16, false);
    case "F":
      return padString(d, fileType(st));
    case "g":
      return padNumber(d, st.gid, 10, false);
    case "G":
      return padString(d, groupName(ctx.fs, st.gid) ?? "UNKNOWN");
    case "h":
      return padNumber(d, st.nlink, 10, false);
    case "i":
      return padNumber(d, st.ino, 10, false);
    case "m":
      return gnu ? padString(d, s.mount?.target ?? "/") : "m";
    case "o":
      return padNumber(d, ioBlock(s), 10, false);
    case "s":
      return padNumber(d, st.size, 10, true);
    case "t":
      return padNumber(d, rdev.major, 16, false);
    case "T":
      return padNumber(d, rdev.minor, 16, false);
    case "u":
      return padNumber(d, st.uid, 10, false);
    case "U":
      return padString(d, userName(ctx.fs, st.uid) ?? "UNKNOWN");
    case "x":
      return padString(d, humanTime(flavor, st.atimeMs));
    case "y":
      return padString(d, humanTime(flavor, st.mtimeMs));
    case "z":
      return padString(d, humanTime(flavor, st.ctimeMs));
    case "X":
      return epochSeconds(d, st.atimeMs);
    case "Y":
      return epochSeconds(d, st.mtimeMs);
    case "Z":
      return epochSeconds(d, st.ctimeMs);
  }
  if (!gnu) return d.conversion;
  const born = birth(s);
  switch (d.conversion) {
    case "w":
      return padString(d, born === undefined ? "-" : humanTime(flavor, born));
    case "W":
      return born === undefined ? padNumber(d, 0, 10, true) : epochSeconds(d, born);
    case "Hd":
      return padNumber(d, dev.major, 10, false);
    case "Ld":
      return padNumber(d, dev.minor, 10, false);
    case "Hr":
      return padNumber(d, rdev.major, 10, false);
    case "Lr":
      return padNumber(d, rdev.minor, 10, false);
    case "r":
      return padNumber(d, devT(rdev), 10, false);
    case "R":
      return padNumber(d, devT(rdev), 16, false);
  }
  return "?";
}

function fsDirective(flavor: Flavor, d: Directive, s: Subject): string {
  const device = s.mount?.device;
  const usage = device?.usage() ?? { sizeBytes: 0, usedBytes: 0, inodes: 0, inodesUsed: 0 };
  const type = FS_TYPES[device?.type ?? ""];
  const blocks = Math.floor(usage.sizeBytes / 4096);
  const free = blocks - Math.min(blocks, Math.ceil(usage.usedBytes / 4096));
  switch (d.conversion) {
    case "n":
      return padString(d, s.name);
    case "i":
      return padString(d, fsid(device));
    case "l":
      return padNumber(d, 255, 10, false);
    case "t":
      return padNumber(d, type?.magic ?? 0, 16, false);
    case "T": {
      const name = flavor === "gnu" ? type?.gnu : type?.busybox;
      return padString(d, name ?? `UNKNOWN (0x${(type?.magic ?? 0).toString(16)})`);
    }
    case "s":
    case "S":
      return flavor === "gnu" || d.conversion === "s" ? padNumber(d, 4096, 10, true) : d.conversion;
    case "b":
      return padNumber(d, blocks, 10, true);
    case "f":
    case "a":
      return padNumber(d, free, 10, true);
    case "c":
      return padNumber(d, usage.inodes, 10, true);
    case "d":
      return padNumber(d, usage.inodes - usage.inodesUsed, 10, true);
  }
  return flavor === "gnu" ? "?" : d.conversion;
}

/**
 * statfs's f_fsid: an ext4 filesystem's comes from its UUID (here from its device's name), the
 * others' from their device number, which coreutils prints as two hex words.
 */
function fsid(device: MountEntry["device"] | undefined): string {
  if (device === undefined) return "0";
  if (device.type !== "ext4") return `${devT(device.number).toString(16)}00000000`;
  const word = (seed: number) => {
    let h = seed;
    for (const c of device.id) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
    return h;
  };
  return `${word(0x811c9dc5).toString(16)}${word(0x5bd1e995).toString(16).padStart(8, "0")}`;
}
