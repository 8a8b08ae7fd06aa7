import { FsError, type Proc } from "@ksim/sim";
import { basename, dirname, permits, resolvePath, type FileStat } from "../runtime/fs.js";
import type { ProcessContext } from "../runtime/process.js";
import { copyEndless, createAndWrite, lstatOrUndefined, statOrUndefined, describeError, endlessInput, has, last, mountOf, programName, readInput, usageFailure, withOptions, type Flavor, type OptionSpec } from "./common.js";
import { parseDateTime, parseTouchStamp } from "./datetime.js";
import { groupByName, userByName } from "./users.js";

/**
 * File tools: cat, rm, mkdir, rmdir, touch, cp, mv, chmod, chown. Messages follow coreutils in
 * the C locale (ASCII quotes), or busybox.
 */

export function cat(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    const long = { number: "n", "show-all": "A", "number-nonblank": "b", "show-ends": "E", "squeeze-blank": "s", "show-tabs": "T", "show-nonprinting": "v" };
    return yield* withOptions(ctx, flavor, { short: "nAbesTuvEt", long }, function* (o) {
      const ends = has(o, "A") || has(o, "E") || has(o, "e");
      const tabs = has(o, "A") || has(o, "T") || has(o, "t");
      const nonprinting = has(o, "A") || has(o, "v") || has(o, "e") || has(o, "t");
      const numberAll = has(o, "n") && !has(o, "b");
      const files = o.operands.length === 0 ? ["-"] : o.operands;
      let status = 0;
      let lineNo = 0;
      for (const f of files) {
        const device = endlessInput(ctx, f);
        if (device !== undefined) yield* copyEndless(ctx, device);
        let text: string;
        try {
          text = yield* readInput(ctx, f);
        } catch (e) {
          const d = describeError(e);
          if (flavor === "busybox") ctx.stderr.write(d === "Is a directory" ? `cat: read error: Is a directory\n` : `cat: can't open '${f}': ${d}\n`);
          else ctx.stderr.write(`cat: ${f}: ${d}\n`);
          status = 1;
          continue;
        }
        if (numberAll || has(o, "b") || has(o, "s") || ends || tabs || nonprinting) {
          const lines = text.split("\n");
          const trailing = text.endsWith("\n");
          if (trailing) lines.pop();
          const out: string[] = [];
          for (let i = 0; i < lines.length; i++) {
            let l = lines[i]!;
            if (has(o, "s") && l === "" && i > 0 && lines[i - 1] === "") continue;
            if (nonprinting) l = showNonprinting(l);
            if (tabs) l = l.replace(/\t/g, "^I");
            if (numberAll || (has(o, "b") && lines[i] !== "")) l = `${String(++lineNo).padStart(6)}\t${l}`;
            // The last line has a $ only if a newline ends it.
            out.push(ends && (i < lines.length - 1 || trailing) ? `${l}$` : l);
          }
          text = out.join("\n") + (trailing ? "\n" : "");
        }
        ctx.stdout.write(text);
      }
      return status;
    });
  };
}

/** cat -v: control characters as ^X, DEL as ^?, bytes above 127 as M- and the same (tabs stay). */
function showNonprinting(line: string): string {
  let out = "";
  for (const b of new TextEncoder().encode(line)) {
    const high = b >= 128 ? "M-" : "";
    const c = b & 127;
    out += high + (c === 127 ? "^?" : c < 32 && !(c === 9 && high === "") ? `^${String.fromCharCode(c + 64)}` : String.fromCharCode(c));
  }
  return out;
}

