import { Future, sleep, wait, type CloseReason, type Connection, type Proc } from "@ksim/sim";
import { formatHttp, header, httpRequest, isHttpRequest, isHttpResponse, parseUrl, resolveHost, type HttpResponse, type HttpResult } from "../runtime/http.js";
import type { ProcessContext } from "../runtime/process.js";
import { Job } from "../shell/io.js";
import { has, last, parseOptions, UsageError, usageFailure, writeOutput, type ParsedOptions } from "./common.js";
import { BusyboxDie, busyboxUsage, xstrtou } from "./libbb.js";

/** Network clients: netcat-openbsd's nc, curl, busybox wget and busybox nslookup. */

const STRERROR: Partial<Record<CloseReason, string>> = {
  ECONNREFUSED: "Connection refused",
  ECONNRESET: "Connection reset by peer",
  ETIMEDOUT: "Connection timed out",
  EHOSTUNREACH: "No route to host",
  ENETDOWN: "Network is down",
};

/** What a received payload looks like as bytes: text as is, HTTP messages on the wire. */
function payloadText(payload: unknown): string {
  if (typeof payload === "string") return payload;
  if (isHttpRequest(payload) || isHttpResponse(payload)) return formatHttp(payload);
  if (typeof payload === "number" || typeof payload === "boolean") return String(payload);
  return JSON.stringify(payload) ?? "";
}

interface NcOptions {
  listen: boolean;
  zero: boolean;
  verbose: boolean;
  keep: boolean;
  shutdownOnEof: boolean;
  waitSec: number | undefined;
  quitSec: number | undefined;
  port: string | undefined;
  operands: string[];
}

function parseNc(args: readonly string[]): NcOptions | string {
  const o: NcOptions = { listen: false, zero: false, verbose: false, keep: false, shutdownOnEof: false, waitSec: undefined, quitSec: undefined, port: undefined, operands: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith("-") || a === "-") {
      o.operands.push(a);
      continue;
    }
    for (let k = 1; k < a.length; k++) {
      const f = a[k]!;
      const value = () => {
        const v = a.slice(k + 1) || args[++i];
        k = a.length;
        return v;
      };
      if (f === "l") o.listen = true;
      else if (f === "z") o.zero = true;
      else if (f === "v") o.verbose = true;
      else if (f === "k") o.keep = true;
      else if (f === "N") o.shutdownOnEof = true;
      else if (f === "n" || f === "4" || f === "6" || f === "d" || f === "D" || f === "C" || f === "t") continue;
      else if (f === "w") o.waitSec = Number(value());
      else if (f === "q") o.quitSec = Number(value());
      else if (f === "p") o.port = value();
      else if (f === "s" || f === "i" || f === "I" || f === "O" || f === "T" || f === "X" || f === "x" || f === "M" || f === "m") value();
      else return `nc: invalid option -- '${f}'\nusage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]\n\t  [-m minttl] [-O length] [-P proxy_username] [-p source_port]\n\t  [-q seconds] [-s sourceaddr] [-T keyword] [-V rtable] [-W recvlimit]\n\t  [-w timeout] [-X proxy_protocol] [-x proxy_address[:port]]\n\t  [destination] [port]\n`;
    }
  }
  return o;
}

/**
 * Pumps data both ways: stdin to the peer, the peer to stdout. Ends when the peer closes (or
 * `-q` seconds after stdin ends, or after `-w` seconds of silence); `untilBothClosed` (busybox's
 * nc): only once its own input has ended too, which closes the connection.
 */
