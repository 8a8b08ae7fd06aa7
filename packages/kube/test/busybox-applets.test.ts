import { describe } from "vitest";
import { itMatchesRecorded } from "./helpers.js";

/**
 * busybox applets as the busybox:1.28 image has them. Rows marked "recorded" were printed by a
 * real busybox (Debian's 1.35.0, banner rewritten to 1.28.4's) where the 1.28 source reads the
 * same; the others follow the 1.28 source where 1.35 changed (timeout's `-t SECS`).
 */

describe("busybox usage (recorded): bb_show_usage's text, and a lone --help", () => {
  itMatchesRecorded(
    [
      ["sleep; echo $?", "BusyBox v1.28.4 (2018-05-22 17:00:17 UTC) multi-call binary.\n\nUsage: sleep [N]...\n\nPause for a time equal to the total of the args given, where each arg can\nhave an optional suffix of (s)econds, (m)inutes, (h)ours, or (d)ays\n1\n", 0],
      ["cut; echo $?", "cut: expected a list of bytes, characters, or fields\n1\n", 0],
      ["head --help 2>&1 | head -3; uniq --help >/dev/null 2>&1; echo $?", "BusyBox v1.28.4 (2018-05-22 17:00:17 UTC) multi-call binary.\n\nUsage: head [OPTIONS] [FILE]...\n0\n", 0],
    ],
    "",
    "busybox",
  );
});

describe("busybox long options (recorded): only those an applet's getopt32long table has", () => {
  itMatchesRecorded(
    [
      ["echo a > f; wc --lines f 2>&1 | head -1; cat --number f 2>&1 | head -1; tail --lines=1 f 2>&1 | head -1; grep --count a f 2>&1 | head -1", "wc: unrecognized option '--lines'\ncat: unrecognized option '--number'\ntail: unrecognized option '--lines=1'\ngrep: unrecognized option '--count'\n", 0],
      ["mkdir --parents a/b; ls -d a/b; rmdir --parents a/b; ls; echo $?", "a/b\n0\n", 0],
      ["echo a > f; cp --force f g; mv --force g h; ls; cp --preserve f x 2>&1 | head -1; ls --all 2>&1 | head -1", "f\nh\ncp: unrecognized option '--preserve'\nls: unrecognized option '--all'\n", 0],
      ["echo abc | sed --expression=s/b/X/; echo abc | sed --posix p 2>&1 | head -1; echo abc | sed --quiet --expression=p", "aXc\nsed: unrecognized option '--posix'\nabc\n", 0],
      ["echo abc > f; gzip --stdout f | gunzip --stdout; gzip --keep f 2>&1 | head -1", "abc\ngzip: unrecognized option '--keep'\n", 0],
      ["date --utc -d @0 +%Y; date --iso-8601 2>&1 | head -1", "1970\ndate: unrecognized option '--iso-8601'\n", 0],
      ["touch --no-create nofile; ls nofile; uname --kernel-name", "ls: nofile: No such file or directory\nLinux\n", 0],
      ["printf 'a\\n' | xargs --no-run-if-empty echo; printf 'a\\n' | xargs --null echo 2>&1 | head -1", "a\nxargs: unrecognized option '--null'\n", 0],
      ["env --unset=HOME sh -c 'echo ${HOME-unset}'; env -uHOME sh -c 'echo ${HOME-unset}'; env --foo 2>&1 | head -1; env -x >/dev/null 2>&1; echo $?", "unset\nunset\nenv: unrecognized option '--foo'\n1\n", 0],
      ["env --ignore-environment A=1 env; env -i - B=2 env; env - C=3 env", "A=1\nB=2\nC=3\n", 0],
      ["echo a > f; head --lines=1 f 2>&1 | head -1; head --foo f 2>&1 | head -1; head -n1 f", "head: invalid option -- '-'\nhead: invalid option -- '-'\na\n", 0],
    ],
    "",
    "busybox",
  );
});

describe("busybox grep (recorded): no -G, -P, -R or -Z, and usage errors exit 2", () => {
  itMatchesRecorded(
    [
      ["grep -Z x /dev/null 2>&1 | head -1; grep -Z x /dev/null >/dev/null 2>&1; echo rc=$?", "grep: invalid option -- 'Z'\nrc=2\n", 0],
      ["grep >/dev/null 2>&1; echo rc=$?; grep -P x /dev/null 2>&1 | head -1", "rc=2\ngrep: invalid option -- 'P'\n", 0],
    ],
    "",
    "busybox",
  );
});

