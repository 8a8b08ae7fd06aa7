import type { Proc, Random } from "@ksim/sim";
import type { SqlError } from "../sql/errors.js";
import { formatDatetime } from "../sql/values.js";
import { hashPassword } from "./phpass.js";
import { esc, type Wpdb } from "./wpdb.js";

/**
 * wp_install(): WordPress's tables (wp-admin/includes/schema.php, the 6.2 definitions), the
 * options populate_options() writes (the ones the model reads, and the common ones people look
 * at), the administrator, and the default content: the "Uncategorized" category, the
 * "Hello world!" post with its comment, the sample page and the draft privacy policy page.
 */

export const WP_VERSION = "6.2.1";
export const DB_VERSION = "53496";
const COLLATE = "DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_520_ci";

export function schema(p: string): string[] {
  return [
    `CREATE TABLE ${p}users (
	ID bigint(20) unsigned NOT NULL auto_increment,
	user_login varchar(60) NOT NULL default '',
	user_pass varchar(255) NOT NULL default '',
	user_nicename varchar(50) NOT NULL default '',
	user_email varchar(100) NOT NULL default '',
	user_url varchar(100) NOT NULL default '',
	user_registered datetime NOT NULL default '0000-00-00 00:00:00',
	user_activation_key varchar(255) NOT NULL default '',
	user_status int(11) NOT NULL default '0',
	display_name varchar(250) NOT NULL default '',
	PRIMARY KEY  (ID),
	KEY user_login_key (user_login),
	KEY user_nicename (user_nicename),
	KEY user_email (user_email)
) ${COLLATE}`,
    `CREATE TABLE ${p}usermeta (
	umeta_id bigint(20) unsigned NOT NULL auto_increment,
	user_id bigint(20) unsigned NOT NULL default '0',
	meta_key varchar(255) default NULL,
	meta_value longtext,
	PRIMARY KEY  (umeta_id),
	KEY user_id (user_id),
	KEY meta_key (meta_key(191))
) ${COLLATE}`,
    `CREATE TABLE ${p}termmeta (
	meta_id bigint(20) unsigned NOT NULL auto_increment,
	term_id bigint(20) unsigned NOT NULL default '0',
	meta_key varchar(255) default NULL,
	meta_value longtext,
	PRIMARY KEY  (meta_id),
	KEY term_id (term_id),
	KEY meta_key (meta_key(191))
) ${COLLATE}`,
    `CREATE TABLE ${p}terms (
	term_id bigint(20) unsigned NOT NULL auto_increment,
	name varchar(200) NOT NULL default '',
	slug varchar(200) NOT NULL default '',
	term_group bigint(10) NOT NULL default 0,
	PRIMARY KEY  (term_id),
	KEY slug (slug(191)),
	KEY name (name(191))
) ${COLLATE}`,
    `CREATE TABLE ${p}term_taxonomy (
	term_taxonomy_id bigint(20) unsigned NOT NULL auto_increment,
	term_id bigint(20) unsigned NOT NULL default 0,
	taxonomy varchar(32) NOT NULL default '',
	description longtext NOT NULL,
	parent bigint(20) unsigned NOT NULL default 0,
	count bigint(20) NOT NULL default 0,
	PRIMARY KEY  (term_taxonomy_id),
	UNIQUE KEY term_id_taxonomy (term_id,taxonomy),
	KEY taxonomy (taxonomy)
) ${COLLATE}`,
    `CREATE TABLE ${p}term_relationships (
	object_id bigint(20) unsigned NOT NULL default 0,
	term_taxonomy_id bigint(20) unsigned NOT NULL default 0,
	term_order int(11) NOT NULL default 0,
	PRIMARY KEY  (object_id,term_taxonomy_id),
	KEY term_taxonomy_id (term_taxonomy_id)
) ${COLLATE}`,
    `CREATE TABLE ${p}commentmeta (
	meta_id bigint(20) unsigned NOT NULL auto_increment,
	comment_id bigint(20) unsigned NOT NULL default '0',
	meta_key varchar(255) default NULL,
	meta_value longtext,
	PRIMARY KEY  (meta_id),
	KEY comment_id (comment_id),
	KEY meta_key (meta_key(191))
) ${COLLATE}`,
    `CREATE TABLE ${p}comments (
	comment_ID bigint(20) unsigned NOT NULL auto_increment,
	comment_post_ID bigint(20) unsigned NOT NULL default '0',
	comment_author tinytext NOT NULL,
	comment_author_email varchar(100) NOT NULL default '',
	comment_author_url varchar(200) NOT NULL default '',
	comment_author_IP varchar(100) NOT NULL default '',
	comment_date datetime NOT NULL default '0000-00-00 00:00:00',
	comment_date_gmt datetime NOT NULL default '0000-00-00 00:00:00',
	comment_content text NOT NULL,
	comment_karma int(11) NOT NULL default '0',
	comment_approved varchar(20) NOT NULL default '1',
	comment_agent varchar(255) NOT NULL default '',
	comment_type varchar(20) NOT NULL default 'comment',
	comment_parent bigint(20) unsigned NOT NULL default '0',
	user_id bigint(20) unsigned NOT NULL default '0',
	PRIMARY KEY  (comment_ID),
	KEY comment_post_ID (comment_post_ID),
	KEY comment_approved_date_gmt (comment_approved,comment_date_gmt),
	KEY comment_date_gmt (comment_date_gmt),
	KEY comment_parent (comment_parent),
	KEY comment_author_email (comment_author_email(10))
) ${COLLATE}`,
    `CREATE TABLE ${p}links (
	link_id bigint(20) unsigned NOT NULL auto_increment,
	link_url varchar(255) NOT NULL default '',
	link_name varchar(255) NOT NULL default '',
	link_image varchar(255) NOT NULL default '',
	link_target varchar(25) NOT NULL default '',
	link_description varchar(255) NOT NULL default '',
	link_visible varchar(20) NOT NULL default 'Y',
	link_owner bigint(20) unsigned NOT NULL default '1',
	link_rating int(11) NOT NULL default '0',
	link_updated datetime NOT NULL default '0000-00-00 00:00:00',
	link_rel varchar(255) NOT NULL default '',
	link_notes mediumtext NOT NULL,
	link_rss varchar(255) NOT NULL default '',
	PRIMARY KEY  (link_id),
	KEY link_visible (link_visible)
) ${COLLATE}`,
    `CREATE TABLE ${p}options (
	option_id bigint(20) unsigned NOT NULL auto_increment,
	option_name varchar(191) NOT NULL default '',
	option_value longtext NOT NULL,
	autoload varchar(20) NOT NULL default 'yes',
	PRIMARY KEY  (option_id),
	UNIQUE KEY option_name (option_name),
	KEY autoload (autoload)
) ${COLLATE}`,
    `CREATE TABLE ${p}postmeta (
	meta_id bigint(20) unsigned NOT NULL auto_increment,
	post_id bigint(20) unsigned NOT NULL default '0',
	meta_key varchar(255) default NULL,
	meta_value longtext,
	PRIMARY KEY  (meta_id),
	KEY post_id (post_id),
	KEY meta_key (meta_key(191))
) ${COLLATE}`,
    `CREATE TABLE ${p}posts (
	ID bigint(20) unsigned NOT NULL auto_increment,
	post_author bigint(20) unsigned NOT NULL default '0',
	post_date datetime NOT NULL default '0000-00-00 00:00:00',
	post_date_gmt datetime NOT NULL default '0000-00-00 00:00:00',
	post_content longtext NOT NULL,
	post_title text NOT NULL,
	post_excerpt text NOT NULL,
	post_status varchar(20) NOT NULL default 'publish',
	comment_status varchar(20) NOT NULL default 'open',
	ping_status varchar(20) NOT NULL default 'open',
	post_password varchar(255) NOT NULL default '',
	post_name varchar(200) NOT NULL default '',
	to_ping text NOT NULL,
	pinged text NOT NULL,
	post_modified datetime NOT NULL default '0000-00-00 00:00:00',
	post_modified_gmt datetime NOT NULL default '0000-00-00 00:00:00',
	post_content_filtered longtext NOT NULL,
	post_parent bigint(20) unsigned NOT NULL default '0',
	guid varchar(255) NOT NULL default '',
	menu_order int(11) NOT NULL default '0',
	post_type varchar(20) NOT NULL default 'post',
	post_mime_type varchar(100) NOT NULL default '',
	comment_count bigint(20) NOT NULL default '0',
	PRIMARY KEY  (ID),
	KEY post_name (post_name(191)),
	KEY type_status_date (post_type,post_status,post_date,ID),
	KEY post_parent (post_parent),
	KEY post_author (post_author)
) ${COLLATE}`,
  ];
}

