/**
 * Replication strategies (locator/*Strategy.java): which endpoints hold the replicas of a token.
 * Keyspace parameters are plain data so they can travel in schema messages.
 */

export type Replication =
  | { readonly class: "SimpleStrategy"; readonly replication_factor: number }
  | { readonly class: "NetworkTopologyStrategy"; readonly dcs: Readonly<Record<string, number>> }
  | { readonly class: "LocalStrategy" };

export const STRATEGY_PACKAGE = "org.apache.cassandra.locator.";

/** Total replication factor; for NetworkTopologyStrategy the sum over data centers. */
export function replicationFactor(r: Replication): number {
  switch (r.class) {
    case "SimpleStrategy":
      return r.replication_factor;
    case "NetworkTopologyStrategy":
      return Object.values(r.dcs).reduce((a, b) => a + b, 0);
    case "LocalStrategy":
      return 1;
  }
}

/** Replication factor in one data center (SimpleStrategy is topology-blind: all of it). */
export function localReplicationFactor(r: Replication, dc: string): number {
  return r.class === "NetworkTopologyStrategy" ? (r.dcs[dc] ?? 0) : replicationFactor(r);
}

/** AbstractReplicationStrategy.hasSameSettings: same class and same options. */
export function sameSettings(a: Replication, b: Replication): boolean {
  return strategyKey(a) === strategyKey(b);
}

/** A canonical string for caches and comparisons. */
export function strategyKey(r: Replication): string {
  switch (r.class) {
    case "SimpleStrategy":
      return `S${r.replication_factor}`;
    case "NetworkTopologyStrategy":
      return `N${Object.keys(r.dcs).sort().map((dc) => `${dc}:${r.dcs[dc]}`).join(",")}`;
    case "LocalStrategy":
      return "L";
  }
}

/** The `replication` map as system_schema and DESCRIBE show it. */
export function replicationMap(r: Replication): Record<string, string> {
  switch (r.class) {
    case "SimpleStrategy":
      return { class: `${STRATEGY_PACKAGE}SimpleStrategy`, replication_factor: String(r.replication_factor) };
    case "NetworkTopologyStrategy": {
      const out: Record<string, string> = { class: `${STRATEGY_PACKAGE}NetworkTopologyStrategy` };
      for (const dc of Object.keys(r.dcs).sort()) out[dc] = String(r.dcs[dc]);
      return out;
    }
    case "LocalStrategy":
      return { class: `${STRATEGY_PACKAGE}LocalStrategy` };
  }
}
