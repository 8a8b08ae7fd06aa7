import type { Sim } from "./kernel.js";
import type { Random } from "./random.js";
import { decodeText, encodeText } from "./text-bytes.js";

/**
 * Simulated disks. A Volume is a small POSIX-like filesystem: directories and files with mode
 * bits, owner and group. File data becomes durable when the file is fsynced, or when the
 * kernel's flusher writes it back (data dirty for 30 s, checked every 5 s); a crash reverts
 * every file to its last durable contents (optionally keeping a torn prefix of the last
 * unsynced write), which is how a database that acknowledges before fsync loses data.
 * Directory operations (create, rename, unlink) are durable at once, as on a journaling
 * filesystem that commits metadata promptly.
 *
 * A volume can be attached to one host at a time: that is what a ReadWriteOnce
 * PersistentVolume is.
 */

export type FsErrorCode =
  | "ENOENT"
  | "EEXIST"
  | "ENOTDIR"
  | "EISDIR"
  | "ENOTEMPTY"
  | "ENOSPC"
  | "EINVAL"
  | "EACCES"
  | "EPERM"
  | "EROFS"
  | "EXDEV"
  | "ELOOP"
  | "ENXIO"
  | "ENOMEM"
  | "ENODEV"
  | "EPIPE"
  | "EIO"
  | "EFBIG"
  | "EOPNOTSUPP";

const MESSAGES: Record<FsErrorCode, string> = {
  ENOENT: "No such file or directory",
  EEXIST: "File exists",
  ENOTDIR: "Not a directory",
  EISDIR: "Is a directory",
  ENOTEMPTY: "Directory not empty",
  ENOSPC: "No space left on device",
  EINVAL: "Invalid argument",
  EACCES: "Permission denied",
  EPERM: "Operation not permitted",
  EROFS: "Read-only file system",
  EXDEV: "Invalid cross-device link",
  ELOOP: "Too many levels of symbolic links",
  ENXIO: "No such device or address",
  ENOMEM: "Cannot allocate memory",
  ENODEV: "No such device",
  EPIPE: "Broken pipe",
  EIO: "Input/output error",
  EFBIG: "File too large",
  EOPNOTSUPP: "Operation not supported",
};

/** Linux's errno numbers (asm-generic/errno-base.h, errno.h). */
const NUMBERS: Record<FsErrorCode, number> = {
  EPERM: 1,
  ENOENT: 2,
  EACCES: 13,
  EEXIST: 17,
  EXDEV: 18,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  ENOSPC: 28,
  EROFS: 30,
  ENOTEMPTY: 39,
  ELOOP: 40,
  ENXIO: 6,
  ENOMEM: 12,
  ENODEV: 19,
  EFBIG: 27,
  EPIPE: 32,
  EIO: 5,
  EOPNOTSUPP: 95,
};

export class FsError extends Error {
  override name = "FsError";
  constructor(
    readonly code: FsErrorCode,
    readonly path: string,
  ) {
    // An errno, not a bug: misses are routine (every PATH lookup), so skip capturing a stack.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(`${path}: ${MESSAGES[code]}`);
    Error.stackTraceLimit = limit;
  }
  /** The strerror text, e.g. "No such file or directory". */
  get description(): string {
    return MESSAGES[this.code];
  }
  /** The errno number, e.g. 28 for ENOSPC. */
  get errno(): number {
    return NUMBERS[this.code];
  }
}

export interface Stat {
  readonly type: "file" | "dir" | "symlink";
  /** Permission bits plus setuid/setgid/sticky (e.g. 0o2755), without the file type. */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly mtimeMs: number;
  /** Last read, as relatime keeps it (st_atime). */
  readonly atimeMs: number;
  /** Last change to the contents or the inode: mode, owner, links, a rename (st_ctime). */
  readonly ctimeMs: number;
  /** When the file was made (statx's btime). */
  readonly btimeMs: number;
  readonly nlink: number;
  /** The inode number (st_ino): one per file, shared by its hard links. */
  readonly ino: number;
  /** Bytes the file's blocks hold (st_blocks × 512): less than its size when it has a hole. */
  readonly allocated?: number;
}

export interface Ownership {
  readonly mode?: number;
  readonly uid?: number;
  readonly gid?: number;
}

const EMPTY: readonly Uint8Array[] = [];

abstract class Node {
  /** Set by the volume when the node gets its name. */
  ino = 0;
  mode: number;
  uid: number;
  gid: number;
  mtimeMs: number;
  atimeMs: number;
  ctimeMs: number;
  readonly btimeMs: number;
  constructor(mode: number, uid: number, gid: number, mtimeMs: number) {
    this.mode = mode;
    this.uid = uid;
    this.gid = gid;
    this.mtimeMs = mtimeMs;
    this.atimeMs = mtimeMs;
    this.ctimeMs = mtimeMs;
    this.btimeMs = mtimeMs;
  }

