import { ER, SqlError } from "./errors.js";

/**
 * MySQL's lexical rules: case-insensitive keywords, backtick identifiers, '…' and "…" strings
 * with backslash escapes, `--  `/`#`/`/* *\/` comments, and `/*! … *\/` version comments whose
 * body is executed (mysqldump relies on them). Every token remembers where it starts so that a
 * syntax error can quote the rest of the statement, as ER_PARSE_ERROR does.
 */

export type TokenKind =
  | "word" // unquoted identifier or keyword
  | "quoted" // `identifier`
  | "string" // 'text' or "text"
  | "number"
  | "op"
  | "uservar" // @name or @'name'
  | "sysvar" // @@name, @@session.name
  | "end";

export interface Token {
  readonly kind: TokenKind;
  /** Words are kept as typed; compare keywords with `upper`. */
  readonly text: string;
  readonly upper: string;
  /** Offset of the first character in the statement text. */
  readonly start: number;
  readonly end: number;
}

const OPS = ["<=>", "<<", ">>", "<=", ">=", "<>", "!=", ":=", "||", "&&", "=", "<", ">", "+", "-", "*", "/", "%", "(", ")", ",", ".", ";", "!", "~", "&", "|", "^", "@"];

function isWordStart(c: string): boolean {
  return /[A-Za-z_$]/.test(c) || c.charCodeAt(0) >= 0x80;
}

function isWordChar(c: string): boolean {
  return /[A-Za-z0-9_$]/.test(c) || c.charCodeAt(0) >= 0x80;
}

/** Escapes inside '…' (sql_mode without NO_BACKSLASH_ESCAPES). `\%` and `\_` keep the backslash for LIKE. */
const ESCAPES: Record<string, string> = { "0": "\0", "'": "'", '"': '"', b: "\b", n: "\n", r: "\r", t: "\t", Z: "\x1a", "\\": "\\", "%": "\\%", _: "\\_" };

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let inVersionComment = false;
  const n = sql.length;
  const push = (kind: TokenKind, text: string, start: number) =>
    tokens.push({ kind, text, upper: kind === "word" ? text.toUpperCase() : text, start, end: i });
  while (i < n) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "#" || (c === "-" && sql[i + 1] === "-" && (i + 2 >= n || /\s/.test(sql[i + 2]!)))) {
      while (i < n && sql[i] !== "\n") i++;
      continue;
    }
    if (c === "/" && sql[i + 1] === "*") {
      if (sql[i + 2] === "!") {
        // Executable comment: the version number is skipped and the body read as SQL.
        i += 3;
        while (i < n && /[0-9]/.test(sql[i]!)) i++;
        inVersionComment = true;
        continue;
      }
      const close = sql.indexOf("*/", i + 2);
      i = close < 0 ? n : close + 2;
      continue;
    }
    if (inVersionComment && c === "*" && sql[i + 1] === "/") {
      i += 2;
      inVersionComment = false;
      continue;
    }
    const start = i;
    if (c === "'" || c === '"') {
      i++;
      let text = "";
      let closed = false;
      while (i < n) {
        const d = sql[i]!;
        if (d === "\\" && i + 1 < n) {
          const e = sql[i + 1]!;
          text += ESCAPES[e] ?? e;
          i += 2;
        } else if (d === c) {
          if (sql[i + 1] === c) {
            text += c;
            i += 2;
          } else {
            i++;
            closed = true;
            break;
          }
        } else {
          text += d;
          i++;
        }
      }
      if (!closed) throw parseErrorAt(sql, start);
      push("string", text, start);
      continue;
    }
    if (c === "`") {
      i++;
      let text = "";
      let closed = false;
      while (i < n) {
        if (sql[i] === "`") {
          if (sql[i + 1] === "`") {
            text += "`";
            i += 2;
          } else {
            i++;
            closed = true;
            break;
          }
        } else text += sql[i++];
      }
      if (!closed) throw parseErrorAt(sql, start);
      push("quoted", text, start);
      continue;
    }
    if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(sql[i + 1] ?? ""))) {
      while (i < n && /[0-9]/.test(sql[i]!)) i++;
      if (sql[i] === "." && /[0-9]/.test(sql[i + 1] ?? "")) {
        i++;
        while (i < n && /[0-9]/.test(sql[i]!)) i++;
      } else if (sql[i] === "." && !isWordStart(sql[i + 1] ?? "")) {
        i++;
      }
      if ((sql[i] === "e" || sql[i] === "E") && /[-+0-9]/.test(sql[i + 1] ?? "")) {
        i += 2;
        while (i < n && /[0-9]/.test(sql[i]!)) i++;
      }
      if (i < n && isWordStart(sql[i]!)) {
        // `1abc` is an identifier in MySQL.
        while (i < n && isWordChar(sql[i]!)) i++;
        push("word", sql.slice(start, i), start);
      } else push("number", sql.slice(start, i), start);
      continue;
    }
    if (isWordStart(c)) {
      while (i < n && isWordChar(sql[i]!)) i++;
      push("word", sql.slice(start, i), start);
      continue;
    }
    if (c === "@") {
      if (sql[i + 1] === "@") {
        i += 2;
        while (i < n && (isWordChar(sql[i]!) || sql[i] === ".")) i++;
        push("sysvar", sql.slice(start + 2, i), start);
        continue;
      }
      if (isWordChar(sql[i + 1] ?? "")) {
        i++;
        while (i < n && (isWordChar(sql[i]!) || sql[i] === ".")) i++;
        push("uservar", sql.slice(start + 1, i), start);
        continue;
      }
    }
    const op = OPS.find((o) => sql.startsWith(o, i));
    if (op === undefined) throw parseErrorAt(sql, start);
    i += op.length;
    push("op", op, start);
  }
  tokens.push({ kind: "end", text: "", upper: "", start: n, end: n });
  return tokens;
}

/** ER_PARSE_ERROR quoting the statement from `offset`, with the line it is on. */
export function parseErrorAt(sql: string, offset: number): SqlError {
  let line = 1;
  for (let i = 0; i < offset && i < sql.length; i++) if (sql[i] === "\n") line++;
  return ER.parse(sql.slice(offset), line);
}
