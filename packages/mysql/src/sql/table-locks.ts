import { ER } from "./errors.js";
import type { Session } from "./session.js";

/**
 * Explicit table locks (LOCK TABLES, FLUSH TABLES WITH READ LOCK) as the metadata-lock subsystem
 * enforces them. Another session's READ lock lets a table be read but not written; its WRITE
 * lock keeps everyone else out; a global read lock stops every write. A statement that meets
 * such a lock waits (TableLockWait) until the holder unlocks or disconnects, or lock_wait_timeout
 * passes. The holder itself may touch only the tables it locked, and write only WRITE-locked ones.
 */

export type LockMode = "READ" | "WRITE";

/** The statement must wait for session `holder` to release its locks; `state` is what SHOW PROCESSLIST shows meanwhile. */
export class TableLockWait {
  constructor(
    readonly holder: number,
    readonly state: string,
  ) {}
}

const TABLE_WAIT = "Waiting for table metadata lock";
const GLOBAL_WAIT = "Waiting for global read lock";

function key(db: string, table: string): string {
  return `${db}.${table}`.toLowerCase();
}

/** Throws TableLockWait if another session's locks keep `session` from reading (or writing) `k`. */
function waitForOthers(session: Session, k: string, write: boolean): void {
  // Only the sessions holding locks are looked at: on most servers there are none.
  for (const other of session.server.lockHolders) {
    if (other === session) continue;
    if (write && other.globalReadLock) throw new TableLockWait(other.id, GLOBAL_WAIT);
    const theirs = other.tableLocks.get(k);
    if (theirs === "WRITE" || (theirs === "READ" && write)) throw new TableLockWait(other.id, TABLE_WAIT);
  }
}

/** Checks an access to `db.table` against the session's own locks and everyone else's. */
export function checkTableAccess(session: Session, db: string, table: string, write: boolean): void {
  if (session.globalReadLock && write) throw ER.conflictingReadLock();
  const k = key(db, table);
  if (session.tableLocks.size > 0) {
    const mine = session.tableLocks.get(k);
    if (mine === undefined) throw ER.tableNotLocked(table);
    if (write && mine === "READ") throw ER.tableLockedForRead(table);
    return;
  }
  waitForOthers(session, k, write);
}

/** LOCK TABLES: releases what the session held, then takes every lock or waits for the first conflict. */
export function lockTables(session: Session, tables: readonly { readonly db: string; readonly table: string; readonly mode: LockMode }[]): void {
  unlockTables(session);
  for (const t of tables) waitForOthers(session, key(t.db, t.table), t.mode === "WRITE");
  for (const t of tables) {
    const k = key(t.db, t.table);
    // A table named twice keeps the stronger lock.
    if (session.tableLocks.get(k) !== "WRITE") session.tableLocks.set(k, t.mode);
  }
  if (session.tableLocks.size > 0) session.server.lockHolders.add(session);
}

/** FLUSH TABLES WITH READ LOCK: waits out other sessions' WRITE locks, then holds the global read lock. */
export function lockAllForRead(session: Session): void {
  for (const other of session.server.lockHolders) {
    if (other === session) continue;
    for (const mode of other.tableLocks.values()) if (mode === "WRITE") throw new TableLockWait(other.id, GLOBAL_WAIT);
  }
  session.globalReadLock = true;
  session.server.lockHolders.add(session);
}

/** UNLOCK TABLES (and a disconnect): everything the session held goes, and its waiters retry. */
export function unlockTables(session: Session): void {
  if (!session.server.lockHolders.delete(session)) return;
  session.tableLocks.clear();
  session.globalReadLock = false;
  session.server.tableLocksReleased(session);
}
