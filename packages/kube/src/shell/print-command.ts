import type { AndOr, Assignment, Command, CommandList, CompoundCommand, CondExpr, ListItem, Pipeline, Redirect, SimpleCommand } from "./ast.js";
import { ansiCString } from "./parser.js";

/**
 * bash's print_cmd.c: a function's definition as `declare -f` and `type` show it, rebuilt from
 * the parse tree. Words print as they were written (bash keeps them unexpanded too), one
 * blank between them; commands one to a line, indented four per level, `;` after all but the
 * last; comments are gone. Known difference: bash prints a `$'...'` word with its escapes
 * already turned into the characters.
 */
export function functionText(name: string, body: Command): string {
  return definition(name, body, "", false);
}

const STEP = "    ";

function definition(name: string, body: Command, indent: string, nested: boolean): string {
  // A body that is not a group is printed as one: `f() ( x )` shows `{ ( x ) }`.
  const group: CompoundCommand =
    body.type === "group" ? body : { type: "group", body: [{ andOr: { first: { negate: false, commands: [body], stderrToo: [false], line: body.line }, rest: [] }, background: false, source: "" }], redirects: [], line: body.line };
  return `${nested ? "function " : ""}${name} () \n${indent}${commandText(group, indent)}`;
}

/** A list, its items separated by `;` and a new line (a here-document's body ends its line). */
function list(items: CommandList, indent: string): string {
  let out = "";
  items.forEach((item, i) => {
    out += andOr(item.andOr, indent);
    const bodies = heredocs(item);
    if (item.background) out += i === items.length - 1 ? " &" : " & ";
    else if (bodies !== "") out += `\n${bodies}${i === items.length - 1 ? "" : `\n${indent}`}`;
    else if (i < items.length - 1) out += `;\n${indent}`;
  });
  return out;
}

function andOr(a: AndOr, indent: string): string {
  return pipeline(a.first, indent) + a.rest.map((r) => ` ${r.op} ${pipeline(r.pipeline, indent)}`).join("");
}

function pipeline(p: Pipeline, indent: string): string {
  let out = p.timed === "posix" ? "time -p " : p.timed === "bash" ? "time " : "";
  if (p.negate) out += "! ";
  p.commands.forEach((c, i) => {
    if (i > 0) out += p.stderrToo[i - 1] ? " 2>&1 | " : " | ";
    out += commandText(c, indent);
  });
  return out;
}

/** A command as print_cmd.c writes it: in `declare -f`, and as $BASH_COMMAND. */
export function commandText(c: Command, indent = ""): string {
  switch (c.type) {
    case "simple":
      return simpleCommandText(c);
    case "function":
      return definition(c.name, c.body, indent, true);
    default: {
      const r = redirects(c.redirects);
      return compound(c, indent) + (r === "" ? "" : ` ${r}`);
    }
  }
}

function simpleCommandText(c: SimpleCommand): string {
  return [...c.assignments.map(assignment), ...c.words.map((w) => printed(w.text)), redirects(c.redirects)].filter((s) => s !== "").join(" ");
}

function assignment(a: Assignment): string {
  return `${a.name}${a.subscript === undefined ? "" : `[${a.subscript.text}]`}${a.append ? "+=" : "="}${printed(a.value.text)}`;
}

function redirects(rs: readonly Redirect[]): string {
  return rs.map(redirect).join(" ");
}

/** `2>&1`, `3>&-` and `<<EOF` join their target; the others have a blank before it. */
function redirect(r: Redirect): string {
  const standard = r.op.startsWith("<") ? 0 : 1;
  const fd = r.fd === undefined || (r.fd === standard && !r.op.includes("&")) ? "" : String(r.fd);
  const joined = r.op === "<<" || r.op === "<<-" || ((r.op === ">&" || r.op === "<&") && /^(\d+|-)$/.test(r.target.text));
  return `${fd}${r.op}${joined ? "" : " "}${printed(r.target.text)}`;
}

