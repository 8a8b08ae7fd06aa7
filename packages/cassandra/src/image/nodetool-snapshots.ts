import type { Proc } from "@ksim/sim";
import type { ProcessContext } from "@ksim/kube";
import type { AdminRequest } from "../core/admin.js";
import { stringifyFileSize, tableBuilder } from "../core/java-format.js";
import { badUse, connectFailed, jmxCall, stackTrace } from "./jmx-client.js";

/**
 * `nodetool snapshot | listsnapshots | clearsnapshot | refresh` (tools/nodetool, 3.11): the
 * backup and restore commands. Exceptions are reported as NodeTool does: an
 * IllegalArgumentException as bad use (exit 1), anything else by its root cause (exit 2).
 */

/** One JMX call; prints the failure and returns the exit status, or undefined and the value on success. */
function* call(ctx: ProcessContext, host: string, port: number, request: AdminRequest): Proc<{ exit: number } | { value: unknown }> {
  const r = yield* jmxCall(ctx, host, port, request);
  if ("connectError" in r) return { exit: connectFailed(ctx, host, port, r.connectError) };
  if (r.ok) return { value: r.value };
  if (r.exception === "java.lang.IllegalArgumentException") return { exit: badUse(ctx, r.message) };
  const t = stackTrace(request.op, r.exception, r.message);
  ctx.stderr.write(t.err);
  return { exit: t.code };
}

/** An IOException nodetool raises itself, wrapped and reported by its root cause. */
function clientIOException(ctx: ProcessContext, message: string): number {
  const t = stackTrace("snapshot", "java.io.IOException", message);
  ctx.stderr.write(t.err);
  return t.code;
}

/** Snapshot.java: `[-t tag] [-cf table] [-kt ks.t,...] [-sf] [keyspaces...]`, the tag by default nodetool's clock. */
export function* snapshot(ctx: ProcessContext, host: string, port: number, params: readonly string[]): Proc<number> {
  let tag = String(ctx.epochMs());
  let table: string | undefined;
  let ktList: string | undefined;
  let skipFlush = false;
  const keyspaces: string[] = [];
  for (let i = 0; i < params.length; i++) {
    const a = params[i]!;
    const value = () => params[++i] ?? "";
    if (a === "-t" || a === "--tag") tag = value();
    else if (a === "-cf" || a === "--column-family" || a === "--table") table = value();
    else if (a === "-kt" || a === "--kt-list" || a === "-kc" || a === "--kc.list") ktList = value();
    else if (a === "-sf" || a === "--skip-flush") skipFlush = true;
    else keyspaces.push(a);
  }
  const options = `{skipFlush=${skipFlush}}`;
  const named = tag === "" ? "" : ` with snapshot name [${tag}]`;
  let request: AdminRequest;
  if (ktList !== undefined && ktList !== "") {
    if (keyspaces.length > 0 || table !== undefined) return clientIOException(ctx, "When specifying the Keyspace columfamily list for a snapshot, you should not specify columnfamily");
    const list = ktList.replace(/ /g, "");
    ctx.stdout.write(`Requested creating snapshot(s) for [${list}]${named} and options ${options}\n`);
    request = { op: "snapshot", tag, keyspaces: [], tables: list.split(","), skipFlush };
  } else {
    ctx.stdout.write(`Requested creating snapshot(s) for [${keyspaces.length === 0 ? "all keyspaces" : keyspaces.join(", ")}]${named} and options ${options}\n`);
    if (table !== undefined && keyspaces.length !== 1) return clientIOException(ctx, "When specifying the table for a snapshot, you must specify one and only one keyspace");
    request = table !== undefined ? { op: "snapshot", tag, keyspaces: [], tables: [`${keyspaces[0]}.${table}`], skipFlush } : { op: "snapshot", tag, keyspaces, skipFlush };
  }
  const r = yield* call(ctx, host, port, request);
  if ("exit" in r) return r.exit;
  ctx.stdout.write(`Snapshot directory: ${tag}\n`);
  return 0;
}

/** ListSnapshots.java: the details as a TableBuilder table (every column padded, one space apart). */
export function* listSnapshots(ctx: ProcessContext, host: string, port: number): Proc<number> {
  const r = yield* call(ctx, host, port, { op: "listsnapshots" });
  if ("exit" in r) return r.exit;
  const { rows, trueTotal } = r.value as { rows: string[][]; trueTotal: number };
  let out = "Snapshot Details: \n";
  if (rows.length === 0) {
    ctx.stdout.write(`${out}There are no snapshots\n`);
    return 0;
  }
  out += tableBuilder([["Snapshot name", "Keyspace name", "Column family name", "True size", "Size on disk"], ...rows]);
  ctx.stdout.write(`${out}\nTotal TrueDiskSpaceUsed: ${stringifyFileSize(trueTotal)}\n\n`);
  return 0;
}

/** ClearSnapshot.java: `[-t tag] [keyspaces...]`; no tag removes every snapshot. */
export function* clearSnapshot(ctx: ProcessContext, host: string, port: number, params: readonly string[]): Proc<number> {
  let tag = "";
  const keyspaces: string[] = [];
  for (let i = 0; i < params.length; i++) {
    if (params[i] === "-t") tag = params[++i] ?? "";
    else keyspaces.push(params[i]!);
  }
  const named = tag === "" ? "" : ` with snapshot name [${tag}]`;
  ctx.stdout.write(`Requested clearing snapshot(s) for [${keyspaces.length === 0 ? "all keyspaces" : keyspaces.join(", ")}]${named}\n`);
  const r = yield* call(ctx, host, port, { op: "clearsnapshot", tag, keyspaces });
  return "exit" in r ? r.exit : 0;
}

/** Refresh.java: `<keyspace> <table>`, loading SSTables placed in the table's directory. */
export function* refresh(ctx: ProcessContext, host: string, port: number, params: readonly string[]): Proc<number> {
  if (params.length !== 2) return badUse(ctx, "refresh requires ks and cf args");
  const r = yield* call(ctx, host, port, { op: "refresh", keyspace: params[0]!, table: params[1]! });
  return "exit" in r ? r.exit : 0;
}
