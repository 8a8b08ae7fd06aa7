import { decodeText, encodeText, FsError, sleep, wait, type Proc } from "@ksim/sim";
import type { ProcessContext } from "../runtime/process.js";
import { writeWhatFits } from "../runtime/fs.js";
import { describeError, readStdin } from "./common.js";

/**
 * GNU dd (coreutils 8.25 to 8.32, as the Debian and Ubuntu images carry): copies `if` to `of` in
 * blocks, then reports the records and bytes it moved on stderr. The devices runbooks reach for
 * are its own to read and write: /dev/zero, /dev/urandom and /dev/random (seeded bytes) as input,
 * /dev/null as output. `dd if=/dev/zero of=FILE bs=1M` without a count fills the disk under FILE
 * and stops at the short write, as the real one does.
 *
 * Time passes as the copy goes, at an assumed 1 GB/s through the page cache (a cloud VM's dd to a
 * persistent disk without conv=fsync reports about that) plus 2 µs per block for the two system
 * calls; conv=fsync adds the machine's fsync.
 */

const COPY_BYTES_PER_MS = 1_000_000;
const SYSCALL_MS_PER_BLOCK = 0.002;
/** Blocks copied between two waits: fewer timer events for long copies, the same total time. */
const BLOCKS_PER_WAIT = 64;

const CONVERSIONS = new Set(["notrunc", "fsync", "fdatasync", "noerror", "sync", "excl", "nocreat"]);
const FLAGS = new Set(["append", "direct", "dsync", "sync", "nonblock", "noatime", "nocache", "noctty", "nofollow", "fullblock", "count_bytes", "skip_bytes", "seek_bytes"]);
const OPERANDS = new Set(["if", "of", "bs", "ibs", "obs", "cbs", "count", "skip", "seek", "conv", "iflag", "oflag", "status"]);

/** The suffixes GNU dd's numbers take (xstrtoumax with "bcEGkKMPTwYZ0"): kB is 1000, K 1024. */
const MULTIPLIERS: Readonly<Record<string, number>> = {
  "": 1, c: 1, w: 2, b: 512,
  kB: 1e3, K: 1024, k: 1024, KiB: 1024, kiB: 1024,
  MB: 1e6, M: 1024 ** 2, MiB: 1024 ** 2,
  GB: 1e9, G: 1024 ** 3, GiB: 1024 ** 3,
  TB: 1e12, T: 1024 ** 4, TiB: 1024 ** 4,
};

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

interface Counts {
  fullIn: number;
  partialIn: number;
  fullOut: number;
  partialOut: number;
  bytes: number;
}

