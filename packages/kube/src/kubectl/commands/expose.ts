import type { Proc } from "@ksim/sim";
import { changeCause, RECORD_FLAG, recorded } from "./record.js";
import type { Container, KubeObject, LabelSelector, Pod, Service, ServicePort } from "../../api/types.js";
import { nameLine, schemaGroupKind } from "../output/index.js";
import { DRY_RUN_FLAG, dryRunOf, dryRunSuffix, type Command, type Invocation } from "./command.js";
import { aggregate, usageError } from "./errors.js";
import { flatten, MISSING_RESOURCE, select } from "./targets.js";
import { createObject } from "./writes.js";

/**
 * `kubectl expose (TYPE NAME | TYPE/NAME) [--port=…]` (kubectl pkg/cmd/expose): a Service selecting
 * what a pod, Deployment, ReplicaSet or Service selects, on the ports given or found in it.
 */
export const exposeCommand: Command = {
  name: "expose",
  short: "Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service",
  usage: "(-f FILENAME | TYPE NAME) [--port=port] [--protocol=TCP|UDP|SCTP] [--target-port=number-or-name] [--name=name] [--external-ip=external-ip-of-service] [--type=type]",
  flags: [
    DRY_RUN_FLAG,
    RECORD_FLAG,
    { name: "port", type: "string" },
    { name: "target-port", type: "string" },
    { name: "protocol", type: "string" },
    { name: "name", type: "string" },
    { name: "type", type: "string" },
    { name: "selector", type: "string" },
    { name: "labels", short: "l", type: "string" },
  ],
  run: runExpose,
};

/** canBeExposed. */
const EXPOSABLE = new Set(["Pod", "Service", "Deployment", "ReplicaSet", "ReplicationController"]);

function* runExpose(inv: Invocation): Proc<number> {
  const { s, flags, args } = inv;
  if (args.length === 0) throw new Error(MISSING_RESOURCE);
  const selection = select(s, { args });
  if (selection.errors.length > 0) throw aggregate(selection.errors);
  const dryRun = dryRunOf(flags);
  for (const { object } of flatten(selection)) {
    if (!EXPOSABLE.has(object.kind)) throw new Error(`cannot expose a ${schemaGroupKind(object.kind, object.apiVersion)}`);
    const selector = flags.string("selector") !== "" ? parseMap(flags.string("selector")) : selectorOf(object);
    if (selector === undefined) throw usageError(inv.path, `error: couldn't retrieve selectors via --selector flag or introspection: the ${object.kind} has no selector`);
    const ports = servicePorts(flags.string("port"), flags.string("target-port"), flags.string("protocol"), object);
    if (ports.length === 0) throw usageError(inv.path, "error: couldn't find port via --port flag or introspection");
    const name = flags.string("name") || object.metadata.name!;
    const type = flags.string("type");
    const labels = flags.string("labels") !== "" ? parseMap(flags.string("labels")) : object.metadata.labels;
    const service: Service = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name, namespace: object.metadata.namespace, ...(labels !== undefined ? { labels } : {}) },
      spec: { ports, selector, ...(type !== "" ? { type: type as NonNullable<Service["spec"]["type"]> } : {}) },
    };
    const created = createObject(s, recorded(service, changeCause(inv)), dryRun);
    s.out(nameLine(created, `exposed${dryRunSuffix(dryRun)}`));
  }
  return 0;
}

/** The map-based selector of what is exposed (a set selector with expressions cannot be). */
function selectorOf(o: KubeObject): Record<string, string> | undefined {
  if (o.kind === "Pod") return o.metadata.labels;
  if (o.kind === "Service") return (o as Service).spec.selector;
  const sel = (o.spec as { selector?: LabelSelector | Record<string, string> } | undefined)?.selector;
  if (sel === undefined) return undefined;
  if (o.kind === "ReplicationController") return sel as Record<string, string>;
  const ls = sel as LabelSelector;
  if ((ls.matchExpressions ?? []).length > 0) throw new Error(`couldn't convert expressions - "${JSON.stringify(ls.matchExpressions)}" to map-based selector format`);
  return ls.matchLabels;
}

/** The ports: --port (with --target-port), or those the object declares, named port-N when several; none if neither. */
function servicePorts(port: string, targetPort: string, protocol: string, o: KubeObject): ServicePort[] {
  const proto = (protocol || "TCP") as NonNullable<ServicePort["protocol"]>;
  const target = (t: string) => (/^\d+$/.test(t) ? Number(t) : t);
  if (port !== "") {
    const n = Number(port);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`invalid argument "${port}" for "--port" flag: strconv.ParseInt: parsing "${port}": invalid syntax`);
    return [{ port: n, protocol: proto, targetPort: target(targetPort || port) }];
  }
  const found = introspectPorts(o);
  return found.map((p, i) => ({
    ...(found.length > 1 ? { name: `port-${i + 1}` } : {}),
    port: p.port,
    protocol: (protocol || p.protocol) as NonNullable<ServicePort["protocol"]>,
    targetPort: targetPort !== "" ? target(targetPort) : p.port,
  }));
}

function introspectPorts(o: KubeObject): { port: number; protocol: string }[] {
  if (o.kind === "Service") return ((o as Service).spec.ports ?? []).map((p) => ({ port: p.port, protocol: p.protocol ?? "TCP" }));
  const containers: Container[] = o.kind === "Pod" ? (o as Pod).spec.containers : ((o.spec as { template?: { spec?: { containers?: Container[] } } }).template?.spec?.containers ?? []);
  return containers.flatMap((c) => c.ports ?? []).map((p) => ({ port: p.containerPort, protocol: p.protocol ?? "TCP" }));
}

function parseMap(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text.split(",")) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new Error(`invalid label spec: ${pair}`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}
