import { REGISTERED_COMMANDS, commandUsage, globalUsage, hasPage } from "./nodetool-help.js";
import type { Proc } from "@ksim/sim";
import type { ProcessContext } from "@ksim/kube";
import type { AdminRequest, ClusterView, DescribeRingView, GossipInfoView, InfoView, NodeService, RingView } from "../core/admin.js";
import { decimalFormat, inet4Hash, javaHashMapOrder } from "../core/java-format.js";
import { compact } from "./nodetool-compact.js";
import { badUse, connectFailed, jmxCall, missingKeyspace, stackTrace } from "./jmx-client.js";
import { cleanup } from "./nodetool-cleanup.js";
import { netstats } from "./nodetool-netstats.js";
import { clearSnapshot, listSnapshots, refresh, snapshot } from "./nodetool-snapshots.js";
import { repair } from "./nodetool-repair.js";
import { compactionstats, tablestats, tpstats } from "./nodetool-stats.js";
import { JMX_PORT } from "./paths.js";

/**
 * nodetool (3.x, airline): connects to the node's JMX port and prints what the MBeans return,
 * in Status.java's, Ring.java's, Info.java's and DescribeCluster.java's exact formats.
 */

/** String.format("%-Ns", s). */
function pad(s: string | number, width: number): string {
  return String(s).padEnd(width);
}

/**
 * Status.java: `address` is how a node is shown, its IP or, with -r, the name a reverse lookup
 * gives it (HostStat.ipOrDns); the column is as wide as the longest.
 */
export function formatStatus(view: RingView, address: (ep: string) => string = (ep) => ep): { out: string; err: string; code: number } {
  let errors = "";
  let hasEffectiveOwns = false;
  const own = view.ownership;
  if (own.kind === "effective") hasEffectiveOwns = true;
  else if (own.exception === "IllegalStateException") errors += `Note: ${own.message}\n`;
  else if (own.exception === "IllegalArgumentException") return { out: `\nError: ${own.message}\n`, err: "", code: 1 };
  else return stackTrace("status", `java.lang.${own.exception}`, own.message);
  const dcs = new Map<string, string[]>();
  const tokensOf = new Map<string, string[]>();
  for (const [t, ep] of view.tokens) {
    const mine = tokensOf.get(ep);
    if (mine !== undefined) {
      mine.push(t);
      continue;
    }
    tokensOf.set(ep, [t]);
    const dc = view.dc[ep] ?? "UNKNOWN_DC";
    const list = dcs.get(dc);
    if (list === undefined) dcs.set(dc, [ep]);
    else list.push(ep);
  }
  // "More tokens than nodes (aka vnodes)?" compares the number of data centers with the tokens.
  const tokenPerNode = dcs.size >= view.tokens.length;
  let maxAddr = 0;
  for (const eps of dcs.values()) for (const ep of eps) maxAddr = Math.max(maxAddr, address(ep).length);
  const fmt = (cols: (string | number)[]) => {
    const [status, state, addr, load, ...rest] = cols;
    let s = `${status}${state}  ${pad(addr!, maxAddr)}  ${pad(load!, 9)}  `;
    if (!tokenPerNode) s += `${pad(rest.shift()!, 11)}  `;
    s += `${pad(rest.shift()!, hasEffectiveOwns ? 16 : 6)}  `;
    s += `${pad(rest.shift()!, 36)}  `;
    if (tokenPerNode) s += `${pad(rest.shift()!, 39)}  `;
    return `${s}${rest.shift()}\n`;
  };
  const ownsHeader = hasEffectiveOwns ? "Owns (effective)" : "Owns";
  let out = "";
  for (const dc of [...dcs.keys()].sort()) {
    const header = `Datacenter: ${dc}`;
    out += `${header}\n${"=".repeat(header.length)}\n`;
    out += "Status=Up/Down\n|/ State=Normal/Leaving/Joining/Moving\n";
    out += tokenPerNode
      ? fmt(["-", "-", "Address", "Load", ownsHeader, "Host ID", "Token", "Rack"])
      : fmt(["-", "-", "Address", "Load", "Tokens", ownsHeader, "Host ID", "Rack"]);
    // Nodes come out of a hash-keyed ArrayListMultimap, in HashMap order of their addresses.
    for (const ep of javaHashMapOrder(dcs.get(dc)!, inet4Hash, 32)) {
      const status = view.live.includes(ep) ? "U" : view.unreachable.includes(ep) ? "D" : "?";
      const state = view.joining.includes(ep) ? "J" : view.leaving.includes(ep) ? "L" : view.moving.includes(ep) ? "M" : "N";
      const load = view.load[ep] ?? "?";
      const owned = own.kind === "effective" ? own.owns[ep] : undefined;
      const owns = owned !== undefined && hasEffectiveOwns ? decimalFormat("##0.0%", owned) : "?";
      const hostId = view.hostIds[ep] ?? "null";
      const rack = view.rack[ep] ?? "UNKNOWN_RACK";
      const tokens = tokensOf.get(ep)!;
      out += tokenPerNode
        ? fmt([status, state, address(ep), load, owns, hostId, tokens[0]!, rack])
        : fmt([status, state, address(ep), load, tokens.length, owns, hostId, rack]);
    }
  }
  out += `\n${errors}`;
  return { out, err: "", code: 0 };
}

