import { Volume, type InodeLayout, type Random, type Sim } from "@ksim/sim";
import type { ApiServer } from "../api/server.js";
import type { ConfigMap, PersistentVolumeClaim, Pod, Secret, Volume as PodVolume } from "../api/types.js";
import { CLUSTER_CA_CERT } from "../api/cluster-ca.js";
import { serviceAccountToken } from "../api/service-account-tokens.js";
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
      const inodes = v.emptyDir.medium === "Memory" ? node.devices.tmpfsInodes() : undefined;
      d = new Volume(sim, `emptydir-${pod.metadata.uid}-${v.name}`, Number.POSITIVE_INFINITY, { mode: 0o777 }, inodes);
      emptyDirs.set(v.name, d);
    }
    return { name: v.name, volume: d, readOnly: false, ...(v.emptyDir.medium === "Memory" ? inTmpfs(d) : onNodeDisk("empty-dir")) };
  }
  const source = projectedSource(api, ns, v);
  if (source !== undefined) {
    const plugin = v.configMap !== undefined ? "configmap" : "secret";
    if ("missing" in source) return { kind: "missing-source", volume: v.name, message: `MountVolume.SetUp failed for volume "${v.name}" : ${source.missing}` };
    // A ConfigMap's files are on the node's disk; a Secret's on a tmpfs, never on a disk.
    const volume =
      plugin === "configmap"
        ? new Volume(sim, `${plugin}-${pod.metadata.uid}-${v.name}`, Number.POSITIVE_INFINITY, { mode: ON_DISK })
        : new Volume(sim, `${plugin}-${pod.metadata.uid}-${v.name}`, Number.POSITIVE_INFINITY, { mode: IN_TMPFS }, node.devices.tmpfsInodes());
    atomicWrite(sim, volume, source.files, random);
    return { name: v.name, volume, readOnly: true, ...(plugin === "configmap" ? onNodeDisk(plugin) : inTmpfs(volume)) };
  }
  if (v.hostPath !== undefined) {
    const dir = node.hostPath(v.hostPath.path);
    return { name: v.name, ...dir, readOnly: false, device: node.devices.disk, deviceRoot: `/${dir.subPath}` };
  }
  if (v.projected !== undefined) {
    // The kube-api-access volume: the service account token, the cluster CA and the namespace.
    const volume = serviceAccountVolume(sim, pod, serviceAccountToken(pod), random, node.devices.tmpfsInodes());
    return { name: v.name, volume, readOnly: true, ...inTmpfs(volume) };
  }
  const unsupported = new Volume(sim, `unsupported-${v.name}`, Number.POSITIVE_INFINITY, {}, node.devices.tmpfsInodes());
  return { name: v.name, volume: unsupported, readOnly: true, ...inTmpfs(unsupported) };
}

/** Links followed when resolving a subPath, as the kernel's limit. */
const MAX_SUBPATH_LINKS = 40;

/**
 * A volumeMount's subPath as the kubelet resolves it (subpath.SafeMakeDir / doSafeOpen): within
 * the volume's own subdirectory `base`, following relative links that stay inside; undefined for
 * one that leads out (an absolute target, or `..` past the base).
 */
export function resolveSubPath(volume: Volume, subPath: string, base: string): string | undefined {
  const root = base.split("/").filter((c) => c !== "");
  let pending = subPath.split("/").filter((c) => c !== "" && c !== ".");
  const done = [...root];
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === "..") {
      if (done.length <= root.length) return undefined;
      done.pop();
      continue;
    }
    const target = volume.linkTarget(`/${[...done, part].join("/")}`);
    if (target === undefined) {
      done.push(part);
      continue;
    }
    if (target.startsWith("/") || ++hops > MAX_SUBPATH_LINKS) return undefined;
    pending = [...target.split("/").filter((c) => c !== "" && c !== "."), ...pending];
  }
  return done.join("/");
}

/**
 * The wrapped emptyDir a ConfigMap's files go into is made world-writable; a Secret's or a
 * projected volume's is a tmpfs, whose root keeps tmpfs's own mode, sticky bit included.
 */
const ON_DISK = 0o777;
const IN_TMPFS = 0o1777;

/** A file of a projected volume's payload, at its path below the volume. */
export interface PayloadFile {
  readonly path: string;
  readonly data: Uint8Array;
  readonly mode: number;
}

/**
 * What a ConfigMap or Secret volume holds now: its keys (or the items chosen) as files, nothing
 * for an optional source that is missing, or why a required one cannot be mounted. Undefined for
 * other kinds of volume.
 */
export function projectedSource(api: ApiServer, namespace: string, v: PodVolume): { readonly files: PayloadFile[] } | { readonly missing: string } | undefined {
  let data: Record<string, Uint8Array>;
  let spec: { items?: { key: string; path: string; mode?: number }[]; defaultMode?: number; optional?: boolean };
  if (v.configMap !== undefined) {
    spec = v.configMap;
    const cm = api.get<ConfigMap>("ConfigMap", namespace, v.configMap.name);
    if (cm === undefined) return v.configMap.optional ? { files: [] } : { missing: `configmap "${v.configMap.name}" not found` };
    data = {};
    for (const [k, value] of Object.entries(cm.data ?? {})) data[k] = encoder.encode(value);
    for (const [k, b64] of Object.entries(cm.binaryData ?? {})) data[k] = new Uint8Array(Buffer.from(b64, "base64"));
  } else if (v.secret !== undefined) {
    spec = v.secret;
    const s = api.get<Secret>("Secret", namespace, v.secret.secretName);
    if (s === undefined) return v.secret.optional ? { files: [] } : { missing: `secret "${v.secret.secretName}" not found` };
    data = {};
    for (const [k, b64] of Object.entries(s.data ?? {})) data[k] = new Uint8Array(Buffer.from(b64, "base64"));
  } else return undefined;
  const entries = spec.items ?? Object.keys(data).map((key) => ({ key, path: key, mode: undefined }));
  const files: PayloadFile[] = [];
  for (const it of entries) {
    const value = data[it.key];
    if (value !== undefined) files.push({ path: it.path, data: value, mode: it.mode ?? spec.defaultMode ?? 0o644 });
    // An item naming a key the source lacks fails the mount (and so any update), unless optional.
    else if (!spec.optional) return { missing: `${v.configMap !== undefined ? "configmap" : "secret"} references non-existent ${v.configMap !== undefined ? "config" : "secret"} key: ${it.key}` };
  }
  return { files };
}

