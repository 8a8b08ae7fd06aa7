import { Future, type Connection, type Listener, type Proc } from "@ksim/sim";
import { labelSelectorAsSelector, selectorMatches } from "../../api/labels.js";
import type { KubeObject, Pod, Service } from "../../api/types.js";
import type { Command, Invocation } from "./command.js";
import { usageError } from "./errors.js";
import { attachablePod, podOrController } from "./pods.js";
import type { Session } from "./session.js";
import { streamUntilQuiet } from "./waiting.js";

/**
 * `kubectl port-forward TYPE/NAME [LOCAL:]REMOTE …` (kubectl pkg/cmd/portforward): listens on the
 * workstation's loopback and carries each connection to the port inside the pod's network
 * namespace, as the kubelet's port-forward does. A service stands for one of its pods, its port
 * for the target port. It runs until the pod goes, or (in the foreground) until nothing has
 * connected for a while: the simulated user's Ctrl-C.
 */
export const portForwardCommand: Command = {
  name: "port-forward",
  short: "Forward one or more local ports to a pod",
  usage: "TYPE/NAME [options] [LOCAL_PORT:]REMOTE_PORT [...[LOCAL_PORT_N:]REMOTE_PORT_N]",
  flags: [
    { name: "address", type: "string" },
    { name: "pod-running-timeout", type: "duration" },
  ],
  run: runPortForward,
};

interface Forward {
  readonly local: number;
  readonly remote: number;
}

function* runPortForward(inv: Invocation): Proc<number> {
  const { s, flags, args } = inv;
  if (args.length < 2) throw usageError(inv.path, "TYPE/NAME and list of ports are required for port-forward");
  const address = flags.string("address") || "localhost";
  if (address !== "localhost" && address !== "127.0.0.1") throw new Error(`ksim's port-forward listens on localhost only, not ${address}`);
  const target = podOrService(s, args[0]!);
  const svc = target.kind === "Service" ? (target as Service) : undefined;
  const { pod } = svc !== undefined ? { pod: servicePod(s, svc) } : yield* attachablePod(s, target, flags.duration("pod-running-timeout", 60_000));
  if (pod.status?.phase !== "Running") throw new Error(`unable to forward port because pod is not running. Current status=${pod.status?.phase ?? "Pending"}`);
  const forwards = args.slice(1).map((spec) => parsePort(spec, (port) => (svc !== undefined ? servicePort(svc, pod, port) : podPort(pod, port))));
  const podHost = s.cluster.network.lookup(pod.status?.podIP ?? "");
  if (podHost === undefined) throw new Error(`error upgrading connection: unable to upgrade connection: pod ${pod.metadata.name} has no network`);
  const listeners: Listener[] = [];
  let lastActivity = s.sim.now;
  const gone = new Future<void>();
  const stopWatching = s.api.watch<Pod>("Pod", (e) => {
    if (e.object.metadata.uid === pod.metadata.uid && (e.type === "DELETED" || e.object.metadata.deletionTimestamp !== undefined)) gone.resolve();
  });
  try {
    for (const f of forwards) {
      const local = f.local === 0 ? 30000 + s.ctx.random.int(0, 30000) : f.local;
      listeners.push(
        s.ctx.net.listen(local, (client) => {
          lastActivity = s.sim.now;
          s.out(`Handling connection for ${local}\n`);
          relay(s, client, podHost.connect("127.0.0.1", f.remote), local, f.remote);
        }),
      );
      s.out(`Forwarding from 127.0.0.1:${local} -> ${f.remote}\nForwarding from [::1]:${local} -> ${f.remote}\n`);
    }
    yield* streamUntilQuiet(s, () => lastActivity, gone);
    if (gone.settled) throw new Error("lost connection to pod");
  } finally {
    stopWatching();
    for (const l of listeners) l.close();
  }
  return 0;
}

/** Joins the client's connection to the one inside the pod; a refusal there resets the client. */
function relay(s: Session, client: Connection, upstream: Connection, local: number, remote: number): void {
  client.onData = (m) => upstream.send(m);
  client.onEnd = () => upstream.end();
  client.onClose = () => upstream.destroy();
  upstream.onData = (m) => client.send(m);
  upstream.onEnd = () => client.end();
  upstream.onClose = (reason) => {
    if (reason === "ECONNREFUSED") s.err(`error: an error occurred forwarding ${local} -> ${remote}: failed to connect to localhost:${remote} inside the pod: connection refused\n`);
    client.destroy();
  };
}

/** `POD`, `pod/POD`, a controller, or `svc/NAME`. */
function podOrService(s: Session, arg: string): KubeObject {
  const slash = arg.indexOf("/");
  const type = slash < 0 ? "" : arg.slice(0, slash).toLowerCase();
  if (type === "svc" || type === "service" || type === "services") {
    const name = arg.slice(slash + 1);
    const svc = s.api.get<Service>("Service", s.namespace, name);
    if (svc === undefined) throw new Error(`services "${name}" not found`);
    return svc;
  }
  return podOrController(s, arg);
}

/** The service's first running pod, as AttachablePodForObjectFn picks it for a service. */
function servicePod(s: Session, svc: Service): Pod {
  const sel = labelSelectorAsSelector({ matchLabels: svc.spec.selector ?? {} });
  const pod = s.list<Pod>("Pod", svc.metadata.namespace).find((p) => selectorMatches(sel, p.metadata.labels) && p.status?.phase === "Running");
  if (pod === undefined) throw new Error(`timed out waiting for the condition`);
  return pod;
}

/** `[LOCAL:]REMOTE`; an empty LOCAL picks a free port. */
function parsePort(spec: string, remoteOf: (port: string) => number): Forward {
  const parts = spec.split(":");
  if (parts.length > 2) throw new Error(`invalid port format '${spec}'`);
  const remoteText = parts[parts.length - 1]!;
  const remote = remoteOf(remoteText);
  const localText = parts.length === 2 ? parts[0]! : remoteText;
  const local = localText === "" ? 0 : Number(localText);
  if (!Number.isInteger(local) || local < 0 || local > 65535) throw new Error(`Error parsing local port '${localText}': strconv.ParseUint: parsing "${localText}": invalid syntax`);
  // Without a local port, a named remote port is forwarded from its number.
  return { local: parts.length === 2 || /^\d+$/.test(remoteText) ? local : remote, remote };
}

/** convertPodNamedPortToNumber: a port number, or a container port's name. */
function podPort(pod: Pod, port: string): number {
  if (/^\d+$/.test(port)) return Number(port);
  for (const c of pod.spec.containers) for (const p of c.ports ?? []) if (p.name === port) return p.containerPort;
  throw new Error(`Pod '${pod.metadata.name}' does not have a named port '${port}'`);
}

/** translateServicePortToTargetPort: the service port (by number or name) to the pod's port. */
function servicePort(svc: Service, pod: Pod, port: string): number {
  const sp = (svc.spec.ports ?? []).find((p) => (/^\d+$/.test(port) ? p.port === Number(port) : p.name === port));
  if (sp === undefined) throw new Error(`Service ${svc.metadata.name} does not have a service port ${port}`);
  const target = sp.targetPort ?? sp.port;
  return typeof target === "number" ? target : podPort(pod, target);
}
