import { ext4Inodes, tmpfsInodes, type InodeLayout, type Volume } from "@ksim/sim";
import type { Device, DeviceUsage, MountEntry } from "../runtime/fs.js";
import type { DeviceNumber } from "../runtime/image.js";
import type { RuntimeMounts } from "../runtime/layered-fs.js";

/** The node's disk: the ephemeral-storage the node reports, as a minikube VM's /dev/vda1. */
export const NODE_DISK_BYTES = 102625208 * 1024;
const NODE_DISK_INODES = ext4Inodes(NODE_DISK_BYTES).count;
/** Inodes the VM's own files take before any image is pulled (a guess at a minikube node's). */
const NODE_OS_INODES = 150_000;

const PAGE = 4096;

/**
 * virtio-blk takes its major dynamically, counting down from 254: the first such driver gets
 * 254. Its disks are 16 minors apart, so the first partition is 254:1.
 */
const NODE_DISK_NUMBER: DeviceNumber = { major: 254, minor: 1 };
/** SCSI disks: major 8, 16 minors each (sda 8:0, sdb 8:16). */
const SCSI_DISK_MAJOR = 8;
/**
 * Filesystems without a disk get major 0 and the lowest free anonymous minor of the node's
 * kernel. The node's own (proc, sysfs, its tmpfs, devpts, cgroup2, …) take the first ones at boot;
 * where they end is a guess at a minikube VM's.
 */
const FIRST_FREE_ANONYMOUS_MINOR = 38;
/** The node's cgroup2 hierarchy, which a container's cgroup namespace mounts again. */
const CGROUP2_NUMBER: DeviceNumber = { major: 0, minor: 29 };

/** containerd's /dev and /dev/shm: tmpfs of 64 MiB each (size=65536k). */
const DEV_TMPFS_BYTES = 64 * 1024 * 1024;

/** containerd's overlayfs snapshotter keeps every snapshot here, numbered in the order it made them. */
const SNAPSHOTS = "/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots";

/**
 * The kubelet's default masked paths (securitycontext's defaultMaskedPaths) that a 5.15 VM has:
 * runc hides a directory under an empty read-only tmpfs and a file under /dev/null. The others
 * (/proc/asound, latency_stats, timer_stats, sched_debug) do not exist there, so runc skips them.
 */
const MASKED: readonly { readonly path: string; readonly dir: boolean }[] = [
  { path: "/proc/acpi", dir: true },
  { path: "/proc/kcore", dir: false },
  { path: "/proc/keys", dir: false },
  { path: "/proc/timer_list", dir: false },
  { path: "/proc/scsi", dir: true },
  { path: "/sys/firmware", dir: true },
];

/** The anonymous devices a container's own mounts take: overlay, proc, /dev, devpts, mqueue, sysfs, /dev/shm and the masked directories. */
const CONTAINER_ANONYMOUS_DEVICES = 7 + MASKED.filter((m) => m.dir).length;

/** The kubelet's default read-only paths: bind-mounted onto themselves and remounted read-only. */
const READONLY = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"];

/** The flags procfs, sysfs and mqueue are mounted with, as the kernel lists them. */
const PSEUDO_OPTIONS = "nosuid,nodev,noexec,relatime";

/** A pseudo filesystem's statfs: no blocks, and no inodes counted. */
const EMPTY: DeviceUsage = { sizeBytes: 0, usedBytes: 0, inodes: 0, inodesUsed: 0 };

/**
 * The filesystems a node's containers see in their mount tables: the node's disk (which the
 * overlay roots, /etc/hosts, emptyDirs and hostPaths live on), a block device per persistent
 * volume attached to the node, and tmpfs mounts. Their sizes are what the model keeps: a
 * volume's capacity and bytes, the node disk's images and hostPath files.
 */
