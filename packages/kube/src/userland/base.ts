import type { ImageFileSpec } from "../runtime/image.js";
import { bashProgramId } from "../shell/bash-builds.js";
import { OS_RELEASES, type OsRelease } from "./os-release.js";

/**
 * Base image layers as file specs: a Debian-like root (dash as /bin/sh, bash, coreutils, procps
 * where the image has it, netcat-openbsd, curl) with the identity files of the release it is,
 * and busybox's (one binary, every applet beside it). Images add their own files on top.
 */

export interface BaseUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home?: string;
  readonly shell?: string;
}

const DEBIAN_PASSWD = `root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
bin:x:2:2:bin:/bin:/usr/sbin/nologin
sys:x:3:3:sys:/dev:/usr/sbin/nologin
sync:x:4:65534:sync:/bin:/bin/sync
games:x:5:60:games:/usr/games:/usr/sbin/nologin
man:x:6:12:man:/var/cache/man:/usr/sbin/nologin
lp:x:7:7:lp:/var/spool/lpd:/usr/sbin/nologin
mail:x:8:8:mail:/var/mail:/usr/sbin/nologin
news:x:9:9:news:/var/spool/news:/usr/sbin/nologin
uucp:x:10:10:uucp:/var/spool/uucp:/usr/sbin/nologin
proxy:x:13:13:proxy:/bin:/usr/sbin/nologin
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
backup:x:34:34:backup:/var/backups:/usr/sbin/nologin
list:x:38:38:Mailing List Manager:/var/list:/usr/sbin/nologin
irc:x:39:39:ircd:/run/ircd:/usr/sbin/nologin
_apt:x:42:65534::/nonexistent:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
`;

const DEBIAN_GROUPS: readonly [string, number][] = [
  ["root", 0], ["daemon", 1], ["bin", 2], ["sys", 3], ["adm", 4], ["tty", 5], ["disk", 6], ["lp", 7], ["mail", 8], ["news", 9],
  ["uucp", 10], ["man", 12], ["proxy", 13], ["kmem", 15], ["dialout", 20], ["fax", 21], ["voice", 22], ["cdrom", 24], ["floppy", 25],
  ["tape", 26], ["sudo", 27], ["audio", 29], ["dip", 30], ["www-data", 33], ["backup", 34], ["operator", 37], ["list", 38], ["irc", 39],
  ["src", 40], ["shadow", 42], ["utmp", 43], ["video", 44], ["sasl", 45], ["plugdev", 46], ["staff", 50], ["games", 60], ["users", 100],
  ["nogroup", 65534],
];

