import { FsError } from "@ksim/sim";
import type { FileSystem } from "@ksim/kube";

/**
 * nginx's configuration language, read as nginx reads it (src/core/ngx_conf_file.c): tokens,
 * blocks and `include` (globs too), each directive checked against the context it may appear in
 * and its number of arguments as it is read, so the first error in file order is the one
 * reported, with nginx's words and `in FILE:LINE`. What the model acts on is compiled into an
 * NginxConfig once per start (and per reload); everything else nginx knows is accepted and
 * ignored, and the contents of blocks the model does not run (`if`, `map`, `stream`, ...) are only
 * tokenized.
 */

/** An `[emerg]` configuration error: the text after `nginx: [emerg] `. */
export class NginxConfError extends Error {
  override name = "NginxConfError";
}

export type LogLevel = "debug" | "info" | "notice" | "warn" | "error" | "crit" | "alert" | "emerg";
const LOG_LEVELS: readonly LogLevel[] = ["emerg", "alert", "crit", "error", "warn", "notice", "info", "debug"];

/** Whether a log configured at `configured` records a message of `level`. */
export function logs(configured: LogLevel, level: LogLevel): boolean {
  return LOG_LEVELS.indexOf(level) <= LOG_LEVELS.indexOf(configured);
}

export interface ErrorLogConf {
  readonly path: string;
  readonly level: LogLevel;
}

/** A string with variables (`$host$request_uri`): literal text and variable names, alternating. */
export type Template = readonly string[];

export interface AccessLogConf {
  readonly path: string;
  readonly format: Template;
}

export interface ReturnConf {
  readonly code: number;
  readonly text: Template | undefined;
}

export interface ProxyConf {
  /** What the Host header names: `$proxy_host`, the host and a port other than 80. */
  readonly host: string;
  /** The addresses the names resolved to when the configuration was read, taken in turn. */
  readonly peers: readonly Peer[];
  /** The URI part of proxy_pass (`http://b/api/` → `/api/`), undefined when there is none. */
  readonly uri: string | undefined;
}

export interface Peer {
  readonly ip: string;
  readonly port: number;
}

/** The effective settings of a location (or of a server, for requests no location matches). */
export interface LocationConf {
  readonly root: Template;
  /** Replaces the location's prefix (or, in a regex location, the whole path). */
  readonly alias: Template | undefined;
  readonly index: readonly string[];
  readonly defaultType: string;
  readonly types: ReadonlyMap<string, string>;
  readonly ret: ReturnConf | undefined;
  readonly tryFiles: readonly Template[] | undefined;
  readonly proxy: ProxyConf | undefined;
  /** By status: the page, and the status to answer with (undefined: the error's; 0, for `=`: the page's). */
  readonly errorPages: ReadonlyMap<number, { readonly uri: string; readonly status: number | undefined }>;
  readonly accessLogs: readonly AccessLogConf[];
  readonly errorLog: ErrorLogConf;
  readonly internal: boolean;
  readonly absoluteRedirect: boolean;
  readonly portInRedirect: boolean;
  readonly serverTokens: boolean;
}

export interface Location {
  readonly modifier: "" | "=" | "^~" | "~" | "~*" | "@";
  readonly path: string;
  readonly regex: RegExp | undefined;
  readonly conf: LocationConf;
  readonly children: Locations;
}

/** The locations of one level, kept apart as nginx searches them. */
export interface Locations {
  readonly exact: ReadonlyMap<string, Location>;
  /** Prefix locations (with ^~), longest first. */
  readonly prefix: readonly Location[];
  /** Regex locations in the order they are written. */
  readonly regex: readonly Location[];
}

export interface Listen {
  readonly port: number;
  readonly defaultServer: boolean;
}

export interface Server {
  readonly names: readonly string[];
  readonly listens: readonly Listen[];
  /** The server's own settings, and its server-level `return`. */
  readonly conf: LocationConf;
  readonly locations: Locations;
  readonly named: ReadonlyMap<string, Location>;
}

export interface NginxConfig {
  readonly workerProcesses: number;
  readonly errorLog: ErrorLogConf;
  readonly pid: string;
  /** `daemon off;` from the file or from -g. */
  readonly daemon: boolean | undefined;
  readonly servers: readonly Server[];
  /** The ports to listen on, in the order the servers name them. */
  readonly ports: readonly number[];
  /** Each file read, in order, with its text (what `nginx -T` prints). */
  readonly files: readonly { readonly path: string; readonly text: string }[];
}

/** What differs between builds in how they read their configuration. */
export interface ConfBuild {
  /** `--prefix`, where relative paths (the default root `html`) start. */
  readonly prefix: string;
  /** `--error-log-path`, the error log before (and unless) the configuration names one. */
  readonly errorLogPath: string;
  /** `--http-log-path`, the access log unless the configuration names one. */
  readonly accessLogPath: string;
  readonly pidPath: string;
}

export const CONF_PREFIX = "/etc/nginx/";
export const CONF_PATH = "/etc/nginx/nginx.conf";

// Contexts a directive may appear in (NGX_MAIN_CONF, NGX_HTTP_SRV_CONF, ...).
const MAIN = 1;
const EVENTS = 2;
const HTTP = 4;
const SRV = 8;
const LOC = 16;
const UPS = 32;
const LIF = 64;
const LMT = 128;
const ANY = MAIN | EVENTS | HTTP | SRV | LOC | UPS | LIF | LMT;
const HSL = HTTP | SRV | LOC;

/** Arguments a directive takes: [min, max], or "flag" for on|off. */
type Args = readonly [number, number] | "flag";
const MORE = Infinity;

interface Spec {
  readonly ctx: number;
  readonly args: Args;
  /** A block directive; "skip" for blocks whose contents the model does not run. */
  readonly block?: true | "skip";
}

const s = (ctx: number, min: number, max = min): Spec => ({ ctx, args: [min, max] });
const flag = (ctx: number): Spec => ({ ctx, args: "flag" });
const skipBlock = (ctx: number, min: number, max = min): Spec => ({ ctx, args: [min, max], block: "skip" });

