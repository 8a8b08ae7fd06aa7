import { Volume } from "@ksim/sim";
import { describe, expect, it } from "vitest";
import { Sandbox } from "../src/userland/index.js";
import { sh } from "./helpers.js";

const MiB = 1024 ** 2;

describe("a container's /dev", () => {
  it("lists the runtime's device nodes, links and mount points as coreutils ls shows them", () => {
    const sb = new Sandbox({ base: "debian" });
    expect(sh(sb, "ls -l /dev")).toEqual({
      status: 0,
      out: [
        "total 0",
        "lrwxrwxrwx 1 root root   11 Jan  1 00:00 core -> /proc/kcore",
        "lrwxrwxrwx 1 root root   13 Jan  1 00:00 fd -> /proc/self/fd",
        "crw-rw-rw- 1 root root 1, 7 Jan  1 00:00 full",
        "drwxrwxrwt 2 root root   40 Jan  1 00:00 mqueue",
        "crw-rw-rw- 1 root root 1, 3 Jan  1 00:00 null",
        "lrwxrwxrwx 1 root root    8 Jan  1 00:00 ptmx -> pts/ptmx",
        "drwxr-xr-x 2 root root    0 Jan  1 00:00 pts",
        "crw-rw-rw- 1 root root 1, 8 Jan  1 00:00 random",
        "drwxrwxrwt 2 root root   40 Jan  1 00:00 shm",
        "lrwxrwxrwx 1 root root   15 Jan  1 00:00 stderr -> /proc/self/fd/2",
        "lrwxrwxrwx 1 root root   15 Jan  1 00:00 stdin -> /proc/self/fd/0",
        "lrwxrwxrwx 1 root root   15 Jan  1 00:00 stdout -> /proc/self/fd/1",
        "crw-rw-rw- 1 root root 5, 0 Jan  1 00:00 tty",
        "crw-rw-rw- 1 root root 1, 9 Jan  1 00:00 urandom",
        "crw-rw-rw- 1 root root 1, 5 Jan  1 00:00 zero",
        "",
      ].join("\n"),
      err: "",
    });
    expect(sh(sb, "test -c /dev/null && test ! -f /dev/null && find /dev -type c | sort | tr '\\n' ' '")).toEqual({
      status: 0,
      out: "/dev/full /dev/null /dev/pts/ptmx /dev/random /dev/tty /dev/urandom /dev/zero ",
      err: "",
    });
  });

  it("shows a device's numbers where busybox ls puts the size", () => {
    const sb = new Sandbox({ base: "busybox" });
    expect(sh(sb, "ls -l /dev/null /dev/tty /dev/pts")).toEqual({
      status: 0,
      out: "crw-rw-rw-    1 root     root        1,   3 Jan  1 00:00 /dev/null\ncrw-rw-rw-    1 root     root        5,   0 Jan  1 00:00 /dev/tty\n\n/dev/pts:\ntotal 0\ncrw-rw-rw-    1 root     root        5,   2 Jan  1 00:00 ptmx\n",
      err: "",
    });
  });

  it("reads and writes as the drivers do", () => {
    const sb = new Sandbox({ base: "debian" });
    expect(sh(sb, "head -c 8 /dev/zero | od -An -c")).toEqual({ status: 0, out: "  \\0  \\0  \\0  \\0  \\0  \\0  \\0  \\0\n", err: "" });
    // -c counts bytes, however the random ones decode.
    expect(sh(sb, "head -c 1000 /dev/urandom | wc -c; head -n 3 /dev/urandom | wc -l; cat /dev/null | wc -c")).toEqual({ status: 0, out: "1000\n3\n0\n", err: "" });
    expect(sh(sb, "echo gone > /dev/null && echo stirred > /dev/urandom && echo ok")).toEqual({ status: 0, out: "ok\n", err: "" });
    expect(sh(sb, "echo x > /dev/full")).toEqual({ status: 1, out: "", err: "sh: 1: echo: echo: I/O error\n" });
    expect(sh(sb, "bash -c 'echo x > /dev/full'")).toEqual({ status: 1, out: "", err: "bash: line 1: echo: write error: No space left on device\n" });
    // No controlling terminal: /dev/tty cannot be opened.
    expect(sh(sb, "cat /dev/tty")).toEqual({ status: 1, out: "", err: "cat: /dev/tty: No such device or address\n" });
    expect(sh(sb, "truncate -s 0 /dev/null")).toEqual({ status: 1, out: "", err: "truncate: failed to truncate '/dev/null' at 0 bytes: Invalid argument\n" });
    // A copy is made with the umask: the device's 0666 becomes 0644.
    expect(sh(sb, "cp /dev/null /tmp/empty && ls -l /tmp/empty")).toEqual({ status: 0, out: "-rw-r--r-- 1 root root 0 Jan  1 00:00 /tmp/empty\n", err: "" });
  });

  it("fills a disk from /dev/zero until write(2) fails, the last buffer as far as it fits", () => {
    const sb = new Sandbox({ base: "debian" });
    const volume = new Volume(sb.sim, "data", 10 * MiB + 4096);
    sb.rootfs.mount({ path: "/data", volume, subPath: "", readOnly: false });
    expect(sh(sb, "cat /dev/zero > /data/fill")).toEqual({ status: 1, out: "", err: "cat: write error: No space left on device\n" });
    expect(sh(sb, "ls -l /data/fill | cut -d' ' -f5")).toEqual({ status: 0, out: `${10 * MiB + 4096}\n`, err: "" });
    expect(volume.bytesUsed).toBe(10 * MiB + 4096);
    expect(sh(sb, "rm /data/fill && yes > /data/y")).toEqual({ status: 1, out: "", err: "yes: write error: No space left on device\n" });
    expect(sh(sb, "head -c 2 /data/y; rm /data/y; head -c 3M /dev/zero > /data/three && du -k /data/three")).toEqual({ status: 0, out: "y\n3072\t/data/three\n", err: "" });
  });

  it("ends a writer whose pipe has no reader left by SIGPIPE, as endless writers need", () => {
    const sb = new Sandbox({ base: "debian" });
    expect(sh(sb, `bash -c 'yes | head -2; echo "\${PIPESTATUS[@]}"'`)).toEqual({ status: 0, out: "y\ny\n141 0\n", err: "" });
    expect(sh(sb, `bash -c 'cat /dev/urandom | head -c 4 | wc -c; echo "\${PIPESTATUS[@]}"'`)).toEqual({ status: 0, out: "4\n141 0 0\n", err: "" });
    // The shell's own builtin gets the signal too: the loop's subshell ends.
    expect(sh(sb, `bash -c 'while :; do echo y; done | head -1; echo "\${PIPESTATUS[@]}"'`)).toEqual({ status: 0, out: "y\n141 0\n", err: "" });
    // sed reads a line at a time too, unless a `$` address needs to know the last line.
    expect(sh(sb, `bash -c 'yes | sed 2q; echo "\${PIPESTATUS[@]}"'`)).toEqual({ status: 0, out: "y\ny\n141 0\n", err: "" });
    expect(sh(sb, "printf 'a\\nb\\nc' | sed -n '$p;1p'")).toEqual({ status: 0, out: "a\nc", err: "" });
    // Without a reader going away, a copy to nowhere runs until something stops it.
    expect(sh(sb, "timeout 2 cat /dev/zero > /dev/null; echo $?")).toEqual({ status: 0, out: "124\n", err: "" });
  });
});

