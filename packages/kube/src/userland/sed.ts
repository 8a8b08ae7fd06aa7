import { encodeText, wait, type Proc } from "@ksim/sim";
import { dirname } from "../runtime/fs.js";
import type { ProcessContext } from "../runtime/process.js";
import { createAndWrite, describeError, has, parseOptions, readInput, usageFailure, UsageError, writeOutput, type Flavor, type ParsedOptions } from "./common.js";
import { busyboxLongOptions } from "./libbb.js";
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
  /** b, t, T: the label jumped to (none: the end of the script). `{`: the index of its `}`. */
  readonly label?: string;
  end?: number;
  /** w, s///w: the file written to. */
  readonly file?: string;
  /** Range state: inside the range since this line. */
  active?: boolean;
}

class ScriptError extends Error {
  constructor(
    message: string,
    /** Where GNU says the error is (the script's length unless it knows better: 0 for an unmatched `{`). */
    readonly char?: number,
    /** Found once the script is read (a missing label): GNU panics, without the expression's place, status 4. */
    readonly panic = false,
  ) {
    super(message);
  }
}

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
  // b, t, : take a label up to a `;` or `}` (as GNU reads them); w and r a file name to the end of the line.
  const restOfLine = (label = false): string => {
    while (s[i] === " " || s[i] === "\t") i++;
    let out = "";
    while (i < s.length && s[i] !== "\n" && !(label && (s[i] === ";" || s[i] === "}"))) out += s[i++];
    return out.trimEnd();
  };
  const blocks: number[] = [];
  for (;;) {
    skip();
    if (i >= s.length) {
      if (blocks.length > 0) throw new ScriptError("unmatched `{'", 0);
      for (const c of cmds) if ((c.name === "b" || c.name === "t" || c.name === "T") && c.label !== undefined && !cmds.some((l) => l.name === ":" && l.label === c.label)) throw new ScriptError(`can't find label for jump to \`${c.label}'`, undefined, true);
      return cmds;
    }
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
        let file: string | undefined;
        while (i < s.length && /[gpiI0-9w]/.test(s[i]!)) {
          const f = s[i++]!;
          if (f === "g") global = true;
          else if (f === "p") print = true;
          else if (f === "i" || f === "I") flags += "i";
          else if (f === "w") {
            file = restOfLine();
            break;
          } else if (/\d/.test(f)) {
            let digits = f;
            while (/\d/.test(s[i] ?? "")) digits += s[i++];
            occurrence = Number(digits);
          }
        }
        cmds.push({ ...base, name, re: compileRegex(pattern, extended, "g" + flags), replacement, global, occurrence, print, ...(file === undefined ? {} : { file }) });
        break;
      }
      case "{":
        blocks.push(cmds.length);
        cmds.push({ ...base, name });
        break;
      case "}": {
        const open = blocks.pop();
        if (open === undefined) throw new ScriptError("unexpected `}'");
        cmds[open]!.end = cmds.length;
        cmds.push({ negate: false, name });
        break;
      }
      case ":": {
        const label = restOfLine(true);
        if (label === "") throw new ScriptError('":" lacks a label');
        cmds.push({ negate: false, name, label });
        break;
      }
      case "b":
      case "t":
      case "T": {
        const label = restOfLine(true);
        cmds.push({ ...base, name, ...(label === "" ? {} : { label }) });
        break;
      }
      case "w":
      case "r":
        cmds.push({ ...base, name, file: restOfLine() });
        break;
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
      case "D":
      case "p":
      case "P":
      case "q":
      case "Q":
      case "=":
      case "n":
      case "N":
      case "g":
      case "G":
      case "h":
      case "H":
      case "x":
      case "l":
      case "z":
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

/** What a run of a script over some input made: its output, the files w wrote, whether q ended it. */
interface RunResult {
  readonly output: string;
  readonly written: ReadonlyMap<string, string>;
  readonly quit: boolean;
}

