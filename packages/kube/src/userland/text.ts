import { concatBytes, decodeText, encodeText, type Proc, sleep, wait } from "@ksim/sim";
import type { ProcessContext } from "../runtime/process.js";
import type { EndlessDevice } from "../runtime/dev.js";
import { copyEndless, COPY_BUFFER_BYTES, describeError, endlessInput, has, last, readerTookIt, readInput, roomToWrite, splitLines, statOrUndefined, usageFailure, withOptions, writeOutput, type Flavor, type ParsedOptions } from "./common.js";
import { compileRegex, RegexError } from "./regex.js";
import { busyboxUsage } from "./libbb.js";
import { printf } from "../shell/text-format.js";
import { matchPattern } from "../shell/pattern.js";

/** Text filters: head, tail, wc, cut, tr, sort, uniq, grep, sed, tee, seq, basename, dirname. */

/** Reads each operand (or stdin), reporting unreadable ones as `prog: file: reason`. */
function* eachInput(ctx: ProcessContext, operands: readonly string[], prog: string, fn: (name: string, text: string) => void): Proc<number> {
  let status = 0;
  for (const f of operands.length === 0 ? ["-"] : operands) {
    let text: string;
    try {
      text = yield* readInput(ctx, f);
    } catch (e) {
      ctx.stderr.write(`${prog}: ${f}: ${describeError(e)}\n`);
      status = 1;
      continue;
    }
    fn(f, text);
  }
  return status;
}

function joinLines(lines: readonly string[]): string {
  return lines.length === 0 ? "" : lines.join("\n") + "\n";
}

function count(text: string | undefined): number | "invalid" {
  if (text === undefined) return 10;
  const m = /^[+-]?(\d+)([bkKmMgG]?)$/.exec(text);
  if (m === null) return "invalid";
  const mult = m[2] === "" ? 1 : m[2] === "b" ? 512 : 1024 ** (" kmg".indexOf(m[2]!.toLowerCase()));
  return Number(m[1]) * mult * (text.startsWith("-") ? -1 : 1);
}

export function head(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    return yield* withOptions(ctx, flavor, { short: "n:c:qv", long: { "lines=": "n", "bytes=": "c", quiet: "q" }, numeric: true, plainGetopt: flavor === "busybox" }, function* (o) {
      const lines = count(last(o, "n") ?? last(o, "#"));
      const bytes = last(o, "c") === undefined ? undefined : count(last(o, "c"));
      if (lines === "invalid" || bytes === "invalid") {
        const which = bytes === "invalid" ? "bytes" : "lines";
        ctx.stderr.write(`head: invalid number of ${which}: '${last(o, which === "bytes" ? "c" : "n")}'\n`);
        return 1;
      }
      const many = o.operands.length > 1;
      let first = true;
      const header = (name: string) => {
        if (many && !has(o, "q")) ctx.stdout.write(`${first ? "" : "\n"}==> ${name === "-" ? "standard input" : name} <==\n`);
        first = false;
      };
      let status = 0;
      for (const f of o.operands.length === 0 ? ["-"] : o.operands) {
        const device = endlessInput(ctx, f);
        if (device !== undefined) {
          header(f);
          yield* headOfEndless(ctx, device, bytes, lines);
          continue;
        }
        if ((f === "-" || f === "/dev/stdin") && (bytes !== undefined ? bytes >= 0 : lines >= 0)) {
          // head stops reading once it has what it wants: a writer behind a pipe may never stop.
          header(f);
          ctx.stdout.write(yield* headOfStdin(ctx, bytes, lines));
          continue;
        }
        status = Math.max(status, yield* eachInput(ctx, [f], "head", (name, text) => {
          header(name);
          if (bytes !== undefined) {
            ctx.stdout.write(bytePrefix(text, bytes));
            return;
          }
          const all = text.split(/(?<=\n)/);
          ctx.stdout.write((lines < 0 ? all.slice(0, Math.max(0, all.length + lines)) : all.slice(0, lines)).join(""));
        }));
      }
      return status;
    });
  };
}

/**
 * head of a device without end: the first bytes, or everything up to the wanted newline, written
 * a buffer at a time. All but the last N of it, or lines from /dev/zero (which has no newline),
 * never end, as with the real head.
 */
function* headOfEndless(ctx: ProcessContext, device: EndlessDevice, bytes: number | undefined, lines: number): Proc<void> {
  if (bytes !== undefined ? bytes < 0 : lines < 0) yield* copyEndless(ctx, device);
  if (bytes !== undefined) {
    for (let left = bytes; left > 0; left -= COPY_BUFFER_BYTES) {
      ctx.stdout.write(device.readText(Math.min(left, COPY_BUFFER_BYTES)));
      if (left > COPY_BUFFER_BYTES) yield* roomToWrite(ctx);
    }
    return;
  }
  // GNU head reads BUFSIZ at a time and writes what precedes the last newline it wants.
  let wanted = lines;
  while (wanted > 0) {
    const text = device.readText(BUFSIZ);
    let end = 0;
    while (wanted > 0) {
      const nl = text.indexOf("\n", end);
      if (nl < 0) break;
      end = nl + 1;
      wanted--;
    }
    ctx.stdout.write(wanted > 0 ? text : text.slice(0, end));
    if (wanted > 0) yield* roomToWrite(ctx);
  }
}

