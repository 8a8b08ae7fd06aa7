/**
 * The server-side table printers of `kubectl get` (kubernetes pkg/printers/internalversion):
 * for each kind, its columns (those with priority 1 appear only with `-o wide`) and the cells of
 * one object's row. Kinds without a printer get kubectl's default NAME/AGE table.
 */
import type {
  AccessMode,
  ConfigMap,
  Container,
  ControllerRevision,
  CronJob,
  DaemonSet,
  Deployment,
  EndpointSlice,
  Endpoints,
  Event,
  Job,
  KubeObject,
  Namespace,
  Node,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
  PodDisruptionBudget,
  ReplicaSet,
  Secret,
  Service,
  Lease,
  RoleBinding,
  Ingress,
  IngressClass,
  IngressRule,
  APIService,
  HorizontalPodAutoscaler,
  NetworkPolicy,
  ServiceAccount,
  StatefulSet,
  StorageClass,
} from "../../api/types.js";
import { age, humanDuration } from "./duration.js";
import { parseTime } from "../../api/time.js";
import { formatLabelSelector } from "../../api/labels.js";
import { formatLabels, labelSelectorString } from "./labels.js";
import { podSummary } from "./pod-status.js";
import { quantityText } from "./quantity.js";

export type Cell = string | number | boolean;

export interface Column {
  readonly name: string;
  /** Shown only with `-o wide`. */
  readonly wide?: boolean;
}

export interface KindTable {
  readonly columns: readonly Column[];
  /** All cells of the row, wide ones included; the printer drops what it does not show. */
  row(obj: KubeObject, now: number): Cell[];
}

const cols = (names: string, wide = ""): Column[] => [
  ...names.split(",").map((name) => ({ name })),
  ...(wide ? wide.split(",").map((name) => ({ name, wide: true })) : []),
];