/**
 * The kubelet's AtomicWriter: the payload goes into a directory named for the time it is written
 * (os.MkdirTemp adds a random number), `..data` links to it, and each top-level name is a link
 * through `..data`. An update writes a new directory, swaps `..data` by renaming a new link over
 * it, adds and removes the top-level links and drops the old directory: readers see the old files
 * or the new ones, never a mix. An unchanged payload is not written again.
 */
export function atomicWrite(sim: Sim, vol: Volume, files: readonly PayloadFile[], random: Random): void {
  const current = vol.linkTarget("/..data");
  if (current !== undefined && holds(vol, `/${current}`, files)) return;
  const d = new Date(sim.epochMs());
  const two = (n: number) => String(n).padStart(2, "0");
  const stamp = `..${d.getUTCFullYear()}_${two(d.getUTCMonth() + 1)}_${two(d.getUTCDate())}_${two(d.getUTCHours())}_${two(d.getUTCMinutes())}_${two(d.getUTCSeconds())}.${random.int(0, 0xffffffff)}`;
  vol.mkdir(`/${stamp}`, { mode: 0o755 });
  const visible = new Set<string>();
  for (const f of files) {
    const parts = f.path.split("/");
    if (parts.length > 1) vol.mkdir(`/${stamp}/${parts.slice(0, -1).join("/")}`, { recursive: true, mode: 0o755 });
    vol.writeFile(`/${stamp}/${f.path}`, f.data, { mode: f.mode });
    vol.fsync(`/${stamp}/${f.path}`);
    visible.add(parts[0]!);
  }
  if (current === undefined) vol.symlink(stamp, "/..data");
  else {
    vol.symlink(stamp, "/..data_tmp");
    vol.rename("/..data_tmp", "/..data");
  }
  for (const name of [...visible].sort()) if (!vol.exists(`/${name}`)) vol.symlink(`..data/${name}`, `/${name}`);
  if (current === undefined) return;
  // Only the old payload's own names go; anything else in the directory is left alone.
  for (const name of vol.readdir(`/${current}`)) if (!visible.has(name) && vol.linkTarget(`/${name}`) === `..data/${name}`) vol.unlink(`/${name}`);
  vol.rmdir(`/${current}`, { recursive: true });
}

/**
 * What a subPath mount of a ConfigMap or Secret volume holds: the file or directory it resolved
 * to when the container started. The bind mount pins that inode, so the atomic writer's later
 * swaps never reach it; here it is a copy in a volume of its own, at the same name.
 */
export function pinSubPath(sim: Sim, from: Volume, path: string): { volume: Volume; subPath: string } {
  const pinned = new Volume(sim, `${from.id}-subpath`, Number.POSITIVE_INFINITY);
  const name = path.slice(path.lastIndexOf("/") + 1);
  const copy = (src: string, dst: string) => {
    const st = from.stat(src);
    if (st.type === "dir") {
      pinned.mkdir(dst, { mode: st.mode, uid: st.uid, gid: st.gid });
      for (const n of from.readdir(src)) copy(`${src}/${n}`, `${dst}/${n}`);
    } else if (st.type === "symlink") pinned.symlink(from.readlink(src), dst, { uid: st.uid, gid: st.gid });
    else pinned.writeFile(dst, from.readFile(src), { mode: st.mode, uid: st.uid, gid: st.gid });
  };
  copy(`/${path}`, `/${name}`);
  return { volume: pinned, subPath: name };
}

/** The directory holds exactly these files, with these bytes and modes. */
function holds(vol: Volume, dir: string, files: readonly PayloadFile[]): boolean {
  const found: string[] = [];
  const walk = (rel: string) => {
    for (const name of vol.readdir(`${dir}${rel}`)) {
      const path = `${rel}/${name}`;
      if (vol.stat(`${dir}${path}`).type === "dir") walk(path);
      else found.push(path.slice(1));
    }
  };
  walk("");
  if (found.length !== files.length) return false;
  return files.every((f) => {
    if (!found.includes(f.path)) return false;
    const st = vol.stat(`${dir}/${f.path}`);
    const bytes = vol.readFile(`${dir}/${f.path}`);
    return st.mode === f.mode && bytes.length === f.data.length && bytes.every((b, i) => b === f.data[i]);
  });
}

/** The service account token volume (`kube-api-access-*`) pods get at /var/run/secrets/kubernetes.io/serviceaccount. */
function serviceAccountVolume(sim: Sim, pod: Pod, token: string, random: Random, inodes: InodeLayout): Volume {
  const volume = new Volume(sim, `sa-${pod.metadata.uid}`, Number.POSITIVE_INFINITY, { mode: IN_TMPFS }, inodes);
  const files = { token, "ca.crt": CLUSTER_CA_CERT, namespace: pod.metadata.namespace ?? "default" };
  atomicWrite(sim, volume, Object.entries(files).map(([path, text]) => ({ path, data: encoder.encode(text), mode: 0o644 })), random);
  return volume;
}
