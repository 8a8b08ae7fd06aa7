import type { Host, Waitable } from "@ksim/sim";
import { header, httpResponse, serveHttp, type HttpHeaders, type HttpRequest, type HttpResponse } from "../runtime/http.js";
import { goEscape } from "./gojson.js";
import { fieldSelectorMatches, parseFieldSelector, parseSelector, selectorMatches, type FieldRequirement, type Selector } from "./labels.js";
import { authorize, type RequestAttributes, type UserInfo } from "./rbac.js";
import { apiVersionOf, RESOURCE_TYPES, typeForKind, type ResourceType } from "./resources.js";
import { schemaFor } from "./schema-kinds.js";
import type { ApiServer } from "./server.js";
import { ANONYMOUS, authenticateToken } from "./service-account-tokens.js";
import type { KubeObject } from "./types.js";
import { goQuote } from "../kubectl/output/gofmt.js";
import { goTypedJson, normalize } from "../kubectl/output/json.js";
import { versionInfo } from "../version.js";

/** Where the API server listens on the control plane (minikube's 8443; the `kubernetes` Service's targetPort). */
const API_SERVER_PORT = 8443;

export interface ApiHttpFrontendOptions {
  /**
   * The aggregation layer (kube-aggregator): asked, after authentication and authorization, for
   * every request under `/apis/{group}` of a group the API server does not serve itself
   * (`metrics.k8s.io`). Undefined means no APIService claims it: the request falls through to
   * the 404 handler, as it does on a cluster without the APIService.
   */
  readonly aggregate?: (request: HttpRequest, user: UserInfo) => Waitable<HttpResponse> | HttpResponse | undefined;
}

/**
 * The API server's REST frontend over HTTP(S) on the control plane's port 8443, for in-cluster
 * clients (`https://kubernetes.default.svc`) and `curl -k`. TLS is not modelled: https URLs just
 * connect to the port. The handler chain is kube-apiserver's, in its order: authentication
 * (bearer service account tokens, else anonymous; a bad token is 401), authorization (RBAC, 403
 * with the authorization filter's message), then the aggregator, the REST handlers of the served
 * group/versions and the non-resource paths (/healthz, /livez, /readyz, /version).
 *
 * Read-only: GET (and HEAD) of collections and objects, with labelSelector and fieldSelector.
 * Writes over HTTP are not modelled (controllers and kubectl call the ApiServer directly); such a
 * request, once authorized, is answered 405 MethodNotAllowed. Neither are watches (the simulated
 * HTTP carries one response per request, not a stream), discovery (/api, /apis, /api/v1),
 * pagination (limit/continue: everything comes in one page), protobuf or Table output,
 * managedFields, the events.k8s.io view of Events, subresources other than status, and the
 * Audit-Id and priority-and-fairness response headers.
 *
 * Nothing runs until a request arrives: start() only listens, so traces do not change.
 */
export class ApiHttpFrontend {
  constructor(
    private readonly api: ApiServer,
    private readonly host: Host,
    private readonly options: ApiHttpFrontendOptions = {},
  ) {}

  start(): void {
    serveHttp(this.host, API_SERVER_PORT, (request) => this.handle(request));
  }

  /** Answers one request; `as` is a user already authenticated (kubectl's client certificate). */
  handle(request: HttpRequest, as?: UserInfo): HttpResponse | Waitable<HttpResponse> {
    const url = splitUrl(request.path);
    const pretty = isPrettyPrint(request, url.query);

    // Authentication (WithAuthentication): a bearer token that authenticates nobody is 401;
    // no credentials at all is the anonymous user.
    const token = bearerToken(request.headers);
    let user = as ?? ANONYMOUS;
    if (as === undefined && token !== undefined) {
      const authenticated = authenticateToken(this.api.store, token);
      if (authenticated === undefined) return this.status(status(401, "Unauthorized", "Unauthorized"), pretty);
      user = authenticated;
    }

    // Authorization (WithAuthorization) of the request's attributes (RequestInfoFactory).
    const info = requestInfo(request.method, url.segments, url.query);
    const attrs: RequestAttributes = info.resource
      ? { verb: info.verb, namespace: info.namespace, group: info.group, resource: info.resourceName, subresource: info.subresource, name: info.name }
      : { verb: info.verb, path: url.path };
    const decision = authorize(this.api, user, attrs);
    if (!decision.allowed) return this.status(forbiddenStatus(user, info, url.path, decision.reason), pretty, { "X-Content-Type-Options": "nosniff" });

    // The aggregator proxies the groups that APIServices claim.
    const group = url.segments[0] === "apis" && url.segments.length >= 2 ? url.segments[1]! : undefined;
    if (group !== undefined && !RESOURCE_TYPES.some((t) => t.group === group)) {
      const answer = this.options.aggregate?.(request, user);
      return answer ?? this.pageNotFound();
    }

    if (!info.resource) return this.nonResource(request, url.path);
    // A group/version nothing serves has no route: the delegation chain ends in http.NotFound.
    if (!servedGroupVersions().has(info.group === "" ? info.version : `${info.group}/${info.version}`)) return this.pageNotFound();
    return this.resource(request, info, url.query, pretty);
  }

