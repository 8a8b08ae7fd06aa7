import { createHash } from "node:crypto";
import type { Privilege, UserSpec } from "./ast.js";
import { likeToRegExp } from "./like.js";

/**
 * Accounts and privileges (the mysql.user / mysql.db / mysql.tables_priv grant tables): how a
 * connecting user@host picks its account, whether its password matches, and which statements
 * it may run. Database-level grants are LIKE patterns (`wordpress`, `wp\_%`), as in MySQL.
 */

/** The static privileges `ALL` stands for, in the order SHOW GRANTS prints them. */
export const ALL_PRIVILEGES = [
  "SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "RELOAD", "SHUTDOWN", "PROCESS", "FILE", "REFERENCES", "INDEX", "ALTER",
  "SHOW DATABASES", "SUPER", "CREATE TEMPORARY TABLES", "LOCK TABLES", "EXECUTE", "REPLICATION SLAVE", "REPLICATION CLIENT",
  "CREATE VIEW", "SHOW VIEW", "CREATE ROUTINE", "ALTER ROUTINE", "CREATE USER", "EVENT", "TRIGGER", "CREATE TABLESPACE",
  "CREATE ROLE", "DROP ROLE",
] as const;

/** Privileges that exist at database and table level (ALL ON db.* stands for these). */
const DB_PRIVILEGES = ["SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "REFERENCES", "INDEX", "ALTER", "CREATE TEMPORARY TABLES", "LOCK TABLES", "EXECUTE", "CREATE VIEW", "SHOW VIEW", "CREATE ROUTINE", "ALTER ROUTINE", "EVENT", "TRIGGER"];
const TABLE_PRIVILEGES = ["SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "REFERENCES", "INDEX", "ALTER", "CREATE VIEW", "SHOW VIEW", "TRIGGER"];

export interface AccountData {
  user: string;
  host: string;
  plugin: string;
  /** SHA-256 of the password, hex; empty for no password. */
  authString: string;
  locked: boolean;
  expired: boolean;
  global: string[];
  globalGrantOption: boolean;
  /** Database pattern → privileges. */
  dbs: Record<string, string[]>;
  /** `db.table` → privileges. */
  tables: Record<string, string[]>;
}

export function passwordHash(password: string): string {
  return password === "" ? "" : createHash("sha256").update(password).digest("hex");
}

/** What a client sends instead of its password: a hash bound to the server's per-connection salt. */
export function scramble(salt: string, passwordHashHex: string): string {
  return passwordHashHex === "" ? "" : createHash("sha256").update(salt).update(passwordHashHex).digest("hex");
}

/** Host specificity, as MySQL sorts accounts: literal hosts before patterns, longer prefixes first. */
function hostRank(host: string): number {
  if (host === "%") return 0;
  if (/[%_]/.test(host)) return 1 + host.indexOf("%");
  return 1000;
}

export class Acl {
  private accounts: AccountData[] = [];

  constructor(data: readonly AccountData[] = []) {
    this.accounts = data.map((a) => structuredClone(a));
  }

  toJSON(): AccountData[] {
    return this.accounts.map((a) => structuredClone(a));
  }

  /** The account a connection from `clientHost` (an IP, or `localhost` over the socket) as `user` uses. */
  match(user: string, clientHost: string): AccountData | undefined {
    const candidates = this.accounts
      .filter((a) => (a.user === user || a.user === "") && hostMatches(a.host, clientHost))
      .sort((a, b) => hostRank(b.host) - hostRank(a.host) || (b.user === "" ? -1 : 0) - (a.user === "" ? -1 : 0));
    return candidates[0];
  }

  find(spec: UserSpec): AccountData | undefined {
    return this.accounts.find((a) => a.user === spec.user && a.host.toLowerCase() === spec.host.toLowerCase());
  }

  list(): readonly AccountData[] {
    return this.accounts;
  }

  create(spec: UserSpec, password: string, plugin = "caching_sha2_password"): void {
    this.accounts.push({
      user: spec.user,
      host: spec.host,
      plugin,
      authString: passwordHash(password),
      locked: false,
      expired: false,
      global: [],
      globalGrantOption: false,
      dbs: {},
      tables: {},
    });
  }

  drop(spec: UserSpec): boolean {
    const a = this.find(spec);
    if (a === undefined) return false;
    this.accounts = this.accounts.filter((x) => x !== a);
    return true;
  }

  /** Removes accounts for which `keep` is false (the Oracle entrypoint's DELETE FROM mysql.user). */
  retain(keep: (a: AccountData) => boolean): number {
    const before = this.accounts.length;
    this.accounts = this.accounts.filter(keep);
    return before - this.accounts.length;
  }

  grant(account: AccountData, privileges: readonly Privilege[], db: string, table: string, grantOption: boolean): void {
    if (db === "*") {
      const expanded = privileges.includes("ALL") ? [...ALL_PRIVILEGES] : privileges.filter((p) => p !== "USAGE" && p !== "GRANT OPTION");
      account.global = union(account.global, expanded);
      if (grantOption || privileges.includes("GRANT OPTION")) account.globalGrantOption = true;
    } else if (table === "*") {
      const expanded = privileges.includes("ALL") ? DB_PRIVILEGES : privileges.filter((p) => p !== "USAGE");
      account.dbs[db] = union(account.dbs[db] ?? [], expanded);
    } else {
      const expanded = privileges.includes("ALL") ? TABLE_PRIVILEGES : privileges.filter((p) => p !== "USAGE");
      account.tables[`${db}.${table}`] = union(account.tables[`${db}.${table}`] ?? [], expanded);
    }
  }

  /** Returns false when there was no such grant to revoke. */
  revoke(account: AccountData, privileges: readonly Privilege[], db: string, table: string): boolean {
    const remove = (have: string[]) => (privileges.includes("ALL") ? [] : have.filter((p) => !privileges.includes(p)));
    if (db === "*") {
      account.global = remove(account.global);
      if (privileges.includes("ALL") || privileges.includes("GRANT OPTION")) account.globalGrantOption = false;
      return true;
    }
    if (table === "*") {
      if (account.dbs[db] === undefined) return false;
      const left = remove(account.dbs[db]!);
      if (left.length === 0) delete account.dbs[db];
      else account.dbs[db] = left;
      return true;
    }
    const key = `${db}.${table}`;
    if (account.tables[key] === undefined) return false;
    const left = remove(account.tables[key]!);
    if (left.length === 0) delete account.tables[key];
    else account.tables[key] = left;
    return true;
  }
}

function union(a: readonly string[], b: readonly string[]): string[] {
  const out = [...a];
  for (const p of b) if (!out.includes(p)) out.push(p);
  return out;
}

function hostMatches(pattern: string, host: string): boolean {
  return likeToRegExp(pattern, true).test(host);
}

/** Whether `account` holds `privilege` on db (and table, if given). */
export function hasPrivilege(account: AccountData, privilege: string, db?: string, table?: string): boolean {
  if (account.global.includes(privilege)) return true;
  if (db === undefined) return false;
  for (const [pattern, privs] of Object.entries(account.dbs)) {
    if (privs.includes(privilege) && likeToRegExp(pattern, false).test(db)) return true;
  }
  if (table !== undefined) return account.tables[`${db}.${table}`]?.includes(privilege) ?? false;
  return false;
}

/** Whether the account has any privilege in db (what USE db and SHOW DATABASES require). */
export function hasAnyPrivilegeOn(account: AccountData, db: string): boolean {
  if (account.global.length > 0) return true;
  for (const [pattern, privs] of Object.entries(account.dbs)) {
    if (privs.length > 0 && likeToRegExp(pattern, false).test(db)) return true;
  }
  return Object.keys(account.tables).some((k) => k.startsWith(`${db}.`));
}

/** SHOW GRANTS lines for an account, as MySQL 8 prints them. */
export function showGrants(account: AccountData): string[] {
  const who = `\`${account.user}\`@\`${account.host}\``;
  const lines: string[] = [];
  const global =
    account.global.length === 0
      ? "USAGE"
      : ALL_PRIVILEGES.every((p) => account.global.includes(p))
        ? ALL_PRIVILEGES.join(", ")
        : ALL_PRIVILEGES.filter((p) => account.global.includes(p)).join(", ");
  lines.push(`GRANT ${global} ON *.* TO ${who}${account.globalGrantOption ? " WITH GRANT OPTION" : ""}`);
  for (const [db, privs] of Object.entries(account.dbs)) {
    const text = DB_PRIVILEGES.every((p) => privs.includes(p)) ? "ALL PRIVILEGES" : DB_PRIVILEGES.filter((p) => privs.includes(p)).join(", ");
    lines.push(`GRANT ${text} ON \`${db}\`.* TO ${who}`);
  }
  for (const [key, privs] of Object.entries(account.tables)) {
    const dot = key.indexOf(".");
    const text = TABLE_PRIVILEGES.every((p) => privs.includes(p)) ? "ALL PRIVILEGES" : TABLE_PRIVILEGES.filter((p) => privs.includes(p)).join(", ");
    lines.push(`GRANT ${text} ON \`${key.slice(0, dot)}\`.\`${key.slice(dot + 1)}\` TO ${who}`);
  }
  return lines;
}
