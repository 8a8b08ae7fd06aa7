/**
 * What a node reads from its clocks at one instant: a monotonic clock for intervals (the failure
 * detector, time-outs: System.nanoTime) and the wall clock for anything written down or
 * compared across nodes (cell timestamps, gossip generations: currentTimeMillis). Each node has
 * its own wall clock, so skew between nodes is an input, not a property of the simulation.
 */
export interface Now {
  readonly mono: number;
  readonly wall: number;
}
