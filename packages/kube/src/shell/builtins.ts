import { FsError, race, sleep, wait, type Proc } from "@ksim/sim";
import { resolvePath } from "../runtime/fs.js";
import { SIGNALS, parseSignal, type Signal } from "../runtime/process.js";
import type { Flavor } from "./messages.js";
import { alias, dashQuote, unalias } from "./alias.js";
import { changeDirectory } from "./chdir.js";
import { arrayText, declaration } from "./declare.js";
import { dirs, popd, pushd } from "./dirstack.js";
import { functionText } from "./print-command.js";
import { shopt } from "./shopt.js";
import { SET_OPTIONS, setOptionByLetter, setOptionByName } from "./set-options.js";
import { signalName, signalNumber, signalTable } from "./signal-list.js";
import { BASH_PSEUDO_SIGNALS, BreakSignal, ContinueSignal, ExitSignal, ReturnSignal, ShellAbort, type BackgroundJob, type Shell } from "./shell.js";
import { echo, printf, reuseQuote } from "./text-format.js";
import { evaluateTest } from "./test-expr.js";
import { ulimit, umask } from "./resource-builtins.js";
import { builtinOptions } from "./builtin-options.js";
import { hash } from "./hash-builtin.js";
import { compgen } from "./compgen.js";

/**
 * The builtins, each in the words of the shells that have it. Errors of POSIX special builtins
 * (`export`, `shift`, `.`, ...) end a non-interactive dash or ash with status 2.
 */

export interface Builtin {
  readonly flavors: readonly Flavor[];
  /** Lazy, as a generator is: nothing happens until the shell starts it (after the redirections). */
  run(sh: Shell, args: readonly string[]): Proc<number>;
}

const ALL: readonly Flavor[] = ["dash", "bash", "ash"];
const NOT_DASH: readonly Flavor[] = ["bash", "ash"];
const BASH: readonly Flavor[] = ["bash"];

export const SPECIAL_BUILTINS = new Set([":", ".", "break", "continue", "eval", "exec", "exit", "export", "readonly", "return", "set", "shift", "times", "trap", "unset"]);

const KEYWORDS = new Set(["if", "then", "else", "elif", "fi", "do", "done", "case", "esac", "while", "until", "for", "{", "}", "!", "in"]);
const BASH_KEYWORDS = new Set(["[[", "]]", "function", "select", "time", "coproc"]);

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A special builtin failed: dash and ash leave a non-interactive shell, bash returns 1. */
function specialFailure(sh: Shell): number {
  if (sh.flavor === "bash") return 1;
  throw new ShellAbort(2, true);
}

function invalidName(sh: Shell, builtin: string, arg: string): number {
  if (sh.flavor === "bash") {
    sh.builtinError(builtin, `\`${arg}': not a valid identifier`);
    return 1;
  }
  sh.builtinError(builtin, `${arg.split("=")[0]}: bad variable name`);
  return specialFailure(sh);
}

function* noop(): Proc<number> {
  return 0;
}

function* falseBuiltin(): Proc<number> {
  return 1;
}

function* echoBuiltin(sh: Shell, args: readonly string[]): Proc<number> {
  return sh.builtinOut("echo", echo(args, sh.flavor, sh.flavor === "dash" || sh.shopts.xpg_echo === true)) ? 0 : 1;
}

function* printfBuiltin(sh: Shell, args: readonly string[]): Proc<number> {
  let rest = args;
  let target: string | undefined;
  if (sh.flavor === "bash" && rest[0] === "-v") {
    target = rest[1];
    rest = rest.slice(2);
  }
  if (rest[0] === "--") rest = rest.slice(1);
  else if (sh.flavor === "dash" && rest[0] !== undefined && /^-./.test(rest[0])) {
    // dash's printf takes no options.
    sh.builtinError("printf", `Illegal option ${rest[0].slice(0, 2)}`);
    return 2;
  }
  if (rest.length === 0) {
    if (sh.flavor === "bash") sh.err("printf: usage: printf [-v var] format [arguments]\n");
    else if (sh.flavor === "dash") sh.builtinError("printf", "usage: printf format [arg ...]");
    else sh.err("Usage: printf FORMAT [ARGUMENT]...\n");
    return 2;
  }
  const r = printf(rest[0]!, rest.slice(1), sh.flavor);
  for (const e of r.errors) {
    if (sh.flavor === "ash") sh.err(`${sh.arg0}: ${e}\n`);
    else sh.builtinError("printf", e);
  }
  if (target !== undefined) sh.setVar(target, r.output);
  else if (!sh.builtinOut("printf", r.output)) return 1;
  return r.status;
}

function* cd(sh: Shell, args: readonly string[]): Proc<number> {
  const operands = args.filter((a, i) => !(i === 0 && (a === "-L" || a === "-P")));
  let dir = operands[0];
  let print = false;
  if (dir === undefined) {
    dir = sh.getVar("HOME");
    if (dir === undefined) {
      if (sh.flavor === "bash") sh.builtinError("cd", "HOME not set");
      return 1;
    }
  } else if (dir === "-") {
    dir = sh.getVar("OLDPWD");
    print = true;
    if (dir === undefined) {
      if (sh.flavor === "bash") sh.builtinError("cd", "OLDPWD not set");
      else sh.builtinError("cd", "can't cd to -");
      return sh.flavor === "bash" ? 1 : 2;
    }
  }
  const status = changeDirectory(sh, dir, "cd");
  if (status !== 0) return status;
  if (print) sh.out(sh.cwd + "\n");
  return 0;
}

function* pwd(sh: Shell): Proc<number> {
  sh.out(sh.cwd + "\n");
  return 0;
}

/** dash's and ash's `export -p` and `readonly -p` (bash's are declare's). */
function printVariables(sh: Shell, keyword: "export" | "readonly"): void {
  for (const name of [...sh.vars.keys()].sort()) {
    const v = sh.vars.get(name)!;
    if (!(keyword === "export" ? v.exported : v.readonly)) continue;
    sh.out(typeof v.value === "string" ? `${keyword} ${name}='${v.value.replace(/'/g, "'\\''")}'\n` : `${keyword} ${name}\n`);
  }
}