describe("busybox ls -s (recorded): blocks six places wide, -h or not", () => {
  itMatchesRecorded(
    [
      ["echo hi > a; head -c 5000 /dev/zero > b; ls -s; ls -s a; ls -sh b; ls -ls a | cut -c1-20; ls -si a | sed 's/[0-9]\\{4,\\}/INO/'", "total 12\n     4 a\n     8 b\n     4 a\n     8 b\n     4 -rw-r--r--   \nINO      4 a\n", 0],
      ["mkdir d; ls -s d; echo x > d/f; ls -sR d", "total 0\nd:\ntotal 4\n     4 f\n", 0],
    ],
    "",
    "busybox",
  );
});

describe("busybox printf (recorded): no %q, which is bash's", () => {
  itMatchesRecorded(
    [
      ["printf '%q\\n' 'a b' 2>&1; echo rc=$?; env printf '%q\\n' x; echo rc=$?", "sh: %q\\n: invalid format\nrc=1\nprintf: %q\\n: invalid format\nrc=1\n", 0],
    ],
    "",
    "busybox",
  );
});

describe("busybox sort and uniq (recorded): a missing file in libbb's words", () => {
  itMatchesRecorded(
    [
      ["uniq nofile; echo rc=$?; sort nofile; echo rc=$?; sort -o x nofile 2>&1; echo rc=$?", "uniq: can't open 'nofile': No such file or directory\nrc=1\nsort: nofile: No such file or directory\nrc=2\nsort: nofile: No such file or directory\nrc=2\n", 0],
    ],
    "",
    "busybox",
  );
});

describe("busybox expr (recorded): 64-bit integers that wrap, quote, and one 'syntax error'", () => {
  itMatchesRecorded(
    [
      ["expr 1 + 2; expr 7 / 2; expr 5 % 3; expr 2 \\* 3; expr -7 / 2; expr -7 % 2", "3\n3\n2\n6\n-3\n-1\n", 0],
      ["expr abc : 'a\\(.\\)'; expr length hello; expr substr hello 2 3; expr index hello l", "b\n5\nell\n3\n", 0],
      ["expr 1 = 1; expr a \\< b; expr 0 \\| 3; expr 0 \\& 3; echo $?", "1\n1\n3\n0\n1\n", 0],
      ["expr; echo $?", "expr: too few arguments\n2\n", 0],
      ["expr 1 +; echo $?", "expr: syntax error\n2\n", 0],
      ["expr a + 1; echo $?", "expr: non-numeric argument\n2\n", 0],
      ["expr 1 / 0; echo $?", "expr: division by zero\n2\n", 0],
      ["expr 1 2; echo $?", "expr: syntax error\n2\n", 0],
      ["expr match abc 'a.'; expr quote; echo $?", "2\nexpr: syntax error\n2\n", 0],
      ["expr quote length; expr length quote; echo $?", "length\nexpr: syntax error\n2\n", 0],
      ["expr 99999999999999999999 + 1; echo $?", "-9223372036854775808\n0\n", 0],
      ["expr 9223372036854775807 + 1; expr -- -3 + 1; echo $?", "-9223372036854775808\nexpr: syntax error\n2\n", 0],
      ["expr ' 12' + 1; expr '+5' + 1; expr 00 = 0; expr 00; echo $?; expr 0; echo $?", "13\n6\n1\n00\n0\n0\n1\n", 0],
      ["expr abc : '^a'; echo $?", "expr: warning: '^a': using '^' as the first character\nof a basic regular expression is not portable; it is ignored\n1\n0\n", 0],
      ["expr abc : 'x*'; expr abc : '\\(x\\)*'; echo $?; expr '' ; echo $?", "0\n0\n1\n\n1\n", 0],
      ["expr substr hello 0 2; expr substr hello 9 2; expr substr hello 2 99; expr index abc z; echo $?", "\n\nello\n0\n1\n", 0],
      ["expr \\( 1 + 2 \\) \\* 3; expr \\( 1 + 2; echo $?; expr 1 \\); echo $?", "9\nexpr: syntax error\n2\nexpr: syntax error\n2\n", 0],
      ["expr 10 \\> 9; expr 10 \\> 9a; expr b \\>= a; expr 3 != 3; echo $?", "1\n0\n1\n0\n1\n", 0],
      ["expr abc : 'a\\(b\\)\\(c\\)'; expr aaa : 'a\\{2\\}'", "b\n2\n", 0],
      ["expr abc : '\\(';  echo $?", "expr: bad regex '\\(': Unmatched ( or \\(\n2\n", 0],
    ],
    "",
    "busybox",
  );
});

