import type { Proc } from "@ksim/sim";
import type { ProcessContext } from "@ksim/kube";
import type { AdminRequest, CompactionStatsView, TableMetricsView, TableStatsView, TpStatsView } from "../core/admin.js";
import { decimalFormat, javaDouble, javaHashMapOrder, stringHash, stringifyFileSize, tableBuilder } from "../core/java-format.js";
import { badUse, connectFailed, jmxCall } from "./jmx-client.js";

/**
 * nodetool tpstats, tablestats (alias cfstats) and compactionstats, 3.11: TpStatsPrinter's,
 * TableStatsPrinter's and CompactionStats' default output. The holders gather the node's metrics
 * into HashMaps on nodetool's side, which is where their order comes from.
 */

function* fetch<T>(ctx: ProcessContext, host: string, port: number, request: AdminRequest): Proc<{ value: T } | { exit: number }> {
  const r = yield* jmxCall(ctx, host, port, request);
  if ("connectError" in r) return { exit: connectFailed(ctx, host, port, r.connectError) };
  // Metric reads raise nothing.
  if (!r.ok) throw new Error(`unexpected ${r.exception}: ${r.message}`);
  return { value: r.value as T };
}

const unexpected = (ctx: ProcessContext, params: readonly string[]) => badUse(ctx, `Found unexpected parameters: [${params.join(", ")}]`);

/** TpStatsPrinter.DefaultPrinter: pools and dropped messages, each in its HashMap's order. */
export function* tpstats(ctx: ProcessContext, host: string, port: number, params: readonly string[]): Proc<number> {
  if (params.length > 0) return unexpected(ctx, params);
  const r = yield* fetch<TpStatsView>(ctx, host, port, { op: "tpstats" });
  if ("exit" in r) return r.exit;
  const row = (cols: readonly (string | number)[]) =>
    `${String(cols[0]).padEnd(30)}${String(cols[1]).padStart(10)}${String(cols[2]).padStart(10)}${String(cols[3]).padStart(15)}${String(cols[4]).padStart(10)}${String(cols[5]).padStart(18)}\n`;
  let out = row(["Pool Name", "Active", "Pending", "Completed", "Blocked", "All time blocked"]);
  for (const p of javaHashMapOrder(r.value.pools, (x) => stringHash(x.name))) out += row([p.name, p.active, p.pending, p.completed, p.blocked, p.allTimeBlocked]);
  out += `\n${"Message type".padEnd(20)}${"Dropped".padStart(10)}\n`;
  for (const [verb, n] of javaHashMapOrder(r.value.dropped, ([v]) => stringHash(v))) out += `${verb.padEnd(20)}${String(n).padStart(10)}\n`;
  ctx.stdout.write(out);
  return 0;
}

/** TableStatsHolder.OptionFilter: `ks` or `ks.table` entries, included (or with -i, ignored). */
class OptionFilter {
  private readonly filter = new Map<string, string[]>();
  private readonly verifier = new Map<string, string[]>();

  constructor(
    private readonly ignore: boolean,
    private readonly entries: readonly string[],
  ) {
    for (const e of entries) {
      const dot = e.indexOf(".");
      const [ks, table] = dot < 0 ? [e, undefined] : [e.slice(0, dot), e.slice(dot + 1)];
      if (!this.filter.has(ks)) {
        this.filter.set(ks, []);
        this.verifier.set(ks, []);
      }
      if (table !== undefined) {
        this.filter.get(ks)!.push(table);
        this.verifier.get(ks)!.push(table);
      }
    }
  }

  keyspaceIncluded(ks: string): boolean {
    return this.entries.length === 0 ? !this.ignore : this.filter.has(ks) || this.ignore;
  }

  tableIncluded(ks: string, table: string): boolean {
    if (this.entries.length === 0) return !this.ignore;
    const tables = this.filter.get(ks);
    if (tables === undefined) return this.ignore;
    if (tables.length === 0) return !this.ignore;
    const left = this.verifier.get(ks)!;
    if (left.includes(table)) left.splice(left.indexOf(table), 1);
    return this.ignore !== tables.includes(table);
  }

