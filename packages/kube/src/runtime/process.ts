import type { CpuCgroup } from "./cpu-cgroup.js";
import type { MemoryCgroup } from "./memory-cgroup.js";
import { copyMap } from "./copy-map.js";
import { freezeEnvironment, isFrozenEnvironment } from "./environment.js";
import {
  FsError,
  Future,
  Task,
  type Address,
  type Connection,
  type DatagramHandler,
  type Gate,
  type Host,
  type Listener,
  type Proc,
  type Random,
  type Sim,
  type Timer,
  type Waitable,
} from "@ksim/sim";
import { DEFAULT_UMASK, resolvePath, type Credentials, type FileSystem } from "./fs.js";
import { checkSetrlimit, containerLimits, DEFAULT_MEMORY_BYTES, type Limit, type Resource, type Rlimits } from "./rlimits.js";
import { nativeProgramId, type ImageRegistry } from "./image.js";
import { defaultAction, SIGNALS, type Signal } from "./signals.js";
import type { SchedStats } from "./sched-stats.js";
import { devNull, unclosable, type InputStream, type OutputStream } from "./streams.js";

/**
 * Simulated processes. A program is a generator function over a ProcessContext — the system
 * calls a process can make — returning its exit code. Daemons start event-driven machinery
 * (listeners, timers) and then wait for `ctx.exited`; tools run sequentially and return.
 * Every socket and timer a process opens is released when it exits, as the kernel does.
 */
export type Executable = (ctx: ProcessContext) => Proc<number>;

export { SIGNALS, parseSignal, describeSignal, defaultAction, signalOfNumber, type Signal, type DefaultAction } from "./signals.js";

/** The network as a process sees it: the pod's address, plus the cluster's DNS. */
export interface NetStack {
  readonly ip: string | undefined;
  listen(port: number, onConnection: (conn: Connection) => void): Listener;
  /** Opens a stream to an IP address (resolve names first with `resolve`). */
  connect(ip: string, port: number, options?: { timeoutMs?: number }): Connection;
  bindDatagram(port: number, handler: DatagramHandler): Listener;
  sendDatagram(fromPort: number, to: Address, payload: unknown): void;
  /** An ICMP echo request sent with `ttl`; `onReply(ttl)` runs if the reply comes back. */
  echo(ip: string, ttl: number, onReply: (ttl: number) => void): void;
  /** A records for a name, applying the search domains of /etc/resolv.conf; [] if none. */
  resolve(name: string): string[];
  /** The name a PTR lookup gives for an IP, if any. */
  reverse(ip: string): string | undefined;
  /** The cluster DNS server address (what nslookup prints as Server). */
  readonly nameserver: string;
}

/** What a pod's (or the host's) network provides to the processes running in it. */
export interface NetworkNamespace {
  readonly host: Host;
  resolve(name: string): string[];
  reverse(ip: string): string | undefined;
  readonly nameserver: string;
}

export interface SpawnOptions {
  readonly env?: ReadonlyMap<string, string>;
  readonly cwd?: string;
  readonly stdin?: InputStream;
  readonly stdout?: OutputStream;
  readonly stderr?: OutputStream;
  readonly cred?: Credentials;
  /** Whether stdin and stdout are a terminal (`kubectl exec -t`); inherited by children. */
  readonly tty?: boolean;
  /** Open descriptors above 2 (a shell's `exec 3>&1`), which children inherit as on Unix. */
  readonly fds?: ReadonlyMap<number, InputStream | OutputStream>;
  /** Resource limits, when not the parent's (a shell's subshell ran `ulimit`). */
  readonly rlimits?: Rlimits;
  /** The file mode creation mask, when not the parent's (a subshell ran `umask`). */
  readonly umask?: number;
  /** The file to run when the caller found it already (a shell's hashed path); argv[0] stays as given. */
  readonly executable?: string;
}

/** Resource figures `ps -l` shows; programs set them to look like what they model. */
export interface ProcessStats {
  /** Virtual size in pages (ps SZ column). */
  sizePages: number;
  /** Fraction of one CPU the process uses (TIME column grows with it). */
  cpu: number;
  /** Resident set in KiB (ps RSS column): what the process charges to its memory cgroup. */
  residentKiB: number;
  /** The share of `cpu` the process gets: below 1 while its container is over its CPU quota. */
  readonly cpuShare: number;
}

export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly uid: number;
  readonly gid: number;
  /** Supplementary groups. */
  readonly groups: readonly number[];
  /** The kernel's name for it: what it executed, whatever title it set (`nginx`, not `nginx: worker process`). */
  readonly comm: string;
  readonly commandLine: string;
  readonly startedAt: number;
  readonly cpuMs: number;
  readonly stats: ProcessStats;
  /** Running, sleeping, or stopped (SIGSTOP) until SIGCONT. */
  readonly state: "R" | "S" | "T";
  /** The arguments it was started (or last exec'd) with. */
  readonly argv: readonly string[];
  /** What it set as its title (setproctitle), which replaces its arguments in /proc. */
  readonly title: string | undefined;
  readonly environ: ReadonlyMap<string, string>;
  readonly cwd: string;
  /** Its root filesystem, whose mount table is its /proc/PID/mounts. */
  readonly fs: FileSystem;
  /** Whether its standard streams are a terminal. */
  readonly tty: boolean;
  /** Its open descriptors: 0, 1 and 2, and those above it inherited. */
  descriptors(): ReadonlyMap<number, InputStream | OutputStream>;
  /** Its resource limits and umask (/proc/PID/limits, /proc/PID/status). */
  readonly rlimits: Rlimits;
  readonly umask: number;
}

/** What a program loads as: the program, the arguments it gets (a script's interpreter first), its comm. */
interface Loaded {
  readonly program: Executable;
  readonly argv: readonly string[];
  readonly comm: string;
}

/** The kernel's name for a process (its comm): the base name of the file it executed, at most 15 characters. */
function commOf(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1).slice(0, 15);
}

/** Why a program could not be started; shells print the message and exit with `status`. */
export class SpawnError extends Error {
  override name = "SpawnError";
  constructor(
    readonly command: string,
    readonly reason: "not found" | "Permission denied" | "Exec format error" | "Is a directory",
  ) {
    super(`${command}: ${reason}`);
  }
  /** 127 for a missing command, 126 for one that exists but cannot run. */
  get status(): number {
    return this.reason === "not found" ? 127 : 126;
  }
}