function exportOrReadonly(keyword: "export" | "readonly") {
  const bash = declaration(keyword);
  return function* (sh: Shell, args: readonly string[]): Proc<number> {
    if (sh.flavor === "bash") return yield* bash(sh, args);
    const operands = args.filter((a) => a !== "-p" && a !== "--");
    if (operands.length === 0) {
      printVariables(sh, keyword);
      return 0;
    }
    let status = 0;
    for (const a of operands) {
      const eq = a.indexOf("=");
      const name = eq < 0 ? a : a.slice(0, eq);
      if (!NAME.test(name)) {
        status = invalidName(sh, keyword, a);
        continue;
      }
      if (eq >= 0) sh.setVar(name, a.slice(eq + 1));
      // A name not set stays unset, with the attribute.
      const v = sh.vars.get(name) ?? { value: undefined, exported: false, readonly: false };
      sh.vars.set(name, keyword === "export" ? { ...v, exported: true } : { ...v, readonly: true });
    }
    return status;
  };
}

function* unset(sh: Shell, args: readonly string[]): Proc<number> {
  let functions = false;
  let reference = false;
  let status = 0;
  for (const a of args) {
    if (a === "-f") {
      functions = true;
      continue;
    }
    if (a === "-v") continue;
    if (a === "-n" && sh.flavor === "bash") {
      reference = true;
      continue;
    }
    if (functions) {
      sh.functions.delete(a);
      continue;
    }
    if (!NAME.test(a) && !(sh.flavor === "bash" && /^[A-Za-z_][A-Za-z0-9_]*\[.*\]$/s.test(a))) {
      status = invalidName(sh, "unset", a);
      continue;
    }
    if (!sh.unsetVar(a, reference)) {
      if (sh.flavor === "bash") {
        sh.builtinError("unset", `${a}: cannot unset: readonly variable`);
        status = 1;
      } else {
        sh.builtinError("unset", `${a}: is read only`);
        return specialFailure(sh);
      }
    }
  }
  return status;
}

const bashLocal = declaration("local");

/** local: bash's is declare's; dash's and ash's keep the value the name had. */
function* local(sh: Shell, args: readonly string[]): Proc<number> {
  if (sh.flavor === "bash") return yield* bashLocal(sh, args);
  if (sh.functionDepth === 0) {
    sh.builtinError("local", "not in a function");
    return specialFailure(sh);
  }
  let status = 0;
  for (const a of args) {
    const eq = a.indexOf("=");
    const name = eq < 0 ? a : a.slice(0, eq);
    if (!NAME.test(name)) {
      status = invalidName(sh, "local", a);
      continue;
    }
    sh.makeLocal(name);
    if (eq >= 0) sh.setVar(name, a.slice(eq + 1));
  }
  return status;
}

function* read(sh: Shell, args: readonly string[]): Proc<number> {
  let raw = false;
  let prompt: string | undefined;
  let timeoutSec: number | undefined;
  let delimiter = "\n";
  let arrayName: string | undefined;
  let maxChars: number | undefined;
  const names: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (names.length === 0 && /^-[rsptdaneu]+/.test(a)) {
      // Letters combine as getopt combines them (`-ra NAME`); one that takes a value takes the
      // rest of the word, or the next word.
      for (let k = 1; k < a.length; k++) {
        const letter = a[k]!;
        if (letter === "r") raw = true;
        else if (letter === "s" || letter === "e") continue;
        else {
          const value = k + 1 < a.length ? a.slice(k + 1) : args[++i];
          if (letter === "p") prompt = value;
          else if (letter === "t") timeoutSec = Number(value);
          else if (letter === "d") delimiter = value?.slice(0, 1) || "\0";
          else if (letter === "a") arrayName = value;
          else if (letter === "n") maxChars = Number(value);
          break;
        }
      }
      continue;
    }
    names.push(a);
  }
  if (names.length === 0 && arrayName === undefined) {
    if (sh.flavor === "dash") {
      sh.builtinError("read", "arg count");
      return 2;
    }
    names.push("REPLY");
  }
  // The prompt is for a person: only when reading from a terminal.
  if (prompt !== undefined && sh.readsTerminal()) sh.err(prompt);
  const reader = sh.input(0);
  let text = "";
  let terminated = false;
  const readLine = function* (): Proc<boolean> {
    for (;;) {
      const r = yield* reader.readLine(delimiter, maxChars === undefined ? undefined : maxChars - text.length);
      if (r === null) return false;
      terminated = r.terminated;
      if (!raw && r.line.endsWith("\\") && r.terminated) {
        text += r.line.slice(0, -1);
        continue;
      }
      text += r.line;
      return true;
    }
  };
  let got: boolean;
  if (timeoutSec !== undefined) {
    const outcome = yield* wait(race<boolean | void>([runNow(sh, readLine()), sleep(sh.ctx.sim, timeoutSec * 1000)]));
    if (outcome.index === 1) return 142;
    got = outcome.value as boolean;
  } else {
    got = yield* readLine();
  }
  if (!raw) text = text.replace(/\\(.)/g, "$1");
  const ifs = sh.ifs();
  if (arrayName !== undefined) {
    sh.setVar(arrayName, splitForRead(text, ifs, Number.MAX_SAFE_INTEGER));
  } else {
    const fields = splitForRead(text, ifs, names.length);
    names.forEach((n, i) => sh.setVar(n, fields[i] ?? ""));
  }
  return got && terminated ? 0 : 1;
}

/** Runs a read step as its own job so it can race a timeout. */
function runNow(sh: Shell, body: Proc<boolean>) {
  const job = sh.startJob(function* (): Proc<number> {
    return (yield* body) ? 1 : 0;
  });
  return {
    subscribe(resume: (v: boolean) => void) {
      return job.done.subscribe((s) => resume(s === 1));
    },
  };
}

