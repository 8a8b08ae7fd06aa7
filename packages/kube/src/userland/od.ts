import { encodeText, FsError, wait, type Proc } from "@ksim/sim";
import type { Executable, ProcessContext } from "../runtime/process.js";
import { describeError, endlessInput, FOREVER, has, last, parseOptions, readStdin, usageFailure, UsageError, withOptions, type Flavor, type ParsedOptions } from "./common.js";
import { BKM_SUFFIXES, BusyboxDie, busyboxUsage, UINT_MAX, ULLONG_MAX, xstrtou } from "./libbb.js";

/**
 * od in both flavours. GNU od: the input's bytes in the formats -t names (or the traditional -b
 * -c -d -o -s -x -a), 16 per line, each line's fields aligned across formats as od.c pads them,
 * repeated lines folded into `*`, offsets in -A's radix, -j to skip and -N to limit.
 *
 * busybox 1.28.4's od is od_bloaty.c (ENABLE_DESKTOP, as the image's defconfig has it), coreutils
 * 5.2.1's od busyboxed: every field is a space and the value at its type's width, with no
 * alignment between formats; the traditional letters map to types as it maps them (-d u2, -h and
 * -x x2, -i and -s d2, -l d4, -o o2, -b oC, -c c, -a a, -f fF) and are taken in its fixed order
 * (a b c d f h i l o, then every -t, then x s) whatever the command line's; -t also takes 8-byte
 * integers (L), floats (F, D, L: %e with the fallback FLT_DIG 7 and DBL_DIG 15 od_bloaty.c
 * defines) and the z suffix (the line's characters after it); a short last line is padded with
 * zero bytes to a multiple of every format's size and all of them are shown; -S prints strings;
 * -j past the end of the input dies. Multi-byte fields are little-endian, as on x86.
 */

interface Spec {
  readonly kind: "o" | "x" | "d" | "u" | "c" | "a" | "f";
  /** Bytes a datum takes. */
  readonly size: number;
  /** Characters its value takes, without the separating space. */
  readonly width: number;
  /** busybox's `z`: the line's characters after its fields. */
  readonly hexl?: boolean;
}

const WIDTHS: Record<"o" | "x" | "d" | "u", Record<1 | 2 | 4, number>> = {
  o: { 1: 3, 2: 6, 4: 11 },
  x: { 1: 2, 2: 4, 4: 8 },
  d: { 1: 4, 2: 6, 4: 11 },
  u: { 1: 3, 2: 5, 4: 10 },
};

const SIZE_LETTERS: Readonly<Record<string, 1 | 2 | 4>> = { C: 1, S: 2, I: 4, "1": 1, "2": 2, "4": 4 };

const NAMES = [
  "nul", "soh", "stx", "etx", "eot", "enq", "ack", "bel", "bs", "ht", "nl", "vt", "ff", "cr", "so", "si",
  "dle", "dc1", "dc2", "dc3", "dc4", "nak", "syn", "etb", "can", "em", "sub", "esc", "fs", "gs", "rs", "us", "sp",
];

const ESCAPES: Readonly<Record<number, string>> = { 0: "\\0", 7: "\\a", 8: "\\b", 9: "\\t", 10: "\\n", 11: "\\v", 12: "\\f", 13: "\\r" };

class OdError extends Error {}

/** `x1`, `d2`, `uC`, `o`, `c`, `a`: one or more specs in a -t argument. */
function parseTypes(text: string): Spec[] {
  const specs: Spec[] = [];
  for (let i = 0; i < text.length; ) {
    const kind = text[i++]!;
    if (kind === "c" || kind === "a") {
      specs.push({ kind, size: 1, width: 3 });
      continue;
    }
    if (kind !== "o" && kind !== "x" && kind !== "d" && kind !== "u") throw new OdError(`invalid character '${kind}' in type string '${text}'`);
    let size: 1 | 2 | 4 = 4;
    const s = text[i];
    if (s !== undefined && s in SIZE_LETTERS) {
      size = SIZE_LETTERS[s]!;
      i++;
    } else if (s !== undefined && /[0-9]/.test(s)) throw new OdError(`invalid type string '${text}';\nthis system doesn't provide a ${s}-byte integral type`);
    specs.push({ kind, size, width: WIDTHS[kind][size] });
  }
  return specs;
}

