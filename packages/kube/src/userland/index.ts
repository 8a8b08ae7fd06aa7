import type { Proc } from "@ksim/sim";
import type { ImageRegistry } from "../runtime/image.js";
import type { Executable, ProcessContext } from "../runtime/process.js";
import { awkProgram } from "./awk/program.js";
import { BUSYBOX_APPLETS } from "./base.js";
import { busyboxChecksum, checksum, crcProgram } from "./checksum.js";
import type { Flavor } from "./common.js";
import { cmpProgram, diffProgram } from "./diff.js";
import { busyboxExprProgram, exprProgram } from "./expr.js";
import { df } from "./df.js";
import { dd } from "./dd.js";
import { du } from "./du.js";
import { findProgram, findProgramFor } from "./find.js";
import { gzipProgram } from "./gzip.js";
import { cat, chmod, chown, cp, mkdir, mv, rm, rmdir, touch } from "./files.js";
import { ls } from "./ls.js";
import { odProgram } from "./od.js";
import { busyboxNc, curl, nc, nslookup, wget } from "./net-tools.js";
import { busyboxPs, killProgram, pgrepProgram, ps } from "./procps.js";
import { procpsTop } from "./top.js";
import { busyboxTop } from "./busybox-top.js";
import { sed } from "./sed.js";
import { statProgram } from "./stat.js";
import { tarProgram } from "./tar.js";
import {
  dateProgram,
  echoProgram,
  envProgram,
  falseProgram,
  hostnameProgram,
  groupsProgram,
  idProgram,
  nprocProgram,
  printenvProgram,
  printfProgram,
  pwdProgram,
  sleepProgram,
  testProgram,
  trueProgram,
  unameProgram,
  whichProgram,
  whoamiProgram,
} from "./system.js";
import { freeProgram } from "./free.js";
import { getentProgram } from "./getent.js";
import { uptimeProgram } from "./uptime.js";
import { lnProgram } from "./ln.js";
import { mountProgram } from "./mount.js";
import { readlinkProgram, realpathProgram } from "./readlink.js";
import { xargs } from "./xargs.js";
import { baseEncoding, basenameProgram, cut, dirnameProgram, grep, head, seq, tac, tail, tee, tr, uniq, wc, yes } from "./text.js";
import { busyboxTimeoutProgram, timeoutProgram } from "./timeout.js";
import { truncateProgram } from "./truncate.js";
import { fallocateProgram } from "./fallocate.js";
import { BUSYBOX_BANNER, busyboxUsage } from "./libbb.js";
import { comm, expand, fold, join, nl, paste, unexpand, tsortProgram, revProgram } from "./textutils.js";
import { mktempProgram } from "./mktemp.js";
import { installProgram } from "./install.js";
import { factorProgram } from "./factor.js";
import { numfmtProgram } from "./numfmt.js";
import { splitProgram } from "./split.js";
import { nohupProgram, ttyProgram } from "./terminal.js";
import { sort } from "./sort.js";
import { shufProgram } from "./shuf.js";
import { ping } from "./ping.js";

export { debianBase, busyboxBase, BUSYBOX_APPLETS, type BaseUser, type DebianBaseOptions } from "./base.js";
export { OS_RELEASES, type OsRelease } from "./os-release.js";
export { passwdEntries, groupEntries, userName, groupName, userByName, groupByName, type PasswdEntry, type GroupEntry } from "./users.js";
export { parseDuration, formatDate, KERNEL_RELEASE } from "./system.js";

/** Tools both coreutils and busybox provide, built for one flavour. */
function common(flavor: Flavor): Record<string, Executable> {
  return {
    cat: cat(flavor),
    chgrp: chown(flavor),
    chmod: chmod(flavor),
    chown: chown(flavor),
    cp: cp(flavor),
    mkdir: mkdir(flavor),
    mv: mv(flavor),
    rm: rm(flavor),
    rmdir: rmdir(flavor),
    touch: touch(flavor),
    ls: ls(flavor),
    ln: lnProgram(flavor),
    echo: echoProgram(flavor),
    true: trueProgram,
    false: falseProgram,
    test: testProgram(flavor),
    "[": testProgram(flavor),
    printf: printfProgram(flavor),
    sleep: sleepProgram(flavor),
    env: envProgram(flavor),
    printenv: printenvProgram,
    id: idProgram(flavor),
    whoami: whoamiProgram(flavor),
    date: dateProgram(flavor),
    uname: unameProgram(flavor),
    pwd: pwdProgram,
    readlink: readlinkProgram(flavor),
    basename: basenameProgram(flavor),
    dirname: dirnameProgram(flavor),
    head: head(flavor),
    tail: tail(flavor),
    wc: wc(flavor),
    cut: cut(flavor),
    tr: tr(flavor),
    sort: sort(flavor),
    uniq: uniq(flavor),
    tee: tee(flavor),
    seq: seq(flavor),
    stat: statProgram(flavor),
    yes: yes(flavor),
    base64: baseEncoding("base64", flavor),
    xargs: xargs(flavor),
  };
}

