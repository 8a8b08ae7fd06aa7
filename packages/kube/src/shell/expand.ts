import type { Proc } from "@ksim/sim";
import { ArithError, evaluateArith } from "./arith.js";
import { AssocArray } from "./assoc.js";
import type { ParamPart, TransformLetter, Word, WordPart } from "./ast.js";
import { attributeLetters, declareLine, keyValueText } from "./declare.js";
import { braceExpandWords } from "./brace.js";
import { echoEscapes, reuseQuote } from "./text-format.js";
import { escapePattern, glob, hasGlob, removePattern, replacePattern, unescapePattern, type PatternOptions } from "./pattern.js";

const EXTGLOB: PatternOptions = { extglob: true };
const NO_OPTIONS: PatternOptions = {};
import { splitSubscripted } from "./parser.js";
import type { CompoundItem, Shell } from "./shell.js";

/**
 * Word expansion in POSIX order: tilde, parameters, command substitution and arithmetic, then
 * field splitting on IFS (only of unquoted expansion results), pathname expansion, quote removal.
 */

interface Chunk {
  readonly text: string;
  /** Quoted text is neither split nor a pattern. */
  readonly quoted: boolean;
}

/** Collects fields as expansions are appended, splitting unquoted expansion results on IFS. */
class Fields {
  readonly fields: Chunk[][] = [];
  private cur: Chunk[] = [];
  /** The current field exists even if empty (it had quotes, `""` is one empty field). */
  private has = false;

  constructor(private readonly ifs: string) {}

  add(text: string, quoted: boolean): void {
    if (text !== "") this.cur.push({ text, quoted });
    if (quoted || text !== "") this.has = true;
  }

  /** Marks the current field as existing without adding text (an empty `""`). */
  touch(): void {
    this.has = true;
  }

  /** Appends an unquoted expansion result: IFS characters delimit fields. */
  split(text: string): void {
    const ifs = this.ifs;
    if (ifs === "") return this.add(text, false);
    const isWs = (c: string) => (c === " " || c === "\t" || c === "\n") && ifs.includes(c);
    const isOther = (c: string) => ifs.includes(c) && !isWs(c);
    let i = 0;
    let run = "";
    const n = text.length;
    while (i < n) {
      const c = text[i]!;
      if (!ifs.includes(c)) {
        run += c;
        i++;
        continue;
      }
      if (run !== "") this.add(run, false);
      run = "";
      let j = i;
      while (j < n && isWs(text[j]!)) j++;
      let other = false;
      if (j < n && isOther(text[j]!)) {
        other = true;
        j++;
        while (j < n && isWs(text[j]!)) j++;
      }
      this.end(other);
      i = j;
    }
    if (run !== "") this.add(run, false);
  }

  /** Ends the current field; `force` keeps it even when empty. */
  end(force: boolean): void {
    if (this.has || force) this.fields.push(this.cur);
    this.cur = [];
    this.has = false;
  }

  finish(): Chunk[][] {
    this.end(false);
    return this.fields;
  }
}

/**
 * A word's one field when it has nothing to expand: only literal and quoted text (also inside
 * double quotes), not empty, and no unquoted glob characters (most words of most commands).
 * Undefined otherwise.
 */
const staticFields = new WeakMap<Word, string | null>();

function staticField(w: Word): string | undefined {
  let text = staticFields.get(w);
  if (text === undefined) {
    text = null;
    const joined = textOf(w.parts);
    // An extglob group in a literal was read with extglob on: it may glob (if it is on still).
    const globs = w.parts.some((p) => p.type === "literal" && hasGlob(p.text, true));
    if (joined !== undefined && joined !== "" && !globs) text = joined;
    staticFields.set(w, text);
  }
  return text ?? undefined;
}

/** The text of parts that are all plain text, quoted or not; undefined if one is an expansion. */
function textOf(parts: readonly WordPart[]): string | undefined {
  let out = "";
  for (const p of parts) {
    if (p.type === "literal" || p.type === "quoted") out += p.text;
    else if (p.type === "double") {
      const inner = textOf(p.parts);
      if (inner === undefined) return undefined;
      out += inner;
    } else return undefined;
  }
  return out;
}

