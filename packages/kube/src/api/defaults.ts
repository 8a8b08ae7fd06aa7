import { canonicalQuantity, formatQuantity, parseQuantity, roundUp } from "./quantity.js";
import { cloneJson } from "./json-value.js";
import type { APIService, Container, JobSpec, KubeObject, Pod, PodSpec, PodTemplateSpec, Probe, Service, Toleration, Volume } from "./types.js";

/**
 * Defaulting as the API server applies it on create and update: the scheme's SetDefaults_*
 * functions of core/v1, apps/v1, storage/v1 (pkg/apis/*\/v1/defaults.go and the declarative
 * defaults), then for pods the admission plugins that fill fields (ServiceAccount,
 * DefaultTolerationSeconds, Priority). Pure: objects are copied, never changed.
 */

type Obj = Record<string, unknown>;

export const RBAC_GROUP = "rbac.authorization.k8s.io";

/** Feature gate MaxUnavailableStatefulSet: beta and on by default from 1.35. */
const STATEFULSET_MAX_UNAVAILABLE = true;

/** The scheme defaults of an object (what every create and update goes through). */
export function setDefaults<T extends KubeObject>(input: T): T {
  return applyDefaults(cloneJson(input));
}

/**
 * setDefaults on an object the caller owns, changed in place: admission's freshly decoded
 * objects need no second copy.
 */
export function applyDefaults<T extends KubeObject>(owned: T): T {
  const obj = owned as KubeObject;
  switch (`${obj.apiVersion} ${obj.kind}`) {
    case "v1 Pod":
      defaultPod(obj as Pod);
      break;
    case "v1 Service":
      defaultService(obj as Service);
      break;
    case "v1 Endpoints":
      for (const ss of (obj.subsets as { ports?: { protocol?: string }[] }[] | undefined) ?? []) for (const p of ss.ports ?? []) p.protocol ??= "TCP";
      break;
    case "discovery.k8s.io/v1 EndpointSlice":
      for (const p of (obj.ports as { name?: string; protocol?: string }[] | undefined) ?? []) {
        p.name ??= "";
        p.protocol ??= "TCP";
      }
      break;
    case "v1 Namespace":
      defaultNamespace(obj);
      break;
    case "v1 Secret": {
      obj.type ??= "Opaque";
      // The v1 to internal conversion: stringData overwrites data and is never stored.
      const stringData = obj.stringData as Record<string, string> | undefined;
      if (stringData !== undefined) {
        const encoded = Object.entries(stringData).map(([k, v]) => [k, Buffer.from(v, "utf8").toString("base64")]);
        if (encoded.length > 0) obj.data = { ...((obj.data as Record<string, string> | undefined) ?? {}), ...Object.fromEntries(encoded) };
        delete obj.stringData;
      }
      break;
    }
    case "v1 PersistentVolume": {
      const spec = (obj.spec ??= {}) as Obj;
      spec.persistentVolumeReclaimPolicy ??= "Retain";
      spec.volumeMode ??= "Filesystem";
      if (spec.capacity) spec.capacity = roundResourceList(spec.capacity as Record<string, string>);
      const status = (obj.status ??= {}) as Obj;
      status.phase ??= "Pending";
      break;
    }
    case "v1 PersistentVolumeClaim":
      defaultClaim(obj);
      break;
    case "v1 Node": {
      const status = obj.status as Obj | undefined;
      if (status?.capacity && status.allocatable === undefined) status.allocatable = { ...(status.capacity as Obj) };
      break;
    }
    case "apps/v1 StatefulSet":
      defaultStatefulSet(obj);
      break;
    case "apps/v1 Deployment":
      defaultDeployment(obj);
      break;
    case "apps/v1 DaemonSet":
      defaultDaemonSet(obj);
      break;
    case "apps/v1 ReplicaSet": {
      const spec = (obj.spec ??= {}) as Obj;
      spec.replicas ??= 1;
      defaultTemplate(spec.template as PodTemplateSpec | undefined);
      break;
    }
    case "batch/v1 Job":
      defaultJob(obj);
      break;
    case "batch/v1 CronJob": {
      // SetDefaults_CronJob; the Job template's own defaults wait for the Jobs it makes.
      const spec = (obj.spec ??= {}) as Obj;
      spec.concurrencyPolicy ??= "Allow";
      spec.suspend ??= false;
      spec.successfulJobsHistoryLimit ??= 3;
      spec.failedJobsHistoryLimit ??= 1;
      defaultTemplate(((spec.jobTemplate as Obj | undefined)?.spec as Obj | undefined)?.template as PodTemplateSpec | undefined);
      break;
    }
    case "networking.k8s.io/v1 IngressClass": {
      // SetDefaults_IngressClass; an Ingress has no defaults (pathType must be given).
      const parameters = (obj.spec as Obj | undefined)?.parameters as Obj | undefined;
      if (parameters !== undefined) parameters.scope ??= "Cluster";
      break;
    }
    case "apiregistration.k8s.io/v1 APIService": {
      // SetDefaults_ServiceReference: port 443.
      const ref = (obj as APIService).spec.service;
      if (ref != null) ref.port ??= 443;
      break;
    }
    case "autoscaling/v2 HorizontalPodAutoscaler":
      defaultHorizontalPodAutoscaler(obj);
      break;
    case "networking.k8s.io/v1 NetworkPolicy":
      defaultNetworkPolicy(obj);
      break;
    case "rbac.authorization.k8s.io/v1 RoleBinding":
    case "rbac.authorization.k8s.io/v1 ClusterRoleBinding":
      defaultBinding(obj);
      break;
    case "storage.k8s.io/v1 StorageClass":
      obj.reclaimPolicy ??= "Delete";
      obj.volumeBindingMode ??= "Immediate";
      break;
  }
  return obj as T;
}

