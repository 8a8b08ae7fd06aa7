import { SIGNALS, type Cluster, type PersistentVolumeClaim, type Pod, type Signal } from "@ksim/kube";
import type { Host, Impairment, Volume } from "@ksim/sim";
import { parseHostGroup, TargetError, type HostGroupSpec } from "./targets.js";

/** A network fault still in force, as `chaos list` shows it. */
export interface ActiveFault {
  readonly id: number;
  readonly description: string;
}

export interface KilledProcess {
  readonly pid: number;
  readonly command: string;
}

/**
 * Every fault ksim can inject, applied to the simulated machines themselves (power, network,
 * clocks, processes) rather than to the model's state: what survives is up to the protocols.
 * Each injection is a `fault.*` trace event, and its time is kept for recovery measurements.
 */
export class FaultInjector {
  private readonly active = new Map<number, string>();
  /** Simulated ms of every injection (not of heals and restarts). */
  readonly injectedAt: number[] = [];

  constructor(readonly cluster: Cluster) {}

  /**
   * Power loss: the node's processes die, unsynced disk writes are lost, it leaves the network;
   * with `forMs` it boots again after that long.
   */
  crashNode(name: string, forMs?: number): void {
    const kubelet = this.kubelet(name);
    if (!kubelet.running) throw new TargetError(`node/${name} is already down`);
    kubelet.crash();
    this.injected("fault.crash", { node: name });
    this.later(forMs, () => {
      if (!kubelet.running) this.restartNode(name);
    });
  }

  restartNode(name: string): void {
    const kubelet = this.kubelet(name);
    if (kubelet.running) throw new TargetError(`node/${name} is running`);
    kubelet.boot();
    this.record("fault.restart", { node: name });
  }

  partition(a: string, b: string, namespace: string, oneWay: boolean, forMs?: number): ActiveFault {
    const [ga, gb] = this.groups(a, b, namespace);
    const id = this.cluster.network.partition(ga.test, gb.test, { oneWay });
    return this.activate(id, `partition ${ga.text} ${oneWay ? "->" : "<->"} ${gb.text}`, forMs, "fault.partition", { a, b, oneWay });
  }

  impair(a: string, b: string, namespace: string, impairment: Impairment, oneWay: boolean, forMs?: number): ActiveFault {
    const [ga, gb] = this.groups(a, b, namespace);
    const id = this.cluster.network.impair(ga.test, gb.test, impairment, { oneWay });
    const what = [impairment.latencyMs ? `+${impairment.latencyMs}ms` : "", impairment.loss ? `${+(impairment.loss * 100).toFixed(2)}% loss` : ""].filter(Boolean).join(" ");
    return this.activate(id, `${what} ${ga.text} ${oneWay ? "->" : "<->"} ${gb.text}`, forMs, "fault.impair", { a, b, oneWay, latencyMs: impairment.latencyMs ?? 0, loss: impairment.loss ?? 0 });
  }

  /** Removes one network fault, or all of them; returns what was healed. */
  heal(id?: number): ActiveFault[] {
    const healed = [...this.active].filter(([k]) => id === undefined || k === id).map(([k, description]) => ({ id: k, description }));
    if (id !== undefined && healed.length === 0) throw new TargetError(`no network fault ${id} (see chaos list)`);
    for (const h of healed) {
      this.cluster.network.heal(h.id);
      this.active.delete(h.id);
    }
    this.record("fault.heal", { id: id ?? null });
    return healed;
  }

  /** Sets a node's clock ahead (or behind, negative) of true time; with `forMs`, back in step after that. */
  skew(node: string, offsetMs: number, forMs?: number): void {
    const kubelet = this.kubelet(node);
    kubelet.clockOffsetMs = offsetMs;
    if (offsetMs === 0) this.record("fault.skew", { node, offsetMs });
    else this.injected("fault.skew", { node, offsetMs });
    this.later(forMs, () => {
      if (kubelet.clockOffsetMs === offsetMs) this.skew(node, 0);
    });
  }

  /**
   * Makes every fsync on a node's disks take `delayMs` longer (an I/O-saturated or failing disk;
   * 0 restores it); with `forMs`, back to normal after that.
   */
  slowDisk(node: string, delayMs: number, forMs?: number): void {
    const kubelet = this.kubelet(node);
    kubelet.fsyncDelayMs = delayMs;
    if (delayMs === 0) this.record("fault.slow-disk", { node, delayMs });
    else this.injected("fault.slow-disk", { node, delayMs });
    this.later(forMs, () => {
      if (kubelet.fsyncDelayMs === delayMs) this.slowDisk(node, 0);
    });
  }

  /**
   * Fills the persistent volumes a pod mounts: their free space is taken (no file shows it, as
   * with a deleted log still held open), so writes fail with ENOSPC; with `forMs`, the space
   * comes back after that. Returns each claim and the bytes taken.
   */
  fillDisk(namespace: string, podName: string, forMs?: number): { claim: string; bytes: number }[] {
    const pod = this.cluster.api.get<Pod>("Pod", namespace, podName);
    if (pod === undefined) throw new TargetError(`pods "${podName}" not found`);
    const filled: { claim: string; bytes: number; volume: Volume }[] = [];
    for (const v of pod.spec.volumes ?? []) {
      const claim = v.persistentVolumeClaim?.claimName;
      if (claim === undefined) continue;
      const pv = this.cluster.api.get<PersistentVolumeClaim>("PersistentVolumeClaim", namespace, claim)?.spec.volumeName;
      const volume = pv === undefined ? undefined : this.cluster.disks.get(pv);
      if (volume !== undefined) filled.push({ claim, volume, bytes: volume.occupyFreeSpace() });
    }
    if (filled.length === 0) throw new TargetError(`pod ${podName} mounts no bound persistent volume`);
    this.injected("fault.fill-disk", { pod: `${namespace}/${podName}`, claims: filled.map((f) => f.claim), bytes: filled.map((f) => f.bytes) });
    this.later(forMs, () => {
      for (const f of filled) f.volume.releaseOccupied();
      this.record("fault.fill-disk", { pod: `${namespace}/${podName}`, released: true });
    });
    return filled.map(({ claim, bytes }) => ({ claim, bytes }));
  }

