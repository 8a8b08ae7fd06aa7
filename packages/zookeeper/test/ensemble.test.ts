import { describe, expect, it } from "vitest";
import { Pods, START, type Pod } from "./pods.js";

/** Brings up zk-0..2 in order, each once the previous one answers ruok (OrderedReady). */
function bringUp(seed = 1): Pods {
  const p = new Pods(seed);
  for (const pod of p.pods) {
    p.start(pod);
    p.run(10_000);
    expect(p.runUntil(() => p.probe(pod), 30_000)).toBe(true);
    p.ready.add(pod.name);
  }
  expect(p.runUntil(() => p.pods.every((pod) => mode(p, pod) !== undefined), 180_000)).toBe(true);
  return p;
}

/** `zkServer.sh status`'s Mode, or undefined while the server is not serving. */
function mode(p: Pods, pod: Pod): string | undefined {
  const r = p.exec(pod, ["zkServer.sh", "status"], 5000);
  return r.status === 0 ? r.out.trim().replace("Mode: ", "") : undefined;
}

describe("the kubernetes-zookeeper image: a three-server ensemble in three pods", () => {
  it("elects a leader, writes /hello at 0x100000002, reads it from a follower", () => {
    const p = bringUp();
    const modes = p.pods.map((pod) => mode(p, pod));
    expect(modes.filter((m) => m === "leader")).toHaveLength(1);
    expect(modes.filter((m) => m === "follower")).toHaveLength(2);
    const [zk0, zk1] = p.pods;
    const created = p.exec(zk0!, ["zkCli.sh", "create", "/hello", "world"]);
    expect(created.status).toBe(0);
    expect(created.err).toBe("Created /hello\n");
    expect(created.out).toContain("\nWATCHER::\n\nWatchedEvent state:SyncConnected type:None path:null\n");
    const got = p.exec(zk1!, ["zkCli.sh", "get", "/hello"]);
    expect(got.out.endsWith("WatchedEvent state:SyncConnected type:None path:null\nworld\n")).toBe(true);
    expect(got.err).toMatch(/^cZxid = 0x\w+\nctime = \w{3} \w{3} \d\d \d\d:\d\d:\d\d UTC \d{4}\nmZxid = 0x\w+\n/);
    expect(got.err).toContain("dataLength = 5\nnumChildren = 0\n");
  });

  it("answers ruok while LOOKING, refuses clients, and pins the 4lw and zkCli formats", () => {
    const p = new Pods(2);
    const zk0 = p.pods[0]!;
    p.start(zk0);
    p.run(5000);
    expect(p.exec(zk0, ["zookeeper-ready", "2181"]).status).toBe(0);
    expect(p.exec(zk0, ["zkServer.sh", "status"]).out).toBe("Error contacting service. It is probably not running.\n");
    expect(p.exec(zk0, ["java", "-version"])).toEqual({
      status: 0,
      out: "",
      err: 'openjdk version "1.8.0_131"\nOpenJDK Runtime Environment (build 1.8.0_131-8u131-b11-2ubuntu1.16.04.3-b11)\nOpenJDK 64-Bit Server VM (build 25.131-b11, mixed mode)\n',
    });
    // The sim network gives loopback connections the pod IP as their source (reported to the lead).
    expect(zk0.out.text()).toMatch(/\[NIOServerCxn\.Factory:0\.0\.0\.0\/0\.0\.0\.0:2181:NIOServerCnxn@883\] - Processing ruok command from \/[\d.]+:\d+\n/);
    const refused = p.exec(zk0, ["zkCli.sh", "get", "/hello"]);
    expect(refused.status).toBe(1);
    expect(refused.err.split("\n")[0]).toBe('Exception in thread "main" org.apache.zookeeper.KeeperException$ConnectionLossException: KeeperErrorCode = ConnectionLoss for /hello');
    expect(zk0.out.text()).toContain("Exception causing close of session 0x0 due to java.io.IOException: ZooKeeperServer not running");
    // ps: sh -c start-zookeeper ... is pid 1, the JVM its child, as uid 1000.
    const procs = zk0.table.list();
    expect(procs[0]!.commandLine.startsWith("sh -c start-zookeeper --servers=3")).toBe(true);
    const jvm = procs.find((x) => x.commandLine.startsWith("/usr/lib/jvm/java-8-openjdk-amd64/bin/java"))!;
    expect(jvm.ppid).toBe(1);
    expect(jvm.uid).toBe(1000);
    expect(jvm.commandLine).toBe(
      "/usr/lib/jvm/java-8-openjdk-amd64/bin/java -Dzookeeper.log.dir=/var/log/zookeeper -Dzookeeper.root.logger=INFO,CONSOLE -cp /usr/bin/../build/classes:/usr/bin/../build/lib/*.jar:/usr/bin/../share/zookeeper/zookeeper-3.4.10.jar:/usr/bin/../share/zookeeper/slf4j-log4j12-1.6.1.jar:/usr/bin/../share/zookeeper/slf4j-api-1.6.1.jar:/usr/bin/../share/zookeeper/netty-3.10.5.Final.jar:/usr/bin/../share/zookeeper/log4j-1.2.16.jar:/usr/bin/../share/zookeeper/jline-0.9.94.jar:/usr/bin/../src/java/lib/*.jar:/usr/bin/../etc/zookeeper: -Xmx512M -Xms512M -Dcom.sun.management.jmxremote -Dcom.sun.management.jmxremote.local.only=false org.apache.zookeeper.server.quorum.QuorumPeerMain /usr/bin/../etc/zookeeper/zoo.cfg",
    );
    expect(zk0.volume.readText("/data/myid")).toBe("1\n");
    expect(zk0.err.text()).toContain("minSessionTimeout=4000\nmaxSessionTimeout=40000\nautopurge.snapRetainCount=3\nautopurge.purgeInteval=12\nserver.1=zk-0.zk-hs.default.svc.cluster.local:2888:3888\n");
    expect(zk0.out.text()).toContain("INFO  [main:DatadirCleanupManager@101] - Purge task is not scheduled.");
    expect(zk0.out.text()).toMatch(/^Creating ZooKeeper log4j configuration\n\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \[myid:\] - INFO  \[main:QuorumPeerConfig@124\] - Reading configuration from: \/usr\/bin\/..\/etc\/zookeeper\/zoo.cfg\n/);
  });

  it("rejects an unknown start-zookeeper option", () => {
    const p = new Pods(3);
    const zk0 = p.pods[0]!;
    p.start(zk0, "start-zookeeper --servers=3 --bogus=1");
    p.run(1000);
    expect(zk0.exitStatus).toBe(1);
    expect(zk0.err.text()).toBe("Unknown option --bogus=1\n");
  });

  it("carries Ubuntu 16.04's bash 4.3.48, as bash --version, $BASH_VERSION and $BASH_VERSINFO say", () => {
    const p = new Pods(3);
    const zk0 = p.pods[0]!;
    p.start(zk0, "start-zookeeper --servers=3");
    p.run(1000);
    const version = p.exec(zk0, ["bash", "--version"]);
    expect(version.status).toBe(0);
    expect(version.out).toBe(
      "GNU bash, version 4.3.48(1)-release (x86_64-pc-linux-gnu)\nCopyright (C) 2013 Free Software Foundation, Inc.\n" +
        "License GPLv3+: GNU GPL version 3 or later <http://gnu.org/licenses/gpl.html>\n\n" +
        "This is free software; you are free to change and redistribute it.\nThere is NO WARRANTY, to the extent permitted by law.\n",
    );
    expect(p.exec(zk0, ["bash", "-c", 'echo "$BASH_VERSION ${BASH_VERSINFO[*]}"']).out).toBe("4.3.48(1)-release 4 3 48 1 release x86_64-pc-linux-gnu\n");
    // Interactive (-i), without /etc/bash.bashrc (--norc): the default prompt's \v, PS1 with \v
    // and \V, \u from /etc/passwd (the exec session has no $USER), PS1 expanded after decoding
    // (promptvars: Debian's own PS1, parameters, arithmetic, command substitution), and `exit`
    // said on the way out.
    const i = p.exec(
      zk0,
      ["bash", "--norc", "-i"],
      60_000,
      "PS1='[\\v \\V]\\$ '\necho hi\nPS1='\\u@\\h:\\w\\$ '\ncd /var/lib\n" +
        "PS1='${debian_chroot:+($debian_chroot)}\\u@\\h:\\w\\$ '\nx=v; PS1='[$x $((1+2)) $(echo sub)] '\n",
    );
    expect(i.out).toBe("hi\n");
    expect(i.err).toBe("bash-4.3$ [4.3 4.3.48]$ [4.3 4.3.48]$ zookeeper@zk-0:/$ zookeeper@zk-0:/var/lib$ zookeeper@zk-0:/var/lib$ [v 3 sub] exit\n");
    // The escapes' values are not expanded again: a `$` in the directory's name stays one.
    const q = p.exec(zk0, ["bash", "--norc", "-i"], 60_000, "mkdir '/tmp/a$HOME' && cd '/tmp/a$HOME' && PS1='\\w> '\n");
    expect(q.err).toBe("bash-4.3$ /tmp/a$HOME> exit\n");
    // With its startup files, bash reads Ubuntu's /etc/bash.bashrc: the prompt `kubectl exec -it zk-0 -- bash` shows.
    expect(p.exec(zk0, ["bash", "-i"], 60_000, "cd /var/lib\n").err).toBe("zookeeper@zk-0:/$ zookeeper@zk-0:/var/lib$ exit\n");
  });

  it("passes JVM flags the way the image does: SERVER_JVMFLAGS works, a second '=' in --heap does not", () => {
    const p = new Pods(7);
    const [zk0, zk1] = p.pods;
    p.start(zk0!, START, { SERVER_JVMFLAGS: "-Dzookeeper.forceSync=no" });
    // getopts' ${OPTARG##*=} keeps what follows the last '=': the heap becomes "no".
    p.start(zk1!, START.replace("--heap=512M", "--heap='512M -Dzookeeper.forceSync=no'"));
    p.run(2000);
    const jvm = zk0!.table.list().find((x) => x.commandLine.includes("QuorumPeerMain"))!;
    expect(jvm.commandLine).toContain(" -Dzookeeper.forceSync=no -Xmx512M -Xms512M -Dcom.sun.management.jmxremote ");
    expect(p.exec(zk1!, ["cat", "/opt/zookeeper/conf/java.env"]).out).toBe('ZOO_LOG_DIR=/var/log/zookeeper\nJVMFLAGS="-Xmxno -Xmsno"\n');
    expect(zk1!.exitStatus).toBe(1);
    expect(zk1!.err.text()).toContain("Using config: /usr/bin/../etc/zookeeper/zoo.cfg\nInvalid maximum heap size: -Xmxno\nError: Could not create the Java Virtual Machine.\nError: A fatal exception has occurred. Program will exit.\n");
  });

  it("refuses an empty myid as QuorumPeerConfig does", () => {
    const p = new Pods(8);
    const zk0 = p.pods[0]!;
    zk0.volume.mkdir("/data", { recursive: true });
    zk0.volume.writeFile("/data/myid", "");
    p.start(zk0);
    p.run(2000);
    expect(zk0.exitStatus).toBe(2);
    expect(zk0.out.text()).toContain("Invalid config, exiting abnormally\norg.apache.zookeeper.server.quorum.QuorumPeerConfig$ConfigException: Error processing /usr/bin/../etc/zookeeper/zoo.cfg\njava.lang.IllegalArgumentException: serverid null is not a number\n");
  });

  it("pins zkCli output for errors and stat, and srvr/mntr on a serving ensemble", () => {
    const p = bringUp(4);
    const zk0 = p.pods[0]!;
    expect(p.exec(zk0, ["zkCli.sh", "get", "/nope"]).err).toBe("Node does not exist: /nope\n");
    expect(p.exec(zk0, ["zkCli.sh", "create", "nope", "x"]).err).toBe("Command failed: java.lang.IllegalArgumentException: Path must start with / character\n");
    expect(p.exec(zk0, ["zkCli.sh", "create", "/a", "1"]).err).toBe("Created /a\n");
    expect(p.exec(zk0, ["zkCli.sh", "create", "/a", "1"]).err).toBe("Node already exists: /a\n");
    expect(p.exec(zk0, ["zkCli.sh", "create", "-s", "/a/s", "1"]).err).toBe("Created /a/s0000000000\n");
    expect(p.exec(zk0, ["zkCli.sh", "delete", "/a"]).err).toBe("Node not empty: /a\n");
    expect(p.exec(zk0, ["zkCli.sh", "ls", "/"]).out.endsWith("[a, zookeeper]\n")).toBe(true);
    expect(p.exec(zk0, ["zkCli.sh", "rmr", "/a"]).status).toBe(0);
    expect(p.exec(zk0, ["zkCli.sh", "stat", "/a"]).err).toBe("Node does not exist: /a\n");
    // Every znode has the open ACL; getAcl prints jute's CSV form of the id.
    expect(p.exec(zk0, ["zkCli.sh", "getAcl", "/zookeeper"]).out.endsWith("\n'world,'anyone\n: cdrwa\n")).toBe(true);
    expect(p.exec(zk0, ["zkCli.sh", "getAcl", "/a"]).err).toBe("Node does not exist: /a\n");
    // sync answers through a callback, which a command line exits before; history starts at an empty entry 0.
    expect(p.exec(zk0, ["zkCli.sh", "sync", "/"]).out).not.toContain("Sync returned");
    expect(p.exec(zk0, ["zkCli.sh", "history"]).out.endsWith("\n0 - null\n")).toBe(true);
    // At the prompt: close ends the session, commands then say so, connect opens one elsewhere.
    const typed = p.exec(zk0, ["zkCli.sh"], 60_000, `close\nls /\nconnect ${p.fqdn("zk-1")}:2181\nls /\nquit\n`).out;
    expect(typed).toContain("[zk: localhost:2181(CLOSED) 1] Not connected\n[zk: localhost:2181(CLOSED) 2] ");
    expect(typed).toContain(`[zk: ${p.fqdn("zk-1")}:2181(CONNECTING) 3] `);
    // ZooKeeper.close() says so from the main thread and from the event thread it stops, with 3.4.10's lines.
    expect(typed).toMatch(
      /\[zookeeper\]\n\[zk: zk-1\.zk-hs\.default\.svc\.cluster\.local:2181\(CONNECTED\) 4\] Quitting\.\.\.\n\S+ \S+ \[myid:\] - INFO  \[main:ZooKeeper@684\] - Session: 0x([0-9a-f]+) closed\n\S+ \S+ \[myid:\] - INFO  \[main-EventThread:ClientCnxn\$EventThread@519\] - EventThread shut down for session: 0x\1\n$/,
    );
    expect(typed).toMatch(/\nWatchedEvent state:SyncConnected type:None path:null\n\S+ \S+ \[myid:\] - INFO  \[main:ZooKeeper@684\] - Session: 0x[0-9a-f]+ closed\n/);
    const srvr = p.exec(zk0, ["zookeeper-metrics", "2181"]).out;
    expect(srvr).toMatch(/^zk_version\t3\.4\.10-39d3a4f269333c922ed3db283be479f9deacaa0f, built on 03\/23\/2017 10:13 GMT\nzk_avg_latency\t\d+\nzk_max_latency\t\d+\nzk_min_latency\t\d+\nzk_packets_received\t\d+\nzk_packets_sent\t\d+\nzk_num_alive_connections\t1\nzk_outstanding_requests\t0\nzk_server_state\t(leader|follower)\nzk_znode_count\t4\nzk_watch_count\t0\nzk_ephemerals_count\t0\nzk_approximate_data_size\t27\n/);
  });

  it("re-elects when the leader's JVM dies, and keeps /hello and its stat across a full restart", () => {
    const p = bringUp(5);
    const zk0 = p.pods[0]!;
    expect(p.exec(zk0, ["zkCli.sh", "create", "/hello", "world"]).err).toBe("Created /hello\n");
    const before = p.exec(zk0, ["zkCli.sh", "get", "/hello"]).err;
    const leader = p.pods.find((pod) => mode(p, pod) === "leader")!;
    const jvm = leader.table.list().find((x) => x.commandLine.includes("QuorumPeerMain"))!;
    leader.table.kill(jvm.pid, "SIGKILL");
    p.run(1000);
    expect(leader.exitStatus).toBe(137);
    const others = p.pods.filter((pod) => pod !== leader);
    expect(p.runUntil(() => others.some((pod) => mode(p, pod) === "leader"), 60_000)).toBe(true);
    expect(p.exec(others[0]!, ["zkCli.sh", "get", "/hello"]).err).toBe(before);
    // Delete the StatefulSet (SIGTERM everywhere), then bring it back on the same volumes.
    p.start(leader);
    p.run(15_000);
    for (const pod of p.pods) pod.table.kill(1, "SIGTERM");
    p.run(2000);
    for (const pod of p.pods) expect(pod.table.size).toBe(0);
    p.ready.clear();
    p.startInOrder();
    expect(p.runUntil(() => p.pods.every((pod) => mode(p, pod) !== undefined), 180_000)).toBe(true);
    expect(p.exec(p.pods[2]!, ["zkCli.sh", "get", "/hello"]).err).toBe(before);
  });

  it("runs an idle simulated hour cheaply: heartbeats only", () => {
    const p = bringUp(6);
    const events = p.sim.eventsRun;
    p.run(3_600_000);
    // Pings every tickTime/2 to two followers, their replies, and timer re-arms.
    expect(p.sim.eventsRun - events).toBeLessThan(60_000);
    expect(p.pods.every((pod) => mode(p, pod) !== undefined)).toBe(true);
  });
});