export function rm(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    return yield* withOptions(ctx, flavor, { short: "rRfivd", long: { recursive: "r", force: "f", verbose: "v", dir: "d" } }, function* (o) {
      const force = has(o, "f");
      const recursive = has(o, "r") || has(o, "R");
      if (o.operands.length === 0) {
        if (force) return 0;
        return usageFailure(ctx, flavor, "missing operand");
      }
      let status = 0;
      const fail = (path: string, why: string) => {
        ctx.stderr.write(flavor === "busybox" ? `rm: can't remove '${path}': ${why}\n` : `rm: cannot remove '${path}': ${why}\n`);
        status = 1;
      };
      for (const p of o.operands) {
        const st = lstatOrUndefined(ctx, p);
        if (st === undefined) {
          if (!force) fail(p, "No such file or directory");
          continue;
        }
        const abs = ctx.resolve(p);
        try {
          if (st.type === "dir") {
            if (!recursive) {
              if (has(o, "d")) ctx.fs.rmdir(abs);
              else fail(p, "Is a directory");
              continue;
            }
            if (abs === "/") {
              ctx.stderr.write("rm: it is dangerous to operate recursively on '/'\nrm: use --no-preserve-root to override this failsafe\n");
              status = 1;
              continue;
            }
            ctx.fs.rmdir(abs, { recursive: true });
          } else {
            ctx.fs.unlink(abs);
          }
          if (has(o, "v")) ctx.stdout.write(`removed '${p}'\n`);
        } catch (e) {
          fail(p, describeError(e));
        }
      }
      return status;
    });
  };
}

export function mkdir(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    return yield* withOptions(ctx, flavor, { short: "pm:v", long: { parents: "p", "mode=": "m", verbose: "v" } }, function* (o) {
      if (o.operands.length === 0) return usageFailure(ctx, flavor, "missing operand");
      const modeText = last(o, "m");
      const mode = modeText === undefined ? 0o755 : applyMode(0o777, modeText);
      if (mode === undefined) {
        ctx.stderr.write(`mkdir: invalid mode '${modeText}'\n`);
        return 1;
      }
      let status = 0;
      for (const operand of o.operands) {
        // -p makes each missing ancestor in turn (mkancesdirs), so a failure names the one that failed.
        const steps = has(o, "p") ? ancestors(operand) : [operand];
        for (const p of steps) {
          const final = p === steps.at(-1);
          try {
            if (has(o, "p") && statOrUndefined(ctx, p)?.type === "dir") continue;
            const abs = ctx.resolve(p);
            // Ancestors get the default mode; -m applies to the operand itself.
            ctx.fs.mkdir(abs, { mode: final ? mode : 0o755 });
            if (modeText !== undefined && final) ctx.fs.chmod(abs, mode);
            // libbb's bb_make_directory words it without the applet's name.
            if (has(o, "v")) ctx.stdout.write(flavor === "busybox" ? `created directory: '${p}'\n` : `mkdir: created directory '${p}'\n`);
          } catch (e) {
            const d = describeError(e);
            ctx.stderr.write(flavor === "busybox" ? `mkdir: can't create directory '${p}': ${d}\n` : `mkdir: cannot create directory '${p}': ${d}\n`);
            status = 1;
            break;
          }
        }
      }
      return status;
    });
  };
}

export function rmdir(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    return yield* withOptions(ctx, flavor, { short: "pv", long: { parents: "p", "ignore-fail-on-non-empty": "I" } }, function* (o) {
      if (o.operands.length === 0) return usageFailure(ctx, flavor, "missing operand");
      let status = 0;
      for (const p of o.operands) {
        const targets = [p];
        if (has(o, "p")) for (let d = dirname(p); d !== "." && d !== "/" && d !== p; d = dirname(d)) targets.push(d);
        for (const t of targets) {
          try {
            const st = ctx.fs.lstat(ctx.resolve(t));
            if (st.type !== "dir") throw new FsError("ENOTDIR", t);
            ctx.fs.rmdir(ctx.resolve(t));
          } catch (e) {
            const d = describeError(e);
            if (d === "Directory not empty" && has(o, "I")) break;
            ctx.stderr.write(flavor === "busybox" ? `rmdir: '${t}': ${d}\n` : `rmdir: failed to remove '${t}': ${d}\n`);
            status = 1;
            break;
          }
        }
      }
      return status;
    });
  };
}

