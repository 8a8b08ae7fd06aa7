import type { Random } from "@ksim/sim";
import type { Now } from "./clock.js";
import { FailureDetector } from "./failure-detector.js";
import type { LogEvent } from "./log.js";

/**
 * The gossiper (gms/Gossiper.java, 3.x) as a state machine. Every second a node bumps its
 * heartbeat and starts a three-message exchange — SYN with digests (endpoint, generation, max
 * version), ACK with what the other side lacks plus requests, ACK2 with what was requested — with a
 * random live peer, sometimes an unreachable one and sometimes a seed. Newer heartbeats feed the
 * failure detector; a higher generation means the node restarted. Subscribers (the storage
 * service) hear about joins, state changes, liveness and restarts synchronously.
 */

/** ApplicationState in ordinal order (gossipinfo prints them in this order). */
export const APP_STATES = [
  "STATUS",
  "LOAD",
  "SCHEMA",
  "DC",
  "RACK",
  "RELEASE_VERSION",
  "REMOVAL_COORDINATOR",
  "INTERNAL_IP",
  "RPC_ADDRESS",
  "X_11_PADDING",
  "SEVERITY",
  "NET_VERSION",
  "HOST_ID",
  "TOKENS",
  "RPC_READY",
] as const;
export type AppState = (typeof APP_STATES)[number];

export const GOSSIP_INTERVAL_MS = 1000;
/** Gossiper.aVeryLongTime: how long a LEFT node's state is kept (3 days). */
export const A_VERY_LONG_TIME_MS = 259_200_000;
/** Generations more than a year ahead of our clock are corrupt and ignored. */
const MAX_GENERATION_DIFFERENCE_S = 86_400 * 365;
/** VersionedValue statuses that mean the node is gone from the ring. */
const DEAD_STATES = new Set(["removing", "removed", "LEFT", "hibernate"]);
/** States in which a stopping node does not announce its shutdown. */
const SILENT_SHUTDOWN_STATES = new Set([...DEAD_STATES, "BOOT"]);

export interface VersionedValue {
  readonly value: string;
  readonly version: number;
}

/** What this node knows about one endpoint. Never sent as is: messages carry copies. */
export class EndpointState {
  private readonly values = new Map<AppState, VersionedValue>();
  /** Highest application-state version (kept as states change: digests are built every second). */
  private maxStateVersion = 0;
  alive = false;

  constructor(
    public generation: number,
    public heartbeat: number,
    /** Monotonic time of the last change we learned (fat-client and expiry checks). */
    public updatedAt: number,
  ) {}

  get states(): ReadonlyMap<AppState, VersionedValue> {
    return this.values;
  }

  put(key: AppState, v: VersionedValue): void {
    this.values.set(key, v);
    if (v.version > this.maxStateVersion) this.maxStateVersion = v.version;
  }

  get(key: AppState): string | undefined {
    return this.values.get(key)?.value;
  }

  /** The first comma-separated piece of STATUS ("NORMAL", "BOOT", "LEFT", "shutdown", ...). */
  status(): string {
    const s = this.values.get("STATUS")?.value;
    if (s === undefined) return "";
    const i = s.indexOf(",");
    return i < 0 ? s : s.slice(0, i);
  }

  maxVersion(): number {
    return this.heartbeat > this.maxStateVersion ? this.heartbeat : this.maxStateVersion;
  }

  isDeadState(): boolean {
    return DEAD_STATES.has(this.status());
  }

  isShutdown(): boolean {
    return this.status() === "shutdown";
  }
}

/** A digest: endpoint, generation, highest version known. */
export type Digest = readonly [endpoint: string, generation: number, maxVersion: number];
/** An endpoint state on the wire: only the versions the receiver lacks. */
export interface WireState {
  readonly endpoint: string;
  readonly generation: number;
  readonly heartbeat: number;
  readonly states: readonly (readonly [AppState, string, number])[];
}

