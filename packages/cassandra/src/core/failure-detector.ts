/**
 * The phi-accrual failure detector (gms/FailureDetector.java, 3.x). Each time gossip brings a
 * newer heartbeat for an endpoint the arrival is recorded; phi is the silence since the last
 * arrival over the mean inter-arrival time, and an endpoint is convicted when
 * PHI_FACTOR * phi exceeds phi_convict_threshold (8): about 18 s with 1 s heartbeats.
 */

export const PHI_FACTOR = 1.0 / Math.log(10.0);
/** Gossiper.intervalInMillis * 2: the first interval assumed, and the largest one recorded. */
export const INITIAL_INTERVAL_MS = 2000;
const WINDOW_SIZE = 1000;

class ArrivalWindow {
  private readonly intervals = new Float64Array(WINDOW_SIZE);
  private count = 0;
  private next = 0;
  private sum = 0;
  private last = -1;

  add(now: number): void {
    if (this.last >= 0) {
      const d = now - this.last;
      // Longer gaps are outages, not gossip rhythm; learning them would make conviction lazier.
      if (d <= INITIAL_INTERVAL_MS) this.push(d);
    } else {
      this.push(INITIAL_INTERVAL_MS);
    }
    this.last = now;
  }

  private push(v: number): void {
    if (this.count === WINDOW_SIZE) this.sum -= this.intervals[this.next]!;
    else this.count++;
    this.intervals[this.next] = v;
    this.sum += v;
    this.next = (this.next + 1) % WINDOW_SIZE;
  }

  phi(now: number): number {
    return this.count > 0 && this.last >= 0 ? (now - this.last) / (this.sum / this.count) : 0;
  }
}

export class FailureDetector {
  private readonly windows = new Map<string, ArrivalWindow>();

  constructor(readonly phiConvictThreshold = 8) {}

  report(endpoint: string, now: number): void {
    let w = this.windows.get(endpoint);
    if (w === undefined) this.windows.set(endpoint, (w = new ArrivalWindow()));
    w.add(now);
  }

  /** Forgets the learned intervals (a restarted node is learned afresh). */
  remove(endpoint: string): void {
    this.windows.delete(endpoint);
  }

  /** PHI_FACTOR * phi, the figure compared with the threshold. */
  phi(endpoint: string, now: number): number {
    const w = this.windows.get(endpoint);
    return w === undefined ? 0 : PHI_FACTOR * w.phi(now);
  }

  shouldConvict(endpoint: string, now: number): boolean {
    return this.phi(endpoint, now) > this.phiConvictThreshold;
  }
}
