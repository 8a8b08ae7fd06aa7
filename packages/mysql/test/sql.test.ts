import { describe, expect, it } from "vitest";
import { LockWait } from "../src/innodb/engine.js";
import { execute } from "../src/sql/executor.js";
import { parseScript, parseStatement } from "../src/sql/parser.js";
import { sqlWorld } from "./sql-helpers.js";

function shop() {
  const w = sqlWorld();
  const root = w.session();
  for (const sql of [
    "CREATE DATABASE shop",
    "USE shop",
    "CREATE TABLE t (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20), price DECIMAL(6,2))",
    "INSERT INTO t (name, price) VALUES ('apple', 1.5), ('pear', NULL)",
  ]) {
    expect(w.run(root, sql)).toMatch(/^Query OK/);
  }
  return { ...w, root };
}

describe("statements and results", () => {
  it("creates, inserts and selects, laying results out as the client does", () => {
    const { run, root } = shop();
    expect(run(root, "SELECT * FROM t")).toBe(
      "+----+-------+-------+\n" +
        "| id | name  | price |\n" +
        "+----+-------+-------+\n" +
        "|  1 | apple |  1.50 |\n" +
        "|  2 | pear  |  NULL |\n" +
        "+----+-------+-------+\n",
    );
    expect(run(root, "INSERT INTO t (name) VALUES ('fig')")).toBe("Query OK, 1 row affected");
    expect(run(root, "SELECT LAST_INSERT_ID()")).toContain("|                3 |");
    expect(run(root, "UPDATE t SET price = price * 2 WHERE price IS NOT NULL")).toBe("Query OK, 1 row affected\nRows matched: 1  Changed: 1  Warnings: 0");
    expect(run(root, "DELETE FROM t WHERE name LIKE 'p%'")).toBe("Query OK, 1 row affected");
    expect(run(root, "SELECT name, price FROM t WHERE id IN (1, 3) ORDER BY name DESC")).toBe(
      "+-------+-------+\n| name  | price |\n+-------+-------+\n| fig   |  NULL |\n| apple |  3.00 |\n+-------+-------+\n",
    );
  });

  it("computes aggregates with MySQL's types: COUNT is an integer, AVG and / get four more decimals", () => {
    const { run, root } = shop();
    expect(run(root, "SELECT COUNT(*), AVG(price), SUM(price), MAX(name), 10/4 FROM t")).toBe(
      "+----------+------------+------------+-----------+--------+\n" +
        "| COUNT(*) | AVG(price) | SUM(price) | MAX(name) | 10/4   |\n" +
        "+----------+------------+------------+-----------+--------+\n" +
        "|        2 |   1.500000 |       1.50 | pear      | 2.5000 |\n" +
        "+----------+------------+------------+-----------+--------+\n",
    );
    expect(run(root, "SELECT name AS n, COUNT(*) AS c FROM t GROUP BY name HAVING c > 0 ORDER BY n LIMIT 1 OFFSET 1")).toBe(
      "+------+---+\n| n    | c |\n+------+---+\n| pear | 1 |\n+------+---+\n",
    );
    expect(run(root, "SELECT * FROM t WHERE 1 = 0")).toBe("Empty set");
  });

  it("answers server functions and variables", () => {
    const { run, session } = shop();
    const fresh = session();
    expect(run(fresh, "SELECT VERSION(), DATABASE(), 1")).toBe(
      "+-----------+------------+---+\n| VERSION() | DATABASE() | 1 |\n+-----------+------------+---+\n| 8.0.36    | NULL       | 1 |\n+-----------+------------+---+\n",
    );
    expect(run(fresh, "SELECT NOW()")).toContain("| 2024-01-01 00:00:00 |");
    expect(run(fresh, "SELECT @@autocommit, @@innodb_flush_log_at_trx_commit")).toContain("|            1 |                                1 |");
    expect(run(fresh, "SELECT @@nope")).toBe("ERROR 1193 (HY000): Unknown system variable 'nope'");
    expect(run(fresh, "SELECT @@innodb_flush_method")).toContain("| fsync                 |");
    expect(run(fresh, "SET GLOBAL innodb_flush_method = 'O_DIRECT'")).toBe("ERROR 1238 (HY000): Variable 'innodb_flush_method' is a read only variable");
  });

  it("describes tables as SHOW and DESCRIBE print them in MySQL 8", () => {
    const { run, root } = shop();
    expect(run(root, "DESCRIBE t")).toBe(
      "+-------+--------------+------+-----+---------+----------------+\n" +
        "| Field | Type         | Null | Key | Default | Extra          |\n" +
        "+-------+--------------+------+-----+---------+----------------+\n" +
        "| id    | int          | NO   | PRI | NULL    | auto_increment |\n" +
        "| name  | varchar(20)  | YES  |     | NULL    |                |\n" +
        "| price | decimal(6,2) | YES  |     | NULL    |                |\n" +
        "+-------+--------------+------+-----+---------+----------------+\n",
    );
    expect(run(root, "SHOW TABLES")).toBe("+----------------+\n| Tables_in_shop |\n+----------------+\n| t              |\n+----------------+\n");
    expect(run(root, "SHOW DATABASES")).toBe(
      "+--------------------+\n| Database           |\n+--------------------+\n| information_schema |\n| mysql              |\n| performance_schema |\n| shop               |\n| sys                |\n+--------------------+\n",
    );
    const create = execute(root, parseStatement("SHOW CREATE TABLE t"));
    expect(create.kind === "rows" && create.rows[0]![1]).toBe(
      "CREATE TABLE `t` (\n  `id` int NOT NULL AUTO_INCREMENT,\n  `name` varchar(20) DEFAULT NULL,\n  `price` decimal(6,2) DEFAULT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB AUTO_INCREMENT=3 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci",
    );
  });
});

