import type { Proc } from "@ksim/sim";
import { wait } from "@ksim/sim";
import type { ProcessContext } from "@ksim/kube";
import { CqlDriver } from "../client/driver.js";
import { columnize, formatError, formatRows, keyspaceOrder } from "../client/cqlsh-format.js";
import { splitStatements } from "../core/cql.js";
import { isConsistencyLevel, type ConsistencyLevel } from "../core/protocol.js";
import { NATIVE_PORT } from "./paths.js";
import { resolveHost } from "./resolve.js";

/**
 * cqlsh 5.0.1 (Cassandra 3.11): connects to one host, runs statements from -e, -f or stdin,
 * handles its own commands (CONSISTENCY, DESCRIBE KEYSPACES/TABLES, EXIT) and prints results and
 * errors as cqlsh does. Statements are numbered by line for `<stdin>:LINE:` error prefixes.
 */

interface Args {
  host: string;
  port: number;
  execute: string | undefined;
  file: string | undefined;
  keyspace: string | undefined;
  requestTimeoutMs: number;
}

function parseArgs(ctx: ProcessContext): Args | string {
  const a: Args = {
    host: ctx.env.get("CQLSH_HOST") ?? "127.0.0.1",
    port: Number(ctx.env.get("CQLSH_PORT") ?? NATIVE_PORT),
    execute: undefined,
    file: undefined,
    keyspace: undefined,
    requestTimeoutMs: 10_000,
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
    else if (x.startsWith("--request-timeout")) a.requestTimeoutMs = Number(value()) * 1000;
    else if (x === "-u" || x === "-p" || x.startsWith("--username") || x.startsWith("--password") || x.startsWith("--connect-timeout")) value();
    else if (x.startsWith("-")) return `cqlsh: error: no such option: ${x}`;
    else positional.push(x);
  }
  if (positional[0] !== undefined) a.host = positional[0];
  if (positional[1] !== undefined) a.port = Number(positional[1]);
  return a;
}

export function* cqlsh(ctx: ProcessContext): Proc<number> {
  const args = parseArgs(ctx);
  if (typeof args === "string") {
    ctx.stderr.write(`Usage: cqlsh.py [options] [host [port]]\n\n${args}\n`);
    return 2;
  }
  if (ctx.argv.includes("--version")) {
    ctx.stdout.write("cqlsh 5.0.1\n");
    return 0;
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
  // The driver learns the host's data center from system.local on its control connection.
  let dc = "datacenter1";
  const local = yield* driver.execute("SELECT data_center FROM system.local", "ONE");
  if (local.kind === "response" && local.response.kind === "ROWS" && typeof local.response.rows[0]?.[0] === "string") dc = local.response.rows[0][0];
  let script: string;
  let source = "<stdin>";
  if (args.execute !== undefined) {
    script = args.execute.trim().endsWith(";") ? args.execute : `${args.execute};`;
  } else if (args.file !== undefined) {
    try {
      script = ctx.fs.readText(ctx.resolve(args.file));
      source = args.file;
    } catch {
      ctx.stderr.write(`Can't open '${args.file}': [Errno 2] No such file or directory: '${args.file}'\n`);
      return 1;
    }
  } else {
    script = "";
    for (;;) {
      const chunk = yield* wait(ctx.stdin.read());
      if (chunk === null) break;
      script += chunk;
    }
  }
  let consistency: ConsistencyLevel = "ONE";
  let failed = false;
  const err = (line: number, text: string) => {
    failed = true;
    ctx.stderr.write(`${source}:${line}:${text}\n`);
  };
  const statements = splitStatements(script);
  if (args.keyspace !== undefined) statements.unshift({ text: `USE ${args.keyspace}`, line: 0 });
  for (const { text, line } of statements) {
    const words = text.trim().split(/\s+/);
    const first = words[0]!.toUpperCase();
    if (first === "EXIT" || first === "QUIT") break;
    if (first === "CONSISTENCY") {
      if (words.length === 1) ctx.stdout.write(`Current consistency level is ${consistency}.\n`);
      else if (isConsistencyLevel(words[1]!.toUpperCase()) && words.length === 2) {
        consistency = words[1]!.toUpperCase() as ConsistencyLevel;
        ctx.stdout.write(`Consistency level set to ${consistency}.\n`);
      } else err(line, "Improper CONSISTENCY command.");
      continue;
    }
    if (first === "DESCRIBE" || first === "DESC") {
      const what = (words[1] ?? "").toUpperCase();
      if (what === "KEYSPACES" || what === "TABLES") {
        const q = what === "KEYSPACES" ? "SELECT keyspace_name FROM system_schema.keyspaces" : "SELECT keyspace_name, table_name FROM system_schema.tables";
        const o = yield* driver.execute(q, "ONE");
        if (o.kind === "response" && o.response.kind === "ROWS") {
          if (what === "KEYSPACES") {
            ctx.stdout.write(`\n${columnize(keyspaceOrder(o.response.rows.map((r) => String(r[0]))))}\n`);
          } else {
            const names = o.response.rows.filter((r) => driver.keyspace === undefined || r[0] === driver.keyspace).map((r) => String(r[1])).sort();
            ctx.stdout.write(`\n${columnize(names)}\n`);
          }
          continue;
        }
      } else {
        err(line, `Improper ${words[0]} command.`);
        continue;
      }
    }
    const o = yield* driver.execute(text, consistency);
    switch (o.kind) {
      case "no-host":
      case "connection-lost":
        err(line, `NoHostAvailable: ('Unable to complete the operation against any hosts', {<Host: ${ip} ${dc}>: ConnectionShutdown('Connection to ${ip} was closed',)})`);
        continue;
      case "timeout":
        err(line, `OperationTimedOut: errors={'${ip}': 'Client request timeout. See Session.execute[_async](timeout)'}, last_host=${ip}`);
        continue;
      case "response": {
        const r = o.response;
        if (r.kind === "ERROR") err(line, formatError(r));
        else if (r.kind === "ROWS") ctx.stdout.write(formatRows(r.columns, r.rows));
        else if (r.kind === "SCHEMA_CHANGE") {
          const agreed = yield* driver.waitForSchemaAgreement(o.host);
          if (!agreed) ctx.stderr.write("Warning: schema version mismatch detected; check the schema versions of your nodes in system.local and system.peers.\n");
        }
      }
    }
  }
  driver.close();
  return failed ? 2 : 0;
}
