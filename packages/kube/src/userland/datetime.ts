/**
 * gnulib's parse_datetime, as `date -d` and `touch -d` read a date: a calendar date, a time of
 * day with an optional zone, and relative items ("2 days ago", "yesterday", "next week",
 * "-90 minutes"), in any order, against the current instant; or `@SECONDS`. Containers run in
 * UTC, so a date without a zone is a UTC one. Day names and ordinal words ("third") are not read.
 */

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/** Relative units in seconds, or in months for the calendar ones (added as mktime normalizes). */
const UNITS: Readonly<Record<string, { readonly months?: number; readonly seconds?: number }>> = {
  year: { months: 12 },
  month: { months: 1 },
  fortnight: { seconds: 14 * 86400 },
  week: { seconds: 7 * 86400 },
  day: { seconds: 86400 },
  hour: { seconds: 3600 },
  minute: { seconds: 60 },
  min: { seconds: 60 },
  second: { seconds: 1 },
  sec: { seconds: 1 },
};

function unitOf(word: string): { readonly months?: number; readonly seconds?: number } | undefined {
  return UNITS[word] ?? (word.endsWith("s") ? UNITS[word.slice(0, -1)] : undefined);
}

interface Parsed {
  /** The current year, for a date given without one. */
  readonly year: number;
  date?: { y: number; m: number; d: number };
  time?: { h: number; min: number; s: number; ms: number };
  /** Minutes east of UTC the date and time were given in. */
  zone?: number;
  months: number;
  seconds: number;
}

/** The instant `text` names, in ms since the epoch, read at `nowMs`; undefined when it cannot be read. */
export function parseDateTime(text: string, nowMs: number): number | undefined {
  const trimmed = text.trim();
  const epoch = /^@([+-]?\d+(?:\.\d+)?)$/.exec(trimmed);
  if (epoch !== null) return Math.floor(Number(epoch[1]) * 1000);
  const tokens = tokenize(trimmed.toLowerCase());
  if (tokens === undefined) return undefined;
  const now = new Date(nowMs);
  const p: Parsed = { year: now.getUTCFullYear(), months: 0, seconds: 0 };
  for (let i = 0; i < tokens.length; ) {
    const used = item(tokens, i, p);
    if (used === 0) return undefined;
    i += used;
  }
  const date = p.date ?? { y: now.getUTCFullYear(), m: now.getUTCMonth() + 1, d: now.getUTCDate() };
  // A date alone is its midnight; nothing but relative items keeps the current time of day.
  const time =
    p.time ??
    (p.date !== undefined
      ? { h: 0, min: 0, s: 0, ms: 0 }
      : { h: now.getUTCHours(), min: now.getUTCMinutes(), s: now.getUTCSeconds(), ms: now.getUTCMilliseconds() });
  if (date.m < 1 || date.m > 12 || date.d < 1 || date.d > 31 || time.h > 23 || time.min > 59 || time.s > 60) return undefined;
  const base = Date.UTC(date.y, date.m - 1 + p.months, date.d, time.h, time.min, time.s, time.ms);
  return base - (p.zone ?? 0) * 60_000 + p.seconds * 1000;
}

type Token = { readonly kind: "word"; readonly text: string } | { readonly kind: "number"; readonly text: string; readonly signed: boolean } | { readonly kind: "punct"; readonly text: string };

function tokenize(text: string): Token[] | undefined {
  const out: Token[] = [];
  // A sign belongs to a number only at the start of a word: in 2024-01-02 the dashes separate.
  // Blanks may come between a sign and its digits ("+ 1 month"), as gnulib's lexer skips them.
  const re = /\s+|([a-z]+)\.?|((?<![0-9a-z])[+-]\s*\d+|\d+)|([:/.,+-])/gy;
  let m: RegExpExecArray | null;
  let at = 0;
  while (at < text.length) {
    re.lastIndex = at;
    m = re.exec(text);
    if (m === null) return undefined;
    at = re.lastIndex;
    if (m[1] !== undefined) out.push({ kind: "word", text: m[1] });
    else if (m[2] !== undefined) out.push({ kind: "number", text: m[2].replace(/\s+/g, ""), signed: /^[+-]/.test(m[2]) });
    else if (m[3] !== undefined) out.push({ kind: "punct", text: m[3] });
  }
  return out;
}

