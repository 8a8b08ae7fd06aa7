import type { CompactionView, ProgressNotification, RepairOptions } from "./admin.js";
import { formatDurationWords, javaHashMapOrder, stringHash, TimeUuidGenerator } from "./java-format.js";
import type { LogEvent } from "./log.js";
import { buildTrees, difference, partitionHash, type RangeTree } from "./merkle.js";
import { inRange, type ResponseBody, type StreamItem } from "./messages.js";
import type { CassandraNode } from "./node.js";
import { replicationFactor } from "./replication.js";
import type { Token } from "./token.js";

/**
 * Anti-entropy repair (3.11): `nodetool repair` asks one node to coordinate (RepairRunnable).
 * It takes the ranges it replicates (or only its primary ranges with -pr), groups them by the
 * replicas sharing them, prepares every participant, and runs a session per group: for each
 * table every replica builds Merkle trees of its data in those ranges (a validation
 * compaction), the coordinator compares each pair of trees, and each pair that differs streams
 * the ranges out of sync both ways. Progress goes back to nodetool as notifications, worded as
 * RepairRunnable words them. A neighbor that is down fails the command before it starts; one
 * convicted during a session fails that session.
 */

type Range = readonly [Token, Token];

/** Opening the sstables and the flush before a validation. */
const VALIDATION_SETUP_MS = 40;
/** Anticompaction after an incremental repair, per participant. */
const ANTICOMPACTION_MS = 120;
/** RPC wait for repair messages (prepare waits up to an hour for its replies). */
const REPAIR_RPC_MS = 3_600_000;

const COORDINATOR_SITE = "RepairRunnable.java:";

function rangeString(r: Range): string {
  return `(${r[0]},${r[1]}]`;
}

function rangesString(ranges: readonly Range[]): string {
  return `[${ranges.map(rangeString).join(", ")}]`;
}

function addr(ep: string): string {
  return `/${ep}`;
}

interface Job {
  readonly table: string;
  readonly item: StreamItem;
}

interface Session {
  readonly id: string;
  readonly cmd: Command;
  readonly ranges: readonly Range[];
  readonly neighbors: readonly string[];
  readonly jobs: Job[];
  pending: number;
  failed: string | undefined;
  done: boolean;
}

interface Command {
  readonly cmd: number;
  readonly adminId: number;
  readonly keyspace: string;
  readonly options: RepairOptions;
  readonly startedAt: number;
  readonly total: number;
  readonly thread: string;
  progress: number;
  sessionsLeft: number;
  anyFailed: boolean;
}

export class RepairService {
  private nextCommand = 1;
  private readonly uuids: TimeUuidGenerator;
  /** CompactionInfo ids, from the JVM's UUIDGen (a generator of their own, so repair's ids are as before). */
  private readonly compactionIds: TimeUuidGenerator;
  /** Validation compactions under way by id: the table, the bytes they read, from when and how fast (bytes per ms; 0: unthrottled). */
  private readonly validations = new Map<string, { readonly keyspace: string; readonly table: string; readonly total: number; readonly readFrom: number; readonly rate: number }>();
  private readonly sessions = new Map<string, Session>();
  private nextTimer = 0;
  private readonly timers = new Map<string, () => void>();

  constructor(private readonly node: CassandraNode) {
    this.uuids = new TimeUuidGenerator(node.clockSeqAndNode);
    this.compactionIds = new TimeUuidGenerator(node.clockSeqAndNode);
  }

  /** CompactionManager.getCompactions' Validation entries: bytes read so far at the compaction throughput. */
  activeValidations(nowMono: number): CompactionView[] {
    return [...this.validations].map(([id, v]) => {
      const reading = nowMono - v.readFrom;
      const completed = reading < 0 ? 0 : v.rate === 0 ? v.total : Math.min(v.total, Math.floor(reading * v.rate));
      return { id, taskType: "Validation", keyspace: v.keyspace, table: v.table, completed, total: v.total, unit: "bytes" };
    });
  }

  private log(level: LogEvent["level"], thread: string, site: string, message: string): void {
    this.node.log({ level, thread, site, message });
  }

