import { CLUSTER_CA_CERT } from "../api/cluster-ca.js";
import { jsonEqual } from "../api/json-value.js";
import type { ConfigMap, KubeObject, Namespace, ServiceAccount } from "../api/types.js";
import type { ControllerContext } from "./context.js";
import { WorkQueue } from "./workqueue.js";

/** RootCACertConfigMapName and its description annotation (pkg/controller/certificates/rootcacertpublisher). */
export const ROOT_CA_CONFIGMAP = "kube-root-ca.crt";
const DESCRIPTION =
  "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. " +
  "No other usage is guaranteed across distributions of Kubernetes clusters.";

/**
 * What every namespace holds as soon as it exists, each kept by its own controller in
 * kube-controller-manager: the `default` ServiceAccount (serviceaccounts-controller) and the
 * `kube-root-ca.crt` ConfigMap (root-ca-cert-publisher). Deleting either brings it back; editing
 * the ConfigMap's data is undone.
 */
export class NamespaceDefaultsController {
  private readonly queue: WorkQueue;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue(ctx.sim, "namespace-defaults", (ns) => this.sync(ns));
  }

  start(): void {
    const api = this.ctx.api;
    for (const ns of api.list<Namespace>("Namespace")) this.queue.add(ns.metadata.name!);
    api.watch<Namespace>("Namespace", (e) => {
      if (e.type !== "DELETED") this.queue.add(e.object.metadata.name!);
    });
    const requeue = (name: string) => (e: { object: KubeObject }) => {
      if (e.object.metadata.name === name) this.queue.add(e.object.metadata.namespace!);
    };
    api.watch<ServiceAccount>("ServiceAccount", requeue("default"));
    api.watch<ConfigMap>("ConfigMap", requeue(ROOT_CA_CONFIGMAP));
  }

  private sync(namespace: string): void {
    const api = this.ctx.api;
    const ns = api.get<Namespace>("Namespace", undefined, namespace);
    if (ns === undefined || ns.metadata.deletionTimestamp !== undefined) return;
    if (api.get("ServiceAccount", namespace, "default") === undefined) {
      api.create<ServiceAccount>({ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default", namespace } });
    }
    const cm = api.get<ConfigMap>("ConfigMap", namespace, ROOT_CA_CONFIGMAP);
    const data = { "ca.crt": CLUSTER_CA_CERT };
    if (cm === undefined) {
      api.create<ConfigMap>({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: ROOT_CA_CONFIGMAP, namespace, annotations: { "kubernetes.io/description": DESCRIPTION } }, data });
    } else if (!jsonEqual(cm.data, data)) {
      api.mutate<ConfigMap>("ConfigMap", namespace, ROOT_CA_CONFIGMAP, (c) => void (c.data = data));
    }
  }
}
