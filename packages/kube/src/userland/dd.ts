import { decodeText, encodeText, FsError, sleep, wait, type Proc } from "@ksim/sim";
import type { Executable, ProcessContext } from "../runtime/process.js";
import { writeWhatFits } from "../runtime/fs.js";
import { describeError, endlessInput, readStdin, SIZE_MULTIPLIERS, type Flavor } from "./common.js";
import { BusyboxDie, busyboxUsage, CWBKMG_SUFFIXES, humanReadable, SSIZE_MAX, ULLONG_MAX, xstrtou } from "./libbb.js";

/**
 * dd in both flavours: GNU dd (coreutils 8.25 to 8.32, as the Debian and Ubuntu images carry) and
 * busybox 1.28.4's applet (coreutils/dd.c). Both copy `if` to `of` in blocks, then report the
 * records and bytes they moved on stderr. The devices runbooks reach for are their own to read
 * and write: /dev/zero, /dev/urandom and /dev/random (seeded bytes) as input, /dev/null as
 * output. `dd if=/dev/zero of=FILE bs=1M` without a count fills the disk under FILE and stops at
 * the short write, as the real ones do.
 *
 * Time passes as the copy goes, at an assumed 1 GB/s through the page cache (a cloud VM's dd to a
 * persistent disk without conv=fsync reports about that) plus 2 µs per block for the two system
 * calls; conv=fsync adds the machine's fsync.
 *
 * Where busybox differs: its operands (no cbs, oflag or excl/nocreat; conv=swab; iflag
 * skip_bytes and fullblock), its numbers (libbb's xatoul_range_sfx with cwbkMG_suffixes: no AxB
 * products), "can't open" for open failures, its usage text for anything it does not parse, its
 * report ("10485760 bytes (10.0MB) copied, 0.010506 seconds, 951.8MB/s", make_human_readable_str's
 * 1024-based units), and a full disk: a write that lands short ends the copy without a message
 * (1.28's write_and_stats returns 1 silently; only a write that fails outright prints "dd:
 * writing 'FILE': No space left on device"), and that last write is no record out. Status 1 then.
 */

const COPY_BYTES_PER_MS = 1_000_000;
const SYSCALL_MS_PER_BLOCK = 0.002;
/** Blocks copied between two waits: fewer timer events for long copies, the same total time. */
const BLOCKS_PER_WAIT = 64;

const CONVERSIONS = new Set(["notrunc", "fsync", "fdatasync", "noerror", "sync", "excl", "nocreat"]);
const FLAGS = new Set(["append", "direct", "dsync", "sync", "nonblock", "noatime", "nocache", "noctty", "nofollow", "fullblock", "count_bytes", "skip_bytes", "seek_bytes"]);
const OPERANDS = new Set(["if", "of", "bs", "ibs", "obs", "cbs", "count", "skip", "seek", "conv", "iflag", "oflag", "status"]);

/** dd's numbers take coreutils' size suffixes, and c (1) and w (2) besides. */
const MULTIPLIERS: Readonly<Record<string, number>> = { ...SIZE_MULTIPLIERS, c: 1, w: 2 };

class DdUsage extends Error {}

/** `N[suffix]`, possibly `AxB` products; dd's own wording when it is not one. */
function parseNumber(text: string): number {
  let product = 1;
  for (const factor of text.split("x")) {
    const m = /^(\d+)([A-Za-z]*)$/.exec(factor);
    const multiplier = m === null ? undefined : MULTIPLIERS[m[2]!];
    if (m === null || multiplier === undefined) throw new DdUsage(`invalid number: '${text}'`);
    product *= Number(m[1]) * multiplier;
  }
  return product;
}

/** printf's %g: six significant digits, trailing zeros dropped, an exponent outside 1e-4..1e6. */
function g(x: number): string {
  if (x === 0) return "0";
  const exp = Math.floor(Math.log10(Math.abs(x)));
  if (exp < -4 || exp >= 6) {
    const [mantissa, e] = x.toExponential(5).split("e");
    const n = Number(e);
    return `${mantissa!.replace(/\.?0+$/, "")}e${n < 0 ? "-" : "+"}${String(Math.abs(n)).padStart(2, "0")}`;
  }
  return x.toPrecision(6).replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "");
}

