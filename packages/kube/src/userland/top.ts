import { FsError, sleep, timeout, wait, type Proc, type Waitable } from "@ksim/sim";
import type { ProcessContext, ProcessInfo } from "../runtime/process.js";
import { BAD_OPEN_MESSAGE, readMeminfo } from "./free.js";
import { sprintUptime } from "./uptime.js";
import { userByName, userName } from "./users.js";

/**
 * top, procps-ng 3.3.12's as Debian builds it (the classic defaults: `KiB Mem` lines, one
 * `%Cpu(s)` line, Irix mode, 3 s delay, sorted by %CPU). It reads the machine's figures from
 * /proc and the processes from the PID namespace, as ps does here. The first frame measures
 * each task's %CPU over the 0.15 s top sleeps before it, and the CPU line since boot; later
 * frames measure both over the delay. Batch mode (-b) writes plain frames 80 columns wide;
 * on a terminal top redraws the screen and a `q` (or the end of its input) quits; its other
 * keys are not modelled.
 */

const USAGE = " -hv | -bcHiOSs -d secs -n max -u|U user -p pid(s) -o field -w [cols]";
/** LIB_USLEEP: how long the first frame waits between its two looks at the tasks. */
const PRIME_MS = 150;
const HERTZ = 100;
const DEFAULT_DELAY_S = 3;
/** What terminfo's "dumb" entry says, which batch mode uses when its output is not a terminal. */
const DUMB_COLUMNS = 80;
const TERMINAL = { columns: 80, rows: 24 };
const SCREENMAX = 512;
const MONPIDMAX = 20;
/** xterm's clear (first frame) and home (later frames) sequences. */
const CLEAR = "\x1b[H\x1b[2J";
const HOME = "\x1b[H";

/** Every field 3.3.12 knows, in its table's order (what `-O` lists and `-o` accepts). */
const FIELD_NAMES = [
  "PID", "PPID", "UID", "USER", "RUID", "RUSER", "SUID", "SUSER", "GID", "GROUP", "PGRP", "TTY", "TPGID", "SID", "PR", "NI",
  "nTH", "P", "%CPU", "TIME", "TIME+", "%MEM", "VIRT", "SWAP", "RES", "CODE", "DATA", "SHR", "nMaj", "nMin", "nDRT", "S",
  "COMMAND", "WCHAN", "Flags", "CGROUPS", "SUPGIDS", "SUPGRPS", "TGID", "OOMa", "OOMs", "ENVIRON", "vMj", "vMn", "USED",
  "nsIPC", "nsMNT", "nsNET", "nsPID", "nsUSER", "nsUTS", "LXC", "RSan", "RSfd", "RSlk", "RSsh", "CGNAME",
];

class TopError extends Error {}

interface Options {
  batch: boolean;
  loops: number;
  delayS: number;
  pids: number[];
  user: { readonly uid: number; readonly any: boolean; readonly match: boolean } | undefined;
  cmdline: boolean;
  idle: boolean;
  sortField: string;
  descending: boolean;
  width: number | undefined;
  help: boolean;
  fields: boolean;
}

/** A task as one look at /proc sees it. */
interface Task {
  readonly info: ProcessInfo;
  readonly state: string;
  readonly ticks: number;
  /** Ticks used since the previous look (all of them if it was not there then). */
  readonly delta: number;
}

