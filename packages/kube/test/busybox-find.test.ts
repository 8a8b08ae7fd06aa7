import { describe, expect, it } from "vitest";
import { BUSYBOX_USAGE } from "../src/userland/busybox-usage.js";
import { findProgramFor } from "../src/userland/find.js";
import { Sandbox } from "../src/userland/index.js";
import { BUSYBOX_BANNER } from "../src/userland/libbb.js";
import type { Flavor } from "../src/userland/common.js";

/**
 * busybox 1.28.4's find (findutils/find.c with libbb's recursive_action, xatonum and
 * bb_parse_mode, as `make defconfig` builds it for the busybox:1.28 image).
 *
 * Each row is a script run by `sh -c "(script) 2>&1"` in /tmp of a busybox sandbox whose
 * /bin/find is the busybox flavour: its combined output and status.
 */

type Row = readonly [script: string, output: string, status: number];

/** What bb_show_usage prints for find: 1.28's usage text (1.35's lists more primaries). */
const USAGE = `${BUSYBOX_BANNER}\nUsage: find ${BUSYBOX_USAGE["find"]}\n`;

/**
 * Recorded from a real busybox 1.35.0 (Debian 12's build) in an empty directory, in rows where
 * the 1.28 source does the same; the usage that follows an "unrecognized" line is 1.28's.
 */
