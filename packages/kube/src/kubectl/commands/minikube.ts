import type { Proc } from "@ksim/sim";
import type { Node, Service } from "../../api/types.js";
import type { Cluster } from "../../cluster.js";
import type { Executable, ProcessContext } from "../../runtime/process.js";
import { errorReport } from "./errors.js";
import { addons } from "./minikube-addons.js";
import { FlagError, HelpRequested, parseFlags } from "./flags.js";

/**
 * `minikube service NAME [--url] [-n NAMESPACE]`: where a NodePort or LoadBalancer service can
 * be reached from the host, at the minikube node's address; and `minikube addons`.
 */
const SVC_NOT_FOUND_EXIT = 115;

export function minikubeProgram(cluster: Cluster): Executable {
  return function* minikube(ctx: ProcessContext): Proc<number> {
    try {
      if (ctx.argv[1] === "addons") return addons(ctx, cluster, ctx.argv.slice(2));
      return service(ctx, cluster, ctx.argv.slice(1));
    } catch (e) {
      const { text, code } = errorReport(e);
      ctx.stderr.write(text);
      return code;
    }
  };
}

function service(ctx: ProcessContext, cluster: Cluster, argv: readonly string[]): number {
  if (argv[0] !== "service") {
    ctx.stderr.write(`Error: unknown command ${JSON.stringify(argv[0] ?? "")} for "minikube"\nRun 'minikube --help' for usage.\n`);
    return 1;
  }
  let parsed;
  try {
    parsed = parseFlags(argv.slice(1), [
      { name: "url", type: "bool" },
      { name: "namespace", short: "n", type: "string" },
    ]);
  } catch (e) {
    if (e instanceof HelpRequested) {
      ctx.stdout.write("Returns the Kubernetes URL(s) for service(s) in your local cluster.\n\nUsage:\n  minikube service [flags] SERVICE\n");
      return 0;
    }
    if (e instanceof FlagError) {
      ctx.stderr.write(`Error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  const name = parsed.args[0];
  if (name === undefined) {
    ctx.stderr.write("\n❌  Exiting due to MK_USAGE: You must specify service name(s) or --all\n\n");
    return 64;
  }
  const namespace = parsed.flags.string("namespace") || "default";
  const svc = cluster.api.get<Service>("Service", namespace, name);
  if (svc === undefined) {
    ctx.stderr.write(
      `\n❌  Exiting due to SVC_NOT_FOUND: Service '${name}' was not found in '${namespace}' namespace.\nYou may select another namespace by using 'minikube service ${name} -n <namespace>'. Or list out all the services using 'minikube service list'\n\n`,
    );
    return SVC_NOT_FOUND_EXIT;
  }
  const node = cluster.api.list<Node>("Node")[0];
  const ip = node?.status?.addresses?.find((a) => a.type === "InternalIP")?.address ?? "";
  const ports = (svc.spec.ports ?? []).filter((p) => p.nodePort !== undefined);
  if (ports.length === 0) {
    ctx.stderr.write(`😿  service ${namespace}/${name} has no node port\n`);
    return 0;
  }
  const urls = ports.map((p) => `http://${ip}:${p.nodePort}`);
  if (parsed.flags.bool("url")) {
    ctx.stdout.write(urls.map((u) => `${u}\n`).join(""));
    return 0;
  }
  ctx.stdout.write(table(namespace, name, ports.map((p) => String(p.port)), urls));
  ctx.stdout.write(`🎉  Opening service ${namespace}/${name} in default browser...\n`);
  return 0;
}

/** minikube's service table (tablewriter: centred headers, numbers right-aligned). */
function table(namespace: string, name: string, targetPorts: readonly string[], urls: readonly string[]): string {
  const header = ["NAMESPACE", "NAME", "TARGET PORT", "URL"];
  const rows = urls.map((u, i) => [i === 0 ? namespace : "", i === 0 ? name : "", targetPorts[i] ?? "", u]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const rule = `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|\n`;
  const centre = (text: string, w: number) => {
    const pad = w - text.length;
    const left = Math.floor(pad / 2);
    return " ".repeat(left) + text + " ".repeat(pad - left);
  };
  const cell = (text: string, w: number) => (/^\d+$/.test(text) ? text.padStart(w) : text.padEnd(w));
  let out = rule + `| ${header.map((h, c) => centre(h, widths[c]!)).join(" | ")} |\n` + rule;
  for (const r of rows) out += `| ${r.map((t, c) => cell(t, widths[c]!)).join(" | ")} |\n`;
  return out + rule;
}
