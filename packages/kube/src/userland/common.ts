import { FsError, sleep, wait, type Proc, type Waitable } from "@ksim/sim";
import { isEndlessDevice, openDeviceForReading, type EndlessDevice } from "../runtime/dev.js";
import { brokenPipeError, pipeBehind, type InputStream } from "../runtime/streams.js";
import { writeWhatFits, type FileStat, type FileSystem, type MountEntry, type WriteOutcome } from "../runtime/fs.js";
import type { ProcessContext } from "../runtime/process.js";
import { busyboxLongOptions, busyboxUsage } from "./libbb.js";

/**
 * What every tool needs: reading its inputs (files, `-`, /dev/null), GNU-style option parsing
 * with the real usage errors, and the two flavours of message (coreutils and busybox).
 */

/** GNU coreutils (and the Debian tools around them) or busybox applets. */
export type Flavor = "gnu" | "busybox";

export function programName(ctx: ProcessContext): string {
  const a = ctx.argv[0] ?? "";
  return a.slice(a.lastIndexOf("/") + 1);
}

export function* readStdin(ctx: ProcessContext, stream: InputStream = ctx.stdin): Proc<string> {
  let out = "";
  for (;;) {
    const chunk = yield* wait(stream.read());
    if (chunk === null) return out;
    out += chunk;
  }
}

/**
 * The descriptor a path opens again: `-` and /dev/stdin are standard input, /dev/fd/N and
 * /proc/self/fd/N descriptor N (what bash's process substitution `<(...)` names).
 */
export function inheritedInput(ctx: ProcessContext, path: string): InputStream | undefined {
  if (path === "-" || path === "/dev/stdin") return ctx.stdin;
  const m = /^\/(?:dev|proc\/self)\/fd\/(0|[1-9][0-9]*)$/.exec(path);
  if (m === null) return undefined;
  const fd = Number(m[1]);
  if (fd === 0) return ctx.stdin;
  const stream = ctx.fds.get(fd);
  return stream !== undefined && "read" in stream ? stream : undefined;
}

/** A file's text; `-` is standard input, /dev/null is empty. Throws FsError. */
export function* readInput(ctx: ProcessContext, path: string): Proc<string> {
  const inherited = inheritedInput(ctx, path);
  if (inherited !== undefined) return yield* readStdin(ctx, inherited);
  if (path === "/dev/null") return "";
  const abs = ctx.resolve(path);
  const st = ctx.fs.stat(abs);
  if (st.type === "dir") throw new FsError("EISDIR", path);
  // A tool that reads its whole input before it works never gets to the end of /dev/zero.
  if (st.rdev !== undefined && isEndlessDevice(st.rdev)) return yield* wait(FOREVER);
  return ctx.fs.readText(abs);
}

/**
 * The device a path names when reading it never ends (/dev/zero, /dev/urandom…): tools that
 * stream (cat, head) read it a buffer at a time, where readInput would never come back.
 */
export function endlessInput(ctx: ProcessContext, path: string): EndlessDevice | undefined {
  if (path === "-") return undefined;
  let st: FileStat;
  try {
    st = ctx.fs.stat(ctx.resolve(path));
  } catch {
    return undefined;
  }
  if (st.rdev === undefined || !isEndlessDevice(st.rdev)) return undefined;
  const input = openDeviceForReading(st.rdev, ctx.random, path);
  return input.kind === "endless" ? input : undefined;
}

/** What a read that never ends waits for: it keeps no waiter, since it will never call one. */
export const FOREVER: Waitable<never> = { subscribe: () => () => {} };

/** coreutils' io_blksize: the buffer cat and its kin copy with. */
export const COPY_BUFFER_BYTES = 128 * 1024;

/**
 * Waits until standard output takes more, between the writes of an endless copy: a pipe once its
 * reader has read what is there, anything else a millisecond per buffer, so that simulated time
 * passes as it copies.
 */
export function* roomToWrite(ctx: ProcessContext): Proc<void> {
  if (pipeBehind(ctx.stdout) !== undefined) yield* readerTookIt(ctx);
  else yield* wait(sleep(ctx.sim, 1));
}

/**
 * After a write to a pipe, waits for its reader to take it; a reader that is gone makes the write
 * fail with EPIPE, and the writer die of SIGPIPE. Other outputs need no wait.
 */
