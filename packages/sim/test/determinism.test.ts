import { describe, expect, it } from "vitest";
import { runRandomWorkload } from "./random-workload.js";

describe("determinism", () => {
  it("gives byte-identical traces for the same seed and different ones across 200 seeds", () => {
    const hashes = new Map<string, number>();
    for (let seed = 1; seed <= 200; seed++) {
      const first = runRandomWorkload(seed);
      const second = runRandomWorkload(seed);
      expect(second, `seed ${seed} ran twice`).toBe(first);
      const clash = hashes.get(first);
      expect(clash, `seeds ${clash} and ${seed} gave the same trace`).toBeUndefined();
      hashes.set(first, seed);
    }
    expect(hashes.size).toBe(200);
  });
});
