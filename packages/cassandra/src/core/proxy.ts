import type { Random } from "@ksim/sim";
import type { Now } from "./clock.js";
import { blockFor, checkAvailable, countsFor } from "./consistency.js";
import type { Batch } from "./batchlog.js";
import type { Mutation, Partition } from "./data.js";
import { mergePartitions } from "./data.js";
import type { Payload, ReadCommand, ResponseBody } from "./messages.js";
import type { ConsistencyLevel, ErrorInfo } from "./protocol.js";
import { ErrorCode } from "./protocol.js";
import type { Replication } from "./replication.js";
import type { Ring } from "./ring.js";
import type { Token } from "./token.js";
import { keyString } from "./types.js";

/**
 * The coordinator (service/StorageProxy, 3.x). A write goes to every natural and pending replica
 * that is alive; dead ones get a hint (within max_hint_window); the client is answered once the
 * consistency level's worth of replicas acknowledged, or with WriteTimeout after
 * write_request_timeout. A replica that has not answered when the time-out passes is hinted too.
 * A read asks the closest replica for data and the next ones for digests; if the digests
 * disagree it reads data from every replica it contacted, merges by timestamp, writes the merged
 * result back to the stale ones and waits for that (blocking read repair) before answering.
 */

/** What the coordinator needs from the node hosting it. */
export interface ProxyEnv {
  readonly self: string;
  readonly now: Now;
  readonly random: Random;
  readonly localDc: string;
  readonly localRack: string;
  readonly writeTimeoutMs: number;
  readonly counterWriteTimeoutMs: number;
  readonly readTimeoutMs: number;
  readonly rangeTimeoutMs: number;
  ring(): Ring;
  pendingEndpoints(token: Token, strategy: Replication): readonly string[];
  isAlive(endpoint: string): boolean;
  dcOf(endpoint: string): string;
  /** Whether a write for a dead (or silent) replica should be hinted (enabled, within the window). */
  shouldHint(endpoint: string): boolean;
  writeHint(endpoint: string, m: Mutation): void;
  request(to: string, payload: Payload, onResponse: (from: string, body: ResponseBody) => void): number;
  dropCallback(id: number): void;
  /** A one-way message (no answer expected). */
  send(to: string, payload: Payload): void;
  /** CounterMutation.apply on the leader: the deltas turned into this node's shards (clock + 1, count + delta). */
  counterShards(m: Mutation): Mutation;
  /** This node's batchlog (system.batches): keep a batch, drop one. */
  storeBatch(batch: Batch): void;
  removeBatch(id: string): void;
  timer(key: string, ms: number): void;
  cancelTimer(key: string): void;
  applyLocal(m: Mutation): void;
  readLocal(cmd: ReadCommand): Partition[];
}

/** The failure a coordinator reports to the client (a protocol error with its info). */
export interface CoordinatorError {
  readonly code: number;
  readonly message: string;
  readonly info?: ErrorInfo;
}

export type WriteOutcome = { readonly ok: true } | { readonly ok: false; readonly error: CoordinatorError };
export type ReadOutcome = { readonly ok: true; readonly partitions: readonly Partition[] } | { readonly ok: false; readonly error: CoordinatorError };

function unavailable(cl: ConsistencyLevel, required: number, alive: number): CoordinatorError {
  return {
    code: ErrorCode.UNAVAILABLE,
    message: `Cannot achieve consistency level ${cl}`,
    info: { kind: "unavailable", consistency: cl, required, alive },
  };
}

/** WriteType: what a write time-out says the write was, so a client knows whether to retry it. */
export type WriteType = "SIMPLE" | "BATCH" | "UNLOGGED_BATCH" | "BATCH_LOG" | "CAS" | "COUNTER";

/** RequestTimeoutException's words, whatever the write type. */
export function writeTimeout(writeType: WriteType, cl: ConsistencyLevel, received: number, need: number): CoordinatorError {
  return {
    code: ErrorCode.WRITE_TIMEOUT,
    message: `Operation timed out - received only ${received} responses.`,
    info: { kind: "write_timeout", consistency: cl, received, blockFor: need, writeType },
  };
}

function readTimeout(cl: ConsistencyLevel, received: number, need: number, dataPresent: boolean): CoordinatorError {
  return {
    code: ErrorCode.READ_TIMEOUT,
    message: `Operation timed out - received only ${received} responses.`,
    info: { kind: "read_timeout", consistency: cl, received, blockFor: need, dataPresent },
  };
}

