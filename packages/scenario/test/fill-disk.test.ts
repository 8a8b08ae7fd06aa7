import { describe, expect, it } from "vitest";
import { createEnvironment } from "../src/index.js";
import { shell } from "./shell.js";

/**
 * `chaos fill-disk`: a pod's persistent volumes lose their free space to something no file shows
 * (a deleted file still held open), so writes fail with ENOSPC until the fault ends. It costs no
 * memory however large the volume, so ZooKeeper's 10Gi claims can be filled.
 */
describe("chaos fill-disk", () => {
  it("fills a member's 10Gi claim: it cannot log or snapshot, so it exits and restarts while the others carry the writes, and serves again once the space is back", () => {
    const env = createEnvironment({ seed: 7, nodes: 3 });
    const sh = shell(env);
    expect(sh("kubectl apply -f https://k8s.io/examples/application/zookeeper/zookeeper.yaml >/dev/null && kubectl rollout status sts/zk --timeout=20m >/dev/null").code).toBe(0);
    env.cluster.run(60_000);
    const filled = sh("chaos fill-disk zk-0 --for 2m");
    expect(filled.out).toMatch(/^default\/zk-0 claim datadir-zk-0: \d+ bytes taken, the volume is full for 2m0s\n$/);
    // du sees nothing new: the space went to no file.
    expect(sh("kubectl exec zk-0 -- du -s /var/lib/zookeeper").out).toMatch(/^\d{1,3}\t\/var\/lib\/zookeeper\n$/);
    // Writes go on through the other members. zk-0 cannot log the session's proposal: its sync
    // thread dies and it rejoins, but the snapshot the leader sends cannot be written either, and
    // ZooKeeperServer.takeSnapshot exits the JVM, so the container restarts.
    expect(sh("kubectl exec zk-1 -- zkCli.sh create /during x").out).toContain("Created /during");
    env.cluster.run(5_000);
    expect(sh("kubectl logs zk-0 --previous").out).toContain("Severe unrecoverable error, exiting\njava.io.IOException: No space left on device\n");
    expect(sh("kubectl get pod zk-0 -o jsonpath='{.status.containerStatuses[0].restartCount}'").out).not.toBe("0");
    env.cluster.run(150_000);
    expect(sh("kubectl exec zk-0 -- sh -c 'echo srvr | nc localhost 2181'").out).toMatch(/Mode: (leader|follower)/);
    expect(sh("kubectl exec zk-0 -- zkCli.sh get /during").out).toContain("\nx\n");
    expect(sh("chaos fill-disk zk-9")).toEqual({ code: 1, out: 'chaos: pods "zk-9" not found\n' });
  });
});
