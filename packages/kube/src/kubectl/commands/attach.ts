import { spawn, wait, type Proc } from "@ksim/sim";
import type { Pod } from "../../api/types.js";
import type { ContainerInstance } from "../../kubelet/container.js";
import type { OutputStream } from "../../runtime/streams.js";
import { dialKubelet } from "./kubelet-link.js";
import type { Session } from "./session.js";

/**
 * The attach subresource (`kubectl run -i`): kubectl's streams joined to a running container's
 * main process. Output is what the process writes from the moment of attaching (earlier output
 * is only in the log, which is why kubectl tells users to press enter).
 */

/**
 * PID 1's standard input, which the kubelet keeps open for containers created with `stdin:
 * true`. The runtime does not offer it yet (see the report); until it does, attaching forwards
 * output only.
 */
interface StdinCapable {
  readonly stdin?: OutputStream;
}

/** Attaches; resolves when the container's main process exits. Throws the kubelet's refusal. */
export function* attachContainer(s: Session, pod: Pod, container: string, forwardStdin: boolean): Proc<void> {
  yield* dialKubelet(s, pod, (_address, dialError) => `error dialing backend: ${dialError}`);
  const worker = s.cluster.podWorker(pod.metadata.namespace!, pod.metadata.name!);
  const instance = worker?.instance(container);
  if (instance === undefined) {
    throw new Error(`unable to upgrade connection: container ${container} not found in pod ${pod.metadata.name}_${pod.metadata.namespace}`);
  }
  const stopOutput = instance.log.follow((line) => {
    if (line.stream === "stderr") s.err(`${line.text}\n`);
    else s.out(`${line.text}\n`);
  });
  const input = forwardStdin ? spawn(s.sim, pipeStdin(s, instance), "kubectl-attach-stdin") : undefined;
  try {
    yield* wait(instance.exited);
  } finally {
    stopOutput();
    input?.kill();
  }
}

function* pipeStdin(s: Session, instance: ContainerInstance): Proc<void> {
  const target = (instance as ContainerInstance & StdinCapable).stdin;
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
