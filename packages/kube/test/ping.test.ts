import { Network, Sim } from "@ksim/sim";
import { describe, expect, it } from "vitest";
import { Sandbox } from "../src/userland/sandbox.js";

/**
 * busybox 1.28's ping over the simulated network's ICMP echo. Formats are busybox's (checked
 * against a real busybox 1.35 run where the two agree); TTLs are those a routed CNI shows: 63
 * from a pod on the same node, 62 across nodes, 64 from the pod's own node.
 */
function cluster() {
  const sim = new Sim({ seed: 3 });
  // One millisecond each way, so that round trips read 2.000 ms.
  const net = new Network(sim, { latency: (a, b) => (a === b ? 0 : 1) });
  const node1 = net.addHost("node-1", "192.168.49.2");
  const node2 = net.addHost("node-2", "192.168.49.3");
  const pod = (name: string, ip: string, node: typeof node1) => {
    const s = new Sandbox({ sim, network: net, base: "busybox", hostname: name, ip, dns: { "peer.svc": "10.244.1.7" } });
    s.host.router = node;
    return s;
  };
  const a = pod("a", "10.244.1.5", node1);
  pod("b", "10.244.1.6", node1);
  const c = pod("c", "10.244.2.5", node2);
  return { sim, net, a, c, node1, node2 };
}

