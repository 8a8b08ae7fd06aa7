/**
 * The machinery shared by kubectl's describers (kubectl pkg/describe): a prefix writer whose
 * levels indent by two spaces, feeding one tab writer (minwidth 0, padding 2) whose columns end
 * at every line without a tab; the multi-line label, annotation, taint and toleration blocks;
 * RFC 1123 times; and the Events table.
 */
import type { Event, KubeObject, Labels, Taint, Toleration } from "../../api/types.js";
import { LAST_APPLIED } from "../../api/patch.js";
import { parseTime } from "../../api/time.js";
import { age } from "./duration.js";
import { TabWriter } from "./tabwriter.js";

/** Read access to the cluster for describers that show related objects (pods, events...). */
export interface ObjectLister {
  /** Objects of a kind (`Pod`, `Event`, `ReplicaSet`...), in one namespace or in all. */
  list(kind: string, namespace?: string): readonly KubeObject[];
}

export interface DescribeOptions {
  readonly now: number;
  /** `--show-events` (default true). */
  readonly showEvents?: boolean;
}

/** kubectl's PrefixWriter: text written at an indentation level of two spaces per level. */
export interface PrefixWriter {
  write(level: number, text: string): void;
}

export class DescribeWriter implements PrefixWriter {
  private readonly tab = new TabWriter({ minWidth: 0, padding: 2 });
  private out = "";

  /** `w.Write(level, ...)`: the text, indented two spaces per level. */
  write(level: number, text: string): void {
    this.tab.write("  ".repeat(level) + text);
  }

  /** `w.Flush()`: closes every open column, as DescribeEvents does before its table. */
  flush(): void {
    this.out += this.tab.flush();
  }

  text(): string {
    this.flush();
    return this.out;
  }
}

/** `printLabelsMultilineWithIndent`: `Labels:\tk=v` then `\tk2=v2` lines, `<none>` if empty. */
export function writeLabels(w: PrefixWriter, title: string, labels: Labels | undefined, initialIndent = ""): void {
  w.write(0, `${initialIndent}${title}:\t`);
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) {
    w.write(0, "<none>\n");
    return;
  }
  keys.forEach((k, i) => {
    if (i > 0) w.write(0, `${initialIndent}\t`);
    w.write(0, `${k}=${labels![k]}\n`);
  });
}

const MAX_ANNOTATION_LEN = 140;

/** `printAnnotationsMultiline`: skips last-applied-configuration, folds long or multi-line values. */
export function writeAnnotations(w: PrefixWriter, title: string, annotations: Record<string, string> | undefined): void {
  w.write(0, `${title}:\t`);
  const keys = Object.keys(annotations ?? {})
    .filter((k) => k !== LAST_APPLIED)
    .sort();
  if (keys.length === 0) {
    w.write(0, "<none>\n");
    return;
  }
  keys.forEach((key, i) => {
    if (i > 0) w.write(0, "\t");
    const value = annotations![key]!.replace(/\n$/, "");
    if (value.length + key.length + 2 > MAX_ANNOTATION_LEN || value.includes("\n")) {
      w.write(0, `${key}:\n`);
      for (const line of value.split("\n")) {
        const short = line.length > MAX_ANNOTATION_LEN - 2 ? `${line.slice(0, MAX_ANNOTATION_LEN - 2)}...` : line;
        w.write(0, `\t  ${short}\n`);
      }
    } else w.write(0, `${key}: ${value}\n`);
  });
}

/** `printTaintsMultilineWithIndent`: sorted by effect then key, `key=value:Effect`. */
export function writeTaints(w: PrefixWriter, title: string, taints: readonly Taint[] | undefined): void {
  w.write(0, `${title}:\t`);
  const sorted = [...(taints ?? [])].sort((a, b) => cmp(`${a.effect},${a.key}`, `${b.effect},${b.key}`));
  if (sorted.length === 0) {
    w.write(0, "<none>\n");
    return;
  }
  sorted.forEach((t, i) => {
    if (i > 0) w.write(0, "\t");
    w.write(0, `${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}\n`);
  });
}

/** `printTolerationsMultilineWithIndent`: sorted by key, `key=value:Effect op=Exists for 300s`. */
export function writeTolerations(w: PrefixWriter, title: string, tolerations: readonly Toleration[] | undefined, initialIndent = ""): void {
  w.write(0, `${initialIndent}${title}:\t`);
  const sorted = [...(tolerations ?? [])].sort((a, b) => cmp(a.key ?? "", b.key ?? ""));
  if (sorted.length === 0) {
    w.write(0, "<none>\n");
    return;
  }
  sorted.forEach((t, i) => {
    if (i > 0) w.write(0, `${initialIndent}\t`);
    let line = t.key ?? "";
    if (t.value) line += `=${t.value}`;
    if (t.effect) line += `:${t.effect}`;
    if (t.operator === "Exists" && !t.value) line += t.key || t.effect ? " op=Exists" : "op=Exists";
    if (t.tolerationSeconds !== undefined) line += ` for ${t.tolerationSeconds}s`;
    w.write(0, `${line}\n`);
  });
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * Go's `time.RFC1123Z` (`Mon, 02 Jan 2006 15:04:05 -0700`) in UTC. Unset times print as Go's
 * zero time, as kubectl does for an empty metav1.Time.
 */
export function rfc1123z(timestamp: string | null | undefined): string {
  if (!timestamp) return "Mon, 01 Jan 0001 00:00:00 +0000";
  const d = new Date(parseTime(timestamp));
  const two = (n: number) => String(n).padStart(2, "0");
  return `${DAYS[d.getUTCDay()]}, ${two(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

/**
 * kubectl's `searchEvents`: events about the object, by namespace, name, kind and UID. Pods are
 * searched without the kind; nodes also match events whose UID is the node name.
 */
export function eventsFor(obj: KubeObject, lister: ObjectLister): Event[] {
  const { name, namespace, uid } = obj.metadata;
  return (lister.list("Event", namespace) as Event[]).filter((e) => {
    const ref = e.involvedObject;
    if (ref.name !== name || (ref.namespace ?? "") !== (namespace ?? "")) return false;
    if (obj.kind !== "Pod" && ref.kind !== obj.kind) return false;
    // Producers that leave the UID out still describe the object; a different UID is an
    // earlier object of the same name.
    return ref.uid === undefined || ref.uid === uid || (obj.kind === "Node" && ref.uid === name);
  });
}

/** `DescribeEvents`: `Events:  <none>`, or the table sorted by last time seen. */
export function writeEvents(w: DescribeWriter, events: readonly Event[], now: number): void {
  if (events.length === 0) {
    w.write(0, "Events:\t<none>\n");
    return;
  }
  w.flush();
  const sorted = [...events].sort((a, b) => eventTime(a) - eventTime(b));
  w.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
  w.write(1, "----\t------\t----\t----\t-------\n");
  for (const e of sorted) {
    const first = e.eventTime ? age(e.eventTime, now) : age(e.firstTimestamp, now);
    const interval = (e.count ?? 0) > 1 ? `${age(e.lastTimestamp, now)} (x${e.count} over ${first})` : first;
    const source = e.source?.component || e.reportingComponent || "";
    w.write(1, `${e.type ?? ""}\t${e.reason ?? ""}\t${interval}\t${source}\t${(e.message ?? "").trim()}\n`);
  }
}

function eventTime(e: Event): number {
  const t = e.lastTimestamp || e.eventTime;
  return t ? parseTime(t) : 0;
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Go's `%v` of a string slice: `[a b]`. */
export function goList(items: readonly string[] | undefined): string {
  return `[${(items ?? []).join(" ")}]`;
}
