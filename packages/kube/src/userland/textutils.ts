import type { Proc } from "@ksim/sim";
import type { ProcessContext } from "../runtime/process.js";
import { describeError, has, last, readInput, usageFailure, withOptions, type Flavor } from "./common.js";
import { compileRegex, RegexError } from "./regex.js";

/**
 * Coreutils' line tools that came from GNU textutils: paste, nl, fold and comm, as coreutils 9.1
 * (Debian 12) has them in the C locale.
 */

/** A file's lines, the last one whether or not a newline ends it. */
function linesOf(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (text.endsWith("\n")) lines.pop();
  return lines;
}

/** Reads every operand first, as these tools open them all before they write; undefined after a message on failure. */
export function* readAll(ctx: ProcessContext, name: string, operands: readonly string[]): Proc<string[] | undefined> {
  const texts: string[] = [];
  // `-` named twice reads standard input once: later `-`s take the lines the first left.
  let stdin: string | undefined;
  for (const f of operands) {
    try {
      texts.push(f === "-" ? (stdin ??= yield* readInput(ctx, f)) : yield* readInput(ctx, f));
    } catch (e) {
      ctx.stderr.write(`${name}: ${f}: ${describeError(e)}\n`);
      return undefined;
    }
  }
  return texts;
}

/** paste's delimiter list: `\n`, `\t`, `\\` and `\0` (no delimiter) escaped, used in turn. */
function delimiterList(spec: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i]!;
    if (c !== "\\" || i + 1 >= spec.length) {
      out.push(c);
      continue;
    }
    const n = spec[++i]!;
    out.push(n === "n" ? "\n" : n === "t" ? "\t" : n === "0" ? "" : n === "b" ? "\b" : n === "f" ? "\f" : n === "r" ? "\r" : n === "v" ? "\v" : n);
  }
  return out;
}

export function paste(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    return yield* withOptions(ctx, flavor, { short: "d:sz", long: { "delimiters=": "d", serial: "s", "zero-terminated": "z" } }, function* (o) {
      const operands = o.operands.length === 0 ? ["-"] : o.operands;
      const texts = yield* readAll(ctx, "paste", operands);
      if (texts === undefined) return 1;
      const delims = delimiterList(last(o, "d") ?? "\t");
      const end = has(o, "z") ? "\0" : "\n";
      const split = (t: string) => (has(o, "z") ? t.split("\0").filter((_, i, a) => i < a.length - 1 || a[i] !== "") : linesOf(t));
      const delim = (i: number) => (delims.length === 0 ? "" : delims[i % delims.length]!);
      let out = "";
      if (has(o, "s")) {
        for (const text of texts) {
          const lines = split(text);
          out += lines.map((l, i) => (i === 0 ? l : delim(i - 1) + l)).join("") + end;
        }
      } else {
        // Each `-` takes the next line of standard input in turn.
        const files = texts.map(split);
        const cursor = new Map<string[], number>();
        const sources = operands.map((f, i) => (f === "-" ? files[operands.indexOf("-")]! : files[i]!));
        for (;;) {
          let any = false;
          const fields = sources.map((lines) => {
            const at = cursor.get(lines) ?? 0;
            if (at >= lines.length) return "";
            any = true;
            cursor.set(lines, at + 1);
            return lines[at]!;
          });
          if (!any) break;
          out += fields.map((f, i) => (i === 0 ? f : delim(i - 1) + f)).join("") + end;
        }
      }
      ctx.stdout.write(out);
      return 0;
    });
  };
}

type NumberingStyle = { readonly kind: "a" | "t" | "n" } | { readonly kind: "p"; readonly re: RegExp };

