import type { Proc } from "@ksim/sim";
import type { ProcessContext } from "@ksim/kube";
import { connectFailed, jmxCall, keyspaces, missingKeyspace, stackTrace } from "./jmx-client.js";

/**
 * `nodetool compact [<keyspace> <tables>...]` (tools/nodetool/Compact.java, 3.11): a major
 * compaction of each table, every keyspace when none is named. It prints nothing; a failure is
 * rethrown as "Error occurred during compaction", and NodeTool reports its root cause.
 */
export function* compact(ctx: ProcessContext, host: string, port: number, params: readonly string[]): Proc<number> {
  const flag = params.find((a) => a.startsWith("-"));
  if (flag !== undefined) {
    // --split-output, --user-defined and a token range change which files are written or read.
    ctx.stderr.write(`nodetool: ksim does not model compact ${flag}: a major compaction writes one SSTable per table\n`);
    return 1;
  }
  let names: readonly string[];
  if (params.length === 0) {
    const all = yield* keyspaces(ctx, host, port, false);
    if ("exit" in all) return all.exit;
    names = all.names;
  } else {
    const missing = yield* missingKeyspace(ctx, host, port, params[0]);
    if (missing !== undefined) return missing;
    names = [params[0]!];
  }
  for (const keyspace of names) {
    const r = yield* jmxCall(ctx, host, port, { op: "compact", keyspace, tables: params.slice(1) });
    if ("connectError" in r) return connectFailed(ctx, host, port, r.connectError);
    if (!r.ok) {
      const t = stackTrace("compact", r.exception, r.message);
      ctx.stderr.write(t.err);
      return t.code;
    }
  }
  return 0;
}