/**
 * Whether a part expands without running anything or waiting: text, `~`, `$x` without an
 * operator or subscript, and double quotes around those (most expansions: `"$OK"`, `$1`).
 */
function expandsNow(part: WordPart): boolean {
  switch (part.type) {
    case "command":
    case "arith":
    case "process":
      return false;
    case "param":
      return isPlainParam(part);
    case "double":
      return part.parts.every(expandsNow);
    default:
      return true;
  }
}

const wordsExpandingNow = new WeakMap<Word, boolean>();

function wordExpandsNow(w: Word): boolean {
  let now = wordsExpandingNow.get(w);
  if (now === undefined) wordsExpandingNow.set(w, (now = w.parts.every(expandsNow)));
  return now;
}

/** `$x` or `${x}`: no operator, length or subscript. */
function isPlainParam(part: ParamPart): boolean {
  return part.op === undefined && !part.length && part.index === undefined;
}

/** The value of a parameter: one string (or unset), or a list (`$@`, `${a[@]}`). */
type Value = { readonly kind: "one"; readonly value: string | undefined } | { readonly kind: "many"; readonly values: readonly string[]; readonly star: boolean };

export class Expander {
  constructor(private readonly sh: Shell) {}

  /**
   * `fields` of words that run nothing to expand, as most commands' words (`echo ruok`,
   * `nc 127.0.0.1 $1`), without starting a generator; undefined if one runs something.
   */
  fieldsNow(given: readonly Word[]): string[] | undefined {
    const words = this.braced(given);
    // Indexed loops: this runs for most commands, and its for-of iterators were not optimized away.
    for (let i = 0; i < words.length; i++) if (staticField(words[i]!) === undefined && !wordExpandsNow(words[i]!)) return undefined;
    const out: string[] = [];
    for (let i = 0; i < words.length; i++) {
      const w = words[i]!;
      const fixed = staticField(w);
      if (fixed !== undefined) {
        out.push(fixed);
        continue;
      }
      const f = new Fields(this.sh.ifs());
      for (let k = 0; k < w.parts.length; k++) this.emitNow(f, w.parts[k]!, false, false);
      this.pushFields(f, out);
    }
    return out;
  }

  /** A word expanded to one string without running anything (a prompt); undefined if it would run a command. */
  stringNow(word: Word): string | undefined {
    if (!wordExpandsNow(word)) return undefined;
    const f = new Fields("");
    for (let k = 0; k < word.parts.length; k++) this.emitNow(f, word.parts[k]!, true, false);
    return f.finish().map((chunks) => chunks.map((c) => c.text).join("")).join(" ");
  }

  /** bash's brace expansion of command words, first of all (the same array when nothing expands). */
  private braced(words: readonly Word[]): readonly Word[] {
    return this.sh.flavor === "bash" && this.sh.optionState.braceexpand === true ? braceExpandWords(words) : words;
  }

  /** Expands command words into fields (split and globbed). */
  *fields(given: readonly Word[]): Proc<string[]> {
    const words = this.braced(given);
    const out: string[] = [];
    for (let i = 0; i < words.length; i++) {
      const w = words[i]!;
      const fixed = staticField(w);
      if (fixed !== undefined) {
        out.push(fixed);
        continue;
      }
      const f = new Fields(this.sh.ifs());
      yield* this.emitParts(f, w.parts, false, false);
      this.pushFields(f, out);
    }
    return out;
  }

  /** Appends a word's fields, globbed. */
  private pushFields(f: Fields, out: string[]): void {
    const fields = f.finish();
    for (let i = 0; i < fields.length; i++) {
      const chunks = fields[i]!;
      // Only unquoted text can make a field a pattern.
      if (!this.sh.options.noglob && chunks.some((c) => !c.quoted)) {
        const pattern = chunks.map((c) => (c.quoted ? escapePattern(c.text) : c.text)).join("");
        if (hasGlob(pattern, this.sh.shopts.extglob)) {
          const shopts = this.sh.shopts;
          const matches = glob(this.sh.ctx.fs, this.sh.cwd, pattern, shopts.dotglob || shopts.nocaseglob || shopts.extglob ? { dot: shopts.dotglob, nocase: shopts.nocaseglob, extglob: shopts.extglob } : {});
          if (matches.length > 0) out.push(...matches);
          else if (shopts.failglob) throw this.sh.failglobError(unescapePattern(pattern));
          else if (!shopts.nullglob) out.push(unescapePattern(pattern));
          continue;
        }
      }
      out.push(chunks.length === 1 ? chunks[0]!.text : chunks.map((c) => c.text).join(""));
    }
  }