export type GossipMessage =
  | { readonly verb: "GOSSIP_DIGEST_SYN"; readonly cluster: string; readonly partitioner: string; readonly digests: readonly Digest[] }
  | { readonly verb: "GOSSIP_DIGEST_ACK"; readonly digests: readonly Digest[]; readonly states: readonly WireState[] }
  | { readonly verb: "GOSSIP_DIGEST_ACK2"; readonly states: readonly WireState[] }
  | { readonly verb: "GOSSIP_SHUTDOWN" };

/** What the gossiper needs from its host: sending, the echo round trip, logging, tracing. */
export interface GossipIO {
  send(to: string, msg: GossipMessage): void;
  /** Sends an ECHO request; the host calls `echoReply(to)` if the answer comes back in time. */
  echo(to: string): void;
  /** The failure detector convicted `to` (or forced its conviction on a shutdown): MessagingService resets its connections to it. */
  convicted(to: string): void;
  log(e: LogEvent): void;
  trace(type: string, data: Record<string, unknown>): void;
}

export interface GossipSubscriber {
  onJoin(endpoint: string, state: EndpointState, now: Now): void;
  onChange(endpoint: string, key: AppState, value: string, now: Now): void;
  onAlive(endpoint: string, now: Now): void;
  onDead(endpoint: string, now: Now): void;
  onRestart(endpoint: string, now: Now): void;
}

export interface GossipConfig {
  readonly clusterName: string;
  readonly partitioner: string;
  readonly self: string;
  /** Seed addresses (this node's own address is dropped, as buildSeedsList does). */
  readonly seeds: readonly string[];
  readonly ringDelayMs: number;
  readonly phiConvictThreshold: number;
}

type ShadowState = { readonly peers: readonly string[]; readonly startedAt: number; lastSent: number; readonly seedsInShadow: Set<string>; result: WireState[] | undefined };

export class Gossiper {
  readonly self: string;
  readonly fd: FailureDetector;
  private readonly endpoints = new Map<string, EndpointState>();
  /** Sorted by address, as Cassandra's ConcurrentSkipListSet of live endpoints is. */
  private live: string[] = [];
  private readonly unreachable = new Map<string, number>();
  private readonly justRemoved = new Map<string, number>();
  private readonly expireTimes = new Map<string, number>();
  private seeds: string[];
  private versionCounter = 0;
  private subscriber: GossipSubscriber | undefined;
  private shadow: ShadowState | undefined;
  /** Gossip is running (started and not stopped). */
  enabled = false;

  constructor(
    readonly config: GossipConfig,
    private readonly random: Random,
    private readonly io: GossipIO,
  ) {
    this.self = config.self;
    this.fd = new FailureDetector(config.phiConvictThreshold);
    this.seeds = [...new Set(config.seeds)].filter((s) => s !== config.self).sort();
  }

  register(subscriber: GossipSubscriber): void {
    this.subscriber = subscriber;
  }

  private nextVersion(): number {
    return ++this.versionCounter;
  }

  // ---- lifecycle ------------------------------------------------------------------------

  /** Gossiper.start: local state with this generation and the preloaded application states. */
  start(generation: number, states: readonly (readonly [AppState, string])[], now: Now): void {
    let local = this.endpoints.get(this.self);
    if (local === undefined) {
      local = new EndpointState(generation, 0, now.mono);
      this.endpoints.set(this.self, local);
    } else {
      local.generation = generation;
      local.heartbeat = 0;
    }
    local.alive = true;
    for (const [k, v] of states) local.put(k, { value: v, version: this.nextVersion() });
    this.enabled = true;
  }

