import { FsError, Task, type Proc, type TaskOutcome } from "@ksim/sim";
import { SpawnError, type ProcessContext } from "../../runtime/process.js";
import { SPECIAL_VARS, specialSlot, type BuiltinName, type Expr, type LValue, type Program, type Stmt, type VarRef } from "./ast.js";
import { lower, mktime, replacement, strftime, substitute, substr, upper } from "./builtins.js";
import { Conversions } from "./convert.js";
import { AwkFatal, AwkRuntimeError } from "./errors.js";
import { clampInt } from "./format.js";
import { AwkIO } from "./io.js";
import { BUILTINS, KEYWORDS, unescape } from "./lexer.js";
import { GlibcRandom } from "./random.js";
import { fieldSplitter, RecordReader, recordMode, regexSplitter, splitChars, type RecordMode, type Splitter } from "./records.js";
import { AwkRegexError, RegexCache, type CompiledRegex } from "./regex.js";
import { AwkArray, InputStr, type Scalar, type Slot } from "./values.js";

/**
 * A tree-walking evaluator for parsed awk programs. It is a generator throughout because
 * getline, system() and close() wait for input or for other processes.
 */

/** `exit` inside a function unwinds through the expressions that called it. */
class ExitSignal {}

export interface InterpreterOptions {
  readonly busybox: boolean;
  /** -W interactive: unbuffered output. */
  readonly interactive: boolean;
  /** ARGV[0], ARGV[1], ...: the program name, then the operands. */
  readonly argv: readonly string[];
}

const NORMAL = 0;
const BREAK = 1;
const CONTINUE = 2;
const NEXT = 3;
const NEXTFILE = 4;
const EXIT = 5;
const RETURN = 6;
type Flow = number;

const NF = specialSlot("NF");
const NR = specialSlot("NR");
const FNR = specialSlot("FNR");
const FS = specialSlot("FS");
const OFS = specialSlot("OFS");
const ORS = specialSlot("ORS");
const RS = specialSlot("RS");
const FILENAME = specialSlot("FILENAME");
const SUBSEP = specialSlot("SUBSEP");
const RSTART = specialSlot("RSTART");
const RLENGTH = specialSlot("RLENGTH");
const CONVFMT = specialSlot("CONVFMT");
const OFMT = specialSlot("OFMT");
const ENVIRON = specialSlot("ENVIRON");
const ARGC = specialSlot("ARGC");
const ARGV = specialSlot("ARGV");
const SPECIALS = SPECIAL_VARS.length;

const RECORD: LValue = { kind: "field", index: { kind: "num", value: 0 } };

const NOT_LEAF = Symbol("not a leaf");

/** Nested user-function calls run on one JavaScript stack before the next starts a fresh one. */
const CALLS_PER_STACK = 100;

/** An evaluated lvalue: subscripts and field numbers computed once (`a[i++] += 1`). */
type Ref = { readonly kind: "var"; readonly ref: VarRef } | { readonly kind: "elem"; readonly array: AwkArray; readonly key: string } | { readonly kind: "field"; readonly index: number };

export class Interpreter {
  readonly io: AwkIO;
  private readonly globals: Slot[];
  private readonly slots: ReadonlyMap<string, number>;
  private frame: Slot[] = [];
  private depth = 0;
  private returnValue: Scalar;
  private exitCode = 0;

  private record = "";
  /** $0's value, made when first asked for. */
  private recordValue: InputStr | undefined;
  private fields: Scalar[] = [undefined];
  private nf = 0;
  private splitDone = true;
  private splitter: Splitter | undefined;
  private rsMode: RecordMode | undefined;
  private ofs = " ";
  private ors = "\n";
  private subsep = "\x1c";
  private readonly conv: Conversions;

  private readonly regexes: RegexCache;
  private readonly rangeActive: boolean[];
  private readonly rng: GlibcRandom;
  private seed: Scalar;

  /** Records read, for run-time error messages (NR and FNR may be assigned). */
  private readCount = 0;
  private fileReadCount = 0;
  private mainReader: RecordReader | undefined;
  private argIndex = 1;
  private mainOpened = false;
  private mainDone = false;

