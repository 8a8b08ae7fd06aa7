import { SpawnError, StringSink, type ProcessContext } from "@ksim/kube";
import { FsError, Future, wait, type Proc } from "@ksim/sim";
import { canonicalHostName, CLASSPATH } from "./java-env.js";

/**
 * The image's shell scripts, as native programs that behave like them: start-zookeeper,
 * zkServer.sh, zkCli.sh (with zkEnv.sh's setup), zookeeper-ready and zookeeper-metrics.
 */

/** zkEnv.sh: ZOOBINDIR is the directory the script was run from (symlinks not followed). */
function zooCfgDir(ctx: ProcessContext): string {
  let script = "/usr/bin/zkServer.sh";
  try {
    script = ctx.which(ctx.argv[0]!);
  } catch {
    // Run by a name PATH does not know: keep the image's default location.
  }
  const binDir = script.slice(0, script.lastIndexOf("/")) || "/";
  return ctx.environ.get("ZOOCFGDIR") ?? (ctx.fs.exists(ctx.resolve(`${binDir}/../conf`)) ? `${binDir}/../conf` : `${binDir}/../etc/zookeeper`);
}

/**
 * What zkEnv.sh leaves behind, and how zkServer.sh / zkCli.sh extend it: java.env is sourced by
 * the shell (start-zookeeper writes `JVMFLAGS="-Xmx$HEAP -Xms$HEAP"` there, so whatever --heap
 * held is evaluated as shell text), zkServer.sh prepends $SERVER_JVMFLAGS and zkCli.sh
 * $CLIENT_JVMFLAGS, and both pass the flags unquoted, so they are split into words and globbed.
 */
const ZK_ENV = `if [ -f "$1" ]; then . "$1"; fi
if [ "$2" = server ] && [ "x$SERVER_JVMFLAGS" != "x" ]; then JVMFLAGS="$SERVER_JVMFLAGS $JVMFLAGS"; fi
if [ "$2" = client ]; then JVMFLAGS="$CLIENT_JVMFLAGS $JVMFLAGS"; fi
printf '%s\\n' "\${ZOO_LOG_DIR:-.}" "\${ZOO_LOG4J_PROP:-INFO,CONSOLE}"
for flag in $JVMFLAGS; do printf '%s\\n' "$flag"; done
`;

interface ZkEnv {
  readonly java: string;
  readonly logDir: string;
  readonly log4jProp: string;
  readonly jvmFlags: readonly string[];
}

function* zkEnv(ctx: ProcessContext, cfgDir: string, role: "server" | "client" | "cleanup"): Proc<ZkEnv> {
  const out = new StringSink();
  yield* ctx.run(["bash", "-c", ZK_ENV, "zkEnv.sh", ctx.resolve(`${cfgDir}/java.env`), role], { stdout: out, stderr: ctx.stderr });
  const [logDir, log4jProp, ...jvmFlags] = out.text().split("\n").slice(0, -1);
  const javaHome = ctx.environ.get("JAVA_HOME");
  return {
    java: javaHome !== undefined && javaHome !== "" ? `${javaHome}/bin/java` : "java",
    logDir: logDir ?? ".",
    log4jProp: log4jProp ?? "INFO,CONSOLE",
    jvmFlags,
  };
}

/** The command line the scripts start java with, up to the main class: zkEnv.sh's settings and $JVMFLAGS. */
function jvm(env: ZkEnv): string[] {
  return [env.java, `-Dzookeeper.log.dir=${env.logDir}`, `-Dzookeeper.root.logger=${env.log4jProp}`, "-cp", CLASSPATH, ...env.jvmFlags];
}

function* runJava(ctx: ProcessContext, argv: string[], exec: boolean): Proc<number> {
  try {
    return exec ? yield* ctx.exec(argv) : yield* ctx.run(argv);
  } catch (e) {
    if (!(e instanceof SpawnError)) throw e;
    ctx.stderr.write(`${ctx.argv[0]}: line 1: ${argv[0]}: ${e.reason === "not found" ? "No such file or directory" : e.reason}\n`);
    return e.status;
  }
}

/** `echo <word> | nc <ip> <port>`: what the server answered, or undefined if it could not connect. */
export function* fourLetter(ctx: ProcessContext, ip: string, port: number, word: string): Proc<string | undefined> {
  const conn = ctx.net.connect(ip, port, { timeoutMs: 5000 });
  let text = "";
  let failed = false;
  const finished = new Future<void>();
  conn.onOpen = () => conn.send(`${word}\n`);
  conn.onData = (d) => (text += String(d));
  conn.onEnd = () => {
    conn.end();
    finished.resolve();
  };
  conn.onClose = (reason) => {
    if (reason !== "closed") failed = true;
    finished.resolve();
  };
  yield* wait(finished);
  return failed && text === "" ? undefined : text;
}

