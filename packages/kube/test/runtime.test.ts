import { Network, Sim, Volume, wait, type Proc } from "@ksim/sim";
import { describe, expect, it } from "vitest";
import {
  ImageLayer,
  ImageRegistry,
  LayeredFs,
  ProcessTable,
  SpawnError,
  StringSink,
  type Executable,
  type ProcessContext,
} from "../src/index.js";

function setup(extra: Record<string, string | { program: string }> = {}, isolated = false) {
  const sim = new Sim({ seed: 1 });
  const net = new Network(sim);
  const host = net.addHost("pod", "10.244.0.5");
  const registry = new ImageRegistry();
  const printArgs: Executable = function* (ctx: ProcessContext): Proc<number> {
    ctx.stdout.write(ctx.argv.join("|") + "\n");
    return 0;
  };
  registry.registerProgram("test:args", printArgs);
  registry.registerProgram("test:daemon", function* (ctx) {
    ctx.net.listen(80, (c) => {
      c.onData = (d) => c.send(`echo:${String(d)}`);
    });
    ctx.onSignal((sig) => {
      ctx.stdout.write(`got ${sig}\n`);
      ctx.timer(1000, () => ctx.exit(0));
    });
    return yield* wait(ctx.exited);
  });
  const layer = new ImageLayer(
    {
      "/bin/args": { program: "test:args" },
      "/bin/sh": { program: "test:args" },
      "/usr/bin/daemon": { program: "test:daemon" },
      "/usr/local/bin/script": { content: "#!/usr/bin/env sh -x\necho hi\n", mode: 0o755 },
      "/etc/passwd": "root:x:0:0:root:/root:/bin/bash\n",
      "/opt/app/bin/tool": { program: "test:args" },
      "/usr/bin/tool": { symlink: "/opt/app/bin/tool" },
      "/etc/readonly": { content: "x", mode: 0o600 },
      ...extra,
    },
    Date.UTC(2023, 0, 1),
  );
  const rootfs = new LayeredFs(sim, layer, "c1");
  const table = new ProcessTable({
    sim,
    registry,
    fsFor: (cred, pid, umask) => rootfs.view(cred, pid, umask),
    network: { host, resolve: () => [], reverse: () => undefined, nameserver: "10.96.0.10" },
    hostname: "web-0",
    random: sim.random.fork("procs"),
    name: "default/web-0/nginx",
  }, isolated);
  return { sim, net, host, table, rootfs };
}

