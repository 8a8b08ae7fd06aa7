/**
 * Everything kubectl prints, as pure functions of the objects and the current time (epoch ms).
 * Commands fetch objects and call these; nothing here reads a clock or the store directly.
 */
export { humanDuration, age } from "./duration.js";
export { TabWriter, tableWriter, tabbed, type TabWriterOptions } from "./tabwriter.js";
export { groupKind, schemaGroupKind } from "./tables.js";
export { podSummary, type PodSummary } from "./pod-status.js";
export {
  printGet,
  WatchPrinter,
  type GetSection,
  type GetRequest,
  type Printed,
  type TableOptions,
  type WatchEventType,
} from "./table-printer.js";
export { formatObjects, isTableOutput, type FormatRequest, type Formatted } from "./formats.js";
export { goYaml } from "./yaml.js";
export { goJsonIndent } from "./json.js";
export { parseJsonPath, executeJsonPath, JsonPathError } from "./jsonpath.js";
export { parseGoTemplate, executeGoTemplate, GoTemplateError } from "./gotemplate.js";
export { describe, joinDescriptions } from "./describe.js";
export type { DescribeOptions, ObjectLister } from "./describe-writer.js";
export {
  nameLine,
  deletedLine,
  rolloutHistory,
  rolloutHistoryRevision,
  versionText,
  apiResourcesTable,
  type VersionInfo,
} from "./messages.js";
export { formatLabels } from "./labels.js";
