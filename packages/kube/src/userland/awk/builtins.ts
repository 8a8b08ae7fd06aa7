import { formatDate } from "../system.js";
import { clampInt } from "./format.js";

/** The string builtins' arithmetic, as mawk 1.3.4 computes it. */

/**
 * substr(s, m[, n]): positions truncate toward zero; a start before 1 keeps the length
 * asked for (mawk's workaround for scripts that write substr(s, 0, n)).
 */
export function substr(s: string, start: number, length: number | undefined): string {
  const len = s.length;
  if (len === 0) return "";
  let n = length === undefined ? len : clampInt(length);
  let i = clampInt(start) - 1;
  if (i < 0) {
    n -= i + 1;
    i = 0;
  }
  if (n > len - i) n = len - i;
  return n <= 0 ? "" : s.slice(i, i + n);
}

/** sub/gsub's replacement: `&` is the match, `\&` a literal `&`, `\\` a backslash. */
export function replacement(repl: string): (matched: string) => string {
  if (!repl.includes("&") && !repl.includes("\\")) return () => repl;
  const parts: (string | null)[] = [];
  let lit = "";
  for (let i = 0; i < repl.length; i++) {
    const c = repl[i]!;
    if (c === "\\" && (repl[i + 1] === "&" || repl[i + 1] === "\\")) {
      lit += repl[++i];
    } else if (c === "&") {
      parts.push(lit, null);
      lit = "";
    } else lit += c;
  }
  parts.push(lit);
  return (matched) => parts.map((p) => p ?? matched).join("");
}

/**
 * sub (once) or gsub (every match) over `s` with a global regex. As in mawk's gsub, an empty
 * match right where the previous match ended is not a match: replacing `b*` with X in "abc"
 * gives "XaXcX".
 */
export function substitute(re: RegExp, repl: (matched: string) => string, s: string, global: boolean): { text: string; count: number } {
  let out = "";
  let pos = 0;
  let count = 0;
  let lastEnd = -1;
  while (pos <= s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (m === null) break;
    const start = m.index;
    const len = m[0].length;
    if (len === 0 && start === lastEnd) {
      if (start >= s.length) break;
      out += s.slice(pos, start + 1);
      pos = start + 1;
      continue;
    }
    out += s.slice(pos, start) + repl(m[0]);
    count++;
    if (len > 0) {
      pos = start + len;
      lastEnd = pos;
    } else {
      if (start < s.length) out += s[start];
      pos = start + 1;
    }
    if (!global) break;
  }
  return count === 0 ? { text: s, count } : { text: out + s.slice(pos), count };
}

/** toupper/tolower change ASCII letters only, as mawk's byte-wise C toupper does. */
export function upper(s: string): string {
  return s.replace(/[a-z]+/g, (m) => m.toUpperCase());
}

export function lower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** mktime("YYYY MM DD HH MM SS [DST]") in UTC (the machines' time zone); -1 if malformed. */
export function mktime(spec: string): number {
  const m = /^\s*([+-]?\d+)\s+([+-]?\d+)\s+([+-]?\d+)\s+([+-]?\d+)\s+([+-]?\d+)\s+([+-]?\d+)/.exec(spec);
  if (m === null) return -1;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  return Math.floor(Date.UTC(y, mo - 1, d, h, mi, s) / 1000);
}

/** strftime with the C locale's composite formats spelled out. */
export function strftime(format: string, seconds: number): string {
  const spelled = format.replace(/%([cxX])/g, (_, c: string) => (c === "c" ? "%a %b %e %H:%M:%S %Y" : c === "x" ? "%m/%d/%y" : "%H:%M:%S"));
  return formatDate(Math.trunc(seconds) * 1000, spelled);
}
