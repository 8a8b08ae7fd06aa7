import type { DataFs } from "../innodb/files.js";

/** mysqld's UMASK and UMASK_DIR defaults: the modes it creates files and directories with. */
const FILE_MODE = 0o640;
const DIR_MODE = 0o750;

/** The data directory as mysqld writes it: what it creates gets its default modes unless a caller asks for others. */
export function mysqldFiles(fs: DataFs): DataFs {
  const create = (path: string) => {
    if (!fs.exists(path)) fs.writeFile(path, new Uint8Array(), { mode: FILE_MODE });
  };
  return {
    exists: (path) => fs.exists(path),
    readFile: (path) => fs.readFile(path),
    readAt: (path, offset, length) => fs.readAt(path, offset, length),
    stat: (path) => fs.stat(path),
    readdir: (path) => fs.readdir(path),
    fsync: (path) => fs.fsync(path),
    rename: (from, to) => fs.rename(from, to),
    unlink: (path) => fs.unlink(path),
    rmdir: (path, options) => fs.rmdir(path, options),
    writeFile: (path, data, options) => fs.writeFile(path, data, { mode: options?.mode ?? FILE_MODE }),
    mkdir: (path, options) => fs.mkdir(path, { ...options, mode: options?.mode ?? DIR_MODE }),
    appendFile: (path, data) => {
      create(path);
      fs.appendFile(path, data);
    },
    writeAt: (path, offset, data) => {
      create(path);
      fs.writeAt(path, offset, data);
    },
    fallocate: (path, length) => {
      create(path);
      fs.fallocate(path, length);
    },
  };
}
