import { cloneJson, isJsonObject, jsonEqual } from "./json-value.js";

/**
 * RFC 6902 JSON patch with the error texts of gopkg.in/evanphx/json-patch.v4 (what the API
 * server applies for `kubectl patch --type=json`), and RFC 7386 JSON merge patch
 * (`--type=merge`). Pure: inputs are never changed.
 */
export class JsonPatchError extends Error {
  override name = "JsonPatchError";
  constructor(
    message: string,
    /** The API server answers a malformed patch with 400, a patch that does not apply with 422. */
    readonly status: "BadRequest" | "Invalid",
  ) {
    super(message);
  }
}

const MISSING = "missing value";
const INVALID_INDEX = "invalid index referenced";
const TEST_FAILED = "test failed";

interface Operation {
  readonly op: string;
  readonly path?: string;
  readonly from?: string;
  readonly value?: unknown;
  readonly hasValue: boolean;
}

type Json = unknown;
type Container = Record<string, Json> | Json[];

/** jsonpatch.DecodePatch: the patch must be a JSON array of operation objects. */
function decodeOperations(patch: unknown): Operation[] {
  if (!Array.isArray(patch)) {
    const kind = patch === null ? "null" : typeof patch === "object" ? "object" : typeof patch === "string" ? "string" : typeof patch === "number" ? "number" : "bool";
    throw new JsonPatchError(`json: cannot unmarshal ${kind} into Go value of type jsonpatch.Patch`, "BadRequest");
  }
  return patch.map((p) => {
    if (p === null || typeof p !== "object" || Array.isArray(p)) {
      throw new JsonPatchError(`json: cannot unmarshal ${Array.isArray(p) ? "array" : typeof p} into Go value of type jsonpatch.Operation`, "BadRequest");
    }
    const o = p as Record<string, unknown>;
    return {
      op: typeof o.op === "string" ? o.op : "unknown",
      ...(typeof o.path === "string" ? { path: o.path } : {}),
      ...(typeof o.from === "string" ? { from: o.from } : {}),
      value: o.value,
      hasValue: "value" in o && o.value !== null,
    };
  });
}

const decodeKey = (k: string): string => k.replace(/~1/g, "/").replace(/~0/g, "~");

/** findObject: the container holding the last path segment, or undefined. */
function findObject(doc: Container, path: string): { con: Container; key: string } | undefined {
  const split = path.split("/");
  if (split.length < 2) return undefined;
  let cur: Json = doc;
  for (const part of split.slice(1, -1)) {
    const next = get(cur as Container, decodeKey(part));
    if (next === undefined || next === null || typeof next !== "object") return undefined;
    cur = next;
  }
  return { con: cur as Container, key: decodeKey(split[split.length - 1]!) };
}

function atoi(key: string): number {
  if (!/^[+-]?[0-9]+$/.test(key)) throw new JsonPatchError(`strconv.Atoi: parsing ${JSON.stringify(key)}: invalid syntax`, "Invalid");
  return Number(key);
}

function get(con: Container, key: string): Json | undefined {
  if (Array.isArray(con)) {
    if (!/^[+-]?[0-9]+$/.test(key)) return undefined;
    const i = Number(key);
    return i >= 0 && i < con.length ? con[i] : undefined;
  }
  return Object.prototype.hasOwnProperty.call(con, key) ? con[key] : undefined;
}

function add(con: Container, key: string, value: Json, path: string): void {
  if (!Array.isArray(con)) {
    con[key] = value;
    return;
  }
  if (key === "-") {
    con.push(value);
    return;
  }
  let i: number;
  try {
    i = atoi(key);
  } catch (e) {
    throw new JsonPatchError(`error in add for path: '${path}': value was not a proper array index: '${key}': ${(e as Error).message}`, "Invalid");
  }
  if (i < 0 || i > con.length) throw new JsonPatchError(`error in add for path: '${path}': Unable to access invalid index: ${i}: ${INVALID_INDEX}`, "Invalid");
  con.splice(i, 0, value);
}

function remove(con: Container, key: string, path: string, verb: string): void {
  if (Array.isArray(con)) {
    const i = atoi(key);
    if (i < 0 || i >= con.length) throw new JsonPatchError(`error in ${verb} for path: '${path}': Unable to access invalid index: ${i}: ${INVALID_INDEX}`, "Invalid");
    con.splice(i, 1);
    return;
  }
  if (!Object.prototype.hasOwnProperty.call(con, key)) {
    throw new JsonPatchError(`error in ${verb} for path: '${path}': unable to remove nonexistent key: ${key}: ${MISSING}`, "Invalid");
  }
  delete con[key];
}

