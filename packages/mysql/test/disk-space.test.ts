import { describe, expect, it } from "vitest";
import { Engine, InnoDBStartupError } from "../src/innodb/engine.js";
import { sqlWorld } from "./sql-helpers.js";

const MiB = 1024 * 1024;

/** A world whose data directory lives on a volume of `capacity` bytes, with a table for 10 kB rows. */
function world(capacity?: number) {
  const w = sqlWorld(1, capacity);
  const s = w.session();
  for (const sql of ["CREATE DATABASE d", "USE d", "CREATE TABLE big (id INT PRIMARY KEY, v MEDIUMTEXT)"]) w.run(s, sql);
  const logged: string[] = [];
  w.engine().errorLog = (level, code, subsystem, message) => logged.push(`[${level}] [MY-${String(code).padStart(6, "0")}] [${subsystem}] ${message}`);
  const size = () => w.volume.stat("/data/d/big.ibd").size;
  const insert = (id: number, bytes: number) => w.run(s, `INSERT INTO big VALUES (${id}, REPEAT('x', ${bytes}))`);
  return { ...w, s, logged, size, insert };
}

describe("InnoDB tablespaces and a full disk", () => {
  it("gives a new table 7 pages and grows it a page at a time to one extent, then an extent at a time", () => {
    const w = world();
    expect(w.volume.stat("/data/d/big.ibd").size).toBe(114_688);
    const sizes = new Set<number>();
    for (let id = 1; id <= 200; id++) {
      expect(w.insert(id, 10_000)).toBe("Query OK, 1 row affected");
      sizes.add(w.size());
    }
    const small = [...sizes].filter((n) => n <= MiB);
    const large = [...sizes].filter((n) => n > MiB);
    // Each 10 kB row takes a BLOB page of its own, so below 1 MiB the file grows page by page.
    expect(small.slice(0, 3)).toEqual([114_688, 131_072, 147_456]);
    expect(small.every((n) => n % 16_384 === 0)).toBe(true);
    expect(small).toContain(MiB);
    expect(large.length).toBeGreaterThan(1);
    expect(large.every((n) => n % MiB === 0)).toBe(true);
    // Deleting rows frees pages inside the file, never the file's own space.
    const before = w.size();
    expect(w.run(w.s, "DELETE FROM big")).toBe("Query OK, 200 rows affected");
    w.engine().checkpoint();
    expect(w.size()).toBe(before);
  });

  it("fails only the statement that needs the file to grow when the disk is full, and logs what InnoDB logs", () => {
    const w = world(256 * MiB);
    w.volume.occupyFreeSpace();
    expect(w.run(w.s, "BEGIN")).toBe("Query OK, 0 rows affected");
    // Two BLOB pages are free in the new file: these rows need no growth.
    expect(w.insert(1, 10_000)).toBe("Query OK, 1 row affected");
    expect(w.insert(2, 10_000)).toBe("Query OK, 1 row affected");
    expect(w.insert(3, 10_000)).toBe("ERROR 1114 (HY000): The table 'big' is full");
    expect(w.logged).toEqual([
      "[ERROR] [MY-012144] [InnoDB] posix_fallocate(): Failed to preallocate data for file ./d/big.ibd, desired size 16384 bytes. Operating system error number 28. Check that the disk is not full or a disk quota exceeded. Make sure the file system supports this function. Refer to your operating system documentation for operating system error code information.",
      "[Warning] [MY-012638] [InnoDB] Retry attempts for writing partial data failed.",
      "[ERROR] [MY-012639] [InnoDB] Write to file ./d/big.ibd failed at offset 114688, 16384 bytes should have been written, only 0 were written. Operating system error number 28. Check that your OS and file system support files of this size. Check also that the disk is not full or a disk quota exceeded.",
      "[ERROR] [MY-012640] [InnoDB] Error number 28 means 'No space left on device'",
      "[Warning] [MY-012145] [InnoDB] Error while writing 16384 zeroes to ./d/big.ibd starting at offset 114688",
      "[ERROR] [MY-013132] [Server] The table 'big' is full!",
    ]);
    // The transaction is still open and keeps its earlier rows.
    expect(w.run(w.s, "COMMIT")).toBe("Query OK, 0 rows affected");
    expect(w.run(w.s, "SELECT COUNT(*) AS n FROM big")).toContain("| 2 |");
    // The write error and errno text are logged once until a growth succeeds.
    w.logged.length = 0;
    expect(w.insert(3, 10_000)).toBe("ERROR 1114 (HY000): The table 'big' is full");
    expect(w.logged.map((l) => l.slice(0, 26))).toEqual([
      "[ERROR] [MY-012144] [InnoD",
      "[Warning] [MY-012638] [Inn",
      "[Warning] [MY-012145] [Inn",
      "[ERROR] [MY-013132] [Serve",
    ]);
    w.volume.releaseOccupied();
    expect(w.insert(3, 10_000)).toBe("Query OK, 1 row affected");
    expect(w.size()).toBe(131_072);
  });

  it("keeps the zeros that fitted when a growth is cut short", () => {
    const w = world(256 * MiB);
    w.volume.fallocate("/ballast", 256 * MiB - w.volume.bytesUsed - 8192);
    w.insert(1, 10_000);
    w.insert(2, 10_000);
    expect(w.insert(3, 10_000)).toBe("ERROR 1114 (HY000): The table 'big' is full");
    expect(w.logged.slice(1, 4)).toEqual([
      "[Warning] [MY-012637] [InnoDB] 16384 bytes should have been written. Only 8192 bytes written. Retrying for the remaining bytes.",
      "[Warning] [MY-012638] [InnoDB] Retry attempts for writing partial data failed.",
      "[ERROR] [MY-012639] [InnoDB] Write to file ./d/big.ibd failed at offset 114688, 16384 bytes should have been written, only 8192 were written. Operating system error number 28. Check that your OS and file system support files of this size. Check also that the disk is not full or a disk quota exceeded.",
    ]);
    expect(w.size()).toBe(114_688 + 8192);
  });

  it("gives InnoDB's own files their 8.0 sizes from the start", () => {
    const w = sqlWorld();
    const size = (name: string) => w.volume.stat(`/data/${name}`).size;
    expect(size("ibdata1")).toBe(12 * MiB);
    expect(size("ibtmp1")).toBe(12 * MiB);
    expect(size("mysql.ibd")).toBe(24 * MiB);
    expect(w.volume.readdir("/data/#innodb_temp")).toHaveLength(10);
    // The redo log's 100 MiB, ibdata1, ibtmp1, the dictionary and the session temporary pool.
    expect(Math.round(w.volume.bytesUsed / MiB)).toBe(149);
  });

  it("cannot start InnoDB without room for ibtmp1, which a clean shutdown removed", () => {
    const w = world(256 * MiB);
    w.engine().shutdown();
    expect(w.volume.exists("/data/ibtmp1")).toBe(false);
    w.volume.fallocate("/ballast", 256 * MiB - w.volume.bytesUsed - 8192);
    const logged: string[] = [];
    const open = () => Engine.open(w.volume, "/data", { errorLog: (level, code, subsystem, message) => logged.push(`[${level}] [MY-${String(code).padStart(6, "0")}] [${subsystem}] ${message}`) });
    expect(open).toThrow(InnoDBStartupError);
    expect(logged).toEqual([
      "[Warning] [MY-012637] [InnoDB] 1048576 bytes should have been written. Only 8192 bytes written. Retrying for the remaining bytes.",
      "[Warning] [MY-012638] [InnoDB] Retry attempts for writing partial data failed.",
      "[ERROR] [MY-012639] [InnoDB] Write to file ./ibtmp1 failed at offset 0, 1048576 bytes should have been written, only 8192 were written. Operating system error number 28. Check that your OS and file system support files of this size. Check also that the disk is not full or a disk quota exceeded.",
      "[ERROR] [MY-012640] [InnoDB] Error number 28 means 'No space left on device'",
      "[ERROR] [MY-012267] [InnoDB] Could not set the file size of './ibtmp1'. Probably out of disk space",
      "[ERROR] [MY-012926] [InnoDB] Unable to create the shared innodb_temporary.",
      "[ERROR] [MY-012930] [InnoDB] Plugin initialization aborted with error Generic error.",
    ]);
    // The half-written ibtmp1 is removed again; with room, the next start succeeds.
    expect(w.volume.exists("/data/ibtmp1")).toBe(false);
    w.volume.unlink("/ballast");
    expect(open().recovery.crashed).toBe(false);
  });

  it("refuses DDL that needs new files on a full disk, and keeps what TRUNCATE would have replaced", () => {
    const w = world(256 * MiB);
    w.insert(1, 10_000);
    w.volume.occupyFreeSpace();
    expect(w.run(w.s, "CREATE TABLE t2 (id INT PRIMARY KEY)")).toBe("ERROR 3675 (HY000): Create table/tablespace 't2' failed, as disk is full");
    expect(w.logged).toEqual([
      "[Warning] [MY-012128] [InnoDB] posix_fallocate(): Failed to preallocate data for file ./d/t2.ibd, desired size 114688 Operating system error number 28 - Success. Check that the disk is not full or a disk quota exceeded. Make sure the file system supports this function. Refer to your operating system documentation for operating system error code information.",
      "[Warning] [MY-012638] [InnoDB] Retry attempts for writing partial data failed.",
      "[ERROR] [MY-012639] [InnoDB] Write to file ./d/t2.ibd failed at offset 0, 114688 bytes should have been written, only 0 were written. Operating system error number 28. Check that your OS and file system support files of this size. Check also that the disk is not full or a disk quota exceeded.",
      "[ERROR] [MY-012640] [InnoDB] Error number 28 means 'No space left on device'",
      "[ERROR] [MY-012129] [InnoDB] Could not write the first page to tablespace './d/t2.ibd'",
      "[ERROR] [MY-013133] [Server] Create table/tablespace 't2' failed, as disk is full.",
    ]);
    expect(w.volume.readdir("/data/d")).toEqual(["big.ibd"]);
    expect(w.run(w.s, "SHOW TABLES")).not.toContain("t2");
    expect(w.run(w.s, "CREATE DATABASE d2")).toBe("ERROR 3680 (HY000): Failed to create schema directory 'd2' (errno: 28 - No space left on device)");
    // TRUNCATE makes a new tablespace before it lets the old one go: it fails and the rows stay.
    expect(w.run(w.s, "TRUNCATE TABLE big")).toBe("ERROR 3675 (HY000): Create table/tablespace 'big' failed, as disk is full");
    expect(w.run(w.s, "SELECT COUNT(*) AS n FROM big")).toContain("| 1 |");
    expect(w.volume.readdir("/data/d")).toEqual(["big.ibd"]);
    // DROP TABLE frees the file's blocks, and then a new table fits.
    expect(w.run(w.s, "DROP TABLE big")).toBe("Query OK, 0 rows affected");
    expect(w.run(w.s, "CREATE TABLE t2 (id INT PRIMARY KEY)")).toBe("Query OK, 0 rows affected");
  });
});