/** zkServer.sh: start-foreground execs the JVM; status asks srvr for the Mode line. */
export function* zkServerSh(ctx: ProcessContext): Proc<number> {
  const cfgDir = zooCfgDir(ctx);
  const env = yield* zkEnv(ctx, cfgDir, "server");
  const cmd = ctx.argv[1];
  const cfgArg = ctx.argv[2];
  let zooCfg = `${cfgDir}/${cfgArg ?? "zoo.cfg"}`;
  if (cfgArg !== undefined && cfgArg.includes("/")) zooCfg = cfgArg;
  ctx.stderr.write("ZooKeeper JMX enabled by default\n");
  ctx.stderr.write(`Using config: ${zooCfg}\n`);
  switch (cmd) {
    case "start-foreground":
      return yield* runJava(ctx, [
        ...jvm(env),
        "-Dcom.sun.management.jmxremote",
        "-Dcom.sun.management.jmxremote.local.only=false",
        "org.apache.zookeeper.server.quorum.QuorumPeerMain",
        zooCfg,
      ], true);
    case "status": {
      let port = 2181;
      try {
        const m = ctx.fs.readText(ctx.resolve(zooCfg)).match(/^clientPort=\s*(\d+)/m);
        if (m !== null) port = Number(m[1]);
      } catch (e) {
        if (!(e instanceof FsError)) throw e;
      }
      const answer = yield* fourLetter(ctx, "127.0.0.1", port, "srvr");
      const mode = answer?.split("\n").find((l) => l.includes("Mode"));
      if (mode === undefined) {
        ctx.stdout.write("Error contacting service. It is probably not running.\n");
        return 1;
      }
      ctx.stdout.write(`${mode}\n`);
      return 0;
    }
    default:
      ctx.stderr.write(`Usage: ${ctx.argv[0]} {start|start-foreground|stop|restart|status|upgrade|print-cmd}\n`);
      return 1;
  }
}

/**
 * zkCleanup.sh: reads dataDir and dataLogDir from the zoo.cfg zkEnv.sh points at (grep | sed, so a
 * missing file is grep's complaint and an empty value), then runs PurgeTxnLog with them ahead of
 * its own arguments, unquoted as `$*` passes them. Run through /usr/bin it reads
 * /usr/bin/../etc/zookeeper/zoo.cfg, which the image links to /opt/zookeeper/conf.
 */
export function* zkCleanupSh(ctx: ProcessContext): Proc<number> {
  const cfgDir = zooCfgDir(ctx);
  const cfg = `${cfgDir}/zoo.cfg`;
  let text: string | undefined;
  try {
    text = ctx.fs.readText(ctx.resolve(cfg));
  } catch (e) {
    if (!(e instanceof FsError)) throw e;
  }
  const setting = (key: string): string => {
    if (text === undefined) {
      ctx.stderr.write(`grep: ${cfg}: No such file or directory\n`);
      return "";
    }
    const values = text.split("\n").filter((l) => new RegExp(`^[ \t]*${key}=`).test(l)).map((l) => l.slice(l.lastIndexOf("=") + 1));
    return values.join("\n");
  };
  const dataDir = setting("dataDir");
  const dataLogDir = setting("dataLogDir");
  const env = yield* zkEnv(ctx, cfgDir, "cleanup");
  const userArgs = ctx.argv.slice(1).flatMap((a) => a.split(/[ \t\n]+/).filter((w) => w !== ""));
  return yield* runJava(ctx, [
    ...jvm(env),
    "org.apache.zookeeper.server.PurgeTxnLog",
    ...(dataLogDir === "" ? [dataDir] : [dataLogDir, dataDir]),
    ...userArgs,
  ], false);
}

/** zkCli.sh: runs ZooKeeperMain in a child JVM. */
export function* zkCliSh(ctx: ProcessContext): Proc<number> {
  const env = yield* zkEnv(ctx, zooCfgDir(ctx), "client");
  return yield* runJava(ctx, [
    ...jvm(env),
    "org.apache.zookeeper.ZooKeeperMain",
    ...ctx.argv.slice(1),
  ], false);
}

