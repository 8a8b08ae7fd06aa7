import { Future, wait, type Proc } from "@ksim/sim";
import { resolveHost } from "../runtime/http.js";
import type { ProcessContext } from "../runtime/process.js";
import { BusyboxDie, busyboxUsage, xstrtou } from "./libbb.js";

/**
 * busybox 1.28's ping (FEATURE_FANCY_PING, as the docker image builds it) over the simulated
 * network's ICMP echo: one request a second, a line per reply with the TTL it arrived with (each
 * node that forwards it takes one off 64) and the round trip, and the statistics at the end, on
 * Ctrl-C, or once -c replies are in. A cut link, a lost packet, a host that is down or a
 * Service's virtual IP (kube-proxy translates TCP and UDP only) answers nothing.
 */


/** getopt32's "qvAc:+s:t:+w:+W:+I:np:46": the letters that take a value. */
const WITH_VALUE = new Set(["c", "s", "t", "w", "W", "I", "p"]);
const FLAGS = new Set(["q", "v", "A", "n", "4", "6"]);
const INT_MAX = 2147483647n;
/** MAXWAIT: how long -c waits for a first reply after its last request. */
const DEFAULT_WAIT_S = 10;
const INTERVAL_MS = 1000;

interface PingOptions {
  readonly flags: ReadonlySet<string>;
  readonly quiet: boolean;
  readonly count: number;
  readonly dataBytes: number;
  readonly ttl: number | undefined;
  readonly deadlineS: number;
  readonly waitS: number;
  readonly source: string | undefined;
  readonly host: string;
}

type Parsed = PingOptions | { readonly usage: string | undefined; readonly status: number };

function parse(args: readonly string[]): Parsed {
  const flags = new Set<string>();
  const values = new Map<string, string>();
  const operands: string[] = [];
  let quiet = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (!a.startsWith("-") || a === "-") {
      operands.push(a);
      continue;
    }
    for (let k = 1; k < a.length; k++) {
      const letter = a[k]!;
      if (WITH_VALUE.has(letter)) {
        const v = k + 1 < a.length ? a.slice(k + 1) : args[++i];
        if (v === undefined) return { usage: `option requires an argument -- '${letter}'`, status: 1 };
        values.set(letter, v);
        break;
      }
      if (!FLAGS.has(letter)) return { usage: `invalid option -- '${letter}'`, status: 1 };
      flags.add(letter);
      // "q--v:v--q": the later of the two wins.
      if (letter === "q") quiet = true;
      if (letter === "v") quiet = false;
    }
  }
  if (operands.length !== 1) return { usage: undefined, status: 1 };
  const positive = (letter: string, fallback: number): number => {
    const v = values.get(letter);
    return v === undefined ? fallback : Number(xstrtou(v, 10, 0n, INT_MAX));
  };
  const pattern = values.get("p");
  if (pattern !== undefined) {
    const digits = pattern.replace(/^0[xX](?=[0-9a-fA-F])/, "");
    if (!/^[0-9a-fA-F]+$/.test(digits)) throw new BusyboxDie(`invalid number '${pattern}'`);
    if (BigInt(`0x${digits}`) > 255n) throw new BusyboxDie(`number ${pattern} is not in 0..255 range`);
  }
  const size = values.get("s");
  return {
    flags,
    quiet,
    count: positive("c", 0),
    dataBytes: size === undefined ? 56 : Number(xstrtou(size, 10, 0n, 65535n)),
    ttl: values.has("t") ? positive("t", 64) : undefined,
    deadlineS: positive("w", 0),
    waitS: positive("W", DEFAULT_WAIT_S),
    source: values.get("I"),
    host: operands[0]!,
  };
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** `%u.%03u` of a time in microseconds. */
function millis(us: number): string {
  return `${Math.floor(us / 1000)}.${String(us % 1000).padStart(3, "0")}`;
}

