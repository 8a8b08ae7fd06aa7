import { isMainThread, workerData } from "node:worker_threads";
import { NodeRuntime, NodeServices } from "@effect/platform-node";
import { Effect } from "effect";
import { Command } from "effect/cli";
import pkg from "../package.json" with { type: "json" };
import { compareCommand } from "./commands/compare.js";
import { demoCommand } from "./commands/demo.js";
import { mergeCommand } from "./commands/merge.js";
import { replayCommand } from "./commands/replay.js";
import { runCommand } from "./commands/run.js";
import { shellCommand } from "./commands/shell.js";
import { shrinkCommand } from "./commands/shrink.js";
import { sweepCommand } from "./commands/sweep.js";
import { traceCommand } from "./commands/trace.js";
import { isSweepWorker, sweepWorkerMain } from "./sweep/pool.js";

const ksim = Command.make("ksim").pipe(
  Command.withDescription("ksim: a deterministic, seeded simulator of a Kubernetes cluster with stateful applications"),
  Command.withSubcommands([shellCommand, runCommand, sweepCommand, compareCommand, mergeCommand, shrinkCommand, replayCommand, traceCommand, demoCommand]),
);

// Sweeps start worker threads in this same module; they run seeds instead of the CLI.
if (!isMainThread && isSweepWorker(workerData)) sweepWorkerMain(workerData);
else Command.run(ksim, { version: pkg.version }).pipe(Effect.provide(NodeServices.layer), NodeRuntime.runMain);
