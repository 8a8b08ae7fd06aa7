import { readFileSync } from "node:fs";
import { parseScenario, runScenario } from "@ksim/scenario";
import { timeIt, type Bench } from "./harness.js";

const SCENARIO = "scenarios/fleet/node-upgrade.yaml";

/** The fleet scenario in process: simulated seconds per wall second. */
export const fleetBench: Bench = {
  name: "fleet",
  run() {
    const file = parseScenario(readFileSync(SCENARIO, "utf8"), SCENARIO);
    let simulatedSeconds = 0;
    let passed = false;
    const wallSeconds = timeIt(() => {
      const r = runScenario(file, { seed: 1 });
      simulatedSeconds = r.simulatedMs / 1000;
      passed = r.passed;
    });
    const ratio = simulatedSeconds / wallSeconds;
    return {
      text: `fleet: ${SCENARIO} seed 1 ${passed ? "passed" : "FAILED"}\n  ${simulatedSeconds.toFixed(0)} s simulated in ${wallSeconds.toFixed(1)} s wall: ratio ${ratio.toFixed(0)}`,
      json: { name: "fleet", passed, simulatedSeconds: Number(simulatedSeconds.toFixed(1)), wallSeconds: Number(wallSeconds.toFixed(2)), ratio: Number(ratio.toFixed(1)) },
    };
  },
};
