import type { Replication } from "./replication.js";
import { strategyKey } from "./replication.js";
import { compareTokens, type Token } from "./token.js";

export interface Location {
  readonly dc: string;
  readonly rack: string;
}

/**
 * An immutable snapshot of the normal tokens: what replica placement is computed from.
 * Natural endpoints are cached per strategy and primary token, as Cassandra's
 * AbstractReplicationStrategy caches them per ring version.
 */
export class Ring {
  private readonly cache = new Map<string, (readonly string[])[]>();

  constructor(
    readonly sorted: readonly Token[],
    readonly owner: ReadonlyMap<Token, string>,
    readonly location: ReadonlyMap<string, Location>,
  ) {}

  static empty(): Ring {
    return new Ring([], new Map(), new Map());
  }

  get size(): number {
    return this.sorted.length;
  }

  /** Index of the first token >= `token`, wrapping to 0 past the end (TokenMetadata.firstTokenIndex). */
  firstTokenIndex(token: Token): number {
    const s = this.sorted;
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (s[mid]! < token) lo = mid + 1;
      else hi = mid;
    }
    return lo === s.length ? 0 : lo;
  }

  /** The token before `right` on the ring: the left end of the range `right` closes. */
  predecessor(right: Token): Token {
    const i = this.sorted.indexOf(right);
    return this.sorted[(i - 1 + this.sorted.length) % this.sorted.length]!;
  }

  /** Endpoints that own each data center, in token order of first appearance. */
  datacenterEndpoints(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const [ep, loc] of this.location) {
      let list = out.get(loc.dc);
      if (list === undefined) out.set(loc.dc, (list = []));
      list.push(ep);
    }
    return out;
  }

  /** The replicas for `token` under `strategy`, primary first. */
  naturalEndpoints(token: Token, strategy: Replication): readonly string[] {
    if (this.sorted.length === 0) return [];
    const key = strategyKey(strategy);
    let perToken = this.cache.get(key);
    if (perToken === undefined) this.cache.set(key, (perToken = new Array(this.sorted.length)));
    const i = this.firstTokenIndex(token);
    let eps = perToken[i];
    if (eps === undefined) perToken[i] = eps = this.calculate(i, strategy);
    return eps;
  }

  private calculate(start: number, strategy: Replication): string[] {
    switch (strategy.class) {
      case "SimpleStrategy":
        return this.simple(start, strategy.replication_factor);
      case "NetworkTopologyStrategy":
        return this.networkTopology(start, strategy.dcs);
      case "LocalStrategy":
        return [];
    }
  }

  /** SimpleStrategy: walk the ring clockwise collecting distinct endpoints. */
  private simple(start: number, rf: number): string[] {
    const out: string[] = [];
    const n = this.sorted.length;
    for (let k = 0; k < n && out.length < rf; k++) {
      const ep = this.owner.get(this.sorted[(start + k) % n]!)!;
      if (!out.includes(ep)) out.push(ep);
    }
    return out;
  }

  /**
   * NetworkTopologyStrategy (3.x): walk the ring once, filling each data center's replication
   * factor with one node per distinct rack first and accepting rack repeats only as far as there
   * are fewer racks than replicas.
   */
  private networkTopology(start: number, dcs: Readonly<Record<string, number>>): string[] {
    const replicas: string[] = [];
    const seenRacks = new Set<string>();
    const byDc = this.datacenterEndpoints();
    const racksPerDc = new Map<string, Set<string>>();
    for (const loc of this.location.values()) {
      let s = racksPerDc.get(loc.dc);
      if (s === undefined) racksPerDc.set(loc.dc, (s = new Set()));
      s.add(loc.rack);
    }
    const fill = new Map<string, { rfLeft: number; repeats: number }>();
    for (const dc of Object.keys(dcs)) {
      const rf = dcs[dc]!;
      const nodes = byDc.get(dc)?.length ?? 0;
      if (rf <= 0 || nodes <= 0) continue;
      fill.set(dc, { rfLeft: Math.min(rf, nodes), repeats: rf - (racksPerDc.get(dc)?.size ?? 0) });
    }
    let toFill = fill.size;
    const n = this.sorted.length;
    for (let k = 0; k < n && toFill > 0; k++) {
      const ep = this.owner.get(this.sorted[(start + k) % n]!)!;
      const loc = this.location.get(ep);
      if (loc === undefined) continue;
      const f = fill.get(loc.dc);
      if (f === undefined || f.rfLeft === 0) continue;
      const rackKey = `${loc.dc}\u0000${loc.rack}`;
      if (!seenRacks.has(rackKey)) {
        seenRacks.add(rackKey);
        replicas.push(ep);
        if (--f.rfLeft === 0) toFill--;
        continue;
      }
      if (f.repeats <= 0 || replicas.includes(ep)) continue;
      replicas.push(ep);
      f.repeats--;
      if (--f.rfLeft === 0) toFill--;
    }
    return replicas;
  }

  /** AbstractReplicationStrategy.getAddressRanges: endpoint → right ends of the ranges it replicates. */
  addressRanges(strategy: Replication): Map<string, Token[]> {
    const out = new Map<string, Token[]>();
    for (const t of this.sorted) {
      for (const ep of this.naturalEndpoints(t, strategy)) {
        let list = out.get(ep);
        if (list === undefined) out.set(ep, (list = []));
        list.push(t);
      }
    }
    return out;
  }

  /** A ring with `endpoint` holding `tokens` in addition (for pending-range calculations). */
  withTokens(endpoint: string, tokens: readonly Token[], loc: Location): Ring {
    const owner = new Map(this.owner);
    for (const t of tokens) owner.set(t, endpoint);
    const location = new Map(this.location);
    location.set(endpoint, loc);
    return new Ring([...owner.keys()].sort(compareTokens), owner, location);
  }

  /** A ring without the given endpoints. */
  without(endpoints: ReadonlySet<string>): Ring {
    if (endpoints.size === 0) return this;
    const owner = new Map<Token, string>();
    for (const [t, ep] of this.owner) if (!endpoints.has(ep)) owner.set(t, ep);
    const location = new Map<string, Location>();
    for (const [ep, loc] of this.location) if (!endpoints.has(ep)) location.set(ep, loc);
    return new Ring(this.sorted.filter((t) => owner.has(t)), owner, location);
  }
}

