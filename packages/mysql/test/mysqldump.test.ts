import { describe, expect, it } from "vitest";
import { initializedServer, TestCluster } from "./harness.js";

function server() {
  const c = new TestCluster(5);
  const pod = initializedServer(c);
  pod.run(["mysql", "-uroot", "-psecret", "wordpress", "-e", "CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(10), n DECIMAL(5,2)); INSERT INTO t VALUES (1, 'it''s\there', 1.5), (2, NULL, NULL); CREATE TABLE empty (id INT PRIMARY KEY)"]);
  return { c, pod };
}

const WARNING = "mysqldump: [Warning] Using a password on the command line interface can be insecure.\n";

describe("mysqldump", () => {
  it("dumps a database as mysqldump 8.0 does, and the dump restores through the mysql client", () => {
    const { pod } = server();
    const dump = pod.run(["mysqldump", "-uroot", "-psecret", "wordpress"]);
    expect(dump.status).toBe(0);
    expect(dump.err).toBe(WARNING);
    expect(dump.out.startsWith("-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n--\n-- Host: localhost    Database: wordpress\n-- ------------------------------------------------------\n-- Server version\t8.0.36\n\n/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n")).toBe(true);
    expect(dump.out).toContain(
      "--\n-- Dumping data for table `t`\n--\n\nLOCK TABLES `t` WRITE;\n/*!40000 ALTER TABLE `t` DISABLE KEYS */;\nINSERT INTO `t` VALUES (1,'it\\'s\there',1.50),(2,NULL,NULL);\n/*!40000 ALTER TABLE `t` ENABLE KEYS */;\nUNLOCK TABLES;\n",
    );
    expect(dump.out).toContain("LOCK TABLES `empty` WRITE;\n/*!40000 ALTER TABLE `empty` DISABLE KEYS */;\n/*!40000 ALTER TABLE `empty` ENABLE KEYS */;\nUNLOCK TABLES;\n");
    expect(dump.out).toMatch(/\n-- Dump completed on 2024-01-01 {2}0:00:\d\d\n$/);
    // Lose the data, restore it from the dump: the same rows come back.
    expect(pod.run(["mysql", "-uroot", "-psecret", "-e", "DROP DATABASE wordpress; CREATE DATABASE wordpress"]).status).toBe(0);
    expect(pod.run(["mysql", "-uroot", "-psecret", "wordpress"], dump.out).status).toBe(0);
    expect(pod.run(["mysql", "-uroot", "-psecret", "-N", "-e", "SELECT id, name, n FROM wordpress.t ORDER BY id"]).out).toBe("1\tit's\\there\t1.50\n2\tNULL\tNULL\n");
  });

  it("dumps --databases with CREATE DATABASE and USE, --all-databases without the system schemas, and fails as mysqldump does", () => {
    const { pod } = server();
    const db = pod.run(["mysqldump", "-uroot", "-psecret", "--no-data", "--skip-comments", "--databases", "wordpress"]).out;
    expect(db).toContain("\nCREATE DATABASE /*!32312 IF NOT EXISTS*/ `wordpress` /*!40100 DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci */ /*!80016 DEFAULT ENCRYPTION='N' */;\n\nUSE `wordpress`;\n");
    expect(db).not.toContain("INSERT INTO");
    const all = pod.run(["mysqldump", "-uroot", "-psecret", "--all-databases", "--no-data"]);
    expect(all.status).toBe(0);
    expect(all.out).toContain("-- Current Database: `wordpress`");
    expect(all.out).not.toContain("`performance_schema`");
    const missing = pod.run(["mysqldump", "-uroot", "-psecret", "nope"]);
    expect([missing.status, missing.err]).toEqual([2, `${WARNING}mysqldump: Got error: 1049: Unknown database 'nope' when selecting the database\n`]);
    expect(pod.run(["mysqldump", "-uroot", "-psecret", "wordpress", "nope"]).err).toBe(`${WARNING}mysqldump: Couldn't find table: "nope"\n`);
  });

  it("stops with check_io's error when its output does not fit, keeping what did", () => {
    const c = new TestCluster(5);
    const backup = c.volume("backup", 8192);
    const pod = c.pod("wordpress-mysql-0", {
      image: "mysql:8.0",
      env: { MYSQL_ROOT_PASSWORD: "secret", MYSQL_DATABASE: "wordpress" },
      volumes: { "/var/lib/mysql": c.volume("pv"), "/backup": backup },
    });
    c.advance(30_000);
    pod.run(["mysql", "-uroot", "-psecret", "wordpress", "-e", "CREATE TABLE t (id INT PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, REPEAT('x', 20000))"]);
    const redirected = pod.run(["bash", "-c", "mysqldump -uroot -psecret wordpress > /backup/dump.sql; echo $?"]);
    expect(redirected.err).toBe(`${WARNING}mysqldump: Got errno 28 on write\n`);
    expect(redirected.out).toBe("5\n");
    // The shell's redirection keeps what write(2) could put on the disk, as --result-file does.
    expect(pod.run(["bash", "-c", "ls -l /backup/dump.sql && rm /backup/dump.sql"]).out).toMatch(/ 8192 /);
    const toFile = pod.run(["mysqldump", "-uroot", "-psecret", "--result-file=/backup/r.sql", "wordpress"]);
    expect(toFile.status).toBe(5);
    expect(toFile.err).toBe(`${WARNING}mysqldump: Got errno 28 on write\n`);
    // The result file keeps the blocks that were free.
    expect(pod.run(["ls", "-l", "/backup/r.sql"]).out).toMatch(/ 8192 /);
  });
});