  /** verifyKeyspaces, then verifyTables: the IllegalArgumentException's message, if any. */
  problem(keyspaces: readonly string[]): string | undefined {
    const order = (names: Iterable<string>) => javaHashMapOrder([...names], stringHash);
    const unknown = order(this.verifier.keys()).find((ks) => !keyspaces.includes(ks));
    if (unknown !== undefined) return `Unknown keyspace: ${unknown}`;
    const missing = order(this.filter.keys()).find((ks) => this.verifier.get(ks)!.length > 0);
    return missing === undefined ? undefined : `Unknown tables: [${this.verifier.get(missing)!.join(", ")}] in keyspace: ${missing}`;
  }
}

/**
 * `nodetool tablestats [-H] [-i] [<keyspace[.table]>...]`. Local reads and writes take no
 * simulated time, so the latency timers' totals stay 0: a keyspace with operations reads 0.0 ms
 * and a table's mean latency, never above 0, prints NaN. The model's SSTables have no bloom filter,
 * index summary or compression metadata, so those sizes are 0 and the compression ratio is -1.0; it
 * keeps no per-read histogram of cells scanned, so the slice lines print an empty histogram's.
 */
export function* tablestats(ctx: ProcessContext, host: string, port: number, params: readonly string[]): Proc<number> {
  let human = false;
  let ignore = false;
  const entries: string[] = [];
  for (const p of params) {
    if (p === "-H" || p === "--human-readable") human = true;
    else if (p === "-i") ignore = true;
    else if (p.startsWith("-")) return unexpected(ctx, [p]);
    else entries.push(p);
  }
  const r = yield* fetch<TableStatsView>(ctx, host, port, { op: "tablestats" });
  if ("exit" in r) return r.exit;
  const v = r.value;
  const filter = new OptionFilter(ignore, entries);
  const byKeyspace = new Map<string, { all: TableMetricsView[]; selected: TableMetricsView[] }>();
  for (const t of v.tables) {
    if (!filter.keyspaceIncluded(t.keyspace)) continue;
    let ks = byKeyspace.get(t.keyspace);
    if (ks === undefined) byKeyspace.set(t.keyspace, (ks = { all: [], selected: [] }));
    ks.all.push(t);
    if (filter.tableIncluded(t.keyspace, t.table)) ks.selected.push(t);
  }
  const problem = filter.problem(v.keyspaces);
  if (problem !== undefined) return badUse(ctx, problem);
  const size = (bytes: number) => (human ? stringifyFileSize(bytes) : String(bytes));
  let out = `Total number of tables: ${v.numberOfTables}\n----------------\n`;
  // selectedTableMbeans is an ArrayListMultimap: keyspaces in its HashMap's order (sized for 12 keys).
  const keyspaces = javaHashMapOrder([...byKeyspace.keys()].filter((k) => byKeyspace.get(k)!.selected.length > 0), stringHash, 32);
  for (const name of keyspaces) {
    const ks = byKeyspace.get(name)!;
    const reads = ks.all.reduce((n, t) => n + t.reads, 0);
    const writes = ks.all.reduce((n, t) => n + t.writes, 0);
    out += `Keyspace : ${name}\n`;
    out += `\tRead Count: ${reads}\n\tRead Latency: ${javaDouble(reads > 0 ? 0 : NaN)} ms\n`;
    out += `\tWrite Count: ${writes}\n\tWrite Latency: ${javaDouble(writes > 0 ? 0 : NaN)} ms\n`;
    out += "\tPending Flushes: 0\n";
    for (const t of ks.selected) {
      const lines: [string, string | number][] = [
        ["Table", t.table],
        ["SSTable count", t.sstableCount],
        ["Space used (live)", size(t.liveBytes)],
        ["Space used (total)", size(t.totalBytes)],
        ["Space used by snapshots (total)", size(t.snapshotBytes)],
        ["Off heap memory used (total)", size(0)],
        ["SSTable Compression Ratio", "-1.0"],
        ["Number of partitions (estimate)", t.partitions],
        ["Memtable cell count", t.memtableCells],
        ["Memtable data size", size(t.memtableBytes)],
        ["Memtable off heap memory used", size(0)],
        ["Memtable switch count", t.memtableSwitches],
        ["Local read count", t.reads],
        ["Local read latency", "NaN ms"],
        ["Local write count", t.writes],
        ["Local write latency", "NaN ms"],
        ["Pending flushes", 0],
        ["Percent repaired", javaDouble(t.percentRepaired)],
        ["Bloom filter false positives", 0],
        ["Bloom filter false ratio", "0.00000"],
        ["Bloom filter space used", size(0)],
        ["Bloom filter off heap memory used", size(0)],
        ["Index summary off heap memory used", size(0)],
        ["Compression metadata off heap memory used", size(0)],
        ["Compacted partition minimum bytes", t.partitionSizes.min],
        ["Compacted partition maximum bytes", t.partitionSizes.max],
        ["Compacted partition mean bytes", t.partitionSizes.mean],
        ["Average live cells per slice (last five minutes)", "NaN"],
        ["Maximum live cells per slice (last five minutes)", 0],
        ["Average tombstones per slice (last five minutes)", "NaN"],
        ["Maximum tombstones per slice (last five minutes)", 0],
        ["Dropped Mutations", size(0)],
      ];
      for (const [k, val] of lines) out += `\t\t${k}: ${val}\n`;
      out += "\n";
    }
    out += "----------------\n";
  }
  ctx.stdout.write(out);
  return 0;
}

