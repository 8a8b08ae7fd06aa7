import { FsError, type Proc } from "@ksim/sim";
import type { ImageRegistry } from "../runtime/image.js";
import type { Executable, ProcessContext } from "../runtime/process.js";
import { BASH_BUILDS, bashProgramId, bashVersionText, DEFAULT_BASH, type BashBuild } from "./bash-builds.js";
import type { Flavor, InputMode } from "./messages.js";
import { setOptionByLetter, setOptionByName, type SetOption } from "./set-options.js";
import { ExitSignal, Shell } from "./shell.js";
import { runStartupFiles } from "./startup.js";

/**
 * The shell as a program: `sh -c 'cmd' [name [args]]`, `sh script [args]`, `sh -s [args]` or
 * commands read from standard input (`kubectl exec -i pod -- sh`).
 */

interface Invocation {
  readonly command?: string;
  readonly script?: string;
  readonly arg0: string;
  readonly positional: readonly string[];
  /** `-e`, `-o pipefail`, ...: the options to set before the commands run. */
  readonly options: readonly (readonly [SetOption, boolean])[];
  /** `-i`: interactive whatever the input is. */
  readonly interactive: boolean;
  /** bash's startup choices: `-l`/`--login`, `--noprofile`, `--norc`, `--rcfile FILE`. */
  readonly startup: { readonly login: boolean; readonly noProfile: boolean; readonly noRc: boolean; readonly rcFile: string | undefined };
}

/** Either what to run, or what to print before exiting at once (on stderr unless `stdout`). */
type Parsed = { readonly ok: true; readonly invocation: Invocation } | { readonly ok: false; readonly message: string; readonly status: number; readonly stdout?: boolean };

function parseArguments(argv: readonly string[], flavor: Flavor, build: BashBuild): Parsed {
  const name = argv[0] ?? "sh";
  const options: [SetOption, boolean][] = [];
  let commandMode = false;
  let stdinMode = false;
  let interactive = false;
  const startup = { login: false, noProfile: false, noRc: false, rcFile: undefined as string | undefined };
  let i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--" || a === "-") {
      i++;
      break;
    }
    if (flavor === "bash" && a.startsWith("--")) {
      if (a === "--login") startup.login = true;
      else if (a === "--noprofile") startup.noProfile = true;
      else if (a === "--norc") startup.noRc = true;
      else if (a === "--rcfile" || a === "--init-file") {
        const file = argv[++i];
        if (file === undefined) return { ok: false, message: `${name}: ${a}: option requires an argument\n`, status: 2 };
        startup.rcFile = file;
      } else if (a === "--version") return { ok: false, message: bashVersionText(build), status: 0, stdout: true };
      else if (a !== "--posix" && a !== "--noediting") return { ok: false, message: `${name}: ${a}: invalid option\n`, status: 2 };
      continue;
    }
    if (!/^[-+]./.test(a)) break;
    const on = a.startsWith("-");
    for (let k = 1; k < a.length; k++) {
      const letter = a[k]!;
      if (letter === "c") commandMode = true;
      else if (letter === "s") stdinMode = true;
      else if (letter === "i") interactive = true;
      else if (letter === "l") startup.login = true;
      else if (letter === "o") {
        const optionName = argv[++i];
        const option = optionName === undefined ? undefined : setOptionByName(flavor, optionName);
        if (option !== undefined) options.push([option, on]);
      } else {
        const option = setOptionByLetter(flavor, letter);
        if (option === undefined) {
          const message =
            flavor === "dash" ? `${name}: 0: Illegal option ${a[0]}${letter}\n` : flavor === "bash" ? `${name}: ${a[0]}${letter}: invalid option\n` : `${name}: illegal option ${a[0]}${letter}\n`;
          return { ok: false, message, status: 2 };
        }
        options.push([option, on]);
      }
    }
  }
  const rest = argv.slice(i);
  if (commandMode) {
    if (rest.length === 0) {
      const message = flavor === "dash" ? `${name}: 0: -c requires an argument\n` : flavor === "bash" ? `${name}: -c: option requires an argument\n` : `${name}: -c requires an argument\n`;
      return { ok: false, message, status: 2 };
    }
    return { ok: true, invocation: { command: rest[0]!, arg0: rest[1] ?? name, positional: rest.slice(2), options, interactive, startup } };
  }
  if (!stdinMode && rest.length > 0) return { ok: true, invocation: { script: rest[0]!, arg0: rest[0]!, positional: rest.slice(1), options, interactive, startup } };
  return { ok: true, invocation: { arg0: name, positional: rest, options, interactive, startup } };
}

