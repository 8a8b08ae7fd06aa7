import { FsError } from "@ksim/sim";
import type { Executable, Signal } from "./process.js";

/**
 * Container images: a read-only filesystem layer plus the defaults a Dockerfile sets
 * (entrypoint, cmd, env, user, working directory). Programs are files too: an executable whose
 * bytes are `\x7fELF` + `ksim:<id>` runs the registered program `<id>`; one that starts with
 * `#!` runs its interpreter on the script text. So `rm /usr/bin/x` breaks `x`, `cp` copies it,
 * and a restarted container gets its image's files back.
 */

const ELF = "\x7fELFksim:";
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The bytes of a native executable that runs registered program `id`. */
export function nativeBinary(id: string): Uint8Array {
  return encoder.encode(`${ELF}${id}\n`);
}

const ELF_BYTES = encoder.encode(ELF);

/** The program id of a native executable, or undefined for anything else. */
export function nativeProgramId(data: Uint8Array): string | undefined {
  if (data.length < ELF_BYTES.length) return undefined;
  // Every exec asks, mostly of native binaries with an ASCII id: the magic and the id are read
  // from the bytes (ASCII bytes are their own UTF-8 text), and only other ids go to the decoder.
  for (let i = 0; i < ELF_BYTES.length; i++) if (data[i] !== ELF_BYTES[i]) return undefined;
  const limit = Math.min(data.length, 256);
  let id = "";
  for (let i = ELF_BYTES.length; i < limit; i++) {
    const b = data[i]!;
    if (b === 0x0a) return id;
    if (b >= 0x80) {
      const text = decoder.decode(data.subarray(0, limit));
      const end = text.indexOf("\n");
      return text.slice(ELF.length, end < 0 ? undefined : end);
    }
    id += String.fromCharCode(b);
  }
  return id;
}

/** A file of a lower layer; `ino` is its inode number, which overlayfs shows as the file's own. */
export type LowerEntry = (
  | { readonly type: "file"; readonly data: Uint8Array; readonly mode: number; readonly uid: number; readonly gid: number; readonly mtimeMs: number }
  | { readonly type: "dir"; readonly mode: number; readonly uid: number; readonly gid: number; readonly mtimeMs: number; readonly size?: number }
  | { readonly type: "symlink"; readonly target: string; readonly mtimeMs: number }
  | { readonly type: "chardev"; readonly rdev: DeviceNumber; readonly mode: number; readonly uid: number; readonly gid: number; readonly mtimeMs: number }
) & { readonly ino: number };

/** Where an image's inode numbers start: its layers were unpacked onto the node's disk, far from an empty filesystem's first inodes. */
const IMAGE_FIRST_INO = 1_048_577;

/** A device file's st_rdev, as major and minor numbers. */
export interface DeviceNumber {
  readonly major: number;
  readonly minor: number;
}

/** A read-only bottom layer of an overlay filesystem: an image, or the user's real directory. */
export interface LowerLayer {
  lookup(path: string): LowerEntry | undefined;
  /** Names in a directory of this layer (sorted), or undefined if it is not a directory here. */
  children(path: string): readonly string[] | undefined;
}

/** How an image's files are written down. Strings are file contents. */
export type ImageFileSpec =
  | string
  | { readonly content?: string | Uint8Array; readonly program?: string; readonly mode?: number; readonly uid?: number; readonly gid?: number }
  | { readonly symlink: string }
  | { readonly dir: true; readonly mode?: number; readonly uid?: number; readonly gid?: number };

/** An immutable, shared image layer; built once per image and never copied per container. */
export class ImageLayer implements LowerLayer {
  private readonly entries = new Map<string, LowerEntry>();
  private readonly dirs = new Map<string, string[]>();
  /** The next inode number: a layer's files are numbered after its base's, in path order. */
  private nextIno: number;

  /** `mtimeMs` is the image build time shown by `ls -l` for files nobody changed. */
  constructor(files: Readonly<Record<string, ImageFileSpec>>, mtimeMs: number, base?: ImageLayer) {
    this.nextIno = base?.nextIno ?? IMAGE_FIRST_INO;
    if (base !== undefined) {
      for (const [p, e] of base.entries) this.entries.set(p, e);
      for (const [p, c] of base.dirs) this.dirs.set(p, [...c]);
    } else {
      this.setDir("/", { mode: 0o755, uid: 0, gid: 0 }, mtimeMs);
    }
    for (const given of Object.keys(files).sort()) {
      const spec = files[given]!;
      const path = this.followParents(given);
      this.ensureParents(path, mtimeMs);
      if (typeof spec === "string") {
        this.setEntry(path, { type: "file", data: encoder.encode(spec), mode: 0o644, uid: 0, gid: 0, mtimeMs, ino: this.nextIno++ });
      } else if ("symlink" in spec) {
        this.setEntry(path, { type: "symlink", target: spec.symlink, mtimeMs, ino: this.nextIno++ });
      } else if ("dir" in spec) {
        this.setDir(path, spec, mtimeMs);
      } else {
        const data =
          spec.program !== undefined
            ? nativeBinary(spec.program)
            : typeof spec.content === "string"
              ? encoder.encode(spec.content)
              : (spec.content ?? new Uint8Array());
        const mode = spec.mode ?? (spec.program !== undefined ? 0o755 : 0o644);
        this.setEntry(path, { type: "file", data, mode, uid: spec.uid ?? 0, gid: spec.gid ?? 0, mtimeMs, ino: this.nextIno++ });
      }
    }
    for (const c of this.dirs.values()) c.sort();
  }

