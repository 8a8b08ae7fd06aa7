import { readFileSync } from "node:fs";
import { parseScenario, runScenario } from "@ksim/scenario";
import { timeIt, type Bench } from "./harness.js";

const SCENARIO = "scenarios/tutorials/zookeeper.yaml";
const ROUNDS = 3;

/**
 * The ZooKeeper tutorial in process: simulated seconds per wall second. A first run warms the
 * JIT; the fastest of the next runs is reported (every run is the same seed, so the same work).
 */
export const zookeeperBench: Bench = {
  name: "zookeeper",
  run() {
    const file = parseScenario(readFileSync(SCENARIO, "utf8"), SCENARIO);
    let simulatedSeconds = 0;
    let passed = false;
    const once = () =>
      timeIt(() => {
        const r = runScenario(file, { seed: 1 });
        simulatedSeconds = r.simulatedMs / 1000;
        passed = r.passed;
      });
    once();
    let wallSeconds = Number.POSITIVE_INFINITY;
    for (let i = 0; i < ROUNDS; i++) wallSeconds = Math.min(wallSeconds, once());
    const ratio = simulatedSeconds / wallSeconds;
    return {
      text: `zookeeper: ${SCENARIO} seed 1 ${passed ? "passed" : "FAILED"}\n  ${simulatedSeconds.toFixed(0)} s simulated in ${wallSeconds.toFixed(2)} s wall: ratio ${ratio.toFixed(0)} (target 20000)`,
      json: { name: "zookeeper-tutorial", simulatedSeconds: Number(simulatedSeconds.toFixed(1)), wallSeconds: Number(wallSeconds.toFixed(3)), ratio: Number(ratio.toFixed(1)) },
    };
  },
};