/** `read`'s splitting: IFS whitespace trimmed, the last name takes the rest of the line. */
function splitForRead(text: string, ifs: string, count: number): string[] {
  const isWs = (c: string) => (c === " " || c === "\t" || c === "\n") && ifs.includes(c);
  const fields: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n && isWs(text[i]!)) i++;
  while (i < n) {
    if (fields.length === count - 1) {
      let rest = text.slice(i);
      let end = rest.length;
      while (end > 0 && isWs(rest[end - 1]!)) end--;
      rest = rest.slice(0, end);
      fields.push(rest);
      return fields;
    }
    let j = i;
    while (j < n && !ifs.includes(text[j]!)) j++;
    fields.push(text.slice(i, j));
    i = j;
    while (i < n && isWs(text[i]!)) i++;
    if (i < n && ifs.includes(text[i]!) && !isWs(text[i]!)) {
      i++;
      while (i < n && isWs(text[i]!)) i++;
    }
  }
  return fields;
}

function* shift(sh: Shell, args: readonly string[]): Proc<number> {
  const n = args[0] === undefined ? 1 : Number(args[0]);
  if (!Number.isInteger(n) || n < 0) {
    sh.builtinError("shift", sh.flavor === "bash" ? `${args[0]}: numeric argument required` : `Illegal number: ${args[0]}`);
    return sh.flavor === "bash" ? 1 : specialFailure(sh);
  }
  if (n > sh.positional.length) {
    if (sh.flavor === "dash") {
      sh.builtinError("shift", "can't shift that many");
      return specialFailure(sh);
    }
    return 1;
  }
  sh.positional = sh.positional.slice(n);
  return 0;
}

function* exit(sh: Shell, args: readonly string[]): Proc<number> {
  let status = sh.lastStatus;
  if (args[0] !== undefined) {
    // dash takes only a number without a sign.
    if (!(sh.flavor === "dash" ? /^\d+$/ : /^\s*[+-]?\d+\s*$/).test(args[0])) {
      if (sh.flavor === "bash") sh.builtinError("exit", `${args[0]}: numeric argument required`);
      else sh.builtinError("exit", `Illegal number: ${args[0]}`);
      throw new ExitSignal(2);
    }
    status = Number(args[0]) & 255;
  }
  throw new ExitSignal(status);
}

function* returnBuiltin(sh: Shell, args: readonly string[]): Proc<number> {
  const status = args[0] === undefined ? sh.lastStatus : Number(args[0]) & 255;
  if (sh.functionDepth === 0 && sh.sourceDepth === 0) {
    if (sh.flavor === "bash") {
      sh.builtinError("return", "can only `return' from a function or sourced script");
      return 2;
    }
    throw new ExitSignal(status);
  }
  throw new ReturnSignal(status);
}

function loopControl(kind: "break" | "continue") {
  return function* (sh: Shell, args: readonly string[]): Proc<number> {
    const n = args[0] === undefined ? 1 : Number(args[0]);
    if (!Number.isInteger(n) || n < 1) {
      sh.builtinError(kind, sh.flavor === "bash" ? `${args[0]}: loop count out of range` : `Illegal number: ${args[0]}`);
      return 1;
    }
    if (sh.loopDepth === 0) {
      if (sh.flavor === "bash") sh.builtinError(kind, "only meaningful in a `for', `while', or `until' loop");
      return 0;
    }
    throw kind === "break" ? new BreakSignal(Math.min(n, sh.loopDepth)) : new ContinueSignal(Math.min(n, sh.loopDepth));
  };
}

function* evalBuiltin(sh: Shell, args: readonly string[]): Proc<number> {
  return yield* sh.asCommand("eval", sh.evalString(args.join(" "), sh.line, "eval"));
}

function* exec(sh: Shell, args: readonly string[]): Proc<number> {
  if (args.length === 0) {
    // The redirections of `exec >file` stay: a new table object tells withRedirects not to restore.
    sh.fds = new Map(sh.fds);
    return 0;
  }
  return yield* sh.execReplace(args);
}

function* source(sh: Shell, args: readonly string[], name: string): Proc<number> {
  const file = args[0];
  if (file === undefined) {
    if (sh.flavor === "bash") sh.err(`${sh.messages.prefix(sh.errorName, sh.line)}${name}: filename argument required\n${name}: usage: ${name} filename [arguments]\n`);
    return 2;
  }
  // The name bash's BASH_SOURCE and errors give it: as given, or as found on PATH.
  let found: string | undefined;
  if (file.includes("/")) found = file;
  else if (sh.flavor !== "bash" || sh.shopts.sourcepath) {
    for (const dir of (sh.getVar("PATH") ?? "").split(":")) {
      const p = resolvePath(sh.cwd, `${dir || "."}/${file}`);
      if (sh.ctx.fs.exists(p) && sh.ctx.fs.stat(p).type === "file") {
        found = `${dir || "."}/${file}`;
        break;
      }
    }
  }
  if (found === undefined && sh.flavor !== "dash") found = file;
  let text: string;
  try {
    if (found === undefined) throw new FsError("ENOENT", file);
    text = sh.ctx.fs.readText(resolvePath(sh.cwd, found));
  } catch (e) {
    if (!(e instanceof FsError)) throw e;
    if (sh.flavor === "bash") {
      sh.error(`${file}: ${e.description}`);
      return 1;
    }
    if (sh.flavor === "dash") sh.builtinError(name, `cannot open ${file}: ${e.code === "ENOENT" ? "No such file" : e.description}`);
    else sh.builtinError(name, `can't open '${file}': ${e.description}`);
    return specialFailure(sh);
  }
  return yield* sh.sourceText(found, text, args.slice(1));
}

/** What a name is: keyword, function, builtin, or a file on PATH. */
function classify(sh: Shell, name: string): Kind | undefined {
  if (KEYWORDS.has(name) || (sh.flavor === "bash" && BASH_KEYWORDS.has(name))) return { kind: "keyword" };
  if (sh.functions.has(name)) return { kind: "function" };
  if (BUILTINS.has(name) && sh.hasBuiltin(name)) return { kind: SPECIAL_BUILTINS.has(name) ? "special" : "builtin" };
  const hashed = name.includes("/") ? undefined : sh.commandHash.path(name);
  if (hashed !== undefined) return { kind: "file", path: hashed, hashed: true };
  const path = findInPath(sh, name);
  return path === undefined ? undefined : { kind: "file", path };
}

