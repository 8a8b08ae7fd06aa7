import { FsError, type Proc } from "@ksim/sim";
import { SIGNALS, parseSignal, signalOfNumber, type ProcessContext, type ProcessInfo, type Signal } from "../runtime/process.js";
import { MONTHS, two, usageFailure, type Flavor } from "./common.js";
import { readMeminfo } from "./free.js";
import { userName } from "./users.js";

/**
 * procps (ps, kill, pkill, pgrep) and their busybox counterparts, over the processes of the
 * container's PID namespace.
 */

interface Column {
  readonly header: string;
  readonly width: number;
  readonly right: boolean;
}

/**
 * Lays out rows the way procps does: a value wider than its column pushes the rest of the line
 * right, and the following columns give back that space from their padding where they can.
 */
function layout(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const line = (values: readonly string[]): string => {
    let out = "";
    let debt = 0;
    columns.forEach((c, i) => {
      const v = values[i]!;
      const lastColumn = i === columns.length - 1;
      let pad = c.width - v.length;
      if (pad < 0) {
        debt -= pad;
        pad = 0;
      } else {
        const give = Math.min(pad, debt);
        pad -= give;
        debt -= give;
      }
      if (i > 0) out += " ";
      out += c.right ? " ".repeat(pad) + v : lastColumn ? v : v + " ".repeat(pad);
    });
    return out;
  };
  return [line(columns.map((c) => c.header)), ...rows.map(line)].join("\n") + "\n";
}

function cpuTime(ms: number): string {
  const s = Math.floor(ms / 1000);
  const days = Math.floor(s / 86400);
  const hms = `${two(Math.floor((s % 86400) / 3600))}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
  return days > 0 ? `${days}-${hms}` : hms;
}

/** STIME: the time of day within the last day, the date within the year, else the year. */
function startTime(startEpoch: number, nowEpoch: number): string {
  const d = new Date(startEpoch);
  if (nowEpoch - startEpoch < 24 * 3600 * 1000) return `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
  if (new Date(nowEpoch).getUTCFullYear() === d.getUTCFullYear()) return `${MONTHS[d.getUTCMonth()]}${two(d.getUTCDate())}`;
  return String(d.getUTCFullYear());
}

/** `zookeeper` → `zookeep+`: procps shows at most 8 characters of a user name. */
function userColumn(ctx: ProcessContext, uid: number): string {
  const name = userName(ctx.fs, uid) ?? String(uid);
  return name.length > 8 ? `${name.slice(0, 7)}+` : name;
}

const PS_USAGE = `\nUsage:\n ps [options]\n\n Try 'ps --help <simple|list|output|threads|misc|all>'\n  or 'ps --help <s|l|o|t|m|a>'\n for additional help text.\n\nFor more details see ps(1).\n`;

/** A `-o` format specifier: its header, its column, and what it shows of a process. */
interface FormatSpec extends Column {
  readonly value: (p: ProcessInfo, v: PsValues) => string;
}

/** What several specifiers compute the same way as ps aux does. */
interface PsValues {
  readonly state: (p: ProcessInfo) => string;
  readonly pcpu: (p: ProcessInfo) => string;
  readonly pmem: (p: ProcessInfo) => string;
  readonly user: (uid: number) => string;
  readonly elapsedMs: (p: ProcessInfo) => number;
  readonly start: (p: ProcessInfo) => string;
}

const spec = (header: string, width: number, right: boolean, value: FormatSpec["value"]): FormatSpec => ({ header, width, right, value });
const args = spec("COMMAND", 27, false, (p) => p.commandLine);
const pcpuSpec = spec("%CPU", 4, true, (p, v) => v.pcpu(p));
const pmemSpec = spec("%MEM", 4, true, (p, v) => v.pmem(p));
const cputime = spec("TIME", 8, true, (p) => cpuTime(p.cpuMs));
const rss = spec("RSS", 5, true, (p) => String(p.stats.residentKiB));

