import { type FileSystem, header, type HttpRequest, httpResponse, type HttpResponse } from "@ksim/kube";
import { sleep, wait, type Proc, type Random, type Sim } from "@ksim/sim";
import type { ClientNet } from "../client/connection.js";
import { install, slug } from "./install.js";
import { alreadyInstalledPage, apacheError, DB_ERROR_PAGE, diePage, escHtml, loginPage, postArticle, setupErrorPage, successPage, themePage, welcomePage, type SetupFormValues } from "./pages.js";
import { handleRest, mimeOf, postLink } from "./rest.js";
import { dbConfig, esc, Wpdb, type Row } from "./wpdb.js";

/**
 * One HTTP request to the WordPress site, as Apache with mod_php and WordPress's .htaccess would
 * answer it: existing files are served as they are, everything else goes to WordPress, which
 * opens its database connection (failing with "Error establishing a database connection"),
 * sends an uninstalled site to /wp-admin/install.php, and otherwise renders the installer,
 * the REST API or the theme.
 */

export const DOCROOT = "/var/www/html";
export const POWERED_BY = "PHP/8.0.28";

export interface SiteContext {
  readonly sim: Sim;
  readonly net: ClientNet;
  /** The filesystem as the serving process sees it. */
  readonly fs: FileSystem;
  readonly random: Random;
  readonly env: ReadonlyMap<string, string>;
  /** Records wordpress.* trace events. */
  trace(type: string, data: Record<string, unknown>): void;
}

/** wp_get_nocache_headers() in 6.2 (6.3 added `no-store, private`). */
const NOCACHE = { Expires: "Wed, 11 Jan 1984 05:00:00 GMT", "Cache-Control": "no-cache, must-revalidate, max-age=0" };

// Apache sends the Content-Type PHP set after the other headers.
function html(status: number, body: string, extra: Record<string, string> = {}): HttpResponse {
  return httpResponse(status, body, { "X-Powered-By": POWERED_BY, ...extra, "Content-Type": "text/html; charset=UTF-8" });
}

/** wp_die()'s default handler: its own charset spelling, and no caching. */
function died(status: number, body: string): HttpResponse {
  return httpResponse(status, body, { "X-Powered-By": POWERED_BY, ...NOCACHE, "Content-Type": "text/html; charset=utf-8" });
}

/** wp_redirect(); the callers that first send nocache_headers() pass them in `extra`. */
function redirect(location: string, extra: Record<string, string> = {}): HttpResponse {
  return httpResponse(302, "", { "X-Powered-By": POWERED_BY, ...extra, "X-Redirect-By": "WordPress", Location: location, "Content-Type": "text/html; charset=UTF-8" });
}

function isFile(fs: FileSystem, path: string): boolean {
  return fs.exists(path) && fs.stat(path).type === "file";
}

function staticFile(fs: FileSystem, path: string): HttpResponse {
  const mime = mimeOf(path) ?? (path.endsWith(".css") ? "text/css" : path.endsWith(".js") ? "application/javascript" : path.endsWith(".html") ? "text/html" : "text/plain");
  return httpResponse(200, fs.readText(path), { "Content-Type": mime, "Accept-Ranges": "bytes" });
}

