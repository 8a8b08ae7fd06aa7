import { decodeText, encodeText, FsError, type Proc } from "@ksim/sim";
import { dirname } from "../runtime/fs.js";
import type { ProcessContext } from "../runtime/process.js";
import { createAndWrite, describeError, lstatOrUndefined, mountOf, parseOptions, readStdin, UsageError, type Flavor } from "./common.js";
import { formatDate } from "./system.js";
import { readTar, TarFormatError, writeTar, type TarEntry } from "./tar-format.js";
import { isGzip, transform } from "./gzip.js";
import { groupByName, groupName, userByName, userName } from "./users.js";
import { busyboxLongOptions, busyboxUsage } from "./libbb.js";

/**
 * `tar` as GNU tar 1.34 (Debian) and busybox 1.28 run it: create (-c), extract (-x) and list (-t)
 * archives in a file or on a pipe (`-f -`), gzipped with -z, with -C, -v, -m, -p and the ownership options, in
 * their words. What kubectl cp runs in the container: `tar cf - SRC`, `tar -xmf - -C DIR`.
 */
export function tarProgram(flavor: Flavor) {
  return function* tar(ctx: ProcessContext): Proc<number> {
    const t = new Tar(ctx, flavor);
    try {
      return yield* t.run(oldStyle(ctx.argv.slice(1)));
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      ctx.stderr.write(`tar: ${e.message}\n`);
      if (flavor === "busybox") return busyboxUsage(ctx, "tar", 1);
      ctx.stderr.write("Try 'tar --help' or 'tar --usage' for more information.\n");
      return 2;
    }
  };
}

/** `tar cf x.tar dir`: a first argument without a dash is a bundle of letters, f and C taking the next words. */
function oldStyle(args: readonly string[]): string[] {
  const first = args[0];
  if (first === undefined || first.startsWith("-")) return [...args];
  const out: string[] = [];
  let next = 1;
  for (const letter of first) {
    out.push(`-${letter}`);
    if ((letter === "f" || letter === "C") && next < args.length) out.push(args[next++]!);
  }
  return [...out, ...args.slice(next)];
}

const OPTIONS = {
  short: "cxtvf:C:mpzoO",
  long: {
    create: "c",
    extract: "x",
    get: "x",
    list: "t",
    verbose: "v",
    "file=": "f",
    "directory=": "C",
    touch: "m",
    "preserve-permissions": "p",
    "same-permissions": "p",
    "no-same-permissions": "no-same-permissions",
    "same-owner": "same-owner",
    "no-same-owner": "o",
    gzip: "z",
    "to-stdout": "O",
  },
};

/** GNU tar's default record: 20 blocks of 512 bytes, written with one write(2) each. */
const RECORD_SIZE = 10240;

/**
 * extract_file writes a member's data a record buffer at a time (the first piece runs from where
 * the data starts in its record to the record's end) and stops at the first piece the disk cuts
 * short: write_error_details says how much of that piece landed.
 */
function shortExtract(rel: string, e: TarEntry, landed: number, error: FsError): string {
  let left = landed;
  let remaining = e.data.length;
  let piece = Math.min(remaining, RECORD_SIZE - ((e.dataOffset ?? 0) % RECORD_SIZE));
  while (left >= piece && remaining > piece) {
    left -= piece;
    remaining -= piece;
    piece = Math.min(remaining, RECORD_SIZE);
  }
  return left === 0 ? `${rel}: Cannot write: ${error.description}` : `${rel}: Wrote only ${left} of ${piece} bytes`;
}

class Tar {
  private failed = false;
  private warnedSlash = false;

  constructor(
    private readonly ctx: ProcessContext,
    private readonly flavor: Flavor,
  ) {}

  private err(message: string): void {
    this.ctx.stderr.write(`tar: ${message}\n`);
  }

  private fail(message: string): void {
    this.err(message);
    this.failed = true;
  }

  /** GNU tar reports per-file errors and exits 2 at the end; busybox stops at the first with 1. */
  private status(): number {
    if (!this.failed) return 0;
    if (this.flavor === "gnu") this.err("Exiting with failure status due to previous errors");
    return this.flavor === "gnu" ? 2 : 1;
  }

