import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseScenario } from "@ksim/scenario";
import { describe, expect, it } from "vitest";

/** The real `ksim` command, as users run it: a child process, its output and exit status. */
const BIN = join(import.meta.dirname, "..", "packages", "cli", "bin", "ksim.mjs");

function ksim(args: readonly string[], cwd: string, input = "") {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", timeout: 300_000, input });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Its stdout and stderr interleaved, as a terminal shows them. */
function ksimTerminal(args: readonly string[], cwd: string): string {
  const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
  return spawnSync("sh", ["-c", `${[process.execPath, BIN, ...args].map(quote).join(" ")} 2>&1`], { cwd, encoding: "utf8", timeout: 300_000 }).stdout;
}

const noStackTrace = (text: string) => expect(text).not.toMatch(/\n\s+at .*:\d+:\d+\)?\n/);

describe("ksim shell and ksim run", () => {
  it("give the same transcript for the StatefulSet tutorial's commands typed into ksim shell --echo", () => {
    const file = join(import.meta.dirname, "..", "scenarios", "tutorials", "statefulset-basics.yaml");
    const scenario = parseScenario(readFileSync(file, "utf8"), file);
    // What the reader types: each step's commands, then what they type into the program they start.
    const typed = scenario.steps.map((s) => (s.run === undefined ? "" : `${s.run.endsWith("\n") ? s.run : `${s.run}\n`}${s.stdin ?? ""}`)).join("");
    const dir = mkdtempSync(join(tmpdir(), "ksim-cli-"));
    writeFileSync(join(dir, "typed.sh"), typed);
    const shell = ksimTerminal(["shell", "--echo", "typed.sh"], dir);
    const run = ksim(["run", file], dir);
    expect(run.status).toBe(0);
    // The run's transcript without its step notes and its closing summary.
    const transcript = run.stdout.replace(/\nksim: .*\n$/, "").split("\n").filter((l) => !l.startsWith("# ")).join("\n");
    expect(shell).toBe(transcript);
  });

  it("refuses bad input with kubectl's words, a non-zero status and no stack trace", () => {
    const dir = mkdtempSync(join(tmpdir(), "ksim-bad-"));
    writeFileSync(join(dir, "broken.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata: [unclosed\n");
    writeFileSync(join(dir, "widget.yaml"), "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n");
    writeFileSync(join(dir, "noimage.yaml"), "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n");
    writeFileSync(join(dir, "mixed.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: bad\nspec:\n  containers: []\n");
    const lines = [
      "kubectl apply -f broken.yaml",
      "kubectl apply -f widget.yaml",
      "kubectl apply -f noimage.yaml",
      "kubectl get pods --bogus",
      "kubectl get widgets",
      "kubectl get pod nosuch",
      "kubectl apply -f mixed.yaml",
      "kubectl get configmaps,pods -o name",
    ];
    writeFileSync(join(dir, "bad.sh"), lines.map((l) => `${l} 2>&1; echo "status $?"\n`).join(""));
    const r = ksim(["shell", "bad.sh"], dir);
    expect(r.stdout).toBe(
      [
        "error: error parsing broken.yaml: error converting YAML to JSON: yaml: line 5: did not find expected ',' or ']'",
        "status 1",
        'error: resource mapping not found for name: "w" namespace: "" from "widget.yaml": no matches for kind "Widget" in version "example.com/v1"',
        "ensure CRDs are installed first",
        "status 1",
        'The Pod "p" is invalid: spec.containers[0].image: Required value',
        "status 1",
        "error: unknown flag: --bogus",
        "See 'kubectl get --help' for usage.",
        "status 1",
        'error: the server doesn\'t have a resource type "widgets"',
        "status 1",
        'Error from server (NotFound): pods "nosuch" not found',
        "status 1",
        // Each object of a file that parses succeeds or fails on its own.
        "configmap/good created",
        'The Pod "bad" is invalid: spec.containers: Required value',
        "status 1",
        // Nothing from the files that failed: only the good ConfigMap (and the CA bundle every namespace has).
        "configmap/good",
        "configmap/kube-root-ca.crt",
        "status 0",
        "",
      ].join("\n"),
    );
    noStackTrace(r.stdout + r.stderr);
  });

  it("names the file and the place in it for a bad scenario, and exits 2", () => {
    const dir = mkdtempSync(join(tmpdir(), "ksim-badfile-"));
    writeFileSync(join(dir, "s.yaml"), "name: x\nsteps:\n  - run: ls\n    expect:\n      exitCode: zero\n");
    const r = ksim(["run", "s.yaml"], dir);
    expect(r).toMatchObject({ status: 2, stdout: "", stderr: 'ksim: s.yaml:5: steps[0].expect.exitCode: expected number, got "zero"\n' });
    const missing = ksim(["run", "nope.yaml"], dir);
    expect(missing).toMatchObject({ status: 2, stderr: "ksim: nope.yaml: no such file\n" });
    noStackTrace(r.stderr + missing.stderr);
  });

  it("says which add-on could not start on a cluster too small for it, and exits 2", () => {
    const dir = mkdtempSync(join(tmpdir(), "ksim-tiny-"));
    writeFileSync(join(dir, "tiny.yaml"), "nodes:\n  - {name: tiny, cpu: 0.05}\n");
    const r = ksim(["shell", "--cluster", "tiny.yaml"], dir, "kubectl get pods\n");
    expect(r).toMatchObject({ status: 2, stdout: "", stderr: "ksim: the cluster's kube-system add-ons were not Ready after 6 minutes: deployment/coredns (0 of 2 Ready)\n" });
  });
});

describe("ksim sweep", () => {
  it("gives the same summary on two workers as in one process, and ends when the seeds are done", () => {
    const root = join(import.meta.dirname, "..");
    const file = join("scenarios", "zookeeper", "no-pdb.yaml");
    const one = ksim(["sweep", file, "--seeds", "1..4", "--workers", "1"], root);
    const two = ksim(["sweep", file, "--seeds", "1..4", "--workers", "2"], root);
    // no-pdb is a broken setup: every seed fails, with the command that reproduces it.
    expect(one.status).toBe(1);
    expect(one.stdout).toContain("4 runs: 0 passed, 4 failed\n");
    expect(one.stdout).toContain(`ksim run ${file} --seed 4`);
    expect(two.status).toBe(1);
    expect(two.stdout).toBe(one.stdout);
    expect(two.stderr).toMatch(/^ksim: 4 seeds in [\d.]+s wall on 2 worker\(s\)\n$/);
  });
});