  /** Expands a word to one string: no splitting or globbing (assignments, redirections, case). */
  *string(word: Word): Proc<string> {
    const fixed = staticField(word);
    if (fixed !== undefined) return fixed;
    const f = new Fields("");
    yield* this.emitParts(f, word.parts, false, false);
    return f.finish().map((chunks) => chunks.map((c) => c.text).join("")).join(" ");
  }

  /** Expands a word to a pattern: quoted characters are escaped, the rest stays special. */
  *pattern(word: Word): Proc<string> {
    const f = new Fields("");
    yield* this.emitParts(f, word.parts, false, false);
    return f
      .finish()
      .map((chunks) => chunks.map((c) => (c.quoted ? escapePattern(c.text) : c.text)).join(""))
      .join(" ");
  }

  /** The items of `name=(...)`: `[key]=value` words expand to one string each, the others to fields. */
  *compoundItems(words: readonly Word[]): Proc<CompoundItem[]> {
    const items: CompoundItem[] = [];
    for (let i = 0; i < words.length; i++) {
      const element = splitSubscripted(words[i]!);
      if (element === undefined) {
        for (const value of yield* this.fields([words[i]!])) items.push({ value });
        continue;
      }
      const key = yield* this.string(element.subscript);
      items.push({ key, append: element.append, value: yield* this.string(element.value) });
    }
    return items;
  }

  /** `${x%p}` and `${x/p/r}` match with extglob when it is on. */
  private patternOptions(): PatternOptions {
    return this.sh.shopts.extglob ? EXTGLOB : NO_OPTIONS;
  }

  /** An arithmetic expression's value. */
  *arith(word: Word): Proc<number> {
    const text = yield* this.string(word);
    try {
      return evaluateArith(text, this.sh.arithVariables(), this.sh.flavor === "dash");
    } catch (e) {
      if (e instanceof ArithError) throw this.sh.arithError(e);
      throw e;
    }
  }

