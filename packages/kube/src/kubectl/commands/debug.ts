import type { Proc } from "@ksim/sim";
import { cloneJson } from "../../api/json-value.js";
import { parse as parseYaml } from "yaml";
import { notFound } from "../../api/errors.js";
import type { Container, EnvVar, EphemeralContainer, Node, Pod } from "../../api/types.js";
import { attachContainer, prepareAttach, reattachMessage } from "./attach.js";
import type { Command, Invocation } from "./command.js";
import { applyProfile, PROFILES, type KeepFlags, type ProfileName } from "./debug-profiles.js";
import { toStatus } from "./errors.js";
import { FlagError } from "./flags.js";
import { INVALID_REFERENCE_FORMAT, isImageReference } from "./image-reference.js";
import { podLogs } from "./logs.js";
import type { Session } from "./session.js";
import { FILENAME_FLAGS, loadSources } from "./sources.js";
import { flatten, gvkString, select, selectNames, type Target } from "./targets.js";
import { createObject } from "./writes.js";
import { waitForState } from "./waiting.js";

/**
 * `kubectl debug` (pkg/cmd/debug): an ephemeral container added to a running pod, a copy of a
 * pod with a debug container or changed images, or a pod in a node's host namespaces.
 */
export const debugCommand: Command = {
  name: "debug",
  short: "Create debugging sessions for troubleshooting workloads and nodes",
  long:
    "Debug cluster resources using interactive debugging containers.\n\n 'debug' provides automation for common debugging tasks for cluster objects identified by resource and name. Pods will be used by default if no resource is specified.\n\n The action taken by 'debug' varies depending on what resource is specified. Supported actions include:\n\n  *  Workload: Create a copy of an existing pod with certain attributes changed, for example changing the image tag to a new version.\n  *  Workload: Add an ephemeral container to an already running pod, for example to add debugging utilities without restarting the pod.\n  *  Node: Create a new pod that runs in the node's host namespaces and can access the node's filesystem.\n\n Note: When a non-root user is configured for the entire target Pod, some capabilities granted by debug profile may not work.",
  examples: [
    "  # Create an interactive debugging session in pod mypod and immediately attach to it.",
    "  kubectl debug mypod -it --image=busybox",
    "  ",
    "  # Create an interactive debugging session for the pod in the file pod.yaml and immediately attach to it.",
    "  # (requires the EphemeralContainers feature to be enabled in the cluster)",
    "  kubectl debug -f pod.yaml -it --image=busybox",
    "  ",
    "  # Create a debug container named debugger using a custom automated debugging image.",
    "  kubectl debug --image=myproj/debug-tools -c debugger mypod",
    "  ",
    "  # Create a copy of mypod adding a debug container and attach to it",
    "  kubectl debug mypod -it --image=busybox --copy-to=my-debugger",
    "  ",
    "  # Create a copy of mypod changing the command of mycontainer",
    "  kubectl debug mypod -it --copy-to=my-debugger --container=mycontainer -- sh",
    "  ",
    "  # Create a copy of mypod changing all container images to busybox",
    "  kubectl debug mypod --copy-to=my-debugger --set-image=*=busybox",
    "  ",
    "  # Create a copy of mypod adding a debug container and changing container images",
    "  kubectl debug mypod -it --copy-to=my-debugger --image=debian --set-image=app=app:debug,sidecar=sidecar:debug",
    "  ",
    "  # Create an interactive debugging session on a node and immediately attach to it.",
    "  # The container will run in the host namespaces and the host's filesystem will be mounted at /host",
    "  kubectl debug node/mynode -it --image=busybox",
  ].join("\n"),
  usage: "(POD | TYPE[[.VERSION].GROUP]/NAME) [ -- COMMAND [args...] ]",
  flags: [
    FILENAME_FLAGS[0]!,
    { name: "arguments-only", type: "bool" },
    { name: "attach", type: "bool" },
    { name: "container", short: "c", type: "string" },
    { name: "copy-to", type: "string" },
    { name: "replace", type: "bool" },
    { name: "env", type: "stringArray" },
    { name: "image", type: "string" },
    { name: "keep-labels", type: "bool" },
    { name: "keep-annotations", type: "bool" },
    { name: "keep-liveness", type: "bool" },
    { name: "keep-readiness", type: "bool" },
    { name: "keep-startup", type: "bool" },
    { name: "keep-init-containers", type: "bool" },
    { name: "set-image", type: "stringArray" },
    { name: "image-pull-policy", type: "string" },
    { name: "stdin", short: "i", type: "bool" },
    { name: "quiet", short: "q", type: "bool" },
    { name: "same-node", type: "bool" },
    { name: "share-processes", type: "bool" },
    { name: "target", type: "string" },
    { name: "tty", short: "t", type: "bool" },
    { name: "profile", type: "string" },
    { name: "custom", type: "string" },
  ],
  run: runDebug,
};