/** procps's format specifiers (those ksim has values for), with their headers and widths. */
const FORMAT_SPECS: Readonly<Record<string, FormatSpec>> = {
  pid: spec("PID", 5, true, (p) => String(p.pid)),
  ppid: spec("PPID", 5, true, (p) => String(p.ppid)),
  uid: spec("UID", 5, true, (p) => String(p.uid)),
  gid: spec("GID", 5, true, (p) => String(p.gid)),
  user: spec("USER", 8, false, (p, v) => v.user(p.uid)),
  comm: spec("COMMAND", 15, false, (p) => p.comm),
  args,
  command: args,
  cmd: { ...args, header: "CMD" },
  stat: spec("STAT", 4, false, (p, v) => v.state(p) + (p.pid === 1 ? "s" : "")),
  s: spec("S", 1, false, (p, v) => v.state(p)),
  state: spec("S", 1, false, (p, v) => v.state(p)),
  rss,
  rsz: { ...rss, header: "RSZ" },
  vsz: spec("VSZ", 6, true, (p) => String(p.stats.sizePages * 4)),
  etime: spec("ELAPSED", 11, true, (p, v) => elapsedTime(v.elapsedMs(p))),
  etimes: spec("ELAPSED", 7, true, (p, v) => String(Math.floor(v.elapsedMs(p) / 1000))),
  time: cputime,
  cputime,
  "%cpu": pcpuSpec,
  pcpu: pcpuSpec,
  "%mem": pmemSpec,
  pmem: pmemSpec,
  tty: spec("TT", 8, false, () => "?"),
  tt: spec("TT", 8, false, () => "?"),
  start: spec("STARTED", 8, true, (p, v) => v.start(p)),
};