  /**
   * `literalSplits`: the literal text of a `${x:-a b}` word is split like an expansion result,
   * because the whole substitution is.
   */
  private *emitParts(f: Fields, parts: readonly WordPart[], quoted: boolean, literalSplits: boolean): Proc<void> {
    // By index: a for-of would keep an iterator object alive across the yields.
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      // No generator for what expands at once.
      if (expandsNow(part)) {
        this.emitNow(f, part, quoted, literalSplits);
        continue;
      }
      switch (part.type) {
        case "double":
          touchDouble(f, part.parts);
          yield* this.emitParts(f, part.parts, true, false);
          break;
        case "param":
          yield* this.emitParam(f, part, quoted);
          break;
        case "command": {
          const out = yield* this.sh.substitute(part.body);
          this.emitResult(f, out.replace(/\n+$/, ""), quoted);
          break;
        }
        case "arith":
          this.emitResult(f, String(yield* this.arith(part.expr)), quoted);
          break;
        case "process":
          f.add(this.sh.substituteProcess(part.body, part.output), true);
          break;
      }
    }
  }

  /** Emits a part that expandsNow (emitParts explains `literalSplits`). */
  private emitNow(f: Fields, part: WordPart, quoted: boolean, literalSplits: boolean): void {
    switch (part.type) {
      case "literal":
        if (literalSplits && !quoted) f.split(part.text);
        else f.add(part.text, quoted);
        break;
      case "quoted":
        f.add(part.text, true);
        break;
      case "double":
        touchDouble(f, part.parts);
        for (const p of part.parts) this.emitNow(f, p, true, false);
        break;
      case "tilde": {
        const home = part.user === "" ? this.sh.homeDirectory() : this.sh.homeOf(part.user);
        f.add(home ?? `~${part.user}`, true);
        break;
      }
      case "param":
        this.emitValue(f, part, this.valueOf(part), quoted);
        break;
      case "array": {
        // declare, local, export and readonly take `name=(...)` as its text and expand it themselves.
        const text = `(${part.words.map((w) => w.text).join(" ")})`;
        this.sh.noteCompound(text, part.words);
        f.add(text, true);
        break;
      }
      case "bad":
        throw this.sh.badSubstitution(part.text);
    }
  }

  private emitResult(f: Fields, text: string, quoted: boolean): void {
    if (quoted) f.add(text, true);
    else f.split(text);
  }

  private *emitParam(f: Fields, part: ParamPart, quoted: boolean): Proc<void> {
    const v = part.index === undefined || isPositionalList(part) ? this.valueOf(part) : yield* this.elementValue(part, part.index);
    const op = part.op;
    if (part.length) {
      const n = v.kind === "many" ? v.values.length : [...(this.checkSet(part, v.value) ?? "")].length;
      this.emitResult(f, String(n), quoted);
      return;
    }
    if (op === undefined) {
      this.emitValue(f, part, v, quoted);
      return;
    }
    switch (op.kind) {
      case "default":
      case "assign":
      case "error":
      case "alternative": {
        const set = v.kind === "many" ? v.values.length > 0 && (!op.colon || v.values.join("") !== "") : v.value !== undefined && (!op.colon || v.value !== "");
        if (op.kind === "alternative") {
          if (set) yield* this.emitParts(f, op.word.parts, quoted, true);
          return;
        }
        if (set) {
          if (v.kind === "one") this.emitResult(f, v.value!, quoted);
          else this.emitList(f, v, quoted);
          return;
        }
        if (op.kind === "default") {
          yield* this.emitParts(f, op.word.parts, quoted, true);
          return;
        }
        if (op.kind === "assign") {
          const value = yield* this.string(op.word);
          this.sh.assignFromExpansion(part.name, value);
          this.emitResult(f, value, quoted);
          return;
        }
        const message = op.word.parts.length === 0 ? undefined : yield* this.string(op.word);
        throw this.sh.parameterError(part.name, message, op.colon);
      }
      case "prefix":
      case "longPrefix":
      case "suffix":
      case "longSuffix": {
        const pattern = yield* this.pattern(op.word);
        yield* this.emitMapped(f, part, v, quoted, (s) => removePattern(s, pattern, op.kind as "prefix", this.patternOptions()));
        return;
      }
      case "replace": {
        const pattern = yield* this.pattern(op.pattern);
        const replacement = yield* this.string(op.replacement);
        yield* this.emitMapped(f, part, v, quoted, (s) =>
          // An empty pattern matches nothing, except where it is anchored: `${x/#/-}` prefixes.
          pattern === "" && op.mode !== "start" && op.mode !== "end" ? s : replacePattern(s, pattern, replacement, op.mode, this.patternOptions()),
        );
        return;
      }
      case "substring": {
        const offset = yield* this.arith(op.offset);
        const length = op.length === undefined ? undefined : yield* this.arith(op.length);
        // An offset before the beginning gives nothing. The positional parameters count from $0.
        if (v.kind === "many") {
          const all = isPositionalList(part) ? [this.sh.arg0, ...v.values] : v.values;
          const start = offset < 0 ? all.length + offset : offset;
          const end = length === undefined ? all.length : length < 0 ? all.length + length : start + length;
          this.emitList(f, { values: start < 0 ? [] : all.slice(start, end), star: v.star }, quoted);
          return;
        }
        const s = this.checkSet(part, v.value) ?? "";
        const start = offset < 0 ? s.length + offset : offset;
        if (start < 0) {
          this.emitResult(f, "", quoted);
          return;
        }
        const end = length === undefined ? s.length : length < 0 ? s.length + length : start + length;
        this.emitResult(f, s.slice(start, Math.max(start, end)), quoted);
        return;
      }
      case "transform": {
        const [major, minor] = this.sh.bashBuild.release.split(".").map(Number) as [number, number];
        if (major + minor / 10 < TRANSFORM_SINCE[op.letter]) throw this.sh.badSubstitution(op.source);
        // An unset variable stays unset (no quotes around nothing); its attributes are still told.
        if (v.kind === "one" && op.letter !== "a" && this.checkSet(part, v.value) === undefined) this.emitResult(f, "", quoted);
        else if (op.letter === "A" || op.letter === "a" || op.letter === "K" || op.letter === "k") this.emitVariableTransform(f, part, v, op.letter, quoted);
        else yield* this.emitMapped(f, part, v, quoted, (s) => transformValue(op.letter as SimpleTransform, s));
        return;
      }
      case "case":
        yield* this.emitMapped(f, part, v, quoted, (s) => {
          const conv = (c: string) => (op.to === "upper" ? c.toUpperCase() : op.to === "lower" ? c.toLowerCase() : toggleCase(c));
          return op.all ? conv(s) : conv(s.slice(0, 1)) + s.slice(1);
        });
        return;
    }
  }

  /** `@A`, `@a`, `@K` and `@k`, which tell about the variable as well as its value. */
  private emitVariableTransform(f: Fields, part: ParamPart, v: Value, letter: "A" | "a" | "K" | "k", quoted: boolean): void {
    const variable = part.indirect || isPositionalList(part) ? undefined : this.sh.vars.get(part.name);
    const whole = part.index !== undefined && ["@", "*"].includes(part.index.text.trim());
    const array = variable !== undefined && typeof variable.value !== "string" && variable.value !== undefined ? variable.value : undefined;
    switch (letter) {
      case "a": {
        const letters = variable === undefined ? "" : attributeLetters(variable);
        if (v.kind === "many") this.emitList(f, { values: v.values.map(() => letters), star: v.star }, quoted);
        else this.emitResult(f, letters, quoted);
        return;
      }
      case "A": {
        if (variable === undefined) {
          if (v.kind === "many") this.emitList(f, { values: v.values.map(reuseQuote), star: v.star }, quoted);
          else this.emitResult(f, reuseQuote(v.value ?? ""), quoted);
          return;
        }
        const flags = attributeLetters(variable);
        if (whole && array !== undefined) return this.emitResult(f, declareLine(part.name, variable).slice(0, -1), quoted);
        const value = v.kind === "one" ? (v.value ?? "") : v.values.join(" ");
        this.emitResult(f, `${flags === "" ? "" : `declare -${flags} `}${part.name}=${reuseQuote(value)}`, quoted);
        return;
      }
      case "K":
        if (whole && array !== undefined) this.emitResult(f, keyValueText(array), quoted);
        else if (v.kind === "many") this.emitList(f, { values: v.values.map(reuseQuote), star: v.star }, quoted);
        else this.emitResult(f, reuseQuote(v.value ?? ""), quoted);
        return;
      case "k":
        if (whole && array !== undefined) {
          const pairs: string[] = [];
          if (array instanceof AssocArray) for (const [k, x] of array.entries()) pairs.push(k, x);
          else array.forEach((x, i) => pairs.push(String(i), x));
          this.emitList(f, { values: pairs, star: v.kind === "many" && v.star }, quoted);
        } else if (v.kind === "many") this.emitList(f, { values: v.values.map(reuseQuote), star: v.star }, quoted);
        else this.emitResult(f, reuseQuote(v.value ?? ""), quoted);
        return;
    }
  }

  /** A parameter's value as it is, without an operator. */
  private emitValue(f: Fields, part: ParamPart, v: Value, quoted: boolean): void {
    if (v.kind === "one") this.emitResult(f, this.checkSet(part, v.value) ?? "", quoted);
    else this.emitList(f, v, quoted);
  }

  private *emitMapped(f: Fields, part: ParamPart, v: Value, quoted: boolean, fn: (s: string) => string): Proc<void> {
    if (v.kind === "many") this.emitList(f, { values: v.values.map(fn), star: v.star }, quoted);
    else this.emitResult(f, fn(this.checkSet(part, v.value) ?? ""), quoted);
  }

  /** `$@` and `$*`: quoted `"$@"` keeps one field per value; `"$*"` joins with IFS's first char. */
  private emitList(f: Fields, v: { values: readonly string[]; star: boolean }, quoted: boolean): void {
    if (quoted && v.star) {
      const ifs = this.sh.ifs();
      f.add(v.values.join(ifs === " \t\n" && this.sh.getVar("IFS") === undefined ? " " : ifs.slice(0, 1)), true);
      return;
    }
    v.values.forEach((s, i) => {
      if (i > 0) f.end(quoted);
      this.emitResult(f, s, quoted);
    });
  }

  private checkSet(part: ParamPart, value: string | undefined): string | undefined {
    if (value === undefined && this.sh.options.nounset && !/^[@*]$/.test(part.name)) throw this.sh.unboundError(part.name);
    return value;
  }

  /** The value of a parameter without a subscript (`$@` and `$*` ignore theirs). */
  private valueOf(part: ParamPart): Value {
    const name = part.name;
    if (isPositionalList(part)) return { kind: "many", values: this.sh.positional, star: name === "*" };
    if (part.names !== undefined) {
      const names = [...this.sh.vars.keys()].filter((n) => n.startsWith(name) && this.sh.vars.get(n)!.value !== undefined).sort();
      return { kind: "many", values: names, star: part.names === "*" };
    }
    if (part.indirect) {
      // `${!ref}` of a reference is the name it stands for.
      const reference = this.sh.vars.get(name);
      if (reference?.attrs?.includes("n") === true && typeof reference.value === "string") return { kind: "one", value: reference.value };
      const target = this.sh.param(name) ?? "";
      return { kind: "one", value: target === "" ? undefined : this.sh.param(target) };
    }
    return { kind: "one", value: this.sh.param(name) };
  }

  /** `${a[i]}`, `${a[@]}`, `${!a[@]}`: a subscript is an arithmetic expression, which may run commands. */
  private *elementValue(part: ParamPart, index: Word): Proc<Value> {
    const idx = index.text.trim();
    const arr = this.sh.arrayValue(part.name);
    if (arr instanceof AssocArray) {
      if (idx === "@" || idx === "*") return { kind: "many", values: part.indirect ? arr.keys() : arr.entries().map((e) => e[1]), star: idx === "*" };
      return { kind: "one", value: arr.get(yield* this.string(index)) };
    }
    if (idx === "@" || idx === "*") {
      // An array may be sparse (`a[5]=x`): only the elements that are set count.
      const values: string[] = [];
      (arr ?? []).forEach((v, i) => values.push(part.indirect ? String(i) : v));
      return { kind: "many", values, star: idx === "*" };
    }
    const i = yield* this.arith(index);
    const values = arr ?? [];
    return { kind: "one", value: values[i < 0 ? values.length + i : i] };
  }
}

