import { describe, expect, it } from "vitest";
import type { ControllerRevision, PersistentVolumeClaim, Pod, StatefulSet } from "../src/api/types.js";
import { headless, isReady, pods, statefulSet, testCluster } from "./helpers.js";

function image(p: Pod): string {
  return p.spec.containers[0]!.image!;
}

function setImage(c: ReturnType<typeof testCluster>, img: string): void {
  c.api.mutate<StatefulSet>("StatefulSet", "default", "web", (s) => {
    s.spec.template.spec.containers[0]!.image = img;
  });
}

function allReady(c: ReturnType<typeof testCluster>, n: number): () => boolean {
  return () => pods(c, "nginx").length === n && pods(c, "nginx").every((p) => isReady(p) && p.metadata.deletionTimestamp === undefined);
}

function setup(replicas: number, extra: Partial<StatefulSet["spec"]> = {}) {
  const c = testCluster({ seed: 7 });
  c.create(headless("nginx", "nginx"));
  c.create(statefulSet("web", "nginx", replicas, extra));
  expect(c.runUntil(allReady(c, replicas), 300_000)).toBe(true);
  return c;
}

describe("StatefulSet controller", () => {
  it("creates pods in order: a pod exists only once its predecessor is Running and Ready", () => {
    const c = testCluster({ seed: 3 });
    const createdAt = new Map<string, number>();
    const readyAt = new Map<string, number>();
    c.api.watch<Pod>("Pod", (e) => {
      const name = e.object.metadata.name!;
      if (e.type === "ADDED") createdAt.set(name, c.sim.now);
      if (isReady(e.object) && !readyAt.has(name)) readyAt.set(name, c.sim.now);
    });
    c.create(headless("nginx", "nginx"));
    c.create(statefulSet("web", "nginx", 3));
    expect(c.runUntil(allReady(c, 3), 300_000)).toBe(true);
    c.run(1_000);
    expect(createdAt.get("web-1")!).toBeGreaterThanOrEqual(readyAt.get("web-0")!);
    expect(createdAt.get("web-2")!).toBeGreaterThanOrEqual(readyAt.get("web-1")!);
    const pvcs = c.api.list<PersistentVolumeClaim>("PersistentVolumeClaim", "default").map((p) => [p.metadata.name, p.status?.phase]);
    expect(pvcs).toEqual([
      ["www-web-0", "Bound"],
      ["www-web-1", "Bound"],
      ["www-web-2", "Bound"],
    ]);
    const set = c.api.get<StatefulSet>("StatefulSet", "default", "web")!;
    expect(set.status).toMatchObject({ replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3, availableReplicas: 3 });
    expect(set.status?.currentRevision).toMatch(/^web-[4-9bcdf]{1,10}$/);
    const p0 = c.api.get<Pod>("Pod", "default", "web-0")!;
    expect(p0.metadata.labels).toMatchObject({
      "statefulset.kubernetes.io/pod-name": "web-0",
      "apps.kubernetes.io/pod-index": "0",
      "controller-revision-hash": set.status?.currentRevision,
    });
    expect(p0.spec.hostname).toBe("web-0");
    expect(p0.spec.subdomain).toBe("nginx");
  });

  it("creates all pods at once with Parallel management", () => {
    const c = testCluster({ seed: 3 });
    const created: number[] = [];
    c.api.watch<Pod>("Pod", (e) => {
      if (e.type === "ADDED") created.push(c.sim.now);
    });
    c.create(headless("nginx", "nginx"));
    c.create(statefulSet("web", "nginx", 4, { podManagementPolicy: "Parallel" }));
    expect(c.runUntil(allReady(c, 4), 300_000)).toBe(true);
    expect(created).toHaveLength(4);
    expect(Math.max(...created) - Math.min(...created)).toBeLessThan(100);
  });

  it("scales down in reverse order, one pod at a time, keeping the claims", () => {
    const c = setup(5);
    const deleted: string[] = [];
    const gone: string[] = [];
    c.api.watch<Pod>("Pod", (e) => {
      if (e.type === "MODIFIED" && e.object.metadata.deletionTimestamp && !e.previous?.metadata.deletionTimestamp) {
        deleted.push(e.object.metadata.name!);
        // The successor must be fully gone before the next one starts terminating.
        expect(gone.length).toBe(deleted.length - 1);
      }
      if (e.type === "DELETED") gone.push(e.object.metadata.name!);
    });
    c.api.mutate<StatefulSet>("StatefulSet", "default", "web", (s) => {
      s.spec.replicas = 2;
    });
    expect(c.runUntil(allReady(c, 2), 300_000)).toBe(true);
    expect(deleted).toEqual(["web-4", "web-3", "web-2"]);
    expect(c.api.list<PersistentVolumeClaim>("PersistentVolumeClaim", "default").map((p) => p.metadata.name)).toEqual([
      "www-web-0",
      "www-web-1",
      "www-web-2",
      "www-web-3",
      "www-web-4",
    ]);
  });

  it("rolls an update out in reverse ordinal order, waiting for each pod to be Ready", () => {
    const c = setup(3);
    const order: string[] = [];
    c.api.watch<Pod>("Pod", (e) => {
      if (e.type === "ADDED") order.push(e.object.metadata.name!);
    });
    setImage(c, "test/web:2");
    expect(c.runUntil(() => allReady(c, 3)() && pods(c, "nginx").every((p) => image(p) === "test/web:2"), 300_000)).toBe(true);
    expect(order).toEqual(["web-2", "web-1", "web-0"]);
    c.run(1_000);
    const set = c.api.get<StatefulSet>("StatefulSet", "default", "web")!;
    expect(set.status?.currentRevision).toBe(set.status?.updateRevision);
    const revisions = c.api.list<ControllerRevision>("ControllerRevision", "default").map((r) => r.revision).sort();
    expect(revisions).toEqual([1, 2]);
  });

  it("honours a partition: deleted pods below it come back old, pods at or above it new", () => {
    const c = setup(3, { updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 3 } } });
    setImage(c, "test/web:2");
    c.run(60_000);
    expect(pods(c, "nginx").map(image)).toEqual(["test/web:1", "test/web:1", "test/web:1"]);
    c.api.delete("Pod", "default", "web-2");
    c.run(60_000);
    expect(c.runUntil(allReady(c, 3), 120_000)).toBe(true);
    expect(image(c.api.get<Pod>("Pod", "default", "web-2")!)).toBe("test/web:1");
    c.api.mutate<StatefulSet>("StatefulSet", "default", "web", (s) => {
      s.spec.updateStrategy = { type: "RollingUpdate", rollingUpdate: { partition: 2 } };
    });
    expect(c.runUntil(() => allReady(c, 3)() && image(c.api.get<Pod>("Pod", "default", "web-2")!) === "test/web:2", 120_000)).toBe(true);
    c.api.delete("Pod", "default", "web-1");
    c.run(5_000);
    expect(c.runUntil(allReady(c, 3), 120_000)).toBe(true);
    expect(pods(c, "nginx").map(image)).toEqual(["test/web:1", "test/web:1", "test/web:2"]);
    c.api.mutate<StatefulSet>("StatefulSet", "default", "web", (s) => {
      s.spec.updateStrategy = { type: "RollingUpdate", rollingUpdate: { partition: 0 } };
    });
    expect(c.runUntil(() => allReady(c, 3)() && pods(c, "nginx").every((p) => image(p) === "test/web:2"), 300_000)).toBe(true);
  });

  it("leaves pods alone with OnDelete until they are deleted, then recreates them new", () => {
    const c = setup(2, { updateStrategy: { type: "OnDelete" } });
    setImage(c, "test/web:2");
    c.run(120_000);
    expect(pods(c, "nginx").map(image)).toEqual(["test/web:1", "test/web:1"]);
    c.api.delete("Pod", "default", "web-0");
    c.run(5_000);
    expect(c.runUntil(allReady(c, 2), 120_000)).toBe(true);
    expect(pods(c, "nginx").map(image)).toEqual(["test/web:2", "test/web:1"]);
  });

  it("orphans pods on --cascade=orphan, and a new set adopts them and removes the extra one", () => {
    const c = setup(3);
    const uids = new Map(pods(c, "nginx").map((p) => [p.metadata.name, p.metadata.uid]));
    c.api.delete("StatefulSet", "default", "web", { propagationPolicy: "Orphan" });
    c.run(10_000);
    expect(c.api.get("StatefulSet", "default", "web")).toBeUndefined();
    expect(pods(c, "nginx").map((p) => [p.metadata.name, p.metadata.ownerReferences])).toEqual([
      ["web-0", undefined],
      ["web-1", undefined],
      ["web-2", undefined],
    ]);
    c.api.delete("Pod", "default", "web-0");
    c.run(30_000);
    expect(pods(c, "nginx").map((p) => p.metadata.name)).toEqual(["web-1", "web-2"]);
    const set = c.create(statefulSet("web", "nginx", 2));
    const names = () => pods(c, "nginx").map((p) => p.metadata.name).join(",");
    expect(c.runUntil(() => allReady(c, 2)() && names() === "web-0,web-1", 300_000)).toBe(true);
    const now = pods(c, "nginx");
    expect(now.map((p) => p.metadata.name)).toEqual(["web-0", "web-1"]);
    expect(now[1]!.metadata.uid).toBe(uids.get("web-1"));
    expect(now.every((p) => p.metadata.ownerReferences?.[0]?.uid === set.metadata.uid)).toBe(true);
  });

  it("deletes its pods with the set when cascading", () => {
    const c = setup(2);
    c.api.delete("StatefulSet", "default", "web");
    expect(c.runUntil(() => pods(c, "nginx").length === 0, 120_000)).toBe(true);
    expect(c.api.list("PersistentVolumeClaim", "default")).toHaveLength(2);
  });
  it("a pod update that changes nothing the sync reads of it still brings back a claim's owner reference removed since", () => {
    const c = setup(1, { persistentVolumeClaimRetentionPolicy: { whenDeleted: "Delete", whenScaled: "Retain" } });
    const set = c.api.get<StatefulSet>("StatefulSet", "default", "web")!;
    const owners = () => c.api.get<PersistentVolumeClaim>("PersistentVolumeClaim", "default", "www-web-0")!.metadata.ownerReferences?.map((r) => r.uid);
    c.run(10_000);
    expect(owners()).toEqual([set.metadata.uid]);
    c.api.mutate<PersistentVolumeClaim>("PersistentVolumeClaim", "default", "www-web-0", (p) => {
      delete p.metadata.ownerReferences;
    });
    // The controller does not watch claims: the change waits for the set's next sync.
    c.run(10_000);
    expect(owners()).toBeUndefined();
    // The set's last sync wrote nothing and the pod's annotations are none of its inputs, but the
    // claim is: this sync must run.
    c.api.mutate<Pod>("Pod", "default", "web-0", (p) => {
      p.metadata.annotations = { ...p.metadata.annotations, touched: "yes" };
    });
    c.run(1_000);
    expect(owners()).toEqual([set.metadata.uid]);
  });
});
