export { startWorkload, READ_BACK_BUDGET_MS, type ReadBack, type Workload, type WorkloadOptions } from "./workload.js";
export {
  ZkTrace,
  checkOneLeaderPerEpoch,
  checkCommittedPrefix,
  checkAcknowledgedWrites,
  checkClientOrder,
  checkReplicasAgree,
  checkWriteAvailability,
  type WriteInput,
} from "./checkers.js";
