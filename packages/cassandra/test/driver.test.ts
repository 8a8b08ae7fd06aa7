import { spawn, type Proc } from "@ksim/sim";
import { describe, expect, it } from "vitest";
import { CqlDriver, type DriverOptions, type Outcome } from "../src/index.js";
import { PodCluster } from "./pods.js";

/**
 * The driver against the tutorial's ring: what it learns from its control connection, and how
 * it stops sending to members that are gone — drained, powered off, or back at a new address.
 */

function ring(seed = 1) {
  const c = new PodCluster(seed);
  expect(c.startOrdered(3)).toBe(true);
  c.runUntil(() => false, 15_000);
  const client = c.net.addHost("client", "10.0.0.100");
  const run = <T>(proc: Proc<T>): T => {
    const task = spawn(c.sim, proc);
    expect(c.runUntil(() => task.done, 600_000)).toBe(true);
    const r = task.result!;
    if (!r.ok) throw r.error;
    return r.value;
  };
  const driver = (options: Partial<DriverOptions> = {}) => new CqlDriver(c.sim, client, { contactPoints: [c.pods[0]!.ip], registerEvents: true, ...options });
  /** Runs `n` reads of system.local one after another; the outcome of each and the host that answered. */
  const queries = (d: CqlDriver, n: number) =>
    run(
      (function* () {
        const out: Outcome[] = [];
        for (let i = 0; i < n; i++) out.push(yield* d.execute("SELECT release_version FROM system.local", "ONE"));
        return out;
      })(),
    );
  return { c, run, driver, queries };
}

const hostOf = (o: Outcome) => (o.kind === "no-host" ? undefined : o.host);

describe("the CQL driver", () => {
  it("learns the ring from one contact point and spreads queries over every member", () => {
    const { c, run, driver, queries } = ring();
    const d = driver();
    expect(run(d.connect())).toEqual({ ok: true, host: c.pods[0]!.ip });
    expect(d.knownHosts.sort()).toEqual(c.pods.map((p) => p.ip).sort());
    const outcomes = queries(d, 6);
    expect(outcomes.every((o) => o.kind === "response")).toBe(true);
    expect(new Set(outcomes.map(hostOf))).toEqual(new Set(c.pods.map((p) => p.ip)));
  });

  it("gives up on a member that silently stopped answering once a heartbeat goes unanswered", () => {
    const { c, run, driver, queries } = ring();
    const d = driver({ contactPoints: c.pods.map((p) => p.ip), registerEvents: false });
    run(d.connect());
    c.runUntil(() => false, 1000);
    const silent = c.pods[2]!;
    // Packets to and from it vanish: no reset, no close, as with a machine that lost power.
    c.net.partition([silent.host], [c.net.lookup("10.0.0.100")!]);
    const start = c.sim.now;
    const during = queries(d, 30);
    // Queries sent to it time out (12 s each) until its connection has read nothing for 30 s
    // and the heartbeat that follows gets no answer.
    const timeouts = during.filter((o) => o.kind === "timeout");
    expect(timeouts.length).toBeGreaterThan(0);
    expect(timeouts.every((o) => hostOf(o) === silent.ip)).toBe(true);
    expect(c.sim.now - start).toBeLessThan(120_000);
    const after = queries(d, 10);
    expect(after.every((o) => o.kind === "response" && o.host !== silent.ip)).toBe(true);
  });

  it("moves its control connection off a member that restarts and still hears of members that join", () => {
    const { c, run, driver, queries } = ring();
    const control = c.pods[1]!;
    const d = driver({ contactPoints: [control.ip] });
    run(d.connect());
    // Drain, stop and start again, as a pod deletion does; a newcomer joins once it is back.
    run(control.stop());
    control.restart();
    expect(c.runUntil(() => control.ready, 300_000)).toBe(true);
    const p3 = c.addPod("10.244.4.5");
    p3.start();
    expect(c.runUntil(() => p3.ready, 300_000)).toBe(true);
    c.runUntil(() => false, 15_000);
    expect(d.knownHosts).toContain(p3.ip);
    const outcomes = queries(d, 8);
    expect(outcomes.every((o) => o.kind === "response")).toBe(true);
    expect(outcomes.map(hostOf)).toContain(p3.ip);
  });

  it("follows a member that comes back at a new address", () => {
    const { c, run, driver, queries } = ring();
    const d = driver();
    run(d.connect());
    const moved = c.pods[1]!;
    const oldIp = moved.ip;
    moved.crash();
    c.runUntil(() => false, 30_000);
    moved.restart("10.244.9.5");
    expect(c.runUntil(() => moved.ready, 300_000)).toBe(true);
    c.runUntil(() => false, 15_000);
    expect(d.knownHosts).toContain("10.244.9.5");
    const outcomes = queries(d, 9);
    expect(outcomes.every((o) => o.kind === "response")).toBe(true);
    expect(outcomes.map(hostOf)).toContain("10.244.9.5");
    expect(outcomes.map(hostOf)).not.toContain(oldIp);
  });
});
