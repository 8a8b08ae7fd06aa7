/** The parsed form of an awk program. Variables are resolved to slots while parsing. */

/** A global slot (`scope: "global"`) or a parameter/local of the function being run. */
export interface VarRef {
  readonly scope: "global" | "local";
  readonly index: number;
  readonly name: string;
}

export type LValue =
  | { readonly kind: "var"; readonly ref: VarRef }
  | { readonly kind: "index"; readonly ref: VarRef; readonly subscripts: readonly Expr[] }
  | { readonly kind: "field"; readonly index: Expr };

export type BinaryOp = "+" | "-" | "*" | "/" | "%" | "^";
export type CompareOp = "<" | "<=" | "==" | "!=" | ">" | ">=";
export type AssignOp = "=" | "+=" | "-=" | "*=" | "/=" | "%=" | "^=";

export const BUILTIN_NAMES = [
  "length", "substr", "index", "split", "sub", "gsub", "match", "sprintf", "sin", "cos", "atan2", "exp", "log", "int", "sqrt", "rand", "srand", "tolower", "toupper",
  "system", "close", "fflush", "systime", "mktime", "strftime",
] as const;
export type BuiltinName = (typeof BUILTIN_NAMES)[number];

export type Expr =
  | LValue
  | { readonly kind: "num"; readonly value: number }
  | { readonly kind: "str"; readonly value: string }
  /** A regex literal; on its own it means `$0 ~ /re/`. */
  | { readonly kind: "regex"; readonly source: string }
  | { readonly kind: "assign"; readonly op: AssignOp; readonly target: LValue; readonly value: Expr }
  | { readonly kind: "incdec"; readonly delta: 1 | -1; readonly prefix: boolean; readonly target: LValue }
  | { readonly kind: "not"; readonly operand: Expr }
  | { readonly kind: "neg"; readonly operand: Expr }
  | { readonly kind: "plus"; readonly operand: Expr }
  | { readonly kind: "binary"; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr }
  | { readonly kind: "concat"; readonly parts: readonly Expr[] }
  | { readonly kind: "compare"; readonly op: CompareOp; readonly left: Expr; readonly right: Expr }
  | { readonly kind: "match"; readonly negate: boolean; readonly subject: Expr; readonly regex: Expr }
  | { readonly kind: "and"; readonly left: Expr; readonly right: Expr }
  | { readonly kind: "or"; readonly left: Expr; readonly right: Expr }
  | { readonly kind: "cond"; readonly test: Expr; readonly then: Expr; readonly otherwise: Expr }
  | { readonly kind: "in"; readonly subscripts: readonly Expr[]; readonly ref: VarRef }
  | { readonly kind: "call"; readonly name: string; readonly args: readonly Expr[]; readonly line: number }
  | { readonly kind: "builtin"; readonly name: BuiltinName; readonly args: readonly Expr[] }
  | { readonly kind: "getline"; readonly from: "main" | "file" | "command"; readonly target: LValue | undefined; readonly source: Expr | undefined };

export interface Redirect {
  readonly mode: ">" | ">>" | "|";
  readonly target: Expr;
}

export type Stmt =
  | { readonly kind: "expr"; readonly expr: Expr }
  | { readonly kind: "print"; readonly args: readonly Expr[]; readonly redirect: Redirect | undefined }
  | { readonly kind: "printf"; readonly args: readonly Expr[]; readonly redirect: Redirect | undefined }
  | { readonly kind: "if"; readonly test: Expr; readonly then: Stmt; readonly otherwise: Stmt | undefined }
  | { readonly kind: "while"; readonly test: Expr; readonly body: Stmt }
  | { readonly kind: "do"; readonly body: Stmt; readonly test: Expr }
  | { readonly kind: "for"; readonly init: Stmt | undefined; readonly test: Expr | undefined; readonly update: Stmt | undefined; readonly body: Stmt }
  | { readonly kind: "forin"; readonly variable: VarRef; readonly ref: VarRef; readonly body: Stmt }
  | { readonly kind: "block"; readonly body: readonly Stmt[] }
  | { readonly kind: "next" }
  | { readonly kind: "nextfile" }
  | { readonly kind: "exit"; readonly status: Expr | undefined }
  | { readonly kind: "return"; readonly value: Expr | undefined }
  | { readonly kind: "break" }
  | { readonly kind: "continue" }
  | { readonly kind: "delete"; readonly ref: VarRef; readonly subscripts: readonly Expr[] | undefined };

export interface Rule {
  /** No pattern: every record. Two patterns: a range. */
  readonly patterns: readonly Expr[];
  /** Undefined: `{ print }`. */
  readonly action: readonly Stmt[] | undefined;
}

export interface FunctionDef {
  readonly name: string;
  readonly params: readonly string[];
  body: readonly Stmt[];
  /** Parameters the body uses as arrays: callers pass those by reference, creating them if needed. */
  arrayParams: boolean[];
}

export interface Program {
  readonly begin: readonly (readonly Stmt[])[];
  readonly rules: readonly Rule[];
  readonly end: readonly (readonly Stmt[])[];
  readonly functions: ReadonlyMap<string, FunctionDef>;
  /** Names of the global slots, in slot order (the special variables come first). */
  readonly globals: readonly string[];
}

/** The special variables, in slot order. */
export const SPECIAL_VARS = ["NF", "NR", "FNR", "FS", "OFS", "ORS", "RS", "FILENAME", "SUBSEP", "RSTART", "RLENGTH", "CONVFMT", "OFMT", "ENVIRON", "ARGC", "ARGV"] as const;
type SpecialVar = (typeof SPECIAL_VARS)[number];

export function specialSlot(name: SpecialVar): number {
  return SPECIAL_VARS.indexOf(name);
}
