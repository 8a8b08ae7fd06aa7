import { byteChar, normalizeBytes } from "@ksim/sim";
import type {
  AndOr,
  Assignment,
  CaseItem,
  Command,
  CommandList,
  CompoundBody,
  CompoundCommand,
  CondExpr,
  ListItem,
  TransformLetter,
  ParamOp,
  ParamPart,
  Pipeline,
  Redirect,
  RedirectOp,
  Word,
  WordPart,
} from "./ast.js";

/**
 * A hand-written lexer and recursive-descent parser for the POSIX shell grammar plus the bash
 * extensions scripts in images use (`[[ ]]`, `(( ))`, `$'..'`, arrays, `${x/a/b}`). Like dash
 * and bash, it reads one complete command at a time, so earlier lines of a script run before a
 * syntax error further down is found.
 */

/** What went wrong, in terms each shell words differently (see messages.ts). */
export type SyntaxProblem =
  | { readonly kind: "unexpected"; readonly token: TokenDescription; readonly expecting?: string }
  | { readonly kind: "unterminated"; readonly delimiter: string }
  | { readonly kind: "badForVariable"; readonly name: string };

/** A token as the shells name it: dash `"fi"` / `word` / `end of file`; bash the text itself. */
export interface TokenDescription {
  readonly name: string;
  readonly text: string;
  readonly eof: boolean;
}

export class ShellSyntaxError extends Error {
  override name = "ShellSyntaxError";
  constructor(
    readonly problem: SyntaxProblem,
    readonly line: number,
    /** The text of the line the error is on (bash repeats it). */
    readonly lineText: string,
    /** The input ended inside a construct: more lines would complete it. */
    readonly incomplete: boolean,
  ) {
    super(problem.kind);
  }
}

type Token =
  | { readonly kind: "word"; readonly word: Word; readonly start: number; readonly end: number; readonly line: number }
  | { readonly kind: "op"; readonly op: string; readonly fd?: number; readonly start: number; readonly end: number; readonly line: number }
  | { readonly kind: "newline"; readonly start: number; readonly end: number; readonly line: number; readonly bodiesEnd: number }
  | { readonly kind: "eof"; readonly start: number; readonly end: number; readonly line: number };

const RESERVED = new Set(["if", "then", "else", "elif", "fi", "do", "done", "case", "esac", "while", "until", "for", "{", "}", "!", "in"]);
const BASH_RESERVED = new Set(["[[", "]]", "function", "select", "time"]);

/** What may follow `time` when it times nothing. */
const PIPELINE_ENDS = new Set([";", "&", "&&", "||", ")", ";;"]);
/** Words that end a compound list. */
const TERMINATORS = new Set(["then", "else", "elif", "fi", "do", "done", "esac", "}"]);
const SH_OPS = ["&&", "||", ";;", "<<-", "<<", ">>", "<&", ">&", "<>", ">|", ";", "&", "|", "(", ")", "<", ">"];
const BASH_OPS = ["&>>", "<<<", ";;&", "<<-", "&&", "||", ";;", ";&", "|&", "<<", ">>", "<&", ">&", "<>", ">|", "&>", ";", "&", "|", "(", ")", "<", ">"];
const REDIRECT_OPS = new Set<string>(["<", ">", ">>", ">|", "<>", "<&", ">&", "&>", "&>>", "<<", "<<-", "<<<"]);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)(\+?)=/;

interface PendingHeredoc {
  readonly redirect: Redirect;
  readonly delimiter: string;
  readonly strip: boolean;
  readonly quoted: boolean;
  readonly line: number;
}

type PartsMode = "word" | "double" | "brace" | "braceDouble" | "heredoc" | "arith" | "regex";

export interface ParserOptions {
  readonly bash: boolean;
  /**
   * busybox ash's bash compatibility (ASH_BASH_COMPAT, on in defconfig): the `function` keyword,
   * `$'...'`, `${var:offset:length}` and `${var/pattern/replacement}` (`//` for every match, but
   * without bash's `#` and `%` anchors).
   */
  readonly ashBashCompat?: boolean;
  /** Line number of the first line of `source` (nested parses of backquotes, here-documents). */
  readonly firstLine?: number;
  /** The aliases to expand in command words, as they are when each command is read. */
  readonly aliases?: AliasTable;
  /** bash's shopt extglob, asked as each command is read: `@(a|b)` and its kin are part of a word. */
  readonly extglob?: () => boolean;
}

/** The shell's aliases as its parser looks them up: undefined when the shell expands none. */
export interface AliasTable {
  get(name: string): string | undefined;
}

export class Parser {
  private pos = 0;
  private line: number;
  private peeked: Token | undefined;
  /** Reading the words of `name=(...)`, where a word may open with a subscript. */
  private inArrayWords = false;
  /** Reading `[[ ... ]]`, whose words may hold extglob patterns whether or not extglob is on. */
  private inCond = false;
  private pendingHeredocs: PendingHeredoc[] = [];
  private readonly bash: boolean;
  private readonly ops: readonly string[];
  private readonly firstLine: number;
  private readonly aliases: AliasTable | undefined;
  /** The aliases whose text is being read, and where it ends: none is expanded again inside its own text. */
  private expanding: { readonly name: string; end: number }[] = [];
  /** Where the text of an alias that ends in a blank ends: the word there is a command word too. */
  private aliasNextFrom: number | undefined;

  constructor(
    private src: string,
    private readonly options: ParserOptions,
  ) {
    this.bash = options.bash;
    this.line = options.firstLine ?? 1;
    this.firstLine = this.line;
    this.ops = this.bash ? BASH_OPS : SH_OPS;
    this.aliases = options.aliases;
  }

  /** The line the parser has reached (for LINENO of what comes next). */
  get currentLine(): number {
    return this.line;
  }

  /** Where in the text the next command begins (or blank lines and comments before it). */
  get offset(): number {
    return this.peeked?.start ?? this.pos;
  }

  /**
   * Whether only blank lines and comments are left after the command just parsed, found without
   * lexing further (a syntax error ahead must wait until the shell reaches it).
   */
  atEnd(): boolean {
    if (this.peeked !== undefined && this.peeked.kind !== "eof" && this.peeked.kind !== "newline") return false;
    const s = this.src;
    for (let i = this.peeked?.kind === "newline" ? this.peeked.end : this.pos; i < s.length; i++) {
      const c = s[i];
      if (c === " " || c === "\t" || c === "\n") continue;
      if (c === "\\" && s[i + 1] === "\n") {
        i++;
        continue;
      }
      if (c !== "#") return false;
      while (i < s.length && s[i] !== "\n") i++;
    }
    return true;
  }