/** One datum's text, unpadded for d and u, zero-padded to its width for o and x. */
function field(spec: Spec, bytes: Uint8Array, at: number): string {
  if (spec.kind === "c") {
    const b = bytes[at]!;
    return ESCAPES[b] ?? (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : b.toString(8).padStart(3, "0"));
  }
  if (spec.kind === "a") {
    const b = bytes[at]! & 0x7f;
    return b <= 0x20 ? NAMES[b]! : b === 0x7f ? "del" : String.fromCharCode(b);
  }
  if (spec.kind === "f") return floatField(spec, bytes, at);
  if (spec.size === 8) {
    let v = 0n;
    for (let k = 7; k >= 0; k--) v = v * 256n + BigInt(bytes[at + k] ?? 0);
    if (spec.kind === "d") v = BigInt.asIntN(64, v);
    return v.toString(spec.kind === "o" ? 8 : spec.kind === "x" ? 16 : 10).padStart(spec.kind === "o" || spec.kind === "x" ? spec.width : 0, "0");
  }
  let v = 0;
  for (let k = spec.size - 1; k >= 0; k--) v = v * 256 + (bytes[at + k] ?? 0);
  if (spec.kind === "d" && v >= 2 ** (8 * spec.size - 1)) v -= 2 ** (8 * spec.size);
  if (spec.kind === "o") return v.toString(8).padStart(spec.width, "0");
  if (spec.kind === "x") return v.toString(16).padStart(spec.width, "0");
  return String(v);
}

/** printf's %.Ne of a float, double or x87 long double (its 10 bytes at the start of 16). */
function floatField(spec: Spec, bytes: Uint8Array, at: number): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, spec.size);
  let x: number;
  let negative: boolean;
  if (spec.size === 4 || spec.size === 8) {
    x = spec.size === 4 ? view.getFloat32(0, true) : view.getFloat64(0, true);
    negative = (bytes[at + spec.size - 1]! & 0x80) !== 0;
  } else {
    let mantissa = 0n;
    for (let k = 7; k >= 0; k--) mantissa = mantissa * 256n + BigInt(bytes[at + k]!);
    const signExp = bytes[at + 8]! | (bytes[at + 9]! << 8);
    negative = (signExp & 0x8000) !== 0;
    const exp = signExp & 0x7fff;
    if (exp === 0x7fff) x = (mantissa & (2n ** 63n - 1n)) === 0n ? Number.POSITIVE_INFINITY : Number.NaN;
    else {
      const e = (exp === 0 ? 1 : exp) - 16383 - 63;
      x = Number(mantissa) * 2 ** Math.max(e, -1000) * 2 ** Math.min(0, e + 1000);
    }
  }
  const precision = spec.size === 4 ? 7 : 15;
  if (Number.isNaN(x)) return negative ? "-nan" : "nan";
  const abs = Math.abs(x);
  if (abs === Number.POSITIVE_INFINITY) return negative ? "-inf" : "inf";
  const [mantissa, e] = abs.toExponential(precision).split("e");
  const n = Number(e);
  return `${negative ? "-" : ""}${mantissa}e${n < 0 ? "-" : "+"}${String(Math.abs(n)).padStart(2, "0")}`;
}

/** An offset in -A's radix: octal and decimal in 7 digits, hex in 6, nothing for n. */
function address(radix: string, n: number): string {
  if (radix === "n") return "";
  if (radix === "d") return String(n).padStart(7, "0");
  if (radix === "x") return n.toString(16).padStart(6, "0");
  return n.toString(8).padStart(7, "0");
}

export function odProgram(flavor: Flavor): Executable {
  return flavor === "gnu" ? gnuOd : busyboxOd;
}

