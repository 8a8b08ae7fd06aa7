import { wait, type Proc } from "@ksim/sim";
import { ImageLayer, KUBE_PROXY_IMAGE, type ImageDefinition, type ProcessContext } from "@ksim/kube";
import { klogLine } from "./klog.js";

/**
 * kube-proxy (registry.k8s.io/kube-proxy), the DaemonSet pod on every node. The service rules it
 * programs are the cluster network's own translation, which keeps working while the pod is
 * down — as iptables rules outlive a dead kube-proxy. The process logs its start-up in klog's
 * format and runs until it is signalled.
 */
export function* kubeProxy(ctx: ProcessContext): Proc<number> {
  const node = ctx.argv.find((a) => a.startsWith("--hostname-override="))?.slice("--hostname-override=".length) ?? ctx.hostname;
  // An idle kube-proxy as `kubectl top` shows it on minikube: about 12Mi and 1m.
  ctx.stats.residentKiB = 12 * 1024;
  ctx.stats.cpu = 0.001;
  const log = (file: string, message: string) => ctx.stderr.write(klogLine("I", ctx.epochMs(), file, message));
  log("server_linux.go:53", `"Using iptables proxy"`);
  log("server.go:715", `"Successfully retrieved node IP(s)" IPs=["${ctx.net.ip ?? ""}"]`);
  log("server.go:483", `"Version info" version="${KUBE_PROXY_IMAGE.split(":").pop()}"`);
  log("config.go:199", `"Starting service config controller"`);
  log("server_linux.go:200", `"kube-proxy running in dual-stack mode" primary ipFamily="IPv4" node="${node}"`);
  ctx.onSignal(() => ctx.exit(0));
  return yield* wait(ctx.exited);
}

export function kubeProxyImage(): ImageDefinition {
  return {
    repositories: ["registry.k8s.io/kube-proxy"],
    layer: new ImageLayer({ "/usr/local/bin/kube-proxy": { program: "kube-proxy:kube-proxy" }, "/var/lib/kube-proxy": { dir: true } }, Date.UTC(2025, 11, 17)),
    entrypoint: ["/usr/local/bin/kube-proxy"],
    // The v1.35 image is about 30 MB compressed.
    sizeBytes: 30_000_000,
  };
}
