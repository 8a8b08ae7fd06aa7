export * from "./fs.js";
export * from "./streams.js";
export * from "./image.js";
export * from "./layered-fs.js";
export * from "./process.js";
export * from "./layer-stack.js";
export * from "./tasks.js";
export { pipeInodes } from "./procfs.js";
export { SchedStats } from "./sched-stats.js";
