/** `kubectl describe pod` and `DescribePodTemplate` (also used by `rollout history --revision`). */
import type {
  Container,
  ContainerState,
  ContainerStatus,
  EnvVar,
  Pod,
  PodTemplateSpec,
  Probe,
  ResourceRequirements,
  TopologySpreadConstraint,
  Volume,
} from "../../api/types.js";
import { age } from "./duration.js";
import {
  DescribeWriter,
  cmp,
  rfc1123z,
  writeAnnotations,
  writeEvents,
  writeLabels,
  writeTolerations,
  type DescribeOptions,
  type ObjectLister,
  type PrefixWriter,
  eventsFor,
} from "./describe-writer.js";
import { goQuote } from "./gofmt.js";
import { formatLabelSelector } from "../../api/labels.js";
import { milliValue } from "../../api/quantity.js";
import { quantityOf, quantityText } from "./quantity.js";

export function describePod(pod: Pod, lister: ObjectLister, options: DescribeOptions): string {
  const w = new DescribeWriter();
  const { metadata: meta, spec } = pod;
  const status = pod.status ?? {};
  w.write(0, `Name:\t${meta.name}\n`);
  w.write(0, `Namespace:\t${meta.namespace}\n`);
  if (spec.priority !== undefined) w.write(0, `Priority:\t${spec.priority}\n`);
  if (spec.priorityClassName) w.write(0, `Priority Class Name:\t${spec.priorityClassName}\n`);
  if (spec.serviceAccountName) w.write(0, `Service Account:\t${spec.serviceAccountName}\n`);
  w.write(0, spec.nodeName ? `Node:\t${spec.nodeName}/${status.hostIP ?? ""}\n` : "Node:\t<none>\n");
  if (status.startTime) w.write(0, `Start Time:\t${rfc1123z(status.startTime)}\n`);
  writeLabels(w, "Labels", meta.labels);
  writeAnnotations(w, "Annotations", meta.annotations);
  if (meta.deletionTimestamp && status.phase !== "Failed" && status.phase !== "Succeeded") {
    w.write(0, `Status:\tTerminating (lasts ${age(meta.deletionTimestamp, options.now)})\n`);
    w.write(0, `Termination Grace Period:\t${meta.deletionGracePeriodSeconds ?? 0}s\n`);
  } else {
    w.write(0, `Status:\t${status.phase ?? ""}\n`);
  }
  if (status.reason) w.write(0, `Reason:\t${status.reason}\n`);
  if (status.message) w.write(0, `Message:\t${status.message}\n`);
  w.write(0, `IP:\t${status.podIP ?? ""}\n`);
  const ips = status.podIPs ?? [];
  if (ips.length === 0) w.write(0, "IPs:\t<none>\n");
  else {
    w.write(0, "IPs:\n");
    for (const ip of ips) w.write(1, `IP:\t${ip.ip}\n`);
  }
  const owner = meta.ownerReferences?.find((r) => r.controller);
  if (owner) w.write(0, `Controlled By:\t${owner.kind}/${owner.name}\n`);
  if (status.nominatedNodeName) w.write(0, `NominatedNodeName:\t${status.nominatedNodeName}\n`);
  if ((spec.initContainers ?? []).length > 0) {
    writeContainers(w, "Init Containers", spec.initContainers!, status.initContainerStatuses, pod, "");
  }
  writeContainers(w, "Containers", spec.containers, status.containerStatuses, pod, "");
  if ((spec.ephemeralContainers ?? []).length > 0) {
    writeContainers(w, "Ephemeral Containers", spec.ephemeralContainers!, status.ephemeralContainerStatuses, pod, "");
  }
  const conditions = status.conditions ?? [];
  if (conditions.length > 0) {
    w.write(0, "Conditions:\n  Type\tStatus\n");
    for (const c of conditions) w.write(1, `${c.type} \t${c.status} \n`);
  }
  writeVolumes(w, spec.volumes, "");
  w.write(0, `QoS Class:\t${status.qosClass ?? qosClass(pod)}\n`);
  writeLabels(w, "Node-Selectors", spec.nodeSelector);
  writeTolerations(w, "Tolerations", spec.tolerations);
  writeTopologySpread(w, spec.topologySpreadConstraints, "");
  if (options.showEvents !== false) writeEvents(w, eventsFor(pod, lister), options.now);
  return w.text();
}