function* pump(
  ctx: ProcessContext,
  conn: Connection,
  o: Pick<NcOptions, "waitSec" | "shutdownOnEof" | "quitSec"> & { untilBothClosed?: boolean },
  counts?: { sent: number; received: number },
): Proc<number> {
  const done = new Future<number>();
  let idleTimer: ReturnType<ProcessContext["timer"]> | undefined;
  const touch = () => {
    if (o.waitSec === undefined) return;
    ctx.cancelTimer(idleTimer);
    idleTimer = ctx.timer(o.waitSec * 1000, () => done.resolve(0));
  };
  conn.onData = (payload) => {
    touch();
    const text = payloadText(payload);
    if (counts !== undefined) counts.received += Buffer.byteLength(text);
    ctx.stdout.write(text);
  };
  if (o.untilBothClosed !== true) conn.onEnd = () => done.resolve(0);
  conn.onClose = (reason) => done.resolve(reason === "closed" ? 0 : 1);
  touch();
  // Standard input is copied to the peer beside the wait for the peer to finish.
  const copier = new Job(
    ctx.sim,
    (function* (): Proc<number> {
      for (;;) {
        const chunk = yield* wait(ctx.stdin.read());
        if (chunk === null) break;
        if (counts !== undefined) counts.sent += Buffer.byteLength(chunk);
        conn.send(chunk);
        touch();
      }
      if (o.shutdownOnEof) conn.end();
      if (o.quitSec !== undefined && o.quitSec >= 0) {
        yield* wait(sleep(ctx.sim, o.quitSec * 1000));
        done.resolve(0);
      }
      return 0;
    })(),
    new Set(),
  );
  const status = yield* wait(done);
  copier.kill(0);
  ctx.cancelTimer(idleTimer);
  conn.onData = undefined;
  conn.onEnd = undefined;
  conn.onClose = undefined;
  if (conn.state !== "closed") conn.end();
  return status;
}

export function* nc(ctx: ProcessContext): Proc<number> {
  const parsed = parseNc(ctx.argv.slice(1));
  if (typeof parsed === "string") {
    ctx.stderr.write(parsed);
    return 1;
  }
  const o = parsed;
  if (o.listen) {
    const port = Number(o.port ?? o.operands[o.operands.length - 1]);
    if (!Number.isInteger(port)) {
      ctx.stderr.write("nc: missing port with option -l\n");
      return 1;
    }
    const accepted = new Future<Connection>();
    const listener = ctx.net.listen(port, (conn) => {
      if (accepted.settled && !o.keep) {
        conn.destroy();
        return;
      }
      accepted.resolve(conn);
    });
    if (o.verbose) ctx.stderr.write(`Listening on 0.0.0.0 ${port}\n`);
    const conn = yield* wait(accepted);
    if (!o.keep) listener.close();
    if (o.verbose) ctx.stderr.write(`Connection received on ${conn.remote.ip} ${conn.remote.port}\n`);
    return yield* pump(ctx, conn, o);
  }
  const [host, portText] = o.operands;
  if (host === undefined || portText === undefined) {
    ctx.stderr.write("usage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]\n\t  [-m minttl] [-O length] [-P proxy_username] [-p source_port]\n\t  [-q seconds] [-s sourceaddr] [-T keyword] [-V rtable] [-W recvlimit]\n\t  [-w timeout] [-X proxy_protocol] [-x proxy_address[:port]]\n\t  [destination] [port]\n");
    return 1;
  }
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    ctx.stderr.write(`nc: port number invalid: ${portText}\n`);
    return 1;
  }
  const ip = resolveHost(ctx.net, host);
  if (ip === undefined) {
    ctx.stderr.write(`nc: getaddrinfo for host "${host}" port ${port}: Name or service not known\n`);
    return 1;
  }
  const conn = ctx.net.connect(ip, port, o.waitSec === undefined ? {} : { timeoutMs: o.waitSec * 1000 });
  const opened = new Future<CloseReason | undefined>();
  conn.onOpen = () => opened.resolve(undefined);
  conn.onClose = (reason) => opened.resolve(reason);
  const failure = yield* wait(opened);
  const where = host === ip ? ip : `${host} (${ip})`;
  if (failure !== undefined) {
    if (o.verbose) {
      const what = failure === "ETIMEDOUT" ? "timed out: Operation now in progress" : `failed: ${STRERROR[failure] ?? failure}`;
      ctx.stderr.write(`nc: connect to ${where} port ${port} (tcp) ${what}\n`);
    }
    return 1;
  }
  if (o.verbose) ctx.stderr.write(`Connection to ${where} ${port} port [tcp/*] succeeded!\n`);
  if (o.zero) {
    conn.end();
    return 0;
  }
  return yield* pump(ctx, conn, o);
}

