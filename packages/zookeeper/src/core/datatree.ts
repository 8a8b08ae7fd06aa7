import { Code } from "./errors.js";
import { stringHash } from "./java-hash.js";
import { sameAcl } from "./acl.js";
import { OPEN_ACL_UNSAFE, type Acl, type Stat } from "./messages.js";
import type { Txn } from "./txn.js";

/**
 * The data tree (DataTree.java): znodes with data and stat, ephemerals by session. Writes arrive
 * only as committed txns (`apply`); reads are the client's getData/exists/getChildren.
 */

interface MutableStat {
  czxid: number;
  mzxid: number;
  pzxid: number;
  ctime: number;
  mtime: number;
  version: number;
  cversion: number;
  aversion: number;
  ephemeralOwner: bigint;
}

class DataNode {
  /** Children in insertion order; `javaOrder` gives the order a Java HashSet iterates them in. */
  readonly children = new Set<string>();
  /** Table size of the child HashSet (new HashSet(8), doubling past 3/4 load); never shrinks. */
  capacity = 8;
  constructor(
    public data: string,
    readonly stat: MutableStat,
    public acl: readonly Acl[] = OPEN_ACL_UNSAFE,
  ) {}

  addChild(name: string): void {
    this.children.add(name);
    if (this.children.size > this.capacity * 0.75) this.capacity *= 2;
  }
}

/** A node as written into snapshots and SNAP packets, in tree-walk order; the ACL only when it is not the open one. */
export type SerializedNode = readonly [path: string, data: string, stat: MutableStat, acl?: readonly Acl[]];

export interface SnapshotData {
  /** The last zxid applied to the tree when it was serialized (the snapshot's name). */
  readonly zxid: number;
  readonly sessions: readonly (readonly [bigint, number])[];
  readonly nodes: readonly SerializedNode[];
}

export class TreeError extends Error {
  constructor(readonly code: number) {
    super(`tree error ${code}`);
  }
}

const encoder = new TextEncoder();

/** UTF-8 byte length, which is what dataLength counts. */
export function byteLength(s: string): number {
  let ascii = true;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) ascii = false;
  return ascii ? s.length : encoder.encode(s).length;
}

function parentOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i <= 0 ? "/" : path.slice(0, i);
}

