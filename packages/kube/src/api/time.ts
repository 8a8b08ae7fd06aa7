/** Kubernetes timestamp formats from simulated epoch milliseconds. */

/** metav1.Time: RFC 3339 with seconds, `2024-01-01T00:00:00Z`. */
export function rfc3339(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** metav1.MicroTime: `2024-01-01T00:00:00.000000Z`. */
export function microTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

/** Parses either form back to epoch milliseconds. */
export function parseTime(s: string): number {
  return Date.parse(s);
}
