import { jsonEqual } from "../json-value.js";
import { validateLabelSelector, validateLabels } from "../labels.js";
import { compareQuantity, formatQuantity, parseQuantity } from "../quantity.js";
import type { Affinity, Container, EphemeralContainer, LabelSelector, Pod, PodAffinityTerm, PodSpec, PodTemplateSpec, Probe, Toleration, Volume } from "../types.js";
import {
  child,
  duplicate,
  forbidden,
  goMap,
  goQuote,
  index,
  invalid,
  key,
  notFound,
  notSupported,
  required,
  type FieldError,
} from "./field.js";
import {
  inclusiveRangeError,
  isConfigMapKey,
  isDNS1123Label,
  isDNS1123Subdomain,
  isHTTPHeaderName,
  isQualifiedName,
  isRelaxedEnvVarName,
  isValidLabelValue,
  isValidPortName,
  isValidPortNum,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
} from "./content.js";
import { IS_NEGATIVE, validateAnnotations, validateNonnegative, validateObjectMeta, validateObjectMetaUpdate } from "./meta.js";

/** Pod and pod template validation of pkg/apis/core/validation, for the fields ksim models. */

type Obj = Record<string, unknown>;

const FILE_MODE_ERROR = "must be a number between 0 and 0777 (octal), both inclusive";
const PROTOCOLS = ["SCTP", "TCP", "UDP"];

function dnsLabel(value: string, path: string): FieldError[] {
  return isDNS1123Label(value).map((m) => invalid(path, value, m));
}

function qualifiedName(value: string, path: string): FieldError[] {
  return isQualifiedName(value).map((m) => invalid(path, value, m));
}

function validateLocalDescendingPath(target: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (target.startsWith("/")) errs.push(invalid(path, target, "must be a relative path"));
  if (target.split("/").includes("..")) errs.push(invalid(path, target, "must not contain '..'"));
  return errs;
}

