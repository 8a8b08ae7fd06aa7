import { describe as group, expect, it } from "vitest";
import type { KubeObject } from "../src/api/types.js";
import {
  WatchPrinter,
  apiResourcesTable,
  deletedLine,
  describe,
  formatObjects,
  joinDescriptions,
  nameLine,
  podSummary,
  printGet,
  rolloutHistory,
  rolloutHistoryRevision,
  versionText,
  type ObjectLister,
} from "../src/kubectl/output/index.js";

// ---- fixtures: objects as the API server would hold them ----------------------------------

const T0 = Date.parse("2024-05-01T10:00:00Z");
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString().replace(".000Z", "Z");
type Obj = Record<string, any>;

function pod(name: string, over: { status?: Obj; spec?: Obj; metadata?: Obj } = {}): Obj {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: "default",
      uid: `uid-${name}`,
      creationTimestamp: at(0),
      labels: { app: "nginx" },
      ownerReferences: [{ apiVersion: "apps/v1", kind: "StatefulSet", name: "web", uid: "uid-web", controller: true }],
      ...over.metadata,
    },
    spec: {
      containers: [{ name: "nginx", image: "registry.k8s.io/nginx-slim:0.8", ports: [{ containerPort: 80, name: "web", protocol: "TCP" }] }],
      nodeName: "node-1",
      terminationGracePeriodSeconds: 30,
      ...over.spec,
    },
    status: { phase: "Running", podIP: "10.244.1.5", podIPs: [{ ip: "10.244.1.5" }], ...over.status },
  };
}

const running = (ready: boolean, restartCount = 0, extra: Obj = {}) => ({
  name: "nginx",
  ready,
  restartCount,
  image: "registry.k8s.io/nginx-slim:0.8",
  imageID: "",
  state: { running: { startedAt: at(1) } },
  ...extra,
});

const readyPod = (name: string, createdAt = 0) =>
  pod(name, {
    metadata: { creationTimestamp: at(createdAt) },
    status: { conditions: [{ type: "Ready", status: "True" }], containerStatuses: [running(true)] },
  });

const web: Obj = {
  apiVersion: "apps/v1",
  kind: "StatefulSet",
  metadata: { name: "web", namespace: "default", uid: "uid-web", creationTimestamp: at(0), generation: 1 },
  spec: {
    replicas: 2,
    serviceName: "nginx",
    selector: { matchLabels: { app: "nginx" } },
    template: {
      metadata: { labels: { app: "nginx" } },
      spec: {
        containers: [
          {
            name: "nginx",
            image: "registry.k8s.io/nginx-slim:0.8",
            ports: [{ containerPort: 80, name: "web" }],
            volumeMounts: [{ name: "www", mountPath: "/usr/share/nginx/html" }],
          },
        ],
      },
    },
    volumeClaimTemplates: [{ metadata: { name: "www" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } }],
    updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 0 } },
  },
  status: { replicas: 2, readyReplicas: 1 },
};

const headless: Obj = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "nginx", namespace: "default", labels: { app: "nginx" }, creationTimestamp: at(0) },
  spec: { type: "ClusterIP", clusterIP: "None", clusterIPs: ["None"], ports: [{ name: "web", port: 80, protocol: "TCP", targetPort: 80 }], selector: { app: "nginx" } },
};

function event(name: string, involved: Obj, reason: string, message: string, first: number, last: number, count: number, type = "Normal", component = "kubelet"): Obj {
  return {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name, namespace: involved.namespace },
    involvedObject: involved,
    reason,
    message,
    source: { component },
    firstTimestamp: at(first),
    lastTimestamp: at(last),
    count,
    type,
  };
}

function lister(objects: readonly Obj[]): ObjectLister {
  return {
    list: (kind, namespace) =>
      objects.filter((o) => o.kind === kind && (namespace === undefined || o.metadata.namespace === namespace)) as unknown as KubeObject[],
  };
}

const get = (kind: string, objects: Obj[], now: number, extra: Obj = {}) =>
  printGet([{ kind, namespaced: extra.namespaced ?? true, objects: objects as KubeObject[] }], { namespace: "default", ...extra }, now);

// ---- kubectl get ----------------------------------------------------------------------------

group("pod READY / STATUS / RESTARTS", () => {
  const summary = (p: Obj, now = T0 + 60_000) => podSummary(p as never, now);

  it("follows a StatefulSet pod from Pending to Running and Ready", () => {
    expect(summary(pod("web-0", { status: { phase: "Pending", podIP: undefined, podIPs: undefined } }))).toEqual({ ready: "0/1", status: "Pending", restarts: "0" });
    const creating = { ...running(false), state: { waiting: { reason: "ContainerCreating" } } };
    expect(summary(pod("web-0", { status: { phase: "Pending", containerStatuses: [creating] } })).status).toBe("ContainerCreating");
    expect(summary(pod("web-0", { status: { containerStatuses: [running(false)] } }))).toEqual({ ready: "0/1", status: "Running", restarts: "0" });
    expect(summary(readyPod("web-0"))).toEqual({ ready: "1/1", status: "Running", restarts: "0" });
  });

  it("shows Terminating for a pod being deleted, and Unknown when its node is lost", () => {
    const deleting = { deletionTimestamp: at(90), deletionGracePeriodSeconds: 30 };
    expect(summary(pod("web-0", { metadata: deleting, status: { containerStatuses: [running(true)] } }))).toEqual({ ready: "1/1", status: "Terminating", restarts: "0" });
    expect(summary(pod("web-0", { metadata: deleting, status: { reason: "NodeLost" } })).status).toBe("Unknown");
    expect(summary(pod("job", { metadata: deleting, status: { phase: "Succeeded" } })).status).toBe("Succeeded");
  });

  it("counts restarts with the age of the last termination", () => {
    const crash = running(false, 3, {
      state: { waiting: { reason: "CrashLoopBackOff" } },
      lastState: { terminated: { exitCode: 1, reason: "Error", finishedAt: at(18) } },
    });
    expect(summary(pod("web-0", { status: { containerStatuses: [crash] } }))).toEqual({ ready: "0/1", status: "CrashLoopBackOff", restarts: "3 (42s ago)" });
  });

  it("reports terminated containers by reason, signal or exit code", () => {
    const terminated = (t: Obj) => pod("p", { status: { containerStatuses: [{ ...running(false), state: { terminated: t } }] } });
    expect(summary(terminated({ exitCode: 0, reason: "Completed" })).status).toBe("Completed");
    expect(summary(terminated({ exitCode: 1, reason: "Error" })).status).toBe("Error");
    expect(summary(terminated({ exitCode: 137, signal: 9 })).status).toBe("Signal:9");
    expect(summary(terminated({ exitCode: 2 })).status).toBe("ExitCode:2");
  });

  it("lets the first container's state win and turns Completed back into Running while others run", () => {
    const twoContainers = (first: Obj, second: Obj, ready: boolean) =>
      pod("p", {
        spec: { containers: [{ name: "a" }, { name: "b" }] },
        status: { conditions: [{ type: "Ready", status: ready ? "True" : "False" }], containerStatuses: [first, second] },
      });
    const done = { ...running(false), name: "a", state: { terminated: { exitCode: 0, reason: "Completed" } } };
    const up = { ...running(true), name: "b" };
    expect(summary(twoContainers(done, up, true))).toEqual({ ready: "1/2", status: "Running", restarts: "0" });
    expect(summary(twoContainers(done, up, false)).status).toBe("NotReady");
    const waiting = { ...running(false), name: "a", state: { waiting: { reason: "ImagePullBackOff" } } };
    expect(summary(twoContainers(waiting, up, false)).status).toBe("ImagePullBackOff");
  });

  it("reports init containers first", () => {
    const withInit = (initStatus: Obj, conditions: Obj[] = []) =>
      pod("p", {
        spec: { initContainers: [{ name: "init" }] },
        status: {
          phase: "Pending",
          conditions,
          initContainerStatuses: [{ ...running(false), name: "init", ...initStatus }],
          containerStatuses: [{ ...running(false), state: { waiting: { reason: "PodInitializing" } } }],
        },
      });
    expect(summary(withInit({ state: { running: {} } })).status).toBe("Init:0/1");
    expect(summary(withInit({ state: { waiting: { reason: "CrashLoopBackOff" } }, restartCount: 2 })).status).toBe("Init:CrashLoopBackOff");
    expect(summary(withInit({ state: { terminated: { exitCode: 1, reason: "Error" } } })).status).toBe("Init:Error");
    expect(summary(withInit({ state: { terminated: { exitCode: 0, reason: "Completed" } } }, [{ type: "Initialized", status: "True" }])).status).toBe(
      "PodInitializing",
    );
  });

  it("uses the pod's reason (Evicted) and SchedulingGated", () => {
    expect(summary(pod("p", { status: { phase: "Failed", reason: "Evicted" } })).status).toBe("Evicted");
    expect(summary(pod("p", { status: { phase: "Pending", conditions: [{ type: "PodScheduled", status: "False", reason: "SchedulingGated" }] } })).status).toBe(
      "SchedulingGated",
    );
  });
});

