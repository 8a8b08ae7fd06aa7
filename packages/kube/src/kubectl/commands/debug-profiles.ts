import type { Container, EphemeralContainer, Pod, SecurityContext } from "../../api/types.js";

/**
 * kubectl debug's profiles (pkg/cmd/debug/profiles.go): what each does to the debugging pod for
 * the three ways of debugging: an ephemeral container in the pod itself, a copy of the pod, or a
 * new pod on a node.
 */
export type DebugStyle = "ephemeral" | "podCopy" | "node";

export const PROFILES = ["legacy", "general", "baseline", "restricted", "netadmin", "sysadmin"] as const;
export type ProfileName = (typeof PROFILES)[number];

/** The --keep-* flags: what a pod copy keeps of the original. */
export interface KeepFlags {
  readonly labels: boolean;
  readonly annotations: boolean;
  readonly liveness: boolean;
  readonly readiness: boolean;
  readonly startup: boolean;
  readonly initContainers: boolean;
}

/** Applies a profile to `pod` (already holding the debug container `container`). */
export function applyProfile(profile: ProfileName, keep: KeepFlags, pod: Pod, container: string, style: DebugStyle): void {
  const copyRemovals = () => {
    if (!keep.labels) delete pod.metadata.labels;
    if (!keep.annotations) delete pod.metadata.annotations;
    for (const c of pod.spec.containers) {
      if (!keep.liveness) delete c.livenessProbe;
      if (!keep.readiness) delete c.readinessProbe;
      if (!keep.startup) delete c.startupProbe;
    }
    if (!keep.initContainers) delete pod.spec.initContainers;
    pod.spec.shareProcessNamespace ??= true;
  };
  switch (profile) {
    case "legacy":
      if (style === "node") {
        mountRootPartition(pod, container);
        useHostNamespaces(pod, true);
      }
      // The legacy copy drops the labels whatever --keep-labels says, as it always did.
      if (style === "podCopy") delete pod.metadata.labels;
      return;
    case "general":
      if (style === "node") {
        mountRootPartition(pod, container);
        modify(pod, container, () => undefined);
        useHostNamespaces(pod, true);
      } else {
        if (style === "podCopy") copyRemovals();
        modify(pod, container, (sc) => addCapabilities(sc, ["SYS_PTRACE"]));
      }
      return;
    case "baseline":
      modify(pod, container, () => undefined);
      if (style === "podCopy") copyRemovals();
      return;
    case "restricted":
      modify(pod, container, () => ({
        runAsNonRoot: true,
        capabilities: { drop: ["ALL"] },
        allowPrivilegeEscalation: false,
        seccompProfile: { type: "RuntimeDefault" },
      }));
      if (style === "podCopy") copyRemovals();
      return;
    case "netadmin":
      modify(pod, container, (sc) => addCapabilities(sc, ["NET_ADMIN", "NET_RAW"]));
      if (style === "node") useHostNamespaces(pod, true);
      if (style === "podCopy") copyRemovals();
      return;
    case "sysadmin":
      modify(pod, container, (sc) => ({ ...sc, privileged: true }));
      if (style === "node") {
        useHostNamespaces(pod, true);
        mountRootPartition(pod, container);
      }
      if (style === "podCopy") copyRemovals();
      return;
  }
}

/** The host's root at /host in the debug container. */
function mountRootPartition(pod: Pod, container: string): void {
  pod.spec.volumes = [...(pod.spec.volumes ?? []), { name: "host-root", hostPath: { path: "/" } }];
  const c = pod.spec.containers.find((x) => x.name === container);
  if (c !== undefined) c.volumeMounts = [...(c.volumeMounts ?? []), { mountPath: "/host", name: "host-root" }];
}

function useHostNamespaces(pod: Pod, enabled: boolean): void {
  pod.spec.hostNetwork = enabled;
  pod.spec.hostPID = enabled;
  pod.spec.hostIPC = enabled;
}

/** Sets the debug container's securityContext to what `change` makes of it (undefined clears it). */
function modify(pod: Pod, container: string, change: (sc: SecurityContext | undefined) => SecurityContext | undefined): void {
  const all: (Container | EphemeralContainer)[] = [...(pod.spec.initContainers ?? []), ...pod.spec.containers, ...(pod.spec.ephemeralContainers ?? [])];
  const c = all.find((x) => x.name === container);
  if (c === undefined) return;
  const sc = change(c.securityContext);
  if (sc === undefined) delete c.securityContext;
  else c.securityContext = sc;
}

function addCapabilities(sc: SecurityContext | undefined, caps: readonly string[]): SecurityContext {
  return { ...sc, capabilities: { ...sc?.capabilities, add: [...(sc?.capabilities?.add ?? []), ...caps] } };
}