describe("errors, with MySQL's codes and words", () => {
  it("quotes a syntax error from the token where parsing stopped, with its line", () => {
    const { run, root } = shop();
    const near = (q: string, l = 1) =>
      `ERROR 1064 (42000): You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '${q}' at line ${l}`;
    expect(run(root, "SELECT * FORM t")).toBe(near("FORM t"));
    expect(run(root, "SELEC 1")).toBe(near("SELEC 1"));
    expect(run(root, "SELECT 1,\nFROM t")).toBe(near("FROM t", 2));
    expect(run(root, "INSERT INTO t VALUES (1")).toBe(near(""));
    expect(run(root, "SELECT 'abc")).toBe(near("'abc"));
    expect(run(root, "SELECT * FROM order")).toBe(near("order"));
    expect(run(root, "CREATE TABLE x (id INT,)")).toBe(near(")"));
    expect(run(root, "DELETE t WHERE id = 1")).toBe(near("WHERE id = 1"));
    expect(run(root, `SELECT * FROM t WHERE ${"x = 1 AND ".repeat(20)}`)).toBe(near(""));
    expect(run(root, `UPDATE t SET WHERE ${"y ".repeat(60)}`)).toBe(near(`WHERE ${"y ".repeat(60)}`.slice(0, 80)));
  });

  it("names missing databases, tables and columns", () => {
    const { run, root, session } = shop();
    expect(run(root, "SELECT * FROM missing")).toBe("ERROR 1146 (42S02): Table 'shop.missing' doesn't exist");
    expect(run(root, "USE nope")).toBe("ERROR 1049 (42000): Unknown database 'nope'");
    expect(run(root, "DROP TABLE missing")).toBe("ERROR 1051 (42S02): Unknown table 'shop.missing'");
    expect(run(root, "DROP TABLE IF EXISTS missing")).toBe("Query OK, 0 rows affected, 1 warning");
    expect(run(root, "SHOW WARNINGS")).toBe(
      "+-------+------+------------------------------+\n" +
        "| Level | Code | Message                      |\n" +
        "+-------+------+------------------------------+\n" +
        "| Note  | 1051 | Unknown table 'shop.missing' |\n" +
        "+-------+------+------------------------------+\n",
    );
    expect(run(root, "CREATE DATABASE shop")).toBe("ERROR 1007 (HY000): Can't create database 'shop'; database exists");
    expect(run(root, "SELECT nope FROM t")).toBe("ERROR 1054 (42S22): Unknown column 'nope' in 'field list'");
    expect(run(root, "SELECT * FROM t WHERE nope = 1")).toBe("ERROR 1054 (42S22): Unknown column 'nope' in 'where clause'");
    expect(run(root, "SELECT * FROM t ORDER BY nope")).toBe("ERROR 1054 (42S22): Unknown column 'nope' in 'order clause'");
    expect(run(session(), "SELECT * FROM t")).toBe("ERROR 1046 (3D000): No database selected");
    expect(run(root, "SELECT nosuch(1)")).toBe("ERROR 1305 (42000): FUNCTION shop.nosuch does not exist");
    expect(run(root, "")).toBe("ERROR 1065 (42000): Query was empty");
  });

  it("keeps keys unique, naming the key as table.key", () => {
    const { run, root } = shop();
    expect(run(root, "INSERT INTO t (id, name) VALUES (1, 'dup')")).toBe("ERROR 1062 (23000): Duplicate entry '1' for key 't.PRIMARY'");
    expect(run(root, "CREATE TABLE u (id INT PRIMARY KEY, email VARCHAR(50), UNIQUE KEY email (email))")).toBe("Query OK, 0 rows affected");
    expect(run(root, "INSERT INTO u VALUES (1, 'A@x.org')")).toBe("Query OK, 1 row affected");
    // The default collation is case-insensitive, so this is the same key.
    expect(run(root, "INSERT INTO u VALUES (2, 'a@x.org')")).toBe("ERROR 1062 (23000): Duplicate entry 'a@x.org' for key 'u.email'");
    expect(run(root, "INSERT IGNORE INTO u VALUES (2, 'a@x.org')")).toBe("Query OK, 0 rows affected, 1 warning");
    expect(run(root, "INSERT INTO u VALUES (1, 'b@x.org') ON DUPLICATE KEY UPDATE email = VALUES(email)")).toBe("Query OK, 2 rows affected");
    expect(run(root, "SELECT email FROM u")).toBe("+---------+\n| email   |\n+---------+\n| b@x.org |\n+---------+\n");
    expect(run(root, "INSERT INTO t (name) VALUES ('a', 'b')")).toBe("ERROR 1136 (21S01): Column count doesn't match value count at row 1");
  });

  it("refuses bad values in strict mode and warns without it", () => {
    const { run, root } = shop();
    run(root, "CREATE TABLE s (a INT NOT NULL, b VARCHAR(3))");
    expect(run(root, "INSERT INTO s (b) VALUES ('x')")).toBe("ERROR 1364 (HY000): Field 'a' doesn't have a default value");
    expect(run(root, "INSERT INTO s VALUES (NULL, 'x')")).toBe("ERROR 1048 (23000): Column 'a' cannot be null");
    expect(run(root, "INSERT INTO s VALUES (1, 'toolong')")).toBe("ERROR 1406 (22001): Data too long for column 'b' at row 1");
    expect(run(root, "INSERT INTO s VALUES ('abc', 'x')")).toBe("ERROR 1366 (HY000): Incorrect integer value: 'abc' for column 'a' at row 1");
    expect(run(root, "CREATE TABLE d (x DATETIME NOT NULL DEFAULT '0000-00-00 00:00:00')")).toBe("ERROR 1067 (42000): Invalid default value for 'x'");
    expect(run(root, "SET SESSION sql_mode = ''")).toBe("Query OK, 0 rows affected");
    expect(run(root, "INSERT INTO s VALUES (1, 'toolong')")).toBe("Query OK, 1 row affected, 1 warning");
    expect(run(root, "SHOW WARNINGS")).toContain("| Warning | 1265 | Data truncated for column 'b' at row 1 |");
    expect(run(root, "CREATE TABLE d (x DATETIME NOT NULL DEFAULT '0000-00-00 00:00:00')")).toBe("Query OK, 0 rows affected");
  });

  it("checks accounts and privileges as the entrypoint sets them up", () => {
    const { run, root, session } = shop();
    for (const sql of ["CREATE DATABASE wordpress", "CREATE USER 'wordpress'@'%' IDENTIFIED BY 'pw'", "GRANT ALL ON `wordpress`.* TO 'wordpress'@'%'", "FLUSH PRIVILEGES"]) {
      expect(run(root, sql)).toMatch(/^Query OK/);
    }
    expect(run(root, "CREATE USER 'wordpress'@'%' IDENTIFIED BY 'pw'")).toBe("ERROR 1396 (HY000): Operation CREATE USER failed for 'wordpress'@'%'");
    expect(run(root, "GRANT ALL ON shop.* TO 'ghost'@'%'")).toBe("ERROR 1410 (42000): You are not allowed to create a user with GRANT");
    const wp = session("wordpress", "10.244.1.5");
    expect(run(wp, "SHOW DATABASES")).toBe("+--------------------+\n| Database           |\n+--------------------+\n| information_schema |\n| performance_schema |\n| wordpress          |\n+--------------------+\n");
    expect(run(wp, "SELECT * FROM mysql.user")).toBe("ERROR 1142 (42000): SELECT command denied to user 'wordpress'@'10.244.1.5' for table 'user'");
    expect(run(wp, "USE shop")).toBe("ERROR 1044 (42000): Access denied for user 'wordpress'@'10.244.1.5' to database 'shop'");
    expect(run(wp, "CREATE USER 'x'@'%'")).toBe("ERROR 1227 (42000): Access denied; you need (at least one of) the CREATE USER privilege(s) for this operation");
    expect(run(wp, "USE wordpress")).toBe("Query OK, 0 rows affected");
    expect(run(wp, "CREATE TABLE posts (id INT PRIMARY KEY)")).toBe("Query OK, 0 rows affected");
    expect(run(wp, "SHOW GRANTS")).toBe(
      "+----------------------------------------------------------+\n" +
        "| Grants for wordpress@%                                   |\n" +
        "+----------------------------------------------------------+\n" +
        "| GRANT USAGE ON *.* TO `wordpress`@`%`                    |\n" +
        "| GRANT ALL PRIVILEGES ON `wordpress`.* TO `wordpress`@`%` |\n" +
        "+----------------------------------------------------------+\n",
    );
  });

  it("stops a multi-statement query at the first error", () => {
    const parsed = parseScript("SELECT 1; SELEC 2; SELECT 3");
    expect(parsed.length).toBe(2);
    expect(parsed[1]!.error?.message).toContain("near 'SELEC 2; SELECT 3' at line 1");
  });
});

