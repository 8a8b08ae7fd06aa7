import { spawn, type TaskOutcome } from "@ksim/sim";
import { describe, expect, it } from "vitest";
import { checkAcknowledgedWrites, checkClientOrder, checkCommittedPrefix, checkOneLeaderPerEpoch, startWorkload, ZkTrace, type ReadBack } from "../src/index.js";
import { Pods } from "./pods.js";

describe("workload through the client library against the pods", () => {
  it("keeps every acknowledged write when the leader's JVM is killed mid-run", () => {
    const p = new Pods(9);
    const trace = new ZkTrace(p.sim);
    p.startInOrder();
    p.run(90_000);
    const client = p.net.addHost("client", "10.244.9.9");
    const w = startWorkload({
      host: client,
      resolve: (n) => {
        const pod = p.pods.find((x) => x.name === n.split(".")[0]);
        return pod !== undefined && p.ready.has(pod.name) ? [pod.host.ip!] : [];
      },
      connectString: p.pods.map((x) => `${p.fqdn(x.name)}:2181`).join(","),
      clients: 3,
      intervalMs: 100,
      durationMs: 60_000,
    });
    p.sim.schedule(20_000, () => {
      for (const pod of p.pods) {
        const jvm = pod.table.list().find((x) => x.commandLine.includes("QuorumPeerMain"));
        if (jvm !== undefined && pod.out.text().includes("LEADING - LEADER ELECTION TOOK")) {
          pod.table.kill(jvm.pid, "SIGKILL");
          p.sim.schedule(10_000, () => p.start(pod));
          return;
        }
      }
    });
    p.run(90_000);
    let final: TaskOutcome<ReadBack> | undefined;
    spawn(p.sim, w.readBack()).subscribe((o) => (final = o));
    p.runUntil(() => final !== undefined, 120_000);
    expect(final?.ok).toBe(true);
    const state = (final as { value: ReadBack }).value;
    const ops = w.history.operations;
    const acked = checkAcknowledgedWrites(ops, state, p.sim.now);
    expect(acked.violations).toEqual([]);
    expect(acked.metrics.acknowledged).toBeGreaterThan(1000);
    expect(acked.metrics.unverified).toBe(0);
    expect(checkClientOrder(ops).ok).toBe(true);
    expect(checkOneLeaderPerEpoch(trace.events).ok).toBe(true);
    expect(checkCommittedPrefix(trace.events).ok).toBe(true);
  });
});
