import { Future, wait, type Proc, type Timer } from "@ksim/sim";
import {
  apacheAccessLogTime,
  apacheErrorLogTime,
  formatHttp,
  header,
  httpResponse,
  ImageLayer,
  serveHttp,
  type HttpResponse,
  type ImageDefinition,
  type ProcessContext,
} from "@ksim/kube";

/**
 * What one request to index.php costs: a million sqrt() iterations in PHP 5, taken as 0.1 s of
 * one CPU. An estimate, not a measurement; it puts one php-apache pod under the walkthrough's
 * load generator at its 500m limit, as the walkthrough shows.
 */
const REQUEST_CPU_MS = 100;
/** An idle apache: its children asleep in accept(). */
const IDLE_CPU = 0.001;
const APACHE = "Apache/2.4.10 (Debian)";

/**
 * registry.k8s.io/hpa-example, the HorizontalPodAutoscaler walkthrough's image: php:5-apache
 * serving an index.php that burns CPU on every request before answering `OK!`. Requests in
 * flight share the CPU the container gets — each prefork child wants a whole CPU, and the CFS
 * quota of limits.cpu shares out what is left — so under load a request takes longer, and the
 * container's CPU use is what the quota allows. The access log goes to stdout, as the image's
 * Apache configuration sends it.
 */
export function* hpaExample(ctx: ProcessContext): Proc<number> {
  // docker-php-entrypoint execs apache2-foreground, which execs apache2.
  ctx.setTitle("apache2 -DFOREGROUND");
  const ip = ctx.net.ip ?? "127.0.0.1";
  for (let i = 0; i < 2; i++) {
    ctx.stderr.write(`AH00558: apache2: Could not reliably determine the server's fully qualified domain name, using ${ip}. Set the 'ServerName' directive globally to suppress this message\n`);
  }
  ctx.stderr.write(`${apacheErrorLogTime(ctx.epochMs())} [mpm_prefork:notice] [pid ${ctx.pid}] AH00163: ${APACHE} PHP/5.6.40 configured -- resuming normal operations\n`);
  ctx.stderr.write(`${apacheErrorLogTime(ctx.epochMs())} [core:notice] [pid ${ctx.pid}] AH00094: Command line: 'apache2 -D FOREGROUND'\n`);
  ctx.stats.cpu = IDLE_CPU;
  const active: { remainingMs: number; done: Future<void> }[] = [];
  let settledAt = ctx.sim.now;
  let timer: Timer | undefined;
  // CPU milliseconds each request gets per millisecond: the container's effective rate, shared.
  const perRequest = () => (ctx.stats.cpu * ctx.stats.cpuShare) / active.length;
  const settle = () => {
    const elapsed = ctx.sim.now - settledAt;
    settledAt = ctx.sim.now;
    if (active.length === 0 || elapsed === 0) return;
    const got = elapsed * perRequest();
    for (const a of active) a.remainingMs -= got;
  };
  const reschedule = () => {
    ctx.cancelTimer(timer);
    timer = undefined;
    ctx.stats.cpu = active.length === 0 ? IDLE_CPU : Math.min(active.length, ctx.cpus());
    if (active.length === 0) return;
    const next = Math.min(...active.map((a) => a.remainingMs));
    timer = ctx.timer(Math.max(1, Math.ceil(next / perRequest())), () => {
      settle();
      for (const a of active.filter((x) => x.remainingMs <= 1e-6)) {
        active.splice(active.indexOf(a), 1);
        a.done.resolve();
      }
      reschedule();
    });
  };
  serveHttp(ctx.net, 80, (request, remote) => {
    const answer = new Future<HttpResponse>();
    const respond = (status: number, body: string) => {
      const response = httpResponse(status, body, {
        Date: new Date(ctx.epochMs()).toUTCString(),
        Server: APACHE,
        "X-Powered-By": "PHP/5.6.40",
        "Content-Length": String(body.length),
        "Content-Type": "text/html",
      });
      const bytes = new TextEncoder().encode(formatHttp(request.method === "HEAD" ? { ...response, body: "" } : response)).length;
      ctx.stdout.write(
        `${remote.ip} - - ${apacheAccessLogTime(ctx.epochMs())} "${request.method} ${request.path} ${request.version}" ${status} ${bytes} "${header(request.headers, "Referer") ?? "-"}" "${header(request.headers, "User-Agent") ?? "-"}"\n`,
      );
      answer.resolve(response);
    };
    const path = request.path.split("?")[0];
    if (path !== "/" && path !== "/index.php") {
      respond(404, `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n<p>The requested URL ${path} was not found on this server.</p>\n<hr>\n<address>${APACHE} Server at ${header(request.headers, "Host") ?? ip} Port 80</address>\n</body></html>\n`);
      return answer;
    }
    settle();
    const done = new Future<void>();
    active.push({ remainingMs: REQUEST_CPU_MS, done });
    reschedule();
    done.subscribe(() => respond(200, "OK!"));
    return answer;
  });
  ctx.onSignal((signal) => {
    if (signal === "SIGKILL") return;
    ctx.stderr.write(`${apacheErrorLogTime(ctx.epochMs())} [mpm_prefork:notice] [pid ${ctx.pid}] AH00169: caught SIGTERM, shutting down\n`);
    ctx.exit(0);
  });
  return yield* wait(ctx.exited);
}

export function hpaExampleImage(): ImageDefinition {
  return {
    repositories: ["registry.k8s.io/hpa-example", "k8s.gcr.io/hpa-example"],
    layer: new ImageLayer(
      {
        "/usr/local/bin/docker-php-entrypoint": { program: "hpa-example:apache2" },
        "/usr/local/bin/apache2-foreground": { program: "hpa-example:apache2" },
        "/var/www/html/index.php": { content: '<?php\n  $x = 0.0001;\n  for ($i = 0; $i <= 1000000; $i++) {\n    $x += sqrt($x);\n  }\n  echo "OK!";\n?>\n', mode: 0o755 },
      },
      Date.UTC(2016, 7, 1),
    ),
    entrypoint: ["docker-php-entrypoint"],
    cmd: ["apache2-foreground"],
    workingDir: "/var/www/html",
    env: { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" },
    // php:5-apache's layers, about 140 MB compressed.
    sizeBytes: 140_000_000,
  };
}
