/** `kubectl describe` for Services and Endpoints. */
import type { EndpointSlice, Endpoints, Service } from "../../api/types.js";
import {
  DescribeWriter,
  eventsFor,
  writeAnnotations,
  writeEvents,
  writeLabels,
  type DescribeOptions,
  type ObjectLister,
} from "./describe-writer.js";
import { formatLabels } from "./labels.js";
import { joinHostPort } from "./tables.js";

export function describeService(svc: Service, lister: ObjectLister, options: DescribeOptions): string {
  const w = new DescribeWriter();
  const spec = svc.spec;
  const slices = (lister.list("EndpointSlice", svc.metadata.namespace) as EndpointSlice[]).filter(
    (s) => s.metadata.labels?.["kubernetes.io/service-name"] === svc.metadata.name,
  );
  w.write(0, `Name:\t${svc.metadata.name}\n`);
  w.write(0, `Namespace:\t${svc.metadata.namespace}\n`);
  writeLabels(w, "Labels", svc.metadata.labels);
  writeAnnotations(w, "Annotations", svc.metadata.annotations);
  w.write(0, `Selector:\t${formatLabels(spec.selector)}\n`);
  w.write(0, `Type:\t${spec.type ?? "ClusterIP"}\n`);
  if (spec.ipFamilyPolicy) w.write(0, `IP Family Policy:\t${spec.ipFamilyPolicy}\n`);
  w.write(0, `IP Families:\t${(spec.ipFamilies ?? []).join(",") || "<none>"}\n`);
  w.write(0, `IP:\t${spec.clusterIP ?? ""}\n`);
  w.write(0, `IPs:\t${(spec.clusterIPs ?? []).join(",") || "<none>"}\n`);
  if ((spec.externalIPs ?? []).length > 0) w.write(0, `External IPs:\t${spec.externalIPs!.join(",")}\n`);
  if (spec.externalName) w.write(0, `External Name:\t${spec.externalName}\n`);
  const ingress = svc.status?.loadBalancer?.ingress ?? [];
  if (ingress.length > 0) w.write(0, `LoadBalancer Ingress:\t${ingress.map((i) => i.ip || i.hostname || "").join(", ")}\n`);
  for (const p of spec.ports ?? []) {
    const name = p.name || "<unset>";
    const protocol = p.protocol ?? "TCP";
    w.write(0, `Port:\t${name}\t${p.port}/${protocol}\n`);
    w.write(0, `TargetPort:\t${p.targetPort ?? p.port}/${protocol}\n`);
    if (p.nodePort) w.write(0, `NodePort:\t${name}\t${p.nodePort}/${protocol}\n`);
    w.write(0, `Endpoints:\t${formatEndpointSlices(slices, p.name ?? "")}\n`);
  }
  w.write(0, `Session Affinity:\t${spec.sessionAffinity ?? "None"}\n`);
  if (spec.externalTrafficPolicy) w.write(0, `External Traffic Policy:\t${spec.externalTrafficPolicy}\n`);
  if (spec.internalTrafficPolicy) w.write(0, `Internal Traffic Policy:\t${spec.internalTrafficPolicy}\n`);
  if (options.showEvents !== false) writeEvents(w, eventsFor(svc, lister), options.now);
  return w.text();
}

/** `formatEndpointSlices` for one service port: ready addresses as `ip:port`, at most three. */
export function formatEndpointSlices(slices: readonly EndpointSlice[], portName: string): string {
  if (slices.length === 0) return "<none>";
  const list: string[] = [];
  let count = 0;
  let more = false;
  // kubectl notes "more" as soon as the list is full, before it skips endpoints not ready.
  const visit = (endpoint: EndpointSlice["endpoints"][number], text: string) => {
    if (list.length === 3) more = true;
    if (endpoint.conditions?.ready === false) return;
    if (!more) list.push(text);
    count++;
  };
  for (const slice of slices) {
    if ((slice.ports ?? []).length === 0) {
      for (const e of slice.endpoints) visit(e, e.addresses[0]!);
      continue;
    }
    for (const port of slice.ports!) {
      if ((port.name ?? "") !== portName) continue;
      for (const e of slice.endpoints) visit(e, joinHostPort(e.addresses[0]!, port.port));
    }
  }
  return more ? `${list.join(",")} + ${count - 3} more...` : list.join(",");
}

export function describeEndpoints(ep: Endpoints, lister: ObjectLister, options: DescribeOptions): string {
  const w = new DescribeWriter();
  w.write(0, `Name:\t${ep.metadata.name}\n`);
  w.write(0, `Namespace:\t${ep.metadata.namespace}\n`);
  writeLabels(w, "Labels", ep.metadata.labels);
  writeAnnotations(w, "Annotations", ep.metadata.annotations);
  w.write(0, "Subsets:\n");
  for (const subset of ep.subsets ?? []) {
    w.write(1, `Addresses:\t${(subset.addresses ?? []).map((a) => a.ip).join(",") || "<none>"}\n`);
    w.write(1, `NotReadyAddresses:\t${(subset.notReadyAddresses ?? []).map((a) => a.ip).join(",") || "<none>"}\n`);
    if ((subset.ports ?? []).length > 0) {
      w.write(1, "Ports:\n");
      w.write(2, "Name\tPort\tProtocol\n");
      w.write(2, "----\t----\t--------\n");
      for (const p of subset.ports!) w.write(2, `${p.name || "<unset>"}\t${p.port}\t${p.protocol ?? "TCP"}\n`);
    }
    w.write(0, "\n");
  }
  if (options.showEvents !== false) writeEvents(w, eventsFor(ep, lister), options.now);
  return w.text();
}
