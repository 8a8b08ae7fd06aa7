/**
 * `nodetool help` and `nodetool help <command>` as Cassandra 3.11.2's nodetool prints them:
 * airline 0.6 lays out its command table (GlobalUsageSummary) and each command's page
 * (CommandUsage) from the @Command, @Option and @Arguments annotations, which are data here.
 */

/** An @Option: its names, the value's title (none for a flag), and whether it takes several. */
export interface OptionMeta {
  readonly names: readonly string[];
  readonly title?: string;
  readonly description: string;
  readonly multi?: boolean;
}

/** An @Arguments: its usage as written, or made from its title (the field's name by default). */
export interface ArgumentsMeta {
  readonly usage?: string;
  readonly title?: string;
  readonly description: string;
  readonly required?: boolean;
  readonly multi?: boolean;
}

export interface CommandMeta {
  readonly description: string;
  readonly options?: readonly OptionMeta[];
  readonly args?: ArgumentsMeta;
  /** Left out of the command table (the deprecated cf… names). */
  readonly hidden?: boolean;
  /** ksim holds its annotations (a command without any holds none to miss): `help <name>` shows its page. */
  readonly page?: boolean;
}

/** NodeToolCmd's global options; a title is the Java field's name when the annotation gives none. */
const GLOBAL_OPTIONS: readonly OptionMeta[] = [
  { names: ["-h", "--host"], title: "host", description: "Node hostname or ip address" },
  { names: ["-p", "--port"], title: "port", description: "Remote jmx agent port number" },
  { names: ["-u", "--username"], title: "username", description: "Remote jmx agent username" },
  { names: ["-pw", "--password"], title: "password", description: "Remote jmx agent password" },
  { names: ["-pwf", "--password-file"], title: "passwordFilePath", description: "Path to the JMX password file" },
];

/**
 * The global options in the order the command table's usage line shows them: airline takes them
 * from a hash map keyed partly by an enum's identity hash, so the order is the JVM run's. This is
 * the order a 3.11.4 nodetool printed (CASSANDRA-15157), the nearest capture to 3.11.2.
 */
const SUMMARY_ORDER = ["-p", "-u", "-pw", "-pwf", "-h"];

const KEYSPACE_TABLES: ArgumentsMeta = { usage: "[<keyspace> <tables>...]", description: "The keyspace followed by one or many tables" };
const RESOLVE_IP: OptionMeta = { names: ["-r", "--resolve-ip"], description: "Show node domain names instead of IPs" };
const HUMAN_READABLE: OptionMeta = { names: ["-H", "--human-readable"], description: "Display bytes in human readable form, i.e. KiB, MiB, GiB, TiB" };
/** TableStats's, which CfStats, its old name, inherits. */
const TABLESTATS_OPTIONS: readonly OptionMeta[] = [
  { names: ["-i"], description: "Ignore the list of tables and display the remaining tables" },
  HUMAN_READABLE,
  { names: ["-F", "--format"], title: "format", description: "Output format (json, yaml)" },
];
const TABLESTATS_ARGS: ArgumentsMeta = { usage: "[<keyspace.table>...]", description: "List of tables (or keyspace) names" };