export function nl(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    const long = { "body-numbering=": "b", "number-format=": "n", "number-width=": "w", "number-separator=": "s", "starting-line-number=": "v", "line-increment=": "i" };
    return yield* withOptions(ctx, flavor, { short: "b:n:w:s:v:i:", long }, function* (o) {
      const styleText = last(o, "b") ?? "t";
      let style: NumberingStyle;
      if (styleText === "a" || styleText === "t" || styleText === "n") style = { kind: styleText };
      else if (styleText.startsWith("p")) {
        try {
          style = { kind: "p", re: compileRegex(styleText.slice(1), false) };
        } catch (e) {
          if (!(e instanceof RegexError)) throw e;
          ctx.stderr.write(`nl: ${e.message}\n`);
          return 1;
        }
      } else {
        return usageFailure(ctx, flavor, `invalid body numbering style: '${styleText}'`);
      }
      const format = last(o, "n") ?? "rn";
      if (format !== "ln" && format !== "rn" && format !== "rz") {
        ctx.stderr.write(`nl: invalid line numbering format: '${format}'\n`);
        return 1;
      }
      const number = (flag: string, fallback: number, what: string, min: number): number | undefined => {
        const text = last(o, flag);
        if (text === undefined) return fallback;
        const n = /^[+-]?\d+$/.test(text) ? Number(text) : NaN;
        if (Number.isNaN(n) || n < min) {
          ctx.stderr.write(`nl: invalid ${what}: '${text}'${Number.isNaN(n) ? "" : ": Numerical result out of range"}\n`);
          return undefined;
        }
        return n;
      };
      const width = number("w", 6, "line number field width", 1);
      const start = number("v", 1, "starting line number", -Infinity);
      const increment = number("i", 1, "line number increment", -Infinity);
      if (width === undefined || start === undefined || increment === undefined) return 1;
      const separator = last(o, "s") ?? "\t";
      const texts = yield* readAll(ctx, "nl", o.operands.length === 0 ? ["-"] : o.operands);
      if (texts === undefined) return 1;
      let n = start;
      let out = "";
      for (const text of texts) {
        for (const line of linesOf(text)) {
          const numbered = style.kind === "a" || (style.kind === "t" && line !== "") || (style.kind === "p" && style.re.test(line));
          if (!numbered) {
            out += `${" ".repeat(width + separator.length)}${line}\n`;
            continue;
          }
          const digits = String(Math.abs(n));
          const sign = n < 0 ? "-" : "";
          const field = format === "ln" ? (sign + digits).padEnd(width) : format === "rz" ? sign + digits.padStart(width - sign.length, "0") : (sign + digits).padStart(width);
          out += `${field}${separator}${line}\n`;
          n += increment;
        }
      }
      ctx.stdout.write(out);
      return 0;
    });
  };
}

/** fold's column after `c`: a tab to the next multiple of 8, backspace back one, CR to 0 (with -b every byte is one). */
function advance(column: number, c: string, bytes: boolean): number {
  if (bytes) return column + 1;
  if (c === "\b") return Math.max(0, column - 1);
  if (c === "\r") return 0;
  if (c === "\t") return column + 8 - (column % 8);
  return column + 1;
}

/** fold.c's fold_file: a line is cut before the character that would pass the width (after the last blank, with -s). */
function foldText(text: string, width: number, spaces: boolean, bytes: boolean): string {
  let out = "";
  let line = "";
  let column = 0;
  for (const c of text) {
    if (c === "\n") {
      out += `${line}\n`;
      line = "";
      column = 0;
      continue;
    }
    for (;;) {
      column = advance(column, c, bytes);
      if (column <= width) break;
      if (spaces) {
        const blank = Math.max(line.lastIndexOf(" "), line.lastIndexOf("\t"));
        if (blank >= 0) {
          out += `${line.slice(0, blank + 1)}\n`;
          line = line.slice(blank + 1);
          column = 0;
          for (const d of line) column = advance(column, d, bytes);
          continue;
        }
      }
      if (line === "") break;
      out += `${line}\n`;
      line = "";
      column = 0;
    }
    line += c;
  }
  return out + line;
}

export function fold(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    return yield* withOptions(ctx, flavor, { short: "bsw:", long: { bytes: "b", spaces: "s", "width=": "w" }, numeric: true }, function* (o) {
      const text = last(o, "w") ?? last(o, "#") ?? "80";
      const width = /^\d+$/.test(text) ? Number(text) : NaN;
      if (!(width >= 1)) {
        ctx.stderr.write(`fold: invalid number of columns: '${text}'${Number.isNaN(width) ? "" : ": Numerical result out of range"}\n`);
        return 1;
      }
      let status = 0;
      for (const f of o.operands.length === 0 ? ["-"] : o.operands) {
        try {
          ctx.stdout.write(foldText(yield* readInput(ctx, f), width, has(o, "s"), has(o, "b")));
        } catch (e) {
          ctx.stderr.write(`fold: ${f}: ${describeError(e)}\n`);
          status = 1;
        }
      }
      return status;
    });
  };
}

