import { goQuote } from "../../api/validation/field.js";
import { parseGoDuration } from "./durations.js";

/**
 * Command-line parsing as kubectl's cobra/pflag does it: long flags (`--name=value`,
 * `--name value`), shorthands (`-n value`, `-nvalue`, `-n=value`, grouped booleans `-it`),
 * flags interspersed with arguments, `--` ending the flags (and remembered, as `exec` and `run`
 * need), values converted when parsed, with pflag's error texts.
 */
export type FlagType = "bool" | "string" | "int" | "stringSlice" | "stringArray" | "duration";

export interface FlagSpec {
  readonly name: string;
  readonly short?: string;
  readonly type: FlagType;
  /** What the flag means when given without a value (pflag's NoOptDefVal); booleans mean "true". */
  readonly noValue?: string;
  /** MarkDeprecated's message: using the flag prints `Flag --name has been deprecated, <message>`. */
  readonly deprecated?: string;
}

export type FlagValue = boolean | string | number | readonly string[];

export class FlagError extends Error {
  override name = "FlagError";
}

/** `-h`/`--help` was given: the command prints its help instead of running. */
export class HelpRequested extends Error {
  override name = "HelpRequested";
}

export interface ParsedArgs {
  readonly args: readonly string[];
  /** How many arguments came before `--` (-1 without one), as cobra's ArgsLenAtDash. */
  readonly argsLenAtDash: number;
  readonly flags: Flags;
}

/** The values of the flags a command was given; defaults are the caller's. */
export class Flags {
  private readonly values = new Map<string, FlagValue>();
  /** Every flag as given, in order: the long name and the value as written (ParseAll's callback). */
  readonly given: { readonly spec: FlagSpec; readonly raw: string }[] = [];

  /** Whether the flag appeared on the command line (pflag's Changed). */
  changed(name: string): boolean {
    return this.values.has(name);
  }

  bool(name: string, fallback = false): boolean {
    const v = this.values.get(name);
    return typeof v === "boolean" ? v : fallback;
  }

  string(name: string, fallback = ""): string {
    const v = this.values.get(name);
    return typeof v === "string" ? v : fallback;
  }

  int(name: string, fallback: number): number {
    const v = this.values.get(name);
    return typeof v === "number" ? v : fallback;
  }

  /** Milliseconds. */
  duration(name: string, fallback: number): number {
    return this.int(name, fallback);
  }

  strings(name: string): readonly string[] {
    const v = this.values.get(name);
    return Array.isArray(v) ? v : [];
  }

  /** @internal */
  set(spec: FlagSpec, raw: string): void {
    this.values.set(spec.name, convert(spec, raw, this.values.get(spec.name)));
    this.given.push({ spec, raw });
  }
}

function flagLabel(spec: FlagSpec): string {
  return spec.short !== undefined ? `-${spec.short}, --${spec.name}` : `--${spec.name}`;
}

function convert(spec: FlagSpec, raw: string, previous: FlagValue | undefined): FlagValue {
  const invalid = (detail: string) => new FlagError(`invalid argument ${goQuote(raw)} for ${goQuote(flagLabel(spec))} flag: ${detail}`);
  switch (spec.type) {
    case "bool": {
      const b = parseGoBool(raw);
      if (b === undefined) throw invalid(`strconv.ParseBool: parsing ${goQuote(raw)}: invalid syntax`);
      return b;
    }
    case "int": {
      if (!/^[+-]?[0-9]+$/.test(raw)) throw invalid(`strconv.ParseInt: parsing ${goQuote(raw)}: invalid syntax`);
      return Number(raw);
    }
    case "duration": {
      const d = parseGoDuration(raw);
      if (typeof d === "string") throw invalid(d);
      return d;
    }
    case "string":
      return raw;
    case "stringSlice":
      // pflag reads the value as one CSV record; repeating the flag appends.
      return [...((previous as readonly string[] | undefined) ?? []), ...(raw === "" ? [] : raw.split(","))];
    case "stringArray":
      return [...((previous as readonly string[] | undefined) ?? []), raw];
  }
}

/** strconv.ParseBool. */
export function parseGoBool(s: string): boolean | undefined {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(s)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(s)) return false;
  return undefined;
}

function noValue(spec: FlagSpec): string | undefined {
  return spec.noValue ?? (spec.type === "bool" ? "true" : undefined);
}

/** pflag's FlagSet.Parse over `specs`. Throws FlagError, or HelpRequested for -h/--help. */
export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[]): ParsedArgs {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short !== undefined).map((s) => [s.short!, s]));
  const flags = new Flags();
  const args: string[] = [];
  let argsLenAtDash = -1;
  const rest = [...argv];
  while (rest.length > 0) {
    const s = rest.shift()!;
    if (s.length < 2 || s[0] !== "-") {
      args.push(s);
      continue;
    }
    if (s === "--") {
      argsLenAtDash = args.length;
      args.push(...rest);
      break;
    }
    if (s[1] === "-") {
      const body = s.slice(2);
      if (body.startsWith("-") || body.startsWith("=")) throw new FlagError(`bad flag syntax: ${s}`);
      const eq = body.indexOf("=");
      const name = eq < 0 ? body : body.slice(0, eq);
      const spec = byName.get(name);
      if (spec === undefined) {
        if (name === "help") throw new HelpRequested();
        throw new FlagError(`unknown flag: --${name}`);
      }
      let value: string;
      if (eq >= 0) value = body.slice(eq + 1);
      else if (noValue(spec) !== undefined) value = noValue(spec)!;
      else if (rest.length > 0) value = rest.shift()!;
      else throw new FlagError(`flag needs an argument: ${s}`);
      flags.set(spec, value);
      continue;
    }
    let shorts = s.slice(1);
    while (shorts.length > 0) {
      const c = shorts[0]!;
      const spec = byShort.get(c);
      if (spec === undefined) {
        if (c === "h") throw new HelpRequested();
        throw new FlagError(`unknown shorthand flag: '${c}' in -${shorts}`);
      }
      let value: string;
      if (shorts.length > 2 && shorts[1] === "=") {
        value = shorts.slice(2);
        shorts = "";
      } else if (noValue(spec) !== undefined) {
        value = noValue(spec)!;
        shorts = shorts.slice(1);
      } else if (shorts.length > 1) {
        value = shorts.slice(1);
        shorts = "";
      } else if (rest.length > 0) {
        value = rest.shift()!;
        shorts = "";
      } else {
        throw new FlagError(`flag needs an argument: '${c}' in -${shorts}`);
      }
      flags.set(spec, value);
    }
  }
  return { args, argsLenAtDash, flags };
}