/** The directives of the modules the images build in that configurations commonly use. */
const DIRECTIVES: Readonly<Record<string, Spec>> = {
  include: s(ANY, 1),
  user: s(MAIN, 1, 2),
  worker_processes: s(MAIN, 1),
  worker_rlimit_nofile: s(MAIN, 1),
  worker_cpu_affinity: s(MAIN, 1, MORE),
  worker_priority: s(MAIN, 1),
  worker_shutdown_timeout: s(MAIN, 1),
  pid: s(MAIN, 1),
  daemon: flag(MAIN),
  master_process: flag(MAIN),
  load_module: s(MAIN, 1),
  env: s(MAIN, 1),
  pcre_jit: flag(MAIN),
  timer_resolution: s(MAIN, 1),
  thread_pool: s(MAIN, 2, 3),
  lock_file: s(MAIN, 1),
  error_log: s(MAIN | HSL, 1, MORE),
  events: { ctx: MAIN, args: [0, 0], block: true },
  worker_connections: s(EVENTS, 1),
  use: s(EVENTS, 1),
  multi_accept: flag(EVENTS),
  accept_mutex: flag(EVENTS),
  accept_mutex_delay: s(EVENTS, 1),
  http: { ctx: MAIN, args: [0, 0], block: true },
  stream: skipBlock(MAIN, 0),
  mail: skipBlock(MAIN, 0),
  server: { ctx: HTTP | UPS, args: [0, MORE], block: true },
  upstream: { ctx: HTTP, args: [1, 1], block: true },
  location: { ctx: SRV | LOC, args: [1, 2], block: true },
  types: { ctx: HSL, args: [0, 0], block: true },
  if: skipBlock(SRV | LOC, 1, MORE),
  limit_except: skipBlock(LOC, 1, MORE),
  map: skipBlock(HTTP, 2),
  geo: skipBlock(HTTP, 1, 2),
  split_clients: skipBlock(HTTP, 2),
  listen: s(SRV, 1, MORE),
  server_name: s(SRV, 1, MORE),
  root: s(HSL | LIF, 1),
  alias: s(LOC, 1),
  index: s(HSL, 1, MORE),
  try_files: s(SRV | LOC, 2, MORE),
  return: s(SRV | LOC | LIF, 1, 2),
  rewrite: s(SRV | LOC | LIF, 2, 3),
  rewrite_log: flag(HTTP | SRV | LOC | LIF),
  set: s(SRV | LOC | LIF, 2),
  break: s(SRV | LOC | LIF, 0),
  error_page: s(HSL | LIF, 2, MORE),
  recursive_error_pages: flag(HSL),
  internal: s(LOC, 0),
  default_type: s(HSL, 1),
  log_format: s(HTTP, 2, MORE),
  access_log: s(HSL | LIF | LMT, 1, MORE),
  open_log_file_cache: s(HSL, 1, 4),
  log_not_found: flag(HSL),
  log_subrequest: flag(HSL),
  autoindex: flag(HSL),
  autoindex_exact_size: flag(HSL),
  autoindex_localtime: flag(HSL),
  autoindex_format: s(HSL, 1),
  absolute_redirect: flag(HSL),
  port_in_redirect: flag(HSL),
  server_name_in_redirect: flag(HSL),
  server_tokens: s(HSL, 1),
  sendfile: flag(HSL | LIF),
  sendfile_max_chunk: s(HSL, 1),
  tcp_nopush: flag(HSL),
  tcp_nodelay: flag(HSL),
  aio: s(HSL, 1),
  directio: s(HSL, 1),
  output_buffers: s(HSL, 2),
  postpone_output: s(HSL, 1),
  keepalive_timeout: s(HSL, 1, 2),
  keepalive_requests: s(HSL, 1),
  keepalive_disable: s(HSL, 1, 2),
  send_timeout: s(HSL, 1),
  lingering_close: s(HSL, 1),
  reset_timedout_connection: flag(HSL),
  client_max_body_size: s(HSL, 1),
  client_body_buffer_size: s(HSL, 1),
  client_body_timeout: s(HSL, 1),
  client_body_temp_path: s(HSL, 1, 4),
  client_header_timeout: s(HTTP | SRV, 1),
  client_header_buffer_size: s(HTTP | SRV, 1),
  large_client_header_buffers: s(HTTP | SRV, 2),
  underscores_in_headers: flag(HTTP | SRV),
  ignore_invalid_headers: flag(HTTP | SRV),
  merge_slashes: flag(HTTP | SRV),
  server_names_hash_bucket_size: s(HTTP, 1),
  server_names_hash_max_size: s(HTTP, 1),
  variables_hash_bucket_size: s(HTTP, 1),
  variables_hash_max_size: s(HTTP, 1),
  types_hash_bucket_size: s(HSL, 1),
  types_hash_max_size: s(HSL, 1),
  open_file_cache: s(HSL, 1, 2),
  open_file_cache_valid: s(HSL, 1),
  open_file_cache_min_uses: s(HSL, 1),
  open_file_cache_errors: flag(HSL),
  resolver: s(HSL, 1, MORE),
  resolver_timeout: s(HSL, 1),
  etag: flag(HSL),
  if_modified_since: s(HSL, 1),
  expires: s(HSL | LIF, 1, 2),
  add_header: s(HSL | LIF, 2, 3),
  charset: s(HSL | LIF, 1),
  charset_types: s(HSL, 1, MORE),
  source_charset: s(HSL | LIF, 1),
  chunked_transfer_encoding: flag(HSL),
  msie_padding: flag(HSL),
  gzip: flag(HSL | LIF),
  gzip_types: s(HSL, 1, MORE),
  gzip_vary: flag(HSL),
  gzip_proxied: s(HSL, 1, MORE),
  gzip_comp_level: s(HSL, 1),
  gzip_min_length: s(HSL, 1),
  gzip_buffers: s(HSL, 2),
  gzip_http_version: s(HSL, 1),
  gzip_disable: s(HSL, 1, MORE),
  gzip_static: s(HSL, 1),
  ssi: flag(HSL | LIF),
  sub_filter: s(HSL, 2),
  sub_filter_once: flag(HSL),
  sub_filter_types: s(HSL, 1, MORE),
  allow: s(HSL | LMT, 1),
  deny: s(HSL | LMT, 1),
  satisfy: s(HSL, 1),
  auth_basic: s(HSL | LMT, 1),
  auth_basic_user_file: s(HSL | LMT, 1),
  limit_req_zone: s(HTTP, 3, 4),
  limit_req: s(HSL, 1, 3),
  limit_req_status: s(HSL, 1),
  limit_conn_zone: s(HTTP, 2),
  limit_conn: s(HSL, 2),
  limit_rate: s(HSL | LIF, 1),
  real_ip_header: s(HSL, 1),
  set_real_ip_from: s(HSL, 1),
  real_ip_recursive: flag(HSL),
  stub_status: s(SRV | LOC, 0, 1),
  http2: flag(HTTP | SRV),
  ssl_certificate: s(HTTP | SRV, 1),
  ssl_certificate_key: s(HTTP | SRV, 1),
  ssl_protocols: s(HTTP | SRV, 1, MORE),
  ssl_ciphers: s(HTTP | SRV, 1),
  ssl_prefer_server_ciphers: flag(HTTP | SRV),
  ssl_session_cache: s(HTTP | SRV, 1, 2),
  ssl_session_timeout: s(HTTP | SRV, 1),
  ssl_session_tickets: flag(HTTP | SRV),
  ssl_dhparam: s(HTTP | SRV, 1),
  proxy_pass: s(LOC | LIF | LMT, 1),
  proxy_set_header: s(HSL, 2),
  proxy_http_version: s(HSL, 1),
  proxy_connect_timeout: s(HSL, 1),
  proxy_read_timeout: s(HSL, 1),
  proxy_send_timeout: s(HSL, 1),
  proxy_redirect: s(HSL, 1, 2),
  proxy_buffering: flag(HSL),
  proxy_request_buffering: flag(HSL),
  proxy_buffer_size: s(HSL, 1),
  proxy_buffers: s(HSL, 2),
  proxy_busy_buffers_size: s(HSL, 1),
  proxy_cache: s(HSL, 1),
  proxy_cache_path: s(HTTP, 2, MORE),
  proxy_cache_valid: s(HSL, 1, MORE),
  proxy_cache_key: s(HSL, 1),
  proxy_hide_header: s(HSL, 1),
  proxy_pass_header: s(HSL, 1),
  proxy_intercept_errors: flag(HSL),
  proxy_next_upstream: s(HSL, 1, MORE),
  proxy_ssl_verify: flag(HSL),
  proxy_ssl_server_name: flag(HSL),
  proxy_set_body: s(HSL, 1),
  fastcgi_pass: s(LOC | LIF, 1),
  fastcgi_param: s(HSL, 2, 3),
  fastcgi_index: s(HSL, 1),
  fastcgi_split_path_info: s(LOC, 1),
  fastcgi_read_timeout: s(HSL, 1),
  fastcgi_buffers: s(HSL, 2),
  fastcgi_buffer_size: s(HSL, 1),
  fastcgi_intercept_errors: flag(HSL),
  uwsgi_pass: s(LOC | LIF, 1),
  uwsgi_param: s(HSL, 2, 3),
  grpc_pass: s(LOC | LIF, 1),
  keepalive: s(UPS, 1),
  least_conn: s(UPS, 0),
  ip_hash: s(UPS, 0),
  hash: s(UPS, 1, 2),
  zone: s(UPS, 1, 2),
};

