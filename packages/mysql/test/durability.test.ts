import { History, spawn } from "@ksim/sim";
import { describe, expect, it } from "vitest";
import { checkInserts, hostNet, insertWorkload, readInserts } from "../src/workload/inserts.js";
import { TestCluster, type Pod } from "./harness.js";

const ENV = { MYSQL_ROOT_PASSWORD: "secret", MYSQL_DATABASE: "wordpress", MYSQL_USER: "wordpress", MYSQL_PASSWORD: "pw" };
const WORKLOAD = { host: "wordpress-mysql", user: "wordpress", password: "pw", database: "wordpress", clients: 4, intervalMs: 20 };

type Fault = "kill" | "crash" | "move to emptyDir";

/**
 * The insert workload against the tutorial's MySQL Deployment; 8 s in, the fault: mysqld is
 * SIGKILLed and the container restarts, the node loses power and the pod comes back elsewhere
 * with the same volume, or the pod moves and (emptyDir) gets a fresh, empty one.
 */
function run(flush: 0 | 1 | 2, fault: Fault, seed = 7) {
  const c = new TestCluster(seed);
  const spec = (volume = c.volume(`pv-${c.sim.now}`)) => ({ image: "mysql:8.0", env: ENV, args: ["mysqld", `--innodb-flush-log-at-trx-commit=${flush}`], volumes: { "/var/lib/mysql": volume } });
  const first = spec();
  let pod: Pod = c.pod("wordpress-mysql-a", first);
  c.dns.set("wordpress-mysql", [pod.ip]);
  c.advance(20_000);
  const net = hostNet(c.net.addHost("client", "10.244.9.9"), (n) => c.dns.get(n) ?? []);
  const history = new History(c.sim);
  const workload = spawn(c.sim, insertWorkload(c.sim, net, history, { ...WORKLOAD, durationMs: 12_000 }));
  c.advance(8_000);
  if (fault === "kill") {
    pod.signal("SIGKILL");
    c.advance(1_000);
    pod.start();
  } else {
    if (fault === "crash") pod.crashNode();
    else pod.signal("SIGTERM");
    c.dns.set("wordpress-mysql", []);
    c.advance(1_000);
    pod = c.pod("wordpress-mysql-b", fault === "crash" ? first : spec());
    c.dns.set("wordpress-mysql", [pod.ip]);
  }
  c.sim.runWhile(() => !workload.done, c.sim.now + 60_000);
  const reader = spawn(c.sim, readInserts(c.sim, net, history, WORKLOAD, 60_000));
  c.sim.runWhile(() => !reader.done, c.sim.now + 70_000);
  return { result: checkInserts(history), logs: pod.logs, trace: c.sim.trace };
}

describe("acknowledged commits across mysqld and node failures", () => {
  it("innodb_flush_log_at_trx_commit=1 keeps every one when mysqld is killed", () => {
    const { result } = run(1, "kill");
    expect(result.metrics.acknowledged).toBeGreaterThan(100);
    expect(result.violations).toEqual([]);
  });

  it("=1 keeps every one when the node crashes", () => {
    const { result, logs } = run(1, "crash");
    expect(result.metrics.acknowledged).toBeGreaterThan(100);
    expect(result.violations).toEqual([]);
    expect(logs).toContain("[System] [MY-010229] [Server] Starting XA crash recovery...");
  });

  it("=2 keeps every one when only mysqld dies: the OS still has what was written", () => {
    const { result } = run(2, "kill");
    expect(result.violations).toEqual([]);
  });

  it("=2 loses the last second of commits when the node crashes", () => {
    const { result } = run(2, "crash");
    expect(result.ok).toBe(false);
    expect(result.metrics.lost).toBeGreaterThan(0);
    expect(result.violations[0]!.message).toMatch(/^insert \d+\/\d+ was acknowledged at \d+ ms and is missing$/);
  });

  it("=0 loses commits even when only mysqld dies", () => {
    const { result } = run(0, "kill");
    expect(result.ok).toBe(false);
  });

  it("=0 loses commits when the node crashes", () => {
    const { result } = run(0, "crash");
    expect(result.ok).toBe(false);
    expect(result.metrics.lost).toBeGreaterThan(0);
  });

  it("loses everything acknowledged when the data directory is an emptyDir and the pod moves", () => {
    const { result, logs } = run(1, "move to emptyDir");
    expect(result.ok).toBe(false);
    expect(logs).toContain("Initializing database files");
    // Rows written after the move survive on the new pod; those before it do not.
    expect(result.metrics.lost).toBeGreaterThan(100);
  });

  it("is deterministic: the same seed gives the same trace", () => {
    const hash = () => {
      const { trace } = run(2, "crash", 21);
      return trace.finish();
    };
    expect(hash()).toBe(hash());
  });
});
