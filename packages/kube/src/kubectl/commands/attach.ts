import { spawn, wait, type Proc } from "@ksim/sim";
import type { Pod } from "../../api/types.js";
import type { ContainerInstance } from "../../kubelet/container.js";
import { dialKubelet } from "./kubelet-link.js";
import type { Session } from "./session.js";

/**
 * The attach subresource (`kubectl run -i`): kubectl's streams joined to a running container's
 * main process. Output is what the process writes from the moment of attaching (earlier output
 * is only in the log, which is why kubectl tells users to press enter).
 */

/** Attaches; resolves when the container's main process exits. Throws the kubelet's refusal. */
export function* attachContainer(s: Session, pod: Pod, container: string, forwardStdin: boolean): Proc<void> {
  yield* dialKubelet(s, pod, (_address, dialError) => `error dialing backend: ${dialError}`);
  const worker = s.cluster.podWorker(pod.metadata.namespace!, pod.metadata.name!);
  const instance = worker?.instance(container);
  if (instance === undefined) {
    // The kubelet's refusal reaches kubectl as an InternalError status.
    throw new Error(`Internal error occurred: unable to upgrade connection: container ${container} not found in pod ${pod.metadata.name}_${pod.metadata.namespace}`);
  }
  const stopOutput = instance.log.stream((stream, chunk) => (stream === "stderr" ? s.err(chunk) : s.out(chunk)));
  const input = forwardStdin ? spawn(s.sim, pipeStdin(s, instance), "kubectl-attach-stdin") : undefined;
  try {
    yield* wait(instance.exited);
  } finally {
    stopOutput();
    input?.kill();
  }
}

function* pipeStdin(s: Session, instance: ContainerInstance): Proc<void> {
  const target = instance.stdin;
  if (target === undefined) return;
  for (;;) {
    const chunk = yield* wait(s.ctx.stdin.read());
    if (chunk === null) {
      target.close();
      return;
    }
    target.write(chunk);
  }
}
