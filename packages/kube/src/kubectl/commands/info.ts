import type { Proc } from "@ksim/sim";
import { apiVersionOf, RESOURCE_TYPES, type ResourceType } from "../../api/resources.js";
import { KUBERNETES_VERSION, versionInfo } from "../../version.js";
import type { APIService, Service } from "../../api/types.js";
import { apiResourcesTable, goYaml, versionText } from "../output/index.js";
import { OUTPUT_FLAG, type Command, type Invocation } from "./command.js";
import { contextFor } from "./config.js";
import { ExitError } from "./errors.js";
import type { Session } from "./session.js";
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
    const aggregated = yield* aggregatedResources(s);
    let types: readonly ResourceType[] = [...RESOURCE_TYPES, ...aggregated.types];
    if (flags.changed("namespaced")) types = types.filter((t) => t.namespaced === flags.bool("namespaced"));
    if (flags.changed("api-group")) types = types.filter((t) => t.group === flags.string("api-group"));
    const output = flags.string("output");
    if (output === "name") {
      s.out(types.map((t) => (t.group === "" ? t.plural : `${t.plural}.${t.group}`)).sort().map((n) => `${n}\n`).join(""));
      return 0;
    }
    if (output !== "") throw new Error(`--output ${output} is not available`);
    s.out(apiResourcesTable(types, { noHeaders: flags.bool("no-headers") }));
    if (aggregated.stale.length > 0) {
      throw new Error(`unable to retrieve the complete list of server APIs: ${aggregated.stale.map((gv) => `${gv}: stale GroupVersion discovery: ${gv}`).join(", ")}`);
    }
    return 0;
  },
};

/** The APIServices that name a Service: what discovery lists besides the built-in groups. */
function registeredGroupVersions(s: Session): string[] {
  return s.api
    .list<APIService>("APIService")
    .filter((a) => a.spec.service != null)
    .map((a) => `${a.spec.group}/${a.spec.version}`);
}

/**
 * The resources of the aggregated group/versions, from each extension server's discovery
 * document; an APIService that is not Available is stale, and kubectl says so after the table.
 */
function* aggregatedResources(s: Session): Proc<{ types: ResourceType[]; stale: string[] }> {
  const types: ResourceType[] = [];
  const stale: string[] = [];
  for (const gv of registeredGroupVersions(s).sort()) {
    const [group, version] = gv.split("/") as [string, string];
    const r = yield* s.cluster.aggregator.get(`/apis/${gv}`, {});
    if (r.kind !== "response" || r.status !== 200) {
      stale.push(gv);
      continue;
    }
    const list = JSON.parse(r.body) as { resources?: { name: string; namespaced: boolean; kind: string; shortNames?: string[] }[] };
    for (const res of list.resources ?? []) {
      if (res.name.includes("/")) continue;
      types.push({ group, version, kind: res.kind, plural: res.name, singular: res.kind.toLowerCase(), shortNames: res.shortNames ?? [], namespaced: res.namespaced, categories: [] });
    }
  }
  return { types, stale };
}

/** `kubectl api-versions`: the group/versions the API server serves, sorted as kubectl sorts them. */
export const apiVersionsCommand: Command = {
  name: "api-versions",
  short: "Print the supported API versions on the server, in the form of \"group/version\"",
  usage: "",
  run: function* ({ s }: Invocation): Proc<number> {
    const versions = new Set([...RESOURCE_TYPES.map(apiVersionOf), ...registeredGroupVersions(s)]);
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
