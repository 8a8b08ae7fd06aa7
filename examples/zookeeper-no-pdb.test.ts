// Without the PodDisruptionBudget, two overlapping drains (a node pool upgraded two at a time)
// take two of three members down together: the ensemble loses its quorum.
import { example, scenario, simulate } from "ksim";
import "ksim/vitest";
import { expect, test } from "vitest";

const parallelDrains = (withBudget: boolean) =>
  scenario(`two drains at once, ${withBudget ? "with" : "without"} a PDB`)
    .cluster({ nodes: 5 })
    .file("zookeeper.yaml", example("application/zookeeper/zookeeper.yaml", withBudget ? {} : { remove: ["poddisruptionbudget/zk-pdb"] }))
    .run("kubectl apply -f zookeeper.yaml && kubectl rollout status sts/zk --timeout=10m")
    .wait("30s")
    .run(`set -- $(kubectl get pods zk-0 zk-1 -o jsonpath='{.items[*].spec.nodeName}')
      kubectl drain "$1" --ignore-daemonsets --delete-emptydir-data --timeout=10m &
      kubectl drain "$2" --ignore-daemonsets --delete-emptydir-data --timeout=10m &
      wait; kubectl rollout status sts/zk --timeout=10m`);

test("without the budget the quorum is lost", async () => {
  const sim = await simulate(parallelDrains(false), { seed: 3 });
  expect(sim).not.toKeepQuorum("zk");
});

test("with the budget the second eviction waits and the quorum holds", async () => {
  const sim = await simulate(parallelDrains(true), { seed: 3 });
  expect(sim).toKeepQuorum("zk");
});
