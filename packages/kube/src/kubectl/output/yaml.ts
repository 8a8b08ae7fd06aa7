/**
 * `-o yaml` exactly as kubectl writes it: sigs.k8s.io/yaml marshals the object to JSON and
 * re-emits it with go-yaml v2. That fixes key order (go-yaml's "natural" key sort), quoting
 * (strings that would read back as another type are double-quoted, strings plain YAML cannot
 * hold are single-quoted), block style with sequences not indented under their key, `|` for
 * multi-line strings, flow `{}`/`[]` for empty collections, and folding of long scalars at the
 * first space past column 80.
 */
import { goFloat, type Json } from "./gofmt.js";
import { normalize } from "./json.js";

const BEST_WIDTH = 80;
const BEST_INDENT = 2;

export function goYaml(value: unknown): string {
  const e = new Emitter();
  e.node(normalize(value), false, false);
  e.writeIndent();
  return e.out;
}

type Style = "plain" | "single" | "double" | "literal";

class Emitter {
  out = "";
  private column = 0;
  private whitespace = true;
  private indention = true;
  private indent = -1;
  private readonly indents: number[] = [];

  node(v: Json, mappingContext: boolean, simpleKey: boolean): void {
    if (Array.isArray(v)) {
      if (v.length === 0) this.emptyFlow("[", "]");
      else this.sequence(v, mappingContext);
    } else if (v !== null && typeof v === "object") {
      const obj = v as { readonly [key: string]: Json };
      const keys = Object.keys(obj).sort(compareYamlKeys);
      if (keys.length === 0) this.emptyFlow("{", "}");
      else this.mapping(obj, keys);
    } else {
      this.scalar(v, simpleKey);
    }
  }

  private sequence(items: readonly Json[], mappingContext: boolean): void {
    // A sequence that is a mapping value is "indentless": its dashes line up with the key.
    this.increaseIndent(false, mappingContext && !this.indention);
    for (const item of items) {
      this.writeIndent();
      this.writeIndicator("-", true, false, true);
      this.node(item, false, false);
    }
    this.popIndent();
  }

  private mapping(obj: { readonly [key: string]: Json }, keys: readonly string[]): void {
    this.increaseIndent(false, false);
    for (const key of keys) {
      this.writeIndent();
      this.scalar(key, true);
      this.writeIndicator(":", false, false, false);
      this.node(obj[key]!, true, false);
    }
    this.popIndent();
  }

  private emptyFlow(open: string, close: string): void {
    this.writeIndicator(open, true, true, false);
    this.writeIndicator(close, false, false, false);
  }

  private scalar(v: Exclude<Json, object>, simpleKey: boolean): void {
    const [text, requested] = scalarText(v);
    const style = selectStyle(text, requested, simpleKey);
    this.increaseIndent(true, false);
    const allowBreaks = !simpleKey;
    if (style === "plain") this.writePlain(text, allowBreaks);
    else if (style === "single") this.writeSingle(text, allowBreaks);
    else if (style === "double") this.writeDouble(text, allowBreaks);
    else this.writeLiteral(text);
    this.popIndent();
  }

