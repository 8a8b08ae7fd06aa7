import { utf8Length } from "../utf8.js";
import { jsonEqual } from "../json-value.js";
import { validateLabelSelector, validateLabels } from "../labels.js";
import { compareQuantity, parseQuantity, formatQuantity } from "../quantity.js";
import type {
  ConfigMap,
  KubeObject,
  PersistentVolume,
  PersistentVolumeClaim,
  PodDisruptionBudget,
  Secret,
  Service,
  ServicePort,
  StorageClass,
} from "../types.js";
import { child, duplicate, forbidden, index, invalid, key, notSupported, required, tooLong, type FieldError } from "./field.js";
import {
  isConfigMapKey,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidPercent,
  isValidPortName,
  isValidPortNum,
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
} from "./content.js";
import { validateImmutable, validateNonnegative, validateObjectMeta, validateObjectMetaUpdate } from "./meta.js";
import { selectorValue } from "./pod.js";

/** Validation of the core, storage, policy and discovery kinds other than pods. */

const PROTOCOLS = ["SCTP", "TCP", "UDP"];
const IP_ERROR = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";

export function isIP(s: string): boolean {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (v4) return v4.slice(1).every((o) => Number(o) <= 255 && (o === "0" || !o.startsWith("0")));
  return /^[0-9a-fA-F:]+$/.test(s) && s.includes(":") && (s.match(/::/g) ?? []).length <= 1;
}

// ---- Service --------------------------------------------------------------------------------------

function isHeadless(svc: Service): boolean {
  const ips = svc.spec.clusterIPs ?? (svc.spec.clusterIP ? [svc.spec.clusterIP] : []);
  return ips.length === 1 && ips[0] === "None";
}

function validateServicePort(sp: ServicePort, requireName: boolean, names: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (requireName && !sp.name) errs.push(required(child(path, "name")));
  else if (sp.name) {
    errs.push(...isDNS1123Label(sp.name).map((m) => invalid(child(path, "name"), sp.name, m)));
    if (names.has(sp.name)) errs.push(duplicate(child(path, "name"), sp.name));
    else names.add(sp.name);
  }
  errs.push(...isValidPortNum(sp.port).map((m) => invalid(child(path, "port"), sp.port, m)));
  if (!sp.protocol) errs.push(required(child(path, "protocol")));
  else if (!PROTOCOLS.includes(sp.protocol)) errs.push(notSupported(child(path, "protocol"), sp.protocol, PROTOCOLS));
  const tp = sp.targetPort ?? 0;
  if (typeof tp === "number") errs.push(...isValidPortNum(tp).map((m) => invalid(child(path, "targetPort"), tp, m)));
  else errs.push(...isValidPortName(tp).map((m) => invalid(child(path, "targetPort"), tp, m)));
  if (sp.appProtocol !== undefined) errs.push(...isQualifiedName(sp.appProtocol).map((m) => invalid(child(path, "appProtocol"), sp.appProtocol, m)));
  return errs;
}