  private after(ms: number, fn: () => void): void {
    const key = `repair:${this.nextTimer++}`;
    this.timers.set(key, fn);
    this.node.timer(key, ms);
  }

  /** Routes `repair:<n>` timers. */
  onTimer(key: string): boolean {
    const fn = this.timers.get(key);
    if (fn === undefined) return key.startsWith("repair:");
    this.timers.delete(key);
    fn();
    return true;
  }

  private notify(c: Command, type: ProgressNotification["type"], message: string): void {
    this.node.emit({ kind: "admin-progress", id: c.adminId, event: { type, progress: c.progress, total: c.total, message } });
  }

  private finish(c: Command): void {
    this.node.emit({ kind: "admin", id: c.adminId, response: { ok: true, value: c.cmd } });
  }

  private fail(c: Command, message: string): void {
    this.notify(c, "ERROR", `Repair command #${c.cmd} failed with error ${message}`);
    this.notify(c, "COMPLETE", `Repair command #${c.cmd} finished with error`);
    this.finish(c);
  }

  // ---- the coordinator ------------------------------------------------------------------------

  /** StorageService.repairAsync and the RepairRunnable it starts. */
  start(adminId: number, keyspace: string, options: RepairOptions): void {
    const node = this.node;
    const ks = node.schema.keyspace(keyspace);
    if (ks === undefined) {
      node.emit({ kind: "admin", id: adminId, response: { ok: false, error: { exception: "java.lang.IllegalArgumentException", message: `Keyspace [${keyspace}] does not exist.` } } });
      return;
    }
    const ring = node.tm.ring();
    const ranges: Range[] = options.primaryRange
      ? node.tm.tokens(node.self).map((t) => [ring.predecessor(t), t] as const)
      : (ring.addressRanges(ks.replication).get(node.self) ?? []).map((t) => [ring.predecessor(t), t] as const);
    if (ranges.length === 0 || replicationFactor(ks.replication) < 2) {
      node.emit({ kind: "admin", id: adminId, response: { ok: true, value: 0 } });
      return;
    }
    const cmd = this.nextCommand++;
    const thread = `Repair-Task-${cmd + 1}`;
    const c: Command = { cmd, adminId, keyspace, options, startedAt: node.now.wall, total: 4 + ranges.length, thread, progress: 0, sessionsLeft: 0, anyFailed: false };
    const tables = node.schema.tables(keyspace);
    const unknown = options.tables.find((t) => !tables.some((d) => d.name === t));
    if (unknown !== undefined) return this.fail(c, `Unknown keyspace/cf pair (${keyspace}.${unknown})`);
    const chosen = options.tables.length === 0 ? tables : tables.filter((t) => options.tables.includes(t.name));
    c.progress++;
    const parent = this.uuids.next(node.now.wall);
    const columnFamilies = `[${javaHashMapOrder(options.tables, stringHash).join(", ")}]`;
    const message =
      `Starting repair command #${cmd} (${parent}), repairing keyspace ${keyspace} with repair options (parallelism: ${options.parallelism}, primary range: ${options.primaryRange}, ` +
      `incremental: ${options.incremental}, job threads: ${options.jobThreads}, ColumnFamilies: ${columnFamilies}, dataCenters: [], hosts: [], # of ranges: ${ranges.length}, pull repair: false)`;
    this.log("INFO", thread, `${COORDINATOR_SITE}253`, message);
    this.notify(c, "START", message);
    // addRangeToNeighbors: a range joins the first group whose neighbors include all of its own.
    const groups: { neighbors: string[]; ranges: Range[] }[] = [];
    const all = new Set<string>();
    for (const r of ranges) {
      const neighbors = ring.naturalEndpoints(r[1], ks.replication).filter((ep) => ep !== node.self);
      for (const ep of neighbors) all.add(ep);
      const g = groups.find((x) => neighbors.every((ep) => x.neighbors.includes(ep)));
      if (g !== undefined) g.ranges.push(r);
      else groups.push({ neighbors: [...neighbors], ranges: [r] });
    }
    c.progress += 2;
    this.prepare(parent, [...all], (failed) => {
      if (failed.length > 0) return this.fail(c, `Did not get positive replies from all endpoints. List of failed endpoint(s): [${failed.join(", ")}]`);
      c.progress++;
      // ActiveRepairService.submitRepairSession makes no session when there is no table to repair.
      if (chosen.length === 0) return this.complete(c);
      c.sessionsLeft = groups.length;
      for (const g of groups) this.startSession(c, g.ranges, g.neighbors, chosen.map((t) => ({ table: t.name, item: { keyspace, table: t.name, tableId: t.id, ranges: g.ranges } })));
    });
  }

