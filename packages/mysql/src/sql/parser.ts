import type {
  Assignment,
  BinaryOp,
  ColumnDef,
  ColumnType,
  ColumnTypeName,
  CreateTable,
  DefaultValue,
  Expr,
  GrantTarget,
  IndexDef,
  KeyPart,
  OrderItem,
  Privilege,
  Select,
  SelectItem,
  Statement,
  TableRef,
  UserAuth,
  UserSpec,
  VarTarget,
} from "./ast.js";
import { ER, type SqlError } from "./errors.js";
import { parseErrorAt, tokenize, type Token } from "./lexer.js";

/**
 * A recursive-descent parser for the statements in ast.ts. A syntax error is ER_PARSE_ERROR
 * quoting the statement from the token where parsing could not go on, as MySQL's bison parser
 * reports it (`near 'FORM t' at line 1`).
 */

/** MySQL 8.0 reserved words that can appear in our subset; they cannot be unquoted identifiers. */
const RESERVED = new Set(
  (
    "ADD ALL ALTER AND AS ASC BETWEEN BIGINT BINARY BLOB BY CASE CHANGE CHAR CHARACTER CHECK COLLATE COLUMN CONSTRAINT " +
    "CREATE CROSS CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP CURRENT_USER DATABASE DATABASES DEC DECIMAL DEFAULT DELETE " +
    "DESC DESCRIBE DISTINCT DIV DOUBLE DROP DUAL ELSE EXISTS EXPLAIN FALSE FLOAT FOR FOREIGN FROM FULLTEXT FUNCTION GRANT " +
    "GROUP HAVING IF IGNORE IN INDEX INNER INSERT INT INTEGER INTERVAL INTO IS JOIN KEY KEYS KILL LEFT LIKE LIMIT LOCK " +
    "LONGBLOB LONGTEXT MEDIUMINT MEDIUMTEXT MOD NOT NULL NUMERIC ON OR ORDER OUTER PRIMARY PROCEDURE REAL REFERENCES " +
    "RENAME REPLACE REVOKE RIGHT ROW ROWS SCHEMA SCHEMAS SELECT SET SHOW SMALLINT SQL_CALC_FOUND_ROWS TABLE THEN " +
    "TINYINT TINYTEXT TO TRUE UNION UNIQUE UNLOCK UNSIGNED UPDATE USAGE USE USING VALUES VARCHAR WHEN WHERE WITH XOR ZEROFILL"
  ).split(" "),
);

const TYPE_ALIASES: Record<string, ColumnTypeName> = {
  TINYINT: "TINYINT",
  BOOL: "TINYINT",
  BOOLEAN: "TINYINT",
  SMALLINT: "SMALLINT",
  MEDIUMINT: "MEDIUMINT",
  INT: "INT",
  INTEGER: "INT",
  BIGINT: "BIGINT",
  DECIMAL: "DECIMAL",
  DEC: "DECIMAL",
  NUMERIC: "DECIMAL",
  FLOAT: "FLOAT",
  DOUBLE: "DOUBLE",
  REAL: "DOUBLE",
  CHAR: "CHAR",
  VARCHAR: "VARCHAR",
  TINYTEXT: "TINYTEXT",
  TEXT: "TEXT",
  MEDIUMTEXT: "MEDIUMTEXT",
  LONGTEXT: "LONGTEXT",
  BLOB: "BLOB",
  LONGBLOB: "LONGBLOB",
  DATETIME: "DATETIME",
  DATE: "DATE",
  TIMESTAMP: "TIMESTAMP",
};

/** Aggregates need an argument: `COUNT()` is a syntax error. */
const AGGREGATE_NAMES = new Set(["COUNT", "SUM", "AVG", "MIN", "MAX"]);

const PRIVILEGE_WORDS = new Set([
  "ALL", "SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "INDEX", "ALTER", "RELOAD", "SHUTDOWN", "PROCESS",
  "REFERENCES", "EXECUTE", "TRIGGER", "EVENT", "FILE", "SUPER", "USAGE", "PROXY", "GRANT", "LOCK", "SHOW", "REPLICATION",
]);

/** Parses a single statement (a trailing `;` is allowed). */
export function parseStatement(sql: string): Statement {
  const statements = parseScript(sql);
  if (statements.length !== 1) {
    if (statements.length === 0) throw ER.emptyQuery();
    // Without multi-statement support, the second statement is a syntax error where it starts.
    throw statements[1]!.error ?? parseErrorAt(sql, statements[1]!.start);
  }
  const only = statements[0]!;
  if (only.error !== undefined) throw only.error;
  return only.statement!;
}

export interface ParsedStatement {
  readonly statement?: Statement;
  readonly error?: SqlError;
  /** Offset of the statement in the text. */
  readonly start: number;
}

/**
 * Parses `;`-separated statements (a multi-statement query). Parsing stops at the first
 * statement with an error, which is reported in its place, as the server would stop executing there.
 */
export function parseScript(sql: string): ParsedStatement[] {
  let tokens: Token[];
  try {
    tokens = tokenize(sql);
  } catch (e) {
    return [{ error: e as SqlError, start: 0 }];
  }
  const out: ParsedStatement[] = [];
  const p = new Parser(sql, tokens);
  for (;;) {
    while (p.peekOp(";")) p.pos++;
    if (p.peek().kind === "end") break;
    const start = p.peek().start;
    try {
      const statement = p.statement();
      if (!p.peekOp(";") && p.peek().kind !== "end") throw p.error();
      out.push({ statement, start });
    } catch (e) {
      out.push({ error: e as SqlError, start });
      break;
    }
  }
  return out;
}

class Parser {
  pos = 0;
  constructor(
    private readonly sql: string,
    private readonly tokens: readonly Token[],
  ) {}

  // ---- token helpers -----------------------------------------------------------------------

  peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)]!;
  }

  next(): Token {
    const t = this.peek();
    if (t.kind !== "end") this.pos++;
    return t;
  }

  error(at: Token = this.peek()): SqlError {
    return parseErrorAt(this.sql, at.start);
  }

  peekWord(...words: string[]): boolean {
    const t = this.peek();
    return t.kind === "word" && words.includes(t.upper);
  }

  peekOp(op: string): boolean {
    const t = this.peek();
    return t.kind === "op" && t.text === op;
  }

  acceptWord(...words: string[]): boolean {
    if (!this.peekWord(...words)) return false;
    this.pos++;
    return true;
  }

  acceptOp(op: string): boolean {
    if (!this.peekOp(op)) return false;
    this.pos++;
    return true;
  }

  expectWord(...words: string[]): string {
    if (!this.peekWord(...words)) throw this.error();
    return this.next().upper;
  }

  expectOp(op: string): void {
    if (!this.acceptOp(op)) throw this.error();
  }

  /** An identifier: unquoted (not reserved) or `quoted`. */
  ident(): string {
    const t = this.peek();
    if (t.kind === "quoted" || (t.kind === "word" && !RESERVED.has(t.upper))) {
      this.pos++;
      return t.text;
    }
    throw this.error();
  }

  isIdent(offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === "quoted" || (t.kind === "word" && !RESERVED.has(t.upper));
  }

  /** A name that may also be given as a string ('wordpress' in some statements). */
  identOrString(): string {
    if (this.peek().kind === "string") return this.next().text;
    return this.ident();
  }

  stringLiteral(): string {
    const t = this.peek();
    if (t.kind !== "string") throw this.error();
    this.pos++;
    return t.text;
  }

  integer(): number {
    const t = this.peek();
    if (t.kind !== "number" || !/^\d+$/.test(t.text)) throw this.error();
    this.pos++;
    return Number(t.text);
  }

  tableRef(): TableRef {
    const first = this.ident();
    if (this.acceptOp(".")) return { db: first, name: this.ident() };
    return { name: first };
  }

  // ---- statements --------------------------------------------------------------------------

  statement(): Statement {
    const t = this.peek();
    if (t.kind !== "word") throw this.error();
    switch (t.upper) {
      case "SELECT":
        return this.select();
      case "CREATE":
        return this.create();
      case "DROP":
        return this.drop();
      case "USE":
        this.pos++;
        return { kind: "use", name: this.ident() };
      case "INSERT":
        return this.insert();
      case "UPDATE":
        return this.update();
      case "DELETE":
        return this.delete();
      case "TRUNCATE":
        this.pos++;
        this.acceptWord("TABLE");
        return { kind: "truncate", table: this.tableRef() };
      case "SHOW":
        return this.show();
      case "DESCRIBE":
      case "DESC":
      case "EXPLAIN":
        this.pos++;
        return { kind: "showColumns", table: this.tableRef(), full: false };
      case "BEGIN":
        this.pos++;
        this.acceptWord("WORK");
        return { kind: "begin" };
      case "START":
        this.pos++;
        this.expectWord("TRANSACTION");
        return { kind: "begin" };
      case "COMMIT":
        this.pos++;
        this.acceptWord("WORK");
        return { kind: "commit" };
      case "ROLLBACK":
        this.pos++;
        this.acceptWord("WORK");
        return { kind: "rollback" };
      case "SET":
        return this.set();
      case "ALTER":
        if (this.peek(1).upper === "TABLE") return this.alterTableKeys();
        return this.alterUser();
      case "LOCK": {
        this.pos++;
        this.expectWord("TABLES", "TABLE");
        const tables: { table: TableRef; mode: "READ" | "WRITE" }[] = [];
        do {
          const table = this.tableRef();
          if (this.acceptWord("AS")) this.ident();
          if (this.acceptWord("READ")) {
            this.acceptWord("LOCAL");
            tables.push({ table, mode: "READ" });
          } else {
            this.acceptWord("LOW_PRIORITY");
            this.expectWord("WRITE");
            tables.push({ table, mode: "WRITE" });
          }
        } while (this.acceptOp(","));
        return { kind: "lockTables", tables };
      }
      case "UNLOCK":
        this.pos++;
        this.expectWord("TABLES", "TABLE");
        return { kind: "unlockTables" };
      case "GRANT":
        return this.grant();
      case "REVOKE":
        return this.revoke();
      case "FLUSH":
        this.pos++;
        this.acceptWord("LOCAL", "NO_WRITE_TO_BINLOG");
        const what = this.expectWord("PRIVILEGES", "TABLES", "LOGS", "STATUS", "HOSTS", "BINARY");
        if (what === "BINARY") this.expectWord("LOGS");
        if (what === "TABLES" && this.acceptWord("WITH")) {
          this.expectWord("READ");
          this.expectWord("LOCK");
          return { kind: "flushTablesWithReadLock" };
        }
        return { kind: "flush", what };
      case "SHUTDOWN":
        this.pos++;
        return { kind: "shutdown" };
      case "PURGE": {
        this.pos++;
        this.expectWord("BINARY", "MASTER");
        this.expectWord("LOGS");
        if (this.acceptWord("TO")) return { kind: "purgeBinaryLogs", to: this.stringLiteral() };
        this.expectWord("BEFORE");
        return { kind: "purgeBinaryLogsBefore", before: this.expr() };
      }
      case "KILL": {
        this.pos++;
        const queryOnly = this.acceptWord("QUERY");
        if (!queryOnly) this.acceptWord("CONNECTION");
        return { kind: "kill", id: this.integer(), queryOnly };
      }
      default:
        throw this.error();
    }
  }

  private select(): Select {
    this.expectWord("SELECT");
    let distinct = false;
    let calcFoundRows = false;
    for (;;) {
      if (this.acceptWord("DISTINCT", "DISTINCTROW")) distinct = true;
      else if (this.acceptWord("ALL", "SQL_NO_CACHE", "SQL_CACHE", "HIGH_PRIORITY", "STRAIGHT_JOIN")) continue;
      else if (this.acceptWord("SQL_CALC_FOUND_ROWS")) calcFoundRows = true;
      else break;
    }
    const items: SelectItem[] = [];
    do items.push(this.selectItem());
    while (this.acceptOp(","));
    let from: Select["from"];
    if (this.acceptWord("FROM")) {
      if (this.acceptWord("DUAL")) from = undefined;
      else {
        const table = this.tableRef();
        let alias: string | undefined;
        if (this.acceptWord("AS")) alias = this.ident();
        else if (this.isIdent()) alias = this.ident();
        from = alias === undefined ? table : { ...table, alias };
        if (this.peekOp(",") || this.peekWord("JOIN", "INNER", "LEFT", "RIGHT", "CROSS", "STRAIGHT_JOIN", "NATURAL")) {
          throw ER.notSupportedYet("joins in ksim");
        }
      }
    }
    const where = this.acceptWord("WHERE") ? this.expr() : undefined;
    const groupBy: Expr[] = [];
    if (this.acceptWord("GROUP")) {
      this.expectWord("BY");
      do {
        groupBy.push(this.expr());
        this.acceptWord("ASC", "DESC");
      } while (this.acceptOp(","));
    }
    const having = this.acceptWord("HAVING") ? this.expr() : undefined;
    const orderBy = this.orderBy();
    const limit = this.limit();
    let forUpdate = false;
    if (this.acceptWord("FOR")) {
      this.expectWord("UPDATE", "SHARE");
      forUpdate = true;
    } else if (this.acceptWord("LOCK")) {
      this.expectWord("IN");
      this.expectWord("SHARE");
      this.expectWord("MODE");
    }
    return { kind: "select", distinct, calcFoundRows, items, from, where, groupBy, having, orderBy, limit, forUpdate };
  }

  private selectItem(): SelectItem {
    const start = this.peek();
    if (this.acceptOp("*")) return { expr: "*", text: "*" };
    if (this.isIdent() && this.peek(1).kind === "op" && this.peek(1).text === "." && this.peek(2).kind === "op" && this.peek(2).text === "*") {
      const table = this.ident();
      this.pos += 2;
      return { expr: "*", starTable: table, text: `${table}.*` };
    }
    const expr = this.expr();
    const text = this.sql.slice(start.start, this.tokens[this.pos - 1]!.end);
    let alias: string | undefined;
    if (this.acceptWord("AS")) alias = this.identOrString();
    else if (this.isIdent() || this.peek().kind === "string") alias = this.identOrString();
    // A bare string literal is named by its value, not its quoted text.
    const name = expr.kind === "literal" && typeof expr.value === "string" ? expr.value : text;
    return { expr, alias, text: name };
  }

  private orderBy(): OrderItem[] {
    const out: OrderItem[] = [];
    if (!this.acceptWord("ORDER")) return out;
    this.expectWord("BY");
    do {
      const expr = this.expr();
      let desc = false;
      if (this.acceptWord("DESC")) desc = true;
      else this.acceptWord("ASC");
      out.push({ expr, desc });
    } while (this.acceptOp(","));
    return out;
  }

  private limit(): { count: number; offset: number } | undefined {
    if (!this.acceptWord("LIMIT")) return undefined;
    const first = this.integer();
    if (this.acceptOp(",")) return { offset: first, count: this.integer() };
    if (this.acceptWord("OFFSET")) return { count: first, offset: this.integer() };
    return { count: first, offset: 0 };
  }

  private create(): Statement {
    this.expectWord("CREATE");
    if (this.acceptWord("DATABASE", "SCHEMA")) {
      const ifNotExists = this.ifNotExists();
      const name = this.ident();
      this.tableOptions();
      return { kind: "createDatabase", name, ifNotExists };
    }
    if (this.acceptWord("USER")) {
      const ifNotExists = this.ifNotExists();
      const users: UserAuth[] = [];
      do users.push(this.userAuth());
      while (this.acceptOp(","));
      this.userOptions();
      return { kind: "createUser", ifNotExists, users };
    }
    this.acceptWord("TEMPORARY");
    this.expectWord("TABLE");
    return this.createTable();
  }

  private ifNotExists(): boolean {
    if (!this.acceptWord("IF")) return false;
    this.expectWord("NOT");
    this.expectWord("EXISTS");
    return true;
  }

  private ifExists(): boolean {
    if (!this.acceptWord("IF")) return false;
    this.expectWord("EXISTS");
    return true;
  }

  private createTable(): CreateTable {
    const ifNotExists = this.ifNotExists();
    const table = this.tableRef();
    this.expectOp("(");
    const columns: ColumnDef[] = [];
    const indexes: IndexDef[] = [];
    do {
      if (this.peekWord("PRIMARY", "UNIQUE", "KEY", "INDEX", "FULLTEXT", "CONSTRAINT")) indexes.push(this.indexDef());
      else {
        const { column, inline } = this.columnDef();
        columns.push(column);
        if (inline !== undefined) indexes.push(inline);
      }
    } while (this.acceptOp(","));
    this.expectOp(")");
    const options = this.tableOptions();
    return { kind: "createTable", table, ifNotExists, columns, indexes, options };
  }

  /** ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=… AUTO_INCREMENT=… COMMENT='…' */
  private tableOptions(): Record<string, string | number> {
    const out: Record<string, string | number> = {};
    for (;;) {
      this.acceptOp(",");
      this.acceptWord("DEFAULT");
      let key: string;
      if (this.acceptWord("CHARACTER")) {
        this.expectWord("SET");
        key = "CHARSET";
      } else if (this.peekWord("ENGINE", "CHARSET", "COLLATE", "AUTO_INCREMENT", "COMMENT", "ROW_FORMAT", "ENCRYPTION")) {
        key = this.next().upper;
      } else return out;
      this.acceptOp("=");
      const t = this.next();
      if (t.kind === "number") out[key] = Number(t.text);
      else if (t.kind === "string" || t.kind === "word" || t.kind === "quoted") out[key] = t.text;
      else throw this.error(t);
    }
  }

  private columnDef(): { column: ColumnDef; inline?: IndexDef } {
    const name = this.ident();
    const type = this.columnType();
    let notNull = false;
    let def: DefaultValue | undefined;
    let onUpdateNow = false;
    let autoIncrement = false;
    let comment: string | undefined;
    let inline: IndexDef | undefined;
    for (;;) {
      if (this.acceptWord("NOT")) {
        this.expectWord("NULL");
        notNull = true;
      } else if (this.acceptWord("NULL")) notNull = false;
      else if (this.acceptWord("DEFAULT")) def = this.defaultValue();
      else if (this.acceptWord("ON")) {
        this.expectWord("UPDATE");
        this.nowFunction();
        onUpdateNow = true;
      } else if (this.acceptWord("AUTO_INCREMENT")) autoIncrement = true;
      else if (this.acceptWord("PRIMARY")) {
        this.expectWord("KEY");
        inline = { name: "PRIMARY", kind: "primary", parts: [{ column: name }] };
        notNull = true;
      } else if (this.acceptWord("UNIQUE")) {
        this.acceptWord("KEY");
        inline = { name, kind: "unique", parts: [{ column: name }] };
      } else if (this.acceptWord("KEY")) {
        inline = { name: "PRIMARY", kind: "primary", parts: [{ column: name }] };
        notNull = true;
      } else if (this.acceptWord("COMMENT")) comment = this.stringLiteral();
      else if (this.acceptWord("CHARACTER")) {
        this.expectWord("SET");
        this.identOrString();
      } else if (this.acceptWord("CHARSET", "COLLATE")) this.identOrString();
      else break;
    }
    return { column: { name, type, notNull, default: def, onUpdateNow, autoIncrement, comment }, inline };
  }

  private columnType(): ColumnType {
    const t = this.peek();
    const name = t.kind === "word" ? TYPE_ALIASES[t.upper] : undefined;
    if (name === undefined) throw this.error();
    this.pos++;
    if (t.upper === "DOUBLE") this.acceptWord("PRECISION");
    let length: number | undefined;
    let scale: number | undefined;
    if (this.acceptOp("(")) {
      length = this.integer();
      if (this.acceptOp(",")) scale = this.integer();
      this.expectOp(")");
    }
    if (name === "VARCHAR" && length === undefined) throw this.error();
    let unsigned = false;
    for (;;) {
      if (this.acceptWord("UNSIGNED")) unsigned = true;
      else if (this.acceptWord("SIGNED", "ZEROFILL", "BINARY")) continue;
      else break;
    }
    if (t.upper === "BOOL" || t.upper === "BOOLEAN") length = 1;
    return { name, length, scale, unsigned };
  }

  private defaultValue(): DefaultValue {
    if (this.peekWord("CURRENT_TIMESTAMP", "NOW", "LOCALTIME", "LOCALTIMESTAMP")) {
      this.nowFunction();
      return { kind: "now" };
    }
    if (this.acceptWord("NULL")) return { kind: "value", value: null };
    const negative = this.acceptOp("-");
    const t = this.next();
    if (t.kind === "number") return { kind: "value", value: negative ? -Number(t.text) : Number(t.text) };
    if (t.kind === "string" && !negative) return { kind: "value", value: t.text };
    if (t.kind === "word" && (t.upper === "TRUE" || t.upper === "FALSE")) return { kind: "value", value: t.upper === "TRUE" ? 1 : 0 };
    throw this.error(t);
  }

  private nowFunction(): void {
    this.expectWord("CURRENT_TIMESTAMP", "NOW", "LOCALTIME", "LOCALTIMESTAMP");
    if (this.acceptOp("(")) {
      if (!this.peekOp(")")) this.integer();
      this.expectOp(")");
    }
  }

  private indexDef(): IndexDef {
    if (this.acceptWord("CONSTRAINT")) {
      if (this.isIdent()) this.ident();
    }
    if (this.acceptWord("PRIMARY")) {
      this.expectWord("KEY");
      return { name: "PRIMARY", kind: "primary", parts: this.keyParts() };
    }
    if (this.acceptWord("UNIQUE")) {
      this.acceptWord("KEY", "INDEX");
      const name = this.isIdent() ? this.ident() : undefined;
      const parts = this.keyParts();
      return { name: name ?? parts[0]!.column, kind: "unique", parts };
    }
    if (this.acceptWord("FULLTEXT")) {
      this.acceptWord("KEY", "INDEX");
      const name = this.isIdent() ? this.ident() : undefined;
      const parts = this.keyParts();
      return { name: name ?? parts[0]!.column, kind: "fulltext", parts };
    }
    this.expectWord("KEY", "INDEX");
    const name = this.isIdent() ? this.ident() : undefined;
    const parts = this.keyParts();
    return { name: name ?? parts[0]!.column, kind: "index", parts };
  }

  private keyParts(): KeyPart[] {
    this.expectOp("(");
    const parts: KeyPart[] = [];
    do {
      const column = this.ident();
      let length: number | undefined;
      if (this.acceptOp("(")) {
        length = this.integer();
        this.expectOp(")");
      }
      this.acceptWord("ASC", "DESC");
      parts.push(length === undefined ? { column } : { column, length });
    } while (this.acceptOp(","));
    this.expectOp(")");
    return parts;
  }

  private drop(): Statement {
    this.expectWord("DROP");
    if (this.acceptWord("DATABASE", "SCHEMA")) {
      const ifExists = this.ifExists();
      return { kind: "dropDatabase", name: this.ident(), ifExists };
    }
    if (this.acceptWord("USER")) {
      const ifExists = this.ifExists();
      const users: UserSpec[] = [];
      do users.push(this.userSpec());
      while (this.acceptOp(","));
      return { kind: "dropUser", ifExists, users };
    }
    this.acceptWord("TEMPORARY");
    this.expectWord("TABLE", "TABLES");
    const ifExists = this.ifExists();
    const tables: TableRef[] = [];
    do tables.push(this.tableRef());
    while (this.acceptOp(","));
    return { kind: "dropTable", tables, ifExists };
  }

  private insert(): Statement {
    this.expectWord("INSERT");
    this.acceptWord("LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY");
    const ignore = this.acceptWord("IGNORE");
    this.acceptWord("INTO");
    const table = this.tableRef();
    let columns: string[] | undefined;
    const rows: (Expr | "DEFAULT")[][] = [];
    if (this.acceptWord("SET")) {
      const set = this.assignments();
      columns = set.map((a) => a.column);
      rows.push(set.map((a) => a.value));
    } else {
      if (this.acceptOp("(")) {
        columns = [];
        if (!this.peekOp(")")) {
          do columns.push(this.columnName());
          while (this.acceptOp(","));
        }
        this.expectOp(")");
      }
      this.expectWord("VALUES", "VALUE");
      do {
        this.expectOp("(");
        const row: (Expr | "DEFAULT")[] = [];
        if (!this.peekOp(")")) {
          do row.push(this.acceptWord("DEFAULT") ? "DEFAULT" : this.expr());
          while (this.acceptOp(","));
        }
        this.expectOp(")");
        rows.push(row);
      } while (this.acceptOp(","));
    }
    let onDuplicate: Assignment[] | undefined;
    if (this.acceptWord("ON")) {
      this.expectWord("DUPLICATE");
      this.expectWord("KEY");
      this.expectWord("UPDATE");
      onDuplicate = this.assignments();
    }
    return { kind: "insert", table, ignore, columns, rows, onDuplicate };
  }

  /** `col` or `t.col` in a column list; the table qualifier is not needed in single-table statements. */
  private columnName(): string {
    const first = this.ident();
    if (this.acceptOp(".")) return this.ident();
    return first;
  }

  private assignments(): Assignment[] {
    const out: Assignment[] = [];
    do {
      const column = this.columnName();
      this.expectOp("=");
      out.push({ column, value: this.expr() });
    } while (this.acceptOp(","));
    return out;
  }

  private update(): Statement {
    this.expectWord("UPDATE");
    this.acceptWord("LOW_PRIORITY");
    this.acceptWord("IGNORE");
    const table = this.tableRef();
    if (this.peekOp(",")) throw ER.notSupportedYet("multi-table UPDATE in ksim");
    this.expectWord("SET");
    const set = this.assignments();
    const where = this.acceptWord("WHERE") ? this.expr() : undefined;
    const orderBy = this.orderBy();
    const limit = this.acceptWord("LIMIT") ? this.integer() : undefined;
    return { kind: "update", table, set, where, orderBy, limit };
  }

  private delete(): Statement {
    this.expectWord("DELETE");
    this.acceptWord("LOW_PRIORITY", "QUICK", "IGNORE");
    if (!this.acceptWord("FROM")) {
      // `DELETE t1, t2 FROM …`: the multi-table form; a missing FROM is reported where it should be.
      do this.tableRef();
      while (this.acceptOp(","));
      this.expectWord("FROM", "USING");
      throw ER.notSupportedYet("multi-table DELETE in ksim");
    }
    const table = this.tableRef();
    if (this.peekOp(",") || this.peekWord("USING")) throw ER.notSupportedYet("multi-table DELETE in ksim");
    const where = this.acceptWord("WHERE") ? this.expr() : undefined;
    const orderBy = this.orderBy();
    const limit = this.acceptWord("LIMIT") ? this.integer() : undefined;
    return { kind: "delete", table, where, orderBy, limit };
  }

  private likeClause(): string | undefined {
    if (!this.acceptWord("LIKE")) return undefined;
    return this.stringLiteral();
  }

  private show(): Statement {
    this.expectWord("SHOW");
    if (this.acceptWord("DATABASES", "SCHEMAS")) return { kind: "showDatabases", like: this.likeClause() };
    const full = this.acceptWord("FULL");
    if (this.acceptWord("TABLES")) {
      const db = this.acceptWord("FROM", "IN") ? this.ident() : undefined;
      return { kind: "showTables", db, full, like: this.likeClause() };
    }
    if (this.acceptWord("COLUMNS", "FIELDS")) {
      this.expectWord("FROM", "IN");
      const table = this.tableRef();
      if (this.acceptWord("FROM", "IN")) return { kind: "showColumns", table: { db: this.ident(), name: table.name }, full };
      return { kind: "showColumns", table, full };
    }
    if (this.acceptWord("PROCESSLIST")) return { kind: "showProcesslist", full };
    if (full) throw this.error();
    if (this.acceptWord("BINARY")) {
      this.expectWord("LOGS");
      return { kind: "showBinaryLogs" };
    }
    if (this.acceptWord("MASTER")) {
      if (this.acceptWord("LOGS")) return { kind: "showBinaryLogs" };
      this.expectWord("STATUS");
      return { kind: "showMasterStatus" };
    }
    if (this.acceptWord("CREATE")) {
      if (this.acceptWord("DATABASE", "SCHEMA")) {
        const ifNotExists = this.acceptWord("IF");
        if (ifNotExists) {
          this.expectWord("NOT");
          this.expectWord("EXISTS");
        }
        return { kind: "showCreateDatabase", db: this.ident(), ifNotExists };
      }
      this.expectWord("TABLE");
      return { kind: "showCreateTable", table: this.tableRef() };
    }
    let scope: "GLOBAL" | "SESSION" = "SESSION";
    if (this.acceptWord("GLOBAL")) scope = "GLOBAL";
    else this.acceptWord("SESSION", "LOCAL");
    if (this.acceptWord("VARIABLES")) return { kind: "showVariables", like: this.likeClause(), scope };
    if (this.acceptWord("STATUS")) return { kind: "showStatus", like: this.likeClause(), scope };
    if (this.acceptWord("WARNINGS")) return { kind: "showWarnings" };
    if (this.acceptWord("GRANTS")) {
      if (this.acceptWord("FOR")) return { kind: "showGrants", user: this.userSpec() };
      return { kind: "showGrants" };
    }
    throw this.error();
  }

  private set(): Statement {
    this.expectWord("SET");
    if (this.acceptWord("NAMES")) {
      const charset = this.identOrString();
      if (this.acceptWord("COLLATE")) this.identOrString();
      return { kind: "setNames", charset };
    }
    if (this.acceptWord("PASSWORD")) {
      let user: UserSpec | undefined;
      if (this.acceptWord("FOR")) user = this.userSpec();
      this.expectOp("=");
      return { kind: "setPassword", user, password: this.stringLiteral() };
    }
    if (this.acceptWord("TRANSACTION")) {
      // SET TRANSACTION ISOLATION LEVEL …: accepted; ksim has one isolation behaviour.
      while (this.peek().kind === "word") this.pos++;
      return { kind: "set", assignments: [] };
    }
    const assignments: { target: VarTarget; value: Expr | "DEFAULT" }[] = [];
    let scope: "GLOBAL" | "SESSION" = "SESSION";
    do {
      let target: VarTarget;
      const t = this.peek();
      if (this.acceptWord("GLOBAL", "PERSIST")) scope = "GLOBAL";
      else if (this.acceptWord("SESSION", "LOCAL")) scope = "SESSION";
      const v = this.peek();
      if (v.kind === "uservar") {
        this.pos++;
        target = { kind: "user", name: v.text };
      } else if (v.kind === "sysvar") {
        this.pos++;
        const named = sysvarName(v.text);
        target = { kind: "system", name: named.name, scope: named.scope ?? scope };
      } else if (v.kind === "word" || v.kind === "quoted") {
        this.pos++;
        target = { kind: "system", name: v.text.toLowerCase(), scope };
      } else throw this.error(t);
      if (!this.acceptOp("=")) this.expectOp(":=");
      const value = this.acceptWord("DEFAULT") ? "DEFAULT" : this.peekWord("ON") ? (this.pos++, { kind: "literal", value: "ON" } as const) : this.expr();
      assignments.push({ target, value });
    } while (this.acceptOp(","));
    return { kind: "set", assignments };
  }

  // ---- accounts ----------------------------------------------------------------------------

  /** 'user'@'host', user@host, `user`@`host`, or 'user' (host %). */
  private userSpec(): UserSpec {
    if (this.acceptWord("CURRENT_USER")) {
      if (this.acceptOp("(")) this.expectOp(")");
      return { user: "", host: "" };
    }
    const t = this.peek();
    let user: string;
    if (t.kind === "string" || t.kind === "quoted" || t.kind === "word") {
      this.pos++;
      user = t.text;
    } else throw this.error();
    const h = this.peek();
    if (h.kind === "uservar") {
      this.pos++;
      return { user, host: h.text };
    }
    if (this.acceptOp("@")) {
      const host = this.peek();
      if (host.kind === "string" || host.kind === "quoted" || host.kind === "word") {
        this.pos++;
        return { user, host: host.text };
      }
      throw this.error();
    }
    return { user, host: "%" };
  }

  private userAuth(): UserAuth {
    const spec = this.userSpec();
    if (!this.acceptWord("IDENTIFIED")) return spec;
    let plugin: string | undefined;
    if (this.acceptWord("WITH")) {
      plugin = this.identOrString();
      if (!this.acceptWord("BY")) return { ...spec, plugin };
    } else this.expectWord("BY");
    if (this.acceptWord("RANDOM")) {
      this.expectWord("PASSWORD");
      throw ER.notSupportedYet("IDENTIFIED BY RANDOM PASSWORD in ksim");
    }
    return { ...spec, password: this.stringLiteral(), plugin };
  }

  /** REQUIRE / WITH resource limits / PASSWORD EXPIRE … after CREATE USER; returns whether the password expires. */
  private userOptions(): boolean {
    let expire = false;
    for (;;) {
      if (this.acceptWord("PASSWORD")) {
        const w = this.expectWord("EXPIRE", "HISTORY", "REUSE", "REQUIRE");
        if (w === "EXPIRE") {
          expire = !this.peekWord("NEVER", "DEFAULT", "INTERVAL");
          if (this.acceptWord("INTERVAL")) {
            this.integer();
            this.expectWord("DAY");
          } else this.acceptWord("NEVER", "DEFAULT");
        } else while (this.peek().kind === "word" || this.peek().kind === "number") this.pos++;
      } else if (this.acceptWord("ACCOUNT")) this.expectWord("LOCK", "UNLOCK");
      else if (this.acceptWord("REQUIRE")) this.expectWord("NONE", "SSL", "X509");
      else return expire;
    }
  }

  /** ALTER TABLE t DISABLE KEYS | ENABLE KEYS, what a mysqldump file runs around its INSERTs. */
  private alterTableKeys(): Statement {
    this.expectWord("ALTER");
    this.expectWord("TABLE");
    const table = this.tableRef();
    this.expectWord("DISABLE", "ENABLE");
    this.expectWord("KEYS");
    return { kind: "alterTableKeys", table };
  }

  private alterUser(): Statement {
    this.expectWord("ALTER");
    this.expectWord("USER");
    const ifExists = this.ifExists();
    const users: UserAuth[] = [];
    do users.push(this.userAuth());
    while (this.acceptOp(","));
    const expire = this.userOptions();
    return { kind: "alterUser", ifExists, users, expire };
  }

  private privileges(): Privilege[] {
    const out: Privilege[] = [];
    do {
      const t = this.peek();
      if (t.kind !== "word" || !PRIVILEGE_WORDS.has(t.upper)) throw this.error();
      this.pos++;
      if (t.upper === "ALL") {
        this.acceptWord("PRIVILEGES");
        out.push("ALL");
      } else if (t.upper === "GRANT") {
        this.expectWord("OPTION");
        out.push("GRANT OPTION");
      } else if (t.upper === "CREATE" && this.acceptWord("USER")) out.push("CREATE USER");
      else if (t.upper === "LOCK") {
        this.expectWord("TABLES");
        out.push("LOCK TABLES");
      } else if (t.upper === "SHOW") {
        this.expectWord("DATABASES", "VIEW");
        out.push(`SHOW ${this.tokens[this.pos - 1]!.upper}`);
      } else if (t.upper === "REPLICATION") {
        const w = this.expectWord("CLIENT", "SLAVE");
        out.push(`REPLICATION ${w}`);
      } else out.push(t.upper);
    } while (this.acceptOp(","));
    return out;
  }

  private grantTarget(): GrantTarget {
    this.acceptWord("TABLE");
    if (this.acceptOp("*")) {
      if (this.acceptOp(".")) {
        this.expectOp("*");
        return { db: "*", table: "*" };
      }
      return { db: null, table: "*" };
    }
    const first = this.ident();
    if (this.acceptOp(".")) {
      if (this.acceptOp("*")) return { db: first, table: "*" };
      return { db: first, table: this.ident() };
    }
    return { db: null, table: first };
  }

  private grant(): Statement {
    this.expectWord("GRANT");
    if (this.acceptWord("PROXY")) {
      // GRANT PROXY ON ''@'' TO …: proxy users are not modelled; the statement succeeds.
      this.expectWord("ON");
      this.userSpec();
      this.expectWord("TO");
      do this.userSpec();
      while (this.acceptOp(","));
      if (this.acceptWord("WITH")) {
        this.expectWord("GRANT");
        this.expectWord("OPTION");
      }
      return { kind: "grantProxy" };
    }
    const privileges = this.privileges();
    this.expectWord("ON");
    const target = this.grantTarget();
    this.expectWord("TO");
    const users: UserSpec[] = [];
    do {
      const u = this.userAuth();
      if (u.password !== undefined) throw ER.cantCreateUserWithGrant();
      users.push(u);
    } while (this.acceptOp(","));
    let withGrantOption = false;
    if (this.acceptWord("WITH")) {
      this.expectWord("GRANT");
      this.expectWord("OPTION");
      withGrantOption = true;
    }
    return { kind: "grant", privileges, target, users, withGrantOption };
  }

  private revoke(): Statement {
    this.expectWord("REVOKE");
    const privileges = this.privileges();
    this.expectWord("ON");
    const target = this.grantTarget();
    this.expectWord("FROM");
    const users: UserSpec[] = [];
    do users.push(this.userSpec());
    while (this.acceptOp(","));
    return { kind: "revoke", privileges, target, users };
  }

  // ---- expressions -------------------------------------------------------------------------

  expr(): Expr {
    return this.orExpr();
  }

  private orExpr(): Expr {
    let left = this.xorExpr();
    while (this.acceptWord("OR") || this.acceptOp("||")) left = { kind: "binary", op: "OR", left, right: this.xorExpr() };
    return left;
  }

  private xorExpr(): Expr {
    let left = this.andExpr();
    while (this.acceptWord("XOR")) left = { kind: "binary", op: "XOR", left, right: this.andExpr() };
    return left;
  }

  private andExpr(): Expr {
    let left = this.notExpr();
    while (this.acceptWord("AND") || this.acceptOp("&&")) left = { kind: "binary", op: "AND", left, right: this.notExpr() };
    return left;
  }

  private notExpr(): Expr {
    if (this.acceptWord("NOT")) return { kind: "unary", op: "NOT", arg: this.notExpr() };
    return this.predicate();
  }

  private predicate(): Expr {
    const left = this.additive();
    for (;;) {
      const t = this.peek();
      if (t.kind === "op" && ["=", "<=>", "<>", "!=", "<", "<=", ">", ">="].includes(t.text)) {
        this.pos++;
        const op = (t.text === "!=" ? "<>" : t.text) as BinaryOp;
        return { kind: "binary", op, left, right: this.additive() };
      }
      if (this.acceptWord("IS")) {
        const not = this.acceptWord("NOT");
        if (this.acceptWord("NULL")) return { kind: "isNull", arg: left, not };
        const b = this.expectWord("TRUE", "FALSE");
        const truth: Expr = { kind: "binary", op: "<=>", left: { kind: "binary", op: "<>", left, right: { kind: "literal", value: 0 } }, right: { kind: "literal", value: b === "TRUE" ? 1 : 0 } };
        return not ? { kind: "unary", op: "NOT", arg: truth } : truth;
      }
      const not = this.peekWord("NOT") && this.peek(1).kind === "word" && ["IN", "LIKE", "BETWEEN"].includes(this.peek(1).upper);
      if (not) this.pos++;
      if (this.acceptWord("IN")) {
        this.expectOp("(");
        if (this.peekWord("SELECT")) throw ER.notSupportedYet("subqueries in ksim");
        const list: Expr[] = [];
        do list.push(this.expr());
        while (this.acceptOp(","));
        this.expectOp(")");
        return { kind: "in", arg: left, list, not };
      }
      if (this.acceptWord("LIKE")) {
        const pattern = this.additive();
        if (this.acceptWord("ESCAPE")) this.stringLiteral();
        return { kind: "like", arg: left, pattern, not };
      }
      if (this.acceptWord("BETWEEN")) {
        const low = this.additive();
        this.expectWord("AND");
        return { kind: "between", arg: left, low, high: this.additive(), not };
      }
      if (not) throw this.error();
      return left;
    }
  }

  private additive(): Expr {
    let left = this.multiplicative();
    for (;;) {
      if (this.acceptOp("+")) left = { kind: "binary", op: "+", left, right: this.multiplicative() };
      else if (this.acceptOp("-")) left = { kind: "binary", op: "-", left, right: this.multiplicative() };
      else return left;
    }
  }

  private multiplicative(): Expr {
    let left = this.unary();
    for (;;) {
      if (this.acceptOp("*")) left = { kind: "binary", op: "*", left, right: this.unary() };
      else if (this.acceptOp("/")) left = { kind: "binary", op: "/", left, right: this.unary() };
      else if (this.acceptOp("%") || this.acceptWord("MOD")) left = { kind: "binary", op: "%", left, right: this.unary() };
      else if (this.acceptWord("DIV")) left = { kind: "binary", op: "DIV", left, right: this.unary() };
      else return left;
    }
  }

  private unary(): Expr {
    if (this.acceptOp("-")) {
      const arg = this.unary();
      if (arg.kind === "literal" && typeof arg.value === "number") return { ...arg, value: -arg.value };
      return { kind: "unary", op: "-", arg };
    }
    if (this.acceptOp("+")) return this.unary();
    if (this.acceptOp("!")) return { kind: "unary", op: "NOT", arg: this.unary() };
    if (this.acceptOp("~")) return { kind: "unary", op: "~", arg: this.unary() };
    return this.primary();
  }

  private primary(): Expr {
    const t = this.peek();
    switch (t.kind) {
      case "number": {
        this.pos++;
        const dot = t.text.indexOf(".");
        const isDecimal = dot >= 0 && !/[eE]/.test(t.text);
        return isDecimal ? { kind: "literal", value: Number(t.text), decimals: t.text.length - dot - 1 } : { kind: "literal", value: Number(t.text) };
      }
      case "string": {
        this.pos++;
        let text = t.text;
        // Adjacent string literals are concatenated: 'a' 'b' is 'ab'.
        while (this.peek().kind === "string") text += this.next().text;
        return { kind: "literal", value: text };
      }
      case "uservar":
        this.pos++;
        return { kind: "uservar", name: t.text };
      case "sysvar": {
        this.pos++;
        const named = sysvarName(t.text);
        return named.scope === undefined ? { kind: "sysvar", name: named.name } : { kind: "sysvar", name: named.name, scope: named.scope };
      }
      case "op":
        if (t.text === "(") {
          this.pos++;
          if (this.peekWord("SELECT")) throw ER.notSupportedYet("subqueries in ksim");
          const e = this.expr();
          this.expectOp(")");
          return e;
        }
        throw this.error();
      case "quoted":
        return this.columnRef();
      case "word":
        return this.wordExpr(t);
      default:
        throw this.error();
    }
  }

  private wordExpr(t: Token): Expr {
    switch (t.upper) {
      case "NULL":
        this.pos++;
        return { kind: "literal", value: null };
      case "TRUE":
      case "FALSE":
        this.pos++;
        return { kind: "literal", value: t.upper === "TRUE" ? 1 : 0 };
      case "CASE":
        return this.caseExpr();
      case "CURRENT_TIMESTAMP":
      case "CURRENT_USER":
      case "CURRENT_DATE":
      case "LOCALTIME":
      case "LOCALTIMESTAMP":
        this.pos++;
        if (this.acceptOp("(")) this.expectOp(")");
        return { kind: "call", name: t.upper, args: [], distinct: false };
      case "DATABASE":
      case "SCHEMA":
      case "IF":
      case "INSERT":
      case "REPLACE":
      case "LEFT":
      case "RIGHT":
      case "MOD":
      case "CHAR":
        // Reserved words that are also function names.
        if (this.peek(1).kind === "op" && this.peek(1).text === "(") return this.call();
        throw this.error();
      case "VALUES":
        if (this.peek(1).kind === "op" && this.peek(1).text === "(") return this.call();
        throw this.error();
      case "INTERVAL":
        throw ER.notSupportedYet("INTERVAL expressions in ksim");
      case "EXISTS":
        throw ER.notSupportedYet("subqueries in ksim");
    }
    if (RESERVED.has(t.upper)) throw this.error();
    if (this.peek(1).kind === "op" && this.peek(1).text === "(" && this.peek(1).start === t.end) return this.call();
    return this.columnRef();
  }

  private columnRef(): Expr {
    const first = this.ident();
    if (this.acceptOp(".")) {
      const second = this.ident();
      if (this.acceptOp(".")) return { kind: "column", table: second, name: this.ident() };
      return { kind: "column", table: first, name: second };
    }
    return { kind: "column", name: first };
  }

  private call(): Expr {
    const name = this.next().upper;
    this.expectOp("(");
    if (name === "COUNT" && this.acceptOp("*")) {
      this.expectOp(")");
      return { kind: "call", name, args: [{ kind: "star" }], distinct: false };
    }
    const distinct = this.acceptWord("DISTINCT");
    const args: Expr[] = [];
    if (!this.peekOp(")") || AGGREGATE_NAMES.has(name)) {
      do args.push(this.expr());
      while (this.acceptOp(","));
    }
    this.expectOp(")");
    return { kind: "call", name, args, distinct };
  }

  private caseExpr(): Expr {
    this.expectWord("CASE");
    const operand = this.peekWord("WHEN") ? undefined : this.expr();
    const whens: { when: Expr; then: Expr }[] = [];
    while (this.acceptWord("WHEN")) {
      const when = this.expr();
      this.expectWord("THEN");
      whens.push({ when, then: this.expr() });
    }
    if (whens.length === 0) throw this.error();
    const otherwise = this.acceptWord("ELSE") ? this.expr() : undefined;
    this.expectWord("END");
    return { kind: "case", operand, whens, otherwise };
  }
}

/** `@@session.autocommit`, `@@global.x`, `@@x`: the variable name and the scope, if one was written. */
function sysvarName(text: string): { name: string; scope?: "GLOBAL" | "SESSION" } {
  const lower = text.toLowerCase();
  for (const prefix of ["global.", "session.", "local.", "persist."]) {
    if (lower.startsWith(prefix)) {
      return { name: lower.slice(prefix.length), scope: prefix === "global." || prefix === "persist." ? "GLOBAL" : "SESSION" };
    }
  }
  return { name: lower };
}
