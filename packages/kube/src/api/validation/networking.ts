import { validateLabelSelector } from "../labels.js";
import type {
  HTTPIngressPath,
  Ingress,
  IngressBackend,
  IngressClass,
  IngressClassParametersReference,
  IngressSpec,
  NetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  NetworkPolicySpec,
} from "../types.js";
import {
  isDNS1123Subdomain,
  isValidPortName,
  isValidPortNum,
  isWildcardDNS1123Subdomain,
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  pathSegmentName,
} from "./content.js";
import { isIP } from "./core.js";
import { child, forbidden, index, invalid, notSupported, required, tooLong, type FieldError } from "./field.js";
import { validateImmutable, validateObjectMeta, validateObjectMetaUpdate } from "./meta.js";

/** pkg/apis/networking/validation: Ingress, IngressClass and NetworkPolicy, in the API server's words. */

const PATH_TYPES = ["Exact", "ImplementationSpecific", "Prefix"];
const INVALID_PATH_SEQUENCES = ["//", "/./", "/../", "%2f", "%2F"];
const INVALID_PATH_SUFFIXES = ["/..", "/."];
const INGRESS_CLASS_ANNOTATION = "kubernetes.io/ingress.class";

function validateTypedLocalObjectReference(ref: { apiGroup?: string | null; kind: string; name: string }, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (ref.apiGroup != null) for (const msg of isDNS1123Subdomain(ref.apiGroup)) errs.push(invalid(child(path, "apiGroup"), ref.apiGroup, msg));
  for (const f of ["kind", "name"] as const) {
    if (ref[f] === "") errs.push(required(child(path, f)));
    else for (const msg of pathSegmentName(ref[f], false)) errs.push(invalid(child(path, f), ref[f], msg));
  }
  return errs;
}

/**
 * validateIngressBackend. A Service name is a DNS-1035 label (ValidateServiceName); an update
 * keeps accepting the DNS-1123 labels the old object already used (RelaxedServiceNameValidation
 * is off by default).
 */
function validateIngressBackend(backend: IngressBackend, path: string, relaxedServiceNames: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const { service, resource } = backend;
  if (resource !== undefined && service !== undefined) return [invalid(path, "", "cannot set both resource and service backends")];
  if (resource !== undefined) return validateTypedLocalObjectReference(resource, child(path, "resource"));
  if (service === undefined) return [invalid(path, "", "resource or service backend is required")];
  if (service.name === "") errs.push(required(child(path, "service", "name")));
  else {
    const rule = relaxedServiceNames ? nameIsDNSLabel : nameIsDNS1035Label;
    for (const msg of rule(service.name, false)) errs.push(invalid(child(path, "service", "name"), service.name, msg));
  }
  const portName = service.port?.name ?? "";
  const portNumber = service.port?.number ?? 0;
  if (portName !== "" && portNumber !== 0) errs.push(invalid(path, "", "cannot set both port name & port number"));
  else if (portName !== "") for (const msg of isValidPortName(portName)) errs.push(invalid(child(path, "service", "port", "name"), portName, msg));
  else if (portNumber !== 0) for (const msg of isValidPortNum(portNumber)) errs.push(invalid(child(path, "service", "port", "number"), portNumber, msg));
  else errs.push(required(path, "port name or number is required"));
  return errs;
}

function validateHTTPIngressPath(p: HTTPIngressPath, path: string, relaxed: boolean): FieldError[] {
  if (p.pathType === undefined) return [required(child(path, "pathType"), "pathType must be specified")];
  const errs: FieldError[] = [];
  const value = p.path ?? "";
  switch (p.pathType) {
    case "Exact":
    case "Prefix":
      if (!value.startsWith("/")) errs.push(invalid(child(path, "path"), value, "must be an absolute path"));
      for (const seq of INVALID_PATH_SEQUENCES) if (value.includes(seq)) errs.push(invalid(child(path, "path"), value, `must not contain '${seq}'`));
      for (const suffix of INVALID_PATH_SUFFIXES) if (value.endsWith(suffix)) errs.push(invalid(child(path, "path"), value, `cannot end with '${suffix}'`));
      break;
    case "ImplementationSpecific":
      if (value !== "" && !value.startsWith("/")) errs.push(invalid(child(path, "path"), value, "must be an absolute path"));
      break;
    default:
      errs.push(notSupported(child(path, "pathType"), p.pathType, PATH_TYPES));
  }
  return [...errs, ...validateIngressBackend(p.backend, child(path, "backend"), relaxed)];
}

