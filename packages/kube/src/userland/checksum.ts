import { createHash } from "node:crypto";
import { encodeText, FsError, type Proc } from "@ksim/sim";
import type { ProcessContext } from "../runtime/process.js";
import { describeError, has, programName, readStdin, splitLines, withOptions, type Flavor } from "./common.js";

/**
 * md5sum, sha1sum, sha256sum and sha512sum (coreutils and busybox): `HASH  FILE` per operand
 * (`-` and no operand are standard input), and `-c` to check a list of them, with coreutils'
 * OK/FAILED lines and WARNING summary. Files are hashed as bytes; standard input, which ksim
 * carries as text, as its UTF-8 encoding.
 */
export function checksum(algorithm: "md5" | "sha1" | "sha256" | "sha512", flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    const spec = { short: "cbtwqs", long: { check: "c", binary: "b", text: "t", warn: "w", quiet: "q", status: "s", tag: "tag" } };
    return yield* withOptions(ctx, flavor, spec, function* (o) {
      const name = programName(ctx);
      const digest = function* (file: string): Proc<string> {
        const data = file === "-" ? encodeText(yield* readStdin(ctx)) : ctx.fs.readFile(ctx.resolve(file));
        return createHash(algorithm).update(data).digest("hex");
      };
      const files = o.operands.length > 0 ? o.operands : ["-"];
      let status = 0;
      if (!has(o, "c")) {
        for (const file of files) {
          try {
            ctx.stdout.write(`${yield* digest(file)}  ${file}\n`);
          } catch (e) {
            if (!(e instanceof FsError)) throw e;
            ctx.stderr.write(`${name}: ${file}: ${describeError(e)}\n`);
            status = 1;
          }
        }
        return status;
      }
      let failed = 0;
      let unreadable = 0;
      let malformed = 0;
      for (const list of files) {
        let text: string;
        try {
          text = list === "-" ? yield* readStdin(ctx) : ctx.fs.readText(ctx.resolve(list));
        } catch (e) {
          if (!(e instanceof FsError)) throw e;
          ctx.stderr.write(`${name}: ${list}: ${describeError(e)}\n`);
          status = 1;
          continue;
        }
        for (const line of splitLines(text)) {
          const m = /^([0-9a-fA-F]+) [ *](.+)$/.exec(line);
          if (m === null) {
            malformed++;
            continue;
          }
          let actual: string;
          try {
            actual = yield* digest(m[2]!);
          } catch (e) {
            if (!(e instanceof FsError)) throw e;
            ctx.stderr.write(`${name}: ${m[2]}: ${describeError(e)}\n`);
            if (!has(o, "s")) ctx.stdout.write(`${m[2]}: FAILED open or read\n`);
            unreadable++;
            continue;
          }
          const ok = actual === m[1]!.toLowerCase();
          if (!ok) failed++;
          if (!has(o, "s") && !(ok && has(o, "q"))) ctx.stdout.write(`${m[2]}: ${ok ? "OK" : "FAILED"}\n`);
        }
      }
      const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);
      if (!has(o, "s")) {
        if (malformed > 0) ctx.stderr.write(`${name}: WARNING: ${malformed} ${plural(malformed, "line is", "lines are")} improperly formatted\n`);
        if (unreadable > 0) ctx.stderr.write(`${name}: WARNING: ${unreadable} listed ${plural(unreadable, "file", "files")} could not be read\n`);
        if (failed > 0) ctx.stderr.write(`${name}: WARNING: ${failed} computed ${plural(failed, "checksum", "checksums")} did NOT match\n`);
      }
      return status !== 0 || failed > 0 || unreadable > 0 ? 1 : 0;
    });
  };
}
