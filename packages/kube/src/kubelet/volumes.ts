import { Volume, type Random, type Sim } from "@ksim/sim";
import type { ApiServer } from "../api/server.js";
import type { ConfigMap, PersistentVolumeClaim, Pod, Secret, Volume as PodVolume } from "../api/types.js";
import { CLUSTER_CA_CERT } from "../api/cluster-ca.js";
import type { Device } from "../runtime/fs.js";
import type { NodeDevices } from "./devices.js";

/** A volume ready to mount into the pod's containers. */
export interface PreparedVolume {
  readonly name: string;
  readonly volume: Volume;
  readonly readOnly: boolean;
  /** The directory of `volume` that is mounted (a hostPath's, in the node's root); the whole volume without one. */
  readonly subPath?: string;
  /** The filesystem it is on, and where on it (for the mount table). */
  readonly device: Device;
  readonly deviceRoot: string;
}

/** Why a volume is not ready yet: the kubelet keeps retrying and reports FailedMount meanwhile. */
export type VolumeWait =
  | { readonly kind: "claim-unbound"; readonly volume: string }
  | { readonly kind: "claim-missing"; readonly volume: string; readonly claim: string }
  | { readonly kind: "attach"; readonly volume: string; readonly pv: string }
  | { readonly kind: "missing-source"; readonly volume: string; readonly message: string };

const encoder = new TextEncoder();

/**
 * Builds what a pod's volumes need for mounting: a PersistentVolume's disk (bound and attached to
 * this node), a fresh disk for an emptyDir, files projected from a ConfigMap or Secret, a
 * node-local directory for hostPath.
 */
export function prepareVolume(
  sim: Sim,
  api: ApiServer,
  pod: Pod,
  v: PodVolume,
  node: { name: string; hostPath(path: string): { volume: Volume; subPath: string }; devices: NodeDevices },
  disk: (pv: string) => Volume | undefined,
  emptyDirs: Map<string, Volume>,
  /** Where the atomic writer's temporary directory names come from. */
  random: Random,
): PreparedVolume | VolumeWait {
  const ns = pod.metadata.namespace!;
  // Where the kubelet keeps a pod's volumes on the node's disk.
  const onNodeDisk = (plugin: string) => ({ device: node.devices.disk, deviceRoot: `/var/lib/kubelet/pods/${pod.metadata.uid}/volumes/kubernetes.io~${plugin}/${v.name}` });
  const inTmpfs = (volume: Volume) => ({ device: node.devices.tmpfs(volume), deviceRoot: "/" });
  if (v.persistentVolumeClaim) {
    const claim = v.persistentVolumeClaim.claimName;
    const pvc = api.get<PersistentVolumeClaim>("PersistentVolumeClaim", ns, claim);
    if (pvc === undefined) return { kind: "claim-missing", volume: v.name, claim };
    if (pvc.status?.phase !== "Bound" || !pvc.spec.volumeName) return { kind: "claim-unbound", volume: v.name };
    const d = disk(pvc.spec.volumeName);
    if (d === undefined || d.attachedTo !== node.name) return { kind: "attach", volume: v.name, pv: pvc.spec.volumeName };
    return { name: v.name, volume: d, readOnly: v.persistentVolumeClaim.readOnly ?? false, device: node.devices.blockDevice(d), deviceRoot: "/" };
  }
  if (v.emptyDir !== undefined) {
    let d = emptyDirs.get(v.name);
    if (d === undefined) {
      d = new Volume(sim, `emptydir-${pod.metadata.uid}-${v.name}`, Number.POSITIVE_INFINITY, { mode: 0o777 });
      emptyDirs.set(v.name, d);
    }
    return { name: v.name, volume: d, readOnly: false, ...(v.emptyDir.medium === "Memory" ? inTmpfs(d) : onNodeDisk("empty-dir")) };
  }
  if (v.configMap !== undefined) {
    const cm = api.get<ConfigMap>("ConfigMap", ns, v.configMap.name);
    if (cm === undefined) {
      if (v.configMap.optional) return { name: v.name, volume: projected(sim, `cm-${v.name}`, {}, undefined, undefined, ON_DISK, random), readOnly: true, ...onNodeDisk("configmap") };
      return { kind: "missing-source", volume: v.name, message: `MountVolume.SetUp failed for volume "${v.name}" : configmap "${v.configMap.name}" not found` };
    }
    return { name: v.name, volume: projected(sim, `cm-${pod.metadata.uid}-${v.name}`, cm.data ?? {}, v.configMap.items, v.configMap.defaultMode, ON_DISK, random), readOnly: true, ...onNodeDisk("configmap") };
  }
  if (v.secret !== undefined) {
    const s = api.get<Secret>("Secret", ns, v.secret.secretName);
    if (s === undefined) {
      if (v.secret.optional) {
        const empty = projected(sim, `secret-${v.name}`, {}, undefined, undefined, IN_TMPFS, random);
        return { name: v.name, volume: empty, readOnly: true, ...inTmpfs(empty) };
      }
      return { kind: "missing-source", volume: v.name, message: `MountVolume.SetUp failed for volume "${v.name}" : secret "${v.secret.secretName}" not found` };
    }
    const data: Record<string, string> = {};
    for (const [k, b64] of Object.entries(s.data ?? {})) data[k] = Buffer.from(b64, "base64").toString("utf8");
    const volume = projected(sim, `secret-${pod.metadata.uid}-${v.name}`, data, v.secret.items, v.secret.defaultMode, IN_TMPFS, random);
    return { name: v.name, volume, readOnly: true, ...inTmpfs(volume) };
  }
  if (v.hostPath !== undefined) {
    const dir = node.hostPath(v.hostPath.path);
    return { name: v.name, ...dir, readOnly: false, device: node.devices.disk, deviceRoot: `/${dir.subPath}` };
  }
  if (v.projected !== undefined) {
    // The kube-api-access volume: the service account token, the cluster CA and the namespace.
    const volume = serviceAccountVolume(sim, pod, `eyJhbGciOiJSUzI1NiIsImtpZCI6ImtzaW0ifQ.${pod.metadata.uid}`, random);
    return { name: v.name, volume, readOnly: true, ...inTmpfs(volume) };
  }
  const unsupported = new Volume(sim, `unsupported-${v.name}`);
  return { name: v.name, volume: unsupported, readOnly: true, ...inTmpfs(unsupported) };
}