/** Reads one item at `i` into `p`; the tokens it took, 0 when none fits. */
function item(t: readonly Token[], i: number, p: Parsed): number {
  const a = t[i]!;
  const next = (k: number) => t[i + k];
  const num = (k: number) => {
    const x = next(k);
    return x?.kind === "number" ? x : undefined;
  };
  const punct = (k: number, c: string) => {
    const x = next(k);
    return x?.kind === "punct" && x.text === c;
  };
  if (a.kind === "word") {
    // "t" joins an ISO 8601 date to its time.
    if (a.text === "now" || a.text === "today" || a.text === "this" || (a.text === "t" && p.date !== undefined)) return 1;
    if (a.text === "yesterday") return (p.seconds -= 86400), 1;
    if (a.text === "tomorrow") return (p.seconds += 86400), 1;
    if (a.text === "ago") return (p.months = -p.months), (p.seconds = -p.seconds), 1;
    if (a.text === "utc" || a.text === "gmt" || a.text === "z") return (p.zone = 0), 1;
    if (a.text === "am" || a.text === "pm") {
      if (p.time === undefined || p.time.h < 1 || p.time.h > 12) return 0;
      p.time.h = (p.time.h % 12) + (a.text === "pm" ? 12 : 0);
      return 1;
    }
    if ((a.text === "next" || a.text === "last") && next(1)?.kind === "word") {
      const u = unitOf(next(1)!.text);
      if (u === undefined) return 0;
      addRelative(p, u, a.text === "next" ? 1 : -1);
      return 2;
    }
    const unit = unitOf(a.text);
    if (unit !== undefined) return addRelative(p, unit, 1), 1;
    const month = MONTHS.indexOf(a.text.slice(0, 3));
    if (month >= 0 && (a.text.length === 3 || a.text.startsWith(MONTH_NAMES[month]!))) {
      // "Mon DD[,] [YYYY]"
      const d = num(1);
      if (d === undefined) return 0;
      const comma = punct(2, ",") ? 1 : 0;
      const y = num(2 + comma);
      const hasYear = y !== undefined && y.text.length === 4;
      p.date = { y: hasYear ? Number(y.text) : p.year, m: month + 1, d: Number(d.text) };
      return hasYear ? 3 + comma : 2;
    }
    return 0;
  }
  if (a.kind === "punct") {
    if (a.text === ",") return 1;
    // A zone right after a time: 10:00-05:00, 10:00+0530.
    const z = num(1);
    if ((a.text === "-" || a.text === "+") && p.time !== undefined && z !== undefined) return zone(t, i + 1, a.text, p) + 1;
    return 0;
  }
  // A number: a signed one before a unit is relative ("-2 hours", "+1 day"), as is a bare one.
  const u = next(1)?.kind === "word" ? unitOf(next(1)!.text) : undefined;
  if (u !== undefined) return addRelative(p, u, Number(a.text)), 2;
  const meridian = next(1)?.kind === "word" ? (next(1) as { text: string }).text : "";
  if (!a.signed && (meridian === "am" || meridian === "pm")) {
    // "3pm": an hour alone, on the 12-hour clock.
    p.time = { h: Number(a.text), min: 0, s: 0, ms: 0 };
    return 1;
  }
  if (a.signed && p.time !== undefined) return zone(t, i, "", p);
  if (a.signed) return 0;
  // YYYY-MM-DD (and its ISO 8601 T), MM/DD/YYYY, DD Mon YYYY, HH:MM[:SS[.frac]].
  if (punct(1, "-") && num(2) !== undefined && punct(3, "-") && num(4) !== undefined) {
    p.date = { y: Number(a.text), m: Number(num(2)!.text), d: Number(num(4)!.text) };
    return 5 + (punct(5, "t") ? 1 : 0);
  }
  if (punct(1, "/") && num(2) !== undefined) {
    const hasYear = punct(3, "/") && num(4) !== undefined;
    p.date = { y: hasYear ? Number(num(4)!.text) : p.year, m: Number(a.text), d: Number(num(2)!.text) };
    return hasYear ? 5 : 3;
  }
  if (punct(1, ":") && num(2) !== undefined) {
    const time = { h: Number(a.text), min: Number(num(2)!.text), s: 0, ms: 0 };
    let used = 3;
    if (punct(3, ":") && num(4) !== undefined) {
      time.s = Number(num(4)!.text);
      used = 5;
      if (punct(5, ".") && num(6) !== undefined) {
        time.ms = Math.floor(Number(`0.${num(6)!.text}`) * 1000);
        used = 7;
      }
    }
    p.time = time;
    // A signed number right after a time is its zone (10:00 +0530), even before a unit word.
    const after = t[i + used];
    if (after?.kind === "number" && after.signed) {
      const z = zone(t, i + used, "", p);
      return z === 0 ? 0 : used + z;
    }
    return used;
  }
  const month = next(1)?.kind === "word" ? MONTHS.indexOf((next(1) as { text: string }).text.slice(0, 3)) : -1;
  if (month >= 0) {
    const y = num(2);
    p.date = { y: y !== undefined ? Number(y.text) : p.year, m: month + 1, d: Number(a.text) };
    return y !== undefined ? 3 : 2;
  }
  if (/^\d{8}$/.test(a.text)) {
    // A pure number of eight digits is YYYYMMDD.
    p.date = { y: Number(a.text.slice(0, 4)), m: Number(a.text.slice(4, 6)), d: Number(a.text.slice(6)) };
    return 1;
  }
  return 0;
}