  constructor(
    private readonly ctx: ProcessContext,
    private readonly program: Program,
    private readonly options: InterpreterOptions,
  ) {
    this.io = new AwkIO(ctx, ctx.tty, options.interactive);
    this.regexes = new RegexCache(options.busybox);
    this.rangeActive = program.rules.map(() => false);
    this.conv = new Conversions(options.busybox ? 2 ** 63 : 2147483647);
    this.slots = new Map(program.globals.map((name, i) => [name, i]));
    this.globals = new Array<Slot>(program.globals.length).fill(undefined);
    const environ = new AwkArray();
    for (const [k, v] of ctx.env) environ.map.set(k, new InputStr(v));
    const argv = new AwkArray();
    options.argv.forEach((a, i) => argv.map.set(String(i), new InputStr(a)));
    Object.assign(this.globals, { [NF]: 0, [NR]: 0, [FNR]: 0, [FS]: " ", [OFS]: " ", [ORS]: "\n", [RS]: "\n", [FILENAME]: "", [SUBSEP]: "\x1c" });
    Object.assign(this.globals, { [RSTART]: 0, [RLENGTH]: -1, [CONVFMT]: "%.6g", [OFMT]: "%.6g", [ENVIRON]: environ, [ARGC]: options.argv.length, [ARGV]: argv });
    this.seed = this.clockSeed();
    this.rng = new GlibcRandom(clampInt(this.seed));
  }

  /** srand()'s seed from the clock, as mawk and busybox take it: time(0), in seconds. */
  private clockSeed(): number {
    return Math.floor(this.ctx.epochMs() / 1000);
  }

  /** -v and command-line `var=value`: escape sequences processed, numeric-looking values are strnums. */
  assign(name: string, value: string): void {
    const slot = this.slots.get(name);
    const current = slot === undefined ? undefined : this.globals[slot];
    if (KEYWORDS.has(name) || BUILTINS.has(name) || this.program.functions.has(name) || current instanceof AwkArray) {
      throw new AwkRuntimeError(`cannot command line assign to ${name}\n\ttype clash or keyword`);
    }
    if (slot !== undefined) this.setGlobal(slot, new InputStr(unescape(value)));
  }

  /** -W random=n: as if the program began with srand(n). */
  seedRandom(value: string): void {
    this.seed = new InputStr(value);
    this.rng.seed(clampInt(this.conv.toNum(this.seed)));
  }

  /** -F: escape sequences processed, the value a string. */
  setFieldSeparator(fs: string): void {
    this.setGlobal(FS, unescape(fs));
  }

  /** FILENAME, FNR and NR as a run-time error reports them. */
  where(): string {
    return `\tFILENAME="${this.conv.toStr(this.scalar(FILENAME))}" FNR=${this.fileReadCount} NR=${this.readCount}`;
  }

  /** A special variable that always holds a scalar. */
  private scalar(slot: number): Scalar {
    return this.globals[slot] as Scalar;
  }

  *run(): Proc<number> {
    let exited = false;
    for (const block of this.program.begin) {
      if ((yield* this.top(block)) === EXIT) {
        exited = true;
        break;
      }
    }
    if (!exited && (this.program.rules.length > 0 || this.program.end.length > 0)) yield* this.mainLoop();
    for (const block of this.program.end) {
      if ((yield* this.top(block)) === EXIT) break;
    }
    yield* this.io.closeAll();
    return this.exitCode;
  }

  private *mainLoop(): Proc<void> {
    try {
      yield* this.records();
    } catch (e) {
      // exit in a function called from a pattern.
      if (!(e instanceof ExitSignal)) throw e;
    }
  }

  private *records(): Proc<void> {
    const rules = this.program.rules;
    for (;;) {
      const rec = yield* this.nextMainRecord();
      if (rec === null) return;
      this.setRecord(rec);
      this.countRecord();
      for (let r = 0; r < rules.length; r++) {
        const rule = rules[r]!;
        if (!(yield* this.selects(r))) continue;
        if (rule.action === undefined) {
          this.io.write(this.record + this.ors);
          continue;
        }
        const flow = yield* this.top(rule.action);
        if (flow === NEXT) break;
        if (flow === NEXTFILE) {
          this.mainReader = undefined;
          break;
        }
        if (flow === EXIT) return;
      }
    }
  }

  private *selects(r: number): Proc<boolean> {
    const patterns = this.program.rules[r]!.patterns;
    if (patterns.length === 0) return true;
    if (patterns.length === 1) return this.conv.truthy(yield* this.eval(patterns[0]!));
    if (!this.rangeActive[r]) {
      if (!this.conv.truthy(yield* this.eval(patterns[0]!))) return false;
      this.rangeActive[r] = true;
    }
    if (this.conv.truthy(yield* this.eval(patterns[1]!))) this.rangeActive[r] = false;
    return true;
  }

