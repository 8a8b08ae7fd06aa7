// Our ZooKeeper manifests keep their quorum, and lose no acknowledged write, while every node
// is drained in turn as a node-pool upgrade would.
import { example, scenario, simulate } from "ksim";
import "ksim/vitest";
import { expect, test } from "vitest";

const drainAll = scenario("zookeeper drain under pdb")
  .cluster({ nodes: 4 })
  .file("zookeeper.yaml", example("application/zookeeper/zookeeper.yaml"))
  .run("kubectl apply -f zookeeper.yaml && kubectl rollout status sts/zk --timeout=10m")
  .workload("writes", "zookeeper", { clients: 3 })
  .run(`for node in $(kubectl get nodes -o jsonpath='{.items[*].metadata.name}'); do
    kubectl drain "$node" --ignore-daemonsets --delete-emptydir-data --timeout=10m
    kubectl rollout status sts/zk --timeout=10m && kubectl uncordon "$node"
  done`)
  .stop("writes");

test.each([1, 2, 3])("the ensemble keeps quorum through a rolling drain (seed %i)", async (seed) => {
  const sim = await simulate(drainAll, { seed });
  expect(sim).toKeepQuorum("zk");
  expect(sim).toLoseNoAcknowledgedWrites();
  expect(sim).toHold("zookeeper.single-leader-per-epoch");
  expect(sim).toBeAvailableAtLeast(0.95);
});
