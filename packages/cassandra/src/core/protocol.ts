import type { CollectionValue, Value } from "./types.js";

/**
 * The client protocol: what a driver and a node exchange over port 9042. Structured values
 * stand in for the native protocol's frames; error codes and messages are the real ones.
 */

export const CONSISTENCY_LEVELS = [
  "ANY",
  "ONE",
  "TWO",
  "THREE",
  "QUORUM",
  "ALL",
  "LOCAL_QUORUM",
  "EACH_QUORUM",
  "SERIAL",
  "LOCAL_SERIAL",
  "LOCAL_ONE",
] as const;
export type ConsistencyLevel = (typeof CONSISTENCY_LEVELS)[number];

export function isConsistencyLevel(s: string): s is ConsistencyLevel {
  return (CONSISTENCY_LEVELS as readonly string[]).includes(s);
}

export type ClientRequest =
  | { readonly stream: number; readonly op: "STARTUP" }
  /** What the drivers send on a connection that has been quiet, to learn whether it is still alive. */
  | { readonly stream: number; readonly op: "OPTIONS" }
  /** Asks for STATUS_CHANGE and TOPOLOGY_CHANGE events on this connection (drivers' control connection does). */
  | { readonly stream: number; readonly op: "REGISTER" }
  /** `serialConsistency`: the level of a lightweight transaction's Paxos rounds (SERIAL unless set); `pageSize`: the result page size, if the client pages. */
  | {
      readonly stream: number;
      readonly op: "QUERY";
      readonly query: string;
      readonly consistency: ConsistencyLevel;
      readonly serialConsistency?: ConsistencyLevel;
      readonly pageSize?: number;
    };

/** A value in a result set: a cell value, or a collection read from a system table. */
export type ResultValue = Value | CollectionValue | readonly string[] | Readonly<Record<string, string>>;

export interface ColumnSpec {
  readonly name: string;
  readonly type: string;
}

/** Protocol error codes (native_protocol_v4.spec §9). */
export const ErrorCode = {
  SERVER_ERROR: 0x0000,
  PROTOCOL_ERROR: 0x000a,
  UNAVAILABLE: 0x1000,
  OVERLOADED: 0x1001,
  IS_BOOTSTRAPPING: 0x1002,
  TRUNCATE_ERROR: 0x1003,
  WRITE_TIMEOUT: 0x1100,
  READ_TIMEOUT: 0x1200,
  SYNTAX_ERROR: 0x2000,
  UNAUTHORIZED: 0x2100,
  INVALID: 0x2200,
  CONFIG_ERROR: 0x2300,
  ALREADY_EXISTS: 0x2400,
} as const;

export type ErrorInfo =
  | { readonly kind: "unavailable"; readonly consistency: ConsistencyLevel; readonly required: number; readonly alive: number }
  | { readonly kind: "write_timeout"; readonly consistency: ConsistencyLevel; readonly received: number; readonly blockFor: number; readonly writeType: string }
  | { readonly kind: "read_timeout"; readonly consistency: ConsistencyLevel; readonly received: number; readonly blockFor: number; readonly dataPresent: boolean }
  | { readonly kind: "already_exists"; readonly keyspace: string; readonly table: string };

export type ClientResponse =
  | { readonly stream: number; readonly kind: "READY" }
  | { readonly stream: number; readonly kind: "SUPPORTED" }
  /** `warnings`: the frame's WARNING flag (protocol v4), what ClientWarn collected while the query ran. */
  | { readonly stream: number; readonly kind: "ROWS"; readonly columns: readonly ColumnSpec[]; readonly rows: readonly (readonly ResultValue[])[]; readonly warnings?: readonly string[] }
  | { readonly stream: number; readonly kind: "VOID"; readonly warnings?: readonly string[] }
  | { readonly stream: number; readonly kind: "SET_KEYSPACE"; readonly keyspace: string }
  | {
      readonly stream: number;
      readonly kind: "SCHEMA_CHANGE";
      readonly change: "CREATED" | "UPDATED" | "DROPPED";
      readonly target: "KEYSPACE" | "TABLE";
      readonly keyspace: string;
      readonly table?: string;
    }
  | { readonly stream: number; readonly kind: "ERROR"; readonly code: number; readonly message: string; readonly info?: ErrorInfo }
  /** Pushed on stream -1 to registered connections: STATUS_CHANGE (UP, DOWN) and TOPOLOGY_CHANGE (NEW_NODE, REMOVED_NODE). */
  | { readonly stream: -1; readonly kind: "EVENT"; readonly change: ClientEventChange; readonly address: string };

export type ClientEventChange = "UP" | "DOWN" | "NEW_NODE" | "REMOVED_NODE";

/** A request's outcome before it is addressed to a stream. */
export type QueryResult = Exclude<ClientResponse, { kind: "EVENT" }> extends infer R ? (R extends { stream: number } ? Omit<R, "stream"> : never) : never;

export function errorResult(code: number, message: string, info?: ErrorInfo): QueryResult {
  return info === undefined ? { kind: "ERROR", code, message } : { kind: "ERROR", code, message, info };
}
