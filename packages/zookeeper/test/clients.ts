import { wait, spawn, type Proc } from "@ksim/sim";
import { ZooKeeperClient, type Reply } from "../src/client/index.js";
import { Pods } from "./pods.js";

/**
 * A five-member ensemble, started one pod at a time as OrderedReady would, and clients that
 * attach to a named member from a host outside it, recording the watch events they receive.
 */
export function ensembleWithClients() {
  const p = new Pods(5);
  p.startInOrder();
  p.run(90_000);
  const host = p.net.addHost("client", "10.244.9.9");
  const ipOf = (name: string) => p.pods.find((x) => x.name === name)!.host.ip!;
  const client = (server: string) => {
    const events: string[] = [];
    const zk = new ZooKeeperClient(
      { sim: p.sim, random: p.sim.random.fork(`client-${server}`), resolve: (n) => [ipOf(n)], connect: (ip, port, o) => host.connect(ip, port, o) },
      { connectString: server, sessionTimeout: 30_000, onEvent: (type, path) => events.push(`${type} ${path}`) },
    );
    return { zk, events };
  };
  /** Runs a client call to its reply. */
  const call = (w: ReturnType<ZooKeeperClient["submit"]>): Reply => {
    let r: Reply | undefined;
    spawn(p.sim, (function* (): Proc<void> {
      r = (yield* wait(w)) as Reply;
    })());
    p.sim.runWhile(() => r === undefined, p.sim.now + 60_000);
    return r!;
  };
  return { p, client, call };
}
