import type { Pod } from "@ksim/kube";
import { describe, expect, it } from "vitest";
import { kubectlWorld } from "../../kube/test/kubectl-cmd-helpers.js";

const STRESS_POD = `apiVersion: v1
kind: Pod
metadata:
  name: hog
spec:
  containers:
  - name: hog
    image: polinux/stress
    command: ["stress"]
    args: ["--vm", "1", "--vm-bytes", "150M", "--vm-hang", "1"]
`;

/**
 * minikube's metrics-server addon end to end: the addon's objects, the APIService's Available
 * condition as the aggregator checks it, metrics-server scraping each kubelet's
 * /metrics/resource with its service account token, and `kubectl top` reading the
 * metrics.k8s.io API through the aggregator, with kubectl's errors on each way it can fail.
 */
describe("metrics-server and kubectl top", () => {
  function world() {
    const w = kubectlWorld({ seed: 7 });
    w.term.run(`cat > /tmp/hog.yaml <<'EOF'\n${STRESS_POD}EOF`);
    expect(w.term.run("kubectl apply -f /tmp/hog.yaml").status).toBe(0);
    return w;
  }

  it("is unavailable until metrics-server holds two scrapes, then reports what the pods use", () => {
    const { term } = world();
    expect(term.run("kubectl top pod")).toEqual({ status: 1, output: "error: Metrics API not available\n" });
    expect(term.run("kubectl get --raw /apis/metrics.k8s.io/v1beta1/nodes")).toEqual({ status: 1, output: "Error from server (NotFound): the server could not find the requested resource\n" });
    expect(term.run("minikube addons enable metrics-server")).toEqual({
      status: 0,
      output:
        "💡  metrics-server is an addon maintained by Kubernetes. For any concerns contact minikube on GitHub.\n" +
        "You can view the list of minikube maintainers at: https://github.com/kubernetes/minikube/blob/master/OWNERS\n" +
        "    ▪ Using image registry.k8s.io/metrics-server/metrics-server:v0.8.0\n" +
        "🌟  The 'metrics-server' addon is enabled\n",
    });
    expect(term.run("kubectl api-versions | grep metrics").output).toBe("metrics.k8s.io/v1beta1\n");
    expect(term.run("kubectl api-resources --api-group=metrics.k8s.io")).toEqual({
      status: 1,
      output:
        "NAME   SHORTNAMES   APIVERSION   NAMESPACED   KIND\nerror: unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1: stale GroupVersion discovery: metrics.k8s.io/v1beta1\n",
    });
    // Registered but not Available: discovery lists the group, the aggregator answers 503.
    expect(term.run("kubectl top pod").output).toBe("Error from server (ServiceUnavailable): the server is currently unable to handle the request (get pods.metrics.k8s.io)\n");
    expect(term.run("sleep 5; kubectl get apiservice").output).toBe(
      "NAME                     SERVICE                      AVAILABLE                  AGE\nv1beta1.metrics.k8s.io   kube-system/metrics-server   False (MissingEndpoints)   5s\n",
    );
    expect(term.run("kubectl get apiservice v1beta1.metrics.k8s.io -o jsonpath='{.status.conditions[0].message}'").output).toBe(
      'endpoints for service/metrics-server in "kube-system" have no addresses with port name "https"',
    );
    // The first scrape runs at start, the second a resolution (60 s) later; then /readyz passes.
    expect(term.run("sleep 70; kubectl get apiservice").output).toMatch(/kube-system\/metrics-server   True        75s\n$/);
    expect(term.run("kubectl top pod")).toEqual({ status: 0, output: "NAME   CPU(cores)   MEMORY(bytes)   \nhog    71m          151Mi           \n" });
    const top = term.run("kubectl top node").output.split("\n");
    expect(top[0]).toBe("NAME     CPU(cores)   CPU(%)   MEMORY(bytes)   MEMORY(%)   ");
    expect(top.slice(1, 4).every((l) => /^node-\d   \d+m +\d+% +\d+Mi +\d+% +$/.test(l))).toBe(true);
    expect(term.run("kubectl top pod -A --containers --sort-by=memory").output).toMatch(
      /^NAMESPACE     POD                               NAME             CPU\(cores\)   MEMORY\(bytes\)   \ndefault       hog                               hog              71m          151Mi           \nkube-system   metrics-server-\w+-\w+   metrics-server   4m           17Mi            \n$/,
    );
    expect(term.run("kubectl api-resources --api-group=metrics.k8s.io --no-headers").output).toBe(
      "nodes         metrics.k8s.io/v1beta1   false   NodeMetrics\npods          metrics.k8s.io/v1beta1   true    PodMetrics\n",
    );
    const raw = JSON.parse(term.run("kubectl get --raw /apis/metrics.k8s.io/v1beta1/namespaces/default/pods/hog").output);
    expect(raw).toMatchObject({ metadata: { name: "hog", namespace: "default" }, window: "1m0s", containers: [{ name: "hog", usage: { memory: "154726Ki" } }] });
    expect(term.run("kubectl get --raw /api/v1/nodes/nope -o json").output).toBe("error: --raw and --output are mutually exclusive\n");
    expect(term.run("kubectl top pod --sum").output).toBe("NAME   CPU(cores)   MEMORY(bytes)   \nhog    71m          151Mi           \n       ________     ________        \n       71m          151Mi           \n");
  });

  it("names what it cannot find, and what it cannot reach", () => {
    const { term, cluster } = world();
    term.run("minikube addons enable metrics-server; sleep 80");
    expect(term.run("kubectl top pod nosuch").output).toBe('Error from server (NotFound): pods "nosuch" not found\n');
    expect(term.run("kubectl top node nosuch").output).toBe('Error from server (NotFound): node "nosuch" not found\n');
    expect(term.run("kubectl top pod -l app=nothing").output).toBe("No resources found in default namespace.\n");
    expect(term.run("kubectl top pod hog -l app=x").output).toBe("error: only one of NAME or selector can be provided\n");
    expect(term.run("kubectl top pod --sort-by=disk").output).toBe("error: --sort-by accepts only cpu or memory\n");
    // Cut metrics-server off from the hog's node: its scrape fails, and the node drops out.
    const hog = cluster.api.get<Pod>("Pod", "default", "hog")!;
    const ms = cluster.api.list<Pod>("Pod", "kube-system").find((p) => p.metadata.labels?.["k8s-app"] === "metrics-server")!;
    const node = cluster.kubelets.get(hog.spec.nodeName!)!;
    cluster.network.partition([cluster.network.lookup(ms.status!.podIP!)!], [node.host]);
    // The next scrape of its node waits out the 54 s timeout (0.9 of the resolution).
    const out = term.run("sleep 120; kubectl top node").output;
    expect(out).toContain(`${hog.spec.nodeName}   <unknown>    <unknown>   <unknown>       <unknown>   \n`);
    expect(term.run("kubectl -n kube-system logs deploy/metrics-server | tail -1").output).toMatch(
      new RegExp(`^E\\d{4} [\\d:.]+       1 scraper.go:149\\] "Failed to scrape node" err="Get \\\\"https://${node.nodeIp}:10250/metrics/resource\\\\": context deadline exceeded" node="${hog.spec.nodeName}"\\n$`),
    );
    // The pod had metrics before; with its node cut off it has none, and it is older than 2 minutes.
    expect(term.run("kubectl top pod").output).toMatch(/^error: Metrics not available for pod default\/hog, age: \d+m[\d.]+s\n$/);
    expect(term.run("minikube addons disable metrics-server; kubectl top pod").output).toBe('🌑  "The \'metrics-server\' addon is disabled\nerror: Metrics API not available\n');
    expect(term.run("minikube addons enable metrics-srv").output).toBe("\n❌  Exiting due to MK_ADDON_ENABLE: enable failed: run callbacks: metrics-srv is not a valid addon\n\n");
  });
});