group("kubectl get tables", () => {
  it("prints pods like the tutorial, with ages from the given time", () => {
    const out = get("Pod", [readyPod("web-0", 0), readyPod("web-1", 19)], T0 + 79_000);
    expect(out).toEqual({
      stdout: "NAME    READY   STATUS    RESTARTS   AGE\nweb-0   1/1     Running   0          79s\nweb-1   1/1     Running   0          60s\n",
      stderr: "",
    });
  });

  it("adds IP, NODE, NOMINATED NODE and READINESS GATES with -o wide", () => {
    const out = get("Pod", [readyPod("web-0"), pod("web-1", { spec: { nodeName: undefined }, status: { phase: "Pending", podIP: undefined, podIPs: undefined } })], T0 + 5_000, { wide: true });
    expect(out.stdout).toBe(
      [
        "NAME    READY   STATUS    RESTARTS   AGE   IP           NODE     NOMINATED NODE   READINESS GATES",
        "web-0   1/1     Running   0          5s    10.244.1.5   node-1   <none>           <none>",
        "web-1   0/1     Pending   0          5s    <none>       <none>   <none>           <none>",
        "",
      ].join("\n"),
    );
  });

  it("adds NAMESPACE for -A, label columns for -L and LABELS for --show-labels; --no-headers drops the header", () => {
    const p = readyPod("web-0");
    p.metadata.labels = { app: "nginx", "app.kubernetes.io/name": "web" };
    expect(get("Pod", [p], T0, { allNamespaces: true, labelColumns: ["app.kubernetes.io/name", "tier"], showLabels: true }).stdout).toBe(
      "NAMESPACE   NAME    READY   STATUS    RESTARTS   AGE   NAME   TIER   LABELS\n" +
        "default     web-0   1/1     Running   0          0s    web           app=nginx,app.kubernetes.io/name=web\n",
    );
    expect(get("Pod", [p], T0, { noHeaders: true }).stdout).toBe("web-0   1/1   Running   0     0s\n");
  });

  it("says there is nothing, on stderr, in kubectl's words", () => {
    expect(get("Pod", [], T0)).toEqual({ stdout: "", stderr: "No resources found in default namespace.\n" });
    expect(get("Pod", [], T0, { allNamespaces: true })).toEqual({ stdout: "", stderr: "No resources found\n" });
    expect(get("PersistentVolume", [], T0, { namespaced: false })).toEqual({ stdout: "", stderr: "No resources found\n" });
  });

  it("prints one table per kind with kind/group prefixes and blank lines between, as get all does", () => {
    const out = printGet(
      [
        { kind: "Pod", namespaced: true, objects: [readyPod("web-0"), readyPod("web-1", 19)] as never },
        { kind: "Service", namespaced: true, objects: [headless] as never },
        { kind: "Deployment", namespaced: true, objects: [] },
        { kind: "StatefulSet", namespaced: true, objects: [web] as never },
      ],
      { namespace: "default" },
      T0 + 79_000,
    );
    expect(out.stdout).toBe(
      [
        "NAME        READY   STATUS    RESTARTS   AGE",
        "pod/web-0   1/1     Running   0          79s",
        "pod/web-1   1/1     Running   0          60s",
        "",
        "NAME            TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE",
        "service/nginx   ClusterIP   None         <none>        80/TCP    79s",
        "",
        "NAME                   READY   AGE",
        "statefulset.apps/web   1/2     79s",
        "",
      ].join("\n"),
    );
  });

  it("prints workloads, with containers, images and selectors in wide mode", () => {
    const deploy = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "wordpress", creationTimestamp: at(0) },
      spec: { selector: { matchLabels: { app: "wordpress", tier: "frontend" } }, template: { spec: { containers: [{ name: "wordpress", image: "wordpress:6.2.1-apache" }] } } },
      status: { replicas: 1, readyReplicas: 1, updatedReplicas: 1, availableReplicas: 1 },
    };
    expect(get("Deployment", [deploy], T0 + 240_000, { wide: true }).stdout).toBe(
      "NAME        READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES                   SELECTOR\n" +
        "wordpress   1/1     1            1           4m    wordpress    wordpress:6.2.1-apache   app=wordpress,tier=frontend\n",
    );
    const rs = { ...deploy, kind: "ReplicaSet", metadata: { name: "wordpress-66b6c48dd5", creationTimestamp: at(0) }, spec: { ...deploy.spec, replicas: 1 }, status: { replicas: 1, readyReplicas: 0 } };
    expect(get("ReplicaSet", [rs], T0 + 30_000).stdout).toBe("NAME                   DESIRED   CURRENT   READY   AGE\nwordpress-66b6c48dd5   1         1         0       30s\n");
    expect(get("StatefulSet", [web], T0 + 30_000, { wide: true }).stdout).toBe(
      "NAME   READY   AGE   CONTAINERS   IMAGES\nweb    1/2     30s   nginx        registry.k8s.io/nginx-slim:0.8\n",
    );
  });

  it("prints DaemonSets with their node selector, and containers, images and selector in wide mode", () => {
    const ds = (name: string, nodeSelector: Obj | undefined, status: Obj | undefined) => ({
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { name, namespace: "kube-system", creationTimestamp: at(0) },
      spec: {
        selector: { matchLabels: { "k8s-app": name } },
        template: { metadata: { labels: { "k8s-app": name } }, spec: { nodeSelector, containers: [{ name, image: `registry.k8s.io/${name}:v1.35.0` }] } },
      },
      status,
    });
    const objects = [
      ds("kube-proxy", { "kubernetes.io/os": "linux", "node-role": "worker" }, { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2, numberMisscheduled: 0 }),
      ds("fluentd", undefined, undefined),
    ];
    expect(get("DaemonSet", objects, T0 + 300_000).stdout).toBe(
      [
        "NAME         DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR                             AGE",
        "kube-proxy   3         3         2       3            2           kubernetes.io/os=linux,node-role=worker   5m",
        "fluentd      0         0         0       0            0           <none>                                    5m",
        "",
      ].join("\n"),
    );
    expect(get("DaemonSet", objects.slice(1), T0 + 300_000, { wide: true }).stdout).toBe(
      "NAME      DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR   AGE   CONTAINERS   IMAGES                            SELECTOR\n" +
        "fluentd   0         0         0       0            0           <none>          5m    fluentd      registry.k8s.io/fluentd:v1.35.0   k8s-app=fluentd\n",
    );
  });

  it("prints services of every type", () => {
    const lb = {
      ...headless,
      metadata: { name: "wordpress", creationTimestamp: at(0) },
      spec: { type: "LoadBalancer", clusterIP: "10.0.0.89", clusterIPs: ["10.0.0.89"], ports: [{ port: 80, nodePort: 32406, protocol: "TCP" }], selector: { app: "wordpress", tier: "frontend" } },
    };
    const zk = { ...headless, metadata: { name: "zk-cs", creationTimestamp: at(0) }, spec: { type: "ClusterIP", clusterIPs: ["10.96.12.4"], ports: [{ port: 2181 }] } };
    const hs = { ...headless, metadata: { name: "zk-hs", creationTimestamp: at(0) }, spec: { clusterIPs: ["None"], ports: [{ port: 2888 }, { port: 3888 }] } };
    expect(get("Service", [lb, zk, hs], T0 + 240_000, { wide: true }).stdout).toBe(
      [
        "NAME        TYPE           CLUSTER-IP   EXTERNAL-IP   PORT(S)             AGE   SELECTOR",
        "wordpress   LoadBalancer   10.0.0.89    <pending>     80:32406/TCP        4m    app=wordpress,tier=frontend",
        "zk-cs       ClusterIP      10.96.12.4   <none>        2181/TCP            4m    <none>",
        "zk-hs       ClusterIP      None         <none>        2888/TCP,3888/TCP   4m    <none>",
        "",
      ].join("\n"),
    );
  });

  it("prints endpoints and endpoint slices, eliding past three addresses", () => {
    const ep = {
      apiVersion: "v1",
      kind: "Endpoints",
      metadata: { name: "cassandra", creationTimestamp: at(0) },
      subsets: [{ addresses: ["10.244.1.2", "10.244.2.2", "10.244.3.2", "10.244.1.3"].map((ip) => ({ ip })), ports: [{ port: 9042 }] }],
    };
    const empty = { ...ep, metadata: { name: "nothing", creationTimestamp: at(0) }, subsets: undefined };
    expect(get("Endpoints", [ep, empty], T0 + 45_000).stdout).toBe(
      "NAME        ENDPOINTS                                                     AGE\n" +
        "cassandra   10.244.1.2:9042,10.244.2.2:9042,10.244.3.2:9042 + 1 more...   45s\n" +
        "nothing     <none>                                                        45s\n",
    );
    const slice = {
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: { name: "nginx-x7k2p", creationTimestamp: at(0) },
      addressType: "IPv4",
      ports: [{ name: "web", port: 80 }],
      endpoints: [{ addresses: ["10.244.1.5"] }, { addresses: ["10.244.2.6"] }],
    };
    expect(get("EndpointSlice", [slice], T0 + 45_000).stdout).toBe(
      "NAME          ADDRESSTYPE   PORTS   ENDPOINTS               AGE\nnginx-x7k2p   IPv4          80      10.244.1.5,10.244.2.6   45s\n",
    );
  });

  it("prints claims, volumes and the default storage class", () => {
    const claim = (name: string, bound: boolean) => ({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name, namespace: "default", creationTimestamp: at(0) },
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } }, storageClassName: "standard", ...(bound ? { volumeName: `pvc-${name}` } : {}) },
      status: bound ? { phase: "Bound", accessModes: ["ReadWriteOnce"], capacity: { storage: "1Gi" } } : { phase: "Pending" },
    });
    expect(get("PersistentVolumeClaim", [claim("www-web-0", true), claim("www-web-1", false)], T0 + 25 * 60_000).stdout).toBe(
      [
        "NAME        STATUS    VOLUME          CAPACITY   ACCESS MODES   STORAGECLASS   VOLUMEATTRIBUTESCLASS   AGE",
        "www-web-0   Bound     pvc-www-web-0   1Gi        RWO            standard       <unset>                 25m",
        "www-web-1   Pending                                             standard       <unset>                 25m",
        "",
      ].join("\n"),
    );
    const pv = {
      apiVersion: "v1",
      kind: "PersistentVolume",
      metadata: { name: "pvc-www-web-0", creationTimestamp: at(0) },
      spec: { capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"], persistentVolumeReclaimPolicy: "Delete", storageClassName: "standard", claimRef: { namespace: "default", name: "www-web-0" } },
      status: { phase: "Bound" },
    };
    expect(get("PersistentVolume", [pv], T0 + 15 * 60_000, { namespaced: false }).stdout).toBe(
      "NAME            CAPACITY   ACCESS MODES   RECLAIM POLICY   STATUS   CLAIM               STORAGECLASS   VOLUMEATTRIBUTESCLASS   REASON   AGE\n" +
        "pvc-www-web-0   1Gi        RWO            Delete           Bound    default/www-web-0   standard       <unset>                          15m\n",
    );
    const sc = {
      apiVersion: "storage.k8s.io/v1",
      kind: "StorageClass",
      metadata: { name: "standard", annotations: { "storageclass.kubernetes.io/is-default-class": "true" }, creationTimestamp: at(0) },
      provisioner: "k8s.io/minikube-hostpath",
    };
    expect(get("StorageClass", [sc], T0 + 3 * 86_400_000, { namespaced: false }).stdout).toBe(
      "NAME                 PROVISIONER                RECLAIMPOLICY   VOLUMEBINDINGMODE   ALLOWVOLUMEEXPANSION   AGE\n" +
        "standard (default)   k8s.io/minikube-hostpath   Delete          Immediate           false                  3d\n",
    );
  });

  it("prints nodes with roles, cordoning and versions", () => {
    const node = (name: string, ready: boolean, unschedulable: boolean, labels: Obj = {}) => ({
      apiVersion: "v1",
      kind: "Node",
      metadata: { name, labels, creationTimestamp: at(0) },
      spec: { unschedulable },
      status: {
        conditions: [{ type: "Ready", status: ready ? "True" : "False" }],
        addresses: [{ type: "InternalIP", address: "10.0.0.2" }],
        nodeInfo: { kubeletVersion: "v1.31.0", osImage: "Debian GNU/Linux 12 (bookworm)", kernelVersion: "6.1.0", containerRuntimeVersion: "containerd://1.7.18" },
      },
    });
    const nodes = [node("control-plane", true, false, { "node-role.kubernetes.io/control-plane": "" }), node("node-1", true, true), node("node-2", false, false)];
    expect(get("Node", nodes, T0 + 86_400_000, { namespaced: false }).stdout).toBe(
      [
        "NAME            STATUS                     ROLES           AGE   VERSION",
        "control-plane   Ready                      control-plane   24h   v1.31.0",
        "node-1          Ready,SchedulingDisabled   <none>          24h   v1.31.0",
        "node-2          NotReady                   <none>          24h   v1.31.0",
        "",
      ].join("\n"),
    );
    expect(get("Node", [nodes[1]!], T0, { namespaced: false, wide: true }).stdout).toBe(
      "NAME     STATUS                     ROLES    AGE   VERSION   INTERNAL-IP   EXTERNAL-IP   OS-IMAGE                         KERNEL-VERSION   CONTAINER-RUNTIME\n" +
        "node-1   Ready,SchedulingDisabled   <none>   0s    v1.31.0   10.0.0.2      <none>        Debian GNU/Linux 12 (bookworm)   6.1.0            containerd://1.7.18\n",
    );
  });

  it("prints namespaces, budgets, secrets, config maps and controller revisions", () => {
    const ns = { apiVersion: "v1", kind: "Namespace", metadata: { name: "default", creationTimestamp: at(0) }, status: { phase: "Active" } };
    expect(get("Namespace", [ns], T0 + 90_000, { namespaced: false }).stdout).toBe("NAME      STATUS   AGE\ndefault   Active   90s\n");
    const pdb = {
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata: { name: "zk-pdb", creationTimestamp: at(0) },
      spec: { maxUnavailable: 1, selector: { matchLabels: { app: "zk" } } },
      status: { disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3 },
    };
    expect(get("PodDisruptionBudget", [pdb], T0 + 90_000).stdout).toBe(
      "NAME     MIN AVAILABLE   MAX UNAVAILABLE   ALLOWED DISRUPTIONS   AGE\nzk-pdb   N/A             1                 1                     90s\n",
    );
    const secret = { apiVersion: "v1", kind: "Secret", metadata: { name: "mysql-pass-5m26tmdb5k", creationTimestamp: at(0) }, type: "Opaque", data: { password: "cGFzc3dvcmQ=" } };
    expect(get("Secret", [secret], T0 + 9_000).stdout).toBe("NAME                    TYPE     DATA   AGE\nmysql-pass-5m26tmdb5k   Opaque   1      9s\n");
    const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "kube-root-ca.crt", creationTimestamp: at(0) }, data: { "ca.crt": "x" } };
    expect(get("ConfigMap", [cm], T0 + 9_000).stdout).toBe("NAME               DATA   AGE\nkube-root-ca.crt   1      9s\n");
    const cr = {
      apiVersion: "apps/v1",
      kind: "ControllerRevision",
      metadata: { name: "web-7c9d5b4f86", creationTimestamp: at(0), ownerReferences: [{ apiVersion: "apps/v1", kind: "StatefulSet", name: "web", uid: "uid-web", controller: true }] },
      revision: 1,
    };
    expect(get("ControllerRevision", [cr], T0 + 9_000).stdout).toBe("NAME             CONTROLLER             REVISION   AGE\nweb-7c9d5b4f86   statefulset.apps/web   1          9s\n");
  });

  it("prints events with the involved object as kind/name and a count in wide mode", () => {
    const e1 = event("web-0.17c1", { kind: "Pod", name: "web-0", namespace: "default" }, "Scheduled", "Successfully assigned default/web-0 to node-1", 0, 0, 1, "Normal", "default-scheduler");
    const e2 = event("zk-1.17c2", { kind: "Pod", name: "zk-1", namespace: "default" }, "BackOff", "Back-off restarting failed container", 10, 100, 4, "Warning");
    expect(get("Event", [e1, e2], T0 + 120_000).stdout).toBe(
      [
        "LAST SEEN   TYPE      REASON      OBJECT      MESSAGE",
        "2m          Normal    Scheduled   pod/web-0   Successfully assigned default/web-0 to node-1",
        "20s         Warning   BackOff     pod/zk-1    Back-off restarting failed container",
        "",
      ].join("\n"),
    );
    expect(get("Event", [e2], T0 + 120_000, { wide: true }).stdout).toBe(
      "LAST SEEN   TYPE      REASON    OBJECT     SUBOBJECT   SOURCE    MESSAGE                                FIRST SEEN   COUNT   NAME\n" +
        "20s         Warning   BackOff   pod/zk-1               kubelet   Back-off restarting failed container   110s         4       zk-1.17c2\n",
    );
  });
});