/** The first `bytes` bytes or `lines` lines of standard input, read no further than they reach. */
function* headOfStdin(ctx: ProcessContext, bytes: number | undefined, lines: number): Proc<string> {
  if (bytes !== undefined) {
    const parts: Uint8Array[] = [];
    let read = 0;
    while (read < bytes) {
      const chunk = yield* wait(ctx.stdin.read());
      if (chunk === null) break;
      const b = encodeText(chunk);
      parts.push(b);
      read += b.length;
    }
    const all = concatBytes(parts);
    return decodeText(all.length > bytes ? all.subarray(0, bytes) : all);
  }
  let text = "";
  let newlines = 0;
  while (newlines < lines) {
    const chunk = yield* wait(ctx.stdin.read());
    if (chunk === null) break;
    for (let i = chunk.indexOf("\n"); i >= 0; i = chunk.indexOf("\n", i + 1)) newlines++;
    text += chunk;
  }
  let end = 0;
  for (let n = 0; n < lines; n++) {
    const nl = text.indexOf("\n", end);
    if (nl < 0) return text;
    end = nl + 1;
  }
  return text.slice(0, end);
}

/** The first `n` bytes of a text (all but the last -n when negative): -c counts bytes, not characters. */
function bytePrefix(text: string, n: number): string {
  const bytes = encodeText(text);
  const end = n < 0 ? Math.max(0, bytes.length + n) : Math.min(n, bytes.length);
  return end === bytes.length ? text : decodeText(bytes.subarray(0, end));
}

/** glibc's BUFSIZ. */
const BUFSIZ = 8192;

export function tail(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    return yield* withOptions(ctx, flavor, { short: "n:c:fFqvs:", long: { "lines=": "n", "bytes=": "c", follow: "f", quiet: "q" }, numeric: true }, function* (o) {
      // -c counts bytes, -n (or -NUM) lines, whichever came last; +N starts at the Nth.
      const byBytes = o.order.filter((k) => k === "c" || k === "n" || k === "#").at(-1) === "c";
      const spec = byBytes ? last(o, "c") : (last(o, "n") ?? last(o, "#"));
      const fromStart = spec?.startsWith("+") ?? false;
      const amount = count(spec);
      if (amount === "invalid") {
        ctx.stderr.write(`tail: invalid number of ${byBytes ? "bytes" : "lines"}: '${spec}'\n`);
        return 1;
      }
      const take = (text: string): string => {
        const n = Math.abs(amount);
        if (byBytes) {
          const bytes = encodeText(text);
          return decodeText(fromStart ? bytes.subarray(Math.max(0, n - 1)) : n === 0 ? new Uint8Array() : bytes.subarray(Math.max(0, bytes.length - n)));
        }
        const all = text.split(/(?<=\n)/);
        return (fromStart ? all.slice(Math.max(0, n - 1)) : n === 0 ? [] : all.slice(-n)).join("");
      };
      const many = o.operands.length > 1;
      let first = true;
      const status = yield* eachInput(ctx, o.operands, "tail", (name, text) => {
        if (many && !has(o, "q")) ctx.stdout.write(`${first ? "" : "\n"}==> ${name === "-" ? "standard input" : name} <==\n`);
        first = false;
        ctx.stdout.write(take(text));
      });
      if (!(has(o, "f") || has(o, "F")) || o.operands.length === 0) return status;
      // Follow by polling once a second, as tail does without inotify.
      const sizes = new Map<string, number>();
      for (const f of o.operands) sizes.set(f, readLength(ctx, f));
      for (;;) {
        yield* wait(sleep(ctx.sim, 1000));
        for (const f of o.operands) {
          let text: string;
          try {
            text = ctx.fs.readText(ctx.resolve(f));
          } catch {
            continue;
          }
          const old = sizes.get(f) ?? 0;
          if (text.length > old) ctx.stdout.write(text.slice(old));
          else if (text.length < old) ctx.stderr.write(`tail: ${f}: file truncated\n`);
          sizes.set(f, text.length);
        }
      }
    });
  };
}

function readLength(ctx: ProcessContext, f: string): number {
  try {
    return ctx.fs.readText(ctx.resolve(f)).length;
  } catch {
    return 0;
  }
}

