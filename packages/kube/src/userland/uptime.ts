import { FsError, type Proc } from "@ksim/sim";
import type { ProcessContext } from "../runtime/process.js";
import { has, two, withOptions, type Flavor } from "./common.js";
import { BAD_OPEN_MESSAGE } from "./free.js";
import { formatDate } from "./system.js";

/**
 * uptime: the time, how long the node has been up, the users (a container has no utmp: none)
 * and the load averages. procps 3.3.12's sprint_uptime reads /proc/uptime and /proc/loadavg,
 * whose averages are rounded to hundredths; busybox 1.28 asks sysinfo(2), whose fixed-point
 * loads it cuts to hundredths.
 */
export function uptimeProgram(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    const spec = flavor === "gnu" ? { short: "psV", long: { pretty: "p", since: "s", version: "V" } } : { short: "" };
    return yield* withOptions(ctx, flavor, spec, function* (o) {
      // procps reads /proc; busybox asks sysinfo(2).
      let up: number;
      let loads: string[];
      if (flavor === "gnu") {
        try {
          up = Number(ctx.fs.readText("/proc/uptime").split(" ")[0]);
          loads = ctx.fs.readText("/proc/loadavg").split(" ").slice(0, 3);
        } catch (e) {
          if (!(e instanceof FsError)) throw e;
          ctx.stderr.write(BAD_OPEN_MESSAGE);
          return 102;
        }
      } else {
        up = ctx.uptimeMs() / 1000;
        loads = ctx.loadAverages().map((l) => (Math.floor(l * 100 + 1e-9) / 100).toFixed(2));
      }
      const now = ctx.epochMs();
      if (has(o, "V")) {
        ctx.stdout.write("uptime from procps-ng 3.3.12\n");
        return 0;
      }
      if (has(o, "s")) {
        ctx.stdout.write(`${formatDate(now - Math.floor(up * 1000), "%Y-%m-%d %H:%M:%S")}\n`);
        return 0;
      }
      if (has(o, "p")) {
        ctx.stdout.write(`${pretty(up)}\n`);
        return 0;
      }
      ctx.stdout.write(`${sprintUptime(now, up, loads)}\n`);
      return 0;
    });
  };
}

/**
 * sprint_uptime, which top's first line shows too: the time, how long the machine has been up,
 * the users (a container has no utmp: none) and the three load averages as given.
 */
export function sprintUptime(nowEpochMs: number, upSeconds: number, loads: readonly string[]): string {
  const seconds = Math.floor(upSeconds);
  const days = Math.floor(seconds / 86400);
  const minutes = Math.floor(seconds / 60) % 60;
  const hours = Math.floor(seconds / 3600) % 24;
  let line = ` ${formatDate(nowEpochMs, "%H:%M:%S")} up `;
  if (days > 0) line += `${days} day${days !== 1 ? "s" : ""}, `;
  // procps: "%2d:%02d, " then "%2d user%s, " and " load average"; busybox: ",  %u users,  load average".
  line += hours > 0 ? `${String(hours).padStart(2)}:${two(minutes)}` : `${minutes} min`;
  return `${line},  0 users,  load average: ${loads.join(", ")}`;
}

/** sprint_uptime_pretty: "up 1 week, 2 days, 3 hours, 4 minutes", only the parts that are not zero. */
function pretty(up: number): string {
  const minutesTotal = Math.floor(up / 60);
  const parts: [number, string][] = [
    [Math.floor(minutesTotal / (60 * 24 * 7)), "week"],
    [Math.floor(minutesTotal / (60 * 24)) % 7, "day"],
    [Math.floor(minutesTotal / 60) % 24, "hour"],
    [minutesTotal % 60, "minute"],
  ];
  const shown = parts.filter(([n], i) => n > 0 || (i === 3 && up < 60));
  return `up ${shown.map(([n, unit]) => `${n} ${unit}${n !== 1 ? "s" : ""}`).join(", ")}`;
}