/**
 * touch: makes missing files (unless -c) and sets times, both to now unless -d (a date as
 * parse_datetime reads it), -t ([[CC]YY]MMDDhhmm[.ss]) or -r (another file's) give them, and
 * only the access time with -a or the modification time with -m (--time=atime|mtime).
 */
export function touch(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    const spec = { short: "acmfd:t:r:", long: { "no-create": "c", "date=": "d", "reference=": "r", "time=": "T" } };
    return yield* withOptions(ctx, flavor, spec, function* (o) {
      if (o.operands.length === 0) return usageFailure(ctx, flavor, "missing file operand");
      const word = last(o, "T");
      if (word !== undefined && !["atime", "access", "use", "mtime", "modify"].includes(word)) {
        return usageFailure(ctx, flavor, `invalid argument '${word}' for '--time'\nValid arguments are:\n  - 'atime', 'access', 'use'\n  - 'mtime', 'modify'`);
      }
      const onlyAccess = has(o, "a") || (word !== undefined && !word.startsWith("m"));
      const onlyModify = has(o, "m") || (word !== undefined && word.startsWith("m"));
      const now = ctx.epochMs();
      let times: { atimeMs: number; mtimeMs: number } | undefined;
      const reference = last(o, "r");
      const date = last(o, "d");
      const stamp = last(o, "t");
      if (reference !== undefined) {
        try {
          const st = ctx.fs.stat(ctx.resolve(reference));
          times = { atimeMs: st.atimeMs, mtimeMs: st.mtimeMs };
        } catch (e) {
          if (!(e instanceof FsError)) throw e;
          ctx.stderr.write(flavor === "busybox" ? `touch: can't stat '${reference}': ${e.description}\n` : `touch: failed to get attributes of '${reference}': ${e.description}\n`);
          return 1;
        }
      }
      if (date !== undefined || stamp !== undefined) {
        const given = date !== undefined ? parseDateTime(date, now) : parseTouchStamp(stamp!, now);
        if (given === undefined) {
          ctx.stderr.write(flavor === "busybox" ? `touch: invalid date '${date ?? stamp}'\n` : `touch: invalid date format '${date ?? stamp}'\n`);
          return 1;
        }
        times = { atimeMs: given, mtimeMs: given };
      }
      // Neither -a nor -m: both times change.
      const atimeMs = onlyModify && !onlyAccess ? undefined : (times?.atimeMs ?? now);
      const mtimeMs = onlyAccess && !onlyModify ? undefined : (times?.mtimeMs ?? now);
      let status = 0;
      for (const p of o.operands) {
        const abs = ctx.resolve(p);
        let made = false;
        try {
          if (!ctx.fs.exists(abs)) {
            if (has(o, "c")) continue;
            ctx.fs.writeFile(abs, "");
            made = true;
          }
        } catch (e) {
          if (!(e instanceof FsError)) throw e;
          ctx.stderr.write(flavor === "busybox" ? `touch: ${p}: ${e.description}\n` : `touch: cannot touch '${p}': ${e.description}\n`);
          status = 1;
          continue;
        }
        // A file just made has every time at now already.
        if (made && times === undefined && atimeMs !== undefined && mtimeMs !== undefined) continue;
        try {
          ctx.fs.utimes(abs, atimeMs, mtimeMs, times !== undefined);
        } catch (e) {
          if (!(e instanceof FsError)) throw e;
          // GNU touch opened the file for writing first: when that failed too, that is the error it names.
          const st = ctx.fs.stat(abs);
          const openFailed = !has(o, "c") && st.type !== "dir" && !permits(ctx.cred, st, 2);
          ctx.stderr.write(flavor === "busybox" ? `touch: ${p}: ${e.description}\n` : openFailed ? `touch: cannot touch '${p}': Permission denied\n` : `touch: setting times of '${p}': ${e.description}\n`);
          status = 1;
        }
      }
      return status;
    });
  };
}

