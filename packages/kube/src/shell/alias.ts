import type { Proc } from "@ksim/sim";
import type { Shell } from "./shell.js";

/**
 * `alias` and `unalias`, in bash's words and in dash's (which busybox ash shares): bash lists its
 * aliases sorted, as `alias name='value'`; dash as `name='value'`, in the order of its hash table.
 */

/** bash's sh_single_quote: `'` inside becomes `'\''`. */
function bashQuote(value: string): string {
  if (value === "'") return "\\'";
  return `'${value.replace(/'/g, "'\\''")}'`;
}

/** dash's single_quote: runs without `'` in single quotes, runs of `'` in double quotes. */
export function dashQuote(value: string): string {
  let out = "";
  let s = value;
  do {
    const q = s.indexOf("'");
    const len = q < 0 ? s.length : q;
    out += `'${s.slice(0, len)}'`;
    s = s.slice(len);
    if (!s.startsWith("'")) break;
    const quotes = /^'+/.exec(s)![0];
    out += `"${quotes}"`;
    s = s.slice(quotes.length);
  } while (s !== "");
  return out;
}

/** dash's alias table has 39 buckets, hashed from the name's bytes; each keeps its aliases in the order they were made. */
function dashBucket(name: string): number {
  const bytes = new TextEncoder().encode(name);
  let hash = (bytes[0] ?? 0) << 4;
  for (const b of bytes) hash += b;
  return hash % 39;
}

function listing(sh: Shell, name: string, value: string): string {
  return sh.flavor === "bash" ? `alias ${name}=${bashQuote(value)}\n` : `${name}=${dashQuote(value)}\n`;
}

function notFound(sh: Shell, builtin: string, name: string): void {
  if (sh.flavor === "bash") sh.builtinError(builtin, `${name}: not found`);
  else sh.err(`${builtin}: ${name} not found\n`);
}

export function* alias(sh: Shell, args: readonly string[]): Proc<number> {
  let rest = args;
  let all = args.length === 0;
  if (sh.flavor === "bash") {
    // -p lists every alias before the operands are dealt with.
    for (; rest[0] === "-p"; rest = rest.slice(1)) all = true;
    if (rest[0] === "--") rest = rest.slice(1);
    else if (rest[0]?.startsWith("-") && rest[0] !== "-") {
      sh.builtinError("alias", `${rest[0].slice(0, 2)}: invalid option`);
      sh.err("alias: usage: alias [-p] [name[=value] ... ]\n");
      return 2;
    }
  }
  if (all) {
    const names = [...sh.aliases.keys()];
    // Array sort is stable: dash's buckets keep their aliases in the order they were made.
    if (sh.flavor === "bash") names.sort();
    else names.sort((a, b) => dashBucket(a) - dashBucket(b));
    for (const name of names) sh.out(listing(sh, name, sh.aliases.get(name)!));
  }
  let status = 0;
  for (const arg of rest) {
    const eq = arg.indexOf("=", 1);
    if (eq > 0) {
      sh.setAlias(arg.slice(0, eq), arg.slice(eq + 1));
      continue;
    }
    const value = sh.aliases.get(arg);
    if (value === undefined) {
      notFound(sh, "alias", arg);
      status = 1;
    } else sh.out(listing(sh, arg, value));
  }
  return status;
}

export function* unalias(sh: Shell, args: readonly string[]): Proc<number> {
  let rest = args;
  if (rest[0] === "-a") {
    for (const name of [...sh.aliases.keys()]) sh.setAlias(name, undefined);
    return 0;
  }
  if (rest[0] === "--") rest = rest.slice(1);
  if (rest.length === 0 && sh.flavor === "bash") {
    sh.err("unalias: usage: unalias [-a] name [name ...]\n");
    return 2;
  }
  let status = 0;
  for (const name of rest) {
    if (sh.aliases.has(name)) sh.setAlias(name, undefined);
    else {
      notFound(sh, "unalias", name);
      status = 1;
    }
  }
  return status;
}
