/** `kubectl describe` for Ingresses, IngressClasses and NetworkPolicies (kubectl pkg/describe). */
import { formatLabelSelector } from "../../api/labels.js";
import type { EndpointSlice, Ingress, IngressBackend, IngressClass, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, Service } from "../../api/types.js";
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

/** metav1.Time's String(): Go's time.Time format (`2024-01-01 00:00:00 +0000 UTC`). */
function goTimeString(timestamp: string | undefined): string {
  return timestamp === undefined ? "0001-01-01 00:00:00 +0000 UTC" : `${timestamp.replace("T", " ").replace("Z", "")} +0000 UTC`;
}

const INDENT = "    ";

/** printNetworkPolicySpecIngressFrom / EgressTo: ports, then peers, rules separated by dashes. */
function writePolicyRules(
  w: DescribeWriter,
  rules: readonly { ports?: NetworkPolicyPort[]; peers?: NetworkPolicyPeer[] }[],
  direction: "ingress" | "egress",
): void {
  const [peerTitle, anyPeer] = direction === "ingress" ? ["From", "traffic not restricted by source"] : ["To", "traffic not restricted by destination"];
  if (rules.length === 0) {
    w.write(0, `${INDENT}<none> (Selected pods are isolated for ${direction} connectivity)\n`);
    return;
  }
  rules.forEach((rule, i) => {
    const ports = rule.ports ?? [];
    if (ports.length === 0) w.write(0, `${INDENT}To Port: <any> (traffic allowed to all ports)\n`);
    for (const port of ports) w.write(0, `${INDENT}To Port: ${port.port ?? "<nil>"}/${port.protocol ?? "TCP"}\n`);
    const peers = rule.peers ?? [];
    if (peers.length === 0) w.write(0, `${INDENT}${peerTitle}: <any> (${anyPeer})\n`);
    for (const peer of peers) {
      w.write(0, `${INDENT}${peerTitle}:\n`);
      if (peer.namespaceSelector !== undefined) w.write(1, `${INDENT}NamespaceSelector: ${formatLabelSelector(peer.namespaceSelector)}\n`);
      if (peer.podSelector !== undefined) w.write(1, `${INDENT}PodSelector: ${formatLabelSelector(peer.podSelector)}\n`);
      if (peer.podSelector === undefined && peer.namespaceSelector === undefined && peer.ipBlock !== undefined) {
        w.write(1, `${INDENT}IPBlock:\n`);
        w.write(2, `${INDENT}CIDR: ${peer.ipBlock.cidr}\n`);
        w.write(2, `${INDENT}Except: ${(peer.ipBlock.except ?? []).join(", ")}\n`);
      }
    }
    if (i !== rules.length - 1) w.write(0, `${INDENT}----------\n`);
  });
}

/** describeNetworkPolicy; the describer prints no events for a NetworkPolicy. */
export function describeNetworkPolicy(np: NetworkPolicy): string {
  const w = new DescribeWriter();
  const spec = np.spec;
  w.write(0, `Name:\t${np.metadata.name}\n`);
  w.write(0, `Namespace:\t${np.metadata.namespace}\n`);
  w.write(0, `Created on:\t${goTimeString(np.metadata.creationTimestamp)}\n`);
  writeLabels(w, "Labels", np.metadata.labels);
  writeAnnotations(w, "Annotations", np.metadata.annotations);
  w.write(0, "Spec:\n");
  w.write(1, "PodSelector: ");
  const selector = spec.podSelector;
  const empty = Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
  w.write(2, empty ? "<none> (Allowing the specific traffic to all pods in this namespace)\n" : `${formatLabelSelector(selector)}\n`);
  const types = spec.policyTypes ?? [];
  if (types.includes("Ingress")) {
    w.write(1, "Allowing ingress traffic:\n");
    writePolicyRules(w, (spec.ingress ?? []).map((r) => ({ ports: r.ports, peers: r.from })), "ingress");
  } else w.write(1, "Not affecting ingress traffic\n");
  if (types.includes("Egress")) {
    w.write(1, "Allowing egress traffic:\n");
    writePolicyRules(w, (spec.egress ?? []).map((r) => ({ ports: r.ports, peers: r.to })), "egress");
  } else w.write(1, "Not affecting egress traffic\n");
  w.write(1, `Policy Types: ${types.join(", ")}\n`);
  return w.text();
}