function shellProgram(flavor: Flavor, build: BashBuild = DEFAULT_BASH): Executable {
  return function* (ctx: ProcessContext): Proc<number> {
    const parsed = parseArguments(ctx.argv, flavor, build);
    if (!parsed.ok) {
      (parsed.stdout ? ctx.stdout : ctx.stderr).write(parsed.message);
      return parsed.status;
    }
    const inv = parsed.invocation;
    let source: string | undefined = inv.command;
    let mode: InputMode = "c";
    if (inv.script !== undefined) {
      mode = "script";
      try {
        source = ctx.fs.readText(ctx.resolve(inv.script));
      } catch (e) {
        if (!(e instanceof FsError)) throw e;
        return cannotOpenScript(ctx, flavor, inv.script, e);
      }
    }
    // An interactive shell reads its commands from a terminal (or was given -i): it prompts,
    // survives its own errors and ignores SIGTERM.
    if (source === undefined) mode = ctx.tty || inv.interactive ? "interactive" : "script";
    const login = flavor === "bash" && inv.startup.login;
    const sh = new Shell(ctx, {
      flavor,
      mode,
      arg0: inv.arg0,
      positional: inv.positional,
      prompts: mode === "interactive",
      login,
      ...(inv.script !== undefined ? { script: inv.script } : {}),
      ...(flavor === "bash" ? { bash: build } : {}),
    });
    for (const [option, on] of inv.options) sh.setOption(option, on);
    try {
      if (flavor === "bash") {
        try {
          yield* runStartupFiles(sh, { interactive: mode === "interactive", ...inv.startup, login, sysBashrc: build.sysBashrc });
        } catch (e) {
          if (!(e instanceof ExitSignal)) throw e;
          return yield* sh.exitWith(e.status);
        }
      }
      if (source !== undefined) return yield* sh.runScript(source);
      return yield* runFromStdin(sh);
    } finally {
      sh.killJobs();
    }
  };
}

function cannotOpenScript(ctx: ProcessContext, flavor: Flavor, script: string, e: FsError): number {
  const name = ctx.argv[0] ?? "sh";
  if (flavor === "dash") {
    ctx.stderr.write(`${name}: 0: cannot open ${script}: ${e.code === "ENOENT" ? "No such file" : e.description}\n`);
    return 2;
  }
  if (flavor === "bash") {
    ctx.stderr.write(`${name}: ${script}: ${e.description}\n`);
    return e.code === "EISDIR" ? 126 : 127;
  }
  ctx.stderr.write(`${name}: can't open '${script}': ${e.description}\n`);
  return e.code === "ENOENT" ? 127 : 2;
}

/**
 * Reads commands from standard input and runs each as soon as it is complete; on a terminal
 * (`kubectl exec -it`, `kubectl run -it`), with the prompt before each line, on stderr.
 */
function* runFromStdin(sh: Shell): Proc<number> {
  const stdin = sh.input(0);
  let pending = "";
  try {
    for (;;) {
      if (sh.mode === "interactive") {
        if (pending === "") sh.notifyJobs();
        sh.ctx.stderr.write(yield* sh.prompt(pending === "" ? "PS1" : "PS2"));
      }
      const r = yield* stdin.readLine();
      if (r === null) break;
      pending += r.line + (r.terminated ? "\n" : "");
      if (!r.terminated || sh.isComplete(pending)) {
        const text = pending;
        pending = "";
        yield* sh.runSource(text);
      }
    }
    if (pending !== "") yield* sh.runSource(pending);
  } catch (e) {
    if (!(e instanceof ExitSignal)) throw e;
    sh.sayExit();
    return yield* sh.exitWith(e.status);
  }
  sh.sayExit();
  return yield* sh.exitWith(sh.lastStatus);
}

/**
 * Registers the shells: `sh` (dash), bash (as `bash` for Debian 12's build, `bash:RELEASE` for
 * the others the images carry), and busybox's `ash` as `busybox:sh`.
 */
export function registerShell(registry: ImageRegistry): void {
  registry.registerProgram("sh", shellProgram("dash"));
  for (const build of Object.values(BASH_BUILDS)) registry.registerProgram(bashProgramId(build), shellProgram("bash", build));
  registry.registerProgram("busybox:sh", shellProgram("ash"));
}