/**
 * A read result's digest: same data, same digest, whatever the insertion order. It stands in for
 * Cassandra's MD5 of the serialized result, which only ever gets compared: the canonical text itself
 * compares the same and costs no hashing.
 */
export function digestOf(partitions: readonly Partition[]): string {
  const parts = partitions.map(partitionDigest);
  if (parts.length > 1) parts.sort();
  return parts.join("\u0003");
}

/** A partition's canonical text: equal for equal content, whatever order its rows and cells were written in. */
export function partitionDigest(p: Partition): string {
  let s = `P${keyString(p.key)}|${p.del ?? ""}`;
  for (const rk of Object.keys(p.rows).sort()) {
    const r = p.rows[rk]!;
    s += `R${rk}|${r.marker ?? ""}|${r.del ?? ""}`;
    if (r.markerExp !== undefined) s += `|${r.markerExp}`;
    if (r.cdel !== undefined) for (const c of Object.keys(r.cdel).sort()) s += `|D${c}|${r.cdel[c]}`;
    for (const c of Object.keys(r.cells).sort()) {
      const cell = r.cells[c]!;
      s += `C${c}|${cell.ts}|${cell.tomb ? "x" : keyString([cell.v])}`;
      // An expiring cell's digest covers its TTL and expiry too, as its serialized form would.
      if (cell.exp !== undefined) s += `|${cell.ttl}|${cell.exp}`;
      if (cell.cc !== undefined) for (const id of Object.keys(cell.cc).sort()) s += `|S${id}|${cell.cc[id]![0]}|${cell.cc[id]![1]}`;
    }
  }
  return s;
}

/** Merges several replicas' answers partition by partition. */
export function resolve(answers: readonly (readonly Partition[])[]): Partition[] {
  const out = new Map<string, Partition>();
  for (const a of answers) {
    for (const p of a) {
      const k = keyString(p.key);
      out.set(k, mergePartitions(out.get(k), p));
    }
  }
  return [...out.values()];
}

/** How a write is made, beyond its consistency level. */
export interface WriteOptions {
  readonly writeType?: WriteType;
  /** When the wait for replicas ends (monotonic ms); write_request_timeout from now if not given. */
  readonly deadline?: number;
}

/** One partition's write within a batch. */
export interface BatchWrite {
  readonly mutation: Mutation;
  readonly token: Token;
  readonly strategy: Replication;
}

/** A wait for replicas' acknowledgements until `need` of them arrived or the time-out. */
interface AckWait {
  readonly cl: ConsistencyLevel;
  readonly need: number;
  acks: number;
  done: boolean;
  /** Replicas we sent to and have not heard from, with their callback ids. */
  readonly waiting: Map<string, number>;
  readonly finish: (o: WriteOutcome) => void;
}

interface WriteHandler extends AckWait {
  readonly kind: "write";
  readonly mutation: Mutation;
  readonly writeType: WriteType;
}

/** The wait for the batchlog nodes' acknowledgements of BATCH_STORE; `cl` is ONE or TWO, as many as there are. */
interface BatchlogHandler extends AckWait {
  readonly kind: "batchlog";
}

/** A coordinator's wait for the counter leader it forwarded an update to. */
interface CounterHandler extends AckWait {
  readonly kind: "counter";
}

interface ReadHandler {
  readonly kind: "read";
  readonly command: ReadCommand;
  readonly cl: ConsistencyLevel;
  readonly need: number;
  readonly targets: readonly string[];
  phase: "digest" | "repair-data" | "repair-write" | "background" | "done";
  readonly data: Map<string, readonly Partition[]>;
  readonly digests: Map<string, string>;
  readonly callbacks: Set<number>;
  repairAcks: number;
  repairNeeded: number;
  merged: Partition[];
  readonly finish: (o: ReadOutcome) => void;
}

export class StorageProxy {
  private nextId = 1;
  private readonly handlers = new Map<number, WriteHandler | BatchlogHandler | CounterHandler | ReadHandler>();
  /**
   * ReadRepairMetrics, as nodetool netstats prints them: reads that asked extra replicas by
   * read_repair_chance, digest mismatches repaired before answering, and ones found afterwards.
   */
  readonly readRepair = { attempted: 0, blocking: 0, background: 0 };

