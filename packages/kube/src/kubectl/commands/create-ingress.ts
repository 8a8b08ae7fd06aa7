/** `kubectl create ingress` (kubectl pkg/cmd/create/create_ingress.go). */
import type { Proc } from "@ksim/sim";
import type { HTTPIngressPath, Ingress, IngressBackend, IngressRule, IngressSpec, IngressTLS } from "../../api/types.js";
import type { Command, Invocation } from "./command.js";
import { GENERATOR_FLAGS, intOrString, send, singleName } from "./generator.js";

/** host/path=svcname:svcport[,tls[=secret]]: the host may be empty, the path starts with `/`. */
const RULE = /^([\w*\-.]*)(\/[^,=\n]*)=([\w-]+):([\w-]+)(,(tls)=?([\w-]+)?)?$/;

/** buildIngressBackendSvc: `name:port`, the port a number or a port name. */
function serviceBackend(service: string): IngressBackend {
  const [name, port] = service.split(":") as [string, string];
  const parsed = intOrString(port);
  return { service: { name, port: typeof parsed === "number" ? { number: parsed } : { name: parsed } } };
}

/** buildHTTPIngressPath: a trailing `*` makes the path a Prefix, otherwise it is Exact. */
function httpPath(pathAndService: string): HTTPIngressPath {
  const parts = pathAndService.split("=");
  let path = `/${parts[0]}`;
  let pathType = "Exact";
  if (path.endsWith("*")) {
    pathType = "Prefix";
    path = path.slice(0, -1);
  }
  return { path, pathType, backend: serviceBackend(parts[1]!) };
}

/** buildIngressRules: one rule per host, in order of first appearance, with its paths. */
function ingressRules(rules: readonly string[]): IngressRule[] {
  const out: IngressRule[] = [];
  for (const rule of rules) {
    const withoutTls = rule.split(",")[0]!;
    const slash = withoutTls.indexOf("/");
    const host = withoutTls.slice(0, slash);
    const path = httpPath(withoutTls.slice(slash + 1));
    const existing = out.find((r) => (r.host ?? "") === host);
    if (existing !== undefined) existing.http!.paths.push(path);
    else out.push({ ...(host !== "" ? { host } : {}), http: { paths: [path] } });
  }
  return out;
}

/** buildTLSRules: each host once; rules naming the same secret share its entry. */
function tlsRules(rules: readonly string[]): IngressTLS[] {
  const out: IngressTLS[] = [];
  const seen = new Set<string>();
  for (const rule of rules) {
    const parts = rule.split(",");
    if (parts.length !== 2) continue;
    const host = rule.split("/")[0]!;
    const secretParts = parts[1]!.split("=");
    const secret = secretParts.length > 1 ? secretParts[1]! : "";
    if (seen.has(host)) continue;
    seen.add(host);
    const shared = out.find((t) => (t.secretName ?? "") === secret);
    if (shared !== undefined) {
      (shared.hosts ??= []).push(host);
      continue;
    }
    const tls: IngressTLS = { ...(host !== "" ? { hosts: [host] } : {}), ...(secret !== "" ? { secretName: secret } : {}) };
    if (tls.hosts !== undefined || tls.secretName !== undefined) out.push(tls);
  }
  return out;
}

export const ingressGenerator: Command = {
  name: "ingress",
  aliases: ["ing"],
  short: "Create an ingress with the specified name",
  usage: "NAME --rule=host/path=service:port[,tls[=secret]] ",
  flags: [
    ...GENERATOR_FLAGS,
    { name: "class", type: "string" },
    { name: "rule", type: "stringArray" },
    { name: "default-backend", type: "string" },
    { name: "annotation", type: "stringArray" },
  ],
  run: function* (inv: Invocation): Proc<number> {
    const name = singleName(inv);
    const { flags } = inv;
    const rules = flags.strings("rule");
    const defaultBackend = flags.string("default-backend");
    const annotationArgs = flags.strings("annotation");
    if (defaultBackend === "" && rules.length === 0) {
      throw new Error(
        "not enough information provided: every ingress has to either specify a default-backend (which catches all traffic) or a list of rules (which catch specific paths)",
      );
    }
    for (const rule of rules) if (!RULE.test(rule)) throw new Error(`rule ${rule} is invalid and should be in format host/path=svcname:svcport[,tls[=secret]]`);
    for (const a of annotationArgs) if (!a.includes("=")) throw new Error(`annotation ${a} is invalid and should be in format key=[value]`);
    if (defaultBackend !== "" && defaultBackend.split(":").length !== 2) throw new Error("default-backend should be in format servicename:serviceport");

    const annotations: Record<string, string> = {};
    for (const a of annotationArgs) {
      const eq = a.indexOf("=");
      annotations[a.slice(0, eq)] = a.slice(eq + 1);
    }
    const cls = flags.string("class");
    const tls = tlsRules(rules);
    const ingressRuleList = ingressRules(rules);
    const spec: IngressSpec = {
      ...(cls !== "" ? { ingressClassName: cls } : {}),
      ...(defaultBackend !== "" ? { defaultBackend: serviceBackend(defaultBackend) } : {}),
      ...(tls.length > 0 ? { tls } : {}),
      ...(ingressRuleList.length > 0 ? { rules: ingressRuleList } : {}),
    };
    const ingress: Ingress = {
      apiVersion: "networking.k8s.io/v1",
      kind: "Ingress",
      metadata: { name, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) },
      spec,
      // IngressStatus is a struct: a client dry run prints it empty.
      status: { loadBalancer: {} },
    };
    return yield* send(inv, ingress, "failed to create ingress");
  },
};