/**
 * SetDefaults_HorizontalPodAutoscaler (autoscaling/v2): minReplicas 1, a CPU utilization target of
 * 80% when no metric is given, and, only when a behavior is given, its missing scale-up and
 * scale-down rules (GenerateHPAScaleUpRules / GenerateHPAScaleDownRules).
 */
function defaultHorizontalPodAutoscaler(hpa: KubeObject): void {
  const spec = (hpa.spec ??= {}) as Obj;
  spec.minReplicas ??= 1;
  if (((spec.metrics as Obj[] | undefined) ?? []).length === 0) {
    spec.metrics = [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } } }];
  }
  const behavior = spec.behavior as Obj | undefined;
  if (behavior === undefined) return;
  const rules = (given: Obj | undefined, window: number | undefined, policies: Obj[]): Obj => ({
    ...given,
    ...(given?.stabilizationWindowSeconds !== undefined || window !== undefined ? { stabilizationWindowSeconds: given?.stabilizationWindowSeconds ?? window } : {}),
    selectPolicy: given?.selectPolicy ?? "Max",
    policies: given?.policies ?? policies,
  });
  behavior.scaleUp = rules(behavior.scaleUp as Obj | undefined, 0, [
    { type: "Pods", value: 4, periodSeconds: 15 },
    { type: "Percent", value: 100, periodSeconds: 15 },
  ]);
  // The scale-down window stays unset: the controller takes it from its --horizontal-pod-autoscaler-downscale-stabilization flag.
  behavior.scaleDown = rules(behavior.scaleDown as Obj | undefined, undefined, [{ type: "Percent", value: 100, periodSeconds: 15 }]);
}

/**
 * Go decodes `policies: []` into an empty, non-nil slice, which GenerateHPAScale*Rules keeps (it
 * replaces only nil) and validation then refuses; ksim's decoding leaves out empty lists as Go's
 * encoding does, so defaulting would have filled them. An HPA whose input named an empty list of
 * policies gets it back here, after defaulting.
 */
