import type { OutputStream, Workstation } from "@ksim/kube";
import { sleep, wait, type Proc, type Sim } from "@ksim/sim";

/** One timed fault: the command is decided when it fires (targets move). */
export interface TimedFault {
  readonly atMs: number;
  /** The command to run then, or undefined when there is nothing to aim at. */
  readonly command: () => string | undefined;
  /** What the fault was meant to be, for the transcript when it has no target. */
  readonly what: string;
}

export interface FaultRun {
  readonly sim: Sim;
  readonly workstation: Workstation;
  /** Receives what the fault commands print. */
  readonly emit: (text: string) => void;
  /** Receives the transcript lines that start a line: `[+12m30s] $ chaos crash node-2`. */
  readonly emitLine: (text: string) => void;
  /** The transcript's clock label for now. */
  readonly label: () => string;
  /** Called with the command of each fault as it fires. */
  readonly fired: (command: string) => void;
  /** Called with each fault command's exit status once it has exited. */
  readonly exited?: (command: string, status: number) => void;
}

/**
 * Runs faults at their times after now, each command in the background on the workstation (a
 * drain blocked by a PDB does not hold up the next fault), and returns once every one has
 * fired and its command has exited, and not before `notBefore` (simulated ms).
 */
export function* runFaults(run: FaultRun, faults: readonly TimedFault[], notBefore = 0): Proc<void> {
  const start = run.sim.now;
  const sink: OutputStream = { write: (chunk) => run.emit(chunk), close() {} };
  const running = [];
  for (const f of [...faults].sort((a, b) => a.atMs - b.atMs)) {
    const due = start + f.atMs - run.sim.now;
    if (due > 0) yield* wait(sleep(run.sim, due));
    const command = f.command();
    if (command === undefined) {
      run.emitLine(`[${run.label()}] # ${f.what}: no target now, skipped\n`);
      continue;
    }
    run.emitLine(`[${run.label()}] $ ${command}\n`);
    run.sim.trace.record("scenario.fault", { command });
    run.fired(command);
    running.push({ command, process: run.workstation.background(command, { stdout: sink, stderr: sink }) });
  }
  for (const r of running) run.exited?.(r.command, yield* wait(r.process.exited));
  if (run.sim.now < notBefore) yield* wait(sleep(run.sim, notBefore - run.sim.now));
}
