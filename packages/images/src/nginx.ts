import { FsError, wait, type Address, type Listener, type Proc } from "@ksim/sim";
import {
  debianBase,
  formatDate,
  KERNEL_RELEASE,
  header,
  httpResponse,
  REASONS,
  ImageLayer,
  serveHttp,
  unclosable,
  type ChildProcess,
  type HttpRequest,
  type HttpResponse,
  type ImageDefinition,
  type ImageFileSpec,
  type ProcessContext,
  type Signal,
} from "@ksim/kube";

/**
 * nginx as two images build it: nginx-slim (registry.k8s.io/nginx-slim:0.8 and friends, the
 * StatefulSet tutorial's web server) and the official image (nginx-official.ts). A master
 * process and one worker, serving /usr/share/nginx/html on port 80 with nginx's own error pages
 * and headers, logging requests to stdout. SIGQUIT stops gracefully, SIGTERM and SIGINT at once,
 * SIGHUP starts a new worker.
 */

/** What differs between the nginx builds the images ship. */
export interface NginxBuild {
  readonly version: string;
  /** nginx.conf's `user`, whom the workers run as. */
  readonly worker: { readonly uid: number; readonly gid: number };
  /**
   * `error_log … notice`: the master and workers log starting, signals and exits. Then the
   * compiler line of the start-up notices (nginx -V's "built by").
   */
  readonly notices?: { readonly builtBy: string };
  /** Error pages of nginx before 1.19 had `<body bgcolor="white">`. */
  readonly whiteErrorPages: boolean;
  /** The official image's `main` log format: combined, then "$http_x_forwarded_for". */
  readonly forwardedFor: boolean;
}

export const NGINX_SLIM_BUILD: NginxBuild = { version: "1.11.1", worker: { uid: 33, gid: 33 }, whiteErrorPages: true, forwardedFor: false };

const ROOT = "/usr/share/nginx/html";
const BINARY = "/usr/sbin/nginx";
const PID_FILE = "/var/run/nginx.pid";
/** Marks the child the master starts as its worker. */
const WORKER_ENV = "KSIM_NGINX_WORKER";

const DEFAULT_INDEX = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
    body {
        width: 35em;
        margin: 0 auto;
        font-family: Tahoma, Verdana, Arial, sans-serif;
    }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`;

const NGINX_CONF = `user www-data;
worker_processes 1;
pid ${PID_FILE};

events {
    worker_connections 1024;
}

http {
    include       /etc/nginx/mime.types;
    default_type  application/octet-stream;
    access_log /dev/stdout;
    error_log /dev/stderr;
    sendfile        on;
    keepalive_timeout  65;

    server {
        listen       80;
        server_name  localhost;
        location / {
            root   ${ROOT};
            index  index.html index.htm;
        }
    }
}
`;

const MIME: Readonly<Record<string, string>> = {
  html: "text/html",
  htm: "text/html",
  txt: "text/plain",
  css: "text/css",
  js: "application/javascript",
  json: "application/json",
  xml: "text/xml",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  svg: "image/svg+xml",
  ico: "image/x-icon",
};

/**
 * What both images lay out around nginx: mime.types (for the types the model serves), the logs
 * linked to the container's stdout and stderr, the cache and pid directories.
 */
export function nginxRuntimeFiles(): Record<string, ImageFileSpec> {
  return {
    "/etc/nginx/mime.types": Object.entries(MIME).map(([ext, type]) => `    ${type} ${ext};`).join("\n") + "\n",
    "/var/log/nginx": { dir: true },
    "/var/log/nginx/access.log": { symlink: "/dev/stdout" },
    "/var/log/nginx/error.log": { symlink: "/dev/stderr" },
    "/var/cache/nginx": { dir: true },
    "/var/run": { dir: true },
  };
}

/** nginx renames its processes (setproctitle); ps shows the new title. */
function setTitle(ctx: ProcessContext, title: string): void {
  (ctx as { argv: readonly string[] }).argv = [title];
}

/**
 * formatDate for a format with nothing finer than seconds, keeping the last second's text: each
 * request formats the time twice (Date header, access log), and a cluster's probes arrive by
 * the thousand in each simulated second, in time order.
 */
function perSecond(format: string): (ms: number) => string {
  let second = NaN;
  let text = "";
  return (ms) => {
    // The second Date sees: it drops the fraction of a millisecond first.
    const s = Math.floor(Math.trunc(ms) / 1000);
    if (s !== second) {
      second = s;
      text = formatDate(ms, format);
    }
    return text;
  };
}

const httpDate = perSecond("%a, %d %b %Y %H:%M:%S GMT");
/** Apart from httpDate: files keep their times while the clock moves on. */
const lastModified = perSecond("%a, %d %b %Y %H:%M:%S GMT");
const accessLogTime = perSecond("%d/%b/%Y:%H:%M:%S +0000");

function errorPage(build: NginxBuild, status: number, reason: string): string {
  const body = build.whiteErrorPages ? '<body bgcolor="white">' : "<body>";
  return `<html>\r\n<head><title>${status} ${reason}</title></head>\r\n${body}\r\n<center><h1>${status} ${reason}</h1></center>\r\n<hr><center>nginx/${build.version}</center>\r\n</body>\r\n</html>\r\n`;
}

/** A line of the error log: `2016/06/28 18:32:00 [notice] 1#1: text`. */
function errorLog(ctx: ProcessContext, level: string, text: string): void {
  ctx.stderr.write(`${formatDate(ctx.epochMs(), "%Y/%m/%d %H:%M:%S")} [${level}] ${ctx.pid}#${ctx.pid}: ${text}\n`);
}