interface IngressOptions {
  readonly allowInvalidSecretName: boolean;
  readonly allowInvalidWildcardHostRule: boolean;
  readonly relaxedServiceNames: boolean;
}

function validateRuleValue(http: { paths: HTTPIngressPath[] } | undefined, path: string, relaxed: boolean): FieldError[] {
  if (http === undefined) return [];
  const errs: FieldError[] = [];
  const paths = http.paths ?? [];
  if (paths.length === 0) errs.push(required(child(path, "http", "paths")));
  paths.forEach((p, i) => errs.push(...validateHTTPIngressPath(p, index(child(path, "http", "paths"), i), relaxed)));
  return errs;
}

function validateHost(host: string, path: string): FieldError[] {
  const check = host.includes("*") ? isWildcardDNS1123Subdomain : isDNS1123Subdomain;
  return check(host).map((msg) => invalid(path, host, msg));
}

function validateIngressSpec(spec: IngressSpec, opts: IngressOptions): FieldError[] {
  const errs: FieldError[] = [];
  const rules = spec.rules ?? [];
  if (rules.length === 0 && spec.defaultBackend === undefined) errs.push(invalid("spec", spec.rules ?? null, "either `defaultBackend` or `rules` must be specified"));
  if (spec.defaultBackend !== undefined) errs.push(...validateIngressBackend(spec.defaultBackend, "spec.defaultBackend", opts.relaxedServiceNames));
  rules.forEach((rule, i) => {
    const path = index("spec.rules", i);
    const host = rule.host ?? "";
    if (host !== "") {
      if (isIP(host)) errs.push(invalid(child(path, "host"), host, "must be a DNS name, not an IP address"));
      errs.push(...validateHost(host, child(path, "host")));
    }
    if (!host.includes("*") || !opts.allowInvalidWildcardHostRule) errs.push(...validateRuleValue(rule.http, path, opts.relaxedServiceNames));
  });
  (spec.tls ?? []).forEach((tls, t) => {
    const path = index("spec.tls", t);
    (tls.hosts ?? []).forEach((host, i) => errs.push(...validateHost(host, index(child(path, "hosts"), i))));
    const secret = tls.secretName ?? "";
    if (!opts.allowInvalidSecretName && secret !== "") for (const msg of nameIsDNSSubdomain(secret, false)) errs.push(invalid(child(path, "secretName"), secret, msg));
  });
  if (spec.ingressClassName !== undefined) {
    for (const msg of nameIsDNSSubdomain(spec.ingressClassName, false)) errs.push(invalid("spec.ingressClassName", spec.ingressClassName, msg));
  }
  return errs;
}

export function validateIngress(ing: Ingress): FieldError[] {
  const errs = [
    ...validateObjectMeta(ing.metadata, true, nameIsDNSSubdomain),
    ...validateIngressSpec(ing.spec, { allowInvalidSecretName: false, allowInvalidWildcardHostRule: false, relaxedServiceNames: false }),
  ];
  const annotation = ing.metadata.annotations?.[INGRESS_CLASS_ANNOTATION];
  if (annotation !== undefined && ing.spec.ingressClassName !== undefined && annotation !== ing.spec.ingressClassName) {
    errs.push(invalid(`annotations.${INGRESS_CLASS_ANNOTATION}`, annotation, "must match `ingressClassName` when both are specified"));
  }
  return errs;
}

/** The old object's invalid values stay acceptable (allowInvalidSecretName, allowInvalidWildcardHostRule, allowRelaxedServiceNameValidation). */
export function validateIngressUpdate(ing: Ingress, old: Ingress): FieldError[] {
  const oldRules = old.spec.rules ?? [];
  const backends = [old.spec.defaultBackend, ...oldRules.flatMap((r) => (r.http?.paths ?? []).map((p) => p.backend))];
  const opts: IngressOptions = {
    allowInvalidSecretName: (old.spec.tls ?? []).some((t) => (t.secretName ?? "") !== "" && nameIsDNSSubdomain(t.secretName!, false).length > 0),
    allowInvalidWildcardHostRule: oldRules.some((r) => (r.host ?? "").includes("*") && validateRuleValue(r.http, "", false).length > 0),
    relaxedServiceNames: backends.some((b) => {
      const name = b?.service?.name;
      return name !== undefined && nameIsDNSLabel(name, false).length === 0 && nameIsDNS1035Label(name, false).length > 0;
    }),
  };
  return [...validateObjectMetaUpdate(ing.metadata, old.metadata), ...validateObjectMeta(ing.metadata, true, nameIsDNSSubdomain), ...validateIngressSpec(ing.spec, opts)];
}