group("kubectl get --watch", () => {
  it("prints the header once, with the first row, and keeps widths from growing back", () => {
    const w = new WatchPrinter("Pod", {});
    expect(w.print([], T0)).toBe("");
    const pending = pod("web-0", { metadata: { creationTimestamp: at(0) }, status: { phase: "Pending", podIPs: undefined, podIP: undefined } });
    expect(w.print([pending] as never, T0)).toBe("NAME    READY   STATUS    RESTARTS   AGE\nweb-0   0/1     Pending   0          0s\n");
    const creating = pod("web-0", { status: { phase: "Pending", containerStatuses: [{ ...running(false), state: { waiting: { reason: "ContainerCreating" } } }] } });
    expect(w.print([creating] as never, T0, "MODIFIED")).toBe("web-0   0/1     ContainerCreating   0          0s\n");
    expect(w.print([readyPod("web-0")] as never, T0 + 19_000, "MODIFIED")).toBe("web-0   1/1     Running             0          19s\n");
  });

  it("adds the EVENT column with --output-watch-events", () => {
    const w = new WatchPrinter("Pod", { outputWatchEvents: true });
    expect(w.print([readyPod("web-0")] as never, T0)).toBe("EVENT      NAME    READY   STATUS    RESTARTS   AGE\nADDED      web-0   1/1     Running   0          0s\n");
    expect(w.print([readyPod("web-0")] as never, T0, "DELETED")).toBe("DELETED    web-0   1/1     Running   0          0s\n");
  });
});