class Worker {
  private connections = 0;
  private readonly server: string;

  constructor(
    private readonly ctx: ProcessContext,
    private readonly build: NginxBuild,
  ) {
    this.server = `nginx/${build.version}`;
  }

  private errorLog(level: string, text: string): void {
    errorLog(this.ctx, level, text);
  }

  private requestLine(req: HttpRequest): string {
    return `${req.method} ${req.path} ${req.version}`;
  }

  private error(status: number, extra: Record<string, string> = {}): HttpResponse {
    const reason = status === 405 ? "Not Allowed" : (REASONS[status] ?? "");
    const body = errorPage(this.build, status, reason);
    const headers = { Server: this.server, Date: httpDate(this.ctx.epochMs()), "Content-Type": "text/html", "Content-Length": String(body.length), Connection: "keep-alive", ...extra };
    return { ...httpResponse(status, body, headers), reason };
  }

  handle(req: HttpRequest, from: Address): HttpResponse {
    // The kernel gives loopback connections the pod's address; nginx would see 127.0.0.1.
    const remote = from.ip === this.ctx.net.ip ? { ...from, ip: "127.0.0.1" } : from;
    const conn = ++this.connections;
    const response = this.respond(req, remote, conn);
    const bytes = req.method === "HEAD" ? 0 : response.body.length;
    const time = accessLogTime(this.ctx.epochMs());
    const referer = header(req.headers, "Referer") ?? "-";
    const agent = header(req.headers, "User-Agent") ?? "-";
    const forwarded = this.build.forwardedFor ? ` "${header(req.headers, "X-Forwarded-For") ?? "-"}"` : "";
    this.ctx.stdout.write(`${remote.ip} - - [${time}] "${this.requestLine(req)}" ${response.status} ${bytes} "${referer}" "${agent}"${forwarded}\n`);
    return response;
  }

