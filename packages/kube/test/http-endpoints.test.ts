import { spawn, type Host, type Proc } from "@ksim/sim";
import { describe, expect, it } from "vitest";
import { ApiHttpFrontend, type ApiHttpFrontendOptions } from "../src/api/http-frontend.js";
import { serviceAccountToken } from "../src/api/service-account-tokens.js";
import type { ClusterRole, ClusterRoleBinding, Pod } from "../src/api/types.js";
import type { Cluster } from "../src/cluster.js";
import { httpRequest, httpResponse, type HttpRequestOptions, type HttpResult } from "../src/runtime/http.js";
import { testCluster } from "./helpers.js";

/** The cluster's own frontend on the control plane, or with `options` another one on a host of its own (at ASIDE). */
function world(options?: ApiHttpFrontendOptions) {
  const cluster = testCluster({ nodes: 2 });
  if (options !== undefined) new ApiHttpFrontend(cluster.api, cluster.network.addHost("apiserver-under-test", "192.168.49.250"), options).start();
  const client = [...cluster.kubelets.values()][0]!.host;
  return { cluster, client };
}

const ASIDE = "https://192.168.49.250:8443";

/** One request from `from` (a node's host) over the simulated network. */
function get(cluster: Cluster, from: Host, url: string, options: HttpRequestOptions = {}): HttpResult {
  const ctx = { sim: cluster.sim, net: { connect: from.connect.bind(from), resolve: () => [] } };
  const task = spawn(cluster.sim, httpRequest(ctx, url, options) as Proc<HttpResult>);
  cluster.runUntil(() => task.done, 60_000);
  const r = task.result!;
  if (!r.ok) throw new Error("request crashed");
  return r.value;
}

function response(r: HttpResult) {
  if (!r.ok) throw new Error(`request failed: ${r.error}`);
  return r.response;
}

const API = "https://192.168.49.1:8443";

function podWithToken(cluster: Cluster, name: string): { pod: Pod; token: string } {
  const pod = cluster.create<Pod>({ apiVersion: "v1", kind: "Pod", metadata: { name }, spec: { containers: [{ name: "c", image: "test/web:1" }] } });
  return { pod, token: serviceAccountToken(pod) };
}

function allowNodes(cluster: Cluster, rules: ClusterRole["rules"]): void {
  cluster.api.create<ClusterRole>({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "node-reader" }, rules });
  cluster.api.create<ClusterRoleBinding>({
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRoleBinding",
    metadata: { name: "node-reader" },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "node-reader" },
    subjects: [{ kind: "ServiceAccount", name: "default", namespace: "default" }],
  });
}

