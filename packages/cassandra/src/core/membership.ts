import type { Now } from "./clock.js";
import { APP_STATES, type AppState, type EndpointState, type GossipSubscriber } from "./gossip.js";
import { javaSetString } from "./java-format.js";
import { GOSSIP_STAGE, MAIN } from "./log.js";
import type { CassandraNode } from "./node.js";
import { EMPTY_SCHEMA_VERSION } from "./schema.js";
import type { Token } from "./token.js";

/**
 * What the storage service does when gossip says something about an endpoint
 * (StorageService.onChange and the handleState* family, 3.x): BOOT adds pending tokens, NORMAL
 * takes ownership (resolving host ID and token collisions by startup order — how a pod that came
 * back with a new IP replaces its old address), LEAVING marks ranges pending, LEFT and removed
 * excise the endpoint. It also keeps system.peers and LoadBroadcaster's loads, pulls schema
 * from peers that have a different version, and tells registered clients about joins, leaves and
 * liveness as Server.EventNotifier does: a node that joins before its native transport is up is
 * announced when it comes up, and repeated UP or DOWN events are suppressed.
 */

/** MigrationManager.MIGRATION_DELAY_IN_MS: a node that has a schema waits before pulling another. */
const MIGRATION_DELAY_MS = 60_000;

export class Membership implements GossipSubscriber {
  /** LoadBroadcaster's view of peers' loads (bytes). */
  readonly loads = new Map<string, number>();
  private readonly schemaPulls = new Set<string>();
  /** Schema pulls awaiting an answer (bootstrap waits for them). */
  migrationsInFlight = 0;
  /** EventNotifier.endpointsPendingJoinedNotification. */
  private readonly pendingJoined = new Set<string>();
  /** EventNotifier.lastStatusChange. */
  private readonly lastStatus = new Map<string, "UP" | "DOWN">();

  constructor(private readonly node: CassandraNode) {}

  private log(level: "INFO" | "WARN", thread: string, site: string, message: string): void {
    this.node.log({ level, thread, site, message });
  }

  private get now(): Now {
    return this.node.now;
  }

  onJoin(endpoint: string, state: EndpointState, now: Now): void {
    for (const key of APP_STATES) {
      const v = state.get(key);
      if (v !== undefined) this.onChange(endpoint, key, v, now);
    }
  }

  onChange(endpoint: string, key: AppState, value: string, _now: Now): void {
    const node = this.node;
    if (key === "LOAD") {
      if (endpoint !== node.self) this.loads.set(endpoint, Number(value));
      return;
    }
    if (key === "STATUS") {
      const pieces = value.split(",");
      const status = pieces[0]!;
      node.trace("cassandra.status", { node: node.self, peer: endpoint, status });
      switch (status) {
        case "BOOT":
          return this.handleStateBootstrap(endpoint);
        case "NORMAL":
        case "shutdown":
          return this.handleStateNormal(endpoint, status);
        case "LEAVING":
          return this.handleStateLeaving(endpoint);
        case "LEFT":
          return this.handleStateLeft(endpoint, pieces);
        case "removing":
        case "removed":
          return this.handleStateRemoving(endpoint, pieces);
        default:
          return;
      }
    }
    const st = node.gossiper.state(endpoint);
    if (st === undefined || st.isDeadState() || endpoint === node.self || !node.tm.isMember(endpoint)) return;
    this.updatePeer(endpoint, key, value);
    if (key === "SCHEMA") this.maybeScheduleSchemaPull(endpoint);
    if (key === "RPC_READY") {
      if (value === "true") this.notifyUp(endpoint);
      else this.notifyDown(endpoint);
    }
  }

  onAlive(endpoint: string, _now: Now): void {
    if (!this.node.tm.isMember(endpoint)) return;
    this.maybeScheduleSchemaPull(endpoint);
    this.notifyUp(endpoint);
  }

  onDead(endpoint: string, _now: Now): void {
    this.node.streaming.peerDown(endpoint);
    this.node.repair.peerDown(endpoint);
    this.notifyDown(endpoint);
  }

  private rpcReady(endpoint: string): boolean {
    return this.node.gossiper.state(endpoint)?.get("RPC_READY") === "true";
  }

  private notifyUp(endpoint: string): void {
    if (!this.rpcReady(endpoint) || !this.node.gossiper.isAlive(endpoint)) return;
    if (this.pendingJoined.delete(endpoint)) this.node.notifyClients(endpoint, "NEW_NODE");
    if (this.lastStatus.get(endpoint) === "UP") return;
    this.lastStatus.set(endpoint, "UP");
    this.node.notifyClients(endpoint, "UP");
  }

  private notifyDown(endpoint: string): void {
    if (this.lastStatus.get(endpoint) === "DOWN") return;
    this.lastStatus.set(endpoint, "DOWN");
    this.node.notifyClients(endpoint, "DOWN");
  }

  private notifyJoined(endpoint: string): void {
    if (this.rpcReady(endpoint)) this.node.notifyClients(endpoint, "NEW_NODE");
    else this.pendingJoined.add(endpoint);
  }