  /**
   * Sends a signal to a container's processes: its main process (PID 1), or those whose command
   * line contains `pattern` (as `pkill -f` would). It comes from the node, outside the container's
   * PID namespace, as a chaos agent's does: SIGKILL ends even PID 1, while a signal PID 1 does not
   * catch is discarded.
   */
  kill(namespace: string, podName: string, container: string | undefined, signal: Signal, pattern: string | undefined): { container: string; killed: KilledProcess[] } {
    return this.signalProcesses(namespace, podName, container, signal, pattern, (p) => p.pid === 1);
  }

  /** Sends `signal` to the processes whose command line contains `pattern`, or else to those `otherwise` picks. */
  private signalProcesses(
    namespace: string,
    podName: string,
    container: string | undefined,
    signal: Signal,
    pattern: string | undefined,
    otherwise: (p: { readonly pid: number }) => boolean,
  ): { container: string; killed: KilledProcess[] } {
    const pod = this.cluster.api.get<Pod>("Pod", namespace, podName);
    if (pod === undefined) throw new TargetError(`pods "${podName}" not found`);
    const name = container ?? pod.spec.containers[0]!.name;
    if (!pod.spec.containers.some((c) => c.name === name)) throw new TargetError(`container ${name} is not valid for pod ${podName}`);
    const instance = this.cluster.podWorker(namespace, podName)?.instance(name);
    if (instance === undefined) throw new TargetError(`container ${name} in pod ${podName} is not running`);
    const victims = instance.processes.list().filter((p) => (pattern === undefined ? otherwise(p) : p.commandLine.includes(pattern)));
    if (victims.length === 0) throw new TargetError(`no process matching ${JSON.stringify(pattern)} in ${namespace}/${podName} container ${name}`);
    for (const p of victims) instance.processes.killFromOutside(p.pid, signal);
    const killed = victims.map((p) => ({ pid: p.pid, command: p.commandLine }));
    this.injected("fault.kill", { pod: `${namespace}/${podName}`, container: name, signal: SIGNALS[signal], pids: killed.map((k) => k.pid) });
    return { container: name, killed };
  }

  /**
   * Stops a container's processes (every one, as `docker pause` freezes a container, or those
   * matching `pattern`) with SIGSTOP, as a long GC pause or a frozen VM would: the kernel goes on
   * accepting connections and queueing segments for them, but they run nothing (no timers, no
   * replies) until SIGCONT, which `forMs` sends after that long.
   */
  pause(namespace: string, podName: string, container: string | undefined, pattern: string | undefined, forMs?: number): { container: string; killed: KilledProcess[] } {
    const r = this.signalProcesses(namespace, podName, container, "SIGSTOP", pattern, () => true);
    this.later(forMs, () => {
      const instance = this.cluster.podWorker(namespace, podName)?.instance(r.container);
      const alive = r.killed.filter((k) => instance?.processes.killFromOutside(k.pid, "SIGCONT") === true);
      this.record("fault.resume", { pod: `${namespace}/${podName}`, container: r.container, pids: alive.map((k) => k.pid) });
    });
    return r;
  }

  /** Network faults in force. */
  list(): ActiveFault[] {
    return [...this.active].map(([id, description]) => ({ id, description }));
  }

  /** Records an injection that happened elsewhere (a pod deleted, a node drained by kubectl). */
  noteInjection(kind: string, details: Record<string, unknown>): void {
    this.injected(`fault.${kind}`, details);
  }

  private kubelet(name: string) {
    const k = this.cluster.kubelets.get(name);
    if (k === undefined) throw new TargetError(`nodes "${name}" not found`);
    return k;
  }

  private groups(a: string, b: string, namespace: string): [HostGroupSpec, HostGroupSpec] {
    if (a === "rest" && b === "rest") throw new TargetError(`"rest" stands for every host not in the other group; give one group explicitly`);
    const named = (text: string) => parseHostGroup(this.cluster, text, namespace);
    if (a === "rest") {
      const gb = named(b);
      return [{ text: "rest", test: (h: Host) => !gb.test(h) }, gb];
    }
    const ga = named(a);
    if (b === "rest") return [ga, { text: "rest", test: (h: Host) => !ga.test(h) }];
    return [ga, named(b)];
  }

  private activate(id: number, description: string, forMs: number | undefined, event: string, details: Record<string, unknown>): ActiveFault {
    this.active.set(id, description);
    this.injected(event, { id, ...details });
    this.later(forMs, () => {
      if (this.active.has(id)) this.heal(id);
    });
    return { id, description };
  }

  private later(forMs: number | undefined, undo: () => void): void {
    if (forMs !== undefined) this.cluster.sim.schedule(forMs, undo, "chaos:undo");
  }

  private injected(event: string, details: Record<string, unknown>): void {
    this.injectedAt.push(this.cluster.sim.now);
    this.record(event, details);
  }

  private record(event: string, details: Record<string, unknown>): void {
    this.cluster.sim.trace.record(event, details);
  }
}
