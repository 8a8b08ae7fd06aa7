import { spawn, type Proc } from "@ksim/sim";
import { describe, expect, it } from "vitest";
import { CqlDriver, type Outcome } from "../src/index.js";
import { PodCluster } from "./pods.js";

/**
 * Lightweight transactions on the tutorial's three-member ring: conditional writes through
 * Paxos, their `[applied]` answers as cqlsh prints them, SERIAL reads, availability with one and
 * two members down, and a race of coordinators for one key that exactly one wins.
 */

function ring(seed = 1) {
  const c = new PodCluster(seed);
  expect(c.startOrdered(3)).toBe(true);
  c.runUntil(() => false, 15_000);
  const cqlsh = (pod: number, cql: string) => c.pods[pod]!.exec(["cqlsh", "-e", cql]);
  expect(cqlsh(0, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}; CREATE TABLE ks.t (k int PRIMARY KEY, v text, n int);").status).toBe(0);
  return { c, cqlsh };
}

const APPLIED = "\n [applied]\n-----------\n      True\n\n";
const NOT_APPLIED = "\n [applied]\n-----------\n     False\n\n";

describe("lightweight transactions", () => {
  it("apply a conditional write once, answer with the values judged when not, and read at SERIAL", () => {
    const { cqlsh } = ring();
    expect(cqlsh(0, "INSERT INTO ks.t (k, v, n) VALUES (1, 'a', 10) IF NOT EXISTS;").stdout).toBe(APPLIED);
    // From another coordinator: the row exists, and the whole of it comes back, key first then the rest by name.
    expect(cqlsh(1, "INSERT INTO ks.t (k, v) VALUES (1, 'b') IF NOT EXISTS;").stdout).toBe("\n [applied] | k | n  | v\n-----------+---+----+---\n     False | 1 | 10 | a\n\n");
    expect(cqlsh(2, "UPDATE ks.t SET v = 'c' WHERE k = 1 IF v = 'a';").stdout).toBe(APPLIED);
    // Not applied: the condition's columns, in its order.
    expect(cqlsh(2, "UPDATE ks.t SET v = 'd' WHERE k = 1 IF v = 'a' AND n > 5;").stdout).toBe("\n [applied] | v | n\n-----------+---+----\n     False | c | 10\n\n");
    expect(cqlsh(0, "UPDATE ks.t SET v = 'e' WHERE k = 2 IF EXISTS;").stdout).toBe(NOT_APPLIED);
    expect(cqlsh(0, "UPDATE ks.t SET n = 11 WHERE k = 1 IF v IN ('x', 'c') AND n != 11;").stdout).toBe(APPLIED);
    expect(cqlsh(1, "CONSISTENCY SERIAL; SELECT * FROM ks.t WHERE k = 1;").stdout).toBe("Consistency level set to SERIAL.\n\n k | n  | v\n---+----+---\n 1 | 11 | c\n\n(1 rows)\n");
    expect(cqlsh(0, "DELETE FROM ks.t WHERE k = 1 IF EXISTS; SELECT * FROM ks.t;").stdout).toBe(`${APPLIED}\n k | n | v\n---+---+---\n\n(0 rows)\n`);
    expect(cqlsh(0, "SERIAL CONSISTENCY; SERIAL CONSISTENCY LOCAL_SERIAL; SERIAL CONSISTENCY QUORUM").stdout).toBe("Current serial consistency level is SERIAL.\nSerial consistency level set to LOCAL_SERIAL.\n");
  });

  it("refuse what Cassandra 3.11 refuses, with its words", () => {
    const { cqlsh } = ring();
    const message = (cql: string) => /message="(.*)"\n/.exec(cqlsh(0, cql).stderr)?.[1];
    expect(message("INSERT INTO ks.t (k, v) VALUES (3, 'x') IF NOT EXISTS USING TIMESTAMP 5;")).toBe("Cannot provide custom timestamp for conditional updates");
    expect(message("UPDATE ks.t SET v = 'x' WHERE k = 3 IF k = 3;")).toBe("PRIMARY KEY column 'k' cannot have IF conditions");
    expect(message("UPDATE ks.t SET v = 'x' WHERE k = 3 IF w = 3;")).toBe("Unknown identifier w in IF conditions");
    expect(message("UPDATE ks.t SET v = 'x' WHERE k IN (3, 4) IF v = 'a';")).toBe("IN on the partition key is not supported with conditional updates");
    expect(message("UPDATE ks.t SET v = 'x' WHERE k = 3 IF n > null;")).toBe('Invalid comparison with null for operator ">"');
    expect(message("CONSISTENCY SERIAL; INSERT INTO ks.t (k, v) VALUES (4, 'x') IF NOT EXISTS;")).toBe(
      'SERIAL is not supported as conditional update commit consistency. Use ANY if you mean "make sure it is accepted but I don\'t care how many replicas commit it for non-SERIAL reads"',
    );
    expect(message("CONSISTENCY SERIAL; INSERT INTO ks.t (k, v) VALUES (4, 'x');")).toBe("You must use conditional updates for serializable writes");
    expect(message("CONSISTENCY SERIAL; SELECT * FROM ks.t;")).toBe("SERIAL/LOCAL_SERIAL consistency may only be requested for one partition at a time");
  });

  it("need a quorum of the replicas: one down is fine, two down is unavailable at SERIAL", () => {
    const { c, cqlsh } = ring();
    c.pods[2]!.crash();
    c.runUntil(() => false, 30_000);
    expect(cqlsh(0, "INSERT INTO ks.t (k, v) VALUES (5, 'a') IF NOT EXISTS;").stdout).toBe(APPLIED);
    c.pods[1]!.crash();
    c.runUntil(() => false, 30_000);
    const r = cqlsh(0, "INSERT INTO ks.t (k, v) VALUES (6, 'a') IF NOT EXISTS;");
    expect(r.stderr).toContain(`Unavailable: Error from server: code=1000 [Unavailable exception] message="Cannot achieve consistency level SERIAL" info={'required_replicas': 2, 'alive_replicas': 1, 'consistency': 'SERIAL'}`);
    // A plain write at ONE still goes through.
    expect(cqlsh(0, "INSERT INTO ks.t (k, v) VALUES (6, 'a');").status).toBe(0);
  });

  for (const seed of [1, 2, 3]) {
    it(`let exactly one of racing coordinators insert a key, and every answer names the winner (seed ${seed})`, () => {
      const { c } = ring(seed);
      const clients = c.pods.map((p, i) => new CqlDriver(c.sim, c.net.addHost(`client-${i}`, `10.0.0.${100 + i}`), { contactPoints: [p.ip] }));
      const tasks = clients.map((d, i) =>
        spawn(
          c.sim,
          (function* (): Proc<Outcome> {
            return yield* d.execute(`INSERT INTO ks.t (k, v) VALUES (7, 'client-${i}') IF NOT EXISTS`, "QUORUM");
          })(),
        ),
      );
      expect(c.runUntil(() => tasks.every((t) => t.done), 60_000)).toBe(true);
      const rows = tasks.map((t) => {
        const o = t.result!.ok ? t.result!.value : undefined;
        if (o?.kind !== "response" || o.response.kind !== "ROWS") throw new Error(`no answer: ${JSON.stringify(o)}`);
        return o.response.rows[0]!;
      });
      const winners = rows.map((r, i) => (r[0] === true ? `client-${i}` : undefined)).filter((w) => w !== undefined);
      expect(winners).toHaveLength(1);
      // The losers saw the winner's row.
      for (const r of rows) if (r[0] === false) expect(r[3]).toBe(winners[0]);
      const read = c.pods[0]!.exec(["cqlsh", "-e", "CONSISTENCY SERIAL; SELECT v FROM ks.t WHERE k = 7;"]).stdout;
      expect(read).toContain(` ${winners[0]}\n`);
    });
  }
});
