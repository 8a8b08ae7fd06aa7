import { apacheAccessLogTime, apacheErrorLogTime, type ChildProcess, type Executable, formatHttp, header, type HttpRequest, httpResponse, type HttpResponse, Pipe, ProcessTasks, type ProcessContext, serveHttp, unclosable } from "@ksim/kube";
import { Future, wait, type Address, type Proc } from "@ksim/sim";
import { LineInput } from "../lines.js";
import { handleRequest } from "../wordpress/site.js";

/**
 * Apache httpd 2.4 with the prefork MPM and mod_php, as the php:apache images run it
 * (`apache2 -DFOREGROUND`): the parent (root) listens on port 80 and hands each request to an
 * idle child (www-data), which runs WordPress, database connection included, and hands the
 * response back; the parent logs it in the combined format on stdout. Children talk to the
 * parent over pipes, one request at a time, as prefork children serve one connection at a time.
 */

export const APACHE_VERSION = "Apache/2.4.56 (Debian)";
/** Marks a child started by the parent as a prefork worker. */
const CHILD_ENV = "KSIM_APACHE_CHILD";
const WWW_DATA = { uid: 33, gid: 33 };
const START_SERVERS = 5;
const MAX_REQUEST_WORKERS = 150;

interface Job {
  readonly id: number;
  readonly request: HttpRequest;
  readonly done: Future<HttpResponse>;
}

interface Worker {
  readonly child: ChildProcess;
  readonly requests: Pipe;
  busy: Job | undefined;
}

export const apache2: Executable = function* (ctx) {
  if (ctx.environ.get(CHILD_ENV) === "1") return yield* child(ctx);
  return yield* parent(ctx);
};

