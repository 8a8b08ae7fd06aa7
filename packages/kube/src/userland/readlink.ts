import { FsError, type Proc } from "@ksim/sim";
import type { ProcessContext } from "../runtime/process.js";
import { canonicalize, has, last, usageFailure, withOptions, type Flavor } from "./common.js";

/** readlink, coreutils' and busybox's: a link's target, or with -f/-e/-m the canonical path. */
export function readlinkProgram(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    const spec =
      flavor === "gnu"
        ? { short: "femnqsvz", long: { canonicalize: "f", "canonicalize-existing": "e", "canonicalize-missing": "m", "no-newline": "n", quiet: "q", silent: "s", verbose: "v", zero: "z" } }
        : { short: "fnsv" };
    return yield* withOptions(ctx, flavor, spec, function* (o) {
      if (o.operands.length === 0) return usageFailure(ctx, flavor, "missing operand");
      if (flavor === "busybox" && o.operands.length > 1) return usageFailure(ctx, flavor, "too many arguments");
      const mode = has(o, "e") ? "e" : has(o, "m") ? "m" : has(o, "f") ? "f" : undefined;
      // -n only applies to a single result in coreutils; busybox always obeys it.
      const end = has(o, "z") ? "\0" : has(o, "n") && (flavor === "busybox" || o.operands.length === 1) ? "" : "\n";
      const verbose = has(o, "v") && !has(o, "q") && !has(o, "s");
      let status = 0;
      for (const name of o.operands) {
        let out: string | undefined;
        let error = "No such file or directory";
        if (mode !== undefined) out = canonicalize(ctx, name, mode);
        else {
          try {
            out = ctx.fs.readlink(ctx.resolve(name));
          } catch (e) {
            if (!(e instanceof FsError)) throw e;
            error = e.description;
          }
        }
        if (out === undefined) {
          if (verbose) ctx.stderr.write(`readlink: ${name}: ${error}\n`);
          status = 1;
          continue;
        }
        ctx.stdout.write(out + end);
      }
      return status;
    });
  };
}

/** The path of `to` relative to the directory `from` (both canonical). */
function relative(to: string, from: string): string {
  const a = to.split("/").filter(Boolean);
  const b = from.split("/").filter(Boolean);
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  const up = b.slice(common).map(() => "..");
  return [...up, ...a.slice(common)].join("/") || ".";
}

/**
 * coreutils' realpath: the canonical path, by default all but the last component having to
 * exist (-e: all of them, -m: none); -s without following links; --relative-to a directory.
 */
export function realpathProgram(ctx: ProcessContext): Proc<number> {
  const long = { "canonicalize-existing": "e", "canonicalize-missing": "m", "no-symlinks": "s", strip: "s", quiet: "q", zero: "z", "relative-to=": "R", "relative-base=": "B", logical: "L", physical: "P" };
  return withOptions(ctx, "gnu", { short: "emsqzLP", long }, function* (o) {
    if (o.operands.length === 0) return usageFailure(ctx, "gnu", "missing operand");
    const mode = has(o, "e") ? "e" : has(o, "m") ? "m" : "f";
    // -s: no link is followed, only `.`, `..` and repeated slashes go.
    const resolve = (name: string) => (has(o, "s") ? ctx.resolve(name) : canonicalize(ctx, name, mode));
    const base = last(o, "R");
    const from = base === undefined ? undefined : resolve(base);
    let status = 0;
    for (const name of o.operands) {
      const out = resolve(name);
      if (out === undefined) {
        if (!has(o, "q")) ctx.stderr.write(`realpath: ${name}: No such file or directory\n`);
        status = 1;
        continue;
      }
      ctx.stdout.write(`${from === undefined ? out : relative(out, from)}${has(o, "z") ? "\0" : "\n"}`);
    }
    return status;
  });
}