/** Applets that do not answer a lone --help (appletlib's run_applet_no_and_exit skips them). */
const NO_HELP_CHECK = new Set(["test", "true", "false"]);

/**
 * A busybox applet as appletlib runs it: a lone `--help` shows its usage and exits 0 before the
 * applet sees its arguments.
 */
function applet(name: string, program: Executable): Executable {
  if (NO_HELP_CHECK.has(name)) return program;
  return function* (ctx) {
    if (ctx.argv.length === 2 && ctx.argv[1] === "--help") return busyboxUsage(ctx, name, 0);
    return yield* program(ctx);
  };
}

function busyboxApplets(): Record<string, Executable> {
  return Object.fromEntries(Object.entries(busyboxAppletPrograms()).map(([name, program]) => [name, applet(name, program)]));
}

function busyboxAppletPrograms(): Record<string, Executable> {
  return {
    ...common("busybox"),
    "[[": testProgram("busybox"),
    awk: awkProgram("busybox"),
    dd: dd("busybox"),
    df: df("busybox"),
    du: du("busybox"),
    free: freeProgram("busybox"),
    uptime: uptimeProgram("busybox"),
    top: busyboxTop,
    mount: mountProgram("busybox"),
    grep: grep("busybox"),
    sed: sed("busybox"),
    tar: tarProgram("busybox"),
    gzip: gzipProgram("busybox"),
    gunzip: gzipProgram("busybox"),
    zcat: gzipProgram("busybox"),
    hostname: hostnameProgram("busybox"),
    kill: killProgram("busybox"),
    ps: busyboxPs,
    pgrep: pgrepProgram("pgrep", "busybox"),
    ping,
    md5sum: busyboxChecksum("md5"),
    sha1sum: busyboxChecksum("sha1"),
    sha256sum: busyboxChecksum("sha256"),
    sha512sum: busyboxChecksum("sha512"),
    expr: busyboxExprProgram,
    find: findProgramFor("busybox"),
    timeout: busyboxTimeoutProgram,
    pkill: pgrepProgram("pkill", "busybox"),
    nc: busyboxNc,
    nslookup,
    od: odProgram("busybox"),
    wget,
    which: whichProgram,
  };
}

/** `busybox APPLET args` and `busybox` alone, as the multi-call binary answers. */
function* busyboxDispatcher(ctx: ProcessContext): Proc<number> {
  const applet = ctx.argv[1];
  if (applet === undefined || applet === "--help") {
    ctx.stdout.write(
      BUSYBOX_BANNER +
        "BusyBox is copyrighted by many authors between 1998-2015.\nLicensed under GPLv2. See source distribution for detailed\ncopyright notices.\n\nUsage: busybox [function [arguments]...]\n   or: busybox --list[-full]\n   or: busybox --install [-s] [DIR]\n   or: function [arguments]...\n\n\tBusyBox is a multi-call binary that combines many common Unix\n\tutilities into a single executable.  Most people will create a\n\tlink to busybox for each function they wish to use and BusyBox\n\twill act like whatever it was invoked as.\n\nCurrently defined functions:\n\t" +
        BUSYBOX_APPLETS.join(", ") +
        "\n",
    );
    return 0;
  }
  if (applet === "--list") {
    ctx.stdout.write(BUSYBOX_APPLETS.join("\n") + "\n");
    return 0;
  }
  if (!(BUSYBOX_APPLETS as readonly string[]).includes(applet)) {
    ctx.stderr.write(`${applet}: applet not found\n`);
    return 127;
  }
  return yield* ctx.exec([`/bin/${applet}`, ...ctx.argv.slice(2)]);
}

/**
 * Registers every userland program under its package-qualified id (`coreutils:cat`,
 * `procps:ps`, `busybox:ls`, ...), as the base layers' files name them.
 */