function* parent(ctx: ProcessContext): Proc<number> {
  const ip = ctx.net.ip ?? "127.0.0.1";
  for (let i = 0; i < 2; i++) {
    ctx.stderr.write(`AH00558: apache2: Could not reliably determine the server's fully qualified domain name, using ${ip}. Set the 'ServerName' directive globally to suppress this message\n`);
  }
  const tasks = new ProcessTasks(ctx);
  const workers: Worker[] = [];
  const queue: Job[] = [];
  let nextId = 1;
  let stopping = false;

  const dispatch = (): void => {
    while (queue.length > 0) {
      let idle = workers.find((w) => w.busy === undefined);
      if (idle === undefined && workers.length < MAX_REQUEST_WORKERS) idle = startWorker();
      if (idle === undefined) return;
      const job = queue.shift()!;
      idle.busy = job;
      idle.requests.write(`${JSON.stringify({ id: job.id, request: job.request })}\n`);
    }
  };

  const startWorker = (): Worker => {
    const requests = new Pipe();
    const responses = new Pipe();
    const env = new Map(ctx.env);
    env.set(CHILD_ENV, "1");
    const worker: Worker = {
      child: ctx.spawn(ctx.argv, { env, cred: WWW_DATA, stdin: requests, stdout: responses, stderr: unclosable(ctx.stderr) }),
      requests,
      busy: undefined,
    };
    workers.push(worker);
    tasks.spawn(
      (function* () {
        const input = new LineInput(responses);
        for (let line = yield* input.line(); line !== null; line = yield* input.line()) {
          const { id, response } = JSON.parse(line) as { id: number; response: HttpResponse };
          if (worker.busy?.id !== id) continue;
          const job = worker.busy;
          worker.busy = undefined;
          job.done.resolve(response);
          dispatch();
        }
      })(),
      "apache-child-pipe",
    );
    worker.child.exited.subscribe(() => {
      workers.splice(workers.indexOf(worker), 1);
      // A child that dies mid-request leaves its client with an error from the parent.
      worker.busy?.done.resolve(httpResponse(500, ""));
      if (!stopping && workers.length < START_SERVERS) startWorker();
      dispatch();
    });
    return worker;
  };

  const serve = (request: HttpRequest, remote: Address): Future<HttpResponse> => {
    const job: Job = { id: nextId++, request, done: new Future<HttpResponse>() };
    const result = new Future<HttpResponse>();
    job.done.subscribe((r) => {
      const headers = { Date: new Date(ctx.epochMs()).toUTCString(), Server: APACHE_VERSION, ...r.headers, "Content-Length": String(new TextEncoder().encode(r.body).length) };
      const response: HttpResponse = { ...r, headers };
      const bytes = new TextEncoder().encode(formatHttp(request.method === "HEAD" ? { ...response, body: "" } : response)).length;
      ctx.stdout.write(
        `${remote.ip} - - ${apacheAccessLogTime(ctx.epochMs())} "${request.method} ${request.path} ${request.version}" ${response.status} ${bytes} "${header(request.headers, "Referer") ?? "-"}" "${header(request.headers, "User-Agent") ?? "-"}"\n`,
      );
      ctx.sim.trace.record("wordpress.request", { host: ctx.hostname, method: request.method, path: request.path, status: response.status });
      result.resolve(response);
    });
    queue.push(job);
    dispatch();
    return result;
  };

  serveHttp(ctx.net, 80, serve);
  for (let i = 0; i < START_SERVERS; i++) startWorker();
  ctx.stderr.write(`${apacheErrorLogTime(ctx.epochMs())} [mpm_prefork:notice] [pid ${ctx.pid}] AH00163: ${APACHE_VERSION} PHP/8.0.28 configured -- resuming normal operations\n`);
  ctx.stderr.write(`${apacheErrorLogTime(ctx.epochMs())} [core:notice] [pid ${ctx.pid}] AH00094: Command line: 'apache2 -D FOREGROUND'\n`);
  ctx.sim.trace.record("wordpress.start", { host: ctx.hostname });
  ctx.onSignal((signal) => {
    if (signal !== "SIGTERM" && signal !== "SIGINT") return;
    stopping = true;
    ctx.stderr.write(`${apacheErrorLogTime(ctx.epochMs())} [mpm_prefork:notice] [pid ${ctx.pid}] AH00169: caught SIGTERM, shutting down\n`);
    for (const w of [...workers]) ctx.kill(w.child.pid, "SIGTERM");
    ctx.exit(0);
  });
  return yield* wait(ctx.exited);
}

/** A prefork child: serves the requests its parent writes to it, one at a time. */
function* child(ctx: ProcessContext): Proc<number> {
  const site = {
    sim: ctx.sim,
    net: ctx.net,
    fs: ctx.fs,
    random: ctx.random,
    env: ctx.env,
    trace: (type: string, data: Record<string, unknown>) => ctx.sim.trace.record(`wordpress.${type}`, { host: ctx.hostname, ...data }),
  };
  const input = new LineInput(ctx.stdin);
  for (let line = yield* input.line(); line !== null; line = yield* input.line()) {
    const job = JSON.parse(line) as { id: number; request: HttpRequest };
    const response = yield* handleRequest(site, job.request);
    ctx.stdout.write(`${JSON.stringify({ id: job.id, response })}\n`);
  }
  return 0;
}

/**
 * apache2-foreground (the php:apache images' CMD): clears a stale pid file left by a previous
 * run of the container, then becomes `apache2 -DFOREGROUND`.
 */
export const apache2Foreground: Executable = function* (ctx) {
  const runDir = ctx.environ.get("APACHE_RUN_DIR") ?? "/var/run/apache2";
  const pidFile = ctx.environ.get("APACHE_PID_FILE") ?? `${runDir}/apache2.pid`;
  if (ctx.fs.exists(pidFile)) ctx.fs.unlink(pidFile);
  ctx.fs.mkdir(runDir, { recursive: true });
  return yield* ctx.exec(["apache2", "-DFOREGROUND", ...ctx.argv.slice(1)]);
};