  private *top(stmts: readonly Stmt[]): Proc<Flow> {
    try {
      return yield* this.execList(stmts);
    } catch (e) {
      if (e instanceof ExitSignal) return EXIT;
      throw e;
    }
  }

  // ---- main input ----

  private countRecord(): void {
    this.globals[NR] = this.conv.toNum(this.scalar(NR)) + 1;
    this.globals[FNR] = this.conv.toNum(this.scalar(FNR)) + 1;
    this.readCount++;
    this.fileReadCount++;
  }

  private *nextMainRecord(): Proc<string | null> {
    for (;;) {
      if (this.mainReader === undefined && !this.openNextMain()) return null;
      const rec = yield* this.mainReader!.read(this.recordMode());
      if (rec !== null) return rec;
      this.mainReader = undefined;
    }
  }

  /** Opens the next file operand, doing `var=value` operands on the way; stdin if there are none. */
  private openNextMain(): boolean {
    if (this.mainDone) return false;
    const argv = this.globals[ARGV] as AwkArray;
    while (this.argIndex < this.conv.toNum(this.scalar(ARGC))) {
      const key = String(this.argIndex++);
      if (!argv.map.has(key)) continue;
      const arg = this.conv.toStr(argv.map.get(key));
      if (arg === "") continue;
      const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(arg);
      if (assignment !== null) {
        this.assign(assignment[1]!, arg.slice(assignment[0].length));
        continue;
      }
      this.startFile(arg, this.open(arg));
      return true;
    }
    if (this.mainOpened) {
      this.mainDone = true;
      return false;
    }
    this.startFile("-", this.io.stdin());
    return true;
  }

  private startFile(name: string, reader: RecordReader): void {
    this.mainOpened = true;
    this.mainReader = reader;
    this.globals[FILENAME] = name;
    this.globals[FNR] = 0;
    this.fileReadCount = 0;
  }

  private open(name: string): RecordReader {
    if (name === "-" || name === "/dev/stdin") return this.io.stdin();
    try {
      if (this.io.isDirectory(name)) throw new AwkFatal("read error (Is a directory)");
      return new RecordReader(this.io.readText(name));
    } catch (e) {
      if (e instanceof FsError) throw new AwkFatal(this.options.busybox ? `can't open '${name}': ${e.description}` : `cannot open ${name} (${e.description})`);
      throw e;
    }
  }

  private recordMode(): RecordMode {
    return (this.rsMode ??= recordMode(this.conv.toStr(this.scalar(RS)), (src) => this.regex(src).scan));
  }

  // ---- records and fields ----

  private setRecord(text: string): void {
    this.record = text;
    this.recordValue = undefined;
    this.splitDone = false;
  }

  private ensureSplit(): void {
    if (this.splitDone) return;
    this.splitter ??= fieldSplitter(this.conv.toStr(this.scalar(FS)), (src) => this.regex(src).scan);
    const pieces = this.splitter(this.record);
    const fields: Scalar[] = [undefined];
    for (const p of pieces) fields.push(new InputStr(p));
    this.fields = fields;
    this.nf = pieces.length;
    this.globals[NF] = this.nf;
    this.splitDone = true;
  }

  private getField(i: number): Scalar {
    if (i === 0) return (this.recordValue ??= new InputStr(this.record));
    this.ensureSplit();
    // mawk's fields past NF are the null string: they compare as strings.
    return i <= this.nf ? this.fields[i] : "";
  }

  private setField(i: number, v: Scalar): void {
    if (i === 0) {
      this.setRecord(this.conv.toStr(v));
      return;
    }
    this.ensureSplit();
    for (let k = this.nf + 1; k < i; k++) this.fields[k] = "";
    if (i > this.nf) this.nf = i;
    this.fields[i] = v;
    this.rebuildRecord();
  }

  private setNF(v: Scalar): void {
    this.ensureSplit();
    const n = clampInt(this.conv.toNum(v));
    if (n < 0) throw new AwkRuntimeError(`NF set to negative value`);
    for (let k = this.nf + 1; k <= n; k++) this.fields[k] = "";
    this.fields.length = n + 1;
    this.nf = n;
    this.rebuildRecord();
  }

