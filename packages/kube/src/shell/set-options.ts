import type { Flavor } from "./messages.js";
import type { ShellFlags } from "./shell.js";

/**
 * The options `set -o` knows, per shell, in the order it lists them: those the shell acts on map
 * to a flag; the others (line editing, history, hashing, job control's monitor, ...) are kept,
 * listed and shown in $-, and change nothing here.
 */
export interface SetOption {
  readonly name: string;
  /** The letter `set -X` and $- use, if any. */
  readonly letter?: string;
  /** The flag the shell acts on, if it does. */
  readonly flag?: keyof ShellFlags;
}

/** bash's o_options table (set.def), the same from 4.3 to 5.2 on Linux. */
const BASH: readonly SetOption[] = [
  { name: "allexport", letter: "a", flag: "allexport" },
  { name: "braceexpand", letter: "B" },
  { name: "emacs" },
  { name: "errexit", letter: "e", flag: "errexit" },
  { name: "errtrace", letter: "E" },
  { name: "functrace", letter: "T" },
  { name: "hashall", letter: "h" },
  { name: "histexpand", letter: "H" },
  { name: "history" },
  { name: "ignoreeof" },
  { name: "interactive-comments" },
  { name: "keyword", letter: "k" },
  { name: "monitor", letter: "m" },
  { name: "noclobber", letter: "C", flag: "noclobber" },
  { name: "noexec", letter: "n", flag: "noexec" },
  { name: "noglob", letter: "f", flag: "noglob" },
  { name: "nolog" },
  { name: "notify", letter: "b" },
  { name: "nounset", letter: "u", flag: "nounset" },
  { name: "onecmd", letter: "t" },
  { name: "physical", letter: "P" },
  { name: "pipefail", flag: "pipefail" },
  { name: "posix" },
  { name: "privileged", letter: "p" },
  { name: "verbose", letter: "v", flag: "verbose" },
  { name: "vi" },
  { name: "xtrace", letter: "x", flag: "xtrace" },
];

/** dash 0.5.12 as Debian 12 builds it: Debian's privileged, no pipefail yet. */
const DASH: readonly SetOption[] = [
  { name: "errexit", letter: "e", flag: "errexit" },
  { name: "noglob", letter: "f", flag: "noglob" },
  { name: "ignoreeof", letter: "I" },
  { name: "interactive", letter: "i" },
  { name: "monitor", letter: "m" },
  { name: "noexec", letter: "n", flag: "noexec" },
  { name: "stdin", letter: "s" },
  { name: "xtrace", letter: "x", flag: "xtrace" },
  { name: "verbose", letter: "v", flag: "verbose" },
  { name: "vi", letter: "V" },
  { name: "emacs", letter: "E" },
  { name: "noclobber", letter: "C", flag: "noclobber" },
  { name: "allexport", letter: "a", flag: "allexport" },
  { name: "notify", letter: "b" },
  { name: "nounset", letter: "u", flag: "nounset" },
  { name: "privileged", letter: "p" },
  { name: "nolog" },
  { name: "debug" },
];

/** busybox 1.28's ash, dash's table as it was (defconfig: bash compatibility brings pipefail; no emacs, vi without a letter, no debug). */
const ASH: readonly SetOption[] = [
  ...DASH.slice(0, DASH.findIndex((o) => o.name === "vi")),
  ...DASH.filter((o) => ["noclobber", "allexport", "notify", "nounset"].includes(o.name)),
  { name: "vi" },
  { name: "pipefail", flag: "pipefail" },
];

export const SET_OPTIONS: Readonly<Record<Flavor, readonly SetOption[]>> = { bash: BASH, dash: DASH, ash: ASH };

/**
 * The letters of $- in the order each shell writes them: bash in its shell_flags table's order
 * (`i` is the interactive shell's own); dash and ash walk their option table backwards.
 */
export const FLAG_ORDER: Readonly<Record<Flavor, string>> = { bash: "abefhikmnptuvxBCEHPT", dash: "pubaCEVvxsnmiIfe", ash: "ubaCvxsnmiIfe" };

export function setOptionByName(flavor: Flavor, name: string): SetOption | undefined {
  return SET_OPTIONS[flavor].find((o) => o.name === name);
}

export function setOptionByLetter(flavor: Flavor, letter: string): SetOption | undefined {
  return SET_OPTIONS[flavor].find((o) => o.letter === letter);
}

/**
 * The options a shell starts with on: bash's braceexpand, hashall and interactive-comments, and
 * line editing and history when interactive; dash's and ash's interactive and stdin as the shell
 * reads its commands; monitor where the shell does job control.
 */
export function startingOptionState(flavor: Flavor, o: { interactive: boolean; stdin: boolean; monitor: boolean }): Readonly<Record<string, boolean>> {
  if (flavor === "bash") {
    return { braceexpand: true, hashall: true, "interactive-comments": true, emacs: o.interactive, histexpand: o.interactive, history: o.interactive, monitor: o.monitor };
  }
  return { interactive: o.interactive, stdin: o.stdin, monitor: o.monitor };
}