export function validateService(svc: Service): FieldError[] {
  const errs = validateObjectMeta(svc.metadata, true, nameIsDNS1035Label);
  const spec = svc.spec;
  const ports = spec.ports ?? [];
  const headless = isHeadless(svc);
  if (ports.length === 0 && !headless && spec.type !== "ExternalName") errs.push(required("spec.ports"));
  if ((spec.type === "LoadBalancer" || spec.type === "NodePort") && headless) {
    errs.push(invalid("spec.clusterIPs[0]", "None", `may not be set to 'None' for ${spec.type} services`));
  }
  if (spec.type === "ExternalName") {
    if ((spec.clusterIPs ?? []).length > 0) errs.push(forbidden("spec.clusterIPs", "may not be set for ExternalName services"));
    if ((spec.ipFamilies ?? []).length > 0) errs.push(forbidden("spec.ipFamilies", "may not be set for ExternalName services"));
    if (spec.ipFamilyPolicy !== undefined) errs.push(forbidden("spec.ipFamilyPolicy", "may not be set for ExternalName services"));
    const cname = (spec.externalName ?? "").replace(/\.$/, "");
    if (cname === "") errs.push(required("spec.externalName"));
    else errs.push(...isDNS1123Subdomain(cname).map((m) => invalid("spec.externalName", cname, m)));
  }
  const names = new Set<string>();
  ports.forEach((p, i) => errs.push(...validateServicePort(p, ports.length > 1, names, index("spec.ports", i))));
  if (spec.selector !== undefined) errs.push(...validateLabels(spec.selector, "spec.selector"));
  if (!spec.sessionAffinity) errs.push(required("spec.sessionAffinity"));
  else if (spec.sessionAffinity !== "ClientIP" && spec.sessionAffinity !== "None") errs.push(notSupported("spec.sessionAffinity", spec.sessionAffinity, ["ClientIP", "None"]));

  if (spec.clusterIP && spec.clusterIPs && spec.clusterIPs.length > 0 && spec.clusterIP !== spec.clusterIPs[0]) {
    errs.push(invalid("spec.clusterIPs", spec.clusterIPs, "first value must match `clusterIP`"));
  }
  (spec.clusterIPs ?? []).forEach((ip, i) => {
    if (ip !== "None" && !isIP(ip)) errs.push(invalid(index("spec.clusterIPs", i), ip, IP_ERROR));
  });
  const policies = ["PreferDualStack", "RequireDualStack", "SingleStack"];
  if (spec.ipFamilyPolicy !== undefined && !policies.includes(spec.ipFamilyPolicy)) errs.push(notSupported("spec.ipFamilyPolicy", spec.ipFamilyPolicy, policies));
  (spec.ipFamilies ?? []).forEach((f, i) => {
    if (f !== "IPv4" && f !== "IPv6") errs.push(notSupported(index("spec.ipFamilies", i), f, ["IPv4", "IPv6"]));
  });
  (spec.externalIPs ?? []).forEach((ip, i) => {
    if (!isIP(ip)) errs.push(invalid(index("spec.externalIPs", i), ip, IP_ERROR));
  });

  const types = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
  if (!spec.type) errs.push(required("spec.type"));
  else if (!types.includes(spec.type)) errs.push(notSupported("spec.type", spec.type, types));
  if (spec.type === "ClusterIP") {
    ports.forEach((p, i) => {
      if (p.nodePort) errs.push(forbidden(child(index("spec.ports", i), "nodePort"), "may not be used when `type` is 'ClusterIP'"));
    });
  }
  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    if (!p.nodePort) return;
    const id = `${p.protocol}/${p.nodePort}`;
    if (nodePorts.has(id)) errs.push(duplicate(child(index("spec.ports", i), "nodePort"), p.nodePort));
    nodePorts.add(id);
  });
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    const id = `${p.protocol}/${p.port}`;
    // The duplicate is reported as the internal ServicePort key, whose fields have no json names.
    if (seen.has(id)) errs.push(duplicate(index("spec.ports", i), { Name: "", Protocol: p.protocol ?? "", AppProtocol: null, Port: p.port, TargetPort: 0, NodePort: 0 }));
    seen.add(id);
  });
  if (spec.allocateLoadBalancerNodePorts !== undefined && spec.type !== "LoadBalancer") {
    errs.push(forbidden("spec.allocateLoadBalancerNodePorts", "may only be used when `type` is 'LoadBalancer'"));
  }
  if (spec.type === "LoadBalancer" && spec.allocateLoadBalancerNodePorts === undefined) errs.push(required("allocateLoadBalancerNodePorts"));
  const externallyAccessible = spec.type === "LoadBalancer" || spec.type === "NodePort" || (spec.type === "ClusterIP" && (spec.externalIPs ?? []).length > 0);
  if (!externallyAccessible) {
    if (spec.externalTrafficPolicy) errs.push(invalid("spec.externalTrafficPolicy", spec.externalTrafficPolicy, "may only be set for externally-accessible services"));
  } else if (!spec.externalTrafficPolicy) errs.push(required("spec.externalTrafficPolicy"));
  else if (spec.externalTrafficPolicy !== "Cluster" && spec.externalTrafficPolicy !== "Local") {
    errs.push(notSupported("spec.externalTrafficPolicy", spec.externalTrafficPolicy, ["Cluster", "Local"]));
  }
  if (spec.internalTrafficPolicy === undefined) {
    if (spec.type === "NodePort" || spec.type === "LoadBalancer" || spec.type === "ClusterIP") errs.push(required("spec.internalTrafficPolicy"));
  } else if (spec.internalTrafficPolicy !== "Cluster" && spec.internalTrafficPolicy !== "Local") {
    errs.push(notSupported("spec.internalTrafficPolicy", spec.internalTrafficPolicy, ["Cluster", "Local"]));
  }
  return errs;
}