const HTTP_PATH_FMT = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";
const HTTP_PATH_RE = new RegExp(`^(?:${HTTP_PATH_FMT})$`);

/** IsDomainPrefixedPath: `example.com/controller`. */
function validateDomainPrefixedPath(value: string, path: string): FieldError[] {
  const slash = value.indexOf("/");
  const [host, rest] = slash < 0 ? [value, ""] : [value.slice(0, slash), value.slice(slash + 1)];
  if (slash < 0 || host === "" || rest === "") return [invalid(path, value, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  const errs = isDNS1123Subdomain(host).map((msg) => invalid(path, host, msg));
  if (!HTTP_PATH_RE.test(rest)) errs.push(invalid(path, rest, `Invalid path (regex used for validation is '${HTTP_PATH_FMT}')`));
  return errs;
}

function validateParametersReference(params: IngressClassParametersReference | undefined, path: string): FieldError[] {
  if (params === undefined) return [];
  const errs = validateTypedLocalObjectReference(params, path);
  if (params.scope === undefined) return [...errs, required(child(path, "scope"))];
  if (params.scope !== "Cluster" && params.scope !== "Namespace") return [...errs, notSupported(child(path, "scope"), params.scope, ["Cluster", "Namespace"])];
  if (params.scope === "Namespace") {
    if (params.namespace === undefined) errs.push(required(child(path, "namespace"), "`parameters.scope` is set to 'Namespace'"));
    else for (const msg of nameIsDNSLabel(params.namespace, false)) errs.push(invalid(child(path, "namespace"), params.namespace, msg));
  }
  if (params.scope === "Cluster" && params.namespace !== undefined) errs.push(forbidden(child(path, "namespace"), "`parameters.scope` is set to 'Cluster'"));
  return errs;
}

export function validateIngressClass(ic: IngressClass): FieldError[] {
  const errs = validateObjectMeta(ic.metadata, false, nameIsDNSSubdomain);
  const controller = ic.spec.controller ?? "";
  if (controller === "") errs.push(required("spec.controller"));
  else {
    if (controller.length > 250) errs.push(tooLong("spec.controller", 250));
    errs.push(...validateDomainPrefixedPath(controller, "spec.controller"));
  }
  return [...errs, ...validateParametersReference(ic.spec.parameters, "spec.parameters")];
}

export function validateIngressClassUpdate(ic: IngressClass, old: IngressClass): FieldError[] {
  return [
    ...validateObjectMetaUpdate(ic.metadata, old.metadata),
    ...validateImmutable(ic.spec.controller ?? "", old.spec.controller ?? "", "spec.controller"),
    ...validateIngressClass(ic),
  ];
}

// ---- NetworkPolicy ------------------------------------------------------------------------------

const CIDR_ERROR = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";

/** An IPv4 CIDR as [address, prefix length], for the strict-subset check of `except`. */
function ipv4Cidr(cidr: string): [number, number] | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (m === null || !isIP(cidr.slice(0, cidr.indexOf("/"))) || Number(m[5]) > 32) return undefined;
  return [m.slice(1, 5).reduce((a, o) => a * 256 + Number(o), 0), Number(m[5])];
}

function isCIDR(cidr: string): boolean {
  const slash = cidr.indexOf("/");
  if (slash < 0 || !isIP(cidr.slice(0, slash)) || !/^\d+$/.test(cidr.slice(slash + 1))) return false;
  return Number(cidr.slice(slash + 1)) <= (cidr.includes(":") ? 128 : 32);
}

function validateIPBlock(block: { cidr: string; except?: string[] }, path: string): FieldError[] {
  if (block.cidr === "") return [required(child(path, "cidr"))];
  if (!isCIDR(block.cidr)) return [invalid(child(path, "cidr"), block.cidr, CIDR_ERROR)];
  const errs: FieldError[] = [];
  const outer = ipv4Cidr(block.cidr);
  (block.except ?? []).forEach((except, i) => {
    const p = index(child(path, "except"), i);
    if (!isCIDR(except)) return void errs.push(invalid(p, except, CIDR_ERROR));
    const inner = ipv4Cidr(except);
    if (outer === undefined || inner === undefined) return;
    const block = 2 ** (32 - outer[1]);
    const contains = Math.floor(inner[0] / block) === Math.floor(outer[0] / block);
    if (!contains || outer[1] >= inner[1]) errs.push(invalid(p, except, "must be a strict subset of `cidr`"));
  });
  return errs;
}

function validatePort(port: NetworkPolicyPort, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (port.protocol !== undefined && !["TCP", "UDP", "SCTP"].includes(port.protocol)) errs.push(notSupported(child(path, "protocol"), port.protocol, ["TCP", "UDP", "SCTP"]));
  if (port.port === undefined) {
    if (port.endPort !== undefined) errs.push(invalid(child(path, "endPort"), port.endPort, "may not be specified when `port` is not specified"));
  } else if (typeof port.port === "number") {
    for (const msg of isValidPortNum(port.port)) errs.push(invalid(child(path, "port"), port.port, msg));
    if (port.endPort !== undefined) {
      if (port.endPort < port.port) errs.push(invalid(child(path, "endPort"), port.endPort, "must be greater than or equal to `port`"));
      for (const msg of isValidPortNum(port.endPort)) errs.push(invalid(child(path, "endPort"), port.endPort, msg));
    }
  } else {
    if (port.endPort !== undefined) errs.push(invalid(child(path, "endPort"), port.endPort, "may not be specified when `port` is non-numeric"));
    for (const msg of isValidPortName(port.port)) errs.push(invalid(child(path, "port"), port.port, msg));
  }
  return errs;
}

function validatePeer(peer: NetworkPolicyPeer, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let peers = 0;
  if (peer.podSelector !== undefined) {
    peers++;
    errs.push(...validateLabelSelector(peer.podSelector, child(path, "podSelector")));
  }
  if (peer.namespaceSelector !== undefined) {
    peers++;
    errs.push(...validateLabelSelector(peer.namespaceSelector, child(path, "namespaceSelector")));
  }
  if (peer.ipBlock !== undefined) {
    peers++;
    errs.push(...validateIPBlock(peer.ipBlock, child(path, "ipBlock")));
  }
  if (peers === 0) errs.push(required(path, "must specify a peer"));
  else if (peers > 1 && peer.ipBlock !== undefined) errs.push(forbidden(path, "may not specify both ipBlock and another peer"));
  return errs;
}

function validateNetworkPolicySpec(spec: NetworkPolicySpec): FieldError[] {
  const errs = validateLabelSelector(spec.podSelector, "spec.podSelector");
  const rules = (name: "ingress" | "egress", peers: "from" | "to", list: readonly { ports?: NetworkPolicyPort[]; from?: NetworkPolicyPeer[]; to?: NetworkPolicyPeer[] }[]) =>
    list.forEach((rule, i) => {
      const path = index(child("spec", name), i);
      (rule.ports ?? []).forEach((port, j) => errs.push(...validatePort(port, index(child(path, "ports"), j))));
      (rule[peers] ?? []).forEach((peer, j) => errs.push(...validatePeer(peer, index(child(path, peers), j))));
    });
  rules("ingress", "from", spec.ingress ?? []);
  rules("egress", "to", spec.egress ?? []);
  const types = spec.policyTypes ?? [];
  if (types.length > 2) return [...errs, invalid("spec.policyTypes", types, "may not specify more than two policyTypes")];
  types.forEach((t, i) => {
    if (t !== "Ingress" && t !== "Egress") errs.push(notSupported(index("spec.policyTypes", i), t, ["Ingress", "Egress"]));
  });
  return errs;
}

/** ValidateNetworkPolicy. */
export function validateNetworkPolicy(np: NetworkPolicy): FieldError[] {
  return [...validateObjectMeta(np.metadata, true, nameIsDNSSubdomain), ...validateNetworkPolicySpec(np.spec)];
}

export function validateNetworkPolicyUpdate(np: NetworkPolicy, old: NetworkPolicy): FieldError[] {
  return [...validateObjectMetaUpdate(np.metadata, old.metadata), ...validateNetworkPolicySpec(np.spec)];
}
