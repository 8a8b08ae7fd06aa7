import { sleep, wait, type Proc } from "@ksim/sim";
import { selectorMatches } from "../../api/labels.js";
import type { Node, Pod } from "../../api/types.js";
import { evictPod } from "../../controllers/disruption.js";
import { controllerRef } from "../../controllers/pod-util.js";
import { parseTime } from "../../api/time.js";
import { goDuration } from "../../kubelet/pod-worker.js";
import { nameLine } from "../output/index.js";
import { DRY_RUN_FLAG, dryRunOf, dryRunSuffix, SELECTOR_FLAG, type Command, type DryRun, type Invocation } from "./command.js";
import { aggregate, ErrorList, StatusError, toStatus, usageError } from "./errors.js";
import type { Session } from "./session.js";
import { flatten, gvrString, parseLabels, select, selectNames } from "./targets.js";
import { concurrently } from "./waiting.js";
import { updateObject } from "./writes.js";

/**
 * `kubectl cordon`, `uncordon` and `drain` (kubectl pkg/cmd/drain and pkg/drain): marking nodes
 * unschedulable, and evicting (or deleting) their pods in parallel, retrying evictions a
 * disruption budget refuses, and waiting for the pods to be gone.
 */
const EVICT_RETRY_MS = 5000;
const DELETE_POLL_MS = 1000;

export const cordonCommand: Command = {
  name: "cordon",
  short: "Mark node as unschedulable",
  usage: "NODE",
  flags: [SELECTOR_FLAG, DRY_RUN_FLAG],
  run: (inv) => cordonOrUncordon(inv, true),
};

export const uncordonCommand: Command = {
  name: "uncordon",
  short: "Mark node as schedulable",
  usage: "NODE",
  flags: [SELECTOR_FLAG, DRY_RUN_FLAG],
  run: (inv) => cordonOrUncordon(inv, false),
};

export const drainCommand: Command = {
  name: "drain",
  short: "Drain node in preparation for maintenance",
  usage: "NODE",
  flags: [
    SELECTOR_FLAG,
    DRY_RUN_FLAG,
    { name: "force", type: "bool" },
    { name: "ignore-daemonsets", type: "bool" },
    { name: "delete-emptydir-data", type: "bool" },
    { name: "delete-local-data", type: "bool" },
    { name: "grace-period", type: "int" },
    { name: "timeout", type: "duration" },
    { name: "pod-selector", type: "string" },
    { name: "disable-eviction", type: "bool" },
    { name: "skip-wait-for-delete-timeout", type: "int" },
  ],
  run: runDrain,
};

/** DrainCmdOptions.Complete: the nodes named or selected. */
function nodesOf(inv: Invocation): Node[] {
  const { s, flags, args } = inv;
  const selector = flags.string("selector");
  if (args.length === 0 && !flags.changed("selector")) throw usageError(inv.path, `USAGE: ${inv.path.split(" ").pop()} NODE [flags]`);
  if (args.length > 0 && selector !== "") throw usageError(inv.path, "error: cannot specify both a node name and a --selector option");
  const selection = args.length > 0 ? selectNames(s, "nodes", args) : select(s, { args: ["nodes"], selector });
  if (selection.errors.length > 0) throw aggregate(selection.errors);
  return flatten(selection).map(({ type, object }) => {
    // `TYPE/NAME` names any type; only nodes are drained.
    if (type.kind !== "Node") throw new Error(`error: expected resource of type node, got ${JSON.stringify(gvrString(type))}`);
    return object as Node;
  });
}

function* cordonOrUncordon(inv: Invocation, desired: boolean): Proc<number> {
  setUnschedulable(inv.s, nodesOf(inv), desired, dryRunOf(inv.flags));
  return 0;
}

