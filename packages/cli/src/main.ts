import { NodeRuntime, NodeServices } from "@effect/platform-node";
import { Effect } from "effect";
import { Command } from "effect/cli";
import pkg from "../package.json" with { type: "json" };
import { demoCommand } from "./commands/demo.js";
import { runCommand } from "./commands/run.js";
import { shellCommand } from "./commands/shell.js";

const ksim = Command.make("ksim").pipe(
  Command.withDescription("ksim: a deterministic, seeded simulator of a Kubernetes cluster with stateful applications"),
  Command.withSubcommands([shellCommand, runCommand, demoCommand]),
);

Command.run(ksim, { version: pkg.version }).pipe(Effect.provide(NodeServices.layer), NodeRuntime.runMain);
