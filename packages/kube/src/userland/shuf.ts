import type { Proc } from "@ksim/sim";
import type { ProcessContext } from "../runtime/process.js";
import { has, last, roomToWrite, usageFailure, withOptions, writeOutput } from "./common.js";
import { readAll } from "./textutils.js";

/**
 * coreutils' shuf: the lines of a file (or -e's arguments, or -i's numbers) in a random order
 * drawn from the process's seeded stream, so a run is the same for the same seed; -n keeps so
 * many, -r draws with repetition (forever without -n, unless into a file with -o, where it
 * stops at as many as there are lines: a file that never closes is no use to a simulation).
 */
export function* shufProgram(ctx: ProcessContext): Proc<number> {
  const long = { echo: "e", "input-range=": "i", "head-count=": "n", "output=": "o", repeat: "r", "zero-terminated": "z", "random-source=": "random" };
  return yield* withOptions(ctx, "gnu", { short: "ei:n:o:rz", long }, function* (o) {
    if (has(o, "e") && has(o, "i")) return usageFailure(ctx, "gnu", "cannot combine -e and -i options");
    const count = last(o, "n");
    if (count !== undefined && !/^\d+$/.test(count)) {
      ctx.stderr.write(`shuf: invalid line count: '${count}'\n`);
      return 1;
    }
    const end = has(o, "z") ? "\0" : "\n";
    let items: string[];
    const range = last(o, "i");
    if (range !== undefined) {
      const m = /^(\d+)-(\d+)$/.exec(range);
      if (m === null || Number(m[1]) > Number(m[2]) + 1) {
        ctx.stderr.write(`shuf: invalid input range: '${m === null ? range.split("-")[0] : range}'\n`);
        return 1;
      }
      items = [];
      for (let n = Number(m[1]); n <= Number(m[2]); n++) items.push(String(n));
    } else if (has(o, "e")) items = [...o.operands];
    else {
      if (o.operands.length > 1) return usageFailure(ctx, "gnu", `extra operand '${o.operands[1]}'`);
      const texts = yield* readAll(ctx, "shuf", [o.operands[0] ?? "-"]);
      if (texts === undefined) return 1;
      const text = texts[0]!;
      items = text === "" ? [] : text.split(end);
      if (text.endsWith(end)) items.pop();
    }
    const want = count === undefined ? undefined : Number(count);
    let out: string[];
    if (has(o, "r")) {
      if (items.length === 0) {
        if (want === 0) return 0;
        ctx.stderr.write("shuf: no lines to repeat\n");
        return 1;
      }
      const draw = () => items[ctx.random.int(0, items.length - 1)]! + end;
      if (want === undefined && last(o, "o") === undefined) {
        // Without -n it never ends: a buffer at a time, as the reader takes it (`shuf -r ... | head`).
        for (;;) {
          let chunk = "";
          for (let i = 0; i < 512; i++) chunk += draw();
          ctx.stdout.write(chunk);
          yield* roomToWrite(ctx);
        }
      }
      out = Array.from({ length: want ?? items.length }, () => items[ctx.random.int(0, items.length - 1)]!);
    } else {
      // Fisher-Yates, as many places as asked for.
      const pool = [...items];
      const n = Math.min(want ?? pool.length, pool.length);
      for (let i = 0; i < n; i++) {
        const j = ctx.random.int(i, pool.length - 1);
        [pool[i], pool[j]] = [pool[j]!, pool[i]!];
      }
      out = pool.slice(0, n);
    }
    const text = out.map((l) => l + end).join("");
    const target = last(o, "o");
    if (target !== undefined) writeOutput(ctx, target, text);
    else ctx.stdout.write(text);
    return 0;
  });
}
