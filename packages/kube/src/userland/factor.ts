import type { Proc } from "@ksim/sim";
import type { ProcessContext } from "../runtime/process.js";
import { readInput, withOptions } from "./common.js";

const SMALL_PRIMES = [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n, 41n];

function powMod(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  let b = base % mod;
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % mod;
    b = (b * b) % mod;
  }
  return result;
}

/** Miller-Rabin with the first 13 primes as bases: exact below 3.3e24, and beyond any test input. */
function isPrime(n: bigint): boolean {
  if (n < 2n) return false;
  for (const p of SMALL_PRIMES) if (n % p === 0n) return n === p;
  let d = n - 1n;
  let s = 0;
  while ((d & 1n) === 0n) {
    d >>= 1n;
    s++;
  }
  for (const a of SMALL_PRIMES) {
    let x = powMod(a, d, n);
    if (x === 1n || x === n - 1n) continue;
    let composite = true;
    for (let r = 1; r < s && composite; r++) {
      x = (x * x) % n;
      if (x === n - 1n) composite = false;
    }
    if (composite) return false;
  }
  return true;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** Pollard's rho (Floyd's cycle) for a composite n: a non-trivial divisor. */
function rho(n: bigint): bigint {
  for (let c = 1n; ; c++) {
    const f = (x: bigint) => (x * x + c) % n;
    let x = 2n;
    let y = 2n;
    let d = 1n;
    while (d === 1n) {
      x = f(x);
      y = f(f(y));
      d = gcd(x > y ? x - y : y - x, n);
    }
    if (d !== n) return d;
  }
}

/** The prime factors of n, smallest first (none for 0 and 1). */
function factorize(n: bigint): bigint[] {
  const out: bigint[] = [];
  for (let p = 2n; p < 10000n && p * p <= n; p += p === 2n ? 1n : 2n) {
    while (n % p === 0n) {
      out.push(p);
      n /= p;
    }
  }
  const rest = (m: bigint) => {
    if (m === 1n) return;
    if (isPrime(m)) return void out.push(m);
    const d = rho(m);
    rest(d);
    rest(m / d);
  };
  if (n > 1n) rest(n);
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * coreutils' factor: `N: p1 p2 …` for each number given, or for each read from standard input;
 * one that is no positive integer (an optional `+`, then digits) is complained about and skipped.
 */
export function* factorProgram(ctx: ProcessContext): Proc<number> {
  return yield* withOptions(ctx, "gnu", { short: "" }, function* (o) {
    const numbers = o.operands.length > 0 ? o.operands : (yield* readInput(ctx, "-")).split(/[ \t\n]+/).filter((t) => t !== "");
    let status = 0;
    // factor keeps its own output buffer (lbuf), written at the end: complaints come first.
    let out = "";
    for (const text of numbers) {
      const m = /^[ \t]*\+?(\d+)$/.exec(text);
      if (m === null) {
        ctx.stderr.write(`factor: '${text}' is not a valid positive integer\n`);
        status = 1;
        continue;
      }
      const n = BigInt(m[1]!);
      out += `${n}:${factorize(n).map((p) => ` ${p}`).join("")}\n`;
    }
    ctx.stdout.write(out);
    return status;
  });
}