/** `DescribePodTemplate` into a describer's writer (indented under `Pod Template:`). */
export function writePodTemplate(w: PrefixWriter, template: PodTemplateSpec | undefined): void {
  w.write(0, "Pod Template:\n");
  if (!template) {
    w.write(1, "<unset>");
    return;
  }
  writeLabels(w, "  Labels", template.metadata?.labels);
  if (Object.keys(template.metadata?.annotations ?? {}).length > 0) writeAnnotations(w, "  Annotations", template.metadata?.annotations);
  if (template.spec.serviceAccountName) w.write(1, `Service Account:\t${template.spec.serviceAccountName}\n`);
  if ((template.spec.initContainers ?? []).length > 0) {
    writeContainers(w, "Init Containers", template.spec.initContainers!, undefined, undefined, "  ");
  }
  writeContainers(w, "Containers", template.spec.containers, undefined, undefined, "  ");
  writeVolumes(w, template.spec.volumes, "  ");
  writeTopologySpread(w, template.spec.topologySpreadConstraints, "  ");
  if (template.spec.priorityClassName) w.write(1, `Priority Class Name:\t${template.spec.priorityClassName}\n`);
  writeLabels(w, "  Node-Selectors", template.spec.nodeSelector);
  writeTolerations(w, "  Tolerations", template.spec.tolerations);
}

/**
 * The template part of `kubectl rollout history <sts> --revision=N`. kubectl writes it through
 * a bare prefix writer, so its tabs reach the terminal unaligned.
 */
export function podTemplateText(template: PodTemplateSpec): string {
  let text = "";
  writePodTemplate({ write: (level, line) => (text += "  ".repeat(level) + line) }, template);
  return text;
}

function writeContainers(
  w: PrefixWriter,
  label: string,
  containers: readonly Container[],
  statuses: readonly ContainerStatus[] | undefined,
  pod: Pod | undefined,
  space: string,
): void {
  const byName = new Map((statuses ?? []).map((s) => [s.name, s]));
  w.write(0, `${space}${label}:${containers.length === 0 ? " <none>" : ""}\n`);
  for (const c of containers) {
    const status = byName.get(c.name);
    w.write(1, `${space ? " " : ""}${c.name}:\n`);
    if (status) w.write(2, `Container ID:\t${status.containerID ?? ""}\n`);
    w.write(2, `Image:\t${c.image ?? ""}\n`);
    if (status) w.write(2, `Image ID:\t${status.imageID}\n`);
    const ports = (c.ports ?? []).map((p) => `${p.containerPort}/${p.protocol ?? "TCP"}`).join(", ");
    w.write(2, ports.includes(",") ? `Ports:\t${ports}\n` : `Port:\t${ports || "<none>"}\n`);
    const hostPorts = (c.ports ?? []).map((p) => `${p.hostPort ?? 0}/${p.protocol ?? "TCP"}`).join(", ");
    w.write(2, hostPorts.includes(",") ? `Host Ports:\t${hostPorts}\n` : `Host Port:\t${hostPorts || "<none>"}\n`);
    writeCommand(w, "Command", c.command);
    writeCommand(w, "Args", c.args);
    if (status) {
      writeState(w, "State", status.state ?? {});
      if (status.lastState?.terminated) writeState(w, "Last State", status.lastState);
      w.write(2, `Ready:\t${status.ready ? "True" : "False"}\n`);
      w.write(2, `Restart Count:\t${status.restartCount}\n`);
    }
    writeResources(w, c.resources, 2);
    if (c.livenessProbe) w.write(2, `Liveness:\t${describeProbe(c.livenessProbe)}\n`);
    if (c.readinessProbe) w.write(2, `Readiness:\t${describeProbe(c.readinessProbe)}\n`);
    if (c.startupProbe) w.write(2, `Startup:\t${describeProbe(c.startupProbe)}\n`);
    if ((c.envFrom ?? []).length > 0) {
      w.write(2, "Environment Variables from:\n");
      for (const e of c.envFrom!) {
        const [from, name, optional] = e.configMapRef
          ? ["ConfigMap", e.configMapRef.name, e.configMapRef.optional ?? false]
          : ["Secret", e.secretRef?.name ?? "", e.secretRef?.optional ?? false];
        const prefix = e.prefix ? ` with prefix '${e.prefix}'` : "";
        w.write(3, `${name}\t${from}${prefix}\tOptional: ${optional}\n`);
      }
    }
    writeEnv(w, c, pod);
    writeMounts(w, c);
  }
}

