import type { Replication } from "./replication.js";
import { sameSettings } from "./replication.js";
import type { Ring } from "./ring.js";
import { describeOwnership } from "./token.js";

/** The two exception kinds nodetool tells apart when asking for effective ownership. */
export class OwnershipError extends Error {
  constructor(
    readonly kind: "IllegalStateException" | "IllegalArgumentException",
    message: string,
  ) {
    super(message);
  }
}

export interface KeyspaceReplication {
  readonly name: string;
  readonly replication: Replication;
  /** Not one of system, system_schema, system_auth, system_distributed, system_traces. */
  readonly user: boolean;
}

/**
 * StorageService.effectiveOwnership (3.x): the fraction of the ring each endpoint replicates under
 * one keyspace's strategy — the named one, else the user keyspaces (which must agree), else
 * system_traces (SimpleStrategy, RF 2). Sums are accumulated in float in token order, as Java does.
 */
export function effectiveOwnership(ring: Ring, keyspaces: readonly KeyspaceReplication[], keyspace: string | undefined): Map<string, number> {
  let strategy: Replication;
  if (keyspace !== undefined) {
    const ks = keyspaces.find((k) => k.name === keyspace);
    if (ks === undefined) throw new OwnershipError("IllegalArgumentException", `The keyspace ${keyspace}, does not exist`);
    if (ks.replication.class === "LocalStrategy") {
      throw new OwnershipError("IllegalStateException", "Ownership values for keyspaces with LocalStrategy are meaningless");
    }
    strategy = ks.replication;
  } else {
    const user = keyspaces.filter((k) => k.user);
    let name = "system_traces";
    if (user.length > 0) {
      const first = user[0]!;
      for (const k of user) {
        if (!sameSettings(k.replication, first.replication)) {
          throw new OwnershipError(
            "IllegalStateException",
            "Non-system keyspaces don't have the same replication settings, effective ownership information is meaningless",
          );
        }
      }
      name = first.name;
    }
    const ks = keyspaces.find((k) => k.name === name);
    if (ks === undefined) throw new OwnershipError("IllegalArgumentException", `The node does not have ${name} yet, probably still bootstrapping`);
    strategy = ks.replication;
  }
  const tokenOwnership = describeOwnership(ring.sorted);
  const ranges = ring.addressRanges(strategy);
  const out = new Map<string, number>();
  const dcs = ring.datacenterEndpoints();
  for (const dc of [...dcs.keys()].sort()) {
    for (const ep of dcs.get(dc)!) {
      let owns = 0;
      for (const right of ranges.get(ep) ?? []) owns = Math.fround(owns + (tokenOwnership.get(right) ?? 0));
      out.set(ep, owns);
    }
  }
  return out;
}
