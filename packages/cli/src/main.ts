import { NodeRuntime, NodeServices } from "@effect/platform-node";
import { Effect } from "effect";
import { Command } from "effect/cli";
import { demoCommand } from "./commands/demo.js";
import pkg from "../package.json" with { type: "json" };

const ksim = Command.make("ksim").pipe(
  Command.withDescription("ksim: a deterministic, seeded simulator of a Kubernetes cluster with stateful applications"),
  Command.withSubcommands([demoCommand]),
);

Command.run(ksim, { version: pkg.version }).pipe(Effect.provide(NodeServices.layer), NodeRuntime.runMain);