/** The variables the model knows the value of; others are rejected as nginx rejects unknown ones. */
const VARIABLES = new Set([
  "uri", "document_uri", "request_uri", "args", "query_string", "is_args", "host", "hostname", "scheme", "server_name",
  "server_port", "server_addr", "server_protocol", "remote_addr", "remote_port", "remote_user", "request", "request_method",
  "document_root", "realpath_root", "status", "body_bytes_sent", "bytes_sent", "time_local", "time_iso8601", "msec",
  "request_time", "request_length", "pid", "nginx_version", "connection", "content_type", "content_length",
  "proxy_add_x_forwarded_for", "proxy_host", "upstream_addr", "upstream_status", "upstream_response_time", "request_id",
]);
const VARIABLE_PREFIXES = ["http_", "arg_", "cookie_", "sent_http_", "upstream_http_"];

/** Splits `text` into a Template; the names it uses go to `used` for checking at the end. */
function template(text: string, used: Set<string> | undefined): Template {
  const parts: string[] = [];
  const re = /\$(?:\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g;
  let last = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const name = m[1] ?? m[2]!;
    parts.push(text.slice(last, m.index), name);
    used?.add(name);
    last = m.index + m[0].length;
  }
  parts.push(text.slice(last));
  return parts;
}

function knownVariable(name: string): boolean {
  return VARIABLES.has(name) || /^\d$/.test(name) || VARIABLE_PREFIXES.some((p) => name.startsWith(p) && name.length > p.length);
}

/** The combined format nginx predefines. */
const COMBINED = '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"';

interface Token {
  readonly kind: "ok" | "block" | "done" | "eof";
  readonly args: readonly string[];
}

/** A file (or -g parameters) being read: ngx_conf_read_token over its text. */
class Source {
  pos = 0;
  line = 1;
  constructor(
    readonly name: string | undefined,
    readonly text: string,
  ) {}

  error(message: string): NginxConfError {
    return new NginxConfError(this.name === undefined ? `${message} in command line` : `${message} in ${this.name}:${this.line}`);
  }

  read(): Token {
    const text = this.text;
    const args: string[] = [];
    let needSpace = false;
    let lastSpace = true;
    let sharpComment = false;
    let variable = false;
    let quoted = false;
    let sQuoted = false;
    let dQuoted = false;
    let start = this.pos;
    for (;;) {
      if (this.pos >= text.length) {
        if (args.length > 0 || !lastSpace) {
          if (this.name === undefined) throw new NginxConfError('unexpected end of parameter, expecting ";" in command line');
          throw this.error('unexpected end of file, expecting ";" or "}"');
        }
        return { kind: "eof", args };
      }
      const ch = text[this.pos++]!;
      if (ch === "\n") {
        this.line++;
        sharpComment = false;
      }
      if (sharpComment) continue;
      if (quoted) {
        quoted = false;
        continue;
      }
      const space = ch === " " || ch === "\t" || ch === "\r" || ch === "\n";
      if (needSpace) {
        if (space) {
          lastSpace = true;
          needSpace = false;
          continue;
        }
        if (ch === ";") return { kind: "ok", args };
        if (ch === "{") return { kind: "block", args };
        if (ch === ")") {
          lastSpace = true;
          needSpace = false;
        } else throw this.error(`unexpected "${ch}"`);
      }
      if (lastSpace) {
        if (space) continue;
        start = this.pos - 1;
        switch (ch) {
          case ";":
          case "{":
            if (args.length === 0) throw this.error(`unexpected "${ch}"`);
            return { kind: ch === "{" ? "block" : "ok", args };
          case "}":
            if (args.length !== 0) throw this.error('unexpected "}"');
            return { kind: "done", args };
          case "#":
            sharpComment = true;
            continue;
          case "\\":
            quoted = true;
            lastSpace = false;
            continue;
          case '"':
            start++;
            dQuoted = true;
            lastSpace = false;
            continue;
          case "'":
            start++;
            sQuoted = true;
            lastSpace = false;
            continue;
          default:
            lastSpace = false;
        }
      } else {
        if (ch === "{" && variable) continue;
        variable = false;
        if (ch === "\\") {
          quoted = true;
          continue;
        }
        if (ch === "$") {
          variable = true;
          continue;
        }
        let found = false;
        if (dQuoted) {
          if (ch === '"') {
            dQuoted = false;
            needSpace = true;
            found = true;
          }
        } else if (sQuoted) {
          if (ch === "'") {
            sQuoted = false;
            needSpace = true;
            found = true;
          }
        } else if (space || ch === ";" || ch === "{") {
          lastSpace = true;
          found = true;
        }
        if (found) {
          args.push(unescape(text.slice(start, this.pos - 1)));
          if (ch === ";") return { kind: "ok", args };
          if (ch === "{") return { kind: "block", args };
        }
      }
    }
  }
}

