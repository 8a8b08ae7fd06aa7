import { race, sleep, wait, type CloseReason, type Connection, type Proc, type Sim } from "@ksim/sim";
import { isClosed, Mailbox } from "../mailbox.js";
import { DEFAULT_SOCKET, MYSQL_PORT, socketPort, type ClientMessage, type ServerMessage } from "../protocol.js";
import { CR, SqlError } from "../sql/errors.js";
import { passwordHash, scramble } from "../sql/privileges.js";
import type { ResultColumn } from "../sql/session.js";

/**
 * A MySQL client library (what libmysqlclient and PHP's mysqli do): connect by socket or TCP
 * with name resolution, log in, run queries, with connect and read time-outs. Failures come
 * back as the client errors programs print (2002, 2003, 2005, 2013, …), never as exceptions.
 */

/** What the client needs from its network namespace: a process's `ctx.net` has it. */
export interface ClientNet {
  connect(ip: string, port: number, options?: { timeoutMs?: number }): Connection;
  resolve(name: string): string[];
}

export interface ConnectOptions {
  /** Host name or IP; `localhost` means the Unix socket unless `protocol` is tcp. */
  readonly host?: string;
  readonly port?: number;
  readonly socket?: string;
  readonly protocol?: "tcp" | "socket";
  readonly user: string;
  readonly password?: string;
  readonly database?: string;
  readonly connectTimeoutMs?: number;
  /** Give up on a reply after this long (libmysql's read timeout); none by default. */
  readonly readTimeoutMs?: number;
  /** To check the socket file, which must exist for a socket connection. */
  readonly fs?: { exists(path: string): boolean };
  readonly program?: string;
}

export type QueryResult =
  | { readonly kind: "ok"; readonly affectedRows: number; readonly insertId: number; readonly warnings: number; readonly info?: string }
  | { readonly kind: "rows"; readonly columns: readonly ResultColumn[]; readonly rows: readonly (readonly (string | null)[])[]; readonly warnings: number };

/** One result per statement that ran; `error` ends a multi-statement query early. */
export interface QueryOutcome {
  readonly results: readonly QueryResult[];
  readonly error?: SqlError;
  /** COM_STATISTICS's answer. */
  readonly statistics?: string;
}

const ERRNO: Partial<Record<CloseReason, number>> = { ECONNREFUSED: 111, ETIMEDOUT: 110, EHOSTUNREACH: 113, ECONNRESET: 104, ENETDOWN: 100 };

function isIp(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
}

export class MysqlConnection {
  /** The loss has been reported once (2013); later commands find the server gone (2006). */
  private lost = false;

  private constructor(
    private readonly sim: Sim,
    private readonly conn: Connection,
    private readonly mailbox: Mailbox<ServerMessage>,
    readonly serverVersion: string,
    readonly connectionId: number,
    private readonly readTimeoutMs: number | undefined,
    /** How it was reached: `Localhost via UNIX socket` or `10.96.0.5 via TCP/IP`. */
    readonly hostInfo: string,
    /** The socket's path, when it was reached through one; otherwise the TCP port. */
    readonly endpoint: { readonly socket: string } | { readonly port: number },
  ) {}