export function keepExplicitEmptyPolicies<T extends KubeObject>(input: KubeObject, defaulted: T): T {
  if (input.kind !== "HorizontalPodAutoscaler") return defaulted;
  const given = (input.spec as Obj | undefined)?.behavior as Obj | undefined;
  const behavior = (defaulted.spec as Obj | undefined)?.behavior as Obj | undefined;
  if (given == null || behavior === undefined) return defaulted;
  for (const direction of ["scaleUp", "scaleDown"]) {
    const policies = (given[direction] as Obj | undefined)?.policies;
    if (Array.isArray(policies) && policies.length === 0) (behavior[direction] as Obj).policies = [];
  }
  return defaulted;
}

/**
 * SetDefaults_NetworkPolicy and SetDefaults_NetworkPolicyPort: a policy without policyTypes
 * affects ingress, and egress too when it has egress rules; a port's protocol is TCP.
 */
function defaultNetworkPolicy(np: KubeObject): void {
  const spec = (np.spec ??= {}) as Obj;
  const ingress = (spec.ingress as Obj[] | undefined) ?? [];
  const egress = (spec.egress as Obj[] | undefined) ?? [];
  for (const rule of [...ingress, ...egress]) for (const port of (rule.ports as Obj[] | undefined) ?? []) port.protocol ??= "TCP";
  if (((spec.policyTypes as string[] | undefined) ?? []).length === 0) spec.policyTypes = egress.length > 0 ? ["Ingress", "Egress"] : ["Ingress"];
}

/**
 * SetDefaults_RoleBinding / _ClusterRoleBinding and SetDefaults_Subject (rbac/v1): users and
 * groups are in the RBAC group; a service account's group stays "" (omitted).
 */
function defaultBinding(binding: KubeObject): void {
  const roleRef = binding.roleRef as Obj | undefined;
  if (roleRef !== undefined && !roleRef.apiGroup) roleRef.apiGroup = RBAC_GROUP;
  for (const s of (binding.subjects as Obj[] | undefined) ?? []) {
    if (!s.apiGroup && (s.kind === "User" || s.kind === "Group")) s.apiGroup = RBAC_GROUP;
  }
}

function defaultNamespace(ns: KubeObject): void {
  const name = ns.metadata.name;
  if (name) ns.metadata.labels = { ...(ns.metadata.labels ?? {}), "kubernetes.io/metadata.name": name };
  const status = (ns.status ??= {}) as Obj;
  status.phase ??= "Active";
}

function defaultClaim(pvc: Obj): void {
  const spec = (pvc.spec ??= {}) as Obj;
  spec.volumeMode ??= "Filesystem";
  const resources = spec.resources as { requests?: Record<string, string>; limits?: Record<string, string> } | undefined;
  if (resources?.requests) resources.requests = roundResourceList(resources.requests);
  if (resources?.limits) resources.limits = roundResourceList(resources.limits);
  const status = (pvc.status ??= {}) as Obj;
  status.phase ??= "Pending";
}

function defaultStatefulSet(sts: KubeObject): void {
  const spec = (sts.spec ??= {}) as Obj;
  spec.podManagementPolicy ??= "OrderedReady";
  const strategy = (spec.updateStrategy ??= {}) as { type?: string; rollingUpdate?: { partition?: number; maxUnavailable?: number | string } };
  if (strategy.type === undefined) {
    strategy.type = "RollingUpdate";
    strategy.rollingUpdate ??= {};
  }
  // With `type: RollingUpdate` written out and no rollingUpdate, rollingUpdate stays unset.
  if (strategy.type === "RollingUpdate" && strategy.rollingUpdate !== undefined) {
    strategy.rollingUpdate.partition ??= 0;
    if (STATEFULSET_MAX_UNAVAILABLE) strategy.rollingUpdate.maxUnavailable ??= 1;
  }
  const retention = (spec.persistentVolumeClaimRetentionPolicy ??= {}) as { whenDeleted?: string; whenScaled?: string };
  retention.whenDeleted ??= "Retain";
  retention.whenScaled ??= "Retain";
  spec.replicas ??= 1;
  spec.revisionHistoryLimit ??= 10;
  defaultTemplate(spec.template as PodTemplateSpec | undefined);
  for (const claim of (spec.volumeClaimTemplates as Obj[] | undefined) ?? []) {
    // The API server writes claim templates as full objects.
    claim.apiVersion ??= "v1";
    claim.kind ??= "PersistentVolumeClaim";
    defaultClaim(claim);
  }
}