export function validateServiceUpdate(svc: Service, old: Service): FieldError[] {
  const errs = validateObjectMetaUpdate(svc.metadata, old.metadata);
  if (svc.spec.type !== "ExternalName" && old.spec.type !== "ExternalName" && !(isHeadless(svc) && isHeadless(old))) {
    const oldIPs = old.spec.clusterIPs ?? [];
    const newIPs = svc.spec.clusterIPs ?? [];
    if (oldIPs.length === newIPs.length) {
      oldIPs.forEach((ip, i) => {
        if (ip !== newIPs[i]) errs.push(invalid(index("spec.clusterIPs", i), newIPs, "may not change once set"));
      });
    } else if (oldIPs.length > newIPs.length && newIPs.length === 0) {
      errs.push(invalid("spec.clusterIPs[0]", newIPs, "primary clusterIP can not be unset"));
    }
  }
  return [...errs, ...validateService(svc)];
}

// ---- PersistentVolumeClaim and PersistentVolume ---------------------------------------------------

const ACCESS_MODES = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"];
const VOLUME_MODES = ["Block", "Filesystem"];

function validateAccessModes(modes: string[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let rwop = false;
  let other = false;
  for (const m of modes ?? []) {
    if (!ACCESS_MODES.includes(m)) errs.push(notSupported(path, m, ACCESS_MODES));
    if (m === "ReadWriteOncePod") rwop = true;
    else if (ACCESS_MODES.includes(m)) other = true;
  }
  if (rwop && other) errs.push(forbidden(path, "may not use ReadWriteOncePod with other access modes"));
  return errs;
}

/** ValidatePersistentVolumeClaimSpec (also used for StatefulSet volume claim templates' pods). */
export function validateClaimSpec(spec: PersistentVolumeClaim["spec"], path: string): FieldError[] {
  const errs: FieldError[] = [];
  if ((spec.accessModes ?? []).length === 0) errs.push(required(child(path, "accessModes"), "at least 1 access mode is required"));
  if (spec.selector !== undefined) errs.push(...validateLabelSelector(spec.selector, child(path, "selector")));
  errs.push(...validateAccessModes(spec.accessModes, child(path, "accessModes")));
  const storagePath = key(child(path, "resources"), "storage");
  const storage = spec.resources?.requests?.storage;
  if (storage === undefined) errs.push(required(storagePath));
  else {
    const q = parseQuantity(storage);
    if (compareQuantity(q, { mantissa: 0n, exponent: 0, format: "DecimalSI" }) <= 0) errs.push(invalid(storagePath, formatQuantity(q), "must be greater than zero"));
  }
  if (spec.storageClassName) errs.push(...nameIsDNSSubdomain(spec.storageClassName, false).map((m) => invalid(child(path, "storageClassName"), spec.storageClassName, m)));
  if (spec.volumeMode !== undefined && !VOLUME_MODES.includes(spec.volumeMode)) errs.push(notSupported(child(path, "volumeMode"), spec.volumeMode, VOLUME_MODES));
  return errs;
}

export function validatePersistentVolumeClaim(pvc: PersistentVolumeClaim): FieldError[] {
  return [...validateObjectMeta(pvc.metadata, true, nameIsDNSSubdomain), ...validateClaimSpec(pvc.spec, "spec")];
}

/**
 * A claim's spec is immutable except resources.requests (and volumeName, set once by the
 * binder). The Forbidden detail ends with a go-cmp diff in the API server; here it names the
 * changed fields.
 */
export function validatePersistentVolumeClaimUpdate(pvc: PersistentVolumeClaim, old: PersistentVolumeClaim): FieldError[] {
  const errs = [...validateObjectMetaUpdate(pvc.metadata, old.metadata), ...validatePersistentVolumeClaim(pvc)];
  const newSpec: Record<string, unknown> = { ...pvc.spec };
  const oldSpec: Record<string, unknown> = { ...old.spec };
  if (!old.spec.volumeName) oldSpec.volumeName = newSpec.volumeName;
  if (old.spec.storageClassName === undefined && pvc.spec.storageClassName !== undefined) newSpec.storageClassName = undefined;
  if (pvc.status?.phase === "Bound" && pvc.spec.resources?.requests) {
    newSpec.resources = { ...pvc.spec.resources, requests: { ...pvc.spec.resources.requests, storage: old.spec.resources?.requests?.storage } };
  }
  if (!jsonEqual(newSpec, oldSpec)) {
    const changed = Object.keys({ ...newSpec, ...oldSpec }).filter((k) => !jsonEqual(newSpec[k], oldSpec[k]));
    errs.push(
      forbidden(
        "spec",
        `spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n  core.PersistentVolumeClaimSpec{\n${changed.map((k) => `  \t${k}: changed,`).join("\n")}\n  }\n`,
      ),
    );
  }
  const oldSize = old.spec.resources?.requests?.storage;
  const newSize = pvc.spec.resources?.requests?.storage;
  if (oldSize !== undefined && newSize !== undefined && compareQuantity(parseQuantity(newSize), parseQuantity(oldSize)) < 0) {
    const status = old.status?.capacity?.storage;
    if (status === undefined || compareQuantity(parseQuantity(newSize), parseQuantity(status)) <= 0) {
      errs.push(forbidden("spec.resources.requests.storage", "field can not be less than status.capacity"));
    }
  }
  errs.push(...validateImmutable(pvc.spec.volumeMode ?? null, old.spec.volumeMode ?? null, "volumeMode"));
  return errs;
}

const PV_SOURCES = [
  "gcePersistentDisk", "awsElasticBlockStore", "hostPath", "glusterfs", "nfs", "rbd", "quobyte", "cephfs", "iscsi", "cinder", "fc",
  "flocker", "flexVolume", "azureFile", "vsphereVolume", "azureDisk", "photonPersistentDisk", "portworxVolume", "scaleIO", "local", "storageos", "csi",
];

export function validatePersistentVolume(pv: PersistentVolume): FieldError[] {
  const errs = validateObjectMeta(pv.metadata, false, nameIsDNSSubdomain);
  const spec = pv.spec;
  if ((spec.accessModes ?? []).length === 0) errs.push(required("spec.accessModes"));
  errs.push(...validateAccessModes(spec.accessModes, "spec.accessModes"));
  const capacity = spec.capacity ?? {};
  if (Object.keys(capacity).length === 0) errs.push(required("spec.capacity"));
  if (capacity.storage === undefined || Object.keys(capacity).length > 1) errs.push(notSupported("spec.capacity", capacity, ["storage"]));
  for (const [name, q] of Object.entries(capacity)) {
    if (parseQuantity(q).mantissa <= 0n) errs.push(invalid(key("spec.capacity", name), formatQuantity(parseQuantity(q)), "must be greater than zero"));
  }
  if (spec.storageClassName) errs.push(...nameIsDNSSubdomain(spec.storageClassName, false).map((m) => invalid("spec.storageClassName", spec.storageClassName, m)));
  const policies = ["Delete", "Recycle", "Retain"];
  if (spec.persistentVolumeReclaimPolicy && !policies.includes(spec.persistentVolumeReclaimPolicy)) {
    errs.push(notSupported("spec.persistentVolumeReclaimPolicy", spec.persistentVolumeReclaimPolicy, policies));
  }
  let sources = 0;
  const s = spec as unknown as Record<string, Record<string, unknown> | undefined>;
  for (const name of PV_SOURCES) {
    const src = s[name];
    if (src === undefined) continue;
    if (sources > 0) {
      errs.push(forbidden(child("spec", name), "may not specify more than 1 volume type"));
      continue;
    }
    sources++;
    if ((name === "hostPath" || name === "local") && !src.path) errs.push(required(child("spec", name, "path")));
    if (name === "local" && spec.nodeAffinity === undefined) errs.push(required("spec.nodeAffinity", "Local volume requires node affinity"));
    if (name === "csi" && !src.driver) errs.push(required("spec.csi.driver"));
  }
  if (sources === 0) errs.push(required("spec", "must specify a volume type"));
  if (spec.volumeMode !== undefined && !VOLUME_MODES.includes(spec.volumeMode)) errs.push(notSupported("spec.volumeMode", spec.volumeMode, VOLUME_MODES));
  return errs;
}

export function validatePersistentVolumeUpdate(pv: PersistentVolume, old: PersistentVolume): FieldError[] {
  const errs = [...validateObjectMetaUpdate(pv.metadata, old.metadata), ...validatePersistentVolume(pv)];
  const source = (p: PersistentVolume) => {
    const s = p.spec as unknown as Record<string, unknown>;
    return Object.fromEntries(PV_SOURCES.filter((n) => s[n] !== undefined).map((n) => [n, s[n]]));
  };
  if (!jsonEqual(source(pv), source(old))) errs.push(forbidden("spec.persistentvolumesource", "spec.persistentvolumesource is immutable after creation"));
  errs.push(...validateImmutable(pv.spec.volumeMode ?? null, old.spec.volumeMode ?? null, "volumeMode"));
  return errs;
}

// ---- Secret, ConfigMap ------------------------------------------------------------------------------

const MAX_SECRET_SIZE = 1024 * 1024;

function validateDataKeys(data: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of Object.keys(data ?? {})) for (const m of isConfigMapKey(k)) errs.push(invalid(key(path, k), k, m));
  return errs;
}

