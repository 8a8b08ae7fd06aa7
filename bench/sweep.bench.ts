import { readFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { BUNDLE, bundleIsFresh, buildBundle } from "../packages/cli/build-bundle.mjs";
import { runJobs } from "../packages/cli/src/sweep/pool.js";
import type { Bench } from "./harness.js";

const SCENARIO = "scenarios/zookeeper/drain-under-pdb.yaml";
// Enough seeds that each worker's start-up and JIT warm-up (about 1.5 s) do not dominate.
const SEEDS = Number(process.env.SEEDS ?? 40);

/**
 * Seeds per minute of a sweep of `workers` threads (the CLI's own pool and worker entry), and the
 * cores the process kept busy meanwhile: V8's parallel scavenger and concurrent compiler run on
 * threads of their own, so one worker already uses more than one core of two, and that share is
 * what a second worker cannot gain.
 */
async function seedsPerMinute(workers: number): Promise<{ perMinute: number; cores: number; passed: number }> {
  const setup = { fileText: readFileSync(SCENARIO, "utf8"), fileName: SCENARIO };
  const jobs = Array.from({ length: SEEDS }, (_, i) => ({ seed: i + 1 }));
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  // Both sides run on worker threads, so thread start-up is in both measurements.
  const results = await runJobs(setup, jobs, { workers, entry: new URL(BUNDLE), threads: true });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  return { perMinute: (SEEDS / seconds) * 60, cores: (cpu.user + cpu.system) / 1e6 / seconds, passed: results.filter((r) => r.passed).length };
}

/**
 * What this machine gives any JavaScript of the same kind: a fixed allocation-heavy job (objects,
 * maps, strings, as a simulation makes) run twice on one thread, then once on each of two
 * threads. The ratio of the two times is the most two workers can gain here, whatever ksim does:
 * two "cores" that share caches and memory bandwidth, and V8's own GC and compiler threads,
 * make it less than 2.
 */
const CEILING_JOB = `
const { parentPort, workerData } = require("node:worker_threads");
const live = new Map();
let sum = 0;
for (let i = 0; i < workerData.n; i++) {
  const o = { id: i, name: "pod-" + (i % 5000), labels: { app: "a" + (i % 97) }, list: [i, i + 1, i + 2] };
  live.set(i % 20000, o);
  sum += JSON.stringify(o.labels).length + o.list.length;
}
parentPort.postMessage(sum);
`;

async function parallelCeiling(): Promise<number> {
  const n = 3_000_000;
  const run = (threads: number) =>
    new Promise<number>((resolve, reject) => {
      const t0 = process.hrtime.bigint();
      let left = threads;
      for (let i = 0; i < threads; i++) {
        new Worker(CEILING_JOB, { eval: true, workerData: { n } }).on("error", reject).on("message", () => {
          if (--left === 0) resolve(Number(process.hrtime.bigint() - t0) / 1e9);
        });
      }
    });
  // Alternating rounds, summed, so that the machine's drift in speed falls on both sides.
  let sequential = 0;
  let parallel = 0;
  for (let round = 0; round < 3; round++) {
    sequential += (await run(1)) + (await run(1));
    parallel += await run(2);
  }
  return sequential / parallel;
}

/**
 * The same work with no threads shared at all: one one-worker sweep of every seed as a process
 * of its own, against two of half the seeds each at once. What the pair gains is what this
 * machine gives ksim's own workload (memory-heavy, unlike the job above) on two cores. Each side
 * starts (and warms up) every process it runs; one sweep of all the seeds rather than two halves
 * one after the other, so that the single side pays one start-up, as a one-worker sweep does.
 */
async function processCeiling(): Promise<number> {
  const half = Math.floor(SEEDS / 2);
  const sweep = (first: number, count: number) =>
    new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [fileURLToPath(BUNDLE), "sweep", SCENARIO, "--seeds", `${first}..${first + count - 1}`, "--workers", "1"], { stdio: "ignore" });
      child.on("error", reject).on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`ksim sweep exited ${code}`))));
    });
  const timed = async (fn: () => Promise<unknown>) => {
    const t0 = process.hrtime.bigint();
    await fn();
    return Number(process.hrtime.bigint() - t0) / 1e9;
  };
  const single = await timed(() => sweep(1, 2 * half));
  const parallel = await timed(() => Promise.all([sweep(1, half), sweep(half + 1, half)]));
  return single / parallel;
}

export const sweepBench: Bench = {
  name: "sweep",
  async run() {
    if (!bundleIsFresh()) await buildBundle();
    const one = await seedsPerMinute(1);
    const two = await seedsPerMinute(2);
    const ratio = two.perMinute / one.perMinute;
    const ceiling = await parallelCeiling();
    const processes = await processCeiling();
    return {
      text:
        `sweep: ${SEEDS} seeds of ${SCENARIO}\n` +
        `  1 worker:  ${one.perMinute.toFixed(1)} seeds/min, keeping ${one.cores.toFixed(2)} cores busy\n` +
        `  2 workers: ${two.perMinute.toFixed(1)} seeds/min, keeping ${two.cores.toFixed(2)} cores busy\n` +
        `  ratio ${ratio.toFixed(2)} (aim >= 1.7 on 2 cores)\n` +
        `  this machine's ceiling for two threads of allocation-heavy JavaScript: ${ceiling.toFixed(2)}\n` +
        `  two one-worker ksim sweeps of half the seeds as separate processes at once, against one of all of them: ${processes.toFixed(2)}`,
      json: {
        name: "sweep",
        seeds: SEEDS,
        oneWorkerPerMin: Number(one.perMinute.toFixed(1)),
        twoWorkersPerMin: Number(two.perMinute.toFixed(1)),
        oneWorkerCores: Number(one.cores.toFixed(2)),
        twoWorkersCores: Number(two.cores.toFixed(2)),
        ratio: Number(ratio.toFixed(3)),
        machineCeiling: Number(ceiling.toFixed(3)),
        processCeiling: Number(processes.toFixed(3)),
      },
    };
  },
};
