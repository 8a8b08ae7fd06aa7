import { FsError, type Proc } from "@ksim/sim";
import type { ProcessContext } from "../runtime/process.js";
import { has, usageFailure, withOptions, type Flavor } from "./common.js";

/** Links followed before canonicalization gives up (the kernel's limit, which ELOOP reports). */
const MAX_LINKS = 40;

/**
 * canonicalize_filename_mode: the absolute path with every link resolved. "f": all but the last
 * component must exist; "e": all must; "m": none need to. Undefined when the path fails that.
 */
function canonicalize(ctx: ProcessContext, name: string, mode: "f" | "e" | "m"): string | undefined {
  // Joined, not normalized: ".." is taken after the links before it are followed, as the kernel does.
  let pending = (name.startsWith("/") ? name : `${ctx.cwd}/${name}`).split("/").filter((c) => c !== "" && c !== ".");
  const done: string[] = [];
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === "..") {
      done.pop();
      continue;
    }
    const path = `/${[...done, part].join("/")}`;
    let target: string | undefined;
    try {
      const st = ctx.fs.lstat(path);
      if (st.type === "symlink") target = ctx.fs.readlink(path);
      else if (pending.length > 0 && st.type !== "dir") return mode === "m" ? `/${[...done, part, ...pending].join("/")}` : undefined;
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
      if (mode === "e" || (mode === "f" && pending.length > 0)) return undefined;
      done.push(part);
      continue;
    }
    if (target === undefined) {
      done.push(part);
      continue;
    }
    if (++hops > MAX_LINKS) return undefined;
    if (target.startsWith("/")) done.length = 0;
    const next: string[] = [];
    for (const c of [...target.split("/"), ...pending]) {
      if (c === "" || c === ".") continue;
      next.push(c);
    }
    pending = next;
  }
  return `/${done.join("/")}`;
}

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
