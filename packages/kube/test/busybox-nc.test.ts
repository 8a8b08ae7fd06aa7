import { Network, Sim } from "@ksim/sim";
import { describe, expect, it } from "vitest";
import { Sandbox } from "../src/userland/sandbox.js";

/**
 * busybox 1.28's nc as defconfig builds it (nc_bloaty.c), as a client, against a server that
 * answers `ruok` with `imok` and closes, as ZooKeeper's four-letter words do. Formats from the
 * 1.28-era source (the Debian busybox here builds the other nc, so none could be recorded).
 */
function setup() {
  const sim = new Sim({ seed: 5 });
  const net = new Network(sim, { latency: (a, b) => (a === b ? 0 : 1) });
  const server = net.addHost("zk-0", "10.244.1.5");
  server.listen(2181, (conn) => {
    conn.onData = (d) => {
      if (d === "ruok\n") conn.send("imok");
      conn.end();
    };
    conn.onEnd = () => conn.end();
  });
  const pod = new Sandbox({ sim, network: net, base: "busybox", hostname: "dns-test", ip: "10.244.2.7", dns: { "zk-0.zk-hs": "10.244.1.5" } });
  const run = (script: string) => {
    const r = pod.run(["sh", "-c", `(${script}) 2>&1`], { cwd: "/tmp" });
    return r.stdout;
  };
  return { net, server, pod, run };
}

describe("busybox nc (nc_bloaty)", () => {
  it("says a port is open with -zv, and is silent about a refusal unless -vv", () => {
    const { run } = setup();
    expect(run("nc -zv zk-0.zk-hs 2181; echo rc=$?")).toBe("zk-0.zk-hs (10.244.1.5:2181) open\nrc=0\n");
    expect(run("nc -z zk-0.zk-hs 2181; echo rc=$?")).toBe("rc=0\n");
    expect(run("nc -zv zk-0.zk-hs 2888; echo rc=$?")).toBe("rc=1\n");
    expect(run("nc -zvv zk-0.zk-hs 2888; echo rc=$?")).toBe("nc: zk-0.zk-hs (10.244.1.5:2888): Connection refused\nsent 0, rcvd 0\nrc=1\n");
  });

  it("names a host it cannot resolve even without -v, and takes HOST:PORT as one argument", () => {
    const { run } = setup();
    expect(run("nc -z nosuch 2181; echo rc=$?")).toBe("nc: bad address 'nosuch'\nrc=1\n");
    expect(run("nc -zv zk-0.zk-hs:2181; echo rc=$?")).toBe("zk-0.zk-hs:2181 (10.244.1.5:2181) open\nrc=0\n");
    // No /etc/services in the image: a service name is port 0, refused.
    expect(run("nc -zvv zk-0.zk-hs http; echo rc=$?")).toBe("nc: zk-0.zk-hs (10.244.1.5:0): Connection refused\nsent 0, rcvd 0\nrc=1\n");
  });

  it("half-closes at the end of its input and prints what comes back until the peer closes", () => {
    const { run } = setup();
    expect(run("echo ruok | nc zk-0.zk-hs 2181; echo; echo rc=$?")).toBe("imok\nrc=0\n");
    expect(run("echo ruok | nc -vv zk-0.zk-hs 2181; echo; echo rc=$?")).toBe("zk-0.zk-hs (10.244.1.5:2181) open\nimoksent 5, rcvd 4\n\nrc=0\n");
  });

  it("stays while its own input is open, though the peer has closed", () => {
    const { pod, run } = setup();
    const start = pod.sim.now;
    expect(run("(echo ruok; sleep 3) | nc zk-0.zk-hs 2181; echo; echo rc=$?")).toBe("imok\nrc=0\n");
    expect(pod.sim.now - start).toBeGreaterThanOrEqual(3_000);
  });

  it("gives up a connect after -w seconds across a partition, saying so with -v", () => {
    const { net, server, pod, run } = setup();
    net.partition([pod.host], [server]);
    const start = pod.sim.now;
    expect(run("nc -zv -w 2 zk-0.zk-hs 2181; echo rc=$?")).toBe("nc: zk-0.zk-hs (10.244.1.5:2181): Connection timed out\nrc=1\n");
    expect(pod.sim.now - start).toBe(2_000);
  });

  it("refuses what it does not take", () => {
    const { run } = setup();
    expect(run("nc 2>&1 | head -3")).toBe("BusyBox v1.28.4 (2018-05-22 17:00:17 UTC) multi-call binary.\n\nUsage: nc [OPTIONS] HOST PORT  - connect\n");
    expect(run("nc -q 1 zk-0.zk-hs 2181 2>&1 | head -1; nc a b c >/dev/null 2>&1; echo rc=$?")).toBe("nc: invalid option -- 'q'\nrc=1\n");
  });
});
