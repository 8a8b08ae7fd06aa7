import { Network, Sim, Volume, sleep, wait, type Host, type Proc } from "@ksim/sim";
import { ImageRegistry, LayeredFs, SchedStats, pipeInodes, ProcessTable, StringSink, stringInput, type SimProcess } from "@ksim/kube";
import { registerCassandra } from "../src/index.js";

/**
 * The parts of the kubelet a Cassandra StatefulSet needs, without the rest of the cluster, so the
 * ring's tests can place pods, cut power and change addresses directly (tutorial.test.ts runs the
 * real cluster): pods with an IP, a fresh container filesystem per start over the image, the PV
 * mounted at /cassandra_data, the /etc/hosts the kubelet writes, a headless-service DNS that
 * lists ready pods, the readiness probe (/ready-probe.sh) and the preStop `nodetool drain`
 * before SIGTERM.
 */

const DOMAIN = "cassandra.default.svc.cluster.local";

export interface ExecResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The tutorial's StatefulSet environment. */
export function tutorialEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    MAX_HEAP_SIZE: "512M",
    HEAP_NEWSIZE: "100M",
    CASSANDRA_SEEDS: `cassandra-0.${DOMAIN}`,
    CASSANDRA_CLUSTER_NAME: "K8Demo",
    CASSANDRA_DC: "DC1-K8Demo",
    CASSANDRA_RACK: "Rack1-K8Demo",
    ...overrides,
  };
}

export class Pod {
  readonly host: Host;
  readonly volume: Volume;
  table: ProcessTable | undefined;
  readonly log = new StringSink();
  ready = false;
  restarts = 0;
  /** How far this pod's node clock runs ahead of true time. */
  clockSkewMs = 0;
  /** Readiness probing (off for measurements of the ring alone). */
  probing = true;
  private probeTimer: ReturnType<Sim["schedule"]> | undefined;

  constructor(
    readonly cluster: PodCluster,
    readonly name: string,
    public ip: string,
    public env: Record<string, string>,
  ) {
    this.host = cluster.net.addHost(name, ip);
    this.volume = new Volume(cluster.sim, `pv-${name}`);
  }

  get running(): boolean {
    return this.table !== undefined && this.table.size > 0;
  }

  /** Starts the container: fresh upper layer, volume, /etc/hosts, init = the image's cmd. */
  start(): void {
    const c = this.cluster;
    const image = c.registry.resolveImage("gcr.io/google-samples/cassandra:v13")!;
    const rootfs = new LayeredFs(c.sim, image.layer, `${this.name}-${this.restarts}`);
    rootfs.mount({ path: "/cassandra_data", volume: this.volume, subPath: "", readOnly: false });
    const root = rootfs.view({ uid: 0, gid: 0 });
    root.writeFile("/etc/hosts", `127.0.0.1\tlocalhost\n${this.ip}\t${this.name}.${DOMAIN}\t${this.name}\n`);
    const table = new ProcessTable({
      sim: c.sim,
      registry: c.registry,
      fsFor: (cred, pid, umask) => rootfs.view(cred, pid, umask),
      network: {
        host: this.host,
        resolve: (name) => c.resolve(name),
        reverse: () => undefined,
        nameserver: "10.96.0.10",
      },
      hostname: this.name,
      random: c.sim.random.fork(`pod/${this.name}/${this.restarts}`),
      machine: { clock: () => c.sim.epochMs() + this.clockSkewMs, uptime: () => c.sim.now, fsyncDelay: () => 0, memoryBytes: () => 4 * 1024 ** 3, cpus: () => 2, usage: () => table.usage(), pipeInode: pipeInodes(), sched: new SchedStats(() => c.sim.now, () => 2) },
      name: `default/${this.name}/cassandra`,
    });
    this.table = table;
    table.onInitExit = () => {
      table.killAll();
      this.setReady(false);
    };
    const env = new Map<string, string>([...Object.entries(image.env ?? {}), ...Object.entries(this.env), ["POD_IP", this.ip], ["HOSTNAME", this.name]]);
    table.spawn(image.cmd!, { env, stdout: this.log, stderr: this.log });
    this.scheduleProbe(15_000);
  }

  private setReady(ready: boolean): void {
    this.ready = ready;
    if (ready) this.cluster.dns.set(`${this.name}.${DOMAIN}`, this.ip);
    else this.cluster.dns.delete(`${this.name}.${DOMAIN}`);
  }

  /** The manifest's readiness probe: `/bin/bash -c /ready-probe.sh` every 10 s after 15 s. */
  private scheduleProbe(ms: number): void {
    this.probeTimer = this.cluster.sim.schedule(ms, () => {
      if (!this.running || !this.probing) return;
      const table = this.table!;
      const p = table.spawn(["/bin/bash", "-c", "/ready-probe.sh"], { stdout: new StringSink(), stderr: new StringSink(), env: this.execEnv() });
      p.exited.subscribe((status) => {
        this.setReady(status === 0);
        if (this.table === table) this.scheduleProbe(10_000);
      });
    });
  }

  private execEnv(): Map<string, string> {
    const image = this.cluster.registry.resolveImage("gcr.io/google-samples/cassandra:v13")!;
    return new Map([...Object.entries(image.env ?? {}), ...Object.entries(this.env), ["POD_IP", this.ip]]);
  }

