import { Future, type Random, type Sim, type Waitable } from "@ksim/sim";
import { freezeEnvironment } from "../runtime/environment.js";
import type { Credentials, FileSystem } from "../runtime/fs.js";
import type { ImageDefinition, ImageRegistry } from "../runtime/image.js";
import { containerDev } from "../runtime/dev.js";
import { LayeredFs, type Mount, type RuntimeMounts } from "../runtime/layered-fs.js";
import { LayerStack } from "../runtime/layer-stack.js";
import { CpuCgroup } from "../runtime/cpu-cgroup.js";
import { MemoryCgroup } from "../runtime/memory-cgroup.js";
import { ProcFs } from "../runtime/procfs.js";
import { ProcessTable, type Machine, type NetworkNamespace, type RootFs, type Signal, type SimProcess, type SpawnOptions } from "../runtime/process.js";
import { Pipe, type OutputStream } from "../runtime/streams.js";

export interface LogLine {
  /** Epoch milliseconds the line was written. */
  readonly time: number;
  readonly stream: "stdout" | "stderr";
  readonly text: string;
}

/**
 * A container's log, as the runtime's log file holds it: complete lines with timestamps. Readers
 * (kubectl logs -f) can follow it.
 */
export class ContainerLog {
  readonly lines: LogLine[] = [];
  private followers: ((line: LogLine) => void)[] = [];
  private streamers: ((stream: "stdout" | "stderr", chunk: string) => void)[] = [];

  constructor(private readonly sim: Sim) {}

  sink(stream: "stdout" | "stderr"): OutputStream {
    let partial = "";
    return {
      write: (chunk) => {
        for (const f of this.streamers) f(stream, chunk);
        // Lines are cut from the chunk where they end (partial never holds a newline): joining
        // first and cutting the rest after each line would copy a many-line chunk once per line.
        let start = 0;
        let nl: number;
        while ((nl = chunk.indexOf("\n", start)) >= 0) {
          this.push(stream, partial + chunk.slice(start, nl));
          partial = "";
          start = nl + 1;
        }
        partial += chunk.slice(start);
      },
      close: () => {
        if (partial.length > 0) this.push(stream, partial);
        partial = "";
      },
    };
  }

  /** Every write as it happens, unfinished lines (a shell's prompt) included: what attach streams. */
  stream(fn: (stream: "stdout" | "stderr", chunk: string) => void): () => void {
    this.streamers = [...this.streamers, fn];
    return () => {
      this.streamers = this.streamers.filter((f) => f !== fn);
    };
  }

  follow(fn: (line: LogLine) => void): () => void {
    this.followers = [...this.followers, fn];
    return () => {
      this.followers = this.followers.filter((f) => f !== fn);
    };
  }

  private push(stream: "stdout" | "stderr", text: string): void {
    const line = { time: this.sim.epochMs(), stream, text };
    this.lines.push(line);
    for (const f of this.followers) f(line);
  }
}

export interface ContainerSpec {
  readonly name: string;
  readonly image: ImageDefinition;
  readonly argv: readonly string[];
  /** Never changed once the container is made: its processes share it (see freezeEnvironment). */
  readonly env: ReadonlyMap<string, string>;
  readonly cwd: string;
  readonly cred: Credentials;
  readonly mounts: readonly Mount[];
  /** The root's device and the pseudo filesystems the runtime mounts, for the mount table. */
  readonly runtimeMounts: () => RuntimeMounts;
  /** The pod spec's `stdin`: PID 1's standard input stays open for `kubectl attach`/`run -i`. */
  readonly stdin?: boolean;
  /** The pod spec's `tty`: PID 1 runs on a terminal (shells prompt). */
  readonly tty?: boolean;
  /** Where the kubelet mounts the file for the container's termination message. */
  readonly terminationMessagePath?: string;
  /** limits.cpu in cores: the container's CPU quota. */
  readonly cpuLimitCores?: number;
  /** limits.memory: the container's memory cgroup limit. */
  readonly memoryLimitBytes?: number;
}

/**
 * One run of a container: a fresh writable layer over its image, its volumes mounted, its own
 * PID namespace with the entrypoint as PID 1, and a log. When PID 1 exits, the container has
 * exited, and whatever else ran in it is killed.
 *
 * A container given another's PID namespace (an ephemeral container's targetContainerName, a
 * pod's shareProcessNamespace) runs its processes there, each seeing this container's own
 * filesystem: ps shows them all. It ends when its entrypoint exits, killing only its own
 * processes; when the namespace's PID 1 exits, the kernel kills everything in it.
 */
export class ContainerInstance {
  readonly id: string;
  readonly fs: LayeredFs;
  readonly processes: ProcessTable;
  private readonly root: RootFs;
  private readonly cgroup: MemoryCgroup | undefined;
  private readonly cpuCgroup: CpuCgroup | undefined;
  /** Whether the PID namespace is another container's. */
  private readonly guest: boolean;
  readonly log: ContainerLog;
  startedAt = 0;
  finishedAt = 0;
  exitCode: number | undefined;
  /** Where attached clients write PID 1's input (containers with `stdin: true`). */
  stdin: OutputStream | undefined;
  private init: SimProcess | undefined;
  private readonly exit = new Future<number>();

