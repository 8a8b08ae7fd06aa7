import { Future, sleep, spawn, wait, type Proc } from "@ksim/sim";
import {
  formatQuantity,
  goDuration,
  goHttpError,
  httpRequest,
  httpResponse,
  ImageLayer,
  METRICS_SERVER_IMAGE,
  parseGoDuration,
  serveHttp,
  type HttpRequest,
  type HttpResponse,
  type ImageDefinition,
  type ProcessContext,
} from "@ksim/kube";
import { klogLine } from "./klog.js";

const TOKEN_PATH = "/var/run/secrets/kubernetes.io/serviceaccount/token";
/** A container this young at a scrape gets a first point at its start (freshContainerMinMetricsResolution). */
const FRESH_CONTAINER_MIN_MS = 10_000;
const ADDRESS_TYPES_DEFAULT = ["Hostname", "InternalDNS", "InternalIP", "ExternalDNS", "ExternalIP"];

/** One reading: cumulative CPU in nanoseconds, working set in bytes, when (epoch ms). */
interface Point {
  readonly ts: number;
  readonly cpuNs: number;
  readonly memory: number;
  /** A container's start (epoch ms). */
  readonly start?: number;
}

interface Batch {
  readonly nodes: Map<string, Point>;
  /** By `namespace/pod`, then container. */
  readonly pods: Map<string, Map<string, Point>>;
}

interface Usage {
  readonly ts: number;
  readonly windowMs: number;
  readonly cpuNano: number;
  readonly memory: number;
}

/**
 * The last two points of each node and container (pkg/storage): CPU is the rate between them,
 * memory the last working set. A node or pod missing from a scrape drops out until it has two
 * points again; a container that started within the resolution gets a synthetic first point at
 * its start, so it is served after one scrape.
 */
class Storage {
  private nodes = { last: new Map<string, Point>(), prev: new Map<string, Point>() };
  private pods = { last: new Map<string, Map<string, Point>>(), prev: new Map<string, Map<string, Point>>() };

  constructor(private readonly resolutionMs: number) {}

  ready(): boolean {
    return this.nodes.prev.size > 0 || this.pods.prev.size > 0;
  }

  store(batch: Batch): void {
    const lastNodes = new Map<string, Point>();
    const prevNodes = new Map<string, Point>();
    for (const [node, p] of batch.nodes) {
      lastNodes.set(node, p);
      const last = this.nodes.last.get(node);
      if (last === undefined) continue;
      if (p.ts > last.ts) prevNodes.set(node, last);
      else {
        const prev = this.nodes.prev.get(node);
        if (prev !== undefined && prev.ts < p.ts) prevNodes.set(node, prev);
      }
    }
    this.nodes = { last: lastNodes, prev: prevNodes };
    const lastPods = new Map<string, Map<string, Point>>();
    const prevPods = new Map<string, Map<string, Point>>();
    for (const [pod, containers] of batch.pods) {
      const last = new Map<string, Point>();
      const prev = new Map<string, Point>();
      for (const [name, p] of containers) {
        last.set(name, p);
        const age = p.ts - p.start!;
        const storedLast = this.pods.last.get(pod)?.get(name);
        if (age > 0 && age < this.resolutionMs && age >= FRESH_CONTAINER_MIN_MS) prev.set(name, { ...p, ts: p.start!, cpuNs: 0 });
        else if (storedLast !== undefined && p.start! < storedLast.ts) {
          if (p.ts > storedLast.ts) prev.set(name, storedLast);
          else {
            const storedPrev = this.pods.prev.get(pod)?.get(name);
            if (storedPrev !== undefined && storedPrev.ts < p.ts) prev.set(name, storedPrev);
          }
        }
      }
      if (prev.size > 0) prevPods.set(pod, prev);
      lastPods.set(pod, last);
    }
    this.pods = { last: lastPods, prev: prevPods };
  }

  node(name: string): Usage | undefined {
    const last = this.nodes.last.get(name);
    const prev = this.nodes.prev.get(name);
    return last === undefined || prev === undefined ? undefined : usage(last, prev);
  }