  /**
   * Gossiper.stop: a joined node announces its shutdown to live peers so they mark it down at
   * once instead of waiting for the failure detector. Returns whether it announced (the caller
   * then waits shutdown_announce_in_ms before going quiet).
   */
  stop(joined: boolean, now: Now): boolean {
    const mine = this.endpoints.get(this.self);
    let announced = false;
    if (mine !== undefined && !SILENT_SHUTDOWN_STATES.has(mine.status()) && joined) {
      this.io.log({ level: "INFO", thread: "StorageServiceShutdownHook", site: "Gossiper.java:1530", message: "Announcing shutdown" });
      this.addLocalState("STATUS", "shutdown,true", now);
      this.addLocalState("RPC_READY", "false", now);
      for (const ep of this.live) this.io.send(ep, { verb: "GOSSIP_SHUTDOWN" });
      announced = true;
    } else {
      this.io.log({
        level: "WARN",
        thread: "StorageServiceShutdownHook",
        site: "Gossiper.java:1508",
        message: "No local state or state is in silent shutdown, not announcing shutdown",
      });
    }
    this.enabled = false;
    return announced;
  }

  /** Sets one of this node's application states under a new version and notifies. */
  addLocalState(key: AppState, value: string, now: Now): void {
    const local = this.endpoints.get(this.self);
    if (local === undefined) return;
    local.put(key, { value, version: this.nextVersion() });
    this.subscriber?.onChange(this.self, key, value, now);
  }

  /** Gossiper.addSavedEndpoint: a peer remembered from system.peers, down until gossip says otherwise. */
  addSavedEndpoint(endpoint: string, now: Now): void {
    if (endpoint === this.self) return;
    let st = this.endpoints.get(endpoint);
    if (st === undefined) {
      st = new EndpointState(0, 0, now.mono);
      this.endpoints.set(endpoint, st);
    } else {
      st.generation = 0;
      st.heartbeat = 0;
    }
    st.alive = false;
    this.removeLive(endpoint);
    this.unreachable.set(endpoint, now.mono);
  }

  // ---- the gossip round -------------------------------------------------------------------

  /** GossipTask.run: once a second. */
  tick(now: Now): void {
    if (!this.enabled) return;
    const local = this.endpoints.get(this.self)!;
    local.heartbeat = this.nextVersion();
    const digests = this.randomDigests();
    const syn: GossipMessage = {
      verb: "GOSSIP_DIGEST_SYN",
      cluster: this.config.clusterName,
      partitioner: this.config.partitioner,
      digests,
    };
    const gossipedToSeed = this.live.length > 0 && this.sendTo(syn, this.live);
    if (this.unreachable.size > 0) {
      const prob = this.unreachable.size / (this.live.length + 1);
      if (this.random.float() < prob) this.sendTo(syn, [...this.unreachable.keys()]);
    }
    if (!gossipedToSeed || this.live.length < this.seeds.length) this.gossipToSeed(syn);
    this.statusCheck(now);
  }

  private randomDigests(): Digest[] {
    const eps = this.random.shuffle([...this.endpoints.keys()]);
    return eps.map((ep) => {
      const st = this.endpoints.get(ep)!;
      return [ep, st.generation, st.maxVersion()] as const;
    });
  }

  /** Sends to a random member of `candidates`; true if that member is a seed. */
  private sendTo(msg: GossipMessage, candidates: readonly string[]): boolean {
    const to = candidates.length === 1 ? candidates[0]! : candidates[this.random.int(0, candidates.length - 1)]!;
    this.io.send(to, msg);
    return this.seeds.includes(to);
  }

  private gossipToSeed(msg: GossipMessage): void {
    if (this.seeds.length === 0) return;
    if (this.live.length === 0) {
      this.sendTo(msg, this.seeds);
      return;
    }
    const prob = this.seeds.length / (this.live.length + this.unreachable.size);
    if (this.random.float() <= prob) this.sendTo(msg, this.seeds);
  }