export function wc(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    return yield* withOptions(ctx, flavor, { short: "lwcmL", long: { lines: "l", words: "w", bytes: "c", chars: "m", "max-line-length": "L" } }, function* (o) {
      let picks = (["l", "w", "m", "c", "L"] as const).filter((k) => has(o, k));
      if (picks.length === 0) picks = ["l", "w", "c"];
      const inputs = o.operands.length === 0 ? ["-"] : o.operands;
      const width = flavor === "busybox" ? (picks.length === 1 && inputs.length === 1 ? 1 : 9) : picks.length === 1 && inputs.length === 1 ? 1 : numberWidth(ctx, inputs);
      const print = (counts: readonly number[], name: string | undefined) => ctx.stdout.write(counts.map((c) => String(c).padStart(width)).join(" ") + (name === undefined ? "" : ` ${name}`) + "\n");
      const totals = picks.map(() => 0);
      const status = yield* eachInput(ctx, inputs, "wc", (name, text) => {
        // Only what was asked for: on a large input each count is a pass over it.
        const count: Record<"l" | "w" | "m" | "c" | "L", () => number> = {
          // The widest line as a terminal shows it: a tab to the next multiple of 8.
          L: () => {
            let widest = 0;
            for (const line of text.split("\n")) {
              let col = 0;
              for (const ch of line) col = ch === "\t" ? col + 8 - (col % 8) : col + 1;
              widest = Math.max(widest, col);
            }
            return widest;
          },
          l: () => {
            let n = 0;
            for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) n++;
            return n;
          },
          w: () => text.split(/\s+/).filter(Boolean).length,
          m: () => {
            let n = 0;
            for (const _ of text) n++;
            return n;
          },
          c: () => encodeText(text).length,
        };
        const counts = picks.map((k) => count[k]());
        // The total of -L is the widest of all.
        counts.forEach((c, i) => (totals[i] = picks[i] === "L" ? Math.max(totals[i]!, c) : totals[i]! + c));
        print(counts, o.operands.length === 0 ? undefined : name);
      });
      if (inputs.length > 1) print(totals, "total");
      return status;
    });
  };
}

/**
 * compute_number_width: the digits of all the files' sizes together, at least 7 with anything
 * but a regular file among them (a pipe), 1 when the first cannot be read.
 */
function numberWidth(ctx: ProcessContext, inputs: readonly string[]): number {
  let regularBytes = 0;
  let minimum = 1;
  for (const [i, name] of inputs.entries()) {
    // Standard input redirected from a file is a regular file too.
    const path = name === "-" ? ctx.stdin.openFile : ctx.resolve(name);
    const st = path === undefined ? undefined : statOrUndefined(ctx, path);
    if (st === undefined && name !== "-") {
      if (i === 0) return 1;
      continue;
    }
    if (st?.type === "file" && st.rdev === undefined) regularBytes += st.size;
    else minimum = 7;
  }
  return Math.max(minimum, String(regularBytes).length);
}

/** Parses a field LIST (`1,3-5,7-`) as coreutils' set_fields does (cut, numfmt) into a membership test. */
export function fieldList(spec: string): ((n: number) => boolean) | undefined {
  const ranges: [number, number][] = [];
  for (const part of spec.split(",")) {
    const m = /^(\d*)(-?)(\d*)$/.exec(part);
    if (m === null || (m[1] === "" && m[3] === "")) return undefined;
    const a = m[1] === "" ? 1 : Number(m[1]);
    const b = m[2] === "" ? a : m[3] === "" ? Infinity : Number(m[3]);
    if (a === 0) return undefined;
    ranges.push([a, b]);
  }
  return (n) => ranges.some(([a, b]) => n >= a && n <= b);
}

export function cut(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    const long = { "delimiter=": "d", "fields=": "f", "characters=": "c", "bytes=": "b", "only-delimited": "s", complement: "complement", "output-delimiter=": "D" };
    return yield* withOptions(ctx, flavor, { short: "d:f:c:b:s", long }, function* (o) {
      const spec = last(o, "f") ?? last(o, "c") ?? last(o, "b");
      if (spec === undefined) {
        if (flavor === "gnu") return usageFailure(ctx, flavor, "you must specify a list of bytes, characters, or fields");
        ctx.stderr.write("cut: expected a list of bytes, characters, or fields\n");
        return 1;
      }
      const listed = fieldList(spec);
      const inList = listed === undefined ? undefined : has(o, "complement") ? (n: number) => !listed(n) : listed;
      if (inList === undefined) {
        ctx.stderr.write(`cut: invalid field range\nTry 'cut --help' for more information.\n`);
        return 1;
      }
      const delim = last(o, "d") ?? "\t";
      if (delim.length !== 1) return usageFailure(ctx, flavor, "the delimiter must be a single character");
      const joiner = last(o, "D") ?? delim;
      return yield* eachInput(ctx, o.operands, "cut", (_, text) => {
        const out = splitLines(text).flatMap((line) => {
          if (!has(o, "f")) return [[...line].filter((_, i) => inList(i + 1)).join("")];
          if (!line.includes(delim)) return has(o, "s") ? [] : [line];
          return [line.split(delim).filter((_, i) => inList(i + 1)).join(joiner)];
        });
        ctx.stdout.write(joinLines(out));
      });
    });
  };
}