export interface ChildProcess {
  readonly pid: number;
  /** Resolves with the exit status (128 + signal number when killed by a signal). */
  readonly exited: Waitable<number>;
  /** The signal that ended it, if one did (WIFSIGNALED), as opposed to an exit status of 128 + n. */
  readonly termsig: Signal | undefined;
  /** WCOREDUMP: that signal's default action dumps core, and RLIMIT_CORE let it. */
  readonly cored: boolean;
  signal(signal: Signal): void;
}

/** The system calls available to a program. */
export interface ProcessContext {
  readonly sim: Sim;
  readonly pid: number;
  readonly ppid: number;
  readonly argv: readonly string[];
  /** This process's environment; changes affect only it and children spawned afterwards. */
  readonly env: Map<string, string>;
  /** The environment for reading: unlike `env`, it does not make the process copy one it shares. */
  readonly environ: ReadonlyMap<string, string>;
  cwd: string;
  readonly cred: Credentials;
  readonly fs: FileSystem;
  /** setgroups, setgid and setuid, as gosu does before it execs a program as another user: root only. */
  setCredentials(cred: Credentials): void;
  /** getrlimit(2) of every resource. */
  readonly rlimits: Rlimits;
  /** setrlimit(2): undefined when done, else the errno that refused it. */
  setrlimit(resource: Resource, limit: Limit): "EINVAL" | "EPERM" | undefined;
  /** Whether it has CAP_SYS_RESOURCE in effect: root where its root has it (not in a container). */
  readonly mayRaiseHardLimits: boolean;
  /** umask(2): the permission bits that files and directories this process creates lose. */
  umask: number;
  readonly stdin: InputStream;
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  /** isatty(): output goes to a terminal (tools format for humans, shells prompt). */
  readonly tty: boolean;
  /** Descriptors above 2 the process inherited. */
  readonly fds: ReadonlyMap<number, InputStream | OutputStream>;
  readonly net: NetStack;
  /** A random stream for this process (derived from the cluster seed and the process identity). */
  readonly random: Random;
  /** The UTS hostname (the pod's hostname). */
  readonly hostname: string;
  /**
   * This machine's wall clock in epoch milliseconds: simulated time plus the node's clock skew.
   * Programs stamping data with the time (Cassandra's cell timestamps, logs) read this.
   */
  epochMs(): number;
  /**
   * The machine's monotonic clock: milliseconds since it booted, what Java's System.nanoTime
   * counts (ZooKeeper's session expiry buckets print it as a 1970 date).
   */
  uptimeMs(): number;
  /** How much longer than usual an fsync takes on this machine's disks now (a slow-disk fault). */
  fsyncDelayMs(): number;
  /** sched_getaffinity: the CPUs it may run on, which are the machine's (no cpuset narrows them). */
  cpus(): number;
  /**
   * times(2): CPU milliseconds this process has used, and those its children used that have
   * ended (with their own children's), as a shell's `time` and `times` report them.
   */
  times(): { readonly selfMs: number; readonly childrenMs: number };
  /** Counts `ms` of computing (a shell's busy loop) as CPU time the process used, at its cgroup's share. */
  chargeCpu(ms: number): void;
  /** sysinfo(2)'s 1, 5 and 15 minute load averages, unrounded. */
  loadAverages(): readonly [number, number, number];
  readonly stats: ProcessStats;
  /** Resolves with this process's exit status once it has exited. */
  readonly exited: Waitable<number>;
  /** Resolves a path against the working directory. */
  resolve(path: string): string;
  /** Finds an executable through PATH (or `path`, a shell's own), or a path containing '/'; throws SpawnError. */
  which(command: string, path?: string): string;
  /** Starts a child process running `argv[0]`; throws SpawnError if it cannot start. */
  spawn(argv: readonly string[], options?: SpawnOptions): ChildProcess;
  /**
   * Starts a child running `program` with this process's argv, as fork() without exec does: a
   * server's workers share what their master has in memory (nginx's parsed configuration).
   */
  fork(program: Executable, options?: SpawnOptions): ChildProcess;
  /** Runs a child to completion and returns its status (`yield* ctx.run([...])`). */
  run(argv: readonly string[], options?: SpawnOptions): Proc<number>;
  /**
   * Replaces this program with another, keeping the pid: `return yield* ctx.exec([...])`;
   * `env` replaces the environment as execve's envp does.
   */
  exec(argv: readonly string[], env?: ReadonlyMap<string, string>, fds?: ReadonlyMap<number, InputStream | OutputStream>): Proc<number>;
  /** Processes visible in this PID namespace. */
  processes(): ProcessInfo[];
  /**
   * Takes the next pid as fork() would, for a child the program runs in-process (a shell's
   * subshell): later processes get higher pids, so `$!` of a subshell names nobody else.
   */
  takePid(): number;
  /** Sends a signal to a process in the same PID namespace; false if there is no such process. */
  kill(pid: number, signal: Signal): boolean;
  /** kill(pid, 0): whether there is a process with this pid to send a signal to. */
  processExists(pid: number): boolean;
  /**
   * Handles signals instead of their default action: the ones a daemon handles to shut down or
   * reload (HUP, INT, QUIT, USR1, USR2, PIPE, ALRM, TERM), or only `signals` (a shell catches
   * what it traps). SIGKILL and SIGSTOP cannot be handled.
   */
  onSignal(handler: ((signal: Signal) => void) | undefined, signals?: readonly Signal[] | ReadonlySet<Signal>): void;
  /** Runs fn after ms unless the process has exited by then. */
  timer(ms: number, fn: () => void): Timer;
  cancelTimer(timer: Timer | undefined): void;
  /** Terminates the process with `status` (from callbacks; a generator simply returns). */
  exit(status: number): void;
  /** Changes what ps shows as the command line (nginx's "nginx: worker process"). */
  setTitle(title: string): void;
}

