import { Network, Sim, Volume, type Connection, type Host } from "@ksim/sim";

/**
 * A small replicated log on the bare kernel, until the cluster exists to run ZooKeeper: a primary
 * appends entries to its disk and streams them to two replicas, which fsync before acknowledging.
 * Midway a replica is partitioned away and healed, and the primary crashes with unsynced writes.
 * The output shows what each layer of the kernel did and ends with the trace hash.
 */
export function runKernelDemo(seed: number): string[] {
  const sim = new Sim({ seed });
  const net = new Network(sim);
  const out: string[] = [];
  const log = (msg: string) => out.push(`[${(sim.now / 1000).toFixed(3).padStart(7)}s] ${msg}`);

  const names = ["primary", "replica-1", "replica-2"];
  const hosts: Host[] = names.map((n, i) => net.addHost(n, `10.0.0.${i + 1}`));
  const disks = names.map((n) => new Volume(sim, `${n}-disk`));
  const acked = new Map<number, number>();

  // Replicas: log every entry durably, then acknowledge it.
  hosts.slice(1).forEach((host, i) => {
    const disk = disks[i + 1]!;
    host.listen(7000, (conn) => {
      conn.onData = (entry) => {
        const n = entry as number;
        disk.appendFile("/wal", `${n}\n`);
        disk.fsync("/wal");
        conn.send(n);
      };
    });
  });

  // Primary: append locally without fsync (a deliberate bug), replicate, count acks.
  const primary = hosts[0]!;
  const conns: Connection[] = [];
  for (const h of hosts.slice(1)) {
    const c = primary.connect(h.ip!, 7000);
    c.onOpen = () => log(`primary connected to ${h.name} (${h.ip})`);
    c.onData = (n) => acked.set(n as number, (acked.get(n as number) ?? 0) + 1);
    c.onClose = (reason) => log(`primary lost ${h.name}: ${reason}`);
    conns.push(c);
  }
  let next = 1;
  const pace = sim.random.fork("demo");
  const tick = () => {
    disks[0]!.appendFile("/wal", `${next}\n`);
    for (const c of conns) c.send(next);
    next++;
    if (next <= 300) sim.schedule(pace.int(5, 15), tick, "append");
  };
  sim.schedule(10, tick, "append");

  sim.schedule(800, () => {
    log("fault: partition replica-2 away from the primary");
    const id = net.partition([primary], [hosts[2]!]);
    sim.schedule(1200, () => {
      log("fault healed: replica-2 reachable again; retransmissions flow");
      net.heal(id);
    });
  });
  sim.runUntil(4000);

  const quorum = [...acked.values()].filter((n) => n >= 1).length;
  log(`${next - 1} entries appended, ${quorum} acknowledged by a quorum (primary + 1 replica)`);
  log("fault: primary crashes, losing writes it never fsynced");
  disks[0]!.crash();
  const primaryEntries = disks[0]!.readText("/wal").split("\n").filter(Boolean).length;
  const replicaEntries = disks.slice(1).map((d) => d.readText("/wal").split("\n").filter(Boolean).length);
  log(`after the crash: primary holds ${primaryEntries} entries, replicas hold ${replicaEntries.join(" and ")}`);
  log(
    primaryEntries < quorum
      ? "the primary alone would have lost acknowledged entries; the replicas' fsynced logs kept them"
      : "no acknowledged entry was lost",
  );
  out.push(`seed=${seed} events=${sim.eventsRun} simulated=${(sim.now / 1000).toFixed(1)}s trace=${sim.trace.finish()}`);
  return out;
}