export function* handleRequest(site: SiteContext, req: HttpRequest): Proc<HttpResponse> {
  const hostHeader = header(req.headers, "Host") ?? "localhost";
  let url: URL;
  let path: string;
  try {
    url = new URL(req.path.startsWith("/") ? `http://localhost${req.path}` : "http://localhost/");
    path = decodeURIComponent(url.pathname);
  } catch {
    return httpResponse(400, "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>400 Bad Request</title>\n</head><body>\n<h1>Bad Request</h1>\n<p>Your browser sent a request that this server could not understand.<br />\n</p>\n</body></html>\n", { "Content-Type": "text/html; charset=iso-8859-1" });
  }
  const fs = site.fs;
  const file = `${DOCROOT}${path}`;
  if (!path.endsWith(".php") && isFile(fs, file)) return staticFile(fs, file);
  if (!fs.exists(`${DOCROOT}/index.php`)) return html(path === "/" ? 403 : 404, apacheError(path === "/" ? 403 : 404, hostHeader));
  const script = path.endsWith(".php") ? file : path.endsWith("/") && isFile(fs, `${file}index.php`) ? `${file}index.php` : undefined;
  if (script !== undefined && !isFile(fs, script)) return html(404, apacheError(404, hostHeader));
  // PHP's own time to bootstrap WordPress, before it talks to the database.
  yield* wait(sleep(site.sim, Math.round(site.random.logNormal(12, 0.3))));
  if (!isFile(fs, `${DOCROOT}/wp-config.php`)) {
    if (path === "/wp-admin/setup-config.php") return html(200, diePage("WordPress &rsaquo; Setup Configuration File", "<p>Welcome to WordPress. Before getting started, you will need to know the database name, username, password and host.</p>"));
    // wp-load.php sends a bare Location header here, not through wp_redirect().
    return httpResponse(302, "", { "X-Powered-By": POWERED_BY, Location: `http://${hostHeader}/wp-admin/setup-config.php`, "Content-Type": "text/html; charset=UTF-8" });
  }
  const db = yield* Wpdb.connect(site.sim, site.net, dbConfig(site.env), fs);
  if (!(db instanceof Wpdb)) {
    site.trace("db_error", { error: db.message });
    return died(500, DB_ERROR_PAGE);
  }
  try {
    return yield* route(site, db, req, url, path, hostHeader);
  } finally {
    db.close();
  }
}

function* route(site: SiteContext, db: Wpdb, req: HttpRequest, url: URL, path: string, hostHeader: string): Proc<HttpResponse> {
  const options = yield* db.rows(`SELECT option_name, option_value FROM ${db.table("options")} WHERE autoload = 'yes'`);
  const installed = Array.isArray(options) && options.some((o) => o["option_name"] === "siteurl");
  if (!Array.isArray(options) && options.code !== 1146) return died(500, DB_ERROR_PAGE);
  if (path === "/wp-admin/install.php") return yield* installer(site, db, req, url, hostHeader, installed);
  if (!installed) return redirect(`http://${hostHeader}/wp-admin/install.php`, NOCACHE);
  const option = (name: string) => (options as Row[]).find((o) => o["option_name"] === name)?.["option_value"] ?? "";
  const home = option("home");
  const restRoute = path.startsWith("/wp-json") ? path.slice("/wp-json".length) : url.searchParams.get("rest_route");
  if (restRoute !== null) {
    return yield* handleRest({ sim: site.sim, db, home, fs: site.fs, docroot: DOCROOT }, req, restRoute, url.searchParams);
  }
  if (path === "/wp-login.php") return html(200, loginPage(home), NOCACHE);
  if (path.startsWith("/wp-admin")) return redirect(`${home}/wp-login.php?redirect_to=${encodeURIComponent(`${home}${path}`)}&reauth=1`, NOCACHE);
  return yield* theme(db, url, path, home, option("blogname"));
}