  /** ActiveRepairService.prepareForRepair: every neighbor must be alive and answer. */
  private prepare(parent: string, neighbors: readonly string[], done: (failed: string[]) => void): void {
    const failed: string[] = [];
    let left = neighbors.length;
    const countDown = () => {
      if (--left === 0) done(failed);
    };
    if (left === 0) return done(failed);
    for (const ep of neighbors) {
      if (!this.node.gossiper.isAlive(ep)) {
        failed.push(ep);
        countDown();
        continue;
      }
      this.node.request(ep, { verb: "PREPARE_MESSAGE", parent }, countDown, REPAIR_RPC_MS, () => {
        failed.push(ep);
        countDown();
      });
    }
  }

  private startSession(c: Command, ranges: readonly Range[], neighbors: readonly string[], jobs: Job[]): void {
    const node = this.node;
    const s: Session = { id: this.uuids.next(node.now.wall), cmd: c, ranges, neighbors, jobs, pending: jobs.length, failed: undefined, done: false };
    const thread = `Repair#${c.cmd}:1`;
    const nodes = [node.self, ...neighbors].map(addr).join(", ");
    this.log("INFO", thread, "RepairSession.java:288", `[repair #${s.id}] new session: will sync ${nodes} on range ${rangesString(ranges)} for ${c.keyspace}.[${jobs.map((j) => j.table).join(", ")}]`);
    if (neighbors.length === 0) {
      this.log("INFO", thread, "RepairSession.java:293", `[repair #${s.id}] No neighbors to repair with on range ${rangesString(ranges)}: session completed`);
      return this.sessionDone(s);
    }
    const dead = neighbors.find((ep) => !node.gossiper.isAlive(ep));
    if (dead !== undefined) {
      const message = `Cannot proceed on repair because a neighbor (${addr(dead)}) is dead: session failed`;
      this.log("ERROR", thread, "RepairSession.java:305", `[repair #${s.id}] ${message}`);
      return this.sessionFailed(s, message);
    }
    this.sessions.set(s.id, s);
    if (jobs.length === 0) return this.sessionDone(s);
    for (const job of jobs) this.runJob(s, job);
  }

  /** RepairJob: trees from every replica, then a sync task per pair of replicas. */
  private runJob(s: Session, job: Job): void {
    const node = this.node;
    const endpoints = [...s.neighbors, node.self];
    const thread = `Repair#${s.cmd.cmd}:1`;
    this.log("INFO", thread, "RepairJob.java:172", `[repair #${s.id}] Requesting merkle trees for ${job.table} (to [${endpoints.map(addr).join(", ")}])`);
    const trees = new Map<string, readonly RangeTree[]>();
    const received = (ep: string, t: readonly RangeTree[]) => {
      if (s.done) return;
      this.log("INFO", "AntiEntropyStage:1", "RepairSession.java:180", `[repair #${s.id}] Received merkle tree for ${job.table} from ${addr(ep)}`);
      trees.set(ep, t);
      if (s.cmd.options.parallelism === "sequential" && trees.size < endpoints.length) ask(endpoints[trees.size]!);
      if (trees.size === endpoints.length) this.syncAll(s, job, endpoints.map((e) => [e, trees.get(e)!] as const));
    };
    const ask = (ep: string) => {
      if (ep === node.self) return this.validate(s.id, node.self, job.item, (t) => received(ep, t));
      node.request(ep, { verb: "VALIDATION_REQUEST", session: s.id, item: job.item }, (from, body) => {
        if (body.kind === "trees") received(from, body.trees);
        else this.jobFailed(s, `Validation failed in ${addr(from)}`);
      }, REPAIR_RPC_MS);
    };
    if (s.cmd.options.parallelism === "sequential") ask(endpoints[0]!);
    else for (const ep of endpoints) ask(ep);
  }

