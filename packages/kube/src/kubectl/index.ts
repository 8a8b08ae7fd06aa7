import type { Cluster } from "../cluster.js";
import type { ImageRegistry } from "../runtime/image.js";
import { minikubeProgram } from "./commands/minikube.js";
import { kubectlProgram } from "./commands/program.js";
import { DEFAULT_OPTIONS, type KubectlOptions } from "./commands/session.js";

export { bundledUrl, EXAMPLE_FILES } from "../examples/index.js";
export type { KubectlOptions } from "./commands/session.js";

/** The program ids an image file names to run kubectl and minikube (`nativeBinary(KUBECTL_PROGRAM)`). */
export const KUBECTL_PROGRAM = "kubectl:kubectl";
export const MINIKUBE_PROGRAM = "minikube:minikube";

/**
 * Registers `kubectl` and `minikube` as programs working against `cluster`, for a host
 * machine's filesystem to run (`/usr/local/bin/kubectl` holding `nativeBinary("kubectl:kubectl")`).
 */
export function registerKubectl(registry: ImageRegistry, cluster: Cluster, options: Partial<KubectlOptions> = {}): void {
  registry.registerProgram(KUBECTL_PROGRAM, kubectlProgram(cluster, { ...DEFAULT_OPTIONS, ...options }));
  registry.registerProgram(MINIKUBE_PROGRAM, minikubeProgram(cluster));
}
