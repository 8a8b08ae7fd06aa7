import { describe, expect, it } from "vitest";
import {
  ERR_FORMAT_WRONG,
  addQuantity,
  canonicalQuantity,
  compareQuantity,
  formatQuantity,
  milliValue,
  parseQuantity,
  quantityValue,
  roundUp,
} from "../src/api/quantity.js";

describe("resource.Quantity", () => {
  it("prints the canonical form the API server stores", () => {
    const cases: [string | number, string][] = [
      ["0.5", "500m"],
      ["0.3", "300m"],
      ["500m", "500m"],
      ["1", "1"],
      [1, "1"],
      [0.5, "500m"],
      ["1000", "1k"],
      ["1500", "1500"],
      ["2e3", "2e3"],
      ["1.5e3", "1500"],
      ["1G", "1G"],
      ["1Gi", "1Gi"],
      ["1024Mi", "1Gi"],
      ["1.5Gi", "1536Mi"],
      ["0.5Gi", "512Mi"],
      ["512", "512"],
      ["100Mi", "100Mi"],
      ["1025Ki", "1025Ki"],
      ["0.1Ki", "102400m"],
      ["20Gi", "20Gi"],
      ["0", "0"],
      ["0.0000000001", "1n"],
      ["-1", "-1"],
      ["1.G", "1G"],
      ["512M", "512M"],
    ];
    for (const [input, out] of cases) expect([input, canonicalQuantity(input)]).toEqual([input, out]);
  });

  it("refuses malformed quantities in apimachinery's words", () => {
    expect(() => parseQuantity("")).toThrow(ERR_FORMAT_WRONG);
    expect(ERR_FORMAT_WRONG).toBe("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
    expect(() => parseQuantity("abc")).toThrow(ERR_FORMAT_WRONG);
    expect(() => parseQuantity("1.2.3")).toThrow(ERR_FORMAT_WRONG);
    expect(() => parseQuantity("1GB")).toThrow(ERR_FORMAT_WRONG);
    expect(() => parseQuantity("1mi")).toThrow("unable to parse quantity's suffix");
    expect(() => parseQuantity("1K")).toThrow("unable to parse quantity's suffix");
  });

  it("compares and adds exactly", () => {
    expect(compareQuantity(parseQuantity("1Gi"), parseQuantity("1073741824"))).toBe(0);
    expect(compareQuantity(parseQuantity("500m"), parseQuantity("0.6"))).toBe(-1);
    expect(compareQuantity(parseQuantity("1G"), parseQuantity("1Gi"))).toBe(-1);
    expect(formatQuantity(addQuantity(parseQuantity("1Gi"), parseQuantity("512Mi")))).toBe("1536Mi");
    expect(formatQuantity(addQuantity(parseQuantity("0"), parseQuantity("250m")))).toBe("250m");
    expect(formatQuantity(addQuantity(parseQuantity("100m"), parseQuantity("0.9")))).toBe("1");
  });

  it("converts to numbers and milli-units", () => {
    expect(quantityValue(parseQuantity("1Gi"))).toBe(1073741824);
    expect(quantityValue(parseQuantity("250m"))).toBe(0.25);
    expect(milliValue(parseQuantity("0.5"))).toBe(500n);
    expect(milliValue(parseQuantity("2"))).toBe(2000n);
    expect(milliValue(parseQuantity("1n"))).toBe(1n);
    expect(formatQuantity(roundUp(parseQuantity("0.0001"), -3))).toBe("1m");
  });
});
