import { describe, expect, it } from "vitest";
import { ensembleWithClients } from "./clients.js";

/**
 * Quotas (3.4): zkCli's setquota/listquota/delquota keep a path's limits and stats under
 * /zookeeper/quota; every server counts the subtree's nodes and bytes into the stats node as it
 * applies txns and warns past a limit. Quotas are soft: the write still succeeds.
 */
describe("ZooKeeper quotas", () => {
  it("count a subtree on every member, warn past the limit, and go with delquota", () => {
    const { p } = ensembleWithClients();
    const zk = (i: number, ...args: string[]) => {
      const r = p.exec(p.pods[i]!, ["zkCli.sh", ...args]);
      // Drop the client's connection log: what the command itself printed remains.
      const keep = (s: string) => s.split("\n").filter((l) => !/^\d{4}-\d\d-\d\d |^Connecting to|^WATCHER::|^WatchedEvent|^$/.test(l)).join("\n");
      return { out: keep(r.out), err: keep(r.err) };
    };
    zk(0, "create", "/app", "x");
    expect(zk(0, "setquota", "-n", "2", "/app").err).toBe("Comment: the parts are option -n val 2 path /app");
    expect(zk(1, "listquota", "/app")).toEqual({ out: "Output quota for /app count=2,bytes=-1\nOutput stat for /app count=1,bytes=1", err: "absolute path is /zookeeper/quota/app/zookeeper_limits" });
    zk(1, "create", "/app/a", "1");
    expect(p.pods.map((pod) => pod.out.text()).join("")).not.toContain("Quota exceeded");
    expect(zk(2, "create", "/app/b", "22").err).toBe("Created /app/b");
    p.run(1_000);
    for (const [i, pod] of p.pods.entries()) {
      expect(pod.out.text()).toMatch(new RegExp(`WARN  \\[CommitProcessor:${i + 1}:DataTree@301\\] - Quota exceeded: /app count=3 limit=2\\n`));
      expect(zk(i, "get", "/zookeeper/quota/app/zookeeper_stats").out).toBe("count=3,bytes=4");
    }
    zk(0, "set", "/app/a", "a longer value");
    zk(0, "delete", "/app/b");
    expect(zk(1, "listquota", "/app").out).toBe("Output quota for /app count=2,bytes=-1\nOutput stat for /app count=2,bytes=15");

    // Only one quota on a path's line: not below one, not above one, not on itself again (3.4's check).
    expect(zk(0, "setquota", "-n", "5", "/app/a").err).toContain("Command failed: java.lang.IllegalArgumentException: /app/a has a parent /zookeeper/quota/app which has a quota");
    expect(zk(0, "setquota", "-b", "10", "/app").err).toContain("Command failed: java.lang.IllegalArgumentException: /app has a parent /zookeeper/quota/app which has a quota");
    expect(zk(0, "setquota", "-n", "5", "/nope").err).toContain("Command failed: java.lang.IllegalArgumentException: /nope does not exist.");

    zk(0, "delquota", "-n", "/app");
    expect(zk(1, "listquota", "/app").out).toBe("Output quota for /app count=-1,bytes=-1\nOutput stat for /app count=2,bytes=15");
    zk(0, "delquota", "/app");
    expect(zk(2, "ls", "/zookeeper/quota").out).toBe("[]");
    expect(zk(2, "listquota", "/app").err).toBe("absolute path is /zookeeper/quota/app/zookeeper_limits\nquota for /app does not exist.");
    expect(zk(2, "delquota", "/app").out).toBe("Quota does not exist for /app");
  });

  it("survive a restart: the quota is found again in the snapshot and log, with fresh counts", () => {
    const { p } = ensembleWithClients();
    const zk = (i: number, ...args: string[]) => p.exec(p.pods[i]!, ["zkCli.sh", ...args]);
    zk(0, "create", "/svc", "x");
    zk(0, "setquota", "-n", "1", "/svc");
    const pod = p.pods[2]!;
    p.crash(pod);
    p.start(pod);
    p.run(60_000);
    zk(0, "create", "/svc/child", "y");
    p.run(1_000);
    expect(pod.out.text()).toMatch(/WARN  \[CommitProcessor:3:DataTree@301\] - Quota exceeded: \/svc count=2 limit=1\n/);
  });
});
