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
  /** Reads every path this workload wrote through a fresh session: path → value (absent if missing). */
  readBack(): Proc<Map<string, string>>;
}

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
  let end = sim.now + o.durationMs;
  const client = (i: number): Proc<void> =>
    (function* () {
      const name = `client-${i}`;
      const zk = new ZooKeeperClient(net(name), { connectString: o.connectString, sessionTimeout: o.sessionTimeout ?? 30_000, requestTimeoutMs: o.requestTimeoutMs ?? 10_000 });
      let current = zk;
      // The parent znode; NodeExists from another client is fine.
      yield* wait(current.create(prefix, ""));
      for (let n = 0; sim.now < end; n++) {
        if (current.state === "CLOSED") {
          current = new ZooKeeperClient(net(`${name}-${n}`), { connectString: o.connectString, sessionTimeout: o.sessionTimeout ?? 30_000, requestTimeoutMs: o.requestTimeoutMs ?? 10_000 });
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
    *readBack() {
      const zk = new ZooKeeperClient(net("reader"), { connectString: o.connectString, sessionTimeout: 30_000, requestTimeoutMs: 10_000 });
      const out = new Map<string, string>();
      for (const path of paths) {
        for (let attempt = 0; attempt < 20; attempt++) {
          const r = yield* wait(zk.getData(path));
          if (r.err === Code.OK) out.set(path, (r.result as { data: string }).data);
          if (r.err === Code.OK || r.err === Code.NONODE) break;
          yield* wait(sleep(sim, 1000));
        }
      }
      zk.shut();
      return out;
    },
  };
}