function writeCommand(w: PrefixWriter, title: string, parts: readonly string[] | undefined): void {
  if (!parts || parts.length === 0) return;
  w.write(2, `${title}:\n`);
  for (const part of parts) for (const line of part.split("\n")) w.write(3, `${line}\n`);
}

function writeState(w: PrefixWriter, title: string, state: ContainerState): void {
  if (state.running) {
    w.write(2, `${title}:\tRunning\n`);
    w.write(3, `Started:\t${rfc1123z(state.running.startedAt)}\n`);
  } else if (state.waiting) {
    w.write(2, `${title}:\tWaiting\n`);
    if (state.waiting.reason) w.write(3, `Reason:\t${state.waiting.reason}\n`);
  } else if (state.terminated) {
    const t = state.terminated;
    w.write(2, `${title}:\tTerminated\n`);
    if (t.reason) w.write(3, `Reason:\t${t.reason}\n`);
    if (t.message) w.write(3, `Message:\t${t.message}\n`);
    w.write(3, `Exit Code:\t${t.exitCode}\n`);
    if ((t.signal ?? 0) > 0) w.write(3, `Signal:\t${t.signal}\n`);
    w.write(3, `Started:\t${rfc1123z(t.startedAt)}\n`);
    w.write(3, `Finished:\t${rfc1123z(t.finishedAt)}\n`);
  } else {
    w.write(2, `${title}:\tWaiting\n`);
  }
}

function writeResources(w: PrefixWriter, resources: ResourceRequirements | undefined, level: number): void {
  for (const [title, list] of [
    ["Limits", resources?.limits],
    ["Requests", resources?.requests],
  ] as const) {
    const names = Object.keys(list ?? {}).sort();
    if (names.length > 0) w.write(level, `${title}:\n`);
    for (const n of names) w.write(level + 1, `${n}:\t${quantityText(list![n])}\n`);
  }
}

/** `DescribeProbe`, with the API server's defaults for fields a manifest leaves out. */
function describeProbe(p: Probe): string {
  const attrs = `delay=${p.initialDelaySeconds ?? 0}s timeout=${p.timeoutSeconds ?? 1}s period=${p.periodSeconds ?? 10}s #success=${p.successThreshold ?? 1} #failure=${p.failureThreshold ?? 3}`;
  if (p.exec) return `exec [${(p.exec.command ?? []).join(" ")}] ${attrs}`;
  if (p.httpGet) {
    const g = p.httpGet;
    const host = g.host ?? "";
    const hostPort = host.includes(":") ? `[${host}]:${g.port}` : `${host}:${g.port}`;
    return `http-get ${(g.scheme ?? "HTTP").toLowerCase()}://${hostPort}${g.path ?? ""} ${attrs}`;
  }
  if (p.tcpSocket) return `tcp-socket ${p.tcpSocket.host ?? ""}:${p.tcpSocket.port} ${attrs}`;
  return `unknown ${attrs}`;
}