  constructor(private readonly env: ProxyEnv) {}

  /** Live replicas (natural then pending), the closest first: this node, then ring order. */
  private replicas(token: Token, strategy: Replication): { natural: readonly string[]; pending: readonly string[] } {
    const natural = this.env.ring().naturalEndpoints(token, strategy);
    const pending = this.env.pendingEndpoints(token, strategy);
    return { natural, pending };
  }

  private live(endpoints: readonly string[]): string[] {
    const alive = endpoints.filter((e) => this.env.isAlive(e));
    const i = alive.indexOf(this.env.self);
    if (i > 0) {
      alive.splice(i, 1);
      alive.unshift(this.env.self);
    }
    return alive;
  }

  // ---- writes ---------------------------------------------------------------------------

  /** Whether enough replicas are up to try a write at `cl` (assureSufficientLiveNodes). */
  private assureLive(token: Token, strategy: Replication, cl: ConsistencyLevel): CoordinatorError | undefined {
    const { natural, pending } = this.replicas(token, strategy);
    const live = [...natural, ...pending.filter((p) => !natural.includes(p))].filter((e) => this.env.isAlive(e));
    const missing = checkAvailable(cl, strategy, live.map((e) => ({ dc: this.env.dcOf(e) })), this.env.localDc);
    return missing === undefined ? undefined : unavailable(cl, missing.required, missing.alive);
  }

  /**
   * Writes one mutation at `cl`. `options.writeType` is what a time-out reports; the wait ends at
   * `options.deadline` (monotonic ms) when the write is part of a longer request, as a batch's
   * writes share the batchlog's budget.
   */
  mutate(m: Mutation, token: Token, strategy: Replication, cl: ConsistencyLevel, finish: (o: WriteOutcome) => void, options: WriteOptions = {}): void {
    const error = this.assureLive(token, strategy, cl);
    if (error !== undefined) return finish({ ok: false, error });
    this.send(m, token, strategy, cl, finish, options);
  }

  private send(m: Mutation, token: Token, strategy: Replication, cl: ConsistencyLevel, finish: (o: WriteOutcome) => void, options: WriteOptions): void {
    const env = this.env;
    const { natural, pending } = this.replicas(token, strategy);
    const all = [...natural, ...pending.filter((p) => !natural.includes(p))];
    const id = this.nextId++;
    const h: WriteHandler = {
      kind: "write",
      mutation: m,
      cl,
      writeType: options.writeType ?? "SIMPLE",
      need: cl === "ANY" ? 1 : blockFor(cl, strategy, env.localDc) + pending.length,
      acks: 0,
      done: false,
      waiting: new Map(),
      finish,
    };
    this.handlers.set(id, h);
    env.timer(`wr:${id}`, options.deadline === undefined ? env.writeTimeoutMs : Math.max(0, options.deadline - env.now.mono));
    for (const ep of all) {
      if (!env.isAlive(ep)) {
        if (env.shouldHint(ep)) {
          env.writeHint(ep, m);
          // A stored hint is as good as a write only for ANY.
          if (cl === "ANY") this.writeAck(id, h, undefined);
        }
        continue;
      }
      if (ep === env.self) {
        env.applyLocal(m);
        this.writeAck(id, h, undefined);
        continue;
      }
      const cb = env.request(ep, { verb: "MUTATION", mutation: m }, (from, body) => {
        if (body.kind !== "ack") return;
        h.waiting.delete(from);
        this.writeAck(id, h, from);
      });
      h.waiting.set(ep, cb);
    }
    this.maybeRetire(id, h);
  }

