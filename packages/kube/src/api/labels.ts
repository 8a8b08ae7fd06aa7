import type { KubeObject, LabelSelector, LabelSelectorRequirement, Labels } from "./types.js";
import { aggregateMessage, child, forbidden, index, invalid, key as keyPath, required, type FieldError } from "./validation/field.js";
import { isQualifiedName, isValidLabelValue } from "./validation/content.js";

/**
 * Label selectors as apimachinery's `labels` package has them: requirements parsed from what
 * users type after `-l` (`app=nginx`, `tier notin (a,b)`, `!canary`), converted from a
 * metav1.LabelSelector, matched against labels and printed back (`app=nginx,tier in (a,b)`).
 */
export type Operator = "=" | "==" | "!=" | "in" | "notin" | "exists" | "!" | "gt" | "lt";

export interface Requirement {
  readonly key: string;
  readonly operator: Operator;
  readonly values: readonly string[];
}

/** Requirements ANDed together, sorted by key. An empty list selects everything. */
export type Selector = readonly Requirement[];

/** A selector that selects nothing (a nil metav1.LabelSelector). */
export const NOTHING: unique symbol = Symbol("nothing");
export type SelectorOrNothing = Selector | typeof NOTHING;

export class SelectorError extends Error {
  override name = "SelectorError";
}

const BINARY_OPERATORS = ["in", "notin", "=", "==", "!=", "gt", "lt"];
const OPERATOR_NAMES: Record<Operator, string> = {
  "=": "=",
  "==": "==",
  "!=": "!=",
  in: "in",
  notin: "notin",
  exists: "exists",
  "!": "!",
  gt: "gt",
  lt: "lt",
};

