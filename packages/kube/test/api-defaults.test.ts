import { describe, expect, it } from "vitest";
import { admitPod, completeServiceAddresses, imageTag, podQOSClass, preserveServiceAllocations, setDefaults } from "../src/api/defaults.js";
import type { DaemonSet, Deployment, KubeObject, Pod, Service, StatefulSet } from "../src/api/types.js";
import { createAdmission } from "../src/api/validation.js";

const template = {
  metadata: { labels: { app: "nginx" } },
  spec: {
    containers: [
      {
        name: "nginx",
        image: "registry.k8s.io/nginx-slim:0.8",
        ports: [{ containerPort: 80, name: "web" }],
        readinessProbe: { httpGet: { port: 80 } },
        volumeMounts: [{ name: "www", mountPath: "/usr/share/nginx/html" }],
      },
    ],
    volumes: [{ name: "cache" }, { name: "cfg", configMap: { name: "c" } }],
  },
};

function statefulSet(spec: Record<string, unknown> = {}): StatefulSet {
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: "web", namespace: "default" },
    spec: { serviceName: "nginx", selector: { matchLabels: { app: "nginx" } }, template, ...spec },
  } as StatefulSet;
}

describe("StatefulSet defaults", () => {
  it("default the update strategy to RollingUpdate with partition 0", () => {
    const spec = setDefaults(statefulSet()).spec;
    expect(spec.updateStrategy).toEqual({ type: "RollingUpdate", rollingUpdate: { partition: 0, maxUnavailable: 1 } });
    expect(spec.podManagementPolicy).toBe("OrderedReady");
    expect(spec.replicas).toBe(1);
    expect(spec.revisionHistoryLimit).toBe(10);
    expect(spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Retain", whenScaled: "Retain" });
  });

  it("leave rollingUpdate unset when `type: RollingUpdate` is written without it", () => {
    expect(setDefaults(statefulSet({ updateStrategy: { type: "RollingUpdate" } })).spec.updateStrategy).toEqual({ type: "RollingUpdate" });
    expect(setDefaults(statefulSet({ updateStrategy: { type: "OnDelete" } })).spec.updateStrategy).toEqual({ type: "OnDelete" });
  });

  it("default the pod template and claim templates but not pod-only fields", () => {
    const sts = setDefaults(statefulSet({ volumeClaimTemplates: [{ metadata: { name: "www" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } }] }));
    const pod = sts.spec.template.spec;
    expect(pod).toMatchObject({ restartPolicy: "Always", terminationGracePeriodSeconds: 30, dnsPolicy: "ClusterFirst", schedulerName: "default-scheduler", securityContext: {} });
    expect(pod.enableServiceLinks).toBeUndefined();
    expect(pod.containers[0]).toMatchObject({ imagePullPolicy: "IfNotPresent", terminationMessagePath: "/dev/termination-log", terminationMessagePolicy: "File" });
    expect(pod.containers[0]!.ports![0]!.protocol).toBe("TCP");
    expect(pod.containers[0]!.readinessProbe).toEqual({ httpGet: { port: 80, path: "/", scheme: "HTTP" }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
    expect(pod.volumes).toEqual([{ name: "cache", emptyDir: {} }, { name: "cfg", configMap: { name: "c", defaultMode: 420 } }]);
    expect(sts.spec.volumeClaimTemplates![0]).toMatchObject({ apiVersion: "v1", kind: "PersistentVolumeClaim", spec: { volumeMode: "Filesystem" }, status: { phase: "Pending" } });
  });

  it("never change the object passed in", () => {
    const input = statefulSet();
    const copy = structuredClone(input);
    setDefaults(input);
    expect(input).toEqual(copy);
  });
});

describe("other kinds", () => {
  it("Deployment: RollingUpdate 25%/25%, 10 revisions, 600s deadline", () => {
    const d = setDefaults({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" }, spec: { template } } as unknown as Deployment);
    expect(d.spec).toMatchObject({
      replicas: 1,
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    });
    const recreate = setDefaults({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" }, spec: { template, strategy: { type: "Recreate" } } } as unknown as Deployment);
    expect(recreate.spec.strategy).toEqual({ type: "Recreate" });
  });

  it("DaemonSet: RollingUpdate with maxUnavailable 1 and maxSurge 0, 10 revisions, the template's pod defaults", () => {
    const ds = (spec: Record<string, unknown> = {}) =>
      setDefaults({ apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "d" }, spec: { template, ...spec } } as unknown as DaemonSet).spec;
    expect(ds()).toMatchObject({ updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }, revisionHistoryLimit: 10 });
    expect(ds().template.spec).toMatchObject({ restartPolicy: "Always", terminationGracePeriodSeconds: 30, dnsPolicy: "ClusterFirst", schedulerName: "default-scheduler" });
    expect(ds().template.spec.enableServiceLinks).toBeUndefined();
    expect(ds({ updateStrategy: { rollingUpdate: { maxSurge: "10%" } } }).updateStrategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: "10%" } });
    expect(ds({ updateStrategy: { type: "OnDelete" } }).updateStrategy).toEqual({ type: "OnDelete" });
    expect(ds({ revisionHistoryLimit: 0 }).revisionHistoryLimit).toBe(0);
  });

  it("DaemonSet: the template generation annotation starts at 1 and counts template changes only", () => {
    const admission = createAdmission({ now: () => "2024-01-01T00:00:00Z" });
    const generation = (o: KubeObject) => o.metadata.annotations?.["deprecated.daemonset.template.generation"];
    const container = { name: "nginx", image: "registry.k8s.io/nginx-slim:0.8" };
    const input = {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { name: "d", namespace: "default" },
      spec: { selector: { matchLabels: { app: "nginx" } }, template: { metadata: template.metadata, spec: { containers: [container] } } },
    } as unknown as DaemonSet;
    const created = admission.admitCreate(input) as DaemonSet;
    expect(generation(created)).toBe("1");
    expect(generation(admission.admitCreate({ ...input, metadata: { ...input.metadata, annotations: { "deprecated.daemonset.template.generation": "4" } } }))).toBe("4");
    // Users cannot set it on update: the stored value wins.
    const sameTemplate = admission.admitUpdate({ ...created, metadata: { ...created.metadata, annotations: {} }, spec: { ...created.spec, minReadySeconds: 5 } }, created);
    expect(generation(sameTemplate)).toBe("1");
    const newImage = { ...input.spec.template, spec: { containers: [{ ...container, image: "registry.k8s.io/nginx-slim:0.9" }] } };
    const newTemplate = admission.admitUpdate({ ...created, spec: { ...created.spec, template: newImage } }, created);
    expect(generation(newTemplate)).toBe("2");
  });

  it("Service: ClusterIP, no affinity, TCP, targetPort = port, Cluster traffic policies", () => {
    const svc = setDefaults({ apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: { ports: [{ port: 3306 }] } } as Service);
    expect(svc.spec).toEqual({ ports: [{ port: 3306, protocol: "TCP", targetPort: 3306 }], sessionAffinity: "None", type: "ClusterIP", internalTrafficPolicy: "Cluster" });
    const lb = setDefaults({ apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: { type: "LoadBalancer", ports: [{ port: 80, targetPort: "http" }] } } as Service);
    expect(lb.spec).toMatchObject({ externalTrafficPolicy: "Cluster", allocateLoadBalancerNodePorts: true, ports: [{ targetPort: "http" }] });
    expect(completeServiceAddresses(svc, "10.96.0.12").spec).toMatchObject({ clusterIP: "10.96.0.12", clusterIPs: ["10.96.0.12"], ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack" });
  });

  it("keep allocated Service fields on update", () => {
    const old = { apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: { type: "NodePort", clusterIP: "10.96.0.5", clusterIPs: ["10.96.0.5"], ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack", ports: [{ name: "http", port: 80, nodePort: 30080 }] } } as Service;
    const next = preserveServiceAllocations({ ...old, spec: { type: "NodePort", ports: [{ name: "http", port: 8080 }] } } as Service, old);
    expect(next.spec).toMatchObject({ clusterIP: "10.96.0.5", clusterIPs: ["10.96.0.5"], ipFamilyPolicy: "SingleStack", ports: [{ nodePort: 30080 }] });
  });

  it("PVC, PV, StorageClass, Secret, Namespace", () => {
    const kinds = (o: Record<string, unknown>) => setDefaults(o as KubeObject) as Record<string, unknown>;
    expect(kinds({ apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: {}, spec: {} })).toMatchObject({ spec: { volumeMode: "Filesystem" }, status: { phase: "Pending" } });
    expect(kinds({ apiVersion: "v1", kind: "PersistentVolume", metadata: {}, spec: {} })).toMatchObject({ spec: { persistentVolumeReclaimPolicy: "Retain", volumeMode: "Filesystem" }, status: { phase: "Pending" } });
    expect(kinds({ apiVersion: "storage.k8s.io/v1", kind: "StorageClass", metadata: {}, provisioner: "p" })).toMatchObject({ reclaimPolicy: "Delete", volumeBindingMode: "Immediate" });
    expect(kinds({ apiVersion: "v1", kind: "Secret", metadata: {} }).type).toBe("Opaque");
    expect(kinds({ apiVersion: "v1", kind: "Namespace", metadata: { name: "ns" } })).toMatchObject({ metadata: { labels: { "kubernetes.io/metadata.name": "ns" } }, status: { phase: "Active" } });
  });

  it("pull policy follows the image tag", () => {
    expect(imageTag("nginx")).toBe("latest");
    expect(imageTag("nginx:latest")).toBe("latest");
    expect(imageTag("localhost:5000/nginx")).toBe("latest");
    expect(imageTag("registry.k8s.io/nginx-slim:0.8")).toBe("0.8");
    expect(imageTag("nginx@sha256:abc")).toBe("");
    const pull = (image: string) =>
      setDefaults({ apiVersion: "v1", kind: "Pod", metadata: {}, spec: { containers: [{ name: "c", image }] } } as Pod).spec.containers[0]!.imagePullPolicy;
    expect([pull("busybox"), pull("busybox:1.28"), pull("mysql:latest")]).toEqual(["Always", "IfNotPresent", "Always"]);
  });
});

describe("pods", () => {
  const pod: Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p", namespace: "default" },
    spec: { containers: [{ name: "c", image: "busybox:1.28", resources: { limits: { cpu: "500m", memory: "1Gi" } } }] },
  };

  it("default requests from limits and service links, on pods only", () => {
    const spec = setDefaults(pod).spec;
    expect(spec.containers[0]!.resources).toEqual({ limits: { cpu: "500m", memory: "1Gi" }, requests: { cpu: "500m", memory: "1Gi" } });
    expect(spec.enableServiceLinks).toBe(true);
    expect(podQOSClass(spec)).toBe("Guaranteed");
  });

  it("go through the ServiceAccount, DefaultTolerationSeconds and Priority plugins", () => {
    const spec = admitPod(setDefaults(pod), { tokenVolumeSuffix: "x7k2p" }).spec;
    expect(spec.serviceAccountName).toBe("default");
    expect(spec.serviceAccount).toBe("default");
    expect(spec.priority).toBe(0);
    expect(spec.preemptionPolicy).toBe("PreemptLowerPriority");
    expect(spec.tolerations).toEqual([
      { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
      { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
    ]);
    expect(spec.volumes![0]!.name).toBe("kube-api-access-x7k2p");
    expect(spec.containers[0]!.volumeMounts).toEqual([{ name: "kube-api-access-x7k2p", readOnly: true, mountPath: "/var/run/secrets/kubernetes.io/serviceaccount" }]);
  });

  it("keep tolerations a pod already has", () => {
    const tolerant = { ...pod, spec: { ...pod.spec, tolerations: [{ operator: "Exists" as const }] } };
    expect(admitPod(tolerant).spec.tolerations).toEqual([{ operator: "Exists" }]);
  });

  it("start Pending with their QoS class when created", () => {
    const admission = createAdmission({ now: () => "2024-01-01T00:00:00Z" });
    const created = admission.admitCreate({ ...pod, status: { phase: "Running" } } as KubeObject) as Pod;
    expect(created.status).toEqual({ phase: "Pending", qosClass: "Guaranteed" });
    expect(podQOSClass({ containers: [{ name: "c" }] })).toBe("BestEffort");
    expect(podQOSClass({ containers: [{ name: "c", resources: { requests: { cpu: "1" } } }] })).toBe("Burstable");
  });
});

describe("Secret conversion", () => {
  it("merges stringData into data, base64 of its UTF-8, and stores no stringData", () => {
    const admission = createAdmission({ now: () => "2024-01-01T00:00:00Z" });
    const secret = { apiVersion: "v1", kind: "Secret", metadata: { name: "s", namespace: "default" }, data: { a: "eA==", b: "eQ==" }, stringData: { b: "über", c: "" } } as KubeObject;
    const stored = admission.admitCreate(secret) as KubeObject & { data?: Record<string, string>; stringData?: unknown };
    expect(stored.data).toEqual({ a: "eA==", b: "w7xiZXI=", c: "" });
    expect(stored.stringData).toBeUndefined();
    expect(stored.type).toBe("Opaque");
  });
});
