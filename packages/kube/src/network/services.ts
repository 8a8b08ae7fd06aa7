import type { Address, Host, Random, Translation } from "@ksim/sim";
import { ApiError } from "../api/errors.js";
import type { ApiServer } from "../api/server.js";
import type { Endpoints, Service } from "../api/types.js";

/** The service CIDR's well-known addresses. */
export const KUBERNETES_SERVICE_IP = "10.96.0.1";
export const DNS_SERVICE_IP = "10.96.0.10";
const NODE_PORT_MIN = 30000;
const NODE_PORT_MAX = 32767;

/**
 * What the API server does for Services at creation: a ClusterIP from 10.96.0.0/12 (dynamic
 * allocations from the upper band, as ServiceIPStaticSubrange does) and NodePorts from
 * 30000–32767 for NodePort and LoadBalancer services.
 */
export class ServiceAllocator {
  private readonly usedIps = new Set<string>([KUBERNETES_SERVICE_IP, DNS_SERVICE_IP]);
  private readonly usedPorts = new Set<number>();

  constructor(private readonly random: Random) {}

  admit(svc: Service): Service {
    const spec = { ...svc.spec };
    if (spec.type !== "ExternalName") {
      if (spec.clusterIP === undefined || spec.clusterIP === "") spec.clusterIP = this.allocateIp();
      else if (spec.clusterIP !== "None") {
        if (this.usedIps.has(spec.clusterIP) && spec.clusterIP !== KUBERNETES_SERVICE_IP && spec.clusterIP !== DNS_SERVICE_IP) {
          throw new ApiError("Invalid", `Service "${svc.metadata.name}" is invalid: spec.clusterIPs: Invalid value: []string{"${spec.clusterIP}"}: failed to allocate IP ${spec.clusterIP}: provided IP is already allocated`);
        }
        this.usedIps.add(spec.clusterIP);
      }
      spec.clusterIPs = [spec.clusterIP];
    }
    if (spec.type === "NodePort" || spec.type === "LoadBalancer") {
      spec.ports = (spec.ports ?? []).map((p) => {
        if (p.nodePort !== undefined) {
          this.usedPorts.add(p.nodePort);
          return p;
        }
        return { ...p, nodePort: this.allocatePort() };
      });
    }
    return { ...svc, spec };
  }

  release(svc: Service): void {
    if (svc.spec.clusterIP && svc.spec.clusterIP !== "None") this.usedIps.delete(svc.spec.clusterIP);
    for (const p of svc.spec.ports ?? []) if (p.nodePort !== undefined) this.usedPorts.delete(p.nodePort);
  }

  private allocateIp(): string {
    for (;;) {
      // 10.96.0.0/12 is 10.96.0.0–10.111.255.255; the low /24-ish band is kept for static IPs.
      const n = this.random.int(256, (16 << 16) - 2);
      const ip = `10.${96 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
      if ((n & 255) !== 0 && (n & 255) !== 255 && !this.usedIps.has(ip)) {
        this.usedIps.add(ip);
        return ip;
      }
    }
  }

  private allocatePort(): number {
    for (;;) {
      const p = this.random.int(NODE_PORT_MIN, NODE_PORT_MAX);
      if (!this.usedPorts.has(p)) {
        this.usedPorts.add(p);
        return p;
      }
    }
  }
}

/** What kube-proxy knows of the node an address belongs to. */
export interface ProxyNode {
  readonly name: string;
  /** The node's end of its pod bridge (the first address of its pod CIDR). */
  readonly bridgeIp: string;
}

/**
 * kube-proxy in iptables mode: a connection to a ClusterIP:port (or a node's NodePort) goes to
 * one ready endpoint chosen at random; a service without endpoints rejects the connection.
 * NodePort traffic is masqueraded (externalTrafficPolicy: Cluster): the pod sees the node's
 * bridge address when it runs on the node that took the connection, else that node's address.
 */
export class ServiceProxy {
  private readonly byClusterIp = new Map<string, Service>();
  private readonly byNodePort = new Map<number, Service>();

  constructor(
    private readonly api: ApiServer,
    private readonly random: Random,
    private readonly nodeAt: (ip: string) => ProxyNode | undefined,
  ) {
    for (const s of api.list<Service>("Service")) this.index(s, true);
    api.watch<Service>("Service", (e) => {
      if (e.previous !== undefined) this.index(e.previous, false);
      if (e.type !== "DELETED") this.index(e.object, true);
    });
  }

  private index(svc: Service, add: boolean): void {
    const ip = svc.spec.clusterIP;
    if (ip && ip !== "None") {
      if (add) this.byClusterIp.set(ip, svc);
      else if (this.byClusterIp.get(ip)?.metadata.uid === svc.metadata.uid) this.byClusterIp.delete(ip);
    }
    for (const p of svc.spec.ports ?? []) {
      if (p.nodePort === undefined) continue;
      if (add) this.byNodePort.set(p.nodePort, svc);
      else if (this.byNodePort.get(p.nodePort)?.metadata.uid === svc.metadata.uid) this.byNodePort.delete(p.nodePort);
    }
  }

  /** The Network's translate hook. */
  translate(_from: Host, to: Address): Translation | null | undefined {
    let svc = this.byClusterIp.get(to.ip);
    let port = svc?.spec.ports?.find((p) => p.port === to.port);
    let node: ProxyNode | undefined;
    // Checking the port first spares the node lookup for the many connections that are not NodePorts.
    if (svc === undefined && this.byNodePort.has(to.port) && (node = this.nodeAt(to.ip)) !== undefined) {
      svc = this.byNodePort.get(to.port);
      port = svc?.spec.ports?.find((p) => p.nodePort === to.port);
    }
    if (svc === undefined) return undefined;
    if (port === undefined) return null;
    const ep = this.api.get<Endpoints>("Endpoints", svc.metadata.namespace, svc.metadata.name!);
    const candidates: { address: Address; nodeName: string | undefined }[] = [];
    for (const subset of ep?.subsets ?? []) {
      const target = subset.ports?.find((p) => (p.name ?? "") === (port!.name ?? "")) ?? (subset.ports?.length === 1 ? subset.ports[0] : undefined);
      if (target === undefined) continue;
      for (const a of subset.addresses ?? []) candidates.push({ address: { ip: a.ip, port: target.port }, nodeName: a.nodeName });
    }
    if (candidates.length === 0) return null;
    const chosen = this.random.choice(candidates);
    if (node === undefined) return chosen.address;
    return { ...chosen.address, sourceIp: chosen.nodeName === node.name ? node.bridgeIp : to.ip };
  }
}
