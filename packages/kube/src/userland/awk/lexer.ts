import { byteChar, normalizeBytes } from "@ksim/sim";
import { BUILTIN_NAMES } from "./ast.js";
import { AwkSyntaxError } from "./errors.js";

/**
 * Tokens of an awk program. Whether `/` starts a regex or divides depends on the token before
 * it; newlines are tokens (they end statements) and the parser skips them where awk allows.
 */

export type TokenType = "newline" | "eof" | "number" | "string" | "regex" | "name" | "funcname" | "builtin" | "keyword" | "op";

export interface Token {
  readonly type: TokenType;
  /** The operator, word or number as written; a string's decoded value; a regex's source. */
  readonly text: string;
  readonly value: number;
  readonly line: number;
  /** Unclosed `(` and `{` after this token: mawk words errors as "missing )" from these. */
  readonly parens: number;
  readonly braces: number;
  /** A `}` with no `{` open: mawk says "extra '}'" when it meets it. */
  readonly extra?: boolean;
}

export const KEYWORDS: ReadonlySet<string> = new Set([
  "BEGIN", "END", "function", "if", "else", "while", "for", "do", "break", "continue", "next", "nextfile", "exit", "return", "delete", "in", "getline", "print", "printf",
]);

export const BUILTINS: ReadonlySet<string> = new Set(BUILTIN_NAMES);

const OPERATORS = ["^=", "+=", "-=", "*=", "/=", "%=", "==", "<=", ">=", "!=", "++", "--", "&&", "||", ">>", "!~"];
const SINGLE = "{}()[];,+-*/%^!><|?:~$=";

const STRING_ESCAPES: Readonly<Record<string, string>> = { n: "\n", t: "\t", r: "\r", f: "\f", v: "\v", b: "\b", a: "\x07", "\\": "\\", '"': '"' };

/**
 * mawk's escape processing for string constants, -v and command-line assignments and -F:
 * C escapes, octal, `\x` with up to two hex digits; any other `\c` stays `\c`.
 */
export function unescape(s: string): string {
  if (!s.includes("\\")) return s;
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== "\\" || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const n = s[i + 1]!;
    const simple = STRING_ESCAPES[n];
    if (simple !== undefined) {
      out += simple;
      i++;
      continue;
    }
    const octal = /^[0-7]{1,3}/.exec(s.slice(i + 1, i + 4));
    if (octal !== null) {
      out += byteChar(parseInt(octal[0], 8) & 0xff);
      i += octal[0].length;
      continue;
    }
    const hex = n === "x" ? /^[0-9a-fA-F]{1,2}/.exec(s.slice(i + 2, i + 4)) : null;
    if (hex !== null) {
      out += byteChar(parseInt(hex[0], 16));
      i += 1 + hex[0].length;
      continue;
    }
    out += c;
  }
  // Escapes make bytes; the ones that form UTF-8 read back as characters.
  return normalizeBytes(out);
}

/** After these a `/` divides (mawk's can_precede_div); anywhere else it opens a regex. */
function endsOperand(t: Token | undefined): boolean {
  if (t === undefined) return false;
  if (t.type === "number" || t.type === "string" || t.type === "regex" || t.type === "name") return true;
  if (t.type === "keyword") return t.text === "getline";
  return t.type === "op" && (t.text === ")" || t.text === "]" || t.text === "++" || t.text === "--");
}

/** `starStar`: `**` and `**=` mean `^` and `^=` (busybox; mawk has no such operator). */
export function tokenize(program: string, starStar: boolean): Token[] {
  // mawk reads its program with a newline after it: an unfinished last line ends there, and
  // the end of the file is on the line after.
  const src = `${program}\n`;
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let parens = 0;
  let braces = 0;
  const push = (type: TokenType, text: string, value = 0, at = line, extra = false) => {
    tokens.push(extra ? { type, text, value, line: at, parens, braces, extra } : { type, text, value, line: at, parens, braces });
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === " " || c === "\t" || c === "\r") {
      i++;
      continue;
    }
    if (c === "\\" && (src[i + 1] === "\n" || (src[i + 1] === "\r" && src[i + 2] === "\n"))) {
      i += src[i + 1] === "\n" ? 2 : 3;
      line++;
      continue;
    }
    if (c === "#") {
      while (i < src.length && src[i] !== "\n") i++;
      continue;
    }
    if (c === "\n") {
      if (tokens[tokens.length - 1]?.type !== "newline") push("newline", "\n");
      line++;
      i++;
      continue;
    }
    if (c === '"') {
      const start = line;
      let raw = "";
      i++;
      for (;;) {
        const d = src[i];
        if (d === undefined || d === "\n") {
          throw new AwkSyntaxError(`line ${start}: runaway string constant "${unescape(raw).slice(0, 10)} ...`, start, "Unexpected end of string");
        }
        if (d === '"') break;
        if (d === "\\" && src[i + 1] === "\n") {
          i += 2;
          line++;
          continue;
        }
        if (d === "\\" && i + 1 < src.length) {
          raw += d + src[i + 1];
          i += 2;
          continue;
        }
        raw += d;
        i++;
      }
      i++;
      push("string", unescape(raw), 0, start);
      continue;
    }
    if (c === "/" && !endsOperand(tokens[tokens.length - 1])) {
      const start = line;
      let j = i + 1;
      let inClass = false;
      for (;;) {
        const d = src[j];
        if (d === undefined || d === "\n") {
          throw new AwkSyntaxError(`line ${start}: runaway regular expression /${src.slice(i + 1, j).slice(0, 10)} ...`, start, "Unexpected end of string");
        }
        if (d === "\\" && j + 1 < src.length && src[j + 1] !== "\n") {
          j += 2;
          continue;
        }
        if (inClass) {
          if (d === "[" && src[j + 1] === ":") {
            const close = src.indexOf(":]", j + 2);
            if (close > 0 && !src.slice(j, close).includes("\n")) {
              j = close + 2;
              continue;
            }
          }
          if (d === "]") inClass = false;
          j++;
          continue;
        }
        if (d === "[") {
          inClass = true;
          j++;
          if (src[j] === "^") j++;
          if (src[j] === "]") j++;
          continue;
        }
        if (d === "/") break;
        j++;
      }
      push("regex", src.slice(i + 1, j), 0, start);
      i = j + 1;
      continue;
    }
    const num = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(src.slice(i, i + 400));
    if (num !== null) {
      push("number", num[0], Number(num[0]));
      i += num[0].length;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i, i + 400));
    if (word !== null) {
      const w = word[0];
      i += w.length;
      if (KEYWORDS.has(w)) push("keyword", w);
      else if (BUILTINS.has(w)) push("builtin", w);
      else push(src[i] === "(" ? "funcname" : "name", w);
      continue;
    }
    if (starStar && src.startsWith("**", i)) {
      const assign = src[i + 2] === "=";
      push("op", assign ? "^=" : "^");
      i += assign ? 3 : 2;
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (op !== undefined) {
      push("op", op);
      i += op.length;
      continue;
    }
    if (SINGLE.includes(c)) {
      if (c === "(") parens++;
      else if (c === ")") parens = Math.max(0, parens - 1);
      else if (c === "{") braces++;
      const extra = c === "}" && braces === 0;
      if (c === "}") braces = Math.max(0, braces - 1);
      push("op", c, 0, line, extra);
      i++;
      continue;
    }
    const shown = c > " " && c < "\x7f" ? `'${c}'` : `0x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
    throw new AwkSyntaxError(`${line}: unexpected character ${shown}`, line, "Unexpected token");
  }
  push("eof", "");
  return tokens;
}