  /** Starts a command in the container without waiting (on a terminal with `tty`): `result()` is undefined until it exits. */
  launch(argv: readonly string[], stdin = "", tty = false): { result(): ExecResult | undefined } {
    const out = new StringSink();
    const err = new StringSink();
    const proc: SimProcess = this.table!.spawn(argv, { stdout: out, stderr: err, stdin: stringInput(stdin), env: this.execEnv(), tty });
    let status: number | undefined;
    proc.exited.subscribe((s) => (status = s));
    return { result: () => (status === undefined ? undefined : { status, stdout: out.text(), stderr: err.text() }) };
  }

  /** `kubectl exec` (`-it` with `tty`): runs a command in the container to completion and collects its output. */
  exec(argv: readonly string[], stdin = "", tty = false): ExecResult {
    const run = this.launch(argv, stdin, tty);
    this.cluster.sim.runWhile(() => run.result() === undefined, this.cluster.sim.now + 600_000);
    return run.result() ?? { status: -1, stdout: "", stderr: "" };
  }

  /** Pod deletion: preStop `nodetool drain`, SIGTERM, SIGKILL after the grace period. */
  *stop(graceMs = 1_800_000): Proc<void> {
    const table = this.table!;
    this.setReady(false);
    const drain = table.spawn(["nodetool", "drain"], { env: this.execEnv(), stdout: this.log, stderr: this.log });
    yield* wait(drain.exited);
    table.kill(1, "SIGTERM");
    const deadline = this.cluster.sim.now + graceMs;
    while (table.size > 0 && this.cluster.sim.now < deadline) yield* wait(sleep(this.cluster.sim, 100));
    table.killAll();
  }

  /** The node's host loses power: processes die, unsynced writes are lost, packets vanish. */
  crash(): void {
    this.cluster.sim.cancel(this.probeTimer);
    this.host.powerOff();
    this.volume.crash();
    this.table?.killAll();
    this.setReady(false);
  }

  /** Power back on and start the container again (optionally with a new IP, as a rescheduled pod gets). */
  restart(newIp?: string): void {
    this.cluster.sim.cancel(this.probeTimer);
    this.table?.killAll();
    this.setReady(false);
    if (newIp !== undefined) {
      this.host.setAddress(newIp);
      this.ip = newIp;
    }
    this.host.powerOn();
    this.restarts++;
    this.start();
  }
}

export class PodCluster {
  readonly sim: Sim;
  readonly net: Network;
  readonly registry = new ImageRegistry();
  readonly dns = new Map<string, string>();
  readonly pods: Pod[] = [];

  constructor(seed: number) {
    this.sim = new Sim({ seed });
    this.net = new Network(this.sim);
    registerCassandra(this.registry);
  }

  resolve(name: string): string[] {
    for (const n of [name, `${name}.${DOMAIN}`, `${name}.default.svc.cluster.local`]) {
      const ip = this.dns.get(n);
      if (ip !== undefined) return [ip];
    }
    return [];
  }

  addPod(ip: string, env: Record<string, string> = tutorialEnv(), clockSkewMs = 0): Pod {
    const pod = new Pod(this, `cassandra-${this.pods.length}`, ip, env);
    pod.clockSkewMs = clockSkewMs;
    this.pods.push(pod);
    return pod;
  }

  /** Checks `cond` every `everyMs` of simulated time (for conditions that run commands). */
  poll(cond: () => boolean, everyMs: number, maxMs: number): boolean {
    const deadline = this.sim.now + maxMs;
    while (this.sim.now < deadline) {
      if (cond()) return true;
      this.sim.advance(everyMs);
    }
    return cond();
  }

  /** Runs until `cond` holds or `maxMs` passes; returns whether it held. */
  runUntil(cond: () => boolean, maxMs: number): boolean {
    return this.sim.runWhile(() => !cond(), this.sim.now + maxMs);
  }

  /** The StatefulSet's OrderedReady start: each pod starts once the previous one is ready. */
  startOrdered(n: number, skews: readonly number[] = []): boolean {
    for (let i = 0; i < n; i++) {
      const pod = this.addPod(`10.244.${i + 1}.5`, tutorialEnv(), skews[i] ?? 0);
      pod.start();
      if (!this.runUntil(() => pod.ready, 600_000)) return false;
    }
    return true;
  }
}

/**
 * A settled three-node ring with keyspace `ks` (RF 3) and the given CQL run on it; `cqlsh` runs
 * CQL on a pod, `message` gives the server's error message for a statement.
 */
export function cqlRing(schema: string) {
  const c = new PodCluster(1);
  if (!c.startOrdered(3)) throw new Error("the ring did not start");
  c.runUntil(() => false, 15_000);
  const cqlsh = (pod: number, cql: string) => c.pods[pod]!.exec(["cqlsh", "-e", cql]);
  const created = cqlsh(0, `CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}; ${schema}`);
  if (created.status !== 0) throw new Error(created.stderr);
  const message = (pod: number, cql: string) => /message="(.*)"\n/.exec(cqlsh(pod, cql).stderr)?.[1];
  return { c, cqlsh, message };
}