/** A copy's destination was created but the disk took only part of it. */
class CopyWriteError extends Error {
  constructor(
    readonly path: string,
    readonly failure: FsError,
  ) {
    super(failure.message);
  }
}

/** `a/b/c` as the directories mkdir -p makes in turn: `a`, `a/b`, `a/b/c` (spelled as given). */
export function ancestors(path: string): string[] {
  const out: string[] = [];
  let at = path.indexOf("/", path.startsWith("/") ? 1 : 0);
  while (at >= 0) {
    if (path[at - 1] !== "/") out.push(path.slice(0, at));
    at = path.indexOf("/", at + 1);
  }
  const whole = path.replace(/\/+$/, "");
  if (whole !== "" && out.at(-1) !== whole) out.push(whole);
  return out;
}

interface CopyOptions {
  /** -p, -a, and mv: mode, owner (for root) and times as the source's. */
  readonly preserve: boolean;
  readonly dereference: boolean;
  /**
   * -a and mv keep hard links: the copies of a file met under several names, by its device and
   * inode, are links to its first copy.
   */
  readonly links?: Map<string, string>;
}

/**
 * Copies a file or (recursively) a directory; the caller checked the source exists. Without
 * dereferencing (-P, implied by -R and -a) a symlink is copied as a link to the same target.
 */
function copyTree(ctx: ProcessContext, from: string, to: string, o: CopyOptions): void {
  const st = o.dereference ? ctx.fs.stat(from) : ctx.fs.lstat(from);
  if (st.type === "symlink") {
    if (lstatOrUndefined(ctx, to) !== undefined) ctx.fs.unlink(to);
    ctx.fs.symlink(ctx.fs.readlink(from), to);
    return;
  }
  // A copy is created as open(2) and mkdir(2) create: the source's mode less the umask; -p
  // sets the source's mode afterwards.
  if (st.type === "dir") {
    if (!ctx.fs.exists(to)) ctx.fs.mkdir(to, { mode: st.mode & 0o7777 });
    for (const name of ctx.fs.readdir(from)) copyTree(ctx, `${from}/${name}`, `${to}/${name}`, o);
  } else {
    const table = ctx.fs.mountTable?.() ?? [];
    const key = o.links !== undefined && st.nlink > 1 ? `${table.length > 0 ? mountOf(table, from).device.id : ""}:${st.ino}` : undefined;
    const first = key === undefined ? undefined : o.links!.get(key);
    if (first !== undefined) {
      if (lstatOrUndefined(ctx, to) !== undefined) ctx.fs.unlink(to);
      ctx.fs.link(first, to);
      return;
    }
    const written = createAndWrite(ctx.fs, to, ctx.fs.readFile(from), { mode: st.mode & 0o777 });
    if (written.error !== undefined) throw new CopyWriteError(to, written.error);
    if (key !== undefined) o.links!.set(key, to);
  }
  if (o.preserve && ctx.cred.uid === 0) ctx.fs.chown(to, st.uid, st.gid);
  if (o.preserve) ctx.fs.chmod(to, st.mode & 0o7777);
  // A directory's times are set after its entries are in, which change them.
  if (o.preserve) ctx.fs.utimes(to, st.atimeMs, st.mtimeMs, true);
}