/** What a process reads of the machine it runs on, besides its files and its network. */
export interface Machine {
  /** The wall clock in epoch ms (simulated time plus the node's clock skew). */
  clock(): number;
  /** Milliseconds since the machine booted (CLOCK_MONOTONIC). */
  uptime(): number;
  /** Extra milliseconds an fsync takes on the machine's disks now. */
  fsyncDelay(): number;
  /** The RAM the kernel manages (MemTotal), in bytes. */
  memoryBytes(): number;
  /** CPUs online. */
  cpus(): number;
  /** What every process on the machine holds now: resident memory, and how many there are. */
  usage(): MachineUsage;
  /** The inode pipefs gave a pipe (its `pipe:[N]` in /proc/PID/fd), numbered as first asked. */
  pipeInode(pipe: object): number;
  /** The scheduler's counters (load average, busy time, forks), which processes tell when the CPU they use changes. */
  readonly sched: SchedStats;
}

export interface MachineUsage {
  readonly residentBytes: number;
  /** CPU time its live processes have used (what exited processes used is not kept). */
  readonly cpuMs: number;
  /** Processes on it (the kernel's nr_threads; ksim's processes have one thread each). */
  readonly tasks: number;
}

/** A PID namespace seen from above: processes under the pids it gives them, and kill by those pids. */
export interface PidNamespaceView {
  list(): ProcessInfo[];
  kill(pid: number, signal: Signal): boolean;
}

/**
 * A root filesystem: what a process sees with given credentials (its pid is /proc/self); what
 * it creates loses the umask's bits, and its writes stop at its RLIMIT_FSIZE (bytes).
 */
export type RootFs = (cred: Credentials, pid: number, umask: number, fileSizeLimit: number) => FileSystem;

/**
 * What a process gets from the container it runs in and passes on to its children: the root
 * filesystem it sees (when not its PID namespace's) and the memory and CPU cgroups it is charged to.
 */
export interface ContainerScope {
  readonly root?: RootFs;
  readonly cgroup?: MemoryCgroup;
  readonly cpuCgroup?: CpuCgroup;
}

export interface ProcessEnvironment {
  readonly sim: Sim;
  readonly registry: ImageRegistry;
  /** The filesystem seen with given credentials. */
  readonly fsFor: RootFs;
  readonly network: NetworkNamespace;
  readonly hostname: string;
  /** Stream for per-process random numbers. */
  readonly random: Random;
  /** The machine the processes run on; without one, its clocks are simulated time and its disks never slow. */
  readonly machine?: Machine;
  /** A name for traces and errors, e.g. `default/zk-0/kubernetes-zookeeper`. */
  readonly name: string;
  /** The resource limits its first processes start with; a container's (containerLimits) by default. */
  readonly rlimits?: Rlimits;
  /** Whether its root has CAP_SYS_RESOURCE (may raise hard limits): a container's root has not. */
  readonly capSysResource?: boolean;
}

/**
 * Errors the machine inflicts rather than the program's logic: a full or read-only disk, a file
 * that takes no writes (EIO). A program
 * that does not handle one where it writes dies of it (exit status 1, the error on its stderr)
 * instead of taking the simulation down; programs that model their real reaction (ZooKeeper's
 * sync thread) catch it first.
 */
export function isEnvironmentIoError(e: unknown): e is FsError {
  return e instanceof FsError && (e.code === "ENOSPC" || e.code === "EROFS" || e.code === "EIO");
}

/** EFBIG from a write past RLIMIT_FSIZE, for which the kernel also sends SIGXFSZ. */
export function isFileTooLarge(e: unknown): e is FsError {
  return e instanceof FsError && e.code === "EFBIG";
}

/** EPIPE from a write to a pipe whose reader is gone. */
export function isBrokenPipe(e: unknown): e is FsError {
  return e instanceof FsError && e.code === "EPIPE";
}

export function dieOfIoError(ctx: ProcessContext, e: FsError): void {
  const name = ctx.argv[0] ?? "";
  try {
    ctx.stderr.write(`${name.slice(name.lastIndexOf("/") + 1)}: ${e.message}\n`);
  } catch (again) {
    // Its stderr is on the disk that failed it (`2>&1`): the message is lost too.
    if (!isEnvironmentIoError(again)) throw again;
  }
  ctx.sim.trace.record("proc.io-error", { pid: ctx.pid, error: e.message });
  ctx.exit(1);
}

/** What ps has always shown for a small process (a shell, a coreutil): half its 1127 pages of virtual size. */
const DEFAULT_RESIDENT_KIB = 563;
/** A process that never says how much CPU it uses: a shell or a tool, asleep nearly always. */
const DEFAULT_CPU = 0.0005;

const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

const NO_ENV = freezeEnvironment(new Map());
const NO_FDS: ReadonlyMap<number, InputStream | OutputStream> = new Map();

const utf8 = new TextDecoder();

interface SearchKeys {
  readonly cwd: string;
  readonly path: string;
  readonly prefix: string;
  /** Whole keys by command: the same string each time, so its hash is computed once. */
  readonly byCommand: Map<string, string>;
}

/**
 * The keys of PATH searches, on which a search depends: credentials, working directory and PATH.
 * A container's processes share one credentials object, and a probe's shell and the commands it
 * starts share all three, so the last set of each credentials is kept rather than building a
 * long key string (and hashing it) for every spawn, while probes take turns in several pods.
 */
const searchKeys = new WeakMap<Credentials, SearchKeys>();

function searchKey(cred: Credentials, cwd: string, path: string, command: string): string {
  let keys = searchKeys.get(cred);
  if (keys === undefined || keys.cwd !== cwd || keys.path !== path) {
    const prefix = `which\0${cred.uid}:${cred.gid}:${(cred.groups ?? []).join(",")}\0${cwd}\0${path}\0`;
    searchKeys.set(cred, (keys = { cwd, path, prefix, byCommand: new Map() }));
  }
  let key = keys.byCommand.get(command);
  if (key === undefined) {
    if (keys.byCommand.size >= 256) keys.byCommand.clear();
    keys.byCommand.set(command, (key = keys.prefix + command));
  }
  return key;
}

/** One PID namespace: a container's processes, or the host's. */
export class ProcessTable {
  private readonly procs = new Map<number, SimProcess>();
  private nextPid = 1;
  /** Called when pid 1 exits: the container is over. */
  onInitExit: ((status: number) => void) | undefined;
  private initialLimits: Rlimits | undefined;