const TABLES: Record<string, KindTable> = {
  Pod: {
    columns: cols("Name,Ready,Status,Restarts,Age", "IP,Node,Nominated Node,Readiness Gates"),
    row: (o, now) => {
      const pod = o as Pod;
      const s = podSummary(pod, now);
      const status = pod.status ?? {};
      return [
        name(o),
        s.ready,
        s.status,
        s.restarts,
        age(o.metadata.creationTimestamp, now),
        status.podIPs?.[0]?.ip || status.podIP || "<none>",
        pod.spec.nodeName || "<none>",
        status.nominatedNodeName || "<none>",
        readinessGates(pod),
      ];
    },
  },
  StatefulSet: {
    columns: cols("Name,Ready,Age", "Containers,Images"),
    row: (o, now) => {
      const sts = o as StatefulSet;
      return [
        name(o),
        `${sts.status?.readyReplicas ?? 0}/${sts.spec.replicas ?? 1}`,
        age(o.metadata.creationTimestamp, now),
        ...containerCells(sts.spec.template.spec.containers),
      ];
    },
  },
  Deployment: {
    columns: cols("Name,Ready,Up-to-date,Available,Age", "Containers,Images,Selector"),
    row: (o, now) => {
      const d = o as Deployment;
      return [
        name(o),
        `${d.status?.readyReplicas ?? 0}/${d.spec.replicas ?? 1}`,
        d.status?.updatedReplicas ?? 0,
        d.status?.availableReplicas ?? 0,
        age(o.metadata.creationTimestamp, now),
        ...containerCells(d.spec.template.spec.containers),
        labelSelectorString(d.spec.selector),
      ];
    },
  },
  ReplicaSet: {
    columns: cols("Name,Desired,Current,Ready,Age", "Containers,Images,Selector"),
    row: (o, now) => {
      const rs = o as ReplicaSet;
      return [
        name(o),
        rs.spec.replicas ?? 1,
        rs.status?.replicas ?? 0,
        rs.status?.readyReplicas ?? 0,
        age(o.metadata.creationTimestamp, now),
        ...containerCells(rs.spec.template.spec.containers),
        formatLabelSelector(rs.spec.selector),
      ];
    },
  },
  DaemonSet: {
    columns: cols("Name,Desired,Current,Ready,Up-to-date,Available,Node Selector,Age", "Containers,Images,Selector"),
    row: (o, now) => {
      const ds = o as DaemonSet;
      const status = ds.status;
      return [
        name(o),
        status?.desiredNumberScheduled ?? 0,
        status?.currentNumberScheduled ?? 0,
        status?.numberReady ?? 0,
        status?.updatedNumberScheduled ?? 0,
        status?.numberAvailable ?? 0,
        formatLabels(ds.spec.template.spec.nodeSelector),
        age(o.metadata.creationTimestamp, now),
        ...containerCells(ds.spec.template.spec.containers),
        formatLabelSelector(ds.spec.selector),
      ];
    },
  },
  CronJob: {
    columns: cols("Name,Schedule,Timezone,Suspend,Active,Last Schedule,Age", "Containers,Images,Selector"),
    row: (o, now) => {
      const cj = o as CronJob;
      const last = cj.status?.lastScheduleTime;
      return [
        name(o),
        cj.spec.schedule,
        cj.spec.timeZone ?? "<none>",
        cj.spec.suspend === undefined ? "<unset>" : cj.spec.suspend ? "True" : "False",
        cj.status?.active?.length ?? 0,
        last === undefined ? "<none>" : age(last, now),
        age(o.metadata.creationTimestamp, now),
        ...containerCells(cj.spec.jobTemplate.spec.template.spec.containers),
        formatLabelSelector(cj.spec.jobTemplate.spec.selector),
      ];
    },
  },
  Job: {
    columns: cols("Name,Status,Completions,Duration,Age", "Containers,Images,Selector"),
    row: (o, now) => {
      const job = o as Job;
      const status = job.status ?? {};
      const succeeded = status.succeeded ?? 0;
      const parallelism = job.spec.parallelism ?? 0;
      const completions =
        job.spec.completions !== undefined ? `${succeeded}/${job.spec.completions}` : parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
      const start = status.startTime === undefined ? undefined : parseTime(status.startTime);
      const duration = start === undefined ? "" : humanDuration((status.completionTime === undefined ? now : parseTime(status.completionTime)) - start);
      const has = (type: string) => (status.conditions ?? []).some((c) => c.type === type && c.status === "True");
      const state = has("Complete")
        ? "Complete"
        : has("Failed")
          ? "Failed"
          : o.metadata.deletionTimestamp !== undefined
            ? "Terminating"
            : has("Suspended")
              ? "Suspended"
              : has("FailureTarget")
                ? "FailureTarget"
                : "Running";
      return [name(o), state, completions, duration, age(o.metadata.creationTimestamp, now), ...containerCells(job.spec.template.spec.containers), formatLabelSelector(job.spec.selector)];
    },
  },
  Service: {
    columns: cols("Name,Type,Cluster-IP,External-IP,Port(s),Age", "Selector"),
    row: (o, now) => {
      const svc = o as Service;
      return [
        name(o),
        svc.spec.type ?? "ClusterIP",
        svc.spec.clusterIPs?.[0] ?? svc.spec.clusterIP ?? "<none>",
        externalIP(svc),
        servicePorts(svc) || "<none>",
        age(o.metadata.creationTimestamp, now),
        formatLabels(svc.spec.selector),
      ];
    },
  },
  Endpoints: {
    columns: cols("Name,Endpoints,Age"),
    row: (o, now) => [name(o), formatEndpoints(o as Endpoints), age(o.metadata.creationTimestamp, now)],
  },
  EndpointSlice: {
    columns: cols("Name,AddressType,Ports,Endpoints,Age"),
    row: (o, now) => {
      const s = o as EndpointSlice;
      const ports = (s.ports ?? []).map((p) => (p.port !== undefined ? String(p.port) : (p.name ?? "*")));
      const addresses = s.endpoints.flatMap((e) => e.addresses);
      return [name(o), s.addressType, listWithMore(ports), listWithMore(addresses), age(o.metadata.creationTimestamp, now)];
    },
  },
  PersistentVolumeClaim: {
    columns: cols("Name,Status,Volume,Capacity,Access Modes,StorageClass,VolumeAttributesClass,Age", "VolumeMode"),
    row: (o, now) => {
      const pvc = o as PersistentVolumeClaim;
      const bound = !!pvc.spec.volumeName;
      return [
        name(o),
        o.metadata.deletionTimestamp ? "Terminating" : (pvc.status?.phase ?? ""),
        pvc.spec.volumeName ?? "",
        bound ? quantityText(pvc.status?.capacity?.["storage"]) : "",
        bound ? accessModes(pvc.status?.accessModes) : "",
        claimClass(pvc),
        volumeAttributesClass(pvc.spec),
        age(o.metadata.creationTimestamp, now),
        pvc.spec.volumeMode ?? "<unset>",
      ];
    },
  },
  PersistentVolume: {
    columns: cols(
      "Name,Capacity,Access Modes,Reclaim Policy,Status,Claim,StorageClass,VolumeAttributesClass,Reason,Age",
      "VolumeMode",
    ),
    row: (o, now) => {
      const pv = o as PersistentVolume;
      const claim = pv.spec.claimRef ? `${pv.spec.claimRef.namespace ?? ""}/${pv.spec.claimRef.name ?? ""}` : "";
      return [
        name(o),
        quantityText(pv.spec.capacity?.["storage"]),
        accessModes(pv.spec.accessModes),
        pv.spec.persistentVolumeReclaimPolicy ?? "",
        o.metadata.deletionTimestamp ? "Terminating" : (pv.status?.phase ?? ""),
        claim,
        volumeClass(pv),
        volumeAttributesClass(pv.spec),
        pv.status?.reason ?? "",
        age(o.metadata.creationTimestamp, now),
        pv.spec.volumeMode ?? "<unset>",
      ];
    },
  },
  StorageClass: {
    columns: cols("Name,Provisioner,ReclaimPolicy,VolumeBindingMode,AllowVolumeExpansion,Age"),
    row: (o, now) => {
      const sc = o as StorageClass;
      return [
        isDefaultClass(sc) ? `${name(o)} (default)` : name(o),
        sc.provisioner,
        sc.reclaimPolicy ?? "Delete",
        sc.volumeBindingMode ?? "Immediate",
        sc.allowVolumeExpansion ?? false,
        age(o.metadata.creationTimestamp, now),
      ];
    },
  },
  Node: {
    columns: cols(
      "Name,Status,Roles,Age,Version",
      "Internal-IP,External-IP,OS-Image,Kernel-Version,Container-Runtime",
    ),
    row: (o, now) => {
      const node = o as Node;
      const info = node.status?.nodeInfo;
      return [
        name(o),
        nodeStatus(node),
        nodeRoles(node).join(",") || "<none>",
        age(o.metadata.creationTimestamp, now),
        info?.kubeletVersion ?? "",
        nodeAddress(node, "InternalIP"),
        nodeAddress(node, "ExternalIP"),
        info?.osImage || "<unknown>",
        info?.kernelVersion || "<unknown>",
        info?.containerRuntimeVersion || "<unknown>",
      ];
    },
  },
  Namespace: {
    columns: cols("Name,Status,Age"),
    row: (o, now) => [name(o), (o as Namespace).status?.phase ?? "", age(o.metadata.creationTimestamp, now)],
  },
  PodDisruptionBudget: {
    columns: cols("Name,Min Available,Max Unavailable,Allowed Disruptions,Age"),
    row: (o, now) => {
      const pdb = o as PodDisruptionBudget;
      return [
        name(o),
        pdb.spec.minAvailable !== undefined ? String(pdb.spec.minAvailable) : "N/A",
        pdb.spec.maxUnavailable !== undefined ? String(pdb.spec.maxUnavailable) : "N/A",
        pdb.status?.disruptionsAllowed ?? 0,
        age(o.metadata.creationTimestamp, now),
      ];
    },
  },
  Event: {
    // The wide event columns interleave with the narrow ones.
    columns: [
      ...cols("Last Seen,Type,Reason,Object"),
      { name: "Subobject", wide: true },
      { name: "Source", wide: true },
      { name: "Message" },
      { name: "First Seen", wide: true },
      { name: "Count", wide: true },
      { name: "Name", wide: true },
    ],
    row: (o, now) => eventRow(o as Event, now),
  },
  Secret: {
    columns: cols("Name,Type,Data,Age"),
    row: (o, now) => {
      const s = o as Secret;
      return [name(o), s.type ?? "Opaque", Object.keys(s.data ?? {}).length, age(o.metadata.creationTimestamp, now)];
    },
  },
  Lease: {
    columns: cols("Name,Holder,Age"),
    row: (o, now) => [name(o), (o as Lease).spec.holderIdentity ?? "", age(o.metadata.creationTimestamp, now)],
  },
  ServiceAccount: {
    columns: cols("Name,Secrets,Age"),
    row: (o, now) => [name(o), (o as ServiceAccount).secrets?.length ?? 0, age(o.metadata.creationTimestamp, now)],
  },
  ConfigMap: {
    columns: cols("Name,Data,Age"),
    row: (o, now) => {
      const cm = o as ConfigMap;
      const count = Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length;
      return [name(o), count, age(o.metadata.creationTimestamp, now)];
    },
  },
  ControllerRevision: {
    columns: cols("Name,Controller,Revision,Age"),
    row: (o, now) => {
      const owner = o.metadata.ownerReferences?.find((r) => r.controller);
      const controller = owner ? `${groupKind(owner.kind, owner.apiVersion)}/${owner.name}` : "<none>";
      return [name(o), controller, (o as ControllerRevision).revision, age(o.metadata.creationTimestamp, now)];
    },
  },
  Ingress: {
    columns: cols("Name,Class,Hosts,Address,Ports,Age"),
    row: (o, now) => {
      const spec = (o as Ingress).spec;
      return [
        name(o),
        spec.ingressClassName ?? "<none>",
        ingressHosts(spec.rules ?? []),
        ingressAddress(o as Ingress, false),
        (spec.tls ?? []).length > 0 ? "80, 443" : "80",
        age(o.metadata.creationTimestamp, now),
      ];
    },
  },
  IngressClass: {
    columns: cols("Name,Controller,Parameters,Age"),
    row: (o, now) => {
      const p = (o as IngressClass).spec.parameters;
      const parameters = p === undefined ? "<none>" : `${p.kind}${p.apiGroup != null ? `.${p.apiGroup}` : ""}/${p.name}`;
      return [name(o), (o as IngressClass).spec.controller ?? "", parameters, age(o.metadata.creationTimestamp, now)];
    },
  },
  HorizontalPodAutoscaler: {
    columns: cols("Name,Reference,Targets,MinPods,MaxPods,Replicas,Age"),
    row: (o, now) => {
      const hpa = o as HorizontalPodAutoscaler;
      const ref = hpa.spec.scaleTargetRef;
      return [
        name(o),
        `${ref.kind}/${ref.name}`,
        hpaTargets(hpa),
        hpa.spec.minReplicas === undefined ? "<unset>" : String(hpa.spec.minReplicas),
        hpa.spec.maxReplicas,
        hpa.status?.currentReplicas ?? 0,
        age(o.metadata.creationTimestamp, now),
      ];
    },
  },
  NetworkPolicy: {
    columns: cols("Name,Pod-Selector,Age"),
    row: (o, now) => [name(o), formatLabelSelector((o as NetworkPolicy).spec.podSelector), age(o.metadata.creationTimestamp, now)],
  },
  APIService: {
    // kube-aggregator's REST ConvertToTable: Local or namespace/name; the Available condition, with its reason unless True.
    columns: cols("Name,Service,Available,Age"),
    row: (o, now) => {
      const svc = o as APIService;
      const ref = svc.spec.service;
      const c = svc.status?.conditions?.find((x) => x.type === "Available");
      const available = c === undefined ? "Unknown" : c.status !== "True" && c.reason ? `${c.status} (${c.reason})` : c.status;
      return [name(o), ref == null ? "Local" : `${ref.namespace ?? ""}/${ref.name ?? ""}`, available, age(o.metadata.creationTimestamp, now)];
    },
  },
  Role: createdAtTable(),
  ClusterRole: createdAtTable(),
  RoleBinding: bindingTable(),
  ClusterRoleBinding: bindingTable(),
};