function defaultDeployment(d: KubeObject): void {
  const spec = (d.spec ??= {}) as Obj;
  spec.replicas ??= 1;
  const strategy = (spec.strategy ??= {}) as { type?: string; rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string } };
  strategy.type ??= "RollingUpdate";
  if (strategy.type === "RollingUpdate") {
    const ru = (strategy.rollingUpdate ??= {});
    ru.maxUnavailable ??= "25%";
    ru.maxSurge ??= "25%";
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  defaultTemplate(spec.template as PodTemplateSpec | undefined);
}

function defaultDaemonSet(ds: KubeObject): void {
  const spec = (ds.spec ??= {}) as Obj;
  const strategy = (spec.updateStrategy ??= {}) as { type?: string; rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string } };
  strategy.type ??= "RollingUpdate";
  if (strategy.type === "RollingUpdate") {
    const ru = (strategy.rollingUpdate ??= {});
    ru.maxUnavailable ??= 1;
    ru.maxSurge ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  defaultTemplate(spec.template as PodTemplateSpec | undefined);
}

/**
 * SetDefaults_Job: one pod to one completion unless told otherwise, six retries (no global limit
 * when each index has its own); a pod failure policy replaces only failed pods, and its pod
 * condition patterns match True unless told otherwise.
 */
function defaultJob(job: KubeObject): void {
  const spec = (job.spec ??= {}) as Partial<JobSpec>;
  if (spec.completions === undefined && spec.parallelism === undefined) spec.completions = 1;
  spec.parallelism ??= 1;
  spec.backoffLimit ??= spec.backoffLimitPerIndex === undefined ? 6 : 2147483647;
  spec.completionMode ??= "NonIndexed";
  spec.suspend ??= false;
  spec.podReplacementPolicy ??= spec.podFailurePolicy === undefined ? "TerminatingOrFailed" : "Failed";
  for (const rule of spec.podFailurePolicy?.rules ?? []) {
    for (const pattern of rule.onPodConditions ?? []) if (!pattern.status) pattern.status = "True";
  }
  defaultTemplate(spec.template);
}

function defaultTemplate(template: PodTemplateSpec | undefined): void {
  if (template?.spec) defaultPodSpec(template.spec);
}

function defaultPod(pod: Pod): void {
  const spec = (pod.spec ??= { containers: [] });
  defaultPodSpec(spec);
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    // Requests default to limits on pods only, not on pod templates.
    if (c.resources?.limits) c.resources.requests = { ...c.resources.limits, ...(c.resources.requests ?? {}) };
  }
  spec.enableServiceLinks ??= true;
  if (spec.hostNetwork) {
    for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) for (const p of c.ports ?? []) p.hostPort ||= p.containerPort;
  }
}

function defaultPodSpec(spec: PodSpec): void {
  for (const v of spec.volumes ?? []) defaultVolume(v);
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])]) defaultContainer(c);
  spec.dnsPolicy ??= "ClusterFirst";
  spec.restartPolicy ??= "Always";
  spec.securityContext ??= {};
  spec.terminationGracePeriodSeconds ??= 30;
  spec.schedulerName ??= "default-scheduler";
  // The deprecated serviceAccount field mirrors serviceAccountName (conversion to/from internal).
  if (spec.serviceAccountName === undefined && spec.serviceAccount !== undefined) spec.serviceAccountName = spec.serviceAccount;
  if (spec.serviceAccountName !== undefined) spec.serviceAccount = spec.serviceAccountName;
}