function* gnuOd(ctx: ProcessContext): Proc<number> {
  const spec = {
    short: "A:j:N:t:vw:abcdosxi",
    long: { "address-radix=": "A", "skip-bytes=": "j", "read-bytes=": "N", "format=": "t", "output-duplicates": "v", "width=": "w" },
  };
  return yield* withOptions(ctx, "gnu", spec, function* (o) {
    const specs: Spec[] = [];
    try {
      // Traditional letters and -t formats, in the order given.
      for (const [flag, type] of [["a", "a"], ["b", "o1"], ["c", "c"], ["d", "u2"], ["o", "o2"], ["s", "d2"], ["x", "x2"], ["i", "d4"]] as const) if (has(o, flag)) specs.push(...parseTypes(type));
      for (const t of o.flags.get("t") ?? []) specs.push(...parseTypes(t));
    } catch (e) {
      if (!(e instanceof OdError)) throw e;
      return usageFailure(ctx, "gnu", e.message);
    }
    if (specs.length === 0) specs.push(...parseTypes("o2"));
    const radix = last(o, "A") ?? "o";
    if (!["o", "d", "x", "n"].includes(radix)) return usageFailure(ctx, "gnu", `invalid output address radix '${radix}'; it must be one character from [doxn]`);
    const widthText = last(o, "w");
    const width = widthText === undefined ? 16 : widthText === "" ? 32 : Number(widthText);
    const lcm = specs.reduce((m, s) => (m % s.size === 0 ? m : m * s.size), 1);
    if (!Number.isInteger(width) || width <= 0 || width % lcm !== 0) return usageFailure(ctx, "gnu", `invalid -w argument '${widthText}'`);

    const chunks: Uint8Array[] = [];
    let status = 0;
    const skip = Number(last(o, "j") ?? 0);
    const limit = last(o, "N") === undefined ? Number.POSITIVE_INFINITY : Number(last(o, "N"));
    for (const file of o.operands.length > 0 ? o.operands : ["-"]) {
      const device = endlessInput(ctx, file);
      if (device !== undefined) {
        // What -j and -N take of it is all od reads; without -N it reads on for ever.
        if (limit === Number.POSITIVE_INFINITY) yield* wait(FOREVER);
        chunks.push(device.read(skip + limit));
        break;
      }
      try {
        chunks.push(file === "-" ? encodeText(yield* readStdin(ctx)) : ctx.fs.readFile(ctx.resolve(file)));
      } catch (e) {
        if (!(e instanceof FsError)) throw e;
        ctx.stderr.write(`od: ${file}: ${describeError(e)}\n`);
        status = 1;
      }
    }
    const input = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    const bytes = input.subarray(Math.min(skip, input.length), Math.min(input.length, skip + limit));

    // od.c: every format's fields in a line take the same total width; the spare goes in front of fields.
    const perLine = Math.max(...specs.map((s) => (s.width + 1) * (width / s.size)));
    const blankAddress = radix === "n" ? "" : " ".repeat(radix === "x" ? 6 : 7);
    let out = "";
    let previous: string | undefined;
    let folded = false;
    for (let at = 0; at < bytes.length; at += width) {
      const line = bytes.subarray(at, at + width);
      const lines = specs.map((s) => {
        const fields = width / s.size;
        const present = Math.ceil(line.length / s.size);
        const pad = perLine - s.width * fields;
        let text = "";
        let padLeft = pad;
        for (let i = fields; i > fields - present; i--) {
          const next = Math.floor((pad * (i - 1)) / fields);
          text += field(s, line, (fields - i) * s.size).padStart(padLeft - next + s.width);
          padLeft = next;
        }
        return text;
      });
      const key = lines.join("\n");
      if (!has(o, "v") && key === previous && line.length === width) {
        if (!folded) out += "*\n";
        folded = true;
        continue;
      }
      previous = key;
      folded = false;
      out += lines.map((l, i) => `${i === 0 ? address(radix, skip + at) : blankAddress}${l}\n`).join("");
    }
    if (radix !== "n") out += `${address(radix, skip + bytes.length)}\n`;
    ctx.stdout.write(out);
    return status;
  });
}

// ---------------------------------------------------------------------------------------------
// busybox (od_bloaty.c)


/** Digits of each integral size (bytes_to_{oct,signed_dec,unsigned_dec,hex}_digits). */
const BUSYBOX_WIDTHS: Record<"o" | "x" | "d" | "u", Readonly<Record<number, number>>> = {
  o: { 1: 3, 2: 6, 4: 11, 8: 22 },
  x: { 1: 2, 2: 4, 4: 8, 8: 16 },
  d: { 1: 4, 2: 6, 4: 11, 8: 20 },
  u: { 1: 3, 2: 5, 4: 10, 8: 20 },
};

/** bb_strtou(s, &end, 0) as decode_one_format reads a size: the number and where it ends, 4294967295 for ERANGE (an alphanumeric after it). */
function typeSize(text: string, from: number): [number, number] {
  const hex = /^0[xX][0-9a-fA-F]+/.exec(text.slice(from));
  const m = hex ?? (text[from] === "0" ? /^0[0-7]*/ : /^[0-9]+/).exec(text.slice(from))!;
  const end = from + m[0].length;
  const value = hex !== null ? Number.parseInt(m[0].slice(2), 16) : Number.parseInt(m[0], m[0].startsWith("0") ? 8 : 10);
  if (value > Number(UINT_MAX) || /[0-9A-Za-z]/.test(text[end] ?? "")) return [Number(UINT_MAX), end];
  return [value, end];
}

