import { FsError, type Proc } from "@ksim/sim";
import { resolvePath } from "../runtime/fs.js";
import { ExitSignal, ShellAbort, type Shell } from "./shell.js";

/** How bash was asked to start: the options that choose its startup files. */
export interface StartupOptions {
  /** It reads commands from a terminal (or was given -i). */
  readonly interactive: boolean;
  /** `-l` or `--login`. */
  readonly login: boolean;
  readonly noProfile: boolean;
  readonly noRc: boolean;
  /** `--rcfile FILE` (or `--init-file FILE`) in place of ~/.bashrc. */
  readonly rcFile: string | undefined;
  /** The system-wide bashrc the build reads first, if it was built with one (Debian's /etc/bash.bashrc). */
  readonly sysBashrc: string | undefined;
}

/**
 * bash's run_startup_files: a login shell reads /etc/profile and the first of ~/.bash_profile,
 * ~/.bash_login and ~/.profile (Debian's build does so even when not interactive); an interactive
 * shell that is not a login shell reads the system bashrc and then ~/.bashrc. A file that is not
 * there is passed over in silence.
 */
export function* runStartupFiles(sh: Shell, o: StartupOptions): Proc<void> {
  if (o.login) {
    if (!o.noProfile) {
      yield* sourceIfPresent(sh, "/etc/profile");
      if (!(yield* sourceIfPresent(sh, "~/.bash_profile")) && !(yield* sourceIfPresent(sh, "~/.bash_login"))) yield* sourceIfPresent(sh, "~/.profile");
    }
    return;
  }
  if (!o.interactive || o.noRc) return;
  if (o.sysBashrc !== undefined) yield* sourceIfPresent(sh, o.sysBashrc);
  yield* sourceIfPresent(sh, o.rcFile ?? "~/.bashrc");
}

/** maybe_execute_file: runs the file as `.` would if it exists; says whether it did. */
function* sourceIfPresent(sh: Shell, file: string): Proc<boolean> {
  let path = file;
  if (file.startsWith("~/")) {
    const home = sh.homeDirectory();
    if (home === undefined) return false;
    path = `${home.replace(/\/$/, "")}${file.slice(1)}`;
  }
  let text: string;
  try {
    text = sh.ctx.fs.readText(resolvePath(sh.cwd, path));
  } catch (e) {
    if (!(e instanceof FsError)) throw e;
    if (e.code === "ENOENT" || e.code === "ENOTDIR") return false;
    sh.err(`${sh.errorName}: ${path}: ${e.description}\n`);
    return true;
  }
  // maybe_execute_file's force_noninteractive: the file is read as a non-interactive shell
  // reads one (its syntax errors name it and the line).
  sh.readingStartupFile = true;
  try {
    yield* sh.sourceText(path, text, []);
  } catch (e) {
    // An error that ends a script ends a non-interactive shell here too; an interactive one goes on.
    if (!(e instanceof ShellAbort)) throw e;
    if (e.fatal && sh.mode !== "interactive") throw new ExitSignal(e.status);
    sh.lastStatus = e.status;
  } finally {
    sh.readingStartupFile = false;
  }
  return true;
}
