import type {
  EndpointAddress,
  EndpointPort,
  Endpoints,
  EndpointSlice,
  EndpointSubset,
  Pod,
  Service,
  ServicePort,
} from "../api/types.js";
import { jsonEqual } from "../api/json-value.js";
import type { ControllerContext } from "./context.js";
import { LabelIndex } from "./label-index.js";
import { isPodReady, isTerminating, keyOf, splitKey } from "./pod-util.js";
import { WorkQueue } from "./workqueue.js";

const COMPONENT = "endpoint-controller";
const SLICE_MANAGER = "endpointslice-controller.k8s.io";

/**
 * The endpoints and endpointslice controllers: for every Service with a selector, the pod IPs
 * behind it — Ready pods as addresses, the others as notReadyAddresses (all of them ready when
 * publishNotReadyAddresses) — with the hostnames of pods whose subdomain is the service.
 */
export class EndpointsController {
  readonly queue: WorkQueue;
  private readonly pods: LabelIndex<Pod>;
  /**
   * Services by namespace and one of their selector pairs (label key, then value), to find the
   * services a pod may belong to. Nested rather than keyed by `ns/key=value`: every pod change
   * looks up each of its labels, and the pod's own strings need no new key built from them.
   */
  private readonly servicesByPair = new Map<string | undefined, Map<string, Map<string, Set<string>>>>();
  private readonly sliceNames = new Map<string, string>();
  /**
   * Services whose next sync, given the pods its last sync read, would write nothing, with what
   * it would read that no pod event reports: the service, and the Endpoints and EndpointSlice
   * that sync left (kept, or written and found as a sync would want them). A pod event that
   * changes no listed pod (one with an IP that has not finished) still queues the service, so the
   * queue's order is what it always was, but its sync would read the same inputs and write
   * nothing, so it is skipped.
   */
  private readonly idle = new Map<string, { svc: Service; endpoints: Endpoints | undefined; slice: EndpointSlice | undefined }>();

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue(ctx.sim, COMPONENT, (key) => this.sync(key));
    this.pods = LabelIndex.of(ctx.api.store, "Pod");
  }

  start(): void {
    const api = this.ctx.api;
    api.watch<Service>("Service", (e) => {
      this.indexService(e.previous, false);
      if (e.type !== "DELETED") this.indexService(e.object, true);
      this.enqueue(keyOf(e.object));
    });
    api.watch<Pod>("Pod", (e) => {
      if (e.type === "MODIFIED" && !endpointsChanged(e.previous!, e.object)) return;
      // A pod that is listed neither before nor after (no IP yet, or finished) is in no sync's input.
      const changed = isListed(e.object) || (e.previous !== undefined && isListed(e.previous));
      if (e.previous !== undefined) this.enqueueServicesOf(e.previous, changed);
      this.enqueueServicesOf(e.object, changed);
    });
    for (const s of api.list<Service>("Service")) {
      this.indexService(s, true);
      this.queue.add(keyOf(s));
    }
  }

  private enqueueServicesOf(pod: Pod, changed: boolean): void {
    const byKey = this.servicesByPair.get(pod.metadata.namespace);
    if (byKey === undefined) return;
    const labels = pod.metadata.labels;
    for (const k in labels) {
      const services = byKey.get(k)?.get(labels[k]!);
      if (services === undefined) continue;
      for (const svc of services) {
        if (changed) this.enqueue(svc);
        else this.queue.add(svc);
      }
    }
  }

  /** Queues a service whose inputs may have changed: its next sync runs in full. */
  private enqueue(key: string): void {
    this.idle.delete(key);
    this.queue.add(key);
  }

  private indexService(svc: Service | undefined, add: boolean): void {
    if (svc === undefined) return;
    const first = Object.entries(svc.spec.selector ?? {})[0];
    if (first === undefined) return;
    const [k, v] = first;
    let byKey = this.servicesByPair.get(svc.metadata.namespace);
    let byValue = byKey?.get(k);
    let s = byValue?.get(v);
    if (add) {
      if (byKey === undefined) this.servicesByPair.set(svc.metadata.namespace, (byKey = new Map()));
      if (byValue === undefined) byKey.set(k, (byValue = new Map()));
      if (s === undefined) byValue.set(v, (s = new Set()));
      s.add(keyOf(svc));
    } else {
      s?.delete(keyOf(svc));
    }
  }

  sync(key: string): void {
    const [namespace, name] = splitKey(key);
    const api = this.ctx.api;
    const svc = api.get<Service>("Service", namespace, name);
    if (svc === undefined) {
      if (api.get("Endpoints", namespace, name) !== undefined) api.delete("Endpoints", namespace, name);
      const slice = this.sliceNames.get(key);
      if (slice !== undefined && api.get("EndpointSlice", namespace, slice) !== undefined) api.delete("EndpointSlice", namespace, slice);
      this.sliceNames.delete(key);
      this.idle.delete(key);
      return;
    }
    if (svc.spec.selector === undefined || svc.spec.type === "ExternalName") return;
    const endpoints = api.get<Endpoints>("Endpoints", namespace, name);
    const sliceName = this.sliceNames.get(key);
    const slice = sliceName === undefined ? undefined : api.get<EndpointSlice>("EndpointSlice", namespace, sliceName);
    const idle = this.idle.get(key);
    if (idle !== undefined && idle.svc === svc && idle.endpoints === endpoints && idle.slice === slice) return;
    this.idle.delete(key);
    const podsRead = api.store.kindVersion("Pod");
    const pods = this.pods
      .matching(namespace, svc.spec.selector)
      .filter(isListed)
      .sort((a, b) => byLocale.compare(a.metadata.name!, b.metadata.name!));
    const kept = this.writeEndpoints(svc, pods, endpoints);
    const keptSlice = this.writeSlice(svc, pods, slice);
    // A pod changed by a watcher of these writes would not have been read.
    if (kept !== undefined && keptSlice !== undefined && api.store.kindVersion("Pod") === podsRead) {
      this.idle.set(key, { svc, endpoints: kept, slice: keptSlice });
    }
  }

  /**
   * Writes the service's Endpoints if they differ from what the pods give. Returns the stored
   * Endpoints if a sync with the same inputs would leave them as they are.
   */
  private writeEndpoints(svc: Service, pods: Pod[], existing: Endpoints | undefined): Endpoints | undefined {
    const api = this.ctx.api;
    // Pods with the same ports share a subset; there are seldom more than one or two.
    const subsets: EndpointSubset[] = [];
    for (const pod of pods) {
      if (isTerminating(pod)) continue;
      const ports = resolvePorts(svc.spec.ports ?? [], pod);
      if (ports.length === 0) continue;
      let subset = subsets.find((s) => jsonEqual(s.ports, ports));
      if (subset === undefined) subsets.push((subset = { ports }));
      const address = addressOf(svc, pod);
      if (isPodReady(pod) || svc.spec.publishNotReadyAddresses) (subset.addresses ??= []).push(address);
      else (subset.notReadyAddresses ??= []).push(address);
    }
    for (const s of subsets) {
      s.addresses?.sort(byIp);
      s.notReadyAddresses?.sort(byIp);
    }
    const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
    if (svc.spec.clusterIP === "None") labels["service.kubernetes.io/headless"] = "";
    const desired: Endpoints = {
      apiVersion: "v1",
      kind: "Endpoints",
      metadata: { ...(existing?.metadata ?? {}), name: svc.metadata.name, namespace: svc.metadata.namespace, labels },
    };
    if (subsets.length > 0) desired.subsets = subsets;
    // Labels compare as apimachinery's Semantic.DeepEqual does: no map equals an empty one.
    const wanted = (e: Endpoints) => jsonEqual(e.subsets, desired.subsets) && jsonEqual(e.metadata.labels ?? {}, labels);
    if (existing !== undefined && wanted(existing)) return existing;
    const stored = existing === undefined ? api.create(desired) : api.update({ ...desired, metadata: { ...desired.metadata, resourceVersion: undefined } });
    // Admission may store something other than what was written, which the next sync would write again.
    return wanted(stored) ? stored : undefined;
  }

  /** As writeEndpoints, for the service's EndpointSlice. */
  private writeSlice(svc: Service, pods: Pod[], existing: EndpointSlice | undefined): EndpointSlice | undefined {
    const api = this.ctx.api;
    const key = keyOf(svc);
    const ports = (svc.spec.ports ?? []).map((p): EndpointPort => ({ name: p.name ?? "", port: typeof p.targetPort === "number" ? p.targetPort : p.port, protocol: p.protocol ?? "TCP" }));
    const endpoints: EndpointSlice["endpoints"] = pods.map((pod) => {
      const ready = isPodReady(pod) && !isTerminating(pod);
      const e: EndpointSlice["endpoints"][number] = {
        addresses: [pod.status!.podIP!],
        conditions: { ready: ready || (svc.spec.publishNotReadyAddresses ?? false), serving: isPodReady(pod), terminating: isTerminating(pod) },
        nodeName: pod.spec.nodeName,
        targetRef: { kind: "Pod", namespace: pod.metadata.namespace, name: pod.metadata.name!, uid: pod.metadata.uid },
      };
      const hostname = hostnameFor(svc, pod);
      if (hostname !== undefined) e.hostname = hostname;
      return e;
    });
    const slice: EndpointSlice = {
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: {
        ...(existing?.metadata ?? {}),
        generateName: `${svc.metadata.name}-`,
        namespace: svc.metadata.namespace,
        labels: {
          ...(svc.metadata.labels ?? {}),
          "kubernetes.io/service-name": svc.metadata.name!,
          "endpointslice.kubernetes.io/managed-by": SLICE_MANAGER,
        },
        ownerReferences: [{ apiVersion: "v1", kind: "Service", name: svc.metadata.name!, uid: svc.metadata.uid!, controller: true, blockOwnerDeletion: true }],
      },
      addressType: "IPv4",
      endpoints,
      ports,
    };
    const wanted = (s: EndpointSlice) => jsonEqual(s.endpoints, endpoints) && jsonEqual(s.ports, ports);
    if (existing !== undefined && wanted(existing)) return existing;
    let stored: EndpointSlice;
    if (existing === undefined) this.sliceNames.set(key, (stored = api.create(slice)).metadata.name!);
    else stored = api.update({ ...slice, metadata: { ...slice.metadata, resourceVersion: undefined } });
    return wanted(stored) ? stored : undefined;
  }
}

