import type { Volume } from "@ksim/sim";
import type { Device, MountEntry } from "../runtime/fs.js";
import type { RuntimeMounts } from "../runtime/layered-fs.js";

/** The node's disk: the ephemeral-storage the node reports, as a minikube VM's /dev/vda1. */
export const NODE_DISK_BYTES = 102625208 * 1024;

/** containerd's /dev and /dev/shm: tmpfs of 64 MiB each (size=65536k). */
const DEV_TMPFS_BYTES = 64 * 1024 * 1024;

/** The paths runc masks with an empty read-only tmpfs (the directories of containerd's default masked paths). */
const MASKED_DIRS = ["/proc/acpi", "/proc/scsi", "/sys/firmware"];

const EMPTY = { sizeBytes: 0, usedBytes: 0 };

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

  constructor(
    private readonly memoryBytes: () => number,
    diskUsedBytes: () => number,
  ) {
    this.disk = { id: "vda1", source: "/dev/vda1", type: "ext4", usage: () => ({ sizeBytes: NODE_DISK_BYTES, usedBytes: Math.min(NODE_DISK_BYTES, diskUsedBytes()) }) };
  }

  /** A persistent volume's disk: `/dev/sdb`, `/dev/sdc`, … as the node attached them. */
  blockDevice(volume: Volume): Device {
    let d = this.blockDevices.get(volume.id);
    if (d === undefined) {
      const source = `/dev/sd${driveLetters(this.blockDevices.size + 1)}`;
      d = { id: `pv:${volume.id}`, source, type: "ext4", usage: () => sizeOf(volume) };
      this.blockDevices.set(volume.id, d);
    }
    return d;
  }

  /** A tmpfs holding a volume (a Secret's or the service account token's), sized at half the node's memory as tmpfs is by default. */
  tmpfs(volume: Volume): Device {
    return { id: `tmpfs:${volume.id}`, source: "tmpfs", type: "tmpfs", usage: () => ({ sizeBytes: this.memoryBytes() / 2, usedBytes: volume.bytesUsed }) };
  }

  /** What the runtime mounts for a container besides its volumes. */
  runtimeMounts(containerId: string): RuntimeMounts {
    const tmpfs = (id: string, source: string, sizeBytes: number): Device => ({ id: `${id}:${containerId}`, source, type: "tmpfs", usage: () => ({ sizeBytes, usedBytes: 0 }) });
    const masked = (path: string): MountEntry => ({
      device: { id: `masked${path}:${containerId}`, source: "tmpfs", type: "tmpfs", usage: () => ({ sizeBytes: this.memoryBytes() / 2, usedBytes: 0 }) },
      root: "/",
      target: path,
    });
    return {
      root: { id: `overlay:${containerId}`, source: "overlay", type: "overlay", usage: () => this.disk.usage() },
      defaults: [{ device: tmpfs("dev", "tmpfs", DEV_TMPFS_BYTES), root: "/", target: "/dev" }],
      extra: [{ device: tmpfs("shm", "shm", DEV_TMPFS_BYTES), root: "/", target: "/dev/shm" }],
      masked: MASKED_DIRS.map(masked),
    };
  }
}

function sizeOf(volume: Volume): { sizeBytes: number; usedBytes: number } {
  return Number.isFinite(volume.capacityBytes) ? { sizeBytes: volume.capacityBytes, usedBytes: volume.bytesUsed } : EMPTY;
}

/** The kernel's sd naming: a…z, then aa…zz, and so on (1 → a). */
function driveLetters(n: number): string {
  let s = "";
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) s = String.fromCharCode(97 + ((k - 1) % 26)) + s;
  return s;
}
