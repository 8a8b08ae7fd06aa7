/** The Kubernetes release ksim behaves as: the API server, kubelets, kubectl and add-on images. */
export const KUBERNETES_VERSION = "v1.35.0";