  private increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? BEST_INDENT : 0;
    else if (!indentless) this.indent += BEST_INDENT;
  }

  private popIndent(): void {
    this.indent = this.indents.pop()!;
  }

  private put(ch: string): void {
    this.out += ch;
    this.column++;
  }

  private putBreak(): void {
    this.out += "\n";
    this.column = 0;
  }

  writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    while (this.column < indent) this.put(" ");
    this.whitespace = true;
    this.indention = true;
  }

  private writeIndicator(indicator: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) this.put(" ");
    for (const ch of indicator) this.put(ch);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }

  private writeBreak(ch: string): void {
    if (ch === "\n") this.putBreak();
    else {
      this.out += ch;
      this.column = 0;
    }
  }

  private writePlain(value: string, allowBreaks: boolean): void {
    if (!this.whitespace) this.put(" ");
    const chars = [...value];
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < chars.length; i++) {
      const ch = chars[i]!;
      if (ch === " ") {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && chars[i + 1] !== " ") this.writeIndent();
        else this.put(ch);
        spaces = true;
      } else if (isBreak(ch)) {
        if (!breaks && ch === "\n") this.putBreak();
        this.writeBreak(ch);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(ch);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.whitespace = false;
    this.indention = false;
  }

  private writeSingle(value: string, allowBreaks: boolean): void {
    this.writeIndicator("'", true, false, false);
    const chars = [...value];
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < chars.length; i++) {
      const ch = chars[i]!;
      if (ch === " ") {
        const foldable = i > 0 && i < chars.length - 1 && chars[i + 1] !== " ";
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && foldable) this.writeIndent();
        else this.put(ch);
        spaces = true;
      } else if (isBreak(ch)) {
        if (!breaks && ch === "\n") this.putBreak();
        this.writeBreak(ch);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        if (ch === "'") this.put("'");
        this.put(ch);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeDouble(value: string, allowBreaks: boolean): void {
    this.writeIndicator('"', true, false, false);
    const chars = [...value];
    let spaces = false;
    for (let i = 0; i < chars.length; i++) {
      const ch = chars[i]!;
      const cp = ch.codePointAt(0)!;
      if (!isPrintable(cp) || cp === 0xfeff || isBreak(ch) || ch === '"' || ch === "\\") {
        for (const c of doubleQuotedEscape(cp)) this.put(c);
        spaces = false;
      } else if (ch === " ") {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < chars.length - 1) {
          this.writeIndent();
          // A space that starts the continuation line would be eaten by folding: escape it.
          if (chars[i + 1] === " ") this.put("\\");
        } else this.put(ch);
        spaces = true;
      } else {
        this.put(ch);
        spaces = false;
      }
    }
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeLiteral(value: string): void {
    this.writeIndicator("|", true, false, false);
    const chars = [...value];
    if (chars[0] === " " || isBreak(chars[0] ?? "")) this.writeIndicator(String(BEST_INDENT), false, false, false);
    const last = chars.length - 1;
    const chomp = !isBreak(chars[last] ?? "") ? "-" : last === 0 || isBreak(chars[last - 1]!) ? "+" : "";
    if (chomp) this.writeIndicator(chomp, false, false, false);
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (const ch of chars) {
      if (isBreak(ch)) {
        this.writeBreak(ch);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(ch);
        this.indention = false;
        breaks = false;
      }
    }
  }
}

function scalarText(v: Exclude<Json, object>): [string, Style] {
  if (v === null) return ["null", "plain"];
  if (typeof v === "boolean") return [String(v), "plain"];
  if (typeof v === "number") return [Number.isInteger(v) ? String(v) : goYamlFloat(v), "plain"];
  if (v.includes("\n")) return [v, "literal"];
  return [v, resolvesToString(v) ? "plain" : "double"];
}

function goYamlFloat(v: number): string {
  const s = goFloat(v);
  return s === "+Inf" ? ".inf" : s === "-Inf" ? "-.inf" : s === "NaN" ? ".nan" : s;
}

interface Analysis {
  multiline: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
}

function selectStyle(value: string, requested: Style, simpleKey: boolean): Style {
  const a = analyze(value);
  let style = requested;
  if (simpleKey && a.multiline) style = "double";
  if (style === "plain") {
    if (!a.blockPlainAllowed) style = "single";
    if (value.length === 0 && simpleKey) style = "single";
  }
  if (style === "single" && !a.singleQuotedAllowed) style = "double";
  if (style === "literal" && (!a.blockAllowed || simpleKey)) style = "double";
  return style;
}

function analyze(value: string): Analysis {
  if (value.length === 0) return { multiline: false, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: false };
  const chars = [...value];
  let blockIndicators = value.startsWith("---") || value.startsWith("...");
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  let precededByWhitespace = true;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    const next = chars[i + 1];
    const followedByWhitespace = next === undefined || next === " " || next === "\t" || isBreak(next);
    if (i === 0) {
      if ("#,[]{}&*!|>'\"%@`".includes(ch)) blockIndicators = true;
      else if ((ch === "?" || ch === ":" || ch === "-") && followedByWhitespace) blockIndicators = true;
    } else if ((ch === ":" && followedByWhitespace) || (ch === "#" && precededByWhitespace)) {
      blockIndicators = true;
    }
    if (!isPrintable(ch.codePointAt(0)!)) special = true;
    if (ch === " ") {
      if (i === 0) leadingSpace = true;
      if (i === chars.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(ch)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === chars.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = ch === " " || ch === "\t" || isBreak(ch);
  }
  const a: Analysis = { multiline: lineBreaks, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: true };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) a.blockPlainAllowed = false;
  if (trailingSpace) a.blockAllowed = false;
  if (breakSpace) {
    a.blockPlainAllowed = false;
    a.singleQuotedAllowed = false;
  }
  if (spaceBreak || special) {
    a.blockPlainAllowed = false;
    a.singleQuotedAllowed = false;
    a.blockAllowed = false;
  }
  if (lineBreaks || blockIndicators) a.blockPlainAllowed = false;
  return a;
}