  private notifyLeft(endpoint: string): void {
    this.pendingJoined.delete(endpoint);
    this.lastStatus.delete(endpoint);
    this.node.notifyClients(endpoint, "REMOVED_NODE");
  }

  onRestart(endpoint: string, _now: Now): void {
    this.node.streaming.peerDown(endpoint);
    this.node.repair.peerDown(endpoint);
  }

  private tokensOf(endpoint: string): Token[] {
    const v = this.node.gossiper.state(endpoint)?.get("TOKENS");
    return v === undefined || v === "" ? [] : v.split(",").map((t) => BigInt(t));
  }

  private updatePeer(endpoint: string, key: AppState, value: string): void {
    const sys = this.node.system;
    const ts = this.node.nextTimestamp();
    const wall = this.now.wall;
    switch (key) {
      case "DC":
        return sys.updatePeer(endpoint, { dc: value }, ts, wall);
      case "RACK":
        return sys.updatePeer(endpoint, { rack: value }, ts, wall);
      case "RELEASE_VERSION":
        return sys.updatePeer(endpoint, { releaseVersion: value }, ts, wall);
      case "RPC_ADDRESS":
        return sys.updatePeer(endpoint, { rpcAddress: value }, ts, wall);
      case "SCHEMA":
        return sys.updatePeer(endpoint, { schemaVersion: value }, ts, wall);
      case "HOST_ID":
        return sys.updatePeer(endpoint, { hostId: value }, ts, wall);
      case "TOKENS":
        return sys.updatePeer(endpoint, { tokens: value.split(",") }, ts, wall);
      default:
        return;
    }
  }

  private handleStateBootstrap(endpoint: string): void {
    const tm = this.node.tm;
    const tokens = this.tokensOf(endpoint);
    if (tm.isMember(endpoint)) {
      if (!tm.isLeaving(endpoint)) this.log("INFO", GOSSIP_STAGE, "StorageService.java:2254", `Node /${endpoint} state jump to bootstrap`);
      tm.removeEndpoint(endpoint);
    }
    tm.addBootstrapTokens(tokens, endpoint);
    const hostId = this.node.gossiper.state(endpoint)?.get("HOST_ID");
    if (hostId !== undefined) tm.updateHostId(hostId, endpoint);
  }

  private handleStateNormal(endpoint: string, status: string): void {
    const node = this.node;
    const tm = node.tm;
    const g = node.gossiper;
    const tokens = this.tokensOf(endpoint);
    if (tokens.length === 0) return;
    const thread = endpoint === node.self ? MAIN : GOSSIP_STAGE;
    if (tm.isMember(endpoint)) this.log("INFO", thread, "StorageService.java:2292", `Node /${endpoint} state jump to ${status === "NORMAL" ? "NORMAL" : status}`);
    if (endpoint !== node.self) {
      const st = g.state(endpoint)!;
      const tokensValue = st.get("TOKENS");
      const info = {
        dc: st.get("DC"),
        rack: st.get("RACK"),
        releaseVersion: st.get("RELEASE_VERSION"),
        rpcAddress: st.get("RPC_ADDRESS"),
        schemaVersion: st.get("SCHEMA"),
        hostId: st.get("HOST_ID"),
        tokens: tokensValue?.split(","),
      };
      const defined = Object.fromEntries(Object.entries(info).filter(([, v]) => v !== undefined));
      node.system.updatePeer(endpoint, defined, node.nextTimestamp(), this.now.wall);
    }
    const toRemove = new Set<string>();
    const hostId = g.state(endpoint)?.get("HOST_ID");
    if (hostId !== undefined) {
      const existing = tm.endpointForHostId(hostId);
      if (existing !== undefined && existing !== endpoint) {
        if (existing === node.self) {
          this.log("WARN", GOSSIP_STAGE, "StorageService.java:2316", `Not updating host ID ${hostId} for /${endpoint} because it's mine`);
          tm.removeEndpoint(endpoint);
          toRemove.add(endpoint);
        } else if (g.compareEndpointStartup(endpoint, existing) > 0) {
          this.log("WARN", GOSSIP_STAGE, "StorageService.java:2322", `Host ID collision for ${hostId} between /${existing} and /${endpoint}; /${endpoint} is the new owner`);
          tm.removeEndpoint(existing);
          toRemove.add(existing);
          tm.updateHostId(hostId, endpoint);
        } else {
          this.log("WARN", GOSSIP_STAGE, "StorageService.java:2330", `Host ID collision for ${hostId} between /${existing} and /${endpoint}; ignored /${endpoint}`);
          tm.removeEndpoint(endpoint);
          toRemove.add(endpoint);
        }
      } else {
        tm.updateHostId(hostId, endpoint);
      }
    }
    const update: Token[] = [];
    const losing = new Map<string, number>();
    for (const t of tokens) {
      const owner = tm.endpointFor(t);
      if (owner === undefined || owner === endpoint) {
        update.push(t);
      } else if (g.compareEndpointStartup(endpoint, owner) > 0) {
        update.push(t);
        losing.set(owner, (losing.get(owner) ?? 0) + 1);
        this.log("INFO", GOSSIP_STAGE, "StorageService.java:2369", `Nodes /${endpoint} and /${owner} have the same token ${t}.  /${endpoint} is the new owner`);
      } else {
        this.log("INFO", GOSSIP_STAGE, "StorageService.java:2375", `Nodes /${endpoint} and /${owner} have the same token ${t}.  Ignoring /${endpoint}`);
      }
    }
    for (const [owner, n] of losing) if (tm.tokens(owner).length <= n) toRemove.add(owner);
    const wasMember = tm.isMember(endpoint);
    if (!toRemove.has(endpoint)) tm.updateNormalTokens(update, endpoint);
    for (const ep of toRemove) this.removeEndpoint(ep);
    if (!wasMember && endpoint !== node.self && tm.isMember(endpoint)) this.notifyJoined(endpoint);
  }

