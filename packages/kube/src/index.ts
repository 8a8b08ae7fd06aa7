export * from "./api/types.js";
export * from "./runtime/index.js";