/** PATH lookup as the shell does it, for `type`, `command -v` and `which`-like builtins. */
export function findInPath(sh: Shell, name: string): string | undefined {
  return pathMatches(sh, name, true)[0];
}

/** Every executable file a name finds on PATH, in PATH's order (only the first if `first`). */
function pathMatches(sh: Shell, name: string, first = false): string[] {
  const fs = sh.ctx.fs;
  if (name.includes("/")) return fs.exists(resolvePath(sh.cwd, name)) ? [name] : [];
  const out: string[] = [];
  const path = sh.getVar("PATH") ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  for (const dir of path.split(":")) {
    const p = resolvePath(sh.cwd, `${dir || "."}/${name}`);
    try {
      const st = fs.stat(p);
      if (st.type === "file" && (st.mode & 0o111) !== 0) {
        out.push(p);
        if (first) break;
      }
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
    }
  }
  return out;
}

/**
 * `type NAME...`: what each name would run, in each shell's words. bash also takes -t (the kind's
 * word), -p (the file, if that is what runs), -P (the file on PATH whatever runs) and -a (every
 * alias, keyword, function, builtin and file the name has).
 */
function* type(sh: Shell, args: readonly string[]): Proc<number> {
  let flags = "";
  let rest = args;
  if (sh.flavor === "bash") {
    for (; rest[0] !== undefined && /^-[afptP]+$/.test(rest[0]); rest = rest.slice(1)) flags += rest[0].slice(1);
    if (rest[0] === "--") rest = rest.slice(1);
  }
  const all = flags.includes("a");
  let status = 0;
  for (const name of rest) {
    const found = flags.includes("P") ? pathMatches(sh, name).map((path) => ({ kind: "file" as const, path })) : kinds(sh, name, all);
    const shown = all ? found : found.slice(0, 1);
    if (shown.length === 0) {
      status = 1;
      if (flags.includes("t") || flags.includes("p") || flags.includes("P")) continue;
      if (sh.flavor === "bash") sh.builtinError("type", `${name}: not found`);
      else {
        sh.out(`${name}: not found\n`);
        status = 127;
      }
      continue;
    }
    for (const c of shown) {
      if (flags.includes("t")) sh.out(`${c.kind === "special" ? "builtin" : c.kind}\n`);
      else if (flags.includes("p") || flags.includes("P")) {
        if (c.kind === "file") sh.out(`${c.path}\n`);
      } else sh.out(describeKind(sh, name, c));
    }
  }
  return status;
}

type Kind = { kind: "alias" | "keyword" | "function" | "builtin" | "special" | "file"; path?: string; value?: string; hashed?: boolean };

/** What a name is, in the order the shell looks: alias, keyword, function, builtin, then every file on PATH when `all`. */
function kinds(sh: Shell, name: string, all: boolean): Kind[] {
  const out: Kind[] = [];
  const value = sh.aliases.get(name);
  if (value !== undefined) out.push({ kind: "alias", value });
  const c = classify(sh, name);
  if (c !== undefined && c.kind !== "file") out.push(c);
  if (all) for (const path of pathMatches(sh, name)) out.push({ kind: "file", path });
  else if (c?.kind === "file") out.push(c);
  return out;
}

function describeKind(sh: Shell, name: string, c: Kind): string {
  switch (c.kind) {
    case "alias":
      return sh.flavor === "bash" ? `${name} is aliased to \`${c.value}'\n` : `${name} is an alias for ${c.value}\n`;
    case "keyword":
      return `${name} is a shell keyword\n`;
    case "function":
      return sh.flavor === "bash" ? `${name} is a function\n${functionText(name, sh.functions.get(name)!)}\n` : `${name} is a shell function\n`;
    case "special":
      return `${name} is a ${sh.flavor === "bash" ? "shell builtin" : "special shell builtin"}\n`;
    case "builtin":
      return `${name} is a shell builtin\n`;
    case "file":
      if (c.hashed) return sh.flavor === "bash" ? `${name} is hashed (${c.path})\n` : `${name} is a tracked alias for ${c.path}\n`;
      return `${name} is ${c.path}\n`;
  }
}

/**
 * bash's `mapfile [-t] [-n COUNT] [-s SKIP] [-d DELIM] [ARRAY]` (also `readarray`): the lines of
 * standard input as the elements of ARRAY (MAPFILE), each with its newline unless -t.
 */
function* mapfile(sh: Shell, args: readonly string[]): Proc<number> {
  let trim = false;
  let count = 0;
  let skip = 0;
  let delimiter = "\n";
  let name = "MAPFILE";
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "-t") trim = true;
    else if (a === "-n") count = Number(args[++i]);
    else if (a === "-s") skip = Number(args[++i]);
    else if (a === "-d") delimiter = args[++i]?.slice(0, 1) || "\0";
    else name = a;
  }
  const reader = sh.input(0);
  const lines: string[] = [];
  for (let read = 0; count === 0 || lines.length < count; read++) {
    const r = yield* reader.readLine(delimiter);
    if (r === null) break;
    if (read < skip) continue;
    lines.push(trim || !r.terminated ? r.line : r.line + delimiter);
  }
  sh.setVar(name, lines);
  return 0;
}

/** bash's `builtin NAME [args]`: the builtin, even where a function of that name would run. */
function* builtinBuiltin(sh: Shell, args: readonly string[]): Proc<number> {
  const name = args[0];
  if (name === undefined) return 0;
  if (!sh.hasBuiltin(name)) {
    sh.builtinError("builtin", `${name}: not a shell builtin`);
    return 1;
  }
  return yield* sh.runBuiltin(name, args);
}