describe("busybox md5sum and shaNsum (recorded): can't open, -c lists, -s and -w only with -c", () => {
  itMatchesRecorded(
    [
      ["echo hello > f; md5sum f; sha1sum f; sha256sum f; sha512sum f", "b1946ac92492d2347c6235b4d2611184  f\nf572d396fae9206628714fb2ce00f72e94f2258f  f\n5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03  f\ne7c22b994c59d9cf2b48e549b1e24666636045930d3da7c1acb299d1c3b7f931f94aae41edda2c2b207a36e10f8bcb8d45223e54878f5b316e7ce3b6bc019629  f\n", 0],
      ["md5sum nofile; echo $?", "md5sum: can't open 'nofile': No such file or directory\n1\n", 0],
      ["mkdir d; md5sum d; echo $?", "md5sum: can't read 'd': Is a directory\n1\n", 0],
      ["echo hello | md5sum; echo hello | sha1sum -", "b1946ac92492d2347c6235b4d2611184  -\nf572d396fae9206628714fb2ce00f72e94f2258f  -\n", 0],
      ["echo hello > f; md5sum f > s; md5sum -c s; echo $?", "f: OK\n0\n", 0],
      ["echo hello > f; echo world > g; md5sum f g > s; echo x > f; md5sum -c s; echo $?", "f: FAILED\ng: OK\nmd5sum: WARNING: 1 of 2 computed checksums did NOT match\n1\n", 0],
      ["echo hello > f; md5sum f > s; echo x > f; md5sum -c -s s; echo $?", "1\n", 0],
      ["printf 'nonsense\\n' > s; md5sum -c s; echo $?; md5sum -c -w s; echo $?", "md5sum: WARNING: 1 of 1 computed checksums did NOT match\n1\nmd5sum: invalid format\nmd5sum: WARNING: 1 of 1 computed checksums did NOT match\n1\n", 0],
      ["echo hello > f; md5sum f | sed 's/  / */' > s; md5sum -c s", "f: OK\n", 0],
      ["md5sum -c nolist; echo $?", "md5sum: nolist: No such file or directory\n1\n", 0],
      ["echo hello > f; md5sum -s f; echo $?; md5sum -w f; echo $?", "BusyBox v1.28.4 (2018-05-22 17:00:17 UTC) multi-call binary.\n\nUsage: md5sum [-c[sw]] [FILE]...\n\nPrint or check MD5 checksums\n\n\t-c\tCheck sums against list in FILEs\n\t-s\tDon't output anything, status code shows success\n\t-w\tWarn about improperly formatted checksum lines\n1\nBusyBox v1.28.4 (2018-05-22 17:00:17 UTC) multi-call binary.\n\nUsage: md5sum [-c[sw]] [FILE]...\n\nPrint or check MD5 checksums\n\n\t-c\tCheck sums against list in FILEs\n\t-s\tDon't output anything, status code shows success\n\t-w\tWarn about improperly formatted checksum lines\n1\n", 0],
      ["echo hello > f; md5sum -b -t f", "b1946ac92492d2347c6235b4d2611184  f\n", 0],
      ["echo hello > f; md5sum f > s; rm f; md5sum -c s; echo $?", "md5sum: can't open 'f': No such file or directory\nf: FAILED\nmd5sum: WARNING: 1 of 1 computed checksums did NOT match\n1\n", 0],
      [": > empty; md5sum -c empty; echo $?", "md5sum: empty: no checksum lines found\n1\n", 0],
      ["echo hello > f; md5sum f > s; cat s | md5sum -c; cat s | md5sum -c -; echo $?", "f: OK\nf: OK\n0\n", 0],
      ["md5sum --tag f; echo $?", "md5sum: unrecognized option '--tag'\nBusyBox v1.28.4 (2018-05-22 17:00:17 UTC) multi-call binary.\n\nUsage: md5sum [-c[sw]] [FILE]...\n\nPrint or check MD5 checksums\n\n\t-c\tCheck sums against list in FILEs\n\t-s\tDon't output anything, status code shows success\n\t-w\tWarn about improperly formatted checksum lines\n1\n", 0],
    ],
    "",
    "busybox",
  );
});

