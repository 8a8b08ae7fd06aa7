import { describe, expect, it } from "vitest";
import { ApiError } from "../src/api/errors.js";
import type { Deployment, Event, KubeObject, Node, PersistentVolumeClaim, Pod, PodDisruptionBudget, StatefulSet } from "../src/api/types.js";
import { evictPod } from "../src/controllers/disruption.js";
import { wait, type Proc } from "@ksim/sim";
import { Cluster } from "../src/cluster.js";
import { ImageLayer, type ProcessContext } from "../src/runtime/index.js";
import { headless, isReady, pods, statefulSet, testCluster, testRegistry } from "./helpers.js";

const antiAffinity = {
  podAntiAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: [
      { labelSelector: { matchExpressions: [{ key: "app", operator: "In" as const, values: ["nginx"] }] }, topologyKey: "kubernetes.io/hostname" },
    ],
  },
};

function withAntiAffinity(s: StatefulSet): StatefulSet {
  s.spec.template.spec.affinity = antiAffinity;
  return s;
}

function ready(c: ReturnType<typeof testCluster>, n: number) {
  return () => pods(c, "nginx").filter((p) => isReady(p) && !p.metadata.deletionTimestamp).length === n;
}

function deployment(name: string, replicas: number, strategy: Deployment["spec"]["strategy"] = { type: "RollingUpdate" }): Deployment {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name },
    spec: {
      replicas,
      strategy,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "web", image: "test/web:1" }] } },
    },
  };
}

describe("disruption budgets and eviction", () => {
  it("lets one eviction through with maxUnavailable 1 and refuses the next with the real 429", () => {
    const c = testCluster({ seed: 5 });
    c.create(headless("nginx", "nginx"));
    c.create(statefulSet("web", "nginx", 3));
    c.create<PodDisruptionBudget>({
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata: { name: "web-pdb" },
      spec: { selector: { matchLabels: { app: "nginx" } }, maxUnavailable: 1 },
    });
    expect(c.runUntil(ready(c, 3), 300_000)).toBe(true);
    c.run(1_000);
    expect(c.api.get<PodDisruptionBudget>("PodDisruptionBudget", "default", "web-pdb")!.status).toMatchObject({
      currentHealthy: 3,
      desiredHealthy: 2,
      disruptionsAllowed: 1,
      expectedPods: 3,
    });
    evictPod(c.api, "default", "web-2");
    // The pod is marked before it is deleted, and the kubelet's status reports keep the mark.
    const marked = () => c.api.get<Pod>("Pod", "default", "web-2")!.status!.conditions!;
    expect(marked().at(-1)).toMatchObject({ type: "DisruptionTarget", status: "True", reason: "EvictionByEvictionAPI", message: "Eviction API: evicting" });
    // The kubelet's report of the stopping pod keeps the mark, ahead of its own conditions.
    expect(c.runUntil(() => marked().find((x) => x.type === "Ready")?.status === "False", 5_000)).toBe(true);
    expect(marked()[0]).toMatchObject({ type: "DisruptionTarget", status: "True", reason: "EvictionByEvictionAPI", message: "Eviction API: evicting" });
    expect(marked().map((x) => x.type)).toEqual(["DisruptionTarget", "PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"]);
    expect(marked().find((x) => x.type === "Ready")!.status).toBe("False");
    let refused: ApiError | undefined;
    try {
      evictPod(c.api, "default", "web-1");
    } catch (e) {
      refused = e as ApiError;
    }
    expect(refused?.code).toBe(429);
    expect(refused?.message).toBe("Cannot evict pod as it would violate the pod's disruption budget.");
    expect(refused?.causes[0]?.message).toBe("The disruption budget web-pdb needs 2 healthy pods and has 2 currently");
    expect(c.api.get<Pod>("Pod", "default", "web-1")!.metadata.deletionTimestamp).toBeUndefined();
    // Once the evicted pod is back and Ready, the budget allows a disruption again.
    expect(c.runUntil(() => ready(c, 3)() && c.api.get<PodDisruptionBudget>("PodDisruptionBudget", "default", "web-pdb")!.status!.disruptionsAllowed === 1, 300_000)).toBe(true);
    evictPod(c.api, "default", "web-1");
  });
});

