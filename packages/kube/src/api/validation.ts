import { admitPod, applyDefaults, keepExplicitEmptyPolicies, podQOSClass, preserveServiceAllocations, setDefaults } from "./defaults.js";
import type { ApiError } from "./errors.js";
import { jsonEqual } from "./json-value.js";
import { typeForObject } from "./resources.js";
import { decode, decodeError } from "./schema.js";
import { schemaFor } from "./schema-kinds.js";
import type { Admission } from "./server.js";
import type {
  ConfigMap,
  ControllerRevision,
  DaemonSet,
  Deployment,
  KubeObject,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
  PodDisruptionBudget,
  ReplicaSet,
  ClusterRole,
  ClusterRoleBinding,
  HorizontalPodAutoscaler,
  APIService,
  Ingress,
  IngressClass,
  NetworkPolicy,
  Role,
  RoleBinding,
  Secret,
  Service,
  StatefulSet,
  StorageClass,
  CronJob,
  Job,
} from "./types.js";
import {
  validateControllerRevision,
  validateControllerRevisionUpdate,
  validateDaemonSet,
  validateDaemonSetUpdate,
  validateDeployment,
  validateDeploymentUpdate,
  validateReplicaSet,
  validateReplicaSetUpdate,
  validateStatefulSet,
  validateStatefulSetUpdate,
} from "./validation/apps.js";
import { validateCronJob, validateCronJobUpdate, validateJob, validateJobUpdate } from "./validation/batch.js";
import { nameIsDNSSubdomain } from "./validation/content.js";
import {
  validateConfigMap,
  validateConfigMapUpdate,
  validateEndpointSlice,
  validateNamespace,
  validatePersistentVolume,
  validatePersistentVolumeClaim,
  validatePersistentVolumeClaimUpdate,
  validatePersistentVolumeUpdate,
  validatePodDisruptionBudget,
  validateSecret,
  validateSecretUpdate,
  validateService,
  validateServiceUpdate,
  validateStorageClass,
  validateStorageClassUpdate,
} from "./validation/core.js";
import { invalidError, type FieldError } from "./validation/field.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./validation/meta.js";
import { validateEphemeralContainersUpdate, validatePod, validatePodUpdate } from "./validation/pod.js";
import { validateHorizontalPodAutoscaler, validateHorizontalPodAutoscalerUpdate } from "./validation/autoscaling.js";
import { validateAPIService, validateAPIServiceUpdate } from "./validation/apiregistration.js";
import {
  validateIngress,
  validateIngressClass,
  validateIngressClassUpdate,
  validateIngressUpdate,
  validateNetworkPolicy,
  validateNetworkPolicyUpdate,
} from "./validation/networking.js";
import {
  validateClusterRole,
  validateClusterRoleBinding,
  validateClusterRoleBindingUpdate,
  validateClusterRoleUpdate,
  validateRole,
  validateRoleBinding,
  validateRoleBindingUpdate,
  validateRoleUpdate,
} from "./validation/rbac.js";

/**
 * What the API server does with an object on create and update: strict decoding, defaulting,
 * the mutating admission plugins, the registry strategies' preparation, and validation — with
 * errors as the API server words them.
 */

interface KindRules {
  create(o: KubeObject): FieldError[];
  update(o: KubeObject, old: KubeObject): FieldError[];
}

const metaOnly = (namespaced: boolean): KindRules => ({
  create: (o) => validateObjectMeta(o.metadata, namespaced, nameIsDNSSubdomain),
  update: (o, old) => validateObjectMetaUpdate(o.metadata, old.metadata),
});