  /** Gossiper.doStatusCheck: convictions, fat clients, expired dead states, quarantine. */
  private statusCheck(now: Now): void {
    const fatClientMs = this.config.ringDelayMs;
    let fatClients: string[] | undefined;
    let expired: string[] | undefined;
    for (const [ep, st] of this.endpoints) {
      if (ep === this.self) continue;
      if (st.alive && this.fd.shouldConvict(ep, now.mono)) this.convict(ep, st, now);
      if (now.mono - st.updatedAt > fatClientMs && !this.isRingMember(ep) && !st.isDeadState() && !this.justRemoved.has(ep)) {
        (fatClients ??= []).push(ep);
        continue;
      }
      const expire = this.expireTimes.get(ep);
      if (expire !== undefined && !st.alive && now.wall > expire && !this.isRingMember(ep)) (expired ??= []).push(ep);
    }
    for (const ep of fatClients ?? []) {
      this.io.log({
        level: "INFO",
        thread: "GossipTasks:1",
        site: "Gossiper.java:880",
        message: `FatClient /${ep} has been silent for ${fatClientMs}ms, removing from gossip`,
      });
      this.removeEndpoint(ep, now);
      this.evict(ep, now);
    }
    for (const ep of expired ?? []) this.evict(ep, now);
    if (this.justRemoved.size > 0) {
      for (const [ep, t] of [...this.justRemoved]) if (now.wall - t > 2 * this.config.ringDelayMs) this.justRemoved.delete(ep);
    }
  }

  /** Ring membership as the storage service sees it (fat clients have no tokens). */
  isRingMember: (endpoint: string) => boolean = () => true;

  private convict(ep: string, st: EndpointState, now: Now): void {
    if (!st.alive) return;
    if (st.isShutdown()) this.markAsShutdown(ep, now);
    else {
      this.markDead(ep, st, now);
      this.io.convicted(ep);
    }
  }

  // ---- receiving --------------------------------------------------------------------------

  receive(from: string, msg: GossipMessage, now: Now): void {
    switch (msg.verb) {
      case "GOSSIP_DIGEST_SYN":
        this.onSyn(from, msg);
        return;
      case "GOSSIP_DIGEST_ACK":
        this.onAck(from, msg.digests, msg.states, now);
        return;
      case "GOSSIP_DIGEST_ACK2":
        if (!this.enabled) return;
        this.notifyFailureDetector(msg.states, now);
        this.applyStateLocally(msg.states, now);
        return;
      case "GOSSIP_SHUTDOWN":
        if (this.enabled) this.markAsShutdown(from, now);
        return;
    }
  }

  private onSyn(from: string, msg: Extract<GossipMessage, { verb: "GOSSIP_DIGEST_SYN" }>): void {
    if (!this.enabled && this.shadow === undefined) return;
    if (msg.cluster !== this.config.clusterName) {
      this.io.log({
        level: "WARN",
        thread: "GossipStage:1",
        site: "GossipDigestSynVerbHandler.java:53",
        message: `ClusterName mismatch from /${from} ${msg.cluster}!=${this.config.clusterName}`,
      });
      return;
    }
    if (!this.enabled && this.shadow !== undefined) {
      // Both of us are starting: a minimal ack tells the sender we are alive but know nothing.
      if (msg.digests.length === 0) this.io.send(from, { verb: "GOSSIP_DIGEST_ACK", digests: [], states: [] });
      return;
    }
    const requests: Digest[] = [];
    const states: WireState[] = [];
    let digests = msg.digests;
    if (digests.length === 0) {
      // A shadow-round request: answer with everything we know.
      digests = [...this.endpoints.keys()].map((ep) => [ep, 0, 0] as const);
    }
    for (const [ep, remoteGen, remoteMax] of digests) {
      const st = this.endpoints.get(ep);
      if (st === undefined) {
        requests.push([ep, remoteGen, 0]);
        continue;
      }
      const localMax = st.maxVersion();
      if (remoteGen === st.generation && remoteMax === localMax) continue;
      if (remoteGen > st.generation) requests.push([ep, remoteGen, 0]);
      else if (remoteGen < st.generation) states.push(this.wire(ep, st, -1));
      else if (remoteMax > localMax) requests.push([ep, remoteGen, localMax]);
      else states.push(this.wire(ep, st, remoteMax));
    }
    this.io.send(from, { verb: "GOSSIP_DIGEST_ACK", digests: requests, states });
  }