function copyOrMove(kind: "cp" | "mv", flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    const spec: OptionSpec = kind === "cp" ? { short: "rRapfivdPLT", long: { recursive: "r", archive: "a", force: "f", preserve: "p", verbose: "v" } } : { short: "fivnT", long: { force: "f", verbose: "v" } };
    return yield* withOptions(ctx, flavor, spec, function* (o) {
      const ops = o.operands;
      if (ops.length === 0) return usageFailure(ctx, flavor, "missing file operand");
      if (ops.length === 1) return usageFailure(ctx, flavor, `missing destination file operand after '${ops[0]}'`);
      const dest = ops[ops.length - 1]!;
      const sources = ops.slice(0, -1);
      const destIsDir = statOrUndefined(ctx, dest)?.type === "dir";
      if (sources.length > 1 && !destIsDir) {
        ctx.stderr.write(`${kind}: target '${dest}' is not a directory\n`);
        return 1;
      }
      let status = 0;
      const links = new Map<string, string>();
      for (const src of sources) {
        const st = lstatOrUndefined(ctx, src);
        if (st === undefined) {
          ctx.stderr.write(flavor === "busybox" ? `${kind}: can't stat '${src}': No such file or directory\n` : `${kind}: cannot stat '${src}': No such file or directory\n`);
          status = 1;
          continue;
        }
        const from = ctx.resolve(src);
        const to = destIsDir ? resolvePath(ctx.resolve(dest), basename(from)) : ctx.resolve(dest);
        try {
          if (kind === "cp") {
            const recursive = has(o, "r") || has(o, "R") || has(o, "a");
            const dereference = has(o, "L") || !(recursive || has(o, "P") || has(o, "d"));
            if (!recursive && (dereference ? statOrUndefined(ctx, src) : st)?.type === "dir") {
              ctx.stderr.write(flavor === "busybox" ? `cp: omitting directory '${src}'\n` : `cp: -r not specified; omitting directory '${src}'\n`);
              status = 1;
              continue;
            }
            copyTree(ctx, from, to, { preserve: has(o, "a") || has(o, "p"), dereference, ...(has(o, "a") ? { links } : {}) });
          } else {
            try {
              ctx.fs.rename(from, to);
            } catch (e) {
              if (!(e instanceof FsError) || e.code !== "EXDEV") throw e;
              copyTree(ctx, from, to, { preserve: true, dereference: false, links });
              if (st.type === "dir") ctx.fs.rmdir(from, { recursive: true });
              else ctx.fs.unlink(from);
            }
          }
          if (has(o, "v")) ctx.stdout.write(`'${src}' -> '${destIsDir ? `${dest}/${basename(from)}` : dest}'\n`);
        } catch (e) {
          status = 1;
          if (e instanceof CopyWriteError) {
            // copy.c names the destination as the command line spelled it; busybox's bb_copyfd names nothing.
            const shownRoot = destIsDir ? `${dest.replace(/\/+$/, "")}/${basename(from)}` : dest;
            const shown = shownRoot + e.path.slice(to.length);
            ctx.stderr.write(flavor === "busybox" ? `${kind}: write error: ${e.failure.description}\n` : `${kind}: error writing '${shown}': ${e.failure.description}\n`);
            continue;
          }
          const d = describeError(e);
          ctx.stderr.write(kind === "cp" ? `cp: cannot create regular file '${dest}': ${d}\n` : `mv: cannot move '${src}' to '${dest}': ${d}\n`);
        }
      }
      return status;
    });
  };
}

export const cp = (flavor: Flavor) => copyOrMove("cp", flavor);
export const mv = (flavor: Flavor) => copyOrMove("mv", flavor);

/** Applies an octal or symbolic (`u+x,go-w`, `a=r`) mode to `current`; undefined if invalid. */
export function applyMode(current: number, spec: string): number | undefined {
  if (/^[0-7]{1,4}$/.test(spec)) return parseInt(spec, 8);
  let mode = current;
  for (const clause of spec.split(",")) {
    const m = /^([ugoa]*)([-+=])([rwxXst]*)$/.exec(clause);
    if (m === null) return undefined;
    const who = m[1] === "" || m[1]!.includes("a") ? "ugo" : m[1]!;
    let bits = 0;
    for (const p of m[3]!) {
      const r = p === "r" ? 4 : p === "w" ? 2 : p === "x" || (p === "X" && (current & 0o111) !== 0) ? 1 : 0;
      for (const w of who) {
        const shift = w === "u" ? 6 : w === "g" ? 3 : 0;
        bits |= r << shift;
        if (p === "s" && w === "u") bits |= 0o4000;
        if (p === "s" && w === "g") bits |= 0o2000;
      }
      if (p === "t") bits |= 0o1000;
    }
    let mask = 0;
    for (const w of who) mask |= 0o7 << (w === "u" ? 6 : w === "g" ? 3 : 0);
    if (m[2] === "+") mode |= bits;
    else if (m[2] === "-") mode &= ~bits;
    else mode = (mode & ~mask) | bits;
  }
  return mode;
}

