import type { TimerName } from "./io.js";
import type { QuorumPeer, Role } from "./peer.js";
import { TxnFactory, type Submission } from "./processor.js";
import type { SessionTracker } from "./sessions.js";
import { ZkServer, type WritePath } from "./server.js";
import type { Txn } from "./txn.js";

/**
 * ZooKeeperServerMain: a single server, no election, epoch 0. A write is answered once its txn
 * is durable in the local log; sessions carry server id 1 in their top byte, as
 * ZooKeeperServer.createSessionTracker gives them.
 */
export class Standalone implements Role, WritePath {
  readonly server: ZkServer;
  private readonly txns: TxnFactory;

  get sessions(): SessionTracker {
    return this.txns.tracker;
  }
  private readonly logging: Txn[] = [];

  constructor(private readonly peer: QuorumPeer) {
    this.server = new ZkServer(peer, this, 1, "SyncThread:0");
    this.txns = new TxnFactory(peer);
    peer.logEnvironment();
    peer.logCreatedServer();
    this.txns.hzxid = peer.db.lastProcessedZxid;
    this.txns.startSessions();
    this.server.running = true;
  }

  submit(session: bigint, cxid: number, req: Submission): void {
    const txn = this.txns.next(session, cxid, req);
    this.logging.push(txn);
    this.peer.appendTxns([txn]);
  }

  logged(zxid: number): void {
    while (this.logging.length > 0 && this.logging[0]!.zxid <= zxid) {
      const txn = this.logging.shift()!;
      this.server.commit(txn);
      this.txns.applied(txn);
    }
  }

  revalidate(cnxn: number, session: bigint): void {
    this.server.finishSessionInit(cnxn, this.txns.tracker.touch(session, this.peer.now));
  }

  touch(session: bigint): void {
    this.txns.tracker.touch(session, this.peer.now);
  }

  timer(name: TimerName): void {
    if (name === "sessions") this.txns.expire((s, c, r) => this.submit(s, c, r));
  }

  packet(): void {}
  linkUp(): void {}
  linkAccepted(link: number): void {
    this.peer.emit({ kind: "closeLink", link });
  }
  linkDown(): void {}

  shutdown(): void {
    this.server.running = false;
    this.peer.emit({ kind: "cancelTimer", timer: "sessions" });
  }
}
