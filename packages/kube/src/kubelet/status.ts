import type { Container, ContainerState, ContainerStatus, Pod, PodCondition, PodStatus } from "../api/types.js";

/** The condition types the kubelet owns (PodConditionByKubelet), in the order it reports them. */
export const KUBELET_CONDITIONS: readonly string[] = ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"];

/**
 * The status manager's mergePodStatus, against the pod as the API server has it: conditions
 * others own (DisruptionTarget from an eviction, readiness gates) stay, ahead of the kubelet's.
 */
export function mergePodStatus(current: PodStatus | undefined, reported: PodStatus): PodStatus {
  const theirs = (current?.conditions ?? []).filter((c) => !KUBELET_CONDITIONS.includes(c.type));
  if (theirs.length === 0) return reported;
  return { ...reported, conditions: [...theirs, ...(reported.conditions ?? []).filter((c) => KUBELET_CONDITIONS.includes(c.type))] };
}

/** The kubelet's view of one container, from which the API status is generated. */
export interface ContainerView {
  readonly spec: Container;
  readonly image: string;
  readonly imageID: string;
  readonly containerID: string | undefined;
  readonly state: ContainerState;
  readonly lastState: ContainerState;
  readonly ready: boolean;
  /** Unset for ephemeral containers, which the prober manager never looks at. */
  readonly started: boolean | undefined;
  readonly restartCount: number;
  /** Has this container ever been started in this pod? */
  readonly everStarted: boolean;
}

export function toContainerStatus(v: ContainerView): ContainerStatus {
  const s: ContainerStatus = {
    name: v.spec.name,
    state: v.state,
    lastState: v.lastState,
    ready: v.ready,
    restartCount: v.restartCount,
    image: v.image,
    imageID: v.imageID,
  };
  if (v.started !== undefined) s.started = v.started;
  if (v.containerID !== undefined) s.containerID = `containerd://${v.containerID}`;
  return s;
}

/**
 * getPhase (pkg/kubelet/kubelet_pods.go): Pending until every container has started at least
 * once; Running while any runs or will be restarted; Succeeded/Failed when all have terminated
 * for good under the restart policy.
 */
export function podPhase(pod: Pod, views: readonly ContainerView[], initDone: boolean): PodStatus["phase"] {
  if (!initDone) return "Pending";
  const policy = pod.spec.restartPolicy ?? "Always";
  let pending = 0;
  let running = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const v of views) {
    if (v.state.running !== undefined) running++;
    else if (v.state.terminated !== undefined) {
      stopped++;
      if (v.state.terminated.exitCode === 0) succeeded++;
    } else if (v.state.waiting !== undefined) {
      if (v.everStarted) stopped++;
      else pending++;
    } else pending++;
  }
  if (pending > 0) return "Pending";
  if (running > 0) return "Running";
  if (stopped > 0) {
    if (policy === "Always") return "Running";
    if (stopped === succeeded) return "Succeeded";
    if (policy === "Never") return "Failed";
    return "Running";
  }
  return "Pending";
}

/** Sets a condition, moving lastTransitionTime only when its status changes. */
export function setCondition(conditions: PodCondition[], type: string, status: "True" | "False", now: string, reason?: string, message?: string): void {
  const i = conditions.findIndex((c) => c.type === type);
  const old = i >= 0 ? conditions[i] : undefined;
  const next: PodCondition = {
    type,
    status,
    lastProbeTime: null,
    lastTransitionTime: old !== undefined && old.status === status ? old.lastTransitionTime : now,
  };
  if (reason !== undefined) next.reason = reason;
  if (message !== undefined) next.message = message;
  if (i >= 0) conditions[i] = next;
  else conditions.push(next);
}
