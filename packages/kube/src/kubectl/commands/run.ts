import type { Proc } from "@ksim/sim";
import { changeCause, RECORD_FLAG, recorded } from "./record.js";
import { notFound } from "../../api/errors.js";
import { applyJsonPatch, applyMergePatch } from "../../api/json-patch.js";
import type { JsonObject } from "../../api/json-value.js";
import { applyStrategicMergePatch } from "../../api/patch.js";
import { schemaFor } from "../../api/schema-kinds.js";
import type { Container, EnvVar, Pod } from "../../api/types.js";
import { deletedLine, nameLine } from "../output/index.js";
import { printObjects } from "./apply.js";
import { attachContainer, prepareAttach } from "./attach.js";
import { DRY_RUN_FLAG, dryRunOf, dryRunSuffix, OUTPUT_FLAG, printsObjects, TEMPLATE_FLAGS, type Command, type DryRun, type Invocation } from "./command.js";
import { ExitError, toStatus } from "./errors.js";
import { podLogs } from "./logs.js";
import { parsePairs } from "./metadata.js";
import type { Session } from "./session.js";
import { waitForState } from "./waiting.js";
import { createObject } from "./writes.js";

/** `kubectl run` (pkg/cmd/run): a pod from an image, optionally attached to (`-i`) and removed afterwards (`--rm`). */
export const runCommand: Command = {
  name: "run",
  short: "Run a particular image on the cluster",
  usage: "NAME --image=image [--env=\"key=value\"] [--port=port] [--dry-run=server|client] [--overrides=inline-json] [--command] -- [COMMAND] [args...]",
  flags: [
    DRY_RUN_FLAG,
    RECORD_FLAG,
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
    { name: "overrides", type: "string" },
    { name: "override-type", type: "string" },
  ],
  required: ["image"],
  run: runRun,
};

const POD_RUNNING_TIMEOUT_MS = 60_000;
const RESTART_POLICIES = ["Always", "OnFailure", "Never"] as const;
type RestartPolicy = (typeof RESTART_POLICIES)[number];
const PULL_POLICIES = ["Always", "IfNotPresent", "Never"];
/** validation.IsEnvVarName. */
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** What RunOptions.Complete and Validate make of the command line, refused in their order with their (plain) errors. */
interface RunRequest {
  readonly restart: RestartPolicy;
  readonly attach: boolean;
  readonly remove: boolean;
  readonly dryRun: DryRun;
  readonly timeoutMs: number;
  readonly pod: Pod;
}

function parseRequest(inv: Invocation): RunRequest {
  const { s, flags, args, argsLenAtDash } = inv;
  const annotations = parsePairs(flags.strings("annotations"), "annotations", false).set;
  const labels = parseRunLabels(flags.string("labels"));
  const env = parseEnvs(flags.strings("env"));
  const interactive = flags.bool("stdin");
  const restart = restartPolicy(flags.string("restart", "Always"), interactive);
  const pullPolicy = flags.string("image-pull-policy");
  if (pullPolicy !== "" && !PULL_POLICIES.includes(pullPolicy)) throw new Error(`invalid image pull policy: ${pullPolicy}`);
  const timeoutMs = flags.duration("pod-running-timeout", POD_RUNNING_TIMEOUT_MS);
  if (timeoutMs <= 0) throw new Error("--pod-running-timeout must be higher than zero");
  const attach = flags.changed("attach") ? flags.bool("attach") : interactive;
  const dryRun = dryRunOf(flags);

  if (args.length === 0 || argsLenAtDash === 0) throw new Error("NAME is required for run");
  const image = flags.string("image");
  if (image === "") throw new Error("--image is required");
  if (flags.bool("tty") && !interactive) throw new Error("-i/--stdin is required for containers with -t/--tty=true");
  const port = flags.string("port");
  if (port !== "" && !/^[+-]?\d+$/.test(port)) throw new Error("--port must be a number");
  const remove = flags.bool("rm");
  if (!attach && remove) throw new Error("--rm should only be used for attached containers");
  if (attach && dryRun !== "none") throw new Error("--dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty)");
  const overrideType = flags.string("override-type", "merge");
  if (!OVERRIDE_TYPES.includes(overrideType)) throw new Error(`--override-type must be one of (json, merge, strategic), got '${overrideType}'`);

  const name = args[0]!;
  const rest = args.slice(1);
  const container: Container = {
    name,
    image,
    ...(rest.length > 0 ? (flags.bool("command") ? { command: rest } : { args: rest }) : {}),
    ...(env.length > 0 ? { env } : {}),
    ...(port !== "" ? { ports: [{ containerPort: Number(port) }] } : {}),
    ...(pullPolicy !== "" ? { imagePullPolicy: pullPolicy as Container["imagePullPolicy"] } : {}),
    resources: {},
    ...(interactive ? { stdin: true, stdinOnce: true } : {}),
    ...(flags.bool("tty") ? { tty: true } : {}),
  };
  const pod: Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      ...(s.explicitNamespace ? { namespace: s.namespace } : {}),
      labels: Object.keys(labels).length > 0 ? labels : { run: name },
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    },
    spec: { containers: [container], dnsPolicy: "ClusterFirst", restartPolicy: restart },
    status: {},
  };
  const overrides = flags.string("overrides");
  return { restart, attach, remove, dryRun, timeoutMs, pod: overrides === "" ? pod : override(pod, overrides, overrideType) };
}

