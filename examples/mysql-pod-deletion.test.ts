// MySQL keeps every committed row when its pod is deleted: the Deployment's new pod mounts the
// same PersistentVolumeClaim and InnoDB recovers from its redo log.
import { example, scenario, simulate } from "ksim";
import "ksim/vitest";
import { expect, test } from "vitest";

const podLoss = scenario("mysql pod deletion")
  .file("kustomization.yaml", "secretGenerator:\n- name: mysql-pass\n  literals:\n  - password=s3cret\nresources:\n- mysql-deployment.yaml\n")
  .file("mysql-deployment.yaml", example("application/wordpress/mysql-deployment.yaml"))
  .run("kubectl apply -k ./ && kubectl rollout status deployment/wordpress-mysql --timeout=10m")
  .workload("rows", "mysql-inserts", { password: "s3cret" })
  .wait("1m")
  .run("kubectl delete pod -l app=wordpress,tier=mysql && kubectl rollout status deployment/wordpress-mysql")
  .wait("1m")
  .stop("rows");

test("committed rows survive the pod's deletion", async () => {
  const sim = await simulate(podLoss, { seed: 7 });
  expect(sim).toLoseNoAcknowledgedWrites("rows");
  expect(sim.workloads.get("rows")!.operations.filter((op) => op.outcome === "ok").length).toBeGreaterThan(100);
});

test("with the volume swapped for an emptyDir, the same deletion loses them", async () => {
  const sim = await simulate(podLoss, {
    seed: 7,
    set: { "deployment/wordpress-mysql:spec.template.spec.volumes[0]": { name: "mysql-persistent-storage", emptyDir: {} } },
  });
  expect(sim).not.toLoseNoAcknowledgedWrites("rows");
  expect(() => expect(sim).toLoseNoAcknowledgedWrites("rows")).toThrow(/mysql pod deletion, seed 7: [^]*reproduce: /);
});
