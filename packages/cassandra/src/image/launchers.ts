import type { Proc } from "@ksim/sim";
import { FsError } from "@ksim/sim";
import type { ProcessContext } from "@ksim/kube";
import { CASSANDRA_HOME, JAVA_HOME, JMX_PORT } from "./paths.js";

/**
 * bin/cassandra and bin/nodetool: the shell wrappers that assemble the JVM's options (heap from
 * MAX_HEAP_SIZE/HEAP_NEWSIZE, jvm.options, cassandra-env.sh's JMX port) and exec java with the
 * right main class, so `ps` shows what a real container shows.
 */

function jvmOptions(ctx: ProcessContext): string[] {
  const out: string[] = [];
  try {
    for (const line of ctx.fs.readText("/etc/cassandra/jvm.options").split("\n")) {
      const l = line.trim();
      if (l.startsWith("-")) out.push(l);
    }
  } catch (e) {
    if (!(e instanceof FsError)) throw e;
  }
  return out;
}

export function* cassandraLauncher(ctx: ProcessContext): Proc<number> {
  const heap = ctx.environ.get("MAX_HEAP_SIZE") ?? "1024M";
  const young = ctx.environ.get("HEAP_NEWSIZE") ?? "200M";
  const argv = [
    `${JAVA_HOME}/bin/java`,
    ...jvmOptions(ctx).filter((o) => !o.startsWith("-Xm")),
    `-Xms${heap}`,
    `-Xmx${heap}`,
    `-Xmn${young}`,
    `-Dcassandra.jmx.local.port=${JMX_PORT}`,
    "-Dlogback.configurationFile=logback.xml",
    "-Dcassandra.logdir=/var/log/cassandra",
    `-Dcassandra.storagedir=${CASSANDRA_HOME}/data`,
    "-Dcassandra-foreground=yes",
    "-cp",
    `/etc/cassandra:${CASSANDRA_HOME}/lib/apache-cassandra-3.11.2.jar:${ctx.environ.get("CLASSPATH") ?? ""}`,
    "org.apache.cassandra.service.CassandraDaemon",
  ];
  if (!ctx.argv.includes("-f")) {
    // Without -f the script backgrounds the JVM and returns.
    ctx.spawn(argv);
    return 0;
  }
  return yield* ctx.exec(argv);
}

export function* nodetoolLauncher(ctx: ProcessContext): Proc<number> {
  return yield* ctx.exec([
    `${JAVA_HOME}/bin/java`,
    "-Xmx128m",
    `-Dcassandra.storagedir=${CASSANDRA_HOME}/data`,
    "-Dlogback.configurationFile=logback-tools.xml",
    "-cp",
    `${CASSANDRA_HOME}/lib/apache-cassandra-3.11.2.jar`,
    "org.apache.cassandra.tools.NodeTool",
    "-p",
    String(JMX_PORT),
    ...ctx.argv.slice(1),
  ]);
}