function writeEnv(w: PrefixWriter, c: Container, pod: Pod | undefined): void {
  const env = c.env ?? [];
  w.write(2, `Environment:${env.length === 0 ? "\t<none>" : ""}\n`);
  for (const e of env) {
    if (!e.valueFrom) {
      (e.value ?? "").split("\n").forEach((line, i) => w.write(3, i === 0 ? `${e.name}:\t${line}\n` : `\t${line}\n`));
      continue;
    }
    const from = e.valueFrom;
    if (from.fieldRef) {
      const value = pod ? fieldPathValue(pod, from.fieldRef.fieldPath) : "";
      w.write(3, `${e.name}:\t${value} (${from.fieldRef.apiVersion ?? "v1"}:${from.fieldRef.fieldPath})\n`);
    } else if (from.resourceFieldRef) {
      w.write(3, `${e.name}:\t${resourceFieldValue(e, c)} (${from.resourceFieldRef.resource})\n`);
    } else if (from.secretKeyRef) {
      const r = from.secretKeyRef;
      w.write(3, `${e.name}:\t<set to the key '${r.key}' in secret '${r.name}'>\tOptional: ${r.optional ?? false}\n`);
    } else if (from.configMapKeyRef) {
      const r = from.configMapKeyRef;
      w.write(3, `${e.name}:\t<set to the key '${r.key}' of config map '${r.name}'>\tOptional: ${r.optional ?? false}\n`);
    }
  }
}

/** The downward-API fields a pod can expose through `fieldRef`. */
function fieldPathValue(pod: Pod, path: string): string {
  const label = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (label) return pod.metadata[label[1] as "labels" | "annotations"]?.[label[2]!] ?? "";
  const fields: Record<string, string | undefined> = {
    "metadata.name": pod.metadata.name,
    "metadata.namespace": pod.metadata.namespace,
    "metadata.uid": pod.metadata.uid,
    "spec.nodeName": pod.spec.nodeName,
    "spec.serviceAccountName": pod.spec.serviceAccountName,
    "status.hostIP": pod.status?.hostIP,
    "status.podIP": pod.status?.podIP,
  };
  return fields[path] ?? "";
}

function resourceFieldValue(e: EnvVar, c: Container): string {
  const ref = e.valueFrom!.resourceFieldRef!;
  const [kind, name] = ref.resource.split(".") as ["limits" | "requests", string];
  const divisor = milliValue(quantityOf(ref.divisor ?? "1"));
  if (divisor === 0n) return "";
  // The value in units of the divisor, rounded up, as the downward API computes it.
  const value = (milliValue(quantityOf(c.resources?.[kind]?.[name])) + divisor - 1n) / divisor;
  return value === 0n && kind === "limits" && (name === "cpu" || name === "memory") ? "node allocatable" : String(value);
}

function writeMounts(w: PrefixWriter, c: Container): void {
  const mounts = [...(c.volumeMounts ?? [])].sort((a, b) => cmp(a.mountPath, b.mountPath));
  w.write(2, `Mounts:${mounts.length === 0 ? "\t<none>" : ""}\n`);
  for (const m of mounts) {
    const flags = [m.readOnly ? "ro" : "rw", ...(m.subPath ? [`path=${goQuote(m.subPath)}`] : [])];
    w.write(3, `${m.mountPath} from ${m.name} (${flags.join(",")})\n`);
  }
}