  /** The contents changed (a write, an entry added or removed): mtime and ctime. */
  modified(atMs: number): void {
    this.mtimeMs = atMs;
    this.ctimeMs = atMs;
  }

  /**
   * A read, with relatime (every mount here has it): atime moves only when it is not newer
   * than mtime or ctime, or is a day old.
   */
  accessed(atMs: number): void {
    if (this.atimeMs <= this.mtimeMs || this.atimeMs <= this.ctimeMs || atMs - this.atimeMs >= RELATIME_INTERVAL_MS) this.atimeMs = atMs;
  }
}

/** relatime's "update at least once a day". */
const RELATIME_INTERVAL_MS = 24 * 60 * 60 * 1000;

class Dir extends Node {
  readonly entries = new Map<string, Entry>();
}

/** A symbolic link: a name for a path, which the volume stores and never follows itself. */
class Link extends Node {
  /** Names the link itself has (link(2) does not follow a symlink). */
  nlink = 1;
  constructor(
    readonly target: string,
    uid: number,
    gid: number,
    mtimeMs: number,
  ) {
    super(0o777, uid, gid, mtimeMs);
  }
}

type Entry = Dir | File | Link;

/** ext4 keeps a target shorter than this in the inode (a fast symlink); a longer one takes a block. */
const FAST_SYMLINK_BYTES = 60;

class File extends Node {
  /** Names the file has in the volume (hard links): its blocks are freed with the last. */
  nlink = 1;
  /** Current contents as a list of chunks; appends push, overwrites replace the array. */
  chunks: Uint8Array[] = [];
  size = 0;
  /**
   * Zeros at the end that no write has touched. They count in `size` but hold no memory, so
   * preallocated files (a database's log) cost nothing. The first `allocatedTail` bytes of them
   * take blocks (space fallocate reserved); the rest is a hole (a file truncate made longer).
   */
  zeroTail = 0;
  allocatedTail = 0;
  syncedAllocatedTail = 0;
  /** The chunk array as of the last fsync and how many of its chunks were synced. */
  syncedChunks: readonly Uint8Array[] = EMPTY;
  syncedCount = 0;
  syncedSize = 0;
  /** Simulated ms of the first write since the contents were last durable (the inode's dirtied_when). */
  dirtiedAt = -1;

  get dirty(): boolean {
    return this.chunks !== this.syncedChunks || this.chunks.length !== this.syncedCount || this.size !== this.syncedSize;
  }

  /** Bytes held by chunks: everything before the zero tail. */
  get dataSize(): number {
    return this.size - this.zeroTail;
  }

  /** Bytes that take blocks: the data and the reserved part of the tail. */
  get allocated(): number {
    return this.dataSize + this.allocatedTail;
  }

  contents(): Uint8Array {
    return this.prefix(this.size);
  }

  /** The first `length` bytes (no further than the file's size); the data's own array when that is all of them. */
  prefix(length: number): Uint8Array {
    const data = this.data();
    if (length === this.dataSize) return data;
    const out = new Uint8Array(length);
    out.set(length < data.length ? data.subarray(0, length) : data);
    return out;
  }

  /** Bytes `from` to `to` (within the size): the data's own array where they are all data. */
  range(from: number, to: number): Uint8Array {
    const data = this.data();
    if (to <= data.length) return data.subarray(from, to);
    const out = new Uint8Array(to - from);
    if (from < data.length) out.set(data.subarray(from));
    return out;
  }

  /** The chunks as one array. */
  private data(): Uint8Array {
    if (this.chunks.length === 1) return this.chunks[0]!;
    const out = new Uint8Array(this.dataSize);
    let off = 0;
    for (const c of this.chunks) {
      out.set(c, off);
      off += c.length;
    }
    // Collapse so repeated reads are cheap; this replaces the array, so keep sync bookkeeping.
    const wasClean = !this.dirty;
    this.chunks = [out];
    if (wasClean) {
      this.syncedChunks = this.chunks;
      this.syncedCount = 1;
    }
    return out;
  }

  /** Turns the zero tail into chunks, for writes that land after it (a hole there takes blocks then). */
  materializeZeroTail(): void {
    for (let left = this.zeroTail; left > 0; left -= ZEROS.length) this.chunks.push(ZEROS.subarray(0, Math.min(left, ZEROS.length)));
    this.zeroTail = 0;
    this.allocatedTail = 0;
  }
}

/** Shared by every file's materialized zeros; never written, since writes replace chunks, not bytes in them. */
const ZEROS = new Uint8Array(1 << 20);

