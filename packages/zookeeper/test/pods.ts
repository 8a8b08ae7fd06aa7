import {
  ImageRegistry,
  LayeredFs,
  ProcessTable,
  StringSink,
  stringInput,
  type SimProcess,
} from "@ksim/kube";
import { Network, Sim, Volume, type Host } from "@ksim/sim";
import { registerZooKeeper } from "../src/index.js";

/** The tutorial manifest's container command. */
export const START =
  "start-zookeeper --servers=3 --data_dir=/var/lib/zookeeper/data --data_log_dir=/var/lib/zookeeper/data/log " +
  "--conf_dir=/opt/zookeeper/conf --client_port=2181 --election_port=3888 --server_port=2888 --tick_time=2000 " +
  "--init_limit=10 --sync_limit=5 --heap=512M --max_client_cnxns=60 --snap_retain_count=3 --purge_interval=12 " +
  "--max_session_timeout=40000 --min_session_timeout=4000 --log_level=INFO";

export interface Pod {
  readonly name: string;
  readonly host: Host;
  readonly volume: Volume;
  table: ProcessTable;
  init: SimProcess | undefined;
  out: StringSink;
  err: StringSink;
  exitStatus: number | undefined;
}

/**
 * Three zk-N pods the way a StatefulSet and the kubelet would set them up: a host with an IP on
 * one network, the image with a fresh writable layer per container start, the PVC (fsGroup 1000)
 * at /var/lib/zookeeper, /etc/hosts with the pod's FQDN, and DNS that knows a pod only while
 * `ready` says so (the headless service publishes ready pods only).
 */
export class Pods {
  readonly sim: Sim;
  readonly net: Network;
  readonly registry = new ImageRegistry();
  readonly pods: Pod[] = [];
  readonly ready = new Set<string>();

  constructor(seed: number, n = 3) {
    this.sim = new Sim({ seed });
    this.net = new Network(this.sim);
    registerZooKeeper(this.registry);
    for (let i = 0; i < n; i++) {
      const name = `zk-${i}`;
      const volume = new Volume(this.sim, `pvc-${name}`);
      volume.applyFsGroup(1000);
      const pod: Pod = {
        name,
        host: this.net.addHost(name, `10.244.${i + 1}.5`),
        volume,
        table: undefined as unknown as ProcessTable,
        init: undefined,
        out: new StringSink(),
        err: new StringSink(),
        exitStatus: undefined,
      };
      this.pods.push(pod);
    }
  }

  fqdn(name: string): string {
    return `${name}.zk-hs.default.svc.cluster.local`;
  }

  private resolve(name: string): string[] {
    const short = name.split(".")[0]!;
    const pod = this.pods.find((p) => p.name === short);
    if (pod === undefined || !this.ready.has(short)) return [];
    if (name !== short && name !== this.fqdn(short)) return [];
    return [pod.host.ip!];
  }

  /** Starts (or restarts) the container: a fresh upper layer over the image, the same volume. */
  start(pod: Pod, command = START, env: Readonly<Record<string, string>> = {}): void {
    const image = this.registry.resolveImage("registry.k8s.io/kubernetes-zookeeper:1.0-3.4.10")!;
    const rootfs = new LayeredFs(this.sim, image.layer, `${pod.name}-${this.sim.now}`);
    rootfs.mount({ path: "/var/lib/zookeeper", volume: pod.volume, subPath: "", readOnly: false });
    const root = rootfs.view({ uid: 0, gid: 0 });
    root.writeFile("/etc/hosts", `127.0.0.1\tlocalhost\n${pod.host.ip}\t${this.fqdn(pod.name)}\t${pod.name}\n`);
    pod.table = new ProcessTable({
      sim: this.sim,
      registry: this.registry,
      fsFor: (cred, pid, umask) => rootfs.view(cred, pid, umask),
      network: { host: pod.host, resolve: (n) => this.resolve(n), reverse: () => undefined, nameserver: "10.96.0.10" },
      hostname: pod.name,
      random: this.sim.random.fork(`procs/${pod.name}/${this.sim.now}`),
      name: `default/${pod.name}/kubernetes-zookeeper`,
    });
    pod.out = new StringSink();
    pod.err = new StringSink();
    pod.exitStatus = undefined;
    pod.table.onInitExit = (s) => {
      pod.exitStatus = s;
      pod.table.killAll();
      pod.host.resetAll();
    };
    pod.init = pod.table.spawn(["sh", "-c", command], {
      env: new Map(Object.entries({ ...image.env, ...env })),
      cred: { uid: 1000, gid: 1000, groups: [1000] },
      stdout: pod.out,
      stderr: pod.err,
    });
  }

  /** Power loss of the pod's node: processes die, unsynced data is lost. */
  crash(pod: Pod): void {
    pod.table.killAll();
    pod.host.resetAll();
    pod.volume.crash();
  }

  /** `kubectl exec [-i] <pod> -- argv`: runs to completion (reading `stdin`, if given) and returns what it printed. */
  exec(pod: Pod, argv: string[], maxMs = 60_000, stdin?: string): { status: number | undefined; out: string; err: string } {
    const out = new StringSink();
    const err = new StringSink();
    let status: number | undefined;
    const p = pod.table.spawn(argv, {
      env: new Map([["PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], ["JAVA_HOME", "/usr/lib/jvm/java-8-openjdk-amd64"]]),
      cred: { uid: 1000, gid: 1000, groups: [1000] },
      stdout: out,
      stderr: err,
      ...(stdin !== undefined ? { stdin: stringInput(stdin) } : {}),
    });
    p.exited.subscribe((s) => (status = s));
    this.sim.runWhile(() => status === undefined, this.sim.now + maxMs);
    return { status, out: out.text(), err: err.text() };
  }

  /** Starts the members one at a time, each listed by the headless service 10 s after it starts, as OrderedReady would. */
  startInOrder(): void {
    for (const pod of this.pods) {
      this.start(pod);
      this.run(10_000);
      this.ready.add(pod.name);
    }
  }

  run(ms: number): void {
    this.sim.runUntil(this.sim.now + ms);
  }

  runUntil(cond: () => boolean, ms: number): boolean {
    return this.sim.runWhile(() => !cond(), this.sim.now + ms);
  }

  /** The readiness probe: `zookeeper-ready 2181`. */
  probe(pod: Pod): boolean {
    return this.exec(pod, ["zookeeper-ready", "2181"], 5000).status === 0;
  }
}


