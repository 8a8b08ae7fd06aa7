export { Sim, DEFAULT_START_EPOCH_MS, type SimOptions } from "./kernel.js";
export type { Timer } from "./event-queue.js";
export { SimError, LivelockError, EventBudgetExceeded } from "./errors.js";
export { Random } from "./random.js";
export {
  Future,
  Task,
  spawn,
  wait,
  sleep,
  race,
  timeout,
  type Waitable,
  type Proc,
  type TaskOutcome,
  type Gate,
  type RaceResult,
} from "./coroutine.js";
export {
  Network,
  Host,
  Connection,
  defaultLatency,
  type Address,
  type Translation,
  type CloseReason,
  type LatencyModel,
  type NetworkOptions,
  type Listener,
  type DatagramHandler,
  type HostGroup,
  type Impairment,
} from "./network.js";
export { byteChar, concatBytes, decodeText, encodeText, normalizeBytes } from "./text-bytes.js";
export { Volume, FsError, ext4Inodes, tmpfsInodes, type FsErrorCode, type Stat, type Ownership, type CrashOptions, type InodeLayout } from "./disk.js";
export { Trace, readTrace, hashTrace, TraceFormatError, type TraceEvent } from "./trace.js";
export {
  History,
  availability,
  type Operation,
  type Outcome,
  type Violation,
  type CheckResult,
} from "./history.js";
export { checkRegister, registerEvents, type LinearizabilityVerdict, type RegisterEvent, type RegisterOp } from "./linearizability.js";
