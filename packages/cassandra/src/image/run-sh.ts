import type { Proc } from "@ksim/sim";
import { FsError } from "@ksim/sim";
import type { FileSystem, ProcessContext } from "@ksim/kube";
import { CASSANDRA_HOME, CASSANDRA_UID, CASSANDRA_GID } from "./paths.js";

/**
 * /run.sh of the cassandra:v13 image: turns the CASSANDRA_* environment into cassandra.yaml,
 * cassandra-rackdc.properties and jvm.options edits, echoes the settings, hands /cassandra_data
 * and /etc/cassandra to the cassandra user and starts `cassandra -f` as that user. Written as a
 * program that does what the shell script does, line for line, including its quirks
 * (`${VAR:false}` leaves VAR alone; the rackdc edit leaves a space after `=`).
 */

const CONF_DIR = "/etc/cassandra";
const CFG = `${CONF_DIR}/cassandra.yaml`;

/** The settings run.sh copies from CASSANDRA_<NAME> into cassandra.yaml, in its order. */
const YAML_KEYS = [
  "broadcast_address",
  "broadcast_rpc_address",
  "cluster_name",
  "disk_optimization_strategy",
  "endpoint_snitch",
  "listen_address",
  "num_tokens",
  "rpc_address",
  "start_rpc",
  "key_cache_size_in_mb",
  "concurrent_reads",
  "concurrent_writes",
  "memtable_cleanup_threshold",
  "memtable_allocation_type",
  "memtable_flush_writers",
  "concurrent_compactors",
  "compaction_throughput_mb_per_sec",
  "counter_cache_size_in_mb",
  "internode_compression",
  "endpoint_snitch",
  "gc_warn_threshold_in_ms",
  "listen_interface",
  "rpc_interface",
  "trickle_fsync",
];

const ECHOED = [
  "CASSANDRA_CONF_DIR",
  "CASSANDRA_CFG",
  "CASSANDRA_AUTO_BOOTSTRAP",
  "CASSANDRA_BROADCAST_ADDRESS",
  "CASSANDRA_BROADCAST_RPC_ADDRESS",
  "CASSANDRA_CLUSTER_NAME",
  "CASSANDRA_COMPACTION_THROUGHPUT_MB_PER_SEC",
  "CASSANDRA_CONCURRENT_COMPACTORS",
  "CASSANDRA_CONCURRENT_READS",
  "CASSANDRA_CONCURRENT_WRITES",
  "CASSANDRA_COUNTER_CACHE_SIZE_IN_MB",
  "CASSANDRA_DC",
  "CASSANDRA_DISK_OPTIMIZATION_STRATEGY",
  "CASSANDRA_ENDPOINT_SNITCH",
  "CASSANDRA_GC_WARN_THRESHOLD_IN_MS",
  "CASSANDRA_INTERNODE_COMPRESSION",
  "CASSANDRA_KEY_CACHE_SIZE_IN_MB",
  "CASSANDRA_LISTEN_ADDRESS",
  "CASSANDRA_LISTEN_INTERFACE",
  "CASSANDRA_MEMTABLE_ALLOCATION_TYPE",
  "CASSANDRA_MEMTABLE_CLEANUP_THRESHOLD",
  "CASSANDRA_MEMTABLE_FLUSH_WRITERS",
  "CASSANDRA_MIGRATION_WAIT",
  "CASSANDRA_NUM_TOKENS",
  "CASSANDRA_RACK",
  "CASSANDRA_RING_DELAY",
  "CASSANDRA_RPC_ADDRESS",
  "CASSANDRA_RPC_INTERFACE",
  "CASSANDRA_SEEDS",
  "CASSANDRA_SEED_PROVIDER",
  "CASSANDRA_TRICKLE_FSYNC",
];

/** `sed -ri 's/pattern/replacement/' file`, line by line. */
function sedInPlace(fs: FileSystem, path: string, pattern: RegExp, replace: string): void {
  const text = fs.readText(path);
  const lines = text.split("\n").map((l) => l.replace(pattern, replace));
  fs.writeFile(path, lines.join("\n"));
}

