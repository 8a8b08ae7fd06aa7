import type { ResultColumn } from "./sql/session.js";

/**
 * The MySQL client/server protocol as structured messages over a simulated connection: the
 * server's greeting with a per-connection salt, the client's login (a password scramble, never
 * the password), COM_QUERY / COM_INIT_DB / COM_PING / COM_STATISTICS / COM_QUIT, and OK, ERR and text result set
 * replies. A multi-statement query gets one reply per statement; `more` marks all but the last.
 */

export type ServerMessage =
  | {
      readonly t: "handshake";
      readonly protocolVersion: 10;
      readonly serverVersion: string;
      readonly connectionId: number;
      readonly salt: string;
      readonly authPlugin: string;
    }
  | {
      readonly t: "ok";
      readonly affectedRows: number;
      readonly insertId: number;
      readonly warnings: number;
      readonly info?: string;
      readonly more: boolean;
    }
  | { readonly t: "err"; readonly code: number; readonly sqlState: string; readonly message: string }
  /** The answer to COM_STATISTICS: one line of text, not an OK packet. */
  | { readonly t: "statistics"; readonly text: string }
  | {
      readonly t: "resultset";
      readonly columns: readonly ResultColumn[];
      readonly rows: readonly (readonly (string | null)[])[];
      readonly warnings: number;
      readonly more: boolean;
    };

export type ClientMessage =
  | {
      readonly t: "login";
      readonly user: string;
      /** scramble(salt, sha256(password)), empty for no password. */
      readonly scramble: string;
      readonly database?: string;
      readonly program?: string;
    }
  | { readonly t: "query"; readonly sql: string }
  | { readonly t: "init_db"; readonly db: string }
  | { readonly t: "ping" }
  | { readonly t: "statistics" }
  | { readonly t: "quit" };

export const MYSQL_PORT = 3306;
export const DEFAULT_SOCKET = "/var/run/mysqld/mysqld.sock";

/**
 * Unix-domain sockets are not part of the simulated network, so a socket path is served as a
 * listener on the pod's own host at a port no TCP client can name (negative), derived from the
 * path. The socket file on disk says whether anything ever listened there.
 */
export function socketPort(path: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) {
    h ^= path.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return -(1 + (h % 1_000_000));
}