/** RunCordonOrUncordon: `node/x cordoned`, `already cordoned`, or the error for that node. */
function setUnschedulable(s: Session, nodes: readonly Node[], desired: boolean, dryRun: DryRun): void {
  const verb = desired ? "cordon" : "uncordon";
  for (const node of nodes) {
    if ((node.spec.unschedulable ?? false) === desired) {
      s.out(nameLine(node, `already ${verb}ed${dryRunSuffix(dryRun)}`));
      continue;
    }
    try {
      if (dryRun !== "client") {
        const spec = { ...node.spec };
        if (desired) spec.unschedulable = true;
        else delete spec.unschedulable;
        updateObject(s, node, { ...node, spec }, dryRun);
      }
      s.out(nameLine(node, `${verb}ed${dryRunSuffix(dryRun)}`));
    } catch (e) {
      s.err(`error: unable to ${verb} node ${JSON.stringify(node.metadata.name)}: ${(toStatus(e) as Error).message}\n`);
    }
  }
}

interface DrainOptions {
  readonly force: boolean;
  readonly ignoreDaemonSets: boolean;
  readonly deleteEmptyDirData: boolean;
  readonly gracePeriodSeconds: number;
  /** 0: none. */
  readonly timeoutMs: number;
  readonly podSelector: string;
  readonly disableEviction: boolean;
  readonly skipWaitForDeleteTimeoutSeconds: number;
  readonly dryRun: DryRun;
}

function* runDrain(inv: Invocation): Proc<number> {
  const { s, flags } = inv;
  const dryRun = dryRunOf(flags);
  const options: DrainOptions = {
    force: flags.bool("force"),
    ignoreDaemonSets: flags.bool("ignore-daemonsets"),
    deleteEmptyDirData: flags.bool("delete-emptydir-data") || flags.bool("delete-local-data"),
    gracePeriodSeconds: flags.int("grace-period", -1),
    timeoutMs: flags.duration("timeout", 0),
    podSelector: flags.string("pod-selector"),
    disableEviction: flags.bool("disable-eviction"),
    skipWaitForDeleteTimeoutSeconds: flags.int("skip-wait-for-delete-timeout", 0),
    dryRun,
  };
  if (options.podSelector !== "") {
    try {
      parseLabels(options.podSelector);
    } catch {
      throw new Error("--pod-selector=<pod_selector> must be a valid label selector");
    }
  }
  const nodes = nodesOf(inv);
  setUnschedulable(s, nodes, true, dryRun);
  const fatal: unknown[] = [];
  const remaining: string[] = [];
  for (const node of nodes) {
    try {
      yield* drainNode(s, node.metadata.name!, options);
      s.out(nameLine(node, `drained${dryRunSuffix(dryRun)}`));
    } catch (e) {
      s.err(`error: unable to drain node ${JSON.stringify(node.metadata.name)} due to error: ${errorString(e)}, continuing command...\n`);
      fatal.push(e);
      remaining.push(node.metadata.name!);
    }
  }
  if (remaining.length > 0) s.err(`There are pending nodes to be drained:\n${remaining.map((n) => ` ${n}\n`).join("")}`);
  if (fatal.length > 0) throw aggregate(fatal);
  return 0;
}

/** An error as Go's %v prints it; an aggregate of several as `[a, b]`. */
function errorString(e: unknown): string {
  if (e instanceof ErrorList) return e.errors.length === 1 ? errorString(e.errors[0]) : `[${e.errors.map(errorString).join(", ")}]`;
  return e instanceof Error ? e.message : String(e);
}

type Verdict = { readonly delete: boolean; readonly warning?: string; readonly error?: string };

/**
 * The pod filters of pkg/drain, in their order. The last filter's verdict stands, so the local
 * storage warning is dropped for pods that pass the controller check (as upstream notes).
 */