export function registerUserland(registry: ImageRegistry): void {
  for (const [name, program] of Object.entries(common("gnu"))) registry.registerProgram(`coreutils:${name}`, program);
  registry.registerProgram("hostname:hostname", hostnameProgram("gnu"));
  registry.registerProgram("procps:ps", ps);
  registry.registerProgram("procps:free", freeProgram("gnu"));
  registry.registerProgram("procps:uptime", uptimeProgram("gnu"));
  registry.registerProgram("procps:kill", killProgram("gnu"));
  registry.registerProgram("procps:pgrep", pgrepProgram("pgrep", "gnu"));
  registry.registerProgram("procps:pkill", pgrepProgram("pkill", "gnu"));
  registry.registerProgram("procps:top", procpsTop);
  registry.registerProgram("grep:grep", grep("gnu"));
  registry.registerProgram("mawk:awk", awkProgram("gnu"));
  registry.registerProgram("coreutils:df", df("gnu"));
  registry.registerProgram("coreutils:du", du("gnu"));
  registry.registerProgram("coreutils:dd", dd("gnu"));
  registry.registerProgram("coreutils:timeout", timeoutProgram);
  registry.registerProgram("coreutils:nproc", nprocProgram);
  registry.registerProgram("coreutils:truncate", truncateProgram);
  registry.registerProgram("coreutils:od", odProgram("gnu"));
  for (const algorithm of ["md5", "sha1", "sha256", "sha512"] as const) registry.registerProgram(`coreutils:${algorithm}sum`, checksum(algorithm));
  registry.registerProgram("coreutils:b2sum", checksum("blake2b"));
  registry.registerProgram("coreutils:cksum", crcProgram("cksum"));
  registry.registerProgram("coreutils:sum", crcProgram("sum"));
  registry.registerProgram("coreutils:base32", baseEncoding("base32", "gnu"));
  registry.registerProgram("coreutils:groups", groupsProgram);
  registry.registerProgram("coreutils:tsort", tsortProgram);
  registry.registerProgram("coreutils:factor", factorProgram);
  registry.registerProgram("util-linux:rev", revProgram);
  registry.registerProgram("findutils:find", findProgram);
  registry.registerProgram("sed:sed", sed("gnu"));
  registry.registerProgram("tar:tar", tarProgram("gnu"));
  for (const name of ["gzip", "gunzip", "zcat"]) registry.registerProgram(`gzip:${name}`, gzipProgram("gnu"));
  registry.registerProgram("netcat-openbsd:nc", nc);
  registry.registerProgram("curl:curl", curl);
  registry.registerProgram("diffutils:diff", diffProgram);
  registry.registerProgram("diffutils:cmp", cmpProgram);
  registry.registerProgram("coreutils:expr", exprProgram);
  registry.registerProgram("coreutils:tac", tac("gnu"));
  registry.registerProgram("coreutils:paste", paste("gnu"));
  registry.registerProgram("coreutils:nl", nl("gnu"));
  registry.registerProgram("coreutils:fold", fold("gnu"));
  registry.registerProgram("coreutils:comm", comm("gnu"));
  registry.registerProgram("coreutils:expand", expand("gnu"));
  registry.registerProgram("coreutils:join", join("gnu"));
  registry.registerProgram("coreutils:shuf", shufProgram);
  registry.registerProgram("coreutils:unexpand", unexpand("gnu"));
  registry.registerProgram("coreutils:mktemp", mktempProgram);
  registry.registerProgram("coreutils:install", installProgram);
  registry.registerProgram("coreutils:split", splitProgram);
  registry.registerProgram("coreutils:numfmt", numfmtProgram);
  registry.registerProgram("coreutils:realpath", realpathProgram);
  registry.registerProgram("coreutils:tty", ttyProgram);
  registry.registerProgram("coreutils:nohup", nohupProgram);
  registry.registerProgram("util-linux:fallocate", fallocateProgram);
  registry.registerProgram("util-linux:mount", mountProgram("gnu"));
  registry.registerProgram("debianutils:which", whichProgram);
  registry.registerProgram("libc-bin:getent", getentProgram);
  for (const [name, program] of Object.entries(busyboxApplets())) registry.registerProgram(`busybox:${name}`, program);
  registry.registerProgram("busybox:busybox", busyboxDispatcher);
}
export { Sandbox, type SandboxOptions, type RunResult } from "./sandbox.js";
