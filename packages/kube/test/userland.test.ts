import { Sim, Volume, wait, type Proc } from "@ksim/sim";
import { describe, expect, it } from "vitest";
import type { ProcessContext } from "../src/index.js";
import { httpResponse, serveHttp, type HttpRequest } from "../src/runtime/http.js";
import { Sandbox } from "../src/userland/index.js";
import { itMatchesRecorded } from "./helpers.js";

const ZOOKEEPER = [{ name: "zookeeper", uid: 1000, gid: 1000 }];

describe("ls", () => {
  it("shows a volume directory with fsGroup the way the ZooKeeper tutorial does", () => {
    const sim = new Sim({ seed: 1, startEpochMs: Date.UTC(2016, 11, 5, 20, 45) });
    const sb = new Sandbox({ sim, hostname: "zk-0", users: ZOOKEEPER });
    const vol = new Volume(sim, "pv-1");
    vol.applyFsGroup(1000);
    sb.rootfs.mount({ path: "/var/lib/zookeeper", volume: vol, subPath: "", readOnly: false });
    const zk = { uid: 1000, gid: 1000, groups: [1000] };
    expect(sb.run(["mkdir", "-p", "/var/lib/zookeeper/data/version-2"], { cred: zk }).status).toBe(0);
    sim.advance(20 * 60_000);
    expect(sb.run(["ls", "-ld", "/var/lib/zookeeper/data"], { cred: zk }).stdout).toBe("drwxr-sr-x 3 zookeeper zookeeper 4096 Dec  5 20:45 /var/lib/zookeeper/data\n");
  });

  it("lists one name per line, long format with aligned columns, totals and old dates", () => {
    const sb = new Sandbox({ users: ZOOKEEPER });
    const fs = sb.fs();
    fs.mkdir("/srv/d");
    fs.writeFile("/srv/d/a.txt", "hello\n");
    fs.mkdir("/srv/d/sub");
    fs.writeFile("/srv/d/.hidden", "");
    fs.writeFile("/srv/d/big", "x".repeat(5000));
    fs.chown("/srv/d/big", 1000, 1000);
    expect(sb.run(["ls", "/srv/d"]).stdout).toBe("a.txt\nbig\nsub\n");
    expect(sb.run(["ls", "-a", "/srv/d"]).stdout).toBe(".\n..\n.hidden\na.txt\nbig\nsub\n");
    expect(sb.run(["ls", "-l", "/srv/d"]).stdout).toBe(
      [
        "total 16",
        "-rw-r--r-- 1 root      root         6 Jan  1 00:00 a.txt",
        "-rw-r--r-- 1 zookeeper zookeeper 5000 Jan  1 00:00 big",
        "drwxr-xr-x 2 root      root      4096 Jan  1 00:00 sub",
        "",
      ].join("\n"),
    );
    expect(sb.run(["ls", "-lh", "/srv/d/big"]).stdout).toBe("-rw-r--r-- 1 zookeeper zookeeper 4.9K Jan  1 00:00 /srv/d/big\n");
    // Image files are 30 days older than the clock: still recent. A year later they show the year.
    sb.sim.advance(400 * 86_400_000);
    expect(sb.run(["ls", "-l", "/etc/debian_version"]).stdout).toBe("-rw-r--r-- 1 root root 5 Dec  2  2023 /etc/debian_version\n");
  });

  it("complains like coreutils and like busybox", () => {
    const sb = new Sandbox();
    expect(sb.run(["ls", "/nope", "/etc/debian_version"])).toEqual({ status: 2, stdout: "/etc/debian_version\n", stderr: "ls: cannot access '/nope': No such file or directory\n" });
    expect(sb.run(["ls", "-z"])).toEqual({ status: 2, stdout: "", stderr: "ls: invalid option -- 'z'\nTry 'ls --help' for more information.\n" });
    const bb = new Sandbox({ base: "busybox" });
    expect(bb.run(["ls", "/nope"])).toEqual({ status: 1, stdout: "", stderr: "ls: /nope: No such file or directory\n" });
  });
});

