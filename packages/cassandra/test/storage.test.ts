import { Random, Sim, Volume } from "@ksim/sim";
import { describe, expect, it } from "vitest";
import type { Mutation, Partition } from "../src/core/data.js";
import { liveRow, mergePartitions } from "../src/core/data.js";
import { HintStore } from "../src/core/hints.js";
import { readSSTable, StorageEngine, type DiskIO } from "../src/core/storage.js";
import { tokenOf } from "../src/core/token.js";
import { keyString, serialize } from "../src/core/types.js";

/**
 * The storage engine against a simulated disk: what survives a crash is what was fsynced —
 * the commit log every sync period, SSTables when flushed — and replay brings back the rest.
 */

const TABLE = { keyspace: "ks", table: "t", tableId: "11111111-1111-4111-8111-111111111111" };

function volumeIO(v: Volume): DiskIO {
  const parent = (p: string) => {
    const dir = p.slice(0, p.lastIndexOf("/"));
    if (dir !== "" && !v.exists(dir)) v.mkdir(dir, { recursive: true });
  };
  return {
    append: (p, d) => {
      parent(p);
      v.appendFile(p, d);
    },
    write: (p, d) => {
      parent(p);
      v.writeFile(p, d);
    },
    fsync: (p) => v.fsync(p),
    remove: (p) => v.exists(p) && v.unlink(p),
    mkdir: (p) => {
      if (!v.exists(p)) v.mkdir(p, { recursive: true });
    },
    link: (from, to) => {
      parent(to);
      v.writeFile(to, v.readFile(from));
    },
  };
}

function files(v: Volume, dir: string): string[] {
  if (!v.exists(dir)) return [];
  const out: string[] = [];
  for (const name of v.readdir(dir)) {
    const p = `${dir}/${name}`;
    if (v.stat(p).type === "dir") out.push(...files(v, p));
    else out.push(p);
  }
  return out;
}

/** Opens an engine over whatever is on the volume, as a restarted node does. */
function open(v: Volume, logs: string[] = []): { engine: StorageEngine; replayed: number } {
  const engine = new StorageEngine("/data", "/commitlog", volumeIO(v), { log: (e) => logs.push(e.message) });
  engine.ensureTable({ ...TABLE, durableWrites: true, tokenOf: (k) => tokenOf(serialize("int", k[0]!)) });
  const data = files(v, "/data");
  for (const p of data.filter((f) => f.endsWith("-Data.db"))) {
    const base = p.slice(0, -"Data.db".length);
    const components = data.filter((f) => f.startsWith(base));
    engine.loadSSTable(base, components, components.reduce((n, f) => n + v.stat(f).size, 0), readSSTable(v.readFile(p)));
  }
  const segments = files(v, "/commitlog").map((path) => ({ id: Number(/CommitLog-6-(\d+)\.log/.exec(path)![1]), path, bytes: v.readFile(path) }));
  const replayed = engine.replay(segments, "main");
  return { engine, replayed };
}

function put(key: number, value: number | null, ts: number): Mutation {
  const cells = value === null ? { v: { v: null, ts, tomb: true as const } } : { v: { v: value, ts } };
  return { ...TABLE, partition: { key: [key], rows: { "": { ck: [], marker: ts, cells } } } };
}

function value(engine: StorageEngine, key: number): unknown {
  const p = engine.table(TABLE.tableId)!.read(keyString([key]));
  return p === undefined ? undefined : liveRow(p.rows[""]!, p.del, 0)?.["v"];
}