/** comm and join take two files, no more and no fewer: the status of the usage error, if any. */
function twoOperands(ctx: ProcessContext, flavor: Flavor, operands: readonly string[]): number | undefined {
  if (operands.length < 2) return usageFailure(ctx, flavor, operands.length === 0 ? "missing operand" : `missing operand after '${operands[0]}'`);
  if (operands.length > 2) return usageFailure(ctx, flavor, `extra operand '${operands[2]}'`);
  return undefined;
}

export function comm(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    const long = { "check-order": "check", "nocheck-order": "nocheck", "output-delimiter=": "delim", total: "total", "zero-terminated": "z" };
    return yield* withOptions(ctx, flavor, { short: "123z", long }, function* (o) {
      const wrong = twoOperands(ctx, flavor, o.operands);
      if (wrong !== undefined) return wrong;
      const texts = yield* readAll(ctx, "comm", o.operands);
      if (texts === undefined) return 1;
      const [a, b] = texts.map(linesOf) as [string[], string[]];
      const delimiter = last(o, "delim") ?? "\t";
      const shown = [!has(o, "1"), !has(o, "2"), !has(o, "3")];
      const order = has(o, "check") ? "always" : has(o, "nocheck") ? "never" : "default";
      // Column n is indented by a delimiter for each shown column before it.
      const write = (col: 0 | 1 | 2, line: string) => {
        if (!shown[col]) return;
        out += delimiter.repeat(shown.slice(0, col).filter(Boolean).length) + line + "\n";
      };
      let out = "";
      const counts = [0, 0, 0];
      const files = [a, b];
      const at = [0, 0];
      const warned = [false, false];
      let unpairable = false;
      // compare_files' check_order: a line read is checked against the one before it once a line
      // has gone unpaired; at a file's end its last two lines again (an unpaired line may have come since).
      const check = (file: 0 | 1, prev: string, current: string): boolean => {
        if (order === "never" || (order === "default" && !unpairable) || warned[file] || prev <= current) return true;
        warned[file] = true;
        ctx.stdout.write(out);
        out = "";
        ctx.stderr.write(`comm: file ${file + 1} is not in sorted order\n`);
        return order !== "always";
      };
      const step = (file: 0 | 1): boolean => {
        const lines = files[file]!;
        const k = ++at[file]!;
        if (k < lines.length) return check(file, lines[k - 1]!, lines[k]!);
        return k < 2 || check(file, lines[k - 2]!, lines[k - 1]!);
      };
      while (at[0]! < a.length || at[1]! < b.length) {
        const x = a[at[0]!];
        const y = b[at[1]!];
        const cmp = x === undefined ? 1 : y === undefined ? -1 : x < y ? -1 : x > y ? 1 : 0;
        if (cmp === 0) write(2, y!);
        else {
          unpairable = true;
          write(cmp < 0 ? 0 : 1, cmp < 0 ? x! : y!);
        }
        counts[cmp < 0 ? 0 : cmp > 0 ? 1 : 2]!++;
        if (cmp <= 0 && !step(0)) return 1;
        if (cmp >= 0 && !step(1)) return 1;
      }
      if (has(o, "total")) out += `${counts.join(delimiter)}${delimiter}total\n`;
      ctx.stdout.write(out);
      if (warned[0] || warned[1]) {
        ctx.stderr.write("comm: input is not in sorted order\n");
        return 1;
      }
      return 0;
    });
  };
}

/**
 * expand's and unexpand's -t: one size (a stop every N columns) or a list of stops, after the
 * last of which expand writes a tab as one blank; the column the next stop after `column` is at.
 */
function tabStops(spec: string | undefined): ((column: number) => number | undefined) | string {
  if (spec === undefined) return (c) => c + 8 - (c % 8);
  const stops = spec.split(/[\s,]+/).filter((x) => x !== "").map(Number);
  if (stops.some((n) => !Number.isInteger(n) || n < 0)) return `tab size contains invalid character(s): '${spec}'`;
  if (stops.some((n) => n === 0)) return "tab size cannot be 0";
  if (stops.some((n, i) => i > 0 && n <= stops[i - 1]!)) return "tab sizes must be ascending";
  if (stops.length === 1) {
    const n = stops[0]!;
    return (c) => c + n - (c % n);
  }
  return (c) => stops.find((s) => s > c);
}

