import { Volume } from "@ksim/sim";
import { describe, expect, it } from "vitest";
import { Sandbox } from "../src/userland/index.js";
import { sh } from "./helpers.js";

/** A Debian sandbox with a volume of three 4 KiB blocks at /data. */
function sandbox(): Sandbox {
  const sb = new Sandbox({ base: "debian" });
  sb.rootfs.mount({ path: "/data", volume: new Volume(sb.sim, "data", 3 * 4096), subPath: "", readOnly: false });
  return sb;
}

describe("dd", () => {
  it("copies /dev/zero in blocks and reports records, bytes, time and rate as coreutils does", () => {
    const sb = sandbox();
    expect(sh(sb, "dd if=/dev/zero of=/tmp/z bs=1K count=10; wc -c < /tmp/z")).toEqual({
      status: 0,
      out: "10240\n",
      err: "10+0 records in\n10+0 records out\n10240 bytes (10 kB, 10 KiB) copied, 3.024e-05 s, 339 MB/s\n",
    });
    // 100 MiB take a tenth of a second of simulated time at about 1 GB/s.
    const before = sb.sim.now;
    expect(sh(sb, "dd if=/dev/zero of=/tmp/big bs=1M count=100 conv=fsync").err).toBe(
      "100+0 records in\n100+0 records out\n104857600 bytes (105 MB, 100 MiB) copied, 0.105058 s, 998 MB/s\n",
    );
    expect(sb.sim.now - before).toBeGreaterThanOrEqual(105);
  });

  it("fills a disk: the last block is written short, then ENOSPC ends the copy with status 1", () => {
    const sb = sandbox();
    expect(sh(sb, "dd if=/dev/zero of=/data/fill bs=5000")).toEqual({
      status: 1,
      out: "",
      err: "dd: error writing '/data/fill': No space left on device\n3+0 records in\n2+1 records out\n12288 bytes (12 kB, 12 KiB) copied, 1.8288e-05 s, 672 MB/s\n",
    });
    expect(sh(sb, "wc -c < /data/fill; dd if=/dev/zero of=/data/more bs=1 count=1 status=none").err).toBe("dd: error writing '/data/more': No space left on device\n");
  });

  it("reads stdin and files with skip, writes stdout, overwrites in place with seek and conv=notrunc", () => {
    const sb = sandbox();
    expect(sh(sb, "echo hello | dd bs=1 skip=2 count=2 status=none")).toEqual({ status: 0, out: "ll", err: "" });
    expect(sh(sb, "printf abcdef > /tmp/n; printf XY | dd of=/tmp/n bs=1 seek=2 conv=notrunc status=noxfer; cat /tmp/n")).toEqual({
      status: 0,
      out: "abXYef",
      err: "2+0 records in\n2+0 records out\n",
    });
    expect(sh(sb, "printf abcdef > /tmp/t; printf XY | dd of=/tmp/t bs=1 seek=2 status=none; cat /tmp/t").out).toBe("abXY");
    expect(sh(sb, "dd if=/dev/urandom bs=16 count=1 status=none | wc -c").out).toBe("16\n");
  });

  it("refuses what coreutils refuses, in its words", () => {
    const sb = sandbox();
    expect(sh(sb, "dd foo")).toEqual({ status: 1, out: "", err: "dd: unrecognized operand 'foo'\nTry 'dd --help' for more information.\n" });
    expect(sh(sb, "dd bs=1Q").err).toBe("dd: invalid number: '1Q'\n");
    expect(sh(sb, "dd conv=fast").err).toBe("dd: invalid conversion: 'fast'\n");
    expect(sh(sb, "dd if=/nonexist of=/tmp/x")).toEqual({ status: 1, out: "", err: "dd: failed to open '/nonexist': No such file or directory\n" });
  });
});