/** Expands a tr set: ranges, classes, escapes. */
function trSet(spec: string): string[] {
  const chars: string[] = [];
  const classes: Record<string, string> = {
    upper: "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    lower: "abcdefghijklmnopqrstuvwxyz",
    digit: "0123456789",
    space: " \t\n\r\f\v",
    blank: " \t",
    alpha: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    alnum: "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    punct: "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
  };
  const esc: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\", f: "\f", v: "\v", a: "\x07", b: "\b" };
  const items: string[] = [];
  for (let i = 0; i < spec.length; i++) {
    const m = /^\[:([a-z]+):\]/.exec(spec.slice(i));
    if (m !== null && classes[m[1]!] !== undefined) {
      items.push(...classes[m[1]!]!);
      i += m[0].length - 1;
      continue;
    }
    if (spec[i] === "\\" && i + 1 < spec.length) {
      const o = /^[0-7]{1,3}/.exec(spec.slice(i + 1));
      if (o !== null) {
        items.push(String.fromCharCode(parseInt(o[0], 8)));
        i += o[0].length;
      } else {
        items.push(esc[spec[i + 1]!] ?? spec[i + 1]!);
        i++;
      }
      continue;
    }
    items.push(spec[i]!);
  }
  for (let i = 0; i < items.length; i++) {
    if (items[i + 1] === "-" && items[i + 2] !== undefined) {
      const a = items[i]!.charCodeAt(0);
      const b = items[i + 2]!.charCodeAt(0);
      for (let c = a; c <= b; c++) chars.push(String.fromCharCode(c));
      i += 2;
    } else chars.push(items[i]!);
  }
  return chars;
}

export function tr(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    return yield* withOptions(ctx, flavor, { short: "dscC", long: { delete: "d", "squeeze-repeats": "s", complement: "c" } }, function* (o) {
      const [s1, s2] = o.operands;
      if (s1 === undefined) return usageFailure(ctx, flavor, "missing operand");
      if (s2 === undefined && !has(o, "d") && !has(o, "s")) return usageFailure(ctx, flavor, `missing operand after '${s1}'`);
      const from = trSet(s1);
      const to = s2 === undefined ? [] : trSet(s2);
      const complement = has(o, "c") || has(o, "C");
      const inFrom = (c: string) => from.includes(c) !== complement;
      let prev: string | undefined;
      const translate = (text: string): string => {
        let out = "";
        for (const c of text) {
          let r: string | undefined = c;
          if (has(o, "d")) {
            if (inFrom(c)) r = undefined;
          } else if (to.length > 0 && inFrom(c)) {
            const i = complement ? to.length - 1 : from.indexOf(c);
            r = to[Math.min(i, to.length - 1)];
          }
          if (r === undefined) continue;
          const squeezeSet = has(o, "d") ? to : to.length > 0 ? to : from;
          if (has(o, "s") && r === prev && squeezeSet.includes(r)) continue;
          out += r;
          prev = r;
        }
        return out;
      };
      // A buffer at a time, as tr reads: its input may never end (`tr -dc a-z < /dev/urandom | head -c 8`).
      for (;;) {
        const chunk = yield* wait(ctx.stdin.read());
        if (chunk === null) return 0;
        const out = translate(chunk);
        if (out === "") continue;
        ctx.stdout.write(out);
        yield* readerTookIt(ctx);
      }
    });
  };
}


export function uniq(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    const long = { count: "c", repeated: "d", unique: "u", "ignore-case": "i", "skip-fields=": "f", "skip-chars=": "s", "check-chars=": "w", "all-repeated": "D" };
    return yield* withOptions(ctx, flavor, { short: "cduif:s:w:D", long }, function* (o) {
      const number = (flag: string, what: string): number | undefined | "bad" => {
        const v = last(o, flag);
        if (v === undefined) return undefined;
        if (/^\d+$/.test(v)) return Number(v);
        ctx.stderr.write(`uniq: ${v}: invalid number of ${what}\n`);
        return "bad";
      };
      const fields = number("f", "fields to skip");
      const chars = number("s", "bytes to skip");
      const width = number("w", "bytes to compare");
      if (fields === "bad" || chars === "bad" || width === "bad") return 1;
      // The part of a line compared: after -f fields (blanks, then the rest up to a blank) and -s characters, -w of it.
      const key = (line: string): string => {
        let k = line;
        for (let i = 0; i < (fields ?? 0); i++) k = k.replace(/^[ \t]*[^ \t]*/, "");
        k = k.slice(chars ?? 0);
        if (width !== undefined) k = k.slice(0, width);
        return has(o, "i") ? k.toLowerCase() : k;
      };
      const input = o.operands[0] ?? "-";
      let text: string;
      try {
        text = yield* readInput(ctx, input);
      } catch (e) {
        ctx.stderr.write(flavor === "busybox" ? `uniq: can't open '${input}': ${describeError(e)}\n` : `uniq: ${input}: ${describeError(e)}\n`);
        return 1;
      }
      const groups: { key: string; lines: string[] }[] = [];
      for (const line of splitLines(text)) {
        const g = groups[groups.length - 1];
        const k = key(line);
        if (g !== undefined && g.key === k) g.lines.push(line);
        else groups.push({ key: k, lines: [line] });
      }
      const out = has(o, "D")
        ? groups.filter((g) => g.lines.length > 1).flatMap((g) => g.lines)
        : groups
            .filter((g) => (has(o, "d") ? g.lines.length > 1 : has(o, "u") ? g.lines.length === 1 : true))
            .map((g) => (has(o, "c") ? `${String(g.lines.length).padStart(7)} ${g.lines[0]}` : g.lines[0]!));
      const result = joinLines(out);
      if (o.operands[1] !== undefined) writeOutput(ctx, o.operands[1], result);
      else ctx.stdout.write(result);
      return 0;
    });
  };
}