/** `nodetool compactionstats [-H]`: pending tasks (in total, then per table) and the compactions running. */
export function* compactionstats(ctx: ProcessContext, host: string, port: number, params: readonly string[]): Proc<number> {
  const human = params.includes("-H") || params.includes("--human-readable");
  const rest = params.filter((p) => p !== "-H" && p !== "--human-readable");
  if (rest.length > 0) return unexpected(ctx, rest);
  const r = yield* fetch<CompactionStatsView>(ctx, host, port, { op: "compactionstats" });
  if ("exit" in r) return r.exit;
  const v = r.value;
  let out = `pending tasks: ${v.pending.reduce((n, p) => n + p[2], 0)}\n`;
  // PendingTasksByTableName: a HashMap of keyspaces, each a HashMap of tables.
  for (const ks of javaHashMapOrder([...new Set(v.pending.map((p) => p[0]))], stringHash)) {
    for (const [, table, n] of javaHashMapOrder(v.pending.filter((p) => p[0] === ks), (p) => stringHash(p[1]))) out += `- ${ks}.${table}: ${n}\n`;
  }
  out += "\n";
  if (v.active.length > 0) {
    const size = (bytes: number) => (human ? stringifyFileSize(bytes) : String(bytes));
    let remaining = 0;
    const rows = [["id", "compaction type", "keyspace", "table", "completed", "total", "unit", "progress"]];
    for (const c of v.active) {
      const progress = c.total === 0 ? "n/a" : decimalFormat("##0.00%", c.completed / c.total);
      rows.push([c.id, c.taskType, c.keyspace, c.table, size(c.completed), size(c.total), c.unit, progress]);
      if (c.taskType === "Compaction") remaining += c.total - c.completed;
    }
    out += tableBuilder(rows);
    let time = "n/a";
    if (v.throughputMB !== 0) {
      const secs = Math.floor(remaining / (1024 * 1024 * v.throughputMB));
      time = `${Math.floor(secs / 3600)}h${String(Math.floor((secs % 3600) / 60)).padStart(2, "0")}m${String(secs % 60).padStart(2, "0")}s`;
    }
    out += `Active compaction remaining time : ${time.padStart(10)}\n`;
  }
  ctx.stdout.write(out);
  return 0;
}
