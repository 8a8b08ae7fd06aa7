import { encodeText, FsError, wait, type Proc } from "@ksim/sim";
import { dirname } from "../runtime/fs.js";
import type { ProcessContext } from "../runtime/process.js";
import { createAndWrite, describeError, has, parseOptions, readInput, usageFailure, UsageError, type Flavor, type ParsedOptions } from "./common.js";
import { compileRegex, RegexError } from "./regex.js";

/**
 * sed: addresses (line numbers, `$`, `/re/`, ranges, `!`) and the commands scripts use in
 * images: s (with g, p, N, I), d, p, q, =, a, i, c, y.
 */

type Address =
  | { readonly kind: "line"; readonly n: number }
  /** GNU's first~step: every step-th line from first. */
  | { readonly kind: "step"; readonly first: number; readonly step: number }
  | { readonly kind: "last" }
  | { readonly kind: "re"; readonly re: RegExp };

interface Command {
  readonly from?: Address;
  readonly to?: Address;
  readonly negate: boolean;
  readonly name: string;
  readonly re?: RegExp;
  readonly replacement?: string;
  readonly global?: boolean;
  readonly occurrence?: number;
  readonly print?: boolean;
  readonly text?: string;
  readonly map?: Map<string, string>;
  /** Range state: inside the range since this line. */
  active?: boolean;
}

class ScriptError extends Error {}

function parseScript(script: string, extended: boolean): Command[] {
  const cmds: Command[] = [];
  let i = 0;
  const s = script;
  const skip = () => {
    while (i < s.length && /[\s;]/.test(s[i]!)) i++;
  };
  const delimited = (delim: string): string => {
    let out = "";
    while (i < s.length && s[i] !== delim) {
      if (s[i] === "\\" && i + 1 < s.length) {
        if (s[i + 1] === delim) out += delim;
        else if (s[i + 1] === "n") out += "\n";
        else out += s[i]! + s[i + 1]!;
        i += 2;
        continue;
      }
      out += s[i++];
    }
    if (i >= s.length) throw new ScriptError(`unterminated \`s' command`);
    i++;
    return out;
  };
  const address = (): Address | undefined => {
    if (/\d/.test(s[i] ?? "")) {
      const m = /^(\d+)(?:~(\d+))?/.exec(s.slice(i))!;
      i += m[0].length;
      return m[2] === undefined ? { kind: "line", n: Number(m[1]) } : { kind: "step", first: Number(m[1]), step: Number(m[2]) };
    }
    if (s[i] === "$") {
      i++;
      return { kind: "last" };
    }
    if (s[i] === "/" || s[i] === "\\") {
      const delim = s[i] === "\\" ? s[++i]! : "/";
      i++;
      const src = delimited(delim);
      let flags = "";
      if (s[i] === "I") {
        flags = "i";
        i++;
      }
      return { kind: "re", re: compileRegex(src, extended, flags) };
    }
    return undefined;
  };
  for (;;) {
    skip();
    if (i >= s.length) return cmds;
    const from = address();
    let to: Address | undefined;
    if (from !== undefined && s[i] === ",") {
      i++;
      to = address();
    }
    while (s[i] === " ") i++;
    let negate = false;
    if (s[i] === "!") {
      negate = true;
      i++;
      while (s[i] === " ") i++;
    }
    const name = s[i++];
    const base = { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}), negate };
    switch (name) {
      case "s": {
        const delim = s[i++]!;
        const pattern = delimited(delim);
        const replacement = delimited(delim);
        let global = false;
        let print = false;
        let occurrence = 1;
        let flags = "";
        while (i < s.length && /[gpiI0-9w]/.test(s[i]!)) {
          const f = s[i++]!;
          if (f === "g") global = true;
          else if (f === "p") print = true;
          else if (f === "i" || f === "I") flags += "i";
          else if (/\d/.test(f)) occurrence = Number(f);
        }
        cmds.push({ ...base, name, re: compileRegex(pattern, extended, "g" + flags), replacement, global, occurrence, print });
        break;
      }
      case "y": {
        const delim = s[i++]!;
        const a = delimited(delim);
        const b = delimited(delim);
        if ([...a].length !== [...b].length) throw new ScriptError("strings for `y' command are different lengths");
        const map = new Map<string, string>();
        [...a].forEach((c, k) => map.set(c, [...b][k]!));
        cmds.push({ ...base, name, map });
        break;
      }
      case "a":
      case "i":
      case "c": {
        if (s[i] === "\\") i++;
        if (s[i] === "\n") i++;
        while (s[i] === " ") i++;
        const end = s.indexOf("\n", i);
        const text = s.slice(i, end < 0 ? undefined : end).replace(/\\$/, "");
        i = end < 0 ? s.length : end;
        cmds.push({ ...base, name, text });
        break;
      }
      case "d":
      case "p":
      case "q":
      case "Q":
      case "=":
      case "n":
        cmds.push({ ...base, name });
        break;
      default:
        throw new ScriptError(`unknown command: \`${name ?? ""}'`);
    }
  }
}