  /** A pod's containers, only when every one of them has two points. */
  pod(key: string): { ts: number; windowMs: number; containers: { name: string; usage: Usage }[] } | undefined {
    const last = this.pods.last.get(key);
    const prev = this.pods.prev.get(key);
    if (last === undefined || prev === undefined) return undefined;
    const containers: { name: string; usage: Usage }[] = [];
    let ts = Infinity;
    let windowMs = 0;
    for (const [name, l] of last) {
      const p = prev.get(name);
      if (p === undefined) return undefined;
      const u = usage(l, p);
      if (u === undefined) continue;
      containers.push({ name, usage: u });
      if (u.ts < ts) {
        ts = u.ts;
        windowMs = u.windowMs;
      }
    }
    return { ts, windowMs, containers };
  }
}

/** resourceUsage: nanocores over the window; nothing when the counter went backwards. */
function usage(last: Point, prev: Point): Usage | undefined {
  if (last.cpuNs < prev.cpuNs) return undefined;
  const windowMs = last.ts - prev.ts;
  return { ts: last.ts, windowMs, cpuNano: Math.trunc((last.cpuNs - prev.cpuNs) / (windowMs / 1000)), memory: last.memory };
}

/** /metrics/resource in the Prometheus text format, as metrics-server decodes it. */
function decode(text: string, now: number): Batch {
  const nodes = new Map<string, Point>();
  const pods = new Map<string, Map<string, Point>>();
  const containers = new Map<string, { cpuNs?: number; memory?: number; start?: number; ts?: number }>();
  let node: { cpuNs?: number; memory?: number; ts?: number } = {};
  for (const line of text.split("\n")) {
    const m = /^(\w+)(?:\{([^}]*)\})? (\S+)(?: (\d+))?$/.exec(line);
    if (m === null) continue;
    const [, name, labelText, value, stamp] = m;
    const v = Number(value);
    const ts = stamp === undefined ? now : Number(stamp);
    const labels = Object.fromEntries([...(labelText ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1]!, x[2]!]));
    if (name === "node_cpu_usage_seconds_total") node = { ...node, cpuNs: Math.round(v * 1e9), ts };
    else if (name === "node_memory_working_set_bytes") node = { ...node, memory: v, ts };
    else if (name!.startsWith("container_")) {
      const key = `${labels["namespace"]}/${labels["pod"]}/${labels["container"]}`;
      const c = containers.get(key) ?? {};
      if (name === "container_cpu_usage_seconds_total") Object.assign(c, { cpuNs: Math.round(v * 1e9), ts });
      else if (name === "container_memory_working_set_bytes") Object.assign(c, { memory: v, ts });
      else if (name === "container_start_time_seconds") Object.assign(c, { start: v * 1000 });
      containers.set(key, c);
    }
  }
  if (node.ts && node.cpuNs && node.memory) nodes.set("", { ts: node.ts, cpuNs: node.cpuNs, memory: node.memory });
  const dropped = new Set<string>();
  for (const [key, c] of containers) {
    const [namespace, pod, container] = key.split("/") as [string, string, string];
    const podKey = `${namespace}/${pod}`;
    // checkContainerMetrics: a container without CPU or memory takes its whole pod out.
    if (!c.cpuNs || !c.memory || c.ts === undefined) {
      dropped.add(podKey);
      continue;
    }
    const forPod = pods.get(podKey) ?? new Map<string, Point>();
    forPod.set(container, { ts: c.ts, cpuNs: c.cpuNs, memory: c.memory, start: c.start ?? 0 });
    pods.set(podKey, forPod);
  }
  for (const key of dropped) pods.delete(key);
  return { nodes, pods };
}

/** resource.NewScaledQuantity(n, -9).String(). */
function cpuQuantity(nanocores: number): string {
  return formatQuantity({ mantissa: BigInt(nanocores), exponent: -9, format: "DecimalSI" });
}

/** resource.NewQuantity(bytes, BinarySI).String(). */
function memoryQuantity(bytes: number): string {
  return formatQuantity({ mantissa: BigInt(Math.trunc(bytes)), exponent: 0, format: "BinarySI" });
}