/** What localeCompare does, without setting up a collator on every call. */
const byLocale = new Intl.Collator();

/**
 * Whether a pod update can change any Endpoints or EndpointSlice (podEndpointsChanged, widened
 * to every pod field sync reads): most pod updates are status writes that change none of them.
 */
function endpointsChanged(old: Pod, pod: Pod): boolean {
  return (
    !jsonEqual(old.metadata.labels, pod.metadata.labels) ||
    old.metadata.deletionTimestamp !== pod.metadata.deletionTimestamp ||
    isPodReady(old) !== isPodReady(pod) ||
    old.status?.podIP !== pod.status?.podIP ||
    isTerminal(old) !== isTerminal(pod) ||
    old.spec !== pod.spec
  );
}

/** Whether sync lists the pod, as an address or a not-ready one. */
function isListed(pod: Pod): boolean {
  return pod.status?.podIP !== undefined && !isTerminal(pod);
}

function isTerminal(pod: Pod): boolean {
  return pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
}

function byIp(a: EndpointAddress, b: EndpointAddress): number {
  return a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0;
}

function hostnameFor(svc: Service, pod: Pod): string | undefined {
  return pod.spec.hostname && pod.spec.subdomain === svc.metadata.name && pod.metadata.namespace === svc.metadata.namespace
    ? pod.spec.hostname
    : undefined;
}

