import type { Cell } from "./data.js";
import { elementCellKey } from "./data.js";
import { invalid } from "./request-error.js";
import type { ColumnDef } from "./schema.js";
import { columnTypeName, invalidConstant, literalValue, type CollectionType, type Literal, type Value } from "./types.js";

/**
 * Writes to collection columns (3.11's Lists, Sets and Maps operations): each element is a cell
 * of its own (a set's element, a map's key, a list's time UUID keys it), so concurrent additions
 * merge element by element; replacing the whole collection also writes a collection tombstone
 * just before the new elements, and deleting it writes one at the write's time.
 */

export interface CollectionWrite {
  readonly cells: Readonly<Record<string, Cell>>;
  /** The collection tombstone, if the write replaces or deletes the whole collection. */
  readonly cdel?: number;
}

/** What a write needs for a list's element keys: time UUIDs from the coordinator's clock. */
export interface ListKeys {
  append(): string;
  /** Keys ordered before every key appended or prepended earlier (PrecisionTime's mirrored clock). */
  prepend(count: number): string[];
}

type Expiring = { readonly ttl?: number; readonly exp?: number };

export function collectionType(c: ColumnDef): CollectionType | undefined {
  return typeof c.type === "string" ? undefined : c.type;
}

/** The literal's elements as values of the collection's types, with 3.11's refusals. */
function elements(c: ColumnDef, t: CollectionType, lit: Literal): { keys: Value[]; values: Value[] } {
  const type = columnTypeName(t);
  if (lit.kind !== "collection") throw invalidConstant(lit, c.name, type);
  const wanted = t.kind === "map" ? ["map", "empty"] : t.kind === "set" ? ["set", "empty"] : ["list"];
  if (!wanted.includes(lit.brackets)) throw invalid(`Invalid ${lit.brackets === "empty" ? "set" : lit.brackets} literal for ${c.name} of type ${type}`);
  const value = (l: Literal, as: typeof t.of) => {
    const v = literalValue(as, l, c.name);
    if (v === null) throw invalid("null is not supported inside collections");
    return v;
  };
  if (t.kind === "map") return { keys: lit.items.map((l) => value(l, t.key)), values: lit.values.map((l) => value(l, t.of)) };
  const items = lit.items.map((l) => value(l, t.of));
  return t.kind === "set" ? { keys: items, values: items.map(() => null) } : { keys: [], values: items };
}

function cells(c: ColumnDef, keys: readonly Value[], values: readonly Value[], ts: number, expiring: Expiring): Record<string, Cell> {
  const out: Record<string, Cell> = {};
  keys.forEach((k, i) => (out[elementCellKey(c.name, k)] = { v: values[i]!, ts, k, ...expiring }));
  return out;
}

/** `c = literal` (or null): the collection replaced as a whole. */
export function assignCollection(c: ColumnDef, t: CollectionType, lit: Literal, ts: number, expiring: Expiring, listKeys: ListKeys): CollectionWrite {
  if (lit.kind === "null") return { cells: {}, cdel: ts };
  const e = elements(c, t, lit);
  const keys = t.kind === "list" ? e.values.map(() => listKeys.append()) : e.keys;
  return { cells: cells(c, keys, e.values, ts, expiring), cdel: ts - 1 };
}

/** `c = c + literal`, `c = literal + c`, `c = c - literal`. */
export function updateCollection(c: ColumnDef, t: CollectionType, op: "add" | "prepend" | "remove", lit: Literal, ts: number, expiring: Expiring, listKeys: ListKeys): CollectionWrite {
  if (t.frozen) throw invalid(`Invalid operation (${c.name} = ${c.name} ${op === "remove" ? "-" : "+"} ?) for frozen collection column ${c.name}`);
  if (op === "prepend" && t.kind !== "list") throw invalid(`Invalid operation (${c.name} = ? + ${c.name}) for non list column ${c.name}`);
  if (op === "remove") {
    if (t.kind === "list") throw invalid(`ksim does not model removing elements from list ${c.name} (a read before the write)`);
    // A map takes the set of keys to remove.
    const keys = elements(c, t.kind === "map" ? { kind: "set", of: t.key, frozen: false } : t, lit).keys;
    const tombs: Record<string, Cell> = {};
    for (const k of keys) tombs[elementCellKey(c.name, k)] = { v: null, ts, tomb: true, k };
    return { cells: tombs };
  }
  const e = elements(c, t, lit);
  if (t.kind === "list") {
    const keys = op === "prepend" ? listKeys.prepend(e.values.length) : e.values.map(() => listKeys.append());
    return { cells: cells(c, keys, e.values, ts, expiring) };
  }
  return { cells: cells(c, e.keys, e.values, ts, expiring) };
}

/** `m[k] = v`: one map entry (list indexes need a read before the write, which ksim does not model). */
export function setElement(c: ColumnDef, t: CollectionType, key: Literal, lit: Literal, ts: number, expiring: Expiring): CollectionWrite {
  if (t.kind !== "map") throw invalid(t.kind === "list" ? `ksim does not model setting list ${c.name} by index (a read before the write)` : `Invalid operation (${c.name}[?] = ?) for set column ${c.name}`);
  const k = literalValue(t.key, key, c.name);
  if (k === null) throw invalid("Invalid null map key");
  const v = literalValue(t.of, lit, c.name);
  const cellKey = elementCellKey(c.name, k);
  return { cells: { [cellKey]: v === null ? { v: null, ts, tomb: true, k } : { v, ts, k, ...expiring } } };
}

/** `DELETE m[k]` (or a set's element). */
export function deleteElement(c: ColumnDef, t: CollectionType, key: Literal, ts: number): CollectionWrite {
  if (t.kind === "list") throw invalid(`ksim does not model deleting list ${c.name} elements by index (a read before the write)`);
  const k = literalValue(t.kind === "map" ? t.key : t.of, key, c.name);
  if (k === null) throw invalid(`Invalid null ${t.kind === "map" ? "map key" : "set element"}`);
  return { cells: { [elementCellKey(c.name, k)]: { v: null, ts, tomb: true, k } } };
}