const RECORDED: readonly Row[] = [
  ["find -name", "find: -name requires an argument\n", 1],
  ["find . -type x; find . -type fd; find . -type ''", "find: invalid argument 'x' to '-type'\nfind: invalid argument 'fd' to '-type'\nfind: invalid argument '' to '-type'\n", 1],
  ["find nodir; echo s=$?", "find: nodir: No such file or directory\ns=1\n", 0],
  ["touch f; find . nodir f", ".\n./f\nfind: nodir: No such file or directory\nf\n", 1],
  ["find ''; echo s=$?", "find: : No such file or directory\ns=1\n", 0],
  ["touch f; find f/", "find: f/: Not a directory\n", 1],
  ["find . -newer nofile", "find: can't stat 'nofile': No such file or directory\n", 1],
  [
    "find . -maxdepth x; find . -mindepth -1; find . -mtime 1x; find . -mtime +-1; find . -size 1M; find . -links 99999999999999999999; find . -inum abc; find . -size 0x10",
    "find: invalid number 'x'\nfind: invalid number '-1'\nfind: invalid number '1x'\nfind: invalid number '-1'\nfind: invalid number '1M'\nfind: invalid number '99999999999999999999'\nfind: invalid number 'abc'\nfind: invalid number '0x10'\n",
    1,
  ],
  ["find . -foo", `find: unrecognized: -foo\n${USAGE}`, 1],
  ["find . -printf x", `find: unrecognized: -printf\n${USAGE}`, 1],
  ["find . -true", `find: unrecognized: -true\n${USAGE}`, 1],
  ["find . \\( -name b; find . -name b \\)", `find: unpaired '('\nfind: unrecognized: )\n${USAGE}`, 1],
  // -exec: a lone `;` or `+` ends it; `+` wants exactly one {} wherever it is; a command that
  // cannot run is reported (no quotes) without touching the status, except from a `+` batch.
  [
    "touch f; find . -type f -exec echo {} x +; find . -type f -exec echo a{}b +; find f -exec echo {} {} +; find f -exec echo + ; find f -exec ;",
    "./f x\na./fb\nfind: only one '{}' allowed for -exec +\nfind: only one '{}' allowed for -exec +\nfind: -exec requires an argument\n",
    1,
  ],
  [
    "touch f; find . -exec nosuch {} \\; ; echo s=$?; find f -exec nosuch {} + ; echo s=$?",
    "find: nosuch: No such file or directory\nfind: nosuch: No such file or directory\ns=0\nfind: nosuch: No such file or directory\ns=1\n",
    0,
  ],
  // A failed batch under `!` is fine; a batch inside parentheses is never run.
  ["touch f; find f ! -exec false {} +; echo s=$?; find f \\( -exec echo {} + \\); echo s=$?; find f -exec false {} +; echo s=$?", "s=0\ns=0\ns=1\n", 0],
  // -quit exits on the spot: no pending batch, no -print after it.
  ["touch f; find . -exec echo {} + -quit; echo s=$?; find f -quit -print; echo s=$?", "s=0\ns=0\n", 0],
  ["mkdir d; touch d/f; find d -exec rm -rf {} \\; ; echo s=$?", "find: d: No such file or directory\ns=1\n", 0],
  ["mkdir d; touch d/f; find d -type f -print0 -exec echo X{}Y + | od -c", "0000000   d   /   f  \\0   X   d   /   f   Y  \\n\n0000012\n", 0],
  // -size: bytes compared exactly (N 512-byte blocks by default, c w b k).
  [
    "printf '%1025s' x > k; printf abc > f; for s in 3 3c 1 -1 +0 1k 2k -2k 2 +2 -3c 2w; do echo \"$s: $(find f k -size $s | tr '\\n' ' ')\"; done",
    "3: \n3c: f \n1: \n-1: f \n+0: f k \n1k: \n2k: \n-2k: f k \n2: \n+2: k \n-3c: \n2w: \n",
    0,
  ],
  // -perm: +MASK and /MASK any bit, -MASK all, MASK exactly; symbolic modes start from 0.
  [
    "touch f; chmod 644 f; for p in 644 -600 +100 /100 /600 -u+rw u+rw,go+r u=rw,g=u,o=r - / + -0; do echo \"$p: $(find f -perm $p)\"; done; find f -perm 8; find f -perm u; find f -perm +s",
    "644: f\n-600: f\n+100: \n/100: \n/600: f\n-u+rw: f\nu+rw,go+r: f\nu=rw,g=u,o=r: \n-: f\n/: \n+: \n-0: f\nfind: invalid mode '8'\nfind: invalid mode 'u'\nfind: invalid mode 's'\n",
    1,
  ],
  // -regex: a basic regex matching the whole path.
  [
    "mkdir -p a/b; touch a/b/c; find . -regex '.*b'; find . -regex 'a'; find . -regex '.*\\(b\\|c\\)'; find . -regex 'a+'; find . -regex '\\./a/b\\{0,1\\}'; find . -regex '['",
    "./a/b\n./a/b\n./a/b/c\n./a/b\nfind: bad regex '[': Invalid regular expression\n",
    1,
  ],
  [
    "touch f; find f -user root -group 0; find f -user 0 -group root; find f -user nosuchuser; echo s=$?; find f -group nosuchgrp; find f -user 12abc",
    "f\nf\nfind: unknown user nosuchuser\ns=1\nfind: unknown group nosuchgrp\nfind: unknown user 12abc\n",
    1,
  ],
  // -prune does nothing under -depth; an empty -o group ends the expression.
  [
    "mkdir -p a/b; touch a/b/c; find a -name b -prune -o -print; echo ---; find a -depth -name b -prune -o -print; echo ---; find a -o -print; echo ---; find a -name c -o; echo ---; find a ! -o -name c",
    "a\n---\na/b/c\na\n---\n---\na/b/c\n---\na\na/b\na/b/c\n",
    0,
  ],
  ["mkdir -p a/b/c; find a -maxdepth 1 -depth; find a -mindepth 2; find a -mindepth 3 -maxdepth 1; find a -maxdepth -1", "a/b\na\na/b/c\nfind: invalid number '-1'\n", 1],
  // Under -depth (or above -mindepth) the walk goes on below -maxdepth: here into a link loop.
  ["mkdir -p a/b; ln -s .. a/b/up; find -L a -depth -maxdepth 1 2>&1 | tail -2 | cut -c1-40; find -L a -depth -maxdepth 1 >/dev/null 2>&1; echo s=$?", "a/b\na\ns=1\n", 0],
  [
    "mkdir -p a/b; ln -s .. a/b/up; find -L a -mindepth 99 -maxdepth 1 2>&1 | cut -c1-40; find -L a -mindepth 99 -maxdepth 1 >/dev/null 2>&1; echo s=$?",
    "find: a/b/up/b/up/b/up/b/up/b/up/b/up/b/\ns=1\n",
    0,
  ],
  ["mkdir -p a/b; touch a/b/c; find a -name b -quit -o -print; echo s=$?; find nodir a -quit; echo s=$?", "a\ns=0\nfind: nodir: No such file or directory\ns=1\n", 0],
  [
    "touch -d '2000-01-01 00:00' old; touch new; find . -mtime +1000; find . -mmin +5; find . -type f -mtime -1; find . -type f -mmin 0; find . -mtime +-1",
    "./old\n./old\n./new\n./new\nfind: invalid number '-1'\n",
    1,
  ],
  ["touch f; ln f h; find f -links 2; find f -links +1; find f -links -2; find f -inum 0x1", "f\nf\nfind: invalid number '0x1'\n", 1],
  // -H and -L come before the paths; a dangling link is kept as the link when following.
  [
    "mkdir -p a/b; ln -s a l; ln -s nowhere dl; find -L l -type d; find -H l; find l; find l/; find -L dl; find dl/; find -HL . -maxdepth 1 -type l",
    "l\nl/b\nl\nl/b\nl\nl/\nl/b\ndl\nfind: dl/: No such file or directory\n./dl\n",
    0,
  ],
  ["mkdir d; touch d/e; find d/ d//; find // -maxdepth 0 -name /; find d/ -name d", "d/\nd/e\nd//\nd//e\n//\nd/\n", 0],
  ["touch f x; chmod 755 x; chmod 644 f; find . -type f -executable", "./x\n", 0],
  ["mkdir d; touch d/FoO; find . -iname 'foo'; find . -ipath '*D/F*'; find . -path 'd*'; find . -wholename './d'", "./d/FoO\n./d/FoO\n./d\n", 0],
  ["touch f; find . ! -o -name f; find . -name f -a -a -print; find f !; find . ! -name f -o ! -print", ".\n./f\n./f\nf\n./f\n", 0],
  ["find . -xdev -maxdepth 0; find . -maxdepth 0 -follow -depth", ".\n.\n", 0],
];

