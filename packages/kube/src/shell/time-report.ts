/** TIMEFORMAT's default: `$'\nreal\t%3lR\nuser\t%3lU\nsys\t%3lS'`. */
export const BASH_TIME_FORMAT = "\nreal\t%3lR\nuser\t%3lU\nsys\t%3lS";
/** `time -p`. */
export const POSIX_TIME_FORMAT = "real %2R\nuser %2U\nsys %2S";

/**
 * bash's print_formatted_time: `%[p][l]R`, `U`, `S` are real, user and system time with p (0-3,
 * default 3) decimals, truncated, `l` as minutes and seconds; `%P` the CPU percentage; `%%` a %.
 */
export function timeReport(format: string, realMs: number, userMs: number, sysMs: number): string {
  let out = "";
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== "%") {
      out += c;
      continue;
    }
    const m = /^([0-9]?)(l?)([RUSP%])/.exec(format.slice(i + 1));
    if (m === null) {
      out += c;
      continue;
    }
    i += m[0].length;
    const [, digits, long, what] = m as unknown as [string, string, string, string];
    if (what === "%") out += "%";
    else if (what === "P") out += (realMs === 0 ? 0 : ((userMs + sysMs) * 100) / realMs).toFixed(2);
    else out += seconds(what === "R" ? realMs : what === "U" ? userMs : sysMs, digits === "" ? 3 : Math.min(3, Number(digits)), long === "l");
  }
  return out;
}

function seconds(ms: number, precision: number, long: boolean): string {
  const whole = Math.floor(ms);
  const s = Math.floor(whole / 1000);
  const fraction = precision === 0 ? "" : `.${String(whole % 1000).padStart(3, "0").slice(0, precision)}`;
  return long ? `${Math.floor(s / 60)}m${s % 60}${fraction}s` : `${s}${fraction}`;
}
