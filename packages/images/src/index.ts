import { registerShell, registerUserland, type ImageRegistry } from "@ksim/kube";
import { busyboxImage } from "./busybox.js";
import { coreDns, coreDnsImage } from "./coredns.js";
import { kubeProxy, kubeProxyImage } from "./kube-proxy.js";
import { nginx, nginxSlimImage } from "./nginx.js";

export { busyboxImage } from "./busybox.js";
export { coreDns, coreDnsImage } from "./coredns.js";
export { kubeProxy, kubeProxyImage } from "./kube-proxy.js";
export { nginx, nginxSlimImage, NGINX_VERSION } from "./nginx.js";

/**
 * Registers nginx-slim, busybox and the kube-system add-ons (kube-proxy, CoreDNS) with the
 * programs they run (the shells and userland too, so the images work in a registry nobody else
 * filled).
 */
export function registerBasicImages(registry: ImageRegistry): void {
  registerShell(registry);
  registerUserland(registry);
  registry.registerProgram("nginx:nginx", nginx);
  registry.registerImage(nginxSlimImage());
  registry.registerImage(busyboxImage());
  registry.registerProgram("kube-proxy:kube-proxy", kubeProxy);
  registry.registerImage(kubeProxyImage());
  registry.registerProgram("coredns:coredns", coreDns);
  registry.registerImage(coreDnsImage());
}