/** Every command 3.11.2's NodeTool registers, by name, with its annotations where ksim shows its page. */
export const REGISTERED_COMMANDS: Readonly<Record<string, CommandMeta>> = {
  assassinate: { description: "Forcefully remove a dead node without re-replicating any data.  Use as a last resort if you cannot removenode" },
  bootstrap: { description: "Monitor/manage node's bootstrap process" },
  cfhistograms: { description: "Print statistic histograms for a given column family", hidden: true },
  cfstats: { description: "Print statistics on tables", hidden: true, options: TABLESTATS_OPTIONS, args: TABLESTATS_ARGS, page: true },
  cleanup: {
    description: "Triggers the immediate cleanup of keys no longer belonging to a node. By default, clean all keyspaces",
    options: [{ names: ["-j", "--jobs"], title: "jobs", description: "Number of sstables to cleanup simultanously, set to 0 to use all available compaction threads" }],
    args: KEYSPACE_TABLES,
    page: true,
  },
  clearsnapshot: {
    description: "Remove the snapshot with the given name from the given keyspaces. If no snapshotName is specified we will remove all snapshots",
    options: [{ names: ["-t"], title: "snapshot_name", description: "Remove the snapshot with a given name" }],
    args: { usage: "[<keyspaces>...] ", description: "Remove snapshots from the given keyspaces" },
    page: true,
  },
  compact: {
    description: "Force a (major) compaction on one or more tables or user-defined compaction on given SSTables",
    options: [
      { names: ["-s", "--split-output"], description: "Use -s to not create a single big file" },
      { names: ["--user-defined"], description: "Use --user-defined to submit listed files for user-defined compaction" },
      { names: ["-st", "--start-token"], title: "start_token", description: "Use -st to specify a token at which the compaction range starts" },
      { names: ["-et", "--end-token"], title: "end_token", description: "Use -et to specify a token at which compaction range ends" },
    ],
    args: { usage: "[<keyspace> <tables>...] or <SSTable file>...", description: "The keyspace followed by one or many tables or list of SSTable data files when using --user-defined" },
    page: true,
  },
  compactionhistory: { description: "Print history of compaction" },
  compactionstats: {
    description: "Print statistics on compactions",
    options: [HUMAN_READABLE],
    page: true,
  },
  decommission: { description: "Decommission the *node I am connecting to*", page: true },
  describecluster: { description: "Print the name, snitch, partitioner and schema version of a cluster", page: true },
  describering: {
    description: "Shows the token ranges info of a given keyspace",
    args: { title: "keyspace", description: "The keyspace name", required: true },
    page: true,
  },
  disableautocompaction: { description: "Disable autocompaction for the given keyspace and table" },
  disablebackup: { description: "Disable incremental backup", page: true },
  disablebinary: { description: "Disable native transport (binary protocol)", page: true },
  disablegossip: { description: "Disable gossip (effectively marking the node down)", page: true },
  disablehandoff: { description: "Disable storing hinted handoffs", page: true },
  disablehintsfordc: { description: "Disable hints for a data center" },
  disablethrift: { description: "Disable thrift server" },
  drain: { description: "Drain the node (stop accepting writes and flush all tables)", page: true },
  enableautocompaction: { description: "Enable autocompaction for the given keyspace and table" },
  enablebackup: { description: "Enable incremental backup", page: true },
  enablebinary: { description: "Reenable native transport (binary protocol)", page: true },
  enablegossip: { description: "Reenable gossip", page: true },
  enablehandoff: { description: "Reenable future hints storing on the current node", page: true },
  enablehintsfordc: { description: "Enable hints for a data center that was previsouly disabled" },
  enablethrift: { description: "Reenable thrift server" },
  failuredetector: { description: "Shows the failure detector information for the cluster" },
  flush: {
    description: "Flush one or more tables",
    args: KEYSPACE_TABLES,
    page: true,
  },
  garbagecollect: { description: "Remove deleted data from one or more tables" },
  gcstats: { description: "Print GC Statistics" },
  getcompactionthreshold: { description: "Print min and max compaction thresholds for a given table" },
  getcompactionthroughput: { description: "Print the MB/s throughput cap for compaction in the system", page: true },
  getconcurrentcompactors: { description: "Get the number of concurrent compactors in the system." },
  getendpoints: {
    description: "Print the end points that owns the key",
    args: { usage: "<keyspace> <table> <key>", description: "The keyspace, the table, and the partition key for which we need to find the endpoint" },
    page: true,
  },
  getinterdcstreamthroughput: { description: "Print the Mb/s throughput cap for inter-datacenter streaming in the system" },
  getlogginglevels: { description: "Get the runtime logging levels" },
  getsstables: { description: "Print the sstable filenames that own the key" },
  getstreamthroughput: { description: "Print the Mb/s throughput cap for streaming in the system", page: true },
  gettimeout: { description: "Print the timeout of the given type in ms" },
  gettraceprobability: { description: "Print the current trace probability value" },
  gossipinfo: { description: "Shows the gossip information for the cluster", page: true },
  // airline's own Help: no global options, a bare @Arguments list with no description.
  help: { description: "Display help information", args: { title: "command", description: "", multi: true }, page: true },
  info: {
    description: "Print node information (uptime, load, ...)",
    options: [{ names: ["-T", "--tokens"], description: "Display all tokens" }],
    page: true,
  },
  invalidatecountercache: { description: "Invalidate the counter cache" },
  invalidatekeycache: { description: "Invalidate the key cache" },
  invalidaterowcache: { description: "Invalidate the row cache" },
  join: { description: "Join the ring" },
  listsnapshots: { description: "Lists all the snapshots along with the size on disk and true size.", page: true },
  move: { description: "Move node on the token ring to a new token" },
  netstats: {
    description: "Print network information on provided host (connecting node by default)",
    options: [HUMAN_READABLE],
    page: true,
  },
  pausehandoff: { description: "Pause hints delivery process" },
  proxyhistograms: { description: "Print statistic histograms for network operations" },
  rangekeysample: { description: "Shows the sampled keys held across all keyspaces" },
  rebuild: { description: "Rebuild data by streaming from other nodes (similarly to bootstrap)" },
  rebuild_index: { description: "A full rebuild of native secondary indexes for a given table" },
  refresh: {
    description: "Load newly placed SSTables to the system without restart",
    args: { usage: "<keyspace> <table>", description: "The keyspace and table name" },
    page: true,
  },
  refreshsizeestimates: { description: "Refresh system.size_estimates" },
  reloadlocalschema: { description: "Reload local node schema from system tables" },
  reloadtriggers: { description: "Reload trigger classes" },
  relocatesstables: { description: "Relocates sstables to the correct disk" },
  removenode: {
    description: "Show status of current node removal, force completion of pending removal or remove provided ID",
    args: { usage: "<status>|<force>|<ID>", description: "Show status of current node removal, force completion of pending removal, or remove provided ID", required: true },
    page: true,
  },
  repair: {
    description: "Repair one or more tables",
    options: [
      { names: ["-seq", "--sequential"], description: "Use -seq to carry out a sequential repair" },
      { names: ["-dcpar", "--dc-parallel"], description: "Use -dcpar to repair data centers in parallel." },
      { names: ["-local", "--in-local-dc"], description: "Use -local to only repair against nodes in the same datacenter" },
      { names: ["-dc", "--in-dc"], title: "specific_dc", description: "Use -dc to repair specific datacenters", multi: true },
      { names: ["-hosts", "--in-hosts"], title: "specific_host", description: "Use -hosts to repair specific hosts", multi: true },
      { names: ["-st", "--start-token"], title: "start_token", description: "Use -st to specify a token at which the repair range starts" },
      { names: ["-et", "--end-token"], title: "end_token", description: "Use -et to specify a token at which repair range ends" },
      { names: ["-pr", "--partitioner-range"], description: "Use -pr to repair only the first range returned by the partitioner" },
      { names: ["-full", "--full"], description: "Use -full to issue a full repair." },
      {
        names: ["-j", "--job-threads"],
        title: "job_threads",
        description: "Number of threads to run repair jobs. Usually this means number of CFs to repair concurrently. WARNING: increasing this puts more load on repairing nodes, so be careful. (default: 1, max: 4)",
      },
      { names: ["-tr", "--trace"], description: "Use -tr to trace the repair. Traces are logged to system_traces.events." },
      { names: ["-pl", "--pull"], description: "Use --pull to perform a one way repair where data is only streamed from a remote node to this node." },
    ],
    args: KEYSPACE_TABLES,
    page: true,
  },
  replaybatchlog: { description: "Kick off batchlog replay and wait for finish", page: true },
  resetlocalschema: { description: "Reset node's local schema and resync" },
  resumehandoff: { description: "Resume hints delivery process" },
  ring: {
    description: "Print information about the token ring",
    options: [RESOLVE_IP],
    args: { title: "keyspace", description: "Specify a keyspace for accurate ownership information (topology awareness)" },
    page: true,
  },
  scrub: { description: "Scrub (rebuild sstables for) one or more tables" },
  setcachecapacity: { description: "Set global key, row, and counter cache capacities (in MB units)" },
  setcachekeystosave: { description: "Set number of keys saved by each cache for faster post-restart warmup. 0 to disable" },
  setcompactionthreshold: { description: "Set min and max compaction thresholds for a given table" },
  setcompactionthroughput: {
    description: "Set the MB/s throughput cap for compaction in the system, or 0 to disable throttling",
    args: { usage: "<value_in_mb>", description: "Value in MB, 0 to disable throttling", required: true },
    page: true,
  },
  setconcurrentcompactors: { description: "Set number of concurrent compactors in the system." },
  sethintedhandoffthrottlekb: { description: "Set hinted handoff throttle in kb per second, per delivery thread." },
  setinterdcstreamthroughput: { description: "Set the Mb/s throughput cap for inter-datacenter streaming in the system, or 0 to disable throttling" },
  setlogginglevel: { description: "Set the log level threshold for a given class. If both class and level are empty/null, it will reset to the initial configuration" },
  setstreamthroughput: {
    description: "Set the Mb/s throughput cap for streaming in the system, or 0 to disable throttling",
    args: { usage: "<value_in_mb>", description: "Value in Mb, 0 to disable throttling", required: true },
    page: true,
  },
  settimeout: { description: "Set the specified timeout in ms, or 0 to disable timeout" },
  settraceprobability: { description: "Sets the probability for tracing any given request to value. 0 disables, 1 enables for all requests, 0 is the default" },
  snapshot: {
    description: "Take a snapshot of specified keyspaces or a snapshot of the specified table",
    options: [
      { names: ["-cf", "--column-family", "--table"], title: "table", description: "The table name (you must specify one and only one keyspace for using this option)" },
      { names: ["-t", "--tag"], title: "tag", description: "The name of the snapshot" },
      { names: ["-kt", "--kt-list", "-kc", "--kc.list"], title: "ktlist", description: "The list of Keyspace.table to take snapshot.(you must not specify only keyspace)" },
      { names: ["-sf", "--skip-flush"], description: "Do not flush memtables before snapshotting (snapshot will not contain unflushed data)" },
    ],
    args: { usage: "[<keyspaces...>]", description: "List of keyspaces. By default, all keyspaces" },
    page: true,
  },
  status: {
    description: "Print cluster information (state, load, IDs, ...)",
    options: [RESOLVE_IP],
    args: { usage: "[<keyspace>]", description: "The keyspace name" },
    page: true,
  },
  statusbackup: { description: "Status of incremental backup", page: true },
  statusbinary: { description: "Status of native transport (binary protocol)", page: true },
  statusgossip: { description: "Status of gossip", page: true },
  statushandoff: { description: "Status of storing future hints on the current node", page: true },
  statusthrift: { description: "Status of thrift server" },
  stop: { description: "Stop compaction" },
  stopdaemon: { description: "Stop cassandra daemon" },
  tablehistograms: { description: "Print statistic histograms for a given table" },
  tablestats: {
    description: "Print statistics on tables",
    options: TABLESTATS_OPTIONS,
    args: TABLESTATS_ARGS,
    page: true,
  },
  toppartitions: { description: "Sample and print the most active partitions for a given column family" },
  tpstats: {
    description: "Print usage statistics of thread pools",
    options: [{ names: ["-F", "--format"], title: "format", description: "Output format (json, yaml)" }],
    page: true,
  },
  truncatehints: { description: "Truncate all hints on the local node, or truncate hints for the endpoint(s) specified." },
  upgradesstables: { description: "Rewrite sstables (for the requested tables) that are not on the current version (thus upgrading them to said current version)" },
  verify: { description: "Verify (check data checksum for) one or more tables" },
  version: { description: "Print cassandra version", page: true },
  viewbuildstatus: { description: "Show progress of a materialized view build" },
};

