import { fileURLToPath } from "node:url";
import { Effect } from "effect";
import { Command, Flag } from "effect/cli";
import { runFile } from "./run.js";

/**
 * The headline scenario: ZooKeeper taking writes while every node is drained under its
 * PodDisruptionBudget. Found beside the CLI in the repository, bundled or not.
 */
const DEMO = fileURLToPath(new URL(import.meta.url.endsWith(".ts") ? "../../../../scenarios/zookeeper/drain-under-pdb.yaml" : "../../../scenarios/zookeeper/drain-under-pdb.yaml", import.meta.url));

export const demoCommand = Command.make(
  "demo",
  {
    seed: Flag.String("seed").pipe(Flag.withDescription("root seed of the simulation"), Flag.optional),
    report: Flag.String("report").pipe(Flag.withDescription("write an HTML report of the run to this file"), Flag.optional),
  },
  ({ seed, report }) =>
    Effect.sync(() => {
      process.exitCode = runFile(DEMO, { seed: seed._tag === "Some" ? seed.value : undefined, report: report._tag === "Some" ? report.value : undefined });
    }),
).pipe(Command.withDescription("run the demo: scenarios/zookeeper/drain-under-pdb.yaml (ZooKeeper drained node by node under its PDB)"));