const DEFAULT_TABLE: KindTable = {
  columns: cols("Name,Age"),
  row: (o, now) => [name(o), age(o.metadata.creationTimestamp, now)],
};

/** formatHosts: the first three hosts, `*` when no rule names one; rules past the third host count as "more". */
function ingressHosts(rules: readonly IngressRule[]): string {
  const list: string[] = [];
  let more = false;
  for (const rule of rules) {
    if (list.length === 3) more = true;
    if (!more && rule.host) list.push(rule.host);
  }
  if (list.length === 0) return "*";
  return more ? `${list.join(",")} + ${rules.length - 3} more...` : list.join(",");
}

/**
 * formatHPAMetrics: Resource metrics as `cpu: <unknown>/80%`, Pods as `current/target`, Object
 * and External as `current/target`, with " (avg)" for an average-value target; current from the
 * status when it has one of the metric's kind. At most two, then "+ N more...".
 */
function hpaTargets(hpa: HorizontalPodAutoscaler): string {
  const specs = hpa.spec.metrics ?? [];
  if (specs.length === 0) return "<none>";
  const statuses = hpa.status?.currentMetrics ?? [];
  const list = specs.map((spec, i) => {
    if (spec.type === "Pods" && spec.pods !== undefined) {
      const status = statuses[i]?.pods;
      return `${status === undefined ? "<unknown>" : (status.current.averageValue ?? "<nil>")}/${spec.pods.target.averageValue ?? "<nil>"}`;
    }
    const other = spec.type === "Object" ? spec.object : spec.type === "External" ? spec.external : undefined;
    if (other !== undefined) {
      const status = spec.type === "Object" ? statuses[i]?.object : statuses[i]?.external;
      if (other.target.averageValue !== undefined) return `${status?.current.averageValue ?? "<unknown>"}/${other.target.averageValue} (avg)`;
      return `${status === undefined ? "<unknown>" : (status.current.value ?? "<nil>")}/${other.target.value ?? "<nil>"}`;
    }
    // ContainerResource prints as Resource does, under the resource's name.
    const source = spec.type === "Resource" ? spec.resource : spec.type === "ContainerResource" ? spec.containerResource : undefined;
    if (source === undefined) return "<unknown type>";
    const target = source.target;
    const current = spec.type === "Resource" ? statuses[i]?.resource?.current : statuses[i]?.containerResource?.current;
    if (target.averageValue !== undefined) return `${source.name}: ${current?.averageValue ?? "<unknown>"}/${target.averageValue}`;
    const now = current?.averageUtilization !== undefined ? `${current.averageUtilization}%` : "<unknown>";
    return `${source.name}: ${now}/${target.averageUtilization !== undefined ? `${target.averageUtilization}%` : "<auto>"}`;
  });
  return list.length > 2 ? `${list.slice(0, 2).join(", ")} + ${list.length - 2} more...` : list.join(", ");
}