  static *connect(sim: Sim, net: ClientNet, options: ConnectOptions): Proc<MysqlConnection | SqlError> {
    const host = options.host ?? "localhost";
    const port = options.port ?? MYSQL_PORT;
    const viaSocket = options.protocol === "socket" || (host === "localhost" && options.protocol !== "tcp");
    let conn: Connection;
    let hostInfo: string;
    const socket = options.socket ?? DEFAULT_SOCKET;
    if (viaSocket) {
      if (options.fs !== undefined && !options.fs.exists(socket)) return CR.connectionError(socket, 2);
      conn = net.connect("127.0.0.1", socketPort(socket), { timeoutMs: options.connectTimeoutMs });
      hostInfo = "Localhost via UNIX socket";
    } else {
      const target = host === "localhost" ? "127.0.0.1" : host;
      const ip = isIp(target) ? target : net.resolve(target)[0];
      if (ip === undefined) return CR.unknownHost(host, -2);
      conn = net.connect(ip, port, { timeoutMs: options.connectTimeoutMs });
      hostInfo = `${host} via TCP/IP`;
    }
    const mailbox = new Mailbox<ServerMessage>(conn);
    const connectError = (reason: CloseReason) => {
      const errno = ERRNO[reason] ?? 0;
      if (reason === "ECONNRESET" || reason === "closed") return CR.serverLostAt("reading initial communication packet", reason === "closed" ? 0 : errno);
      return viaSocket ? CR.connectionError(socket, errno) : CR.connHostError(host, port, errno);
    };
    const greeting = yield* nextMessage(sim, mailbox, options.connectTimeoutMs);
    if (greeting === "timeout") {
      conn.destroy();
      return CR.serverLostAt("waiting for initial communication packet", 110);
    }
    if (isClosed(greeting)) return connectError(greeting.closed);
    if (greeting.t === "err") {
      conn.destroy();
      return new SqlError(greeting.code, greeting.sqlState, greeting.message);
    }
    if (greeting.t !== "handshake") {
      conn.destroy();
      return CR.serverLostAt("reading initial communication packet", 0);
    }
    const password = options.password ?? "";
    const login: ClientMessage = {
      t: "login",
      user: options.user,
      scramble: scramble(greeting.salt, passwordHash(password)),
      database: options.database,
      program: options.program,
    };
    conn.send(login);
    const reply = yield* nextMessage(sim, mailbox, options.readTimeoutMs ?? options.connectTimeoutMs);
    if (reply === "timeout" || isClosed(reply)) {
      conn.destroy();
      return CR.serverLostAt("reading authorization packet", 0);
    }
    if (reply.t === "err") {
      conn.destroy();
      return new SqlError(reply.code, reply.sqlState, reply.message);
    }
    return new MysqlConnection(sim, conn, mailbox, greeting.serverVersion, greeting.connectionId, options.readTimeoutMs, hostInfo, viaSocket ? { socket } : { port });
  }

  get open(): boolean {
    return this.conn.state === "open" && this.mailbox.closedBy === undefined;
  }

  /** Sends a query and collects one reply per statement. */
  *query(sql: string): Proc<QueryOutcome> {
    return yield* this.command({ t: "query", sql });
  }

  *selectDb(db: string): Proc<QueryOutcome> {
    return yield* this.command({ t: "init_db", db });
  }

  *ping(): Proc<QueryOutcome> {
    return yield* this.command({ t: "ping" });
  }

  /** COM_STATISTICS (mysql_stat): the server's one-line summary. */
  *statistics(): Proc<QueryOutcome> {
    return yield* this.command({ t: "statistics" });
  }

  private *command(m: ClientMessage): Proc<QueryOutcome> {
    // A connection the server closed still takes the first write; reading the answer finds the end.
    if (!this.open) {
      if (this.lost) return { results: [], error: CR.serverGone() };
      this.lost = true;
      this.conn.destroy();
      return { results: [], error: CR.serverLost() };
    }
    this.conn.send(m);
    const results: QueryResult[] = [];
    for (;;) {
      const reply = yield* nextMessage(this.sim, this.mailbox, this.readTimeoutMs);
      if (reply === "timeout" || isClosed(reply)) {
        this.lost = true;
        this.conn.destroy();
        return { results, error: CR.serverLost() };
      }
      switch (reply.t) {
        case "err":
          return { results, error: new SqlError(reply.code, reply.sqlState, reply.message) };
        case "ok":
          results.push({ kind: "ok", affectedRows: reply.affectedRows, insertId: reply.insertId, warnings: reply.warnings, info: reply.info });
          if (!reply.more) return { results };
          break;
        case "resultset":
          results.push({ kind: "rows", columns: reply.columns, rows: reply.rows, warnings: reply.warnings });
          if (!reply.more) return { results };
          break;
        case "statistics":
          return { results, statistics: reply.text };
        case "handshake":
          this.conn.destroy();
          return { results, error: CR.serverLost() };
      }
    }
  }

  /** COM_QUIT and close. */
  close(): void {
    if (this.conn.state === "open") {
      this.conn.send({ t: "quit" } satisfies ClientMessage);
      this.conn.end();
    }
  }
}

function* nextMessage(sim: Sim, mailbox: Mailbox<ServerMessage>, timeoutMs: number | undefined): Proc<ServerMessage | { readonly closed: CloseReason } | "timeout"> {
  if (timeoutMs === undefined) return yield* wait(mailbox.next());
  const r = yield* wait(race<unknown>([mailbox.next(), sleep(sim, timeoutMs)]));
  if (r.index === 1) return "timeout";
  return r.value as ServerMessage | { readonly closed: CloseReason };
}