/** gnulib's human_readable with autoscale, rounding to nearest and a space before the unit: "1.0 MB", "427 MB", "10 GiB". */
function human(bytes: number, base: 1000 | 1024): string {
  const units = base === 1000 ? ["B", "kB", "MB", "GB", "TB", "PB", "EB"] : ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
  let v = bytes;
  let unit = 0;
  while (v >= base && unit < units.length - 1) {
    v /= base;
    unit++;
  }
  if (unit === 0) return `${Math.round(v)} B`;
  if (Math.round(v * 10) / 10 < 10) return `${(Math.round(v * 10) / 10).toFixed(1)} ${units[unit]}`;
  const whole = Math.round(v);
  if (whole >= base && unit < units.length - 1) return `1.0 ${units[unit + 1]}`;
  return `${whole} ${units[unit]}`;
}


const BUSYBOX_OPERANDS = new Set(["bs", "count", "seek", "skip", "if", "of", "status", "ibs", "obs", "conv", "iflag"]);
const BUSYBOX_WORDS: Readonly<Record<string, readonly string[]>> = {
  conv: ["notrunc", "sync", "noerror", "fsync", "swab"],
  iflag: ["skip_bytes", "fullblock"],
  status: ["none", "noxfer"],
};

// ---------------------------------------------------------------------------------------------

/** The copy as the operands describe it, whichever flavour parsed them. */
interface Settings {
  readonly input: string | undefined;
  readonly output: string | undefined;
  readonly ibs: number;
  readonly obs: number;
  readonly count: number;
  readonly skip: number;
  readonly seek: number;
  readonly conv: ReadonlySet<string>;
  readonly iflag: ReadonlySet<string>;
  readonly status: string;
}

/** GNU's operands, or its message and status 1. */
function gnuSettings(ctx: ProcessContext): Settings | number {
  const ops = new Map<string, string>();
  for (const arg of ctx.argv.slice(1)) {
    const eq = arg.indexOf("=");
    const key = eq < 0 ? arg : arg.slice(0, eq);
    if (eq < 0 || !OPERANDS.has(key)) {
      ctx.stderr.write(`dd: unrecognized operand '${arg}'\nTry 'dd --help' for more information.\n`);
      return 1;
    }
    ops.set(key, arg.slice(eq + 1));
  }
  try {
    const size = (key: string, fallback: number) => {
      const v = ops.get(key);
      if (v === undefined) return fallback;
      const n = parseNumber(v);
      if (n === 0 && key.endsWith("bs")) throw new DdUsage(`invalid number: '${v}'`);
      return n;
    };
    const bs = size("bs", 0);
    const ibs = bs > 0 ? bs : size("ibs", 512);
    const obs = bs > 0 ? bs : size("obs", 512);
    const count = ops.has("count") ? parseNumber(ops.get("count")!) : Number.POSITIVE_INFINITY;
    const skip = ops.has("skip") ? parseNumber(ops.get("skip")!) : 0;
    const seek = ops.has("seek") ? parseNumber(ops.get("seek")!) : 0;
    const conv = new Set((ops.get("conv") ?? "").split(",").filter((c) => c !== ""));
    for (const c of conv) if (!CONVERSIONS.has(c)) throw new DdUsage(`invalid conversion: '${c}'`);
    for (const key of ["iflag", "oflag"]) {
      for (const f of (ops.get(key) ?? "").split(",").filter((x) => x !== "")) {
        if (!FLAGS.has(f)) throw new DdUsage(`invalid ${key === "iflag" ? "input" : "output"} flag: '${f}'`);
      }
    }
    const iflag = new Set((ops.get("iflag") ?? "").split(",").filter((x) => x !== ""));
    const status = ops.get("status") ?? "default";
    if (!["default", "none", "noxfer", "progress"].includes(status)) throw new DdUsage(`invalid status level: '${status}'`);
    return { input: ops.get("if"), output: ops.get("of"), ibs, obs, count, skip, seek, conv, iflag, status };
  } catch (e) {
    if (!(e instanceof DdUsage)) throw e;
    ctx.stderr.write(`dd: ${e.message}\n`);
    return 1;
  }
}

