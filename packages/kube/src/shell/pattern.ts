import { FsError } from "@ksim/sim";
import type { FileSystem } from "../runtime/fs.js";
import { POSIX_CLASSES } from "./char-classes.js";
import { extglobMatcher, hasExtglob, type BracketReader } from "./extglob.js";

/**
 * Shell pattern matching (`case`, `${x%p}`, `[[ x == p ]]`, pathname expansion). A pattern is a
 * string in which quoted characters are escaped with a backslash, so `"*"` matches only a star.
 */

/** Shell patterns also know bash's `[[:word:]]`. */
const CLASSES: Readonly<Record<string, string>> = { ...POSIX_CLASSES, word: "a-zA-Z0-9_" };

/** Escapes the characters that are special in a pattern (extglob's parentheses too). */
export function escapePattern(text: string): string {
  return text.replace(/[\\*?[\]()|]/g, "\\$&");
}

/** How a pattern matches: bash's nocasematch / nocaseglob, and extglob. */
export interface PatternOptions {
  readonly nocase?: boolean;
  readonly extglob?: boolean;
}

/** Removes pattern escapes: what a pattern that matched nothing expands to. */
export function unescapePattern(pattern: string): string {
  return pattern.replace(/\\([\s\S])/g, "$1");
}

/** Whether the pattern has an unescaped `*`, `?` or bracket expression (or, with extglob, a group). */
export function hasGlob(pattern: string, extglob = false): boolean {
  if (extglob && hasExtglob(pattern)) return true;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") i++;
    else if (c === "*" || c === "?") return true;
    else if (c === "[" && bracketEnd(pattern, i) > 0) return true;
  }
  return false;
}

/** Index just past the `]` closing the bracket expression at `start`, or -1. */
function bracketEnd(p: string, start: number): number {
  let i = start + 1;
  if (p[i] === "!" || p[i] === "^") i++;
  if (p[i] === "]") i++;
  for (; i < p.length; i++) {
    if (p[i] === "\\") i++;
    else if (p[i] === "[" && p[i + 1] === ":") {
      const close = p.indexOf(":]", i + 2);
      if (close > 0) i = close + 1;
    } else if (p[i] === "]") return i + 1;
  }
  return -1;
}

function regexSource(p: string, pathComponent: boolean): string {
  let out = "";
  const any = pathComponent ? "[^/]" : "[\\s\\S]";
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === "\\" && i + 1 < p.length) {
      out += escapeRegex(p[++i]!);
    } else if (c === "*") {
      out += `${any}*`;
    } else if (c === "?") {
      out += any;
    } else if (c === "[" && bracketEnd(p, i) > 0) {
      const end = bracketEnd(p, i);
      let j = i + 1;
      let negate = false;
      if (p[j] === "!" || p[j] === "^") {
        negate = true;
        j++;
      }
      let set = "";
      for (; j < end - 1; j++) {
        const d = p[j]!;
        if (d === "[" && p[j + 1] === ":") {
          const close = p.indexOf(":]", j + 2);
          set += CLASSES[p.slice(j + 2, close)] ?? "";
          j = close + 1;
        } else if (d === "\\") {
          set += escapeRegex(p[++j] ?? "\\");
        } else if (d === "-" && set !== "" && j + 1 < end - 1) {
          set += "-";
        } else {
          set += d === "]" || d === "^" || d === "-" ? `\\${d}` : escapeRegex(d);
        }
      }
      out += `[${negate ? "^" : ""}${set}]`;
      i = end - 1;
    } else {
      out += escapeRegex(c);
    }
  }
  return out;
}

