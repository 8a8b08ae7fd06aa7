import { ImageLayer, OS_RELEASES, debianBase, registerShell, registerUserland, type ImageFileSpec, type ImageRegistry } from "@ksim/kube";
import { java } from "./java.js";
import { JAVA } from "./java-env.js";
import { startZookeeper, zkCleanupSh, zkCliSh, zkServerSh } from "./scripts.js";

export const ZOOKEEPER_REPOSITORIES = [
  "registry.k8s.io/kubernetes-zookeeper",
  "k8s.gcr.io/kubernetes-zookeeper",
  "gcr.io/google_containers/kubernetes-zookeeper",
] as const;

const ZK = "/opt/zookeeper-3.4.10";
const ZK_UID = 1000;
/** Built 2017-04 (the 1.0-3.4.10 push); what `ls -l` shows for files nobody changed. */
const BUILD_TIME = Date.UTC(2017, 3, 6, 22, 31, 12);

const PASSWD_LINE = "zookeeper:x:1000:1000::/home/zookeeper:\n";
const GROUP_LINE = "zookeeper:x:1000:\n";

const LIBS = ["jline-0.9.94.jar", "log4j-1.2.16.jar", "netty-3.10.5.Final.jar", "slf4j-api-1.6.1.jar", "slf4j-log4j12-1.6.1.jar"];

/** The tarball's conf/log4j.properties, before start-zookeeper replaces it. */
const DEFAULT_LOG4J = `zookeeper.root.logger=INFO, CONSOLE
zookeeper.console.threshold=INFO
zookeeper.log.dir=.
zookeeper.log.file=zookeeper.log
zookeeper.log.threshold=DEBUG
zookeeper.tracelog.dir=.
zookeeper.tracelog.file=zookeeper_trace.log
log4j.rootLogger=\${zookeeper.root.logger}
log4j.appender.CONSOLE=org.apache.log4j.ConsoleAppender
log4j.appender.CONSOLE.Threshold=\${zookeeper.console.threshold}
log4j.appender.CONSOLE.layout=org.apache.log4j.PatternLayout
log4j.appender.CONSOLE.layout.ConversionPattern=%d{ISO8601} [myid:%X{myid}] - %-5p [%t:%C{1}@%L] - %m%n
`;

const ZOO_SAMPLE = `# The number of milliseconds of each tick
tickTime=2000
# The number of ticks that the initial 
# synchronization phase can take
initLimit=10
# The number of ticks that can pass between 
# sending a request and getting an acknowledgement
syncLimit=5
# the directory where the snapshot is stored.
# do not use /tmp for storage, /tmp here is just 
# example sakes.
dataDir=/tmp/zookeeper
# the port at which the clients will connect
clientPort=2181
`;

export interface ZooKeeperImageOptions {
  /** The Ubuntu-like base layer (default: the userland's Debian base); its /etc/passwd gains zookeeper. */
  readonly base?: ImageLayer;
}

/** The image's readiness/liveness script, as the image ships it and the tutorial prints it. */
const ZOOKEEPER_READY = `#!/usr/bin/env bash
OK=$(echo ruok | nc 127.0.0.1 $1)
if [ "$OK" == "imok" ]; then
    exit 0
else
    exit 1
fi
`;

const ZOOKEEPER_METRICS = `#!/usr/bin/env bash
echo mntr | nc localhost $1 >& 1
`;

function baseText(base: ImageLayer | undefined, path: string, fallback: string): string {
  const e = base?.lookup(path);
  return e?.type === "file" ? new TextDecoder().decode(e.data) : fallback;
}

/**
 * Registers `kubernetes-zookeeper:1.0-3.4.10` (any tag, under its registry.k8s.io, k8s.gcr.io and
 * gcr.io/google_containers names) and the programs its files run.
 */
