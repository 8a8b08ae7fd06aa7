import { describe, expect, it } from "vitest";
import { ZooKeeperClient } from "../src/client/index.js";
import { Pods } from "./pods.js";

/**
 * maxClientCnxns (60 in the tutorial's manifest) caps the connections one address holds open to a
 * server: NIOServerCnxnFactory accepts the next one, logs a warning and closes it, so a client that
 * leaks sessions locks itself, and everyone behind the same address, out of that server, while
 * other addresses are still served.
 */
describe("ZooKeeper maxClientCnxns", () => {
  it("closes a 61st connection from one address and serves it once one of the 60 has gone", () => {
    const p = new Pods(7);
    p.startInOrder();
    p.run(90_000);
    const zk0 = p.pods[0]!;
    // zk-1's address holds the leaked sessions, so that a process there can try its luck too.
    const leaky = p.pods[1]!.host;
    const clientLog: string[] = [];
    const client = (log = false) =>
      new ZooKeeperClient(
        { sim: p.sim, random: p.sim.random.fork("leaky"), resolve: () => [zk0.host.ip!], connect: (ip, port, o) => leaky.connect(ip, port, o) },
        { connectString: "zk-0:2181", sessionTimeout: 30_000, log: log ? (level, _thread, _at, msg) => clientLog.push(`${level} ${msg}`) : undefined },
      );
    const held = Array.from({ length: 60 }, () => client());
    p.run(5_000);
    expect(held.every((c) => c.state === "CONNECTED")).toBe(true);

    const before = zk0.out.text().length;
    const extra = client(true);
    p.run(5_000);
    expect(extra.state).not.toBe("CONNECTED");
    const logged = zk0.out.text().slice(before);
    expect(logged).toMatch(/ - WARN  \[NIOServerCxn\.Factory:0\.0\.0\.0\/0\.0\.0\.0:2181:NIOServerCnxnFactory@188\] - Too many connections from \/10\.244\.2\.5 - max is 60\n/);
    expect(logged).not.toContain("Accepted socket connection from /10.244.2.5");
    expect(clientLog.join("\n")).toContain(
      "INFO Unable to read additional data from server sessionid 0x0, likely server has closed socket, closing socket connection and attempting reconnect",
    );

    // A four-letter word from that address gets its connection closed unanswered, and nc ends.
    expect(p.exec(p.pods[1]!, ["bash", "-c", "echo ruok | nc zk-0 2181; echo status $?"], 5_000)).toMatchObject({ status: 0, out: "status 0\n" });
    // Another address, and the server's own probes over loopback, are not counted against it.
    expect(p.exec(zk0, ["bash", "-c", "echo ruok | nc localhost 2181"]).out).toBe("imok");
    expect(p.exec(p.pods[2]!, ["bash", "-c", "echo ruok | nc zk-0 2181"]).out).toBe("imok");

    // A slot comes free when a held connection closes; the retrying client then gets its session.
    held[0]!.close();
    p.run(10_000);
    expect(extra.state).toBe("CONNECTED");
  });
});