  *run(args: readonly string[]): Proc<number> {
    const { flags, operands } = parseOptions(args, this.flavor === "busybox" ? { ...OPTIONS, long: busyboxLongOptions("tar", OPTIONS.long) } : OPTIONS);
    const modes = ["c", "x", "t"].filter((m) => flags.has(m));
    if (modes.length !== 1) {
      throw new UsageError(
        modes.length === 0
          ? this.flavor === "gnu" ? "You must specify one of the '-Acdtrux', '--delete' or '--test-label' options" : "need one of 'c', 'x' or 't'"
          : this.flavor === "gnu" ? "You may not specify more than one '-Acdtrux', '--delete' or  '--test-label' option" : "need one of 'c', 'x' or 't'",
      );
    }
    const gzip = flags.has("z");
    const file = flags.get("f")?.at(-1) ?? "-";
    const dir = flags.get("C")?.at(-1);
    const verbose = flags.has("v");
    if (modes[0] === "c") return yield* this.create(file, dir, operands, verbose, gzip);
    let bytes: Uint8Array;
    if (file === "-") bytes = encodeText(yield* readStdin(this.ctx));
    else {
      try {
        bytes = this.ctx.fs.readFile(this.ctx.resolve(file));
      } catch (e) {
        if (!(e instanceof FsError)) throw e;
        this.err(this.flavor === "gnu" ? `${file}: Cannot open: ${e.description}` : `can't open '${file}': ${e.description}`);
        if (this.flavor === "gnu") this.err("Error is not recoverable: exiting now");
        return this.flavor === "gnu" ? 2 : 1;
      }
    }
    // GNU tar recognizes a compressed archive file by itself; from a pipe it needs -z.
    if (gzip || (file !== "-" && isGzip(bytes))) {
      const plain = transform(bytes, true);
      if (plain === undefined) {
        // GNU tar's gzip child says so itself, then tar gives up.
        if (this.flavor === "gnu") this.ctx.stderr.write("gzip: stdin: not in gzip format\ntar: Child returned status 1\ntar: Error is not recoverable: exiting now\n");
        else this.err("invalid gzip magic");
        return this.flavor === "gnu" ? 2 : 1;
      }
      bytes = plain;
    }
    let entries: TarEntry[];
    try {
      entries = readTar(bytes);
    } catch (e) {
      if (!(e instanceof TarFormatError)) throw e;
      this.fail(this.flavor === "gnu" ? e.message : "invalid tar magic");
      return this.status();
    }
    // Members named on the command line: each one, or everything below a named directory.
    if (operands.length > 0) {
      const strip = (n: string) => n.replace(/\/+$/, "");
      const wanted = operands.map(strip);
      const found = new Set<string>();
      entries = entries.filter((e) => {
        const name = strip(e.name);
        const hit = wanted.find((w) => name === w || name.startsWith(`${w}/`));
        if (hit !== undefined) found.add(hit);
        return hit !== undefined;
      });
      for (const w of wanted) if (!found.has(w)) this.fail(this.flavor === "gnu" ? `${w}: Not found in archive` : `${w}: not found in archive`);
    }
    if (modes[0] === "t") {
      for (const e of entries) this.ctx.stdout.write(verbose ? `${this.longListing(e)}\n` : `${e.name}\n`);
      return this.status();
    }
    if (flags.has("O")) {
      // -O: the members' contents, one after another, on standard output.
      for (const e of entries) {
        if (verbose) this.ctx.stderr.write(`${e.name}\n`);
        if (e.type === "file") this.ctx.stdout.write(decodeText(e.data));
      }
      return this.status();
    }
    const root = this.ctx.cred.uid === 0;
    // -m (kubectl cp passes it) is accepted; the simulated filesystems keep no settable mtime.
    const target = dir ?? this.ctx.cwd;
    if (!this.isDirectory(target)) return this.flavor === "gnu" ? 2 : 1;
    this.extract(entries, target, {
      verbose,
      touch: flags.has("m"),
      sameOwner: root ? !flags.has("o") : flags.has("same-owner"),
      samePermissions: root ? !flags.has("no-same-permissions") : flags.has("p"),
    });
    return this.status();
  }