  /**
   * StorageProxy.mutateAtomically, a logged batch of more than one partition: every write must
   * have enough live replicas, then the batch is stored in the batchlog of one or two other
   * nodes (BATCH_STORE, acknowledged by all of them), then the writes go out at `cl`, and once
   * every one reached `cl` the batchlog entries are removed (BATCH_REMOVE, not awaited). A
   * coordinator that dies in between leaves the batch to the batchlog nodes' replay. One
   * write_request_timeout, from `startedAt`, covers it all.
   */
  mutateAtomically(batch: Batch, writes: readonly BatchWrite[], cl: ConsistencyLevel, startedAt: number, finish: (o: WriteOutcome) => void): void {
    const env = this.env;
    const endpoints = this.batchlogEndpoints(cl);
    if (endpoints.length === 0) return finish({ ok: false, error: unavailable("ONE", 1, 0) });
    for (const w of writes) {
      const error = this.assureLive(w.token, w.strategy, cl);
      if (error !== undefined) return finish({ ok: false, error });
    }
    const deadline = startedAt + env.writeTimeoutMs;
    this.storeInBatchlog(batch, endpoints, deadline, (stored) => {
      if (!stored.ok) return finish(stored);
      let left = writes.length;
      let failed = false;
      for (const w of writes) {
        this.send(w.mutation, w.token, w.strategy, cl, (o) => {
          if (failed) return;
          if (!o.ok) {
            failed = true;
            return finish(o);
          }
          if (--left > 0) return;
          finish(o);
          for (const ep of endpoints) {
            if (ep === env.self) env.removeBatch(batch.id);
            else env.send(ep, { verb: "BATCH_REMOVE", id: batch.id });
          }
        }, { writeType: "BATCH", deadline });
      }
    });
  }

  /**
   * StorageProxy.mutateCounter: a counter update goes to one leader replica, which turns the
   * deltas into its own shards and writes those to every replica at `cl`
   * (applyCounterMutationOnLeader). The leader is a random live replica of this data center
   * (findSuitableEndpoint), else the nearest live one elsewhere. When the leader is another
   * node, the coordinator waits for it alone, as at ONE, for counter_write_request_timeout.
   */
  mutateCounter(m: Mutation, token: Token, strategy: Replication, cl: ConsistencyLevel, finish: (o: WriteOutcome) => void): void {
    const env = this.env;
    const { natural } = this.replicas(token, strategy);
    const live = natural.filter((e) => env.isAlive(e));
    const local = live.filter((e) => env.dcOf(e) === env.localDc);
    const dcLocal = cl === "LOCAL_ONE" || cl === "LOCAL_QUORUM";
    // Without a local replica, the nearest remote one, in the order reads ask replicas.
    const leader = local.length > 0 ? env.random.choice(local) : dcLocal ? undefined : live[0];
    if (leader === undefined) return finish({ ok: false, error: unavailable(cl, blockFor(cl, strategy, env.localDc), 0) });
    if (leader === env.self) return this.counterOnLeader(m, token, strategy, cl, finish);
    const error = this.assureLive(token, strategy, cl);
    if (error !== undefined) return finish({ ok: false, error });
    const id = this.nextId++;
    const h: CounterHandler = { kind: "counter", cl: "ONE", need: 1, acks: 0, done: false, waiting: new Map(), finish };
    this.handlers.set(id, h);
    env.timer(`wr:${id}`, env.counterWriteTimeoutMs);
    const cb = env.request(leader, { verb: "COUNTER_MUTATION", mutation: m, consistency: cl }, (_, body) => {
      if (body.kind !== "ack" || h.done) return;
      h.done = true;
      this.handlers.delete(id);
      env.cancelTimer(`wr:${id}`);
      finish({ ok: true });
    });
    h.waiting.set(leader, cb);
  }

  /**
   * applyCounterMutationOnLeader: this node's shards of the update, written to every replica at
   * `cl`. A leader that cannot reach `cl` does not answer; its coordinator times out (3.11 may
   * send a failure response instead, which ksim does not model).
   */
  counterOnLeader(m: Mutation, token: Token, strategy: Replication, cl: ConsistencyLevel, finish: (o: WriteOutcome) => void): void {
    const error = this.assureLive(token, strategy, cl);
    if (error !== undefined) return finish({ ok: false, error });
    this.send(this.env.counterShards(m), token, strategy, cl, finish, { writeType: "COUNTER", deadline: this.env.now.mono + this.env.counterWriteTimeoutMs });
  }

