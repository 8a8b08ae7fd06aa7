import { wait, type Proc } from "@ksim/sim";
import { describe, expect, it } from "vitest";
import type { ProcessContext } from "../src/runtime/index.js";
import { Sandbox } from "../src/userland/index.js";
import { kubectlWorld } from "./kubectl-cmd-helpers.js";
import { sh } from "./helpers.js";

const USER = { uid: 1000, gid: 1000 };

/** A sandbox whose registry has `/usr/local/bin/hog`: it holds $MIB MiB resident until killed. */
function sandboxWithHog(options: { memoryBytes?: number; cpus?: number } = {}): Sandbox {
  const sb = new Sandbox({ base: "debian", files: { "/usr/local/bin/hog": { program: "test:hog" } }, ...options });
  sb.registry.registerProgram("test:hog", function* (ctx: ProcessContext): Proc<number> {
    ctx.stats.residentKiB = Number(ctx.environ.get("MIB") ?? "0") * 1024;
    return yield* wait(ctx.exited);
  });
  return sb;
}

function as(sb: Sandbox, cred: { uid: number; gid: number }, script: string) {
  const r = sb.run(["sh", "-c", script], { cred });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

describe("a container's /proc", () => {
  it("has a directory per process of the PID namespace and `self`, the reader's own", () => {
    const sb = new Sandbox({ base: "debian" });
    const sleeper = sb.spawn(["sleep", "600"]).process;
    const listing = sh(sb, "ls /proc").out.split("\n");
    expect(listing).toContain(String(sleeper.pid));
    expect(listing).toEqual(expect.arrayContaining(["meminfo", "self", "uptime"]));
    // exec keeps the pid: the shell's $$ is the pid readlink finds behind /proc/self.
    const [shell, self] = sh(sb, "echo $$; exec readlink /proc/self").out.split("\n");
    expect(self).toBe(shell);
    expect(sh(sb, `cat /proc/${sleeper.pid}/cmdline | tr '\\0' ' '; echo; cat /proc/${sleeper.pid}/comm`)).toEqual({ status: 0, out: "sleep 600 \nsleep\n", err: "" });
    // procfs reports no sizes and takes no blocks; a process's directory is its user's.
    expect(sh(sb, `ls -ld /proc /proc/${sleeper.pid} /proc/self/status /proc/self`).out).toMatch(
      new RegExp(`^dr-xr-xr-x 5 root root 0 Jan  1 00:00 /proc\\ndr-xr-xr-x 3 root root 0 Jan  1 00:00 /proc/${sleeper.pid}\\nlrwxrwxrwx 1 root root 0 Jan  1 00:00 /proc/self -> \\d+\\n-r--r--r-- 1 root root 0 Jan  1 00:00 /proc/self/status\\n$`),
    );
    expect(sh(sb, "ls /proc/self/")).toEqual({ status: 0, out: "cgroup\ncmdline\ncomm\ncwd\nenviron\nfd\nlimits\nmounts\nroot\nstat\nstatus\n", err: "" });
    expect(sh(sb, "cat /proc/999/status")).toEqual({ status: 1, out: "", err: "cat: /proc/999/status: No such file or directory\n" });
  });

  it("links each open descriptor to what it is open on: a pipe, a file, /dev/null", () => {
    const sb = new Sandbox({ base: "debian" });
    // ls's own descriptors: stdin from /dev/null, stdout into the pipe to cat, stderr to a file.
    const r = sh(sb, "ls -l /proc/self/fd/ 2>/tmp/err </dev/null | awk '{print $1, $9, $10, $11}'");
    const [total, in0, out1, err2] = r.out.split("\n");
    expect(total).toBe("total   ");
    expect(in0).toBe("lr-x------ 0 -> /dev/null");
    expect(out1).toMatch(/^l-wx------ 1 -> pipe:\[\d+\]$/);
    expect(err2).toBe("l-wx------ 2 -> /tmp/err");
    // The two ends of a pipe are one inode: what echo writes into is what readlink reads from.
    const [writer, reader] = sh(sb, "readlink /proc/self/fd/1 | { cat; readlink /proc/self/fd/0; }").out.split("\n");
    expect(writer).toMatch(/^pipe:\[\d+\]$/);
    expect(reader).toBe(writer);
    expect(sh(sb, "ls -ld /proc/self/fd | cut -c1-10")).toEqual({ status: 0, out: "dr-x------\n", err: "" });
  });

  it("shows a process's identity, credentials and memory in status as Linux 5.15 lays it out", () => {
    const sb = sandboxWithHog({ cpus: 4, memoryBytes: 8 * 1024 ** 3 });
    const hog = sb.spawn(["hog"], { env: { MIB: "300" }, cred: USER }).process;
    const status = sh(sb, `cat /proc/${hog.pid}/status`).out;
    expect(status).toContain(`Name:\thog\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t${hog.pid}\nNgid:\t0\nPid:\t${hog.pid}\nPPid:\t0\nTracerPid:\t0\n`);
    expect(status).toContain("Uid:\t1000\t1000\t1000\t1000\nGid:\t1000\t1000\t1000\t1000\nFDSize:\t64\nGroups:\t \n");
    expect(status).toContain("VmHWM:\t  307200 kB\nVmRSS:\t  307200 kB\nRssAnon:\t  307200 kB\n");
    // RLIMIT_SIGPENDING from 8 GiB of RAM; a user without capabilities; four CPUs to run on.
    expect(status).toContain("SigQ:\t0/32768\n");
    expect(status).toContain("CapPrm:\t0000000000000000\nCapEff:\t0000000000000000\nCapBnd:\t00000000a80425fb\n");
    expect(status.endsWith("Cpus_allowed:\tf\nCpus_allowed_list:\t0-3\n")).toBe(true);
    expect(sh(sb, "grep -E '^(Name|CapEff)' /proc/self/status").out).toBe("Name:\tgrep\nCapEff:\t00000000a80425fb\n");
  });

  it("names a script's process after the script while its interpreter runs it", () => {
    const sb = new Sandbox({ base: "debian", files: { "/usr/local/bin/report": { content: "#!/bin/sh\ncat /proc/$$/comm\ntr '\\0' ' ' < /proc/$$/cmdline\n", mode: 0o755 } } });
    expect(sh(sb, "report one two")).toEqual({ status: 0, out: "report\n/bin/sh /usr/local/bin/report one two ", err: "" });
  });

  it("keeps a process's environment to its owner and root", () => {
    const sb = new Sandbox({ base: "debian" });
    const secret = sb.spawn(["sleep", "600"], { env: { DB_PASSWORD: "hunter2" } }).process;
    expect(as(sb, USER, `cat /proc/${secret.pid}/environ`)).toEqual({ status: 1, out: "", err: `cat: /proc/${secret.pid}/environ: Permission denied\n` });
    expect(sh(sb, `tr '\\0' '\\n' < /proc/${secret.pid}/environ | grep PASSWORD`).out).toBe("DB_PASSWORD=hunter2\n");
  });

  it("follows the links that lead out of it: cwd and root", () => {
    const sb = new Sandbox({ base: "debian" });
    expect(sh(sb, "cd /etc && readlink /proc/self/cwd && readlink -f /proc/self/cwd/../etc/./passwd && ls /proc/self/root/ | head -2")).toEqual({
      status: 0,
      out: "/etc\n/etc/passwd\nbin\ndev\n",
      err: "",
    });
    // What a process changes through them is changed where they lead.
    expect(sh(sb, "cd /tmp && mkdir /proc/self/cwd/d && touch /proc/self/cwd/d/f && chmod 600 /proc/self/cwd/d/f && mv /proc/self/cwd/d/f /proc/self/cwd/g && ls -l /tmp | cut -c1-10 && rm /proc/self/cwd/g && rmdir /proc/self/cwd/d && ls /tmp")).toEqual({
      status: 0,
      out: "total 4\ndrwxr-xr-x\n-rw-------\n",
      err: "",
    });
  });

  it("gives readlink a link's target, or with -f, -e and -m the path with every link followed", () => {
    const sb = new Sandbox({ base: "debian" });
    expect(sh(sb, "readlink /dev/stdin; readlink /etc; echo $?; readlink -v /etc /nowhere")).toEqual({
      status: 1,
      out: "/proc/self/fd/0\n1\n",
      err: "readlink: /etc: Invalid argument\nreadlink: /nowhere: No such file or directory\n",
    });
    expect(sh(sb, "cd /dev && readlink -f ptmx; readlink -m /nowhere/a/../b; readlink -e /nowhere/b || echo missing; readlink -f /nowhere/b || echo parent missing")).toEqual({
      status: 0,
      out: "/dev/pts/ptmx\n/nowhere/b\nmissing\nparent missing\n",
      err: "",
    });
    expect(sh(sb, "readlink")).toEqual({ status: 1, out: "", err: "readlink: missing operand\nTry 'readlink --help' for more information.\n" });
  });

  it("takes no writes and no new names, as procfs refuses them", () => {
    const sb = new Sandbox({ base: "debian" });
    // Root gets past the permissions to a file without a write method.
    expect(sh(sb, "bash -c 'echo 1 > /proc/meminfo'")).toEqual({ status: 1, out: "", err: "bash: line 1: echo: write error: Input/output error\n" });
    expect(sh(sb, ": > /proc/meminfo && echo truncated")).toEqual({ status: 0, out: "truncated\n", err: "" });
    expect(as(sb, USER, "echo 1 > /proc/meminfo")).toEqual({ status: 2, out: "", err: "sh: 1: cannot create /proc/meminfo: Permission denied\n" });
    expect(sh(sb, "rm /proc/meminfo; mkdir /proc/x; touch /proc/x; chmod 600 /proc/self/status")).toEqual({
      status: 1,
      out: "",
      err: "rm: cannot remove '/proc/meminfo': Operation not permitted\nmkdir: cannot create directory '/proc/x': Operation not permitted\ntouch: cannot touch '/proc/x': Permission denied\nchmod: changing permissions of '/proc/self/status': Operation not permitted\n",
    });
    expect(as(sb, USER, "rm -f /proc/meminfo")).toEqual({ status: 1, out: "", err: "rm: cannot remove '/proc/meminfo': Permission denied\n" });
  });

  it("reports the machine's memory with what its processes hold, and free reads it", () => {
    const sb = sandboxWithHog({ memoryBytes: 2 * 1024 ** 3 });
    const idle = sh(sb, "free").out.split("\n")[1]!.split(/\s+/).map(Number);
    sb.spawn(["hog"], { env: { MIB: "1024" } });
    expect(sh(sb, "head -3 /proc/meminfo")).toEqual({ status: 0, out: "MemTotal:        2097152 kB\nMemFree:         1047450 kB\nMemAvailable:    1047450 kB\n", err: "" });
    const busy = sh(sb, "free").out.split("\n")[1]!.split(/\s+/).map(Number);
    // Mem: total used free shared buff/cache available — the hog's GiB moved from free to used.
    expect(busy[2]! - idle[2]!).toBe(1024 * 1024);
    expect(idle[3]! - busy[3]!).toBe(1024 * 1024);
    expect(sh(sb, "free -h")).toEqual({
      status: 0,
      out: "              total        used        free      shared  buff/cache   available\nMem:           2.0G        1.0G        1.0G          0B          0B        1.0G\nSwap:            0B          0B          0B\n",
      err: "",
    });
    expect(sh(sb, "free -m -t").out).toBe(
      "              total        used        free      shared  buff/cache   available\nMem:           2048        1025        1022           0           0        1022\nSwap:             0           0           0\nTotal:         2048        1025        1022\n",
    );
    expect(sh(sb, "free -m -g")).toEqual({ status: 1, out: "", err: "free: Multiple unit options doesn't make sense.\n" });
    // ps aux's %MEM is RSS over MemTotal, cut to tenths: the hog's GiB of 2 GiB is 50.0.
    expect(sh(sb, "ps aux | grep -w hog | grep -v grep").out).toMatch(/^root +\d+ +0\.0 50\.0 +\d+ 1048576 /);
  });

  it("gives busybox's free its own columns", () => {
    const sb = new Sandbox({ base: "busybox", memoryBytes: 1024 ** 3 });
    // busybox sh execs free in its own place: free is the only process using memory.
    expect(sh(sb, "free -m")).toEqual({
      status: 0,
      out: "              total        used        free      shared  buff/cache   available\nMem:           1024           0        1023           0           0        1023\nSwap:             0           0           0\n",
      err: "",
    });
    expect(sh(sb, "free -h").err).toBe("BusyBox v1.28.4 (2018-05-22 17:00:17 UTC) multi-call binary.\n\nUsage: free [-b/k/m/g]\n\nDisplay the amount of free and used system memory\n");
  });

  it("counts time since boot and the CPUs' idle time in uptime", () => {
    const sb = new Sandbox({ base: "debian", cpus: 2 });
    const [up, idle] = sh(sb, "sleep 100; cat /proc/uptime").out.trim().split(" ").map(Number);
    expect(up).toBeGreaterThanOrEqual(100);
    expect(up).toBeLessThan(101);
    // Two CPUs idle nearly all the time: almost twice the uptime.
    expect(idle).toBeGreaterThan(199);
    expect(idle).toBeLessThanOrEqual(2 * up!);
  });

  it("gives nproc the CPUs a process may run on, unless OpenMP's variables say otherwise", () => {
    const sb = new Sandbox({ base: "debian", cpus: 8 });
    expect(sh(sb, "nproc; nproc --ignore=3; nproc --ignore=9; OMP_NUM_THREADS=2 nproc; OMP_NUM_THREADS=6 OMP_THREAD_LIMIT=4 nproc; OMP_NUM_THREADS=2 nproc --all")).toEqual({
      status: 0,
      out: "8\n5\n1\n2\n4\n8\n",
      err: "",
    });
  });
});

describe("/proc in a pod", () => {
  const POD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: nginx\n    image: nginx:1.27\n";

  it("shows the node's memory and CPUs, and nginx's processes under the titles they set", () => {
    const { term } = kubectlWorld({ seed: 3 });
    term.run(`cat > /tmp/web.yaml <<'EOF'\n${POD}EOF`);
    expect(term.run("kubectl apply -f /tmp/web.yaml && kubectl wait --for=condition=Ready pod/web --timeout=60s").status).toBe(0);
    expect(term.run("kubectl get node -o jsonpath='{.items[0].status.capacity.memory} {.items[0].status.capacity.cpu}'").output).toBe("16Gi 4");
    // bookworm-slim has no procps: free is not there, /proc/meminfo is.
    expect(term.run("kubectl exec web -- sh -c 'free -m; head -1 /proc/meminfo; nproc'").output).toBe("sh: 1: free: not found\nMemTotal:       16777216 kB\n4\n");
    // The master's title is longer than its arguments: the kernel reads it up to its NUL.
    expect(term.run("kubectl exec web -- sh -c 'cat /proc/1/cmdline | od -An -c | tail -1; cat /proc/1/comm'").output).toBe("   a   e   m   o   n       o   f   f   ;  \\0\nnginx\n");
    const workers = term.run("kubectl exec web -- sh -c 'grep -l \"^Uid:.101\" /proc/[0-9]*/status | wc -l'").output;
    expect(Number(workers)).toBeGreaterThan(0);
  });

  it("lists the container's mounts in /proc/mounts as runc made them, and mount prints them", () => {
    const { term } = kubectlWorld({ seed: 3 });
    const pod =
      POD +
      "    volumeMounts: [{name: cache, mountPath: /cache}, {name: mem, mountPath: /mem}, {name: conf, mountPath: /conf, readOnly: true}]\n" +
      "  volumes: [{name: cache, emptyDir: {}}, {name: mem, emptyDir: {medium: Memory}}, {name: conf, configMap: {name: cm}}]\n" +
      "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {a: b}\n";
    term.run(`cat > /tmp/web.yaml <<'EOF'\n${pod}EOF`);
    expect(term.run("kubectl apply -f /tmp/web.yaml >/dev/null && kubectl wait --for=condition=Ready pod/web --timeout=60s").status).toBe(0);
    const mounts = term.run("kubectl exec web -- cat /proc/mounts").output.split("\n");
    expect(mounts[0]).toMatch(/^overlay \/ overlay rw,relatime,lowerdir=\/var\/lib\/containerd\/io\.containerd\.snapshotter\.v1\.overlayfs\/snapshots\/\d+\/fs,upperdir=\S+\/fs,workdir=\S+\/work 0 0$/);
    expect(mounts.slice(1, 7)).toEqual([
      "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0",
      "tmpfs /dev tmpfs rw,nosuid,size=65536k,mode=755 0 0",
      "devpts /dev/pts devpts rw,nosuid,noexec,relatime,gid=5,mode=620,ptmxmode=666 0 0",
      "mqueue /dev/mqueue mqueue rw,nosuid,nodev,noexec,relatime 0 0",
      "sysfs /sys sysfs ro,nosuid,nodev,noexec,relatime 0 0",
      "cgroup /sys/fs/cgroup cgroup2 ro,nosuid,nodev,noexec,relatime 0 0",
    ]);
    // The kubelet's mounts, ordered by depth: the volumes, /etc/hosts, the termination log, then containerd's.
    expect(mounts.slice(7, 15)).toEqual([
      "/dev/vda1 /cache ext4 rw,relatime 0 0",
      "tmpfs /mem tmpfs rw,relatime,size=8388608k 0 0",
      "/dev/vda1 /conf ext4 ro,relatime 0 0",
      "/dev/vda1 /etc/hosts ext4 rw,relatime 0 0",
      "/dev/vda1 /dev/termination-log ext4 rw,relatime 0 0",
      "/dev/vda1 /etc/hostname ext4 rw,relatime 0 0",
      "/dev/vda1 /etc/resolv.conf ext4 rw,relatime 0 0",
      "shm /dev/shm tmpfs rw,nosuid,nodev,noexec,relatime,size=65536k 0 0",
    ]);
    // Read-only paths, then masked ones: a directory under an empty tmpfs, a file under /dev/null.
    expect(mounts.slice(-9, -1)).toEqual([
      "proc /proc/sys proc ro,nosuid,nodev,noexec,relatime 0 0",
      "proc /proc/sysrq-trigger proc ro,nosuid,nodev,noexec,relatime 0 0",
      "tmpfs /proc/acpi tmpfs ro,relatime 0 0",
      "tmpfs /proc/kcore tmpfs rw,nosuid,size=65536k,mode=755 0 0",
      "tmpfs /proc/keys tmpfs rw,nosuid,size=65536k,mode=755 0 0",
      "tmpfs /proc/timer_list tmpfs rw,nosuid,size=65536k,mode=755 0 0",
      "tmpfs /proc/scsi tmpfs ro,relatime 0 0",
      "tmpfs /sys/firmware tmpfs ro,relatime 0 0",
    ]);
    expect(term.run("kubectl exec web -- mount -t ext4").output).toBe(
      "/dev/vda1 on /cache type ext4 (rw,relatime)\n/dev/vda1 on /conf type ext4 (ro,relatime)\n/dev/vda1 on /etc/hosts type ext4 (rw,relatime)\n/dev/vda1 on /dev/termination-log type ext4 (rw,relatime)\n/dev/vda1 on /etc/hostname type ext4 (rw,relatime)\n/dev/vda1 on /etc/resolv.conf type ext4 (rw,relatime)\n",
    );
    expect(term.run("kubectl exec web -- ls -l /dev/termination-log").output).toBe("-rw-rw-rw- 1 root root 0 Jan  1 00:00 /dev/termination-log\n");
    // No container here may mount: mount(2) wants CAP_SYS_ADMIN.
    expect(term.run("kubectl exec web -- mount -t tmpfs tmpfs /mnt")).toEqual({ status: 32, output: "mount: permission denied\ncommand terminated with exit code 32\n" });
  });
});
