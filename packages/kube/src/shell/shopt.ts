import type { Proc } from "@ksim/sim";
import { bashAtLeast, type BashBuild } from "./bash-builds.js";
import { SET_OPTIONS, setOptionByName } from "./set-options.js";
import { builtinOptions } from "./builtin-options.js";
import type { Shell } from "./shell.js";

/**
 * bash's `shopt` options, as each release's builtins/shopt.def lists them (a Linux build: job
 * control, readline, history, programmable completion, no syslog_history), with the values a
 * shell starts with. The shell acts on nullglob, dotglob, failglob, nocaseglob, nocasematch,
 * xpg_echo, sourcepath and login_shell; the others are kept and listed, and change nothing here
 * (history, completion, aliases, window sizes and extended patterns are not modelled).
 */

/** 4.3's table: globstar still before globasciiranges. */
const BASH_43 = [
  "autocd", "cdable_vars", "cdspell", "checkhash", "checkjobs", "checkwinsize", "cmdhist", "compat31", "compat32", "compat40", "compat41", "compat42",
  "complete_fullquote", "direxpand", "dirspell", "dotglob", "execfail", "expand_aliases", "extdebug", "extglob", "extquote", "failglob", "force_fignore",
  "globstar", "globasciiranges", "gnu_errfmt", "histappend", "histreedit", "histverify", "hostcomplete", "huponexit", "interactive_comments", "lastpipe",
  "lithist", "login_shell", "mailwarn", "no_empty_cmd_completion", "nocaseglob", "nocasematch", "nullglob", "progcomp", "promptvars", "restricted_shell",
  "shift_verbose", "sourcepath", "xpg_echo",
];

/** Inserts `names` after `anchor` (at the front when it is undefined). */
function after(list: readonly string[], anchor: string | undefined, ...names: string[]): string[] {
  const at = anchor === undefined ? 0 : list.indexOf(anchor) + 1;
  return [...list.slice(0, at), ...names, ...list.slice(at)];
}

const BASH_44 = after(after(after(BASH_43.filter((n) => n !== "globstar"), "globasciiranges", "globstar"), "compat42", "compat43"), "huponexit", "inherit_errexit");
const BASH_51 = after(after(after(after(BASH_44, "autocd", "assoc_expand_once"), "compat43", "compat44"), "lithist", "localvar_inherit", "localvar_unset"), "progcomp", "progcomp_alias");
const BASH_52 = after(after(after(after(BASH_51, "globasciiranges", "globskipdots"), "nocasematch", "noexpand_translation"), "nullglob", "patsub_replacement"), "sourcepath", "varredir_close");

/** The options of a build, in its table's order. */
export function shoptNames(build: BashBuild): readonly string[] {
  if (!bashAtLeast(build, 4, 4)) return BASH_43;
  if (!bashAtLeast(build, 5, 0)) return BASH_44;
  return bashAtLeast(build, 5, 2) ? BASH_52 : BASH_51;
}

const ON_IN_EVERY_RELEASE = new Set(["cmdhist", "complete_fullquote", "extquote", "force_fignore", "hostcomplete", "interactive_comments", "progcomp", "promptvars", "sourcepath"]);

export type Shopts = Readonly<Record<string, boolean>>;

const startingValues = new Map<string, Shopts>();

/**
 * What the options are as a shell starts: reset_shopt_options' values (checkwinsize and
 * globasciiranges on from 5.0, globskipdots and patsub_replacement from 5.2), expand_aliases on
 * when interactive, login_shell on for a login shell.
 */
export function startingShopts(build: BashBuild, interactive: boolean, login: boolean): Shopts {
  const key = `${build.release} ${interactive} ${login}`;
  let values = startingValues.get(key);
  if (values === undefined) {
    const five = bashAtLeast(build, 5, 0);
    const on = new Set(ON_IN_EVERY_RELEASE);
    if (five) on.add("checkwinsize").add("globasciiranges").add("globskipdots").add("patsub_replacement");
    if (interactive) on.add("expand_aliases");
    if (login) on.add("login_shell");
    values = Object.freeze(Object.fromEntries(shoptNames(build).map((n) => [n, on.has(n)])));
    startingValues.set(key, values);
  }
  return values;
}

const OPTFMT = (name: string, on: boolean) => `${name.padEnd(15)}\t${on ? "on" : "off"}\n`;

/** The `shopt [-pqsu] [-o] [optname ...]` builtin. */
export function* shopt(sh: Shell, args: readonly string[]): Proc<number> {
  const parsed = builtinOptions(sh, "shopt", args, { letters: "psuoq", plus: false, usage: "shopt [-pqsu] [-o] [optname ...]" });
  if (typeof parsed === "number") return parsed;
  const flags = new Set(parsed.on);
  const names = parsed.operands;
  const [set, unset, quiet, print] = [flags.has("s"), flags.has("u"), flags.has("q"), flags.has("p")];
  if (set && unset) {
    sh.builtinError("shopt", "cannot set and unset shell options simultaneously");
    return 1;
  }
  if (flags.has("o")) return setOptions(sh, names, set, unset, quiet, print);
  const known = shoptNames(sh.bashBuild);
  const show = (name: string, on: boolean) => {
    if (!quiet) sh.out(print ? `shopt ${on ? "-s" : "-u"} ${name}\n` : OPTFMT(name, on));
  };
  if (names.length === 0) {
    // -s or -u alone lists the options that are on, or off.
    for (const name of known) if (!(set || unset) || sh.shopts[name] === set) show(name, sh.shopts[name]!);
    return 0;
  }
  let status = 0;
  for (const name of names) {
    if (!known.includes(name)) {
      sh.builtinError("shopt", `${name}: invalid shell option name`);
      status = 1;
    } else if (set || unset) {
      // login_shell says what the shell is: setting it changes nothing.
      if (name !== "login_shell") sh.setShopt(name, set);
    } else {
      if (!sh.shopts[name]) status = 1;
      show(name, sh.shopts[name]!);
    }
  }
  return status;
}

/** `shopt -o`: the `set -o` options, listed or changed. */
function setOptions(sh: Shell, names: readonly string[], set: boolean, unset: boolean, quiet: boolean, print: boolean): number {
  const listed = names.length === 0 ? SET_OPTIONS.bash.map((o) => o.name) : names;
  let status = 0;
  for (const name of listed) {
    const option = setOptionByName("bash", name);
    if (option === undefined) {
      sh.builtinError("shopt", `${name}: invalid option name`);
      // set_minus_o_option's usage status is not the failure set_shopt_o_options looks for.
      if (!(set || unset)) status = 1;
      continue;
    }
    const on = sh.optionOn(option);
    if (set || unset) {
      if (names.length > 0) sh.setOption(option, set);
      else if (!quiet && on === set) sh.out(print ? `set ${set ? "-" : "+"}o ${name}\n` : OPTFMT(name, set));
      continue;
    }
    if (!on) status = 1;
    if (!quiet) sh.out(print ? `set ${on ? "-" : "+"}o ${name}\n` : OPTFMT(name, on));
  }
  return status;
}