export function* readerTookIt(ctx: ProcessContext): Proc<void> {
  const pipe = pipeBehind(ctx.stdout);
  if (pipe === undefined) return;
  yield* wait(pipe.drained());
  if (pipe.broken) throw brokenPipeError();
}

/** Copies an endless device to standard output until the output fails: a full disk, a closed pipe. */
export function* copyEndless(ctx: ProcessContext, device: EndlessDevice): Proc<never> {
  for (;;) {
    ctx.stdout.write(device.readText(COPY_BUFFER_BYTES));
    yield* roomToWrite(ctx);
  }
}

/** Writes to a path; /dev/null, /dev/stdout and /dev/stderr are the process's own streams. */
export function writeOutput(ctx: ProcessContext, path: string, text: string, append = false): void {
  if (path === "/dev/null") return;
  if (path === "/dev/stdout" || path === "-") return ctx.stdout.write(text);
  if (path === "/dev/stderr") return ctx.stderr.write(text);
  const abs = ctx.resolve(path);
  if (append) ctx.fs.appendFile(abs, text);
  else ctx.fs.writeFile(abs, text);
}

/**
 * A file written as programs write one: open(O_CREAT|O_TRUNC), which throws as before when it
 * fails, then the data, of which a full disk keeps what fits (the file stays, short).
 */
export function createAndWrite(fs: FileSystem, path: string, data: Uint8Array, options?: { mode?: number }): WriteOutcome {
  fs.writeFile(path, new Uint8Array(), options);
  return data.length === 0 ? { bytes: 0 } : writeWhatFits(fs, path, data);
}

/**
 * The multiplier suffixes coreutils' xstrtoumax takes for sizes ("bEGKkMmPTYZ0"): K (or k) is
 * 1024, KiB too, KB 1000; likewise M, G, T, P, E; b is a 512-byte block.
 */
export const SIZE_MULTIPLIERS: Readonly<Record<string, number>> = (() => {
  const table: Record<string, number> = { "": 1, b: 512 };
  for (const [i, letter] of [..."KMGTPE"].entries()) {
    for (const l of letter === "K" ? ["K", "k"] : letter === "M" ? ["M", "m"] : [letter]) {
      table[l] = 1024 ** (i + 1);
      table[`${l}iB`] = 1024 ** (i + 1);
      table[`${l}B`] = 1000 ** (i + 1);
    }
  }
  return table;
})();

/** A size as coreutils reads one: digits and a multiplier suffix; undefined when it is not one. */
export function parseSize(text: string): number | undefined {
  const m = /^(\d+)([A-Za-z]*)$/.exec(text);
  const multiplier = m === null ? undefined : SIZE_MULTIPLIERS[m[2]!];
  return multiplier === undefined ? undefined : Number(m![1]) * multiplier;
}

/** An error's words for a message; EFBIG is not reported: the SIGXFSZ sent with it ends the process. */
export function describeError(e: unknown): string {
  if (e instanceof FsError && e.code !== "EFBIG") return e.description;
  throw e;
}

export interface OptionSpec {
  /** Short options; a letter followed by `:` takes an argument (getopt syntax). */
  readonly short: string;
  /**
   * Long options mapped to a short letter (or a name of their own); a `=` suffix takes an
   * argument, `=?` an optional one, given only as `--name=VALUE` (an empty value without it).
   */
  readonly long?: Readonly<Record<string, string>>;
  /** Treat `-NUM` as an option value (head -5, kill -9). */
  readonly numeric?: boolean;
  /** Options end at the first operand (getopt's `+`): xargs, env, whose operands are a command line. */
  readonly inOrder?: boolean;
  /** A negative number (`-1`, `-.5`) is an operand, not options (seq). */
  readonly negativeNumbers?: boolean;
  /** getopt(3), not getopt_long: `--name` is the option letter `-` (busybox's head). */
  readonly plainGetopt?: boolean;
}

export interface ParsedOptions {
  readonly flags: Map<string, string[]>;
  /** Each option as it came, for tools where the last of several decides (df -h -B1). */
  readonly order: readonly string[];
  readonly operands: string[];
}

export class UsageError extends Error {
  override name = "UsageError";
}

/**
 * getopt_long with permutation: options may follow operands (GNU); `--` ends options.
 * Throws UsageError with the first line of the real diagnostic.
 */
