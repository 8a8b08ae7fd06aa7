import { decodeText, encodeText, type Proc } from "@ksim/sim";
import type { ProcessContext } from "../runtime/process.js";
import { createAndWrite, describeError, has, last, parseSize, readInput, usageFailure, withOptions } from "./common.js";

/**
 * coreutils' split (9.1): pieces of a file named PREFIX (`x`) and a suffix (`aa`, `ab`, …; -d
 * digits, -x hex digits), by lines (-l, 1000 by default), bytes (-b), lines up to a size (-C)
 * or a number of chunks (-n N, l/N, r/N, K/N to standard output). Without -a the suffix widens
 * when it runs out as split's does (`xyz` is followed by `xzaaa`); with -a it is exhausted.
 */
export function* splitProgram(ctx: ProcessContext): Proc<number> {
  const long = {
    "suffix-length=": "a",
    "additional-suffix=": "additional",
    "bytes=": "b",
    "line-bytes=": "C",
    "numeric-suffixes=?": "d",
    "hex-suffixes=?": "x",
    "elide-empty-files": "e",
    "lines=": "l",
    "number=": "n",
    "separator=": "t",
    verbose: "verbose",
    unbuffered: "u",
  };
  return yield* withOptions(ctx, "gnu", { short: "a:b:C:del:n:t:ux", long }, function* (o) {
    const fail = (message: string) => {
      ctx.stderr.write(`split: ${message}\n`);
      return 1;
    };
    if (o.operands.length > 2) return usageFailure(ctx, "gnu", `extra operand '${o.operands[2]}'`);
    const input = o.operands[0] ?? "-";
    const prefix = o.operands[1] ?? "x";
    const separator = last(o, "t") ?? "\n";

    // What splits it: the last of -l, -b, -C and -n given.
    const mode = o.order.findLast((f) => ["l", "b", "C", "n"].includes(f)) ?? "l";
    const amount = last(o, mode) ?? "1000";
    let count = 0;
    let chunking: { kind: "bytes" | "lines" | "round"; chunks: number; only?: number } | undefined;
    if (mode === "l") {
      if (!/^\d+$/.test(amount)) return fail(`invalid number of lines: '${amount}'`);
      count = Number(amount);
      if (count === 0) return fail(`invalid number of lines: '${amount}': Numerical result out of range`);
    } else if (mode === "b" || mode === "C") {
      const size = parseSize(amount);
      if (size === undefined) return fail(`invalid number of bytes: '${amount}'`);
      if (size === 0) return fail(`invalid number of bytes: '${amount}': Numerical result out of range`);
      count = size;
    } else {
      const m = /^(?:([lr])\/)?(?:(\d+)\/)?(\d+)$/.exec(amount);
      if (m === null) return fail(`invalid number of chunks: '${amount}'`);
      const chunks = Number(m[3]);
      if (chunks === 0) return fail(`invalid number of chunks: '${amount}': Numerical result out of range`);
      const only = m[2] === undefined ? undefined : Number(m[2]);
      if (only !== undefined && (only === 0 || only > chunks)) return fail(`invalid chunk number: '${m[2]}'`);
      chunking = { kind: m[1] === "l" ? "lines" : m[1] === "r" ? "round" : "bytes", chunks, only };
    }

    let text: string;
    try {
      text = yield* readInput(ctx, input);
    } catch (e) {
      return fail(`cannot open '${input}' for reading: ${describeError(e)}`);
    }
    const data = encodeText(text);
    const pieces = chunking === undefined ? piecesBy(mode, data, count, separator) : chunksOf(chunking, data, separator);
    if (chunking?.only !== undefined) {
      ctx.stdout.write(decodeText(pieces[chunking.only - 1]!));
      return 0;
    }

    // --numeric-suffixes=FROM and --hex-suffixes=FROM start counting there.
    const suffixKind = o.order.findLast((f) => f === "d" || f === "x");
    const alphabet = suffixKind === "d" ? "0123456789" : suffixKind === "x" ? "0123456789abcdef" : "abcdefghijklmnopqrstuvwxyz";
    const from = suffixKind === undefined ? "" : last(o, suffixKind)!;
    const start = from === "" ? 0 : parseInt(from, alphabet.length);
    const lengthText = last(o, "a");
    if (lengthText !== undefined && !/^\d+$/.test(lengthText)) return fail(`invalid suffix length: '${lengthText}'`);
    const needed = chunking === undefined ? 2 : Math.max(2, digitsFor(start + chunking.chunks - 1, alphabet.length));
    const names = new SuffixSequence(prefix, last(o, "additional") ?? "", alphabet, lengthText === undefined ? needed : Number(lengthText), lengthText === undefined && chunking === undefined, start);
    for (const piece of pieces) {
      if (piece.length === 0 && has(o, "e")) continue;
      const name = names.next();
      if (name === undefined) return fail("output file suffixes exhausted");
      if (has(o, "verbose")) ctx.stdout.write(`creating file '${name}'\n`);
      try {
        const written = createAndWrite(ctx.fs, ctx.resolve(name), piece);
        if (written.error !== undefined) throw written.error;
      } catch (e) {
        return fail(`${name}: ${describeError(e)}`);
      }
    }
    return 0;
  });
}

