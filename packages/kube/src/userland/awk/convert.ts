import { general } from "../../shell/c-float.js";
import { sprintf, type Converter } from "./format.js";
import { InputStr, numberToString, strtod, type Scalar } from "./values.js";

/**
 * Conversions between awk's values. They depend on CONVFMT and OFMT, and on how wide a number
 * may be and still print as an integer: 32 bits in mawk 1.3.4 20200120, 64 in busybox.
 */
export class Conversions implements Converter {
  convfmt = "%.6g";
  ofmt = "%.6g";

  constructor(private readonly intMax: number) {}

  toNum(v: Scalar): number {
    if (typeof v === "number") return v;
    if (v === undefined) return 0;
    if (typeof v === "string") return strtod(v);
    return v.num;
  }

  /** String value; numbers through CONVFMT (integers as integers). */
  toStr(v: Scalar): string {
    if (typeof v === "string") return v;
    if (v === undefined) return "";
    if (typeof v === "number") return numberToString(v, this.intMax, (d) => this.formatNumber(this.convfmt, d));
    return v.text;
  }

  /** What print writes: numbers through OFMT. */
  output(v: Scalar): string {
    if (typeof v === "number") return numberToString(v, this.intMax, (d) => this.formatNumber(this.ofmt, d));
    return this.toStr(v);
  }

  truthy(v: Scalar): boolean {
    if (typeof v === "number") return v !== 0;
    if (v === undefined) return false;
    if (typeof v === "string") return v !== "";
    return v.numeric ? v.num !== 0 : v.text !== "";
  }

  /**
   * Numeric when neither side is a string (numeric input and uninitialized values count as
   * numbers), else by character codes. As in mawk, NaN compares equal to everything.
   */
  compare(a: Scalar, b: Scalar): number {
    if (isStringy(a) || isStringy(b)) {
      const x = this.toStr(a);
      const y = this.toStr(b);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    const x = this.toNum(a);
    const y = this.toNum(b);
    return x > y ? 1 : x < y ? -1 : 0;
  }

  sprintf(format: string, args: readonly Scalar[], who: "printf" | "sprintf"): string {
    return sprintf(format, args, this, who);
  }

  private formatNumber(fmt: string, d: number): string {
    if (fmt === "%.6g" && Number.isFinite(d)) return d < 0 ? "-" + general(-d, 6) : general(d, 6);
    return sprintf(fmt, [d], this, "sprintf");
  }
}

function isStringy(v: Scalar): boolean {
  return typeof v === "string" || (v instanceof InputStr && !v.numeric);
}
