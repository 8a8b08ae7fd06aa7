import type { APIService, ClusterRole, ClusterRoleBinding, ConfigMap, DaemonSet, Deployment, KubeObject, RoleBinding, Service, ServiceAccount } from "./api/types.js";
import { CLUSTER_DOMAIN } from "./network/dns.js";
import { KUBERNETES_VERSION } from "./version.js";

/** The images of the add-ons kubeadm installs with this release. */
export const KUBE_PROXY_IMAGE = `registry.k8s.io/kube-proxy:${KUBERNETES_VERSION}`;
export const COREDNS_IMAGE = "registry.k8s.io/coredns/coredns:v1.13.1";

/** The Corefile kubeadm writes (cmd/kubeadm/app/phases/addons/dns/manifests.go). */
export const COREFILE = `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes ${CLUSTER_DOMAIN} in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30 {
       disable success ${CLUSTER_DOMAIN}
       disable denial ${CLUSTER_DOMAIN}
    }
    loop
    reload
    loadbalance
}
`;

/**
 * The kube-system workloads of a kubeadm cluster (the kube-dns Service is created with the other
 * services): kube-proxy on every node, and CoreDNS, whose Ready endpoints are what lets pods
 * resolve names.
 */
export function systemAddons(): KubeObject[] {
  const serviceAccount = (name: string): ServiceAccount => ({ apiVersion: "v1", kind: "ServiceAccount", metadata: { name, namespace: "kube-system" } });
  return [serviceAccount("kube-proxy"), kubeProxyDaemonSet(), serviceAccount("coredns"), coreDnsConfigMap(), coreDnsDeployment()];
}

/** kube-proxy as kubeadm deploys it: host network, tolerating every taint, one per Linux node. */
function kubeProxyDaemonSet(): DaemonSet {
  const labels = { "k8s-app": "kube-proxy" };
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: "kube-proxy", namespace: "kube-system", labels },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: "kube-proxy",
              image: KUBE_PROXY_IMAGE,
              command: ["/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf", "--hostname-override=$(NODE_NAME)"],
              env: [{ name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }],
              securityContext: { privileged: true },
            },
          ],
          hostNetwork: true,
          nodeSelector: { "kubernetes.io/os": "linux" },
          serviceAccountName: "kube-proxy",
          tolerations: [{ operator: "Exists" }],
        },
      },
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
    },
  };
}

function coreDnsConfigMap(): ConfigMap {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "coredns", namespace: "kube-system" }, data: { Corefile: COREFILE } };
}

/** kubeadm's CoreDNS Deployment: two replicas spread over nodes when they can be, probed over HTTP. */
function coreDnsDeployment(): Deployment {
  const labels = { "k8s-app": "kube-dns" };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "coredns", namespace: "kube-system", labels },
    spec: {
      replicas: 2,
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: "coredns",
          affinity: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                {
                  weight: 100,
                  podAffinityTerm: { labelSelector: { matchExpressions: [{ key: "k8s-app", operator: "In", values: ["kube-dns"] }] }, topologyKey: "kubernetes.io/hostname" },
                },
              ],
            },
          },
          tolerations: [
            { key: "CriticalAddonsOnly", operator: "Exists" },
            { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" },
          ],
          nodeSelector: { "kubernetes.io/os": "linux" },
          containers: [
            {
              name: "coredns",
              image: COREDNS_IMAGE,
              imagePullPolicy: "IfNotPresent",
              resources: { limits: { memory: "170Mi" }, requests: { cpu: "100m", memory: "70Mi" } },
              args: ["-conf", "/etc/coredns/Corefile"],
              volumeMounts: [{ name: "config-volume", mountPath: "/etc/coredns", readOnly: true }],
              ports: [
                { containerPort: 53, name: "dns", protocol: "UDP" },
                { containerPort: 53, name: "dns-tcp", protocol: "TCP" },
                { containerPort: 9153, name: "metrics", protocol: "TCP" },
                { containerPort: 8080, name: "liveness-probe", protocol: "TCP" },
                { containerPort: 8181, name: "readiness-probe", protocol: "TCP" },
              ],
              livenessProbe: { httpGet: { path: "/health", port: "liveness-probe", scheme: "HTTP" }, initialDelaySeconds: 60, timeoutSeconds: 5, successThreshold: 1, failureThreshold: 5 },
              readinessProbe: { httpGet: { path: "/ready", port: "readiness-probe", scheme: "HTTP" } },
              securityContext: { allowPrivilegeEscalation: false, capabilities: { add: ["NET_BIND_SERVICE"], drop: ["ALL"] }, readOnlyRootFilesystem: true },
            },
          ],
          dnsPolicy: "Default",
          volumes: [{ name: "config-volume", configMap: { name: "coredns", items: [{ key: "Corefile", path: "Corefile" }] } }],
        },
      },
    },
  };
}

/** The image of minikube v1.37's metrics-server addon. */
export const METRICS_SERVER_IMAGE = "registry.k8s.io/metrics-server/metrics-server:v0.8.0";