describe("reading a device without end", () => {
  it("gives a redirection a buffer at a time, which a streaming tool turns into what the pipe's reader wants", () => {
    const sb = new Sandbox({ base: "debian" });
    expect(sh(sb, `bash -c 'tr -dc a-z0-9 < /dev/urandom | head -c 12 | wc -c; echo "\${PIPESTATUS[@]}"'`)).toEqual({ status: 0, out: "12\n141 0 0\n", err: "" });
    expect(sh(sb, "tr '\\0' x < /dev/zero | head -c 5")).toEqual({ status: 0, out: "xxxxx", err: "" });
    expect(sh(sb, "cat /dev/tty")).toEqual({ status: 1, out: "", err: "cat: /dev/tty: No such device or address\n" });
    expect(sh(sb, "read x < /dev/tty")).toEqual({ status: 2, out: "", err: "sh: 1: cannot open /dev/tty: No such device or address\n" });
  });

  it("lets od take what -j and -N ask of it, coreutils' and busybox's", () => {
    const gnu = new Sandbox({ base: "debian" });
    expect(sh(gnu, "od -An -tx1 -N4 /dev/zero")).toEqual({ status: 0, out: " 00 00 00 00\n", err: "" });
    expect(sh(gnu, "od -An -tu4 -N4 /dev/urandom | wc -w")).toEqual({ status: 0, out: "1\n", err: "" });
    const busybox = new Sandbox({ base: "busybox" });
    expect(sh(busybox, "od -An -tx1 -j2 -N3 /dev/zero")).toEqual({ status: 0, out: " 00 00 00\n", err: "" });
  });

  it("leaves a tool that reads all its input before it works reading for ever, until a timeout ends it", () => {
    const sb = new Sandbox({ base: "debian" });
    expect(sh(sb, "timeout 1 wc -c /dev/zero; echo $?")).toEqual({ status: 0, out: "124\n", err: "" });
    expect(sh(sb, "timeout 1 od /dev/zero; echo $?")).toEqual({ status: 0, out: "124\n", err: "" });
  });
});
