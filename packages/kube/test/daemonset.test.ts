import { describe, expect, it } from "vitest";
import type { ControllerRevision, DaemonSet, Deployment, Node, Pod } from "../src/api/types.js";
import { KUBE_PROXY_IMAGE } from "../src/addons.js";
import { kubectlWorld } from "./kubectl-cmd-helpers.js";
import { isReady, testCluster } from "./helpers.js";

function daemonSet(name: string, extra: Partial<DaemonSet["spec"]["template"]["spec"]> = {}): DaemonSet {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "agent", image: "test/web:1" }], ...extra } },
    },
  };
}

type TestCluster = ReturnType<typeof testCluster>;

function daemonPods(c: TestCluster, name: string): Pod[] {
  return c.api.list<Pod>("Pod", "default").filter((p) => p.metadata.labels?.app === name && !p.metadata.deletionTimestamp);
}

function nodesOf(pods: readonly Pod[]): string[] {
  return pods.map((p) => p.spec.nodeName ?? "").sort();
}

function readyOnEveryNode(c: TestCluster, name: string, nodes: readonly string[]) {
  return () => {
    const pods = daemonPods(c, name);
    return pods.length === nodes.length && pods.every(isReady) && nodesOf(pods).join() === [...nodes].sort().join();
  };
}

const ALL = ["node-1", "node-2", "node-3"];

describe("DaemonSet controller", () => {
  it("runs one pod per node, pinned to it by node affinity, tolerating node problems", () => {
    const c = testCluster({ seed: 21 });
    c.create(daemonSet("agent"));
    expect(c.runUntil(readyOnEveryNode(c, "agent", ALL), 120_000)).toBe(true);
    const pod = daemonPods(c, "agent").find((p) => p.spec.nodeName === "node-2")!;
    expect(pod.metadata.name).toMatch(/^agent-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(pod.metadata.ownerReferences?.[0]).toMatchObject({ kind: "DaemonSet", name: "agent", controller: true });
    expect(pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toEqual({
      nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["node-2"] }] }],
    });
    expect(pod.spec.tolerations?.filter((t) => t.operator === "Exists").map((t) => `${t.key}:${t.effect}`)).toEqual([
      "node.kubernetes.io/not-ready:NoExecute",
      "node.kubernetes.io/unreachable:NoExecute",
      "node.kubernetes.io/disk-pressure:NoSchedule",
      "node.kubernetes.io/memory-pressure:NoSchedule",
      "node.kubernetes.io/pid-pressure:NoSchedule",
      "node.kubernetes.io/unschedulable:NoSchedule",
    ]);
    const ds = c.api.get<DaemonSet>("DaemonSet", "default", "agent")!;
    const [revision] = c.api.list<ControllerRevision>("ControllerRevision", "default");
    expect(revision!.metadata.name).toBe(`agent-${pod.metadata.labels!["controller-revision-hash"]}`);
    expect(pod.metadata.labels!["pod-template-generation"]).toBe("1");
    c.run(5_000);
    expect(c.api.get<DaemonSet>("DaemonSet", "default", "agent")!.status).toEqual({
      currentNumberScheduled: 3,
      desiredNumberScheduled: 3,
      numberMisscheduled: 0,
      numberReady: 3,
      numberAvailable: 3,
      updatedNumberScheduled: 3,
      observedGeneration: ds.metadata.generation,
    });
  });

  it("follows node labels: a node that stops matching loses its pod, one that starts matching gains one", () => {
    const c = testCluster({ seed: 22 });
    c.create(daemonSet("disk", { nodeSelector: { disk: "ssd" } }));
    const label = (node: string, value: string | undefined) =>
      c.api.mutate<Node>("Node", undefined, node, (n) => {
        const labels = { ...(n.metadata.labels ?? {}) };
        if (value === undefined) delete labels.disk;
        else labels.disk = value;
        n.metadata.labels = labels;
      });
    label("node-1", "ssd");
    label("node-3", "ssd");
    expect(c.runUntil(readyOnEveryNode(c, "disk", ["node-1", "node-3"]), 120_000)).toBe(true);
    label("node-3", undefined);
    label("node-2", "ssd");
    expect(c.runUntil(readyOnEveryNode(c, "disk", ["node-1", "node-2"]), 120_000)).toBe(true);
    c.run(5_000);
    expect(c.api.get<DaemonSet>("DaemonSet", "default", "disk")!.status).toMatchObject({ desiredNumberScheduled: 2, numberMisscheduled: 0 });
  });

  it("replaces a deleted pod even on a cordoned node", () => {
    const c = testCluster({ seed: 23 });
    c.create(daemonSet("agent"));
    expect(c.runUntil(readyOnEveryNode(c, "agent", ALL), 120_000)).toBe(true);
    c.api.mutate<Node>("Node", undefined, "node-1", (n) => {
      n.spec.unschedulable = true;
    });
    const old = daemonPods(c, "agent").find((p) => p.spec.nodeName === "node-1")!;
    c.api.delete("Pod", "default", old.metadata.name!, { gracePeriodSeconds: 0 });
    expect(c.runUntil(readyOnEveryNode(c, "agent", ALL), 120_000)).toBe(true);
    expect(daemonPods(c, "agent").find((p) => p.spec.nodeName === "node-1")!.metadata.uid).not.toBe(old.metadata.uid);
  });

  it("keeps its pod on a node that stops responding, where a Deployment's pods are evicted after 300 s", () => {
    const c = testCluster({ seed: 24 });
    c.create(daemonSet("agent"));
    const front: Deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "front" },
      spec: { replicas: 3, selector: { matchLabels: { app: "front" } }, template: { metadata: { labels: { app: "front" } }, spec: { containers: [{ name: "web", image: "test/web:1" }] } } },
    };
    c.create(front);
    expect(c.runUntil(() => readyOnEveryNode(c, "agent", ALL)() && c.api.list<Pod>("Pod", "default").filter((p) => p.metadata.labels?.app === "front" && isReady(p)).length === 3, 120_000)).toBe(true);
    const onNode1 = (app: string) => c.api.list<Pod>("Pod", "default").filter((p) => p.metadata.labels?.app === app && p.spec.nodeName === "node-1");
    const frontThere = onNode1("front").map((p) => p.metadata.uid);
    expect(frontThere.length).toBeGreaterThan(0);
    const agent = onNode1("agent")[0]!;
    c.crashNode("node-1");
    c.run(10 * 60_000);
    expect(c.api.get<Pod>("Pod", "default", agent.metadata.name!)!.metadata.deletionTimestamp).toBeUndefined();
    for (const uid of frontThere) expect(c.api.list<Pod>("Pod", "default").find((p) => p.metadata.uid === uid)!.metadata.deletionTimestamp).toBeDefined();
  });

  it("rolls a new template out one node at a time (maxUnavailable 1), keeping the old revision", () => {
    const c = testCluster({ seed: 25 });
    c.create(daemonSet("agent"));
    expect(c.runUntil(readyOnEveryNode(c, "agent", ALL), 120_000)).toBe(true);
    let worstUnavailable = 0;
    c.api.watch<Pod>("Pod", () => {
      const ready = daemonPods(c, "agent").filter(isReady).length;
      worstUnavailable = Math.max(worstUnavailable, ALL.length - ready);
    });
    const current = structuredClone(c.api.get<DaemonSet>("DaemonSet", "default", "agent")!);
    current.spec.template.spec.containers[0]!.image = "test/web:2";
    c.api.update(current);
    const rolledOut = () => {
      const pods = daemonPods(c, "agent");
      return readyOnEveryNode(c, "agent", ALL)() && pods.every((p) => p.spec.containers[0]!.image === "test/web:2" && p.metadata.labels!["pod-template-generation"] === "2");
    };
    expect(c.runUntil(rolledOut, 600_000)).toBe(true);
    expect(worstUnavailable).toBe(1);
    expect(c.api.list<ControllerRevision>("ControllerRevision", "default").map((r) => r.revision).sort()).toEqual([1, 2]);
    c.run(5_000);
    expect(c.api.get<DaemonSet>("DaemonSet", "default", "agent")!.status).toMatchObject({ updatedNumberScheduled: 3, numberAvailable: 3 });
  });
});

