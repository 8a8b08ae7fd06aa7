/**
 * The READY, STATUS and RESTARTS cells of `kubectl get pods` (printers.go `printPod`): the
 * first unfinished init container, then the main containers from last to first so the first
 * container's state wins, `Terminating` for pods being deleted, and `3 (42s ago)` restarts.
 */
import type { Container, ContainerStatus, Pod, PodCondition } from "../../api/types.js";
import { parseTime } from "../../api/time.js";
import { humanDuration } from "./duration.js";

export interface PodSummary {
  readonly ready: string;
  readonly status: string;
  readonly restarts: string;
}

export function podSummary(pod: Pod, now: number): PodSummary {
  const status = pod.status ?? {};
  const phase = status.phase ?? "";
  let reason: string = status.reason || phase;
  if ((status.conditions ?? []).some((c) => c.type === "PodScheduled" && c.reason === "SchedulingGated")) {
    reason = "SchedulingGated";
  }
  const initSpecs = new Map<string, Container>((pod.spec.initContainers ?? []).map((c) => [c.name, c]));
  const isSidecar = (name: string) => initSpecs.get(name)?.restartPolicy === "Always";
  const total = pod.spec.containers.length + [...initSpecs.values()].filter((c) => c.restartPolicy === "Always").length;
  let readyCount = 0;
  let restarts = 0;
  let lastRestart = 0;
  let sidecarRestarts = 0;
  let lastSidecarRestart = 0;

  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i]!;
    restarts += c.restartCount;
    lastRestart = Math.max(lastRestart, lastTermination(c));
    if (isSidecar(c.name)) {
      sidecarRestarts += c.restartCount;
      lastSidecarRestart = Math.max(lastSidecarRestart, lastTermination(c));
    }
    const terminated = c.state?.terminated;
    const waiting = c.state?.waiting;
    if (terminated && terminated.exitCode === 0) continue;
    if (isSidecar(c.name) && c.started) {
      if (c.ready) readyCount++;
      continue;
    }
    if (terminated) {
      reason = terminated.reason
        ? `Init:${terminated.reason}`
        : terminated.signal
          ? `Init:Signal:${terminated.signal}`
          : `Init:ExitCode:${terminated.exitCode}`;
    } else if (waiting?.reason && waiting.reason !== "PodInitializing") {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${initSpecs.size}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || conditionTrue(status.conditions, "Initialized")) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i]!;
      restarts += c.restartCount;
      lastRestart = Math.max(lastRestart, lastTermination(c));
      const terminated = c.state?.terminated;
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (terminated?.reason) reason = terminated.reason;
      else if (terminated) reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode}`;
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        readyCount++;
      }
    }
    if (reason === "Completed" && hasRunning) reason = conditionTrue(status.conditions, "Ready") ? "Running" : "NotReady";
  }

  if (pod.metadata.deletionTimestamp && status.reason === "NodeLost") reason = "Unknown";
  else if (pod.metadata.deletionTimestamp && phase !== "Succeeded" && phase !== "Failed") reason = "Terminating";

  const restartsText =
    restarts !== 0 && lastRestart !== 0 ? `${restarts} (${humanDuration(now - lastRestart)} ago)` : String(restarts);
  return { ready: `${readyCount}/${total}`, status: reason, restarts: restartsText };
}

function lastTermination(c: ContainerStatus): number {
  const finished = c.lastState?.terminated?.finishedAt;
  return finished ? parseTime(finished) : 0;
}

function conditionTrue(conditions: readonly PodCondition[] | undefined, type: string): boolean {
  return (conditions ?? []).some((c) => c.type === type && c.status === "True");
}