// ---- output formats ---------------------------------------------------------------------------

group("kubectl -o name / json / yaml", () => {
  it("prints kind.group/name", () => {
    expect(formatObjects([web, readyPod("web-0")] as never, { output: "name", singleItem: false }).stdout).toBe("statefulset.apps/web\npod/web-0\n");
  });

  it("prints one named object bare and everything else as a List", () => {
    const svc = { apiVersion: "v1", kind: "Service", metadata: { name: "nginx" } };
    expect(formatObjects([svc] as never, { output: "json", singleItem: true }).stdout).toBe(
      '{\n    "apiVersion": "v1",\n    "kind": "Service",\n    "metadata": {\n        "name": "nginx"\n    }\n}\n',
    );
    expect(formatObjects([svc] as never, { output: "yaml", singleItem: false }).stdout).toBe(
      'apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: nginx\nkind: List\nmetadata:\n  resourceVersion: ""\n',
    );
    expect(formatObjects([], { output: "yaml", singleItem: false }).stdout).toBe('apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: ""\n');
  });

  it("prints a StatefulSet as kubectl -o yaml does", () => {
    const zk = {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: {
        name: "zk",
        namespace: "default",
        uid: "0c1e5a5b-2b0e-4c5e-9a40-7d4f2e3c1b10",
        resourceVersion: "1234",
        generation: 1,
        creationTimestamp: "2024-05-01T10:00:00Z",
        annotations: { "kubectl.kubernetes.io/last-applied-configuration": '{"apiVersion":"apps/v1","kind":"StatefulSet"}\n' },
      },
      spec: {
        replicas: 3,
        serviceName: "zk-hs",
        podManagementPolicy: "OrderedReady",
        revisionHistoryLimit: 10,
        selector: { matchLabels: { app: "zk" } },
        updateStrategy: { type: "RollingUpdate" },
        template: {
          metadata: { labels: { app: "zk" } },
          spec: {
            containers: [
              {
                name: "kubernetes-zookeeper",
                image: "registry.k8s.io/kubernetes-zookeeper:1.0-3.4.10",
                imagePullPolicy: "Always",
                command: [
                  "sh",
                  "-c",
                  "start-zookeeper --servers=3 --data_dir=/var/lib/zookeeper/data --data_log_dir=/var/lib/zookeeper/data/log --conf_dir=/opt/zookeeper/conf --client_port=2181 --election_port=3888 --server_port=2888",
                ],
                ports: [
                  { containerPort: 2181, name: "client", protocol: "TCP" },
                  { containerPort: 2888, name: "server", protocol: "TCP" },
                ],
                resources: { requests: { cpu: "500m", memory: "1Gi" } },
                readinessProbe: { exec: { command: ["sh", "-c", "zookeeper-ready 2181"] }, initialDelaySeconds: 10, timeoutSeconds: 5 },
                volumeMounts: [{ name: "datadir", mountPath: "/var/lib/zookeeper" }],
              },
            ],
            securityContext: { runAsUser: 1000, fsGroup: 1000 },
            terminationGracePeriodSeconds: 30,
          },
        },
        volumeClaimTemplates: [{ metadata: { name: "datadir" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "10Gi" } } } }],
      },
      status: { replicas: 3, readyReplicas: 3, currentRevision: "zk-5db4499664", updateRevision: "zk-5db4499664", observedGeneration: 1 },
    };
    expect(formatObjects([zk] as never, { output: "yaml", singleItem: true }).stdout).toBe(`apiVersion: apps/v1
kind: StatefulSet
metadata:
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: |
      {"apiVersion":"apps/v1","kind":"StatefulSet"}
  creationTimestamp: "2024-05-01T10:00:00Z"
  generation: 1
  name: zk
  namespace: default
  resourceVersion: "1234"
  uid: 0c1e5a5b-2b0e-4c5e-9a40-7d4f2e3c1b10
spec:
  podManagementPolicy: OrderedReady
  replicas: 3
  revisionHistoryLimit: 10
  selector:
    matchLabels:
      app: zk
  serviceName: zk-hs
  template:
    metadata:
      labels:
        app: zk
    spec:
      containers:
      - command:
        - sh
        - -c
        - start-zookeeper --servers=3 --data_dir=/var/lib/zookeeper/data --data_log_dir=/var/lib/zookeeper/data/log
          --conf_dir=/opt/zookeeper/conf --client_port=2181 --election_port=3888 --server_port=2888
        image: registry.k8s.io/kubernetes-zookeeper:1.0-3.4.10
        imagePullPolicy: Always
        name: kubernetes-zookeeper
        ports:
        - containerPort: 2181
          name: client
          protocol: TCP
        - containerPort: 2888
          name: server
          protocol: TCP
        readinessProbe:
          exec:
            command:
            - sh
            - -c
            - zookeeper-ready 2181
          initialDelaySeconds: 10
          timeoutSeconds: 5
        resources:
          requests:
            cpu: 500m
            memory: 1Gi
        volumeMounts:
        - mountPath: /var/lib/zookeeper
          name: datadir
      securityContext:
        fsGroup: 1000
        runAsUser: 1000
      terminationGracePeriodSeconds: 30
  updateStrategy:
    type: RollingUpdate
  volumeClaimTemplates:
  - metadata:
      name: datadir
    spec:
      accessModes:
      - ReadWriteOnce
      resources:
        requests:
          storage: 10Gi
status:
  currentRevision: zk-5db4499664
  observedGeneration: 1
  readyReplicas: 3
  replicas: 3
  updateRevision: zk-5db4499664
`);
  });

  it("rejects an unknown format with kubectl's list of formats: get's, or the common ones", () => {
    expect(formatObjects([web] as never, { output: "xml", singleItem: true, getPrinters: true }).error).toBe(
      'unable to match a printer suitable for the output format "xml", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml',
    );
    // What kubectl 1.32's create says to -o custom-columns=… (and to wide).
    expect(formatObjects([web] as never, { output: "custom-columns=N:.metadata.name", singleItem: true }).error).toBe(
      'unable to match a printer suitable for the output format "custom-columns=N:.metadata.name", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml',
    );
  });
});

