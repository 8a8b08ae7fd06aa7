import { FsError } from "@ksim/sim";
import { permits, resolvePath, type Credentials, type FileStat, type FileSystem } from "../runtime/fs.js";
import type { FormatStyle } from "./text-format.js";

/**
 * `test` / `[`: POSIX's rules by argument count, then a recursive-descent parser for longer
 * expressions with `!`, `-a`, `-o` and parentheses. dash's test has no `==`.
 */

export interface TestEnvironment {
  readonly fs: FileSystem;
  readonly cwd: string;
  readonly cred: Credentials;
  /** bash's `-v name`: whether a variable (or `name[subscript]`, an element) is set. */
  readonly isSet?: (name: string) => boolean;
}

export interface TestResult {
  /** 0 true, 1 false, 2 error. */
  readonly status: number;
  /** The diagnostic without the program name, e.g. `a: integer expression expected`. */
  readonly error?: string;
}

const UNARY = new Set(["-e", "-f", "-d", "-r", "-w", "-x", "-s", "-z", "-n", "-L", "-h", "-b", "-c", "-p", "-S", "-g", "-u", "-k", "-t", "-O", "-G", "-a"]);
const BINARY = new Set(["=", "==", "!=", "<", ">", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "-nt", "-ot", "-ef"]);

class TestError {
  constructor(readonly message: string) {}
}

/** Evaluates `args` (without the closing `]`; `bracket` checks and strips it). */
export function evaluateTest(args: readonly string[], env: TestEnvironment, style: FormatStyle, bracket = false): TestResult {
  if (bracket) {
    if (args[args.length - 1] !== "]") {
      return { status: 2, error: style === "bash" ? "missing `]'" : style === "coreutils" ? "missing ‘]’" : "missing ]" };
    }
    args = args.slice(0, -1);
  }
  try {
    return { status: new TestParser(args, env, style).run() ? 0 : 1 };
  } catch (e) {
    if (e instanceof TestError) return { status: 2, error: e.message };
    throw e;
  }
}

class TestParser {
  private i = 0;

  constructor(
    private readonly args: readonly string[],
    private readonly env: TestEnvironment,
    private readonly style: FormatStyle,
  ) {}

  private isUnary(op: string | undefined): boolean {
    return op !== undefined && (UNARY.has(op) || (op === "-v" && this.env.isSet !== undefined));
  }

  private isBinary(op: string | undefined): boolean {
    return op !== undefined && BINARY.has(op) && !(op === "==" && this.style === "dash");
  }

  run(): boolean {
    const a = this.args;
    switch (a.length) {
      case 0:
        return false;
      case 1:
        return a[0] !== "";
      case 2:
        if (a[0] === "!") return a[1] === "";
        if (this.isUnary(a[0]) && a[0] !== "-a") return this.unary(a[0]!, a[1]!);
        throw this.syntax(a[0]!, "unary");
      case 3:
        if (this.isBinary(a[1])) return this.binary(a[0]!, a[1]!, a[2]!);
        if (a[0] === "!") return !new TestParser(a.slice(1), this.env, this.style).run();
        if (a[0] === "(" && a[2] === ")") return a[1] !== "";
        if (a[1] === "-a" || a[1] === "-o") break;
        // dash reads `-n a -o` with its parser: a test, then -o with nothing after it.
        if (this.style === "dash" && (a[2] === "-a" || a[2] === "-o")) break;
        throw this.syntax(this.style === "dash" ? a[0]! : a[1]!, "binary");
      case 4:
        if (a[0] === "!") return !new TestParser(a.slice(1), this.env, this.style).run();
        if (a[0] === "(" && a[3] === ")") return new TestParser(a.slice(1, 3), this.env, this.style).run();
        break;
    }
    const v = this.or();
    if (this.i < a.length) throw this.syntax(a[this.i]!, "binary");
    return v;
  }

  private or(): boolean {
    let v = this.and();
    while (this.args[this.i] === "-o") {
      this.i++;
      const r = this.and();
      v = v || r;
    }
    return v;
  }

  private and(): boolean {
    let v = this.not();
    while (this.args[this.i] === "-a") {
      this.i++;
      const r = this.not();
      v = v && r;
    }
    return v;
  }

  private not(): boolean {
    if (this.args[this.i] === "!") {
      this.i++;
      return !this.not();
    }
    return this.primary();
  }

