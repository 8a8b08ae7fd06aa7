import { FsError, sleep, wait, type Proc } from "@ksim/sim";
import type { ProcessContext } from "../runtime/process.js";
import { describeError, has, last, parseOptions, UsageError, type Flavor, type ParsedOptions } from "./common.js";
import { busyboxUsage } from "./libbb.js";

/**
 * free, procps-ng's (3.3.12, the Debian stretch and Ubuntu bionic one) and busybox 1.28's: the
 * machine's memory as /proc/meminfo gives it, in the columns each prints.
 */

/** The /proc/meminfo figures free reads, in KiB. */
interface MemInfo {
  readonly [field: string]: number;
}

/** /proc/meminfo's fields in KiB. Throws FsError without /proc. */
export function readMeminfo(ctx: ProcessContext): MemInfo {
  const info: Record<string, number> = {};
  for (const line of ctx.fs.readText("/proc/meminfo").split("\n")) {
    const m = /^([^:]+):\s+(\d+)/.exec(line);
    if (m !== null) info[m[1]!] = Number(m[2]);
  }
  return info;
}

/** procps' BAD_OPEN_MESSAGE: what every procps tool says, and exits 102 with, without /proc. */
export const BAD_OPEN_MESSAGE = 'Error: /proc must be mounted\n  To mount /proc at boot you need an /etc/fstab line like:\n      proc   /proc   proc    defaults\n  In the meantime, run "mount proc /proc -t proc"\n';

const PROCPS_USAGE =
  "\nUsage:\n free [options]\n\nOptions:\n" +
  " -b, --bytes         show output in bytes\n     --kilo          show output in kilobytes\n     --mega          show output in megabytes\n" +
  "     --giga          show output in gigabytes\n     --tera          show output in terabytes\n     --peta          show output in petabytes\n" +
  " -k, --kibi          show output in kibibytes\n -m, --mebi          show output in mebibytes\n -g, --gibi          show output in gibibytes\n" +
  "     --tebi          show output in tebibytes\n     --pebi          show output in pebibytes\n -h, --human         show human-readable output\n" +
  "     --si            use powers of 1000 not 1024\n -l, --lohi          show detailed low and high memory statistics\n" +
  " -t, --total         show total for RAM + swap\n -s N, --seconds N   repeat printing every N seconds\n" +
  " -c N, --count N     repeat printing N times, then exit\n -w, --wide          wide output\n\n" +
  "     --help     display this help and exit\n -V, --version  output version information and exit\n\nFor more details see free(1).\n";

/** The unit options and the exponent each gives (procps' args.exponent; the decimal ones add --si). */
const UNITS: Readonly<Record<string, { readonly exponent: number; readonly si: boolean }>> = {
  b: { exponent: 1, si: false },
  k: { exponent: 2, si: false },
  m: { exponent: 3, si: false },
  g: { exponent: 4, si: false },
  tebi: { exponent: 5, si: false },
  pebi: { exponent: 6, si: false },
  kilo: { exponent: 2, si: true },
  mega: { exponent: 3, si: true },
  giga: { exponent: 4, si: true },
  tera: { exponent: 5, si: true },
  peta: { exponent: 6, si: true },
};

/** procps' scale_size: KiB as asked, or the shortest human form that fits in four characters. */
function scaleSize(kib: number, exponent: number, si: boolean, human: boolean): string {
  const base = si ? 1000 : 1024;
  if (!human) {
    if (exponent === 0) return String(kib);
    if (exponent === 1) return String(kib * 1024);
    if (exponent === 2) return String(si ? Math.trunc(kib / 0.9765625) : kib);
    return String(Math.trunc(kib / base ** (exponent - 2)));
  }
  const units = ["B", "K", "M", "G", "T", "P"];
  let out = "";
  for (let i = 1; i <= units.length; i++) {
    const unit = units[i - 1]!;
    if (i === 1) out = `${kib * 1024}${unit}`;
    else if (i === 2) out = `${si ? Math.trunc(kib / 0.9765625) : kib}${unit}`;
    else {
      const scaled = kib / base ** (i - 2);
      out = `${Math.fround(scaled).toFixed(1)}${unit}`;
      if (out.length <= 4) return out;
      out = `${Math.trunc(scaled)}${unit}`;
    }
    if (out.length <= 4) return out;
  }
  return out;
}

