import type { Proc } from "@ksim/sim";
import { addQuantity, milliValue, parseQuantity, quantityValue } from "../../api/quantity.js";
import { parseSelector, selectorMatches } from "../../api/labels.js";
import { parseTime } from "../../api/time.js";
import type { Node, Pod } from "../../api/types.js";
import { goDuration } from "../../kubelet/pod-worker.js";
import { tableWriter } from "../output/tabwriter.js";
import { ALL_NAMESPACES_FLAG, SELECTOR_FLAG, type Command, type Invocation } from "./command.js";
import { StatusError, usageError } from "./errors.js";

/** kubectl's metricsCreationDelay: a pod younger than this may simply not have metrics yet. */
const METRICS_CREATION_DELAY_MS = 2 * 60_000;
const METRICS_API = "/apis/metrics.k8s.io/v1beta1";

interface ContainerUsage {
  readonly name: string;
  readonly usage: { readonly cpu: string; readonly memory: string };
}
interface PodMetrics {
  readonly metadata: { readonly name: string; readonly namespace: string };
  readonly containers: readonly ContainerUsage[];
}
interface NodeMetrics {
  readonly metadata: { readonly name: string };
  readonly usage: { readonly cpu: string; readonly memory: string };
}

const COMMON_FLAGS = [SELECTOR_FLAG, { name: "sort-by", type: "string" as const }, { name: "no-headers", type: "bool" as const }];

export const topCommand: Command = {
  name: "top",
  short: "Display resource (CPU/memory) usage",
  long: "Display resource (CPU/memory) usage.\n\n This command provides a view of recent resource consumption for nodes and pods. It fetches the metrics from the Metrics Server, which aggregates this data from the kubelet on each node. The Metrics Server must be installed and running in the cluster for this command to work.\n\n The metrics shown are specifically optimized for Kubernetes autoscaling decisions, such as those made by the Horizontal Pod Autoscaler (HPA) and Vertical Pod Autoscaler (VPA). Because of this, the values may not match those from standard OS tools like 'top', as the metrics are designed to provide a stable signal for autoscalers rather than for pinpoint accuracy.\n\n When to use this command:\n\n  *  For on-the-fly spot-checks of resource usage (e.g. identify which pods are consuming the most resources at a glance, or get a quick sense of the load on your nodes)\n  *  Understand current resource consumption patterns\n  *  Validate the behavior of your HPA or VPA configurations by seeing the metrics they use.\n\n When to use other tools:\n\n  *  For historical data, trend analysis, or long-term capacity planning, use a comprehensive monitoring solution like Prometheus/Grafana\n  *  For detailed node/container level metrics, use the metrics endpoints of the kubelet and container runtime.",
  usage: "[flags]",
  subcommands: [
    {
      name: "node",
      aliases: ["nodes", "no"],
      short: "Display resource (CPU/memory) usage of nodes",
      usage: "[NAME | -l label]",
      flags: [...COMMON_FLAGS, { name: "show-capacity", type: "bool" }],
      run: topNode,
    },
    {
      name: "pod",
      aliases: ["pods", "po"],
      short: "Display resource (CPU/memory) usage of pods",
      usage: "[NAME | -l label]",
      flags: [...COMMON_FLAGS, ALL_NAMESPACES_FLAG, { name: "containers", type: "bool" }, { name: "field-selector", type: "string" }, { name: "sum", type: "bool" }],
      run: topPod,
    },
  ],
};

/** The metrics API, as kubectl reaches it: discovery must list metrics.k8s.io/v1beta1, then a GET through the aggregator. */
function* metricsGet<T>(inv: Invocation, path: string, resource: string, name: string | undefined): Proc<T> {
  const aggregator = inv.s.cluster.aggregator;
  if (aggregator.registered("metrics.k8s.io", "v1beta1") === undefined) throw new Error("Metrics API not available");
  const r = yield* aggregator.get(`${METRICS_API}${path}`, {});
  const suffix = `(get ${resource}.metrics.k8s.io${name === undefined ? "" : ` ${name}`})`;
  if (r.kind === "notFound") throw new StatusError("NotFound", `the server could not find the requested resource ${suffix}`);
  if (r.kind === "unavailable") throw new StatusError("ServiceUnavailable", `the server is currently unable to handle the request ${suffix}`);
  let body: (T & { reason?: string; message?: string }) | undefined;
  try {
    body = JSON.parse(r.body) as T & { reason?: string; message?: string };
  } catch {
    body = undefined;
  }
  if (r.status !== 200 || body === undefined) {
    throw new StatusError(body?.reason ?? "InternalError", body?.message ?? `an error on the server ("${r.body.trim()}") has prevented the request from succeeding ${suffix}`);
  }
  return body;
}

