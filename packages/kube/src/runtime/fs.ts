import { FsError, type Stat } from "@ksim/sim";
import type { DeviceNumber } from "./image.js";

/** What `stat` and `lstat` report; `symlink` appears only from lstat. */
export interface FileStat extends Omit<Stat, "type"> {
  readonly type: "file" | "dir" | "symlink" | "chardev";
  /** A character device's major and minor numbers (st_rdev). */
  readonly rdev?: DeviceNumber;
}

export interface Credentials {
  readonly uid: number;
  readonly gid: number;
  /** Supplementary groups (fsGroup is added here, as the kubelet does). */
  readonly groups?: readonly number[];
}

export const ROOT: Credentials = { uid: 0, gid: 0 };

/** The umask a container's processes start with (runc's) and a login's (Debian's login.defs). */
export const DEFAULT_UMASK = 0o022;

/**
 * The filesystem as a process sees it: absolute paths, its own credentials applied to
 * permission checks and to the owner of what it creates. Errors are FsError with errno codes.
 */
export interface FileSystem {
  stat(path: string): FileStat;
  lstat(path: string): FileStat;
  readlink(path: string): string;
  exists(path: string): boolean;
  readdir(path: string): string[];
  readFile(path: string): Uint8Array;
  readText(path: string): string;
  /** The file's bytes up to its first hole (lseek SEEK_HOLE): a preallocating log's records. */
  readData(path: string): Uint8Array;
  /** pread(2): up to `length` bytes from `offset`, fewer at the end of the file. */
  readAt(path: string, offset: number, length: number): Uint8Array;
  writeFile(path: string, data: Uint8Array | string, options?: { mode?: number }): void;
  appendFile(path: string, data: Uint8Array | string, options?: { mode?: number }): void;
  /** pwrite: `data` at `offset`, creating the file if needed. */
  writeAt(path: string, offset: number, data: Uint8Array | string): void;
  /** posix_fallocate(fd, 0, length): reserves the file's blocks, growing it with zeros. */
  fallocate(path: string, length: number): void;
  /** truncate(2): cuts the file, or makes it longer with a hole. */
  truncate(path: string, length: number): void;
  fsync(path: string): void;
  mkdir(path: string, options?: { recursive?: boolean; mode?: number }): void;
  rmdir(path: string, options?: { recursive?: boolean }): void;
  unlink(path: string): void;
  rename(from: string, to: string): void;
  chmod(path: string, mode: number): void;
  chown(path: string, uid: number, gid: number): void;
  /**
   * utimensat(2) on the file a path leads to: undefined leaves a time as it is; `explicit` says
   * the times were given (the owner's right) rather than both set to now (a writer's).
   */
  utimes(path: string, atimeMs: number | undefined, mtimeMs: number | undefined, explicit: boolean): void;
  /** symlink(2): `path` becomes a link to `target`, stored as given. */
  symlink(target: string, path: string): void;
  /** link(2): `path` becomes another name for the file at `existing`. */
  link(existing: string, path: string): void;
  /**
   * A lookup that depends only on which names exist and their permissions (a PATH search),
   * computed once until one of those changes; filesystems that cannot tell just compute it.
   */
  memoLookup?(key: string, compute: () => string | undefined): string | undefined;
  /** The mounts a process sees, in /proc/self/mountinfo's order (what df reads); absent where nothing is known. */
  mountTable?(): readonly MountEntry[];
}

/** A mounted filesystem: what the mount table names it, and what statfs says of its space. */
export interface Device {
  /** Equal for every mount of the same filesystem (st_dev). */
  readonly id: string;
  /** The mount table's source: a block device (`/dev/vda1`) or a pseudo name (`tmpfs`, `overlay`). */
  readonly source: string;
  readonly type: string;
  /** st_dev of its files: a disk's major and minor, or major 0 and an anonymous minor for the rest. */
  readonly number: DeviceNumber;
  usage(): DeviceUsage;
}

/** statfs(2) of a filesystem: its size and inodes, and how much of each is in use. */
export interface DeviceUsage {
  readonly sizeBytes: number;
  readonly usedBytes: number;
  /** Inodes it has (f_files): 0 for a pseudo filesystem that does not count them. */
  readonly inodes: number;
  readonly inodesUsed: number;
}

