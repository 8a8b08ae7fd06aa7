import { encodeText, FsError, type Proc } from "@ksim/sim";
import type { ProcessContext } from "../runtime/process.js";
import { describeError, has, last, readStdin, usageFailure, withOptions } from "./common.js";

/**
 * GNU od: the input's bytes in the formats -t names (or the traditional -b -c -d -o -s -x -a),
 * 16 per line, each line's fields aligned across formats as od.c pads them, repeated lines
 * folded into `*`, offsets in -A's radix, -j to skip and -N to limit. Multi-byte fields are
 * little-endian, as on x86.
 */

interface Spec {
  readonly kind: "o" | "x" | "d" | "u" | "c" | "a";
  readonly size: 1 | 2 | 4;
  readonly width: number;
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

function field(spec: Spec, bytes: Uint8Array, at: number): string {
  if (spec.kind === "c") {
    const b = bytes[at]!;
    return ESCAPES[b] ?? (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : b.toString(8).padStart(3, "0"));
  }
  if (spec.kind === "a") {
    const b = bytes[at]! & 0x7f;
    return b <= 0x20 ? NAMES[b]! : b === 0x7f ? "del" : String.fromCharCode(b);
  }
  let v = 0;
  for (let k = spec.size - 1; k >= 0; k--) v = v * 256 + (bytes[at + k] ?? 0);
  if (spec.kind === "d" && v >= 2 ** (8 * spec.size - 1)) v -= 2 ** (8 * spec.size);
  if (spec.kind === "o") return v.toString(8).padStart(spec.width, "0");
  if (spec.kind === "x") return v.toString(16).padStart(spec.width, "0");
  return String(v);
}

export function* odProgram(ctx: ProcessContext): Proc<number> {
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
    for (const file of o.operands.length > 0 ? o.operands : ["-"]) {
      try {
        chunks.push(file === "-" ? encodeText(yield* readStdin(ctx)) : ctx.fs.readFile(ctx.resolve(file)));
      } catch (e) {
        if (!(e instanceof FsError)) throw e;
        ctx.stderr.write(`od: ${file}: ${describeError(e)}\n`);
        status = 1;
      }
    }
    const input = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    const skip = Number(last(o, "j") ?? 0);
    const limit = last(o, "N") === undefined ? Number.POSITIVE_INFINITY : Number(last(o, "N"));
    const bytes = input.subarray(Math.min(skip, input.length), Math.min(input.length, skip + limit));

    // od.c: every format's fields in a line take the same total width; the spare goes in front of fields.
    const perLine = Math.max(...specs.map((s) => (s.width + 1) * (width / s.size)));
    const address = (n: number) => (radix === "n" ? "" : radix === "d" ? String(n).padStart(7, "0") : radix === "x" ? n.toString(16).padStart(6, "0") : n.toString(8).padStart(7, "0"));
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
      out += lines.map((l, i) => `${i === 0 ? address(skip + at) : blankAddress}${l}\n`).join("");
    }
    if (radix !== "n") out += `${address(skip + bytes.length)}\n`;
    ctx.stdout.write(out);
    return status;
  });
}