/** `l`: the pattern space unambiguously, escapes for the unprintable, lines cut at 69 with a `\`. */
function listed(text: string): string {
  const escapes: Record<string, string> = { "\\": "\\\\", "\x07": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v" };
  let out = "";
  let width = 0;
  for (const b of encodeText(text)) {
    const c = String.fromCharCode(b);
    const piece = escapes[c] ?? (b >= 32 && b < 127 ? c : `\\${b.toString(8).padStart(3, "0")}`);
    if (width + piece.length > 69) {
      out += "\\\n";
      width = 0;
    }
    out += piece;
    width += piece.length;
  }
  return `${out}$`;
}

/**
 * GNU sed's execute.c over the lines of an input: a pattern space and a hold space, cycles that
 * read a line, run the script (blocks, branches to labels, N and D that carry text over to the
 * next cycle), and print the pattern space unless -n. `readFile` serves r.
 */
function run(cmds: Command[], text: string, quiet: boolean, readFile: (name: string) => string | undefined = () => undefined, state: { lineNo: number; hold: string } = { lineNo: 0, hold: "" }): RunResult {
  const lines = text.split("\n");
  const trailing = text.endsWith("\n");
  if (trailing || text === "") lines.pop();
  const labels = new Map<string, number>();
  cmds.forEach((c, k) => {
    if (c.name === ":") labels.set(c.label!, k);
  });
  const written = new Map<string, string>();
  let out = "";
  let next = 0;
  let lineNo = state.lineNo;
  let hold = state.hold;
  const save = () => {
    state.lineNo = lineNo;
    state.hold = hold;
  };
  // The last line of an input without a final newline goes out without one (and whatever is
  // printed after it gets the missing newline first: output_missing_newline).
  const emit = (textOut: string, own = true) => {
    if (out !== "" && !out.endsWith("\n")) out += "\n";
    out += textOut + (own && next >= lines.length && !trailing ? "" : "\n");
  };
  const isLast = () => next >= lines.length;
  let pattern = "";
  let carried = false;
  for (;;) {
    if (!carried) {
      if (next >= lines.length) break;
      pattern = lines[next++]!;
      lineNo++;
    }
    carried = false;
    let tested = false;
    let append = "";
    let deleted = false;
    let quit: "print" | "silent" | undefined;
    for (let pc = 0; pc < cmds.length; pc++) {
      const cmd = cmds[pc]!;
      if (cmd.name === "}" || cmd.name === ":") continue;
      if (!selected(cmd, pattern, lineNo, isLast())) {
        if (cmd.name === "{") pc = cmd.end!;
        continue;
      }
      const jump = (label: string | undefined) => (pc = label === undefined ? cmds.length : labels.get(label)!);
      switch (cmd.name) {
        case "{":
          break;
        case "s": {
          const r = substitute(pattern, cmd);
          pattern = r.text;
          if (r.changed) {
            tested = true;
            if (cmd.print) emit(pattern);
            if (cmd.file !== undefined) written.set(cmd.file, (written.get(cmd.file) ?? "") + pattern + "\n");
          }
          break;
        }
        case "y":
          pattern = [...pattern].map((c) => cmd.map!.get(c) ?? c).join("");
          break;
        case "b":
          jump(cmd.label);
          break;
        case "t":
        case "T":
          if (tested === (cmd.name === "t")) jump(cmd.label);
          if (cmd.name === "t") tested = false;
          break;
        case "d":
          deleted = true;
          break;
        case "D": {
          const nl = pattern.indexOf("\n");
          if (nl < 0) deleted = true;
          else {
            // What is left starts the next cycle, with no line read for it.
            pattern = pattern.slice(nl + 1);
            carried = true;
            deleted = true;
          }
          break;
        }
        // The pattern space goes out with the newline its last line came with (none at the end of
        // an input without one); text sed makes (=, i, l) always ends in one.
        case "p":
          emit(pattern);
          break;
        case "P":
          if (pattern.includes("\n")) emit(pattern.slice(0, pattern.indexOf("\n")), false);
          else emit(pattern);
          break;
        case "=":
          emit(String(lineNo), false);
          break;
        case "l":
          emit(listed(pattern), false);
          break;
        case "a":
          append += cmd.text + "\n";
          break;
        case "r": {
          const content = readFile(cmd.file!);
          if (content !== undefined) append += content.endsWith("\n") || content === "" ? content : `${content}\n`;
          break;
        }
        case "w":
          written.set(cmd.file!, (written.get(cmd.file!) ?? "") + pattern + "\n");
          break;
        case "i":
          emit(cmd.text!, false);
          break;
        case "c":
          // In a range, the text replaces the whole range: it goes out at its end.
          if (cmd.to === undefined || !cmd.active) emit(cmd.text!, false);
          deleted = true;
          break;
        case "n":
          if (isLast()) {
            quit = "print";
            break;
          }
          if (!quiet) emit(pattern);
          pattern = lines[next++]!;
          lineNo++;
          break;
        case "N":
          // GNU: with no next line, the pattern space is printed and sed ends.
          if (isLast()) {
            quit = "print";
            break;
          }
          pattern += `\n${lines[next++]!}`;
          lineNo++;
          break;
        case "g":
          pattern = hold;
          break;
        case "G":
          pattern += `\n${hold}`;
          break;
        case "h":
          hold = pattern;
          break;
        case "H":
          hold += `\n${pattern}`;
          break;
        case "x":
          [pattern, hold] = [hold, pattern];
          break;
        case "z":
          pattern = "";
          break;
        case "q":
        case "Q":
          quit = cmd.name === "q" ? "print" : "silent";
          break;
      }
      if (deleted || quit !== undefined) break;
    }
    if (!deleted && !quiet && quit !== "silent") emit(pattern);
    if (append !== "") emit(append.slice(0, -1), false);
    if (quit !== undefined) {
      save();
      return { output: out, written, quit: true };
    }
  }
  save();
  return { output: out, written, quit: false };
}

/** Scripts that read past the current line (or ask for the last) cannot run as lines arrive. */
function needsLookahead(cmds: readonly Command[]): boolean {
  return cmds.some((c) => c.from?.kind === "last" || c.to?.kind === "last" || c.name === "n" || c.name === "N" || c.name === "D");
}

/**
 * sed over standard input as it arrives, a line at a time, so that q ends it when the writer
 * never would (`kubectl logs -f web | sed '/ready/q'`). A script that needs to know which line is
 * the last, or reads ahead (n, N, D), is not run this way. The hold space lives across lines.
 */
function* streamStdin(ctx: ProcessContext, cmds: Command[], quiet: boolean, readFile: (name: string) => string | undefined): Proc<ReadonlyMap<string, string>> {
  let partial = "";
  const written = new Map<string, string>();
  const note = (r: RunResult) => r.written.forEach((v, k) => written.set(k, (written.get(k) ?? "") + v));
  // Each line runs as it comes; the line number and the hold space carry over.
  const state = { lineNo: 0, hold: "" };
  for (;;) {
    const chunk = yield* wait(ctx.stdin.read());
    if (chunk === null) break;
    const lines = (partial + chunk).split("\n");
    partial = lines.pop()!;
    let out = "";
    for (const line of lines) {
      const r = run(cmds, `${line}\n`, quiet, readFile, state);
      out += r.output;
      note(r);
      if (r.quit) {
        ctx.stdout.write(out);
        return written;
      }
    }
    ctx.stdout.write(out);
  }
  if (partial !== "") {
    const r = run(cmds, partial, quiet, readFile, state);
    note(r);
    ctx.stdout.write(r.output);
  }
  return written;
}

export function sed(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    const { args, suffix } = inPlaceSuffix(ctx.argv.slice(1));
    let o: ParsedOptions;
    try {
      const long = { quiet: "n", silent: "n", "expression=": "e", "regexp-extended": "E", "in-place": "i", separate: "s" };
      o = parseOptions(args, { short: "ne:f:Erisu", long: flavor === "busybox" ? busyboxLongOptions("sed", long) : long });
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
        if (e instanceof ScriptError && e.panic) {
          ctx.stderr.write(`sed: ${e.message}\n`);
          return 4;
        }
        if (e instanceof ScriptError || e instanceof RegexError) {
          const at = e instanceof ScriptError && e.char !== undefined ? e.char : scripts.join("\n").length;
          ctx.stderr.write(`sed: -e expression #1, char ${at}: ${e.message}\n`);
          return 1;
        }
        throw e;
      }
      const quiet = has(o, "n");
      const readFile = (name: string): string | undefined => {
        try {
          return ctx.fs.readText(ctx.resolve(name));
        } catch {
          return undefined;
        }
      };
      // w's files are emptied as the script starts, and hold what it wrote once it ends.
      const outputs = [...new Set(cmds.flatMap((c) => (c.file !== undefined && c.name !== "r" ? [c.file] : [])))];
      for (const f of outputs) writeOutput(ctx, f, "");
      const writeFiles = (written: ReadonlyMap<string, string>) => written.forEach((v, f) => writeOutput(ctx, f, v, true));
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
          const r = run(cmds, text, quiet, readFile);
          writeFiles(r.written);
          const failed = editInPlace(ctx, flavor, f, encodeText(r.output), suffix);
          if (failed !== undefined) return failed;
        }
        return status;
      }
      const inputs = operands.length === 0 ? ["-"] : operands;
      if (inputs.length === 1 && inputs[0] === "-" && !needsLookahead(cmds)) {
        writeFiles(yield* streamStdin(ctx, cmds, quiet, readFile));
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
      const r = run(cmds, text, quiet, readFile);
      writeFiles(r.written);
      ctx.stdout.write(r.output);
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
    // Past RLIMIT_FSIZE, SIGXFSZ ends sed with its temporary file left behind, as it does.
    const why = describeError(e);
    ctx.stderr.write(flavor === "gnu" ? `sed: couldn't open temporary file ${shown}: ${why}\n` : `sed: can't create temp file '${file}XXXXXX': ${why}\n`);
    return flavor === "gnu" ? 4 : 1;
  }
  if (written.error !== undefined && flavor === "gnu") {
    ctx.fs.unlink(temp);
    ctx.stderr.write(`sed: couldn't flush ${shown}: ${written.error.description}\n`);
    return 4;
  }
  // The temporary file gets the input's mode whatever the umask (copy_acl).
  ctx.fs.chmod(temp, ctx.fs.stat(abs).mode & 0o7777);
  // With a suffix the input is kept under its backup name (a * in it stands for the file's name).
  if (suffix !== undefined) {
    const base = abs.slice(abs.lastIndexOf("/") + 1);
    const backup = suffix.includes("*") ? `${dirname(abs)}/${suffix.replaceAll("*", base)}` : `${abs}${suffix}`;
    ctx.fs.rename(abs, backup);
  }
  ctx.fs.rename(temp, abs);
  return undefined;
}
