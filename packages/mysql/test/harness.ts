import { Network, Sim, Volume, type Host } from "@ksim/sim";
import { ImageRegistry, LayeredFs, SchedStats, pipeInodes, ProcessTable, registerShell, registerUserland, StringSink, stringInput, unclosable, type SimProcess } from "@ksim/kube";
import { registerMySQL, registerWordPress } from "../src/index.js";

/**
 * A small stand-in for the cluster: pods are a host on the simulated network plus one
 * container (a ProcessTable over a fresh LayeredFs of the image) with volumes mounted. Enough to
 * start images as the kubelet would, kill them, crash their node, and look at their output.
 */

export interface PodSpec {
  readonly image: string;
  readonly env?: Record<string, string>;
  readonly args?: readonly string[];
  readonly command?: readonly string[];
  readonly volumes?: Record<string, Volume>;
}

export class TestCluster {
  readonly sim: Sim;
  readonly net: Network;
  readonly registry = new ImageRegistry();
  /** Cluster DNS: name → addresses. */
  readonly dns = new Map<string, string[]>();
  private nextIp = 2;

  constructor(seed = 1) {
    this.sim = new Sim({ seed });
    this.net = new Network(this.sim);
    registerUserland(this.registry);
    registerShell(this.registry);
    registerMySQL(this.registry);
    registerWordPress(this.registry);
  }

  volume(id: string, capacityBytes?: number): Volume {
    return new Volume(this.sim, id, capacityBytes);
  }

  pod(name: string, spec: PodSpec): Pod {
    return new Pod(this, name, spec, `10.244.1.${this.nextIp++}`);
  }

  /** Runs the simulation for `ms` of simulated time. */
  advance(ms: number): void {
    this.sim.advance(ms);
  }
}

export class Pod {
  readonly host: Host;
  readonly output = new StringSink();
  table!: ProcessTable;
  rootfs!: LayeredFs;
  init: SimProcess | undefined;
  exitStatus: number | undefined;
  /** Extra milliseconds each fsync takes on this pod's machine (a slow disk). */
  fsyncDelayMs = 0;
  private starts = 0;

  constructor(
    private readonly cluster: TestCluster,
    readonly name: string,
    readonly spec: PodSpec,
    readonly ip: string,
  ) {
    this.host = cluster.net.addHost(name, ip);
    this.start();
  }

  /** Starts (or restarts) the container with a fresh writable layer, as the kubelet does. */
  start(): void {
    const c = this.cluster;
    const image = c.registry.resolveImage(this.spec.image);
    if (image === undefined) throw new Error(`no image ${this.spec.image}`);
    this.rootfs = new LayeredFs(c.sim, image.layer, `${this.name}-${this.starts++}`);
    for (const [path, volume] of Object.entries(this.spec.volumes ?? {})) this.rootfs.mount({ path, volume, subPath: "", readOnly: false });
    const resolve = (name: string) => (/^\d+\.\d+\.\d+\.\d+$/.test(name) ? [name] : (c.dns.get(name) ?? []));
    this.table = new ProcessTable({
      sim: c.sim,
      registry: c.registry,
      fsFor: (cred, pid, umask) => this.rootfs.view(cred, pid, umask),
      network: { host: this.host, resolve, reverse: () => undefined, nameserver: "10.96.0.10" },
      hostname: this.name,
      random: c.sim.random.fork(`pod/${this.name}/${this.starts}`),
      machine: { clock: () => c.sim.epochMs(), uptime: () => c.sim.now, fsyncDelay: () => this.fsyncDelayMs, memoryBytes: () => 4 * 1024 ** 3, cpus: () => 2, usage: () => this.table!.usage(), pipeInode: pipeInodes(), sched: new SchedStats(() => c.sim.now, () => 2) },
      name: `default/${this.name}`,
    });
    this.exitStatus = undefined;
    this.table.onInitExit = (s) => (this.exitStatus = s);
    const argv = [...(this.spec.command ?? image.entrypoint ?? []), ...(this.spec.args ?? image.cmd ?? [])];
    const env = new Map<string, string>(Object.entries({ ...image.env, HOSTNAME: this.name, ...this.spec.env }));
    const out = unclosable(this.output);
    this.init = this.table.spawn(argv, { env, cwd: image.workingDir ?? "/", stdout: out, stderr: out, cred: { uid: image.user ?? 0, gid: image.user ?? 0 } });
  }

  /** Runs a command in the container (kubectl exec) and returns its output and status. */
  exec(argv: readonly string[], stdin?: string): { stdout: StringSink; stderr: StringSink; status: () => number | undefined } {
    const stdout = new StringSink();
    const stderr = new StringSink();
    let status: number | undefined;
    const p = this.table.spawn(argv, {
      env: new Map([["PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]]),
      stdout,
      stderr,
      stdin: stdin === undefined ? undefined : stringInput(stdin),
    });
    p.exited.subscribe((s) => (status = s));
    return { stdout, stderr, status: () => status };
  }

  /** Runs a command to completion (advancing simulated time) and returns stdout, stderr, status. */
  run(argv: readonly string[], stdin?: string, maxMs = 60_000): { out: string; err: string; status: number } {
    const r = this.exec(argv, stdin);
    this.cluster.sim.runWhile(() => r.status() === undefined, this.cluster.sim.now + maxMs);
    const status = r.status();
    if (status === undefined) throw new Error(`${argv.join(" ")} did not finish`);
    return { out: r.stdout.text(), err: r.stderr.text(), status };
  }

  signal(signal: "SIGTERM" | "SIGKILL"): void {
    this.table.kill(1, signal);
  }

  /** The node loses power: processes die, unsynced writes to the pod's volumes are lost. */
  crashNode(tear = false): void {
    for (const v of Object.values(this.spec.volumes ?? {})) v.crash({ tear, random: this.cluster.sim.random.fork(`tear/${this.name}`) });
    this.host.powerOff();
    this.table.killAll();
  }

  get logs(): string {
    return this.output.text();
  }
}

/**
 * The tutorial's wordpress-mysql pod with its volume, reachable as `wordpress-mysql`, after the
 * entrypoint has initialized it (root's password is `secret`, the `wordpress` database exists).
 */
export function initializedServer(c: TestCluster): Pod {
  const pod = c.pod("wordpress-mysql-0", {
    image: "mysql:8.0",
    env: { MYSQL_ROOT_PASSWORD: "secret", MYSQL_DATABASE: "wordpress", MYSQL_USER: "wordpress", MYSQL_PASSWORD: "secret" },
    volumes: { "/var/lib/mysql": c.volume("pv") },
  });
  c.dns.set("wordpress-mysql", [pod.ip]);
  c.advance(30_000);
  return pod;
}
