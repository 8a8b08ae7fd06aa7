import type { Proc } from "@ksim/sim";
import type { Limit, Resource } from "../runtime/rlimits.js";
import { applyMode } from "../userland/files.js";
import { bashAtLeast } from "./bash-builds.js";
import { builtinOptions } from "./builtin-options.js";
import type { Shell } from "./shell.js";

/**
 * ulimit and umask: the two builtins that change the shell process's own kernel attributes,
 * which every command it starts afterwards inherits.
 */

/** A row of a shell's ulimit table: its letter, the resource, the unit it counts in. */
interface LimitRow {
  readonly letter: string;
  /** "pipe": bash's -p, PIPE_BUF, which no setrlimit changes. */
  readonly resource: Resource | "pipe";
  readonly factor: number;
  readonly description: string;
  readonly units?: string;
}

const row = (letter: string, resource: Resource | "pipe", factor: number, description: string, units?: string): LimitRow => ({ letter, resource, factor, description, units });

/** bash's ulimit.def table as built on Linux ("blocks" are 1024 bytes outside posix mode). */
const BASH_ROWS: readonly LimitRow[] = [
  row("c", "core", 1024, "core file size", "blocks"),
  row("d", "data", 1024, "data seg size", "kbytes"),
  row("e", "nice", 1, "scheduling priority"),
  row("f", "fsize", 1024, "file size", "blocks"),
  row("i", "sigpending", 1, "pending signals"),
  row("l", "memlock", 1024, "max locked memory", "kbytes"),
  row("m", "rss", 1024, "max memory size", "kbytes"),
  row("n", "nofile", 1, "open files"),
  row("p", "pipe", 512, "pipe size", "512 bytes"),
  row("q", "msgqueue", 1, "POSIX message queues", "bytes"),
  row("r", "rtprio", 1, "real-time priority"),
  row("s", "stack", 1024, "stack size", "kbytes"),
  row("t", "cpu", 1, "cpu time", "seconds"),
  row("u", "nproc", 1, "max user processes"),
  row("v", "as", 1024, "virtual memory", "kbytes"),
  row("x", "locks", 1, "file locks"),
];
/** bash 5.1 added -R (RLIMIT_RTTIME), first in its table, and widened the unit column for it. */
const RTTIME_ROW = row("R", "rttime", 1, "real-time non-blocking time", "microseconds");

/** dash's miscbltin.c table: its own names, 512-byte blocks. */
const DASH_ROWS: readonly LimitRow[] = [
  row("t", "cpu", 1, "time(seconds)"),
  row("f", "fsize", 512, "file(blocks)"),
  row("d", "data", 1024, "data(kbytes)"),
  row("s", "stack", 1024, "stack(kbytes)"),
  row("c", "core", 512, "coredump(blocks)"),
  row("m", "rss", 1024, "memory(kbytes)"),
  row("l", "memlock", 1024, "locked memory(kbytes)"),
  row("p", "nproc", 1, "process"),
  row("n", "nofile", 1, "nofiles"),
  row("v", "as", 1024, "vmemory(kbytes)"),
  row("w", "locks", 1, "locks"),
  row("r", "rtprio", 1, "rtprio"),
];

/** busybox's shell_builtin_ulimit table as the images' 1.28 has it (later releases took bash's names). */
const BUSYBOX_ROWS: readonly LimitRow[] = [
  row("f", "fsize", 512, "file size (blocks)"),
  row("t", "cpu", 1, "cpu time (seconds)"),
  row("d", "data", 1024, "data seg size (kb)"),
  row("s", "stack", 1024, "stack size (kb)"),
  row("c", "core", 512, "core file size (blocks)"),
  row("m", "rss", 1024, "resident set size (kb)"),
  row("l", "memlock", 1024, "locked memory (kb)"),
  row("p", "nproc", 1, "processes"),
  row("n", "nofile", 1, "file descriptors"),
  row("v", "as", 1024, "address space (kb)"),
  row("w", "locks", 1, "locks"),
  row("e", "nice", 1, "scheduling priority"),
  row("r", "rtprio", 1, "real-time priority"),
];

const PIPE_BUF = 4096;
const STRERROR = { EPERM: "Operation not permitted", EINVAL: "Invalid argument" } as const;

function rowsOf(sh: Shell): readonly LimitRow[] {
  if (sh.flavor === "dash") return DASH_ROWS;
  if (sh.flavor === "ash") return BUSYBOX_ROWS;
  return bashAtLeast(sh.bashBuild, 5, 1) ? [RTTIME_ROW, ...BASH_ROWS] : BASH_ROWS;
}

function current(sh: Shell, r: LimitRow): Limit {
  return r.resource === "pipe" ? { soft: PIPE_BUF, hard: PIPE_BUF } : sh.rlimits[r.resource];
}

function shown(value: number, r: LimitRow): string {
  return value === Infinity ? "unlimited" : String(Math.floor(value / r.factor));
}