describe("kubectl and DaemonSets", () => {
  it("refuses them without --ignore-daemonsets and leaves them in place with it, with the real messages", () => {
    const { cluster, term } = kubectlWorld({ seed: 26, systemPods: true });
    cluster.runUntil(() => cluster.api.list<Pod>("Pod", "kube-system").filter(isReady).length === 3, 60_000);
    const proxy = cluster.api.list<Pod>("Pod", "kube-system").find((p) => p.spec.nodeName === "node-2")!;
    expect(proxy.spec.containers[0]!.image).toBe(KUBE_PROXY_IMAGE);
    // Host network: the node's address is the pod's.
    expect(proxy.status?.podIP).toBe(proxy.status?.hostIP);
    const who = `kube-system/${proxy.metadata.name}`;
    expect(term.split("kubectl drain node-2")).toEqual({
      status: 1,
      stdout: "node/node-2 cordoned\n",
      stderr:
        `error: unable to drain node "node-2" due to error: cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): ${who}, continuing command...\n` +
        "There are pending nodes to be drained:\n node-2\n" +
        `error: cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): ${who}\n`,
    });
    expect(term.split("kubectl drain node-2 --ignore-daemonsets")).toEqual({
      status: 0,
      stdout: "node/node-2 already cordoned\nnode/node-2 drained\n",
      stderr: `Warning: ignoring DaemonSet-managed Pods: ${who}\n`,
    });
    expect(cluster.api.get<Pod>("Pod", "kube-system", proxy.metadata.name!)!.metadata.deletionTimestamp).toBeUndefined();
  });

  it("rolls a DaemonSet out again with rollout restart, reports it with rollout status and keeps its history", () => {
    const { cluster, term } = kubectlWorld({ seed: 27, systemPods: true });
    expect(cluster.runUntil(() => cluster.addonsReady(), 60_000)).toBe(true);
    expect(term.run("kubectl rollout status ds/kube-proxy -n kube-system")).toEqual({ status: 0, output: 'daemon set "kube-proxy" successfully rolled out\n' });
    expect(term.run("kubectl rollout restart ds/kube-proxy -n kube-system")).toEqual({ status: 0, output: "daemonset.apps/kube-proxy restarted\n" });
    const status = term.run("kubectl rollout status ds/kube-proxy -n kube-system");
    expect(status.status).toBe(0);
    const lines = status.output.trimEnd().split("\n");
    expect(lines[0]).toBe("Waiting for daemon set spec update to be observed...");
    expect(lines).toContain('Waiting for daemon set "kube-proxy" rollout to finish: 1 out of 3 new pods have been updated...');
    expect(lines[lines.length - 1]).toBe('daemon set "kube-proxy" successfully rolled out');
    expect(term.run("kubectl rollout history ds/kube-proxy -n kube-system").output).toBe("daemonset.apps/kube-proxy \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n");
    expect(term.run("kubectl rollout status ds/kube-proxy -n kube-system").status).toBe(0);
  });
});
