/**
 * Linux's standard signals (1 to 31 on x86-64): their numbers, what the kernel does with one no
 * handler takes (signal(7)), and strsignal's words for them (glibc's, which the shells print).
 */
export type Signal =
  | "SIGHUP" | "SIGINT" | "SIGQUIT" | "SIGILL" | "SIGTRAP" | "SIGABRT" | "SIGBUS" | "SIGFPE"
  | "SIGKILL" | "SIGUSR1" | "SIGSEGV" | "SIGUSR2" | "SIGPIPE" | "SIGALRM" | "SIGTERM" | "SIGSTKFLT"
  | "SIGCHLD" | "SIGCONT" | "SIGSTOP" | "SIGTSTP" | "SIGTTIN" | "SIGTTOU" | "SIGURG" | "SIGXCPU"
  | "SIGXFSZ" | "SIGVTALRM" | "SIGPROF" | "SIGWINCH" | "SIGIO" | "SIGPWR" | "SIGSYS";

/** term: the process ends; core: it ends and dumps core; stop and continue: job control. */
export type DefaultAction = "term" | "core" | "ignore" | "stop" | "continue";

const TABLE: readonly (readonly [Signal, DefaultAction, string])[] = [
  ["SIGHUP", "term", "Hangup"],
  ["SIGINT", "term", "Interrupt"],
  ["SIGQUIT", "core", "Quit"],
  ["SIGILL", "core", "Illegal instruction"],
  ["SIGTRAP", "core", "Trace/breakpoint trap"],
  ["SIGABRT", "core", "Aborted"],
  ["SIGBUS", "core", "Bus error"],
  ["SIGFPE", "core", "Floating point exception"],
  ["SIGKILL", "term", "Killed"],
  ["SIGUSR1", "term", "User defined signal 1"],
  ["SIGSEGV", "core", "Segmentation fault"],
  ["SIGUSR2", "term", "User defined signal 2"],
  ["SIGPIPE", "term", "Broken pipe"],
  ["SIGALRM", "term", "Alarm clock"],
  ["SIGTERM", "term", "Terminated"],
  ["SIGSTKFLT", "term", "Stack fault"],
  ["SIGCHLD", "ignore", "Child exited"],
  ["SIGCONT", "continue", "Continued"],
  ["SIGSTOP", "stop", "Stopped (signal)"],
  ["SIGTSTP", "stop", "Stopped"],
  ["SIGTTIN", "stop", "Stopped (tty input)"],
  ["SIGTTOU", "stop", "Stopped (tty output)"],
  ["SIGURG", "ignore", "Urgent I/O condition"],
  ["SIGXCPU", "core", "CPU time limit exceeded"],
  ["SIGXFSZ", "core", "File size limit exceeded"],
  ["SIGVTALRM", "term", "Virtual timer expired"],
  ["SIGPROF", "term", "Profiling timer expired"],
  ["SIGWINCH", "ignore", "Window changed"],
  ["SIGIO", "term", "I/O possible"],
  ["SIGPWR", "term", "Power failure"],
  ["SIGSYS", "core", "Bad system call"],
];

/** Each signal's number. */
export const SIGNALS: Readonly<Record<Signal, number>> = Object.fromEntries(TABLE.map(([s], i) => [s, i + 1])) as Record<Signal, number>;

/** Every signal, by number (index 0 is unused). */
const BY_NUMBER: readonly (Signal | undefined)[] = [undefined, ...TABLE.map(([s]) => s)];

const ACTIONS = Object.fromEntries(TABLE.map(([s, a]) => [s, a])) as Record<Signal, DefaultAction>;
const DESCRIPTIONS = Object.fromEntries(TABLE.map(([s, , d]) => [s, d])) as Record<Signal, string>;

export function signalOfNumber(n: number): Signal | undefined {
  return BY_NUMBER[n];
}

export function defaultAction(signal: Signal): DefaultAction {
  return ACTIONS[signal];
}

/** strsignal(3): what bash and dash print for a job the signal ended or stopped. */
export function describeSignal(signal: Signal): string {
  return DESCRIPTIONS[signal];
}

/** Parses `TERM`, `SIGTERM`, `15` or `-9` style signal names (POLL is IO's other name); undefined if unknown. */
export function parseSignal(s: string): Signal | undefined {
  const t = s.replace(/^-/, "").toUpperCase();
  if (/^\d+$/.test(t)) return signalOfNumber(Number(t));
  const bare = t.startsWith("SIG") ? t.slice(3) : t;
  const name = `SIG${bare === "POLL" ? "IO" : bare}`;
  return name in SIGNALS ? (name as Signal) : undefined;
}