/** What setrlimit refused, in each shell's words. */
function refusal(sh: Shell, r: LimitRow, errno: "EPERM" | "EINVAL"): number {
  if (sh.flavor === "bash") {
    sh.builtinError("ulimit", `${r.description}: cannot modify limit: ${STRERROR[errno]}`);
    return 1;
  }
  sh.builtinError("ulimit", sh.flavor === "dash" ? `error setting limit (${STRERROR[errno]})` : `error setting limit: ${STRERROR[errno]}`);
  return sh.flavor === "dash" ? 2 : 1;
}

function setLimit(sh: Shell, r: LimitRow, value: number, soft: boolean, hard: boolean): number {
  if (r.resource === "pipe") return refusal(sh, r, "EINVAL");
  const now = sh.rlimits[r.resource];
  const refused = sh.setLimit(r.resource, { soft: soft ? value : now.soft, hard: hard ? value : now.hard });
  return refused === undefined ? 0 : refusal(sh, r, refused);
}

/** `ulimit [-SHa] [-letter [limit]] …` as bash's ulimit.def reads it. */
function bashUlimit(sh: Shell, args: readonly string[]): number {
  const rows = rowsOf(sh);
  const parsed = builtinOptions(sh, "ulimit", args, { letters: `aSH${rows.map((r) => `${r.letter};`).join("")}`, plus: false, usage: `ulimit [-SH${bashUsageLetters(sh)}] [limit]` });
  if (typeof parsed === "number") return parsed;
  const [soft, hard, all] = ["S", "H", "a"].map((l) => parsed.on.includes(l));
  const commands = parsed.values.map(([letter, arg]) => ({ row: rows.find((r) => r.letter === letter)!, arg }));
  const operands = [...parsed.operands];
  if (all) {
    for (const r of rows) sh.out(`${described(sh, r)}${shown(hard && !soft ? current(sh, r).hard : current(sh, r).soft, r)}\n`);
    return 0;
  }
  if (commands.length === 0) commands.push({ row: rows.find((r) => r.letter === "f")!, arg: operands.shift() });
  else if (commands.at(-1)!.arg === undefined && operands.length > 0) commands.at(-1)!.arg = operands.shift();
  for (const { row: r, arg } of commands) {
    const now = current(sh, r);
    if (arg === undefined) {
      const value = soft || !hard ? now.soft : now.hard;
      sh.out(`${commands.length > 1 ? described(sh, r) : ""}${shown(value, r)}\n`);
      continue;
    }
    let value: number;
    if (arg === "hard") value = now.hard;
    else if (arg === "soft") value = now.soft;
    else if (arg === "unlimited") value = Infinity;
    else if (/^[0-9]*$/.test(arg)) value = Number(arg) * r.factor;
    else {
      sh.builtinError("ulimit", `${arg}: invalid number`);
      return 1;
    }
    // Without root, `unlimited` for the soft value means as high as the hard one allows.
    if (sh.ctx.cred.uid !== 0 && value === Infinity && !hard && now.soft <= now.hard) value = now.hard;
    const both = !soft && !hard;
    if (setLimit(sh, r, value, soft || both, hard || both) !== 0) return 1;
  }
  return 0;
}

function bashUsageLetters(sh: Shell): string {
  if (bashAtLeast(sh.bashBuild, 5, 1)) return "abcdefiklmnpqrstuvxPRT";
  return bashAtLeast(sh.bashBuild, 4, 4) ? "abcdefiklmnpqrstuvxPT" : "abcdefilmnpqrstuvxT";
}

/** printone's description and unit columns, which bash 5.1 widened. */
function described(sh: Shell, r: LimitRow): string {
  const unit = r.units === undefined ? `(-${r.letter}) ` : `(${r.units}, -${r.letter}) `;
  return `${r.description.padEnd(20)} ${unit.padStart(bashAtLeast(sh.bashBuild, 5, 1) ? 20 : 16)}`;
}

