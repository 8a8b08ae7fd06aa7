import { describe, expect, it } from "vitest";
import { Network, Sim, type CloseReason, type Connection, type Host } from "../src/index.js";

function setup(options: ConstructorParameters<typeof Network>[1] = {}) {
  const sim = new Sim({ seed: 9 });
  const net = new Network(sim, options);
  const a = net.addHost("a", "10.0.0.1");
  const b = net.addHost("b", "10.0.0.2");
  const c = net.addHost("c", "10.0.0.3");
  return { sim, net, a, b, c };
}

/** A server on `host`:port that records what it receives and echoes it. */
function echoServer(host: Host, port = 80) {
  const received: unknown[] = [];
  const conns: Connection[] = [];
  host.listen(port, (conn) => {
    conns.push(conn);
    conn.onData = (d) => {
      received.push(d);
      conn.send(d);
    };
    conn.onEnd = () => conn.end();
  });
  return { received, conns };
}

function client(from: Host, ip: string, port = 80) {
  const events: string[] = [];
  const data: unknown[] = [];
  let closed: CloseReason | undefined;
  const conn = from.connect(ip, port);
  conn.onOpen = () => events.push("open");
  conn.onData = (d) => data.push(d);
  conn.onEnd = () => events.push("end");
  conn.onClose = (r) => {
    closed = r;
    events.push(`close:${r}`);
  };
  return { conn, events, data, closed: () => closed };
}