const PULL_POLICIES = ["Always", "IfNotPresent", "Never", ""];

interface DebugOptions {
  readonly names: readonly string[];
  readonly args: readonly string[];
  readonly argsOnly: boolean;
  readonly attach: boolean;
  readonly container: string;
  readonly copyTo: string;
  readonly replace: boolean;
  readonly env: EnvVar[];
  readonly image: string;
  readonly pullPolicy: string;
  readonly interactive: boolean;
  readonly tty: boolean;
  readonly quiet: boolean;
  readonly sameNode: boolean;
  readonly setImages: ReadonlyMap<string, string>;
  /** --share-processes, when given (a copy changes shareProcessNamespace only then). */
  readonly shareProcesses: boolean | undefined;
  readonly target: string;
  readonly profile: ProfileName;
  readonly keep: KeepFlags;
  readonly custom: Record<string, unknown> | undefined;
}

function* runDebug(inv: Invocation): Proc<number> {
  const { s } = inv;
  const o = complete(inv);
  validate(s, o, inv);
  const targets: Target[] = [];
  if (o.names.length > 0) {
    const selection = selectNames(s, "pods", o.names);
    targets.push(...flatten(selection));
    if (selection.errors.length > 0) throw selection.errors[0];
  }
  if (inv.flags.strings("filename").length > 0) {
    const loaded = yield* loadSources(s, inv.flags);
    if (loaded.errors.length > 0) throw loaded.errors[0];
    const selection = select(s, { args: [], sourced: loaded.objects });
    targets.push(...flatten(selection));
    if (selection.errors.length > 0) throw selection.errors[0];
  }
  for (const t of targets) {
    let made: { pod: Pod; container: string };
    if (t.object.kind === "Node") made = debugNode(s, o, t.object as Node);
    else if (t.object.kind === "Pod") made = o.copyTo !== "" ? debugByCopy(s, o, t.object as Pod) : debugByEphemeralContainer(s, o, t.object as Pod);
    else throw new Error(`${JSON.stringify(gvkString(t.type))} not supported by debug`);
    if (o.attach && made.container !== "") yield* handleAttachPod(s, o, made.pod, made.container);
  }
  return 0;
}

/** DebugOptions.Complete: arguments, --attach's default, the environment, the profile, --custom. */
function complete(inv: Invocation): DebugOptions {
  const { s, flags, args, argsLenAtDash } = inv;
  const split = argsLenAtDash >= 0 && args.length > argsLenAtDash;
  const interactive = flags.bool("stdin");
  const env = [...stringToString(flags, "env")].map(([name, value]) => ({ name, value }));
  const profile = flags.string("profile", "legacy");
  if (!(PROFILES as readonly string[]).includes(profile)) throw new Error(`unknown profile: ${profile}`);
  const customFile = flags.string("custom");
  return {
    names: split ? args.slice(0, argsLenAtDash) : args,
    args: split ? args.slice(argsLenAtDash) : [],
    argsOnly: flags.bool("arguments-only"),
    attach: flags.changed("attach") ? flags.bool("attach") : interactive,
    container: flags.string("container"),
    copyTo: flags.string("copy-to"),
    replace: flags.bool("replace"),
    env,
    image: flags.string("image"),
    pullPolicy: flags.string("image-pull-policy"),
    interactive,
    tty: flags.bool("tty"),
    quiet: flags.bool("quiet"),
    sameNode: flags.bool("same-node"),
    setImages: stringToString(flags, "set-image"),
    shareProcesses: flags.changed("share-processes") ? flags.bool("share-processes", true) : undefined,
    target: flags.string("target"),
    profile: profile as ProfileName,
    keep: {
      labels: flags.bool("keep-labels"),
      annotations: flags.bool("keep-annotations"),
      liveness: flags.bool("keep-liveness"),
      readiness: flags.bool("keep-readiness"),
      startup: flags.bool("keep-startup"),
      initContainers: flags.bool("keep-init-containers", true),
    },
    custom: customFile === "" ? undefined : readCustomProfile(s, customFile),
  };
}

