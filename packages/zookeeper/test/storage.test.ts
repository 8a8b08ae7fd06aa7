import { Sim, Volume } from "@ksim/sim";
import { describe, expect, it } from "vitest";
import { DataDir, ZkDatabase, makeZxid, type Txn } from "../src/index.js";

function creates(from: number, n: number): Txn[] {
  return Array.from({ length: n }, (_, i) => ({
    zxid: makeZxid(1, from + i), time: 1000, session: 0n, cxid: 0, type: "create" as const, path: `/n${from + i}`, data: `d${from + i}`, ephemeral: false, parentCVersion: -1,
  }));
}

function setup(seed = 1) {
  const sim = new Sim({ seed });
  const vol = new Volume(sim, "v");
  const lines: string[] = [];
  const dir = () => new DataDir(vol, { snapDir: "/d/version-2", logDir: "/d/log/version-2", log: (l, _t, _a, m) => lines.push(`${l} ${m}`) });
  return { sim, vol, lines, dir };
}

describe("storage: txn logs, snapshots, recovery", () => {
  it("names files after their zxids and replays logs over the newest snapshot", () => {
    const { vol, dir } = setup();
    const d = dir();
    d.append(creates(1, 3));
    d.sync();
    const db = new ZkDatabase();
    for (const t of creates(1, 3)) db.apply(t);
    d.roll();
    d.snapshot(db.snapshot(), false);
    d.append(creates(4, 2));
    d.sync();
    expect(vol.readdir("/d/log/version-2")).toEqual(["log.100000001", "log.100000004"]);
    expect(vol.readdir("/d/version-2")).toContain("snapshot.100000003");
    const loaded = dir().load();
    expect(loaded.db.lastProcessedZxid).toBe(makeZxid(1, 5));
    expect(loaded.db.tree.getData("/n5")?.data).toBe("d5");
    expect(loaded.db.tree.nodeCount).toBe(4 + 5);
  });

  it("pads a log with a 64 MiB hole, as Util.padLogFile does, and grows it again near the end", () => {
    const { vol, dir } = setup();
    const d = dir();
    d.append(creates(1, 3));
    d.sync();
    const stat = vol.stat("/d/log/version-2/log.100000001");
    expect(stat.size).toBe(16 + 64 * 1024 * 1024);
    expect(stat.allocated).toBe(4096);
    // Records up to 4 KiB short of the padded end make it 64 MiB longer.
    const big = (from: number): Txn[] => creates(from, 1).map((t) => ({ ...t, data: "x".repeat(1024 * 1024) }));
    for (let i = 0; i < 64; i++) d.append(big(10 + i));
    // The 64th record ran past the padded end; the next append pads from where the file is.
    d.append(creates(74, 1));
    d.sync();
    expect(vol.stat("/d/log/version-2/log.100000001").size).toBe(16 + 2 * 64 * 1024 * 1024);
    expect(dir().load().db.lastProcessedZxid).toBe(makeZxid(1, 74));
  });

  it("cuts a torn log tail after a crash and keeps everything that was fsynced", () => {
    const { sim, vol, lines, dir } = setup(4);
    const d = dir();
    d.append(creates(1, 5));
    d.sync();
    d.append(creates(6, 5));
    vol.crash({ tear: true, random: sim.random.fork("tear") });
    const loaded = dir().load();
    const last = loaded.db.lastProcessedZxid;
    expect(last).toBeGreaterThanOrEqual(makeZxid(1, 5));
    expect(last).toBeLessThan(makeZxid(1, 10));
    expect(lines.some((l) => l.startsWith("WARN Truncating torn txn log /d/log/version-2/log.100000001"))).toBe(true);
    // The cut is durable: loading again finds a clean log.
    lines.length = 0;
    expect(dir().load().db.lastProcessedZxid).toBe(last);
    expect(lines.some((l) => l.includes("Truncating"))).toBe(false);
  });

  it("falls back to an older snapshot when the newest is corrupt, and skips unfinished ones", () => {
    const { vol, lines, dir } = setup();
    const d = dir();
    const db = new ZkDatabase();
    d.append(creates(1, 4));
    d.sync();
    for (const t of creates(1, 2)) db.apply(t);
    d.snapshot(db.snapshot(), false);
    for (const t of creates(3, 2)) db.apply(t);
    d.snapshot(db.snapshot(), false);
    const newest = "/d/version-2/snapshot.100000004";
    const bytes = vol.readFile(newest).slice();
    bytes[20] = bytes[20]! ^ 0xff;
    vol.writeFile(newest, bytes);
    vol.writeFile("/d/version-2/snapshot.100000009", new Uint8Array(3));
    const loaded = dir().load();
    expect(lines).toContain("WARN problem reading snap file /d/version-2/snapshot.100000004\njava.io.IOException: CRC corruption in snapshot :  /d/version-2/snapshot.100000004");
    expect(lines).toContain("INFO Reading snapshot /d/version-2/snapshot.100000002");
    expect(loaded.db.lastProcessedZxid).toBe(makeZxid(1, 4));
    expect(loaded.db.tree.has("/n4")).toBe(true);
  });

  it("loses unsynced appends on a crash (what forceSync=no risks) but never synced ones", () => {
    const { vol, dir } = setup();
    const d = dir();
    d.append(creates(1, 2));
    d.sync();
    d.append(creates(3, 2));
    vol.crash();
    expect(dir().load().db.lastProcessedZxid).toBe(makeZxid(1, 2));
  });

  it("purges all but the newest snapRetainCount snapshots and the logs they do not need", () => {
    const { vol, dir } = setup();
    const d = dir();
    const db = new ZkDatabase();
    for (let i = 0; i < 5; i++) {
      const batch = creates(1 + i * 3, 3);
      d.append(batch);
      d.sync();
      for (const t of batch) db.apply(t);
      d.roll();
      d.snapshot(db.snapshot(), false);
    }
    const removed = d.purge(3);
    expect(removed).toEqual(["/d/log/version-2/log.100000001", "/d/log/version-2/log.100000004", "/d/version-2/snapshot.100000003", "/d/version-2/snapshot.100000006"]);
    expect(vol.readdir("/d/version-2").filter((f) => f.startsWith("snapshot"))).toEqual(["snapshot.100000009", "snapshot.10000000c", "snapshot.10000000f"]);
    expect(dir().load().db.lastProcessedZxid).toBe(makeZxid(1, 15));
  });

  it("writes epoch files atomically and defaults them from the last zxid", () => {
    const { vol, lines, dir } = setup();
    const loaded = dir().load();
    expect(loaded.currentEpoch).toBe(0);
    expect(lines).toContain("INFO currentEpoch not found! Creating with a reasonable default of 0. This should only happen when you are upgrading your installation");
    dir().writeEpoch("acceptedEpoch", 3);
    expect(vol.readText("/d/version-2/acceptedEpoch")).toBe("3");
    expect(vol.exists("/d/version-2/acceptedEpoch.tmp")).toBe(false);
  });

  it("takes the snapshot's epoch at start when updatingEpoch says NEWLEADER was cut short after the snapshot", () => {
    const { vol, lines, dir } = setup();
    const d = dir();
    const db = new ZkDatabase();
    for (const t of creates(1, 2)) db.apply(t);
    db.tree.lastProcessedZxid = makeZxid(2, 0);
    d.snapshot(db.snapshot(), false);
    d.writeEpoch("currentEpoch", 1);
    d.writeEpoch("acceptedEpoch", 2);
    expect(() => dir().load()).toThrow("The current epoch, 1, is older than the last zxid, 8589934592");
    expect(d.markUpdatingEpoch()).toBeUndefined();
    const loaded = dir().load();
    expect(loaded.currentEpoch).toBe(2);
    expect(lines).toContain("INFO updatingEpoch found. The server was terminated after taking a snapshot but before updating current epoch. Setting current epoch to 2.");
    expect(vol.readText("/d/version-2/currentEpoch")).toBe("2");
    expect(vol.exists("/d/version-2/updatingEpoch")).toBe(false);
    expect(d.clearUpdatingEpoch()).toBe("Failed to delete /d/version-2/updatingEpoch");
  });
});
