import type { Proc } from "@ksim/sim";
import { apiVersionOf, RESOURCE_TYPES } from "../../api/resources.js";
import { KUBERNETES_VERSION, versionInfo } from "../../version.js";
import type { Service } from "../../api/types.js";
import { apiResourcesTable, goYaml, versionText } from "../output/index.js";
import { OUTPUT_FLAG, type Command, type Invocation } from "./command.js";
import { contextFor } from "./config.js";
import { ExitError } from "./errors.js";
import { apiServerUrl } from "./kubelet-link.js";

/** The kustomize kubectl 1.35 embeds. */
const KUSTOMIZE_VERSION = "v5.7.1";


/** `kubectl version [--client] [-o json|yaml]`. */
export const versionCommand: Command = {
  name: "version",
  short: "Print the client and server version information",
  usage: "[flags]",
  flags: [{ name: "client", type: "bool" }, OUTPUT_FLAG],
  // The client's lines print even when the kubeconfig leads nowhere; then the error follows.
  local: true,
  run: function* ({ s, flags }: Invocation): Proc<number> {
    const output = flags.string("output");
    if (output !== "" && output !== "yaml" && output !== "json") throw new Error("--output must be 'yaml' or 'json'");
    const choice = flags.bool("client") ? undefined : contextFor(s.ctx, flags);
    const reachable = choice !== undefined && choice.ok;
    // kubectl's Version struct: clientVersion, kustomizeVersion, then serverVersion when it was asked for and answered.
    const info = { clientVersion: versionInfo(false), kustomizeVersion: KUSTOMIZE_VERSION, ...(reachable ? { serverVersion: versionInfo(true) } : {}) };
    if (output === "json") s.out(`${JSON.stringify(info, null, 2)}\n`);
    else if (output === "yaml") s.out(`${goYaml(info)}\n`);
    else s.out(versionText({ client: KUBERNETES_VERSION, kustomize: KUSTOMIZE_VERSION, ...(reachable ? { server: KUBERNETES_VERSION } : {}) }));
    if (choice !== undefined && !choice.ok) throw new ExitError(choice.message, 1);
    return 0;
  },
};

/** `kubectl api-resources`. */
export const apiResourcesCommand: Command = {
  name: "api-resources",
  short: "Print the supported API resources on the server",
  usage: "[flags]",
  flags: [OUTPUT_FLAG, { name: "no-headers", type: "bool" }, { name: "namespaced", type: "bool" }, { name: "api-group", type: "string" }],
  run: function* ({ s, flags }: Invocation): Proc<number> {
    let types = RESOURCE_TYPES;
    if (flags.changed("namespaced")) types = types.filter((t) => t.namespaced === flags.bool("namespaced"));
    if (flags.changed("api-group")) types = types.filter((t) => t.group === flags.string("api-group"));
    const output = flags.string("output");
    if (output === "name") {
      s.out(types.map((t) => (t.group === "" ? t.plural : `${t.plural}.${t.group}`)).sort().map((n) => `${n}\n`).join(""));
      return 0;
    }
    if (output !== "") throw new Error(`--output ${output} is not available`);
    s.out(apiResourcesTable(types, { noHeaders: flags.bool("no-headers") }));
    return 0;
  },
};

/** `kubectl api-versions`: the group/versions the API server serves, sorted as kubectl sorts them. */
export const apiVersionsCommand: Command = {
  name: "api-versions",
  short: "Print the supported API versions on the server, in the form of \"group/version\"",
  usage: "",
  run: function* ({ s }: Invocation): Proc<number> {
    const versions = new Set(RESOURCE_TYPES.map(apiVersionOf));
    s.out([...versions].sort().map((v) => `${v}\n`).join(""));
    return 0;
  },
};

/** `kubectl cluster-info`: the API server, then the cluster services of kube-system. */
export const clusterInfoCommand: Command = {
  name: "cluster-info",
  short: "Display cluster information",
  usage: "[flags]",
  run: function* ({ s }: Invocation): Proc<number> {
    const server = apiServerUrl(s.cluster);
    s.out(`Kubernetes control plane is running at ${server}\n`);
    for (const svc of s.list<Service>("Service", "kube-system")) {
      if (svc.metadata.labels?.["kubernetes.io/cluster-service"] !== "true") continue;
      const port = svc.spec.ports?.[0];
      const scheme = port !== undefined && (port.name === "https" || port.port === 443) ? "https:" : "";
      const target = port === undefined ? svc.metadata.name! : `${scheme}${svc.metadata.name}:${port.name ?? ""}`;
      const title = svc.metadata.labels["kubernetes.io/name"] ?? svc.metadata.name!;
      s.out(`${title} is running at ${server}/api/v1/namespaces/kube-system/services/${target}/proxy\n`);
    }
    s.out("\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n");
    return 0;
  },
  subcommands: [
    {
      name: "dump",
      short: "Dump relevant information for debugging and diagnosis",
      usage: "[flags]",
      // Its lists are typed objects, printed in the Go structs' field order, which ksim does not keep.
      run: function* (): Proc<number> {
        throw new Error('"kubectl cluster-info dump" is not available in ksim');
      },
    },
  ],
};