function escapeRegex(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

interface Matcher {
  test(text: string): boolean;
}

/** Compiled patterns by options (nocase, extglob) and text. */
const caches = [new Map<string, Matcher>(), new Map<string, Matcher>(), new Map<string, Matcher>(), new Map<string, Matcher>()] as const;

function compile(pattern: string, options: PatternOptions, pathComponent = false): Matcher {
  const cache = caches[(options.nocase ? 1 : 0) + (options.extglob ? 2 : 0)]!;
  let m = pathComponent ? undefined : cache.get(pattern);
  if (m === undefined) {
    if (cache.size > 500) cache.clear();
    const flags = options.nocase ? "i" : "";
    if (options.extglob && hasExtglob(pattern)) {
      const bracket: BracketReader = (text) => {
        const end = bracketEnd(text, 0);
        if (end < 0) return undefined;
        const re = new RegExp(`^${regexSource(text.slice(0, end), pathComponent)}$`, flags);
        return { test: (c) => re.test(c), length: end };
      };
      m = { test: extglobMatcher(pattern, bracket, options.nocase ?? false, pathComponent) };
    } else m = new RegExp(`^${regexSource(pattern, pathComponent)}$`, flags);
    if (!pathComponent) cache.set(pattern, m);
  }
  return m;
}

/** Whether `text` matches `pattern` as a whole. */
export function matchPattern(pattern: string, text: string, options: PatternOptions = {}): boolean {
  return compile(pattern, options).test(text);
}

/** `${x#p}`, `${x##p}`, `${x%p}`, `${x%%p}`. */
export function removePattern(text: string, pattern: string, kind: "prefix" | "longPrefix" | "suffix" | "longSuffix", options: PatternOptions = {}): string {
  const n = text.length;
  const m = compile(pattern, options);
  switch (kind) {
    case "prefix":
      for (let i = 0; i <= n; i++) if (m.test(text.slice(0, i))) return text.slice(i);
      return text;
    case "longPrefix":
      for (let i = n; i >= 0; i--) if (m.test(text.slice(0, i))) return text.slice(i);
      return text;
    case "suffix":
      for (let i = n; i >= 0; i--) if (m.test(text.slice(i))) return text.slice(0, i);
      return text;
    case "longSuffix":
      for (let i = 0; i <= n; i++) if (m.test(text.slice(i))) return text.slice(0, i);
      return text;
  }
}

/** bash `${x/p/r}` and its `//`, `/#`, `/%` forms: the longest match at the first position. */
export function replacePattern(text: string, pattern: string, replacement: string, mode: "first" | "all" | "start" | "end", options: PatternOptions = {}): string {
  const m = compile(pattern, options);
  if (mode === "start") {
    for (let j = text.length; j >= 0; j--) if (m.test(text.slice(0, j))) return replacement + text.slice(j);
    return text;
  }
  if (mode === "end") {
    for (let i = 0; i <= text.length; i++) if (m.test(text.slice(i))) return text.slice(0, i) + replacement;
    return text;
  }
  let out = "";
  let i = 0;
  while (i <= text.length) {
    let matched = -1;
    for (let j = text.length; j > i; j--) {
      if (m.test(text.slice(i, j))) {
        matched = j;
        break;
      }
    }
    if (matched < 0) {
      if (i < text.length) out += text[i];
      i++;
      continue;
    }
    out += replacement;
    i = matched;
    if (mode === "first") return out + text.slice(i);
  }
  return out;
}

/** bash's shopt options that change pathname expansion. */
export interface GlobOptions {
  /** dotglob: a leading `.` need not be matched explicitly. */
  readonly dot?: boolean;
  /** nocaseglob: letters match whatever their case. */
  readonly nocase?: boolean;
  readonly extglob?: boolean;
}

/**
 * Pathname expansion: the sorted paths matching `pattern` (relative to `cwd` unless absolute),
 * or [] when nothing matches. A leading `.` must be matched explicitly, as in every shell
 * (unless bash's dotglob is on; `.` and `..` never match then).
 */
export function glob(fs: FileSystem, cwd: string, pattern: string, options: GlobOptions = {}): string[] {
  const absolute = pattern.startsWith("/");
  const components = pattern.split("/").filter((c, i) => c !== "" || i === 0);
  let results: string[] = [absolute ? "/" : ""];
  const start = absolute ? 1 : 0;
  for (let k = start; k < components.length; k++) {
    const comp = components[k]!;
    const last = k === components.length - 1;
    const next: string[] = [];
    for (const base of results) {
      const dir = base === "" ? cwd : base.startsWith("/") ? base : `${cwd}/${base}`;
      if (!hasGlob(comp, options.extglob)) {
        const name = unescapePattern(comp);
        const path = join(base, name);
        if (last ? exists(fs, path.startsWith("/") ? path : `${cwd}/${path}`) : true) next.push(path);
        continue;
      }
      let names: string[];
      try {
        names = fs.readdir(dir);
      } catch (e) {
        if (e instanceof FsError) continue;
        throw e;
      }
      const re = compile(comp, options, true);
      for (const name of names) {
        if (name.startsWith(".") && !comp.startsWith(".") && !comp.startsWith("\\.") && !(options.dot && name !== "." && name !== "..")) continue;
        if (re.test(name)) next.push(join(base, name));
      }
    }
    results = next;
    if (results.length === 0) return [];
  }
  if (pattern.endsWith("/")) {
    results = results.filter((r) => isDir(fs, r.startsWith("/") ? r : `${cwd}/${r}`)).map((r) => `${r}/`);
  }
  return results.sort();
}

function join(base: string, name: string): string {
  if (base === "") return name;
  if (base.endsWith("/")) return base + name;
  return `${base}/${name}`;
}

function exists(fs: FileSystem, path: string): boolean {
  try {
    fs.lstat(path);
    return true;
  } catch (e) {
    if (e instanceof FsError) return false;
    throw e;
  }
}

/** Whether `path` names a directory (following links); a path that is not there is not one. */
export function isDir(fs: FileSystem, path: string): boolean {
  try {
    return fs.stat(path).type === "dir";
  } catch (e) {
    if (e instanceof FsError) return false;
    throw e;
  }
}