/** From reading the 1.28 source, where 1.35 differs or cannot show it (its build has no -delete). */
const FROM_SOURCE: readonly Row[] = [
  // Primaries 1.28 does not have yet (1.35 has them).
  ["find . -empty", `find: unrecognized: -empty\n${USAGE}`, 1],
  ["find . -atime 1", `find: unrecognized: -atime\n${USAGE}`, 1],
  // "--" is not an option to 1.28's find (1.35 takes it).
  ["find -- .", `find: unrecognized: --\n${USAGE}`, 1],
  // -delete turns on -depth, leaves "." alone, and a failure is reported but neither fails the
  // action nor changes the status.
  [
    "mkdir -p a/b; touch a/b/c; find a -name b -delete; echo s=$?; find a -delete -o -print; echo s=$?; ls a; mkdir d; cd d; find . -delete; ls -a",
    "find: a/b: Directory not empty\ns=0\ns=0\nls: a: No such file or directory\n.\n..\n",
    0,
  ],
  // -newer and -mtime compare whole seconds.
  ["touch a; sleep 0.4; touch b; find b -newer a; echo s=$?; sleep 1; touch c; find c -newer a", "s=0\nc\n", 0],
];

/** A busybox image, its /bin/find the applet or, to tell the two apart, GNU's. */
function sandbox(flavor: Flavor): Sandbox {
  const sb = new Sandbox({ base: "busybox" });
  if (flavor === "gnu") sb.registry.registerProgram("busybox:find", findProgramFor("gnu"));
  return sb;
}

function run(script: string, flavor: Flavor = "busybox"): { output: string; status: number | undefined } {
  const r = sandbox(flavor).run(["sh", "-c", `(${script}) 2>&1`], { cwd: "/tmp" });
  return { output: r.stdout, status: r.status };
}

describe("busybox find (1.28.4's findutils/find.c)", () => {
  describe("rows recorded from busybox 1.35 where 1.28 agrees", () => {
    for (const [script, output, status] of RECORDED) {
      it(script.slice(0, 70), () => expect(run(script)).toEqual({ output, status }));
    }
  });

  describe("rows from the 1.28 source", () => {
    for (const [script, output, status] of FROM_SOURCE) {
      it(script.slice(0, 70), () => expect(run(script)).toEqual({ output, status }));
    }
  });

  it("tells every row apart from GNU find's answer", () => {
    const same = [...RECORDED, ...FROM_SOURCE].filter(([script, output, status]) => {
      const gnu = run(script, "gnu");
      return gnu.output === output && gnu.status === status;
    });
    expect(same.map(([script]) => script)).toEqual([]);
  });
});
