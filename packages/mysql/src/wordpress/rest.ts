import { type FileSystem, header, type HttpRequest, httpResponse, type HttpResponse } from "@ksim/kube";
import type { Proc, Sim } from "@ksim/sim";
import { formatDatetime } from "../sql/values.js";
import { insertPost, slug } from "./install.js";
import { checkPassword } from "./phpass.js";
import { esc, type Row, type Wpdb } from "./wpdb.js";

/**
 * The REST API's posts and media routes (/wp-json/wp/v2/…), with WordPress's JSON shapes,
 * error codes, paging headers and its JSON encoding (slashes and non-ASCII escaped, as PHP's
 * json_encode does). Writes need HTTP Basic credentials of an administrator; ksim checks them
 * against the account's login password (core would want an application password there, which it
 * only offers over HTTPS or in a local environment; see the package README).
 */

export interface RestContext {
  readonly sim: Sim;
  readonly db: Wpdb;
  /** The site's `home` option. */
  readonly home: string;
  readonly fs: FileSystem;
  /** The WordPress directory, for uploads. */
  readonly docroot: string;
}

/** wp_json_encode(): PHP escapes `/` and everything outside ASCII. */
export function phpJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, "\\/")
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function json(ctx: RestContext, status: number, body: unknown, extra: Record<string, string> = {}): HttpResponse {
  return httpResponse(status, phpJson(body), {
    "X-Robots-Tag": "noindex",
    Link: `<${ctx.home}/wp-json/>; rel="https://api.w.org/"`,
    "X-Content-Type-Options": "nosniff",
    "Access-Control-Expose-Headers": "X-WP-Total, X-WP-TotalPages, Link",
    "Access-Control-Allow-Headers": "Authorization, X-WP-Nonce, Content-Disposition, Content-MD5, Content-Type",
    ...extra,
    "Content-Type": "application/json; charset=UTF-8",
  });
}

function error(ctx: RestContext, status: number, code: string, message: string, data: Record<string, unknown> = {}): HttpResponse {
  return json(ctx, status, { code, message, data: { status, ...data } });
}

/** the_content's rendering of what the model stores: block comments dropped, bare text in paragraphs. */
function render(content: string): string {
  const html = content.replace(/<!-- \/?wp:[^>]*-->\n?/g, "").trim();
  if (html === "") return "";
  if (/^<(p|h\d|ul|ol|figure|div|blockquote)[\s>]/.test(html)) return `\n${html}\n`;
  return html
    .split(/\n\s*\n/)
    .map((para) => `<p>${para.replace(/\n/g, "<br />\n")}</p>\n`)
    .join("\n");
}

function excerpt(content: string): string {
  const text = content.replace(/<[^>]+>/g, "").replace(/\s+/g, " ").trim();
  const words = text.split(" ");
  if (text === "") return "";
  return words.length > 55 ? `<p>${words.slice(0, 55).join(" ")} [&hellip;]</p>\n` : `<p>${text}</p>\n`;
}

function iso(datetime: string | null | undefined): string {
  return (datetime ?? "").replace(" ", "T");
}

export function postLink(home: string, row: Row): string {
  if (row["post_type"] === "page") return `${home}/${row["post_name"]}/`;
  if (row["post_status"] !== "publish" || row["post_name"] === "") return `${home}/?p=${row["ID"]}`;
  const d = row["post_date"] ?? "";
  return `${home}/${d.slice(0, 4)}/${d.slice(5, 7)}/${d.slice(8, 10)}/${row["post_name"]}/`;
}

