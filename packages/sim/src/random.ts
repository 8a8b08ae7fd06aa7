import seedrandom from "seedrandom";

/** Characters Kubernetes uses for generated name suffixes (no vowels, no 0/1/3). */
const K8S_ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";
const HEX = "0123456789abcdef";

/**
 * A named, independent random stream. Streams are derived from the root seed and a path of names
 * (`root/network/latency`), never from each other's state, so adding a component that draws
 * numbers does not change what any existing component draws.
 */
export class Random {
  private generator: (() => number) | undefined;
  private spareNormal: number | undefined;

  private constructor(readonly seedPath: string) {}

  /** The generator is seeded on first use: most forks (one per process) never draw a number. */
  private next(): number {
    return (this.generator ??= seedrandom.alea(this.seedPath))();
  }

  static fromSeed(seed: number | string): Random {
    return new Random(`ksim:${seed}`);
  }

  /** An independent stream named `name` below this one. Same name, same stream. */
  fork(name: string): Random {
    return new Random(`${this.seedPath}/${name}`);
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.next();
  }

  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return p > 0 && this.next() < p;
  }

  /** Standard normal variate (Box–Muller, caching the second value). */
  normal(mean = 0, stddev = 1): number {
    if (this.spareNormal !== undefined) {
      const z = this.spareNormal;
      this.spareNormal = undefined;
      return mean + stddev * z;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return mean + stddev * r * Math.cos(2 * Math.PI * v);
  }

  /** Exponentially distributed with the given mean. */
  exponential(mean: number): number {
    let u = 0;
    while (u === 0) u = this.next();
    return -Math.log(u) * mean;
  }

  /**
   * Log-normal with the given median and shape sigma: most draws near the median, with the long
   * right tail that real latencies (image pulls, fsyncs, network) show.
   */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  choice<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("choice from an empty list");
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const t = out[i]!;
      out[i] = out[j]!;
      out[j] = t;
    }
    return out;
  }

  /** `n` lowercase hex digits. */
  hex(n: number): string {
    let s = "";
    for (let i = 0; i < n; i++) s += HEX[Math.floor(this.next() * 16)];
    return s;
  }

  /** An RFC 4122 version 4 UUID, as Kubernetes uses for uids and PV names. */
  uuid(): string {
    const variant = HEX[8 + Math.floor(this.next() * 4)];
    return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-${variant}${this.hex(3)}-${this.hex(12)}`;
  }

  /** A generated-name suffix as the apiserver makes it (`utilrand.String(5)`). */
  k8sSuffix(length = 5): string {
    let s = "";
    for (let i = 0; i < length; i++) s += K8S_ALPHANUMS[Math.floor(this.next() * K8S_ALPHANUMS.length)];
    return s;
  }

  /** A uniformly random signed 64-bit integer. */
  int64(): bigint {
    const hi = BigInt(Math.floor(this.next() * 0x100000000));
    const lo = BigInt(Math.floor(this.next() * 0x100000000));
    return BigInt.asIntN(64, (hi << 32n) | lo);
  }
}
