import type { ImageFileSpec } from "../runtime/image.js";
import { BASH_BUILDS, type BashBuild } from "../shell/bash-builds.js";

/**
 * Which distribution release an image's root is, as its identity files say it: os-release and,
 * as the distribution has them, /etc/debian_version, /etc/issue and /etc/issue.net, Ubuntu's
 * /etc/lsb-release, Oracle Linux's /etc/oracle-release. The texts are those the release's
 * base-files (or oraclelinux-release) package installs.
 */
export interface OsRelease {
  readonly files: Readonly<Record<string, ImageFileSpec>>;
  /** The bash its packages install. */
  readonly bash: BashBuild;
  /** /bin, /sbin and /lib are links into /usr (Debian 12's images, Red Hat's since 7). */
  readonly mergedUsr?: boolean;
}

/**
 * bash's files (the bash package's /etc/bash.bashrc, base-files' /etc/profile and root's
 * .bashrc): what an interactive or login shell reads as it starts. bash.bashrc is given as far as
 * its prompt; the rest of Debian's file is commented out or needs packages no image here has (the
 * sudo hint, the command-not-found hook). Root's .bashrc is all comments in Debian's base-files;
 * Ubuntu's sets aliases, history options and an xterm title, which are not modelled.
 */
const BASH_BASHRC = `# System-wide .bashrc file for interactive bash(1) shells.

# To enable the settings / commands in this file for login shells as well,
# this file has to be sourced in /etc/profile.

# If not running interactively, don't do anything
[ -z "$PS1" ] && return

# check the window size after each command and, if necessary,
# update the values of LINES and COLUMNS.
shopt -s checkwinsize

# set variable identifying the chroot you work in (used in the prompt below)
if [ -z "\${debian_chroot:-}" ] && [ -r /etc/debian_chroot ]; then
    debian_chroot=$(cat /etc/debian_chroot)
fi

# set a fancy prompt (non-color, overwrite the one in /etc/profile)
PS1='\${debian_chroot:+($debian_chroot)}\\u@\\h:\\w\\$ '
`;

/** Debian's /etc/profile sets PATH by uid; Ubuntu's leaves it to pam_env's /etc/environment. */
function etcProfile(setsPath: boolean): string {
  const path = setsPath
    ? `if [ "$(id -u)" -eq 0 ]; then
  PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
else
  PATH="/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games"
fi
export PATH

`
    : "";
  return `# /etc/profile: system-wide .profile file for the Bourne shell (sh(1))
# and Bourne compatible shells (bash(1), ksh(1), ash(1), ...).

${path}if [ "\${PS1-}" ]; then
  if [ "\${BASH-}" ] && [ "$BASH" != "/bin/sh" ]; then
    # The file bash.bashrc already sets the default PS1.
    # PS1='\\h:\\w\\$ '
    if [ -f /etc/bash.bashrc ]; then
      . /etc/bash.bashrc
    fi
  else
    if [ "$(id -u)" -eq 0 ]; then
      PS1='# '
    else
      PS1='$ '
    fi
  fi
fi

if [ -d /etc/profile.d ]; then
  for i in /etc/profile.d/*.sh; do
    if [ -r $i ]; then
      . $i
    fi
  done
  unset i
fi
`;
}

/** Debian and Ubuntu keep os-release in /usr/lib and link /etc/os-release to it. */
function debianFamily(osRelease: string, debianVersion: string, issue: string, bash: BashBuild, extra: Record<string, ImageFileSpec> = {}, mergedUsr = false): OsRelease {
  return {
    bash,
    ...(mergedUsr ? { mergedUsr } : {}),
    files: {
      "/usr/lib/os-release": osRelease,
      "/etc/os-release": { symlink: "../usr/lib/os-release" },
      "/etc/debian_version": `${debianVersion}\n`,
      // getty expands \n and \l; a blank line follows.
      "/etc/issue": `${issue} \\n \\l\n\n`,
      "/etc/issue.net": `${issue}\n`,
      "/etc/bash.bashrc": BASH_BASHRC,
      "/etc/profile": etcProfile(!osRelease.includes("ID=ubuntu")),
      "/root/.bashrc": "# ~/.bashrc: executed by bash(1) for non-login shells.\n",
      ...extra,
    },
  };
}

