import type { Proc } from "@ksim/sim";
import { dirname, SpawnError, stringInput, unclosable, type Executable, type ProcessContext } from "@ksim/kube";
import { logTimestamp } from "../server/log.js";
import { OptionError, parseOptions, type MysqldOptions } from "../server/options.js";

/**
 * The official mysql:8.0 image's docker-entrypoint.sh, as a program with the same behaviour and
 * output: on an empty data directory it initializes one, starts a temporary server on the socket
 * only, sets the root password and creates MYSQL_DATABASE / MYSQL_USER through the mysql client,
 * runs /docker-entrypoint-initdb.d, stops the temporary server; then (and on every later start,
 * when `$DATADIR/mysql` exists and the environment is ignored) it execs mysqld.
 */

export const ENTRYPOINT_PATH = "/usr/local/bin/docker-entrypoint.sh";
const INITDB_DIR = "/docker-entrypoint-initdb.d";
const MYSQL_UID = 999;

/** `date --rfc-3339=seconds` in the container's UTC. */
function rfc3339(epochMs: number): string {
  return new Date(epochMs).toISOString().replace("T", " ").replace(/\.\d+Z$/, "+00:00");
}

class EntrypointExit {
  constructor(readonly status: number) {}
}

export const mysqlEntrypoint: Executable = function* (ctx) {
  let args = ctx.argv.slice(1);
  if (args[0]?.startsWith("-")) args = ["mysqld", ...args];
  const wantsHelp = args.some((a) => ["-?", "--help", "--print-defaults", "-V", "--version"].includes(a));
  if (args[0] !== "mysqld" || wantsHelp) return yield* ctx.exec(args);
  try {
    yield* prepare(ctx, args);
  } catch (e) {
    if (e instanceof EntrypointExit) return e.status;
    throw e;
  }
  return yield* ctx.exec(args);
};

function logger(ctx: ProcessContext) {
  const write = (type: string, text: string, stderr: boolean) => (stderr ? ctx.stderr : ctx.stdout).write(`${rfc3339(ctx.epochMs())} [${type}] [Entrypoint]: ${text}\n`);
  return {
    note: (text: string) => write("Note", text, false),
    warn: (text: string) => write("Warn", text, true),
    error: (text: string): never => {
      write("ERROR", text, true);
      throw new EntrypointExit(1);
    },
  };
}

/** `file_env VAR [DEFAULT]`: VAR, or the contents of the file VAR_FILE names. */
function fileEnv(ctx: ProcessContext, name: string, error: (t: string) => never, fallback = ""): string {
  const value = ctx.environ.get(name) ?? "";
  const file = ctx.environ.get(`${name}_FILE`) ?? "";
  if (value !== "" && file !== "") error(`Both ${name} and ${name}_FILE are set (but are exclusive)`);
  const result = value !== "" ? value : file !== "" ? ctx.fs.readText(ctx.resolve(file)).replace(/\n+$/, "") : fallback;
  ctx.env.set(name, result);
  ctx.env.delete(`${name}_FILE`);
  return result;
}

