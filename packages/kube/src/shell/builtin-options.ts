import type { Shell } from "./shell.js";

export interface BuiltinOptions {
  /** Letters given with `-`, in order. */
  readonly on: string;
  /** Letters given with `+` (where the builtin takes them). */
  readonly off: string;
  /** Each letter that takes an argument, with it (undefined for an optional one not given), in order. */
  readonly values: readonly (readonly [string, string | undefined])[];
  readonly operands: string[];
}

/**
 * bash's internal_getopt for a builtin's letters: `-abc` and `+abc` words up to `--` or the
 * first operand. In `letters`, `x:` takes an argument (the rest of the word, or the next word)
 * and `x;` an optional one (the rest of the word, or the next word unless it is an option).
 * A letter it does not take is `-z: invalid option` and the usage line; the caller returns the
 * status this gives (2) instead of options.
 */
export function builtinOptions(sh: Shell, builtin: string, args: readonly string[], syntax: { readonly letters: string; readonly plus: boolean; readonly usage: string }): BuiltinOptions | number {
  let on = "";
  let off = "";
  const values: [string, string | undefined][] = [];
  const fail = (message: string) => {
    sh.builtinError(builtin, message);
    sh.err(`${builtin}: usage: ${syntax.usage}\n`);
    return 2;
  };
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      i++;
      break;
    }
    if (!/^[-+]./.test(a)) break;
    for (let k = 1; k < a.length; k++) {
      const letter = a[k]!;
      const at = syntax.letters.indexOf(letter);
      if (at < 0 || letter === ":" || letter === ";" || (a[0] === "+" && !syntax.plus)) return fail(`${a[0]}${letter}: invalid option`);
      if (a[0] === "-") on += letter;
      else off += letter;
      const kind = syntax.letters[at + 1];
      if (kind !== ":" && kind !== ";") continue;
      let value: string | undefined = a.slice(k + 1);
      if (value === "") {
        const next = args[i + 1];
        value = next !== undefined && (kind === ":" || !next.startsWith("-")) ? args[++i] : undefined;
        if (value === undefined && kind === ":") return fail(`-${letter}: option requires an argument`);
      }
      values.push([letter, value]);
      break;
    }
  }
  return { on, off, values, operands: args.slice(i) };
}