/**
 * busybox's operands as dd_main reads them, in order: `--` is skipped, anything without `=` or
 * with an unknown name shows the usage (status 1), a bad number or word dies with libbb's message.
 */
function busyboxSettings(ctx: ProcessContext): Settings | number {
  const args = ctx.argv.slice(1);
  let input: string | undefined;
  let output: string | undefined;
  let ibs = 512;
  let obs = 512;
  let count = Number.POSITIVE_INFINITY;
  let skip = 0;
  let seek = 0;
  const conv = new Set<string>();
  const iflag = new Set<string>();
  let status = "default";
  const blockSize = (v: string) => Number(xstrtou(v, 10, 1n, SSIZE_MAX, CWBKMG_SUFFIXES));
  const large = (v: string) => Number(xstrtou(v, 10, 0n, ULLONG_MAX, CWBKMG_SUFFIXES));
  const words = (v: string, what: string) => {
    for (const w of v.split(",")) {
      if (!BUSYBOX_WORDS[what]!.includes(w)) throw new BusyboxDie(`invalid argument '${w}' to '${what}'`);
    }
    return v.split(",");
  };
  try {
    for (const arg of args) {
      if (arg === "--") continue;
      const eq = arg.indexOf("=");
      if (eq < 0 || !BUSYBOX_OPERANDS.has(arg.slice(0, eq))) return busyboxUsage(ctx, "dd", 1);
      const val = arg.slice(eq + 1);
      switch (arg.slice(0, eq)) {
        case "ibs":
          ibs = blockSize(val);
          break;
        case "obs":
          obs = blockSize(val);
          break;
        case "bs":
          ibs = obs = blockSize(val);
          break;
        case "conv":
          for (const w of words(val, "conv")) conv.add(w);
          break;
        case "iflag":
          for (const w of words(val, "iflag")) iflag.add(w);
          break;
        case "count":
          count = large(val);
          break;
        case "seek":
          seek = large(val);
          break;
        case "skip":
          skip = large(val);
          break;
        case "if":
          input = val;
          break;
        case "of":
          output = val;
          break;
        case "status":
          if (!BUSYBOX_WORDS["status"]!.includes(val)) throw new BusyboxDie(`invalid argument '${val}' to 'status'`);
          status = val;
          break;
      }
    }
  } catch (e) {
    if (!(e instanceof BusyboxDie)) throw e;
    ctx.stderr.write(`dd: ${e.message}\n`);
    return 1;
  }
  return { input, output, ibs, obs, count, skip, seek, conv, iflag, status };
}

interface Counts {
  fullIn: number;
  partialIn: number;
  fullOut: number;
  partialOut: number;
  bytes: number;
}

export function dd(flavor: Flavor): Executable {
  return function* (ctx: ProcessContext): Proc<number> {
    const settings = flavor === "gnu" ? gnuSettings(ctx) : busyboxSettings(ctx);
    return typeof settings === "number" ? settings : yield* copy(ctx, flavor, settings);
  };
}

