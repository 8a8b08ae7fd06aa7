import type { Proc } from "@ksim/sim";
import type { ProcessContext } from "@ksim/kube";
import { cassandraDaemon } from "./daemon.js";
import { nodetool } from "./nodetool.js";

/**
 * The JVM: `java [options] <main class> [args]`. It runs the two main classes this image's
 * programs start — CassandraDaemon and NodeTool — with the -D properties and -X settings given.
 */
const NODETOOL_RESIDENT_KIB = 90 * 1024;

export function* java(ctx: ProcessContext): Proc<number> {
  const argv = ctx.argv.slice(1);
  const props = new Map<string, string>();
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "-version") {
      ctx.stderr.write('openjdk version "1.8.0_171"\nOpenJDK Runtime Environment (build 1.8.0_171-8u171-b11-1~deb9u1-b11)\nOpenJDK 64-Bit Server VM (build 25.171-b11, mixed mode)\n');
      return 0;
    }
    if (a === "-cp" || a === "-classpath") {
      i++;
      continue;
    }
    if (a.startsWith("-D")) {
      const eq = a.indexOf("=");
      props.set(eq < 0 ? a.slice(2) : a.slice(2, eq), eq < 0 ? "" : a.slice(eq + 1));
      continue;
    }
    if (a.startsWith("-Xmx")) {
      props.set("-Xmx", a.slice(4));
      continue;
    }
    if (a.startsWith("-")) continue;
    break;
  }
  const main = argv[i];
  switch (main) {
    case "org.apache.cassandra.service.CassandraDaemon":
      return yield* cassandraDaemon(ctx, props);
    case "org.apache.cassandra.tools.NodeTool":
      // A short-lived JMX client: its small heap barely used, the JVM's own overhead resident.
      ctx.stats.residentKiB = NODETOOL_RESIDENT_KIB;
      return yield* nodetool(ctx, argv.slice(i + 1));
    case undefined:
      ctx.stderr.write("Usage: java [-options] class [args...]\n");
      return 1;
    default:
      ctx.stderr.write(`Error: Could not find or load main class ${main}\n`);
      return 1;
  }
}
