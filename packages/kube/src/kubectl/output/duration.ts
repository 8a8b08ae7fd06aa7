/**
 * Ages as kubectl prints them: apimachinery's `duration.HumanDuration` and the printers'
 * `translateTimestampSince`. Everything takes the current time as an argument; nothing reads a
 * clock.
 */
import { parseTime } from "../../api/time.js";

/** `duration.HumanDuration`: `119s`, `2m30s`, `179m`, `3h30m`, `47h`, `2d5h`, `364d`, `2y10d`. */
export function humanDuration(ms: number): string {
  // Go truncates toward zero, so -1.9s still counts as "almost now".
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const days = Math.trunc(hours / 24) % 365;
    const years = Math.trunc(hours / 24 / 365);
    return days === 0 ? `${years}y` : `${years}y${days}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/** `translateTimestampSince`: the age of a timestamp, or `<unknown>` when it is unset. */
export function age(timestamp: string | null | undefined, now: number): string {
  if (!timestamp) return "<unknown>";
  return humanDuration(now - parseTime(timestamp));
}