function* prepare(ctx: ProcessContext, args: readonly string[]): Proc<void> {
  const log = logger(ctx);
  log.note(`Entrypoint script for MySQL Server ${ctx.environ.get("MYSQL_VERSION") ?? ""} started.`);
  let opts: MysqldOptions;
  try {
    opts = parseOptions(ctx.fs, args.slice(1));
  } catch (e) {
    if (!(e instanceof OptionError)) throw e;
    const command = [...args, "--verbose", "--help", `--log-bin-index=/tmp/tmp.${ctx.random.hex(10)}`].join(" ");
    return log.error(`mysqld failed while attempting to check config\n\tcommand was: ${command}\n\t${logTimestamp(ctx.epochMs())} 0 [ERROR] [MY-000067] [Server] ${e.message}\n${logTimestamp(ctx.epochMs())} 0 [ERROR] [MY-010119] [Server] Aborting`);
  }
  const env = {
    rootHost: fileEnv(ctx, "MYSQL_ROOT_HOST", log.error, "%"),
    database: fileEnv(ctx, "MYSQL_DATABASE", log.error),
    user: fileEnv(ctx, "MYSQL_USER", log.error),
    password: fileEnv(ctx, "MYSQL_PASSWORD", log.error),
    rootPassword: fileEnv(ctx, "MYSQL_ROOT_PASSWORD", log.error),
  };
  const alreadyExists = ctx.fs.exists(`${opts.datadir}/mysql`) && ctx.fs.stat(`${opts.datadir}/mysql`).type === "dir";
  for (const dir of [opts.datadir, dirname(opts.socket), dirname(opts.pidFile)]) {
    ctx.fs.mkdir(dir, { recursive: true });
    // find "$dir" \! -user mysql -exec chown --no-dereference mysql '{}' +
    if (ctx.cred.uid === 0) chownTree(ctx, dir);
  }
  if (ctx.cred.uid === 0) {
    // The script re-executes itself through gosu as the mysql user, which logs its start again;
    // from here on it, the initialization and mysqld run as mysql.
    log.note("Switching to dedicated user 'mysql'");
    ctx.setCredentials({ uid: MYSQL_UID, gid: MYSQL_UID });
    log.note(`Entrypoint script for MySQL Server ${ctx.environ.get("MYSQL_VERSION") ?? ""} started.`);
  }
  if (alreadyExists) return;

  if (env.rootPassword === "" && (ctx.environ.get("MYSQL_ALLOW_EMPTY_PASSWORD") ?? "") === "" && (ctx.environ.get("MYSQL_RANDOM_ROOT_PASSWORD") ?? "") === "") {
    log.error(
      "Database is uninitialized and password option is not specified\n    You need to specify one of the following as an environment variable:\n    - MYSQL_ROOT_PASSWORD\n    - MYSQL_ALLOW_EMPTY_PASSWORD\n    - MYSQL_RANDOM_ROOT_PASSWORD",
    );
  }
  if (env.user === "root") {
    log.error(
      'MYSQL_USER="root", MYSQL_USER and MYSQL_PASSWORD are for configuring a regular user and cannot be used for the root user\n    Remove MYSQL_USER="root" and use one of the following to control the root user password:\n    - MYSQL_ROOT_PASSWORD\n    - MYSQL_ALLOW_EMPTY_PASSWORD\n    - MYSQL_RANDOM_ROOT_PASSWORD',
    );
  }
  if (env.user !== "" && env.password === "") log.warn("MYSQL_USER specified, but missing MYSQL_PASSWORD; MYSQL_USER will not be created");
  else if (env.user === "" && env.password !== "") log.warn("MYSQL_PASSWORD specified, but missing MYSQL_USER; MYSQL_PASSWORD will be ignored");

  const mysqldArgs = args.slice(1);
  log.note("Initializing database files");
  yield* checked(ctx, ["mysqld", ...mysqldArgs, "--initialize-insecure", "--default-time-zone=SYSTEM"]);
  log.note("Database files initialized");

  log.note("Starting temporary server");
  const started = yield* ctx.run(["mysqld", ...mysqldArgs, "--daemonize", "--skip-networking", "--default-time-zone=SYSTEM", `--socket=${opts.socket}`], { stdout: unclosable(ctx.stdout), stderr: unclosable(ctx.stderr) });
  if (started !== 0) log.error("Unable to start server.");
  log.note("Temporary server started.");

  let rootPassword = env.rootPassword;
  const sql = (text: string, database: string, useRootPassword = true) => processSql(ctx, opts.socket, text, database, useRootPassword ? rootPassword : "");
  if ((ctx.environ.get("MYSQL_RANDOM_ROOT_PASSWORD") ?? "") !== "") {
    rootPassword = randomBase64(ctx, 24);
    ctx.env.set("MYSQL_ROOT_PASSWORD", rootPassword);
    log.note(`GENERATED ROOT PASSWORD: ${rootPassword}`);
  }
  const rootCreate =
    env.rootHost !== "" && env.rootHost !== "localhost"
      ? `CREATE USER 'root'@'${env.rootHost}' IDENTIFIED BY '${rootPassword}' ;\nGRANT ALL ON *.* TO 'root'@'${env.rootHost}' WITH GRANT OPTION ;\n`
      : "";
  yield* sql(
    `-- autocommit on, whatever the global default\nSET autocommit = 1;\n\n-- nothing done here belongs in the binary log\nSET @@SESSION.SQL_LOG_BIN=0;\n\nALTER USER 'root'@'localhost' IDENTIFIED BY '${rootPassword}' ;\nGRANT ALL ON *.* TO 'root'@'localhost' WITH GRANT OPTION ;\nFLUSH PRIVILEGES ;\n${rootCreate}DROP DATABASE IF EXISTS test ;\n`,
    "mysql",
    false,
  );
  if (env.database !== "") {
    log.note(`Creating database ${env.database}`);
    yield* sql(`CREATE DATABASE IF NOT EXISTS \`${env.database}\` ;`, "mysql");
  }
  if (env.user !== "" && env.password !== "") {
    log.note(`Creating user ${env.user}`);
    yield* sql(`CREATE USER '${env.user}'@'%' IDENTIFIED BY '${env.password}' ;`, "mysql");
    if (env.database !== "") {
      log.note(`Giving user ${env.user} access to schema ${env.database}`);
      yield* sql(`GRANT ALL ON \`${env.database.replace(/_/g, "\\_")}\`.* TO '${env.user}'@'%' ;`, "mysql");
    }
  }

  ctx.stdout.write("\n");
  const files = ctx.fs.exists(INITDB_DIR) ? ctx.fs.readdir(INITDB_DIR).map((f) => `${INITDB_DIR}/${f}`) : [];
  for (const f of files) {
    if (f.endsWith(".sh")) {
      const executable = (ctx.fs.stat(f).mode & 0o111) !== 0;
      log.note(`${ENTRYPOINT_PATH}: ${executable ? "running" : "sourcing"} ${f}`);
      yield* checked(ctx, executable ? [f] : ["bash", f]);
    } else if (f.endsWith(".sql")) {
      log.note(`${ENTRYPOINT_PATH}: running ${f}`);
      yield* processSql(ctx, opts.socket, ctx.fs.readText(f), env.database, rootPassword);
      ctx.stdout.write("\n");
    } else log.warn(`${ENTRYPOINT_PATH}: ignoring ${f}`);
    ctx.stdout.write("\n");
  }

  if ((ctx.environ.get("MYSQL_ONETIME_PASSWORD") ?? "") !== "") yield* sql("ALTER USER 'root'@'%' PASSWORD EXPIRE;", "mysql");

  log.note("Stopping temporary server");
  const stopped = yield* ctx.run(["mysqladmin", "shutdown", `--socket=${opts.socket}`, "-uroot"], {
    env: withPassword(ctx, rootPassword),
    stdout: unclosable(ctx.stdout),
    stderr: unclosable(ctx.stderr),
  });
  if (stopped !== 0) log.error("Unable to shut down server.");
  log.note("Temporary server stopped");
  ctx.stdout.write("\n");
  log.note("MySQL init process done. Ready for start up.");
  ctx.stdout.write("\n");
}