/** dash's and busybox's ulimit: one limit letter (the last given), -H/-S, one value. */
function ashUlimit(sh: Shell, args: readonly string[]): number {
  const rows = rowsOf(sh);
  let soft = false;
  let hard = false;
  let all = false;
  let letter: string | undefined;
  let i = 0;
  for (; i < args.length && /^-./.test(args[i]!); i++) {
    if (args[i] === "--") {
      i++;
      break;
    }
    for (const c of args[i]!.slice(1)) {
      if (c === "S") soft = true;
      else if (c === "H") hard = true;
      else if (c === "a") all = true;
      else if (rows.some((r) => r.letter === c)) letter = c;
      else {
        sh.builtinError("ulimit", sh.flavor === "dash" ? `Illegal option -${c}` : `invalid option -- '${c}'`);
        return 2;
      }
    }
  }
  const operands = args.slice(i);
  // busybox 1.28's prints nothing when asked for nothing; dash's then means -f.
  if (sh.flavor === "ash" && letter === undefined && operands.length === 0 && !all) return 0;
  const r = rows.find((x) => x.letter === (letter ?? "f"))!;
  // Printing shows the soft value unless only -H is given (busybox: whenever -H is).
  const showHard = hard && (!soft || sh.flavor === "ash");
  // Setting sets both unless told.
  if (!soft && !hard) soft = hard = true;
  if (operands.length > 0 && (all || operands.length > 1) && sh.flavor === "dash") {
    sh.builtinError("ulimit", "too many arguments");
    return 2;
  }
  const pick = (l: Limit) => (showHard ? l.hard : l.soft);
  if (all) {
    for (const x of rows) sh.out(sh.flavor === "dash" ? `${x.description.padEnd(20)} ${shown(pick(current(sh, x)), x)}\n` : `-${x.letter}: ${x.description.padEnd(30)} ${shown(pick(current(sh, x)), x)}\n`);
    return 0;
  }
  const arg = operands[0];
  if (arg === undefined) {
    sh.out(`${shown(pick(current(sh, r)), r)}\n`);
    return 0;
  }
  let value = Infinity;
  if (arg !== "unlimited") {
    if (!/^[0-9]*$/.test(arg)) {
      sh.builtinError("ulimit", sh.flavor === "dash" ? "bad number" : `invalid number '${arg}'`);
      return sh.flavor === "dash" ? 2 : 1;
    }
    value = Number(arg) * r.factor;
  }
  return setLimit(sh, r, value, soft, hard);
}

export function* ulimit(sh: Shell, args: readonly string[]): Proc<number> {
  return sh.flavor === "bash" ? bashUlimit(sh, args) : ashUlimit(sh, args);
}

/** `umask [-p] [-S] [mode]`: -S shows what the mask allows, as `u=rwx,g=rx,o=rx`; -p (bash) as a command. */
export function* umask(sh: Shell, args: readonly string[]): Proc<number> {
  let rest = args;
  let symbolic = false;
  let reusable = false;
  for (; rest[0] === "-S" || (rest[0] === "-p" && sh.flavor === "bash"); rest = rest.slice(1)) {
    if (rest[0] === "-S") symbolic = true;
    else reusable = true;
  }
  if (rest[0] !== undefined && /^-./.test(rest[0]) && rest[0] !== "--") {
    sh.builtinError("umask", sh.flavor === "bash" ? `${rest[0].slice(0, 2)}: invalid option` : `Illegal option ${rest[0].slice(0, 2)}`);
    if (sh.flavor === "bash") sh.err("umask: usage: umask [-p] [-S] [mode]\n");
    return 2;
  }
  if (rest[0] === "--") rest = rest.slice(1);
  const spec = rest[0];
  if (spec === undefined) {
    const mask = sh.umask;
    const allowed = (shift: number) => {
      const bits = ~(mask >> shift) & 7;
      return `${bits & 4 ? "r" : ""}${bits & 2 ? "w" : ""}${bits & 1 ? "x" : ""}`;
    };
    const text = symbolic ? `u=${allowed(6)},g=${allowed(3)},o=${allowed(0)}` : mask.toString(8).padStart(4, "0");
    sh.out(`${reusable ? `umask ${symbolic ? "-S " : ""}` : ""}${text}\n`);
    return 0;
  }
  if (/^[0-9]/.test(spec)) {
    if (!/^[0-7]+$/.test(spec) || parseInt(spec, 8) > 0o777) {
      sh.builtinError("umask", sh.flavor === "bash" ? `${spec}: octal number out of range` : `Illegal number: ${spec}`);
      return sh.flavor === "bash" ? 1 : 2;
    }
    sh.setUmask(parseInt(spec, 8));
    return 0;
  }
  // A symbolic mode says what to allow: it applies to the permissions the mask leaves.
  const allowed = applyMode(~sh.umask & 0o777, spec);
  if (allowed === undefined) {
    sh.builtinError("umask", sh.flavor === "bash" ? symbolicError(spec) : `Illegal mode: ${spec}`);
    return sh.flavor === "bash" ? 1 : 2;
  }
  sh.setUmask(~allowed & 0o777);
  return 0;
}

/** bash's symbolic_umask complaint: the first character that is neither who, operator nor permission. */
function symbolicError(spec: string): string {
  for (const clause of spec.split(",")) {
    const who = /^[ugoa]*/.exec(clause)![0];
    const op = clause[who.length];
    if (op === undefined || !"+-=".includes(op)) return `\`${op ?? ""}': invalid symbolic mode operator`;
    const bad = [...clause.slice(who.length + 1)].find((c) => !"rwx".includes(c));
    if (bad !== undefined) return `\`${bad}': invalid symbolic mode character`;
  }
  return `${spec}: invalid symbolic mode`;
}
