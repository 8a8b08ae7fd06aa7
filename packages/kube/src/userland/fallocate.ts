import { FsError, type Proc } from "@ksim/sim";
import type { ProcessContext } from "../runtime/process.js";
import { describeError, has, last, withOptions } from "./common.js";

/**
 * util-linux's fallocate (2.32, as Oracle Linux 8 and Debian ship it around then): gives a file
 * the blocks for `-l` bytes (from `-o`) at once, growing it with zeros, the quick way to fill a
 * disk. Hole punching, collapsing and keep-size mode change blocks inside a file, which ksim's
 * volumes do not track; those options say so instead of pretending.
 */

/** parse_size: `N[.F][K|M|G|T|P|E][iB|B]`, binary unless a bare `B` suffix makes it decimal. */
function parseSize(text: string): number | undefined {
  const m = /^(\d+)(?:\.(\d+))?(?:([KMGTPEZYkmgtpezy])(iB|ib|B|b)?)?$/.exec(text);
  if (m === null) return undefined;
  const power = m[3] === undefined ? 0 : "kmgtpezy".indexOf(m[3].toLowerCase()) + 1;
  const base = m[4] === "B" || m[4] === "b" ? 1000 : 1024;
  const value = Number(`${m[1]}.${m[2] ?? "0"}`) * base ** power;
  return Math.floor(value);
}

const UNMODELLED: Readonly<Record<string, string>> = { n: "-n", p: "-p", d: "-d", c: "-c", i: "-i", z: "-z" };

export function* fallocateProgram(ctx: ProcessContext): Proc<number> {
  const spec = {
    short: "cdil:no:pzxv",
    long: {
      "collapse-range": "c",
      "dig-holes": "d",
      "insert-range": "i",
      "length=": "l",
      "keep-size": "n",
      "offset=": "o",
      "punch-hole": "p",
      "zero-range": "z",
      posix: "x",
      verbose: "v",
    },
  };
  const fail = (message: string) => {
    ctx.stderr.write(`fallocate: ${message}\n`);
    return 1;
  };
  return yield* withOptions(ctx, "gnu", spec, function* (o) {
    for (const [flag, name] of Object.entries(UNMODELLED)) if (has(o, flag)) return fail(`${name}: ksim's volumes do not model blocks inside a file`);
    const lengthText = last(o, "l");
    if (lengthText === undefined) return fail("no length argument specified");
    const length = parseSize(lengthText);
    if (length === undefined || length <= 0) return fail("invalid length value specified");
    const offsetText = last(o, "o");
    const offset = offsetText === undefined ? 0 : parseSize(offsetText);
    if (offset === undefined) return fail("invalid offset value specified");
    const [file, ...extra] = o.operands;
    if (file === undefined) return fail("no filename specified.");
    if (extra.length > 0) {
      ctx.stderr.write("fallocate: unexpected number of arguments\n");
      return 1;
    }
    const path = ctx.resolve(file);
    try {
      if (!ctx.fs.exists(path)) ctx.fs.writeFile(path, new Uint8Array());
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
      return fail(`cannot open ${file}: ${e.description}`);
    }
    if (has(o, "v")) ctx.stdout.write(`${file}: fallocate offset=${offset}, length=${length}\n`);
    try {
      ctx.fs.fallocate(path, offset + length);
    } catch (e) {
      return fail(`fallocate failed: ${describeError(e)}`);
    }
    return 0;
  });
}
