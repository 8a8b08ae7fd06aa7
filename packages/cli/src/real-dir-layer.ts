import { lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import type { LowerEntry, LowerLayer } from "@ksim/kube";

/**
 * The user's real directory as a read-only layer of the workstation's filesystem, at the same
 * absolute path, so `kubectl apply -f ./web.yaml` finds their file. Reading it is input, like
 * the scenario file; nothing is ever written back.
 */
export class RealDirLayer implements LowerLayer {
  private readonly parents: Set<string>;

  constructor(private readonly root: string) {
    this.parents = new Set(["/"]);
    let p = root;
    while (p !== "/" && p !== "") {
      p = p.slice(0, p.lastIndexOf("/")) || "/";
      this.parents.add(p);
    }
  }

  lookup(path: string): LowerEntry | undefined {
    if (path !== this.root && !path.startsWith(`${this.root}/`)) {
      return this.parents.has(path) ? { type: "dir", mode: 0o755, uid: 0, gid: 0, mtimeMs: 0, ino: lstatSync(path).ino } : undefined;
    }
    try {
      const st = lstatSync(path);
      const mtimeMs = Math.floor(st.mtimeMs);
      // The real file's inode number, as an overlay on the user's directory would show it.
      const ino = st.ino;
      if (st.isSymbolicLink()) return { type: "symlink", target: readlinkSync(path), mtimeMs, ino };
      if (st.isDirectory()) return { type: "dir", mode: st.mode & 0o7777, uid: 0, gid: 0, mtimeMs, ino };
      if (st.isFile()) return { type: "file", data: readFileSync(path), mode: st.mode & 0o7777, uid: 0, gid: 0, mtimeMs, ino };
    } catch {
      // Unreadable or gone: not there, as far as the simulation can tell.
    }
    return undefined;
  }

  children(path: string): readonly string[] | undefined {
    if (path !== this.root && !path.startsWith(`${this.root}/`)) {
      if (!this.parents.has(path)) return undefined;
      const next = this.root.slice(path === "/" ? 1 : path.length + 1).split("/")[0]!;
      return [next];
    }
    try {
      return readdirSync(join(path)).sort();
    } catch {
      return undefined;
    }
  }
}