/** expand: tabs to blanks up to the next stop (-i only the leading ones); a backspace steps back. */
export function expand(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    return yield* withOptions(ctx, flavor, { short: "it:", long: { initial: "i", "tabs=": "t" } }, function* (o) {
      const next = tabStops(o.flags.get("t")?.join(","));
      if (typeof next === "string") {
        ctx.stderr.write(`expand: ${next}\n`);
        return 1;
      }
      const texts = yield* readAll(ctx, "expand", o.operands.length === 0 ? ["-"] : o.operands);
      if (texts === undefined) return 1;
      let out = "";
      for (const text of texts) {
        let column = 0;
        let leading = true;
        for (const c of text) {
          if (c === "\n") {
            out += c;
            column = 0;
            leading = true;
          } else if (c === "\t" && (leading || !has(o, "i"))) {
            const stop = next(column) ?? column + 1;
            out += " ".repeat(stop - column);
            column = stop;
          } else {
            out += c;
            column = c === "\b" ? Math.max(0, column - 1) : column + 1;
            if (c !== " " && c !== "\t") leading = false;
          }
        }
      }
      ctx.stdout.write(out);
      return 0;
    });
  };
}

/**
 * unexpand: blanks that reach a tab stop become a tab (a lone blank stays one), only at the
 * start of a line unless -a or -t; --first-only undoes that.
 */
export function unexpand(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    return yield* withOptions(ctx, flavor, { short: "at:", long: { all: "a", "tabs=": "t", "first-only": "first" } }, function* (o) {
      const next = tabStops(o.flags.get("t")?.join(","));
      if (typeof next === "string") {
        ctx.stderr.write(`unexpand: ${next}\n`);
        return 1;
      }
      const all = (has(o, "a") || has(o, "t")) && !has(o, "first");
      const texts = yield* readAll(ctx, "unexpand", o.operands.length === 0 ? ["-"] : o.operands);
      if (texts === undefined) return 1;
      let out = "";
      for (const text of texts) {
        for (const [k, line] of text.split("\n").entries()) {
          if (k > 0) out += "\n";
          let column = 0;
          let pending = "";
          let converting = true;
          for (const c of line) {
            if (converting && (c === " " || c === "\t")) {
              const stop = next(column);
              const to = c === "\t" ? (stop ?? column + 1) : column + 1;
              pending += c;
              column = to;
              if (stop !== undefined && column >= stop) {
                out += pending.length > 1 || pending === "\t" ? "\t" : pending;
                pending = "";
              }
              continue;
            }
            out += pending + c;
            pending = "";
            column = c === "\b" ? Math.max(0, column - 1) : column + 1;
            if (!all) converting = false;
          }
          out += pending;
        }
      }
      ctx.stdout.write(out);
      return 0;
    });
  };
}

/**
 * join: a merge of two files sorted on their join fields (-1, -2, -j; blanks split fields, or -t),
 * each pair of lines with equal keys joined (the key, then the other fields of each), -a/-v
 * for unpaired lines, -o and -e for the fields shown, -i, --header, and join.c's order checks.
 */