function postJson(ctx: RestContext, row: Row): Record<string, unknown> {
  const id = Number(row["ID"]);
  const base = `${ctx.home}/wp-json/wp/v2/${row["post_type"] === "attachment" ? "media" : "posts"}`;
  const common = {
    id,
    date: iso(row["post_date"]),
    date_gmt: iso(row["post_date_gmt"]),
    guid: { rendered: row["guid"] },
    modified: iso(row["post_modified"]),
    modified_gmt: iso(row["post_modified_gmt"]),
    slug: row["post_name"],
    status: row["post_status"],
    type: row["post_type"],
    link: row["post_type"] === "attachment" ? `${ctx.home}/?attachment_id=${id}` : postLink(ctx.home, row),
    title: { rendered: row["post_title"] },
    author: Number(row["post_author"]),
  };
  if (row["post_type"] === "attachment") {
    const mime = row["post_mime_type"] ?? "";
    return {
      ...common,
      comment_status: row["comment_status"],
      ping_status: row["ping_status"],
      template: "",
      meta: [],
      description: { rendered: "" },
      caption: { rendered: "" },
      alt_text: "",
      media_type: mime.startsWith("image/") ? "image" : "file",
      mime_type: mime,
      post: Number(row["post_parent"]) || null,
      source_url: row["guid"],
      _links: { self: [{ href: `${base}/${id}` }], collection: [{ href: base }] },
    };
  }
  const content = row["post_content"] ?? "";
  return {
    ...common,
    content: { rendered: render(content), protected: false },
    excerpt: { rendered: excerpt(content), protected: false },
    featured_media: 0,
    comment_status: row["comment_status"],
    ping_status: row["ping_status"],
    sticky: false,
    template: "",
    format: "standard",
    meta: [],
    categories: [1],
    tags: [],
    _links: {
      self: [{ href: `${base}/${id}` }],
      collection: [{ href: base }],
      about: [{ href: `${ctx.home}/wp-json/wp/v2/types/post` }],
      author: [{ embeddable: true, href: `${ctx.home}/wp-json/wp/v2/users/${row["post_author"]}` }],
    },
  };
}

/** The request's parameters: query string, then a JSON or form-encoded body. */
function params(req: HttpRequest, query: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = Object.fromEntries(query.entries());
  const type = header(req.headers, "Content-Type") ?? "";
  if (type.startsWith("application/json") && req.body !== "") {
    try {
      const body = JSON.parse(req.body) as Record<string, unknown>;
      for (const [k, v] of Object.entries(body)) {
        if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") out[k] = String(v);
        else if (v !== null && typeof v === "object" && "raw" in v) out[k] = String((v as { raw: unknown }).raw);
      }
    } catch {
      out["__invalid_json"] = "1";
    }
  } else if (type.startsWith("application/x-www-form-urlencoded")) {
    for (const [k, v] of new URLSearchParams(req.body)) out[k] = v;
  }
  return out;
}