const RULES: Record<string, KindRules> = {
  "v1 Pod": { create: (o) => validatePod(o as Pod), update: (o, old) => validatePodUpdate(o as Pod, old as Pod) },
  "v1 Service": { create: (o) => validateService(o as Service), update: (o, old) => validateServiceUpdate(o as Service, old as Service) },
  "v1 PersistentVolumeClaim": {
    create: (o) => validatePersistentVolumeClaim(o as PersistentVolumeClaim),
    update: (o, old) => validatePersistentVolumeClaimUpdate(o as PersistentVolumeClaim, old as PersistentVolumeClaim),
  },
  "v1 PersistentVolume": {
    create: (o) => validatePersistentVolume(o as PersistentVolume),
    update: (o, old) => validatePersistentVolumeUpdate(o as PersistentVolume, old as PersistentVolume),
  },
  "v1 Secret": { create: (o) => validateSecret(o as Secret), update: (o, old) => validateSecretUpdate(o as Secret, old as Secret) },
  "v1 ConfigMap": { create: (o) => validateConfigMap(o as ConfigMap), update: (o, old) => validateConfigMapUpdate(o as ConfigMap, old as ConfigMap) },
  "v1 Namespace": { create: validateNamespace, update: (o, old) => [...validateObjectMetaUpdate(o.metadata, old.metadata), ...validateNamespace(o)] },
  "v1 Node": metaOnly(false),
  "v1 Endpoints": metaOnly(true),
  "v1 Event": metaOnly(true),
  "v1 ServiceAccount": metaOnly(true),
  "events.k8s.io/v1 Event": metaOnly(true),
  "discovery.k8s.io/v1 EndpointSlice": { create: validateEndpointSlice, update: (o, old) => [...validateObjectMetaUpdate(o.metadata, old.metadata), ...validateEndpointSlice(o)] },
  "apps/v1 StatefulSet": {
    create: (o) => validateStatefulSet(o as StatefulSet),
    update: (o, old) => validateStatefulSetUpdate(o as StatefulSet, old as StatefulSet),
  },
  "apps/v1 Deployment": { create: (o) => validateDeployment(o as Deployment), update: (o, old) => validateDeploymentUpdate(o as Deployment, old as Deployment) },
  "apps/v1 DaemonSet": { create: (o) => validateDaemonSet(o as DaemonSet), update: (o, old) => validateDaemonSetUpdate(o as DaemonSet, old as DaemonSet) },
  "apps/v1 ReplicaSet": { create: (o) => validateReplicaSet(o as ReplicaSet), update: (o, old) => validateReplicaSetUpdate(o as ReplicaSet, old as ReplicaSet) },
  "batch/v1 Job": { create: (o) => validateJob(o as Job), update: (o, old) => validateJobUpdate(o as Job, old as Job) },
  "batch/v1 CronJob": { create: (o) => validateCronJob(o as CronJob), update: (o, old) => validateCronJobUpdate(o as CronJob, old as CronJob) },
  "apps/v1 ControllerRevision": {
    create: (o) => validateControllerRevision(o as ControllerRevision),
    update: (o, old) => validateControllerRevisionUpdate(o as ControllerRevision, old as ControllerRevision),
  },
  "storage.k8s.io/v1 StorageClass": {
    create: (o) => validateStorageClass(o as StorageClass),
    update: (o, old) => validateStorageClassUpdate(o as StorageClass, old as StorageClass),
  },
  "apiregistration.k8s.io/v1 APIService": {
    create: (o) => validateAPIService(o as APIService),
    update: (o, old) => validateAPIServiceUpdate(o as APIService, old as APIService),
  },
  "autoscaling/v2 HorizontalPodAutoscaler": {
    create: (o) => validateHorizontalPodAutoscaler(o as HorizontalPodAutoscaler),
    update: (o, old) => validateHorizontalPodAutoscalerUpdate(o as HorizontalPodAutoscaler, old as HorizontalPodAutoscaler),
  },
  "networking.k8s.io/v1 Ingress": { create: (o) => validateIngress(o as Ingress), update: (o, old) => validateIngressUpdate(o as Ingress, old as Ingress) },
  "networking.k8s.io/v1 IngressClass": {
    create: (o) => validateIngressClass(o as IngressClass),
    update: (o, old) => validateIngressClassUpdate(o as IngressClass, old as IngressClass),
  },
  "networking.k8s.io/v1 NetworkPolicy": {
    create: (o) => validateNetworkPolicy(o as NetworkPolicy),
    update: (o, old) => validateNetworkPolicyUpdate(o as NetworkPolicy, old as NetworkPolicy),
  },
  "rbac.authorization.k8s.io/v1 Role": { create: (o) => validateRole(o as Role), update: (o, old) => validateRoleUpdate(o as Role, old as Role) },
  "rbac.authorization.k8s.io/v1 ClusterRole": {
    create: (o) => validateClusterRole(o as ClusterRole),
    update: (o, old) => validateClusterRoleUpdate(o as ClusterRole, old as ClusterRole),
  },
  "rbac.authorization.k8s.io/v1 RoleBinding": {
    create: (o) => validateRoleBinding(o as RoleBinding),
    update: (o, old) => validateRoleBindingUpdate(o as RoleBinding, old as RoleBinding),
  },
  "rbac.authorization.k8s.io/v1 ClusterRoleBinding": {
    create: (o) => validateClusterRoleBinding(o as ClusterRoleBinding),
    update: (o, old) => validateClusterRoleBindingUpdate(o as ClusterRoleBinding, old as ClusterRoleBinding),
  },
  "policy/v1 PodDisruptionBudget": {
    create: (o) => validatePodDisruptionBudget(o as PodDisruptionBudget),
    update: (o, old) => [...validateObjectMetaUpdate(o.metadata, old.metadata), ...validatePodDisruptionBudget(o as PodDisruptionBudget)],
  },
};

