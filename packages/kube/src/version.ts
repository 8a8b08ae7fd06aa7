/** The Kubernetes release ksim behaves as: the API server, kubelets, kubectl and add-on images. */
export const KUBERNETES_VERSION = "v1.35.0";

/**
 * What the v1.35.0 release binaries report as their build (k8s.io/apimachinery version.Info): the
 * API server's /version published for that release; kubectl from the same release build shares it.
 */
export const KUBERNETES_BUILD = {
  gitCommit: "66452049f3d692768c39c797b21b793dce80314e",
  buildDate: "2025-12-17T12:32:07Z",
  goVersion: "go1.25.5",
} as const;

/**
 * The minikube that writes ksim's kubeconfig (its cluster_info and context_info extensions name
 * it). Unverified pairing: the newest minikube at the time ksim's Kubernetes version was chosen.
 */
export const MINIKUBE_VERSION = "v1.37.0";

/**
 * version.Info in its Go field order. The emulation and compatibility versions are the API
 * server's alone (kubectl's own are empty and omitted).
 */
export function versionInfo(server: boolean): Record<string, string> {
  const [major, minor] = KUBERNETES_VERSION.slice(1).split(".");
  return {
    major: major!,
    minor: minor!,
    ...(server ? { emulationMajor: major!, emulationMinor: minor!, minCompatibilityMajor: major!, minCompatibilityMinor: String(Number(minor) - 1) } : {}),
    gitVersion: KUBERNETES_VERSION,
    gitCommit: KUBERNETES_BUILD.gitCommit,
    gitTreeState: "clean",
    buildDate: KUBERNETES_BUILD.buildDate,
    goVersion: KUBERNETES_BUILD.goVersion,
    compiler: "gc",
    platform: "linux/amd64",
  };
}
