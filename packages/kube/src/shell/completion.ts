import { FsError } from "@ksim/sim";
import { resolvePath, type FileSystem } from "../runtime/fs.js";
import { BUILTINS } from "./builtins.js";
import type { Flavor } from "./messages.js";
import { isDir } from "./pattern.js";

/**
 * TAB at a bash prompt without programmable completion (no bash-completion package): the word
 * at the end of the line completes as a command name in command position (shell functions,
 * builtins, reserved words, executables on PATH) and as a file name elsewhere, or wherever it
 * has a `/`. A directory completes with `/`, a single other match with a space after it.
 */

/** What completion reads of the shell it completes for. */
export interface CompletionContext {
  readonly fs: FileSystem;
  readonly cwd: string;
  readonly flavor: Flavor;
  readonly home: string | undefined;
  readonly path: string;
  readonly functions: Iterable<string>;
}

/** The completions and the word they replace, as readline's completer takes them. */
export type Completion = readonly [readonly string[], string];

const RESERVED_WORDS = ["!", "case", "do", "done", "elif", "else", "esac", "fi", "for", "function", "if", "in", "select", "then", "time", "until", "while", "{", "}"];

/** Words after which the next one is a command: operators and the reserved words that start a list. */
const COMMAND_STARTERS = new Set([";", "|", "||", "&", "&&", "(", "$(", "`", "!", "then", "else", "elif", "do", "time", "{"]);

export function complete(line: string, ctx: CompletionContext): Completion {
  const word = /[^\s;|&()<>`]*$/.exec(line)![0];
  const before = line.slice(0, line.length - word.length);
  const previous = /(\S+)\s*$/.exec(before.replace(/([;|&()`])/g, " $1 "))?.[1];
  const commandPosition = previous === undefined || COMMAND_STARTERS.has(previous);
  const candidates = commandPosition && !word.includes("/") ? commandNames(word, ctx) : fileNames(word, ctx, commandPosition);
  const matches = [...new Set(candidates)].sort();
  if (matches.length === 1 && !matches[0]!.endsWith("/")) return [[`${matches[0]} `], word];
  return [matches, word];
}

function commandNames(prefix: string, ctx: CompletionContext): string[] {
  const names: string[] = [];
  const take = (name: string) => {
    if (name.startsWith(prefix)) names.push(name);
  };
  for (const name of ctx.functions) take(name);
  for (const [name, builtin] of BUILTINS) if (builtin.flavors.includes(ctx.flavor)) take(name);
  if (ctx.flavor === "bash") RESERVED_WORDS.forEach(take);
  for (const dir of ctx.path.split(":")) {
    if (dir === "") continue;
    for (const name of list(ctx.fs, dir)) {
      if (name.startsWith(prefix) && isExecutable(ctx.fs, `${dir}/${name}`)) names.push(name);
    }
  }
  return names;
}

/** File names completing `word`; in command position only directories and executables. */
function fileNames(word: string, ctx: CompletionContext, executablesOnly: boolean): string[] {
  const slash = word.lastIndexOf("/");
  const typedDir = slash < 0 ? "" : word.slice(0, slash + 1);
  const prefix = word.slice(slash + 1);
  const expanded = typedDir.startsWith("~/") && ctx.home !== undefined ? `${ctx.home}${typedDir.slice(1)}` : typedDir;
  const dir = resolvePath(ctx.cwd, expanded === "" ? "." : expanded);
  const names: string[] = [];
  for (const name of list(ctx.fs, dir)) {
    // Hidden names only when the word asks for them, as bash's default (no dotglob).
    if (!name.startsWith(prefix) || (name.startsWith(".") && !prefix.startsWith("."))) continue;
    const full = `${dir === "/" ? "" : dir}/${name}`;
    const isDirectory = isDir(ctx.fs, full);
    if (executablesOnly && !isDirectory && !isExecutable(ctx.fs, full)) continue;
    names.push(`${typedDir}${name}${isDirectory ? "/" : ""}`);
  }
  return names;
}

function list(fs: FileSystem, dir: string): string[] {
  try {
    return fs.readdir(dir);
  } catch (e) {
    if (e instanceof FsError) return [];
    throw e;
  }
}

function isExecutable(fs: FileSystem, path: string): boolean {
  try {
    const st = fs.stat(path);
    return st.type === "file" && (st.mode & 0o111) !== 0;
  } catch (e) {
    if (e instanceof FsError) return false;
    throw e;
  }
}
