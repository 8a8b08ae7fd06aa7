import { POSIX_CLASSES } from "../shell/char-classes.js";

/**
 * POSIX regular expressions (basic and extended, with the GNU extensions grep and sed accept)
 * translated to JavaScript RegExp source.
 */

export class RegexError extends Error {
  override name = "RegexError";
}

/** Copies a bracket expression starting at `[`; returns the JS class and the index after `]`. */
function bracket(re: string, start: number): { text: string; next: number } {
  let i = start + 1;
  let out = "[";
  if (re[i] === "^") {
    out += "^";
    i++;
  }
  if (re[i] === "]") {
    out += "\\]";
    i++;
  }
  for (; i < re.length; i++) {
    const c = re[i]!;
    if (c === "]") return { text: out + "]", next: i + 1 };
    if (c === "[" && re[i + 1] === ":") {
      const close = re.indexOf(":]", i + 2);
      if (close < 0) throw new RegexError("Unmatched [, [^, [:, [., or [=");
      const cls = POSIX_CLASSES[re.slice(i + 2, close)];
      if (cls === undefined) throw new RegexError("Invalid character class name");
      out += cls;
      i = close + 1;
      continue;
    }
    out += c === "\\" || c === "[" ? `\\${c}` : c;
  }
  throw new RegexError("Unmatched [, [^, [:, [., or [=");
}

/** Translates a POSIX BRE (`extended` false) or ERE to JavaScript RegExp source. */
export function translateRegex(re: string, extended: boolean): string {
  let out = "";
  let depth = 0;
  // Where `*` is literal in a BRE: at the start, after `\(`, `\|` or an anchoring `^`.
  let atStart = true;
  for (let i = 0; i < re.length; i++) {
    const c = re[i]!;
    const wasStart = atStart;
    atStart = false;
    if (c === "[") {
      const b = bracket(re, i);
      out += b.text;
      i = b.next - 1;
      continue;
    }
    if (c === "\\") {
      const n = re[++i];
      if (n === undefined) throw new RegexError("Trailing backslash");
      if (!extended && "(){}|+?".includes(n)) {
        if (n === "(") {
          depth++;
          atStart = true;
        } else if (n === ")") {
          if (--depth < 0) throw new RegexError("Unmatched ) or \\)");
        } else if (n === "|") atStart = true;
        out += n;
      } else if (n === "<" || n === ">") out += "\\b";
      else if ("wWsSbB".includes(n)) out += `\\${n}`;
      else if (/[0-9]/.test(n)) out += `\\${n}`;
      else if (n === "n") out += "\\n";
      else if (n === "t") out += "\\t";
      else out += n.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
      continue;
    }
    if (extended) {
      if (c === "(") {
        depth++;
        atStart = true;
      } else if (c === ")") {
        if (--depth < 0) throw new RegexError("Unmatched ) or \\)");
      } else if (c === "|") atStart = true;
      else if (c === "{" && !/^\{\d*(,\d*)?\}/.test(re.slice(i))) {
        out += "\\{";
        continue;
      } else if (c === "/") {
        out += "\\/";
        continue;
      }
      if (c === "^") atStart = true;
      if ((c === "*" || c === "+" || c === "?") && wasStart) {
        out += `\\${c}`;
        continue;
      }
      out += c;
      continue;
    }
    if ("(){}|+?/".includes(c)) {
      out += `\\${c}`;
      continue;
    }
    if (c === "*" && wasStart) {
      out += "\\*";
      continue;
    }
    if (c === "^" && (i === 0 || wasStart)) {
      out += "^";
      atStart = true;
      continue;
    }
    if (c === "^") {
      out += "\\^";
      continue;
    }
    if (c === "$" && i !== re.length - 1 && !re.startsWith("\\)", i + 1) && !re.startsWith("\\|", i + 1)) {
      out += "\\$";
      continue;
    }
    out += c;
  }
  if (depth > 0) throw new RegexError("Unmatched ( or \\(");
  return out;
}

export function compileRegex(re: string, extended: boolean, flags = ""): RegExp {
  const source = translateRegex(re, extended);
  try {
    return new RegExp(source, flags);
  } catch {
    throw new RegexError("Invalid regular expression");
  }
}