function* command(sh: Shell, args: readonly string[]): Proc<number> {
  let i = 0;
  let mode: "run" | "v" | "V" = "run";
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === "-v") mode = "v";
    else if (a === "-V") mode = "V";
    else if (a === "-p") continue;
    else if (a === "--") {
      i++;
      break;
    } else break;
  }
  const rest = args.slice(i);
  if (mode === "V") return yield* type(sh, rest);
  if (mode === "v") {
    // dash describes its first operand only (127 if it is nothing); bash each, 0 if any was found.
    const names = sh.flavor === "bash" ? rest : rest.slice(0, 1);
    let found = false;
    for (const name of names) {
      const c = classify(sh, name);
      if (c === undefined) continue;
      found = true;
      sh.out((c.kind === "file" ? c.path! : name) + "\n");
    }
    return found || names.length === 0 ? 0 : sh.flavor === "bash" ? 1 : 127;
  }
  if (rest.length === 0) return 0;
  const name = rest[0]!;
  if (BUILTINS.has(name) && sh.hasBuiltin(name)) return yield* sh.runBuiltin(name, rest);
  return yield* sh.runExternal(rest, new Map());
}

function* waitBuiltin(sh: Shell, given: readonly string[]): Proc<number> {
  let args = given;
  let pidVar: string | undefined;
  if (sh.flavor === "bash") {
    const parsed = builtinOptions(sh, "wait", given, { letters: "fnp:", plus: false, usage: "wait [-fn] [-p var] [id ...]" });
    if (typeof parsed === "number") return parsed;
    args = parsed.operands;
    // -p VAR: unset first, then the pid of the job whose status wait returns.
    pidVar = parsed.values.find(([l]) => l === "p")?.[1];
    if (pidVar !== undefined) sh.unsetVar(pidVar);
    if (parsed.on.includes("n")) {
      // bash's wait -n: the next job to end, of those named or all; 127 when there is none.
      const named = args.map((a) => jobOf(sh, a));
      const jobs = args.length > 0 ? named.filter((j) => j !== undefined) : [...sh.background.values()];
      if (jobs.length === 0) return 127;
      const ended = yield* sh.waitAnyJob(jobs);
      if (ended === undefined) return 128 + 15;
      if (pidVar !== undefined) sh.setVar(pidVar, String(ended.job.pid));
      return ended.status;
    }
  }
  if (args.length === 0) {
    for (const j of [...sh.background.values()]) {
      const s = yield* sh.waitJob(j);
      if (s === undefined) return 128 + 15;
    }
    if (sh.lastProcessSubstitution !== undefined) yield sh.lastProcessSubstitution.done;
    return 0;
  }
  let status = 0;
  for (const a of args) {
    const j = jobOf(sh, a);
    if (j === undefined) {
      if (sh.flavor === "bash") sh.builtinError("wait", a.startsWith("%") ? `${a}: no such job` : `pid ${a} is not a child of this shell`);
      status = 127;
      continue;
    }
    const s = yield* sh.waitJob(j, true);
    status = s ?? 143;
    if (pidVar !== undefined) sh.setVar(pidVar, String(j.pid));
  }
  return status;
}

/**
 * times: the shell's user and system time, then its children's. ksim counts a process's CPU as
 * user time. bash prints milliseconds, dash and ash microseconds.
 */
function* times(sh: Shell): Proc<number> {
  const { selfMs, childrenMs } = sh.ctx.times();
  const digits = sh.flavor === "bash" ? 3 : 6;
  const t = (ms: number) => `${Math.floor(ms / 60000)}m${((ms % 60000) / 1000).toFixed(digits)}s`;
  sh.out(`${t(selfMs)} ${t(0)}\n${t(childrenMs)} ${t(0)}\n`);
  return 0;
}

function signalNameList(): string {
  return (Object.keys(SIGNALS) as Signal[]).map((s) => s.slice(3)).join(" ");
}

/**
 * `kill -l [spec...]`: the signal table; for a number (or an exit status above 128) its name, for
 * a name (bash) its number. dash reads only the first operand.
 */
function listSignals(sh: Shell, specs: readonly string[]): number {
  if (sh.flavor === "ash") {
    const n = Number(specs[0]);
    const s = (Object.keys(SIGNALS) as Signal[]).find((k) => SIGNALS[k] === (n > 128 ? n - 128 : n));
    sh.out(specs.length === 0 ? signalNameList() + "\n" : (s?.slice(3) ?? "") + "\n");
    return 0;
  }
  if (specs.length === 0) {
    sh.out(signalTable(sh.flavor));
    return 0;
  }
  let status = 0;
  for (const spec of sh.flavor === "dash" ? specs.slice(0, 1) : specs) {
    if (/^\d+$/.test(spec)) {
      const n = Number(spec) > 128 ? Number(spec) - 128 : Number(spec);
      const name = signalName(n, sh.flavor);
      if (name !== undefined || (sh.flavor === "dash" && n >= 1 && n <= 64)) {
        sh.out(`${name ?? n}\n`);
        continue;
      }
    } else if (sh.flavor === "bash") {
      const n = signalNumber(spec, "bash");
      if (n !== undefined) {
        sh.out(`${n}\n`);
        continue;
      }
    }
    if (sh.flavor === "dash") {
      sh.builtinError("kill", /^\d+$/.test(spec) ? `invalid signal number or exit status: ${spec}` : `Illegal number: ${spec}`);
      return 2;
    }
    sh.builtinError("kill", `${spec}: invalid signal specification`);
    status = 1;
  }
  return status;
}

