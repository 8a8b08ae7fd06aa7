import { FsError } from "@ksim/sim";
import type { ProcessContext } from "@ksim/kube";
import type { AdminRequest } from "../core/admin.js";
import type { AdminDiskView, NodeConfig, PersistedFiles, SnapshotOnDisk } from "../core/node-io.js";

/**
 * Directories: what the node finds in its data directories — SSTables, commit-log segments,
 * hints at start; snapshot directories and SSTables placed by hand when nodetool asks — read
 * here at the edge and handed to the node as input.
 */

/** Subdirectories of a table's directory that hold no live SSTables. */
const NOT_LIVE = /\/(snapshots|backups)\//;

function readdirOrEmpty(ctx: ProcessContext, dir: string): string[] {
  try {
    return ctx.fs.readdir(dir);
  } catch (e) {
    if (e instanceof FsError) return [];
    throw e;
  }
}

const isDir = (ctx: ProcessContext, path: string) => ctx.fs.stat(path).type === "dir";

function listFiles(ctx: ProcessContext, dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirOrEmpty(ctx, d)) {
      const p = `${d}/${n}`;
      if (isDir(ctx, p)) walk(p);
      else out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** The SSTables among `files`: each Data.db with the components sharing its base name. */
function sstablesIn(ctx: ProcessContext, files: readonly string[]): PersistedFiles["sstables"] {
  return files
    .filter((p) => p.endsWith("-Data.db"))
    .map((p) => {
      const base = p.slice(0, -"Data.db".length);
      const components = files.filter((f) => f.startsWith(base));
      return { base, components, bytes: components.reduce((n, f) => n + ctx.fs.stat(f).size, 0), data: ctx.fs.readFile(p) };
    });
}

/** What is on the data volume: SSTables (not those in snapshots or backups), commit-log segments, hint files. */
export function readPersisted(ctx: ProcessContext, c: NodeConfig): PersistedFiles {
  const sstables = sstablesIn(ctx, listFiles(ctx, c.dataDir).filter((p) => !NOT_LIVE.test(p)));
  const commitLog = listFiles(ctx, c.commitLogDir).flatMap((path) => {
    const m = /CommitLog-6-(\d+)\.log$/.exec(path);
    return m === null ? [] : [{ id: Number(m[1]), path, bytes: ctx.fs.readFile(path) }];
  });
  const hints = listFiles(ctx, c.hintsDir)
    .filter((p) => p.endsWith(".hints"))
    .map((path) => ({ path, bytes: ctx.fs.readFile(path) }));
  return { sstables, commitLog, hints };
}

/** `<data>/<keyspace>/<table>-<id>` directories, of the named keyspaces or all. */
function tableDirs(ctx: ProcessContext, dataDir: string, keyspaces?: readonly string[]): string[] {
  const out: string[] = [];
  for (const ks of readdirOrEmpty(ctx, dataDir)) {
    if (keyspaces !== undefined && keyspaces.length > 0 && !keyspaces.includes(ks)) continue;
    const ksDir = `${dataDir}/${ks}`;
    if (!isDir(ctx, ksDir)) continue;
    for (const t of readdirOrEmpty(ctx, ksDir)) if (isDir(ctx, `${ksDir}/${t}`)) out.push(`${ksDir}/${t}`);
  }
  return out;
}

function snapshotsOnDisk(ctx: ProcessContext, dataDir: string): SnapshotOnDisk[] {
  const out: SnapshotOnDisk[] = [];
  for (const tableDir of tableDirs(ctx, dataDir)) {
    for (const tag of readdirOrEmpty(ctx, `${tableDir}/snapshots`)) {
      const dir = `${tableDir}/snapshots/${tag}`;
      if (!isDir(ctx, dir)) continue;
      const files = readdirOrEmpty(ctx, dir)
        .filter((name) => !isDir(ctx, `${dir}/${name}`))
        .map((name) => ({ name, bytes: ctx.fs.stat(`${dir}/${name}`).size }));
      out.push({ tableDir, tag, files });
    }
  }
  return out;
}

/** What of the disk a JMX call looks at, or undefined for calls that look at none. */
export function adminDiskView(ctx: ProcessContext, dataDir: string, request: AdminRequest): AdminDiskView | undefined {
  switch (request.op) {
    case "snapshot":
    case "listsnapshots":
    case "tablestats":
      return { snapshots: snapshotsOnDisk(ctx, dataDir), sstables: [] };
    case "refresh": {
      // Every directory of a table by that name (a dropped table leaves its own); the node knows which is live.
      const dirs = readdirOrEmpty(ctx, `${dataDir}/${request.keyspace}`).filter((d) => d.startsWith(`${request.table}-`));
      const files = dirs.flatMap((d) => {
        const dir = `${dataDir}/${request.keyspace}/${d}`;
        return readdirOrEmpty(ctx, dir).map((n) => `${dir}/${n}`).filter((p) => !isDir(ctx, p));
      });
      return { snapshots: [], sstables: sstablesIn(ctx, files) };
    }
    default:
      return undefined;
  }
}

/**
 * StorageService.clearSnapshot / Directories.clearSnapshot: in every table directory of the
 * keyspaces found on disk (those named, or all), the snapshot of that name — or with no name,
 * every snapshot — is removed.
 */
export function clearSnapshots(ctx: ProcessContext, dataDir: string, tag: string, keyspaces: readonly string[]): void {
  for (const tableDir of tableDirs(ctx, dataDir, keyspaces)) {
    const dir = tag === "" ? `${tableDir}/snapshots` : `${tableDir}/snapshots/${tag}`;
    if (ctx.fs.exists(dir)) ctx.fs.rmdir(dir, { recursive: true });
  }
}