/** A token read, and the line the text had reached at its end (where errors about it are reported). */
type Read = { readonly token: Token; readonly line: number } | { readonly error: NginxConfError };

/**
 * Tokens by file text: every pod of a Deployment reads the same files (mime.types above all),
 * and the parser only reads the tokens. Errors are kept in their place.
 */
const tokenCache = new Map<string, { readonly name: string | undefined; readonly reads: readonly Read[] }>();

/** Reads a file's (or -g's) tokens in order, tokenized once per text. */
class Tokens {
  private next = 0;
  line = 1;
  private readonly reads: readonly Read[];

  constructor(
    readonly name: string | undefined,
    text: string,
  ) {
    const cached = tokenCache.get(text);
    if (cached !== undefined && cached.name === name) this.reads = cached.reads;
    else {
      const src = new Source(name, text);
      const reads: Read[] = [];
      for (;;) {
        try {
          const token = src.read();
          reads.push({ token, line: src.line });
          if (token.kind === "eof") break;
        } catch (e) {
          if (!(e instanceof NginxConfError)) throw e;
          reads.push({ error: e });
          break;
        }
      }
      if (tokenCache.size >= 256) tokenCache.clear();
      tokenCache.set(text, { name, reads });
      this.reads = reads;
    }
  }

  read(): Token {
    const r = this.reads[this.next++]!;
    if ("error" in r) throw r.error;
    this.line = r.line;
    return r.token;
  }

  error(message: string): NginxConfError {
    return new NginxConfError(this.name === undefined ? `${message} in command line` : `${message} in ${this.name}:${this.line}`);
  }
}

