import { goDuration, parseSelector, selectorMatches, type Cluster, type Pod } from "@ksim/kube";
import type { Random } from "@ksim/sim";
import { durationMs, parseDurationRange, type NemesisFile, type NemesisKind } from "../file.js";

/**
 * A fault the nemesis drew: when, what kind, for how long, and which target — as an index
 * into the targets that exist when it fires. Drawing from the seed alone, before anything runs,
 * is what lets `compare` give every variant the same faults.
 */
export interface PlannedFault {
  readonly atMs: number;
  readonly kind: NemesisKind;
  readonly lastingMs: number;
  readonly target: number;
  /** The size of the fault where it has one: ms of delay, skew or extra fsync time, % of loss. */
  readonly amount: number;
}

/** Draws a nemesis's faults: gaps from `interval`, never more than `maxDown` in force at once. */
export function planNemesis(spec: NemesisFile, random: Random): PlannedFault[] {
  const duration = durationMs(spec.duration);
  const [gapMin, gapMax] = parseDurationRange(spec.interval ?? "30s..2m") as readonly [number, number];
  const [lastMin, lastMax] = parseDurationRange(spec.lasting ?? "15s..1m") as readonly [number, number];
  const maxDown = spec.maxDown ?? 1;
  const kinds = spec.faults as readonly NemesisKind[];
  const planned: PlannedFault[] = [];
  let t = 0;
  for (;;) {
    t += random.int(gapMin, gapMax);
    // Wait for a fault to end when the budget is spent.
    const inForce = planned.filter((p) => p.atMs + p.lastingMs > t).map((p) => p.atMs + p.lastingMs).sort((a, b) => a - b);
    if (inForce.length >= maxDown) t = inForce[inForce.length - maxDown]!;
    if (t >= duration) break;
    const kind = random.choice(kinds);
    planned.push({ atMs: t, kind, lastingMs: random.int(lastMin, lastMax), target: random.int(0, 1 << 30), amount: amountFor(kind, random) });
  }
  return planned;
}

function amountFor(kind: NemesisKind, random: Random): number {
  switch (kind) {
    case "delay-pod":
      return random.int(50, 500);
    case "loss-pod":
      return random.int(10, 60);
    case "skew-node":
      return random.int(1, 120) * 1000 * (random.float() < 0.5 ? -1 : 1);
    case "slow-disk-node":
      return random.int(1, 40) * 100;
    default:
      return 0;
  }
}

/**
 * The command a planned fault runs, against the pods matching the nemesis's selector now (in
 * name order); undefined when there is no target (no such pod, or it is not scheduled).
 */
export function nemesisCommand(cluster: Cluster, spec: NemesisFile, fault: PlannedFault): string | undefined {
  const namespace = spec.namespace ?? "default";
  const selector = parseSelector(spec.pods);
  const pods = cluster.api
    .list<Pod>("Pod", namespace)
    .filter((p) => selectorMatches(selector, p.metadata.labels) && p.metadata.deletionTimestamp === undefined)
    .sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!, "en", { numeric: true }));
  if (pods.length === 0) return undefined;
  const pod = pods[fault.target % pods.length]!;
  const name = pod.metadata.name!;
  const node = pod.spec.nodeName;
  const ns = namespace === "default" ? "" : ` -n ${namespace}`;
  const lasting = goDuration(fault.lastingMs);
  switch (fault.kind) {
    case "kill":
      return `chaos${ns} kill ${name}`;
    case "delete-pod":
      return `kubectl${ns} delete pod ${name} --wait=false`;
    case "partition-pod":
      return `chaos${ns} partition pod/${name} rest --for ${lasting}`;
    case "delay-pod":
      return `chaos${ns} delay pod/${name} rest ${fault.amount}ms --for ${lasting}`;
    case "loss-pod":
      return `chaos${ns} loss pod/${name} rest ${fault.amount}% --for ${lasting}`;
    case "crash-node":
      return node === undefined ? undefined : `chaos crash ${node} --for ${lasting}`;
    case "partition-node":
      return node === undefined ? undefined : `chaos partition node/${node} rest --for ${lasting}`;
    case "skew-node":
      return node === undefined ? undefined : `chaos skew ${node} ${fault.amount < 0 ? "-" : ""}${goDuration(Math.abs(fault.amount))} --for ${lasting}`;
    case "slow-disk-node":
      return node === undefined ? undefined : `chaos slow-disk ${node} ${goDuration(fault.amount)} --for ${lasting}`;
    case "fill-disk-pod":
      return `chaos${ns} fill-disk ${name} --for ${lasting}`;
    case "pause-pod":
      return `chaos${ns} pause ${name} --for ${lasting}`;
    case "drain-node":
      return node === undefined
        ? undefined
        : `kubectl drain ${node} --ignore-daemonsets --delete-emptydir-data --force --timeout=${lasting}; sleep ${Math.round(fault.lastingMs / 1000)}; kubectl uncordon ${node}`;
  }
}
