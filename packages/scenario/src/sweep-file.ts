import { createHash } from "node:crypto";
import { Packr } from "msgpackr";
import type { SeedSummary } from "./sweep.js";

/**
 * A shard's results on disk (what each pod of an emitted Job writes, what `ksim merge` reads):
 * msgpack, naming the scenario by the hash of its text so shards of different files are not mixed.
 */
export interface SweepResultsFile {
  readonly format: "ksim-sweep-results";
  readonly version: 1;
  readonly file: string;
  readonly scenario: string;
  readonly scenarioSha256: string;
  readonly seedsText: string;
  readonly shard: string;
  readonly results: readonly SeedSummary[];
}

const packr = new Packr({ useRecords: false });

export function scenarioHash(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

export function encodeSweepResults(file: SweepResultsFile): Uint8Array {
  return packr.pack(file);
}

export class SweepFileError extends Error {
  override name = "SweepFileError";
}

export function decodeSweepResults(bytes: Uint8Array, source: string): SweepResultsFile {
  let value: unknown;
  try {
    value = packr.unpack(bytes);
  } catch {
    throw new SweepFileError(`${source}: not a ksim sweep results file (it does not decode as msgpack)`);
  }
  const f = value as Partial<SweepResultsFile> | null;
  if (f === null || typeof f !== "object" || f.format !== "ksim-sweep-results") throw new SweepFileError(`${source}: not a ksim sweep results file`);
  if (f.version !== 1) throw new SweepFileError(`${source}: results format version ${String(f.version)}, this ksim reads version 1`);
  return f as SweepResultsFile;
}
