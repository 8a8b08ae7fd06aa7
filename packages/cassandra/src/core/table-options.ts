import type { OptionValue } from "./cql.js";
import { javaDouble } from "./java-format.js";
import { configError, syntaxError } from "./request-error.js";
import { literalText } from "./types.js";
import { TABLE_PARAM_DEFAULTS, type TableDef, type TableOptions } from "./schema.js";

/**
 * CREATE and ALTER TABLE's WITH options (TableAttributes and TableParams, 3.11): each keyword
 * read as its type, unknown ones refused, and the whole set validated as TableParams.validate
 * does. What comes back is what the definition keeps: the read repair chances, and the other
 * options given.
 */

export interface ParsedTableOptions {
  readonly readRepairChance?: number;
  readonly dclocalReadRepairChance?: number;
  readonly params: Partial<TableOptions>;
}

/** TableParams.Option, and `id`, which CREATE TABLE takes too. */
const KEYWORDS = new Set([
  "bloom_filter_fp_chance",
  "caching",
  "comment",
  "compaction",
  "compression",
  "dclocal_read_repair_chance",
  "default_time_to_live",
  "extensions",
  "gc_grace_seconds",
  "max_index_interval",
  "memtable_flush_period_in_ms",
  "min_index_interval",
  "read_repair_chance",
  "speculative_retry",
  "crc_check_chance",
  "cdc",
  "id",
]);

/** Attributes.MAX_TTL: 20 years, in seconds. */
export const MAX_TTL = 20 * 365 * 24 * 60 * 60;

/** BloomCalculations.minSupportedBloomFilterFpChance: the false-positive rate of the largest filter it builds. */
const MIN_BLOOM_FILTER_FP_CHANCE = 6.71e-5;

const COMPACTION_PACKAGE = "org.apache.cassandra.db.compaction.";
const COMPRESSION_PACKAGE = "org.apache.cassandra.io.compress.";

function text(v: OptionValue): string | undefined {
  return v.kind === "map" ? undefined : literalText(v);
}

/** PropertyDefinitions' getters: a value of the wrong kind is a SyntaxException naming it. */
function getString(name: string, v: OptionValue): string {
  const s = text(v);
  if (s === undefined) throw syntaxError(`Invalid value for property '${name}'. It should be a string`);
  return s;
}

function getMap(name: string, v: OptionValue): Record<string, string> {
  if (v.kind !== "map") throw syntaxError(`Invalid value for property '${name}'. It should be a map.`);
  const out: Record<string, string> = {};
  for (const [k, x] of v.entries) out[k] = text(x)!;
  return out;
}

function getDouble(name: string, v: OptionValue): number {
  const s = getString(name, v);
  const n = Number(s);
  if (s.trim() === "" || !Number.isFinite(n)) throw syntaxError(`Invalid double value ${s} for '${name}'`);
  return n;
}

function getInt(name: string, v: OptionValue): number {
  const s = getString(name, v);
  if (!/^[+-]?\d+$/.test(s) || Math.abs(Number(s)) > 2 ** 31 - 1) throw syntaxError(`Invalid integer value ${s} for '${name}'`);
  return Number(s);
}

/** CompactionParams.fromMap: the class by its full name, min and max thresholds filled in. */
function compaction(m: Record<string, string>): Record<string, string> {
  const cls = m["class"];
  if (cls === undefined) throw configError("Missing sub-option 'class' for the 'compaction' option.");
  return { max_threshold: "32", min_threshold: "4", ...m, class: cls.includes(".") ? cls : `${COMPACTION_PACKAGE}${cls}` };
}

/** CompressionParams.fromMap: the class by its full name and a chunk length, or `enabled: false`. */
function compression(m: Record<string, string>): Record<string, string> {
  if (m["enabled"] === "false") return { enabled: "false" };
  const cls = m["class"] ?? m["sstable_compression"] ?? "LZ4Compressor";
  return { chunk_length_in_kb: m["chunk_length_in_kb"] ?? "64", class: cls.includes(".") ? cls : `${COMPRESSION_PACKAGE}${cls}` };
}

/**
 * Reads the options given, and validates them as TableAttributes.validate does: over the
 * defaults, not the table's current options (so ALTER's `max_index_interval = 100` fails against
 * the default 128 even on a table whose min is lower).
 */
export function parseTableOptions(options: Readonly<Record<string, OptionValue>>): ParsedTableOptions {
  const parsed = readTableOptions(options);
  validateTableParams({ params: parsed.params, readRepairChance: parsed.readRepairChance ?? 0, dclocalReadRepairChance: parsed.dclocalReadRepairChance ?? 0.1 });
  return parsed;
}

