/** The statements and expressions of the SQL subset ksim's MySQL understands. */

export type Expr =
  | { readonly kind: "literal"; readonly value: null | number | string; readonly decimals?: number }
  | { readonly kind: "column"; readonly table?: string; readonly name: string }
  | { readonly kind: "star" } // only inside COUNT(*)
  | { readonly kind: "unary"; readonly op: "-" | "NOT" | "~"; readonly arg: Expr }
  | { readonly kind: "binary"; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr }
  | { readonly kind: "isNull"; readonly arg: Expr; readonly not: boolean }
  | { readonly kind: "in"; readonly arg: Expr; readonly list: readonly Expr[]; readonly not: boolean }
  | { readonly kind: "like"; readonly arg: Expr; readonly pattern: Expr; readonly not: boolean }
  | { readonly kind: "between"; readonly arg: Expr; readonly low: Expr; readonly high: Expr; readonly not: boolean }
  | { readonly kind: "case"; readonly operand?: Expr; readonly whens: readonly { when: Expr; then: Expr }[]; readonly otherwise?: Expr }
  | { readonly kind: "call"; readonly name: string; readonly args: readonly Expr[]; readonly distinct: boolean }
  | { readonly kind: "uservar"; readonly name: string }
  | { readonly kind: "sysvar"; readonly name: string; readonly scope?: "GLOBAL" | "SESSION" };

export type BinaryOp =
  | "OR"
  | "XOR"
  | "AND"
  | "="
  | "<=>"
  | "<>"
  | "<"
  | "<="
  | ">"
  | ">="
  | "+"
  | "-"
  | "*"
  | "/"
  | "DIV"
  | "%";

export interface SelectItem {
  readonly expr: Expr | "*";
  /** `t.*` */
  readonly starTable?: string;
  readonly alias?: string;
  /** The expression as typed: MySQL names unaliased result columns after it. */
  readonly text: string;
}

export interface OrderItem {
  readonly expr: Expr;
  readonly desc: boolean;
}

export interface TableRef {
  readonly db?: string;
  readonly name: string;
}

export interface Select {
  readonly kind: "select";
  readonly distinct: boolean;
  readonly calcFoundRows: boolean;
  readonly items: readonly SelectItem[];
  readonly from?: TableRef & { readonly alias?: string };
  readonly where?: Expr;
  readonly groupBy: readonly Expr[];
  readonly having?: Expr;
  readonly orderBy: readonly OrderItem[];
  readonly limit?: { readonly count: number; readonly offset: number };
  readonly forUpdate: boolean;
}

export type ColumnTypeName =
  | "TINYINT"
  | "SMALLINT"
  | "MEDIUMINT"
  | "INT"
  | "BIGINT"
  | "DECIMAL"
  | "FLOAT"
  | "DOUBLE"
  | "CHAR"
  | "VARCHAR"
  | "TINYTEXT"
  | "TEXT"
  | "MEDIUMTEXT"
  | "LONGTEXT"
  | "BLOB"
  | "LONGBLOB"
  | "DATETIME"
  | "DATE"
  | "TIMESTAMP";

export interface ColumnType {
  readonly name: ColumnTypeName;
  /** Display width for integers, length for strings, precision for DECIMAL. */
  readonly length?: number;
  readonly scale?: number;
  readonly unsigned: boolean;
}

export type DefaultValue = { readonly kind: "value"; readonly value: null | number | string } | { readonly kind: "now" };

export interface ColumnDef {
  readonly name: string;
  readonly type: ColumnType;
  readonly notNull: boolean;
  readonly default?: DefaultValue;
  readonly onUpdateNow: boolean;
  readonly autoIncrement: boolean;
  readonly comment?: string;
}

export interface KeyPart {
  readonly column: string;
  readonly length?: number;
}

export interface IndexDef {
  /** PRIMARY for the primary key. */
  readonly name: string;
  readonly kind: "primary" | "unique" | "index" | "fulltext";
  readonly parts: readonly KeyPart[];
}

export interface CreateTable {
  readonly kind: "createTable";
  readonly table: TableRef;
  readonly ifNotExists: boolean;
  readonly columns: readonly ColumnDef[];
  /** Inline PRIMARY KEY / UNIQUE column attributes already turned into indexes. */
  readonly indexes: readonly IndexDef[];
  readonly options: Readonly<Record<string, string | number>>;
}

export interface UserSpec {
  readonly user: string;
  readonly host: string;
}

export interface UserAuth extends UserSpec {
  readonly password?: string;
  readonly plugin?: string;
}