export function* procpsTop(ctx: ProcessContext): Proc<number> {
  const myname = (ctx.argv[0] ?? "top").split("/").pop()!;
  let o: Options;
  try {
    o = parseArgs(ctx, ctx.argv.slice(1));
  } catch (e) {
    if (!(e instanceof TopError)) throw e;
    ctx.stderr.write(`${myname}: ${e.message}\n`);
    return 1;
  }
  if (o.help) {
    ctx.stdout.write(`  procps-ng 3.3.12\nUsage:\n  ${myname}${USAGE}\n`);
    return 0;
  }
  if (o.fields) {
    ctx.stdout.write(FIELD_NAMES.map((n) => `${n}\n`).join(""));
    return 0;
  }
  const interactive = !o.batch;
  if (interactive) {
    // ncurses' setupterm, then tcgetattr on stdin.
    if ((ctx.environ.get("TERM") ?? "") === "") {
      ctx.stderr.write("TERM environment variable not set.\n");
      return 1;
    }
    if (!ctx.tty) {
      ctx.stderr.write(`${myname}: failed tty get\n`);
      return 1;
    }
  }
  const columns = Math.min(SCREENMAX, o.width ?? (ctx.tty ? TERMINAL.columns : DUMB_COLUMNS));
  const rows = interactive ? TERMINAL.rows : Number.POSITIVE_INFINITY;
  let previous = new Map<number, number>();
  let previousUptime = 0;
  let previousCpu: readonly number[] = [0, 0, 0, 0, 0, 0, 0, 0];
  let pendingKey: Waitable<string | null> | undefined;
  const look = (): Task[] => {
    const now = new Map<number, number>();
    const tasks: Task[] = [];
    for (const info of ctx.processes()) {
      if (o.pids.length > 0 && !o.pids.includes(info.pid)) continue;
      const ticks = Math.floor(info.cpuMs / (1000 / HERTZ));
      now.set(info.pid, ticks);
      tasks.push({ info, state: info.pid === ctx.pid ? "R" : info.state, ticks, delta: ticks - (previous.get(info.pid) ?? 0) });
    }
    previous = now;
    return tasks;
  };
  try {
    for (let frame = 0; ; frame++) {
      if (frame === 0) {
        look();
        previousUptime = readUptime(ctx);
        yield* wait(sleep(ctx.sim, PRIME_MS));
      }
      const tasks = look();
      const uptime = readUptime(ctx);
      let elapsed = uptime - previousUptime;
      if (elapsed < 0.01) elapsed = 0.005;
      previousUptime = uptime;
      const cpu = readCpuLine(ctx);
      const cpuDelta = cpu.map((v, i) => Math.max(0, v - previousCpu[i]!));
      previousCpu = cpu;
      const screen = frameText(ctx, o, tasks, { elapsed, cpuDelta, columns, rows, myname });
      ctx.stdout.write(interactive ? (frame === 0 ? CLEAR : HOME) + screen : frame === 0 ? screen : `\n\n${screen}`);
      if (o.loops > 0 && frame + 1 >= o.loops) break;
      if (!interactive) {
        yield* wait(sleep(ctx.sim, o.delayS * 1000));
        continue;
      }
      // Interactive: the delay, cut short by a key; `q` or the end of input quits.
      pendingKey ??= ctx.stdin.read();
      const key = yield* wait(timeout(ctx.sim, pendingKey, o.delayS * 1000));
      if (key === undefined) continue;
      pendingKey = undefined;
      if (key.value === null || key.value.startsWith("q")) break;
    }
  } catch (e) {
    if (!(e instanceof FsError)) throw e;
    ctx.stderr.write(BAD_OPEN_MESSAGE);
    return 102;
  }
  // bye_bye: batch output ends its last row; a terminal gets a newline below the screen.
  ctx.stdout.write("\n");
  return 0;
}