/** Whether a name matches one of grep's --include/--exclude globs. */
function matchesAny(globs: readonly string[] | undefined, name: string): boolean {
  return globs !== undefined && globs.some((g) => matchPattern(g, name));
}

/**
 * grep -P: a Perl pattern as a JavaScript one, which reads the same classes (\d \w \s), lazy
 * quantifiers and lookarounds; \K (keep what follows) becomes a lookbehind of what precedes it.
 */
function perlSource(p: string): string {
  const k = p.indexOf("\\K");
  const source = k < 0 ? p : `(?<=${p.slice(0, k)})${p.slice(k + 2)}`;
  try {
    new RegExp(source);
  } catch {
    // PCRE2's words for the usual mistake; the others are rarer than this model is fine-grained.
    throw new RegexError(/\(/.test(source) && (source.match(/\(/g) ?? []).length > (source.match(/\)/g) ?? []).length ? "missing closing parenthesis" : "invalid regular expression");
  }
  return source;
}

export function grep(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    const spec = {
      // busybox 1.28's grep has none of -G, -P, -R or -Z (GNU's --color, here).
      short: flavor === "gnu" ? "EFGPvicqsonlLhHwxrRe:f:m:A:B:C:Z" : "EFvicqsonlLhHwxre:f:m:A:B:C:",
      long: { "perl-regexp": "P", "include=": "include", "exclude=": "exclude", "exclude-dir=": "exclude-dir", "label=": "label", "extended-regexp": "E", "fixed-strings": "F", "invert-match": "v", "ignore-case": "i", count: "c", quiet: "q", silent: "q", "only-matching": "o", "line-number": "n", "files-with-matches": "l", "no-filename": "h", "with-filename": "H", "word-regexp": "w", "line-regexp": "x", recursive: "r", "regexp=": "e", "max-count=": "m", "after-context=": "A", "before-context=": "B", "context=": "C", "file=": "f", "color=": "Z", colour: "Z", color: "Z" },
    };
    return yield* withOptions(ctx, flavor, spec, function* (o) {
      return yield* runGrep(ctx, flavor, o);
    }, 2);
  };
}

