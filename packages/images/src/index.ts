import { registerShell, registerUserland, type ImageRegistry } from "@ksim/kube";
import { busyboxImage } from "./busybox.js";
import { coreDns, coreDnsImage } from "./coredns.js";
import { hpaExample, hpaExampleImage } from "./hpa-example.js";
import { kubeProxy, kubeProxyImage } from "./kube-proxy.js";
import { metricsServer, metricsServerImage } from "./metrics-server.js";
import { NGINX_SLIM_BUILD, nginxProgram, nginxSlimImage } from "./nginx.js";
import { NGINX_OFFICIAL_BUILD, nginxOfficialImage } from "./nginx-official.js";
import { stress, stressImage } from "./stress.js";

export { busyboxImage } from "./busybox.js";
export { coreDns, coreDnsImage } from "./coredns.js";
export { hpaExample, hpaExampleImage } from "./hpa-example.js";
export { kubeProxy, kubeProxyImage } from "./kube-proxy.js";
export { metricsServer, metricsServerImage } from "./metrics-server.js";
export { NGINX_SLIM_BUILD, nginxProgram, nginxSlimImage, type NginxBuild } from "./nginx.js";
export { NGINX_OFFICIAL_BUILD, nginxOfficialImage } from "./nginx-official.js";
export { stress, stressImage } from "./stress.js";

/**
 * Registers nginx-slim, the official nginx, busybox, polinux/stress, the HPA walkthrough's hpa-example and the kube-system add-ons (kube-proxy, CoreDNS, metrics-server) with the
 * programs they run (the shells and userland too, so the images work in a registry nobody else
 * filled).
 */
export function registerBasicImages(registry: ImageRegistry): void {
  registerShell(registry);
  registerUserland(registry);
  registry.registerProgram("nginx:nginx", nginxProgram(NGINX_SLIM_BUILD));
  registry.registerImage(nginxSlimImage());
  registry.registerProgram("nginx-official:nginx", nginxProgram(NGINX_OFFICIAL_BUILD));
  registry.registerImage(nginxOfficialImage());
  registry.registerImage(busyboxImage());
  registry.registerProgram("stress:stress", stress);
  registry.registerImage(stressImage());
  registry.registerProgram("kube-proxy:kube-proxy", kubeProxy);
  registry.registerImage(kubeProxyImage());
  registry.registerProgram("coredns:coredns", coreDns);
  registry.registerImage(coreDnsImage());
  registry.registerProgram("metrics-server:metrics-server", metricsServer);
  registry.registerProgram("hpa-example:apache2", hpaExample);
  registry.registerImage(hpaExampleImage());
  registry.registerImage(metricsServerImage());
}