function* kill(sh: Shell, args: readonly string[]): Proc<number> {
  // Signal 0 sends nothing: it asks whether the process is there.
  let signal: Signal | 0 = "SIGTERM";
  let i = 0;
  if (args[0] === "-l" || args[0] === "-L") return listSignals(sh, args.slice(1));
  if (args[0] === "-s" || args[0] === "-n") {
    const s = args[1] === "0" ? 0 : args[1] === undefined ? undefined : parseSignal(args[1]);
    if (s === undefined) return badSignal(sh, args[1] ?? "");
    signal = s;
    i = 2;
  } else if (args[0] !== undefined && /^-./.test(args[0]) && args[0] !== "--") {
    const s = args[0] === "-0" ? 0 : parseSignal(args[0].slice(1));
    if (s === undefined) return badSignal(sh, args[0].slice(1));
    signal = s;
    i = 1;
  }
  if (args[i] === "--") i++;
  const targets = args.slice(i);
  if (targets.length === 0) {
    if (sh.flavor === "bash") sh.err("kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n");
    else if (sh.flavor === "dash") sh.builtinError("kill", "Usage: kill [-s sigspec | -signum | -sigspec] [pid | job]... or\nkill -l [exitstatus]");
    else sh.err(`${sh.arg0}: you need to specify whom to kill\n`);
    return sh.flavor === "ash" ? 1 : 2;
  }
  let status = 0;
  for (const t of targets) {
    const pid = t.startsWith("%") ? [...sh.background.values()].find((j) => j.number === Number(t.slice(1)))?.pid : Number(t);
    if (pid === undefined && t.startsWith("%") && sh.flavor === "bash") {
      sh.builtinError("kill", `${t}: no such job`);
      status = 1;
      continue;
    }
    if (pid === undefined || !Number.isInteger(pid)) {
      if (sh.flavor === "bash") sh.builtinError("kill", `${t}: arguments must be process or job IDs`);
      else sh.builtinError("kill", `invalid pid: ${t}`);
      status = 1;
      continue;
    }
    if (signal === 0 ? sh.ctx.processExists(pid) : sh.signalJob(pid, signal)) continue;
    if (signal === 0 || !sh.ctx.kill(pid, signal)) {
      if (sh.flavor === "bash") sh.builtinError("kill", `(${pid}) - No such process`);
      else if (sh.flavor === "dash") sh.builtinError("kill", "No such process\n");
      else sh.err(`${sh.arg0}: can't kill pid ${pid}: No such process\n`);
      status = 1;
    }
  }
  // A shell that signalled itself to death goes no further: kill(2) delivers before it returns.
  if (!sh.ctx.processExists(sh.ctx.pid)) yield* wait(sh.ctx.exited);
  return status;
}

function badSignal(sh: Shell, spec: string): number {
  if (sh.flavor === "bash") sh.builtinError("kill", `${spec}: invalid signal specification`);
  else if (sh.flavor === "dash") sh.builtinError("kill", `Illegal option -${spec.slice(0, 1)}`);
  else sh.err(`${sh.arg0}: bad signal name '${spec}'\n`);
  return sh.flavor === "dash" ? 2 : 1;
}

function* trap(sh: Shell, args: readonly string[]): Proc<number> {
  if (args[0] === "-p" && sh.flavor === "dash") {
    sh.builtinError("trap", "Illegal option -p");
    return 2;
  }
  if (args.length === 0 || args[0] === "-p") {
    // By signal number, EXIT (0) first; bash names the signals with SIG.
    // bash numbers its pseudo-signals after the 64 real ones: DEBUG, ERR, RETURN.
    const number = (sig: string) => (sig === "EXIT" ? 0 : (signalNumber(sig, sh.flavor) ?? 65 + BASH_PSEUDO_SIGNALS.indexOf(sig)));
    const listed = [...sh.traps].filter(([sig]) => args[0] !== "-p" || args.length === 1 || args.slice(1).some((a) => number(a.toUpperCase().replace(/^SIG/, "")) === number(sig)));
    for (const [sig, action] of listed.sort((a, b) => number(a[0]) - number(b[0]))) {
      sh.out(`trap -- '${action.replace(/'/g, "'\\''")}' ${sh.flavor === "bash" && sig !== "EXIT" && !BASH_PSEUDO_SIGNALS.includes(sig) ? `SIG${sig}` : sig}\n`);
    }
    return 0;
  }
  if (args[0] === "-l") {
    if (sh.flavor === "dash") {
      sh.builtinError("trap", "Illegal option -l");
      return 2;
    }
    sh.out(sh.flavor === "bash" ? signalTable("bash") : signalNameList() + "\n");
    return 0;
  }
  let rest = args[0] === "--" ? args.slice(1) : args;
  // `trap N` / `trap SIG...` with a first operand that is a signal number resets, as POSIX says.
  let action: string | undefined = rest[0];
  if (rest.length === 1 || /^\d+$/.test(rest[0]!)) {
    action = "-";
    if (rest.length > 1) rest = ["-", ...rest];
    else rest = ["-", rest[0]!];
  }
  let status = 0;
  for (const spec of rest.slice(1)) {
    const sig = sh.parseSignalSpec(spec);
    if (sig === undefined) {
      if (sh.flavor === "dash") sh.err(`trap: ${spec}: bad trap\n`);
      else sh.builtinError("trap", `${spec}: invalid signal specification`);
      status = 1;
      continue;
    }
    if (action === "-") sh.traps.delete(sig);
    else sh.traps.set(sig, action!);
  }
  sh.syncSignalHandler();
  return status;
}

/**
 * `set -o` lists the options as on or off (dash under a header, with its own column width);
 * `set +o` as the commands that would set them so.
 */
function listOptions(sh: Shell, on: boolean): void {
  if (on && sh.flavor === "dash") sh.out("Current option settings\n");
  for (const option of SET_OPTIONS[sh.flavor]) {
    const value = sh.optionOn(option);
    if (!on) sh.out(`set ${value ? "-" : "+"}o ${option.name}\n`);
    else if (sh.flavor === "bash") sh.out(`${option.name.padEnd(15)}\t${value ? "on" : "off"}\n`);
    else sh.out(`${option.name.padEnd(16)}${value ? "on" : "off"}\n`);
  }
}

