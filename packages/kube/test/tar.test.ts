import { describe, expect, it } from "vitest";
import { decodeText, encodeText } from "@ksim/sim";
import { readTar, writeTar, type TarEntry } from "../src/userland/tar-format.js";
import { Sandbox } from "../src/userland/index.js";

const ZOOKEEPER = [{ name: "zookeeper", uid: 1000, gid: 1000 }];

/** A sandbox with a small tree: text, binary data, a long name, a private directory. */
function tree(base: "debian" | "busybox" = "debian"): Sandbox {
  const sb = new Sandbox({ users: ZOOKEEPER, base });
  const fs = sb.fs();
  fs.mkdir("/data");
  fs.writeFile("/data/myid", "1\n");
  fs.mkdir("/data/version-2");
  fs.writeFile("/data/version-2/snapshot.0", new Uint8Array([0, 1, 2, 200, 255, 0x80, 10]));
  fs.writeFile(`/data/${"n".repeat(120)}`, "long\n");
  fs.chown("/data/myid", 1000, 1000);
  fs.chmod("/data/myid", 0o640);
  return sb;
}

describe("tar format", () => {
  it("round-trips entries, binary data and names over 100 bytes, padded to 10240-byte records", () => {
    const entries = [
      { name: "a/", type: "dir" as const, mode: 0o755, uid: 0, gid: 0, uname: "root", gname: "root", mtimeMs: 1_700_000_000_000, data: new Uint8Array(0), linkname: "" },
      { name: `a/${"x".repeat(150)}`, type: "file" as const, mode: 0o600, uid: 1000, gid: 1000, uname: "zookeeper", gname: "zookeeper", mtimeMs: 1_700_000_000_000, data: new Uint8Array([0, 255, 128, 7]), linkname: "" },
    ];
    const bytes = writeTar(entries);
    expect(bytes.length % 10240).toBe(0);
    const withoutOffsets = (read: readonly TarEntry[]) => read.map(({ dataOffset: _offset, ...rest }) => rest);
    expect(withoutOffsets(readTar(bytes))).toEqual(entries);
    expect(withoutOffsets(readTar(encodeText(decodeText(bytes))))).toEqual(entries);
    // Where each member's data starts: after its header, and after the long name's own header and block.
    expect(readTar(bytes).map((e) => e.dataOffset)).toEqual([512, 2048]);
  });

  it("refuses bytes that are not an archive", () => {
    expect(() => readTar(new TextEncoder().encode("hello world\n".repeat(100)))).toThrow("This does not look like a tar archive");
  });
});

describe("tar", () => {
  it("archives through a pipe and extracts elsewhere with owners, modes and binary contents kept", () => {
    const sb = tree();
    const made = sb.run(["sh", "-c", "tar cf - /data | tar xf - -C /tmp"]);
    expect(made.stderr).toBe("tar: Removing leading `/' from member names\n");
    expect(made.status).toBe(0);
    const fs = sb.fs();
    expect(fs.readText("/tmp/data/myid")).toBe("1\n");
    expect([...fs.readFile("/tmp/data/version-2/snapshot.0")]).toEqual([0, 1, 2, 200, 255, 0x80, 10]);
    expect(fs.readText(`/tmp/data/${"n".repeat(120)}`)).toBe("long\n");
    const st = fs.stat("/tmp/data/myid");
    expect([st.uid, st.gid, st.mode & 0o777]).toEqual([1000, 1000, 0o640]);
  });

  it("lists members, long and short, and archives to a file", () => {
    const sb = tree();
    expect(sb.run(["tar", "-cf", "/tmp/d.tar", "-C", "/", "data/myid", "data/version-2"]).status).toBe(0);
    expect(sb.run(["tar", "tf", "/tmp/d.tar"]).stdout).toBe("data/myid\ndata/version-2/\ndata/version-2/snapshot.0\n");
    expect(sb.run(["tar", "tvf", "/tmp/d.tar"]).stdout.split("\n")[0]).toBe("-rw-r----- zookeeper/zookeeper 2 2024-01-01 00:00 data/myid");
  });

  it("archives a file with several names once, and its other names as links to it", () => {
    const sb = tree();
    const r = sb.run(["sh", "-c", "cd / && ln data/myid data/myid.bak && tar cf /tmp/h.tar data && tar tvf /tmp/h.tar | grep myid && rm -r data && tar xf /tmp/h.tar && ls -i data/myid data/myid.bak | awk '{print $1}' | uniq | wc -l"]);
    expect(r).toMatchObject({
      status: 0,
      stdout: "-rw-r----- zookeeper/zookeeper 2 2024-01-01 00:00 data/myid\nhrw-r----- zookeeper/zookeeper 0 2024-01-01 00:00 data/myid.bak link to data/myid\n1\n",
    });
    const bb = tree("busybox");
    expect(bb.run(["sh", "-c", "cd / && ln data/myid data/b && tar cf /tmp/h.tar data/myid data/b && tar tvf /tmp/h.tar"]).stdout).toMatch(/\n-rw-r----- 1000\/1000 +0 [\d-]+ [\d:]+ data\/b -> data\/myid\n$/);
  });

  it("reports what it cannot archive and exits 2 after the rest, as GNU tar does", () => {
    const sb = tree();
    const r = sb.run(["sh", "-c", "tar cf /tmp/x.tar /data/myid /nope; echo $?"]);
    expect(r.stderr).toBe("tar: Removing leading `/' from member names\ntar: /nope: Cannot stat: No such file or directory\ntar: Exiting with failure status due to previous errors\n");
    expect(r.stdout).toBe("2\n");
    expect(sb.run(["tar", "tf", "/tmp/x.tar"]).stdout).toBe("data/myid\n");
    expect(sb.run(["tar", "cf", "/tmp/y.tar"]).stderr).toBe("tar: Cowardly refusing to create an empty archive\nTry 'tar --help' or 'tar --usage' for more information.\n");
    expect(sb.run(["tar", "-v", "/data"]).stderr).toBe("tar: You must specify one of the '-Acdtrux', '--delete' or '--test-label' options\nTry 'tar --help' or 'tar --usage' for more information.\n");
    expect(sb.run(["sh", "-c", "echo hello | tar xf -; echo $?"])).toMatchObject({ stdout: "2\n", stderr: "tar: This does not look like a tar archive\ntar: Exiting with failure status due to previous errors\n" });
  });

  it("archives a device as its numbers, and cannot make one when extracting", () => {
    const sb = tree();
    expect(sb.run(["tar", "cf", "/tmp/dev.tar", "-C", "/", "dev/null", "dev/zero"]).status).toBe(0);
    expect(sb.run(["tar", "tvf", "/tmp/dev.tar"]).stdout).toBe("crw-rw-rw- root/root       1,3 2024-01-01 00:00 dev/null\ncrw-rw-rw- root/root       1,5 2024-01-01 00:00 dev/zero\n");
    expect(readTar(encodeText(sb.run(["cat", "/tmp/dev.tar"]).stdout)).map((e) => [e.type, e.rdev, e.data.length])).toEqual([["chardev", { major: 1, minor: 3 }, 0], ["chardev", { major: 1, minor: 5 }, 0]]);
    expect(sb.run(["sh", "-c", "tar xf /tmp/dev.tar -C /tmp; echo $?"])).toMatchObject({
      stdout: "2\n",
      stderr: "tar: dev/null: Cannot mknod: Operation not permitted\ntar: dev/zero: Cannot mknod: Operation not permitted\ntar: Exiting with failure status due to previous errors\n",
    });
  });

  it("extracts as a non-root user with its own ownership and the umask", () => {
    const sb = tree();
    expect(sb.run(["tar", "cf", "/tmp/d.tar", "/data/myid"]).status).toBe(0);
    const zk = { uid: 1000, gid: 1000, groups: [1000] };
    sb.fs().mkdir("/home/zk");
    sb.fs().chown("/home/zk", 1000, 1000);
    expect(sb.run(["tar", "xf", "/tmp/d.tar", "-C", "/home/zk"], { cred: zk }).status).toBe(0);
    const st = sb.fs().stat("/home/zk/data/myid");
    expect([st.uid, st.gid, st.mode & 0o777]).toEqual([1000, 1000, 0o640 & ~0o022]);
  });

  it("is a busybox applet with busybox's words", () => {
    const sb = tree("busybox");
    const r = sb.run(["sh", "-c", "tar cf - /data/myid | tar tf -"]);
    expect(r).toMatchObject({ status: 0, stdout: "data/myid\n", stderr: "tar: removing leading '/' from member names\n" });
  });
});

