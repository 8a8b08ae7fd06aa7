import { FsError, type Proc } from "@ksim/sim";
import { basename } from "../runtime/fs.js";
import type { ProcessContext } from "../runtime/process.js";
import { describeError, has, lstatOrUndefined, statOrUndefined, usageFailure, withOptions, type Flavor, type OptionSpec } from "./common.js";

/** ln, coreutils' and busybox's: symbolic links (-s) and hard links, into a directory or by name. */

export function lnProgram(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    const spec: OptionSpec =
      flavor === "gnu"
        ? { short: "sfnvT", long: { symbolic: "s", force: "f", "no-dereference": "n", "no-target-directory": "T", verbose: "v" } }
        : { short: "sfnv", long: {} };
    return yield* withOptions(ctx, flavor, spec, function* (o) {
      const operands = o.operands;
      if (operands.length === 0) return usageFailure(ctx, flavor, "missing file operand");
      const symbolic = has(o, "s");
      const noDeref = has(o, "n");
      // The last operand is a directory to link into, unless -T or a single operand says otherwise.
      const lastOperand = operands[operands.length - 1]!;
      const destIsDir = operands.length > 1 && !has(o, "T") && (noDeref ? lstatOrUndefined(ctx, lastOperand) : statOrUndefined(ctx, lastOperand))?.type === "dir";
      let pairs: [string, string][];
      if (operands.length === 1) pairs = [[lastOperand, basename(lastOperand)]];
      else if (destIsDir) pairs = operands.slice(0, -1).map((t) => [t, `${lastOperand.replace(/\/+$/, "")}/${basename(t)}`]);
      else if (operands.length === 2) pairs = [[operands[0]!, lastOperand]];
      else {
        if (flavor === "busybox") return usageFailure(ctx, flavor, `${lastOperand}: Not a directory`);
        ctx.stderr.write(`ln: target '${lastOperand}' is not a directory\n`);
        return 1;
      }
      let status = 0;
      for (const [target, name] of pairs) {
        const fail = (reason: string) => {
          if (flavor === "busybox") ctx.stderr.write(`ln: ${name}: ${reason}\n`);
          else if (symbolic) ctx.stderr.write(`ln: failed to create symbolic link '${name}': ${reason}\n`);
          else ctx.stderr.write(`ln: failed to create hard link '${name}' => '${target}': ${reason}\n`);
          status = 1;
        };
        if (!symbolic) {
          const st = lstatOrUndefined(ctx, target);
          if (st === undefined) {
            ctx.stderr.write(flavor === "busybox" ? `ln: ${target}: No such file or directory\n` : `ln: failed to access '${target}': No such file or directory\n`);
            status = 1;
            continue;
          }
          if (st.type === "dir") {
            ctx.stderr.write(flavor === "busybox" ? `ln: ${name}: Operation not permitted\n` : `ln: ${target}: hard link not allowed for directory\n`);
            status = 1;
            continue;
          }
        }
        const path = ctx.resolve(name);
        try {
          const existing = has(o, "f") ? lstatOrUndefined(ctx, name) : undefined;
          if (existing?.type === "dir") {
            fail("Is a directory");
            continue;
          }
          if (existing !== undefined) ctx.fs.unlink(path);
          if (symbolic) ctx.fs.symlink(target, path);
          else ctx.fs.link(ctx.resolve(target), path);
        } catch (e) {
          if (!(e instanceof FsError)) throw e;
          fail(describeError(e));
          continue;
        }
        if (has(o, "v") && flavor === "gnu") ctx.stdout.write(`'${name}' ${symbolic ? "->" : "=>"} '${target}'\n`);
      }
      return status;
    });
  };
}