function* runGrep(ctx: ProcessContext, flavor: Flavor, o: ParsedOptions): Proc<number> {
  const operands = [...o.operands];
  const patterns = [...(o.flags.get("e") ?? [])];
  for (const file of o.flags.get("f") ?? []) {
    try {
      // GNU grep: one pattern per line; an empty file adds none (and so matches nothing).
      const text = yield* readInput(ctx, file);
      patterns.push(...splitLines(text));
    } catch (e) {
      ctx.stderr.write(`grep: ${file}: ${describeError(e)}\n`);
      return 2;
    }
  }
  if (patterns.length === 0 && !o.flags.has("f")) {
    const p = operands.shift();
    if (p === undefined) {
      if (flavor === "busybox") return busyboxUsage(ctx, "grep", 2);
      ctx.stderr.write("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n");
      return 2;
    }
    patterns.push(...p.split("\n"));
  }
  const context = contextLengths(ctx, flavor, o);
  if (context === undefined) return 2;
  let re: RegExp;
  try {
    const sources = patterns.map((p) => (has(o, "F") ? p.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&") : has(o, "P") ? perlSource(p) : compileRegex(p, has(o, "E"), "").source));
    let source = sources.length === 0 ? "(?!)" : sources.map((s) => `(?:${s})`).join("|");
    if (has(o, "w")) source = `(?<![A-Za-z0-9_])(?:${source})(?![A-Za-z0-9_])`;
    if (has(o, "x")) source = `^(?:${source})$`;
    re = new RegExp(source, has(o, "i") ? "gi" : "g");
  } catch (e) {
    if (!(e instanceof RegexError)) throw e;
    ctx.stderr.write(`grep: ${e.message}\n`);
    return 2;
  }
  const files: string[] = [];
  let error = false;
  const recursive = has(o, "r") || has(o, "R");
  // `found`: met while searching a directory (--include and --exclude apply to those, and to operands too).
  const addFile = (f: string, found = false): void => {
    if (f === "-") return void files.push(f);
    let st;
    try {
      st = ctx.fs.stat(ctx.resolve(f));
    } catch (e) {
      if (!has(o, "s")) ctx.stderr.write(`grep: ${f}: ${describeError(e)}\n`);
      error = true;
      return;
    }
    if (st.type === "dir") {
      if (!recursive) {
        if (!has(o, "s")) ctx.stderr.write(`grep: ${f}: Is a directory\n`);
        return;
      }
      for (const n of ctx.fs.readdir(ctx.resolve(f))) {
        const path = f.endsWith("/") ? f + n : `${f}/${n}`;
        // --exclude-dir keeps a search out of directories by name; --include/--exclude pick files.
        if (matchesAny(o.flags.get("exclude-dir"), n) && isDirectory(path)) continue;
        addFile(path, true);
      }
      return;
    }
    if (found && (matchesAny(o.flags.get("exclude"), baseName(f)) || (o.flags.has("include") && !matchesAny(o.flags.get("include"), baseName(f))))) return;
    files.push(f);
  };
  const baseName = (f: string) => f.slice(f.lastIndexOf("/") + 1);
  const isDirectory = (f: string) => {
    try {
      return ctx.fs.stat(ctx.resolve(f)).type === "dir";
    } catch {
      return false;
    }
  };
  if (operands.length === 0) files.push(recursive ? "." : "-");
  for (const f of operands) addFile(f);
  const showName = has(o, "H") || (!has(o, "h") && (files.length > 1 || recursive));
  const max = last(o, "m") === undefined ? Infinity : Number(last(o, "m"));
  const invert = has(o, "v");
  const onlyMatching = has(o, "o") && !invert;
  // Counting and listing print no lines, so no context either.
  const printsLines = !has(o, "c") && !has(o, "l") && !has(o, "L");
  let matchedAny = false;
  let printedAny = false;
  for (const f of files) {
    // Standard input is read as it comes, so that -m and -q end grep at their line even when the
    // writer never stops (`kubectl logs -f web | grep -m1 ready`); a file is read whole.
    const streaming = f === "-" || f === "/dev/stdin";
    let text = "";
    if (!streaming) {
      try {
        text = yield* readInput(ctx, f);
      } catch (e) {
        if (!has(o, "s")) ctx.stderr.write(`grep: ${f}: ${describeError(e)}\n`);
        error = true;
        continue;
      }
    }
    const label = f === "-" ? (last(o, "label") ?? "(standard input)") : f;
    const lines = splitLines(text);
    const selected = (i: number): boolean => {
      re.lastIndex = 0;
      return re.test(lines[i]!) !== invert;
    };
    // Selected lines are marked with ':' after the name and number, context lines with '-'.
    const print = (i: number, sep: ":" | "-"): void => {
      const line = lines[i]!;
      const prefix = (showName ? `${label}${sep}` : "") + (has(o, "n") ? `${i + 1}${sep}` : "");
      if (onlyMatching) {
        if (sep === "-") return;
        re.lastIndex = 0;
        for (const m of line.matchAll(re)) if (m[0] !== "") ctx.stdout.write(`${prefix}${m[0]}\n`);
      } else ctx.stdout.write(`${prefix}${line}\n`);
      printedAny = true;
    };
    let n = 0;
    let lastPrinted = -1;
    let trailing = 0;
    /** One line: whether grep goes on reading ("more"), has all it will print ("done"), or -q matched ("quit"). */
    const step = (i: number): "more" | "done" | "quit" => {
      const hit = selected(i);
      if (n >= max) {
        // After the last match -m allows, its trailing context up to the next selected line.
        if (trailing > 0 && !hit && printsLines) {
          print(i, "-");
          lastPrinted = i;
          trailing--;
          return trailing > 0 ? "more" : "done";
        }
        return "done";
      }
      if (!hit) {
        if (trailing > 0 && printsLines) {
          print(i, "-");
          lastPrinted = i;
          trailing--;
        }
        return "more";
      }
      n++;
      matchedAny = true;
      if (has(o, "q")) return "quit";
      if (!printsLines) return n >= max ? "done" : "more";
      const from = Math.max(lastPrinted + 1, i - context.before);
      // GNU grep separates groups that are not adjacent with "--" whenever -A, -B or -C is given (even 0).
      if (context.given && printedAny && (lastPrinted < 0 || from > lastPrinted + 1)) ctx.stdout.write("--\n");
      for (let j = from; j < i; j++) print(j, "-");
      print(i, ":");
      lastPrinted = i;
      trailing = context.after;
      return n >= max && trailing === 0 ? "done" : "more";
    };
    let outcome: "more" | "done" | "quit" = "more";
    for (let i = 0; i < lines.length && outcome === "more"; i++) outcome = step(i);
    let partial = "";
    while (streaming && outcome === "more") {
      const chunk = yield* wait(ctx.stdin.read());
      if (chunk === null) {
        if (partial !== "") {
          lines.push(partial);
          outcome = step(lines.length - 1);
        }
        break;
      }
      const parts = (partial + chunk).split("\n");
      partial = parts.pop()!;
      for (const line of parts) {
        lines.push(line);
        outcome = step(lines.length - 1);
        if (outcome !== "more") break;
      }
    }
    if (outcome === "quit") return 0;
    if (has(o, "c")) ctx.stdout.write(`${showName ? `${label}:` : ""}${n}\n`);
    if (has(o, "l") && n > 0) ctx.stdout.write(`${label}\n`);
    if (has(o, "L") && n === 0) ctx.stdout.write(`${label}\n`);
  }
  if (error && !(has(o, "q") && matchedAny)) return 2;
  return matchedAny ? 0 : 1;
}

/** -A, -B and -C: lines of context after and before each selected line (-C sets both unless -A/-B do). */
function contextLengths(ctx: ProcessContext, flavor: Flavor, o: ParsedOptions): { before: number; after: number; given: boolean } | undefined {
  const parse = (flag: string): number | undefined | null => {
    const v = last(o, flag);
    if (v === undefined) return undefined;
    if (/^[0-9]+$/.test(v)) return Number(v);
    ctx.stderr.write(flavor === "busybox" ? `grep: invalid number '${v}'\n` : `grep: ${v}: invalid context length argument\n`);
    return null;
  };
  const a = parse("A");
  const b = parse("B");
  const c = parse("C");
  if (a === null || b === null || c === null) return undefined;
  return { before: b ?? c ?? 0, after: a ?? c ?? 0, given: a !== undefined || b !== undefined || c !== undefined };
}


export function tee(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    return yield* withOptions(ctx, flavor, { short: "ai", long: { append: "a" } }, function* (o) {
      let status = 0;
      const ok = new Set<string>();
      for (const f of o.operands) {
        try {
          writeOutput(ctx, f, "", has(o, "a"));
          ok.add(f);
        } catch (e) {
          ctx.stderr.write(`tee: ${f}: ${describeError(e)}\n`);
          status = 1;
        }
      }
      for (;;) {
        const chunk = yield* wait(ctx.stdin.read());
        if (chunk === null) break;
        ctx.stdout.write(chunk);
        for (const f of ok) writeOutput(ctx, f, chunk, true);
      }
      return status;
    });
  };
}

/** Digits after the point an operand of seq asks for (an exponent takes some back). */
function seqPrecision(text: string): number {
  const m = /^[+-]?\d*(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  return m === null ? 0 : Math.max(0, (m[1]?.length ?? 0) - Number(m[2] ?? 0));
}

/**
 * seq: first + i*step up to last (no drift from adding), printed as integers when every operand
 * is one, else with as many decimals as first or step has; -f a printf format, -w equal widths.
 */
export function seq(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    return yield* withOptions(ctx, flavor, { short: "s:wf:", long: { "separator=": "s", "equal-width": "w", "format=": "f" }, negativeNumbers: true }, function* (o) {
      const nums = o.operands.map(Number);
      if (nums.length === 0 || nums.length > 3) return usageFailure(ctx, flavor, nums.length === 0 ? "missing operand" : `extra operand '${o.operands[3]}'`);
      const bad = o.operands.find((s) => Number.isNaN(Number(s)) || s.trim() === "");
      if (bad !== undefined) return usageFailure(ctx, flavor, `invalid floating point argument: '${bad}'`);
      const texts = nums.length === 1 ? ["1", "1", o.operands[0]!] : nums.length === 2 ? [o.operands[0]!, "1", o.operands[1]!] : o.operands;
      const [first, step, lastValue] = texts.map(Number) as [number, number, number];
      if (step === 0) return usageFailure(ctx, flavor, `invalid Zero increment value: '${texts[1]}'`);
      const format = last(o, "f");
      if (format !== undefined && !/%[-+ #0']*\d*(?:\.\d*)?[eEfFgGaA]/.test(format.replace(/%%/g, ""))) {
        ctx.stderr.write(`seq: format '${format}' has no % directive\n`);
        return 1;
      }
      const precision = Math.max(seqPrecision(texts[0]!), seqPrecision(texts[1]!));
      const values: string[] = [];
      for (let i = 0; ; i++) {
        const v = first + i * step;
        if (step > 0 ? v > lastValue + 1e-12 : v < lastValue - 1e-12) break;
        if (format !== undefined) values.push(printf(format, [String(v)], "coreutils").output);
        else values.push(precision === 0 ? String(Math.round(v)) : v.toFixed(precision));
      }
      let out = values;
      if (has(o, "w") && format === undefined) {
        const width = Math.max(...values.map((v) => v.length), (precision === 0 ? String(lastValue) : lastValue.toFixed(precision)).length);
        out = values.map((v) => (v.startsWith("-") ? `-${v.slice(1).padStart(width - 1, "0")}` : v.padStart(width, "0")));
      }
      if (out.length > 0) ctx.stdout.write(out.join(last(o, "s") ?? "\n") + "\n");
      return 0;
    });
  };
}

/** tac: the records (lines, each with the newline after it) of each file in reverse order. */
export function tac(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    return yield* withOptions(ctx, flavor, { short: "" }, function* (o) {
      let out = "";
      const status = yield* eachInput(ctx, o.operands, "tac", (_, text) => {
        const records = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
        out += records.reverse().join("");
      });
      ctx.stdout.write(out);
      return status;
    });
  };
}

/**
 * yes: its operands (or `y`) as a line, again and again, a buffer of whole lines per write as
 * GNU's fills one, until the output fails: a closed pipe, a full disk, a timeout's signal.
 */
export function yes(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    let args = ctx.argv.slice(1);
    if (flavor === "gnu" && args[0] === "--") args = args.slice(1);
    const line = (args.length === 0 ? "y" : args.join(" ")) + "\n";
    const buffer = line.repeat(Math.max(1, Math.floor(BUFSIZ / line.length)));
    for (;;) {
      ctx.stdout.write(buffer);
      yield* roomToWrite(ctx);
    }
  };
}

