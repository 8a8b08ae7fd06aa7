import type { ApiServer } from "../api/server.js";
import type { ConfigMap, Container, Pod, Secret, Service } from "../api/types.js";

/** Why a container cannot be created (CreateContainerConfigError). */
export class ContainerConfigError extends Error {
  override name = "ContainerConfigError";
}

/**
 * $(VAR) expansion as the kubelet does for env values, command and args: references to defined
 * variables are replaced, `$$` escapes a dollar, unknown references stay as written.
 */
export function expand(input: string, vars: ReadonlyMap<string, string>): string {
  let out = "";
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (c === "$" && input[i + 1] === "$") {
      out += "$";
      i++;
    } else if (c === "$" && input[i + 1] === "(") {
      const end = input.indexOf(")", i + 2);
      if (end < 0) {
        out += input.slice(i);
        break;
      }
      const name = input.slice(i + 2, end);
      out += vars.has(name) ? vars.get(name)! : input.slice(i, end + 1);
      i = end;
    } else out += c;
  }
  return out;
}

function decodeBase64(s: string): string {
  return Buffer.from(s, "base64").toString("utf8");
}

/** The value of a downward-API field path for env. */
function fieldValue(pod: Pod, path: string): string {
  switch (path) {
    case "metadata.name":
      return pod.metadata.name ?? "";
    case "metadata.namespace":
      return pod.metadata.namespace ?? "";
    case "metadata.uid":
      return pod.metadata.uid ?? "";
    case "spec.nodeName":
      return pod.spec.nodeName ?? "";
    case "spec.serviceAccountName":
      return pod.spec.serviceAccountName ?? "";
    case "status.podIP":
      return pod.status?.podIP ?? "";
    case "status.hostIP":
      return pod.status?.hostIP ?? "";
    default: {
      const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
      if (m !== null) return (m[1] === "labels" ? pod.metadata.labels : pod.metadata.annotations)?.[m[2]!] ?? "";
      return "";
    }
  }
}

// Every container start needs the links of its namespace and services change rarely, so they
// are built once per namespace until the next change to any Service.
const linkCache = new WeakMap<ApiServer, { readonly version: number; readonly byNamespace: Map<string, readonly [string, string][]> }>();

function serviceLinks(api: ApiServer, namespace: string): readonly [string, string][] {
  const version = api.store.kindVersion("Service");
  let cache = linkCache.get(api);
  if (cache === undefined || cache.version !== version) linkCache.set(api, (cache = { version, byNamespace: new Map() }));
  let vars = cache.byNamespace.get(namespace);
  if (vars === undefined) cache.byNamespace.set(namespace, (vars = serviceLinkVars(api, namespace)));
  return vars;
}

/** Docker-link style variables for every service in the namespace (enableServiceLinks). */
function serviceLinkVars(api: ApiServer, namespace: string): [string, string][] {
  const out: [string, string][] = [];
  const services = [
    ...api.list<Service>("Service", namespace),
    ...(namespace === "default" ? [] : api.list<Service>("Service", "default").filter((s) => s.metadata.name === "kubernetes")),
  ];
  for (const svc of services) {
    const ip = svc.spec.clusterIP;
    if (!ip || ip === "None") continue;
    const name = svc.metadata.name!.toUpperCase().replace(/-/g, "_");
    const ports = svc.spec.ports ?? [];
    if (ports.length === 0) continue;
    const first = ports[0]!;
    out.push([`${name}_SERVICE_HOST`, ip], [`${name}_SERVICE_PORT`, String(first.port)]);
    for (const p of ports) if (p.name) out.push([`${name}_SERVICE_PORT_${p.name.toUpperCase().replace(/-/g, "_")}`, String(p.port)]);
    out.push([`${name}_PORT`, `${(first.protocol ?? "TCP").toLowerCase()}://${ip}:${first.port}`]);
    for (const p of ports) {
      const proto = p.protocol ?? "TCP";
      const base = `${name}_PORT_${p.port}_${proto}`;
      out.push([base, `${proto.toLowerCase()}://${ip}:${p.port}`], [`${base}_PROTO`, proto.toLowerCase()], [`${base}_PORT`, String(p.port)], [`${base}_ADDR`, ip]);
    }
  }
  return out;
}

/**
 * A container's environment in the kubelet's order: the image's variables, service links,
 * envFrom sources, then env entries (expanded against what came before). Missing secrets,
 * config maps or keys are CreateContainerConfigErrors with the kubelet's messages.
 */
export function containerEnv(api: ApiServer, pod: Pod, container: Container, imageEnv: Readonly<Record<string, string>>): Map<string, string> {
  const ns = pod.metadata.namespace!;
  const env = new Map<string, string>(Object.entries(imageEnv));
  if (pod.spec.enableServiceLinks !== false) for (const [k, v] of serviceLinks(api, ns)) env.set(k, v);
  // Only the pod's own variables are available to $(VAR) references.
  const defined = new Map<string, string>();
  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? "";
    if (from.configMapRef) {
      const cm = api.get<ConfigMap>("ConfigMap", ns, from.configMapRef.name);
      if (cm === undefined) {
        if (from.configMapRef.optional) continue;
        throw new ContainerConfigError(`configmap "${from.configMapRef.name}" not found`);
      }
      for (const [k, v] of Object.entries(cm.data ?? {})) defined.set(prefix + k, v);
    }
    if (from.secretRef) {
      const s = api.get<Secret>("Secret", ns, from.secretRef.name);
      if (s === undefined) {
        if (from.secretRef.optional) continue;
        throw new ContainerConfigError(`secret "${from.secretRef.name}" not found`);
      }
      for (const [k, v] of Object.entries(s.data ?? {})) defined.set(prefix + k, decodeBase64(v));
    }
  }
  for (const e of container.env ?? []) {
    let value: string | undefined;
    if (e.value !== undefined) value = expand(e.value, defined);
    else if (e.valueFrom?.fieldRef) value = fieldValue(pod, e.valueFrom.fieldRef.fieldPath);
    else if (e.valueFrom?.secretKeyRef) {
      const ref = e.valueFrom.secretKeyRef;
      const s = api.get<Secret>("Secret", ns, ref.name);
      if (s === undefined) {
        if (ref.optional) continue;
        throw new ContainerConfigError(`secret "${ref.name}" not found`);
      }
      const raw = s.data?.[ref.key];
      if (raw === undefined) {
        if (ref.optional) continue;
        throw new ContainerConfigError(`couldn't find key ${ref.key} in Secret ${ns}/${ref.name}`);
      }
      value = decodeBase64(raw);
    } else if (e.valueFrom?.configMapKeyRef) {
      const ref = e.valueFrom.configMapKeyRef;
      const cm = api.get<ConfigMap>("ConfigMap", ns, ref.name);
      if (cm === undefined) {
        if (ref.optional) continue;
        throw new ContainerConfigError(`configmap "${ref.name}" not found`);
      }
      const v = cm.data?.[ref.key];
      if (v === undefined) {
        if (ref.optional) continue;
        throw new ContainerConfigError(`couldn't find key ${ref.key} in ConfigMap ${ns}/${ref.name}`);
      }
      value = v;
    } else if (e.valueFrom?.resourceFieldRef) {
      const res = e.valueFrom.resourceFieldRef.resource;
      const [kind, what] = res.split(".") as ["limits" | "requests", string];
      value = String(container.resources?.[kind]?.[what] ?? "");
    } else value = "";
    defined.set(e.name, value);
  }
  for (const [k, v] of defined) env.set(k, v);
  return env;
}