describe("busybox 1.28 timeout (from its source): -t SECS, so a GNU-style duration is run as the program", () => {
  itMatchesRecorded(
    [
      ["timeout 1 sleep 5; echo $?", "timeout: can't execute '1': No such file or directory\n127\n", 0],
      ["timeout -t 1 sleep 5; echo $?", "Terminated\n143\n", 0],
      ["timeout -t 3 sleep 1; echo $?", "0\n", 0],
      ["timeout -t 0 sleep 5; echo $?", "Terminated\n143\n", 0],
      ["timeout -t 1 -s KILL sleep 5; echo $?", "Killed\n137\n", 0],
      ["timeout -t 1.5 sleep 1; echo $?", "timeout: invalid number '1.5'\n1\n", 0],
      ["timeout -s FOO sleep 1; echo $?", "timeout: unknown signal 'FOO'\n1\n", 0],
      ["timeout -t 5 nosuchprog; echo $?", "timeout: can't execute 'nosuchprog': No such file or directory\n127\n", 0],
      ["timeout; echo $?", "BusyBox v1.28.4 (2018-05-22 17:00:17 UTC) multi-call binary.\n\nUsage: timeout [-t SECS] [-s SIG] PROG ARGS\n\nRuns PROG. Sends SIG to it if it is not gone in SECS seconds.\nDefaults: SECS: 10, SIG: TERM.\n1\n", 0],
      ["timeout --help; echo $?", "BusyBox v1.28.4 (2018-05-22 17:00:17 UTC) multi-call binary.\n\nUsage: timeout [-t SECS] [-s SIG] PROG ARGS\n\nRuns PROG. Sends SIG to it if it is not gone in SECS seconds.\nDefaults: SECS: 10, SIG: TERM.\n0\n", 0],
      ["sh -c 'timeout -t 2 sh -c \"echo \\$\\$; exec sleep 10\"'; echo $?", "2\nTerminated\n143\n", 0],
    ],
    "",
    "busybox",
  );
});

describe("busybox sh's bash-style substitutions (recorded): ${var:offset:length} and ${var/pattern/replacement}", () => {
  // ASH_BASH_COMPAT, on in defconfig; no # or % anchors, which stay part of the pattern.
  itMatchesRecorded(
    [
      ["s=hello; echo ${s:1:2} \"${s:1}\" ${s: -2} ${s:(-3):2} ${s:9} ${s:1:0}x", "el ello lo ll x\n", 0],
      ["s=hello; echo ${s/l/L} ${s//l/L} \"${s/l}\" ${s/#h/H} ${s/%o/O} ${s//[eo]/_}", "heLlo heLLo helo hello hello h_ll_\n", 0],
      ["p=/a/b/c; echo ${p//\\//:} ${p/\\/a/X}; n=12345; echo ${n:1:3}", ":a:b:c X/b/c\n234\n", 0],
      ["s=hello; cat <<END\n${s:0:4} ${s//l/L}\nEND\necho done", "hell heLLo\ndone\n", 0],
      ["set -- abcdef; echo ${1:2:2}; f() { echo ${1/b/B}; }; f abc", "cd\naBc\n", 0],
    ],
    "",
    "busybox",
  );
});

describe("busybox sh's other bash compatibility (recorded): function, $'...', HOSTNAME, SHLVL and RANDOM", () => {
  itMatchesRecorded(
    [
      ["echo $'a\\tb\\x41\\n-'; echo \"$'x'\"", "a\tbA\n-\n$'x'\n", 0],
      ["function f { echo fn $1; }; f a; function g() { echo g; }; g", "fn a\ng\n", 0],
      ["x=$'it''s'; echo \"$x\"", "its\n", 0],
      ["function f { return 4; }; f; echo rc=$?", "rc=4\n", 0],
      ["echo \"[$SHLVL]\"; env | grep SHLVL; sh -c \"echo \\$SHLVL\"; echo ${HOSTNAME:+host}; env | grep -c HOSTNAME", "[1]\nSHLVL=1\n2\nhost\n0\n", 1],
      ["echo ${RANDOM:+r}; unset RANDOM; echo \"[${RANDOM}]\"; (echo \"[$RANDOM]\")", "r\n[]\n[]\n", 0],
      ["SHLVL=abc sh -c \"echo \\$SHLVL\"; SHLVL=-5 sh -c \"echo \\$SHLVL\"; SHLVL=\" 7x\" sh -c \"echo \\$SHLVL\"", "1\n4294967292\n8\n", 0],
    ],
    "",
    "busybox",
  );
});

