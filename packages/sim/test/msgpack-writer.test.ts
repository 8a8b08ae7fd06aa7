import { Packr } from "msgpackr";
import { describe, expect, it } from "vitest";
import { MsgpackWriter } from "../src/msgpack-writer.js";
import { Random } from "../src/random.js";

const packr = new Packr({ useRecords: false, variableMapSize: true });

/** Values of every shape a trace record may carry, drawn from the seed. */
function randomValue(r: Random, depth: number): unknown {
  const pick = r.int(0, depth > 3 ? 6 : 9);
  switch (pick) {
    case 0:
      return null;
    case 1:
      return r.chance(0.5);
    case 2: {
      // Integers around every boundary of msgpack's integer formats, and the floats beyond them.
      const edges = [0, 0x1f, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 0xffffffff, 0x100000000, 2 ** 53];
      const e = edges[r.int(0, edges.length - 1)]!;
      const v = e + r.int(-2, 2);
      return r.chance(0.5) ? v : -v;
    }
    case 3:
      return r.float() * 1e6 - 5e5;
    case 4:
      return randomString(r);
    case 5:
      return r.chance(0.2) ? undefined : randomString(r);
    case 6: {
      // Lengths on both sides of fixstr/str8/str16.
      const lengths = [31, 32, 255, 256, 70000];
      return "x".repeat(lengths[r.int(0, lengths.length - 1)]!) + randomString(r);
    }
    case 7: {
      const n = r.chance(0.1) ? r.int(14, 17) : r.int(0, 4);
      return Array.from({ length: n }, () => randomValue(r, depth + 1));
    }
    case 8: {
      const o: Record<string, unknown> = {};
      const n = r.chance(0.1) ? r.int(14, 17) : r.int(0, 4);
      for (let i = 0; i < n; i++) o[randomString(r) + i] = randomValue(r, depth + 1);
      return o;
    }
    default:
      return r.chance(0.5) ? new Map([["a", 1]]) : new Uint8Array([1, 2, 3]);
  }
}

function randomString(r: Random): string {
  // ASCII, two- and three-byte characters, surrogate pairs and lone surrogates.
  const alphabet = ["a", "Z", "-", "é", "ß", "€", "日", "😀", "\ud800", "\udc00"];
  let s = "";
  const n = r.int(0, 40);
  for (let i = 0; i < n; i++) s += alphabet[r.chance(0.7) ? r.int(0, 2) : r.int(3, alphabet.length - 1)];
  return s;
}

describe("MsgpackWriter", () => {
  it("writes a batch byte for byte as msgpackr packs the array of records (500 seeds)", () => {
    for (let seed = 1; seed <= 500; seed++) {
      const r = Random.fromSeed(seed);
      const writer = new MsgpackWriter();
      const records: unknown[] = [];
      const n = r.chance(0.1) ? r.int(15, 17) : r.int(1, 6);
      for (let i = 0; i < n; i++) {
        const time = r.chance(0.9) ? r.int(0, 5_000_000_000) : r.float() * 1000;
        const type = randomString(r);
        const data = randomValue(r, 0);
        writer.record(time, type, data);
        records.push([time, type, data]);
      }
      const expected = packr.pack(records);
      expect(Buffer.from(writer.takeBatch()!).equals(Buffer.from(expected)), `seed ${seed}`).toBe(true);
      expect(writer.takeBatch()).toBeUndefined();
    }
  });

  it("grows its buffer and numbers a batch of 70,000 records as an array32", () => {
    const writer = new MsgpackWriter();
    const records: unknown[] = [];
    for (let i = 0; i < 70_000; i++) {
      writer.record(i, "tick", { i, s: "y".repeat(i % 50) });
      records.push([i, "tick", { i, s: "y".repeat(i % 50) }]);
    }
    const batch = writer.takeBatch()!;
    expect(batch[0]).toBe(0xdd);
    expect(Buffer.from(batch).equals(Buffer.from(packr.pack(records)))).toBe(true);
  });
});
