import { mergePodStatus } from "./status.js";
import type { Connection, Host } from "@ksim/sim";
import type { EventRecorder } from "../api/events.js";
import { jsonEqual } from "../api/json-value.js";
import type { ApiServer } from "../api/server.js";
import { microTime } from "../api/time.js";
import type { Lease, Node, Pod, PodStatus } from "../api/types.js";

/** Where kubelets keep their heartbeat Leases, and how long one lasts (the node-monitor grace). */
const NODE_LEASE_NAMESPACE = "kube-node-lease";
const NODE_LEASE_SECONDS = 40;

/** The port kubelets use to reach the API server. */
export const API_PORT = 6443;

/** Messages from a kubelet to the API server. */
export type KubeletMessage =
  | { readonly op: "hello"; readonly node: string }
  | { readonly op: "renew"; readonly node: string }
  | { readonly op: "status"; readonly namespace: string; readonly name: string; readonly uid: string; readonly status: PodStatus }
  | { readonly op: "finalize"; readonly namespace: string; readonly name: string; readonly uid: string }
  | {
      readonly op: "event";
      readonly namespace: string;
      readonly name: string;
      readonly uid: string;
      readonly type: "Normal" | "Warning";
      readonly reason: string;
      readonly message: string;
    };

/** Messages from the API server to a kubelet. */
export type GatewayMessage =
  | { readonly op: "sync"; readonly pods: readonly Pod[] }
  | { readonly op: "pod"; readonly pod: Pod; readonly deleted: boolean }
  | { readonly op: "renewed" };

/**
 * The API server's side of the node connections: kubelets watch the pods bound to their node,
 * post pod statuses and events, confirm deletions and renew their leases — all over the
 * simulated network, so a node cut off from the control plane really is cut off.
 */
export class ApiGateway {
  private readonly nodes = new Map<string, Connection>();

  constructor(
    private readonly api: ApiServer,
    private readonly events: EventRecorder,
    private readonly host: Host,
    private readonly onRenew: (node: string) => void,
  ) {}

  start(): void {
    this.host.listen(API_PORT, (conn) => {
      let node: string | undefined;
      conn.onData = (m) => {
        const msg = m as KubeletMessage;
        if (msg.op === "hello") {
          node = msg.node;
          this.nodes.get(node)?.destroy();
          this.nodes.set(node, conn);
          const pods = this.api.store.podKeysOnNode(node).map((k) => {
            const [ns, name] = k.split("/") as [string, string];
            return this.api.get<Pod>("Pod", ns, name)!;
          });
          conn.send({ op: "sync", pods } satisfies GatewayMessage);
        } else this.handle(msg, conn, node);
      };
      conn.onClose = () => {
        if (node !== undefined && this.nodes.get(node) === conn) this.nodes.delete(node);
      };
      conn.onEnd = () => conn.end();
    });
    this.api.watch<Pod>("Pod", (e) => {
      const targets = new Set<string>();
      if (e.object.spec.nodeName) targets.add(e.object.spec.nodeName);
      if (e.previous?.spec.nodeName) targets.add(e.previous.spec.nodeName);
      for (const n of targets) {
        this.nodes.get(n)?.send({ op: "pod", pod: e.object, deleted: e.type === "DELETED" } satisfies GatewayMessage);
      }
    });
  }

  /**
   * The kubelet's node lease (kube-node-lease/NODE, owned by the Node): created on the first
   * renewal, its renewTime moved on every one after.
   */
  private renewLease(node: string): void {
    const api = this.api;
    const renewTime = microTime(api.sim.epochMs());
    if (api.get<Lease>("Lease", NODE_LEASE_NAMESPACE, node) !== undefined) {
      api.mutate<Lease>("Lease", NODE_LEASE_NAMESPACE, node, (l) => void (l.spec = { ...l.spec, renewTime }));
      return;
    }
    const owner = api.get<Node>("Node", undefined, node);
    api.create<Lease>({
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: {
        name: node,
        namespace: NODE_LEASE_NAMESPACE,
        ...(owner !== undefined ? { ownerReferences: [{ apiVersion: "v1", kind: "Node", name: node, uid: owner.metadata.uid! }] } : {}),
      },
      spec: { holderIdentity: node, leaseDurationSeconds: NODE_LEASE_SECONDS, renewTime },
    });
  }

  private handle(msg: KubeletMessage, conn: Connection, node: string | undefined): void {
    const api = this.api;
    switch (msg.op) {
      case "renew":
        this.renewLease(msg.node);
        this.onRenew(msg.node);
        conn.send({ op: "renewed" } satisfies GatewayMessage);
        return;
      case "status": {
        const pod = api.get<Pod>("Pod", msg.namespace, msg.name);
        if (pod === undefined || pod.metadata.uid !== msg.uid) return;
        const status = mergePodStatus(pod.status, msg.status);
        if (!jsonEqual(pod.status, status)) api.updateStatus({ ...pod, status });
        return;
      }
      case "finalize": {
        const pod = api.get<Pod>("Pod", msg.namespace, msg.name);
        if (pod === undefined || pod.metadata.uid !== msg.uid) return;
        api.delete("Pod", msg.namespace, msg.name, { gracePeriodSeconds: 0, uid: msg.uid });
        return;
      }
      case "event": {
        const pod = api.get<Pod>("Pod", msg.namespace, msg.name);
        const involved = pod?.metadata.uid === msg.uid ? pod : ({ apiVersion: "v1", kind: "Pod", metadata: { namespace: msg.namespace, name: msg.name, uid: msg.uid } } as Pod);
        this.events.record(involved, msg.type, msg.reason, msg.message, "kubelet", node !== undefined && this.nodes.get(node) === conn ? node : undefined);
        return;
      }
      case "hello":
        return;
    }
  }
}
