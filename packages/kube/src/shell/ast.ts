/**
 * The shell's syntax tree. Words keep their structure (quoting, expansions) until they are
 * expanded at run time, because quoting decides field splitting and pathname expansion.
 */

export type WordPart =
  /** Unquoted text: subject to pathname expansion (and tilde expansion at the start). */
  | { readonly type: "literal"; readonly text: string }
  /** Text protected by single quotes, `$'..'` or a backslash. */
  | { readonly type: "quoted"; readonly text: string }
  | { readonly type: "double"; readonly parts: readonly WordPart[] }
  | { readonly type: "tilde"; readonly user: string }
  | ParamPart
  | { readonly type: "command"; readonly body: CommandList; readonly source: string }
  /** bash `<(list)` and `>(list)`: a path (/dev/fd/63) to read the list's output from, or write its input to. */
  | { readonly type: "process"; readonly output: boolean; readonly body: CommandList; readonly source: string }
  | { readonly type: "arith"; readonly expr: Word }
  /** A `${...}` no shell can expand (`${x!}`): an error when it is reached. */
  | { readonly type: "bad"; readonly text: string }
  /** bash `name=(a b c)`: only as the value of an assignment. */
  | { readonly type: "array"; readonly words: readonly Word[] };

export interface ParamPart {
  readonly type: "param";
  readonly name: string;
  /** `${a[i]}`: the subscript word (`@` and `*` are kept as literal words). */
  readonly index?: Word;
  /** `${#x}` */
  readonly length?: boolean;
  /** bash `${!x}` (the variable x names) and `${!a[@]}` (the array's indices). */
  readonly indirect?: boolean;
  /** bash `${!prefix@}` and `${!prefix*}`: the names of the variables that begin with `name`. */
  readonly names?: "@" | "*";
  readonly op?: ParamOp;
  /** The text between `${` and `}`, for "bad substitution" messages. */
  readonly source?: string;
}

export type ParamOp =
  | { readonly kind: "default" | "assign" | "error" | "alternative"; readonly colon: boolean; readonly word: Word }
  | { readonly kind: "suffix" | "longSuffix" | "prefix" | "longPrefix"; readonly word: Word }
  | { readonly kind: "replace"; readonly mode: "first" | "all" | "start" | "end"; readonly pattern: Word; readonly replacement: Word }
  | { readonly kind: "substring"; readonly offset: Word; readonly length?: Word }
  /** bash `${x@Q}` and the other transformations (see TransformLetter). */
  | { readonly kind: "transform"; readonly letter: TransformLetter; readonly source: string }
  /** `^`/`^^` upper, `,`/`,,` lower, `~`/`~~` toggle the case of the first letter or all of them. */
  | { readonly kind: "case"; readonly to: "upper" | "lower" | "toggle"; readonly all: boolean };

/**
 * `@Q` quoted for reuse, `@E` escapes expanded, `@U`/`@u`/`@L` case; `@A` an assignment that
 * makes the variable again, `@a` its attributes, `@K`/`@k` an array's keys with its values.
 */
export type TransformLetter = "Q" | "E" | "U" | "u" | "L" | "A" | "a" | "K" | "k";

export interface Word {
  readonly parts: readonly WordPart[];
  /** Source text, used for reserved-word checks and messages. */
  readonly text: string;
}

export interface Assignment {
  readonly name: string;
  /** bash `name[subscript]=value`. */
  readonly subscript?: Word;
  readonly append: boolean;
  readonly value: Word;
}

export type RedirectOp = "<" | ">" | ">>" | ">|" | "<>" | "<&" | ">&" | "&>" | "&>>" | "<<" | "<<-" | "<<<";

export interface Redirect {
  readonly fd: number | undefined;
  readonly op: RedirectOp;
  readonly target: Word;
  /** Here-document body, filled in when the parser reaches the end of the line. */
  heredoc?: { body: Word; readonly quoted: boolean };
}

interface Located {
  readonly line: number;
}

export interface SimpleCommand extends Located {
  readonly type: "simple";
  readonly assignments: readonly Assignment[];
  readonly words: readonly Word[];
  readonly redirects: readonly Redirect[];
}

export type CompoundBody =
  | { readonly type: "subshell"; readonly body: CommandList }
  | { readonly type: "group"; readonly body: CommandList }
  | { readonly type: "if"; readonly clauses: readonly { readonly cond: CommandList; readonly body: CommandList }[]; readonly elseBody?: CommandList }
  | { readonly type: "loop"; readonly until: boolean; readonly cond: CommandList; readonly body: CommandList }
  /** `for`, or bash's `select` (a menu of the items, read from standard input). */
  | { readonly type: "for"; readonly name: string; readonly items?: readonly Word[]; readonly body: CommandList; readonly select?: boolean }
  | { readonly type: "cfor"; readonly init: Word; readonly cond: Word; readonly step: Word; readonly body: CommandList }
  | { readonly type: "case"; readonly subject: Word; readonly items: readonly CaseItem[] }
  | { readonly type: "cond"; readonly expr: CondExpr }
  | { readonly type: "arith"; readonly expr: Word };

export type CompoundCommand = CompoundBody & Located & { readonly redirects: readonly Redirect[] };

export interface CaseItem {
  readonly patterns: readonly Word[];
  readonly body: CommandList;
  readonly terminator: ";;" | ";&" | ";;&";
}

export interface FunctionDefinition extends Located {
  readonly type: "function";
  readonly name: string;
  readonly body: Command;
}

export type Command = SimpleCommand | CompoundCommand | FunctionDefinition;

export type CondExpr =
  | { readonly type: "and" | "or"; readonly left: CondExpr; readonly right: CondExpr }
  | { readonly type: "not"; readonly expr: CondExpr }
  | { readonly type: "unary"; readonly op: string; readonly arg: Word }
  | { readonly type: "binary"; readonly op: string; readonly left: Word; readonly right: Word }
  | { readonly type: "word"; readonly arg: Word };

export interface Pipeline extends Located {
  readonly negate: boolean;
  readonly commands: readonly Command[];
  /** bash `|&`: stderr of command i goes down the pipe too. */
  readonly stderrToo: readonly boolean[];
  /** bash's `time` (`time -p`: POSIX's format) before the pipeline; `time` alone has no commands. */
  readonly timed?: "bash" | "posix";
}

export interface AndOr {
  readonly first: Pipeline;
  readonly rest: readonly { readonly op: "&&" | "||"; readonly pipeline: Pipeline }[];
}

export interface ListItem {
  readonly andOr: AndOr;
  readonly background: boolean;
  /** Source text of the item (with its here-document bodies), for transcripts. */
  readonly source: string;
}

export type CommandList = readonly ListItem[];
