import { ApiError } from "./errors.js";
import { cloneJson } from "./json-value.js";
import { QuantityError, canonicalQuantity } from "./quantity.js";

/**
 * The shape of k8s.io/api types, enough to decode objects as the API server does: types are
 * checked (`json: cannot unmarshal string into Go struct field StatefulSetSpec.spec.replicas of
 * type int32`), unknown fields refused (`strict decoding error: unknown field "spec.foo"`), and
 * the result normalized as a Go round trip would write it (omitempty zero values dropped,
 * quantities canonical, value structs such as `resources: {}` present). The same descriptions
 * carry the patch strategies (patchMergeKey, patchStrategy) the strategic merge patch needs.
 */
export type Schema = Scalar | MapSchema | ListSchema | StructSchema;

export interface Scalar {
  readonly t: "string" | "int32" | "int64" | "float64" | "bool" | "intOrString" | "quantity" | "time" | "bytes" | "any";
  /** Go type as error messages name it when it differs from t (`v1.Protocol` is still `string`). */
  readonly go?: string;
}

export interface MapSchema {
  readonly t: "map";
  readonly of: Schema;
  readonly go?: string;
}

export interface ListSchema {
  readonly t: "list";
  readonly of: Schema;
  /** patchMergeKey; lists of primitives with strategy merge are sets (finalizers). */
  readonly mergeKey?: string;
  readonly strategy?: "merge" | "replace";
  readonly retainKeys?: boolean;
}

export interface StructSchema {
  readonly t: "struct";
  /** `v1.Container`: the Go type name, package-qualified. */
  readonly go: string;
  readonly fields: Readonly<Record<string, Field>>;
}

/**
 * How a Go field serializes. `omit`: omitempty on a non-pointer (zero values vanish);
 * `keep`: a pointer or explicit value (zero values stay); `required`: no omitempty (a missing
 * scalar appears as its zero value); `value`: a non-pointer struct (always written, `{}` when empty).
 */
export interface Field {
  readonly s: Schema;
  readonly mode: "omit" | "keep" | "required" | "value";
  /** patchStrategy "retainKeys" on a struct field (DeploymentSpec.strategy). */
  readonly retainKeys?: boolean;
}

const GO_TYPE: Record<Scalar["t"], string> = {
  string: "string",
  int32: "int32",
  int64: "int64",
  float64: "float64",
  bool: "bool",
  intOrString: "intstr.IntOrString",
  quantity: "resource.Quantity",
  time: "v1.Time",
  bytes: "[]uint8",
  any: "interface {}",
};

export function goTypeName(s: Schema): string {
  switch (s.t) {
    case "struct":
      return s.go;
    case "map":
      return s.go ?? `map[string]${goTypeName(s.of)}`;
    case "list":
      return `[]${goTypeName(s.of)}`;
    default:
      return s.go ?? GO_TYPE[s.t];
  }
}

/** The decoding error that stops at the first bad value (encoding/json's UnmarshalTypeError and friends). */
class TypeError_ extends Error {}

/**
 * Where the decoder is, kept as a stack and turned into text only for an error: objects are
 * decoded on every API write, and almost none of them fail.
 */
class Where {
  private readonly segments: (string | number)[] = [];
  /** Per segment: a list index or map key rather than a field name. */
  private readonly indexes: boolean[] = [];
  /** Per segment: the Go struct that holds the field (`Container` for `…containers.image`). */
  private readonly structs: (string | undefined)[] = [];

  field(name: string, struct: string): void {
    this.segments.push(name);
    this.indexes.push(false);
    this.structs.push(struct);
  }

  index(key: string | number): void {
    this.segments.push(key);
    this.indexes.push(true);
    this.structs.push(this.struct);
  }

  leave(): void {
    this.segments.pop();
    this.indexes.pop();
    this.structs.pop();
  }

  /** The struct that holds the current field, for `Go struct field Container.…`. */
  get struct(): string | undefined {
    return this.structs[this.structs.length - 1];
  }

  /** Field names as Go's decoder reports them: no list indices. */
  goPath(): string {
    return this.segments.filter((_, i) => !this.indexes[i]).join(".");
  }

  /** With indices, as strict decoding errors report unknown fields. */
  path(): string {
    let out = "";
    this.segments.forEach((seg, i) => {
      out += this.indexes[i] ? `[${seg}]` : out === "" ? seg : `.${seg}`;
    });
    return out;
  }
}

function jsonKind(v: unknown): string {
  if (typeof v === "string") return "string";
  if (typeof v === "number") return "number";
  if (typeof v === "boolean") return "bool";
  if (Array.isArray(v)) return "array";
  return "object";
}

/** Thrown for a type error by the untracked first attempt, which knows no path to word it with. */
const UNTRACKED = new TypeError_("decoding failed");

