/** The Kubernetes release ksim behaves as: the API server, kubelets, kubectl and add-on images. */
export const KUBERNETES_VERSION = "v1.35.0";

/**
 * The minikube that writes ksim's kubeconfig (its cluster_info and context_info extensions name
 * it). Unverified pairing: the newest minikube at the time ksim's Kubernetes version was chosen.
 */
export const MINIKUBE_VERSION = "v1.37.0";
