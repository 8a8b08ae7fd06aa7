import { describeSignal, type Signal } from "../runtime/signals.js";

/** A process of a job that has ended, as the shell that waited for it saw it end. */
export interface EndedProcess {
  readonly pid: number;
  readonly status: number;
  /** The signal that ended it (WIFSIGNALED), and whether it dumped core. */
  readonly signal: Signal | undefined;
  readonly cored: boolean;
  /** The command as bash prints it back (print_command). */
  readonly command: string;
}

/** bash's LONGEST_SIGNAL_DESC: the status column's width. */
const STATUS_WIDTH = 24;

/** printable_job_status for a dead process: Done, Exit N, or strsignal's words. */
function statusText(p: EndedProcess): string {
  if (p.signal !== undefined) return describeSignal(p.signal);
  return p.status === 0 ? "Done" : `Exit ${p.status}`;
}

/**
 * print_pipeline in the JLIST_NONINTERACTIVE format: a line per process, its pid in five
 * columns, its status padded to 24 (left blank where it is the first process's), `(core
 * dumped)`, then the command, after `| ` for the processes after the first.
 */
function pipelineLines(procs: readonly EndedProcess[]): string {
  const first = procs[0]!;
  let out = "";
  procs.forEach((p, i) => {
    const sameAsFirst = i > 0 && p.status === first.status && p.signal === first.signal && p.cored === first.cored;
    const status = sameAsFirst ? "" : statusText(p);
    out += `${i > 0 ? "     " : ""}${String(p.pid).padStart(5)} ${status}${" ".repeat(Math.max(0, STATUS_WIDTH - (status.length || 2)))}`;
    if (p.cored) out += "(core dumped) ";
    out += `${i > 0 ? "| " : ""}${p.command}\n`;
  });
  return out;
}

/**
 * What bash says when a job ends (notify_of_job_status, bash built with DONT_REPORT_SIGPIPE and
 * DONT_REPORT_SIGTERM as distributions build it), judged by the process whose status is the
 * job's (the last, or with pipefail the last that failed). A shell that is not interactive
 * tells a job a signal ended by its processes, after `prefix` (`script: line N: `), unless the
 * signal was SIGINT, SIGTERM or SIGPIPE or it traps that signal; otherwise, for a foreground job,
 * strsignal's words, except for SIGINT and SIGPIPE.
 */
export function bashJobNotice(
  procs: readonly EndedProcess[],
  options: { readonly interactive: boolean; readonly foreground: boolean; readonly pipefail: boolean; readonly prefix: string; readonly traps: (signal: Signal) => boolean },
): string {
  const last = procs[procs.length - 1]!;
  const judged = options.pipefail ? ([...procs].reverse().find((p) => p.status !== 0) ?? last) : last;
  const signal = judged.signal;
  if (signal === undefined) return "";
  if (!options.interactive && signal !== "SIGINT" && signal !== "SIGTERM" && signal !== "SIGPIPE" && !options.traps(signal)) {
    return options.prefix + pipelineLines(procs);
  }
  if (options.foreground && signal !== "SIGINT" && signal !== "SIGPIPE") return `${describeSignal(signal)}${judged.cored ? " (core dumped)" : ""}\n`;
  return "";
}

/**
 * dash and busybox ash (sprint_status with sigonly): for each process of the foreground job it
 * waits for that a signal other than SIGINT and SIGPIPE ended, strsignal's words.
 */
export function ashJobNotice(procs: readonly EndedProcess[]): string {
  let out = "";
  for (const p of procs) {
    if (p.signal === undefined || p.signal === "SIGINT" || p.signal === "SIGPIPE") continue;
    out += `${describeSignal(p.signal)}${p.cored ? " (core dumped)" : ""}\n`;
  }
  return out;
}
