import { FsError } from "@ksim/sim";
import type { ProcessContext } from "@ksim/kube";

/**
 * InetAddress.getByName as glibc answers it: /etc/hosts first (the kubelet writes the pod's own
 * FQDN there, which is how cassandra-0 finds itself as the seed before DNS lists it), then DNS.
 */
export function resolveHost(ctx: ProcessContext, name: string): string | undefined {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return name;
  try {
    for (const line of ctx.fs.readText("/etc/hosts").split("\n")) {
      const parts = line.replace(/#.*/, "").trim().split(/\s+/);
      if (parts.length > 1 && parts.slice(1).includes(name)) return parts[0];
    }
  } catch (e) {
    if (!(e instanceof FsError)) throw e;
  }
  return ctx.net.resolve(name)[0];
}
