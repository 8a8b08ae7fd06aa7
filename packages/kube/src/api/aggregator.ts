import { Future, spawn, type Host, type Proc, type Waitable } from "@ksim/sim";
import type { ControllerContext } from "../controllers/context.js";
import { WorkQueue } from "../controllers/workqueue.js";
import { goHttpError, httpRequest, httpResponse, type HttpClientContext, type HttpRequest, type HttpResponse, type HttpResult } from "../runtime/http.js";
import { jsonEqual } from "./json-value.js";
import { rfc3339 } from "./time.js";
import type { APIService, APIServiceCondition, Endpoints, Service } from "./types.js";

/** How often kube-aggregator's AvailableConditionController checks each APIService again. */
const RESYNC_MS = 30_000;
/** The discovery check's deadline. */
const DISCOVERY_TIMEOUT_MS = 5_000;

/** What a proxied request came back with: the extension server's answer, or why there is none. */
export type AggregatedResponse =
  | { readonly kind: "response"; readonly status: number; readonly body: string }
  | { readonly kind: "notFound" }
  | { readonly kind: "unavailable"; readonly reason: string };

/**
 * kube-apiserver's aggregation layer (kube-aggregator): APIServices register a group/version
 * served by a Service; the AvailableConditionController keeps each one's Available condition
 * (the Service, its endpoints on the named port, then a GET of the group/version's discovery
 * document through the Service's cluster IP), and requests for the group are proxied the same
 * way, refused with 503 while it is not Available. Every request goes over the simulated network
 * from the control plane, so a partitioned or dead extension server is unavailable for real.
 */
export class Aggregator {
  private readonly queue: WorkQueue;
  private readonly client: HttpClientContext;
  private readonly checking = new Set<string>();
  private readonly again = new Set<string>();

  constructor(
    private readonly ctx: ControllerContext,
    host: Host,
  ) {
    this.queue = new WorkQueue(ctx.sim, "apiservice-available", (name) => this.sync(name));
    this.client = { sim: ctx.sim, net: { connect: (ip, port, options) => host.connect(ip, port, options), resolve: () => [] } };
  }

  start(): void {
    const api = this.ctx.api;
    api.watch<APIService>("APIService", (e) => {
      if (e.type === "ADDED") this.queue.add(e.object.metadata.name!);
    });
    const concerning = (namespace: string | undefined, name: string | undefined) => {
      for (const a of api.list<APIService>("APIService")) {
        const ref = a.spec.service;
        if (ref != null && ref.namespace === namespace && ref.name === name) this.queue.add(a.metadata.name!);
      }
    };
    api.watch<Service>("Service", (e) => concerning(e.object.metadata.namespace, e.object.metadata.name));
    api.watch<Endpoints>("Endpoints", (e) => concerning(e.object.metadata.namespace, e.object.metadata.name));
  }

  /** The registered APIService for a group/version, Available or not (discovery lists it either way). */
  registered(group: string, version: string): APIService | undefined {
    return this.ctx.api.get<APIService>("APIService", undefined, `${version}.${group}`);
  }

  /** Proxies a GET of `path` (under /apis/GROUP/VERSION) to the extension server that serves it. */
  *get(path: string, headers: Readonly<Record<string, string>>): Proc<AggregatedResponse> {
    const m = /^\/apis\/([^/]+)\/([^/?]+)/.exec(path);
    const svc = m === null ? undefined : this.registered(m[1]!, m[2]!);
    if (svc === undefined) return { kind: "notFound" };
    if (availableCondition(svc)?.status !== "True") return { kind: "unavailable", reason: "service unavailable" };
    const url = this.serviceUrl(svc, path);
    if (url === undefined) return { kind: "unavailable", reason: "service unavailable" };
    const r = yield* httpRequest(this.client, url, { headers, timeoutMs: 60_000 });
    if (!r.ok) return { kind: "unavailable", reason: `error trying to reach service: ${goHttpError(r)}` };
    return { kind: "response", status: r.response.status, body: r.response.body };
  }