function defaultVolume(v: Volume): void {
  const sources = Object.keys(v).filter((k) => k !== "name");
  if (sources.length === 0) v.emptyDir = {};
  if (v.secret) v.secret.defaultMode ??= 0o644;
  if (v.configMap) v.configMap.defaultMode ??= 0o644;
  if (v.hostPath) v.hostPath.type ??= "";
  const downward = v.downwardAPI as { defaultMode?: number; items?: { fieldRef?: { apiVersion?: string } }[] } | undefined;
  if (downward) {
    downward.defaultMode ??= 0o644;
    for (const item of downward.items ?? []) if (item.fieldRef) item.fieldRef.apiVersion ??= "v1";
  }
  const projected = v.projected as { defaultMode?: number; sources?: Obj[] } | undefined;
  if (projected) {
    projected.defaultMode ??= 0o644;
    for (const s of projected.sources ?? []) {
      const token = s.serviceAccountToken as { expirationSeconds?: number } | undefined;
      if (token) token.expirationSeconds ??= 3600;
      const d = s.downwardAPI as { items?: { fieldRef?: { apiVersion?: string } }[] } | undefined;
      for (const item of d?.items ?? []) if (item.fieldRef) item.fieldRef.apiVersion ??= "v1";
    }
  }
}

function defaultContainer(c: Container): void {
  c.imagePullPolicy ??= imageTag(c.image ?? "") === "latest" ? "Always" : "IfNotPresent";
  c.terminationMessagePath ??= "/dev/termination-log";
  c.terminationMessagePolicy ??= "File";
  for (const p of c.ports ?? []) p.protocol ??= "TCP";
  for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) if (probe) defaultProbe(probe);
  for (const h of [c.lifecycle?.postStart, c.lifecycle?.preStop]) if (h?.httpGet) defaultHttpGet(h.httpGet);
  for (const e of c.env ?? []) if (e.valueFrom?.fieldRef) e.valueFrom.fieldRef.apiVersion ??= "v1";
  if (c.resources?.limits) c.resources.limits = roundResourceList(c.resources.limits);
  if (c.resources?.requests) c.resources.requests = roundResourceList(c.resources.requests);
}

function defaultProbe(p: Probe): void {
  if (!p.timeoutSeconds) p.timeoutSeconds = 1;
  if (!p.periodSeconds) p.periodSeconds = 10;
  if (!p.successThreshold) p.successThreshold = 1;
  if (!p.failureThreshold) p.failureThreshold = 3;
  if (p.httpGet) defaultHttpGet(p.httpGet);
}

function defaultHttpGet(h: { path?: string; scheme?: string }): void {
  if (!h.path) h.path = "/";
  if (!h.scheme) h.scheme = "HTTP";
}

/** Quantities rounded up to milli precision (SetDefaults_ResourceList). */
function roundResourceList(list: Record<string, string | number>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(list)) out[k] = formatQuantity(roundUp(parseQuantity(v), -3));
  return out;
}

/**
 * The tag of an image reference as parsers.ParseImageName returns it: `latest` when neither a
 * tag nor a digest is given, "" for a digest-only reference.
 */
export function imageTag(image: string): string {
  const at = image.indexOf("@");
  const name = at < 0 ? image : image.slice(0, at);
  const colon = name.lastIndexOf(":");
  const tag = colon > name.lastIndexOf("/") ? name.slice(colon + 1) : "";
  if (tag !== "") return tag;
  return at < 0 ? "latest" : "";
}