/** A numeric zone at `i` (-0500, +02, 05:30 after a sign): the tokens it took, 0 if it is none. */
function zone(t: readonly Token[], i: number, sign: string, p: Parsed): number {
  const first = t[i]!;
  const text = sign + first.text;
  if (!/^[+-]\d{1,4}$/.test(text)) return 0;
  const digits = text.slice(1);
  const colon = t[i + 1]?.kind === "punct" && t[i + 1]!.text === ":" && t[i + 2]?.kind === "number";
  const hours = colon || digits.length <= 2 ? Number(digits) : Number(digits.slice(0, -2));
  const minutes = colon ? Number(t[i + 2]!.text) : digits.length <= 2 ? 0 : Number(digits.slice(-2));
  const east = hours * 60 + minutes;
  // time_zone_hhmm: no zone is more than a day off.
  if (east > 24 * 60) return 0;
  p.zone = text.startsWith("-") ? -east : east;
  return colon ? 3 : 1;
}

const MONTH_NAMES = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

function addRelative(p: Parsed, unit: { readonly months?: number; readonly seconds?: number }, n: number): void {
  p.months += (unit.months ?? 0) * n;
  p.seconds += (unit.seconds ?? 0) * n;
}

/**
 * touch -t's [[CC]YY]MMDDhhmm[.ss], in UTC; a two-digit year is 1969–2068 as POSIX says.
 * Undefined when it is not one.
 */
export function parseTouchStamp(stamp: string, nowMs: number): number | undefined {
  const m = /^(\d{2}|\d{4})?(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d{2}))?$/.exec(stamp);
  if (m === null || (m[1] === undefined && stamp.split(".")[0]!.length !== 8)) return undefined;
  let year = new Date(nowMs).getUTCFullYear();
  if (m[1] !== undefined) year = m[1].length === 4 ? Number(m[1]) : Number(m[1]) + (Number(m[1]) < 69 ? 2000 : 1900);
  const [mo, d, h, mi, s] = [m[2], m[3], m[4], m[5], m[6] ?? "0"].map(Number) as [number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  return Date.UTC(year, mo - 1, d, h, mi, s);
}