describe("busybox ping", () => {
  it("prints a line per reply and the statistics once -c replies are in", () => {
    const { a } = cluster();
    expect(a.run(["ping", "-c", "3", "10.244.2.5"])).toEqual({
      status: 0,
      stdout:
        "PING 10.244.2.5 (10.244.2.5): 56 data bytes\n" +
        "64 bytes from 10.244.2.5: seq=0 ttl=62 time=2.000 ms\n" +
        "64 bytes from 10.244.2.5: seq=1 ttl=62 time=2.000 ms\n" +
        "64 bytes from 10.244.2.5: seq=2 ttl=62 time=2.000 ms\n" +
        "\n--- 10.244.2.5 ping statistics ---\n" +
        "3 packets transmitted, 3 packets received, 0% packet loss\n" +
        "round-trip min/avg/max = 2.000/2.000/2.000 ms\n",
      stderr: "",
    });
  });

  it("shows the TTL each path leaves: 64 less one per node that forwards the packet", () => {
    const { a } = cluster();
    const ttl = (target: string) => /ttl=(\d+)/.exec(a.run(["ping", "-c", "1", target]).stdout)?.[1];
    expect(ttl("127.0.0.1")).toBe("64");
    expect(ttl("10.244.1.5")).toBe("64");
    expect(ttl("10.244.1.6")).toBe("63");
    expect(ttl("10.244.2.5")).toBe("62");
    expect(ttl("192.168.49.2")).toBe("64");
    expect(ttl("192.168.49.3")).toBe("63");
    // A router drops what it would forward with TTL 0: -t 2 dies at the second node, 3 gets through.
    expect(a.run(["ping", "-c", "1", "-W", "1", "-t", "2", "10.244.2.5"]).stdout).toContain("0 packets received, 100% packet loss");
    expect(a.run(["ping", "-c", "1", "-t", "3", "10.244.2.5"]).stdout).toContain("ttl=62");
    expect(a.run(["ping", "-c", "1", "-t", "1", "10.244.1.5"]).stdout).toContain("ttl=64");
  });

  it("names the host as typed, resolves it, and quiet mode prints only the ends", () => {
    const { a } = cluster();
    expect(a.run(["ping", "-q", "-c", "2", "peer.svc:80"]).stdout).toBe(
      "PING peer.svc:80 (10.244.1.7): 56 data bytes\n\n--- peer.svc:80 ping statistics ---\n2 packets transmitted, 0 packets received, 100% packet loss\n",
    );
    // Fewer than four data bytes leave no room for the send time: no time= and no round-trip line.
    expect(a.run(["ping", "-c", "1", "-s", "3", "10.244.1.6"]).stdout).toBe(
      "PING 10.244.1.6 (10.244.1.6): 3 data bytes\n11 bytes from 10.244.1.6: seq=0 ttl=63\n\n--- 10.244.1.6 ping statistics ---\n1 packets transmitted, 1 packets received, 0% packet loss\n",
    );
  });

  it("gets nothing through a partition, and gives up -W seconds after the last request", () => {
    const { sim, net, a, c } = cluster();
    net.partition([a.host], [c.host]);
    const start = sim.now;
    const r = a.run(["ping", "-c", "2", "-W", "1", "10.244.2.5"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("PING 10.244.2.5 (10.244.2.5): 56 data bytes\n\n--- 10.244.2.5 ping statistics ---\n2 packets transmitted, 0 packets received, 100% packet loss\n");
    expect(sim.now - start).toBe(2_000);
    // An address nobody holds, such as a Service's virtual IP, answers nothing either.
    expect(a.run(["ping", "-c", "1", "-W", "1", "10.96.0.10"]).status).toBe(1);
  });

  it("counts the request its -w deadline stops at as sent, as 1.28 does", () => {
    const { a } = cluster();
    const r = a.run(["ping", "-w", "3", "10.244.1.6"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/seq=2 ttl=63 time=2\.000 ms\n\n--- 10\.244\.1\.6 ping statistics ---\n4 packets transmitted, 3 packets received, 25% packet loss\n/);
  });

  it("prints the statistics on ^C, exiting 0 if a reply came", () => {
    const { sim, a } = cluster();
    const { process, stdout } = a.spawn(["ping", "10.244.2.5"]);
    sim.runUntil(sim.now + 2_500);
    process.signal("SIGINT");
    sim.runUntil(sim.now + 10);
    expect(stdout.text()).toMatch(/seq=2 ttl=62 time=2\.000 ms\n\n--- 10\.244\.2\.5 ping statistics ---\n3 packets transmitted, 3 packets received, 0% packet loss\nround-trip min\/avg\/max = 2\.000\/2\.000\/2\.000 ms\n$/);
    expect(process.alive).toBe(false);
  });

  it("refuses what the real one refuses", () => {
    const { a } = cluster();
    const usage = (r: { stderr: string }) => r.stderr.includes("Usage: ping [OPTIONS] HOST\n\nSend ICMP ECHO_REQUEST packets to network hosts\n");
    const none = a.run(["ping"]);
    expect(none.status).toBe(1);
    expect(usage(none)).toBe(true);
    const help = a.run(["ping", "--help"]);
    expect(help.status).toBe(0);
    expect(usage(help)).toBe(true);
    // 1.28 has no -i (it came in 1.30).
    const interval = a.run(["ping", "-i", "1", "10.244.1.6"]);
    expect(interval.status).toBe(1);
    expect(interval.stderr.startsWith("ping: invalid option -- 'i'\nBusyBox v1.28.4")).toBe(true);
    expect(a.run(["ping", "-c", "abc", "x"])).toEqual({ status: 1, stdout: "", stderr: "ping: invalid number 'abc'\n" });
    expect(a.run(["ping", "-s", "70000", "x"]).stderr).toBe("ping: number 70000 is not in 0..65535 range\n");
    expect(a.run(["ping", "-c", "1", "nosuch"])).toEqual({ status: 1, stdout: "", stderr: "ping: bad address 'nosuch'\n" });
    // Without root there is no raw socket: the header comes first, then the error.
    expect(a.run(["ping", "-c", "1", "10.244.1.6"], { cred: { uid: 65534, gid: 65534 } })).toEqual({
      status: 1,
      stdout: "PING 10.244.1.6 (10.244.1.6): 56 data bytes\n",
      stderr: "ping: permission denied (are you root?)\n",
    });
  });
});