/** The user an Authorization: Basic header names, if its password is right; or the REST error. */
function* authenticate(ctx: RestContext, req: HttpRequest): Proc<{ id: number } | HttpResponse | undefined> {
  const auth = header(req.headers, "Authorization");
  if (auth === undefined || !/^Basic /i.test(auth)) return undefined;
  const decoded = Buffer.from(auth.slice(6).trim(), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  const login = colon < 0 ? decoded : decoded.slice(0, colon);
  const password = colon < 0 ? "" : decoded.slice(colon + 1);
  const rows = yield* ctx.db.rows(`SELECT ID, user_pass FROM ${ctx.db.table("users")} WHERE user_login = ${esc(login)} LIMIT 1`);
  if (!Array.isArray(rows)) return error(ctx, 500, "db_error", rows.message);
  const user = rows[0];
  if (user === undefined) return error(ctx, 401, "invalid_username", "Unknown username. Check again or try your email address.");
  if (!checkPassword(password, user["user_pass"] ?? "")) {
    return error(ctx, 401, "incorrect_password", `<strong>Error:</strong> The password you entered for the username <strong>${login}</strong> is incorrect.`);
  }
  return { id: Number(user["ID"]) };
}

export function* handleRest(ctx: RestContext, req: HttpRequest, route: string, query: URLSearchParams): Proc<HttpResponse> {
  const method = req.method === "HEAD" ? "GET" : req.method;
  const p = params(req, query);
  if (p["__invalid_json"] !== undefined) return error(ctx, 400, "rest_invalid_json", "Invalid JSON body passed.");
  const auth = yield* authenticate(ctx, req);
  if (auth !== undefined && "status" in auth) return auth;
  const user = auth?.id;
  const db = ctx.db;
  const posts = db.table("posts");
  /** The post, undefined if there is none, or the error response when the query failed. */
  const loadPost = function* (id: number, type: string): Proc<{ row: Row | undefined } | { failed: HttpResponse }> {
    const rows = yield* db.rows(`SELECT * FROM ${posts} WHERE ID = ${id} AND post_type = ${esc(type)}`);
    if (!Array.isArray(rows)) return { failed: error(ctx, 500, "db_error", rows.message) };
    return { row: rows[0] };
  };

  if ((route === "" || route === "/") && method === "GET") {
    return json(ctx, 200, {
      name: "",
      description: "",
      url: ctx.home,
      home: ctx.home,
      gmt_offset: 0,
      timezone_string: "",
      namespaces: ["oembed/1.0", "wp/v2", "wp-site-health/v1", "wp-block-editor/v1"],
      authentication: [],
      routes: { "/": { namespace: "", methods: ["GET"] }, "/wp/v2/posts": { namespace: "wp/v2", methods: ["GET", "POST"] }, "/wp/v2/media": { namespace: "wp/v2", methods: ["GET", "POST"] } },
    });
  }

  const collection = /^\/wp\/v2\/(posts|media)\/?$/.exec(route);
  const single = /^\/wp\/v2\/(posts|media)\/(\d+)\/?$/.exec(route);
  const type = (collection?.[1] ?? single?.[1]) === "media" ? "attachment" : "post";
  if (collection !== null && method === "GET") {
    const perPage = p["per_page"] === undefined ? 10 : Number(p["per_page"]);
    const page = p["page"] === undefined ? 1 : Number(p["page"]);
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) {
      return error(ctx, 400, "rest_invalid_param", "Invalid parameter(s): per_page", { params: { per_page: "per_page must be between 1 (inclusive) and 100 (inclusive)" } });
    }
    const status = type === "attachment" ? "inherit" : "publish";
    const rows = yield* db.rows(`SELECT SQL_CALC_FOUND_ROWS * FROM ${posts} WHERE 1=1 AND ${posts}.post_type = ${esc(type)} AND ((${posts}.post_status = ${esc(status)})) ORDER BY ${posts}.post_date DESC LIMIT ${(page - 1) * perPage}, ${perPage}`);
    if (!Array.isArray(rows)) return error(ctx, 500, "db_error", rows.message);
    const found = yield* db.rows("SELECT FOUND_ROWS()");
    const total = Array.isArray(found) ? Number(found[0]?.["FOUND_ROWS()"] ?? 0) : rows.length;
    const pages = Math.ceil(total / perPage);
    if (page > 1 && page > pages) return error(ctx, 400, "rest_post_invalid_page_number", "The page number requested is larger than the number of pages available.");
    return json(ctx, 200, rows.map((r) => postJson(ctx, r)), { "X-WP-Total": String(total), "X-WP-TotalPages": String(pages), Allow: "GET, POST" });
  }
  if (single !== null && method === "GET") {
    const loaded = yield* loadPost(Number(single[2]), type);
    if ("failed" in loaded) return loaded.failed;
    const post = loaded.row;
    if (post === undefined || (post["post_status"] !== "publish" && post["post_status"] !== "inherit" && user === undefined)) {
      return error(ctx, 404, "rest_post_invalid_id", "Invalid post ID.");
    }
    return json(ctx, 200, postJson(ctx, post), { Allow: "GET, POST, PUT, PATCH, DELETE" });
  }
  if (collection?.[1] === "posts" && method === "POST") {
    if (user === undefined) return error(ctx, 401, "rest_cannot_create", "Sorry, you are not allowed to create posts as this user.");
    return yield* createPost(ctx, user, p);
  }
  if (collection?.[1] === "media" && method === "POST") {
    if (user === undefined) return error(ctx, 401, "rest_cannot_create", "Sorry, you are not allowed to upload media on this site.");
    return yield* upload(ctx, user, req);
  }
  if (single?.[1] === "posts" && (method === "POST" || method === "PUT" || method === "PATCH" || method === "DELETE")) {
    const id = Number(single[2]);
    if (user === undefined) return error(ctx, 401, method === "DELETE" ? "rest_cannot_delete" : "rest_cannot_edit", method === "DELETE" ? "Sorry, you are not allowed to delete this post." : "Sorry, you are not allowed to edit this post.");
    const loaded = yield* loadPost(id, "post");
    if ("failed" in loaded) return loaded.failed;
    if (loaded.row === undefined) return error(ctx, 404, "rest_post_invalid_id", "Invalid post ID.");
    const now = formatDatetime(ctx.sim.epochMs());
    if (method === "DELETE") {
      const r = yield* db.exec(`UPDATE ${posts} SET post_status = 'trash', post_modified = ${esc(now)}, post_modified_gmt = ${esc(now)} WHERE ID = ${id}`);
      if (!("insertId" in r)) return error(ctx, 500, "db_update_error", "Could not update post in the database.");
    } else {
      const sets: string[] = [`post_modified = ${esc(now)}`, `post_modified_gmt = ${esc(now)}`];
      if (p["title"] !== undefined) sets.push(`post_title = ${esc(p["title"])}`);
      if (p["content"] !== undefined) sets.push(`post_content = ${esc(p["content"])}`);
      if (p["status"] !== undefined) sets.push(`post_status = ${esc(p["status"])}`);
      const r = yield* db.exec(`UPDATE ${posts} SET ${sets.join(", ")} WHERE ID = ${id}`);
      if (!("insertId" in r)) return error(ctx, 500, "db_update_error", "Could not update post in the database.");
    }
    const updated = yield* loadPost(id, "post");
    if ("failed" in updated || updated.row === undefined) return error(ctx, 500, "db_update_error", "Could not update post in the database.");
    return json(ctx, 200, postJson(ctx, updated.row));
  }
  return error(ctx, 404, "rest_no_route", "No route was found matching the URL and request method.");
}

