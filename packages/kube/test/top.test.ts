import { wait, type Proc } from "@ksim/sim";
import { describe, expect, it } from "vitest";
import type { ProcessContext } from "../src/runtime/index.js";
import { Sandbox } from "../src/userland/index.js";

/** `/usr/local/bin/spin` uses half a CPU and holds about 2 GB; `nap` sleeps. */
function sandbox(): Sandbox {
  const sb = new Sandbox({ cpus: 2, files: { "/usr/local/bin/spin": { program: "test:spin" } } });
  sb.registry.registerProgram("test:spin", function* (ctx: ProcessContext): Proc<number> {
    ctx.stats.cpu = 0.5;
    ctx.stats.residentKiB = 2_000_000;
    ctx.stats.sizePages = 3_000_000;
    return yield* wait(ctx.exited);
  });
  return sb;
}

describe("procps top", () => {
  it("prints batch frames as 3.3.12 does: %CPU over 0.15 s at first, then over the delay; CPU states since boot, then over the delay", () => {
    const sb = sandbox();
    sb.spawn(["spin"]);
    sb.run(["sleep", "100"]);
    const r = sb.run(["top", "-b", "-n", "2", "-d", "2"]);
    expect(r.status).toBe(0);
    const frame = (time: string, pcpu: string, cputime: string) =>
      `top - ${time} up 1 min,  0 users,  load average: 0.41, 0.14, 0.05\n` +
      "Tasks:   2 total,   1 running,   1 sleeping,   0 stopped,   0 zombie\n" +
      "%Cpu(s): 25.0 us,  0.0 sy,  0.0 ni, 75.0 id,  0.0 wa,  0.0 hi,  0.0 si,  0.0 st\n" +
      "KiB Mem :  4194304 total,  2193741 free,  2000563 used,        0 buff/cache\n" +
      "KiB Swap:        0 total,        0 free,        0 used.  2193741 avail Mem \n" +
      "\n" +
      "  PID USER      PR  NI    VIRT    RES    SHR S  %CPU %MEM     TIME+ COMMAND\n" +
      // 12,000,000 KiB and 2,000,000 KiB are too wide in KiB and in MiB for their columns.
      `    1 root      20   0 11.444g 1.907g      0 S ${pcpu} 47.7   ${cputime} spin\n` +
      "    3 root      20   0    4508    563      0 R   0.0  0.0   0:00.00 top\n";
    // 0.15 s at half a CPU is 7 whole ticks: 46.7 %, the step real top shows on its first frame.
    expect(r.stdout).toBe(`${frame("00:01:40", " 46.7", "0:50.07")}\n${frame("00:01:42", " 50.0", "0:51.07")}`);
  });

  it("cuts long names with a + and fits the command to the width; -o sorts, -u and -p select, -i hides idle tasks", () => {
    const sb = sandbox();
    sb.spawn(["spin"]);
    sb.spawn(["sleep", "1000"]);
    sb.run(["sleep", "10"]);
    const rows = (args: string[]) => sb.run(["top", "-b", "-n1", ...args]).stdout.split("\n").slice(7, -1);
    expect(rows(["-c"])[0]).toBe("    1 root      20   0 11.444g 1.907g      0 S  46.7 47.7   0:05.07 spin");
    expect(rows(["-c"])[1]).toBe("    2 root      20   0    4508    563      0 S   0.0  0.0   0:00.00 sleep 1000");
    expect(rows(["-c", "-w", "75"])[1]).toBe("    2 root      20   0    4508    563      0 S   0.0  0.0   0:00.00 sleep+");
    expect(rows(["-o", "PID"]).map((l) => l.trim().split(/ +/)[0])).toEqual(["7", "2", "1"]);
    expect(rows(["-o", "-PID"]).map((l) => l.trim().split(/ +/)[0])).toEqual(["1", "2", "8"]);
    expect(rows(["-p", "2,1"]).map((l) => l.trim().split(/ +/)[0])).toEqual(["1", "2"]);
    expect(rows(["-i"]).map((l) => l.trim().split(/ +/)[0])).toEqual(["1"]);
    expect(rows(["-u", "nobody"])).toEqual([]);
  });

  it("says what 3.3.12 says about its arguments and about a missing terminal", () => {
    const sb = sandbox();
    const usage = "Usage:\n  top -hv | -bcHiOSs -d secs -n max -u|U user -p pid(s) -o field -w [cols]\n";
    expect(sb.run(["top", "-h"]).stdout).toBe(`  procps-ng 3.3.12\n${usage}`);
    expect(sb.run(["top", "-x"])).toMatchObject({ status: 1, stderr: `top: unknown option 'x'\n${usage}` });
    expect(sb.run(["top", "-bn0"])).toMatchObject({ status: 1, stderr: "top: bad iterations argument '0'\n" });
    expect(sb.run(["top", "-b", "-d", "x"])).toMatchObject({ status: 1, stderr: "top: bad delay interval 'x'\n" });
    expect(sb.run(["top", "-b", "-o", "CPU"])).toMatchObject({ status: 1, stderr: "top: unrecognized field name 'CPU'\n" });
    expect(sb.run(["top", "-b", "-u", "nosuch"])).toMatchObject({ status: 1, stderr: "top: Invalid user\n" });
    expect(sb.run(["top", "-O"]).stdout.split("\n").slice(0, 4)).toEqual(["PID", "PPID", "UID", "USER"]);
    // Without -b, ncurses wants TERM (kubectl exec without -t sets none), then top wants a terminal.
    expect(sb.run(["top"])).toMatchObject({ status: 1, stderr: "TERM environment variable not set.\n" });
    expect(sb.run(["top"], { env: { TERM: "xterm" } })).toMatchObject({ status: 1, stderr: "top: failed tty get\n" });
  });

  it("on a terminal clears the screen, shows the tasks that fit in 24 rows, and ends with its input", () => {
    const sb = sandbox();
    for (let i = 0; i < 30; i++) sb.spawn(["sleep", "1000"]);
    const r = sb.run(["top"], { env: { TERM: "xterm" }, tty: true, stdin: "" });
    expect(r.status).toBe(0);
    expect(r.stdout.startsWith("\x1b[H\x1b[2Jtop - 00:00:00 up 0 min,")).toBe(true);
    // Five summary rows, the blank row, the header, and 17 tasks.
    expect(r.stdout.split("\n")).toHaveLength(5 + 1 + 1 + 17 + 1);
  });
});