const OVERRIDE_TYPES = ["json", "merge", "strategic"];

/**
 * The Overrider: --overrides patches the generated pod, as a JSON merge patch by default, an
 * RFC 6902 patch with --override-type=json, or a strategic merge patch (containers merged by name).
 */
function override(pod: Pod, overrides: string, type: string): Pod {
  let patch: unknown;
  try {
    patch = JSON.parse(overrides);
  } catch {
    throw new Error(type === "merge" ? "Invalid JSON Patch" : `invalid character in --overrides: ${overrides}`);
  }
  if (type === "json") return applyJsonPatch(pod, patch);
  if (type === "merge") return applyMergePatch(pod, patch) as Pod;
  return applyStrategicMergePatch(pod, patch as JsonObject, schemaFor("v1", "Pod")!);
}

/** run's parseLabels: `k=v,k2=v2`. */
function parseRunLabels(spec: string): Record<string, string> {
  const labels: Record<string, string> = {};
  if (spec === "") return labels;
  for (const pair of spec.split(",")) {
    const parts = pair.split("=");
    if (parts.length !== 2) throw new Error(`unexpected label spec: ${pair}`);
    if (parts[0] === "") throw new Error("unexpected empty label key");
    labels[parts[0]!] = parts[1]!;
  }
  return labels;
}

function parseEnvs(specs: readonly string[]): EnvVar[] {
  return specs.map((e) => {
    const eq = e.indexOf("=");
    if (eq <= 0 || !ENV_VAR_NAME.test(e.slice(0, eq))) throw new Error(`invalid env: ${e}`);
    return { name: e.slice(0, eq), value: e.slice(eq + 1) };
  });
}

/** getRestartPolicy: an explicitly empty `--restart` means OnFailure for `-i`, Always otherwise. */
function restartPolicy(restart: string, interactive: boolean): RestartPolicy {
  if (restart === "") return interactive ? "OnFailure" : "Always";
  const policy = RESTART_POLICIES.find((p) => p === restart);
  if (policy === undefined) throw new Error(`invalid restart policy: ${restart}, valid values are: ${RESTART_POLICIES.join(", ")}`);
  return policy;
}

function* runRun(inv: Invocation): Proc<number> {
  const { s } = inv;
  const req = parseRequest(inv);
  const created = createObject(s, recorded(req.pod, changeCause(inv)), req.dryRun) as Pod;
  if (!req.attach) {
    if (printsObjects(inv.flags)) printObjects(s, inv, [created], true);
    else s.out(nameLine(created, `created${dryRunSuffix(req.dryRun)}`));
    return 0;
  }
  try {
    return yield* attachAndWait(inv, req, created);
  } finally {
    if (req.remove) removePod(s, created, inv.flags.bool("quiet"));
  }
}