/** One line of the mount table: a device, the directory of it that is mounted, where, and how. */
export interface MountEntry {
  readonly device: Device;
  /** The directory of the device's filesystem that appears at `target` (mountinfo's root). */
  readonly root: string;
  readonly target: string;
  /** The options /proc/mounts shows: the mount's flags, then the filesystem's own (`rw,relatime`). */
  readonly options: string;
}

/** An absolute path with no empty, `.` or `..` component and no trailing slash: resolved already. */
/** Where a write lands: replacing the file, after its end, or at an offset (pwrite). */
export type WritePosition = "truncate" | "append" | { readonly offset: number };

const CANONICAL = /^(?:\/(?!\.\.?(?:\/|$))[^/]+)+$/;

/** Normalizes an absolute or cwd-relative path: resolves `.`, `..` and repeated slashes. */
export function resolvePath(cwd: string, path: string): string {
  // Most paths programs use are canonical: no need to split and join them.
  if (CANONICAL.test(path)) return path;
  const parts: string[] = [];
  const input = path.startsWith("/") ? path : `${cwd}/${path}`;
  for (const p of input.split("/")) {
    if (p === "" || p === ".") continue;
    if (p === "..") parts.pop();
    else parts.push(p);
  }
  return "/" + parts.join("/");
}

export function dirname(path: string): string {
  const i = path.lastIndexOf("/");
  return i <= 0 ? "/" : path.slice(0, i);
}

export function basename(path: string): string {
  const trimmed = path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

/** Whether `cred` may access a node with the given owner and mode for r (4), w (2) or x (1). */
export function permits(cred: Credentials, st: { uid: number; gid: number; mode: number }, want: 4 | 2 | 1): boolean {
  // root reads and writes anything, and executes anything that has some execute bit.
  if (cred.uid === 0) return want !== 1 || (st.mode & 0o111) !== 0;
  if (cred.uid === st.uid) return ((st.mode >> 6) & want) !== 0;
  if (cred.gid === st.gid || (cred.groups?.includes(st.gid) ?? false)) return ((st.mode >> 3) & want) !== 0;
  return (st.mode & want) !== 0;
}

export function checkAccess(cred: Credentials, st: { uid: number; gid: number; mode: number }, want: 4 | 2 | 1, path: string): void {
  if (!permits(cred, st, want)) throw new FsError("EACCES", path);
}

/** `-rwxr-sr-x` style mode string, as ls -l prints it. */
export function modeString(st: FileStat): string {
  const t = st.type === "dir" ? "d" : st.type === "symlink" ? "l" : st.type === "chardev" ? "c" : "-";
  const m = st.mode;
  const bit = (mask: number, c: string) => ((m & mask) !== 0 ? c : "-");
  const special = (exec: number, flag: number, on: string, onNoExec: string) =>
    (m & flag) !== 0 ? ((m & exec) !== 0 ? on : onNoExec) : bit(exec, "x");
  return (
    t +
    bit(0o400, "r") + bit(0o200, "w") + special(0o100, 0o4000, "s", "S") +
    bit(0o040, "r") + bit(0o020, "w") + special(0o010, 0o2000, "s", "S") +
    bit(0o004, "r") + bit(0o002, "w") + special(0o001, 0o1000, "t", "T")
  );
}

/** How much of a write landed, and the error that stopped the rest (a full or read-only disk). */
export interface WriteOutcome {
  readonly bytes: number;
  readonly error?: FsError;
}

/**
 * Writes as write(2) and pwrite(2) do on a filesystem short of room: what fits is written and the
 * call fails only when nothing does. A volume refuses a whole write it cannot hold, so the largest
 * part that fits is found by halving.
 */
export function writeWhatFits(fs: Pick<FileSystem, "appendFile" | "writeAt">, path: string, data: Uint8Array, at: "append" | number = "append"): WriteOutcome {
  const write = (from: number, to: number) =>
    at === "append" ? fs.appendFile(path, data.subarray(from, to)) : fs.writeAt(path, at + from, data.subarray(from, to));
  try {
    write(0, data.length);
    return { bytes: data.length };
  } catch (e) {
    if (!(e instanceof FsError) || (e.code !== "ENOSPC" && e.code !== "EROFS")) throw e;
    let lo = 0;
    let hi = data.length;
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      try {
        write(lo, mid);
        lo = mid;
      } catch (again) {
        if (!(again instanceof FsError)) throw again;
        hi = mid;
      }
    }
    return { bytes: lo, error: e };
  }
}