/** decode_format_string: each type in a -t argument, or od's message. */
function busyboxTypes(text: string): Spec[] {
  const specs: Spec[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    let spec: Spec;
    if (c === "d" || c === "o" || c === "u" || c === "x") {
      i++;
      const letter = "CSIL".indexOf(text[i] ?? "\0");
      let size = 4;
      if (letter >= 0) {
        size = [1, 2, 4, 8][letter]!;
        i++;
      } else if (/[0-9]/.test(text[i] ?? "")) {
        [size, i] = typeSize(text, i);
        if (![1, 2, 4, 8].includes(size)) throw new BusyboxDie(`invalid type string '${text}'; ${size}-byte integral type is not supported`);
      }
      spec = { kind: c, size, width: BUSYBOX_WIDTHS[c][size]! };
    } else if (c === "f") {
      i++;
      const letter = "FDL".indexOf(text[i] ?? "\0");
      let size = 8;
      if (letter >= 0) {
        size = [4, 8, 16][letter]!;
        i++;
      } else if (/[0-9]/.test(text[i] ?? "")) {
        [size, i] = typeSize(text, i);
        if (![4, 8, 16].includes(size)) throw new BusyboxDie(`invalid type string '${text}'; ${size}-byte floating point type is not supported`);
      }
      spec = { kind: "f", size, width: size === 4 ? 15 : 23 };
    } else if (c === "a" || c === "c") {
      i++;
      spec = { kind: c, size: 1, width: 3 };
    } else throw new BusyboxDie(`invalid character '${c}' in type string '${text}'`);
    const hexl = text[i] === "z";
    if (hexl) i++;
    specs.push({ ...spec, hexl });
  }
  return specs;
}

/** Long options whose argument is optional; alone they mean od_bloaty's defaults (-w 32, -S 3). */
const OPTIONAL_LONG: Readonly<Record<string, string>> = { width: "-w32", strings: "-S3" };
const LONG_NAMES = ["skip-bytes", "address-radix", "read-bytes", "format", "output-duplicates", "strings", "width", "traditional"];

/** The input files read one after another as od_bloaty.c's open_next_file and check_and_close go through them. */
class Files {
  exitCode = 0;
  private next = 0;
  private current: { data: Uint8Array; at: number; name: string; unreadable: boolean } | undefined;

  constructor(
    private readonly ctx: ProcessContext,
    private readonly names: readonly string[],
    private readonly stdin: Uint8Array,
    /** How much of an endless device is read: as far as -j and -N reach. */
    private readonly deviceBytes: number,
  ) {}

  get open(): boolean {
    return this.current !== undefined;
  }

  /** The rest of the current file (stdin counts as a pipe: it cannot be sought). */
  remaining(): { regular: boolean; bytes: number } {
    const f = this.current!;
    return { regular: f.name !== "-" && !f.unreadable && f.data.length > 0, bytes: f.data.length - f.at };
  }

  /** fopen_or_warn_stdin of each name in turn until one opens; a directory opens (and fails to read later). */
  openNext(): void {
    this.current = undefined;
    while (this.next < this.names.length) {
      const name = this.names[this.next++]!;
      if (name === "-") {
        this.current = { data: this.stdin, at: 0, name, unreadable: false };
        return;
      }
      try {
        const abs = this.ctx.resolve(name);
        const dir = this.ctx.fs.stat(abs).type === "dir";
        const device = endlessInput(this.ctx, name);
        const data = dir ? new Uint8Array() : device !== undefined ? device.read(this.deviceBytes) : this.ctx.fs.readFile(abs);
        this.current = { data, at: 0, name, unreadable: dir };
        return;
      } catch (e) {
        this.ctx.stderr.write(`od: ${name}: ${describeError(e)}\n`);
        this.exitCode = 1;
      }
    }
  }

  /** fread: up to n bytes of the current file. */
  read(n: number): Uint8Array {
    const f = this.current!;
    const chunk = f.data.subarray(f.at, f.at + n);
    f.at += chunk.length;
    return chunk;
  }

  /** fseeko past n bytes of the current file. */
  seek(n: number): void {
    this.current!.at += n;
  }

