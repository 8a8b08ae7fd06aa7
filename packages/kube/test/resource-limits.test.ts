import { describe, expect, it } from "vitest";
import { checkSetrlimit, containerLimits, loginLimits, procLimits } from "../src/runtime/rlimits.js";
import { Sandbox } from "../src/userland/index.js";
import { itMatchesRecorded, sh } from "./helpers.js";
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

/**
 * RLIMIT_FSIZE: a write past it stops at the limit and the writer is sent SIGXFSZ (bash counts
 * -f in KiB, dash in 512-byte blocks), which ends it, a subshell alone, or the shell itself for a
 * builtin's write. Each row: a script run by `sh -c "(script) 2>&1"` in a fresh directory, what
 * Debian 12's dash, bash and coreutils print (pids masked), its status.
 */
const FILE_SIZE_ROWS: readonly [string, string, number][] = [
  ["bash -c 'ulimit -f 1; dd if=/dev/zero of=f bs=1k count=10; echo st=$?; ls -l f | cut -d\" \" -f5' 2>&1 | sed -E \"s/^(.*line [0-9]+: ) *[0-9]+ /\\1PID /; s/^ +[0-9]+ /     PID /\"", "bash: line 1: PID File size limit exceededdd if=/dev/zero of=f bs=1k count=10\nst=153\n1024\n", 0],
  ["dash -c 'ulimit -f 1; dd if=/dev/zero of=f bs=1k count=10; echo st=$?; ls -l f | cut -d\" \" -f5' 2>&1", "File size limit exceeded\nst=153\n512\n", 0],
  ["bash -c 'ulimit -f 1; head -c 3000 /dev/zero > g; echo st=$?; wc -c < g' 2>&1 | sed -E \"s/^(.*line [0-9]+: ) *[0-9]+ /\\1PID /; s/^ +[0-9]+ /     PID /\"", "bash: line 1: PID File size limit exceededhead -c 3000 /dev/zero > g\nst=153\n1024\n", 0],
  ["bash -c 'ulimit -f 2; printf \"%03000d\" 0 > h2; echo st=$?'; echo outer=$?; wc -c < h2", "File size limit exceeded\nouter=153\n2048\n", 0],
  ["dash -c 'ulimit -f 1; (printf \"%02000d\" 0 > h); echo st=$?; wc -c <h' 2>&1", "File size limit exceeded\nst=153\n512\n", 0],
  ["bash -c 'head -c 3000 /dev/zero > z; ulimit -f 1; cp z x; echo st=$?; wc -c < x; cat z > y; echo st=$?; wc -c < y' 2>&1 | sed -E \"s/^(.*line [0-9]+: ) *[0-9]+ /\\1PID /; s/^ +[0-9]+ /     PID /\"", "bash: line 1: PID File size limit exceededcp z x\nst=153\n1024\nbash: line 1: PID File size limit exceededcat z > y\nst=153\n1024\n", 0],
  ["bash -c 'ulimit -f 1; echo hi >> big; truncate -s 2000 big; echo st=$?; ls -l big | cut -d\" \" -f5' 2>&1 | sed -E \"s/^(.*line [0-9]+: ) *[0-9]+ /\\1PID /; s/^ +[0-9]+ /     PID /\"", "bash: line 1: PID File size limit exceededtruncate -s 2000 big\nst=153\n3\n", 0],
  ["bash -c 'ulimit -f 4; seq 10000 | tee t > /dev/null; echo \"st=${PIPESTATUS[*]}\"; wc -c < t; ulimit -Sf 2; echo $(ulimit -f); echo x > /dev/null; echo $?' 2>&1 | sed -E \"s/^(.*line [0-9]+: ) *[0-9]+ /\\1PID /; s/^ +[0-9]+ /     PID /\"", "bash: line 1: PID Done                    seq 10000\n     PID File size limit exceeded| tee t > /dev/null\nst=0 153\n4096\n2\n0\n", 0],
  ["bash -c 'ulimit -f 1; (printf \"%02000d\" 0 > h); echo st=$?; wc -c <h; x=$(printf \"%02000d\" 0 > h2; echo in); echo \"st=$? [$x]\"; printf \"%02000d\" 0 | cat > h3; echo \"st=${PIPESTATUS[*]}\"' 2>&1 | sed -E \"s/^(.*line [0-9]+: ) *[0-9]+ /\\1PID /; s/^ +[0-9]+ /     PID /\"", "bash: line 1: PID File size limit exceeded( printf \"%02000d\" 0 > h )\nst=153\n1024\nst=153 []\nbash: line 1: PID Done                    printf \"%02000d\" 0\n     PID File size limit exceeded| cat > h3\nst=0 153\n", 0],
  // Tools that report their own write errors die of SIGXFSZ all the same; gzip removes its output first.
  ["bash -c 'seq 5000 > big; ulimit -f 2; gzip -1 big; echo st=$?; ls' 2>&1 | sed -E \"s/^(.*line [0-9]+: ) *[0-9]+ /\\1PID /\"", "bash: line 1: PID File size limit exceededgzip -1 big\nst=153\nbig\n", 0],
  ["bash -c 'seq 5000 > big; ulimit -f 2; tar cf a.tar big; echo st=$?' 2>&1 | sed -E \"s/^(.*line [0-9]+: ) *[0-9]+ /\\1PID /\"", "bash: line 1: PID File size limit exceededtar cf a.tar big\nst=153\n", 0],
  ["bash -c 'seq 5000 > big; ulimit -f 2; sed -i s/1/x/ big; echo st=$?; wc -c < big' 2>&1 | sed -E \"s/^(.*line [0-9]+: ) *[0-9]+ /\\1PID /\"", "bash: line 1: PID File size limit exceededsed -i s/1/x/ big\nst=153\n23893\n", 0],
  ["bash -c 'seq 5000 > big; ulimit -f 2; split -b 3000 big part; echo st=$?; ls part*' 2>&1 | sed -E \"s/^(.*line [0-9]+: ) *[0-9]+ /\\1PID /\"", "bash: line 1: PID File size limit exceededsplit -b 3000 big part\nst=153\npartaa\n", 0],
  ["bash -c 'seq 5000 > big; ulimit -f 2; install big dest; echo st=$?; sort -o sorted big; echo st=$?' 2>&1 | sed -E \"s/^(.*line [0-9]+: ) *[0-9]+ /\\1PID /\"", "bash: line 1: PID File size limit exceededinstall big dest\nst=153\nbash: line 1: PID File size limit exceededsort -o sorted big\nst=153\n", 0],
];

describe("the file size limit, against the real programs", () => {
  // The rows were recorded with no core dumps (soft RLIMIT_CORE 0); a container allows them.
  itMatchesRecorded(FILE_SIZE_ROWS, "ulimit -Sc 0; ");
});
