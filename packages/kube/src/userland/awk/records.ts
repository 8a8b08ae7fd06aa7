import type { Proc } from "@ksim/sim";

/**
 * Splitting input into records (by RS) and records into fields (by FS), as mawk does: RS is a
 * terminator — one character, "" (paragraphs: blank lines separate records, leading blank
 * lines are skipped), or a regex; FS " " splits on runs of blanks, tabs and newlines.
 */

export type RecordMode = { readonly kind: "char"; readonly ch: string } | { readonly kind: "regex"; readonly re: RegExp };

const PARAGRAPH: RecordMode = { kind: "regex", re: /\n\n+/g };
const NEWLINE: RecordMode = { kind: "char", ch: "\n" };

/** The record mode for an RS value; `regex` compiles a multi-character RS. */
export function recordMode(rs: string, regex: (source: string) => RegExp): RecordMode {
  if (rs === "\n") return NEWLINE;
  if (rs === "") return PARAGRAPH;
  if (rs.length === 1) return { kind: "char", ch: rs };
  return { kind: "regex", re: regex(rs) };
}

/** Records from a file's text, or from a stream read a chunk at a time (stdin, a command's output). */
export class RecordReader {
  private buf: string;
  private pos = 0;
  private eof: boolean;
  private fresh = true;

  constructor(text: string, private readonly pull?: () => Proc<string | null>) {
    this.buf = text;
    this.eof = pull === undefined;
  }

  /** The next record, or null at end of input. */
  *read(mode: RecordMode): Proc<string | null> {
    for (;;) {
      if (this.fresh && mode === PARAGRAPH) {
        while (this.pos < this.buf.length && this.buf[this.pos] === "\n") this.pos++;
        if (this.pos < this.buf.length || this.eof) this.fresh = false;
      }
      if (!this.fresh || mode !== PARAGRAPH) {
        const rec = this.take(mode);
        if (rec !== null) return rec;
      }
      if (this.eof) {
        if (this.pos >= this.buf.length) return null;
        let rec = this.buf.slice(this.pos);
        this.pos = this.buf.length;
        if (mode === PARAGRAPH && rec.endsWith("\n")) rec = rec.slice(0, -1);
        return rec;
      }
      const chunk = yield* this.pull!();
      if (chunk === null) this.eof = true;
      else {
        this.buf = this.buf.slice(this.pos) + chunk;
        this.pos = 0;
      }
    }
  }

  /** A complete record from the buffer, if one is there. */
  private take(mode: RecordMode): string | null {
    let end: number;
    let sep: number;
    if (mode.kind === "char") {
      end = this.buf.indexOf(mode.ch, this.pos);
      sep = 1;
    } else {
      const m = nonEmptyMatch(mode.re, this.buf, this.pos);
      if (m === null) return null;
      end = m.index;
      sep = m.length;
      // A match reaching the end of what has arrived may grow with the next chunk.
      if (end + sep === this.buf.length && !this.eof) return null;
    }
    if (end < 0) return null;
    const rec = this.buf.slice(this.pos, end);
    this.pos = end + sep;
    return rec;
  }
}

/** The first non-empty match of a global regex at or after `from`. */
function nonEmptyMatch(re: RegExp, text: string, from: number): { index: number; length: number } | null {
  re.lastIndex = from;
  for (;;) {
    const m = re.exec(text);
    if (m === null) return null;
    if (m[0].length > 0) return { index: m.index, length: m[0].length };
    re.lastIndex = m.index + 1;
  }
}

export type Splitter = (text: string) => string[];

/** mawk's <SPACE>: runs of blanks, tabs and newlines, ignoring them at both ends. */
const splitSpace: Splitter = (text) => {
  const out: string[] = [];
  const n = text.length;
  let i = 0;
  for (;;) {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (i >= n) return out;
    const start = i;
    while (i < n && !isSpace(text.charCodeAt(i))) i++;
    out.push(text.slice(start, i));
  }
};

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10;
}

export function splitChars(text: string): string[] {
  return text.split("");
}

function literalSplitter(ch: string): Splitter {
  return (text) => (text === "" ? [] : text.split(ch));
}

export function regexSplitter(re: RegExp): Splitter {
  return (text) => {
    if (text === "") return [];
    const out: string[] = [];
    let pos = 0;
    for (;;) {
      const m = nonEmptyMatch(re, text, pos);
      if (m === null) break;
      out.push(text.slice(pos, m.index));
      pos = m.index + m.length;
    }
    out.push(text.slice(pos));
    return out;
  };
}

/** FS (or split's separator) as a splitter: " " blanks, "" characters, one character literally, else a regex. */
export function fieldSplitter(fs: string, regex: (source: string) => RegExp): Splitter {
  if (fs === " ") return splitSpace;
  if (fs === "") return splitChars;
  if (fs.length === 1) return literalSplitter(fs);
  return regexSplitter(regex(fs));
}