  private rebuildRecord(): void {
    let text = "";
    for (let k = 1; k <= this.nf; k++) text += (k > 1 ? this.ofs : "") + this.conv.toStr(this.fields[k]);
    this.record = text;
    this.recordValue = undefined;
    this.globals[NF] = this.nf;
  }

  private *fieldIndex(e: Expr): Proc<number> {
    let v = this.leaf(e);
    if (v === NOT_LEAF) v = yield* this.eval(e);
    const d = this.conv.toNum(v);
    if (!(d >= 0)) throw new AwkRuntimeError(`negative field index $${this.conv.sprintf("%.6g", [d], "sprintf")}`);
    return clampInt(d);
  }

  // ---- variables ----

  private readVar(ref: VarRef): Scalar {
    let v: Slot;
    if (ref.scope === "local") v = this.frame[ref.index];
    else {
      if (ref.index === NF) {
        this.ensureSplit();
        return this.nf;
      }
      v = this.globals[ref.index];
    }
    if (v instanceof AwkArray) throw new AwkRuntimeError(`can't use array ${ref.name} in scalar context`);
    return v;
  }

  private writeVar(ref: VarRef, v: Scalar): void {
    const slots = ref.scope === "local" ? this.frame : this.globals;
    if (slots[ref.index] instanceof AwkArray) throw new AwkRuntimeError(`can't assign to ${ref.name}; it's an array name.`);
    if (ref.scope === "global" && ref.index < SPECIALS) this.setGlobal(ref.index, v);
    else slots[ref.index] = v;
  }

  /** Assignment to a global, with the side effects the special variables have. */
  private setGlobal(slot: number, v: Scalar): void {
    if (slot === NF) {
      this.setNF(v);
      return;
    }
    this.globals[slot] = v;
    switch (slot) {
      case FS:
        // Fields are split when first used, so the new FS applies to a record not yet split (as in mawk).
        this.splitter = undefined;
        break;
      case RS:
        this.rsMode = undefined;
        break;
      case OFS:
        this.ofs = this.conv.toStr(v);
        break;
      case ORS:
        this.ors = this.conv.toStr(v);
        break;
      case SUBSEP:
        this.subsep = this.conv.toStr(v);
        break;
      case CONVFMT:
        this.conv.convfmt = this.conv.toStr(v);
        break;
      case OFMT:
        this.conv.ofmt = this.conv.toStr(v);
        break;
    }
  }

  /** The array a name refers to; an untouched variable becomes one. */
  private array(ref: VarRef): AwkArray {
    const slots = ref.scope === "local" ? this.frame : this.globals;
    const v = slots[ref.index];
    if (v instanceof AwkArray) return v;
    if (v !== undefined) throw new AwkRuntimeError(`can't use scalar ${ref.name} as array`);
    const a = new AwkArray();
    slots[ref.index] = a;
    return a;
  }

  private *key(subscripts: readonly Expr[]): Proc<string> {
    if (subscripts.length === 1) {
      const v = this.leaf(subscripts[0]!);
      return this.conv.toStr(v === NOT_LEAF ? yield* this.eval(subscripts[0]!) : v);
    }
    let key = "";
    for (let i = 0; i < subscripts.length; i++) key += (i > 0 ? this.subsep : "") + this.conv.toStr(yield* this.eval(subscripts[i]!));
    return key;
  }

  private *resolve(lv: LValue): Proc<Ref> {
    switch (lv.kind) {
      case "var":
        return lv;
      case "index":
        return { kind: "elem", array: this.array(lv.ref), key: yield* this.key(lv.subscripts) };
      case "field":
        return { kind: "field", index: yield* this.fieldIndex(lv.index) };
    }
  }

  private getRef(r: Ref): Scalar {
    switch (r.kind) {
      case "var":
        return this.readVar(r.ref);
      case "elem":
        return r.array.map.get(r.key);
      case "field":
        return this.getField(r.index);
    }
  }

  private setRef(r: Ref, v: Scalar): void {
    switch (r.kind) {
      case "var":
        this.writeVar(r.ref, v);
        break;
      case "elem":
        r.array.map.set(r.key, v);
        break;
      case "field":
        this.setField(r.index, v);
        break;
    }
  }

  // ---- regexes and arithmetic ----

  private regex(source: string): CompiledRegex {
    try {
      return this.regexes.get(source);
    } catch (e) {
      if (e instanceof AwkRegexError) throw new AwkRuntimeError(`regular expression compile failed (${e.message})\n${source}`);
      throw e;
    }
  }

