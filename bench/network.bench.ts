import { Network, Random, Sim, type Connection } from "@ksim/sim";
import { compare, fmtRate, type Bench } from "./harness.js";

const HOSTS = 100;
const PEERS = 10;
const MESSAGES_PER_CONN = 200;
const TOTAL = HOSTS * PEERS * MESSAGES_PER_CONN;

/** Which peer each connection goes to and when each message is sent, drawn once for both sides. */
function plan(): { peers: Int32Array; gaps: Int32Array } {
  const r = Random.fromSeed("bench-network");
  const peers = new Int32Array(HOSTS * PEERS);
  for (let h = 0; h < HOSTS; h++) {
    for (let p = 0; p < PEERS; p++) peers[h * PEERS + p] = (h + 1 + r.int(0, HOSTS - 2)) % HOSTS;
  }
  const gaps = new Int32Array(TOTAL);
  for (let i = 0; i < TOTAL; i++) gaps[i] = r.int(1, 20);
  return { peers, gaps };
}

function runNetwork({ peers, gaps }: ReturnType<typeof plan>): void {
  const sim = new Sim({ seed: 1 });
  const net = new Network(sim, { latency: (a, b) => (a === b ? 0 : 1 + ((a.id * 7 + b.id) % 5)) });
  const hosts = Array.from({ length: HOSTS }, (_, i) => net.addHost(`h${i}`, `10.0.${i >> 8}.${i & 255}`));
  let delivered = 0;
  for (const h of hosts) {
    h.listen(7000, (conn) => {
      conn.onData = () => {
        delivered++;
      };
    });
  }
  let k = 0;
  for (let c = 0; c < HOSTS * PEERS; c++) {
    const from = hosts[Math.floor(c / PEERS)]!;
    const conn: Connection = from.connect(hosts[peers[c]!]!.ip!, 7000);
    let left = MESSAGES_PER_CONN;
    const send = () => {
      conn.send(left);
      if (--left > 0) sim.schedule(gaps[k++ % TOTAL]!, send);
    };
    conn.onOpen = send;
  }
  sim.runUntilIdle();
  if (delivered !== TOTAL) throw new Error(`delivered ${delivered} of ${TOTAL}`);
}

interface Ev {
  time: number;
  seq: number;
  kind: number; // 0 = send on connection `id`, 1 = deliver
  id: number;
}

/** The baseline: sends and deliveries as bare heap events, no connection machinery. */
function runBare({ peers, gaps }: ReturnType<typeof plan>): void {
  const heap: Ev[] = [];
  let seq = 0;
  const less = (a: Ev, b: Ev) => a.time < b.time || (a.time === b.time && a.seq < b.seq);
  const push = (e: Ev) => {
    let i = heap.length;
    heap.push(e);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(e, heap[p]!)) break;
      heap[i] = heap[p]!;
      i = p;
    }
    heap[i] = e;
  };
  const pop = (): Ev => {
    const top = heap[0]!;
    const last = heap.pop()!;
    const n = heap.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && less(heap[r]!, heap[l]!) ? r : l;
        if (!less(heap[c]!, last)) break;
        heap[i] = heap[c]!;
        i = c;
      }
      heap[i] = last;
    }
    return top;
  };
  const left = new Int32Array(HOSTS * PEERS).fill(MESSAGES_PER_CONN);
  let delivered = 0;
  let k = 0;
  for (let c = 0; c < HOSTS * PEERS; c++) push({ time: 2, seq: seq++, kind: 0, id: c });
  while (heap.length > 0) {
    const e = pop();
    if (e.kind === 1) {
      delivered++;
      continue;
    }
    const a = Math.floor(e.id / PEERS) + 1;
    const b = peers[e.id]! + 1;
    push({ time: e.time + 1 + ((a * 7 + b) % 5), seq: seq++, kind: 1, id: e.id });
    if (--left[e.id]! > 0) push({ time: e.time + gaps[k++ % TOTAL]!, seq: seq++, kind: 0, id: e.id });
  }
  if (delivered !== TOTAL) throw new Error(`baseline delivered ${delivered}`);
}

export const networkBench: Bench = {
  name: "network",
  run() {
    const p = plan();
    const t = compare(3, () => runNetwork(p), () => runBare(p));
    const messagesPerSec = TOTAL / t.ours;
    const baselineMessagesPerSec = TOTAL / t.baseline;
    const ratio = messagesPerSec / baselineMessagesPerSec;
    return {
      text:
        `network: ${HOSTS} hosts, ${HOSTS * PEERS} connections, ${TOTAL} messages\n` +
        `  ksim network    ${fmtRate(messagesPerSec)} messages delivered\n` +
        `  bare heap loop  ${fmtRate(baselineMessagesPerSec)}\n` +
        `  ratio           ${ratio.toFixed(2)} (network / baseline)`,
      json: { name: "network", messagesPerSec: Math.round(messagesPerSec), baselineMessagesPerSec: Math.round(baselineMessagesPerSec), ratio: Number(ratio.toFixed(3)) },
    };
  },
};