  /** Parses the whole input. */
  parseAll(): CommandList {
    const items: ListItem[] = [];
    for (;;) {
      const next = this.nextCommand();
      if (next === undefined) return items;
      items.push(...next);
    }
  }

  /** Parses the next complete command (one line's list); undefined at the end of the input. */
  nextCommand(): CommandList | undefined {
    this.skipNewlines();
    if (this.peek().kind === "eof") return undefined;
    const items: ListItem[] = [];
    for (;;) {
      const start = this.peek().start;
      const andOr = this.parseAndOr();
      const end = this.lastEnd;
      const t = this.peek();
      let background = false;
      if (t.kind === "op" && (t.op === ";" || t.op === "&")) {
        this.advance();
        background = t.op === "&";
      }
      const after = this.peek();
      const stop = after.kind === "newline" || after.kind === "eof";
      const sourceEnd = stop && after.kind === "newline" && after.bodiesEnd > after.end ? after.bodiesEnd : background ? t.end : end;
      items.push({ andOr, background, source: this.src.slice(start, sourceEnd).trimEnd() });
      if (stop) {
        if (after.kind === "newline") this.advance();
        return items;
      }
      if (!(t.kind === "op" && (t.op === ";" || t.op === "&"))) throw this.unexpected(after);
    }
  }

  // ---- grammar ------------------------------------------------------------------------------

  private lastEnd = 0;