  /**
   * The API server's handler for a request under a group an APIService claims: undefined when
   * none does, else the extension server's answer, or 503 `service unavailable` as the proxy
   * handler writes it.
   */
  serve(request: HttpRequest): Waitable<HttpResponse> | undefined {
    const m = /^\/apis\/([^/]+)\/([^/?]+)/.exec(request.path);
    if (m === null || this.registered(m[1]!, m[2]!) === undefined) return undefined;
    const answer = new Future<HttpResponse>();
    spawn(this.ctx.sim, this.get(request.path, {}), "aggregator:proxy").subscribe((o) => {
      const r: AggregatedResponse = o.ok ? o.value : { kind: "unavailable", reason: "service unavailable" };
      if (r.kind === "response") answer.resolve(httpResponse(r.status, r.body, { "Content-Type": "application/json" }));
      else if (r.kind === "unavailable") answer.resolve(httpResponse(503, `${r.reason}\n`, { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" }));
      else answer.resolve(httpResponse(404, "404 page not found\n", { "Content-Type": "text/plain; charset=utf-8" }));
    });
    return answer;
  }

  private sync(name: string): void {
    const svc = this.ctx.api.get<APIService>("APIService", undefined, name);
    if (svc === undefined) return;
    this.queue.addAfter(name, RESYNC_MS);
    // One check at a time per APIService, as the controller's worker takes a key at a time.
    if (this.checking.has(name)) {
      this.again.add(name);
      return;
    }
    this.checking.add(name);
    const task = spawn(this.ctx.sim, this.check(name), `apiservice-available:${name}`);
    task.subscribe(() => {
      this.checking.delete(name);
      if (this.again.delete(name)) this.queue.add(name);
    });
  }

  private *check(name: string): Proc<void> {
    let svc = this.ctx.api.get<APIService>("APIService", undefined, name);
    if (svc === undefined) return;
    const found = this.precondition(svc);
    let condition = found;
    if (condition === undefined) {
      const url = this.serviceUrl(svc, `/apis/${svc.spec.group}/${svc.spec.version}`)!;
      const r = yield* httpRequest(this.client, url, { timeoutMs: DISCOVERY_TIMEOUT_MS });
      condition = discoveryCondition(url, r);
    }
    svc = this.ctx.api.get<APIService>("APIService", undefined, name);
    if (svc === undefined) return;
    const old = availableCondition(svc);
    const next: APIServiceCondition = {
      type: "Available",
      status: condition.status,
      lastTransitionTime: old !== undefined && old.status === condition.status ? old.lastTransitionTime! : rfc3339(this.ctx.sim.epochMs()),
      reason: condition.reason,
      message: condition.message,
    };
    if (old !== undefined && jsonEqual(old, next)) return;
    const others = (svc.status?.conditions ?? []).filter((c) => c.type !== "Available");
    this.ctx.api.updateStatus<APIService>({ ...svc, status: { conditions: [...others, next] } });
  }

  /** The checks before the discovery GET; undefined when they pass. */
  private precondition(svc: APIService): Omit<APIServiceCondition, "type"> | undefined {
    const ref = svc.spec.service;
    if (ref == null) return { status: "True", reason: "Local", message: "Local APIServices are always available" };
    const where = `service/${ref.name} in ${JSON.stringify(ref.namespace)}`;
    const service = this.ctx.api.get<Service>("Service", ref.namespace, ref.name ?? "");
    if (service === undefined) return { status: "False", reason: "ServiceNotFound", message: `${where} is not present` };
    const port = service.spec.ports?.find((p) => p.port === (ref.port ?? 443));
    if (port === undefined) return { status: "False", reason: "ServicePortError", message: `${where} is not listening on port ${ref.port ?? 443}` };
    const endpoints = this.ctx.api.get<Endpoints>("Endpoints", ref.namespace, ref.name ?? "");
    if (endpoints === undefined) return { status: "False", reason: "EndpointsNotFound", message: `cannot find endpoints for ${where}` };
    const portName = port.name ?? "";
    const active = (endpoints.subsets ?? []).some((s) => (s.addresses ?? []).length > 0 && (s.ports ?? []).some((p) => (p.name ?? "") === portName));
    if (!active) return { status: "False", reason: "MissingEndpoints", message: `endpoints for ${where} have no addresses with port name ${JSON.stringify(portName)}` };
    return undefined;
  }

  /** The Service's cluster IP and port, as the aggregator's service resolver gives them. */
  private serviceUrl(svc: APIService, path: string): string | undefined {
    const ref = svc.spec.service;
    const service = ref == null ? undefined : this.ctx.api.get<Service>("Service", ref.namespace, ref.name ?? "");
    const ip = service?.spec.clusterIP;
    if (ip === undefined || ip === "None") return undefined;
    return `https://${ip}:${ref!.port ?? 443}${path}`;
  }
}

function availableCondition(svc: APIService): APIServiceCondition | undefined {
  return svc.status?.conditions?.find((c) => c.type === "Available");
}

/** The discovery check's verdict: 200, 401 and 403 pass (the server answers); anything else fails. */
function discoveryCondition(url: string, r: HttpResult): Omit<APIServiceCondition, "type"> {
  if (r.ok && [200, 401, 403].includes(r.response.status)) return { status: "True", reason: "Passed", message: "all checks passed" };
  const why = r.ok ? `bad status from ${url}: ${r.response.status}` : `failing or missing response from ${url}: Get ${JSON.stringify(url)}: ${goHttpError(r)}`;
  return { status: "False", reason: "FailedDiscoveryCheck", message: why };
}
