import { FsError } from "@ksim/sim";
import { resolvePath } from "../runtime/fs.js";
import type { Shell } from "./shell.js";

/**
 * Makes `dir` the working directory as cd does (OLDPWD, PWD), or says why not in the words of
 * `builtin` (cd, pushd, popd) and each shell; returns the status.
 */
export function changeDirectory(sh: Shell, dir: string, builtin: string): number {
  const path = resolvePath(sh.cwd, dir);
  let problem: string | undefined;
  try {
    const st = sh.ctx.fs.stat(path);
    if (st.type !== "dir") problem = "Not a directory";
    else sh.ctx.fs.readdir(path);
  } catch (e) {
    if (!(e instanceof FsError)) throw e;
    problem = e.description;
  }
  if (problem !== undefined) {
    if (sh.flavor === "bash") sh.builtinError(builtin, `${dir}: ${problem}`);
    else if (sh.flavor === "dash") sh.builtinError(builtin, `can't cd to ${dir}`);
    else sh.builtinError(builtin, `can't cd to ${dir}: ${problem}`);
    return sh.flavor === "bash" ? 1 : 2;
  }
  sh.setVar("OLDPWD", sh.cwd);
  sh.cwd = path;
  sh.setVar("PWD", path);
  return 0;
}
