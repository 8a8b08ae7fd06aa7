import { Random, Sim } from "@ksim/sim";
import { compare, fmtRate, type Bench } from "./harness.js";

const ACTORS = 1000;
const EVENTS_PER_ACTOR = 1000;
const TOTAL = ACTORS * EVENTS_PER_ACTOR;

/** Delays drawn once, so neither side pays for random numbers inside the timed loop. */
function delays(): Int32Array {
  const r = Random.fromSeed("bench-kernel");
  const d = new Int32Array(TOTAL);
  for (let i = 0; i < TOTAL; i++) d[i] = r.int(1, 100);
  return d;
}

function runKernel(d: Int32Array): void {
  const sim = new Sim({ seed: 1 });
  let k = 0;
  for (let a = 0; a < ACTORS; a++) {
    let left = EVENTS_PER_ACTOR;
    const fire = () => {
      if (--left > 0) sim.schedule(d[k++ % TOTAL]!, fire);
    };
    sim.schedule(d[k++]!, fire);
  }
  sim.runUntilIdle();
  if (sim.eventsRun !== TOTAL) throw new Error(`kernel ran ${sim.eventsRun} events`);
}

interface Ev {
  time: number;
  seq: number;
  actor: number;
}

/** The baseline: the same work through a bare binary heap, written inline. */
function runBareHeap(d: Int32Array): void {
  const heap: Ev[] = [];
  const left = new Int32Array(ACTORS).fill(EVENTS_PER_ACTOR);
  let seq = 0;
  let k = 0;
  let now = 0;
  let ran = 0;
  const less = (a: Ev, b: Ev) => a.time < b.time || (a.time === b.time && a.seq < b.seq);
  const push = (e: Ev) => {
    let i = heap.length;
    heap.push(e);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(e, heap[p]!)) break;
      heap[i] = heap[p]!;
      i = p;
    }
    heap[i] = e;
  };
  const pop = (): Ev => {
    const top = heap[0]!;
    const last = heap.pop()!;
    const n = heap.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && less(heap[r]!, heap[l]!) ? r : l;
        if (!less(heap[c]!, last)) break;
        heap[i] = heap[c]!;
        i = c;
      }
      heap[i] = last;
    }
    return top;
  };
  for (let a = 0; a < ACTORS; a++) push({ time: d[k++]!, seq: seq++, actor: a });
  while (heap.length > 0) {
    const e = pop();
    now = e.time;
    ran++;
    if (--left[e.actor]! > 0) push({ time: now + d[k++ % TOTAL]!, seq: seq++, actor: e.actor });
  }
  if (ran !== TOTAL) throw new Error(`baseline ran ${ran} events`);
}

export const kernelBench: Bench = {
  name: "kernel",
  run() {
    const d = delays();
    const t = compare(5, () => runKernel(d), () => runBareHeap(d));
    const eventsPerSec = TOTAL / t.ours;
    const baselineEventsPerSec = TOTAL / t.baseline;
    const ratio = eventsPerSec / baselineEventsPerSec;
    return {
      text:
        `kernel: ${ACTORS} actors x ${EVENTS_PER_ACTOR} timers\n` +
        `  ksim kernel     ${fmtRate(eventsPerSec)}\n` +
        `  bare heap loop  ${fmtRate(baselineEventsPerSec)}\n` +
        `  ratio           ${ratio.toFixed(2)} (kernel / baseline; target >= 0.5)`,
      json: { name: "kernel", eventsPerSec: Math.round(eventsPerSec), baselineEventsPerSec: Math.round(baselineEventsPerSec), ratio: Number(ratio.toFixed(3)) },
    };
  },
};