function* copy(ctx: ProcessContext, flavor: Flavor, s: Settings): Proc<number> {
  const busybox = flavor === "busybox";
  const input = yield* openInput(ctx, flavor, s.input, s.ibs, s.skip * (s.iflag.has("skip_bytes") ? 1 : s.ibs));
  if (input === undefined) return 1;
  const output = openOutput(ctx, flavor, s.output, s.obs * s.seek, s.conv);
  if (output === undefined) return 1;
  const inName = s.input ?? "standard input";
  const outName = s.output ?? "standard output";
  const die = (message: string) => {
    output.close();
    ctx.stderr.write(`dd: ${message}\n`);
    return 1;
  };
  // busybox lseeks its output to seek*obs, which a pipe or terminal refuses.
  if (busybox && s.seek > 0 && output.kind === "stdout") return die(`${outName}: Illegal seek`);

  const counts: Counts = { fullIn: 0, partialIn: 0, fullOut: 0, partialOut: 0, bytes: 0 };
  // The copy's own duration: the clock it sleeps on counts whole milliseconds.
  let elapsedMs = 0;
  const pass = function* (ms: number): Proc<void> {
    elapsedMs += ms;
    yield* wait(sleep(ctx.sim, ms));
  };
  let failure: { written: number; error: string } | undefined;
  let pending = 0;
  let blocks = 0;
  /** One write(2) of an output record; false once the copy has to stop. */
  const emit = (record: Uint8Array): boolean => {
    const written = output.write(record);
    counts.bytes += written.bytes;
    pending += written.bytes;
    if (written.error !== undefined) {
      failure = { written: written.bytes, error: written.error };
      return false;
    }
    if (record.length === s.obs) counts.fullOut++;
    else counts.partialOut++;
    return true;
  };
  // Input blocks go out as they are when ibs = obs; otherwise they are gathered into obs-sized records.
  const reblock = s.ibs !== s.obs;
  const obuf = reblock ? new Uint8Array(s.obs) : undefined;
  let oc = 0;
  let previousRead = 0;
  for (let n = 0; n < s.count; n++) {
    if (input.readError !== undefined) return die(`${inName}: ${input.readError}`);
    let block = input.next();
    if (block === undefined) break;
    if (s.conv.has("swab")) {
      // busybox swaps within each read; only the last read may be odd-sized.
      if (previousRead % 2 === 1) return die(`can't swab ${previousRead} byte buffer`);
      previousRead = block.length;
      block = Uint8Array.from(block);
      for (let i = 0; i + 1 < block.length; i += 2) [block[i], block[i + 1]] = [block[i + 1]!, block[i]!];
    }
    if (block.length === s.ibs) counts.fullIn++;
    else {
      counts.partialIn++;
      if (s.conv.has("sync")) {
        const padded = new Uint8Array(s.ibs);
        padded.set(block);
        block = padded;
      }
    }
    let ok = true;
    if (obuf === undefined) ok = emit(block);
    else {
      for (let at = 0; ok && at < block.length; ) {
        const take = Math.min(s.obs - oc, block.length - at);
        obuf.set(block.subarray(at, at + take), oc);
        oc += take;
        at += take;
        if (oc === s.obs) {
          ok = emit(obuf.slice());
          oc = 0;
        }
      }
    }
    blocks++;
    if (!ok) break;
    if (blocks % BLOCKS_PER_WAIT === 0) {
      yield* pass(pending / COPY_BYTES_PER_MS + BLOCKS_PER_WAIT * SYSCALL_MS_PER_BLOCK);
      pending = 0;
    }
  }
  yield* pass(pending / COPY_BYTES_PER_MS + (blocks % BLOCKS_PER_WAIT) * SYSCALL_MS_PER_BLOCK);
  const flush = () => {
    if (obuf !== undefined && oc > 0 && failure === undefined) emit(obuf.slice(0, oc));
  };
  // GNU writes the last short record before it syncs; busybox 1.28 syncs first.
  if (!busybox) flush();
  if (failure === undefined && (s.conv.has("fsync") || s.conv.has("fdatasync"))) {
    // fsync(2) on a pipe, terminal or /dev/null fails with EINVAL, which busybox dies of.
    if (busybox && output.kind !== "file") return die(`${outName}: Invalid argument`);
    output.fsync();
    const delay = ctx.fsyncDelayMs();
    if (delay > 0) yield* pass(delay);
  }
  if (busybox) flush();
  output.close();
  const failed: { written: number; error: string } | undefined = failure;
  if (busybox) {
    // A write that failed outright is reported; one that landed short ends the copy silently.
    if (failed !== undefined && failed.written === 0) ctx.stderr.write(`dd: writing '${outName}': ${failed.error}\n`);
    if (s.status !== "none") busyboxReport(ctx, counts, elapsedMs, s.status !== "noxfer");
  } else {
    counts.fullOut = Math.floor(counts.bytes / s.obs);
    counts.partialOut = counts.bytes % s.obs > 0 ? 1 : 0;
    if (failed !== undefined) ctx.stderr.write(`dd: error writing '${outName}': ${failed.error}\n`);
    if (s.status !== "none") report(ctx, counts, elapsedMs, s.status !== "noxfer");
  }
  return failed === undefined ? 0 : 1;
}