describe("gzip", () => {
  it("compresses a file in place and back, keeps modes, and refuses what it should", () => {
    const sb = tree();
    const fs = sb.fs();
    fs.writeFile("/tmp/log", "line\n".repeat(500));
    expect(sb.run(["gzip", "/tmp/log"]).status).toBe(0);
    expect(fs.exists("/tmp/log")).toBe(false);
    expect(fs.stat("/tmp/log.gz").size).toBeLessThan(100);
    expect(sb.run(["zcat", "/tmp/log.gz"]).stdout).toBe("line\n".repeat(500));
    expect(sb.run(["gunzip", "/tmp/log.gz"]).status).toBe(0);
    expect(fs.readText("/tmp/log")).toBe("line\n".repeat(500));
    expect(sb.run(["gunzip", "/tmp/log"])).toMatchObject({ status: 2, stderr: "gzip: /tmp/log: unknown suffix -- ignored\n" });
    expect(sb.run(["sh", "-c", "echo plain | gzip -d"])).toMatchObject({ status: 1, stderr: "gzip: stdin: not in gzip format\n" });
    expect(sb.run(["gzip", "/tmp/nope"])).toMatchObject({ status: 1, stderr: "gzip: /tmp/nope: No such file or directory\n" });
  });

  it("gives tar -z archives, which tar also opens by itself from a file", () => {
    const sb = tree();
    expect(sb.run(["tar", "czf", "/tmp/d.tgz", "-C", "/", "data"]).status).toBe(0);
    expect(sb.run(["tar", "tzf", "/tmp/d.tgz"]).stdout.split("\n")[0]).toBe("data/");
    expect(sb.run(["tar", "tf", "/tmp/d.tgz"]).stdout.split("\n")[0]).toBe("data/");
    expect(sb.run(["sh", "-c", "mkdir /restore && tar xzf /tmp/d.tgz -C /restore"]).status).toBe(0);
    expect([...sb.fs().readFile("/restore/data/version-2/snapshot.0")]).toEqual([0, 1, 2, 200, 255, 0x80, 10]);
    expect(sb.run(["sh", "-c", "tar cf - /data/myid | gzip | gunzip | tar tf -"]).stdout).toBe("data/myid\n");
    expect(sb.run(["sh", "-c", "tar cf - /data/myid | tar xzf -"])).toMatchObject({
      status: 2,
      stderr: "tar: Removing leading `/' from member names\ngzip: stdin: not in gzip format\ntar: Child returned status 1\ntar: Error is not recoverable: exiting now\n",
    });
  });
});
