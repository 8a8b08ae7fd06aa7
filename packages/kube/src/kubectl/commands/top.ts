import type { Proc } from "@ksim/sim";
import { ALL_NAMESPACES_FLAG, SELECTOR_FLAG, type Command } from "./command.js";

/**
 * `kubectl top node|pod`: the cluster runs no metrics-server (kubeadm and minikube do not install
 * it), so the metrics.k8s.io API is missing and kubectl says so, as it does on such a cluster.
 */
function* metricsUnavailable(): Proc<number> {
  throw new Error("Metrics API not available");
}

const COMMON_FLAGS = [SELECTOR_FLAG, { name: "sort-by", type: "string" as const }, { name: "no-headers", type: "bool" as const }, { name: "show-capacity", type: "bool" as const }];

export const topCommand: Command = {
  name: "top",
  short: "Display resource (CPU/memory) usage",
  long: "Display resource (CPU/memory) usage.\n\n The top command allows you to see the resource consumption for nodes or pods.\n\n This command requires Metrics Server to be correctly configured and working on the server.",
  usage: "[flags]",
  subcommands: [
    { name: "node", aliases: ["nodes", "no"], short: "Display resource (CPU/memory) usage of nodes", usage: "[NAME | -l label]", flags: COMMON_FLAGS, run: metricsUnavailable },
    {
      name: "pod",
      aliases: ["pods", "po"],
      short: "Display resource (CPU/memory) usage of pods",
      usage: "[NAME | -l label]",
      flags: [...COMMON_FLAGS, ALL_NAMESPACES_FLAG, { name: "containers", type: "bool" }, { name: "field-selector", type: "string" }, { name: "sum", type: "bool" }],
      run: metricsUnavailable,
    },
  ],
};
