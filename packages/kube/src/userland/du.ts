import { FsError, type Proc } from "@ksim/sim";
import type { FileStat } from "../runtime/fs.js";
import type { ProcessContext } from "../runtime/process.js";
import { describeError, diskBlocks, has, humanSize, last, mountOf, usageFailure, withOptions, type Flavor } from "./common.js";

/**
 * du: disk usage of each directory below each operand, children before their parent, in 1 KiB
 * blocks of the 4 KiB blocks files occupy (as `ls -s` counts them); `-s` one line per operand,
 * `-a` files too, `-d`/`--max-depth` a depth limit on what is printed, `-c` a grand total,
 * `-h`, `-m`, `-b`/`--apparent-size` for other units. Entries come in directory order, as fts
 * walks them (real filesystems give no sorted order either); hard links count once.
 */
export function du(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    const spec = {
      short: "sachkmbxd:L",
      long: { summarize: "s", all: "a", total: "c", "human-readable": "h", bytes: "b", "apparent-size": "apparent-size", "max-depth=": "d", "one-file-system": "x", dereference: "L" },
    };
    return yield* withOptions(ctx, flavor, spec, function* (o) {
      const depthText = last(o, "d");
      const maxDepth = depthText === undefined ? Number.POSITIVE_INFINITY : Number(depthText);
      if (depthText !== undefined && !/^[0-9]+$/.test(depthText)) return usageFailure(ctx, flavor, `invalid maximum depth '${depthText}'`);
      if (has(o, "s") && has(o, "a")) return usageFailure(ctx, flavor, "cannot both summarize and show all entries");
      if (has(o, "s") && depthText !== undefined) {
        if (maxDepth !== 0) return usageFailure(ctx, flavor, `warning: summarizing conflicts with --max-depth=${maxDepth}`);
        ctx.stderr.write("du: warning: summarizing is the same as using --max-depth=0\n");
      }
      const apparent = has(o, "b") || has(o, "apparent-size");
      const limit = has(o, "s") ? 0 : maxDepth;
      // Sizes are kept in bytes: blocks × 1 KiB, or the apparent size.
      const sizeOf = (st: FileStat) => (apparent ? (st.type === "dir" ? 4096 : st.type === "symlink" ? 0 : st.size) : diskBlocks(st) * 1024);
      const show = (bytes: number): string => {
        if (has(o, "h")) return humanSize(bytes);
        if (has(o, "b")) return String(bytes);
        if (has(o, "m")) return String(Math.ceil(bytes / 1048576));
        return String(Math.ceil(bytes / 1024));
      };
      let status = 0;
      const print = (bytes: number, path: string) => ctx.stdout.write(`${show(bytes)}\t${path}\n`);
      // A file with several names is counted (and listed) once, under the first name met.
      const table = ctx.fs.mountTable?.() ?? [];
      const seen = new Set<string>();
      const walk = (path: string, depth: number): number => {
        const st = ctx.fs.lstat(ctx.resolve(path));
        if (st.type !== "dir" && st.nlink > 1) {
          const key = `${table.length > 0 ? mountOf(table, ctx.resolve(path)).device.id : ""}:${st.ino}`;
          if (seen.has(key)) return 0;
          seen.add(key);
        }
        let total = sizeOf(st);
        if (st.type === "dir") {
          let names: string[] = [];
          try {
            names = ctx.fs.readdir(ctx.resolve(path));
          } catch (e) {
            if (!(e instanceof FsError)) throw e;
            ctx.stderr.write(`du: cannot read directory '${path}': ${describeError(e)}\n`);
            status = 1;
          }
          for (const name of names) total += walk(path.endsWith("/") ? path + name : `${path}/${name}`, depth + 1);
          if (depth <= limit) print(total, path);
        } else if (depth === 0 || (has(o, "a") && depth <= limit)) print(total, path);
        return total;
      };
      let grand = 0;
      for (const operand of o.operands.length > 0 ? o.operands : ["."]) {
        try {
          ctx.fs.lstat(ctx.resolve(operand));
        } catch (e) {
          if (!(e instanceof FsError)) throw e;
          ctx.stderr.write(`du: cannot access '${operand}': ${describeError(e)}\n`);
          status = 1;
          continue;
        }
        grand += walk(operand, 0);
      }
      if (has(o, "c")) print(grand, "total");
      return status;
    });
  };
}