  /**
   * `isolated`: a PID namespace of its own (a container's, a pod's sandbox), whose PID 1 the
   * kernel shields as an init: it gets only the signals it catches (pid_namespaces(7)).
   */
  constructor(
    readonly env: ProcessEnvironment,
    private readonly isolated = false,
  ) {}

  /**
   * Starts a process; ppid 0 for the init process and for `kubectl exec` sessions. `root` is the
   * filesystem it sees when that is not the table's (a container joined to another's PID
   * namespace keeps its own image); children inherit it.
   */
  spawn(argv: readonly string[], options: SpawnOptions & ContainerScope & { readonly ppid?: number } = {}): SimProcess {
    const proc = new SimProcess(this, this.nextPid++, options.ppid ?? 0, argv, options);
    const program = proc.load(argv, 0, options.executable);
    this.procs.set(proc.pid, proc);
    proc.cgroup?.join(proc);
    proc.cpuCgroup?.join(proc);
    proc.start(program);
    return proc;
  }

  /** Starts a process running `program` without looking up argv[0] (see ProcessContext.fork). */
  fork(argv: readonly string[], program: Executable, options: SpawnOptions & ContainerScope & { readonly ppid: number; readonly comm: string }): SimProcess {
    const proc = new SimProcess(this, this.nextPid++, options.ppid, argv, options);
    this.procs.set(proc.pid, proc);
    proc.cgroup?.join(proc);
    proc.cpuCgroup?.join(proc);
    proc.start({ program, argv, comm: options.comm });
    return proc;
  }

  /** What a process without a parent here starts with. */
  firstLimits(): Rlimits {
    return (this.initialLimits ??= this.env.rlimits ?? containerLimits(this.env.machine?.memoryBytes() ?? DEFAULT_MEMORY_BYTES));
  }

  /** A pid no process of this table will get (see ProcessContext.takePid). */
  takePid(): number {
    return this.nextPid++;
  }

  get(pid: number): SimProcess | undefined {
    return this.procs.get(pid);
  }

  list(): ProcessInfo[] {
    return [...this.procs.values()].sort((a, b) => a.pid - b.pid).map((p) => p.info());
  }

  /**
   * What ps and kill see from inside: this namespace's processes, or, for the node's own PID
   * namespace (hostPID pods), every process on the node.
   */
  view: PidNamespaceView | undefined;

  visible(): ProcessInfo[] {
    return this.view?.list() ?? this.list();
  }

  /** One of those, by the pid this namespace (or the node's, for hostPID) gives it. */
  visibleProcess(pid: number): ProcessInfo | undefined {
    if (this.view !== undefined) return this.view.list().find((p) => p.pid === pid);
    return this.procs.get(pid)?.info();
  }

  signalVisible(pid: number, signal: Signal): boolean {
    return this.view?.kill(pid, signal) ?? this.kill(pid, signal);
  }

  /**
   * kill(2) from a process of this namespace. A signal its init does not catch is discarded,
   * SIGKILL too, and kill still succeeds: `kill -9 1` in a container does nothing. SIGCONT
   * continues even the init (the kernel does that before it looks at the handler).
   */
  kill(pid: number, signal: Signal): boolean {
    const p = this.procs.get(pid);
    if (p === undefined) return false;
    if (signal === "SIGCONT" || !this.shieldedInit(p) || p.catches(signal)) p.signal(signal);
    return true;
  }

  /**
   * A signal from an ancestor namespace (the container runtime stopping a container, a hostPID
   * process): SIGKILL and SIGSTOP always arrive, the init's other uncaught signals are discarded
   * (SIGCONT still continues it). This is why `sh -c 'server'` as PID 1 outlives SIGTERM until
   * the grace period ends.
   */
  killFromOutside(pid: number, signal: Signal): boolean {
    const p = this.procs.get(pid);
    if (p === undefined) return false;
    if (signal === "SIGKILL" || signal === "SIGSTOP" || signal === "SIGCONT" || !this.shieldedInit(p) || p.catches(signal)) p.signal(signal);
    return true;
  }

  private shieldedInit(p: SimProcess): boolean {
    return this.isolated && p.pid === 1;
  }

  /** Kills every process (SIGKILL): the container stopped; with `root`, only the processes that see it. */
  killAll(root?: RootFs): void {
    for (const p of [...this.procs.values()].sort((a, b) => a.pid - b.pid)) if (root === undefined || p.root === root) p.signal("SIGKILL");
  }

  get size(): number {
    return this.procs.size;
  }

  /** What this namespace's processes hold and have used (a machine's usage sums its namespaces'). */
  usage(): MachineUsage {
    let kib = 0;
    let cpuMs = 0;
    for (const p of this.procs.values()) {
      kib += p.stats.residentKiB;
      cpuMs += p.cpuMs();
    }
    return { residentBytes: kib * 1024, tasks: this.procs.size, cpuMs };
  }

  /** @internal */
  reap(proc: SimProcess, status: number): void {
    this.procs.delete(proc.pid);
    const parent = this.procs.get(proc.ppid);
    if (parent !== undefined) parent.childrenCpuMs += proc.cpuMs() + proc.childrenCpuMs;
    proc.cgroup?.leave(proc);
    proc.cpuCgroup?.leave(proc);
    for (const p of this.procs.values()) if (p.ppid === proc.pid) p.ppid = 1;
    if (proc.pid === 1) this.onInitExit?.(status);
  }
}