/** A busybox sandbox (busybox:1.28's applets) with the same three-block volume at /data. */
function busybox(): Sandbox {
  const sb = new Sandbox({ base: "busybox" });
  sb.rootfs.mount({ path: "/data", volume: new Volume(sb.sim, "data", 3 * 4096), subPath: "", readOnly: false });
  return sb;
}

describe("busybox dd (1.28.4's coreutils/dd.c)", () => {
  it("copies and reports records, bytes (make_human_readable_str's units), %f seconds and the rate", () => {
    const sb = busybox();
    expect(sh(sb, "dd if=/dev/zero of=/tmp/z bs=1K count=10; wc -c < /tmp/z")).toEqual({
      status: 0,
      out: "10240\n",
      err: "10+0 records in\n10+0 records out\n10240 bytes (10.0KB) copied, 0.000030 seconds, 325.5MB/s\n",
    });
    const before = sb.sim.now;
    expect(sh(sb, "dd if=/dev/zero of=/tmp/big bs=1M count=10 conv=fsync").err).toBe(
      "10+0 records in\n10+0 records out\n10485760 bytes (10.0MB) copied, 0.010506 seconds, 951.8MB/s\n",
    );
    expect(sb.sim.now - before).toBeGreaterThanOrEqual(10);
    // Below 1024 bytes the size has no unit (45454545 B/s is 43.3M in 1024s); ibs != obs reblocks.
    expect(sh(sb, "dd if=/dev/zero of=/dev/null bs=100 count=5").err).toBe("5+0 records in\n5+0 records out\n500 bytes (500B) copied, 0.000011 seconds, 43.3MB/s\n");
    expect(sh(sb, "printf abcde | dd ibs=2 obs=3 status=noxfer")).toEqual({ status: 0, out: "abcde", err: "2+1 records in\n1+1 records out\n" });
    expect(sh(sb, "busybox dd if=/dev/zero bs=4 count=1 status=none | wc -c")).toEqual({ status: 0, out: "4\n", err: "" });
    expect(sh(sb, "busybox --list | grep -x -e dd -e od")).toEqual({ status: 0, out: "dd\nod\n", err: "" });
  });

  it("on a full disk stops silently after a short write, or with 'writing' when nothing fits, status 1", () => {
    const sb = busybox();
    // bs=1M: the first write lands 12288 bytes short; 1.28's write_and_stats returns 1 without a message.
    expect(sh(sb, "dd if=/dev/zero of=/data/fill bs=1M")).toEqual({
      status: 1,
      out: "",
      err: "1+0 records in\n0+0 records out\n12288 bytes (12.0KB) copied, 0.000014 seconds, 837.1MB/s\n",
    });
    expect(sh(sb, "wc -c < /data/fill").out).toBe("12288\n");
    expect(sh(sb, "dd if=/dev/zero of=/data/more bs=1 count=1")).toEqual({
      status: 1,
      out: "",
      err: "dd: writing '/data/more': No space left on device\n1+0 records in\n0+0 records out\n0 bytes (0B) copied, 0.000002 seconds, 0B/s\n",
    });
    expect(sh(sb, "rm /data/fill /data/more; dd if=/dev/zero of=/data/fill bs=4096 status=noxfer")).toEqual({
      status: 1,
      out: "",
      err: "dd: writing '/data/fill': No space left on device\n4+0 records in\n3+0 records out\n",
    });
    expect(sh(sb, "rm /data/fill; dd if=/dev/zero of=/data/fill bs=5000 status=none")).toEqual({ status: 1, out: "", err: "" });
  });

  it("takes seek, skip, conv=notrunc,sync,swab and iflag=skip_bytes as busybox does", () => {
    const sb = busybox();
    expect(sh(sb, "echo hello | dd bs=1 skip=2 count=2 status=none")).toEqual({ status: 0, out: "ll", err: "" });
    expect(sh(sb, "echo hello | dd bs=2 skip=3 iflag=skip_bytes status=none")).toEqual({ status: 0, out: "lo\n", err: "" });
    expect(sh(sb, "printf abcdef > /tmp/n; printf XY | dd of=/tmp/n bs=1 seek=2 conv=notrunc status=none; cat /tmp/n").out).toBe("abXYef");
    expect(sh(sb, "printf abcdef > /tmp/t; printf XY | dd of=/tmp/t bs=1 seek=2 status=none; cat /tmp/t").out).toBe("abXY");
    expect(sh(sb, "printf abcd | dd conv=swab status=none").out).toBe("badc");
    expect(sh(sb, "printf abc | dd bs=4 conv=sync status=noxfer | od -An -c")).toEqual({ status: 0, out: "   a   b   c  \\0\n", err: "0+1 records in\n1+0 records out\n" });
    expect(sh(sb, "printf abcdef | dd bs=3 conv=swab status=none")).toEqual({ status: 1, out: "bac", err: "dd: can't swab 3 byte buffer\n" });
  });

  it("refuses what busybox refuses, in libbb's words", () => {
    const sb = busybox();
    const usage = sh(sb, "dd foo");
    expect(usage.status).toBe(1);
    expect(usage.err).toMatch(
      /^BusyBox v1\.28\.4 \(2018-05-22 17:00:17 UTC\) multi-call binary\.\n\nUsage: dd \[if=FILE\] \[of=FILE\] \[ibs=N\] \[obs=N\] \[bs=N\] \[count=N\] \[skip=N\]\n\t\[seek=N\] \[conv=notrunc\|noerror\|sync\|fsync\] \[iflag=skip_bytes\|fullblock\]\n\nCopy a file with converting and formatting\n\n\tif=FILE\t\tRead from FILE instead of stdin\n/,
    );
    expect(usage.err).toMatch(/\n\nN may be suffixed by c \(1\), w \(2\), b \(512\), kB \(1000\), k \(1024\), MB, M, GB, G\n$/);
    expect(sh(sb, "dd cbs=1").err).toBe(usage.err);
    expect(sh(sb, "dd --help").status).toBe(0);
    expect(sh(sb, "dd bs=0")).toEqual({ status: 1, out: "", err: "dd: number 0 is not in 1..9223372036854775807 range\n" });
    expect(sh(sb, "dd bs=1Q").err).toBe("dd: invalid number '1Q'\n");
    expect(sh(sb, "dd bs=2x3").err).toBe("dd: invalid number '2x3'\n");
    expect(sh(sb, "dd count=-1").err).toBe("dd: invalid number '-1'\n");
    expect(sh(sb, "dd if=/dev/zero bs=1kB count=1 status=none | wc -c; dd if=/dev/zero bs=1k count=1 status=none | wc -c").out).toBe("1000\n1024\n");
    expect(sh(sb, "dd conv=notrunc,fast").err).toBe("dd: invalid argument 'fast' to 'conv'\n");
    expect(sh(sb, "dd status=progress").err).toBe("dd: invalid argument 'progress' to 'status'\n");
    expect(sh(sb, "dd if=/nonexist of=/tmp/x")).toEqual({ status: 1, out: "", err: "dd: can't open '/nonexist': No such file or directory\n" });
    expect(sh(sb, "dd if=/dev/zero of=/tmp count=1")).toEqual({ status: 1, out: "", err: "dd: can't open '/tmp': Is a directory\n" });
    expect(sh(sb, "dd if=/tmp of=/dev/null")).toEqual({ status: 1, out: "", err: "dd: /tmp: Is a directory\n" });
    expect(sh(sb, "dd if=/dev/zero count=1 seek=1 status=none")).toEqual({ status: 1, out: "", err: "dd: standard output: Illegal seek\n" });
    expect(sh(sb, "dd if=/dev/zero of=/dev/null count=1 conv=fsync")).toEqual({ status: 1, out: "", err: "dd: /dev/null: Invalid argument\n" });
  });
});