const kindKey = (o: KubeObject) => `${o.apiVersion} ${o.kind}`;

/** Validation errors of an object being created (after defaulting). Unknown kinds have none. */
export function validateCreate(obj: KubeObject): FieldError[] {
  return RULES[kindKey(obj)]?.create(obj) ?? [];
}

/** Validation errors of an update from old to obj (after defaulting). */
export function validateUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return RULES[kindKey(obj)]?.update(obj, old) ?? [];
}

/** The Invalid ApiError for errors found on obj (`StatefulSet.apps "web" is invalid: …`). */
export function invalidObject(obj: KubeObject, errs: readonly FieldError[]): ApiError {
  const slash = obj.apiVersion.indexOf("/");
  return invalidError(slash < 0 ? "" : obj.apiVersion.slice(0, slash), obj.kind, obj.metadata.name ?? "", errs);
}

/**
 * Strict decoding of a body (unknown fields and wrong types refused, BadRequest), giving the
 * normalized object a Go round trip would produce. Unknown kinds pass through unchanged.
 */
export function decodeObject<T extends KubeObject>(obj: T): T {
  const schema = schemaFor(obj.apiVersion, obj.kind);
  if (schema === undefined) return obj;
  const result = decode<T>(schema, obj);
  if (!result.ok) throw decodeError(obj.kind, versionOf(obj.apiVersion), result.failure);
  return result.value;
}

/** decodeObject then setDefaults, copying the body once: a decoded object is already a copy. */
function decodeWithDefaults(input: KubeObject): KubeObject {
  const decoded = decodeObject(input);
  return keepExplicitEmptyPolicies(input, decoded === input ? setDefaults(input) : applyDefaults(decoded));
}

function versionOf(apiVersion: string): string {
  return apiVersion.slice(apiVersion.indexOf("/") + 1);
}

/**
 * The registry strategies' PrepareForCreate: a new object's status is the empty status (with
 * the defaults that apply to it), except that a Pod starts Pending with its QoS class and a
 * PersistentVolume records when it entered its phase. Namespaces get the `kubernetes` finalizer.
 */
function prepareForCreate(obj: KubeObject, now: string): KubeObject {
  const schema = schemaFor(obj.apiVersion, obj.kind);
  const statusField = schema?.fields.status;
  if (statusField === undefined || statusField.s.t !== "struct" || obj.kind === "Node") return obj;
  const empty = decode<Record<string, unknown>>(statusField.s, {});
  let out: KubeObject = { ...obj, status: empty.ok ? empty.value : {} };
  if (obj.kind === "Namespace") out = { ...out, spec: { ...(obj.spec as object), finalizers: ["kubernetes"] } };
  out = applyDefaults(out);
  if (obj.kind === "Pod") out = { ...out, status: { ...(out.status as object), phase: "Pending", qosClass: podQOSClass((out as Pod).spec) } };
  if (obj.kind === "PersistentVolume") out = { ...out, status: { ...(out.status as object), lastPhaseTransitionTime: now } };
  return out;
}