export interface CrashOptions {
  /** Keep a random prefix of each file's unsynced appends, as a torn write does. */
  readonly tear?: boolean;
  readonly random?: Random;
}

/** dirty_writeback_centisecs and dirty_expire_centisecs: the flusher's period and the age it writes back. */
const WRITEBACK_PERIOD_MS = 5_000;
const DIRTY_EXPIRE_MS = 30_000;

/** The filesystem block: a file takes whole blocks of it, a directory one. */
const BLOCK = 4096;

/** The space a file of `size` bytes takes: its blocks. */
function blocksOf(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}

/**
 * How a filesystem numbers its inodes and how many it has: what `ls -i` shows, `df -i` counts,
 * and what runs out when a program makes many small files.
 */
export interface InodeLayout {
  /** The root directory's number: 2 on ext4, 1 on tmpfs. */
  readonly root: number;
  /** The lowest number a new file can get: 12 on ext4, after the reserved inodes and lost+found. */
  readonly first: number;
  /** Inodes in use on an empty filesystem: ext4's reserved 1–11, tmpfs's root. */
  readonly reserved: number;
  /** Inodes the filesystem has; making a file once they are all in use is ENOSPC. */
  readonly count: number;
  /** ext4 hands out the lowest free number again; tmpfs (per-superblock numbering since 5.9) counts on. */
  readonly reuse: boolean;
}

const MiB = 1024 * 1024;
const TiB = 1024 * 1024 * MiB;

/**
 * An ext4 filesystem as mke2fs makes it on a device of `bytes`, with mke2fs.conf's defaults: the
 * size type picks the block size and the bytes per inode (floppy under 3 MiB, small under
 * 512 MiB, big from 4 TiB, huge from 16 TiB), and ext2fs_initialize spreads the inodes over
 * the block groups, filling each group's inode table blocks and keeping a multiple of 8.
 */
export function ext4Inodes(bytes: number): InodeLayout {
  if (!Number.isFinite(bytes)) return EXT4_UNBOUNDED;
  const blockSize = bytes < 512 * MiB ? 1024 : 4096;
  const bytesPerInode = bytes < 3 * MiB ? 8192 : bytes < 512 * MiB ? 4096 : bytes < 4 * TiB ? 16384 : bytes < 16 * TiB ? 32768 : 65536;
  const inodeSize = 256;
  const blocks = Math.floor(bytes / blockSize);
  const firstDataBlock = blockSize === 1024 ? 1 : 0;
  const groups = Math.max(1, Math.ceil((blocks - firstDataBlock) / (blockSize * 8)));
  let perGroup = Math.min(Math.ceil(Math.floor(bytes / bytesPerInode) / groups), blockSize * 8);
  perGroup = (Math.ceil((perGroup * inodeSize) / blockSize) * blockSize) / inodeSize;
  perGroup -= perGroup % 8;
  return { root: 2, first: 12, reserved: 11, count: perGroup * groups, reuse: true };
}

/** ext4's numbering without a bound on the count: a volume whose size is not modelled, or not a device's. */
const EXT4_UNBOUNDED: InodeLayout = { root: 2, first: 12, reserved: 11, count: Number.POSITIVE_INFINITY, reuse: true };

/** A tmpfs of `count` inodes (nr_inodes; the kernel's default is half the RAM's pages). */
export function tmpfsInodes(count: number): InodeLayout {
  return { root: 1, first: 2, reserved: 1, count, reuse: false };
}

/** The inode numbers in use: the lowest free one first when the layout reuses them. */
class InodeTable {
  used: number;
  private next: number;
  /** Freed numbers below `next`, as a min-heap. */
  private readonly freed: number[] = [];

  constructor(readonly layout: InodeLayout) {
    this.used = layout.reserved;
    this.next = layout.first;
  }

  allocate(path: string): number {
    if (this.used >= this.layout.count) throw new FsError("ENOSPC", path);
    this.used++;
    return this.freed.length > 0 ? popMin(this.freed) : this.next++;
  }

  free(ino: number): void {
    this.used--;
    if (this.layout.reuse) pushMin(this.freed, ino);
  }
}

function pushMin(heap: number[], v: number): void {
  let i = heap.push(v) - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent]! <= v) break;
    heap[i] = heap[parent]!;
    i = parent;
  }
  heap[i] = v;
}

function popMin(heap: number[]): number {
  const top = heap[0]!;
  const last = heap.pop()!;
  if (heap.length === 0) return top;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= heap.length) break;
    const c = l + 1 < heap.length && heap[l + 1]! < heap[l]! ? l + 1 : l;
    if (heap[c]! >= last) break;
    heap[i] = heap[c]!;
    i = c;
  }
  heap[i] = last;
  return top;
}