function addressOf(svc: Service, pod: Pod): EndpointAddress {
  const a: EndpointAddress = {
    ip: pod.status!.podIP!,
    nodeName: pod.spec.nodeName,
    targetRef: { kind: "Pod", namespace: pod.metadata.namespace, name: pod.metadata.name!, uid: pod.metadata.uid },
  };
  const hostname = hostnameFor(svc, pod);
  if (hostname !== undefined) a.hostname = hostname;
  return a;
}

/** Service ports mapped onto the pod's container ports (a named targetPort must exist in the pod). */
function resolvePorts(ports: ServicePort[], pod: Pod): EndpointPort[] {
  const out: EndpointPort[] = [];
  for (const sp of ports) {
    const target = sp.targetPort ?? sp.port;
    let port: number | undefined;
    if (typeof target === "number") port = target;
    else if (/^\d+$/.test(target)) port = Number(target);
    else {
      for (const c of pod.spec.containers) {
        const cp = c.ports?.find((p) => p.name === target && (p.protocol ?? "TCP") === (sp.protocol ?? "TCP"));
        if (cp !== undefined) port = cp.containerPort;
      }
    }
    if (port === undefined) continue;
    const ep: EndpointPort = { port, protocol: sp.protocol ?? "TCP" };
    if (sp.name) ep.name = sp.name;
    out.push(ep);
  }
  return out;
}
