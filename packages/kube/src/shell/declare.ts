import type { Proc } from "@ksim/sim";
import { AssocArray } from "./assoc.js";
import { builtinOptions } from "./builtin-options.js";
import type { Shell } from "./shell.js";
import { functionText } from "./print-command.js";
import { containsShellMetas, declareQuote } from "./text-format.js";
import type { Variable, VariableValue } from "./variables.js";

/**
 * bash's declaration builtins: declare (typeset), local, and bash's export and readonly, which
 * are declare with an attribute always on and the variable always global.
 */

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The option letters each takes (`+` turns an attribute off), and its usage line. */
const SYNTAX = {
  declare: { letters: "aAfFgiIlnprtux", usage: "declare [-aAfFgiIlnrtux] [name[=value] ...] or declare -p [-aAfFilnrtux] [name ...]" },
  local: { letters: "aAfFgiIlnprtux", usage: "local [option] name[=value] ..." },
  export: { letters: "fnp", usage: "export [-fn] [name[=value] ...] or export -p" },
  readonly: { letters: "aAfp", usage: "readonly [-aAf] [name[=value] ...] or readonly -p" },
} as const;

export type DeclarationBuiltin = keyof typeof SYNTAX;

/**
 * A variable's attributes as `declare -p` and `${x@a}` give them, in bash's order
 * (var_attribute_string): a A f i n r t x c l u.
 */
export function attributeLetters(v: Variable): string {
  let out = "";
  if (Array.isArray(v.value)) out += "a";
  if (v.value instanceof AssocArray) out += "A";
  if (v.attrs?.includes("i")) out += "i";
  if (v.attrs?.includes("n")) out += "n";
  if (v.readonly) out += "r";
  if (v.exported) out += "x";
  if (v.attrs?.includes("l")) out += "l";
  if (v.attrs?.includes("u")) out += "u";
  return out;
}

/** `="value"`, `=([0]="a" [1]="b")`, `=([key]="v" )`, or nothing for a name declared but unset. */
export function valueText(value: VariableValue | undefined): string {
  if (value === undefined) return "";
  if (typeof value === "string") return `=${declareQuote(value)}`;
  return `=${arrayText(value)}`;
}

/** An array as an assignment reads it back; an associative array's elements each end in a space. */
export function arrayText(value: string[] | AssocArray): string {
  if (value instanceof AssocArray) return `(${value.entries().map(([k, v]) => `[${keyText(k)}]=${declareQuote(v)} `).join("")})`;
  const items: string[] = [];
  value.forEach((v, i) => items.push(`[${i}]=${declareQuote(v)}`));
  return `(${items.join(" ")})`;
}

/** `[k]=v` pairs of an array as `${a[@]@K}` gives them. */
export function keyValueText(value: string[] | AssocArray): string {
  if (value instanceof AssocArray) return value.entries().map(([k, v]) => `${keyText(k)} ${declareQuote(v)} `).join("");
  const items: string[] = [];
  value.forEach((v, i) => items.push(`${i} ${declareQuote(v)}`));
  return items.join(" ");
}

/** A key as declare -p prints it: double-quoted when it holds a shell metacharacter or a control byte. */
function keyText(key: string): string {
  return containsShellMetas(key) || /[\x00-\x1f\x7f-\uffff]/.test(key) ? declareQuote(key) : key;
}

/** `declare -p NAME`'s line. */
export function declareLine(name: string, v: Variable): string {
  const flags = attributeLetters(v);
  return `declare -${flags === "" ? "-" : flags} ${name}${valueText(v.value)}\n`;
}

