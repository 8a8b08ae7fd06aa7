/**
 * SQL LIKE patterns: `%` matches any run of characters, `_` exactly one, `\` escapes the next.
 * Compiled patterns are cached: the same few patterns (grants, WordPress's LIKE queries) recur.
 */
const cache = new Map<string, RegExp>();

export function likeToRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  const key = `${caseInsensitive ? "i" : "s"}:${pattern}`;
  let re = cache.get(key);
  if (re === undefined) {
    let src = "";
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i]!;
      if (c === "\\" && i + 1 < pattern.length) src += escapeRegExp(pattern[++i]!);
      else if (c === "%") src += "[\\s\\S]*";
      else if (c === "_") src += "[\\s\\S]";
      else src += escapeRegExp(c);
    }
    re = new RegExp(`^${src}$`, caseInsensitive ? "iu" : "u");
    cache.set(key, re);
  }
  return re;
}

function escapeRegExp(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}
