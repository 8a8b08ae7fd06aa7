import { encodeText, FsError } from "@ksim/sim";
import { checkAccess, type Credentials, type FileStat, type MountEntry } from "./fs.js";
import { formatLoad } from "./load-average.js";
import type { Machine, ProcessInfo } from "./process.js";
import { procLimits } from "./rlimits.js";

/**
 * The proc filesystem a container's runtime mounts at /proc: a directory per process of its PID
 * namespace, `self`, and the machine's figures. Nothing is stored: every read asks the process
 * table and the machine as they are at that instant, as the kernel's show functions do.
 */

export interface ProcSource {
  /** The processes of the PID namespace /proc was mounted in, numbered as it numbers them. */
  processes(): readonly ProcessInfo[];
  /** One of them, by its pid there. */
  process(pid: number): ProcessInfo | undefined;
  readonly machine: Machine;
  /** Simulated ms to the machine's epoch ms (where a process's start time is shown). */
  epochOf(simMs: number): number;
  /** When the runtime mounted it: the time its own entries show. */
  readonly mountedAtMs: number;
}

interface Owner {
  readonly uid: number;
  readonly gid: number;
  readonly mtimeMs: number;
}

export type ProcNode =
  | (Owner & { readonly kind: "dir"; readonly mode: number; names(): readonly string[]; child(name: string): ProcNode | undefined })
  | (Owner & { readonly kind: "file"; readonly mode: number; read(): Uint8Array })
  | (Owner & { readonly kind: "link"; readonly target: string; readonly mode?: number; readonly size?: number });

/**
 * Where a path under /proc leads: one of its entries and the path it has below /proc (which
 * names its inode), or out of it through a link (`cwd`, `root`).
 */
export type ProcResolution = { readonly node: ProcNode; readonly path: readonly string[] } | { readonly escape: string };

/**
 * A machine's pipefs numbering: each pipe gets the next inode when first looked at. Where it
 * starts is a guess at what a booted node's daemons have used; only its order is the model's.
 */
export function pipeInodes(first = 20_000): (pipe: object) => number {
  const numbers = new WeakMap<object, number>();
  let next = first;
  return (pipe) => {
    let n = numbers.get(pipe);
    if (n === undefined) numbers.set(pipe, (n = next++));
    return n;
  };
}

const MAX_LINKS = 40;
const KiB = 1024;

/**
 * proc_alloc_inum's first number (PROC_DYNAMIC_FIRST): the entries proc registers at boot are
 * numbered from it, `self` first; a process's directory and files get get_next_ino's numbers.
 */
const PROC_DYNAMIC_FIRST = 0xf0000000;
const FIRST_DYNAMIC_INO = 4_000;
const DYNAMIC_INODES_KEPT = 4096;

export class ProcFs {
  /** The last reader's /proc: a process reads its own /proc many times in a row. */
  private lastRoot: { readonly pid: number; readonly node: ProcNode } | undefined;
  /**
   * A process's entries keep their numbers while they are looked at, as cached inodes do; the
   * cache is dropped when it grows large, as the kernel evicts them, and numbers count on.
   */
  private readonly dynamicInodes = new Map<string, number>();
  private nextIno = FIRST_DYNAMIC_INO;

  constructor(private readonly source: ProcSource) {}

