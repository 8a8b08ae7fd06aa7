import type { Timer } from "./event-queue.js";
import type { Sim } from "./kernel.js";

/**
 * Something a coroutine can wait for. `subscribe` registers a one-shot callback and returns a
 * function that withdraws it (used when a coroutine is killed or a race is decided).
 */
export interface Waitable<T> {
  subscribe(resume: (value: T) => void): () => void;
}

/**
 * A simulated sequential program (a shell script, a kubectl command that blocks, a client).
 * Written as a generator so it runs synchronously inside kernel events: no Promises, whose
 * microtasks would run outside simulated time and in an order the kernel does not control.
 */
export type Proc<R = void> = Generator<Waitable<unknown>, R, unknown>;

/** `const v = yield* wait(w)`: suspends the coroutine until `w` settles, typed. */
export function* wait<T>(w: Waitable<T>): Generator<Waitable<T>, T, unknown> {
  return (yield w) as T;
}

/** A value that will be provided once. */
export class Future<T> implements Waitable<T> {
  /** Allocated by the first subscriber: most futures settle before anyone waits, or have none. */
  private listeners: ((value: T) => void)[] | undefined;
  private done = false;
  private result: T | undefined;

  get settled(): boolean {
    return this.done;
  }

  /** The value, if settled. */
  get value(): T | undefined {
    return this.result;
  }

  /** Settles the future; later calls are ignored (first writer wins, as in a race). */
  resolve(value: T): void {
    if (this.done) return;
    this.done = true;
    this.result = value;
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners !== undefined) for (const l of listeners) l(value);
  }

  subscribe(resume: (value: T) => void): () => void {
    if (this.done) {
      resume(this.result as T);
      return noop;
    }
    if (this.listeners === undefined) this.listeners = [resume];
    else this.listeners.push(resume);
    return () => {
      if (this.listeners !== undefined) {
        const i = this.listeners.indexOf(resume);
        if (i >= 0) this.listeners.splice(i, 1);
      }
    };
  }
}

function noop(): void {}

/** Settles after `ms` of simulated time. */
export function sleep(sim: Sim, ms: number): Waitable<void> {
  return {
    subscribe(resume) {
      const timer = sim.schedule(ms, () => resume(undefined), "sleep");
      return () => sim.cancel(timer);
    },
  };
}

export type RaceResult<T> = { readonly index: number; readonly value: T };

/** Settles with whichever waitable settles first, withdrawing from the others. */
export function race<T>(waitables: readonly Waitable<T>[]): Waitable<RaceResult<T>> {
  return {
    subscribe(resume) {
      let done = false;
      const cancels: (() => void)[] = [];
      const cancelAll = () => {
        for (const c of cancels) c();
      };
      for (let i = 0; i < waitables.length && !done; i++) {
        cancels.push(
          waitables[i]!.subscribe((value) => {
            if (done) return;
            done = true;
            cancelAll();
            resume({ index: i, value });
          }),
        );
      }
      if (done) cancelAll();
      return cancelAll;
    },
  };
}

/** Settles with the value, or with `undefined` if `ms` passes first. */
export function timeout<T>(sim: Sim, w: Waitable<T>, ms: number): Waitable<{ value: T } | undefined> {
  return {
    subscribe(resume) {
      let timer: Timer | undefined;
      const cancel = w.subscribe((value) => {
        sim.cancel(timer);
        resume({ value });
      });
      timer = sim.schedule(ms, () => {
        cancel();
        resume(undefined);
      }, "timeout");
      return () => {
        cancel();
        sim.cancel(timer);
      };
    },
  };
}

/**
 * Whether what belongs to a process may run now: while the process is stopped (SIGSTOP), its
 * coroutine's steps, its timers and its sockets' callbacks wait, in the order they came, until
 * it continues. The kernel meanwhile goes on (segments arrive, connections are accepted).
 */
export interface Gate {
  readonly shut: boolean;
  /** Runs `fn` when the gate opens (dropped if the owner dies first). */
  defer(fn: () => void): void;
}

export type TaskOutcome<R> =
  | { readonly ok: true; readonly value: R }
  | { readonly ok: false; readonly error: unknown }
  | { readonly ok: false; readonly killed: true; readonly error?: undefined };

/**
 * A running coroutine. Each resumption happens in its own kernel event at the current instant,
 * so a waitable that settles inside another task's step never re-enters this one.
 */
export class Task<R> implements Waitable<TaskOutcome<R>> {
  private readonly outcome = new Future<TaskOutcome<R>>();
  private cancelWait: (() => void) | undefined;
  private pending: Timer | undefined;
  /** What the scheduled step resumes the coroutine with. */
  private input: unknown;
  /** The scheduled step: one function for the task's life rather than a closure per wait. */
  private readonly stepNext = (): void => this.step();

  constructor(
    private readonly sim: Sim,
    private readonly gen: Proc<R>,
    readonly name = "task",
    private readonly gate?: Gate,
  ) {
    this.pending = sim.schedule(0, this.stepNext, name);
  }

  get done(): boolean {
    return this.outcome.settled;
  }

  get result(): TaskOutcome<R> | undefined {
    return this.outcome.value;
  }

  subscribe(resume: (value: TaskOutcome<R>) => void): () => void {
    return this.outcome.subscribe(resume);
  }

  /**
   * Stops the coroutine: its `finally` blocks run (they must not wait), it settles as killed.
   * Killed from inside its own step (a process that signals itself), it runs on only to the
   * next point where it would wait: a running generator cannot be returned from outside.
   */
  kill(): void {
    if (this.done) return;
    this.cancelWait?.();
    this.cancelWait = undefined;
    this.sim.cancel(this.pending);
    if (!this.running) stop(this.gen);
    this.outcome.resolve({ ok: false, killed: true });
  }

  private running = false;

  private step(): void {
    this.pending = undefined;
    if (this.gate?.shut === true) {
      this.gate.defer(this.stepNext);
      return;
    }
    if (this.done) return;
    const input = this.input;
    this.input = undefined;
    let r: IteratorResult<Waitable<unknown>, R>;
    this.running = true;
    try {
      r = this.gen.next(input);
    } catch (error) {
      this.outcome.resolve({ ok: false, error });
      return;
    } finally {
      this.running = false;
    }
    if (this.done) {
      if (!r.done) stop(this.gen);
      return;
    }
    if (r.done) {
      this.outcome.resolve({ ok: true, value: r.value });
      return;
    }
    let resumed = false;
    this.cancelWait = r.value.subscribe((value) => {
      if (resumed) return;
      resumed = true;
      this.cancelWait = undefined;
      this.input = value;
      this.pending = this.sim.schedule(0, this.stepNext, this.name);
    });
  }
}

function stop(gen: Proc<unknown>): void {
  try {
    gen.return(undefined);
  } catch {
    // A finally block that throws while being killed has nowhere to report to.
  }
}

/** Starts a coroutine in the simulation. */
export function spawn<R>(sim: Sim, proc: Proc<R>, name?: string): Task<R> {
  return new Task(sim, proc, name);
}
