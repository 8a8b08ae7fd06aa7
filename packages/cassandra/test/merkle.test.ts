import { describe, expect, it } from "vitest";
import { buildTrees, difference, leafRange, partitionHash } from "../src/core/merkle.js";
import { inRange } from "../src/core/messages.js";
import { MAX_TOKEN, type Token } from "../src/core/token.js";

const partition = (k: number, v: string) => ({ key: [k], rows: { "": { ck: [], marker: 1, cells: { v: { v, ts: 10 } } } } });
const entry = (token: Token, k: number, v = `v${k}`) => ({ token, hash: partitionHash(partition(k, v)) });

describe("repair's Merkle trees", () => {
  const range = [-1000n, 1000n] as const;

  it("split a range at midpoints into leaves that tile it", () => {
    const leaves = Array.from({ length: 8 }, (_, i) => leafRange(range, 3, i));
    expect(leaves[0]![0]).toBe(-1000n);
    expect(leaves[7]![1]).toBe(1000n);
    for (let i = 1; i < 8; i++) expect(leaves[i]![0]).toBe(leaves[i - 1]![1]);
    // The whole ring (a range from a token to itself) wraps past the end.
    const wrap = [MAX_TOKEN - 10n, MAX_TOKEN - 10n] as const;
    expect(leafRange(wrap, 1, 0)[1]).toBe(MAX_TOKEN - 10n + (1n << 63n) - (1n << 64n));
    expect(leafRange(wrap, 1, 1)[1]).toBe(MAX_TOKEN - 10n);
  });

  it("agree on equal data and name exactly the leaf where one partition differs", () => {
    const data = Array.from({ length: 16 }, (_, i) => entry(-990n + BigInt(i) * 125n, i));
    const a = buildTrees([range], data, inRange);
    expect(a[0]!.depth).toBe(4);
    expect(difference(a, buildTrees([range], [...data].reverse(), inRange))).toEqual([]);
    const changed = data.map((e, i) => (i === 9 ? entry(e.token, 9, "other") : e));
    const diff = difference(a, buildTrees([range], changed, inRange));
    expect(diff).toHaveLength(1);
    expect(inRange(data[9]!.token, diff[0]!)).toBe(true);
    expect(diff[0]![1] - diff[0]![0]).toBe(125n);
  });

  it("compare at the shallower tree's depth: an empty replica differs on the whole range", () => {
    const data = Array.from({ length: 16 }, (_, i) => entry(-990n + BigInt(i) * 125n, i));
    expect(difference(buildTrees([range], data, inRange), buildTrees([range], [], inRange))).toEqual([[-1000n, 1000n]]);
  });
});
