import { Future, FsError, sleep, wait, type Address, type Listener, type Proc, type Waitable } from "@ksim/sim";
import {
  debianBase,
  formatDate,
  KERNEL_RELEASE,
  header,
  httpRequest,
  httpResponse,
  ImageLayer,
  OS_RELEASES,
  ProcessTasks,
  resolveHost,
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
import {
  CONF_PATH,
  CONF_PREFIX,
  logs,
  NginxConfError,
  readNginxConfig,
  type ConfBuild,
  type Location,
  type LocationConf,
  type Locations,
  type LogLevel,
  type NginxConfig,
  type ProxyConf,
  type ReturnConf,
  type Server,
  type Template,
} from "./nginx-conf.js";

/**
 * nginx as two images build it: nginx-slim (registry.k8s.io/nginx-slim:0.8 and friends, the
 * StatefulSet tutorial's web server) and the official image (nginx-official.ts). nginx reads
 * /etc/nginx/nginx.conf and what it includes (nginx-conf.ts) when it starts and on SIGHUP; the
 * master binds the ports its servers listen on and forks worker_processes workers, which answer
 * in turn: static files under root or alias with index and try_files, `return`, error_page,
 * proxy_pass to an address or an upstream, nginx's own error pages and headers, access logs in
 * their log_format. A configuration error stops it at start with nginx's [emerg] line. SIGQUIT
 * stops gracefully, SIGTERM and SIGINT at once, SIGHUP reloads.
 */

/** What differs between the nginx builds the images ship. */
export interface NginxBuild {
  readonly version: string;
  /** nginx.conf's `user`, whom the workers run as. */
  readonly worker: { readonly uid: number; readonly gid: number };
  /** The compiler line of the start-up notices (nginx -V's "built by"), where known. */
  readonly builtBy?: string;
  /** Error pages of nginx before 1.19 had `<body bgcolor="white">`. */
  readonly whiteErrorPages: boolean;
  readonly conf: ConfBuild;
}

export const NGINX_SLIM_BUILD: NginxBuild = {
  version: "1.11.1",
  worker: { uid: 33, gid: 33 },
  whiteErrorPages: true,
  conf: { prefix: "/usr/share/nginx/", errorLogPath: "/var/log/nginx/error.log", accessLogPath: "/var/log/nginx/access.log", pidPath: "/var/run/nginx.pid" },
};

const ROOT = "/usr/share/nginx/html";
const BINARY = "/usr/sbin/nginx";

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
pid /var/run/nginx.pid;

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

/** nginx's conf/mime.types (1.27). */
const MIME_TYPES = `
types {
    text/html                                        html htm shtml;
    text/css                                         css;
    text/xml                                         xml;
    image/gif                                        gif;
    image/jpeg                                       jpeg jpg;
    application/javascript                           js;
    application/atom+xml                             atom;
    application/rss+xml                              rss;

    text/mathml                                      mml;
    text/plain                                       txt;
    text/vnd.sun.j2me.app-descriptor                 jad;
    text/vnd.wap.wml                                 wml;
    text/x-component                                 htc;

    image/avif                                       avif;
    image/png                                        png;
    image/svg+xml                                    svg svgz;
    image/tiff                                       tif tiff;
    image/vnd.wap.wbmp                               wbmp;
    image/webp                                       webp;
    image/x-icon                                     ico;
    image/x-jng                                      jng;
    image/x-ms-bmp                                   bmp;

    font/woff                                        woff;
    font/woff2                                       woff2;

    application/java-archive                         jar war ear;
    application/json                                 json;
    application/mac-binhex40                         hqx;
    application/msword                               doc;
    application/pdf                                  pdf;
    application/postscript                           ps eps ai;
    application/rtf                                  rtf;
    application/vnd.apple.mpegurl                    m3u8;
    application/vnd.google-earth.kml+xml             kml;
    application/vnd.google-earth.kmz                 kmz;
    application/vnd.ms-excel                         xls;
    application/vnd.ms-fontobject                    eot;
    application/vnd.ms-powerpoint                    ppt;
    application/vnd.oasis.opendocument.graphics      odg;
    application/vnd.oasis.opendocument.presentation  odp;
    application/vnd.oasis.opendocument.spreadsheet   ods;
    application/vnd.oasis.opendocument.text          odt;
    application/vnd.openxmlformats-officedocument.presentationml.presentation
                                                     pptx;
    application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
                                                     xlsx;
    application/vnd.openxmlformats-officedocument.wordprocessingml.document
                                                     docx;
    application/vnd.wap.wmlc                         wmlc;
    application/wasm                                 wasm;
    application/x-7z-compressed                      7z;
    application/x-cocoa                              cco;
    application/x-java-archive-diff                  jardiff;
    application/x-java-jnlp-file                     jnlp;
    application/x-makeself                           run;
    application/x-perl                               pl pm;
    application/x-pilot                              prc pdb;
    application/x-rar-compressed                     rar;
    application/x-redhat-package-manager             rpm;
    application/x-sea                                sea;
    application/x-shockwave-flash                    swf;
    application/x-stuffit                            sit;
    application/x-tcl                                tcl tk;
    application/x-x509-ca-cert                       der pem crt;
    application/x-xpinstall                          xpi;
    application/xhtml+xml                            xhtml;
    application/xspf+xml                             xspf;
    application/zip                                  zip;

    application/octet-stream                         bin exe dll;
    application/octet-stream                         deb;
    application/octet-stream                         dmg;
    application/octet-stream                         iso img;
    application/octet-stream                         msi msp msm;

    audio/midi                                       mid midi kar;
    audio/mpeg                                       mp3;
    audio/ogg                                        ogg;
    audio/x-m4a                                      m4a;
    audio/x-realaudio                                ra;

    video/3gpp                                       3gpp 3gp;
    video/mp2t                                       ts;
    video/mp4                                        mp4;
    video/mpeg                                       mpeg mpg;
    video/quicktime                                  mov;
    video/webm                                       webm;
    video/x-flv                                      flv;
    video/x-m4v                                      m4v;
    video/x-mng                                      mng;
    video/x-ms-asf                                   asx asf;
    video/x-ms-wmv                                   wmv;
    video/x-msvideo                                  avi;
}
`;

/**
 * What both images lay out around nginx: mime.types, the logs linked to the container's stdout
 * and stderr, the cache directory (the pid file goes to /var/run, which is the base's /run).
 */
export function nginxRuntimeFiles(): Record<string, ImageFileSpec> {
  return {
    "/etc/nginx/mime.types": MIME_TYPES,
    "/var/log/nginx": { dir: true },
    "/var/log/nginx/access.log": { symlink: "/dev/stdout" },
    "/var/log/nginx/error.log": { symlink: "/dev/stderr" },
    "/var/cache/nginx": { dir: true },
  };
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

/** The status lines nginx writes (ngx_http_status_lines); others get the code and a space. */
const STATUS_LINES: Readonly<Record<number, string>> = {
  200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 206: "Partial Content",
  301: "Moved Permanently", 302: "Moved Temporarily", 303: "See Other", 304: "Not Modified", 307: "Temporary Redirect", 308: "Permanent Redirect",
  400: "Bad Request", 401: "Unauthorized", 402: "Payment Required", 403: "Forbidden", 404: "Not Found", 405: "Not Allowed", 406: "Not Acceptable",
  408: "Request Time-out", 409: "Conflict", 410: "Gone", 411: "Length Required", 412: "Precondition Failed", 413: "Request Entity Too Large",
  414: "Request-URI Too Large", 415: "Unsupported Media Type", 416: "Requested Range Not Satisfiable", 421: "Misdirected Request", 429: "Too Many Requests",
  500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway", 503: "Service Temporarily Unavailable", 504: "Gateway Time-out",
  505: "HTTP Version Not Supported", 507: "Insufficient Storage",
};

/** The titles of nginx's own pages (ngx_http_special_response.c), where they differ from the status line. */
const PAGE_TITLES: Readonly<Record<number, string>> = { 302: "Found", 401: "Authorization Required" };
const NO_PAGE = new Set([200, 201, 202, 204, 206, 304]);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function errorPage(build: NginxBuild, tokens: boolean, status: number): string {
  const title = `${status} ${PAGE_TITLES[status] ?? STATUS_LINES[status]}`;
  const body = build.whiteErrorPages ? '<body bgcolor="white">' : "<body>";
  return `<html>\r\n<head><title>${title}</title></head>\r\n${body}\r\n<center><h1>${title}</h1></center>\r\n<hr><center>${tokens ? `nginx/${build.version}` : "nginx"}</center>\r\n</body>\r\n</html>\r\n`;
}

/** A line of an error log: `2016/06/28 18:32:00 [notice] 1#1: text`. */
function errorLine(ctx: ProcessContext, level: string, text: string): string {
  return `${formatDate(ctx.epochMs(), "%Y/%m/%d %H:%M:%S")} [${level}] ${ctx.pid}#${ctx.pid}: ${text}\n`;
}

type Writer = (text: string) => void;

/**
 * Opens a log as nginx does, following symlinks (the images link theirs to /dev/stdout and
 * /dev/stderr) and creating a file that is not there. Throws FsError.
 */
const STANDARD_STREAMS = new Set(["/dev/stdout", "/proc/self/fd/1", "/dev/stderr", "/proc/self/fd/2", "/dev/null"]);

function openLog(ctx: ProcessContext, path: string): Writer {
  let target = path;
  for (let hops = 0; hops < 8; hops++) {
    // The standard streams are where the image's links end: stop there, not at the pipe behind them.
    if (STANDARD_STREAMS.has(target)) break;
    try {
      if (ctx.fs.lstat(target).type !== "symlink") break;
      const link = ctx.fs.readlink(target);
      target = link.startsWith("/") ? link : `${target.slice(0, target.lastIndexOf("/"))}/${link}`;
    } catch {
      break;
    }
  }
  if (target === "/dev/stdout" || target === "/proc/self/fd/1") return (t) => ctx.stdout.write(t);
  if (target === "/dev/stderr" || target === "/proc/self/fd/2") return (t) => ctx.stderr.write(t);
  if (target === "/dev/null") return () => {};
  if (!ctx.fs.exists(target)) ctx.fs.writeFile(target, "");
  return (t) => {
    try {
      ctx.fs.appendFile(target, t);
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
    }
  };
}

/** An error log: the writer and the level it records from. */
interface ErrorLog {
  readonly level: LogLevel;
  readonly write: Writer;
}

/**
 * The master opens every log the configuration names, as root, before it forks the workers:
 * they write to what it opened. Throws NginxConfError when one cannot be opened.
 */
function openLogs(ctx: ProcessContext, config: NginxConfig): ReadonlyMap<string, Writer> {
  const paths = new Set([config.errorLog.path]);
  const add = (conf: LocationConf) => {
    paths.add(conf.errorLog.path);
    for (const l of conf.accessLogs) paths.add(l.path);
  };
  const walk = (level: Locations) => {
    for (const loc of [...level.exact.values(), ...level.prefix, ...level.regex]) {
      add(loc.conf);
      walk(loc.children);
    }
  };
  for (const server of config.servers) {
    add(server.conf);
    walk(server.locations);
    for (const loc of server.named.values()) add(loc.conf);
  }
  const writers = new Map<string, Writer>();
  for (const path of paths) {
    try {
      writers.set(path, openLog(ctx, path));
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
      throw new NginxConfError(`open() "${path}" failed (${e.code === "EACCES" ? "13: Permission denied" : "2: No such file or directory"})`);
    }
  }
  return writers;
}

function log(ctx: ProcessContext, to: ErrorLog, level: LogLevel, text: string): void {
  if (logs(to.level, level)) to.write(errorLine(ctx, level, text));
}

/** An [emerg] before the configuration's own logs are open: the default error log, then stderr. */
function startupEmerg(ctx: ProcessContext, build: NginxBuild, text: string): void {
  try {
    openLog(ctx, build.conf.errorLogPath)(errorLine(ctx, "emerg", text));
  } catch (e) {
    if (!(e instanceof FsError)) throw e;
  }
  ctx.stderr.write(`nginx: [emerg] ${text}\n`);
}

/** The servers listening on one port, found by the Host header as nginx finds them. */
interface PortServers {
  readonly port: number;
  readonly byDefault: Server;
  readonly exact: ReadonlyMap<string, Server>;
  readonly wildcards: readonly { readonly name: string; readonly server: Server }[];
  readonly regexes: readonly { readonly re: RegExp; readonly server: Server }[];
}

function portServers(config: NginxConfig, port: number): PortServers {
  const servers = config.servers.filter((s) => s.listens.some((l) => l.port === port));
  const exact = new Map<string, Server>();
  const wildcards: { name: string; server: Server }[] = [];
  const regexes: { re: RegExp; server: Server }[] = [];
  for (const server of servers) {
    for (const name of server.names) {
      if (name.startsWith("~")) regexes.push({ re: new RegExp(name.slice(1)), server });
      else if (name.startsWith("*.") || name.startsWith(".") || name.endsWith(".*")) wildcards.push({ name, server });
      else if (!exact.has(name)) exact.set(name, server);
    }
  }
  const byDefault = servers.find((s) => s.listens.some((l) => l.port === port && l.defaultServer)) ?? servers[0]!;
  return { port, byDefault, exact, wildcards, regexes };
}

function findServer(table: PortServers, host: string): Server {
  const exact = table.exact.get(host);
  if (exact !== undefined) return exact;
  for (const { name, server } of table.wildcards) {
    if (name.startsWith("*.") ? host.endsWith(name.slice(1)) : name.startsWith(".") ? host === name.slice(1) || host.endsWith(name) : host.startsWith(name.slice(0, -1))) return server;
  }
  for (const { re, server } of table.regexes) if (re.test(host)) return server;
  return table.byDefault;
}

/** ngx_http_core_find_location: exact, then the longest prefix (and what it nests), then regexes in order. */
function findLocation(level: Locations, uri: string, captures: string[]): { loc: Location | undefined; done: boolean } {
  const exact = level.exact.get(uri);
  if (exact !== undefined) return { loc: exact, done: true };
  let found: Location | undefined;
  let noregex = false;
  const prefix = level.prefix.find((l) => uri.startsWith(l.path));
  if (prefix !== undefined) {
    found = prefix;
    noregex = prefix.modifier === "^~";
    const inner = findLocation(prefix.children, uri, captures);
    if (inner.loc !== undefined) found = inner.loc;
    if (inner.done) return { loc: found, done: true };
  }
  if (!noregex) {
    for (const loc of level.regex) {
      const m = loc.regex!.exec(uri);
      if (m === null) continue;
      captures.length = 0;
      captures.push(...m.slice(1).map((c) => c ?? ""));
      const inner = findLocation(loc.children, uri, captures);
      return { loc: inner.loc ?? loc, done: true };
    }
  }
  return { loc: found, done: false };
}

/** One request on its way through the phases. */
interface Request {
  readonly http: HttpRequest;
  readonly remote: Address;
  readonly port: number;
  readonly server: Server;
  readonly conn: number;
  /** The Host header without its port, lowercased (`$host`). */
  readonly host: string;
  readonly args: string;
  uri: string;
  loc: Location | undefined;
  conf: LocationConf;
  captures: string[];
  /** Set once an error_page has redirected it, as nginx does not redirect twice. */
  errorPage: boolean;
}

type Result = HttpResponse | Waitable<HttpResponse>;

function isWaitable(r: Result): r is Waitable<HttpResponse> {
  return typeof (r as { subscribe?: unknown }).subscribe === "function";
}

function then(r: Result, fn: (response: HttpResponse) => HttpResponse): Result {
  if (!isWaitable(r)) return fn(r);
  const f = new Future<HttpResponse>();
  r.subscribe((response) => f.resolve(fn(response)));
  return f;
}

/** A worker's request handling, with the configuration its master read. */
class Worker {
  private connections = 0;
  private readonly server: string;
  private readonly tables: ReadonlyMap<number, PortServers>;
  private readonly tasks: ProcessTasks;
  private readonly turns = new Map<ProxyConf, number>();

  constructor(
    private readonly ctx: ProcessContext,
    private readonly build: NginxBuild,
    config: NginxConfig,
    private readonly logs: ReadonlyMap<string, Writer>,
  ) {
    this.server = `nginx/${build.version}`;
    this.tables = new Map(config.ports.map((p) => [p, portServers(config, p)]));
    this.tasks = new ProcessTasks(ctx);
  }

  private errorLog(conf: LocationConf, text: string): void {
    if (logs(conf.errorLog.level, "error")) this.logs.get(conf.errorLog.path)!(errorLine(this.ctx, "error", text));
  }

  private requestLine(req: HttpRequest): string {
    return `${req.method} ${req.path} ${req.version}`;
  }

  handle(port: number, req: HttpRequest, from: Address): Result {
    // The kernel gives loopback connections the pod's address; nginx would see 127.0.0.1.
    const remote = from.ip === this.ctx.net.ip ? { ...from, ip: "127.0.0.1" } : from;
    const conn = ++this.connections;
    const table = this.tables.get(port)!;
    const hostHeader = header(req.headers, "Host");
    const host = hostHeader === undefined ? "" : hostHeader.replace(/:\d+$/, "").toLowerCase();
    const server = findServer(table, host);
    const query = req.path.indexOf("?");
    const r: Request = {
      http: req,
      remote,
      port,
      server,
      conn,
      host,
      args: query < 0 ? "" : req.path.slice(query + 1).replace(/#.*$/, ""),
      uri: "",
      loc: undefined,
      conf: server.conf,
      captures: [],
      errorPage: false,
    };
    return then(this.respond(r), (response) => {
      this.accessLog(r, response);
      return response;
    });
  }

  private accessLog(r: Request, response: HttpResponse): void {
    for (const l of r.conf.accessLogs) this.logs.get(l.path)!(this.expand(r, l.format, response) + "\n");
  }

  /** A variable's value; undefined when it has none (access logs print `-`). */
  private variable(r: Request, name: string, response: HttpResponse | undefined): string | undefined {
    switch (name) {
      case "remote_addr":
        return r.remote.ip;
      case "remote_port":
        return String(r.remote.port);
      case "time_local":
        return accessLogTime(this.ctx.epochMs());
      case "request":
        return this.requestLine(r.http);
      case "status":
        return response === undefined ? undefined : String(response.status);
      case "body_bytes_sent":
      case "bytes_sent":
        return response === undefined ? "0" : String(r.http.method === "HEAD" ? 0 : response.body.length);
      case "uri":
      case "document_uri":
        return r.uri;
      case "request_uri":
        return r.http.path;
      case "args":
      case "query_string":
        return r.args;
      case "is_args":
        return r.args === "" ? "" : "?";
      case "host":
        return r.host !== "" ? r.host : r.server.names[0];
      case "hostname":
        return this.ctx.hostname;
      case "scheme":
        return "http";
      case "server_name":
        return r.server.names[0];
      case "server_port":
        return String(r.port);
      case "server_addr":
        return this.ctx.net.ip;
      case "server_protocol":
        return r.http.version;
      case "request_method":
        return r.http.method;
      case "document_root":
      case "realpath_root":
        return this.expand(r, r.conf.root);
      case "pid":
        return String(this.ctx.pid);
      case "nginx_version":
        return this.build.version;
      case "connection":
        return String(r.conn);
      case "msec":
        return (this.ctx.epochMs() / 1000).toFixed(3);
      case "request_time":
      case "upstream_response_time":
        return "0.000";
      case "request_length":
        return String(r.http.body.length);
      case "proxy_host":
        return r.conf.proxy?.host;
      case "proxy_add_x_forwarded_for": {
        const xff = header(r.http.headers, "X-Forwarded-For");
        return xff === undefined ? r.remote.ip : `${xff}, ${r.remote.ip}`;
      }
    }
    if (/^\d$/.test(name)) return r.captures[Number(name) - 1];
    if (name.startsWith("http_")) return header(r.http.headers, name.slice(5).replace(/_/g, "-"));
    if (name.startsWith("arg_")) {
      for (const pair of r.args.split("&")) if (pair.split("=")[0] === name.slice(4)) return pair.slice(name.length - 3);
    }
    return undefined;
  }

  /** A template's text; in access logs (with the response) an empty value is `-`. */
  private expand(r: Request, t: Template, response?: HttpResponse): string {
    if (t.length === 1) return t[0]!;
    let out = t[0]!;
    for (let i = 1; i < t.length; i += 2) {
      const v = this.variable(r, t[i]!, response);
      out += (v === undefined || v === "") && response !== undefined ? "-" : (v ?? "");
      out += t[i + 1]!;
    }
    return out;
  }

  private headers(contentType: string | undefined, length: number | undefined, extra: Record<string, string> = {}): Record<string, string> {
    const h: Record<string, string> = { Server: this.server, Date: httpDate(this.ctx.epochMs()) };
    if (contentType !== undefined) h["Content-Type"] = contentType;
    if (length !== undefined) h["Content-Length"] = String(length);
    return Object.assign(h, extra);
  }

  private response(status: number, body: string, headers: Record<string, string>): HttpResponse {
    return { ...httpResponse(status, body, headers), reason: STATUS_LINES[status] ?? "" };
  }

  /** A redirect to `location`, made absolute as absolute_redirect and port_in_redirect make it. */
  private locationHeader(r: Request, location: string): Record<string, string> {
    if (!location.startsWith("/") || !r.conf.absoluteRedirect) return { Connection: "keep-alive", Location: location };
    const host = r.host !== "" ? r.host : (r.server.names[0] || this.ctx.net.ip || "localhost");
    const port = r.conf.portInRedirect && r.port !== 80 ? `:${r.port}` : "";
    return { Location: `http://${host}${port}${location}`, Connection: "keep-alive" };
  }

  /** nginx's own response for a status: its page, or an empty body. */
  private special(r: Request, status: number, location?: string): HttpResponse {
    const extra = location === undefined ? { Connection: "keep-alive" } : this.locationHeader(r, location);
    if (NO_PAGE.has(status) || STATUS_LINES[status] === undefined) {
      return this.response(status, "", this.headers(undefined, status === 204 ? undefined : 0, extra));
    }
    const body = errorPage(this.build, r.conf.serverTokens, status);
    return this.response(status, body, this.headers("text/html", body.length, extra));
  }

  /** An error status: the error_page configured for it, else nginx's page. */
  private error(r: Request, status: number, depth: number): Result {
    const page = r.errorPage ? undefined : r.conf.errorPages.get(status);
    if (page === undefined) return this.special(r, status);
    r.errorPage = true;
    if (!page.uri.startsWith("/") && !page.uri.startsWith("@")) return this.special(r, 302, page.uri);
    const method = r.http.method === "HEAD" ? "HEAD" : "GET";
    const redirected: Request = { ...r, http: { ...r.http, method } };
    return then(this.internal(redirected, page.uri, depth), (res) => {
      const answer = page.status === undefined ? status : page.status === 0 ? res.status : page.status;
      return { ...res, status: answer, reason: STATUS_LINES[answer] ?? "" };
    });
  }

  private respond(r: Request): Result {
    let uri: string;
    try {
      uri = decodeURIComponent(r.http.path.replace(/[?#].*$/, ""));
    } catch {
      return this.special(r, 400);
    }
    const parts: string[] = [];
    for (const p of uri.split("/")) {
      if (p === "" || p === ".") continue;
      if (p === "..") {
        if (parts.pop() === undefined) return this.special(r, 400);
      } else parts.push(p);
    }
    r.uri = "/" + parts.join("/") + (uri.endsWith("/") && parts.length > 0 ? "/" : "");
    if (r.server.conf.ret !== undefined) return this.return(r, r.server.conf.ret, 0);
    return this.route(r, r.uri, 0);
  }

  /** An internal redirect: to a named location, or a new URI looked up again. */
  private internal(r: Request, uri: string, depth: number): Result {
    if (depth >= 10) {
      this.errorLog(r.conf, `*${r.conn} rewrite or internal redirection cycle while internally redirecting to "${uri}", ${this.context(r)}`);
      return this.special({ ...r, errorPage: true }, 500);
    }
    if (uri.startsWith("@")) {
      const named = r.server.named.get(uri);
      if (named === undefined) {
        this.errorLog(r.conf, `*${r.conn} could not find named location "${uri}", ${this.context(r)}`);
        return this.special({ ...r, errorPage: true }, 500);
      }
      r.loc = named;
      r.conf = named.conf;
      return this.content(r, depth + 1);
    }
    const q = uri.indexOf("?");
    return this.route(r, q < 0 ? uri : uri.slice(0, q), depth + 1);
  }

  private route(r: Request, uri: string, depth: number): Result {
    r.uri = uri;
    const found = findLocation(r.server.locations, uri, r.captures).loc;
    r.loc = found;
    r.conf = found?.conf ?? r.server.conf;
    if (found !== undefined && found.conf.internal && depth === 0) return this.error(r, 404, depth);
    return this.content(r, depth);
  }

  private content(r: Request, depth: number): Result {
    const conf = r.conf;
    if (conf.ret !== undefined && r.loc !== undefined) return this.return(r, conf.ret, depth);
    if (conf.proxy !== undefined) return this.proxy(r, conf.proxy);
    if (conf.tryFiles !== undefined) return this.tryFiles(r, conf.tryFiles, depth);
    return this.static(r, depth);
  }

  private return(r: Request, ret: ReturnConf, depth: number): Result {
    const text = ret.text === undefined ? undefined : this.expand(r, ret.text);
    if (REDIRECTS.has(ret.code) && text !== undefined) return this.special(r, ret.code, text);
    if (text === undefined && ret.code >= 400) return this.error(r, ret.code, depth);
    const body = text ?? "";
    return this.response(ret.code, body, this.headers(this.contentType(r.conf, r.uri), body.length, { Connection: "keep-alive" }));
  }

  private contentType(conf: LocationConf, path: string): string {
    const slash = path.lastIndexOf("/");
    const dot = path.lastIndexOf(".");
    return dot > slash ? (conf.types.get(path.slice(dot + 1).toLowerCase()) ?? conf.defaultType) : conf.defaultType;
  }

  /** The file a URI names: the root and the URI, or the alias for the location's part of it. */
  private filePath(r: Request, uri: string): string {
    const conf = r.conf;
    if (conf.alias !== undefined && r.loc !== undefined) {
      const alias = this.expand(r, conf.alias);
      return r.loc.regex !== undefined ? alias : alias + uri.slice(r.loc.path.length);
    }
    return this.expand(r, conf.root) + uri;
  }

  /** What nginx appends to a request's error (ngx_http_log_error_handler). */
  private context(r: Request, upstream?: string): string {
    const via = upstream === undefined ? "" : `, upstream: "${upstream}"`;
    return `client: ${r.remote.ip}, server: ${r.server.names[0]}, request: "${this.requestLine(r.http)}"${via}, host: "${header(r.http.headers, "Host") ?? ""}"`;
  }

  private tryFiles(r: Request, tries: readonly Template[], depth: number): Result {
    const fs = this.ctx.fs;
    for (const t of tries.slice(0, -1)) {
      const name = this.expand(r, t);
      const path = this.filePath(r, name);
      try {
        const type = fs.stat(path).type;
        if (name.endsWith("/") ? type !== "dir" : type !== "file") continue;
      } catch (e) {
        if (!(e instanceof FsError)) throw e;
        continue;
      }
      r.uri = name;
      return this.static(r, depth);
    }
    const last = this.expand(r, tries[tries.length - 1]!);
    if (/^=\d+$/.test(last)) {
      const code = Number(last.slice(1));
      return code >= 400 ? this.error(r, code, depth) : this.special(r, code);
    }
    return this.internal(r, last, depth);
  }

  private static(r: Request, depth: number): Result {
    const req = r.http;
    if (req.method !== "GET" && req.method !== "HEAD") return this.error(r, 405, depth);
    const fs = this.ctx.fs;
    const uri = r.uri;
    let path = this.filePath(r, uri);
    try {
      if (uri.endsWith("/")) {
        // The index module: the first index file that exists, looked up again as a new URI.
        for (const index of r.conf.index) {
          if (index.startsWith("/")) return this.internal(r, index, depth);
          if (fs.exists(path + index)) return this.internal(r, uri + index, depth);
        }
        if (!fs.exists(path)) {
          this.errorLog(r.conf, `*${r.conn} "${path}${r.conf.index[0]}" is not found (2: No such file or directory), ${this.context(r)}`);
          return this.error(r, 404, depth);
        }
        this.errorLog(r.conf, `*${r.conn} directory index of "${path}" is forbidden, ${this.context(r)}`);
        return this.error(r, 403, depth);
      }
      const st = fs.stat(path);
      if (st.type === "dir") return this.special(r, 301, uri + "/" + (r.args === "" ? "" : `?${r.args}`));
      const body = fs.readText(path);
      const mtime = st.mtimeMs;
      return httpResponse(200, body, {
        Server: this.server,
        Date: httpDate(this.ctx.epochMs()),
        "Content-Type": this.contentType(r.conf, path),
        "Content-Length": String(st.size),
        "Last-Modified": lastModified(mtime),
        Connection: "keep-alive",
        ETag: `"${Math.floor(mtime / 1000).toString(16)}-${st.size.toString(16)}"`,
        "Accept-Ranges": "bytes",
      });
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
      if (e.code === "EACCES") {
        this.errorLog(r.conf, `*${r.conn} open() "${path}" failed (13: Permission denied), ${this.context(r)}`);
        return this.error(r, 403, depth);
      }
      this.errorLog(r.conf, `*${r.conn} open() "${path}" failed (2: No such file or directory), ${this.context(r)}`);
      return this.error(r, 404, depth);
    }
  }

  /** proxy_pass: the request to the next peer over HTTP/1.0, its response passed back. */
  private proxy(r: Request, proxy: ProxyConf): Result {
    const turn = this.turns.get(proxy) ?? 0;
    this.turns.set(proxy, turn + 1);
    const peer = proxy.peers[turn % proxy.peers.length]!;
    const loc = r.loc;
    const uri =
      proxy.uri === undefined ? r.http.path : (loc !== undefined && loc.regex === undefined ? proxy.uri + r.uri.slice(loc.path.length) : proxy.uri) + (r.args === "" ? "" : `?${r.args}`);
    const headers: Record<string, string> = { Host: proxy.host, Connection: "close" };
    for (const [k, v] of Object.entries(r.http.headers)) if (!/^(host|connection)$/i.test(k)) headers[k] = v;
    const upstream = `http://${peer.ip}:${peer.port}${uri}`;
    const done = new Future<HttpResponse>();
    const self = this;
    this.tasks.spawn(
      (function* () {
        const result = yield* httpRequest(self.ctx, upstream, { method: r.http.method, headers, body: r.http.body, connectTimeoutMs: 60_000, timeoutMs: 120_000 });
        if (result.ok) {
          const res = result.response;
          const passed: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (!/^(server|date|connection|content-length|content-type|keep-alive|transfer-encoding)$/i.test(k)) passed[k] = v;
          const type = header(res.headers, "Content-Type");
          done.resolve({ ...self.response(res.status, res.body, self.headers(type, res.body.length, { Connection: "keep-alive", ...passed })), reason: res.reason });
          return;
        }
        const how =
          result.error === "connect"
            ? `connect() failed (${result.reason === "ECONNREFUSED" ? "111: Connection refused" : "113: No route to host"}) while connecting to upstream`
            : result.error === "connectTimeout"
              ? "upstream timed out (110: Connection timed out) while connecting to upstream"
              : result.error === "timeout"
                ? "upstream timed out (110: Connection timed out) while reading response header from upstream"
                : result.error === "reset"
                  ? "recv() failed (104: Connection reset by peer) while reading response header from upstream"
                  : "upstream prematurely closed connection while reading response header from upstream";
        self.errorLog(r.conf, `*${r.conn} ${how}, ${self.context(r, upstream)}`);
        const status = result.error === "connectTimeout" || result.error === "timeout" ? 504 : 502;
        const page = self.error(r, status, 0);
        if (isWaitable(page)) page.subscribe((p) => done.resolve(p));
        else done.resolve(page);
      })(),
      "nginx-proxy",
    );
    return done;
  }
}

const SIGNAL_NUMBERS: Readonly<Partial<Record<Signal, number>>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGTERM: 15 };

/** Where requests go: the master accepts on the listening sockets, its workers answer in turn. */
class Dispatcher {
  private readonly workers: Worker[] = [];
  private turn = 0;
  private readonly waiting: ((w: Worker) => void)[] = [];

  handle(port: number, req: HttpRequest, remote: Address): Result {
    if (this.workers.length === 0) {
      // Between a worker's death and its replacement the connection waits in the backlog.
      const f = new Future<HttpResponse>();
      this.waiting.push((w) => then(w.handle(port, req, remote), (res) => (f.resolve(res), res)));
      return f;
    }
    const w = this.workers[this.turn++ % this.workers.length]!;
    return w.handle(port, req, remote);
  }

  add(w: Worker): void {
    this.workers.push(w);
    for (const run of this.waiting.splice(0)) run(w);
  }

  remove(w: Worker): void {
    const i = this.workers.indexOf(w);
    if (i >= 0) this.workers.splice(i, 1);
  }
}

function* worker(ctx: ProcessContext, build: NginxBuild, config: NginxConfig, writers: ReadonlyMap<string, Writer>, dispatcher: Dispatcher, errorLog: ErrorLog): Proc<number> {
  ctx.setTitle("nginx: worker process");
  const w = new Worker(ctx, build, config, writers);
  dispatcher.add(w);
  ctx.onSignal((signal) => {
    // The master tells its workers over their channel, so a worker logs no signal, only its exit.
    if (signal === "SIGQUIT") log(ctx, errorLog, "notice", "gracefully shutting down");
    log(ctx, errorLog, "notice", "exiting");
    log(ctx, errorLog, "notice", "exit");
    // Requests are answered as they arrive, so a graceful stop has nothing left to finish.
    dispatcher.remove(w);
    ctx.exit(signal === "SIGQUIT" || signal === "SIGTERM" || signal === "SIGINT" ? 0 : 128);
  });
  ctx.exited.subscribe(() => dispatcher.remove(w));
  return yield* wait(ctx.exited);
}

/** How nginx was started: the configuration file and -g directives. */
interface Invocation {
  readonly file: string;
  readonly params: string;
}

function readConfig(ctx: ProcessContext, build: NginxBuild, how: Invocation): NginxConfig {
  return readNginxConfig(ctx.fs, build.conf, { file: how.file, params: how.params, resolve: (host) => resolveHost(ctx.net, host) });
}

function* master(ctx: ProcessContext, build: NginxBuild, how: Invocation, initial: NginxConfig): Proc<number> {
  ctx.setTitle(`nginx: master process ${ctx.argv.join(" ")}`);
  let config = initial;
  let writers: ReadonlyMap<string, Writer>;
  try {
    writers = openLogs(ctx, config);
  } catch (e) {
    if (!(e instanceof NginxConfError)) throw e;
    startupEmerg(ctx, build, e.message);
    return 1;
  }
  let errorLog: ErrorLog = { level: config.errorLog.level, write: writers.get(config.errorLog.path)! };
  const dispatcher = new Dispatcher();
  const listeners = new Map<number, Listener>();
  /** Opens the ports not open yet, as ngx_open_listening_sockets does: five tries, half a second apart. */
  const bind = function* (ports: readonly number[], startup: boolean): Proc<boolean> {
    for (let tries = 5; ; tries--) {
      let failed = false;
      for (const port of ports) {
        if (listeners.has(port)) continue;
        try {
          listeners.set(port, serveHttp(ctx.net, port, (req, remote) => dispatcher.handle(port, req, remote)));
        } catch {
          const text = `bind() to 0.0.0.0:${port} failed (98: Address already in use)`;
          if (startup) startupEmerg(ctx, build, text);
          else log(ctx, errorLog, "emerg", text);
          failed = true;
        }
      }
      if (!failed) return true;
      if (tries === 1) break;
      yield* wait(sleep(ctx.sim, 500));
    }
    if (startup) startupEmerg(ctx, build, "still could not bind()");
    else log(ctx, errorLog, "emerg", "still could not bind()");
    return false;
  };
  if (!(yield* bind(config.ports, true))) return 1;
  try {
    ctx.fs.writeFile(config.pid, `${ctx.pid}\n`);
  } catch {
    // A read-only /var/run only loses `nginx -s`.
  }
  const notice = (text: string) => log(ctx, errorLog, "notice", text);
  notice('using the "epoll" event method');
  notice(`nginx/${build.version}`);
  if (build.builtBy !== undefined) notice(`built by ${build.builtBy}`);
  notice(`OS: Linux ${KERNEL_RELEASE}`);
  const nofile = ctx.rlimits.nofile;
  const limitText = (n: number) => (n === Infinity ? "18446744073709551615" : String(n));
  notice(`getrlimit(RLIMIT_NOFILE): ${limitText(nofile.soft)}:${limitText(nofile.hard)}`);
  let stopping = false;
  /** The workers of the current configuration, by slot; `live` has those of earlier ones too until they exit. */
  let current: ChildProcess[] = [];
  const live = new Set<ChildProcess>();
  const startWorker = (slot: number): ChildProcess => {
    const conf = config;
    const files = writers;
    const workerLog = errorLog;
    const child = ctx.fork((c) => worker(c, build, conf, files, dispatcher, workerLog), { cred: build.worker });
    live.add(child);
    notice(`start worker process ${child.pid}`);
    // Respawning on SIGCHLD is the master's job only while it lives: a timer dies with it
    // (when PID 1 is killed the kernel kills the workers too, and nothing may restart them).
    child.exited.subscribe((code) =>
      ctx.timer(0, () => {
        live.delete(child);
        notice(`signal 17 (SIGCHLD) received from ${child.pid}`);
        notice(`worker process ${child.pid} exited with code ${code}`);
        if (stopping) {
          if (live.size === 0) {
            notice("exit");
            ctx.exit(0);
          }
        } else if (current[slot] === child) current[slot] = startWorker(slot);
      }),
    );
    return child;
  };
  const startWorkers = (): void => {
    notice("start worker processes");
    current = [];
    for (let i = 0; i < config.workerProcesses; i++) current.push(startWorker(i));
  };
  startWorkers();
  const reload = function* (): Proc<void> {
    let next: NginxConfig;
    let files: ReadonlyMap<string, Writer>;
    try {
      next = readConfig(ctx, build, how);
      files = openLogs(ctx, next);
    } catch (e) {
      if (!(e instanceof NginxConfError)) throw e;
      log(ctx, errorLog, "emerg", e.message);
      return;
    }
    config = next;
    writers = files;
    errorLog = { level: config.errorLog.level, write: writers.get(config.errorLog.path)! };
    for (const [port, l] of listeners) {
      if (config.ports.includes(port)) continue;
      l.close();
      listeners.delete(port);
    }
    if (!(yield* bind(config.ports, false))) return;
    notice('using the "epoll" event method');
    const old = current;
    startWorkers();
    for (const w of old) ctx.kill(w.pid, "SIGQUIT");
  };
  const tasks = new ProcessTasks(ctx);
  ctx.onSignal((signal: Signal) => {
    if (signal === "SIGHUP") {
      notice("signal 1 (SIGHUP) received, reconfiguring");
      notice("reconfiguring");
      tasks.spawn(reload(), "nginx-reload");
      return;
    }
    if (signal === "SIGQUIT" || signal === "SIGTERM" || signal === "SIGINT") {
      notice(`signal ${SIGNAL_NUMBERS[signal]} (${signal}) received, ${signal === "SIGQUIT" ? "shutting down" : "exiting"}`);
      stopping = true;
      for (const l of listeners.values()) l.close();
      if (live.size === 0) ctx.exit(0);
      for (const w of live) ctx.kill(w.pid, signal === "SIGQUIT" ? "SIGQUIT" : "SIGTERM");
    }
  });
  return yield* wait(ctx.exited);
}

/** The configuration, or undefined once nginx has said why it cannot use it ([emerg]). */
function configOrEmerg(ctx: ProcessContext, build: NginxBuild, how: Invocation): NginxConfig | undefined {
  try {
    return readConfig(ctx, build, how);
  } catch (e) {
    if (!(e instanceof NginxConfError)) throw e;
    startupEmerg(ctx, build, e.message);
    return undefined;
  }
}

function* signalMaster(ctx: ProcessContext, build: NginxBuild, how: Invocation, action: string): Proc<number> {
  const signals: Record<string, Signal> = { stop: "SIGTERM", quit: "SIGQUIT", reload: "SIGHUP", reopen: "SIGUSR1" };
  const signal = signals[action];
  if (signal === undefined) {
    ctx.stderr.write(`nginx: invalid option: "-s ${action}"\n`);
    return 1;
  }
  const config = configOrEmerg(ctx, build, how);
  if (config === undefined) return 1;
  // ngx_signal_process says so in the configured error log first (the image's goes to stderr).
  try {
    log(ctx, { level: config.errorLog.level, write: openLog(ctx, config.errorLog.path) }, "notice", "signal process started");
  } catch (e) {
    if (!(e instanceof FsError)) throw e;
  }
  let pid: number;
  try {
    pid = Number(ctx.fs.readText(config.pid).trim());
  } catch {
    ctx.stderr.write(`nginx: [error] open() "${config.pid}" failed (2: No such file or directory)\n`);
    return 1;
  }
  if (!ctx.kill(pid, signal)) {
    ctx.stderr.write(`nginx: [error] kill(${pid}, ${SIGNAL_NUMBERS[signal] ?? 10}) failed (3: No such process)\n`);
    return 1;
  }
  return 0;
}

/** The nginx binary of a build: master and workers, `-v`, `-t`, `-T`, `-s signal`, `-c file`, `-g directives`. */
export function nginxProgram(build: NginxBuild) {
  return function* nginx(ctx: ProcessContext): Proc<number> {
    const args = ctx.argv.slice(1);
    let file = CONF_PATH;
    let params = "";
    let test: "t" | "T" | undefined;
    let action: string | undefined;
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === "-v" || a === "-V") {
        ctx.stderr.write(`nginx version: nginx/${build.version}\n`);
        return 0;
      }
      if (a === "-t" || a === "-T") test = a === "-t" ? "t" : "T";
      else if (a === "-s") action = args[++i] ?? "";
      else if (a === "-g") params = args[++i] ?? "";
      else if (a === "-c") file = args[++i] ?? "";
      else if (a === "-p" || a === "-e") i++;
      else if (a !== "-q") {
        ctx.stderr.write(`nginx: invalid option: "${a.replace(/^-/, "")}"\n`);
        return 1;
      }
    }
    const how: Invocation = { file: file.startsWith("/") ? file : CONF_PREFIX + file, params };
    if (action !== undefined) return yield* signalMaster(ctx, build, how, action);
    const config = configOrEmerg(ctx, build, how);
    if (config === undefined) {
      if (test !== undefined) ctx.stderr.write(`nginx: configuration file ${how.file} test failed\n`);
      return 1;
    }
    if (test !== undefined) {
      ctx.stderr.write(`nginx: the configuration file ${how.file} syntax is ok\nnginx: configuration file ${how.file} test is successful\n`);
      if (test === "T") for (const f of config.files) ctx.stdout.write(`# configuration file ${f.path}:\n${f.text}\n`);
      return 0;
    }
    if (config.daemon !== false) {
      // The daemon forks a master and the command returns at once.
      ctx.fork((c) => master(c, build, how, config), { stdout: unclosable(ctx.stdout), stderr: unclosable(ctx.stderr) });
      return 0;
    }
    return yield* master(ctx, build, how, config);
  };
}

const BUILT = Date.UTC(2016, 5, 28, 18, 32, 0);

export function nginxSlimImage(): ImageDefinition {
  // FROM ubuntu-slim:0.2, Ubuntu 16.04 as released, which nginx-slim's build installs into without upgrading.
  const files = debianBase({ release: OS_RELEASES.xenialGa });
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
