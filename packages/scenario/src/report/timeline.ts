import type { Cluster, Node, Pod } from "@ksim/kube";
import type { History } from "@ksim/sim";

/** A state held from `from` to `to` (simulated ms; `to` undefined while it lasts to the end). */
export interface Segment {
  readonly from: number;
  to?: number;
  readonly state: string;
}

export interface PodLane {
  /** `namespace/name`; a pod recreated under the same name gets a new lane entry (new uid). */
  readonly pod: string;
  readonly node: string;
  readonly segments: Segment[];
}

export interface WorkloadSeries {
  readonly name: string;
  /** Per bucket of `bucketMs` from the start: completed operations by outcome, and latency. */
  readonly buckets: { readonly t: number; readonly ok: number; readonly fail: number; readonly info: number; readonly p50: number; readonly max: number }[];
}

/** What a run report draws: lanes per node with their pods, faults, roles, workload figures. */
export interface Timeline {
  readonly start: number;
  readonly end: number;
  readonly startEpochMs: number;
  readonly nodes: readonly { readonly name: string; readonly segments: readonly Segment[] }[];
  readonly pods: readonly PodLane[];
  readonly faults: readonly { readonly at: number; readonly text: string }[];
  /** Application roles per pod (ZooKeeper's LEADING/FOLLOWING/LOOKING). */
  readonly roles: readonly { readonly pod: string; readonly segments: readonly Segment[] }[];
  readonly workloads: readonly WorkloadSeries[];
  readonly bucketMs: number;
}

/** The state a pod is drawn in, in kubectl's words where it has them. */
export function podState(pod: Pod): string {
  if (pod.metadata.deletionTimestamp !== undefined) return "Terminating";
  const phase = pod.status?.phase ?? "Pending";
  if (phase === "Pending") return pod.spec.nodeName === undefined ? "Pending" : "ContainerCreating";
  if (phase === "Running") return (pod.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True") ? "Ready" : "Running";
  return phase;
}

/**
 * Records the run as it happens, from the API server's watch (as `kubectl get -w` would see it)
 * and the trace (power, faults, roles). Observing only: nothing here schedules events.
 */
export class TimelineRecorder {
  private readonly pods = new Map<string, PodLane>();
  private readonly nodes = new Map<string, Segment[]>();
  private readonly roles = new Map<string, Segment[]>();
  private readonly faults: { at: number; text: string }[] = [];
  /** Nodes whose power is off: their API object still says Ready until the grace period ends. */
  private readonly downNodes = new Set<string>();
  private readonly start: number;

  constructor(private readonly cluster: Cluster) {
    const sim = cluster.sim;
    this.start = sim.now;
    for (const n of cluster.api.list<Node>("Node")) this.setNode(n.metadata.name!, nodeState(n));
    cluster.api.watch<Node>("Node", (e) => {
      if (e.type !== "DELETED" && !this.downNodes.has(e.object.metadata.name!)) this.setNode(e.object.metadata.name!, nodeState(e.object));
    });
    cluster.api.watch<Pod>("Pod", (e) => {
      const p = e.object;
      if (p.spec.nodeName === undefined && e.type !== "DELETED") return;
      const key = p.metadata.uid!;
      let lane = this.pods.get(key);
      if (lane === undefined) {
        if (e.type === "DELETED") return;
        lane = { pod: `${p.metadata.namespace}/${p.metadata.name}`, node: p.spec.nodeName!, segments: [] };
        this.pods.set(key, lane);
      }
      if (e.type === "DELETED") close(lane.segments, sim.now);
      else transition(lane.segments, sim.now, podState(p));
    });
    sim.trace.observe("kubelet.", (e) => {
      const node = (e.data as { node: string }).node;
      if (e.type === "kubelet.crash") {
        this.downNodes.add(node);
        this.setNode(node, "Down");
      } else if (e.type === "kubelet.boot") this.downNodes.delete(node);
    });
    sim.trace.observe("fault.", (e) => this.faults.push({ at: e.time, text: `${e.type.slice("fault.".length)} ${describe(e.data)}` }));
    sim.trace.observe("zk.role", (e) => {
      const d = e.data as { pod: string; role: string };
      let segments = this.roles.get(d.pod);
      if (segments === undefined) this.roles.set(d.pod, (segments = []));
      transition(segments, e.time, d.role);
    });
  }

  private setNode(name: string, state: string): void {
    let segments = this.nodes.get(name);
    if (segments === undefined) this.nodes.set(name, (segments = []));
    transition(segments, this.cluster.sim.now, state);
  }

  finish(workloads: ReadonlyMap<string, { readonly history: History }>): Timeline {
    const end = this.cluster.sim.now;
    const bucketMs = Math.max(1000, Math.ceil((end - this.start) / 200 / 1000) * 1000);
    return {
      start: this.start,
      end,
      startEpochMs: this.cluster.sim.startEpochMs,
      nodes: [...this.nodes].map(([name, segments]) => ({ name, segments })),
      pods: [...this.pods.values()],
      faults: this.faults,
      roles: [...this.roles].map(([pod, segments]) => ({ pod, segments })),
      workloads: [...workloads].map(([name, w]) => series(name, w.history, this.start, end, bucketMs)),
      bucketMs,
    };
  }
}

function nodeState(n: Node): string {
  const ready = n.status?.conditions?.find((c) => c.type === "Ready")?.status;
  const cordoned = n.spec?.unschedulable === true;
  const base = ready === "True" ? "Ready" : "NotReady";
  return cordoned ? `${base},SchedulingDisabled` : base;
}

function transition(segments: Segment[], now: number, state: string): void {
  const last = segments[segments.length - 1];
  if (last !== undefined && last.to === undefined) {
    if (last.state === state) return;
    last.to = now;
  }
  segments.push({ from: now, state });
}

function close(segments: Segment[], now: number): void {
  const last = segments[segments.length - 1];
  if (last !== undefined && last.to === undefined) last.to = now;
}

function describe(data: unknown): string {
  if (data === null || typeof data !== "object") return "";
  return Object.entries(data as Record<string, unknown>)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
}

function series(name: string, history: History, start: number, end: number, bucketMs: number): WorkloadSeries {
  const n = Math.max(1, Math.ceil((end - start) / bucketMs));
  const acc = Array.from({ length: n }, (_, i) => ({ t: start + i * bucketMs, ok: 0, fail: 0, info: 0, latencies: [] as number[] }));
  for (const op of history.operations) {
    if (op.completedAt === undefined || op.completedAt < start) continue;
    const b = acc[Math.min(n - 1, Math.floor((op.completedAt - start) / bucketMs))]!;
    if (op.outcome === "ok") {
      b.ok++;
      b.latencies.push(op.completedAt - op.invokedAt);
    } else if (op.outcome === "fail") b.fail++;
    else b.info++;
  }
  return {
    name,
    buckets: acc.map((b) => {
      const sorted = b.latencies.sort((x, y) => x - y);
      return { t: b.t, ok: b.ok, fail: b.fail, info: b.info, p50: sorted[Math.floor(sorted.length / 2)] ?? 0, max: sorted[sorted.length - 1] ?? 0 };
    }),
  };
}