function defaultService(svc: Service): void {
  const spec = (svc.spec ??= {});
  spec.sessionAffinity ??= "None";
  const s = spec as Obj;
  if (spec.sessionAffinity === "None") delete s.sessionAffinityConfig;
  if (spec.sessionAffinity === "ClientIP") {
    const cfg = s.sessionAffinityConfig as { clientIP?: { timeoutSeconds?: number } } | undefined;
    if (cfg?.clientIP?.timeoutSeconds === undefined) s.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
  }
  spec.type ??= "ClusterIP";
  for (const p of spec.ports ?? []) {
    p.protocol ??= "TCP";
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === "") p.targetPort = p.port;
  }
  const externallyAccessible = spec.type === "NodePort" || spec.type === "LoadBalancer" || (spec.type === "ClusterIP" && (spec.externalIPs?.length ?? 0) > 0);
  if (externallyAccessible) spec.externalTrafficPolicy ??= "Cluster";
  if (spec.type === "NodePort" || spec.type === "LoadBalancer" || spec.type === "ClusterIP") spec.internalTrafficPolicy ??= "Cluster";
  if (spec.type === "LoadBalancer") spec.allocateLoadBalancerNodePorts ??= true;
}

/**
 * What the Service REST storage fills on create once the cluster IP is known (allocated, or
 * `None` for a headless service): clusterIPs and the single-stack IPv4 family fields.
 * ExternalName services get none of them.
 */
export function completeServiceAddresses(svc: Service, clusterIP: string | undefined): Service {
  const out = cloneJson(svc);
  const spec = out.spec;
  if (spec.type === "ExternalName") return out;
  if (clusterIP !== undefined) {
    spec.clusterIP = clusterIP;
    spec.clusterIPs = [clusterIP];
  }
  spec.ipFamilies ??= ["IPv4"];
  // A headless service without a selector asks for every family the cluster has.
  spec.ipFamilyPolicy ??= spec.clusterIP === "None" && spec.selector === undefined ? "RequireDualStack" : "SingleStack";
  return out;
}

/**
 * The Service update path (patchAllocatedValues and the IP-family init): fields the server
 * allocated and the new object leaves out — cluster IPs, node ports, health check node port,
 * IP families — are kept, so re-applying a manifest without them is not a change.
 */
export function preserveServiceAllocations(svc: Service, old: Service): Service {
  const out = cloneJson(svc);
  const spec = out.spec;
  const before = old.spec;
  const needsClusterIP = (s: Service["spec"]) => s.type !== "ExternalName";
  if (needsClusterIP(spec) && needsClusterIP(before)) {
    if (!spec.clusterIP && before.clusterIP) spec.clusterIP = before.clusterIP;
    if ((spec.clusterIPs ?? []).length === 0 && (before.clusterIPs ?? []).length > 0) spec.clusterIPs = before.clusterIPs;
    if (spec.ipFamilies === undefined && spec.ipFamilyPolicy === undefined) {
      if (before.ipFamilies !== undefined) spec.ipFamilies = before.ipFamilies;
      if (before.ipFamilyPolicy !== undefined) spec.ipFamilyPolicy = before.ipFamilyPolicy;
    }
  }
  const needsNodePort = (s: Service["spec"]) => s.type === "NodePort" || s.type === "LoadBalancer";
  if (needsNodePort(spec) && needsNodePort(before)) {
    const used = new Set((spec.ports ?? []).map((p) => p.nodePort).filter((n) => n));
    const byName = new Map((before.ports ?? []).map((p) => [p.name ?? "", p.nodePort]));
    for (const p of spec.ports ?? []) {
      if (p.nodePort) continue;
      const n = byName.get(p.name ?? "");
      if (n && !used.has(n)) p.nodePort = n;
    }
    const hc = (s: Service["spec"]) => (s as { healthCheckNodePort?: number }).healthCheckNodePort;
    if (!hc(spec) && hc(before)) (spec as { healthCheckNodePort?: number }).healthCheckNodePort = hc(before);
  }
  return out;
}

// ---- pod admission ------------------------------------------------------------------------------

