import { decodeText, FsError, type Ownership, type Sim, Volume } from "@ksim/sim";
import { checkAccess, dirname, type Credentials, type Device, type FileStat, type FileSystem, type MountEntry, type WritePosition } from "./fs.js";
import { readWholeDevice, writeDevice } from "./dev.js";
import type { DeviceNumber, LowerEntry, LowerLayer } from "./image.js";

export interface Mount {
  /** Absolute path inside the container. */
  readonly path: string;
  readonly volume: Volume;
  /** Directory inside the volume that appears at `path` (volumeMounts.subPath). */
  readonly subPath: string;
  readonly readOnly: boolean;
  /** The filesystem the volume is, for the mount table (which leaves out a mount without one). */
  readonly device?: Device;
  /** Where the mounted directory lives on that filesystem (mountinfo's root). */
  readonly deviceRoot?: string;
}

/** What the runtime mounts besides the pod's volumes: the root's device and its pseudo filesystems. */
export interface RuntimeMounts {
  readonly root: Device;
  /** From the runtime's default spec, before any of the container's (/dev). */
  readonly defaults: readonly MountEntry[];
  /** Added by the CRI after the kubelet's mounts, and ordered with them (/dev/shm). */
  readonly extra: readonly MountEntry[];
  /** runc's masked paths (/proc/acpi…), mounted last. */
  readonly masked: readonly MountEntry[];
}

/** Path components, by which the runtime orders mounts so parents come before children. */
function depth(path: string): number {
  return path.split("/").filter((c) => c !== "").length;
}

const MAX_SYMLINKS = 40;

type Located =
  | { readonly kind: "mount"; readonly mount: Mount; readonly rel: string }
  | { readonly kind: "overlay"; readonly path: string };

/**
 * A container's root filesystem the way overlayfs builds it: the image as a shared read-only
 * lower layer, a private writable upper layer (copy-up on write, whiteouts for deletions), and
 * volumes mounted over directories. A restarted container gets a new upper layer, so its own
 * changes vanish while its volumes keep theirs.
 */
export class LayeredFs {
  private readonly upper: Volume;
  private readonly whiteouts = new Set<string>();
  private mounts: Mount[] = [];
  /** The mounts in the order they were made, for the mount table. */
  private mountOrder: Mount[] = [];
  /**
   * Bumped on changes to names this layer makes itself (mounts, whiteouts), not on changes
   * inside a mounted volume: the volume's own version counts those.
   */
  private ownVersion = 0;
  /**
   * memoLookup's answers that looked at no mounted volume (PATH searches, mostly): they hold
   * while the overlay's names do, however much a program renames in its data volume.
   */
  private readonly overlayMemo = new Map<string, string | undefined>();
  /** memoLookup's other answers: they hold while no name changes anywhere. */
  private readonly memo = new Map<string, string | undefined>();
  /** locate's answers, by path, for following the last symlink or not (overlay names only). */
  private readonly located = [new Map<string, Located>(), new Map<string, Located>()] as const;
  private overlayMemoVersion = -1;
  private memoVersion = -1;
  /** Set when locate answers with a mounted volume: the answer being memoized depends on it. */
  private sawMount = false;
  private lastView: LayeredView | undefined;

  constructor(
    sim: Sim,
    private readonly lower: LowerLayer,
    id: string,
    private readonly runtimeMounts?: RuntimeMounts,
  ) {
    this.upper = new Volume(sim, `${id}-upper`);
    const root = lower.lookup("/");
    if (root !== undefined && root.type === "dir") this.upper.chmod("/", root.mode);
  }

  /**
   * Which names exist, and with what permissions, has not changed in the overlay (and where
   * volumes are mounted) while this is the same: the layer's own changes plus the upper layer's.
   */
  private overlayVersion(): number {
    return this.ownVersion + this.upper.namespaceVersion;
  }

  /** The same for every name: the overlay's, and those of every mounted volume. */
  private namespaceVersion(): number {
    let v = this.overlayVersion();
    for (const m of this.mounts) v += m.volume.namespaceVersion;
    return v;
  }

  /** FileSystem.memoLookup for every view of this filesystem (keys must include the credentials). */
  memoLookup(key: string, compute: () => string | undefined): string | undefined {
    this.forgetIfRenamed();
    const overlayOnly = this.overlayMemo.get(key);
    if (overlayOnly !== undefined || this.overlayMemo.has(key)) return overlayOnly;
    const known = this.memo.get(key);
    if (known !== undefined || this.memo.has(key)) return known;
    const outer = this.sawMount;
    this.sawMount = false;
    const value = compute();
    (this.sawMount ? this.memo : this.overlayMemo).set(key, value);
    this.sawMount ||= outer;
    return value;
  }

