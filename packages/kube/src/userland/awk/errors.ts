/** The three ways an awk run fails, each reported in mawk's own format (see program.ts). */

/** A compile error: `message` in mawk's words (after "mawk: "), `busybox` in busybox's. */
export class AwkSyntaxError extends Error {
  override name = "AwkSyntaxError";
  constructor(
    message: string,
    readonly line: number,
    readonly busybox: string,
    /** Errors mawk reports after this one (its parser reads on), each a message of its own. */
    readonly more: readonly string[] = [],
  ) {
    super(message);
  }
}

/** A run-time error, reported as `mawk: run time error: <message>` with FILENAME, FNR and NR. */
export class AwkRuntimeError extends Error {
  override name = "AwkRuntimeError";
}

/** A fatal error reported as mawk's errmsg does: `mawk: <message>` ("cannot open ..."). */
export class AwkFatal extends Error {
  override name = "AwkFatal";
}
