import { FsError, type Proc } from "@ksim/sim";
import type { ProcessContext } from "../runtime/process.js";
import { describeError, has, last, usageFailure, withOptions } from "./common.js";

const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * coreutils' mktemp: a new file (or -d directory) named from a template whose trailing X's (at
 * least three) become random letters and digits, drawn from the process's seeded stream; without
 * a template `tmp.XXXXXXXXXX` in $TMPDIR or /tmp; -u only names one.
 */
export function mktempProgram(ctx: ProcessContext): Proc<number> {
  const long = { directory: "d", "dry-run": "u", quiet: "q", "suffix=": "S", "tmpdir=": "p" };
  return withOptions(ctx, "gnu", { short: "dup:qt", long }, function* (o) {
    if (o.operands.length > 1) return usageFailure(ctx, "gnu", `too many templates`);
    const given = o.operands[0];
    const template = given ?? "tmp.XXXXXXXXXX";
    const suffix = last(o, "S") ?? "";
    const run = /X*$/.exec(template)![0].length;
    if (run < 3) {
      ctx.stderr.write(`mktemp: too few X's in template '${template}${suffix}'\n`);
      return 1;
    }
    // -p DIR, -t or no template: in $TMPDIR, else /tmp (a given -p DIR wins).
    const tmpdir = ctx.environ.get("TMPDIR") || "/tmp";
    const dir = has(o, "p") ? last(o, "p") || tmpdir : given === undefined || has(o, "t") ? tmpdir : undefined;
    for (let attempt = 0; attempt < 100; attempt++) {
      let name = template.slice(0, template.length - run);
      for (let i = 0; i < run; i++) name += LETTERS[ctx.random.int(0, LETTERS.length - 1)];
      const path = (dir === undefined ? name : `${dir.replace(/\/$/, "")}/${name}`) + suffix;
      const abs = ctx.resolve(path);
      try {
        if (!has(o, "u")) {
          if (has(o, "d")) ctx.fs.mkdir(abs, { mode: 0o700 });
          else {
            if (ctx.fs.exists(abs)) continue;
            ctx.fs.writeFile(abs, "", { mode: 0o600 });
          }
        } else if (ctx.fs.exists(abs)) continue;
      } catch (e) {
        if (!(e instanceof FsError)) throw e;
        if (e.code === "EEXIST") continue;
        if (!has(o, "q")) ctx.stderr.write(`mktemp: failed to create ${has(o, "d") ? "directory" : "file"} via template '${dir === undefined ? template : `${dir}/${template}`}${suffix}': ${describeError(e)}\n`);
        return 1;
      }
      ctx.stdout.write(`${path}\n`);
      return 0;
    }
    return 1;
  });
}