group("kubectl -o jsonpath", () => {
  const cassandra = pod("cassandra-0", { spec: { terminationGracePeriodSeconds: 1800, containers: [{ name: "cassandra", image: "gcr.io/google-samples/cassandra:v13", ports: [{ containerPort: 7000, name: "intra-node" }, { containerPort: 9042, name: "cql" }] }] } });
  const jsonpath = (template: string, objects: Obj[] = [cassandra], singleItem = true, allowMissingTemplateKeys?: boolean) =>
    formatObjects(objects as never, { output: `jsonpath=${template}`, singleItem, allowMissingTemplateKeys });

  it("prints the tutorial's grace period, with no newline", () => {
    expect(jsonpath("{.spec.terminationGracePeriodSeconds}")).toEqual({ stdout: "1800" });
  });

  it("ranges over items, prints literals, slices, filters and joins several results with spaces", () => {
    const list = [readyPod("web-0"), readyPod("web-1")];
    expect(jsonpath('{range .items[*]}{.metadata.name}{"\\t"}{.status.podIP}{"\\n"}{end}', list, false).stdout).toBe("web-0\t10.244.1.5\nweb-1\t10.244.1.5\n");
    expect(jsonpath("{.items[*].metadata.name}", list, false).stdout).toBe("web-0 web-1");
    expect(jsonpath("{.items[-1:].metadata.name}", list, false).stdout).toBe("web-1");
    expect(jsonpath('{.spec.containers[0].ports[?(@.name=="cql")].containerPort}').stdout).toBe("9042");
    expect(jsonpath("{.spec.containers[0].ports[?(@.containerPort>7000)].name}").stdout).toBe("cql");
    expect(jsonpath("{..containerPort}").stdout).toBe("7000 9042");
    expect(jsonpath("{.metadata.labels}").stdout).toBe('{"app":"nginx"}');
    expect(jsonpath("name: {.metadata.name}").stdout).toBe("name: cassandra-0");
  });

  it("prints nothing for a missing key unless --allow-missing-template-keys=false", () => {
    expect(jsonpath("{.spec.missing}")).toEqual({ stdout: "" });
    const error = jsonpath("{.x}", [{ kind: "Pod", metadata: { name: "a" } }], true, false).error;
    expect(error).toBe(
      'error executing jsonpath "{.x}": Error executing template: x is not found. Printing more information for debugging the template:\n' +
        '\ttemplate was:\n\t\t{.x}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{"kind":"Pod", "metadata":map[string]interface {}{"name":"a"}}\n\n\n',
    );
  });

  it("reports bad indexes and bad templates in client-go's words", () => {
    expect(jsonpath("{.items[0].metadata.name}", [], false).error).toMatch(/^error executing jsonpath "\{\.items\[0\]\.metadata\.name\}": Error executing template: array index out of bounds: index 0, length 0\. /);
    expect(jsonpath("{.metadata.name").error).toBe("error parsing jsonpath {.metadata.name, unclosed action");
    expect(jsonpath("{end}").error).toMatch(/Error executing template: not in range, nothing to end\./);
  });

  it("prints custom columns, with <none> for missing values", () => {
    const out = formatObjects([readyPod("web-0"), pod("web-1", { spec: { nodeName: undefined } })] as never, {
      output: "custom-columns=NAME:.metadata.name,NODE:.spec.nodeName,IMAGES:.spec.containers[*].image",
      singleItem: false,
      getPrinters: true,
    });
    expect(out.stdout).toBe("NAME    NODE     IMAGES\nweb-0   node-1   registry.k8s.io/nginx-slim:0.8\nweb-1   <none>   registry.k8s.io/nginx-slim:0.8\n");
  });
});

group("kubectl -o go-template / --template", () => {
  const template = (tpl: string, objects: Obj[] = [readyPod("web-0")], singleItem = true) => formatObjects(objects as never, { output: "", template: tpl, singleItem });

  it("runs the tutorial's templates", () => {
    const twoContainers = pod("web-0", { spec: { containers: [{ name: "a", image: "registry.k8s.io/nginx-slim:0.7" }, { name: "b", image: "busybox" }] } });
    expect(template("{{range $i, $c := .spec.containers}}{{$c.image}}{{end}}", [twoContainers])).toEqual({ stdout: "registry.k8s.io/nginx-slim:0.7busybox" });
    expect(template("{{.spec.nodeName}}")).toEqual({ stdout: "node-1" });
  });

  it("sees whole numbers as int64 and others as float64, and missing keys as <no value>", () => {
    expect(template("{{.spec.terminationGracePeriodSeconds}} {{.status.missing}} {{len .spec.containers}}")).toEqual({ stdout: "30 <no value> 1" });
    // What kubectl 1.32 printed for a Deployment of a million replicas.
    const big = (t: string) => formatObjects([{ kind: "X", metadata: {}, spec: { big: 1000000, half: 0.5 } }] as never, { output: `go-template=${t}`, singleItem: true });
    expect(big('{{.spec.big}} {{printf "%T %d" .spec.big .spec.big}} {{gt .spec.big 2}} {{.spec.half}} {{printf "%T" .spec.half}}').stdout).toBe("1000000 int64 1000000 true 0.5 float64");
    expect(big("{{gt .spec.big 2.0}}").error).toMatch(/error calling gt: incompatible types for comparison$/);
  });

  it("supports conditions, pipelines, printf and trimming over a list", () => {
    const list = [readyPod("web-0"), pod("web-1", { spec: { nodeName: "node-2" } })];
    const tpl = '{{- range .items}}{{.metadata.name}}{{if eq .spec.nodeName "node-1"}} first{{else}} other{{end}}{{"\\n"}}{{- end}}';
    expect(template(tpl, list, false).stdout).toBe("web-0 first\nweb-1 other\n");
    expect(template('{{printf "%s=%q" .metadata.name .spec.nodeName}} {{.metadata.labels.app | printf "%s!"}}').stdout).toBe('web-0="node-1" nginx!');
  });

  it("reports errors like kubectl: details on stdout, the error on stderr", () => {
    // A field chain is placed at its second field, as text/template's parser places it (kubectl 1.32: `{{.metadata.creationTimestamp.y}}` fails at 1:11).
    const out = formatObjects([{ apiVersion: "v1", kind: "Pod", metadata: { name: "a" }, spec: { x: null } }] as never, { output: "go-template={{.spec.x.y}}", singleItem: true });
    expect(out.error).toBe('error executing template "{{.spec.x.y}}": template: output:1:7: executing "output" at <.spec.x.y>: nil pointer evaluating interface {}.y');
    expect(out.stdout).toBe(
      'Error executing template: template: output:1:7: executing "output" at <.spec.x.y>: nil pointer evaluating interface {}.y. Printing more information for debugging the template:\n' +
        '\ttemplate was:\n\t\t{{.spec.x.y}}\n\traw data was:\n\t\t{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"},"spec":{"x":null}}\n' +
        "\tobject given to template engine was:\n\t\tmap[apiVersion:v1 kind:Pod metadata:map[name:a] spec:map[x:<nil>]]\n\n",
    );
    expect(template("{{nosuch .x}}").error).toBe('error parsing template {{nosuch .x}}, template: output:1: function "nosuch" not defined');
    expect(template("{{if eq .spec.terminationGracePeriodSeconds 30}}x{{end}}").stdout).toBe("x");
    expect(template("{{if eq .spec.terminationGracePeriodSeconds 30.0}}x{{end}}").error).toMatch(/error calling eq: incompatible types for comparison$/);
  });
});

// ---- kubectl describe ---------------------------------------------------------------------------

