import type { Proc } from "@ksim/sim";
import { SpawnError } from "../runtime/process.js";
import { builtinOptions } from "./builtin-options.js";
import type { Shell } from "./shell.js";

/**
 * `hash`: the table of commands found on PATH. bash's takes -r (forget all), -p PATH NAME,
 * -d (forget names), -t (tell where names run from) and -l (as commands), and lists hits
 * and paths; dash's takes -r and lists the paths.
 */
export function* hash(sh: Shell, args: readonly string[]): Proc<number> {
  return sh.flavor === "bash" ? bashHash(sh, args) : dashHash(sh, args);
}

/** Looks a name up on PATH and hashes it unrun (0 hits); false after the complaint when it is nowhere. */
function hashName(sh: Shell, name: string): boolean {
  if (name.includes("/") || sh.functions.has(name) || sh.hasBuiltin(name)) return true;
  try {
    sh.commandHash.add(name, sh.ctx.which(name, sh.getVar("PATH")), 0);
    return true;
  } catch (e) {
    if (!(e instanceof SpawnError)) throw e;
    sh.builtinError("hash", `${name}: not found`);
    return false;
  }
}

function bashHash(sh: Shell, args: readonly string[]): number {
  const parsed = builtinOptions(sh, "hash", args, { letters: "dlp:rt", plus: false, usage: "hash [-lr] [-p pathname] [-dt] [name ...]" });
  if (typeof parsed === "number") return parsed;
  const has = (letter: string) => parsed.on.includes(letter);
  const path = parsed.values.find(([letter]) => letter === "p")?.[1];
  const [list, del, tell] = [has("l"), has("d"), has("t")];
  if (has("r")) sh.commandHash.clear();
  const names = parsed.operands;
  if (names.length === 0) {
    if (path !== undefined || del || tell || (has("r") && !list)) return 0;
    const rows = sh.commandHash.list(sh.flavor, sh.bashBuild);
    if (rows.length === 0) {
      if (!list) sh.out("hash: hash table empty\n");
    } else if (list) for (const r of rows) sh.out(`builtin hash -p ${r.path} ${r.name}\n`);
    else sh.out(`hits\tcommand\n${rows.map((r) => `${String(r.hits).padStart(4)}\t${r.path}\n`).join("")}`);
    return 0;
  }
  let status = 0;
  for (const name of names) {
    if (path !== undefined) sh.commandHash.add(name, path, 0);
    else if (del) {
      if (!sh.commandHash.delete(name)) {
        sh.builtinError("hash", `${name}: not found`);
        status = 1;
      }
    } else if (tell || list) {
      const hashed = sh.commandHash.path(name);
      if (hashed === undefined) {
        sh.builtinError("hash", `${name}: not found`);
        status = 1;
      } else if (list) sh.out(`builtin hash -p ${hashed} ${name}\n`);
      else sh.out(names.length > 1 ? `${name}\t${hashed}\n` : `${hashed}\n`);
    } else if (!hashName(sh, name)) status = 1;
  }
  return status;
}

function dashHash(sh: Shell, args: readonly string[]): number {
  let names = args;
  if (names[0] === "-r") {
    sh.commandHash.clear();
    names = names.slice(1);
  } else if (names[0] !== undefined && /^-./.test(names[0]) && names[0] !== "--") {
    sh.builtinError("hash", `Illegal option ${names[0].slice(0, 2)}`);
    return 2;
  }
  if (names[0] === "--") names = names.slice(1);
  if (args.length === 0) {
    for (const r of sh.commandHash.list(sh.flavor, sh.bashBuild)) sh.out(`${r.path}\n`);
    return 0;
  }
  let status = 0;
  for (const name of names) if (!hashName(sh, name)) status = 1;
  return status;
}