function basenameOf(name: string, suffix: string | undefined): string {
  let b = name.replace(/\/+$/, "");
  b = b === "" ? (name === "" ? "" : "/") : b.slice(b.lastIndexOf("/") + 1);
  return suffix !== undefined && suffix !== "" && b !== suffix && b.endsWith(suffix) ? b.slice(0, -suffix.length) : b;
}

/** basename NAME [SUFFIX]; GNU's also -a (each operand a name), -s SUFFIX (which implies -a), -z. */
export function basenameProgram(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    const spec = flavor === "gnu" ? { short: "as:z", long: { multiple: "a", "suffix=": "s", zero: "z" } } : { short: "" };
    return yield* withOptions(ctx, flavor, spec, function* (o) {
      const names = o.operands;
      if (names.length === 0) return usageFailure(ctx, flavor, "missing operand");
      const suffix = last(o, "s");
      const multiple = has(o, "a") || suffix !== undefined;
      if (!multiple && names.length > 2) return usageFailure(ctx, flavor, `extra operand '${names[2]}'`);
      const end = has(o, "z") ? "\0" : "\n";
      const out = multiple ? names.map((n) => basenameOf(n, suffix)) : [basenameOf(names[0]!, names[1])];
      ctx.stdout.write(out.map((b) => b + end).join(""));
      return 0;
    });
  };
}