describe("the API server", () => {
  it("refuses an object without a name as the real one does, qualifying the kind only outside the core group", () => {
    const c = testCluster();
    const refused = (o: KubeObject) => {
      try {
        c.api.create(o);
      } catch (e) {
        return { message: (e as ApiError).message, causes: (e as ApiError).causes };
      }
      return undefined;
    };
    expect(refused({ apiVersion: "v1", kind: "ConfigMap", metadata: { namespace: "default" } })).toEqual({
      message: 'ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required',
      causes: [{ type: "FieldValueRequired", message: "Required value: name or generateName is required", field: "metadata.name" }],
    });
    expect(refused({ apiVersion: "apps/v1", kind: "StatefulSet", metadata: { namespace: "default" } })?.message).toMatch(/^StatefulSet\.apps "" is invalid: /);
    expect(c.api.list("ConfigMap", "default")).toEqual([]);
  });
});

describe("scheduler", () => {
  it("keeps a pod Pending with the real FailedScheduling message when anti-affinity cannot be met", () => {
    const c = testCluster({ seed: 2, nodes: 4 });
    c.create(headless("nginx", "nginx"));
    c.create(withAntiAffinity(statefulSet("web", "nginx", 2, { podManagementPolicy: "Parallel" })));
    expect(c.runUntil(ready(c, 2), 300_000)).toBe(true);
    const used = new Set(pods(c, "nginx").map((p) => p.spec.nodeName));
    expect(used.size).toBe(2);
    for (const n of ["node-1", "node-2", "node-3", "node-4"].filter((x) => !used.has(x))) {
      c.api.mutate<Node>("Node", undefined, n, (x) => {
        x.spec.unschedulable = true;
      });
    }
    c.api.mutate<StatefulSet>("StatefulSet", "default", "web", (s) => {
      s.spec.replicas = 3;
    });
    c.run(30_000);
    const p2 = c.api.get<Pod>("Pod", "default", "web-2")!;
    expect(p2.status?.phase).toBe("Pending");
    expect(p2.spec.nodeName).toBeUndefined();
    const msg =
      "0/4 nodes are available: 2 node(s) didn't match pod anti-affinity rules, 2 node(s) were unschedulable. preemption: 0/4 nodes are available: 2 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.";
    const events = c.api.list<Event>("Event", "default").filter((e) => e.involvedObject.name === "web-2" && e.reason === "FailedScheduling");
    expect(events.map((e) => e.message)).toContain(msg);
    expect(p2.status?.conditions?.find((x) => x.type === "PodScheduled")).toMatchObject({ status: "False", reason: "Unschedulable", message: msg });
    // Uncordoning a node lets it schedule.
    c.api.mutate<Node>("Node", undefined, [...["node-1", "node-2", "node-3", "node-4"].filter((x) => !used.has(x))][0]!, (x) => {
      delete x.spec.unschedulable;
    });
    expect(c.runUntil(ready(c, 3), 300_000)).toBe(true);
  });
});

