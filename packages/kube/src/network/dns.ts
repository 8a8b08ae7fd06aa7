import type { Host, Network } from "@ksim/sim";
import type { ApiServer } from "../api/server.js";
import type { EndpointAddress, Endpoints, Service } from "../api/types.js";

export const CLUSTER_DOMAIN = "cluster.local";

/**
 * Cluster DNS with CoreDNS's kubernetes plugin semantics: `svc.ns.svc.cluster.local` answers
 * the ClusterIP, or every ready endpoint for a headless service; `host.svc.ns.svc.cluster.local`
 * answers a pod of a headless service by its hostname (only once it is Ready, unless the
 * service publishes not-ready addresses); `a-b-c-d.ns.pod.cluster.local` answers itself; and
 * reverse lookups name service IPs and headless endpoints.
 */
export class ClusterDns {
  constructor(
    private readonly api: ApiServer,
    /**
     * When CoreDNS runs as pods, the network they answer over: a client is served only while a
     * Ready kube-dns endpoint is reachable from it. Without it, the cluster DNS always answers.
     */
    private readonly servedOver?: Network,
  ) {}

  /** Whether a query from `client` reaches a DNS server (a Ready CoreDNS pod it can talk to). */
  reachableFrom(client: Host): boolean {
    const net = this.servedOver;
    if (net === undefined) return true;
    const ep = this.api.get<Endpoints>("Endpoints", "kube-system", "kube-dns");
    for (const subset of ep?.subsets ?? []) {
      for (const a of subset.addresses ?? []) {
        const server = net.lookup(a.ip);
        if (server !== undefined && !net.blocked(client, server) && !net.blocked(server, client)) return true;
      }
    }
    return false;
  }

  /** Resolves a name the way a pod's resolver does: search domains, then the name itself (ndots:5). */
  resolve(name: string, namespace: string | undefined): string[] {
    const trimmed = name.endsWith(".") ? name.slice(0, -1) : name;
    if (/^\d+\.\d+\.\d+\.\d+$/.test(trimmed)) return [trimmed];
    const candidates: string[] = [];
    const dots = trimmed.split(".").length - 1;
    const search = namespace !== undefined ? [`${namespace}.svc.${CLUSTER_DOMAIN}`, `svc.${CLUSTER_DOMAIN}`, CLUSTER_DOMAIN] : [];
    if (!name.endsWith(".") && dots < 5) for (const s of search) candidates.push(`${trimmed}.${s}`);
    candidates.push(trimmed);
    for (const c of candidates) {
      const answer = this.lookup(c);
      if (answer.length > 0) return answer;
    }
    return [];
  }

  /** A records for a fully qualified name. */
  lookup(fqdn: string): string[] {
    const suffix = `.svc.${CLUSTER_DOMAIN}`;
    const podSuffix = `.pod.${CLUSTER_DOMAIN}`;
    if (fqdn.endsWith(podSuffix)) {
      const [dashed, ns] = fqdn.slice(0, -podSuffix.length).split(".");
      return dashed !== undefined && ns !== undefined && /^\d+-\d+-\d+-\d+$/.test(dashed) ? [dashed.replace(/-/g, ".")] : [];
    }
    if (!fqdn.endsWith(suffix)) return [];
    const parts = fqdn.slice(0, -suffix.length).split(".");
    if (parts.length === 2) {
      const [svcName, ns] = parts as [string, string];
      const svc = this.api.get<Service>("Service", ns, svcName);
      if (svc === undefined) return [];
      if (svc.spec.type === "ExternalName") return [];
      if (svc.spec.clusterIP && svc.spec.clusterIP !== "None") return [svc.spec.clusterIP];
      return this.endpointAddresses(svc).map((a) => a.ip);
    }
    if (parts.length === 3) {
      const [host, svcName, ns] = parts as [string, string, string];
      const svc = this.api.get<Service>("Service", ns, svcName);
      if (svc === undefined) return [];
      return this.endpointAddresses(svc).filter((a) => a.hostname === host).map((a) => a.ip);
    }
    return [];
  }

  /** The PTR name for an IP, if the cluster has one. */
  reverse(ip: string): string | undefined {
    for (const svc of this.api.list<Service>("Service")) {
      if (svc.spec.clusterIP === ip) return `${svc.metadata.name}.${svc.metadata.namespace}.svc.${CLUSTER_DOMAIN}`;
    }
    for (const svc of this.api.list<Service>("Service")) {
      if (svc.spec.clusterIP !== "None") continue;
      const a = this.endpointAddresses(svc).find((x) => x.ip === ip);
      if (a !== undefined) {
        const host = a.hostname ?? ip.replace(/\./g, "-");
        return `${host}.${svc.metadata.name}.${svc.metadata.namespace}.svc.${CLUSTER_DOMAIN}`;
      }
    }
    return undefined;
  }

  private endpointAddresses(svc: Service): EndpointAddress[] {
    const ep = this.api.get<Endpoints>("Endpoints", svc.metadata.namespace, svc.metadata.name!);
    const out: EndpointAddress[] = [];
    for (const s of ep?.subsets ?? []) {
      out.push(...(s.addresses ?? []));
      if (svc.spec.publishNotReadyAddresses) out.push(...(s.notReadyAddresses ?? []));
    }
    return out;
  }
}
