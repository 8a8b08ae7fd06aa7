import { Random } from "@ksim/sim";
import { describe, expect, it } from "vitest";
import { effectiveOwnership, OwnershipError } from "../src/core/ownership.js";
import type { Replication } from "../src/core/replication.js";
import { Ring, TokenMetadata } from "../src/core/ring.js";
import { describeOwnership, MAX_TOKEN, MIN_TOKEN, randomTokens, tokenOf, type Token } from "../src/core/token.js";
import { partitionKeyBytes, serialize } from "../src/core/types.js";

function ringOf(nodes: number, tokensPerNode: number, seed: string, rack = (_i: number) => "r1"): Ring {
  const random = Random.fromSeed(seed);
  const tm = new TokenMetadata((ep) => ({ dc: "dc1", rack: rack(Number(ep.split(".")[3])) }));
  for (let i = 0; i < nodes; i++) {
    tm.updateNormalTokens(randomTokens(random, tokensPerNode, (t) => tm.endpointFor(t) !== undefined), `10.0.0.${i}`);
  }
  return tm.ring();
}

const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

describe("Murmur3Partitioner", () => {
  it("computes the tokens a real cluster gives int and text keys", () => {
    // SELECT token(k) for int keys 1 and 2, as every Cassandra 3.x returns.
    expect(tokenOf(serialize("int", 1))).toBe(-4069959284402364209n);
    expect(tokenOf(serialize("int", 2))).toBe(-3248873570005575792n);
    // A composite key hashes its CompositeType serialization, not the concatenated values.
    const composite = tokenOf(partitionKeyBytes(["int", "text"], [1, "a"]));
    expect(composite).not.toBe(tokenOf(serialize("int", 1)));
    expect(composite).toBe(tokenOf(Uint8Array.from([0, 4, 0, 0, 0, 1, 0, 0, 1, 0x61, 0])));
  });

  it("never hands out the reserved minimum token", () => {
    const r = Random.fromSeed(3);
    const tokens = randomTokens(r, 2000, () => false);
    expect(new Set(tokens).size).toBe(2000);
    for (const t of tokens) expect(t > MIN_TOKEN && t <= MAX_TOKEN).toBe(true);
  });

  it("describes ownership as 6-decimal HALF_EVEN fractions of the ring, the first token wrapping around", () => {
    expect(describeOwnership([42n])).toEqual(new Map([[42n, 1]]));
    const half = describeOwnership([-(1n << 62n), 1n << 62n]);
    expect(half.get(1n << 62n)).toBe(Math.fround(0.5));
    expect(half.get(-(1n << 62n))).toBe(Math.fround(0.5));
    // 1/3 of 2^64-2 rounds to 0.333333 (HALF_EVEN at the 6th decimal), then to float.
    const third = (1n << 64n) / 3n;
    const three = describeOwnership([MIN_TOKEN + 1n, MIN_TOKEN + 1n + third, MIN_TOKEN + 1n + 2n * third]);
    expect([...three.values()].every((v) => v === Math.fround(0.333333) || v === Math.fround(0.333334))).toBe(true);
    expect(() => describeOwnership([])).toThrow("No nodes present in the cluster. Has this node finished starting up?");
  });
});

describe("effective ownership", () => {
  const ks = (name: string, replication: Replication, user = true) => ({ name, replication, user });
  const traces = ks("system_traces", { class: "SimpleStrategy", replication_factor: 2 }, false);

  it("sums to RF x 100% across the ring: 300% for RF 3 on 4 nodes, 100% for RF 1", () => {
    const ring = ringOf(4, 32, "own");
    const rf3 = effectiveOwnership(ring, [traces, ks("demo", { class: "SimpleStrategy", replication_factor: 3 })], undefined);
    expect(sum(rf3)).toBeCloseTo(3, 4);
    for (const v of rf3.values()) expect(v).toBeLessThanOrEqual(1);
    const rf1 = effectiveOwnership(ring, [traces, ks("one", { class: "SimpleStrategy", replication_factor: 1 })], undefined);
    expect(sum(rf1)).toBeCloseTo(1, 4);
  });

  it("uses system_traces (RF 2) when there is no user keyspace, as the tutorial's fresh ring shows", () => {
    const ring = ringOf(3, 32, "tutorial");
    const owns = effectiveOwnership(ring, [traces], undefined);
    expect(sum(owns)).toBeCloseTo(2, 4);
    expect([...owns.keys()].sort()).toEqual(["10.0.0.0", "10.0.0.1", "10.0.0.2"]);
  });

  it("refuses to average keyspaces that replicate differently, and names the problems nodetool prints", () => {
    const ring = ringOf(3, 8, "note");
    const a = ks("a", { class: "SimpleStrategy", replication_factor: 3 });
    const b = ks("b", { class: "SimpleStrategy", replication_factor: 1 });
    expect(() => effectiveOwnership(ring, [traces, a, b], undefined)).toThrow(
      new OwnershipError(
        "IllegalStateException",
        "Non-system keyspaces don't have the same replication settings, effective ownership information is meaningless",
      ),
    );
    // Naming a keyspace sidesteps the disagreement.
    expect(sum(effectiveOwnership(ring, [traces, a, b], "b"))).toBeCloseTo(1, 4);
    expect(() => effectiveOwnership(ring, [traces], "nope")).toThrow("The keyspace nope, does not exist");
    expect(() => effectiveOwnership(ring, [ks("system", { class: "LocalStrategy" }, false)], "system")).toThrow(
      "Ownership values for keyspaces with LocalStrategy are meaningless",
    );
    expect(() => effectiveOwnership(ring, [], undefined)).toThrow("The node does not have system_traces yet, probably still bootstrapping");
  });

  it("places NetworkTopologyStrategy replicas on distinct racks before repeating one", () => {
    const ring = ringOf(6, 16, "racks", (i) => `r${i % 3}`);
    const nts: Replication = { class: "NetworkTopologyStrategy", dcs: { dc1: 3 } };
    for (const t of ring.sorted as Token[]) {
      const eps = ring.naturalEndpoints(t, nts);
      expect(eps.length).toBe(3);
      expect(new Set(eps.map((e) => Number(e.split(".")[3]) % 3)).size).toBe(3);
    }
    expect(sum(effectiveOwnership(ring, [traces, ks("n", nts)], undefined))).toBeCloseTo(3, 4);
  });
});
