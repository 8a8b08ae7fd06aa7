import type { Proc } from "@ksim/sim";
import { wait } from "@ksim/sim";
import type { ProcessContext } from "@ksim/kube";
import { CqlDriver, type Outcome } from "../client/driver.js";
import { columnize, formatError, formatRows, formatWarnings, protectName, SchemaMetadata } from "../client/cqlsh-format.js";
import { splitStatements } from "../core/cql.js";
import { RELEASE_VERSION } from "../core/node-io.js";
import { isConsistencyLevel, type ClientResponse, type ConsistencyLevel, type ResultValue } from "../core/protocol.js";
import { STRATEGY_PACKAGE, type Replication } from "../core/replication.js";
import { Ring, type Location } from "../core/ring.js";
import { isSystemKeyspace } from "../core/schema.js";
import { compareTokens, type Token } from "../core/token.js";
import { NATIVE_PORT } from "./paths.js";
import { resolveHost } from "./resolve.js";

/**
 * cqlsh 5.0.1 (Cassandra 3.11): connects to one host and runs statements from -e, -f or stdin,
 * line by line as its cmdloop reads them, with its own commands (CONSISTENCY, SERIAL CONSISTENCY, SHOW, DESCRIBE,
 * EXPAND, PAGING, TRACING, EXIT) and cqlsh's result tables and error lines. On a terminal (or
 * with -t) it greets, prompts and reports errors bare; otherwise errors carry `<stdin>:LINE:`,
 * the count of lines read so far plus one, as its lineno does. Only -e and -f exit 2 after an
 * error.
 */

const VERSION = "5.0.1";

interface Args {
  host: string;
  port: number;
  execute: string | undefined;
  file: string | undefined;
  keyspace: string | undefined;
  requestTimeoutMs: number;
  tty: boolean;
}

function parseArgs(ctx: ProcessContext): Args | string {
  const a: Args = {
    host: ctx.environ.get("CQLSH_HOST") ?? "127.0.0.1",
    port: Number(ctx.environ.get("CQLSH_PORT") ?? NATIVE_PORT),
    execute: undefined,
    file: undefined,
    keyspace: undefined,
    requestTimeoutMs: 10_000,
    tty: ctx.tty,
  };
  const positional: string[] = [];
  const argv = ctx.argv.slice(1);
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i]!;
    const value = () => {
      const eq = x.indexOf("=");
      return eq >= 0 && x.startsWith("--") ? x.slice(eq + 1) : argv[++i];
    };
    if (x === "-e" || x.startsWith("--execute")) a.execute = value();
    else if (x === "-f" || x.startsWith("--file")) a.file = value();
    else if (x === "-k" || x.startsWith("--keyspace")) a.keyspace = value();
    else if (x === "-t" || x === "--tty") a.tty = true;
    else if (x.startsWith("--request-timeout")) a.requestTimeoutMs = Number(value()) * 1000;
    else if (x === "-u" || x === "-p" || x.startsWith("--username") || x.startsWith("--password") || x.startsWith("--connect-timeout")) value();
    else if (x.startsWith("-")) return `cqlsh: error: no such option: ${x}`;
    else positional.push(x);
  }
  if (positional[0] !== undefined) a.host = positional[0];
  if (positional[1] !== undefined) a.port = Number(positional[1]);
  if (a.execute !== undefined || a.file !== undefined) a.tty = false;
  return a;
}

/** Yields the input a line at a time, each with its newline (the last one may lack it). */
function* lines(text: string | undefined): Generator<string | undefined, void, string | null | undefined> {
  let buffered = text ?? "";
  let eof = text !== undefined;
  for (;;) {
    const nl = buffered.indexOf("\n");
    if (nl >= 0) {
      yield buffered.slice(0, nl + 1);
      buffered = buffered.slice(nl + 1);
      continue;
    }
    if (eof) {
      if (buffered !== "") yield buffered;
      return;
    }
    // Ask the caller to read more from stdin.
    const chunk = yield undefined;
    if (chunk === null || chunk === undefined) eof = true;
    else buffered += chunk;
  }
}