const DEFAULTS = {
  servers: "1",
  data_dir: "/var/lib/zookeeper/data",
  data_log_dir: "/var/lib/zookeeper/log",
  log_dir: "/var/log/zookeeper",
  conf_dir: "/opt/zookeeper/conf",
  client_port: "2181",
  server_port: "2888",
  election_port: "3888",
  tick_time: "2000",
  init_limit: "10",
  sync_limit: "5",
  heap: "2G",
  max_client_cnxns: "60",
  snap_retain_count: "3",
  purge_interval: "0",
  log_level: "INFO",
} as const;

const LONG_OPTIONS = new Set([...Object.keys(DEFAULTS), "max_session_timeout", "min_session_timeout"]);

function userName(ctx: ProcessContext): string | undefined {
  try {
    for (const line of ctx.fs.readText("/etc/passwd").split("\n")) {
      const f = line.split(":");
      if (Number(f[2]) === ctx.cred.uid) return f[0];
    }
  } catch (e) {
    if (!(e instanceof FsError)) throw e;
  }
  return undefined;
}

/**
 * start-zookeeper: parses its --options the way its getopts loop does, derives myid from the
 * pod's ordinal, writes zoo.cfg (echoing it to stderr), java.env and log4j.properties, creates
 * the data directories, writes myid once, then execs `zkServer.sh start-foreground`.
 */
export function* startZookeeper(ctx: ProcessContext): Proc<number> {
  const out = ctx.stdout;
  const err = ctx.stderr;
  const user = userName(ctx);
  if (user === undefined) err.write(`whoami: cannot find name for user ID ${ctx.cred.uid}\n`);
  const o: Record<string, string | undefined> = { ...DEFAULTS, max_session_timeout: undefined, min_session_timeout: undefined };
  const args = ctx.argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") break;
    if (!a.startsWith("-") || a === "-") break;
    if (a.startsWith("--")) {
      const body = a.slice(2);
      const eq = body.indexOf("=");
      const name = eq < 0 ? body : body.slice(0, eq);
      if (eq < 0 || !LONG_OPTIONS.has(name)) {
        err.write(`Unknown option --${body}\n`);
        return 1;
      }
      o[name] = body.slice(body.lastIndexOf("=") + 1);
      continue;
    }
    for (const ch of a.slice(1)) {
      if (ch === "h") {
        out.write(USAGE);
        return 0;
      }
      if (ch === "v") err.write("Parsing option: '-v'\n");
      else err.write(`Non-option argument: '-${ch}'\n`);
    }
  }
  const tick = Number(o.tick_time);
  const minTimeout = o.min_session_timeout ?? ` ${tick * 2}`;
  const maxTimeout = o.max_session_timeout ?? ` ${tick * 20}`;
  const host = ctx.hostname.split(".")[0]!;
  const fqdn = canonicalHostName(ctx);
  const domain = fqdn.includes(".") ? fqdn.slice(fqdn.indexOf(".") + 1) : "";
  const m = host.match(/^(.*)-([0-9]+)$/);
  if (m === null) {
    out.write("Fialed to parse name and ordinal of Pod\n");
    return 1;
  }
  const name = m[1]!;
  const myId = Number(m[2]) + 1;
  const servers = Number(o.servers);
  const confDir = o.conf_dir!;
  const configFile = `${confDir}/zoo.cfg`;
  const fs = ctx.fs;
  const write = (path: string, text: string): boolean => {
    try {
      if (fs.exists(path)) fs.unlink(path);
      fs.writeFile(path, text);
      return true;
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
      err.write(`/usr/bin/start-zookeeper: line 168: ${path}: ${e.description}\n`);
      return false;
    }
  };
  // create_config
  let cfg = "#This file was autogenerated DO NOT EDIT\n";
  cfg += `clientPort=${o.client_port}\ndataDir=${o.data_dir}\ndataLogDir=${o.data_log_dir}\ntickTime=${o.tick_time}\n`;
  cfg += `initLimit=${o.init_limit}\nsyncLimit=${o.sync_limit}\nmaxClientCnxns=${o.max_client_cnxns}\n`;
  cfg += `minSessionTimeout=${minTimeout}\nmaxSessionTimeout=${maxTimeout}\n`;
  cfg += `autopurge.snapRetainCount=${o.snap_retain_count}\nautopurge.purgeInteval=${o.purge_interval}\n`;
  if (servers > 1) {
    for (let i = 1; i <= servers; i++) cfg += `server.${i}=${name}-${i - 1}.${domain}:${o.server_port}:${o.election_port}\n`;
  }
  if (!write(configFile, cfg)) {
    err.write(`cat: ${configFile}: No such file or directory\n`);
    return 1;
  }
  err.write(cfg);
  // create_jvm_props
  write(`${confDir}/java.env`, `ZOO_LOG_DIR=${o.log_dir}\nJVMFLAGS="-Xmx${o.heap} -Xms${o.heap}"\n`);
  // create_log_props
  out.write("Creating ZooKeeper log4j configuration\n");
  write(`${confDir}/log4j.properties`, [
    "zookeeper.root.logger=CONSOLE",
    `zookeeper.console.threshold=${o.log_level}`,
    "log4j.rootLogger=${zookeeper.root.logger}",
    "log4j.appender.CONSOLE=org.apache.log4j.ConsoleAppender",
    "log4j.appender.CONSOLE.Threshold=${zookeeper.console.threshold}",
    "log4j.appender.CONSOLE.layout=org.apache.log4j.PatternLayout",
    "log4j.appender.CONSOLE.layout.ConversionPattern=%d{ISO8601} [myid:%X{myid}] - %-5p [%t:%C{1}@%L] - %m%n",
    "",
  ].join("\n"));
  // create_data_dirs: the script's chown of the log dir names group "USER" (sic), which fails.
  const dirs: [string, string][] = [[o.data_dir!, `${user}:${user}`], [o.data_log_dir!, `${user}:USER`], [o.log_dir!, `${user}:${user}`]];
  for (const [dir, owner] of dirs) {
    if (fs.exists(dir) && fs.stat(dir).type === "dir") continue;
    try {
      fs.mkdir(dir, { recursive: true });
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
      err.write(`mkdir: cannot create directory '${dir}': ${e.description}\n`);
      continue;
    }
    if (owner.endsWith(":USER")) err.write(`chown: invalid group: '${owner}'\n`);
  }
  const idFile = `${o.data_dir}/myid`;
  if (!fs.exists(idFile) && servers > 1) {
    try {
      fs.appendFile(idFile, `${myId}\n`);
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
      err.write(`/usr/bin/start-zookeeper: line 142: ${idFile}: ${e.description}\n`);
    }
  }
  return yield* runJava(ctx, ["zkServer.sh", "start-foreground"], true);
}