describe("file tools", () => {
  it("report missing files and bad operands in coreutils' words", () => {
    const sb = new Sandbox();
    sb.fs().mkdir("/tmp/d");
    sb.fs().writeFile("/tmp/d/f", "x");
    const cases: [string[], number, string][] = [
      [["cat", "/x"], 1, "cat: /x: No such file or directory\n"],
      [["cat", "/tmp/d"], 1, "cat: /tmp/d: Is a directory\n"],
      [["rm", "/x"], 1, "rm: cannot remove '/x': No such file or directory\n"],
      [["rm", "/tmp/d"], 1, "rm: cannot remove '/tmp/d': Is a directory\n"],
      [["rm"], 1, "rm: missing operand\nTry 'rm --help' for more information.\n"],
      [["mkdir", "/tmp/d"], 1, "mkdir: cannot create directory '/tmp/d': File exists\n"],
      [["mkdir", "/tmp/x/y"], 1, "mkdir: cannot create directory '/tmp/x/y': No such file or directory\n"],
      [["rmdir", "/tmp/d"], 1, "rmdir: failed to remove '/tmp/d': Directory not empty\n"],
      [["cp", "/x", "/tmp"], 1, "cp: cannot stat '/x': No such file or directory\n"],
      [["cp", "/tmp/d", "/tmp/e"], 1, "cp: -r not specified; omitting directory '/tmp/d'\n"],
      [["chown", "nobody2", "/tmp/d"], 1, "chown: invalid user: 'nobody2'\n"],
      [["sleep", "x"], 1, "sleep: invalid time interval 'x'\nTry 'sleep --help' for more information.\n"],
      [["touch", "/nope/x"], 1, "touch: cannot touch '/nope/x': No such file or directory\n"],
    ];
    for (const [argv, status, stderr] of cases) expect(sb.run(argv), argv.join(" ")).toEqual({ status, stdout: "", stderr });
  });

  it("copy, move, chmod, chown and remove trees", () => {
    const sb = new Sandbox({ users: ZOOKEEPER });
    const r = sb.run(["sh", "-c", "mkdir -p /a/b && echo hi > /a/b/f && cp -r /a /c && mv /c/b/f /c/g && chmod 700 /c/g && chown -R zookeeper:zookeeper /c && ls -l /c && rm -rf /a && ls /"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("drwxr-xr-x 2 zookeeper zookeeper 4096 Jan  1 00:00 b\n-rwx------ 1 zookeeper zookeeper    3 Jan  1 00:00 g\n");
    expect(r.stdout).not.toMatch(/^a$/m);
    expect(sb.fs().readText("/c/g")).toBe("hi\n");
  });
});

describe("text tools", () => {
  it("grep, sed, cut, tr, sort, uniq, head, tail and wc in pipelines", () => {
    const sb = new Sandbox();
    sb.fs().writeFile("/tmp/t", "b 2\na 1\nc 3\na 1\nB 4\n");
    const run = (s: string) => sb.run(["sh", "-c", s]);
    expect(run("grep -c a /tmp/t; grep -i b /tmp/t; grep -v -E '^(a|b)' /tmp/t; grep -q zz /tmp/t; echo $?; grep -o '[0-9]' /tmp/t | head -2").stdout).toBe("2\nb 2\nB 4\nc 3\nB 4\n1\n2\n1\n");
    expect(run("sort /tmp/t | uniq -c; sort -u /tmp/t | wc -l; sort -k2 -n -r /tmp/t | head -1").stdout).toBe("      1 B 4\n      2 a 1\n      1 b 2\n      1 c 3\n4\nB 4\n");
    expect(run("sed -n 's/^a \\(.\\)/A=\\1/p' /tmp/t; sed '2,4d' /tmp/t; echo x,y,z | cut -d, -f2-; echo hello | tr a-z A-Z; echo a  b | tr -s ' '").stdout).toBe("A=1\nA=1\nb 2\nB 4\ny,z\nHELLO\na b\n");
    expect(run("tail -n 2 /tmp/t; head -c 3 /tmp/t; echo; wc -l < /tmp/t; wc /tmp/t").stdout).toBe("a 1\nB 4\nb 2\n5\n 5 10 20 /tmp/t\n");
    expect(run("grep x /nope").stderr).toBe("grep: /nope: No such file or directory\n");
  });

  it("sed -i keeps a backup given a suffix glued to -i (-i.bak, --in-place=SUF, and -ie's suffix 'e')", () => {
    const sb = new Sandbox();
    const out = (s: string) => sb.run(["sh", "-c", s]).stdout;
    expect(out("echo a > /tmp/f; sed -i.bak -E 's/a/b/' /tmp/f; cat /tmp/f /tmp/f.bak")).toBe("b\na\n");
    expect(out("echo a > /tmp/h; sed --in-place=.orig 's/a/d/' /tmp/h; cat /tmp/h /tmp/h.orig")).toBe("d\na\n");
    expect(out("echo a > /tmp/g; sed -ie 's/a/c/' /tmp/g; cat /tmp/g /tmp/ge")).toBe("c\na\n");
    expect(out("echo a > /tmp/k; sed -n -i 's/a/e/p' /tmp/k; sed -e s/e/z/ -i /tmp/k; cat /tmp/k; ls /tmp")).toBe("z\nf\nf.bak\ng\nge\nh\nh.orig\nk\n");
  });

  it("grep prints context as GNU grep does: '-' marks context lines, '--' separates groups", () => {
    const sb = new Sandbox();
    sb.fs().writeFile("/tmp/n", "1\nx\n3\n4\n5\nx\n7\n");
    sb.fs().writeFile("/tmp/f1", "a\nx\n");
    sb.fs().writeFile("/tmp/f2", "b\nx\n");
    sb.fs().writeFile("/tmp/pats", "3\n7\n");
    const out = (s: string) => sb.run(["sh", "-c", s]).stdout;
    expect(out("printf 'a\\nb\\nc\\nd\\ne\\n' | grep -A2 b")).toBe("b\nc\nd\n");
    expect(out("grep -n -C1 x /tmp/n")).toBe("1-1\n2:x\n3-3\n--\n5-5\n6:x\n7-7\n");
    expect(out("grep -B1 x /tmp/f1 /tmp/f2")).toBe("/tmp/f1-a\n/tmp/f1:x\n--\n/tmp/f2-b\n/tmp/f2:x\n");
    // Overlapping context merges; -A0 still separates groups that are apart.
    expect(out("grep --after-context=3 x /tmp/n")).toBe("x\n3\n4\n5\nx\n7\n");
    expect(out("grep -A0 x /tmp/n")).toBe("x\n--\nx\n");
    // -m stops after its matches, with their trailing context up to the next selected line.
    expect(out("printf 'x\\n2\\nx\\n4\\n' | grep -m1 -A2 x")).toBe("x\n2\n");
    expect(out("grep -c -A1 x /tmp/n")).toBe("2\n");
    expect(out("grep -f /tmp/pats /tmp/n; grep -e x -f /tmp/pats -c /tmp/n")).toBe("3\n7\n4\n");
    const bad = sb.run(["sh", "-c", "grep -A z x /tmp/n"]);
    expect([bad.stderr, bad.status]).toEqual(["grep: z: invalid context length argument\n", 2]);
  });
});

describe("procps", () => {
  function zookeeperTree() {
    const sim = new Sim({ seed: 1, startEpochMs: Date.UTC(2016, 11, 5, 20, 46) });
    const sb = new Sandbox({ sim, hostname: "zk-0", users: ZOOKEEPER, files: { "/usr/lib/jvm/java-8-openjdk-amd64/bin/java": { program: "test:java" } } });
    sb.registry.registerProgram("test:java", function* (ctx: ProcessContext): Proc<number> {
      ctx.stats.sizePages = 1155556;
      ctx.stats.cpu = 0.01;
      return yield* wait(ctx.exited);
    });
    const zk = { uid: 1000, gid: 1000 };
    const init = sb.spawn(["sh", "-c", "/usr/lib/jvm/java-8-openjdk-amd64/bin/java -Xmx2G org.apache.zookeeper.server.quorum.QuorumPeerMain /usr/bin/../etc/zookeeper/zoo.cfg; echo java exited $?"], { cred: zk });
    sim.advance(20 * 60_000);
    return { sb, zk, init };
  }

  it("ps -ef and -elf print procps's columns, user names cut to 7 characters and a plus", () => {
    const { sb, zk } = zookeeperTree();
    const cmd = "/usr/lib/jvm/java-8-openjdk-amd64/bin/java -Xmx2G org.apache.zookeeper.server.quorum.QuorumPeerMain /usr/bin/../etc/zookeeper/zoo.cfg";
    expect(sb.run(["ps", "-ef"], { cred: zk }).stdout).toBe(
      [
        "UID        PID  PPID  C STIME TTY          TIME CMD",
        `zookeep+     1     0  0 20:46 ?        00:00:00 sh -c ${cmd}; echo java exited $?`,
        `zookeep+     2     1  1 20:46 ?        00:00:12 ${cmd}`,
        "zookeep+     3     0  0 21:06 ?        00:00:00 ps -ef",
        "",
      ].join("\n"),
    );
    expect(sb.run(["ps", "-elf"], { cred: zk }).stdout).toBe(
      [
        "F S UID        PID  PPID  C PRI  NI ADDR SZ WCHAN  STIME TTY          TIME CMD",
        `4 S zookeep+     1     0  0  80   0 -  1127 -      20:46 ?        00:00:00 sh -c ${cmd}; echo java exited $?`,
        `0 S zookeep+     2     1  1  80   0 - 1155556 -    20:46 ?        00:00:12 ${cmd}`,
        "0 R zookeep+     4     0  0  80   0 -  1127 -      21:06 ?        00:00:00 ps -elf",
        "",
      ].join("\n"),
    );
  });

  it("pkill java matches the process name, the executable's base name", () => {
    const { sb, zk, init } = zookeeperTree();
    expect(sb.run(["pgrep", "-l", "java"], { cred: zk }).stdout).toBe("2 java\n");
    expect(sb.run(["pkill", "java"], { cred: zk }).status).toBe(0);
    sb.sim.advance(10);
    expect(init.stdout.text()).toBe("java exited 143\n");
    expect(sb.run(["pkill", "java"], { cred: zk }).status).toBe(1);
    expect(sb.run(["kill", "99"])).toEqual({ status: 1, stdout: "", stderr: "kill: (99): No such process\n" });
    // Signal 0 sends nothing and says whether the process is there, as scripts' liveness loops use it.
    const sleeper = sb.spawn(["sleep", "100"]).process.pid;
    expect(sb.run(["kill", "-0", String(sleeper)])).toEqual({ status: 0, stdout: "", stderr: "" });
    expect(sb.run(["kill", "-s", "0", "99"])).toEqual({ status: 1, stdout: "", stderr: "kill: (99): No such process\n" });
    expect(sb.run(["sh", "-c", `kill -0 ${sleeper} && echo there; kill -0 99`])).toEqual({ status: 1, stdout: "there\n", stderr: "sh: 1: kill: No such process\n\n" });
    expect(sb.run(["bash", "-c", `kill -s 0 ${sleeper} && echo there; kill -0 99`])).toEqual({ status: 1, stdout: "there\n", stderr: "bash: line 1: kill: (99) - No such process\n" });
  });
});

describe("identity and environment", () => {
  it("hostname reads the canonical name the kubelet writes to /etc/hosts", () => {
    const sb = new Sandbox({ hostname: "web-0", ip: "10.244.1.6", files: { "/etc/hosts": "127.0.0.1\tlocalhost\n10.244.1.6\tweb-0.nginx.default.svc.cluster.local\tweb-0\n" } });
    const out = (args: string[]) => sb.run(["hostname", ...args]).stdout;
    expect(out([])).toBe("web-0\n");
    expect(out(["-f"])).toBe("web-0.nginx.default.svc.cluster.local\n");
    expect(out(["-s"])).toBe("web-0\n");
    expect(out(["-d"])).toBe("nginx.default.svc.cluster.local\n");
    expect(out(["-i"])).toBe("10.244.1.6\n");
    expect(out(["-I"])).toBe("10.244.1.6 \n");
  });

  it("id, whoami, date, env and sleep", () => {
    const sb = new Sandbox({ users: ZOOKEEPER });
    const zk = { uid: 1000, gid: 1000, groups: [1000] };
    expect(sb.run(["id"], { cred: zk }).stdout).toBe("uid=1000(zookeeper) gid=1000(zookeeper) groups=1000(zookeeper)\n");
    expect(sb.run(["whoami"], { cred: { uid: 4242, gid: 4242 } }).stderr).toBe("whoami: cannot find name for user ID 4242\n");
    expect(sb.run(["sh", "-c", "date; date -u +%Y-%m-%dT%H:%M:%SZ; date --rfc-3339=seconds"]).stdout).toBe("Mon Jan  1 00:00:00 UTC 2024\n2024-01-01T00:00:00Z\n2024-01-01 00:00:00+00:00\n");
    expect(sb.run(["env", "-i", "A=1", "env"]).stdout).toBe("A=1\n");
    expect(sb.run(["env", "nosuch"])).toEqual({ status: 127, stdout: "", stderr: "env: 'nosuch': No such file or directory\n" });
    const start = sb.sim.now;
    sb.run(["sh", "-c", "sleep 30; sleep 30s; sleep 1m; sleep 0.5"]);
    expect(sb.sim.now - start).toBe(120_500);
  });
});

describe("network clients", () => {
  function world() {
    const dns = { "web-0.nginx.default.svc.cluster.local": "10.244.1.6", "kube-dns.kube-system.svc.cluster.local": "10.0.0.10" };
    const reverse = { "10.0.0.10": "kube-dns.kube-system.svc.cluster.local" };
    const client = new Sandbox({ hostname: "dns-test", base: "busybox", ip: "10.244.2.9", dns, reverse, searchDomains: ["default.svc.cluster.local", "svc.cluster.local", "cluster.local"], nameserver: "10.0.0.10" });
    const server = new Sandbox({ sim: client.sim, network: client.network, registry: client.registry, hostname: "web-0", ip: "10.244.1.6", files: { "/usr/local/bin/web": { program: "test:web" } } });
    return { client, server };
  }

  it("nslookup prints busybox 1.28's answer, and its failure", () => {
    const { client } = world();
    expect(client.run(["nslookup", "web-0.nginx"])).toEqual({
      status: 0,
      stdout: "Server:    10.0.0.10\nAddress 1: 10.0.0.10 kube-dns.kube-system.svc.cluster.local\n\nName:      web-0.nginx\nAddress 1: 10.244.1.6\n",
      stderr: "",
    });
    expect(client.run(["nslookup", "web-9.nginx"])).toEqual({
      status: 1,
      stdout: "Server:    10.0.0.10\nAddress 1: 10.0.0.10 kube-dns.kube-system.svc.cluster.local\n\n",
      stderr: "nslookup: can't resolve 'web-9.nginx'\n",
    });
  });

  it("nc sends stdin, prints the reply until the peer closes, and reports failures with -v", () => {
    const { client, server } = world();
    server.host.listen(2181, (conn) => {
      conn.onData = (d) => {
        conn.send(`${String(d).trim() === "ruok" ? "imok" : "?"}`);
        conn.end();
      };
    });
    const debian = new Sandbox({ sim: client.sim, network: client.network, registry: client.registry, hostname: "zk-1", ip: "10.244.3.3", dns: { "zk-0": "10.244.1.6" } });
    expect(debian.run(["sh", "-c", "echo ruok | nc zk-0 2181"])).toEqual({ status: 0, stdout: "imok", stderr: "" });
    expect(debian.run(["nc", "-vz", "zk-0", "2181"]).stderr).toBe("Connection to zk-0 (10.244.1.6) 2181 port [tcp/*] succeeded!\n");
    expect(debian.run(["nc", "10.244.1.6", "2182"])).toEqual({ status: 1, stdout: "", stderr: "" });
    expect(debian.run(["nc", "-v", "10.244.1.6", "2182"]).stderr).toBe("nc: connect to 10.244.1.6 port 2182 (tcp) failed: Connection refused\n");
    expect(debian.run(["nc", "nosuch", "80"]).stderr).toBe('nc: getaddrinfo for host "nosuch" port 80: Name or service not known\n');
  });

  it("nc -l receives what another nc sends", () => {
    const { client, server } = world();
    const listener = server.spawn(["nc", "-l", "-p", "9000"]);
    client.sim.advance(1);
    // busybox's nc has no -q: it half-closes at the end of its input and waits for the peer to close.
    expect(client.run(["sh", "-c", "echo hello | nc 10.244.1.6 9000"]).status).toBe(0);
    client.sim.advance(10);
    expect(listener.stdout.text()).toBe("hello\n");
  });

  it("curl and wget fetch from an HTTP server and report failures with the real codes", () => {
    const { client, server } = world();
    const debian = new Sandbox({ sim: client.sim, network: client.network, registry: client.registry, hostname: "c", ip: "10.244.3.4", dns: { "web-0.nginx": "10.244.1.6" } });
    const fakeServer = function* (ctx: ProcessContext): Proc<number> {
      serveHttp(ctx.net, 80, (req) => {
        if (req.path === "/") return httpResponse(200, "web-0\n", { Server: "test", "Content-Length": "6" });
        if (req.path === "/old") return httpResponse(301, "", { Location: "/" });
        if (req.path === "/moved") return httpResponse(302, "", { Location: "http://10.244.1.6/old" });
        if (req.path === "/loop") return httpResponse(302, "", { Location: "/loop" });
        if (req.path === "/temp") return httpResponse(307, "", { Location: "/" });
        return httpResponse(404, "nope\n", { "Content-Length": "5" });
      });
      return yield* wait(ctx.exited);
    };
    server.registry.registerProgram("test:web", fakeServer);
    server.spawn(["web"]);
    client.sim.advance(1);
    expect(debian.run(["curl", "http://web-0.nginx/"])).toEqual({ status: 0, stdout: "web-0\n", stderr: "" });
    expect(debian.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}\\n", "http://web-0.nginx/x"]).stdout).toBe("404\n");
    expect(debian.run(["curl", "-sI", "http://web-0.nginx/"]).stdout).toBe("HTTP/1.1 200 OK\r\nServer: test\r\nContent-Length: 6\r\n\r\n");
    expect(debian.run(["curl", "-sL", "http://web-0.nginx/old"]).stdout).toBe("web-0\n");
    expect(debian.run(["curl", "-f", "http://web-0.nginx/x"])).toEqual({ status: 22, stdout: "", stderr: "curl: (22) The requested URL returned error: 404\n" });
    expect(debian.run(["curl", "http://nosuch/"])).toEqual({ status: 6, stdout: "", stderr: "curl: (6) Could not resolve host: nosuch\n" });
    expect(debian.run(["curl", "-s", "http://web-0.nginx:81/"])).toEqual({ status: 7, stdout: "", stderr: "" });
    expect(debian.run(["curl", "http://web-0.nginx:81/"]).stderr).toMatch(/^curl: \(7\) Failed to connect to web-0\.nginx port 81 after \d+ ms: Couldn't connect to server\n$/);
    client.network.partition([debian.host], [server.host]);
    expect(debian.run(["curl", "-sS", "-m", "2", "http://web-0.nginx/"])).toEqual({ status: 28, stdout: "", stderr: "curl: (28) Failed to connect to web-0.nginx port 80 after 2000 ms: Timeout was reached\n" });
    client.network.heal();
    expect(client.run(["wget", "-qO-", "http://10.244.1.6/"])).toEqual({ status: 0, stdout: "web-0\n", stderr: "" });
    expect(client.run(["wget", "-qO-", "http://10.244.1.6/x"])).toEqual({ status: 1, stdout: "", stderr: "wget: server returned error: HTTP/1.1 404 Not Found\n" });
    // busybox 1.28 follows 300-303 with a Location, five times at most; a new server means a new "Connecting to".
    expect(client.run(["wget", "-O-", "http://10.244.1.6/moved"])).toEqual({
      status: 0,
      stdout: "web-0\n",
      stderr: "Connecting to 10.244.1.6 (10.244.1.6:80)\nConnecting to 10.244.1.6 (10.244.1.6:80)\nwriting to stdout\nwritten to stdout\n",
    });
    expect(client.run(["wget", "-qO-", "http://10.244.1.6/loop"])).toEqual({ status: 1, stdout: "", stderr: "wget: too many redirections\n" });
    expect(client.run(["wget", "-qO-", "http://10.244.1.6/temp"])).toEqual({ status: 1, stdout: "", stderr: "wget: server returned error: HTTP/1.1 307 Temporary Redirect\n" });
  });

  it("curl sends credentials and builds request bodies as curl does", () => {
    const { client, server } = world();
    const debian = new Sandbox({ sim: client.sim, network: client.network, registry: client.registry, hostname: "c", ip: "10.244.3.4" });
    const seen: HttpRequest[] = [];
    server.registry.registerProgram("test:web", function* (ctx: ProcessContext): Proc<number> {
      serveHttp(ctx.net, 80, (req) => {
        seen.push(req);
        return httpResponse(200, "ok\n");
      });
      return yield* wait(ctx.exited);
    });
    server.spawn(["web"]);
    client.sim.advance(1);
    debian.fs().writeFile("/tmp/body", "a=1\nb=2\n");
    debian.run(["curl", "-s", "-u", "admin:s3cret", "-d", "@/tmp/body", "-d", "x y", "http://10.244.1.6/"]);
    expect(seen[0]!.headers["Authorization"]).toBe("Basic YWRtaW46czNjcmV0");
    expect(seen[0]!.body).toBe("a=1b=2&x y");
    debian.run(["curl", "-s", "--data-binary", "@/tmp/body", "--data-urlencode", "q=a b&c", "--data-urlencode", "=(!)", "--data-raw", "@lit", "http://10.244.1.6/"]);
    expect(seen[1]!.body).toBe("a=1\nb=2\n&q=a%20b%26c&%28%21%29&@lit");
    expect(debian.run(["curl", "-s", "-d", "@/nope", "http://10.244.1.6/"]).stderr).toBe('Warning: Couldn\'t read data from file "/nope", this makes an \nWarning: empty POST.\n');
  });

  it("xargs builds command lines from its input as GNU xargs does", () => {
    const c = new Sandbox({ hostname: "c" });
    const sh = (script: string) => c.run(["sh", "-c", script]);
    expect(sh(`printf 'a b\n"c d" e\n' | xargs -n2 echo`).stdout).toBe("a b\nc d e\n");
    expect(sh("printf 'x\\ny\\n' | xargs -I{} echo item {} done").stdout).toBe("item x done\nitem y done\n");
    expect(sh("echo | xargs echo ran; echo | xargs -r echo never").stdout).toBe("ran\n");
    expect(sh("echo a | xargs sh -c 'exit 3'; echo $?").stdout).toBe("123\n");
    expect(sh(`printf "it's\n" | xargs echo; echo $?`)).toMatchObject({ stdout: "1\n", stderr: "xargs: unmatched single quote; by default quotes are special to xargs unless you use the -0 option\n" });
    expect(sh("echo a | xargs nosuch; echo $?")).toMatchObject({ stdout: "127\n", stderr: "xargs: nosuch: No such file or directory\n" });
  });

  it("base64 encodes, wraps and decodes as coreutils does", () => {
    const client = new Sandbox({ hostname: "c" });
    expect(client.run(["sh", "-c", "printf 'admin:s3cret' | base64"]).stdout).toBe("YWRtaW46czNjcmV0\n");
    expect(client.run(["sh", "-c", "echo YWRtaW46czNjcmV0 | base64 -d"]).stdout).toBe("admin:s3cret");
    expect(client.run(["sh", "-c", "head -c 0 /dev/null; printf '%0100d' 0 | base64 -w 0 | wc -c"]).stdout.trim()).toBe("136");
    expect(client.run(["sh", "-c", "echo '!!!' | base64 -d"])).toMatchObject({ status: 1, stderr: "base64: invalid input\n" });
  });
});

describe("wc", () => {
  it("counts lines, words, characters and bytes of UTF-8 text, each only when asked", () => {
    const sb = new Sandbox({ base: "debian" });
    const text = "printf 'h\\303\\251llo w\\303\\266rld\\nfoo'";
    expect(sb.run(["sh", "-c", `${text} | wc; ${text} | wc -m; ${text} | wc -lc`]).stdout).toBe("      1       3      17\n15\n      1      17\n");
  });
});

/** GNU tools as Debian 12's print them in the C locale (recorded from the real coreutils 9.1 and diffutils 3.8). */
const GNU_TOOLS: readonly [string, string, number][] = [
    // util-linux rev: lines backwards, complaints before the buffered output.
    ["printf 'abc\\ndef\\n\\nno-newline' | rev; echo; rev nosuch; echo $?; printf 'x\\n' > r1; rev r1 nosuch r1; echo $?; rev --bogus; echo $?", "cba\nfed\n\nenilwen-on\nrev: cannot open nosuch: No such file or directory\n1\nrev: cannot open nosuch: No such file or directory\nx\nx\n1\nrev: unrecognized option '--bogus'\nTry 'rev --help' for more information.\n1\n", 0],
    // b2sum: BLAKE2b of any length (-l), its checks and --tag, which the other sums take too.
    ["printf 'hello\\n' | b2sum; printf 'hello\\n' | b2sum -l 128; printf '' | b2sum -l 256; printf 'hello\\n' | b2sum -l 8; printf 'hello\\n' > b1; b2sum b1; b2sum -l 128 b1 > b1.sum; b2sum -c b1.sum; b2sum --tag b1; b2sum -l 128 --tag b1", "f60ce482e5cc1229f39d71313171a8d9f4ca3a87d066bf4b205effb528192a75f14f3271e2c1a90e1de53f275b4d4793eef2f5e31ea90d2ce29d2e481c36435f  -\nea41b4de6c03f13a95758b28dd75693e  -\n0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8  -\n27  -\nf60ce482e5cc1229f39d71313171a8d9f4ca3a87d066bf4b205effb528192a75f14f3271e2c1a90e1de53f275b4d4793eef2f5e31ea90d2ce29d2e481c36435f  b1\nb1: OK\nBLAKE2b (b1) = f60ce482e5cc1229f39d71313171a8d9f4ca3a87d066bf4b205effb528192a75f14f3271e2c1a90e1de53f275b4d4793eef2f5e31ea90d2ce29d2e481c36435f\nBLAKE2b-128 (b1) = ea41b4de6c03f13a95758b28dd75693e\n", 0],
    ["printf 'hello\\n' | b2sum -l 7; echo $?; printf 'hello\\n' | b2sum -l 1024; echo $?; printf 'hello\\n' | b2sum -l 0; head -c 1000 /dev/zero | b2sum -l 160; seq 1 2000 | b2sum -l 384", "b2sum: invalid length: '7'\nb2sum: length is not a multiple of 8\n1\nb2sum: invalid length: '1024'\nb2sum: maximum digest length for 'BLAKE2b' is 512 bits\n1\nf60ce482e5cc1229f39d71313171a8d9f4ca3a87d066bf4b205effb528192a75f14f3271e2c1a90e1de53f275b4d4793eef2f5e31ea90d2ce29d2e481c36435f  -\n99a5e296cfc8aecb0b7f72ef9eaf45e7ab8b7c00  -\n91f393f648d78f3fcd1bbf27ab244a80b193e0ab9f272566952f4f57a04c322bb7404ec584edc68e7dff92c003aef0a5  -\n", 0],
    ["printf 'x' > f; md5sum --tag f; sha256sum --tag f; sha1sum --tag f", "MD5 (f) = 9dd4e461268c8034f5c8564e155c67a6\nSHA256 (f) = 2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881\nSHA1 (f) = 11f6ad8ec52a2984abaafd7c3b516503785c2072\n", 0],
    // factor: primes of numbers up to 128 bits, its complaints before its output (its own buffer).
    ["factor 12 abc 15; echo $?; factor -- -5; echo $?; factor +7 007 ' 9'; echo $?; echo '4 6\n8' | factor", "factor: 'abc' is not a valid positive integer\n12: 2 2 3\n15: 3 5\n1\nfactor: '-5' is not a valid positive integer\n1\n7: 7\n7: 7\n9: 3 3\n0\n4: 2 2\n6: 2 3\n8: 2 2 2\n", 0],
    ["factor 340282366920938463463374607431768211455 1000000007 600851475143 18446744073709551557 18446744073709551615 0 1 2 97 1001", "340282366920938463463374607431768211455: 3 5 17 257 641 65537 274177 6700417 67280421310721\n1000000007: 1000000007\n600851475143: 71 839 1471 6857\n18446744073709551557: 18446744073709551557\n18446744073709551615: 3 5 17 257 641 65537 6700417\n0:\n1:\n2: 2\n97: 97\n1001: 7 11 13\n", 0],
    ["factor 0x10; echo $?; factor -h; echo $?; factor 12345678901234567891 99999999999999999999 ", "factor: '0x10' is not a valid positive integer\n1\nfactor: invalid option -- 'h'\nTry 'factor --help' for more information.\n1\n12345678901234567891: 12345678901234567891\n99999999999999999999: 3 3 11 41 101 271 3541 9091 27961\n", 0],
    // tsort: algorithm T in strcmp order, loops traced and broken as detect_loop does.
    ["printf 'a b\\nb c\\nc d\\n' | tsort; printf 'x y\\ny x\\n' | tsort; echo $?; printf 'a\\n' | tsort; echo $?", "a\nb\nc\nd\ntsort: -: input contains a loop:\ntsort: x\ntsort: y\nx\ny\n1\ntsort: -: input contains an odd number of tokens\n1\n", 0],
    ["printf 'a b b c c d c b\\n' | tsort; echo $?", "a\ntsort: -: input contains a loop:\ntsort: b\ntsort: c\nb\nc\nd\n1\n", 0],
    ["printf 'a b b c c b b d d b\\n' | tsort; echo $?", "a\ntsort: -: input contains a loop:\ntsort: b\ntsort: c\ntsort: -: input contains a loop:\ntsort: b\ntsort: d\nb\nd\nc\n1\n", 0],
    ["printf 'shirt tie tie jacket belt jacket pants shoes pants belt socks shoes undershorts pants undershorts shoes shirt belt\\n' | tsort", "shirt\nsocks\nundershorts\ntie\npants\nbelt\nshoes\njacket\n", 0],
    ["printf 'm n\\nz a\\nq q\\nb a\\nc a\\n' | tsort; printf '3 1\\n2 1\\n10 2\\n' > tf; tsort tf; tsort nosuch; echo $?; tsort a b; echo $?", "b\nc\nm\nq\nz\nn\na\n10\n3\n2\n1\ntsort: nosuch: No such file or directory\n1\ntsort: extra operand 'b'\nTry 'tsort --help' for more information.\n1\n", 0],
    ["printf 'a b\\nb c\\nc a\\nd e\\ne d\\nx a\\n' | tsort; echo $?", "x\ntsort: -: input contains a loop:\ntsort: a\ntsort: b\ntsort: c\na\nb\nc\ntsort: -: input contains a loop:\ntsort: d\ntsort: e\nd\ne\n1\n", 0],
    // groups, base32, cksum (the POSIX CRC) and sum (BSD, System V).
    ["groups; groups root; groups nosuch; echo $?; id -Gn", "root\nroot : root\ngroups: 'nosuch': no such user\n1\nroot\n", 0],
    ["printf 'hello world\\n' | base32; printf 'hello world\\n' | base32 | base32 -d; printf 'abc' | base32 -w 4; echo; printf 'NBSWY3DP' | base32 -d; echo; echo '!!!' | base32 -d; echo $?", "NBSWY3DPEB3W64TMMQFA====\nhello world\nMFRG\nG===\n\nhello\nbase32: invalid input\n1\n", 0],
    ["printf 'hello\\n' > c1; printf '' > c2; cksum c1 c2; printf 'hello\\n' | cksum; sum c1; sum -s c1; sum c1 c2; printf 'x' | sum", "3015617425 6 c1\n4294967295 0 c2\n3015617425 6\n36979     1 c1\n542 1 c1\n36979     1 c1\n00000     0 c2\n00120     1\n", 0],
    // install: modes whatever the umask, -d/-D/-t/-T/-v/-b, its errors; split by lines, bytes, -C, -n chunks, suffixes
    // (widening, -a exhausted, -d, FROM); numfmt to and from units, rounding, fields and padding, formats, errors;
    // wc's number width from the files' sizes.
    ["printf 'x\\n' > s; install s d1; install -m 640 s d2; install -d a/b/c; install -D s p/q/r; ls -ld d1 d2 a a/b a/b/c p/q p/q/r | cut -c1-10", "drwxr-xr-x\ndrwxr-xr-x\ndrwxr-xr-x\n-rwxr-xr-x\n-rw-r-----\ndrwxr-xr-x\n-rwxr-xr-x\n", 0],
    ["printf 'x\\n' > s; install -v s t1; install -vd dd/ee; install -v -D s n1/n2/t2; install -v -m 600 -t dd s; install -vb s t1; ls t1*", "'s' -> 't1'\ninstall: creating directory 'dd'\ninstall: creating directory 'dd/ee'\ninstall: creating directory 'n1'\ninstall: creating directory 'n1/n2'\n's' -> 'n1/n2/t2'\n's' -> 'dd/s'\n's' -> 't1' (backup: 't1~')\nt1\nt1~\n", 0],
    ["install; echo $?; install s; echo $?; install nosuch t; echo $?; mkdir d; printf x > s; install d t; echo $?; install s s2 nodir; echo $?; install -m abc s t; echo $?; install -t nod s; echo $?; install -T s d; echo $?", "install: missing file operand\nTry 'install --help' for more information.\n1\ninstall: missing destination file operand after 's'\nTry 'install --help' for more information.\n1\ninstall: cannot stat 'nosuch': No such file or directory\n1\ninstall: omitting directory 'd'\n1\ninstall: target 'nodir': No such file or directory\n1\ninstall: invalid mode 'abc'\n1\ninstall: failed to access 'nod': No such file or directory\n1\ninstall: cannot overwrite directory 'd' with non-directory\n1\n", 0],
    ["printf 'x' > s; umask 077; install s t; install -d u; install -D s w/x; install -m u+x s v; ls -ld t u w v | cut -c1-10", "-rwxr-xr-x\ndrwxr-xr-x\n---x------\ndrwxr-xr-x\n", 0],
    ["seq 1 2500 > f; split f; ls x*; wc -l xa*; seq 1 10 > g; split -l 3 g p_; for x in p_*; do echo \"$x: $(tr '\\n' ' ' < $x)\"; done", "xaa\nxab\nxac\n 1000 xaa\n 1000 xab\n  500 xac\n 2500 total\np_aa: 1 2 3 \np_ab: 4 5 6 \np_ac: 7 8 9 \np_ad: 10 \n", 0],
    ["seq 1 10 | split -l 4 -d - n; ls n*; printf 'abcdefghij' > f; split -b 3 f b; split -n 3 f c; for x in b* c*; do printf '%s=%s\\n' $x \"$(cat $x)\"; done", "n00\nn01\nn02\nbaa=abc\nbab=def\nbac=ghi\nbad=j\ncaa=abc\ncab=def\ncac=ghij\n", 0],
    ["seq 1 7 > f; split -n l/3 f L; split -n r/3 f R; for x in L* R*; do echo \"$x: $(tr '\\n' ' ' < $x)\"; done; split -n 2/3 f", "Laa: 1 2 \nLab: 3 4 \nLac: 5 6 7 \nRaa: 1 4 7 \nRab: 2 5 \nRac: 3 6 \n3\n4\n", 0],
    ["seq 1 5 > f; split --verbose -l 2 -a 3 --additional-suffix=.txt f part.; seq 1 30 > g; split -l 1 -a 1 g z; echo $?; ls z* | wc -l; split -l 2 --numeric-suffixes=5 f q; ls q*", "creating file 'part.aaa.txt'\ncreating file 'part.aab.txt'\ncreating file 'part.aac.txt'\nsplit: output file suffixes exhausted\n1\n26\nq05\nq06\nq07\n", 0],
    ["split nosuch; echo $?; seq 3 | split -l 0; echo $?; seq 3 | split -b 1x; echo $?; seq 1 1000 > f; split -b 1K f k; wc -c k*", "split: cannot open 'nosuch' for reading: No such file or directory\n1\nsplit: invalid number of lines: '0': Numerical result out of range\n1\nsplit: invalid number of bytes: '1x'\n1\n1024 kaa\n1024 kab\n1024 kac\n 821 kad\n3893 total\n", 0],
    ["seq 1 700 | split -l 1; ls x* | sed -n '649,652p'; ls x* | wc -l", "xyy\nxyz\nxzaaa\nxzaab\n700\n", 0],
    ["seq 1 12 > f; split -C 6 f c; for x in c*; do echo \"$x: $(tr '\\n' ' ' < $x)\"; done; printf 'abcdefghij\\nk\\n' | split -C 4 - d; for x in d*; do printf '%s=[%s]\\n' $x \"$(cat $x)\"; done", "caa: 1 2 3 \ncab: 4 5 6 \ncac: 7 8 9 \ncad: 10 11 \ncae: 12 \ndaa=[abcd]\ndab=[efgh]\ndac=[ij]\ndad=[k]\n", 0],
    ["numfmt --to=iec 1048576 1536 999 1023 1024 10239 0 123456789; numfmt --to=si 1000 1500 9999 99999 1234567890123; numfmt --to=iec-i 1048576 2048", "1.0M\n1.5K\n999\n1023\n1.0K\n10K\n0\n118M\n1.0K\n1.5K\n10K\n100K\n1.3T\n1.0Mi\n2.0Ki\n", 0],
    ["numfmt --from=iec 1K 1M 1.5G; numfmt --from=si 1K 1.5M; numfmt --from=auto 1Ki 1K; numfmt --to=iec --suffix=B 1048576; numfmt --to=iec --padding=8 1024; numfmt --to=iec --padding=-8 1024 | cat -A", "1024\n1048576\n1610612736\n1000\n1500000\n1024\n1000\n1.0MB\n    1.0K\n1.0K    $\n", 0],
    ["printf 'a 1024\\nb 2048\\nc 3000000\\n' | numfmt --field=2 --to=iec; printf 'x:1000:y\\n' | numfmt -d: --field 2 --to=si; echo '  1048576 a' | numfmt --to=iec; echo '1024 2048 3' | numfmt --to=iec --field=2-", "a 1.0K\nb 2.0K\nc    2.9M\nx:1.0K:y\n     1.0M a\n1024 2.0K 3\n", 0],
    ["numfmt --to=iec --round=up 1025; numfmt --to=iec --round=down 1535; numfmt --to=iec --round=nearest 1536; numfmt --to=iec --round=towards-zero 1100; numfmt --to=iec -- -1500; numfmt 1.5; numfmt --to=si 0.5", "1.1K\n1.4K\n1.5K\n1.0K\n-1.5K\n1.5\n0\n", 0],
    ["numfmt abc; echo $?; numfmt --to=iec 12x; echo $?; numfmt 1K; echo $?; numfmt --invalid=ignore abc 5; echo $?; numfmt --to=foo 1; echo $?", "numfmt: invalid number: 'abc'\n2\nnumfmt: invalid suffix in input: '12x'\n2\nnumfmt: rejecting suffix in input: '1K' (consider using --from)\n2\nabc\n5\n0\nnumfmt: invalid argument 'foo' for '--to'\nValid arguments are:\n  - 'none'\n  - 'si'\n  - 'iec'\n  - 'iec-i'\nTry 'numfmt --help' for more information.\n1\n", 0],
    ["numfmt --format='%.3f' 1234.5678; numfmt --format='%10f' 42; numfmt --to=si --format='%-8f|' 1500; printf 'SIZE NAME\\n1048576 a\\n' | numfmt --header --to=iec", "1234.568\n        42\n1.5K    |\nSIZE NAME\n1.0M a\n", 0],
    ["printf 'a b\\nc\\n' > wf; wc < wf; cat wf | wc; wc wf nosuch; wc -l wf wf; seq 1 2500 > f; wc -l f f; wc -l < /dev/null", "2 3 6\n      2       3       6\n2 3 6 wf\nwc: nosuch: No such file or directory\n2 3 6 total\n 2 wf\n 2 wf\n 4 total\n 2500 f\n 2500 f\n 5000 total\n0\n", 0],
    ["printf 'b 2\\na 10\\nc 1\\na 3\\n' | sort -u -k1,1; printf 'b 2\\na 10\\na 3\\n' | sort -ru -k1,1; printf '2\\n1\\n2\\n10\\n' | sort -nu", "a 10\nb 2\nc 1\nb 2\na 10\n1\n2\n10\n", 0],
    ["seq 5 -1 3; seq -s, -2 0; seq 1 -1 5; echo $?", "5\n4\n3\n-2,-1,0\n0\n", 0],
    ["printf 'l1\\t x\\n\\n\\n\\nl2\\001\\177\\n' | cat -A; printf 'a\\n\\n\\nb\\n' | cat -bs; printf 'end' | cat -E", "l1^I x$\n$\n$\n$\nl2^A^?$\n     1\ta\n\n     2\tb\nend", 0],
    ["expr 3 + 4; expr 10 / 3; expr -7 / 2; expr length hello; expr substr hello 2 3; expr index abcd cb; expr abc : 'a\\(b\\)'; expr abc : 'a.'; expr 99999999999999999999 + 1; expr 10 \\< 9; echo $?; expr a \\< b; expr '' \\| 0; echo $?", "7\n3\n-3\n5\nell\n2\nb\n2\n100000000000000000000\n0\n1\n1\n0\n1\n", 0],
    ["expr 1 / 0; echo $?; expr a + 1; echo $?; expr; echo $?", "expr: division by zero\n2\nexpr: non-integer argument\n2\nexpr: missing operand\nTry 'expr --help' for more information.\n2\n", 0],
    ["printf 'a\\nb' | tac; echo; printf '1\\n2\\n3\\n' | tac", "ba\n\n3\n2\n1\n", 0],
    ["mktemp -u abc; echo rc=$?; mktemp -u /tmp/fooX; echo rc=$?; f=$(mktemp); ls -l $f | cut -c1-10; case $f in /tmp/tmp.??????????) echo ok;; esac; d=$(mktemp -d); ls -ld $d | cut -c1-10; g=$(mktemp -p /var --suffix=.txt x.XXX); case $g in /var/x.???.txt) echo ok2;; esac; rm -rf $f $d $g; mktemp /nonexistent/aXXX; echo rc=$?", "mktemp: too few X's in template 'abc'\nrc=1\nmktemp: too few X's in template '/tmp/fooX'\nrc=1\n-rw-------\nok\ndrwx------\nok2\nmktemp: failed to create file via template '/nonexistent/aXXX': No such file or directory\nrc=1\n", 0],
    ["cd /tmp; realpath /usr/../etc/./hosts /bin/ls nope; echo rc=$?; realpath -e nope; echo rc=$?; realpath -m /a/../b; realpath --relative-to=/usr /usr/bin/ls; realpath -s /bin/ls; realpath --relative-to=/usr/share /etc; realpath; echo rc=$?", "/etc/hosts\n/usr/bin/ls\n/tmp/nope\nrc=0\nrealpath: nope: No such file or directory\nrc=1\n/b\nbin/ls\n/bin/ls\n../../etc\nrealpath: missing operand\nTry 'realpath --help' for more information.\nrc=1\n", 0],
    ["tty; echo rc=$?; tty -s; echo $?; tty x; echo rc=$?", "not a tty\nrc=1\n1\ntty: extra operand 'x'\nTry 'tty --help' for more information.\nrc=2\n", 0],
    ["nohup echo hi; echo rc=$?; nohup nope; echo rc=$?; nohup; echo rc=$?", "hi\nrc=0\nnohup: failed to run command 'nope': No such file or directory\nrc=127\nnohup: missing operand\nTry 'nohup --help' for more information.\nrc=125\n", 0],
    ["printf 'a x 1\\nb x 1\\nc y 2\\n' | uniq -f2 -c; printf 'xa1\\nya1\\nzb2\\n' | uniq -s1 -w1; printf 'a\\na\\nb\\nb\\nc\\n' | uniq -D; printf 'a\\n' | uniq -f x", "      2 a x 1\n      1 c y 2\nxa1\nzb2\na\na\nb\nb\nuniq: x: invalid number of fields to skip\n", 1],
    ["printf 'a\\nb\\nc\\nd\\ne\\n' | sed -n '1~2p'; printf 'a\\nb\\nc\\n' | sed '2~0d'; printf 'hello\\n' | sed 's/l*/X/g'; printf 'abc\\n' | sed 's/x*/-/g'; printf 'aaa\\n' | sed 's/a*/X/2'", "a\nc\ne\na\nc\nXhXeXoX\n-a-b-c-\naaa\n", 0],
    ["printf 'a:b:c:d\\n' | cut -d: --complement -f1; printf 'a:b:c\\n' | cut -d: -f1,3 --output-delimiter=' '; printf 'hello\\n' | cut --complement -c2-3", "b:c:d\na c\nhlo\n", 0],
    ["seq 10 > /tmp/n.txt; tail -c 3 /tmp/n.txt | od -c | head -1; tail -c +19 /tmp/n.txt; printf 'h\\303\\251llo' | tail -c 4 | od -c | head -1", "0000000   1   0  \\n\n10\n0000000 251   l   l   o\n", 0],
    ["seq -f '%03g' 3; seq -w 8 10; seq 1.5 0.5 3; seq 1 0.25 1.5; seq -w -1 1; seq -f 'n%g' 2; seq 1e2 1e2 3e2; seq 1 0 3; echo rc=$?; seq -f x 2; echo rc=$?", "001\n002\n003\n08\n09\n10\n1.5\n2.0\n2.5\n3.0\n1.00\n1.25\n1.50\n-1\n00\n01\nn1\nn2\n100\n200\n300\nseq: invalid Zero increment value: '0'\nTry 'seq --help' for more information.\nrc=1\nseq: format 'x' has no % directive\nrc=1\n", 0],
    ["basename /a/b/c.txt .txt; basename -s .txt /x/y.txt /z.txt; basename -a /a/b /c/d/; basename a b c; echo rc=$?; dirname /a/b/c /x file a/; dirname", "c\ny\nz\nb\nd\nbasename: extra operand 'c'\nTry 'basename --help' for more information.\nrc=1\n/a/b\n/\n.\n.\ndirname: missing operand\nTry 'dirname --help' for more information.\n", 1],
    ["env -u PATH sh -c 'echo $PATH; export -p | grep -c PATH'; env -i bash -c 'echo $PATH'", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n0\n/usr/local/bin:/usr/local/sbin:/usr/bin:/usr/sbin:/bin:/sbin:.\n", 0],
    // mawk 1.3.4's syntax errors, a second one after its parser reads on.
    ["awk '{print $1'; awk 'BEGIN { x = 1 +* 2 }'; awk 'BEGIN { print (1 }'; mawk \"$(printf 'BEGIN {\\n  x = 1\\n  }\\n}')\"; awk 'BEGIN { print \"oops }'; awk 'BEGIN { @ }'; awk 'BEGIN { f(1) }'; awk 'BEGIN { next }'; awk '/+/'; echo rc=$?", "awk: line 2: missing } near end of file\nawk: line 1: syntax error at or near *\nawk: line 1: missing ) near }\nmawk: line 4: extra '}'\nmawk: line 4: syntax error at or near end of line\nawk: line 1: runaway string constant \"oops } ...\nawk: 1: unexpected character '@'\nawk: line 2: function f never defined\nawk: line 1: improper use of next\nawk: line 1: regular expression compile failed (missing operand)\n+\nrc=2\n", 0],
    ["awk 'BEGIN { x = '; awk 'BEGIN { if (1) '; awk '{'; awk 'function f(' ; awk 'BEGIN { getline x < }'; awk '}'; awk 'BEGIN { a[1 }'", "awk: line 1: syntax error at or near end of line\nawk: line 2: missing } near end of file\nawk: line 2: missing } near end of file\nawk: line 2: missing } near end of file\nawk: line 1: missing ) near end of line\nawk: line 1: syntax error at or near }\nawk: line 1: extra '}'\nawk: line 1: syntax error at or near end of line\nawk: line 1: syntax error at or near }\n", 2],
    // xargs -L -P -d, wc -L, ls's columns (-C -x -m, tabs as ls.c indents) and -F, date's strftime flags and relative items.
    ["printf '1 2 3 4\\n5\\n6 7\\n' | xargs -L1 echo; printf '1 2 \\n3\\n4\\n' | xargs -L2 echo; seq 3 | xargs -P2 -n1 echo | sort; printf 'a:b:c' | xargs -d: echo; printf 'a\\nb\\n' | xargs -d '\\n' -n1 echo x; seq 4 | xargs -P0 -n2 echo | sort; echo | xargs -L1 -r echo no; echo rc=$?", "1 2 3 4\n5\n6 7\n1 2 3 4\n1\n2\n3\na b c\nx a\nx b\n1 2\n3 4\nrc=0\n", 0],
    ["printf 'a b\\n' > /tmp/wl1; printf 'x\\ty\\nlonger line here\\n' > /tmp/wl2; wc -L /tmp/wl1 /tmp/wl2; wc -lL /tmp/wl2; printf 'abc' | wc -L", " 3 /tmp/wl1\n16 /tmp/wl2\n16 total\n 2 16 /tmp/wl2\n3\n", 0],
    ["rm -rf /tmp/lsc; mkdir -p /tmp/lsc && cd /tmp/lsc && touch alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon phi chi psi omega && ls -C | cat -A; ls -x; ls -m; COLUMNS=40 ls -C; ls -C -w 30; ls -m -w 20; ls -xF /tmp/lsc | head -2", "alpha  delta^Igamma  lambda  omega^Ipi   sigma  upsilon$\nbeta   epsilon^Iiota   mu      omicron^Ipsi  tau    xi$\nchi    eta^Ikappa  nu      phi^Irho  theta  zeta$\nalpha  beta\tchi  delta  epsilon  eta  gamma  iota  kappa  lambda   mu  nu\nomega  omicron\tphi  pi     psi      rho  sigma  tau   theta  upsilon  xi  zeta\nalpha, beta, chi, delta, epsilon, eta, gamma, iota, kappa, lambda, mu, nu,\nomega, omicron, phi, pi, psi, rho, sigma, tau, theta, upsilon, xi, zeta\nalpha\t gamma\t omega\t  sigma\nbeta\t iota\t omicron  tau\nchi\t kappa\t phi\t  theta\ndelta\t lambda  pi\t  upsilon\nepsilon  mu\t psi\t  xi\neta\t nu\t rho\t  zeta\nalpha\t kappa\t  psi\nbeta\t lambda   rho\nchi\t mu\t  sigma\ndelta\t nu\t  tau\nepsilon  omega\t  theta\neta\t omicron  upsilon\ngamma\t phi\t  xi\niota\t pi\t  zeta\nalpha, beta, chi,\ndelta, epsilon, eta,\ngamma, iota, kappa,\nlambda, mu, nu,\nomega, omicron, phi,\npi, psi, rho, sigma,\ntau, theta, upsilon,\nxi, zeta\nalpha  beta\tchi  delta  epsilon  eta  gamma  iota  kappa  lambda   mu  nu\nomega  omicron\tphi  pi     psi      rho  sigma  tau   theta  upsilon  xi  zeta\n", 0],
    ["rm -rf /tmp/lsc; mkdir -p /tmp/lsc && cd /tmp/lsc && touch alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon phi chi psi omega; mkdir -p dd; ln -sf alpha al; chmod +x beta; ls -F | head -4; ls -CF | head -2; ls -1F | tail -3; ls -p | grep dd; ls -lF al | awk '{print $9, $10, $11}'", "al@\nalpha\nbeta*\nchi\nal@    chi    epsilon  iota    mu     omicron  psi    tau      xi\nalpha  dd/    eta      kappa   nu     phi      rho    theta    zeta\nupsilon\nxi\nzeta\ndd/\nal -> alpha\n", 0],
    ["mkdir -p /tmp/lsw && cd /tmp/lsw && for i in $(seq 1 40); do touch \"file-with-a-longer-name-$i.txt\"; done; ls -C | head -3 | cat -A; ls -x | tail -1", "file-with-a-longer-name-1.txt^Ifile-with-a-longer-name-28.txt$\nfile-with-a-longer-name-10.txt^Ifile-with-a-longer-name-29.txt$\nfile-with-a-longer-name-11.txt^Ifile-with-a-longer-name-3.txt$\nfile-with-a-longer-name-8.txt\tfile-with-a-longer-name-9.txt\n", 0],
    ["export TZ=UTC; date -u -d '2024-03-05 07:08:09' '+%a %b %e %j %U %W %V %G %u %w %y %C %k %l %P %q|%-d|%_m|%05d|%^a|%#b|%3N|%::z|%c|%x|%X|%r'; date -u -d @1700000000 -I; date -u -d '2024-01-31 + 1 month' +%F; date -u -d '2024-01-01 00:00:00 + 90 minutes' '+%F %T'; echo rc=$?; date -u -d '2024-01-01 10:00 +0130' '+%F %T'", "Tue Mar  5 065 09 10 10 2024 2 2 24 20  7  7 am 1|5| 3|00005|TUE|MAR|000|+00:00:00|Tue Mar  5 07:08:09 2024|03/05/24|07:08:09|07:08:09 AM\n2023-11-14\n2024-03-02\ndate: invalid date '2024-01-01 00:00:00 + 90 minutes'\nrc=1\n2024-01-01 08:30:00\n", 0],
    // sed 4.9: blocks, labels and branches, n/N/D/P, the hold space, l, r, w, errors.
    ["printf 'a\\nb\\nc\\nd\\n' | sed -n '2{p;p}'; printf 'a\\nb\\nc\\nd\\n' | sed '/b/,/c/{s/^/>/}'; printf 'x1\\nx2\\ny\\n' | sed ':a;N;$!ba;s/\\n/,/g'; printf 'a\\n\\n\\nb\\n' | sed '/^$/N;/\\n$/D'; printf 'l1\\nl2\\nl3\\n' | sed -n '$p;1p'", "b\nb\na\n>b\n>c\nd\nx1,x2,y\na\n\nb\nl1\nl3\n", 0],
    ["printf 'a b\\n' | sed 's/a/X/;ta;s/b/Y/;:a;s/b/Z/'; printf 'a b\\n' | sed 's/q/X/;Tz;s/b/Y/;:z;s/b/W/'; printf '1\\n2\\n3\\n' | sed -n 'h;n;G;p'; printf 'a\\nb\\n' | sed '1!G;h;$!d'; printf 'x\\n' | sed 'z;s/^$/empty/'", "X Z\na W\n2\n1\nb\na\nempty\n", 0],
    ["printf 'key=val\\nother\\n' > /tmp/cfg; printf 'INSERTED\\n' > /tmp/ins; sed '/key/r /tmp/ins' /tmp/cfg; sed -n '/key/w /tmp/out1' /tmp/cfg; cat /tmp/out1; sed '2q' /tmp/cfg /tmp/cfg; sed -n '$=' /tmp/cfg /tmp/cfg", "key=val\nINSERTED\nother\nkey=val\nkey=val\nother\n4\n", 0],
    ["printf 'a\\nb\\nc\\n' | sed '2{h;d};${G}'; printf 'one\\ntwo\\n' | sed '1{/one/{s/one/1/}}'; printf 'a\\n' | sed '{p' 2>&1; echo rc=$?; printf 'a\\n' | sed 'b nolabel' 2>&1; echo rc=$?; printf 'a\\n' | sed '}' 2>&1; echo rc=$?", "a\nc\nb\n1\ntwo\nsed: -e expression #1, char 0: unmatched `{'\nrc=1\nsed: can't find label for jump to `nolabel'\nrc=4\nsed: -e expression #1, char 1: unexpected `}'\nrc=1\n", 0],
    ["printf 'a\\nb\\nc\\nd\\ne\\n' | sed '2,4c\\changed'; printf 'a\\tb\\001\\n' | sed -n l; printf 'aaa\\n' | sed 's/a/b/2p' ; printf 'hello world\\n' | sed 's/o/0/2'", "a\nchanged\ne\na\\tb\\001$\naba\naba\nhello w0rld\n", 0],
    ["printf '1\\n2\\n3\\n4\\n5\\n' | sed -n '/2/{p;q}'; printf '1\\n2\\n3\\n4\\n5\\n' | sed '/2/,/4/d'; printf 'a\\nb\\nc\\n' | sed 'N;P;D'; printf 'a\\nb\\nc\\n' | sed -n '1!G;h;$p'; printf 'a\\nb\\n' | sed = ; printf 'x\\n' | sed 's/x/y/w /tmp/sw'; cat /tmp/sw", "2\n1\n5\na\nb\nc\nc\nb\na\n1\na\n2\nb\ny\ny\n", 0],
    ["printf 'one\\ntwo\\n' | sed -e 's/o/0/' -e 's/t/T/'; printf 'a.b\\n' | sed 's/\\./\\\\n/'; printf 'abc\\n' | sed 's/b/\\n/'; printf 'path/to/file\\n' | sed 's|/|::|g'; printf 'aaa\\n' | sed 's/a/x/3g'; printf 'Hello\\n' | sed 's/hello/Bye/I'; printf 'x\\n' | sed 'a\\' -e 'added'", "0ne\nTw0\na\\nb\na\nc\npath::to::file\naax\nBye\nsed: can't read a\\: No such file or directory\n", 2],
    ["printf 'a\\nb\\nc\\n' | sed '2c\\changed'; printf 'a\\nb\\n' | sed '$!d'; printf 'a b c\\n' | sed 's/\\(a\\) \\(b\\)/\\2 \\1/'; printf 'ab\\n' | sed -E 's/(a|b)+/<&>/'; printf '  x  \\n' | sed 's/^[[:space:]]*//;s/[[:space:]]*$//' | od -c | head -1; printf 'a\\n' | sed 'l'", "a\nchanged\nc\nb\nb a c\n<ab>\n0000000   x  \\n\na$\na\n", 0],
    ["printf 'a\\nb\\nc' | sed -n 'p'; echo '|'; printf 'a\\nb' | sed -n '$p;1p'; echo '|'; printf 'x' | sed 's/x/y/p'; echo '|'; printf 'a\\nb' | sed 'N;P;D'; echo '|'; printf 'q' | sed '='", "a\nb\nc|\na\nb|\ny\ny|\na\nb|\n1\nq", 0],
    // grep 3.8: -P, -r with --include/--exclude/--exclude-dir, --label.
    ["printf 'foo1\\nbar22\\nfoo333\\n' > /tmp/gr.txt; grep -E 'o{2}[0-9]+' /tmp/gr.txt; grep -P '\\d{2,}' /tmp/gr.txt; grep -oP 'foo\\K\\d+' /tmp/gr.txt; grep -c -E '^(foo|bar)' /tmp/gr.txt; grep -n -o '[0-9]' /tmp/gr.txt | head -3; grep -i FOO1 /tmp/gr.txt", "foo1\nfoo333\nbar22\nfoo333\n1\n333\n3\n1:1\n2:2\n2:2\nfoo1\n", 0],
    ["mkdir -p /tmp/grr/sub; printf 'needle\\n' > /tmp/grr/a.txt; printf 'needle\\n' > /tmp/grr/sub/b.log; printf 'hay\\n' > /tmp/grr/c.txt; grep -r needle /tmp/grr | sort; grep -rl needle /tmp/grr --include='*.txt'; grep -rL needle /tmp/grr; grep -rc needle /tmp/grr | sort", "/tmp/grr/a.txt:needle\n/tmp/grr/sub/b.log:needle\n/tmp/grr/a.txt\n/tmp/grr/c.txt\n/tmp/grr/a.txt:1\n/tmp/grr/c.txt:0\n/tmp/grr/sub/b.log:1\n", 0],
    ["printf 'a\\nb\\na\\n' | grep -n a | head -5; printf 'x\\n' | grep -H x; printf 'x\\n' | grep --label=L -H x; printf 'ab\\n' | grep -o 'a\\|b'; printf 'line\\n' | grep -v -c line; echo rc=$?; printf 'a.b\\n' | grep -F '.'; printf 'abc\\n' | grep -e '' -c", "1:a\n3:a\n(standard input):x\nL:x\na\nb\n0\nrc=1\na.b\n1\n", 0],
    ["grep -P '(' /dev/null; echo rc=$?; mkdir -p /tmp/gx/skip; printf 'n\\n' > /tmp/gx/a.txt; printf 'n\\n' > /tmp/gx/skip/b.txt; grep -r n /tmp/gx --exclude-dir=skip; grep -r n /tmp/gx --exclude='a*' | sort", "grep: missing closing parenthesis\nrc=2\n/tmp/gx/a.txt:n\n/tmp/gx/skip/b.txt:n\n", 0],
    // expand and unexpand: stops, lists, -i, -a, a lone blank before a stop.
    ["printf 'a\\tb\\tc\\n\\tx\\n' | expand | cat -A; printf 'a\\tb\\n' | expand -t 4 | cat -A; printf 'a\\tb\\tc\\n' | expand -t 2,5 | cat -A; printf '\\ta\\tb\\n' | expand -i | cat -A; printf 'ab\\bc\\td\\n' | expand | od -c | head -2; expand -t 0 </dev/null; echo rc=$?; printf 'a\\tb\\n' | expand -t 4,2; echo rc=$?", "a       b       c$\n        x$\na   b$\na b  c$\n        a^Ib$\n0000000   a   b  \\b   c                           d  \\n\n0000014\nexpand: tab size cannot be 0\nrc=1\nexpand: tab sizes must be ascending\nrc=1\n", 0],
    ["printf 'a        b\\n        c\\n' | unexpand | cat -A; printf 'a        b\\n        c\\n' | unexpand -a | cat -A; printf '    x\\n' | unexpand -t 4 | cat -A; printf 'a b\\n' | unexpand -a | cat -A; printf '\\t  x  y\\n' | unexpand | cat -A; printf '                 z\\n' | unexpand | cat -A; printf 'x       \\n' | unexpand -a | cat -A", "a        b$\n^Ic$\na^I b$\n^Ic$\n^Ix$\na b$\n^I  x  y$\n^I^I z$\nx^I$\n", 0],
    // shuf: what does not depend on the draw (its errors, counts, the set of lines).
    ["shuf -n x; shuf -i 5-1; shuf -i a-3; shuf -e; echo rc=$?; shuf -n 0 -e a b; echo rc=$?; shuf -i 1-3 | sort | tr '\\n' ' '; echo; shuf -r -n 3 -e x | tr '\\n' ' '; echo; shuf -e a -i 1-2; shuf nope; echo rc=$?; printf '' | shuf; echo rc=$?; shuf -r -e; echo rc=$?; seq 5 | shuf | sort -n | tr '\\n' ' '; seq 5 | shuf -n 2 | wc -l; shuf -r -e a b | head -3 | wc -l", "shuf: invalid line count: 'x'\nshuf: invalid input range: '5-1'\nshuf: invalid input range: 'a'\nrc=0\nrc=0\n1 2 3 \nx x x \nshuf: cannot combine -e and -i options\nTry 'shuf --help' for more information.\nshuf: nope: No such file or directory\nrc=1\nrc=0\nshuf: no lines to repeat\nrc=1\n1 2 3 4 5 2\n3\n", 0],
    // join: pairs and their cross product, -a -v -e -o (auto), -t, -1/-2, -i, --header, order checks.
    ["cd /tmp; printf '1 a\\n2 b\\n3 c\\n' > j1; printf '1 x\\n3 y\\n4 z\\n' > j2; join j1 j2; join -a1 j1 j2; join -v2 j1 j2; join -a1 -a2 -e NULL -o 0,1.2,2.2 j1 j2; printf 'a:1\\nb:2\\n' > j3; printf 'a:x\\nb:y\\n' > j4; join -t: j3 j4", "1 a x\n3 c y\n1 a x\n2 b\n3 c y\n4 z\n1 a x\n2 b NULL\n3 c y\n4 NULL z\na:1:x\nb:2:y\n", 0],
    ["cd /tmp; printf 'p 1\\nq 2\\n' > j8; printf 'r 1\\ns 2\\n' > j9; join -1 2 -2 2 j8 j9; printf '1 a\\n2 b\\n3 c\\n' > j1; printf '1 x\\n3 y\\n4 z\\n' > j2; join -o auto -a1 j1 j2; join j1; echo rc=$?; printf '1 a\\n1 b\\n' > j6; printf '1 x\\n1 y\\n' > j7; join j6 j7", "1 p r\n2 q s\n1 a x\n2 b \n3 c y\njoin: missing operand after 'j1'\nTry 'join --help' for more information.\nrc=1\n1 a x\n1 a y\n1 b x\n1 b y\n", 0],
    ["cd /tmp; printf 'A 1\\n' > ja; printf 'a 2\\n' > jb; join -i ja jb; printf 'H h1\\n1 a\\n' > jh1; printf 'H h2\\n1 b\\n' > jh2; join --header jh1 jh2; printf 'b 1\\na 2\\n' > j5; printf '1 a\\n2 b\\n3 c\\n' > j1; join j5 j1; echo rc=$?; join --check-order j5 j1; echo rc=$?; join --nocheck-order j5 j1; echo rc=$?", "A 1 2\nH h1 h2\n1 a b\njoin: j5:2: is not sorted: a 2\njoin: input is not in sorted order\nrc=1\njoin: j5:2: is not sorted: a 2\nrc=1\nrc=0\n", 0],
    // sort: keys, per-key and global ordering, numeric kinds, checks.
    ["printf 'b 2\\na 1\\nb 3\\nc 1\\n' | sort -k2,2n -k1,1; printf 'b 2\\na 1\\nb 3\\nc 1\\n' | sort -k2n; printf 'x:3\\ny:10\\nz:2\\n' | sort -t: -k2n; printf 'x:3\\ny:10\\nz:2\\n' | sort -t: -k2", "a 1\nc 1\nb 2\nb 3\na 1\nc 1\nb 2\nb 3\nz:2\nx:3\ny:10\ny:10\nz:2\nx:3\n", 0],
    ["printf 'root:x:0\\nnobody:x:65534\\nwww:x:33\\nbin:x:2\\n' > /tmp/pw; sort -t: -k3,3n /tmp/pw | cut -d: -f1,3; sort -t: -k3,3nr /tmp/pw | head -2 | cut -d: -f1", "root:0\nbin:2\nwww:33\nnobody:65534\nnobody\nwww\n", 0],
    ["printf '10K\\n2M\\n1G\\n500\\n3K\\n' | sort -h; printf '10K\\n2M\\n1G\\n500\\n3K\\n' | sort -hr; printf 'Feb\\njan\\nDEC\\nx\\n' | sort -M", "500\n3K\n10K\n2M\n1G\n1G\n2M\n10K\n3K\n500\nx\njan\nFeb\nDEC\n", 0],
    ["printf 'a\\nB\\nc\\nA\\n' | sort; printf 'a\\nB\\nc\\nA\\n' | sort -f; printf 'a\\nB\\nc\\nA\\n' | sort -fu; printf 'b\\na\\nb\\n' | sort -u; printf 'b\\na\\nb\\n' | sort -r", "A\nB\na\nc\nA\na\nB\nc\na\nB\nc\na\nb\nb\nb\na\n", 0],
    ["printf '  b\\na\\n c\\n' | sort; printf '  b\\na\\n c\\n' | sort -b; printf 'x  b\\nx a\\n' | sort -k2; printf 'x  b\\nx a\\n' | sort -k2b; printf 'x  b\\nx a\\n' | sort -bk2", "  b\n c\na\na\n  b\n c\nx  b\nx a\nx a\nx  b\nx a\nx  b\n", 0],
    ["printf 'abc 1\\nabd 2\\nabb 3\\n' | sort -k1.3,1.3; printf 'abc 1\\nabd 2\\nabb 3\\n' | sort -k1.2r; printf '1.5\\n-2\\n10\\n-10\\n0.5\\n' | sort -n; printf '1e3\\n5\\nnan\\n-inf\\n' | sort -g", "abb 3\nabc 1\nabd 2\nabd 2\nabc 1\nabb 3\n-10\n-2\n0.5\n1.5\n10\nnan\n-inf\n5\n1e3\n", 0],
    ["printf 'v1.10\\nv1.2\\nv1.9\\n' | sort -V; printf '3\\n1\\n2\\n' | sort -c; echo rc=$?; printf '1\\n2\\n' | sort -c; echo rc=$?; printf '3\\n1\\n' | sort -C; echo rc=$?", "v1.2\nv1.9\nv1.10\nsort: -:2: disorder: 1\nrc=1\nrc=0\nrc=1\n", 0],
    ["printf 'a,1\\nb,1\\nc,0\\n' | sort -t, -k2,2 -s; printf 'a,1\\nb,1\\nc,0\\n' | sort -t, -k2,2 -u; sort nope; echo rc=$?; sort -k0 </dev/null; echo rc=$?; sort -t ab </dev/null; echo rc=$?", "c,0\na,1\nb,1\nc,0\na,1\nsort: cannot read: nope: No such file or directory\nrc=2\nsort: field number is zero: invalid field specification '0'\nrc=2\nsort: multi-character tab 'ab'\nrc=2\n", 0],
    ["printf 'b\\0a\\0' | sort -z | tr '\\0' '\\n'; printf 'b\\na\\n' > /tmp/s1; sort -o /tmp/s1 /tmp/s1; cat /tmp/s1; printf 'x 5\\ny 5\\n' | sort -k2n; printf '%s\\n' 5 05 5.0 | sort -n", "a\nb\na\nb\nx 5\ny 5\n05\n5\n5.0\n", 0],
    ["printf 'NAME STATUS\\nweb-1 Running\\nweb-0 Pending\\n' | sort -k2; printf 'a b\\na\\n' | sort -k2; printf '\\nb\\n\\na\\n' | sort | od -c | head -2", "web-0 Pending\nweb-1 Running\nNAME STATUS\na\na b\n0000000  \\n  \\n   a  \\n   b  \\n\n0000006\n", 0],
    // Debian 12's image is merged-/usr: /bin, /sbin, /lib and /lib64 link into /usr.
    ["for d in /bin /sbin /lib /lib64; do printf '%s -> %s\\n' $d $(readlink $d); done; command -v ls sh which; readlink /bin/sh /usr/bin/sh; ls /usr/bin/ls /bin/ls", "/bin -> usr/bin\n/sbin -> usr/sbin\n/lib -> usr/lib\n/lib64 -> usr/lib64\n/usr/bin/ls\ndash\ndash\n/bin/ls\n/usr/bin/ls\n", 0],
    ["printf 'a\\nb\\nc\\n' > /tmp/p1; printf '1\\n2\\n' > /tmp/p2; printf 'x\\ny\\nz\\nw' > /tmp/p3; paste /tmp/p1 /tmp/p2 | cat -A; paste -d, /tmp/p1 /tmp/p2 /tmp/p3; paste -s /tmp/p1 /tmp/p3; paste -sd '-+' /tmp/p1; paste -d '\\n' /tmp/p1 /tmp/p2; printf '1\\n2\\n3\\n4\\n5\\n' | paste - - ; paste /tmp/p1 nope; echo rc=$?; paste -d '' /tmp/p1 /tmp/p2; paste -d '\\0|' /tmp/p1 /tmp/p2 /tmp/p3; paste -x; echo rc=$?; printf 'a b\\n' | paste -s -d ' '; printf '' | paste - /tmp/p2", "a^I1$\nb^I2$\nc^I$\na,1,x\nb,2,y\nc,,z\n,,w\na\tb\tc\nx\ty\tz\tw\na-b+c\na\n1\nb\n2\nc\n\n1\t2\n3\t4\n5\t\npaste: nope: No such file or directory\nrc=1\na1\nb2\nc\na1|x\nb2|y\nc|z\n|w\npaste: invalid option -- 'x'\nTry 'paste --help' for more information.\nrc=1\na b\n\t1\n\t2\n", 0],
    ["printf 'a\\n\\nb\\n  \\nc' | nl | cat -A; printf 'a\\n\\nb\\n' | nl -ba | cat -A; printf 'a\\nb\\n' | nl -n ln -w 3 -s ': ' | cat -A; printf 'a\\nb\\n' | nl -n rz -v 9 -i 2| cat -A; printf 'a\\nb\\n' | nl -b n | cat -A; printf 'ab\\ncd\\n' | nl -b pa | cat -A; printf 'a\\n' | nl -w 0; echo rc=$?; printf 'a\\nb\\n' | nl -v -1 -n rz -w 3; nl nope; echo rc=$?; printf 'x\\n' | nl -b q; echo rc=$?", "     1^Ia$\n       $\n     2^Ib$\n     3^I  $\n     4^Ic$\n     1^Ia$\n     2^I$\n     3^Ib$\n1  : a$\n2  : b$\n000009^Ia$\n000011^Ib$\n       a$\n       b$\n     1^Iab$\n       cd$\nnl: invalid line number field width: '0': Numerical result out of range\nrc=1\n-01\ta\n000\tb\nnl: nope: No such file or directory\nrc=1\nnl: invalid body numbering style: 'q'\nTry 'nl --help' for more information.\nrc=1\n", 0],
    ["printf 'abcdefghij\\n' | fold -w 4 | cat -A; printf 'the quick brown fox jumps\\n' | fold -sw 10 | cat -A; printf 'a\\tb\\tc\\n' | fold -w 10 | cat -A; printf 'a\\tbcdefghijk\\n' | fold -bw 5 | cat -A; printf 'abcdef' | fold -w 3 | cat -A; echo; printf 'aaaa bbbbbbbbbbbbb c\\n' | fold -s -w 6 | cat -A; fold -w 0 </dev/null; echo rc=$?; echo abc | fold -3 | cat -A; seq -s ' ' 1 40 | fold -w 20 -s", "abcd$\nefgh$\nij$\nthe quick $\nbrown fox $\njumps$\na^Ib$\n^Ic$\na^Ibcd$\nefghi$\njk$\nabc$\ndef\naaaa $\nbbbbbb$\nbbbbbb$\nb c$\nfold: invalid number of columns: '0': Numerical result out of range\nrc=1\nabc$\n1 2 3 4 5 6 7 8 9 \n10 11 12 13 14 15 \n16 17 18 19 20 21 \n22 23 24 25 26 27 \n28 29 30 31 32 33 \n34 35 36 37 38 39 40\n", 0],
    ["printf 'a\\nb\\nd\\n' > /tmp/c1; printf 'b\\nc\\nd\\ne\\n' > /tmp/c2; cd /tmp; comm c1 c2 | cat -A; comm -12 c1 c2; comm -3 c1 c2 | cat -A; comm --output-delimiter=: c1 c2; printf 'b\\na\\n' > c3; comm c3 c2; echo rc=$?; comm --nocheck-order c3 c2; echo rc=$?; comm c1; echo rc=$?; comm --total c1 c2 | cat -A; comm -123 c1 c2; echo rc=$?; comm --check-order c3 c2; echo rc=$?; comm c1 c1 c1; echo rc=$?", "a$\n^I^Ib$\n^Ic$\n^I^Id$\n^Ie$\nb\nd\na$\n^Ic$\n^Ie$\na\n::b\n:c\n::d\n:e\n\t\tb\na\ncomm: file 1 is not in sorted order\n\tc\n\td\n\te\ncomm: input is not in sorted order\nrc=1\n\t\tb\na\n\tc\n\td\n\te\nrc=0\ncomm: missing operand after 'c1'\nTry 'comm --help' for more information.\nrc=1\na$\n^I^Ib$\n^Ic$\n^I^Id$\n^Ie$\n1^I2^I2^Itotal$\nrc=0\n\t\tb\ncomm: file 1 is not in sorted order\nrc=1\ncomm: extra operand 'c1'\nTry 'comm --help' for more information.\nrc=1\n", 0],
    ["printf 'abc\\n' > /tmp/c1; printf 'abd\\n' > /tmp/c2; printf 'ab' > /tmp/c3; printf '' > /tmp/c6; cmp /tmp/c1 /tmp/c2; echo $?; cmp /tmp/c1 /tmp/c3; echo $?; cmp -s /tmp/c1 /tmp/c2; echo $?; cmp /tmp/c6 /tmp/c1; echo $?; cmp /tmp/c1 /tmp/c1; echo $?", "/tmp/c1 /tmp/c2 differ: char 3, line 1\n1\ncmp: EOF on /tmp/c3 after byte 2, in line 1\n1\n1\ncmp: EOF on /tmp/c6 which is empty\n1\n0\n", 0],
    // procps ps -o (specifiers, NAME=HEADER, --no-headers), -p and -C; a stopped process is T.
    ["sleep 30 & p=$!; sleep 0.1; kill -STOP $p; ps -o stat= -p $p; ps -o s=,comm= -p $p; ps --no-headers -o comm -p $p; ps -ocomm=X -p$p; [ \"$(ps -o pid= -p $p | tr -d ' ')\" = \"$p\" ] && echo same; kill -9 $p", "T\nT sleep\nsleep\nX\nsleep\nsame\n", 0],
    ["ps -o foo -p 1; echo rc=$?; ps -p 99999; echo rc=$?; ps -C nosuchcmd -o pid,comm; echo rc=$?", "error: unknown user-defined format specifier \"foo\"\n\nUsage:\n ps [options]\n\n Try 'ps --help <simple|list|output|threads|misc|all>'\n  or 'ps --help <s|l|o|t|m|a>'\n for additional help text.\n\nFor more details see ps(1).\nrc=1\n  PID TTY          TIME CMD\nrc=1\n  PID COMMAND\nrc=1\n", 0],
    ["sleep 30 & p=$!; sleep 0.1; ps -o args,comm -p $p; ps -o cmd=,args= -p $p; ps -C sleep -o comm,s,tty,time; kill $p", "COMMAND                     COMMAND\nsleep 30                    sleep\nsleep 30                    sleep 30\nCOMMAND         S TT           TIME\nsleep           S ?        00:00:00\n", 0],
];

describe("GNU text tools against the real ones", () => {
  itMatchesRecorded(GNU_TOOLS);
});

/** find (GNU findutils 4.9) on expressions an operator or parenthesis leaves unfinished. */
const FIND_EXPRESSIONS: readonly (readonly [string, string, number])[] = [
  ["find . -name f -a >/dev/null; echo rc=$?", "find: expected an expression after '-a'\nrc=1\n", 0],
  ["find . -o >/dev/null; echo rc=$?", "find: invalid expression; you have used a binary operator '-o' with nothing before it.\nrc=1\n", 0],
  ["find . \\( >/dev/null; echo rc=$?", "find: invalid expression; expected to find a ')' but didn't see one. Perhaps you need an extra predicate after '('\nrc=1\n", 0],
  ["find . ! >/dev/null; echo rc=$?", "find: expected an expression after '!'\nrc=1\n", 0],
  ["find . -name f -o >/dev/null; echo rc=$?", "find: expected an expression after '-o'\nrc=1\n", 0],
  ["find . \\( \\) >/dev/null; echo rc=$?", "find: invalid expression; empty parentheses are not allowed.\nrc=1\n", 0],
  ["find . \\( -name x >/dev/null; echo rc=$?", "find: invalid expression; I was expecting to find a ')' somewhere but did not see one.\nrc=1\n", 0],
  ["find . -a >/dev/null; echo rc=$?", "find: invalid expression; you have used a binary operator '-a' with nothing before it.\nrc=1\n", 0],
  ["find . ! -o >/dev/null; echo rc=$?", "find: invalid expression; you have used a binary operator '-o' with nothing before it.\nrc=1\n", 0],
  ["find . -name x -a -o -print >/dev/null; echo rc=$?", "find: invalid expression; you have used a binary operator '-o' with nothing before it.\nrc=1\n", 0],
  ["find . \\( -o \\) >/dev/null; echo rc=$?", "find: invalid expression; you have used a binary operator '-o' with nothing before it.\nrc=1\n", 0],
  ["find . -not >/dev/null; echo rc=$?", "find: expected an expression after '-not'\nrc=1\n", 0],
  ["find . \\( -name x -o \\) >/dev/null; echo rc=$?", "find: expected an expression between '-o' and ')'\nrc=1\n", 0],
  ["find . \\( ! \\) >/dev/null; echo rc=$?", "find: expected an expression between '!' and ')'\nrc=1\n", 0],
  ["find . -name x -o \\) >/dev/null; echo rc=$?", "find: expected an expression between '-o' and ')'\nrc=1\n", 0],
];

/** coreutils env's options: -u NAME attached or not, --unset=, --ignore-environment, a lone -. */
const ENV_OPTIONS: readonly (readonly [string, string, number])[] = [
  ["env --unset=HOME sh -c 'echo ${HOME-unset}'; echo $?", "unset\n0\n", 0],
  ["env -uHOME sh -c 'echo ${HOME-unset}'; env -u HOME sh -c 'echo ${HOME-unset}'", "unset\nunset\n", 0],
  ["env --ignore-environment A=1 env; env -i - B=2 env; env - C=3 env", "A=1\nB=2\nC=3\n", 0],
  ["env --foo; echo $?", "env: unrecognized option '--foo'\nTry 'env --help' for more information.\n125\n", 0],
  ["env -x; echo $?", "env: invalid option -- 'x'\nTry 'env --help' for more information.\n125\n", 0],
  ["env -u; echo $?", "env: option requires an argument -- 'u'\nTry 'env --help' for more information.\n125\n", 0],
  ["env -i A=1 -- env 2>&1; echo $?", "env: '--': No such file or directory\n127\n", 0],
];

describe("GNU env's options against the real one", () => {
  itMatchesRecorded(ENV_OPTIONS);
});

describe("GNU find's malformed expressions against the real one", () => {
  itMatchesRecorded(FIND_EXPRESSIONS);
});

describe("shuf", () => {
  it("draws from the seeded stream: the same seed, the same order", () => {
    const draw = () => new Sandbox().run(["sh", "-c", "seq 20 | shuf | tr '\\n' ' '"]).stdout;
    const first = draw();
    expect(draw()).toBe(first);
    expect(first.trim().split(" ").map(Number).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(first).not.toBe(Array.from({ length: 20 }, (_, i) => i + 1).join(" ") + " ");
  });
});
