import { debianBase, type ImageFileSpec, ImageLayer, OS_RELEASES, type ImageRegistry } from "@ksim/kube";
import { mysqlClient } from "../client/mysql-cli.js";
import { mysqladmin } from "../client/mysqladmin.js";
import { mysqldump } from "../client/mysqldump.js";
import { mysqld } from "../server/mysqld.js";
import { MYSQL_VERSION } from "../server/server.js";
import { ENTRYPOINT_PATH, mysqlEntrypoint } from "./mysql-entrypoint.js";

/**
 * The `mysql` image (official mysql:8.0): mysqld, the mysql, mysqladmin and mysqldump clients, the
 * entrypoint, /etc/my.cnf as the image ships it, and the mysql user (uid 999). The real image is
 * oraclelinux:8-slim (8.9 when 8.0.36 was built): its release files say so, and as there it has
 * no procps (no ps, top, pgrep; `kill` is bash's). The rest of the userland is the cluster's
 * Debian base (GNU coreutils, as Oracle Linux's coreutils-single is), with /bin/sh being bash as
 * on Oracle Linux.
 * Every 8.x tag resolves to this one image: the registry keys images by repository.
 */

export const PROGRAMS = {
  entrypoint: "mysql:docker-entrypoint",
  mysqld: "mysql:mysqld",
  client: "mysql:mysql",
  admin: "mysql:mysqladmin",
  dump: "mysql:mysqldump",
} as const;

/** The image's /etc/my.cnf: what the Dockerfile leaves after its edits. */
const MY_CNF = `# Server settings of the official image (see the MySQL reference manual,
# "Using Option Files"). Files in /etc/mysql/conf.d/ are read last and win.

[mysqld]
skip-host-cache
skip-name-resolve
datadir=/var/lib/mysql
socket=/var/run/mysqld/mysqld.sock
secure-file-priv=/var/lib/mysql-files
user=mysql

pid-file=/var/run/mysqld/mysqld.pid
[client]
socket=/var/run/mysqld/mysqld.sock

!includedir /etc/mysql/conf.d/
`;

export function mysqlLayer(): ImageLayer {
  const files: Record<string, ImageFileSpec> = {
    ...debianBase({ users: [{ name: "mysql", uid: 999, gid: 999, home: "/var/lib/mysql", shell: "/bin/bash" }], release: OS_RELEASES.oracleLinux89, procps: false }),
    "/bin/sh": { symlink: "bash" },
    [ENTRYPOINT_PATH]: { program: PROGRAMS.entrypoint },
    "/entrypoint.sh": { symlink: "usr/local/bin/docker-entrypoint.sh" },
    "/usr/sbin/mysqld": { program: PROGRAMS.mysqld },
    "/usr/bin/mysql": { program: PROGRAMS.client },
    "/usr/bin/mysqladmin": { program: PROGRAMS.admin },
    "/usr/bin/mysqldump": { program: PROGRAMS.dump },
    "/etc/my.cnf": MY_CNF,
    "/etc/mysql/conf.d": { dir: true },
    "/var/lib/mysql": { dir: true, mode: 0o1777, uid: 999, gid: 999 },
    "/var/run/mysqld": { dir: true, mode: 0o1777, uid: 999, gid: 999 },
    "/var/lib/mysql-files": { dir: true, mode: 0o700, uid: 999, gid: 999 },
    "/docker-entrypoint-initdb.d": { dir: true },
    "/tmp": { dir: true, mode: 0o1777 },
  };
  return new ImageLayer(files, Date.UTC(2024, 0, 18));
}

export function registerMySQL(registry: ImageRegistry): void {
  registry.registerProgram(PROGRAMS.entrypoint, mysqlEntrypoint);
  registry.registerProgram(PROGRAMS.mysqld, mysqld);
  registry.registerProgram(PROGRAMS.client, mysqlClient);
  registry.registerProgram(PROGRAMS.admin, mysqladmin);
  registry.registerProgram(PROGRAMS.dump, mysqldump);
  registry.registerImage({
    repositories: ["mysql", "docker.io/library/mysql"],
    layer: mysqlLayer(),
    entrypoint: ["docker-entrypoint.sh"],
    cmd: ["mysqld"],
    env: {
      PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      GOSU_VERSION: "1.16",
      MYSQL_MAJOR: "8.0",
      MYSQL_VERSION: `${MYSQL_VERSION}-1.el8`,
      MYSQL_SHELL_VERSION: `${MYSQL_VERSION}-1.el8`,
    },
    workingDir: "/",
    user: 0,
    sizeBytes: 173_000_000,
  });
}