/**
 * The wrapped emptyDir a ConfigMap's files go into is made world-writable; a Secret's or a
 * projected volume's is a tmpfs, whose root keeps tmpfs's own mode, sticky bit included.
 */
const ON_DISK = 0o777;
const IN_TMPFS = 0o1777;

/**
 * Files from keys, as the kubelet's AtomicWriter lays them out: the payload in a directory named
 * for the time it was written (os.MkdirTemp adds a random number), `..data` linking to it, and a
 * link for each top-level name through `..data`. So an update, which writes a new directory and
 * swaps `..data`, shows readers the old files or the new ones, never a mix.
 */
function projected(
  sim: Sim,
  id: string,
  data: Record<string, string>,
  items: { key: string; path: string; mode?: number }[] | undefined,
  defaultMode: number | undefined,
  rootMode: number,
  random: Random,
): Volume {
  const vol = new Volume(sim, id, Number.POSITIVE_INFINITY, { mode: rootMode });
  const entries = items ?? Object.keys(data).map((k) => ({ key: k, path: k, mode: undefined }));
  const d = new Date(sim.epochMs());
  const two = (n: number) => String(n).padStart(2, "0");
  const stamp = `..${d.getUTCFullYear()}_${two(d.getUTCMonth() + 1)}_${two(d.getUTCDate())}_${two(d.getUTCHours())}_${two(d.getUTCMinutes())}_${two(d.getUTCSeconds())}.${random.int(0, 0xffffffff)}`;
  vol.mkdir(`/${stamp}`, { mode: 0o755 });
  const visible = new Set<string>();
  for (const it of entries) {
    const value = data[it.key];
    if (value === undefined) continue;
    const parts = it.path.split("/");
    if (parts.length > 1) vol.mkdir(`/${stamp}/${parts.slice(0, -1).join("/")}`, { recursive: true, mode: 0o755 });
    vol.writeFile(`/${stamp}/${it.path}`, encoder.encode(value), { mode: it.mode ?? defaultMode ?? 0o644 });
    vol.fsync(`/${stamp}/${it.path}`);
    visible.add(parts[0]!);
  }
  vol.symlink(stamp, "/..data");
  for (const name of [...visible].sort()) vol.symlink(`..data/${name}`, `/${name}`);
  return vol;
}

/** The service account token volume (`kube-api-access-*`) pods get at /var/run/secrets/kubernetes.io/serviceaccount. */
function serviceAccountVolume(sim: Sim, pod: Pod, token: string, random: Random): Volume {
  return projected(sim, `sa-${pod.metadata.uid}`, {
    token,
    "ca.crt": CLUSTER_CA_CERT,
    namespace: pod.metadata.namespace ?? "default",
  }, undefined, 0o644, IN_TMPFS, random);
}
