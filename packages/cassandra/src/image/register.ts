import { debianBase, ImageLayer, OS_RELEASES, registerShell, registerUserland, type ImageFileSpec, type ImageRegistry } from "@ksim/kube";
import { CASSANDRA_ENV_SH, CASSANDRA_YAML, JVM_OPTIONS, LOGBACK_XML, RACKDC_PROPERTIES, READY_PROBE_SH } from "./config-files.js";
import { cqlsh } from "./cqlsh.js";
import { dumbInit } from "./dumb-init.js";
import { java } from "./java.js";
import { cassandraLauncher, nodetoolLauncher } from "./launchers.js";
import { CASSANDRA_GID, CASSANDRA_HOME, CASSANDRA_UID, JAVA_HOME } from "./paths.js";
import { runSh } from "./run-sh.js";

/**
 * gcr.io/google-samples/cassandra:v13 (kubernetes/examples cassandra/image): Cassandra 3.11.2 on
 * OpenJDK 8 with dumb-init, /run.sh, /ready-probe.sh and the cassandra user. Registered under
 * its repository, so any tag resolves to it.
 */

export interface CassandraImageOptions {
  /** The Debian base layer to build on (default: the userland's Debian base); its /etc/passwd gains cassandra. */
  readonly base?: ImageLayer;
}

export const CASSANDRA_REPOSITORY = "gcr.io/google-samples/cassandra";

/** Build time of v13, shown by `ls -l` on files nobody changed. */
const BUILD_TIME = Date.UTC(2018, 3, 24, 17, 5, 12);

const DI_SHA = "81231da1cd074fdc81af62789fead8641ef3f24b6b07366a1c34e5b059faf363";

function baseText(base: ImageLayer | undefined, path: string, fallback: string): string {
  const e = base?.lookup(path);
  return e?.type === "file" ? new TextDecoder().decode(e.data) : fallback;
}

export function cassandraLayer(base?: ImageLayer): ImageLayer {
  const passwd = baseText(base, "/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n");
  const group = baseText(base, "/etc/group", "root:x:0:\n");
  const files: Record<string, ImageFileSpec> = {
    "/etc/passwd": `${passwd}cassandra:x:${CASSANDRA_UID}:${CASSANDRA_GID}:,,,:/home/cassandra:/bin/bash\n`,
    "/etc/group": `${group}cassandra:x:${CASSANDRA_GID}:\n`,
    "/run.sh": { program: "cassandra:run.sh", mode: 0o755 },
    "/ready-probe.sh": { content: READY_PROBE_SH, mode: 0o755, uid: CASSANDRA_UID, gid: CASSANDRA_GID },
    "/sbin/dumb-init": { program: "cassandra:dumb-init", mode: 0o755 },
    "/kubernetes-cassandra.jar": { content: new Uint8Array([0x50, 0x4b, 0x03, 0x04]) },
    "/etc/cassandra/cassandra.yaml": CASSANDRA_YAML,
    "/etc/cassandra/cassandra-rackdc.properties": RACKDC_PROPERTIES,
    "/etc/cassandra/jvm.options": `${JVM_OPTIONS}#-Xms4G\n#-Xmx4G\n`,
    "/etc/cassandra/cassandra-env.sh": CASSANDRA_ENV_SH,
    "/etc/cassandra/logback.xml": LOGBACK_XML,
    [`${CASSANDRA_HOME}/bin/cassandra`]: { program: "cassandra:bin/cassandra", mode: 0o755 },
    [`${CASSANDRA_HOME}/bin/nodetool`]: { program: "cassandra:bin/nodetool", mode: 0o755 },
    [`${CASSANDRA_HOME}/bin/cqlsh`]: { program: "cassandra:cqlsh", mode: 0o755 },
    [`${CASSANDRA_HOME}/lib/apache-cassandra-3.11.2.jar`]: { content: new Uint8Array([0x50, 0x4b, 0x03, 0x04]) },
    [`${JAVA_HOME}/jre/bin/java`]: { program: "cassandra:java", mode: 0o755 },
    [`${JAVA_HOME}/bin/java`]: { symlink: "../jre/bin/java" },
    "/cassandra_data/data": { dir: true },
    "/var/log/cassandra": { dir: true },
  };
  return new ImageLayer(files, BUILD_TIME, base);
}

/** Registers the image (any tag) and the programs its files run; bash, grep and friends come from the userland. */
export function registerCassandra(registry: ImageRegistry, options: CassandraImageOptions = {}): void {
  registerShell(registry);
  registerUserland(registry);
  registry.registerProgram("cassandra:run.sh", runSh);
  registry.registerProgram("cassandra:dumb-init", dumbInit);
  registry.registerProgram("cassandra:bin/cassandra", cassandraLauncher);
  registry.registerProgram("cassandra:bin/nodetool", nodetoolLauncher);
  registry.registerProgram("cassandra:cqlsh", cqlsh);
  registry.registerProgram("cassandra:java", java);
  registry.registerImage({
    repositories: [CASSANDRA_REPOSITORY],
    // FROM k8s.gcr.io/debian-base-amd64:0.3 (Debian stretch, dist-upgraded), built in February 2018,
    // between 9.3 and 9.4; minbase has no procps and the image adds only bash and Java.
    layer: cassandraLayer(options.base ?? new ImageLayer(debianBase({ release: OS_RELEASES.stretch3, procps: false }), BUILD_TIME)),
    // /run.sh is a program here rather than a bash script, so init runs it directly.
    cmd: ["/sbin/dumb-init", "/run.sh"],
    env: {
      PATH: `/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:${JAVA_HOME}/bin:${CASSANDRA_HOME}/bin`,
      CASSANDRA_HOME,
      CASSANDRA_CONF: "/etc/cassandra",
      CASSANDRA_DATA: "/cassandra_data",
      CASSANDRA_LOGS: "/var/log/cassandra",
      JAVA_HOME,
      DI_VERSION: "1.2.0",
      DI_SHA,
    },
    sizeBytes: 164_000_000,
  });
}
