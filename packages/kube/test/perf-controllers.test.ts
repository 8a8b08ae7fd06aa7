import { describe, expect, it } from "vitest";
import { ObjectStore } from "../src/api/store.js";
import type { Endpoints, EndpointSlice, Node, PersistentVolume, PersistentVolumeClaim, Pod, Service } from "../src/api/types.js";
import { LabelIndex } from "../src/controllers/label-index.js";
import { parentAndOrdinal } from "../src/controllers/statefulset/identity.js";
import { ClusterSnapshot } from "../src/scheduler/node-info.js";
import { numFeasibleNodesToFind } from "../src/scheduler/scheduler.js";
import { isReady, testCluster } from "./helpers.js";

function pod(name: string, labels: Record<string, string>, extra: { namespace?: string; nodeName?: string; owner?: string } = {}): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: extra.namespace ?? "default",
      uid: `uid-${name}`,
      labels,
      ...(extra.owner !== undefined ? { ownerReferences: [{ apiVersion: "apps/v1", kind: "StatefulSet", name: "s", uid: extra.owner, controller: true }] } : {}),
    },
    spec: { containers: [{ name: "c", image: "test/web:1" }], ...(extra.nodeName !== undefined ? { nodeName: extra.nodeName } : {}) },
  };
}

/** The next version of a stored pod as the API server writes it: a copy with metadata of its own. */
function withStatus(store: ObjectStore, namespace: string, name: string, status: Pod["status"]): Pod {
  const p = store.get<Pod>("Pod", namespace, name)!;
  return { ...p, metadata: { ...p.metadata }, status };
}

function node(name: string): Node {
  return { apiVersion: "v1", kind: "Node", metadata: { name, labels: { "kubernetes.io/hostname": name } }, spec: {}, status: { allocatable: { cpu: "4", memory: "16Gi", pods: "110" } } };
}

describe("scheduler sampling", () => {
  it("filters and scores as many nodes as kube-scheduler's numFeasibleNodesToFind", () => {
    expect(numFeasibleNodesToFind(3)).toBe(3);
    expect(numFeasibleNodesToFind(99)).toBe(99);
    expect(numFeasibleNodesToFind(100)).toBe(100);
    // 49% of 200 is 98: never fewer than 100.
    expect(numFeasibleNodesToFind(200)).toBe(100);
    expect(numFeasibleNodesToFind(1000)).toBe(420);
    expect(numFeasibleNodesToFind(5000)).toBe(500);
    // 50 - 48 would be 2%: the floor is 5%.
    expect(numFeasibleNodesToFind(6000)).toBe(300);
  });

  it("knows which nodes run pods of each controller as pods come, go and nodes leave", () => {
    const store = new ObjectStore();
    for (const n of ["n1", "n2"]) store.put(node(n));
    const snapshot = new ClusterSnapshot(store);
    const names = (owner: string) => [...snapshot.nodesWithOwner(owner)].map((i) => i.name).sort();
    store.put(pod("a", {}, { nodeName: "n1", owner: "set-1" }));
    store.put(pod("b", {}, { nodeName: "n2", owner: "set-1" }));
    store.put(pod("c", {}, { nodeName: "n2", owner: "set-2" }));
    expect(names("set-1")).toEqual(["n1", "n2"]);
    store.put(withStatus(store, "default", "a", { phase: "Running" }));
    expect(names("set-1")).toEqual(["n1", "n2"]);
    expect(snapshot.nodes.get("n1")!.requested.pods).toBe(1);
    store.put(withStatus(store, "default", "b", { phase: "Succeeded" }));
    expect(names("set-1")).toEqual(["n1"]);
    store.remove("Node", undefined, "n2");
    expect(names("set-2")).toEqual([]);
    expect(snapshot.list.map((i) => i.name)).toEqual(["n1"]);
  });
});