interface KubeObjectJson {
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  status?: { addresses?: { type: string; address: string }[]; daemonEndpoints?: { kubeletEndpoint?: { Port?: number } } };
}

/**
 * metrics-server (kubernetes-sigs/metrics-server) as minikube's addon runs it: with its service
 * account token it lists the nodes from the API server, scrapes each kubelet's
 * /metrics/resource at the start and every --metric-resolution, and serves the
 * metrics.k8s.io/v1beta1 API (NodeMetrics, PodMetrics) on --secure-port for the aggregation
 * layer. /readyz fails until it holds two points of something, so the APIService turns Available
 * about one resolution after the pod starts. TLS is not modelled (--kubelet-insecure-tls is the
 * only way the addon runs it anyway).
 */
export function* metricsServer(ctx: ProcessContext): Proc<number> {
  const flags = new Map<string, string>();
  for (const a of ctx.argv.slice(1)) {
    const m = /^--([\w-]+)(?:=(.*))?$/.exec(a);
    if (m === null) continue;
    flags.set(m[1]!, m[2] ?? "true");
  }
  const resolution = parseGoDuration(flags.get("metric-resolution") ?? "1m");
  if (typeof resolution === "string" || resolution < 10_000) {
    ctx.stderr.write(`Error: metric-resolution should be a time duration at least 10s, but value ${JSON.stringify(flags.get("metric-resolution"))} provided\n`);
    return 1;
  }
  const port = Number(flags.get("secure-port") ?? "10250");
  const addressTypes = flags.get("kubelet-preferred-address-types")?.split(",") ?? ADDRESS_TYPES_DEFAULT;
  const useNodeStatusPort = flags.get("kubelet-use-node-status-port") === "true";
  let token: string;
  try {
    token = ctx.fs.readText(TOKEN_PATH).trim();
  } catch {
    ctx.stderr.write(`Error: unable to load configmap based request-header-client-ca-file: open ${TOKEN_PATH}: no such file or directory\n`);
    return 1;
  }
  const apiHost = ctx.env.get("KUBERNETES_SERVICE_HOST") ?? "10.96.0.1";
  const apiPort = ctx.env.get("KUBERNETES_SERVICE_PORT") ?? "443";
  const auth = { Authorization: `Bearer ${token}` };
  const client = { sim: ctx.sim, net: ctx.net };
  const log = (severity: "I" | "E", site: string, message: string) => ctx.stderr.write(klogLine(severity, ctx.epochMs(), site, message));

  const apiList = function* (path: string): Proc<KubeObjectJson[] | undefined> {
    const r = yield* httpRequest(client, `https://${apiHost}:${apiPort}${path}`, { headers: auth, timeoutMs: 10_000 });
    if (!r.ok || r.response.status !== 200) return undefined;
    return (JSON.parse(r.response.body) as { items?: KubeObjectJson[] }).items ?? [];
  };

  // Its own usage as `kubectl top` shows it on a small cluster: about 17Mi and 4m.
  ctx.stats.residentKiB = 17 * 1024;
  ctx.stats.cpu = 0.004;
  const storage = new Storage(resolution);
  log("I", "serving.go:374", `Generated self signed cert (${flags.get("cert-dir") ?? "apiserver.local.config/certificates"}/apiserver.crt, ${flags.get("cert-dir") ?? "apiserver.local.config/certificates"}/apiserver.key)`);
  serveHttp(ctx.net, port, (req) => {
    const answer = new Future<HttpResponse>();
    spawn(ctx.sim, serve(req, storage, apiList), "metrics-server:request").subscribe((o) => answer.resolve(o.ok ? o.value : httpResponse(500, "")));
    return answer;
  });
  log("I", "handler.go:275", "Adding GroupVersion metrics.k8s.io v1beta1 to ResourceManager");
  log("I", "secure_serving.go:213", `Serving securely on [::]:${port}`);
  ctx.onSignal((signal) => {
    if (signal !== "SIGKILL") ctx.exit(0);
  });

  const scrapeNode = function* (node: KubeObjectJson): Proc<Batch | undefined> {
    const address = addressTypes.map((t) => node.status?.addresses?.find((a) => a.type === t)?.address).find((a) => a !== undefined);
    const kubeletPort = useNodeStatusPort ? (node.status?.daemonEndpoints?.kubeletEndpoint?.Port ?? 10250) : 10250;
    const url = `https://${address ?? node.metadata.name}:${kubeletPort}/metrics/resource`;
    const r = yield* httpRequest(client, url, { headers: auth, timeoutMs: Math.floor(resolution * 0.9) });
    if (!r.ok || r.response.status !== 200) {
      const err = r.ok ? `request failed, status: ${JSON.stringify(`${r.response.status} ${r.response.reason}`)}` : `Get ${JSON.stringify(url)}: ${goHttpError(r)}`;
      log("E", "scraper.go:149", `"Failed to scrape node" err=${JSON.stringify(err)} node=${JSON.stringify(node.metadata.name)}`);
      return undefined;
    }
    return decode(r.response.body, ctx.epochMs());
  };

  for (;;) {
    const started = ctx.sim.now;
    const nodes = (yield* apiList("/api/v1/nodes")) ?? [];
    const tasks = nodes.map((n) => ({ name: n.metadata.name, task: spawn(ctx.sim, scrapeNode(n), `metrics-server:scrape:${n.metadata.name}`) }));
    const batch: Batch = { nodes: new Map(), pods: new Map() };
    for (const { name, task } of tasks) {
      const outcome = yield* wait(task);
      const b = outcome.ok ? outcome.value : undefined;
      if (b === undefined) continue;
      const point = b.nodes.get("");
      if (point !== undefined) batch.nodes.set(name, point);
      for (const [k, v] of b.pods) batch.pods.set(k, v);
    }
    storage.store(batch);
    yield* wait(sleep(ctx.sim, Math.max(0, started + resolution - ctx.sim.now)));
  }
}