export interface InstallInput {
  readonly siteUrl: string;
  readonly title: string;
  readonly userName: string;
  readonly email: string;
  readonly blogPublic: number;
  readonly password: string;
}

/** The administrator's role as WordPress serializes it in wp_user_roles / wp_capabilities. */
const ADMIN_CAPS = 'a:1:{s:13:"administrator";b:1;}';
const USER_ROLES =
  'a:1:{s:13:"administrator";a:2:{s:4:"name";s:13:"Administrator";s:12:"capabilities";a:3:{s:13:"switch_themes";b:1;s:12:"edit_posts";b:1;s:13:"publish_posts";b:1;}}}';

export const HELLO_WORLD_CONTENT = "<!-- wp:paragraph -->\n<p>Welcome to WordPress. This is your first post. Edit or delete it, then start writing!</p>\n<!-- /wp:paragraph -->";

/** Runs every statement of the installation; stops at the first database error. */
export function* install(db: Wpdb, input: InstallInput, now: number, random: Random): Proc<SqlError | undefined> {
  const p = db.prefix;
  const date = formatDatetime(now);
  for (const sql of schema(p)) {
    const r = yield* db.exec(sql);
    if (!("insertId" in r)) return r;
  }
  const options: [string, string, string][] = [
    ["siteurl", input.siteUrl, "yes"],
    ["home", input.siteUrl, "yes"],
    ["blogname", input.title, "yes"],
    ["blogdescription", "", "yes"],
    ["users_can_register", "0", "yes"],
    ["admin_email", input.email, "yes"],
    ["start_of_week", "1", "yes"],
    ["use_smilies", "1", "yes"],
    ["default_category", "1", "yes"],
    ["default_comment_status", "open", "yes"],
    ["default_ping_status", "open", "yes"],
    ["posts_per_page", "10", "yes"],
    ["date_format", "F j, Y", "yes"],
    ["time_format", "g:i a", "yes"],
    ["permalink_structure", "/%year%/%monthnum%/%day%/%postname%/", "yes"],
    ["blog_charset", "UTF-8", "yes"],
    ["active_plugins", "a:0:{}", "yes"],
    ["gmt_offset", "0", "yes"],
    ["template", "twentytwentythree", "yes"],
    ["stylesheet", "twentytwentythree", "yes"],
    ["html_type", "text/html", "yes"],
    ["default_role", "subscriber", "yes"],
    ["db_version", DB_VERSION, "yes"],
    ["uploads_use_yearmonth_folders", "1", "yes"],
    ["upload_path", "", "yes"],
    ["blog_public", String(input.blogPublic), "yes"],
    ["show_on_front", "posts", "yes"],
    ["timezone_string", "", "yes"],
    ["page_for_posts", "0", "yes"],
    ["page_on_front", "0", "yes"],
    ["wp_page_for_privacy_policy", "3", "yes"],
    ["initial_db_version", DB_VERSION, "yes"],
    [`${p}user_roles`, USER_ROLES, "yes"],
    ["fresh_site", "1", "yes"],
    ["sticky_posts", "a:0:{}", "yes"],
  ];
  const steps: string[] = [
    `INSERT INTO ${p}options (option_name, option_value, autoload) VALUES ${options.map(([n, v, a]) => `(${esc(n)}, ${esc(v)}, ${esc(a)})`).join(", ")}`,
    `INSERT INTO ${p}users (user_login, user_pass, user_nicename, user_email, user_url, user_registered, user_activation_key, user_status, display_name) VALUES (${esc(input.userName)}, ${esc(hashPassword(input.password, random))}, ${esc(slug(input.userName))}, ${esc(input.email)}, ${esc(input.siteUrl)}, ${esc(date)}, '', 0, ${esc(input.userName)})`,
    `INSERT INTO ${p}usermeta (user_id, meta_key, meta_value) VALUES ${[
      ["nickname", input.userName],
      ["first_name", ""],
      ["last_name", ""],
      ["description", ""],
      ["rich_editing", "true"],
      ["syntax_highlighting", "true"],
      ["comment_shortcuts", "false"],
      ["admin_color", "fresh"],
      ["use_ssl", "0"],
      ["show_admin_bar_front", "true"],
      ["locale", ""],
      [`${p}capabilities`, ADMIN_CAPS],
      [`${p}user_level`, "10"],
      ["dismissed_wp_pointers", ""],
      ["show_welcome_panel", "1"],
    ]
      .map(([k, v]) => `(1, ${esc(k!)}, ${esc(v!)})`)
      .join(", ")}`,
    `INSERT INTO ${p}terms (term_id, name, slug, term_group) VALUES (1, 'Uncategorized', 'uncategorized', 0)`,
    `INSERT INTO ${p}term_taxonomy (term_id, taxonomy, description, parent, count) VALUES (1, 'category', '', 0, 1)`,
    insertPost(p, { author: 1, date, content: HELLO_WORLD_CONTENT, title: "Hello world!", status: "publish", name: "hello-world", guid: `${input.siteUrl}/?p=1`, type: "post", commentCount: 1 }),
    `INSERT INTO ${p}term_relationships (term_taxonomy_id, object_id) VALUES (1, 1)`,
    `INSERT INTO ${p}comments (comment_post_ID, comment_author, comment_author_email, comment_author_url, comment_date, comment_date_gmt, comment_content, comment_type) VALUES (1, 'A WordPress Commenter', 'wapuu@wordpress.example', 'https://wordpress.org/', ${esc(date)}, ${esc(date)}, ${esc("Hi, this is a comment.\nTo get started with moderating, editing, and deleting comments, please visit the Comments screen in the dashboard.\nCommenter avatars come from <a href=\"https://en.gravatar.com/\">Gravatar</a>.")}, 'comment')`,
    insertPost(p, {
      author: 1,
      date,
      content: "<!-- wp:paragraph -->\n<p>This is an example page. It's different from a blog post because it will stay in one place and will show up in your site navigation (in most themes).</p>\n<!-- /wp:paragraph -->",
      title: "Sample Page",
      status: "publish",
      name: "sample-page",
      guid: `${input.siteUrl}/?page_id=2`,
      type: "page",
      commentCount: 0,
    }),
    insertPost(p, {
      author: 1,
      date,
      content: "<!-- wp:heading -->\n<h2>Who we are</h2>\n<!-- /wp:heading -->",
      title: "Privacy Policy",
      status: "draft",
      name: "privacy-policy",
      guid: `${input.siteUrl}/?page_id=3`,
      type: "page",
      commentCount: 0,
    }),
  ];
  for (const sql of steps) {
    const r = yield* db.exec(sql);
    if (!("insertId" in r)) return r;
  }
  return undefined;
}