function parseArgs(ctx: ProcessContext, args: readonly string[]): Options {
  const o: Options = { batch: false, loops: -1, delayS: DEFAULT_DELAY_S, pids: [], user: undefined, cmdline: false, idle: true, sortField: "%CPU", descending: true, width: undefined, help: false, fields: false };
  const usage = `\nUsage:\n  top${USAGE}`;
  let i = 0;
  while (i < args.length) {
    let cp = args[i++]!;
    let at = 0;
    // The value of an option that takes one: the rest of this word, else the next word.
    const value = (letter: string): string | undefined => {
      const rest = cp.slice(at + 1);
      at = cp.length;
      if (rest !== "") return rest;
      if (i < args.length) return args[i++]!;
      if (letter === "w") return undefined;
      throw new TopError(`-${letter} requires argument`);
    };
    while (at < cp.length) {
      const ch = cp[at]!;
      switch (ch) {
        case "-":
          if (/^[-+,.0-9]/.test(cp.slice(at + 1))) throw new TopError(`inappropriate '${cp.slice(at + 1)}'${usage}`);
          break;
        case " ":
        case "\t":
          break;
        case "b":
          o.batch = true;
          break;
        case "c":
          o.cmdline = !o.cmdline;
          break;
        case "d": {
          const v = value("d")!;
          const n = Number(v);
          if (v.trim() === "" || Number.isNaN(n)) throw new TopError(`bad delay interval '${v}'`);
          if (n < 0) throw new TopError("-d requires positive argument");
          o.delayS = n;
          break;
        }
        case "H":
        case "s":
        case "S":
          // Threads (each process here has one), secure mode and cumulative time (no child
          // has ever been waited for by a process here) change nothing ksim shows.
          break;
        case "h":
        case "v":
          o.help = true;
          return o;
        case "i":
          o.idle = !o.idle;
          break;
        case "n": {
          const v = value("n")!;
          const n = Number.parseInt(v, 10);
          if (Number.isNaN(n) || n < 1) throw new TopError(`bad iterations argument '${v}'`);
          o.loops = n;
          break;
        }
        case "o": {
          let v = value("o")!;
          if (v.startsWith("+") || v.startsWith("-")) {
            o.descending = v.startsWith("+");
            v = v.slice(1);
          }
          if (!FIELD_NAMES.includes(v)) throw new TopError(`unrecognized field name '${v}'`);
          o.sortField = v;
          break;
        }
        case "O":
          o.fields = true;
          return o;
        case "p": {
          if (o.user !== undefined) throw new TopError("conflicting process selections (U/p/u)");
          const v = value("p")!;
          for (const part of v.split(",")) {
            if (o.pids.length >= MONPIDMAX) throw new TopError(`pid limit (${MONPIDMAX}) exceeded`);
            if (!/^\d+$/.test(part)) throw new TopError(`bad pid '${part}'`);
            o.pids.push(Number(part) === 0 ? ctx.pid : Number(part));
          }
          break;
        }
        case "u":
        case "U": {
          if (o.pids.length > 0) throw new TopError("conflicting process selections (U/p/u)");
          let v = value(ch)!;
          const match = !v.startsWith("!");
          if (!match) v = v.slice(1);
          const uid = /^\d+$/.test(v) ? Number(v) : userByName(ctx.fs, v)?.uid;
          if (uid === undefined) throw new TopError("Invalid user");
          o.user = { uid, any: ch === "U", match };
          break;
        }
        case "w": {
          const v = value("w");
          if (v === undefined || !/^\d/.test(v)) {
            if (v !== undefined) i--;
            const env = Number(ctx.environ.get("COLUMNS") ?? "");
            o.width = env > 0 ? Math.max(W_MIN_COL, env) : SCREENMAX;
          } else {
            const n = Number.parseInt(v, 10);
            if (!/^\d+$/.test(v) || n < W_MIN_COL) throw new TopError(`bad width arg '${v}'`);
            o.width = n;
          }
          break;
        }
        default:
          throw new TopError(`unknown option '${ch}'${usage}`);
      }
      at++;
    }
  }
  return o;
}

const W_MIN_COL = 3;

/** /proc/uptime's seconds since boot, to the hundredth. */
export function readUptime(ctx: ProcessContext): number {
  return Number(ctx.fs.readText("/proc/uptime").split(" ")[0]);
}

/** The eight counters of /proc/stat's `cpu` line top reads: us ni sy id wa hi si st. */
export function readCpuLine(ctx: ProcessContext): number[] {
  const fields = ctx.fs.readText("/proc/stat").split("\n")[0]!.trim().split(/ +/).slice(1, 9);
  return fields.map(Number);
}

interface FrameFigures {
  readonly elapsed: number;
  readonly cpuDelta: readonly number[];
  readonly columns: number;
  readonly rows: number;
  readonly myname: string;
}