/** `bare`: the value decodes itself (metav1.Time, IntOrString), so Go names no struct field. */
function typeError(v: unknown, target: string, at: Where | undefined, valueText?: string, bare = false): TypeError_ {
  if (at === undefined) return UNTRACKED;
  const what = valueText ?? jsonKind(v);
  const struct = bare ? undefined : at.struct;
  if (struct === undefined) return new TypeError_(`json: cannot unmarshal ${what} into Go value of type ${target}`);
  return new TypeError_(`json: cannot unmarshal ${what} into Go struct field ${struct}.${at.goPath()} of type ${target}`);
}

const INT_RANGE = { int32: [-(2 ** 31), 2 ** 31 - 1], int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER] } as const;

function decodeScalar(s: Scalar, v: unknown, at: Where | undefined): unknown {
  switch (s.t) {
    case "any":
      // Copied, so that the whole decoded object is the caller's to change (admission defaults in place).
      return cloneJson(v);
    case "string":
    case "time":
      if (typeof v !== "string") throw typeError(v, s.t === "time" ? "string" : goTypeName(s), at, undefined, s.t === "time");
      return v;
    case "bool":
      if (typeof v !== "boolean") throw typeError(v, goTypeName(s), at);
      return v;
    case "float64":
      if (typeof v !== "number") throw typeError(v, goTypeName(s), at);
      return v;
    case "int32":
    case "int64": {
      if (typeof v !== "number") throw typeError(v, goTypeName(s), at);
      const range = INT_RANGE[s.t];
      if (!Number.isInteger(v) || v < range[0] || v > range[1]) throw typeError(v, goTypeName(s), at, `number ${String(v)}`);
      return v;
    }
    case "intOrString": {
      if (typeof v === "string") return v;
      // IntOrString.UnmarshalJSON decodes anything but a string into an int32 on its own.
      if (typeof v !== "number") throw typeError(v, "int32", at, undefined, true);
      if (!Number.isInteger(v) || v < INT_RANGE.int32[0] || v > INT_RANGE.int32[1]) throw typeError(v, "int32", at, `number ${String(v)}`, true);
      return v;
    }
    case "quantity": {
      const text = typeof v === "string" ? v.trim() : typeof v === "number" ? v : JSON.stringify(v);
      try {
        return canonicalQuantity(text);
      } catch (e) {
        if (e instanceof QuantityError) throw new TypeError_(e.message);
        throw e;
      }
    }
    case "bytes": {
      if (typeof v !== "string") throw typeError(v, goTypeName(s), at);
      const bad = base64ErrorOffset(v);
      if (bad !== undefined) throw new TypeError_(`illegal base64 data at input byte ${bad}`);
      return v;
    }
  }
}

const B64 = /^[A-Za-z0-9+/]$/;

/** Where Go's base64.StdEncoding.Decode would fail, or undefined if the string decodes. */
export function base64ErrorOffset(s: string): number | undefined {
  let quantum = 0;
  let quantumStart = 0;
  let padding = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "\r" || c === "\n") continue;
    if (padding) {
      if (c !== "=" || quantum !== 3) return i;
      quantum = 0;
      padding = false;
      continue;
    }
    if (c === "=") {
      if (quantum < 2) return i;
      if (quantum === 2) {
        padding = true;
        quantum = 3;
        continue;
      }
      quantum = 0;
      continue;
    }
    if (!B64.test(c)) return i;
    if (quantum === 0) quantumStart = i;
    quantum = (quantum + 1) % 4;
  }
  if (padding) return s.length;
  return quantum === 0 ? undefined : quantumStart;
}