const USAGE = `Usage: start-zookeeper [OPTIONS]
Starts a ZooKeeper server based on the supplied options.
    --servers           The number of servers in the ensemble. The default 
                        value is 1.

    --data_dir          The directory where the ZooKeeper process will store its
                        snapshots. The default is /var/lib/zookeeper/data.

    --data_log_dir      The directory where the ZooKeeper process will store its 
                        write ahead log. The default is 
                        /var/lib/zookeeper/data/log.

    --conf_dir          The directoyr where the ZooKeeper process will store its
                        configuration. The default is /opt/zookeeper/conf.

    --client_port       The port on which the ZooKeeper process will listen for 
                        client requests. The default is 2181.

    --election_port     The port on which the ZooKeeper process will perform 
                        leader election. The default is 3888.

    --server_port       The port on which the ZooKeeper process will listen for 
                        requests from other servers in the ensemble. The 
                        default is 2888. 

    --tick_time         The length of a ZooKeeper tick in ms. The default is 
                        2000.

    --init_limit        The number of Ticks that an ensemble member is allowed 
                        to perform leader election. The default is 10.

    --sync_limit        The maximum session timeout that the ensemble will 
                        allows a client to request. The default is 5.

    --heap              The maximum amount of heap to use. The format is the 
                        same as that used for the Xmx and Xms parameters to the 
                        JVM. e.g. --heap=2G. The default is 2G.

    --max_client_cnxns  The maximum number of client connections that the 
                        ZooKeeper process will accept simultaneously. The 
                        default is 60.

    --snap_retain_count The maximum number of snapshots the ZooKeeper process 
                        will retain if purge_interval is greater than 0. The 
                        default is 3.

    --purge_interval    The number of hours the ZooKeeper process will wait 
                        between purging its old snapshots. If set to 0 old 
                        snapshots will never be purged. The default is 0.

    --max_session_timeout The maximum time in milliseconds for a client session 
                        timeout. The default value is 2 * tick time.

    --min_session_timeout The minimum time in milliseconds for a client session 
                        timeout. The default value is 20 * tick time.

    --log_level         The log level for the zookeeeper server. Either FATAL,
                        ERROR, WARN, INFO, DEBUG. The default is INFO.

`;