/** Ring.java: with -r each row shows `address(ep)`, while the column stays as wide as the longest IP. */
export function formatRing(view: RingView, address: (ep: string) => string = (ep) => ep): { out: string; err: string; code: number } {
  const own = view.ownership;
  let errors = "";
  let showEffective = true;
  if (own.kind === "error") {
    if (own.exception === "IllegalStateException") {
      errors += `Note: ${own.message}\n`;
      showEffective = false;
    } else if (own.exception === "IllegalArgumentException") {
      return { out: `\nError: ${own.message}\n`, err: "", code: 0 };
    } else {
      return stackTrace("ring", `java.lang.${own.exception}`, own.message);
    }
  }
  const endpointTokens = new Map<string, string[]>();
  let haveVnodes = false;
  for (const [t, ep] of view.tokens) {
    haveVnodes ||= endpointTokens.has(ep);
    endpointTokens.set(ep, [...(endpointTokens.get(ep) ?? []), t]);
  }
  const maxAddr = Math.max(0, ...[...endpointTokens.keys()].map((e) => e.length));
  const fmt = (a: string, rack: string, status: string, state: string, load: string, owns: string, token: string) =>
    `${pad(a, maxAddr)}  ${pad(rack, 12)}${pad(status, 7)}${pad(state, 8)}${pad(load, 16)}${pad(owns, 20)}${pad(token, 44)}\n`;
  let out = "\n";
  const byDc = new Map<string, [string, string][]>();
  for (const [t, ep] of view.tokens) {
    const dc = view.dc[ep] ?? "UNKNOWN_DC";
    byDc.set(dc, [...(byDc.get(dc) ?? []), [t, ep]]);
  }
  for (const dc of [...byDc.keys()].sort()) {
    const stats = byDc.get(dc)!;
    out += `Datacenter: ${dc}\n==========\n`;
    out += fmt("Address", "Rack", "Status", "State", "Load", "Owns", "Token");
    const last = stats[stats.length - 1]!;
    const lastTokens = endpointTokens.get(last[1])!;
    if (stats.length > 1) out += fmt("", "", "", "", "", "", lastTokens[lastTokens.length - 1]!);
    else out += "\n";
    for (const [t, ep] of stats) {
      const status = view.live.includes(ep) ? "Up" : view.unreachable.includes(ep) ? "Down" : "?";
      const state = view.joining.includes(ep) ? "Joining" : view.leaving.includes(ep) ? "Leaving" : view.moving.includes(ep) ? "Moving" : "Normal";
      const owned = own.kind === "effective" ? own.owns[ep] : undefined;
      const owns = owned !== undefined && showEffective ? decimalFormat("##0.00%", owned) : "?";
      out += fmt(address(ep), view.rack[ep] ?? "UNKNOWN_RACK", status, state, view.load[ep] ?? "?", owns, t);
    }
    out += "\n";
  }
  if (haveVnodes) {
    out += '  Warning: "nodetool ring" is used to output all the tokens of a node.\n';
    out += '  To view status related info of a node use "nodetool status" instead.\n\n';
  }
  out += `\n  ${errors}`;
  return { out, err: "", code: 0 };
}

