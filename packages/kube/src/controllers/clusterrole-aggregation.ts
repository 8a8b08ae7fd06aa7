import { jsonEqual } from "../api/json-value.js";
import { labelSelectorMatches } from "../api/labels.js";
import type { ClusterRole, PolicyRule } from "../api/types.js";
import type { ControllerContext } from "./context.js";
import { WorkQueue } from "./workqueue.js";

/**
 * kube-controller-manager's clusterrole-aggregation controller
 * (pkg/controller/clusterroleaggregation): a ClusterRole with an aggregationRule gets, as its
 * rules, the rules of every other ClusterRole its selectors match, in name order, duplicates
 * dropped. Any ClusterRole change re-syncs every aggregated role, so chains (view → edit →
 * admin) settle.
 */
export class ClusterRoleAggregationController {
  private readonly queue: WorkQueue;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue(ctx.sim, "clusterrole-aggregation", (name) => void this.sync(name));
  }

  start(): void {
    // The roles the API server bootstrapped are aggregated before anyone looks at them.
    while (this.aggregated().map((name) => this.sync(name)).some((changed) => changed));
    this.ctx.api.watch<ClusterRole>("ClusterRole", () => {
      for (const name of this.aggregated()) this.queue.add(name);
    });
  }

  private aggregated(): string[] {
    return this.ctx.api.list<ClusterRole>("ClusterRole").filter((r) => r.aggregationRule !== undefined).map((r) => r.metadata.name!);
  }

  /** Returns whether the role's rules changed. */
  private sync(name: string): boolean {
    const api = this.ctx.api;
    const role = api.get<ClusterRole>("ClusterRole", undefined, name);
    const selectors = role?.aggregationRule?.clusterRoleSelectors;
    if (role === undefined || selectors === undefined) return false;
    const sources = api
      .list<ClusterRole>("ClusterRole")
      .filter((r) => r.metadata.name !== name && selectors.some((s) => labelSelectorMatches(s, r.metadata.labels)))
      .sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1));
    const rules: PolicyRule[] = [];
    for (const r of sources) for (const rule of r.rules ?? []) if (!rules.some((x) => jsonEqual(x, rule))) rules.push(rule);
    if (jsonEqual(rules, role.rules ?? [])) return false;
    api.mutate<ClusterRole>("ClusterRole", undefined, name, (draft) => void (draft.rules = rules));
    return true;
  }
}
