import { describe, expect, it } from "vitest";
import { decimalFormat, formatDurationWords, inet4Hash, javaHashMapOrder, stringifyFileSize, TimeUuidGenerator } from "../src/core/java-format.js";
import { columnize, py2DictOrder } from "../src/client/cqlsh-format.js";
import { EMPTY_SCHEMA_VERSION } from "../src/core/schema.js";

describe("what Java and Python print", () => {
  it("formats Owns and Load as DecimalFormat does, rounding the exact binary value HALF_EVEN", () => {
    expect(decimalFormat("##0.0%", Math.fround(0.74))).toBe("74.0%");
    expect(decimalFormat("##0.0%", 1)).toBe("100.0%");
    expect(decimalFormat("##0.0%", 0.0625)).toBe("6.2%");
    expect(decimalFormat("##0.0%", 0.0675)).toBe("6.8%");
    expect(decimalFormat("##0.00%", 0.123456)).toBe("12.35%");
    expect(stringifyFileSize(85_576)).toBe("83.57 KiB");
    expect(stringifyFileSize(103_465)).toBe("101.04 KiB");
    expect(stringifyFileSize(1024)).toBe("1 KiB");
    expect(stringifyFileSize(512)).toBe("512 bytes");
    expect(stringifyFileSize(5 * 1024 * 1024 + 512 * 1024)).toBe("5.5 MiB");
  });

  it("orders nodetool status rows like a Java HashMap of addresses: the tutorial's .5, .4, .6", () => {
    expect(javaHashMapOrder(["172.17.0.4", "172.17.0.5", "172.17.0.6"], inet4Hash, 32)).toEqual(["172.17.0.5", "172.17.0.4", "172.17.0.6"]);
  });

  it("lists keyspaces in the order cqlsh 5.0.1 shows them on a fresh 3.11 node", () => {
    // Inserted into the driver's dict in the token order system_schema.keyspaces returns them in.
    const names = ["system_auth", "system_schema", "system_distributed", "system", "system_traces"];
    expect(columnize(py2DictOrder(names))).toBe("system_traces  system_schema  system_auth  system  system_distributed\n");
  });

  it("derives Schema.emptyVersion from an empty digest", () => {
    expect(EMPTY_SCHEMA_VERSION).toBe("59adb24e-f3cd-3e02-97f0-5b395827453f");
  });
});

describe("the Java formats repair prints", () => {
  it("words durations as DurationFormatUtils.formatDurationWords(ms, true, true)", () => {
    expect([0, 999, 1000, 4500, 60_000, 61_000, 3_600_000, 3_601_000].map(formatDurationWords)).toEqual([
      "0 seconds",
      "0 seconds",
      "1 second",
      "4 seconds",
      "1 minute",
      "1 minute 1 second",
      "1 hour",
      "1 hour 0 minutes 1 second",
    ]);
  });

  it("makes version-1 time UUIDs as UUIDGen does, increasing within a millisecond", () => {
    const g = new TimeUuidGenerator("8794a356fd81d293");
    // A published `nodetool repair` printed 66fb8e80-b155-11ea-8794-a356fd81d293 at 11:18:14,723 (made 91 ms before).
    expect(g.next(Date.parse("2020-06-18T11:18:14.632Z"))).toBe("66fb8e80-b155-11ea-8794-a356fd81d293");
    expect(g.next(Date.parse("2020-06-18T11:18:14.632Z"))).toBe("66fb8e81-b155-11ea-8794-a356fd81d293");
  });
});
