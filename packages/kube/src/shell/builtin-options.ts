import type { Shell } from "./shell.js";

export interface BuiltinOptions {
  /** Letters given with `-`, in order. */
  readonly on: string;
  /** Letters given with `+` (where the builtin takes them). */
  readonly off: string;
  readonly operands: string[];
}

/**
 * bash's internal_getopt for a builtin's letters: `-abc` and `+abc` words up to `--` or the
 * first operand. A letter it does not take is `-z: invalid option` and the usage line; the
 * caller returns the status this gives (2) instead of options.
 */
export function builtinOptions(sh: Shell, builtin: string, args: readonly string[], syntax: { readonly letters: string; readonly plus: boolean; readonly usage: string }): BuiltinOptions | number {
  let on = "";
  let off = "";
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      i++;
      break;
    }
    if (!/^[-+]./.test(a)) break;
    for (const letter of a.slice(1)) {
      if (!syntax.letters.includes(letter) || (a[0] === "+" && !syntax.plus)) {
        sh.builtinError(builtin, `${a[0]}${letter}: invalid option`);
        sh.err(`${builtin}: usage: ${syntax.usage}\n`);
        return 2;
      }
      if (a[0] === "-") on += letter;
      else off += letter;
    }
  }
  return { on, off, operands: args.slice(i) };
}
