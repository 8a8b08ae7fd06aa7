import type { Proc } from "@ksim/sim";
import { MYSQL_VERSION, VERSION_COMMENT } from "../server/server.js";
import type { MysqlConnection } from "./connection.js";
import { niceTime } from "./format.js";

/**
 * The monitor's `status` (`\s`), as mysql.cc's com_status prints it: the client's version, who
 * and where the connection is, the character sets the server reports, and mysql_stat's line.
 */
export function* statusReport(
  conn: MysqlConnection,
  client: {
    readonly delimiter: string;
    /** TLS was not turned off (--skip-ssl, --ssl-mode=DISABLED): a TCP connection to 8.0 negotiates it. */
    readonly ssl: boolean;
    /** --binary-as-hex, on by default in an interactive session. */
    readonly binaryAsHex: boolean;
  },
): Proc<string | undefined> {
  const who = (yield* conn.query("select DATABASE(), USER() limit 1")).results[0];
  if (who === undefined) return undefined;
  const [db, user] = who.kind === "rows" ? (who.rows[0] ?? []) : [];
  const tcp = !("socket" in conn.endpoint);
  let out = `--------------\nmysql  Ver ${MYSQL_VERSION} for Linux on x86_64 (${VERSION_COMMENT})\n\n`;
  out += `Connection id:\t\t${conn.connectionId}\nCurrent database:\t${db ?? ""}\nCurrent user:\t\t${user ?? ""}\n`;
  out += tcp && client.ssl ? "SSL:\t\t\tCipher in use is TLS_AES_256_GCM_SHA384\n" : "SSL:\t\t\tNot in use\n";
  out += `Current pager:\t\tstdout\nUsing outfile:\t\t''\nUsing delimiter:\t${client.delimiter}\n`;
  out += `Server version:\t\t${conn.serverVersion} ${VERSION_COMMENT}\nProtocol version:\t10\nConnection:\t\t${conn.hostInfo}\n`;
  const charsets = (yield* conn.query("select @@character_set_client, @@character_set_connection, @@character_set_server, @@character_set_database limit 1")).results[0];
  const [client_, connection, server, database] = charsets?.kind === "rows" ? (charsets.rows[0] ?? []) : [];
  out += `Server characterset:\t${server ?? ""}\nDb     characterset:\t${database ?? ""}\nClient characterset:\t${client_ ?? ""}\nConn.  characterset:\t${connection ?? ""}\n`;
  out += "socket" in conn.endpoint ? `UNIX socket:\t\t${conn.endpoint.socket}\n` : `TCP port:\t\t${conn.endpoint.port}\n`;
  if (client.binaryAsHex) out += "Binary data as:\t\tHexadecimal\n";
  const stat = (yield* conn.statistics()).statistics;
  const m = stat === undefined ? null : /^(\S+) (\d+) *(.*)$/.exec(stat);
  if (m !== null) out += `${m[1]}\t\t\t${niceTime(Number(m[2]), false)}\n${m[3] === "" ? "" : `\n${m[3]}\n`}`;
  return `${out}--------------\n\n`;
}