  private nonResource(request: HttpRequest, path: string): HttpResponse {
    if (request.method !== "GET" && request.method !== "HEAD") return this.pageNotFound();
    switch (path) {
      case "/healthz":
      case "/livez":
      case "/readyz":
        return this.respond(200, "ok", { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" });
      case "/version":
      case "/version/":
        // routes.Version answers with responsewriters.WriteRawJSON: MarshalIndent, whatever the client.
        return this.respond(200, goEscape(JSON.stringify(versionInfo(true), null, 2)), { "Content-Type": "application/json" });
      default:
        return this.pageNotFound();
    }
  }

  private resource(request: HttpRequest, info: RequestInfo, query: Query, pretty: boolean): HttpResponse {
    const type = RESOURCE_TYPES.find((t) => t.group === info.group && t.version === info.version && t.plural === info.resourceName);
    // go-restful answers paths of a served group/version that name no route with a bare 404 Status.
    // The events.k8s.io view of the stored core Events is not modelled (it needs conversion).
    if (type === undefined || typeForKind(type.kind) !== type) return this.status(noRoute(404), pretty);
    const scoped = type.namespaced ? info.namespace !== "" || info.collection : info.namespace === "" || type.plural === "namespaces";
    if (!scoped) return this.status(noRoute(404), pretty);
    if (info.subresource !== "" && info.subresource !== "status") return this.status(noRoute(404), pretty);
    // Writes over HTTP are not modelled (ksim's clients write through ApiServer), nor are watches.
    if ((request.method !== "GET" && request.method !== "HEAD") || info.verb === "watch") return this.status(noRoute(405), pretty);

    if (info.collection) {
      let labels: Selector;
      let fields: FieldRequirement[];
      try {
        labels = parseSelector(query.get("labelSelector") ?? "");
        fields = (query.get("fieldSelector") ?? "") === "" ? [] : parseFieldSelector(query.get("fieldSelector")!, type.kind);
      } catch (e) {
        return this.status(status(400, "BadRequest", (e as Error).message), pretty);
      }
      const objects = sortByKey(this.api.list(type.kind, type.namespaced && info.namespace !== "" ? info.namespace : undefined)).filter(
        (o) => selectorMatches(labels, o.metadata.labels) && fieldSelectorMatches(fields, o),
      );
      return this.json(200, listJson(type, objects, this.api.store.resourceVersion), pretty);
    }
    const object = this.api.get(type.kind, type.namespaced ? info.namespace : undefined, info.name);
    if (object === undefined) {
      const gr = type.group === "" ? type.plural : `${type.plural}.${type.group}`;
      return this.status(status(404, "NotFound", `${gr} ${goQuote(info.name)} not found`, { name: info.name, group: type.group, kind: type.plural }), pretty);
    }
    return this.json(200, objectJson(type, object), pretty);
  }

  /** http.NotFound, what the delegation chain ends in for a path nothing serves. */
  private pageNotFound(): HttpResponse {
    return this.respond(404, "404 page not found\n", { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" });
  }

  private status(s: StatusBody, pretty: boolean, extra: HttpHeaders = {}): HttpResponse {
    return this.json(s.code, s, pretty, extra);
  }

  /** The JSON serializer: compact with json.Encoder's newline, or MarshalIndent when pretty. */
  private json(code: number, value: unknown, pretty: boolean, extra: HttpHeaders = {}): HttpResponse {
    const body = goEscape(pretty ? JSON.stringify(value, null, 2) : `${JSON.stringify(value)}\n`);
    return this.respond(code, body, { "Content-Type": "application/json", ...extra });
  }

  /** Headers as Go's server writes them: the handler's sorted, then Date and Content-Length. */
  private respond(code: number, body: string, headers: HttpHeaders): HttpResponse {
    const all: Record<string, string> = { "Cache-Control": "no-cache, private", ...headers };
    const sorted: Record<string, string> = {};
    for (const k of Object.keys(all).sort()) sorted[k] = all[k]!;
    sorted.Date = new Date(this.api.sim.epochMs()).toUTCString();
    sorted["Content-Length"] = String(Buffer.byteLength(body));
    const response = httpResponse(code, body, sorted);
    return code === 405 ? { ...response, reason: "Method Not Allowed" } : response;
  }
}

// ---------------------------------------------------------------------------------------------
// Requests

interface Query {
  get(key: string): string | undefined;
  has(key: string): boolean;
}

/** The path (unescaped, as req.URL.Path), its segments, and url.ParseQuery's first values. */
function splitUrl(target: string): { path: string; segments: string[]; query: Query } {
  const q = target.indexOf("?");
  const rawPath = q < 0 ? target : target.slice(0, q);
  const rawQuery = q < 0 ? "" : target.slice(q + 1);
  const path = unescape(rawPath, false);
  const values = new Map<string, string>();
  for (const pair of rawQuery.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const key = unescape(eq < 0 ? pair : pair.slice(0, eq), true);
    if (!values.has(key)) values.set(key, unescape(eq < 0 ? "" : pair.slice(eq + 1), true));
  }
  return { path, segments: path.split("/").filter((s) => s !== ""), query: { get: (k) => values.get(k), has: (k) => values.has(k) } };
}

function unescape(s: string, query: boolean): string {
  const t = query ? s.replace(/\+/g, " ") : s;
  try {
    return decodeURIComponent(t);
  } catch {
    return t;
  }
}

/** The bearer token of `Authorization: Bearer …`; other schemes and an empty token are no credentials. */
function bearerToken(headers: HttpHeaders): string | undefined {
  const auth = (header(headers, "Authorization") ?? "").trim();
  if (auth === "") return undefined;
  const parts = auth.split(" ");
  if (parts.length < 2 || parts[0]!.toLowerCase() !== "bearer" || parts[1] === "") return undefined;
  return parts[1];
}

/** negotiation's isPrettyPrint: `?pretty=` decides, else a curl, Wget or browser User-Agent. */
function isPrettyPrint(request: HttpRequest, query: Query): boolean {
  const pp = query.get("pretty");
  if (pp !== undefined && pp !== "") return ["1", "t", "T", "TRUE", "true", "True"].includes(pp);
  const agent = header(request.headers, "User-Agent") ?? "";
  return agent.startsWith("curl") || agent.startsWith("Wget") || agent.startsWith("Mozilla/5.0");
}

interface RequestInfo {
  readonly resource: boolean;
  readonly verb: string;
  readonly group: string;
  readonly version: string;
  readonly namespace: string;
  readonly resourceName: string;
  readonly subresource: string;
  readonly name: string;
  /** The path names no object (a list, even when a fieldSelector on metadata.name gives `name`). */
  readonly collection: boolean;
}

const NAMESPACE_SUBRESOURCES = new Set(["status", "finalize"]);
const HTTP_VERBS: Readonly<Record<string, string>> = { POST: "create", GET: "get", HEAD: "get", PUT: "update", PATCH: "patch", DELETE: "delete" };

/** RequestInfoFactory.NewRequestInfo, for the /api and /apis prefixes. */
function requestInfo(method: string, segments: readonly string[], query: Query): RequestInfo {
  const nonResource: RequestInfo = { resource: false, verb: method.toLowerCase(), group: "", version: "", namespace: "", resourceName: "", subresource: "", name: "", collection: false };
  if (segments.length < 3 || (segments[0] !== "api" && segments[0] !== "apis")) return nonResource;
  let parts = segments.slice(1);
  let group = "";
  if (segments[0] === "apis") {
    if (parts.length < 3) return nonResource;
    group = parts[0]!;
    parts = parts.slice(1);
  }
  const version = parts[0]!;
  parts = parts.slice(1);
  let verb: string;
  let viaPath = false;
  if (parts[0] === "watch" && parts.length >= 2) {
    verb = "watch";
    viaPath = true;
    parts = parts.slice(1);
  } else {
    verb = HTTP_VERBS[method] ?? "";
  }
  let namespace = "";
  if (parts[0] === "namespaces" && parts.length > 1) {
    namespace = parts[1]!;
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2]!)) parts = parts.slice(2);
  }
  const resourceName = parts[0] ?? "";
  let name = parts[1] ?? "";
  const collection = name === "";
  const subresource = parts[2] ?? "";
  if (name === "" && verb === "get") {
    const watch = query.get("watch");
    verb = watch !== undefined && watch.toLowerCase() !== "false" && watch !== "0" ? "watch" : "list";
    // fieldSelector=metadata.name=NAME names the object (RequiresExactMatch), when it is a valid path segment.
    for (const term of (query.get("fieldSelector") ?? "").split(",")) {
      const exact = /^metadata\.name==?(.*)$/.exec(term);
      if (exact !== null && exact[1] !== "" && exact[1] !== "." && exact[1] !== ".." && !/[/%]/.test(exact[1]!)) name = exact[1]!;
    }
  }
  if (viaPath && verb === "get") verb = "watch";
  if (name === "" && verb === "delete") verb = "deletecollection";
  return { resource: true, verb, group, version, namespace, resourceName, subresource, name, collection };
}

function servedGroupVersions(): Set<string> {
  return new Set(RESOURCE_TYPES.map(apiVersionOf));
}

/** etcd's key order (`<namespace>/<name>`), which lists follow. */
function sortByKey<T extends KubeObject>(objects: T[]): T[] {
  const key = (o: KubeObject) => `${o.metadata.namespace ?? ""}/${o.metadata.name ?? ""}`;
  return objects.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

// ---------------------------------------------------------------------------------------------
// Responses

interface StatusDetails {
  readonly name?: string;
  readonly group?: string;
  readonly kind?: string;
}

/** metav1.Status, fields in their Go order. */
interface StatusBody {
  readonly kind: "Status";
  readonly apiVersion: "v1";
  readonly metadata: Record<string, never>;
  readonly status: "Failure";
  readonly message: string;
  readonly reason: string;
  readonly details?: StatusDetails;
  readonly code: number;
}

/** A Failure Status; `details` (omitempty fields left out when empty) only when the error has them. */
function status(code: number, reason: string, message: string, details?: StatusDetails): StatusBody {
  const d: { name?: string; group?: string; kind?: string } = {};
  if (details?.name) d.name = details.name;
  if (details?.group) d.group = details.group;
  if (details?.kind) d.kind = details.kind;
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, ...(details !== undefined ? { details: d } : {}), code };
}

/** NewGenericServerResponse for a path of a served group/version that no route handles. */
function noRoute(code: 404 | 405): StatusBody {
  return code === 404
    ? status(404, "NotFound", "the server could not find the requested resource", {})
    : status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", {});
}

/** responsewriters.Forbidden: apierrors.NewForbidden around forbiddenMessage, sanitized. */
function forbiddenStatus(user: UserInfo, info: RequestInfo, path: string, reason: string): StatusBody {
  let message: string;
  if (!info.resource) message = `User ${goQuote(user.name)} cannot ${info.verb} path ${goQuote(path)}`;
  else {
    const resource = info.subresource === "" ? info.resourceName : `${info.resourceName}/${info.subresource}`;
    const scope = info.namespace !== "" ? `in the namespace ${goQuote(info.namespace)}` : "at the cluster scope";
    message = `User ${goQuote(user.name)} cannot ${info.verb} resource ${goQuote(resource)} in API group ${goQuote(info.group)} ${scope}`;
  }
  message = message.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  if (reason !== "") message = `${message}: ${reason}`;
  // NewForbidden: the qualified resource (empty for a non-resource request) and the name.
  const gr = !info.resource || info.resourceName === "" ? "" : info.group === "" ? info.resourceName : `${info.resourceName}.${info.group}`;
  const prefix = gr === "" ? "forbidden" : info.name === "" ? `${gr} is forbidden` : `${gr} ${goQuote(info.name)} is forbidden`;
  return status(403, "Forbidden", `${prefix}: ${message}`, { name: info.name, group: info.resource ? info.group : "", kind: info.resource ? info.resourceName : "" });
}

/** The object as the typed Go struct marshals it (fields in declaration order), parsed back. */
function typed(type: ResourceType, object: KubeObject): Record<string, unknown> {
  const schema = schemaFor(apiVersionOf(type), type.kind);
  return (schema === undefined ? normalize(object) : JSON.parse(goTypedJson(object, schema))) as Record<string, unknown>;
}

function objectJson(type: ResourceType, object: KubeObject): Record<string, unknown> {
  return typed(type, object);
}

/** A typed list: its items carry no kind or apiVersion, as the server's conversions leave them. */
function listJson(type: ResourceType, objects: readonly KubeObject[], resourceVersion: number): Record<string, unknown> {
  const items = objects.map((o) => {
    const { kind: _kind, apiVersion: _apiVersion, ...rest } = typed(type, o);
    return rest;
  });
  return { kind: `${type.kind}List`, apiVersion: apiVersionOf(type), metadata: { resourceVersion: String(resourceVersion) }, items };
}

