import { decodeText, FsError, Future, type Random, type Sim } from "@ksim/sim";
import type { InputStream } from "./streams.js";
import type { DeviceNumber, LowerEntry, LowerLayer } from "./image.js";

/**
 * A container's /dev as runc makes it on its tmpfs: the device nodes of the OCI default spec,
 * the /proc/self/fd links, and the devpts, mqueue and shm mount points. What the devices do when
 * read and written is here too.
 */

const NULL: DeviceNumber = { major: 1, minor: 3 };
const ZERO: DeviceNumber = { major: 1, minor: 5 };
const FULL: DeviceNumber = { major: 1, minor: 7 };
const RANDOM: DeviceNumber = { major: 1, minor: 8 };
const URANDOM: DeviceNumber = { major: 1, minor: 9 };
const TTY: DeviceNumber = { major: 5, minor: 0 };
const PTMX: DeviceNumber = { major: 5, minor: 2 };
/** The first pseudo-terminal: a `tty: true` container's console. */
const PTS0: DeviceNumber = { major: 136, minor: 0 };

/** The tty group of Debian and busybox images, which owns a terminal's device. */
const TTY_GID = 5;

/** A tmpfs directory's size: 20 bytes per entry, counting `.` and `..` (BOGO_DIRENT_SIZE). */
function tmpfsDirSize(entries: number): number {
  return 20 * (entries + 2);
}

export interface ContainerDevOptions {
  /** When the runtime made the tmpfs: every entry's mtime. */
  readonly mtimeMs: number;
  /** The container has a terminal: /dev/console and /dev/pts/0 are its pseudo-terminal. */
  readonly tty: boolean;
}

/** The /dev a container starts with, as a read-only layer the overlay puts over its image. */
export function containerDev(options: ContainerDevOptions): LowerLayer {
  const { mtimeMs, tty } = options;
  const entries = new Map<string, LowerEntry>();
  // tmpfs numbers its inodes per superblock, from 1 for its root, in the order runc makes them.
  let ino = 1;
  const dev = (rdev: DeviceNumber, mode = 0o666, gid = 0): LowerEntry => ({ type: "chardev", rdev, mode, uid: 0, gid, mtimeMs, ino: ++ino });
  const link = (target: string): LowerEntry => ({ type: "symlink", target, mtimeMs, ino: ++ino });
  const dir = (mode: number, size: number, number = ++ino): LowerEntry => ({ type: "dir", mode, uid: 0, gid: 0, mtimeMs, size, ino: number });
  const top: Record<string, LowerEntry> = {
    core: link("/proc/kcore"),
    fd: link("/proc/self/fd"),
    full: dev(FULL),
    mqueue: dir(0o1777, tmpfsDirSize(0)),
    null: dev(NULL),
    ptmx: link("pts/ptmx"),
    // devpts reports no size for its directories.
    pts: dir(0o755, 0),
    random: dev(RANDOM),
    shm: dir(0o1777, tmpfsDirSize(0)),
    stderr: link("/proc/self/fd/2"),
    stdin: link("/proc/self/fd/0"),
    stdout: link("/proc/self/fd/1"),
    tty: dev(TTY),
    urandom: dev(URANDOM),
    zero: dev(ZERO),
  };
  if (tty) top["console"] = dev(PTS0, 0o620, TTY_GID);
  const names = Object.keys(top).sort();
  entries.set("/dev", dir(0o755, tmpfsDirSize(names.length), 1));
  for (const n of names) entries.set(`/dev/${n}`, top[n]!);
  const pts = tty ? ["0", "ptmx"] : ["ptmx"];
  // The runtime mounts its own devpts with ptmxmode=0666 (containerd's default spec), so its ptmx
  // is open to all, unlike a host's (c---------).
  entries.set("/dev/pts/ptmx", dev(PTMX));
  if (tty) entries.set("/dev/pts/0", dev(PTS0, 0o620, TTY_GID));
  const children = new Map<string, readonly string[]>([
    ["/dev", names],
    ["/dev/pts", pts],
    ["/dev/mqueue", []],
    ["/dev/shm", []],
  ]);
  return {
    lookup: (path) => (path.startsWith("/dev") ? entries.get(path) : undefined),
    children: (path) => (path.startsWith("/dev") ? children.get(path) : undefined),
  };
}

