import { header, httpRequest, type HttpResult } from "@ksim/kube";
import { availability, sleep, spawn, wait, type CheckResult, type History, type Proc, type Sim, type Violation } from "@ksim/sim";
import type { ClientNet } from "../client/connection.js";

/**
 * A WordPress workload over HTTP, through the site's Service: clients create posts through the
 * REST API (POST /wp-json/wp/v2/posts), read back posts they were told exist, and load the
 * front page. Every request is an operation in the History. A create answered 201 is `ok`; one
 * that certainly wrote nothing is `fail`; time-outs, resets and REST-level 5xx (the post may or
 * may not exist) are `info`. Reads are `ok` when the site answered (found or not), else `fail`.
 * verifyPosts reads every created post at the end.
 */

export interface PostsWorkloadOptions {
  /** The site, e.g. `http://wordpress` (resolved through the client's DNS). */
  readonly url: string;
  readonly user: string;
  readonly password: string;
  readonly clients?: number;
  readonly intervalMs?: number;
  readonly durationMs: number;
  /** A deadline the caller can move (to stop the workload early); overrides durationMs. */
  readonly deadline?: { at: number };
  readonly timeoutMs?: number;
}

export interface CreateOutput {
  readonly id: number;
}

/** Kinds of operation that are HTTP requests to the site (what availability counts). */
export const HTTP_OPERATIONS = ["create", "read", "get", "verify"] as const;

function describe(r: HttpResult): string {
  if (r.ok) return `HTTP ${r.response.status}`;
  return r.reason === undefined ? r.error : `${r.error} (${r.reason})`;
}

/**
 * Whether a read got an answer about the post: 200 (there), 404 (no such post) or a redirect to
 * the installer (WordPress found its database empty: nothing is there).
 */
function answered(status: number): boolean {
  return status === 200 || status === 404 || status === 302;
}

/**
 * Whether a failed create certainly wrote nothing: the request never reached the site, or
 * WordPress could not even connect to its database. Anything else (a time-out, a reset, a 5xx
 * from the REST layer) may have left the post behind.
 */
function createCertainlyFailed(r: HttpResult): boolean {
  if (!r.ok) return r.error === "resolve" || r.error === "connect";
  return r.response.status === 500 && r.response.body.includes("Error establishing a database connection");
}

export function* postsWorkload(sim: Sim, net: ClientNet, history: History, o: PostsWorkloadOptions): Proc<void> {
  const end = o.deadline ?? { at: sim.now + o.durationMs };
  const created: number[] = [];
  const tasks = [];
  for (let c = 0; c < (o.clients ?? 2); c++) tasks.push(spawn(sim, client(sim, net, history, o, c, end, created), `posts-${c}`));
  for (const t of tasks) yield* wait(t);
}

function* client(sim: Sim, net: ClientNet, history: History, o: PostsWorkloadOptions, c: number, end: { at: number }, created: number[]): Proc<void> {
  const name = `web-${c}`;
  const ctx = { sim, net };
  const auth = `Basic ${Buffer.from(`${o.user}:${o.password}`).toString("base64")}`;
  const timeoutMs = o.timeoutMs ?? 10_000;
  const interval = o.intervalMs ?? 500;
  for (let n = 0; sim.now < end.at; n++) {
    const title = `ksim post ${c}-${n}`;
    const op = history.invoke(name, "create", { title });
    const r = yield* httpRequest(ctx, `${o.url}/wp-json/wp/v2/posts`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: auth, "User-Agent": "ksim-posts/1.0" },
      body: JSON.stringify({ title, content: `Written by client ${c} at ${sim.now} ms.`, status: "publish" }),
      timeoutMs,
    });
    if (r.ok && r.response.status === 201) {
      const id = (JSON.parse(r.response.body) as { id: number }).id;
      created.push(id);
      history.ok(op, { id } satisfies CreateOutput);
    } else if ((r.ok && r.response.status < 500) || createCertainlyFailed(r)) history.fail(op, describe(r));
    else history.info(op, describe(r));
    yield* wait(sleep(sim, interval));

    const target = created[n % Math.max(1, created.length)];
    if (target !== undefined) {
      const read = history.invoke(name, "read", { id: target });
      const g = yield* httpRequest(ctx, `${o.url}/wp-json/wp/v2/posts/${target}`, { headers: { "User-Agent": "ksim-posts/1.0" }, timeoutMs });
      if (g.ok && answered(g.response.status)) history.ok(read, { found: g.response.status === 200 });
      else history.fail(read, describe(g));
      yield* wait(sleep(sim, interval));
    }

    const home = history.invoke(name, "get", { path: "/" });
    const h = yield* httpRequest(ctx, `${o.url}/`, { headers: { "User-Agent": "ksim-posts/1.0" }, timeoutMs });
    if (h.ok && h.response.status === 200) history.ok(home, { status: 200 });
    else if (h.ok && h.response.status === 302) history.ok(home, { status: 302, location: header(h.response.headers, "Location") });
    else history.fail(home, describe(h));
    yield* wait(sleep(sim, interval));
  }
}