describe("busybox top", () => {
  function busybox(): Sandbox {
    const sb = new Sandbox({ base: "busybox", cpus: 2, files: { "/usr/local/bin/spin": { program: "test:spin" } } });
    sb.registry.registerProgram("test:spin", function* (ctx: ProcessContext): Proc<number> {
      ctx.stats.cpu = 0.5;
      ctx.stats.sizePages = 3_000_000;
      return yield* wait(ctx.exited);
    });
    sb.spawn(["spin"]);
    sb.spawn(["sleep", "1000"]);
    sb.run(["sleep", "100"]);
    return sb;
  }

  it("prints 1.28's batch frames: %CPU of the whole machine over 0.1 s, then over the delay; no blank line between frames", () => {
    const r = busybox().run(["top", "-bn2", "-d1"]);
    expect(r.status).toBe(0);
    const frame =
      "Mem: 1689K used, 4192615K free, 0K shrd, 0K buff, 0K cached\n" +
      "CPU: 25.0% usr  0.0% sys  0.0% nic 75.0% idle  0.0% io  0.0% irq  0.0% sirq\n" +
      "Load average: 0.41 0.14 0.05 2/3 4\n" +
      "  PID  PPID USER     STAT   VSZ %VSZ CPU %CPU COMMAND\n" +
      // Half a CPU of two is a quarter of the machine; 12,000,000 KiB is 11.4g and 286 % of 4 GiB.
      "    1     0 root     S    11.4g286.1   0 25.0 spin\n" +
      "    2     0 root     S     4508  0.1   0  0.0 sleep 1000\n" +
      "    4     0 root     R     4508  0.1   0  0.0 top -bn2 -d1\n";
    expect(r.stdout).toBe(`${frame}${frame}\n`);
  });

  it("without -b redraws every delay, keeps going at the end of its input, and ends at once on a q typed before it starts", () => {
    const endless = busybox().run(["top"], { stdin: "", timeoutMs: 12_000 });
    expect(endless.status).toBeUndefined();
    expect(endless.stdout.startsWith("\x1b[H\x1b[JMem: ")).toBe(true);
    expect(endless.stdout).toContain("\x1b[7m  PID  PPID USER     STAT   VSZ %VSZ CPU %CPU COMMAND\x1b[m");
    // The first frame after 0.1 s, then one every 5 s.
    expect(endless.stdout.match(/\x1b\[H/g)).toHaveLength(3);
    expect(busybox().run(["top"], { stdin: "q" })).toMatchObject({ status: 0, stdout: "\n" });
  });

  it("takes its options with or without a dash and says what busybox says about bad ones", () => {
    const sb = busybox();
    expect(sb.run(["top", "bn1"]).stdout.split("\n")[0]).toMatch(/^Mem: /);
    expect(sb.run(["top", "-n", "x"])).toMatchObject({ status: 1, stderr: "top: invalid number 'x'\n" });
    const bad = sb.run(["top", "-x"]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^top: invalid option -- 'x'\nBusyBox v1\.28\.4 .*\n\nUsage: top \[-b\] \[-nCOUNT\] \[-dSECONDS\] \[-m\]\n/);
  });
});