/** Bytes of base64-encoded data (Secret data and binaryData are []byte in Go). */
function decodedLength(b64: string): number {
  const clean = b64.replace(/[\r\n]/g, "");
  return Math.floor((clean.length * 3) / 4) - (clean.endsWith("==") ? 2 : clean.endsWith("=") ? 1 : 0);
}

export function validateSecret(secret: Secret): FieldError[] {
  const errs = validateObjectMeta(secret.metadata, true, nameIsDNSSubdomain);
  errs.push(...validateDataKeys(secret.data, "data"));
  const size = Object.values(secret.data ?? {}).reduce((n, v) => n + decodedLength(v), 0);
  if (size > MAX_SECRET_SIZE) errs.push(tooLong("data", MAX_SECRET_SIZE));
  const data = secret.data ?? {};
  switch (secret.type) {
    case "kubernetes.io/tls":
      for (const k of ["tls.key", "tls.crt"]) if (data[k] === undefined) errs.push(required(key("data", k)));
      break;
    case "kubernetes.io/basic-auth":
      if (data.username === undefined && data.password === undefined) {
        errs.push(required(key("data", "username")));
        errs.push(required(key("data", "password")));
      }
      break;
    case "kubernetes.io/ssh-auth":
      if (data["ssh-privatekey"] === undefined) errs.push(required(key("data", "ssh-privatekey")));
      break;
  }
  return errs;
}