export function parseOptions(args: readonly string[], spec: OptionSpec): ParsedOptions {
  const flags = new Map<string, string[]>();
  const order: string[] = [];
  const operands: string[] = [];
  const add = (k: string, v: string) => {
    flags.set(k, [...(flags.get(k) ?? []), v]);
    order.push(k);
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (spec.negativeNumbers === true && /^-\.?[0-9]/.test(a)) {
      operands.push(a);
      continue;
    }
    if (a.startsWith("--")) {
      if (spec.plainGetopt === true) throw new UsageError("invalid option -- '-'");
      // getopt_long: a `--name` the tool does not declare is refused whole, not read as letters.
      if (spec.long === undefined) throw new UsageError(`unrecognized option '${a}'`);
      const eq = a.indexOf("=");
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      const bare = (k: string) => k.replace(/=\??$/, "");
      const keys = Object.keys(spec.long).filter((k) => bare(k).startsWith(name));
      const exact = keys.find((k) => bare(k) === name);
      const key = exact ?? (keys.length === 1 ? keys[0] : undefined);
      if (key === undefined) {
        throw new UsageError(keys.length > 1 ? `option '${a}' is ambiguous` : `unrecognized option '${a}'`);
      }
      const target = spec.long[key]!;
      if (key.endsWith("=?")) add(target, eq >= 0 ? a.slice(eq + 1) : "");
      else if (key.endsWith("=")) {
        const v = eq >= 0 ? a.slice(eq + 1) : args[++i];
        if (v === undefined) throw new UsageError(`option '--${key.slice(0, -1)}' requires an argument`);
        add(target, v);
      } else add(target, "");
      continue;
    }
    if (a.startsWith("-") && a.length > 1) {
      if (spec.numeric && /^-\d+$/.test(a)) {
        add("#", a.slice(1));
        continue;
      }
      for (let k = 1; k < a.length; k++) {
        const letter = a[k]!;
        const at = spec.short.indexOf(letter);
        if (at < 0 || letter === ":") {
          throw new UsageError(`invalid option -- '${letter}'`);
        }
        if (spec.short[at + 1] === ":") {
          const v = k + 1 < a.length ? a.slice(k + 1) : args[++i];
          if (v === undefined) throw new UsageError(`option requires an argument -- '${letter}'`);
          add(letter, v);
          break;
        }
        add(letter, "");
      }
      continue;
    }
    if (spec.inOrder) {
      operands.push(...args.slice(i));
      break;
    }
    operands.push(a);
  }
  return { flags, order, operands };
}

/** Prints a usage error the way coreutils (`Try '...' --help`) or busybox (a banner) does. */
export function usageFailure(ctx: ProcessContext, flavor: Flavor, message: string, status = 1): number {
  const name = programName(ctx);
  ctx.stderr.write(`${name}: ${message}\n`);
  if (flavor === "busybox") return busyboxUsage(ctx, name, status);
  ctx.stderr.write(`Try '${name} --help' for more information.\n`);
  return status;
}

/** Runs `body` with parsed options, turning a UsageError into the standard message. */
export function* withOptions(
  ctx: ProcessContext,
  flavor: Flavor,
  spec: OptionSpec,
  body: (o: ParsedOptions) => Proc<number>,
  usageStatus = 1,
  args: readonly string[] = ctx.argv.slice(1),
): Proc<number> {
  let parsed: ParsedOptions;
  try {
    parsed = parseOptions(args, flavor === "busybox" ? { ...spec, long: busyboxLongOptions(programName(ctx), spec.long) } : spec);
  } catch (e) {
    if (e instanceof UsageError) return usageFailure(ctx, flavor, e.message, usageStatus);
    throw e;
  }
  return yield* body(parsed);
}

export function has(o: ParsedOptions, flag: string): boolean {
  return o.flags.has(flag);
}

/** Which of `flags` came last on the command line, or undefined. */
export function lastOf(o: ParsedOptions, flags: readonly string[]): string | undefined {
  return o.order.findLast((f) => flags.includes(f));
}

export function last(o: ParsedOptions, flag: string): string | undefined {
  const v = o.flags.get(flag);
  return v?.[v.length - 1];
}

