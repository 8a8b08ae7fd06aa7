import type { Word, WordPart } from "./ast.js";

/**
 * bash's brace expansion, before every other expansion of a command word: `pre{a,b}post` and
 * sequences `{x..y[..incr]}` of integers (zero-padded when an end is) or single letters, nested
 * and side by side. Only unquoted braces and commas count; `{a}` and `{}` stay as they are. The
 * other parts of a word (parameters, substitutions, quoted text) travel along untouched.
 */

/** An unquoted character of the word's literal text, or a part brace expansion does not look into. */
type Token = string | WordPart;

const expanded = new WeakMap<readonly Word[], readonly Word[]>();

/**
 * A command's words brace-expanded (the same array when nothing expands). Parse trees are
 * immutable, so each word list is expanded once: a command run again costs one lookup.
 */
export function braceExpandWords(words: readonly Word[]): readonly Word[] {
  let out = expanded.get(words);
  if (out === undefined) {
    let list: Word[] | undefined;
    for (let i = 0; i < words.length; i++) {
      const w = words[i]!;
      const e = mayExpand(w) ? toWords(w, expandTokens(tokens(w.parts))) : null;
      if (e !== null) list ??= words.slice(0, i);
      if (list !== undefined) list.push(...(e ?? [w]));
    }
    out = list ?? words;
    expanded.set(words, out);
  }
  return out;
}

function mayExpand(word: Word): boolean {
  return word.parts.some((p) => p.type === "literal" && p.text.includes("{")) && word.parts.some((p) => p.type === "literal" && p.text.includes("}"));
}

function tokens(parts: readonly WordPart[]): Token[] {
  const out: Token[] = [];
  for (const p of parts) {
    if (p.type === "literal") for (const c of p.text) out.push(c);
    else out.push(p);
  }
  return out;
}

/** The words of the expansion, or null when it left the word as it was. */
function toWords(word: Word, results: Token[][]): readonly Word[] | null {
  if (results.length === 1) return null;
  return results.map((toks) => {
    const parts: WordPart[] = [];
    let text = "";
    for (const t of toks) {
      if (typeof t === "string") text += t;
      else {
        if (text !== "") parts.push({ type: "literal", text });
        text = "";
        parts.push(t);
      }
    }
    if (text !== "") parts.push({ type: "literal", text });
    return { parts, text: word.text };
  });
}

function expandTokens(toks: Token[]): Token[][] {
  for (let i = 0; i < toks.length; i++) {
    if (toks[i] !== "{") continue;
    const found = closing(toks, i);
    if (found === undefined) continue;
    const { end, commas } = found;
    const pre = toks.slice(0, i);
    const post = toks.slice(end + 1);
    let alternatives: Token[][] | undefined;
    if (commas.length > 0) {
      alternatives = [];
      let from = i + 1;
      for (const c of [...commas, end]) {
        alternatives.push(toks.slice(from, c));
        from = c + 1;
      }
    } else {
      const inner = toks.slice(i + 1, end);
      if (inner.every((t) => typeof t === "string")) alternatives = sequence(inner.join(""))?.map((s) => [...s]);
    }
    if (alternatives === undefined) continue;
    const out: Token[][] = [];
    for (const alt of alternatives) for (const rest of expandTokens([...alt, ...post])) out.push([...pre, ...rest]);
    return out;
  }
  return [toks];
}

/** The `}` matching the `{` at `start`, and the commas at its own level. */
function closing(toks: Token[], start: number): { end: number; commas: number[] } | undefined {
  let depth = 0;
  const commas: number[] = [];
  for (let k = start + 1; k < toks.length; k++) {
    const t = toks[k];
    if (t === "{") depth++;
    else if (t === "}") {
      if (depth === 0) return { end: k, commas };
      depth--;
    } else if (t === "," && depth === 0) commas.push(k);
  }
  return undefined;
}

const NUMBER_SEQUENCE = /^(-?\d+)\.\.(-?\d+)(?:\.\.(-?\d+))?$/;
const LETTER_SEQUENCE = /^([A-Za-z])\.\.([A-Za-z])(?:\.\.(-?\d+))?$/;

/** `x..y[..incr]`: the terms from x toward y, by |incr| (1 when absent or 0). */
function sequence(text: string): string[] | undefined {
  const n = NUMBER_SEQUENCE.exec(text);
  if (n !== null) {
    const [from, to] = [Number(n[1]), Number(n[2])];
    const step = Math.abs(Number(n[3] ?? 1)) || 1;
    const padded = /^-?0\d/.test(n[1]!) || /^-?0\d/.test(n[2]!);
    const width = Math.max(n[1]!.length, n[2]!.length);
    const format = (v: number) => (!padded ? String(v) : v < 0 ? `-${String(-v).padStart(width - 1, "0")}` : String(v).padStart(width, "0"));
    return range(from, to, step).map(format);
  }
  const l = LETTER_SEQUENCE.exec(text);
  if (l !== null) {
    const step = Math.abs(Number(l[3] ?? 1)) || 1;
    return range(l[1]!.charCodeAt(0), l[2]!.charCodeAt(0), step).map((c) => String.fromCharCode(c));
  }
  return undefined;
}

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  if (from <= to) for (let v = from; v <= to; v += step) out.push(v);
  else for (let v = from; v >= to; v -= step) out.push(v);
  return out;
}
