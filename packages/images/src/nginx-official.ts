import { debianBase, ImageLayer, OS_RELEASES, type ImageDefinition } from "@ksim/kube";
import { nginxRuntimeFiles, type NginxBuild } from "./nginx.js";

/**
 * The official image (`nginx`, docker.io/library/nginx, any tag): nginx 1.27 on Debian 12, as
 * `kubectl create deployment web --image=nginx` runs it. Its entrypoint runs the scripts in
 * /docker-entrypoint.d/ before exec'ing nginx, as the image's docker-entrypoint.sh does, with the
 * same log lines: pods have no IPv6 here, so the IPv6 script reports it and changes nothing;
 * templates in /etc/nginx/templates are rendered with the environment; the worker autotune
 * applies when asked. nginx reads nginx.conf and conf.d/*.conf as the image ships them (below),
 * so it logs at `notice` to stderr, with the `main` access log format. The image stops with
 * SIGQUIT (its STOPSIGNAL), which containerd sends instead of SIGTERM.
 */

export const NGINX_OFFICIAL_BUILD: NginxBuild = {
  version: "1.27.4",
  worker: { uid: 101, gid: 101 },
  // The trailing space is nginx's: it prints NGX_COMPILER and then the configure line's separator.
  builtBy: "gcc 12.2.0 (Debian 12.2.0-14) ",
  whiteErrorPages: false,
  conf: { prefix: "/etc/nginx/", errorLogPath: "/var/log/nginx/error.log", accessLogPath: "/var/log/nginx/access.log", pidPath: "/var/run/nginx.pid" },
};

const STYLE = "<style>\nhtml { color-scheme: light dark; }\nbody { width: 35em; margin: 0 auto;\nfont-family: Tahoma, Verdana, Arial, sans-serif; }\n</style>\n";

const INDEX_HTML =
  "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n" +
  STYLE +
  "</head>\n<body>\n<h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is successfully installed and\nworking. Further configuration is required.</p>\n\n" +
  '<p>For online documentation and support please refer to\n<a href="http://nginx.org/">nginx.org</a>.<br/>\nCommercial support is available at\n<a href="http://nginx.com/">nginx.com</a>.</p>\n\n' +
  "<p><em>Thank you for using nginx.</em></p>\n</body>\n</html>\n";

const ERROR_HTML =
  "<!DOCTYPE html>\n<html>\n<head>\n<title>Error</title>\n" +
  STYLE +
  "</head>\n<body>\n<h1>An error occurred.</h1>\n<p>Sorry, the page you are looking for is currently unavailable.<br/>\nPlease try again later.</p>\n" +
  "<p>If you are the system administrator of this resource then you should check\nthe error log for details.</p>\n<p><em>Faithfully yours, nginx.</em></p>\n</body>\n</html>\n";

const NGINX_CONF = `
user  nginx;
worker_processes  auto;

error_log  /var/log/nginx/error.log notice;
pid        /var/run/nginx.pid;


events {
    worker_connections  1024;
}


http {
    include       /etc/nginx/mime.types;
    default_type  application/octet-stream;

    log_format  main  '$remote_addr - $remote_user [$time_local] "$request" '
                      '$status $body_bytes_sent "$http_referer" '
                      '"$http_user_agent" "$http_x_forwarded_for"';

    access_log  /var/log/nginx/access.log  main;

    sendfile        on;

    keepalive_timeout  65;

    include /etc/nginx/conf.d/*.conf;
}
`;

const DEFAULT_CONF = `server {
    listen       80;
    server_name  localhost;

    location / {
        root   /usr/share/nginx/html;
        index  index.html index.htm;
    }

    # redirect server error pages to the static page /50x.html
    error_page   500 502 503 504  /50x.html;
    location = /50x.html {
        root   /usr/share/nginx/html;
    }
}
`;

