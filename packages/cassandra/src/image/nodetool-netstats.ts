import type { Proc } from "@ksim/sim";
import type { ProcessContext } from "@ksim/kube";
import type { MessagingView, NetStatsView } from "../core/admin.js";
import { stringifyFileSize } from "../core/java-format.js";
import { badUse, connectFailed, jmxCall, type Result } from "./jmx-client.js";

/**
 * `nodetool netstats [-H]` (tools/nodetool/NetStats.java, 3.11): the node's operation mode, the
 * streams under way, then, unless the node is still starting, ReadRepairMetrics and the
 * MessagingService's task counts per outbound connection kind.
 */
export function* netstats(ctx: ProcessContext, host: string, port: number, params: readonly string[]): Proc<number> {
  const human = params.includes("-H") || params.includes("--human-readable");
  const unexpected = params.filter((p) => p !== "-H" && p !== "--human-readable");
  if (unexpected.length > 0) return badUse(ctx, `Found unexpected parameters: [${unexpected.join(", ")}]`);
  const r = yield* jmxCall(ctx, host, port, { op: "netstats" });
  if ("connectError" in r) return connectFailed(ctx, host, port, r.connectError);
  const v = valueOf<NetStatsView>(r);
  const size = (bytes: number) => (human ? stringifyFileSize(bytes) : `${bytes} bytes`);
  let out = `Mode: ${v.mode}\n`;
  if (v.streams.length === 0) out += "Not sending any streams.\n";
  for (const s of v.streams) {
    out += `${s.description} ${s.planId}\n`;
    for (const session of s.sessions) {
      out += `    /${session.peer}\n`;
      const t = session.sending;
      if (t !== undefined) out += `        Sending ${t.files} files, ${size(t.bytes)} total. Already sent ${t.doneFiles} files, ${size(t.doneBytes)} total\n`;
    }
  }
  if (v.mode !== "STARTING") {
    const rr = v.readRepair;
    out += `Read Repair Statistics:\nAttempted: ${rr.attempted}\nMismatch (Blocking): ${rr.blocking}\nMismatch (Background): ${rr.background}\n`;
    const m = yield* jmxCall(ctx, host, port, { op: "messaging" });
    if ("connectError" in m) {
      ctx.stdout.write(out);
      return connectFailed(ctx, host, port, m.connectError);
    }
    const pools = valueOf<MessagingView>(m);
    const row = (name: string, a: string | number, b: string | number, c: string | number, d: string | number) =>
      `${name.padEnd(25)}${String(a).padStart(10)}${String(b).padStart(10)}${String(c).padStart(15)}${String(d).padStart(10)}\n`;
    out += row("Pool Name", "Active", "Pending", "Completed", "Dropped");
    out += row("Large messages", "n/a", pools.large.pending, pools.large.completed, pools.large.dropped);
    out += row("Small messages", "n/a", pools.small.pending, pools.small.completed, pools.small.dropped);
    out += row("Gossip messages", "n/a", pools.gossip.pending, pools.gossip.completed, pools.gossip.dropped);
  }
  ctx.stdout.write(out);
  return 0;
}

/** What a bean attribute read returned: these reads raise no exceptions. */
function valueOf<T>(r: Exclude<Result, { connectError: string }>): T {
  if (!r.ok) throw new Error(`unexpected ${r.exception}: ${r.message}`);
  return r.value as T;
}