export function formatInfo(v: InfoView, showTokens: boolean): string {
  const tokens = v.tokens;
  const line = (k: string, val: string | number) => `${pad(k, 23)}: ${val}\n`;
  const heapMb = v.heapMaxMb / 0.96;
  let out = "";
  out += line("ID", v.hostId);
  out += line("Gossip active", String(v.gossipActive));
  out += line("Thrift active", "false");
  out += line("Native Transport active", String(v.nativeTransportActive));
  out += line("Load", v.load);
  out += line("Generation No", v.gossipActive ? v.generation : 0);
  out += line("Uptime (seconds)", v.uptimeSeconds);
  out += line("Heap Memory (MB)", `${v.heapUsedMb.toFixed(2)} / ${v.heapMaxMb.toFixed(2)}`);
  out += line("Off Heap Memory (MB)", "0.00");
  out += line("Data Center", v.dc);
  out += line("Rack", v.rack);
  out += line("Exceptions", 0);
  out += line(
    "Key Cache",
    `entries 0, size 0 bytes, capacity ${Math.min(Math.floor(heapMb * 0.05), 100)} MiB, 0 hits, 0 requests, NaN recent hit rate, 14400 save period in seconds`,
  );
  out += line("Row Cache", "entries 0, size 0 bytes, capacity 0 bytes, 0 hits, 0 requests, NaN recent hit rate, 0 save period in seconds");
  out += line(
    "Counter Cache",
    `entries 0, size 0 bytes, capacity ${Math.min(Math.floor(heapMb * 0.025), 50)} MiB, 0 hits, 0 requests, NaN recent hit rate, 7200 save period in seconds`,
  );
  out += line(
    "Chunk Cache",
    `entries 0, size 0 bytes, capacity ${Math.min(512, Math.floor(heapMb / 4))} MiB, 0 misses, 0 requests, NaN recent hit rate, NaN microseconds miss latency`,
  );
  out += line("Percent Repaired", "100.0%");
  if (tokens.length === 0) out += line("Token", "(node is not joined to the cluster)");
  else if (tokens.length === 1 || showTokens) for (const t of tokens) out += line("Token", t);
  else out += line("Token", `(invoke with -T/--tokens to see all ${tokens.length} tokens)`);
  return out;
}

export function formatDescribeCluster(v: ClusterView): string {
  let out = "Cluster Information:\n";
  out += `\tName: ${v.name}\n`;
  out += `\tSnitch: ${v.snitch}\n`;
  out += "\tDynamicEndPointSnitch: enabled\n";
  out += `\tPartitioner: ${v.partitioner}\n`;
  out += "\tSchema versions:\n";
  for (const [version, hosts] of v.schemaVersions) out += `\t\t${version}: [${hosts.join(", ")}]\n\n`;
  return out;
}

export function formatGossipInfo(v: GossipInfoView): string {
  let out = "";
  for (const e of javaHashMapOrder(v.endpoints, (x) => inet4Hash(x.endpoint), 16)) {
    out += `/${e.endpoint}\n  generation:${e.generation}\n  heartbeat:${e.heartbeat}\n`;
    for (const [k, ver, val] of e.states) if (k !== "TOKENS") out += `  ${k}:${ver}:${val}\n`;
    const tokens = e.states.find((s) => s[0] === "TOKENS");
    out += tokens === undefined ? "  TOKENS: not present\n" : `  TOKENS:${tokens[1]}:<hidden>\n`;
  }
  return out;
}

/**
 * get/set + stream/compaction throughput: the value's airline title and how the getter words it
 * (SetStreamThroughput and SetCompactionThroughput take an Integer; 0 turns throttling off).
 */
const THROUGHPUTS: Readonly<Record<string, { readonly which: "stream" | "compaction"; readonly set: boolean }>> = {
  getstreamthroughput: { which: "stream", set: false },
  setstreamthroughput: { which: "stream", set: true },
  getcompactionthroughput: { which: "compaction", set: false },
  setcompactionthroughput: { which: "compaction", set: true },
};
const THROUGHPUT_WORDS = { stream: ["stream_throughput", "Current stream throughput: ", " Mb/s"], compaction: ["compaction_throughput", "Current compaction throughput: ", " MB/s"] } as const;

const COMMANDS = ["status", "ring", "info", "describecluster", "describering", "gossipinfo", "drain", "decommission", "flush", "removenode", "getendpoints", "version", "repair", "cleanup", "netstats", "snapshot", "listsnapshots", "clearsnapshot", "refresh", "tpstats", "tablestats", "compactionstats", "compact", "replaybatchlog", ...Object.keys(THROUGHPUTS)];

