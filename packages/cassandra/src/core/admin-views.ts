import type { AdminResponse, ClusterView, DescribeRingView, GossipInfoView, InfoView, Ownership, RingView } from "./admin.js";
import { APP_STATES } from "./gossip.js";
import { javaHashMapOrder, longHash, stringifyFileSize } from "./java-format.js";
import type { CassandraNode } from "./node.js";
import { effectiveOwnership, OwnershipError } from "./ownership.js";
import { isSystemKeyspace, keyType, partitionKeyColumns } from "./schema.js";
import { PARTITIONER } from "./token.js";
import { fromString, MarshalError } from "./types.js";

/** What the JMX beans nodetool reads return, computed from the node's state. */

function snitchClass(node: CassandraNode): string {
  const s = node.config.snitch;
  return s.includes(".") ? s : `org.apache.cassandra.locator.${s}`;
}

interface RingFacts {
  readonly key: string;
  readonly tokens: readonly (readonly [string, string])[];
  readonly dc: Record<string, string>;
  readonly rack: Record<string, string>;
  readonly ownership: Ownership;
}

/**
 * The tokens, where their owners sit and what they own only change with the ring or the schema,
 * while readiness probes ask for them every ten seconds on every node: worked out once per ring
 * and schema version.
 */
const cache = new WeakMap<CassandraNode, RingFacts>();

function ringFacts(node: CassandraNode, keyspace: string | undefined): RingFacts {
  const key = `${node.tm.version}|${node.schema.version()}|${keyspace ?? ""}`;
  const cached = cache.get(node);
  if (cached !== undefined && cached.key === key) return cached;
  const tokens = node.tm.normalAndBootstrappingTokens().map(([t, ep]) => [t.toString(), ep] as const);
  const dc: Record<string, string> = {};
  const rack: Record<string, string> = {};
  for (const [, ep] of tokens) {
    if (ep in dc) continue;
    const loc = node.locate(ep);
    dc[ep] = loc.dc;
    rack[ep] = loc.rack;
  }
  const facts = { key, tokens, dc, rack, ownership: ownershipOf(node, keyspace) };
  cache.set(node, facts);
  return facts;
}

export function ringView(node: CassandraNode, keyspace: string | undefined): RingView {
  const tm = node.tm;
  const facts = ringFacts(node, keyspace);
  const load: Record<string, string> = {};
  for (const [ep, bytes] of node.membership.loads) load[ep] = stringifyFileSize(bytes);
  load[node.self] = stringifyFileSize(node.storage.load());
  const hostIds: Record<string, string> = {};
  for (const [ep, id] of tm.hostIds()) hostIds[ep] = id;
  return {
    live: node.gossiper.liveMembers(),
    unreachable: node.gossiper.unreachableMembers(),
    joining: [...tm.bootstrappingEndpoints().keys()],
    leaving: [...tm.leaving()],
    moving: [],
    load,
    tokens: facts.tokens,
    hostIds,
    dc: facts.dc,
    rack: facts.rack,
    ownership: facts.ownership,
  };
}

function ownershipOf(node: CassandraNode, keyspace: string | undefined): Ownership {
  const ring = node.tm.ring();
  try {
    const keyspaces = node.schema.keyspaces().map((k) => ({ name: k.name, replication: k.replication, user: !isSystemKeyspace(k.name) }));
    return { kind: "effective", owns: Object.fromEntries(effectiveOwnership(ring, keyspaces, keyspace)) };
  } catch (e) {
    if (!(e instanceof OwnershipError)) return { kind: "error", exception: "RuntimeException", message: (e as Error).message };
    // nodetool falls back to plain ownership, which itself fails on an empty ring.
    if (e.kind === "IllegalStateException" && ring.size === 0) {
      return { kind: "error", exception: "RuntimeException", message: "No nodes present in the cluster. Has this node finished starting up?" };
    }
    return { kind: "error", exception: e.kind, message: e.message };
  }
}

export function infoView(node: CassandraNode): InfoView {
  let memtableBytes = 0;
  for (const t of node.storage.allTables()) memtableBytes += t.memBytes;
  return {
    hostId: node.service.hostId,
    gossipActive: node.gossiper.enabled,
    nativeTransportActive: node.cqlUp,
    load: stringifyFileSize(node.storage.load()),
    generation: node.service.generation,
    uptimeSeconds: Math.floor((node.now.mono - node.service.startedAt) / 1000),
    dc: node.config.dc,
    rack: node.config.rack,
    tokens: node.tm.tokens(node.self).map(String),
    heapUsedMb: 96 + memtableBytes / (1024 * 1024),
    heapMaxMb: node.config.heapMb * 0.96,
  };
}

