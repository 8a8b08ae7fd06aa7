import { FsError, type Proc } from "@ksim/sim";
import { resolvePath } from "../runtime/fs.js";
import { groupEntries, passwdEntries } from "../userland/users.js";
import { escapePattern, glob, matchPattern } from "./pattern.js";
import { SET_OPTIONS } from "./set-options.js";
import { shoptNames } from "./shopt.js";
import { signalName } from "./signal-list.js";
import { builtinOptions } from "./builtin-options.js";
import type { Shell } from "./shell.js";

/** bash's reserved words, in its table's order (what `compgen -k` lists). */
const RESERVED = ["if", "then", "else", "elif", "fi", "case", "esac", "for", "select", "while", "until", "do", "done", "in", "function", "time", "{", "}", "!", "[[", "]]", "coproc"];

/** The letters that stand for an action, and the actions -A names. */
const LETTER_ACTIONS: Readonly<Record<string, string>> = { a: "alias", b: "builtin", c: "command", d: "directory", e: "export", f: "file", g: "group", j: "job", k: "keyword", s: "service", u: "user", v: "variable" };
/** gen_action_completions' order: matches come action by action in it, whatever the options' order. */
const ACTIONS = ["alias", "arrayvar", "binding", "builtin", "command", "directory", "disabled", "enabled", "export", "file", "function", "group", "helptopic", "hostname", "job", "keyword", "running", "service", "setopt", "shopt", "signal", "stopped", "user", "variable"];
/** Variables bash computes when read: they are in its table, so `compgen -v` lists them. */
const DYNAMIC = ["BASHPID", "BASH_COMMAND", "BASH_SUBSHELL", "EPOCHREALTIME", "EPOCHSECONDS", "GROUPS", "LINENO", "RANDOM", "SECONDS"];

const USAGE = "compgen [-abcdefgjksuv] [-o option] [-A action] [-G globpat] [-W wordlist] [-F function] [-C command] [-X filterpat] [-P prefix] [-S suffix] [word]";

/**
 * `compgen [options] [word]`: the completions of `word` that the options ask for, one a line,
 * as programmable completion makes them: actions (-A and their letters) in bash's order, then
 * -G's glob, then -W's words; -X removes matches of a pattern (`!` keeps them instead, `&` is
 * the word), -P and -S add a prefix and a suffix. Status 1 when nothing matches. -F and -C
 * (functions and commands that complete) run only inside completion, which ksim's shell has not.
 */
export function* compgen(sh: Shell, args: readonly string[]): Proc<number> {
  const parsed = builtinOptions(sh, "compgen", args, { letters: "abcdefgjksuvo:A:G:W:F:C:X:P:S:", plus: false, usage: USAGE });
  if (typeof parsed === "number") return parsed;
  const actions = new Set<string>();
  for (const letter of parsed.on) if (LETTER_ACTIONS[letter] !== undefined) actions.add(LETTER_ACTIONS[letter]);
  let globpat: string | undefined;
  let wordlist: string | undefined;
  let filter: string | undefined;
  let prefix = "";
  let suffix = "";
  const optionNames = new Set<string>();
  for (const [letter, value = ""] of parsed.values) {
    if (letter === "A") {
      if (!ACTIONS.includes(value)) {
        sh.builtinError("compgen", `${value}: invalid action name`);
        return 2;
      }
      actions.add(value);
    } else if (letter === "o") optionNames.add(value);
    else if (letter === "G") globpat = value;
    else if (letter === "W") wordlist = value;
    else if (letter === "X") filter = value;
    else if (letter === "P") prefix = value;
    else if (letter === "S") suffix = value;
  }
  const word = parsed.operands[0] ?? "";
  if (optionNames.has("plusdirs") || optionNames.has("dirnames")) actions.add("directory");

  let matches: string[] = [];
  for (const action of ACTIONS) if (actions.has(action)) matches.push(...actionMatches(sh, action, word));
  if (globpat !== undefined) matches.push(...glob(sh.ctx.fs, sh.cwd, globpat));
  if (wordlist !== undefined) {
    const ifs = sh.getVar("IFS") ?? " \t\n";
    const split = wordlist.split(new RegExp(`[${ifs.replace(/[\]\\^-]/g, "\\$&")}]+`)).filter((w) => w !== "");
    matches.push(...split.filter((w) => w.startsWith(word)));
  }
  if (filter !== undefined) {
    const keep = filter.startsWith("!");
    const pattern = (keep ? filter.slice(1) : filter).replace(/(?<!\\)&/g, escapePattern(word));
    matches = matches.filter((m) => matchPattern(pattern, m) === keep);
  }
  for (const m of matches) sh.out(`${prefix}${m}${suffix}\n`);
  // Asked for nothing, it found nothing wrong either.
  const asked = actions.size > 0 || globpat !== undefined || wordlist !== undefined;
  return matches.length > 0 || !asked ? 0 : 1;
}

