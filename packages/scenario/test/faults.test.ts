import type { Node, Pod } from "@ksim/kube";
import { Random } from "@ksim/sim";
import { describe, expect, it } from "vitest";
import { createEnvironment, parseScenario, planNemesis, ScenarioFileError, type Environment } from "../src/index.js";
import { shell } from "./shell.js";


const nodeReady = (env: Environment, name: string) =>
  env.cluster.api.get<Node>("Node", undefined, name)?.status?.conditions?.find((c) => c.type === "Ready")?.status;

function nginx(env: Environment, name: string, nodeName: string): void {
  env.cluster.create<Pod>({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, labels: { app: "web" } },
    spec: { nodeName, containers: [{ name: "nginx", image: "registry.k8s.io/nginx-slim:0.8" }] },
  });
}

const running = (env: Environment, name: string) => env.cluster.api.get<Pod>("Pod", "default", name)?.status?.containerStatuses?.[0];

describe("chaos", () => {
  it("crashes and restarts a node: the control plane sees it NotReady, then Ready", () => {
    const env = createEnvironment({ seed: 1, nodes: 2 });
    const sh = shell(env);
    env.cluster.run(5_000);
    expect(nodeReady(env, "node-1")).toBe("True");
    expect(sh("chaos crash node-1")).toEqual({ code: 0, out: "node/node-1 crashed\n" });
    expect(sh("chaos crash node-1")).toEqual({ code: 1, out: "chaos: node/node-1 is already down\n" });
    env.cluster.run(60_000);
    expect(nodeReady(env, "node-1")).toBe("Unknown");
    expect(sh("chaos restart node-1").out).toBe("node/node-1 restarted\n");
    env.cluster.run(15_000);
    expect(nodeReady(env, "node-1")).toBe("True");
    expect(env.faults.injectedAt).toHaveLength(1);
  });

  it("cuts a node off the control plane until healed, by ID or by --for", () => {
    const env = createEnvironment({ seed: 2, nodes: 2 });
    const sh = shell(env);
    env.cluster.run(5_000);
    expect(sh("chaos partition node/node-2 control-plane").out).toBe("fault 1: partition node/node-2 <-> control-plane\n");
    expect(sh("chaos list").out).toBe("ID  FAULT\n1   partition node/node-2 <-> control-plane\n");
    env.cluster.run(60_000);
    expect(nodeReady(env, "node-2")).toBe("Unknown");
    expect(nodeReady(env, "node-1")).toBe("True");
    expect(sh("chaos heal 1").out).toBe("healed fault 1: partition node/node-2 <-> control-plane\n");
    env.cluster.run(15_000);
    expect(nodeReady(env, "node-2")).toBe("True");
    expect(sh("chaos heal 7")).toEqual({ code: 1, out: "chaos: no network fault 7 (see chaos list)\n" });

    expect(sh("chaos partition node/node-2 rest --for 90s").out).toBe("fault 2: partition node/node-2 <-> rest for 1m30s\n");
    env.cluster.run(60_000);
    expect(nodeReady(env, "node-2")).toBe("Unknown");
    env.cluster.run(45_000);
    expect(sh("chaos list").out).toBe("no network faults\n");
    env.cluster.run(15_000);
    expect(nodeReady(env, "node-2")).toBe("True");
  });

  it("kills a container's main process: the kubelet restarts it", () => {
    const env = createEnvironment({ seed: 3, nodes: 1 });
    const sh = shell(env);
    nginx(env, "web", "node-1");
    env.cluster.runUntil(() => running(env, "web")?.ready === true, 120_000);
    expect(sh("chaos kill web")).toEqual({ code: 0, out: "default/web nginx: sent SIGKILL to 1 (nginx: master process nginx -g daemon off;)\n" });
    env.cluster.runUntil(() => running(env, "web")?.restartCount === 1, 60_000);
    expect(running(env, "web")?.lastState?.terminated?.exitCode).toBe(137);
    expect(sh("chaos kill nosuch").out).toBe('chaos: pods "nosuch" not found\n');
    expect(sh("chaos kill web -c sidecar").out).toBe("chaos: container sidecar is not valid for pod web\n");
  });

  it("pauses a container's processes, which answer nothing until they are continued", () => {
    const env = createEnvironment({ seed: 3, nodes: 1 });
    const sh = shell(env);
    nginx(env, "web", "node-1");
    env.cluster.create<Pod>({ apiVersion: "v1", kind: "Pod", metadata: { name: "client" }, spec: { nodeName: "node-1", containers: [{ name: "c", image: "busybox:1.28", command: ["sleep", "3600"] }] } });
    env.cluster.runUntil(() => running(env, "web")?.ready === true && running(env, "client")?.ready === true, 120_000);
    const get = () => sh(`kubectl exec client -- wget -T 5 -qO- http://${env.cluster.api.get<Pod>("Pod", "default", "web")!.status!.podIP}/ | head -c 15`).out;
    const paused = sh("chaos pause web --for 30s");
    expect(paused.out).toMatch(/^default\/web nginx: sent SIGSTOP to 1 \(nginx: master process nginx -g daemon off;\) for 30s\ndefault\/web nginx: sent SIGSTOP to \d+ \(nginx: worker process\) for 30s\n$/);
    const stat = () => sh("kubectl exec web -- ps -o stat= -C nginx").out;
    expect(stat()).toBe("Ts\nT\n");
    // The kernel accepts the connection; nothing answers it until SIGCONT.
    expect(get()).toBe("wget: download timed out\ncommand terminated with exit code 1\n");
    env.cluster.runUntil(() => false, 30_000);
    expect(stat()).toBe("Ss\nS\n");
    expect(get()).toBe("<!DOCTYPE html>");
  });

  it("skews a node's clock as programs on it see it", () => {
    const env = createEnvironment({ seed: 4, nodes: 1 });
    const sh = shell(env);
    nginx(env, "web", "node-1");
    env.cluster.runUntil(() => running(env, "web")?.ready === true, 120_000);
    expect(sh("chaos skew node-1 -90s").out).toBe("node/node-1 clock 1m30s behind\n");
    const kubelet = env.cluster.node("node-1");
    expect(kubelet.clockOffsetMs).toBe(-90_000);
    expect(sh("chaos skew node-1 0").out).toBe("node/node-1 clock in step with true time\n");
  });

  it("explains its usage and refuses bad arguments", () => {
    const env = createEnvironment({ seed: 5, nodes: 1 });
    const sh = shell(env);
    expect(sh("chaos --help").out).toMatch(/^Usage: chaos \[-n NAMESPACE\] COMMAND/);
    expect(sh("chaos explode")).toEqual({ code: 2, out: "chaos: unknown command \"explode\"\nRun 'chaos --help' for usage.\n" });
    expect(sh("chaos partition node/nope rest").out).toBe('chaos: nodes "nope" not found\n');
    expect(sh("chaos partition pods/app=web").out).toBe("chaos: partition takes GROUP GROUP\nRun 'chaos --help' for usage.\n");
    expect(sh("chaos loss node/node-1 rest 150%").code).toBe(2);
    expect(sh("chaos kill web --for 10s").out).toBe("chaos: --for applies to crash, pause, partition, delay, loss, skew, slow-disk and fill-disk\nRun 'chaos --help' for usage.\n");
  });
});

