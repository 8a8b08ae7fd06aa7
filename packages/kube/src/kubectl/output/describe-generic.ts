/**
 * `kubectl describe` for EndpointSlices, and kubectl's generic describer for every kind without
 * a describer of its own (ControllerRevision, Event, Lease...): the object's fields, sorted,
 * under labels made from their names (`creationTimestamp` → `Creation Timestamp`).
 */
import type { EndpointSlice, KubeObject } from "../../api/types.js";
import {
  DescribeWriter,
  eventsFor,
  writeAnnotations,
  writeEvents,
  writeLabels,
  type DescribeOptions,
  type ObjectLister,
} from "./describe-writer.js";
import { goSprint, type Json } from "./gofmt.js";
import { normalize } from "./json.js";

export function describeEndpointSlice(slice: EndpointSlice, lister: ObjectLister, options: DescribeOptions): string {
  const w = new DescribeWriter();
  w.write(0, `Name:\t${slice.metadata.name}\n`);
  w.write(0, `Namespace:\t${slice.metadata.namespace}\n`);
  writeLabels(w, "Labels", slice.metadata.labels);
  writeAnnotations(w, "Annotations", slice.metadata.annotations);
  w.write(0, `AddressType:\t${slice.addressType}\n`);
  const ports = slice.ports ?? [];
  if (ports.length === 0) w.write(0, "Ports: <unset>\n");
  else {
    w.write(0, "Ports:\n");
    w.write(1, "Name\tPort\tProtocol\n");
    w.write(1, "----\t----\t--------\n");
    for (const p of ports) w.write(1, `${p.name || "<unset>"}\t${p.port ?? "<unset>"}\t${p.protocol ?? "TCP"}\n`);
  }
  if (slice.endpoints.length === 0) w.write(0, "Endpoints: <none>\n");
  else {
    w.write(0, "Endpoints:\n");
    for (const e of slice.endpoints) {
      w.write(1, `- Addresses:\t${e.addresses.join(", ") || "<none>"}\n`);
      w.write(2, "Conditions:\n");
      w.write(3, `Ready:\t${e.conditions?.ready ?? "<unset>"}\n`);
      w.write(2, `Hostname:\t${e.hostname ?? "<unset>"}\n`);
      if (e.targetRef) w.write(2, `TargetRef:\t${e.targetRef.kind}/${e.targetRef.name}\n`);
      w.write(2, `NodeName:\t${e.nodeName ?? "<unset>"}\n`);
      w.write(2, `Zone:\t${(e as { zone?: string }).zone ?? "<unset>"}\n`);
    }
  }
  if (options.showEvents !== false) writeEvents(w, eventsFor(slice, lister), options.now);
  return w.text();
}

const SKIPPED = [".metadata.managedFields", ".metadata.name", ".metadata.namespace", ".metadata.labels", ".metadata.annotations"];

export function describeGeneric(obj: KubeObject, lister: ObjectLister, options: DescribeOptions): string {
  const w = new DescribeWriter();
  w.write(0, `Name:\t${obj.metadata.name}\n`);
  w.write(0, `Namespace:\t${obj.metadata.namespace ?? ""}\n`);
  writeLabels(w, "Labels", obj.metadata.labels);
  writeAnnotations(w, "Annotations", obj.metadata.annotations);
  writeContent(w, 0, normalize(obj) as { [k: string]: Json }, "");
  if (options.showEvents !== false) writeEvents(w, eventsFor(obj, lister), options.now);
  return w.text();
}

/** `printUnstructuredContent`: maps and lists open a section, scalars get `Label:\tvalue`. */
function writeContent(w: DescribeWriter, level: number, content: { readonly [k: string]: Json }, prefix: string): void {
  for (const field of Object.keys(content).sort()) {
    const path = `${prefix}.${field}`;
    if (SKIPPED.includes(path)) continue;
    const value = content[field]!;
    if (Array.isArray(value)) {
      w.write(level, `${smartLabel(field)}:\n`);
      for (const child of value) {
        if (child !== null && typeof child === "object" && !Array.isArray(child)) writeContent(w, level + 1, child as { [k: string]: Json }, path);
        else w.write(level + 1, `${goSprint(child)}\n`);
      }
    } else if (value !== null && typeof value === "object") {
      w.write(level, `${smartLabel(field)}:\n`);
      writeContent(w, level + 1, value as { [k: string]: Json }, path);
    } else {
      w.write(level, `${smartLabel(field)}:\t${goSprint(value)}\n`);
    }
  }
}

const ACRONYMS = new Set(["API", "URL", "UID", "OSB", "GUID"]);

/** `smartLabelFor`: camel-case words, title-cased, with API, URL, UID, OSB and GUID in capitals. */
function smartLabel(field: string): string {
  if (/[^\p{L}-]/u.test(field)) return field;
  return camelCaseSplit(field)
    .filter((part) => part !== "_")
    .map((part) => (ACRONYMS.has(part.toUpperCase()) ? part.toUpperCase() : part[0]!.toUpperCase() + part.slice(1)))
    .join(" ");
}

/** fatih/camelcase `Split`: runs of one character class, an upper-case letter joining the word it starts. */
function camelCaseSplit(s: string): string[] {
  const kind = (ch: string) => (/\p{Ll}/u.test(ch) ? 1 : /\p{Lu}/u.test(ch) ? 2 : /\p{Nd}/u.test(ch) ? 3 : 4);
  const runs: string[][] = [];
  let last = 0;
  for (const ch of s) {
    const k = kind(ch);
    if (k === last) runs[runs.length - 1]!.push(ch);
    else runs.push([ch]);
    last = k;
  }
  for (let i = 0; i < runs.length - 1; i++) {
    if (kind(runs[i]![0]!) === 2 && kind(runs[i + 1]![0]!) === 1) {
      runs[i + 1]!.unshift(runs[i]!.pop()!);
    }
  }
  return runs.filter((r) => r.length > 0).map((r) => r.join(""));
}