function* procpsFree(ctx: ProcessContext, o: ParsedOptions): Proc<number> {
  const units = Object.keys(UNITS).filter((u) => has(o, u));
  if (units.length > 1) {
    ctx.stderr.write("free: Multiple unit options doesn't make sense.\n");
    return 1;
  }
  const unit = units.length === 1 ? UNITS[units[0]!]! : { exponent: 0, si: false };
  const si = unit.si || has(o, "si");
  const human = has(o, "h");
  const seconds = last(o, "s");
  const countArg = last(o, "c");
  let intervalMs = 1000;
  if (seconds !== undefined) {
    const n = Number(seconds);
    if (seconds.trim() === "" || Number.isNaN(n)) return fail(ctx, `seconds argument \`${seconds}' failed`);
    if (n * 1_000_000 < 1) return fail(ctx, `seconds argument \`${seconds}' is not positive number`);
    intervalMs = n * 1000;
  }
  let count = Number.POSITIVE_INFINITY;
  if (countArg !== undefined) {
    if (!/^[-+]?\d+$/.test(countArg)) return fail(ctx, `failed to parse count argument: '${countArg}'`);
    count = Number(countArg);
    if (count < 1) return fail(ctx, `failed to parse count argument: '${countArg}': Numerical result out of range`);
  }
  const repeat = seconds !== undefined || countArg !== undefined;
  const wide = has(o, "w");
  const size = (kib: number) => ` ${scaleSize(kib, unit.exponent, si, human).padStart(11)}`;
  const row = (label: string, values: readonly number[]) => label.padEnd(7) + values.map(size).join("") + "\n";
  for (;;) {
    let m: MemInfo;
    try {
      m = readMeminfo(ctx);
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
      ctx.stderr.write(BAD_OPEN_MESSAGE);
      return 102;
    }
    const field = (name: string) => m[name] ?? 0;
    const total = field("MemTotal");
    const free = field("MemFree");
    const buffers = field("Buffers");
    // 3.3.12 counts reclaimable slab as cache.
    const cached = field("Cached") + field("SReclaimable");
    let available = field("MemAvailable");
    if (available > total) available = free;
    let used = total - free - cached - buffers;
    if (used < 0) used = total - free;
    const swapTotal = field("SwapTotal");
    const swapFree = field("SwapFree");
    let out = wide
      ? "              total        used        free      shared     buffers       cache   available\n"
      : "              total        used        free      shared  buff/cache   available\n";
    out += row("Mem:", wide ? [total, used, free, field("Shmem"), buffers, cached, available] : [total, used, free, field("Shmem"), buffers + cached, available]);
    // No highmem on x86_64: Low is all of it.
    if (has(o, "l")) out += row("Low:", [total, total - free, free]) + row("High:", [0, 0, 0]);
    out += row("Swap:", [swapTotal, swapTotal - swapFree, swapFree]);
    if (has(o, "t")) out += row("Total:", [total + swapTotal, used + swapTotal - swapFree, free + swapFree]);
    ctx.stdout.write(out);
    if (!repeat || --count < 1) return 0;
    ctx.stdout.write("\n");
    yield* wait(sleep(ctx.sim, intervalMs));
  }
}

function fail(ctx: ProcessContext, message: string): number {
  ctx.stderr.write(`free: ${message}\n`);
  return 1;
}

/** busybox 1.28's free: one unit option at most, the swap row, no totals. */
function busyboxFree(ctx: ProcessContext): number {
  const option = ctx.argv[1];
  let shift = 10;
  if (option !== undefined && option.startsWith("-")) {
    const steps: Readonly<Record<string, number>> = { b: 0, k: 10, m: 20, g: 30 };
    const s = steps[option[1] ?? ""];
    if (s === undefined) return busyboxUsage(ctx, "free", 1);
    shift = s;
  }
  let m: MemInfo;
  try {
    m = readMeminfo(ctx);
  } catch (e) {
    if (!(e instanceof FsError)) throw e;
    ctx.stderr.write(`free: can't open '/proc/meminfo': ${describeError(e)}\n`);
    return 1;
  }
  // sysinfo(2) counts bytes (mem_unit 1 on 64-bit); Cached and MemAvailable come from meminfo.
  const bytes = (name: string) => BigInt(m[name] ?? 0) * 1024n;
  const scale = (b: bigint) => String(b >> BigInt(shift));
  const total = bytes("MemTotal");
  const free = bytes("MemFree");
  const cached = bytes("Cached") + bytes("Buffers");
  const swapTotal = bytes("SwapTotal");
  const swapFree = bytes("SwapFree");
  ctx.stdout.write(
    `       ${["total", "used", "free", "shared", "buff/cache", "available"].map((h) => h.padStart(12)).join("")}\n` +
      `Mem:   ${scale(total).padStart(12)} ${[total - cached - free, free, bytes("Shmem"), cached, bytes("MemAvailable")].map((v) => scale(v).padStart(11)).join(" ")}\n` +
      `Swap:  ${[swapTotal, swapTotal - swapFree, swapFree].map((v) => ` ${scale(v).padStart(11)}`).join("")}\n`,
  );
  return 0;
}

export function freeProgram(flavor: Flavor) {
  if (flavor === "busybox") {
    return function* (ctx: ProcessContext): Proc<number> {
      return busyboxFree(ctx);
    };
  }
  return function* (ctx: ProcessContext): Proc<number> {
    if (ctx.argv.includes("--help")) {
      ctx.stdout.write(PROCPS_USAGE);
      return 0;
    }
    if (ctx.argv.includes("-V") || ctx.argv.includes("--version")) {
      ctx.stdout.write("free from procps-ng 3.3.12\n");
      return 0;
    }
    const spec = {
      short: "bkmghltc:ws:",
      long: {
        bytes: "b",
        kilo: "kilo",
        mega: "mega",
        giga: "giga",
        tera: "tera",
        peta: "peta",
        kibi: "k",
        mebi: "m",
        gibi: "g",
        tebi: "tebi",
        pebi: "pebi",
        human: "h",
        si: "si",
        lohi: "l",
        total: "t",
        "seconds=": "s",
        "count=": "c",
        wide: "w",
      },
    };
    let o: ParsedOptions;
    try {
      o = parseOptions(ctx.argv.slice(1), spec);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      // getopt's complaint, then usage(stderr): the whole usage text.
      ctx.stderr.write(`free: ${e.message}\n${PROCPS_USAGE}`);
      return 1;
    }
    return yield* procpsFree(ctx, o);
  };
}