describe("nemesis", () => {
  const spec = { duration: "30m", faults: ["crash-node", "kill", "partition-pod"], pods: "app=zk" };

  it("draws the same faults from the same seed, and different ones from another", () => {
    const a = planNemesis(spec, Random.fromSeed("1/nemesis/0"));
    expect(planNemesis(spec, Random.fromSeed("1/nemesis/0"))).toEqual(a);
    expect(planNemesis(spec, Random.fromSeed("2/nemesis/0"))).not.toEqual(a);
    expect(a.length).toBeGreaterThan(5);
    expect(a.every((f) => f.atMs > 0 && f.atMs < 30 * 60_000)).toBe(true);
  });

  it("keeps no more than maxDown faults in force at once", () => {
    for (const maxDown of [1, 2]) {
      for (let seed = 0; seed < 20; seed++) {
        const plan = planNemesis({ ...spec, maxDown, interval: "5s..20s", lasting: "30s..2m" }, Random.fromSeed(`${seed}`));
        for (const f of plan) {
          const inForce = plan.filter((g) => g.atMs <= f.atMs && g.atMs + g.lastingMs > f.atMs);
          expect(inForce.length).toBeLessThanOrEqual(maxDown);
        }
      }
    }
  });
});

describe("scenario files with workloads and faults", () => {
  const bad = (text: string) => {
    try {
      parseScenario(text, "s.yaml");
      return "accepted";
    } catch (e) {
      expect(e).toBeInstanceOf(ScenarioFileError);
      return (e as Error).message;
    }
  };

  it("says which keys go together", () => {
    expect(bad("name: x\nsteps:\n  - run: ls\n    stop: w\n")).toBe("s.yaml:3: steps[0]: a step does one thing; this one has run and stop");
    expect(bad("name: x\nsteps:\n  - name: nothing\n")).toBe("s.yaml:3: steps[0]: a step needs one of run, workload, stop, faults, nemesis");
    expect(bad("name: x\nsteps:\n  - workload: w\n")).toBe("s.yaml:3: steps[0].type: required, but missing");
    expect(bad("name: x\nsteps:\n  - stop: w\n    expect: {exitCode: 0}\n")).toBe("s.yaml:4: steps[0].expect: only a run step takes expect");
  });

  it("checks durations and fault kinds", () => {
    expect(bad("name: x\nsteps:\n  - faults:\n      - at: soon\n        run: chaos crash node-1\n")).toBe(
      's.yaml:4: steps[0].faults[0].at: expected a duration such as 90s or 2m30s, got "soon"',
    );
    expect(bad("name: x\nsteps:\n  - nemesis:\n      duration: 10m\n      pods: app=zk\n      faults: [crash-node, meteor]\n      interval: 2m..1m\n")).toBe(
      's.yaml:7: steps[0].nemesis.interval: the range "2m..1m" ends before it starts\n' +
        's.yaml:6: steps[0].nemesis.faults[1]: unknown fault kind "meteor" (known: kill, delete-pod, crash-node, partition-pod, partition-node, drain-node, delay-pod, loss-pod, skew-node, slow-disk-node, fill-disk-pod, pause-pod)',
    );
    expect(bad("name: x\nsteps:\n  - run: ls\nchecks:\n  - type: availability\n    workload: w\n")).toBe("accepted");
  });
});