function expandReplacement(replacement: string, m: RegExpExecArray): string {
  let out = "";
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i]!;
    if (c === "&") out += m[0];
    else if (c === "\\" && i + 1 < replacement.length) {
      const n = replacement[++i]!;
      if (/\d/.test(n)) out += m[Number(n)] ?? "";
      else if (n === "n") out += "\n";
      else if (n === "t") out += "\t";
      else out += n;
    } else out += c;
  }
  return out;
}

function substitute(line: string, cmd: Command): { text: string; changed: boolean } {
  const re = cmd.re!;
  re.lastIndex = 0;
  let out = "";
  let pos = 0;
  let n = 0;
  let changed = false;
  let previousEnd = -1;
  for (;;) {
    const m = re.exec(line);
    if (m === null) break;
    // An empty match right where the last match ended does not count (`s/l*/X/g` on hello: XhXeXoX).
    if (m[0] === "" && m.index === previousEnd) {
      re.lastIndex++;
      if (re.lastIndex > line.length) break;
      continue;
    }
    previousEnd = m.index + m[0].length;
    n++;
    if (n >= cmd.occurrence! && (cmd.global || n === cmd.occurrence)) {
      out += line.slice(pos, m.index) + expandReplacement(cmd.replacement!, m);
      pos = m.index + m[0].length;
      changed = true;
      if (!cmd.global) break;
    }
    if (m[0] === "") re.lastIndex++;
    if (re.lastIndex > line.length) break;
  }
  return { text: changed ? out + line.slice(pos) : line, changed };
}

function matches(a: Address, line: string, n: number, isLast: boolean): boolean {
  if (a.kind === "line") return n === a.n;
  if (a.kind === "step") return a.step === 0 ? n === a.first : n >= a.first && (n - a.first) % a.step === 0;
  if (a.kind === "last") return isLast;
  a.re.lastIndex = 0;
  return a.re.test(line);
}

function selected(cmd: Command, line: string, n: number, isLast: boolean): boolean {
  let hit: boolean;
  if (cmd.from === undefined) hit = true;
  else if (cmd.to === undefined) hit = matches(cmd.from, line, n, isLast);
  else if (cmd.active) {
    hit = true;
    if (cmd.to.kind === "line" ? n >= cmd.to.n : matches(cmd.to, line, n, isLast)) cmd.active = false;
  } else if (matches(cmd.from, line, n, isLast)) {
    hit = true;
    cmd.active = !(cmd.to.kind === "line" && cmd.to.n <= n);
  } else hit = false;
  return hit !== cmd.negate;
}

function run(cmds: Command[], text: string, quiet: boolean): { output: string; quit: boolean } {
  const lines = text.split("\n");
  const trailing = text.endsWith("\n");
  if (trailing) lines.pop();
  let out = "";
  for (let k = 0; k < lines.length; k++) {
    const isLast = k === lines.length - 1;
    const r = cycle(cmds, lines[k]!, k + 1, isLast, isLast && !trailing ? "" : "\n", quiet);
    out += r.output;
    if (r.quit) return { output: out, quit: true };
  }
  return { output: out, quit: false };
}

