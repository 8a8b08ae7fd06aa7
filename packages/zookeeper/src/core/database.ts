import { DataTree, type SnapshotData } from "./datatree.js";
import type { Txn } from "./txn.js";

/** ZKDatabase.commitLogCount: how many recent txns a leader keeps to sync followers by DIFF. */
export const COMMIT_LOG_COUNT = 500;

/**
 * ZKDatabase: the data tree, the sessions and their timeouts, and the most recent txns (the
 * "committed log" a leader diffs followers against). Built by recovery from disk, or from a
 * leader's snapshot.
 */
export class ZkDatabase {
  readonly sessions = new Map<bigint, number>();
  private log: Txn[] = [];

  constructor(readonly tree: DataTree = new DataTree()) {}

  get lastProcessedZxid(): number {
    return this.tree.lastProcessedZxid;
  }

  /** Applies a txn to the tree and the session table; returns its result code. */
  apply(txn: Txn): number {
    const rc = this.tree.apply(txn);
    if (txn.type === "createSession") this.sessions.set(txn.session, txn.timeout);
    else if (txn.type === "closeSession") this.sessions.delete(txn.session);
    this.log.push(txn);
    // Trim in batches so each apply stays O(1).
    if (this.log.length >= 2 * COMMIT_LOG_COUNT) this.log = this.log.slice(-COMMIT_LOG_COUNT);
    return rc;
  }

  /** Recent txns, oldest first. */
  get committedLog(): readonly Txn[] {
    return this.log.length > COMMIT_LOG_COUNT ? this.log.slice(-COMMIT_LOG_COUNT) : this.log;
  }

  get minCommittedLog(): number {
    return this.log[Math.max(0, this.log.length - COMMIT_LOG_COUNT)]?.zxid ?? 0;
  }

  get maxCommittedLog(): number {
    return this.log[this.log.length - 1]?.zxid ?? 0;
  }

  snapshot(): SnapshotData {
    return { zxid: this.tree.lastProcessedZxid, sessions: [...this.sessions], nodes: this.tree.serializeNodes() };
  }

  static fromSnapshot(snap: SnapshotData): ZkDatabase {
    const db = new ZkDatabase(DataTree.fromSnapshot(snap));
    for (const [id, timeout] of snap.sessions) db.sessions.set(id, timeout);
    return db;
  }
}