  private onAck(from: string, requests: readonly Digest[], states: readonly WireState[], now: Now): void {
    const shadow = this.shadow;
    if (shadow !== undefined && !this.enabled) {
      if (requests.length === 0 && states.length === 0) {
        shadow.seedsInShadow.add(from);
        if (this.seeds.length > 0 && this.seeds.every((s) => shadow.seedsInShadow.has(s))) shadow.result = [];
      } else {
        shadow.result = [...states];
      }
      return;
    }
    if (!this.enabled) return;
    if (states.length > 0) {
      this.notifyFailureDetector(states, now);
      this.applyStateLocally(states, now);
    }
    const reply: WireState[] = [];
    for (const [ep, , maxVersion] of requests) {
      const st = this.endpoints.get(ep);
      if (st !== undefined) reply.push(this.wire(ep, st, maxVersion));
    }
    this.io.send(from, { verb: "GOSSIP_DIGEST_ACK2", states: reply });
  }

  /** A copy of an endpoint's state with the versions above `above` (-1: everything). */
  private wire(ep: string, st: EndpointState, above: number): WireState {
    const states: (readonly [AppState, string, number])[] = [];
    for (const [k, v] of st.states) if (v.version > above) states.push([k, v.value, v.version]);
    return { endpoint: ep, generation: st.generation, heartbeat: st.heartbeat, states };
  }

  private notifyFailureDetector(states: readonly WireState[], now: Now): void {
    for (const remote of states) {
      const local = this.endpoints.get(remote.endpoint);
      if (local === undefined) continue;
      if (remote.generation > local.generation) {
        local.updatedAt = now.mono;
        // A restart: what we learned about its rhythm no longer applies.
        if (!local.alive) this.fd.remove(remote.endpoint);
        this.fd.report(remote.endpoint, now.mono);
      } else if (remote.generation === local.generation && remote.heartbeat > local.maxVersion()) {
        local.updatedAt = now.mono;
        this.fd.report(remote.endpoint, now.mono);
      }
    }
  }

  private applyStateLocally(states: readonly WireState[], now: Now): void {
    for (const remote of states) {
      const ep = remote.endpoint;
      if (ep === this.self) continue;
      if (this.justRemoved.has(ep)) continue;
      const local = this.endpoints.get(ep);
      if (local === undefined) {
        this.fd.report(ep, now.mono);
        this.handleMajorStateChange(ep, remote, now);
        continue;
      }
      if (remote.generation > now.wall / 1000 + MAX_GENERATION_DIFFERENCE_S) {
        this.io.log({
          level: "WARN",
          thread: "GossipStage:1",
          site: "Gossiper.java:1232",
          message: `received an invalid gossip generation for peer /${ep}; local time = ${Math.floor(now.wall / 1000)}, received generation = ${remote.generation}`,
        });
      } else if (remote.generation > local.generation) {
        this.handleMajorStateChange(ep, remote, now);
      } else if (remote.generation === local.generation) {
        if (wireMaxVersion(remote) > local.maxVersion()) this.applyNewStates(ep, local, remote, now);
        if (!local.alive && !local.isDeadState()) this.markAlive(ep, local);
      }
    }
  }

  private applyNewStates(ep: string, local: EndpointState, remote: WireState, now: Now): void {
    if (remote.heartbeat > local.heartbeat) local.heartbeat = remote.heartbeat;
    const changed: (readonly [AppState, string])[] = [];
    for (const [k, value, version] of remote.states) {
      const mine = local.states.get(k);
      // Only newer versions: a delta relayed by a third node may lag what we already have.
      if (mine !== undefined && mine.version >= version) continue;
      local.put(k, { value, version });
      changed.push([k, value]);
    }
    for (const [k, v] of changed) this.subscriber?.onChange(ep, k, v, now);
  }

