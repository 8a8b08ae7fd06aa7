import { boundTimeUuid, timeUuidMillis } from "./java-format.js";
import { invalid } from "./request-error.js";
import { literalValue, type CqlType, type Literal, type Value } from "./types.js";

/**
 * The native scalar functions a statement's terms may call (TimeFcts and UuidFcts, 3.11):
 * `now()`, `uuid()`, and the conversions between time UUIDs, timestamps and milliseconds.
 * A call is worked out when its statement runs, on the coordinator, into a result that only a
 * column of its type may take.
 */

export interface FunctionEnv {
  /** UUIDGen.getTimeUUID on this node. */
  timeUuid(): string;
  /** UUID.randomUUID. */
  randomUuid(): string;
}

interface NativeFunction {
  readonly args: readonly CqlType[];
  readonly returns: CqlType;
  apply(args: readonly Value[], env: FunctionEnv): Value;
}

const FUNCTIONS: Readonly<Record<string, NativeFunction>> = {
  now: { args: [], returns: "timeuuid", apply: (_, env) => env.timeUuid() },
  uuid: { args: [], returns: "uuid", apply: (_, env) => env.randomUuid() },
  totimestamp: { args: ["timeuuid"], returns: "timestamp", apply: ([u]) => timeUuidMillis(u as string) },
  dateof: { args: ["timeuuid"], returns: "timestamp", apply: ([u]) => timeUuidMillis(u as string) },
  tounixtimestamp: { args: ["timeuuid"], returns: "bigint", apply: ([u]) => BigInt(timeUuidMillis(u as string)) },
  unixtimestampof: { args: ["timeuuid"], returns: "bigint", apply: ([u]) => BigInt(timeUuidMillis(u as string)) },
  mintimeuuid: { args: ["timestamp"], returns: "timeuuid", apply: ([ms]) => boundTimeUuid(ms as number, "min") },
  maxtimeuuid: { args: ["timestamp"], returns: "timeuuid", apply: ([ms]) => boundTimeUuid(ms as number, "max") },
};

/** Whether a name (lower-cased) is a native function a term may call. */
export function isNativeFunction(name: string): boolean {
  return name in FUNCTIONS;
}

/** Every call in `x` (a statement, or any part of one) replaced by its result. */
export function resolveCalls<T>(x: T, env: FunctionEnv): T {
  if (Array.isArray(x)) return x.map((e) => resolveCalls(e, env)) as T;
  if (x === null || typeof x !== "object" || x instanceof Uint8Array) return x;
  const o = x as Record<string, unknown>;
  if (o["kind"] === "call") return call(o as unknown as Extract<Literal, { kind: "call" }>, env) as T;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) out[k] = resolveCalls(o[k], env);
  return out as T;
}

/** Whether a statement calls any function (most do not, and need no resolving). */
export function hasCalls(x: unknown): boolean {
  if (Array.isArray(x)) return x.some(hasCalls);
  if (x === null || typeof x !== "object" || x instanceof Uint8Array) return false;
  const o = x as Record<string, unknown>;
  return o["kind"] === "call" || Object.values(o).some(hasCalls);
}

function call(c: Extract<Literal, { kind: "call" }>, env: FunctionEnv): Literal {
  const f = FUNCTIONS[c.name]!;
  const fn = `system.${c.name}`;
  if (c.args.length !== f.args.length) throw invalid(`Invalid number of arguments in call to function ${fn}: ${f.args.length} required but ${c.args.length} provided`);
  const args = c.args.map((a, i) => literalValue(f.args[i]!, a.kind === "call" ? call(a, env) : a, `arg${i}(${fn})`));
  if (args.some((a) => a === null)) return { kind: "null" };
  return { kind: "result", fn, type: f.returns, value: f.apply(args, env) };
}
