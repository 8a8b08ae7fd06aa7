import { KERNEL_RELEASE, type ProcessContext } from "@ksim/kube";

/** Facts of the JVM and image the servers and clients report (Environment.list()). */
export const ZK_VERSION = "3.4.10-39d3a4f269333c922ed3db283be479f9deacaa0f, built on 03/23/2017 10:13 GMT";
export const JAVA_HOME = "/usr/lib/jvm/java-8-openjdk-amd64";
export const JAVA = `${JAVA_HOME}/bin/java`;
export const CLASSPATH =
  "/usr/bin/../build/classes:/usr/bin/../build/lib/*.jar:/usr/bin/../share/zookeeper/zookeeper-3.4.10.jar:" +
  "/usr/bin/../share/zookeeper/slf4j-log4j12-1.6.1.jar:/usr/bin/../share/zookeeper/slf4j-api-1.6.1.jar:" +
  "/usr/bin/../share/zookeeper/netty-3.10.5.Final.jar:/usr/bin/../share/zookeeper/log4j-1.2.16.jar:" +
  "/usr/bin/../share/zookeeper/jline-0.9.94.jar:/usr/bin/../src/java/lib/*.jar:/usr/bin/../etc/zookeeper:";

function passwdEntry(ctx: ProcessContext): { name: string; home: string } | undefined {
  try {
    for (const line of ctx.fs.readText("/etc/passwd").split("\n")) {
      const f = line.split(":");
      if (f.length >= 6 && Number(f[2]) === ctx.cred.uid) return { name: f[0]!, home: f[5]! };
    }
  } catch {
    // No passwd file: Java reports "?" like it does for an unknown uid.
  }
  return undefined;
}

/** InetAddress.getLocalHost().getCanonicalHostName(): the FQDN /etc/hosts gives our name. */
export function canonicalHostName(ctx: ProcessContext): string {
  try {
    for (const line of ctx.fs.readText("/etc/hosts").split("\n")) {
      const names = line.trim().split(/\s+/).slice(1);
      if (names.includes(ctx.hostname)) return names.find((n) => n.startsWith(`${ctx.hostname}.`)) ?? names[0]!;
    }
  } catch {
    // Fall through to DNS.
  }
  const ip = ctx.net.ip;
  return (ip !== undefined ? ctx.net.reverse(ip) : undefined) ?? ctx.hostname;
}

/** Environment.list(): the "key=value" lines both "Client environment:" and envi print. */
export function environment(ctx: ProcessContext, classPath: string): string[] {
  const user = passwdEntry(ctx);
  return [
    `zookeeper.version=${ZK_VERSION}`,
    `host.name=${canonicalHostName(ctx)}`,
    "java.version=1.8.0_131",
    "java.vendor=Oracle Corporation",
    `java.home=${JAVA_HOME}/jre`,
    `java.class.path=${classPath}`,
    "java.library.path=/usr/java/packages/lib/amd64:/usr/lib/x86_64-linux-gnu/jni:/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu:/usr/lib/jni:/lib:/usr/lib",
    "java.io.tmpdir=/tmp",
    "java.compiler=<NA>",
    "os.name=Linux",
    "os.arch=amd64",
    // The JVM's os.version is uname's release: the node's kernel.
    `os.version=${KERNEL_RELEASE}`,
    `user.name=${user?.name ?? "?"}`,
    `user.home=${user?.home ?? "?"}`,
    `user.dir=${ctx.cwd}`,
  ];
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** java.util.Date.toString() in UTC: "Thu Dec 08 15:13:30 UTC 2016". */
export function javaDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}