// The entrypoint and its scripts: ksim's own shell scripts, run by the container's dash, that
// behave (and log, to descriptor 3 as the image's do) as the image's do for what a pod here can
// meet. A script a user mounts into /docker-entrypoint.d may log to descriptor 3 too.

const ENTRYPOINT = `#!/bin/sh
# Runs the configuration scripts of /docker-entrypoint.d/ in version order when the command is
# nginx, then becomes the command. The scripts log to descriptor 3, which
# NGINX_ENTRYPOINT_QUIET_LOGS points at /dev/null.
set -e

if [ -z "\${NGINX_ENTRYPOINT_QUIET_LOGS:-}" ]; then
    exec 3>&1
else
    exec 3>/dev/null
fi

if [ "$1" = "nginx" ] || [ "$1" = "nginx-debug" ]; then
    if find /docker-entrypoint.d/ -mindepth 1 -maxdepth 1 -type f -print -quit 2>/dev/null | read -r first; then
        echo >&3 "$0: /docker-entrypoint.d/ is not empty, will attempt to perform configuration"
        echo >&3 "$0: Looking for shell scripts in /docker-entrypoint.d/"
        find /docker-entrypoint.d/ -follow -type f -print | sort -V | while read -r script; do
            case "$script" in
                *.envsh)
                    if [ ! -x "$script" ]; then echo >&3 "$0: Ignoring $script, not executable"; continue; fi
                    echo >&3 "$0: Sourcing $script"
                    . "$script"
                    ;;
                *.sh)
                    if [ ! -x "$script" ]; then echo >&3 "$0: Ignoring $script, not executable"; continue; fi
                    echo >&3 "$0: Launching $script"
                    "$script"
                    ;;
                *)
                    echo >&3 "$0: Ignoring $script"
                    ;;
            esac
        done
        echo >&3 "$0: Configuration complete; ready for start up"
    else
        echo >&3 "$0: No files found in /docker-entrypoint.d/, skipping configuration"
    fi
fi

exec "$@"
`;

const LISTEN_IPV6 = `#!/bin/sh
# Adds an IPv6 listen to the packaged default.conf where the kernel has IPv6; pods here have none.
set -e
me=$(basename "$0")
if [ ! -f /proc/net/if_inet6 ]; then
    echo >&3 "$me: info: ipv6 not available"
    exit 0
fi
`;

const LOCAL_RESOLVERS = `#!/bin/sh
# Sourced: with NGINX_ENTRYPOINT_LOCAL_RESOLVERS set, exports the nameservers of /etc/resolv.conf
# as NGINX_LOCAL_RESOLVERS for templates.
[ -z "\${NGINX_ENTRYPOINT_LOCAL_RESOLVERS:-}" ] && return 0
NGINX_LOCAL_RESOLVERS=$(awk '$1 == "nameserver" { printf "%s%s", sep, $2; sep = " " }' /etc/resolv.conf)
export NGINX_LOCAL_RESOLVERS
`;

const ENVSUBST_TEMPLATES = `#!/bin/sh
# Renders every *.template under NGINX_ENVSUBST_TEMPLATE_DIR into NGINX_ENVSUBST_OUTPUT_DIR,
# replacing $NAME and \${NAME} of variables that are set (others stay as written).
set -e
me=$(basename "$0")
dir="\${NGINX_ENVSUBST_TEMPLATE_DIR:-/etc/nginx/templates}"
suffix="\${NGINX_ENVSUBST_TEMPLATE_SUFFIX:-.template}"
out="\${NGINX_ENVSUBST_OUTPUT_DIR:-/etc/nginx/conf.d}"
[ -d "$dir" ] || exit 0
if [ ! -w "$out" ]; then
    echo >&3 "$me: ERROR: $dir exists, but $out is not writable"
    exit 0
fi
find "$dir" -follow -type f -name "*$suffix" -print | while read -r template; do
    relative="\${template#"$dir"/}"
    target="$out/\${relative%"$suffix"}"
    mkdir -p "$(dirname "$target")"
    echo >&3 "$me: Running envsubst on $template to $target"
    awk '{
        line = $0; result = ""
        while (match(line, /[$][{]?[A-Za-z_][A-Za-z0-9_]*/)) {
            token = substr(line, RSTART, RLENGTH); rest = substr(line, RSTART + RLENGTH)
            braced = substr(token, 2, 1) == "{"
            name = substr(token, braced ? 3 : 2)
            if (braced && substr(rest, 1, 1) != "}") { result = result substr(line, 1, RSTART + RLENGTH - 1); line = rest; continue }
            if (braced) { token = token "}"; rest = substr(rest, 2) }
            result = result substr(line, 1, RSTART - 1) ((name in ENVIRON) ? ENVIRON[name] : token)
            line = rest
        }
        print result line
    }' "$template" > "$target"
done
`;