group("kubectl describe", () => {
  const web0 = () => {
    const p = readyPod("web-0");
    p.metadata.labels = { app: "nginx", "controller-revision-hash": "web-7c9d5b4f86", "statefulset.kubernetes.io/pod-name": "web-0" };
    p.spec = {
      ...p.spec,
      containers: [{ ...p.spec.containers[0], volumeMounts: [{ name: "www", mountPath: "/usr/share/nginx/html" }] }],
      volumes: [{ name: "www", persistentVolumeClaim: { claimName: "www-web-0" } }],
      serviceAccountName: "default",
      priority: 0,
      tolerations: [
        { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
        { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
      ],
    };
    p.status = {
      ...p.status,
      hostIP: "10.0.0.2",
      startTime: at(0),
      conditions: [
        { type: "Initialized", status: "True" },
        { type: "Ready", status: "True" },
        { type: "PodScheduled", status: "True" },
      ],
      containerStatuses: [{ ...running(true), containerID: "containerd://4f1c", imageID: "registry.k8s.io/nginx-slim@sha256:7c3e" }],
    };
    return p;
  };
  const podEvents = [
    event("web-0.1", { kind: "Pod", name: "web-0", namespace: "default", uid: "uid-web-0" }, "Scheduled", "Successfully assigned default/web-0 to node-1", 0, 0, 1, "Normal", "default-scheduler"),
    event("web-0.2", { kind: "Pod", name: "web-0", namespace: "default", uid: "uid-web-0" }, "Pulled", 'Container image "registry.k8s.io/nginx-slim:0.8" already present on machine', 1, 240, 3),
    event("web-0.old", { kind: "Pod", name: "web-0", namespace: "default", uid: "uid-of-an-earlier-web-0" }, "Killing", "Stopping container nginx", 0, 0, 1),
  ];

  it("describes a pod: aligned blocks, containers, conditions with trailing spaces, volumes, events", () => {
    expect(describe(web0() as never, lister(podEvents), { now: T0 + 300_000 })).toBe(`Name:             web-0
Namespace:        default
Priority:         0
Service Account:  default
Node:             node-1/10.0.0.2
Start Time:       Wed, 01 May 2024 10:00:00 +0000
Labels:           app=nginx
                  controller-revision-hash=web-7c9d5b4f86
                  statefulset.kubernetes.io/pod-name=web-0
Annotations:      <none>
Status:           Running
IP:               10.244.1.5
IPs:
  IP:           10.244.1.5
Controlled By:  StatefulSet/web
Containers:
  nginx:
    Container ID:   containerd://4f1c
    Image:          registry.k8s.io/nginx-slim:0.8
    Image ID:       registry.k8s.io/nginx-slim@sha256:7c3e
    Port:           80/TCP
    Host Port:      0/TCP
    State:          Running
      Started:      Wed, 01 May 2024 10:00:01 +0000
    Ready:          True
    Restart Count:  0
    Environment:    <none>
    Mounts:
      /usr/share/nginx/html from www (rw)
Conditions:
  Type           Status
  Initialized    True 
  Ready          True 
  PodScheduled   True 
Volumes:
  www:
    Type:        PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)
    ClaimName:   www-web-0
    ReadOnly:    false
QoS Class:       BestEffort
Node-Selectors:  <none>
Tolerations:     node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                 node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
Events:
  Type    Reason     Age                  From               Message
  ----    ------     ----                 ----               -------
  Normal  Scheduled  5m                   default-scheduler  Successfully assigned default/web-0 to node-1
  Normal  Pulled     60s (x3 over 4m59s)  kubelet            Container image "registry.k8s.io/nginx-slim:0.8" already present on machine
`);
  });

  it("shows a terminating pod's grace period, a crashed container's last state, probes and env", () => {
    const p = web0();
    p.metadata.deletionTimestamp = at(60);
    p.metadata.deletionGracePeriodSeconds = 30;
    p.spec.containers[0] = {
      ...p.spec.containers[0],
      env: [
        { name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
        { name: "MYSQL_ROOT_PASSWORD", valueFrom: { secretKeyRef: { name: "mysql-pass", key: "password" } } },
        { name: "MAX_HEAP_SIZE", value: "512M" },
      ],
      readinessProbe: { exec: { command: ["/bin/bash", "-c", "/ready-probe.sh"] }, initialDelaySeconds: 15, timeoutSeconds: 5 },
      resources: { limits: { cpu: "500m", memory: "1Gi" }, requests: { cpu: "0.5", memory: "1Gi" } },
    };
    p.status.containerStatuses = [
      {
        ...running(false, 2),
        containerID: "containerd://4f1c",
        lastState: { terminated: { exitCode: 137, reason: "Error", startedAt: at(10), finishedAt: at(40) } },
      },
    ];
    const text = describe(p as never, lister([]), { now: T0 + 90_000, showEvents: false });
    expect(text).toContain("Status:                    Terminating (lasts 30s)\nTermination Grace Period:  30s\n");
    expect(text).toContain(
      [
        "    Last State:     Terminated",
        "      Reason:       Error",
        "      Exit Code:    137",
        "      Started:      Wed, 01 May 2024 10:00:10 +0000",
        "      Finished:     Wed, 01 May 2024 10:00:40 +0000",
        "    Ready:          False",
        "    Restart Count:  2",
        "    Limits:",
        "      cpu:     500m",
        "      memory:  1Gi",
        "    Requests:",
        "      cpu:      500m",
        "      memory:   1Gi",
        "    Readiness:  exec [/bin/bash -c /ready-probe.sh] delay=15s timeout=5s period=10s #success=1 #failure=3",
        "    Environment:",
        "      POD_IP:               10.244.1.5 (v1:status.podIP)",
        "      MYSQL_ROOT_PASSWORD:  <set to the key 'password' in secret 'mysql-pass'>  Optional: false",
        "      MAX_HEAP_SIZE:        512M",
      ].join("\n"),
    );
    expect(text).toContain("QoS Class:       Guaranteed\n");
    expect(text).not.toContain("Events:");
  });

  it("describes a StatefulSet with its pod template and claim templates", () => {
    const pods = [readyPod("web-0"), readyPod("web-1"), pod("other", { metadata: { ownerReferences: [] } })];
    expect(describe(web as never, lister(pods), { now: T0 })).toBe(`Name:               web
Namespace:          default
CreationTimestamp:  Wed, 01 May 2024 10:00:00 +0000
Selector:           app=nginx
Labels:             <none>
Annotations:        <none>
Replicas:           2 desired | 2 total
Update Strategy:    RollingUpdate
  Partition:        0
Pods Status:        2 Running / 0 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  app=nginx
  Containers:
   nginx:
    Image:        registry.k8s.io/nginx-slim:0.8
    Port:         80/TCP
    Host Port:    0/TCP
    Environment:  <none>
    Mounts:
      /usr/share/nginx/html from www (rw)
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Volume Claims:
  Name:          www
  StorageClass:  
  Labels:        <none>
  Annotations:   <none>
  Capacity:      1Gi
  Access Modes:  [ReadWriteOnce]
Events:          <none>
`);
  });

  it("describes a Service with endpoints from its EndpointSlices", () => {
    const svc = { ...headless, spec: { ...headless.spec, ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack", sessionAffinity: "None", internalTrafficPolicy: "Cluster" } };
    const slice = {
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: { name: "nginx-x7k2p", namespace: "default", labels: { "kubernetes.io/service-name": "nginx" } },
      addressType: "IPv4",
      ports: [{ name: "web", port: 80, protocol: "TCP" }],
      endpoints: [{ addresses: ["10.244.1.5"], conditions: { ready: true } }, { addresses: ["10.244.2.6"], conditions: { ready: false } }],
    };
    expect(describe(svc as never, lister([slice]), { now: T0 })).toBe(`Name:                     nginx
Namespace:                default
Labels:                   app=nginx
Annotations:              <none>
Selector:                 app=nginx
Type:                     ClusterIP
IP Family Policy:         SingleStack
IP Families:              IPv4
IP:                       None
IPs:                      None
Port:                     web  80/TCP
TargetPort:               80/TCP
Endpoints:                10.244.1.5:80
Session Affinity:         None
Internal Traffic Policy:  Cluster
Events:                   <none>
`);
  });

  it("describes a node with its lease, conditions, capacity and the pods it runs", () => {
    const node = {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: "node-1", uid: "uid-node-1", creationTimestamp: at(0), labels: { "kubernetes.io/hostname": "node-1" } },
      spec: { podCIDR: "10.244.1.0/24", unschedulable: true, taints: [{ key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" }] },
      status: {
        capacity: { cpu: "2", memory: "4Gi", pods: "110" },
        allocatable: { cpu: "2", memory: "4Gi", pods: "110" },
        conditions: [{ type: "Ready", status: "True", lastHeartbeatTime: at(60), lastTransitionTime: at(5), reason: "KubeletReady", message: "kubelet is posting ready status" }],
        addresses: [{ type: "InternalIP", address: "10.0.0.2" }],
        nodeInfo: { kernelVersion: "6.1.0", osImage: "Debian GNU/Linux 12 (bookworm)", operatingSystem: "linux", architecture: "amd64", containerRuntimeVersion: "containerd://1.7.18", kubeletVersion: "v1.31.0" },
      },
    };
    const zk0 = pod("zk-0", { spec: { containers: [{ name: "zk", resources: { requests: { cpu: "500m", memory: "1Gi" } } }] } });
    const done = pod("job-1", { status: { phase: "Succeeded" } });
    const lease = { apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: "node-1", namespace: "kube-node-lease" }, spec: { holderIdentity: "node-1", renewTime: at(58) } };
    const cordoned = event("node-1.1", { kind: "Node", name: "node-1", uid: "node-1" }, "NodeNotSchedulable", "Node node-1 status is now: NodeNotSchedulable", 50, 50, 1);
    expect(describe(node as never, lister([zk0, done, lease, cordoned]), { now: T0 + 60_000 })).toBe(`Name:               node-1
Roles:              <none>
Labels:             kubernetes.io/hostname=node-1
Annotations:        <none>
CreationTimestamp:  Wed, 01 May 2024 10:00:00 +0000
Taints:             node.kubernetes.io/unschedulable:NoSchedule
Unschedulable:      true
Lease:
  HolderIdentity:  node-1
  AcquireTime:     <unset>
  RenewTime:       Wed, 01 May 2024 10:00:58 +0000
Conditions:
  Type    Status  LastHeartbeatTime                 LastTransitionTime                Reason         Message
  ----    ------  -----------------                 ------------------                ------         -------
  Ready   True    Wed, 01 May 2024 10:01:00 +0000   Wed, 01 May 2024 10:00:05 +0000   KubeletReady   kubelet is posting ready status
Addresses:
  InternalIP:  10.0.0.2
Capacity:
  cpu:     2
  memory:  4Gi
  pods:    110
Allocatable:
  cpu:     2
  memory:  4Gi
  pods:    110
System Info:
  Machine ID:                 
  System UUID:                
  Boot ID:                    
  Kernel Version:             6.1.0
  OS Image:                   Debian GNU/Linux 12 (bookworm)
  Operating System:           linux
  Architecture:               amd64
  Container Runtime Version:  containerd://1.7.18
  Kubelet Version:            v1.31.0
  Kube-Proxy Version:         
PodCIDR:                      10.244.1.0/24
Non-terminated Pods:          (1 in total)
  Namespace                   Name    CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age
  ---------                   ----    ------------  ----------  ---------------  -------------  ---
  default                     zk-0    500m (25%)    0 (0%)      1Gi (25%)        0 (0%)         60s
Allocated resources:
  (Total limits may be over 100 percent, i.e., overcommitted.)
  Resource           Requests    Limits
  --------           --------    ------
  cpu                500m (25%)  0 (0%)
  memory             1Gi (25%)   0 (0%)
  ephemeral-storage  0 (0%)      0 (0%)
Events:
  Type    Reason              Age   From     Message
  ----    ------              ----  ----     -------
  Normal  NodeNotSchedulable  10s   kubelet  Node node-1 status is now: NodeNotSchedulable
`);
  });

  it("describes claims with the pods using them, and volumes with their source", () => {
    const pvc = {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: "www-web-0", namespace: "default", labels: { app: "nginx" }, finalizers: ["kubernetes.io/pvc-protection"] },
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } }, storageClassName: "standard", volumeName: "pvc-1", volumeMode: "Filesystem" },
      status: { phase: "Bound", accessModes: ["ReadWriteOnce"], capacity: { storage: "1Gi" } },
    };
    const user = pod("web-0", { spec: { volumes: [{ name: "www", persistentVolumeClaim: { claimName: "www-web-0" } }] } });
    expect(describe(pvc as never, lister([user]), { now: T0 })).toBe(`Name:          www-web-0
Namespace:     default
StorageClass:  standard
Status:        Bound
Volume:        pvc-1
Labels:        app=nginx
Annotations:   <none>
Finalizers:    [kubernetes.io/pvc-protection]
Capacity:      1Gi
Access Modes:  RWO
VolumeMode:    Filesystem
Used By:       web-0
Events:        <none>
`);
    const pv = {
      apiVersion: "v1",
      kind: "PersistentVolume",
      metadata: { name: "pvc-1", finalizers: ["kubernetes.io/pv-protection"] },
      spec: { capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"], persistentVolumeReclaimPolicy: "Delete", storageClassName: "standard", claimRef: { namespace: "default", name: "www-web-0" }, hostPath: { path: "/tmp/hostpath-provisioner/default/www-web-0", type: "" } },
      status: { phase: "Bound" },
    };
    expect(describe(pv as never, lister([]), { now: T0 })).toBe(`Name:            pvc-1
Labels:          <none>
Annotations:     <none>
Finalizers:      [kubernetes.io/pv-protection]
StorageClass:    standard
Status:          Bound
Claim:           default/www-web-0
Reclaim Policy:  Delete
Access Modes:    RWO
Capacity:        1Gi
Node Affinity:   <none>
Message:         
Source:
    Type:          HostPath (bare host directory volume)
    Path:          /tmp/hostpath-provisioner/default/www-web-0
    HostPathType:  
Events:            <none>
`);
  });

  it("describes namespaces, budgets, secrets and config maps", () => {
    const ns = { apiVersion: "v1", kind: "Namespace", metadata: { name: "default", labels: { "kubernetes.io/metadata.name": "default" } }, status: { phase: "Active" } };
    expect(describe(ns as never, lister([]), { now: T0 })).toBe(
      "Name:         default\nLabels:       kubernetes.io/metadata.name=default\nAnnotations:  <none>\nStatus:       Active\n\nNo resource quota.\n\nNo LimitRange resource.\n",
    );
    const pdb = {
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata: { name: "zk-pdb", namespace: "default" },
      spec: { maxUnavailable: 1, selector: { matchLabels: { app: "zk" } } },
      status: { disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 2, expectedPods: 3 },
    };
    expect(describe(pdb as never, lister([]), { now: T0 })).toBe(
      "Name:             zk-pdb\nNamespace:        default\nMax unavailable:  1\nSelector:         app=zk\nStatus:\n    Allowed disruptions:  0\n    Current:              2\n    Desired:              2\n    Total:                3\nEvents:                   <none>\n",
    );
    const secret = { apiVersion: "v1", kind: "Secret", metadata: { name: "mysql-pass", namespace: "default" }, type: "Opaque", data: { username: "cm9vdA==", password: "WU9VUl9QQVNTV09SRA==" } };
    expect(describe(secret as never, lister([]), { now: T0 })).toBe(
      "Name:         mysql-pass\nNamespace:    default\nLabels:       <none>\nAnnotations:  <none>\n\nType:  Opaque\n\nData\n====\npassword:  13 bytes\nusername:  4 bytes\n",
    );
    const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cfg", namespace: "default" }, data: { "zoo.cfg": "tickTime=2000\ninitLimit=10" } };
    expect(describe(cm as never, lister([]), { now: T0 })).toBe(
      "Name:         cfg\nNamespace:    default\nLabels:       <none>\nAnnotations:  <none>\n\nData\n====\nzoo.cfg:\n----\ntickTime=2000\ninitLimit=10\n\n\nBinaryData\n====\n\nEvents:  <none>\n",
    );
  });

  it("describes a Deployment with its old and new ReplicaSets", () => {
    const template = { metadata: { labels: { app: "wordpress" } }, spec: { containers: [{ name: "wordpress", image: "wordpress:6.2.1-apache" }] } };
    const deploy = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "wordpress", namespace: "default", uid: "uid-wp", creationTimestamp: at(0), annotations: { "deployment.kubernetes.io/revision": "2" } },
      spec: { replicas: 1, selector: { matchLabels: { app: "wordpress" } }, strategy: { type: "Recreate" }, template },
      status: { replicas: 1, updatedReplicas: 1, availableReplicas: 1, conditions: [{ type: "Available", status: "True", reason: "MinimumReplicasAvailable" }] },
    };
    const rs = (name: string, created: number, replicas: number, image: string) => ({
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: { name, namespace: "default", creationTimestamp: at(created), ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: "wordpress", uid: "uid-wp", controller: true }] },
      spec: { replicas, selector: {}, template: { metadata: { labels: { app: "wordpress", "pod-template-hash": name.slice(-5) } }, spec: { containers: [{ name: "wordpress", image }] } } },
      status: { replicas },
    });
    const text = describe(deploy as never, lister([rs("wordpress-7c4bd", 0, 0, "wordpress:6.1"), rs("wordpress-66b6c", 10, 1, "wordpress:6.2.1-apache")]), { now: T0 });
    expect(text).toContain(
      "Replicas:           1 desired | 1 updated | 1 total | 1 available | 0 unavailable\nStrategyType:       Recreate\nMinReadySeconds:    0\nPod Template:\n",
    );
    expect(text).toContain(
      "Conditions:\n  Type           Status  Reason\n  ----           ------  ------\n  Available      True    MinimumReplicasAvailable\nOldReplicaSets:  wordpress-7c4bd (0/0 replicas created)\nNewReplicaSet:   wordpress-66b6c (1/1 replicas created)\nEvents:          <none>\n",
    );
  });

  it("describes a DaemonSet: node counts unaligned, its own pods by phase, the template", () => {
    const ds = {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: {
        name: "fluentd",
        namespace: "kube-system",
        uid: "uid-ds",
        creationTimestamp: at(0),
        labels: { "k8s-app": "fluentd-logging" },
        annotations: { "deprecated.daemonset.template.generation": "1" },
      },
      spec: {
        selector: { matchLabels: { name: "fluentd" } },
        template: { metadata: { labels: { name: "fluentd" } }, spec: { nodeSelector: { "kubernetes.io/os": "linux" }, containers: [{ name: "fluentd", image: "fluentd:v2.5.2" }] } },
        updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      },
      status: { desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 1, updatedNumberScheduled: 2, numberAvailable: 1, numberMisscheduled: 0 },
    };
    const owned = (name: string, phase: string, uid = "uid-ds") =>
      pod(name, { metadata: { namespace: "kube-system", labels: { name: "fluentd" }, ownerReferences: [{ apiVersion: "apps/v1", kind: "DaemonSet", name: "fluentd", uid, controller: true }] }, status: { phase } });
    const pods = [owned("fluentd-a", "Running"), owned("fluentd-b", "Pending"), owned("fluentd-c", "Running", "uid-other")];
    const created = event("fluentd.1", { kind: "DaemonSet", namespace: "kube-system", name: "fluentd", uid: "uid-ds" }, "SuccessfulCreate", "Created pod: fluentd-a", 1, 1, 1, "Normal", "daemonset-controller");
    expect(describe(ds as never, lister([...pods, created]), { now: T0 + 120_000 })).toBe(`Name:           fluentd
Namespace:      kube-system
Selector:       name=fluentd
Node-Selector:  kubernetes.io/os=linux
Labels:         k8s-app=fluentd-logging
Annotations:    deprecated.daemonset.template.generation: 1
Desired Number of Nodes Scheduled: 2
Current Number of Nodes Scheduled: 2
Number of Nodes Scheduled with Up-to-date Pods: 2
Number of Nodes Scheduled with Available Pods: 1
Number of Nodes Misscheduled: 0
Pods Status:  1 Running / 1 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  name=fluentd
  Containers:
   fluentd:
    Image:         fluentd:v2.5.2
    Port:          <none>
    Host Port:     <none>
    Environment:   <none>
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  kubernetes.io/os=linux
  Tolerations:     <none>
Events:
  Type    Reason            Age   From                  Message
  ----    ------            ----  ----                  -------
  Normal  SuccessfulCreate  119s  daemonset-controller  Created pod: fluentd-a
`);
  });

  it("describes endpoint slices, and other kinds with kubectl's generic describer", () => {
    const slice = {
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: { name: "nginx-x7k2p", namespace: "default", labels: { "kubernetes.io/service-name": "nginx" } },
      addressType: "IPv4",
      ports: [{ name: "web", port: 80, protocol: "TCP" }],
      endpoints: [{ addresses: ["10.244.1.5"], conditions: { ready: true }, hostname: "web-0", nodeName: "node-1", targetRef: { kind: "Pod", name: "web-0" } }],
    };
    expect(describe(slice as never, lister([]), { now: T0 })).toBe(`Name:         nginx-x7k2p
Namespace:    default
Labels:       kubernetes.io/service-name=nginx
Annotations:  <none>
AddressType:  IPv4
Ports:
  Name  Port  Protocol
  ----  ----  --------
  web   80    TCP
Endpoints:
  - Addresses:  10.244.1.5
    Conditions:
      Ready:    true
    Hostname:   web-0
    TargetRef:  Pod/web-0
    NodeName:   node-1
    Zone:       <unset>
Events:         <none>
`);
    const revision = {
      apiVersion: "apps/v1",
      kind: "ControllerRevision",
      metadata: { name: "web-7c9d5b4f86", namespace: "default", uid: "uid-cr", labels: { app: "nginx" }, managedFields: [{ manager: "kube-controller-manager" }] },
      data: { spec: { template: { $patch: "replace", metadata: { labels: { app: "nginx" } } } } },
      revision: 2,
    };
    expect(describe(revision as never, lister([]), { now: T0 })).toBe(`Name:         web-7c9d5b4f86
Namespace:    default
Labels:       app=nginx
Annotations:  <none>
API Version:  apps/v1
Data:
  Spec:
    Template:
      $patch:  replace
      Metadata:
        Labels:
          App:  nginx
Kind:           ControllerRevision
Metadata:
  UID:     uid-cr
Revision:  2
Events:    <none>
`);
  });

  it("separates several descriptions with a blank line pair", () => {
    expect(joinDescriptions(["a: 1\n", "b: 2\n"])).toBe("a: 1\n\n\nb: 2\n");
  });
});