  constructor(
    readonly sim: Sim,
    registry: ImageRegistry,
    readonly spec: ContainerSpec,
    network: NetworkNamespace,
    hostname: string,
    random: Random,
    name: string,
    machine: Machine,
    pidNamespace?: ProcessTable,
  ) {
    this.id = random.hex(64);
    freezeEnvironment(spec.env);
    const dev = containerDev({ mtimeMs: sim.epochMs(), tty: spec.tty ?? false });
    const proc = new ProcFs({
      processes: () => this.processes.visible(),
      process: (pid) => this.processes.visibleProcess(pid),
      machine,
      epochOf: (simMs) => machine.clock() - sim.now + simMs,
      mountedAtMs: machine.clock(),
    });
    this.fs = new LayeredFs(sim, new LayerStack([dev, spec.image.layer]), `${name}-${this.id.slice(0, 12)}`, spec.runtimeMounts, proc);
    for (const m of spec.mounts) this.fs.mount(m);
    this.log = new ContainerLog(sim);
    this.root = (cred, pid, umask, fileSizeLimit) => this.fs.view(cred, pid, umask, fileSizeLimit);
    this.cgroup = spec.memoryLimitBytes === undefined ? undefined : new MemoryCgroup(sim, spec.memoryLimitBytes, name);
    this.cpuCgroup = spec.cpuLimitCores === undefined ? undefined : new CpuCgroup(spec.cpuLimitCores);
    this.guest = pidNamespace !== undefined;
    this.processes =
      pidNamespace ??
      new ProcessTable({
        sim,
        registry,
        fsFor: this.root,
        network,
        hostname,
        random: random.fork(this.id),
        name,
        machine,
      }, true);
    if (!this.guest) this.processes.onInitExit = (code) => this.onInitExit(code);
  }

  get running(): boolean {
    return this.init !== undefined && this.exitCode === undefined;
  }

  /** Whether the kernel's OOM killer ended it (its memory went past limits.memory). */
  get oomKilled(): boolean {
    return this.cgroup?.oomKilled ?? false;
  }

  /** Root's view of the container filesystem (for the kubelet's own file writes). */
  rootFs(): FileSystem {
    return this.fs.view({ uid: 0, gid: 0 });
  }

  /** Starts PID 1. Throws SpawnError when the entrypoint cannot be executed. */
  start(): void {
    this.startedAt = this.sim.epochMs();
    const stdin = new Pipe();
    const stdout = this.log.sink("stdout");
    if (this.spec.stdin) this.stdin = stdin;
    else stdin.close();
    this.init = this.processes.spawn(this.spec.argv, {
      env: this.spec.env,
      cwd: this.spec.cwd,
      cred: this.spec.cred,
      tty: this.spec.tty ?? false,
      stdin,
      stdout,
      // A terminal has one output: with a TTY, stderr is the same stream as stdout.
      stderr: this.spec.tty ? stdout : this.log.sink("stderr"),
      root: this.root,
      cgroup: this.cgroup,
      cpuCgroup: this.cpuCgroup,
    });
    if (this.guest) this.init.exited.subscribe((code) => this.onInitExit(code));
  }

  /**
   * Runs another process in the container (kubectl exec, exec probes, hooks). On a terminal,
   * containerd sets TERM=xterm over the container's environment, as it does for a `tty` container.
   */
  exec(argv: readonly string[], options: SpawnOptions = {}): SimProcess {
    return this.processes.spawn(argv, {
      env: options.env ?? (options.tty ? new Map(this.spec.env).set("TERM", "xterm") : this.spec.env),
      cwd: options.cwd ?? this.spec.cwd,
      cred: options.cred ?? this.spec.cred,
      stdin: options.stdin,
      stdout: options.stdout,
      stderr: options.tty ? options.stdout : options.stderr,
      tty: options.tty ?? false,
      root: this.root,
      cgroup: this.cgroup,
      cpuCgroup: this.cpuCgroup,
    });
  }

  /** The runtime signals the entrypoint (PID 1 in its own namespace), from outside the namespace. */
  signal(signal: Signal): void {
    if (this.init !== undefined) this.processes.killFromOutside(this.init.pid, signal);
  }

  /** Kills everything now (SIGKILL to every process of the container, its entrypoint first). */
  killAll(): void {
    this.processes.killAll(this.guest ? this.root : undefined);
  }

  /** Resolves with PID 1's exit status. */
  get exited(): Waitable<number> {
    return this.exit;
  }

  onExit(fn: (code: number) => void): void {
    this.exit.subscribe(fn);
  }

  private onInitExit(code: number): void {
    if (this.exitCode !== undefined) return;
    this.exitCode = code;
    this.finishedAt = this.sim.epochMs();
    this.killAll();
    this.exit.resolve(code);
  }
}
