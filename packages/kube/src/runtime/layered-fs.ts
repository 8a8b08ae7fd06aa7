import { decodeText, encodeText, FsError, type InodeLayout, type Ownership, type Sim, Volume } from "@ksim/sim";
import { checkAccess, DEFAULT_UMASK, dirname, permits, type Credentials, type Device, type FileStat, type FileSystem, type MountEntry, type WritePosition } from "./fs.js";
import { readWholeDevice, writeDevice } from "./dev.js";
import type { DeviceNumber, LowerEntry, LowerLayer } from "./image.js";
import type { ProcFs, ProcResolution } from "./procfs.js";

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

/** What the runtime mounts besides the pod's volumes: the root and the pseudo filesystems. */
export interface RuntimeMounts {
  readonly root: MountEntry;
  /** From the runtime's default spec, before any of the container's (/proc, /dev, /sys…). */
  readonly defaults: readonly MountEntry[];
  /** Added by the CRI after the kubelet's mounts, and ordered with them (/dev/shm). */
  readonly extra: readonly MountEntry[];
  /** runc's read-only and masked paths (/proc/sys, /proc/acpi…), mounted last. */
  readonly masked: readonly MountEntry[];
}

/** A volume mount's options: its flags, and a tmpfs's size as the kubelet sets it. */
function volumeOptions(m: Mount, device: Device): string {
  const flags = `${m.readOnly ? "ro" : "rw"},relatime`;
  return device.type === "tmpfs" ? `${flags},size=${Math.floor(device.usage().sizeBytes / 1024)}k` : flags;
}

/** Path components, by which the runtime orders mounts so parents come before children. */
function depth(path: string): number {
  return path.split("/").filter((c) => c !== "").length;
}

const MAX_SYMLINKS = 40;

/**
 * The upper layer's numbering: its files are new inodes on the node's disk, numbered past the
 * images unpacked there before them (image.ts starts those at 1,048,577). A number is not given
 * again, so a copied-up file's origin never passes to a later file.
 */
const UPPER_INODES: InodeLayout = { root: 2, first: 3_145_729, reserved: 11, count: Number.POSITIVE_INFINITY, reuse: false };

type Located =
  | { readonly kind: "mount"; readonly mount: Mount; readonly rel: string }
  | { readonly kind: "overlay"; readonly path: string }
  | { readonly kind: "proc"; readonly rel: string };

/** A view without a process (the kubelet's own file access): /proc has no `self` for it. */
const NO_PID = 0;

/**
 * A container's root filesystem the way overlayfs builds it: the image as a shared read-only
 * lower layer, a private writable upper layer (copy-up on write, whiteouts for deletions), and
 * volumes mounted over directories. A restarted container gets a new upper layer, so its own
 * changes vanish while its volumes keep theirs.
 */
export class LayeredFs {
  private readonly upper: Volume;
  private readonly whiteouts = new Set<string>();
  /**
   * Copied-up files by upper inode, with the number of the lower file they came from: with every
   * layer on one filesystem, overlayfs shows that number (the origin xattr), under every hard link.
   */
  private readonly origins = new Map<number, number>();
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
  private locatedVersion = -1;
  private memoVersion = -1;
  /** Set when locate answers with a mounted volume: the answer being memoized depends on it. */
  private sawMount = false;
  private lastView: LayeredView | undefined;

  constructor(
    sim: Sim,
    private readonly lower: LowerLayer,
    id: string,
    /** What the runtime mounted, made when first asked for: only df, mount and /proc look. */
    private readonly runtimeMounts?: () => RuntimeMounts,
    /** The proc filesystem the runtime mounts at /proc, for a container's processes. */
    private readonly proc?: ProcFs,
  ) {
    this.upper = new Volume(sim, `${id}-upper`, Number.POSITIVE_INFINITY, {}, UPPER_INODES);
    const root = lower.lookup("/");
    if (root !== undefined && root.type === "dir") {
      this.upper.chmod("/", root.mode);
      this.origins.set(this.upper.stat("/").ino, root.ino);
    }
  }