/** appsv1.DeprecatedTemplateGeneration: how apps/v1 shows the internal spec.templateGeneration. */
export const DAEMONSET_TEMPLATE_GENERATION = "deprecated.daemonset.template.generation";

/**
 * The DaemonSet strategy's templateGeneration: on create the annotation's value if at least 1,
 * else 1; on update the stored value, plus one when the template changed (users cannot set it).
 */
function withTemplateGeneration(ds: KubeObject, old: KubeObject | undefined): KubeObject {
  const parse = (o: KubeObject) => {
    const v = o.metadata.annotations?.[DAEMONSET_TEMPLATE_GENERATION] ?? "";
    return /^[+-]?[0-9]+$/.test(v) ? Number(v) : 0;
  };
  const templateOf = (o: KubeObject) => (o.spec as { template?: unknown } | undefined)?.template;
  const generation = old === undefined ? Math.max(parse(ds), 1) : parse(old) + (jsonEqual(templateOf(ds), templateOf(old)) ? 0 : 1);
  return { ...ds, metadata: { ...ds.metadata, annotations: { ...ds.metadata.annotations, [DAEMONSET_TEMPLATE_GENERATION]: String(generation) } } };
}

export interface AdmissionOptions {
  /** The API server's clock as RFC 3339 (metav1.Time). */
  readonly now: () => string;
  /** Draws the suffix of a pod's `kube-api-access-*` volume; without it pods get no token volume. */
  readonly tokenVolumeSuffix?: () => string;
}

/**
 * The API machinery as server.ts's Admission: create = decode, default, admit (pods),
 * prepare, validate; update = decode, default, keep allocated Service fields, validate.
 * Errors are ApiErrors (BadRequest for bodies that do not decode, Invalid for validation).
 */
export function createAdmission(options: AdmissionOptions): Admission {
  return {
    admitCreate(input: KubeObject): KubeObject {
      if (typeForObject(input.apiVersion, input.kind) === undefined) return input;
      let obj = decodeWithDefaults(input);
      if (obj.kind === "Pod") {
        const suffix = options.tokenVolumeSuffix?.();
        obj = admitPod(obj as Pod, suffix === undefined ? {} : { tokenVolumeSuffix: suffix });
      }
      obj = prepareForCreate(obj, options.now());
      if (obj.kind === "DaemonSet") obj = withTemplateGeneration(obj, undefined);
      const errs = validateCreate(obj);
      if (errs.length > 0) throw invalidObject(obj, errs);
      return obj;
    },
    admitStatus(object: KubeObject): KubeObject {
      const field = schemaFor(object.apiVersion, object.kind)?.fields.status;
      if (field === undefined || field.s.t !== "struct" || object.status === undefined) return object;
      const result = decode<Record<string, unknown>>(field.s, object.status);
      if (!result.ok) throw decodeError(object.kind, versionOf(object.apiVersion), result.failure);
      return { ...object, status: result.value };
    },
    admitEphemeralContainers(input: Pod, old: Pod): Pod {
      const decoded = decodeWithDefaults(input) as Pod;
      // dropNonEphemeralContainerUpdates: the stored pod, with only the ephemeral containers new.
      const pod: Pod = { ...old, spec: { ...old.spec, ephemeralContainers: decoded.spec.ephemeralContainers } };
      if (pod.spec.ephemeralContainers === undefined) delete pod.spec.ephemeralContainers;
      const errs = validateEphemeralContainersUpdate(pod, old);
      if (errs.length > 0) throw invalidObject(pod, errs);
      return pod;
    },
    admitUpdate(input: KubeObject, old: KubeObject): KubeObject {
      if (typeForObject(input.apiVersion, input.kind) === undefined) return input;
      let obj = decodeWithDefaults(input);
      if (obj.kind === "Service") obj = preserveServiceAllocations(obj as Service, old as Service);
      if (obj.kind === "DaemonSet") obj = withTemplateGeneration(obj, old);
      const errs = validateUpdate(obj, old);
      if (errs.length > 0) throw invalidObject(obj, errs);
      return obj;
    },
  };
}