export interface NewPost {
  readonly author: number;
  readonly date: string;
  readonly content: string;
  readonly title: string;
  readonly status: string;
  readonly name: string;
  readonly guid: string;
  readonly type: string;
  readonly commentCount: number;
  readonly mimeType?: string;
  readonly parent?: number;
}

/** wp_insert_post()'s INSERT. */
export function insertPost(p: string, post: NewPost): string {
  return `INSERT INTO ${p}posts (post_author, post_date, post_date_gmt, post_content, post_content_filtered, post_title, post_excerpt, post_status, post_type, comment_status, ping_status, post_password, post_name, to_ping, pinged, post_modified, post_modified_gmt, post_parent, menu_order, post_mime_type, guid, comment_count) VALUES (${post.author}, ${esc(post.date)}, ${esc(post.date)}, ${esc(post.content)}, '', ${esc(post.title)}, '', ${esc(post.status)}, ${esc(post.type)}, ${esc(post.type === "page" ? "closed" : "open")}, ${esc(post.type === "page" ? "closed" : "open")}, '', ${esc(post.name)}, '', '', ${esc(post.date)}, ${esc(post.date)}, ${post.parent ?? 0}, 0, ${esc(post.mimeType ?? "")}, ${esc(post.guid)}, ${post.commentCount})`;
}

/** sanitize_title(): lower case, spaces and punctuation to hyphens. */
export function slug(s: string): string {
  return s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/<[^>]*>/g, "")
    .replace(/[^a-z0-9 _-]/g, "")
    .trim()
    .replace(/[\s_]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "");
}
