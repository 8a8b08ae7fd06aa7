import { FsError, type Proc } from "@ksim/sim";
import type { ProcessContext } from "../runtime/process.js";
import { describeError, has, last, usageFailure, withOptions } from "./common.js";

/**
 * GNU coreutils' truncate (8.26 to 8.32): sets each file's size with truncate(2), creating it
 * unless -c. A larger size leaves a hole, which takes no blocks until written (`ls -l` shows the
 * size, `du` what is allocated); a smaller one frees the blocks past it. Sizes take K, M, G...
 * (1024) and KB, MB... (1000), and a leading +, -, <, >, / or % makes them relative.
 */

const UNITS = "KMGTPEZY";

function parseSize(text: string): number | undefined {
  const m = /^(\d+)(?:([KMGTPEZYkmgtpezy])(B|iB)?)?$/.exec(text);
  if (m === null) return undefined;
  const power = m[2] === undefined ? 0 : UNITS.indexOf(m[2].toUpperCase()) + 1;
  return Number(m[1]) * (m[3] === "B" ? 1000 : 1024) ** power;
}

/** The new size for a file of `current` bytes: absolute, or relative as the prefix says. */
function resolve(mode: string, size: number, current: number): number {
  switch (mode) {
    case "+":
      return current + size;
    case "-":
      return Math.max(0, current - size);
    case "<":
      return Math.min(current, size);
    case ">":
      return Math.max(current, size);
    case "/":
      return Math.floor(current / size) * size;
    case "%":
      return Math.ceil(current / size) * size;
    default:
      return size;
  }
}

export function* truncateProgram(ctx: ProcessContext): Proc<number> {
  const spec = { short: "cos:r:", long: { "no-create": "c", "io-blocks": "o", "size=": "s", "reference=": "r" } };
  return yield* withOptions(ctx, "gnu", spec, function* (o) {
    const sizeText = last(o, "s");
    const reference = last(o, "r");
    if (sizeText === undefined && reference === undefined) return usageFailure(ctx, "gnu", "you must specify either '--size' or '--reference'");
    if (has(o, "o")) {
      ctx.stderr.write("truncate: --io-blocks: ksim does not model block devices' I/O sizes\n");
      return 1;
    }
    let mode = "";
    let size = 0;
    if (sizeText !== undefined) {
      mode = /^[-+<>/%]/.test(sizeText) ? sizeText[0]! : "";
      const parsed = parseSize(sizeText.slice(mode.length));
      if (parsed === undefined) {
        ctx.stderr.write(`truncate: Invalid number: '${sizeText}'\n`);
        return 1;
      }
      if ((mode === "/" || mode === "%") && parsed === 0) {
        ctx.stderr.write("truncate: division by zero\n");
        return 1;
      }
      size = parsed;
    }
    if (reference !== undefined && sizeText !== undefined && mode === "") return usageFailure(ctx, "gnu", "you must specify a relative '--size' with '--reference'");
    if (o.operands.length === 0) return usageFailure(ctx, "gnu", "missing file operand");
    let base: number | undefined;
    if (reference !== undefined) {
      try {
        base = ctx.fs.stat(ctx.resolve(reference)).size;
      } catch (e) {
        if (!(e instanceof FsError)) throw e;
        ctx.stderr.write(`truncate: cannot stat '${reference}': ${e.description}\n`);
        return 1;
      }
    }
    let status = 0;
    for (const file of o.operands) {
      const path = ctx.resolve(file);
      try {
        if (!ctx.fs.exists(path)) {
          if (has(o, "c")) continue;
          ctx.fs.writeFile(path, new Uint8Array());
        }
        const current = base ?? ctx.fs.stat(path).size;
        const length = sizeText === undefined ? current : resolve(mode, size, current);
        try {
          ctx.fs.truncate(path, length);
        } catch (e) {
          // The open succeeded; ftruncate(2) refuses a file it cannot size (a device: EINVAL).
          if (!(e instanceof FsError && e.code === "EINVAL")) throw e;
          ctx.stderr.write(`truncate: failed to truncate '${file}' at ${length} bytes: ${e.description}\n`);
          status = 1;
        }
      } catch (e) {
        ctx.stderr.write(`truncate: cannot open '${file}' for writing: ${describeError(e)}\n`);
        status = 1;
      }
    }
    return status;
  });
}
