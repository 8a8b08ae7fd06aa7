import { Future, race, sleep, wait, type Address, type CloseReason, type Connection, type Listener, type Proc, type Sim, type Waitable } from "@ksim/sim";
import type { NetStack } from "./process.js";

/**
 * HTTP/1.1 over simulated connections. A request and a response each travel as one payload
 * (`{ type: "http.request", ... }`), so servers and clients need no byte parser; a server also
 * understands requests written as text (`printf 'GET / HTTP/1.0\r\n\r\n' | nc host 80`) and
 * answers those in text. Redirects, retries and printing are the caller's business.
 */

export type HttpHeaders = Readonly<Record<string, string>>;

export interface HttpRequest {
  readonly type: "http.request";
  readonly method: string;
  /** Path with query string, e.g. `/index.html?x=1`. */
  readonly path: string;
  readonly version: string;
  readonly headers: HttpHeaders;
  readonly body: string;
}

export interface HttpResponse {
  readonly type: "http.response";
  readonly status: number;
  readonly reason: string;
  readonly version: string;
  readonly headers: HttpHeaders;
  readonly body: string;
}

export const REASONS: Readonly<Record<number, string>> = {
  200: "OK",
  201: "Created",
  204: "No Content",
  301: "Moved Permanently",
  302: "Found",
  303: "See Other",
  304: "Not Modified",
  307: "Temporary Redirect",
  308: "Permanent Redirect",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Not Allowed",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Time-out",
};

export function isHttpRequest(x: unknown): x is HttpRequest {
  return typeof x === "object" && x !== null && (x as { type?: unknown }).type === "http.request";
}

export function isHttpResponse(x: unknown): x is HttpResponse {
  return typeof x === "object" && x !== null && (x as { type?: unknown }).type === "http.response";
}

/** A header's value, matched case-insensitively. */
export function header(headers: HttpHeaders, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const k of Object.keys(headers)) if (k.toLowerCase() === lower) return headers[k];
  return undefined;
}

export function httpResponse(status: number, body: string, headers: HttpHeaders = {}): HttpResponse {
  return { type: "http.response", status, reason: REASONS[status] ?? "", version: "HTTP/1.1", headers, body };
}

/** The message as it would appear on the wire (what `nc` prints). */
export function formatHttp(m: HttpRequest | HttpResponse): string {
  const start = m.type === "http.request" ? `${m.method} ${m.path} ${m.version}` : `${m.version} ${m.status} ${m.reason}`;
  const lines = [start, ...Object.entries(m.headers).map(([k, v]) => `${k}: ${v}`)];
  return lines.join("\r\n") + "\r\n\r\n" + m.body;
}

