import { FsError, type Proc } from "@ksim/sim";
import type { ProcessContext } from "../runtime/process.js";
import { describeError, inheritedInput, parseOptions, readInput, UsageError } from "./common.js";
import { formatDate } from "./system.js";

/**
 * `diff` from GNU diffutils 3.8: two files (or `-`), or two directories file by file, in the
 * normal format or unified (`-u`, `-U N`), `-N` treating absent files as empty. Exit 0 when the
 * same, 1 when different, 2 on trouble. What `kubectl diff` runs (`diff -u -N LIVE MERGED`).
 */
export function* diffProgram(ctx: ProcessContext): Proc<number> {
  let parsed;
  try {
    parsed = parseOptions(ctx.argv.slice(1), { short: "uU:Nrq", long: { unified: "u", "unified=": "U", "new-file": "N", recursive: "r", brief: "q" } });
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    ctx.stderr.write(`diff: ${e.message}\ndiff: Try 'diff --help' for more information.\n`);
    return 2;
  }
  const { flags, operands } = parsed;
  if (operands.length < 2) {
    ctx.stderr.write(`diff: ${operands.length === 0 ? "missing operand after 'diff'" : `missing operand after '${operands[0]}'`}\ndiff: Try 'diff --help' for more information.\n`);
    return 2;
  }
  if (operands.length > 2) {
    ctx.stderr.write(`diff: extra operand '${operands[2]}'\ndiff: Try 'diff --help' for more information.\n`);
    return 2;
  }
  const context = flags.has("U") ? Number(flags.get("U")!.at(-1)) : flags.has("u") ? 3 : undefined;
  const options: DiffOptions = { context, newFile: flags.has("N"), recursive: flags.has("r"), brief: flags.has("q"), argv: ctx.argv.slice(1, ctx.argv.length - 2) };
  return yield* new Diff(ctx, options).compare(operands[0]!, operands[1]!, true);
}

interface DiffOptions {
  /** Lines of context for the unified format; undefined for the normal format. */
  readonly context: number | undefined;
  readonly newFile: boolean;
  readonly recursive: boolean;
  readonly brief: boolean;
  /** The options as given, for the `diff -u -N a/x b/x` line before each file of a directory. */
  readonly argv: readonly string[];
}

type Op = { readonly kind: "=" | "-" | "+"; readonly line: string };

class Diff {
  constructor(
    private readonly ctx: ProcessContext,
    private readonly o: DiffOptions,
  ) {}

  private kind(path: string): "dir" | "file" | "missing" {
    if (inheritedInput(this.ctx, path) !== undefined) return "file";
    try {
      return this.ctx.fs.stat(this.ctx.resolve(path)).type === "dir" ? "dir" : "file";
    } catch (e) {
      if (e instanceof FsError) return "missing";
      throw e;
    }
  }

  *compare(a: string, b: string, top: boolean): Proc<number> {
    let ka = this.kind(a);
    let kb = this.kind(b);
    if (top && ka === "dir" && kb === "file") return yield* this.compare(`${a}/${basename(b)}`, b, false);
    if (top && ka === "file" && kb === "dir") return yield* this.compare(a, `${b}/${basename(a)}`, false);
    if (ka === "missing" && kb === "missing") {
      this.ctx.stderr.write(`diff: ${a}: No such file or directory\n`);
      return 2;
    }
    if (ka === "missing" || kb === "missing") {
      if (!this.o.newFile) {
        const missing = ka === "missing" ? a : b;
        this.ctx.stderr.write(`diff: ${missing}: No such file or directory\n`);
        return 2;
      }
      if (ka === "missing") ka = kb;
      else kb = ka;
    }
    if (ka === "dir" && kb === "dir") return yield* this.compareDirs(a, b);
    return yield* this.compareFiles(a, b);
  }