describe("the API server's HTTPS frontend", () => {
  it("refuses anonymous lists with the authorization filter's Status, and serves /healthz and /version", () => {
    const { cluster, client } = world();
    const denied = response(get(cluster, client, `${API}/api/v1/nodes`));
    expect(denied.status).toBe(403);
    expect(denied.headers["Content-Type"]).toBe("application/json");
    expect(denied.body).toBe(
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"nodes is forbidden: User \\"system:anonymous\\" cannot list resource \\"nodes\\" in API group \\"\\" at the cluster scope","reason":"Forbidden","details":{"kind":"nodes"},"code":403}\n',
    );
    // A non-resource path that no role grants.
    expect(JSON.parse(response(get(cluster, client, `${API}/`)).body)).toMatchObject({ message: 'forbidden: User "system:anonymous" cannot get path "/"', details: {}, code: 403 });

    const health = response(get(cluster, client, `${API}/healthz`));
    expect([health.status, health.body, health.headers["Content-Type"]]).toEqual([200, "ok", "text/plain; charset=utf-8"]);
    expect(response(get(cluster, client, `${API}/readyz`)).body).toBe("ok");
    const version = response(get(cluster, client, `${API}/version`));
    expect(version.body).toMatch(/^\{\n {2}"major": "1",\n {2}"minor": "35",\n {2}"emulationMajor": "1",/);
    expect(JSON.parse(version.body)).toMatchObject({ gitVersion: "v1.35.0", platform: "linux/amd64" });
  });

  it("lists and gets nodes for a pod's service account once RBAC allows it, through the kubernetes Service too", () => {
    const { cluster, client } = world();
    const { token } = podWithToken(cluster, "metrics");
    const auth = { headers: { Authorization: `Bearer ${token}` } };

    const denied = JSON.parse(response(get(cluster, client, `${API}/api/v1/namespaces/default/pods`, auth)).body);
    expect(denied.message).toBe('pods is forbidden: User "system:serviceaccount:default:default" cannot list resource "pods" in API group "" in the namespace "default"');
    const one = JSON.parse(response(get(cluster, client, `${API}/api/v1/namespaces/default/pods/zk-0`, auth)).body);
    expect(one).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: 'pods "zk-0" is forbidden: User "system:serviceaccount:default:default" cannot get resource "pods" in API group "" in the namespace "default"',
      reason: "Forbidden",
      details: { name: "zk-0", kind: "pods" },
      code: 403,
    });

    allowNodes(cluster, [{ apiGroups: [""], resources: ["nodes"], verbs: ["get", "list"] }]);
    const list = response(get(cluster, client, `${API}/api/v1/nodes`, auth));
    expect(list.status).toBe(200);
    const body = JSON.parse(list.body);
    expect(Object.keys(body)).toEqual(["kind", "apiVersion", "metadata", "items"]);
    expect(body.kind).toBe("NodeList");
    expect(body.apiVersion).toBe("v1");
    expect(body.metadata).toEqual({ resourceVersion: String(cluster.api.store.resourceVersion) });
    expect(body.items.map((n: { metadata: { name: string } }) => n.metadata.name)).toEqual(["node-1", "node-2"]);
    // Items of a typed list carry no kind or apiVersion; fields follow the Go struct.
    expect(Object.keys(body.items[0])).toEqual(["metadata", "spec", "status"]);

    const node = JSON.parse(response(get(cluster, client, `${API}/api/v1/nodes/node-1`, auth)).body);
    expect(Object.keys(node).slice(0, 3)).toEqual(["kind", "apiVersion", "metadata"]);
    expect(node.metadata.name).toBe("node-1");

    const selected = JSON.parse(response(get(cluster, client, `${API}/api/v1/nodes?labelSelector=kubernetes.io%2Fhostname%3Dnode-2`, auth)).body);
    expect(selected.items.map((n: { metadata: { name: string } }) => n.metadata.name)).toEqual(["node-2"]);
    const bad = response(get(cluster, client, `${API}/api/v1/nodes?labelSelector=a%20in`, auth));
    expect([bad.status, JSON.parse(bad.body).reason]).toEqual([400, "BadRequest"]);

    // curl through the ClusterIP gets the same answer, pretty-printed for its User-Agent.
    const viaService = response(get(cluster, client, "https://10.96.0.1/api/v1/nodes/node-1", { headers: { ...auth.headers, "User-Agent": "curl/8.5.0" } }));
    expect(viaService.status).toBe(200);
    expect(viaService.body).toMatch(/^\{\n {2}"kind": "Node",\n {2}"apiVersion": "v1",\n {2}"metadata": \{\n/);
    expect(viaService.body.endsWith("}")).toBe(true);
  });

  it("answers 404 for a missing node and an unknown resource, 401 for the token of a deleted pod", () => {
    const { cluster, client } = world();
    const { pod, token } = podWithToken(cluster, "reader");
    allowNodes(cluster, [{ apiGroups: ["*"], resources: ["*"], verbs: ["get", "list", "delete"] }]);
    const auth = { headers: { Authorization: `Bearer ${token}` } };

    const missing = response(get(cluster, client, `${API}/api/v1/nodes/x`, auth));
    expect(missing.status).toBe(404);
    expect(missing.body).toBe('{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"nodes \\"x\\" not found","reason":"NotFound","details":{"name":"x","kind":"nodes"},"code":404}\n');
    const sts = JSON.parse(response(get(cluster, client, `${API}/apis/apps/v1/namespaces/default/statefulsets/web`, auth)).body);
    expect([sts.message, sts.details]).toEqual(['statefulsets.apps "web" not found', { name: "web", group: "apps", kind: "statefulsets" }]);
    // A fieldSelector on the name narrows a list (and names the object for authorization).
    const named = JSON.parse(response(get(cluster, client, `${API}/api/v1/pods?fieldSelector=metadata.name%3Dreader`, auth)).body);
    expect(named.items.map((p: Pod) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual(["default/reader"]);
    const empty = JSON.parse(response(get(cluster, client, `${API}/api/v1/namespaces/nosuch/pods`, auth)).body);
    expect([empty.kind, empty.items]).toEqual(["PodList", []]);
    const unknown = JSON.parse(response(get(cluster, client, `${API}/api/v1/foos`, auth)).body);
    expect([unknown.message, unknown.details]).toEqual(["the server could not find the requested resource", {}]);
    expect(response(get(cluster, client, `${API}/apis/metrics.k8s.io/v1beta1/nodes`, auth)).body).toBe("404 page not found\n");
    // Writes are authorized like any request, then refused: they are not modelled over HTTP.
    const write = response(get(cluster, client, `${API}/api/v1/nodes/node-1`, { ...auth, method: "DELETE" }));
    expect([write.status, JSON.parse(write.body).reason]).toEqual([405, "MethodNotAllowed"]);

    cluster.api.delete("Pod", "default", pod.metadata.name!);
    const gone = response(get(cluster, client, `${API}/api/v1/nodes`, auth));
    expect(gone.status).toBe(401);
    expect(gone.body).toBe('{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}\n');
  });

  it("hands requests for groups it does not serve to the aggregator, after authorization", () => {
    const seen: string[] = [];
    const { cluster, client } = world({
      aggregate: (request, user) => {
        seen.push(`${request.method} ${request.path} ${user.name}`);
        return httpResponse(200, '{"kind":"NodeMetricsList"}', { "Content-Type": "application/json" });
      },
    });
    const { token } = podWithToken(cluster, "top");
    const auth = { headers: { Authorization: `Bearer ${token}` } };
    const denied = JSON.parse(response(get(cluster, client, `${ASIDE}/apis/metrics.k8s.io/v1beta1/nodes`, auth)).body);
    expect([denied.message, denied.details]).toEqual([
      'nodes.metrics.k8s.io is forbidden: User "system:serviceaccount:default:default" cannot list resource "nodes" in API group "metrics.k8s.io" at the cluster scope',
      { group: "metrics.k8s.io", kind: "nodes" },
    ]);
    allowNodes(cluster, [{ apiGroups: ["metrics.k8s.io"], resources: ["nodes"], verbs: ["list"] }]);
    const r = response(get(cluster, client, `${ASIDE}/apis/metrics.k8s.io/v1beta1/nodes`, auth));
    expect([r.status, r.body]).toEqual([200, '{"kind":"NodeMetricsList"}']);
    expect(seen).toEqual(["GET /apis/metrics.k8s.io/v1beta1/nodes system:serviceaccount:default:default"]);
  });
});

describe("the kubelet's HTTPS server", () => {
  it("refuses anonymous requests, authorizes nodes/metrics, and serves the resource metrics", () => {
    const { cluster, client } = world();
    const { pod, token } = podWithToken(cluster, "scraper");
    cluster.runUntil(() => cluster.api.get<Pod>("Pod", "default", "scraper")?.status?.phase === "Running", 60_000);
    const node = cluster.kubelets.get(cluster.api.get<Pod>("Pod", "default", "scraper")!.spec.nodeName!)!;
    const url = `https://${node.nodeIp}:10250/metrics/resource`;
    const auth = { headers: { Authorization: `Bearer ${token}` } };
    expect(response(get(cluster, client, url))).toMatchObject({ status: 401, body: "Unauthorized\n" });
    expect(response(get(cluster, client, url, auth))).toMatchObject({
      status: 403,
      body: "Forbidden (user=system:serviceaccount:default:default, verb=get, resource=nodes, subresource(s)=[metrics])\n",
    });
    allowNodes(cluster, [{ apiGroups: [""], resources: ["nodes/metrics"], verbs: ["get"] }]);
    const text = response(get(cluster, client, url, auth)).body;
    const at = String(Math.floor(cluster.sim.epochMs()));
    expect(text).toMatch(/^# HELP container_cpu_usage_seconds_total \[STABLE\] Cumulative cpu time consumed by the container in core-seconds\n# TYPE container_cpu_usage_seconds_total counter\n/);
    expect(text).toContain(`container_memory_working_set_bytes{container="c",namespace="default",pod="${pod.metadata.name}"} 576512 ${at.slice(0, -3)}`);
    expect(text).toMatch(/\nnode_memory_working_set_bytes 9\.\d+e\+07 \d+\n/);
    expect(text.endsWith("# HELP resource_scrape_error [STABLE] 1 if there was an error while getting container metrics, 0 otherwise\n# TYPE resource_scrape_error gauge\nresource_scrape_error 0\n")).toBe(true);
    expect(response(get(cluster, client, `https://${node.nodeIp}:10250/pods`, auth)).status).toBe(403);
    // A token stops authenticating with its pod.
    cluster.api.delete("Pod", "default", "scraper", { gracePeriodSeconds: 0 });
    expect(response(get(cluster, client, url, auth)).status).toBe(401);
  });
});