function readTableOptions(options: Readonly<Record<string, OptionValue>>): ParsedTableOptions {
  for (const name of Object.keys(options)) if (!KEYWORDS.has(name)) throw syntaxError(`Unknown property '${name}'`);
  const params: { -readonly [K in keyof TableOptions]?: TableOptions[K] } = {};
  let readRepairChance: number | undefined;
  let dclocalReadRepairChance: number | undefined;
  for (const [name, v] of Object.entries(options)) {
    switch (name) {
      case "bloom_filter_fp_chance":
        params.bloomFilterFpChance = getDouble(name, v);
        break;
      case "caching":
        params.caching = { ...TABLE_PARAM_DEFAULTS.caching, ...getMap(name, v) };
        break;
      case "comment":
        params.comment = getString(name, v);
        break;
      case "compaction":
        params.compaction = compaction(getMap(name, v));
        break;
      case "compression":
        params.compression = compression(getMap(name, v));
        break;
      case "crc_check_chance":
        params.crcCheckChance = getDouble(name, v);
        break;
      case "dclocal_read_repair_chance":
        dclocalReadRepairChance = getDouble(name, v);
        break;
      case "default_time_to_live":
        params.defaultTimeToLive = getInt(name, v);
        break;
      case "gc_grace_seconds":
        params.gcGraceSeconds = getInt(name, v);
        break;
      case "max_index_interval":
        params.maxIndexInterval = getInt(name, v);
        break;
      case "memtable_flush_period_in_ms":
        params.memtableFlushPeriodInMs = getInt(name, v);
        break;
      case "min_index_interval":
        params.minIndexInterval = getInt(name, v);
        break;
      case "read_repair_chance":
        readRepairChance = getDouble(name, v);
        break;
      case "speculative_retry":
        params.speculativeRetry = speculativeRetry(getString(name, v));
        break;
      default:
        // cdc, extensions and id are taken but not modelled.
        break;
    }
  }
  return {
    ...(readRepairChance !== undefined ? { readRepairChance } : {}),
    ...(dclocalReadRepairChance !== undefined ? { dclocalReadRepairChance } : {}),
    params,
  };
}

/**
 * SpeculativeRetryParam.fromString: `NONE`, `ALWAYS` (upper-case only), `<n>percentile` or
 * `<n>ms` (any case), kept as its toString prints it (DecimalFormat "#.#####").
 */
function speculativeRetry(s: string): string {
  if (s === "NONE" || s === "ALWAYS") return s;
  const upper = s.toUpperCase();
  const number = (text: string) => {
    const n = Number(text);
    if (text.trim() === "" || !Number.isFinite(n)) throw configError(`Invalid value ${s} for option 'speculative_retry'`);
    return n;
  };
  if (upper.endsWith("PERCENTILE")) {
    const n = number(s.slice(0, -"PERCENTILE".length));
    if (n < 0 || n > 100) throw configError(`Invalid value ${s} for PERCENTILE option 'speculative_retry': must be between 0.0 and 100.0`);
    return `${decimal(n)}PERCENTILE`;
  }
  if (upper.endsWith("MS")) return `${decimal(number(s.slice(0, -2)))}ms`;
  throw configError(`Invalid value ${s} for option 'speculative_retry'`);
}

function decimal(n: number): string {
  return String(Math.round(n * 1e5) / 1e5);
}

/**
 * TableParams.Builder.build for a new table: an unset bloom_filter_fp_chance is the compaction
 * strategy's default (0.1 for leveled compaction). An ALTER keeps the table's value instead.
 */
export function newTableParams(params: Partial<TableOptions>): Partial<TableOptions> {
  if (params.bloomFilterFpChance !== undefined || params.compaction?.["class"] !== `${COMPACTION_PACKAGE}LeveledCompactionStrategy`) return params;
  return { ...params, bloomFilterFpChance: 0.1 };
}

/** TableParams.validate over the table's options once the new ones are applied. */
export function validateTableParams(t: Pick<TableDef, "params" | "readRepairChance" | "dclocalReadRepairChance">): void {
  const p = { ...TABLE_PARAM_DEFAULTS, ...t.params };
  const fail = (message: string) => {
    throw configError(message);
  };
  if (p.bloomFilterFpChance <= MIN_BLOOM_FILTER_FP_CHANCE || p.bloomFilterFpChance > 1) {
    fail(`bloom_filter_fp_chance must be larger than ${javaDouble(MIN_BLOOM_FILTER_FP_CHANCE)} and less than or equal to 1.0 (got ${javaDouble(p.bloomFilterFpChance)})`);
  }
  const chance = (name: string, v: number) => {
    if (v < 0 || v > 1) fail(`${name} must be larger than or equal to 0 and smaller than or equal to 1.0 (got ${javaDouble(v)})`);
  };
  chance("dclocal_read_repair_chance", t.dclocalReadRepairChance);
  chance("read_repair_chance", t.readRepairChance);
  chance("crc_check_chance", p.crcCheckChance);
  if (p.defaultTimeToLive < 0) fail(`default_time_to_live must be greater than or equal to 0 (got ${p.defaultTimeToLive})`);
  if (p.defaultTimeToLive > MAX_TTL) fail(`default_time_to_live must be less than or equal to ${MAX_TTL} (got ${p.defaultTimeToLive})`);
  if (p.gcGraceSeconds < 0) fail(`gc_grace_seconds must be greater than or equal to 0 (got ${p.gcGraceSeconds})`);
  if (p.minIndexInterval < 1) fail(`min_index_interval must be greater than or equal to 1 (got ${p.minIndexInterval})`);
  if (p.maxIndexInterval < p.minIndexInterval) {
    fail(`max_index_interval must be greater than or equal to min_index_interval (${p.minIndexInterval}) (got ${p.maxIndexInterval})`);
  }
  if (p.memtableFlushPeriodInMs < 0) fail(`memtable_flush_period_in_ms must be greater than or equal to 0 (got ${p.memtableFlushPeriodInMs})`);
}