interface Input {
  /** The next block (shorter at the end of a file), or undefined at the end. */
  next(): Uint8Array | undefined;
  /** Set when read(2) fails (busybox opens a directory, then cannot read it). */
  readonly readError?: string;
}

function* openInput(ctx: ProcessContext, flavor: Flavor, path: string | undefined, ibs: number, skipBytes: number): Proc<Input | undefined> {
  const device = path === undefined ? undefined : endlessInput(ctx, path);
  if (device !== undefined) return { next: () => device.read(ibs) };
  let data: Uint8Array;
  if (path === undefined || path === "-" || path === "/dev/stdin") data = encodeText(yield* readStdin(ctx));
  else if (path === "/dev/null") data = new Uint8Array();
  else {
    try {
      const abs = ctx.resolve(path);
      if (ctx.fs.stat(abs).type === "dir") {
        // open(O_RDONLY) of a directory succeeds; GNU refuses it there, busybox's first read fails.
        if (flavor === "busybox") return { next: () => undefined, readError: new FsError("EISDIR", path).description };
        throw new FsError("EISDIR", path);
      }
      data = ctx.fs.readFile(abs);
    } catch (e) {
      ctx.stderr.write(`dd: ${openFailure(flavor, path, e)}\n`);
      return undefined;
    }
  }
  let offset = Math.min(data.length, skipBytes);
  return {
    next: () => {
      if (offset >= data.length) return undefined;
      const block = data.subarray(offset, offset + ibs);
      offset += block.length;
      return block;
    },
  };
}

function openFailure(flavor: Flavor, path: string, e: unknown): string {
  return `${flavor === "gnu" ? "failed to open" : "can't open"} '${path}': ${describeError(e)}`;
}

interface Output {
  readonly kind: "file" | "stdout" | "null";
  /** Writes what fits; the bytes written, and strerror's text when not all of them were. */
  write(block: Uint8Array): { bytes: number; error?: string };
  fsync(): void;
  close(): void;
}

function openOutput(ctx: ProcessContext, flavor: Flavor, path: string | undefined, offset: number, conv: ReadonlySet<string>): Output | undefined {
  if (path === "/dev/null") return { kind: "null", write: (b) => ({ bytes: b.length }), fsync() {}, close() {} };
  if (path === undefined || path === "-" || path === "/dev/stdout") {
    return {
      kind: "stdout",
      write: (b) => {
        ctx.stdout.write(decodeText(b));
        return { bytes: b.length };
      },
      fsync() {},
      close() {},
    };
  }
  const abs = ctx.resolve(path);
  try {
    const exists = ctx.fs.exists(abs);
    if (exists && conv.has("excl")) throw new FsError("EEXIST", path);
    if (!exists && conv.has("nocreat")) throw new FsError("ENOENT", path);
    const st = exists ? ctx.fs.stat(abs) : undefined;
    if (st?.type === "dir") throw new FsError("EISDIR", path);
    // A device takes each block as its driver does (/dev/full refuses it); there is nothing to cut.
    if (st?.rdev !== undefined) return { kind: "file", write: (b) => appendWhatFits(ctx, abs, b), fsync() {}, close() {} };
    // The file as the copy starts: cut at the seek offset (or kept whole with conv=notrunc), and
    // zero-filled up to it, as a sparse file reads.
    const before = exists ? ctx.fs.readFile(abs) : new Uint8Array();
    if (conv.has("notrunc") && before.length > offset) {
      return rewriteInPlace(ctx, abs, before, offset);
    }
    const head = new Uint8Array(offset);
    head.set(before.subarray(0, offset));
    ctx.fs.writeFile(abs, head);
  } catch (e) {
    ctx.stderr.write(`dd: ${openFailure(flavor, path, e)}\n`);
    return undefined;
  }
  return {
    kind: "file",
    write: (b) => appendWhatFits(ctx, abs, b),
    fsync: () => ctx.fs.fsync(abs),
    close() {},
  };
}