function writeVolumes(w: PrefixWriter, volumes: readonly Volume[] | undefined, space: string): void {
  if (!volumes || volumes.length === 0) {
    w.write(0, `${space}Volumes:\t<none>\n`);
    return;
  }
  w.write(0, `${space}Volumes:\n`);
  for (const v of volumes) {
    w.write(1, `${space ? " " : ""}${v.name}:\n`);
    if (v.hostPath) {
      w.write(2, `Type:\tHostPath (bare host directory volume)\n    Path:\t${v.hostPath.path}\n    HostPathType:\t${v.hostPath.type ?? ""}\n`);
    } else if (v.emptyDir) {
      w.write(2, `Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t${v.emptyDir.medium ?? ""}\n    SizeLimit:\t${v.emptyDir.sizeLimit ? quantityText(v.emptyDir.sizeLimit) : "<unset>"}\n`);
    } else if (v.secret) {
      w.write(2, `Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t${v.secret.secretName}\n    Optional:\t${v.secret.optional ?? false}\n`);
    } else if (v.configMap) {
      w.write(2, `Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t${v.configMap.name}\n    Optional:\t${v.configMap.optional ?? false}\n`);
    } else if (v.persistentVolumeClaim) {
      w.write(
        2,
        `Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t${v.persistentVolumeClaim.claimName}\n    ReadOnly:\t${v.persistentVolumeClaim.readOnly ?? false}\n`,
      );
    } else if (v.projected) {
      writeProjected(w, v.projected as ProjectedSource);
    } else if (v.downwardAPI) {
      w.write(2, "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n");
      for (const item of (v.downwardAPI as { items?: DownwardItem[] }).items ?? []) {
        if (item.fieldRef) w.write(3, `${item.fieldRef.fieldPath} -> ${item.path}\n`);
        if (item.resourceFieldRef) w.write(3, `${item.resourceFieldRef.resource} -> ${item.path}\n`);
      }
    } else {
      w.write(1, "<unknown>\n");
    }
  }
}

interface DownwardItem {
  path: string;
  fieldRef?: { fieldPath: string };
  resourceFieldRef?: { resource: string };
}
interface ProjectedSource {
  sources?: {
    secret?: { name: string; optional?: boolean };
    configMap?: { name: string; optional?: boolean };
    downwardAPI?: unknown;
    serviceAccountToken?: { expirationSeconds?: number };
  }[];
}

function writeProjected(w: PrefixWriter, projected: ProjectedSource): void {
  w.write(2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n");
  for (const s of projected.sources ?? []) {
    if (s.secret) w.write(2, `SecretName:\t${s.secret.name}\n    Optional:\t${s.secret.optional ?? false}\n`);
    else if (s.downwardAPI) w.write(2, "DownwardAPI:\ttrue\n");
    else if (s.configMap) w.write(2, `ConfigMapName:\t${s.configMap.name}\n    Optional:\t${s.configMap.optional ?? false}\n`);
    else if (s.serviceAccountToken) w.write(2, `TokenExpirationSeconds:\t${s.serviceAccountToken.expirationSeconds ?? 3600}\n`);
  }
}

function writeTopologySpread(w: PrefixWriter, constraints: readonly TopologySpreadConstraint[] | undefined, space: string): void {
  if (!constraints || constraints.length === 0) return;
  const sorted = [...constraints].sort((a, b) => cmp(a.topologyKey, b.topologyKey));
  w.write(0, `${space}Topology Spread Constraints:\t`);
  sorted.forEach((c, i) => {
    if (i > 0) w.write(0, `${space}\t`);
    const selector = c.labelSelector ? ` for selector ${formatLabelSelector(c.labelSelector)}` : "";
    w.write(0, `${c.topologyKey}:${c.whenUnsatisfiable} when max skew ${c.maxSkew} is exceeded${selector}\n`);
  });
}

/** The QoS class the API server records: Guaranteed, Burstable or BestEffort. */
function qosClass(pod: Pod): string {
  const containers = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    for (const resource of ["cpu", "memory"]) {
      const limit = c.resources?.limits?.[resource];
      const request = c.resources?.requests?.[resource] ?? limit;
      const nonZero = (v: string | number | undefined) => v !== undefined && milliValue(quantityOf(v)) > 0n;
      if (nonZero(request) || nonZero(limit)) any = true;
      if (!nonZero(limit) || quantityText(request) !== quantityText(limit)) guaranteed = false;
    }
  }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}
