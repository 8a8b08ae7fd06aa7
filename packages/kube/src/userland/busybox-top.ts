import { FsError, sleep, timeout, wait, type Proc, type Waitable } from "@ksim/sim";
import type { ProcessContext, ProcessInfo } from "../runtime/process.js";
import { readMeminfo } from "./free.js";
import { BusyboxDie, busyboxUsage, xstrtou } from "./libbb.js";
import { readCpuLine } from "./top.js";
import { userName } from "./users.js";

/**
 * busybox 1.28's top, as its default configuration builds it (CPU usage in tenths of a percent,
 * the process's CPU column, interactive keys). The first frame measures over the 0.1 s top
 * sleeps after a first look; later frames over the delay. %CPU is a share of the whole machine
 * and %VSZ of its memory, computed with busybox's fixed-point arithmetic. Without -b it redraws
 * the screen every delay until `q`, ^C or ^D; at the end of its input it keeps going, as the
 * real one does.
 */

/** LINE_BUF_SIZE - 2: batch mode's width. */
const BATCH_COLUMNS = 446;
const TERMINAL = { columns: 80, rows: 24 };
const PRIME_MS = 100;
const HERTZ = 100;

interface Jiffies {
  readonly total: number;
  readonly busy: number;
  readonly fields: readonly number[];
}

interface Task {
  readonly info: ProcessInfo;
  readonly state: string;
  readonly ticks: number;
  readonly vszKiB: number;
  /** Ticks since the previous look; 0 for a task that was not there then. */
  readonly pcpu: number;
}

export function* busyboxTop(ctx: ProcessContext): Proc<number> {
  const args = ctx.argv.slice(1);
  let batch = false;
  let iterations = 0;
  let intervalS = 5;
  try {
    // make_all_argv_opts: every argument is options, with or without a dash.
    for (let i = 0; i < args.length; i++) {
      const word = args[i]!.replace(/^-/, "");
      for (let at = 0; at < word.length; at++) {
        const ch = word[at]!;
        if (ch === "b") batch = true;
        else if (ch === "d" || ch === "n") {
          let value = word.slice(at + 1);
          if (value === "") {
            if (i + 1 >= args.length) return busyboxUsage(ctx, "top", 1);
            value = args[++i]!;
          }
          // The dash make_all_argv_opts put before a separate value is skipped.
          value = value.replace(/^-/, "");
          if (ch === "d") intervalS = Number(xstrtou(value, 10, 0n, 65535n));
          else iterations = Number(xstrtou(value, 10, 0n, 4294967295n));
          break;
        } else if (ch === "m") {
          ctx.stderr.write("top: the memory screen (-m) reads /proc/PID/smaps, which ksim does not model\n");
          return 1;
        } else {
          ctx.stderr.write(`top: invalid option -- '${ch}'\n`);
          return busyboxUsage(ctx, "top", 1);
        }
      }
    }
  } catch (e) {
    if (!(e instanceof BusyboxDie)) throw e;
    ctx.stderr.write(`top: ${e.message}\n`);
    return 1;
  }

  const columns = batch ? BATCH_COLUMNS : TERMINAL.columns;
  const rows = batch ? Number.POSITIVE_INFINITY : TERMINAL.rows;
  let history = new Map<number, number>();
  let primed = false;
  let jiffies: Jiffies = { total: 0, busy: 0, fields: [0, 0, 0, 0, 0, 0, 0, 0] };
  let previousJiffies = jiffies;
  let inputEnded = batch;
  let pendingKey: Waitable<string | null> | undefined;
  const look = (): Task[] => {
    const seen = new Map<number, number>();
    const tasks: Task[] = [];
    for (const info of ctx.processes()) {
      const ticks = Math.floor(info.cpuMs / (1000 / HERTZ));
      const before = history.get(info.pid);
      seen.set(info.pid, ticks);
      tasks.push({ info, state: stateField(info.pid === ctx.pid ? "R" : info.state, info.stats.sizePages), ticks, vszKiB: info.stats.sizePages * 4, pcpu: before === undefined || !primed ? 0 : ticks - before });
    }
    history = seen;
    // get_jiffy_counts, which do_stats runs with each look.
    previousJiffies = jiffies;
    const f = readCpuLine(ctx);
    const total = f.reduce((a, b) => a + b, 0);
    jiffies = { total, busy: total - f[3]! - f[4]!, fields: f };
    return tasks;
  };
  if (!batch) {
    // "Eat initial input": what was typed before the first frame is read now; a q ends top at once.
    const typed = yield* wait(timeout(ctx.sim, ctx.stdin.read(), 0));
    if (typed !== undefined) {
      if (typed.value === null) inputEnded = true;
      else if (isQuit(typed.value)) {
        ctx.stdout.write("\n");
        return 0;
      }
    }
  }
  try {
    for (let frame = 0; ; frame++) {
      if (!primed) {
        look();
        primed = true;
        yield* wait(sleep(ctx.sim, PRIME_MS));
      }
      const tasks = look().sort((a, b) => b.pcpu - a.pcpu || b.vszKiB - a.vszKiB || b.ticks - a.ticks || a.info.pid - b.info.pid);
      ctx.stdout.write(frameText(ctx, tasks, jiffies, previousJiffies, { batch, columns, rows }));
      if (iterations > 0 && frame + 1 >= iterations) break;
      if (inputEnded) {
        yield* wait(sleep(ctx.sim, intervalS * 1000));
        continue;
      }
      pendingKey ??= ctx.stdin.read();
      const key = yield* wait(timeout(ctx.sim, pendingKey, intervalS * 1000));
      if (key === undefined) continue;
      pendingKey = undefined;
      if (key.value === null) {
        inputEnded = true;
        continue;
      }
      if (isQuit(key.value)) break;
    }
  } catch (e) {
    if (!(e instanceof FsError)) throw e;
    // xchdir("/proc") is the first thing that fails without it.
    ctx.stderr.write("top: can't change directory to '/proc': No such file or directory\n");
    return 1;
  }
  ctx.stdout.write("\n");
  return 0;
}

