/** Apache httpd's log times, for the images that run it. */

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const p2 = (n: number) => String(n).padStart(2, "0");

/** `[Mon Jan 01 00:00:05.123000 2024]`, the error log's time. */
export function apacheErrorLogTime(ms: number): string {
  const d = new Date(ms);
  return `[${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${String(d.getUTCMilliseconds()).padStart(3, "0")}000 ${d.getUTCFullYear()}]`;
}

/** `[01/Jan/2024:00:00:10 +0000]`, the access log's time. */
export function apacheAccessLogTime(ms: number): string {
  const d = new Date(ms);
  return `[${p2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000]`;
}