describe("busybox sh -c (recorded): the command a -c string ends with runs in the shell's place", () => {
  // Followed through ;, the last && operand, if, case and { }; not after !, inside loops, or with a
  // trap set. A redirection of its own goes with it: the descriptor it replaced is closed.
  itMatchesRecorded(
    [
      ["sh -c 'echo $$ > a; sh -c \"echo \\$\\$ > b\"'; [ \"$(cat a)\" = \"$(cat b)\" ] && echo same || echo differ", "same\n", 0],
      ["sh -c 'echo $$ > a; sh -c \"echo \\$\\$ > b\"; true'; [ \"$(cat a)\" = \"$(cat b)\" ] && echo same || echo differ", "differ\n", 0],
      ["sh -c 'echo $$ > a; exec sh -c \"echo \\$\\$ > b\"'; [ \"$(cat a)\" = \"$(cat b)\" ] && echo same || echo differ", "same\n", 0],
      ["sh -c 'echo $$ > a; { sh -c \"echo \\$\\$ > b\"; }'; [ \"$(cat a)\" = \"$(cat b)\" ] && echo same || echo differ", "same\n", 0],
      ["sh -c 'echo $$ > a; true && sh -c \"echo \\$\\$ > b\"'; [ \"$(cat a)\" = \"$(cat b)\" ] && echo same || echo differ", "same\n", 0],
      ["sh -c 'echo $$ > a; ! sh -c \"echo \\$\\$ > b\"'; [ \"$(cat a)\" = \"$(cat b)\" ] && echo same || echo differ", "differ\n", 0],
      ["sh -c 'trap \"echo t\" EXIT; echo $$ > a; sh -c \"echo \\$\\$ > b\"'; [ \"$(cat a)\" = \"$(cat b)\" ] && echo same || echo differ", "t\ndiffer\n", 0],
      ["sh -c 'echo $$ > a; X=1 sh -c \"echo \\$\\$ > b\"'; [ \"$(cat a)\" = \"$(cat b)\" ] && echo same || echo differ", "same\n", 0],
      ["sh -c 'echo $$ > a; if true; then sh -c \"echo \\$\\$ > b\"; fi'; [ \"$(cat a)\" = \"$(cat b)\" ] && echo same || echo differ", "same\n", 0],
      ["sh -c 'sleep 5' & sleep 0.2; ps | grep -c \"sh -c sleep 5\"; kill $!", "2\n", 0],
      ["sh -c 'echo $$ > a; case x in x) sh -c \"echo \\$\\$ > b\";; esac'; [ \"$(cat a)\" = \"$(cat b)\" ] && echo same || echo differ", "same\n", 0],
      ["sh -c 'echo $$ > a; if false; then :; else sh -c \"echo \\$\\$ > b\"; fi'; [ \"$(cat a)\" = \"$(cat b)\" ] && echo same || echo differ", "same\n", 0],
      ["sh -c 'echo $$ > a; false || true && sh -c \"echo \\$\\$ > b\"'; [ \"$(cat a)\" = \"$(cat b)\" ] && echo same || echo differ", "same\n", 0],
      ["sh -c 'echo $$ > a; true && sh -c \"echo \\$\\$ > b\" || true'; [ \"$(cat a)\" = \"$(cat b)\" ] && echo same || echo differ", "differ\n", 0],
      ["sh -c 'echo $$ > a; for i in 1; do sh -c \"echo \\$\\$ > b\"; done'; [ \"$(cat a)\" = \"$(cat b)\" ] && echo same || echo differ", "differ\n", 0],
      ["sh -c 'echo $$ > a; f() { sh -c \"echo \\$\\$ > b\"; }; f'; [ \"$(cat a)\" = \"$(cat b)\" ] && echo same || echo differ", "differ\n", 0],
      ["sh -c 'echo $$ > a; { sh -c \"echo \\$\\$ > b\"; } > /dev/null'; [ \"$(cat a)\" = \"$(cat b)\" ] && echo same || echo differ", "differ\n", 0],
      ["sh -c 'echo $$ > a; trap \"\" INT; sh -c \"echo \\$\\$ > b\"'; [ \"$(cat a)\" = \"$(cat b)\" ] && echo same || echo differ", "same\n", 0],
      ["sh -c 'echo $$ > a; sh -c \"echo \\$\\$ > b\" > c'; [ \"$(cat a)\" = \"$(cat b)\" ] && echo same || echo differ", "same\n", 0],
      ["sh -c 'echo x; exec > o; echo y; sh -c \"echo z\"'; cat o", "x\ny\nz\n", 0],
      ["sh -c 'cat nofile 2> e'; cat e; sh -c 'echo hi >&2' 2>&1", "cat: can't open 'nofile': No such file or directory\nhi\n", 0],
      ["sh -c 'echo one; echo two > f' | cat; cat f", "one\ntwo\n", 0],
      ["sh -c 'sh -c \"echo \\$\\$\" > p; echo $$ > q'; [ \"$(cat p)\" = \"$(cat q)\" ] && echo same || echo differ", "differ\n", 0],
    ],
    "",
    "busybox",
  );
});