  /** Drops the memos made before a name they may depend on changed. */
  private forgetIfRenamed(): void {
    const overlay = this.overlayVersion();
    if (overlay !== this.overlayMemoVersion) {
      this.overlayMemo.clear();
      this.located[0].clear();
      this.located[1].clear();
      this.overlayMemoVersion = overlay;
    }
    if (this.mounts.length === 0) return;
    const version = this.namespaceVersion();
    if (version === this.memoVersion) return;
    this.memo.clear();
    this.memoVersion = version;
  }

  /** Bytes the container wrote to its own layer (they live on the node's disk). */
  get upperBytes(): number {
    return this.upper.bytesUsed;
  }

  /** Mounts a volume at `path` (creating the mount point in the image view as the runtime does). */
  mount(m: Mount): void {
    this.ownVersion++;
    if (!this.existsOverlay(m.path)) this.upperMkdirs(m.path);
    this.mounts = [...this.mounts.filter((x) => x.path !== m.path), m].sort((a, b) => b.path.length - a.path.length);
    this.mountOrder = [...this.mountOrder.filter((x) => x.path !== m.path), m];
  }

  /**
   * The container's mount table as /proc/self/mountinfo lists it: the overlay root, the
   * runtime's /dev, the kubelet's mounts and the CRI's extra ones ordered as containerd orders
   * them (stable by path depth, so parents come first), then the masked paths. Empty for a
   * filesystem the runtime did not set up.
   */
  mountTable(): MountEntry[] {
    const rt = this.runtimeMounts;
    if (rt === undefined) return [];
    const mounts = [
      ...this.mountOrder.flatMap((m) => (m.device === undefined ? [] : [{ device: m.device, root: m.deviceRoot ?? "/", target: m.path }])),
      ...rt.extra,
    ].sort((a, b) => depth(a.target) - depth(b.target));
    return [{ device: rt.root, root: "/", target: "/" }, ...rt.defaults, ...mounts, ...rt.masked];
  }

  /** A view with the given credentials: it holds nothing else, so a container's processes share one. */
  view(cred: Credentials): FileSystem {
    if (this.lastView?.cred !== cred) this.lastView = new LayeredView(this, cred);
    return this.lastView;
  }

  // ---- resolution -----------------------------------------------------------------------

  /**
   * Resolves symlinks (found in the lower layer) and finds which layer or mount owns a path.
   * Every file access, PATH lookup and probe asks, mostly for the same few paths (a WAL append
   * asks three times), so answers are kept until a name changes.
   */
  locate(path: string, followLast = true): Located {
    this.forgetIfRenamed();
    const memo = this.located[followLast ? 1 : 0];
    let loc = memo.get(path);
    if (loc === undefined) memo.set(path, (loc = this.resolve(path, followLast)));
    if (loc.kind === "mount") this.sawMount = true;
    return loc;
  }

  private resolve(path: string, followLast: boolean): Located {
    let parts = path.split("/").filter(Boolean);
    let hops = 0;
    let prefix = "";
    for (let i = 0; i < parts.length; i++) {
      if (!followLast && i === parts.length - 1) break;
      prefix += "/" + parts[i];
      // Only the image's symlinks redirect, and few names are one: that is asked first, then
      // whether a mount, a deletion or the upper layer hides it.
      const e = this.lower.lookup(prefix);
      if (e?.type !== "symlink" || this.mountFor(prefix) !== undefined || this.hidden(prefix) || this.upper.exists(prefix)) continue;
      if (++hops > MAX_SYMLINKS) throw new FsError("ELOOP", path);
      const target = e.target.startsWith("/") ? e.target : `${dirname(prefix)}/${e.target}`;
      parts = [...target.split("/").filter(Boolean), ...parts.slice(i + 1)];
      const norm: string[] = [];
      for (const p of parts) {
        if (p === ".") continue;
        if (p === "..") norm.pop();
        else norm.push(p);
      }
      parts = norm;
      prefix = "";
      i = -1;
    }
    const full = "/" + parts.join("/");
    const m = this.mountFor(full);
    if (m !== undefined) {
      const tail = full.slice(m.path.length);
      return { kind: "mount", mount: m, rel: joinRel(m.subPath, tail) };
    }
    return { kind: "overlay", path: full };
  }

