export * from "./api/types.js";
export * from "./runtime/index.js";
export * from "./runtime/http.js";
export * from "./shell/index.js";
export * from "./userland/index.js";