  /** The differences between each pair of trees, synced by whichever side holds the data. */
  private syncAll(s: Session, job: Job, trees: readonly (readonly [string, readonly RangeTree[]])[]): void {
    const node = this.node;
    let left = 0;
    let failed = false;
    const synced = (ok: boolean) => {
      if (!ok) failed = true;
      if (--left > 0 || s.done) return;
      if (failed) return this.jobFailed(s, "Sync failed");
      this.log("INFO", "RepairJobTask:1", "RepairJob.java:143", `[repair #${s.id}] ${job.table} is fully synced`);
      this.jobDone(s);
    };
    left++;
    for (let i = 0; i < trees.length - 1; i++) {
      for (let j = i + 1; j < trees.length; j++) {
        const [a, ta] = trees[i]!;
        const [b, tb] = trees[j]!;
        const diff = difference(ta, tb);
        const prefix = `[repair #${s.id}] Endpoints ${addr(a)} and ${addr(b)}`;
        if (diff.length === 0) {
          this.log("INFO", "RepairJobTask:1", "SyncTask.java:66", `${prefix} are consistent for ${job.table}`);
          continue;
        }
        this.log("INFO", "RepairJobTask:1", "SyncTask.java:73", `${prefix} have ${diff.length} range(s) out of sync for ${job.table}`);
        const item: StreamItem = { ...job.item, ranges: diff };
        left++;
        if (a === node.self || b === node.self) {
          const peer = a === node.self ? b : a;
          this.log("INFO", "RepairJobTask:1", "LocalSyncTask.java:71", `[repair #${s.id}] Performing streaming repair of ${diff.length} ranges with ${addr(peer)}`);
          this.streamBothWays(peer, item, synced);
        } else {
          this.log("INFO", "RepairJobTask:1", "RemoteSyncTask.java:54", `[repair #${s.id}] Forwarding streaming repair of ${diff.length} ranges to ${addr(a)} (to be streamed with ${addr(b)})`);
          node.request(a, { verb: "SYNC_REQUEST", session: s.id, peer: b, item }, (_from, body) => synced(body.kind === "ack"), REPAIR_RPC_MS);
        }
      }
    }
    synced(true);
  }

  /** StreamingRepairTask: request the peer's data in the ranges and transfer ours. */
  private streamBothWays(peer: string, item: StreamItem, done: (ok: boolean) => void): void {
    const plan = this.uuids.next(this.node.now.wall);
    this.log("INFO", "StreamConnectionEstablisher:1", "StreamResultFuture.java:90", `[Stream #${plan}] Executing streaming plan for Repair`);
    let left = 2;
    let ok = true;
    const half = (success: boolean) => {
      ok &&= success;
      if (--left === 0) done(ok);
    };
    this.node.streaming.fetch(peer, plan, "Repair", [item], half);
    this.node.streaming.push(peer, plan, "Repair", [item], half);
  }

  private jobDone(s: Session): void {
    if (--s.pending === 0 && !s.done) this.sessionDone(s);
  }

  private jobFailed(s: Session, message: string): void {
    if (s.done) return;
    this.log("ERROR", "RepairJobTask:1", "RepairSession.java:331", `[repair #${s.id}] Session completed with the following error`);
    this.sessionFailed(s, message);
  }

  private sessionDone(s: Session): void {
    s.done = true;
    this.sessions.delete(s.id);
    if (s.neighbors.length > 0) this.log("INFO", "RepairJobTask:1", "RepairSession.java:323", `[repair #${s.id}] Session completed successfully`);
    const c = s.cmd;
    c.progress++;
    const message = `Repair session ${s.id} for range ${rangesString(s.ranges)} finished`;
    this.log("INFO", c.thread, `${COORDINATOR_SITE}352`, message);
    this.notify(c, "PROGRESS", message);
    this.sessionEnded(c);
  }

  private sessionFailed(s: Session, error: string): void {
    s.done = true;
    this.sessions.delete(s.id);
    const c = s.cmd;
    c.anyFailed = true;
    c.progress++;
    const message = `Repair session ${s.id} for range ${rangesString(s.ranges)} failed with error ${error}`;
    this.log("ERROR", c.thread, `${COORDINATOR_SITE}368`, message);
    this.notify(c, "PROGRESS", message);
    this.sessionEnded(c);
  }

