/**
 * C's printf conversions of doubles, %f, %e and %g, as glibc makes them: the exact binary value
 * rounded to the precision, an exact half to the even digit (JavaScript's toFixed and
 * toExponential round it up). The shells' printf, coreutils' and awk's use them.
 */

/** %g: %e or %f by the exponent, trailing zeros dropped unless `#`. */
export function general(abs: number, precision: number, alt = false): string {
  const p = precision === 0 ? 1 : precision;
  if (abs === 0) return alt ? "0." + "0".repeat(p - 1) : "0";
  const e = exponential(abs, p - 1, false);
  const x = Number(e.slice(e.indexOf("e") + 1));
  let s = x < -4 || x >= p ? e : fixed(abs, p - 1 - x);
  if (!alt && s.includes(".")) s = s.replace(/\.?0+(?=e|$)/, "");
  else if (alt && !s.includes(".")) s = s.replace(/(?=e|$)/, ".");
  return s;
}

/** %f digits, rounding exact halves to even as glibc does (JavaScript rounds them up). */
export function fixed(abs: number, p: number): string {
  if (abs >= 1e21) return BigInt(abs).toString() + (p > 0 ? "." + "0".repeat(p) : "");
  const s = abs.toFixed(Math.min(p, 100)) + (p > 100 ? "0".repeat(p - 100) : "");
  return p <= 100 && isHalfway(abs, p) ? roundHalfEven(s) : s;
}

export function exponential(abs: number, p: number, alt: boolean): string {
  const digits = Math.min(p, 100);
  let s = abs.toExponential(digits);
  let at = s.indexOf("e");
  const exp = Number(s.slice(at + 1));
  if (isHalfway(abs, digits - exp)) {
    s = roundHalfEven(s.slice(0, at)) + s.slice(at);
    at = s.indexOf("e");
  }
  let mantissa = s.slice(0, at) + (p > 100 ? "0".repeat(p - 100) : "");
  if (alt && p === 0) mantissa += ".";
  const e = s.slice(at + 1);
  const sign = e.startsWith("-") ? "-" : "+";
  return `${mantissa}e${sign}${e.replace(/^[+-]/, "").padStart(2, "0")}`;
}

/** Whether abs·10^scale lies exactly halfway between two integers. */
function isHalfway(abs: number, scale: number): boolean {
  if (abs === 0) return false;
  const t = abs * 10 ** scale;
  if (t < 2 ** 50 && Math.abs(t - Math.floor(t) - 0.5) > 1e-6) return false;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, abs);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp = biased - 1075;
  if (biased === 0) exp = -1074;
  else mantissa |= 1n << 52n;
  let num = mantissa;
  let den = 1n;
  if (exp >= 0) num <<= BigInt(exp);
  else den <<= BigInt(-exp);
  if (scale >= 0) num *= 10n ** BigInt(scale);
  else den *= 10n ** BigInt(-scale);
  return (num % den) * 2n === den;
}

/**
 * JavaScript picked the upper of two equally near results; C wants the even one. An odd
 * last digit of the upper one means the lower one ends in that digit minus one.
 */
function roundHalfEven(s: string): string {
  const last = s.charCodeAt(s.length - 1) - 48;
  return last % 2 === 0 ? s : s.slice(0, -1) + String(last - 1);
}
