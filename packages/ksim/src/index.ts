/**
 * ksim as a library: run scenarios of a simulated Kubernetes cluster (with ZooKeeper, Cassandra
 * and MySQL inside) from your tests, and assert their invariants.
 *
 *   import { simulate, scenario, example } from "ksim";
 *   import "ksim/vitest";
 */
export { simulate, Simulation, type ScenarioInput, type SimulateOptions, type Verdict, type Violation, type WorkloadResult } from "./simulate.js";
export { scenario, example, ScenarioBuilder, type RunStepOptions } from "./builder.js";
export { seeds, forEachSeed } from "./seeds.js";
export type { ScenarioFile, StepResult, ReadinessPoint, QuorumOptions } from "@ksim/scenario";
export type { Operation } from "@ksim/sim";
export type { KubeObject, Pod, StatefulSet, Service, PersistentVolumeClaim, Node } from "@ksim/kube";