function unescape(word: string): string {
  if (!word.includes("\\")) return word;
  return word.replace(/\\(["'\\tnr])/g, (_, c: string) => (c === "t" ? "\t" : c === "r" ? "\r" : c === "n" ? "\n" : c));
}

/** Settings as a block writes them, merged into its children's at the end (merge_loc_conf). */
interface RawConf {
  root?: Template;
  alias?: Template;
  index?: string[];
  defaultType?: string;
  types?: Map<string, string>;
  ret?: ReturnConf;
  tryFiles?: Template[];
  proxy?: ProxyConf;
  errorPages?: Map<number, { uri: string; status: number | undefined }>;
  accessLogs?: AccessLogConf[];
  errorLog?: ErrorLogConf;
  internal?: boolean;
  absoluteRedirect?: boolean;
  portInRedirect?: boolean;
  serverTokens?: boolean;
}

interface RawLocation {
  readonly modifier: Location["modifier"];
  readonly path: string;
  readonly regex: RegExp | undefined;
  readonly raw: RawConf;
  readonly children: RawLocation[];
}

interface RawServer {
  readonly names: string[];
  readonly listens: Listen[];
  readonly raw: RawConf;
  readonly locations: RawLocation[];
}

/** What a block's directives write to: the context and the settings of that level. */
interface Frame {
  readonly ctx: number;
  readonly raw: RawConf;
  readonly server?: RawServer;
  readonly location?: RawLocation;
  readonly locations?: RawLocation[];
  readonly upstream?: Peer[];
  readonly skip?: boolean;
  readonly types?: boolean;
}

/** Reads the configuration from `fs`. Throws NginxConfError with nginx's message. */
export function readNginxConfig(fs: FileSystem, build: ConfBuild, options: { readonly file?: string; readonly params?: string; readonly resolve?: (host: string) => string | undefined } = {}): NginxConfig {
  const file = options.file ?? CONF_PATH;
  const resolve = options.resolve ?? (() => undefined);
  // Thousands of pods start from the same files: a configuration read before is reused when
  // every file, directory listing and name it depended on still answers the same.
  const key = `${file}\0${options.params ?? ""}`;
  const byBuild = readCache.get(build) ?? new Map<string, CachedRead>();
  readCache.set(build, byBuild);
  const cached = byBuild.get(key);
  if (cached !== undefined && cached.lookups.every(([op, arg, answer]) => lookup(fs, resolve, op, arg) === answer)) return cached.config;
  const lookups: Lookup[] = [];
  const recorded = recording(fs, resolve, lookups);
  const config = new Reader(recorded.fs, build, recorded.resolve).read(file, options.params);
  if (byBuild.size >= 64) byBuild.clear();
  byBuild.set(key, { lookups, config });
  return config;
}

/** One question a configuration read asked of the filesystem or the resolver, and its answer. */
type Lookup = readonly [op: "readText" | "exists" | "readdir" | "stat" | "resolve", arg: string, answer: string];

interface CachedRead {
  readonly lookups: readonly Lookup[];
  /** Shared by every nginx that reads the same: never changed after it is made. */
  readonly config: NginxConfig;
}

const readCache = new WeakMap<ConfBuild, Map<string, CachedRead>>();

/** An answer as a string to compare: the value, or the error code a filesystem call threw. */
function lookup(fs: FileSystem, resolve: (host: string) => string | undefined, op: Lookup[0], arg: string): string {
  try {
    // Of a stat, the reader looks only at the type (glob skips directories).
    const value = op === "resolve" ? resolve(arg) : op === "stat" ? fs.stat(arg).type : fs[op](arg);
    return JSON.stringify(value ?? null);
  } catch (e) {
    if (e instanceof FsError) return `!${e.code}`;
    throw e;
  }
}

/** The filesystem and resolver the reader sees, noting every question it asks. */
function recording(fs: FileSystem, resolve: (host: string) => string | undefined, lookups: Lookup[]) {
  const ask = <T>(op: Lookup[0], arg: string, fn: () => T): T => {
    lookups.push([op, arg, lookup(fs, resolve, op, arg)]);
    return fn();
  };
  const view = Object.create(fs) as FileSystem;
  view.readText = (path) => ask("readText", path, () => fs.readText(path));
  view.exists = (path) => ask("exists", path, () => fs.exists(path));
  view.readdir = (path) => ask("readdir", path, () => fs.readdir(path));
  view.stat = (path) => ask("stat", path, () => fs.stat(path));
  return { fs: view, resolve: (host: string) => ask("resolve", host, () => resolve(host)) };
}

class Reader {
  private readonly main: RawConf = {};
  private workerProcesses: number | undefined;
  private errorLog: ErrorLogConf | undefined;
  private pid: string | undefined;
  private daemon: boolean | undefined;
  private readonly http: RawConf = {};
  private readonly servers: RawServer[] = [];
  private readonly upstreams = new Map<string, Peer[]>();
  /** proxy_pass targets, resolved once every upstream block is known. */
  private readonly proxies: { readonly peers: Peer[]; readonly name: string; readonly port: number; readonly where: string }[] = [];
  private readonly formats = new Map<string, Template>([["combined", template(COMBINED, undefined)]]);
  private readonly used = new Set<string>();
  /** Variables the configuration makes itself (map, geo, split_clients, set). */
  private readonly defined = new Set<string>();
  private readonly files: { path: string; text: string }[] = [];
  private seenHttp = false;
  private seenEvents = false;

  constructor(
    private readonly fs: FileSystem,
    private readonly build: ConfBuild,
    private readonly resolveHost: (host: string) => string | undefined,
  ) {}

  read(file: string, params: string | undefined): NginxConfig {
    const mainFrame: Frame = { ctx: MAIN, raw: this.main };
    if (params !== undefined && params !== "") this.parse(new Tokens(undefined, params), mainFrame, "param");
    this.parseFile(this.full(file, CONF_PREFIX), mainFrame);
    if (!this.seenEvents) throw new NginxConfError(`no "events" section in configuration`);
    for (const p of this.proxies) {
      const upstream = this.upstreams.get(p.name);
      if (upstream !== undefined) p.peers.push(...upstream);
      else p.peers.push({ ip: this.resolve(p.name, `host not found in upstream "${p.name}${p.port === 80 ? "" : `:${p.port}`}" in ${p.where}`), port: p.port });
    }
    for (const name of this.used) if (!knownVariable(name) && !this.defined.has(name)) throw new NginxConfError(`unknown "${name}" variable`);
    const errorLog = this.errorLog ?? { path: this.build.errorLogPath, level: "error" };
    const top = this.merge(this.defaults(errorLog), this.http);
    const servers = this.servers.map((srv) => this.compileServer(srv, top));
    const ports: number[] = [];
    for (const srv of servers) for (const l of srv.listens) if (!ports.includes(l.port)) ports.push(l.port);
    return {
      workerProcesses: this.workerProcesses ?? 1,
      errorLog,
      pid: this.pid ?? this.build.pidPath,
      daemon: this.daemon,
      servers,
      ports,
      files: this.files,
    };
  }

  private defaults(errorLog: ErrorLogConf): LocationConf {
    return {
      root: [`${this.build.prefix}html`],
      alias: undefined,
      index: ["index.html"],
      defaultType: "text/plain",
      types: new Map([["html", "text/html"], ["gif", "image/gif"], ["jpg", "image/jpeg"]]),
      ret: undefined,
      tryFiles: undefined,
      proxy: undefined,
      errorPages: new Map(),
      accessLogs: [{ path: this.build.accessLogPath, format: this.formats.get("combined")! }],
      errorLog,
      internal: false,
      absoluteRedirect: true,
      portInRedirect: true,
      serverTokens: true,
    };
  }

  /** A path relative to a prefix, as ngx_get_full_name makes it. */
  private resolve(host: string, error: string): string {
    const ip = /^\d+\.\d+\.\d+\.\d+$/.test(host) ? host : this.resolveHost(host);
    if (ip === undefined) throw new NginxConfError(error);
    return ip;
  }

  private full(path: string, prefix: string): string {
    return path.startsWith("/") ? path : prefix + path;
  }

  /** Reads a file; `from` is the file that includes it, where an error is reported. */
  private parseFile(path: string, frame: Frame, from?: Tokens): void {
    let text: string;
    try {
      text = this.fs.readText(path);
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
      const message = `open() "${path}" failed (${e.code === "EACCES" ? "13: Permission denied" : "2: No such file or directory"})`;
      throw from === undefined ? new NginxConfError(message) : from.error(message);
    }
    this.files.push({ path, text });
    this.parse(new Tokens(path, text), frame, "file");
  }

  /** ngx_conf_parse: reads statements until the block or file ends. */
  private parse(src: Tokens, frame: Frame, type: "file" | "block" | "param"): void {
    for (;;) {
      const token = src.read();
      if (token.kind === "done") {
        if (type !== "block") throw src.error('unexpected "}"');
        return;
      }
      if (token.kind === "eof") {
        if (type === "block") throw src.error('unexpected end of file, expecting "}"');
        return;
      }
      if (token.kind === "block" && type === "param") throw src.error("block directives are not supported in -g option");
      if (frame.skip) {
        if (token.kind === "block") this.parse(src, frame, "block");
        continue;
      }
      if (frame.types) {
        if (token.kind === "block") throw src.error('unexpected "{"');
        for (const ext of token.args.slice(1)) frame.raw.types!.set(ext.toLowerCase(), token.args[0]!);
        continue;
      }
      this.directive(src, frame, token);
    }
  }

  /** ngx_conf_handler: finds the directive, checks where it is and its arguments, runs it. */
  private directive(src: Tokens, frame: Frame, token: Token): void {
    const args = token.args;
    const name = args[0]!;
    const spec = DIRECTIVES[name];
    if (spec === undefined) throw src.error(`unknown directive "${name}"`);
    if ((spec.ctx & frame.ctx) === 0) throw src.error(`"${name}" directive is not allowed here`);
    // `server` is a block in http and a plain directive in upstream.
    const block = spec.block !== undefined && !(name === "server" && frame.ctx === UPS);
    if (!block && token.kind !== "ok") throw src.error(`directive "${name}" is not terminated by ";"`);
    if (block && token.kind !== "block") throw src.error(`directive "${name}" has no opening "{"`);
    const n = args.length - 1;
    if (spec.args === "flag") {
      if (n !== 1) throw src.error(`invalid number of arguments in "${name}" directive`);
      const v = args[1]!.toLowerCase();
      if (v !== "on" && v !== "off") throw src.error(`invalid value "${args[1]}" in "${name}" directive, it must be "on" or "off"`);
    } else if (n < spec.args[0] || n > spec.args[1] || (name === "server" && frame.ctx === HTTP && n !== 0)) {
      throw src.error(`invalid number of arguments in "${name}" directive`);
    }
    const defines = name === "map" || name === "split_clients" ? args[2] : name === "geo" ? args[args.length - 1] : name === "set" ? args[1] : undefined;
    if (defines?.startsWith("$")) this.defined.add(defines.slice(1));
    if (spec.block === "skip") {
      this.parse(src, { ctx: frame.ctx, raw: frame.raw, skip: true }, "block");
      return;
    }
    this.apply(src, frame, name, args);
  }

  private duplicate(src: Tokens, name: string): never {
    throw src.error(`"${name}" directive is duplicate`);
  }

  private apply(src: Tokens, frame: Frame, name: string, args: readonly string[]): void {
    const raw = frame.raw;
    const a1 = args[1]!;
    const on = () => a1.toLowerCase() === "on";
    switch (name) {
      case "include":
        return this.include(src, frame, a1);
      case "worker_processes": {
        if (this.workerProcesses !== undefined) this.duplicate(src, name);
        // ksim gives a container no CPU count of its own: auto starts one worker.
        const count = a1 === "auto" ? 1 : /^\d+$/.test(a1) ? Number(a1) : NaN;
        if (Number.isNaN(count)) throw src.error(`"worker_processes" directive invalid value`);
        this.workerProcesses = count;
        return;
      }
      case "pid":
        if (this.pid !== undefined) this.duplicate(src, name);
        this.pid = this.full(a1, this.build.prefix);
        return;
      case "daemon":
        if (this.daemon !== undefined) this.duplicate(src, name);
        this.daemon = on();
        return;
      case "error_log": {
        const path = a1 === "stderr" ? "/dev/stderr" : this.full(a1, this.build.prefix);
        const level = (args[2] ?? "error") as LogLevel;
        if (!LOG_LEVELS.includes(level)) throw src.error(`invalid log level "${args[2]}"`);
        // Several error_log lines all log; the model keeps the first, and the most verbose level.
        const previous = frame.ctx === MAIN ? this.errorLog : raw.errorLog;
        const conf = previous === undefined ? { path, level } : { path: previous.path, level: logs(level, previous.level) ? level : previous.level };
        if (frame.ctx === MAIN) this.errorLog = conf;
        else raw.errorLog = conf;
        return;
      }
      case "events":
        if (this.seenEvents) this.duplicate(src, name);
        this.seenEvents = true;
        return this.parse(src, { ctx: EVENTS, raw: {} }, "block");
      case "http":
        if (this.seenHttp) this.duplicate(src, name);
        this.seenHttp = true;
        return this.parse(src, { ctx: HTTP, raw: this.http }, "block");
      case "server":
        if (frame.ctx === UPS) return this.upstreamServer(src, frame, args);
        return this.server(src);
      case "upstream": {
        if (this.upstreams.has(a1)) throw src.error(`duplicate upstream "${a1}"`);
        const servers: Peer[] = [];
        this.upstreams.set(a1, servers);
        this.parse(src, { ctx: UPS, raw: {}, upstream: servers }, "block");
        if (servers.length === 0) throw src.error(`no servers are inside upstream`);
        return;
      }
      case "location":
        return this.location(src, frame, args);
      case "types":
        raw.types ??= new Map();
        return this.parse(src, { ctx: frame.ctx, raw, types: true }, "block");
      case "listen":
        return this.listen(src, frame, args);
      case "server_name":
        for (const n of args.slice(1)) frame.server!.names.push(n.toLowerCase());
        return;
      case "root":
      case "alias": {
        if (raw.root !== undefined || raw.alias !== undefined) {
          const earlier = raw.alias !== undefined ? "alias" : "root";
          if (earlier === name) this.duplicate(src, name);
          throw src.error(`"${name}" directive is duplicate, "${earlier}" directive was specified earlier`);
        }
        if (name === "alias" && frame.location?.modifier === "@") throw src.error(`the "alias" directive cannot be used inside the named location`);
        const t = template(a1.endsWith("/") && a1.length > 1 && name === "root" ? a1.slice(0, -1) : a1, this.used);
        if (name === "root") raw.root = t;
        else raw.alias = t;
        return;
      }
      case "index":
        raw.index = [...(raw.index ?? []), ...args.slice(1)];
        return;
      case "default_type":
        if (raw.defaultType !== undefined) this.duplicate(src, name);
        raw.defaultType = a1;
        return;
      case "try_files":
        if (raw.tryFiles !== undefined) this.duplicate(src, name);
        raw.tryFiles = args.slice(1).map((a) => template(a, this.used));
        return;
      case "return":
        return this.return(src, raw, args);
      case "error_page":
        return this.errorPage(src, raw, args);
      case "internal":
        raw.internal = true;
        return;
      case "log_format": {
        let i = 2;
        if (args[2]?.startsWith("escape=")) i = 3;
        if (this.formats.has(a1)) throw src.error(`duplicate "log_format" name "${a1}"`);
        this.formats.set(a1, template(args.slice(i).join(""), this.used));
        return;
      }
      case "access_log": {
        if (a1 === "off") {
          raw.accessLogs = [];
          return;
        }
        const formatName = args[2] ?? "combined";
        const format = this.formats.get(formatName);
        if (format === undefined) throw src.error(`unknown log format "${formatName}"`);
        raw.accessLogs = [...(raw.accessLogs ?? []), { path: this.full(a1, this.build.prefix), format }];
        return;
      }
      case "absolute_redirect":
        raw.absoluteRedirect = on();
        return;
      case "port_in_redirect":
        raw.portInRedirect = on();
        return;
      case "server_tokens":
        raw.serverTokens = a1 !== "off";
        return;
      case "proxy_pass":
        return this.proxyPass(src, frame, a1);
      default:
        // A directive the model knows is valid and has no effect on what it serves.
        return;
    }
  }

  private include(src: Tokens, frame: Frame, pattern: string): void {
    const path = this.full(pattern, CONF_PREFIX);
    if (!/[*?[]/.test(path)) return this.parseFile(path, frame, src);
    for (const file of glob(this.fs, path)) this.parseFile(file, frame, src);
  }

  private server(src: Tokens): void {
    const srv: RawServer = { names: [], listens: [], raw: {}, locations: [] };
    this.servers.push(srv);
    this.parse(src, { ctx: SRV, raw: srv.raw, server: srv, locations: srv.locations }, "block");
    if (srv.listens.length === 0) srv.listens.push({ port: 80, defaultServer: false });
  }

  private listen(src: Tokens, frame: Frame, args: readonly string[]): void {
    const value = args[1]!;
    let host = "";
    let portText = value;
    const v6 = /^\[([^\]]*)\](?::(.*))?$/.exec(value);
    if (v6 !== null) {
      host = v6[1]!;
      portText = v6[2] ?? "80";
    } else if (value.includes(":")) {
      host = value.slice(0, value.lastIndexOf(":"));
      portText = value.slice(value.lastIndexOf(":") + 1);
    } else if (!/^\d+$/.test(value)) {
      host = value;
      portText = "80";
    }
    const port = /^\d+$/.test(portText) ? Number(portText) : NaN;
    if (!(port >= 1 && port <= 65535)) throw src.error(`invalid port in "${value}" of the "listen" directive`);
    if (host !== "" && host !== "*" && v6 === null && !/^\d+\.\d+\.\d+\.\d+$/.test(host) && this.resolveHost(host) === undefined) {
      throw src.error(`host not found in "${value}" of the "listen" directive`);
    }
    let defaultServer = false;
    for (const opt of args.slice(2)) {
      if (opt === "default_server" || opt === "default") defaultServer = true;
      else if (!/^(ssl|http2|quic|proxy_protocol|reuseport|deferred|bind|(backlog|rcvbuf|sndbuf|ipv6only|so_keepalive|accept_filter|fastopen|setfib)=.*)$/.test(opt)) {
        throw src.error(`invalid parameter "${opt}"`);
      }
    }
    const srv = frame.server!;
    // Pods have no IPv6 here: [::]:80 shares the IPv4 socket of the port.
    if (srv.listens.some((l) => l.port === port)) {
      if (v6 === null) throw src.error(`a duplicate listen 0.0.0.0:${port}`);
      return;
    }
    if (defaultServer && this.servers.some((other) => other.listens.some((l) => l.port === port && l.defaultServer))) {
      throw src.error(`a duplicate default server for 0.0.0.0:${port}`);
    }
    srv.listens.push({ port, defaultServer });
  }

  private location(src: Tokens, frame: Frame, args: readonly string[]): void {
    let modifier: Location["modifier"] = "";
    let path = args[1]!;
    if (args.length === 3) {
      const m = args[1]!;
      if (m !== "=" && m !== "^~" && m !== "~" && m !== "~*") throw src.error(`invalid location modifier "${m}"`);
      modifier = m;
      path = args[2]!;
    } else if (path.startsWith("=") && path.length > 1) {
      modifier = "=";
      path = path.slice(1);
    } else if (path.startsWith("^~") && path.length > 2) {
      modifier = "^~";
      path = path.slice(2);
    } else if (path.startsWith("~*") && path.length > 2) {
      modifier = "~*";
      path = path.slice(2);
    } else if (path.startsWith("~") && path.length > 1) {
      modifier = "~";
      path = path.slice(1);
    } else if (path.startsWith("@")) {
      modifier = "@";
    }
    const parent = frame.location;
    if (parent !== undefined) {
      if (parent.modifier === "=") throw src.error(`location "${path}" cannot be inside the exact location "${parent.path}"`);
      if (parent.modifier === "@") throw src.error(`location "${path}" cannot be inside the named location "${parent.path}"`);
      if (modifier === "@") throw src.error(`named location "${path}" can be on the server level only`);
      if (modifier !== "~" && modifier !== "~*" && parent.regex === undefined && !path.startsWith(parent.path)) {
        throw src.error(`location "${path}" is outside location "${parent.path}"`);
      }
    }
    let regex: RegExp | undefined;
    if (modifier === "~" || modifier === "~*") {
      try {
        regex = new RegExp(pcreToJs(path), modifier === "~*" ? "i" : "");
      } catch {
        throw src.error(`pcre2_compile() failed: invalid pattern in "${path}"`);
      }
    }
    const siblings = frame.locations!;
    const kind = (m: Location["modifier"]) => (m === "^~" ? "" : m);
    if (regex === undefined && siblings.some((l) => l.regex === undefined && l.path === path && kind(l.modifier) === kind(modifier))) {
      throw src.error(`duplicate location "${path}"`);
    }
    const loc: RawLocation = { modifier, path, regex, raw: {}, children: [] };
    siblings.push(loc);
    this.parse(src, { ctx: LOC, raw: loc.raw, server: frame.server, location: loc, locations: loc.children }, "block");
  }

  private return(src: Tokens, raw: RawConf, args: readonly string[]): void {
    const a1 = args[1]!;
    if (args.length === 2 && /^(https?:\/\/|\$scheme)/.test(a1)) {
      raw.ret ??= { code: 302, text: template(a1, this.used) };
      return;
    }
    const code = /^\d+$/.test(a1) ? Number(a1) : NaN;
    if (!(code >= 0 && code <= 999)) throw src.error(`invalid return code "${a1}"`);
    raw.ret ??= { code, text: args[2] === undefined ? undefined : template(args[2], this.used) };
  }

  private errorPage(src: Tokens, raw: RawConf, args: readonly string[]): void {
    const uri = args[args.length - 1]!;
    let codes = args.slice(1, -1);
    let status: number | undefined;
    const last = codes[codes.length - 1]!;
    if (last.startsWith("=")) {
      codes = codes.slice(0, -1);
      status = last === "=" ? 0 : Number(last.slice(1));
      if (!Number.isInteger(status)) throw src.error(`invalid value "${last}"`);
      if (codes.length === 0) throw src.error(`invalid number of arguments in "error_page" directive`);
    }
    raw.errorPages ??= new Map();
    for (const c of codes) {
      const code = /^\d+$/.test(c) ? Number(c) : NaN;
      if (!(code >= 300 && code <= 599)) throw src.error(`value "${c}" must be between 300 and 599`);
      raw.errorPages.set(code, { uri, status });
    }
  }

  private proxyPass(src: Tokens, frame: Frame, url: string): void {
    if (frame.raw.proxy !== undefined) this.duplicate(src, "proxy_pass");
    const m = /^http:\/\/([^/:]+)(?::(\d+))?(\/.*)?$/i.exec(url);
    if (m === null) {
      if (/^https:\/\//i.test(url)) throw src.error(`https protocol requires SSL support`);
      throw src.error(`invalid URL prefix in "${url}"`);
    }
    const host = m[1]!;
    const port = m[2] === undefined ? 80 : Number(m[2]);
    if (!(port >= 1 && port <= 65535)) throw src.error(`invalid port in upstream "${url.slice(7)}"`);
    const uri = m[3];
    if (uri !== undefined && frame.location !== undefined && (frame.location.regex !== undefined || frame.location.modifier === "@")) {
      throw src.error(`"proxy_pass" cannot have URI part in location given by regular expression, or inside named location, or inside "if" statement, or inside "limit_except" block`);
    }
    const peers: Peer[] = [];
    this.proxies.push({ peers, name: host, port, where: `${src.name}:${src.line}` });
    frame.raw.proxy = { host: port === 80 ? host : `${host}:${port}`, peers, uri };
  }

  private upstreamServer(src: Tokens, frame: Frame, args: readonly string[]): void {
    const value = args[1]!;
    const colon = value.lastIndexOf(":");
    const host = colon < 0 ? value : value.slice(0, colon);
    const port = colon < 0 ? 80 : Number(value.slice(colon + 1));
    if (!(port >= 1 && port <= 65535)) throw src.error(`invalid port in "${value}" of the "server" directive`);
    frame.upstream!.push({ ip: this.resolve(host, src.error(`host not found in upstream "${value}"`).message), port });
  }

  /** Fills what a block did not set from its parent (ngx_http_core_merge_loc_conf). */
  private merge(parent: LocationConf, raw: RawConf): LocationConf {
    const types = raw.types ?? parent.types;
    return {
      root: raw.alias !== undefined ? parent.root : (raw.root ?? parent.root),
      alias: raw.alias,
      index: raw.index ?? parent.index,
      defaultType: raw.defaultType ?? parent.defaultType,
      types,
      ret: raw.ret,
      tryFiles: raw.tryFiles,
      proxy: raw.proxy,
      errorPages: raw.errorPages ?? parent.errorPages,
      accessLogs: raw.accessLogs ?? parent.accessLogs,
      errorLog: raw.errorLog ?? parent.errorLog,
      internal: raw.internal ?? false,
      absoluteRedirect: raw.absoluteRedirect ?? parent.absoluteRedirect,
      portInRedirect: raw.portInRedirect ?? parent.portInRedirect,
      serverTokens: raw.serverTokens ?? parent.serverTokens,
    };
  }

  private compileServer(srv: RawServer, http: LocationConf): Server {
    const conf = this.merge(http, srv.raw);
    // The server-level return runs before any location is looked for; locations do not inherit it.
    const inherited: LocationConf = { ...conf, ret: undefined, tryFiles: undefined };
    const named = new Map<string, Location>();
    const locations = this.compileLocations(srv.locations.filter((l) => l.modifier !== "@"), inherited);
    for (const l of srv.locations) if (l.modifier === "@") named.set(l.path, this.compileLocation(l, inherited));
    return { names: srv.names.length > 0 ? srv.names : [""], listens: srv.listens.map(({ port, defaultServer }) => ({ port, defaultServer })), conf, locations, named };
  }

  private compileLocation(l: RawLocation, parent: LocationConf): Location {
    const conf = this.merge(parent, l.raw);
    return { modifier: l.modifier, path: l.path, regex: l.regex, conf, children: this.compileLocations(l.children, { ...conf, ret: undefined, tryFiles: undefined, proxy: undefined, alias: undefined, root: conf.alias === undefined ? conf.root : parent.root }) };
  }

  private compileLocations(raw: readonly RawLocation[], parent: LocationConf): Locations {
    const exact = new Map<string, Location>();
    const prefix: Location[] = [];
    const regex: Location[] = [];
    for (const l of raw) {
      const loc = this.compileLocation(l, parent);
      if (l.modifier === "=") exact.set(l.path, loc);
      else if (l.regex !== undefined) regex.push(loc);
      else prefix.push(loc);
    }
    prefix.sort((a, b) => b.path.length - a.path.length);
    return { exact, prefix, regex };
  }
}

/** PCRE syntax JavaScript spells differently: named groups `(?P<name>`. */
function pcreToJs(re: string): string {
  return re.replace(/\(\?P</g, "(?<");
}

/** Files matching a glob pattern (`*`, `?`, `[...]` within a name), sorted as glob(3) sorts them. */
function glob(fs: FileSystem, pattern: string): string[] {
  const parts = pattern.split("/").filter((p) => p !== "");
  let paths = ["/"];
  for (const part of parts) {
    const next: string[] = [];
    const wild = /[*?[]/.test(part);
    const re = wild ? globPart(part) : undefined;
    for (const dir of paths) {
      const prefix = dir === "/" ? "/" : `${dir}/`;
      if (re === undefined) {
        if (fs.exists(prefix + part)) next.push(prefix + part);
        continue;
      }
      let names: string[];
      try {
        names = fs.readdir(dir);
      } catch {
        continue;
      }
      for (const name of [...names].sort()) if (!name.startsWith(".") && re.test(name)) next.push(prefix + name);
    }
    paths = next;
  }
  return paths.filter((p) => {
    try {
      return fs.stat(p).type !== "dir";
    } catch {
      return false;
    }
  });
}

function globPart(part: string): RegExp {
  let re = "";
  for (let i = 0; i < part.length; i++) {
    const c = part[i]!;
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = part.indexOf("]", i + 2);
      if (end < 0) re += "\\[";
      else {
        re += `[${part.slice(i + 1, end).replace(/^!/, "^").replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}
