import { spawn, wait, type Proc } from "@ksim/sim";
import type { Container, Pod } from "../../api/types.js";
import type { ContainerInstance } from "../../kubelet/container.js";
import { STREAM_FLAGS, type Command, type Invocation } from "./command.js";
import { useTty } from "./exec.js";
import { dialKubelet } from "./kubelet-link.js";
import { attachablePod, defaultContainer, podOrController } from "./pods.js";
import type { Session } from "./session.js";
import { streamUntilQuiet } from "./waiting.js";

/**
 * The attach subresource (`kubectl run -i`): kubectl's streams joined to a running container's
 * main process. Output is what the process writes from the moment of attaching (earlier output
 * is only in the log, which is why kubectl tells users to press enter).
 */

/** Attaches; resolves when the container's main process exits (or see streamUntilQuiet). Throws the kubelet's refusal. */
export function* attachContainer(s: Session, pod: Pod, container: string, forwardStdin: boolean): Proc<void> {
  yield* dialKubelet(s, pod, (_address, dialError) => `error dialing backend: ${dialError}`);
  const worker = s.cluster.podWorker(pod.metadata.namespace!, pod.metadata.name!);
  const instance = worker?.instance(container);
  if (instance === undefined) {
    // The kubelet's refusal reaches kubectl as an InternalError status.
    throw new Error(`Internal error occurred: unable to upgrade connection: container ${container} not found in pod ${pod.metadata.name}_${pod.metadata.namespace}`);
  }
  let lastOutput = s.sim.now;
  const stopOutput = instance.log.stream((stream, chunk) => {
    lastOutput = s.sim.now;
    if (stream === "stderr") s.err(chunk);
    else s.out(chunk);
  });
  const input = forwardStdin ? spawn(s.sim, pipeStdin(s, instance), "kubectl-attach-stdin") : undefined;
  try {
    // Until the process exits; a mere watcher (no stdin) also stops once the output has been quiet
    // for a while, as the simulated user's Ctrl-C.
    if (input === undefined) yield* streamUntilQuiet(s, () => lastOutput, instance.exited);
    else yield* wait(instance.exited);
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

/**
 * AttachOptions.Run's set-up, for attach and run: the TTY (a container started with one is
 * attached with one whether asked or not) and the notices printed before attaching. Returns
 * whether kubectl's terminal is in raw mode.
 */
export function prepareAttach(s: Session, container: Container, o: { readonly stdin: boolean; readonly tty: boolean; readonly quiet: boolean }): boolean {
  let tty = o.tty || container.tty === true;
  if (o.tty && container.tty !== true) {
    if (!o.quiet) s.err(`error: Unable to use a TTY - container ${container.name} did not allocate one\n`);
    tty = false;
  }
  const raw = useTty(s, o.stdin, tty, o.quiet);
  if (!o.quiet) {
    // Since kubectl 1.32 (kubernetes#127183): what is typed is kept in the container's log.
    s.err("All commands and output from this session will be recorded in container logs, including credentials and sensitive information passed through the command prompt.\n");
    s.err("If you don't see a command prompt, try pressing enter.\n");
  }
  return raw;
}

/**
 * AttachOptions.reattachMessage: how to come back to a pod that restarts its containers. An
 * ephemeral container is never restarted, so the message says it may only still be running.
 */
export function reattachMessage(pod: Pod, container: string): string | undefined {
  if ((pod.spec.restartPolicy ?? "Always") !== "Always") return undefined;
  const command = `kubectl attach ${pod.metadata.name} -c ${container} -n ${pod.metadata.namespace} -i -t`;
  if ((pod.spec.ephemeralContainers ?? []).some((c) => c.name === container)) {
    return `Session ended, the ephemeral container will not be restarted but may be reattached using '${command}' if it is still running`;
  }
  return `Session ended, resume using '${command}' command`;
}

/** `kubectl attach POD [-c CONTAINER] [-i] [-t]`: the streams of a running container's main process. */
export const attachCommand: Command = {
  name: "attach",
  short: "Attach to a running container",
  usage: "(POD | TYPE/NAME) -c CONTAINER",
  flags: STREAM_FLAGS,
  run: runAttach,
};

function* runAttach(inv: Invocation): Proc<number> {
  const { s, flags, args } = inv;
  if (args.length === 0) throw new Error("at least 1 argument is required for attach");
  if (args.length > 2) throw new Error(`expected POD, TYPE/NAME, or TYPE NAME, (at most 2 arguments) saw ${args.length}: [${args.join(" ")}]`);
  const quiet = flags.bool("quiet");
  const target = args.length === 2 ? `${args[0]}/${args[1]}` : args[0]!;
  const { pod } = yield* attachablePod(s, podOrController(s, target), flags.duration("pod-running-timeout", 60_000));
  const phase = pod.status?.phase;
  if (phase === "Succeeded" || phase === "Failed") throw new Error(`cannot attach a container in a completed pod; current phase is ${phase}`);
  const name = flags.string("container");
  // FindOrDefaultContainerByName: an ephemeral container (kubectl debug's) can be attached to as well.
  const container = name === "" ? defaultContainer(s, pod) : [...pod.spec.containers, ...(pod.spec.ephemeralContainers ?? [])].find((c) => c.name === name);
  if (container === undefined) throw new Error(`cannot attach to the container: container ${name} not found in pod ${pod.metadata.name}`);
  const stdin = flags.bool("stdin");
  const raw = prepareAttach(s, container, { stdin, tty: flags.bool("tty"), quiet });
  yield* attachContainer(s, pod, container.name, stdin);
  const message = reattachMessage(pod, container.name);
  if (!quiet && stdin && raw && message !== undefined) s.out(`${message}\n`);
  return 0;
}