/** `hostname -f`: the name /etc/hosts gives this pod's address, else the short hostname. */
function fqdn(ctx: ProcessContext): string {
  const ip = ctx.net.ip;
  try {
    for (const line of ctx.fs.readText("/etc/hosts").split("\n")) {
      const parts = line.trim().split(/\s+/);
      if (parts[0] === ip && parts[1] !== undefined) return parts[1];
    }
  } catch (e) {
    if (!(e instanceof FsError)) throw e;
  }
  return ctx.hostname;
}

/** `chown -c -R cassandra path...`: prints each change as coreutils does. */
function chownVerbose(ctx: ProcessContext, path: string): void {
  const st = ctx.fs.lstat(path);
  if (st.type === "symlink") return;
  if (st.uid !== CASSANDRA_UID) {
    ctx.fs.chown(path, CASSANDRA_UID, st.gid);
    ctx.stdout.write(`changed ownership of '${path}' from ${st.uid === 0 ? "root" : st.uid} to cassandra\n`);
  }
  if (st.type === "dir") for (const e of ctx.fs.readdir(path)) chownVerbose(ctx, `${path === "/" ? "" : path}/${e}`);
}

export function* runSh(ctx: ProcessContext): Proc<number> {
  const env = ctx.env;
  const get = (k: string) => env.get(k) ?? "";
  // Script variables are the shell's own; only what it exports reaches `cassandra`.
  const v = new Map<string, string>();
  v.set("CASSANDRA_CONF_DIR", CONF_DIR);
  v.set("CASSANDRA_CFG", CFG);
  let seeds = get("CASSANDRA_SEEDS");
  let hostname = get("HOSTNAME");
  if (seeds === "") {
    hostname = fqdn(ctx);
    seeds = hostname;
  }
  const dflt = (k: string, d: string) => (get(k) === "" ? d : get(k));
  v.set("CASSANDRA_RPC_ADDRESS", dflt("CASSANDRA_RPC_ADDRESS", "0.0.0.0"));
  v.set("CASSANDRA_NUM_TOKENS", dflt("CASSANDRA_NUM_TOKENS", "32"));
  v.set("CASSANDRA_CLUSTER_NAME", dflt("CASSANDRA_CLUSTER_NAME", "Test Cluster"));
  const podIpOrHost = get("POD_IP") === "" ? hostname : get("POD_IP");
  v.set("CASSANDRA_LISTEN_ADDRESS", podIpOrHost);
  v.set("CASSANDRA_BROADCAST_ADDRESS", podIpOrHost);
  v.set("CASSANDRA_BROADCAST_RPC_ADDRESS", podIpOrHost);
  v.set("CASSANDRA_DISK_OPTIMIZATION_STRATEGY", dflt("CASSANDRA_DISK_OPTIMIZATION_STRATEGY", "ssd"));
  v.set("CASSANDRA_MIGRATION_WAIT", dflt("CASSANDRA_MIGRATION_WAIT", "1"));
  v.set("CASSANDRA_ENDPOINT_SNITCH", dflt("CASSANDRA_ENDPOINT_SNITCH", "SimpleSnitch"));
  v.set("CASSANDRA_DC", get("CASSANDRA_DC"));
  v.set("CASSANDRA_RACK", get("CASSANDRA_RACK"));
  v.set("CASSANDRA_RING_DELAY", dflt("CASSANDRA_RING_DELAY", "30000"));
  v.set("CASSANDRA_AUTO_BOOTSTRAP", dflt("CASSANDRA_AUTO_BOOTSTRAP", "true"));
  v.set("CASSANDRA_SEEDS", seeds);
  v.set("CASSANDRA_SEED_PROVIDER", dflt("CASSANDRA_SEED_PROVIDER", "org.apache.cassandra.locator.SimpleSeedProvider"));
  v.set("CASSANDRA_TRICKLE_FSYNC", dflt("CASSANDRA_TRICKLE_FSYNC", "false"));
  for (const k of env.keys()) if (k.startsWith("CASSANDRA_") && !v.has(k)) v.set(k, get(k));
  const val = (k: string) => v.get(k) ?? "";
  // `echo NAME ${NAME}`: unquoted, so the value is split into words and rejoined with single spaces.
  const words = (s: string) => s.split(/[ \t\n]+/).filter((w) => w !== "");
  ctx.stdout.write(["Starting", "Cassandra", "on", ...words(val("CASSANDRA_LISTEN_ADDRESS"))].join(" ") + "\n");
  for (const k of ECHOED) ctx.stdout.write([k, ...words(val(k))].join(" ") + "\n");

  const fs = ctx.fs;
  try {
    if (val("CASSANDRA_DC") !== "" && val("CASSANDRA_RACK") !== "") {
      fs.writeFile(`${CONF_DIR}/cassandra-rackdc.properties`, `dc=${val("CASSANDRA_DC")}\nrack=${val("CASSANDRA_RACK")}\n`);
      v.set("CASSANDRA_ENDPOINT_SNITCH", "GossipingPropertyFileSnitch");
    }
    if (val("CASSANDRA_MAX_HEAP") !== "") {
      sedInPlace(fs, `${CONF_DIR}/jvm.options`, /^(#)?-Xmx[0-9]+.*/, `-Xmx${val("CASSANDRA_MAX_HEAP")}`);
      sedInPlace(fs, `${CONF_DIR}/jvm.options`, /^(#)?-Xms[0-9]+.*/, `-Xms${val("CASSANDRA_MAX_HEAP")}`);
    }
    if (val("CASSANDRA_REPLACE_NODE") !== "") {
      fs.appendFile(`${CONF_DIR}/jvm.options`, `-Dcassandra.replace_address=${val("CASSANDRA_REPLACE_NODE")}/\n`);
    }
    for (const rackdc of ["dc", "rack"]) {
      const x = val(`CASSANDRA_${rackdc.toUpperCase()}`);
      if (x !== "") sedInPlace(fs, `${CONF_DIR}/cassandra-rackdc.properties`, new RegExp(`^(${rackdc}=).*`), `$1 ${x}`);
    }
    for (const key of YAML_KEYS) {
      const x = val(`CASSANDRA_${key.toUpperCase()}`);
      if (x !== "") sedInPlace(fs, CFG, new RegExp(`^(# )?(${key}:).*`), `$2 ${x}`);
    }
    fs.appendFile(CFG, `auto_bootstrap: ${val("CASSANDRA_AUTO_BOOTSTRAP")}\n`);
    const seedList = val("CASSANDRA_SEEDS") === "false" ? get("POD_IP") : val("CASSANDRA_SEEDS");
    sedInPlace(fs, CFG, /- seeds:.*/, `- seeds: "${seedList}"`);
    sedInPlace(fs, CFG, /- class_name: SEED_PROVIDER/, `- class_name: ${val("CASSANDRA_SEED_PROVIDER")}`);
    fs.appendFile(`${CONF_DIR}/cassandra-env.sh`, `JVM_OPTS="$JVM_OPTS -Djava.rmi.server.hostname=${get("POD_IP")}"\n`);
    fs.appendFile(`${CONF_DIR}/jvm.options`, `-Dcassandra.migration_task_wait_in_seconds=${val("CASSANDRA_MIGRATION_WAIT")}\n`);
    fs.appendFile(`${CONF_DIR}/jvm.options`, `-Dcassandra.ring_delay_ms=${val("CASSANDRA_RING_DELAY")}\n`);
    const data = get("CASSANDRA_DATA");
    fs.chmod(data, 0o700);
    chownVerbose(ctx, data);
    chownVerbose(ctx, CONF_DIR);
  } catch (e) {
    if (!(e instanceof FsError)) throw e;
    // set -e: the failing command's message, then the script stops.
    ctx.stderr.write(`/run.sh: ${e.message}\n`);
    return 1;
  }
  const childEnv = new Map(env);
  childEnv.set("CLASSPATH", "/kubernetes-cassandra.jar");
  if (val("CASSANDRA_OPEN_JMX") === "true") childEnv.set("LOCAL_JMX", "no");
  childEnv.set("HOME", "/home/cassandra");
  childEnv.set("USER", "cassandra");
  childEnv.set("LOGNAME", "cassandra");
  // su cassandra -c "$CASSANDRA_HOME/bin/cassandra -f"
  return yield* ctx.run([`${CASSANDRA_HOME}/bin/cassandra`, "-f"], { env: childEnv, cred: { uid: CASSANDRA_UID, gid: CASSANDRA_GID } });
}