  checkAndClose(): void {
    if (this.current?.unreadable) {
      this.ctx.stderr.write(`od: ${this.current.name}: read error\n`);
      this.exitCode = 1;
    }
    this.current = undefined;
  }

  /** read_block: n bytes across files, fewer at the end of the last. */
  readAcross(n: number): Uint8Array {
    const parts: Uint8Array[] = [];
    let got = 0;
    while (this.open) {
      const chunk = this.read(n - got);
      parts.push(chunk);
      got += chunk.length;
      if (got === n) break;
      this.checkAndClose();
      this.openNext();
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }
}

function* busyboxOd(ctx: ProcessContext): Proc<number> {
  const args = ctx.argv.slice(1);
  let o: ParsedOptions;
  try {
    const rewritten = args.map((a) => {
      if (!a.startsWith("--") || a.includes("=") || a === "--") return a;
      const candidates = LONG_NAMES.filter((n) => n.startsWith(a.slice(2)));
      return candidates.length === 1 && OPTIONAL_LONG[candidates[0]!] !== undefined ? OPTIONAL_LONG[candidates[0]!]! : a;
    });
    o = parseOptions(rewritten, {
      short: "A:N:abcdfhij:lot:vxsS:w:",
      long: { "skip-bytes=": "j", "address-radix=": "A", "read-bytes=": "N", "format=": "t", "output-duplicates": "v", "strings=": "S", "width=": "w", traditional: "traditional" },
    });
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    ctx.stderr.write(`od: ${e.message}\n`);
    return busyboxUsage(ctx, "od", 1);
  }
  try {
    return yield* busyboxDump(ctx, o);
  } catch (e) {
    if (!(e instanceof BusyboxDie)) throw e;
    ctx.stderr.write(`od: ${e.message}\n`);
    return 1;
  }
}

function* busyboxDump(ctx: ProcessContext, o: ParsedOptions): Proc<number> {
  if (has(o, "traditional")) throw new BusyboxDie("--traditional: ksim does not model od's traditional offset operands");
  // getopt32 converts -w's number as it parses; then od_main's order: -A, -N, the letters a..i, -j, l o, every -t, x s, -S.
  const widthText = last(o, "w");
  let width = widthText === undefined ? 32 : Number(xstrtou(widthText, 10, 0n, 2n ** 31n - 1n, undefined, UINT_MAX));
  let radix = "o";
  let pad = 7;
  const radixText = last(o, "A");
  if (radixText !== undefined) {
    const pos = "doxn".indexOf(radixText[0] ?? "\0");
    if (pos < 0) throw new BusyboxDie(`bad output address radix '${radixText[0] ?? ""}' (must be [doxn])`);
    radix = "doxn"[pos]!;
    // The padding of a second format's line after -A n reads past od_bloaty.c's 3-entry table; ksim pads none.
    pad = [7, 7, 6, 0][pos]!;
  }
  const offset = (text: string) => BigInt.asIntN(64, xstrtou(text, 0, 0n, ULLONG_MAX, BKM_SUFFIXES));
  const limitText = last(o, "N");
  const limit = limitText === undefined ? undefined : offset(limitText);
  const specs: Spec[] = [];
  const letters = (flags: string) => {
    for (const [flag, type] of [["a", "a"], ["b", "oC"], ["c", "c"], ["d", "u2"], ["f", "fF"], ["h", "x2"], ["i", "d2"], ["l", "d4"], ["o", "o2"], ["x", "x2"], ["s", "d2"]] as const) {
      if (flags.includes(flag) && has(o, flag)) specs.push(...busyboxTypes(type));
    }
  };
  letters("abcdfhi");
  const skipText = last(o, "j");
  const skip = skipText === undefined ? 0n : offset(skipText);
  letters("lo");
  for (const t of o.flags.get("t") ?? []) specs.push(...busyboxTypes(t));
  letters("xs");
  const stringsText = last(o, "S");
  const stringMin = stringsText === undefined ? 3 : Number(xstrtou(stringsText, 0, 0n, UINT_MAX, BKM_SUFFIXES, UINT_MAX));
  let end: bigint | undefined;
  if (limit !== undefined) {
    end = BigInt.asIntN(64, skip + limit);
    if (end < skip) throw new BusyboxDie("SKIP + SIZE is too large");
  }
  if (specs.length === 0) specs.push(...busyboxTypes("o2"));

  const stdin = o.operands.length === 0 || o.operands.includes("-") ? encodeText(yield* readStdin(ctx)) : new Uint8Array();
  // An endless device gives what -j and -N take of it; without -N od reads it for ever.
  if (end === undefined && o.operands.some((f) => endlessInput(ctx, f) !== undefined)) yield* wait(FOREVER);
  const files = new Files(ctx, o.operands.length > 0 ? o.operands : ["-"], stdin, end === undefined ? 0 : Number(end));
  files.openNext();
  // skip(): whole regular files are stepped over, others read; past the end of everything is fatal.
  let toSkip = Number(skip);
  while (toSkip > 0 && files.open) {
    const { regular, bytes } = files.remaining();
    if (regular && bytes >= toSkip) {
      files.seek(toSkip);
      toSkip = 0;
      break;
    }
    toSkip -= regular ? bytes : files.read(toSkip).length;
    if (toSkip === 0) break;
    files.checkAndClose();
    files.openNext();
  }
  if (toSkip > 0) throw new BusyboxDie("can't skip past end of combined input");
  if (!files.open) return 1;

  const lcm = specs.reduce((m, s) => (m * s.size) / gcd(m, s.size), 1);
  if (widthText !== undefined) {
    if (width === 0 || width % lcm !== 0) {
      ctx.stderr.write(`od: warning: invalid width ${width}; using ${lcm} instead\n`);
      width = lcm;
    }
  } else width = lcm < 16 ? lcm * Math.floor(16 / lcm) : lcm;

  const at = (n: number) => (radix === "n" ? "" : address(radix, n));
  let out = "";
  if (has(o, "S")) out = dumpStrings(files, Number(skip), end === undefined ? undefined : Number(end), stringMin, (n) => (radix === "n" ? "" : `${address(radix, n)} `));
  else {
    let current = Number(skip);
    let previous: Uint8Array | undefined;
    let folded = false;
    const line = (n: number, block: Uint8Array) => {
      if (!has(o, "v") && previous !== undefined && n === width && Buffer.compare(previous.subarray(0, width), block.subarray(0, width)) === 0) {
        if (!folded) out += "*\n";
        folded = true;
        return;
      }
      folded = false;
      specs.forEach((s, i) => {
        out += i === 0 ? at(current) : " ".repeat(pad);
        for (let k = 0; k < n; k += s.size) out += ` ${field(s, block, k).padStart(s.width)}`;
        if (s.hexl) {
          out += " ".repeat(((width - n) / s.size) * (s.width + 1)) + "  >";
          for (const b of block.subarray(0, n)) out += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".";
          out += "<";
        }
        out += "\n";
      });
    };
    let read: Uint8Array;
    for (;;) {
      const wanted = end === undefined ? width : Math.min(Number(end) - current, width);
      read = wanted <= 0 ? new Uint8Array() : files.readAcross(wanted);
      if (read.length < width) break;
      line(width, read);
      previous = read;
      current += read.length;
    }
    if (read.length > 0) {
      // The last block, zero-padded to a multiple of every format's size.
      const n = lcm * Math.ceil(read.length / lcm);
      const block = new Uint8Array(Math.max(n, width));
      block.set(read);
      line(n, block);
      current += read.length;
    }
    if (radix !== "n") out += `${at(current)}\n`;
    if (end !== undefined && current >= Number(end)) files.checkAndClose();
  }
  ctx.stdout.write(out);
  return files.exitCode;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * dump_strings: each run of at least `min` printable characters ended by a NUL, after its
 * address and a space; a run cut short by the end of the input is dropped.
 */
function dumpStrings(files: Files, start: number, end: number | undefined, min: number, label: (n: number) => string): string {
  let out = "";
  let addr = start;
  for (;;) {
    if (end !== undefined && end - min <= addr) break;
    let text = "";
    let printable = true;
    while (end === undefined || addr < end) {
      let c: number | undefined;
      while (files.open) {
        const byte = files.read(1);
        if (byte.length === 1) {
          c = byte[0]!;
          break;
        }
        files.checkAndClose();
        files.openNext();
      }
      if (c === undefined) return out;
      addr++;
      if (c === 0) break;
      if (c < 0x20 || c >= 0x7f) {
        printable = false;
        break;
      }
      text += String.fromCharCode(c);
    }
    if (!printable || text.length < min) continue;
    out += `${label(addr - text.length - 1)}${text}\n`;
  }
  files.checkAndClose();
  return out;
}
