/**
 * Resource limits (getrlimit(2), setrlimit(2)): a soft and a hard value per resource, which a
 * process inherits from its parent and keeps across exec. Values are in the kernel's units
 * (bytes, seconds, counts, microseconds); Infinity is RLIM_INFINITY.
 */

/** The resources in the kernel's order (RLIMIT_CPU = 0 …), the rows of /proc/PID/limits. */
export const RESOURCES = ["cpu", "fsize", "data", "stack", "core", "rss", "nproc", "nofile", "memlock", "as", "locks", "sigpending", "msgqueue", "nice", "rtprio", "rttime"] as const;
export type Resource = (typeof RESOURCES)[number];

export interface Limit {
  readonly soft: number;
  readonly hard: number;
}

export type Rlimits = Readonly<Record<Resource, Limit>>;

/** fs.nr_open: no process may have RLIMIT_NOFILE above it, root included. */
export const NR_OPEN = 1048576;

const KiB = 1024;
const MiB = 1024 * KiB;

/** The RAM the limits derive from where no machine is modelled (the workstation). */
export const DEFAULT_MEMORY_BYTES = 16 * 1024 * MiB;

/**
 * RLIMIT_SIGPENDING and RLIMIT_NPROC as the kernel gives init: half of max_threads, the number
 * of 16 KiB kernel stacks that an eighth of RAM holds (set_max_threads), at least 20 threads.
 */
export function initTaskLimit(memoryBytes: number): number {
  const maxThreads = Math.max(20, Math.floor(memoryBytes / (16 * KiB * 8)));
  return Math.floor(maxThreads / 2);
}

const both = (n: number): Limit => ({ soft: n, hard: n });
const UNLIMITED = both(Infinity);

/** What every resource is unless the kernel, systemd or the container runtime says otherwise. */
function kernelDefaults(memoryBytes: number, memlock: number): Record<Resource, Limit> {
  const tasks = initTaskLimit(memoryBytes);
  return {
    cpu: UNLIMITED,
    fsize: UNLIMITED,
    data: UNLIMITED,
    stack: { soft: 8 * MiB, hard: Infinity },
    core: { soft: 0, hard: Infinity },
    rss: UNLIMITED,
    nproc: both(tasks),
    nofile: { soft: 1024, hard: 4096 },
    memlock: both(memlock),
    as: UNLIMITED,
    locks: UNLIMITED,
    sigpending: both(tasks),
    msgqueue: both(819200),
    nice: both(0),
    rtprio: both(0),
    rttime: UNLIMITED,
  };
}

/**
 * A container's processes under containerd 1.7 on the nodes' 5.15 kernel: the CRI plugin sets
 * no rlimits of its own, so they are containerd's, whose systemd unit raises NOFILE (to
 * nr_open), NPROC and CORE to infinity; memlock is 5.15's 64 KiB.
 */
export function containerLimits(memoryBytes: number): Rlimits {
  return { ...kernelDefaults(memoryBytes, 64 * KiB), core: UNLIMITED, nproc: UNLIMITED, nofile: both(NR_OPEN) };
}

/** A login session on Debian 12: systemd 252's NOFILE of 1024 soft, 512 Ki hard; 6.1's 8 MiB memlock. */
export function loginLimits(memoryBytes: number): Rlimits {
  return { ...kernelDefaults(memoryBytes, 8 * MiB), nofile: { soft: 1024, hard: 524288 } };
}

/**
 * setrlimit(2)'s checks: the soft value may not exceed the hard one (EINVAL); raising a hard
 * limit needs CAP_SYS_RESOURCE, and NOFILE can never pass nr_open (EPERM).
 */
export function checkSetrlimit(current: Limit, wanted: Limit, resource: Resource, mayRaise: boolean): "EINVAL" | "EPERM" | undefined {
  if (wanted.soft > wanted.hard) return "EINVAL";
  if (wanted.hard > current.hard && !mayRaise) return "EPERM";
  if (resource === "nofile" && wanted.hard > NR_OPEN) return "EPERM";
  return undefined;
}

/** fs/proc/base.c's lnames: each row's title and unit. */
const LIMIT_ROWS: Readonly<Record<Resource, readonly [string, string]>> = {
  cpu: ["Max cpu time", "seconds"],
  fsize: ["Max file size", "bytes"],
  data: ["Max data size", "bytes"],
  stack: ["Max stack size", "bytes"],
  core: ["Max core file size", "bytes"],
  rss: ["Max resident set", "bytes"],
  nproc: ["Max processes", "processes"],
  nofile: ["Max open files", "files"],
  memlock: ["Max locked memory", "bytes"],
  as: ["Max address space", "bytes"],
  locks: ["Max file locks", "locks"],
  sigpending: ["Max pending signals", "signals"],
  msgqueue: ["Max msgqueue size", "bytes"],
  nice: ["Max nice priority", ""],
  rtprio: ["Max realtime priority", ""],
  rttime: ["Max realtime timeout", "us"],
};

/** /proc/PID/limits (proc_pid_limits): fixed-width columns, units padded too. */
export function procLimits(limits: Rlimits): string {
  const value = (n: number) => (n === Infinity ? "unlimited" : String(n)).padEnd(21);
  let out = `${"Limit".padEnd(26)}${"Soft Limit".padEnd(21)}${"Hard Limit".padEnd(21)}${"Units".padEnd(10)}\n`;
  for (const r of RESOURCES) {
    const [title, unit] = LIMIT_ROWS[r];
    out += `${title.padEnd(26)}${value(limits[r].soft)}${value(limits[r].hard)}${unit === "" ? "" : unit.padEnd(10)}\n`;
  }
  return out;
}