export function clusterView(node: CassandraNode): ClusterView {
  const versions = new Map<string, string[]>();
  const add = (v: string, ep: string) => {
    const list = versions.get(v) ?? [];
    list.push(ep);
    versions.set(v, list);
  };
  for (const ep of node.gossiper.liveMembers()) {
    const v = ep === node.self ? node.schema.version() : node.gossiper.state(ep)?.get("SCHEMA");
    if (v !== undefined) add(v, ep);
  }
  for (const ep of node.gossiper.unreachableMembers()) if (node.tm.isMember(ep)) add("UNREACHABLE", ep);
  return {
    name: node.config.clusterName,
    snitch: snitchClass(node),
    partitioner: PARTITIONER,
    schemaVersions: [...versions.entries()].map(([v, eps]) => [v, eps.sort()] as const),
  };
}

export function gossipInfoView(node: CassandraNode): GossipInfoView {
  const g = node.gossiper;
  return {
    endpoints: g.knownEndpoints().map((ep) => {
      const st = g.state(ep)!;
      return {
        endpoint: ep,
        generation: st.generation,
        heartbeat: st.heartbeat,
        states: APP_STATES.filter((k) => st.states.has(k)).map((k) => {
          const v = st.states.get(k)!;
          return [k, v.version, k === "TOKENS" ? "<hidden>" : v.value] as const;
        }),
      };
    }),
  };
}

/**
 * StorageService.describeRingJMX: a range between each pair of neighbouring normal tokens (the
 * last wrapping to the first), with the replicas of its right end, listed in the order of the
 * HashMap<Range, List> they are collected in (Range hashes as 31 * left + right, LongToken as
 * Long.hashCode; the map is sized for the ranges).
 */
export function describeRingView(node: CassandraNode, keyspace: string): DescribeRingView {
  const schemaVersion = node.schema.version();
  const ks = node.schema.keyspaces().find((k) => k.name === keyspace);
  if (ks === undefined) return { schemaVersion, ranges: { error: `No such keyspace: ${keyspace}` } };
  if (ks.replication.class === "LocalStrategy") return { schemaVersion, ranges: { error: `There is no ring for the keyspace: ${keyspace}` } };
  const ring = node.tm.ring();
  const sorted = ring.sorted;
  const ranges = sorted.map((right, i) => [sorted[(i - 1 + sorted.length) % sorted.length]!, right] as const);
  // getAllRanges lists the wrapping range last.
  if (ranges.length > 0) ranges.push(ranges.shift()!);
  let table = 1;
  while (table < ranges.length) table *= 2;
  const ordered = javaHashMapOrder(ranges, ([l, r]) => (Math.imul(31, longHash(l)) + longHash(r)) | 0, table);
  const rpcAddress = (ep: string) => (ep === node.self ? node.config.rpcAddress : (node.gossiper.state(ep)?.get("RPC_ADDRESS") ?? ep));
  return {
    schemaVersion,
    ranges: ordered.map(([left, right]) => {
      const eps = ring.naturalEndpoints(right, ks.replication);
      const details = eps.map((ep) => {
        const loc = node.locate(ep);
        return `EndpointDetails(host:${ep}, datacenter:${loc.dc}, rack:${loc.rack})`;
      });
      return `TokenRange(start_token:${left}, end_token:${right}, endpoints:[${eps.join(", ")}], rpc_endpoints:[${eps.map(rpcAddress).join(", ")}], endpoint_details:[${details.join(", ")}])`;
    }),
  };
}

/**
 * StorageService.getNaturalEndpoints(keyspace, table, key): the key read as the table's key
 * validator reads a string (a composite key's parts separated by `:`), its token, and the
 * keyspace's replicas for that token, primary first.
 */
export function endpointsView(node: CassandraNode, keyspace: string, table: string, key: string): AdminResponse {
  const illegal = (message: string): AdminResponse => ({ ok: false, error: { exception: "java.lang.IllegalArgumentException", message } });
  const ks = node.schema.keyspace(keyspace);
  if (ks === undefined) return illegal(`Unknown keyspace '${keyspace}'`);
  const def = node.schema.table(keyspace, table);
  if (def === undefined) return illegal(`Unknown table '${table}' in keyspace '${keyspace}'`);
  const types = partitionKeyColumns(def).map(keyType);
  const parts = types.length === 1 ? [key] : splitComposite(key);
  let values;
  try {
    values = types.map((t, i) => fromString(t, parts[i] ?? ""));
  } catch (e) {
    if (!(e instanceof MarshalError)) throw e;
    return { ok: false, error: { exception: "org.apache.cassandra.serializers.MarshalException", message: e.message } };
  }
  return { ok: true, value: node.tm.ring().naturalEndpoints(node.tokenFor(def, values), ks.replication) };
}

/** CompositeType.fromString: components separated by unescaped `:` (a backslash escapes the next character). */
function splitComposite(s: string): string[] {
  const parts: string[] = [];
  let current = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "\\" && i + 1 < s.length) current += s[++i];
    else if (c === ":") {
      parts.push(current);
      current = "";
    } else current += c;
  }
  parts.push(current);
  return parts;
}