/** `Mmm dd HH:MM` for recent times, `Mmm dd  YYYY` for old or future ones (ls -l). */
export function lsTime(mtimeMs: number, nowMs: number): string {
  const d = new Date(mtimeMs);
  const month = MONTHS[d.getUTCMonth()]!;
  const day = String(d.getUTCDate()).padStart(2, " ");
  const sixMonths = (365.2425 / 2) * 24 * 3600 * 1000;
  if (nowMs - mtimeMs > sixMonths || mtimeMs - nowMs > 3600 * 1000) return `${month} ${day}  ${d.getUTCFullYear()}`;
  return `${month} ${day} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
}

export const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
export const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

export function two(n: number): string {
  return String(n).padStart(2, "0");
}

/**
 * A size as `ls -h` and `du -h` print it: 1024-based, rounded up, one decimal below 10; with base
 * 1000 as `df -H` and `--si` print it (k for kilo).
 */
export function humanSize(size: number, base: 1024 | 1000 = 1024): string {
  if (size < base) return String(size);
  let v = size;
  let unit = 0;
  while (v >= base && unit < 6) {
    v /= base;
    unit++;
  }
  const suffix = (base === 1024 ? "KMGTPE" : "kMGTPE")[unit - 1]!;
  if (v < 10) {
    const r = Math.ceil(v * 10) / 10;
    return r >= 10 ? `${Math.ceil(r)}${suffix}` : `${r.toFixed(1)}${suffix}`;
  }
  return `${Math.ceil(v)}${suffix}`;
}

/** Disk usage in 1 KiB blocks, as `total` counts it (4 KiB filesystem blocks). */
export function diskBlocks(st: FileStat): number {
  if (st.type === "symlink") return 0;
  // A directory takes a block, except on a pseudo filesystem (a tmpfs or devpts directory takes none).
  if (st.type === "dir") return st.allocated !== undefined ? st.allocated / 1024 : 4;
  // A file with a hole takes fewer blocks than its size says.
  return st.allocated !== undefined ? st.allocated / 1024 : Math.ceil(st.size / 4096) * 4;
}

/** A text's lines without their newlines (a last line without one still counts; empty text has none). */
export function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (text.endsWith("\n")) lines.pop();
  return lines;
}

/** Links followed before canonicalization gives up (the kernel's limit, which ELOOP reports). */
const MAX_LINKS = 40;

/**
 * canonicalize_filename_mode: the absolute path with every link resolved. "f": all but the last
 * component must exist; "e": all must; "m": none need to. Undefined when the path fails that.
 */
export function canonicalize(ctx: ProcessContext, name: string, mode: "f" | "e" | "m"): string | undefined {
  // Joined, not normalized: ".." is taken after the links before it are followed, as the kernel does.
  let pending = (name.startsWith("/") ? name : `${ctx.cwd}/${name}`).split("/").filter((c) => c !== "" && c !== ".");
  const done: string[] = [];
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === "..") {
      done.pop();
      continue;
    }
    const path = `/${[...done, part].join("/")}`;
    let target: string | undefined;
    try {
      const st = ctx.fs.lstat(path);
      if (st.type === "symlink") target = ctx.fs.readlink(path);
      else if (pending.length > 0 && st.type !== "dir") return mode === "m" ? `/${[...done, part, ...pending].join("/")}` : undefined;
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
      if (mode === "e" || (mode === "f" && pending.length > 0)) return undefined;
      done.push(part);
      continue;
    }
    if (target === undefined) {
      done.push(part);
      continue;
    }
    if (++hops > MAX_LINKS) return undefined;
    if (target.startsWith("/")) done.length = 0;
    const next: string[] = [];
    for (const c of [...target.split("/"), ...pending]) {
      if (c === "" || c === ".") continue;
      next.push(c);
    }
    pending = next;
  }
  return `/${done.join("/")}`;
}

/** stat(2) of a path the process names, or undefined when it cannot be had. */
export function statOrUndefined(ctx: ProcessContext, path: string): FileStat | undefined {
  try {
    return ctx.fs.stat(ctx.resolve(path));
  } catch (e) {
    if (e instanceof FsError) return undefined;
    throw e;
  }
}

/** lstat(2) of a path the process names: a link itself, not what it leads to. */
export function lstatOrUndefined(ctx: ProcessContext, path: string): FileStat | undefined {
  try {
    return ctx.fs.lstat(ctx.resolve(path));
  } catch (e) {
    if (e instanceof FsError) return undefined;
    throw e;
  }
}

/** The mount a path is on: the one with the longest mount point above it. */
export function mountOf(table: readonly MountEntry[], path: string): MountEntry {
  let best = table[0]!;
  for (const e of table) {
    const under = e.target === "/" || path === e.target || path.startsWith(`${e.target}/`);
    if (under && e.target.length >= best.target.length) best = e;
  }
  return best;
}
