import type { ApiServer } from "../api/server.js";
import { authorize, type UserInfo } from "../api/rbac.js";
import { authenticateToken } from "../api/service-account-tokens.js";
import { goFloat } from "../kubectl/output/gofmt.js";
import { header, httpResponse, type HttpHandler, type HttpRequest, type HttpResponse } from "../runtime/http.js";
import type { MachineUsage } from "../runtime/process.js";

/** The kubelet's HTTPS port (status.daemonEndpoints.kubeletEndpoint). */
export const KUBELET_PORT = 10250;

/** What one pod on the node has used, container by container. */
interface PodUsage {
  readonly namespace: string;
  readonly name: string;
  readonly containers: readonly { readonly container: string; readonly startedAtMs: number; readonly usage: MachineUsage }[];
}

export interface KubeletServerSource {
  readonly api: ApiServer;
  readonly nodeName: string;
  /** The node's wall clock (epoch ms), which stamps each sample. */
  epochMs(): number;
  pods(): readonly PodUsage[];
  /** What the node's processes use (its pods' and hostPID ones). */
  node(): MachineUsage;
  /** Since the node booted. */
  uptimeMs(): number;
}

/**
 * The node's own daemons (kubelet, containerd, systemd, journald), which ksim does not run as
 * processes: their working set and CPU are an estimate of an idle node's, not a measurement.
 * Without them an empty node would report nothing, and metrics-server drops such a node.
 */
const NODE_DAEMONS = { residentBytes: 90 * 1024 * 1024, cores: 0.015 };

/**
 * The kubelet's HTTPS server as kubeadm configures it: anonymous requests are refused (401), a
 * bearer token is checked as a TokenReview would and the request authorized as a
 * SubjectAccessReview for the `nodes` subresource its path maps to. It serves `/healthz` and the
 * resource metrics (`/metrics/resource`) that metrics-server scrapes. exec, attach and logs reach
 * containers inside ksim without it; /metrics, /stats/summary and /pods are not modelled (404).
 */
export function kubeletServer(source: KubeletServerSource): HttpHandler {
  return (req) => {
    const path = req.path.split("?")[0]!;
    const user = authenticate(source.api, req);
    if (user === undefined) return httpResponse(401, "Unauthorized\n", { "Content-Type": "text/plain; charset=utf-8" });
    const subresource = subresourceOf(path);
    const verb = req.method === "GET" || req.method === "HEAD" ? "get" : req.method.toLowerCase();
    const attrs = { verb, namespace: "", group: "", resource: "nodes", subresource, name: source.nodeName };
    if (!authorize(source.api, user, attrs).allowed) {
      return httpResponse(403, `Forbidden (user=${user.name}, verb=${verb}, resource=nodes, subresource(s)=[${subresource}])\n`, { "Content-Type": "text/plain; charset=utf-8" });
    }
    if (path === "/healthz") return httpResponse(200, "ok", { "Content-Type": "text/plain; charset=utf-8" });
    if (path === "/metrics/resource") return resourceMetrics(source);
    return httpResponse(404, "404 page not found\n", { "Content-Type": "text/plain; charset=utf-8" });
  };
}

/** server/auth.go GetRequestAttributes: the `nodes` subresource a path is authorized as. */
function subresourceOf(path: string): string {
  const under = (p: string) => path === p || path.startsWith(`${p}/`);
  if (under("/stats")) return "stats";
  if (under("/metrics")) return "metrics";
  if (under("/logs")) return "log";
  if (under("/checkpoint")) return "checkpoint";
  return "proxy";
}

function authenticate(api: ApiServer, req: HttpRequest): UserInfo | undefined {
  const auth = header(req.headers, "Authorization");
  const m = auth === undefined ? null : /^Bearer (\S+)$/.exec(auth);
  return m === null ? undefined : authenticateToken(api.store, m[1]!);
}

interface Family {
  readonly name: string;
  readonly type: "counter" | "gauge";
  readonly help: string;
  readonly samples: { labels: string; value: number; ts: number }[];
}

/**
 * /metrics/resource (pkg/kubelet/metrics/collectors/resource_metrics.go) in the Prometheus text
 * format: families sorted by name, samples by their labels, each stamped with when it was read.
 * The node's figures are its processes' plus the estimate for its own daemons above.
 */
function resourceMetrics(source: KubeletServerSource): HttpResponse {
  const ts = Math.floor(source.epochMs());
  const family = (name: string, type: Family["type"], help: string): Family => ({ name, type, help, samples: [] });
  const containerCpu = family("container_cpu_usage_seconds_total", "counter", "Cumulative cpu time consumed by the container in core-seconds");
  const containerMemory = family("container_memory_working_set_bytes", "gauge", "Current working set of the container in bytes");
  const containerStart = family("container_start_time_seconds", "gauge", "Start time of the container since unix epoch in seconds");
  const nodeCpu = family("node_cpu_usage_seconds_total", "counter", "Cumulative cpu time consumed by the node in core-seconds");
  const nodeMemory = family("node_memory_working_set_bytes", "gauge", "Current working set of the node in bytes");
  const podCpu = family("pod_cpu_usage_seconds_total", "counter", "Cumulative cpu time consumed by the pod in core-seconds");
  const podMemory = family("pod_memory_working_set_bytes", "gauge", "Current working set of the pod in bytes");
  const scrapeError = family("resource_scrape_error", "gauge", "1 if there was an error while getting container metrics, 0 otherwise");
  for (const pod of source.pods()) {
    const podLabels = `namespace="${pod.namespace}",pod="${pod.name}"`;
    let cpuMs = 0;
    let bytes = 0;
    for (const c of pod.containers) {
      const labels = `container="${c.container}",${podLabels}`;
      containerCpu.samples.push({ labels, value: c.usage.cpuMs / 1000, ts });
      containerMemory.samples.push({ labels, value: c.usage.residentBytes, ts });
      containerStart.samples.push({ labels, value: Math.floor(c.startedAtMs / 1000), ts });
      cpuMs += c.usage.cpuMs;
      bytes += c.usage.residentBytes;
    }
    if (pod.containers.length === 0) continue;
    podCpu.samples.push({ labels: podLabels, value: cpuMs / 1000, ts });
    podMemory.samples.push({ labels: podLabels, value: bytes, ts });
  }
  const node = source.node();
  nodeCpu.samples.push({ labels: "", value: (node.cpuMs + NODE_DAEMONS.cores * source.uptimeMs()) / 1000, ts });
  nodeMemory.samples.push({ labels: "", value: node.residentBytes + NODE_DAEMONS.residentBytes, ts });
  scrapeError.samples.push({ labels: "", value: 0, ts: -1 });
  const text = [containerCpu, containerMemory, containerStart, nodeCpu, nodeMemory, podCpu, podMemory, scrapeError]
    .map((f) => {
      const samples = [...f.samples].sort((a, b) => (a.labels < b.labels ? -1 : a.labels > b.labels ? 1 : 0));
      const lines = samples.map((s) => `${f.name}${s.labels === "" ? "" : `{${s.labels}}`} ${goFloat(s.value)}${s.ts < 0 ? "" : ` ${s.ts}`}\n`);
      return `# HELP ${f.name} [STABLE] ${f.help}\n# TYPE ${f.name} ${f.type}\n${lines.join("")}`;
    })
    .join("");
  return httpResponse(200, text, { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" });
}