/** ingressLoadBalancerStatusStringer: the sorted, unique IPs and hostnames, clipped to 16 bytes unless wide. */
export function ingressAddress(ing: Ingress, wide: boolean): string {
  const set = [...new Set((ing.status?.loadBalancer?.ingress ?? []).map((i) => i.ip || i.hostname || "").filter((x) => x))].sort();
  const r = set.join(",");
  return !wide && r.length > 16 ? `${r.slice(0, 13)}...` : r;
}

/** The API server's default table convertor (rest.NewDefaultTableConvertor), which roles get. */
function createdAtTable(): KindTable {
  return { columns: cols("Name,Created At"), row: (o) => [name(o), o.metadata.creationTimestamp ?? ""] };
}

/** printRoleBinding / printClusterRoleBinding, with rbac.SubjectsStrings for the wide columns. */
function bindingTable(): KindTable {
  return {
    columns: cols("Name,Role,Age", "Users,Groups,ServiceAccounts"),
    row: (o, now) => {
      const b = o as RoleBinding;
      const of = (kind: string) => (b.subjects ?? []).filter((s) => s.kind === kind);
      return [
        name(o),
        `${b.roleRef.kind}/${b.roleRef.name}`,
        age(o.metadata.creationTimestamp, now),
        of("User").map((s) => s.name).join(", "),
        of("Group").map((s) => s.name).join(", "),
        of("ServiceAccount").map((s) => `${s.namespace ?? ""}/${s.name}`).join(", "),
      ];
    },
  };
}

