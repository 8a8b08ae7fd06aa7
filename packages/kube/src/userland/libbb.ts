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