export function* ping(ctx: ProcessContext): Proc<number> {
  const args = ctx.argv.slice(1);
  let o: Parsed;
  try {
    o = parse(args);
  } catch (e) {
    if (!(e instanceof BusyboxDie)) throw e;
    ctx.stderr.write(`ping: ${e.message}\n`);
    return 1;
  }
  if ("usage" in o) {
    if (o.usage !== undefined) ctx.stderr.write(`ping: ${o.usage}\n`);
    return busyboxUsage(ctx, "ping", o.status);
  }
  // str2sockaddr drops a ":port"; the cluster has IPv4 addresses only.
  const name = o.host.replace(/:\d*$/, "");
  const ip = o.flags.has("6") ? undefined : resolveHost(ctx.net, name);
  if (ip === undefined) {
    ctx.stderr.write(`ping: bad address '${o.host}'\n`);
    return 1;
  }
  const source = o.source;
  if (source !== undefined && !IPV4.test(source) && source !== "eth0" && source !== "lo") {
    ctx.stderr.write(`ping: bad address '${source}'\n`);
    return 1;
  }
  ctx.stdout.write(`PING ${o.host} (${ip})${source !== undefined && IPV4.test(source) ? ` from ${source}` : ""}: ${o.dataBytes} data bytes\n`);
  if (ctx.cred.uid !== 0) {
    // A raw socket needs CAP_NET_RAW, which only root has in a container.
    ctx.stderr.write("ping: permission denied (are you root?)\n");
    return 1;
  }
  if (source !== undefined && IPV4.test(source) && source !== ctx.net.ip && !source.startsWith("127.")) {
    ctx.stderr.write("ping: can't set multicast source interface\n");
    return 1;
  }

  const timed = o.dataBytes >= 4;
  const startedAt = ctx.sim.now;
  let transmitted = 0;
  let received = 0;
  let tmin = Infinity;
  let tmax = 0;
  let tsum = 0;
  let sendTimer: ReturnType<ProcessContext["timer"]> | undefined;
  const finished = new Future<number>();

  const finish = (): void => {
    if (finished.settled) return;
    ctx.cancelTimer(sendTimer);
    const loss = transmitted === 0 ? 0 : Math.floor(((transmitted - received) * 100) / transmitted);
    let out = `\n--- ${o.host} ping statistics ---\n${transmitted} packets transmitted, ${received} packets received, ${loss}% packet loss\n`;
    if (tmin !== Infinity) out += `round-trip min/avg/max = ${millis(tmin)}/${millis(Math.floor(tsum / received))}/${millis(tmax)} ms\n`;
    ctx.stdout.write(out);
    finished.resolve(received === 0 || (o.deadlineS > 0 && received < o.count) ? 1 : 0);
  };

  const send = (): void => {
    sendTimer = undefined;
    const seq = transmitted++;
    // 1.28 checks the deadline after counting the request, so the one it stops at counts as sent.
    if (o.deadlineS > 0 && ctx.sim.now - startedAt >= o.deadlineS * 1000) {
      finish();
      return;
    }
    const sentAt = ctx.sim.now;
    ctx.net.echo(ip, o.ttl ?? 64, (ttl) => reply(seq, sentAt, ttl));
    if (o.count === 0 || transmitted < o.count) sendTimer = ctx.timer(INTERVAL_MS, send);
    else {
      // The last request: wait -W seconds for a first reply, or twice the slowest round trip.
      const expireS = received > 0 ? Math.max(1, Math.floor((tmax * 2) / 1_048_576)) : o.waitS;
      // alarm(0) sets no alarm: only ^C ends it.
      if (expireS > 0) sendTimer = ctx.timer(expireS * 1000, finish);
    }
  };

  const reply = (seq: number, sentAt: number, ttl: number): void => {
    if (finished.settled) return;
    received++;
    const us = Math.round((ctx.sim.now - sentAt) * 1000);
    if (timed) {
      tmin = Math.min(tmin, us);
      tmax = Math.max(tmax, us);
      tsum += us;
    }
    if (!o.quiet) ctx.stdout.write(`${o.dataBytes + 8} bytes from ${ip}: seq=${seq} ttl=${ttl}${timed ? ` time=${millis(us)} ms` : ""}\n`);
    if (o.count > 0 && received >= o.count) {
      finish();
      return;
    }
    if (o.flags.has("A") && sendTimer !== undefined && (o.count === 0 || transmitted < o.count)) {
      ctx.cancelTimer(sendTimer);
      send();
    }
  };

  ctx.onSignal(() => finish(), ["SIGINT"]);
  send();
  return yield* wait(finished);
}