export type Privilege = "ALL" | "SELECT" | "INSERT" | "UPDATE" | "DELETE" | "CREATE" | "DROP" | "INDEX" | "ALTER" | "RELOAD" | "SHUTDOWN" | "PROCESS" | "GRANT OPTION" | "CREATE USER" | "USAGE" | "PROXY" | string;

/** `*.*`, `db.*`, `db.t` (a bare `t` or `*` is resolved against the current database by the parser's caller). */
export interface GrantTarget {
  readonly db: string | "*" | null;
  readonly table: string | "*";
}

export interface Assignment {
  readonly column: string;
  readonly value: Expr;
}

export type VarTarget =
  | { readonly kind: "system"; readonly name: string; readonly scope: "GLOBAL" | "SESSION" }
  | { readonly kind: "user"; readonly name: string };

export type Statement =
  | Select
  | { readonly kind: "createDatabase"; readonly name: string; readonly ifNotExists: boolean }
  | { readonly kind: "dropDatabase"; readonly name: string; readonly ifExists: boolean }
  | { readonly kind: "use"; readonly name: string }
  | CreateTable
  | { readonly kind: "dropTable"; readonly tables: readonly TableRef[]; readonly ifExists: boolean }
  | { readonly kind: "truncate"; readonly table: TableRef }
  | { readonly kind: "lockTables"; readonly tables: readonly { readonly table: TableRef; readonly mode: "READ" | "WRITE" }[] }
  | { readonly kind: "unlockTables" }
  | { readonly kind: "alterTableKeys"; readonly table: TableRef }
  | {
      readonly kind: "insert";
      readonly table: TableRef;
      readonly ignore: boolean;
      readonly columns?: readonly string[];
      readonly rows: readonly (readonly (Expr | "DEFAULT")[])[];
      readonly onDuplicate?: readonly Assignment[];
    }
  | { readonly kind: "update"; readonly table: TableRef; readonly set: readonly Assignment[]; readonly where?: Expr; readonly orderBy: readonly OrderItem[]; readonly limit?: number }
  | { readonly kind: "delete"; readonly table: TableRef; readonly where?: Expr; readonly orderBy: readonly OrderItem[]; readonly limit?: number }
  | { readonly kind: "showDatabases"; readonly like?: string }
  | { readonly kind: "showTables"; readonly db?: string; readonly full: boolean; readonly like?: string }
  | { readonly kind: "showColumns"; readonly table: TableRef; readonly full: boolean }
  | { readonly kind: "showCreateTable"; readonly table: TableRef }
  | { readonly kind: "showCreateDatabase"; readonly db: string; readonly ifNotExists: boolean }
  | { readonly kind: "showVariables"; readonly like?: string; readonly scope: "GLOBAL" | "SESSION" }
  | { readonly kind: "showStatus"; readonly like?: string; readonly scope: "GLOBAL" | "SESSION" }
  | { readonly kind: "showWarnings" }
  | { readonly kind: "showGrants"; readonly user?: UserSpec }
  | { readonly kind: "showProcesslist"; readonly full: boolean }
  | { readonly kind: "showBinaryLogs" }
  | { readonly kind: "showMasterStatus" }
  | { readonly kind: "purgeBinaryLogs"; readonly to: string }
  | { readonly kind: "purgeBinaryLogsBefore"; readonly before: Expr }
  | { readonly kind: "begin" }
  | { readonly kind: "commit" }
  | { readonly kind: "rollback" }
  | { readonly kind: "set"; readonly assignments: readonly { target: VarTarget; value: Expr | "DEFAULT" }[] }
  | { readonly kind: "setNames"; readonly charset: string }
  | { readonly kind: "setPassword"; readonly user?: UserSpec; readonly password: string }
  | { readonly kind: "createUser"; readonly ifNotExists: boolean; readonly users: readonly UserAuth[] }
  | { readonly kind: "dropUser"; readonly ifExists: boolean; readonly users: readonly UserSpec[] }
  | { readonly kind: "alterUser"; readonly ifExists: boolean; readonly users: readonly UserAuth[]; readonly expire: boolean }
  | { readonly kind: "grant"; readonly privileges: readonly Privilege[]; readonly target: GrantTarget; readonly users: readonly UserSpec[]; readonly withGrantOption: boolean }
  | { readonly kind: "grantProxy" }
  | { readonly kind: "revoke"; readonly privileges: readonly Privilege[]; readonly target: GrantTarget; readonly users: readonly UserSpec[] }
  | { readonly kind: "flush"; readonly what: string }
  | { readonly kind: "flushTablesWithReadLock" }
  | { readonly kind: "shutdown" }
  | { readonly kind: "kill"; readonly id: number; readonly queryOnly: boolean };