  private parseAndOr(): AndOr {
    const first = this.parsePipeline();
    const rest: { op: "&&" | "||"; pipeline: Pipeline }[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind !== "op" || (t.op !== "&&" && t.op !== "||")) return { first, rest };
      this.advance();
      this.skipNewlines();
      rest.push({ op: t.op, pipeline: this.parsePipeline() });
    }
  }

  private parsePipeline(): Pipeline {
    let negate = false;
    const line = this.peek().line;
    let timed: "bash" | "posix" | undefined;
    if (this.bash && this.isReserved(this.peek(), "time")) {
      this.advance();
      timed = "bash";
      if (this.isReserved(this.peek(), "-p")) {
        this.advance();
        timed = "posix";
      }
      const n = this.peek();
      if (n.kind === "eof" || n.kind === "newline" || (n.kind === "op" && PIPELINE_ENDS.has(n.op))) return { negate, commands: [], stderrToo: [], line, timed };
    }
    if (this.isReserved(this.peek(), "!")) {
      this.advance();
      negate = true;
    }
    const commands = [this.parseCommand()];
    const stderrToo: boolean[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind !== "op" || (t.op !== "|" && t.op !== "|&")) break;
      this.advance();
      stderrToo.push(t.op === "|&");
      this.skipNewlines();
      commands.push(this.parseCommand());
    }
    stderrToo.push(false);
    return timed === undefined ? { negate, commands, stderrToo, line } : { negate, commands, stderrToo, line, timed };
  }

  private parseCommand(): Command {
    let t = this.peek();
    while (this.expandAlias(t)) t = this.peek();
    const line = t.line;
    if (t.kind === "op") {
      if (t.op === "(") {
        if (this.bash && this.src[t.end] === "(") {
          const expr = this.tryArithCommand(t.end + 1);
          if (expr !== undefined) return this.withRedirects({ type: "arith", expr }, line);
        }
        this.advance();
        const body = this.parseList("subshell", ")");
        this.expectOp(")");
        return this.withRedirects({ type: "subshell", body }, line);
      }
      if (!REDIRECT_OPS.has(t.op)) throw this.unexpected(t);
      return this.parseSimple();
    }
    if (t.kind !== "word") throw this.unexpected(t);
    const w = plainText(t.word);
    if (w !== undefined && this.isReservedWord(w)) {
      switch (w) {
        case "{": {
          this.advance();
          const body = this.parseList("group", "}");
          this.expectWord("}");
          return this.withRedirects({ type: "group", body }, line);
        }
        case "if":
          return this.parseIf();
        case "while":
        case "until": {
          this.advance();
          const cond = this.parseList("loop", "do");
          this.expectWord("do");
          const body = this.parseList("loop", "done");
          this.expectWord("done");
          return this.withRedirects({ type: "loop", until: w === "until", cond, body }, line);
        }
        case "for":
          return this.parseFor(false);
        case "select":
          return this.parseFor(true);
        case "case":
          return this.parseCase();
        case "[[":
          return this.parseCond();
        case "function":
          return this.parseBashFunction();
        case "!":
        case "in":
        case "]]":
          break;
        default:
          throw this.unexpected(t);
      }
    }
    return this.parseSimple();
  }

  private withRedirects(body: CompoundBody, line: number): CompoundCommand {
    const redirects: Redirect[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind !== "op" || !REDIRECT_OPS.has(t.op)) break;
      redirects.push(this.parseRedirect());
    }
    return { ...body, redirects, line };
  }

  /** A compound list inside a construct; empty lists are syntax errors, as in every shell. */
  private parseList(context: "subshell" | "group" | "if" | "loop" | "case", closer?: string): CommandList {
    const items: ListItem[] = [];
    for (;;) {
      this.skipNewlines();
      const t = this.peek();
      if (this.endsList(t, context)) break;
      const start = t.start;
      const andOr = this.parseAndOr();
      const end = this.lastEnd;
      const sep = this.peek();
      let background = false;
      if (sep.kind === "op" && (sep.op === ";" || sep.op === "&")) {
        this.advance();
        background = sep.op === "&";
        items.push({ andOr, background, source: this.src.slice(start, end) });
        continue;
      }
      items.push({ andOr, background, source: this.src.slice(start, end) });
      if (sep.kind === "newline") continue;
      break;
    }
    if (items.length === 0) {
      const t = this.peek();
      throw this.unexpected(t, t.kind === "eof" && closer !== undefined ? `"${closer}"` : undefined);
    }
    return items;
  }

  private endsList(t: Token, context: string): boolean {
    if (t.kind === "eof") return true;
    if (t.kind === "op") return t.op === ")" || (context === "case" && (t.op === ";;" || t.op === ";&" || t.op === ";;&"));
    if (t.kind !== "word") return false;
    const w = plainText(t.word);
    return w !== undefined && TERMINATORS.has(w);
  }

  private parseIf(): CompoundCommand {
    const line = this.advance().line;
    const clauses: { cond: CommandList; body: CommandList }[] = [];
    let elseBody: CommandList | undefined;
    for (;;) {
      const cond = this.parseList("if", "then");
      this.expectWord("then");
      const body = this.parseList("if", "fi");
      clauses.push({ cond, body });
      const t = this.peek();
      if (this.isReserved(t, "elif")) {
        this.advance();
        continue;
      }
      if (this.isReserved(t, "else")) {
        this.advance();
        elseBody = this.parseList("if", "fi");
      }
      this.expectWord("fi");
      break;
    }
    return this.withRedirects(elseBody === undefined ? { type: "if", clauses } : { type: "if", clauses, elseBody }, line);
  }

  /** `for name [in words]; do ...; done`, bash's `for ((...))`, and bash's `select`, which reads like a for. */
  private parseFor(select: boolean): CompoundCommand {
    const line = this.advance().line;
    if (this.bash && !select && this.peeked === undefined) {
      this.skipBlanks();
      if (this.src.startsWith("((", this.pos)) {
        const text = this.readArithText(this.pos + 2);
        if (text !== undefined) {
          this.pos = text.end;
          const [init = "", cond = "", step = ""] = text.text.split(";");
          const t = this.peek();
          if (t.kind === "op" && t.op === ";") this.advance();
          this.skipNewlines();
          const body = this.parseDoGroup();
          return this.withRedirects(
            { type: "cfor", init: this.arithWord(init), cond: this.arithWord(cond), step: this.arithWord(step), body },
            line,
          );
        }
      }
    }
    const nameTok = this.advance();
    const name = nameTok.kind === "word" ? plainText(nameTok.word) : undefined;
    if (name === undefined || !NAME.test(name)) {
      // dash calls any token there a bad variable (`for ((` too); bash only a word.
      if (nameTok.kind === "word" || !this.bash) {
        const text = nameTok.kind === "word" ? nameTok.word.text : nameTok.kind === "op" ? nameTok.op : "";
        throw new ShellSyntaxError({ kind: "badForVariable", name: text }, nameTok.line, this.lineText(nameTok.line), false);
      }
      throw this.unexpected(nameTok);
    }
    this.skipNewlines();
    let items: Word[] | undefined;
    const t = this.peek();
    if (this.isReserved(t, "in")) {
      this.advance();
      items = [];
      for (;;) {
        const w = this.peek();
        if (w.kind !== "word") break;
        this.advance();
        items.push(w.word);
      }
      const sep = this.peek();
      if (sep.kind === "op" && sep.op === ";") this.advance();
      else if (sep.kind !== "newline") throw this.unexpected(sep);
    } else if (t.kind === "op" && t.op === ";") {
      this.advance();
    }
    this.skipNewlines();
    const body = this.parseDoGroup();
    return this.withRedirects({ type: "for", name, ...(items === undefined ? {} : { items }), body, ...(select ? { select } : {}) }, line);
  }

  private parseDoGroup(): CommandList {
    const t = this.peek();
    if (!this.isReserved(t, "do")) {
      if (this.bash || t.kind !== "word" || !this.isReserved(t, "{")) throw this.unexpected(t, '"do"');
    }
    this.advance();
    const closer = this.isReserved(t, "{") ? "}" : "done";
    const body = this.parseList("loop", closer);
    this.expectWord(closer);
    return body;
  }

  private parseCase(): CompoundCommand {
    const line = this.advance().line;
    const subjectTok = this.advance();
    if (subjectTok.kind !== "word") throw this.unexpected(subjectTok, "word");
    this.skipNewlines();
    this.expectWord("in");
    const items: CaseItem[] = [];
    for (;;) {
      this.skipNewlines();
      let t = this.peek();
      if (this.isReserved(t, "esac")) break;
      if (t.kind === "op" && t.op === "(") {
        this.advance();
        t = this.peek();
      }
      const patterns: Word[] = [];
      for (;;) {
        const p = this.advance();
        if (p.kind !== "word") throw this.unexpected(p, "word");
        patterns.push(p.word);
        const sep = this.peek();
        if (sep.kind === "op" && sep.op === "|") {
          this.advance();
          continue;
        }
        if (sep.kind === "op" && sep.op === ")") {
          this.advance();
          break;
        }
        throw this.unexpected(sep, '")"');
      }
      this.skipNewlines();
      const next = this.peek();
      let body: CommandList = [];
      if (!this.isReserved(next, "esac") && !(next.kind === "op" && (next.op === ";;" || next.op === ";&" || next.op === ";;&"))) {
        body = this.parseList("case");
      }
      const end = this.peek();
      if (end.kind === "op" && (end.op === ";;" || end.op === ";&" || end.op === ";;&")) {
        this.advance();
        items.push({ patterns, body, terminator: end.op });
        continue;
      }
      items.push({ patterns, body, terminator: ";;" });
      if (!this.isReserved(end, "esac")) throw this.unexpected(end, '"esac"');
    }
    this.expectWord("esac");
    return this.withRedirects({ type: "case", subject: subjectTok.word, items }, line);
  }

  private parseBashFunction(): Command {
    const line = this.advance().line;
    const nameTok = this.advance();
    if (nameTok.kind !== "word") throw this.unexpected(nameTok);
    const t = this.peek();
    if (t.kind === "op" && t.op === "(") {
      this.advance();
      this.expectOp(")");
    }
    this.skipNewlines();
    return { type: "function", name: nameTok.word.text, body: this.parseFunctionBody(), line };
  }

  /** dash accepts any command as a function body; bash only a compound command. */
  private parseFunctionBody(): Command {
    const body = this.parseCommand();
    if (this.bash && (body.type === "simple" || body.type === "function")) {
      throw new ShellSyntaxError(
        { kind: "unexpected", token: describeWord(body.type === "simple" ? (body.words[0]?.text ?? "") : body.name) },
        body.line,
        this.lineText(body.line),
        false,
      );
    }
    return body;
  }

  // ---- [[ ]] --------------------------------------------------------------------------------

  private parseCond(): CompoundCommand {
    const line = this.advance().line;
    const outer = this.inCond;
    this.inCond = true;
    let expr: CondExpr;
    try {
      expr = this.parseCondOr();
    } finally {
      this.inCond = outer;
    }
    const t = this.advance();
    if (!(t.kind === "word" && plainText(t.word) === "]]")) throw this.unexpected(t);
    return this.withRedirects({ type: "cond", expr }, line);
  }

  private parseCondOr(): CondExpr {
    let left = this.parseCondAnd();
    for (;;) {
      const t = this.peekCond();
      if (t.kind !== "op" || t.op !== "||") return left;
      this.advance();
      left = { type: "or", left, right: this.parseCondAnd() };
    }
  }

  private parseCondAnd(): CondExpr {
    let left = this.parseCondNot();
    for (;;) {
      const t = this.peekCond();
      if (t.kind !== "op" || t.op !== "&&") return left;
      this.advance();
      left = { type: "and", left, right: this.parseCondNot() };
    }
  }

  private parseCondNot(): CondExpr {
    const t = this.peekCond();
    if (t.kind === "word" && plainText(t.word) === "!") {
      this.advance();
      return { type: "not", expr: this.parseCondNot() };
    }
    return this.parseCondPrimary();
  }

  private peekCond(): Token {
    for (;;) {
      const t = this.peek();
      if (t.kind !== "newline") return t;
      this.advance();
    }
  }

  private parseCondPrimary(): CondExpr {
    const t = this.advance();
    if (t.kind === "op" && t.op === "(") {
      const inner = this.parseCondOr();
      const close = this.advance();
      if (!(close.kind === "op" && close.op === ")")) throw this.unexpected(close);
      return inner;
    }
    if (t.kind !== "word" || plainText(t.word) === "]]") throw this.unexpected(t);
    const text = plainText(t.word);
    if (text !== undefined && /^-[a-zA-Z]$/.test(text)) {
      const next = this.peek();
      if (next.kind === "word" && plainText(next.word) !== "]]") {
        this.advance();
        return { type: "unary", op: text, arg: next.word };
      }
    }
    const opTok = this.peek();
    let op: string | undefined;
    if (opTok.kind === "op" && (opTok.op === "<" || opTok.op === ">")) op = opTok.op;
    else if (opTok.kind === "word") {
      const o = plainText(opTok.word);
      if (o !== undefined && ["==", "=", "!=", "=~", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "-nt", "-ot", "-ef"].includes(o)) op = o;
    }
    if (op === undefined) return { type: "word", arg: t.word };
    this.advance();
    if (op === "=~") {
      this.skipBlanks();
      const start = this.pos;
      const parts = this.readParts("regex");
      const right = makeWord(parts, this.src.slice(start, this.pos));
      this.lastEnd = this.pos;
      return { type: "binary", op, left: t.word, right };
    }
    const right = this.advance();
    if (right.kind !== "word") throw this.unexpected(right);
    return { type: "binary", op, left: t.word, right: right.word };
  }

  // ---- simple commands and redirections --------------------------------------------------------

  private parseSimple(): Command {
    const line = this.peek().line;
    const assignments: Assignment[] = [];
    const words: Word[] = [];
    const redirects: Redirect[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === "op" && REDIRECT_OPS.has(t.op)) {
        redirects.push(this.parseRedirect());
        continue;
      }
      if (t.kind !== "word") break;
      if (words.length === 0) {
        const a = splitAssignment(t.word, this.bash);
        if (a !== undefined) {
          this.advance();
          assignments.push(a);
          continue;
        }
        if (assignments.length + redirects.length > 0 && this.expandAlias(t)) continue;
      } else if (this.aliasNextFrom !== undefined && t.start >= this.aliasNextFrom) {
        this.aliasNextFrom = undefined;
        if (this.expandAlias(t)) continue;
      }
      this.advance();
      words.push(t.word);
      if (words.length === 1 && assignments.length === 0 && redirects.length === 0) {
        const n = this.peek();
        if (n.kind === "op" && n.op === "(") {
          const name = plainText(t.word);
          if (name === undefined) throw this.unexpected(n);
          this.advance();
          this.expectOp(")");
          this.skipNewlines();
          return { type: "function", name, body: this.parseFunctionBody(), line };
        }
      }
    }
    if (words.length === 0 && assignments.length === 0 && redirects.length === 0) throw this.unexpected(this.peek());
    return { type: "simple", assignments, words, redirects, line };
  }

  private parseRedirect(): Redirect {
    const t = this.advance();
    if (t.kind !== "op") throw this.unexpected(t);
    const target = this.advance();
    if (target.kind !== "word") throw this.unexpected(target);
    const redirect: Redirect = { fd: t.fd, op: t.op as RedirectOp, target: target.word };
    if (t.op === "<<" || t.op === "<<-") {
      const delimiter = quoteRemoved(target.word.parts);
      const quoted = target.word.parts.some((p) => p.type !== "literal");
      this.pendingHeredocs.push({ redirect, delimiter, strip: t.op === "<<-", quoted, line: t.line });
    }
    return redirect;
  }

  // ---- tokens ---------------------------------------------------------------------------------

  private peek(): Token {
    if (this.peeked === undefined) this.peeked = this.lex();
    return this.peeked;
  }

  private advance(): Token {
    const t = this.peek();
    this.peeked = undefined;
    if (t.kind !== "newline" && t.kind !== "eof") this.lastEnd = t.end;
    return t;
  }

  private skipNewlines(): void {
    while (this.peek().kind === "newline") this.advance();
  }

  private isReservedWord(w: string): boolean {
    return RESERVED.has(w) || (this.bash ? BASH_RESERVED.has(w) : this.options.ashBashCompat === true && w === "function");
  }

  private isReserved(t: Token, word: string): boolean {
    return t.kind === "word" && plainText(t.word) === word;
  }

  private expectWord(word: string): void {
    const t = this.peek();
    if (!this.isReserved(t, word)) throw this.unexpected(t, `"${word}"`);
    this.advance();
  }

  private expectOp(op: string): void {
    const t = this.peek();
    if (t.kind !== "op" || t.op !== op) throw this.unexpected(t, `"${op}"`);
    this.advance();
  }

  private unexpected(t: Token, expecting?: string): ShellSyntaxError {
    const token = describe(t, this.isReservedWord.bind(this));
    const problem: SyntaxProblem = expecting === undefined ? { kind: "unexpected", token } : { kind: "unexpected", token, expecting };
    return new ShellSyntaxError(problem, t.line, this.lineText(t.line), t.kind === "eof");
  }

  private lineText(line: number): string {
    return this.src.split("\n")[line - this.firstLine] ?? "";
  }

  private skipBlanks(): void {
    const s = this.src;
    for (;;) {
      const c = s[this.pos];
      if (c === " " || c === "\t") this.pos++;
      else if (c === "\\" && s[this.pos + 1] === "\n") {
        this.pos += 2;
        this.line++;
      } else return;
    }
  }

  private lex(): Token {
    this.skipBlanks();
    const s = this.src;
    const start = this.pos;
    const line = this.line;
    if (start >= s.length) {
      if (this.pendingHeredocs.length > 0) this.readHeredocs();
      return { kind: "eof", start, end: start, line };
    }
    const c = s[start]!;
    if (c === "\n") {
      this.pos++;
      this.line++;
      const end = this.pos;
      this.readHeredocs();
      return { kind: "newline", start, end, line, bodiesEnd: this.pos };
    }
    if (c === "#") {
      while (this.pos < s.length && s[this.pos] !== "\n") this.pos++;
      return this.lex();
    }
    const io = /^(\d+)(?=[<>])/.exec(s.slice(start, start + 12));
    if (io !== null) {
      this.pos += io[1]!.length;
      const op = this.matchOp();
      if (op !== undefined && REDIRECT_OPS.has(op)) {
        this.pos += op.length;
        return { kind: "op", op, fd: Number(io[1]), start, end: this.pos, line };
      }
      this.pos = start;
    }
    const op = this.isProcessSubstitution(start) ? undefined : this.matchOp();
    if (op !== undefined) {
      this.pos += op.length;
      return { kind: "op", op, start, end: this.pos, line };
    }
    const parts = this.readParts("word");
    const word = makeWord(withTilde(parts), s.slice(start, this.pos));
    return { kind: "word", word, start, end: this.pos, line };
  }

  /**
   * Alias substitution: a command word that is an unquoted alias name (not a reserved word) is
   * replaced by the alias's text, which is read in its place. An alias is not expanded again
   * within its own text; one whose text ends in a blank makes the next word a command word too.
   */
  private expandAlias(t: Token): boolean {
    if (this.aliases === undefined || t.kind !== "word") return false;
    const name = plainText(t.word);
    if (name === undefined || this.isReservedWord(name)) return false;
    const value = this.aliases.get(name);
    if (value === undefined) return false;
    this.expanding = this.expanding.filter((e) => e.end > t.start);
    if (this.expanding.some((e) => e.name === name)) return false;
    const shift = value.length - (t.end - t.start);
    for (const e of this.expanding) e.end += shift;
    this.src = this.src.slice(0, t.start) + value + this.src.slice(t.end);
    this.expanding.push({ name, end: t.start + value.length });
    this.aliasNextFrom = value.endsWith(" ") || value.endsWith("\t") ? t.start + value.length : undefined;
    this.pos = t.start;
    this.line = t.line;
    this.peeked = undefined;
    return true;
  }

  /** The `)` closing the extglob group whose `(` is at `open`, on the same line; -1 if none. */
  private extglobEnd(open: number): number {
    const s = this.src;
    let depth = 0;
    for (let i = open; i < s.length && s[i] !== "\n"; i++) {
      if (s[i] === "\\") i++;
      else if (s[i] === "(") depth++;
      else if (s[i] === ")" && --depth === 0) return i;
    }
    return -1;
  }

  /** bash's `<(` and `>(` open a process substitution, a word, where dash reads a redirection. */
  private isProcessSubstitution(at: number): boolean {
    const c = this.src[at];
    return this.bash && (c === "<" || c === ">") && this.src[at + 1] === "(";
  }

  private matchOp(): string | undefined {
    for (const op of this.ops) if (this.src.startsWith(op, this.pos)) return op;
    return undefined;
  }

  private readHeredocs(): void {
    const pending = this.pendingHeredocs;
    this.pendingHeredocs = [];
    const s = this.src;
    for (const h of pending) {
      const bodyLine = this.line;
      const lines: string[] = [];
      let found = false;
      while (this.pos < s.length) {
        let nl = s.indexOf("\n", this.pos);
        if (nl < 0) nl = s.length;
        let text = s.slice(this.pos, nl);
        this.pos = Math.min(nl + 1, s.length);
        this.line++;
        if (h.strip) text = text.replace(/^\t+/, "");
        if (text === h.delimiter) {
          found = true;
          break;
        }
        lines.push(text + "\n");
      }
      if (!found) {
        this.unterminatedHeredoc = true;
        this.heredocAtEof = { line: h.line, delimiter: h.delimiter };
      }
      const body = lines.join("");
      const word = h.quoted
        ? makeWord([{ type: "quoted", text: body }], body)
        : makeWord(new Parser(body, { bash: this.bash, ashBashCompat: this.options.ashBashCompat, firstLine: bodyLine }).readAllParts("heredoc"), body);
      h.redirect.heredoc = { body: word, quoted: h.quoted };
    }
  }

  /** Set when a here-document ran into the end of the input (complete only for `isComplete`). */
  unterminatedHeredoc = false;
  private heredocAtEof: { line: number; delimiter: string } | undefined;

  /** The here-document that ran into the end of input since the last call (bash warns). */
  takeUnterminatedHeredoc(): { line: number; delimiter: string } | undefined {
    const h = this.heredocAtEof;
    this.heredocAtEof = undefined;
    return h;
  }
  /** Set when the input ends with a line-continuation backslash. */
  trailingBackslash = false;

  // ---- words ----------------------------------------------------------------------------------

  /** @internal parses all of `src` as the given kind of text (here-document bodies). */
  readAllParts(mode: PartsMode): WordPart[] {
    return this.readParts(mode);
  }

  private unterminated(delimiter: string): ShellSyntaxError {
    return new ShellSyntaxError({ kind: "unterminated", delimiter }, this.line, this.lineText(this.line), true);
  }

  /**
   * Reads word parts until the end of the construct `mode` describes. Unquoted words stop at
   * metacharacters; double-quoted text at `"`; `${...}` arguments at `}`.
   */
  private readParts(mode: PartsMode, stopAt = ""): WordPart[] {
    const s = this.src;
    const parts: WordPart[] = [];
    let lit = "";
    const flush = () => {
      if (lit !== "") parts.push({ type: "literal", text: lit });
      lit = "";
    };
    const inDouble = mode === "double" || mode === "braceDouble" || mode === "heredoc";
    let depth = 0;
    // bash reads `name[...]` (and `[...]` opening a word of `name=(...)`) to the matching `]`:
    // blanks and operators inside a subscript do not end the word.
    let subscriptDepth = 0;
    for (;;) {
      if (this.pos >= s.length) {
        if (mode === "double") throw this.unterminated('"');
        if (mode === "brace" || mode === "braceDouble") throw this.unterminated("}");
        break;
      }
      const c = s[this.pos]!;
      if (mode === "word" && this.bash) {
        if (c === "[" && (subscriptDepth > 0 || (parts.length === 0 && (/^[A-Za-z_][A-Za-z0-9_]*$/.test(lit) || (lit === "" && this.inArrayWords))))) subscriptDepth++;
        else if (c === "]" && subscriptDepth > 0) subscriptDepth--;
        if (subscriptDepth > 0 && c !== "\n" && c !== "'" && c !== '"' && c !== "\\" && c !== "$" && c !== "`") {
          lit += c;
          this.pos++;
          continue;
        }
      }
      if (mode === "word" && "?*+@!".includes(c) && s[this.pos + 1] === "(" && (this.inCond || this.options.extglob?.() === true)) {
        // An extglob group is read to its matching `)`, blanks and `|` included.
        const end = this.extglobEnd(this.pos + 1);
        if (end > 0) {
          lit += s.slice(this.pos, end + 1);
          this.pos = end + 1;
          continue;
        }
      }
      if (mode === "word" && this.isProcessSubstitution(this.pos)) {
        flush();
        const output = c === ">";
        this.pos += 2;
        const sub = this.readCommandSubstitution();
        parts.push({ type: "process", output, body: sub.body, source: sub.source });
        continue;
      }
      if (mode === "word" && " \t\n;&|<>()".includes(c)) {
        if (c === "(" && this.bash && parts.length === 0 && /^[A-Za-z_][A-Za-z0-9_]*\+?=$/.test(lit)) {
          flush();
          this.pos++;
          parts.push({ type: "array", words: this.readArrayWords() });
          continue;
        }
        break;
      }
      if (mode === "regex") {
        if (depth === 0 && " \t\n;&<>".includes(c)) break;
        if (c === "(") depth++;
        if (c === ")") {
          if (depth === 0) break;
          depth--;
        }
      }
      if (mode === "double" && c === '"') break;
      if ((mode === "brace" || mode === "braceDouble") && (c === "}" || stopAt.includes(c))) break;
      if (c === "\\") {
        const n = s[this.pos + 1];
        if (n === undefined) {
          if (mode === "word") this.trailingBackslash = true;
          lit += "\\";
          this.pos++;
          continue;
        }
        if (n === "\n") {
          this.pos += 2;
          this.line++;
          continue;
        }
        if (inDouble && !'$`"\\'.includes(n)) {
          lit += "\\";
          this.pos++;
          continue;
        }
        if (mode === "heredoc" && n === '"') {
          lit += "\\";
          this.pos++;
          continue;
        }
        flush();
        parts.push({ type: "quoted", text: n });
        this.pos += 2;
        continue;
      }
      if (c === "'" && !inDouble && mode !== "arith") {
        flush();
        const end = s.indexOf("'", this.pos + 1);
        if (end < 0) throw this.unterminated("'");
        const text = s.slice(this.pos + 1, end);
        this.line += countNewlines(text);
        parts.push({ type: "quoted", text });
        this.pos = end + 1;
        continue;
      }
      if (c === '"' && mode !== "double" && mode !== "heredoc") {
        flush();
        this.pos++;
        const inner = this.readParts("double");
        this.pos++;
        parts.push({ type: "double", parts: inner });
        continue;
      }
      if (c === "`") {
        flush();
        parts.push(this.readBackquote(inDouble));
        continue;
      }
      if (c === "$") {
        const part = this.readDollar(inDouble);
        if (part === undefined) {
          lit += "$";
          this.pos++;
        } else {
          flush();
          parts.push(part);
        }
        continue;
      }
      if (c === "\n") this.line++;
      lit += c;
      this.pos++;
    }
    flush();
    return parts;
  }

  private readArrayWords(): Word[] {
    const words: Word[] = [];
    const outer = this.inArrayWords;
    this.inArrayWords = true;
    try {
      return this.readArrayWordsInside(words);
    } finally {
      this.inArrayWords = outer;
    }
  }

  private readArrayWordsInside(words: Word[]): Word[] {
    for (;;) {
      this.skipBlanks();
      const c = this.src[this.pos];
      if (c === undefined) throw this.unterminated(")");
      if (c === "\n") {
        this.pos++;
        this.line++;
        continue;
      }
      if (c === ")") {
        this.pos++;
        return words;
      }
      const start = this.pos;
      const parts = this.readParts("word");
      if (this.pos === start) throw this.unexpected({ kind: "op", op: c, start, end: start + 1, line: this.line });
      words.push(makeWord(withTilde(parts), this.src.slice(start, this.pos)));
    }
  }

  private readBackquote(inDouble: boolean): WordPart {
    const s = this.src;
    const startLine = this.line;
    let i = this.pos + 1;
    let inner = "";
    for (;;) {
      if (i >= s.length) throw this.unterminated("`");
      const c = s[i]!;
      if (c === "`") break;
      if (c === "\\" && i + 1 < s.length) {
        const n = s[i + 1]!;
        if (n === "$" || n === "`" || n === "\\" || (inDouble && n === '"')) {
          inner += n;
          i += 2;
          continue;
        }
      }
      if (c === "\n") this.line++;
      inner += c;
      i++;
    }
    this.pos = i + 1;
    const body = new Parser(inner, { ...this.options, firstLine: startLine }).parseAll();
    return { type: "command", body, source: inner };
  }

  private readDollar(inDouble: boolean): WordPart | undefined {
    const s = this.src;
    const n = s[this.pos + 1];
    if (n === "{") {
      this.pos += 2;
      return this.readBraceParam(inDouble);
    }
    if (n === "(") {
      if (s[this.pos + 2] === "(") {
        const a = this.readArithText(this.pos + 3);
        if (a !== undefined) {
          this.pos = a.end;
          return { type: "arith", expr: this.arithWord(a.text) };
        }
      }
      this.pos += 2;
      return this.readCommandSubstitution();
    }
    if (n === undefined) return undefined;
    if (/[A-Za-z_]/.test(n)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(this.pos + 1, this.pos + 257))!;
      this.pos += 1 + m[0].length;
      return { type: "param", name: m[0] };
    }
    if (/[0-9?$!#@*-]/.test(n)) {
      this.pos += 2;
      return { type: "param", name: n };
    }
    if ((this.bash || this.options.ashBashCompat === true) && !inDouble && n === "'") {
      this.pos += 2;
      return { type: "quoted", text: this.readAnsiC() };
    }
    if (this.bash && !inDouble && n === '"') {
      this.pos += 2;
      const inner = this.readParts("double");
      this.pos++;
      return { type: "double", parts: inner };
    }
    return undefined;
  }

  private readAnsiC(): string {
    const r = ansiCString(this.src, this.pos);
    if (r === undefined) {
      this.pos = this.src.length;
      throw this.unterminated("'");
    }
    for (let i = this.pos; i < r.next; i++) if (this.src[i] === "\n") this.line++;
    this.pos = r.next;
    return r.text;
  }

  private readCommandSubstitution(): Extract<WordPart, { type: "command" }> {
    const saved = this.peeked;
    this.peeked = undefined;
    const start = this.pos;
    this.skipNewlines();
    let body: CommandList = [];
    const first = this.peek();
    if (!(first.kind === "op" && first.op === ")")) {
      if (first.kind === "eof") throw this.unterminated(")");
      body = this.parseList("subshell");
    }
    const t = this.peek();
    if (t.kind === "eof") throw this.unterminated(")");
    if (t.kind !== "op" || t.op !== ")") throw this.unexpected(t, '")"');
    this.peeked = saved;
    const source = this.src.slice(start, t.start);
    this.pos = t.end;
    return { type: "command", body, source };
  }

  /** Finds the `))` that closes `$((` / `((` starting at `from`; undefined if it is not arithmetic. */
  private readArithText(from: number): { text: string; end: number } | undefined {
    const s = this.src;
    let depth = 0;
    for (let i = from; i < s.length; i++) {
      const c = s[i];
      if (c === "(") depth++;
      else if (c === ")") {
        if (depth > 0) depth--;
        else return s[i + 1] === ")" ? { text: s.slice(from, i), end: i + 2 } : undefined;
      }
    }
    return undefined;
  }

  private tryArithCommand(from: number): Word | undefined {
    const a = this.readArithText(from);
    if (a === undefined) return undefined;
    this.peeked = undefined;
    this.line += countNewlines(a.text);
    this.pos = a.end;
    this.lastEnd = a.end;
    return this.arithWord(a.text);
  }

  private arithWord(text: string): Word {
    return makeWord(new Parser(text, { bash: this.bash, firstLine: this.line }).readAllParts("arith"), text);
  }

  private readBraceParam(inDouble: boolean): WordPart {
    const s = this.src;
    const start = this.pos;
    // The shells find a bad substitution when they expand it, not as they read it.
    const bad = (): WordPart => {
      const end = s.indexOf("}", this.pos);
      if (end < 0) throw this.unterminated("}");
      this.pos = end + 1;
      return { type: "bad", text: "${" + s.slice(start, end + 1) };
    };
    let length = false;
    if (s[this.pos] === "#" && /[A-Za-z_0-9@*?$!#]/.test(s[this.pos + 1] ?? "")) {
      length = true;
      this.pos++;
    }
    let indirect = false;
    if (this.bash && !length && s[this.pos] === "!" && /[A-Za-z_0-9#]/.test(s[this.pos + 1] ?? "")) {
      indirect = true;
      this.pos++;
    }
    let name: string;
    const m = /^(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]+|[?$!#@*-])/.exec(s.slice(this.pos, this.pos + 256));
    if (m === null) {
      if (this.pos >= s.length) throw this.unterminated("}");
      return bad();
    }
    name = m[0];
    this.pos += name.length;
    let index: Word | undefined;
    if (this.bash && s[this.pos] === "[" && NAME.test(name)) {
      const close = s.indexOf("]", this.pos);
      if (close < 0) return bad();
      const text = s.slice(this.pos + 1, close);
      index = makeWord(new Parser(text, { bash: true }).readAllParts("arith"), text);
      this.pos = close + 1;
    }
    // `${!prefix@}`, `${!prefix*}`: the names of the variables that begin with prefix.
    if (indirect && index === undefined && NAME.test(name) && (s[this.pos] === "@" || s[this.pos] === "*") && s[this.pos + 1] === "}") {
      const names = s[this.pos] as "@" | "*";
      this.pos += 2;
      return { type: "param", name, names, source: s.slice(start - 2, this.pos) };
    }
    const base = { type: "param" as const, name, ...(index !== undefined ? { index } : {}), ...(indirect ? { indirect } : {}) };
    const c = s[this.pos];
    const finish = (part: ParamPart): WordPart => {
      if (s[this.pos] !== "}") {
        if (this.pos >= s.length) throw this.unterminated("}");
        return bad();
      }
      this.pos++;
      return { ...part, source: s.slice(start - 2, this.pos) };
    };
    if (c === undefined) throw this.unterminated("}");
    if (c === "}") return finish(length ? { ...base, length } : base);
    if (length) return bad();
    const argMode: PartsMode = inDouble ? "braceDouble" : "brace";
    const arg = (stop = ""): Word => {
      const from = this.pos;
      const parts = this.readParts(argMode, stop);
      return makeWord(argMode === "brace" ? withTilde(parts) : parts, s.slice(from, this.pos));
    };
    let op: ParamOp | undefined;
    const two = s.slice(this.pos, this.pos + 2);
    if (/^:[-=?+]$/.test(two)) {
      this.pos += 2;
      op = { kind: opKind(two[1]!), colon: true, word: arg() };
    } else if ("-=?+".includes(c)) {
      this.pos++;
      op = { kind: opKind(c), colon: false, word: arg() };
    } else if (two === "%%" || two === "##") {
      this.pos += 2;
      op = { kind: c === "%" ? "longSuffix" : "longPrefix", word: arg() };
    } else if (c === "%" || c === "#") {
      this.pos++;
      op = { kind: c === "%" ? "suffix" : "prefix", word: arg() };
    } else if ((this.bash || this.options.ashBashCompat === true) && c === "/") {
      this.pos++;
      let mode: "first" | "all" | "start" | "end" = "first";
      const m2 = s[this.pos];
      if (m2 === "/") mode = "all";
      else if (m2 === "#" && this.bash) mode = "start";
      else if (m2 === "%" && this.bash) mode = "end";
      if (mode !== "first") this.pos++;
      const pattern = arg("/");
      let replacement = makeWord([], "");
      if (s[this.pos] === "/") {
        this.pos++;
        replacement = arg();
      }
      op = { kind: "replace", mode, pattern, replacement };
    } else if ((this.bash || this.options.ashBashCompat === true) && c === ":") {
      this.pos++;
      const offset = this.arithSlice(":}");
      let lengthWord: Word | undefined;
      if (s[this.pos] === ":") {
        this.pos++;
        lengthWord = this.arithSlice("}");
      }
      op = lengthWord === undefined ? { kind: "substring", offset } : { kind: "substring", offset, length: lengthWord };
    } else if (this.bash && (c === "^" || c === "," || c === "~")) {
      const all = s[this.pos + 1] === c;
      this.pos += all ? 2 : 1;
      op = { kind: "case", to: c === "^" ? "upper" : c === "," ? "lower" : "toggle", all };
    } else if (this.bash && c === "@" && /^[QEUuLAaKk]$/.test(s[this.pos + 1] ?? "")) {
      const letter = s[this.pos + 1] as TransformLetter;
      this.pos += 2;
      op = { kind: "transform", letter, source: "${" + s.slice(start, this.pos) + "}" };
    } else {
      return bad();
    }
    return finish({ ...base, op });
  }

  private arithSlice(stops: string): Word {
    const s = this.src;
    let i = this.pos;
    let depth = 0;
    while (i < s.length && (depth > 0 || !stops.includes(s[i]!))) {
      if (s[i] === "(") depth++;
      if (s[i] === ")") depth--;
      i++;
    }
    const text = s.slice(this.pos, i);
    this.pos = i;
    return this.arithWord(text);
  }
}

function opKind(c: string): "default" | "assign" | "error" | "alternative" {
  return c === "-" ? "default" : c === "=" ? "assign" : c === "?" ? "error" : "alternative";
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf("\n"); i >= 0; i = s.indexOf("\n", i + 1)) n++;
  return n;
}

/** The text of a `$'..'` whose body starts at `start`, and where it ends; undefined when it does not. */
export function ansiCString(s: string, start: number): { text: string; next: number } | undefined {
  let out = "";
  for (let i = start; i < s.length; ) {
    const c = s[i]!;
    if (c === "'") return { text: normalizeBytes(out), next: i + 1 };
    if (c !== "\\") {
      out += c;
      i++;
      continue;
    }
    const r = decodeEscape(s, i + 1, true);
    out += r.text;
    i = r.next;
  }
  return undefined;
}

/** Decodes one backslash escape of `$'..'` (ansi) or echo/printf (`\c` handled by callers). */
export function decodeEscape(s: string, i: number, ansi: boolean): { text: string; next: number } {
  const c = s[i];
  if (c === undefined) return { text: "\\", next: i };
  const simple: Record<string, string> = { a: "\x07", b: "\b", e: "\x1b", E: "\x1b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\", "'": "'", '"': '"', "?": "?" };
  if (c in simple && (ansi || (c !== "'" && c !== '"' && c !== "?"))) return { text: simple[c]!, next: i + 1 };
  if (c === "x") {
    const m = /^[0-9a-fA-F]{1,2}/.exec(s.slice(i + 1, i + 3));
    if (m !== null) return { text: byteChar(parseInt(m[0], 16)), next: i + 1 + m[0].length };
  }
  if (/[0-7]/.test(c) && ansi) {
    const m = /^[0-7]{1,3}/.exec(s.slice(i, i + 3))!;
    return { text: byteChar(parseInt(m[0], 8) & 0xff), next: i + m[0].length };
  }
  return { text: "\\" + c, next: i + 1 };
}

export function makeWord(parts: readonly WordPart[], text: string): Word {
  return { parts, text };
}

/** The text of a word with no quoting or expansions (reserved words, names), else undefined. */
export function plainText(word: Word): string | undefined {
  if (word.parts.length === 1 && word.parts[0]!.type === "literal") return word.parts[0]!.text;
  return undefined;
}

function quoteRemoved(parts: readonly WordPart[]): string {
  let out = "";
  for (const p of parts) {
    if (p.type === "literal" || p.type === "quoted") out += p.text;
    else if (p.type === "double") out += quoteRemoved(p.parts);
    else if (p.type === "param") out += "$" + p.name;
    else if (p.type === "tilde") out += "~" + p.user;
  }
  return out;
}

/** Marks a leading `~` or `~user` (up to the first slash) for tilde expansion. */
function withTilde(parts: WordPart[]): WordPart[] {
  const first = parts[0];
  if (first?.type !== "literal" || !first.text.startsWith("~")) return parts;
  const slash = first.text.indexOf("/");
  if (slash < 0 && parts.length > 1) return parts;
  const user = first.text.slice(1, slash < 0 ? undefined : slash);
  if (!/^[A-Za-z0-9._-]*$/.test(user)) return parts;
  const rest = slash < 0 ? "" : first.text.slice(slash);
  const out: WordPart[] = [{ type: "tilde", user }];
  if (rest !== "") out.push({ type: "literal", text: rest });
  return [...out, ...parts.slice(1)];
}

/** `name=value`, and in bash `name[subscript]=value` and `name+=value` (in dash those are command names). */
function splitAssignment(word: Word, bash: boolean): Assignment | undefined {
  const first = word.parts[0];
  if (first?.type !== "literal") return undefined;
  if (bash) {
    const named = /^[A-Za-z_][A-Za-z0-9_]*\[/.exec(first.text);
    if (named !== null) {
      const element = splitSubscripted(word, named[0].length - 1);
      return element === undefined ? undefined : { name: named[0].slice(0, -1), ...element };
    }
  }
  const m = ASSIGNMENT.exec(first.text);
  if (m === null || (!bash && m[2] === "+")) return undefined;
  const rest = first.text.slice(m[0].length);
  const valueParts: WordPart[] = rest === "" ? [...word.parts.slice(1)] : [{ type: "literal", text: rest }, ...word.parts.slice(1)];
  return { name: m[1]!, append: m[2] === "+", value: makeWord(withTilde(valueParts), word.text.slice(m[0].length)) };
}

/**
 * `[subscript]=value` from `offset` of a word's first part (a literal): the subscript, which may
 * hold expansions and quotes, runs to the matching `]`, which `=` or `+=` must follow.
 */
export function splitSubscripted(word: Word, offset = 0): { subscript: Word; append: boolean; value: Word } | undefined {
  const parts = word.parts;
  if (parts[0]?.type !== "literal" || parts[0].text[offset] !== "[") return undefined;
  const subscript: WordPart[] = [];
  let depth = 0;
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p]!;
    if (part.type !== "literal") {
      subscript.push(part);
      continue;
    }
    const text = part.text;
    let from = p === 0 ? offset + 1 : 0;
    for (let i = p === 0 ? offset : 0; i < text.length; i++) {
      if (text[i] === "[") depth++;
      else if (text[i] === "]" && --depth === 0) {
        if (i > from) subscript.push({ type: "literal", text: text.slice(from, i) });
        const op = /^\+?=/.exec(text.slice(i + 1));
        if (op === null) return undefined;
        const rest = text.slice(i + 1 + op[0].length);
        const valueParts: WordPart[] = rest === "" ? parts.slice(p + 1) : [{ type: "literal", text: rest }, ...parts.slice(p + 1)];
        const subscriptText = subscript.length === 0 ? "" : word.text.slice(offset + 1, word.text.indexOf(op[0].startsWith("+") ? "]+=" : "]=", offset));
        const valueText = word.text.slice(word.text.indexOf(op[0].startsWith("+") ? "]+=" : "]=", offset) + 1 + op[0].length);
        return { subscript: makeWord(subscript, subscriptText), append: op[0] === "+=", value: makeWord(withTilde(valueParts), valueText) };
      }
    }
    if (from < text.length) subscript.push({ type: "literal", text: text.slice(from) });
    from = 0;
  }
  return undefined;
}

function describe(t: Token, reserved: (w: string) => boolean): TokenDescription {
  switch (t.kind) {
    case "eof":
      return { name: "end of file", text: "", eof: true };
    case "newline":
      return { name: "newline", text: "newline", eof: false };
    case "op":
      return { name: REDIRECT_OPS.has(t.op) ? "redirection" : `"${t.op}"`, text: t.op, eof: false };
    case "word": {
      const w = plainText(t.word);
      if (w !== undefined && reserved(w)) return { name: `"${w}"`, text: w, eof: false };
      return { name: "word", text: t.word.text, eof: false };
    }
  }
}

function describeWord(text: string): TokenDescription {
  return { name: "word", text, eof: false };
}
