/** Quantities as printers show them, on top of the API's resource.Quantity. */
import { canonicalQuantity, parseQuantity, QuantityError, type Quantity } from "../../api/quantity.js";

/** `Quantity.String()` of a resource-list entry: `0` when absent, as Go's zero Quantity prints. */
export function quantityText(value: string | number | undefined): string {
  if (value === undefined) return "0";
  try {
    return canonicalQuantity(value);
  } catch (e) {
    if (e instanceof QuantityError) return String(value);
    throw e;
  }
}

/** A resource-list entry as a Quantity; absent or malformed entries count as zero. */
export function quantityOf(value: string | number | undefined): Quantity {
  try {
    return parseQuantity(value ?? "0");
  } catch (e) {
    if (e instanceof QuantityError) return parseQuantity("0");
    throw e;
  }
}
