/**
 * glibc's srandom()/random() (the default TYPE_3 additive feedback generator), which Debian's
 * mawk uses for srand()/rand(): `srand(1); print rand()` gives the same 0.840188 as there.
 */
export class GlibcRandom {
  private readonly state = new Int32Array(31);
  private front = 3;
  private rear = 0;

  constructor(seed: number) {
    this.seed(seed);
  }

  seed(seed: number): void {
    const s = this.state;
    s[0] = seed === 0 ? 1 : seed | 0;
    for (let i = 1; i < 31; i++) {
      // 16807 * word % 2147483647 without overflow (Schrage), as glibc computes it.
      const word = s[i - 1]!;
      const hi = Math.trunc(word / 127773);
      const lo = word % 127773;
      let next = 16807 * lo - 2836 * hi;
      if (next < 0) next += 2147483647;
      s[i] = next;
    }
    this.front = 3;
    this.rear = 0;
    for (let i = 0; i < 310; i++) this.next();
  }

  /** The next value in [0, 2^31). */
  next(): number {
    const s = this.state;
    const sum = (s[this.front]! + s[this.rear]!) | 0;
    s[this.front] = sum;
    const result = (sum >>> 0) >>> 1;
    this.front = (this.front + 1) % 31;
    this.rear = (this.rear + 1) % 31;
    return result;
  }
}