  /**
   * Walks `rel` (the path below /proc) for the process `pid`, following proc's own links (`self`)
   * inside it; a link that leaves /proc ends the walk with the absolute path it leads to.
   */
  resolve(rel: string, pid: number, followLast: boolean): ProcResolution {
    let parts = rel.split("/").filter((p) => p !== "" && p !== ".");
    let hops = 0;
    let node: ProcNode = this.root(pid);
    for (let i = 0; i < parts.length; i++) {
      const name = parts[i]!;
      if (name === "..") {
        // Above /proc is the root it is mounted in.
        if (i === 0) return { escape: `/${parts.slice(1).join("/")}` };
        parts = [...parts.slice(0, i - 1), ...parts.slice(i + 1)];
        node = this.root(pid);
        i = -1;
        continue;
      }
      if (node.kind !== "dir") throw new FsError("ENOTDIR", `/proc/${parts.join("/")}`);
      const child = node.child(name);
      if (child === undefined) throw new FsError("ENOENT", `/proc/${parts.join("/")}`);
      if (child.kind === "link" && (followLast || i < parts.length - 1)) {
        if (++hops > MAX_LINKS) throw new FsError("ELOOP", `/proc/${parts.join("/")}`);
        const rest = parts.slice(i + 1);
        if (child.target.startsWith("/")) return { escape: [child.target.replace(/\/+$/, ""), ...rest].join("/") || "/" };
        parts = [...parts.slice(0, i), ...child.target.split("/"), ...rest];
        node = this.root(pid);
        i = -1;
        continue;
      }
      node = child;
    }
    return { node, path: parts };
  }

  private inodeOf(parts: readonly string[]): number {
    if (parts.length === 0) return 1;
    const top = TOP_NAMES.indexOf(parts[0]!);
    if (parts.length === 1 && top >= 0) return PROC_DYNAMIC_FIRST + 1 + top;
    const key = parts.join("/");
    let ino = this.dynamicInodes.get(key);
    if (ino === undefined) {
      if (this.dynamicInodes.size >= DYNAMIC_INODES_KEPT) this.dynamicInodes.clear();
      this.dynamicInodes.set(key, (ino = this.nextIno++));
    }
    return ino;
  }

  /** The entry's stat: procfs reports no size for its files and takes no blocks. */
  stat(node: ProcNode, path: readonly string[]): FileStat {
    const { uid, gid, mtimeMs } = node;
    const ino = this.inodeOf(path);
    // proc's inodes take the time they were made for all three; none records a birth.
    const at = { ino, mtimeMs, atimeMs: mtimeMs, ctimeMs: mtimeMs, btimeMs: mtimeMs };
    if (node.kind === "link") return { type: "symlink", mode: node.mode ?? 0o777, uid, gid, size: node.size ?? 0, allocated: 0, nlink: 1, ...at };
    if (node.kind === "dir") {
      // A directory's links: its own, its entry in the parent, and each subdirectory's "..".
      const subdirs = node.names().filter((n) => node.child(n)?.kind === "dir").length;
      return { type: "dir", mode: node.mode, uid, gid, size: 0, allocated: 0, nlink: 2 + subdirs, ...at };
    }
    return { type: "file", mode: node.mode, uid, gid, size: 0, allocated: 0, nlink: 1, ...at };
  }

  /** A file's bytes as a read by `cred` sees them (environ is its owner's). */
  read(node: ProcNode, cred: Credentials, path: string): Uint8Array {
    if (node.kind === "dir") throw new FsError("EISDIR", path);
    if (node.kind !== "file") throw new FsError("EINVAL", path);
    checkAccess(cred, node, 4, path);
    return node.read();
  }

  private root(pid: number): ProcNode {
    if (this.lastRoot?.pid !== pid) this.lastRoot = { pid, node: this.makeRoot(pid) };
    return this.lastRoot.node;
  }

  private makeRoot(pid: number): ProcNode {
    const source = this.source;
    const top: Owner = { uid: 0, gid: 0, mtimeMs: source.mountedAtMs };
    return {
      ...top,
      kind: "dir",
      mode: 0o555,
      names: () => [...source.processes().map((p) => String(p.pid)), ...TOP_NAMES],
      child: (name) => {
        switch (name) {
          case "meminfo":
            return file(top, () => meminfo(source.machine));
          case "mounts":
            return { ...top, kind: "link", target: "self/mounts" };
          case "self":
            return { ...top, kind: "link", target: String(pid) };
          case "uptime":
            return file(top, () => uptime(source.machine));
          case "loadavg":
            return file(top, () => loadavg(source));
          case "stat":
            return file(top, () => stat(source.machine));
        }
        if (!/^[1-9][0-9]*$/.test(name)) return undefined;
        const p = source.process(Number(name));
        return p === undefined ? undefined : this.processDir(p, pid);
      },
    };
  }

