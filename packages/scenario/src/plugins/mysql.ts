import { History, spawn, wait, type Proc } from "@ksim/sim";
import { checkAvailability, checkInserts, checkPosts, hostNet, insertWorkload, postsWorkload, readInserts, verifyPosts } from "@ksim/mysql";
import { numberParam, stringParam, workloadParam, type CheckPlugin, type PluginRegistry, type Workload, type WorkloadContext, type WorkloadPlugin } from "../plugins.js";

const FOREVER = Number.MAX_SAFE_INTEGER / 2;

/** How long the final read-back may take. */
const READ_BACK_MS = 300_000;

type ClientNet = ReturnType<typeof hostNet>;
type Deadline = { at: number };

/**
 * A workload of clients from the workstation that runs until its stop step (or `durationMs`),
 * then reads back what it wrote: `run` and `readBack` get the network, history and deadline.
 */
function clientWorkload(
  ctx: WorkloadContext,
  params: Readonly<Record<string, unknown>>,
  name: string,
  run: (net: ClientNet, history: History, deadline: Deadline) => Proc<void>,
  readBack: (net: ClientNet, history: History) => Proc<void>,
): Workload {
  const history = new History(ctx.sim);
  const net = hostNet(ctx.client, (n) => ctx.resolve(n));
  const deadline = { at: ctx.sim.now + numberParam(params, "durationMs", FOREVER) };
  const task = spawn(ctx.sim, run(net, history, deadline), name);
  return {
    history,
    stop: () => {
      deadline.at = Math.min(deadline.at, ctx.sim.now);
    },
    *finish(): Proc<void> {
      yield* wait(task);
      yield* readBack(net, history);
    },
  };
}

const inserts: WorkloadPlugin = {
  type: "mysql-inserts",
  durabilityCheck: "mysql.acknowledged-commits",
  description: "clients inserting numbered rows in transactions; a final read records what survived",
  start(ctx, params) {
    const options = {
      host: stringParam(params, "host", "wordpress-mysql"),
      user: stringParam(params, "user", "root"),
      password: stringParam(params, "password"),
      database: stringParam(params, "database", "wordpress"),
      clients: numberParam(params, "clients", 2),
      intervalMs: numberParam(params, "intervalMs", 200),
      durationMs: 0,
    };
    return clientWorkload(
      ctx,
      params,
      "mysql-inserts",
      (net, history, deadline) => insertWorkload(ctx.sim, net, history, { ...options, deadline }),
      (net, history) => readInserts(ctx.sim, net, history, options, READ_BACK_MS),
    );
  },
};

const posts: WorkloadPlugin = {
  type: "wordpress-posts",
  durabilityCheck: "wordpress.posts-survive",
  description: "clients creating and reading posts over WordPress's REST API; every post is read back at the end",
  start(ctx, params) {
    const options = {
      url: stringParam(params, "url", "http://wordpress"),
      user: stringParam(params, "user", "admin"),
      password: stringParam(params, "password"),
      clients: numberParam(params, "clients", 2),
      intervalMs: numberParam(params, "intervalMs", 500),
      durationMs: 0,
    };
    return clientWorkload(
      ctx,
      params,
      "wordpress-posts",
      (net, history, deadline) => postsWorkload(ctx.sim, net, history, { ...options, deadline }),
      (net, history) => verifyPosts(ctx.sim, net, history, options, READ_BACK_MS),
    );
  },
};

const checks: CheckPlugin[] = [
  {
    type: "mysql.acknowledged-commits",
    description: "every transaction whose COMMIT was acknowledged is in the table at the end",
    check: (ctx, params) => checkInserts(workloadParam(ctx, params).history),
  },
  {
    type: "wordpress.posts-survive",
    description: "every post whose creation was acknowledged can be read at the end",
    check: (ctx, params) => checkPosts(workloadParam(ctx, params).history),
  },
  {
    type: "wordpress.availability",
    description: "the site's downtime: longest window without a successful request, share of requests that failed",
    check(ctx, params) {
      const budget: { maxOutageMs?: number; minSuccess?: number } = {};
      if (params.maxOutageMs !== undefined) budget.maxOutageMs = numberParam(params, "maxOutageMs");
      if (params.minSuccess !== undefined) budget.minSuccess = numberParam(params, "minSuccess");
      const run = workloadParam(ctx, params);
      return checkAvailability(run.history, run.start, run.end, budget);
    },
  },
];

export function registerMySqlPlugins(registry: PluginRegistry): void {
  registry.addWorkload(inserts);
  registry.addWorkload(posts);
  for (const c of checks) registry.addCheck(c);
}