/**
 * airline's UsagePrinter: words wrapped at 79 columns. A wrapped line starts at the indent plus
 * the hanging indent, but airline counts only the indent, so such lines may run past 79.
 */
class UsagePrinter {
  constructor(
    private readonly out: { text: string; position: number },
    private readonly indent = 0,
    private readonly hanging = 0,
  ) {}

  indented(size: number): UsagePrinter {
    return new UsagePrinter(this.out, this.indent + size, this.hanging);
  }

  withHangingIndent(size: number): UsagePrinter {
    return new UsagePrinter(this.out, this.indent, this.hanging + size);
  }

  /** Text split into words at whitespace. */
  append(text: string): this {
    return this.words(text.split(/\s+/).filter((w) => w !== ""));
  }

  /** Each word whole, however long. */
  words(words: readonly string[]): this {
    const out = this.out;
    for (const word of words) {
      if (out.position === 0) {
        out.text += " ".repeat(this.indent);
        out.position += this.indent;
      } else if (word.length > 79 || out.position + word.length <= 79) {
        out.text += " ";
        out.position++;
      } else {
        out.text += `\n${" ".repeat(this.indent + this.hanging)}`;
        out.position = this.indent;
      }
      out.text += word;
      out.position += word.length;
    }
    return this;
  }

