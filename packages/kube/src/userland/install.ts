import { FsError, type Proc } from "@ksim/sim";
import type { ProcessContext } from "../runtime/process.js";
import { createAndWrite, describeError, has, last, statOrUndefined, usageFailure, withOptions } from "./common.js";
import { ancestors, applyMode } from "./files.js";
import { groupByName, userByName } from "./users.js";

/** What install gives files and directories, and the directories -D and -d make on the way. */
const DEFAULT_MODE = 0o755;

/**
 * coreutils' install (9.1): copies files to a destination with a mode (0755 unless -m, which
 * is absolute whatever the umask), an owner and a group; -d makes directories, -D the missing
 * directories before the destination, -t names the target directory, -T insists it is a file.
 * An existing destination is replaced (unlinked first), -b keeping it as `NAME~`, -C leaving an
 * identical one alone. -s and -Z are accepted and do nothing here: no binary is stripped, no
 * SELinux context set.
 */
export function installProgram(ctx: ProcessContext): Proc<number> {
  const long = {
    backup: "b",
    compare: "C",
    directory: "d",
    "group=": "g",
    "mode=": "m",
    "owner=": "o",
    "preserve-timestamps": "p",
    strip: "s",
    "suffix=": "S",
    "target-directory=": "t",
    "no-target-directory": "T",
    verbose: "v",
    context: "Z",
  };
  return withOptions(ctx, "gnu", { short: "bcCdDg:m:o:psS:t:TvZ", long }, function* (o) {
    const modeText = last(o, "m");
    const mode = modeText === undefined ? DEFAULT_MODE : applyMode(0, modeText);
    if (mode === undefined) {
      ctx.stderr.write(`install: invalid mode '${modeText}'\n`);
      return 1;
    }
    const ownerName = last(o, "o");
    const groupName = last(o, "g");
    const uid = ownerName === undefined ? undefined : idOf(ownerName, (n) => userByName(ctx.fs, n)?.uid);
    if (uid === null) {
      ctx.stderr.write(`install: invalid user '${ownerName}'\n`);
      return 1;
    }
    const gid = groupName === undefined ? undefined : idOf(groupName, (n) => groupByName(ctx.fs, n)?.gid);
    if (gid === null) {
      ctx.stderr.write(`install: invalid group '${groupName}'\n`);
      return 1;
    }
    const verbose = has(o, "v");
    const owned = (path: string) => {
      if (uid !== undefined || gid !== undefined) {
        const st = ctx.fs.stat(path);
        ctx.fs.chown(path, uid ?? st.uid, gid ?? st.gid);
      }
    };
    /** mkdir -p with install's modes; each new one told under -v. Throws what mkdir(2) threw. */
    const makeDirectories = (path: string, finalMode: number | undefined) => {
      for (const dir of ancestors(path)) {
        const st = statOrUndefined(ctx, dir);
        if (st !== undefined) {
          if (st.type !== "dir") throw new InstallError(`cannot create directory '${dir}': File exists`);
          continue;
        }
        ctx.fs.mkdir(ctx.resolve(dir));
        ctx.fs.chmod(ctx.resolve(dir), DEFAULT_MODE);
        if (verbose) ctx.stdout.write(`install: creating directory '${dir}'\n`);
      }
      if (finalMode !== undefined) {
        ctx.fs.chmod(ctx.resolve(path), finalMode);
        owned(ctx.resolve(path));
      }
    };

    if (has(o, "d")) {
      if (o.operands.length === 0) return usageFailure(ctx, "gnu", "missing file operand");
      let status = 0;
      for (const dir of o.operands) {
        try {
          makeDirectories(dir, mode);
        } catch (e) {
          ctx.stderr.write(`install: ${e instanceof InstallError ? e.message : `cannot create directory '${dir}': ${describeError(e)}`}\n`);
          status = 1;
        }
      }
      return status;
    }

    const target = last(o, "t");
    const operands = o.operands;
    if (operands.length === 0) return usageFailure(ctx, "gnu", "missing file operand");
    if (target === undefined && operands.length === 1) return usageFailure(ctx, "gnu", `missing destination file operand after '${operands[0]}'`);
    let directory: string | undefined;
    let sources: readonly string[];
    if (target !== undefined) {
      const st = statOrUndefined(ctx, target);
      if (st === undefined && !has(o, "D")) {
        ctx.stderr.write(`install: failed to access '${target}': No such file or directory\n`);
        return 1;
      }
      directory = target;
      sources = operands;
    } else {
      const dest = operands.at(-1)!;
      const st = statOrUndefined(ctx, dest);
      sources = operands.slice(0, -1);
      if (operands.length > 2) {
        if (st === undefined) {
          ctx.stderr.write(`install: target '${dest}': No such file or directory\n`);
          return 1;
        }
        if (st.type !== "dir") {
          ctx.stderr.write(`install: target '${dest}': Not a directory\n`);
          return 1;
        }
        directory = dest;
      } else if (st?.type === "dir" && !has(o, "T")) directory = dest;
    }

    let status = 0;
    for (const source of sources) {
      const dest = directory === undefined ? operands.at(-1)! : `${directory.replace(/\/+$/, "")}/${source.replace(/\/+$/, "").split("/").at(-1)}`;
      try {
        const st = ctx.fs.stat(ctx.resolve(source));
        if (st.type === "dir") {
          ctx.stderr.write(`install: omitting directory '${source}'\n`);
          status = 1;
          continue;
        }
        if (has(o, "D")) makeDirectories(directory ?? dest.slice(0, Math.max(0, dest.lastIndexOf("/"))), undefined);
        const abs = ctx.resolve(dest);
        const there = statOrUndefined(ctx, dest);
        if (there?.type === "dir") {
          ctx.stderr.write(`install: cannot overwrite directory '${dest}' with non-directory\n`);
          status = 1;
          continue;
        }
        const data = ctx.fs.readFile(ctx.resolve(source));
        if (has(o, "C") && there !== undefined && sameAs(ctx, abs, data, mode, uid, gid)) continue;
        let backup = "";
        if (there !== undefined && has(o, "b")) {
          const name = `${dest}${last(o, "S") ?? ctx.environ.get("SIMPLE_BACKUP_SUFFIX") ?? "~"}`;
          ctx.fs.rename(abs, ctx.resolve(name));
          backup = ` (backup: '${name}')`;
        } else if (there !== undefined) ctx.fs.unlink(abs);
        const written = createAndWrite(ctx.fs, abs, data, { mode: 0o600 });
        if (written.error !== undefined) throw written.error;
        ctx.fs.chmod(abs, mode);
        owned(abs);
        if (has(o, "p")) ctx.fs.utimes(abs, st.atimeMs, st.mtimeMs, true);
        if (verbose) ctx.stdout.write(`'${source}' -> '${dest}'${backup}\n`);
      } catch (e) {
        if (e instanceof InstallError) ctx.stderr.write(`install: ${e.message}\n`);
        else if (e instanceof FsError && e.path !== undefined && ctx.resolve(source) === e.path) ctx.stderr.write(`install: cannot stat '${source}': ${e.description}\n`);
        else ctx.stderr.write(`install: cannot create regular file '${dest}': ${describeError(e)}\n`);
        status = 1;
      }
    }
    return status;
  });
}

class InstallError extends Error {}

/** A user or group by name, or by number; null when there is none. */
function idOf(name: string, lookup: (name: string) => number | undefined): number | null {
  const found = lookup(name);
  if (found !== undefined) return found;
  return /^\d+$/.test(name) ? Number(name) : null;
}

/** -C: the destination already is the copy install would make. */
function sameAs(ctx: ProcessContext, abs: string, data: Uint8Array, mode: number, uid: number | undefined, gid: number | undefined): boolean {
  const st = ctx.fs.stat(abs);
  if (st.type !== "file" || (st.mode & 0o7777) !== mode || st.uid !== (uid ?? ctx.cred.uid) || st.gid !== (gid ?? ctx.cred.gid)) return false;
  const now = ctx.fs.readFile(abs);
  return now.length === data.length && now.every((b, i) => b === data[i]);
}