/** A Debian point release; stretch's codename line came with a later point release than 9.3. */
function debian(major: number, codename: string, point: string, bash: BashBuild, withCodename = true, mergedUsr = major >= 12): OsRelease {
  const osRelease =
    `PRETTY_NAME="Debian GNU/Linux ${major} (${codename})"\nNAME="Debian GNU/Linux"\nVERSION_ID="${major}"\nVERSION="${major} (${codename})"\n` +
    (withCodename ? `VERSION_CODENAME=${codename}\n` : "") +
    'ID=debian\nHOME_URL="https://www.debian.org/"\nSUPPORT_URL="https://www.debian.org/support"\nBUG_REPORT_URL="https://bugs.debian.org/"\n';
  return debianFamily(osRelease, point, `Debian GNU/Linux ${major}`, bash, {}, mergedUsr);
}

/** Ubuntu 16.04: the GA release's base-files has no VERSION_CODENAME; point releases do. */
function xenial(point: string): OsRelease {
  const version = point === "" ? "16.04 LTS" : `16.04.${point} LTS`;
  const osRelease =
    `NAME="Ubuntu"\nVERSION="${version} (Xenial Xerus)"\nID=ubuntu\nID_LIKE=debian\nPRETTY_NAME="Ubuntu ${version}"\nVERSION_ID="16.04"\n` +
    'HOME_URL="http://www.ubuntu.com/"\nSUPPORT_URL="http://help.ubuntu.com/"\nBUG_REPORT_URL="http://bugs.launchpad.net/ubuntu/"\n' +
    (point === "" ? "" : "VERSION_CODENAME=xenial\n") +
    "UBUNTU_CODENAME=xenial\n";
  return debianFamily(osRelease, "stretch/sid", `Ubuntu ${version}`, point === "" ? BASH_BUILDS.xenialGa : BASH_BUILDS.xenial, {
    "/etc/lsb-release": `DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=16.04\nDISTRIB_CODENAME=xenial\nDISTRIB_DESCRIPTION="Ubuntu ${version}"\n`,
  });
}

/** Oracle Linux Server 8.N as its slim container image has it: os-release is a plain file there. */
function oracleLinux8(minor: number): OsRelease {
  const v = `8.${minor}`;
  return {
    bash: BASH_BUILDS.oracleLinux8,
    mergedUsr: true,
    files: {
      "/etc/os-release":
        `NAME="Oracle Linux Server"\nVERSION="${v}"\nID="ol"\nID_LIKE="fedora"\nVARIANT="Server"\nVARIANT_ID="server"\nVERSION_ID="${v}"\n` +
        `PLATFORM_ID="platform:el8"\nPRETTY_NAME="Oracle Linux Server ${v}"\nANSI_COLOR="0;31"\nCPE_NAME="cpe:/o:oracle:linux:8:${minor}:server"\n` +
        'HOME_URL="https://linux.oracle.com/"\nBUG_REPORT_URL="https://github.com/oracle/oracle-linux"\n\n' +
        `ORACLE_BUGZILLA_PRODUCT="Oracle Linux 8"\nORACLE_BUGZILLA_PRODUCT_VERSION=${v}\nORACLE_SUPPORT_PRODUCT="Oracle Linux"\nORACLE_SUPPORT_PRODUCT_VERSION=${v}\n`,
      "/etc/oracle-release": `Oracle Linux Server release ${v}\n`,
      "/etc/system-release": { symlink: "oracle-release" },
      "/etc/redhat-release": `Red Hat Enterprise Linux release ${v} (Ootpa)\n`,
    },
  };
}

export const OS_RELEASES = {
  /** Debian 12.5 (February 2024): the workstation's. */
  bookworm: debian(12, "bookworm", "12.5", BASH_BUILDS.bookworm),
  /** Debian 12.9 (January 2025). */
  bookworm9: debian(12, "bookworm", "12.9", BASH_BUILDS.bookworm),
  /** Debian 11.7 (April 2023). */
  bullseye7: debian(11, "bullseye", "11.7", BASH_BUILDS.bullseye),
  /** Debian 9.3 (December 2017). */
  stretch3: debian(9, "stretch", "9.3", BASH_BUILDS.stretch, false),
  /** Ubuntu 16.04 as released (April 2016). */
  xenialGa: xenial(""),
  /** Ubuntu 16.04.3 (August 2017). */
  xenial3: xenial("3"),
  /** Oracle Linux Server 8.9 (November 2023). */
  oracleLinux89: oracleLinux8(9),
} as const satisfies Record<string, OsRelease>;
