import { purgeTxnLog } from "./purge-txn-log.js";
import type { ProcessContext } from "@ksim/kube";
import type { Proc } from "@ksim/sim";
import { consoleThreshold, Log4j } from "./log4j.js";
import { quorumPeerMain } from "./quorum-peer-main.js";
import { zooKeeperMain } from "./zookeeper-main.js";

/** Virtual size `ps -l` shows for the server JVM and for zkCli's (SZ, pages). */
const SERVER_PAGES = 962377;
const CLIENT_PAGES = 741063;

/**
 * Resident memory: a long-running server's heap fills up to its maximum before the collector
 * reclaims it, on top of what the JVM holds outside the heap (metaspace, code cache, thread
 * stacks, GC structures); zkCli exits long before its default heap fills.
 */
const NON_HEAP_KIB = 60 * 1024;
const CLIENT_RESIDENT_KIB = 70 * 1024;
/** A server JVM without -Xmx (the image's scripts always pass one). */
const DEFAULT_SERVER_HEAP_KIB = 512 * 1024;

/** A HotSpot memory size (`512M`, `2g`, `1048576`) in KiB. */
function memorySizeKiB(size: string): number {
  const unit = size.at(-1)!.toLowerCase();
  const n = Number(/\d$/.test(unit) ? size : size.slice(0, -1));
  const bytes = n * ({ k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[unit] ?? 1);
  return Math.ceil(bytes / 1024);
}

/**
 * `java -version` of the image's openjdk-8-jre-headless, xenial's build of 8u131 (the version
 * zkCli's java.version shows; the package revision is the one most captures of 8u131 on 16.04 print).
 */
const VERSION_TEXT = 'openjdk version "1.8.0_131"\nOpenJDK Runtime Environment (build 1.8.0_131-8u131-b11-2ubuntu1.16.04.3-b11)\nOpenJDK 64-Bit Server VM (build 25.131-b11, mixed mode)\n';

/** HotSpot's memory size syntax: digits with an optional k, m, g or t suffix. */
const MEMORY_SIZE = /^\d+[kKmMgGtT]?$/;

/** Why the launcher refuses a VM option (as it prints it), or undefined if it takes it. */
function vmOption(a: string): string | undefined {
  if (a.startsWith("-Xmx")) return MEMORY_SIZE.test(a.slice(4)) ? undefined : `Invalid maximum heap size: ${a}`;
  if (a.startsWith("-Xms")) return MEMORY_SIZE.test(a.slice(4)) ? undefined : `Invalid initial heap size: ${a}`;
  if (a.startsWith("-X") || a.startsWith("-javaagent:") || a.startsWith("-verbose")) return undefined;
  if (["-server", "-client", "-ea", "-da", "-esa", "-dsa", "-enableassertions", "-disableassertions"].includes(a)) return undefined;
  return `Unrecognized option: ${a}`;
}

/**
 * The JVM (`/usr/lib/jvm/java-8-openjdk-amd64/bin/java`): parses -D, -cp and -X options (refusing
 * what the launcher refuses, such as a heap size it cannot read), finds
 * log4j.properties on the class path, and runs the main class — the ZooKeeper server or zkCli.
 */
export function* java(ctx: ProcessContext): Proc<number> {
  const props = new Map<string, string>();
  let classPath = "";
  let main: string | undefined;
  let maxHeapKiB = DEFAULT_SERVER_HEAP_KIB;
  let i = 1;
  for (; i < ctx.argv.length; i++) {
    const a = ctx.argv[i]!;
    if (a === "-cp" || a === "-classpath") classPath = ctx.argv[++i] ?? "";
    else if (a === "-version") {
      ctx.stderr.write(VERSION_TEXT);
      return 0;
    } else if (a.startsWith("-D")) {
      const eq = a.indexOf("=");
      props.set(eq < 0 ? a.slice(2) : a.slice(2, eq), eq < 0 ? "" : a.slice(eq + 1));
    } else if (a.startsWith("-")) {
      const refused = vmOption(a);
      if (refused !== undefined) {
        ctx.stderr.write(`${refused}\nError: Could not create the Java Virtual Machine.\nError: A fatal exception has occurred. Program will exit.\n`);
        return 1;
      }
      if (a.startsWith("-Xmx")) maxHeapKiB = memorySizeKiB(a.slice(4));
    } else {
      main = a;
      break;
    }
  }
  const args = ctx.argv.slice(i + 1);
  if (main === undefined) {
    ctx.stderr.write("Usage: java [-options] class [args...]\n");
    return 1;
  }
  let properties: string | undefined;
  for (const dir of classPath.split(":")) {
    if (dir === "" || dir.endsWith(".jar")) continue;
    const path = ctx.resolve(`${dir}/log4j.properties`);
    if (ctx.fs.exists(path)) {
      properties = ctx.fs.readText(path);
      break;
    }
  }
  const log = new Log4j(ctx.stdout, () => ctx.epochMs(), consoleThreshold(properties));
  switch (main) {
    case "org.apache.zookeeper.server.quorum.QuorumPeerMain":
      ctx.stats.sizePages = SERVER_PAGES;
      ctx.stats.cpu = 0.004;
      ctx.stats.residentKiB = maxHeapKiB + NON_HEAP_KIB;
      return yield* quorumPeerMain(ctx, args[0] ?? "", log, props);
    case "org.apache.zookeeper.ZooKeeperMain":
      ctx.stats.sizePages = CLIENT_PAGES;
      ctx.stats.cpu = 0.05;
      ctx.stats.residentKiB = CLIENT_RESIDENT_KIB;
      return yield* zooKeeperMain(ctx, args, log, classPath);
    case "org.apache.zookeeper.server.PurgeTxnLog":
      ctx.stats.sizePages = CLIENT_PAGES;
      ctx.stats.residentKiB = CLIENT_RESIDENT_KIB;
      return yield* purgeTxnLog(ctx, args, log);
    default:
      ctx.stderr.write(`Error: Could not find or load main class ${main}\n`);
      return 1;
  }
}
