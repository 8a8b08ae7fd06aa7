/**
 * Go's time.Duration as kubectl's flags read it (`--timeout=2m30s`, `--request-timeout=5s`), in
 * simulated milliseconds.
 */
const UNITS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, "μs": 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** time.ParseDuration: milliseconds, or the error text Go gives. */
export function parseGoDuration(s: string): number | string {
  const invalid = `time: invalid duration ${JSON.stringify(s)}`;
  let rest = s;
  let sign = 1;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    sign = rest.startsWith("-") ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === "0") return 0;
  if (rest === "") return invalid;
  let total = 0;
  while (rest !== "") {
    const num = /^([0-9]*)(\.[0-9]*)?/.exec(rest)!;
    if (num[0] === "" || num[0] === ".") return invalid;
    rest = rest.slice(num[0].length);
    const unit = /^[^0-9.]*/.exec(rest)![0];
    if (unit === "") return `time: missing unit in duration ${JSON.stringify(s)}`;
    const factor = UNITS[unit];
    if (factor === undefined) return `time: unknown unit ${JSON.stringify(unit)} in duration ${JSON.stringify(s)}`;
    rest = rest.slice(unit.length);
    total += Number(num[0]) * factor;
  }
  return sign * Math.round(total);
}

/**
 * client-go's ParseTimeout for `--request-timeout`: whole seconds or a duration, in ms; 0 means
 * none (undefined). Throws with client-go's message.
 */
export function parseRequestTimeout(s: string): number | undefined {
  if (/^[0-9]+$/.test(s)) return Number(s) === 0 ? undefined : Number(s) * 1000;
  const d = parseGoDuration(s);
  if (typeof d === "number" && d >= 0) return d === 0 ? undefined : d;
  throw new Error(
    "Invalid timeout value. Timeout must be a single integer in seconds, or an integer followed by a corresponding time unit (e.g. 1s | 2m | 3h)",
  );
}
