/** Thread names the real node logs from. */
export const MAIN = "main";
export const GOSSIP_STAGE = "GossipStage:1";
export const JMX_THREAD = "RMI TCP Connection(2)-127.0.0.1";
export const SHUTDOWN_HOOK = "StorageServiceShutdownHook";

/** One system.log event: level, the thread that logged it, `File.java:line`, the message. */
export interface LogEvent {
  readonly level: "INFO" | "WARN" | "ERROR";
  readonly thread: string;
  readonly site: string;
  readonly message: string;
}

/** Renders an event as logback's `%-5level [%thread] %date{ISO8601} %F:%L - %msg` does. */
export function formatLogLine(e: LogEvent, wallMs: number): string {
  const d = new Date(wallMs);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  const date =
    `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ` +
    `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())},${p(d.getUTCMilliseconds(), 3)}`;
  return `${e.level.padEnd(5)} [${e.thread}] ${date} ${e.site} - ${e.message}`;
}