/** -l N lines, -b N bytes, -C lines up to N bytes (a longer line broken at N). */
function piecesBy(mode: string, data: Uint8Array, n: number, separator: string): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  if (mode === "b") {
    for (let at = 0; at < data.length; at += n) pieces.push(data.subarray(at, at + n));
    return pieces;
  }
  const sep = separator.charCodeAt(0);
  const ends: number[] = [];
  for (let i = 0; i < data.length; i++) if (data[i] === sep) ends.push(i + 1);
  if (ends.at(-1) !== data.length && data.length > 0) ends.push(data.length);
  if (mode === "l") {
    for (let i = 0; i < ends.length; i += n) pieces.push(data.subarray(i === 0 ? 0 : ends[i - 1]!, ends[Math.min(i + n, ends.length) - 1]));
    return pieces;
  }
  let from = 0;
  let lineStart = 0;
  for (const end of ends) {
    // A line that does not fit where this piece has room closes it; one longer than N is broken.
    if (end - from > n && lineStart > from) {
      pieces.push(data.subarray(from, lineStart));
      from = lineStart;
    }
    while (end - from > n) {
      pieces.push(data.subarray(from, from + n));
      from += n;
    }
    lineStart = end;
  }
  if (from < data.length) pieces.push(data.subarray(from));
  return pieces;
}

/** -n: N pieces of equal bytes (the last takes the rest), of whole lines (l/), or lines dealt round (r/). */
function chunksOf(c: { kind: "bytes" | "lines" | "round"; chunks: number }, data: Uint8Array, separator: string): Uint8Array[] {
  const size = Math.floor(data.length / c.chunks);
  const sep = separator.charCodeAt(0);
  const pieces: Uint8Array[] = [];
  if (c.kind === "bytes") {
    for (let k = 0; k < c.chunks; k++) pieces.push(data.subarray(k * size, k === c.chunks - 1 ? data.length : (k + 1) * size));
    return pieces;
  }
  if (c.kind === "lines") {
    // A line goes to the chunk its last byte falls in.
    let from = 0;
    for (let k = 1; k <= c.chunks; k++) {
      const nominal = k === c.chunks ? data.length : k * size;
      let end = Math.max(from, nominal);
      if (end < data.length && end > 0 && data[end - 1] !== sep) {
        while (end < data.length && data[end - 1] !== sep) end++;
      }
      pieces.push(data.subarray(from, end));
      from = end;
    }
    return pieces;
  }
  const dealt: number[][] = Array.from({ length: c.chunks }, () => []);
  let start = 0;
  let line = 0;
  for (let i = 0; i < data.length; i++) {
    if (data[i] === sep || i === data.length - 1) {
      for (let b = start; b <= i; b++) dealt[line % c.chunks]!.push(data[b]!);
      start = i + 1;
      line++;
    }
  }
  return dealt.map((bytes) => Uint8Array.from(bytes));
}

function digitsFor(n: number, base: number): number {
  let digits = 1;
  while (n >= base) {
    n = Math.floor(n / base);
    digits++;
  }
  return digits;
}

/** next_file_name: the suffix counts up in its alphabet; widening appends its last letter to the prefix. */
class SuffixSequence {
  private digits: number[] | undefined;

  constructor(
    private prefix: string,
    private readonly additional: string,
    private readonly alphabet: string,
    private length: number,
    private readonly widens: boolean,
    private readonly start: number,
  ) {}

  next(): string | undefined {
    if (this.digits === undefined) {
      this.digits = new Array<number>(this.length).fill(0);
      for (let i = this.length - 1, n = this.start; i >= 0 && n > 0; i--, n = Math.floor(n / this.alphabet.length)) this.digits[i] = n % this.alphabet.length;
      return this.name();
    }
    const last = this.alphabet.length - 1;
    for (let i = this.length - 1; i >= 0; i--) {
      this.digits[i]!++;
      if (this.widens && i === 0 && this.digits[0] === last) {
        this.prefix += this.alphabet[last];
        this.length++;
        this.digits = new Array<number>(this.length).fill(0);
        return this.name();
      }
      if (this.digits[i]! <= last) return this.name();
      this.digits[i] = 0;
    }
    return undefined;
  }

  private name(): string {
    return `${this.prefix}${this.digits!.map((d) => this.alphabet[d]).join("")}${this.additional}`;
  }
}
