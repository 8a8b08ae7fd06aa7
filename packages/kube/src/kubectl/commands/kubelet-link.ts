import { sleep, wait, type Host, type Proc } from "@ksim/sim";
import type { Node, Pod } from "../../api/types.js";
import type { Cluster } from "../../cluster.js";
import { KUBELET_PORT } from "../../kubelet/kubelet-server.js";
import { StatusError } from "./errors.js";
import type { Session } from "./session.js";

/**
 * The API server's side of `exec`, `logs` and `attach`: it dials the kubelet of the pod's node
 * (port 10250), so a node that is down or cut off from the control plane gives the API server's
 * dial error, after its 30 s dial timeout.
 */
const DIAL_TIMEOUT_MS = 30_000;
/** Where Cluster puts the API server (it does not export it; see the report). */
const CONTROL_PLANE_IP = "192.168.49.1";

export function controlPlaneHost(cluster: Cluster): Host {
  const host = cluster.network.lookup(CONTROL_PLANE_IP);
  if (host === undefined) throw new Error("the cluster has no control plane host");
  return host;
}

/** The API server's port on the control plane (minikube's 8443). */
const API_PORT = 8443;

/** The API server's URL, as the kubeconfig and `kubectl cluster-info` give it. */
export function apiServerUrl(cluster: Cluster): string {
  return `https://${controlPlaneHost(cluster).ip ?? ""}:${API_PORT}`;
}

/** `dial tcp 192.168.49.3:10250`: the node's InternalIP and the kubelet port. */
function kubeletAddress(s: Session, pod: Pod): string {
  const node = s.api.get<Node>("Node", undefined, pod.spec.nodeName!);
  const ip = node?.status?.addresses?.find((a) => a.type === "InternalIP")?.address ?? "";
  const port = node?.status?.daemonEndpoints?.kubeletEndpoint?.Port ?? KUBELET_PORT;
  return `${ip}:${port}`;
}

/**
 * Connects the API server to the kubelet of `pod`'s node. Returns the address; when the node
 * cannot be reached, waits out the dial timeout and throws what the API server answers, built
 * by `message` from the dial error (exec: `error dialing backend: …`; logs: `Get "…": …`).
 */
export function* dialKubelet(s: Session, pod: Pod, message: (address: string, dialError: string) => string): Proc<string> {
  const address = kubeletAddress(s, pod);
  const kubelet = s.cluster.kubelets.get(pod.spec.nodeName!);
  if (kubelet === undefined || s.cluster.network.blocked(controlPlaneHost(s.cluster), kubelet.host)) {
    yield* wait(sleep(s.sim, DIAL_TIMEOUT_MS));
    throw new StatusError("", message(address, `dial tcp ${address}: i/o timeout`));
  }
  return address;
}