  lookup(path: string): LowerEntry | undefined {
    return this.entries.get(path);
  }

  /** Files, directories and links: the inodes the layer takes once unpacked. */
  get entryCount(): number {
    return this.entries.size;
  }

  children(path: string): readonly string[] | undefined {
    return this.dirs.get(path);
  }

  private setDir(path: string, spec: { mode?: number; uid?: number; gid?: number }, mtimeMs: number): void {
    this.setEntry(path, { type: "dir", mode: spec.mode ?? 0o755, uid: spec.uid ?? 0, gid: spec.gid ?? 0, mtimeMs, ino: this.nextIno++ });
    if (!this.dirs.has(path)) this.dirs.set(path, []);
  }

  private setEntry(path: string, entry: LowerEntry): void {
    const existed = this.entries.has(path);
    this.entries.set(path, entry);
    if (path !== "/" && !existed) {
      const parent = path.slice(0, path.lastIndexOf("/")) || "/";
      this.dirs.get(parent)!.push(path.slice(path.lastIndexOf("/") + 1));
    }
    if (entry.type !== "dir") this.dirs.delete(path);
  }

  /**
   * Where a file lands when a directory on its path is a link in this layer (Debian's
   * /var/run -> /run): a Dockerfile's COPY or `mkdir -p /var/run/mysqld` follows it.
   */
  private followParents(path: string): string {
    let parts = path.split("/").filter(Boolean);
    for (let i = 0, hops = 0; i < parts.length - 1; i++) {
      const e = this.entries.get("/" + parts.slice(0, i + 1).join("/"));
      if (e?.type !== "symlink") continue;
      if (++hops > 40) throw new FsError("ELOOP", path);
      const base = e.target.startsWith("/") ? [] : parts.slice(0, i);
      parts = [...base, ...e.target.split("/").filter(Boolean), ...parts.slice(i + 1)];
      i = -1;
    }
    return "/" + parts.join("/");
  }

  private ensureParents(path: string, mtimeMs: number): void {
    if (!path.startsWith("/") || path === "/") throw new FsError("EINVAL", path);
    const parts = path.split("/").filter(Boolean);
    let cur = "";
    for (let i = 0; i < parts.length - 1; i++) {
      cur += "/" + parts[i];
      const e = this.entries.get(cur);
      if (e === undefined) this.setDir(cur, {}, mtimeMs);
      else if (e.type !== "dir") throw new FsError("ENOTDIR", cur);
    }
  }
}

export interface ImageDefinition {
  /** Repositories this image answers to, without tag: `registry.k8s.io/nginx-slim`. */
  readonly repositories: readonly string[];
  readonly layer: ImageLayer;
  readonly entrypoint?: readonly string[];
  readonly cmd?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly workingDir?: string;
  /** Default user id (Dockerfile USER); the pod's securityContext overrides it. */
  readonly user?: number;
  /** Dockerfile STOPSIGNAL, which containerd sends instead of SIGTERM to stop the container. */
  readonly stopSignal?: Signal;
  /** Compressed size; pull time grows with it. */
  readonly sizeBytes: number;
}

/** Splits `registry/repo:tag@digest` into a normalized repository and tag. */
export function parseImageRef(ref: string): { repository: string; tag: string } {
  let rest = ref;
  const at = rest.indexOf("@");
  if (at >= 0) rest = rest.slice(0, at);
  const slash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  let tag = "latest";
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { repository: normalizeRepository(rest), tag };
}

function normalizeRepository(repo: string): string {
  if (repo.startsWith("docker.io/library/")) return repo.slice("docker.io/library/".length);
  if (repo.startsWith("docker.io/")) return repo.slice("docker.io/".length);
  if (repo.startsWith("index.docker.io/library/")) return repo.slice("index.docker.io/library/".length);
  return repo;
}

/**
 * The images and programs a cluster can run. Application packages register theirs; users may
 * register their own before building a cluster.
 */
export class ImageRegistry {
  private readonly images = new Map<string, ImageDefinition>();
  private readonly programs = new Map<string, Executable>();

  /** A registry with the same images and programs, to which more can be registered apart. */
  copy(): ImageRegistry {
    const c = new ImageRegistry();
    for (const [repository, image] of this.images) c.images.set(repository, image);
    for (const [id, program] of this.programs) c.programs.set(id, program);
    return c;
  }

  registerImage(image: ImageDefinition): void {
    for (const r of image.repositories) this.images.set(normalizeRepository(r), image);
  }

  registerProgram(id: string, program: Executable): void {
    this.programs.set(id, program);
  }

  /** The image for a reference such as `mysql:8.0`, whatever its tag, or undefined. */
  resolveImage(ref: string): ImageDefinition | undefined {
    return this.images.get(parseImageRef(ref).repository);
  }

  program(id: string): Executable | undefined {
    return this.programs.get(id);
  }
}