export function join(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    const long = { "ignore-case": "i", "check-order": "check", "nocheck-order": "nocheck", header: "header", "zero-terminated": "z" };
    return yield* withOptions(ctx, flavor, { short: "a:e:i1:2:j:o:t:v:z", long }, function* (o) {
      const wrong = twoOperands(ctx, flavor, o.operands);
      if (wrong !== undefined) return wrong;
      const field = (flag: string) => {
        const v = last(o, flag) ?? last(o, "j");
        return v === undefined ? 0 : Number(v) - 1;
      };
      const keyField = [field("1"), field("2")] as const;
      const sep = last(o, "t");
      const empty = last(o, "e");
      const unpairedShown = new Set([...(o.flags.get("a") ?? []), ...(o.flags.get("v") ?? [])].map(Number));
      const onlyUnpaired = has(o, "v");
      const order = has(o, "check") ? "always" : has(o, "nocheck") ? "never" : "default";
      const texts = yield* readAll(ctx, "join", o.operands);
      if (texts === undefined) return 1;
      const split = (line: string) => (sep === undefined ? line.trim().split(/[ \t]+/).filter((f) => f !== "") : line.split(sep));
      const files = texts.map((t) => linesOf(t).map(split));
      const outSep = sep ?? " ";
      const fold = (s: string) => (has(o, "i") ? s.toLowerCase() : s);
      const key = (file: 0 | 1, fields: readonly string[]) => fold(fields[keyField[file]] ?? "");
      const format = last(o, "o");
      // The first line of each file fixes -o auto's field counts.
      const widths = files.map((f) => f[0]?.length ?? 0);
      const line = (a: readonly string[] | undefined, b: readonly string[] | undefined): string => {
        const keyValue = a !== undefined ? (a[keyField[0]] ?? "") : (b![keyField[1]] ?? "");
        if (format !== undefined && format !== "auto") {
          return format
            .split(/[ ,]+/)
            .map((spec) => {
              if (spec === "0") return keyValue;
              const [n, f] = spec.split(".").map(Number) as [number, number];
              const from = n === 1 ? a : b;
              return from?.[f - 1] ?? empty ?? "";
            })
            .join(outSep);
        }
        const rest = (fields: readonly string[] | undefined, file: 0 | 1) => {
          const width = format === "auto" ? widths[file]! : (fields?.length ?? 0);
          const out: string[] = [];
          for (let i = 0; i < width; i++) if (i !== keyField[file]) out.push(fields?.[i] ?? (format === "auto" ? (empty ?? "") : ""));
          return out;
        };
        return [keyValue, ...rest(a, 0), ...rest(b, 1)].join(outSep);
      };
      let out = "";
      if (has(o, "header") && files[0]!.length > 0 && files[1]!.length > 0) {
        out += line(files[0]!.shift(), files[1]!.shift()) + "\n";
      }
      const [a, b] = files as [string[][], string[][]];
      const warned = [false, false];
      let unpairable = false;
      let fatal = false;
      const check = (file: 0 | 1, i: number): void => {
        const lines = files[file]!;
        if (order === "never" || (order === "default" && !unpairable) || warned[file] || i === 0 || key(file, lines[i - 1]!) <= key(file, lines[i]!)) return;
        warned[file] = true;
        ctx.stdout.write(out);
        out = "";
        const n = i + 1 + (has(o, "header") ? 1 : 0);
        ctx.stderr.write(`join: ${o.operands[file]}:${n}: is not sorted: ${texts[file]!.split("\n")[n - 1]}\n`);
        if (order === "always") fatal = true;
      };
      let i = 0;
      let j = 0;
      while ((i < a.length || j < b.length) && !fatal) {
        const ka = i < a.length ? key(0, a[i]!) : undefined;
        const kb = j < b.length ? key(1, b[j]!) : undefined;
        const cmp = ka === undefined ? 1 : kb === undefined ? -1 : ka < kb ? -1 : ka > kb ? 1 : 0;
        if (cmp < 0) {
          unpairable = true;
          if (unpairedShown.has(1)) out += line(a[i], undefined) + "\n";
          check(0, ++i < a.length ? i : i - 1);
        } else if (cmp > 0) {
          unpairable = true;
          if (unpairedShown.has(2)) out += line(undefined, b[j]) + "\n";
          check(1, ++j < b.length ? j : j - 1);
        } else {
          // Every line of each with this key, paired with every one of the other.
          let i2 = i;
          while (i2 < a.length && key(0, a[i2]!) === ka) i2++;
          let j2 = j;
          while (j2 < b.length && key(1, b[j2]!) === kb) j2++;
          if (!onlyUnpaired) for (let x = i; x < i2; x++) for (let y = j; y < j2; y++) out += line(a[x], b[y]) + "\n";
          i = i2;
          j = j2;
          if (i < a.length) check(0, i);
          if (j < b.length) check(1, j);
        }
      }
      ctx.stdout.write(out);
      if (warned[0] || warned[1]) {
        if (!fatal) ctx.stderr.write("join: input is not in sorted order\n");
        return 1;
      }
      return 0;
    });
  };
}

interface TsortItem {
  readonly str: string;
  /** Relations still pointing at it. */
  count: number;
  /** What it precedes, newest first (record_relation pushes on the head). */
  top: { suc: TsortItem; next: TsortItem["top"] } | undefined;
  /** The queue of items to print, and the loop being traced. */
  qlink: TsortItem | undefined;
  printed: boolean;
}

/**
 * coreutils' tsort: Knuth's algorithm T over the pairs of tokens, the items walked in strcmp
 * order (its balanced tree's in-order). When items are left with relations, it reports a loop
 * on standard error as detect_loop traces it, removes one relation, and goes on.
 */
