import { Worker, parentPort } from "node:worker_threads";
import type { SeedSummary } from "@ksim/scenario";
import { JobRunner, type Job, type JobSetup } from "./job.js";

/** What the main thread tells a worker thread it is for (its workerData). */
export interface WorkerData {
  readonly ksimWorker: "sweep";
  readonly setup: JobSetup;
}

type Reply = { readonly ok: true; readonly summary: SeedSummary } | { readonly ok: false; readonly error: string };

export function isSweepWorker(data: unknown): data is WorkerData {
  return typeof data === "object" && data !== null && (data as WorkerData).ksimWorker === "sweep";
}

/** A worker thread's life: parse the scenario once, then run each job it is sent. */
export function sweepWorkerMain(data: WorkerData): void {
  const runner = new JobRunner(data.setup);
  parentPort!.on("message", (job: Job) => {
    let reply: Reply;
    try {
      reply = { ok: true, summary: runner.run(job) };
    } catch (e) {
      reply = { ok: false, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
    }
    parentPort!.postMessage(reply);
  });
}

export interface PoolOptions {
  /** Threads to run on; 1 runs in this thread unless `threads` is set. */
  readonly workers: number;
  /** Use worker threads even for one worker (a benchmark comparing 1 and N threads). */
  readonly threads?: boolean;
  /** The module a worker thread starts in (the ksim CLI's own entry). */
  readonly entry: URL;
  readonly onResult?: (summary: SeedSummary, done: number) => void;
}

/**
 * Runs every job, one at a time per worker, handing the next job to whichever worker is free
 * (seeds differ a lot in cost). Results come back in job order whatever finished first.
 */
export async function runJobs(setup: JobSetup, jobs: readonly Job[], options: PoolOptions): Promise<SeedSummary[]> {
  const results: SeedSummary[] = new Array(jobs.length);
  let done = 0;
  const finish = (i: number, s: SeedSummary) => {
    results[i] = s;
    options.onResult?.(s, ++done);
  };
  if (options.workers <= 1 && !options.threads) {
    const runner = new JobRunner(setup);
    jobs.forEach((job, i) => finish(i, runner.run(job)));
    return results;
  }
  let next = 0;
  const execArgv = options.entry.pathname.endsWith(".ts") ? ["--import", "tsx"] : [];
  const workerData: WorkerData = { ksimWorker: "sweep", setup };
  const threads = Array.from({ length: Math.min(options.workers, jobs.length) }, () => new Worker(options.entry, { workerData, execArgv }));
  try {
    await Promise.all(
      threads.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            let current = -1;
            const feed = () => {
              if (next >= jobs.length) return resolve();
              current = next++;
              w.postMessage(jobs[current]);
            };
            w.on("message", (reply: Reply) => {
              if (!reply.ok) return reject(new Error(`seed ${jobs[current]!.seed}: ${reply.error}`));
              finish(current, reply.summary);
              feed();
            });
            w.on("error", reject);
            w.on("exit", (code) => {
              if (current >= 0 && results[current] === undefined) reject(new Error(`a worker thread exited (${code}) running seed ${jobs[current]!.seed}`));
            });
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(threads.map((w) => w.terminate()));
  }
  return results;
}