function sortBy(inv: Invocation): string {
  const by = inv.flags.string("sort-by");
  if (by !== "" && by !== "cpu" && by !== "memory") throw new Error("--sort-by accepts only cpu or memory");
  return by;
}

function* topPod(inv: Invocation): Proc<number> {
  const s = inv.s;
  const selector = inv.flags.string("selector");
  const fieldSelector = inv.flags.string("field-selector");
  if (inv.args.length > 1) throw usageError(inv.path, "pod [NAME | -l label]");
  const name = inv.args[0];
  if (name !== undefined && (selector !== "" || fieldSelector !== "")) throw new Error("only one of NAME or selector can be provided");
  if (fieldSelector !== "") throw new Error("ksim does not model field selectors for kubectl top pod");
  const by = sortBy(inv);
  const all = inv.flags.bool("all-namespaces");
  const labelSelector = selector === "" ? undefined : parseSelector(selector);
  const query = selector === "" ? "" : `?labelSelector=${encodeURIComponent(selector)}`;
  let items: PodMetrics[];
  if (name !== undefined) {
    items = [yield* metricsGet<PodMetrics>(inv, `/namespaces/${s.namespace}/pods/${name}`, "pods", name)];
  } else {
    const path = all ? `/pods${query}` : `/namespaces/${s.namespace}/pods${query}`;
    items = [...(yield* metricsGet<{ items: PodMetrics[] }>(inv, path, "pods", undefined)).items];
  }
  if (items.length === 0) {
    // verifyEmptyMetrics lists the pods of the current namespace, even with -A.
    const pods = s.list<Pod>("Pod", s.namespace).filter((p) => labelSelector === undefined || selectorMatches(labelSelector, p.metadata.labels));
    if (pods.length > 0) {
      for (const p of pods) {
        const age = s.now() - parseTime(p.metadata.creationTimestamp!);
        if (age > METRICS_CREATION_DELAY_MS) throw new Error(`Metrics not available for pod ${p.metadata.namespace}/${p.metadata.name}, age: ${goDuration(age)}`);
      }
      throw new Error("metrics not available yet");
    }
    s.err(all ? "No resources found\n" : `No resources found in ${s.namespace} namespace.\n`);
    return 0;
  }
  s.out(podTable(items, { containers: inv.flags.bool("containers"), all, noHeaders: inv.flags.bool("no-headers"), sortBy: by, sum: inv.flags.bool("sum") }));
  return 0;
}

function* topNode(inv: Invocation): Proc<number> {
  const s = inv.s;
  const selector = inv.flags.string("selector");
  if (inv.args.length > 1) throw usageError(inv.path, "node [NAME | -l label]");
  const name = inv.args[0];
  if (name !== undefined && selector !== "") throw new Error("only one of NAME or --selector can be provided");
  const by = sortBy(inv);
  const query = selector === "" ? "" : `?labelSelector=${encodeURIComponent(selector)}`;
  const items =
    name !== undefined
      ? [yield* metricsGet<NodeMetrics>(inv, `/nodes/${name}`, "nodes", name)]
      : [...(yield* metricsGet<{ items: NodeMetrics[] }>(inv, `/nodes${query}`, "nodes", undefined)).items];
  if (items.length === 0) throw new Error("metrics not available yet");
  const labelSelector = selector === "" ? undefined : parseSelector(selector);
  const nodes =
    name !== undefined
      ? s.list<Node>("Node").filter((n) => n.metadata.name === name)
      : s.list<Node>("Node").filter((n) => labelSelector === undefined || selectorMatches(labelSelector, n.metadata.labels));
  const available = new Map(nodes.map((n) => [n.metadata.name!, (inv.flags.bool("show-capacity") ? n.status?.capacity : n.status?.allocatable) ?? {}]));
  s.out(nodeTable(items, available, inv.flags.bool("no-headers"), by));
  return 0;
}

/** `%vm` of the quantity's MilliValue (rounded up) and `%vMi` of its Value over 2^20 (rounded down). */
function cpuText(milli: bigint): string {
  return `${milli}m`;
}
function memoryText(bytes: number): string {
  return `${Math.floor(bytes / (1024 * 1024))}Mi`;
}