function* uniqueSlug(ctx: RestContext, base: string): Proc<string> {
  const posts = ctx.db.table("posts");
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    const rows = yield* ctx.db.rows(`SELECT post_name FROM ${posts} WHERE post_name = ${esc(candidate)} AND post_type = 'post' AND ID != 0 LIMIT 1`);
    if (!Array.isArray(rows) || rows.length === 0) return candidate;
  }
}

function* createPost(ctx: RestContext, user: number, p: Record<string, string>): Proc<HttpResponse> {
  const db = ctx.db;
  const status = p["status"] ?? "draft";
  if (!["publish", "draft", "pending", "private", "future"].includes(status)) {
    return error(ctx, 400, "rest_invalid_param", "Invalid parameter(s): status", { params: { status: "status is not one of publish, future, draft, pending, private." } });
  }
  const title = p["title"] ?? "";
  const content = p["content"] ?? "";
  if (title === "" && content === "" && (p["excerpt"] ?? "") === "") return error(ctx, 400, "empty_content", "Content, title, and excerpt are empty.");
  const date = formatDatetime(ctx.sim.epochMs());
  const name = status === "publish" ? yield* uniqueSlug(ctx, slug(title) || "auto-draft") : "";
  const inserted = yield* db.exec(insertPost(db.prefix, { author: user, date, content, title, status, name, guid: "", type: "post", commentCount: 0 }));
  if (!("insertId" in inserted)) return error(ctx, 500, "db_insert_error", "Could not insert post into the database.");
  const id = inserted.insertId;
  const guid = `${ctx.home}/?p=${id}`;
  const steps = [
    `UPDATE ${db.table("posts")} SET guid = ${esc(guid)} WHERE ID = ${id}`,
    `INSERT INTO ${db.table("term_relationships")} (object_id, term_taxonomy_id) VALUES (${id}, 1)`,
    `UPDATE ${db.table("term_taxonomy")} SET count = count + 1 WHERE term_taxonomy_id = 1`,
  ];
  for (const sql of steps) {
    const r = yield* db.exec(sql);
    if (!("insertId" in r)) return error(ctx, 500, "db_insert_error", "Could not insert post into the database.");
  }
  const rows = yield* db.rows(`SELECT * FROM ${db.table("posts")} WHERE ID = ${id}`);
  if (!Array.isArray(rows) || rows[0] === undefined) return error(ctx, 500, "db_insert_error", "Could not insert post into the database.");
  return json(ctx, 201, postJson(ctx, rows[0]), { Location: `${ctx.home}/wp-json/wp/v2/posts/${id}`, Allow: "GET, POST" });
}

