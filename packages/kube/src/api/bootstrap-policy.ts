/**
 * The default RBAC policy a 1.35 API server reconciles at start (plugin/pkg/auth/authorizer/rbac/
 * bootstrappolicy/policy.go), the part users meet: cluster-admin, the user-facing roles admin,
 * edit and view (aggregated from the system:aggregate-to-* roles by the ClusterRole aggregation
 * controller, so they start without rules), what every authenticated user may do
 * (system:basic-user, system:discovery, system:public-info-viewer), and their bindings. Then the
 * bindings kubeadm (`kubeadm:cluster-admins`) and minikube (`minikube-rbac`) add. The
 * system:controller:* and node roles are left out: nothing in ksim asks for them.
 */
import { RBAC_GROUP } from "./defaults.js";
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Subject } from "./types.js";

const API_VERSION = `${RBAC_GROUP}/v1`;
const AUTOUPDATE = { "rbac.authorization.kubernetes.io/autoupdate": "true" };
const BOOTSTRAPPING = { "kubernetes.io/bootstrapping": "rbac-defaults" };
export const AGGREGATE_TO = (role: "admin" | "edit" | "view") => `rbac.authorization.k8s.io/aggregate-to-${role}`;

const READ = ["get", "list", "watch"];
const WRITE = ["create", "delete", "deletecollection", "patch", "update"];
const READ_WRITE = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

const rule = (verbs: string[], apiGroups: string[], resources: string[]): PolicyRule => ({ verbs, apiGroups, resources });
const urls = (verbs: string[], nonResourceURLs: string[]): PolicyRule => ({ verbs, nonResourceURLs });

function clusterRole(name: string, rules: PolicyRule[] | undefined, extra: { labels?: Record<string, string>; aggregateFrom?: string } = {}): ClusterRole {
  return {
    apiVersion: API_VERSION,
    kind: "ClusterRole",
    metadata: { name, labels: { ...BOOTSTRAPPING, ...extra.labels }, annotations: { ...AUTOUPDATE } },
    ...(rules !== undefined ? { rules } : {}),
    ...(extra.aggregateFrom !== undefined ? { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [extra.aggregateFrom]: "true" } }] } } : {}),
  };
}

const group = (name: string): Subject => ({ kind: "Group", apiGroup: RBAC_GROUP, name });

function binding(name: string, role: string, subjects: Subject[], bootstrap: boolean): ClusterRoleBinding {
  return {
    apiVersion: API_VERSION,
    kind: "ClusterRoleBinding",
    metadata: bootstrap ? { name, labels: { ...BOOTSTRAPPING }, annotations: { ...AUTOUPDATE } } : { name },
    roleRef: { apiGroup: RBAC_GROUP, kind: "ClusterRole", name: role },
    subjects,
  };
}

