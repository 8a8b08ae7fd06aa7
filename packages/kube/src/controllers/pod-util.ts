import { labelSelectorAsSelector, NOTHING, SelectorError, selectorMatches, type SelectorOrNothing } from "../api/labels.js";
import { parseTime } from "../api/time.js";
import type { KubeObject, LabelSelector, Labels, OwnerReference, Pod, PodCondition } from "../api/types.js";

export function podCondition(pod: Pod, type: string): PodCondition | undefined {
  for (const c of pod.status?.conditions ?? []) if (c.type === type) return c;
  return undefined;
}

/** The PodReady condition is True. */
export function isPodReady(pod: Pod): boolean {
  return podCondition(pod, "Ready")?.status === "True";
}

/** podutil.IsPodAvailable: Ready, and for at least minReadySeconds. */
export function isPodAvailable(pod: Pod, minReadySeconds: number, nowMs: number): boolean {
  const ready = podCondition(pod, "Ready");
  if (ready?.status !== "True") return false;
  if (minReadySeconds <= 0) return true;
  const since = ready.lastTransitionTime === undefined ? nowMs : parseTime(ready.lastTransitionTime);
  return since + minReadySeconds * 1000 <= nowMs;
}

export function isTerminating(o: KubeObject): boolean {
  return o.metadata.deletionTimestamp !== undefined;
}

export function isRunningAndReady(pod: Pod): boolean {
  return pod.status?.phase === "Running" && isPodReady(pod);
}

const NO_REFS: readonly OwnerReference[] = [];

/** The owner reference with controller: true, if any. */
export function controllerRef(o: KubeObject): OwnerReference | undefined {
  // A loop rather than find: every sync and many watch handlers ask this of every object they see.
  for (const r of o.metadata.ownerReferences ?? NO_REFS) if (r.controller === true) return r;
  return undefined;
}

/** metav1.NewControllerRef. */
export function newControllerRef(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name!,
    uid: owner.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** namespace/name key of an object. */
export function keyOf(o: KubeObject): string {
  return o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name!;
}

export function splitKey(key: string): [string | undefined, string] {
  const i = key.indexOf("/");
  return i < 0 ? [undefined, key] : [key.slice(0, i), key.slice(i + 1)];
}

// Selectors live in stored objects, which are never mutated, so each converts once.
const converted = new WeakMap<LabelSelector, SelectorOrNothing>();

/** labelSelectorMatches, converting each selector object once: controllers match on every sync. */
export function matchesSelector(ls: LabelSelector | undefined | null, labels: Labels | undefined): boolean {
  if (ls === undefined || ls === null) return false;
  let selector = converted.get(ls);
  if (selector === undefined) {
    try {
      selector = labelSelectorAsSelector(ls);
    } catch (e) {
      if (!(e instanceof SelectorError)) throw e;
      selector = NOTHING;
    }
    converted.set(ls, selector);
  }
  return selectorMatches(selector, labels);
}
