import { createHash } from "node:crypto";
import { wait, type Proc } from "@ksim/sim";
import { COREDNS_IMAGE, httpResponse, ImageLayer, serveHttp, type ImageDefinition, type ProcessContext } from "@ksim/kube";

const VERSION = COREDNS_IMAGE.split(":v").pop()!;
/** The health plugin's `lameduck 5s`: after SIGTERM, /health keeps answering for this long. */
const LAMEDUCK_MS = 5_000;

/**
 * CoreDNS (registry.k8s.io/coredns/coredns) as kubeadm runs it: `-conf FILE`, the health plugin
 * on :8080 (/health) and the ready plugin on :8181 (/ready), with the start-up banner CoreDNS
 * prints. The answers themselves come from the cluster's DNS model, which serves a pod only while
 * some kube-dns endpoint is Ready and reachable from it.
 */
export function* coreDns(ctx: ProcessContext): Proc<number> {
  const i = ctx.argv.indexOf("-conf");
  const conf = i >= 0 ? ctx.argv[i + 1] ?? "" : "Corefile";
  let corefile: string;
  try {
    corefile = ctx.fs.readText(conf);
  } catch {
    ctx.stderr.write(`[FATAL] ${conf}: open ${conf}: no such file or directory\n`);
    return 1;
  }
  // What `kubectl top` shows of an idle CoreDNS on minikube: about 13Mi and 2m.
  ctx.stats.residentKiB = 13 * 1024;
  ctx.stats.cpu = 0.002;
  ctx.stdout.write(
    `.:53\n[INFO] plugin/reload: Running configuration SHA512 = ${createHash("sha512").update(corefile).digest("hex")}\nCoreDNS-${VERSION}\n`,
  );
  serveHttp(ctx.net, 8080, (req) => (req.path === "/health" ? httpResponse(200, "OK") : httpResponse(404, "404 page not found\n")));
  serveHttp(ctx.net, 8181, (req) => (req.path === "/ready" ? httpResponse(200, "OK") : httpResponse(404, "404 page not found\n")));
  ctx.onSignal((signal) => {
    if (signal === "SIGKILL") return;
    ctx.stdout.write(`[INFO] ${signal}: Shutting down servers then terminating\n[INFO] plugin/health: Going into lameduck mode for 5s\n`);
    ctx.timer(LAMEDUCK_MS, () => ctx.exit(0));
  });
  return yield* wait(ctx.exited);
}

export function coreDnsImage(): ImageDefinition {
  return {
    repositories: ["registry.k8s.io/coredns/coredns"],
    layer: new ImageLayer({ "/coredns": { program: "coredns:coredns" }, "/etc/coredns": { dir: true } }, Date.UTC(2025, 9, 15)),
    entrypoint: ["/coredns"],
    // The image is one static binary, about 22 MB compressed.
    sizeBytes: 22_000_000,
  };
}
