export { registerCassandra, cassandraLayer, CASSANDRA_REPOSITORY, type CassandraImageOptions } from "./image/register.js";
export { CassandraNode } from "./core/node.js";
export type { NodeConfig, Effect, Input, PersistedFiles } from "./core/node-io.js";
export { CONSISTENCY_LEVELS, isConsistencyLevel, type ConsistencyLevel, type ClientResponse } from "./core/protocol.js";
export { CqlDriver, type Dialer, type DriverOptions, type Outcome } from "./client/driver.js";
export { RegisterWorkload, type RegisterWorkloadOptions, type WriteInput, type ReadInput, type ReadOutput } from "./workload/register-workload.js";
export { TransferWorkload, type TransferWorkloadOptions } from "./workload/transfer-workload.js";
export { CounterWorkload, type CounterWorkloadOptions } from "./workload/counter-workload.js";
export { checkReads, checkNoLostWrites, checkAvailability, checkLinearizable, checkTransfers, checkCounters } from "./workload/checkers.js";