function verdict(s: Session, pod: Pod, o: DrainOptions): Verdict {
  const finished = pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
  if (o.skipWaitForDeleteTimeoutSeconds > 0 && pod.metadata.deletionTimestamp !== undefined) {
    if (s.now() - parseTime(pod.metadata.deletionTimestamp) > o.skipWaitForDeleteTimeoutSeconds * 1000) return { delete: false };
  }
  const owner = controllerRef(pod);
  if (owner?.kind === "DaemonSet" && !finished) {
    // The DaemonSet would only put it back: drain leaves it, or refuses without the flag.
    // An orphan of a deleted DaemonSet goes with --force (its warning is overwritten by the later
    // filters' verdict, as upstream's is).
    if (s.api.get("DaemonSet", pod.metadata.namespace, owner.name) === undefined) {
      if (!o.force) return { delete: false, error: `daemonsets.apps ${JSON.stringify(owner.name)} not found` };
    } else if (!o.ignoreDaemonSets) return { delete: false, error: "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)" };
    else return { delete: false, warning: "ignoring DaemonSet-managed Pods" };
  }
  if (!finished && !o.deleteEmptyDirData && (pod.spec.volumes ?? []).some((vol) => vol.emptyDir !== undefined)) {
    return { delete: false, error: "Pods with local storage (use --delete-emptydir-data to override)" };
  }
  if (finished || owner !== undefined) return { delete: true };
  if (!o.force) return { delete: false, error: "Pods that declare no controller (use --force to override)" };
  return { delete: true, warning: "deleting Pods that declare no controller" };
}

interface PodDeleteList {
  readonly pods: Pod[];
  readonly warnings: string;
  readonly errors: Error[];
}

/** GetPodsForDeletion: the node's pods, what may go, what must not, and the warnings. */
function podsForDeletion(s: Session, node: string, o: DrainOptions): PodDeleteList {
  const selector = parseLabels(o.podSelector);
  const pods = s.list<Pod>("Pod").filter((p) => p.spec.nodeName === node && selectorMatches(selector, p.metadata.labels));
  const warnings = new Map<string, string[]>();
  const errors = new Map<string, string[]>();
  const deletable: Pod[] = [];
  for (const pod of pods) {
    const v = verdict(s, pod, o);
    const who = `${pod.metadata.namespace}/${pod.metadata.name}`;
    if (v.delete) deletable.push(pod);
    if (v.warning !== undefined) warnings.set(v.warning, [...(warnings.get(v.warning) ?? []), who]);
    else if (v.error !== undefined) errors.set(v.error, [...(errors.get(v.error) ?? []), who]);
  }
  return {
    pods: deletable,
    warnings: [...warnings].map(([msg, who]) => `${msg}: ${who.join(", ")}`).join("; "),
    errors: [...errors].map(([msg, who]) => new Error(`cannot delete ${msg}: ${who.join(", ")}`)),
  };
}

/** deleteOrEvictPodsSimple. */
function* drainNode(s: Session, node: string, o: DrainOptions): Proc<void> {
  const list = podsForDeletion(s, node, o);
  if (list.errors.length > 0) throw aggregate(list.errors);
  if (list.warnings !== "") s.err(`Warning: ${list.warnings}\n`);
  if (o.dryRun === "client") {
    for (const pod of list.pods) s.out(`evicting pod ${pod.metadata.namespace}/${pod.metadata.name} (dry run)\n`);
    return;
  }
  try {
    if (o.disableEviction) yield* deletePods(s, list.pods, o);
    else yield* evictPods(s, list.pods, o);
  } catch (e) {
    const pending = podsForDeletion(s, node, o);
    if (pending.pods.length > 0) {
      s.err(`There are pending pods in node ${JSON.stringify(node)} when an error occurred: ${errorString(e)}\n${pending.pods.map((p) => `pod/${p.metadata.name}\n`).join("")}`);
    }
    if (pending.errors.length > 0) s.err(`Following errors occurred while getting the list of pods to delete:\n${errorString(aggregate(pending.errors))}`);
    throw e;
  }
}

