import { race, wait, type Proc } from "@ksim/sim";
import { SpawnError, type ChildProcess, type ProcessContext } from "../runtime/process.js";
import { has, last, usageFailure, withOptions, type Flavor } from "./common.js";

/**
 * xargs: builds command lines from standard input (blank-separated words, with xargs's own
 * quoting) and runs them one after another — `kubectl get nodes -o name | xargs -n1 kubectl cordon`.
 */
export function xargs(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    const spec = {
      short: "n:I:rt0L:P:d:",
      long: { "max-args=": "n", "no-run-if-empty": "r", verbose: "t", null: "0", "max-lines=": "L", "max-procs=": "P", "delimiter=": "d" },
      inOrder: true,
    };
    return yield* withOptions(ctx, flavor, spec, function* (o) {
      const command = o.operands.length > 0 ? o.operands : ["echo"];
      const n = last(o, "n");
      const maxArgs = n === undefined ? Number.POSITIVE_INFINITY : Number(n);
      if (n !== undefined && (!Number.isInteger(maxArgs) || maxArgs < 1)) return usageFailure(ctx, flavor, `value ${n} for -n option should be >= 1`);
      const l = last(o, "L");
      const maxLines = l === undefined ? undefined : Number(l);
      if (maxLines !== undefined && (!Number.isInteger(maxLines) || maxLines < 1)) return usageFailure(ctx, flavor, `value ${l} for -L option should be >= 1`);
      const p = last(o, "P");
      const procs = p === undefined ? 1 : Number(p);
      if (!Number.isInteger(procs) || procs < 0) return usageFailure(ctx, flavor, `value ${p} for -P option should be >= 0`);
      let input = "";
      for (;;) {
        const chunk = yield* wait(ctx.stdin.read());
        if (chunk === null) break;
        input += chunk;
      }
      const replace = last(o, "I");
      const delimiter = last(o, "d");
      let items: string[];
      const lines: string[][] = [];
      if (replace !== undefined) items = input.split("\n").map((l) => l.replace(/^[ \t]+/, "")).filter((l) => l !== "");
      else if (has(o, "0") || delimiter !== undefined) items = input.split(has(o, "0") ? "\0" : unescapeDelimiter(delimiter!)).filter((w, i, all) => w !== "" || i < all.length - 1);
      else if (maxLines !== undefined) {
        // -L: the words of so many non-blank input lines a command (a line ending in a blank goes on).
        const groups: string[][] = [];
        let current: string[] = [];
        let count = 0;
        for (const line of input.split("\n")) {
          const words = splitWords(line);
          if (typeof words === "string") {
            ctx.stderr.write(`xargs: ${words}\n`);
            return 1;
          }
          current.push(...words);
          if (words.length > 0 && !/[ \t]$/.test(line)) count++;
          if (count === maxLines) {
            groups.push(current);
            current = [];
            count = 0;
          }
        }
        if (current.length > 0) groups.push(current);
        for (const g of groups) lines.push([...command, ...g]);
        if (groups.length === 0 && !has(o, "r")) lines.push([...command]);
        items = [];
      } else {
        const words = splitWords(input);
        if (typeof words === "string") {
          ctx.stderr.write(`xargs: ${words}\n`);
          return 1;
        }
        items = words;
      }
      if (replace !== undefined) for (const item of items) lines.push(command.map((a) => a.split(replace).join(item)));
      else if (maxLines !== undefined && !has(o, "0") && delimiter === undefined) {
        // Grouped above.
      } else if (items.length === 0) {
        if (!has(o, "r")) lines.push([...command]);
      } else {
        const per = Number.isFinite(maxArgs) ? maxArgs : items.length;
        for (let i = 0; i < items.length; i += per) lines.push([...command, ...items.slice(i, i + per)]);
      }
      let status = 0;
      // Up to -P commands at once (0: as many as there are); each slot frees when one ends.
      const running: { argv: readonly string[]; child: ChildProcess }[] = [];
      const reap = function* (): Proc<number | undefined> {
        const r = yield* wait(race(running.map((x) => x.child.exited)));
        const [done] = running.splice(r.index, 1);
        const code = r.value;
        // GNU xargs: 255 from a command stops everything (124); 1-125 makes the final status 123.
        if (code === 255) {
          ctx.stderr.write(`xargs: ${done!.argv[0]}: exited with status 255; aborting\n`);
          return 124;
        }
        if (code >= 1 && code <= 125) status = 123;
        return undefined;
      };
      for (const argv of lines) {
        if (has(o, "t")) ctx.stderr.write(`${argv.join(" ")}\n`);
        while (procs !== 0 && running.length >= procs) {
          const stop = yield* reap();
          if (stop !== undefined) return stop;
        }
        try {
          running.push({ argv, child: ctx.spawn(argv) });
        } catch (e) {
          if (!(e instanceof SpawnError)) throw e;
          ctx.stderr.write(`xargs: ${argv[0]}: ${e.reason === "not found" ? "No such file or directory" : e.reason}\n`);
          return e.reason === "not found" ? 127 : 126;
        }
      }
      while (running.length > 0) {
        const stop = yield* reap();
        if (stop !== undefined) return stop;
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

/** -d's delimiter: one character, or an escape (\n, \t, \0, \\). */
function unescapeDelimiter(d: string): string {
  const escapes: Record<string, string> = { n: "\n", t: "\t", "0": "\0", "\\": "\\" };
  return d.startsWith("\\") && d.length === 2 ? (escapes[d[1]!] ?? d[1]!) : d;
}
