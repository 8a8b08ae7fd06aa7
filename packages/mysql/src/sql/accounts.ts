import { implicitCommit, requireGlobalPrivilege } from "./access.js";
import type { GrantTarget, Statement, UserSpec } from "./ast.js";
import { ER, SqlError } from "./errors.js";
import { passwordHash } from "./privileges.js";
import type { Session, StatementResult } from "./session.js";

/**
 * Account management: CREATE/DROP/ALTER USER, SET PASSWORD, GRANT, REVOKE. Each is atomic in
 * MySQL 8 (all listed accounts change or none) and durable when it returns.
 */

const OK0: StatementResult = { kind: "ok", affectedRows: 0, insertId: 0 };

function quoted(u: UserSpec): string {
  return `'${u.user}'@'${u.host}'`;
}

export function createUser(session: Session, s: Extract<Statement, { kind: "createUser" }>): StatementResult {
  implicitCommit(session);
  requireGlobalPrivilege(session, "CREATE USER");
  const acl = session.server.engine.acl;
  const existing = s.users.filter((u) => acl.find(u) !== undefined);
  if (existing.length > 0 && !s.ifNotExists) throw ER.cannotUser("CREATE USER", existing.map(quoted).join(","));
  for (const u of existing) session.warnings.push({ level: "Note", code: 3163, message: `Authorization ID ${quoted(u)} already exists.` });
  for (const u of s.users) if (acl.find(u) === undefined) acl.create(u, u.password ?? "", u.plugin);
  session.server.engine.saveAcl();
  return OK0;
}

export function dropUser(session: Session, s: Extract<Statement, { kind: "dropUser" }>): StatementResult {
  implicitCommit(session);
  requireGlobalPrivilege(session, "CREATE USER");
  const acl = session.server.engine.acl;
  const missing = s.users.filter((u) => acl.find(u) === undefined);
  if (missing.length > 0 && !s.ifExists) throw ER.cannotUser("DROP USER", missing.map(quoted).join(","));
  for (const u of missing) session.warnings.push({ level: "Note", code: 3162, message: `Authorization ID ${quoted(u)} does not exist.` });
  for (const u of s.users) acl.drop(u);
  session.server.engine.saveAcl();
  return OK0;
}

/** Whether a user spec names the session's own account (what needs no privilege to change). */
function isSelf(session: Session, u: UserSpec): boolean {
  return (u.user === "" && u.host === "") || (u.user === session.account.user && u.host === session.account.host);
}

export function alterUser(session: Session, s: Extract<Statement, { kind: "alterUser" }>): StatementResult {
  implicitCommit(session);
  if (!s.users.every((u) => isSelf(session, u))) requireGlobalPrivilege(session, "CREATE USER");
  const acl = session.server.engine.acl;
  const resolve = (u: UserSpec) => (u.user === "" && u.host === "" ? session.account : acl.find(u));
  const missing = s.users.filter((u) => resolve(u) === undefined);
  if (missing.length > 0 && !s.ifExists) throw ER.cannotUser("ALTER USER", missing.map(quoted).join(","));
  for (const u of s.users) {
    const account = resolve(u);
    if (account === undefined) continue;
    if (u.password !== undefined) {
      account.authString = passwordHash(u.password);
      account.expired = false;
    }
    if (u.plugin !== undefined) account.plugin = u.plugin;
    if (s.expire) account.expired = true;
  }
  session.server.engine.saveAcl();
  return OK0;
}

export function setPassword(session: Session, s: Extract<Statement, { kind: "setPassword" }>): StatementResult {
  implicitCommit(session);
  const target = s.user === undefined || isSelf(session, s.user) ? session.account : session.server.engine.acl.find(s.user);
  if (target !== session.account) requireGlobalPrivilege(session, "CREATE USER");
  if (target === undefined) throw new SqlError(1133, "28000", "Can't find any matching row in the user table");
  target.authString = passwordHash(s.password);
  target.expired = false;
  session.server.engine.saveAcl();
  return OK0;
}

/** `*.*` is global; `db.*` a database pattern; a bare name is a table of the current database. */
function resolveTarget(session: Session, t: GrantTarget): { db: string; table: string } {
  if (t.db === "*") return { db: "*", table: "*" };
  const db = t.db ?? session.db;
  if (db === null) throw ER.noDb();
  if (t.table !== "*") {
    const unescaped = db.replace(/\\(.)/g, "$1");
    if (session.server.engine.table(unescaped, t.table) === undefined) throw ER.noSuchTable(unescaped, t.table);
  }
  return { db, table: t.table };
}

function requireGrantOption(session: Session, target: { db: string }): void {
  if (session.account.globalGrantOption) return;
  if (target.db === "*") throw ER.accessDenied(session.user, session.host, session.usedPassword);
  throw ER.dbAccessDenied(session.user, session.host, target.db);
}

export function grant(session: Session, s: Extract<Statement, { kind: "grant" }>): StatementResult {
  implicitCommit(session);
  const target = resolveTarget(session, s.target);
  requireGrantOption(session, target);
  if (target.db !== "*" && s.privileges.some((p) => p === "CREATE USER" || p === "RELOAD" || p === "SHUTDOWN" || p === "PROCESS" || p === "SUPER")) {
    throw new SqlError(1221, "HY000", "Incorrect usage of DB GRANT and GLOBAL PRIVILEGES");
  }
  const acl = session.server.engine.acl;
  const accounts = s.users.map((u) => {
    const a = acl.find(u);
    if (a === undefined) throw ER.cantCreateUserWithGrant();
    return a;
  });
  for (const a of accounts) acl.grant(a, s.privileges, target.db, target.table, s.withGrantOption);
  session.server.engine.saveAcl();
  return OK0;
}

export function revoke(session: Session, s: Extract<Statement, { kind: "revoke" }>): StatementResult {
  implicitCommit(session);
  const target = resolveTarget(session, s.target);
  requireGrantOption(session, target);
  const acl = session.server.engine.acl;
  for (const u of s.users) {
    const a = acl.find(u);
    if (a === undefined || !acl.revoke(a, s.privileges, target.db, target.table)) throw ER.nonexistingGrant(u.user, u.host);
  }
  session.server.engine.saveAcl();
  return OK0;
}
