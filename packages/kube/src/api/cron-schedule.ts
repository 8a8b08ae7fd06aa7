/**
 * Cron schedules as the CronJob controller reads them (robfig/cron's ParseStandard): five fields
 * (minute, hour, day of month, month, day of week) with `*`, `?`, lists, ranges, steps and
 * month and weekday names, or a descriptor (`@hourly`, `@daily`, `@every 90m` ...). Errors are
 * the parser's words, which the API server puts in its Invalid messages.
 */

export interface CronSchedule {
  /** The first scheduled time strictly after `afterMs`, in the given IANA zone (UTC without one). */
  next(afterMs: number): number;
}

const MINUTE = 60_000;

interface Bounds {
  readonly min: number;
  readonly max: number;
  readonly names?: Readonly<Record<string, number>>;
}

const MONTHS: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const DAYS: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const FIELDS: readonly Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTHS },
  { min: 0, max: 6, names: DAYS },
];

const DESCRIPTORS: Readonly<Record<string, string>> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

/** One field: the values it allows, and whether it was `*` or `?` (which matters for days). */
interface Field {
  readonly allowed: ReadonlySet<number>;
  readonly star: boolean;
}

export function parseCronSchedule(spec: string, timeZone?: string): CronSchedule {
  const text = spec.trim();
  if (text.startsWith("@")) {
    if (text.startsWith("@every ")) {
      const ms = parseGoDuration(text.slice("@every ".length));
      if (ms === undefined) throw new Error(`failed to parse duration ${text}: time: invalid duration ${JSON.stringify(text.slice(7))}`);
      // Every runs at whole seconds from the previous run, and never more often than a second.
      const period = Math.max(1000, Math.floor(ms / 1000) * 1000);
      return { next: (after) => Math.floor(after / 1000) * 1000 + period };
    }
    const expanded = DESCRIPTORS[text];
    if (expanded === undefined) throw new Error(`unrecognized descriptor: ${text}`);
    return fieldsSchedule(expanded.split(" "), timeZone);
  }
  const parts = text.split(/\s+/).filter((p) => p !== "");
  if (parts.length !== 5) throw new Error(`expected exactly 5 fields, found ${parts.length}: [${parts.join(" ")}]`);
  return fieldsSchedule(parts, timeZone);
}

function fieldsSchedule(parts: readonly string[], timeZone: string | undefined): CronSchedule {
  const [minute, hour, dom, month, dow] = parts.map((p, i) => parseField(p, FIELDS[i]!)) as [Field, Field, Field, Field, Field];
  const local = localTime(timeZone);
  const dayMatches = (t: LocalTime): boolean => {
    const d = dom.allowed.has(t.day);
    const w = dow.allowed.has(t.weekday);
    return dom.star || dow.star ? d && w : d || w;
  };
  return {
    next(after) {
      let t = Math.floor(after / MINUTE) * MINUTE + MINUTE;
      // Five years without a match means the schedule never matches (`0 0 30 2 *`).
      const limit = after + 5 * 366 * 24 * 60 * MINUTE;
      while (t <= limit) {
        const l = local(t);
        if (!month.allowed.has(l.month)) t += ((24 - l.hour) * 60 - l.minute) * MINUTE;
        else if (!dayMatches(l)) t += ((24 - l.hour) * 60 - l.minute) * MINUTE;
        else if (!hour.allowed.has(l.hour)) t += (60 - l.minute) * MINUTE;
        else if (!minute.allowed.has(l.minute)) t += MINUTE;
        else return t;
      }
      return Number.POSITIVE_INFINITY;
    },
  };
}

function parseField(text: string, bounds: Bounds): Field {
  const allowed = new Set<number>();
  let star = false;
  for (const expr of text.split(",")) {
    const [range, stepText] = expr.split("/") as [string, string | undefined];
    let lo: number;
    let hi: number;
    if (range === "*" || range === "?") {
      lo = bounds.min;
      hi = bounds.max;
      if (stepText === undefined) star = true;
    } else {
      const [a, b] = range.split("-") as [string, string | undefined];
      lo = value(a, bounds);
      hi = b === undefined ? (stepText === undefined ? lo : bounds.max) : value(b, bounds);
    }
    const step = stepText === undefined ? 1 : integer(stepText);
    if (lo < bounds.min) throw new Error(`beginning of range (${lo}) below minimum (${bounds.min}): ${expr}`);
    if (hi > bounds.max) throw new Error(`end of range (${hi}) above maximum (${bounds.max}): ${expr}`);
    if (lo > hi) throw new Error(`beginning of range (${lo}) beyond end of range (${hi}): ${expr}`);
    if (step === 0) throw new Error(`step of range should be a positive number: ${expr}`);
    for (let v = lo; v <= hi; v += step) allowed.add(v);
  }
  return { allowed, star };
}

function value(text: string, bounds: Bounds): number {
  const named = bounds.names?.[text.toLowerCase()];
  return named ?? integer(text);
}

/** strconv.Atoi, in robfig's error. */
function integer(text: string): number {
  if (!/^[+-]?[0-9]+$/.test(text)) throw new Error(`failed to parse int from ${text}: strconv.Atoi: parsing ${JSON.stringify(text)}: invalid syntax`);
  const n = Number(text);
  if (n < 0) throw new Error(`negative number (${n}) not allowed: ${text}`);
  return n;
}

/** time.ParseDuration for what @every takes (h, m, s, ms). */
function parseGoDuration(text: string): number | undefined {
  const UNITS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  const re = /([0-9]+(?:\.[0-9]+)?)(ms|h|m|s)/y;
  let total = 0;
  let at = 0;
  while (at < text.length) {
    re.lastIndex = at;
    const m = re.exec(text);
    if (m === null) return undefined;
    total += Number(m[1]) * UNITS[m[2]!]!;
    at = re.lastIndex;
  }
  return text === "" ? undefined : total;
}

interface LocalTime {
  readonly month: number;
  readonly day: number;
  readonly weekday: number;
  readonly hour: number;
  readonly minute: number;
}

/** The wall-clock fields of an instant in a zone: UTC's directly, another zone's through Intl. */
function localTime(timeZone: string | undefined): (ms: number) => LocalTime {
  if (timeZone === undefined || timeZone === "UTC" || timeZone === "Etc/UTC") {
    return (ms) => {
      const d = new Date(ms);
      return { month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: d.getUTCDay(), hour: d.getUTCHours(), minute: d.getUTCMinutes() };
    };
  }
  const format = new Intl.DateTimeFormat("en-US", { timeZone, month: "numeric", day: "numeric", weekday: "short", hour: "numeric", minute: "numeric", hourCycle: "h23" });
  return (ms) => {
    const parts = Object.fromEntries(format.formatToParts(ms).map((p) => [p.type, p.value]));
    return { month: Number(parts.month), day: Number(parts.day), weekday: DAYS[parts.weekday!.toLowerCase()]!, hour: Number(parts.hour), minute: Number(parts.minute) };
  };
}

/** Whether Go's time.LoadLocation would find the zone (the API server's timeZone check). */
export function isKnownTimeZone(timeZone: string): boolean {
  if (timeZone === "Local" || timeZone === "") return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}
