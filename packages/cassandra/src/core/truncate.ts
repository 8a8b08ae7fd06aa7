import type { CassandraNode } from "./node.js";
import { ErrorCode, errorResult, type QueryResult } from "./protocol.js";
import { tableCql } from "./schema-cql.js";

/**
 * TRUNCATE (StorageProxy.truncateBlocking, ColumnFamilyStore.truncateBlocking, 3.11): every
 * node that owns tokens must be up; each live one is sent TRUNCATE and the coordinator waits for
 * all of them. A node flushes the table, keeps it as a `truncated-<ms>-<table>` snapshot when
 * auto_snapshot is on, and discards its data. Failures reach the client as TruncateException.
 */

/** truncate_request_timeout_in_ms. */
const TRUNCATE_TIMEOUT_MS = 60_000;

const truncateError = (message: string): QueryResult => errorResult(ErrorCode.TRUNCATE_ERROR, `Error during truncate: ${message}`);

export function truncateBlocking(node: CassandraNode, keyspace: string, table: string, done: (r: QueryResult) => void): void {
  const owners = (eps: readonly string[]) => eps.filter((ep) => node.tm.isMember(ep));
  const live = node.gossiper.liveMembers();
  // isAnyStorageHostDown: the operation is so aggressive that every token owner must be up.
  if (owners(node.gossiper.unreachableMembers()).length > 0) {
    node.log({ level: "INFO", thread: "Native-Transport-Requests-1", site: "StorageProxy.java:2470", message: "Cannot perform truncate, some hosts are down" });
    return done(truncateError("Cannot achieve consistency level ALL"));
  }
  const targets = owners(live);
  let responses = 0;
  let finished = false;
  const answered = () => {
    responses++;
    if (!finished && responses === targets.length) {
      finished = true;
      done({ kind: "VOID" });
    }
  };
  for (const ep of targets) {
    if (ep === node.self) {
      truncateLocal(node, keyspace, table);
      answered();
      continue;
    }
    node.request(ep, { verb: "TRUNCATE", keyspace, table }, answered, TRUNCATE_TIMEOUT_MS, () => {
      if (finished) return;
      finished = true;
      done(truncateError(`Truncate timed out - received only ${responses} responses`));
    });
  }
}

/** TruncateVerbHandler / ColumnFamilyStore.truncateBlocking on one node. */
export function truncateLocal(node: CassandraNode, keyspace: string, table: string): void {
  const def = node.schema.table(keyspace, table);
  const t = def === undefined ? undefined : node.storage.table(def.id);
  if (def === undefined || t === undefined) return;
  const thread = "MutationStage-1";
  node.log({ level: "INFO", thread, site: "ColumnFamilyStore.java:2251", message: `Truncating ${keyspace}.${table}` });
  const durable = node.schema.keyspace(keyspace)?.durableWrites ?? true;
  if (durable || node.config.autoSnapshot) node.storage.flush(t, thread);
  if (node.config.autoSnapshot) node.storage.snapshot(t, `truncated-${node.now.wall}-${table}`, `${tableCql(def)}\n`);
  node.storage.drop(t);
  node.log({ level: "INFO", thread, site: "ColumnFamilyStore.java:2295", message: `Truncate of ${keyspace}.${table} is complete` });
}