  newline(): this {
    this.out.text += "\n";
    this.out.position = 0;
    return this;
  }

  /** Rows of cells, each column as wide as its widest cell and three spaces apart, lines trimmed. */
  table(rows: readonly (readonly string[])[]): this {
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
    if (this.out.position !== 0) this.newline();
    for (const row of rows) this.out.text += `${" ".repeat(this.indent)}${row.map((cell, c) => cell.padEnd(widths[c]!) + "   ").join("").trim()}\n`;
    return this;
  }
}

/** UsageHelper.toUsage: `[(-h <host> | --host <host>)]`, `[-i]`, `...` for several values. */
function optionUsage(o: OptionMeta): string {
  const names = o.names.map((n) => (o.title === undefined ? n : `${n} <${o.title}>`)).join(" | ");
  return `[${o.names.length > 1 ? `(${names})` : names}${o.multi === true ? "..." : ""}]`;
}

/** UsageHelper.toDescription: `-h <host>, --host <host>`. */
function optionDescription(o: OptionMeta): string {
  return o.names.map((n) => (o.title === undefined ? n : `${n} <${o.title}>`)).join(", ");
}

/** DEFAULT_OPTION_COMPARATOR: by the first name without its dashes, ignoring case, lower case first. */
function sortOptions(options: readonly OptionMeta[]): OptionMeta[] {
  const key = (o: OptionMeta) => o.names[0]!.replace(/^-+/, "");
  return [...options].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    const [fx, fy] = [x.toLowerCase(), y.toLowerCase()];
    if (fx !== fy) return fx < fy ? -1 : 1;
    return x === y ? 0 : x < y ? 1 : -1;
  });
}

