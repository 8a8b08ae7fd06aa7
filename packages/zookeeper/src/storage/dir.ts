/**
 * The file operations storage needs. A container's view (kube's FileSystem) and a bare sim
 * Volume both provide them, so the same code serves the image and the core's tests.
 */
export interface Dir {
  exists(path: string): boolean;
  readdir(path: string): string[];
  readFile(path: string): Uint8Array;
  /** The bytes up to the first hole: a preallocated txn log's records and nothing of its padding. */
  readData(path: string): Uint8Array;
  writeFile(path: string, data: Uint8Array | string): void;
  appendFile(path: string, data: Uint8Array | string): void;
  writeAt(path: string, offset: number, data: Uint8Array | string): void;
  truncate(path: string, length: number): void;
  fsync(path: string): void;
  mkdir(path: string, options?: { recursive?: boolean }): void;
  unlink(path: string): void;
  rename(from: string, to: string): void;
}

/** `log.<hex zxid>` / `snapshot.<hex zxid>` (persistence/Util.makeLogName, makeSnapshotName). */
export function fileName(prefix: "log" | "snapshot", zxid: number): string {
  return `${prefix}.${zxid.toString(16)}`;
}

/** The zxid in a log or snapshot file name, or undefined for other files. */
export function zxidOfName(name: string, prefix: "log" | "snapshot"): number | undefined {
  if (!name.startsWith(`${prefix}.`)) return undefined;
  const hexPart = name.slice(prefix.length + 1);
  if (!/^[0-9a-f]+$/.test(hexPart)) return undefined;
  return parseInt(hexPart, 16);
}

/** Files of one kind in `dir`, by zxid ascending. */
export function listByZxid(fs: Dir, dir: string, prefix: "log" | "snapshot"): { name: string; zxid: number }[] {
  if (!fs.exists(dir)) return [];
  const out: { name: string; zxid: number }[] = [];
  for (const name of fs.readdir(dir)) {
    const zxid = zxidOfName(name, prefix);
    if (zxid !== undefined) out.push({ name, zxid });
  }
  return out.sort((a, b) => a.zxid - b.zxid);
}