function isBreak(ch: string): boolean {
  return ch === "\n" || ch === "\r" || ch === "\u0085" || ch === "\u2028" || ch === "\u2029";
}

function isPrintable(cp: number): boolean {
  return (
    cp === 0x0a ||
    (cp >= 0x20 && cp <= 0x7e) ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff)
  );
}

const SHORT_ESCAPES: Record<number, string> = {
  0x00: "0",
  0x07: "a",
  0x08: "b",
  0x09: "t",
  0x0a: "n",
  0x0b: "v",
  0x0c: "f",
  0x0d: "r",
  0x1b: "e",
  0x22: '"',
  0x5c: "\\",
  0x85: "N",
  0xa0: "_",
  0x2028: "L",
  0x2029: "P",
};

function doubleQuotedEscape(cp: number): string {
  const short = SHORT_ESCAPES[cp];
  if (short !== undefined) return `\\${short}`;
  const [prefix, width] = cp <= 0xff ? ["x", 2] : cp <= 0xffff ? ["u", 4] : ["U", 8];
  return `\\${prefix}${cp.toString(16).toUpperCase().padStart(width, "0")}`;
}

const RESOLVE_MAP = new Set([
  ...["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"],
  ...["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"],
  ...["", "~", "null", "Null", "NULL"],
  ...[".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF"],
]);
const YAML_INT = /^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const DOT_FLOAT = /^\.[0-9]+([eE][-+]?[0-9]+)?$/;
const TIMESTAMP = /^\d{4}-\d{1,2}-\d{1,2}(([Tt]\d{1,2}:\d{1,2}:\d{1,2}(\.\d+)?(Z|[-+]\d{2}:\d{2}))|( \d{1,2}:\d{1,2}:\d{1,2}(\.\d+)?))?$/;
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

/** go-yaml's `resolve`: would this text, written plain, read back as a string? */
function resolvesToString(s: string): boolean {
  if (BASE60_FLOAT.test(s)) return false;
  const first = s[0] ?? "";
  const hinted = "+-0123456789yYnNtTfFoO~.".includes(first) || s === "";
  if (!hinted) return true;
  if (RESOLVE_MAP.has(s)) return false;
  if (first === ".") return !DOT_FLOAT.test(s);
  if ("+-0123456789".includes(first)) {
    if (TIMESTAMP.test(s)) return false;
    const plain = s.replace(/_/g, "");
    return !(YAML_INT.test(plain) || YAML_FLOAT.test(plain));
  }
  return true;
}

/** go-yaml v2 `keyList.Less` for string keys: letters sort after non-letters, digit runs by value. */
export function compareYamlKeys(a: string, b: string): number {
  return yamlKeyLess(a, b) ? -1 : yamlKeyLess(b, a) ? 1 : 0;
}

function yamlKeyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  let digits = false;
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const x = ar[i]!;
    const y = br[i]!;
    if (x === y) {
      digits = isDigit(x);
      continue;
    }
    const xl = isLetter(x);
    const yl = isLetter(y);
    if (xl && yl) return x.codePointAt(0)! < y.codePointAt(0)!;
    if (xl || yl) return digits ? xl : yl;
    let an = 0;
    let bn = 0;
    if (x === "0" || y === "0") {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]!); j--) {
        if (ar[j] !== "0") {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && isDigit(ar[ai]!); ai++) an = an * 10 + Number(ar[ai]);
    let bi = i;
    for (; bi < br.length && isDigit(br[bi]!); bi++) bn = bn * 10 + Number(br[bi]);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return x.codePointAt(0)! < y.codePointAt(0)!;
  }
  return ar.length < br.length;
}

function isLetter(ch: string): boolean {
  return /\p{L}/u.test(ch);
}

function isDigit(ch: string): boolean {
  return /\p{Nd}/u.test(ch);
}
