import { Cluster, ImageRegistry, StringSink, type KubeObject, type Pod } from "@ksim/kube";
import { describe, expect, it } from "vitest";
import { registerCassandra } from "../src/index.js";

/**
 * The Kubernetes Cassandra tutorial on a whole simulated cluster: its Service, StatefulSet and
 * StorageClass as written, run by the real controllers, scheduler and kubelets (volumes, env,
 * /etc/hosts, probes), then `kubectl exec cassandra-0 -- nodetool status`.
 */

const service: KubeObject = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "cassandra", labels: { app: "cassandra" } },
  spec: { clusterIP: "None", ports: [{ port: 9042 }], selector: { app: "cassandra" } },
} as KubeObject;

const storageClass: KubeObject = {
  apiVersion: "storage.k8s.io/v1",
  kind: "StorageClass",
  metadata: { name: "fast" },
  provisioner: "k8s.io/minikube-hostpath",
  parameters: { type: "pd-ssd" },
} as KubeObject;

function statefulSet(replicas: number): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: "cassandra", labels: { app: "cassandra" } },
    spec: {
      serviceName: "cassandra",
      replicas,
      selector: { matchLabels: { app: "cassandra" } },
      template: {
        metadata: { labels: { app: "cassandra" } },
        spec: {
          terminationGracePeriodSeconds: 1800,
          containers: [
            {
              name: "cassandra",
              image: "gcr.io/google-samples/cassandra:v13",
              imagePullPolicy: "Always",
              ports: [
                { containerPort: 7000, name: "intra-node" },
                { containerPort: 7001, name: "tls-intra-node" },
                { containerPort: 7199, name: "jmx" },
                { containerPort: 9042, name: "cql" },
              ],
              resources: { limits: { cpu: "500m", memory: "1Gi" }, requests: { cpu: "500m", memory: "1Gi" } },
              securityContext: { capabilities: { add: ["IPC_LOCK"] } },
              lifecycle: { preStop: { exec: { command: ["/bin/sh", "-c", "nodetool drain"] } } },
              env: [
                { name: "MAX_HEAP_SIZE", value: "512M" },
                { name: "HEAP_NEWSIZE", value: "100M" },
                { name: "CASSANDRA_SEEDS", value: "cassandra-0.cassandra.default.svc.cluster.local" },
                { name: "CASSANDRA_CLUSTER_NAME", value: "K8Demo" },
                { name: "CASSANDRA_DC", value: "DC1-K8Demo" },
                { name: "CASSANDRA_RACK", value: "Rack1-K8Demo" },
                { name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
              ],
              readinessProbe: { exec: { command: ["/bin/bash", "-c", "/ready-probe.sh"] }, initialDelaySeconds: 15, timeoutSeconds: 5 },
              volumeMounts: [{ name: "cassandra-data", mountPath: "/cassandra_data" }],
            },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: "cassandra-data" },
          spec: { accessModes: ["ReadWriteOnce"], storageClassName: "fast", resources: { requests: { storage: "1Gi" } } },
        },
      ],
    },
  } as KubeObject;
}

function tutorial(seed: number) {
  const registry = new ImageRegistry();
  registerCassandra(registry);
  const c = new Cluster({ seed, registry });
  c.create(service);
  c.create(storageClass);
  c.create(statefulSet(3));
  const pod = (i: number) => c.api.get<Pod>("Pod", "default", `cassandra-${i}`);
  /** `kubectl exec cassandra-N -- argv...` */
  const exec = (i: number, argv: string[]) => {
    const out = new StringSink();
    const err = new StringSink();
    const p = c.podWorker("default", `cassandra-${i}`)!.instance("cassandra")!.exec(argv, { stdout: out, stderr: err });
    let status: number | undefined;
    p.exited.subscribe((s) => (status = s));
    c.runUntil(() => status !== undefined, 600_000);
    return { status, stdout: out.text(), stderr: err.text() };
  };
  return { c, pod, exec };
}

describe("the Cassandra tutorial on a simulated cluster", () => {
  it("starts cassandra-0 from the tutorial's StatefulSet under the real kubelet: NORMAL, serving CQL, UN in nodetool status", () => {
    const { c, pod, exec } = tutorial(1);
    expect(c.runUntil(() => pod(0)?.status?.containerStatuses?.[0]?.started === true, 120_000)).toBe(true);
    c.run(60_000);
    const ip = pod(0)!.status!.podIP!;
    const status = exec(0, ["nodetool", "status"]);
    expect(status.status).toBe(0);
    expect(status.stdout.split("\n").slice(0, 5)).toEqual([
      "Datacenter: DC1-K8Demo",
      "======================",
      "Status=Up/Down",
      "|/ State=Normal/Leaving/Joining/Moving",
      "--  Address     Load       Tokens       Owns (effective)  Host ID                               Rack",
    ]);
    expect(status.stdout).toMatch(new RegExp(`\nUN  ${ip.replace(/\./g, "\\.")}  \\S+ \\S+ +32 {11}100\\.0% +[0-9a-f-]{36}  Rack1-K8Demo\n`));
    const log = c.podWorker("default", "cassandra-0")!.logs("cassandra", false)!.lines.map((l) => l.text);
    expect(log).toContain("CASSANDRA_CLUSTER_NAME K8Demo");
    expect(log.some((l) => l.endsWith("Starting listening for CQL clients on /0.0.0.0:9042 (unencrypted)..."))).toBe(true);
  });
});