export class Volume {
  private readonly root: Dir;
  private readonly inodes: InodeTable;
  private used = 0;
  /** Files written since they were last durable, for the flusher. */
  private readonly dirtyFiles = new Set<File>();
  private flusherArmed = false;
  /** The host (node) the volume is attached to, or null when detached. */
  attachedTo: string | null = null;
  /**
   * Bumped whenever names or permissions change (not on writes to existing files): lets callers
   * cache lookups such as PATH searches.
   */
  namespaceVersion = 0;
  /** Whether a symlink was ever made here: resolvers need not look for links in a volume without. */
  hasSymlinks = false;

  constructor(
    private readonly sim: Sim,
    readonly id: string,
    readonly capacityBytes = Number.POSITIVE_INFINITY,
    rootOwnership: Ownership = {},
    inodes: InodeLayout = EXT4_UNBOUNDED,
  ) {
    this.root = new Dir(rootOwnership.mode ?? 0o755, rootOwnership.uid ?? 0, rootOwnership.gid ?? 0, sim.epochMs());
    this.root.ino = inodes.root;
    this.inodes = new InodeTable(inodes);
  }

  /** Inodes the filesystem has and has in use (statfs's f_files and f_files - f_ffree). */
  inodeUsage(): { readonly total: number; readonly used: number } {
    return { total: this.inodes.layout.count, used: this.inodes.used };
  }

  /** Inodes this volume's files take, without the filesystem's reserved ones: what it adds to a disk it lives on. */
  get fileInodes(): number {
    return this.inodes.used - this.inodes.layout.reserved;
  }

  /**
   * Bytes in use: the 4 KiB blocks that files and directories take, as ext4 or tmpfs allocates
   * them (what df reports and du adds up), and what a fill-disk fault holds.
   */
  get bytesUsed(): number {
    return this.used;
  }

  /** Space taken by something outside the files (a fill-disk fault): used, yet no file shows it. */
  private occupied = 0;

  /**
   * Takes every free byte, as a runaway writer or a deleted file still held open would: writes
   * that need space fail with ENOSPC until `release`. Returns the bytes taken (0 for a volume
   * without a size).
   */
  occupyFreeSpace(): number {
    if (!Number.isFinite(this.capacityBytes)) return 0;
    const free = Math.max(0, this.capacityBytes - this.used);
    this.occupied += free;
    this.used += free;
    return free;
  }

  /** Gives back what occupyFreeSpace took. */
  releaseOccupied(): void {
    this.used -= this.occupied;
    this.occupied = 0;
  }

  /** Attaches to `host`; a ReadWriteOnce volume attached elsewhere refuses. */
  attach(host: string): void {
    if (this.attachedTo !== null && this.attachedTo !== host) {
      throw new Error(`volume ${this.id} is attached to ${this.attachedTo}`);
    }
    if (this.attachedTo !== host) this.sim.trace.record("disk.attach", { volume: this.id, host });
    this.attachedTo = host;
  }

  detach(): void {
    if (this.attachedTo === null) return;
    this.sim.trace.record("disk.detach", { volume: this.id, host: this.attachedTo });
    this.attachedTo = null;
  }

  exists(path: string): boolean {
    return this.find(path) !== undefined;
  }

  /** The entry itself (lstat): the volume never follows a symlink. */
  stat(path: string): Stat {
    const n = this.get(path);
    if (n instanceof Link) return { type: "symlink", mode: n.mode, uid: n.uid, gid: n.gid, size: n.target.length, mtimeMs: n.mtimeMs, atimeMs: n.atimeMs, ctimeMs: n.ctimeMs, btimeMs: n.btimeMs, nlink: n.nlink, ino: n.ino, allocated: linkBlocks(n) };
    const isDir = n instanceof Dir;
    return {
      type: isDir ? "dir" : "file",
      ino: n.ino,
      mode: n.mode,
      uid: n.uid,
      gid: n.gid,
      size: isDir ? 4096 : (n as File).size,
      mtimeMs: n.mtimeMs,
      atimeMs: n.atimeMs,
      ctimeMs: n.ctimeMs,
      btimeMs: n.btimeMs,
      nlink: isDir ? 2 + countDirs(n as Dir) : (n as File).nlink,
      allocated: isDir ? BLOCK : blocksOf((n as File).allocated),
    };
  }

  /** symlink(2): `path` names `target`, which need not exist. */
  symlink(target: string, path: string, options: Ownership = {}): void {
    const [dir, name] = this.parentOf(path);
    if (dir.entries.has(name)) throw new FsError("EEXIST", path);
    const link = new Link(target, options.uid ?? 0, (dir.mode & 0o2000) !== 0 ? dir.gid : (options.gid ?? 0), this.sim.epochMs());
    link.ino = this.inodes.allocate(path);
    try {
      this.reserve(linkBlocks(link), path);
    } catch (e) {
      this.inodes.free(link.ino);
      throw e;
    }
    dir.entries.set(name, link);
    dir.modified(link.mtimeMs);
    this.hasSymlinks = true;
    this.namespaceVersion++;
  }