/** The bodies of an item's here-documents, each up to its delimiter line. */
function heredocs(item: ListItem): string {
  let out = "";
  const visit = (c: SimpleCommand | CompoundCommand) => {
    for (const r of c.redirects) {
      if (r.heredoc === undefined) continue;
      const delimiter = r.target.text.replace(/['"\\]/g, "");
      out += `${r.heredoc.body.text}${delimiter}\n`;
    }
  };
  for (const p of [item.andOr.first, ...item.andOr.rest.map((r) => r.pipeline)]) for (const c of p.commands) if (c.type !== "function") visit(c);
  return out;
}

function compound(c: CompoundCommand, indent: string): string {
  const inner = indent + STEP;
  switch (c.type) {
    case "group":
      return `{ \n${inner}${list(c.body, inner)}\n${indent}}`;
    case "subshell":
      return `( ${list(c.body, indent)} )`;
    case "if": {
      // elif is an if inside the else.
      const [first, ...others] = c.clauses;
      let out = `if ${list(first!.cond, indent)}; then\n${inner}${list(first!.body, inner)};\n${indent}`;
      if (others.length > 0) out += `else\n${inner}${compound({ ...c, clauses: others, redirects: [] }, inner)};\n${indent}`;
      else if (c.elseBody !== undefined) out += `else\n${inner}${list(c.elseBody, inner)};\n${indent}`;
      return `${out}fi`;
    }
    case "loop":
      return `${c.until ? "until" : "while"} ${list(c.cond, indent)}; do\n${inner}${list(c.body, inner)};\n${indent}done`;
    case "for":
      return `${c.select ? "select" : "for"} ${c.name} in ${c.items === undefined ? '"$@"' : c.items.map((w) => printed(w.text)).join(" ")};\n${indent}do\n${inner}${list(c.body, inner)};\n${indent}done`;
    case "cfor": {
      const part = (text: string) => text.trim() || "1";
      return `for ((${part(c.init.text)}; ${part(c.cond.text)}; ${part(c.step.text)}))\n${indent}do\n${inner}${list(c.body, inner)};\n${indent}done`;
    }
    case "case": {
      let out = `case ${printed(c.subject.text)} in \n`;
      for (const item of c.items) {
        out += `${inner}${item.patterns.map((p) => printed(p.text)).join(" | ")})\n`;
        out += item.body.length === 0 ? "\n" : `${inner}${STEP}${list(item.body, inner + STEP)}\n`;
        out += `${inner}${item.terminator}\n`;
      }
      return `${out}${indent}esac`;
    }
    case "cond":
      return `[[ ${cond(c.expr, false)} ]]`;
    case "arith":
      return `((${c.expr.text}))`;
  }
}

/** A `[[ ]]` expression; a bare word is printed as the `-n` test it is. The parser keeps no parentheses: `||` inside `&&` gets them back. */
function cond(e: CondExpr, inAnd: boolean): string {
  switch (e.type) {
    case "and":
      return `${cond(e.left, true)} && ${cond(e.right, true)}`;
    case "or": {
      const text = `${cond(e.left, false)} || ${cond(e.right, false)}`;
      return inAnd ? `( ${text} )` : text;
    }
    case "not":
      return `! ${cond(e.expr, inAnd)}`;
    case "unary":
      return `${e.op} ${e.arg.text}`;
    case "binary":
      return `${e.left.text} ${e.op} ${e.right.text}`;
    case "word":
      return `-n ${e.arg.text}`;
  }
}

/**
 * A word as bash keeps it: its parser turns `$'..'` into the single-quoted string it stands
 * for (`$'a\tb'` prints as 'a<TAB>b'); the rest of the source stays as written.
 */
function printed(text: string): string {
  if (!text.includes("$'")) return text;
  let out = "";
  let inDouble = false;
  for (let i = 0; i < text.length; ) {
    const c = text[i]!;
    if (c === "\\") {
      out += text.slice(i, i + 2);
      i += 2;
    } else if (c === '"') {
      inDouble = !inDouble;
      out += c;
      i++;
    } else if (c === "'" && !inDouble) {
      const end = text.indexOf("'", i + 1);
      const stop = end < 0 ? text.length : end + 1;
      out += text.slice(i, stop);
      i = stop;
    } else if (c === "$" && text[i + 1] === "'" && !inDouble) {
      const r = ansiCString(text, i + 2);
      if (r === undefined) return out + text.slice(i);
      out += `'${r.text.replace(/'/g, "'\\''")}'`;
      i = r.next;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}