export function* dd(ctx: ProcessContext): Proc<number> {
  const ops = new Map<string, string>();
  try {
    for (const arg of ctx.argv.slice(1)) {
      const eq = arg.indexOf("=");
      const key = eq < 0 ? arg : arg.slice(0, eq);
      if (eq < 0 || !OPERANDS.has(key)) {
        ctx.stderr.write(`dd: unrecognized operand '${arg}'\nTry 'dd --help' for more information.\n`);
        return 1;
      }
      ops.set(key, arg.slice(eq + 1));
    }
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
    const status = ops.get("status") ?? "default";
    if (!["default", "none", "noxfer", "progress"].includes(status)) throw new DdUsage(`invalid status level: '${status}'`);

    const input = yield* openInput(ctx, ops.get("if"), ibs, skip);
    if (input === undefined) return 1;
    const output = openOutput(ctx, ops.get("of"), obs * seek, conv);
    if (output === undefined) return 1;

    const counts: Counts = { fullIn: 0, partialIn: 0, fullOut: 0, partialOut: 0, bytes: 0 };
    // The copy's own duration: the clock it sleeps on counts whole milliseconds.
    let elapsedMs = 0;
    const pass = function* (ms: number): Proc<void> {
      elapsedMs += ms;
      yield* wait(sleep(ctx.sim, ms));
    };
    let failure: string | undefined;
    let pending = 0;
    let blocks = 0;
    // Input blocks pass to output as they are: ibs and obs differ rarely enough to reblock at the end.
    for (let n = 0; n < count; n++) {
      const block = input.next();
      if (block === undefined) break;
      if (block.length === ibs) counts.fullIn++;
      else counts.partialIn++;
      const written = output.write(block);
      counts.bytes += written.bytes;
      pending += written.bytes;
      blocks++;
      if (written.error !== undefined) {
        failure = written.error;
        break;
      }
      if (blocks % BLOCKS_PER_WAIT === 0) {
        yield* pass(pending / COPY_BYTES_PER_MS + BLOCKS_PER_WAIT * SYSCALL_MS_PER_BLOCK);
        pending = 0;
      }
    }
    yield* pass(pending / COPY_BYTES_PER_MS + (blocks % BLOCKS_PER_WAIT) * SYSCALL_MS_PER_BLOCK);
    output.close();
    if (failure === undefined && (conv.has("fsync") || conv.has("fdatasync"))) {
      output.fsync();
      const delay = ctx.fsyncDelayMs();
      if (delay > 0) yield* pass(delay);
    }
    counts.fullOut = Math.floor(counts.bytes / obs);
    counts.partialOut = counts.bytes % obs > 0 ? 1 : 0;
    if (failure !== undefined) ctx.stderr.write(`dd: ${failure}\n`);
    if (status !== "none") report(ctx, counts, elapsedMs, status !== "noxfer");
    return failure === undefined ? 0 : 1;
  } catch (e) {
    if (e instanceof DdUsage) {
      ctx.stderr.write(`dd: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

interface Input {
  /** The next block (shorter at the end of a file), or undefined at the end. */
  next(): Uint8Array | undefined;
}

function* openInput(ctx: ProcessContext, path: string | undefined, ibs: number, skip: number): Proc<Input | undefined> {
  if (path === "/dev/zero") {
    const zeros = new Uint8Array(ibs);
    return { next: () => zeros };
  }
  if (path === "/dev/urandom" || path === "/dev/random") {
    const random = ctx.random;
    return {
      next: () => {
        const block = new Uint8Array(ibs);
        for (let i = 0; i < ibs; i++) block[i] = random.int(0, 255);
        return block;
      },
    };
  }
  let data: Uint8Array;
  if (path === undefined || path === "-" || path === "/dev/stdin") data = encodeText(yield* readStdin(ctx));
  else if (path === "/dev/null") data = new Uint8Array();
  else {
    try {
      const abs = ctx.resolve(path);
      if (ctx.fs.stat(abs).type === "dir") throw new FsError("EISDIR", path);
      data = ctx.fs.readFile(abs);
    } catch (e) {
      ctx.stderr.write(`dd: failed to open '${path}': ${describeError(e)}\n`);
      return undefined;
    }
  }
  let offset = Math.min(data.length, skip * ibs);
  return {
    next: () => {
      if (offset >= data.length) return undefined;
      const block = data.subarray(offset, offset + ibs);
      offset += block.length;
      return block;
    },
  };
}

interface Output {
  /** Writes what fits; the bytes written, and the error message when not all of them were. */
  write(block: Uint8Array): { bytes: number; error?: string };
  fsync(): void;
  close(): void;
}

function openOutput(ctx: ProcessContext, path: string | undefined, offset: number, conv: ReadonlySet<string>): Output | undefined {
  if (path === "/dev/null") return { write: (b) => ({ bytes: b.length }), fsync() {}, close() {} };
  if (path === undefined || path === "-" || path === "/dev/stdout") {
    return {
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
    if (exists && ctx.fs.stat(abs).type === "dir") throw new FsError("EISDIR", path);
    // The file as the copy starts: cut at the seek offset (or kept whole with conv=notrunc), and
    // zero-filled up to it, as a sparse file reads.
    const before = exists ? ctx.fs.readFile(abs) : new Uint8Array();
    if (conv.has("notrunc") && before.length > offset) {
      return rewriteInPlace(ctx, abs, path, before, offset);
    }
    const head = new Uint8Array(offset);
    head.set(before.subarray(0, offset));
    ctx.fs.writeFile(abs, head);
  } catch (e) {
    ctx.stderr.write(`dd: failed to open '${path}': ${describeError(e)}\n`);
    return undefined;
  }
  return {
    write: (b) => appendWhatFitsReported(ctx, abs, path, b),
    fsync: () => ctx.fs.fsync(abs),
    close() {},
  };
}

/** A block appended as write(2) writes it, with dd's message when not all of it landed. */
function appendWhatFitsReported(ctx: ProcessContext, abs: string, path: string, block: Uint8Array): { bytes: number; error?: string } {
  const r = writeWhatFits(ctx.fs, abs, block);
  return r.error === undefined ? { bytes: r.bytes } : { bytes: r.bytes, error: `error writing '${path}': ${r.error.description}` };
}

/**
 * conv=notrunc over existing bytes: they are overwritten where the copy goes (which needs no new
 * space) and kept after it; the file is rewritten once the copy leaves them behind or ends.
 */
function rewriteInPlace(ctx: ProcessContext, abs: string, path: string, before: Uint8Array, offset: number): Output {
  const content = Uint8Array.from(before);
  let at = offset;
  let flushed = false;
  const flush = () => {
    if (!flushed) ctx.fs.writeFile(abs, content);
    flushed = true;
  };
  return {
    write: (b) => {
      if (flushed) return appendWhatFitsReported(ctx, abs, path, b);
      const inside = Math.min(b.length, content.length - at);
      content.set(b.subarray(0, inside), at);
      at += inside;
      if (inside === b.length) return { bytes: b.length };
      flush();
      const rest = appendWhatFitsReported(ctx, abs, path, b.subarray(inside));
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