  // ---- create ----------------------------------------------------------------------------------

  private *create(file: string, dir: string | undefined, names: readonly string[], verbose: boolean, gzip: boolean): Proc<number> {
    if (names.length === 0) {
      if (this.flavor === "gnu") throw new UsageError("Cowardly refusing to create an empty archive");
      this.fail("empty archive");
      return this.status();
    }
    if (file === "-" && this.ctx.tty && this.flavor === "gnu") {
      this.err("Refusing to write archive contents to terminal (missing -f option?)");
      this.err("Error is not recoverable: exiting now");
      return 2;
    }
    const base = dir === undefined ? this.ctx.cwd : this.ctx.resolve(dir);
    const entries: TarEntry[] = [];
    for (const name of names) this.add(entries, base, name);
    // With the archive on stdout, the names -v lists go to stderr.
    const listing = file === "-" ? this.ctx.stderr : this.ctx.stdout;
    if (verbose) for (const e of entries) listing.write(`${e.name}\n`);
    const archive = gzip ? transform(writeTar(entries), false)! : writeTar(entries);
    if (file === "-") this.ctx.stdout.write(decodeText(archive));
    else {
      let written;
      try {
        written = createAndWrite(this.ctx.fs, this.ctx.resolve(file), archive);
      } catch (e) {
        const why = describeError(e);
        this.fail(this.flavor === "gnu" ? `${file}: Cannot open: ${why}` : `can't open '${file}': ${why}`);
      }
      // A write the disk cuts short is fatal: GNU's archive_write_error, busybox's xwrite.
      if (written?.error !== undefined) {
        if (this.flavor === "busybox") {
          this.err(`${written.bytes > 0 ? "short write" : "write error"}: ${written.error.description}`);
          return 1;
        }
        // Records of 10240 bytes go out whole or not (full_write): the one cut short says how far it got.
        const partial = written.bytes % RECORD_SIZE;
        this.err(partial === 0 ? `${file}: Cannot write: ${written.error.description}` : `${file}: Wrote only ${partial} of ${RECORD_SIZE} bytes`);
        this.err("Error is not recoverable: exiting now");
        return 2;
      }
    }
    return this.status();
  }

  /** Member name for an operand: leading slashes (and `../` climbing out) removed, as tar warns. */
  private memberName(operand: string): string {
    const stripped = operand.replace(/^\/+/, "");
    if (stripped !== operand && !this.warnedSlash) {
      this.warnedSlash = true;
      this.err(this.flavor === "gnu" ? "Removing leading `/' from member names" : "removing leading '/' from member names");
    }
    return stripped;
  }

  /** Member names of files with several names, by device and inode, for the links to them. */
  private readonly archived = new Map<string, string>();

  private deviceOf(path: string): string {
    const table = this.ctx.fs.mountTable?.() ?? [];
    return table.length > 0 ? mountOf(table, path).device.id : "";
  }