  private *compareDirs(a: string, b: string): Proc<number> {
    const list = (d: string) => (this.kind(d) === "dir" ? this.ctx.fs.readdir(this.ctx.resolve(d)) : []);
    const inA = new Set(list(a));
    const inB = new Set(list(b));
    let status = 0;
    for (const name of [...new Set([...inA, ...inB])].sort()) {
      const pa = `${a}/${name}`;
      const pb = `${b}/${name}`;
      if (!this.o.newFile && (!inA.has(name) || !inB.has(name))) {
        this.ctx.stdout.write(`Only in ${inA.has(name) ? a : b}: ${name}\n`);
        status = Math.max(status, 1);
        continue;
      }
      const dirs = this.kind(pa) === "dir" || this.kind(pb) === "dir";
      if (dirs && !this.o.recursive) {
        this.ctx.stdout.write(`Common subdirectories: ${pa} and ${pb}\n`);
        continue;
      }
      if (dirs) {
        status = Math.max(status, yield* this.compareDirs(pa, pb));
        continue;
      }
      status = Math.max(status, yield* this.compareFiles(pa, pb, `diff ${this.o.argv.join(" ")}${this.o.argv.length > 0 ? " " : ""}${pa} ${pb}\n`));
    }
    return status;
  }

  private *read(path: string): Proc<{ text: string; mtimeMs: number } | undefined> {
    const inherited = inheritedInput(this.ctx, path) !== undefined;
    if (!inherited && this.kind(path) === "missing") return { text: "", mtimeMs: 0 };
    try {
      const text = yield* readInput(this.ctx, path);
      // A pipe's time is when it is read.
      const mtimeMs = inherited ? this.ctx.epochMs() : this.ctx.fs.stat(this.ctx.resolve(path)).mtimeMs;
      return { text, mtimeMs };
    } catch (e) {
      this.ctx.stderr.write(`diff: ${path}: ${describeError(e)}\n`);
      return undefined;
    }
  }

  private *compareFiles(a: string, b: string, banner = ""): Proc<number> {
    const fa = yield* this.read(a);
    const fb = yield* this.read(b);
    if (fa === undefined || fb === undefined) return 2;
    if (fa.text === fb.text) return 0;
    if (this.o.brief) {
      this.ctx.stdout.write(`Files ${a} and ${b} differ\n`);
      return 1;
    }
    const ops = editScript(lines(fa.text), lines(fb.text));
    let out = banner;
    if (this.o.context === undefined) out += normalFormat(ops);
    else {
      const stamp = (ms: number) => `${formatDate(ms, "%Y-%m-%d %H:%M:%S")}.${String((ms % 1000) * 1_000_000).padStart(9, "0")} +0000`;
      out += `--- ${a}\t${stamp(fa.mtimeMs)}\n+++ ${b}\t${stamp(fb.mtimeMs)}\n${unifiedHunks(ops, this.o.context)}`;
    }
    this.ctx.stdout.write(out);
    return 1;
  }
}

function basename(p: string): string {
  const t = p.replace(/\/+$/, "");
  return t.slice(t.lastIndexOf("/") + 1);
}

/** Lines with their newline; a last line without one is marked for `\ No newline at end of file`. */
function lines(text: string): string[] {
  if (text === "") return [];
  const parts = text.split("\n");
  const last = parts.pop()!;
  const out = parts.map((l) => `${l}\n`);
  if (last !== "") out.push(last);
  return out;
}

/** A shortest edit script (Myers' O(ND) algorithm), deletions before insertions in each change. */
export function editScript(a: readonly string[], b: readonly string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const v = new Int32Array(2 * max + 2);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[max + k - 1]! < v[max + k + 1]!) ? v[max + k + 1]! : v[max + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[max + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  // Walk back through the saved frontiers.
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vd = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && vd[max + k - 1]! < vd[max + k + 1]!) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : vd[max + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) ops.push({ kind: "=", line: a[--x]! }), y--;
    if (d > 0) {
      if (x === prevX) ops.push({ kind: "+", line: b[--y]! });
      else ops.push({ kind: "-", line: a[--x]! });
    }
  }
  ops.reverse();
  // Within each run of changes, deletions come first, as diff prints them.
  const out: Op[] = [];
  for (let i = 0; i < ops.length; ) {
    if (ops[i]!.kind === "=") {
      out.push(ops[i++]!);
      continue;
    }
    const dels: Op[] = [];
    const ins: Op[] = [];
    while (i < ops.length && ops[i]!.kind !== "=") (ops[i]!.kind === "-" ? dels : ins).push(ops[i++]!);
    out.push(...dels, ...ins);
  }
  return out;
}

function show(prefix: string, line: string): string {
  return line.endsWith("\n") ? `${prefix}${line}` : `${prefix}${line}\n\\ No newline at end of file\n`;
}

function range(start: number, count: number): string {
  // Unified ranges: `l,s`, just `l` for one line, `l-1,0` for none.
  if (count === 1) return String(start);
  return `${count === 0 ? start - 1 : start},${count}`;
}

