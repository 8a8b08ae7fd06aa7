export {
  parseScenario,
  parseClusterFile,
  parseDurationRange,
  ScenarioFileError,
  ScenarioSchema,
  NEMESIS_KINDS,
  type ClusterFile,
  type ScenarioFile,
  type ScenarioStep,
  type StepExpectation,
  type NemesisKind,
} from "./file.js";
export { checkExpectation, linePattern, type StepOutput } from "./expect.js";
export { ClusterStartError, createEnvironment, standardRegistry, type Environment, type EnvironmentOptions } from "./environment.js";
export { runScenario, ScenarioError, type FiredFault, type CheckOutcome, type RunOptions, type ScenarioResult, type StepResult } from "./runner.js";
export { FaultInjector, type ActiveFault } from "./faults/injector.js";
export { planNemesis, type PlannedFault } from "./faults/nemesis.js";
export {
  PluginRegistry,
  ParamError,
  numberParam,
  stringParam,
  workloadParam,
  type CheckContext,
  type CheckPlugin,
  type Workload,
  type WorkloadRun,
  type WorkloadContext,
  type WorkloadPlugin,
} from "./plugins.js";
export { standardPlugins } from "./plugins/index.js";
export {
  summarizeRun,
  parseSeeds,
  parseShard,
  shardSeeds,
  formatSweepSummary,
  stats,
  type SeedSummary,
  type CheckSummary,
  type Shard,
  type SweepReport,
} from "./sweep.js";
export { formatComparison, type ComparisonReport } from "./compare.js";
export { applyEdits, applyVariant, parseFieldRef, parseObjectRef, parseSet, parseVary, variantLabel, VaryError, type FieldRef, type ObjectRef, type Variation } from "./vary.js";
export { encodeSweepResults, decodeSweepResults, scenarioHash, SweepFileError, type SweepResultsFile } from "./sweep-file.js";
export { renderRunReport, renderSweepReport, renderComparisonReport, runReportData, type RunReportData } from "./report/html.js";
export type { Timeline, Segment, PodLane, WorkloadSeries } from "./report/timeline.js";
export { quorumVerdict, type ReadinessPoint, type QuorumOptions } from "./readiness.js";
export { replay, scenarioOfTrace, canonical, type ReplayResult } from "./replay.js";
export { shrink, ShrinkError, type ShrinkResult, type ShrinkOptions } from "./shrink.js";