export function validateSecretUpdate(secret: Secret, old: Secret): FieldError[] {
  const errs = [...validateObjectMetaUpdate(secret.metadata, old.metadata), ...validateImmutable(secret.type ?? "", old.type ?? "", "type")];
  if (old.immutable === true) {
    if (secret.immutable !== true) errs.push(forbidden("immutable", "field is immutable when `immutable` is set"));
    if (!jsonEqual(secret.data ?? null, old.data ?? null)) errs.push(forbidden("data", "field is immutable when `immutable` is set"));
  }
  return [...errs, ...validateSecret(secret)];
}

export function validateConfigMap(cm: ConfigMap): FieldError[] {
  const errs = validateObjectMeta(cm.metadata, true, nameIsDNSSubdomain);
  errs.push(...validateDataKeys(cm.data, "data"));
  errs.push(...validateDataKeys(cm.binaryData, "binaryData"));
  for (const k of Object.keys(cm.binaryData ?? {})) {
    if (cm.data?.[k] !== undefined) errs.push(invalid(key("data", k), k, "duplicate of key present in binaryData"));
  }
  const size = Object.entries(cm.data ?? {}).reduce((n, [k, v]) => n + k.length + utf8Length(v), 0) +
    Object.entries(cm.binaryData ?? {}).reduce((n, [k, v]) => n + k.length + decodedLength(v), 0);
  if (size > MAX_SECRET_SIZE) errs.push(tooLong("", MAX_SECRET_SIZE));
  return errs;
}

export function validateConfigMapUpdate(cm: ConfigMap, old: ConfigMap): FieldError[] {
  const errs = validateObjectMetaUpdate(cm.metadata, old.metadata);
  if (old.immutable === true) {
    if (cm.immutable !== true) errs.push(forbidden("immutable", "field is immutable when `immutable` is set"));
    if (!jsonEqual(cm.data ?? null, old.data ?? null)) errs.push(forbidden("data", "field is immutable when `immutable` is set"));
    if (!jsonEqual(cm.binaryData ?? null, old.binaryData ?? null)) errs.push(forbidden("binaryData", "field is immutable when `immutable` is set"));
  }
  return [...errs, ...validateConfigMap(cm)];
}

// ---- the rest ---------------------------------------------------------------------------------------

