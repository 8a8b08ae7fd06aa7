import type { OutputStream } from "@ksim/kube";

/**
 * mysqld's error log, written to stderr as the official image configures it:
 * `2024-01-01T00:00:05.123000Z 0 [System] [MY-010116] [Server] …`. log_error_verbosity (default 2)
 * keeps errors, warnings and system messages and drops notes; 3 shows notes too, such as
 * InnoDB's crash recovery progress.
 */

export type Level = "System" | "ERROR" | "Warning" | "Note";

const RANK: Record<Level, number> = { System: 1, ERROR: 1, Warning: 2, Note: 3 };

/** ISO-8601 UTC with microseconds, as log_timestamps=UTC prints. */
export function logTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString().replace("Z", "000Z");
}

export class ErrorLog {
  constructor(
    private readonly out: OutputStream,
    private readonly clock: { epochMs(): number },
    /** Read at each line: SET GLOBAL log_error_verbosity takes effect at once. */
    private readonly verbosity: () => number,
  ) {}

  line(level: Level, code: number, subsystem: string, message: string, thread = 0): void {
    if (RANK[level] > this.verbosity()) return;
    const id = `MY-${String(code).padStart(6, "0")}`;
    this.out.write(`${logTimestamp(this.clock.epochMs())} ${thread} [${level}] [${id}] [${subsystem}] ${message}\n`);
  }
}