  /** syncWriteToBatchlog: every chosen node must acknowledge (ONE or TWO of them), by the deadline. */
  private storeInBatchlog(batch: Batch, endpoints: readonly string[], deadline: number, finish: (o: WriteOutcome) => void): void {
    const env = this.env;
    const id = this.nextId++;
    const h: BatchlogHandler = { kind: "batchlog", cl: endpoints.length === 1 ? "ONE" : "TWO", need: endpoints.length, acks: 0, done: false, waiting: new Map(), finish };
    this.handlers.set(id, h);
    env.timer(`wr:${id}`, Math.max(0, deadline - env.now.mono));
    const ack = () => {
      if (h.done || ++h.acks < h.need) return;
      h.done = true;
      this.handlers.delete(id);
      env.cancelTimer(`wr:${id}`);
      finish({ ok: true });
    };
    for (const ep of endpoints) {
      if (ep === env.self) {
        env.storeBatch(batch);
        ack();
        continue;
      }
      const cb = env.request(ep, { verb: "BATCH_STORE", batch }, (from, body) => {
        if (body.kind !== "ack") return;
        h.waiting.delete(from);
        ack();
      });
      h.waiting.set(ep, cb);
    }
  }

  /**
   * getBatchlogEndpoints (BatchlogManager.EndpointFilter): up to two live nodes of this data
   * center other than this one, from other racks when there are enough; this node itself only
   * when it is alone in its data center.
   */
  private batchlogEndpoints(cl: ConsistencyLevel): string[] {
    const env = this.env;
    const ring = env.ring();
    const racks = new Map<string, string[]>();
    let inDc = 0;
    for (const [ep, loc] of ring.location) {
      if (loc.dc !== env.localDc) continue;
      inDc++;
      if (ep === env.self || !env.isAlive(ep)) continue;
      let list = racks.get(loc.rack);
      if (list === undefined) racks.set(loc.rack, (list = []));
      list.push(ep);
    }
    if (inDc === 1 && ring.location.get(env.self)?.dc === env.localDc) return [env.self];
    const valid = [...racks.values()].reduce((n, l) => n + l.length, 0);
    if (valid === 0) return cl === "ANY" ? [env.self] : [];
    if (valid <= 2) return [...racks.values()].flat();
    if (valid - (racks.get(env.localRack)?.length ?? 0) >= 2) racks.delete(env.localRack);
    if (racks.size === 1) return env.random.shuffle([...racks.values()][0]!).slice(0, 2);
    const names = racks.size === 2 ? [...racks.keys()] : env.random.shuffle([...racks.keys()]);
    return names.slice(0, 2).map((rack) => env.random.choice(racks.get(rack)!));
  }

  private writeAck(id: number, h: WriteHandler, from: string | undefined): void {
    if (!h.done && countsFor(h.cl, from === undefined ? this.env.localDc : this.env.dcOf(from), this.env.localDc)) {
      h.acks++;
      if (h.acks >= h.need) {
        h.done = true;
        h.finish({ ok: true });
      }
    }
    this.maybeRetire(id, h);
  }

  private maybeRetire(id: number, h: WriteHandler): void {
    if (h.done && h.waiting.size === 0) {
      this.handlers.delete(id);
      this.env.cancelTimer(`wr:${id}`);
    }
  }

  private writeExpired(id: number, h: WriteHandler): void {
    this.handlers.delete(id);
    // The callbacks expire with the time-out: replicas that never answered get a hint.
    for (const [ep, cb] of h.waiting) {
      this.env.dropCallback(cb);
      if (this.env.shouldHint(ep)) this.env.writeHint(ep, h.mutation);
    }
    h.waiting.clear();
    if (!h.done) {
      h.done = true;
      h.finish({ ok: false, error: writeTimeout(h.writeType, h.cl, h.acks, h.need) });
    }
  }

  private counterExpired(id: number, h: CounterHandler): void {
    this.handlers.delete(id);
    for (const cb of h.waiting.values()) this.env.dropCallback(cb);
    if (h.done) return;
    h.done = true;
    h.finish({ ok: false, error: writeTimeout("COUNTER", h.cl, 0, h.need) });
  }

  private batchlogExpired(id: number, h: BatchlogHandler): void {
    this.handlers.delete(id);
    for (const cb of h.waiting.values()) this.env.dropCallback(cb);
    h.waiting.clear();
    if (h.done) return;
    h.done = true;
    // AbstractWriteResponseHandler.get: never reports as many acks as it waited for.
    h.finish({ ok: false, error: writeTimeout("BATCH_LOG", h.cl, Math.min(h.acks, h.need - 1), h.need) });
  }

  // ---- reads ----------------------------------------------------------------------------

