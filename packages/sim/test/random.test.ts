import { describe, expect, it } from "vitest";
import { Random } from "../src/index.js";

describe("Random", () => {
  it("is a pure function of the seed", () => {
    const a = Random.fromSeed(42);
    const b = Random.fromSeed(42);
    const xs = Array.from({ length: 100 }, () => a.float());
    expect(Array.from({ length: 100 }, () => b.float())).toEqual(xs);
    expect(Random.fromSeed(43).float()).not.toBe(xs[0]);
  });

  it("forks named streams that do not depend on each other's use", () => {
    const root1 = Random.fromSeed(7);
    const s1 = root1.fork("scheduler");
    const root2 = Random.fromSeed(7);
    const other = root2.fork("network");
    for (let i = 0; i < 1000; i++) other.float();
    root2.float();
    const s2 = root2.fork("scheduler");
    expect(Array.from({ length: 20 }, () => s2.int(0, 1e9))).toEqual(Array.from({ length: 20 }, () => s1.int(0, 1e9)));
    expect(root1.fork("a").float()).not.toBe(root1.fork("b").float());
  });

  it("draws integers in the inclusive range, covering it", () => {
    const r = Random.fromSeed(1);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = r.int(3, 7);
      expect(v).toBeGreaterThanOrEqual(3);
      expect(v).toBeLessThanOrEqual(7);
      seen.add(v);
    }
    expect([...seen].sort()).toEqual([3, 4, 5, 6, 7]);
  });

  it("has distributions with the right centre", () => {
    const r = Random.fromSeed(2);
    const n = 20000;
    const exp = Array.from({ length: n }, () => r.exponential(50));
    expect(exp.reduce((a, b) => a + b) / n).toBeGreaterThan(47);
    expect(exp.reduce((a, b) => a + b) / n).toBeLessThan(53);
    const ln = Array.from({ length: n }, () => r.logNormal(100, 0.5)).sort((a, b) => a - b);
    expect(ln[n / 2]).toBeGreaterThan(95);
    expect(ln[n / 2]).toBeLessThan(105);
    expect(Math.min(...ln)).toBeGreaterThan(0);
  });

  it("makes Kubernetes-shaped identifiers", () => {
    const r = Random.fromSeed(3);
    for (let i = 0; i < 100; i++) {
      expect(r.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(r.k8sSuffix()).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    }
  });

  it("shuffles into a permutation and chooses members", () => {
    const r = Random.fromSeed(4);
    const xs = [1, 2, 3, 4, 5, 6, 7, 8];
    const s = r.shuffle(xs);
    expect([...s].sort()).toEqual(xs);
    expect(s).not.toEqual(xs);
    expect(xs).toContain(r.choice(xs));
    expect(() => r.choice([])).toThrow(RangeError);
  });

  it("draws signed 64-bit integers", () => {
    const r = Random.fromSeed(5);
    const vs = Array.from({ length: 1000 }, () => r.int64());
    expect(vs.some((v) => v < 0n) && vs.some((v) => v > 0n)).toBe(true);
    for (const v of vs) expect(BigInt.asIntN(64, v)).toBe(v);
  });
});
