import { freezeEnvironment, isFrozenEnvironment } from "../runtime/environment.js";
import { AssocArray } from "./assoc.js";
import { CowMap } from "./cow-map.js";

/** A scalar, a bash indexed array (sparse), or a bash associative array. */
export type VariableValue = string | string[] | AssocArray;

/** Never changed in place (subshells share them with their parent): replaced on every change. */
export interface Variable {
  /** Undefined for a name declared (`declare -i n`, `local x`, `readonly x`) but not set. */
  readonly value: VariableValue | undefined;
  readonly exported: boolean;
  readonly readonly: boolean;
  /** bash's attributes that change what is assigned: `i` (integer), `l` (lower case), `u` (upper case), `n` (a reference to another name). */
  readonly attrs?: string;
}

/** `$name`: a scalar's value, an array's element 0 (an associative array's key "0"). */
export function scalarOf(value: VariableValue | undefined): string | undefined {
  if (value === undefined || typeof value === "string") return value;
  return value instanceof AssocArray ? value.get("0") : value[0];
}

/**
 * The variables a frozen environment makes: every shell a container's probe starts (and the
 * scripts those run) begins with the container's environment, so it is turned into variables once.
 */
const FROM_ENVIRONMENT = new WeakMap<ReadonlyMap<string, string>, ReadonlyMap<string, Variable>>();

function asVariables(env: ReadonlyMap<string, string>): ReadonlyMap<string, Variable> {
  const vars = new Map<string, Variable>();
  env.forEach((value, name) => vars.set(name, { value, exported: true, readonly: false }));
  return vars;
}

const NONE: ReadonlyMap<string, Variable> = new Map();

/**
 * A shell's variables: the ones it started with from its environment, never changed, under the
 * ones it set since, which it shares with its forks until one side writes. A shell sets a few
 * (PPID, PWD, PS2, ...) and its forks fewer, so no fork copies the thirty-odd it inherited.
 * Also the environment its exported variables make for the commands it runs, kept (and shared
 * with forks) while no exported variable changes, as most commands change none.
 */
export class Variables {
  private constructor(
    /** Never changed; `own` shadows its entries, but never removes one (that merges the two). */
    private base: ReadonlyMap<string, Variable>,
    private own: CowMap<string, Variable>,
    /** What exported() returns; undefined after a change to an exported variable. */
    private environment: ReadonlyMap<string, string> | undefined,
  ) {}

  /** The variables of a shell started with `env`: all of it, exported. */
  static fromEnvironment(env: ReadonlyMap<string, string>): Variables {
    if (!isFrozenEnvironment(env)) return new Variables(asVariables(env), new CowMap(), undefined);
    let base = FROM_ENVIRONMENT.get(env);
    if (base === undefined) FROM_ENVIRONMENT.set(env, (base = asVariables(env)));
    return new Variables(base, new CowMap(), env);
  }

  fork(): Variables {
    return new Variables(this.base, this.own.fork(), this.environment);
  }

  get(name: string): Variable | undefined {
    return this.own.get(name) ?? this.base.get(name);
  }

  has(name: string): boolean {
    return this.own.has(name) || this.base.has(name);
  }

  *keys(): IterableIterator<string> {
    yield* this.base.keys();
    for (const name of this.own.keys()) if (!this.base.has(name)) yield name;
  }

  set(name: string, v: Variable): void {
    const old = this.get(name);
    // An exported variable set to the value it has keeps its place in the environment.
    if (v.exported ? !(old?.exported === true && old.value === v.value) : old?.exported === true) this.environment = undefined;
    this.own.set(name, v);
  }

  delete(name: string): void {
    if (this.get(name)?.exported === true) this.environment = undefined;
    if (this.base.has(name)) {
      // Set again, it comes after the others, as in a single table: merge the two first.
      const merged = new Map(this.entries());
      this.base = NONE;
      this.own = new CowMap(merged);
    }
    this.own.delete(name);
  }

  /** The exported variables as an environment, in the order they were made (bash exports no array). */
  exported(): ReadonlyMap<string, string> {
    if (this.environment === undefined) {
      const env = new Map<string, string>();
      for (const [name, v] of this.entries()) if (v.exported && typeof v.value === "string") env.set(name, v.value);
      this.environment = freezeEnvironment(env);
    }
    return this.environment;
  }

  /** Every variable, in the order a single table would hold them. */
  private *entries(): IterableIterator<[string, Variable]> {
    for (const [name, v] of this.base) yield [name, this.own.get(name) ?? v];
    for (const entry of this.own) if (!this.base.has(entry[0])) yield entry;
  }
}