interface PodRow {
  readonly namespace: string;
  readonly name: string;
  readonly cpu: bigint;
  readonly memory: number;
  readonly containers: readonly { name: string; cpu: bigint; memory: number }[];
}

/** metricsutil.TopCmdPrinter.PrintPodMetrics, with its sorter and the --sum footer. */
function podTable(items: readonly PodMetrics[], o: { containers: boolean; all: boolean; noHeaders: boolean; sortBy: string; sum: boolean }): string {
  const rows: PodRow[] = items.map((m) => {
    const containers = m.containers
      .map((c) => ({ name: c.name, cpu: milliValue(parseQuantity(c.usage.cpu)), memory: quantityValue(parseQuantity(c.usage.memory)) }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return {
      namespace: m.metadata.namespace,
      name: m.metadata.name,
      cpu: milliValue(m.containers.reduce((q, c) => addQuantity(q, parseQuantity(c.usage.cpu)), parseQuantity("0"))),
      memory: containers.reduce((n, c) => n + c.memory, 0),
      containers,
    };
  });
  rows.sort((a, b) => {
    if (o.sortBy === "cpu") return a.cpu === b.cpu ? 0 : a.cpu > b.cpu ? -1 : 1;
    if (o.sortBy === "memory") return b.memory - a.memory;
    const ka = o.all ? `${a.namespace}\0${a.name}` : a.name;
    const kb = o.all ? `${b.namespace}\0${b.name}` : b.name;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  const w = tableWriter();
  const line = (cells: readonly string[]) => w.write(cells.map((c) => `${c}\t`).join("") + "\n");
  if (!o.noHeaders) line([...(o.all ? ["NAMESPACE"] : []), ...(o.containers ? ["POD"] : []), "NAME", "CPU(cores)", "MEMORY(bytes)"]);
  for (const r of rows) {
    if (o.containers) for (const c of r.containers) line([...(o.all ? [r.namespace] : []), r.name, c.name, cpuText(c.cpu), memoryText(c.memory)]);
    else line([...(o.all ? [r.namespace] : []), r.name, cpuText(r.cpu), memoryText(r.memory)]);
  }
  if (o.sum) {
    // printPodResourcesSum counts the NAMESPACE and POD columns only when headers are printed.
    const width = 3 + (!o.noHeaders && o.all ? 1 : 0) + (!o.noHeaders && o.containers ? 1 : 0);
    line([...Array<string>(width - 2).fill(""), "________", "________"]);
    const cpu = rows.reduce((n, r) => n + r.cpu, 0n);
    const memory = rows.reduce((n, r) => n + r.memory, 0);
    line([...Array<string>(width - 3).fill(""), "", cpuText(cpu), memoryText(memory)]);
  }
  return w.flush();
}

/** PrintNodeMetrics: usage and its share of allocatable (truncated), then nodes without metrics as <unknown>. */
function nodeTable(items: readonly NodeMetrics[], available: ReadonlyMap<string, Readonly<Record<string, string>>>, noHeaders: boolean, by: string): string {
  const rows = items
    .filter((m) => available.has(m.metadata.name))
    .map((m) => ({ name: m.metadata.name, cpu: milliValue(parseQuantity(m.usage.cpu)), memory: quantityValue(parseQuantity(m.usage.memory)) }))
    .sort((a, b) => {
      if (by === "cpu") return a.cpu === b.cpu ? 0 : a.cpu > b.cpu ? -1 : 1;
      if (by === "memory") return b.memory - a.memory;
      return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
    });
  const percent = (used: number, of: string | undefined) => {
    const total = of === undefined ? 0 : Number(milliValue(parseQuantity(of)));
    return total === 0 ? "0%" : `${Math.trunc((used / total) * 100)}%`;
  };
  const w = tableWriter();
  const line = (cells: readonly string[]) => w.write(cells.map((c) => `${c}\t`).join("") + "\n");
  if (!noHeaders) line(["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"]);
  for (const r of rows) {
    const a = available.get(r.name)!;
    line([r.name, cpuText(r.cpu), percent(Number(r.cpu), a["cpu"]), memoryText(r.memory), percent(r.memory * 1000, a["memory"])]);
  }
  // Nodes without metrics come last, in Go map order upstream; ksim lists them by name.
  const measured = new Set(rows.map((r) => r.name));
  for (const name of [...available.keys()].filter((n) => !measured.has(n)).sort()) line([name, "<unknown>", "<unknown>", "<unknown>", "<unknown>"]);
  return w.flush();
}
