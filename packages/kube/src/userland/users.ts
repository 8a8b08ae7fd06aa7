import { FsError } from "@ksim/sim";
import type { FileSystem } from "../runtime/fs.js";

/**
 * The container's user and group databases, read from its own /etc/passwd and /etc/group as
 * libc does: `ls -l`, `ps`, `id` and `~user` show what the image defines, not what the host has.
 */

export interface PasswdEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly gecos: string;
  readonly home: string;
  readonly shell: string;
}

export interface GroupEntry {
  readonly name: string;
  readonly gid: number;
  readonly members: readonly string[];
}

function readText(fs: FileSystem, path: string): string {
  try {
    return fs.readText(path);
  } catch (e) {
    if (e instanceof FsError) return "";
    throw e;
  }
}

function lines(text: string): string[] {
  return text.split("\n").filter((l) => l !== "" && !l.startsWith("#"));
}

/** The entries of an /etc/passwd's text. */
export function parsePasswd(text: string): PasswdEntry[] {
  return lines(text).flatMap((line) => {
    const f = line.split(":");
    if (f.length < 7) return [];
    return [{ name: f[0]!, uid: Number(f[2]), gid: Number(f[3]), gecos: f[4]!, home: f[5]!, shell: f[6]! }];
  });
}

/** The entries of an /etc/group's text. */
export function parseGroup(text: string): GroupEntry[] {
  return lines(text).flatMap((line) => {
    const f = line.split(":");
    if (f.length < 3) return [];
    return [{ name: f[0]!, gid: Number(f[2]), members: (f[3] ?? "").split(",").filter(Boolean) }];
  });
}

export function passwdEntries(fs: FileSystem): PasswdEntry[] {
  return parsePasswd(readText(fs, "/etc/passwd"));
}

export function groupEntries(fs: FileSystem): GroupEntry[] {
  return parseGroup(readText(fs, "/etc/group"));
}

export function userName(fs: FileSystem, uid: number): string | undefined {
  return passwdEntries(fs).find((e) => e.uid === uid)?.name;
}

export function groupName(fs: FileSystem, gid: number): string | undefined {
  return groupEntries(fs).find((e) => e.gid === gid)?.name;
}

export function userByName(fs: FileSystem, name: string): PasswdEntry | undefined {
  return passwdEntries(fs).find((e) => e.name === name);
}

export function groupByName(fs: FileSystem, name: string): GroupEntry | undefined {
  return groupEntries(fs).find((e) => e.name === name);
}

/** `~user`'s directory, if the user exists. */
export function homeDirectory(fs: FileSystem, name: string): string | undefined {
  return userByName(fs, name)?.home;
}