  private handleStateLeaving(endpoint: string): void {
    const tm = this.node.tm;
    const tokens = this.tokensOf(endpoint);
    if (!tm.isMember(endpoint)) {
      this.log("INFO", GOSSIP_STAGE, "StorageService.java:2404", `Node /${endpoint} state jump to leaving`);
      tm.updateNormalTokens(tokens, endpoint);
    }
    tm.addLeavingEndpoint(endpoint);
  }

  private handleStateLeft(endpoint: string, pieces: readonly string[]): void {
    if (endpoint === this.node.self) return;
    this.excise(this.tokensOf(endpoint), endpoint, pieces[2]);
  }

  private handleStateRemoving(endpoint: string, pieces: readonly string[]): void {
    const node = this.node;
    if (endpoint === node.self) {
      this.log("INFO", GOSSIP_STAGE, "StorageService.java:2490", "Received removenode gossip about myself. Is this node rejoining after an explicit removenode?");
      node.service.drainAfterRemoval();
      return;
    }
    if (!node.tm.isMember(endpoint)) return;
    if (pieces[0] === "removed") this.excise(node.tm.tokens(endpoint).slice(), endpoint, pieces[2]);
    else node.tm.addLeavingEndpoint(endpoint);
  }

  /** The endpoint's tokens are gone for good: forget it, its peer row and its hints. */
  excise(tokens: readonly Token[], endpoint: string, expire: string | undefined): void {
    const node = this.node;
    this.log("INFO", GOSSIP_STAGE, "StorageService.java:2531", `Removing tokens ${javaSetString(tokens)} for /${endpoint}`);
    const hostId = node.tm.hostId(endpoint);
    this.removeEndpoint(endpoint);
    if (expire !== undefined) node.gossiper.addExpireTime(endpoint, Number(expire));
    if (hostId !== undefined) node.hints.excise(hostId);
    this.loads.delete(endpoint);
  }

  private removeEndpoint(endpoint: string): void {
    const node = this.node;
    if (node.tm.isMember(endpoint)) this.notifyLeft(endpoint);
    node.gossiper.removeEndpoint(endpoint, this.now);
    node.system.removePeer(endpoint, node.nextTimestamp(), this.now.wall);
    node.tm.removeEndpoint(endpoint);
    node.trace("cassandra.removed", { node: node.self, peer: endpoint });
  }

  private maybeScheduleSchemaPull(endpoint: string): void {
    const node = this.node;
    const theirs = node.gossiper.state(endpoint)?.get("SCHEMA");
    if (theirs === undefined || theirs === node.schema.version() || !node.gossiper.isAlive(endpoint)) return;
    if (node.schema.version() === EMPTY_SCHEMA_VERSION) {
      this.pullSchema(endpoint);
      return;
    }
    if (this.schemaPulls.has(endpoint)) return;
    this.schemaPulls.add(endpoint);
    node.timer(`schema-pull:${endpoint}`, MIGRATION_DELAY_MS);
  }

  private pullSchema(endpoint: string): void {
    const node = this.node;
    const theirs = node.gossiper.state(endpoint)?.get("SCHEMA");
    if (theirs === undefined || theirs === node.schema.version() || !node.gossiper.isAlive(endpoint)) return;
    this.migrationsInFlight++;
    node.request(
      endpoint,
      { verb: "MIGRATION_REQUEST" },
      (_from, body) => {
        this.migrationsInFlight--;
        if (body.kind === "schema") node.mergeSchema(body.schema);
      },
      node.config.rpcTimeoutMs,
      () => this.migrationsInFlight--,
    );
  }

  /** Schema pulls scheduled for later, by endpoint (`schema-pull:<ep>` timers). */
  onTimer(key: string): boolean {
    if (!key.startsWith("schema-pull:")) return false;
    const ep = key.slice("schema-pull:".length);
    this.schemaPulls.delete(ep);
    this.pullSchema(ep);
    return true;
  }
}