export function tableFor(kind: string): KindTable {
  return TABLES[kind] ?? DEFAULT_TABLE;
}

/** `kind.group` in lower case, as kubectl prefixes names: `statefulset.apps`, `pod`. */
export function groupKind(kind: string, apiVersion: string): string {
  return schemaGroupKind(kind, apiVersion).toLowerCase();
}

/** schema.GroupKind's String(), as errors print it: `Pod`, `StatefulSet.apps`. */
export function schemaGroupKind(kind: string, apiVersion: string): string {
  const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
  return group ? `${kind}.${group}` : kind;
}

function name(o: KubeObject): string {
  return o.metadata.name ?? "";
}

function containerCells(containers: readonly Container[]): [string, string] {
  return [containers.map((c) => c.name).join(","), containers.map((c) => c.image ?? "").join(",")];
}

function readinessGates(pod: Pod): string {
  const gates = (pod.spec as { readinessGates?: { conditionType: string }[] }).readinessGates ?? [];
  if (gates.length === 0) return "<none>";
  const conditions = pod.status?.conditions ?? [];
  const met = gates.filter((g) => conditions.find((c) => c.type === g.conditionType)?.status === "True").length;
  return `${met}/${gates.length}`;
}

function externalIP(svc: Service): string {
  const external = svc.spec.externalIPs ?? [];
  switch (svc.spec.type ?? "ClusterIP") {
    case "ClusterIP":
    case "NodePort":
      return external.length > 0 ? external.join(",") : "<none>";
    case "LoadBalancer": {
      const ingress = [
        ...new Set((svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip || i.hostname || "").filter((x) => x)),
      ].sort();
      let lb = ingress.join(",");
      if (lb.length > 16) lb = `${lb.slice(0, 13)}...`;
      if (external.length > 0) return [...(lb ? lb.split(",") : []), ...external].join(",");
      return lb || "<pending>";
    }
    case "ExternalName":
      return svc.spec.externalName ?? "";
  }
}

