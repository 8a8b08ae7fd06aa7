import { busyboxBase, ImageLayer, type ImageDefinition } from "@ksim/kube";

/** busybox (docker.io/library/busybox, any tag): the tutorial's `dns-test` shell. */

const BUILT = Date.UTC(2018, 4, 22, 17, 0, 17);

export function busyboxImage(): ImageDefinition {
  return {
    repositories: ["busybox", "docker.io/library/busybox"],
    layer: new ImageLayer(busyboxBase(), BUILT),
    cmd: ["sh"],
    env: { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" },
    // busybox:1.28 is one static binary: about 730 kB compressed.
    sizeBytes: 728_000,
  };
}
