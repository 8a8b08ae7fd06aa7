import { describe, expect, it } from "vitest";
import { ensembleWithClients as ensemble } from "./clients.js";

/**
 * Watches on a real ensemble: one-time triggers a client leaves with a read, fired by writes
 * committed through any member, re-registered (SetWatches) when the client moves to another
 * server, with what changed meanwhile fired at once; and counted by mntr and wchs.
 */

describe("ZooKeeper watches", () => {
  it("fire once, on the server the watcher is attached to, for writes made through another", () => {
    const { p, client, call } = ensemble();
    const a = client("zk-0:2181");
    const b = client("zk-1:2181");
    expect(call(b.zk.create("/w", "1")).err).toBe(0);
    expect(call(a.zk.getData("/w", true)).err).toBe(0);
    expect(call(a.zk.exists("/w/new", true)).err).toBe(0);
    expect(call(a.zk.getChildren("/w", false, true)).err).toBe(0);
    const mntr = p.exec(p.pods[0]!, ["bash", "-c", "echo mntr | nc localhost 2181"]).out;
    expect(mntr).toContain("zk_watch_count\t3\n");
    expect(p.exec(p.pods[0]!, ["bash", "-c", "echo wchs | nc localhost 2181"]).out).toBe("1 connections watching 2 paths\nTotal watches:2\n");
    // The data watches by session and by path, in Java's HashMap order ("/w" in bucket 8, "/w/new" in 14).
    const session = `0x${a.zk.sessionId.toString(16)}`;
    expect(p.exec(p.pods[0]!, ["bash", "-c", "echo wchc | nc localhost 2181"]).out).toBe(`${session}\n\t/w\n\t/w/new\n\n`);
    expect(p.exec(p.pods[0]!, ["bash", "-c", "echo wchp | nc localhost 2181"]).out).toBe(`/w\n\t${session}\n/w/new\n\t${session}\n\n`);
    call(b.zk.setData("/w", "2"));
    call(b.zk.setData("/w", "3"));
    call(b.zk.create("/w/new", "x"));
    p.run(1_000);
    // The data watch fired on the first change only; the exists watch on the creation, which
    // also fired the child watch on the parent.
    expect(a.events).toEqual(["NodeDataChanged /w", "NodeCreated /w/new", "NodeChildrenChanged /w"]);
    expect(p.exec(p.pods[0]!, ["bash", "-c", "echo mntr | nc localhost 2181"]).out).toContain("zk_watch_count\t0\n");
    call(a.zk.getData("/w/new", true));
    call(b.zk.delete("/w/new"));
    p.run(1_000);
    expect(a.events.at(-1)).toBe("NodeDeleted /w/new");
  });

  it("are set again on the next server after a move, firing at once for what changed while the client was away", () => {
    const { p, client, call } = ensemble();
    const a = client("zk-2:2181,zk-1:2181");
    const b = client("zk-0:2181");
    call(b.zk.create("/moved", "1"));
    call(b.zk.create("/kept", "1"));
    call(a.zk.getData("/moved", true));
    call(a.zk.getData("/kept", true));
    const server = a.zk.server!;
    const attached = p.pods.find((x) => server.startsWith(`${x.name}/`))!;
    attached.host.powerOff();
    call(b.zk.setData("/moved", "2"));
    p.run(30_000);
    expect(a.zk.state).toBe("CONNECTED");
    expect(a.zk.server).not.toBe(server);
    expect(a.events).toEqual(["NodeDataChanged /moved"]);
    // The unchanged path is watched again on the new server.
    call(b.zk.setData("/kept", "2"));
    p.run(1_000);
    expect(a.events).toEqual(["NodeDataChanged /moved", "NodeDataChanged /kept"]);
  });
});
