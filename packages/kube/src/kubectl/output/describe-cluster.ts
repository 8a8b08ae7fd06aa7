/** `kubectl describe` for Nodes, Namespaces, PodDisruptionBudgets, Secrets and ConfigMaps. */
import type { ConfigMap, KubeObject, Lease, Namespace, Node, Pod, PodDisruptionBudget, Secret } from "../../api/types.js";
import { age } from "./duration.js";
import {
  DescribeWriter,
  eventsFor,
  rfc1123z,
  writeAnnotations,
  writeEvents,
  writeLabels,
  writeTaints,
  type DescribeOptions,
  type ObjectLister,
} from "./describe-writer.js";
import { formatLabelSelector } from "../../api/labels.js";
import { addQuantity, compareQuantity, formatQuantity, milliValue, quantityValue, type Quantity } from "../../api/quantity.js";
import { quantityOf, quantityText } from "./quantity.js";
import { nodeRoles } from "./tables.js";


export function describeNode(node: Node, lister: ObjectLister, options: DescribeOptions): string {
  const w = new DescribeWriter();
  const name = node.metadata.name!;
  const status = node.status ?? {};
  w.write(0, `Name:\t${name}\n`);
  w.write(0, `Roles:\t${nodeRoles(node).join(",") || "<none>"}\n`);
  writeLabels(w, "Labels", node.metadata.labels);
  writeAnnotations(w, "Annotations", node.metadata.annotations);
  w.write(0, `CreationTimestamp:\t${rfc1123z(node.metadata.creationTimestamp)}\n`);
  writeTaints(w, "Taints", node.spec.taints);
  w.write(0, `Unschedulable:\t${node.spec.unschedulable ?? false}\n`);
  const lease = lister.list("Lease", "kube-node-lease").find((l) => l.metadata.name === name);
  if (!lease) w.write(0, `Lease:\tFailed to get lease: leases.coordination.k8s.io "${name}" not found\n`);
  else {
    const spec = (lease as Lease).spec ?? {};
    w.write(0, "Lease:\n");
    w.write(1, `HolderIdentity:\t${spec.holderIdentity ?? "<unset>"}\n`);
    w.write(1, `AcquireTime:\t${spec.acquireTime ? rfc1123z(spec.acquireTime) : "<unset>"}\n`);
    w.write(1, `RenewTime:\t${spec.renewTime ? rfc1123z(spec.renewTime) : "<unset>"}\n`);
  }
  const conditions = status.conditions ?? [];
  if (conditions.length > 0) {
    w.write(0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n");
    w.write(1, "----\t------\t-----------------\t------------------\t------\t-------\n");
    for (const c of conditions) {
      w.write(1, `${c.type} \t${c.status} \t${rfc1123z(c.lastHeartbeatTime)} \t${rfc1123z(c.lastTransitionTime)} \t${c.reason ?? ""} \t${c.message ?? ""}\n`);
    }
  }
  w.write(0, "Addresses:\n");
  for (const a of status.addresses ?? []) w.write(1, `${a.type}:\t${a.address}\n`);
  for (const [title, list] of [
    ["Capacity", status.capacity],
    ["Allocatable", status.allocatable],
  ] as const) {
    const keys = Object.keys(list ?? {}).sort();
    if (keys.length === 0) continue;
    w.write(0, `${title}:\n`);
    for (const k of keys) w.write(0, `  ${k}:\t${quantityText(list![k])}\n`);
  }
  const info = status.nodeInfo;
  w.write(0, "System Info:\n");
  w.write(0, `  Machine ID:\t${info?.machineID ?? ""}\n`);
  w.write(0, `  System UUID:\t${info?.systemUUID ?? ""}\n`);
  w.write(0, `  Boot ID:\t${info?.bootID ?? ""}\n`);
  w.write(0, `  Kernel Version:\t${info?.kernelVersion ?? ""}\n`);
  w.write(0, `  OS Image:\t${info?.osImage ?? ""}\n`);
  w.write(0, `  Operating System:\t${info?.operatingSystem ?? ""}\n`);
  w.write(0, `  Architecture:\t${info?.architecture ?? ""}\n`);
  w.write(0, `  Container Runtime Version:\t${info?.containerRuntimeVersion ?? ""}\n`);
  w.write(0, `  Kubelet Version:\t${info?.kubeletVersion ?? ""}\n`);
  w.write(0, `  Kube-Proxy Version:\t${info?.kubeProxyVersion ?? ""}\n`);
  if (node.spec.podCIDR) w.write(0, `PodCIDR:\t${node.spec.podCIDR}\n`);
  if ((node.spec.podCIDRs ?? []).length > 0) w.write(0, `PodCIDRs:\t${node.spec.podCIDRs!.join(",")}\n`);
  if (node.spec.providerID) w.write(0, `ProviderID:\t${node.spec.providerID}\n`);
  const pods = (lister.list("Pod") as Pod[]).filter(
    (p) => p.spec.nodeName === name && p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed",
  );
  writeNodeResources(w, node, pods, options.now);
  if (options.showEvents !== false) writeEvents(w, eventsFor(node, lister), options.now);
  return w.text();
}

type ResourceTotals = Map<string, Quantity>;

/** `resourcehelper.PodRequestsAndLimits`: containers summed, init containers as a floor. */
function podRequestsAndLimits(pod: Pod): [ResourceTotals, ResourceTotals] {
  const totals: [ResourceTotals, ResourceTotals] = [new Map(), new Map()];
  const add = (into: ResourceTotals, name: string, q: Quantity) => into.set(name, into.has(name) ? addQuantity(into.get(name)!, q) : q);
  const floor = (into: ResourceTotals, name: string, q: Quantity) => {
    if (!into.has(name) || compareQuantity(into.get(name)!, q) < 0) into.set(name, q);
  };
  for (const [containers, combine] of [
    [pod.spec.containers, add],
    [pod.spec.initContainers ?? [], floor],
  ] as const) {
    for (const c of containers) {
      // The API server defaults a missing request to the limit.
      const requests = { ...(c.resources?.limits ?? {}), ...(c.resources?.requests ?? {}) };
      for (const [i, list] of [requests, c.resources?.limits ?? {}].entries()) {
        for (const [k, v] of Object.entries(list)) combine(totals[i]!, k, quantityOf(v));
      }
    }
  }
  return totals;
}

/** CPU is compared in milli-units, everything else in whole units rounded up, as kubectl does. */
function amount(q: Quantity, resource: string): number {
  return resource === "cpu" ? Number(milliValue(q)) : Math.ceil(quantityValue(q));
}

function writeNodeResources(w: DescribeWriter, node: Node, pods: readonly Pod[], now: number): void {
  w.write(0, `Non-terminated Pods:\t(${pods.length} in total)\n`);
  w.write(1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n");
  w.write(1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n");
  const allocatable = Object.keys(node.status?.allocatable ?? {}).length > 0 ? node.status!.allocatable! : (node.status?.capacity ?? {});
  const cell = (totals: ResourceTotals, resource: string) => {
    const q = totals.get(resource) ?? quantityOf("0");
    const of = amount(quantityOf(allocatable[resource]), resource);
    const pct = of === 0 ? 0 : Math.trunc((amount(q, resource) / of) * 100);
    return `${formatQuantity(q)} (${pct}%)`;
  };
  const requests: ResourceTotals = new Map();
  const limits: ResourceTotals = new Map();
  for (const pod of pods) {
    const [req, lim] = podRequestsAndLimits(pod);
    for (const [from, into] of [
      [req, requests],
      [lim, limits],
    ] as const) {
      for (const [k, q] of from) into.set(k, into.has(k) ? addQuantity(into.get(k)!, q) : q);
    }
    w.write(
      1,
      `${pod.metadata.namespace}\t${pod.metadata.name}\t\t${cell(req, "cpu")}\t${cell(lim, "cpu")}\t${cell(req, "memory")}\t${cell(lim, "memory")}\t${age(pod.metadata.creationTimestamp, now)}\n`,
    );
  }
  w.write(0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n");
  w.write(1, "Resource\tRequests\tLimits\n");
  w.write(1, "--------\t--------\t------\n");
  for (const resource of ["cpu", "memory", "ephemeral-storage", ...Object.keys(allocatable).filter((k) => k.startsWith("hugepages-")).sort()]) {
    w.write(1, `${resource}\t${cell(requests, resource)}\t${cell(limits, resource)}\n`);
  }
}

export function describeNamespace(ns: Namespace): string {
  const w = new DescribeWriter();
  w.write(0, `Name:\t${ns.metadata.name}\n`);
  writeLabels(w, "Labels", ns.metadata.labels);
  writeAnnotations(w, "Annotations", ns.metadata.annotations);
  w.write(0, `Status:\t${ns.status?.phase ?? ""}\n`);
  const conditions = ns.status?.conditions ?? [];
  if (conditions.length > 0) {
    w.write(0, "Conditions:\n");
    w.write(1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n");
    w.write(1, "----\t------\t------------------\t------\t-------\n");
    for (const c of conditions) w.write(1, `${c.type}\t${c.status}\t${rfc1123z(c.lastTransitionTime)}\t${c.reason ?? ""}\t${c.message ?? ""}\n`);
  }
  // ksim has no ResourceQuota or LimitRange objects: kubectl's texts for empty lists.
  w.write(0, "\n");
  w.write(0, "No resource quota.\n");
  w.write(0, "\n");
  w.write(0, "No LimitRange resource.\n");
  return w.text();
}

export function describePodDisruptionBudget(pdb: PodDisruptionBudget, lister: ObjectLister, options: DescribeOptions): string {
  const w = new DescribeWriter();
  w.write(0, `Name:\t${pdb.metadata.name}\n`);
  w.write(0, `Namespace:\t${pdb.metadata.namespace}\n`);
  if (pdb.spec.minAvailable !== undefined) w.write(0, `Min available:\t${pdb.spec.minAvailable}\n`);
  else if (pdb.spec.maxUnavailable !== undefined) w.write(0, `Max unavailable:\t${pdb.spec.maxUnavailable}\n`);
  w.write(0, `Selector:\t${pdb.spec.selector ? formatLabelSelector(pdb.spec.selector) : "<unset>"}\n`);
  w.write(0, "Status:\n");
  w.write(2, `Allowed disruptions:\t${pdb.status?.disruptionsAllowed ?? 0}\n`);
  w.write(2, `Current:\t${pdb.status?.currentHealthy ?? 0}\n`);
  w.write(2, `Desired:\t${pdb.status?.desiredHealthy ?? 0}\n`);
  w.write(2, `Total:\t${pdb.status?.expectedPods ?? 0}\n`);
  if (options.showEvents !== false) writeEvents(w, eventsFor(pdb, lister), options.now);
  return w.text();
}

export function describeSecret(secret: Secret): string {
  const w = new DescribeWriter();
  writeHeader(w, secret);
  w.write(0, `\nType:\t${secret.type ?? "Opaque"}\n`);
  w.write(0, "\nData\n====\n");
  // Go ranges over the map in random order; ksim keeps it stable by sorting.
  for (const key of Object.keys(secret.data ?? {}).sort()) {
    const bytes = Buffer.from(secret.data![key]!, "base64");
    const text = key === "token" && secret.type === "kubernetes.io/service-account-token" ? bytes.toString("utf8") : `${bytes.length} bytes`;
    w.write(0, `${key}:\t${text}\n`);
  }
  return w.text();
}

export function describeConfigMap(cm: ConfigMap, lister: ObjectLister, options: DescribeOptions): string {
  const w = new DescribeWriter();
  writeHeader(w, cm);
  w.write(0, "\nData\n====\n");
  for (const key of Object.keys(cm.data ?? {}).sort()) {
    w.write(0, `${key}:\n----\n`);
    w.write(0, `${cm.data![key]}\n`);
    w.write(0, "\n");
  }
  w.write(0, "\nBinaryData\n====\n");
  for (const key of Object.keys(cm.binaryData ?? {}).sort()) {
    w.write(0, `${key}: ${Buffer.from(cm.binaryData![key]!, "base64").length} bytes\n`);
  }
  w.write(0, "\n");
  if (options.showEvents !== false) writeEvents(w, eventsFor(cm, lister), options.now);
  return w.text();
}

function writeHeader(w: DescribeWriter, obj: KubeObject): void {
  w.write(0, `Name:\t${obj.metadata.name}\n`);
  w.write(0, `Namespace:\t${obj.metadata.namespace}\n`);
  writeLabels(w, "Labels", obj.metadata.labels);
  writeAnnotations(w, "Annotations", obj.metadata.annotations);
}