/** One line through the script: what it prints, and whether q or Q ended the run. */
function cycle(cmds: Command[], input: string, n: number, isLast: boolean, newline: string, quiet: boolean): { output: string; quit: boolean } {
  let line = input;
  let out = "";
  // The pattern space goes out with the newline it came in with (none at the end of an input
  // without one); anything printed after it gets the missing one first (output_missing_newline).
  const emit = (text: string, nl: string) => {
    if (out !== "" && !out.endsWith("\n")) out += "\n";
    out += text + nl;
  };
  let deleted = false;
  let append = "";
  let quit: "print" | "silent" | undefined;
  for (const cmd of cmds) {
    if (!selected(cmd, line, n, isLast)) continue;
    if (cmd.name === "s") {
      const r = substitute(line, cmd);
      line = r.text;
      if (r.changed && cmd.print) emit(line, newline);
    } else if (cmd.name === "y") line = [...line].map((c) => cmd.map!.get(c) ?? c).join("");
    else if (cmd.name === "d") {
      deleted = true;
      break;
    } else if (cmd.name === "p") emit(line, newline);
    else if (cmd.name === "=") emit(String(n), "\n");
    else if (cmd.name === "a") append += cmd.text + "\n";
    else if (cmd.name === "i") emit(cmd.text!, "\n");
    else if (cmd.name === "c") {
      emit(cmd.text!, "\n");
      deleted = true;
      break;
    } else if (cmd.name === "q" || cmd.name === "Q") {
      quit = cmd.name === "q" ? "print" : "silent";
      break;
    }
  }
  if (!deleted && !quiet && quit !== "silent") emit(line, newline);
  if (append !== "") emit(append.slice(0, -1), "\n");
  return { output: out, quit: quit !== undefined };
}

/**
 * sed over standard input as it arrives, a line at a time, so that q ends it when the writer
 * never would (`kubectl logs -f web | sed '/ready/q'`). A script with a `$` address is not run
 * this way: it needs to know which line is the last.
 */
function* streamStdin(ctx: ProcessContext, cmds: Command[], quiet: boolean): Proc<void> {
  let partial = "";
  let n = 0;
  for (;;) {
    const chunk = yield* wait(ctx.stdin.read());
    if (chunk === null) break;
    const lines = (partial + chunk).split("\n");
    partial = lines.pop()!;
    let out = "";
    for (const line of lines) {
      const r = cycle(cmds, line, ++n, false, "\n", quiet);
      out += r.output;
      if (r.quit) {
        ctx.stdout.write(out);
        return;
      }
    }
    ctx.stdout.write(out);
  }
  if (partial !== "") ctx.stdout.write(cycle(cmds, partial, ++n, true, "", quiet).output);
}

export function sed(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    const { args, suffix } = inPlaceSuffix(ctx.argv.slice(1));
    let o: ParsedOptions;
    try {
      o = parseOptions(args, { short: "ne:f:Erisu", long: { quiet: "n", silent: "n", "expression=": "e", "regexp-extended": "E", "in-place": "i", separate: "s" } });
    } catch (e) {
      if (e instanceof UsageError) return usageFailure(ctx, flavor, e.message);
      throw e;
    }
    {
      const operands = [...o.operands];
      const scripts = o.flags.get("e") ?? [];
      if (scripts.length === 0) {
        const s = operands.shift();
        if (s === undefined) {
          ctx.stderr.write("Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\n");
          return 1;
        }
        scripts.push(s);
      }
      let cmds: Command[];
      try {
        cmds = parseScript(scripts.join("\n"), has(o, "E") || has(o, "r"));
      } catch (e) {
        if (e instanceof ScriptError || e instanceof RegexError) {
          ctx.stderr.write(`sed: -e expression #1, char ${scripts.join("\n").length}: ${e.message}\n`);
          return 1;
        }
        throw e;
      }
      const quiet = has(o, "n");
      if (has(o, "i")) {
        let status = 0;
        for (const f of operands) {
          let text: string;
          try {
            text = ctx.fs.readText(ctx.resolve(f));
          } catch (e) {
            ctx.stderr.write(`sed: can't read ${f}: ${describeError(e)}\n`);
            status = 2;
            continue;
          }
          for (const c of cmds) c.active = false;
          const failed = editInPlace(ctx, flavor, f, encodeText(run(cmds, text, quiet).output), suffix);
          if (failed !== undefined) return failed;
        }
        return status;
      }
      const inputs = operands.length === 0 ? ["-"] : operands;
      const usesLast = cmds.some((c) => c.from?.kind === "last" || c.to?.kind === "last");
      if (inputs.length === 1 && inputs[0] === "-" && !usesLast) {
        yield* streamStdin(ctx, cmds, quiet);
        return 0;
      }
      let text = "";
      let status = 0;
      for (const f of inputs) {
        try {
          text += yield* readInput(ctx, f);
        } catch (e) {
          ctx.stderr.write(`sed: can't read ${f}: ${describeError(e)}\n`);
          status = 2;
        }
      }
      ctx.stdout.write(run(cmds, text, quiet).output);
      return status;
    }
  };
}