  private mountFor(path: string): Mount | undefined {
    // The path is the mount point or under it; asked for every prefix resolve walks, so without
    // making the string `mount point + "/"` each time.
    for (const m of this.mounts) {
      const p = m.path;
      if (path.startsWith(p) && (path.length === p.length || p === "/" || path.charCodeAt(p.length) === 0x2f)) return m;
    }
    return undefined;
  }

  /** Deleted in the upper layer (the path or one of its ancestors has a whiteout). */
  private hidden(path: string): boolean {
    if (this.whiteouts.size === 0) return false;
    let p = path;
    for (;;) {
      if (this.whiteouts.has(p)) return !this.upper.exists(p);
      if (p === "/") return false;
      p = dirname(p);
    }
  }

  private lowerEntry(path: string): LowerEntry | undefined {
    return this.hidden(path) ? undefined : this.lower.lookup(path);
  }

  private existsOverlay(path: string): boolean {
    return this.upper.exists(path) || this.lowerEntry(path) !== undefined;
  }

  // ---- operations used by views -----------------------------------------------------------

  stat(path: string, followLast: boolean): FileStat {
    const loc = this.locate(path, followLast);
    if (loc.kind === "mount") {
      const st = loc.mount.volume.stat(loc.rel);
      return st;
    }
    if (this.upper.exists(loc.path)) return this.upper.stat(loc.path);
    const e = this.lowerEntry(loc.path);
    if (e === undefined) throw new FsError("ENOENT", path);
    if (e.type === "symlink") {
      return { type: "symlink", mode: 0o777, uid: 0, gid: 0, size: e.target.length, mtimeMs: e.mtimeMs, nlink: 1 };
    }
    if (e.type === "dir") {
      // A directory given its own size is a pseudo filesystem's: it takes no blocks.
      if (e.size !== undefined) return { type: "dir", mode: e.mode, uid: e.uid, gid: e.gid, size: e.size, allocated: 0, mtimeMs: e.mtimeMs, nlink: 2 };
      return { type: "dir", mode: e.mode, uid: e.uid, gid: e.gid, size: 4096, mtimeMs: e.mtimeMs, nlink: 2 };
    }
    if (e.type === "chardev") {
      return { type: "chardev", rdev: e.rdev, mode: e.mode, uid: e.uid, gid: e.gid, size: 0, allocated: 0, mtimeMs: e.mtimeMs, nlink: 1 };
    }
    return { type: "file", mode: e.mode, uid: e.uid, gid: e.gid, size: e.data.length, mtimeMs: e.mtimeMs, nlink: 1 };
  }

  /** stat without the exception for a missing path (PATH lookups miss a lot). */
  exists(path: string): boolean {
    const loc = this.locate(path, true);
    if (loc.kind === "mount") return loc.mount.volume.exists(loc.rel);
    return this.upper.exists(loc.path) || this.lowerEntry(loc.path) !== undefined;
  }

  readlink(path: string): string {
    const loc = this.locate(path, false);
    const e = loc.kind === "overlay" && !this.upper.exists(loc.path) ? this.lowerEntry(loc.path) : undefined;
    if (e?.type !== "symlink") throw new FsError("EINVAL", path);
    return e.target;
  }

  readdir(path: string): string[] {
    const loc = this.locate(path);
    if (loc.kind === "mount") return loc.mount.volume.readdir(loc.rel);
    const names = new Set<string>();
    const upperDir = this.upper.exists(loc.path) ? this.upper.stat(loc.path) : undefined;
    if (upperDir !== undefined && upperDir.type !== "dir") throw new FsError("ENOTDIR", path);
    if (upperDir !== undefined) for (const n of this.upper.readdir(loc.path)) names.add(n);
    const lower = this.hidden(loc.path) ? undefined : this.lower.children(loc.path);
    if (lower === undefined && upperDir === undefined) {
      if (this.lowerEntry(loc.path) !== undefined) throw new FsError("ENOTDIR", path);
      throw new FsError("ENOENT", path);
    }
    for (const n of lower ?? []) {
      const child = loc.path === "/" ? `/${n}` : `${loc.path}/${n}`;
      if (!this.whiteouts.has(child) || this.upper.exists(child)) names.add(n);
    }
    // Mount points appear even where the image has no such directory.
    for (const m of this.mounts) if (dirname(m.path) === loc.path && m.path !== "/") names.add(m.path.slice(m.path.lastIndexOf("/") + 1));
    return [...names].sort();
  }

