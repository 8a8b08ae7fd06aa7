import { parseSeeds } from "@ksim/scenario";

/**
 * Seeds to run: `seeds(1, 20)` or `seeds("1..20")` (also `"1,4,9"`). Made for
 * `test.each(seeds(1, 20))("keeps quorum (seed %i)", async (seed) => …)`, so a failing seed
 * is in the failing test's name.
 */
export function seeds(from: number | string, to?: number): number[] {
  if (typeof from === "string") return parseSeeds(from);
  return parseSeeds(`${from}..${to ?? from}`);
}

/**
 * Runs `fn` for every seed, all of them even when some fail, then throws one error naming each
 * failing seed with its message (for a single test over many seeds).
 */
export async function forEachSeed(range: number | string | readonly number[], fn: (seed: number) => unknown): Promise<void> {
  const list = Array.isArray(range) ? range : seeds(range as number | string);
  const failures: string[] = [];
  for (const seed of list) {
    try {
      await fn(seed);
    } catch (e) {
      failures.push(`seed ${seed}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (failures.length > 0) throw new Error(`${failures.length} of ${list.length} seeds failed:\n${failures.join("\n")}`);
}
