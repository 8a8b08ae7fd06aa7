import { History, spawn, sleep, wait, type Host, type Proc, type Task } from "@ksim/sim";
import { ZooKeeperClient, type ClientNet } from "../client/index.js";
import { Code, codeMessage } from "../core/index.js";

export interface WorkloadOptions {
  /** Where the clients run: a sim host on the cluster network (a node, a test client). */
  readonly host: Host;
  /** Resolves names in the connect string (the cluster DNS). */
  readonly resolve: (name: string) => string[];
  /** e.g. "zk-cs.default.svc.cluster.local:2181" or the three pod names. */
  readonly connectString: string;
  readonly clients: number;
  /** Pause between one client's writes. */
  readonly intervalMs: number;
  /** Stop issuing writes after this long. */
  readonly durationMs: number;
  readonly sessionTimeout?: number;
  /** A write without an answer after this long is recorded as info (unknown). */
  readonly requestTimeoutMs?: number;
  readonly history?: History;
  /** Prefix of the znodes written; one znode per write. */
  readonly prefix?: string;
}

export interface Workload {
  readonly history: History;
  readonly tasks: readonly Task<void>[];
  /** Clients finish the write in flight and issue no more. */
  stop(): void;
  /**
   * Reads every path this workload wrote through a fresh session, giving up once `budgetMs` of
   * simulated time have passed (an ensemble that lost its quorum for good answers nothing). With
   * `connectString` (one member's address) it asks that server alone.
   */
  readBack(budgetMs?: number, connectString?: string): Proc<ReadBack>;
}

/**
 * What a read-back found, by path: the value read, or null when a server answered NoNode. A path
 * absent from the map could not be read at all (no quorum before the budget ran out): nothing can
 * be said about it.
 */
export type ReadBack = ReadonlyMap<string, string | null>;

/** How long a read-back keeps trying by default: long enough for a restarted ensemble to elect. */
export const READ_BACK_BUDGET_MS = 5 * 60_000;

/**
 * Clients that each create unique znodes (/ksim-w/<client>-<n> = a unique value) through the
 * client service, recording a Jepsen-style history: ok with the txn's zxid, fail when the server
 * answered an error, info when the outcome is unknown (connection lost or timed out mid-write).
 */
export function startWorkload(o: WorkloadOptions): Workload {
  const sim = o.host.net.sim;
  const history = o.history ?? new History(sim);
  const prefix = o.prefix ?? "/ksim-w";
  const random = sim.random.fork(`zookeeper/workload/${o.host.name}`);
  const net = (name: string): ClientNet => ({
    sim,
    random: random.fork(name),
    resolve: o.resolve,
    connect: (ip, port, opts) => o.host.connect(ip, port, opts),
  });
  const paths: string[] = [];
  const clientOptions = { connectString: o.connectString, sessionTimeout: o.sessionTimeout ?? 30_000, requestTimeoutMs: o.requestTimeoutMs ?? 10_000 };
  let end = sim.now + o.durationMs;
  const client = (i: number): Proc<void> =>
    (function* () {
      const name = `client-${i}`;
      let current = new ZooKeeperClient(net(name), clientOptions);
      // The parent znode, retried until it exists (NodeExists from another client is fine): the
      // ensemble may not serve yet when the workload starts.
      for (;;) {
        if (current.state === "CLOSED") current = new ZooKeeperClient(net(`${name}-parent`), clientOptions);
        const r = yield* wait(current.create(prefix, ""));
        if (r.err === Code.OK || r.err === Code.NODEEXISTS || sim.now >= end) break;
        yield* wait(sleep(sim, o.intervalMs));
      }
      for (let n = 0; sim.now < end; n++) {
        if (current.state === "CLOSED") {
          current = new ZooKeeperClient(net(`${name}-${n}`), clientOptions);
        }
        const path = `${prefix}/${i}-${n}`;
        const value = `v${i}-${n}-${random.hex(6)}`;
        paths.push(path);
        const op = history.invoke(name, "write", { path, value });
        const r = yield* wait(current.create(path, value));
        if (r.err === Code.OK) history.ok(op, { zxid: r.zxid });
        else if (r.err === Code.CONNECTIONLOSS || r.err === Code.OPERATIONTIMEOUT || r.err === Code.SESSIONEXPIRED) history.info(op, codeMessage(r.err));
        else history.fail(op, codeMessage(r.err));
        yield* wait(sleep(sim, o.intervalMs));
      }
      current.shut();
    })();
  const tasks = Array.from({ length: o.clients }, (_, i) => spawn(sim, client(i), `zk-workload-${i}`));
  return {
    history,
    tasks,
    stop() {
      end = Math.min(end, sim.now);
    },
    *readBack(budgetMs = READ_BACK_BUDGET_MS, connectString = o.connectString) {
      const deadline = sim.now + budgetMs;
      const options = { ...clientOptions, connectString };
      let zk = new ZooKeeperClient(net("reader"), options);
      const out = new Map<string, string | null>();
      for (const path of paths) {
        while (sim.now < deadline) {
          if (zk.state === "CLOSED") zk = new ZooKeeperClient(net(`reader-${out.size}`), options);
          const r = yield* wait(zk.getData(path));
          if (r.err === Code.OK) out.set(path, (r.result as { data: string }).data);
          else if (r.err === Code.NONODE) out.set(path, null);
          if (r.err === Code.OK || r.err === Code.NONODE) break;
          yield* wait(sleep(sim, 1000));
        }
      }
      zk.shut();
      return out;
    },
  };
}