function walk(ctx: ProcessContext, path: string, recursive: boolean, fn: (abs: string, st: FileStat) => void): void {
  const st = ctx.fs.stat(path);
  fn(path, st);
  if (recursive && st.type === "dir") for (const name of ctx.fs.readdir(path)) walk(ctx, `${path}/${name}`, true, fn);
}

export function chmod(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    // Symbolic modes like `-w` look like options; coreutils accepts them as the mode operand.
    const args = ctx.argv.slice(1);
    const recursive = args.includes("-R") || args.includes("--recursive");
    const rest = args.filter((a) => a !== "-R" && a !== "--recursive" && a !== "-v" && a !== "-f");
    if (rest.length === 0) return usageFailure(ctx, flavor, "missing operand");
    const modeSpec = rest[0]!;
    if (rest.length === 1) return usageFailure(ctx, flavor, `missing operand after '${modeSpec}'`);
    if (applyMode(0, modeSpec) === undefined) return usageFailure(ctx, flavor, `invalid mode: '${modeSpec}'`);
    let status = 0;
    for (const p of rest.slice(1)) {
      try {
        walk(ctx, ctx.resolve(p), recursive, (abs, st) => ctx.fs.chmod(abs, applyMode(st.mode & 0o7777, modeSpec)!));
      } catch (e) {
        const d = describeError(e);
        ctx.stderr.write(d === "No such file or directory" ? `chmod: cannot access '${p}': ${d}\n` : `chmod: changing permissions of '${p}': Operation not permitted\n`);
        status = 1;
      }
    }
    return status;
  };
}

export function chown(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    const name = programName(ctx);
    const isChgrp = name === "chgrp";
    return yield* withOptions(ctx, flavor, { short: "Rvfh", long: { recursive: "R" } }, function* (o) {
      if (o.operands.length < 2) return usageFailure(ctx, flavor, o.operands.length === 0 ? "missing operand" : `missing operand after '${o.operands[0]}'`);
      const spec = isChgrp ? `:${o.operands[0]!}` : o.operands[0]!;
      const [userPart = "", groupPart] = spec.split(/[:.]/);
      let uid: number | undefined;
      let gid: number | undefined;
      if (userPart !== "") {
        const u = /^\d+$/.test(userPart) ? Number(userPart) : userByName(ctx.fs, userPart)?.uid;
        if (u === undefined) {
          ctx.stderr.write(flavor === "busybox" ? `chown: unknown user ${userPart}\n` : `chown: invalid user: '${spec}'\n`);
          return 1;
        }
        uid = u;
      }
      if (groupPart !== undefined && groupPart !== "") {
        const g = /^\d+$/.test(groupPart) ? Number(groupPart) : groupByName(ctx.fs, groupPart)?.gid;
        if (g === undefined) {
          ctx.stderr.write(flavor === "busybox" ? `${name}: unknown group ${groupPart}\n` : isChgrp ? `chgrp: invalid group: '${groupPart}'\n` : `chown: invalid group: '${spec}'\n`);
          return 1;
        }
        gid = g;
      } else if (groupPart === "" && uid !== undefined) {
        gid = userByName(ctx.fs, userPart)?.gid;
      }
      let status = 0;
      for (const p of o.operands.slice(1)) {
        try {
          walk(ctx, ctx.resolve(p), has(o, "R"), (abs, st) => ctx.fs.chown(abs, uid ?? st.uid, gid ?? st.gid));
        } catch (e) {
          const d = describeError(e);
          ctx.stderr.write(d === "No such file or directory" ? `${name}: cannot access '${p}': ${d}\n` : `${name}: changing ownership of '${p}': Operation not permitted\n`);
          status = 1;
        }
      }
      return status;
    });
  };
}