  private add(entries: TarEntry[], base: string, operand: string): void {
    const fs = this.ctx.fs;
    const path = operand.startsWith("/") ? operand : `${base === "/" ? "" : base}/${operand}`;
    // GNU tar names the member (and warns about a leading slash) before it looks at the file.
    const name = this.memberName(operand.replace(/\/+$/, "") || operand);
    let st;
    try {
      st = fs.lstat(path);
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
      this.fail(this.flavor === "gnu" ? `${operand}: Cannot stat: ${e.description}` : `can't stat '${operand}': ${e.description}`);
      return;
    }
    const owner = { mode: st.mode, uid: st.uid, gid: st.gid, uname: userName(fs, st.uid) ?? "", gname: groupName(fs, st.gid) ?? "", mtimeMs: st.mtimeMs };
    if (st.type === "dir") {
      let children: string[];
      try {
        children = fs.readdir(path);
      } catch (e) {
        if (!(e instanceof FsError)) throw e;
        this.fail(this.flavor === "gnu" ? `${operand}: Cannot open: ${e.description}` : `can't open '${operand}': ${e.description}`);
        return;
      }
      entries.push({ ...owner, name: name === "" ? "./" : `${name}/`, type: "dir", data: new Uint8Array(0), linkname: "" });
      for (const child of children) this.add(entries, base, `${operand.replace(/\/+$/, "")}/${child}`);
    } else if (st.type === "symlink") {
      entries.push({ ...owner, name, type: "symlink", data: new Uint8Array(0), linkname: fs.readlink(path) });
    } else if (st.rdev !== undefined) {
      // A device goes in as its numbers, never as what reading it gives.
      entries.push({ ...owner, name, type: "chardev", rdev: st.rdev, data: new Uint8Array(0), linkname: "" });
    } else {
      // A file with several names goes in once; its other names are links to the first member.
      if (st.nlink > 1) {
        const key = `${this.deviceOf(path)}:${st.ino}`;
        const first = this.archived.get(key);
        if (first !== undefined) {
          entries.push({ ...owner, name, type: "hardlink", data: new Uint8Array(0), linkname: first });
          return;
        }
        this.archived.set(key, name);
      }
      try {
        entries.push({ ...owner, name, type: "file", data: fs.readFile(path), linkname: "" });
      } catch (e) {
        if (!(e instanceof FsError)) throw e;
        this.fail(this.flavor === "gnu" ? `${operand}: Cannot open: ${e.description}` : `can't open '${operand}': ${e.description}`);
      }
    }
  }

  // ---- extract and list --------------------------------------------------------------------------

  /** -C DIR must be a directory; otherwise tar gives up at once. */
  private isDirectory(dir: string): boolean {
    try {
      if (this.ctx.fs.stat(this.ctx.resolve(dir)).type === "dir") return true;
      throw new FsError("ENOTDIR", dir);
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
      this.err(this.flavor === "gnu" ? `${dir}: Cannot open: ${e.description}` : `can't change directory to '${dir}': ${e.description}`);
      if (this.flavor === "gnu") this.err("Error is not recoverable: exiting now");
      return false;
    }
  }

