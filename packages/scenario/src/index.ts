export { parseScenario, parseClusterFile, ScenarioFileError, type ClusterFile, ScenarioSchema, type ScenarioFile, type ScenarioStep, type StepExpectation } from "./file.js";
export { checkExpectation, linePattern, type StepOutput } from "./expect.js";
export { createEnvironment, standardRegistry, type Environment, type EnvironmentOptions } from "./environment.js";
export { runScenario, type RunOptions, type ScenarioResult, type StepResult } from "./runner.js";
