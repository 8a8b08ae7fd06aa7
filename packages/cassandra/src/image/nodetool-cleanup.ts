import type { Proc } from "@ksim/sim";
import type { ProcessContext } from "@ksim/kube";
import { LOCAL_SYSTEM_KEYSPACES } from "../core/schema.js";
import { badUse, connectFailed, intOption, jmxCall, keyspacesToProcess, stackTrace } from "./jmx-client.js";

/**
 * `nodetool cleanup [-j <jobs>] [<keyspace> <tables>...]` (tools/nodetool/Cleanup.java, 3.11):
 * after the ring has grown, each node drops the partitions it no longer replicates. Every
 * keyspace not under LocalStrategy when none is named; the local system keyspaces are skipped
 * even when named. An aborted table makes nodetool fail at the end, as NodeProbe.isFailed does.
 */
export function* cleanup(ctx: ProcessContext, host: string, port: number, params: readonly string[]): Proc<number> {
  const args: string[] = [];
  for (let i = 0; i < params.length; i++) {
    const a = params[i]!;
    if (a === "-j" || a === "--jobs") {
      const jobs = intOption("jobs", params[++i]);
      if (typeof jobs !== "number") return badUse(ctx, jobs.error);
    } else args.push(a);
  }
  const chosen = yield* keyspacesToProcess(ctx, host, port, args);
  if ("exit" in chosen) return chosen.exit;
  let failed = false;
  for (const keyspace of chosen.names) {
    if ((LOCAL_SYSTEM_KEYSPACES as readonly string[]).includes(keyspace)) continue;
    const r = yield* jmxCall(ctx, host, port, { op: "cleanup", keyspace, tables: args.slice(1) });
    if ("connectError" in r) return connectFailed(ctx, host, port, r.connectError);
    if (!r.ok) {
      if (r.exception === "java.lang.IllegalArgumentException") return badUse(ctx, r.message);
      ctx.stderr.write(stackTrace("cleanup", r.exception, r.message).err);
      return 2;
    }
    if (r.value === 1) {
      failed = true;
      ctx.stdout.write(`Aborted cleaning up at least one table in keyspace ${keyspace}, check server logs for more information.\n`);
    }
  }
  if (failed) {
    ctx.stderr.write(stackTrace("nodetool", "java.lang.RuntimeException", "nodetool failed, check server logs").err);
    return 2;
  }
  return 0;
}