/**
 * -i takes an optional SUFFIX glued to it (-i.bak, --in-place=.bak), which getopt's table cannot
 * say: it is cut off here. In a cluster like -ni the rest after i is the suffix (-ie makes
 * backups ending in "e", a well-known trap), unless e or f came first and took the rest.
 */
function inPlaceSuffix(argv: readonly string[]): { args: string[]; suffix: string | undefined } {
  let suffix: string | undefined;
  const args: string[] = [];
  for (let n = 0; n < argv.length; n++) {
    const a = argv[n]!;
    if (a === "--") {
      args.push(...argv.slice(n));
      break;
    }
    if (a.startsWith("--in-place=")) {
      suffix = a.slice("--in-place=".length) || undefined;
      args.push("--in-place");
      continue;
    }
    if (/^-[^-]/.test(a)) {
      let k = 1;
      while (k < a.length && a[k] !== "i" && a[k] !== "e" && a[k] !== "f") k++;
      if (k < a.length && a[k] === "i" && k + 1 < a.length) {
        suffix = a.slice(k + 1);
        args.push(a.slice(0, k + 1));
        continue;
      }
    }
    args.push(a);
  }
  return { args, suffix };
}

const TEMP_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * -i writes the result to a temporary file beside the input and renames it over the input (after
 * moving the input to its backup name, given a suffix), as
 * both seds do; they differ when the disk refuses. GNU sed (ck_mkstemp, then ck_fclose's flush)
 * panics with status 4, removing the temporary file and leaving the input as it was. busybox
 * checks neither the writes nor fclose, so a full disk leaves a short temporary file, which it
 * renames over the input: the file loses what did not fit. Returns the status to exit with.
 */
function editInPlace(ctx: ProcessContext, flavor: Flavor, file: string, output: Uint8Array, suffix: string | undefined): number | undefined {
  const abs = ctx.resolve(file);
  let unique = "";
  for (let i = 0; i < 6; i++) unique += TEMP_CHARS[ctx.random.int(0, TEMP_CHARS.length - 1)];
  // What each sed calls its temporary file in messages: GNU's dir/sedXXXXXX, busybox's FILEXXXXXX.
  const shown = flavor === "gnu" ? `${file.includes("/") ? file.slice(0, file.lastIndexOf("/")) : "."}/sed${unique}` : `${file}${unique}`;
  const temp = flavor === "gnu" ? `${dirname(abs)}/sed${unique}` : `${abs}${unique}`;
  let written;
  try {
    written = createAndWrite(ctx.fs, temp, output, { mode: ctx.fs.stat(abs).mode & 0o7777 });
  } catch (e) {
    if (!(e instanceof FsError)) throw e;
    ctx.stderr.write(flavor === "gnu" ? `sed: couldn't open temporary file ${shown}: ${e.description}\n` : `sed: can't create temp file '${file}XXXXXX': ${e.description}\n`);
    return flavor === "gnu" ? 4 : 1;
  }
  if (written.error !== undefined && flavor === "gnu") {
    ctx.fs.unlink(temp);
    ctx.stderr.write(`sed: couldn't flush ${shown}: ${written.error.description}\n`);
    return 4;
  }
  // With a suffix the input is kept under its backup name (a * in it stands for the file's name).
  if (suffix !== undefined) {
    const base = abs.slice(abs.lastIndexOf("/") + 1);
    const backup = suffix.includes("*") ? `${dirname(abs)}/${suffix.replaceAll("*", base)}` : `${abs}${suffix}`;
    ctx.fs.rename(abs, backup);
  }
  ctx.fs.rename(temp, abs);
  return undefined;
}