  private handleMajorStateChange(ep: string, remote: WireState, now: Now): void {
    const previous = this.endpoints.get(ep);
    const st = new EndpointState(remote.generation, remote.heartbeat, now.mono);
    for (const [k, value, version] of remote.states) st.put(k, { value, version });
    if (!st.isDeadState()) {
      if (previous !== undefined) {
        this.io.log({ level: "INFO", thread: "GossipStage:1", site: "Gossiper.java:1126", message: `Node /${ep} has restarted, now UP` });
      } else {
        this.io.log({ level: "INFO", thread: "GossipStage:1", site: "Gossiper.java:1128", message: `Node /${ep} is now part of the cluster` });
      }
    }
    this.endpoints.set(ep, st);
    if (previous !== undefined) this.subscriber?.onRestart(ep, now);
    if (!st.isDeadState()) this.markAlive(ep, st);
    else this.markDead(ep, st, now);
    this.subscriber?.onJoin(ep, st, now);
    if (st.isShutdown()) this.markAsShutdown(ep, now);
  }

  // ---- liveness ---------------------------------------------------------------------------

  /** Gossiper.markAlive: not alive until the node answers an ECHO (it may be gossiped about but unreachable). */
  private markAlive(ep: string, st: EndpointState): void {
    st.alive = false;
    this.io.echo(ep);
  }

  /** The ECHO came back: the node is reachable. */
  echoReply(ep: string, now: Now): void {
    const st = this.endpoints.get(ep);
    if (st === undefined || st.alive || st.isDeadState() || this.justRemoved.has(ep)) return;
    st.alive = true;
    st.updatedAt = now.mono;
    this.addLive(ep);
    this.unreachable.delete(ep);
    this.expireTimes.delete(ep);
    this.io.log({ level: "INFO", thread: "GossipStage:1", site: "Gossiper.java:1073", message: `InetAddress /${ep} is now UP` });
    this.io.trace("cassandra.up", { node: this.self, peer: ep });
    this.subscriber?.onAlive(ep, now);
  }

  private markDead(ep: string, st: EndpointState, now: Now): void {
    const wasAlive = st.alive || this.live.includes(ep);
    st.alive = false;
    this.removeLive(ep);
    if (!this.unreachable.has(ep)) this.unreachable.set(ep, now.mono);
    this.io.log({ level: "INFO", thread: "GossipTasks:1", site: "Gossiper.java:1106", message: `InetAddress /${ep} is now DOWN` });
    if (wasAlive) this.io.trace("cassandra.down", { node: this.self, peer: ep });
    this.subscriber?.onDead(ep, now);
  }

  /** A peer announced its shutdown (or is convicted while in shutdown state). */
  private markAsShutdown(ep: string, now: Now): void {
    const st = this.endpoints.get(ep);
    if (st === undefined) return;
    const v = 0x7fffffff;
    st.put("STATUS", { value: "shutdown,true", version: st.states.get("STATUS")?.version ?? 0 });
    st.put("RPC_READY", { value: "false", version: st.states.get("RPC_READY")?.version ?? 0 });
    // forceHighestPossibleVersionUnsafe: nothing older from this generation may revive it.
    st.heartbeat = v;
    this.subscriber?.onChange(ep, "STATUS", "shutdown,true", now);
    this.markDead(ep, st, now);
    // FailureDetector.forceConviction: the listeners hear of it as of any conviction.
    this.io.convicted(ep);
    this.fd.remove(ep);
  }

  private addLive(ep: string): void {
    if (this.live.includes(ep)) return;
    this.live.push(ep);
    this.live.sort();
  }

  private removeLive(ep: string): void {
    const i = this.live.indexOf(ep);
    if (i >= 0) this.live.splice(i, 1);
  }

  // ---- removal ----------------------------------------------------------------------------

  /** Gossiper.removeEndpoint: stop talking about it and ignore gossip about it for QUARANTINE_DELAY. */
  removeEndpoint(ep: string, now: Now): void {
    const seedIndex = this.seeds.indexOf(ep);
    if (seedIndex >= 0) this.seeds.splice(seedIndex, 1);
    this.removeLive(ep);
    this.unreachable.delete(ep);
    this.fd.remove(ep);
    this.justRemoved.set(ep, now.wall);
  }