/**
 * What `minikube addons enable metrics-server` applies (deploy/addons/metrics-server): the
 * service account and its RBAC, the Service, the Deployment and the APIService that registers
 * metrics.k8s.io/v1beta1 with the aggregation layer. (Its pod's priorityClassName,
 * system-cluster-critical, is left out as CoreDNS's is: ksim has no PriorityClasses.)
 */
export function metricsServerAddon(): KubeObject[] {
  const addon = { "kubernetes.io/minikube-addons": "metrics-server", "addonmanager.kubernetes.io/mode": "Reconcile" };
  const labels = { "k8s-app": "metrics-server", ...addon };
  const meta = (name: string, namespace?: string, extra: Record<string, string> = {}) => ({ name, ...(namespace ? { namespace } : {}), labels: { ...labels, ...extra } });
  const sa = { kind: "ServiceAccount", name: "metrics-server", namespace: "kube-system" };
  const rbac = "rbac.authorization.k8s.io/v1";
  const probe = (path: string) => ({ httpGet: { path, port: "https", scheme: "HTTPS" }, periodSeconds: 10, failureThreshold: 3 });
  const objects: KubeObject[] = [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: meta("metrics-server", "kube-system") } as ServiceAccount,
    {
      apiVersion: rbac,
      kind: "ClusterRole",
      metadata: meta("system:aggregated-metrics-reader", undefined, {
        "rbac.authorization.k8s.io/aggregate-to-admin": "true",
        "rbac.authorization.k8s.io/aggregate-to-edit": "true",
        "rbac.authorization.k8s.io/aggregate-to-view": "true",
      }),
      rules: [{ apiGroups: ["metrics.k8s.io"], resources: ["pods", "nodes"], verbs: ["get", "list", "watch"] }],
    } as ClusterRole,
    {
      apiVersion: rbac,
      kind: "RoleBinding",
      metadata: meta("metrics-server-auth-reader", "kube-system"),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "extension-apiserver-authentication-reader" },
      subjects: [sa],
    } as RoleBinding,
    {
      apiVersion: rbac,
      kind: "ClusterRoleBinding",
      metadata: meta("metrics-server:system:auth-delegator"),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:auth-delegator" },
      subjects: [sa],
    } as ClusterRoleBinding,
    {
      apiVersion: rbac,
      kind: "ClusterRole",
      metadata: meta("system:metrics-server"),
      rules: [
        { apiGroups: [""], resources: ["nodes/metrics"], verbs: ["get"] },
        { apiGroups: [""], resources: ["pods", "nodes"], verbs: ["get", "list", "watch"] },
      ],
    } as ClusterRole,
    {
      apiVersion: rbac,
      kind: "ClusterRoleBinding",
      metadata: meta("system:metrics-server"),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:metrics-server" },
      subjects: [sa],
    } as ClusterRoleBinding,
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: {
        name: "metrics-server",
        namespace: "kube-system",
        labels: { "kubernetes.io/name": "Metrics-server", ...addon, "kubernetes.io/minikube-addons-endpoint": "metrics-server" },
      },
      spec: { selector: { "k8s-app": "metrics-server" }, ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: "https" }] },
    } as Service,
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: meta("metrics-server", "kube-system"),
      spec: {
        selector: { matchLabels: { "k8s-app": "metrics-server" } },
        strategy: { rollingUpdate: { maxUnavailable: 0 } },
        template: {
          metadata: { name: "metrics-server", labels: { "k8s-app": "metrics-server" } },
          spec: {
            serviceAccountName: "metrics-server",
            volumes: [{ name: "tmp-dir", emptyDir: {} }],
            containers: [
              {
                name: "metrics-server",
                image: METRICS_SERVER_IMAGE,
                imagePullPolicy: "IfNotPresent",
                args: [
                  "--cert-dir=/tmp",
                  "--secure-port=4443",
                  "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
                  "--kubelet-use-node-status-port",
                  "--metric-resolution=60s",
                  "--kubelet-insecure-tls",
                ],
                ports: [{ containerPort: 4443, name: "https", protocol: "TCP" }],
                livenessProbe: probe("/livez"),
                readinessProbe: probe("/readyz"),
                resources: { requests: { cpu: "100m", memory: "200Mi" } },
                securityContext: { readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 1000 },
                volumeMounts: [{ name: "tmp-dir", mountPath: "/tmp" }],
              },
            ],
          },
        },
      },
    } as Deployment,
    {
      apiVersion: "apiregistration.k8s.io/v1",
      kind: "APIService",
      metadata: meta("v1beta1.metrics.k8s.io"),
      spec: {
        service: { name: "metrics-server", namespace: "kube-system" },
        group: "metrics.k8s.io",
        version: "v1beta1",
        insecureSkipTLSVerify: true,
        groupPriorityMinimum: 100,
        versionPriority: 100,
      },
    } as APIService,
  ];
  return objects;
}
