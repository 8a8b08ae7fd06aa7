import { debianBase, type ImageFileSpec, ImageLayer, OS_RELEASES, type ImageRegistry } from "@ksim/kube";
import { DB_VERSION, WP_VERSION } from "../wordpress/install.js";
import { apache2, apache2Foreground } from "./apache.js";
import { wordpressEntrypoint } from "./wordpress-entrypoint.js";

/**
 * The `wordpress` image (wordpress:6.2.1-apache, on php:8.0-apache, on Debian 11.7 bullseye-slim,
 * whose apache2 brings procps): WordPress in
 * /usr/src/wordpress waiting to be copied to the /var/www/html volume, the entrypoint,
 * apache2-foreground and apache2. The PHP files are there to be listed and copied; the
 * behaviour behind them is the model in ../wordpress.
 */

export const WORDPRESS_PROGRAMS = {
  entrypoint: "wordpress:docker-entrypoint",
  foreground: "php-apache:apache2-foreground",
  apache2: "apache2:apache2",
} as const;

const php = (summary: string, body = "") => `<?php\n/**\n * ${summary}\n *\n * @package WordPress\n */\n${body}`;

/** wp-config-docker.php: every setting comes from the environment, with the image's defaults. */
const WP_CONFIG_DOCKER = `<?php
/**
 * wp-config.php for the Docker image: settings come from WORDPRESS_* environment variables.
 */

// a helper function to lookup "env_FILE", "env", then fallback
if (!function_exists('getenv_docker')) {
	function getenv_docker($env, $default) {
		if ($fileEnv = getenv($env . '_FILE')) {
			return rtrim(file_get_contents($fileEnv), "\\r\\n");
		}
		else if (($val = getenv($env)) !== false) {
			return $val;
		}
		else {
			return $default;
		}
	}
}

define( 'DB_NAME', getenv_docker('WORDPRESS_DB_NAME', 'wordpress') );
define( 'DB_USER', getenv_docker('WORDPRESS_DB_USER', 'example username') );
define( 'DB_PASSWORD', getenv_docker('WORDPRESS_DB_PASSWORD', 'example password') );
define( 'DB_HOST', getenv_docker('WORDPRESS_DB_HOST', 'mysql') );
define( 'DB_CHARSET', getenv_docker('WORDPRESS_DB_CHARSET', 'utf8') );
define( 'DB_COLLATE', getenv_docker('WORDPRESS_DB_COLLATE', '') );

define( 'AUTH_KEY',         getenv_docker('WORDPRESS_AUTH_KEY',         'put your unique phrase here') );
define( 'SECURE_AUTH_KEY',  getenv_docker('WORDPRESS_SECURE_AUTH_KEY',  'put your unique phrase here') );
define( 'LOGGED_IN_KEY',    getenv_docker('WORDPRESS_LOGGED_IN_KEY',    'put your unique phrase here') );
define( 'NONCE_KEY',        getenv_docker('WORDPRESS_NONCE_KEY',        'put your unique phrase here') );
define( 'AUTH_SALT',        getenv_docker('WORDPRESS_AUTH_SALT',        'put your unique phrase here') );
define( 'SECURE_AUTH_SALT', getenv_docker('WORDPRESS_SECURE_AUTH_SALT', 'put your unique phrase here') );
define( 'LOGGED_IN_SALT',   getenv_docker('WORDPRESS_LOGGED_IN_SALT',   'put your unique phrase here') );
define( 'NONCE_SALT',       getenv_docker('WORDPRESS_NONCE_SALT',       'put your unique phrase here') );

$table_prefix = getenv_docker('WORDPRESS_TABLE_PREFIX', 'wp_');

define( 'WP_DEBUG', !!getenv_docker('WORDPRESS_DEBUG', '') );

if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}

require_once ABSPATH . 'wp-settings.php';
`;

const HTACCESS = `# BEGIN WordPress
<IfModule mod_rewrite.c>
RewriteEngine On
RewriteRule .* - [E=HTTP_AUTHORIZATION:%{HTTP:Authorization}]
RewriteBase /
RewriteRule ^index\\.php$ - [L]
RewriteCond %{REQUEST_FILENAME} !-f
RewriteCond %{REQUEST_FILENAME} !-d
RewriteRule . /index.php [L]
</IfModule>
# END WordPress
`;