export interface PodAdmissionOptions {
  /**
   * The 5-character suffix of the `kube-api-access-<suffix>` projected token volume the
   * ServiceAccount plugin adds (random in the real API server, so the caller draws it).
   * Without it no token volume is added.
   */
  readonly tokenVolumeSuffix?: string;
}

const TOKEN_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";

/**
 * The mutating admission plugins a Pod create goes through after defaulting:
 * ServiceAccount (`serviceAccountName: default` and the API token volume),
 * DefaultTolerationSeconds (not-ready/unreachable for 300s) and Priority (`priority: 0`,
 * `preemptionPolicy: PreemptLowerPriority`).
 */
export function admitPod(input: Pod, options: PodAdmissionOptions = {}): Pod {
  const pod = cloneJson(input);
  const spec = pod.spec;
  spec.serviceAccountName ||= "default";
  spec.serviceAccount = spec.serviceAccountName;
  if (options.tokenVolumeSuffix !== undefined && (spec as { automountServiceAccountToken?: boolean }).automountServiceAccountToken !== false && !hasTokenMount(spec)) {
    const name = `kube-api-access-${options.tokenVolumeSuffix}`;
    spec.volumes = [...(spec.volumes ?? []), tokenVolume(name)];
    for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
      c.volumeMounts = [...(c.volumeMounts ?? []), { name, readOnly: true, mountPath: TOKEN_MOUNT_PATH }];
    }
  }
  spec.tolerations = withDefaultTolerations(spec.tolerations);
  if (spec.priority === undefined) spec.priority = 0;
  spec.preemptionPolicy ??= "PreemptLowerPriority";
  return pod;
}

function hasTokenMount(spec: PodSpec): boolean {
  return [...(spec.initContainers ?? []), ...spec.containers].some((c) => (c.volumeMounts ?? []).some((m) => m.mountPath === TOKEN_MOUNT_PATH));
}

function tokenVolume(name: string): Volume {
  return {
    name,
    projected: {
      defaultMode: 0o644,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: "token" } },
        { configMap: { items: [{ key: "ca.crt", path: "ca.crt" }], name: "kube-root-ca.crt" } },
        { downwardAPI: { items: [{ fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" }, path: "namespace" }] } },
      ],
    },
  };
}

const TAINT_NOT_READY = "node.kubernetes.io/not-ready";
const TAINT_UNREACHABLE = "node.kubernetes.io/unreachable";

function withDefaultTolerations(tolerations: Toleration[] | undefined): Toleration[] {
  const list = [...(tolerations ?? [])];
  for (const key of [TAINT_NOT_READY, TAINT_UNREACHABLE]) {
    if (!toleratesNoExecute(list, key)) list.push({ key, operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 });
  }
  return list;
}

function toleratesNoExecute(list: readonly Toleration[], key: string): boolean {
  return list.some((t) => (t.effect === undefined || t.effect === "NoExecute") && (t.key === key || (t.key === undefined && t.operator === "Exists")));
}

/**
 * The pod's QoS class (qos.ComputePodQOS), which the pod strategy writes into status on create:
 * Guaranteed when every container has equal cpu and memory requests and limits, BestEffort
 * when none has any, Burstable otherwise.
 */
export function podQOSClass(spec: PodSpec): "Guaranteed" | "Burstable" | "BestEffort" {
  const containers = [...(spec.initContainers ?? []), ...spec.containers];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (namesCpuOrMemory(req) || namesCpuOrMemory(lim)) any = true;
    for (const r of ["cpu", "memory"]) {
      const l = lim[r];
      const q = req[r] ?? l;
      if (l === undefined || q === undefined || canonicalQuantity(l) !== canonicalQuantity(q)) guaranteed = false;
    }
  }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}

function namesCpuOrMemory(list: Record<string, unknown>): boolean {
  return Object.hasOwn(list, "cpu") || Object.hasOwn(list, "memory");
}
