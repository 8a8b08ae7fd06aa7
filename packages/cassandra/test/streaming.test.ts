import { describe, expect, it } from "vitest";
import type { Mutation } from "../src/core/data.js";
import type { Payload, ResponseBody, StreamItem } from "../src/core/messages.js";
import { StorageEngine, type DiskIO } from "../src/core/storage.js";
import { Streaming } from "../src/core/streaming.js";
import { MIN_TOKEN, tokenOf } from "../src/core/token.js";
import { keyString, serialize } from "../src/core/types.js";

/** The streams a node reports to nodetool netstats while they run: plans, sessions by peer, progress. */

const noDisk: DiskIO = { append() {}, write() {}, fsync() {}, remove() {}, link() {}, mkdir() {} };
const TABLES = [
  { keyspace: "ks", table: "a", tableId: "00000000-0000-4000-8000-00000000000a" },
  { keyspace: "ks", table: "b", tableId: "00000000-0000-4000-8000-00000000000b" },
];

function node(mbits = 200) {
  const storage = new StorageEngine("/data", "/commitlog", noDisk, { log() {} });
  for (const t of TABLES) {
    storage.ensureTable({ ...t, durableWrites: true, tokenOf: (k) => tokenOf(serialize("int", k[0]!)) });
    for (let k = 0; k < 5; k++) {
      const m: Mutation = { ...t, partition: { key: [k], rows: { [keyString([])]: { ck: [], marker: 1, cells: { v: { v: k, ts: 1 } } } } } };
      storage.apply(m, 0);
    }
  }
  const requests: { to: string; payload: Payload; answer: (body: ResponseBody) => void }[] = [];
  const timers: number[] = [];
  const streaming = new Streaming({
    self: "10.0.0.1",
    storage,
    log() {},
    request: (to, payload, onResponse) => {
      requests.push({ to, payload, answer: (body) => onResponse(to, body) });
      return requests.length;
    },
    respond() {},
    timer: (_key, ms) => void timers.push(ms),
    streamThroughputMbits: () => mbits,
  });
  return { streaming, requests, timers };
}

const everything = (t: (typeof TABLES)[number]): StreamItem => ({ ...t, ranges: [[MIN_TOKEN, MIN_TOKEN]] });

describe("Streaming's current streams", () => {
  it("lists a sending session with its files and bytes, counting files as each is acknowledged", () => {
    const { streaming, requests } = node();
    let done: boolean | undefined;
    streaming.push("10.0.0.2", "plan-1", "Unbootstrap", TABLES.map(everything), (ok) => (done = ok));
    const [state] = streaming.states();
    expect(state).toMatchObject({ description: "Unbootstrap", planId: "plan-1", sessions: [{ peer: "10.0.0.2", sending: { files: 2, doneFiles: 0, doneBytes: 0 } }] });
    const total = state!.sessions[0]!.sending!.bytes;
    expect(total).toBeGreaterThan(0);

    streaming.onTimer("stream:plan-1:0");
    const first = requests[0]!;
    expect(first.payload.verb).toBe("STREAM_DATA");
    first.answer({ kind: "ack" });
    const sent = (first.payload as { bytes: number }).bytes;
    expect(streaming.states()[0]!.sessions[0]!.sending).toEqual({ files: 2, bytes: total, doneFiles: 1, doneBytes: sent });

    streaming.onTimer("stream:plan-1:1");
    requests[1]!.answer({ kind: "ack" });
    expect(done).toBe(true);
    expect(streaming.states()).toEqual([]);
  });

  it("lists a receiving session by its peer alone, under the plan's description, until it completes or the peer is convicted", () => {
    const { streaming, requests } = node();
    let done: boolean | undefined;
    streaming.fetch("10.0.0.3", "plan-2", "Bootstrap", [everything(TABLES[0]!)], (ok) => (done = ok));
    expect(streaming.states()).toEqual([{ description: "Bootstrap", planId: "plan-2", sessions: [{ peer: "10.0.0.3" }] }]);
    streaming.peerDown("10.0.0.3");
    expect(done).toBe(false);
    expect(streaming.states()).toEqual([]);
    expect(requests[0]!.payload.verb).toBe("STREAM_REQUEST");
  });

  it("paces each file at the stream throughput nodetool sets, 0 sending at once", () => {
    const paced = node(8);
    paced.streaming.push("10.0.0.2", "plan-3", "Unbootstrap", [everything(TABLES[0]!)], () => {});
    const bytes = paced.streaming.states()[0]!.sessions[0]!.sending!.bytes;
    // 8 Mbit/s is 1,000 bytes a millisecond.
    expect(paced.timers).toEqual([Math.ceil(bytes / 1_000)]);
    const unthrottled = node(0);
    unthrottled.streaming.push("10.0.0.2", "plan-4", "Unbootstrap", [everything(TABLES[0]!)], () => {});
    expect(unthrottled.timers).toEqual([0]);
  });
});
