import type { CloseReason, Proc } from "@ksim/sim";
import { Future, wait } from "@ksim/sim";
import type { ProcessContext } from "@ksim/kube";
import type { AdminRequest, AdminResponse, ProgressNotification } from "../core/admin.js";
import type { JmxRequest, JmxResponse } from "./daemon.js";

/** nodetool's side of JMX: one call per connection, and how NodeTool reports what went wrong. */

const CONNECT_ERRORS: Record<Exclude<CloseReason, "closed">, string> = {
  ECONNREFUSED: "ConnectException: 'Connection refused (Connection refused)'",
  ECONNRESET: "ConnectException: 'Connection reset'",
  ETIMEDOUT: "ConnectException: 'Connection timed out (Connection timed out)'",
  EHOSTUNREACH: "NoRouteToHostException: 'No route to host (Host unreachable)'",
  ENETDOWN: "SocketException: 'Network is down (Network is down)'",
};

/** Where each JMX operation lives, for the first frame of a stack trace. */
const FRAMES: Readonly<Record<string, string>> = {
  decommission: "org.apache.cassandra.service.StorageService.decommission(StorageService.java:3893)",
  removenode: "org.apache.cassandra.service.StorageService.removeNode(StorageService.java:4320)",
  flush: "org.apache.cassandra.service.StorageService.forceKeyspaceFlush(StorageService.java:3262)",
  repair: "org.apache.cassandra.tools.RepairRunner.progress(RepairRunner.java:116)",
  cleanup: "org.apache.cassandra.service.StorageService.forceKeyspaceCleanup(StorageService.java:2994)",
  nodetool: "org.apache.cassandra.tools.NodeTool$NodeToolCmd.run(NodeTool.java:255)",
  describering: "org.apache.cassandra.tools.nodetool.DescribeRing.execute(DescribeRing.java:48)",
  status: "org.apache.cassandra.dht.Murmur3Partitioner.describeOwnership(Murmur3Partitioner.java:172)",
  ring: "org.apache.cassandra.dht.Murmur3Partitioner.describeOwnership(Murmur3Partitioner.java:172)",
};

export type Result = { ok: true; value: unknown } | { ok: false; exception: string; message: string } | { connectError: string };

/** One JMX call: connect to host:port, send the request, wait for the answer (notifications meanwhile go to `onNotification`). */
export function* jmxCall(ctx: ProcessContext, host: string, port: number, request: AdminRequest, onNotification?: (n: ProgressNotification) => void): Proc<Result> {
  const done = new Future<Result>();
  const conn = ctx.net.connect(host, port, { timeoutMs: 20_000 });
  conn.onOpen = () => conn.send({ id: 1, request } satisfies JmxRequest);
  conn.onData = (msg) => {
    const m = msg as JmxResponse;
    if ("notification" in m) return onNotification?.(m.notification);
    const r: AdminResponse = m.response;
    done.resolve(r.ok ? { ok: true, value: r.value } : { ok: false, exception: r.error.exception, message: r.error.message });
    conn.end();
  };
  conn.onClose = (reason) => {
    const msg = reason === "closed" ? CONNECT_ERRORS.ECONNRESET : CONNECT_ERRORS[reason];
    done.resolve({ connectError: msg });
  };
  conn.onEnd = () => done.resolve({ connectError: CONNECT_ERRORS.ECONNRESET });
  return yield* wait(done);
}

/** How nodetool reports an exception from a JMX call: `error:` then the stack trace, exit 2. */
export function stackTrace(op: string, exception: string, message: string): { out: string; err: string; code: number } {
  const frame = FRAMES[op];
  return { out: "", err: `error: ${message}\n-- StackTrace --\n${exception}: ${message}\n${frame === undefined ? "" : `\tat ${frame}\n`}`, code: 2 };
}

/** NodeTool.badUse: an IllegalArgumentException or a parse error, exit status 1. */
export function badUse(ctx: ProcessContext, message: string): number {
  ctx.stdout.write(`nodetool: ${message}\nSee 'nodetool help' or 'nodetool help <command>'.\n`);
  return 1;
}

/** NodeProbe could not reach the JMX port. */
export function connectFailed(ctx: ProcessContext, host: string, port: number, error: string): number {
  ctx.stderr.write(`nodetool: Failed to connect to '${host}:${port}' - ${error}.\n`);
  return 1;
}

/** The keyspaces the node has (all, or those not under LocalStrategy), or the exit status when it cannot be reached. */
export function* keyspaces(ctx: ProcessContext, host: string, port: number, nonLocalStrategy: boolean): Proc<{ names: readonly string[] } | { exit: number }> {
  const r = yield* jmxCall(ctx, host, port, { op: "keyspaces", nonLocalStrategy });
  if ("connectError" in r) return { exit: connectFailed(ctx, host, port, r.connectError) };
  return { names: r.ok ? (r.value as string[]) : [] };
}

/**
 * NodeToolCmd.parseOptionalKeyspace's check, made in nodetool before any operation: a named
 * keyspace the node does not have is bad use. Returns the exit status when the command must stop.
 */
export function* missingKeyspace(ctx: ProcessContext, host: string, port: number, keyspace: string | undefined): Proc<number | undefined> {
  if (keyspace === undefined) return undefined;
  const known = yield* keyspaces(ctx, host, port, false);
  if ("exit" in known) return known.exit;
  return known.names.includes(keyspace) ? undefined : badUse(ctx, `Keyspace [${keyspace}] does not exist.`);
}

/**
 * NodeToolCmd.parseOptionalKeyspace(args, probe, NON_LOCAL_STRATEGY): the keyspace named first
 * (which must exist), or every keyspace not under LocalStrategy; or the exit status.
 */
export function* keyspacesToProcess(ctx: ProcessContext, host: string, port: number, args: readonly string[]): Proc<{ names: readonly string[] } | { exit: number }> {
  if (args.length === 0) return yield* keyspaces(ctx, host, port, true);
  const missing = yield* missingKeyspace(ctx, host, port, args[0]);
  return missing !== undefined ? { exit: missing } : { names: [args[0]!] };
}

/** An airline int option's value, or airline's complaint about it. */
export function intOption(title: string, value: string | undefined): number | { error: string } {
  if (value === undefined) return { error: `Required values for option '${title}' not provided` };
  if (!/^-?\d+$/.test(value)) return { error: `${title}: can not convert "${value}" to a int` };
  return Number(value);
}
