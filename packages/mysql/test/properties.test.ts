import { Random } from "@ksim/sim";
import { describe, expect, it } from "vitest";
import { LockWait } from "../src/innodb/engine.js";
import { SqlError } from "../src/sql/errors.js";
import { execute } from "../src/sql/executor.js";
import { parseScript } from "../src/sql/parser.js";
import { sqlWorld } from "./sql-helpers.js";

const WORDS = [
  "SELECT", "FROM", "WHERE", "INSERT", "INTO", "VALUES", "UPDATE", "SET", "DELETE", "CREATE", "TABLE", "DATABASE", "DROP", "USE", "SHOW",
  "TABLES", "DESCRIBE", "BEGIN", "COMMIT", "ROLLBACK", "GRANT", "ALL", "ON", "TO", "USER", "IDENTIFIED", "BY", "ORDER", "GROUP", "LIMIT",
  "AND", "OR", "NOT", "NULL", "IS", "IN", "LIKE", "COUNT(*)", "MAX(", "NOW()", "t", "x", "id", "v", "d", "*", "=", "<>", "<", ">", "(", ")",
  ",", ";", "'a'", "'", "`", "1", "2.5", "-", "+", "/", "@@autocommit", "@x", "INT", "VARCHAR(3)", "PRIMARY KEY", "AUTO_INCREMENT", "IF EXISTS",
  "'0000-00-00'", "DATETIME", "TEXT", "UNIQUE", "KEY", "DEFAULT", "#", "--", "/*", "*/", "\n", "DIV", "CASE", "WHEN", "THEN", "END",
];

describe("the SQL core under random input", () => {
  it("answers any token soup with a result or an SQL error, never a crash", () => {
    const w = sqlWorld();
    const s = w.session();
    for (const sql of ["CREATE DATABASE d", "USE d", "CREATE TABLE t (id INT PRIMARY KEY AUTO_INCREMENT, v VARCHAR(3), x INT)", "INSERT INTO t (v, x) VALUES ('a', 1), ('b', NULL)"]) w.run(s, sql);
    for (let seed = 0; seed < 300; seed++) {
      const r = Random.fromSeed(`soup-${seed}`);
      const sql = Array.from({ length: r.int(1, 14) }, () => r.choice(WORDS)).join(r.chance(0.2) ? "" : " ");
      for (const p of parseScript(sql)) {
        if (p.error !== undefined) {
          expect(p.error).toBeInstanceOf(SqlError);
          continue;
        }
        try {
          execute(s, p.statement!);
        } catch (e) {
          if (!(e instanceof SqlError) && !(e instanceof LockWait)) throw new Error(`${JSON.stringify(sql)} crashed: ${String(e)}`);
        }
      }
    }
  });
});

describe("InnoDB under random crashes", () => {
  it("recovers every transaction whose commit was fsynced and none that never committed, whatever tears", () => {
    for (let seed = 0; seed < 25; seed++) {
      const r = Random.fromSeed(`crash-${seed}`);
      const w = sqlWorld(seed);
      const s = w.session();
      for (const sql of ["CREATE DATABASE d", "USE d", "CREATE TABLE t (id INT PRIMARY KEY, v INT NOT NULL)"]) w.run(s, sql);
      // A transaction that never finishes: recovery must undo it.
      const open = w.session();
      w.run(open, "USE d");
      w.run(open, "BEGIN");
      /** Per row: the value as of the last fsync, then every value committed since (undefined: deleted). */
      const durable = new Map<number, number | undefined>();
      const since = new Map<number, (number | undefined)[]>();
      const current = new Map<number, number>();
      for (let step = 0; step < 120; step++) {
        const id = r.int(1, 20);
        const roll = r.float();
        if (roll < 0.1) w.engine().checkpoint();
        else if (roll < 0.2) w.run(open, `INSERT INTO t VALUES (${100 + step}, 0)`);
        else {
          const insert = r.chance(0.5);
          w.run(s, "BEGIN");
          w.run(s, insert ? `INSERT INTO t VALUES (${id}, ${step}) ON DUPLICATE KEY UPDATE v = ${step}` : `DELETE FROM t WHERE id = ${id}`);
          w.run(s, "COMMIT");
          if (insert) current.set(id, step);
          else current.delete(id);
          since.set(id, [...(since.get(id) ?? []), current.get(id)]);
          if (r.chance(0.6)) {
            w.engine().redo.write();
            w.engine().redo.fsync();
            for (let k = 1; k <= 20; k++) durable.set(k, current.get(k));
            since.clear();
          } else if (r.chance(0.5)) w.engine().redo.write();
        }
      }
      w.volume.crash({ tear: true, random: r.fork("tear") });
      w.reopen();
      const fresh = w.session();
      w.run(fresh, "USE d");
      const out = w.run(fresh, "SELECT id, v FROM t ORDER BY id");
      const rows = out === "Empty set" ? [] : out.split("\n").slice(3, -2).map((l) => l.split("|").slice(1, 3).map((x) => Number(x.trim())) as [number, number]);
      const recovered = new Map(rows);
      for (let k = 1; k <= 20; k++) {
        const allowed = [durable.get(k), ...(since.get(k) ?? [])];
        expect(allowed, `seed ${seed}, row ${k}`).toContain(recovered.get(k));
      }
      expect(rows.filter(([id]) => id >= 100), `seed ${seed}`).toEqual([]);
    }
  });
});