/** Gives the mysql user everything under `path` it does not own yet (the group stays). */
function chownTree(ctx: ProcessContext, path: string): void {
  const st = ctx.fs.lstat(path);
  if (st.uid !== MYSQL_UID) ctx.fs.chown(path, MYSQL_UID, st.gid);
  if (st.type === "dir") for (const name of ctx.fs.readdir(path)) chownTree(ctx, `${path}/${name}`);
}

function withPassword(ctx: ProcessContext, password: string): Map<string, string> {
  const env = new Map(ctx.env);
  if (password !== "") env.set("MYSQL_PWD", password);
  else env.delete("MYSQL_PWD");
  return env;
}

/** `docker_process_sql`: the mysql client over the socket, SQL on stdin; its failure ends the script (set -e). */
function* processSql(ctx: ProcessContext, socket: string, sql: string, database: string, password: string): Proc<void> {
  const argv = ["mysql", "--protocol=socket", "-uroot", "-hlocalhost", `--socket=${socket}`, "--comments"];
  if (database !== "") argv.push(`--database=${database}`);
  const status = yield* ctx.run(argv, { stdin: stringInput(sql), env: withPassword(ctx, password), stdout: unclosable(ctx.stdout), stderr: unclosable(ctx.stderr) });
  if (status !== 0) throw new EntrypointExit(status);
}

/** Runs a command; a failure ends the script with its status, as `set -e` does. */
function* checked(ctx: ProcessContext, argv: readonly string[]): Proc<void> {
  let status: number;
  try {
    status = yield* ctx.run(argv, { stdout: unclosable(ctx.stdout), stderr: unclosable(ctx.stderr) });
  } catch (e) {
    if (!(e instanceof SpawnError)) throw e;
    ctx.stderr.write(`${ENTRYPOINT_PATH}: line 1: ${e.message}\n`);
    status = e.status;
  }
  if (status !== 0) throw new EntrypointExit(status);
}

/** `openssl rand -base64 n`. */
function randomBase64(ctx: ProcessContext, bytes: number): string {
  const raw = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) raw[i] = ctx.random.int(0, 255);
  return Buffer.from(raw).toString("base64");
}