describe("transactions", () => {
  it("hide uncommitted rows from other sessions and undo them on ROLLBACK", () => {
    const { run, root, session } = shop();
    const other = session();
    run(other, "USE shop");
    expect(run(root, "BEGIN")).toBe("Query OK, 0 rows affected");
    run(root, "INSERT INTO t (name) VALUES ('kiwi')");
    expect(run(root, "SELECT COUNT(*) FROM t")).toContain("|        3 |");
    expect(run(other, "SELECT COUNT(*) FROM t")).toContain("|        2 |");
    run(root, "ROLLBACK");
    expect(run(root, "SELECT COUNT(*) FROM t")).toContain("|        2 |");
    run(root, "START TRANSACTION");
    run(root, "UPDATE t SET name = 'APPLE' WHERE id = 1");
    expect(run(other, "SELECT name FROM t WHERE id = 1")).toContain("| apple |");
    run(root, "COMMIT");
    expect(run(other, "SELECT name FROM t WHERE id = 1")).toContain("| APPLE |");
  });

  it("make a writer wait for a row another transaction holds, and undo the waiting statement", () => {
    const { run, root, session } = shop();
    const other = session();
    run(other, "USE shop");
    run(root, "BEGIN");
    run(root, "UPDATE t SET price = 9 WHERE id = 2");
    run(other, "BEGIN");
    run(other, "INSERT INTO t (name) VALUES ('lime')");
    expect(() => execute(other, parseStatement("UPDATE t SET price = 1 WHERE id = 2"))).toThrow(LockWait);
    run(root, "COMMIT");
    expect(run(other, "UPDATE t SET price = 1 WHERE id = 2")).toBe("Query OK, 1 row affected\nRows matched: 1  Changed: 1  Warnings: 0");
    run(other, "COMMIT");
    expect(run(root, "SELECT id, price FROM t ORDER BY id")).toBe("+----+-------+\n| id | price |\n+----+-------+\n|  1 |  1.50 |\n|  2 |  1.00 |\n|  3 |  NULL |\n+----+-------+\n");
  });

  it("treat DDL as an implicit commit", () => {
    const { run, root, session } = shop();
    const other = session();
    run(other, "USE shop");
    run(root, "BEGIN");
    run(root, "INSERT INTO t (name) VALUES ('plum')");
    run(root, "CREATE TABLE x (a INT)");
    run(root, "ROLLBACK");
    expect(run(other, "SELECT COUNT(*) FROM t")).toContain("|        3 |");
  });
});