  /**
   * /proc/PID, owned by the process's user as the kernel shows a dumpable task's. Its files are
   * the ones ksim models; the kernel's others (fd, maps, stat, …) are not there.
   */
  private processDir(p: ProcessInfo, readerPid: number): ProcNode {
    const own: Owner = { uid: p.uid, gid: p.gid, mtimeMs: this.source.epochOf(p.startedAt) };
    // The process reading is the one running.
    const task = { info: p, state: p.pid === readerPid ? "R" : p.state, startedAtEpochMs: own.mtimeMs };
    const machine = this.source.machine;
    return { ...own, kind: "dir", mode: 0o555, names: () => PROCESS_NAMES, child: (name) => processEntry(task, own, machine, name) };
  }
}

/** In the order proc registers them at boot, `self` first, which fixes their inode numbers. */
const TOP_NAMES = ["self", "loadavg", "meminfo", "mounts", "stat", "uptime"];
const PROCESS_NAMES = ["cgroup", "cmdline", "comm", "cwd", "environ", "fd", "limits", "mounts", "root", "stat", "status"];

/** A process as its /proc directory shows it to one reader. */
interface ShownTask {
  readonly info: ProcessInfo;
  readonly state: string;
  readonly startedAtEpochMs: number;
}

function processEntry(task: ShownTask, own: Owner, machine: Machine, name: string): ProcNode | undefined {
  const p = task.info;
  switch (name) {
    case "cgroup":
      // cgroup v2 with a private cgroup namespace: the container's own cgroup is the root.
      return file(own, () => "0::/\n");
    case "cmdline":
      return file(own, () => commandLine(p));
    case "comm":
      return file(own, () => `${p.comm}\n`);
    case "cwd":
      return { ...own, kind: "link", target: p.cwd };
    case "environ":
      return file(own, () => [...p.environ].map(([k, v]) => `${k}=${v}\0`).join(""), 0o400);
    case "fd":
      return descriptors(p, own, machine);
    case "limits":
      return file(own, () => procLimits(p.rlimits));
    case "mounts":
      return file(own, () => mounts(p.fs.mountTable?.() ?? []));
    case "root":
      return { ...own, kind: "link", target: "/" };
    case "stat":
      return file(own, () => taskStat(task, machine));
    case "status":
      return file(own, () => status(task, machine));
  }
  return undefined;
}

/**
 * /proc/PID/fd: a link per open descriptor to what it is open on (proc_fd_link): a file by its
 * path, a terminal's pts, or a pipe as `pipe:[inode]`. Each link's mode is how it was opened
 * (r-x for reading, -wx for writing, rwx both) and its size 64, as procfs gives them.
 */
function descriptors(p: ProcessInfo, own: Owner, machine: Machine): ProcNode {
  const fds = p.descriptors();
  const link = (fd: number): ProcNode | undefined => {
    const stream = fds.get(fd);
    if (stream === undefined) return undefined;
    const terminal = p.tty && fd <= 2 && stream.openFile === undefined;
    const target = stream.openFile ?? (terminal ? "/dev/pts/0" : `pipe:[${machine.pipeInode(stream.channel ?? stream)}]`);
    const reads = "read" in stream;
    const writes = "write" in stream;
    const mode = terminal ? 0o700 : (reads && !writes) || (reads && fd === 0) ? 0o500 : 0o300;
    return { ...own, kind: "link", target, mode, size: 64 };
  };
  return {
    ...own,
    kind: "dir",
    mode: 0o500,
    names: () => [...fds.keys()].sort((a, b) => a - b).map(String),
    child: (name) => (/^(0|[1-9][0-9]*)$/.test(name) ? link(Number(name)) : undefined),
  };
}

