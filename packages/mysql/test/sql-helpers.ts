import { Sim, Volume } from "@ksim/sim";
import { formatTable } from "../src/client/format.js";
import { Engine } from "../src/innodb/engine.js";
import { initialAccounts } from "../src/server/initialize.js";
import { formatError, SqlError } from "../src/sql/errors.js";
import { execute } from "../src/sql/executor.js";
import { parseStatement } from "../src/sql/parser.js";
import { Acl } from "../src/sql/privileges.js";
import { Session, type ServerContext } from "../src/sql/session.js";
import { StatusCounters } from "../src/sql/status.js";
import { DEFAULTS } from "../src/sql/variables.js";

/**
 * The SQL layer without a server: an engine on a simulated volume and sessions on it. `run`
 * answers as the mysql client would print it (a bordered table, `Query OK, …` or the error line).
 */
export function sqlWorld(seed = 1, capacityBytes?: number) {
  const sim = new Sim({ seed });
  const volume = new Volume(sim, "datadir", capacityBytes);
  const accounts = new Acl(initialAccounts());
  Engine.initialize(volume, "/data", accounts.toJSON(), ["mysql", "sys"]);
  let { engine } = Engine.open(volume, "/data");
  const globals = new Map(Object.entries(DEFAULTS));
  // One set for every session's context; no server loop here: a statement that would wait for
  // another session's table lock throws TableLockWait.
  const lockHolders = new Set<Session>();
  const status = new StatusCounters();
  const server = (): ServerContext => ({
    engine,
    version: "8.0.36",
    epochMs: () => sim.epochMs(),
    globals,
    processlist: () => [],
    status,
    serverStatus: () => [],
    tableOpened: () => {},
    flush: () => {},
    lockHolders,
    tableLocksReleased: () => {},
    kill: () => undefined,
    shutdown: () => {},
    binaryLog: undefined,
    flushBinaryLogs: () => {},
  });
  let nextId = 8;
  const session = (user = "root", host = "localhost") => {
    const account = engine.acl.match(user, host);
    if (account === undefined) throw new Error(`no account for ${user}@${host}`);
    return new Session(server(), nextId++, user, host, account, true);
  };
  const run = (s: Session, sql: string): string => {
    try {
      const r = execute(s, parseStatement(sql));
      engine.runPostDdl();
      if (r.kind === "rows") return r.rows.length === 0 ? "Empty set" : formatTable(r.columns, r.rows);
      const w = s.warnings.length > 0 ? `, ${s.warnings.length} warning${s.warnings.length === 1 ? "" : "s"}` : "";
      return `Query OK, ${r.affectedRows} ${r.affectedRows === 1 ? "row" : "rows"} affected${w}${r.info === undefined ? "" : `\n${r.info}`}`;
    } catch (e) {
      if (e instanceof SqlError) return formatError(e);
      throw e;
    }
  };
  /** Reopens the data directory, as a restart after `volume.crash()` or a clean stop would. */
  const reopen = () => {
    const opened = Engine.open(volume, "/data");
    engine = opened.engine;
    return opened.recovery;
  };
  return { sim, volume, engine: () => engine, session, run, reopen };
}