/** declare, typeset, local, and bash's export and readonly. */
export function declaration(builtin: DeclarationBuiltin) {
  return function* (sh: Shell, args: readonly string[]): Proc<number> {
    if (builtin === "local" && sh.functionDepth === 0) {
      sh.builtinError("local", "can only be used in a function");
      return 1;
    }
    const parsed = builtinOptions(sh, builtin, args, { ...SYNTAX[builtin], plus: true });
    if (typeof parsed === "number") return parsed;
    let { on, off } = parsed;
    let operands = parsed.operands;
    if (builtin === "local" && operands.includes("-")) {
      sh.saveOptionsForCall();
      operands = operands.filter((o) => o !== "-");
      if (operands.length === 0) return 0;
    }
    if (builtin === "export") {
      // export -n takes the export attribute away.
      if (on.includes("n")) off += "x";
      on = on.replace(/n/g, "") + (off.includes("x") ? "" : "x");
    }
    if (builtin === "readonly") on += "r";
    if (on.includes("f") || on.includes("F")) return functions(sh, on.includes("F"), operands);
    const print = on.includes("p");
    if (operands.length === 0 || print) return list(sh, builtin, on.replace(/[pg]/g, ""), operands, print);
    const global = builtin === "export" || builtin === "readonly" || on.includes("g");
    let status = 0;
    for (const operand of operands) {
      const m = /^([^=[]*)(\[.*\])?(\+?=)?/s.exec(operand)!;
      const name = m[1]!;
      if (!NAME.test(name) || (m[2] !== undefined && m[3] === undefined)) {
        sh.builtinError(builtin, `\`${operand}': not a valid identifier`);
        status = 1;
        continue;
      }
      if (m[3] !== undefined && sh.vars.get(name)?.readonly) {
        sh.builtinError(builtin, `${name}: readonly variable`);
        status = 1;
        continue;
      }
      if (!global && sh.functionDepth > 0) sh.makeLocal(name, true);
      const problem = setAttributes(sh, name, on, off);
      if (problem !== undefined) {
        sh.builtinError(builtin, `${name}: ${problem}`);
        status = 1;
        continue;
      }
      if (m[3] !== undefined) {
        const value = operand.slice(m[0].length);
        const append = m[3] === "+=";
        const compound = m[2] === undefined ? sh.compoundWords(value) : undefined;
        // A reference's own value is the name it stands for.
        if (sh.vars.get(name)?.attrs?.includes("n") === true && m[2] === undefined) sh.vars.set(name, { ...sh.vars.get(name)!, value });
        else if (compound !== undefined) sh.assignCompound(name, yield* sh.expander.compoundItems(compound), append);
        else if (m[2] !== undefined) sh.setElement(name, m[2].slice(1, -1), value, append);
        else sh.setVar(name, value, { append });
      }
      // readonly comes last: the value above is still assigned.
      const v = sh.vars.get(name)!;
      if ((on.includes("r") && !v.readonly) || (on.includes("x") && !v.exported)) sh.vars.set(name, { ...v, readonly: v.readonly || on.includes("r"), exported: v.exported || on.includes("x") });
    }
    return status;
  };
}

/** Attributes on and off, an array made or converted; the reason when bash refuses. */
function setAttributes(sh: Shell, name: string, on: string, off: string): string | undefined {
  const v = sh.vars.get(name);
  let value: VariableValue | undefined = v?.value;
  if (on.includes("A")) {
    if (Array.isArray(value)) return "cannot convert indexed to associative array";
    if (!(value instanceof AssocArray)) value = typeof value === "string" ? AssocArray.empty().with("0", value) : AssocArray.empty();
  } else if (on.includes("a")) {
    if (value instanceof AssocArray) return "cannot convert associative to indexed array";
    if (!Array.isArray(value)) value = typeof value === "string" ? [value] : [];
  }
  let attrs = v?.attrs ?? "";
  for (const letter of "ilun") {
    if (on.includes(letter) && !attrs.includes(letter)) attrs += letter;
    if (off.includes(letter)) attrs = attrs.replace(letter, "");
  }
  // Upper and lower case exclude each other: asking for both gives neither.
  if (on.includes("u") && on.includes("l")) attrs = attrs.replace(/[lu]/g, "");
  else if (on.includes("u")) attrs = attrs.replace("l", "");
  else if (on.includes("l")) attrs = attrs.replace("u", "");
  const exported = off.includes("x") ? false : (v?.exported ?? false);
  sh.vars.set(name, { value, exported, readonly: v?.readonly ?? false, ...(attrs === "" ? {} : { attrs }) });
  return undefined;
}

/** Without names, every variable with the attributes asked for; `-p NAME` each one named. */
function list(sh: Shell, builtin: DeclarationBuiltin, want: string, names: readonly string[], print: boolean): number {
  if (names.length > 0) {
    let status = 0;
    for (const name of names) {
      const v = sh.vars.get(name);
      if (v === undefined) {
        sh.builtinError(builtin, `${name}: not found`);
        status = 1;
      } else sh.out(declareLine(name, v));
    }
    return status;
  }
  for (const name of [...sh.vars.keys()].sort()) {
    const v = sh.vars.get(name)!;
    const letters = attributeLetters(v);
    if (![...want].every((l) => letters.includes(l))) continue;
    if (!print && want === "") {
      if (v.value !== undefined) sh.out(`${name}${valueText(v.value)}\n`);
    } else sh.out(declareLine(name, v));
  }
  return 0;
}

/** `declare -f`: the functions' definitions (-F: their names), all of them or those named. */
function functions(sh: Shell, namesOnly: boolean, names: readonly string[]): number {
  const show = (name: string) => sh.out(namesOnly ? (names.length === 0 ? `declare -f ${name}\n` : `${name}\n`) : `${functionText(name, sh.functions.get(name)!)}\n`);
  if (names.length === 0) {
    for (const name of [...sh.functions.keys()].sort()) show(name);
    return 0;
  }
  let status = 0;
  for (const name of names) {
    if (sh.functions.has(name)) show(name);
    else status = 1;
  }
  return status;
}