describe("storage", () => {
  it("keeps data on a ReadWriteOnce volume when the pod is rescheduled to another node", () => {
    const c = testCluster({ seed: 4 });
    c.create(headless("nginx", "nginx"));
    c.create(statefulSet("web", "nginx", 1));
    expect(c.runUntil(ready(c, 1), 300_000)).toBe(true);
    const first = c.api.get<Pod>("Pod", "default", "web-0")!;
    const worker = c.podWorker("default", "web-0")!;
    worker.instance("web")!.rootFs().writeFile("/data/index.html", "web-0\n");
    for (const n of ["node-1", "node-2", "node-3"]) {
      if (n === first.spec.nodeName) {
        c.api.mutate<Node>("Node", undefined, n, (x) => {
          x.spec.unschedulable = true;
        });
      }
    }
    c.api.delete("Pod", "default", "web-0");
    expect(c.runUntil(() => {
      const p = c.api.get<Pod>("Pod", "default", "web-0");
      return p !== undefined && p.metadata.uid !== first.metadata.uid && isReady(p);
    }, 300_000)).toBe(true);
    const second = c.api.get<Pod>("Pod", "default", "web-0")!;
    expect(second.spec.nodeName).not.toBe(first.spec.nodeName);
    expect(c.podWorker("default", "web-0")!.instance("web")!.rootFs().readText("/data/index.html")).toBe("web-0\n");
    // The disk moved with it.
    const pv = c.api.get<{ spec: { volumeName: string } } & Pod>("PersistentVolumeClaim", "default", "www-web-0")!.spec.volumeName;
    expect(c.disks.get(pv)!.attachedTo).toBe(second.spec.nodeName);
  });

  it("keeps a volume on a dead node while a pod there holds it, and force-detaches six minutes after that pod is gone", () => {
    const c = testCluster({ seed: 6, nodes: 3 });
    c.create<PersistentVolumeClaim>({ apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } });
    const db = deployment("db", 1, { type: "Recreate" });
    db.spec.template.spec.volumes = [{ name: "data", persistentVolumeClaim: { claimName: "data" } }];
    db.spec.template.spec.containers[0]!.volumeMounts = [{ name: "data", mountPath: "/data" }];
    c.create(db);
    expect(c.runUntil(() => pods(c, "db").filter(isReady).length === 1, 300_000)).toBe(true);
    const old = pods(c, "db")[0]!;
    const deadNode = old.spec.nodeName!;
    const pv = c.api.get<PersistentVolumeClaim>("PersistentVolumeClaim", "default", "data")!.spec.volumeName!;
    const forced: number[] = [];
    c.sim.trace.observe("volume.force-detach", (e) => forced.push(e.time));
    c.crashNode(deadNode);
    // NotReady after the grace period, evicted after the 300 s toleration: the replacement is
    // scheduled elsewhere but the old pod object is Terminating on the dead node and holds the disk.
    c.run(20 * 60_000);
    const replacement = () => pods(c, "db").find((p) => p.metadata.uid !== old.metadata.uid);
    expect(c.api.get<Pod>("Pod", "default", old.metadata.name!)!.metadata.deletionTimestamp).toBeDefined();
    expect(replacement()?.spec.nodeName).not.toBe(deadNode);
    expect(isReady(replacement())).toBe(false);
    expect(c.disks.get(pv)!.attachedTo).toBe(deadNode);
    const warnings = c.api.list<Event>("Event", "default").filter((e) => e.involvedObject.uid === replacement()!.metadata.uid && e.reason === "FailedAttachVolume");
    expect(warnings[0]!.message).toBe(`Multi-Attach error for volume "${pv}" Volume is already used by pod(s) ${old.metadata.name}`);
    expect(forced).toEqual([]);
    // Once the pod object is gone, the controller still waits maxWaitForUnmountDuration.
    c.api.delete("Pod", "default", old.metadata.name!, { gracePeriodSeconds: 0 });
    const gone = c.sim.now;
    c.run(5 * 60_000);
    expect(c.disks.get(pv)!.attachedTo).toBe(deadNode);
    expect(c.runUntil(() => isReady(replacement()), 10 * 60_000)).toBe(true);
    expect(forced).toHaveLength(1);
    expect(forced[0]! - gone).toBeGreaterThanOrEqual(6 * 60_000);
    expect(c.disks.get(pv)!.attachedTo).toBe(replacement()!.spec.nodeName);
  });

  it("moves a StatefulSet pod and its volume off a dead node once the node is declared out of service", () => {
    const c = testCluster({ seed: 7, nodes: 3 });
    c.create(headless("nginx", "nginx"));
    c.create(statefulSet("web", "nginx", 1));
    expect(c.runUntil(ready(c, 1), 300_000)).toBe(true);
    const old = c.api.get<Pod>("Pod", "default", "web-0")!;
    const dead = old.spec.nodeName!;
    const pv = c.api.get<PersistentVolumeClaim>("PersistentVolumeClaim", "default", "www-web-0")!.spec.volumeName!;
    c.crashNode(dead);
    // Evicted after the 300 s toleration, but Terminating for good: nothing can confirm it stopped.
    c.run(20 * 60_000);
    expect(c.api.get<Pod>("Pod", "default", "web-0")!.metadata.uid).toBe(old.metadata.uid);
    expect(c.disks.get(pv)!.attachedTo).toBe(dead);
    c.api.mutate<Node>("Node", undefined, dead, (n) => {
      n.spec.taints = [...(n.spec.taints ?? []), { key: "node.kubernetes.io/out-of-service", value: "nodeshutdown", effect: "NoExecute" }];
    });
    const declared = c.sim.now;
    expect(c.runUntil(() => {
      const p = c.api.get<Pod>("Pod", "default", "web-0");
      return p !== undefined && p.metadata.uid !== old.metadata.uid && isReady(p);
    }, 300_000)).toBe(true);
    // The pod GC's 20 s period and the attach, not the six-minute wait for an unmount.
    expect(c.sim.now - declared).toBeLessThan(60_000);
    expect(c.disks.get(pv)!.attachedTo).toBe(c.api.get<Pod>("Pod", "default", "web-0")!.spec.nodeName);
  });

  it("removes the pods of a deleted node after the pod GC's quarantine", () => {
    const c = testCluster({ seed: 8, nodes: 3 });
    c.create(deployment("front", 3));
    expect(c.runUntil(() => pods(c, "front").filter(isReady).length === 3, 300_000)).toBe(true);
    const victim = pods(c, "front")[0]!;
    c.crashNode(victim.spec.nodeName!);
    c.api.delete("Node", undefined, victim.spec.nodeName!);
    c.run(30_000);
    expect(c.api.get<Pod>("Pod", "default", victim.metadata.name!)).toBeDefined();
    expect(c.runUntil(() => c.api.get<Pod>("Pod", "default", victim.metadata.name!) === undefined, 60_000)).toBe(true);
    expect(c.runUntil(() => pods(c, "front").filter((p) => isReady(p) && !p.metadata.deletionTimestamp).length === 3, 300_000)).toBe(true);
  });

  it("releases and deletes a dynamically provisioned volume when its claim is deleted (reclaim policy Delete)", () => {
    const c = testCluster({ seed: 5 });
    c.create<PersistentVolumeClaim>({ apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "c1" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } });
    expect(c.runUntil(() => c.api.get<PersistentVolumeClaim>("PersistentVolumeClaim", "default", "c1")?.status?.phase === "Bound", 60_000)).toBe(true);
    const pv = c.api.get<PersistentVolumeClaim>("PersistentVolumeClaim", "default", "c1")!.spec.volumeName!;
    c.api.delete("PersistentVolumeClaim", "default", "c1");
    expect(c.runUntil(() => c.api.get("PersistentVolume", undefined, pv) === undefined, 60_000)).toBe(true);
    expect(c.disks.get(pv)).toBeUndefined();
  });
});