/**
 * busybox 1.28's nc as defconfig builds it (NC_110_COMPAT: nc_bloaty.c, from netcat 1.10), as a
 * client: HOST PORT (or HOST:PORT), `-v` says `HOST (IP:PORT) open` on stderr, `-z` only
 * connects, `-w` bounds the connect and, doubled, the silence after it. A refusal is silent
 * unless -vv, any other failure is told with -v; both exit 1. At the end of standard input it
 * half-closes and reads until the peer closes. A port that is no number is looked up in
 * /etc/services, which the image has not: it is port 0. Listening (-l -p) is the other nc's.
 */
export function* busyboxNc(ctx: ProcessContext): Proc<number> {
  let o: ParsedOptions;
  try {
    o = parseOptions(ctx.argv.slice(1), { short: "np:s:uvw:lki:o:ze:" });
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return usageFailure(ctx, "busybox", e.message);
  }
  for (const unmodelled of ["u", "s", "i", "o", "e"]) {
    if (has(o, unmodelled)) {
      ctx.stderr.write(`nc: ksim does not model busybox nc's -${unmodelled}\n`);
      return 1;
    }
  }
  const verbose = o.flags.get("v")?.length ?? 0;
  let waitSec: number | undefined;
  try {
    const w = last(o, "w");
    if (w !== undefined) waitSec = Number(xstrtou(w, 10, 0n, 2147483647n));
  } catch (e) {
    if (!(e instanceof BusyboxDie)) throw e;
    ctx.stderr.write(`nc: ${e.message}\n`);
    return 1;
  }
  if (has(o, "l") || has(o, "k")) return yield* nc(ctx);
  if (o.operands.length === 0 || o.operands.length > 2) return busyboxUsage(ctx, "nc", 1);
  const typed = o.operands[0]!;
  if (o.operands.length === 1 && !typed.includes(":")) return busyboxUsage(ctx, "nc", 1);
  const [host, portText] = o.operands.length === 2 ? [typed, o.operands[1]!] : [typed.replace(/:[^:]*$/, ""), /:([^:]*)$/.exec(typed)![1]!];
  // bb_lookup_port: a number, else the service's port, and 0 for a name /etc/services lacks.
  const port = /^\d+$/.test(portText) && Number(portText) <= 65535 ? Number(portText) : 0;
  const ip = resolveHost(ctx.net, host);
  if (ip === undefined) {
    ctx.stderr.write(`nc: bad address '${host}'\n`);
    return 1;
  }
  const counts = { sent: 0, received: 0 };
  const finish = (status: number): number => {
    if (verbose > 1) ctx.stderr.write(`sent ${counts.sent}, rcvd ${counts.received}\n`);
    return status;
  };
  const conn = ctx.net.connect(ip, port, waitSec !== undefined && waitSec > 0 ? { timeoutMs: waitSec * 1000 } : {});
  const opened = new Future<CloseReason | undefined>();
  conn.onOpen = () => opened.resolve(undefined);
  conn.onClose = (reason) => opened.resolve(reason);
  const failure = yield* wait(opened);
  const where = `${typed} (${ip}:${port})`;
  if (failure !== undefined) {
    if (verbose > 1 || (verbose === 1 && failure !== "ECONNREFUSED")) ctx.stderr.write(`nc: ${where}: ${STRERROR[failure] ?? failure}\n`);
    return finish(1);
  }
  if (verbose > 0) ctx.stderr.write(`${where} open\n`);
  if (has(o, "z")) {
    conn.end();
    return finish(0);
  }
  // Two polls of -w seconds that find nothing end it, and that is no error.
  yield* pump(ctx, conn, { waitSec: waitSec !== undefined && waitSec > 0 ? waitSec * 2 : undefined, shutdownOnEof: true, quitSec: undefined, untilBothClosed: true }, counts);
  return finish(0);
}

