import { Network, Sim, type Host } from "@ksim/sim";
import { ROOT, type Credentials, type FileSystem } from "../runtime/fs.js";
import { ImageLayer, ImageRegistry, type ImageFileSpec } from "../runtime/image.js";
import { containerDev } from "../runtime/dev.js";
import { LayeredFs } from "../runtime/layered-fs.js";
import { LayerStack } from "../runtime/layer-stack.js";
import { ProcessTable, type SimProcess } from "../runtime/process.js";
import { ProcFs } from "../runtime/procfs.js";
import { standaloneMachine } from "../runtime/standalone-machine.js";
import { StringSink, stringInput } from "../runtime/streams.js";
import { registerShell } from "../shell/program.js";
import { busyboxBase, debianBase, type BaseUser } from "./base.js";
import { registerUserland } from "./index.js";

/**
 * One container without a cluster: a root filesystem from base layers plus extra files, a
 * network host, DNS answers given as a table, and the shells and userland registered. For
 * testing programs and images; several sandboxes can share a Sim and Network to talk.
 */

export interface SandboxOptions {
  /** The kernel to run in (default: a new one, seed 1, starting 2024-01-01). */
  readonly sim?: Sim;
  readonly network?: Network;
  readonly registry?: ImageRegistry;
  readonly base?: "debian" | "busybox" | "none";
  /** An image's layer to run instead of base and files. */
  readonly layer?: ImageLayer;
  /** Users added to the Debian base's /etc/passwd and /etc/group. */
  readonly users?: readonly BaseUser[];
  readonly files?: Readonly<Record<string, ImageFileSpec>>;
  readonly hostname?: string;
  readonly ip?: string;
  /** A records, looked up as given and with each search domain appended. */
  readonly dns?: Readonly<Record<string, string>>;
  readonly searchDomains?: readonly string[];
  /** PTR records. */
  readonly reverse?: Readonly<Record<string, string>>;
  readonly nameserver?: string;
  /** The machine's RAM, as /proc/meminfo reports it (default 4 GiB). */
  readonly memoryBytes?: number;
  /** Its CPUs (default 2). */
  readonly cpus?: number;
}

export interface RunResult {
  readonly status: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
}

export class Sandbox {
  readonly sim: Sim;
  readonly network: Network;
  readonly host: Host;
  readonly registry: ImageRegistry;
  readonly rootfs: LayeredFs;
  readonly processes: ProcessTable;

  constructor(options: SandboxOptions = {}) {
    this.sim = options.sim ?? new Sim({ seed: 1 });
    this.network = options.network ?? new Network(this.sim);
    const hostname = options.hostname ?? "sandbox";
    this.host = this.network.addHost(hostname, options.ip ?? "10.244.0.2");
    this.registry = options.registry ?? new ImageRegistry();
    registerShell(this.registry);
    registerUserland(this.registry);
    const base = options.base === "busybox" ? busyboxBase() : options.base === "none" ? {} : debianBase(options.users !== undefined ? { users: options.users } : {});
    const layer = options.layer ?? new ImageLayer({ ...base, ...options.files }, this.sim.epochMs() - 86_400_000 * 30);
    const sim = this.sim;
    const machine = standaloneMachine(sim, { memoryBytes: options.memoryBytes ?? 4 * 1024 ** 3, cpus: options.cpus ?? 2, usage: () => this.processes.usage() });
    const proc = new ProcFs({ processes: () => this.processes.visible(), process: (pid) => this.processes.visibleProcess(pid), machine, epochOf: (ms) => sim.startEpochMs + ms, mountedAtMs: sim.epochMs() });
    // A container's /dev and /proc, as the runtime would put over the image.
    this.rootfs = new LayeredFs(sim, new LayerStack([containerDev({ mtimeMs: sim.epochMs(), tty: false }), layer]), hostname, undefined, proc);
    const dns = options.dns ?? {};
    const search = options.searchDomains ?? [];
    const reverse = options.reverse ?? {};
    this.processes = new ProcessTable({
      sim: this.sim,
      registry: this.registry,
      fsFor: (cred, pid, umask, fileSizeLimit) => this.rootfs.view(cred, pid, umask, fileSizeLimit),
      network: {
        host: this.host,
        resolve: (name) => {
          for (const candidate of [name, ...search.map((s) => `${name}.${s}`)]) {
            const ip = dns[candidate];
            if (ip !== undefined) return [ip];
          }
          return [];
        },
        reverse: (ip) => reverse[ip],
        nameserver: options.nameserver ?? "10.96.0.10",
      },
      hostname,
      random: this.sim.random.fork(`sandbox/${hostname}`),
      name: hostname,
      machine,
    });
  }

  fs(cred: Credentials = ROOT): FileSystem {
    return this.rootfs.view(cred);
  }

  /** Starts a process whose output is collected. */
  spawn(argv: readonly string[], options: { stdin?: string; cred?: Credentials; env?: Readonly<Record<string, string>>; cwd?: string; tty?: boolean } = {}): { process: SimProcess; stdout: StringSink; stderr: StringSink } {
    const stdout = new StringSink();
    const stderr = new StringSink();
    const env = new Map(Object.entries({ PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", ...options.env }));
    const process = this.processes.spawn(argv, {
      env,
      stdout,
      stderr,
      ...(options.stdin !== undefined ? { stdin: stringInput(options.stdin) } : {}),
      ...(options.cred !== undefined ? { cred: options.cred } : {}),
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
      ...(options.tty !== undefined ? { tty: options.tty } : {}),
    });
    return { process, stdout, stderr };
  }

  /** Runs a command until it exits (or `timeoutMs` of simulated time passes: status undefined). */
  run(argv: readonly string[], options: { stdin?: string; cred?: Credentials; env?: Readonly<Record<string, string>>; cwd?: string; tty?: boolean; timeoutMs?: number } = {}): RunResult {
    const { process, stdout, stderr } = this.spawn(argv, options);
    let status: number | undefined;
    process.exited.subscribe((s) => (status = s));
    this.sim.runWhile(() => status === undefined, this.sim.now + (options.timeoutMs ?? 3_600_000));
    return { status, stdout: stdout.text(), stderr: stderr.text() };
  }
}