/** The mount table as /proc/PID/mounts lists it (show_vfsmnt), names mangled as the kernel does. */
function mounts(table: readonly MountEntry[]): string {
  const mangle = (s: string) => s.replace(/[ \t\n\\]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, "0")}`);
  return table.map((m) => `${mangle(m.device.source)} ${mangle(m.target)} ${m.device.type} ${m.options} 0 0\n`).join("");
}

function file(owner: Owner, content: () => string, mode = 0o444): ProcNode {
  return { ...owner, kind: "file", mode, read: () => encodeText(content()) };
}

/**
 * get_mm_cmdline: the argument strings, each ended by a NUL. A process that wrote a title over
 * them (setproctitle, as nginx does, padding with NULs) shows the title and the padding while the
 * arguments' last byte is still a NUL; once the title covers it, the title up to its NUL.
 */
function commandLine(p: ProcessInfo): string {
  const args = p.argv.map((a) => `${a}\0`).join("");
  if (p.title === undefined) return args;
  return p.title.length < args.length ? p.title.padEnd(args.length, "\0") : `${p.title}\0`;
}

/** seq_put_decimal_ull_width(m, name, kB, 8) then " kB": a right-aligned figure. */
function kb(name: string, kib: number): string {
  return `${name}${String(kib).padStart(8)} kB\n`;
}

/** The capabilities a container's root has by default (containerd's and runc's default set). */
const DEFAULT_CAPS = "00000000a80425fb";
const NO_CAPS = "0000000000000000";

/**
 * fs/proc/array.c's proc_pid_status (5.15) as far as ksim models a process: identity,
 * credentials, memory (ps's VSZ and RSS, all of it anonymous here), signals, capabilities and
 * CPU affinity. A container's process is not traced and has one thread. Left out, because
 * nothing models them: VmData, VmStk, VmExe, VmLib and VmPTE, the speculation mitigations
 * (the CPU's), Mems_allowed (the kernel's NUMA build) and the context-switch counts.
 */
function status(task: ShownTask, machine: Machine): string {
  const p = task.info;
  const id = (n: number) => `${n}\t${n}\t${n}\t${n}`;
  const caps = p.uid === 0 ? DEFAULT_CAPS : NO_CAPS;
  const cpus = machine.cpus();
  const vmKiB = p.stats.sizePages * 4;
  const rssKiB = p.stats.residentKiB;
  return (
    `Name:\t${p.comm}\n` +
    `Umask:\t${p.umask.toString(8).padStart(4, "0")}\n` +
    `State:\t${task.state === "R" ? "R (running)" : "S (sleeping)"}\n` +
    `Tgid:\t${p.pid}\nNgid:\t0\nPid:\t${p.pid}\nPPid:\t${p.ppid}\nTracerPid:\t0\n` +
    `Uid:\t${id(p.uid)}\nGid:\t${id(p.gid)}\n` +
    // The kernel ends the list with a space ("shouldn't have been added in the first place").
    `FDSize:\t64\nGroups:\t${p.groups.join(" ")} \n` +
    `NStgid:\t${p.pid}\nNSpid:\t${p.pid}\nNSpgid:\t${p.pid}\nNSsid:\t${p.pid}\n` +
    kb("VmPeak:\t", vmKiB) +
    kb("VmSize:\t", vmKiB) +
    kb("VmLck:\t", 0) +
    kb("VmPin:\t", 0) +
    kb("VmHWM:\t", rssKiB) +
    kb("VmRSS:\t", rssKiB) +
    kb("RssAnon:\t", rssKiB) +
    kb("RssFile:\t", 0) +
    kb("RssShmem:\t", 0) +
    kb("VmSwap:\t", 0) +
    kb("HugetlbPages:\t", 0) +
    "CoreDumping:\t0\nTHP_enabled:\t1\nThreads:\t1\n" +
    `SigQ:\t0/${p.rlimits.sigpending.soft}\n` +
    `SigPnd:\t${NO_CAPS}\nShdPnd:\t${NO_CAPS}\nSigBlk:\t${NO_CAPS}\nSigIgn:\t${NO_CAPS}\nSigCgt:\t${NO_CAPS}\n` +
    `CapInh:\t${NO_CAPS}\nCapPrm:\t${caps}\nCapEff:\t${caps}\nCapBnd:\t${DEFAULT_CAPS}\nCapAmb:\t${NO_CAPS}\n` +
    "NoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n" +
    `Cpus_allowed:\t${(2 ** cpus - 1).toString(16)}\nCpus_allowed_list:\t${cpus > 1 ? `0-${cpus - 1}` : "0"}\n`
  );
}

/** pts/0's device number (UNIX98_PTY_SLAVE_MAJOR 136, minor 0): a container's terminal. */
const PTS0 = 136 << 8;

/**
 * /proc/PID/stat (do_task_stat): the 52 fields ps and top parse. CPU time is all user time
 * in USER_HZ ticks and the start is in ticks since boot. Process groups and sessions are the
 * process's own, as /proc/PID/status says. Page faults, signals and the address space are not
 * modelled: their fields show none, and the code and stack addresses what the kernel shows a
 * reader it will not tell (1, 1, 0).
 */
function taskStat(task: ShownTask, machine: Machine): string {
  const p = task.info;
  const bootEpochMs = machine.clock() - machine.uptime();
  const startTicks = Math.max(0, Math.floor(((task.startedAtEpochMs - bootEpochMs) * USER_HZ) / 1000));
  const utime = Math.floor((p.cpuMs * USER_HZ) / 1000);
  const fields = [
    task.state,
    p.ppid, p.pid, p.pid, p.tty ? PTS0 : 0, p.tty ? p.pid : -1,
    // PF_RANDOMIZE: address-space randomisation, on for every process by default.
    0x400000,
    0, 0, 0, 0,
    utime, 0, 0, 0,
    20, 0, 1, 0, startTicks,
    p.stats.sizePages * 4096, Math.floor(p.stats.residentKiB / 4), "18446744073709551615",
    1, 1, 0, 0, 0,
    0, 0, 0, 0,
    0, 0, 0, 17, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0,
  ];
  return `${p.pid} (${p.comm}) ${fields.join(" ")}\n`;
}

/**
 * /proc/meminfo (5.15, x86_64) from what ksim models of memory: the machine's RAM and what its
 * processes hold resident (anonymous memory). The page cache, the kernel's own memory and swap
 * are not modelled, so they show as none; the DirectMap lines (the machine's page tables) and
 * CMA's (a build option) are left out.
 */
function meminfo(machine: Machine): string {
  const total = Math.floor(machine.memoryBytes() / KiB);
  const anon = Math.min(total, Math.ceil(machine.usage().residentBytes / KiB));
  const free = total - anon;
  const line = (name: string, kib: number) => `${`${name}:`.padEnd(15)} ${String(kib).padStart(8)} kB\n`;
  const fields: [string, number][] = [
    ["MemTotal", total],
    ["MemFree", free],
    ["MemAvailable", free],
    ["Buffers", 0],
    ["Cached", 0],
    ["SwapCached", 0],
    ["Active", anon],
    ["Inactive", 0],
    ["Active(anon)", anon],
    ["Inactive(anon)", 0],
    ["Active(file)", 0],
    ["Inactive(file)", 0],
    ["Unevictable", 0],
    ["Mlocked", 0],
    ["SwapTotal", 0],
    ["SwapFree", 0],
    ["Dirty", 0],
    ["Writeback", 0],
    ["AnonPages", anon],
    ["Mapped", 0],
    ["Shmem", 0],
    ["KReclaimable", 0],
    ["Slab", 0],
    ["SReclaimable", 0],
    ["SUnreclaim", 0],
    ["KernelStack", 0],
    ["PageTables", 0],
    ["NFS_Unstable", 0],
    ["Bounce", 0],
    ["WritebackTmp", 0],
    // vm.overcommit_ratio's 50 % of RAM, no swap.
    ["CommitLimit", Math.floor(total / 2)],
    ["Committed_AS", anon],
    ["VmallocTotal", 34359738367],
    ["VmallocUsed", 0],
    ["VmallocChunk", 0],
    ["Percpu", 0],
    ["HardwareCorrupted", 0],
    ["AnonHugePages", 0],
    ["ShmemHugePages", 0],
    ["ShmemPmdMapped", 0],
    ["FileHugePages", 0],
    ["FilePmdMapped", 0],
  ];
  const counts = "HugePages_Total:       0\nHugePages_Free:        0\nHugePages_Rsvd:        0\nHugePages_Surp:        0\n";
  return fields.map(([n, v]) => (n === "HardwareCorrupted" ? `HardwareCorrupted: ${String(v).padStart(5)} kB\n` : line(n, v))).join("") + counts + line("Hugepagesize", 2048) + line("Hugetlb", 0);
}

/**
 * loadavg_proc_show: the three averages, then runnable/all tasks (the reader among the
 * runnable) and the last pid the reader's namespace gave.
 */
function loadavg(source: ProcSource): string {
  const machine = source.machine;
  const averages = machine.sched.load.read().map(formatLoad).join(" ");
  const lastPid = Math.max(0, ...source.processes().map((p) => p.pid));
  return `${averages} ${runningTasks(machine)}/${machine.usage().tasks} ${lastPid}\n`;
}

/** nr_running as a reader sees it: itself, and the processes' demand rounded to whole tasks. */
function runningTasks(machine: Machine): number {
  return 1 + Math.round(machine.sched.load.runnable);
}

/** Seconds since boot and the CPUs' idle seconds added up, to the hundredth (fs/proc/uptime.c). */
function uptime(machine: Machine): string {
  const up = machine.uptime();
  const idle = Math.max(0, up * machine.cpus() - machine.sched.busyMs());
  const secs = (ms: number) => `${Math.floor(ms / 1000)}.${String(Math.floor((ms % 1000) / 10)).padStart(2, "0")}`;
  return `${secs(up)} ${secs(idle)}\n`;
}

/** USER_HZ: what /proc counts CPU time in (nsec_to_clock_t). */
const USER_HZ = 100;
/** The legacy ISA interrupts every x86 kernel lists on the `intr` line. */
const LEGACY_IRQS = 16;
/** NR_SOFTIRQS: HI, TIMER, NET_TX, NET_RX, BLOCK, IRQ_POLL, TASKLET, SCHED, HRTIMER, RCU. */
const SOFTIRQS = 10;

/**
 * /proc/stat (show_stat, 5.15): the CPUs' times in USER_HZ ticks, all CPUs then each, then the
 * counters. What processes use is all user time, spread evenly over the CPUs; the kernel's
 * own time, interrupts and context switches are not modelled, so those show as none.
 */
function stat(machine: Machine): string {
  const cpus = machine.cpus();
  const upMs = machine.uptime();
  const busyMs = Math.min(machine.sched.busyMs(), upMs * cpus);
  const ticks = (ms: number) => Math.floor((ms * USER_HZ) / 1000);
  const line = (name: string, busy: number, idle: number) => `${name} ${ticks(busy)} 0 0 ${ticks(idle)} 0 0 0 0 0 0\n`;
  let out = line("cpu ", busyMs, upMs * cpus - busyMs);
  for (let i = 0; i < cpus; i++) out += line(`cpu${i}`, busyMs / cpus, upMs - busyMs / cpus);
  const bootSeconds = Math.floor((machine.clock() - upMs) / 1000);
  return (
    out +
    `intr 0${" 0".repeat(LEGACY_IRQS)}\n` +
    `ctxt 0\nbtime ${bootSeconds}\nprocesses ${machine.sched.forks}\nprocs_running ${runningTasks(machine)}\nprocs_blocked 0\n` +
    `softirq 0${" 0".repeat(SOFTIRQS)}\n`
  );
}
