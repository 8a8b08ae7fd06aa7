import type { ConsistencyLevel } from "./protocol.js";
import type { Replication } from "./replication.js";
import { localReplicationFactor, replicationFactor } from "./replication.js";

/** ConsistencyLevel (db/ConsistencyLevel.java): how many replicas must answer. */

export function quorumFor(r: Replication): number {
  return Math.floor(replicationFactor(r) / 2) + 1;
}

export function localQuorumFor(r: Replication, dc: string): number {
  return r.class === "NetworkTopologyStrategy" ? Math.floor(localReplicationFactor(r, dc) / 2) + 1 : quorumFor(r);
}

export function blockFor(cl: ConsistencyLevel, r: Replication, localDc: string): number {
  switch (cl) {
    case "ONE":
    case "LOCAL_ONE":
    case "ANY":
      return 1;
    case "TWO":
      return 2;
    case "THREE":
      return 3;
    case "QUORUM":
    case "SERIAL":
      return quorumFor(r);
    case "ALL":
      return replicationFactor(r);
    case "LOCAL_QUORUM":
    case "LOCAL_SERIAL":
      return localQuorumFor(r, localDc);
    case "EACH_QUORUM":
      if (r.class === "NetworkTopologyStrategy") return Object.keys(r.dcs).reduce((n, dc) => n + localQuorumFor(r, dc), 0);
      return quorumFor(r);
  }
}

/** Whether a replica counts for the level (LOCAL_* levels only count the local data center). */
export function countsFor(cl: ConsistencyLevel, replicaDc: string, localDc: string): boolean {
  return !(cl === "LOCAL_ONE" || cl === "LOCAL_QUORUM" || cl === "LOCAL_SERIAL") || replicaDc === localDc;
}

export interface Unavailable {
  readonly required: number;
  readonly alive: number;
}

/**
 * assureSufficientLiveNodes: the live replicas (with their data centers) that could answer; an
 * Unavailable when too few are up to even try.
 */
export function checkAvailable(cl: ConsistencyLevel, r: Replication, live: readonly { dc: string }[], localDc: string): Unavailable | undefined {
  const need = blockFor(cl, r, localDc);
  switch (cl) {
    case "ANY":
      return undefined;
    case "LOCAL_ONE":
    case "LOCAL_QUORUM":
    case "LOCAL_SERIAL": {
      const n = live.filter((e) => e.dc === localDc).length;
      return n < need ? { required: need, alive: n } : undefined;
    }
    case "EACH_QUORUM":
      if (r.class === "NetworkTopologyStrategy") {
        for (const dc of Object.keys(r.dcs)) {
          const n = live.filter((e) => e.dc === dc).length;
          const q = localQuorumFor(r, dc);
          if (n < q) return { required: q, alive: n };
        }
        return undefined;
      }
      break;
    default:
      break;
  }
  return live.length < need ? { required: need, alive: live.length } : undefined;
}
