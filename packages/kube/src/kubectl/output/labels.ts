/** Label strings printers need beyond the API's selector helpers. */
import { labelSelectorAsSelector, NOTHING, SelectorError, selectorString } from "../../api/labels.js";
import type { LabelSelector, Labels } from "../../api/types.js";

/** `labels.FormatLabels`: sorted `k=v` pairs joined by commas, `<none>` when empty. */
export function formatLabels(labels: Labels | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  return keys.length === 0 ? "<none>" : keys.map((k) => `${k}=${labels![k]}`).join(",");
}

/**
 * `selector.String()` after `LabelSelectorAsSelector`, as Deployment and StatefulSet printers
 * use it: empty for a selector of everything, `<invalid>` when it does not convert.
 */
export function labelSelectorString(ls: LabelSelector | undefined): string {
  try {
    const selector = labelSelectorAsSelector(ls);
    return selector === NOTHING ? "" : selectorString(selector);
  } catch (e) {
    if (e instanceof SelectorError) return "<invalid>";
    throw e;
  }
}