export function bootstrapClusterRoles(): ClusterRole[] {
  return [
    clusterRole("cluster-admin", [rule(["*"], ["*"], ["*"]), urls(["*"], ["*"])]),
    clusterRole("system:discovery", [urls(["get"], ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/"])]),
    clusterRole("system:basic-user", [
      rule(["create"], ["authorization.k8s.io"], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]),
      rule(["create"], ["authentication.k8s.io"], ["selfsubjectreviews"]),
    ]),
    clusterRole("system:public-info-viewer", [urls(["get"], ["/healthz", "/livez", "/readyz", "/version", "/version/"])]),
    clusterRole("admin", undefined, { aggregateFrom: AGGREGATE_TO("admin") }),
    clusterRole("edit", undefined, { labels: { [AGGREGATE_TO("admin")]: "true" }, aggregateFrom: AGGREGATE_TO("edit") }),
    clusterRole("view", undefined, { labels: { [AGGREGATE_TO("edit")]: "true" }, aggregateFrom: AGGREGATE_TO("view") }),
    clusterRole(
      "system:aggregate-to-admin",
      [rule(["create"], ["authorization.k8s.io"], ["localsubjectaccessreviews"]), rule(READ_WRITE, [RBAC_GROUP], ["rolebindings", "roles"])],
      { labels: { [AGGREGATE_TO("admin")]: "true" } },
    ),
    clusterRole(
      "system:aggregate-to-edit",
      [
        rule(READ, [""], ["pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets", "services/proxy"]),
        rule(["impersonate"], [""], ["serviceaccounts"]),
        rule(WRITE, [""], ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"]),
        rule(["create"], [""], ["pods/eviction"]),
        rule(WRITE, [""], ["configmaps", "events", "persistentvolumeclaims", "replicationcontrollers", "replicationcontrollers/scale", "secrets", "serviceaccounts", "services", "services/proxy"]),
        rule(["create"], [""], ["serviceaccounts/token"]),
        rule(WRITE, ["apps"], ["daemonsets", "deployments", "deployments/rollback", "deployments/scale", "replicasets", "replicasets/scale", "statefulsets", "statefulsets/scale"]),
        rule(WRITE, ["autoscaling"], ["horizontalpodautoscalers"]),
        rule(WRITE, ["batch"], ["cronjobs", "jobs"]),
        rule(WRITE, ["extensions"], ["daemonsets", "deployments", "deployments/rollback", "deployments/scale", "ingresses", "networkpolicies", "replicasets", "replicasets/scale", "replicationcontrollers/scale"]),
        rule(WRITE, ["policy"], ["poddisruptionbudgets"]),
        rule(WRITE, ["networking.k8s.io"], ["ingresses", "networkpolicies"]),
        rule(READ_WRITE, ["coordination.k8s.io"], ["leases"]),
      ],
      { labels: { [AGGREGATE_TO("edit")]: "true" } },
    ),
    clusterRole(
      "system:aggregate-to-view",
      [
        rule(READ, [""], ["configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "pods", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services", "services/status"]),
        rule(READ, [""], ["bindings", "events", "limitranges", "namespaces/status", "pods/log", "pods/status", "replicationcontrollers/status", "resourcequotas", "resourcequotas/status"]),
        rule(READ, [""], ["namespaces"]),
        rule(READ, ["discovery.k8s.io"], ["endpointslices"]),
        rule(READ, ["apps"], [
          "controllerrevisions", "daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status",
          "replicasets", "replicasets/scale", "replicasets/status", "statefulsets", "statefulsets/scale", "statefulsets/status",
        ]),
        rule(READ, ["autoscaling"], ["horizontalpodautoscalers", "horizontalpodautoscalers/status"]),
        rule(READ, ["batch"], ["cronjobs", "cronjobs/status", "jobs", "jobs/status"]),
        rule(READ, ["extensions"], [
          "daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status", "ingresses", "ingresses/status",
          "networkpolicies", "replicasets", "replicasets/scale", "replicasets/status", "replicationcontrollers/scale",
        ]),
        rule(READ, ["policy"], ["poddisruptionbudgets", "poddisruptionbudgets/status"]),
        rule(READ, ["networking.k8s.io"], ["ingresses", "ingresses/status", "networkpolicies"]),
      ],
      { labels: { [AGGREGATE_TO("view")]: "true" } },
    ),
  ];
}

export function bootstrapClusterRoleBindings(): ClusterRoleBinding[] {
  return [
    binding("cluster-admin", "cluster-admin", [group("system:masters")], true),
    binding("system:basic-user", "system:basic-user", [group("system:authenticated")], true),
    binding("system:discovery", "system:discovery", [group("system:authenticated")], true),
    binding("system:public-info-viewer", "system:public-info-viewer", [group("system:authenticated"), group("system:unauthenticated")], true),
    // kubeadm init (1.29+): admin.conf's user is in this group rather than system:masters.
    binding("kubeadm:cluster-admins", "cluster-admin", [group("kubeadm:cluster-admins")], false),
    // minikube start: the kube-system default service account is cluster-admin.
    binding("minikube-rbac", "cluster-admin", [{ kind: "ServiceAccount", name: "default", namespace: "kube-system" }], false),
  ];
}

/**
 * The user minikube's client certificate names (CN=minikube-user, O=system:masters), as the
 * API server authenticates it: what `kubectl auth whoami` shows and `auth can-i` asks about.
 */
export const KUBECONFIG_USER = { name: "minikube-user", groups: ["system:masters", "system:authenticated"] } as const;