/** A block appended as write(2) writes it: what fits, and the error when not all of it landed. */
function appendWhatFits(ctx: ProcessContext, abs: string, block: Uint8Array): { bytes: number; error?: string } {
  const r = writeWhatFits(ctx.fs, abs, block);
  return r.error === undefined ? { bytes: r.bytes } : { bytes: r.bytes, error: r.error.description };
}

/**
 * conv=notrunc over existing bytes: they are overwritten where the copy goes (which needs no new
 * space) and kept after it; the file is rewritten once the copy leaves them behind or ends.
 */
function rewriteInPlace(ctx: ProcessContext, abs: string, before: Uint8Array, offset: number): Output {
  const content = Uint8Array.from(before);
  let at = offset;
  let flushed = false;
  const flush = () => {
    if (!flushed) ctx.fs.writeFile(abs, content);
    flushed = true;
  };
  return {
    kind: "file",
    write: (b) => {
      if (flushed) return appendWhatFits(ctx, abs, b);
      const inside = Math.min(b.length, content.length - at);
      content.set(b.subarray(0, inside), at);
      at += inside;
      if (inside === b.length) return { bytes: b.length };
      flush();
      const rest = appendWhatFits(ctx, abs, b.subarray(inside));
      return { bytes: inside + rest.bytes, ...(rest.error !== undefined ? { error: rest.error } : {}) };
    },
    fsync: () => {
      flush();
      ctx.fs.fsync(abs);
    },
    close: flush,
  };
}

function report(ctx: ProcessContext, c: Counts, elapsedMs: number, transfer: boolean): void {
  ctx.stderr.write(`${c.fullIn}+${c.partialIn} records in\n${c.fullOut}+${c.partialOut} records out\n`);
  if (!transfer) return;
  const seconds = elapsedMs / 1000;
  const rate = seconds > 0 ? `${human(c.bytes / seconds, 1000)}/s` : "Infinity B/s";
  const si = human(c.bytes, 1000);
  const copied = si.endsWith(" B") ? `${c.bytes} byte${c.bytes === 1 ? "" : "s"} copied` : `${c.bytes} bytes (${si}, ${human(c.bytes, 1024)}) copied`;
  ctx.stderr.write(`${copied}, ${g(seconds)} s, ${rate}\n`);
}

/**
 * busybox's dd_output_status: the records, then (FEATURE_DD_THIRD_STATUS_LINE) "%llu bytes (%sB)
 * copied, %f seconds, %sB/s" with monotonic_us's whole microseconds and the rate truncated to an
 * integer (0 when no time passed: x86-64's conversion of inf or NaN to unsigned is 0).
 */
function busyboxReport(ctx: ProcessContext, c: Counts, elapsedMs: number, transfer: boolean): void {
  ctx.stderr.write(`${c.fullIn}+${c.partialIn} records in\n${c.fullOut}+${c.partialOut} records out\n`);
  if (!transfer) return;
  const seconds = Math.round(elapsedMs * 1000) / 1e6;
  const rate = seconds > 0 ? Math.trunc(c.bytes / seconds) : 0;
  ctx.stderr.write(`${c.bytes} bytes (${humanReadable(c.bytes)}B) copied, ${seconds.toFixed(6)} seconds, ${humanReadable(rate)}B/s\n`);
}