export function* tsortProgram(ctx: ProcessContext): Proc<number> {
  return yield* withOptions(ctx, "gnu", { short: "w" }, function* (o) {
    if (o.operands.length > 1) return usageFailure(ctx, "gnu", `extra operand '${o.operands[1]}'`);
    const file = o.operands[0] ?? "-";
    const texts = yield* readAll(ctx, "tsort", [file]);
    if (texts === undefined) return 1;
    const items = new Map<string, TsortItem>();
    const item = (str: string) => {
      let it = items.get(str);
      if (it === undefined) items.set(str, (it = { str, count: 0, top: undefined, qlink: undefined, printed: false }));
      return it;
    };
    const tokens = texts[0]!.split(/[ \t\n]+/).filter((t) => t !== "");
    if (tokens.length % 2 === 1) {
      item(tokens.at(-1)!);
      ctx.stderr.write(`tsort: ${file}: input contains an odd number of tokens\n`);
      return 1;
    }
    for (let i = 0; i < tokens.length; i += 2) {
      const j = item(tokens[i]!);
      const k = item(tokens[i + 1]!);
      if (j === k) continue;
      k.count++;
      j.top = { suc: k, next: j.top };
    }
    const sorted = [...items.values()].sort((a, b) => (a.str < b.str ? -1 : a.str > b.str ? 1 : 0));
    let left = sorted.length;
    let ok = true;
    // error() flushes standard output first: what was printed comes before each complaint.
    while (left > 0) {
      let head: TsortItem | undefined;
      let tail: TsortItem | undefined;
      const enqueue = (k: TsortItem) => {
        if (tail === undefined) head = k;
        else tail.qlink = k;
        tail = k;
      };
      for (const k of sorted) if (k.count === 0 && !k.printed) enqueue(k);
      for (; head !== undefined; head = head.qlink) {
        ctx.stdout.write(`${head.str}\n`);
        head.printed = true;
        left--;
        for (let p = head.top; p !== undefined; p = p.next) if (--p.suc.count === 0) enqueue(p.suc);
      }
      if (left === 0) break;
      ctx.stderr.write(`tsort: ${file}: input contains a loop:\n`);
      ok = false;
      let loop: TsortItem | undefined;
      do for (const k of sorted) if (detectLoop(k)) break;
      while (loop !== undefined);

      function detectLoop(k: TsortItem): boolean {
        if (k.count === 0) return false;
        if (loop === undefined) {
          loop = k;
          return false;
        }
        for (let prev: TsortItem["top"] | undefined, p = k.top; p !== undefined; prev = p, p = p.next) {
          if (p.suc !== loop) continue;
          if (k.qlink === undefined) {
            k.qlink = loop;
            loop = k;
            return false;
          }
          // A loop: print it back to K, and drop K's relation that closes it.
          while (loop !== undefined) {
            const next: TsortItem | undefined = loop.qlink;
            ctx.stderr.write(`tsort: ${loop.str}\n`);
            if (loop === k) {
              p.suc.count--;
              if (prev === undefined) k.top = p.next;
              else prev.next = p.next;
              break;
            }
            loop.qlink = undefined;
            loop = next;
          }
          while (loop !== undefined) {
            const next: TsortItem | undefined = loop.qlink;
            loop.qlink = undefined;
            loop = next;
          }
          return true;
        }
        return false;
      }
    }
    return ok ? 0 : 1;
  });
}

/**
 * util-linux's rev: each line's characters backwards, file by file; one that cannot be opened
 * is skipped. Its output goes through stdio's buffer, so its complaints come first.
 */
export function* revProgram(ctx: ProcessContext): Proc<number> {
  return yield* withOptions(ctx, "gnu", { short: "", long: {} }, function* (o) {
    let status = 0;
    let out = "";
    for (const file of o.operands.length > 0 ? o.operands : ["-"]) {
      let text: string;
      try {
        text = yield* readInput(ctx, file);
      } catch (e) {
        ctx.stderr.write(`rev: cannot open ${file}: ${describeError(e)}\n`);
        status = 1;
        continue;
      }
      out += text.split("\n").map((line) => [...line].reverse().join("")).join("\n");
    }
    ctx.stdout.write(out);
    return status;
  });
}