/** Programs of a Debian root: path → registered program id. */
const DEBIAN_PROGRAMS: Readonly<Record<string, string>> = {
  "/bin/dash": "sh",
  "/bin/bash": "bash",
  "/bin/cat": "coreutils:cat",
  "/bin/chgrp": "coreutils:chgrp",
  "/bin/chmod": "coreutils:chmod",
  "/bin/chown": "coreutils:chown",
  "/bin/cp": "coreutils:cp",
  "/bin/date": "coreutils:date",
  "/bin/df": "coreutils:df",
  "/bin/echo": "coreutils:echo",
  "/bin/false": "coreutils:false",
  "/bin/ln": "coreutils:ln",
  "/bin/ls": "coreutils:ls",
  "/bin/mkdir": "coreutils:mkdir",
  "/bin/mount": "util-linux:mount",
  "/bin/mv": "coreutils:mv",
  "/bin/pwd": "coreutils:pwd",
  "/bin/readlink": "coreutils:readlink",
  "/bin/rm": "coreutils:rm",
  "/bin/rmdir": "coreutils:rmdir",
  "/bin/sleep": "coreutils:sleep",
  "/bin/touch": "coreutils:touch",
  "/bin/true": "coreutils:true",
  "/bin/uname": "coreutils:uname",
  "/bin/hostname": "hostname:hostname",
  "/bin/kill": "procps:kill",
  "/bin/ps": "procps:ps",
  "/bin/grep": "grep:grep",
  "/bin/sed": "sed:sed",
  "/bin/tar": "tar:tar",
  "/bin/gzip": "gzip:gzip",
  "/bin/gunzip": "gzip:gunzip",
  "/bin/zcat": "gzip:zcat",
  "/bin/nc.openbsd": "netcat-openbsd:nc",
  "/bin/which": "debianutils:which",
  "/usr/bin/[": "coreutils:[",
  "/usr/bin/awk": "mawk:awk",
  "/usr/bin/mawk": "mawk:awk",
  "/usr/bin/basename": "coreutils:basename",
  "/usr/bin/cut": "coreutils:cut",
  "/usr/bin/dirname": "coreutils:dirname",
  "/usr/bin/du": "coreutils:du",
  "/bin/dd": "coreutils:dd",
  "/usr/bin/find": "findutils:find",
  "/usr/bin/md5sum": "coreutils:md5sum",
  "/usr/bin/od": "coreutils:od",
  "/usr/bin/sha1sum": "coreutils:sha1sum",
  "/usr/bin/sha256sum": "coreutils:sha256sum",
  "/usr/bin/sha512sum": "coreutils:sha512sum",
  "/usr/bin/timeout": "coreutils:timeout",
  "/usr/bin/truncate": "coreutils:truncate",
  "/usr/bin/env": "coreutils:env",
  "/usr/bin/getent": "libc-bin:getent",
  "/usr/bin/head": "coreutils:head",
  "/usr/bin/id": "coreutils:id",
  "/usr/bin/nproc": "coreutils:nproc",
  "/usr/bin/printenv": "coreutils:printenv",
  "/usr/bin/printf": "coreutils:printf",
  "/usr/bin/seq": "coreutils:seq",
  "/usr/bin/sort": "coreutils:sort",
  "/usr/bin/stat": "coreutils:stat",
  "/usr/bin/base64": "coreutils:base64",
  "/usr/bin/base32": "coreutils:base32",
  "/usr/bin/cksum": "coreutils:cksum",
  "/usr/bin/sum": "coreutils:sum",
  "/usr/bin/groups": "coreutils:groups",
  "/usr/bin/tsort": "coreutils:tsort",
  "/usr/bin/factor": "coreutils:factor",
  "/usr/bin/b2sum": "coreutils:b2sum",
  "/usr/bin/xargs": "coreutils:xargs",
  "/usr/bin/tail": "coreutils:tail",
  "/usr/bin/uptime": "procps:uptime",
  "/usr/bin/tee": "coreutils:tee",
  "/usr/bin/test": "coreutils:test",
  "/usr/bin/tr": "coreutils:tr",
  "/usr/bin/uniq": "coreutils:uniq",
  "/usr/bin/wc": "coreutils:wc",
  "/usr/bin/whoami": "coreutils:whoami",
  "/usr/bin/yes": "coreutils:yes",
  "/usr/bin/free": "procps:free",
  "/usr/bin/pgrep": "procps:pgrep",
  "/usr/bin/pkill": "procps:pkill",
  "/usr/bin/top": "procps:top",
  "/usr/bin/curl": "curl:curl",
  "/usr/bin/diff": "diffutils:diff",
  "/usr/bin/cmp": "diffutils:cmp",
  "/usr/bin/expr": "coreutils:expr",
  "/usr/bin/tac": "coreutils:tac",
  "/usr/bin/paste": "coreutils:paste",
  "/usr/bin/nl": "coreutils:nl",
  "/usr/bin/fold": "coreutils:fold",
  "/usr/bin/comm": "coreutils:comm",
  "/usr/bin/expand": "coreutils:expand",
  "/usr/bin/join": "coreutils:join",
  "/usr/bin/shuf": "coreutils:shuf",
  "/usr/bin/unexpand": "coreutils:unexpand",
  "/bin/mktemp": "coreutils:mktemp",
  "/usr/bin/install": "coreutils:install",
  "/usr/bin/split": "coreutils:split",
  "/usr/bin/numfmt": "coreutils:numfmt",
  "/usr/bin/realpath": "coreutils:realpath",
  "/usr/bin/tty": "coreutils:tty",
  "/usr/bin/nohup": "coreutils:nohup",
  "/usr/bin/fallocate": "util-linux:fallocate",
  "/usr/bin/rev": "util-linux:rev",
};

const DIRS = ["/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin", "/usr/share", "/usr/lib", "/lib", "/etc", "/home", "/var/log", "/var/lib", "/var/cache", "/run", "/opt", "/srv", "/mnt", "/media", "/proc", "/sys", "/dev"];

export interface DebianBaseOptions {
  readonly users?: readonly BaseUser[];
  /** The release the root says it is; Debian 12.5 unless told. */
  readonly release?: OsRelease;
  /** Whether procps (ps, top, free, uptime, pgrep, pkill, kill) is installed; it is unless told. */
  readonly procps?: boolean;
}