/** q, Q, ^C (VINTR) or ^D (VEOF) among the keys typed. */
function isQuit(keys: string): boolean {
  return /[qQ\x03\x04]/.test(keys);
}

/** The three STAT characters: the state, W for a task without memory, then its niceness. */
function stateField(state: string, sizePages: number): string {
  return `${state}${sizePages === 0 ? "W" : " "} `;
}

function frameText(ctx: ProcessContext, tasks: readonly Task[], cur: Jiffies, prev: Jiffies, view: { batch: boolean; columns: number; rows: number }): string {
  const headerWidth = Math.min(view.columns, 100) - 1;
  const m = readMeminfo(ctx);
  const field = (name: string) => m[name] ?? 0;
  const memTotal = field("MemTotal");
  let out = view.batch ? "" : "\x1b[H\x1b[J";
  out += `${`Mem: ${memTotal - field("MemFree")}K used, ${field("MemFree")}K free, ${field("MemShared") + field("Shmem")}K shrd, ${field("Buffers")}K buff, ${field("Cached")}K cached`.slice(0, headerWidth)}\n`;
  const totalDiff = cur.total - prev.total || 1;
  const pct = (i: number) => percent8(cur.fields[i]! - prev.fields[i]!, totalDiff);
  // usr nic sys idle iowait irq softirq, shown as usr sys nic idle io irq sirq.
  out += `${`CPU:${pct(0)}usr${pct(2)}sys${pct(1)}nic${pct(3)}idle${pct(4)}io${pct(5)}irq${pct(6)}sirq`.slice(0, headerWidth)}\n`;
  const loadavg = ctx.fs.readText("/proc/loadavg").split("\n")[0]!;
  out += `${`Load average: ${loadavg}`.slice(0, headerWidth)}\n`;
  const header = "  PID  PPID USER     STAT   VSZ %VSZ CPU %CPU COMMAND".slice(0, view.columns);
  out += view.batch ? header : `\x1b[7m${header}\x1b[m`;

  const memShare = fixedPointShare(memTotal);
  const busy = (cur.busy - prev.busy) >>> 0;
  const totalPcpu = Math.max(tasks.reduce((n, t) => n + t.pcpu, 0), busy);
  const cpuShare = cpuFixedPoint(busy, cur.total - prev.total, totalPcpu);
  // The four summary rows, then the tasks that fit.
  const room = Number.isFinite(view.rows) ? Math.max(0, view.rows - 4) : tasks.length;
  for (const t of tasks.slice(0, room)) {
    const pmem = memShare(t.vszKiB);
    const pcpu = cpuShare(t.pcpu);
    const user = (userName(ctx.fs, t.info.uid) ?? String(t.info.uid)).slice(0, 8).padEnd(8);
    const head = `${String(t.info.pid).padStart(5)}${String(t.info.ppid).padStart(6)} ${user} ${t.state}  ${smartUlltoa5(t.vszKiB)}${tenths(pmem)} ${"0".padStart(3)}${tenths(pcpu)} `;
    out += `\n${`${head}${commandLine(t.info)}`.slice(0, view.columns)}`;
  }
  return `${out}${view.batch ? "\n" : "\r"}`;
}