describe("statefulset pod names", () => {
  it("split into parent and ordinal as ^(.*)-([0-9]+)$ does", () => {
    const parse = (name: string) => {
      const { parent, ordinal } = parentAndOrdinal(name);
      return [parent, ordinal];
    };
    expect(parse("web-0")).toEqual(["web", 0]);
    expect(parse("zk-cluster-12")).toEqual(["zk-cluster", 12]);
    expect(parse("a-1-b-3")).toEqual(["a-1-b", 3]);
    expect(parse("-5")).toEqual(["", 5]);
    expect(parse("web--1")).toEqual(["web-", 1]);
    for (const none of ["web", "web-", "42", "", "web-1x", "web-99999999999"]) expect(parse(none)[1]).toBe(-1);
  });
});

describe("shared label index", () => {
  it("is one per store and kind, and lists matches in the order they last changed", () => {
    const store = new ObjectStore();
    const index = LabelIndex.of<Pod>(store, "Pod");
    expect(LabelIndex.of<Pod>(store, "Pod")).toBe(index);
    for (const name of ["a", "b", "c"]) store.put(pod(name, { app: "web", tier: "front" }));
    store.put(pod("d", { app: "web" }, { namespace: "other" }));
    store.put(withStatus(store, "default", "a", { phase: "Running" }));
    expect(index.matching("default", { app: "web" }).map((p) => p.metadata.name)).toEqual(["b", "c", "a"]);
    expect(index.matching("default", { app: "web" })[2]!.status?.phase).toBe("Running");
    store.put({ ...store.get<Pod>("Pod", "default", "b")!, metadata: { ...store.get<Pod>("Pod", "default", "b")!.metadata, labels: { app: "db" } } });
    store.remove("Pod", "default", "c");
    expect(index.matching("default", { app: "web", tier: "front" }).map((p) => p.metadata.name)).toEqual(["a"]);
    expect(index.matching("other", { app: "web" }).map((p) => p.metadata.name)).toEqual(["d"]);
  });
});

describe("object store", () => {
  it("lists one namespace in creation order and counts changes per kind", () => {
    const store = new ObjectStore();
    store.put(pod("z", {}, { namespace: "one" }));
    store.put(pod("y", {}, { namespace: "two" }));
    store.put(pod("a", {}, { namespace: "one" }));
    const before = store.kindVersion("Pod");
    store.put(withStatus(store, "one", "z", { phase: "Running" }));
    expect(store.list("Pod", "one").map((p) => p.metadata.name)).toEqual(["z", "a"]);
    expect(store.list("Pod").map((p) => p.metadata.name)).toEqual(["z", "y", "a"]);
    expect(store.kindVersion("Pod")).toBe(before + 1);
    store.remove("Pod", "one", "z");
    expect(store.kindVersion("Pod")).toBe(before + 2);
    expect(store.get("Pod", "one", "z")).toBeUndefined();
    expect(store.kindVersion("Service")).toBe(0);
  });
});