  private primary(): boolean {
    const a = this.args;
    const t = a[this.i];
    // dash's primary takes a missing operand (`[ a = a -a ]`) as false; the others say so.
    if (t === undefined) {
      if (this.style === "dash") return false;
      throw new TestError("argument expected");
    }
    if (t === "(") {
      this.i++;
      const v = this.or();
      if (a[this.i] !== ")") throw new TestError(this.style === "bash" ? "`)' expected" : "closing paren expected");
      this.i++;
      return v;
    }
    if (this.isBinary(a[this.i + 1]) && a[this.i + 2] !== undefined) {
      this.i += 3;
      return this.binary(t, a[this.i - 2]!, a[this.i - 1]!);
    }
    if (this.isUnary(t) && t !== "-a" && a[this.i + 1] !== undefined) {
      this.i += 2;
      return this.unary(t, a[this.i - 1]!);
    }
    this.i++;
    return t !== "";
  }

  private syntax(token: string, kind: "unary" | "binary"): TestError {
    switch (this.style) {
      case "dash":
        return new TestError(`${token}: unexpected operator`);
      case "ash":
        return new TestError(`${token}: unknown operand`);
      case "coreutils":
        return new TestError(`‘${token}’: ${kind} operator expected`);
      case "bash":
        return new TestError(`${token}: ${kind} operator expected`);
    }
  }

  private integer(s: string): number {
    if (/^\s*[+-]?\d+\s*$/.test(s)) return Number(s.trim());
    switch (this.style) {
      case "dash":
        throw new TestError(`Illegal number: ${s}`);
      case "ash":
        throw new TestError(`${s}: bad number`);
      case "coreutils":
        throw new TestError(`invalid integer ‘${s}’`);
      case "bash":
        throw new TestError(`${s}: integer expression expected`);
    }
  }

  private stat(path: string, follow = true): FileStat | undefined {
    if (path === "") return undefined;
    try {
      const p = resolvePath(this.env.cwd, path);
      return follow ? this.env.fs.stat(p) : this.env.fs.lstat(p);
    } catch (e) {
      if (e instanceof FsError) return undefined;
      throw e;
    }
  }

  private unary(op: string, arg: string): boolean {
    switch (op) {
      case "-z":
        return arg === "";
      case "-n":
        return arg !== "";
      case "-t":
        return false;
      case "-v":
        return this.env.isSet?.(arg) ?? false;
      case "-L":
      case "-h":
        return this.stat(arg, false)?.type === "symlink";
    }
    const st = this.stat(arg);
    if (st === undefined) return false;
    switch (op) {
      case "-e":
        return true;
      case "-f":
        return st.type === "file";
      case "-d":
        return st.type === "dir";
      case "-c":
        return st.type === "chardev";
      case "-s":
        return st.size > 0;
      case "-r":
        return permits(this.env.cred, st, 4);
      case "-w":
        return permits(this.env.cred, st, 2);
      case "-x":
        return permits(this.env.cred, st, 1);
      case "-g":
        return (st.mode & 0o2000) !== 0;
      case "-u":
        return (st.mode & 0o4000) !== 0;
      case "-k":
        return (st.mode & 0o1000) !== 0;
      case "-O":
        return st.uid === this.env.cred.uid;
      case "-G":
        return st.gid === this.env.cred.gid;
      default:
        return false;
    }
  }

  private binary(left: string, op: string, right: string): boolean {
    switch (op) {
      case "=":
      case "==":
        return left === right;
      case "!=":
        return left !== right;
      case "<":
        return left < right;
      case ">":
        return left > right;
      case "-eq":
        return this.integer(left) === this.integer(right);
      case "-ne":
        return this.integer(left) !== this.integer(right);
      case "-lt":
        return this.integer(left) < this.integer(right);
      case "-le":
        return this.integer(left) <= this.integer(right);
      case "-gt":
        return this.integer(left) > this.integer(right);
      case "-ge":
        return this.integer(left) >= this.integer(right);
      case "-nt":
      case "-ot": {
        const a = this.stat(left);
        const b = this.stat(right);
        if (op === "-nt") return a !== undefined && (b === undefined || a.mtimeMs > b.mtimeMs);
        return b !== undefined && (a === undefined || a.mtimeMs < b.mtimeMs);
      }
      default: {
        const a = this.stat(left);
        const b = this.stat(right);
        return a !== undefined && b !== undefined && resolvePath(this.env.cwd, left) === resolvePath(this.env.cwd, right);
      }
    }
  }
}