/** dirname NAME...: each name without its last component (GNU takes several, and -z). */
export function dirnameProgram(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    return yield* withOptions(ctx, flavor, flavor === "gnu" ? { short: "z", long: { zero: "z" } } : { short: "" }, function* (o) {
      if (o.operands.length === 0) return usageFailure(ctx, flavor, "missing operand");
      const names = flavor === "gnu" ? o.operands : o.operands.slice(0, 1);
      for (const name of names) {
        const t = name.replace(/\/+$/, "");
        const i = t.lastIndexOf("/");
        ctx.stdout.write((i < 0 ? (name.startsWith("/") ? "/" : ".") : i === 0 ? "/" : t.slice(0, i).replace(/\/+$/, "") || "/") + (has(o, "z") ? "\0" : "\n"));
      }
      return 0;
    });
  };
}

/** base64 [-d] [-w COLS] [FILE]: RFC 4648, lines of 76 characters unless -w says otherwise (0: none). */
const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function base32Encode(data: Uint8Array): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const b of data) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out + "=".repeat((8 - (out.length % 8)) % 8);
}

/** undefined when the text is no base32 (a bad letter, a bad length, padding inside). */
function base32Decode(text: string): Uint8Array | undefined {
  if (text.length % 8 !== 0 || !/^[A-Z2-7]*=*$/.test(text) || /=[^=]/.test(text)) return undefined;
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const c of text.replace(/=+$/, "")) {
    value = ((value << 5) | BASE32.indexOf(c)) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Uint8Array.from(out);
}

/** base64 and base32 (RFC 4648): encoded in lines of -w columns (76), or -d decoded. */
export function baseEncoding(kind: "base64" | "base32", flavor: Flavor) {
  const alphabet = kind === "base64" ? /[^A-Za-z0-9+/=]/g : /[^A-Z2-7=]/g;
  return function* (ctx: ProcessContext): Proc<number> {
    return yield* withOptions(ctx, flavor, { short: "dw:i", long: { decode: "d", "wrap=": "w", "ignore-garbage": "i" } }, function* (o) {
      if (o.operands.length > 1) return usageFailure(ctx, flavor, `extra operand '${o.operands[1]}'`);
      const file = o.operands[0] ?? "-";
      let input: string;
      try {
        input = yield* readInput(ctx, file);
      } catch (e) {
        ctx.stderr.write(`${kind}: ${file}: ${describeError(e)}\n`);
        return 1;
      }
      if (has(o, "d")) {
        const text = has(o, "i") ? input.replace(alphabet, "") : input.replace(/\n/g, "");
        if (kind === "base32") {
          const bytes = base32Decode(text);
          if (bytes === undefined) {
            ctx.stderr.write("base32: invalid input\n");
            return 1;
          }
          ctx.stdout.write(decodeText(bytes));
          return 0;
        }
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 === 1) {
          ctx.stdout.write(decodeText(Buffer.from(text.replace(/[^A-Za-z0-9+/]/g, ""), "base64")));
          ctx.stderr.write("base64: invalid input\n");
          return 1;
        }
        ctx.stdout.write(decodeText(Buffer.from(text, "base64")));
        return 0;
      }
      const wrap = Number(last(o, "w") ?? 76);
      if (!Number.isInteger(wrap) || wrap < 0) return usageFailure(ctx, flavor, `invalid wrap size: '${last(o, "w")}'`);
      const data = encodeText(input);
      const encoded = kind === "base64" ? Buffer.from(data).toString("base64") : base32Encode(data);
      // Only a wrapped last line is terminated (coreutils' wrap_write): -w 0 adds no newline.
      if (wrap === 0) ctx.stdout.write(encoded);
      else ctx.stdout.write(encoded === "" ? "" : `${(encoded.match(new RegExp(`.{1,${wrap}}`, "g")) ?? []).join("\n")}\n`);
      return 0;
    });
  };
}