  /**
   * Reads one partition, or one group of ranges sharing a replica set, at `cl`.
   * `readRepairChance` / `dcLocalReadRepairChance` are the table's read_repair_chance options.
   */
  read(
    command: ReadCommand,
    token: Token,
    strategy: Replication,
    cl: ConsistencyLevel,
    chances: { readonly global: number; readonly dcLocal: number },
    finish: (o: ReadOutcome) => void,
  ): void {
    const env = this.env;
    if (cl === "ANY") {
      finish({ ok: false, error: { code: ErrorCode.INVALID, message: "ANY ConsistencyLevel is only supported for writes" } });
      return;
    }
    const natural = env.ring().naturalEndpoints(token, strategy);
    const live = this.live([...natural]);
    const usable = live.filter((e) => countsFor(cl, env.dcOf(e), env.localDc));
    const missing = checkAvailable(cl, strategy, usable.map((e) => ({ dc: env.dcOf(e) })), env.localDc);
    if (missing !== undefined) {
      finish({ ok: false, error: unavailable(cl, missing.required, missing.alive) });
      return;
    }
    const need = blockFor(cl, strategy, env.localDc);
    // ReadRepairDecision: sometimes every replica (in the data center) is asked, to repair in the background.
    const roll = env.random.float();
    let targets: string[];
    if (roll < chances.global) targets = live;
    else if (roll < chances.global + chances.dcLocal) targets = live.filter((e) => env.dcOf(e) === env.localDc);
    else targets = usable.slice(0, need);
    if (roll < chances.global + chances.dcLocal) this.readRepair.attempted++;
    if (targets.length < need) targets = usable.slice(0, need);
    const id = this.nextId++;
    const h: ReadHandler = {
      kind: "read",
      command,
      cl,
      need,
      targets,
      phase: "digest",
      data: new Map(),
      digests: new Map(),
      callbacks: new Set(),
      repairAcks: 0,
      repairNeeded: 0,
      merged: [],
      finish,
    };
    this.handlers.set(id, h);
    env.timer(`rd:${id}`, command.kind === "range" ? env.rangeTimeoutMs : env.readTimeoutMs);
    targets.forEach((ep, i) => this.askRead(id, h, ep, i > 0));
  }

  private askRead(id: number, h: ReadHandler, ep: string, digestOnly: boolean): void {
    if (ep === this.env.self) {
      const data = this.env.readLocal(h.command);
      this.readAnswer(id, h, ep, { kind: "data", partitions: data }, digestOnly);
      return;
    }
    const cb = this.env.request(ep, { verb: "READ", command: h.command, digest: digestOnly }, (from, body) => {
      h.callbacks.delete(cb);
      this.readAnswer(id, h, from, body, false);
    });
    h.callbacks.add(cb);
  }

  private readAnswer(id: number, h: ReadHandler, from: string, body: ResponseBody, asDigest: boolean): void {
    if (body.kind === "data") {
      if (asDigest) h.digests.set(from, digestOf(body.partitions));
      else {
        h.data.set(from, body.partitions);
        h.digests.set(from, digestOf(body.partitions));
      }
    } else if (body.kind === "digest") {
      h.digests.set(from, body.digest);
    } else {
      return;
    }
    switch (h.phase) {
      case "digest": {
        if (h.digests.size < h.need || h.data.size === 0) return;
        const values = new Set(h.digests.values());
        if (values.size === 1) {
          h.phase = "background";
          h.finish({ ok: true, partitions: [...h.data.values()][0]! });
          this.maybeBackgroundRepair(id, h);
          return;
        }
        // Digest mismatch: full data from everyone we contacted, then repair before answering.
        this.readRepair.blocking++;
        h.phase = "repair-data";
        this.env.cancelTimer(`rd:${id}`);
        this.env.timer(`rd:${id}`, this.env.readTimeoutMs);
        for (const ep of h.targets) if (!h.data.has(ep)) this.askRead(id, h, ep, false);
        this.maybeRepair(id, h);
        return;
      }
      case "repair-data":
        this.maybeRepair(id, h);
        return;
      case "background":
        this.maybeBackgroundRepair(id, h);
        return;
      default:
        return;
    }
  }