// ---- curl ---------------------------------------------------------------------------------------

interface CurlOptions {
  silent: boolean;
  showError: boolean;
  follow: boolean;
  output: string | undefined;
  remoteName: boolean;
  head: boolean;
  include: boolean;
  method: string | undefined;
  /** Each -d/--data-* argument with the option that gave it (they treat `@file` differently). */
  data: { readonly kind: string; readonly value: string }[];
  user: string | undefined;
  headers: string[];
  fail: boolean;
  writeOut: string | undefined;
  verbose: boolean;
  connectTimeout: number | undefined;
  maxTime: number | undefined;
  userAgent: string;
  maxRedirs: number;
  urls: string[];
}

const CURL_SHORT: Record<string, string> = { s: "silent", S: "show-error", L: "location", o: "output", O: "remote-name", I: "head", i: "include", X: "request", d: "data", H: "header", f: "fail", w: "write-out", v: "verbose", m: "max-time", k: "insecure", A: "user-agent", u: "user", "#": "progress-bar" };
const CURL_VALUED = new Set(["output", "request", "data", "data-ascii", "data-raw", "data-binary", "data-urlencode", "header", "write-out", "max-time", "connect-timeout", "user-agent", "user", "max-redirs", "retry", "cacert", "resolve"]);
const CURL_FLAGS = new Set(["silent", "show-error", "location", "remote-name", "head", "include", "fail", "verbose", "insecure", "progress-bar", "compressed", "http1.1", "no-progress-meter", "globoff"]);

function parseCurl(args: readonly string[]): CurlOptions | { error: string } {
  const o: CurlOptions = { silent: false, showError: false, follow: false, output: undefined, remoteName: false, head: false, include: false, method: undefined, data: [], user: undefined, headers: [], fail: false, writeOut: undefined, verbose: false, connectTimeout: undefined, maxTime: undefined, userAgent: "curl/7.88.1", maxRedirs: 50, urls: [] };
  const apply = (name: string, value: string | undefined) => {
    switch (name) {
      case "silent":
        o.silent = true;
        break;
      case "show-error":
        o.showError = true;
        break;
      case "location":
        o.follow = true;
        break;
      case "output":
        o.output = value;
        break;
      case "remote-name":
        o.remoteName = true;
        break;
      case "head":
        o.head = true;
        break;
      case "include":
        o.include = true;
        break;
      case "request":
        o.method = value;
        break;
      case "data":
      case "data-ascii":
      case "data-raw":
      case "data-binary":
      case "data-urlencode":
        o.data.push({ kind: name, value: value ?? "" });
        break;
      case "user":
        o.user = value;
        break;
      case "header":
        o.headers.push(value ?? "");
        break;
      case "fail":
        o.fail = true;
        break;
      case "write-out":
        o.writeOut = value;
        break;
      case "verbose":
        o.verbose = true;
        break;
      case "max-time":
        o.maxTime = Number(value);
        break;
      case "connect-timeout":
        o.connectTimeout = Number(value);
        break;
      case "user-agent":
        o.userAgent = value ?? "";
        break;
      case "max-redirs":
        o.maxRedirs = Number(value);
        break;
    }
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith("--")) {
      const name = a.slice(2);
      if (CURL_VALUED.has(name)) {
        const v = args[++i];
        if (v === undefined) return { error: `curl: option ${a}: requires parameter\n` };
        apply(name, v);
      } else if (CURL_FLAGS.has(name)) apply(name, undefined);
      else return { error: `curl: option ${a}: is unknown\n` };
      continue;
    }
    if (a.startsWith("-") && a.length > 1) {
      for (let k = 1; k < a.length; k++) {
        const name = CURL_SHORT[a[k]!];
        if (name === undefined) return { error: `curl: option ${a}: is unknown\n` };
        if (CURL_VALUED.has(name)) {
          const v = k + 1 < a.length ? a.slice(k + 1) : args[++i];
          if (v === undefined) return { error: `curl: option -${a[k]}: requires parameter\n` };
          apply(name, v);
          break;
        }
        apply(name, undefined);
      }
      continue;
    }
    o.urls.push(a);
  }
  return o;
}

