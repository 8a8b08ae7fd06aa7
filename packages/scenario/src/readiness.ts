import type { Cluster, Pod, StatefulSet } from "@ksim/kube";
import type { CheckResult, Violation } from "@ksim/sim";

/** How many of a StatefulSet's pods were Ready, from `at` until the next point. */
export interface ReadinessPoint {
  readonly at: number;
  readonly ready: number;
  readonly replicas: number;
}

/**
 * Every StatefulSet's Ready pod count over the run, from the API server's watch (its own pods:
 * those it owns). Cheap enough to keep for every run; quorum verdicts are computed from it.
 */
export class ReadinessRecorder {
  private readonly series = new Map<string, ReadinessPoint[]>();
  private readonly readyPods = new Map<string, Set<string>>();
  private readonly replicas = new Map<string, number>();

  constructor(private readonly cluster: Cluster) {
    cluster.api.watch<StatefulSet>("StatefulSet", (e) => {
      const key = `${e.object.metadata.namespace}/${e.object.metadata.name}`;
      this.replicas.set(key, e.type === "DELETED" ? 0 : (e.object.spec.replicas ?? 1));
      this.point(key);
    });
    cluster.api.watch<Pod>("Pod", (e) => {
      const owner = e.object.metadata.ownerReferences?.find((o) => o.kind === "StatefulSet" && o.controller);
      if (owner === undefined) return;
      const key = `${e.object.metadata.namespace}/${owner.name}`;
      let ready = this.readyPods.get(key);
      if (ready === undefined) this.readyPods.set(key, (ready = new Set()));
      const isReady = e.type !== "DELETED" && (e.object.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
      const had = ready.has(e.object.metadata.name!);
      if (isReady === had) return;
      if (isReady) ready.add(e.object.metadata.name!);
      else ready.delete(e.object.metadata.name!);
      this.point(key);
    });
  }

  private point(key: string): void {
    const p = { at: this.cluster.sim.now, ready: this.readyPods.get(key)?.size ?? 0, replicas: this.replicas.get(key) ?? 0 };
    let s = this.series.get(key);
    if (s === undefined) this.series.set(key, (s = []));
    const last = s[s.length - 1];
    if (last !== undefined && last.ready === p.ready && last.replicas === p.replicas) return;
    if (last !== undefined && last.at === p.at) s[s.length - 1] = p;
    else s.push(p);
  }

  /** Series by `namespace/name`. */
  result(): ReadonlyMap<string, readonly ReadinessPoint[]> {
    return this.series;
  }
}

export interface QuorumOptions {
  /** Ready pods needed (default: a majority of the replicas, ⌊n/2⌋+1). */
  readonly min?: number;
  /** How long below it is tolerated (default 0). */
  readonly maxBelowMs?: number;
}

/**
 * Whether a StatefulSet kept a quorum of Ready pods from the moment it first had one until
 * `end` (before that it was starting, not failing). Scaling to zero is not a loss of quorum.
 */
export function quorumVerdict(name: string, series: readonly ReadinessPoint[] | undefined, end: number, options: QuorumOptions = {}): CheckResult {
  const invariant = `quorum of statefulset/${name.replace(/^default\//, "")}`;
  if (series === undefined || series.length === 0) {
    return { invariant, ok: false, violations: [{ invariant, time: end, message: `no StatefulSet ${name} ran` }], metrics: {} };
  }
  const need = (p: ReadinessPoint) => options.min ?? Math.floor(p.replicas / 2) + 1;
  const budget = options.maxBelowMs ?? 0;
  const violations: Violation[] = [];
  let formed: number | undefined;
  let belowSince: number | undefined;
  let fewest = Number.POSITIVE_INFINITY;
  let longest = 0;
  let total = 0;
  const closeBelow = (at: number) => {
    if (belowSince === undefined) return;
    const span = at - belowSince;
    total += span;
    longest = Math.max(longest, span);
    if (span > budget) violations.push({ invariant, time: belowSince, message: `fewer than a quorum of ${name} pods Ready for ${span} ms, from ${belowSince} ms` });
    belowSince = undefined;
  };
  for (const p of series) {
    const enough = p.replicas === 0 || p.ready >= need(p);
    if (formed === undefined) {
      if (p.replicas > 0 && enough) formed = p.at;
      continue;
    }
    fewest = Math.min(fewest, p.ready);
    if (enough) closeBelow(p.at);
    else belowSince ??= p.at;
  }
  closeBelow(end);
  if (formed === undefined) violations.push({ invariant, time: end, message: `${name} never had a quorum of Ready pods` });
  return {
    invariant,
    ok: violations.length === 0,
    violations,
    metrics: { timeToQuorumMs: formed ?? -1, longestBelowQuorumMs: longest, timeBelowQuorumMs: total, fewestReady: fewest === Number.POSITIVE_INFINITY ? series[series.length - 1]!.ready : fewest },
  };
}
