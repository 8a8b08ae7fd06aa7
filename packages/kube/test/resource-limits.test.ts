import { describe, expect, it } from "vitest";
import { checkSetrlimit, containerLimits, loginLimits, procLimits } from "../src/runtime/rlimits.js";
import { Sandbox } from "../src/userland/index.js";
import { sh } from "./helpers.js";
import { kubectlWorld } from "./kubectl-cmd-helpers.js";

const GiB = 1024 ** 3;
const ZK = { uid: 1000, gid: 1000 };

describe("resource limits", () => {
  it("are a container's as containerd 1.7 gives them, in each shell's table", () => {
    // 4 GiB: max_threads 32768, half of it for pending signals.
    const sb = new Sandbox({ base: "debian", memoryBytes: 4 * GiB });
    expect(sh(sb, "ulimit -a")).toEqual({
      status: 0,
      err: "",
      out:
        "time(seconds)        unlimited\nfile(blocks)         unlimited\ndata(kbytes)         unlimited\nstack(kbytes)        8192\n" +
        "coredump(blocks)     unlimited\nmemory(kbytes)       unlimited\nlocked memory(kbytes) 64\nprocess              unlimited\n" +
        "nofiles              1048576\nvmemory(kbytes)      unlimited\nlocks                unlimited\nrtprio               0\n",
    });
    expect(sh(sb, "bash -c 'ulimit -a' | sed -n '1p;7p;9p;15p'").out).toBe(
      "real-time non-blocking time  (microseconds, -R) unlimited\n" +
        "max locked memory           (kbytes, -l) 64\n" +
        "open files                          (-n) 1048576\n" +
        "max user processes                  (-u) unlimited\n",
    );
  });

  it("are listed in busybox 1.28's table by its ash, which prints nothing when asked for nothing", () => {
    const sb = new Sandbox({ base: "busybox" });
    const r = sb.run(["sh", "-c", "ulimit; ulimit -a | sed -n '1p;7p;9p'; ulimit -H -S -s; ulimit -c 0; ulimit -Hc"]);
    expect([r.status, r.stdout, r.stderr]).toEqual([0, "-f: file size (blocks)             unlimited\n-l: locked memory (kb)             64\n-n: file descriptors               1048576\nunlimited\n0\n", ""]);
  });

  it("are inherited, lowered by anyone, raised past the hard limit by nobody in a container", () => {
    const sb = new Sandbox({ base: "debian" });
    // Root in a container lacks CAP_SYS_RESOURCE: a hard limit once lowered stays lowered.
    expect(sh(sb, "ulimit -n 4096; ulimit -Hn 8192; echo $?; sh -c 'ulimit -Hn'")).toEqual({ status: 0, out: "2\n4096\n", err: "sh: 1: ulimit: error setting limit (Operation not permitted)\n" });
    const r = sb.run(["bash", "-c", "ulimit -Sn 100; ulimit -Sn unlimited; ulimit -n; ulimit -c 0; ulimit -Hc"], { cred: ZK });
    // Without root, `unlimited` for a soft limit is the hard one (bash's set_limit).
    expect([r.status, r.stdout, r.stderr]).toEqual([0, "1048576\n0\n", ""]);
  });

  it("follow setrlimit(2)'s rules", () => {
    const now = { soft: 1024, hard: 4096 };
    expect(checkSetrlimit(now, { soft: 5000, hard: 4096 }, "nofile", true)).toBe("EINVAL");
    expect(checkSetrlimit(now, { soft: 1024, hard: 8192 }, "nofile", false)).toBe("EPERM");
    expect(checkSetrlimit(now, { soft: 1024, hard: 8192 }, "nofile", true)).toBeUndefined();
    // nr_open bounds NOFILE even for root.
    expect(checkSetrlimit(now, { soft: 1024, hard: 2 ** 21 }, "nofile", true)).toBe("EPERM");
    expect(checkSetrlimit(now, { soft: 1024, hard: 2 ** 21 }, "stack", true)).toBeUndefined();
  });

  it("show in /proc/PID/limits as the kernel lays them out", () => {
    const text = procLimits(loginLimits(16 * GiB));
    expect(text.split("\n").slice(0, 2)).toEqual(["Limit                     Soft Limit           Hard Limit           Units     ", "Max cpu time              unlimited            unlimited            seconds   "]);
    expect(text).toContain("Max open files            1024                 524288               files     \n");
    expect(text).toContain("Max nice priority         0                    0                    \n");
    expect(containerLimits(16 * GiB).sigpending).toEqual({ soft: 65536, hard: 65536 });
  });

  it("and the umask are a process's own, inherited, applied to what it creates", () => {
    const sb = new Sandbox({ base: "debian" });
    expect(sh(sb, "cd /tmp && umask 027 && touch a && mkdir b && sh -c 'umask; grep Umask /proc/self/status' && ls -ld a b | cut -c1-10").out).toBe("0027\nUmask:\t0027\n-rw-r-----\ndrwxr-x---\n");
  });

  it("on the workstation are a Debian login's, which its root may raise, and its /proc shows them", () => {
    const { term } = kubectlWorld({ nodes: 1 });
    expect(term.run("ulimit -n; ulimit -Hn; ulimit -Hn 600000; echo $?; ulimit -Hn 2000000; echo $?; grep 'open files' /proc/self/limits | tr -s ' '; umask")).toEqual({
      status: 0,
      output: "1024\n524288\n0\nbash: ulimit: open files: cannot modify limit: Operation not permitted\n1\nMax open files 1024 600000 files \n0022\n",
    });
    // The workstation is a machine of its own: 4 CPUs, 16 GiB.
    expect(term.run("nproc; free -m | sed -n 2p | tr -s ' ' | cut -d' ' -f2; cat /proc/loadavg | cut -d' ' -f1-3")).toEqual({ status: 0, output: "4\n16384\n0.00 0.00 0.00\n" });
  });
});
