import { History, spawn, type Proc } from "@ksim/sim";
import { describe, expect, it } from "vitest";
import { header, httpRequest, type HttpRequestOptions, type HttpResult } from "@ksim/kube";
import { hostNet } from "../src/workload/inserts.js";
import { checkAvailability, checkPosts, postsWorkload, verifyPosts } from "../src/workload/posts.js";
import { TestCluster, type Pod } from "./harness.js";

const DB_ENV = { MYSQL_ROOT_PASSWORD: "secret", MYSQL_DATABASE: "wordpress", MYSQL_USER: "wordpress", MYSQL_PASSWORD: "secret" };
const WP_ENV = { WORDPRESS_DB_HOST: "wordpress-mysql", WORDPRESS_DB_PASSWORD: "secret", WORDPRESS_DB_USER: "wordpress" };
const INSTALL = "weblog_title=Rehearsal&user_name=admin&admin_password=s3cret&admin_password2=s3cret&admin_email=admin%40example.com";
const AUTH = `Basic ${Buffer.from("admin:s3cret").toString("base64")}`;

/** The tutorial's two Deployments, each with its volume, and a client outside them. */
function tutorial(seed = 11) {
  const c = new TestCluster(seed);
  const mysqlSpec = { image: "mysql:8.0", env: DB_ENV, volumes: { "/var/lib/mysql": c.volume("pvc-mysql") } };
  let mysql: Pod = c.pod("wordpress-mysql-a", mysqlSpec);
  c.dns.set("wordpress-mysql", [mysql.ip]);
  c.advance(30_000);
  const wp = c.pod("wordpress-a", { image: "wordpress:6.2.1-apache", env: WP_ENV, volumes: { "/var/www/html": c.volume("wp-pv-claim") } });
  c.dns.set("wordpress", [wp.ip]);
  c.advance(2_000);
  const net = hostNet(c.net.addHost("client", "10.244.9.9"), (n) => c.dns.get(n) ?? []);
  const http = (path: string, options: HttpRequestOptions = {}): HttpResult => {
    let out: HttpResult | undefined;
    const t = spawn(c.sim, (function* (): Proc<void> {
      out = yield* httpRequest({ sim: c.sim, net }, `http://wordpress${path}`, options);
    })());
    c.sim.runWhile(() => !t.done, c.sim.now + 120_000);
    return out!;
  };
  const install = () => http("/wp-admin/install.php?step=2", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: INSTALL });
  return {
    c,
    wp,
    net,
    http,
    install,
    mysql: () => mysql,
    /** The MySQL pod is deleted and its Deployment starts another (Recreate), on a new IP. */
    replaceMysql: (spec = mysqlSpec) => {
      mysql.signal("SIGTERM");
      c.dns.set("wordpress-mysql", []);
      c.advance(3_000);
      mysql = c.pod(`wordpress-mysql-${c.sim.now}`, spec);
      c.advance(20_000);
      c.dns.set("wordpress-mysql", [mysql.ip]);
    },
  };
}

function status(r: HttpResult): number {
  if (!r.ok) throw new Error(`request failed: ${r.error}`);
  return r.response.status;
}

