import { wait, type Proc } from "@ksim/sim";
import { SpawnError, type ProcessContext } from "../runtime/process.js";
import { has, last, usageFailure, withOptions, type Flavor } from "./common.js";

/**
 * xargs: builds command lines from standard input (blank-separated words, with xargs's own
 * quoting) and runs them one after another — `kubectl get nodes -o name | xargs -n1 kubectl cordon`.
 */
export function xargs(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    const spec = { short: "n:I:rt0", long: { "max-args=": "n", "no-run-if-empty": "r", verbose: "t", null: "0" }, inOrder: true };
    return yield* withOptions(ctx, flavor, spec, function* (o) {
      const command = o.operands.length > 0 ? o.operands : ["echo"];
      const n = last(o, "n");
      const maxArgs = n === undefined ? Number.POSITIVE_INFINITY : Number(n);
      if (n !== undefined && (!Number.isInteger(maxArgs) || maxArgs < 1)) return usageFailure(ctx, flavor, `value ${n} for -n option should be >= 1`);
      let input = "";
      for (;;) {
        const chunk = yield* wait(ctx.stdin.read());
        if (chunk === null) break;
        input += chunk;
      }
      const replace = last(o, "I");
      let items: string[];
      if (replace !== undefined) items = input.split("\n").map((l) => l.replace(/^[ \t]+/, "")).filter((l) => l !== "");
      else if (has(o, "0")) items = input.split("\0").filter((w) => w !== "");
      else {
        const words = splitWords(input);
        if (typeof words === "string") {
          ctx.stderr.write(`xargs: ${words}\n`);
          return 1;
        }
        items = words;
      }
      const lines: string[][] = [];
      if (replace !== undefined) for (const item of items) lines.push(command.map((a) => a.split(replace).join(item)));
      else if (items.length === 0) {
        if (!has(o, "r")) lines.push([...command]);
      } else {
        const per = Number.isFinite(maxArgs) ? maxArgs : items.length;
        for (let i = 0; i < items.length; i += per) lines.push([...command, ...items.slice(i, i + per)]);
      }
      let status = 0;
      for (const argv of lines) {
        if (has(o, "t")) ctx.stderr.write(`${argv.join(" ")}\n`);
        let code: number;
        try {
          code = yield* ctx.run(argv);
        } catch (e) {
          if (!(e instanceof SpawnError)) throw e;
          ctx.stderr.write(`xargs: ${argv[0]}: ${e.reason === "not found" ? "No such file or directory" : e.reason}\n`);
          return e.reason === "not found" ? 127 : 126;
        }
        // GNU xargs: 255 from a command stops everything (124); 1-125 makes the final status 123.
        if (code === 255) {
          ctx.stderr.write(`xargs: ${argv[0]}: exited with status 255; aborting\n`);
          return 124;
        }
        if (code >= 1 && code <= 125) status = 123;
      }
      return status;
    });
  };
}

/** Words separated by blanks and newlines; quotes and backslashes as xargs reads them. */
function splitWords(input: string): string[] | string {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (c === " " || c === "\t" || c === "\n") {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'" || c === '"') {
      const end = input.indexOf(c, i + 1);
      const newline = input.indexOf("\n", i + 1);
      if (end < 0 || (newline >= 0 && newline < end)) return `unmatched ${c === "'" ? "single" : "double"} quote; by default quotes are special to xargs unless you use the -0 option`;
      word = (word ?? "") + input.slice(i + 1, end);
      i = end;
    } else if (c === "\\" && i + 1 < input.length) word = (word ?? "") + input[++i];
    else word = (word ?? "") + c;
  }
  if (word !== undefined) words.push(word);
  return words;
}
