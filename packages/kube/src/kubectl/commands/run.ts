import type { Proc } from "@ksim/sim";
import { notFound } from "../../api/errors.js";
import type { Container, EnvVar, Pod } from "../../api/types.js";
import { deletedLine, nameLine } from "../output/index.js";
import { printObjects } from "./apply.js";
import { attachContainer } from "./attach.js";
import { DRY_RUN_FLAG, dryRunOf, dryRunSuffix, OUTPUT_FLAG, TEMPLATE_FLAGS, type Command, type Invocation } from "./command.js";
import { ExitError, toStatus, usageError } from "./errors.js";
import { podLogs } from "./logs.js";
import { useTty } from "./exec.js";
import type { Session } from "./session.js";
import { waitForState } from "./waiting.js";
import { createObject } from "./writes.js";

/** `kubectl run`: a pod from an image, optionally attached to (`-i`) and removed afterwards (`--rm`). */
export const runCommand: Command = {
  name: "run",
  short: "Run a particular image on the cluster",
  usage: "NAME --image=image [--env=\"key=value\"] [--port=port] [--dry-run=server|client] [--overrides=inline-json] [--command] -- [COMMAND] [args...]",
  flags: [
    DRY_RUN_FLAG,
    OUTPUT_FLAG,
    ...TEMPLATE_FLAGS,
    { name: "image", type: "string" },
    { name: "restart", type: "string" },
    { name: "stdin", short: "i", type: "bool" },
    { name: "tty", short: "t", type: "bool" },
    { name: "attach", type: "bool" },
    { name: "rm", type: "bool" },
    { name: "command", type: "bool" },
    { name: "env", type: "stringArray" },
    { name: "labels", short: "l", type: "string" },
    { name: "annotations", type: "stringArray" },
    { name: "port", type: "string" },
    { name: "image-pull-policy", type: "string" },
    { name: "quiet", short: "q", type: "bool" },
    { name: "pod-running-timeout", type: "duration" },
  ],
  required: ["image"],
  run: runRun,
};

const POD_RUNNING_TIMEOUT_MS = 60_000;

function* runRun(inv: Invocation): Proc<number> {
  const { s, flags, args, argsLenAtDash } = inv;
  if (args.length === 0 || argsLenAtDash === 0) throw usageError(inv.path, "NAME is required for run");
  const interactive = flags.bool("stdin");
  const tty = flags.bool("tty");
  const image = flags.string("image");
  if (image === "") throw new Error("--image is required");
  if (tty && !interactive) throw usageError(inv.path, "-i/--stdin is required for containers with -t/--tty=true");
  const restart = flags.string("restart", "Always");
  if (!["Always", "OnFailure", "Never"].includes(restart)) throw usageError(inv.path, `invalid restart policy: ${restart}`);
  const attach = flags.changed("attach") ? flags.bool("attach") : interactive;
  const remove = flags.bool("rm");
  if (!attach && remove) throw usageError(inv.path, "--rm should only be used for attached containers");
  const dryRun = dryRunOf(flags);
  if (attach && dryRun !== "none") throw usageError(inv.path, "--dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty)");

  const pod = podFor(inv, args[0]!, image, restart);
  const created = createObject(s, pod, dryRun) as Pod;
  if (!attach) {
    if (flags.string("output") !== "") printObjects(s, inv, [created]);
    else s.out(nameLine(created, `created${dryRunSuffix(dryRun)}`));
    return 0;
  }
  try {
    return yield* attachAndWait(inv, created, restart, tty);
  } finally {
    if (remove) removePod(s, created);
  }
}

