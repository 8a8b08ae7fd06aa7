import type { Proc } from "@ksim/sim";
import { changeDirectory } from "./chdir.js";
import type { Shell } from "./shell.js";

/**
 * bash's directory stack (pushd.def): the working directory on top, then the directories pushd
 * saved. `+N` counts from the top (0), `-N` from the bottom; dirs shows $HOME as `~` unless -l.
 */

function stack(sh: Shell): string[] {
  return [sh.cwd, ...sh.dirStack];
}

function tilde(sh: Shell, dir: string): string {
  const home = sh.getVar("HOME");
  if (home === undefined || home === "" || home === "/") return dir;
  return dir === home ? "~" : dir.startsWith(`${home}/`) ? `~${dir.slice(home.length)}` : dir;
}

/** `+N` or `-N` as an index from the top; undefined when it is no such word, "range" past the stack. */
function position(arg: string, size: number): number | "range" | undefined {
  const m = /^([+-])(\d+)$/.exec(arg);
  if (m === null) return undefined;
  const n = Number(m[2]);
  if (n >= size) return "range";
  return m[1] === "+" ? n : size - 1 - n;
}

function show(sh: Shell): void {
  sh.out(`${stack(sh).map((d) => tilde(sh, d)).join(" ")}\n`);
}

export function* dirs(sh: Shell, args: readonly string[]): Proc<number> {
  let long = false;
  let perLine = false;
  let numbered = false;
  let clear = false;
  let which: string | undefined;
  for (const a of args) {
    if (/^[+-]\d+$/.test(a)) which = a;
    else if (/^-[clpv]+$/.test(a)) {
      clear ||= a.includes("c");
      long ||= a.includes("l");
      perLine ||= a.includes("p");
      numbered ||= a.includes("v");
    } else {
      sh.builtinError("dirs", `${a}: invalid option`);
      sh.err("dirs: usage: dirs [-clpv] [+N] [-N]\n");
      return 2;
    }
  }
  if (clear) {
    sh.dirStack = [];
    return 0;
  }
  const all = stack(sh).map((d) => (long ? d : tilde(sh, d)));
  if (which !== undefined) {
    const i = position(which, all.length);
    if (typeof i !== "number") {
      sh.builtinError("dirs", `${which}: directory stack index out of range`);
      return 1;
    }
    sh.out(`${all[i]}\n`);
    return 0;
  }
  if (numbered) sh.out(all.map((d, i) => `${String(i).padStart(2)}  ${d}\n`).join(""));
  else if (perLine) sh.out(all.map((d) => `${d}\n`).join(""));
  else sh.out(`${all.join(" ")}\n`);
  return 0;
}

export function* pushd(sh: Shell, args: readonly string[]): Proc<number> {
  const noChange = args.includes("-n");
  const operand = args.find((a) => a !== "-n");
  const all = stack(sh);
  if (operand === undefined || /^[+-]\d+$/.test(operand)) {
    if (all.length === 1) {
      sh.builtinError("pushd", operand === undefined ? "no other directory" : "directory stack empty");
      return 1;
    }
    // No directory: the top two change places; +N/-N: the stack turns until N is on top.
    let turned: string[];
    if (operand === undefined) turned = [all[1]!, all[0]!, ...all.slice(2)];
    else {
      const i = position(operand, all.length);
      if (typeof i !== "number") {
        sh.builtinError("pushd", `${operand}: directory stack index out of range`);
        return 1;
      }
      turned = [...all.slice(i), ...all.slice(0, i)];
    }
    if (!noChange && changeDirectory(sh, turned[0]!, "pushd") !== 0) return 1;
    sh.dirStack = turned.slice(1);
    show(sh);
    return 0;
  }
  if (noChange) sh.dirStack = [operand, ...sh.dirStack];
  else {
    const previous = sh.cwd;
    if (changeDirectory(sh, operand, "pushd") !== 0) return 1;
    sh.dirStack = [previous, ...sh.dirStack];
  }
  show(sh);
  return 0;
}

export function* popd(sh: Shell, args: readonly string[]): Proc<number> {
  const noChange = args.includes("-n");
  const operand = args.find((a) => a !== "-n");
  const all = stack(sh);
  if (all.length === 1) {
    sh.builtinError("popd", "directory stack empty");
    return 1;
  }
  let i = noChange ? 1 : 0;
  if (operand !== undefined) {
    const at = position(operand, all.length);
    if (typeof at !== "number") {
      sh.builtinError("popd", at === undefined ? `${operand}: invalid argument` : `${operand}: directory stack index out of range`);
      return 1;
    }
    i = at;
  }
  const rest = all.filter((_, k) => k !== i);
  if (i === 0 && changeDirectory(sh, rest[0]!, "popd") !== 0) return 1;
  sh.dirStack = rest.slice(1);
  show(sh);
  return 0;
}