// ---- one-line results, rollout history, version, api-resources ---------------------------------

group("command messages", () => {
  it("prints name-printer and delete lines", () => {
    expect(nameLine(web as never, "scaled")).toBe("statefulset.apps/web scaled\n");
    expect(nameLine(headless as never, "created")).toBe("service/nginx created\n");
    expect(nameLine({ apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "zk-pdb" } }, "created")).toBe("poddisruptionbudget.policy/zk-pdb created\n");
    expect(deletedLine(readyPod("web-0") as never, "default")).toBe('pod "web-0" deleted from default namespace\n');
    expect(deletedLine(web as never, "prod")).toBe('statefulset.apps "web" deleted from prod namespace\n');
    expect(deletedLine(readyPod("web-0") as never, "default", { force: true, dryRunSuffix: " (server dry run)" })).toBe('pod "web-0" force deleted from default namespace (server dry run)\n');
    expect(deletedLine({ apiVersion: "v1", kind: "Node", metadata: { name: "node-1" } }, undefined, { dryRunSuffix: " (dry run)" })).toBe('node "node-1" deleted (dry run)\n');
  });

  it("prints rollout history with the trailing space after the name and a closing blank line", () => {
    const revision = (n: number, cause?: string) => ({
      apiVersion: "apps/v1",
      kind: "ControllerRevision",
      metadata: { name: `zk-${n}`, annotations: cause ? { "kubernetes.io/change-cause": cause } : {} },
      revision: n,
    });
    expect(rolloutHistory(web as never, [revision(3), revision(2, "kubectl patch sts zk --type=json")] as never)).toBe(
      "statefulset.apps/web \nREVISION  CHANGE-CAUSE\n2         kubectl patch sts zk --type=json\n3         <none>\n\n",
    );
    expect(rolloutHistory(web as never, [])).toBe("statefulset.apps/web \nNo rollout history found.\n");
  });

  it("prints one revision's pod template with raw tabs, as kubectl does without a tab writer", () => {
    expect(rolloutHistoryRevision(web as never, 2, web.spec.template)).toBe(
      "statefulset.apps/web with revision #2\nPod Template:\n  Labels:\tapp=nginx\n  Containers:\n   nginx:\n    Image:\tregistry.k8s.io/nginx-slim:0.8\n" +
        "    Port:\t80/TCP\n    Host Port:\t0/TCP\n    Environment:\t<none>\n    Mounts:\n      /usr/share/nginx/html from www (rw)\n" +
        "  Volumes:\t<none>\n  Node-Selectors:\t<none>\n  Tolerations:\t<none>\n\n",
    );
  });

  it("prints kubectl version, warning about a skew of more than one minor version", () => {
    expect(versionText({ client: "v1.31.0", kustomize: "v5.4.2", server: "v1.31.0" })).toBe("Client Version: v1.31.0\nKustomize Version: v5.4.2\nServer Version: v1.31.0\n");
    expect(versionText({ client: "v1.31.0", kustomize: "v5.4.2", server: "v1.28.3" })).toBe(
      "Client Version: v1.31.0\nKustomize Version: v5.4.2\nServer Version: v1.28.3\nWARNING: version difference between client (1.31) and server (1.28) exceeds the supported minor version skew of +/-1\n",
    );
  });

  it("prints api-resources sorted by group, then name", () => {
    const type = (group: string, kind: string, plural: string, shortNames: string[]) => ({ group, version: "v1", kind, plural, singular: kind.toLowerCase(), shortNames, namespaced: true, categories: [] });
    expect(apiResourcesTable([type("apps", "StatefulSet", "statefulsets", ["sts"]), type("", "Pod", "pods", ["po"]), type("", "ConfigMap", "configmaps", ["cm"])])).toBe(
      "NAME           SHORTNAMES   APIVERSION   NAMESPACED   KIND\n" +
        "configmaps     cm           v1           true         ConfigMap\n" +
        "pods           po           v1           true         Pod\n" +
        "statefulsets   sts          apps/v1      true         StatefulSet\n",
    );
  });
});
