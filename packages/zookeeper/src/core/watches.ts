import type { WatchedEventType } from "./messages.js";
import type { Txn } from "./txn.js";

/**
 * WatchManager (3.4): one-time triggers set by reads with the watch flag, kept per server for
 * the connections attached to it. Data watches (getData, exists) fire on NodeCreated,
 * NodeDataChanged and NodeDeleted of their path; child watches (getChildren) on
 * NodeChildrenChanged and NodeDeleted. Firing removes the watch.
 */
export class WatchManager {
  private readonly byPath = new Map<string, Set<number>>();
  private readonly byCnxn = new Map<number, Set<string>>();

  add(path: string, cnxn: number): void {
    let cnxns = this.byPath.get(path);
    if (cnxns === undefined) this.byPath.set(path, (cnxns = new Set()));
    cnxns.add(cnxn);
    let paths = this.byCnxn.get(cnxn);
    if (paths === undefined) this.byCnxn.set(cnxn, (paths = new Set()));
    paths.add(path);
  }

  /** Removes and returns the connections watching `path`, less those in `skip` (already told). */
  trigger(path: string, skip?: ReadonlySet<number>): number[] {
    const cnxns = this.byPath.get(path);
    if (cnxns === undefined) return [];
    this.byPath.delete(path);
    const fired: number[] = [];
    for (const c of cnxns) {
      const paths = this.byCnxn.get(c)!;
      paths.delete(path);
      if (paths.size === 0) this.byCnxn.delete(c);
      if (skip === undefined || !skip.has(c)) fired.push(c);
    }
    return fired;
  }

  /** A connection closed: its watches go with it. */
  removeCnxn(cnxn: number): void {
    for (const path of this.byCnxn.get(cnxn) ?? []) {
      const cnxns = this.byPath.get(path)!;
      cnxns.delete(cnxn);
      if (cnxns.size === 0) this.byPath.delete(path);
    }
    this.byCnxn.delete(cnxn);
  }

  /** Watches in all (a path watched by two connections counts twice). */
  get size(): number {
    let n = 0;
    for (const c of this.byPath.values()) n += c.size;
    return n;
  }

  get connections(): number {
    return this.byCnxn.size;
  }

  get paths(): number {
    return this.byPath.size;
  }

  /** The watched paths of each connection, in the order they were set. */
  byConnection(): ReadonlyMap<number, ReadonlySet<string>> {
    return this.byCnxn;
  }

  /** The connections watching each path, in the order they set their watches. */
  byPathname(): ReadonlyMap<string, ReadonlySet<number>> {
    return this.byPath;
  }
}

/** What a committed txn does to the tree, as watch events: the event, its path, which watches see it. */
export interface TreeEvent {
  readonly type: WatchedEventType;
  readonly path: string;
}

function parentOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i <= 0 ? "/" : path.slice(0, i);
}

/**
 * The events DataTree fires applying `txn` (createNode, deleteNode, setData, killSession) —
 * `ephemerals` are the paths a closing session still owns, taken before the txn is applied.
 */
export function treeEvents(txn: Txn, ephemerals: readonly string[]): TreeEvent[] {
  const deleted = (path: string): TreeEvent[] => [
    { type: "NodeDeleted", path },
    { type: "NodeChildrenChanged", path: parentOf(path) },
  ];
  switch (txn.type) {
    case "create":
      return [
        { type: "NodeCreated", path: txn.path },
        { type: "NodeChildrenChanged", path: parentOf(txn.path) },
      ];
    case "delete":
      return deleted(txn.path);
    case "setData":
      return [{ type: "NodeDataChanged", path: txn.path }];
    case "closeSession":
      return ephemerals.flatMap(deleted);
    default:
      return [];
  }
}