describe("volume expansion", () => {
  it("refuses to grow a claim whose StorageClass does not allow expansion, as the resize admission plugin does", () => {
    const c = testCluster({ seed: 5 });
    c.create<PersistentVolumeClaim>({ apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "c1" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } });
    expect(c.runUntil(() => c.api.get<PersistentVolumeClaim>("PersistentVolumeClaim", "default", "c1")?.status?.phase === "Bound", 60_000)).toBe(true);
    const claim = () => c.api.get<PersistentVolumeClaim>("PersistentVolumeClaim", "default", "c1")!;
    const resize = (storage: string) => c.api.update<PersistentVolumeClaim>({ ...claim(), spec: { ...claim().spec, resources: { requests: { storage } } } });
    expect(() => resize("2Gi")).toThrow(
      new ApiError("Forbidden", 'persistentvolumeclaims "c1" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize'),
    );
    const sc = c.api.get<KubeObject & { allowVolumeExpansion?: boolean }>("StorageClass", undefined, claim().spec.storageClassName!)!;
    c.api.update({ ...sc, allowVolumeExpansion: true });
    expect(resize("2Gi").spec.resources?.requests?.storage).toBe("2Gi");
  });
});

describe("DNS", () => {
  it("answers for a StatefulSet pod only while it is Ready", () => {
    const c = testCluster({ seed: 6 });
    c.create(headless("nginx", "nginx"));
    c.create(statefulSet("web", "nginx", 1));
    const answers: string[][] = [];
    const sample = () => {
      answers.push(c.dns.resolve("web-0.nginx", "default"));
      if (c.sim.now < 60_000) c.sim.schedule(500, sample);
    };
    sample();
    expect(c.runUntil(ready(c, 1), 300_000)).toBe(true);
    c.run(1_000);
    const ip = c.api.get<Pod>("Pod", "default", "web-0")!.status!.podIP!;
    expect(c.dns.resolve("web-0.nginx", "default")).toEqual([ip]);
    expect(c.dns.resolve("web-0.nginx.default.svc.cluster.local", undefined)).toEqual([ip]);
    expect(c.dns.resolve("nginx", "default")).toEqual([ip]);
    expect(answers[0]).toEqual([]);
    expect(c.dns.reverse(ip)).toBe("web-0.nginx.default.svc.cluster.local");
    expect(c.dns.resolve("kube-dns.kube-system", "default")).toEqual(["10.96.0.10"]);
    c.api.delete("Pod", "default", "web-0");
    c.run(10);
    expect(c.dns.resolve("web-0.nginx", "default")).toEqual([]);
  });
});