export function debianBase(options: DebianBaseOptions = {}): Record<string, ImageFileSpec> {
  const users = options.users ?? [];
  const files: Record<string, ImageFileSpec> = {};
  for (const d of DIRS) files[d] = { dir: true };
  files["/tmp"] = { dir: true, mode: 0o1777 };
  files["/var/tmp"] = { dir: true, mode: 0o1777 };
  // Debian keeps runtime state in /run; /var/run is a link to it.
  files["/var/run"] = { symlink: "/run" };
  files["/root"] = { dir: true, mode: 0o700 };
  for (const [path, program] of Object.entries(DEBIAN_PROGRAMS)) {
    // Slim images (Debian's -slim, Oracle Linux's) go without procps.
    if (options.procps === false && program.startsWith("procps:")) continue;
    files[path] = { program };
  }
  files["/bin/sh"] = { symlink: "dash" };
  files["/bin/nc"] = { symlink: "/etc/alternatives/nc" };
  files["/etc/alternatives/nc"] = { symlink: "/bin/nc.openbsd" };
  files["/bin/netcat"] = { symlink: "/etc/alternatives/netcat" };
  files["/etc/alternatives/netcat"] = { symlink: "/bin/nc.openbsd" };
  const release = options.release ?? OS_RELEASES.bookworm;
  if (release.mergedUsr === true) {
    // The image's layer writes /bin/ls through the link, to /usr/bin/ls, as dpkg would.
    for (const d of ["bin", "sbin", "lib", "lib64"]) files[`/${d}`] = { symlink: `usr/${d}` };
    files["/usr/lib64"] = { dir: true };
  } else files["/usr/bin/which"] = { symlink: "/bin/which" };
  let passwd = DEBIAN_PASSWD;
  let group = DEBIAN_GROUPS.map(([n, g]) => `${n}:x:${g}:\n`).join("");
  for (const u of users) {
    const home = u.home ?? `/home/${u.name}`;
    passwd += `${u.name}:x:${u.uid}:${u.gid}::${home}:${u.shell ?? "/bin/sh"}\n`;
    if (!DEBIAN_GROUPS.some(([, g]) => g === u.gid)) group += `${u.name}:x:${u.gid}:\n`;
    files[home] = { dir: true, mode: 0o755, uid: u.uid, gid: u.gid };
  }
  files["/etc/passwd"] = passwd;
  files["/etc/group"] = group;
  files["/etc/shells"] = "# /etc/shells: valid login shells\n/bin/sh\n/bin/bash\n/usr/bin/bash\n/bin/dash\n/usr/bin/dash\n";
  files["/bin/bash"] = { program: bashProgramId(release.bash) };
  Object.assign(files, release.files);
  return files;
}

/** The applets a busybox 1.28 image links to /bin/busybox (those ksim implements). */
export const BUSYBOX_APPLETS = [
  "[", "[[", "ash", "awk", "base64", "basename", "cat", "chgrp", "chmod", "chown", "cp", "cut", "date", "dd", "df", "dirname", "du", "echo", "env", "expr", "false", "find",
  "free", "grep", "gunzip", "gzip", "head", "hostname", "id", "kill", "ln", "ls", "md5sum", "mkdir", "mount", "mv", "nc", "nslookup", "od", "pgrep", "ping", "pkill", "printenv", "printf", "ps", "pwd",
  "readlink", "rm", "rmdir", "sed", "seq", "sh", "sha1sum", "sha256sum", "sha512sum", "sleep", "sort", "stat", "tail", "tar", "tee", "test", "timeout", "top", "touch", "tr", "true", "uname", "uniq", "uptime", "wc", "wget",
  "which", "whoami", "xargs", "yes", "zcat",
] as const;

const BUSYBOX_PASSWD = `root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
sync:x:4:100:sync:/bin:/bin/sync
mail:x:8:8:mail:/var/spool/mail:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
operator:x:37:37:Operator:/var:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
`;

const BUSYBOX_GROUP = `root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
lp:x:7:
mail:x:8:
kmem:x:9:
wheel:x:10:root
cdrom:x:11:
dialout:x:18:
floppy:x:19:
video:x:28:
audio:x:29:
tape:x:32:
www-data:x:33:
operator:x:37:
utmp:x:43:
plugdev:x:46:
staff:x:50:
lock:x:54:
netdev:x:82:
users:x:100:
nogroup:x:65534:
`;

export function busyboxBase(): Record<string, ImageFileSpec> {
  const files: Record<string, ImageFileSpec> = {};
  for (const d of ["/bin", "/dev", "/etc", "/home", "/proc", "/sys", "/usr", "/usr/sbin", "/var", "/var/spool", "/var/spool/mail", "/var/www"]) files[d] = { dir: true };
  files["/root"] = { dir: true, mode: 0o700 };
  files["/tmp"] = { dir: true, mode: 0o1777 };
  files["/bin/busybox"] = { program: "busybox:busybox" };
  for (const applet of BUSYBOX_APPLETS) files[`/bin/${applet}`] = { program: `busybox:${applet === "ash" ? "sh" : applet}` };
  files["/etc/passwd"] = BUSYBOX_PASSWD;
  files["/etc/group"] = BUSYBOX_GROUP;
  files["/etc/shadow"] = { content: "root:*:10933:0:99999:7:::\n", mode: 0o600 };
  return files;
}