/**
 * TokenMetadata: normal tokens, tokens of bootstrapping nodes, leaving nodes and host IDs, as this
 * node believes them from gossip. Mutations bump the version and drop derived snapshots.
 */
export class TokenMetadata {
  private readonly normal = new Map<Token, string>();
  private readonly tokensOf = new Map<string, Token[]>();
  private readonly locations = new Map<string, Location>();
  private readonly bootstrapping = new Map<string, Token[]>();
  private readonly bootstrapOwner = new Map<Token, string>();
  private readonly leavingSet = new Set<string>();
  private readonly hostIdOf = new Map<string, string>();
  private readonly endpointOf = new Map<string, string>();
  private ringCache: Ring | undefined;
  private pendingCache = new Map<string, PendingRanges>();
  version = 0;

  constructor(private readonly locate: (endpoint: string) => Location) {}

  ring(): Ring {
    if (this.ringCache === undefined) {
      const location = new Map<string, Location>();
      for (const ep of this.tokensOf.keys()) location.set(ep, this.locations.get(ep)!);
      this.ringCache = new Ring([...this.normal.keys()].sort(compareTokens), new Map(this.normal), location);
    }
    return this.ringCache;
  }

  private changed(): void {
    this.version++;
    this.ringCache = undefined;
    this.pendingCache = new Map();
  }

  isMember(endpoint: string): boolean {
    return this.tokensOf.has(endpoint);
  }

  /** Owner of a normal token. */
  endpointFor(token: Token): string | undefined {
    return this.normal.get(token);
  }

  /** Normal tokens of an endpoint (empty if none). */
  tokens(endpoint: string): readonly Token[] {
    return this.tokensOf.get(endpoint) ?? [];
  }

  normalEndpoints(): string[] {
    return [...this.tokensOf.keys()];
  }

  /** Makes `endpoint` own `tokens` (removing them from their previous owners). */
  updateNormalTokens(tokens: readonly Token[], endpoint: string): void {
    if (tokens.length === 0) return;
    this.removeBootstrapTokensOf(endpoint);
    this.leavingSet.delete(endpoint);
    for (const t of tokens) {
      const prev = this.normal.get(t);
      if (prev !== undefined && prev !== endpoint) {
        const rest = this.tokensOf.get(prev)!.filter((x) => x !== t);
        if (rest.length === 0) this.tokensOf.delete(prev);
        else this.tokensOf.set(prev, rest);
      }
      this.normal.set(t, endpoint);
    }
    const mine = new Set(this.tokensOf.get(endpoint) ?? []);
    for (const t of tokens) mine.add(t);
    this.tokensOf.set(endpoint, [...mine].sort(compareTokens));
    this.locations.set(endpoint, this.locate(endpoint));
    this.changed();
  }

  addBootstrapTokens(tokens: readonly Token[], endpoint: string): void {
    this.removeBootstrapTokensOf(endpoint);
    const list = [...tokens].sort(compareTokens);
    this.bootstrapping.set(endpoint, list);
    for (const t of list) this.bootstrapOwner.set(t, endpoint);
    this.changed();
  }