describe("kubelet", () => {
  it("restarts a container whose liveness probe fails, with back-off and a restart count", () => {
    const c = testCluster({ seed: 8 });
    c.create<Pod>({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "sick" },
      spec: {
        containers: [
          {
            name: "web",
            image: "test/web:1",
            env: [{ name: "SICK_AFTER", value: "5" }],
            livenessProbe: { exec: { command: ["/usr/bin/check"] }, periodSeconds: 5, failureThreshold: 2 },
          },
        ],
      },
    });
    const restarts = () => c.api.get<Pod>("Pod", "default", "sick")?.status?.containerStatuses?.[0]?.restartCount ?? 0;
    expect(c.runUntil(() => restarts() >= 4, 1_800_000)).toBe(true);
    const events = c.api.list<Event>("Event", "default").filter((e) => e.involvedObject.name === "sick");
    const reasons = new Set(events.map((e) => e.reason));
    expect(reasons).toContain("Unhealthy");
    expect(reasons).toContain("Killing");
    expect(reasons).toContain("BackOff");
    expect(events.find((e) => e.reason === "Killing")!.message).toBe("Container web failed liveness probe, will be restarted");
    expect(events.find((e) => e.reason === "Unhealthy")!.message).toBe("Liveness probe failed: ");
    const starts = events.filter((e) => e.reason === "Started");
    expect(starts.length).toBe(1);
    expect(starts[0]!.count).toBeGreaterThanOrEqual(4);
    // Seen in CrashLoopBackOff at some point, with the kubelet's message.
    let sawBackoff = false;
    c.api.watch<Pod>("Pod", (e) => {
      const w = e.object.status?.containerStatuses?.[0]?.state?.waiting;
      if (w?.reason === "CrashLoopBackOff") {
        sawBackoff = true;
        expect(w.message).toMatch(/^back-off \d+(m\d+)?s restarting failed container=web pod=sick_default\(.+\)$/);
      }
    });
    c.run(600_000);
    expect(sawBackoff).toBe(true);
    const last = c.api.get<Pod>("Pod", "default", "sick")!.status!.containerStatuses![0]!;
    expect(last.lastState?.terminated?.exitCode).toBe(0);
  });
});

describe("container stop", () => {
  it("sends the image's STOPSIGNAL where it has one, SIGTERM otherwise", () => {
    const registry = testRegistry();
    const received: string[] = [];
    registry.registerProgram("test:signals", function* (ctx: ProcessContext): Proc<number> {
      ctx.onSignal((signal) => {
        received.push(`${ctx.hostname} ${signal}`);
        ctx.exit(0);
      });
      return yield* wait(ctx.exited);
    });
    for (const [name, stopSignal] of [["quits", "SIGQUIT"], ["terms", undefined]] as const) {
      registry.registerImage({
        repositories: [`test/${name}`],
        layer: new ImageLayer({ "/bin/run": { program: "test:signals" } }, Date.UTC(2023, 0, 1)),
        entrypoint: ["/bin/run"],
        ...(stopSignal !== undefined ? { stopSignal } : {}),
        sizeBytes: 1_000_000,
      });
    }
    const c = new Cluster({ seed: 3, registry });
    for (const name of ["quits", "terms"]) c.create<Pod>({ apiVersion: "v1", kind: "Pod", metadata: { name }, spec: { containers: [{ name: "c", image: `test/${name}` }] } });
    const all = () => c.api.list<Pod>("Pod", "default");
    expect(c.runUntil(() => all().length === 2 && all().every(isReady), 60_000)).toBe(true);
    for (const name of ["quits", "terms"]) c.api.delete("Pod", "default", name);
    expect(c.runUntil(() => all().length === 0, 60_000)).toBe(true);
    expect(received.sort()).toEqual(["quits SIGQUIT", "terms SIGTERM"]);
  });
});