/**
 * One request-body field as curl builds it: `-d @file` reads the file without its line breaks,
 * `--data-binary @file` reads it as is, `--data-raw` never reads, and `--data-urlencode` encodes
 * `content`, `=content`, `name=content`, `@file` or `name@file`.
 */
function dataField(ctx: ProcessContext, d: { readonly kind: string; readonly value: string }): string {
  const read = (file: string, keepNewlines: boolean): string => {
    try {
      const text = file === "-" ? "" : ctx.fs.readText(ctx.resolve(file));
      return keepNewlines ? text : text.replace(/[\r\n]/g, "");
    } catch {
      ctx.stderr.write(`Warning: Couldn't read data from file "${file}", this makes an \nWarning: empty POST.\n`);
      return "";
    }
  };
  const v = d.value;
  switch (d.kind) {
    case "data-raw":
      return v;
    case "data-binary":
      return v.startsWith("@") ? read(v.slice(1), true) : v;
    case "data-urlencode": {
      const eq = v.indexOf("=");
      const at = v.indexOf("@");
      if (eq >= 0 && (at < 0 || eq < at)) return `${v.slice(0, eq) === "" ? "" : `${v.slice(0, eq)}=`}${curlEscape(v.slice(eq + 1))}`;
      if (at >= 0) return `${at === 0 ? "" : `${v.slice(0, at)}=`}${curlEscape(read(v.slice(at + 1), true))}`;
      return curlEscape(v);
    }
    default:
      return v.startsWith("@") ? read(v.slice(1), false) : v;
  }
}