describe("WordPress on MySQL", () => {
  it("copies itself to the volume and writes wp-config.php on the first start", () => {
    const { wp } = tutorial();
    expect(wp.logs.split("\n").slice(0, 3)).toEqual([
      "WordPress not found in /var/www/html - copying now...",
      "Complete! WordPress has been successfully copied to /var/www/html",
      "No 'wp-config.php' found in /var/www/html, but 'WORDPRESS_...' variables supplied; copying 'wp-config-docker.php' (WORDPRESS_DB_HOST WORDPRESS_DB_PASSWORD WORDPRESS_DB_USER)",
    ]);
    expect(wp.logs).toMatch(/\[mpm_prefork:notice\] \[pid 1\] AH00163: Apache\/2\.4\.56 \(Debian\) PHP\/8\.0\.28 configured -- resuming normal operations/);
    const ps = wp.run(["ps", "aux"]).out.split("\n").filter((l) => l.endsWith("apache2 -DFOREGROUND"));
    expect(ps.length).toBe(6);
    expect(ps.filter((l) => l.startsWith("www-data")).length).toBe(5);
    expect(wp.run(["cat", "/var/www/html/wp-config.php"]).out).not.toContain("put your unique phrase here");
  });

  it("sends an uninstalled site to the installer, and installing creates WordPress's tables and first post", () => {
    const t = tutorial();
    const home = t.http("/");
    expect(status(home)).toBe(302);
    expect(home.ok && header(home.response.headers, "Location")).toBe("http://wordpress/wp-admin/install.php");
    // wp_not_installed() sends nocache_headers() before redirecting, so nothing caches the redirect.
    expect(home.ok && header(home.response.headers, "Cache-Control")).toBe("no-cache, must-revalidate, max-age=0");
    const page = t.http("/wp-admin/install.php");
    expect(page.ok && page.response.body).toContain("<h2>Information needed</h2>");
    expect(page.ok && page.response.body).toContain('<input name="weblog_title" type="text" id="weblog_title" size="25" value="" />');
    const mismatch = t.http("/wp-admin/install.php?step=2", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "weblog_title=x&user_name=admin&admin_password=a&admin_email=a%40b.org" });
    expect(mismatch.ok && mismatch.response.body).toContain('<p class="message">Your passwords do not match. Please try again.</p>');
    const done = t.install();
    expect(done.ok && done.response.body).toContain("<h1>Success!</h1>");
    const tables = t.mysql().run(["mysql", "-uwordpress", "-psecret", "wordpress", "-N", "-e", "SHOW TABLES"]).out.trim().split("\n");
    expect(tables).toEqual(["wp_commentmeta", "wp_comments", "wp_links", "wp_options", "wp_postmeta", "wp_posts", "wp_term_relationships", "wp_term_taxonomy", "wp_termmeta", "wp_terms", "wp_usermeta", "wp_users"]);
    expect(t.mysql().run(["mysql", "-uwordpress", "-psecret", "wordpress", "-e", "SELECT post_title, post_status FROM wp_posts WHERE ID = 1"]).out).toBe("post_title\tpost_status\nHello world!\tpublish\n");
    const front = t.http("/");
    expect(status(front)).toBe(200);
    expect(front.ok && front.response.body).toContain("Hello world!");
    expect(status(t.http("/wp-admin/install.php"))).toBe(200);
    expect(t.http("/wp-admin/install.php").ok && (t.http("/wp-admin/install.php") as { response: { body: string } }).response.body).toContain("<h1>Already Installed</h1>");
  });

  it("creates and reads posts over the REST API, and stores uploads on the volume", () => {
    const t = tutorial();
    t.install();
    const anonymous = t.http("/wp-json/wp/v2/posts", { method: "POST", headers: { "Content-Type": "application/json" }, body: '{"title":"x"}' });
    expect(status(anonymous)).toBe(401);
    expect(anonymous.ok && anonymous.response.body).toBe('{"code":"rest_cannot_create","message":"Sorry, you are not allowed to create posts as this user.","data":{"status":401}}');
    const created = t.http("/wp-json/wp/v2/posts", { method: "POST", headers: { "Content-Type": "application/json", Authorization: AUTH }, body: JSON.stringify({ title: "Drained", content: "Still here?", status: "publish" }) });
    expect(status(created)).toBe(201);
    const post = created.ok ? (JSON.parse(created.response.body) as { id: number; link: string; title: { rendered: string } }) : undefined;
    expect(post?.title.rendered).toBe("Drained");
    expect(post?.link).toBe("http://wordpress/2024/01/01/drained/");
    expect(created.ok && header(created.response.headers, "Location")).toBe(`http://wordpress/wp-json/wp/v2/posts/${post!.id}`);
    const list = t.http("/wp-json/wp/v2/posts");
    expect(list.ok && header(list.response.headers, "X-WP-Total")).toBe("2");
    expect(list.ok && list.response.body).toContain('"link":"http:\\/\\/wordpress\\/2024\\/01\\/01\\/drained\\/"');
    expect(status(t.http(`/wp-json/wp/v2/posts/${post!.id}`))).toBe(200);
    const missing = t.http("/wp-json/wp/v2/posts/999");
    expect(missing.ok && missing.response.body).toBe('{"code":"rest_post_invalid_id","message":"Invalid post ID.","data":{"status":404}}');
    const upload = t.http("/wp-json/wp/v2/media", { method: "POST", headers: { "Content-Disposition": 'attachment; filename="photo.jpg"', "Content-Type": "image/jpeg", Authorization: AUTH }, body: "JPEG" });
    expect(status(upload)).toBe(201);
    expect(t.wp.run(["ls", "-l", "/var/www/html/wp-content/uploads/2024/01"]).out).toMatch(/-rw-r--r-- 1 www-data www-data 4 Jan  1 00:00 photo\.jpg/);
    expect(status(t.http("/wp-content/uploads/2024/01/photo.jpg"))).toBe(200);
  });

  it("shows 'Error establishing a database connection' while MySQL is unreachable", () => {
    const t = tutorial();
    t.install();
    t.mysql().signal("SIGKILL");
    t.c.advance(10);
    const down = t.http("/");
    expect(status(down)).toBe(500);
    expect(down.ok && down.response.body).toContain('<body id="error-page">\n\t<div class="wp-die-message"><h1>Error establishing a database connection</h1></div></body>');
    expect(down.ok && down.response.body).toContain("<title>Database Error</title>");
    // wp_die()'s handler, not the theme, wrote it.
    expect(down.ok && header(down.response.headers, "Content-Type")).toBe("text/html; charset=utf-8");
    t.mysql().start();
    t.c.advance(15_000);
    expect(status(t.http("/"))).toBe(200);
  });

  it("keeps every created post through a MySQL pod replacement, and measures the outage", () => {
    const t = tutorial();
    t.install();
    const history = new History(t.c.sim);
    const start = t.c.sim.now;
    const workload = spawn(t.c.sim, postsWorkload(t.c.sim, t.net, history, { url: "http://wordpress", user: "admin", password: "s3cret", durationMs: 60_000, intervalMs: 300 }));
    t.c.advance(20_000);
    t.replaceMysql();
    t.c.sim.runWhile(() => !workload.done, t.c.sim.now + 120_000);
    const verify = spawn(t.c.sim, verifyPosts(t.c.sim, t.net, history, { url: "http://wordpress" }, 60_000));
    t.c.sim.runWhile(() => !verify.done, t.c.sim.now + 120_000);
    const posts = checkPosts(history);
    expect(posts.violations).toEqual([]);
    expect(posts.ok).toBe(true);
    expect(posts.metrics.created).toBeGreaterThan(20);
    const availability = checkAvailability(history, start, start + 60_000, { maxOutageMs: 60_000 });
    expect(availability.ok).toBe(true);
    expect(availability.metrics.longestOutageMs).toBeGreaterThan(20_000);
    expect(availability.metrics.successFraction).toBeLessThan(1);
    expect(checkAvailability(history, start, start + 60_000, { maxOutageMs: 5_000 }).ok).toBe(false);
  });

  it("fails the posts check when MySQL's data directory does not survive the pod (emptyDir)", () => {
    const t = tutorial();
    t.install();
    const history = new History(t.c.sim);
    const workload = spawn(t.c.sim, postsWorkload(t.c.sim, t.net, history, { url: "http://wordpress", user: "admin", password: "s3cret", durationMs: 20_000, intervalMs: 300 }));
    t.c.sim.runWhile(() => !workload.done, t.c.sim.now + 60_000);
    t.replaceMysql({ image: "mysql:8.0", env: DB_ENV, volumes: { "/var/lib/mysql": t.c.volume("empty-dir") } });
    const verify = spawn(t.c.sim, verifyPosts(t.c.sim, t.net, history, { url: "http://wordpress" }, 30_000));
    t.c.sim.runWhile(() => !verify.done, t.c.sim.now + 60_000);
    const posts = checkPosts(history);
    expect(posts.ok).toBe(false);
    expect(posts.violations[0]?.message).toMatch(/^post \d+, created at \d+ ms, was not found at \d+ ms$/);
  });
});
