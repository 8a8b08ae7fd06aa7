import { describe, expect, it } from "vitest";
import { editScript } from "../src/userland/diff.js";
import { Sandbox } from "../src/userland/index.js";
import { kubectlWorld } from "./kubectl-cmd-helpers.js";

describe("diff", () => {
  const ten = "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\n";

  it("prints GNU diff's normal and unified formats, and exits 1 for differences", () => {
    const sb = new Sandbox();
    sb.fs().writeFile("/tmp/a", ten);
    sb.fs().writeFile("/tmp/b", ten.replace("three", "THREE") + "eleven");
    expect(sb.run(["diff", "/tmp/a", "/tmp/b"])).toMatchObject({ status: 1, stdout: "3c3\n< three\n---\n> THREE\n10a11\n> eleven\n\\ No newline at end of file\n" });
    expect(sb.run(["diff", "-u", "/tmp/a", "/tmp/b"])).toMatchObject({
      status: 1,
      stdout:
        "--- /tmp/a\t2024-01-01 00:00:00.000000000 +0000\n+++ /tmp/b\t2024-01-01 00:00:00.000000000 +0000\n" +
        "@@ -1,6 +1,6 @@\n one\n two\n-three\n+THREE\n four\n five\n six\n@@ -8,3 +8,4 @@\n eight\n nine\n ten\n+eleven\n\\ No newline at end of file\n",
    });
    expect(sb.run(["diff", "/tmp/a", "/tmp/a"])).toMatchObject({ status: 0, stdout: "" });
    expect(sb.run(["diff", "/tmp/a", "/tmp/nope"])).toMatchObject({ status: 2, stderr: "diff: /tmp/nope: No such file or directory\n" });
    expect(sb.run(["diff", "-u", "-N", "/tmp/nope", "/tmp/a"]).stdout).toContain("--- /tmp/nope\t1970-01-01 00:00:00.000000000 +0000\n+++ /tmp/a\t2024-01-01 00:00:00.000000000 +0000\n@@ -0,0 +1,10 @@\n+one\n");
  });

  it("compares directories file by file", () => {
    const sb = new Sandbox();
    const fs = sb.fs();
    fs.mkdir("/tmp/x");
    fs.mkdir("/tmp/y");
    fs.writeFile("/tmp/x/same", "s\n");
    fs.writeFile("/tmp/y/same", "s\n");
    fs.writeFile("/tmp/x/changed", "a\n");
    fs.writeFile("/tmp/y/changed", "b\n");
    fs.writeFile("/tmp/y/new", "n\n");
    expect(sb.run(["diff", "/tmp/x", "/tmp/y"]).stdout).toBe("diff /tmp/x/changed /tmp/y/changed\n1c1\n< a\n---\n> b\nOnly in /tmp/y: new\n");
    expect(sb.run(["diff", "-u", "-N", "/tmp/x", "/tmp/y"]).stdout.split("\n").filter((l) => l.startsWith("diff "))).toEqual([
      "diff -u -N /tmp/x/changed /tmp/y/changed",
      "diff -u -N /tmp/x/new /tmp/y/new",
    ]);
  });

  it("finds a shortest edit script on random inputs", () => {
    let seed = 5;
    const next = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16) % n;
    for (let i = 0; i < 300; i++) {
      const a = Array.from({ length: next(12) }, () => "abc"[next(3)]!);
      const b = Array.from({ length: next(12) }, () => "abc"[next(3)]!);
      const ops = editScript(a, b);
      expect(ops.filter((o) => o.kind !== "+").map((o) => o.line)).toEqual(a);
      expect(ops.filter((o) => o.kind !== "-").map((o) => o.line)).toEqual(b);
      // Minimal: as many kept lines as the longest common subsequence.
      const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
      for (let x = a.length - 1; x >= 0; x--) for (let y = b.length - 1; y >= 0; y--) lcs[x]![y] = a[x] === b[y] ? lcs[x + 1]![y + 1]! + 1 : Math.max(lcs[x + 1]![y]!, lcs[x]![y + 1]!);
      expect(ops.filter((o) => o.kind === "=").length).toBe(lcs[0]![0]);
    }
  });
});

describe("kubectl diff", () => {
  it("shows what apply would change as a unified diff of LIVE and MERGED, exit 1, and nothing with exit 0 when in sync", () => {
    const { term } = kubectlWorld({ seed: 3 });
    const url = "https://k8s.io/examples/application/web/web.yaml";
    expect(term.run(`kubectl apply -f ${url} >/dev/null && kubectl diff -f ${url}`)).toEqual({ status: 0, output: "" });
    const r = term.split(`kubectl scale sts web --replicas=1 >/dev/null && kubectl diff -f ${url}`);
    expect(r.status).toBe(1);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(/^diff -u -N \/tmp\/LIVE-\d+\/apps\.v1\.StatefulSet\.default\.web \/tmp\/MERGED-\d+\/apps\.v1\.StatefulSet\.default\.web$/);
    expect(lines).toContain("-  replicas: 1");
    expect(lines).toContain("+  replicas: 2");
    expect(lines).toContain("-  generation: 2");
    expect(lines).toContain("+  generation: 3");
    // Nothing was changed, and the temporary directories are gone.
    expect(term.run("kubectl get sts web -o jsonpath='{.spec.replicas}'; ls /tmp").output).toBe("1");
  });

  it("shows objects that do not exist yet as all added, masks Secret values, and fails with exit 2", () => {
    const { term } = kubectlWorld({ seed: 3 });
    const added = term.split("kubectl create configmap cfg --from-literal=a=1 --dry-run=client -o yaml > cm.yaml && kubectl diff -f cm.yaml");
    expect(added.status).toBe(1);
    expect(added.stdout).toContain("+++ /tmp/MERGED-");
    expect(added.stdout).toMatch(/--- \/tmp\/LIVE-\d+\/v1\.ConfigMap\.default\.cfg\t1970-01-01 00:00:00\.000000000 \+0000/);
    expect(added.stdout).toContain("+  a: \"1\"");
    term.run("kubectl create secret generic pw --from-literal=password=old");
    const secret = term.split("kubectl create secret generic pw --from-literal=password=new --dry-run=client -o yaml > s.yaml && kubectl diff -f s.yaml");
    expect(secret.stdout).toContain("-  password: '*** (before)'");
    expect(secret.stdout).toContain("+  password: '*** (after)'");
    expect(term.run("kubectl diff")).toEqual({ status: 2, output: "error: must specify one of -f and -k\n" });
    expect(term.run("kubectl diff -f nope.yaml").status).toBe(2);
  });
});
