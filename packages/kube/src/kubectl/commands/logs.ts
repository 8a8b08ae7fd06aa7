import type { Proc, Waitable } from "@ksim/sim";
import { selectorMatches } from "../../api/labels.js";
import type { ContainerStatus, Pod } from "../../api/types.js";
import type { ContainerLog, LogLine } from "../../kubelet/container.js";
import { SELECTOR_FLAG, type Command, type Invocation } from "./command.js";
import { StatusError, usageError } from "./errors.js";
import { dialKubelet } from "./kubelet-link.js";
import { attachablePod, defaultContainer, podOrController } from "./pods.js";
import type { Session } from "./session.js";
import { parseLabels } from "./targets.js";
import { streamUntilQuiet } from "./waiting.js";

/** `kubectl logs`: a container's log as the kubelet keeps it, optionally followed. */
export const logsCommand: Command = {
  name: "logs",
  short: "Print the logs for a container in a pod",
  usage: "[-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]",
  flags: [
    SELECTOR_FLAG,
    { name: "container", short: "c", type: "string" },
    { name: "follow", short: "f", type: "bool" },
    { name: "previous", short: "p", type: "bool" },
    { name: "tail", type: "int" },
    { name: "timestamps", type: "bool" },
    { name: "pod-running-timeout", type: "duration" },
    { name: "prefix", type: "bool" },
    { name: "all-containers", type: "bool" },
    { name: "since", type: "duration" },
  ],
  run: runLogs,
};

const USAGE = "expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command";
const POD_RUNNING_TIMEOUT_MS = 20_000;
/** With a selector, kubectl shows the last 10 lines of each pod unless told otherwise. */
const SELECTOR_TAIL = 10;

export interface LogRequest {
  readonly container: string;
  readonly previous: boolean;
  readonly tail: number;
  readonly timestamps: boolean;
  readonly follow: boolean;
  /** `--prefix`: each line starts with `[pod/NAME/CONTAINER] `. */
  readonly prefix?: boolean;
  /** `--since`: only lines written at or after this instant (epoch ms). */
  readonly since?: number;
}

function* runLogs(inv: Invocation): Proc<number> {
  const { s, flags, args } = inv;
  const selector = flags.string("selector");
  if (args.length === 0 && selector === "") throw usageError(inv.path, USAGE);
  if (args.length === 1 && selector !== "") throw usageError(inv.path, "only a selector (-l) or a POD name is allowed");
  if (args.length > 2) throw usageError(inv.path, USAGE);
  const allContainers = flags.bool("all-containers");
  const named = args[1] ?? flags.string("container");
  if (allContainers && named !== "") throw new Error(`--all-containers=true should not be specified with container name ${named}`);
  // The kubelet keeps lines from now - round(since) on.
  const sinceMs = flags.changed("since") ? Math.round(flags.duration("since", 0) / 1000) * 1000 : undefined;
  if (sinceMs !== undefined && sinceMs < 0) throw new Error("--since must be greater than 0");
  const base = {
    previous: flags.bool("previous"),
    timestamps: flags.bool("timestamps"),
    follow: flags.bool("follow"),
    prefix: flags.bool("prefix"),
    ...(sinceMs === undefined ? {} : { since: s.sim.epochMs() - sinceMs }),
  };
  /** The containers asked for: one, or with --all-containers every one (init, then regular, then ephemeral). */
  const containers = (pod: Pod, container: string) =>
    allContainers
      ? [...(pod.spec.initContainers ?? []), ...pod.spec.containers, ...(pod.spec.ephemeralContainers ?? [])].map((c) => c.name)
      : [container || defaultContainer(s, pod).name];
  if (args.length === 0) {
    const sel = parseLabels(selector);
    const pods = s.list<Pod>("Pod", s.namespace).filter((p) => selectorMatches(sel, p.metadata.labels));
    if (pods.length === 0) {
      s.err(`No resources found in ${s.namespace} namespace.\n`);
      return 0;
    }
    for (const pod of pods) {
      for (const container of containers(pod, flags.string("container"))) yield* podLogs(s, pod, { ...base, container, tail: flags.int("tail", SELECTOR_TAIL) });
    }
    return 0;
  }
  const object = podOrController(s, args[0]!);
  const { pod, matched } = yield* attachablePod(s, object, flags.duration("pod-running-timeout", POD_RUNNING_TIMEOUT_MS));
  if (matched > 1) s.err(`Found ${matched} pods, using pod/${pod.metadata.name}\n`);
  if (named !== "" && ![...pod.spec.containers, ...(pod.spec.initContainers ?? []), ...(pod.spec.ephemeralContainers ?? [])].some((c) => c.name === named)) {
    throw new Error(`container ${named} is not valid for pod ${pod.metadata.name}`);
  }
  for (const container of containers(pod, named)) yield* podLogs(s, pod, { ...base, container, tail: flags.int("tail", -1) });
  return 0;
}