/** What a daemon's handler takes when it names no signals (onSignal). */
const DAEMON_SIGNALS: ReadonlySet<Signal> = new Set(["SIGHUP", "SIGINT", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM"]);

/** A process; implements the system calls its program makes. */
export class SimProcess implements ProcessContext, ChildProcess, Gate {
  readonly sim: Sim;
  argv: readonly string[];
  /** The environment while the process shares a frozen one, as most never change theirs. */
  private sharedEnv: ReadonlyMap<string, string> = NO_ENV;
  private ownEnv: Map<string, string> | undefined;
  cwd: string;
  cred: Credentials;
  stdin: InputStream;
  stdout: OutputStream;
  stderr: OutputStream;
  readonly tty: boolean;
  fds: ReadonlyMap<number, InputStream | OutputStream>;
  fs: FileSystem;
  readonly root: RootFs;
  rlimits: Rlimits;
  private mask: number;
  readonly cgroup: MemoryCgroup | undefined;
  readonly cpuCgroup: CpuCgroup | undefined;
  readonly startedAt: number;
  private title: string | undefined;
  private comm = "";
  private ownStats: ProcessStats | undefined;
  /** The CPU use this process has told the machine's scheduler of. */
  private loadCpu = 0;
  /** CPU time used up to `cpuSince`, when its CPU use last changed. */
  private cpuBaseMs = 0;
  /** @internal CPU of the children that have ended (tms_cutime + tms_cstime). */
  childrenCpuMs = 0;
  private cpuSince: number;
  private readonly exitFuture = new Future<number>();
  private task: Task<number> | undefined;
  private handler: ((signal: Signal) => void) | undefined;
  /** The signals `handler` catches; undefined for every catchable one. */
  private caught: ReadonlySet<Signal> | undefined;
  // Most processes (a probe's shell, the tools it runs) never open a socket, set a timer or
  // draw a random number: what those need is made on first use.
  private netStack: ProcessNet | undefined;
  private randomStream: Random | undefined;
  private timers: Set<Timer> | undefined;
  private listeners: Set<Listener> | undefined;
  private ownsConnections = false;
  private status: number | undefined;
  termsig: Signal | undefined;
  cored = false;
  /**
   * While the process is stopped: what it would have run meanwhile (coroutine steps, timers,
   * socket callbacks), in order. Signals other than SIGKILL and SIGCONT wait in `pendingSignals`.
   */
  private deferred: (() => void)[] | undefined;
  private pendingSignals: Signal[] | undefined;

  constructor(
    private readonly table: ProcessTable,
    readonly pid: number,
    public ppid: number,
    argv: readonly string[],
    options: SpawnOptions & ContainerScope,
  ) {
    const env = table.env;
    this.sim = env.sim;
    this.argv = argv;
    this.adoptEnvironment(options.env ?? NO_ENV);
    this.cwd = options.cwd ?? "/";
    this.cred = options.cred ?? { uid: 0, gid: 0 };
    this.stdin = options.stdin ?? devNull;
    this.stdout = options.stdout ?? devNull;
    this.stderr = options.stderr ?? devNull;
    this.tty = options.tty ?? false;
    this.fds = options.fds ?? NO_FDS;
    this.root = options.root ?? env.fsFor;
    this.rlimits = options.rlimits ?? table.firstLimits();
    this.mask = options.umask ?? DEFAULT_UMASK;
    this.cgroup = options.cgroup;
    this.cpuCgroup = options.cpuCgroup;
    this.fs = this.root(this.cred, pid, this.mask, this.rlimits.fsize.soft);
    this.startedAt = env.sim.now;
    this.cpuSince = this.startedAt;
    env.machine?.sched.forked();
  }

  /**
   * Made on first use: few programs set theirs, and only ps and a memory limit read them. In a
   * memory cgroup, a process that grows is charged at once (the OOM killer may act).
   */
  get stats(): ProcessStats {
    if (this.ownStats !== undefined) return this.ownStats;
    const cgroup = this.cgroup;
    // A process that sets its CPU use tells the load average; one that never does (a shell,
    // sleep, a tool) sleeps nearly always and is not counted runnable.
    let cpu = DEFAULT_CPU;
    let resident = DEFAULT_RESIDENT_KIB;
    const self = this;
    return (this.ownStats = {
      sizePages: 1127,
      get cpu() {
        return cpu;
      },
      set cpu(to: number) {
        const running = self.status === undefined;
        if (running) self.table.env.machine?.sched.change(to - self.loadCpu);
        self.loadCpu = running ? to : 0;
        self.settleCpu();
        cpu = to;
        self.cpuCgroup?.rebalance();
      },
      get cpuShare() {
        return self.cpuCgroup?.share ?? 1;
      },
      get residentKiB() {
        return resident;
      },
      set residentKiB(kib: number) {
        resident = kib;
        cgroup?.charge();
      },
    });
  }

  get env(): Map<string, string> {
    return (this.ownEnv ??= copyMap(this.sharedEnv));
  }

  get environ(): ReadonlyMap<string, string> {
    return this.ownEnv ?? this.sharedEnv;
  }

  /** Starts using `env`: shared if it is frozen, else a copy (the caller may change its map). */
  private adoptEnvironment(env: ReadonlyMap<string, string>): void {
    if (isFrozenEnvironment(env)) {
      this.sharedEnv = env;
      this.ownEnv = undefined;
    } else this.ownEnv = copyMap(env);
  }

  get net(): NetStack {
    return (this.netStack ??= new ProcessNet(this, this.table.env.network));
  }

  /** Named by pid and start time, so the same process draws the same numbers whenever it asks. */
  get random(): Random {
    return (this.randomStream ??= this.table.env.random.fork(`pid-${this.pid}-${this.startedAt}`));
  }

  get hostname(): string {
    return this.table.env.hostname;
  }

  epochMs(): number {
    return this.table.env.machine?.clock() ?? this.sim.epochMs();
  }

  uptimeMs(): number {
    return this.table.env.machine?.uptime() ?? this.sim.now;
  }

  times(): { readonly selfMs: number; readonly childrenMs: number } {
    return { selfMs: this.cpuMs(), childrenMs: this.childrenCpuMs };
  }

  cpus(): number {
    return this.table.env.machine?.cpus() ?? 1;
  }

  loadAverages(): readonly [number, number, number] {
    return this.table.env.machine?.sched.load.read() ?? [0, 0, 0];
  }

  fsyncDelayMs(): number {
    return this.table.env.machine?.fsyncDelay() ?? 0;
  }

  get exited(): Waitable<number> {
    return this.exitFuture;
  }

  get alive(): boolean {
    return this.status === undefined;
  }

  resolve(path: string): string {
    return resolvePath(this.cwd, path);
  }

  which(command: string, searchPath?: string): string {
    if (command.includes("/")) {
      const p = this.resolve(command);
      if (!this.fs.exists(p)) throw new SpawnError(command, "not found");
      return p;
    }
    const path = searchPath ?? this.environ.get("PATH") ?? DEFAULT_PATH;
    const search = (): string | undefined => {
      for (const dir of path.split(":")) {
        if (dir === "") continue;
        const p = `${dir.replace(/\/+$/, "")}/${command}`;
        if (this.fs.exists(p) && this.fs.stat(p).type === "file") return p;
      }
      return undefined;
    };
    // Like bash's hash table, but never stale: the filesystem forgets it when names change.
    const found = this.fs.memoLookup === undefined ? search() : this.fs.memoLookup(searchKey(this.cred, this.cwd, path, command), search);
    if (found === undefined) throw new SpawnError(command, "not found");
    return found;
  }

  /** @internal resolves argv[0] to a program, following #! interpreters. */
  load(argv: readonly string[], depth = 0, executable?: string): Loaded {
    const command = executable ?? argv[0];
    if (command === undefined || command === "") throw new SpawnError("", "not found");
    const path = this.which(command);
    const st = this.fs.stat(path);
    if (st.type === "dir") throw new SpawnError(command, "Is a directory");
    if (this.cred.uid !== 0 ? !canExec(this.cred, st) : (st.mode & 0o111) === 0) {
      throw new SpawnError(command, "Permission denied");
    }
    const data = this.fs.readFile(path);
    const id = nativeProgramId(data);
    if (id !== undefined) {
      const program = this.table.env.registry.program(id);
      if (program === undefined) throw new SpawnError(command, "Exec format error");
      return { program, argv, comm: commOf(path) };
    }
    if (depth > 4) throw new SpawnError(command, "Exec format error");
    // A script: `#!interpreter [arg]`, or no #! at all (ENOEXEC: run it with /bin/sh).
    let interp = ["/bin/sh"];
    if (data[0] === 0x23 && data[1] === 0x21) {
      const end = data.indexOf(0x0a);
      const line = utf8.decode(data.subarray(2, end < 0 ? data.length : end)).trim();
      const parts = line.split(/\s+/);
      interp = parts[0] === "/usr/bin/env" ? parts.slice(1) : parts;
    }
    // The interpreter runs, but the process keeps the script's name (begin_new_exec names it after bprm->filename).
    return { ...this.load([...interp, path, ...argv.slice(1)], depth + 1), comm: commOf(path) };
  }

  /** @internal */
  start(loaded: Loaded): void {
    this.argv = loaded.argv;
    this.comm = loaded.comm;
    const body = loaded.program(this);
    this.task = new Task(this.sim, body, `proc:${this.table.env.name}:${this.pid}`, this);
    this.task.subscribe((outcome) => {
      if (outcome.ok) this.finish(outcome.value);
      else if (!("killed" in outcome)) {
        const err = outcome.error;
        if (isBrokenPipe(err)) return this.killedByBrokenPipe();
        if (isFileTooLarge(err)) return this.signal("SIGXFSZ");
        if (isEnvironmentIoError(err)) return dieOfIoError(this, err);
        const what = `${this.table.env.name} pid ${this.pid} (${this.argv.join(" ")})`;
        this.sim.trace.record("proc.crash", { proc: what, error: String(err) });
        throw new Error(`program crashed in ${what}: ${err instanceof Error ? err.stack : String(err)}`);
      }
    });
  }

  spawn(argv: readonly string[], options: SpawnOptions = {}): ChildProcess {
    return this.table.spawn(argv, this.childOptions(options));
  }

  fork(program: Executable, options: SpawnOptions = {}): ChildProcess {
    return this.table.fork(this.argv, program, this.childOptions(options, this.comm));
  }

  /**
   * What a child inherits unless told otherwise; a fork also keeps its parent's `comm`. (Built
   * in one literal: on Node 20's V8 a property added to a spread copy costs about a microsecond.)
   */
  private childOptions(options: SpawnOptions): SpawnOptions & ContainerScope & { readonly ppid: number };
  private childOptions(options: SpawnOptions, comm: string): SpawnOptions & ContainerScope & { readonly ppid: number; readonly comm: string };
  private childOptions(options: SpawnOptions, comm?: string): SpawnOptions & ContainerScope & { readonly ppid: number; readonly comm?: string } {
    // An inherited descriptor is shared: the child exiting must not close it for the parent.
    return {
      env: options.env ?? this.environ,
      cwd: options.cwd ?? this.cwd,
      cred: options.cred ?? this.cred,
      stdin: options.stdin ?? this.stdin,
      stdout: options.stdout ?? unclosable(this.stdout),
      stderr: options.stderr ?? unclosable(this.stderr),
      tty: options.tty ?? this.tty,
      fds: options.fds ?? this.fds,
      rlimits: options.rlimits ?? this.rlimits,
      umask: options.umask ?? this.mask,
      ppid: this.pid,
      root: this.root,
      cgroup: this.cgroup,
      cpuCgroup: this.cpuCgroup,
      comm,
    };
  }

  setCredentials(cred: Credentials): void {
    if (this.cred.uid !== 0) throw new FsError("EPERM", "setuid");
    this.cred = cred;
    this.fs = this.root(cred, this.pid, this.mask, this.rlimits.fsize.soft);
  }

  get umask(): number {
    return this.mask;
  }

  set umask(mask: number) {
    this.mask = mask & 0o777;
    this.fs = this.root(this.cred, this.pid, this.mask, this.rlimits.fsize.soft);
  }

  get mayRaiseHardLimits(): boolean {
    return this.cred.uid === 0 && this.table.env.capSysResource === true;
  }

  setrlimit(resource: Resource, limit: Limit): "EINVAL" | "EPERM" | undefined {
    const refused = checkSetrlimit(this.rlimits[resource], limit, resource, this.mayRaiseHardLimits);
    if (refused === undefined) {
      this.rlimits = { ...this.rlimits, [resource]: limit };
      if (resource === "fsize") this.fs = this.root(this.cred, this.pid, this.mask, limit.soft);
    }
    return refused;
  }

  setTitle(title: string): void {
    this.title = title;
  }

  *run(argv: readonly string[], options: SpawnOptions = {}): Proc<number> {
    const child = this.spawn(argv, options);
    return (yield child.exited) as number;
  }

  *exec(argv: readonly string[], env?: ReadonlyMap<string, string>, fds?: ReadonlyMap<number, InputStream | OutputStream>): Proc<number> {
    const loaded = this.load(argv);
    this.argv = loaded.argv;
    this.comm = loaded.comm;
    if (env !== undefined) this.adoptEnvironment(env);
    if (fds !== undefined) this.adoptDescriptors(fds);
    this.title = undefined;
    return yield* loaded.program(this);
  }

  /**
   * The descriptors an exec'd program starts with: 0, 1 and 2 where given (a shell that redirects
   * the command it execs in its own place), the rest above them. An output the process no longer
   * holds on any of them is closed, as dup2 over its last descriptor closes it.
   */
  private adoptDescriptors(fds: ReadonlyMap<number, InputStream | OutputStream>): void {
    const [stdin, stdout, stderr] = [fds.get(0), fds.get(1), fds.get(2)];
    const above = new Map([...fds].filter(([fd]) => fd > 2));
    const before = [this.stdout, this.stderr];
    if (stdin !== undefined && "read" in stdin) this.stdin = stdin;
    if (stdout !== undefined && "write" in stdout) this.stdout = stdout;
    if (stderr !== undefined && "write" in stderr) this.stderr = stderr;
    const held = new Set<unknown>([this.stdout, this.stderr, ...above.values()]);
    for (const old of new Set(before)) if (!held.has(old)) old.close();
    this.fds = above;
  }

  processes(): ProcessInfo[] {
    return this.table.visible();
  }

  takePid(): number {
    return this.table.takePid();
  }

  kill(pid: number, signal: Signal): boolean {
    return this.table.signalVisible(pid, signal);
  }

  processExists(pid: number): boolean {
    return this.table.visibleProcess(pid) !== undefined;
  }

  onSignal(handler: ((signal: Signal) => void) | undefined, signals?: readonly Signal[] | ReadonlySet<Signal>): void {
    this.handler = handler;
    this.caught = signals === undefined ? DAEMON_SIGNALS : signals instanceof Set ? signals : new Set(signals);
  }

  /** Whether a handler, not the default action, takes this signal. */
  catches(signal: Signal): boolean {
    return signal !== "SIGKILL" && signal !== "SIGSTOP" && this.handler !== undefined && this.caught!.has(signal);
  }

  /**
   * A write to a pipe nobody reads any more: the kernel sends SIGPIPE, whose default action ends
   * the process without a word (`yes | head -1`). No program we model catches it.
   */
  private killedByBrokenPipe(): void {
    this.sim.trace.record("proc.signal", { proc: this.table.env.name, pid: this.pid, signal: "SIGPIPE" });
    this.termsig = "SIGPIPE";
    this.finish(128 + SIGNALS.SIGPIPE);
  }

  /**
   * Sends a signal: its handler if one is installed, else its default action (signal(7)). A
   * stopped process keeps what it is sent until SIGCONT (a signal it would ignore is dropped),
   * except SIGKILL; SIGCONT continues it whether or not it is caught, and throws away the stop
   * signals still waiting.
   */
  signal(signal: Signal): void {
    if (this.status !== undefined) return;
    this.sim.trace.record("proc.signal", { proc: this.table.env.name, pid: this.pid, signal });
    const action = defaultAction(signal);
    if (action === "continue") {
      if (this.pendingSignals !== undefined) this.pendingSignals = this.pendingSignals.filter((s) => defaultAction(s) !== "stop");
      this.continueRunning();
    } else if (this.deferred !== undefined && signal !== "SIGKILL") {
      // Standard signals do not queue: one of a kind waits.
      if ((action !== "ignore" || this.catches(signal)) && !(this.pendingSignals ??= []).includes(signal)) this.pendingSignals.push(signal);
      return;
    }
    this.deliver(signal);
  }

  private deliver(signal: Signal): void {
    const action = defaultAction(signal);
    if (this.catches(signal)) this.handler!(signal);
    else if (action === "stop") {
      if (this.deferred === undefined) this.stopRunning();
    } else if (action === "term" || action === "core") {
      this.termsig = signal;
      this.cored = action === "core" && this.rlimits.core.soft !== 0;
      this.finish(128 + SIGNALS[signal]);
    }
  }

  /** Whether the process is stopped (the Gate its coroutine, timers and sockets obey). */
  get shut(): boolean {
    return this.deferred !== undefined;
  }

  defer(fn: () => void): void {
    this.deferred!.push(fn);
  }

  private stopRunning(): void {
    this.settleCpu();
    this.deferred = [];
    if (this.loadCpu !== 0) this.table.env.machine?.sched.change(-this.loadCpu);
  }

  /**
   * SIGCONT: what waited runs after the step that sent it (another process's), the signals
   * that arrived meanwhile first, lowest number first as the kernel delivers them.
   */
  private continueRunning(): void {
    const work = this.deferred;
    if (work === undefined) return;
    this.settleCpu();
    this.deferred = undefined;
    if (this.loadCpu !== 0) this.table.env.machine?.sched.change(this.loadCpu);
    const signals = this.pendingSignals;
    this.pendingSignals = undefined;
    this.sim.schedule(0, () => {
      if (signals !== undefined) for (const s of [...signals].sort((a, b) => SIGNALS[a] - SIGNALS[b])) if (this.status === undefined && this.deferred === undefined) this.deliver(s);
      for (const fn of work) {
        if (this.status !== undefined) return;
        if (this.deferred !== undefined) this.deferred.push(fn);
        else fn();
      }
    }, "cont");
  }

  timer(ms: number, fn: () => void): Timer {
    const timers = (this.timers ??= new Set());
    const t: Timer = this.sim.schedule(ms, () => this.fire(t, fn), `timer:${this.table.env.name}:${this.pid}`);
    timers.add(t);
    return t;
  }

  /** A timer that came due; it still counts as set (cancellable) while the process is stopped. */
  private fire(t: Timer, fn: () => void): void {
    if (this.status !== undefined || this.timers?.has(t) !== true) return;
    if (this.deferred !== undefined) {
      this.deferred.push(() => this.fire(t, fn));
      return;
    }
    this.timers.delete(t);
    try {
      fn();
    } catch (e) {
      if (isBrokenPipe(e)) return this.killedByBrokenPipe();
      if (isFileTooLarge(e)) return this.signal("SIGXFSZ");
      if (!isEnvironmentIoError(e)) throw e;
      dieOfIoError(this, e);
    }
  }

  cancelTimer(timer: Timer | undefined): void {
    if (timer === undefined) return;
    this.sim.cancel(timer);
    this.timers?.delete(timer);
  }

  exit(status: number): void {
    if (this.status !== undefined) return;
    // The program may be in the middle of a step; stop it at this instant, after the step.
    this.sim.schedule(0, () => this.finish(status), "exit");
  }

  chargeCpu(ms: number): void {
    this.cpuBaseMs += ms * (this.cpuCgroup?.share ?? 1);
  }

  /** CPU time used so far, in milliseconds. */
  cpuMs(): number {
    return this.cpuBaseMs + (this.sim.now - this.cpuSince) * this.cpuAsked() * (this.cpuCgroup?.share ?? 1);
  }

  /** @internal the CPU the process asks for (a fraction of one CPU); none while it is stopped. */
  cpuAsked(): number {
    return this.deferred !== undefined ? 0 : (this.ownStats?.cpu ?? DEFAULT_CPU);
  }

  /** @internal moves the CPU time used until now into the settled total, at the current share. */
  settleCpu(): void {
    const now = this.sim.now;
    this.cpuBaseMs += (now - this.cpuSince) * this.cpuAsked() * (this.cpuCgroup?.share ?? 1);
    this.cpuSince = now;
  }

  info(): ProcessInfo {
    return {
      pid: this.pid,
      ppid: this.ppid,
      uid: this.cred.uid,
      gid: this.cred.gid,
      groups: this.cred.groups ?? [],
      comm: this.comm,
      commandLine: this.title ?? this.argv.join(" "),
      startedAt: this.startedAt,
      cpuMs: Math.floor(this.cpuMs()),
      stats: this.stats,
      state: this.deferred !== undefined ? "T" : "S",
      argv: this.argv,
      title: this.title,
      environ: this.environ,
      cwd: this.cwd,
      fs: this.fs,
      tty: this.tty,
      rlimits: this.rlimits,
      umask: this.mask,
      descriptors: () => new Map<number, InputStream | OutputStream>([[0, this.stdin], [1, this.stdout], [2, this.stderr], ...this.fds]),
    };
  }

  /** @internal marks a socket as this process's, so it is closed when the process exits. */
  own(resource: Listener | Connection): void {
    if ("send" in resource) {
      resource.owner = this;
      resource.gate = this;
      this.ownsConnections = true;
    } else (this.listeners ??= new Set()).add(resource);
  }

  private finish(status: number): void {
    if (this.status !== undefined) return;
    this.status = status;
    const stopped = this.deferred !== undefined;
    // A stopped process used no CPU since it stopped, and was already off the run queue.
    if (stopped) this.settleCpu();
    this.deferred = undefined;
    this.pendingSignals = undefined;
    if (this.loadCpu !== 0 && !stopped) this.table.env.machine?.sched.change(-this.loadCpu);
    this.loadCpu = 0;
    this.task?.kill();
    if (this.timers !== undefined) {
      for (const t of this.timers) this.sim.cancel(t);
      this.timers.clear();
    }
    if (this.listeners !== undefined) {
      for (const l of this.listeners) l.close();
      this.listeners.clear();
    }
    if (this.ownsConnections) this.closeConnections();
    this.stdout.close();
    this.stderr.close();
    this.sim.trace.record("proc.exit", { proc: this.table.env.name, pid: this.pid, status });
    this.table.reap(this, status);
    this.exitFuture.resolve(status);
  }

  /** The kernel closes a dead process's sockets; its peers read end-of-file. */
  private closeConnections(): void {
    for (const c of [...this.table.env.network.host.connections]) {
      if (c.owner !== this) continue;
      c.onData = undefined;
      c.onEnd = undefined;
      c.onClose = undefined;
      c.onOpen = undefined;
      c.orphan();
    }
  }
}

function canExec(cred: Credentials, st: { uid: number; gid: number; mode: number }): boolean {
  if (cred.uid === st.uid) return (st.mode & 0o100) !== 0;
  if (cred.gid === st.gid || (cred.groups?.includes(st.gid) ?? false)) return (st.mode & 0o010) !== 0;
  return (st.mode & 0o001) !== 0;
}

/** A process's view of its network namespace; sockets it opens die with it. */
class ProcessNet implements NetStack {
  constructor(
    private readonly proc: SimProcess,
    private readonly ns: NetworkNamespace,
  ) {}
  get ip(): string | undefined {
    return this.ns.host.ip;
  }
  get nameserver(): string {
    return this.ns.nameserver;
  }
  listen(port: number, onConnection: (conn: Connection) => void): Listener {
    // The kernel completes the handshake; a stopped process accepts when it continues.
    const l = this.ns.host.listen(port, (conn) => {
      this.proc.own(conn);
      if (this.proc.shut) this.proc.defer(() => onConnection(conn));
      else onConnection(conn);
    });
    this.proc.own(l);
    return l;
  }
  connect(ip: string, port: number, options?: { timeoutMs?: number }): Connection {
    const c = this.ns.host.connect(ip, port, options);
    this.proc.own(c);
    return c;
  }
  bindDatagram(port: number, handler: DatagramHandler): Listener {
    const l = this.ns.host.bindDatagram(port, (payload, from) => {
      if (this.proc.shut) this.proc.defer(() => handler(payload, from));
      else handler(payload, from);
    });
    this.proc.own(l);
    return l;
  }
  sendDatagram(fromPort: number, to: Address, payload: unknown): void {
    this.ns.host.sendDatagram(fromPort, to, payload);
  }
  echo(ip: string, ttl: number, onReply: (ttl: number) => void): void {
    // A stopped ping reads the reply when it continues; a dead one never does.
    this.ns.host.echo(ip, ttl, (replyTtl) => {
      if (!this.proc.alive) return;
      if (this.proc.shut) this.proc.defer(() => onReply(replyTtl));
      else onReply(replyTtl);
    });
  }
  resolve(name: string): string[] {
    return this.ns.resolve(name);
  }
  reverse(ip: string): string | undefined {
    return this.ns.reverse(ip);
  }
}