/**
 * DESCRIBE forms cqlsh has that ksim does not model: it has no functions, aggregates, indexes,
 * views or types, and FULL SCHEMA would include the system keyspace's two COMPACT STORAGE
 * tables, which ksim does not export.
 */
const UNMODELLED_DESCRIBE = new Set(["FUNCTIONS", "FUNCTION", "AGGREGATES", "AGGREGATE", "INDEX", "MATERIALIZED", "TYPES", "TYPE", "FULL"]);

/**
 * A name as cqlsh's grammar takes it, `name` or `ks.name`: its parts, unquoted ones lower-cased
 * and quoted ones unquoted (dequote_name); [] for nothing, undefined if it is not a name.
 */
function nameParts(text: string): string[] | undefined {
  if (text === "") return [];
  const name = String.raw`("(?:[^"]|"")+"|[a-z][a-z0-9_]*)`;
  const m = new RegExp(String.raw`^${name}(?:\s*\.\s*${name})?$`, "i").exec(text);
  if (m === null) return undefined;
  return [m[1]!, m[2]].filter((p): p is string => p !== undefined).map((p) => (p.startsWith('"') ? p.slice(1, -1).replace(/""/g, '"') : p.toLowerCase()));
}

/** show_version's line. */
function versionLine(): string {
  return `[cqlsh ${VERSION} | Cassandra ${RELEASE_VERSION} | CQL spec 3.4.4 | Native protocol v4]`;
}

/** The rows of a query, or none if it did not answer with rows. */
function* rowsOf(driver: CqlDriver, query: string): Proc<readonly (readonly ResultValue[])[]> {
  const o = yield* driver.execute(query, "ONE");
  return o.kind === "response" && o.response.kind === "ROWS" ? o.response.rows : [];
}

/**
 * describe_cluster's "Range ownership:" for the keyspace in use: the driver's token map — each
 * token with the replicas of the range it ends, placed by the keyspace's strategy over the hosts
 * and tokens in system.local and system.peers — one line per token, in token order.
 */
function* rangeOwnership(driver: CqlDriver, keyspace: string): Proc<string> {
  const hosts = [
    ...(yield* rowsOf(driver, "SELECT rpc_address, data_center, rack, tokens FROM system.local")),
    ...(yield* rowsOf(driver, "SELECT rpc_address, data_center, rack, tokens FROM system.peers")),
  ];
  const [ks] = yield* rowsOf(driver, `SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = '${keyspace}'`);
  const replication = (ks?.[0] ?? {}) as Readonly<Record<string, string>>;
  const owner = new Map<Token, string>();
  const location = new Map<string, Location>();
  for (const [address, dc, rack, tokens] of hosts) {
    location.set(String(address), { dc: String(dc), rack: String(rack) });
    for (const t of (tokens ?? []) as readonly string[]) owner.set(BigInt(t), String(address));
  }
  const ring = new Ring([...owner.keys()].sort(compareTokens), owner, location);
  const cls = (replication["class"] ?? "").replace(STRATEGY_PACKAGE, "");
  const dcs = Object.fromEntries(Object.entries(replication).filter(([k]) => k !== "class").map(([k, v]) => [k, Number(v)]));
  const strategy: Replication = cls === "SimpleStrategy" ? { class: "SimpleStrategy", replication_factor: Number(replication["replication_factor"]) } : { class: "NetworkTopologyStrategy", dcs };
  let out = "Range ownership:\n";
  for (const t of ring.sorted) out += ` ${String(t).padStart(39)}  [${ring.naturalEndpoints(t, strategy).join(", ")}]\n`;
  return `${out}\n`;
}

