import type { Partition } from "./data.js";
import type { LogEvent } from "./log.js";
import type { StreamStateView, StreamSummaryView } from "./admin.js";
import type { Payload, ResponseBody, StreamDescription, StreamItem } from "./messages.js";
import { inRange } from "./messages.js";
import { prettyPrintMemory } from "./java-format.js";
import { encode } from "./records.js";
import type { StorageEngine } from "./storage.js";

/**
 * Streaming (streaming/*, 3.x) for bootstrap, decommission and repair: the sender flushes the tables
 * involved, then ships each table's partitions in the requested token ranges as one chunk,
 * paced at the stream throughput (stream_throughput_outbound, 200 Mbit/s, or what
 * `nodetool setstreamthroughput` set; 0 is unthrottled); the receiver writes every chunk straight
 * into a new SSTable. A session fails if its peer is convicted.
 */


export interface StreamEnv {
  readonly self: string;
  readonly storage: StorageEngine;
  log(e: LogEvent): void;
  request(to: string, payload: Payload, onResponse: (from: string, body: ResponseBody) => void, timeoutMs: number, onExpire?: () => void): number;
  respond(to: string, id: number, body: ResponseBody): void;
  timer(key: string, ms: number): void;
  /** The outbound stream throughput now, in megabits per second; 0 means unthrottled. */
  streamThroughputMbits(): number;
}

interface Outgoing {
  readonly peer: string;
  readonly session: string;
  readonly description: StreamDescription;
  readonly chunks: { tableId: string; partitions: Partition[]; bytes: number }[];
  next: number;
  readonly done: (ok: boolean) => void;
  failed: boolean;
}

/** A session waiting for a source to finish sending. */
interface Incoming {
  readonly peer: string;
  readonly session: string;
  readonly description: StreamDescription;
  readonly done: (ok: boolean) => void;
  callback: number;
}

export class Streaming {
  private readonly outgoing = new Map<string, Outgoing>();
  private readonly incoming = new Map<string, Incoming>();

  constructor(private readonly env: StreamEnv) {}

  private info(message: string, thread = "STREAM-IN-/" + this.env.self): void {
    this.env.log({ level: "INFO", thread, site: "StreamResultFuture.java:187", message });
  }

  /** The partitions of each item's table that fall in its ranges, after flushing the table. */
  private collect(items: readonly StreamItem[]): { tableId: string; partitions: Partition[]; bytes: number }[] {
    const out: { tableId: string; partitions: Partition[]; bytes: number }[] = [];
    for (const item of items) {
      const t = this.env.storage.table(item.tableId);
      if (t === undefined) continue;
      this.env.storage.flush(t, "StreamReceiveTask:1");
      const partitions: Partition[] = [];
      for (const k of t.keys()) {
        const token = t.tokens.get(k)!;
        if (item.ranges.some((r) => inRange(token, r))) partitions.push(t.read(k)!);
      }
      if (partitions.length === 0) continue;
      out.push({ tableId: item.tableId, partitions, bytes: encode(partitions).length });
    }
    return out;
  }

  /** Sends the data for `items` to `peer` (decommission's unbootstrap, or a bootstrap request we serve). */
  push(peer: string, session: string, description: StreamDescription, items: readonly StreamItem[], done: (ok: boolean) => void): void {
    const chunks = this.collect(items);
    const total = chunks.reduce((n, c) => n + c.bytes, 0);
    this.info(
      `[Stream #${session} ID#0] Prepare completed. Receiving 0 files(0.000KiB), sending ${chunks.length} files(${prettyPrintMemory(total)})`,
      `STREAM-OUT-/${peer}`,
    );
    const o: Outgoing = { peer, session, description, chunks, next: 0, done, failed: false };
    this.outgoing.set(session, o);
    this.sendNext(o);
  }

  private sendNext(o: Outgoing): void {
    if (o.failed) return;
    const chunk = o.chunks[o.next];
    if (chunk === undefined) {
      this.outgoing.delete(o.session);
      this.info(`[Stream #${o.session}] Session with /${o.peer} is complete`, `STREAM-IN-/${o.peer}`);
      o.done(true);
      return;
    }
    // Pace the transfer at the outbound throughput before the chunk is delivered.
    const mbits = this.env.streamThroughputMbits();
    this.env.timer(`stream:${o.session}:${o.next}`, mbits === 0 ? 0 : Math.ceil(chunk.bytes / ((mbits * 1_000_000) / 8 / 1000)));
  }

