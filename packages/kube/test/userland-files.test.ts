import { describe, expect, it } from "vitest";
import { Sandbox } from "../src/userland/index.js";

/** A tree: /d/a/big (5000 bytes: two 4 KiB blocks), /d/a/b/small (3 bytes: one block). */
function tree(): Sandbox {
  const sb = new Sandbox();
  sb.fs().mkdir("/d/a/b", { recursive: true });
  sb.fs().writeFile("/d/a/big", "x".repeat(5000));
  sb.fs().writeFile("/d/a/b/small", "hi\n");
  return sb;
}

describe("du, find, timeout and the checksum tools, as GNU coreutils and findutils print them", () => {
  it("du counts 4 KiB blocks per file and directory, children before parents", () => {
    const sb = tree();
    const run = (s: string) => sb.run(["sh", "-c", s]);
    expect(run("du /d").stdout).toBe("8\t/d/a/b\n20\t/d/a\n24\t/d\n");
    expect(run("du -sh /d; du -h --max-depth=1 /d; du -c -b /d/a/b").stdout).toBe("24K\t/d\n20K\t/d/a\n24K\t/d\n4099\t/d/a/b\n4099\ttotal\n");
    expect(run("cd /d/a && du -a b").stdout).toBe("4\tb/small\n8\tb\n");
    expect(run("du /nope")).toMatchObject({ stderr: "du: cannot access '/nope': No such file or directory\n", status: 1 });
    expect(run("du -s -a /d")).toMatchObject({ stderr: "du: cannot both summarize and show all entries\nTry 'du --help' for more information.\n", status: 1 });
  });

  it("find evaluates tests and actions left to right, -print when there is no action", () => {
    const sb = tree();
    const run = (s: string) => sb.run(["sh", "-c", s]);
    const all = run("find /d").stdout.split("\n").filter((l) => l !== "");
    expect([...all].sort()).toEqual(["/d", "/d/a", "/d/a/b", "/d/a/b/small", "/d/a/big"]);
    // A directory comes before what is in it.
    expect(all.indexOf("/d/a")).toBeLessThan(all.indexOf("/d/a/b/small"));
    expect(run("find /d -type f -name 'sm*'; find /d -maxdepth 1; find /d -size +4k; find /d -path '*/b/*'").stdout).toBe("/d/a/b/small\n/d\n/d/a\n/d/a/big\n/d/a/b/small\n");
    expect(run("find /d -name big -exec wc -c {} \\;").stdout).toBe("5000 /d/a/big\n");
    expect(run("find /d \\( -name small -o -name big \\) -type f -exec echo found {} + | tr ' ' '\\n' | sort").stdout).toBe("/d/a/b/small\n/d/a/big\nfound\n");
    expect(run("find /d -mindepth 2 -type d ! -name x -print")).toMatchObject({ stdout: "/d/a/b\n", status: 0 });
    // -quit stops at the first match; a pipeline's `read` then tells whether there was one.
    expect(run("find /d -type f -print -quit | wc -l; find /d -name nothing -print -quit | read -r x || echo none").stdout).toBe("1\nnone\n");
    expect(run("find /d -follow -maxdepth 1 -type d").stdout).toBe("/d\n/d/a\n");
    expect(run("printf '10-b.sh\\n2-a.sh\\n1.10\\n1.9\\n1.9~rc1\\nb\\na1\\n' | sort -V").stdout).toBe("1.9~rc1\n1.9\n1.10\n2-a.sh\n10-b.sh\na1\nb\n");
    expect(run("find /d -name small -delete; ls /d/a/b | wc -l").stdout).toBe("0\n");
    expect(run("find /nope")).toMatchObject({ stderr: "find: '/nope': No such file or directory\n", status: 1 });
    expect(run("find /d -bogus")).toMatchObject({ stderr: "find: unknown predicate `-bogus'\n", status: 1 });
  });

  it("timeout signals the command when the duration passes, with GNU timeout's statuses", () => {
    const sb = new Sandbox();
    const run = (s: string) => sb.run(["sh", "-c", s]);
    expect(run("timeout 1 sleep 5; echo $?; timeout 5 sleep 1; echo $?; timeout -s KILL 1 sleep 5; echo $?; timeout --preserve-status 1 sleep 5; echo $?").stdout).toBe("124\n0\n137\n143\n");
    expect(run("timeout -v 1 sleep 2")).toMatchObject({ stderr: "timeout: sending signal TERM to command 'sleep'\n", status: 124 });
    expect(run("timeout 1 nope")).toMatchObject({ stderr: "timeout: failed to run command 'nope': No such file or directory\n", status: 127 });
    expect(run("timeout x sleep 1")).toMatchObject({ stderr: "timeout: invalid time interval 'x'\nTry 'timeout --help' for more information.\n", status: 125 });
  });

  it("carries binary files through pipes and redirections byte for byte", () => {
    const sb = new Sandbox();
    const bytes = Uint8Array.from({ length: 512 }, (_, i) => (i * 37) % 256);
    sb.fs().writeFile("/tmp/bin", bytes);
    const r = sb.run(["sh", "-c", "cat /tmp/bin > /tmp/a; cat /tmp/bin | base64 | base64 -d > /tmp/b; gzip -c /tmp/bin | gunzip > /tmp/c; tar cf - /tmp/bin 2>/dev/null > /tmp/t.tar; mkdir /tmp/x && tar xf - -C /tmp/x < /tmp/t.tar; wc -c < /tmp/bin"]);
    expect(r.stdout).toBe("512\n");
    for (const f of ["/tmp/a", "/tmp/b", "/tmp/c", "/tmp/x/tmp/bin"]) expect(sb.fs().readFile(f)).toEqual(bytes);
    // Named members only, and -O to standard output.
    expect(sb.run(["sh", "-c", "tar xOf /tmp/t.tar tmp/bin > /tmp/o; tar tf /tmp/t.tar tmp/nope"])).toMatchObject({
      stdout: "",
      stderr: "tar: tmp/nope: Not found in archive\ntar: Exiting with failure status due to previous errors\n",
      status: 2,
    });
    expect(sb.fs().readFile("/tmp/o")).toEqual(bytes);
  });

  it("tar extracts into a directory it does not own, then says it could not set that directory's times and mode", () => {
    const sb = new Sandbox({ users: [{ name: "zookeeper", uid: 1000, gid: 1000 }] });
    expect(sb.run(["sh", "-c", "mkdir -m 777 /srv/d && echo hi > /srv/d/f && tar cf /tmp/a.tar -C /srv d && rm /srv/d/f"]).status).toBe(0);
    const r = sb.run(["tar", "xf", "/tmp/a.tar", "-C", "/srv"], { cred: { uid: 1000, gid: 1000 } });
    expect(r).toMatchObject({
      status: 2,
      stderr: "tar: d: Cannot utime: Operation not permitted\ntar: d: Cannot change mode to rwxr-xr-x: Operation not permitted\ntar: Exiting with failure status due to previous errors\n",
    });
    expect(sb.fs().readText("/srv/d/f")).toBe("hi\n");
    expect(sb.run(["chmod", "700", "/srv/d"], { cred: { uid: 1000, gid: 1000 } }).stderr).toBe("chmod: changing permissions of '/srv/d': Operation not permitted\n");
  });

  it("od dumps bytes as GNU od does, and printf's octal escapes make bytes, not characters", () => {
    const sb = new Sandbox();
    const out = (s: string) => sb.run(["sh", "-c", s]).stdout;
    expect(out("printf 'abc\\n' | od; printf 'abc\\n' | od -c; printf 'abc\\n' | od -An -tx1")).toBe("0000000 061141 005143\n0000004\n0000000   a   b   c  \\n\n0000004\n 61 62 63 0a\n");
    expect(out("printf '\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\377\\t' | od -c")).toBe(
      "0000000  \\0  \\0  \\0  \\0  \\0  \\0  \\0  \\0  \\0  \\0  \\0  \\0  \\0  \\0  \\0  \\0\n*\n0000040 377  \\t\n0000042\n",
    );
    expect(out("printf 'abcdefghijklmnopqrs' | od -t x1 -w8; printf '\\200' | od -t u1 -t d1; printf 'ab' | od -x -A d")).toBe(
      "0000000 61 62 63 64 65 66 67 68\n0000010 69 6a 6b 6c 6d 6e 6f 70\n0000020 71 72 73\n0000023\n0000000  128\n        -128\n0000001\n0000000 6261\n0000002\n",
    );
    // Escaped bytes are bytes, whether or not they form UTF-8 (é here).
    expect(out("printf '\\303\\251' | od -An -tx1; printf '\\303\\251\\351' | wc -c; printf '\\303\\251'")).toBe(" c3 a9\n3\né");
  });

  it("empty input has no lines", () => {
    expect(new Sandbox().run(["sh", "-c", "printf '' | uniq -c; printf '' | grep -c ''"]).stdout).toBe("0\n");
  });

  it("md5sum, sha1sum and sha256sum print and check digests", () => {
    const sb = new Sandbox();
    const run = (s: string) => sb.run(["sh", "-c", s]);
    expect(run("echo hi | md5sum; echo hi > /tmp/f; sha256sum /tmp/f; sha1sum /tmp/f").stdout).toBe(
      "764efa883dda1e11db47671c4a3bbd9e  -\n98ea6e4f216f2fb4b69fff9b3a44842c38686ca685f3f55dc48c5d3fb1107be4  /tmp/f\n55ca6286e3e4f4fba5d0448333fa99fc5a404a73  /tmp/f\n",
    );
    expect(run("cd /tmp && md5sum f > sums && md5sum -c sums && echo bye > f && md5sum -c sums")).toMatchObject({
      stdout: "f: OK\nf: FAILED\n",
      stderr: "md5sum: WARNING: 1 computed checksum did NOT match\n",
      status: 1,
    });
  });
});
