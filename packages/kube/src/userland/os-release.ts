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
}

/** Debian and Ubuntu keep os-release in /usr/lib and link /etc/os-release to it. */
function debianFamily(osRelease: string, debianVersion: string, issue: string, bash: BashBuild, extra: Record<string, ImageFileSpec> = {}): OsRelease {
  return {
    bash,
    files: {
      "/usr/lib/os-release": osRelease,
      "/etc/os-release": { symlink: "../usr/lib/os-release" },
      "/etc/debian_version": `${debianVersion}\n`,
      // getty expands \n and \l; a blank line follows.
      "/etc/issue": `${issue} \\n \\l\n\n`,
      "/etc/issue.net": `${issue}\n`,
      ...extra,
    },
  };
}

/** A Debian point release; stretch's codename line came with a later point release than 9.3. */
function debian(major: number, codename: string, point: string, bash: BashBuild, withCodename = true): OsRelease {
  const osRelease =
    `PRETTY_NAME="Debian GNU/Linux ${major} (${codename})"\nNAME="Debian GNU/Linux"\nVERSION_ID="${major}"\nVERSION="${major} (${codename})"\n` +
    (withCodename ? `VERSION_CODENAME=${codename}\n` : "") +
    'ID=debian\nHOME_URL="https://www.debian.org/"\nSUPPORT_URL="https://www.debian.org/support"\nBUG_REPORT_URL="https://bugs.debian.org/"\n';
  return debianFamily(osRelease, point, `Debian GNU/Linux ${major}`, bash);
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