/** curl_easy_escape: everything but unreserved characters, as %XX. */
function curlEscape(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function writeOutFormat(format: string, vars: Record<string, string>): string {
  return format
    .replace(/%\{([a-z_]+)\}/g, (all, name: string) => vars[name] ?? all)
    .replace(/\\([ntr\\])/g, (_, c: string) => (c === "n" ? "\n" : c === "t" ? "\t" : c === "r" ? "\r" : "\\"));
}

export function* curl(ctx: ProcessContext): Proc<number> {
  const parsed = parseCurl(ctx.argv.slice(1));
  if ("error" in parsed) {
    ctx.stderr.write(parsed.error + "curl: try 'curl --help' or 'curl --manual' for more information\n");
    return 2;
  }
  const o = parsed;
  if (o.urls.length === 0) {
    ctx.stderr.write("curl: no URL specified!\ncurl: try 'curl --help' or 'curl --manual' for more information\n");
    return 2;
  }
  const showErrors = !o.silent || o.showError;
  const fail = (code: number, message: string): number => {
    if (showErrors) ctx.stderr.write(`curl: (${code}) ${message}\n`);
    return code;
  };
  let status = 0;
  for (const url of o.urls) {
    const started = ctx.sim.now;
    let method = o.method ?? (o.head ? "HEAD" : o.data.length > 0 ? "POST" : "GET");
    let body = o.data.length > 0 ? o.data.map((d) => dataField(ctx, d)).join("&") : undefined;
    const headers: Record<string, string> = { "User-Agent": o.userAgent, Accept: "*/*" };
    if (o.user !== undefined) headers["Authorization"] = `Basic ${Buffer.from(o.user.includes(":") ? o.user : `${o.user}:`).toString("base64")}`;
    if (body !== undefined) {
      headers["Content-Length"] = String(body.length);
      headers["Content-Type"] = "application/x-www-form-urlencoded";
    }
    for (const h of o.headers) {
      const colon = h.indexOf(":");
      if (colon > 0) headers[h.slice(0, colon).trim()] = h.slice(colon + 1).trim();
    }
    let target = url;
    let result: HttpResult | undefined;
    let redirects = 0;
    const timeoutMs = o.maxTime === undefined ? undefined : o.maxTime * 1000;
    for (;;) {
      const u = parseUrl(target);
      if (o.verbose && u !== undefined) ctx.stderr.write(`*   Trying ${resolveHost(ctx.net, u.host) ?? u.host}:${u.port}...\n`);
      result = yield* httpRequest(ctx, target, {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
        ...(timeoutMs !== undefined ? { timeoutMs: timeoutMs - (ctx.sim.now - started) } : {}),
        ...(o.connectTimeout !== undefined ? { connectTimeoutMs: o.connectTimeout * 1000 } : {}),
      });
      if (!result.ok || !o.follow) break;
      const location = header(result.response.headers, "Location");
      if (location === undefined || ![301, 302, 303, 307, 308].includes(result.response.status)) break;
      if (++redirects > o.maxRedirs) {
        status = fail(47, `Maximum (${o.maxRedirs}) redirects followed`);
        break;
      }
      if (result.response.status === 303 || ((result.response.status === 301 || result.response.status === 302) && method === "POST")) {
        method = "GET";
        body = undefined;
        delete headers["Content-Length"];
        delete headers["Content-Type"];
      }
      target = /^[a-z]+:\/\//i.test(location) ? location : `${result.url.scheme}://${result.url.host}:${result.url.port}${location.startsWith("/") ? location : `/${location}`}`;
    }
    if (status === 47) continue;
    const elapsed = ctx.sim.now - started;
    const vars: Record<string, string> = { http_code: "000", response_code: "000", url_effective: target, time_total: (elapsed / 1000).toFixed(6), size_download: "0", num_redirects: String(redirects), remote_ip: "", remote_port: "", content_type: "", redirect_url: "" };
    if (!result.ok) {
      const u = result.url;
      const host = u?.host ?? url;
      const port = u?.port ?? 80;
      switch (result.error) {
        case "url":
          status = fail(3, `URL using bad/illegal format or missing URL`);
          break;
        case "resolve":
          status = fail(6, `Could not resolve host: ${host}`);
          break;
        case "connect":
          status = fail(7, `Failed to connect to ${host} port ${port} after ${result.elapsedMs} ms: Couldn't connect to server`);
          break;
        case "connectTimeout":
          status = fail(28, `Failed to connect to ${host} port ${port} after ${result.elapsedMs} ms: Timeout was reached`);
          break;
        case "timeout":
          status = fail(28, `Operation timed out after ${result.elapsedMs} milliseconds with 0 bytes received`);
          break;
        case "emptyReply":
          status = fail(52, "Empty reply from server");
          break;
        case "reset":
          status = fail(56, "Recv failure: Connection reset by peer");
          break;
      }
      if (o.writeOut !== undefined) ctx.stdout.write(writeOutFormat(o.writeOut, vars));
      continue;
    }
    const r: HttpResponse = result.response;
    Object.assign(vars, {
      http_code: String(r.status).padStart(3, "0"),
      response_code: String(r.status),
      size_download: String(r.body.length),
      remote_ip: result.ip,
      remote_port: String(result.url.port),
      content_type: header(r.headers, "Content-Type") ?? "",
      redirect_url: header(r.headers, "Location") ?? "",
    });
    if (o.verbose) {
      ctx.stderr.write(`* Connected to ${result.url.host} (${result.ip}) port ${result.url.port} (#0)\n> ${method} ${result.url.path} HTTP/1.1\n`);
      ctx.stderr.write(Object.entries({ Host: result.url.host, ...headers }).map(([k, v]) => `> ${k}: ${v}\n`).join("") + ">\n");
      ctx.stderr.write(`< ${r.version} ${r.status} ${r.reason}\n` + Object.entries(r.headers).map(([k, v]) => `< ${k}: ${v}\n`).join("") + "<\n");
    }
    if (o.fail && r.status >= 400) {
      status = fail(22, `The requested URL returned error: ${r.status}`);
      if (o.writeOut !== undefined) ctx.stdout.write(writeOutFormat(o.writeOut, vars));
      continue;
    }
    const head = `${r.version} ${r.status} ${r.reason}\r\n` + Object.entries(r.headers).map(([k, v]) => `${k}: ${v}\r\n`).join("") + "\r\n";
    const text = (o.head || o.include ? head : "") + (o.head ? "" : r.body);
    let output = o.output;
    if (o.remoteName) {
      const name = result.url.path.replace(/[?#].*$/, "").split("/").pop() ?? "";
      if (name === "") {
        status = fail(23, "Remote file name has no length!");
        continue;
      }
      output = name;
    }
    try {
      if (output === undefined) ctx.stdout.write(text);
      else writeOutput(ctx, output, text);
    } catch {
      status = fail(23, "Failure writing output to destination");
      continue;
    }
    if (o.writeOut !== undefined) ctx.stdout.write(writeOutFormat(o.writeOut, vars));
  }
  return status;
}

// ---- busybox wget -------------------------------------------------------------------------------

export function* wget(ctx: ProcessContext): Proc<number> {
  const args = ctx.argv.slice(1);
  let quiet = false;
  let output: string | undefined;
  let timeoutSec: number | undefined;
  let spider = false;
  let serverResponse = false;
  const urls: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--spider") spider = true;
    else if (a === "-q" || a === "--quiet") quiet = true;
    else if (a === "-S" || a === "--server-response") serverResponse = true;
    else if (a.startsWith("-O")) output = a.length > 2 ? a.slice(2) : args[++i];
    else if (a === "-qO-" || a === "-qO") {
      quiet = true;
      output = a === "-qO-" ? "-" : args[++i];
    } else if (a === "-T") timeoutSec = Number(args[++i]);
    else if (/^-[qS]+O-?$/.test(a)) {
      quiet = quiet || a.includes("q");
      serverResponse = serverResponse || a.includes("S");
      output = a.endsWith("-") ? "-" : args[++i];
    } else if (a.startsWith("-") && a !== "-") return usageFailure(ctx, "busybox", `invalid option -- '${a.slice(1, 2)}'`);
    else urls.push(a);
  }
  if (urls.length === 0) return usageFailure(ctx, "busybox", "missing URL");
  let status = 0;
  for (const url of urls) {
    let u = parseUrl(url);
    if (u === undefined) {
      ctx.stderr.write(`wget: bad address '${url}'\n`);
      status = 1;
      continue;
    }
    // A 300-303 answer with a Location is followed, five times at most: an absolute one means a
    // new connection (and a new "Connecting to" line), a path the same server.
    // The output file is named before the first request, after the URL asked for.
    const named = u.path;
    let target = url;
    let redirectsLeft = 5;
    let r: HttpResponse | undefined;
    let connect = true;
    for (;;) {
      const ip = resolveHost(ctx.net, u.host);
      if (ip === undefined) {
        ctx.stderr.write(`wget: bad address '${u.host}'\n`);
        break;
      }
      if (connect && !quiet) ctx.stderr.write(`Connecting to ${u.host === ip ? ip : u.host} (${ip}:${u.port})\n`);
      const result = yield* httpRequest(ctx, target, { method: spider ? "HEAD" : "GET", headers: { "User-Agent": "Wget", Connection: "close" }, ...(timeoutSec !== undefined ? { timeoutMs: timeoutSec * 1000 } : {}) });
      if (!result.ok) {
        if (result.error === "connect") ctx.stderr.write(`wget: can't connect to remote host (${ip}): ${STRERROR[result.reason ?? "ECONNREFUSED"] ?? "Connection refused"}\n`);
        else if (result.error === "timeout" || result.error === "connectTimeout") ctx.stderr.write("wget: download timed out\n");
        else ctx.stderr.write("wget: error getting response: Connection reset by peer\n");
        break;
      }
      const res = result.response;
      if (serverResponse) ctx.stderr.write(`  ${res.version} ${res.status} ${res.reason}\n` + Object.entries(res.headers).map(([k, v]) => `  ${k}: ${v}\n`).join(""));
      const redirect = res.status >= 300 && res.status <= 303;
      if (!(res.status >= 200 && res.status < 300) && !redirect) {
        ctx.stderr.write(`wget: server returned error: ${res.version} ${res.status} ${res.reason}\n`);
        break;
      }
      const location = redirect ? header(res.headers, "Location") : undefined;
      if (location === undefined) {
        r = res;
        break;
      }
      if (--redirectsLeft === 0) {
        ctx.stderr.write("wget: too many redirections\n");
        break;
      }
      const absolute = location.startsWith("/") ? undefined : parseUrl(location);
      connect = absolute !== undefined;
      if (absolute !== undefined) u = absolute;
      target = absolute !== undefined ? location : `${u.scheme}://${u.host}:${u.port}${location}`;
    }
    if (r === undefined) {
      status = 1;
      continue;
    }
    if (spider) continue;
    const file = output ?? (named.replace(/[?#].*$/, "").split("/").pop() || "index.html");
    if (file === "-") {
      if (!quiet) ctx.stderr.write("writing to stdout\n");
      ctx.stdout.write(r.body);
      if (!quiet) ctx.stderr.write("written to stdout\n");
      continue;
    }
    if (!quiet) ctx.stderr.write(`saving to '${file}'\n`);
    try {
      writeOutput(ctx, file, r.body);
    } catch (e) {
      ctx.stderr.write(`wget: can't open '${file}': ${e instanceof Error ? e.message.replace(/^.*: /, "") : String(e)}\n`);
      status = 1;
      continue;
    }
    if (!quiet) ctx.stderr.write(`${file.padEnd(20)} 100% |${"*".repeat(31)}| ${String(r.body.length).padStart(5)}  0:00:00 ETA\n'${file}' saved\n`);
  }
  return status;
}

// ---- busybox nslookup ---------------------------------------------------------------------------

/** busybox 1.28's nslookup: the server, then the name and each address with its PTR name. */
export function* nslookup(ctx: ProcessContext): Proc<number> {
  const args = ctx.argv.slice(1).filter((a) => !a.startsWith("-"));
  const name = args[0];
  if (name === undefined) return usageFailure(ctx, "busybox", "missing operand");
  const server = args[1] !== undefined ? (resolveHost(ctx.net, args[1]) ?? args[1]) : ctx.net.nameserver;
  const serverName = ctx.net.reverse(server);
  let out = `Server:    ${server}\nAddress 1: ${server}${serverName !== undefined ? ` ${serverName}` : ""}\n\n`;
  const isIp = /^\d+\.\d+\.\d+\.\d+$/.test(name);
  const ips = isIp ? (ctx.net.reverse(name) !== undefined ? [name] : []) : name === "localhost" ? ["127.0.0.1"] : ctx.net.resolve(name);
  if (ips.length === 0) {
    ctx.stdout.write(out);
    ctx.stderr.write(`nslookup: can't resolve '${name}'\n`);
    return 1;
  }
  out += `Name:      ${name}\n`;
  ips.forEach((ip, i) => {
    const ptr = ip === "127.0.0.1" ? "localhost" : ctx.net.reverse(ip);
    out += `Address ${i + 1}: ${ip}${ptr !== undefined ? ` ${ptr}` : ""}\n`;
  });
  ctx.stdout.write(out);
  return 0;
}
