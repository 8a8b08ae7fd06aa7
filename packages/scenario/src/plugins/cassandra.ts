import { checkNoLostWrites, checkReads, CONSISTENCY_LEVELS, isConsistencyLevel, RegisterWorkload, type ConsistencyLevel } from "@ksim/cassandra";
import { spawn, wait, type Proc } from "@ksim/sim";
import { numberParam, ParamError, stringParam, workloadParam, type CheckPlugin, type PluginRegistry, type WorkloadPlugin } from "../plugins.js";

const FOREVER = Number.MAX_SAFE_INTEGER / 2;

function level(params: Readonly<Record<string, unknown>>, key: string): ConsistencyLevel {
  const v = stringParam(params, key, "QUORUM").toUpperCase();
  if (!isConsistencyLevel(v)) throw new ParamError(`${key}: expected one of ${CONSISTENCY_LEVELS.join(", ")}, got ${JSON.stringify(v)}`);
  return v;
}

const registers: WorkloadPlugin = {
  type: "cassandra",
  durabilityCheck: "cassandra.no-lost-writes",
  description: "clients writing unique values to a few keys and reading them back at chosen consistency levels; every key is read at ALL at the end",
  start(ctx, params) {
    const service = stringParam(params, "service", "cassandra");
    if (ctx.resolve(service).length === 0) throw new ParamError(`service: ${JSON.stringify(service)} has no ready endpoints to contact`);
    const w = new RegisterWorkload({
      sim: ctx.sim,
      dialer: ctx.client,
      contactPoints: () => ctx.resolve(service),
      random: ctx.sim.random.fork(`cassandra/workload/${ctx.client.name}`),
      writeConsistency: level(params, "write"),
      readConsistency: level(params, "read"),
      replicationFactor: numberParam(params, "replicationFactor", 3),
      clients: numberParam(params, "clients", 3),
      keys: numberParam(params, "keys", 5),
      readFraction: numberParam(params, "readFraction", 0.5),
      meanIntervalMs: numberParam(params, "intervalMs", 200),
    });
    const task = spawn(
      ctx.sim,
      (function* () {
        yield* w.setup();
        yield* w.run(numberParam(params, "durationMs", FOREVER));
      })(),
      "cassandra-workload",
    );
    return {
      history: w.history,
      stop: () => w.stop(),
      *finish(): Proc<void> {
        yield* wait(task);
        yield* w.finalReads("ALL");
      },
    };
  },
};

const checks: CheckPlugin[] = [
  {
    type: "cassandra.reads",
    description: "no read misses a write acknowledged before the read began (holds when R + W > RF)",
    check: (ctx, params) => checkReads(workloadParam(ctx, params).history.operations),
  },
  {
    type: "cassandra.no-lost-writes",
    description: "every acknowledged write is still there when each key is read at ALL after the run",
    check: (ctx, params) => checkNoLostWrites(workloadParam(ctx, params).history.operations),
  },
];

export function registerCassandraPlugins(registry: PluginRegistry): void {
  registry.addWorkload(registers);
  for (const c of checks) registry.addCheck(c);
}