function isZero(v: unknown): boolean {
  if (v === "" || v === 0 || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (v !== null && typeof v === "object") {
    // Without Object.keys' array: every decoded object field is asked.
    for (const _ in v) return false;
    return true;
  }
  return false;
}

function zeroOf(s: Schema): unknown {
  switch (s.t) {
    case "string":
      return "";
    case "int32":
    case "int64":
    case "float64":
      return 0;
    case "bool":
      return false;
    // intstr.IntOrString is a struct: its zero is the integer 0.
    case "intOrString":
      return 0;
    case "struct":
      return Object.fromEntries(materialize(s).map(([name, zero]) => [name, cloneJson(zero)]));
    default:
      return undefined;
  }
}

/** Per struct, the fields Go always writes and their zero values (copied on use: callers mutate). */
const zeroFields = new WeakMap<StructSchema, readonly (readonly [string, unknown])[]>();

function materialize(s: StructSchema): readonly (readonly [string, unknown])[] {
  let fields = zeroFields.get(s);
  if (fields === undefined) {
    const list: [string, unknown][] = [];
    for (const [name, f] of Object.entries(s.fields)) {
      if (f.mode === "value" || (f.mode === "required" && f.s.t !== "list" && f.s.t !== "map")) {
        const z = zeroOf(f.s);
        if (z !== undefined) list.push([name, z]);
      }
    }
    zeroFields.set(s, (fields = list));
  }
  return fields;
}

interface Walk {
  readonly unknown: string[];
  /**
   * Undefined on the first attempt: keeping the path is a good part of decoding's cost and only
   * an error needs it, so a failed attempt runs again with it to word the error.
   */
  readonly at: Where | undefined;
}

const UNTRACKED_WALK: Walk = { unknown: [], at: undefined };

function decodeValue(s: Schema, v: unknown, walk: Walk): unknown {
  if (v === null || v === undefined) return null;
  switch (s.t) {
    case "map": {
      if (typeof v !== "object" || Array.isArray(v)) throw typeError(v, goTypeName(s), walk.at);
      const out: Record<string, unknown> = {};
      for (const k in v) {
        walk.at?.index(k);
        const d = decodeValue(s.of, (v as Record<string, unknown>)[k], walk);
        walk.at?.leave();
        // A null map value stays as the element type's zero value in Go.
        out[k] = d === null ? zeroOf(s.of) ?? null : d;
      }
      return out;
    }
    case "list": {
      if (!Array.isArray(v)) throw typeError(v, goTypeName(s), walk.at);
      const out = new Array<unknown>(v.length);
      for (let i = 0; i < v.length; i++) {
        walk.at?.index(i);
        const d = decodeValue(s.of, v[i], walk);
        walk.at?.leave();
        out[i] = d === null ? zeroOf(s.of) ?? null : d;
      }
      return out;
    }
    case "struct":
      return decodeStruct(s, v, walk);
    default:
      return decodeScalar(s, v, walk.at);
  }
}

function decodeStruct(s: StructSchema, v: unknown, walk: Walk): Record<string, unknown> {
  const at = walk.at;
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw typeError(v, s.go, at);
  const out: Record<string, unknown> = {};
  // `v1.Container` → `Container`, for the path of a failed attempt.
  const bare = at === undefined ? "" : s.go.slice(s.go.indexOf(".") + 1);
  for (const name in v) {
    const f = s.fields[name];
    if (f === undefined) {
      if (at === undefined) throw UNTRACKED;
      at.field(name, bare);
      walk.unknown.push(at.path());
      at.leave();
      continue;
    }
    at?.field(name, bare);
    const d = decodeValue(f.s, (v as Record<string, unknown>)[name], walk);
    at?.leave();
    if (d === null || (f.mode === "omit" && isZero(d) && f.s.t !== "struct")) continue;
    out[name] = d;
  }
  // Fields Go always writes come after the given ones, at their zero value.
  for (const [name, zero] of materialize(s)) if (!(name in out)) out[name] = cloneJson(zero);
  return out;
}

/** Why decoding failed: a type error (first one wins) or the strict-decoding field errors. */
export type DecodeFailure = { readonly kind: "type"; readonly message: string } | { readonly kind: "strict"; readonly unknown: readonly string[] };

export type DecodeResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: DecodeFailure };

/**
 * Decodes a value against a struct schema (see the file comment). Pure: the input is not changed,
 * and the result shares nothing with it.
 */
export function decode<T = Record<string, unknown>>(schema: StructSchema, value: unknown): DecodeResult<T> {
  try {
    return { ok: true, value: decodeStruct(schema, value, UNTRACKED_WALK) as T };
  } catch (e) {
    if (!(e instanceof TypeError_)) throw e;
  }
  // It failed (a type error, or an unknown field, which the first attempt stops at): again, tracked.
  const walk: Walk = { unknown: [], at: new Where() };
  let out: unknown;
  try {
    out = decodeStruct(schema, value, walk);
  } catch (e) {
    if (e instanceof TypeError_) return { ok: false, failure: { kind: "type", message: e.message } };
    throw e;
  }
  if (walk.unknown.length > 0) return { ok: false, failure: { kind: "strict", unknown: walk.unknown } };
  return { ok: true, value: out as T };
}

export function failureText(f: DecodeFailure): string {
  return f.kind === "type" ? f.message : `strict decoding error: ${f.unknown.map((u) => `unknown field "${u}"`).join(", ")}`;
}

/**
 * The 400 the API server returns when a body does not decode (transformDecodeError):
 * `StatefulSet in version "v1" cannot be handled as a StatefulSet: strict decoding error: unknown field "spec.foo"`.
 */
export function decodeError(kind: string, version: string, failure: DecodeFailure): ApiError {
  return new ApiError("BadRequest", `${kind} in version "${version}" cannot be handled as a ${kind}: ${failureText(failure)}`);
}
