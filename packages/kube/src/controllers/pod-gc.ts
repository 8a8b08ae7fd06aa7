import { rfc3339 } from "../api/time.js";
import type { Node, Pod } from "../api/types.js";
import type { ControllerContext } from "./context.js";
import { isTerminating } from "./pod-util.js";

/** The taint an operator puts on a node that is really gone (non-graceful node shutdown). */
export const TAINT_OUT_OF_SERVICE = "node.kubernetes.io/out-of-service";
/** gcCheckPeriod and quarantineTime of pkg/controller/podgc. */
const GC_PERIOD_MS = 20_000;
const QUARANTINE_MS = 40_000;

/** Whether a node carries the out-of-service taint (NoExecute), whatever its value. */
export function isOutOfService(node: Node | undefined): boolean {
  return node?.spec.taints?.some((t) => t.key === TAINT_OUT_OF_SERVICE && t.effect === "NoExecute") ?? false;
}

/**
 * The pod garbage collector (pkg/controller/podgc), every 20 s: force-deletes pods bound to a node
 * that no longer exists (once it has been missing for 40 s), and Terminating pods on a node that
 * is not Ready and has been declared out of service — which is what lets a StatefulSet replace a
 * pod stuck on a dead machine, and its volume move.
 */
export class PodGarbageCollector {
  /** When each missing node was first seen missing. */
  private readonly missingSince = new Map<string, number>();

  constructor(private readonly ctx: ControllerContext) {}

  start(): void {
    const tick = () => {
      this.collect();
      this.ctx.sim.schedule(GC_PERIOD_MS, tick, "podgc");
    };
    this.ctx.sim.schedule(GC_PERIOD_MS, tick, "podgc");
  }

  private collect(): void {
    const { api, sim } = this.ctx;
    const nodes = new Map(api.list<Node>("Node").map((n) => [n.metadata.name!, n]));
    for (const name of [...this.missingSince.keys()]) if (nodes.has(name)) this.missingSince.delete(name);
    for (const pod of api.list<Pod>("Pod")) {
      const nodeName = pod.spec.nodeName;
      if (!nodeName) continue;
      const node = nodes.get(nodeName);
      if (node === undefined) {
        const since = this.missingSince.get(nodeName) ?? sim.now;
        this.missingSince.set(nodeName, since);
        if (sim.now - since >= QUARANTINE_MS) this.forceDelete(pod, "PodGC: node no longer exists");
      } else if (isTerminating(pod) && isOutOfService(node) && node.status?.conditions?.find((c) => c.type === "Ready")?.status !== "True") {
        this.forceDelete(pod, undefined);
      }
    }
  }

  /** markFailedAndDeletePodWithCondition: Failed (with the reason, for orphans), then gone at once. */
  private forceDelete(pod: Pod, orphanMessage: string | undefined): void {
    const { api, sim } = this.ctx;
    const ns = pod.metadata.namespace;
    const name = pod.metadata.name!;
    api.mutate<Pod>("Pod", ns, name, (p) => {
      const status = { ...(p.status ?? {}) };
      if (status.phase !== "Succeeded" && status.phase !== "Failed") status.phase = "Failed";
      if (orphanMessage !== undefined) {
        const conditions = (status.conditions ?? []).filter((c) => c.type !== "DisruptionTarget");
        conditions.push({ type: "DisruptionTarget", status: "True", lastProbeTime: null, lastTransitionTime: rfc3339(sim.epochMs()), reason: "DeletionByPodGC", message: orphanMessage });
        status.conditions = conditions;
      }
      p.status = status;
    });
    api.delete("Pod", ns, name, { gracePeriodSeconds: 0 });
  }
}