/**
 * handleAttachPod, then (for Never/OnFailure) waiting for the pod to finish and exiting with its
 * container's code, as `kubectl run -i` does.
 */
function* attachAndWait(inv: Invocation, req: RunRequest, pod: Pod): Proc<number> {
  const { s } = inv;
  const name = pod.metadata.name!;
  const namespace = pod.metadata.namespace!;
  const current = () => s.api.get<Pod>("Pod", namespace, name);
  const state = yield* waitForState(s, ["Pod"], () => {
    const p = current();
    if (p === undefined) return "gone";
    if (p.status?.phase === "Succeeded" || p.status?.phase === "Failed") return "completed";
    const ready = p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True");
    return p.status?.phase === "Running" && ready ? "running" : undefined;
  }, req.timeoutMs);
  if (state === undefined) throw new Error("timed out waiting for the condition");
  if (state === "gone") throw toStatus(notFound("pods", ""));
  const latest = current()!;
  const container = latest.spec.containers[0]!;
  if (state === "completed") yield* podLogs(s, latest, { container: container.name, previous: false, tail: -1, timestamps: false, follow: false });
  else yield* attach(s, inv, latest, container);
  if (req.restart === "Always") return 0;
  const done = yield* waitForState(s, ["Pod"], () => {
    const p = current();
    const phase = p?.status?.phase;
    return p === undefined || phase === "Succeeded" || (phase === "Failed" && req.restart === "Never") ? { pod: p } : undefined;
  }, req.timeoutMs);
  if (done === undefined) throw new Error("timed out waiting for the condition");
  if (done.pod === undefined) throw toStatus(notFound("pods", ""));
  const phase = done.pod.status?.phase;
  if (phase === "Succeeded") return 0;
  if (phase !== "Failed") throw new Error(`pod ${namespace}/${name} left in phase ${phase ?? ""}`);
  const terminated = done.pod.status?.containerStatuses?.[0]?.state?.terminated;
  if (terminated === undefined || terminated.exitCode === 0) throw new Error(`pod ${namespace}/${name} failed with unknown exit code`);
  throw new ExitError(`pod ${namespace}/${name} terminated (${terminated.reason ?? ""})\n${terminated.message ?? ""}`, terminated.exitCode);
}

/** AttachOptions.Run for the pod `run` created; falls back to its log when attaching fails. */
function* attach(s: Session, inv: Invocation, pod: Pod, container: Container): Proc<void> {
  const { flags } = inv;
  const quiet = flags.bool("quiet");
  const stdin = flags.bool("stdin");
  const raw = prepareAttach(s, container, { stdin, tty: flags.bool("tty"), quiet });
  try {
    yield* attachContainer(s, pod, container.name, stdin);
    if (!quiet && stdin && raw && pod.spec.restartPolicy === "Always") {
      s.out(`Session ended, resume using 'kubectl attach ${pod.metadata.name} -c ${container.name} -i -t' command when the pod is running\n`);
    }
  } catch (e) {
    s.err(`warning: couldn't attach to pod/${pod.metadata.name}, falling back to streaming logs: ${(e as Error).message}\n`);
    yield* podLogs(s, s.api.get<Pod>("Pod", pod.metadata.namespace, pod.metadata.name!) ?? pod, { container: container.name, previous: false, tail: -1, timestamps: false, follow: false });
  }
}

/** `--rm`: deleted as `kubectl delete` would, without waiting, and silently with `--quiet`. */
function removePod(s: Session, pod: Pod, quiet: boolean): void {
  if (s.api.get("Pod", pod.metadata.namespace, pod.metadata.name!) === undefined) return;
  s.api.delete("Pod", pod.metadata.namespace, pod.metadata.name!);
  if (!quiet) s.out(deletedLine(pod, pod.metadata.namespace));
}