  private extract(entries: readonly TarEntry[], dir: string, o: { verbose: boolean; touch: boolean; sameOwner: boolean; samePermissions: boolean }): void {
    const fs = this.ctx.fs;
    // GNU tar sets a directory's times and mode once everything in it is out: errors come last.
    const delayed: string[] = [];
    const base = this.ctx.resolve(dir);
    // Files get the process's umask applied unless permissions are kept.
    const modeOf = (mode: number) => (o.samePermissions ? mode & 0o7777 : mode & 0o777 & ~this.ctx.umask);
    for (const e of entries) {
      const rel = this.memberName(e.name).replace(/\/+$/, "");
      if (rel === "" || rel === ".") continue;
      if (rel.split("/").includes("..")) {
        this.fail(`${e.name}: Member name contains '..'`);
        continue;
      }
      if (o.verbose) this.ctx.stdout.write(`${e.name}\n`);
      const path = `${base === "/" ? "" : base}/${rel}`;
      try {
        fs.mkdir(dirname(path), { recursive: true, mode: 0o755 });
        if (e.type === "dir") {
          if (!fs.exists(path)) fs.mkdir(path, { mode: modeOf(e.mode) });
          else if (this.ctx.cred.uid !== 0 && fs.stat(path).uid !== this.ctx.cred.uid) {
            // An existing directory someone else owns: its contents extract, its attributes cannot be set.
            if (this.flavor === "gnu") {
              if (!o.touch) delayed.push(`${rel}: Cannot utime: Operation not permitted`);
              delayed.push(`${rel}: Cannot change mode to ${modeString(modeOf(e.mode))}: Operation not permitted`);
            }
            continue;
          } else fs.chmod(path, modeOf(e.mode));
        } else if (e.type === "symlink") {
          // What is there goes first, as tar's default --overwrite of non-directories does; a link has no mode or owner to set.
          const there = lstatOrUndefined(this.ctx, path);
          if (there !== undefined && there.type !== "dir") fs.unlink(path);
          fs.symlink(e.linkname, path);
          continue;
        } else if (e.type === "hardlink") {
          const target = `${base === "/" ? "" : base}/${this.memberName(e.linkname)}`;
          const there = lstatOrUndefined(this.ctx, path);
          if (there !== undefined && there.type !== "dir") fs.unlink(path);
          try {
            fs.link(target, path);
          } catch (err) {
            if (!(err instanceof FsError)) throw err;
            this.fail(this.flavor === "gnu" ? `${rel}: Cannot hard link to '${e.linkname}': ${err.description}` : `can't create hardlink '${rel}': ${err.description}`);
          }
          continue;
        } else if (e.type === "chardev") {
          // ksim's filesystems hold no device nodes: mknod is refused as without CAP_MKNOD.
          this.fail(this.flavor === "gnu" ? `${rel}: Cannot mknod: Operation not permitted` : `can't create node ${rel}: Operation not permitted`);
          continue;
        } else {
          if (fs.exists(path) && fs.lstat(path).type !== "dir") fs.unlink(path);
          const written = createAndWrite(fs, path, e.data, { mode: modeOf(e.mode) });
          if (written.error !== undefined) {
            // busybox copies with bb_copyfd, which says "write error" and dies.
            this.fail(this.flavor === "gnu" ? shortExtract(rel, e, written.bytes, written.error) : `write error: ${written.error.description}`);
            if (this.flavor === "busybox") return;
            continue;
          }
          fs.chmod(path, modeOf(e.mode));
        }
        // GNU tar maps owners by name where this system knows the name (--numeric-owner would not).
        if (o.sameOwner) fs.chown(path, userByName(fs, e.uname)?.uid ?? e.uid, groupByName(fs, e.gname)?.gid ?? e.gid);
      } catch (err) {
        if (!(err instanceof FsError)) throw err;
        this.fail(this.flavor === "gnu" ? `${rel}: Cannot open: ${err.description}` : `can't create '${rel}': ${err.description}`);
      }
    }
    for (const m of delayed) this.fail(m);
  }

  /** `tar tv`: mode, owner/group, size, date and name as ls -l-like columns. */
  private longListing(e: TarEntry): string {
    const kind = e.type === "dir" ? "d" : e.type === "symlink" ? "l" : e.type === "chardev" ? "c" : e.type === "hardlink" && this.flavor === "gnu" ? "h" : "-";
    const owner = `${e.uname || e.uid}/${e.gname || e.gid}`;
    // GNU tar shows a device's numbers where the size goes; busybox its size, 0.
    const size = e.rdev !== undefined && this.flavor === "gnu" ? `${e.rdev.major},${e.rdev.minor}` : String(e.data.length);
    const pad = " ".repeat(Math.max(1, 19 - owner.length - size.length));
    const date = formatDate(e.mtimeMs, this.flavor === "gnu" ? "%Y-%m-%d %H:%M" : "%Y-%m-%d %H:%M:%S");
    // GNU tar says "link to" for a hard link; busybox shows it as it shows a symlink.
    const link = e.type === "symlink" || (e.type === "hardlink" && this.flavor === "busybox") ? ` -> ${e.linkname}` : e.type === "hardlink" ? ` link to ${e.linkname}` : "";
    return `${kind}${modeString(e.mode)} ${owner}${pad}${size} ${date} ${e.name}${link}`;
  }
}

function modeString(mode: number): string {
  const rwx = (bits: number, special: boolean, s: string) =>
    `${bits & 4 ? "r" : "-"}${bits & 2 ? "w" : "-"}${special ? (bits & 1 ? s : s.toUpperCase()) : bits & 1 ? "x" : "-"}`;
  return rwx(mode >> 6, (mode & 0o4000) !== 0, "s") + rwx(mode >> 3, (mode & 0o2000) !== 0, "s") + rwx(mode, (mode & 0o1000) !== 0, "t");
}

