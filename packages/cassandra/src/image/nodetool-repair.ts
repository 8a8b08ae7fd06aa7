import type { Proc } from "@ksim/sim";
import type { ProcessContext } from "@ksim/kube";
import type { ProgressNotification, RepairOptions } from "../core/admin.js";
import { badUse, connectFailed, intOption, jmxCall, keyspacesToProcess, stackTrace } from "./jmx-client.js";

/**
 * `nodetool repair [options] [<keyspace> <tables>...]` (tools/nodetool/Repair.java and
 * RepairRunner, 3.11): one repair command per keyspace — every keyspace not under LocalStrategy
 * but system_distributed when none is named — each printing the coordinator's progress
 * notifications as they arrive, stamped with nodetool's own clock. The first command that fails
 * stops the rest, reported as the RuntimeException RepairRunner throws.
 */

/** Repair.ONLY_EXPLICITLY_REPAIRED (CASSANDRA-9621). */
const ONLY_EXPLICITLY_REPAIRED = new Set(["system_distributed"]);
/** RepairOption.MAX_JOB_THREADS. */
const MAX_JOB_THREADS = 4;

/** SimpleDateFormat("yyyy-MM-dd HH:mm:ss,SSS") in the pod's zone (UTC). */
function stamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)},${iso.slice(20, 23)}`;
}

interface Parsed {
  readonly options: RepairOptions;
  readonly args: readonly string[];
}

/** Repair's airline options; options ksim does not model are refused rather than ignored. */
function parse(params: readonly string[]): Parsed | { error: string } {
  let parallelism: RepairOptions["parallelism"] = "parallel";
  let sequential = false;
  let dcParallel = false;
  let primaryRange = false;
  let full = false;
  let jobThreads = 1;
  const args: string[] = [];
  for (let i = 0; i < params.length; i++) {
    const a = params[i]!;
    if (a === "-seq" || a === "--sequential") sequential = true;
    else if (a === "-dcpar" || a === "--dc-parallel") dcParallel = true;
    else if (a === "-pr" || a === "--partitioner-range") primaryRange = true;
    else if (a === "-full" || a === "--full") full = true;
    else if (a === "-j" || a === "--job-threads") {
      const n = intOption("job_threads", params[++i]);
      if (typeof n !== "number") return n;
      jobThreads = n;
    } else if (["-local", "--in-local-dc", "-dc", "--in-dc", "-hosts", "--in-hosts", "-st", "--start-token", "-et", "--end-token", "-tr", "--trace", "-inc"].includes(a)) {
      return { error: `repair option ${a} is not modelled by ksim` };
    } else args.push(a);
  }
  if (sequential) parallelism = "sequential";
  else if (dcParallel) parallelism = "dc_parallel";
  return { options: { parallelism, primaryRange, incremental: !full, jobThreads, tables: args.slice(1) }, args };
}

export function* repair(ctx: ProcessContext, host: string, port: number, params: readonly string[]): Proc<number> {
  const parsed = parse(params);
  if ("error" in parsed) return badUse(ctx, parsed.error);
  const { options, args } = parsed;
  if (options.jobThreads > MAX_JOB_THREADS) return badUse(ctx, `Too many job threads. Max is ${MAX_JOB_THREADS}`);
  const chosen = yield* keyspacesToProcess(ctx, host, port, args);
  if ("exit" in chosen) return chosen.exit;
  // Only the default set leaves system_distributed out; named, it is repaired.
  const names = args.length > 0 ? chosen.names : chosen.names.filter((k) => !ONLY_EXPLICITLY_REPAIRED.has(k));
  for (const keyspace of names) {
    let error: string | undefined;
    const print = (n: ProgressNotification) => {
      let line = `[${stamp(ctx.epochMs())}] ${n.message}`;
      if (n.type === "PROGRESS") line += ` (progress: ${n.total === 0 ? 0 : Math.trunc((n.progress * 100) / n.total)}%)`;
      ctx.stdout.write(`${line}\n`);
      if (n.type === "ERROR") error = `Repair job has failed with the error message: ${line}`;
    };
    const r = yield* jmxCall(ctx, host, port, { op: "repair", keyspace, options }, print);
    if ("connectError" in r) return connectFailed(ctx, host, port, r.connectError);
    if (!r.ok) {
      if (r.exception === "java.lang.IllegalArgumentException") return badUse(ctx, r.message);
      ctx.stderr.write(stackTrace("repair", r.exception, r.message).err);
      return 2;
    }
    if (r.value === 0) ctx.stdout.write(`[${stamp(ctx.epochMs())}] Replication factor is 1. No repair is needed for keyspace '${keyspace}'\n`);
    if (error !== undefined) {
      ctx.stderr.write(stackTrace("repair", "java.lang.RuntimeException", error).err);
      return 2;
    }
  }
  return 0;
}