function wordpressFiles(): Record<string, ImageFileSpec> {
  const src = "/usr/src/wordpress";
  const own = (content: string): ImageFileSpec => ({ content, uid: 33, gid: 33 });
  const files: Record<string, ImageFileSpec> = {
    [src]: { dir: true, uid: 33, gid: 33 },
    [`${src}/index.php`]: own(php("Front to the WordPress application: loads the environment and the theme.", "define( 'WP_USE_THEMES', true );\nrequire __DIR__ . '/wp-blog-header.php';\n")),
    [`${src}/wp-blog-header.php`]: own(php("Loads the WordPress environment and template.")),
    [`${src}/wp-load.php`]: own(php("Bootstrap file for setting the ABSPATH constant and loading wp-config.php.")),
    [`${src}/wp-settings.php`]: own(php("Used to set up and fix common variables and include the WordPress procedural and class library.")),
    [`${src}/wp-login.php`]: own(php("WordPress User Page: handles authentication, registering, resetting passwords.")),
    [`${src}/wp-cron.php`]: own(php("A pseudo-cron daemon for scheduling WordPress tasks.")),
    [`${src}/xmlrpc.php`]: own(php("XML-RPC protocol support for WordPress.")),
    [`${src}/wp-config-sample.php`]: own(php("The base configuration for WordPress.")),
    [`${src}/wp-config-docker.php`]: own(WP_CONFIG_DOCKER),
    [`${src}/.htaccess`]: own(HTACCESS),
    [`${src}/license.txt`]: own("WordPress - Web publishing software\n\nCopyright 2011-2023 by the contributors\n\nThis program is free software; you can redistribute it and/or modify it under the terms of the GNU General Public License.\n"),
    [`${src}/readme.html`]: own(`<!DOCTYPE html>\n<html lang="en">\n<head><title>WordPress &#8250; ReadMe</title></head>\n<body>\n<h1 id="logo">WordPress</h1>\n<p style="text-align: center">Semantic Personal Publishing Platform</p>\n</body>\n</html>\n`),
    [`${src}/wp-admin/index.php`]: own(php("Dashboard Administration Screen.")),
    [`${src}/wp-admin/install.php`]: own(php("WordPress Installer.")),
    [`${src}/wp-admin/setup-config.php`]: own(php("Retrieves and creates the wp-config.php file.")),
    [`${src}/wp-admin/css/install.min.css`]: own("html{background:#f1f1f1;margin:0 20px}body{background:#fff;color:#3c434a;max-width:700px}\n"),
    [`${src}/wp-includes/version.php`]: own(`<?php\n/**\n * WordPress Version\n *\n * Contains version information for the current WordPress release.\n */\n\n$wp_version = '${WP_VERSION}';\n\n$wp_db_version = ${DB_VERSION};\n\n$required_php_version = '5.6.20';\n\n$required_mysql_version = '5.0';\n`),
    [`${src}/wp-includes/class-wpdb.php`]: own(php("WordPress database access abstraction class.")),
    [`${src}/wp-content/index.php`]: own("<?php\n// Silence is golden.\n"),
    [`${src}/wp-content/plugins/index.php`]: own("<?php\n// Silence is golden.\n"),
    [`${src}/wp-content/plugins/hello.php`]: own(php("Plugin Name: Hello Dolly\n * Version: 1.7.2")),
    [`${src}/wp-content/plugins/akismet/akismet.php`]: own(php("Plugin Name: Akismet Anti-Spam\n * Version: 5.1")),
    [`${src}/wp-content/themes/index.php`]: own("<?php\n// Silence is golden.\n"),
  };
  for (const [theme, name, version] of [
    ["twentytwentythree", "Twenty Twenty-Three", "1.1"],
    ["twentytwentytwo", "Twenty Twenty-Two", "1.4"],
    ["twentytwentyone", "Twenty Twenty-One", "1.8"],
  ] as const) {
    files[`${src}/wp-content/themes/${theme}/style.css`] = own(`/*\nTheme Name: ${name}\nVersion: ${version}\nLicense: GNU General Public License v2 or later\n*/\n`);
  }
  return files;
}

export function wordpressLayer(): ImageLayer {
  return new ImageLayer(
    {
      ...debianBase({ release: OS_RELEASES.bullseye7 }),
      ...wordpressFiles(),
      "/usr/local/bin/docker-entrypoint.sh": { program: WORDPRESS_PROGRAMS.entrypoint },
      "/usr/local/bin/apache2-foreground": { program: WORDPRESS_PROGRAMS.foreground },
      "/usr/sbin/apache2": { program: WORDPRESS_PROGRAMS.apache2 },
      "/etc/apache2/apache2.conf": "ServerRoot \"/etc/apache2\"\nPidFile ${APACHE_PID_FILE}\nUser ${APACHE_RUN_USER}\nGroup ${APACHE_RUN_GROUP}\nIncludeOptional mods-enabled/*.load\nIncludeOptional conf-enabled/*.conf\nIncludeOptional sites-enabled/*.conf\n",
      "/etc/apache2/envvars": "export APACHE_RUN_USER=www-data\nexport APACHE_RUN_GROUP=www-data\nexport APACHE_PID_FILE=/var/run/apache2/apache2.pid\nexport APACHE_RUN_DIR=/var/run/apache2\nexport APACHE_LOCK_DIR=/var/lock/apache2\nexport APACHE_LOG_DIR=/var/log/apache2\n",
      "/var/run/apache2": { dir: true, mode: 0o1777, uid: 33, gid: 33 },
      "/var/www/html": { dir: true, mode: 0o1777, uid: 33, gid: 33 },
    },
    Date.UTC(2023, 4, 20),
  );
}

export function registerWordPress(registry: ImageRegistry): void {
  registry.registerProgram(WORDPRESS_PROGRAMS.entrypoint, wordpressEntrypoint);
  registry.registerProgram(WORDPRESS_PROGRAMS.foreground, apache2Foreground);
  registry.registerProgram(WORDPRESS_PROGRAMS.apache2, apache2);
  registry.registerImage({
    repositories: ["wordpress", "docker.io/library/wordpress"],
    layer: wordpressLayer(),
    entrypoint: ["docker-entrypoint.sh"],
    cmd: ["apache2-foreground"],
    env: {
      PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      PHPIZE_DEPS: "autoconf dpkg-dev file g++ gcc libc-dev make pkg-config re2c",
      PHP_INI_DIR: "/usr/local/etc/php",
      APACHE_CONFDIR: "/etc/apache2",
      APACHE_ENVVARS: "/etc/apache2/envvars",
      PHP_VERSION: "8.0.28",
    },
    workingDir: "/var/www/html",
    user: 0,
    sizeBytes: 213_000_000,
  });
}
