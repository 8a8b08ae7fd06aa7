import { describe, expect, it } from "vitest";
import { PodCluster } from "./pods.js";

/** What SELECT returns, and which rows UPDATE and DELETE name, with clustering restrictions. */

function ring() {
  const c = new PodCluster(1);
  expect(c.startOrdered(3)).toBe(true);
  c.runUntil(() => false, 15_000);
  const cqlsh = (pod: number, cql: string) => c.pods[pod]!.exec(["cqlsh", "-e", cql]);
  const rows = ["(1, 1, 'a')", "(1, 2, 'b')", "(1, 3, 'c')", "(2, 1, 'd')"].map((r) => `INSERT INTO ks.t (k, c, v) VALUES ${r};`).join(" ");
  expect(
    cqlsh(0, `CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}; CREATE TABLE ks.t (k int, c int, v text, PRIMARY KEY (k, c)); CONSISTENCY ALL; ${rows}`).status,
  ).toBe(0);
  const values = (cql: string) => [...cqlsh(1, cql).stdout.matchAll(/^ +\d+ \| +\d+ \| +(\w+)$/gm)].map((m) => m[1]).join("");
  return { cqlsh, values };
}

describe("clustering restrictions", () => {
  it("select the rows a clustering = , IN or slice names, and UPDATE and DELETE name as many", () => {
    const { cqlsh, values } = ring();
    expect(values("SELECT * FROM ks.t WHERE k = 1 AND c = 2;")).toBe("b");
    expect(values("SELECT * FROM ks.t WHERE k = 1 AND c IN (1, 3);")).toBe("ac");
    expect(values("SELECT * FROM ks.t WHERE k = 1 AND c > 1;")).toBe("bc");
    expect(values("SELECT * FROM ks.t WHERE k = 1 AND c >= 2 AND c < 3;")).toBe("b");
    expect(values("SELECT * FROM ks.t WHERE k IN (1, 2) AND c = 1;")).toBe("ad");
    expect(cqlsh(0, "CONSISTENCY ALL; UPDATE ks.t SET v = 'x' WHERE k = 1 AND c IN (1, 2); DELETE FROM ks.t WHERE k = 1 AND c IN (3);").status).toBe(0);
    expect(values("SELECT * FROM ks.t WHERE k = 1;")).toBe("xx");
  });
});