/** fmt_100percent_8: " NN.N% " with the tens a space when zero, or "  100% ". */
function percent8(value: number, total: number): string {
  if (value >= total) return "  100% ";
  const v = Math.floor((1000 * value) / total);
  const t = Math.floor(v / 100);
  const rest = v % 100;
  return ` ${t > 0 ? t : " "}${Math.floor(rest / 10)}.${rest % 10}% `;
}

/** "%3u.%c" of tenths. */
function tenths(v: number): string {
  return `${String(Math.floor(v / 10)).padStart(3)}.${v % 10}`;
}

/** %VSZ in tenths of a percent of MemTotal, by busybox's multiply-and-shift. */
function fixedPointShare(memTotalKiB: number): (vszKiB: number) => number {
  let shift = 21;
  let scale = Math.floor((1000 * 2 ** 21) / Math.max(1, memTotalKiB));
  while (scale >= 512) {
    scale = Math.floor(scale / 4);
    shift -= 2;
  }
  const half = Math.floor(2 ** shift / 20);
  return (vsz) => Math.floor((vsz * scale + half) / 2 ** shift);
}

/**
 * %CPU in tenths of a percent of the whole machine: a task's share of the ticks tasks used,
 * times the share of the CPUs' time that was busy, in busybox's 32-bit fixed point.
 */
function cpuFixedPoint(busy: number, totalDiff: number, totalPcpu: number): (pcpu: number) => number {
  let shift = 6;
  let scale = (64000 * (busy & 0xffff)) >>> 0 || 1;
  while (scale < 2 ** 30) {
    scale *= 4;
    shift += 2;
  }
  const divisor = Math.imul(totalDiff & 0xffff, totalPcpu) >>> 0;
  if (divisor !== 0) scale = Math.floor(scale / divisor);
  while (scale >= 1024) {
    scale = Math.floor(scale / 4);
    shift -= 2;
  }
  const half = Math.floor(2 ** shift / 20);
  return (pcpu) => Math.floor(((pcpu * scale + half) >>> 0) / 2 ** shift);
}

/** smart_ulltoa5 with " mgtpezy": five characters, KiB as they are up to 99999, then scaled with a unit. */
function smartUlltoa5(kib: number): string {
  let ul = kib;
  let idx = 0;
  if (ul > 99999) {
    ul *= 10;
    do {
      ul = Math.floor(ul / 1024);
      idx++;
    } while (ul >= 100000);
  }
  if (idx === 0) return String(ul).padStart(5);
  const u = Math.floor(ul / 10);
  const v = ul % 10;
  const unit = " mgtpezy"[idx]!;
  if (u >= 100) return `${String(u).padStart(4)}${unit}`;
  return `${String(u).padStart(2)}.${v}${unit}`;
}

/** read_cmdline: the arguments joined by spaces, `{comm}` first when argv[0] is not the command, `[comm]` with none. */
function commandLine(p: ProcessInfo): string {
  const args = p.title ?? p.argv.join(" ");
  if (args === "") return `[${p.comm}]`;
  let base = (args.split(" ")[0] ?? "").split("/").pop()!;
  if (base.startsWith("-")) base = base.slice(1);
  return base.startsWith(p.comm) ? args : `{${p.comm}} ${args}`;
}
