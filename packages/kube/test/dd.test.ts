import { Volume } from "@ksim/sim";
import { describe, expect, it } from "vitest";
import { Sandbox } from "../src/userland/index.js";

/** A Debian sandbox with a volume of three 4 KiB blocks at /data. */
function sandbox(): Sandbox {
  const sb = new Sandbox({ base: "debian" });
  sb.rootfs.mount({ path: "/data", volume: new Volume(sb.sim, "data", 3 * 4096), subPath: "", readOnly: false });
  return sb;
}

const sh = (sb: Sandbox, script: string) => {
  const r = sb.run(["sh", "-c", script]);
  return { status: r.status, out: r.stdout, err: r.stderr };
};

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