/** evictPods: one loop per pod, all at once; errors gathered when all are done. */
function* evictPods(s: Session, pods: readonly Pod[], o: DrainOptions): Proc<void> {
  const deadline = o.timeoutMs > 0 ? s.sim.now + o.timeoutMs : undefined;
  const timeoutText = goDuration(o.timeoutMs);
  const results = yield* concurrently(s.sim, pods.map((pod) => evictOne(s, pod, o, deadline, timeoutText)));
  const errors = results.filter((e) => e !== undefined);
  if (errors.length > 0) throw aggregate(errors);
}

function* evictOne(s: Session, pod: Pod, o: DrainOptions, deadline: number | undefined, timeoutText: string): Proc<Error | undefined> {
  const ns = pod.metadata.namespace!;
  const name = pod.metadata.name!;
  for (;;) {
    s.out(`evicting pod ${ns}/${name}${o.dryRun === "server" ? " (server dry run)" : ""}\n`);
    if (deadline !== undefined && s.sim.now >= deadline) {
      return new Error(`error when evicting pods/${JSON.stringify(name)} -n ${JSON.stringify(ns)}: global timeout reached: ${timeoutText}`);
    }
    if (o.dryRun === "server") return undefined;
    try {
      evictPod(s.api, ns, name, o.gracePeriodSeconds >= 0 ? { gracePeriodSeconds: o.gracePeriodSeconds } : {});
      break;
    } catch (e) {
      const status = toStatus(e);
      if (status instanceof StatusError && status.reason === "NotFound") return undefined;
      if (!(status instanceof StatusError && status.reason === "TooManyRequests")) {
        return new Error(`error when evicting pods/${JSON.stringify(name)} -n ${JSON.stringify(ns)}: ${errorString(status)}`);
      }
      s.err(`error when evicting pods/${JSON.stringify(name)} -n ${JSON.stringify(ns)} (will retry after ${goDuration(EVICT_RETRY_MS)}): ${status.message}\n`);
      yield* wait(sleep(s.sim, EVICT_RETRY_MS));
    }
  }
  const err = yield* waitForDelete(s, [pod], "evicted", deadline, timeoutText);
  return err === undefined ? undefined : new Error(`error when waiting for pod ${JSON.stringify(name)} in namespace ${JSON.stringify(ns)} to terminate: ${err}`);
}

/** deletePods (`--disable-eviction`): delete all, then wait for all. */
function* deletePods(s: Session, pods: readonly Pod[], o: DrainOptions): Proc<void> {
  for (const pod of pods) {
    try {
      s.api.delete("Pod", pod.metadata.namespace, pod.metadata.name!, o.gracePeriodSeconds >= 0 ? { gracePeriodSeconds: o.gracePeriodSeconds } : {});
    } catch (e) {
      const status = toStatus(e);
      if (!(status instanceof StatusError && status.reason === "NotFound")) throw status;
    }
  }
  const deadline = o.timeoutMs > 0 ? s.sim.now + o.timeoutMs : undefined;
  const err = yield* waitForDelete(s, pods, "deleted", deadline, goDuration(o.timeoutMs));
  if (err !== undefined) throw new Error(err);
}

/**
 * waitForDelete: polls every second (the first time at once) until each pod is gone or replaced
 * by a new one of the same name, printing `pod/x evicted` for each; an error text at the deadline.
 */
function* waitForDelete(s: Session, pods: readonly Pod[], verb: string, deadline: number | undefined, timeoutText: string): Proc<string | undefined> {
  let pending = [...pods];
  for (;;) {
    pending = pending.filter((pod) => {
      const now = s.api.get<Pod>("Pod", pod.metadata.namespace, pod.metadata.name!);
      if (now !== undefined && now.metadata.uid === pod.metadata.uid) return true;
      s.out(nameLine(pod, verb));
      return false;
    });
    if (pending.length === 0) return undefined;
    if (deadline !== undefined && s.sim.now >= deadline) return `global timeout reached: ${timeoutText}`;
    yield* wait(sleep(s.sim, DELETE_POLL_MS));
  }
}
