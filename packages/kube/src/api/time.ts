/** Kubernetes timestamp formats from simulated epoch milliseconds. */

/**
 * The last second formatted, as `2024-01-01T00:00:00` and as metav1.Time. Writes, leases and
 * events ask for the time many times per simulated second, and Date's toISOString costs about a
 * microsecond: each second is formatted once.
 */
let cachedSecond = Number.NaN;
let cachedBase = "";
let cachedRfc3339 = "";

function formatSecond(second: number): void {
  if (second === cachedSecond) return;
  // toISOString throws RangeError for instants Date cannot hold, as the uncached form did.
  cachedBase = new Date(second * 1000).toISOString().slice(0, -5);
  cachedRfc3339 = `${cachedBase}Z`;
  cachedSecond = second;
}

/** metav1.Time: RFC 3339 with seconds, `2024-01-01T00:00:00Z`. */
export function rfc3339(epochMs: number): string {
  formatSecond(Math.floor(epochMs / 1000));
  return cachedRfc3339;
}

/** The largest instant a Date holds, either side of the epoch. */
const MAX_DATE_MS = 8.64e15;

/** metav1.MicroTime: `2024-01-01T00:00:00.000000Z`. */
export function microTime(epochMs: number): string {
  // Date truncates a fractional instant to whole milliseconds toward zero.
  const ms = Math.trunc(epochMs);
  // Past Date's range the whole instant is refused, though its second may still be in range.
  if (Math.abs(ms) > MAX_DATE_MS) throw new RangeError("Invalid time value");
  const second = Math.floor(ms / 1000);
  formatSecond(second);
  return `${cachedBase}.${String(ms - second * 1000).padStart(3, "0")}000Z`;
}

/** Parses either form back to epoch milliseconds. */
export function parseTime(s: string): number {
  return Date.parse(s);
}