describe("container config", () => {
  it("keeps a container that names a missing Secret in CreateContainerConfigError, retried at each sync without crash-looping, until the Secret exists", () => {
    const c = testCluster({ seed: 5 });
    c.create<Pod>({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "needs-secret" },
      spec: { restartPolicy: "Never", containers: [{ name: "web", image: "test/web:1", env: [{ name: "PW", valueFrom: { secretKeyRef: { name: "creds", key: "password" } } }] }] },
    });
    const waiting = () => c.api.get<Pod>("Pod", "default", "needs-secret")!.status?.containerStatuses?.[0]?.state?.waiting;
    const reasons = new Set<string>();
    c.api.watch<Pod>("Pod", (e) => {
      const w = e.object.status?.containerStatuses?.[0]?.state?.waiting;
      if (w !== undefined) reasons.add(w.reason!);
    });
    c.run(120_000);
    expect(waiting()).toEqual({ reason: "CreateContainerConfigError", message: 'secret "creds" not found' });
    expect(reasons).not.toContain("CrashLoopBackOff");
    const failures = c.api.list<Event>("Event", "default").find((e) => e.reason === "Failed" && e.involvedObject.name === "needs-secret")!;
    // One attempt per pod-worker sync (10–15 s) over two minutes.
    expect(failures.count).toBeGreaterThanOrEqual(7);
    c.create({ apiVersion: "v1", kind: "Secret", metadata: { name: "creds", namespace: "default" }, stringData: { password: "x" } } as KubeObject);
    expect(c.runUntil(() => isReady(c.api.get<Pod>("Pod", "default", "needs-secret")!), 30_000)).toBe(true);
  });
});

describe("image pulls", () => {
  it("reports a missing image as ErrImagePull, then ImagePullBackOff with the image manager's back-off, never as a crash loop", () => {
    const c = testCluster({ seed: 13 });
    c.create<Pod>({ apiVersion: "v1", kind: "Pod", metadata: { name: "bad" }, spec: { containers: [{ name: "web", image: "nope/nope:1" }] } });
    const seen = new Set<string>();
    c.api.watch<Pod>("Pod", (e) => {
      const reason = e.object.status?.containerStatuses?.[0]?.state?.waiting?.reason;
      if (reason !== undefined) seen.add(reason);
    });
    c.run(5 * 60_000);
    expect([...seen].sort()).toEqual(["ContainerCreating", "ErrImagePull", "ImagePullBackOff"]);
    const events = c.api.list<Event>("Event", "default").filter((e) => e.involvedObject.name === "bad");
    const backOff = events.find((e) => e.reason === "BackOff")!;
    expect(backOff).toMatchObject({ type: "Normal", message: 'Back-off pulling image "nope/nope:1"' });
    expect(events.map((e) => e.message)).toContain("Error: ImagePullBackOff");
    // Pulls at 10 s, 20 s, 40 s, 80 s, 160 s of back-off: six attempts in five minutes, not one every sync.
    const pulls = events.find((e) => e.reason === "Pulling")!.count!;
    expect(pulls).toBeGreaterThanOrEqual(5);
    expect(pulls).toBeLessThanOrEqual(7);
  });
});