function frameText(ctx: ProcessContext, o: Options, tasks: Task[], f: FrameFigures): string {
  const cut = (line: string) => `${line.slice(0, f.columns)}\n`;
  const loads = ctx.fs.readText("/proc/loadavg").split(" ").slice(0, 3);
  const upSeconds = readUptime(ctx);
  let out = cut(`${f.myname} -${sprintUptime(ctx.epochMs(), upSeconds, loads)}`);
  const count = (s: string) => String(tasks.filter((t) => t.state === s).length).padStart(3);
  out += cut(`Tasks: ${String(tasks.length).padStart(3)} total, ${count("R")} running, ${count("S")} sleeping, ${count("T")} stopped, ${count("Z")} zombie`);
  const [us, ni, sy, id, wa, hi, si, st] = f.cpuDelta as [number, number, number, number, number, number, number, number];
  const total = Math.max(1, us + ni + sy + id + wa + hi + si + st);
  const pct = (v: number) => ((v * 100) / total).toFixed(1).padStart(5);
  out += cut(`%Cpu(s):${pct(us)} us,${pct(sy)} sy,${pct(ni)} ni,${pct(id)} id,${pct(wa)} wa,${pct(hi)} hi,${pct(si)} si,${pct(st)} st`);
  const m = readMeminfo(ctx);
  const field = (name: string) => m[name] ?? 0;
  const memTotal = field("MemTotal");
  const cached = field("Cached") + field("SReclaimable");
  const buffers = field("Buffers");
  const free = field("MemFree");
  const swapTotal = field("SwapTotal");
  const swapFree = field("SwapFree");
  const amount = (kib: number) => {
    const s = `${Math.round(kib)} `;
    return (s.length > 9 ? `${s.slice(0, 8)}+` : s).padStart(9);
  };
  out += cut(`KiB Mem : ${amount(memTotal)}total, ${amount(free)}free, ${amount(memTotal - free - cached - buffers)}used, ${amount(buffers + cached)}buff/cache`);
  out += cut(`KiB Swap: ${amount(swapTotal)}total, ${amount(swapFree)}free, ${amount(swapTotal - swapFree)}used. ${amount(field("MemAvailable"))}avail Mem `);

  const cpus = ctx.cpus();
  const cpuWidth = cpus > 1 ? 5 : 4;
  const etScale = 100 / (HERTZ * f.elapsed);
  const pmax = Math.min(100 * cpus, cpus <= 10 ? 999.9 : 99999);
  const pcpu = (t: Task) => Math.min(t.delta * etScale, 100, pmax);
  const columns: Column[] = [
    { name: "PID", width: 5, right: true, show: (t) => makeNum(t.info.pid, 5) },
    { name: "USER", width: 8, right: false, show: (t) => makeStr(userName(ctx.fs, t.info.uid) ?? String(t.info.uid), 8) },
    { name: "PR", width: 3, right: true, show: () => "20" },
    { name: "NI", width: 3, right: true, show: () => "0" },
    { name: "VIRT", width: 7, right: true, show: (t) => scaleMem(t.info.stats.sizePages * 4, 7) },
    { name: "RES", width: 6, right: true, show: (t) => scaleMem(t.info.stats.residentKiB, 6) },
    // Shared pages are file and shmem pages, which a process here never maps.
    { name: "SHR", width: 6, right: true, show: () => "0" },
    { name: "S", width: 1, right: false, show: (t) => t.state },
    { name: "%CPU", width: cpuWidth, right: true, show: (t) => scalePercent(pcpu(t), cpuWidth) },
    { name: "%MEM", width: 4, right: true, show: (t) => scalePercent(memTotal === 0 ? 0 : (t.info.stats.residentKiB * 100) / memTotal, 4) },
    { name: "TIME+", width: 9, right: true, show: (t) => scaleTics(t.ticks, 9) },
  ];
  const fixed = columns.reduce((n, c) => n + c.width + 1, 0);
  const commandWidth = Math.max(0, f.columns - fixed - 1);
  columns.push({ name: "COMMAND", width: commandWidth, right: false, show: (t) => makeStr(o.cmdline ? t.info.commandLine || `[${t.info.comm}]` : t.info.comm, commandWidth) });
  const row = (values: readonly string[]) => {
    const line = columns.map((c, i) => justify(values[i]!, c.width, c.right)).join("").slice(0, f.columns);
    return line.replace(/ +$/, "");
  };

  const key = sortKey(o.sortField, ctx);
  const sorted = [...tasks].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    const c = ka < kb ? -1 : ka > kb ? 1 : 0;
    return (o.descending ? -c : c) || a.info.pid - b.info.pid;
  });
  const shown = sorted.filter((t) => (o.idle || t.delta > 0) && userMatches(o, t.info));
  // The summary took five rows and the header one; a terminal shows what fits below.
  const room = Number.isFinite(f.rows) ? Math.max(0, f.rows - 5 - 2) : shown.length;
  out += `\n${row(columns.map((c) => c.name))}`;
  for (const t of shown.slice(0, room)) out += `\n${row(columns.map((c) => c.show(t)))}`;
  return out;
}

