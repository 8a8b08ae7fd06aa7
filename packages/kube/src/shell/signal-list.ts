import type { Flavor } from "./messages.js";

/**
 * Linux's signals 1 to 64 as the shells name them for `kill -l` and `trap`: bash knows all
 * (32 and 33 belong to the C library and are not listed; 34 to 64 are the real-time signals,
 * counted from SIGRTMIN and back from SIGRTMAX); dash has no name for 16, 32 and 33.
 */
const STANDARD = [
  "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT",
  "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS",
];

/** Signal `n`'s name without SIG, or undefined for one the shell cannot name. */
export function signalName(n: number, flavor: Flavor): string | undefined {
  if (n >= 1 && n <= 31) return flavor !== "bash" && n === 16 ? undefined : STANDARD[n - 1];
  if (n >= 34 && n <= 49) return n === 34 ? "RTMIN" : `RTMIN+${n - 34}`;
  if (n >= 50 && n <= 64) return n === 64 ? "RTMAX" : `RTMAX-${64 - n}`;
  return undefined;
}

/** The number of a signal named with or without SIG (any case), or given as a number. */
export function signalNumber(spec: string, flavor: Flavor): number | undefined {
  if (/^\d+$/.test(spec)) return Number(spec);
  const name = spec.toUpperCase().replace(/^SIG/, "");
  for (let n = 1; n <= 64; n++) if (signalName(n, flavor) === name) return n;
  return undefined;
}

/** `kill -l` with no operand: bash's five-column table, dash's one name (or number) per line from 0. */
export function signalTable(flavor: Flavor): string {
  if (flavor === "bash") {
    let out = "";
    let column = 0;
    for (let n = 1; n <= 64; n++) {
      const name = signalName(n, flavor);
      if (name === undefined) continue;
      out += `${String(n).padStart(2)}) SIG${name}${++column % 5 === 0 ? "\n" : "\t"}`;
    }
    return column % 5 === 0 ? out : `${out}\n`;
  }
  let out = "0\n";
  for (let n = 1; n <= 64; n++) out += `${signalName(n, flavor) ?? n}\n`;
  return out;
}
