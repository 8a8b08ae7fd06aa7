import { describe, expect, it } from "vitest";
import { cloneJson, jsonEqual } from "../src/api/json-value.js";

/** Canonical text of a JSON value: keys sorted, undefined-valued keys dropped. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? "undefined" : canonical(x))).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

describe("jsonEqual", () => {
  it("agrees with comparing canonical text, on random values that often differ by one leaf", () => {
    // mulberry32: a small generator whose low bits are as random as its high ones.
    let seed = 11;
    const next = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) % n;
    };
    const value = (depth: number): unknown => {
      switch (next(depth > 2 ? 4 : 7)) {
        case 0: return next(3);
        case 1: return ["a", "b", ""][next(3)];
        case 2: return next(2) === 0;
        case 3: return next(4) === 0 ? null : undefined;
        case 4: case 5: return Array.from({ length: next(3) }, () => value(depth + 1));
        default: return Object.fromEntries(Array.from({ length: next(4) }, () => [["x", "y", "z"][next(3)]!, value(depth + 1)]));
      }
    };
    let equalPairs = 0;
    for (let i = 0; i < 3000; i++) {
      const a = value(0);
      const b = next(2) === 0 ? cloneJson(a) : value(0);
      const expected = canonical(a) === canonical(b);
      if (expected) equalPairs++;
      expect(jsonEqual(a, b), `${canonical(a)} vs ${canonical(b)}`).toBe(expected);
      expect(jsonEqual(b, a)).toBe(expected);
    }
    expect(equalPairs).toBeGreaterThan(1000);
  });

  it("counts a key holding undefined as absent", () => {
    expect(jsonEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined })).toBe(true);
    expect(jsonEqual({ a: 1, b: null }, { a: 1 })).toBe(false);
  });
});
