/**
 * How the mysql client cuts its input into statements (client/mysql.cc add_line): the
 * delimiter (`;` unless changed with DELIMITER) ends a statement outside quotes and comments,
 * `\G` ends one for vertical output, `\c` discards the current one, and some words at the start
 * of a statement are client commands (use, quit, exit, delimiter, status). Comments are dropped unless
 * --comments, as the client does by default; `/*! … *\/` hints are kept.
 */

export type ReaderItem =
  | { readonly kind: "sql"; readonly text: string; readonly line: number; readonly vertical: boolean }
  | { readonly kind: "command"; readonly name: ClientCommand; readonly arg: string; readonly line: number };

type ClientCommand = "use" | "quit" | "delimiter" | "status";

const COMMANDS: Record<string, ClientCommand> = {
  use: "use", quit: "quit", exit: "quit", "\\q": "quit", delimiter: "delimiter", "\\d": "delimiter", "\\u": "use", status: "status", "\\s": "status",
};

export class StatementReader {
  private buffer = "";
  private startLine = 0;
  private lineNo = 0;
  private quote: string | undefined;
  private inComment = false;
  delimiter = ";";

  constructor(private readonly keepComments: boolean) {}

  /** The state an interactive prompt shows: `->` mid-statement, `'>` inside a string. */
  get continuation(): string | undefined {
    if (this.quote !== undefined) return `${this.quote}>`;
    if (this.inComment) return "/*";
    return this.buffer.trim() === "" ? undefined : "->";
  }

  /** Feeds one line (without its newline); returns the statements and commands it completes. */
  feed(line: string): ReaderItem[] {
    this.lineNo++;
    const out: ReaderItem[] = [];
    if (this.buffer.trim() === "" && this.quote === undefined && !this.inComment) {
      const trimmed = line.trim();
      const body = trimmed.endsWith(this.delimiter) ? trimmed.slice(0, -this.delimiter.length).trim() : trimmed;
      const m = /^(\\?[A-Za-z]+)(?:\s+(.*))?$/.exec(body);
      const name = m === null ? undefined : COMMANDS[m[1]!.toLowerCase()];
      if (name !== undefined && !(name === "use" && m![2] === undefined)) {
        const arg = (m![2] ?? "").trim();
        if (name === "delimiter") this.delimiter = arg.split(/\s+/)[0] || this.delimiter;
        out.push({ kind: "command", name, arg: arg.replace(/^[`'"](.*)[`'"]$/, "$1"), line: this.lineNo });
        return out;
      }
    }
    let i = 0;
    const append = (s: string) => {
      if (this.buffer.trim() === "" && s.trim() !== "") this.startLine = this.lineNo;
      if (this.buffer === "" && s.trim() === "") return;
      this.buffer += s;
    };
    while (i < line.length) {
      const c = line[i]!;
      if (this.inComment) {
        const end = line.indexOf("*/", i);
        if (end < 0) {
          if (this.keepComments) append(line.slice(i));
          i = line.length;
          break;
        }
        if (this.keepComments) append(line.slice(i, end + 2));
        this.inComment = false;
        i = end + 2;
        continue;
      }
      if (this.quote !== undefined) {
        if (c === "\\" && this.quote !== "`" && i + 1 < line.length) {
          append(line.slice(i, i + 2));
          i += 2;
          continue;
        }
        if (c === this.quote) this.quote = undefined;
        append(c);
        i++;
        continue;
      }
      if (line.startsWith(this.delimiter, i)) {
        this.finish(out, false);
        i += this.delimiter.length;
        continue;
      }
      if (c === "\\" && (line[i + 1] === "G" || line[i + 1] === "g")) {
        this.finish(out, line[i + 1] === "G");
        i += 2;
        continue;
      }
      if (c === "\\" && line[i + 1] === "c") {
        this.buffer = "";
        i += 2;
        continue;
      }
      if (c === "'" || c === '"' || c === "`") {
        this.quote = c;
        append(c);
        i++;
        continue;
      }
      if (c === "#" || (c === "-" && line[i + 1] === "-" && (i + 2 >= line.length || /\s/.test(line[i + 2]!)))) {
        if (this.keepComments) append(line.slice(i));
        i = line.length;
        break;
      }
      if (c === "/" && line[i + 1] === "*" && line[i + 2] !== "!") {
        this.inComment = true;
        if (this.keepComments) append("/*");
        i += 2;
        continue;
      }
      append(c);
      i++;
    }
    if (this.buffer !== "") this.buffer += "\n";
    return out;
  }

  /** End of input: what is left is a statement of its own (mysql runs it). */
  end(): ReaderItem[] {
    const out: ReaderItem[] = [];
    this.finish(out, false);
    return out;
  }

  private finish(out: ReaderItem[], vertical: boolean): void {
    const text = this.buffer.trim();
    this.buffer = "";
    if (text !== "") out.push({ kind: "sql", text, line: this.startLine, vertical });
  }
}