  private arith(op: string, l: number, r: number): number {
    switch (op) {
      case "+":
        return l + r;
      case "-":
        return l - r;
      case "*":
        return l * r;
      case "/":
        // mawk divides as the FPU does (1/0 is inf); busybox refuses.
        if (r === 0 && this.options.busybox) throw new AwkRuntimeError("Division by zero");
        return l / r;
      case "%":
        if (r === 0 && this.options.busybox) throw new AwkRuntimeError("Division by zero");
        return l % r;
      default:
        // C's pow: 1 to any power, and -1 to ±inf, are 1.
        return l === 1 || (l === -1 && !Number.isFinite(r) && !Number.isNaN(r)) ? 1 : Math.pow(l, r);
    }
  }

  // ---- statements ----

  private *execList(stmts: readonly Stmt[]): Proc<Flow> {
    for (const s of stmts) {
      const flow = yield* this.exec(s);
      if (flow !== NORMAL) return flow;
    }
    return NORMAL;
  }

  private *exec(s: Stmt): Proc<Flow> {
    switch (s.kind) {
      case "expr":
        yield* this.eval(s.expr);
        return NORMAL;
      case "print": {
        let text: string;
        if (s.args.length === 0) text = this.record;
        else {
          text = "";
          for (let i = 0; i < s.args.length; i++) {
            let v = this.leaf(s.args[i]!);
            if (v === NOT_LEAF) v = yield* this.eval(s.args[i]!);
            text += (i > 0 ? this.ofs : "") + this.conv.output(v);
          }
        }
        yield* this.emit(s.redirect, text + this.ors);
        return NORMAL;
      }
      case "printf": {
        const values: Scalar[] = [];
        for (const a of s.args) values.push(yield* this.eval(a));
        yield* this.emit(s.redirect, this.conv.sprintf(this.conv.toStr(values[0]), values.slice(1), "printf"));
        return NORMAL;
      }
      case "if":
        if (this.conv.truthy(yield* this.eval(s.test))) return yield* this.exec(s.then);
        return s.otherwise === undefined ? NORMAL : yield* this.exec(s.otherwise);
      case "while":
        while (this.conv.truthy(yield* this.eval(s.test))) {
          const flow = yield* this.exec(s.body);
          if (flow === BREAK) break;
          if (flow !== NORMAL && flow !== CONTINUE) return flow;
        }
        return NORMAL;
      case "do":
        do {
          const flow = yield* this.exec(s.body);
          if (flow === BREAK) break;
          if (flow !== NORMAL && flow !== CONTINUE) return flow;
        } while (this.conv.truthy(yield* this.eval(s.test)));
        return NORMAL;
      case "for":
        if (s.init !== undefined) yield* this.exec(s.init);
        while (s.test === undefined || this.conv.truthy(yield* this.eval(s.test))) {
          const flow = yield* this.exec(s.body);
          if (flow === BREAK) break;
          if (flow !== NORMAL && flow !== CONTINUE) return flow;
          if (s.update !== undefined) yield* this.exec(s.update);
        }
        return NORMAL;
      case "forin": {
        // The keys are taken when the loop starts: the body may add and delete elements.
        for (const k of [...this.array(s.ref).map.keys()]) {
          this.writeVar(s.variable, k);
          const flow = yield* this.exec(s.body);
          if (flow === BREAK) break;
          if (flow !== NORMAL && flow !== CONTINUE) return flow;
        }
        return NORMAL;
      }
      case "block":
        return yield* this.execList(s.body);
      case "next":
        return NEXT;
      case "nextfile":
        return NEXTFILE;
      case "break":
        return BREAK;
      case "continue":
        return CONTINUE;
      case "exit":
        if (s.status !== undefined) this.exitCode = clampInt(this.conv.toNum(yield* this.eval(s.status))) & 0xff;
        return EXIT;
      case "return":
        this.returnValue = s.value === undefined ? undefined : yield* this.eval(s.value);
        return RETURN;
      case "delete": {
        const arr = this.array(s.ref);
        if (s.subscripts === undefined) arr.map.clear();
        else arr.map.delete(yield* this.key(s.subscripts));
        return NORMAL;
      }
    }
  }

  private *emit(redirect: { mode: ">" | ">>" | "|"; target: Expr } | undefined, text: string): Proc<void> {
    if (redirect === undefined) this.io.write(text);
    else this.io.output(this.conv.toStr(yield* this.eval(redirect.target)), redirect.mode).write(text);
  }