/** The metrics API: /readyz, /livez and metrics.k8s.io/v1beta1 NodeMetrics and PodMetrics. */
function* serve(req: HttpRequest, storage: Storage, apiList: (path: string) => Proc<KubeObjectJson[] | undefined>): Proc<HttpResponse> {
  const [path, query = ""] = req.path.split("?") as [string, string?];
  if (path === "/livez") return httpResponse(200, "ok");
  if (path === "/readyz") {
    return storage.ready() ? httpResponse(200, "ok") : httpResponse(500, "[+]ping ok\n[+]log ok\n[-]metric-storage-ready failed: reason withheld\nreadyz check failed\n");
  }
  const base = "/apis/metrics.k8s.io/v1beta1";
  if (path === base) return json(200, API_RESOURCE_LIST);
  if (!path.startsWith(`${base}/`)) return httpResponse(404, "404 page not found\n");
  const selector = new URLSearchParams(query).get("labelSelector");
  const sel = selector === null ? "" : `?labelSelector=${encodeURIComponent(selector)}`;
  const parts = path.slice(base.length + 1).split("/");
  if (parts[0] === "nodes" && parts.length <= 2) {
    const nodes = (yield* apiList(parts[1] === undefined ? `/api/v1/nodes${sel}` : `/api/v1/nodes`)) ?? [];
    if (parts[1] !== undefined) {
      const node = nodes.find((n) => n.metadata.name === parts[1]);
      if (node === undefined) return notFound("node", parts[1]);
      const u = storage.node(node.metadata.name);
      return u === undefined ? notFound("nodemetrics.metrics.k8s.io", parts[1], "metrics.k8s.io", "nodemetrics") : json(200, nodeMetrics(node, u));
    }
    const items = nodes.flatMap((n) => {
      const u = storage.node(n.metadata.name);
      return u === undefined ? [] : [nodeMetrics(n, u)];
    });
    return json(200, { kind: "NodeMetricsList", apiVersion: "metrics.k8s.io/v1beta1", metadata: {}, items });
  }
  const namespaced = parts[0] === "namespaces" && parts[2] === "pods";
  if ((parts[0] === "pods" && parts.length === 1) || (namespaced && parts.length <= 4)) {
    const ns = namespaced ? parts[1]! : undefined;
    const name = namespaced ? parts[3] : undefined;
    const pods = (yield* apiList(ns === undefined ? `/api/v1/pods${sel}` : `/api/v1/namespaces/${ns}/pods${name === undefined ? sel : ""}`)) ?? [];
    if (name !== undefined) {
      const pod = pods.find((p) => p.metadata.name === name);
      if (pod === undefined) return notFound("pods", name);
      const m = storage.pod(`${ns}/${name}`);
      return m === undefined ? notFound("podmetrics.metrics.k8s.io", `${ns}/${name}`, "metrics.k8s.io", "podmetrics") : json(200, podMetrics(pod, m));
    }
    const items = pods
      .flatMap((p) => {
        const m = storage.pod(`${p.metadata.namespace}/${p.metadata.name}`);
        return m === undefined ? [] : [podMetrics(p, m)];
      })
      .sort((a, b) => (a.metadata.namespace + "/" + a.metadata.name < b.metadata.namespace + "/" + b.metadata.name ? -1 : 1));
    return json(200, { kind: "PodMetricsList", apiVersion: "metrics.k8s.io/v1beta1", metadata: {}, items });
  }
  return httpResponse(404, "404 page not found\n");
}

