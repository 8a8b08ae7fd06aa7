import type { FileSystem } from "@ksim/kube";

/**
 * MySQL option files (my.cnf): `[group]` sections of `name=value` or bare `name` lines, with
 * `!include file` and `!includedir dir` (its *.cnf files, in name order). Programs read the
 * groups they care about: mysqld [mysqld]/[server], the client [client]/[mysql].
 */
export function readOptionFile(fs: Pick<FileSystem, "exists" | "readText" | "readdir" | "stat">, path: string, groups: readonly string[], depth = 0): [string, string | undefined][] {
  const out: [string, string | undefined][] = [];
  if (depth > 10 || !fs.exists(path)) return out;
  let group = "";
  for (const rawLine of fs.readText(path).split("\n")) {
    const line = rawLine.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    if (line.startsWith("!includedir")) {
      const dir = line.slice("!includedir".length).trim().replace(/\/$/, "");
      if (fs.exists(dir) && fs.stat(dir).type === "dir") {
        for (const f of fs.readdir(dir).filter((n) => n.endsWith(".cnf"))) out.push(...readOptionFile(fs, `${dir}/${f}`, groups, depth + 1));
      }
      continue;
    }
    if (line.startsWith("!include")) {
      out.push(...readOptionFile(fs, line.slice("!include".length).trim(), groups, depth + 1));
      continue;
    }
    const section = /^\[(.+)\]$/.exec(line);
    if (section !== null) {
      group = section[1]!.trim().toLowerCase();
      continue;
    }
    if (!groups.includes(group)) continue;
    const eq = line.indexOf("=");
    const name = (eq < 0 ? line : line.slice(0, eq)).trim();
    const value = eq < 0 ? undefined : line.slice(eq + 1).trim().replace(/^(["'])(.*)\1$/, "$2");
    out.push([name, value]);
  }
  return out;
}
