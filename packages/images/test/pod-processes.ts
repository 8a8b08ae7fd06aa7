import type { Sandbox } from "@ksim/kube";

/** An nginx worker's pid, as the node sees the pod's processes (the official image has no pgrep). */
export function workerPid(pod: Sandbox): string {
  return String(pod.processes.list().find((p) => p.commandLine === "nginx: worker process")!.pid);
}
