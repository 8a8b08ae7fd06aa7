import { FsError, type Proc } from "@ksim/sim";
import type { ProcessContext } from "../runtime/process.js";
import { canonicalize, has, usageFailure, withOptions, type Flavor } from "./common.js";

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
