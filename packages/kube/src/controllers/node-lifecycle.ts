import { rfc3339 } from "../api/time.js";
import type { Node, NodeCondition, Pod, Taint, Toleration } from "../api/types.js";
import type { ControllerContext } from "./context.js";
import { isTerminating } from "./pod-util.js";

const COMPONENT = "node-controller";
/** node-monitor-period */
const MONITOR_PERIOD_MS = 5_000;
/** node-monitor-grace-period (50 s since Kubernetes 1.32). */
const GRACE_PERIOD_MS = 50_000;
export const TAINT_UNREACHABLE = "node.kubernetes.io/unreachable";
export const TAINT_NOT_READY = "node.kubernetes.io/not-ready";

/**
 * The node lifecycle controller and the taint-based eviction manager: a node whose kubelet has
 * not renewed its lease within the grace period becomes Unknown, its pods NotReady, and it gets
 * the unreachable taints; pods not tolerating the NoExecute taint for long enough (the default
 * toleration is 300 s) are deleted — which, on a dead node, leaves them Terminating until the
 * node comes back or is removed. A node that renews again is Ready and untainted.
 */
export class NodeLifecycleController {
  private readonly renewed = new Map<string, number>();
  private readonly evictionTimers = new Map<string, ReturnType<ControllerContext["sim"]["schedule"]>>();

  constructor(private readonly ctx: ControllerContext) {}

  start(): void {
    const tick = () => {
      this.monitor();
      this.ctx.sim.schedule(MONITOR_PERIOD_MS, tick, "node-lifecycle");
    };
    this.ctx.sim.schedule(MONITOR_PERIOD_MS, tick, "node-lifecycle");
    // Pods landing on (or updated on) a tainted node get their eviction deadline.
    this.ctx.api.watch<Pod>("Pod", (e) => {
      if (e.type !== "DELETED" && e.object.spec.nodeName) this.considerEviction(e.object);
      else if (e.type === "DELETED") this.cancelEviction(e.object);
    });
    // So do the pods already there when a node's taints change (`kubectl taint … :NoExecute`).
    this.ctx.api.watch<Node>("Node", (e) => {
      if (e.type === "DELETED" || e.previous === undefined || e.previous.spec.taints === e.object.spec.taints) return;
      for (const key of this.ctx.api.store.podKeysOnNode(e.object.metadata.name!)) {
        const [ns, name] = key.split("/") as [string, string];
        const pod = this.ctx.api.get<Pod>("Pod", ns, name);
        if (pod === undefined) continue;
        this.cancelEviction(pod);
        this.considerEviction(pod);
      }
    });
  }

  /** A kubelet renewed its lease (called by the API gateway). */
  renew(node: string): void {
    this.renewed.set(node, this.ctx.sim.now);
    const n = this.ctx.api.get<Node>("Node", undefined, node);
    if (n !== undefined && readyCondition(n)?.status !== "True") this.markReady(n);
  }

  private monitor(): void {
    const { api, sim } = this.ctx;
    for (const node of api.list<Node>("Node")) {
      const name = node.metadata.name!;
      const last = this.renewed.get(name);
      if (last === undefined) {
        this.renewed.set(name, sim.now);
        continue;
      }
      if (sim.now - last > GRACE_PERIOD_MS && readyCondition(node)?.status !== "Unknown") this.markUnknown(node);
    }
  }

  private markReady(node: Node): void {
    const { api, events } = this.ctx;
    const now = rfc3339(this.ctx.sim.epochMs());
    const updated = api.mutate<Node>("Node", undefined, node.metadata.name!, (n) => {
      n.status = { ...(n.status ?? {}), conditions: nodeConditions(n, "False", "True", "KubeletReady", "kubelet is posting ready status", now) };
      const taints = (n.spec.taints ?? []).filter((t) => t.key !== TAINT_UNREACHABLE && t.key !== TAINT_NOT_READY);
      if (taints.length > 0) n.spec.taints = taints;
      else delete n.spec.taints;
    });
    if (readyCondition(node) !== undefined) events.record(updated, "Normal", "NodeReady", `Node ${node.metadata.name} status is now: NodeReady`, "kubelet", node.metadata.name);
    for (const key of [...this.evictionTimers.keys()]) {
      const [ns, name] = key.split("/") as [string, string];
      const pod = api.get<Pod>("Pod", ns, name);
      if (pod !== undefined && pod.spec.nodeName === node.metadata.name) this.cancelEviction(pod);
    }
  }