  /** readlink(2): the target of the link at `path`; EINVAL for anything else. */
  readlink(path: string): string {
    const n = this.get(path);
    if (!(n instanceof Link)) throw new FsError("EINVAL", path);
    return n.target;
  }

  /** The target when `path` is a symlink, else undefined (also when there is nothing there). */
  linkTarget(path: string): string | undefined {
    const n = this.find(path);
    return n instanceof Link ? n.target : undefined;
  }

  /** link(2): another name for the file at `existing`, which shares its data and blocks. */
  link(existing: string, path: string): void {
    const n = this.get(existing);
    if (n instanceof Dir) throw new FsError("EPERM", existing);
    const [dir, name] = this.parentOf(path);
    if (dir.entries.has(name)) throw new FsError("EEXIST", path);
    dir.entries.set(name, n);
    n.nlink++;
    const t = this.sim.epochMs();
    dir.modified(t);
    n.ctimeMs = t;
    this.namespaceVersion++;
  }

  /** Entry names in `path`, sorted. */
  readdir(path: string): string[] {
    const d = this.get(path);
    if (!(d instanceof Dir)) throw new FsError("ENOTDIR", path);
    return [...d.entries.keys()].sort();
  }

  mkdir(path: string, options: Ownership & { recursive?: boolean } = {}): void {
    const parts = split(path);
    let d = this.root;
    for (let i = 0; i < parts.length; i++) {
      const name = parts[i]!;
      const next = d.entries.get(name);
      const last = i === parts.length - 1;
      if (next === undefined) {
        if (!last && !options.recursive) throw new FsError("ENOENT", path);
        const ino = this.inodes.allocate(path);
        try {
          this.reserve(BLOCK, path);
        } catch (e) {
          this.inodes.free(ino);
          throw e;
        }
        // New directories inherit the setgid bit and group, as Linux does under fsGroup volumes.
        const setgid = (d.mode & 0o2000) !== 0;
        const mode = (options.mode ?? 0o755) | (setgid ? 0o2000 : 0);
        const gid = setgid ? d.gid : (options.gid ?? 0);
        const nd = new Dir(mode, options.uid ?? 0, gid, this.sim.epochMs());
        nd.ino = ino;
        d.entries.set(name, nd);
        this.namespaceVersion++;
        d.modified(nd.mtimeMs);
        d = nd;
      } else if (next instanceof Dir) {
        if (last && !options.recursive) throw new FsError("EEXIST", path);
        d = next;
      } else {
        throw new FsError(last ? "EEXIST" : "ENOTDIR", path);
      }
    }
  }

  /** Creates or truncates `path` with `data`. The new contents are not durable until fsync. */
  writeFile(path: string, data: Uint8Array | string, options: Ownership = {}): void {
    const bytes = typeof data === "string" ? encodeText(data) : data;
    const f = this.fileForWrite(path, options);
    this.reserve(blocksOf(bytes.length) - blocksOf(f.allocated), path);
    f.chunks = bytes.length > 0 ? [bytes] : [];
    f.size = bytes.length;
    f.zeroTail = 0;
    f.allocatedTail = 0;
    f.modified(this.sim.epochMs());
    this.dirtied(f);
  }

  /** Appends to `path`, creating it if needed. Not durable until fsync. */
  appendFile(path: string, data: Uint8Array | string, options: Ownership = {}): void {
    const bytes = typeof data === "string" ? encodeText(data) : data;
    const f = this.fileForWrite(path, options);
    this.reserve(blocksOf(f.size + bytes.length) - blocksOf(f.allocated), path);
    if (bytes.length > 0 && f.zeroTail > 0) f.materializeZeroTail();
    if (bytes.length > 0) f.chunks.push(bytes);
    f.size += bytes.length;
    f.modified(this.sim.epochMs());
    this.dirtied(f);
  }

