import type { IntOrString } from "../api/types.js";

/**
 * intstr.GetScaledValueFromIntOrPercent: an absolute number, or a percentage of `total` rounded
 * up or down (maxSurge and minAvailable round up, maxUnavailable down).
 */
export function scaledValue(v: IntOrString, total: number, roundUp: boolean): number {
  if (typeof v === "number") return v;
  const pct = Number(v.replace("%", "")) / 100;
  return roundUp ? Math.ceil(pct * total) : Math.floor(pct * total);
}