function nameOf(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

function freshStat(zxid: number, time: number, owner: bigint): MutableStat {
  return { czxid: zxid, mzxid: zxid, pzxid: zxid, ctime: time, mtime: time, version: 0, cversion: 0, aversion: 0, ephemeralOwner: owner };
}

/** Quotas (Quotas.java): `/zookeeper/quota<path>/zookeeper_limits` and `.../zookeeper_stats`. */
const QUOTA_ROOT = "/zookeeper/quota";
const LIMIT_NODE = "zookeeper_limits";
const STAT_NODE = "zookeeper_stats";

/** StatsTrack: `count=N,bytes=M`, -1 meaning no limit. */
export interface StatsTrack {
  count: number;
  bytes: number;
}

export function parseStatsTrack(text: string): StatsTrack {
  const out: StatsTrack = { count: -1, bytes: -1 };
  for (const part of text.split(",")) {
    const [k, v] = part.split("=");
    if (k === "count") out.count = Number(v);
    else if (k === "bytes") out.bytes = Number(v);
  }
  return out;
}

export const formatStatsTrack = (s: StatsTrack): string => `count=${s.count},bytes=${s.bytes}`;

export class DataTree {
  private readonly nodes = new Map<string, DataNode>();
  private readonly ephemerals = new Map<bigint, Set<string>>();
  /** The paths with a quota (pTrie). */
  private readonly quotaPaths = new Set<string>();
  /** The quota warnings DataTree logs while applying txns, for the caller to take. */
  private warnings: string[] = [];
  lastProcessedZxid = 0;

  constructor() {
    const root = new DataNode("", freshStat(0, 0, 0n));
    this.nodes.set("/", root);
    this.nodes.set("/zookeeper", new DataNode("", freshStat(0, 0, 0n)));
    root.addChild("zookeeper");
    this.nodes.set("/zookeeper/quota", new DataNode("", freshStat(0, 0, 0n)));
    this.nodes.get("/zookeeper")!.addChild("quota");
  }

  /** DataTree.getNodeCount: the root is stored under both "" and "/" in Java. */
  get nodeCount(): number {
    return this.nodes.size + 1;
  }

  /** DataTree.approximateDataSize: path lengths plus data lengths over every map entry. */
  approximateDataSize(): number {
    let n = 0;
    for (const [path, node] of this.nodes) n += path.length + byteLength(node.data);
    return n;
  }

  get ephemeralCount(): number {
    let n = 0;
    for (const s of this.ephemerals.values()) n += s.size;
    return n;
  }

  /** Every session that owns (or owned) ephemeral nodes, with their paths. */
  ephemeralsBySession(): ReadonlyMap<bigint, ReadonlySet<string>> {
    return this.ephemerals;
  }

  ephemeralsOf(session: bigint): readonly string[] {
    return [...(this.ephemerals.get(session) ?? [])];
  }

  has(path: string): boolean {
    return this.nodes.has(path);
  }

  /** What PrepRequestProcessor needs to validate a write against the committed tree. */
  peek(path: string): { version: number; cversion: number; aversion: number; ephemeralOwner: bigint; childCount: number; acl: readonly Acl[] } | undefined {
    const n = this.nodes.get(path);
    if (n === undefined) return undefined;
    return { version: n.stat.version, cversion: n.stat.cversion, aversion: n.stat.aversion, ephemeralOwner: n.stat.ephemeralOwner, childCount: n.children.size, acl: n.acl };
  }

  /** getACL: the node's ACL and stat. */
  getACL(path: string): { acl: readonly Acl[]; stat: Stat } | undefined {
    const n = this.nodes.get(path);
    return n === undefined ? undefined : { acl: n.acl, stat: this.toStat(n) };
  }

  statOf(path: string): Stat | undefined {
    const n = this.nodes.get(path);
    return n === undefined ? undefined : this.toStat(n);
  }

  getData(path: string): { data: string; stat: Stat } | undefined {
    const n = this.nodes.get(path);
    return n === undefined ? undefined : { data: n.data, stat: this.toStat(n) };
  }

  /** Children in the order Java's HashSet iterates them: by bucket, then insertion order. */
  getChildren(path: string): string[] | undefined {
    const n = this.nodes.get(path);
    if (n === undefined) return undefined;
    const mask = n.capacity - 1;
    const names = [...n.children];
    const bucket = names.map((c) => stringHash(c) & mask);
    return names.map((_, i) => i).sort((a, b) => bucket[a]! - bucket[b]! || a - b).map((i) => names[i]!);
  }

  /** Applies a committed txn (DataTree.processTxn). Returns the error code the txn produced. */
  apply(txn: Txn): number {
    let rc: number = Code.OK;
    try {
      switch (txn.type) {
        case "create":
          this.createNode(txn.path, txn.data, txn.ephemeral ? txn.session : 0n, txn.parentCVersion, txn.zxid, txn.time, txn.acl ?? OPEN_ACL_UNSAFE);
          break;
        case "setACL": {
          const n = this.nodes.get(txn.path);
          if (n === undefined) throw new TreeError(Code.NONODE);
          n.acl = txn.acl;
          n.stat.aversion = txn.version;
          break;
        }
        case "delete":
          this.deleteNode(txn.path, txn.zxid);
          break;
        case "setData": {
          const n = this.nodes.get(txn.path);
          if (n === undefined) throw new TreeError(Code.NONODE);
          const prefix = this.quotaPrefixOf(txn.path);
          if (prefix !== undefined) this.updateQuota(prefix, "bytes", byteLength(txn.data) - byteLength(n.data));
          n.data = txn.data;
          n.stat.version = txn.version;
          n.stat.mzxid = txn.zxid;
          n.stat.mtime = txn.time;
          break;
        }
        case "closeSession":
          for (const path of this.ephemerals.get(txn.session) ?? []) this.deleteNode(path, txn.zxid);
          this.ephemerals.delete(txn.session);
          break;
        case "error":
          rc = txn.err;
          break;
        case "createSession":
          break;
      }
    } catch (e) {
      // Replaying over a fuzzy snapshot can meet txns already reflected in it.
      if (!(e instanceof TreeError)) throw e;
      rc = e.code;
    }
    if (txn.zxid > this.lastProcessedZxid) this.lastProcessedZxid = txn.zxid;
    return rc;
  }

  private createNode(path: string, data: string, owner: bigint, parentCVersion: number, zxid: number, time: number, acl: readonly Acl[]): void {
    const parent = this.nodes.get(parentOf(path));
    if (parent === undefined) throw new TreeError(Code.NONODE);
    const name = nameOf(path);
    if (parent.children.has(name)) throw new TreeError(Code.NODEEXISTS);
    // The txn carries the cversion the leader prepared; -1 (never written by us) means "bump it".
    parent.stat.cversion = parentCVersion === -1 ? parent.stat.cversion + 1 : parentCVersion;
    parent.stat.pzxid = zxid;
    parent.addChild(name);
    this.nodes.set(path, new DataNode(data, freshStat(zxid, time, owner), acl));
    if (owner !== 0n) {
      let set = this.ephemerals.get(owner);
      if (set === undefined) this.ephemerals.set(owner, (set = new Set()));
      set.add(path);
    }
    const parentPath = parentOf(path);
    if (parentPath.startsWith(QUOTA_ROOT)) {
      if (name === LIMIT_NODE) this.quotaPaths.add(parentPath.slice(QUOTA_ROOT.length));
      if (name === STAT_NODE) this.updateQuotaForPath(parentPath.slice(QUOTA_ROOT.length));
    }
    const prefix = this.quotaPrefixOf(path);
    if (prefix !== undefined) {
      this.updateQuota(prefix, "count", 1);
      this.updateQuota(prefix, "bytes", byteLength(data));
    }
  }

  /** 3.4 deleteNode: the parent's pzxid moves, its cversion does not. */
  private deleteNode(path: string, zxid: number): void {
    const node = this.nodes.get(path);
    if (node === undefined) throw new TreeError(Code.NONODE);
    this.nodes.delete(path);
    const parent = this.nodes.get(parentOf(path));
    if (parent === undefined) throw new TreeError(Code.NONODE);
    parent.children.delete(nameOf(path));
    parent.stat.pzxid = zxid;
    const owner = node.stat.ephemeralOwner;
    if (owner !== 0n) this.ephemerals.get(owner)?.delete(path);
    const parentPath = parentOf(path);
    if (parentPath.startsWith("/zookeeper") && nameOf(path) === LIMIT_NODE) this.quotaPaths.delete(parentPath.slice(QUOTA_ROOT.length));
    const prefix = this.quotaPrefixOf(path);
    if (prefix !== undefined) {
      this.updateQuota(prefix, "count", -1);
      this.updateQuota(prefix, "bytes", -byteLength(node.data));
    }
  }

  /** getMaxPrefixWithQuota: the deepest path with a quota that `path` is, or lies under. */
  private quotaPrefixOf(path: string): string | undefined {
    if (this.quotaPaths.size === 0) return undefined;
    let best: string | undefined;
    for (const q of this.quotaPaths) {
      if (q === "" || q === "/" || (path !== q && !path.startsWith(`${q}/`))) continue;
      if (best === undefined || q.length > best.length) best = q;
    }
    return best;
  }

  /**
   * updateCount / updateBytes: the change goes into the path's zookeeper_stats node (data only:
   * no txn, no version), and past the limit in zookeeper_limits, DataTree warns. Quotas are soft.
   */
  private updateQuota(prefix: string, what: keyof StatsTrack, diff: number): void {
    const statPath = `${QUOTA_ROOT}${prefix}/${STAT_NODE}`;
    const statNode = this.nodes.get(statPath);
    // Between setquota's creation of the limits node and of the stats node there is nothing to count in.
    if (statNode === undefined) return;
    const updated = parseStatsTrack(statNode.data);
    updated[what] += diff;
    statNode.data = formatStatsTrack(updated);
    const limitNode = this.nodes.get(`${QUOTA_ROOT}${prefix}/${LIMIT_NODE}`);
    if (limitNode === undefined) return;
    const limit = parseStatsTrack(limitNode.data)[what];
    if (limit > -1 && limit < updated[what]) this.warnings.push(`Quota exceeded: ${prefix} ${what}=${updated[what]} limit=${limit}`);
  }

  /** updateQuotaForPath: the stats node set to the subtree's node count and data bytes, the node itself included. */
  private updateQuotaForPath(path: string): void {
    const counts: StatsTrack = { count: 0, bytes: 0 };
    const walk = (p: string) => {
      const n = this.nodes.get(p);
      if (n === undefined) return;
      counts.count += 1;
      counts.bytes += byteLength(n.data);
      for (const c of n.children) walk(p === "/" ? `/${c}` : `${p}/${c}`);
    };
    walk(path);
    const statNode = this.nodes.get(`${QUOTA_ROOT}${path}/${STAT_NODE}`);
    if (statNode !== undefined) statNode.data = formatStatsTrack(counts);
  }

  /** setupQuota, after loading a snapshot: every limit node's path gets its quota and fresh stats. */
  private setupQuota(): void {
    const walk = (p: string) => {
      const n = this.nodes.get(p);
      if (n === undefined) return;
      if (n.children.size === 0) {
        if (p.endsWith(`/${LIMIT_NODE}`)) {
          const real = p.slice(QUOTA_ROOT.length, p.length - LIMIT_NODE.length - 1);
          this.updateQuotaForPath(real);
          this.quotaPaths.add(real);
        }
        return;
      }
      for (const c of n.children) walk(`${p}/${c}`);
    };
    walk(QUOTA_ROOT);
  }

  /** The quota warnings of the txns applied since the last call, oldest first. */
  takeWarnings(): string[] {
    const out = this.warnings;
    this.warnings = [];
    return out;
  }

  private toStat(n: DataNode): Stat {
    const s = n.stat;
    return {
      czxid: s.czxid,
      mzxid: s.mzxid,
      pzxid: s.pzxid,
      ctime: s.ctime,
      mtime: s.mtime,
      version: s.version,
      cversion: s.cversion,
      aversion: s.aversion,
      ephemeralOwner: s.ephemeralOwner,
      dataLength: byteLength(n.data),
      numChildren: n.children.size,
    };
  }

  /** Nodes in tree-walk order with children in Java iteration order, as serializeNode writes them. */
  serializeNodes(): SerializedNode[] {
    const out: SerializedNode[] = [];
    const walk = (path: string) => {
      const n = this.nodes.get(path)!;
      out.push(sameAcl(n.acl, OPEN_ACL_UNSAFE) ? [path, n.data, { ...n.stat }] : [path, n.data, { ...n.stat }, n.acl]);
      for (const c of this.getChildren(path)!) walk(path === "/" ? `/${c}` : `${path}/${c}`);
    };
    walk("/");
    return out;
  }

  static fromSnapshot(snap: SnapshotData): DataTree {
    const t = new DataTree();
    t.nodes.clear();
    for (const [path, data, stat, acl] of snap.nodes) {
      const node = new DataNode(data, { ...stat }, acl ?? OPEN_ACL_UNSAFE);
      t.nodes.set(path, node);
      if (path !== "/") t.nodes.get(parentOf(path))?.addChild(nameOf(path));
      if (stat.ephemeralOwner !== 0n) {
        let set = t.ephemerals.get(stat.ephemeralOwner);
        if (set === undefined) t.ephemerals.set(stat.ephemeralOwner, (set = new Set()));
        set.add(path);
      }
    }
    t.lastProcessedZxid = snap.zxid;
    t.setupQuota();
    return t;
  }

  /** Every node's path, data and stat in a canonical order: equal trees give equal digests. */
  digest(): string {
    const parts: string[] = [];
    for (const path of [...this.nodes.keys()].sort()) {
      const n = this.nodes.get(path)!;
      const s = n.stat;
      const acl = sameAcl(n.acl, OPEN_ACL_UNSAFE) ? "" : `|${s.aversion}:${n.acl.map((a) => `${a.scheme}:${a.id}:${a.perms}`).join(",")}`;
      parts.push(`${path}=${n.data}|${s.czxid},${s.mzxid},${s.pzxid},${s.version},${s.cversion},${s.ephemeralOwner}${acl}`);
    }
    return parts.join("\n");
  }
}