  /**
   * pwrite: writes `data` at `offset`, creating the file if needed and growing it when the write
   * ends past its end (a gap reads as zeros). A write just after the last written byte, into
   * space fallocate reserved, is an append as far as a crash goes: it can tear.
   */
  writeAt(path: string, offset: number, data: Uint8Array | string, options: Ownership = {}): void {
    const bytes = typeof data === "string" ? encodeText(data) : data;
    const f = this.fileForWrite(path, options);
    const end = offset + bytes.length;
    const size = Math.max(f.size, end);
    const dataSize = f.dataSize;
    // What the write turns into data (a gap before it too) comes out of the tail, reserved part first.
    const newData = bytes.length === 0 ? dataSize : Math.max(dataSize, end);
    const allocatedTail = Math.max(0, f.allocatedTail - (newData - dataSize));
    this.reserve(blocksOf(newData + allocatedTail) - blocksOf(f.allocated), path);
    if (offset >= dataSize) {
      if (bytes.length > 0) {
        const gap = offset - dataSize;
        for (let left = gap; left > 0; left -= ZEROS.length) f.chunks.push(ZEROS.subarray(0, Math.min(left, ZEROS.length)));
        f.chunks.push(bytes);
      }
    } else if (offset === 0 && end >= dataSize) {
      // Every byte of data is overwritten (a table's image rewritten in place): the old ones need no copy.
      f.chunks = [bytes];
    } else {
      const out = new Uint8Array(newData);
      out.set(f.prefix(dataSize));
      out.set(bytes, offset);
      f.chunks = [out];
    }
    f.size = size;
    f.zeroTail = size - newData;
    f.allocatedTail = allocatedTail;
    f.modified(this.sim.epochMs());
    this.dirtied(f);
  }

  /**
   * posix_fallocate(fd, 0, length): the file takes blocks for its first `length` bytes, growing
   * with zeros if it is shorter. All or nothing: ENOSPC leaves it as it was.
   */
  fallocate(path: string, length: number, options: Ownership = {}): void {
    const f = this.fileForWrite(path, options);
    const size = Math.max(f.size, length);
    // Holes below `length` get their blocks too.
    const allocatedTail = Math.max(f.allocatedTail, Math.min(size, length) - f.dataSize);
    if (size === f.size && allocatedTail === f.allocatedTail) return;
    this.reserve(blocksOf(f.dataSize + allocatedTail) - blocksOf(f.allocated), path);
    f.zeroTail += size - f.size;
    f.size = size;
    f.allocatedTail = allocatedTail;
    f.modified(this.sim.epochMs());
    this.dirtied(f);
  }

  /**
   * truncate(2): cuts the file to `length`, or makes it longer with a hole that reads as zeros
   * and takes no blocks until written.
   */
  truncate(path: string, length: number): void {
    const n = this.get(path);
    const f = fileNode(n, path);
    if (length === f.size) return;
    if (length < f.dataSize) {
      const kept = f.prefix(length);
      this.reserve(blocksOf(length) - blocksOf(f.allocated), path);
      f.chunks = length > 0 ? [kept] : [];
      f.zeroTail = 0;
      f.allocatedTail = 0;
    } else {
      const zeroTail = length - f.dataSize;
      const allocatedTail = Math.min(f.allocatedTail, zeroTail);
      this.reserve(blocksOf(f.dataSize + allocatedTail) - blocksOf(f.allocated), path);
      f.zeroTail = zeroTail;
      f.allocatedTail = allocatedTail;
    }
    f.size = length;
    f.modified(this.sim.epochMs());
    this.dirtied(f);
  }

  readFile(path: string): Uint8Array {
    const f = fileNode(this.get(path), path);
    f.accessed(this.sim.epochMs());
    return f.contents();
  }

  /** pread(2): up to `length` bytes from `offset`, fewer at the end of the file. */
  readAt(path: string, offset: number, length: number): Uint8Array {
    const f = fileNode(this.get(path), path);
    f.accessed(this.sim.epochMs());
    const end = Math.min(f.size, offset + length);
    return offset >= end ? new Uint8Array(0) : f.range(offset, end);
  }

  /**
   * The file's bytes up to its first hole (what lseek SEEK_HOLE finds): all of it unless a
   * truncate left a hole at its end. A log that preallocates with holes reads its records so.
   */
  readData(path: string): Uint8Array {
    const f = fileNode(this.get(path), path);
    f.accessed(this.sim.epochMs());
    return f.prefix(f.zeroTail === f.allocatedTail ? f.size : f.allocated);
  }

  readText(path: string): string {
    return decodeText(this.readFile(path));
  }

  /** Makes the file's current contents durable. */
  fsync(path: string): void {
    const n = this.get(path);
    if (n instanceof File && n.dirty) this.makeDurable(n);
  }

  private makeDurable(f: File): void {
    f.syncedChunks = f.chunks;
    f.syncedCount = f.chunks.length;
    f.syncedSize = f.size;
    f.syncedAllocatedTail = f.allocatedTail;
    f.dirtiedAt = -1;
    this.dirtyFiles.delete(f);
  }

  private dirtied(f: File): void {
    if (f.dirtiedAt >= 0) return;
    f.dirtiedAt = this.sim.now;
    this.dirtyFiles.add(f);
    this.armFlusher();
  }

