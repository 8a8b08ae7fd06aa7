import { metricsServerAddon, METRICS_SERVER_IMAGE } from "../../addons.js";
import type { KubeObject } from "../../api/types.js";
import type { Cluster } from "../../cluster.js";
import type { ProcessContext } from "../../runtime/process.js";

/** minikube v1.37's addons (pkg/minikube/assets/addons.go) and their maintainers, by name. */
const ADDONS: readonly (readonly [string, string])[] = [
  ["ambassador", "3rd party (Ambassador)"],
  ["amd-gpu-device-plugin", "3rd party (AMD)"],
  ["auto-pause", "minikube"],
  ["cloud-spanner", "Google"],
  ["csi-hostpath-driver", "Kubernetes"],
  ["dashboard", "Kubernetes"],
  ["default-storageclass", "Kubernetes"],
  ["efk", "3rd party (Elastic)"],
  ["freshpod", "Google"],
  ["gcp-auth", "Google"],
  ["gvisor", "minikube"],
  ["headlamp", "3rd party (kinvolk.io)"],
  ["inaccel", "3rd party (InAccel [info@inaccel.com])"],
  ["ingress", "Kubernetes"],
  ["ingress-dns", "minikube"],
  ["inspektor-gadget", "3rd party (inspektor-gadget.io)"],
  ["istio", "3rd party (Istio)"],
  ["istio-provisioner", "3rd party (Istio)"],
  ["kong", "3rd party (Kong HQ)"],
  ["kubeflow", "3rd party"],
  ["kubetail", "3rd party (kubetail.com)"],
  ["kubevirt", "3rd party (KubeVirt)"],
  ["logviewer", "3rd party (unknown)"],
  ["metallb", "3rd party (MetalLB)"],
  ["metrics-server", "Kubernetes"],
  ["nvidia-device-plugin", "3rd party (NVIDIA)"],
  ["nvidia-driver-installer", "3rd party (NVIDIA)"],
  ["nvidia-gpu-device-plugin", "3rd party (NVIDIA)"],
  ["olm", "3rd party (Operator Framework)"],
  ["pod-security-policy", "3rd party (unknown)"],
  ["portainer", "3rd party (Portainer.io)"],
  ["registry", "minikube"],
  ["registry-aliases", "3rd party (unknown)"],
  ["registry-creds", "3rd party (UPMC Enterprises)"],
  ["storage-provisioner", "minikube"],
  ["storage-provisioner-gluster", "3rd party (Gluster)"],
  ["storage-provisioner-rancher", "3rd party (Rancher)"],
  ["volcano", "third-party (volcano)"],
  ["volumesnapshots", "Kubernetes"],
  ["yakd", "3rd party (marcnuri.com)"],
];

/** The addons ksim can apply, with the objects each one installs and the images it announces. */
const MODELLED: ReadonlyMap<string, { readonly objects: () => KubeObject[]; readonly images: readonly string[] }> = new Map([
  ["metrics-server", { objects: metricsServerAddon, images: [METRICS_SERVER_IMAGE] }],
]);

/**
 * `minikube addons enable|disable NAME` and `minikube addons list`. The profile remembers which
 * addons are enabled (`default-storageclass` and `storage-provisioner` from the start); enabling
 * one applies its manifests as minikube's addon callbacks do with kubectl, disabling deletes them.
 */
export function addons(ctx: ProcessContext, cluster: Cluster, argv: readonly string[]): number {
  const [verb, name] = argv;
  if (verb === "list") {
    ctx.stdout.write(listTable(cluster.minikubeAddons));
    return 0;
  }
  if ((verb === "enable" || verb === "disable") && name !== undefined) {
    const known = ADDONS.find(([n]) => n === name);
    const exitReason = verb === "enable" ? "MK_ADDON_ENABLE: enable failed" : "MK_ADDON_DISABLE: disable failed";
    if (known === undefined) {
      ctx.stderr.write(`\n❌  Exiting due to ${exitReason}: run callbacks: ${name} is not a valid addon\n\n`);
      return 10;
    }
    const model = MODELLED.get(name);
    if (model === undefined) {
      ctx.stderr.write(`\n❌  Exiting due to ${exitReason}: ksim does not model the '${name}' addon\n\n`);
      return 10;
    }
    if (verb === "enable") {
      ctx.stdout.write(
        `💡  ${name} is an addon maintained by ${known[1]}. For any concerns contact minikube on GitHub.\nYou can view the list of minikube maintainers at: https://github.com/kubernetes/minikube/blob/master/OWNERS\n`,
      );
      for (const image of model.images) ctx.stdout.write(`    ▪ Using image ${image}\n`);
      for (const o of model.objects()) {
        const existing = cluster.api.get(o.kind, o.metadata.namespace, o.metadata.name!);
        if (existing === undefined) cluster.api.create(o);
      }
      cluster.minikubeAddons.add(name);
      ctx.stdout.write(`🌟  The '${name}' addon is enabled\n`);
      return 0;
    }
    for (const o of model.objects().reverse()) {
      if (cluster.api.get(o.kind, o.metadata.namespace, o.metadata.name!) !== undefined) cluster.api.delete(o.kind, o.metadata.namespace, o.metadata.name!);
    }
    cluster.minikubeAddons.delete(name);
    // The stray quote is minikube's (disable.go's message template starts with one).
    ctx.stdout.write(`🌑  "The '${name}' addon is disabled\n`);
    return 0;
  }
  ctx.stderr.write(`Error: unknown command ${JSON.stringify(verb ?? "")} for "minikube addons"\nRun 'minikube addons --help' for usage.\n`);
  return 1;
}

/** `minikube addons list`: tablewriter's box table, headers upper-cased and centred. */
function listTable(enabled: ReadonlySet<string>): string {
  const header = ["ADDON NAME", "PROFILE", "STATUS", "MAINTAINER"];
  const rows = ADDONS.map(([name, maintainer]) => [name, "minikube", enabled.has(name) ? "enabled ✅" : "disabled", maintainer]);
  // The check mark takes two terminal cells.
  const width = (s: string) => [...s].reduce((n, ch) => n + (ch === "✅" ? 2 : 1), 0);
  const widths = header.map((h, c) => Math.max(width(h), ...rows.map((r) => width(r[c]!))));
  const line = (l: string, m: string, r: string) => `${l}${widths.map((w) => "─".repeat(w + 2)).join(m)}${r}\n`;
  const centre = (text: string, w: number) => {
    const pad = w - width(text);
    const left = Math.floor(pad / 2);
    return " ".repeat(left) + text + " ".repeat(pad - left);
  };
  let out = line("┌", "┬", "┐");
  out += `│ ${header.map((h, c) => centre(h, widths[c]!)).join(" │ ")} │\n`;
  out += line("├", "┼", "┤");
  for (const r of rows) out += `│ ${r.map((t, c) => t + " ".repeat(widths[c]! - width(t))).join(" │ ")} │\n`;
  return out + line("└", "┴", "┘");
}
