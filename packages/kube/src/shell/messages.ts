import type { FsError } from "@ksim/sim";
import type { SpawnError } from "../runtime/process.js";
import type { ArithError } from "./arith.js";
import type { ShellSyntaxError } from "./parser.js";

/**
 * How each shell words its errors. dash prefixes `$0: LINENO: `; bash `$0: line N: ` (nothing
 * but `$0: ` when interactive); busybox ash `$0: ` (`$0: line N: ` in scripts).
 */

export type Flavor = "dash" | "bash" | "ash";

/** How the shell got its commands: `-c string`, a script file, or typed (the host shell). */
export type InputMode = "c" | "script" | "interactive";

export class Messages {
  constructor(
    readonly flavor: Flavor,
    readonly mode: InputMode,
    /** dash's commandname while `eval` or `.` runs: errors name it after the line (`sh: 1: eval: `). */
    readonly commandName?: string,
  ) {}

  /** The prefix of a runtime error raised at `line`. */
  prefix(arg0: string, line: number): string {
    switch (this.flavor) {
      case "dash":
        return this.commandName === undefined ? `${arg0}: ${line}: ` : `${arg0}: ${line}: ${this.commandName}: `;
      case "bash":
        return this.mode === "interactive" ? `${arg0}: ` : `${arg0}: line ${line}: `;
      case "ash":
        return this.mode === "script" ? `${arg0}: line ${line}: ` : `${arg0}: `;
    }
  }

  /** A builtin's complaint, e.g. dash `sh: 1: cd: can't cd to /x`. */
  builtin(arg0: string, line: number, name: string, text: string): string {
    if (this.flavor === "ash") return `${arg0}: ${name}: ${this.mode === "script" ? `line ${line}: ` : "line 0: "}${text}\n`;
    // A builtin is dash's commandname while it runs.
    if (this.flavor === "dash") return `${arg0}: ${line}: ${name}: ${text}\n`;
    return `${this.prefix(arg0, line)}${name}: ${text}\n`;
  }

  commandNotFound(arg0: string, line: number, command: string): string {
    if (this.flavor === "bash") {
      if (command.includes("/")) return `${this.prefix(arg0, line)}${command}: No such file or directory\n`;
      return `${this.prefix(arg0, line)}${command}: command not found\n`;
    }
    return `${this.prefix(arg0, line)}${command}: not found\n`;
  }

  cannotExecute(arg0: string, line: number, error: SpawnError): string {
    let reason: string = error.reason;
    if (this.flavor === "bash") {
      if (reason === "Exec format error") reason = "cannot execute binary file: Exec format error";
    } else if (reason === "Is a directory") {
      reason = "Permission denied";
    }
    return `${this.prefix(arg0, line)}${error.command}: ${reason}\n`;
  }

  /**
   * `reading`: what bash's parser was reading, when not the shell's own input: `eval`, `trap`
   * or a file `.` read, and whether the shell was reading it interactively (a startup file it
   * reads as a non-interactive shell would).
   */
  syntax(arg0: string, error: ShellSyntaxError, sourceEndsWithNewline: boolean, reading?: { readonly input: string; readonly interactive: boolean }): string {
    const p = error.problem;
    if (this.flavor === "dash") {
      // dash has counted the newline it stopped at.
      const pre = this.prefix(arg0, p.kind === "unexpected" && p.token.name === "newline" ? error.line + 1 : error.line);
      switch (p.kind) {
        case "unexpected":
          return `${pre}Syntax error: ${p.token.name} unexpected${p.expecting !== undefined ? ` (expecting ${p.expecting})` : ""}\n`;
        case "unterminated":
          return `${pre}Syntax error: ${dashUnterminated(p.delimiter)}\n`;
        case "badForVariable":
          return `${pre}Syntax error: Bad for loop variable\n`;
      }
    }
    if (this.flavor === "ash") {
      const pre = this.mode === "script" ? `${arg0}: line ${error.line}: ` : `${arg0}: `;
      switch (p.kind) {
        case "unexpected": {
          const name = p.token.eof ? "end of file" : p.token.name;
          return `${pre}syntax error: unexpected ${name}${p.expecting !== undefined ? ` (expecting ${p.expecting})` : ""}\n`;
        }
        case "unterminated":
          return `${pre}syntax error: ${p.delimiter === "}" ? "missing '}'" : p.delimiter === ")" ? 'unexpected end of file (expecting ")")' : "unterminated quoted string"}\n`;
        case "badForVariable":
          return `${pre}syntax error: bad for loop variable\n`;
      }
    }
    // bash counts the end of input as one more line when the text does not end in a newline.
    const line = error.incomplete && !sourceEndsWithNewline ? error.line + 1 : error.line;
    // parser_error: what is being read is named after the shell's name, unless it is the same
    // name or the shell is reading interactively.
    const interactive = reading?.interactive ?? this.mode === "interactive";
    const input = reading?.input ?? (this.mode === "c" ? "-c" : arg0);
    const pre = interactive ? `${arg0}: ` : input === arg0 && this.mode !== "interactive" ? `${arg0}: line ${line}: ` : `${arg0}: ${input}: line ${line}: `;
    switch (p.kind) {
      case "unexpected":
        if (p.token.eof) return `${pre}syntax error: unexpected end of file\n`;
        return `${pre}syntax error near unexpected token \`${p.token.text}'\n` + (interactive ? "" : `${pre}\`${error.lineText}'\n`);
      case "unterminated":
        return `${pre}unexpected EOF while looking for matching \`${p.delimiter}'\n`;
      case "badForVariable":
        return `${this.prefix(arg0, error.line)}\`${p.name}': not a valid identifier\n`;
    }
  }

