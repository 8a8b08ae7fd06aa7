/**
 * bash's extended patterns (shopt -s extglob, and always on the right of `[[ == ]]`):
 * `?(a|b)` zero or one, `*(a|b)` any number, `+(a|b)` one or more, `@(a|b)` exactly one of the
 * alternatives, `!(a|b)` anything but them. `!()` asks whether a piece of text does *not*
 * match, which no regular expression says exactly, so these are matched by backtracking over
 * the text, as bash's own extmatch does.
 */

type Node =
  | { readonly kind: "one"; readonly test: (c: string) => boolean }
  | { readonly kind: "star" }
  | { readonly kind: "group"; readonly op: "?" | "*" | "+" | "@" | "!"; readonly alternatives: readonly (readonly Node[])[] };

/** Whether the pattern has an unescaped `?(`, `*(`, `+(`, `@(` or `!(` that is closed. */
export function hasExtglob(p: string): boolean {
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === "\\") i++;
    else if ("?*+@!".includes(c) && p[i + 1] === "(" && groupEnd(p, i + 1) > 0) return true;
  }
  return false;
}

/** Index of the `)` closing the `(` at `open`, or -1. */
function groupEnd(p: string, open: number): number {
  let depth = 0;
  for (let i = open; i < p.length; i++) {
    const c = p[i];
    if (c === "\\") i++;
    else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return i;
  }
  return -1;
}

/** The alternatives of a group's text, split at its top-level `|`. */
function alternatives(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\\") i++;
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "|" && depth === 0) {
      out.push(text.slice(from, i));
      from = i + 1;
    }
  }
  out.push(text.slice(from));
  return out;
}

/**
 * A bracket expression at the start of a text: a test of one character and the expression's
 * length (the pattern matcher's, which knows the character classes); undefined if there is none.
 */
export type BracketReader = (text: string) => { readonly test: (c: string) => boolean; readonly length: number } | undefined;

/** Reads a pattern into nodes. */
function parse(p: string, bracket: BracketReader, nocase: boolean, pathComponent: boolean): Node[] {
  const nodes: Node[] = [];
  const fold = (c: string) => (nocase ? c.toLowerCase() : c);
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if ("?*+@!".includes(c) && p[i + 1] === "(") {
      const end = groupEnd(p, i + 1);
      if (end > 0) {
        const op = c as "?" | "*" | "+" | "@" | "!";
        nodes.push({ kind: "group", op, alternatives: alternatives(p.slice(i + 2, end)).map((a) => parse(a, bracket, nocase, pathComponent)) });
        i = end;
        continue;
      }
    }
    if (c === "*") nodes.push({ kind: "star" });
    else if (c === "?") nodes.push({ kind: "one", test: (x) => !(pathComponent && x === "/") });
    else if (c === "[") {
      const b = bracket(p.slice(i));
      if (b !== undefined) {
        nodes.push({ kind: "one", test: b.test });
        i += b.length - 1;
        continue;
      }
      nodes.push(literal("[", fold));
    } else if (c === "\\" && i + 1 < p.length) nodes.push(literal(p[++i]!, fold));
    else nodes.push(literal(c, fold));
  }
  return nodes;
}

function literal(c: string, fold: (c: string) => string): Node {
  const want = fold(c);
  return { kind: "one", test: (x) => fold(x) === want };
}

/** A test of whole texts against an extended pattern. */
export function extglobMatcher(p: string, bracket: BracketReader, nocase: boolean, pathComponent: boolean): (text: string) => boolean {
  const nodes = parse(p, bracket, nocase, pathComponent);
  return (text) => matches(nodes, [...text], pathComponent);
}

function matches(top: readonly Node[], chars: readonly string[], pathComponent: boolean): boolean {
  // From node i of a list at character j: memoized per list, as alternatives are tried many times.
  const memo = new Map<readonly Node[], Map<number, boolean>>();
  const at = (nodes: readonly Node[], i: number, j: number, end: number): boolean => {
    let seen = memo.get(nodes);
    if (seen === undefined) memo.set(nodes, (seen = new Map()));
    const key = (i * (chars.length + 1) + j) * (chars.length + 1) + end;
    let r = seen.get(key);
    if (r === undefined) {
      seen.set(key, false);
      r = step(nodes, i, j, end);
      seen.set(key, r);
    }
    return r;
  };
  // Whether some alternative of a group matches chars[j..k) exactly.
  const some = (node: Extract<Node, { kind: "group" }>, j: number, k: number) => node.alternatives.some((alt) => at(alt, 0, j, k));
  // A group's repetitions from j, then the rest of the list.
  const repeat = (nodes: readonly Node[], i: number, j: number, end: number): boolean => {
    if (at(nodes, i + 1, j, end)) return true;
    const node = nodes[i] as Extract<Node, { kind: "group" }>;
    for (let k = j + 1; k <= end; k++) if (some(node, j, k) && repeat(nodes, i, k, end)) return true;
    return false;
  };
  const step = (nodes: readonly Node[], i: number, j: number, end: number): boolean => {
    if (i === nodes.length) return j === end;
    const node = nodes[i]!;
    switch (node.kind) {
      case "one":
        return j < end && node.test(chars[j]!) && at(nodes, i + 1, j + 1, end);
      case "star":
        for (let k = j; k <= end; k++) {
          if (at(nodes, i + 1, k, end)) return true;
          if (pathComponent && chars[k] === "/") return false;
        }
        return false;
    }
    switch (node.op) {
      case "*":
        return repeat(nodes, i, j, end);
      case "+":
        for (let k = j; k <= end; k++) if (some(node, j, k) && repeat(nodes, i, k, end)) return true;
        return false;
      case "?":
      case "@":
        if (node.op === "?" && at(nodes, i + 1, j, end)) return true;
        for (let k = j; k <= end; k++) if (some(node, j, k) && at(nodes, i + 1, k, end)) return true;
        return false;
      case "!":
        for (let k = j; k <= end; k++) if (!some(node, j, k) && at(nodes, i + 1, k, end)) return true;
        return false;
    }
  };
  return at(top, 0, 0, chars.length);
}