export class NodeDevices {
  readonly disk: Device;
  /** Persistent volumes by id: their block device, lettered in the order the node first mounts them. */
  private readonly blockDevices = new Map<string, Device>();
  /** The last snapshot number containerd gave, and the one each image's layer has. */
  private snapshots = 0;
  private readonly imageSnapshots = new Map<object, number>();
  /** Anonymous minors handed out so far (the kernel's ida, never given back here). */
  private nextAnonymous = FIRST_FREE_ANONYMOUS_MINOR;
  /** The tmpfs each tmpfs-backed volume is, made when the kubelet first mounts it. */
  private readonly tmpfsDevices = new WeakMap<Volume, Device>();

  constructor(
    private readonly memoryBytes: () => number,
    diskUsed: () => { readonly bytes: number; readonly inodes: number },
  ) {
    this.disk = {
      id: "vda1",
      source: "/dev/vda1",
      type: "ext4",
      number: NODE_DISK_NUMBER,
      usage: () => {
        const used = diskUsed();
        return { sizeBytes: NODE_DISK_BYTES, usedBytes: Math.min(NODE_DISK_BYTES, used.bytes), inodes: NODE_DISK_INODES, inodesUsed: Math.min(NODE_DISK_INODES, 11 + NODE_OS_INODES + used.inodes) };
      },
    };
  }

  /** A tmpfs's inodes: nr_inodes defaults to half the node's pages, whatever the size. */
  tmpfsInodes(): InodeLayout {
    return tmpfsInodes(Math.floor(this.memoryBytes() / PAGE / 2));
  }

  /** A persistent volume's disk: `/dev/sdb`, `/dev/sdc`, … as the node attached them. */
  blockDevice(volume: Volume): Device {
    let d = this.blockDevices.get(volume.id);
    if (d === undefined) {
      const index = this.blockDevices.size;
      const source = `/dev/sd${driveLetters(index + 1)}`;
      d = { id: `pv:${volume.id}`, source, type: "ext4", number: { major: SCSI_DISK_MAJOR, minor: 16 * index }, usage: () => statfs(volume) };
      this.blockDevices.set(volume.id, d);
    }
    return d;
  }

  /** A tmpfs holding a volume (a Secret's or the service account token's), sized at half the node's memory as tmpfs is by default. */
  tmpfs(volume: Volume): Device {
    let d = this.tmpfsDevices.get(volume);
    if (d === undefined) {
      const usage = (): DeviceUsage => {
        const { total, used } = volume.inodeUsage();
        return { sizeBytes: this.memoryBytes() / 2, usedBytes: volume.bytesUsed, inodes: total, inodesUsed: used };
      };
      d = { id: `tmpfs:${volume.id}`, source: "tmpfs", type: "tmpfs", number: this.anonymous(1), usage };
      this.tmpfsDevices.set(volume, d);
    }
    return d;
  }

  /** The first of `count` anonymous device numbers taken at once. */
  private anonymous(count: number): DeviceNumber {
    const minor = this.nextAnonymous;
    this.nextAnonymous += count;
    return { major: 0, minor };
  }

  /**
   * What the runtime mounts for a container besides its volumes, as containerd's default spec,
   * the CRI and runc make them. `image` is what the root's lower layer is: its snapshot is
   * numbered when a container first uses it on this node, the container's own layer after it.
   * The table itself is made when first asked for (few containers are ever asked).
   */
  runtimeMounts(containerId: string, image: object): () => RuntimeMounts {
    let lower = this.imageSnapshots.get(image);
    if (lower === undefined) this.imageSnapshots.set(image, (lower = ++this.snapshots));
    const upper = ++this.snapshots;
    // The runtime mounts them when it makes the container, so their numbers are taken now.
    const first = this.anonymous(CONTAINER_ANONYMOUS_DEVICES).minor;
    let made: RuntimeMounts | undefined;
    return () => (made ??= this.mountTable(containerId, lower, upper, first));
  }

