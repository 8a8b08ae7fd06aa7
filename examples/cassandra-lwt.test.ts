// Compare-and-set registers through Cassandra's lightweight transactions stay linearizable while a
// member is cut off from its peers, as long as they are read at SERIAL; read at ONE, they are not.
import { example, scenario, simulate } from "ksim";
import "ksim/vitest";
import { expect, test } from "vitest";

const registers = (read: "SERIAL" | "ONE") =>
  scenario(`LWT registers read at ${read}`)
    .cluster({ nodes: 3 })
    .file("cassandra-service.yaml", example("application/cassandra/cassandra-service.yaml"))
    .file("cassandra-statefulset.yaml", example("application/cassandra/cassandra-statefulset.yaml"))
    .run("kubectl apply -f cassandra-service.yaml -f cassandra-statefulset.yaml && kubectl rollout status sts/cassandra --timeout=20m")
    .workload("registers", "cassandra-lwt", { write: read === "SERIAL" ? "QUORUM" : "ONE", read, keys: 3, clients: 4, intervalMs: 300 })
    .wait("30s")
    .faults([{ at: "0s", run: "chaos partition pod/cassandra-2 pod/cassandra-0+pod/cassandra-1 --for 2m" }])
    .wait("3m")
    .stop("registers");

test("read at SERIAL, every key's history is linearizable", async () => {
  const sim = await simulate(registers("SERIAL"), { seed: 2 });
  expect(sim).toHold("cassandra.linearizable", { workload: "registers" });
});

test("read at ONE, a cut-off member answers with a value older than an acknowledged write", async () => {
  const sim = await simulate(registers("ONE"), { seed: 2 });
  expect(sim).not.toHold("cassandra.linearizable", { workload: "registers" });
});