/** ELAPSED: [[dd-]hh:]mm:ss. */
function elapsedTime(ms: number): string {
  const s = Math.floor(ms / 1000);
  const days = Math.floor(s / 86400);
  const hours = Math.floor((s % 86400) / 3600);
  const ms2 = `${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
  return days > 0 ? `${days}-${two(hours)}:${ms2}` : hours > 0 ? `${two(hours)}:${ms2}` : ms2;
}

/** `-o` lists: specifiers split at commas and blanks, each `name` or `name=HEADER` (the rest of the word). */
function parseFormat(text: string): { spec: FormatSpec; header: string }[] | string {
  const out: { spec: FormatSpec; header: string }[] = [];
  for (const item of text.split(/[\s,]+/).filter((w) => w !== "")) {
    const eq = item.indexOf("=");
    const name = eq < 0 ? item : item.slice(0, eq);
    const found = FORMAT_SPECS[name.toLowerCase()];
    if (found === undefined) return name;
    out.push({ spec: found, header: eq < 0 ? found.header : item.slice(eq + 1) });
  }
  return out;
}

export function* ps(ctx: ProcessContext): Proc<number> {
  const argv = ctx.argv.slice(1);
  let all = false;
  let full = false;
  let long = false;
  let bsd = false;
  let headers = true;
  const format: { spec: FormatSpec; header: string }[] = [];
  // -p, -C and -u select processes (any of them); without one, ps shows this user's.
  let pids: Set<number> | undefined;
  let commands: Set<string> | undefined;
  let users: Set<string> | undefined;
  const listOf = (text: string) => text.split(/[\s,]+/).filter((w) => w !== "");
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--no-headers" || a === "--no-heading") headers = false;
    else if (/^--(pid|format|user)(=|$)/.test(a)) {
      const [flag, attached] = a.split(/=(.*)/s) as [string, string | undefined];
      const value = attached ?? argv[++i] ?? "";
      if (flag === "--pid") (pids ??= new Set()).add(Number(value));
      else if (flag === "--user") listOf(value).forEach((u) => (users ??= new Set()).add(u));
      else {
        const f = parseFormat(value);
        if (typeof f === "string") return psError(ctx, `unknown user-defined format specifier "${f}"`);
        format.push(...f);
      }
    } else if (/^-/.test(a)) {
      for (let k = 1; k < a.length; k++) {
        const f = a[k]!;
        if (f === "e" || f === "A") all = true;
        else if (f === "f") full = true;
        else if (f === "l") long = true;
        else if (f === "w" || f === "H") continue;
        else if (f === "o" || f === "p" || f === "C" || f === "u" || f === "U") {
          // The option's value is the rest of the word, or the next one.
          const value = k + 1 < a.length ? a.slice(k + 1) : (argv[++i] ?? "");
          if (f === "o") {
            const parsed = parseFormat(value);
            if (typeof parsed === "string") return psError(ctx, `unknown user-defined format specifier "${parsed}"`);
            format.push(...parsed);
          } else if (f === "p") for (const n of listOf(value)) (pids ??= new Set()).add(Number(n));
          else if (f === "C") for (const n of listOf(value)) (commands ??= new Set()).add(n);
          else for (const n of listOf(value)) (users ??= new Set()).add(n);
          break;
        } else return psError(ctx, "unsupported SysV option");
      }
    } else if (/^[auxw]+$/.test(a)) {
      bsd = true;
      all = true;
    } else return psError(ctx, "garbage option");
  }
  const now = ctx.epochMs();
  const start0 = now - ctx.sim.now;
  const userOf = (uid: number) => userName(ctx.fs, uid) ?? String(uid);
  const selecting = pids !== undefined || commands !== undefined || users !== undefined;
  const procs = ctx.processes().filter((p) =>
    selecting
      ? (pids?.has(p.pid) ?? false) || (commands?.has(p.comm) ?? false) || (users?.has(userOf(p.uid)) ?? false) || (users?.has(String(p.uid)) ?? false)
      : all || p.uid === ctx.cred.uid,
  );
  const state = (p: ProcessInfo) => (p.pid === ctx.pid ? "R" : p.state);
  const elapsed = (p: ProcessInfo) => Math.max(1, ctx.sim.now - p.startedAt);
  const cpuPercent = (p: ProcessInfo) => Math.floor((p.cpuMs / elapsed(p)) * 100);
  // pr_pmem: tenths of a percent of MemTotal, cut (not rounded) and capped at 99.9.
  let memTotal = 0;
  if (bsd || format.length > 0) {
    try {
      memTotal = readMeminfo(ctx)["MemTotal"] ?? 0;
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
    }
  }
  // pr_pcpu: CPU time in jiffies (100 Hz) over whole seconds of life, in tenths of a percent, cut.
  const pcpu = (p: ProcessInfo) => {
    const seconds = Math.floor(elapsed(p) / 1000);
    const tenths = seconds === 0 ? 0 : Math.floor((Math.floor(p.cpuMs / 10) * 10) / seconds);
    return tenths > 999 ? String(Math.floor(tenths / 10)) : `${Math.floor(tenths / 10)}.${tenths % 10}`;
  };
  const pmem = (p: ProcessInfo) => {
    const tenths = memTotal === 0 ? 0 : Math.min(999, Math.floor((p.stats.residentKiB * 1000) / memTotal));
    return `${Math.floor(tenths / 10)}.${tenths % 10}`;
  };
  const status = selecting && procs.length === 0 ? 1 : 0;
  if (format.length > 0) {
    const values: PsValues = { state, pcpu, pmem, user: (uid) => userColumn(ctx, uid), elapsedMs: (p) => ctx.sim.now - p.startedAt, start: (p) => startTime(start0 + p.startedAt, now) };
    const cols = format.map(({ spec: f, header }, i) => ({ header, right: f.right, width: i === format.length - 1 && !f.right ? 0 : f.width }));
    // A command line that is not the last column is cut to its width.
    const rows = procs.map((p) => format.map(({ spec: f }, i) => {
      const v = f.value(p, values);
      return f.value === args.value && i < format.length - 1 ? v.slice(0, args.width) : v;
    }));
    const text = layout(cols, rows);
    ctx.stdout.write(headers && format.some((f) => f.header !== "") ? text : text.slice(text.indexOf("\n") + 1));
    return status;
  }
  if (bsd) {
    const cols: Column[] = [
      { header: "USER", width: 8, right: false },
      { header: "PID", width: 5, right: true },
      { header: "%CPU", width: 4, right: true },
      { header: "%MEM", width: 4, right: true },
      { header: "VSZ", width: 6, right: true },
      { header: "RSS", width: 5, right: true },
      { header: "TTY", width: 8, right: false },
      { header: "STAT", width: 4, right: false },
      { header: "START", width: 5, right: false },
      { header: "TIME", width: 6, right: true },
      { header: "COMMAND", width: 0, right: false },
    ];
    const rows = procs.map((p) => {
      const t = Math.floor(p.cpuMs / 1000);
      return [userColumn(ctx, p.uid), String(p.pid), pcpu(p), pmem(p), String(p.stats.sizePages * 4), String(p.stats.residentKiB), "?", state(p) + (p.pid === 1 ? "s" : ""), startTime(start0 + p.startedAt, now), `${Math.floor(t / 60)}:${two(t % 60)}`, p.commandLine];
    });
    ctx.stdout.write(layout(cols, rows));
    return status;
  }
  const cols: Column[] = [];
  const add = (header: string, width: number, right: boolean) => cols.push({ header, width, right });
  if (long) {
    add("F", 1, true);
    add("S", 1, false);
  }
  if (full || long) add("UID", full ? 8 : 5, !full);
  add("PID", 5, true);
  if (full || long) {
    add("PPID", 5, true);
    add("C", 2, true);
  }
  if (long) {
    add("PRI", 3, true);
    add("NI", 3, true);
    add("ADDR", 1, false);
    add("SZ", 5, true);
    add("WCHAN", 6, false);
  }
  if (full) add("STIME", 5, false);
  add("TTY", 8, false);
  add("TIME", 8, true);
  add("CMD", 0, false);
  const rows = procs.map((p) => {
    const r: string[] = [];
    if (long) r.push(p.pid === 1 ? "4" : "0", state(p));
    if (full) r.push(userColumn(ctx, p.uid));
    else if (long) r.push(String(p.uid));
    r.push(String(p.pid));
    if (full || long) r.push(String(p.ppid), String(Math.min(99, cpuPercent(p))));
    if (long) r.push("80", "0", "-", String(p.stats.sizePages), "-");
    if (full) r.push(startTime(start0 + p.startedAt, now));
    r.push("?", cpuTime(p.cpuMs), full ? p.commandLine : p.comm);
    return r;
  });
  ctx.stdout.write(layout(cols, rows));
  return status;
}

function psError(ctx: ProcessContext, message: string): number {
  ctx.stderr.write(`error: ${message}\n${PS_USAGE}`);
  return 1;
}

export function* busyboxPs(ctx: ProcessContext): Proc<number> {
  let out = "PID   USER     TIME  COMMAND\n";
  for (const p of ctx.processes()) {
    const t = Math.floor(p.cpuMs / 1000);
    const user = (userName(ctx.fs, p.uid) ?? String(p.uid)).slice(0, 8);
    out += `${String(p.pid).padStart(5)} ${user.padEnd(8)} ${`${Math.floor(t / 60)}:${two(t % 60)}`.padStart(5)} ${p.commandLine}\n`;
  }
  ctx.stdout.write(out);
  return 0;
}

/** procps names signal 29 POLL (bash says IO). */
function procpsName(n: number): string {
  const name = signalOfNumber(n)!.slice(3);
  return name === "IO" ? "POLL" : name;
}

/** procps's unix_print_signals: the names on lines that break once past column 73. */
function signalList(): string {
  let out = "";
  let pos = 0;
  for (let n = 1; n <= 31; n++) {
    if (n > 1) {
      if (pos > 73) {
        out += "\n";
        pos = 0;
      } else {
        out += " ";
        pos++;
      }
    }
    const name = procpsName(n);
    out += name;
    pos += name.length;
  }
  return out + "\n";
}

/** procps's pretty_print_signals (`kill -L`): seven to a line, each number and name in eleven columns. */
function signalTable(): string {
  let out = "";
  for (let n = 1; n <= 31; n++) {
    const entry = `${String(n).padStart(2)} ${procpsName(n)}`;
    out += n % 7 === 0 ? `${entry}\n` : entry.padEnd(11);
  }
  return out + "\n";
}

export function killProgram(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    const args = ctx.argv.slice(1);
    const name = ctx.argv[0] ?? "kill";
    // Signal 0 sends nothing: it asks whether the process is there.
    let signal: Signal | 0 = "SIGTERM";
    let i = 0;
    if (flavor !== "busybox" && (args[0] === "-L" || args[0] === "--table")) {
      ctx.stdout.write(signalTable());
      return 0;
    }
    if (args[0] === "-l" || args[0] === "-L" || args[0] === "--list") {
      // With an operand, -l turns a number into its name and a name into its number.
      const operand = args[1];
      if (flavor !== "busybox" && operand !== undefined) {
        const signal = parseSignal(operand);
        if (signal === undefined) {
          // procps says so and still succeeds.
          ctx.stderr.write(`${name}: unknown signal name ${operand}\n`);
          return 0;
        }
        ctx.stdout.write(/^\d+$/.test(operand) ? `${procpsName(SIGNALS[signal])}\n` : `${SIGNALS[signal]}\n`);
        return 0;
      }
      ctx.stdout.write(signalList());
      return 0;
    }
    if (args[0] === "-s" || args[0] === "--signal") {
      const s = args[1] === "0" ? 0 : parseSignal(args[1] ?? "");
      if (s === undefined) {
        ctx.stderr.write(`${name}: unknown signal: ${args[1] ?? ""}\n`);
        return 1;
      }
      signal = s;
      i = 2;
    } else if (args[0] !== undefined && /^-[A-Za-z0-9]+$/.test(args[0])) {
      const s = args[0] === "-0" ? 0 : parseSignal(args[0].slice(1));
      if (s === undefined) {
        ctx.stderr.write(flavor === "busybox" ? `kill: bad signal name '${args[0].slice(1)}'\n` : `${name}: unknown signal: ${args[0].slice(1)}\n`);
        return 1;
      }
      signal = s;
      i = 1;
    }
    if (args[i] === "--") i++;
    const pids = args.slice(i);
    if (pids.length === 0) {
      if (flavor === "busybox") return usageFailure(ctx, flavor, "you need to specify whom to kill");
      ctx.stderr.write(`\nUsage:\n kill [options] <pid> [...]\n\nOptions:\n <pid> [...]            send signal to every <pid> listed\n -<signal>, -s, --signal <signal>\n                        specify the <signal> to be sent\n -l, --list=[<signal>]  list all signal names, or convert one to a name\n -L, --table            list all signal names in a nice table\n\n -h, --help     display this help and exit\n -V, --version  output version information and exit\n\nFor more details see kill(1).\n`);
      return 1;
    }
    let status = 0;
    for (const p of pids) {
      const pid = Number(p);
      if (!Number.isInteger(pid)) {
        ctx.stderr.write(flavor === "busybox" ? `kill: invalid number '${p}'\n` : `${name}: failed to parse argument: '${p}'\n`);
        status = 1;
        continue;
      }
      if (signal === 0 ? !ctx.processExists(pid) : !ctx.kill(pid, signal)) {
        ctx.stderr.write(flavor === "busybox" ? `kill: can't kill pid ${pid}: No such process\n` : `${name}: (${pid}): No such process\n`);
        status = 1;
      }
    }
    return status;
  };
}

