import { decodeText, encodeText, FsError } from "@ksim/sim";
import type { Container } from "../api/types.js";
import { ROOT } from "../runtime/fs.js";
import type { ContainerInstance } from "./container.js";

/** kubecontainer.MaxContainerTerminationMessageLength: the file's last 4 KiB. */
const MAX_MESSAGE_BYTES = 4 * 1024;
/** MaxContainerTerminationMessageLogLines and ...LogLength: FallbackToLogsOnError's tail of the log. */
const MAX_LOG_LINES = 80;
const MAX_LOG_BYTES = 2 * 1024;

/**
 * The message the kubelet puts in an exited container's terminated state (getTerminationMessage):
 * the last 4 KiB of the file at terminationMessagePath, or, with FallbackToLogsOnError after a
 * failure that left the file empty, the last 80 lines of its log, at most 2 KiB of them.
 * Undefined when there is nothing to say.
 */
export function terminationMessage(spec: Container, instance: ContainerInstance, exitCode: number): string | undefined {
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
  return message === "" ? undefined : message;
}

function lastBytes(data: Uint8Array, max: number): Uint8Array {
  return data.length <= max ? data : data.subarray(data.length - max);
}
