/**
 * The resource types ksim serves, as discovery describes them, and kubectl's resolution of what
 * users type (`po`, `pods`, `Pod`, `statefulsets.apps`, `deployments.v1.apps`) to one of them.
 */
export interface ResourceType {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
  readonly namespaced: boolean;
  readonly categories: readonly string[];
  /** The warning the API server sends with every request for a deprecated type. */
  readonly deprecation?: string;
}

const t = (
  group: string,
  version: string,
  kind: string,
  plural: string,
  shortNames: string[],
  namespaced: boolean,
  categories: string[] = [],
): ResourceType => ({ group, version, kind, plural, singular: kind.toLowerCase(), shortNames, namespaced, categories });

/**
 * In discovery order (core group first, then apps, ...): it decides which type wins a name two
 * groups share (`events`) and the order `kubectl get all` lists them in.
 */
export const RESOURCE_TYPES: readonly ResourceType[] = [
  t("", "v1", "ConfigMap", "configmaps", ["cm"], true),
  { ...t("", "v1", "Endpoints", "endpoints", ["ep"], true), deprecation: "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice" },
  t("", "v1", "Event", "events", ["ev"], true),
  t("", "v1", "Namespace", "namespaces", ["ns"], false),
  t("", "v1", "Node", "nodes", ["no"], false),
  t("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", ["pvc"], true),
  t("", "v1", "PersistentVolume", "persistentvolumes", ["pv"], false),
  t("", "v1", "Pod", "pods", ["po"], true, ["all"]),
  t("", "v1", "Secret", "secrets", [], true),
  t("", "v1", "ServiceAccount", "serviceaccounts", ["sa"], true),
  t("", "v1", "Service", "services", ["svc"], true, ["all"]),
  t("apiregistration.k8s.io", "v1", "APIService", "apiservices", [], false, ["api-extensions"]),
  t("apps", "v1", "ControllerRevision", "controllerrevisions", [], true),
  t("apps", "v1", "DaemonSet", "daemonsets", ["ds"], true, ["all"]),
  t("apps", "v1", "Deployment", "deployments", ["deploy"], true, ["all"]),
  t("apps", "v1", "ReplicaSet", "replicasets", ["rs"], true, ["all"]),
  t("apps", "v1", "StatefulSet", "statefulsets", ["sts"], true, ["all"]),
  t("events.k8s.io", "v1", "Event", "events", ["ev"], true),
  t("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", ["hpa"], true, ["all"]),
  t("batch", "v1", "CronJob", "cronjobs", ["cj"], true, ["all"]),
  t("batch", "v1", "Job", "jobs", [], true, ["all"]),
  t("networking.k8s.io", "v1", "IngressClass", "ingressclasses", [], false),
  t("networking.k8s.io", "v1", "Ingress", "ingresses", ["ing"], true),
  t("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", ["netpol"], true),
  t("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", ["pdb"], true),
  t("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", [], false),
  t("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", [], false),
  t("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", [], true),
  t("rbac.authorization.k8s.io", "v1", "Role", "roles", [], true),
  t("storage.k8s.io", "v1", "StorageClass", "storageclasses", ["sc"], false),
  t("coordination.k8s.io", "v1", "Lease", "leases", [], true),
  t("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", [], true),
];

export function apiVersionOf(type: ResourceType): string {
  return type.group === "" ? type.version : `${type.group}/${type.version}`;
}

/** `statefulsets.apps`, `pods`: how API errors name a resource (`statefulsets.apps "web" not found`). */
export function groupResource(type: ResourceType): string {
  return type.group === "" ? type.plural : `${type.plural}.${type.group}`;
}

/** `statefulset.apps`, `pod`: the name printer's prefix (`statefulset.apps/web created`). */
export function kindPrefix(type: ResourceType): string {
  return type.group === "" ? type.singular : `${type.singular}.${type.group}`;
}

/** The type an object's apiVersion and kind name, if ksim serves it. */
export function typeForObject(apiVersion: string, kind: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((r) => apiVersionOf(r) === apiVersion && r.kind === kind);
}

/**
 * The type stored under a kind (the first in discovery order: core Event rather than
 * events.k8s.io's, which is another view of the same objects).
 */
export function typeForKind(kind: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((r) => r.kind === kind);
}

/** NoKindMatchError for a manifest whose apiVersion/kind ksim does not serve. */
export function noKindMatch(apiVersion: string, kind: string): string {
  return `no matches for kind "${kind}" in version "${apiVersion}"`;
}

export class UnknownResourceError extends Error {
  override name = "UnknownResourceError";
  constructor(readonly resource: string) {
    super(`the server doesn't have a resource type "${resource}"`);
  }
}

/**
 * Resolves a resource argument as kubectl's builder does (mappingFor): `resource`,
 * `resource.group` and `resource.version.group`, each matched against plural, singular, short
 * names (case-insensitively), then against kinds (`StatefulSet`, `StatefulSet.apps`). The
 * category `all` expands to several types. Throws UnknownResourceError
 * (`the server doesn't have a resource type "foo"`).
 */
export function resolveResource(arg: string): ResourceType[] {
  const dot = arg.indexOf(".");
  const resource = dot < 0 ? arg : arg.slice(0, dot);
  const rest = dot < 0 ? "" : arg.slice(dot + 1);
  const lower = resource.toLowerCase();
  if (rest === "" && lower === "all") return RESOURCE_TYPES.filter((r) => r.categories.includes("all"));

  const candidates: { version?: string; group: string | undefined }[] = [];
  if (rest === "") {
    candidates.push({ group: undefined });
  } else {
    const v = rest.indexOf(".");
    // `a.b.c` is both resource a, version b, group c and resource a in group b.c.
    if (v >= 0) candidates.push({ version: rest.slice(0, v), group: rest.slice(v + 1) });
    candidates.push({ group: rest });
  }
  for (const c of candidates) {
    const byResource = RESOURCE_TYPES.find(
      (r) =>
        (c.group === undefined || r.group === c.group) &&
        (c.version === undefined || r.version === c.version) &&
        (r.plural === lower || r.singular === lower || r.shortNames.includes(lower)),
    );
    if (byResource) return [byResource];
  }
  for (const c of candidates) {
    const byKind = RESOURCE_TYPES.find(
      (r) => (c.group === undefined || r.group === c.group) && (c.version === undefined || r.version === c.version) && r.kind === resource,
    );
    if (byKind) return [byKind];
  }
  throw new UnknownResourceError(resource);
}

export interface ResourceRef {
  readonly types: readonly ResourceType[];
  /** Set for the `type/name` form (`deployment.apps/web`). */
  readonly name?: string;
}

/** Splits `type/name` (and resolves the type) or resolves a bare type. */
export function resolveResourceRef(arg: string): ResourceRef {
  const slash = arg.indexOf("/");
  if (slash < 0) return { types: resolveResource(arg) };
  return { types: resolveResource(arg.slice(0, slash)), name: arg.slice(slash + 1) };
}
