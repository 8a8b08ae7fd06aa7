import { registerBasicImages } from "@ksim/images";
import { Cluster, ImageRegistry, type Pod, type Service, type StatefulSet } from "@ksim/kube";
import { timeIt, type Bench } from "./harness.js";

const REPLICAS = 10;

function headless(i: number): Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: `svc-${i}`, namespace: "default", labels: { app: `app-${i}` } },
    spec: { clusterIP: "None", selector: { app: `app-${i}` }, ports: [{ port: 80, name: "web" }] },
  };
}

function set(i: number): StatefulSet {
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: `set-${i}`, namespace: "default" },
    spec: {
      serviceName: `svc-${i}`,
      replicas: REPLICAS,
      selector: { matchLabels: { app: `app-${i}` } },
      template: {
        metadata: { labels: { app: `app-${i}` } },
        spec: {
          containers: [
            {
              name: "nginx",
              image: "registry.k8s.io/nginx-slim:0.8",
              ports: [{ containerPort: 80, name: "web" }],
              readinessProbe: { httpGet: { path: "/", port: 80 }, periodSeconds: 10 },
              resources: { requests: { cpu: "10m", memory: "16Mi" } },
            },
          ],
        },
      },
    },
  };
}

/** Builds a cluster, creates the sets, and runs until every pod is Ready. */
function run(nodes: number, sets: number): { wallSeconds: number; simulatedSeconds: number; events: number } {
  const registry = new ImageRegistry();
  registerBasicImages(registry);
  let result = { wallSeconds: 0, simulatedSeconds: 0, events: 0 };
  const wall = timeIt(() => {
    const c = new Cluster({ seed: 1, nodes, registry });
    let ready = 0;
    const seen = new Set<string>();
    c.api.watch<Pod>("Pod", (e) => {
      const key = e.object.metadata.uid!;
      const isReady = e.object.status?.conditions?.some((x) => x.type === "Ready" && x.status === "True") ?? false;
      if (isReady && !seen.has(key)) {
        seen.add(key);
        ready++;
      }
    });
    for (let i = 0; i < sets; i++) {
      c.api.create(headless(i));
      c.api.create(set(i));
    }
    const target = sets * REPLICAS;
    if (!c.runUntil(() => ready >= target, 3_600_000)) throw new Error(`only ${ready} of ${target} pods became Ready`);
    result = { wallSeconds: 0, simulatedSeconds: c.sim.now / 1000, events: c.sim.eventsRun };
  });
  return { ...result, wallSeconds: wall };
}

const NODES = 1000;
const SETS = 1000;

export const clusterBench: Bench = {
  name: "cluster",
  run() {
    // Growth is measured on the same cluster shape: only the number of pods changes.
    const small = run(NODES, SETS / 4);
    const big = run(NODES, SETS);
    const growth = big.wallSeconds / small.wallSeconds;
    const pods = SETS * REPLICAS;
    return {
      text:
        `cluster: ${NODES} nodes, ${pods} pods (${SETS} StatefulSets x ${REPLICAS}, nginx-slim with HTTP readiness probes)\n` +
        `  wall ${big.wallSeconds.toFixed(2)} s, simulated ${big.simulatedSeconds.toFixed(1)} s, ${Math.round(big.events / big.wallSeconds)} events/s\n` +
        `  ${Math.round(pods / big.wallSeconds)} Ready pods per wall second\n` +
        `  growth ${growth.toFixed(2)} (wall time at ${pods} pods / at ${pods / 4} pods on ${NODES} nodes; linear is 4, aim <= 4.6)`,
      json: {
        name: "cluster",
        nodes: NODES,
        pods,
        wallSeconds: Number(big.wallSeconds.toFixed(3)),
        simulatedSeconds: Number(big.simulatedSeconds.toFixed(1)),
        eventsPerSec: Math.round(big.events / big.wallSeconds),
        growth: Number(growth.toFixed(3)),
      },
    };
  },
};
