import { Effect } from "effect";
import { Command, Flag } from "effect/cli";
import { runKernelDemo } from "../kernel-demo.js";

export const demoCommand = Command.make(
  "demo",
  { seed: Flag.Int("seed").pipe(Flag.withDescription("root seed of the simulation"), Flag.withDefault(1)) },
  ({ seed }) =>
    Effect.sync(() => {
      for (const line of runKernelDemo(seed)) process.stdout.write(line + "\n");
    }),
).pipe(Command.withDescription("run the demo scenario"));