  private mountTable(containerId: string, lower: number, upper: number, firstMinor: number): RuntimeMounts {
    let minor = firstMinor;
    // In the order they are mounted: containerd's overlay, runc's defaults, the CRI's /dev/shm, the masks.
    const next = (): DeviceNumber => ({ major: 0, minor: minor++ });
    // An empty tmpfs uses one inode, its root; /dev's entries are the runtime's.
    const tmpfs = (id: string, source: string, sizeBytes: number, inodesUsed = 1): Device => ({
      id: `${id}:${containerId}`,
      source,
      type: "tmpfs",
      number: next(),
      usage: () => ({ sizeBytes, usedBytes: 0, inodes: this.tmpfsInodes().count, inodesUsed }),
    });
    const pseudo = (source: string, type: string, number = next()): Device => ({ id: `${source}:${containerId}`, source, type, number, usage: () => EMPTY });
    const overlay: Device = { id: `overlay:${containerId}`, source: "overlay", type: "overlay", number: next(), usage: () => this.disk.usage() };
    const proc = pseudo("proc", "proc");
    // Its root and the 15 entries runc makes (a terminal's console is one more).
    const dev = tmpfs("dev", "tmpfs", DEV_TMPFS_BYTES, 16);
    const devpts = pseudo("devpts", "devpts");
    const mqueue = pseudo("mqueue", "mqueue");
    const sysfs = pseudo("sysfs", "sysfs");
    const cgroup = pseudo("cgroup", "cgroup2", CGROUP2_NUMBER);
    const shm = tmpfs("shm", "shm", DEV_TMPFS_BYTES);
    const devOptions = `rw,nosuid,size=${DEV_TMPFS_BYTES / 1024}k,mode=755`;
    const masked = ({ path, dir }: { path: string; dir: boolean }): MountEntry =>
      dir
        ? { device: tmpfs(`masked${path}`, "tmpfs", this.memoryBytes() / 2), root: "/", target: path, options: "ro,relatime" }
        : // /dev/null bound over it: the /dev tmpfs, as it is mounted there.
          { device: dev, root: "/null", target: path, options: devOptions };
    return {
      root: {
        device: overlay,
        root: "/",
        target: "/",
        options: `rw,relatime,lowerdir=${SNAPSHOTS}/${lower}/fs,upperdir=${SNAPSHOTS}/${upper}/fs,workdir=${SNAPSHOTS}/${upper}/work`,
      },
      defaults: [
        { device: proc, root: "/", target: "/proc", options: `rw,${PSEUDO_OPTIONS}` },
        { device: dev, root: "/", target: "/dev", options: devOptions },
        { device: devpts, root: "/", target: "/dev/pts", options: "rw,nosuid,noexec,relatime,gid=5,mode=620,ptmxmode=666" },
        { device: mqueue, root: "/", target: "/dev/mqueue", options: `rw,${PSEUDO_OPTIONS}` },
        { device: sysfs, root: "/", target: "/sys", options: `ro,${PSEUDO_OPTIONS}` },
        { device: cgroup, root: "/", target: "/sys/fs/cgroup", options: `ro,${PSEUDO_OPTIONS}` },
      ],
      extra: [{ device: shm, root: "/", target: "/dev/shm", options: `rw,${PSEUDO_OPTIONS},size=${DEV_TMPFS_BYTES / 1024}k` }],
      masked: [...READONLY.map((path) => ({ device: proc, root: path.slice("/proc".length), target: path, options: `ro,${PSEUDO_OPTIONS}` })), ...MASKED.map(masked)],
    };
  }
}

function statfs(volume: Volume): DeviceUsage {
  const { total, used } = volume.inodeUsage();
  return Number.isFinite(volume.capacityBytes) ? { sizeBytes: volume.capacityBytes, usedBytes: volume.bytesUsed, inodes: total, inodesUsed: used } : EMPTY;
}

/** The kernel's sd naming: a…z, then aa…zz, and so on (1 → a). */
function driveLetters(n: number): string {
  let s = "";
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) s = String.fromCharCode(97 + ((k - 1) % 26)) + s;
  return s;
}
