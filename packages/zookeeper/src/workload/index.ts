export { startWorkload, type Workload, type WorkloadOptions } from "./workload.js";
export {
  ZkTrace,
  checkOneLeaderPerEpoch,
  checkCommittedPrefix,
  checkAcknowledgedWrites,
  checkClientOrder,
  checkWriteAvailability,
  type WriteInput,
} from "./checkers.js";
