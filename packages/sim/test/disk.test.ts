import { describe, expect, it } from "vitest";
import { decodeText, ext4Inodes, FsError, Sim, tmpfsInodes, Volume } from "../src/index.js";

function vol(capacity?: number) {
  const sim = new Sim({ seed: 3 });
  return { sim, v: new Volume(sim, "pv-1", capacity) };
}

describe("volumes", () => {
  it("keeps fsynced data and loses the rest on a crash", () => {
    const { v } = vol();
    v.mkdir("/data/version-2", { recursive: true });
    v.appendFile("/data/version-2/log.1", "txn1\n");
    v.appendFile("/data/version-2/log.1", "txn2\n");
    v.fsync("/data/version-2/log.1");
    v.appendFile("/data/version-2/log.1", "txn3\n");
    v.writeFile("/data/never-synced", "gone");
    v.crash();
    expect(v.readText("/data/version-2/log.1")).toBe("txn1\ntxn2\n");
    // The name was durable, the data was not. Space is counted in 4 KiB blocks: two directories
    // and the log's one block.
    expect(v.readText("/data/never-synced")).toBe("");
    expect(v.bytesUsed).toBe(3 * 4096);
  });

  it("writes back data left dirty for 30 s, as the kernel's flusher does", () => {
    const { sim, v } = vol();
    v.writeFile("/myid", "1\n");
    sim.runUntil(20_000);
    v.appendFile("/log", "recent");
    sim.runUntil(36_000);
    v.crash();
    expect(v.readText("/myid")).toBe("1\n");
    expect(v.readText("/log")).toBe("");
  });

  it("reverts an overwrite that was not synced to the previous synced contents", () => {
    const { v } = vol();
    v.writeFile("/myid", "1\n");
    v.fsync("/myid");
    v.writeFile("/myid", "2\n");
    expect(v.readText("/myid")).toBe("2\n");
    v.crash();
    expect(v.readText("/myid")).toBe("1\n");
  });

  it("can tear the last unsynced write, keeping a strict prefix of it", () => {
    const { sim, v } = vol();
    const r = sim.random.fork("tear");
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      v.writeFile("/log", "synced|");
      v.fsync("/log");
      v.appendFile("/log", "0123456789");
      v.crash({ tear: true, random: r });
      const text = v.readText("/log");
      expect(text.startsWith("synced|")).toBe(true);
      expect("synced|0123456789".startsWith(text)).toBe(true);
      expect(text.length).toBeLessThan("synced|0123456789".length);
      seen.add(text);
    }
    expect(seen.size).toBeGreaterThan(3);
  });

  it("keeps directory operations durable", () => {
    const { v } = vol();
    v.writeFile("/snapshot.tmp", "snap");
    v.fsync("/snapshot.tmp");
    v.rename("/snapshot.tmp", "/snapshot.100000002");
    v.crash();
    expect(v.readdir("/")).toEqual(["snapshot.100000002"]);
    expect(v.readText("/snapshot.100000002")).toBe("snap");
  });

  it("reports POSIX errors", () => {
    const { v } = vol();
    v.mkdir("/a");
    v.writeFile("/a/f", "x");
    const code = (fn: () => void) => {
      try {
        fn();
      } catch (e) {
        return (e as FsError).code;
      }
      return "ok";
    };
    expect(code(() => v.readFile("/nope"))).toBe("ENOENT");
    expect(code(() => v.mkdir("/a"))).toBe("EEXIST");
    expect(code(() => v.readFile("/a"))).toBe("EISDIR");
    expect(code(() => v.rmdir("/a"))).toBe("ENOTEMPTY");
    expect(code(() => v.writeFile("/a/f/g", "x"))).toBe("ENOTDIR");
    expect(code(() => v.mkdir("/x/y"))).toBe("ENOENT");
    v.rmdir("/a", { recursive: true });
    expect(v.exists("/a")).toBe(false);
    expect(v.bytesUsed).toBe(0);
  });

  it("refuses writes beyond its capacity, counting whole 4 KiB blocks as ext4 allocates them", () => {
    const { v } = vol(3 * 4096);
    v.writeFile("/a", "x".repeat(4096 + 1));
    expect(v.bytesUsed).toBe(2 * 4096);
    // The last block has room for more of /a, none for another file's block or a directory.
    v.appendFile("/a", "y".repeat(4095));
    v.writeFile("/b", "z".repeat(4096));
    expect(() => v.appendFile("/a", "!")).toThrow(/No space left on device/);
    expect(() => v.mkdir("/d")).toThrow(/No space left on device/);
    // An empty file takes no block.
    v.writeFile("/empty", "");
    v.unlink("/b");
    v.mkdir("/d");
    expect(v.bytesUsed).toBe(3 * 4096);
    v.rmdir("/d");
    v.writeFile("/a", "1");
    expect(v.bytesUsed).toBe(4096);
  });

  it("preallocates with fallocate: the blocks are taken at once, later writes into them need none", () => {
    const { v } = vol(64 * 1024);
    v.fallocate("/redo", 40 * 1024);
    expect(v.stat("/redo").size).toBe(40 * 1024);
    expect(v.bytesUsed).toBe(40 * 1024);
    expect(v.readFile("/redo")).toEqual(new Uint8Array(40 * 1024));
    expect(() => v.fallocate("/other", 28 * 1024)).toThrow(FsError);
    expect(v.exists("/other") && v.stat("/other").size).toBe(0);
    v.occupyFreeSpace();
    v.writeAt("/redo", 0, "rec1");
    v.writeAt("/redo", 4, "rec2");
    expect(new TextDecoder().decode(v.readFile("/redo").subarray(0, 9))).toBe("rec1rec2\0");
    expect(() => v.writeAt("/redo", 40 * 1024, "past the end")).toThrow("No space left on device");
  });

  it("overwrites in place with writeAt, growing the file only past its end", () => {
    const { v } = vol();
    v.writeFile("/f", "hello world");
    v.writeAt("/f", 0, "HELLO");
    expect(v.readText("/f")).toBe("HELLO world");
    v.writeAt("/f", 13, "!");
    expect(v.readText("/f")).toBe("HELLO world\0\0!");
    expect(v.stat("/f").size).toBe(14);
    // A write over all of the data replaces it, even where it is shorter than the file's preallocated size.
    v.fallocate("/f", 4096);
    v.writeAt("/f", 0, "0123456789abcdef");
    expect(decodeText(v.readAt("/f", 0, 18))).toBe("0123456789abcdef\0\0");
    expect(v.stat("/f").size).toBe(4096);
  });

  it("reads a range with readAt (pread): zeros past the data, fewer bytes at the end of the file", () => {
    const { v } = vol();
    v.writeFile("/f", "abc");
    v.truncate("/f", 8);
    expect(Array.from(v.readAt("/f", 1, 4))).toEqual([0x62, 0x63, 0, 0]);
    expect(v.readAt("/f", 6, 10).length).toBe(2);
    expect(v.readAt("/f", 9, 1).length).toBe(0);
    expect(() => v.readAt("/", 0, 1)).toThrow("Is a directory");
  });

  it("on a crash keeps a preallocated file's size, losing or tearing what was written into it since fsync", () => {
    const { sim, v } = vol();
    v.fallocate("/log", 100);
    v.writeAt("/log", 0, "synced");
    v.fsync("/log");
    v.writeAt("/log", 6, "lost-or-torn");
    v.crash({ tear: true, random: sim.random.fork("tear") });
    const text = new TextDecoder().decode(v.readFile("/log"));
    expect(v.stat("/log").size).toBe(100);
    expect(text.startsWith("synced")).toBe(true);
    const torn = text.slice(6).replace(/\0+$/, "");
    expect("lost-or-torn".startsWith(torn) && torn.length < "lost-or-torn".length).toBe(true);
    v.writeAt("/log", 0, "SYNCED");
    v.crash();
    expect(new TextDecoder().decode(v.readFile("/log")).startsWith("synced")).toBe(true);
  });

  it("makes holes with truncate: size without blocks, filled as written, given back when cut", () => {
    const { sim, v } = vol(64 * 1024);
    v.writeFile("/log", "header");
    v.truncate("/log", 1024 * 1024);
    expect(v.stat("/log")).toMatchObject({ size: 1024 * 1024, allocated: 4096 });
    expect(v.bytesUsed).toBe(4096);
    expect(v.readData("/log")).toEqual(new TextEncoder().encode("header"));
    v.writeAt("/log", 6, new Uint8Array(10_000).fill(1));
    expect(v.stat("/log")).toMatchObject({ size: 1024 * 1024, allocated: 12_288 });
    v.fsync("/log");
    // A crash keeps the durable size and blocks; what was written since is lost.
    v.writeAt("/log", 10_006, new Uint8Array(20_000).fill(2));
    v.crash({ tear: false, random: sim.random.fork("t") });
    expect(v.stat("/log")).toMatchObject({ size: 1024 * 1024, allocated: 12_288 });
    expect(v.bytesUsed).toBe(12_288);
    v.truncate("/log", 6);
    expect(v.readText("/log")).toBe("header");
    expect(v.bytesUsed).toBe(4096);
  });

  it("applies fsGroup ownership and lets new directories inherit the group", () => {
    const { v } = vol();
    v.applyFsGroup(1000);
    v.mkdir("/data", { uid: 1000, gid: 1000, mode: 0o755 });
    const st = v.stat("/data");
    expect(st.mode).toBe(0o2755);
    expect(st.gid).toBe(1000);
    expect(st.uid).toBe(1000);
    expect(v.stat("/").mode & 0o2000).toBe(0o2000);
    v.writeFile("/data/myid", "1\n", { uid: 1000, gid: 0 });
    expect(v.stat("/data/myid").gid).toBe(1000);
  });

  it("stores symlinks without following them, and counts a fast one's blocks as ext4 does", () => {
    const { v } = vol(1 << 20);
    v.mkdir("/v1");
    v.writeFile("/v1/conf", "one");
    v.symlink("v1", "/current");
    expect(v.stat("/current")).toMatchObject({ type: "symlink", mode: 0o777, size: 2, nlink: 1, allocated: 0 });
    expect(v.readlink("/current")).toBe("v1");
    expect(v.linkTarget("/current")).toBe("v1");
    expect(v.linkTarget("/v1")).toBeUndefined();
    expect(v.hasSymlinks).toBe(true);
    // The volume never resolves a link: that is the filesystem above it's job.
    expect(() => v.readFile("/current/conf")).toThrow(FsError);
    expect(() => v.readFile("/current")).toThrow("/current: Too many levels of symbolic links");
    expect(() => v.readlink("/v1")).toThrow("/v1: Invalid argument");
    expect(() => v.symlink("x", "/current")).toThrow("/current: File exists");
    const before = v.bytesUsed;
    v.symlink("/" + "x".repeat(70), "/long");
    expect(v.bytesUsed - before).toBe(4096);
    v.unlink("/long");
    v.unlink("/current");
    expect(v.bytesUsed).toBe(before);
  });

  it("shares a hard-linked file's blocks until its last name goes", () => {
    const { v } = vol(1 << 20);
    v.writeFile("/a", "x".repeat(5000));
    const used = v.bytesUsed;
    v.link("/a", "/b");
    expect(v.stat("/a").nlink).toBe(2);
    expect(v.bytesUsed).toBe(used);
    v.appendFile("/b", "y");
    expect(v.readText("/a")).toBe("x".repeat(5000) + "y");
    // rename(2) of one name onto another of the same file does nothing.
    v.rename("/a", "/b");
    expect(v.exists("/a")).toBe(true);
    v.unlink("/a");
    expect(v.stat("/b").nlink).toBe(1);
    expect(v.bytesUsed).toBe(used);
    v.mkdir("/d");
    v.link("/b", "/d/c");
    v.rmdir("/d", { recursive: true });
    expect(v.readText("/b").length).toBe(5001);
    v.unlink("/b");
    expect(v.bytesUsed).toBe(0);
    v.mkdir("/d");
    expect(() => v.link("/d", "/e")).toThrow("/d: Operation not permitted");
  });

  it("attaches to one host at a time", () => {
    const { v } = vol();
    v.attach("node-1");
    v.attach("node-1");
    expect(() => v.attach("node-2")).toThrow(/attached to node-1/);
    v.detach();
    v.attach("node-2");
    expect(v.attachedTo).toBe("node-2");
  });
});