describe("storage engine", () => {
  it("loses exactly the writes appended since the last commit-log sync when the disk crashes", () => {
    const sim = new Sim({ seed: 1 });
    const v = new Volume(sim, "pv");
    const { engine } = open(v);
    for (let k = 0; k < 5; k++) engine.apply(put(k, k, 10 + k), 1000);
    engine.commitLog.sync();
    for (let k = 5; k < 8; k++) engine.apply(put(k, k, 10 + k), 2000);
    v.crash();
    const logs: string[] = [];
    const after = open(v, logs);
    expect(after.replayed).toBe(5);
    expect([0, 1, 2, 3, 4].map((k) => value(after.engine, k))).toEqual([0, 1, 2, 3, 4]);
    expect([5, 6, 7].map((k) => value(after.engine, k))).toEqual([undefined, undefined, undefined]);
    expect(logs).toContain("Log replay complete, 5 replayed mutations");
  });

  it("stops replay at a torn record and starts a fresh segment afterwards", () => {
    const sim = new Sim({ seed: 2 });
    const v = new Volume(sim, "pv");
    const { engine } = open(v);
    engine.apply(put(1, 1, 1), 1000);
    engine.commitLog.sync();
    for (let k = 2; k < 10; k++) engine.apply(put(k, k, k), 1000);
    v.crash({ tear: true, random: Random.fromSeed("tear") });
    const first = open(v);
    expect(first.replayed).toBeGreaterThanOrEqual(1);
    expect(first.replayed).toBeLessThan(9);
    // Replayed data was flushed and the old segments deleted: nothing is replayed twice.
    first.engine.apply(put(20, 20, 20), 5000);
    first.engine.commitLog.sync();
    const second = open(v);
    expect(second.replayed).toBe(1);
    expect(value(second.engine, 20)).toBe(20);
    expect(value(second.engine, 1)).toBe(1);
  });

  it("keeps flushed data in SSTables and replays only what was not flushed", () => {
    const sim = new Sim({ seed: 3 });
    const v = new Volume(sim, "pv");
    const { engine } = open(v);
    engine.apply(put(1, 1, 1), 1000);
    engine.flush(engine.table(TABLE.tableId)!, "main");
    expect(files(v, "/data").some((f) => f.endsWith("mc-1-big-Data.db"))).toBe(true);
    engine.apply(put(2, 2, 2), 2000);
    engine.commitLog.sync();
    v.crash();
    const after = open(v);
    expect(after.replayed).toBe(1);
    expect([value(after.engine, 1), value(after.engine, 2)]).toEqual([1, 2]);
    expect(after.engine.load()).toBeGreaterThan(0);
  });

  it("leaves nothing to replay after a drain (flush everything, recycle the log)", () => {
    const sim = new Sim({ seed: 4 });
    const v = new Volume(sim, "pv");
    const { engine } = open(v);
    for (let k = 0; k < 20; k++) engine.apply(put(k, k, k + 1), 1000 + k);
    engine.flushAll("main");
    engine.commitLog.recycleAll();
    expect(files(v, "/commitlog")).toEqual([]);
    v.crash();
    const after = open(v);
    expect(after.replayed).toBe(0);
    expect(value(after.engine, 19)).toBe(19);
  });

  it("merges SSTables by size-tiered compaction without losing the newest cells", () => {
    const sim = new Sim({ seed: 5 });
    const v = new Volume(sim, "pv");
    const logs: string[] = [];
    const { engine } = open(v, logs);
    for (let i = 1; i <= 4; i++) {
      engine.apply(put(1, i, i), 1000);
      engine.flush(engine.table(TABLE.tableId)!, "main");
    }
    expect(logs.some((l) => l.startsWith("Compacted 4 sstables"))).toBe(true);
    expect(files(v, "/data").filter((f) => f.endsWith("Data.db"))).toHaveLength(1);
    expect(value(open(v).engine, 1)).toBe(4);
  });
});

describe("last write wins", () => {
  it("reconciles cells by timestamp, tombstones winning ties, in any merge order", () => {
    const r = Random.fromSeed("lww");
    for (let trial = 0; trial < 200; trial++) {
      const writes: Partition[] = [];
      let best: { ts: number; value: number | null } | undefined;
      for (let i = 0; i < 6; i++) {
        const ts = r.int(1, 5);
        const value = r.chance(0.3) ? null : r.int(1, 100);
        writes.push(put(1, value, ts).partition);
        if (best === undefined || ts > best.ts || (ts === best.ts && value === null) || (ts === best.ts && best.value !== null && value !== null && `d${value}` > `d${best.value}`)) best = { ts, value };
      }
      const merged = r.shuffle(writes).reduce<Partition | undefined>((acc, p) => mergePartitions(acc, p), undefined)!;
      const row = liveRow(merged.rows[""]!, merged.del, 0);
      expect(row?.["v"] ?? null).toBe(best!.value);
    }
  });

  it("does not resurrect a deleted partition with an older write", () => {
    const older = put(1, 5, 10).partition;
    const deletion: Partition = { key: [1], del: 20, rows: {} };
    const merged = mergePartitions(mergePartitions(undefined, deletion), older);
    expect(liveRow(merged.rows[""]!, merged.del, 0)).toBeUndefined();
    const newer = mergePartitions(merged, put(1, 6, 30).partition);
    expect(liveRow(newer.rows[""]!, newer.del, 0)).toEqual({ v: 6 });
  });
});

describe("hints", () => {
  it("survive a crash only once a flush period wrote and synced them", () => {
    const sim = new Sim({ seed: 6 });
    const v = new Volume(sim, "pv");
    const store = new HintStore("/hints", volumeIO(v));
    const host = "22222222-2222-4222-8222-222222222222";
    store.add(host, { mutation: put(1, 1, 1), createdAt: 1000, gcgs: 864000 });
    store.flush(1000);
    store.add(host, { mutation: put(2, 2, 2), createdAt: 2000, gcgs: 864000 });
    v.crash();
    const after = new HintStore("/hints", volumeIO(v));
    after.load(files(v, "/hints").map((path) => ({ path, bytes: v.readFile(path) })));
    expect(after.pending(host).map((h) => h.mutation.partition.key[0])).toEqual([1]);
    after.delivered(host, 1);
    after.flush(3000);
    expect(files(v, "/hints")).toEqual([]);
  });
});