function validateKeyToPaths(items: { key?: string; path?: string; mode?: number }[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (items ?? []).forEach((kp, i) => {
    const p = index(path, i);
    if (!kp.key) errs.push(required(child(p, "key")));
    if (!kp.path) errs.push(required(child(p, "path")));
    else {
      errs.push(...validateLocalDescendingPath(kp.path, child(p, "path")));
      if (kp.path.startsWith("..")) errs.push(invalid(child(p, "path"), kp.path, "must not start with '..'"));
    }
    if (kp.mode !== undefined && (kp.mode > 0o777 || kp.mode < 0)) errs.push(invalid(child(p, "mode"), kp.mode, FILE_MODE_ERROR));
  });
  return errs;
}

function validateMode(mode: number | undefined, path: string): FieldError[] {
  return mode !== undefined && (mode > 0o777 || mode < 0) ? [invalid(path, mode, FILE_MODE_ERROR)] : [];
}

/** The order in which the API server looks at volume sources. */
const VOLUME_SOURCES = [
  "emptyDir", "hostPath", "gitRepo", "gcePersistentDisk", "awsElasticBlockStore", "secret", "nfs", "iscsi", "glusterfs", "flocker",
  "persistentVolumeClaim", "rbd", "cinder", "cephfs", "quobyte", "downwardAPI", "fc", "flexVolume", "configMap", "azureFile",
  "vsphereVolume", "photonPersistentDisk", "portworxVolume", "azureDisk", "storageos", "projected", "scaleIO", "csi", "ephemeral", "image",
];

/** validateVolumeSource: exactly one source (reported at the second one), each checked. */
function validateVolumeSource(v: Volume, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  const sources = v as unknown as Obj;
  for (const name of VOLUME_SOURCES) {
    const src = sources[name] as Obj | undefined;
    if (src === undefined) continue;
    // The API server names a second downwardAPI or cephfs source with these spellings.
    const p = child(path, name === "downwardAPI" ? "downwarAPI" : name === "cephfs" ? "cephFS" : name);
    if (count > 0) {
      errs.push(forbidden(p, "may not specify more than 1 volume type"));
      continue;
    }
    count++;
    errs.push(...validateSource(name, src, child(path, name)));
  }
  if (count === 0) errs.push(required(path, "must specify a volume type"));
  return errs;
}

function validateSource(name: string, src: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  switch (name) {
    case "hostPath": {
      const p = src.path as string | undefined;
      if (!p) return [required(child(path, "path"))];
      if (p.split("/").includes("..")) errs.push(invalid(child(path, "path"), p, "must not contain '..'"));
      const t = src.type as string | undefined;
      const types = ["", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"];
      if (t !== undefined && !types.includes(t)) errs.push(notSupported(child(path, "type"), t, types));
      break;
    }
    case "secret":
      if (!src.secretName) errs.push(required(child(path, "secretName")));
      errs.push(...validateMode(src.defaultMode as number | undefined, child(path, "defaultMode")));
      errs.push(...validateKeyToPaths(src.items as never, child(path, "items")));
      break;
    case "configMap":
      if (!src.name) errs.push(required(child(path, "name")));
      errs.push(...validateMode(src.defaultMode as number | undefined, child(path, "defaultMode")));
      errs.push(...validateKeyToPaths(src.items as never, child(path, "items")));
      break;
    case "persistentVolumeClaim":
      if (!src.claimName) errs.push(required(child(path, "claimName")));
      break;
    case "nfs":
      if (!src.server) errs.push(required(child(path, "server")));
      if (!src.path) errs.push(required(child(path, "path")));
      else if (!(src.path as string).startsWith("/")) errs.push(invalid(child(path, "path"), src.path, "must be an absolute path"));
      break;
    case "csi":
      if (!src.driver) errs.push(required(child(path, "driver")));
      break;
    case "emptyDir": {
      const limit = src.sizeLimit as string | undefined;
      if (limit !== undefined && parseQuantity(limit).mantissa < 0n) errs.push(forbidden(child(path, "sizeLimit"), "SizeLimit field must be a valid resource quantity"));
      break;
    }
    case "downwardAPI":
    case "projected":
      errs.push(...validateMode(src.defaultMode as number | undefined, child(path, "defaultMode")));
      break;
  }
  return errs;
}

/** ValidateVolumes: names unique DNS labels, sources valid. Returns the names that passed. */
function validateVolumes(volumes: Volume[] | undefined, path: string): { names: Set<string>; errs: FieldError[] } {
  const names = new Set<string>();
  const errs: FieldError[] = [];
  (volumes ?? []).forEach((v, i) => {
    const p = index(path, i);
    const el = validateVolumeSource(v, p);
    if (!v.name) el.push(required(child(p, "name")));
    else el.push(...dnsLabel(v.name, child(p, "name")));
    if (names.has(v.name)) el.push(duplicate(child(p, "name"), v.name));
    if (el.length === 0) names.add(v.name);
    else errs.push(...el);
  });
  return { names, errs };
}

function validatePortNumOrName(port: number | string, path: string): FieldError[] {
  if (typeof port === "number") return isValidPortNum(port).map((m) => invalid(path, port, m));
  return isValidPortName(port).map((m) => invalid(path, port, m));
}

function validateContainerPorts(ports: Container["ports"], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (ports ?? []).forEach((port, i) => {
    const p = index(path, i);
    if (port.name) {
      const msgs = isValidPortName(port.name);
      if (msgs.length > 0) for (const m of msgs) errs.push(invalid(child(p, "name"), port.name, m));
      else if (names.has(port.name)) errs.push(duplicate(child(p, "name"), port.name));
      else names.add(port.name);
    }
    if (!port.containerPort) errs.push(required(child(p, "containerPort")));
    else for (const m of isValidPortNum(port.containerPort)) errs.push(invalid(child(p, "containerPort"), port.containerPort, m));
    if (port.hostPort) for (const m of isValidPortNum(port.hostPort)) errs.push(invalid(child(p, "hostPort"), port.hostPort, m));
    if (!port.protocol) errs.push(required(child(p, "protocol")));
    else if (!PROTOCOLS.includes(port.protocol)) errs.push(notSupported(child(p, "protocol"), port.protocol, PROTOCOLS));
  });
  return errs;
}

const ENV_FIELD_PATHS = [
  "metadata.name",
  "metadata.namespace",
  "metadata.uid",
  "spec.nodeName",
  "spec.serviceAccountName",
  "status.hostIP",
  "status.hostIPs",
  "status.podIP",
  "status.podIPs",
];
const RESOURCE_FIELD_PATHS = ["limits.cpu", "limits.ephemeral-storage", "limits.memory", "requests.cpu", "requests.ephemeral-storage", "requests.memory"];

function validateKeySelector(s: { name?: string; key?: string }, path: string): FieldError[] {
  const errs = nameIsDNSSubdomain(s.name ?? "", false).map((m) => invalid(child(path, "name"), s.name ?? "", m));
  if (!s.key) errs.push(required(child(path, "key")));
  else for (const m of isConfigMapKey(s.key)) errs.push(invalid(child(path, "key"), s.key, m));
  return errs;
}

function validateEnv(env: Container["env"], path: string): FieldError[] {
  const errs: FieldError[] = [];
  (env ?? []).forEach((ev, i) => {
    const p = index(path, i);
    if (!ev.name) errs.push(required(child(p, "name")));
    else for (const m of isRelaxedEnvVarName(ev.name)) errs.push(invalid(child(p, "name"), ev.name, m));
    const from = ev.valueFrom;
    if (from === undefined) return;
    const fp = child(p, "valueFrom");
    let sources = 0;
    if (from.fieldRef) {
      sources++;
      const fr = from.fieldRef;
      const frPath = child(fp, "fieldRef");
      if (!fr.apiVersion) errs.push(required(child(frPath, "apiVersion")));
      else if (!fr.fieldPath) errs.push(required(child(frPath, "fieldPath")));
      else {
        const m = /^(metadata\.(?:labels|annotations))\['(.*)'\]$/.exec(fr.fieldPath);
        if (m) errs.push(...qualifiedName(m[1] === "metadata.annotations" ? m[2]!.toLowerCase() : m[2]!, frPath));
        else if (!ENV_FIELD_PATHS.includes(fr.fieldPath)) errs.push(notSupported(child(frPath, "fieldPath"), fr.fieldPath, ENV_FIELD_PATHS));
      }
    }
    if (from.resourceFieldRef) {
      sources++;
      const rf = from.resourceFieldRef;
      const rfPath = child(fp, "resourceFieldRef");
      if (!rf.resource) errs.push(required(child(rfPath, "resource")));
      else if (!RESOURCE_FIELD_PATHS.includes(rf.resource) && !/^(requests|limits)\.hugepages-/.test(rf.resource)) {
        errs.push(notSupported(child(rfPath, "resource"), rf.resource, RESOURCE_FIELD_PATHS));
      }
    }
    if (from.configMapKeyRef) {
      sources++;
      errs.push(...validateKeySelector(from.configMapKeyRef, child(fp, "configMapKeyRef")));
    }
    if (from.secretKeyRef) {
      sources++;
      errs.push(...validateKeySelector(from.secretKeyRef, child(fp, "secretKeyRef")));
    }
    if (sources === 0) errs.push(invalid(fp, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"));
    else if (ev.value) errs.push(invalid(fp, "", "may not be specified when `value` is not empty"));
    else if (sources > 1) errs.push(invalid(fp, "", "may not have more than one field specified at a time"));
  });
  return errs;
}

function validateEnvFrom(envFrom: Container["envFrom"], path: string): FieldError[] {
  const errs: FieldError[] = [];
  (envFrom ?? []).forEach((ev, i) => {
    const p = index(path, i);
    if (ev.prefix) for (const m of isRelaxedEnvVarName(ev.prefix)) errs.push(invalid(child(p, "prefix"), ev.prefix, m));
    let sources = 0;
    for (const [name, ref] of [["configMapRef", ev.configMapRef], ["secretRef", ev.secretRef]] as const) {
      if (ref === undefined) continue;
      sources++;
      if (!ref.name) errs.push(required(child(p, name, "name")));
      else for (const m of nameIsDNSSubdomain(ref.name, true)) errs.push(invalid(child(p, name, "name"), ref.name, m));
    }
    if (sources === 0) errs.push(invalid(path, "", "must specify one of: `configMapRef` or `secretRef`"));
    else if (sources > 1) errs.push(invalid(path, "", "may not have more than one field specified at a time"));
  });
  return errs;
}

function validateVolumeMounts(mounts: Container["volumeMounts"], volumes: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (mounts ?? []).forEach((m, i) => {
    const p = index(path, i);
    if (!m.name) errs.push(required(child(p, "name")));
    if (!volumes.has(m.name)) errs.push(notFound(child(p, "name"), m.name));
    if (!m.mountPath) errs.push(required(child(p, "mountPath")));
    if (seen.has(m.mountPath)) errs.push(invalid(child(p, "mountPath"), m.mountPath, "must be unique"));
    seen.add(m.mountPath);
    if (m.subPath) errs.push(...validateLocalDescendingPath(m.subPath, child(path, "subPath")));
  });
  return errs;
}

const STANDARD_CONTAINER_RESOURCES = new Set(["cpu", "memory", "ephemeral-storage"]);
const STANDARD_RESOURCES = new Set([
  ...STANDARD_CONTAINER_RESOURCES,
  "pods",
  "services",
  "replicationcontrollers",
  "resourcequotas",
  "secrets",
  "configmaps",
  "persistentvolumeclaims",
  "storage",
  "requests.cpu",
  "requests.memory",
  "requests.storage",
  "requests.ephemeral-storage",
  "limits.cpu",
  "limits.memory",
  "limits.ephemeral-storage",
  "services.nodeports",
  "services.loadbalancers",
]);

function validateContainerResourceName(name: string, path: string): FieldError[] {
  const errs = qualifiedName(name, path);
  if (errs.length > 0) return errs;
  if (!name.includes("/")) {
    if (!STANDARD_RESOURCES.has(name) && !name.startsWith("hugepages-")) return [invalid(path, name, "must be a standard resource type or fully qualified")];
    if (!STANDARD_CONTAINER_RESOURCES.has(name) && !name.startsWith("hugepages-")) return [invalid(path, name, "must be a standard resource for containers")];
  }
  return [];
}

function validateResources(resources: Container["resources"], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const limits = resources?.limits ?? {};
  const requests = resources?.requests ?? {};
  for (const [name, q] of Object.entries(limits)) {
    const p = key(child(path, "limits"), name);
    errs.push(...validateContainerResourceName(name, p));
    if (parseQuantity(q).mantissa < 0n) errs.push(invalid(p, formatQuantity(parseQuantity(q)), IS_NEGATIVE));
  }
  for (const [name, q] of Object.entries(requests)) {
    const p = key(child(path, "requests"), name);
    errs.push(...validateContainerResourceName(name, p));
    const req = parseQuantity(q);
    if (req.mantissa < 0n) errs.push(invalid(p, formatQuantity(req), IS_NEGATIVE));
    const limit = limits[name];
    if (limit === undefined) continue;
    const lim = parseQuantity(limit);
    // Only cpu, memory and ephemeral storage may be overcommitted; others must match their limit.
    const overcommit = STANDARD_CONTAINER_RESOURCES.has(name);
    if (!overcommit && compareQuantity(req, lim) !== 0) {
      errs.push(invalid(child(path, "requests"), formatQuantity(req), `must be equal to ${name} limit of ${formatQuantity(lim)}`));
    } else if (compareQuantity(req, lim) > 0) {
      errs.push(invalid(child(path, "requests"), formatQuantity(req), `must be less than or equal to ${name} limit of ${formatQuantity(lim)}`));
    }
  }
  return errs;
}

function validateSecurityContext(sc: Container["securityContext"], path: string): FieldError[] {
  if (sc === undefined) return [];
  const errs: FieldError[] = [];
  for (const f of ["runAsUser", "runAsGroup"] as const) {
    const v = sc[f];
    if (v !== undefined && (v < 0 || v > 0xffffffff)) errs.push(invalid(child(path, f), v, inclusiveRangeError(0, 0xffffffff)));
  }
  if (sc.allowPrivilegeEscalation === false && sc.privileged === true) {
    errs.push(invalid(path, sc, "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"));
  }
  if (sc.allowPrivilegeEscalation === false && (sc.capabilities?.add ?? []).includes("CAP_SYS_ADMIN")) {
    errs.push(invalid(path, sc, "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN"));
  }
  return errs;
}

type Handler = { exec?: { command?: string[] }; httpGet?: Obj; tcpSocket?: { port: number | string }; grpc?: { port: number }; sleep?: { seconds: number } };

function validateHandler(h: Handler, gracePeriod: number | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  const one = (name: string, check: () => FieldError[]) => {
    if (n > 0) errs.push(forbidden(child(path, name), "may not specify more than 1 handler type"));
    else {
      n++;
      errs.push(...check());
    }
  };
  if (h.exec) one("exec", () => ((h.exec!.command ?? []).length === 0 ? [required(child(path, "exec", "command"))] : []));
  if (h.httpGet) {
    one("httpGet", () => {
      const g = h.httpGet as { path?: string; port: number | string; scheme?: string; httpHeaders?: { name: string }[] };
      const p = child(path, "httpGet");
      const e: FieldError[] = [];
      if (!g.path) e.push(required(child(p, "path")));
      e.push(...validatePortNumOrName(g.port, child(p, "port")));
      if (g.scheme !== "HTTP" && g.scheme !== "HTTPS") e.push(notSupported(child(p, "scheme"), g.scheme ?? "", ["HTTP", "HTTPS"]));
      for (const hd of g.httpHeaders ?? []) for (const m of isHTTPHeaderName(hd.name)) e.push(invalid(child(p, "httpHeaders"), hd.name, m));
      return e;
    });
  }
  if (h.tcpSocket) one("tcpSocket", () => validatePortNumOrName(h.tcpSocket!.port, child(path, "tcpSocket", "port")));
  if (h.grpc) one("grpc", () => validatePortNumOrName(h.grpc!.port, child(path, "grpc", "port")));
  if (h.sleep) {
    one("sleep", () => {
      const s = h.sleep!.seconds;
      return gracePeriod !== undefined && (s < 0 || s > gracePeriod)
        ? [invalid(child(path, "sleep"), s, `must be non-negative and less than terminationGracePeriodSeconds (${gracePeriod})`)]
        : [];
    });
  }
  if (n === 0) errs.push(required(path, "must specify a handler type"));
  return errs;
}

function validateProbe(probe: Probe | undefined, gracePeriod: number | undefined, path: string, kind: "liveness" | "readiness" | "startup"): FieldError[] {
  if (probe === undefined) return [];
  const errs = validateHandler(probe as Handler, gracePeriod, path);
  for (const f of ["initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"] as const) {
    errs.push(...validateNonnegative(probe[f], child(path, f)));
  }
  if (probe.terminationGracePeriodSeconds !== undefined && probe.terminationGracePeriodSeconds <= 0) {
    errs.push(invalid(child(path, "terminationGracePeriodSeconds"), probe.terminationGracePeriodSeconds, "must be greater than 0"));
  }
  if (kind !== "readiness" && (probe.successThreshold ?? 0) !== 1) errs.push(invalid(child(path, "successThreshold"), probe.successThreshold ?? 0, "must be 1"));
  if (kind === "readiness" && probe.terminationGracePeriodSeconds !== undefined) {
    errs.push(invalid(child(path, "terminationGracePeriodSeconds"), probe.terminationGracePeriodSeconds, "must not be set for readinessProbes"));
  }
  return errs;
}

const PULL_POLICIES = ["Always", "IfNotPresent", "Never"];
const MESSAGE_POLICIES = ["File", "FallbackToLogsOnError"];

function validateContainerCommon(c: Container, volumes: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.name) errs.push(required(child(path, "name")));
  else errs.push(...dnsLabel(c.name, child(path, "name")));
  if (!c.image) errs.push(required(child(path, "image")));
  if (!c.terminationMessagePolicy) errs.push(required(child(path, "terminationMessagePolicy")));
  else if (!MESSAGE_POLICIES.includes(c.terminationMessagePolicy)) errs.push(notSupported(child(path, "terminationMessagePolicy"), c.terminationMessagePolicy, MESSAGE_POLICIES));
  errs.push(...validateContainerPorts(c.ports, child(path, "ports")));
  errs.push(...validateEnv(c.env, child(path, "env")));
  errs.push(...validateEnvFrom(c.envFrom, child(path, "envFrom")));
  errs.push(...validateVolumeMounts(c.volumeMounts, volumes, child(path, "volumeMounts")));
  if (!c.imagePullPolicy) errs.push(required(child(path, "imagePullPolicy")));
  else if (!PULL_POLICIES.includes(c.imagePullPolicy)) errs.push(notSupported(child(path, "imagePullPolicy"), c.imagePullPolicy, PULL_POLICIES));
  errs.push(...validateResources(c.resources, child(path, "resources")));
  errs.push(...validateSecurityContext(c.securityContext, child(path, "securityContext")));
  return errs;
}

function validateContainers(containers: Container[] | undefined, volumes: Set<string>, gracePeriod: number | undefined, path: string): FieldError[] {
  if (!containers || containers.length === 0) return [required(path)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const p = index(path, i);
    errs.push(...validateContainerCommon(c, volumes, p));
    if (names.has(c.name)) errs.push(duplicate(child(p, "name"), c.name));
    else names.add(c.name);
    if (c.lifecycle) {
      for (const h of ["postStart", "preStop"] as const) {
        const handler = c.lifecycle[h];
        if (handler) errs.push(...validateHandler(handler as Handler, gracePeriod, child(p, "lifecycle", h)));
      }
    }
    errs.push(...validateProbe(c.livenessProbe, gracePeriod, child(p, "livenessProbe"), "liveness"));
    errs.push(...validateProbe(c.readinessProbe, gracePeriod, child(p, "readinessProbe"), "readiness"));
    errs.push(...validateProbe(c.startupProbe, gracePeriod, child(p, "startupProbe"), "startup"));
    if (c.restartPolicy !== undefined) errs.push(forbidden(child(p, "restartPolicy"), "may not be set for non-init containers"));
  });
  errs.push(...checkHostPortConflicts(containers, path));
  return errs;
}

function validateInitContainers(init: Container[] | undefined, regular: Container[], volumes: Set<string>, gracePeriod: number | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set(regular.map((c) => c.name));
  (init ?? []).forEach((c, i) => {
    const p = index(path, i);
    errs.push(...validateContainerCommon(c, volumes, p));
    const restartAlways = c.restartPolicy === "Always";
    if (c.restartPolicy !== undefined && !restartAlways) errs.push(notSupported(child(p, "restartPolicy"), c.restartPolicy, ["Always"]));
    if (names.has(c.name)) errs.push(duplicate(child(p, "name"), c.name));
    else if (c.name) names.add(c.name);
    errs.push(...checkHostPortConflicts([c], path));
    if (restartAlways) {
      errs.push(...validateProbe(c.livenessProbe, gracePeriod, child(p, "livenessProbe"), "liveness"));
      errs.push(...validateProbe(c.readinessProbe, gracePeriod, child(p, "readinessProbe"), "readiness"));
      errs.push(...validateProbe(c.startupProbe, gracePeriod, child(p, "startupProbe"), "startup"));
    } else {
      for (const f of ["lifecycle", "livenessProbe", "readinessProbe", "startupProbe"] as const) {
        if (c[f] !== undefined) errs.push(forbidden(child(p, f), "may not be set for init containers without restartPolicy=Always"));
      }
    }
  });
  return errs;
}

/**
 * Fields an ephemeral container may not have, in the order of the Container struct that
 * validateFieldAllowList walks: a debugging container gets no ports, resources, probes or hooks.
 */
const EPHEMERAL_FORBIDDEN = ["ports", "resources", "resizePolicy", "restartPolicy", "livenessProbe", "readinessProbe", "startupProbe", "lifecycle"] as const;

/** Go's zero value as reflect.Value.IsZero sees a decoded field: absent, empty, or a struct of zero fields. */
function isZeroValue(v: unknown): boolean {
  if (v === undefined || v === null || v === "" || v === false || v === 0) return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === "object" && Object.values(v as Obj).every(isZeroValue);
}

function validateEphemeralContainers(ephemeral: EphemeralContainer[] | undefined, spec: PodSpec, volumes: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const others = new Set([...(spec.containers ?? []), ...(spec.initContainers ?? [])].map((c) => c.name));
  const all = new Set(others);
  (ephemeral ?? []).forEach((c, i) => {
    const p = index(path, i);
    errs.push(...validateContainerCommon(c, volumes, p));
    if (all.has(c.name)) errs.push(duplicate(child(p, "name"), c.name));
    else all.add(c.name);
    if (c.targetContainerName && !others.has(c.targetContainerName)) errs.push(notFound(child(p, "targetContainerName"), c.targetContainerName));
    for (const f of EPHEMERAL_FORBIDDEN) {
      if (!isZeroValue((c as unknown as Obj)[f])) errs.push(forbidden(child(p, f), "cannot be set for an Ephemeral Container"));
    }
    // Subpaths are bind mounts that outlive the container until the pod ends.
    (c.volumeMounts ?? []).forEach((vm, j) => {
      for (const f of ["subPath", "subPathExpr"]) if ((vm as unknown as Obj)[f]) errs.push(forbidden(child(index(child(p, "volumeMounts"), j), f), "cannot be set for an Ephemeral Container"));
    });
  });
  return errs;
}

function checkHostPortConflicts(containers: Container[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  containers.forEach((c, ci) => {
    (c.ports ?? []).forEach((p, pi) => {
      if (!p.hostPort) return;
      const id = `${p.protocol ?? ""}/${p.hostIP ?? ""}/${p.hostPort}`;
      if (seen.has(id)) errs.push(duplicate(child(index(child(index(path, ci), "ports"), pi), "hostPort"), id));
      else seen.add(id);
    });
  });
  return errs;
}

const RESTART_POLICIES = ["Always", "OnFailure", "Never"];
const DNS_POLICIES = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"];

function validateTolerations(tolerations: Toleration[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (tolerations ?? []).forEach((t, i) => {
    const p = index(path, i);
    if (t.key) errs.push(...qualifiedName(t.key, child(p, "key")));
    if (!t.key && t.operator !== "Exists") {
      errs.push(invalid(child(p, "operator"), t.operator ?? "", 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t.tolerationSeconds !== undefined && t.effect !== "NoExecute") {
      errs.push(invalid(child(p, "effect"), t.effect ?? "", "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (t.operator === undefined || t.operator === "Equal") {
      const msgs = isValidLabelValue(t.value ?? "");
      if (msgs.length > 0) errs.push(invalid(child(p, "operator"), t.value ?? "", msgs.join(";")));
    } else if (t.operator === "Exists") {
      if (t.value) errs.push(invalid(child(p, "operator"), t, "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(notSupported(child(p, "operator"), t.operator, ["Equal", "Exists"]));
    }
    const effects = ["NoSchedule", "PreferNoSchedule", "NoExecute"];
    if (t.effect && !effects.includes(t.effect)) errs.push(notSupported(child(p, "effect"), t.effect, effects));
  });
  return errs;
}

function validateAffinityTerm(term: PodAffinityTerm, path: string): FieldError[] {
  const errs = validateLabelSelector(term.labelSelector, child(path, "labelSelector"));
  errs.push(...validateLabelSelector(term.namespaceSelector, child(path, "namespaceSelector")));
  for (const ns of term.namespaces ?? []) for (const m of nameIsDNSLabel(ns, false)) errs.push(invalid(child(path, "namespace"), ns, m));
  if (!term.topologyKey) errs.push(required(child(path, "topologyKey"), "can not be empty"));
  else errs.push(...qualifiedName(term.topologyKey, child(path, "topologyKey")));
  return errs;
}

function validateAffinity(affinity: Affinity | undefined, path: string): FieldError[] {
  if (affinity === undefined) return [];
  const errs: FieldError[] = [];
  const node = affinity.nodeAffinity;
  if (node?.requiredDuringSchedulingIgnoredDuringExecution) {
    const terms = node.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms ?? [];
    const tp = child(path, "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms");
    if (terms.length === 0) errs.push(required(tp, "must have at least one node selector term"));
  }
  (node?.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t, i) => {
    if (t.weight <= 0 || t.weight > 100) {
      errs.push(invalid(child(index(child(path, "nodeAffinity", "preferredDuringSchedulingIgnoredDuringExecution"), i), "weight"), t.weight, "must be in the range 1-100"));
    }
  });
  for (const kind of ["podAffinity", "podAntiAffinity"] as const) {
    const a = affinity[kind];
    if (a === undefined) continue;
    const base = child(path, kind);
    (a.requiredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t, i) => {
      errs.push(...validateAffinityTerm(t, index(child(base, "requiredDuringSchedulingIgnoredDuringExecution"), i)));
    });
    (a.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((w, i) => {
      const p = index(child(base, "preferredDuringSchedulingIgnoredDuringExecution"), i);
      if (w.weight <= 0 || w.weight > 100) errs.push(invalid(child(p, "weight"), w.weight, "must be in the range 1-100"));
      errs.push(...validateAffinityTerm(w.podAffinityTerm, child(p, "podAffinityTerm")));
    });
  }
  return errs;
}

function validateTopologySpread(spec: PodSpec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (spec.topologySpreadConstraints ?? []).forEach((c, i) => {
    const p = index(path, i);
    if (c.maxSkew <= 0) errs.push(invalid(child(p, "maxSkew"), c.maxSkew, "must be greater than zero"));
    if (!c.topologyKey) errs.push(required(child(p, "topologyKey"), "can not be empty"));
    else errs.push(...qualifiedName(c.topologyKey, child(p, "topologyKey")));
    const whens = ["DoNotSchedule", "ScheduleAnyway"];
    if (!whens.includes(c.whenUnsatisfiable)) errs.push(notSupported(child(p, "whenUnsatisfiable"), c.whenUnsatisfiable, whens));
    const id = `{${c.topologyKey}, ${c.whenUnsatisfiable}}`;
    if (seen.has(id)) errs.push(duplicate(p, id));
    seen.add(id);
    errs.push(...validateLabelSelector(c.labelSelector, child(p, "labelSelector")));
  });
  return errs;
}

/** ValidatePodSpec (after defaulting: fields the defaults fill are required here). */
export function validatePodSpec(spec: PodSpec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (spec.terminationGracePeriodSeconds === undefined) errs.push(required(child(path, "terminationGracePeriodSeconds")));
  const grace = spec.terminationGracePeriodSeconds;
  const vols = validateVolumes(spec.volumes, child(path, "volumes"));
  errs.push(...vols.errs);
  errs.push(...validateContainers(spec.containers, vols.names, grace, child(path, "containers")));
  errs.push(...validateInitContainers(spec.initContainers, spec.containers ?? [], vols.names, grace, child(path, "initContainers")));
  errs.push(...validateEphemeralContainers(spec.ephemeralContainers, spec, vols.names, child(path, "ephemeralContainers")));
  if (spec.hostNetwork) {
    (spec.containers ?? []).forEach((c, i) =>
      (c.ports ?? []).forEach((port, j) => {
        if (port.hostPort && port.hostPort !== port.containerPort) {
          errs.push(invalid(child(index(child(index(child(path, "containers"), i), "ports"), j), "hostPort"), port.hostPort, "must match `containerPort` when `hostNetwork` is true"));
        }
      }),
    );
  }
  if (!spec.restartPolicy) errs.push(required(child(path, "restartPolicy")));
  else if (!RESTART_POLICIES.includes(spec.restartPolicy)) errs.push(notSupported(child(path, "restartPolicy"), spec.restartPolicy, RESTART_POLICIES));
  if (!spec.dnsPolicy) errs.push(required(child(path, "dnsPolicy")));
  else if (!DNS_POLICIES.includes(spec.dnsPolicy)) errs.push(notSupported(child(path, "dnsPolicy"), spec.dnsPolicy, DNS_POLICIES));
  errs.push(...validateLabels(spec.nodeSelector, child(path, "nodeSelector")));
  if (spec.shareProcessNamespace && spec.hostPID) {
    errs.push(invalid(child(path, "shareProcessNamespace"), true, "ShareProcessNamespace and HostPID cannot both be enabled"));
  }
  const psc = spec.securityContext;
  for (const f of ["runAsUser", "runAsGroup", "fsGroup"] as const) {
    const v = psc?.[f];
    if (v !== undefined && (v < 0 || v > 0xffffffff)) errs.push(invalid(child(path, "securityContext", f), v, inclusiveRangeError(0, 0xffffffff)));
  }
  errs.push(...validateAffinity(spec.affinity, child(path, "affinity")));
  errs.push(...validateTopologySpread(spec, child(path, "topologySpreadConstraints")));
  if (spec.serviceAccountName) for (const m of nameIsDNSSubdomain(spec.serviceAccountName, false)) errs.push(invalid(child(path, "serviceAccountName"), spec.serviceAccountName, m));
  if (spec.nodeName) for (const m of nameIsDNSSubdomain(spec.nodeName, false)) errs.push(invalid(child(path, "nodeName"), spec.nodeName, m));
  if (spec.activeDeadlineSeconds !== undefined && (spec.activeDeadlineSeconds < 1 || spec.activeDeadlineSeconds > 2147483647)) {
    errs.push(invalid(child(path, "activeDeadlineSeconds"), spec.activeDeadlineSeconds, inclusiveRangeError(1, 2147483647)));
  }
  if (spec.hostname) errs.push(...dnsLabel(spec.hostname, child(path, "hostname")));
  if (spec.subdomain) errs.push(...dnsLabel(spec.subdomain, child(path, "subdomain")));
  errs.push(...validateTolerations(spec.tolerations, child(path, "tolerations")));
  if (spec.priorityClassName) for (const m of isDNS1123Subdomain(spec.priorityClassName)) errs.push(invalid(child(path, "priorityClassName"), spec.priorityClassName, m));
  if (spec.preemptionPolicy !== undefined) {
    const valid = ["PreemptLowerPriority", "Never"];
    if (!spec.preemptionPolicy) errs.push(required(child(path, "preemptionPolicy")));
    else if (!valid.includes(spec.preemptionPolicy)) errs.push(notSupported(child(path, "preemptionPolicy"), spec.preemptionPolicy, valid));
  }
  return errs;
}

/** ValidatePodTemplateSpec: note the labels path is `<template>.labels`, not `.metadata.labels`. */
export function validatePodTemplateSpec(template: PodTemplateSpec, path: string): FieldError[] {
  const errs = validateLabels(template.metadata?.labels, child(path, "labels"));
  errs.push(...validateAnnotations(template.metadata?.annotations, child(path, "annotations")));
  errs.push(...validatePodSpec(template.spec, child(path, "spec")));
  if ((template.spec.ephemeralContainers ?? []).length > 0) errs.push(forbidden(child(path, "spec", "ephemeralContainers"), "ephemeral containers not allowed in pod template"));
  return errs;
}

/**
 * A template owned by a ReplicaSet or Deployment (ValidatePodTemplateSpecForReplicaSet): the
 * selector must match its labels, the pod spec must be valid and restart Always.
 */
export function validateTemplateForReplicaSet(template: PodTemplateSpec, matches: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!matches) errs.push(templateSelectorMismatch(template, path));
  errs.push(...validatePodTemplateSpec(template, path));
  if (template.spec.restartPolicy !== "Always") errs.push(notSupported(child(path, "spec", "restartPolicy"), template.spec.restartPolicy ?? "", ["Always"]));
  if (template.spec.activeDeadlineSeconds !== undefined) errs.push(forbidden(child(path, "spec", "activeDeadlineSeconds"), "activeDeadlineSeconds in ReplicaSet is not Supported"));
  return errs;
}

export function templateSelectorMismatch(template: PodTemplateSpec, path: string): FieldError {
  return invalid(child(path, "metadata", "labels"), goMap(template.metadata?.labels), "`selector` does not match template `labels`");
}

/** A selector as json.Marshal writes a metav1.LabelSelector (matchLabels sorted, then matchExpressions). */
export function selectorValue(sel: LabelSelector | undefined): unknown {
  if (sel === undefined) return null;
  const out: Record<string, unknown> = {};
  if (sel.matchLabels && Object.keys(sel.matchLabels).length > 0) out.matchLabels = goMap(sel.matchLabels);
  if (sel.matchExpressions && sel.matchExpressions.length > 0) {
    out.matchExpressions = sel.matchExpressions.map((e) => ({ key: e.key, operator: e.operator, ...(e.values && e.values.length > 0 ? { values: e.values } : {}) }));
  }
  return out;
}

export function validatePod(pod: Pod): FieldError[] {
  const errs = validateObjectMeta(pod.metadata, true, nameIsDNSSubdomain);
  errs.push(...validatePodSpec(pod.spec, "spec"));
  for (const [list, name] of [[pod.spec.containers, "containers"], [pod.spec.initContainers, "initContainers"]] as const) {
    (list ?? []).forEach((c, i) => {
      if (c.image !== undefined && c.image !== c.image.trim()) errs.push(invalid(child(index(child("spec", name), i), "image"), c.image, "must not have leading or trailing whitespace"));
    });
  }
  return errs;
}

const POD_UPDATE_FORBIDDEN =
  "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

/**
 * ValidatePodUpdate: only images, activeDeadlineSeconds and added tolerations may change. The
 * Forbidden detail ends with a diff; the API server prints go-cmp's, this lists the changed
 * top-level spec fields in its spirit.
 */
export function validatePodUpdate(pod: Pod, old: Pod): FieldError[] {
  const errs = validateObjectMetaUpdate(pod.metadata, old.metadata);
  errs.push(...validatePodSpec(pod.spec, "spec"));
  const munged = structuredClone(pod.spec);
  munged.containers = munged.containers.map((c, i) => ({ ...c, image: old.spec.containers[i]?.image ?? c.image }));
  if (munged.initContainers) munged.initContainers = munged.initContainers.map((c, i) => ({ ...c, image: old.spec.initContainers?.[i]?.image ?? c.image }));
  if (old.spec.activeDeadlineSeconds === undefined || (munged.activeDeadlineSeconds !== undefined && munged.activeDeadlineSeconds <= old.spec.activeDeadlineSeconds)) {
    if (munged.activeDeadlineSeconds !== undefined) munged.activeDeadlineSeconds = old.spec.activeDeadlineSeconds;
  }
  const oldTolerations = old.spec.tolerations ?? [];
  if (oldTolerations.every((t) => (munged.tolerations ?? []).some((n) => jsonEqual(n, t)))) munged.tolerations = old.spec.tolerations;
  if (!jsonEqual(munged, old.spec)) {
    const changed = Object.keys({ ...munged, ...old.spec }).filter((k) => !jsonEqual((munged as unknown as Obj)[k], (old.spec as unknown as Obj)[k]));
    errs.push(forbidden("spec", `${POD_UPDATE_FORBIDDEN}\n  core.PodSpec{\n${changed.map((k) => `  \t${k}: changed,`).join("\n")}\n  }\n`));
  }
  return errs;
}

/**
 * ValidatePodEphemeralContainersUpdate: the new pod must be valid, and the ephemeral containers
 * it had must all still be there, unchanged (they can be added, never removed or edited).
 */
export function validateEphemeralContainersUpdate(pod: Pod, old: Pod): FieldError[] {
  const errs = validateObjectMetaUpdate(pod.metadata, old.metadata);
  errs.push(...validatePod(pod));
  const byName = new Map((pod.spec.ephemeralContainers ?? []).map((c) => [c.name, c]));
  for (const c of old.spec.ephemeralContainers ?? []) {
    const now = byName.get(c.name);
    if (now === undefined) errs.push(forbidden("spec.ephemeralContainers", `existing ephemeral containers ${goQuote(c.name)} may not be removed`));
    else if (!jsonEqual(now, c)) errs.push(forbidden("spec.ephemeralContainers", `existing ephemeral containers ${goQuote(c.name)} may not be changed`));
  }
  return errs;
}