/** Parses one request from the front of `text`; undefined if it is not complete yet. */
export function parseHttpRequest(text: string): { request: HttpRequest; rest: string } | { error: string } | undefined {
  const end = text.search(/\r?\n\r?\n/);
  if (end < 0) return undefined;
  const sep = /\r?\n\r?\n/.exec(text.slice(end))![0];
  const head = text.slice(0, end).split(/\r?\n/);
  const m = /^([A-Z]+) (\S+)(?: (HTTP\/\d\.\d))?$/.exec(head[0] ?? "");
  if (m === null) return { error: "bad request line" };
  const headers: Record<string, string> = {};
  for (const line of head.slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  const length = Number(header(headers, "Content-Length") ?? "0");
  const bodyStart = end + sep.length;
  if (text.length < bodyStart + length) return undefined;
  return {
    request: { type: "http.request", method: m[1]!, path: m[2]!, version: m[3] ?? "HTTP/0.9", headers, body: text.slice(bodyStart, bodyStart + length) },
    rest: text.slice(bodyStart + length),
  };
}

export type HttpHandler = (request: HttpRequest, remote: Address) => HttpResponse | Waitable<HttpResponse>;

function isWaitable<T>(x: T | Waitable<T>): x is Waitable<T> {
  return typeof (x as { subscribe?: unknown }).subscribe === "function";
}

/**
 * Serves HTTP on `port`: requests on one connection are answered in order; `Connection: close`
 * or HTTP/1.0 ends the connection after the response.
 */
export function serveHttp(net: Pick<NetStack, "listen">, port: number, handler: HttpHandler): Listener {
  return net.listen(port, (conn) => serveConnection(conn, handler));
}

function serveConnection(conn: Connection, handler: HttpHandler): void {
  const queue: { request: HttpRequest; text: boolean }[] = [];
  let buffer = "";
  let busy = false;
  let peerDone = false;
  let closing = false;
  const finishIfIdle = () => {
    if (!busy && queue.length === 0 && (peerDone || closing)) conn.end();
  };
  const next = (): void => {
    if (busy || closing) return;
    const item = queue.shift();
    if (item === undefined) return finishIfIdle();
    busy = true;
    const send = (r: HttpResponse) => {
      busy = false;
      const body = item.request.method === "HEAD" ? "" : r.body;
      const response: HttpResponse = { ...r, body };
      conn.send(item.text ? formatHttp(response) : response);
      const connection = header(item.request.headers, "Connection")?.toLowerCase();
      if (connection === "close" || (item.request.version !== "HTTP/1.1" && connection !== "keep-alive")) closing = true;
      if (closing) conn.end();
      else next();
    };
    const result = handler(item.request, conn.remote);
    if (isWaitable(result)) result.subscribe(send);
    else send(result);
  };
  conn.onData = (payload) => {
    if (isHttpRequest(payload)) queue.push({ request: payload, text: false });
    else if (typeof payload === "string") {
      buffer += payload;
      for (;;) {
        const parsed = parseHttpRequest(buffer);
        if (parsed === undefined) break;
        if ("error" in parsed) {
          conn.send(formatHttp(httpResponse(400, "")));
          closing = true;
          conn.end();
          return;
        }
        buffer = parsed.rest;
        queue.push({ request: parsed.request, text: true });
      }
    }
    next();
  };
  conn.onEnd = () => {
    peerDone = true;
    finishIfIdle();
  };
}

export interface ParsedUrl {
  readonly scheme: string;
  readonly host: string;
  readonly port: number;
  /** Path with query, always starting with `/`. */
  readonly path: string;
}

/** `http://host:port/path`; a missing scheme means http. Undefined when malformed. */
export function parseUrl(url: string): ParsedUrl | undefined {
  const m = /^(?:([a-zA-Z][a-zA-Z0-9+.-]*):\/\/)?(?:[^@/]*@)?(\[[^\]]+\]|[^/:?#]*)(?::(\d*))?([^#]*)/.exec(url);
  if (m === null || m[2] === "") return undefined;
  const scheme = (m[1] ?? "http").toLowerCase();
  const port = m[3] !== undefined && m[3] !== "" ? Number(m[3]) : scheme === "https" ? 443 : 80;
  if (port > 65535) return undefined;
  let path = m[4] ?? "";
  if (!path.startsWith("/")) path = "/" + path;
  return { scheme, host: m[2]!.replace(/^\[|\]$/g, ""), port, path };
}

export interface HttpRequestOptions {
  readonly method?: string;
  readonly headers?: HttpHeaders;
  readonly body?: string;
  /** Gives up (error "timeout") if no response arrived in this long, connecting included. */
  readonly timeoutMs?: number;
  readonly connectTimeoutMs?: number;
}

export type HttpFailure = "url" | "resolve" | "connect" | "connectTimeout" | "timeout" | "emptyReply" | "reset";

export type HttpResult =
  | { readonly ok: true; readonly response: HttpResponse; readonly url: ParsedUrl; readonly ip: string }
  | {
      readonly ok: false;
      readonly error: HttpFailure;
      readonly url: ParsedUrl | undefined;
      readonly ip?: string;
      /** The socket error for "connect" and "reset". */
      readonly reason?: CloseReason;
      readonly elapsedMs: number;
    };

/** What a client needs: the clock and the network (a ProcessContext, or a kubelet's view). */
export interface HttpClientContext {
  readonly sim: Sim;
  readonly net: Pick<NetStack, "connect" | "resolve">;
}

/** Resolves a host name as clients do: literal IPs and `localhost` need no DNS. */
export function resolveHost(net: Pick<NetStack, "resolve">, host: string): string | undefined {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return host;
  if (host === "localhost" || host === "localhost.localdomain") return "127.0.0.1";
  return net.resolve(host)[0];
}

type Outcome = { kind: "response"; response: HttpResponse } | { kind: "failed"; error: HttpFailure; reason?: CloseReason };

/** Sends one request and waits for its response; the connection is closed afterwards. */
export function* httpRequest(ctx: HttpClientContext, url: string, options: HttpRequestOptions = {}): Proc<HttpResult> {
  const started = ctx.sim.now;
  const parsed = parseUrl(url);
  const elapsed = () => ctx.sim.now - started;
  if (parsed === undefined) return { ok: false, error: "url", url: parsed, elapsedMs: 0 };
  const ip = resolveHost(ctx.net, parsed.host);
  if (ip === undefined) return { ok: false, error: "resolve", url: parsed, elapsedMs: elapsed() };
  const connectTimeout = options.connectTimeoutMs ?? options.timeoutMs;
  const conn = ctx.net.connect(ip, parsed.port, connectTimeout === undefined ? {} : { timeoutMs: connectTimeout });
  const outcome = new Future<Outcome>();
  let opened = false;
  let text = "";
  const hostHeader = parsed.port === (parsed.scheme === "https" ? 443 : 80) ? parsed.host : `${parsed.host}:${parsed.port}`;
  const request: HttpRequest = {
    type: "http.request",
    method: options.method ?? "GET",
    path: parsed.path,
    version: "HTTP/1.1",
    headers: { Host: hostHeader, ...options.headers },
    body: options.body ?? "",
  };
  conn.onOpen = () => {
    opened = true;
    conn.send(request);
  };
  conn.onData = (payload) => {
    if (isHttpResponse(payload)) outcome.resolve({ kind: "response", response: payload });
    else if (typeof payload === "string") {
      text += payload;
      const r = parseHttpResponse(text);
      if (r !== undefined) outcome.resolve({ kind: "response", response: r });
    }
  };
  conn.onEnd = () => outcome.resolve({ kind: "failed", error: "emptyReply" });
  conn.onClose = (reason) => {
    if (!opened) outcome.resolve(reason === "ETIMEDOUT" ? { kind: "failed", error: "connectTimeout", reason } : { kind: "failed", error: "connect", reason });
    else outcome.resolve(reason === "closed" ? { kind: "failed", error: "emptyReply" } : { kind: "failed", error: "reset", reason });
  };
  let result: Outcome;
  if (options.timeoutMs === undefined) result = yield* wait(outcome);
  else {
    const r = yield* wait(race<Outcome | void>([outcome, sleep(ctx.sim, options.timeoutMs)]));
    result = r.index === 0 ? (r.value as Outcome) : { kind: "failed", error: opened ? "timeout" : "connectTimeout" };
  }
  conn.onData = undefined;
  conn.onEnd = undefined;
  conn.onClose = undefined;
  conn.onOpen = undefined;
  if (conn.state !== "closed") conn.end();
  if (result.kind === "response") return { ok: true, response: result.response, url: parsed, ip };
  return { ok: false, error: result.error, url: parsed, ip, ...(result.reason !== undefined ? { reason: result.reason } : {}), elapsedMs: elapsed() };
}

/** Parses a text response once it is complete (Content-Length, or the whole text when closed). */
function parseHttpResponse(text: string): HttpResponse | undefined {
  const end = text.search(/\r?\n\r?\n/);
  if (end < 0) return undefined;
  const sep = /\r?\n\r?\n/.exec(text.slice(end))![0];
  const head = text.slice(0, end).split(/\r?\n/);
  const m = /^(HTTP\/\d\.\d) (\d{3}) ?(.*)$/.exec(head[0] ?? "");
  if (m === null) return undefined;
  const headers: Record<string, string> = {};
  for (const line of head.slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  const length = header(headers, "Content-Length");
  const body = text.slice(end + sep.length);
  if (length !== undefined && body.length < Number(length)) return undefined;
  return { type: "http.response", status: Number(m[2]), reason: m[3]!, version: m[1]!, headers, body: length === undefined ? body : body.slice(0, Number(length)) };
}

/** Why a request failed, as Go's net/http client words it (after `Get "URL": `). */
export function goHttpError(r: Extract<HttpResult, { ok: false }>): string {
  const target = `${r.ip ?? r.url?.host ?? ""}:${r.url?.port ?? ""}`;
  switch (r.error) {
    case "connect":
      if (r.reason === "ECONNREFUSED") return `dial tcp ${target}: connect: connection refused`;
      if (r.reason === "EHOSTUNREACH") return `dial tcp ${target}: connect: no route to host`;
      return `dial tcp ${target}: i/o timeout`;
    case "connectTimeout":
    case "timeout":
      return "context deadline exceeded";
    case "reset":
      return `read tcp ${target}: read: connection reset by peer`;
    default:
      return "EOF";
  }
}
