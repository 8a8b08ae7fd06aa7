/**
 * The configuration files the image ships under /etc/cassandra, in the shape run.sh edits them:
 * `key: value` lines it rewrites with sed, the `- seeds:` line, the `SEED_PROVIDER` placeholder.
 * Trimmed to the settings the model reads, with the image's values.
 */

export const CASSANDRA_YAML = `# Cassandra storage config YAML

# The name of the cluster. This is mainly used to prevent machines in
# one logical cluster from joining another.
cluster_name: 'Test Cluster'

# This defines the number of tokens randomly assigned to this node on the ring
num_tokens: 256

# See http://wiki.apache.org/cassandra/HintedHandoff
hinted_handoff_enabled: true
# this defines the maximum amount of time a dead host will have hints
# generated.
max_hint_window_in_ms: 10800000 # 3 hours
hinted_handoff_throttle_in_kb: 1024
max_hints_delivery_threads: 2
hints_directory: /cassandra_data/hints
hints_flush_period_in_ms: 10000

authenticator: AllowAllAuthenticator
authorizer: AllowAllAuthorizer
role_manager: CassandraRoleManager

partitioner: org.apache.cassandra.dht.Murmur3Partitioner

data_file_directories:
    - /cassandra_data/data
commitlog_directory: /cassandra_data/commitlog
disk_failure_policy: stop
commit_failure_policy: stop
saved_caches_directory: /cassandra_data/saved_caches

# the other option is "periodic" where writes may be acked immediately
# and the CommitLog is simply synced every commitlog_sync_period_in_ms
# milliseconds.
commitlog_sync: periodic
commitlog_sync_period_in_ms: 10000
commitlog_segment_size_in_mb: 32

# any class that implements the SeedProvider interface and has a
# constructor that takes a Map<String, String> of parameters will do.
seed_provider:
    - class_name: SEED_PROVIDER
      parameters:
          # seeds is actually a comma-delimited list of addresses.
          # Ex: "<ip1>,<ip2>,<ip3>"
          - seeds: "127.0.0.1"

concurrent_reads: 32
concurrent_writes: 32
concurrent_counter_writes: 32
memtable_allocation_type: heap_buffers
# memtable_flush_writers: 8
# memtable_cleanup_threshold: 0.11
disk_optimization_strategy: ssd
trickle_fsync: false

storage_port: 7000
ssl_storage_port: 7001
listen_address: localhost
# broadcast_address: 1.2.3.4
start_native_transport: true
native_transport_port: 9042
start_rpc: false
rpc_address: localhost
rpc_port: 9160
# broadcast_rpc_address: 1.2.3.4

incremental_backups: false
snapshot_before_compaction: false
auto_snapshot: true
concurrent_compactors: 1
compaction_throughput_mb_per_sec: 16

read_request_timeout_in_ms: 5000
range_request_timeout_in_ms: 10000
write_request_timeout_in_ms: 2000
counter_write_request_timeout_in_ms: 5000
cas_contention_timeout_in_ms: 1000
truncate_request_timeout_in_ms: 60000
request_timeout_in_ms: 10000
cross_node_timeout: false
# phi_convict_threshold: 8

endpoint_snitch: SimpleSnitch
dynamic_snitch_update_interval_in_ms: 100
dynamic_snitch_reset_interval_in_ms: 600000
dynamic_snitch_badness_threshold: 0.1

internode_compression: all
inter_dc_tcp_nodelay: false
gc_warn_threshold_in_ms: 1000
`;

export const RACKDC_PROPERTIES = `# These properties are used with GossipingPropertyFileSnitch and will
# indicate the rack and dc for this node
dc=dc1
rack=rack1
`;

export const JVM_OPTIONS = `###########################################################################
#                             jvm.options                                 #
###########################################################################
-ea
-XX:+UseThreadPriorities
-XX:ThreadPriorityPolicy=42
-XX:+HeapDumpOnOutOfMemoryError
-Xss256k
-XX:StringTableSize=1000003
-XX:+AlwaysPreTouch
-XX:-UseBiasedLocking
-XX:+UseTLAB
-XX:+ResizeTLAB
-XX:+UseNUMA
-XX:+PerfDisableSharedMem
-Djava.net.preferIPv4Stack=true
-XX:+UseParNewGC
-XX:+UseConcMarkSweepGC
-XX:+CMSParallelRemarkEnabled
-XX:SurvivorRatio=8
-XX:MaxTenuringThreshold=1
-XX:CMSInitiatingOccupancyFraction=75
-XX:+UseCMSInitiatingOccupancyOnly
`;

export const CASSANDRA_ENV_SH = `# cassandra-env.sh: JVM settings computed from MAX_HEAP_SIZE and HEAP_NEWSIZE
JMX_PORT="7199"
LOCAL_JMX=yes
JVM_OPTS="$JVM_OPTS -Dcassandra.jmx.local.port=$JMX_PORT"
`;

export const LOGBACK_XML = `<configuration scan="true">
  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
    <filter class="ch.qos.logback.classic.filter.ThresholdFilter">
      <level>INFO</level>
    </filter>
    <encoder>
      <pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern>
    </encoder>
  </appender>
  <root level="INFO">
    <appender-ref ref="STDOUT" />
  </root>
</configuration>
`;

/**
 * The readiness probe, as the image ships it: ready when this pod's line in
 * `nodetool status` says UN.
 */
export const READY_PROBE_SH = `#!/bin/bash

# Copyright 2016 The Kubernetes Authors.
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.

if [[ $(nodetool status | grep $POD_IP) == *"UN"* ]]; then
  if [[ $DEBUG ]]; then
    echo "UN";
  fi
  exit 0;
else
  if [[ $DEBUG ]]; then
    echo "Not Up";
  fi
  exit 1;
fi
`;

/** Top-level `key: value` settings of a cassandra.yaml, plus the seed list and data directories. */
export interface YamlSettings {
  readonly values: ReadonlyMap<string, string>;
  readonly seeds: string | undefined;
  readonly dataDirs: readonly string[];
}

/** Reads the subset of YAML cassandra.yaml uses for what the model needs. */
export function parseCassandraYaml(text: string): YamlSettings {
  const values = new Map<string, string>();
  const dataDirs: string[] = [];
  let seeds: string | undefined;
  let inDataDirs = false;
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\s+#.*$/, "");
    if (/^\s*#/.test(line) || line.trim() === "") continue;
    const seed = /^\s*-\s*seeds:\s*(.*)$/.exec(line);
    if (seed !== null) {
      seeds = unquote(seed[1]!.trim());
      continue;
    }
    const item = /^\s+-\s*(\S.*)$/.exec(line);
    if (item !== null) {
      if (inDataDirs) dataDirs.push(unquote(item[1]!.trim()));
      continue;
    }
    const kv = /^([A-Za-z_][A-Za-z0-9_]*):\s*(.*)$/.exec(line);
    if (kv === null) continue;
    inDataDirs = kv[1] === "data_file_directories";
    if (kv[2] !== "") values.set(kv[1]!, unquote(kv[2]!.trim()));
  }
  return { values, seeds, dataDirs };
}

function unquote(s: string): string {
  return /^(['"]).*\1$/.test(s) ? s.slice(1, -1) : s;
}

/** key=value lines of a .properties file. */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^\s*([^#=\s][^=]*?)\s*=\s*(.*?)\s*$/.exec(line);
    if (m !== null) out.set(m[1]!, m[2]!);
  }
  return out;
}
