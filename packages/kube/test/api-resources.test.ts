import { describe, expect, it } from "vitest";
import {
  RESOURCE_TYPES,
  UnknownResourceError,
  apiVersionOf,
  groupResource,
  kindPrefix,
  resolveResource,
  resolveResourceRef,
  typeForObject,
} from "../src/api/resources.js";

const kinds = (arg: string) => resolveResource(arg).map((t) => `${apiVersionOf(t)}/${t.kind}`);

describe("resource resolution", () => {
  it("accepts plural, singular, short name and kind, in any case", () => {
    for (const arg of ["pods", "pod", "po", "Pod", "PODS"]) expect(kinds(arg)).toEqual(["v1/Pod"]);
    for (const arg of ["statefulsets", "statefulset", "sts", "StatefulSet", "statefulsets.apps", "sts.apps", "statefulsets.v1.apps"]) {
      expect(kinds(arg)).toEqual(["apps/v1/StatefulSet"]);
    }
    expect(kinds("deploy")).toEqual(["apps/v1/Deployment"]);
    for (const arg of ["ds", "daemonset", "DaemonSet.apps"]) expect(kinds(arg)).toEqual(["apps/v1/DaemonSet"]);
    expect(kinds("pvc")).toEqual(["v1/PersistentVolumeClaim"]);
    expect(kinds("sc")).toEqual(["storage.k8s.io/v1/StorageClass"]);
    expect(kinds("pdb")).toEqual(["policy/v1/PodDisruptionBudget"]);
    expect(kinds("endpointslices")).toEqual(["discovery.k8s.io/v1/EndpointSlice"]);
  });

  it("prefers the core group for a name two groups serve, unless the group is given", () => {
    expect(kinds("events")).toEqual(["v1/Event"]);
    expect(kinds("ev")).toEqual(["v1/Event"]);
    expect(kinds("events.events.k8s.io")).toEqual(["events.k8s.io/v1/Event"]);
  });

  it("expands the `all` category in discovery order", () => {
    expect(resolveResource("all").map((t) => t.plural)).toEqual(["pods", "services", "daemonsets", "deployments", "replicasets", "statefulsets", "horizontalpodautoscalers", "cronjobs", "jobs"]);
  });

  it("refuses unknown types with kubectl's message, naming the part before the first dot", () => {
    expect(() => resolveResource("foo")).toThrow(new UnknownResourceError("foo"));
    expect(() => resolveResource("foo")).toThrow(`the server doesn't have a resource type "foo"`);
    expect(() => resolveResource("statefulsets.extensions")).toThrow(`the server doesn't have a resource type "statefulsets"`);
    expect(() => resolveResource("pods.v1")).toThrow(`the server doesn't have a resource type "pods"`);
  });

  it("splits type/name arguments", () => {
    const ref = resolveResourceRef("deployment.apps/wordpress");
    expect(ref.name).toBe("wordpress");
    expect(ref.types.map((t) => t.kind)).toEqual(["Deployment"]);
    expect(resolveResourceRef("sts").name).toBeUndefined();
  });

  it("names resources as API errors and the name printer do", () => {
    const sts = typeForObject("apps/v1", "StatefulSet")!;
    expect(groupResource(sts)).toBe("statefulsets.apps");
    expect(kindPrefix(sts)).toBe("statefulset.apps");
    expect(kindPrefix(typeForObject("v1", "Service")!)).toBe("service");
    expect(typeForObject("v1", "Deployment")).toBeUndefined();
  });

  it("knows which kinds are cluster-scoped", () => {
    const clusterScoped = RESOURCE_TYPES.filter((t) => !t.namespaced).map((t) => t.kind);
    expect(clusterScoped).toEqual(["Namespace", "Node", "PersistentVolume", "APIService", "IngressClass", "ClusterRoleBinding", "ClusterRole", "StorageClass"]);
  });
});