describe("inodes", () => {
  const GiB = 1024 ** 3;

  it("counts what mke2fs gives a disk: one inode per 16 KiB, per 4 KiB under 512 MiB, per 8 KiB under 3 MiB", () => {
    expect(ext4Inodes(10 * GiB).count).toBe(655_360);
    expect(ext4Inodes(GiB).count).toBe(65_536);
    expect(ext4Inodes(1024 ** 2).count).toBe(128);
    // The inode table fills whole blocks and each group holds a multiple of 8.
    expect(ext4Inodes(100 * 1024 ** 2).count % 13).toBe(0);
  });

  it("numbers files from 12, shares a number between hard links, and gives the lowest free number again", () => {
    const sim = new Sim({ seed: 3 });
    const v = new Volume(sim, "pv", GiB, {}, ext4Inodes(GiB));
    expect(v.stat("/").ino).toBe(2);
    v.mkdir("/data");
    v.writeFile("/data/a", "a");
    v.writeFile("/data/b", "b");
    v.symlink("a", "/data/l");
    expect(["/data", "/data/a", "/data/b", "/data/l"].map((p) => v.stat(p).ino)).toEqual([12, 13, 14, 15]);
    v.link("/data/a", "/data/a2");
    expect(v.stat("/data/a2").ino).toBe(13);
    expect(v.inodeUsage()).toEqual({ total: 65_536, used: 15 });
    // The file keeps its inode while a name is left.
    v.unlink("/data/a");
    v.writeFile("/data/c", "c");
    expect(v.stat("/data/c").ino).toBe(16);
    v.unlink("/data/a2");
    // A hard link to a symlink is a second name for the link: its inode lives while a name does.
    v.link("/data/l", "/data/l2");
    expect([v.stat("/data/l2").ino, v.stat("/data/l2").nlink]).toEqual([15, 2]);
    v.unlink("/data/l2");
    expect(v.readlink("/data/l")).toBe("a");
    v.writeFile("/data/x", "x");
    v.writeFile("/data/y", "y");
    expect([v.stat("/data/x").ino, v.stat("/data/y").ino]).toEqual([13, 17]);
    v.unlink("/data/x");
    v.unlink("/data/y");
    v.unlink("/data/l");
    v.writeFile("/data/d", "d");
    v.mkdir("/data/e");
    expect([v.stat("/data/d").ino, v.stat("/data/e").ino]).toEqual([13, 15]);
  });

  it("refuses a new file once every inode is in use, taking no block for it, and frees them with a tree", () => {
    const sim = new Sim({ seed: 3 });
    const v = new Volume(sim, "pv", 1024 ** 2, {}, ext4Inodes(1024 ** 2));
    v.mkdir("/d");
    for (let i = 0; v.inodeUsage().used < 128; i++) v.writeFile(`/d/f${i}`, "x");
    const used = v.bytesUsed;
    expect(() => v.writeFile("/d/more", "")).toThrow(/No space left on device/);
    expect(() => v.mkdir("/d2")).toThrow(/No space left on device/);
    expect(() => v.symlink("a-target-long-enough-to-need-a-block-of-its-own-".repeat(2), "/l")).toThrow(/No space left on device/);
    expect(v.bytesUsed).toBe(used);
    v.rmdir("/d", { recursive: true });
    expect(v.inodeUsage().used).toBe(11);
    expect(v.bytesUsed).toBe(0);
  });

  it("numbers a tmpfs from its root on, never giving a number back", () => {
    const sim = new Sim({ seed: 3 });
    const v = new Volume(sim, "tmp", Number.POSITIVE_INFINITY, {}, tmpfsInodes(4));
    expect(v.stat("/").ino).toBe(1);
    v.writeFile("/a", "");
    v.unlink("/a");
    v.writeFile("/b", "");
    expect(v.stat("/b").ino).toBe(3);
    expect(v.inodeUsage()).toEqual({ total: 4, used: 2 });
  });
});
