import { FsError, type Proc } from "@ksim/sim";
import { SpawnError, type ProcessContext } from "../runtime/process.js";
import { devNull, type OutputStream } from "../runtime/streams.js";
import { describeError, has, usageFailure, withOptions } from "./common.js";

/** coreutils' tty: the terminal on standard input (a session's pseudo-terminal), or "not a tty". */
export function ttyProgram(ctx: ProcessContext): Proc<number> {
  return withOptions(ctx, "gnu", { short: "s", long: { silent: "s", quiet: "s" } }, function* (o) {
    if (o.operands.length > 0) return usageFailure(ctx, "gnu", `extra operand '${o.operands[0]}'`, 2);
    if (!has(o, "s")) ctx.stdout.write(ctx.tty ? "/dev/pts/0\n" : "not a tty\n");
    return ctx.tty ? 0 : 1;
  });
}

/**
 * coreutils' nohup: runs a command with SIGHUP ignored. On a terminal it also reads nothing and
 * appends what the command writes to nohup.out (in the working directory, else $HOME), saying so.
 */
export function* nohupProgram(ctx: ProcessContext): Proc<number> {
  const argv = ctx.argv.slice(ctx.argv[1] === "--" ? 2 : 1);
  if (argv.length === 0) return usageFailure(ctx, "gnu", "missing operand", 125);
  // SIG_IGN survives exec: the command never sees the hangup.
  ctx.onSignal(() => {}, ["SIGHUP"]);
  let stdout: OutputStream | undefined;
  if (ctx.tty) {
    let name = "nohup.out";
    let path = ctx.resolve(name);
    try {
      ctx.fs.appendFile(path, "", { mode: 0o600 });
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
      name = `${ctx.environ.get("HOME") ?? ""}/nohup.out`;
      path = ctx.resolve(name);
      try {
        ctx.fs.appendFile(path, "", { mode: 0o600 });
      } catch (again) {
        if (!(again instanceof FsError)) throw again;
        ctx.stderr.write(`nohup: failed to open '${name}': ${describeError(again)}\n`);
        return 125;
      }
    }
    ctx.stderr.write(`nohup: ignoring input and appending output to '${name}'\n`);
    stdout = { write: (chunk) => ctx.fs.appendFile(path, chunk), close() {}, openFile: path };
  }
  try {
    if (stdout === undefined) return yield* ctx.exec(argv);
    return yield* ctx.run(argv, { stdin: devNull, stdout, stderr: stdout, tty: false });
  } catch (e) {
    if (!(e instanceof SpawnError)) throw e;
    ctx.stderr.write(`nohup: failed to run command '${argv[0]}': ${e.reason === "not found" ? "No such file or directory" : "Permission denied"}\n`);
    return e.status;
  }
}
