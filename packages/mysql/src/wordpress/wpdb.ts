import type { Proc, Sim } from "@ksim/sim";
import { MysqlConnection, type ClientNet } from "../client/connection.js";
import type { SqlError } from "../sql/errors.js";

/**
 * WordPress's database layer (wp-includes/class-wpdb.php) as far as the model needs it: the
 * connection settings wp-config-docker.php reads from the environment, one connection per
 * request (PHP's mysqli, no persistent connections), the charset and sql_mode WordPress sets
 * on every connection, and value escaping as mysqli_real_escape_string does it.
 */

export interface DbConfig {
  readonly host: string;
  readonly port: number;
  /** DB_HOST `localhost` (or `host:/path`) means the Unix socket. */
  readonly socket?: string;
  readonly user: string;
  readonly password: string;
  readonly name: string;
  readonly charset: string;
  readonly prefix: string;
}

/** getenv_docker() with the image's defaults. */
export function dbConfig(env: ReadonlyMap<string, string>): DbConfig {
  const get = (name: string, fallback: string) => env.get(name) ?? fallback;
  const rawHost = get("WORDPRESS_DB_HOST", "mysql");
  const colon = rawHost.indexOf(":");
  const hostPart = colon < 0 ? rawHost : rawHost.slice(0, colon);
  const after = colon < 0 ? "" : rawHost.slice(colon + 1);
  return {
    host: hostPart,
    port: /^\d+$/.test(after) ? Number(after) : 3306,
    socket: after.startsWith("/") ? after : undefined,
    user: get("WORDPRESS_DB_USER", "example username"),
    password: get("WORDPRESS_DB_PASSWORD", "example password"),
    name: get("WORDPRESS_DB_NAME", "wordpress"),
    charset: get("WORDPRESS_DB_CHARSET", "utf8mb4"),
    prefix: get("WORDPRESS_TABLE_PREFIX", "wp_"),
  };
}

/** SQL modes WordPress removes from the session (wpdb::$incompatible_modes). */
const INCOMPATIBLE_MODES = ["NO_ZERO_DATE", "ONLY_FULL_GROUP_BY", "STRICT_TRANS_TABLES", "STRICT_ALL_TABLES", "TRADITIONAL", "ANSI"];

/** PHP's connect timeout for mysqli (default_socket_timeout). */
const CONNECT_TIMEOUT_MS = 60_000;

export type Row = Readonly<Record<string, string | null>>;

/** A value as a SQL literal: strings quoted with mysqli_real_escape_string's escapes. */
export function esc(v: string | number | null): string {
  if (v === null) return "NULL";
  if (typeof v === "number") return String(v);
  return `'${v.replace(/[\0\n\r\\'"\x1a]/g, (c) => ({ "\0": "\\0", "\n": "\\n", "\r": "\\r", "\\": "\\\\", "'": "\\'", '"': '\\"', "\x1a": "\\Z" })[c]!)}'`;
}

export class Wpdb {
  private constructor(
    private readonly conn: MysqlConnection,
    readonly prefix: string,
  ) {}

  /** Connects and prepares the session as WordPress does; the error is what mysqli reported. */
  static *connect(sim: Sim, net: ClientNet, config: DbConfig, fs: { exists(path: string): boolean }): Proc<Wpdb | SqlError> {
    const viaSocket = config.host === "localhost" || config.socket !== undefined;
    const conn = yield* MysqlConnection.connect(sim, net, {
      host: viaSocket ? "localhost" : config.host,
      port: config.port,
      socket: config.socket,
      protocol: viaSocket ? "socket" : "tcp",
      user: config.user,
      password: config.password,
      database: config.name,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      fs,
      program: "php",
    });
    if (!(conn instanceof MysqlConnection)) return conn;
    const db = new Wpdb(conn, config.prefix);
    const names = yield* conn.query(`SET NAMES ${config.charset}`);
    if (names.error !== undefined) return names.error;
    const modes = yield* db.rows("SELECT @@SESSION.sql_mode");
    if (!Array.isArray(modes)) return modes;
    const current = (modes[0]?.["@@SESSION.sql_mode"] ?? "").split(",").filter((m) => m !== "" && !INCOMPATIBLE_MODES.includes(m));
    const set = yield* conn.query(`SET SESSION sql_mode='${current.join(",")}'`);
    if (set.error !== undefined) return set.error;
    return db;
  }

  /** `wp_posts` for `posts`. */
  table(name: string): string {
    return `${this.prefix}${name}`;
  }

  /** Rows as objects keyed by column name, or the error. */
  *rows(sql: string): Proc<Row[] | SqlError> {
    const r = yield* this.conn.query(sql);
    if (r.error !== undefined) return r.error;
    const result = r.results[0];
    if (result?.kind !== "rows") return [];
    return result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c.name, row[i] ?? null])));
  }

  /** Runs a statement; the insert id and affected rows, or the error. */
  *exec(sql: string): Proc<{ insertId: number; affectedRows: number } | SqlError> {
    const r = yield* this.conn.query(sql);
    if (r.error !== undefined) return r.error;
    const result = r.results[0];
    return result?.kind === "ok" ? { insertId: result.insertId, affectedRows: result.affectedRows } : { insertId: 0, affectedRows: 0 };
  }

  close(): void {
    this.conn.close();
  }
}
