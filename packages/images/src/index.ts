import { registerShell, registerUserland, type ImageRegistry } from "@ksim/kube";
import { busyboxImage } from "./busybox.js";
import { nginx, nginxSlimImage } from "./nginx.js";

export { busyboxImage } from "./busybox.js";
export { nginx, nginxSlimImage, NGINX_VERSION } from "./nginx.js";

/**
 * Registers nginx-slim and busybox with the programs they run (the shells and userland too,
 * so the images work in a registry nobody else filled).
 */
export function registerBasicImages(registry: ImageRegistry): void {
  registerShell(registry);
  registerUserland(registry);
  registry.registerProgram("nginx:nginx", nginx);
  registry.registerImage(nginxSlimImage());
  registry.registerImage(busyboxImage());
}