function* set(sh: Shell, args: readonly string[]): Proc<number> {
  if (args.length === 0) {
    for (const name of [...sh.vars.keys()].sort()) {
      const value = sh.vars.get(name)!.value;
      if (value === undefined) continue;
      // dash quotes every value; bash only those that need it, and prints arrays as declare does.
      if (typeof value !== "string") sh.out(`${name}=${arrayText(value)}\n`);
      else if (sh.flavor === "dash") sh.out(`${name}=${dashQuote(value)}\n`);
      else sh.out(`${name}=${/^[A-Za-z0-9_./:=@%^,+-]*$/.test(value) && value !== "" ? value : reuseQuote(value)}\n`);
    }
    return 0;
  }
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      sh.positional = args.slice(i + 1);
      return 0;
    }
    if (a === "-") {
      sh.options.xtrace = false;
      sh.options.verbose = false;
      sh.positional = args.slice(i + 1);
      return 0;
    }
    if (!/^[-+]/.test(a)) break;
    const on = a.startsWith("-");
    for (const letter of a.slice(1)) {
      // `o` takes the next word as an option's name, also in a cluster (`set -euo pipefail`).
      if (letter === "o") {
        const name = args[++i];
        if (name === undefined) {
          listOptions(sh, on);
          continue;
        }
        const option = setOptionByName(sh.flavor, name);
        if (option === undefined) {
          if (sh.flavor === "bash") {
            sh.builtinError("set", `${name}: invalid option name`);
            return 2;
          }
          sh.builtinError("set", sh.flavor === "dash" ? `Illegal option -o ${name}` : `illegal option -o ${name}`);
          return sh.flavor === "ash" ? 1 : specialFailure(sh);
        }
        sh.setOption(option, on);
        continue;
      }
      const option = setOptionByLetter(sh.flavor, letter);
      if (option === undefined) {
        if (sh.flavor === "bash") {
          sh.builtinError("set", `${a[0]}${letter}: invalid option`);
          sh.err("set: usage: set [-abefhkmnptuvxBCEHPT] [-o option-name] [--] [-] [arg ...]\n");
          return 2;
        }
        sh.builtinError("set", `Illegal option ${a[0]}${letter}`);
        return specialFailure(sh);
      }
      sh.setOption(option, on);
    }
  }
  if (i < args.length) sh.positional = args.slice(i);
  return 0;
}

function testBuiltin(bracket: boolean) {
  return function* (sh: Shell, args: readonly string[]): Proc<number> {
    const r = evaluateTest(args, sh.testEnvironment(), sh.flavor, bracket);
    if (r.error !== undefined) {
      if (sh.flavor === "ash") sh.err(`${sh.arg0}: ${r.error}\n`);
      else sh.builtinError(bracket ? "[" : "test", r.error);
    }
    return r.status;
  };
}

function* getopts(sh: Shell, args: readonly string[]): Proc<number> {
  const [optstring, name, ...given] = args;
  if (optstring === undefined || name === undefined) {
    if (sh.flavor === "bash") sh.err("getopts: usage: getopts optstring name [arg ...]\n");
    else if (sh.flavor === "dash") sh.builtinError("getopts", "Usage: getopts optstring var [arg...]");
    else sh.builtinError("getopts", "usage: getopts optstring var [arg]");
    return 2;
  }
  const argv = given.length > 0 ? given : sh.positional;
  const silent = optstring.startsWith(":");
  let optind = Number(sh.getVar("OPTIND") ?? "1") || 1;
  const state = getoptsState.get(sh) ?? { optind: 0, pos: 1 };
  if (state.optind !== optind) {
    state.optind = optind;
    state.pos = 1;
  }
  const arg = argv[optind - 1];
  if (arg === undefined || arg === "-" || !arg.startsWith("-")) {
    sh.setVar(name, "?");
    return 1;
  }
  if (arg === "--") {
    sh.setVar("OPTIND", String(optind + 1));
    sh.setVar(name, "?");
    return 1;
  }
  const letter = arg[state.pos]!;
  state.pos++;
  const advance = () => {
    if (state.pos >= arg.length) {
      optind++;
      state.pos = 1;
    }
    state.optind = optind;
    sh.setVar("OPTIND", String(optind));
  };
  const spec = optstring.indexOf(letter);
  if (spec < 0 || letter === ":") {
    advance();
    getoptsState.set(sh, state);
    if (silent) {
      sh.setVar(name, "?");
      sh.setVar("OPTARG", letter);
    } else {
      sh.err(sh.flavor === "dash" ? `Illegal option -${letter}\n` : `${sh.arg0}: illegal option -- ${letter}\n`);
      sh.setVar(name, "?");
      sh.unsetVar("OPTARG");
    }
    return 0;
  }
  if (optstring[spec + 1] === ":") {
    let value: string | undefined;
    if (state.pos < arg.length) {
      value = arg.slice(state.pos);
      optind++;
    } else {
      value = argv[optind];
      optind += 2;
    }
    state.pos = 1;
    state.optind = optind;
    sh.setVar("OPTIND", String(optind));
    getoptsState.set(sh, state);
    if (value === undefined) {
      if (silent) {
        sh.setVar(name, ":");
        sh.setVar("OPTARG", letter);
      } else {
        sh.err(sh.flavor === "dash" ? `No arg for -${letter} option\n` : `${sh.arg0}: option requires an argument -- ${letter}\n`);
        sh.setVar(name, "?");
      }
      return 0;
    }
    sh.setVar("OPTARG", value);
    sh.setVar(name, letter);
    return 0;
  }
  advance();
  getoptsState.set(sh, state);
  // An option without an argument: bash unsets OPTARG, dash (and ash, its kin) empties it.
  if (sh.flavor === "bash") sh.unsetVar("OPTARG");
  else sh.setVar("OPTARG", "");
  sh.setVar(name, letter);
  return 0;
}

const getoptsState = new WeakMap<Shell, { optind: number; pos: number }>();

function* letBuiltin(sh: Shell, args: readonly string[]): Proc<number> {
  let v = 0;
  for (const a of args) v = yield* sh.expander.arith({ parts: [{ type: "literal", text: a }], text: a });
  return v !== 0 ? 0 : 1;
}

/** A job by `%N` or by pid. */
function jobOf(sh: Shell, spec: string): BackgroundJob | undefined {
  const pid = spec.startsWith("%") ? [...sh.background.values()].find((j) => j.number === Number(spec.slice(1)))?.pid : Number(spec);
  return pid === undefined ? undefined : sh.background.get(pid);
}

