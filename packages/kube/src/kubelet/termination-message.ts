import { decodeText, encodeText, FsError } from "@ksim/sim";
import type { Container, Pod } from "../api/types.js";
import { ROOT } from "../runtime/fs.js";
import type { ContainerInstance } from "./container.js";

/** kubecontainer.MaxContainerTerminationMessageLength: the file's last 4 KiB. */
const MAX_MESSAGE_BYTES = 4 * 1024;
/** MaxContainerTerminationMessageLogLines and ...LogLength: FallbackToLogsOnError's tail of the log. */
const MAX_LOG_LINES = 80;
const MAX_LOG_BYTES = 2 * 1024;
/** kubecontainer.MaxPodTerminationMessageLogLength: what all of a pod's containers may say together. */
const MAX_POD_MESSAGE_BYTES = 12 * 1024;

/**
 * What the status manager lets each container's message keep (normalizeStatus): the pod's 12 KiB
 * shared evenly between its containers and init containers. Only a pod with four or more of them
 * cuts a 4 KiB message; the first bytes are kept.
 */
export function messageBudget(pod: Pod): number {
  const containers = pod.spec.containers.length + (pod.spec.initContainers?.length ?? 0);
  return containers > 0 ? Math.floor(MAX_POD_MESSAGE_BYTES / containers) : MAX_POD_MESSAGE_BYTES;
}

/**
 * The message the kubelet puts in an exited container's terminated state (getTerminationMessage):
 * the last 4 KiB of the file at terminationMessagePath, or, with FallbackToLogsOnError after a
 * failure that left the file empty, the last 80 lines of its log, at most 2 KiB of them.
 * Undefined when there is nothing to say. The status manager then cuts it to `budget` bytes.
 */
export function terminationMessage(spec: Container, instance: ContainerInstance, exitCode: number, budget: number): string | undefined {
  const fallback = spec.terminationMessagePolicy === "FallbackToLogsOnError" && exitCode !== 0;
  let message = "";
  const path = spec.terminationMessagePath;
  if (path !== undefined && path !== "") {
    try {
      message = decodeText(lastBytes(instance.fs.view(ROOT).readFile(path), MAX_MESSAGE_BYTES));
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
      if (e.code !== "ENOENT") message = `Error on reading termination log ${path}: ${e.message}`;
    }
  }
  if (message === "" && fallback) {
    const lines = instance.log.lines.slice(-MAX_LOG_LINES).map((l) => `${l.text}\n`).join("");
    message = decodeText(lastBytes(encodeText(lines), MAX_LOG_BYTES));
  }
  if (message === "") return undefined;
  const bytes = encodeText(message);
  return bytes.length <= budget ? message : decodeText(bytes.subarray(0, budget));
}

function lastBytes(data: Uint8Array, max: number): Uint8Array {
  return data.length <= max ? data : data.subarray(data.length - max);
}