function unifiedHunks(ops: readonly Op[], context: number): string {
  let out = "";
  let i = 0;
  const lineA: number[] = [];
  const lineB: number[] = [];
  let la = 1;
  let lb = 1;
  for (const op of ops) {
    lineA.push(la);
    lineB.push(lb);
    if (op.kind !== "+") la++;
    if (op.kind !== "-") lb++;
  }
  while (i < ops.length) {
    while (i < ops.length && ops[i]!.kind === "=") i++;
    if (i >= ops.length) break;
    const start = Math.max(0, i - context);
    let end = i;
    // Extend over changes closer together than twice the context.
    for (;;) {
      while (end < ops.length && ops[end]!.kind !== "=") end++;
      let next = end;
      while (next < ops.length && ops[next]!.kind === "=") next++;
      if (next < ops.length && next - end <= 2 * context) end = next;
      else break;
    }
    const stop = Math.min(ops.length, end + context);
    const hunk = ops.slice(start, stop);
    const countA = hunk.filter((o) => o.kind !== "+").length;
    const countB = hunk.filter((o) => o.kind !== "-").length;
    out += `@@ -${range(lineA[start]!, countA)} +${range(lineB[start]!, countB)} @@\n`;
    for (const o of hunk) out += show(o.kind === "=" ? " " : o.kind, o.line);
    i = stop;
  }
  return out;
}

function normalFormat(ops: readonly Op[]): string {
  let out = "";
  let la = 0;
  let lb = 0;
  for (let i = 0; i < ops.length; ) {
    if (ops[i]!.kind === "=") {
      la++;
      lb++;
      i++;
      continue;
    }
    const dels: string[] = [];
    const ins: string[] = [];
    while (i < ops.length && ops[i]!.kind !== "=") (ops[i]!.kind === "-" ? dels : ins).push(ops[i++]!.line);
    const span = (from: number, count: number) => (count <= 1 ? String(from + (count === 0 ? 0 : 1)) : `${from + 1},${from + count}`);
    const kind = dels.length === 0 ? "a" : ins.length === 0 ? "d" : "c";
    out += `${span(la, dels.length)}${kind}${span(lb, ins.length)}\n`;
    for (const l of dels) out += show("< ", l);
    if (kind === "c") out += "---\n";
    for (const l of ins) out += show("> ", l);
    la += dels.length;
    lb += ins.length;
  }
  return out;
}

/**
 * cmp (diffutils 3.8, in the C locale containers run in): silent and 0 when the files are the same; otherwise where the first
 * difference is (`a b differ: char N, line L`; "byte" in other locales), or that one file ended first; -s says nothing.
 */
export function* cmpProgram(ctx: ProcessContext): Proc<number> {
  let parsed;
  try {
    parsed = parseOptions(ctx.argv.slice(1), { short: "sl", long: { silent: "s", quiet: "s", verbose: "l" } });
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    ctx.stderr.write(`cmp: ${e.message}\ncmp: Try 'cmp --help' for more information.\n`);
    return 2;
  }
  const [a, b = "-"] = parsed.operands;
  if (a === undefined) {
    ctx.stderr.write("cmp: missing operand after 'cmp'\ncmp: Try 'cmp --help' for more information.\n");
    return 2;
  }
  const texts: string[] = [];
  for (const f of [a, b]) {
    try {
      texts.push(yield* readInput(ctx, f));
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
      ctx.stderr.write(`cmp: ${f}: ${describeError(e)}\n`);
      return 2;
    }
  }
  const [x, y] = [new TextEncoder().encode(texts[0]), new TextEncoder().encode(texts[1])];
  const silent = parsed.flags.has("s");
  let line = 1;
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    if (x[i] !== y[i]) {
      if (!silent) ctx.stdout.write(`${a} ${b} differ: char ${i + 1}, line ${line}\n`);
      return 1;
    }
    if (x[i] === 10) line++;
  }
  if (x.length === y.length) return 0;
  if (!silent) {
    const shorter = x.length < y.length ? a : b;
    // The line the last byte read was in: one more if that byte ended a line.
    ctx.stderr.write(n === 0 ? `cmp: EOF on ${shorter} which is empty\n` : `cmp: EOF on ${shorter} after byte ${n}, ${x[n - 1] === 10 ? `line ${line - 1}` : `in line ${line}`}\n`);
  }
  return 1;
}