/** bash's disown: jobs leave the table (-h: stay, but would not get SIGHUP); the current one by default. */
function* disown(sh: Shell, args: readonly string[]): Proc<number> {
  let all = false;
  let keep = false;
  const specs: string[] = [];
  for (const a of args) {
    if (/^-[ahr]+$/.test(a)) {
      all ||= a.includes("a");
      keep ||= a.includes("h");
    } else specs.push(a);
  }
  const jobs = [...sh.background.values()];
  let targets = all ? jobs : [];
  let status = 0;
  if (!all && specs.length === 0) {
    const current = jobs.reduce<BackgroundJob | undefined>((a, j) => (a === undefined || j.number > a.number ? j : a), undefined);
    if (current === undefined) {
      sh.builtinError("disown", "current: no such job");
      return 1;
    }
    targets = [current];
  }
  for (const spec of specs) {
    const j = jobOf(sh, spec);
    if (j === undefined) {
      sh.builtinError("disown", `${spec}: no such job`);
      status = 1;
    } else targets.push(j);
  }
  if (!keep) for (const j of targets) sh.background.delete(j.pid);
  return status;
}

/** bash's caller [N]: where the running function (N frames out) was called from. */
function* caller(sh: Shell, args: readonly string[]): Proc<number> {
  const n = args[0] === undefined ? 0 : /^\d+$/.test(args[0]) ? Number(args[0]) : undefined;
  if (n === undefined) {
    sh.builtinError("caller", `${args[0]}: invalid number`);
    sh.err("caller: usage: caller [expr]\n");
    return 2;
  }
  const c = sh.caller(n);
  if (c === undefined || (args[0] !== undefined && c.name === undefined)) return 1;
  sh.out(args[0] === undefined ? `${c.line} ${c.file}\n` : `${c.line} ${c.name} ${c.file}\n`);
  return 0;
}

/** bash's logout: exit, for a login shell. */
function* logout(sh: Shell, args: readonly string[]): Proc<number> {
  if (!sh.shopts.login_shell) {
    sh.builtinError("logout", "not login shell: use `exit'");
    return 1;
  }
  return yield* exit(sh, args);
}

/** bash's suspend: a shell without job control, or a login shell, cannot stop itself. */
function* suspend(sh: Shell, args: readonly string[]): Proc<number> {
  if (!sh.jobControl) sh.builtinError("suspend", "cannot suspend: no job control");
  else if (sh.shopts.login_shell && !args.includes("-f")) sh.builtinError("suspend", "cannot suspend a login shell");
  else sh.builtinError("suspend", "cannot suspend: no terminal to stop");
  return 1;
}

function* jobs(sh: Shell): Proc<number> {
  sh.reportJobs((line) => sh.out(line), "all");
  return 0;
}

export const BUILTINS: ReadonlyMap<string, Builtin> = new Map<string, Builtin>([
  [":", { flavors: ALL, run: noop }],
  ["true", { flavors: ALL, run: noop }],
  ["false", { flavors: ALL, run: falseBuiltin }],
  ["echo", { flavors: ALL, run: echoBuiltin }],
  ["printf", { flavors: ALL, run: printfBuiltin }],
  ["cd", { flavors: ALL, run: cd }],
  ["pwd", { flavors: ALL, run: pwd }],
  ["export", { flavors: ALL, run: exportOrReadonly("export") }],
  ["readonly", { flavors: ALL, run: exportOrReadonly("readonly") }],
  ["unset", { flavors: ALL, run: unset }],
  ["local", { flavors: ALL, run: local }],
  ["declare", { flavors: BASH, run: declaration("declare") }],
  ["pushd", { flavors: BASH, run: pushd }],
  ["popd", { flavors: BASH, run: popd }],
  ["dirs", { flavors: BASH, run: dirs }],
  ["caller", { flavors: BASH, run: caller }],
  ["disown", { flavors: BASH, run: disown }],
  ["logout", { flavors: BASH, run: logout }],
  ["suspend", { flavors: BASH, run: suspend }],
  ["typeset", { flavors: BASH, run: declaration("declare") }],
  ["read", { flavors: ALL, run: read }],
  ["shift", { flavors: ALL, run: shift }],
  ["exit", { flavors: ALL, run: exit }],
  ["return", { flavors: ALL, run: returnBuiltin }],
  ["break", { flavors: ALL, run: loopControl("break") }],
  ["continue", { flavors: ALL, run: loopControl("continue") }],
  ["eval", { flavors: ALL, run: evalBuiltin }],
  ["exec", { flavors: ALL, run: exec }],
  [".", { flavors: ALL, run: (sh, args) => source(sh, args, ".") }],
  ["source", { flavors: NOT_DASH, run: (sh, args) => source(sh, args, "source") }],
  ["type", { flavors: ALL, run: type }],
  ["command", { flavors: ALL, run: command }],
  ["wait", { flavors: ALL, run: waitBuiltin }],
  ["kill", { flavors: ALL, run: kill }],
  ["trap", { flavors: ALL, run: trap }],
  ["set", { flavors: ALL, run: set }],
  ["shopt", { flavors: BASH, run: shopt }],
  ["alias", { flavors: ALL, run: alias }],
  ["builtin", { flavors: BASH, run: builtinBuiltin }],
  ["mapfile", { flavors: BASH, run: mapfile }],
  ["readarray", { flavors: BASH, run: mapfile }],
  ["unalias", { flavors: ALL, run: unalias }],
  ["test", { flavors: ALL, run: testBuiltin(false) }],
  ["[", { flavors: ALL, run: testBuiltin(true) }],
  ["getopts", { flavors: ALL, run: getopts }],
  ["umask", { flavors: ALL, run: umask }],
  ["ulimit", { flavors: ALL, run: ulimit }],
  ["hash", { flavors: ALL, run: hash }],
  ["compgen", { flavors: BASH, run: compgen }],
  ["let", { flavors: NOT_DASH, run: letBuiltin }],
  ["jobs", { flavors: ALL, run: jobs }],
  ["times", { flavors: ALL, run: times }],
]);