/** disable…/enable… of a service, and status… of it, as nodetool names them. */
const SWITCHES: Readonly<Record<string, readonly [NodeService, boolean]>> = {
  disablebinary: ["binary", false],
  enablebinary: ["binary", true],
  disablegossip: ["gossip", false],
  enablegossip: ["gossip", true],
  disablehandoff: ["handoff", false],
  enablehandoff: ["handoff", true],
  disablebackup: ["backup", false],
  enablebackup: ["backup", true],
};
const STATUSES: Readonly<Record<string, NodeService>> = { statusbinary: "binary", statusgossip: "gossip", statushandoff: "handoff", statusbackup: "backup" };
/** Every command this nodetool knows, as its help lists them (alphabetically, as airline does). */
const ALL_COMMANDS = [...COMMANDS, ...Object.keys(SWITCHES), ...Object.keys(STATUSES)].sort();

/**
 * With -r/--resolve-ip, how status and ring show a node: InetAddress.getHostName, the name a
 * reverse lookup gives (the pod's /etc/hosts, then the cluster DNS), else the address itself.
 */
function hostNames(ctx: ProcessContext, params: readonly string[]): ((ep: string) => string) | undefined {
  return params.includes("-r") || params.includes("--resolve-ip") ? (ep) => ctx.net.reverse(ep) ?? ep : undefined;
}

/**
 * `nodetool help [command...]`: airline's Help. A command it does not know is said so on stdout;
 * a real command whose annotations ksim does not hold is refused rather than shown without its options.
 */
function help(ctx: ProcessContext, names: readonly string[]): number {
  const words = names.filter((n) => n !== "--");
  if (words.length === 0) {
    ctx.stdout.write(globalUsage());
    return 0;
  }
  const name = words[0]!;
  if (REGISTERED_COMMANDS[name] === undefined) {
    ctx.stdout.write(`Unknown command ${words.join(" ")}\n\n`);
    return 0;
  }
  if (!hasPage(name)) {
    ctx.stderr.write(`nodetool: ksim does not hold the help page of ${name}\n`);
    return 1;
  }
  ctx.stdout.write(commandUsage(name));
  return 0;
}