export function registerZooKeeper(registry: ImageRegistry, options: ZooKeeperImageOptions = {}): void {
  registerShell(registry);
  registerUserland(registry);
  // FROM ubuntu:16.04, built in the second half of 2017 (its JRE is 8u131-b11-2ubuntu1.16.04.3):
  // 16.04.3's base-files, the release of August 2017, is the likelier of .2 and .3.
  const base = options.base ?? new ImageLayer(debianBase({ release: OS_RELEASES.xenial3 }), BUILD_TIME);
  registry.registerProgram("zookeeper/java", java);
  registry.registerProgram("zookeeper/start-zookeeper", startZookeeper);
  registry.registerProgram("zookeeper/zkServer.sh", zkServerSh);
  registry.registerProgram("zookeeper/zkCli.sh", zkCliSh);
  registry.registerProgram("zookeeper/zkCleanup.sh", zkCleanupSh);

  const own = { uid: ZK_UID, gid: ZK_UID };
  const files: Record<string, ImageFileSpec> = {
    "/etc/passwd": baseText(base, "/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n") + PASSWD_LINE,
    "/etc/group": baseText(base, "/etc/group", "root:x:0:\n") + GROUP_LINE,
    [JAVA]: { program: "zookeeper/java" },
    "/usr/bin/java": { symlink: JAVA },
    [ZK]: { dir: true, ...own },
    "/opt/zookeeper": { symlink: ZK },
    [`${ZK}/bin`]: { dir: true, ...own },
    [`${ZK}/conf`]: { dir: true, ...own },
    [`${ZK}/lib`]: { dir: true, ...own },
    [`${ZK}/conf/log4j.properties`]: { content: DEFAULT_LOG4J, ...own },
    [`${ZK}/conf/zoo_sample.cfg`]: { content: ZOO_SAMPLE, ...own },
    [`${ZK}/conf/configuration.xsl`]: { content: '<?xml version="1.0"?>\n', ...own },
    [`${ZK}/zookeeper-3.4.10.jar`]: { content: "PK\x03\x04", ...own },
    "/usr/etc/zookeeper": { symlink: "/opt/zookeeper/conf/" },
    "/usr/share/zookeeper/zookeeper-3.4.10.jar": { symlink: `/opt/zookeeper/zookeeper-3.4.10.jar` },
    "/var/lib/zookeeper/data": { dir: true, ...own },
    "/var/lib/zookeeper/log": { dir: true, ...own },
    "/var/log/zookeeper": { dir: true, ...own },
    "/tmp/zookeeper": { dir: true, ...own },
  };
  const scripts: Record<string, string> = {
    "zkServer.sh": "zookeeper/zkServer.sh",
    "zkCli.sh": "zookeeper/zkCli.sh",
    "zkCleanup.sh": "zookeeper/zkCleanup.sh",
    "start-zookeeper": "zookeeper/start-zookeeper",
  };
  for (const [name, program] of Object.entries(scripts)) {
    files[`${ZK}/bin/${name}`] = { program, mode: 0o755, ...own };
    files[`/usr/bin/${name}`] = { symlink: `/opt/zookeeper/bin/${name}` };
  }
  for (const [name, text] of [["zookeeper-ready", ZOOKEEPER_READY], ["zookeeper-metrics", ZOOKEEPER_METRICS]] as const) {
    files[`${ZK}/bin/${name}`] = { content: text, mode: 0o755, ...own };
    files[`/usr/bin/${name}`] = { symlink: `/opt/zookeeper/bin/${name}` };
  }
  // zkEnv.sh is sourced by the other scripts, whose programs do what it does; run on its own it only sets variables.
  for (const name of ["zkEnv.sh"]) {
    files[`${ZK}/bin/${name}`] = { content: "#!/usr/bin/env bash\n", mode: 0o755, ...own };
    files[`/usr/bin/${name}`] = { symlink: `/opt/zookeeper/bin/${name}` };
  }
  for (const lib of LIBS) {
    files[`${ZK}/lib/${lib}`] = { content: "PK\x03\x04", ...own };
    files[`/usr/share/zookeeper/${lib}`] = { symlink: `/opt/zookeeper/lib/${lib}` };
  }
  registry.registerImage({
    repositories: ZOOKEEPER_REPOSITORIES,
    layer: new ImageLayer(files, BUILD_TIME, base),
    cmd: ["/bin/bash"],
    env: {
      PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      ZK_USER: "zookeeper",
      ZK_DATA_DIR: "/var/lib/zookeeper/data",
      ZK_DATA_LOG_DIR: "/var/lib/zookeeper/log",
      ZK_LOG_DIR: "/var/log/zookeeper",
      JAVA_HOME: "/usr/lib/jvm/java-8-openjdk-amd64",
    },
    sizeBytes: 115_000_000,
  });
}