const API_RESOURCE_LIST = {
  kind: "APIResourceList",
  apiVersion: "v1",
  groupVersion: "metrics.k8s.io/v1beta1",
  resources: [
    { name: "nodes", singularName: "", namespaced: false, kind: "NodeMetrics", verbs: ["get", "list"] },
    { name: "pods", singularName: "", namespaced: true, kind: "PodMetrics", verbs: ["get", "list"] },
  ],
};

function nodeMetrics(node: KubeObjectJson, u: Usage) {
  return {
    metadata: { name: node.metadata.name, creationTimestamp: new Date(u.ts).toISOString().replace(/\.\d+Z$/, "Z"), ...(node.metadata.labels ? { labels: node.metadata.labels } : {}) },
    timestamp: new Date(u.ts).toISOString().replace(/\.\d+Z$/, "Z"),
    window: goDuration(u.windowMs),
    usage: { cpu: cpuQuantity(u.cpuNano), memory: memoryQuantity(u.memory) },
  };
}

function podMetrics(pod: KubeObjectJson, m: NonNullable<ReturnType<Storage["pod"]>>) {
  return {
    metadata: {
      name: pod.metadata.name,
      namespace: pod.metadata.namespace!,
      creationTimestamp: new Date(m.ts).toISOString().replace(/\.\d+Z$/, "Z"),
      ...(pod.metadata.labels ? { labels: pod.metadata.labels } : {}),
    },
    timestamp: new Date(m.ts).toISOString().replace(/\.\d+Z$/, "Z"),
    window: goDuration(m.windowMs),
    containers: m.containers.map((c) => ({ name: c.name, usage: { cpu: cpuQuantity(c.usage.cpuNano), memory: memoryQuantity(c.usage.memory) } })),
  };
}

function json(status: number, body: unknown): HttpResponse {
  return httpResponse(status, `${JSON.stringify(body)}\n`, { "Content-Type": "application/json" });
}

function notFound(resource: string, name: string, group?: string, kind?: string): HttpResponse {
  return json(404, {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: `${resource} ${JSON.stringify(name)} not found`,
    reason: "NotFound",
    details: { name, ...(group !== undefined ? { group } : {}), kind: kind ?? resource },
    code: 404,
  });
}

export function metricsServerImage(): ImageDefinition {
  return {
    repositories: [METRICS_SERVER_IMAGE.slice(0, METRICS_SERVER_IMAGE.lastIndexOf(":"))],
    layer: new ImageLayer({ "/metrics-server": { program: "metrics-server:metrics-server" } }, Date.UTC(2025, 6, 1)),
    entrypoint: ["/metrics-server"],
    // One static binary, about 20 MB compressed.
    sizeBytes: 20_000_000,
    user: 65534,
  };
}