describe("endpoints controller", () => {
  it("writes Endpoints and EndpointSlices only when what they publish changes", () => {
    const c = testCluster({ seed: 3, nodes: 2 });
    // No labels: the stored Endpoints has none either, which must count as equal to none.
    c.create<Service>({ apiVersion: "v1", kind: "Service", metadata: { name: "web" }, spec: { selector: { app: "web" }, ports: [{ port: 80 }] } });
    for (const name of ["web-a", "web-b"]) c.create(pod(name, { app: "web" }));
    const versions = () => [
      c.api.get<Endpoints>("Endpoints", "default", "web")!.metadata.resourceVersion,
      c.api.list<EndpointSlice>("EndpointSlice", "default").find((s) => s.metadata.labels?.["kubernetes.io/service-name"] === "web")!.metadata.resourceVersion,
    ];
    expect(c.runUntil(() => c.api.list<Pod>("Pod", "default").filter(isReady).length === 2, 60_000)).toBe(true);
    c.run(5_000);
    const settled = versions();
    expect(c.api.get<Endpoints>("Endpoints", "default", "web")!.subsets?.[0]?.addresses?.length).toBe(2);
    c.api.mutate<Pod>("Pod", "default", "web-a", (p) => {
      p.metadata.annotations = { note: "not an endpoint change" };
    });
    c.run(5_000);
    expect(versions()).toEqual(settled);
    c.api.delete("Pod", "default", "web-b", { gracePeriodSeconds: 0 });
    c.run(5_000);
    expect(versions()[0]).not.toBe(settled[0]);
    expect(versions()[1]).not.toBe(settled[1]);
    expect(c.api.get<Endpoints>("Endpoints", "default", "web")!.subsets?.[0]?.addresses?.map((a) => a.targetRef?.name)).toEqual(["web-a"]);
  });

  it("a pod event that changes no listed pod still repairs Endpoints and EndpointSlices changed since", () => {
    const c = testCluster({ seed: 3, nodes: 2 });
    c.create<Service>({ apiVersion: "v1", kind: "Service", metadata: { name: "web" }, spec: { selector: { app: "web" }, ports: [{ port: 80 }] } });
    c.create(pod("web-a", { app: "web" }));
    const slice = () => c.api.list<EndpointSlice>("EndpointSlice", "default").find((s) => s.metadata.labels?.["kubernetes.io/service-name"] === "web")!;
    const published = () => [c.api.get<Endpoints>("Endpoints", "default", "web")!.subsets?.[0]?.addresses?.length, slice().endpoints.length];
    expect(c.runUntil(() => c.api.list<Pod>("Pod", "default").filter(isReady).length === 1, 60_000)).toBe(true);
    c.run(5_000);
    expect(published()).toEqual([1, 1]);
    c.api.mutate<Endpoints>("Endpoints", "default", "web", (e) => {
      delete e.subsets;
    });
    c.api.mutate<EndpointSlice>("EndpointSlice", "default", slice().metadata.name!, (s) => {
      s.endpoints = [];
    });
    // The controller does not watch what it writes: the change waits for the service's next sync.
    c.run(5_000);
    expect(published()).toEqual([undefined, 0]);
    // A pod that fits no node never gets an IP, so it is in no sync's input; but the Endpoints
    // and the slice are, and they changed since the last sync.
    const unschedulable = pod("web-b", { app: "web" });
    c.create<Pod>({ ...unschedulable, spec: { ...unschedulable.spec, nodeSelector: { nowhere: "true" } } });
    c.run(1_000);
    expect(published()).toEqual([1, 1]);
  });
});

describe("persistent volume binding", () => {
  function volume(name: string, storage: string, claim?: string): PersistentVolume {
    return {
      apiVersion: "v1",
      kind: "PersistentVolume",
      metadata: { name },
      spec: {
        capacity: { storage },
        accessModes: ["ReadWriteOnce"],
        storageClassName: "manual",
        hostPath: { path: `/data/${name}` },
        ...(claim !== undefined ? { claimRef: { namespace: "default", name: claim } } : {}),
      },
    };
  }

  function claim(name: string): PersistentVolumeClaim {
    return { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name }, spec: { accessModes: ["ReadWriteOnce"], storageClassName: "manual", resources: { requests: { storage: "1Gi" } } } };
  }

  it("binds the smallest free volume, the oldest on a tie, unless one is reserved for the claim", () => {
    const c = testCluster({ seed: 2, nodes: 1 });
    for (const [name, size] of [["big", "2Gi"], ["first", "1Gi"], ["second", "1Gi"]] as const) c.create(volume(name, size));
    c.create(volume("reserved", "1Gi", "wants-reserved"));
    c.create(claim("any"));
    c.create(claim("wants-reserved"));
    c.run(5_000);
    const bound = (name: string) => c.api.get<PersistentVolumeClaim>("PersistentVolumeClaim", "default", name)!.spec.volumeName;
    expect(bound("any")).toBe("first");
    expect(bound("wants-reserved")).toBe("reserved");
    c.create(claim("next"));
    c.run(5_000);
    expect(bound("next")).toBe("second");
  });
});