interface Column {
  readonly name: string;
  readonly width: number;
  readonly right: boolean;
  show(t: Task): string;
}

function userMatches(o: Options, p: ProcessInfo): boolean {
  if (o.user === undefined) return true;
  // Real, saved and filesystem uids are the effective one here.
  return (p.uid === o.user.uid) === o.user.match;
}

/** What `-o` sorts by: the column's value, a number where the column is one. */
function sortKey(field: string, ctx: ProcessContext): (t: Task) => number | string {
  switch (field) {
    case "PID":
    case "TGID":
      return (t) => t.info.pid;
    case "PPID":
      return (t) => t.info.ppid;
    case "UID":
    case "RUID":
    case "SUID":
      return (t) => t.info.uid;
    case "GID":
      return (t) => t.info.gid;
    case "USER":
    case "RUSER":
    case "SUSER":
      return (t) => userName(ctx.fs, t.info.uid) ?? String(t.info.uid);
    case "VIRT":
      return (t) => t.info.stats.sizePages;
    case "RES":
    case "%MEM":
    case "USED":
    case "RSan":
      return (t) => t.info.stats.residentKiB;
    case "S":
      return (t) => t.state;
    case "%CPU":
      return (t) => t.delta;
    case "TIME":
    case "TIME+":
      return (t) => t.ticks;
    case "COMMAND":
      return (t) => t.info.comm;
  }
  // Fields ksim does not model are the same for every task: pid order decides.
  return () => 0;
}

/** justify_pad: the value in its width, then the column's one space. */
function justify(value: string, width: number, right: boolean): string {
  const v = value.slice(0, width);
  return `${right ? v.padStart(width) : v.padEnd(width)} `;
}

/** make_str: a string cut to its width shows `+` as its last character. */
function makeStr(s: string, width: number): string {
  return s.length > width ? `${s.slice(0, Math.max(0, width - 1))}+` : s;
}

function makeNum(n: number, width: number): string {
  return makeStr(String(n), width);
}

/** scale_mem from KiB: KiB, then m with one decimal, then g, t, p with three, whichever fits. */
function scaleMem(kib: number, width: number): string {
  let scaled = kib;
  const formats: ((n: number) => string)[] = [(n) => n.toFixed(0), (n) => `${n.toFixed(1)}m`, (n) => `${n.toFixed(3)}g`, (n) => `${n.toFixed(3)}t`, (n) => `${n.toFixed(3)}p`];
  for (const format of formats) {
    const s = format(scaled);
    if (s.length <= width) return s;
    scaled /= 1024;
  }
  return "?";
}

/** scale_pcnt: one decimal if it fits, else none. */
function scalePercent(n: number, width: number): string {
  const one = n.toFixed(1);
  if (one.length <= width) return one;
  const none = n.toFixed(0);
  return none.length <= width ? none : "?";
}

/** scale_tics: minutes:seconds.hundredths, then coarser until it fits. */
function scaleTics(ticks: number, width: number): string {
  let nt = Math.floor((ticks * 100) / HERTZ);
  const cc = nt % 100;
  nt = Math.floor(nt / 100);
  const ss = nt % 60;
  nt = Math.floor(nt / 60);
  const two = (n: number) => String(n).padStart(2, "0");
  const candidates = [`${nt}:${two(ss)}.${two(cc)}`, `${nt}:${two(ss)}`, `${Math.floor(nt / 60)},${two(nt % 60)}`, `${Math.floor(nt / 60)}h`, `${Math.floor(nt / 60 / 24)}d`, `${Math.floor(nt / 60 / 24 / 7)}w`];
  return candidates.find((c) => c.length <= width) ?? "?";
}
