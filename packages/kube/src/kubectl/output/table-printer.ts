/**
 * kubectl's human-readable printing of `get` results (cli-runtime tableprinter.go and
 * kubectl get.go): column decoration (NAMESPACE, `-L`, `--show-labels`, `kind/` name prefixes),
 * header rules, one table per resource type separated by blank lines, the "No resources found"
 * message, and the stateful printer `get -w` uses.
 */
import type { KubeObject } from "../../api/types.js";
import { tableWriter, type TabWriter } from "./tabwriter.js";
import { groupKind, tableFor, type Cell } from "./tables.js";
import { formatLabels } from "./labels.js";

export interface TableOptions {
  /** `-o wide`. */
  readonly wide?: boolean;
  readonly noHeaders?: boolean;
  readonly showLabels?: boolean;
  /** `-L key1,key2`. */
  readonly labelColumns?: readonly string[];
  /** Adds the leading NAMESPACE column (`-A`). */
  readonly withNamespace?: boolean;
  /** Prefixes names with `kind.group/`, as kubectl does when several kinds are printed. */
  readonly withKind?: boolean;
}

/** One resource type of a `kubectl get` request, in request order; `objects` may be empty. */
export interface GetSection {
  readonly kind: string;
  readonly namespaced: boolean;
  readonly objects: readonly KubeObject[];
}

export interface GetRequest extends Omit<TableOptions, "withNamespace" | "withKind"> {
  /** The namespace named in "No resources found in <ns> namespace.". */
  readonly namespace: string;
  readonly allNamespaces?: boolean;
}

export interface Printed {
  readonly stdout: string;
  readonly stderr: string;
}

/** `kubectl get` with the default (table) output, including `get all` and `get pods,svc`. */
export function printGet(sections: readonly GetSection[], request: GetRequest, now: number): Printed {
  const withKind = new Set(sections.map((s) => s.kind)).size > 1;
  const w = tableWriter();
  let stdout = "";
  let separatorPending = false;
  sections.forEach((section, i) => {
    stdout += w.flush();
    w.forgetWidths();
    if (i > 0 && !request.noHeaders && stdout.length > 0) separatorPending = true;
    const options = { ...request, withKind, withNamespace: !!request.allNamespaces && section.namespaced };
    const text = tableText(section.kind, section.objects, options, now, !request.noHeaders);
    if (text.length > 0 && separatorPending) {
      stdout += w.flush() + "\n";
      separatorPending = false;
    }
    w.write(text);
  });
  stdout += w.flush();
  if (stdout.length > 0) return { stdout, stderr: "" };
  const allNamespaced = !request.allNamespaces && sections.every((s) => s.namespaced);
  return { stdout, stderr: allNamespaced ? `No resources found in ${request.namespace} namespace.\n` : "No resources found\n" };
}

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED";

/**
 * The printer behind `kubectl get -w`: the header comes once, with the first row; every later
 * call prints rows only, and column widths never shrink, so late rows stay aligned with it.
 */
export class WatchPrinter {
  private readonly writer: TabWriter = tableWriter();
  private printedHeaders = false;

  constructor(
    private readonly kind: string,
    private readonly options: TableOptions & { readonly outputWatchEvents?: boolean },
  ) {}

  /** Prints the initial list (all at once) or one watch event's object. */
  print(objects: readonly KubeObject[], now: number, eventType: WatchEventType = "ADDED"): string {
    const header = !this.options.noHeaders && !this.printedHeaders;
    const event = this.options.outputWatchEvents ? eventType : undefined;
    this.writer.write(tableText(this.kind, objects, this.options, now, header, event));
    if (objects.length > 0) this.printedHeaders = true;
    return this.writer.flush();
  }
}

/** The tab-separated header and rows of one table (cli-runtime `decorateTable` + `printTable`). */
function tableText(
  kind: string,
  objects: readonly KubeObject[],
  options: TableOptions,
  now: number,
  header: boolean,
  eventType?: WatchEventType,
): string {
  if (objects.length === 0) return "";
  const table = tableFor(kind);
  const shown = table.columns.map((c) => options.wide || !c.wide);
  const labelColumns = options.labelColumns ?? [];
  let out = "";
  if (header) {
    const names = [
      ...(eventType ? ["EVENT"] : []),
      ...(options.withNamespace ? ["NAMESPACE"] : []),
      ...table.columns.filter((_, i) => shown[i]).map((c) => c.name.toUpperCase()),
      ...labelColumns.map((l) => l.slice(l.lastIndexOf("/") + 1).toUpperCase()),
      ...(options.showLabels ? ["LABELS"] : []),
    ];
    out += names.join("\t") + "\n";
  }
  for (const obj of objects) {
    const cells = table.row(obj, now).map((cell, i) => {
      const isName = table.columns[i]?.name === "Name";
      return isName && options.withKind ? `${groupKind(obj.kind, obj.apiVersion)}/${cellText(cell)}` : cellText(cell);
    });
    const labels = obj.metadata.labels ?? {};
    const row = [
      ...(eventType ? [eventType.padEnd(8)] : []),
      ...(options.withNamespace ? [obj.metadata.namespace ?? ""] : []),
      ...cells.filter((_, i) => shown[i]),
      ...labelColumns.map((l) => labels[l] ?? ""),
      ...(options.showLabels ? [formatLabels(labels)] : []),
    ];
    out += row.map(truncateAtBreak).join("\t") + "\n";
  }
  return out;
}

function cellText(cell: Cell): string {
  return typeof cell === "string" ? cell : String(cell);
}

/** A cell ends at its first line break, marked with `...`, so one object stays on one line. */
function truncateAtBreak(text: string): string {
  const at = text.search(/[\n\r\f]/);
  return at < 0 ? text : `${text.slice(0, at)}...`;
}
