import { wait, type Proc } from "@ksim/sim";
import type { Pod } from "../../api/types.js";
import { SpawnError, type SimProcess } from "../../runtime/process.js";
import { devNull, unclosable, type InputStream, type OutputStream } from "../../runtime/streams.js";
import { STREAM_FLAGS, type Command, type Invocation } from "./command.js";
import { ExitError, StatusError, usageError } from "./errors.js";
import { dialKubelet } from "./kubelet-link.js";
import { attachablePod, defaultContainer, podOrController } from "./pods.js";
import type { Session } from "./session.js";

/** `kubectl exec`: runs a process in a running container, wired to kubectl's own streams. */
export const execCommand: Command = {
  name: "exec",
  short: "Execute a command in a container",
  usage: "(POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND [args...]",
  flags: STREAM_FLAGS,
  run: runExec,
};

const POD_RUNNING_TIMEOUT_MS = 60_000;

function* runExec(inv: Invocation): Proc<number> {
  const { s, flags, args, argsLenAtDash } = inv;
  const quiet = flags.bool("quiet");
  const resource = args.length > 0 && argsLenAtDash !== 0 ? args[0] : undefined;
  // The legacy form without `--` (deprecated until 1.30) is refused since kubectl 1.31.
  if (argsLenAtDash < 0 && args.length > 1) throw usageError(inv.path, "exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead");
  const command = argsLenAtDash < 0 ? [] : args.slice(argsLenAtDash);
  if (resource === undefined) throw new Error("pod, type/name or --filename must be specified");
  if (command.length === 0) throw new Error("you must specify at least one command for the container");

  const { pod } = yield* attachablePod(s, podOrController(s, resource), flags.duration("pod-running-timeout", POD_RUNNING_TIMEOUT_MS));
  const phase = pod.status?.phase;
  if (phase === "Succeeded" || phase === "Failed") throw new Error(`cannot exec into a container in a completed pod; current phase is ${phase}`);
  const container = flags.string("container") || defaultContainer(s, pod).name;
  const tty = useTty(s, flags.bool("stdin"), flags.bool("tty"), quiet);
  const stdout = unclosable(s.ctx.stdout);
  const streams = { stdin: flags.bool("stdin") ? s.ctx.stdin : devNull, stdout, stderr: tty ? stdout : unclosable(s.ctx.stderr), tty };
  const code = yield* execInContainer(s, pod, container, command, streams);
  if (code !== 0) throw new ExitError(`command terminated with exit code ${code}`, code);
  return 0;
}

/** StreamOptions.SetupTTY: a TTY only with stdin, and only when kubectl's input is a terminal. */
export function useTty(s: Session, stdin: boolean, tty: boolean, quiet: boolean): boolean {
  if (!stdin || !tty) return false;
  if (!s.ctx.tty) {
    if (!quiet) s.err("Unable to use a TTY - input is not a terminal or the right kind of file\n");
    return false;
  }
  return true;
}

/** Where an exec'd process reads and writes (kubectl's own streams, or kubectl cp's tar pipe). */
export interface ExecStreams {
  readonly stdin: InputStream;
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly tty: boolean;
}

/**
 * The exec subresource: through the API server to the kubelet, which starts the process in the
 * running container; resolves with its exit status.
 */
export function* execInContainer(s: Session, pod: Pod, container: string, command: readonly string[], io: ExecStreams): Proc<number> {
  if (pod.spec.nodeName === undefined) throw new StatusError("BadRequest", `pod ${pod.metadata.name} does not have a host assigned`);
  yield* dialKubelet(s, pod, (_address, dialError) => `error dialing backend: ${dialError}`);
  const instance = s.cluster.podWorker(pod.metadata.namespace!, pod.metadata.name!)?.instance(container);
  if (instance === undefined) throw new Error(`unable to upgrade connection: container not found (${JSON.stringify(container)})`);
  let proc: SimProcess;
  try {
    proc = instance.exec(command, { stdin: io.stdin, stdout: io.stdout, stderr: io.stderr, tty: io.tty });
  } catch (e) {
    if (!(e instanceof SpawnError)) throw e;
    const why = e.reason === "not found" ? "executable file not found in $PATH" : e.reason === "Permission denied" ? "permission denied" : e.reason.toLowerCase();
    throw new Error(
      `Internal error occurred: error executing command in container: failed to exec in container: failed to start exec ${JSON.stringify(s.ctx.random.hex(64))}: OCI runtime exec failed: exec failed: unable to start container process: exec: ${JSON.stringify(command[0])}: ${why}: unknown`,
    );
  }
  return yield* wait(proc.exited);
}