/** Applies an RFC 6902 patch. Throws JsonPatchError in evanphx/json-patch's words. */
export function applyJsonPatch<T>(document: T, patch: unknown): T {
  const ops = decodeOperations(patch);
  let doc = cloneJson(document) as Container;
  for (const op of ops) {
    const path = op.path ?? "";
    switch (op.op) {
      case "add": {
        if (op.path === undefined) throw new JsonPatchError(`add operation failed to decode path: ${MISSING}`, "Invalid");
        const found = findObject(doc, path);
        if (!found) throw new JsonPatchError(`add operation does not apply: doc is missing path: "${path}": ${MISSING}`, "Invalid");
        add(found.con, found.key, cloneJson(op.value ?? null), path);
        break;
      }
      case "remove": {
        if (op.path === undefined) throw new JsonPatchError(`remove operation failed to decode path: ${MISSING}`, "Invalid");
        const found = findObject(doc, path);
        if (!found) throw new JsonPatchError(`remove operation does not apply: doc is missing path: "${path}": ${MISSING}`, "Invalid");
        remove(found.con, found.key, path, "remove");
        break;
      }
      case "replace": {
        if (path === "") {
          if (op.value === null || typeof op.value !== "object") throw new JsonPatchError("replace operation value must be object or array", "Invalid");
          doc = cloneJson(op.value) as Container;
          break;
        }
        const found = findObject(doc, path);
        if (!found) throw new JsonPatchError(`replace operation does not apply: doc is missing path: ${path}: ${MISSING}`, "Invalid");
        if (get(found.con, found.key) === undefined) {
          throw new JsonPatchError(`replace operation does not apply: doc is missing key: ${path}: ${MISSING}`, "Invalid");
        }
        if (Array.isArray(found.con)) found.con[Number(found.key)] = cloneJson(op.value ?? null);
        else found.con[found.key] = cloneJson(op.value ?? null);
        break;
      }
      case "move":
      case "copy": {
        const from = op.from ?? "";
        const src = findObject(doc, from);
        if (!src) throw new JsonPatchError(`${op.op} operation does not apply: doc is missing from path: ${from}: ${MISSING}`, "Invalid");
        const value = get(src.con, src.key);
        if (value === undefined) {
          const detail = Array.isArray(src.con) ? `Unable to access invalid index: ${src.key}: ${INVALID_INDEX}` : `unable to get nonexistent key: ${src.key}: ${MISSING}`;
          throw new JsonPatchError(op.op === "move" ? `error in move for path: '${src.key}': ${detail}` : `error in copy for from: '${from}': ${detail}`, "Invalid");
        }
        if (op.op === "move") remove(src.con, src.key, src.key, "move");
        const dst = findObject(doc, path);
        if (!dst) throw new JsonPatchError(`${op.op} operation does not apply: doc is missing destination path: ${path}: ${MISSING}`, "Invalid");
        add(dst.con, dst.key, cloneJson(value), path);
        break;
      }
      case "test": {
        if (path === "") {
          if (!jsonEqual(doc, op.value)) throw new JsonPatchError(`testing value  failed: ${TEST_FAILED}`, "Invalid");
          break;
        }
        const found = findObject(doc, path);
        if (!found) throw new JsonPatchError(`test operation does not apply: is missing path: ${path}: ${MISSING}`, "Invalid");
        const actual = get(found.con, found.key);
        if (actual === undefined ? op.hasValue : !jsonEqual(actual, op.value)) {
          throw new JsonPatchError(`testing value ${path} failed: ${TEST_FAILED}`, "Invalid");
        }
        break;
      }
      default:
        throw new JsonPatchError(`Unexpected kind: ${op.op}`, "Invalid");
    }
  }
  return doc as T;
}

/** RFC 7386 JSON merge patch: objects merge, null deletes, anything else replaces. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== "object" || Array.isArray(patch)) return cloneJson(patch);
  const base: Record<string, unknown> = isJsonObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete base[k];
    else base[k] = applyMergePatch(base[k], v);
  }
  return base;
}