  private sessionEnded(c: Command): void {
    if (--c.sessionsLeft === 0) this.complete(c);
  }

  /** After the last session: anticompaction (incremental repair), then the verdict and the time taken. */
  private complete(c: Command): void {
    const report = () => {
      this.notify(c, c.anyFailed ? "ERROR" : "SUCCESS", c.anyFailed ? "Some repair failed" : "Repair completed successfully");
      const message = `Repair command #${c.cmd} finished in ${formatDurationWords(this.node.now.wall - c.startedAt)}`;
      this.notify(c, "COMPLETE", message);
      this.log("INFO", c.thread, `${COORDINATOR_SITE}415`, message);
      this.finish(c);
    };
    if (c.options.incremental && !c.anyFailed) this.after(ANTICOMPACTION_MS, report);
    else report();
  }

  /** A participant was convicted: the sessions it takes part in fail (RepairSession.convict). */
  peerDown(endpoint: string): void {
    for (const s of [...this.sessions.values()]) {
      if (!s.neighbors.includes(endpoint)) continue;
      this.log("ERROR", "GossipTasks:1", "RepairSession.java:362", `[repair #${s.id}] session completed with the following error`);
      this.sessionFailed(s, `Endpoint ${addr(endpoint)} died`);
    }
  }

  // ---- participants ---------------------------------------------------------------------------

  /** A validation compaction: flush, read the ranges' partitions, hash them into trees. */
  private validate(session: string, initiator: string, item: StreamItem, done: (trees: readonly RangeTree[]) => void): void {
    const node = this.node;
    const t = node.storage.table(item.tableId);
    const partitions: { token: Token; hash: readonly [bigint, bigint] }[] = [];
    let bytes = 0;
    if (t !== undefined) {
      node.storage.flush(t, "ValidationExecutor:1");
      for (const k of t.keys()) {
        const token = t.tokens.get(k)!;
        if (!item.ranges.some((r) => inRange(token, r))) continue;
        partitions.push({ token, hash: partitionHash(t.read(k)!) });
      }
      bytes = t.liveBytes();
    }
    const trees = buildTrees(item.ranges, partitions, inRange);
    // A validation compaction reads at the compaction throughput (0: unthrottled).
    const mb = node.throughput.compactionMB;
    const id = this.compactionIds.next(node.now.wall);
    const rate = (mb * 1024 * 1024) / 1000;
    this.validations.set(id, { keyspace: item.keyspace, table: item.table, total: bytes, readFrom: node.now.mono + VALIDATION_SETUP_MS, rate });
    this.after(VALIDATION_SETUP_MS + (mb === 0 ? 0 : Math.ceil(bytes / rate)), () => {
      this.validations.delete(id);
      node.stages.completed.ValidationExecutor++;
      if (initiator !== node.self) this.log("INFO", "ValidationExecutor:1", "Validator.java:268", `[repair #${session}] Sending completed merkle tree to ${addr(initiator)} for ${item.keyspace}.${item.table}`);
      done(trees);
    });
  }

  onPrepare(from: string, id: number): void {
    this.node.respond(from, id, { kind: "ack" });
  }

  onValidationRequest(from: string, id: number, session: string, item: StreamItem): void {
    if (this.node.storage.table(item.tableId) === undefined) return this.node.respond(from, id, { kind: "failure" });
    this.validate(session, from, item, (trees) => this.node.respond(from, id, { kind: "trees", trees } satisfies ResponseBody));
  }

  /** StreamingRepairTask on a replica the coordinator forwarded a sync to. */
  onSyncRequest(from: string, id: number, session: string, peer: string, item: StreamItem): void {
    this.log("INFO", "AntiEntropyStage:1", "StreamingRepairTask.java:58", `[streaming task #${session}] Performing streaming repair of ${item.ranges.length} ranges with ${addr(peer)}`);
    this.streamBothWays(peer, item, (ok) => this.node.respond(from, id, ok ? { kind: "ack" } : { kind: "failure" }));
  }
}
