import type { ProcessContext } from "../runtime/process.js";
import { BUSYBOX_USAGE } from "./busybox-usage.js";

/** libbb, as busybox 1.28's applets use it: usage, dying with a message, numbers and sizes. */

/** The banner bb_show_usage prints before an applet's usage. */
export const BUSYBOX_BANNER = "BusyBox v1.28.4 (2018-05-22 17:00:17 UTC) multi-call binary.\n";

/**
 * bb_show_usage with FEATURE_VERBOSE_USAGE: the banner, then `Usage: APPLET` and the applet's
 * usage text (no space before a text that starts a new line), on stderr; an applet without
 * one says "No help available.".
 */
export function busyboxUsage(ctx: ProcessContext, applet: string, status: number): number {
  ctx.stderr.write(BUSYBOX_BANNER + busyboxUsageText(applet));
  return status;
}

function busyboxUsageText(applet: string): string {
  const usage = BUSYBOX_USAGE[applet];
  if (usage === undefined) return "\nNo help available.\n\n";
  return `\nUsage: ${applet}${usage.startsWith("\n") ? "" : " "}${usage}\n`;
}

/** bb_error_msg_and_die: the message is printed as `APPLET: MESSAGE` and the applet exits 1. */
export class BusyboxDie extends Error {}

export const ULLONG_MAX = 2n ** 64n - 1n;
export const UINT_MAX = 2n ** 32n - 1n;
export const SSIZE_MAX = 2n ** 63n - 1n;

/** libbb's cwbkMG_suffixes (xatonum.c), dd's: kB/KB/kD/KD are 1000, k/K 1024, MB/MD, M, GB/GD, G likewise. */
export const CWBKMG_SUFFIXES: Readonly<Record<string, bigint>> = {
  c: 1n, w: 2n, b: 512n,
  kB: 1000n, kD: 1000n, k: 1024n, KB: 1000n, KD: 1000n, K: 1024n,
  MB: 1000000n, MD: 1000000n, M: 1048576n,
  GB: 1000000000n, GD: 1000000000n, G: 1073741824n,
};

/** libbb's bkm_suffixes (od's -N, -j and -S). */
export const BKM_SUFFIXES: Readonly<Record<string, bigint>> = { b: 512n, k: 1024n, m: 1048576n };

/**
 * libbb's xstrtou_range_sfx (xatonum_template.c) over strtoull: no sign or leading space, base 10
 * or 0 (0x hex, 0 octal), then an exact suffix or nothing; "invalid number 'X'" or "number X is
 * not in LO..HI range" (a suffix that overflows the type says the latter).
 */
export function xstrtou(text: string, base: 0 | 10, lower: bigint, upper: bigint, suffixes?: Readonly<Record<string, bigint>>, typeMax = ULLONG_MAX): bigint {
  const invalid = new BusyboxDie(`invalid number '${text}'`);
  const range = new BusyboxDie(`number ${text} is not in ${lower}..${upper} range`);
  if (text === "" || /^[-+\s]/.test(text)) throw invalid;
  let radix = 10;
  let at = 0;
  if (base === 0 && /^0[xX][0-9a-fA-F]/.test(text)) {
    radix = 16;
    at = 2;
  } else if (base === 0 && text.startsWith("0")) radix = 8;
  const digit = radix === 16 ? /[0-9a-fA-F]/ : radix === 8 ? /[0-7]/ : /[0-9]/;
  const start = at;
  while (at < text.length && digit.test(text[at]!)) at++;
  if (at === start) throw invalid;
  const digits = text.slice(start, at);
  let r = BigInt(radix === 16 ? `0x${digits}` : radix === 8 ? `0o${digits}` : digits);
  if (r > typeMax) throw invalid;
  const rest = text.slice(at);
  const mult = suffixes !== undefined && Object.hasOwn(suffixes, rest) ? suffixes[rest] : undefined;
  if (mult !== undefined) {
    if (typeMax / mult < r) throw range;
    r *= mult;
  } else if (rest !== "") throw invalid;
  if (r < lower || r > upper) throw range;
  return r;
}

/** make_human_readable_str(val, 1, 0): 1024-based, one rounded decimal and the unit letter ("12.0K"), plain below 1024. */
export function humanReadable(value: number): string {
  if (value === 0) return "0";
  let v = value;
  let frac = 0;
  let unit = 0;
  while (v >= 1024) {
    unit++;
    frac = Math.floor(((v % 1024) * 10 + 512) / 1024);
    v = Math.floor(v / 1024);
  }
  if (frac >= 10) {
    v++;
    frac = 0;
  }
  return unit === 0 ? String(v) : `${v}.${frac}${"KMGTPEZY"[unit - 1]}`;
}

/**
 * The long options busybox 1.28's applets take as defconfig builds them (LONG_OPTS on), from
 * their getopt32long tables; an applet not named here has none, so every `--name` is getopt_long's
 * "unrecognized option". chgrp uses chown's table, zcat gunzip's.
 */
const LONG_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  chown: ["recursive", "dereference", "no-dereference", "changes", "silent", "quiet", "verbose"],
  chgrp: ["recursive", "dereference", "no-dereference", "changes", "silent", "quiet", "verbose"],
  cp: ["archive", "force", "interactive", "link", "dereference", "no-dereference", "recursive", "symbolic-link", "no-target-directory", "verbose", "update", "remove-destination", "parents"],
  date: ["rfc-822", "rfc-2822", "set", "utc", "date", "reference"],
  env: ["ignore-environment", "unset"],
  gunzip: ["stdout", "to-stdout", "force", "test", "no-name"],
  zcat: ["stdout", "to-stdout", "force", "test", "no-name"],
  gzip: ["stdout", "to-stdout", "force", "verbose", "decompress", "uncompress", "test", "quiet", "fast", "best", "no-name"],
  ls: ["full-time", "group-directories-first", "color"],
  mkdir: ["mode", "parents", "verbose"],
  mv: ["interactive", "force", "no-clobber", "verbose"],
  od: ["skip-bytes", "address-radix", "read-bytes", "format", "output-duplicates", "strings", "width", "traditional"],
  rmdir: ["parents", "ignore-fail-on-non-empty", "verbose"],
  sed: ["in-place", "regexp-extended", "quiet", "silent", "expression", "file"],
  tar: ["list", "extract", "directory", "file", "to-stdout", "no-same-owner", "same-permissions", "verbose", "keep-old", "create", "dereference", "bzip2", "lzma", "files-from", "exclude-from", "gzip", "xz", "touch", "strip-components", "no-recursion", "to-command", "numeric-owner", "no-same-permissions", "overwrite", "exclude"],
  touch: ["no-create", "reference", "date", "no-dereference"],
  uname: ["all", "kernel-name", "nodename", "kernel-release", "release", "kernel-version", "machine", "processor", "hardware-platform", "operating-system"],
  xargs: ["no-run-if-empty"],
};

/** A GNU tool's long options (getopt names, `=` for an argument) cut down to those the busybox applet has. */
export function busyboxLongOptions(applet: string, long: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const allowed = LONG_OPTIONS[applet] ?? [];
  return Object.fromEntries(Object.entries(long ?? {}).filter(([name]) => allowed.includes(name.replace(/=\??$/, ""))));
}