  private removeBootstrapTokensOf(endpoint: string): void {
    const old = this.bootstrapping.get(endpoint);
    if (old === undefined) return;
    for (const t of old) if (this.bootstrapOwner.get(t) === endpoint) this.bootstrapOwner.delete(t);
    this.bootstrapping.delete(endpoint);
  }

  addLeavingEndpoint(endpoint: string): void {
    this.leavingSet.add(endpoint);
    this.changed();
  }

  /** Forgets everything about an endpoint except its host ID mapping, which is replaced separately. */
  removeEndpoint(endpoint: string): void {
    for (const t of this.tokensOf.get(endpoint) ?? []) if (this.normal.get(t) === endpoint) this.normal.delete(t);
    this.tokensOf.delete(endpoint);
    this.locations.delete(endpoint);
    this.removeBootstrapTokensOf(endpoint);
    this.leavingSet.delete(endpoint);
    const id = this.hostIdOf.get(endpoint);
    if (id !== undefined && this.endpointOf.get(id) === endpoint) this.endpointOf.delete(id);
    this.hostIdOf.delete(endpoint);
    this.changed();
  }

  updateHostId(hostId: string, endpoint: string): void {
    const prevId = this.hostIdOf.get(endpoint);
    if (prevId !== undefined && prevId !== hostId && this.endpointOf.get(prevId) === endpoint) this.endpointOf.delete(prevId);
    this.hostIdOf.set(endpoint, hostId);
    this.endpointOf.set(hostId, endpoint);
  }

  hostId(endpoint: string): string | undefined {
    return this.hostIdOf.get(endpoint);
  }

  endpointForHostId(hostId: string): string | undefined {
    return this.endpointOf.get(hostId);
  }

  hostIds(): ReadonlyMap<string, string> {
    return this.hostIdOf;
  }

  isLeaving(endpoint: string): boolean {
    return this.leavingSet.has(endpoint);
  }

  leaving(): ReadonlySet<string> {
    return this.leavingSet;
  }

  /** Bootstrapping endpoints and their tokens. */
  bootstrappingEndpoints(): ReadonlyMap<string, readonly Token[]> {
    return this.bootstrapping;
  }

  /** Normal and bootstrapping tokens, sorted, with their endpoints (getNormalAndBootstrappingTokenToEndpointMap). */
  normalAndBootstrappingTokens(): [Token, string][] {
    const all: [Token, string][] = [...this.normal.entries()];
    for (const [t, ep] of this.bootstrapOwner) if (!this.normal.has(t)) all.push([t, ep]);
    return all.sort((a, b) => compareTokens(a[0], b[0]));
  }

  location(endpoint: string): Location | undefined {
    return this.locations.get(endpoint);
  }

  /** Where the snitch places an endpoint now (for nodes not yet in the ring). */
  locateEndpoint(endpoint: string): Location {
    return this.locate(endpoint);
  }

  /** Endpoints that will become replicas of `token` once current joins and leaves finish. */
  pendingEndpoints(token: Token, strategy: Replication): readonly string[] {
    if (this.bootstrapping.size === 0 && this.leavingSet.size === 0) return [];
    const key = strategyKey(strategy);
    let p = this.pendingCache.get(key);
    if (p === undefined) this.pendingCache.set(key, (p = new PendingRanges(this, strategy)));
    return p.endpointsFor(token);
  }
}

/**
 * PendingRangeCalculatorService for one strategy: a leaving node's ranges go to whoever replicates
 * them once all leaving nodes are gone; each bootstrapping node, considered alone against that
 * ring, is pending for the ranges it will replicate.
 */
class PendingRanges {
  private readonly current: Ring;
  private readonly allLeft: Ring;
  private readonly joining: { endpoint: string; ring: Ring }[] = [];

  constructor(
    tm: TokenMetadata,
    private readonly strategy: Replication,
  ) {
    this.current = tm.ring();
    this.allLeft = this.current.without(tm.leaving());
    for (const [ep, tokens] of tm.bootstrappingEndpoints()) {
      this.joining.push({ endpoint: ep, ring: this.allLeft.withTokens(ep, tokens, tm.locateEndpoint(ep)) });
    }
  }

  endpointsFor(token: Token): string[] {
    const out: string[] = [];
    if (this.allLeft !== this.current) {
      const now = this.current.naturalEndpoints(token, this.strategy);
      for (const ep of this.allLeft.naturalEndpoints(token, this.strategy)) if (!now.includes(ep)) out.push(ep);
    }
    for (const j of this.joining) {
      if (j.ring.naturalEndpoints(token, this.strategy).includes(j.endpoint) && !out.includes(j.endpoint)) out.push(j.endpoint);
    }
    return out;
  }
}
