import { FsError, type Stat } from "@ksim/sim";

/** What `stat` and `lstat` report; `symlink` appears only from lstat. */
export interface FileStat extends Omit<Stat, "type"> {
  readonly type: "file" | "dir" | "symlink";
}

export interface Credentials {
  readonly uid: number;
  readonly gid: number;
  /** Supplementary groups (fsGroup is added here, as the kubelet does). */
  readonly groups?: readonly number[];
}

export const ROOT: Credentials = { uid: 0, gid: 0 };

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
  writeFile(path: string, data: Uint8Array | string, options?: { mode?: number }): void;
  appendFile(path: string, data: Uint8Array | string, options?: { mode?: number }): void;
  fsync(path: string): void;
  mkdir(path: string, options?: { recursive?: boolean; mode?: number }): void;
  rmdir(path: string, options?: { recursive?: boolean }): void;
  unlink(path: string): void;
  rename(from: string, to: string): void;
  chmod(path: string, mode: number): void;
  chown(path: string, uid: number, gid: number): void;
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
  usage(): { readonly sizeBytes: number; readonly usedBytes: number };
}

/** One line of the mount table: a device, the directory of it that is mounted, and where. */
export interface MountEntry {
  readonly device: Device;
  /** The directory of the device's filesystem that appears at `target` (mountinfo's root). */
  readonly root: string;
  readonly target: string;
}

/** An absolute path with no empty, `.` or `..` component and no trailing slash: resolved already. */
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
  const t = st.type === "dir" ? "d" : st.type === "symlink" ? "l" : "-";
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
