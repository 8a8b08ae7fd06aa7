/** `kubectl describe` for Ingresses and IngressClasses (kubectl pkg/describe IngressDescriber, IngressClassDescriber). */
import type { EndpointSlice, Ingress, IngressBackend, IngressClass, Service } from "../../api/types.js";
import { formatEndpointSlices } from "./describe-services.js";
import { DescribeWriter, eventsFor, writeAnnotations, writeEvents, writeLabels, type DescribeOptions, type ObjectLister } from "./describe-writer.js";
import { ingressAddress } from "./tables.js";

/** describeBackendV1: `svc:port (endpoints)`, the service's lookup error, or a resource backend. */
function describeBackend(ns: string, backend: IngressBackend, lister: ObjectLister): string {
  const service = backend.service;
  if (service !== undefined) {
    const port = service.port?.number ? String(service.port.number) : (service.port?.name ?? "");
    const sb = `${service.name}:${port}`;
    const svc = (lister.list("Service", ns) as Service[]).find((s) => s.metadata.name === service.name);
    if (svc === undefined) return `${sb} (<error: services "${service.name}" not found>)`;
    let portName = "";
    for (const sp of svc.spec.ports ?? []) {
      if (service.port?.number && service.port.number === sp.port) portName = sp.name ?? "";
      else if (service.port?.name && service.port.name === sp.name) portName = sp.name;
    }
    const slices = (lister.list("EndpointSlice", ns) as EndpointSlice[]).filter((s) => s.metadata.labels?.["kubernetes.io/service-name"] === service.name);
    return `${sb} (${formatEndpointSlices(slices, portName)})`;
  }
  const r = backend.resource;
  if (r !== undefined) return `APIGroup: ${r.apiGroup ?? "<none>"}, Kind: ${r.kind}, Name: ${r.name}`;
  return "";
}

export function describeIngress(ing: Ingress, lister: ObjectLister, options: DescribeOptions): string {
  const w = new DescribeWriter();
  const ns = ing.metadata.namespace ?? "";
  const spec = ing.spec;
  w.write(0, `Name:\t${ing.metadata.name}\n`);
  writeLabels(w, "Labels", ing.metadata.labels);
  w.write(0, `Namespace:\t${ns}\n`);
  w.write(0, `Address:\t${ingressAddress(ing, true)}\n`);
  w.write(0, `Ingress Class:\t${spec.ingressClassName ?? "<none>"}\n`);
  const defaultBackend = spec.defaultBackend === undefined ? "<default>" : describeBackend(ns, spec.defaultBackend, lister);
  w.write(0, `Default backend:\t${defaultBackend}\n`);
  if ((spec.tls ?? []).length > 0) {
    w.write(0, "TLS:\n");
    for (const t of spec.tls!) {
      const hosts = (t.hosts ?? []).join(",");
      w.write(1, t.secretName ? `${t.secretName} terminates ${hosts}\n` : `SNI routes ${hosts}\n`);
    }
  }
  w.write(0, "Rules:\n  Host\tPath\tBackends\n");
  w.write(1, "----\t----\t--------\n");
  let count = 0;
  for (const rule of spec.rules ?? []) {
    if (rule.http === undefined) continue;
    count++;
    w.write(1, `${rule.host || "*"}\t\n`);
    for (const p of rule.http.paths) w.write(2, `\t${p.path ?? ""} \t${describeBackend(ns, p.backend, lister)}\n`);
  }
  if (count === 0) w.write(1, `*\t*\t${defaultBackend}\n`);
  writeAnnotations(w, "Annotations", ing.metadata.annotations);
  if (options.showEvents !== false) writeEvents(w, eventsFor(ing, lister), options.now);
  return w.text();
}

export function describeIngressClass(ic: IngressClass, lister: ObjectLister, options: DescribeOptions): string {
  const w = new DescribeWriter();
  w.write(0, `Name:\t${ic.metadata.name}\n`);
  writeLabels(w, "Labels", ic.metadata.labels);
  writeAnnotations(w, "Annotations", ic.metadata.annotations);
  w.write(0, `Controller:\t${ic.spec.controller ?? ""}\n`);
  const p = ic.spec.parameters;
  if (p !== undefined) {
    w.write(0, "Parameters:\n");
    if (p.apiGroup !== undefined) w.write(1, `APIGroup:\t${p.apiGroup}\n`);
    w.write(1, `Kind:\t${p.kind}\n`);
    w.write(1, `Name:\t${p.name}\n`);
  }
  if (options.showEvents !== false) writeEvents(w, eventsFor(ic, lister), options.now);
  return w.text();
}