/** `2181/TCP,2888/TCP`, or `80:32406/TCP` with a node port. */
function servicePorts(svc: Service): string {
  return (svc.spec.ports ?? [])
    .map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? "TCP"}` : `${p.port}/${p.protocol ?? "TCP"}`))
    .join(",");
}

function formatEndpoints(ep: Endpoints): string {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return "<none>";
  const list: string[] = [];
  let count = 0;
  for (const ss of subsets) {
    const addresses = ss.addresses ?? [];
    const ports = ss.ports ?? [];
    if (ports.length === 0) {
      count += addresses.length;
      for (const a of addresses) if (list.length < 3) list.push(a.ip);
      continue;
    }
    for (const p of ports) {
      count += addresses.length;
      for (const a of addresses) if (list.length < 3) list.push(joinHostPort(a.ip, p.port));
    }
  }
  return count > 3 ? `${list.join(",")} + ${count - 3} more...` : list.join(",");
}

export function joinHostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

function listWithMore(items: readonly string[]): string {
  if (items.length > 3) return `${items.slice(0, 3).join(",")} + ${items.length - 3} more...`;
  return items.join(",") || "<unset>";
}

/** `helper.GetAccessModesAsString`: RWO, ROX, RWX, RWOP in that order. */
export function accessModes(modes: readonly AccessMode[] | undefined): string {
  const order: [AccessMode, string][] = [
    ["ReadWriteOnce", "RWO"],
    ["ReadOnlyMany", "ROX"],
    ["ReadWriteMany", "RWX"],
    ["ReadWriteOncePod", "RWOP"],
  ];
  return order
    .filter(([m]) => modes?.includes(m))
    .map(([, s]) => s)
    .join(",");
}

const BETA_CLASS = "volume.beta.kubernetes.io/storage-class";

export function claimClass(pvc: PersistentVolumeClaim): string {
  return pvc.metadata.annotations?.[BETA_CLASS] ?? pvc.spec.storageClassName ?? "";
}

export function volumeClass(pv: PersistentVolume): string {
  return pv.spec.storageClassName ?? pv.metadata.annotations?.[BETA_CLASS] ?? "";
}

function volumeAttributesClass(spec: object): string {
  return (spec as { volumeAttributesClassName?: string }).volumeAttributesClassName ?? "<unset>";
}

export function isDefaultClass(sc: StorageClass): boolean {
  const a = sc.metadata.annotations ?? {};
  return a["storageclass.kubernetes.io/is-default-class"] === "true" || a["storageclass.beta.kubernetes.io/is-default-class"] === "true";
}

function nodeStatus(node: Node): string {
  const ready = (node.status?.conditions ?? []).find((c) => c.type === "Ready");
  const status = [ready ? (ready.status === "True" ? "Ready" : "NotReady") : "Unknown"];
  if (node.spec.unschedulable) status.push("SchedulingDisabled");
  return status.join(",");
}

/** Suffixes of `node-role.kubernetes.io/<role>` labels and the value of `kubernetes.io/role`. */
export function nodeRoles(node: Node): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith("node-role.kubernetes.io/") && k.length > "node-role.kubernetes.io/".length) {
      roles.add(k.slice("node-role.kubernetes.io/".length));
    } else if (k === "kubernetes.io/role" && v !== "") roles.add(v);
  }
  return [...roles].sort();
}

function nodeAddress(node: Node, type: string): string {
  return node.status?.addresses?.find((a) => a.type === type)?.address ?? "<none>";
}

function eventRow(e: Event, now: number): Cell[] {
  const first = e.firstTimestamp ? age(e.firstTimestamp, now) : age(e.eventTime, now);
  const last = e.lastTimestamp ? age(e.lastTimestamp, now) : first;
  const kind = (e.involvedObject.kind ?? "").toLowerCase();
  const target = e.involvedObject.name ? `${kind}/${e.involvedObject.name}` : kind;
  const source = [e.source?.component || e.reportingComponent || "", e.source?.host || e.reportingInstance || ""];
  return [
    last,
    e.type ?? "",
    e.reason ?? "",
    target,
    e.involvedObject.fieldPath ?? "",
    source[1] ? `${source[0]}, ${source[1]}` : source[0]!,
    (e.message ?? "").trim(),
    first,
    e.count || 1,
    name(e),
  ];
}
