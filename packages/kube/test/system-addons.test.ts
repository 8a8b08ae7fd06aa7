import { describe, expect, it } from "vitest";
import type { ConfigMap, Deployment, Pod } from "../src/api/types.js";
import { CLUSTER_CA_CERT } from "../src/api/cluster-ca.js";
import { isReady, testCluster } from "./helpers.js";
import { kubectlWorld } from "./kubectl-cmd-helpers.js";

describe("what every namespace holds", () => {
  it("gets the default ServiceAccount and the kube-root-ca.crt ConfigMap, which come back when deleted or edited", () => {
    const c = testCluster({ seed: 31 });
    c.run(1_000);
    for (const ns of ["default", "kube-system", "kube-public", "kube-node-lease"]) {
      expect(c.api.get("ServiceAccount", ns, "default")).toBeDefined();
      expect(c.api.get<ConfigMap>("ConfigMap", ns, "kube-root-ca.crt")?.data).toEqual({ "ca.crt": CLUSTER_CA_CERT });
    }
    c.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: "team" } });
    c.run(1_000);
    const cm = c.api.get<ConfigMap>("ConfigMap", "team", "kube-root-ca.crt")!;
    expect(cm.metadata.annotations?.["kubernetes.io/description"]).toBe(
      "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.",
    );
    c.api.delete("ServiceAccount", "team", "default");
    c.api.mutate<ConfigMap>("ConfigMap", "team", "kube-root-ca.crt", (x) => void (x.data = { "ca.crt": "tampered" }));
    c.run(1_000);
    expect(c.api.get("ServiceAccount", "team", "default")).toBeDefined();
    expect(c.api.get<ConfigMap>("ConfigMap", "team", "kube-root-ca.crt")!.data).toEqual({ "ca.crt": CLUSTER_CA_CERT });
  });
});

describe("the kube-system add-ons", () => {
  function world(seed: number) {
    const w = kubectlWorld({ seed, systemPods: true });
    expect(w.cluster.runUntil(() => w.cluster.addonsReady(), 120_000)).toBe(true);
    return w;
  }

  it("run kube-proxy on every node and two CoreDNS replicas on different nodes behind kube-dns", () => {
    const { cluster, term } = world(32);
    const pods = cluster.api.list<Pod>("Pod", "kube-system");
    const dns = pods.filter((p) => p.metadata.labels?.["k8s-app"] === "kube-dns");
    expect(dns).toHaveLength(2);
    expect(new Set(dns.map((p) => p.spec.nodeName)).size).toBe(2);
    expect(pods.filter((p) => p.metadata.labels?.["k8s-app"] === "kube-proxy").map((p) => p.spec.nodeName).sort()).toEqual(["node-1", "node-2", "node-3"]);
    const ep = term.split("kubectl get endpoints -n kube-system kube-dns -o jsonpath='{.subsets[0].addresses[*].ip}'");
    expect(ep.stderr).toBe("Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n");
    expect(ep.stdout.split(" ").sort()).toEqual(dns.map((p) => p.status!.podIP).sort());
    expect(term.run("kubectl get endpoints kubernetes").output).toMatch(/^Warning: .*\nNAME\s+ENDPOINTS\s+AGE\nkubernetes\s+192\.168\.49\.1:8443\s+\d+s\n$/);
    expect(term.run("kubectl logs -n kube-system " + dns[0]!.metadata.name).output).toMatch(/^\.:53\n\[INFO\] plugin\/reload: Running configuration SHA512 = [0-9a-f]{128}\nCoreDNS-1\.13\.1\n$/);
  });

  it("answer pods' lookups only while a CoreDNS pod is Ready and reachable from them", () => {
    const { cluster, term } = world(33);
    expect(term.run("kubectl run client --image=busybox --restart=Never -- sleep 100000").status).toBe(0);
    expect(cluster.runUntil(() => isReady(cluster.api.get<Pod>("Pod", "default", "client")), 60_000)).toBe(true);
    const lookup = () => term.run("kubectl exec client -- nslookup kubernetes.default");
    expect(lookup()).toMatchObject({ status: 0, output: expect.stringContaining("Address 1: 10.96.0.1 kubernetes.default.svc.cluster.local") });

    // Cut the client off from both CoreDNS pods: names stop resolving.
    const servers = new Set(cluster.api.list<Pod>("Pod", "kube-system").filter((p) => p.metadata.labels?.["k8s-app"] === "kube-dns").map((p) => `kube-system/${p.metadata.name}`));
    const cut = cluster.network.partition((h) => h.name === "default/client", (h) => servers.has(h.name));
    expect(lookup()).toMatchObject({ status: 1, output: expect.stringContaining("can't resolve 'kubernetes.default'") });
    cluster.network.heal(cut);
    expect(lookup().status).toBe(0);

    // No CoreDNS at all: every lookup fails until the Deployment is scaled back up.
    expect(term.run("kubectl scale deployment coredns -n kube-system --replicas=0").status).toBe(0);
    cluster.runUntil(() => cluster.api.list<Pod>("Pod", "kube-system").every((p) => p.metadata.labels?.["k8s-app"] !== "kube-dns"), 120_000);
    expect(lookup().status).toBe(1);
    expect(term.run("kubectl scale deployment coredns -n kube-system --replicas=2").status).toBe(0);
    expect(cluster.runUntil(() => cluster.api.get<Deployment>("Deployment", "kube-system", "coredns")?.status?.readyReplicas === 2, 120_000)).toBe(true);
    expect(lookup().status).toBe(0);
  });
});

describe("kube-proxy", () => {
  it("masquerades NodePort traffic: the pod sees the bridge address of its own node, or the address of the node that took the connection", () => {
    const { cluster, term } = kubectlWorld({ seed: 34 });
    const manifest = [
      "apiVersion: apps/v1",
      "kind: Deployment",
      "metadata: {name: web}",
      "spec:",
      "  replicas: 1",
      "  selector: {matchLabels: {app: web}}",
      "  template:",
      "    metadata: {labels: {app: web}}",
      "    spec: {containers: [{name: nginx, image: registry.k8s.io/nginx-slim:0.8, ports: [{containerPort: 80}]}]}",
      "---",
      "apiVersion: v1",
      "kind: Service",
      "metadata: {name: web}",
      "spec: {type: NodePort, selector: {app: web}, ports: [{port: 80, nodePort: 30080}]}",
    ].join("\n");
    expect(term.run(`cat > web.yaml <<'EOF'\n${manifest}\nEOF\nkubectl apply -f web.yaml && kubectl rollout status deploy/web`).status).toBe(0);
    const pod = cluster.api.list<Pod>("Pod", "default").find((p) => p.metadata.labels?.app === "web")!;
    const nodes = ["node-1", "node-2", "node-3"];
    const ipOf = (n: string) => `192.168.49.${nodes.indexOf(n) + 2}`;
    for (const n of nodes) expect(term.run(`curl -s -o /dev/null -w '%{http_code}' http://${ipOf(n)}:30080/`).output).toBe("200");
    const clients = term.run("kubectl logs deploy/web").output.trimEnd().split("\n").map((l) => l.split(" ")[0]);
    const bridge = pod.status!.podIP!.replace(/\.\d+$/, ".1");
    expect(clients).toEqual(nodes.map((n) => (n === pod.spec.nodeName ? bridge : ipOf(n))));
  });
});