  private markUnknown(node: Node): void {
    const { api, events, sim } = this.ctx;
    const now = rfc3339(sim.epochMs());
    const updated = api.mutate<Node>("Node", undefined, node.metadata.name!, (n) => {
      n.status = { ...(n.status ?? {}), conditions: nodeConditions(n, "Unknown", "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status.", now) };
      const taints = (n.spec.taints ?? []).filter((t) => t.key !== TAINT_UNREACHABLE && t.key !== TAINT_NOT_READY);
      taints.push({ key: TAINT_UNREACHABLE, effect: "NoSchedule", timeAdded: now }, { key: TAINT_UNREACHABLE, effect: "NoExecute", timeAdded: now });
      n.spec.taints = taints;
    });
    events.record(updated, "Normal", "NodeNotReady", `Node ${node.metadata.name} status is now: NodeNotReady`, COMPONENT);
    // MarkPodsNotReady: the kubelet cannot say otherwise, so its pods stop receiving traffic.
    for (const key of api.store.podKeysOnNode(node.metadata.name!)) {
      const [ns, name] = key.split("/") as [string, string];
      const pod = api.get<Pod>("Pod", ns, name);
      if (pod === undefined) continue;
      api.mutate<Pod>("Pod", ns, name, (p) => {
        const conditions = (p.status?.conditions ?? []).map((c) =>
          c.type === "Ready" && c.status === "True" ? { ...c, status: "False" as const, lastTransitionTime: now } : c,
        );
        p.status = { ...(p.status ?? {}), conditions };
      });
      events.record(pod, "Warning", "NodeNotReady", "Node is not ready", COMPONENT);
    }
  }

  private considerEviction(pod: Pod): void {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    if (isTerminating(pod)) {
      this.cancelEviction(pod);
      return;
    }
    const node = this.ctx.api.get<Node>("Node", undefined, pod.spec.nodeName!);
    const taints = (node?.spec.taints ?? []).filter((t) => t.effect === "NoExecute");
    if (taints.length === 0) {
      this.cancelEviction(pod);
      return;
    }
    if (this.evictionTimers.has(key)) return;
    let delayMs = Number.POSITIVE_INFINITY;
    for (const t of taints) {
      const tol = matchingToleration(pod.spec.tolerations, t);
      if (tol === undefined) delayMs = 0;
      else if (tol.tolerationSeconds !== undefined) {
        const added = t.timeAdded ? Date.parse(t.timeAdded) : this.ctx.sim.epochMs();
        delayMs = Math.min(delayMs, Math.max(0, added + tol.tolerationSeconds * 1000 - this.ctx.sim.epochMs()));
      }
    }
    if (delayMs === Number.POSITIVE_INFINITY) return;
    const timer = this.ctx.sim.schedule(delayMs, () => {
      this.evictionTimers.delete(key);
      const { api, events } = this.ctx;
      const current = api.get<Pod>("Pod", pod.metadata.namespace, pod.metadata.name!);
      if (current === undefined || isTerminating(current) || current.metadata.uid !== pod.metadata.uid) return;
      events.record(current, "Normal", "TaintManagerEviction", `Marking for deletion Pod ${key}`, "taint-eviction-controller");
      api.mutate<Pod>("Pod", pod.metadata.namespace, pod.metadata.name!, (p) => {
        const conditions = [...(p.status?.conditions ?? []).filter((c) => c.type !== "DisruptionTarget")];
        conditions.push({ type: "DisruptionTarget", status: "True", lastProbeTime: null, lastTransitionTime: rfc3339(this.ctx.sim.epochMs()), reason: "DeletionByTaintManager", message: "Taint manager: deleting due to NoExecute taint" });
        p.status = { ...(p.status ?? {}), conditions };
      });
      api.delete("Pod", pod.metadata.namespace, pod.metadata.name!);
    }, "taint-eviction");
    this.evictionTimers.set(key, timer);
  }

  private cancelEviction(pod: Pod): void {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const t = this.evictionTimers.get(key);
    if (t !== undefined) {
      this.ctx.sim.cancel(t);
      this.evictionTimers.delete(key);
    }
  }
}

function readyCondition(node: Node): NodeCondition | undefined {
  return node.status?.conditions?.find((c) => c.type === "Ready");
}

function matchingToleration(tolerations: readonly Toleration[] | undefined, taint: Taint): Toleration | undefined {
  return (tolerations ?? []).find((t) => {
    if (t.effect !== undefined && t.effect !== taint.effect) return false;
    if (t.operator === "Exists") return t.key === undefined || t.key === "" || t.key === taint.key;
    return t.key === taint.key && (t.value ?? "") === (taint.value ?? "");
  });
}

/**
 * The kubelet's node conditions with Ready set as given and the pressure conditions following
 * suit (False while the kubelet reports, Unknown when it stopped).
 */
export function nodeConditions(node: Node, pressure: "False" | "Unknown", ready: "True" | "Unknown", reason: string, message: string, now: string): NodeCondition[] {
  const old = node.status?.conditions ?? [];
  const make = (type: string, status: NodeCondition["status"], r: string, m: string): NodeCondition => {
    const prev = old.find((c) => c.type === type);
    return {
      type,
      status,
      lastHeartbeatTime: status === "Unknown" ? (prev?.lastHeartbeatTime ?? now) : now,
      lastTransitionTime: prev !== undefined && prev.status === status ? prev.lastTransitionTime : now,
      reason: r,
      message: m,
    };
  };
  const unknown = pressure === "Unknown";
  return [
    make("MemoryPressure", pressure, unknown ? "NodeStatusUnknown" : "KubeletHasSufficientMemory", unknown ? message : "kubelet has sufficient memory available"),
    make("DiskPressure", pressure, unknown ? "NodeStatusUnknown" : "KubeletHasNoDiskPressure", unknown ? message : "kubelet has no disk pressure"),
    make("PIDPressure", pressure, unknown ? "NodeStatusUnknown" : "KubeletHasSufficientPID", unknown ? message : "kubelet has sufficient PID available"),
    make("Ready", ready, reason, message),
  ];
}
