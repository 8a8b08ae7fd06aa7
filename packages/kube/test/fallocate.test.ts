import { Volume } from "@ksim/sim";
import { describe, expect, it } from "vitest";
import { Sandbox } from "../src/userland/index.js";
import { sh } from "./helpers.js";

const GiB = 1024 ** 3;

describe("fallocate", () => {
  it("takes a file's blocks at once, growing it with zeros, and refuses what the disk cannot hold", () => {
    const sb = new Sandbox({ base: "debian" });
    const volume = new Volume(sb.sim, "data", 10 * GiB);
    sb.rootfs.mount({ path: "/data", volume, subPath: "", readOnly: false });
    expect(sh(sb, "fallocate -l 4G /data/ballast && ls -l /data/ballast | cut -d' ' -f5")).toEqual({ status: 0, out: "4294967296\n", err: "" });
    expect(volume.bytesUsed).toBe(4 * GiB);
    // Decimal with a bare B, an offset past the end grows the file to offset + length.
    expect(sh(sb, "fallocate -o 1MB -l 1KB /data/small && wc -c < /data/small")).toEqual({ status: 0, out: "1001000\n", err: "" });
    expect(sh(sb, "fallocate -l 7G /data/more")).toEqual({ status: 1, out: "", err: "fallocate: fallocate failed: No space left on device\n" });
    expect(sh(sb, "ls -l /data/more | cut -d' ' -f5")).toEqual({ status: 0, out: "0\n", err: "" });
    expect(sh(sb, "rm /data/ballast && fallocate -l 7G /data/more && du -sh /data")).toEqual({ status: 0, out: "7.1G\t/data\n", err: "" });
  });

  it("says what is missing as util-linux does", () => {
    const sb = new Sandbox({ base: "debian" });
    expect(sh(sb, "fallocate /tmp/f")).toEqual({ status: 1, out: "", err: "fallocate: no length argument specified\n" });
    expect(sh(sb, "fallocate -l 1X /tmp/f")).toEqual({ status: 1, out: "", err: "fallocate: invalid length value specified\n" });
    expect(sh(sb, "fallocate -l 1M")).toEqual({ status: 1, out: "", err: "fallocate: no filename specified.\n" });
    expect(sh(sb, "fallocate -n -l 1M /tmp/f").err).toBe("fallocate: -n: ksim's volumes do not model blocks inside a file\n");
  });
});
