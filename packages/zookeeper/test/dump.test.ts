import { describe, expect, it } from "vitest";
import { ensembleWithClients } from "./clients.js";

/**
 * The `dump` four-letter word: the leader prints SessionTrackerImpl's expiry buckets (dates on the
 * monotonic clock) with the sessions in each; a follower only names its LearnerSessionTracker; both
 * list the ephemeral znodes by owning session, which go with the session.
 */
describe("ZooKeeper dump", () => {
  it("prints the leader's session sets and every member's ephemerals", () => {
    const { p, client, call } = ensembleWithClients();
    const mode = (i: number) => /Mode: (\w+)/.exec(p.exec(p.pods[i]!, ["bash", "-c", "echo srvr | nc localhost 2181"]).out)?.[1];
    const leader = p.pods.findIndex((_, i) => mode(i) === "leader");
    const follower = p.pods.findIndex((_, i) => mode(i) === "follower");
    expect(leader).toBeGreaterThanOrEqual(0);
    const dump = (i: number) => p.exec(p.pods[i]!, ["bash", "-c", "echo dump | nc localhost 2181"]).out;

    const a = client(`zk-${follower}:2181`);
    const b = client(`zk-${leader}:2181`);
    expect(call(a.zk.create("/eph-a", "1", { ephemeral: true })).err).toBe(0);
    expect(call(a.zk.create("/eph-b", "1", { ephemeral: true })).err).toBe(0);
    expect(call(b.zk.create("/eph-c", "1", { ephemeral: true })).err).toBe(0);
    const sa = `0x${a.zk.sessionId.toString(16)}`;
    const sb = `0x${b.zk.sessionId.toString(16)}`;

    const led = dump(leader);
    const m = /^SessionTracker dump:\nSession Sets \((\d+)\):\n((?:\d+ expire at \w{3} \w{3} \d\d \d\d:\d\d:\d\d UTC \d{4}:\n(?:\t0x[0-9a-f]+\n)*)*)ephemeral nodes dump:\n/.exec(led);
    expect(m, led).not.toBeNull();
    // Every live session sits in exactly one set, whose count heads it.
    const sets = [...m![2]!.matchAll(/(\d+) expire at [^\n]+:\n((?:\t0x[0-9a-f]+\n)*)/g)];
    expect(sets.length).toBe(Number(m![1]));
    for (const [, n, ids] of sets) expect(ids!.split("\n").filter(Boolean).length).toBe(Number(n));
    const listed = sets.flatMap(([, , ids]) => ids!.split("\n").filter(Boolean).map((x) => x.trim()));
    expect(listed.sort()).toEqual([sa, sb].sort());

    const ephemerals = led.slice(led.indexOf("ephemeral nodes dump:"));
    expect(ephemerals).toContain("Sessions with Ephemerals (2):\n");
    // Paths in HashSet order: "/eph-b" hashes to bucket 4, "/eph-a" to 5.
    expect(ephemerals).toContain(`${sa}:\n\t/eph-b\n\t/eph-a\n`);
    expect(ephemerals).toContain(`${sb}:\n\t/eph-c\n`);

    // A follower knows the ephemerals too (its data tree is the same) but not the session sets.
    const fol = dump(follower);
    expect(fol).toMatch(/^SessionTracker dump:\norg\.apache\.zookeeper\.server\.quorum\.LearnerSessionTracker@[0-9a-f]+\nephemeral nodes dump:\n/);
    expect(fol.slice(fol.indexOf("ephemeral nodes dump:"))).toBe(ephemerals);
    // The tracker is one object while the follower keeps its role: the same identity each time.
    expect(dump(follower).split("\n")[1]).toBe(fol.split("\n")[1]);

    call(a.zk.close());
    p.run(1_000);
    const after = dump(leader);
    expect(after).not.toContain(sa);
    expect(after).toContain(`Sessions with Ephemerals (1):\n${sb}:\n\t/eph-c\n`);
  });

  it("resets the server's and the connections' counters (srst, crst) and reports the trace mask (gtmk)", () => {
    const { p, client, call } = ensembleWithClients();
    const fourLetter = (word: string) => p.exec(p.pods[0]!, ["bash", "-c", `echo ${word} | nc localhost 2181`]).out;
    const a = client("zk-0:2181");
    for (let i = 0; i < 3; i++) call(a.zk.exists("/"));
    const session = `sid=0x${a.zk.sessionId.toString(16)}`;
    // dumpConnectionInfo's long form for a connection with a session; the cons connection itself has none.
    const cons = fourLetter("cons");
    expect(cons).toMatch(new RegExp(`^ /[\\d.]+:\\d+\\[0\\]\\(queued=0,recved=0,sent=0\\)$`, "m"));
    expect(cons).toMatch(
      new RegExp(`\\(queued=0,recved=[1-9]\\d*,sent=[1-9]\\d*,${session},lop=EXIS,est=\\d{13},to=30000,lcxid=0x[1-9a-f][0-9a-f]*,lzxid=0x[0-9a-f]+,lresp=\\d+,llat=\\d+,minlat=\\d+,avglat=\\d+,maxlat=\\d+\\)\n`),
    );
    expect(fourLetter("crst")).toBe("Connection stats reset.\n");
    expect(fourLetter("cons")).toContain(`(queued=0,recved=0,sent=0,${session},lop=NA,est=`);
    expect(fourLetter("cons")).toMatch(new RegExp(`${session},lop=NA,est=\\d+,to=30000,lzxid=0xffffffffffffffff,lresp=0,llat=0,minlat=0,avglat=0,maxlat=0\\)`));
    expect(fourLetter("srst")).toBe("Server stats reset.\n");
    expect(fourLetter("gtmk")).toBe("306");
  });
});