type SimpleTransform = "Q" | "E" | "U" | "u" | "L";

/** The bash release each transformation came with. */
const TRANSFORM_SINCE: Readonly<Record<TransformLetter, number>> = { Q: 4.4, E: 4.4, A: 4.4, a: 4.4, U: 5.1, u: 5.1, L: 5.1, K: 5.1, k: 5.2 };

function transformValue(letter: SimpleTransform, s: string): string {
  switch (letter) {
    case "Q":
      return reuseQuote(s);
    case "E":
      return echoEscapes(s).text;
    case "U":
      return s.toUpperCase();
    case "u":
      return s.slice(0, 1).toUpperCase() + s.slice(1);
    case "L":
      return s.toLowerCase();
  }
}

function toggleCase(s: string): string {
  let out = "";
  for (const c of s) out += c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase();
  return out;
}

/** Double quotes make a field even when empty, except around a list that has no elements (`"$@"`). */
function touchDouble(f: Fields, parts: readonly WordPart[]): void {
  if (!(parts.length === 1 && parts[0]!.type === "param" && isList(parts[0]!))) f.touch();
}

function isPositionalList(p: ParamPart): boolean {
  return p.name === "@" || p.name === "*";
}

function isList(p: WordPart): boolean {
  return p.type === "param" && (p.name === "@" || p.index?.text.trim() === "@") && (p.op === undefined || p.op.kind === "substring") && !p.length;
}