  /** A `${...}` the shell cannot expand, found as it expands it. */
  badSubstitution(arg0: string, line: number, text: string): string {
    if (this.flavor === "bash") return `${this.prefix(arg0, line)}${text}: bad substitution\n`;
    if (this.flavor === "dash") return `${this.prefix(arg0, line)}Bad substitution\n`;
    return `${this.mode === "script" ? `${arg0}: line ${line}: ` : `${arg0}: `}syntax error: bad substitution\n`;
  }

  arithmetic(arg0: string, line: number, error: ArithError): string {
    const pre = this.prefix(arg0, line);
    switch (this.flavor) {
      case "dash": {
        if (error.problem === "illegalNumber") return `${pre}Illegal number: ${error.expression}\n`;
        const what = error.problem === "divzero" ? "division by zero" : error.problem === "operand" ? "expecting primary" : "expecting EOF";
        return `${pre}arithmetic expression: ${what}: "${error.expression}"\n`;
      }
      case "bash": {
        const what =
          error.problem === "divzero"
            ? "division by 0"
            : error.problem === "operand"
              ? "syntax error: operand expected"
              : error.problem === "base"
                ? "value too great for base"
                : "syntax error in expression";
        return `${pre}${error.expression.trimStart()}: ${what} (error token is "${error.token}")\n`;
      }
      case "ash":
        return `${pre}${error.problem === "divzero" ? "divide by zero" : "arithmetic syntax error"}\n`;
    }
  }

  unboundVariable(arg0: string, line: number, name: string): string {
    return `${this.prefix(arg0, line)}${name}: ${this.flavor === "bash" ? "unbound variable" : "parameter not set"}\n`;
  }

  /** `${x?}` / `${x:?}` without a message. */
  parameterNullOrNotSet(arg0: string, line: number, name: string, colon: boolean): string {
    if (this.flavor === "bash") return `${this.prefix(arg0, line)}${name}: parameter null or not set\n`;
    return `${this.prefix(arg0, line)}${name}: parameter not set${colon ? " or null" : ""}\n`;
  }

  readonlyAssignment(arg0: string, line: number, name: string): string {
    return `${this.prefix(arg0, line)}${name}: ${this.flavor === "bash" ? "readonly variable" : "is read only"}\n`;
  }

  /** A redirection that could not be opened. */
  redirection(arg0: string, line: number, path: string, error: FsError, forWriting: boolean): string {
    const pre = this.prefix(arg0, line);
    const missing = error.code === "ENOENT";
    if (this.flavor === "bash") return `${pre}${path}: ${error.description}\n`;
    if (this.flavor === "dash") {
      const what = missing ? (forWriting ? "Directory nonexistent" : "No such file") : error.description;
      return `${pre}cannot ${forWriting ? "create" : "open"} ${path}: ${what}\n`;
    }
    const what = missing ? (forWriting ? "nonexistent directory" : "no such file") : error.description;
    return `${pre}can't ${forWriting ? "create" : "open"} ${path}: ${what}\n`;
  }
}

function dashUnterminated(delimiter: string): string {
  switch (delimiter) {
    case "}":
      return "Missing '}'";
    case ")":
      return 'end of file unexpected (expecting ")")';
    case "`":
      return "EOF in backquote substitution";
    default:
      return "Unterminated quoted string";
  }
}