const TUNE_WORKERS = `#!/bin/sh
# With NGINX_ENTRYPOINT_WORKER_PROCESSES_AUTOTUNE set, pins worker_processes to the CPUs the
# container may use. ksim gives a container no CPU count of its own: one, as auto starts one worker.
set -eu
me=$(basename "$0")
[ "\${NGINX_ENTRYPOINT_WORKER_PROCESSES_AUTOTUNE:-}" ] || exit 0
touch /etc/nginx/nginx.conf 2>/dev/null || { echo >&2 "$me: error: can not modify /etc/nginx/nginx.conf (read-only file system?)"; exit 0; }
ncpu=1
sed -i.bak -E "s/^(worker_processes)(.*)$/# Commented out by $me on $(date)\\n#\\1\\2\\n\\1 $ncpu;/" /etc/nginx/nginx.conf
`;

const BUILT = Date.UTC(2025, 1, 5, 18, 0, 0);

export function nginxOfficialImage(): ImageDefinition {
  // FROM debian:bookworm-slim as of nginx 1.27.4's build (Debian 12.9), which has no procps.
  const files = debianBase({ users: [{ name: "nginx", uid: 101, gid: 101, home: "/nonexistent", shell: "/usr/sbin/nologin" }], release: OS_RELEASES.bookworm9, procps: false });
  const script = (content: string) => ({ content, mode: 0o755 });
  const layer = new ImageLayer(
    {
      ...files,
      "/usr/sbin/nginx": { program: "nginx-official:nginx" },
      "/docker-entrypoint.sh": script(ENTRYPOINT),
      "/docker-entrypoint.d": { dir: true },
      "/docker-entrypoint.d/10-listen-on-ipv6-by-default.sh": script(LISTEN_IPV6),
      "/docker-entrypoint.d/15-local-resolvers.envsh": script(LOCAL_RESOLVERS),
      "/docker-entrypoint.d/20-envsubst-on-templates.sh": script(ENVSUBST_TEMPLATES),
      "/docker-entrypoint.d/30-tune-worker-processes.sh": script(TUNE_WORKERS),
      "/etc/nginx/nginx.conf": NGINX_CONF,
      "/etc/nginx/conf.d/default.conf": DEFAULT_CONF,
      "/usr/share/nginx/html/index.html": INDEX_HTML,
      "/usr/share/nginx/html/50x.html": ERROR_HTML,
      ...nginxRuntimeFiles(),
    },
    BUILT,
  );
  return {
    repositories: ["nginx", "docker.io/library/nginx"],
    layer,
    entrypoint: ["/docker-entrypoint.sh"],
    cmd: ["nginx", "-g", "daemon off;"],
    env: { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", NGINX_VERSION: "1.27.4", NJS_VERSION: "0.8.9", NJS_RELEASE: "1~bookworm", PKG_RELEASE: "1~bookworm" },
    stopSignal: "SIGQUIT",
    // About 68 MB compressed for linux/amd64.
    sizeBytes: 68_500_000,
  };
}