  private respond(req: HttpRequest, remote: Address, conn: number): HttpResponse {
    const fs = this.ctx.fs;
    const context = () => `client: ${remote.ip}, server: localhost, request: "${this.requestLine(req)}", host: "${header(req.headers, "Host") ?? ""}"`;
    if (req.method !== "GET" && req.method !== "HEAD") return this.error(405);
    let uri: string;
    try {
      uri = decodeURIComponent(req.path.replace(/[?#].*$/, ""));
    } catch {
      return this.error(400);
    }
    const parts: string[] = [];
    for (const p of uri.split("/")) {
      if (p === "" || p === ".") continue;
      if (p === "..") {
        if (parts.pop() === undefined) return this.error(400);
      } else parts.push(p);
    }
    const normalized = "/" + parts.join("/") + (uri.endsWith("/") && parts.length > 0 ? "/" : "");
    let path = ROOT + normalized;
    try {
      let st = fs.stat(path);
      if (st.type === "dir") {
        if (!normalized.endsWith("/")) {
          const host = (header(req.headers, "Host") ?? "localhost").replace(/:\d+$/, "");
          return this.error(301, { Location: `http://${host}${normalized}/` });
        }
        const index = `${path}index.html`;
        if (!fs.exists(index)) {
          this.errorLog("error", `*${conn} directory index of "${path}" is forbidden, ${context()}`);
          return this.error(403);
        }
        path = index;
        st = fs.stat(path);
      }
      const body = fs.readText(path);
      const ext = path.slice(path.lastIndexOf(".") + 1).toLowerCase();
      const mtime = st.mtimeMs;
      return httpResponse(200, body, {
        Server: this.server,
        Date: httpDate(this.ctx.epochMs()),
        "Content-Type": MIME[ext] ?? "application/octet-stream",
        "Content-Length": String(st.size),
        "Last-Modified": lastModified(mtime),
        Connection: "keep-alive",
        ETag: `"${Math.floor(mtime / 1000).toString(16)}-${st.size.toString(16)}"`,
        "Accept-Ranges": "bytes",
      });
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
      if (e.code === "EACCES") {
        this.errorLog("error", `*${conn} open() "${path}" failed (13: Permission denied), ${context()}`);
        return this.error(403);
      }
      this.errorLog("error", `*${conn} open() "${path}" failed (2: No such file or directory), ${context()}`);
      return this.error(404);
    }
  }
}

const SIGNAL_NUMBERS: Readonly<Partial<Record<Signal, number>>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGTERM: 15 };

function* worker(ctx: ProcessContext, build: NginxBuild): Proc<number> {
  setTitle(ctx, "nginx: worker process");
  const w = new Worker(ctx, build);
  let listener: Listener;
  try {
    listener = serveHttp(ctx.net, 80, (req, remote) => w.handle(req, remote));
  } catch {
    errorLog(ctx, "emerg", "bind() to 0.0.0.0:80 failed (98: Address already in use)");
    return 1;
  }
  ctx.onSignal((signal) => {
    // The master tells its workers over their channel, so a worker logs no signal, only its exit.
    if (build.notices !== undefined) {
      if (signal === "SIGQUIT") errorLog(ctx, "notice", "gracefully shutting down");
      errorLog(ctx, "notice", "exiting");
      errorLog(ctx, "notice", "exit");
    }
    // Requests are answered as they arrive, so a graceful stop has nothing left to finish.
    listener.close();
    ctx.exit(signal === "SIGQUIT" || signal === "SIGTERM" || signal === "SIGINT" ? 0 : 128);
  });
  return yield* wait(ctx.exited);
}

function* master(ctx: ProcessContext, build: NginxBuild): Proc<number> {
  setTitle(ctx, `nginx: master process ${ctx.argv.join(" ")}`);
  try {
    ctx.fs.writeFile(PID_FILE, `${ctx.pid}\n`);
  } catch {
    // A read-only /var/run only loses `nginx -s`.
  }
  const notice = (text: string) => {
    if (build.notices !== undefined) errorLog(ctx, "notice", text);
  };
  if (build.notices !== undefined) {
    notice('using the "epoll" event method');
    notice(`nginx/${build.version}`);
    notice(`built by ${build.notices.builtBy}`);
    notice(`OS: Linux ${KERNEL_RELEASE}`);
    notice("getrlimit(RLIMIT_NOFILE): 1048576:1048576");
  }
  let stopping = false;
  let current: ChildProcess | undefined;
  const start = (): void => {
    notice("start worker processes");
    const env = new Map(ctx.env);
    env.set(WORKER_ENV, "1");
    const child = ctx.spawn([BINARY], { env, cred: build.worker, stdout: unclosable(ctx.stdout), stderr: unclosable(ctx.stderr) });
    notice(`start worker process ${child.pid}`);
    current = child;
    // Respawning on SIGCHLD is the master's job only while it lives: a timer dies with it
    // (when PID 1 is killed the kernel kills the workers too, and nothing may restart them).
    child.exited.subscribe((code) =>
      ctx.timer(0, () => {
        notice(`signal 17 (SIGCHLD) received from ${child.pid}`);
        notice(`worker process ${child.pid} exited with code ${code}`);
        if (stopping) {
          notice("exit");
          ctx.exit(0);
        } else if (current === child) start();
      }),
    );
  };
  start();
  ctx.onSignal((signal: Signal) => {
    const w = current;
    if (signal === "SIGHUP") {
      notice("signal 1 (SIGHUP) received, reconfiguring");
      notice("reconfiguring");
      start();
      if (w !== undefined) ctx.kill(w.pid, "SIGQUIT");
      return;
    }
    if (signal === "SIGQUIT" || signal === "SIGTERM" || signal === "SIGINT") {
      notice(`signal ${SIGNAL_NUMBERS[signal]} (${signal}) received, ${signal === "SIGQUIT" ? "shutting down" : "exiting"}`);
      stopping = true;
      if (w === undefined) ctx.exit(0);
      else ctx.kill(w.pid, signal === "SIGQUIT" ? "SIGQUIT" : "SIGTERM");
    }
  });
  return yield* wait(ctx.exited);
}

function* signalMaster(ctx: ProcessContext, action: string): Proc<number> {
  const signals: Record<string, Signal> = { stop: "SIGTERM", quit: "SIGQUIT", reload: "SIGHUP", reopen: "SIGUSR1" };
  const signal = signals[action];
  if (signal === undefined) {
    ctx.stderr.write(`nginx: invalid option: "-s ${action}"\n`);
    return 1;
  }
  let pid: number;
  try {
    pid = Number(ctx.fs.readText(PID_FILE).trim());
  } catch {
    ctx.stderr.write(`nginx: [error] open() "${PID_FILE}" failed (2: No such file or directory)\n`);
    return 1;
  }
  if (!ctx.kill(pid, signal)) {
    ctx.stderr.write(`nginx: [error] kill(${pid}, ${SIGNAL_NUMBERS[signal] ?? 10}) failed (3: No such process)\n`);
    return 1;
  }
  return 0;
}

/** The nginx binary of a build: master, worker (by environment), `-v`, `-t`, `-s signal`. */
export function nginxProgram(build: NginxBuild) {
  return function* nginx(ctx: ProcessContext): Proc<number> {
    if (ctx.environ.get(WORKER_ENV) === "1") return yield* worker(ctx, build);
    const args = ctx.argv.slice(1);
    let daemon = true;
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === "-v" || a === "-V") {
        ctx.stderr.write(`nginx version: nginx/${build.version}\n`);
        return 0;
      }
      if (a === "-t" || a === "-T") {
        ctx.stderr.write("nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\nnginx: configuration file /etc/nginx/nginx.conf test is successful\n");
        return 0;
      }
      if (a === "-s") return yield* signalMaster(ctx, args[i + 1] ?? "");
      if (a === "-g") {
        if (/daemon\s+off\s*;/.test(args[i + 1] ?? "")) daemon = false;
        i++;
        continue;
      }
      if (a === "-c" || a === "-p") {
        i++;
        continue;
      }
      ctx.stderr.write(`nginx: invalid option: "${a.replace(/^-/, "")}"\n`);
      return 1;
    }
    if (daemon) {
      // The daemon forks a master and the command returns at once.
      ctx.spawn([BINARY, "-g", "daemon off;"], { stdout: unclosable(ctx.stdout), stderr: unclosable(ctx.stderr) });
      return 0;
    }
    return yield* master(ctx, build);
  };
}

const BUILT = Date.UTC(2016, 5, 28, 18, 32, 0);

export function nginxSlimImage(): ImageDefinition {
  const files = debianBase();
  const layer = new ImageLayer(
    {
      ...files,
      [BINARY]: { program: "nginx:nginx" },
      "/etc/nginx/nginx.conf": NGINX_CONF,
      [`${ROOT}/index.html`]: DEFAULT_INDEX,
      [`${ROOT}/50x.html`]: "<!DOCTYPE html>\n<html>\n<head>\n<title>Error</title>\n</head>\n<body>\n<h1>An error occurred.</h1>\n</body>\n</html>\n",
      ...nginxRuntimeFiles(),
    },
    BUILT,
  );
  return {
    repositories: ["registry.k8s.io/nginx-slim", "k8s.gcr.io/nginx-slim", "gcr.io/google_containers/nginx-slim"],
    layer,
    cmd: ["nginx", "-g", "daemon off;"],
    env: { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" },
    // About 20 MB compressed: ubuntu-slim plus nginx and its modules.
    sizeBytes: 20_400_000,
  };
}