/** What reading a device gives: end-of-file at once, or bytes without end. */
export type DeviceInput = { readonly kind: "empty" } | EndlessDevice;

export interface EndlessDevice {
  readonly kind: "endless";
  /** The next `bytes` bytes. */
  read(bytes: number): Uint8Array;
  /** The next `bytes` bytes, as the text streams carry. */
  readText(bytes: number): string;
}

/**
 * NULs by length: every read of /dev/zero of one size is the same string, so a file written
 * from it holds one buffer many times (see FileOutput) rather than a copy per read.
 */
const zeroTexts = new Map<number, string>();

/** Zeros every read of /dev/zero shares: whoever reads them never writes into them (a volume keeps what it is given). */
let zeroBytes = new Uint8Array(0);

const ZEROS: EndlessDevice = {
  kind: "endless",
  read(bytes) {
    if (zeroBytes.length < bytes) zeroBytes = new Uint8Array(bytes);
    return zeroBytes.subarray(0, bytes);
  },
  readText(bytes) {
    let text = zeroTexts.get(bytes);
    if (text === undefined) zeroTexts.set(bytes, (text = "\0".repeat(bytes)));
    return text;
  },
};

/**
 * Opens a device for reading, as open(2) and read(2) see it: /dev/null is at its end, /dev/zero
 * and /dev/full give zeros, /dev/random and /dev/urandom bytes from the simulation's seed. A
 * terminal device is not this process's controlling terminal, so it cannot be opened.
 */
export function openDeviceForReading(rdev: DeviceNumber, random: Random, path: string): DeviceInput {
  if (rdev.major === 1) {
    if (rdev.minor === NULL.minor) return { kind: "empty" };
    if (rdev.minor === ZERO.minor || rdev.minor === FULL.minor) return ZEROS;
    if (rdev.minor === RANDOM.minor || rdev.minor === URANDOM.minor) {
      const read = (bytes: number) => {
        const out = new Uint8Array(bytes);
        for (let i = 0; i < bytes; i += 4) {
          const word = random.int(0, 0xffffffff);
          out[i] = word & 0xff;
          if (i + 1 < bytes) out[i + 1] = (word >>> 8) & 0xff;
          if (i + 2 < bytes) out[i + 2] = (word >>> 16) & 0xff;
          if (i + 3 < bytes) out[i + 3] = word >>> 24;
        }
        return out;
      };
      return { kind: "endless", read, readText: (bytes) => decodeText(read(bytes)) };
    }
  }
  throw new FsError("ENXIO", path);
}

/**
 * A device as a process's standard input (`tr -dc a-z < /dev/urandom`): a buffer per read, each
 * a millisecond of simulated time later, so that a reader that never stops lets time pass.
 */
export function deviceStream(device: EndlessDevice, sim: Sim, bufferBytes: number): InputStream {
  return {
    read() {
      const f = new Future<string | null>();
      sim.schedule(1, () => f.resolve(device.readText(bufferBytes)), "dev:read");
      return f;
    },
  };
}

/** /dev/zero, /dev/full and the random devices: reading them never comes to an end. */
export function isEndlessDevice(rdev: DeviceNumber): boolean {
  return rdev.major === 1 && (rdev.minor === ZERO.minor || rdev.minor === FULL.minor || rdev.minor === RANDOM.minor || rdev.minor === URANDOM.minor);
}

/**
 * A device read whole, as a program that reads its input into memory before it works does:
 * /dev/null is empty, an endless device exhausts the memory that program has.
 */
export function readWholeDevice(rdev: DeviceNumber, path: string): Uint8Array {
  if (rdev.major === 1 && rdev.minor === NULL.minor) return new Uint8Array();
  if (isEndlessDevice(rdev)) throw new FsError("ENOMEM", path);
  throw new FsError("ENXIO", path);
}

/**
 * A write to a device: /dev/null, /dev/zero and the random devices take every byte (random's
 * only stir the pool), /dev/full has no room, a terminal that is not ours cannot be opened.
 */
export function writeDevice(rdev: DeviceNumber, path: string): void {
  if (rdev.major === 1) {
    if (rdev.minor === FULL.minor) throw new FsError("ENOSPC", path);
    if (rdev.minor === NULL.minor || rdev.minor === ZERO.minor || rdev.minor === RANDOM.minor || rdev.minor === URANDOM.minor) return;
  }
  throw new FsError("ENXIO", path);
}
