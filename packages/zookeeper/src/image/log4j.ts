import type { OutputStream } from "@ksim/kube";
import type { LogLevel } from "../core/index.js";

const LEVELS: Record<string, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4, FATAL: 5 };

function pad(n: number, w = 2): string {
  return String(n).padStart(w, "0");
}

/** The date and time to the second, kept across lines: a busy server logs many in one second. */
let lastSecond = Number.NaN;
let lastPrefix = "";

/** log4j's %d{ISO8601} in the JVM's zone (UTC in these containers): 2016-12-06 19:34:16,236. */
export function iso8601(epochMs: number): string {
  const second = Math.floor(epochMs / 1000);
  if (second !== lastSecond) {
    const d = new Date(second * 1000);
    lastPrefix = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())},`;
    lastSecond = second;
  }
  return lastPrefix + pad(epochMs - second * 1000, 3);
}

/**
 * The image's log4j.properties: a ConsoleAppender on stdout with the pattern
 * `%d{ISO8601} [myid:%X{myid}] - %-5p [%t:%C{1}@%L] - %m%n` and a level threshold.
 */
export class Log4j {
  myid = "";
  private readonly threshold: number;

  constructor(
    private readonly out: OutputStream,
    private readonly clock: () => number,
    threshold = "INFO",
  ) {
    this.threshold = LEVELS[threshold.toUpperCase()] ?? LEVELS.INFO!;
  }

  log(level: LogLevel, thread: string, at: string, msg: string): void {
    if (LEVELS[level]! < this.threshold) return;
    this.out.write(`${iso8601(this.clock())} [myid:${this.myid}] - ${level.padEnd(5)} [${thread}:${at}] - ${msg}\n`);
  }
}

/** zookeeper.console.threshold from a log4j.properties text, if set. */
export function consoleThreshold(properties: string | undefined): string {
  const m = properties?.match(/^zookeeper\.console\.threshold=(\S+)/m);
  return m?.[1] ?? "INFO";
}