  // ---- expressions ----

  /**
   * Constants, variables and constant fields without a generator: most operands are one of
   * these, and a generator per operand is most of the cost of a simple program.
   */
  private leaf(e: Expr): Scalar | typeof NOT_LEAF {
    switch (e.kind) {
      case "num":
        return e.value;
      case "str":
        return e.value;
      case "var":
        return this.readVar(e.ref);
      case "field":
        return e.index.kind === "num" && e.index.value >= 0 ? this.getField(clampInt(e.index.value)) : NOT_LEAF;
      default:
        return NOT_LEAF;
    }
  }

  private *eval(e: Expr): Proc<Scalar> {
    switch (e.kind) {
      case "num":
        return e.value;
      case "str":
        return e.value;
      case "regex":
        return this.regex(e.source).test.test(this.record) ? 1 : 0;
      case "var":
        return this.readVar(e.ref);
      case "index": {
        const arr = this.array(e.ref);
        const key = yield* this.key(e.subscripts);
        const v = arr.map.get(key);
        // Referring to an element creates it.
        if (v === undefined && !arr.map.has(key)) arr.map.set(key, undefined);
        return v;
      }
      case "field":
        return this.getField(yield* this.fieldIndex(e.index));
      case "assign": {
        const ref = yield* this.resolve(e.target);
        let v = this.leaf(e.value);
        if (v === NOT_LEAF) v = yield* this.eval(e.value);
        if (e.op === "=") {
          this.setRef(ref, v);
          return v;
        }
        const result = this.arith(e.op[0]!, this.conv.toNum(this.getRef(ref)), this.conv.toNum(v));
        this.setRef(ref, result);
        return result;
      }
      case "incdec": {
        const ref = yield* this.resolve(e.target);
        const old = this.conv.toNum(this.getRef(ref));
        this.setRef(ref, old + e.delta);
        return e.prefix ? old + e.delta : old;
      }
      case "not":
        return this.conv.truthy(yield* this.eval(e.operand)) ? 0 : 1;
      case "neg":
        return -this.conv.toNum(yield* this.eval(e.operand));
      case "plus":
        return this.conv.toNum(yield* this.eval(e.operand));
      case "binary": {
        let l = this.leaf(e.left);
        if (l === NOT_LEAF) l = yield* this.eval(e.left);
        let r = this.leaf(e.right);
        if (r === NOT_LEAF) r = yield* this.eval(e.right);
        return this.arith(e.op, this.conv.toNum(l), this.conv.toNum(r));
      }
      case "concat": {
        let s = "";
        for (const p of e.parts) {
          let v = this.leaf(p);
          if (v === NOT_LEAF) v = yield* this.eval(p);
          s += this.conv.toStr(v);
        }
        return s;
      }
      case "compare": {
        let l = this.leaf(e.left);
        if (l === NOT_LEAF) l = yield* this.eval(e.left);
        let r = this.leaf(e.right);
        if (r === NOT_LEAF) r = yield* this.eval(e.right);
        const c = this.conv.compare(l, r);
        switch (e.op) {
          case "<":
            return c < 0 ? 1 : 0;
          case "<=":
            return c <= 0 ? 1 : 0;
          case "==":
            return c === 0 ? 1 : 0;
          case "!=":
            return c !== 0 ? 1 : 0;
          case ">":
            return c > 0 ? 1 : 0;
          case ">=":
            return c >= 0 ? 1 : 0;
        }
        return 0;
      }
      case "match": {
        const s = this.conv.toStr(yield* this.eval(e.subject));
        const re = e.regex.kind === "regex" ? this.regex(e.regex.source) : this.regex(this.conv.toStr(yield* this.eval(e.regex)));
        return re.test.test(s) !== e.negate ? 1 : 0;
      }
      case "and":
        return this.conv.truthy(yield* this.eval(e.left)) && this.conv.truthy(yield* this.eval(e.right)) ? 1 : 0;
      case "or":
        return this.conv.truthy(yield* this.eval(e.left)) || this.conv.truthy(yield* this.eval(e.right)) ? 1 : 0;
      case "cond":
        return yield* this.eval(this.conv.truthy(yield* this.eval(e.test)) ? e.then : e.otherwise);
      case "in": {
        const key = yield* this.key(e.subscripts);
        return this.array(e.ref).map.has(key) ? 1 : 0;
      }
      case "call":
        return yield* this.call(e.name, e.args);
      case "builtin":
        return yield* this.builtin(e.name, e.args);
      case "getline":
        return yield* this.getline(e.from, e.target, e.source);
    }
  }

