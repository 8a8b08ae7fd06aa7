/**
 * `pnpm bench [name...] [--json]`: runs benchmarks in this process. Each prints ours against a
 * baseline measured in the same run, because absolute times on shared machines are noise.
 */
import { clusterBench } from "./cluster.bench.js";
import { fleetBench } from "./fleet.bench.js";
import { kernelBench } from "./kernel.bench.js";
import { networkBench } from "./network.bench.js";
import { sweepBench } from "./sweep.bench.js";
import { zookeeperBench } from "./zookeeper.bench.js";
import type { Bench } from "./harness.js";

const benches: Bench[] = [kernelBench, networkBench, clusterBench, sweepBench, fleetBench, zookeeperBench];

const args = process.argv.slice(2);
const json = args.includes("--json");
const names = args.filter((a) => !a.startsWith("--"));
const unknown = names.filter((n) => !benches.some((b) => b.name === n));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark: ${unknown.join(", ")} (have: ${benches.map((b) => b.name).join(", ")})\n`);
  process.exit(2);
}
for (const bench of benches) {
  if (names.length > 0 && !names.includes(bench.name)) continue;
  const result = await bench.run();
  if (json) process.stdout.write(JSON.stringify(result.json) + "\n");
  else process.stdout.write(result.text + "\n");
}
