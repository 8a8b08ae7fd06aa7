import { ApiError, type StatusCause } from "../errors.js";

/**
 * Field-level validation errors as apimachinery's `field.Error` renders them
 * (`spec.replicas: Invalid value: -1: must be greater than or equal to 0`), and the Invalid
 * status the API server builds from a list of them.
 */
export type FieldErrorType =
  | "FieldValueNotFound"
  | "FieldValueRequired"
  | "FieldValueDuplicate"
  | "FieldValueInvalid"
  | "FieldValueNotSupported"
  | "FieldValueForbidden"
  | "FieldValueTooLong"
  | "FieldValueTooMany"
  | "InternalError";

export interface FieldError {
  readonly type: FieldErrorType;
  readonly field: string;
  readonly value?: unknown;
  readonly detail: string;
}

export type ErrorList = FieldError[];

const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueNotFound: "Not found",
  FieldValueRequired: "Required value",
  FieldValueDuplicate: "Duplicate value",
  FieldValueInvalid: "Invalid value",
  FieldValueNotSupported: "Unsupported value",
  FieldValueForbidden: "Forbidden",
  FieldValueTooLong: "Too long",
  FieldValueTooMany: "Too many",
  InternalError: "Internal error",
};

/**
 * Field paths are strings built like field.Path: `a.b`, `a[0]`, `a[key]`. Up to three names
 * rather than a rest parameter: validation builds paths for every field it checks.
 */
export function child(path: string, name: string, name2?: string, name3?: string): string {
  let p = join(path, name);
  if (name2 !== undefined) p = join(p, name2);
  if (name3 !== undefined) p = join(p, name3);
  return p;
}

function join(path: string, name: string): string {
  return path === "" ? name : `${path}.${name}`;
}

export function index(path: string, i: number): string {
  return `${path}[${i}]`;
}

export function key(path: string, k: string): string {
  return `${path}[${k}]`;
}

export const required = (field: string, detail = ""): FieldError => ({ type: "FieldValueRequired", field, detail });
export const forbidden = (field: string, detail: string): FieldError => ({ type: "FieldValueForbidden", field, detail });
export const invalid = (field: string, value: unknown, detail: string): FieldError => ({ type: "FieldValueInvalid", field, value, detail });
export const notFound = (field: string, value: unknown): FieldError => ({ type: "FieldValueNotFound", field, value, detail: "" });
export const duplicate = (field: string, value: unknown): FieldError => ({ type: "FieldValueDuplicate", field, value, detail: "" });

export function notSupported(field: string, value: unknown, valid: readonly string[]): FieldError {
  const detail = valid.length === 0 ? "" : "supported values: " + valid.map(goQuote).join(", ");
  return { type: "FieldValueNotSupported", field, value, detail };
}

export function tooLong(field: string, maxBytes: number): FieldError {
  return { type: "FieldValueTooLong", field, detail: `may not be more than ${maxBytes} ${maxBytes === 1 ? "byte" : "bytes"}` };
}

/** The message without the field name (what a StatusCause carries). */
function errorBody(e: FieldError): string {
  let s = TYPE_TEXT[e.type];
  if (e.type !== "FieldValueRequired" && e.type !== "FieldValueForbidden" && e.type !== "FieldValueTooLong" && e.type !== "InternalError") {
    s += `: ${renderValue(e.value)}`;
  }
  return e.detail === "" ? s : `${s}: ${e.detail}`;
}

export function errorString(e: FieldError): string {
  return `${e.field}: ${errorBody(e)}`;
}

/**
 * How a bad value is shown (apimachinery ≥ 1.34): numbers and booleans as they are, strings
 * Go-quoted, anything else as Go's encoding/json writes it. Structs keep their field order, so
 * callers pass structs already in Go field order and maps through goMap.
 */
export function renderValue(value: unknown): string {
  if (value === undefined || value === null) return "null";
  if (typeof value === "string") return goQuote(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return escapeHtml(JSON.stringify(value));
}

/** A Go map as json.Marshal orders it: keys sorted. */
export function goMap<V>(m: Readonly<Record<string, V>> | undefined): Record<string, V> | null {
  if (m === undefined) return null;
  const out: Record<string, V> = {};
  for (const k of Object.keys(m).sort()) out[k] = m[k]!;
  return out;
}

/** strconv.Quote: double quotes, Go escapes for control characters, printable Unicode kept. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === "\\") out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\r") out += "\\r";
    else if (c < 0x20 || c === 0x7f) out += "\\x" + c.toString(16).padStart(2, "0");
    else out += ch;
  }
  return out + '"';
}

function escapeHtml(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** ErrorList.ToAggregate().Error(): duplicates dropped, one message as is, several as `[a, b]`. */
export function aggregateMessage(errs: readonly FieldError[]): string {
  const msgs = dedupe(errs).map(errorString);
  return msgs.length === 1 ? msgs[0]! : `[${msgs.join(", ")}]`;
}

function dedupe(errs: readonly FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errs.filter((e) => {
    const m = errorString(e);
    if (seen.has(m)) return false;
    seen.add(m);
    return true;
  });
}

/**
 * The 422 the API server answers with (apierrors.NewInvalid): message
 * `StatefulSet.apps "web" is invalid: spec.selector: Required value`, one cause per error.
 */
export function invalidError(group: string, kind: string, name: string, errs: readonly FieldError[]): ApiError {
  const qualified = group === "" ? kind : `${kind}.${group}`;
  const causes: StatusCause[] = errs.map((e) => ({ type: e.type, message: errorBody(e), field: e.field }));
  const message = errs.length === 0 ? `${qualified} "${name}" is invalid` : `${qualified} "${name}" is invalid: ${aggregateMessage(errs)}`;
  return new ApiError("Invalid", message, causes);
}

/**
 * What kubectl prints for an Invalid status (cmdutil.checkErr): `The StatefulSet "web" is
 * invalid: <cause>` for one cause, or the prefix followed by `* <cause>` lines for several.
 */
export function kubectlInvalidText(kind: string, name: string, causes: readonly StatusCause[]): string {
  const prefix = `The ${kind} "${name}" is invalid: `;
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const c of causes) {
    const m = `${c.field ?? ""}: ${c.message}`;
    if (seen.has(m)) continue;
    seen.add(m);
    lines.push(m);
  }
  if (lines.length === 0) return `The ${kind} "${name}" is invalid`;
  if (lines.length === 1) return prefix + lines[0];
  return `${prefix}\n${lines.map((l) => `* ${l}`).join("\n")}\n`;
}
