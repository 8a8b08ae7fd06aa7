/**
 * klog's text header, as Kubernetes components print it before each message:
 * `I1126 19:01:57.123456       1 file.go:53]` — severity, date, time to microseconds, thread id.
 */
export function klogLine(severity: "I" | "W" | "E", epochMs: number, site: string, message: string): string {
  const d = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, "0");
  const micros = String(d.getUTCMilliseconds() * 1000).padStart(6, "0");
  return `${severity}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}.${micros}       1 ${site}] ${message}\n`;
}