  /**
   * The file's bytes: all of them, only up to its first hole (SEEK_HOLE), or `length` of them
   * from `offset` (pread).
   */
  readFile(path: string, cred: Credentials, part: "all" | "data" | { readonly offset: number; readonly length: number } = "all"): Uint8Array {
    const loc = this.locate(path);
    const st = this.stat(path, true);
    if (st.type === "dir") throw new FsError("EISDIR", path);
    checkAccess(cred, st, 4, path);
    const from = (volume: Volume, p: string) => (part === "all" ? volume.readFile(p) : part === "data" ? volume.readData(p) : volume.readAt(p, part.offset, part.length));
    if (loc.kind === "mount") return from(loc.mount.volume, loc.rel);
    if (this.upper.exists(loc.path)) return from(this.upper, loc.path);
    const e = this.lowerEntry(loc.path);
    const data = e?.type === "chardev" ? readWholeDevice(e.rdev, path) : e?.type === "file" ? e.data : undefined;
    if (data === undefined) throw new FsError("ENOENT", path);
    return typeof part === "object" ? data.subarray(part.offset, part.offset + part.length) : data;
  }

  /** Writes `data`: over the whole file, after its end, or at an offset (pwrite). */
  write(path: string, data: Uint8Array | string, at: WritePosition, cred: Credentials, mode: number | undefined): void {
    this.modify(
      path,
      cred,
      mode,
      (volume, p, own) => {
        if (at === "truncate") volume.writeFile(p, data, own);
        else if (at === "append") volume.appendFile(p, data, own);
        else volume.writeAt(p, at.offset, data, own);
      },
      // Opening a device with O_TRUNC does nothing to it; only the bytes reach the driver.
      (rdev) => {
        if (data.length > 0) writeDevice(rdev, path);
      },
    );
  }

  fallocate(path: string, length: number, cred: Credentials): void {
    this.modify(path, cred, undefined, (volume, p, own) => volume.fallocate(p, length, own), () => {
      throw new FsError("ENODEV", path);
    });
  }

  truncate(path: string, length: number, cred: Credentials): void {
    if (!this.exists(path)) throw new FsError("ENOENT", path);
    this.modify(path, cred, undefined, (volume, p) => volume.truncate(p, length), () => {
      throw new FsError("EINVAL", path);
    });
  }

  /** Checks that `cred` may write `path`, then changes it where it lives: a mounted volume or the upper layer. */
  private modify(path: string, cred: Credentials, mode: number | undefined, change: (volume: Volume, path: string, own: Ownership) => void, onDevice: (rdev: DeviceNumber) => void = (rdev) => writeDevice(rdev, path)): void {
    const loc = this.locate(path);
    const exists = this.existsAt(loc);
    if (exists) {
      const st = this.stat(path, true);
      if (st.type === "dir") throw new FsError("EISDIR", path);
      checkAccess(cred, st, 2, path);
      // A device file is the driver behind it: nothing is copied up or stored.
      if (st.rdev !== undefined) return onDevice(st.rdev);
    } else {
      this.checkParentWritable(path, cred);
    }
    const own = { mode: mode ?? 0o644, uid: cred.uid, gid: cred.gid };
    if (loc.kind === "mount") {
      if (loc.mount.readOnly) throw new FsError("EROFS", path);
      try {
        change(loc.mount.volume, loc.rel, own);
      } catch (e) {
        // The volume names its own path; the process asked for the one it sees.
        if (e instanceof FsError && e.path === loc.rel) throw new FsError(e.code, path);
        throw e;
      }
      return;
    }
    this.copyUp(loc.path);
    change(this.upper, loc.path, own);
    this.whiteouts.delete(loc.path);
  }

  fsync(path: string): void {
    const loc = this.locate(path);
    if (loc.kind === "mount") loc.mount.volume.fsync(loc.rel);
    else if (this.upper.exists(loc.path)) this.upper.fsync(loc.path);
  }

