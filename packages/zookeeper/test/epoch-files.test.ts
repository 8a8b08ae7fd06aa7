import { decodeText } from "@ksim/sim";
import { describe, expect, it } from "vitest";
import { CoreCluster } from "./cluster.js";
import { CoreClients } from "./core-client.js";

const epochFile = (c: CoreCluster, sid: number, file: string) => decodeText(c.node(sid).volume.readFile(`/data/version-2/${file}`));

/**
 * 3.4.10 sets an epoch field before writing its file (QuorumPeer.setAcceptedEpoch and
 * setCurrentEpoch), and a failed write throws out of the role. A follower whose disk is full thus
 * fails to join but keeps the new accepted epoch in memory; when it can write again it records
 * only the current epoch, and from its next start it cannot load (ZOOKEEPER-2307).
 */
/** A three-member ensemble led by sid 3, with five znodes written through `via`. */
function ensembleWithHistory(via: number): CoreCluster {
  const c = new CoreCluster({ n: 3, seed: 1, keepLogs: true });
  c.startAll();
  expect(c.runUntil(() => c.allServing(), 60_000)).toBe(true);
  expect(c.leaders().map((n) => n.sid)).toEqual([3]);
  const clients = new CoreClients(c);
  const cnxn = clients.connect(c.node(via));
  c.runUntil(() => clients.ready(cnxn), 5_000);
  for (let i = 0; i < 5; i++) clients.create(cnxn, `/a${i}`, "x");
  c.runUntil(() => clients.acked.size === 10 && clients.unknown.size === 0, 5_000);
  return c;
}

describe("epoch files on a full disk", () => {
  it("leave a follower's accepted epoch behind its current one, which stops its next start", () => {
    // Some history, so that a returning follower is sent a DIFF rather than a snapshot.
    const c = ensembleWithHistory(2);

    // sid 1's disk fills, and the leader restarts: the ensemble moves to epoch 2 without sid 1,
    // which fails to write acceptedEpoch, then (believing it written) acks and fails on currentEpoch.
    const follower = c.node(1);
    follower.volume.occupyFreeSpace();
    c.node(3).kill();
    c.node(3).start();
    c.runUntil(() => false, 10_000);
    expect(c.leaders().map((n) => n.sid)).toEqual([3]);
    expect(follower.lines.filter((l) => l.includes("Exception when following the leader\njava.io.IOException: No space left on device")).length).toBeGreaterThan(1);
    expect(follower.peer!.serving).toBe(false);
    expect(follower.peer!.acceptedEpoch).toBe(2);
    expect(epochFile(c, 1, "acceptedEpoch")).toBe("1");
    // A refused write leaves no temp file behind (AtomicFileOutputStream aborts).
    expect(follower.volume.readdir("/data/version-2")).not.toContain("acceptedEpoch.tmp");

    // Room again: it joins epoch 2 without rewriting acceptedEpoch, which it believes is 2.
    follower.volume.releaseOccupied();
    expect(c.runUntil(() => follower.peer!.serving, 30_000)).toBe(true);
    expect(epochFile(c, 1, "currentEpoch")).toBe("2");
    expect(epochFile(c, 1, "acceptedEpoch")).toBe("1");
    expect(epochFile(c, 2, "acceptedEpoch")).toBe("2");
    // NEWLEADER's marker came and went.
    expect(follower.volume.readdir("/data/version-2")).not.toContain("updatingEpoch");

    follower.kill();
    expect(() => follower.start()).toThrow("The accepted epoch, 1 is less than the current epoch, 2");
  });

  it("leave the updatingEpoch marker behind when a learner's NEWLEADER snapshot cannot be written", () => {
    const c = ensembleWithHistory(3);
    // sid 1 loses its snapshots and logs (not its epoch files, which it would have to rewrite)
    // and its disk fills: the leader must send it a snapshot, which it cannot write, and
    // ZooKeeperServer.takeSnapshot exits 10 after the marker was created.
    const follower = c.node(1);
    follower.kill();
    for (const dir of ["/data/version-2", "/data/log/version-2"]) {
      for (const f of follower.volume.exists(dir) ? follower.volume.readdir(dir) : []) {
        if (!f.endsWith("Epoch")) follower.volume.unlink(`${dir}/${f}`);
      }
    }
    follower.volume.occupyFreeSpace();
    follower.start();
    c.runUntil(() => !follower.alive, 30_000);
    expect(follower.exitStatus).toBe(10);
    expect(follower.lines.some((l) => l.includes("Getting a snapshot from leader"))).toBe(true);
    expect(follower.volume.readdir("/data/version-2")).toContain("updatingEpoch");
  });
});