export function validateNamespace(ns: KubeObject): FieldError[] {
  const errs = validateObjectMeta(ns.metadata, false, nameIsDNSLabel);
  const finalizers = (ns.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [];
  finalizers.forEach((f, i) => {
    for (const m of isQualifiedName(f)) errs.push(invalid(index("spec.finalizers", i), f, m));
  });
  return errs;
}

export function validateStorageClass(sc: StorageClass): FieldError[] {
  const errs = validateObjectMeta(sc.metadata, false, nameIsDNSSubdomain);
  if (!sc.provisioner) errs.push(required("provisioner", sc.provisioner ?? ""));
  else errs.push(...isQualifiedName(sc.provisioner.toLowerCase()).map((m) => invalid("provisioner", sc.provisioner.toLowerCase(), m)));
  for (const k of Object.keys(sc.parameters ?? {})) if (k === "") errs.push(invalid("parameters", k, "field can not be empty."));
  if (sc.reclaimPolicy !== undefined && sc.reclaimPolicy !== "Delete" && sc.reclaimPolicy !== "Retain") {
    errs.push(notSupported("reclaimPolicy", sc.reclaimPolicy, ["Delete", "Retain"]));
  }
  if (sc.volumeBindingMode === undefined) errs.push(required("volumeBindingMode"));
  else if (sc.volumeBindingMode !== "Immediate" && sc.volumeBindingMode !== "WaitForFirstConsumer") {
    errs.push(notSupported("volumeBindingMode", sc.volumeBindingMode, ["Immediate", "WaitForFirstConsumer"]));
  }
  return errs;
}

export function validateStorageClassUpdate(sc: StorageClass, old: StorageClass): FieldError[] {
  const errs = [...validateObjectMetaUpdate(sc.metadata, old.metadata), ...validateStorageClass(sc)];
  if (!jsonEqual(sc.parameters ?? null, old.parameters ?? null)) errs.push(forbidden("parameters", "updates to parameters are forbidden."));
  if (sc.provisioner !== old.provisioner) errs.push(forbidden("provisioner", "updates to provisioner are forbidden."));
  if ((sc.reclaimPolicy ?? "") !== (old.reclaimPolicy ?? "")) errs.push(forbidden("reclaimPolicy", "updates to reclaimPolicy are forbidden."));
  errs.push(...validateImmutable(sc.volumeBindingMode ?? null, old.volumeBindingMode ?? null, "volumeBindingMode"));
  return errs;
}

function validateIntOrPercent(v: number | string, path: string): FieldError[] {
  if (typeof v === "string") return isValidPercent(v).map((m) => invalid(path, v, m));
  return validateNonnegative(v, path);
}

export function validatePodDisruptionBudget(pdb: PodDisruptionBudget): FieldError[] {
  const errs = validateObjectMeta(pdb.metadata, true, nameIsDNSSubdomain);
  const spec = pdb.spec;
  if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) {
    // The bad value is the internal spec, whose fields have no json names.
    const internal = {
      MinAvailable: spec.minAvailable,
      Selector: spec.selector === undefined ? null : selectorValue(spec.selector),
      MaxUnavailable: spec.maxUnavailable,
      UnhealthyPodEvictionPolicy: spec.unhealthyPodEvictionPolicy ?? null,
    };
    errs.push(invalid("spec", internal, "minAvailable and maxUnavailable cannot be both set"));
  }
  for (const f of ["minAvailable", "maxUnavailable"] as const) {
    const v = spec[f];
    if (v === undefined) continue;
    errs.push(...validateIntOrPercent(v, child("spec", f)));
    if (typeof v === "string" && isValidPercent(v).length === 0 && Number(v.slice(0, -1)) > 100) errs.push(invalid(child("spec", f), v, "must not be greater than 100%"));
  }
  errs.push(...validateLabelSelector(spec.selector, "spec.selector"));
  const policies = ["AlwaysAllow", "IfHealthyBudget"];
  if (spec.unhealthyPodEvictionPolicy !== undefined && !policies.includes(spec.unhealthyPodEvictionPolicy)) {
    errs.push(notSupported("spec.unhealthyPodEvictionPolicy", spec.unhealthyPodEvictionPolicy, policies));
  }
  return errs;
}

export function validateEndpointSlice(slice: KubeObject): FieldError[] {
  const errs = validateObjectMeta(slice.metadata, true, nameIsDNSSubdomain);
  const types = ["FQDN", "IPv4", "IPv6"];
  const t = (slice.addressType as string | undefined) ?? "";
  if (!types.includes(t)) errs.push(notSupported("addressType", t, types));
  return errs;
}