  /** Routes `stream:<session>:<n>` timers. */
  onTimer(key: string): boolean {
    const m = /^stream:(.+):(\d+)$/.exec(key);
    if (m === null) return false;
    const o = this.outgoing.get(m[1]!);
    if (o === undefined || o.failed) return true;
    const chunk = o.chunks[Number(m[2])]!;
    this.env.request(
      o.peer,
      { verb: "STREAM_DATA", session: o.session, tableId: chunk.tableId, partitions: chunk.partitions, bytes: chunk.bytes },
      () => {
        o.next++;
        this.sendNext(o);
      },
      86_400_000,
    );
    return true;
  }

  /** Asks `source` for `items` (bootstrap pulls; repair pulls the ranges out of sync). */
  fetch(source: string, session: string, description: StreamDescription, items: readonly StreamItem[], done: (ok: boolean) => void): void {
    const inc: Incoming = { peer: source, session, description, done, callback: 0 };
    this.incoming.set(`${session}/${source}`, inc);
    this.info(`[Stream #${session}] Starting streaming to /${source}`, "main");
    inc.callback = this.env.request(
      source,
      { verb: "STREAM_REQUEST", session, description, items },
      (_from, body) => {
        if (!this.incoming.delete(`${session}/${source}`)) return;
        if (body.kind === "ack") this.info(`[Stream #${session}] Session with /${source} is complete`, `STREAM-IN-/${source}`);
        done(body.kind === "ack");
      },
      86_400_000,
    );
  }

  /** A peer asks us to stream to it. */
  onRequest(from: string, id: number, session: string, description: StreamDescription, items: readonly StreamItem[]): void {
    this.info(`[Stream #${session}, ID#0] Received streaming plan for ${description}`, `STREAM-IN-/${from}`);
    this.push(from, session, description, items, (ok) => this.env.respond(from, id, ok ? { kind: "ack" } : { kind: "failure" }));
  }

  /**
   * StreamManager.getCurrentStreams: the plans under way, each with its sessions by peer. A
   * sending session knows its files (one per table here) and how far it has got; a receiving one
   * is listed by its peer alone, without the summaries a PREPARE message would have brought.
   */
  states(): StreamStateView[] {
    const plans = new Map<string, { description: StreamDescription; sessions: Map<string, { sending?: StreamSummaryView }> }>();
    const sessionOf = (plan: string, description: StreamDescription, peer: string) => {
      let p = plans.get(plan);
      if (p === undefined) plans.set(plan, (p = { description, sessions: new Map() }));
      let s = p.sessions.get(peer);
      if (s === undefined) p.sessions.set(peer, (s = {}));
      return s;
    };
    for (const inc of this.incoming.values()) sessionOf(inc.session, inc.description, inc.peer);
    for (const o of this.outgoing.values()) {
      const s = sessionOf(o.session, o.description, o.peer);
      if (o.chunks.length === 0) continue;
      let sentBytes = 0;
      for (let i = 0; i < o.next; i++) sentBytes += o.chunks[i]!.bytes;
      s.sending = { files: o.chunks.length, bytes: o.chunks.reduce((n, c) => n + c.bytes, 0), doneFiles: o.next, doneBytes: sentBytes };
    }
    return [...plans].map(([planId, p]) => ({ description: p.description, planId, sessions: [...p.sessions].map(([peer, s]) => ({ peer, ...s })) }));
  }

  /** A chunk arrived: write it as an SSTable and acknowledge. */
  onData(from: string, id: number, tableId: string, partitions: readonly Partition[]): void {
    this.env.storage.ingest(tableId, partitions);
    this.env.respond(from, id, { kind: "ack" });
  }

  /** The failure detector convicted `peer`: its sessions fail. */
  peerDown(peer: string): void {
    for (const [k, inc] of [...this.incoming]) {
      if (inc.peer !== peer) continue;
      this.incoming.delete(k);
      this.env.log({ level: "WARN", thread: "GossipTasks:1", site: "StreamResultFuture.java:195", message: `[Stream #${inc.session}] Stream failed` });
      inc.done(false);
    }
    for (const [k, o] of [...this.outgoing]) {
      if (o.peer !== peer) continue;
      this.outgoing.delete(k);
      o.failed = true;
      o.done(false);
    }
  }
}