  /** Drops the state entirely. */
  private evict(ep: string, now: Now): void {
    this.unreachable.delete(ep);
    this.endpoints.delete(ep);
    this.expireTimes.delete(ep);
    this.justRemoved.set(ep, now.wall);
  }

  /**
   * removenode's advertiseTokenRemoved: rewrite a dead endpoint's STATUS under a newer
   * generation so every node takes it as a major change and excises the endpoint.
   */
  advertiseRemoved(ep: string, status: string, now: Now): void {
    const st = this.endpoints.get(ep);
    if (st === undefined) return;
    st.generation += 1;
    st.updatedAt = now.mono;
    st.put("STATUS", { value: status, version: this.nextVersion() });
  }

  /** A LEFT node's state is kept until this wall time (from its status), then evicted. */
  addExpireTime(ep: string, wallMs: number): void {
    this.expireTimes.set(ep, wallMs);
  }

  // ---- shadow round -----------------------------------------------------------------------

  /**
   * Gossiper.doShadowRound: before joining, ask the seeds (and remembered peers) for the ring
   * with empty SYNs, resent every 5 s, without taking part in gossip. Done when one answers with
   * state, or when every seed answered that it is starting too.
   */
  startShadowRound(peers: readonly string[], now: Now): void {
    const targets = [...new Set([...this.seeds, ...peers])].filter((p) => p !== this.self);
    this.shadow = { peers: targets, startedAt: now.mono, lastSent: -Infinity, seedsInShadow: new Set(), result: undefined };
    this.shadowTick(now);
  }

  /** Resends if due. Returns the states learned once the round is over, else undefined. */
  shadowTick(now: Now): WireState[] | "timeout" | undefined {
    const s = this.shadow;
    if (s === undefined) return [];
    if (s.result !== undefined) {
      this.shadow = undefined;
      return s.result;
    }
    if (now.mono - s.startedAt > this.config.ringDelayMs) {
      this.shadow = undefined;
      return "timeout";
    }
    if (now.mono - s.lastSent >= 5000) {
      s.lastSent = now.mono;
      const syn: GossipMessage = { verb: "GOSSIP_DIGEST_SYN", cluster: this.config.clusterName, partitioner: this.config.partitioner, digests: [] };
      for (const p of s.peers) this.io.send(p, syn);
    }
    return undefined;
  }

  /** Whether the shadow round has anyone to ask (a lone seed has nobody). */
  static shadowTargets(seeds: readonly string[], peers: readonly string[], self: string): number {
    return new Set([...seeds, ...peers].filter((p) => p !== self)).size;
  }

  // ---- queries ----------------------------------------------------------------------------

  state(ep: string): EndpointState | undefined {
    return this.endpoints.get(ep);
  }

  knownEndpoints(): string[] {
    return [...this.endpoints.keys()];
  }

  isAlive(ep: string): boolean {
    if (ep === this.self) return true;
    return this.endpoints.get(ep)?.alive ?? false;
  }

  /** Live members including this node, sorted. */
  liveMembers(): string[] {
    return [...new Set([...this.live, this.self])].sort();
  }

  unreachableMembers(): string[] {
    return [...this.unreachable.keys()].sort();
  }

  /** How long an endpoint has been unreachable (0 if it is not). */
  downtime(ep: string, now: Now): number {
    const since = this.unreachable.get(ep);
    return since === undefined ? 0 : now.mono - since;
  }

  seenAnySeed(): boolean {
    return this.seeds.some((s) => this.endpoints.has(s));
  }

  get seedList(): readonly string[] {
    return this.seeds;
  }

  /** Positive if `a` started after `b` (higher generation). */
  compareEndpointStartup(a: string, b: string): number {
    return (this.endpoints.get(a)?.generation ?? 0) - (this.endpoints.get(b)?.generation ?? 0);
  }

  isQuarantined(ep: string): boolean {
    return this.justRemoved.has(ep);
  }
}

function wireMaxVersion(w: WireState): number {
  let v = w.heartbeat;
  for (const s of w.states) if (s[2] > v) v = s[2];
  return v;
}