/** The front end: the blog index, single posts (?p= or pretty permalinks), pages, and 404s. */
function* theme(db: Wpdb, url: URL, path: string, home: string, siteTitle: string): Proc<HttpResponse> {
  const posts = db.table("posts");
  const view = (r: Row) => ({ title: r["post_title"] ?? "", link: postLink(home, r), date: (r["post_date"] ?? "").replace(" ", "T"), content: (r["post_content"] ?? "").replace(/<!-- \/?wp:[^>]*-->\n?/g, "") });
  const pretty = /^\/(\d{4})\/(\d{2})\/(\d{2})\/([^/]+)\/?$/.exec(path);
  const pageSlug = /^\/([^/]+)\/?$/.exec(path);
  let where: string | undefined;
  if (url.searchParams.has("p")) where = `ID = ${Number(url.searchParams.get("p")) || 0} AND post_type = 'post'`;
  else if (url.searchParams.has("page_id")) where = `ID = ${Number(url.searchParams.get("page_id")) || 0} AND post_type = 'page'`;
  else if (pretty !== null) where = `post_name = ${esc(slug(pretty[4]!))} AND post_type = 'post'`;
  else if (pageSlug !== null && path !== "/") where = `post_name = ${esc(slug(pageSlug[1]!))} AND post_type = 'page'`;
  if (where !== undefined) {
    const rows = yield* db.rows(`SELECT * FROM ${posts} WHERE ${where} AND post_status = 'publish' LIMIT 1`);
    if (!Array.isArray(rows)) return died(500, DB_ERROR_PAGE);
    const post = rows[0];
    if (post === undefined) {
      return html(404, themePage(siteTitle, home, "error404", `Page not found &#8211; ${siteTitle}`, `<h1 class="has-text-align-center wp-block-heading">Page not found</h1>\n<p class="has-text-align-center">The page you are looking for does not exist, or it has been moved. Please try searching using the form below.</p>`));
    }
    return html(200, themePage(siteTitle, home, `post-template-default single single-post postid-${post["ID"]}`, `${post["post_title"]} &#8211; ${siteTitle}`, postArticle(view(post))), { Link: `<${home}/wp-json/wp/v2/posts/${post["ID"]}>; rel="alternate"; type="application/json"` });
  }
  if (path !== "/") return html(404, themePage(siteTitle, home, "error404", `Page not found &#8211; ${siteTitle}`, `<h1 class="has-text-align-center wp-block-heading">Page not found</h1>`));
  const rows = yield* db.rows(`SELECT SQL_CALC_FOUND_ROWS * FROM ${posts} WHERE 1=1 AND ${posts}.post_type = 'post' AND ((${posts}.post_status = 'publish')) ORDER BY ${posts}.post_date DESC LIMIT 0, 10`);
  if (!Array.isArray(rows)) return died(500, DB_ERROR_PAGE);
  return html(200, themePage(siteTitle, home, "home blog", siteTitle, rows.map((r) => postArticle(view(r))).join("\n")), { Link: `<${home}/wp-json/>; rel="https://api.w.org/"` });
}

/** sanitize_user( $name, true ): only these characters survive. */
function validUserName(name: string): boolean {
  return /^[A-Za-z0-9 _.\-@]+$/.test(name);
}

function isEmail(email: string): boolean {
  return /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(email) && email.length >= 6;
}

/** wp-admin/install.php. */
function* installer(site: SiteContext, db: Wpdb, req: HttpRequest, url: URL, hostHeader: string, installed: boolean): Proc<HttpResponse> {
  const siteUrl = `http://${hostHeader}`;
  // install.php sends nocache_headers() before anything else.
  const page = (status: number, body: string) => html(status, body, NOCACHE);
  if (installed) return page(200, alreadyInstalledPage(`${siteUrl}/wp-login.php`));
  const form = req.method === "POST" ? new URLSearchParams(req.body) : new URLSearchParams();
  const values: SetupFormValues = {
    weblogTitle: (form.get("weblog_title") ?? "").trim(),
    userName: (form.get("user_name") ?? "").trim(),
    adminEmail: (form.get("admin_email") ?? "").trim(),
    blogPublic: form.has("weblog_title") ? !form.has("blog_public") : true,
    language: form.get("language") ?? "",
  };
  const step = Number(url.searchParams.get("step") ?? "0") || 0;
  if (step < 2) return page(200, welcomePage(values));
  const password = form.get("admin_password") ?? "";
  const check = form.get("admin_password2") ?? "";
  let problem: string | undefined;
  if (values.userName === "") problem = "Please provide a valid username.";
  else if (!validUserName(values.userName)) problem = "The username you provided has invalid characters.";
  else if (password !== check) problem = "Your passwords do not match. Please try again.";
  else if (values.adminEmail === "") problem = "You must provide an email address.";
  else if (!isEmail(values.adminEmail)) problem = "Sorry, that isn&#8217;t a valid email address. Email addresses look like <code>username@example.com</code>.";
  if (problem !== undefined) return page(200, setupErrorPage(values, problem));
  const generated = password === "" ? site.random.hex(12) : undefined;
  const error = yield* install(db, { siteUrl, title: values.weblogTitle, userName: values.userName, email: values.adminEmail, blogPublic: values.blogPublic ? 1 : 0, password: generated ?? password }, site.sim.epochMs(), site.random);
  if (error !== undefined) {
    return died(500, diePage("WordPress &rsaquo; Error", `<div id="error"><p class="wpdberror"><strong>WordPress database error:</strong> [${escHtml(error.message)}]</p></div>`));
  }
  site.trace("install", { title: values.weblogTitle, user: values.userName, url: siteUrl });
  return page(200, successPage(values.userName, generated, `${siteUrl}/wp-login.php`));
}