/**
 * pflag's stringToString: `k=v,k2=v2`, repeatable, later keys winning. Go keeps them in a map;
 * ksim lists them by key, one fixed order where Go's map has a random one.
 */
function stringToString(flags: Invocation["flags"], name: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const value of flags.strings(name)) {
    for (const pair of value.split(",")) {
      const eq = pair.indexOf("=");
      if (eq < 0) throw new FlagError(`invalid argument ${JSON.stringify(value)} for "--${name}" flag: ${pair} must be formatted as key=value`);
      out.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function readCustomProfile(s: Session, file: string): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder().decode(s.ctx.fs.readFile(s.ctx.resolve(file)));
  } catch {
    throw new Error(`must pass a container spec json file for custom profile: open ${file}: no such file or directory`);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (e) {
    throw new Error(`${file} does not contain a valid container spec: ${(e as Error).message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error(`${file} does not contain a valid container spec: cannot unmarshal into a container`);
  return parsed as Record<string, unknown>;
}

/** DebugOptions.Validate, in its order (the first failed check is the error). */
function validate(s: Session, o: DebugOptions, inv: Invocation): void {
  if (o.attach && inv.flags.changed("attach") && o.image === "" && o.container === "") {
    throw new Error("you must specify --container or create a new container using --image in order to attach.");
  }
  if (o.copyTo !== "") {
    if (o.image === "" && o.setImages.size === 0 && o.args.length === 0) throw new Error("you must specify --image, --set-image or command arguments.");
    if (o.args.length > 0 && o.container === "" && o.image === "") throw new Error("you must specify an existing container or a new image when specifying args.");
  } else if (o.replace) throw new Error("--replace may only be used with --copy-to.");
  else if (o.sameNode) throw new Error("--same-node may only be used with --copy-to.");
  else if (o.setImages.size > 0) throw new Error("--set-image may only be used with --copy-to.");
  else if (o.image === "") throw new Error("you must specify --image when not using --copy-to.");
  if (o.image !== "" && !isImageReference(o.image)) throw new Error(`invalid image name ${JSON.stringify(o.image)}: ${INVALID_REFERENCE_FORMAT}`);
  if (o.names.length === 0 && inv.flags.strings("filename").length === 0) throw new Error("NAME or filename is required for debug");
  if (!PULL_POLICIES.includes(o.pullPolicy)) throw new Error(`invalid image pull policy: ${o.pullPolicy}`);
  for (const [name, image] of o.setImages) {
    if (!isImageReference(image)) throw new Error(`invalid image name ${JSON.stringify(image)} for container ${JSON.stringify(name)}: ${INVALID_REFERENCE_FORMAT}`);
  }
  if (o.target !== "") {
    if (o.copyTo !== "") throw new Error("--target is incompatible with --copy-to. Use --share-processes instead.");
    if (!o.quiet) s.out(`Targeting container ${JSON.stringify(o.target)}. If you don't see processes from this container it may be because the container runtime doesn't support this feature.\n`);
  }
  if (o.tty && !o.interactive) throw new Error("-i/--stdin is required for containers with -t/--tty=true");
  if (o.custom !== undefined && ["name", "command", "image", "lifecycle", "volumeDevices"].some((k) => o.custom![k] !== undefined)) {
    throw new Error("name, command, image, lifecycle and volume devices are not modifiable via custom profile");
  }
  if (o.profile === "legacy") s.err('--profile=legacy is deprecated and will be removed in the future. It is recommended to explicitly specify a profile, for example "--profile=general".\n');
}

/** The names a new debug container must not take: every container of the pod. */
function containerNames(pod: Pod): Set<string> {
  return new Set([...pod.spec.containers, ...(pod.spec.initContainers ?? []), ...(pod.spec.ephemeralContainers ?? [])].map((c) => c.name));
}

/** computeDebugContainerName: -c, or `debugger-` and five random characters not already taken. */
function debugContainerName(s: Session, o: DebugOptions, pod: Pod): string {
  if (o.container !== "") return o.container;
  const taken = containerNames(pod);
  let name = "";
  while (name === "" || taken.has(name)) name = `debugger-${s.ctx.random.k8sSuffix(5)}`;
  if (!o.quiet) s.out(`Defaulting debug container name to ${name}.\n`);
  return name;
}

/** Fills the fields kubectl sets on a debug container, in the order its struct has them. */
function debugContainer(o: DebugOptions, name: string): Container {
  const c: Container = { name };
  if (o.image !== "") c.image = o.image;
  if (o.argsOnly) {
    if (o.args.length > 0) c.args = [...o.args];
  } else if (o.args.length > 0) c.command = [...o.args];
  if (o.env.length > 0) c.env = o.env.map((e) => ({ ...e }));
  if (o.pullPolicy !== "") c.imagePullPolicy = o.pullPolicy as Container["imagePullPolicy"];
  c.terminationMessagePolicy = "File";
  if (o.interactive) c.stdin = true;
  if (o.tty) c.tty = true;
  return c;
}

/** A --custom partial container spec, merged into the debug container by field. */
function applyCustom(o: DebugOptions, container: Container): void {
  if (o.custom === undefined) return;
  Object.assign(container, cloneJson(o.custom), { name: container.name });
}

function debugByEphemeralContainer(s: Session, o: DebugOptions, pod: Pod): { pod: Pod; container: string } {
  const name = debugContainerName(s, o, pod);
  const copied = cloneJson(pod);
  const ec: EphemeralContainer = debugContainer(o, name);
  if (o.target !== "") ec.targetContainerName = o.target;
  // The strategic merge patch kubectl sends merges by name: a taken name edits that container.
  const list = (copied.spec.ephemeralContainers ??= []);
  const at = list.findIndex((c) => c.name === name);
  if (at >= 0) list[at] = { ...list[at]!, ...ec };
  else list.push(ec);
  applyProfile(o.profile, o.keep, copied, name, "ephemeral");
  const added = list.find((c) => c.name === name)!;
  applyCustom(o, added);
  warnNonRoot(s, added, pod);
  try {
    return { pod: s.api.updateEphemeralContainers(copied), container: name };
  } catch (e) {
    throw toStatus(e, pod);
  }
}

function debugByCopy(s: Session, o: DebugOptions, pod: Pod): { pod: Pod; container: string } {
  const copied: Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: o.copyTo, namespace: pod.metadata.namespace },
    spec: cloneJson(pod.spec),
  };
  if (pod.metadata.annotations !== undefined) copied.metadata.annotations = { ...pod.metadata.annotations };
  if (pod.metadata.labels !== undefined) copied.metadata.labels = { ...pod.metadata.labels };
  delete copied.spec.ephemeralContainers;
  if (o.shareProcesses !== undefined) copied.spec.shareProcessNamespace = o.shareProcesses;
  if (!o.sameNode) delete copied.spec.nodeName;
  for (const c of copied.spec.containers) {
    const image = o.setImages.get(c.name) ?? o.setImages.get("*");
    if (image !== undefined && image !== "") c.image = image;
  }
  let name = o.container;
  let c = [...copied.spec.containers, ...(copied.spec.initContainers ?? [])].find((x) => x.name === name);
  if (c === undefined) {
    if (o.image === "") {
      if (o.setImages.size === 0) throw new Error("you must specify image when creating new container");
      return { pod: created(s, o, copied, pod), container: "" };
    }
    if (name === "") name = debugContainerName(s, o, copied);
    c = { name, terminationMessagePolicy: "File" };
    copied.spec.containers.push(c);
  }
  if (o.args.length > 0) {
    if (o.argsOnly) c.args = [...o.args];
    else {
      c.command = [...o.args];
      delete c.args;
    }
  }
  if (o.env.length > 0) c.env = o.env.map((e) => ({ ...e }));
  if (o.image !== "") c.image = o.image;
  if (o.pullPolicy !== "") c.imagePullPolicy = o.pullPolicy as Container["imagePullPolicy"];
  c.stdin = o.interactive;
  c.tty = o.tty;
  applyProfile(o.profile, o.keep, copied, c.name, "podCopy");
  applyCustom(o, copied.spec.containers.find((x) => x.name === name) ?? c);
  warnNonRoot(s, c, copied);
  return { pod: created(s, o, copied, pod), container: name };
}

/** Creates the copy; with --replace, deletes the original at once (grace period 0). */
function created(s: Session, o: DebugOptions, copy: Pod, original: Pod): Pod {
  const pod = createObject(s, copy, "none") as Pod;
  if (o.replace) {
    try {
      s.api.delete("Pod", original.metadata.namespace, original.metadata.name!, { gracePeriodSeconds: 0 });
    } catch (e) {
      throw toStatus(e, original);
    }
  }
  return pod;
}

/** generateNodeDebugPod: a pod bound to the node, tolerating everything, never restarted. */
function debugNode(s: Session, o: DebugOptions, node: Node): { pod: Pod; container: string } {
  const container = o.container !== "" ? o.container : "debugger";
  const name = `node-debugger-${node.metadata.name}-${s.ctx.random.k8sSuffix(5)}`;
  if (!o.quiet) s.out(`Creating debugging pod ${name} with container ${container} on node ${node.metadata.name}.\n`);
  const pod: Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: s.namespace, labels: { "app.kubernetes.io/managed-by": "kubectl-debug" } },
    spec: {
      containers: [debugContainer(o, container)],
      nodeName: node.metadata.name,
      restartPolicy: "Never",
      tolerations: [{ operator: "Exists" }],
    },
  };
  applyProfile(o.profile, o.keep, pod, container, "node");
  applyCustom(o, pod.spec.containers[0]!);
  return { pod: createObject(s, pod, "none") as Pod, container };
}

/** displayWarning: capabilities from a profile do little for a pod that runs as a non-root user. */
function warnNonRoot(s: Session, container: Container, pod: Pod): void {
  const user = pod.spec.securityContext?.runAsUser;
  const sc = container.securityContext;
  if (user === undefined || user === 0 || sc === undefined || sc.runAsUser === 0) return;
  if (sc.privileged !== true && (sc.capabilities?.add ?? []).length === 0) return;
  s.err('Warning: Non-root user is configured for the entire target Pod, and some capabilities granted by debug profile may not work. Please consider using "--custom" with a custom profile that specifies "securityContext.runAsUser: 0".\n');
}

function statusOf(pod: Pod, container: string) {
  return [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? []), ...(pod.status?.ephemeralContainerStatuses ?? [])].find((c) => c.name === container);
}

/**
 * handleAttachPod: waits until the debug container runs (warning about why it waits), then
 * attaches, or prints its log if it has already finished.
 */
function* handleAttachPod(s: Session, o: DebugOptions, pod: Pod, container: string): Proc<void> {
  const ns = pod.metadata.namespace!;
  const name = pod.metadata.name!;
  let warned = "";
  const ready = yield* waitForState(s, ["Pod"], () => {
    const p = s.api.get<Pod>("Pod", ns, name);
    if (p === undefined) return { gone: true as const };
    const st = statusOf(p, container);
    if (st?.state?.running !== undefined || st?.state?.terminated !== undefined) return { pod: p, terminated: st.state.terminated !== undefined };
    const message = st?.state?.waiting?.message ?? "";
    if (!o.quiet && message !== "" && message !== warned) {
      warned = message;
      s.err(`Warning: container ${container}: ${message}\n`);
    }
    return undefined;
  });
  if (ready === undefined) throw new Error("timed out waiting for the condition");
  if ("gone" in ready) throw toStatus(notFound("pods", ""));
  const spec = [...ready.pod.spec.containers, ...(ready.pod.spec.initContainers ?? []), ...(ready.pod.spec.ephemeralContainers ?? [])].find((c) => c.name === container)!;
  const logs = () => podLogs(s, ready.pod, { container, previous: false, tail: -1, timestamps: false, follow: false });
  if (ready.terminated) return yield* logs();
  const raw = prepareAttach(s, spec, { stdin: o.interactive, tty: o.tty, quiet: o.quiet });
  try {
    yield* attachContainer(s, ready.pod, container, o.interactive);
  } catch (e) {
    s.err(`warning: couldn't attach to pod/${name}, falling back to streaming logs: ${(e as Error).message}\n`);
    return yield* logs();
  }
  const message = reattachMessage(ready.pod, container);
  if (!o.quiet && o.interactive && raw && message !== undefined) s.out(`${message}\n`);
}
