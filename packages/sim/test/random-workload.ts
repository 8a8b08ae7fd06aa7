import { Network, Sim, Volume, type Connection, type Host } from "../src/index.js";

/**
 * A randomized workload that touches every part of the kernel: timers, stream and datagram
 * traffic, partitions and heals, process resets, power loss, disk writes, fsyncs and crashes.
 * Everything it does is chosen by the seed; it returns the trace hash.
 */
export function runRandomWorkload(seed: number, durationMs = 20_000): string {
  const sim = new Sim({ seed });
  const net = new Network(sim, { retransmitTimeoutMs: 10_000, connectTimeoutMs: 5_000 });
  const chaos = sim.random.fork("chaos");
  const hosts: Host[] = [];
  const disks: Volume[] = [];
  for (let i = 0; i < 6; i++) {
    const h = net.addHost(`h${i}`, `10.1.0.${i + 1}`);
    hosts.push(h);
    disks.push(new Volume(sim, `d${i}`));
    serve(h, disks[i]!);
  }

  function serve(h: Host, disk: Volume): void {
    if (h.isListening(7000)) return;
    h.listen(7000, (conn) => {
      conn.onData = (d) => {
        disk.appendFile("/log", `${String(d)}\n`);
        if (chaos.chance(0.5)) disk.fsync("/log");
        conn.send(`ack:${String(d)}`);
      };
      conn.onEnd = () => conn.end();
    });
    h.bindDatagram(9, (p) => sim.trace.record("app.dgram", { to: h.name, p }));
  }

  const conns: (Connection | undefined)[] = [];
  const openTo = (from: number, to: number) => {
    const c = hosts[from]!.connect(`10.1.0.${to + 1}`, 7000);
    c.onData = (d) => sim.trace.record("app.recv", { at: from, d });
    c.onClose = (r) => {
      sim.trace.record("app.closed", { at: from, r });
      if (conns[from] === c) conns[from] = undefined;
    };
    conns[from] = c;
  };

  let n = 0;
  const action = () => {
    const roll = chaos.float();
    const i = chaos.int(0, hosts.length - 1);
    const j = (i + chaos.int(1, hosts.length - 1)) % hosts.length;
    if (roll < 0.4) {
      if (conns[i] === undefined) openTo(i, j);
      else conns[i]!.send(n++);
    } else if (roll < 0.55) {
      hosts[i]!.sendDatagram(9, { ip: `10.1.0.${j + 1}`, port: 9 }, n++);
    } else if (roll < 0.62) {
      const id = net.partition([hosts[i]!], [hosts[j]!], { oneWay: chaos.chance(0.3) });
      sim.schedule(chaos.int(100, 8000), () => net.heal(id));
    } else if (roll < 0.66) {
      hosts[i]!.resetAll();
      serve(hosts[i]!, disks[i]!);
    } else if (roll < 0.68) {
      hosts[i]!.powerOff();
      disks[i]!.crash({ tear: chaos.chance(0.5), random: chaos });
      sim.schedule(chaos.int(500, 5000), () => {
        hosts[i]!.powerOn();
        serve(hosts[i]!, disks[i]!);
      });
    } else if (roll < 0.75) {
      const id = net.impair([hosts[i]!], [hosts[j]!], { loss: 0.2 }, { oneWay: true });
      sim.schedule(chaos.int(100, 8000), () => net.heal(id));
    } else if (roll < 0.8) {
      const id = net.impair([hosts[i]!], [hosts[j]!], { latencyMs: chaos.int(0, 300) }, { oneWay: true });
      sim.schedule(chaos.int(100, 8000), () => net.heal(id));
    } else if (roll < 0.85) {
      conns[i]?.end();
    } else {
      disks[i]!.appendFile("/local", `${n++}`);
      if (chaos.chance(0.3)) disks[i]!.fsync("/local");
    }
    if (sim.now < durationMs) sim.schedule(chaos.exponential(20), action, "action");
  };
  sim.schedule(0, action, "action");
  sim.runUntil(durationMs + 30_000);
  for (const d of disks) sim.trace.record("app.disk", { id: d.id, used: d.bytesUsed });
  return sim.trace.finish();
}