  mkdir(path: string, cred: Credentials, recursive: boolean, mode: number): void {
    const loc = this.locate(path);
    if (this.existsAt(loc)) {
      if (recursive && this.stat(path, true).type === "dir") return;
      throw new FsError("EEXIST", path);
    }
    if (recursive && path !== "/" && !this.existsAt(this.locate(dirname(path)))) this.mkdir(dirname(path), cred, true, mode);
    this.checkParentWritable(path, cred);
    const own = { mode, uid: cred.uid, gid: cred.gid };
    if (loc.kind === "mount") {
      if (loc.mount.readOnly) throw new FsError("EROFS", path);
      loc.mount.volume.mkdir(loc.rel, own);
      return;
    }
    this.upperMkdirs(dirname(loc.path));
    this.upper.mkdir(loc.path, own);
    // A directory made where a deleted lower directory was must not show the old entries.
    if (this.whiteouts.has(loc.path)) this.opaque(loc.path);
  }

  unlink(path: string, cred: Credentials): void {
    const loc = this.locate(path, false);
    this.checkParentWritable(path, cred);
    if (loc.kind === "mount") {
      if (loc.mount.readOnly) throw new FsError("EROFS", path);
      loc.mount.volume.unlink(loc.rel);
      return;
    }
    this.ownVersion++;
    const inUpper = this.upper.exists(loc.path);
    const e = this.lowerEntry(loc.path);
    if (!inUpper && e === undefined) throw new FsError("ENOENT", path);
    if (inUpper) this.upper.unlink(loc.path);
    else if (e?.type === "dir") throw new FsError("EISDIR", path);
    if (e !== undefined) this.whiteouts.add(loc.path);
  }

  rmdir(path: string, cred: Credentials, recursive: boolean): void {
    const loc = this.locate(path, false);
    this.checkParentWritable(path, cred);
    if (loc.kind === "mount") {
      if (loc.mount.readOnly) throw new FsError("EROFS", path);
      loc.mount.volume.rmdir(loc.rel, { recursive });
      return;
    }
    this.ownVersion++;
    const names = this.readdir(path);
    if (names.length > 0 && !recursive) throw new FsError("ENOTEMPTY", path);
    if (this.upper.exists(loc.path)) this.upper.rmdir(loc.path, { recursive: true });
    if (this.lowerEntry(loc.path) !== undefined) this.whiteouts.add(loc.path);
  }

  rename(from: string, to: string, cred: Credentials): void {
    const a = this.locate(from, false);
    const b = this.locate(to, false);
    this.checkParentWritable(from, cred);
    this.checkParentWritable(to, cred);
    if (a.kind === "mount" && b.kind === "mount" && a.mount.volume === b.mount.volume) {
      if (a.mount.readOnly) throw new FsError("EROFS", from);
      a.mount.volume.rename(a.rel, b.rel);
      return;
    }
    if (a.kind !== "overlay" || b.kind !== "overlay") throw new FsError("EXDEV", to);
    this.ownVersion++;
    const st = this.stat(from, false);
    if (st.type === "dir" && !this.upper.exists(a.path)) throw new FsError("EXDEV", from);
    this.copyUp(a.path);
    this.upperMkdirs(dirname(b.path));
    this.upper.rename(a.path, b.path);
    this.whiteouts.delete(b.path);
    if (this.lowerEntry(a.path) !== undefined) this.whiteouts.add(a.path);
  }

  chmod(path: string, mode: number, cred: Credentials): void {
    const st = this.stat(path, true);
    // chmod(2) and chown(2) by someone other than the owner: EPERM, not EACCES.
    if (cred.uid !== 0 && cred.uid !== st.uid) throw new FsError("EPERM", path);
    const loc = this.locate(path);
    if (loc.kind === "mount") return loc.mount.volume.chmod(loc.rel, mode);
    this.copyUp(loc.path);
    this.upper.chmod(loc.path, mode);
  }

  chown(path: string, uid: number, gid: number, cred: Credentials): void {
    if (cred.uid !== 0) throw new FsError("EPERM", path);
    const loc = this.locate(path);
    if (loc.kind === "mount") return loc.mount.volume.chown(loc.rel, uid, gid);
    this.copyUp(loc.path);
    this.upper.chown(loc.path, uid, gid);
  }

  private existsAt(loc: Located): boolean {
    return loc.kind === "mount" ? loc.mount.volume.exists(loc.rel) : this.existsOverlay(loc.path);
  }

  private checkParentWritable(path: string, cred: Credentials): void {
    const parent = dirname(path);
    let st: FileStat;
    try {
      st = this.stat(parent, true);
    } catch (e) {
      if (e instanceof FsError) throw new FsError(e.code, path);
      throw e;
    }
    if (st.type !== "dir") throw new FsError("ENOTDIR", path);
    checkAccess(cred, st, 2, path);
  }

