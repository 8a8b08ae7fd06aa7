import { cloneJson } from "../../api/json-value.js";
import type { PersistentVolumeClaim, Pod, PodSpec, StatefulSet, Volume } from "../../api/types.js";
import { newControllerRef } from "../pod-util.js";

/** Labels the StatefulSet controller puts on its pods (k8s.io/api apps/v1). */
export const POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";
export const POD_INDEX_LABEL = "apps.kubernetes.io/pod-index";
export const REVISION_LABEL = "controller-revision-hash";

const NO_ORDINAL = { parent: "", ordinal: -1 } as const;

/**
 * The parent set name and ordinal encoded in a pod name (`^(.*)-([0-9]+)$`); ordinal -1 when
 * there is none. Scanned by hand: every sync asks this of every pod of the set several times.
 */
export function parentAndOrdinal(podName: string): { readonly parent: string; readonly ordinal: number } {
  const start = ordinalStart(podName);
  return start < 0 ? NO_ORDINAL : { parent: podName.slice(0, start - 1), ordinal: ordinalAt(podName, start) };
}

/** Where the ordinal's digits start in a pod name, or -1 without a `-<digits>` suffix. */
function ordinalStart(podName: string): number {
  let start = podName.length;
  while (start > 0 && isDigit(podName.charCodeAt(start - 1))) start--;
  if (start === podName.length || start === 0 || podName.charCodeAt(start - 1) !== DASH) return -1;
  return start;
}

/**
 * The ordinal from its digits, -1 past int32. Read without slicing the name: a digit more only
 * makes the value larger, so once past int32 it stays there, and below 2^53 the sum is exact.
 */
function ordinalAt(podName: string, start: number): number {
  let n = 0;
  for (let i = start; i < podName.length; i++) n = n * 10 + (podName.charCodeAt(i) - 0x30);
  return n <= 0x7fffffff ? n : -1;
}

const DASH = 0x2d;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

export function ordinalOf(pod: Pod): number {
  const name = pod.metadata.name!;
  const start = ordinalStart(name);
  return start < 0 ? -1 : ordinalAt(name, start);
}

export function startOrdinal(set: StatefulSet): number {
  return set.spec.ordinals?.start ?? 0;
}

export function endOrdinal(set: StatefulSet): number {
  return startOrdinal(set) + (set.spec.replicas ?? 1) - 1;
}

export function podName(set: StatefulSet, ordinal: number): string {
  return `${set.metadata.name}-${ordinal}`;
}

export function claimName(set: StatefulSet, template: string, ordinal: number): string {
  return `${template}-${set.metadata.name}-${ordinal}`;
}

export function isMemberOf(set: StatefulSet, pod: Pod): boolean {
  const name = pod.metadata.name!;
  const parent = set.metadata.name!;
  return ordinalStart(name) === parent.length + 1 && name.startsWith(parent);
}

export function inOrdinalRange(set: StatefulSet, pod: Pod): boolean {
  const o = ordinalOf(pod);
  return o >= startOrdinal(set) && o <= endOrdinal(set);
}

export function identityMatches(set: StatefulSet, pod: Pod): boolean {
  const ordinal = ordinalOf(pod);
  const labels = pod.metadata.labels ?? {};
  return (
    ordinal >= 0 &&
    isMemberOf(set, pod) &&
    pod.metadata.namespace === set.metadata.namespace &&
    labels[POD_NAME_LABEL] === pod.metadata.name &&
    labels[POD_INDEX_LABEL] === String(ordinal)
  );
}

export function storageMatches(set: StatefulSet, pod: Pod): boolean {
  const ordinal = ordinalOf(pod);
  if (ordinal < 0) return false;
  const templates = set.spec.volumeClaimTemplates ?? [];
  if (templates.length === 0) return true;
  const volumes = new Map((pod.spec.volumes ?? []).map((v) => [v.name, v]));
  for (const t of templates) {
    const v = volumes.get(t.metadata.name!);
    if (v?.persistentVolumeClaim?.claimName !== claimName(set, t.metadata.name!, ordinal)) return false;
  }
  return true;
}

/** The PVCs a pod of this ordinal needs, keyed by template name (getPersistentVolumeClaims). */
export function claimsFor(set: StatefulSet, ordinal: number): Map<string, PersistentVolumeClaim> {
  const out = new Map<string, PersistentVolumeClaim>();
  for (const t of set.spec.volumeClaimTemplates ?? []) {
    const claim: PersistentVolumeClaim = {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: {
        ...cloneJson(t.metadata),
        name: claimName(set, t.metadata.name!, ordinal),
        namespace: set.metadata.namespace,
        labels: { ...(t.metadata.labels ?? {}), ...(set.spec.selector.matchLabels ?? {}) },
      },
      spec: cloneJson(t.spec),
    };
    delete claim.metadata.creationTimestamp;
    out.set(t.metadata.name!, claim);
  }
  return out;
}

/** Sets name, namespace and the identity labels (updateIdentity). */
export function updateIdentity(set: StatefulSet, pod: Pod): void {
  const ordinal = ordinalOf(pod);
  pod.metadata.name = podName(set, ordinal);
  pod.metadata.namespace = set.metadata.namespace;
  pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [POD_NAME_LABEL]: pod.metadata.name, [POD_INDEX_LABEL]: String(ordinal) };
}

/** Points the pod's volumes at its claims, keeping other volumes (updateStorage). */
export function updateStorage(set: StatefulSet, pod: Pod): void {
  const ordinal = ordinalOf(pod);
  const claims = claimsFor(set, ordinal);
  const volumes: Volume[] = [];
  for (const [template, claim] of claims) {
    volumes.push({ name: template, persistentVolumeClaim: { claimName: claim.metadata.name! } });
  }
  for (const v of pod.spec.volumes ?? []) if (!claims.has(v.name)) volumes.push(v);
  pod.spec.volumes = volumes;
}

/** A new pod for `ordinal` built from the set's template (newStatefulSetPod). */
export function newStatefulSetPod(set: StatefulSet, ordinal: number): Pod {
  const template = set.spec.template;
  const meta = template.metadata ?? {};
  const pod: Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: podName(set, ordinal),
      generateName: `${set.metadata.name}-`,
      namespace: set.metadata.namespace,
      labels: { ...(meta.labels ?? {}) },
      ownerReferences: [newControllerRef(set)],
    },
    spec: cloneJson(template.spec) as PodSpec,
  };
  if (meta.annotations !== undefined) pod.metadata.annotations = { ...meta.annotations };
  if (meta.finalizers !== undefined) pod.metadata.finalizers = [...meta.finalizers];
  updateIdentity(set, pod);
  // initIdentity: hostname and subdomain are set once, at creation.
  pod.spec.hostname = pod.metadata.name;
  if (set.spec.serviceName) pod.spec.subdomain = set.spec.serviceName;
  updateStorage(set, pod);
  return pod;
}