  private *call(name: string, args: readonly Expr[]): Proc<Scalar> {
    const fn = this.program.functions.get(name)!;
    const frame: Slot[] = new Array<Slot>(fn.params.length).fill(undefined);
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      const wantsArray = fn.arrayParams[i] === true;
      if (a.kind === "var" && !isNF(a.ref)) {
        // Arrays go by reference; an untouched variable passed where an array is wanted becomes one.
        const slots = a.ref.scope === "local" ? this.frame : this.globals;
        const cur = slots[a.ref.index];
        if (cur instanceof AwkArray || !wantsArray) frame[i] = cur;
        else if (cur === undefined) frame[i] = slots[a.ref.index] = new AwkArray();
        else throw new AwkRuntimeError(`type error in arg(${i + 1}) in call to ${name}`);
        continue;
      }
      if (wantsArray) throw new AwkRuntimeError(`type error in arg(${i + 1}) in call to ${name}`);
      frame[i] = yield* this.eval(a);
    }
    const saved = this.frame;
    this.frame = frame;
    this.depth++;
    let flow: Flow;
    try {
      const body = this.execList(fn.body);
      flow = this.depth % CALLS_PER_STACK === 0 ? yield* this.onFreshStack(body) : yield* body;
    } finally {
      this.frame = saved;
      this.depth--;
    }
    if (flow === EXIT) throw new ExitSignal();
    const result = flow === RETURN ? this.returnValue : undefined;
    this.returnValue = undefined;
    return result;
  }

  /**
   * Runs a generator as a task of its own. Each generator nests JavaScript stack frames, so deep
   * recursion would overflow; a task starts from the kernel's event loop, on a fresh stack.
   */
  private *onFreshStack<T>(body: Proc<T>): Proc<T> {
    const task = new Task(this.ctx.sim, body, "awk-call");
    try {
      const outcome = (yield task) as TaskOutcome<T>;
      if (outcome.ok) return outcome.value;
      throw outcome.error;
    } finally {
      // Only does something if this process was killed while the call ran.
      task.kill();
    }
  }

  private *getline(from: "main" | "file" | "command", target: LValue | undefined, source: Expr | undefined): Proc<Scalar> {
    const ref = target === undefined ? undefined : yield* this.resolve(target);
    let text: string | null;
    if (from === "main") {
      text = yield* this.nextMainRecord();
      if (text === null) return 0;
      this.countRecord();
    } else {
      const name = this.conv.toStr(yield* this.eval(source!));
      const reader = from === "file" ? this.io.fileInput(name) : this.io.commandInput(name);
      if (reader === null) return -1;
      text = yield* reader.read(this.recordMode());
      if (text === null) return 0;
    }
    if (ref === undefined) this.setRecord(text);
    else this.setRef(ref, text === "" ? "" : new InputStr(text));
    return 1;
  }

  // ---- built-in functions ----

  private *num(e: Expr): Proc<number> {
    const v = this.leaf(e);
    return this.conv.toNum(v === NOT_LEAF ? yield* this.eval(e) : v);
  }

  private *str(e: Expr): Proc<string> {
    const v = this.leaf(e);
    return this.conv.toStr(v === NOT_LEAF ? yield* this.eval(e) : v);
  }

  private *builtin(name: BuiltinName, args: readonly Expr[]): Proc<Scalar> {
    const [a0, a1, a2] = args as readonly [Expr, Expr, Expr | undefined];
    switch (name) {
      case "length": {
        if (args.length === 0) return this.record.length;
        if (a0.kind === "var" && !isNF(a0.ref)) {
          const v = (a0.ref.scope === "local" ? this.frame : this.globals)[a0.ref.index];
          return v instanceof AwkArray ? v.map.size : this.conv.toStr(v).length;
        }
        return (yield* this.str(a0)).length;
      }
      case "substr": {
        const s = yield* this.str(a0);
        const start = yield* this.num(a1);
        return substr(s, start, a2 === undefined ? undefined : yield* this.num(a2));
      }
      case "index": {
        const s = yield* this.str(a0);
        const t = yield* this.str(a1);
        return t === "" ? 1 : s.indexOf(t) + 1;
      }
      case "split":
        return yield* this.split(a0, a1 as Extract<Expr, { kind: "var" }>, a2);
      case "sub":
      case "gsub": {
        const re = yield* this.regexArg(a0);
        const repl = replacement(yield* this.str(a1));
        const ref = yield* this.resolve((a2 as LValue | undefined) ?? RECORD);
        const r = substitute(re.scan, repl, this.conv.toStr(this.getRef(ref)), name === "gsub");
        if (r.count > 0) this.setRef(ref, r.text);
        return r.count;
      }
      case "match": {
        const s = yield* this.str(a0);
        const m = (yield* this.regexArg(a1)).test.exec(s);
        const start = m === null ? 0 : m.index + 1;
        this.globals[RSTART] = start;
        this.globals[RLENGTH] = m === null ? -1 : m[0].length;
        return start;
      }
      case "sprintf": {
        const values: Scalar[] = [];
        for (const a of args) values.push(yield* this.eval(a));
        return this.conv.sprintf(this.conv.toStr(values[0]), values.slice(1), "sprintf");
      }
      case "sin":
        return Math.sin(yield* this.num(a0));
      case "cos":
        return Math.cos(yield* this.num(a0));
      case "atan2": {
        const y = yield* this.num(a0);
        return Math.atan2(y, yield* this.num(a1));
      }
      case "exp":
        return Math.exp(yield* this.num(a0));
      case "log":
        return Math.log(yield* this.num(a0));
      case "sqrt":
        return Math.sqrt(yield* this.num(a0));
      case "int":
        return Math.trunc(yield* this.num(a0));
      case "rand":
        return this.rng.next() / 2147483647;
      case "srand": {
        const previous = this.seed;
        this.seed = args.length === 0 ? this.clockSeed() : yield* this.eval(a0);
        this.rng.seed(clampInt(this.conv.toNum(this.seed)));
        return previous;
      }
      case "tolower":
        return lower(yield* this.str(a0));
      case "toupper":
        return upper(yield* this.str(a0));
      case "system": {
        const command = yield* this.str(a0);
        this.io.flushAll();
        try {
          return yield* this.ctx.run(["/bin/sh", "-c", command]);
        } catch (e) {
          if (e instanceof SpawnError) return 127;
          throw e;
        }
      }
      case "close":
        return yield* this.io.close(yield* this.str(a0));
      case "fflush": {
        if (args.length === 0) {
          this.io.flushStdout();
          return 0;
        }
        const target = yield* this.str(a0);
        if (target === "") {
          this.io.flushAll();
          return 0;
        }
        return this.io.flush(target) ? 0 : -1;
      }
      case "systime":
        return Math.floor(this.ctx.epochMs() / 1000);
      case "mktime":
        return mktime(yield* this.str(a0));
      case "strftime": {
        const fmt = args.length > 0 ? yield* this.str(a0) : "%c";
        const when = args.length > 1 ? yield* this.num(a1) : Math.floor(this.ctx.epochMs() / 1000);
        return strftime(fmt, when);
      }
    }
  }

  /** A regex argument: a literal is used as is, anything else is converted to a string and compiled. */
  private *regexArg(e: Expr): Proc<CompiledRegex> {
    return e.kind === "regex" ? this.regex(e.source) : this.regex(this.conv.toStr(yield* this.eval(e)));
  }

  private *split(source: Expr, target: Extract<Expr, { kind: "var" }>, sep: Expr | undefined): Proc<number> {
    const s = yield* this.str(source);
    const arr = this.array(target.ref);
    const compile = (src: string) => this.regex(src).scan;
    let splitter: Splitter;
    if (sep === undefined) splitter = fieldSplitter(this.conv.toStr(this.scalar(FS)), compile);
    // A regex literal is always a regex (split(s, a, / /) splits on single spaces); // is "".
    else if (sep.kind === "regex") splitter = sep.source === "" ? splitChars : regexSplitter(compile(sep.source));
    else splitter = fieldSplitter(yield* this.str(sep), compile);
    const pieces = splitter(s);
    arr.map.clear();
    pieces.forEach((p, i) => arr.map.set(String(i + 1), new InputStr(p)));
    return pieces.length;
  }
}

/** NF is the one special variable whose value is computed when read (splitting the record). */
function isNF(ref: VarRef): boolean {
  return ref.scope === "global" && ref.index === NF;
}