describe("network streams", () => {
  it("delivers in order whatever the latency draws", () => {
    const { sim, net, a, b } = setup({ latency: (_f, _t, r) => r.int(1, 50) });
    expect(net.latency).toBeDefined();
    const srv = echoServer(b);
    const cl = client(a, "10.0.0.2");
    for (let i = 0; i < 500; i++) cl.conn.send(i);
    sim.runUntilIdle();
    expect(srv.received).toEqual(Array.from({ length: 500 }, (_, i) => i));
    expect(cl.data).toEqual(srv.received);
  });

  it("refuses a connection when nothing listens", () => {
    const { sim, a } = setup();
    const cl = client(a, "10.0.0.2", 9999);
    sim.runUntilIdle();
    expect(cl.events).toEqual(["close:ECONNREFUSED"]);
    expect(sim.now).toBeLessThan(10);
  });

  it("reports an address nobody holds as unreachable after the ARP time-out", () => {
    const { sim, a } = setup();
    const cl = client(a, "10.9.9.9");
    sim.runUntilIdle();
    expect(cl.closed()).toBe("EHOSTUNREACH");
    expect(sim.now).toBe(3000);
  });

  it("half-closes: the client ends, the server answers and ends, both close cleanly", () => {
    const { sim, a, b } = setup();
    b.listen(2181, (conn) => {
      conn.onData = (d) => {
        if (d === "ruok") conn.send("imok");
      };
      conn.onEnd = () => conn.end();
    });
    const cl = client(a, "10.0.0.2", 2181);
    cl.conn.send("ruok");
    cl.conn.end();
    sim.runUntilIdle();
    expect(cl.data).toEqual(["imok"]);
    expect(cl.events).toEqual(["open", "end", "close:closed"]);
  });

  it("resets peers when a host's processes die", () => {
    const { sim, a, b } = setup();
    echoServer(b);
    const cl = client(a, "10.0.0.2");
    sim.runUntil(100);
    b.resetAll();
    sim.runUntilIdle();
    expect(cl.closed()).toBe("ECONNRESET");
    const again = client(a, "10.0.0.2");
    sim.runUntilIdle();
    expect(again.closed()).toBe("ECONNREFUSED");
  });

  it("holds data across a partition and delivers it, in order, after the heal", () => {
    const { sim, net, a, b } = setup();
    const srv = echoServer(b);
    const cl = client(a, "10.0.0.2");
    sim.runUntil(10);
    const id = net.partition([a], [b]);
    for (let i = 0; i < 5; i++) cl.conn.send(i);
    sim.runUntil(60_000);
    expect(srv.received).toEqual([]);
    net.heal(id);
    sim.runUntil(61_000);
    expect(srv.received).toEqual([0, 1, 2, 3, 4]);
    expect(cl.data).toEqual([0, 1, 2, 3, 4]);
    expect(cl.closed()).toBeUndefined();
  });

  it("times out a connection whose peer stays cut off", () => {
    const { sim, net, a, b } = setup({ retransmitTimeoutMs: 30_000 });
    echoServer(b);
    const cl = client(a, "10.0.0.2");
    sim.runUntil(10);
    net.partition([a], [b]);
    cl.conn.send("hello?");
    sim.runUntil(29_000);
    expect(cl.closed()).toBeUndefined();
    sim.runUntil(31_000);
    expect(cl.closed()).toBe("ETIMEDOUT");
  });

  it("gives up on a dead process's queued data after the orphan retries, not tcp_retries2", () => {
    const run = (orphan: boolean) => {
      const { sim, net, a, b } = setup();
      const srv = echoServer(b);
      const cl = client(a, "10.0.0.2");
      sim.runUntil(10);
      const id = net.partition([a], [b]);
      cl.conn.send("last words");
      sim.runUntil(10_000);
      if (orphan) cl.conn.orphan();
      else cl.conn.end();
      sim.runUntil(110_000);
      net.heal(id);
      sim.runUntil(120_000);
      return srv.received;
    };
    // Stalled at 10 ms, given up 102.2 s later, before the partition heals at 110 s.
    expect(run(true)).toEqual([]);
    expect(run(false)).toEqual(["last words"]);
  });

  it("applies one-way partitions to one direction only", () => {
    const { sim, net, a, b, c } = setup();
    const got: unknown[] = [];
    b.bindDatagram(53, (p) => got.push(p));
    a.bindDatagram(53, (p) => got.push(p));
    net.partition([a], [b], { oneWay: true });
    a.sendDatagram(1000, { ip: "10.0.0.2", port: 53 }, "a->b");
    b.sendDatagram(1000, { ip: "10.0.0.1", port: 53 }, "b->a");
    c.sendDatagram(1000, { ip: "10.0.0.2", port: 53 }, "c->b");
    sim.runUntilIdle();
    expect(got.sort()).toEqual(["b->a", "c->b"]);
  });

  it("connect keeps retrying through a partition and succeeds when it heals in time", () => {
    const { sim, net, a, b } = setup();
    echoServer(b);
    const id = net.partition([a], [b]);
    const cl = client(a, "10.0.0.2");
    sim.schedule(20_000, () => net.heal(id));
    sim.runUntilIdle();
    expect(cl.events[0]).toBe("open");
    expect(cl.closed()).toBeUndefined();
    const late = setup({ connectTimeoutMs: 5_000 });
    echoServer(late.b);
    late.net.partition([late.a], [late.b]);
    const cl2 = client(late.a, "10.0.0.2");
    late.sim.runUntil(10_000);
    expect(cl2.closed()).toBe("ETIMEDOUT");
  });

  it("drops datagrams with the configured loss rate", () => {
    const { sim, net, a, b } = setup();
    let got = 0;
    b.bindDatagram(9, () => got++);
    net.impair([a], [b], { loss: 0.3 }, { oneWay: true });
    for (let i = 0; i < 2000; i++) a.sendDatagram(1, { ip: "10.0.0.2", port: 9 }, i);
    sim.runUntilIdle();
    expect(got).toBeGreaterThan(1250);
    expect(got).toBeLessThan(1550);
  });

  it("adds injected latency to a link", () => {
    const { sim, net, a, b } = setup({ latency: () => 1 });
    const srv = echoServer(b);
    const cl = client(a, "10.0.0.2");
    sim.runUntil(5);
    net.impair([a], [b], { latencyMs: 250 }, { oneWay: true });
    cl.conn.send("slow");
    sim.runUntil(200);
    expect(srv.received).toEqual([]);
    sim.runUntil(300);
    expect(srv.received).toEqual(["slow"]);
  });

  it("power loss is silent; after power returns the host resets old connections", () => {
    const { sim, a, b } = setup();
    echoServer(b);
    const cl = client(a, "10.0.0.2");
    sim.runUntil(10);
    b.powerOff();
    cl.conn.send("anyone?");
    sim.runUntil(60_000);
    expect(cl.closed()).toBeUndefined();
    b.powerOn();
    sim.runUntil(61_000);
    expect(cl.closed()).toBe("ECONNRESET");
  });

  it("a host that moves to a new address resets its connections and is found at the new one", () => {
    const { sim, net, a, b } = setup();
    echoServer(b);
    const cl = client(a, "10.0.0.2");
    sim.runUntil(10);
    b.setAddress("10.0.0.22");
    sim.runUntilIdle();
    expect(cl.closed()).toBe("ECONNRESET");
    expect(net.lookup("10.0.0.2")).toBeUndefined();
    const cl2 = client(a, "10.0.0.22");
    cl2.conn.send("x");
    sim.runUntilIdle();
    expect(cl2.data).toEqual(["x"]);
  });

  it("translates service addresses, and refuses when there is no backend", () => {
    const { sim, net, a, b } = setup();
    const srv = echoServer(b, 8080);
    let backends = true;
    net.translate = (_from, to) =>
      to.ip === "10.96.0.10" ? (backends ? { ip: "10.0.0.2", port: 8080 } : null) : undefined;
    const cl = client(a, "10.96.0.10", 80);
    cl.conn.send("via vip");
    sim.runUntilIdle();
    expect(srv.received).toEqual(["via vip"]);
    expect(cl.conn.remote).toEqual({ ip: "10.96.0.10", port: 80 });
    backends = false;
    const cl2 = client(a, "10.96.0.10", 80);
    sim.runUntilIdle();
    expect(cl2.closed()).toBe("ECONNREFUSED");
  });

  it("loopback reaches the same host", () => {
    const { sim, a } = setup();
    const srv = echoServer(a, 2181);
    const cl = client(a, "127.0.0.1", 2181);
    cl.conn.send("ruok");
    sim.runUntilIdle();
    expect(srv.received).toEqual(["ruok"]);
  });

  it("keeps what arrives before the owner listens, as a receive buffer does, and hands it over in order", () => {
    const { sim, a, b } = setup();
    // A server that greets and hangs up the moment it accepts: both land with the SYN-ACK.
    b.listen(3306, (conn) => {
      conn.send("greeting");
      conn.send("bye");
      conn.end();
    });
    const conn = a.connect("10.0.0.2", 3306);
    const seen: string[] = [];
    conn.onOpen = () => {
      seen.push("open");
      // The owner's coroutine resumes in a later event of the same instant, then listens.
      sim.schedule(0, () => {
        conn.onData = (d) => seen.push(`data:${String(d)}`);
        sim.schedule(5, () => {
          conn.onEnd = () => seen.push("end");
        });
      });
    };
    sim.runUntilIdle();
    expect(seen).toEqual(["open", "data:greeting", "data:bye", "end"]);
  });

  it("answers an ICMP echo from the kernel of the host holding the address, unless it is down", () => {
    const { sim, a, b } = setup();
    const node = a.net.addHost("node", "192.168.0.1");
    a.router = node;
    const replies: number[] = [];
    a.echo("10.0.0.2", 64, (ttl) => replies.push(ttl));
    sim.runUntilIdle();
    expect(replies).toEqual([63]);
    b.powerOff();
    a.echo("10.0.0.2", 64, (ttl) => replies.push(ttl));
    a.echo("10.9.9.9", 64, (ttl) => replies.push(ttl));
    sim.runUntilIdle();
    expect(replies).toEqual([63]);
  });
});
