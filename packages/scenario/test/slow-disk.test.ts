import type { Pod } from "@ksim/kube";
import { describe, expect, it } from "vitest";
import { createEnvironment } from "../src/index.js";
import { shell } from "./shell.js";

/**
 * `chaos slow-disk`: every fsync on a node's disks takes longer. ZooKeeper logs FileTxnLog's
 * warning when its write-ahead log fsync passes a second; a write commits once a quorum has
 * logged it, so one slow member costs nothing and two cost the delay.
 */


describe("chaos slow-disk", () => {
  it("slows fsyncs on one node: ZooKeeper warns there, and writes wait only when a quorum is slow", () => {
    const env = createEnvironment({ seed: 7, nodes: 3 });
    const sh = shell(env);
    expect(sh("kubectl apply -f https://k8s.io/examples/application/zookeeper/zookeeper.yaml >/dev/null && kubectl rollout status sts/zk --timeout=20m >/dev/null").code).toBe(0);
    // Ready (ruok answers) comes before the last member has joined the ensemble and serves.
    env.cluster.run(60_000);
    const mode = (pod: string) => /Mode: (\w+)/.exec(sh(`kubectl exec ${pod} -- sh -c "echo srvr | nc localhost 2181"`).out)?.[1];
    const pods = ["zk-0", "zk-1", "zk-2"];
    const leader = pods.find((p) => mode(p) === "leader")!;
    const followers = pods.filter((p) => p !== leader);
    const nodeOf = (pod: string) => env.cluster.api.get<Pod>("Pod", "default", pod)!.spec.nodeName!;
    const write = (path: string) => {
      const t0 = env.cluster.sim.now;
      const r = sh(`kubectl exec ${followers[0]} -- zkCli.sh create ${path} x`);
      expect(r.out).toContain(`Created ${path}`);
      return env.cluster.sim.now - t0;
    };
    const baseline = write("/fast");

    expect(sh(`chaos slow-disk ${nodeOf(leader)} 3s`).out).toBe(`node/${nodeOf(leader)} fsyncs take 3s longer\n`);
    // The two followers are a quorum: the write commits without waiting for the leader's disk.
    expect(write("/one-slow")).toBeLessThan(baseline + 1_000);
    env.cluster.run(5_000);
    const warning = new RegExp(`WARN  \\[SyncThread:\\d:FileTxnLog@338\\] - fsync-ing the write ahead log in SyncThread:\\d took 300\\dms which will adversely effect operation latency\\. See the ZooKeeper troubleshooting guide`);
    expect(sh(`kubectl logs ${leader}`).out).toMatch(warning);
    expect(sh(`kubectl logs ${followers[1]}`).out).not.toMatch(warning);

    sh(`chaos slow-disk ${nodeOf(followers[1]!)} 3s --for 2m`);
    expect(write("/two-slow")).toBeGreaterThanOrEqual(baseline + 3_000);
    expect(sh(`chaos slow-disk ${nodeOf(leader)} 0`).out).toBe(`node/${nodeOf(leader)} disks at their usual speed\n`);
    env.cluster.run(150_000);
    expect(env.cluster.node(nodeOf(followers[1]!)).fsyncDelayMs).toBe(0);
    expect(write("/fast-again")).toBeLessThan(baseline + 1_000);
  });
});