const MIME: Record<string, string> = {
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  gif: "image/gif",
  webp: "image/webp",
  txt: "text/plain",
  pdf: "application/pdf",
  mp3: "audio/mpeg",
  mp4: "video/mp4",
};

export function mimeOf(name: string): string | undefined {
  return MIME[name.slice(name.lastIndexOf(".") + 1).toLowerCase()];
}

/** POST /wp/v2/media: the body lands in wp-content/uploads/YYYY/MM on the site's volume. */
function* upload(ctx: RestContext, user: number, req: HttpRequest): Proc<HttpResponse> {
  const disposition = header(req.headers, "Content-Disposition");
  const m = disposition === undefined ? null : /filename\*?=(?:"([^"]*)"|([^;]+))/i.exec(disposition);
  if (m === null) return error(ctx, 400, "rest_upload_no_content_disposition", "No Content-Disposition supplied.");
  const original = (m[1] ?? m[2] ?? "").trim();
  const mime = mimeOf(original);
  if (mime === undefined) return error(ctx, 500, "rest_upload_sideload_error", "Sorry, you are not allowed to upload this file type.");
  const clean = original.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/-+/g, "-");
  const dot = clean.lastIndexOf(".");
  const stem = clean.slice(0, dot);
  const ext = clean.slice(dot);
  const now = ctx.sim.epochMs();
  const date = formatDatetime(now);
  const sub = `${date.slice(0, 4)}/${date.slice(5, 7)}`;
  const dir = `${ctx.docroot}/wp-content/uploads/${sub}`;
  try {
    ctx.fs.mkdir(dir, { recursive: true, mode: 0o755 });
  } catch {
    return error(ctx, 500, "rest_upload_unknown_error", `Unable to create directory wp-content/uploads/${sub}. Is its parent directory writable by the server?`);
  }
  let file = `${stem}${ext}`;
  for (let n = 1; ctx.fs.exists(`${dir}/${file}`); n++) file = `${stem}-${n}${ext}`;
  ctx.fs.writeFile(`${dir}/${file}`, req.body, { mode: 0o644 });
  const url = `${ctx.home}/wp-content/uploads/${sub}/${file}`;
  const db = ctx.db;
  const name = slug(file.slice(0, file.lastIndexOf(".")));
  const inserted = yield* db.exec(insertPost(db.prefix, { author: user, date, content: "", title: file.slice(0, file.lastIndexOf(".")), status: "inherit", name, guid: url, type: "attachment", commentCount: 0, mimeType: mime }));
  if (!("insertId" in inserted)) return error(ctx, 500, "db_insert_error", "Could not insert post into the database.");
  const id = inserted.insertId;
  yield* db.exec(`INSERT INTO ${db.table("postmeta")} (post_id, meta_key, meta_value) VALUES (${id}, '_wp_attached_file', ${esc(`${sub}/${file}`)})`);
  const rows = yield* db.rows(`SELECT * FROM ${db.table("posts")} WHERE ID = ${id}`);
  if (!Array.isArray(rows) || rows[0] === undefined) return error(ctx, 500, "db_insert_error", "Could not insert post into the database.");
  return json(ctx, 201, postJson(ctx, rows[0]), { Location: `${ctx.home}/wp-json/wp/v2/media/${id}` });
}