function actionMatches(sh: Shell, action: string, word: string): string[] {
  const starting = (names: Iterable<string>) => [...names].filter((n) => n.startsWith(word));
  switch (action) {
    case "alias":
      return starting(sh.aliases.keys());
    case "arrayvar":
      return starting(variableNames(sh).filter((n) => Array.isArray(sh.vars.get(n)?.value)));
    case "builtin":
    case "enabled":
    case "helptopic":
      return starting(builtinNames(sh));
    case "command":
      return [...starting(sh.aliases.keys()), ...starting(RESERVED), ...starting([...sh.functions.keys()].sort()), ...starting(builtinNames(sh)), ...pathCommands(sh, word)];
    case "directory":
      return files(sh, word, true);
    case "file":
      return files(sh, word, false);
    case "export":
      return starting(variableNames(sh).filter((n) => sh.vars.get(n)?.exported === true));
    case "function":
      return starting([...sh.functions.keys()].sort());
    case "group":
      return starting(groupEntries(sh.ctx.fs).map((g) => g.name));
    case "keyword":
      return starting(RESERVED);
    case "setopt":
      return starting(SET_OPTIONS[sh.flavor].map((o) => o.name));
    case "shopt":
      return starting(shoptNames(sh.bashBuild));
    case "signal": {
      const names: string[] = [];
      for (let n = 1; n <= 64; n++) {
        const name = signalName(n, sh.flavor);
        if (name !== undefined) names.push(`SIG${name}`);
      }
      return starting(names);
    }
    case "user":
      return starting(passwdEntries(sh.ctx.fs).map((u) => u.name));
    case "variable":
      return starting(variableNames(sh));
    default:
      // Key bindings, services, hostnames and jobs: nothing ksim's shell keeps.
      return [];
  }
}

/** Every variable that has a value or attributes, and the ones bash computes, sorted as strcmp does. */
function variableNames(sh: Shell): string[] {
  const names = new Set(sh.vars.keys());
  for (const name of DYNAMIC) names.add(name);
  return [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function builtinNames(sh: Shell): string[] {
  return sh.builtinNames().sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The executables on PATH that start with the word, directory by directory, as the directory lists them. */
function pathCommands(sh: Shell, word: string): string[] {
  if (word.includes("/")) return files(sh, word, false);
  const out: string[] = [];
  for (const dir of (sh.getVar("PATH") ?? "").split(":")) {
    const abs = resolvePath(sh.cwd, dir || ".");
    let names: string[];
    try {
      names = sh.ctx.fs.readdir(abs);
    } catch (e) {
      if (e instanceof FsError) continue;
      throw e;
    }
    for (const name of names) {
      if (!name.startsWith(word)) continue;
      try {
        const st = sh.ctx.fs.stat(`${abs}/${name}`);
        if (st.type === "file" && (st.mode & 0o111) !== 0) out.push(name);
      } catch (e) {
        if (!(e instanceof FsError)) throw e;
      }
    }
  }
  return out;
}

/**
 * The names in the word's directory that start with its last part, as readline's filename
 * completion finds them: hidden ones too (match-hidden-files is on), `.` and `..` only for a
 * part that starts with a dot.
 */
function files(sh: Shell, word: string, dirsOnly: boolean): string[] {
  const slash = word.lastIndexOf("/");
  const dir = slash < 0 ? "" : word.slice(0, slash + 1);
  const start = word.slice(slash + 1);
  let names: string[];
  try {
    names = sh.ctx.fs.readdir(resolvePath(sh.cwd, dir || "."));
  } catch (e) {
    if (e instanceof FsError) return [];
    throw e;
  }
  const out: string[] = [];
  for (const name of start.startsWith(".") ? [".", "..", ...names] : names) {
    if (!name.startsWith(start)) continue;
    if (dirsOnly) {
      try {
        if (sh.ctx.fs.stat(resolvePath(sh.cwd, `${dir}${name}`)).type !== "dir") continue;
      } catch (e) {
        if (!(e instanceof FsError)) throw e;
        continue;
      }
    }
    out.push(`${dir}${name}`);
  }
  return out;
}
