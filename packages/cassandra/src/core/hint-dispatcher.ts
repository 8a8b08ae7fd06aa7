import type { Now } from "./clock.js";
import type { Mutation } from "./data.js";
import type { CassandraNode } from "./node.js";
import { tableParams } from "./schema.js";

/**
 * Hinted handoff around the HintStore (HintsService, 3.x): whether a write for a replica should
 * be hinted (enabled, and the replica down no longer than max_hint_window_in_ms), storing hints,
 * and HintsDispatchTrigger's periodic replay to targets that are up again, one hint at a time,
 * each dropped only once its target acknowledged it.
 */
export class HintDispatcher {
  private readonly dispatching = new Set<string>();
  /** Drain pauses dispatch. */
  paused = false;
  /** hinted_handoff_enabled, switched at run time by nodetool disablehandoff/enablehandoff. */
  enabled: boolean;

  constructor(private readonly node: CassandraNode) {
    this.enabled = node.config.hintedHandoffEnabled;
  }

  private get now(): Now {
    return this.node.now;
  }

  private log(thread: string, site: string, message: string): void {
    this.node.log({ level: "INFO", thread, site, message });
  }

  shouldHint(endpoint: string): boolean {
    return this.enabled && this.node.gossiper.downtime(endpoint, this.now) <= this.node.config.maxHintWindowMs;
  }

  writeHint(endpoint: string, m: Mutation): void {
    const node = this.node;
    const hostId = node.tm.hostId(endpoint) ?? node.gossiper.state(endpoint)?.get("HOST_ID");
    const table = node.schema.table(m.keyspace, m.table);
    if (hostId === undefined || table === undefined) return;
    node.hints.add(hostId, { mutation: m, createdAt: this.now.wall, gcgs: tableParams(table).gcGraceSeconds });
    node.trace("cassandra.hint.stored", { node: node.self, target: endpoint });
  }

  /** A file's dispatch task ended (all sent, paused, or a hint went unanswered): one HintsDispatcher task completed. */
  private finished(hostId: string): void {
    this.dispatching.delete(hostId);
    this.node.stages.completed.HintsDispatcher++;
  }

  /** HintsDispatchTrigger: replay hints to every target that is up again. */
  dispatch(): void {
    const node = this.node;
    if (this.paused) return;
    for (const hostId of node.hints.hosts()) {
      const ep = node.tm.endpointForHostId(hostId);
      if (ep === undefined || ep === node.self || !node.gossiper.isAlive(ep) || this.dispatching.has(hostId)) continue;
      this.dispatching.add(hostId);
      const file = node.hints.fileName(hostId);
      let delivered = 0;
      const next = (): void => {
        const pending = node.hints.pending(hostId);
        if (pending.length === 0 || this.paused) {
          this.finished(hostId);
          if (pending.length > 0) return;
          this.log("HintsDispatcher:1", "HintsDispatchExecutor.java:289", `Finished hinted handoff of file ${file} to endpoint /${ep}: ${hostId}`);
          node.trace("cassandra.hints.replayed", { node: node.self, target: ep, count: delivered });
          return;
        }
        node.request(
          ep,
          { verb: "HINT", hint: pending[0]! },
          () => {
            node.hints.delivered(hostId, 1);
            delivered++;
            next();
          },
          node.config.writeTimeoutMs,
          () => this.finished(hostId),
        );
      };
      next();
    }
  }

  /** Decommission hands every hint to a live peer, which keeps it for the same targets. */
  transfer(done: () => void): void {
    const node = this.node;
    const hosts = node.hints.hosts();
    const peer = node.gossiper.liveMembers().find((e) => e !== node.self && node.tm.isMember(e));
    if (hosts.length === 0 || peer === undefined) return done();
    let left = hosts.length;
    for (const hostId of hosts) {
      node.request(
        peer,
        { verb: "HINTS_TRANSFER", hostId, hints: node.hints.pending(hostId) },
        () => {
          node.hints.excise(hostId);
          if (--left === 0) done();
        },
        node.config.rpcTimeoutMs,
        () => {
          if (--left === 0) done();
        },
      );
    }
  }
}
