/**
 * The bash builds the images carry, as `bash --version`, $BASH_VERSION and the prompt's \v and
 * \V tell them: each distribution release ships its own.
 */
export interface BashBuild {
  /** The release with its patch level (`4.3.48`). */
  readonly release: string;
  /** The year of its `Copyright (C)` line. */
  readonly copyright: number;
  /** The system-wide bashrc an interactive shell reads first: Debian's packaging defines SYS_BASHRC, Red Hat's does not. */
  readonly sysBashrc?: string;
  /** The configure triplet it was built for ($MACHTYPE, `bash --version`): Red Hat's builds say so. */
  readonly machType?: string;
}

const DEBIAN_BASHRC = "/etc/bash.bashrc";

export const BASH_BUILDS = {
  /** Debian 12 (bash 5.2.15-2). */
  bookworm: { release: "5.2.15", copyright: 2022, sysBashrc: DEBIAN_BASHRC },
  /** Debian 11 (bash 5.1-2). */
  bullseye: { release: "5.1.4", copyright: 2020, sysBashrc: DEBIAN_BASHRC },
  /** Debian 9 (bash 4.4-5). */
  stretch: { release: "4.4.12", copyright: 2016, sysBashrc: DEBIAN_BASHRC },
  /** Ubuntu 16.04 from its later updates (4.3-14ubuntu1.x, with upstream patch 48, CVE-2016-7543's fix). */
  xenial: { release: "4.3.48", copyright: 2013, sysBashrc: DEBIAN_BASHRC },
  /** Ubuntu 16.04 as released: Debian's 4.3-14 carries upstream patches through 42 (unverified). */
  xenialGa: { release: "4.3.42", copyright: 2013, sysBashrc: DEBIAN_BASHRC },
  /** Oracle Linux 8 (bash-4.4.20). */
  oracleLinux8: { release: "4.4.20", copyright: 2016, machType: "x86_64-redhat-linux-gnu" },
} as const satisfies Record<string, BashBuild>;

/** The build of a bare `bash` program id: the workstation's, Debian 12's. */
export const DEFAULT_BASH: BashBuild = BASH_BUILDS.bookworm;

/** The program id an image's /bin/bash runs for a build (`bash` for the default one). */
export function bashProgramId(build: BashBuild): string {
  return build === DEFAULT_BASH ? "bash" : `bash:${build.release}`;
}

/** Whether the build is release major.minor or later. */
export function bashAtLeast(build: BashBuild, major: number, minor: number): boolean {
  const [a, b] = build.release.split(".").map(Number) as [number, number];
  return a > major || (a === major && b >= minor);
}

/** $MACHTYPE: the GNU triplet of the build. */
export function machType(build: BashBuild): string {
  return build.machType ?? "x86_64-pc-linux-gnu";
}

/** $BASH_VERSION: the release, the build number, the release status. */
export function bashVersion(build: BashBuild): string {
  return `${build.release}(1)-release`;
}

/** What `bash --version` prints. */
export function bashVersionText(build: BashBuild): string {
  return (
    `GNU bash, version ${bashVersion(build)} (${machType(build)})\n` +
    `Copyright (C) ${build.copyright} Free Software Foundation, Inc.\n` +
    "License GPLv3+: GNU GPL version 3 or later <http://gnu.org/licenses/gpl.html>\n\n" +
    "This is free software; you are free to change and redistribute it.\n" +
    "There is NO WARRANTY, to the extent permitted by law.\n"
  );
}
