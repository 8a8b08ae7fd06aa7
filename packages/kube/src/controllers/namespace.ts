import type { Sim, Timer } from "@ksim/sim";
import { ApiError } from "../api/errors.js";
import { jsonEqual } from "../api/json-value.js";
import { groupResource, RESOURCE_TYPES } from "../api/resources.js";
import type { APIService, KubeObject, Namespace, NamespaceCondition } from "../api/types.js";
import type { ControllerContext } from "./context.js";

/** The namespace controller's retry back-off (ItemExponentialFailureRateLimiter(5ms, 60s)). */
const RETRY_BASE_MS = 5;
const RETRY_MAX_MS = 60_000;

type Verdict = Omit<NamespaceCondition, "type" | "lastTransitionTime">;

/**
 * kube-controller-manager's namespace controller (pkg/controller/namespace/deletion): a
 * Terminating namespace has every object of every discovered namespaced resource deleted, then,
 * once nothing is left, its `kubernetes` finalizer removed, which lets the API server remove it.
 * It reports each pass in the namespace's five deletion conditions. If discovery fails for some
 * group — an aggregated API whose APIService is not Available — it deletes what it can and keeps
 * the namespace Terminating, retrying with back-off, until discovery works again.
 */
export class NamespaceController {
  private readonly pending = new Map<string, Timer>();
  private readonly failures = new Map<string, number>();

  constructor(private readonly ctx: ControllerContext) {}

  start(): void {
    const { api } = this.ctx;
    api.watch<Namespace>("Namespace", (e) => {
      if (e.type !== "DELETED" && e.object.metadata.deletionTimestamp !== undefined) this.queue(e.object.metadata.name!, 1);
      if (e.type === "DELETED") this.failures.delete(e.object.metadata.name!);
    });
  }

  private queue(name: string, delayMs: number): void {
    const sim: Sim = this.ctx.sim;
    const existing = this.pending.get(name);
    if (existing !== undefined && existing.time <= sim.now + delayMs) return;
    sim.cancel(existing);
    this.pending.set(name, sim.schedule(delayMs, () => {
      this.pending.delete(name);
      this.sync(name);
    }, "namespace-controller"));
  }

  private sync(name: string): void {
    const { api } = this.ctx;
    const ns = api.get<Namespace>("Namespace", undefined, name);
    if (ns === undefined || ns.metadata.deletionTimestamp === undefined) return;
    if (!(ns.spec?.finalizers ?? []).includes("kubernetes")) return;
    const stale = api
      .list<APIService>("APIService")
      .filter((a) => a.spec.service != null && a.status?.conditions?.find((c) => c.type === "Available")?.status !== "True")
      .map((a) => `${a.spec.group}/${a.spec.version}`)
      .sort();
    // Delete everything the discovered resources hold in the namespace.
    for (const type of RESOURCE_TYPES) {
      if (!type.namespaced) continue;
      for (const o of api.list(type.kind, name)) {
        if (o.metadata.deletionTimestamp !== undefined) continue;
        try {
          api.delete(type.kind, name, o.metadata.name!);
        } catch (e) {
          // Gone meanwhile (the garbage collector took a dependent): nothing to do.
          if (!(e instanceof ApiError)) throw e;
        }
      }
    }
    const remaining = new Map<string, number>();
    const finalizers = new Map<string, number>();
    let graceMs = 0;
    for (const type of RESOURCE_TYPES) {
      if (!type.namespaced) continue;
      const left: KubeObject[] = api.list(type.kind, name);
      if (left.length === 0) continue;
      remaining.set(groupResource(type), left.length);
      for (const o of left) {
        for (const f of o.metadata.finalizers ?? []) finalizers.set(f, (finalizers.get(f) ?? 0) + 1);
        if (o.metadata.deletionGracePeriodSeconds !== undefined) graceMs = Math.max(graceMs, o.metadata.deletionGracePeriodSeconds * 1000);
      }
    }
    const list = (m: Map<string, number>, noun: string) =>
      [...m.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, n]) => `${k}${noun} ${n} resource instances`)
        .join(", ");
    const verdicts: [string, Verdict][] = [
      [
        "NamespaceDeletionDiscoveryFailure",
        stale.length === 0
          ? { status: "False", reason: "ResourcesDiscovered", message: "All resources successfully discovered" }
          : {
              status: "True",
              reason: "DiscoveryFailed",
              message: `Discovery failed for some groups, ${stale.length} failing: unable to retrieve the complete list of server APIs: ${stale.map((gv) => `${gv}: stale GroupVersion discovery: ${gv}`).join(", ")}`,
            },
      ],
      ["NamespaceDeletionGroupVersionParsingFailure", { status: "False", reason: "ParsedGroupVersions", message: "All legacy kube types successfully parsed" }],
      ["NamespaceDeletionContentFailure", { status: "False", reason: "ContentDeleted", message: "All content successfully deleted, may be waiting on finalization" }],
      [
        "NamespaceContentRemaining",
        remaining.size === 0
          ? { status: "False", reason: "ContentRemoved", message: "All content successfully removed" }
          : { status: "True", reason: "SomeResourcesRemain", message: `Some resources are remaining: ${list(remaining, " has")}` },
      ],
      [
        "NamespaceFinalizersRemaining",
        finalizers.size === 0
          ? { status: "False", reason: "ContentHasNoFinalizers", message: "All content-preserving finalizers finished" }
          : { status: "True", reason: "SomeFinalizersRemain", message: `Some content in the namespace has finalizers remaining: ${list(finalizers, " in")}` },
      ],
    ];
    this.report(ns, verdicts);
    if (stale.length > 0) {
      const n = this.failures.get(name) ?? 0;
      this.failures.set(name, n + 1);
      this.queue(name, Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** n));
      return;
    }
    this.failures.delete(name);
    if (remaining.size > 0) {
      // Requeue after the estimate: the longest grace period still running, or a moment.
      this.queue(name, Math.max(1000, graceMs));
      return;
    }
    api.finalizeNamespace(name, (ns.spec?.finalizers ?? []).filter((f) => f !== "kubernetes"));
  }

  private report(ns: Namespace, verdicts: readonly [string, Verdict][]): void {
    const now = this.ctx.api.now();
    const old = ns.status?.conditions ?? [];
    const conditions: NamespaceCondition[] = verdicts.map(([type, v]) => {
      const prev = old.find((c) => c.type === type);
      return { type, status: v.status, lastTransitionTime: prev !== undefined && prev.status === v.status ? prev.lastTransitionTime! : now, reason: v.reason!, message: v.message! };
    });
    const others = old.filter((c) => !verdicts.some(([t]) => t === c.type));
    const status = { ...ns.status, conditions: [...conditions, ...others] };
    if (jsonEqual(status, ns.status)) return;
    this.ctx.api.updateStatus<Namespace>({ ...ns, status });
  }
}