/** labels.NewRequirement: the key and values checked, errors aggregated in apimachinery's words. */
export function newRequirement(key: string, operator: Operator, values: readonly string[], path = ""): Requirement {
  const errs: FieldError[] = [];
  const keyErr = validateLabelKey(key, child(path, "key"));
  if (keyErr) errs.push(keyErr);
  const valuePath = child(path, "values");
  switch (operator) {
    case "in":
    case "notin":
      if (values.length === 0) errs.push(invalid(valuePath, [...values], "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case "=":
    case "==":
    case "!=":
      if (values.length !== 1) errs.push(invalid(valuePath, [...values], "exact-match compatibility requires one single value"));
      break;
    case "exists":
    case "!":
      if (values.length !== 0) errs.push(invalid(valuePath, [...values], "values set must be empty for exists and does not exist"));
      break;
    case "gt":
    case "lt":
      if (values.length !== 1) errs.push(invalid(valuePath, [...values], "for 'Gt', 'Lt' operators, exactly one value is required"));
      values.forEach((v, i) => {
        if (!/^[+-]?[0-9]+$/.test(v)) errs.push(invalid(index(valuePath, i), v, "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      break;
  }
  values.forEach((v, i) => {
    for (const msg of isValidLabelValue(v)) errs.push(invalid(keyPath(index(valuePath, i), key), v, msg));
  });
  if (errs.length > 0) throw new SelectorError(aggregateMessage(errs));
  return { key, operator, values: [...values] };
}

function validateLabelKey(k: string, path: string): FieldError | undefined {
  const msgs = isQualifiedName(k);
  return msgs.length === 0 ? undefined : invalid(path, k, msgs.join("; "));
}

export function requirementMatches(r: Requirement, labels: Labels | undefined): boolean {
  const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? labels[r.key]! : undefined;
  switch (r.operator) {
    case "=":
    case "==":
    case "in":
      return has && r.values.includes(value!);
    case "!=":
    case "notin":
      return !has || !r.values.includes(value!);
    case "exists":
      return has;
    case "!":
      return !has;
    case "gt":
    case "lt": {
      if (!has || !/^[+-]?[0-9]+$/.test(value!) || r.values.length !== 1) return false;
      const lv = BigInt(value!);
      const rv = BigInt(r.values[0]!);
      return r.operator === "gt" ? lv > rv : lv < rv;
    }
  }
}

export function selectorMatches(selector: SelectorOrNothing, labels: Labels | undefined): boolean {
  if (selector === NOTHING) return false;
  return selector.every((r) => requirementMatches(r, labels));
}

/** Requirement.String(): values of set operators sorted, as apimachinery prints them. */
export function requirementString(r: Requirement): string {
  const values = r.values.length > 1 ? [...r.values].sort() : r.values;
  switch (r.operator) {
    case "exists":
      return r.key;
    case "!":
      return `!${r.key}`;
    case "in":
      return `${r.key} in (${values.join(",")})`;
    case "notin":
      return `${r.key} notin (${values.join(",")})`;
    case "gt":
      return `${r.key}>${values.join(",")}`;
    case "lt":
      return `${r.key}<${values.join(",")}`;
    default:
      return `${r.key}${r.operator}${values.join(",")}`;
  }
}

export function selectorString(selector: Selector): string {
  return selector.map(requirementString).join(",");
}

function sortByKey(reqs: Requirement[]): Selector {
  // Go's sort.Sort is not stable; requirements with equal keys keep insertion order here.
  return reqs.map((r, i) => [r, i] as const).sort(([a, i], [b, j]) => (a.key < b.key ? -1 : a.key > b.key ? 1 : i - j)).map(([r]) => r);
}

/** metav1.LabelSelectorAsSelector: nil selects nothing, an empty selector everything. */
export function labelSelectorAsSelector(ls: LabelSelector | undefined | null): SelectorOrNothing {
  if (ls === undefined || ls === null) return NOTHING;
  const reqs: Requirement[] = [];
  for (const [k, v] of Object.entries(ls.matchLabels ?? {})) reqs.push(newRequirement(k, "=", [v]));
  for (const expr of ls.matchExpressions ?? []) {
    const op = ({ In: "in", NotIn: "notin", Exists: "exists", DoesNotExist: "!" } as const)[expr.operator];
    if (op === undefined) throw new SelectorError(`"${String(expr.operator)}" is not a valid label selector operator`);
    reqs.push(newRequirement(expr.key, op, expr.values ?? []));
  }
  return sortByKey(reqs);
}

/** Whether labels satisfy a metav1.LabelSelector; a selector that does not convert matches nothing. */
export function labelSelectorMatches(ls: LabelSelector | undefined | null, labels: Labels | undefined): boolean {
  try {
    return selectorMatches(labelSelectorAsSelector(ls), labels);
  } catch (e) {
    if (e instanceof SelectorError) return false;
    throw e;
  }
}

/** metav1.FormatLabelSelector: `app=nginx`, `<none>` for an empty one, `<error>` if it does not convert. */
export function formatLabelSelector(ls: LabelSelector | undefined | null): string {
  try {
    const sel = labelSelectorAsSelector(ls);
    const s = sel === NOTHING ? "" : selectorString(sel);
    return s === "" ? "<none>" : s;
  } catch (e) {
    if (e instanceof SelectorError) return "<error>";
    throw e;
  }
}

// ---- the `-l` syntax ----------------------------------------------------------------------------

type Token =
  | "error"
  | "end"
  | ")"
  | ","
  | "!"
  | "=="
  | "="
  | ">"
  | "in"
  | "<"
  | "!="
  | "notin"
  | "("
  | "identifier";

interface Scanned {
  readonly tok: Token;
  readonly lit: string;
}

const SYMBOLS: Record<string, Token> = {
  ")": ")",
  ",": ",",
  "!": "!",
  "==": "==",
  "=": "=",
  ">": ">",
  in: "in",
  "<": "<",
  "!=": "!=",
  notin: "notin",
  "(": "(",
};

const isSpecial = (c: string) => "=!(),><".includes(c);
const isSpace = (c: string) => c === " " || c === "\t" || c === "\r" || c === "\n";

function lex(s: string): Scanned[] {
  const out: Scanned[] = [];
  let pos = 0;
  for (;;) {
    while (pos < s.length && isSpace(s[pos]!)) pos++;
    if (pos >= s.length) {
      out.push({ tok: "end", lit: "" });
      return out;
    }
    if (isSpecial(s[pos]!)) {
      let buf = "";
      let last: Scanned | undefined;
      while (pos < s.length && isSpecial(s[pos]!)) {
        buf += s[pos];
        const t = SYMBOLS[buf];
        if (t !== undefined) {
          last = { tok: t, lit: buf };
          pos++;
        } else if (last !== undefined) {
          break;
        } else {
          pos++;
        }
      }
      out.push(last ?? { tok: "error", lit: `error expected: keyword found '${buf}'` });
    } else {
      let buf = "";
      while (pos < s.length && !isSpecial(s[pos]!) && !isSpace(s[pos]!)) buf += s[pos++];
      out.push({ tok: SYMBOLS[buf] ?? "identifier", lit: buf });
    }
  }
}

/** metav1.ParseToLabelSelector: equality requirements as matchLabels, set-based ones as matchExpressions. */
export function parseToLabelSelector(text: string): LabelSelector {
  let requirements: Selector;
  try {
    requirements = parseSelector(text);
  } catch (e) {
    throw new Error(`couldn't parse the selector string ${JSON.stringify(text)}: ${(e as Error).message}`);
  }
  const matchLabels: Record<string, string> = {};
  const matchExpressions: LabelSelectorRequirement[] = [];
  const OPERATORS: Partial<Record<Operator, LabelSelectorRequirement["operator"]>> = { in: "In", notin: "NotIn", exists: "Exists", "!": "DoesNotExist" };
  for (const r of requirements) {
    if (r.operator === "=" || r.operator === "==") {
      matchLabels[r.key] = r.values[0]!;
      continue;
    }
    if (r.operator === "gt" || r.operator === "lt") throw new Error(`${JSON.stringify(r.operator)} isn't supported in label selectors`);
    const operator = OPERATORS[r.operator];
    if (operator === undefined) throw new Error(`${JSON.stringify(r.operator)} is not a valid label selector operator`);
    matchExpressions.push({ key: r.key, operator, ...(r.values.length > 0 ? { values: [...r.values].sort() } : {}) });
  }
  return { ...(Object.keys(matchLabels).length > 0 ? { matchLabels } : {}), ...(matchExpressions.length > 0 ? { matchExpressions } : {}) };
}

/**
 * labels.Parse: the selector syntax of `kubectl get -l`. Throws SelectorError with
 * apimachinery's message, e.g. `unable to parse requirement: found 'x' expected: '('`.
 */
export function parseSelector(input: string): Selector {
  const items = lex(input);
  let pos = 0;
  // In value position the keywords `in` and `notin` are plain identifiers.
  const look = (values: boolean): Scanned => asValue(items[pos]!, values);
  const take = (values: boolean): Scanned => asValue(items[pos++]!, values);
  const reqs: Requirement[] = [];

  const parseRequirement = (): Requirement => {
    let t = take(true);
    let negated = false;
    if (t.tok === "!") {
      negated = true;
      t = take(true);
    }
    if (t.tok !== "identifier") throw new SelectorError(`found '${t.lit}', expected: identifier`);
    const keyErr = validateLabelKey(t.lit, "<nil>");
    if (keyErr) throw new SelectorError(aggregateMessage([keyErr]));
    const key = t.lit;
    const next = look(true).tok;
    if (negated || next === "end" || next === ",") {
      if (negated) return newRequirement(key, "!", []);
      return newRequirement(key, "exists", []);
    }
    const opTok = take(false);
    const op = ({ in: "in", "=": "=", "==": "==", ">": "gt", "<": "lt", notin: "notin", "!=": "!=" } as const)[opTok.tok as string];
    if (op === undefined) throw new SelectorError(`found '${opTok.lit}', expected: ${BINARY_OPERATORS.map((o) => OPERATOR_NAMES[o as Operator]).join(", ")}`);
    const values = op === "in" || op === "notin" ? parseValues() : parseExactValue();
    return newRequirement(key, op, [...new Set(values)].sort());
  };

  const parseValues = (): string[] => {
    const open = take(true);
    if (open.tok !== "(") throw new SelectorError(`found '${open.lit}' expected: '('`);
    const t = look(true);
    if (t.tok === "identifier" || t.tok === ",") {
      const s = parseIdentifiers();
      if (take(true).tok !== ")") throw new SelectorError(`found '${t.lit}', expected: ')'`);
      return s;
    }
    if (t.tok === ")") {
      pos++;
      return [""];
    }
    throw new SelectorError(`found '${t.lit}', expected: ',', ')' or identifier`);
  };

  const parseIdentifiers = (): string[] => {
    const s = new Set<string>();
    for (;;) {
      const t = take(true);
      if (t.tok === "identifier") {
        s.add(t.lit);
        const n = look(true);
        if (n.tok === ",") continue;
        if (n.tok === ")") return [...s];
        throw new SelectorError(`found '${n.lit}', expected: ',' or ')'`);
      }
      if (t.tok === ",") {
        if (s.size === 0) s.add("");
        const n = look(true);
        if (n.tok === ")") {
          s.add("");
          return [...s];
        }
        if (n.tok === ",") {
          pos++;
          s.add("");
        }
        continue;
      }
      throw new SelectorError(`found '${t.lit}', expected: ',', or identifier`);
    }
  };

  const parseExactValue = (): string[] => {
    const t = look(true);
    if (t.tok === "end" || t.tok === ",") return [""];
    const v = take(true);
    if (v.tok === "identifier") return [v.lit];
    throw new SelectorError(`found '${v.lit}', expected: identifier`);
  };

  for (;;) {
    const t = look(true);
    if (t.tok === "end") return sortByKey(reqs);
    if (t.tok !== "identifier" && t.tok !== "!") throw new SelectorError(`found '${t.lit}', expected: !, identifier, or 'end of string'`);
    try {
      reqs.push(parseRequirement());
    } catch (e) {
      if (e instanceof SelectorError) throw new SelectorError(`unable to parse requirement: ${e.message}`);
      throw e;
    }
    const after = take(true);
    if (after.tok === "end") return sortByKey(reqs);
    if (after.tok !== ",") throw new SelectorError(`found '${after.lit}', expected: ',' or 'end of string'`);
    const n = look(true);
    if (n.tok !== "identifier" && n.tok !== "!") throw new SelectorError(`found '${n.lit}', expected: identifier after ','`);
  }
}

function asValue(s: Scanned, values: boolean): Scanned {
  return values && (s.tok === "in" || s.tok === "notin") ? { tok: "identifier", lit: s.lit } : s;
}

// ---- field selectors ----------------------------------------------------------------------------

export interface FieldRequirement {
  readonly field: string;
  readonly operator: "=" | "!=";
  readonly value: string;
}

/** Field labels the API server accepts per kind (its fieldSelector conversion functions). */
const FIELD_LABELS: Record<string, readonly string[]> = {
  Pod: [
    "metadata.name",
    "metadata.namespace",
    "spec.nodeName",
    "spec.restartPolicy",
    "spec.schedulerName",
    "spec.serviceAccountName",
    "spec.hostNetwork",
    "status.phase",
    "status.podIP",
    "status.podIPs",
    "status.nominatedNodeName",
  ],
  Node: ["metadata.name", "spec.unschedulable"],
  Namespace: ["metadata.name", "status.phase"],
  Secret: ["metadata.name", "metadata.namespace", "type"],
  Event: [
    "metadata.name",
    "metadata.namespace",
    "involvedObject.kind",
    "involvedObject.namespace",
    "involvedObject.name",
    "involvedObject.uid",
    "involvedObject.apiVersion",
    "involvedObject.resourceVersion",
    "involvedObject.fieldPath",
    "reason",
    "reportingComponent",
    "source",
    "type",
  ],
  ReplicaSet: ["metadata.name", "metadata.namespace", "status.replicas"],
};

/**
 * fields.ParseSelector (`metadata.name=web-0,status.phase!=Running`) checked against the field
 * labels the kind supports. Throws SelectorError in the API server's words.
 */
export function parseFieldSelector(input: string, kind: string): FieldRequirement[] {
  const parts = splitTerms(input).sort();
  const out: FieldRequirement[] = [];
  const supported = FIELD_LABELS[kind] ?? ["metadata.name", "metadata.namespace"];
  for (const part of parts) {
    if (part === "") continue;
    const m = /^(.*?)(!=|==|=)(.*)$/s.exec(part);
    if (!m) throw new SelectorError(`invalid selector: '${input}'; can't understand '${part}'`);
    const [, field = "", op, raw = ""] = m;
    if (!supported.includes(field)) throw new SelectorError(`field label not supported: ${field}`);
    out.push({ field, operator: op === "!=" ? "!=" : "=", value: unescapeFieldValue(raw) });
  }
  return out;
}

/** Splits on commas not escaped with a backslash (fields.splitTerms). */
function splitTerms(s: string): string[] {
  if (s === "") return [];
  const terms: string[] = [];
  let cur = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "\\" && i + 1 < s.length) {
      cur += c + s[++i];
    } else if (c === ",") {
      terms.push(cur);
      cur = "";
    } else {
      cur += c;
    }
  }
  terms.push(cur);
  return terms;
}

function unescapeFieldValue(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "\\") {
      const n = s[++i];
      if (n !== "\\" && n !== "," && n !== "=") throw new SelectorError(`invalid field selector: invalid escape sequence: \\${n ?? ""}`);
      out += n;
    } else if (c === "," || c === "=") {
      throw new SelectorError(`invalid field selector: unescaped character: ${c}`);
    } else {
      out += c;
    }
  }
  return out;
}

/** The value of a field label on an object, as the field-selector conversion produces it. */
export function fieldLabelValue(obj: KubeObject, field: string): string {
  if (field === "metadata.name") return obj.metadata.name ?? "";
  if (field === "metadata.namespace") return obj.metadata.namespace ?? "";
  let cur: unknown = obj;
  for (const part of field.split(".")) cur = cur !== null && typeof cur === "object" ? (cur as Record<string, unknown>)[part] : undefined;
  if (field === "status.podIPs" && Array.isArray(cur)) return cur.map((p: { ip?: string }) => p.ip ?? "").join(",");
  if (typeof cur === "boolean" || typeof cur === "number") return String(cur);
  if (field === "spec.hostNetwork" || field === "spec.unschedulable") return "false";
  return typeof cur === "string" ? cur : "";
}

export function fieldSelectorMatches(reqs: readonly FieldRequirement[], obj: KubeObject): boolean {
  return reqs.every((r) => (fieldLabelValue(obj, r.field) === r.value) === (r.operator === "="));
}

/** Validation errors of a label map (metav1 validation.ValidateLabels). */
export function validateLabels(labels: Labels | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    for (const msg of isQualifiedName(k)) errs.push(invalid(path, k, msg));
    for (const msg of isValidLabelValue(v)) errs.push(invalid(path, v, msg));
  }
  return errs;
}

/** Validation errors of a metav1.LabelSelector (ValidateLabelSelector). */
export function validateLabelSelector(ls: LabelSelector | undefined, path: string): FieldError[] {
  if (ls === undefined) return [];
  const errs = validateLabels(ls.matchLabels, child(path, "matchLabels"));
  (ls.matchExpressions ?? []).forEach((expr, i) => {
    const p = index(child(path, "matchExpressions"), i);
    const values = expr.values ?? [];
    switch (expr.operator) {
      case "In":
      case "NotIn":
        if (values.length === 0) errs.push(required(child(p, "values"), "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case "Exists":
      case "DoesNotExist":
        if (values.length > 0) errs.push(forbidden(child(p, "values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        errs.push(invalid(child(p, "operator"), expr.operator, "not a valid selector operator"));
    }
    for (const msg of isQualifiedName(expr.key)) errs.push(invalid(child(p, "key"), expr.key, msg));
    values.forEach((v, j) => {
      for (const msg of isValidLabelValue(v)) errs.push(invalid(index(child(p, "values"), j), v, msg));
    });
  });
  return errs;
}
