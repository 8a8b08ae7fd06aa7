import { Volume } from "@ksim/sim";
import { describe, expect, it } from "vitest";
import { Sandbox } from "../src/userland/index.js";
import { sh } from "./helpers.js";

const MiB = 1024 ** 2;

describe("truncate", () => {
  it("makes a file longer with a hole that takes no blocks, and shorter by freeing them", () => {
    const sb = new Sandbox({ base: "debian" });
    const volume = new Volume(sb.sim, "data", 10 * MiB);
    sb.rootfs.mount({ path: "/data", volume, subPath: "", readOnly: false });
    // A hole larger than the disk: the size is there, the blocks are not.
    expect(sh(sb, "truncate -s 1G /data/sparse && ls -l /data/sparse | cut -d' ' -f5 && du -k /data/sparse")).toEqual({ status: 0, out: "1073741824\n0\t/data/sparse\n", err: "" });
    expect(volume.bytesUsed).toBe(0);
    expect(sh(sb, "truncate -s 4K /data/small && printf ab >> /data/small && od -An -c -j 4094 /data/small")).toEqual({ status: 0, out: "  \\0  \\0   a   b\n", err: "" });
    // Writing into the hole takes blocks; cutting the file gives them back.
    expect(sh(sb, "dd if=/dev/zero of=/data/f bs=1M count=3 2>/dev/null && du -k /data/f && truncate -s 1M /data/f && du -k /data/f && truncate -s +1K /data/f && ls -l /data/f | cut -d' ' -f5")).toEqual({
      status: 0,
      out: "3072\t/data/f\n1024\t/data/f\n1049600\n",
      err: "",
    });
    expect(sh(sb, "truncate -s '%4K' /data/f && ls -l /data/f | cut -d' ' -f5 && truncate -s 0 /data/f && du -k /data/f")).toEqual({ status: 0, out: "1052672\n0\t/data/f\n", err: "" });
  });

  it("shows a hole with ls -s: the blocks before the size", () => {
    const sb = new Sandbox({ base: "debian" });
    sb.rootfs.mount({ path: "/data", volume: new Volume(sb.sim, "data", 10 * MiB), subPath: "", readOnly: false });
    expect(sh(sb, "truncate -s 64M /data/log && printf 'records' > /data/small && ls -ls /data | awk '{ print $1, $2, $6, $NF }'")).toEqual({
      status: 0,
      out: "total 4  4\n0 -rw-r--r-- 67108864 log\n4 -rw-r--r-- 7 small\n",
      err: "",
    });
    expect(sh(sb, "ls -s /data")).toEqual({ status: 0, out: "total 4\n0 log\n4 small\n", err: "" });
  });

  it("says what is wrong as coreutils does", () => {
    const sb = new Sandbox({ base: "debian" });
    expect(sh(sb, "truncate /tmp/f")).toEqual({ status: 1, out: "", err: "truncate: you must specify either '--size' or '--reference'\nTry 'truncate --help' for more information.\n" });
    expect(sh(sb, "truncate -s 1X /tmp/f")).toEqual({ status: 1, out: "", err: "truncate: Invalid number: '1X'\n" });
    expect(sh(sb, "truncate -s 1K")).toEqual({ status: 1, out: "", err: "truncate: missing file operand\nTry 'truncate --help' for more information.\n" });
    expect(sh(sb, "truncate -s 1K /nope/f")).toEqual({ status: 1, out: "", err: "truncate: cannot open '/nope/f' for writing: No such file or directory\n" });
    expect(sh(sb, "truncate -c -s 1K /tmp/absent; ls /tmp")).toEqual({ status: 0, out: "", err: "" });
  });
});