/**
 * Reads back every post a client was told was created, retrying each until the site answers or
 * `deadlineMs` passes.
 */
export function* verifyPosts(sim: Sim, net: ClientNet, history: History, o: Pick<PostsWorkloadOptions, "url" | "timeoutMs">, deadlineMs: number): Proc<void> {
  const end = sim.now + deadlineMs;
  const ids = history.operations.filter((op) => op.f === "create" && op.outcome === "ok").map((op) => (op.output as CreateOutput).id);
  for (const id of ids) {
    const op = history.invoke("verifier", "verify", { id });
    for (;;) {
      const r = yield* httpRequest({ sim, net }, `${o.url}/wp-json/wp/v2/posts/${id}`, { headers: { "User-Agent": "ksim-verify/1.0" }, timeoutMs: o.timeoutMs ?? 10_000 });
      if (r.ok && answered(r.response.status)) {
        history.ok(op, { found: r.response.status === 200 });
        break;
      }
      if (sim.now >= end) {
        history.info(op, describe(r));
        break;
      }
      yield* wait(sleep(sim, 1000));
    }
  }
}

/** Every post whose creation was acknowledged can be read afterwards (and is never reported missing). */
export function checkPosts(history: History): CheckResult {
  const invariant = "created posts stay readable";
  const violations: Violation[] = [];
  const acknowledged = new Map<number, number>();
  for (const op of history.operations) if (op.f === "create" && op.outcome === "ok") acknowledged.set((op.output as CreateOutput).id, op.completedAt!);
  const verified = new Set<number>();
  let unverified = 0;
  for (const op of history.operations) {
    const id = (op.input as { id?: number }).id;
    if ((op.f !== "verify" && op.f !== "read") || id === undefined || !acknowledged.has(id)) continue;
    if (op.f === "verify" && op.outcome !== "ok") unverified++;
    if (op.outcome !== "ok") continue;
    if ((op.output as { found: boolean }).found) {
      if (op.f === "verify") verified.add(id);
    } else {
      violations.push({ invariant, time: op.completedAt!, message: `post ${id}, created at ${acknowledged.get(id)} ms, was not found at ${op.completedAt} ms` });
    }
  }
  return { invariant, ok: violations.length === 0 && unverified === 0, violations, metrics: { created: acknowledged.size, verified: verified.size, unverified } };
}

export interface AvailabilityBudget {
  /** The longest stretch without a successful request the run may have. */
  readonly maxOutageMs?: number;
  /** The smallest fraction of requests that must succeed. */
  readonly minSuccess?: number;
}

/** Site downtime over [start, end]: the longest window without a successful request, and the share that failed. */
export function checkAvailability(history: History, start: number, end: number, budget: AvailabilityBudget = {}): CheckResult {
  const invariant = "site availability";
  const ops = history.operations.filter((op) => (HTTP_OPERATIONS as readonly string[]).includes(op.f) && op.invokedAt >= start && op.invokedAt <= end).map((op) => ({ ...op, f: "http" }));
  const { fraction, longestGapMs } = availability(ops, "http", start, end);
  const violations: Violation[] = [];
  if (budget.maxOutageMs !== undefined && longestGapMs > budget.maxOutageMs) {
    violations.push({ invariant, time: end, message: `the site answered nothing for ${longestGapMs} ms (budget ${budget.maxOutageMs} ms)` });
  }
  if (budget.minSuccess !== undefined && fraction < budget.minSuccess) {
    violations.push({ invariant, time: end, message: `${(fraction * 100).toFixed(1)}% of requests succeeded (budget ${(budget.minSuccess * 100).toFixed(1)}%)` });
  }
  return { invariant, ok: violations.length === 0, violations, metrics: { requests: ops.length, successFraction: fraction, longestOutageMs: longestGapMs } };
}
