import type { Proc } from "@ksim/sim";
import type { ProcessContext } from "../runtime/process.js";
import type { Completion } from "./completion.js";
import { ExitSignal, Shell } from "./shell.js";

export { registerShell } from "./program.js";
export { evaluateTest, type TestEnvironment, type TestResult } from "./test-expr.js";
export { echo, printf, type FormatStyle } from "./text-format.js";

export interface ShellInterpreterOptions {
  /** `sh` behaves as dash, `bash` as bash, `ash` as busybox's shell. */
  readonly dialect: "sh" | "bash" | "ash";
  /** `$0` and the name in error messages (default: the dialect's program name). */
  readonly name?: string;
  /** Receives each complete top-level command's source just before it runs. */
  readonly onTopLevelCommand?: (source: string) => void;
}

/**
 * A shell session for a host terminal (`ksim shell`, `ksim run`): each `run` continues in the
 * same state (variables, functions, working directory, background jobs). Messages are worded as
 * an interactive shell words them.
 */
export class ShellInterpreter {
  private readonly shell: Shell;
  private exitStatus: number | undefined;

  constructor(ctx: ProcessContext, options: ShellInterpreterOptions) {
    const flavor = options.dialect === "sh" ? "dash" : options.dialect;
    this.shell = new Shell(ctx, {
      flavor,
      mode: "interactive",
      arg0: options.name ?? (options.dialect === "ash" ? "sh" : options.dialect),
      ...(options.onTopLevelCommand !== undefined ? { onTopLevelCommand: options.onTopLevelCommand } : {}),
    });
  }

  /** Whether `source` needs more lines (open quote, unfinished block, here-document, `\`, `&&`, `|`). */
  isComplete(source: string): boolean {
    return this.shell.isComplete(source);
  }

  /** Runs `source`; returns the status of the last command. After `exit`, `exited` is set. */
  *run(source: string): Proc<number> {
    if (this.exitStatus !== undefined) return this.exitStatus;
    try {
      const status = yield* this.shell.runSource(source);
      // The next prompt follows: jobs that ended meanwhile are told first.
      this.shell.notifyJobs();
      return status;
    } catch (e) {
      if (!(e instanceof ExitSignal)) throw e;
      // At a terminal the session is an interactive shell's; a script's input is not.
      if (this.shell.ctx.tty) this.shell.sayExit();
      this.exitStatus = yield* this.shell.exitWith(e.status);
      return this.exitStatus;
    }
  }

  /** TAB at the prompt: what the last word of `line` completes to, and that word (readline's completer). */
  complete(line: string): Completion {
    return this.shell.complete(line);
  }

  /** Ctrl-C at the terminal: SIGINT to the command running in the foreground, if any. */
  interrupt(): void {
    this.shell.foreground?.signal("SIGINT");
  }

  /** The status the session exited with (`exit`), or undefined while it is open. */
  get exited(): number | undefined {
    return this.exitStatus;
  }

  /** The shell's working directory (for a prompt). */
  get cwd(): string {
    return this.shell.cwd;
  }
}