/** pgrep and pkill (procps or busybox): ERE matched against the process name or (-f) command line. */
export function pgrepProgram(kind: "pgrep" | "pkill", flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    const args = ctx.argv.slice(1);
    let signal: Signal = "SIGTERM";
    let fullLine = false;
    let exact = false;
    let list = false;
    let listFull = false;
    let countOnly = false;
    let newest = false;
    let oldest = false;
    let user: string | undefined;
    let delimiter = "\n";
    let pattern: string | undefined;
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === "--signal") {
        const s = parseSignal(args[++i] ?? "");
        if (s === undefined) return badSignal(ctx, kind, args[i] ?? "");
        signal = s;
        continue;
      }
      if (a.startsWith("-") && a.length > 1 && pattern === undefined) {
        const s = kind === "pkill" && /^-[A-Z0-9]/.test(a) ? parseSignal(a.slice(1)) : undefined;
        if (s !== undefined) {
          signal = s;
          continue;
        }
        for (let k = 1; k < a.length; k++) {
          const f = a[k]!;
          if (f === "f") fullLine = true;
          else if (f === "x") exact = true;
          else if (f === "l") list = true;
          else if (f === "a") listFull = true;
          else if (f === "c") countOnly = true;
          else if (f === "n") newest = true;
          else if (f === "o") oldest = true;
          else if (f === "u") {
            user = a.slice(k + 1) || args[++i];
            break;
          } else if (f === "d") {
            delimiter = a.slice(k + 1) || args[++i] || "\n";
            break;
          } else {
            if (flavor === "busybox") return usageFailure(ctx, flavor, `invalid option -- '${f}'`);
            ctx.stderr.write(`${kind}: invalid option -- '${f}'\nUsage:\n ${kind} [options] <pattern>\n\nFor more details see ${kind}(1).\n`);
            return 2;
          }
        }
        continue;
      }
      if (pattern !== undefined) {
        ctx.stderr.write(`${kind}: only one pattern can be provided\nTry \`${kind} --help' for more information.\n`);
        return 2;
      }
      pattern = a;
    }
    if (pattern === undefined && user === undefined) {
      ctx.stderr.write(`${kind}: no matching criteria specified\nTry \`${kind} --help' for more information.\n`);
      return 2;
    }
    let re: RegExp;
    try {
      re = new RegExp(exact ? `^(?:${pattern ?? ""})$` : (pattern ?? ""));
    } catch {
      ctx.stderr.write(`${kind}: invalid regular expression\n`);
      return 2;
    }
    let matches = ctx.processes().filter((p) => {
      if (p.pid === ctx.pid) return false;
      if (user !== undefined && String(p.uid) !== user && userName(ctx.fs, p.uid) !== user) return false;
      return re.test(fullLine ? p.commandLine : p.comm);
    });
    if (newest && matches.length > 0) matches = [matches.reduce((a, b) => (b.startedAt >= a.startedAt ? b : a))];
    if (oldest && matches.length > 0) matches = [matches.reduce((a, b) => (b.startedAt < a.startedAt ? b : a))];
    if (kind === "pkill") {
      for (const p of matches) ctx.kill(p.pid, signal);
      if (countOnly) ctx.stdout.write(`${matches.length}\n`);
    } else if (countOnly) {
      ctx.stdout.write(`${matches.length}\n`);
    } else if (matches.length > 0) {
      const lines = matches.map((p) => (listFull ? `${p.pid} ${p.commandLine}` : list ? `${p.pid} ${p.comm}` : String(p.pid)));
      ctx.stdout.write(lines.join(delimiter) + "\n");
    }
    return matches.length > 0 ? 0 : 1;
  };
}

function badSignal(ctx: ProcessContext, kind: string, spec: string): number {
  ctx.stderr.write(`${kind}: Unknown signal "${spec}".\n`);
  return 2;
}
