import {
  checkLinearizable,
  checkNoLostWrites,
  checkReads,
  checkTransfers,
  checkCounters,
  CONSISTENCY_LEVELS,
  CounterWorkload,
  isConsistencyLevel,
  RegisterWorkload,
  TransferWorkload,
  type ConsistencyLevel,
} from "@ksim/cassandra";
import { spawn, wait, type Proc } from "@ksim/sim";
import { booleanParam, numberParam, ParamError, stringParam, workloadParam, type CheckPlugin, type PluginRegistry, type Workload, type WorkloadContext, type WorkloadPlugin } from "../plugins.js";

const FOREVER = Number.MAX_SAFE_INTEGER / 2;

function level(params: Readonly<Record<string, unknown>>, key: string, fallback = "QUORUM"): ConsistencyLevel {
  const v = stringParam(params, key, fallback).toUpperCase();
  if (!isConsistencyLevel(v)) throw new ParamError(`${key}: expected one of ${CONSISTENCY_LEVELS.join(", ")}, got ${JSON.stringify(v)}`);
  return v;
}

function registers(lwt: boolean): WorkloadPlugin {
  return {
    type: lwt ? "cassandra-lwt" : "cassandra",
    durabilityCheck: lwt ? "cassandra.linearizable" : "cassandra.no-lost-writes",
    description: lwt
      ? "clients doing writes and compare-and-sets of small values through lightweight transactions (Paxos) on a few keys, and reads at the read level (SERIAL by default); every key is read at SERIAL at the end"
      : "clients writing unique values to a few keys and reading them back at chosen consistency levels; every key is read at ALL at the end",
    start(ctx, params) {
      const w = new RegisterWorkload({
        ...clientOptions(ctx, params),
        writeConsistency: level(params, "write"),
        readConsistency: lwt ? level(params, "read", "SERIAL") : level(params, "read"),
        lwt,
        replicationFactor: numberParam(params, "replicationFactor", 3),
        keys: numberParam(params, "keys", 5),
        readFraction: numberParam(params, "readFraction", 0.5),
        deleteFraction: deleteFraction(params, lwt),
        gcGraceSeconds: params["gcGraceSeconds"] === undefined ? undefined : numberParam(params, "gcGraceSeconds"),
      });
      return started(ctx, params, w, () => w.finalReads(lwt ? "SERIAL" : "ALL"));
    },
  };
}

function deleteFraction(params: Readonly<Record<string, unknown>>, lwt: boolean): number {
  // Deletes would make the lightweight-transaction registers' rows vanish under their IF EXISTS writes.
  if (lwt && params["deleteFraction"] !== undefined) throw new ParamError("deleteFraction: the cassandra-lwt workload does not delete");
  return numberParam(params, "deleteFraction", 0);
}

/** Runs a workload's setup, then its clients for `durationMs` or until stopped; its final reads finish it. */
function started(ctx: WorkloadContext, params: Readonly<Record<string, unknown>>, w: RegisterWorkload | TransferWorkload | CounterWorkload, finalReads: () => Proc<void>): Workload {
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
      yield* finalReads();
    },
  };
}

/** What every CQL workload takes: where its clients connect from and to, their randomness, how many, and how often they act. */
function clientOptions(ctx: WorkloadContext, params: Readonly<Record<string, unknown>>) {
  return {
    sim: ctx.sim,
    dialer: ctx.client,
    contactPoints: contactPoints(ctx, params),
    random: ctx.sim.random.fork(`cassandra/workload/${ctx.client.name}`),
    clients: numberParam(params, "clients", 3),
    meanIntervalMs: numberParam(params, "intervalMs", 200),
  };
}

/** The contact points a workload starts from: the ready endpoints of `service`. */
function contactPoints(ctx: WorkloadContext, params: Readonly<Record<string, unknown>>): () => readonly string[] {
  const service = stringParam(params, "service", "cassandra");
  if (ctx.resolve(service).length === 0) throw new ParamError(`service: ${JSON.stringify(service)} has no ready endpoints to contact`);
  return () => ctx.resolve(service);
}

const transfers: WorkloadPlugin = {
  type: "cassandra-transfers",
  durabilityCheck: "cassandra.transfers",
  description:
    "clients moving amounts between a few accounts, each transfer a debit and a credit in two partitions written in one batch (logged unless `logged: false`); every account is read at ALL at the end",
  start(ctx, params) {
    const w = new TransferWorkload({
      ...clientOptions(ctx, params),
      writeConsistency: level(params, "write"),
      logged: booleanParam(params, "logged", true),
      replicationFactor: numberParam(params, "replicationFactor", 3),
      accounts: numberParam(params, "accounts", 6),
    });
    return started(ctx, params, w, () => w.finalReads("ALL"));
  },
};

const counters: WorkloadPlugin = {
  type: "cassandra-counters",
  durabilityCheck: "cassandra.counters",
  description: "clients adding one to a few counter columns; a timed-out increment may or may not have been applied; every counter is read at ALL at the end",
  start(ctx, params) {
    const w = new CounterWorkload({
      ...clientOptions(ctx, params),
      writeConsistency: level(params, "write"),
      replicationFactor: numberParam(params, "replicationFactor", 3),
      counters: numberParam(params, "counters", 5),
    });
    return started(ctx, params, w, () => w.finalReads("ALL"));
  },
};

const checks: CheckPlugin[] = [
  {
    type: "cassandra.reads",
    description: "no read misses a write acknowledged before the read began (holds when R + W > RF)",
    check: (ctx, params) => checkReads(workloadParam(ctx, params).history.operations),
  },
  {
    type: "cassandra.linearizable",
    description: "the lightweight-transaction registers are linearizable: some order of each key's reads, writes and compare-and-sets fits real time and every answer",
    check: (ctx, params) => checkLinearizable(workloadParam(ctx, params).history.operations),
  },
  {
    type: "cassandra.transfers",
    description: "every transfer is all or nothing at the end: its debit and credit both there or neither, an acknowledged one there, a refused one not",
    check: (ctx, params) => checkTransfers(workloadParam(ctx, params).history.operations),
  },
  {
    type: "cassandra.counters",
    description: "every counter ends between its acknowledged increments and those plus the timed-out ones: none lost, none applied twice",
    check: (ctx, params) => checkCounters(workloadParam(ctx, params).history.operations),
  },
  {
    type: "cassandra.no-lost-writes",
    description: "every acknowledged write is still there when each key is read at ALL after the run",
    check: (ctx, params) => checkNoLostWrites(workloadParam(ctx, params).history.operations),
  },
];

export function registerCassandraPlugins(registry: PluginRegistry): void {
  registry.addWorkload(registers(false));
  registry.addWorkload(registers(true));
  registry.addWorkload(transfers);
  registry.addWorkload(counters);
  for (const c of checks) registry.addCheck(c);
}