export function* cqlsh(ctx: ProcessContext): Proc<number> {
  const args = parseArgs(ctx);
  if (typeof args === "string") {
    ctx.stderr.write(`Usage: cqlsh.py [options] [host [port]]\n\n${args}\n`);
    return 2;
  }
  const { host, port } = args;
  if (ctx.argv.includes("--version")) {
    ctx.stdout.write(`cqlsh ${VERSION}\n`);
    return 0;
  }
  let script: string | undefined;
  let source = "<stdin>";
  if (args.file !== undefined) {
    try {
      script = ctx.fs.readText(ctx.resolve(args.file));
      source = args.file;
    } catch {
      ctx.stderr.write(`Can't open '${args.file}': [Errno 2] No such file or directory: '${args.file}'\n`);
      return 1;
    }
  }
  const ip = resolveHost(ctx, args.host) ?? args.host;
  const driver = new CqlDriver(ctx.sim, ctx.net, {
    contactPoints: [ip],
    port: args.port,
    requestTimeoutMs: args.requestTimeoutMs,
    discoverPeers: false,
    registerEvents: true,
  });
  const connected = yield* driver.connect();
  if (!connected.ok) {
    const err = connected.errors[ip] ?? "Connection refused";
    ctx.stderr.write(
      `Connection error: ('Unable to connect to any servers', {'${ip}': error(111, "Tried connecting to [('${ip}', ${args.port})]. Last error: ${err}")})\n`,
    );
    return 1;
  }
  // The driver learns the cluster's name and the host's data center from system.local.
  let dc = "datacenter1";
  let clusterName = "";
  const local = yield* driver.execute("SELECT cluster_name, data_center FROM system.local", "ONE");
  if (local.kind === "response" && local.response.kind === "ROWS") {
    const [name, center] = local.response.rows[0] ?? [];
    if (typeof name === "string") clusterName = name;
    if (typeof center === "string") dc = center;
  }
  let consistency: ConsistencyLevel = "ONE";
  let serialConsistency: ConsistencyLevel = "SERIAL";
  let keyspace = args.keyspace;
  let expand = false;
  // Paging is on at 100 rows a page. Off a terminal cqlsh 5.0.1 prints only the first page
  // (print_static_result gets result.current_rows; CASSANDRA-15905 fixed it in 4.0); on one it
  // would prompt ---MORE--- between pages, which ksim does not, printing every row.
  let paging = true;
  let pageSize = 100;
  const tty = args.tty;
  // Whether a TRACING ON was asked for (and refused: tracing itself is never on).
  let tracingAsked = false;
  let lineno = 1;
  let failed = false;
  const printerr = (text: string) => {
    failed = true;
    ctx.stderr.write(args.tty ? `${text}\n` : `${source}:${lineno}:${text}\n`);
  };
  // Python 2's repr of a name in cqlsh's errors: -e and piped input are read as str, a file
  // (-f) or a terminal as unicode, which repr marks u'...'.
  const repr = (name: string) => `${args.tty || (args.file !== undefined && args.execute === undefined) ? "u" : ""}'${name}'`;

  /** The error line for a request the driver could not complete or the server refused; undefined if neither. */
  const failure = (o: Outcome): string | undefined => {
    switch (o.kind) {
      case "no-host":
      case "connection-lost":
        return `NoHostAvailable: ('Unable to complete the operation against any hosts', {<Host: ${ip} ${dc}>: ConnectionShutdown('Connection to ${ip} was closed',)})`;
      case "timeout":
        return `OperationTimedOut: errors={'${ip}': 'Client request timeout. See Session.execute[_async](timeout)'}, last_host=${ip}`;
      case "response":
        return o.response.kind === "ERROR" ? formatError(o.response) : undefined;
    }
  };

  /**
   * SwitchCommand.execute (EXPAND, TRACING, PAGING): with no ON or OFF, reports the state;
   * otherwise sets it, and asking for the state it is already in is an error. The new state.
   */
  const toggle = (command: string, description: string, state: boolean, sw: string | undefined): boolean => {
    if (sw === undefined) {
      ctx.stdout.write(state ? `${description} is currently enabled. Use ${command} OFF to disable\n` : `${description} is currently disabled. Use ${command} ON to enable.\n`);
      return state;
    }
    const on = sw === "ON";
    if (on === state) printerr(on ? `${description} is already enabled. Use ${command} OFF to disable.` : `${description} is not enabled.`);
    else ctx.stdout.write(on ? `Now ${description} is enabled\n` : `Disabled ${description}.\n`);
    return on;
  };

  /**
   * The driver's schema metadata, read as it reads it, or undefined once the error is printed.
   * (cqlsh's driver reads it when it connects and on schema changes; ksim reads it per DESCRIBE.)
   */
  function* metadata(): Proc<SchemaMetadata | undefined> {
    const results: Extract<ClientResponse, { kind: "ROWS" }>[] = [];
    for (const table of ["keyspaces", "tables", "columns"]) {
      const o = yield* driver.execute(`SELECT * FROM system_schema.${table}`, "ONE");
      const error = failure(o);
      if (error !== undefined) {
        printerr(error);
        return undefined;
      }
      if (o.kind === "response" && o.response.kind === "ROWS") results.push(o.response);
    }
    const [keyspaces, tables, columns] = results;
    return new SchemaMetadata(keyspaces!, tables!, columns!);
  }

  /**
   * do_describe for KEYSPACE [ks], TABLE|COLUMNFAMILY [ks.]t, SCHEMA and a bare name (a
   * keyspace, else a table of the current keyspace): a blank line, the export, two newlines.
   * Most lookups print the blank line before they fail, as cqlsh does.
   */
  function* describe(command: string, words: readonly string[]): Proc<void> {
    const what = (words[0] ?? "").toUpperCase();
    const keyword = ["KEYSPACE", "TABLE", "COLUMNFAMILY"].includes(what);
    const schema = what === "SCHEMA" && words.length === 1;
    const parts = schema ? [] : nameParts(words.slice(keyword ? 1 : 0).join(" "));
    const [min, max] = schema ? [0, 0] : what === "KEYSPACE" ? [0, 1] : [1, 2];
    if (UNMODELLED_DESCRIBE.has(what) || parts === undefined || parts.length < min || parts.length > max) return printerr(`Improper ${command} command.`);
    const name = parts[parts.length - 1] ?? "";
    const ks = parts.length === 2 ? parts[0] : what === "KEYSPACE" && parts.length === 1 ? name : keyspace;
    if (what === "KEYSPACE" && ks === undefined) return printerr("Not in any keyspace.");
    if (keyword && ks === undefined) return printerr("No keyspace specified and no current keyspace");
    const meta = yield* metadata();
    if (meta === undefined) return;
    ctx.stdout.write("\n");
    const out = (text: string) => ctx.stdout.write(`${text}\n\n`);
    // The driver exports COMPACT STORAGE tables (two of the system keyspace's) its own way; ksim
    // says so instead of printing them as CQL tables.
    const refuseCompact = (compact: readonly string[]) => {
      if (compact.length > 0) printerr(`ksim does not export COMPACT STORAGE tables (${compact.join(", ")})`);
      return compact.length > 0;
    };
    if (schema) {
      // describe_schema: every keyspace but cql3handling.SYSTEM_KEYSPACES.
      for (const k of meta.keyspaces()) if (!isSystemKeyspace(k)) out(meta.exportKeyspace(k));
    } else if (!keyword && parts.length === 1 && meta.hasKeyspace(name)) {
      // get_object_meta: a keyspace of that name, else that object in the current keyspace.
      if (!refuseCompact(meta.compactTables(name))) out(meta.exportKeyspace(name));
    } else if (ks === undefined) printerr(`${repr(name)} not found in keyspaces`);
    else if (!meta.hasKeyspace(ks)) printerr(`Keyspace ${repr(ks)} not found.`);
    else if (what === "KEYSPACE") {
      if (!refuseCompact(meta.compactTables(ks))) out(meta.exportKeyspace(ks));
    } else if (meta.hasTable(ks, name)) {
      if (!refuseCompact(meta.compactTables(ks, name))) out(meta.exportTable(ks, name));
    }
    else printerr(keyword ? `Column family ${repr(name)} not found` : `${repr(name)} not found in keyspace ${repr(ks)}`);
  }

  /** Runs one complete statement; false once cqlsh should stop (EXIT, QUIT). */
  function* statement(text: string): Proc<boolean> {
    const words = text.trim().split(/\s+/);
    const first = words[0]!.toUpperCase();
    if (first === "EXIT" || first === "QUIT") return false;
    if (first === "SERIAL" && words[1]?.toUpperCase() === "CONSISTENCY") {
      const level = words[2]?.toUpperCase();
      if (level === undefined) ctx.stdout.write(`Current serial consistency level is ${serialConsistency}.\n`);
      else if ((level === "SERIAL" || level === "LOCAL_SERIAL") && words.length === 3) {
        serialConsistency = level;
        ctx.stdout.write(`Serial consistency level set to ${level}.\n`);
      } else printerr("Improper SERIAL command.");
      return true;
    }
    if (first === "CONSISTENCY") {
      if (words.length === 1) ctx.stdout.write(`Current consistency level is ${consistency}.\n`);
      else if (isConsistencyLevel(words[1]!.toUpperCase()) && words.length === 2) {
        consistency = words[1]!.toUpperCase() as ConsistencyLevel;
        ctx.stdout.write(`Consistency level set to ${consistency}.\n`);
      } else printerr("Improper CONSISTENCY command.");
      return true;
    }
    if (first === "EXPAND" || first === "TRACING" || first === "PAGING") {
      const sw = words[1]?.toUpperCase();
      const number = first === "PAGING" && sw !== undefined && /^[0-9]+$/.test(sw);
      if (words.length > 2 || (sw !== undefined && sw !== "ON" && sw !== "OFF" && !number)) printerr(`Improper ${words[0]} command.`);
      else if (first === "EXPAND") expand = toggle("EXPAND", "Expanded output", expand, sw);
      else if (first === "TRACING") {
        // ksim does not keep system_traces, so tracing is refused and stays off; a TRACING OFF
        // after it answers as cqlsh does after the TRACING ON it would have granted.
        if (sw === "ON") ctx.stderr.write("ksim does not model query tracing (system_traces); TRACING is not available\n");
        else if (sw === "OFF" && tracingAsked) ctx.stdout.write("Disabled Tracing.\n");
        else toggle("TRACING", "Tracing", false, sw);
        if (sw !== undefined) tracingAsked = sw === "ON";
      } else {
        // SwitchCommandWithValue: a number turns paging on with that page size.
        if (number) pageSize = Number(sw);
        paging = number || toggle("PAGING", "Query paging", paging, sw);
        if (paging) ctx.stdout.write(`Page size: ${pageSize}\n`);
        else pageSize = 100;
      }
      return true;
    }
    if (first === "SHOW") {
      const what = (words[1] ?? "").toUpperCase();
      if (what === "VERSION" && words.length === 2) ctx.stdout.write(`${versionLine()}\n`);
      else if (what === "HOST" && words.length === 2) ctx.stdout.write(`Connected to ${clusterName} at ${host}:${port}.\n`);
      else printerr(`Improper ${words[0]} command.`);
      return true;
    }
    if (first === "DESCRIBE" || first === "DESC") {
      const what = (words[1] ?? "").toUpperCase().replace(/^COLUMNFAMILIES$/, "TABLES");
      if (what === "CLUSTER" && words.length === 2) {
        ctx.stdout.write(`\nCluster: ${clusterName}\nPartitioner: Murmur3Partitioner\n\n`);
        if (keyspace !== undefined && keyspace !== "system") ctx.stdout.write(yield* rangeOwnership(driver, keyspace));
        return true;
      }
      if ((what !== "KEYSPACES" && what !== "TABLES") || words.length !== 2) {
        yield* describe(words[0]!, words.slice(1));
        return true;
      }
      // describe_keyspaces and describe_columnfamilies: names from the driver's metadata; with no
      // keyspace in use, every keyspace's tables under a heading.
      const meta = yield* metadata();
      if (meta === undefined) return true;
      const names = (list: readonly string[]) => columnize(list.map(protectName));
      ctx.stdout.write("\n");
      if (what === "KEYSPACES") ctx.stdout.write(`${names(meta.keyspaces())}\n`);
      else if (keyspace === undefined) {
        for (const k of meta.keyspaces()) {
          const name = protectName(k);
          ctx.stdout.write(`Keyspace ${name}\n---------${"-".repeat(name.length)}\n${names(meta.tableNames(k))}\n`);
        }
      } else if (!meta.hasKeyspace(keyspace)) printerr(`Keyspace ${repr(keyspace)} not found.`);
      else ctx.stdout.write(`${names(meta.tableNames(keyspace))}\n`);
      return true;
    }
    // fetch_size: the page size while paging is on, none after PAGING OFF.
    const o = yield* driver.execute(text, consistency, serialConsistency, paging ? pageSize : undefined);
    const error = failure(o);
    if (error !== undefined) printerr(error);
    else if (o.kind === "response") {
      const r = o.response;
      if (r.kind === "ROWS") {
        const rows = paging && !tty ? r.rows.slice(0, pageSize) : r.rows;
        ctx.stdout.write(formatRows(r.columns, rows, expand, /^\s*select\b/i.test(text)) + formatWarnings(r.warnings));
      } else if (r.kind === "VOID") ctx.stdout.write(formatWarnings(r.warnings));
      else if (r.kind === "SET_KEYSPACE") keyspace = r.keyspace;
      else if (r.kind === "SCHEMA_CHANGE") {
        const agreed = yield* driver.waitForSchemaAgreement(o.host);
        if (!agreed) printerr("Warning: schema version mismatch detected; check the schema versions of your nodes in system.local and system.peers.");
      }
    }
    return true;
  }

  if (keyspace !== undefined) yield* statement(`USE ${keyspace}`);
  if (args.tty) {
    ctx.stdout.write(`Connected to ${clusterName} at ${host}:${port}.\n`);
    ctx.stdout.write(`${versionLine()}\n`);
    ctx.stdout.write("Use HELP for help.\n");
  }
  const prompt = (continuing: boolean) => {
    if (!args.tty) return;
    if (continuing) ctx.stdout.write(keyspace === undefined ? "   ... " : `${" ".repeat(keyspace.length)}    ... `);
    else ctx.stdout.write(keyspace === undefined ? "cqlsh> " : `cqlsh:${keyspace}> `);
  };
  /** Runs what has been typed if it is finished; returns what is still pending, or undefined to stop. */
  function* onecmd(pending: string): Proc<string | undefined> {
    const { statements, complete } = splitStatements(pending);
    if (!complete) return pending;
    for (const s of statements) if (!(yield* statement(s))) return undefined;
    return "";
  }

  let pending = "";
  let stopped = false;
  if (args.execute !== undefined) {
    const { statements } = splitStatements(args.execute.trim().endsWith(";") ? args.execute : `${args.execute};`);
    for (const s of statements) if (!(yield* statement(s))) break;
  } else {
    const input = lines(script);
    let next = input.next();
    prompt(false);
    while (!next.done) {
      if (next.value === undefined) {
        next = input.next(yield* wait(ctx.stdin.read()));
        continue;
      }
      pending += next.value;
      lineno++;
      const left = yield* onecmd(pending);
      if (left === undefined) {
        stopped = true;
        break;
      }
      pending = left;
      prompt(pending !== "");
      next = input.next();
    }
    // handle_eof: a newline on a terminal, then whatever is left, which must be finished.
    if (!stopped) {
      if (args.tty) ctx.stdout.write("\n");
      if (pending.trim() !== "" && (yield* onecmd(pending)) !== "") printerr("Incomplete statement at end of file");
    }
  }
  driver.close();
  return failed && (args.execute !== undefined || args.file !== undefined) ? 2 : 0;
}