/** The log of one container (the pods/log subresource), printed; follows while it runs. */
export function* podLogs(s: Session, pod: Pod, req: LogRequest): Proc<void> {
  const name = pod.metadata.name!;
  if (pod.spec.nodeName === undefined) return;
  yield* dialKubelet(s, pod, (address, dialError) => `Get ${JSON.stringify(`https://${address}/containerLogs/${pod.metadata.namespace}/${name}/${req.container}`)}: ${dialError}`);
  // The kubelet checks the container against the pod's status as it knows it.
  const known = s.api.get<Pod>("Pod", pod.metadata.namespace, name) ?? pod;
  const status = [...(known.status?.containerStatuses ?? []), ...(known.status?.initContainerStatuses ?? []), ...(known.status?.ephemeralContainerStatuses ?? [])].find((c) => c.name === req.container);
  const problem = logProblem(status, req.container, name, req.previous);
  if (problem !== undefined) throw new StatusError("BadRequest", problem);
  const worker = s.cluster.podWorker(pod.metadata.namespace!, name);
  const log = worker?.logs(req.container, req.previous);
  if (log === undefined) throw new StatusError("BadRequest", `container ${JSON.stringify(req.container)} in pod ${JSON.stringify(name)} is not available`);
  const prefix = req.prefix === true ? `[pod/${name}/${req.container}] ` : "";
  const print = (line: LogLine) => s.out(`${prefix}${req.timestamps ? `${rfc3339Nano(line.time)} ` : ""}${line.text}\n`);
  const recent = req.since === undefined ? log.lines : log.lines.filter((l) => l.time >= req.since!);
  const lines = req.tail >= 0 ? recent.slice(Math.max(0, recent.length - req.tail)) : recent;
  for (const line of lines) print(line);
  const running = req.previous ? undefined : worker?.instance(req.container);
  if (!req.follow || running === undefined || running.log !== log) return;
  yield* follow(s, log, running.exited, print);
}

/** `-f`: new lines as they are written, until the container stops (or see streamUntilQuiet). */
function* follow(s: Session, log: ContainerLog, exited: Waitable<number>, print: (line: LogLine) => void): Proc<void> {
  let last = s.sim.now;
  const stop = log.follow((line) => {
    last = s.sim.now;
    print(line);
  });
  try {
    yield* streamUntilQuiet(s, () => last, exited);
  } finally {
    stop();
  }
}

/** The kubelet's validateContainerLogStatus: why a container has no log to show. */
function logProblem(status: ContainerStatus | undefined, container: string, pod: string, previous: boolean): string | undefined {
  const c = JSON.stringify(container);
  const p = JSON.stringify(pod);
  if (status === undefined) return `container ${c} in pod ${p} is not available`;
  const last = status.lastState?.terminated;
  const { waiting, running, terminated } = status.state ?? {};
  if (previous) return last?.containerID ? undefined : `previous terminated container ${c} in pod ${p} not found`;
  if (running !== undefined) return undefined;
  if (terminated !== undefined) return terminated.containerID || last?.containerID ? undefined : `container ${c} in pod ${p} is terminated`;
  if (last !== undefined) return last.containerID ? undefined : `container ${c} in pod ${p} is terminated`;
  if (waiting !== undefined) {
    if (waiting.reason === "ErrImagePull") return `container ${c} in pod ${p} is waiting to start: image can't be pulled`;
    if (waiting.reason === "ImagePullBackOff") return `container ${c} in pod ${p} is waiting to start: trying and failing to pull image`;
    return `container ${c} in pod ${p} is waiting to start: ${waiting.reason ?? ""}`;
  }
  return `container ${c} in pod ${p} is waiting to start - no logs yet`;
}

/** time.RFC3339Nano, as the runtime stamps log lines (trailing zeros of the fraction dropped). */
function rfc3339Nano(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.?0*Z$/, "Z");
}