describe("container runtime", () => {
  it("lets a program that meets a full disk die of it (status 1, the error on stderr) instead of crashing the simulation", () => {
    const { sim, table, rootfs } = setup({ "/bin/fill": { program: "test:fill" }, "/bin/fill-later": { program: "test:fill-later" } });
    rootfs.mount({ path: "/data", volume: new Volume(sim, "small", 1024), subPath: "", readOnly: false });
    // One writer fails in its body, one in a timer callback: both are the process's own threads.
    table.env.registry.registerProgram("test:fill", function* (ctx) {
      ctx.fs.writeFile("/data/big", new Uint8Array(4096));
      return 0;
    });
    table.env.registry.registerProgram("test:fill-later", function* (ctx) {
      ctx.timer(10, () => ctx.fs.appendFile("/data/later", new Uint8Array(4096)));
      return yield* wait(ctx.exited);
    });
    const err = new StringSink();
    const codes: number[] = [];
    for (const argv of [["/bin/fill"], ["/bin/fill-later"]]) table.spawn(argv, { stderr: err }).exited.subscribe((c) => codes.push(c));
    sim.runUntilIdle();
    expect(codes).toEqual([1, 1]);
    expect(err.text()).toBe("fill: /data/big: No space left on device\nfill-later: /data/later: No space left on device\n");
  });

  it("runs native programs found through PATH and scripts through their #! interpreter", () => {
    const { sim, table } = setup();
    const out = new StringSink();
    table.spawn(["args", "a", "b"], { stdout: out });
    table.spawn(["script", "x"], { stdout: out });
    table.spawn(["tool", "via-symlink"], { stdout: out });
    sim.runUntilIdle();
    expect(out.text()).toBe("args|a|b\nsh|-x|/usr/local/bin/script|x\ntool|via-symlink\n");
  });

  it("reports missing and non-executable commands like a shell needs them", () => {
    const { table } = setup({ "/usr/bin/data": "just text" });
    expect(() => table.spawn(["nope"])).toThrow(SpawnError);
    try {
      table.spawn(["nope"]);
    } catch (e) {
      expect((e as SpawnError).status).toBe(127);
    }
    try {
      table.spawn(["/usr/bin/data"]);
    } catch (e) {
      expect((e as SpawnError).message).toBe("/usr/bin/data: Permission denied");
      expect((e as SpawnError).status).toBe(126);
    }
  });

  it("removing a program from the image breaks it until the container gets a fresh layer", () => {
    const { sim, table, rootfs } = setup();
    const root = rootfs.view({ uid: 0, gid: 0 });
    root.unlink("/opt/app/bin/tool");
    expect(() => table.spawn(["tool"])).toThrow(/tool: not found/);
    expect(root.readdir("/opt/app/bin")).toEqual([]);
    expect(root.exists("/bin/args")).toBe(true);
    sim.runUntilIdle();
  });

  it("overlays writes on the image, copies up, and mounts volumes with their own ownership", () => {
    const { sim, rootfs } = setup();
    const vol = new Volume(sim, "pv-1");
    vol.applyFsGroup(1000);
    rootfs.mount({ path: "/var/lib/zookeeper", volume: vol, subPath: "", readOnly: false });
    const zk = rootfs.view({ uid: 1000, gid: 1000, groups: [1000] });
    zk.mkdir("/var/lib/zookeeper/data", { recursive: true });
    zk.writeFile("/var/lib/zookeeper/data/myid", "1\n");
    expect(vol.readText("/data/myid")).toBe("1\n");
    expect(zk.stat("/var/lib/zookeeper/data").mode).toBe(0o2755);
    expect(() => zk.writeFile("/etc/zoo.cfg", "x")).toThrow(/Permission denied/);
    expect(() => zk.readFile("/etc/readonly")).toThrow(/Permission denied/);
    const root = rootfs.view({ uid: 0, gid: 0 });
    root.appendFile("/etc/passwd", "zookeeper:x:1000:1000::/home/zookeeper:/bin/false\n");
    expect(root.readText("/etc/passwd")).toContain("root:x:0:0");
    expect(root.readText("/etc/passwd")).toContain("zookeeper:x:1000");
    expect(root.readdir("/var/lib")).toEqual(["zookeeper"]);
  });

  it("shields a PID namespace's init: it gets only the signals it catches, and SIGKILL only from outside", () => {
    const statuses: string[] = [];
    const namespace = () => {
      const ns = setup({ "/bin/idle": { program: "test:idle" }, "/bin/termer": { program: "test:termer" } }, true);
      ns.table.env.registry.registerProgram("test:idle", (ctx) => wait(ctx.exited));
      ns.table.env.registry.registerProgram("test:termer", function* (ctx) {
        ctx.onSignal((sig) => ctx.exit(sig === "SIGTERM" ? 3 : 4), ["SIGTERM"]);
        return yield* wait(ctx.exited);
      });
      return ns;
    };
    const a = namespace();
    a.table.spawn(["idle"]).exited.subscribe((s) => statuses.push(`init ${s}`));
    // From inside: discarded, SIGKILL included, and kill(2) still succeeds.
    expect(a.table.kill(1, "SIGTERM")).toBe(true);
    expect(a.table.kill(1, "SIGKILL")).toBe(true);
    // From outside (the runtime stopping the container): SIGTERM discarded, SIGKILL forced.
    a.table.killFromOutside(1, "SIGTERM");
    a.sim.runUntilIdle();
    expect(statuses).toEqual([]);
    a.table.killFromOutside(1, "SIGKILL");
    expect(statuses).toEqual(["init 137"]);
    // An init gets the signals it catches; any other process takes the default action.
    const b = namespace();
    b.table.spawn(["termer"]).exited.subscribe((s) => statuses.push(`termer ${s}`));
    const child = b.table.spawn(["idle"], { ppid: 1 });
    child.exited.subscribe((s) => statuses.push(`child ${s}`));
    b.sim.runUntilIdle();
    b.table.kill(1, "SIGINT");
    b.table.kill(child.pid, "SIGINT");
    b.table.killFromOutside(1, "SIGTERM");
    b.sim.runUntilIdle();
    expect(statuses).toEqual(["init 137", "child 130", "termer 3"]);
  });

  it("delivers signals to handlers, kills with SIGKILL, and closes a dead process's sockets", () => {
    const { sim, net, table } = setup();
    const out = new StringSink();
    const d = table.spawn(["daemon"], { stdout: out });
    const client = net.addHost("client", "10.244.0.9");
    const replies: unknown[] = [];
    let closed = "";
    const c = client.connect("10.244.0.5", 80);
    c.onData = (x) => replies.push(x);
    c.onEnd = () => (closed = "eof");
    sim.schedule(10, () => c.send("ping"));
    sim.schedule(100, () => table.kill(d.pid, "SIGTERM"));
    const statuses: number[] = [];
    d.exited.subscribe((s) => statuses.push(s));
    sim.runUntilIdle();
    expect(replies).toEqual(["echo:ping"]);
    expect(out.text()).toBe("got SIGTERM\n");
    expect(statuses).toEqual([0]);
    expect(closed).toBe("eof");
    // SIGTERM at 100 ms, the handler's 1 s shutdown, then the FIN's one-way trip.
    expect(sim.now).toBe(1101);
    const d2 = table.spawn(["daemon"]);
    sim.schedule(5, () => table.kill(d2.pid, "SIGKILL"));
    d2.exited.subscribe((s) => statuses.push(s));
    sim.runUntilIdle();
    expect(statuses).toEqual([0, 137]);
  });

  it("reports init's exit so the runtime can stop the container", () => {
    const { sim, table } = setup();
    let initStatus: number | undefined;
    table.onInitExit = (s) => (initStatus = s);
    const init = table.spawn(["daemon"]);
    expect(init.pid).toBe(1);
    const other = table.spawn(["script"], { ppid: 1 });
    expect(table.list().map((p) => p.pid)).toEqual([1, 2]);
    sim.schedule(50, () => table.kill(1, "SIGKILL"));
    sim.runUntil(60);
    expect(initStatus).toBe(137);
    table.killAll();
    sim.runUntilIdle();
    expect(table.size).toBe(0);
    void other;
  });
});