  private armFlusher(): void {
    if (this.flusherArmed || this.dirtyFiles.size === 0) return;
    this.flusherArmed = true;
    this.sim.schedule(WRITEBACK_PERIOD_MS, () => {
      this.flusherArmed = false;
      for (const f of this.dirtyFiles) if (this.sim.now - f.dirtiedAt >= DIRTY_EXPIRE_MS) this.makeDurable(f);
      this.armFlusher();
    }, "writeback");
  }

  rename(from: string, to: string): void {
    this.namespaceVersion++;
    const [fromDir, fromName] = this.parentOf(from);
    const node = fromDir.entries.get(fromName);
    if (node === undefined) throw new FsError("ENOENT", from);
    const [toDir, toName] = this.parentOf(to);
    const existing = toDir.entries.get(toName);
    // Two names of one file: rename(2) does nothing.
    if (existing === node) return;
    if (existing instanceof Dir) {
      if (!(node instanceof Dir)) throw new FsError("EISDIR", to);
      if (existing.entries.size > 0) throw new FsError("ENOTEMPTY", to);
    } else if (existing !== undefined && node instanceof Dir) {
      throw new FsError("ENOTDIR", to);
    }
    if (existing !== undefined) this.release(existing);
    fromDir.entries.delete(fromName);
    toDir.entries.set(toName, node);
    const t = this.sim.epochMs();
    fromDir.modified(t);
    toDir.modified(t);
    node.ctimeMs = t;
  }

  unlink(path: string): void {
    this.namespaceVersion++;
    const [dir, name] = this.parentOf(path);
    const n = dir.entries.get(name);
    if (n === undefined) throw new FsError("ENOENT", path);
    if (n instanceof Dir) throw new FsError("EISDIR", path);
    this.release(n);
    dir.entries.delete(name);
    const t = this.sim.epochMs();
    dir.modified(t);
    // The file may live on under another name: one link fewer is a change to its inode.
    n.ctimeMs = t;
  }

  /** Removes a directory; with `recursive`, its contents too (rm -r). */
  rmdir(path: string, options: { recursive?: boolean } = {}): void {
    this.namespaceVersion++;
    const [dir, name] = this.parentOf(path);
    const n = dir.entries.get(name);
    if (n === undefined) throw new FsError("ENOENT", path);
    if (!(n instanceof Dir)) throw new FsError("ENOTDIR", path);
    if (n.entries.size > 0 && !options.recursive) throw new FsError("ENOTEMPTY", path);
    this.release(n);
    dir.entries.delete(name);
    dir.modified(this.sim.epochMs());
  }

  chmod(path: string, mode: number): void {
    this.namespaceVersion++;
    const n = this.get(path);
    n.mode = mode;
    n.ctimeMs = this.sim.epochMs();
  }

  chown(path: string, uid: number, gid: number): void {
    this.namespaceVersion++;
    const n = this.get(path);
    n.uid = uid;
    n.gid = gid;
    n.ctimeMs = this.sim.epochMs();
  }

  /** utimensat(2): sets the access and modification times given (UTIME_OMIT for the others); ctime becomes now. */
  utimes(path: string, atimeMs: number | undefined, mtimeMs: number | undefined): void {
    const n = this.get(path);
    if (atimeMs !== undefined) n.atimeMs = atimeMs;
    if (mtimeMs !== undefined) n.mtimeMs = mtimeMs;
    n.ctimeMs = this.sim.epochMs();
  }

  /**
   * The kubelet's fsGroup ownership change (pkg/volume SetVolumeOwnership): every entry gets
   * group `gid` and group read/write; directories also get group execute and setgid.
   */
  applyFsGroup(gid: number): void {
    this.namespaceVersion++;
    const t = this.sim.epochMs();
    const walk = (n: Entry) => {
      n.gid = gid;
      n.ctimeMs = t;
      // A link's mode is not its own to change (the kubelet lchowns links and leaves their mode).
      if (n instanceof Link) return;
      n.mode |= n instanceof Dir ? 0o2770 : 0o660;
      if (n instanceof Dir) for (const c of n.entries.values()) walk(c);
    };
    walk(this.root);
  }

  /**
   * The host crashed or lost power: every file loses what was written since its last fsync.
   * With `tear`, a random prefix of the lost bytes survives (a torn final write).
   */
  crash(options: CrashOptions = {}): void {
    this.namespaceVersion++;
    let lost = 0;
    const walk = (d: Dir) => {
      for (const n of d.entries.values()) {
        if (n instanceof Dir) walk(n);
        else if (n instanceof File && n.dirty) lost += this.revert(n, options);
      }
    };
    walk(this.root);
    this.sim.trace.record("disk.crash", { volume: this.id, lostBytes: lost, tear: options.tear ?? false });
  }

