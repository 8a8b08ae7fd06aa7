import { describe, expect, it } from "vitest";
import { parseScenario, runScenario, ScenarioFileError } from "../src/index.js";

const basic = `
name: basics
seed: 3
cluster:
  nodes: 2
steps:
  - run: echo hello; date
    expect:
      exitCode: 0
      stdout: |
        hello
        Mon Jan  1 00:00:0{n} UTC 2024
  - run: |
      cat <<EOF >./notes.txt
      one   two
      EOF
      sleep 30
      cat notes.txt; date
    expect:
      stdout: |
        one two
        Mon Jan  1 00:00:{n} UTC 2024
  - run: nosuchcommand
    expect:
      exitCode: 127
      stderr: "bash: nosuchcommand: command not found"
  - run: (sleep 5; echo late) & echo early; sleep 10
    expect:
      contains: [early, late]
`;

describe("scenario runner", () => {
  it("runs steps in one shell, passing time only while commands block, and checks expectations", () => {
    const r = runScenario(parseScenario(basic, "basics.yaml"));
    expect(r.steps.map((s) => s.failures)).toEqual([[], [], [], []]);
    expect(r.passed).toBe(true);
    expect(r.simulatedMs).toBeGreaterThanOrEqual(40_000);
    expect(r.transcript).toContain("$ echo hello\nhello\n");
    expect(r.transcript).toContain("$ cat <<EOF >./notes.txt\n> one   two\n> EOF\n");
    expect(r.traceHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(runScenario(parseScenario(basic, "basics.yaml")).traceHash).toBe(r.traceHash);
  });

  it("reports what differs when an expectation fails", () => {
    const r = runScenario(parseScenario("name: x\nsteps:\n  - run: echo actual\n    expect:\n      stdout: expected\n      exitCode: 3\n", "x.yaml"));
    expect(r.passed).toBe(false);
    expect(r.steps[0]!.failures).toEqual(["exit code 0, expected 3", "stdout differs at line 1:\n    expected: expected\n    actual:   actual"]);
  });

  it("fails a faults step whose command could not be understood, and not one the cluster refused", () => {
    const r = runScenario(
      parseScenario(
        "name: faults\ncluster:\n  nodes: 2\nsteps:\n  - faults:\n      - { at: 0s, run: 'chaos crash node-1 node-2' }\n      - { at: 1s, run: 'kubectl get pod nosuch' }\n",
        "f.yaml",
      ),
    );
    expect(r.steps[0]!.failures).toEqual(['fault "chaos crash node-1 node-2" could not run (exit status 2)']);
    expect(r.passed).toBe(false);
  });

  it("refuses a bad file with the file, line and place in it", () => {
    const bad = (text: string) => {
      try {
        parseScenario(text, "s.yaml");
      } catch (e) {
        expect(e).toBeInstanceOf(ScenarioFileError);
        return (e as Error).message;
      }
      return "accepted";
    };
    expect(bad("name: x\nsteps:\n  - run: ls\n    expect:\n      exitCode: zero\n")).toBe('s.yaml:5: steps[0].expect.exitCode: expected number, got "zero"');
    expect(bad("name: x\nsteps:\n  - rn: ls\n")).toBe("s.yaml:3: steps[0].rn: unknown field");
    expect(bad("steps: [\n")).toMatch(/^s\.yaml:\d+:\d+: invalid YAML: /);
    expect(bad("name: x\nsteps: 3\n")).toBe("s.yaml:2: steps: expected array, got 3");
  });
});