  private maybeRepair(id: number, h: ReadHandler): void {
    if (h.phase !== "repair-data" || h.data.size < h.targets.length) return;
    const merged = resolve([...h.data.values()]);
    const want = digestOf(merged);
    h.merged = merged;
    const stale = h.targets.filter((ep) => digestOf(h.data.get(ep)!) !== want);
    h.phase = "repair-write";
    h.repairNeeded = stale.length;
    this.env.cancelTimer(`rd:${id}`);
    this.env.timer(`rd:${id}`, this.env.writeTimeoutMs);
    for (const ep of stale) this.sendRepair(ep, h.command, merged, () => {
      h.repairAcks++;
      if (h.phase === "repair-write" && h.repairAcks >= h.repairNeeded) this.readDone(id, h, { ok: true, partitions: merged });
    });
    if (stale.length === 0) this.readDone(id, h, { ok: true, partitions: merged });
  }

  /** After the client was answered: once everyone asked has answered, repair any disagreement. */
  private maybeBackgroundRepair(id: number, h: ReadHandler): void {
    if (h.digests.size < h.targets.length) return;
    this.handlers.delete(id);
    this.env.cancelTimer(`rd:${id}`);
    h.phase = "done";
    if (new Set(h.digests.values()).size === 1) return;
    this.readRepair.background++;
    // AsyncRepairCallback: fetch data from everyone and push the merge to whoever is behind.
    const answers = new Map<string, readonly Partition[]>(h.data);
    const missing = h.targets.filter((ep) => !answers.has(ep));
    const finishRepair = () => {
      const merged = resolve([...answers.values()]);
      const want = digestOf(merged);
      for (const ep of h.targets) if (digestOf(answers.get(ep)!) !== want) this.sendRepair(ep, h.command, merged, () => {});
    };
    if (missing.length === 0) {
      finishRepair();
      return;
    }
    for (const ep of missing) {
      if (ep === this.env.self) {
        answers.set(ep, this.env.readLocal(h.command));
        if (answers.size === h.targets.length) finishRepair();
        continue;
      }
      this.env.request(ep, { verb: "READ", command: h.command, digest: false }, (from, body) => {
        if (body.kind !== "data") return;
        answers.set(from, body.partitions);
        if (answers.size === h.targets.length) finishRepair();
      });
    }
  }

  /** Writes the merged partitions to a replica; `acked` once it acknowledged all of them. */
  private sendRepair(ep: string, command: ReadCommand, merged: readonly Partition[], acked: () => void): void {
    let left = merged.length;
    if (left === 0) {
      acked();
      return;
    }
    const one = () => {
      if (--left === 0) acked();
    };
    for (const p of merged) {
      const m: Mutation = { keyspace: command.keyspace, table: command.table, tableId: command.tableId, partition: p };
      if (ep === this.env.self) {
        this.env.applyLocal(m);
        one();
      } else {
        this.env.request(ep, { verb: "READ_REPAIR", mutation: m }, one);
      }
    }
  }

  private readDone(id: number, h: ReadHandler, o: ReadOutcome): void {
    this.handlers.delete(id);
    this.env.cancelTimer(`rd:${id}`);
    for (const cb of h.callbacks) this.env.dropCallback(cb);
    const wasAnswered = h.phase === "background" || h.phase === "done";
    h.phase = "done";
    if (!wasAnswered) h.finish(o);
  }

  private readExpired(id: number, h: ReadHandler): void {
    switch (h.phase) {
      case "digest":
        this.readDone(id, h, { ok: false, error: readTimeout(h.cl, h.digests.size, h.need, h.data.size > 0) });
        return;
      case "repair-data":
        this.readDone(id, h, { ok: false, error: readTimeout("ALL", h.data.size, h.targets.length, true) });
        return;
      case "repair-write":
        this.readDone(id, h, { ok: false, error: readTimeout(h.cl, h.need - 1, h.need, true) });
        return;
      default:
        this.readDone(id, h, { ok: true, partitions: [] });
    }
  }

  /** Routes `wr:<id>` and `rd:<id>` timers. */
  onTimer(key: string): boolean {
    const m = /^(wr|rd):(\d+)$/.exec(key);
    if (m === null) return false;
    const id = Number(m[2]);
    const h = this.handlers.get(id);
    if (h === undefined) return true;
    if (h.kind === "write") this.writeExpired(id, h);
    else if (h.kind === "batchlog") this.batchlogExpired(id, h);
    else if (h.kind === "counter") this.counterExpired(id, h);
    else this.readExpired(id, h);
    return true;
  }

}