describe("node failure", () => {
  it("replaces Deployment pods elsewhere after the toleration, but leaves StatefulSet pods Terminating", () => {
    const c = testCluster({ seed: 11, nodes: 3 });
    c.create(headless("nginx", "nginx"));
    c.create(withAntiAffinity(statefulSet("web", "nginx", 2)));
    c.create(deployment("front", 3));
    expect(c.runUntil(() => ready(c, 2)() && pods(c, "front").filter(isReady).length === 3, 300_000)).toBe(true);
    const victimNode = c.api.get<Pod>("Pod", "default", "web-0")!.spec.nodeName!;
    const frontOnVictim = pods(c, "front").filter((p) => p.spec.nodeName === victimNode).map((p) => p.metadata.name);
    c.crashNode(victimNode);
    c.run(60_000);
    const node = c.api.get<Node>("Node", undefined, victimNode)!;
    expect(node.status?.conditions?.find((x) => x.type === "Ready")?.status).toBe("Unknown");
    expect(node.spec.taints?.map((t) => `${t.key}:${t.effect}`)).toEqual([
      "node.kubernetes.io/unreachable:NoSchedule",
      "node.kubernetes.io/unreachable:NoExecute",
    ]);
    expect(isReady(c.api.get<Pod>("Pod", "default", "web-0"))).toBe(false);
    c.run(300_000);
    const web0 = c.api.get<Pod>("Pod", "default", "web-0")!;
    expect(web0.metadata.deletionTimestamp).toBeDefined();
    expect(web0.spec.nodeName).toBe(victimNode);
    const front = pods(c, "front");
    const running = front.filter((p) => !p.metadata.deletionTimestamp);
    expect(running.filter(isReady)).toHaveLength(3);
    expect(running.every((p) => p.spec.nodeName !== victimNode)).toBe(true);
    for (const n of frontOnVictim) expect(c.api.get<Pod>("Pod", "default", n!)!.metadata.deletionTimestamp).toBeDefined();
    // When the node comes back, the stuck pods are cleaned up and web-0 returns.
    c.restartNode(victimNode);
    expect(c.runUntil(() => ready(c, 2)() && c.api.get<Pod>("Pod", "default", "web-0")!.metadata.uid !== web0.metadata.uid, 600_000)).toBe(true);
  });
});

describe("garbage collector", () => {
  it("deletes an owner in the foreground once its last dependent has gone, after the pod's graceful stop", () => {
    // An owner no controller writes to, so only the garbage collector can notice the pod go.
    const c = testCluster({ seed: 4 });
    const owner = c.create<KubeObject>({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "owner", namespace: "default" }, data: {} } as KubeObject);
    const ref = { apiVersion: "v1", kind: "ConfigMap", name: "owner", uid: owner.metadata.uid! };
    c.create<Pod>({ apiVersion: "v1", kind: "Pod", metadata: { name: "dependent", ownerReferences: [ref] }, spec: { containers: [{ name: "web", image: "test/web:1" }] } });
    expect(c.runUntil(() => isReady(c.api.get<Pod>("Pod", "default", "dependent")!), 120_000)).toBe(true);
    c.api.delete("ConfigMap", "default", "owner", { propagationPolicy: "Foreground" });
    expect(c.runUntil(() => c.api.get<Pod>("Pod", "default", "dependent")?.metadata.deletionTimestamp !== undefined, 10_000)).toBe(true);
    // The pod stops gracefully first, and the owner waits for it with its finalizer.
    expect(c.api.get<KubeObject>("ConfigMap", "default", "owner")?.metadata.finalizers).toEqual(["foregroundDeletion"]);
    expect(c.runUntil(() => c.api.get("Pod", "default", "dependent") === undefined, 60_000)).toBe(true);
    expect(c.runUntil(() => c.api.get("ConfigMap", "default", "owner") === undefined, 10_000)).toBe(true);
  });
});

describe("deployments", () => {
  it("rolls out a new template with Recreate: old pods gone before new ones start", () => {
    const c = testCluster({ seed: 12 });
    c.create(deployment("app", 2, { type: "Recreate" }));
    expect(c.runUntil(() => pods(c, "app").filter(isReady).length === 2, 300_000)).toBe(true);
    const oldNames = new Set(pods(c, "app").map((p) => p.metadata.name));
    let overlap = false;
    c.api.watch<Pod>("Pod", (e) => {
      if (e.type === "ADDED" && pods(c, "app").some((p) => oldNames.has(p.metadata.name))) overlap = true;
    });
    c.api.mutate<Deployment>("Deployment", "default", "app", (d) => {
      d.spec.template.spec.containers[0]!.image = "test/web:2";
    });
    expect(c.runUntil(() => {
      const ps = pods(c, "app");
      return ps.length === 2 && ps.every((p) => isReady(p) && p.spec.containers[0]!.image === "test/web:2");
    }, 300_000)).toBe(true);
    expect(overlap).toBe(false);
    expect(pods(c, "app").every((p) => /^app-[4-9bcdf]{1,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/.test(p.metadata.name!))).toBe(true);
  });
});