/** generateRunPod: the pod `kubectl run` sends. */
function podFor(inv: Invocation, name: string, image: string, restart: string): Pod {
  const { s, flags, args, argsLenAtDash } = inv;
  const rest = args.slice(argsLenAtDash > 0 ? argsLenAtDash : 1);
  const labels: Record<string, string> = {};
  const spec = flags.string("labels");
  if (spec === "") labels.run = name;
  for (const pair of spec === "" ? [] : spec.split(",")) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new Error(`invalid label spec: ${pair}`);
    labels[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const annotations: Record<string, string> = {};
  for (const a of flags.strings("annotations")) {
    const eq = a.indexOf("=");
    if (eq <= 0) throw new Error(`invalid annotation format: ${a}`);
    annotations[a.slice(0, eq)] = a.slice(eq + 1);
  }
  const env: EnvVar[] = flags.strings("env").map((e) => {
    const eq = e.indexOf("=");
    if (eq <= 0) throw new Error(`invalid env: ${e}`);
    return { name: e.slice(0, eq), value: e.slice(eq + 1) };
  });
  const stdin = flags.bool("stdin");
  const container: Container = {
    name,
    image,
    ...(rest.length > 0 ? (flags.bool("command") ? { command: [...rest] } : { args: [...rest] }) : {}),
    ...(env.length > 0 ? { env } : {}),
    ...(flags.string("port") !== "" ? { ports: [{ containerPort: Number(flags.string("port")) }] } : {}),
    ...(flags.string("image-pull-policy") !== "" ? { imagePullPolicy: flags.string("image-pull-policy") as Container["imagePullPolicy"] } : {}),
    resources: {},
    ...(stdin ? { stdin: true, stdinOnce: true } : {}),
    ...(flags.bool("tty") ? { tty: true } : {}),
  };
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, ...(s.explicitNamespace ? { namespace: s.namespace } : {}), labels, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) },
    spec: { containers: [container], dnsPolicy: "ClusterFirst", restartPolicy: restart as Pod["spec"]["restartPolicy"] },
    status: {},
  };
}

/**
 * handleAttachPod, then (for Never/OnFailure) waiting for the pod to finish and exiting with its
 * container's code, as `kubectl run -i` does.
 */
function* attachAndWait(inv: Invocation, pod: Pod, restart: string, tty: boolean): Proc<number> {
  const { s, flags } = inv;
  const name = pod.metadata.name!;
  const namespace = pod.metadata.namespace!;
  const timeoutMs = flags.duration("pod-running-timeout", POD_RUNNING_TIMEOUT_MS);
  const current = () => s.api.get<Pod>("Pod", namespace, name);
  const state = yield* waitForState(s, ["Pod"], () => {
    const p = current();
    if (p === undefined) return "gone";
    if (p.status?.phase === "Succeeded" || p.status?.phase === "Failed") return "completed";
    const ready = p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True");
    return p.status?.phase === "Running" && ready ? "running" : undefined;
  }, timeoutMs);
  if (state === undefined) throw new Error("timed out waiting for the condition");
  if (state === "gone") throw toStatus(notFound("pods", ""));
  const latest = current()!;
  const container = latest.spec.containers[0]!;
  if (state === "completed") yield* podLogs(s, latest, { container: container.name, previous: false, tail: -1, timestamps: false, follow: false });
  else {
    const quiet = flags.bool("quiet");
    let useTerminal = useTty(s, flags.bool("stdin"), tty, quiet);
    if (useTerminal && container.tty !== true) {
      s.err(`error: Unable to use a TTY - container ${container.name} did not allocate one\n`);
      useTerminal = false;
    }
    if (!quiet) s.err("If you don't see a command prompt, try pressing enter.\n");
    try {
      yield* attachContainer(s, latest, container.name, flags.bool("stdin"));
      if (!quiet && flags.bool("stdin") && useTerminal && restart === "Always") {
        s.out(`Session ended, resume using 'kubectl attach ${name} -c ${container.name} -i -t' command when the pod is running\n`);
      }
    } catch (e) {
      s.err(`warning: couldn't attach to pod/${name}, falling back to streaming logs: ${(e as Error).message}\n`);
      yield* podLogs(s, current() ?? latest, { container: container.name, previous: false, tail: -1, timestamps: false, follow: false });
    }
  }
  if (restart === "Always") return 0;
  const done = yield* waitForState(s, ["Pod"], () => {
    const p = current();
    if (p === undefined) return p;
    const phase = p.status?.phase;
    return phase === "Succeeded" || (phase === "Failed" && restart === "Never") ? p : undefined;
  }, timeoutMs);
  if (done === undefined) throw new Error("timed out waiting for the condition");
  if (done.status?.phase === "Succeeded") return 0;
  const terminated = done.status?.containerStatuses?.[0]?.state?.terminated;
  if (terminated === undefined || terminated.exitCode === 0) throw new Error(`pod ${namespace}/${name} failed with unknown exit code`);
  throw new ExitError(`pod ${namespace}/${name} terminated (${terminated.reason ?? ""})\n${terminated.message ?? ""}`, terminated.exitCode);
}

/** `--rm`: deleted as `kubectl delete` would, without waiting. */
function removePod(s: Session, pod: Pod): void {
  if (s.api.get("Pod", pod.metadata.namespace, pod.metadata.name!) === undefined) return;
  s.api.delete("Pod", pod.metadata.namespace, pod.metadata.name!);
  s.out(deletedLine(pod));
}