  /** Copies a lower file or directory (and its parents) into the upper layer before changing it. */
  private copyUp(path: string): void {
    if (this.upper.exists(path)) return;
    const e = this.lowerEntry(path);
    this.upperMkdirs(dirname(path));
    if (e === undefined) return;
    if (e.type === "file") {
      this.upper.writeFile(path, e.data, { mode: e.mode, uid: e.uid, gid: e.gid });
      this.upper.fsync(path);
    } else if (e.type === "dir") {
      this.upper.mkdir(path, { mode: e.mode, uid: e.uid, gid: e.gid });
    }
  }

  /** Creates `path` and its ancestors in the upper layer with the lower layer's ownership. */
  private upperMkdirs(path: string): void {
    if (path === "/" || this.upper.exists(path)) return;
    this.upperMkdirs(dirname(path));
    const e = this.lowerEntry(path);
    const own = e?.type === "dir" ? { mode: e.mode, uid: e.uid, gid: e.gid } : { mode: 0o755, uid: 0, gid: 0 };
    this.upper.mkdir(path, own);
  }

  /** Hides every lower entry below `path` (an opaque directory). */
  private opaque(path: string): void {
    for (const n of this.lower.children(path) ?? []) this.whiteouts.add(`${path}/${n}`);
    this.whiteouts.delete(path);
  }
}

function joinRel(subPath: string, tail: string): string {
  const s = subPath === "" ? "" : "/" + subPath.replace(/^\/+|\/+$/g, "");
  return (s + tail) || "/";
}

class LayeredView implements FileSystem {
  constructor(
    private readonly fs: LayeredFs,
    readonly cred: Credentials,
  ) {}
  stat(path: string): FileStat {
    return this.fs.stat(path, true);
  }
  lstat(path: string): FileStat {
    return this.fs.stat(path, false);
  }
  readlink(path: string): string {
    return this.fs.readlink(path);
  }
  exists(path: string): boolean {
    try {
      return this.fs.exists(path);
    } catch (e) {
      if (e instanceof FsError) return false;
      throw e;
    }
  }
  readdir(path: string): string[] {
    return this.fs.readdir(path);
  }
  readFile(path: string): Uint8Array {
    return this.fs.readFile(path, this.cred);
  }
  readText(path: string): string {
    return decodeText(this.fs.readFile(path, this.cred));
  }
  readData(path: string): Uint8Array {
    return this.fs.readFile(path, this.cred, "data");
  }
  readAt(path: string, offset: number, length: number): Uint8Array {
    return this.fs.readFile(path, this.cred, { offset, length });
  }
  writeFile(path: string, data: Uint8Array | string, options: { mode?: number } = {}): void {
    this.fs.write(path, data, "truncate", this.cred, options.mode);
  }
  appendFile(path: string, data: Uint8Array | string, options: { mode?: number } = {}): void {
    this.fs.write(path, data, "append", this.cred, options.mode);
  }
  writeAt(path: string, offset: number, data: Uint8Array | string): void {
    this.fs.write(path, data, { offset }, this.cred, undefined);
  }
  fallocate(path: string, length: number): void {
    this.fs.fallocate(path, length, this.cred);
  }
  truncate(path: string, length: number): void {
    this.fs.truncate(path, length, this.cred);
  }
  fsync(path: string): void {
    this.fs.fsync(path);
  }
  mkdir(path: string, options: { recursive?: boolean; mode?: number } = {}): void {
    this.fs.mkdir(path, this.cred, options.recursive ?? false, options.mode ?? 0o755);
  }
  rmdir(path: string, options: { recursive?: boolean } = {}): void {
    this.fs.rmdir(path, this.cred, options.recursive ?? false);
  }
  unlink(path: string): void {
    this.fs.unlink(path, this.cred);
  }
  rename(from: string, to: string): void {
    this.fs.rename(from, to, this.cred);
  }
  chmod(path: string, mode: number): void {
    this.fs.chmod(path, mode, this.cred);
  }
  chown(path: string, uid: number, gid: number): void {
    this.fs.chown(path, uid, gid, this.cred);
  }
  memoLookup(key: string, compute: () => string | undefined): string | undefined {
    return this.fs.memoLookup(key, compute);
  }
  mountTable(): readonly MountEntry[] {
    return this.fs.mountTable();
  }
}