  /**
   * Which names exist, and with what permissions, has not changed in the overlay (and where
   * volumes are mounted) while this is the same: the layer's own changes plus the upper layer's.
   */
  private overlayVersion(): number {
    return this.ownVersion + this.upper.namespaceVersion;
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
      this.overlayMemoVersion = overlay;
    }
    // Where a path leads depends on the overlay's names and on the links in mounted volumes;
    // other lookups on every name. One pass over the mounts counts both.
    let all = overlay;
    let linked = overlay;
    for (const m of this.mounts) {
      const v = m.volume.namespaceVersion;
      all += v;
      if (m.volume.hasSymlinks) linked += v;
    }
    if (linked !== this.locatedVersion) {
      this.located[0].clear();
      this.located[1].clear();
      this.locatedVersion = linked;
    }
    if (this.mounts.length === 0 || all === this.memoVersion) return;
    this.memo.clear();
    this.memoVersion = all;
  }


  /** Bytes the container wrote to its own layer (they live on the node's disk). */
  get upperBytes(): number {
    return this.upper.bytesUsed;
  }

  /** Inodes the upper layer's files take on the node's disk. */
  get upperInodes(): number {
    return this.upper.fileInodes;
  }

  /** Mounts a volume at `path` (creating the mount point in the image view as the runtime does). */
  mount(given: Mount): void {
    // runc resolves the destination inside the root first (securejoin): a mount at
    // /var/run/secrets/… lands on /run/secrets/… where /var/run is a link to /run.
    const loc = this.locate(given.path);
    const m = loc.kind === "overlay" && loc.path !== given.path ? { ...given, path: loc.path } : given;
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
    if (this.runtimeMounts === undefined) return [];
    const rt = this.runtimeMounts();
    const mounts = [
      ...this.mountOrder.flatMap((m) => (m.device === undefined ? [] : [{ device: m.device, root: m.deviceRoot ?? "/", target: m.path, options: volumeOptions(m, m.device) }])),
      ...rt.extra,
    ].sort((a, b) => depth(a.target) - depth(b.target));
    return [rt.root, ...rt.defaults, ...mounts, ...rt.masked];
  }

  /**
   * A view with the given credentials, for the process `pid` when given. Without a /proc it holds
   * nothing else, so a container's processes share one; with one, /proc/self is the process's own.
   * What it creates loses the umask's bits (a process that changed its umask has its own view).
   */
  view(cred: Credentials, pid = NO_PID, umask = DEFAULT_UMASK, fileSizeLimit = Infinity): FileSystem {
    if ((this.proc !== undefined && pid !== NO_PID) || umask !== DEFAULT_UMASK || fileSizeLimit !== Infinity) return new LayeredView(this, cred, pid, umask, fileSizeLimit);
    if (this.lastView?.cred !== cred) this.lastView = new LayeredView(this, cred, NO_PID, DEFAULT_UMASK);
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
      const link = this.linkAt(prefix);
      if (link === undefined) continue;
      if (++hops > MAX_SYMLINKS) throw new FsError("ELOOP", path);
      const target = link.startsWith("/") ? link : `${dirname(prefix)}/${link}`;
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
    if (this.proc !== undefined && (full === "/proc" || full.startsWith("/proc/"))) return { kind: "proc", rel: full.slice("/proc".length) };
    const m = this.mountFor(full);
    if (m !== undefined) {
      const tail = full.slice(m.path.length);
      return { kind: "mount", mount: m, rel: joinRel(m.subPath, tail) };
    }
    return { kind: "overlay", path: full };
  }

  /**
   * The target of the symlink named `path` (its parents resolved already), wherever it lives: in a
   * mounted volume, the upper layer, or the image. Most volumes and upper layers never get a
   * link, and few names in an image are one, so those are asked last and only when they can be.
   */
  private linkAt(path: string): string | undefined {
    const m = this.mountFor(path);
    return this.linkOf(m !== undefined ? { kind: "mount", mount: m, rel: joinRel(m.subPath, path.slice(m.path.length)) } : { kind: "overlay", path });
  }

  /** The target of the symlink at a name located without following it, or undefined if it is none. */
  private linkOf(loc: Located): string | undefined {
    if (loc.kind === "proc") return undefined;
    if (loc.kind === "mount") return loc.mount.volume.hasSymlinks ? loc.mount.volume.linkTarget(loc.rel) : undefined;
    if (this.upper.hasSymlinks) {
      const own = this.upper.linkTarget(loc.path);
      if (own !== undefined) return own;
    }
    const e = this.lower.lookup(loc.path);
    if (e?.type !== "symlink" || this.hidden(loc.path) || this.upper.exists(loc.path)) return undefined;
    return e.target;
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

  stat(path: string, followLast: boolean, pid = NO_PID): FileStat {
    const loc = this.locate(path, followLast);
    if (loc.kind === "proc") {
      const r = this.procEntry(loc.rel, pid, followLast);
      return "escape" in r ? this.stat(r.escape, followLast, pid) : this.proc!.stat(r.node, r.path);
    }
    if (loc.kind === "mount") {
      const st = loc.mount.volume.stat(loc.rel);
      return st;
    }
    if (this.upper.exists(loc.path)) {
      const st = this.upper.stat(loc.path);
      const origin = this.origins.get(st.ino);
      return origin === undefined ? st : { ...st, ino: origin };
    }
    const e = this.lowerEntry(loc.path);
    if (e === undefined) throw new FsError("ENOENT", path);
    // A layer's files carry the times its archive gave them; when the node unpacked it is not kept.
    const { ino, mtimeMs: t } = e;
    if (e.type === "symlink") {
      return { type: "symlink", mode: 0o777, uid: 0, gid: 0, size: e.target.length, nlink: 1, ino, mtimeMs: t, atimeMs: t, ctimeMs: t, btimeMs: t };
    }
    if (e.type === "dir") {
      // A directory given its own size is a pseudo filesystem's: it takes no blocks.
      if (e.size !== undefined) return { type: "dir", mode: e.mode, uid: e.uid, gid: e.gid, size: e.size, allocated: 0, nlink: 2, ino, mtimeMs: t, atimeMs: t, ctimeMs: t, btimeMs: t };
      return { type: "dir", mode: e.mode, uid: e.uid, gid: e.gid, size: 4096, nlink: 2, ino, mtimeMs: t, atimeMs: t, ctimeMs: t, btimeMs: t };
    }
    if (e.type === "chardev") {
      return { type: "chardev", rdev: e.rdev, mode: e.mode, uid: e.uid, gid: e.gid, size: 0, allocated: 0, nlink: 1, ino, mtimeMs: t, atimeMs: t, ctimeMs: t, btimeMs: t };
    }
    return { type: "file", mode: e.mode, uid: e.uid, gid: e.gid, size: e.data.length, nlink: 1, ino, mtimeMs: t, atimeMs: t, ctimeMs: t, btimeMs: t };
  }

  /** stat without the exception for a missing path (PATH lookups miss a lot). */
  exists(path: string, pid = NO_PID): boolean {
    const loc = this.locate(path, true);
    if (loc.kind === "proc") return this.existsAt(loc, pid);
    if (loc.kind === "mount") return loc.mount.volume.exists(loc.rel);
    return this.upper.exists(loc.path) || this.lowerEntry(loc.path) !== undefined;
  }

  readlink(path: string, pid = NO_PID): string {
    const loc = this.locate(path, false);
    if (loc.kind === "proc") {
      const r = this.procEntry(loc.rel, pid, false);
      if ("escape" in r) return this.readlink(r.escape, pid);
      if (r.node.kind !== "link") throw new FsError("EINVAL", path);
      return r.node.target;
    }
    const target = this.linkOf(loc);
    if (target !== undefined) return target;
    // Not a link: EINVAL if the name exists at all (stat names a missing one).
    this.stat(path, false, pid);
    throw new FsError("EINVAL", path);
  }

  readdir(path: string, pid = NO_PID): string[] {
    const loc = this.locate(path);
    if (loc.kind === "proc") {
      const r = this.procEntry(loc.rel, pid, true);
      if ("escape" in r) return this.readdir(r.escape, pid);
      if (r.node.kind !== "dir") throw new FsError("ENOTDIR", path);
      return [...r.node.names()].sort();
    }
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
  readFile(path: string, cred: Credentials, part: "all" | "data" | { readonly offset: number; readonly length: number } = "all", pid = NO_PID): Uint8Array {
    const loc = this.locate(path);
    if (loc.kind === "proc") {
      const r = this.procEntry(loc.rel, pid, true);
      if ("escape" in r) return this.readFile(r.escape, cred, part, pid);
      const data = this.proc!.read(r.node, cred, path);
      return typeof part === "object" ? data.subarray(part.offset, part.offset + part.length) : data;
    }
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
  write(path: string, data: Uint8Array | string, at: WritePosition, cred: Credentials, mode: number | undefined, pid = NO_PID): void {
    this.modify(
      path,
      cred,
      pid,
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
      // Nor does it to a proc file; the bytes find no write method there.
      () => {
        if (data.length > 0) throw new FsError("EIO", path);
      },
    );
  }

  fallocate(path: string, length: number, cred: Credentials, pid = NO_PID): void {
    this.modify(
      path,
      cred,
      pid,
      undefined,
      (volume, p, own) => volume.fallocate(p, length, own),
      () => {
        throw new FsError("ENODEV", path);
      },
      () => {
        throw new FsError("EOPNOTSUPP", path);
      },
    );
  }

  truncate(path: string, length: number, cred: Credentials, pid = NO_PID): void {
    if (!this.exists(path, pid)) throw new FsError("ENOENT", path);
    this.modify(
      path,
      cred,
      pid,
      undefined,
      (volume, p) => volume.truncate(p, length),
      () => {
        throw new FsError("EINVAL", path);
      },
      // procfs takes the new size and keeps generating what it always does.
      () => {},
    );
  }

  /**
   * Checks that `cred` may write `path`, then changes it where it lives: a mounted volume or the
   * upper layer. A device file's driver, or a proc file, gets the write instead.
   */
  private modify(
    path: string,
    cred: Credentials,
    pid: number,
    mode: number | undefined,
    change: (volume: Volume, path: string, own: Ownership) => void,
    onDevice: (rdev: DeviceNumber) => void,
    onProcFile: () => void,
  ): void {
    const loc = this.locate(path);
    if (loc.kind === "proc") {
      const r = this.procEntryOrNone(loc.rel, pid, true);
      if (r !== undefined && "escape" in r) return this.modify(r.escape, cred, pid, mode, change, onDevice, onProcFile);
      // procfs makes no files: creating one is refused as a directory without a create method refuses it.
      if (r === undefined) throw new FsError("EACCES", path);
      if (r.node.kind === "dir") throw new FsError("EISDIR", path);
      checkAccess(cred, this.proc!.stat(r.node, r.path), 2, path);
      return onProcFile();
    }
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
    if (loc.kind === "proc") return;
    if (loc.kind === "mount") loc.mount.volume.fsync(loc.rel);
    else if (this.upper.exists(loc.path)) this.upper.fsync(loc.path);
  }

  mkdir(path: string, cred: Credentials, recursive: boolean, mode: number, pid = NO_PID): void {
    const loc = this.locate(path);
    if (loc.kind === "proc") {
      const r = this.procEntryOrNone(loc.rel, pid, true);
      if (r !== undefined && "escape" in r) return this.mkdir(r.escape, cred, recursive, mode, pid);
      if (r === undefined) return this.refuseProcChange(path, cred);
      if (recursive && r.node.kind === "dir") return;
      throw new FsError("EEXIST", path);
    }
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

  unlink(path: string, cred: Credentials, pid = NO_PID): void {
    const loc = this.locate(path, false);
    if (loc.kind === "proc") {
      const out = this.leavesProc(loc.rel, pid);
      return out === undefined ? this.refuseProcChange(path, cred) : this.unlink(out, cred, pid);
    }
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

  rmdir(path: string, cred: Credentials, recursive: boolean, pid = NO_PID): void {
    const loc = this.locate(path, false);
    if (loc.kind === "proc") {
      const out = this.leavesProc(loc.rel, pid);
      return out === undefined ? this.refuseProcChange(path, cred) : this.rmdir(out, cred, recursive, pid);
    }
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

  rename(from: string, to: string, cred: Credentials, pid = NO_PID): void {
    const a = this.locate(from, false);
    const b = this.locate(to, false);
    if (a.kind === "proc" || b.kind === "proc") {
      const outA = a.kind === "proc" ? this.leavesProc(a.rel, pid) : from;
      const outB = b.kind === "proc" ? this.leavesProc(b.rel, pid) : to;
      if (outA !== undefined && outB !== undefined) return this.rename(outA, outB, cred, pid);
      if (outA === undefined && outB === undefined) return this.refuseProcChange(from, cred);
      throw new FsError("EXDEV", to);
    }
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

  /** symlink(2): `path` becomes a link to `target`, which is stored as given. */
  symlink(target: string, path: string, cred: Credentials, pid = NO_PID): void {
    const loc = this.locate(path, false);
    if (loc.kind === "proc") {
      const out = this.leavesProc(loc.rel, pid);
      return out === undefined ? this.refuseProcChange(path, cred) : this.symlink(target, out, cred, pid);
    }
    if (this.existsAt(loc)) throw new FsError("EEXIST", path);
    this.checkParentWritable(path, cred);
    const own = { uid: cred.uid, gid: cred.gid };
    if (loc.kind === "mount") {
      if (loc.mount.readOnly) throw new FsError("EROFS", path);
      return loc.mount.volume.symlink(target, loc.rel, own);
    }
    this.upperMkdirs(dirname(loc.path));
    this.upper.symlink(target, loc.path, own);
    this.whiteouts.delete(loc.path);
  }

  /**
   * link(2): another name for a file, on the same filesystem (EXDEV across mounts). The old
   * name is not followed if it is a link. With fs.protected_hardlinks, only a file's owner, or
   * someone who may read and write it, may link to it.
   */
  link(existing: string, path: string, cred: Credentials, pid = NO_PID): void {
    const a = this.locate(existing, false);
    const b = this.locate(path, false);
    if (a.kind === "proc" || b.kind === "proc") throw new FsError(a.kind === b.kind ? "EPERM" : "EXDEV", path);
    const st = this.stat(existing, false, pid);
    if (st.type === "dir") throw new FsError("EPERM", existing);
    if (this.existsAt(b)) throw new FsError("EEXIST", path);
    this.checkParentWritable(path, cred);
    if (cred.uid !== 0 && cred.uid !== st.uid && !(permits(cred, st, 4) && permits(cred, st, 2))) throw new FsError("EPERM", existing);
    if (a.kind === "mount" && b.kind === "mount" && a.mount.volume === b.mount.volume) {
      if (b.mount.readOnly) throw new FsError("EROFS", path);
      return a.mount.volume.link(a.rel, b.rel);
    }
    if (a.kind !== "overlay" || b.kind !== "overlay") throw new FsError("EXDEV", path);
    this.copyUp(a.path);
    this.upperMkdirs(dirname(b.path));
    this.upper.link(a.path, b.path);
    this.whiteouts.delete(b.path);
  }

  chmod(path: string, mode: number, cred: Credentials, pid = NO_PID): void {
    const st = this.stat(path, true, pid);
    // chmod(2) and chown(2) by someone other than the owner: EPERM, not EACCES.
    if (cred.uid !== 0 && cred.uid !== st.uid) throw new FsError("EPERM", path);
    const loc = this.locate(path);
    if (loc.kind === "proc") {
      const r = this.procEntry(loc.rel, pid, true);
      // A process's proc entries refuse a new mode (proc_setattr).
      if (!("escape" in r)) throw new FsError("EPERM", path);
      return this.chmod(r.escape, mode, cred, pid);
    }
    if (loc.kind === "mount") return loc.mount.volume.chmod(loc.rel, mode);
    this.copyUp(loc.path);
    this.upper.chmod(loc.path, mode);
  }

  /**
   * utimensat(2), following a last link: times given as such need the owner (or root); setting
   * both to now needs only write permission. Undefined leaves that time as it is.
   */
  utimes(path: string, atimeMs: number | undefined, mtimeMs: number | undefined, explicit: boolean, cred: Credentials, pid = NO_PID): void {
    const st = this.stat(path, true, pid);
    if (cred.uid !== 0 && cred.uid !== st.uid) {
      if (explicit) throw new FsError("EPERM", path);
      checkAccess(cred, st, 2, path);
    }
    const loc = this.locate(path);
    if (loc.kind === "proc") {
      const r = this.procEntry(loc.rel, pid, true);
      // proc takes the times and forgets them: its entries show when they were made.
      if ("escape" in r) this.utimes(r.escape, atimeMs, mtimeMs, explicit, cred, pid);
      return;
    }
    if (loc.kind === "mount") {
      if (loc.mount.readOnly) throw new FsError("EROFS", path);
      return loc.mount.volume.utimes(loc.rel, atimeMs, mtimeMs);
    }
    if (st.rdev !== undefined) return;
    this.copyUp(loc.path);
    this.upper.utimes(loc.path, atimeMs, mtimeMs);
  }

  chown(path: string, uid: number, gid: number, cred: Credentials, pid = NO_PID): void {
    if (cred.uid !== 0) throw new FsError("EPERM", path);
    const loc = this.locate(path);
    if (loc.kind === "proc") {
      const r = this.procEntry(loc.rel, pid, true);
      if (!("escape" in r)) throw new FsError("EPERM", path);
      return this.chown(r.escape, uid, gid, cred, pid);
    }
    if (loc.kind === "mount") return loc.mount.volume.chown(loc.rel, uid, gid);
    this.copyUp(loc.path);
    this.upper.chown(loc.path, uid, gid);
  }

  private existsAt(loc: Located, pid = NO_PID): boolean {
    if (loc.kind === "proc") {
      const r = this.procEntryOrNone(loc.rel, pid, true);
      return r !== undefined && ("node" in r || this.exists(r.escape, pid));
    }
    return loc.kind === "mount" ? loc.mount.volume.exists(loc.rel) : this.existsOverlay(loc.path);
  }

  private procEntry(rel: string, pid: number, followLast: boolean): ProcResolution {
    try {
      return this.proc!.resolve(rel, pid, followLast);
    } catch (e) {
      // The kernel names the path the process asked for.
      if (e instanceof FsError) throw new FsError(e.code, `/proc${rel}`);
      throw e;
    }
  }

  private procEntryOrNone(rel: string, pid: number, followLast: boolean): ProcResolution | undefined {
    try {
      return this.proc!.resolve(rel, pid, followLast);
    } catch (e) {
      if (e instanceof FsError && e.code === "ENOENT") return undefined;
      throw e;
    }
  }

  /** The path outside /proc that a /proc path's last component is in, when a link leads out (`/proc/self/cwd/x`). */
  private leavesProc(rel: string, pid: number): string | undefined {
    const r = this.procEntryOrNone(rel, pid, false);
    return r !== undefined && "escape" in r ? r.escape : undefined;
  }

  /**
   * Making, removing or renaming names in /proc: root gets past the directory's permissions to
   * find procfs has no such operation (EPERM); anyone else is stopped by its r-x mode.
   */
  private refuseProcChange(path: string, cred: Credentials): never {
    throw new FsError(cred.uid === 0 ? "EPERM" : "EACCES", path);
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
    } else if (e.type === "symlink") {
      this.upper.symlink(e.target, path);
    } else {
      return;
    }
    this.origins.set(this.upper.stat(path).ino, e.ino);
  }

  /** Creates `path` and its ancestors in the upper layer with the lower layer's ownership. */
  private upperMkdirs(path: string): void {
    if (path === "/" || this.upper.exists(path)) return;
    this.upperMkdirs(dirname(path));
    const e = this.lowerEntry(path);
    const own = e?.type === "dir" ? { mode: e.mode, uid: e.uid, gid: e.gid } : { mode: 0o755, uid: 0, gid: 0 };
    this.upper.mkdir(path, own);
    if (e?.type === "dir") this.origins.set(this.upper.stat(path).ino, e.ino);
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

/** The filesystem as one process sees it: its credentials, its /proc/self, its umask. */
class LayeredView implements FileSystem {
  constructor(
    private readonly fs: LayeredFs,
    readonly cred: Credentials,
    private readonly pid: number,
    private readonly umask: number,
    /** RLIMIT_FSIZE in bytes. */
    private readonly fileSizeLimit = Infinity,
  ) {}
  stat(path: string): FileStat {
    return this.fs.stat(path, true, this.pid);
  }
  lstat(path: string): FileStat {
    return this.fs.stat(path, false, this.pid);
  }
  readlink(path: string): string {
    return this.fs.readlink(path, this.pid);
  }
  exists(path: string): boolean {
    try {
      return this.fs.exists(path, this.pid);
    } catch (e) {
      if (e instanceof FsError) return false;
      throw e;
    }
  }
  readdir(path: string): string[] {
    return this.fs.readdir(path, this.pid);
  }
  readFile(path: string): Uint8Array {
    return this.fs.readFile(path, this.cred, "all", this.pid);
  }
  readText(path: string): string {
    return decodeText(this.fs.readFile(path, this.cred, "all", this.pid));
  }
  readData(path: string): Uint8Array {
    return this.fs.readFile(path, this.cred, "data", this.pid);
  }
  readAt(path: string, offset: number, length: number): Uint8Array {
    return this.fs.readFile(path, this.cred, { offset, length }, this.pid);
  }
  writeFile(path: string, data: Uint8Array | string, options: { mode?: number } = {}): void {
    const mode = (options.mode ?? 0o666) & ~this.umask;
    if (this.fileSizeLimit === Infinity) return this.fs.write(path, data, "truncate", this.cred, mode, this.pid);
    this.withinLimit(path, 0, data, (fits) => this.fs.write(path, fits, "truncate", this.cred, mode, this.pid));
  }
  appendFile(path: string, data: Uint8Array | string, options: { mode?: number } = {}): void {
    const mode = (options.mode ?? 0o666) & ~this.umask;
    if (this.fileSizeLimit === Infinity) return this.fs.write(path, data, "append", this.cred, mode, this.pid);
    const size = this.exists(path) ? this.stat(path).size : 0;
    this.withinLimit(path, size, data, (fits) => this.fs.write(path, fits, "append", this.cred, mode, this.pid));
  }
  writeAt(path: string, offset: number, data: Uint8Array | string): void {
    if (this.fileSizeLimit === Infinity) return this.fs.write(path, data, { offset }, this.cred, 0o666 & ~this.umask, this.pid);
    this.withinLimit(path, offset, data, (fits) => this.fs.write(path, fits, { offset }, this.cred, 0o666 & ~this.umask, this.pid));
  }
  fallocate(path: string, length: number): void {
    if (length > this.fileSizeLimit && this.isRegular(path)) throw new FsError("EFBIG", path);
    this.fs.fallocate(path, length, this.cred, this.pid);
  }
  truncate(path: string, length: number): void {
    if (length > this.fileSizeLimit && this.isRegular(path)) throw new FsError("EFBIG", path);
    this.fs.truncate(path, length, this.cred, this.pid);
  }

  /**
   * RLIMIT_FSIZE (generic_write_check_limits): a write to a regular file that would end past the
   * limit writes what lies below it and fails with EFBIG, which then ends a write starting there.
   */
  private withinLimit(path: string, from: number, data: Uint8Array | string, write: (fits: Uint8Array | string) => void): void {
    const bytes = typeof data === "string" ? encodeText(data) : data;
    if (from + bytes.length <= this.fileSizeLimit || !this.isRegular(path)) return write(data);
    if (from >= this.fileSizeLimit) throw new FsError("EFBIG", path);
    write(bytes.subarray(0, this.fileSizeLimit - from));
    throw new FsError("EFBIG", path);
  }

  /** A regular file, or a name that would be made one (devices and /proc files know no file size limit). */
  private isRegular(path: string): boolean {
    return !this.exists(path) || this.stat(path).type === "file";
  }
  fsync(path: string): void {
    this.fs.fsync(path);
  }
  mkdir(path: string, options: { recursive?: boolean; mode?: number } = {}): void {
    this.fs.mkdir(path, this.cred, options.recursive ?? false, (options.mode ?? 0o777) & ~this.umask, this.pid);
  }
  rmdir(path: string, options: { recursive?: boolean } = {}): void {
    this.fs.rmdir(path, this.cred, options.recursive ?? false, this.pid);
  }
  unlink(path: string): void {
    this.fs.unlink(path, this.cred, this.pid);
  }
  rename(from: string, to: string): void {
    this.fs.rename(from, to, this.cred, this.pid);
  }
  chmod(path: string, mode: number): void {
    this.fs.chmod(path, mode, this.cred, this.pid);
  }
  utimes(path: string, atimeMs: number | undefined, mtimeMs: number | undefined, explicit: boolean): void {
    this.fs.utimes(path, atimeMs, mtimeMs, explicit, this.cred, this.pid);
  }
  symlink(target: string, path: string): void {
    this.fs.symlink(target, path, this.cred, this.pid);
  }
  link(existing: string, path: string): void {
    this.fs.link(existing, path, this.cred, this.pid);
  }
  chown(path: string, uid: number, gid: number): void {
    this.fs.chown(path, uid, gid, this.cred, this.pid);
  }
  memoLookup(key: string, compute: () => string | undefined): string | undefined {
    return this.fs.memoLookup(key, compute);
  }
  mountTable(): readonly MountEntry[] {
    return this.fs.mountTable();
  }
}