/** `nodetool help` (and `nodetool` alone): the usage line and the table of visible commands. */
export function globalUsage(): string {
  const out = { text: "", position: 0 };
  const p = new UsagePrinter(out);
  const globals = SUMMARY_ORDER.map((n) => GLOBAL_OPTIONS.find((o) => o.names[0] === n)!);
  p.withHangingIndent(8).append("usage:").append("nodetool").words(globals.map(optionUsage)).append("<command> [<args>]").newline().newline();
  p.append("The most commonly used").append("nodetool").append("commands are:").newline();
  // A TreeMap of the names: sorted as Java compares strings, by UTF-16 code unit.
  const rows = Object.entries(REGISTERED_COMMANDS)
    .filter(([, c]) => c.hidden !== true)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, c]) => [name, c.description]);
  p.indented(4).table(rows);
  p.newline();
  p.append("See").append("'nodetool").append("help <command>' for more information on a specific command.").newline();
  return `${out.text}\n`;
}

/** Whether `nodetool help <name>` prints a page (a command ksim knows the annotations of). */
export function hasPage(name: string): boolean {
  return REGISTERED_COMMANDS[name]?.page === true;
}

/** UsageHelper.toUsage of an @Arguments: its usage, else its title in angle brackets, `...`, `[ ]` unless required. */
function argumentsUsage(a: ArgumentsMeta): string {
  if (a.usage !== undefined) return a.usage;
  const usage = `<${a.title}>${a.multi === true ? "..." : ""}`;
  return a.required === true ? usage : `[${usage}]`;
}

/** `nodetool help <name>`: CommandUsage's NAME, SYNOPSIS and OPTIONS sections. */
export function commandUsage(name: string): string {
  const c = REGISTERED_COMMANDS[name]!;
  const out = { text: "", position: 0 };
  const p = new UsagePrinter(out);
  p.append("NAME").newline();
  p.indented(8).append("nodetool").append(name).append("-").append(c.description).newline().newline();
  p.append("SYNOPSIS").newline();
  const synopsis = p.indented(8).withHangingIndent(8);
  const globals = name === "help" ? [] : GLOBAL_OPTIONS;
  synopsis.append("nodetool").words(sortOptions(globals).map(optionUsage));
  synopsis.append(name).words(sortOptions(c.options ?? []).map(optionUsage));
  if (c.args !== undefined) synopsis.append("[--]").append(argumentsUsage(c.args));
  synopsis.newline().newline();
  p.append("OPTIONS").newline();
  const option = p.indented(8);
  const description = option.indented(4);
  for (const o of sortOptions([...globals, ...(c.options ?? [])])) {
    option.append(optionDescription(o)).newline();
    description.append(o.description).newline().newline();
  }
  if (c.args !== undefined) {
    option.append("--").newline();
    description.append("This option can be used to separate command-line options from the list of argument, (useful when arguments might be mistaken for command-line options").newline().newline();
    option.append(c.args.usage ?? `<${c.args.title}>`).newline();
    description.append(c.args.description).newline().newline();
  }
  return `${out.text}\n`;
}
