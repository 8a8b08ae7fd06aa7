import { describe, expect, it } from "vitest";
import { createEnvironment } from "../src/index.js";
import { shell } from "./shell.js";

/**
 * zkCleanup.sh, the ZooKeeper admin guide's way to free a member's disk by hand: PurgeTxnLog keeps
 * the newest snapshots and the logs they need, printing each removal and logging it.
 */
describe("zkCleanup.sh", () => {
  it("keeps the newest -n snapshots and the logs they need, and refuses a count below 3 as PurgeTxnLog does", () => {
    const env = createEnvironment({ seed: 1, nodes: 3 });
    const sh = shell(env);
    expect(sh("kubectl apply -f https://k8s.io/examples/application/zookeeper/zookeeper.yaml >/dev/null && kubectl rollout status sts/zk --timeout=20m >/dev/null").code).toBe(0);
    // Snapshots 0x1..0x11 and logs 0x1..0xf, as a member that has run a while would have.
    sh("kubectl exec zk-0 -- sh -c 'cd /var/lib/zookeeper/data && for z in 01 05 09 0d 11; do touch version-2/snapshot.1000000$z; done; for z in 01 06 0a 0f; do touch log/version-2/log.1000000$z; done'");
    const refused = sh("kubectl exec zk-0 -- zkCleanup.sh -n 2");
    expect(refused.code).toBe(1);
    expect(refused.out).toContain("count should be greater than or equal to 3\nUsage:\nPurgeTxnLog dataLogDir [snapDir] -n count\n");
    // Through /usr/bin, zkEnv.sh finds /usr/bin/../etc/zookeeper, the image's link to its conf.
    const purged = sh("kubectl exec zk-0 -- zkCleanup.sh -n 3");
    expect(purged.code).toBe(0);
    const printed = purged.out.split("\n").filter((l) => l.startsWith("Removing file: "));
    // The oldest kept snapshot is 0x9: log.100000006 holds it, so only log.100000001 goes, then the older snapshots.
    expect(printed.map((l) => l.split("\t")[1])).toEqual([
      "/var/lib/zookeeper/data/log/version-2/log.100000001",
      "/var/lib/zookeeper/data/version-2/snapshot.100000001",
      "/var/lib/zookeeper/data/version-2/snapshot.100000005",
    ]);
    expect(printed[0]).toMatch(/^Removing file: [A-Z][a-z]{2} \d{1,2}, \d{4} \d{1,2}:\d{2}:\d{2} [AP]M\t/);
    expect(purged.out).toMatch(/ - INFO {2}\[main:PurgeTxnLog@147\] - Removing file: /);
    expect(sh("kubectl exec zk-0 -- ls /var/lib/zookeeper/data/version-2 /var/lib/zookeeper/data/log/version-2").out).toBe(
      "/var/lib/zookeeper/data/log/version-2:\nlog.100000006\nlog.10000000a\nlog.10000000f\n\n/var/lib/zookeeper/data/version-2:\nacceptedEpoch\ncurrentEpoch\nsnapshot.100000009\nsnapshot.10000000d\nsnapshot.100000011\n",
    );
    // The ensemble was not touched: the member still serves.
    expect(sh("kubectl exec zk-0 -- sh -c 'echo srvr | nc localhost 2181'").out).toMatch(/Mode: (leader|follower)/);
  });
});
