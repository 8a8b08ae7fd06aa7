import { describe, expect, it } from "vitest";
import type { Lease, Node, Pod } from "../src/api/types.js";
import { kubectlWorld } from "./kubectl-cmd-helpers.js";

/** The ZooKeeper tutorial's shape with nginx: three pods on different nodes, at most one unavailable. */
const MANIFEST = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  clusterIP: None
  selector:
    app: web
  ports:
  - port: 80
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web-pdb
spec:
  selector:
    matchLabels:
      app: web
  maxUnavailable: 1
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: web
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - labelSelector:
              matchExpressions:
              - key: app
                operator: In
                values: [web]
            topologyKey: kubernetes.io/hostname
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.8
`;

function budgetWorld() {
  const world = kubectlWorld({ seed: 3, nodes: 4 });
  const applied = world.term.run(`cat > web.yaml <<'EOF'\n${MANIFEST}EOF\nkubectl apply -f web.yaml && kubectl rollout status sts/web >/dev/null`);
  expect(applied).toEqual({ status: 0, output: "service/web created\npoddisruptionbudget.policy/web-pdb created\nstatefulset.apps/web created\n" });
  const nodeOf = (pod: string) => world.term.run(`kubectl get pod ${pod} --template {{.spec.nodeName}}`).output;
  return { ...world, nodeOf };
}

describe("kubectl cordon, uncordon and drain", () => {
  it("cordons once, says so the second time, and uncordons", () => {
    const { term, cluster } = kubectlWorld({ seed: 3 });
    expect(term.run("kubectl cordon node-1; kubectl cordon node-1")).toEqual({ status: 0, output: "node/node-1 cordoned\nnode/node-1 already cordoned\n" });
    expect(cluster.api.get<Node>("Node", undefined, "node-1")!.spec.unschedulable).toBe(true);
    expect(term.run("kubectl get nodes node-1").output).toMatch(/^NAME     STATUS                     ROLES    AGE   VERSION\nnode-1   Ready,SchedulingDisabled   <none>   \d+s +v1.35.0\n$/);
    expect(term.run("kubectl uncordon node-1; kubectl uncordon node-1")).toEqual({ status: 0, output: "node/node-1 uncordoned\nnode/node-1 already uncordoned\n" });
    expect(cluster.api.get<Node>("Node", undefined, "node-1")!.spec.unschedulable).toBeUndefined();
    expect(term.run("kubectl cordon nope")).toEqual({ status: 1, output: 'Error from server (NotFound): nodes "nope" not found\n' });
    expect(term.run("kubectl drain")).toEqual({ status: 1, output: "error: USAGE: drain NODE [flags]\nSee 'kubectl drain -h' for help and examples\n" });
  });

  it("takes nodes as TYPE/NAME too, as `kubectl get nodes -o name` prints them", () => {
    const { term } = kubectlWorld({ seed: 3 });
    expect(term.run("for n in $(kubectl get nodes -o name); do kubectl cordon $n; done")).toEqual({
      status: 0,
      output: "node/node-1 cordoned\nnode/node-2 cordoned\nnode/node-3 cordoned\n",
    });
    expect(term.run("kubectl uncordon node/node-1 nodes/node-2 node-3")).toEqual({ status: 0, output: "node/node-1 uncordoned\nnode/node-2 uncordoned\nnode/node-3 uncordoned\n" });
    expect(term.run("kubectl drain node/node-2 --ignore-daemonsets")).toEqual({ status: 0, output: "node/node-2 cordoned\nnode/node-2 drained\n" });
    expect(term.run("kubectl drain node/node-1 --selector=a=b")).toEqual({
      status: 1,
      output: "error: cannot specify both a node name and a --selector option\nSee 'kubectl drain -h' for help and examples\n",
    });
  });

  it("evicts within the budget, retries every 5 s while it refuses, times out, and succeeds after an uncordon", () => {
    const { term, cluster, nodeOf } = budgetWorld();
    const first = nodeOf("web-0");
    expect(term.run(`kubectl get pdb web-pdb`).output).toMatch(/^NAME      MIN AVAILABLE   MAX UNAVAILABLE   ALLOWED DISRUPTIONS   AGE\nweb-pdb   N\/A             1                 1                     \d+s\n$/);
    expect(term.run(`kubectl drain ${first} --ignore-daemonsets --force --delete-emptydir-data`)).toEqual({
      status: 0,
      output: `node/${first} cordoned\nevicting pod default/web-0\npod/web-0 evicted\nnode/${first} drained\n`,
    });
    term.run("kubectl rollout status sts/web");
    // web-1 is evicted too; with two nodes cordoned its replacement has nowhere to go.
    const second = nodeOf("web-1");
    expect(term.run(`kubectl drain ${second} --ignore-daemonsets --force --delete-emptydir-data`).status).toBe(0);
    cluster.run(10_000);
    expect(cluster.api.get<Pod>("Pod", "default", "web-1")!.status!.phase).toBe("Pending");

    const third = nodeOf("web-2");
    const start = cluster.sim.now;
    const refused = term.run(`kubectl drain ${third} --ignore-daemonsets --force --delete-emptydir-data --timeout=30s`);
    const retry = `evicting pod default/web-2\nerror when evicting pods/"web-2" -n "default" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.\n`;
    expect(refused).toEqual({
      status: 1,
      output:
        `node/${third} cordoned\n` +
        retry.repeat(6) +
        "evicting pod default/web-2\n" +
        `There are pending pods in node "${third}" when an error occurred: error when evicting pods/"web-2" -n "default": global timeout reached: 30s\npod/web-2\n` +
        `error: unable to drain node "${third}" due to error: error when evicting pods/"web-2" -n "default": global timeout reached: 30s, continuing command...\n` +
        `There are pending nodes to be drained:\n ${third}\n` +
        `error: error when evicting pods/"web-2" -n "default": global timeout reached: 30s\n`,
    });
    expect(cluster.sim.now - start).toBe(30_000);

    expect(term.run(`kubectl uncordon ${first}`).output).toBe(`node/${first} uncordoned\n`);
    term.run("kubectl rollout status sts/web");
    expect(term.run(`kubectl drain ${third} --ignore-daemonsets --force --delete-emptydir-data`)).toEqual({
      status: 0,
      output: `node/${third} already cordoned\nevicting pod default/web-2\npod/web-2 evicted\nnode/${third} drained\n`,
    });
  });

  it("refuses pods without a controller unless forced, and says what --force deletes", () => {
    const { term } = kubectlWorld({ seed: 3 });
    term.run("kubectl run lone --image=registry.k8s.io/nginx-slim:0.8 && kubectl wait --for=condition=Ready pod/lone");
    const node = term.run("kubectl get pod lone -o jsonpath='{.spec.nodeName}'").output;
    expect(term.run(`kubectl drain ${node} --dry-run=client`)).toEqual({
      status: 1,
      output:
        `node/${node} cordoned (dry run)\n` +
        `error: unable to drain node "${node}" due to error: cannot delete Pods that declare no controller (use --force to override): default/lone, continuing command...\n` +
        `There are pending nodes to be drained:\n ${node}\n` +
        "error: cannot delete Pods that declare no controller (use --force to override): default/lone\n",
    });
    expect(term.run(`kubectl drain ${node} --force`)).toEqual({
      status: 0,
      output: `node/${node} cordoned\nWarning: deleting Pods that declare no controller: default/lone\nevicting pod default/lone\npod/lone evicted\nnode/${node} drained\n`,
    });
  });
});

describe("kubectl taint and top", () => {
  it("adds, overwrites and removes taints with kubectl's words, and a NoExecute taint evicts what does not tolerate it", () => {
    const { cluster, term } = kubectlWorld({ seed: 51 });
    expect(term.run("kubectl create deployment web --image=registry.k8s.io/nginx-slim:0.8 --replicas=3 && kubectl rollout status deploy/web").status).toBe(0);
    const taints = (n: string) => cluster.api.get<Node>("Node", undefined, n)!.spec.taints;
    expect(term.run("kubectl taint nodes node-1 dedicated=db:NoSchedule")).toEqual({ status: 0, output: "node/node-1 tainted\n" });
    expect(term.run("kubectl taint nodes node-1 dedicated=db:NoSchedule")).toEqual({
      status: 1,
      output: "error: node node-1 already has dedicated taint(s) with same effect(s) and --overwrite is false\n",
    });
    expect(term.run("kubectl taint node node-1 dedicated=other:NoSchedule --overwrite")).toEqual({ status: 0, output: "node/node-1 modified\n" });
    expect(taints("node-1")).toEqual([{ key: "dedicated", value: "other", effect: "NoSchedule" }]);
    expect(term.run("kubectl taint nodes node-1 dedicated-")).toEqual({ status: 0, output: "node/node-1 untainted\n" });
    expect(taints("node-1")).toBeUndefined();
    expect(term.run("kubectl taint nodes node-1 dedicated-")).toEqual({ status: 1, output: 'error: taint "dedicated" not found\n' });
    expect(term.run("kubectl taint nodes node-1 a=b:Bogus")).toEqual({ status: 1, output: "error: invalid taint effect: Bogus, unsupported taint effect\nSee 'kubectl taint -h' for help and examples\n" });
    expect(term.run("kubectl taint pods web a=b:NoSchedule")).toEqual({ status: 1, output: "error: invalid resource type pods, only node types are supported\n" });
    expect(term.run("kubectl taint nodes node-1")).toEqual({ status: 1, output: "error: at least one taint update is required\n" });
    expect(term.run("kubectl taint nodes a=b:NoSchedule")).toEqual({ status: 1, output: "error: at least one resource name must be specified since 'all' parameter is not set\n" });

    const onNode2 = () => cluster.api.list<Pod>("Pod", "default").filter((p) => p.spec.nodeName === "node-2" && !p.metadata.deletionTimestamp);
    expect(onNode2().length).toBeGreaterThan(0);
    expect(term.run("kubectl taint nodes node-2 maintenance=now:NoExecute").status).toBe(0);
    expect(cluster.runUntil(() => onNode2().length === 0, 60_000)).toBe(true);
  });

  it("says the Metrics API is not available, as on a cluster without metrics-server", () => {
    const { term } = kubectlWorld({ seed: 52 });
    expect(term.run("kubectl top nodes")).toEqual({ status: 1, output: "error: Metrics API not available\n" });
    expect(term.run("kubectl top pod -A")).toEqual({ status: 1, output: "error: Metrics API not available\n" });
  });
});

describe("node leases", () => {
  it("keeps a Lease per node in kube-node-lease, renewed by its kubelet and shown by describe node", () => {
    const { cluster, term } = kubectlWorld({ seed: 53 });
    cluster.run(25_000);
    expect(term.run("kubectl get leases -n kube-node-lease").output).toMatch(/^NAME\s+HOLDER\s+AGE\nnode-1\s+node-1\s+25s\nnode-2\s+node-2\s+25s\nnode-3\s+node-3\s+25s\n$/);
    const renewed = () => cluster.api.get<Lease>("Lease", "kube-node-lease", "node-1")!.spec.renewTime!;
    const before = renewed();
    cluster.run(10_000);
    expect(Date.parse(renewed())).toBeGreaterThan(Date.parse(before));
    expect(term.run("kubectl describe node node-1").output).toMatch(/\nLease:\n  HolderIdentity:  node-1\n  AcquireTime:     <unset>\n  RenewTime:       \w{3}, \d\d \w{3} \d{4} [\d:]{8} \+0000\n/);
    // A crashed node's kubelet renews nothing more.
    cluster.crashNode("node-1");
    const last = renewed();
    cluster.run(60_000);
    expect(renewed()).toBe(last);
  });
});