/** org.apache.cassandra.tools.NodeTool's main. */
export function* nodetool(ctx: ProcessContext, args: readonly string[]): Proc<number> {
  let host = "127.0.0.1";
  let port = JMX_PORT;
  const rest: string[] = [];
  let showTokens = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if ((a === "-h" || a === "--host") && i + 1 < args.length) host = args[++i]!;
    else if ((a === "-p" || a === "--port") && i + 1 < args.length) port = Number(args[++i]);
    // JMX authentication is not modelled: the credentials are taken and not checked.
    else if (["-u", "--username", "-pw", "--password", "-pwf", "--password-file"].includes(a) && i + 1 < args.length) i++;
    else if (a === "-T" || a === "--tokens") showTokens = true;
    else rest.push(a);
  }
  const [command, ...params] = rest;
  // Help is the default command, of nodetool and of its bootstrap group.
  if (command === undefined || command === "bootstrap" && params.length === 0) {
    ctx.stdout.write(globalUsage());
    return 0;
  }
  if (command === "help") return help(ctx, params);
  // cfstats is TableStats under its old name, a hidden command that help does not list.
  if (command === "tablestats" || command === "cfstats") return yield* tablestats(ctx, host, port, params);
  if (!ALL_COMMANDS.includes(command)) {
    if (REGISTERED_COMMANDS[command] === undefined) return badUse(ctx, `Found unexpected parameters: [${rest.join(", ")}]`);
    ctx.stderr.write(`nodetool: ksim does not model the ${command} command\n`);
    return 1;
  }
  if (command === "repair") return yield* repair(ctx, host, port, params);
  if (command === "cleanup") return yield* cleanup(ctx, host, port, params);
  if (command === "compact") return yield* compact(ctx, host, port, params);
  if (command === "netstats") return yield* netstats(ctx, host, port, params);
  if (command === "snapshot") return yield* snapshot(ctx, host, port, params);
  if (command === "listsnapshots") return yield* listSnapshots(ctx, host, port);
  if (command === "clearsnapshot") return yield* clearSnapshot(ctx, host, port, params);
  if (command === "refresh") return yield* refresh(ctx, host, port, params);
  if (command === "tpstats") return yield* tpstats(ctx, host, port, params);
  if (command === "compactionstats") return yield* compactionstats(ctx, host, port, params);
  const throughput = THROUGHPUTS[command];
  if (throughput !== undefined) {
    const [title, prefix, unit] = THROUGHPUT_WORDS[throughput.which];
    let value: number | undefined;
    if (throughput.set) {
      if (params[0] === undefined) return badUse(ctx, `Required parameters are missing: ${title}`);
      if (!/^-?\d+$/.test(params[0])) return badUse(ctx, `${title}: can not convert "${params[0]}" to a Integer`);
      value = Number(params[0]);
    }
    const r = yield* jmxCall(ctx, host, port, value === undefined ? { op: "throughput", which: throughput.which } : { op: "throughput", which: throughput.which, value });
    if ("connectError" in r) return connectFailed(ctx, host, port, r.connectError);
    if (!throughput.set && r.ok) ctx.stdout.write(`${prefix}${r.value as number}${unit}\n`);
    return 0;
  }
  let request: AdminRequest;
  switch (command) {
    case "status":
    case "ring": {
      // The -r/--resolve-ip option may stand anywhere after the command, as airline takes options.
      const keyspace = params.find((p) => p !== "-r" && p !== "--resolve-ip");
      request = keyspace === undefined ? { op: "status" } : { op: "status", keyspace };
      break;
    }
    case "flush": {
      const missing = yield* missingKeyspace(ctx, host, port, params[0]);
      if (missing !== undefined) return missing;
      request = params[0] === undefined ? { op: "flush", tables: [] } : { op: "flush", keyspace: params[0], tables: params.slice(1) };
      break;
    }
    case "removenode":
      if (params[0] === undefined) return badUse(ctx, "Missing required parameter: remove operation (status|force|<ID>)");
      request = { op: "removenode", hostId: params[0] };
      break;
    case "describering":
      // A required @Arguments field, titled by its name: airline refuses the command without it.
      if (params[0] === undefined) return badUse(ctx, "Required parameters are missing: keyspace");
      request = { op: "describering", keyspace: params[0] };
      break;
    case "getendpoints":
      // checkArgument in the tool itself: an IllegalArgumentException, which NodeTool reports as bad use.
      if (params.length !== 3) return badUse(ctx, "getendpoints requires keyspace, table and partition key arguments");
      request = { op: "getendpoints", keyspace: params[0]!, table: params[1]!, key: params[2]! };
      break;
    default: {
      const toggle = SWITCHES[command];
      const status = STATUSES[command];
      if (toggle !== undefined) request = { op: "service", service: toggle[0], enable: toggle[1] };
      else if (status !== undefined) request = { op: "service-status", service: status };
      else request = { op: command as "info" | "describecluster" | "gossipinfo" | "drain" | "decommission" | "version" | "replaybatchlog" };
    }
  }
  const r = yield* jmxCall(ctx, host, port, request);
  if ("connectError" in r) return connectFailed(ctx, host, port, r.connectError);
  if (!r.ok) {
    const t = stackTrace(request.op, r.exception, r.message);
    ctx.stderr.write(t.err);
    return t.code;
  }
  let printed: { out: string; err: string; code: number } = { out: "", err: "", code: 0 };
  switch (command) {
    case "status":
      printed = formatStatus(r.value as RingView, hostNames(ctx, params));
      break;
    case "ring":
      printed = formatRing(r.value as RingView, hostNames(ctx, params));
      break;
    case "info":
      printed.out = formatInfo(r.value as InfoView, showTokens);
      break;
    case "describecluster":
      printed.out = formatDescribeCluster(r.value as ClusterView);
      break;
    case "gossipinfo":
      printed.out = formatGossipInfo(r.value as GossipInfoView);
      break;
    case "describering": {
      // DescribeRing prints its two headings before asking for the ranges, whose IOException it
      // rethrows as a RuntimeException.
      const v = r.value as DescribeRingView;
      printed.out = `Schema Version:${v.schemaVersion}\nTokenRange: \n`;
      if ("error" in v.ranges) {
        printed = { ...stackTrace("describering", "java.lang.RuntimeException", `java.io.IOException: ${v.ranges.error}`), out: printed.out };
      } else printed.out += v.ranges.map((range) => `\t${range}\n`).join("");
      break;
    }
    case "getendpoints":
      printed.out = (r.value as readonly string[]).map((ep) => `${ep}\n`).join("");
      break;
    case "version":
      printed.out = `ReleaseVersion: ${r.value as string}\n`;
      break;
    case "statusbinary":
    case "statusgossip":
    case "statusbackup":
      printed.out = r.value === true ? "running\n" : "not running\n";
      break;
    case "statushandoff":
      printed.out = `Hinted handoff is ${r.value === true ? "running" : "not running"}\n`;
      break;
  }
  ctx.stdout.write(printed.out);
  ctx.stderr.write(printed.err);
  return printed.code;
}
