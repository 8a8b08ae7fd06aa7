/**
 * Environments that nothing changes any more: a container's, or the one a shell builds from its
 * exported variables. A process started with one reads it until it changes its own environment,
 * instead of copying it at every spawn (a probe's shell and the commands it runs all start with
 * the container's thirty-odd variables).
 */
const FROZEN = new WeakSet<ReadonlyMap<string, string>>();

/** Marks `env` as never changing again; whoever made it gives up writing to it. */
export function freezeEnvironment(env: ReadonlyMap<string, string>): ReadonlyMap<string, string> {
  FROZEN.add(env);
  return env;
}

export function isFrozenEnvironment(env: ReadonlyMap<string, string>): boolean {
  return FROZEN.has(env);
}