  private revert(f: File, options: CrashOptions): number {
    const before = f.allocated;
    const dataBefore = f.dataSize;
    const synced = f.syncedChunks.slice(0, f.syncedCount);
    let syncedData = 0;
    for (const c of synced) syncedData += c.length;
    // Only appends can tear into a meaningful prefix: the synced prefix is still intact.
    const appendedOnly = f.chunks === f.syncedChunks;
    if (options.tear && options.random && appendedOnly && f.chunks.length > f.syncedCount) {
      const unsynced = f.chunks.slice(f.syncedCount);
      const total = unsynced.reduce((a, c) => a + c.length, 0);
      let keep = options.random.int(0, total - 1);
      for (const c of unsynced) {
        if (keep <= 0) break;
        const part = c.length <= keep ? c : c.subarray(0, keep);
        synced.push(part);
        keep -= part.length;
      }
    }
    let dataSize = 0;
    for (const c of synced) dataSize += c.length;
    // What was reserved and durable stays reserved: torn bytes written into it replace zeros.
    const size = Math.max(f.syncedSize, dataSize);
    f.chunks = synced;
    f.size = size;
    f.zeroTail = size - dataSize;
    f.allocatedTail = Math.max(0, f.syncedAllocatedTail - (dataSize - syncedData));
    this.makeDurable(f);
    this.used += blocksOf(f.allocated) - blocksOf(before);
    return dataBefore - dataSize;
  }

  private fileForWrite(path: string, own: Ownership): File {
    const [dir, name] = this.parentOf(path);
    const existing = dir.entries.get(name);
    if (existing !== undefined) return fileNode(existing, path);
    const setgid = (dir.mode & 0o2000) !== 0;
    const f = new File(own.mode ?? 0o644, own.uid ?? 0, setgid ? dir.gid : (own.gid ?? 0), this.sim.epochMs());
    f.ino = this.inodes.allocate(path);
    dir.entries.set(name, f);
    this.namespaceVersion++;
    dir.modified(f.mtimeMs);
    return f;
  }

  private reserve(delta: number, path: string): void {
    if (delta > 0 && this.used + delta > this.capacityBytes) throw new FsError("ENOSPC", path);
    this.used += delta;
  }

  /** What unlinking `n` frees: a file's blocks when this was its last name, a tree's entries. */
  private release(n: Entry): void {
    if (n instanceof Link) {
      if (--n.nlink > 0) return;
      this.used -= linkBlocks(n);
      this.inodes.free(n.ino);
    } else if (n instanceof File) {
      if (--n.nlink > 0) return;
      this.used -= blocksOf(n.allocated);
      this.inodes.free(n.ino);
    } else {
      this.used -= BLOCK;
      this.inodes.free(n.ino);
      for (const c of n.entries.values()) this.release(c);
    }
  }

  private find(path: string): Entry | undefined {
    let n: Entry = this.root;
    for (const part of split(path)) {
      if (!(n instanceof Dir)) return undefined;
      const next: Entry | undefined = n.entries.get(part);
      if (next === undefined) return undefined;
      n = next;
    }
    return n;
  }

  private get(path: string): Entry {
    const n = this.find(path);
    if (n === undefined) throw new FsError("ENOENT", path);
    return n;
  }

  private parentOf(path: string): [Dir, string] {
    const parts = [...split(path)];
    const name = parts.pop();
    if (name === undefined) throw new FsError("EINVAL", path);
    let d = this.root;
    for (const p of parts) {
      const next = d.entries.get(p);
      if (next === undefined) throw new FsError("ENOENT", path);
      if (!(next instanceof Dir)) throw new FsError("ENOTDIR", path);
      d = next;
    }
    return [d, name];
  }
}

/** Paths split before: the same few paths are looked up over and over (probes, PATH). Read-only. */
const splitCache = new Map<string, readonly string[]>();

function split(path: string): readonly string[] {
  let out = splitCache.get(path);
  if (out !== undefined) return out;
  const parts: string[] = [];
  for (const p of path.split("/")) {
    if (p === "" || p === ".") continue;
    if (p === "..") parts.pop();
    else parts.push(p);
  }
  if (splitCache.size >= 8192) splitCache.clear();
  splitCache.set(path, (out = parts));
  return out;
}

function countDirs(d: Dir): number {
  let n = 0;
  for (const c of d.entries.values()) if (c instanceof Dir) n++;
  return n;
}

/** A regular file's node; a directory or a link there cannot be read or written as one. */
function fileNode(n: Entry, path: string): File {
  if (n instanceof File) return n;
  // open(2) of a link the caller chose not to follow (O_NOFOLLOW) is ELOOP.
  throw new FsError(n instanceof Dir ? "EISDIR" : "ELOOP", path);
}

function linkBlocks(link: Link): number {
  return link.target.length < FAST_SYMLINK_BYTES ? 0 : BLOCK;
}
