import { spawn, Volume, wait, type Proc } from "@ksim/sim";
import { describe, expect, it } from "vitest";
import { StringSink, unclosable, type ProcessContext } from "../src/index.js";
import { ShellInterpreter } from "../src/shell/index.js";
import { Sandbox } from "../src/userland/index.js";

const PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** Runs `shell -c script` with stdout and stderr interleaved in one stream, as `2>&1` shows them. */
function combined(sb: Sandbox, argv: readonly string[], cwd = "/tmp"): { output: string; status: number | undefined } {
  const sink = new StringSink();
  const p = sb.processes.spawn(argv, { stdout: sink, stderr: sink, cwd, env: new Map([["PATH", PATH]]) });
  let status: number | undefined;
  p.exited.subscribe((s) => (status = s));
  sb.sim.runWhile(() => status === undefined, sb.sim.now + 3_600_000);
  return { output: sink.text(), status };
}

/**
 * Each row: script, then what real dash 0.5.12 and bash 5.2 print for `dash -c script` and
 * `bash -c script` (stdout and stderr together) and their exit statuses.
 */
const LANGUAGE: readonly [string, string, number, string, number][] = [
  ["x=5; echo \"$x ${x:-d} ${y:-def} ${y-u} ${#x}\"", "5 5 def u 1\n", 0, "5 5 def u 1\n", 0],
  ["v=/a/b/c.tar.gz; echo ${v%.*} ${v%%.*} ${v#*/} ${v##*/}", "/a/b/c.tar /a/b/c a/b/c.tar.gz c.tar.gz\n", 0, "/a/b/c.tar /a/b/c a/b/c.tar.gz c.tar.gz\n", 0],
  ["set -- a \"b c\" d; echo $#; for a in \"$@\"; do echo \"[$a]\"; done; for a in $*; do echo \"<$a>\"; done; echo \"$*\"", "3\n[a]\n[b c]\n[d]\n<a>\n<b>\n<c>\n<d>\na b c d\n", 0, "3\n[a]\n[b c]\n[d]\n<a>\n<b>\n<c>\n<d>\na b c d\n", 0],
  ["IFS=:; x=a:b::c; set -- $x; echo $#; IFS=\" \"; echo \"$1|$2|$3|$4\"", "4\na|b||c\n", 0, "4\na|b||c\n", 0],
  ["echo $((3+4*2)) $((10/3)) $((10%3)) $((1<<4)) $((5>3?1:0)) $(( (2+3)*4 )) $((-7/2))", "11 3 1 16 1 20 -3\n", 0, "11 3 1 16 1 20 -3\n", 0],
  ["i=0; while [ $i -lt 3 ]; do i=$((i+1)); echo $i; done; until [ $i -eq 0 ]; do i=$((i-1)); done; echo end $i", "1\n2\n3\nend 0\n", 0, "1\n2\n3\nend 0\n", 0],
  ["for i in 1 2 3 4 5; do if [ $i -eq 2 ]; then continue; fi; if [ $i -eq 4 ]; then break; fi; echo $i; done", "1\n3\n", 0, "1\n3\n", 0],
  ["case hello in h*o) echo match;; *) echo no;; esac; case x in a|b) echo ab;; [xyz]) echo xyz;; esac; case \"a*\" in \"a*\") echo lit;; esac", "match\nxyz\nlit\n", 0, "match\nxyz\nlit\n", 0],
  ["f() { local x=inner; echo \"$1 $x\"; return 7; }; x=outer; f arg; echo \"$? $x\"", "arg inner\n7 outer\n", 0, "arg inner\n7 outer\n", 0],
  ["echo 'single $x' \"double \\$x \\\"q\\\"\" \\\\back", "single $x double $x \"q\" \back\n", 0, "single $x double $x \"q\" \\back\n", 0],
  ["echo a && echo b || echo c; false && echo d || echo e; ! true; echo $?", "a\nb\ne\n1\n", 0, "a\nb\ne\n1\n", 0],
  ["( x=sub; echo $x ); echo \"${x-unset}\"; { y=grp; }; echo $y", "sub\nunset\ngrp\n", 0, "sub\nunset\ngrp\n", 0],
  // Subshells share their parent's tables until one side writes: neither sees the other's later writes.
  ["x=1; (sleep 1; echo $x) & x=2; wait; f() { echo f; }; (f() { echo g; }; f); f; echo $x", "1\ng\nf\n2\n", 0, "1\ng\nf\n2\n", 0],
  ["echo $(echo a $(echo b)) `echo c`", "a b c\n", 0, "a b c\n", 0],
  ["x=$(exit 3); echo $?", "3\n", 0, "3\n", 0],
  ["a=1; a=3 sh -c 'echo $a'; echo $a", "3\n1\n", 0, "3\n1\n", 0],
  ["export Z=1; sh -c 'echo $Z'; unset Z; sh -c 'echo ${Z-none}'", "1\nnone\n", 0, "1\nnone\n", 0],
  ["set -e; false; echo no", "", 1, "", 1],
  ["set -u; echo $nope; echo after", "dash: 1: nope: parameter not set\n", 2, "bash: line 1: nope: unbound variable\n", 127],
  ["echo -n a; echo b", "ab\n", 0, "ab\n", 0],
  ["printf '%s=%d\\n' a 1 b 2; printf '%5.2f|%-3s|%03d|%x\\n' 3.14159 x 7 255", "a=1\nb=2\n 3.14|x  |007|ff\n", 0, "a=1\nb=2\n 3.14|x  |007|ff\n", 0],
  ["echo a b | { read x y; echo $y$x; }", "ba\n", 0, "ba\n", 0],
  ["trap 'echo bye' EXIT; echo hi", "hi\nbye\n", 0, "hi\nbye\n", 0],
  // A trap runs once the command its signal came during has finished, before the next one.
  ["trap 'echo got TERM' TERM; kill $$; echo after", "got TERM\nafter\n", 0, "got TERM\nafter\n", 0],
  // kill(2) delivers to the caller before it returns: nothing after it runs. bash ignores SIGQUIT.
  ["kill $$; echo survived", "", 143, "", 143],
  ["kill -QUIT $$; echo survived", "", 131, "survived\n", 0],
  ["eval 'x=5'; echo $x; eval echo '$x'", "5\n5\n", 0, "5\n5\n", 0],
  ["x=1; readonly x; x=2; echo after", "dash: 1: x: is read only\n", 2, "bash: line 1: x: readonly variable\n", 1],
  ["set -- -a -b val c; while getopts ab: o; do echo \"$o ${OPTARG-}\"; done; shift $((OPTIND-1)); echo \"$@\"", "a \nb val\nc\n", 0, "a \nb val\nc\n", 0],
  ["echo \"${x:=def}\"; echo $x", "def\ndef\n", 0, "def\ndef\n", 0],
  ["type cd echo true", "cd is a shell builtin\necho is a shell builtin\ntrue is a shell builtin\n", 0, "cd is a shell builtin\necho is a shell builtin\ntrue is a shell builtin\n", 0],
  ["{ echo a; echo b >&2; } 2>/dev/null; echo c 1>&2", "a\nc\n", 0, "a\nc\n", 0],
  ["false | true; echo $?; true | false; echo $?", "0\n1\n", 0, "0\n1\n", 0],
  ["f() { echo in f; }; f; unset -f f; f", "in f\ndash: 1: f: not found\n", 127, "in f\nbash: line 1: f: command not found\n", 127],
  ["foo; echo $?", "dash: 1: foo: not found\n127\n", 0, "bash: line 1: foo: command not found\n127\n", 0],
  ["echo ~ ~root ~nosuch; HOME=/h; echo ~/x", "~ /root ~nosuch\n/h/x\n", 0, "/root /root ~nosuch\n/h/x\n", 0],
  ["echo out; echo err >&2", "out\nerr\n", 0, "out\nerr\n", 0],
  ["echo x > /tmp/f1; echo y >> /tmp/f1; cat < /tmp/f1; cat /tmp/f1 | wc -l", "x\ny\n2\n", 0, "x\ny\n2\n", 0],
  ["ls /nonexist 2>&1 | head -1; ls /nonexist 2>/dev/null; echo $?", "ls: cannot access '/nonexist': No such file or directory\n2\n", 0, "ls: cannot access '/nonexist': No such file or directory\n2\n", 0],
  ["exit 300", "", 44, "", 44],
  ["sh -c 'exit 7'; echo $?", "7\n", 0, "7\n", 0],
  ["echo \"$0\" \"$#\" \"${1-none}\"", "dash 0 none\n", 0, "bash 0 none\n", 0],
  ["read a b <<EOF", "", 1, "bash: line 1: warning: here-document at line 1 delimited by end-of-file (wanted `EOF')\n", 1],
  ["x=$(printf 'a\\nb\\n\\n'); echo \"[$x]\"", "[a\nb]\n", 0, "[a\nb]\n", 0],
  ["echo ${#} ${?} $((1+2)) \"$((3))\"", "0 0 3 3\n", 0, "0 0 3 3\n", 0],
  ["set -x; echo \"a b\" c; x=$(echo hi)", "+ echo a b c\na b c\n+ echo hi\n+ x=hi\n", 0, "+ echo 'a b' c\na b c\n++ echo hi\n+ x=hi\n", 0],
  ["echo \"a\\tb\"; echo 'c\\nd'", "a\tb\nc\nd\n", 0, "a\\tb\nc\\nd\n", 0],
  ["printf \"%s\\n\" \"a b\" c | while read l; do echo \"<$l>\"; done", "<a b>\n<c>\n", 0, "<a b>\n<c>\n", 0],
  ["cd /nonexist; echo $?", "dash: 1: cd: can't cd to /nonexist\n2\n", 0, "bash: line 1: cd: /nonexist: No such file or directory\n1\n", 0],
  ["cd /etc/passwd; echo $?", "dash: 1: cd: can't cd to /etc/passwd\n2\n", 0, "bash: line 1: cd: /etc/passwd: Not a directory\n1\n", 0],
  ["export 1a=b; echo after", "dash: 1: export: 1a: bad variable name\n", 2, "bash: line 1: export: `1a=b': not a valid identifier\nafter\n", 0],
  ["shift 3; echo after", "dash: 1: shift: can't shift that many\n", 2, "after\n", 0],
  ["test 1 -eq a; echo $?", "dash: 1: test: Illegal number: a\n2\n", 0, "bash: line 1: test: a: integer expression expected\n2\n", 0],
  ["[ 1 = 1; echo $?", "dash: 1: [: missing ]\n2\n", 0, "bash: line 1: [: missing `]'\n2\n", 0],
  ["[ a == a ]; echo $?", "dash: 1: [: a: unexpected operator\n2\n", 0, "0\n", 0],
  ["if [ -d /tmp ] && [ ! -f /tmp ]; then echo dir; fi", "dir\n", 0, "dir\n", 0],
  ["x=\"a b  c\"; set -- $x; echo $#; set -- \"$x\"; echo $#", "3\n1\n", 0, "3\n1\n", 0],
  ["for x in; do echo never; done; echo ok", "ok\n", 0, "ok\n", 0],
  ["while false; do :; done; echo $?", "0\n", 0, "0\n", 0],
  ["echo $(( 08 ))", "dash: 1: arithmetic expression: expecting EOF: \" 08 \"\n", 2, "bash: line 1: 08: value too great for base (error token is \"08\")\n", 1],
  ["echo ${x!}", "dash: 1: Bad substitution\n", 2, "bash: line 1: ${x!}: bad substitution\n", 1],
  ["v=a; r=v; echo ${!r}", "dash: 1: Bad substitution\n", 2, "a\n", 0],
  ["unset x; echo ${x:?custom message}", "dash: 1: x: custom message\n", 2, "bash: line 1: x: custom message\n", 127],
  ["f() { echo \"$#:$*\"; }; f \"\" \"\"; f", "2: \n0:\n", 0, "2: \n0:\n", 0],
  // Recorded from Debian 12's dash 0.5.12-2 and bash 5.2.15: brace expansion, each shell's arithmetic,
  // echo escapes, sparse arrays, trap and kill listings, umask -S, FUNCNAME, case toggling, bash-only syntax in dash.
  ["echo {a,b}{1,2} {1..3} {05..10..2} {c..a} x{,y} \\{a,b\\} \"{a,b}\" {a} {1..2..0}", "{a,b}{1,2} {1..3} {05..10..2} {c..a} x{,y} {a,b} {a,b} {a} {1..2..0}\n", 0, "a1 a2 b1 b2 1 2 3 05 07 09 c b a x xy {a,b} {a,b} {a} 1 2\n", 0],
  ["echo $((2**3))", "dash: 1: arithmetic expression: expecting primary: \"2**3\"\n", 2, "8\n", 0],
  ["i=5; echo $((i++)) $i", "dash: 1: arithmetic expression: expecting primary: \"i++\"\n", 2, "5 6\n", 0],
  ["echo 'a\\tb\\x41\\0101\\101'; printf '%b\\n' 'c\\x41\\101'", "a\tb\\x41AA\nc\\x41A\n", 0, "a\\tb\\x41\\0101\\101\ncAA\n", 0],
  ["a=(x y); a[5]=w; echo ${#a[@]} ${!a[@]}", "dash: 1: Syntax error: \"(\" unexpected\n", 2, "3 0 1 5\n", 0],
  ["trap 'echo x' INT EXIT USR1; trap", "trap -- 'echo x' EXIT\ntrap -- 'echo x' INT\ntrap -- 'echo x' USR1\nx\n", 0, "trap -- 'echo x' EXIT\ntrap -- 'echo x' SIGINT\ntrap -- 'echo x' SIGUSR1\nx\n", 0],
  ["kill -l 15; kill -l 143; kill -l TERM", "TERM\nTERM\ndash: 1: kill: Illegal number: TERM\n", 2, "TERM\nTERM\n15\n", 0],
  ["umask 027; umask -S", "u=rwx,g=rx,o=\n", 0, "u=rwx,g=rx,o=\n", 0],
  ["f() { echo $FUNCNAME ${#FUNCNAME[@]}; }; f", "dash: 1: Bad substitution\n", 2, "f 1\n", 0],
  ["echo $(( 5 / 0 ))", "dash: 1: arithmetic expression: division by zero: \" 5 / 0 \"\n", 2, "bash: line 1: 5 / 0 : division by 0 (error token is \"0 \")\n", 1],
  ["echo $(( 1 + 09 ))", "dash: 1: arithmetic expression: expecting EOF: \" 1 + 09 \"\n", 2, "bash: line 1: 1 + 09: value too great for base (error token is \"09\")\n", 1],
  ["x=09; echo $((x + 1))", "dash: 1: Illegal number: 09\n", 2, "bash: line 1: 09: value too great for base (error token is \"09\")\n", 1],
  ["x=Hello; echo ${x~} ${x~~}", "dash: 1: Bad substitution\n", 2, "hello hELLO\n", 0],
  ["x+=1; echo $?", "dash: 1: x+=1: not found\n127\n", 0, "0\n", 0],
  ["printf '%q\\n' 'a b'", "dash: 1: printf: %q: invalid directive\n", 2, "a\\ b\n", 0],
  ["printf -v v x; echo \"[$v]\"", "dash: 1: printf: Illegal option -v\n[]\n", 0, "[x]\n", 0],
  ["echo a; echo ${%}; echo b", "a\ndash: 1: Bad substitution\n", 2, "a\nbash: line 1: ${%}: bad substitution\n", 1],
  ["a=(x y z); unset 'a[1]'; echo ${#a[@]} ${!a[@]} ${a[@]}", "dash: 1: Syntax error: \"(\" unexpected\n", 2, "2 0 2 x z\n", 0],
  ["f() { :; }; type -t f if echo nosuch; echo $?", "-t: not found\nf is a shell function\nif is a shell keyword\necho is a shell builtin\nnosuch: not found\n127\n", 0, "function\nkeyword\nbuiltin\n1\n", 0],
  ["trap 'echo x' INT TERM; trap -p TERM", "dash: 1: trap: Illegal option -p\n", 2, "trap -- 'echo x' SIGTERM\n", 0],
  ["kill -l | head -n 2; kill -l 99", "0\nHUP\ndash: 1: kill: invalid signal number or exit status: 99\n", 2, " 1) SIGHUP\t 2) SIGINT\t 3) SIGQUIT\t 4) SIGILL\t 5) SIGTRAP\n 6) SIGABRT\t 7) SIGBUS\t 8) SIGFPE\t 9) SIGKILL\t10) SIGUSR1\nbash: line 1: kill: 99: invalid signal specification\n", 1],
  ["kill -l | sed -n '1p;17p;33p;34p;65p'", "0\n16\n32\n33\nRTMAX\n", 0, " 1) SIGHUP\t 2) SIGINT\t 3) SIGQUIT\t 4) SIGILL\t 5) SIGTRAP\n", 0],
  ["trap -l | tail -n 1", "dash: 1: trap: Illegal option -l\n", 0, "63) SIGRTMAX-1\t64) SIGRTMAX\t\n", 0],
  ["set -- a b c; echo \"${@:2}\" \"${*:1:2}\" \"${@: -1}\" \"${@: -5}\"; x=abc; echo \"[${x: -5}]\" ${x: -2}", "dash: 1: Bad substitution\n", 2, "b c a b c\n[] bc\n", 0],
  ["printf '%d|%x|%u|%o|%X\\n' '' -1 -5 -1 -255", "0|ffffffffffffffff|18446744073709551611|1777777777777777777777|FFFFFFFFFFFFFF01\n", 0, "0|ffffffffffffffff|18446744073709551611|1777777777777777777777|FFFFFFFFFFFFFF01\n", 0],
  ["x=1; y='a b'; set | grep -E '^(x|y)='", "x='1'\ny='a b'\n", 0, "x=1\ny='a b'\n", 0],
  ["exit -1", "dash: 1: exit: Illegal number: -1\n", 2, "", 255],
  ["builtin echo hi; builtin ls; echo $?", "dash: 1: builtin: not found\ndash: 1: builtin: not found\n127\n", 0, "hi\nbash: line 1: builtin: ls: not a shell builtin\n1\n", 0],
  ["read -n 3 x <<< abcdef; echo \"$x\"", "dash: 1: Syntax error: redirection unexpected\n", 2, "abc\n", 0],
  ["for ((i=0; i<2; i++)); do echo $i; done", "dash: 1: Syntax error: Bad for loop variable\n", 2, "0\n1\n", 0],
  ["echo $(( 2#101 ))", "dash: 1: arithmetic expression: expecting EOF: \" 2#101 \"\n", 2, "5\n", 0],
  ["true; x=1; echo \"[$_]\"; echo a b; echo $_; f() { echo in; }; f z; echo $_", "[]\na b\n\nin\n\n", 0, "[]\na b\nb\nin\nz\n", 0],
  ["echo hi > /tmp/r.txt; x=$(< /tmp/r.txt); echo \"[$x]\"; y=$(< /tmp/nonexistent); echo \"$? [$y]\"", "[]\ndash: 1: cannot open /tmp/nonexistent: No such file\n2 []\n", 0, "[hi]\nbash: line 1: /tmp/nonexistent: No such file or directory\n1 []\n", 0],
  ["mapfile -t arr <<< $'a\\nb\\nc'; echo ${#arr[@]} ${arr[1]}; readarray b <<< $'x\\ny'; printf '[%s]' \"${b[@]}\"; echo; mapfile -s 1 -n 1 c <<< $'1\\n2\\n3'; echo \"${c[@]}\"", "dash: 1: Syntax error: redirection unexpected\n", 2, "3 b\n[x\n][y\n]\n2\n\n", 0],
  ["declare -p x; x=1; declare -p x; a[2]=z; declare -p a", "dash: 1: declare: not found\ndash: 1: declare: not found\ndash: 1: a[2]=z: not found\ndash: 1: declare: not found\n", 127, "bash: line 1: declare: x: not found\ndeclare -- x=\"1\"\ndeclare -a a=([2]=\"z\")\n", 0],
  ["x=(3 1 2); IFS=$'\\n' sorted=($(sort <<<\"${x[*]}\")); echo ${sorted[@]}; a=1 b=$a; echo $b", "dash: 1: Syntax error: \"(\" unexpected\n", 2, "1 2 3\n1\n", 0],
  ["IFS=, read -ra parts <<< 'a,b,c'; echo ${parts[2]} ${#parts[@]}; read -rn2 x <<< abc; echo $x", "dash: 1: Syntax error: redirection unexpected\n", 2, "c 3\nab\n", 0],
  ["printf '%q\\n' $'a\\tb' $'\\e' \"it's\" 'a b' 'é' $'\\x01'", "dash: 1: printf: %q: invalid directive\n", 2, "$'a\\tb'\n$'\\E'\nit\\'s\na\\ b\n$'\\303\\251'\n$'\\001'\n", 0],
  ["trap 'echo caught $?' ERR; false; echo after; if false; then :; fi; false || true; true && false; echo next; trap", "trap: ERR: bad trap\nafter\nnext\n", 0, "caught 1\nafter\ncaught 1\nnext\ntrap -- 'echo caught $?' ERR\n", 0],
  ["set -e; trap 'echo err' ERR; trap 'echo exit' EXIT; echo a; false; echo never", "trap: ERR: bad trap\n", 1, "a\nerr\nexit\n", 1],
  ["trap 'echo e' ERR; f() { false; echo in-f; }; f; x=$(false); echo end", "trap: ERR: bad trap\nin-f\nend\n", 0, "in-f\ne\nend\n", 0],
  ["x=\"it's\"; echo ${x@Q}; y=$'a\\tb'; echo ${y@Q}; z='a\\tb'; echo ${z@E}; w=hello; echo ${w@U} ${w@u} ${w@L}; a=(1 'b c'); echo ${a[@]@Q}; echo \"[${unset@Q}]\"; e=''; echo \"[${e@Q}]\"", "dash: 1: Syntax error: \"(\" unexpected\n", 2, "'it'\\''s'\n$'a\\tb'\na b\nHELLO Hello hello\n'1' 'b c'\n[]\n['']\n", 0],
  ["echo $SECONDS; sleep 2; echo $SECONDS; (sleep 1; echo $SECONDS)", "\n\n\n", 0, "0\n2\n3\n", 0],
  // Every shell starts with IFS set (an `OLD=$IFS ... IFS=$OLD` round trip keeps splitting).
  ["OLD=$IFS; IFS=,; x=a,b; set -- $x; echo $#; IFS=$OLD; y='c d'; set -- $y; echo $#; printf %s \"$IFS\" | od -c | head -1; set | grep '^IFS='", "2\n2\n0000000      \\t  \\n\nIFS=' \t\n", 0, "2\n2\n0000000      \\t  \\n\nIFS=$' \\t\\n'\n", 0],
  // dash's command -v looks at its first operand only.
  ["command -v nope; echo $?; command -v nope ls; echo $?; command -v ls sh; echo $?", "127\n127\n/usr/bin/ls\n0\n", 0, "1\n/usr/bin/ls\n0\n/usr/bin/ls\n/usr/bin/sh\n0\n", 0],
  // `o` inside a cluster of set's letters takes the next word.
  ["set -euo pipefail; echo \"${UNSET:-default} $-\"; false | true; echo notreached", "dash: 1: set: Illegal option -o pipefail\n", 2, "default ehuBc\n", 1],
  // printf rounds an exact half to even as glibc does, and reads inf and nan; getopts' OPTARG after an option without argument.
  ["printf '%5.1f|%.2f|%.0f|%.0f|%.1e|%g|%g|%e|%.3g|%#g|%f\\n' 2.25 0.125 2.5 3.5 1.25 0.0001234 1234567 0 2.5e-5 1 -0.5; printf '%f %e %g %F\\n' inf nan 1e300 -inf", "  2.2|0.12|2|4|1.2e+00|0.0001234|1.23457e+06|0.000000e+00|2.5e-05|1.00000|-0.500000\ninf nan 1e+300 -INF\n", 0, "  2.2|0.12|2|4|1.2e+00|0.0001234|1.23457e+06|0.000000e+00|2.5e-05|1.00000|-0.500000\ninf nan 1e+300 -INF\n", 0],
  ["getopts ab: o -a; echo \"$o [${OPTARG-unset}]\"; getopts ab: o -b; echo \"$o [${OPTARG-unset}] $OPTIND\"", "a []\n? [] 2\n", 0, "a [unset]\n? [unset] 2\n", 0],
  // dash's test takes a missing operand after -a or -o as false.
  ["[ a = a -a ]; echo $?; [ -n a -o ]; echo $?; [ a -a ! b ]; echo $?; [ \"\" -o x ]; echo $?", "1\n0\n1\n0\n", 0, "bash: line 1: [: argument expected\n2\nbash: line 1: [: a: binary operator expected\n2\n1\n0\n", 0],
  // The umask is the process's: a subshell's own, inherited by commands, applied to what they create; cp -p and sed -i keep modes.
  ["umask 077; touch f1; mkdir d1; ls -ld f1 d1 | cut -c1-10; rm -r f1 d1", "drwx------\n-rw-------\n", 0, "drwx------\n-rw-------\n", 0],
  ["umask 002; (umask 077; echo > f2); echo > f3; ls -l f2 f3 | cut -c1-10; rm f2 f3", "-rw-------\n-rw-rw-r--\n", 0, "-rw-------\n-rw-rw-r--\n", 0],
  ["umask 027; sh -c umask; printf x > h0; chmod 666 h0; cp h0 h1; cp -p h0 h2; ls -l h1 h2 | cut -c1-10; rm h0 h1 h2", "0027\n-rw-r-----\n-rw-rw-rw-\n", 0, "0027\n-rw-r-----\n-rw-rw-rw-\n", 0],
  ["umask 077; printf \"a\\n\" > s1; chmod 644 s1; sed -i s/a/b/ s1; ls -l s1 | cut -c1-10; cat s1; rm s1", "-rw-r--r--\nb\n", 0, "-rw-r--r--\nb\n", 0],
  ["umask u=rwx,g=rx,o=; umask; umask -S; umask g-r; umask; umask a=; umask -S", "0027\nu=rwx,g=rx,o=\n0067\nu=,g=,o=\n", 0, "0027\nu=rwx,g=rx,o=\n0067\nu=,g=,o=\n", 0],
  ["umask 999; echo $?; umask abc; echo $?", "dash: 1: umask: Illegal number: 999\n2\ndash: 1: umask: Illegal mode: abc\n2\n", 0, "bash: line 1: umask: 999: octal number out of range\n1\nbash: line 1: umask: `b': invalid symbolic mode operator\n1\n", 0],
  // Resource limits: lowered for the shell and what it starts, a subshell's its own; setrlimit's refusals in each shell's words.
  ["ulimit -Sn 50; ulimit -n; sh -c \"ulimit -n\"; (ulimit -Sn 40; ulimit -n); ulimit -n; grep \"open files\" /proc/self/limits | tr -s \" \" | cut -d\" \" -f1-4", "50\n50\n40\n50\nMax open files 50\n", 0, "50\n50\n40\n50\nMax open files 50\n", 0],
  ["ulimit -Hn 100; ulimit -Sn 200; echo $?; ulimit -n abc; echo $?; ulimit -p 16; echo $?", "dash: 1: ulimit: error setting limit (Invalid argument)\n0\ndash: 1: ulimit: bad number\n2\n0\n", 0, "bash: line 1: ulimit: open files: cannot modify limit: Invalid argument\n0\nbash: line 1: ulimit: abc: invalid number\n1\nbash: line 1: ulimit: pipe size: cannot modify limit: Invalid argument\n1\n", 0],
  ["ulimit -z", "dash: 1: ulimit: Illegal option -z\n", 2, "bash: line 1: ulimit: -z: invalid option\nulimit: usage: ulimit [-SHabcdefiklmnpqrstuvxPRT] [limit]\n", 2],
  ["ulimit -Sc 0; ulimit -c; ulimit -Sc 1000; ulimit -c; ulimit -Sc unlimited; ulimit -c; ulimit -Ss 4096; ulimit -s; ulimit -Hs", "0\n1000\nunlimited\n4096\nunlimited\n", 0, "0\n1000\nunlimited\n4096\nunlimited\n", 0],
  // The command hash: what has run is remembered (dash hashes a pipeline's commands in the parent), kept when the file moves, forgotten with PATH.
  ["hash; ls >/dev/null; cat /dev/null; hash; hash -r; hash; hash ls; hash; hash nosuch; echo $?; type ls; hash -v; echo $?", "/usr/bin/cat\n/usr/bin/ls\n/usr/bin/ls\ndash: 1: hash: nosuch: not found\n1\nls is a tracked alias for /usr/bin/ls\ndash: 1: hash: Illegal option -v\n2\n", 0, "hash: hash table empty\nhits\tcommand\n   1\t/usr/bin/ls\n   1\t/usr/bin/cat\nhash: hash table empty\nhits\tcommand\n   0\t/usr/bin/ls\nbash: line 1: hash: nosuch: not found\n1\nls is hashed (/usr/bin/ls)\nbash: line 1: hash: -v: invalid option\nhash: usage: hash [-lr] [-p pathname] [-dt] [name ...]\n2\n", 0],
  ["ls | cat >/dev/null; hash; PATH=$PATH; hash; echo end; mkdir -p /tmp/he; printf '#!/bin/sh\\necho one\\n' > /tmp/he/tool; chmod +x /tmp/he/tool; PATH=/tmp/he:$PATH; tool; mv /tmp/he/tool /tmp/he/tool2; tool; echo $?; type tool; rm -r /tmp/he", "/usr/bin/cat\n/usr/bin/ls\nend\none\ndash: 1: tool: not found\n127\ntool is a tracked alias for /tmp/he/tool\n", 0, "hash: hash table empty\nhash: hash table empty\nend\none\nbash: line 1: /tmp/he/tool: No such file or directory\n127\ntool is hashed (/tmp/he/tool)\n", 0],
  // bash forks before it learns a command is nowhere (the child says so, a pid goes); dash looks it up first.
  ["sleep 1 & a=$!; nosuch 2>/dev/null; sleep 1 & echo $(( $! - a ))", "1\n", 0, "2\n", 0],
  // A command inherits descriptors above 2, and no longer once they are closed.
  ["exec 3>&1; sh -c 'echo three >&3'; exec 3>&-; sh -c 'echo three >&3'; echo $?", "three\nsh: 1: 3: Bad file descriptor\n2\n", 0, "three\nsh: 1: 3: Bad file descriptor\n2\n", 0],
];

describe("shell language against real dash and bash", () => {
  for (const [script, dashOut, dashStatus, bashOut, bashStatus] of LANGUAGE) {
    it(script.split("\n")[0]!, () => {
      expect(combined(new Sandbox({ hostname: "vm" }), ["dash", "-c", script])).toEqual({ output: dashOut, status: dashStatus });
      expect(combined(new Sandbox({ hostname: "vm" }), ["bash", "-c", script])).toEqual({ output: bashOut, status: bashStatus });
    });
  }
});

/** A test per row: `bash -c script` prints what real bash printed and exits with its status. */
function againstBash(rows: readonly (readonly [string, string, number])[]): void {
  for (const [script, out, status] of rows) {
    it(script.split("\n").join("; "), () => {
      expect(combined(new Sandbox({ hostname: "vm" }), ["bash", "-c", script])).toEqual({ output: out, status });
    });
  }
}

/**
 * bash's variables beyond the scalar: indexed and associative arrays (bash's own hash order, which
 * scripts and declare -p show), subscripts, declare's attributes (-a -A -i -l -u -r -x -g), local,
 * `${!prefix@}`, `@A`/`@a`/`@K`, `-v`. Each row: script, what real bash 5.2.15 prints for
 * `bash -c script` (stdout and stderr together), its exit status.
 */
const BASH_VARIABLES: readonly [string, string, number][] = [
  ["a=(x y z); i=1; a[i+1]=q; a[$i*0]=w; a[ 7 ]=s; echo \"${a[@]}\"; declare -p a", "w y q s\ndeclare -a a=([0]=\"w\" [1]=\"y\" [2]=\"q\" [7]=\"s\")\n", 0],
  ["declare -A m; m[one]=1; m[two]=2; m[three four]=34; m[\"five six\"]=56; k=two; echo \"${#m[@]} ${m[one]} ${m[$k]} ${m[three four]}\"; for k in \"${!m[@]}\"; do echo \"$k=${m[$k]}\"; done", "4 1 2 34\nfive six=56\nthree four=34\ntwo=2\none=1\n", 0],
  ["declare -A m=([z]=1 [a]=2 [m]=3 [b]=4 [0]=5 [10]=6); echo \"${!m[@]}\"; echo \"${m[@]}\"; unset 'm[a]'; m[a]=7; m[z]+=9; declare -p m", "0 z m b a 10\n5 1 3 4 2 6\ndeclare -A m=([0]=\"5\" [z]=\"19\" [m]=\"3\" [b]=\"4\" [a]=\"7\" [10]=\"6\" )\n", 0],
  ["declare -A h; for ((i=1; i<=2100; i++)); do h[k$i]=$i; done; keys=(\"${!h[@]}\"); echo \"${#h[@]} ${keys[*]:0:6} ${keys[*]:2095}\"", "2100 k1698 k1699 k1696 k1697 k1694 k1695 k1046 k1045 k1044 k1049 k1048\n", 0],
  ["declare -A m; m[\" \"]=1; m[\"*\"]=2; m[\"~x\"]=3; m[\"a~\"]=4; m[\"#h\"]=5; m[\"h#\"]=6; m[']']=7; m['$x']=9; m[$'\\t']=t; declare -p m", "declare -A m=([$'\\t']=\"t\" [\"#h\"]=\"5\" [a~]=\"4\" [\"*\"]=\"2\" [\" \"]=\"1\" [\"]\"]=\"7\" [h#]=\"6\" [\"\\$x\"]=\"9\" [\"~x\"]=\"3\" )\n", 0],
  ["declare -A m; m[\"\"]=x; echo not reached", "bash: line 1: m[\"\"]: bad array subscript\n", 1],
  ["declare -A h=(k v k2); declare -p h; declare -A g; g=([a]=1 b 2); declare -p g", "declare -A h=([k]=\"v\" [k2]=\"\" )\nbash: line 1: g: b: must use subscript when assigning associative array\nbash: line 1: g: 2: must use subscript when assigning associative array\ndeclare -A g=([a]=\"1\" )\n", 0],
  ["x=5; declare -A x; declare -p x; y=(1 2); declare -i y; declare -p y; declare -A y 2>&1; declare -a x; echo $?", "declare -A x=([0]=\"5\" )\ndeclare -ai y=([0]=\"1\" [1]=\"2\")\nbash: line 1: declare: y: cannot convert indexed to associative array\nbash: line 1: declare: x: cannot convert associative to indexed array\n1\n", 0],
  ["declare -i n=5; n+=3; n=\"n*2\"; echo $n; n+=x; declare -p n; declare -i i; i=abc; echo \"[$i]\"; abc=7; i=abc; echo \"[$i]\"", "16\ndeclare -i n=\"16\"\n[0]\n[7]\n", 0],
  ["declare -l lo=HELLO; lo+=AbC; declare -u up=hello; up+=\" world\"; declare -ul both=MiX; declare -p lo up both", "declare -l lo=\"helloabc\"\ndeclare -u up=\"HELLO WORLD\"\ndeclare -- both=\"MiX\"\n", 0],
  ["export E=1; readonly E; declare -r R=2; declare -x -i X=3+4; declare -p E R X; declare R=9; echo $?; readonly -a ra=(1 2); declare -p ra", "declare -rx E=\"1\"\ndeclare -r R=\"2\"\ndeclare -ix X=\"7\"\nbash: line 1: declare: R: readonly variable\n1\ndeclare -ar ra=([0]=\"1\" [1]=\"2\")\n", 0],
  ["a=([3]=c [1]=a b); declare -p a; a+=([0]=z q); declare -p a; a=x; declare -p a; unset 'a[-1]'; a[-1]=y; declare -p a", "declare -a a=([1]=\"a\" [2]=\"b\" [3]=\"c\")\ndeclare -a a=([0]=\"z\" [1]=\"q\" [2]=\"b\" [3]=\"c\")\ndeclare -a a=([0]=\"x\" [1]=\"q\" [2]=\"b\" [3]=\"c\")\ndeclare -a a=([0]=\"x\" [1]=\"q\" [2]=\"y\")\n", 0],
  ["a=(1 2 3); (( a[1] += 10 )); echo ${a[1]} $(( a[2] * a[-1] )); declare -A h; (( h[k]++ )); (( h[k]++ )); k=k; echo $(( h[$k] + 1 )); declare -p h", "12 9\n3\ndeclare -A h=([k]=\"2\" )\n", 0],
  ["declare -A q=([x]=1 [y]=2); unset 'q[x]'; declare -p q; a=(1 2 3); unset 'a[@]'; declare -p a; unset q; declare -p q", "declare -A q=([y]=\"2\" )\ndeclare -a a=()\nbash: line 1: declare: q: not found\n", 1],
  ["declare -A h=([b]=2 [a]=1); echo \"${h[*]}\" \"${h[a]:-none}\" \"${h[z]:-none}\" \"${#h[b]}\" \"${h[@]/#/-}\"; IFS=,; echo \"${h[*]}\"", "2 1 1 none 1 -2 -1\n2,1\n", 0],
  ["x=1; f() { local -i n=2+3; local -A m=([k]=v); local y; declare -p n m y; echo \"${y-unset}\"; declare x=2; declare -g G=3; }; f; echo \"$x $G\"; declare -p m 2>&1", "declare -i n=\"5\"\ndeclare -A m=([k]=\"v\" )\ndeclare -- y\nunset\n1 3\nbash: line 1: declare: m: not found\n", 1],
  ["foo_a=1; foo_b=2; fob=3; echo \"${!foo@}\"; set -- a b c; echo \"${!#}\" \"${!2}\"", "foo_a foo_b\nc \n", 0],
  ["v=abc; declare -i n=3; a=(1 'x y'); declare -A h=([k]='v w'); echo \"[${v@a}] ${v@A} ${n@A} ${a@A} ${h@a}\"; echo \"${a[@]@A}\"; echo \"${h[@]@K}\"; echo \"${a[@]@K}\"", "[] v='abc' declare -i n='3' declare -a a='1' A\ndeclare -a a=([0]=\"1\" [1]=\"x y\")\nk \"v w\" \n0 \"1\" 1 \"x y\"\n", 0],
  ["declare -A h=([one]=1); [[ -v h[one] ]] && echo v1; [[ -v h[two] ]] || echo v2; [ -v h ] || echo v3; x=; test -v x && echo v4", "v1\nv2\nv3\nv4\n", 0],
  ["a=(1 'x y'); declare -A h=([k]=v); s=str; set | grep -E '^(a|h|s)='; readonly s; readonly -p | grep ' s='", "a=([0]=\"1\" [1]=\"x y\")\nh=([k]=\"v\" )\ns=str\ndeclare -r s=\"str\"\n", 0],
  ["echo \"$HOSTTYPE|$MACHTYPE|$OSTYPE|$SHLVL|$UID|$EUID|$OPTERR|$BASH_SUBSHELL|$(echo $BASH_SUBSHELL)|$( (echo $BASH_SUBSHELL) )\"; declare -p UID EUID SHLVL; bash -c 'echo $SHLVL'; UID=5; echo after", "x86_64|x86_64-pc-linux-gnu|linux-gnu|1|0|0|1|0|1|2\ndeclare -ir UID=\"0\"\ndeclare -ir EUID=\"0\"\ndeclare -x SHLVL=\"1\"\n2\nbash: line 1: UID: readonly variable\n", 1],
];

describe("bash's arrays and declare against real bash", () => againstBash(BASH_VARIABLES));

/**
 * bash's process substitution: `<(list)` and `>(list)` name a pipe to the list as /dev/fd/63 (62,
 * ...), which redirections, functions and the tools open; `wait` waits for the last one. Each
 * row: script, what real bash 5.2.15 prints for `bash -c script`, its exit status.
 */
const PROCESS_SUBSTITUTION: readonly [string, string, number][] = [
  ["while read -r a b; do echo \"$b $a\"; done < <(printf '1 2\\n3 4\\n'); echo \"last=$a\"", "2 1\n4 3\nlast=\n", 0],
  ["x=0; while read -r l; do x=$((x+l)); done < <(seq 5); echo $x", "15\n", 0],
  ["diff <(printf '1\\n2\\n') <(printf '1\\n3\\n'); echo rc=$?", "2c2\n< 2\n---\n> 3\nrc=1\n", 0],
  ["cat <(echo one) <(echo two) <(echo three); echo <(true) <(true)", "one\ntwo\nthree\n/dev/fd/63 /dev/fd/62\n", 0],
  ["exec 3< <(echo from-three); read -r x <&3; echo \"$x\"", "from-three\n", 0],
  ["f() { cat \"$1\"; }; f <(echo func); x=$(sort <(printf 'b\\na\\n')); echo $x", "func\na b\n", 0],
  ["echo hi > >(cat); wait; echo done", "hi\ndone\n", 0],
  ["printf 'c\\nb\\na\\n' > >(sort); wait; echo end", "a\nb\nc\nend\n", 0],
  ["cat <(echo a) <(exit 3); echo rc=$?; cat < <(echo redirected)", "a\nrc=0\nredirected\n", 0],
];

describe("bash's process substitution against real bash", () => {
  againstBash(PROCESS_SUBSTITUTION);
  it("is a redirection and a syntax error in dash", () => {
    expect(combined(new Sandbox({ hostname: "vm" }), ["dash", "-c", "cat <(echo a)"])).toEqual({ output: 'dash: 1: Syntax error: "(" unexpected\n', status: 2 });
  });
});

/**
 * bash's extended patterns: on the right of `[[ == ]]` always, elsewhere (case, `${x%p}`,
 * pathname expansion) once `shopt -s extglob` has been read, from the next line on. Each row:
 * script, what real bash 5.2.15 prints for `bash -c script`, its exit status.
 */
const EXTGLOB: readonly [string, string, number][] = [
  ["x=abc; [[ $x == @(abc|def) ]] && echo at; [[ $x == +([a-c]) ]] && echo plus; [[ $x != !(abc) ]] && echo neg; [[ $x == !(x*) ]] && echo notx; p='@(a|b)'; [[ a == $p ]] && echo var; [[ \"@(a)\" == \"@(a)\" ]] && echo quoted", "at\nplus\nneg\nnotx\nvar\nquoted\n", 0],
  ["[[ ab == !(a)* ]] && echo star-after-not; [[ ab == !(a)b ]] || echo not-ab; [[ aaa == *(a) && \"\" == *(a) && aab != *(a) ]] && echo star; [[ x == ?(x|y) && \"\" == ?(x) && xy != ?(x|y) ]] && echo question; [[ a.b.c == +(?.)c ]] && echo nested", "star-after-not\nnot-ab\nstar\nquestion\nnested\n", 0],
  ["shopt -s extglob\nx=foo.txt\ncase $x in *.@(txt|md)) echo m1;; esac\ncase $x in !(*.md)) echo m2;; esac\necho ${x%%?(.)@(txt|md)} ${x/+(o)/0} ${x##*(f|o)}", "m1\nm2\nfoo f0.txt .txt\n", 0],
  ["shopt -s extglob\nmkdir -p /tmp/eg && cd /tmp/eg && touch a.sh b.txt c.md .hidden README\necho *.@(sh|md); echo !(*.*); echo +([a-c]).* ; echo @(z|y)", "a.sh c.md\nREADME\na.sh b.txt c.md\n@(z|y)\n", 0],
  ["echo @(a)", "bash: -c: line 1: syntax error near unexpected token `('\nbash: -c: line 1: `echo @(a)'\n", 2],
  ["shopt -s extglob; x='a|b'; case a in \"$x\") echo bad;; a) echo plain;; esac; y='(x)'; echo \"${y%)}\" \"${y#(}\"", "plain\n(x x)\n", 0],
];

describe("bash's extglob against real bash", () => againstBash(EXTGLOB));

/**
 * bash's print_cmd: functions as declare -f and type show them (a `$'...'` word aside, which
 * bash prints expanded); select's menu, prompt and replies; a loop left by break or continue
 * has their status. Each row: script, what real bash 5.2.15 prints for `bash -c script`, its
 * exit status.
 */
const FUNCTIONS_AND_SELECT: readonly [string, string, number][] = [
  // $'..' is a single-quoted string once parsed: printed functions and $BASH_COMMAND show it so.
  ["f() { echo $'a\\tb' \"x\" 'y'; local z=$'q\\n'; }; declare -f f; type f | tail -2", "f () \n{ \n    echo 'a\tb' \"x\" 'y';\n    local z='q\n'\n}\n'\n}\n", 0],
  ["f() { echo $'it\\'s' \"$'x'\" a$'\\x41'b; case $'q' in $'q') :;; esac; for i in $'1' 2; do :; done; }; declare -f f; trap 'echo \"$BASH_COMMAND\"' ERR; false $'a\\nb'", "f () \n{ \n    echo 'it'\\''s' \"$'x'\" a'A'b;\n    case 'q' in \n        'q')\n            :\n        ;;\n    esac;\n    for i in '1' 2;\n    do\n        :;\n    done\n}\nfalse 'a\nb'\n", 1],
  ["f() { x=1; y=(a b); z+=2; echo \"$x\" > /tmp/o 2>&1 < /dev/null; cat <<< \"s\"; echo a >> b 2>/dev/null; exec 3>&-; }; declare -f f", "f () \n{ \n    x=1;\n    y=(a b);\n    z+=2;\n    echo \"$x\" > /tmp/o 2>&1 < /dev/null;\n    cat <<< \"s\";\n    echo a >> b 2> /dev/null;\n    exec 3>&-\n}\n", 0],
  ["f() { if a; then b; fi; if a; then b; else c; fi; while a; do b; done; until a; do :; done; }; declare -f f", "f () \n{ \n    if a; then\n        b;\n    fi;\n    if a; then\n        b;\n    else\n        c;\n    fi;\n    while a; do\n        b;\n    done;\n    until a; do\n        :;\n    done\n}\n", 0],
  ["f() { case $1 in a) echo a ;; b|c) echo b; echo bb ;& d) ;;& *) x ;; esac; }; declare -f f", "f () \n{ \n    case $1 in \n        a)\n            echo a\n        ;;\n        b | c)\n            echo b;\n            echo bb\n        ;&\n        d)\n\n        ;;&\n        *)\n            x\n        ;;\n    esac\n}\n", 0],
  ["f() { a && b || c; ! d | e |& g; h & i; ( j; k ); { l; m; }; }; declare -f f", "f () \n{ \n    a && b || c;\n    ! d | e 2>&1 | g;\n    h & i;\n    ( j;\n    k );\n    { \n        l;\n        m\n    }\n}\n", 0],
  ["f() { for x; do echo; done; for ((;;)); do break; done; select s in a b; do break; done; [[ -f x || ! -d y ]]; (( i++ )); ((j=2)); }; declare -f f", "f () \n{ \n    for x in \"$@\";\n    do\n        echo;\n    done;\n    for ((1; 1; 1))\n    do\n        break;\n    done;\n    select s in a b;\n    do\n        break;\n    done;\n    [[ -f x || ! -d y ]];\n    (( i++ ));\n    ((j=2))\n}\n", 0],
  ["f() {\n  # comment\n  echo one   two\n  echo three;\n}\ndeclare -f f", "f () \n{ \n    echo one two;\n    echo three\n}\n", 0],
  ["f() { g() { echo g; }; function h { :; }; }; declare -f f; f; declare -f g h", "f () \n{ \n    function g () \n    { \n        echo g\n    };\n    function h () \n    { \n        :\n    }\n}\ng () \n{ \n    echo g\n}\nh () \n{ \n    :\n}\n", 0],
  ["f() { cat <<EOF\nbody $x\nEOF\ncat <<'Q'\nlit\nQ\necho after; }; declare -f f", "f () \n{ \n    cat <<EOF\nbody $x\nEOF\n\n    cat <<'Q'\nlit\nQ\n\n    echo after\n}\n", 0],
  ["f() { echo a | while read l; do echo $l; done; time sleep 0; }; declare -f f", "f () \n{ \n    echo a | while read l; do\n        echo $l;\n    done;\n    time sleep 0\n}\n", 0],
  ["f() ( echo sub ); g() [[ -n x ]]; h() (( 1 )); declare -f f g h", "f () \n{ \n    ( echo sub )\n}\ng () \n{ \n    [[ -n x ]]\n}\nh () \n{ \n    (( 1 ))\n}\n", 0],
  ["f() { echo a; } > /dev/null 2>&1; declare -f f; type f", "f () \n{ \n    echo a\n} > /dev/null 2>&1\nf is a function\nf () \n{ \n    echo a\n} > /dev/null 2>&1\n", 0],
  ["f() { if a; then :; elif b; then c; elif d; then e; else g; fi; [[ a == b && ( c || d ) ]]; }; declare -f f", "f () \n{ \n    if a; then\n        :;\n    else\n        if b; then\n            c;\n        else\n            if d; then\n                e;\n            else\n                g;\n            fi;\n        fi;\n    fi;\n    [[ a == b && ( -n c || -n d ) ]]\n}\n", 0],
  ["printf '2\\n\\n9\\nx\\n1\\n' | (select s in a b; do echo \"s=[$s] REPLY=[$REPLY]\"; [ \"$s\" = a ] && break; done; echo rc=$?) 2>&1 | cat -A", "1) a$\n2) b$\n#? s=[b] REPLY=[2]$\n#? 1) a$\n2) b$\n#? s=[] REPLY=[9]$\n#? s=[] REPLY=[x]$\n#? s=[a] REPLY=[1]$\nrc=0$\n", 0],
  ["printf '' | (select s in a b; do echo x; done; echo rc=$?) 2>&1 | cat -A", "1) a$\n2) b$\n#? $\nrc=1$\n", 0],
  ["printf '1\\n' | (set -- p q; PS3=\"pick: \"; select s; do echo $s; break; done) 2>&1 | cat -A", "1) p$\n2) q$\npick: p$\n", 0],
  ["printf '3\\n' | (select s in $(seq 1 30); do echo $s; break; done) 2>&1 | cat -A", "1) 1^I 4) 4^I 7) 7^I10) 10^I13) 13^I16) 16^I19) 19^I22) 22^I25) 25^I28) 28$\n2) 2^I 5) 5^I 8) 8^I11) 11^I14) 14^I17) 17^I20) 20^I23) 23^I26) 26^I29) 29$\n3) 3^I 6) 6^I 9) 9^I12) 12^I15) 15^I18) 18^I21) 21^I24) 24^I27) 27^I30) 30$\n#? 3$\n", 0],
  ["printf '3\\n' | (COLUMNS=30; select s in alpha beta gamma delta epsilon zeta eta theta iota kappa lambda; do echo $s; break; done) 2>&1 | cat -A", "1) alpha      7) eta$\n2) beta^I      8) theta$\n3) gamma      9) iota$\n4) delta     10) kappa$\n5) epsilon   11) lambda$\n6) zeta$\n#? gamma$\n", 0],
  ["select s in; do :; done; echo rc=$?", "rc=0\n", 0],
  ["for i in 1 2; do false; [ $i = 2 ] && break; done; echo $?; for i in 1 2; do false; [ $i = 2 ] && continue; done; echo $?; while :; do false; break; done; echo $?", "0\n0\n0\n", 0],
  ["f() { echo hi; }; type f; declare -F; declare -f nope; echo rc=$?; g() { for ((i=0; i<2; i++)); do echo $i; done; }; declare -f", "f is a function\nf () \n{ \n    echo hi\n}\ndeclare -f f\nrc=1\nf () \n{ \n    echo hi\n}\ng () \n{ \n    for ((i=0; i<2; i++))\n    do\n        echo $i;\n    done\n}\n", 0],
  // BASH_SOURCE[0] in a function, and the name its errors give, is the file it was defined in:
  // "environment" for bash -c text, "main" for text from stdin, else the script or sourced file.
  ["f() { echo \"[${BASH_SOURCE[*]}]\"; g; }; g() { echo \"g [${BASH_SOURCE[*]}]\"; nosuch; }; f; echo \"top [${BASH_SOURCE[*]}]\"", "[environment]\ng [environment environment]\nenvironment: line 1: nosuch: command not found\ntop []\n", 0],
  ["echo 'f() { echo \"[${BASH_SOURCE[*]}] [${FUNCNAME[*]}]\"; nosuch; }; f; echo \"top [${BASH_SOURCE[*]}]\"' | bash", "[main] [f]\nmain: line 1: nosuch: command not found\ntop []\n", 0],
  ["cd /tmp; printf 'f() {\\n  echo \"[${BASH_SOURCE[*]}]\"\\n  nosuch\\n}\\n' > lib9.sh; printf '. ./lib9.sh\\nf\\neval \"h() { echo h [\\\\${BASH_SOURCE[*]}]; }\"\\nh\\n' > s9.sh; bash s9.sh; g() { echo \"g [${BASH_SOURCE[*]}]\"; }; printf 'g\\n' > s10.sh; . ./s10.sh", "[./lib9.sh s9.sh]\n./lib9.sh: line 3: nosuch: command not found\nh [s9.sh s9.sh]\ng [environment ./s10.sh]\n", 0],
];

describe("bash's function printing and select against real bash", () => againstBash(FUNCTIONS_AND_SELECT));

/** bash's namerefs (declare -n, local -n), directory stack (pushd, popd, dirs), caller, logout, suspend, wait -n and disown: rows from real bash 5.2.15. */
const REFERENCES_AND_DIRECTORIES: readonly [string, string, number][] = [
  ["declare -n r=v; v=1; echo $r; r=2; echo $v; declare -p r v; echo ${!r}", "1\n2\ndeclare -n r=\"v\"\ndeclare -- v=\"2\"\nv\n", 0],
  ["f() { local -n out=$1; out=(x y); out[2]=z; }; f arr; declare -p arr", "declare -a arr=([0]=\"x\" [1]=\"y\" [2]=\"z\")\n", 0],
  ["g() { local -n m=$1; m[k]=v; echo ${#m[@]}; for key in \"${!m[@]}\"; do echo $key; done; }; declare -A h=([a]=1); g h; declare -p h", "2\nk\na\ndeclare -A h=([k]=\"v\" [a]=\"1\" )\n", 0],
  ["declare -n r=v; unset r; declare -p v r 2>&1; declare -n q=w; w=1; unset -n q; declare -p q w 2>&1", "bash: line 1: declare: v: not found\ndeclare -n r=\"v\"\nbash: line 1: declare: q: not found\ndeclare -- w=\"1\"\n", 1],
  ["declare -n a=b; declare -n b=c; c=deep; echo $a; a=changed; echo $c", "deep\nchanged\n", 0],
  ["declare -n r=x; declare -n r=y; y=yy; echo $r; declare -p r", "yy\ndeclare -n r=\"y\"\n", 0],
  ["declare -n r; r=target; declare -p r; target=t; echo $r", "declare -n r=\"target\"\nt\n", 0],
  ["HOME=/root; cd /tmp; pushd /etc; pushd /root; dirs; dirs -v; dirs -p; dirs -l; dirs +1; dirs -1; pushd; pushd +1; popd; popd +1; popd; popd; echo rc=$?; pushd; pushd /nope; pushd -n /var; dirs; popd -n; dirs; pushd +5; dirs -c; dirs; cd /usr; pushd . >/dev/null; popd -2; echo ${DIRSTACK[@]}", "/etc /tmp\n~ /etc /tmp\n~ /etc /tmp\n 0  ~\n 1  /etc\n 2  /tmp\n~\n/etc\n/tmp\n/root /etc /tmp\n/etc\n/etc\n/etc ~ /tmp\n~ /tmp /etc\n/tmp /etc\n/tmp\nbash: line 1: popd: directory stack empty\nbash: line 1: popd: directory stack empty\nrc=1\nbash: line 1: pushd: no other directory\nbash: line 1: pushd: /nope: No such file or directory\n/tmp /var\n/tmp /var\n/tmp\n/tmp\nbash: line 1: pushd: directory stack empty\n/tmp\nbash: line 1: popd: -2: directory stack index out of range\n/usr /usr\n", 0],
  ["f() { caller 0; echo rc=$?; caller; }; f; caller; echo top=$?", "rc=1\n1 NULL\ntop=1\n", 0],
  ["f() { caller; caller 0; caller 1; echo rc=$?; }; g() { f; }; g", "1 environment\n1 g environment\nrc=1\n", 0],
  ["logout; echo rc=$?; suspend; echo rc=$?", "bash: line 1: logout: not login shell: use `exit'\nrc=1\nbash: line 1: suspend: cannot suspend: no job control\nrc=1\n", 0],
  ["wait -n; echo rc=$?; sleep 1 & sleep 3 & wait -n; echo rc=$?; (exit 7) & wait -n; echo rc=$?", "rc=127\nrc=0\nrc=7\n", 0],
  ["disown; echo rc=$?; sleep 5 & sleep 6 & disown; jobs; disown %9; echo rc=$?; disown -a; jobs; echo end", "bash: line 1: disown: current: no such job\nrc=1\n[1]+  Running                 sleep 5 &\nbash: line 1: disown: %9: no such job\nrc=1\nend\n", 0],
  ["sleep 2 & disown -h; jobs; wait; echo rc=$?", "[1]+  Running                 sleep 2 &\nrc=0\n", 0],
];

describe("bash's namerefs, directory stack and job builtins against real bash", () => againstBash(REFERENCES_AND_DIRECTORIES));

/** bash's set -x: quoting, each assignment on its line, PS4 expanded, [[ ]] tests, (( )), for and case heads; read -p only on a terminal. Rows from real bash 5.2.15. */
const XTRACE: readonly [string, string, number][] = [
  ["set -x; a=\"x y\"; echo \"$a\" 'q' \"it's\" '' '^' a=b '~x' x~ '#y' y# '\\'; b=(1 2); c=$(echo sub); [[ -n $a && $a == x* ]]; [[ $a ]]; (( 1 + 1 )); for i in \"p q\" r; do :; done; case x in x) : ;; esac; for ((i=0;i<1;i++)); do :; done; set +x", "+ a='x y'\n+ echo 'x y' q 'it'\\''s' '' '^' a=b '~x' x~ '#y' y# '\\'\nx y q it's  ^ a=b ~x x~ #y y# \\\n+ b=(1 2)\n++ echo sub\n+ c=sub\n+ [[ -n x y ]]\n+ [[ x y == x* ]]\n+ [[ -n x y ]]\n+ ((  1 + 1  ))\n+ for i in \"p q\" r\n+ :\n+ for i in \"p q\" r\n+ :\n+ case x in\n+ :\n+ (( i=0 ))\n+ (( i<1 ))\n+ :\n+ (( i++ ))\n+ (( i<1 ))\n+ set +x\n", 0],
  ["PS4='+ ${LINENO}: '; set -x; echo one\necho two; set +x", "+ 1: echo one\none\n+ 2: echo two\ntwo\n+ 2: set +x\n", 0],
  ["set -x; x=1 y=2 env >/dev/null; a=1 b=2; f() { echo in; }; f; echo \"$(echo inner)\"; set +x", "+ x=1\n+ y=2\n+ env\n+ a=1\n+ b=2\n+ f\n+ echo in\nin\n++ echo inner\n+ echo inner\ninner\n+ set +x\n", 0],
  ["read -p 'prompt: ' v <<< val; echo \"[$v]\"; read -t 1 w < /dev/null; echo \"rc=$?\"", "[val]\nrc=1\n", 0],
];

describe("bash's xtrace against real bash", () => againstBash(XTRACE));

/**
 * $BASH_COMMAND (what runs, or what a trap interrupted), GROUPS, BASHPID, and bash's hash
 * table: hits, bucket order, -p/-t/-d/-l/-r, `type`'s "hashed", the path a moved program
 * leaves behind, PATH assignments that forget it.
 */
const COMMANDS_AND_HASH: readonly [string, string, number][] = [
  ["trap 'echo \"failed: $BASH_COMMAND (line $LINENO, status $?)\"' ERR; false; ls /nonexistent >/dev/null 2>&1; x=$(false); echo end", "failed: false (line 1, status 1)\nfailed: ls /nonexistent > /dev/null 2>&1 (line 1, status 2)\nfailed: x=$(false) (line 1, status 1)\nend\n", 0],
  ["trap 'echo \"[$BASH_COMMAND]\"' ERR; X=1 Y=\"a b\" false 2>/dev/null; printf x | grep -q zz; f() { return 3; }; f; [[ -f /nope ]]; (( 0 )); true", "[X=1 Y=\"a b\" false 2> /dev/null]\n[grep -q zz]\n[return 3]\n[[[ -f /nope ]]]\n[(( 0 ))]\n", 0],
  ["set -e; trap 'echo \"died at: $BASH_COMMAND ($?)\"' EXIT; echo start; test -f /nonexistent; echo never", "start\ndied at: test -f /nonexistent (1)\n", 1],
  ["echo \"$BASH_COMMAND\"; trap 'echo \"int: $BASH_COMMAND\"' USR1; kill -USR1 $$; echo \"${GROUPS[@]}\" \"${#GROUPS[@]}\"; [ $$ = $BASHPID ] && echo same; (echo $$ $BASHPID | awk '{print ($1==$2)}')", "echo \"$BASH_COMMAND\"\nint: kill -USR1 $$\n0 1\nsame\n0\n", 0],
  ["hash; echo $?; ls >/dev/null; cat /dev/null; hash; hash -r; hash; hash -p /bin/ls myls; hash -t myls; hash -t ls; echo $?; hash -d myls; hash -l", "hash: hash table empty\n0\nhits\tcommand\n   1\t/usr/bin/ls\n   1\t/usr/bin/cat\nhash: hash table empty\n/bin/ls\nbash: line 1: hash: ls: not found\n1\n", 0],
  ["hash nosuchcmd; echo $?; hash ls cat; hash; type ls; type -t ls; type -p ls; command -v ls; hash -t ls mv 2>&1; hash -x; echo $?", "bash: line 1: hash: nosuchcmd: not found\n1\nhits\tcommand\n   0\t/usr/bin/ls\n   0\t/usr/bin/cat\nls is hashed (/usr/bin/ls)\nfile\n/usr/bin/ls\n/usr/bin/ls\nls\t/usr/bin/ls\nbash: line 1: hash: mv: not found\nbash: line 1: hash: -x: invalid option\nhash: usage: hash [-lr] [-p pathname] [-dt] [name ...]\n2\n", 0],
  ["hash ls mv cp tar sed awk grep sort head tail; hash; ls | cat >/dev/null; (cat </dev/null; hash -t cat); hash -t cat; x=$(ls); PATH=$PATH; hash", "hits\tcommand\n   0\t/usr/bin/mv\n   0\t/usr/bin/head\n   0\t/usr/bin/grep\n   0\t/usr/bin/tar\n   0\t/usr/bin/cp\n   0\t/usr/bin/tail\n   0\t/usr/bin/ls\n   0\t/usr/bin/awk\n   0\t/usr/bin/sort\n   0\t/usr/bin/sed\n/usr/bin/cat\nbash: line 1: hash: cat: not found\nhash: hash table empty\n", 0],
  ["mkdir -p /tmp/hd; printf '#!/bin/sh\\necho one\\n' > /tmp/hd/tool; chmod +x /tmp/hd/tool; PATH=/tmp/hd:$PATH; tool; mkdir -p /tmp/hd2; mv /tmp/hd/tool /tmp/hd2/tool; PATH2=1 tool; echo $?; type tool; hash -r; PATH=$PATH:/tmp/hd2; tool; rm -r /tmp/hd /tmp/hd2", "one\nbash: line 1: /tmp/hd/tool: No such file or directory\n127\ntool is hashed (/tmp/hd/tool)\none\n", 0],
];

describe("bash's $BASH_COMMAND and command hash against real bash", () => againstBash(COMMANDS_AND_HASH));

/** compgen: actions in bash's order, -W, -G, -X (with `!` and `&`), -P/-S, its errors and statuses. */
const COMPGEN: readonly [string, string, number][] = [
  ["zz2() { :; }; zz1() { :; }; compgen -A function; compgen -v -P \"<\" -S \">\" BASH_V; compgen -W \"c a b\"; compgen -W \"alpha beta\" -X \"a*\"; compgen -W \"alpha beta\" -X \"!a*\"", "zz1\nzz2\n<BASH_VERSINFO>\n<BASH_VERSION>\nc\na\nb\nbeta\nalpha\n", 0],
  ["compgen -k | tr \"\\n\" \" \"; echo; compgen -A signal SIGU; compgen -A shopt ext | head -3; compgen -A setopt ver; compgen -u ro; compgen -g roo; compgen -A arrayvar BASH_V", "if then else elif fi case esac for select while until do done in function time { } ! [[ ]] coproc \nSIGUSR1\nSIGUSR2\nSIGURG\nextdebug\nextglob\nextquote\nverbose\nroot\nroot\nBASH_VERSINFO\n", 0],
  ["compgen; echo $?; compgen -z; echo $?; compgen -A nosuch; echo $?; compgen -W \"a b\" -- a b; echo $?; compgen -W 'x y' -- z; echo $?", "0\nbash: line 1: compgen: -z: invalid option\ncompgen: usage: compgen [-abcdefgjksuv] [-o option] [-A action] [-G globpat] [-W wordlist] [-F function] [-C command] [-X filterpat] [-P prefix] [-S suffix] [word]\n2\nbash: line 1: compgen: nosuch: invalid action name\n2\na\n0\n1\n", 0],
  ["alias ll='ls -l'; compgen -a; cd /tmp; rm -rf cgt; mkdir -p cgt/dd; touch cgt/ff cgt/.hid; compgen -f cgt/ | sort; compgen -d cgt/; compgen -f cgt/. | sort; compgen -G 'cgt/*'; compgen -W 'ab ac bc' -X '&c' a; rm -r cgt", "ll\ncgt/.hid\ncgt/dd\ncgt/ff\ncgt/dd\ncgt/.\ncgt/..\ncgt/.hid\ncgt/dd\ncgt/ff\nab\n", 0],
  ["compgen -c ech; compgen -v EPOCH; compgen -e PAT; f() { :; }; compgen -A function -A alias -W \"fx fy\" f", "echo\necho\necho\nEPOCHREALTIME\nEPOCHSECONDS\nPATH\nf\nfx\nfy\n", 0],
];

describe("bash's compgen against real bash", () => againstBash(COMPGEN));

/**
 * Shell state bash keeps per script: SHELLOPTS and BASHOPTS (read-only, SHELLOPTS handing set -x
 * down when exported), `local -`, wait -p, lastpipe, the DEBUG and RETURN traps (functions do not
 * inherit them unless set -T), BASH_ALIASES and BASH_CMDS.
 */
const SHELL_STATE: readonly [string, string, number][] = [
  ["echo $BASHOPTS; echo $SHELLOPTS; set -e; echo $SHELLOPTS; shopt -s extglob; echo $BASHOPTS | tr ':' '\\n' | grep ext; set -x; export SHELLOPTS; bash -c 'echo child; echo $SHELLOPTS'", "checkwinsize:cmdhist:complete_fullquote:extquote:force_fignore:globasciiranges:globskipdots:hostcomplete:interactive_comments:patsub_replacement:progcomp:promptvars:sourcepath\nbraceexpand:hashall:interactive-comments\nbraceexpand:errexit:hashall:interactive-comments\nextglob\nextquote\n+ export SHELLOPTS\n+ bash -c 'echo child; echo $SHELLOPTS'\n+ echo child\nchild\n+ echo braceexpand:errexit:hashall:interactive-comments:xtrace\nbraceexpand:errexit:hashall:interactive-comments:xtrace\n", 0],
  ["SHELLOPTS=x; echo notreached", "bash: line 1: SHELLOPTS: readonly variable\n", 1],
  ["f() { local -; set -x; true; }; f; echo \"$-\"; g() { set -u; }; g; echo \"$-\"", "+ true\nhBc\nhuBc\n", 0],
  ["sleep 0.2 & p1=$!; sleep 0.1 & p2=$!; wait -p who -n; [ \"$who\" = \"$p2\" ] && echo first-was-p2; wait -p who $p1; [ \"$who\" = \"$p1\" ] && echo then-p1; wait -x; echo $?", "first-was-p2\nthen-p1\nbash: line 1: wait: -x: invalid option\nwait: usage: wait [-fn] [-p var] [id ...]\n2\n", 0],
  ["shopt -s lastpipe; echo hi | read v; echo \"v=$v\"; printf '1\\n2\\n3\\n' | while read n; do c=$((c+n)); done; echo \"c=$c\"; shopt -u lastpipe; echo hi | read w; echo \"w=$w\"; false | true; echo \"${PIPESTATUS[*]}\"", "v=hi\nc=6\nw=\n1 0\n", 0],
  ["f() { trap \"echo d\" DEBUG; }; f; echo x; trap -p", "d\nx\nd\ntrap -- 'echo d' DEBUG\n", 0],
  ["f() { trap \"echo r\" RETURN; echo in; }; f; trap -p; g() { echo g; }; g; f", "in\nr\ntrap -- 'echo r' RETURN\ng\nin\nr\n", 0],
  ["trap \"echo r\" RETURN; g() { echo g; }; g; set -T; g", "g\ng\nr\n", 0],
  ["trap 'echo \"d $BASH_COMMAND\"' DEBUG; g() { echo g; }; g; set -T; g", "d g\ng\nd set -T\nd g\nd g\nd echo g\ng\n", 0],
  ["trap 'echo \"[$BASH_COMMAND] $?\"' DEBUG; false; [[ -n x ]]; (( 1 + 1 )); x=$(echo sub); echo \"$x\"; trap - DEBUG; echo off", "[false] 0\n[[[ -n x ]]] 1\n[(( 1 + 1 ))] 0\n[x=$(echo sub)] 0\n[echo \"$x\"] 0\nsub\n[trap - DEBUG] 0\noff\n", 0],
  ["trap \"echo d\" DEBUG; trap \"echo e\" ERR; trap \"echo r\" RETURN; trap \"echo x\" EXIT; trap \"echo i\" INT; trap -p; trap - DEBUG", "d\nd\nd\nd\nd\ntrap -- 'echo x' EXIT\ntrap -- 'echo i' SIGINT\ntrap -- 'echo d' DEBUG\ntrap -- 'echo e' ERR\ntrap -- 'echo r' RETURN\nd\nx\n", 0],
  ["echo ${#BASH_ALIASES[@]}; alias q=true; alias r=false; echo ${BASH_ALIASES[q]}; echo \"${!BASH_ALIASES[@]}\"; hash -p /bin/true tt; ls >/dev/null; echo ${BASH_CMDS[tt]}; echo \"${!BASH_CMDS[@]}\" \"${BASH_CMDS[@]}\"", "0\ntrue\nr q\n/bin/true\ntt ls /bin/true /usr/bin/ls\n", 0],
  ["unset RANDOM; echo \"[$RANDOM]\"; (echo \"[$RANDOM]\")", "[]\n[]\n", 0],
];

describe("bash's option lists, traps and tables against real bash", () => againstBash(SHELL_STATE));

describe("bash's time keyword", () => {
  const run = (script: string, shell = "bash") => combined(new Sandbox({ hostname: "vm" }), [shell, "-c", script]);
  it("reports the simulated real time in TIMEFORMAT, truncated to its precision", () => {
    expect(run("TIMEFORMAT='%R|%1R|%0lR|%2lR|%%'; time sleep 61")).toEqual({ output: "61.000|61.0|1m1s|1m1.00s|%\n", status: 0 });
  });
  it("counts the CPU the shell and its children used as user time", () => {
    // A sleeping process asks for 0.05% of a CPU: 1 ms each over 2 s, the shell and sleep.
    expect(run("time sleep 2")).toEqual({ output: "\nreal\t0m2.000s\nuser\t0m0.002s\nsys\t0m0.000s\n", status: 0 });
  });
  it("has POSIX's format with -p, is quiet with an empty TIMEFORMAT, and keeps the status", () => {
    expect(run("time -p sleep 1")).toEqual({ output: "real 1.00\nuser 0.00\nsys 0.00\n", status: 0 });
    expect(run("TIMEFORMAT=; time sleep 1; echo quiet")).toEqual({ output: "quiet\n", status: 0 });
    expect(run("TIMEFORMAT=%R; time (exit 3); echo $?; time; echo $?")).toEqual({ output: "0.000\n3\n0.000\n0\n", status: 0 });
  });
  it("reports on the shell's stderr, not the timed command's", () => {
    expect(run("{ time sleep 1 2>/dev/null; } 2>&1 | wc -l")).toEqual({ output: "4\n", status: 0 });
  });
  it("is a keyword in bash and a command dash does not have", () => {
    expect(run("type time")).toEqual({ output: "time is a shell keyword\n", status: 0 });
    expect(run("time true", "dash")).toEqual({ output: "dash: 1: time: not found\n", status: 127 });
  });
});

/** A stub `kubectl exec POD -- cmd...` that runs the command in another sandbox (the pod). */
function kubectlStub(pods: ReadonlyMap<string, Sandbox>) {
  return function* (ctx: ProcessContext): Proc<number> {
    const args = ctx.argv.slice(1);
    const dd = args.indexOf("--");
    const pod = args.slice(1, dd).find((a) => !a.startsWith("-"))!;
    const target = pods.get(pod);
    if (target === undefined) {
      ctx.stderr.write(`Error from server (NotFound): pods "${pod}" not found\n`);
      return 1;
    }
    const p = target.processes.spawn(args.slice(dd + 1), {
      stdout: unclosable(ctx.stdout),
      stderr: unclosable(ctx.stderr),
      env: new Map([["PATH", PATH]]),
    });
    return yield* wait(p.exited);
  };
}

function tutorialWorld() {
  const host = new Sandbox({ hostname: "workstation", files: { "/usr/local/bin/kubectl": { program: "test:kubectl" } } });
  const pods = new Map<string, Sandbox>();
  for (const name of ["web-0", "web-1"]) {
    const pod = new Sandbox({ sim: host.sim, network: host.network, registry: host.registry, hostname: name, ip: `10.244.${pods.size + 1}.6`, files: { "/usr/share/nginx/html": { dir: true } } });
    pods.set(name, pod);
  }
  host.registry.registerProgram("test:kubectl", kubectlStub(pods));
  return { host, pods };
}

describe("tutorial command lines", () => {
  it("walks a bash array by its indices", () => {
    const r = new Sandbox({ hostname: "vm" }).run(["bash", "-c", 'a=(x "y z" w); for k in "${!a[@]}"; do echo "$k=${a[$k]}"; done; echo ${#a[@]}']);
    expect(r.stdout).toBe("0=x\n1=y z\n2=w\n3\n");
  });

  it("loops over pods with kubectl exec and sh -c", () => {
    const { host, pods } = tutorialWorld();
    expect(host.run(["bash", "-c", `for i in 0 1; do kubectl exec "web-$i" -- sh -c 'hostname'; done`]).stdout).toBe("web-0\nweb-1\n");
    expect(host.run(["bash", "-c", `for i in 0 1; do kubectl exec web-$i -- sh -c 'echo "$(hostname)" > /usr/share/nginx/html/index.html'; done`]).status).toBe(0);
    expect(pods.get("web-0")!.fs().readText("/usr/share/nginx/html/index.html")).toBe("web-0\n");
    expect(pods.get("web-1")!.fs().readText("/usr/share/nginx/html/index.html")).toBe("web-1\n");
    const r = host.run(["bash", "-c", `for i in 0 1 2; do echo "myid web-$i";kubectl exec web-$i -- cat /usr/share/nginx/html/index.html; done`]);
    expect(r.stdout).toBe("myid web-0\nweb-0\nmyid web-1\nweb-1\nmyid web-2\n");
    expect(r.stderr).toBe(`Error from server (NotFound): pods "web-2" not found\n`);
    expect(r.status).toBe(1);
  });

  it("writes and appends files with here-documents", () => {
    const { host } = tutorialWorld();
    const script = [
      "cat <<EOF >./kustomization.yaml",
      "secretGenerator:",
      "- name: mysql-pass",
      "  literals:",
      "  - password=YOUR_PASSWORD",
      "EOF",
      "cat <<EOF >>./kustomization.yaml",
      "resources:",
      "  - mysql-deployment.yaml",
      "  - wordpress-deployment.yaml",
      "EOF",
      "",
    ].join("\n");
    expect(host.run(["bash", "-c", script], { cwd: "/root" }).status).toBe(0);
    expect(host.fs().readText("/root/kustomization.yaml")).toBe(
      "secretGenerator:\n- name: mysql-pass\n  literals:\n  - password=YOUR_PASSWORD\nresources:\n  - mysql-deployment.yaml\n  - wordpress-deployment.yaml\n",
    );
    const r = host.run(["sh", "-c", "x=1\ncat <<EOF\nval $x \\$x $(echo sub)\nEOF\ncat <<'EOF'\nlit $x\nEOF\ncat <<-EOF\n\t\tindented\n\tEOF\n"]);
    expect(r.stdout).toBe("val 1 $x sub\nlit $x\nindented\n");
  });

  it("chains && with a captured value, stderr redirection and a simulated sleep", () => {
    const { host } = tutorialWorld();
    host.fs().writeFile("/tmp/grace", "1800\n");
    const start = host.sim.now;
    const r = host.run(["bash", "-c", `grace=$(cat /tmp/grace) \\\n  && echo "Sleeping \${grace} seconds" 1>&2 \\\n  && sleep $grace \\\n  && echo deleted`]);
    expect(r).toEqual({ status: 0, stdout: "deleted\n", stderr: "Sleeping 1800 seconds\n" });
    expect(host.sim.now - start).toBe(1_800_000);
  });

  it("interleaves a background job's output with the foreground as time passes", () => {
    const { host } = tutorialWorld();
    const r = host.run(["sh", "-c", "(for i in 1 2 3; do echo a$i; sleep 1; done) &\nsleep 0.5; for i in 1 2 3; do echo b$i; sleep 1; done; wait; echo end"]);
    expect(r.stdout).toBe("a1\nb1\na2\nb2\na3\nb3\nend\n");
    expect(host.sim.now).toBe(3500);
  });

  it("gives $! the background command's pid, and kill and wait report its fate", () => {
    const { host } = tutorialWorld();
    const r = host.run(["bash", "-c", "sleep 100 & pid=$!; ps -e | grep -c sleep; kill $pid; wait $pid; echo $?; sleep 5 & wait; echo done"]);
    expect(r).toEqual({ status: 0, stdout: "1\n143\ndone\n", stderr: "" });
  });

  it("reports finished jobs once in jobs, then forgets them and numbers new jobs from 1 again", () => {
    const { host } = tutorialWorld();
    const r = host.run(["bash", "-c", "sleep 5 & (sleep 1; exit 3) & sleep 30 & kill %3; sleep 10; jobs; jobs; kill %1; echo $?; sleep 2 & jobs"]);
    expect(r).toEqual({
      status: 0,
      stdout: "[1]   Done                    sleep 5\n[2]-  Exit 3                  (sleep 1; exit 3)\n[3]+  Terminated              sleep 30\n1\n[1]+  Running                 sleep 2 &\n",
      stderr: "bash: line 1: kill: %1: no such job\n",
    });
  });
});

describe("PIPESTATUS", () => {
  it("holds every stage's status of the last pipeline in bash, the un-negated one after !, and nothing in dash", () => {
    const sb = new Sandbox();
    const bash = (script: string) => sb.run(["bash", "-c", script]).stdout;
    expect(bash("false | true | sh -c 'exit 3'; echo ${PIPESTATUS[@]} $?")).toBe("1 0 3 3\n");
    expect(bash("true; echo ${PIPESTATUS[0]}")).toBe("0\n");
    expect(bash("! false; echo ${PIPESTATUS[@]} $?")).toBe("1 0\n");
    expect(bash("set -o pipefail; false | true; echo $? ${PIPESTATUS[*]}")).toBe("1 1 0\n");
    expect(sb.run(["sh", "-c", "false | true; echo ${PIPESTATUS:-unset}"]).stdout).toBe("unset\n");
  });
});

describe("bash -c runs its last command in its own place", () => {
  it("execs a final external command instead of forking it, as bash 5.2 does; the images' older dash forks", () => {
    const sb = new Sandbox();
    const ps = (script: string, shell = "bash") => sb.run([shell, "-c", script]).stdout.split("\n").slice(1, -1).map((l) => l.trim().split(/\s+/).at(-1));
    expect(ps("bash -c 'ps'")).toEqual(["ps"]);
    expect(ps("cd /; ps")).toEqual(["ps"]);
    // Not the last command, a trap to run, or a pipeline: the shell stays.
    expect(ps("ps; true")).toEqual(["bash", "ps"]);
    expect(ps("trap 'true' EXIT; ps")).toEqual(["bash", "ps"]);
    expect(ps("ps | cat")).toEqual(["bash", "ps", "cat"]);
    expect(ps("ps", "sh")).toEqual(["sh", "ps"]);
    expect(sb.run(["bash", "-c", "X=1 bash -c 'echo $X; exit 3'"])).toMatchObject({ status: 3, stdout: "1\n" });
    expect(sb.run(["bash", "-c", "nosuch"])).toMatchObject({ status: 127, stderr: "bash: line 1: nosuch: command not found\n" });
    // It keeps the descriptors the shell has: an earlier `exec > o` sends its output there (bash 5.2).
    expect(sb.run(["sh", "-c", `cd /tmp && bash -c 'exec > o; echo y; sh -c "echo z"'; cat o`])).toMatchObject({ status: 0, stdout: "y\nz\n" });
  });
});

describe("output to a full disk", () => {
  /** A sandbox with a 64 KiB volume at /data whose free space something else has taken. */
  function full(base: "debian" | "busybox"): Sandbox {
    const sb = new Sandbox({ base });
    const volume = new Volume(sb.sim, "data", 65_536);
    sb.rootfs.mount({ path: "/data", volume, subPath: "", readOnly: false });
    volume.occupyFreeSpace();
    return sb;
  }

  it("fails echo and printf in each shell's words, and kills a program writing there with coreutils' write error", () => {
    const sb = full("debian");
    const script = "echo hi > /data/f; echo $?; printf 'x\\n' > /data/g; echo $?; echo hi | cat > /data/h; echo $?; echo -n > /data/e; echo $?";
    expect(combined(sb, ["sh", "-c", script])).toEqual({
      output: "sh: 1: echo: echo: I/O error\n1\nsh: 1: printf: printf: I/O error\n1\ncat: write error: No space left on device\n1\n0\n",
      status: 0,
    });
    expect(combined(sb, ["bash", "-c", script])).toEqual({
      output:
        "bash: line 1: echo: write error: No space left on device\n1\nbash: line 1: printf: write error: No space left on device\n1\n" +
        "cat: write error: No space left on device\n1\n0\n",
      status: 0,
    });
    // The redirections created the files; nothing reached them.
    expect(sb.run(["sh", "-c", "wc -c /data/*"]).stdout).toBe("0 /data/e\n0 /data/f\n0 /data/g\n0 /data/h\n0 total\n");
    // With stderr on the same disk the message is lost too, and the status still says it failed.
    expect(combined(sb, ["sh", "-c", "cat /etc/passwd > /data/f 2>&1; echo $?"])).toEqual({ output: "1\n", status: 0 });
    // A program whose diagnostics cannot be written carries on and exits as it would have.
    expect(combined(sb, ["sh", "-c", "ls /nope 2>/data/err; echo $?; ls /nope /etc/passwd 2>/data/err; echo $?"])).toEqual({ output: "2\n/etc/passwd\n2\n", status: 0 });
  });

  it("GNU tar writes 10240-byte records: the one the disk cuts short says how much of it landed", () => {
    const sb = new Sandbox({ base: "debian" });
    sb.rootfs.mount({ path: "/data", volume: new Volume(sb.sim, "data", 3 * 4096), subPath: "", readOnly: false });
    sb.run(["sh", "-c", "seq 1 3000 > /tmp/big"]);
    expect(combined(sb, ["sh", "-c", "tar -cf /data/t.tar /tmp/big; echo $?; wc -c < /data/t.tar"]).output).toBe(
      "tar: Removing leading `/' from member names\ntar: /data/t.tar: Wrote only 2048 of 10240 bytes\ntar: Error is not recoverable: exiting now\n2\n12288\n",
    );
  });

  it("tar -x onto a full disk: GNU tar says how much of the record piece landed and goes on; busybox dies", () => {
    const outputs: string[] = [];
    for (const base of ["debian", "busybox"] as const) {
      const sb = new Sandbox({ base });
      sb.rootfs.mount({ path: "/data", volume: new Volume(sb.sim, "data", 4 * 4096), subPath: "", readOnly: false });
      sb.run(["sh", "-c", "mkdir /tmp/src; seq 1 3000 > /tmp/src/a; seq 1 5000 > /tmp/src/b; cd /tmp && tar -cf /tmp/x.tar src"]);
      outputs.push(combined(sb, ["sh", "-c", "cd /data && tar -xf /tmp/x.tar; echo $?; wc -c < src/a"]).output);
    }
    // src/a's data starts 1024 bytes into the first record: a piece of 9216, then one of 4677.
    expect(outputs).toEqual([
      "tar: src/a: Wrote only 3072 of 4677 bytes\ntar: src/b: Cannot write: No space left on device\ntar: Exiting with failure status due to previous errors\n2\n12288\n",
      "tar: write error: No space left on device\n1\n12288\n",
    ]);
  });

  it("cp keeps what fits and tar gives up, each in its own words", () => {
    for (const [base, cp, tar, tarStatus] of [
      ["debian", "cp: error writing '/data/c': No space left on device\n", "tar: Removing leading `/' from member names\ntar: /data/t.tar: Cannot write: No space left on device\ntar: Error is not recoverable: exiting now\n", 2],
      ["busybox", "cp: write error: No space left on device\n", "tar: removing leading '/' from member names\ntar: write error: No space left on device\n", 1],
    ] as const) {
      const sb = new Sandbox({ base });
      const volume = new Volume(sb.sim, "data", 3 * 4096);
      sb.rootfs.mount({ path: "/data", volume, subPath: "", readOnly: false });
      sb.run(["sh", "-c", "seq 1 3000 > /tmp/big"]);
      expect(combined(sb, ["sh", "-c", "cp /tmp/big /data/c; echo $?; wc -c < /data/c"])).toEqual({ output: `${cp}1\n12288\n`, status: 0 });
      expect(combined(sb, ["sh", "-c", "tar -cf /data/t.tar /tmp/big; echo $?"])).toEqual({ output: `${tar}${tarStatus}\n`, status: 0 });
    }
  });

  it("sed -i: GNU sed panics and keeps the file; busybox's renames its short temporary file over it", () => {
    const setup = (base: "debian" | "busybox") => {
      const sb = new Sandbox({ base });
      const volume = new Volume(sb.sim, "data", 10_000);
      sb.rootfs.mount({ path: "/data", volume, subPath: "", readOnly: false });
      sb.run(["sh", "-c", "seq 1 1000 > /data/s"]);
      volume.occupyFreeSpace();
      return sb;
    };
    const gnu = combined(setup("debian"), ["sh", "-c", "sed -i 's/1/one/' /data/s; echo $?; wc -c < /data/s; ls /data"]);
    expect(gnu.output).toMatch(/^sed: couldn't flush \/data\/sed[A-Za-z0-9]{6}: No space left on device\n4\n3893\ns\n$/);
    expect(combined(setup("busybox"), ["sh", "-c", "sed -i 's/1/one/' /data/s; echo $?; wc -c < /data/s"]).output).toBe("0\n0\n");
  });

  it("gzip aborts as write_error does: a newline, the output's name, the errno; the partial .gz is removed", () => {
    const sb = new Sandbox({ base: "debian" });
    const volume = new Volume(sb.sim, "data", 3 * 4096);
    sb.rootfs.mount({ path: "/data", volume, subPath: "", readOnly: false });
    sb.run(["sh", "-c", "seq 1 1000 > /data/s"]);
    volume.occupyFreeSpace();
    expect(combined(sb, ["sh", "-c", "gzip -c /data/s > /data/c.gz; echo $?"])).toEqual({ output: "\ngzip: stdout: No space left on device\n1\n", status: 0 });
    expect(combined(sb, ["sh", "-c", "gzip /data/s; echo $?; ls /data"])).toEqual({ output: "\ngzip: /data/s.gz: No space left on device\n1\nc.gz\ns\n", status: 0 });
  });

  it("a directory takes a block: mkdir -p on a full disk names the ancestor it could not make; -m applies to the last", () => {
    const sb = full("debian");
    expect(combined(sb, ["sh", "-c", "touch /data/empty; mkdir -p /data/k/a/b; echo $?; ls /data"])).toEqual({
      output: "mkdir: cannot create directory '/data/k': No space left on device\n1\nempty\n",
      status: 0,
    });
    expect(sb.run(["sh", "-c", "mkdir -p -m 700 /tmp/q/r; ls -ld /tmp/q /tmp/q/r | cut -c1-10"]).stdout).toBe("drwxr-xr-x\ndrwx------\n");
    expect(sb.run(["sh", "-c", "mkdir -pv /tmp/v/w"]).stdout).toBe("mkdir: created directory '/tmp/v'\nmkdir: created directory '/tmp/v/w'\n");
    expect(new Sandbox({ base: "busybox" }).run(["sh", "-c", "mkdir -pv /tmp/v/w"]).stdout).toBe("created directory: '/tmp/v'\ncreated directory: '/tmp/v/w'\n");
  });

  it("busybox's echo reports its own write error; its printf only fails", () => {
    expect(combined(full("busybox"), ["sh", "-c", "echo hi > /data/f; echo $?; printf x > /data/g; echo $?"])).toEqual({
      output: "sh: write error: No space left on device\n1\n1\n",
      status: 0,
    });
  });
});

describe("probe scripts of the tutorial images", () => {
  const ZOOKEEPER_READY = '#!/usr/bin/env bash\nOK=$(echo ruok | nc 127.0.0.1 $1)\nif [ "$OK" == "imok" ]; then\n    exit 0\nelse\n    exit 1\nfi\n';

  function zookeeperPod(serving: boolean) {
    const sb = new Sandbox({
      hostname: "zk-0",
      files: {
        "/opt/zookeeper/bin/zookeeper-ready": { content: ZOOKEEPER_READY, mode: 0o755 },
        "/usr/bin/zookeeper-ready": { symlink: "/opt/zookeeper/bin/zookeeper-ready" },
      },
    });
    if (serving) {
      // The four-letter-word port: answer ruok with imok (no newline) and close, as ZooKeeper does.
      sb.host.listen(2181, (conn) => {
        conn.onData = (d) => {
          if (String(d).trim() === "ruok") {
            conn.send("imok");
            conn.end();
          }
        };
      });
    }
    return sb;
  }

  it("zookeeper-ready passes against a server that answers imok, fails without one", () => {
    expect(zookeeperPod(true).run(["sh", "-c", "zookeeper-ready 2181"]).status).toBe(0);
    expect(zookeeperPod(false).run(["sh", "-c", "zookeeper-ready 2181"]).status).toBe(1);
  });

  it("a removed zookeeper-ready is 'not found' (127), as the liveness probe then sees it", () => {
    const sb = zookeeperPod(true);
    expect(sb.run(["rm", "/opt/zookeeper/bin/zookeeper-ready"]).status).toBe(0);
    expect(sb.run(["sh", "-c", "zookeeper-ready 2181"])).toEqual({ status: 127, stdout: "", stderr: "sh: 1: zookeeper-ready: not found\n" });
  });

  it("cassandra's ready-probe.sh greps its own line of nodetool status for UN", () => {
    const probe = '#!/bin/bash\n\nif [[ $(nodetool status | grep $POD_IP) == *"UN"* ]]; then\n  if [[ $DEBUG ]]; then\n    echo "UN";\n  fi\n  exit 0;\nelse\n  if [[ $DEBUG ]]; then\n    echo "Not Up";\n  fi\n  exit 1;\nfi\n';
    const nodetool = "#!/bin/sh\necho 'Datacenter: DC1-K8Demo'\necho '======================'\necho 'Status=Up/Down'\necho '|/ State=Normal/Leaving/Joining/Moving'\necho '--  Address     Load       Tokens       Owns (effective)  Host ID                               Rack'\necho \"$(cat /tmp/state)  10.244.1.5  83.57 KiB  32           100.0%            e2dd09e6-d9d3-477e-96c5-45094c08db0f  Rack1-K8Demo\"\n";
    const sb = new Sandbox({ hostname: "cassandra-0", files: { "/ready-probe.sh": { content: probe, mode: 0o755 }, "/usr/bin/nodetool": { content: nodetool, mode: 0o755 } } });
    sb.fs().writeFile("/tmp/state", "UN");
    expect(sb.run(["/bin/bash", "-c", "/ready-probe.sh"], { env: { POD_IP: "10.244.1.5", DEBUG: "1" } })).toEqual({ status: 0, stdout: "UN\n", stderr: "" });
    sb.fs().writeFile("/tmp/state", "UJ");
    expect(sb.run(["/bin/bash", "-c", "/ready-probe.sh"], { env: { POD_IP: "10.244.1.5" } }).status).toBe(1);
    expect(sb.run(["/bin/bash", "-c", "/ready-probe.sh"], { env: { POD_IP: "10.244.9.9" } }).status).toBe(1);
  });
});

describe("errors in each shell's words", () => {
  it("reports a missing command with the script's name and line", () => {
    const sb = new Sandbox();
    sb.fs().writeFile("/tmp/s.sh", "echo a\n\nfoo\n");
    expect(sb.run(["sh", "/tmp/s.sh"])).toEqual({ status: 127, stdout: "a\n", stderr: "/tmp/s.sh: 3: foo: not found\n" });
    expect(sb.run(["bash", "/tmp/s.sh"])).toEqual({ status: 127, stdout: "a\n", stderr: "/tmp/s.sh: line 3: foo: command not found\n" });
    const bb = new Sandbox({ base: "busybox" });
    bb.fs().writeFile("/tmp/s.sh", "echo a\n\nfoo\n");
    expect(bb.run(["sh", "/tmp/s.sh"])).toEqual({ status: 127, stdout: "a\n", stderr: "/tmp/s.sh: line 3: foo: not found\n" });
    expect(bb.run(["sh", "-c", "foo"])).toEqual({ status: 127, stdout: "", stderr: "sh: foo: not found\n" });
  });

  it("refuses to run a file without execute permission (126)", () => {
    const sb = new Sandbox();
    sb.fs().writeFile("/tmp/s.sh", "echo a\n");
    expect(sb.run(["sh", "-c", "/tmp/s.sh"])).toEqual({ status: 126, stdout: "", stderr: "sh: 1: /tmp/s.sh: Permission denied\n" });
    expect(sb.run(["bash", "-c", "/tmp/s.sh"])).toEqual({ status: 126, stdout: "", stderr: "bash: line 1: /tmp/s.sh: Permission denied\n" });
  });

  it("words syntax errors as dash, bash and busybox do", () => {
    const sb = new Sandbox();
    expect(sb.run(["sh", "-c", "if true; then"]).stderr).toBe('sh: 1: Syntax error: end of file unexpected (expecting "fi")\n');
    expect(sb.run(["sh", "-c", "fi"]).stderr).toBe('sh: 1: Syntax error: "fi" unexpected\n');
    expect(sb.run(["sh", "-c", "for i in 1 2; echo"]).stderr).toBe('sh: 1: Syntax error: word unexpected (expecting "do")\n');
    expect(sb.run(["sh", "-c", 'echo "abc']).stderr).toBe("sh: 1: Syntax error: Unterminated quoted string\n");
    expect(sb.run(["bash", "-c", "fi"])).toEqual({ status: 2, stdout: "", stderr: "bash: -c: line 1: syntax error near unexpected token `fi'\nbash: -c: line 1: `fi'\n" });
    expect(sb.run(["bash", "-c", "if true; then"]).stderr).toBe("bash: -c: line 2: syntax error: unexpected end of file\n");
    const bb = new Sandbox({ base: "busybox" });
    expect(bb.run(["sh", "-c", "if true; then"]).stderr).toBe('sh: syntax error: unexpected end of file (expecting "fi")\n');
    expect(bb.run(["sh", "-c", "fi"]).stderr).toBe('sh: syntax error: unexpected "fi"\n');
  });

  it("runs the lines before a syntax error further down a script", () => {
    const sb = new Sandbox();
    sb.fs().writeFile("/tmp/e.sh", "echo a\nfi\necho b\n");
    expect(sb.run(["dash", "/tmp/e.sh"])).toEqual({ status: 2, stdout: "a\n", stderr: '/tmp/e.sh: 2: Syntax error: "fi" unexpected\n' });
    expect(sb.run(["bash", "/tmp/e.sh"])).toEqual({ status: 2, stdout: "a\n", stderr: "/tmp/e.sh: line 2: syntax error near unexpected token `fi'\n/tmp/e.sh: line 2: `fi'\n" });
  });
});

/** A host shell session: the interpreter runs in the context of a process that only sleeps. */
function hostSession(dialect: "sh" | "bash") {
  const sb = new Sandbox({ hostname: "workstation" });
  const { process, stdout, stderr } = sb.spawn(["sleep", "100000"]);
  const commands: string[] = [];
  const shell = new ShellInterpreter(process, { dialect, onTopLevelCommand: (s) => commands.push(s) });
  const run = (source: string): number | undefined => {
    const task = spawn(sb.sim, shell.run(source));
    sb.sim.runWhile(() => !task.done, sb.sim.now + 3_600_000);
    const r = task.result;
    return r?.ok ? r.value : undefined;
  };
  return { sb, shell, run, stdout, stderr, commands };
}

describe("host shell sessions (ShellInterpreter)", () => {
  it("keeps variables, functions and the working directory across runs", () => {
    const h = hostSession("bash");
    expect(h.run("x=41; greet() { echo \"hello $1\"; }; cd /etc")).toBe(0);
    expect(h.run("greet $((x+1)); pwd")).toBe(0);
    expect(h.stdout.text()).toBe("hello 42\n/etc\n");
    expect(h.shell.cwd).toBe("/etc");
  });

  it("says whether more lines are needed", () => {
    const h = hostSession("bash");
    for (const s of ["echo 'abc", "for i in 1 2; do", "cat <<EOF\nline", "echo a \\", "true &&", "echo a |", "if true; then echo", "echo $(", "f() {"]) {
      expect(h.shell.isComplete(s), s).toBe(false);
    }
    for (const s of ["echo 'abc'", "for i in 1 2; do echo; done", "cat <<EOF\nline\nEOF\n", "fi", ""]) {
      expect(h.shell.isComplete(s), s).toBe(true);
    }
  });

  it("reports each top-level command before it runs, here-document included", () => {
    const h = hostSession("bash");
    h.run("echo one; echo two\nfor i in 1 2; do\n  echo $i\ndone\ncat <<EOF\nbody\nEOF\nsleep 1 &\n");
    expect(h.commands).toEqual(["echo one", "echo two", "for i in 1 2; do\n  echo $i\ndone", "cat <<EOF\nbody\nEOF", "sleep 1 &"]);
    expect(h.stdout.text()).toBe("one\ntwo\n1\n2\nbody\n");
  });

  it("words errors as an interactive shell and keeps going", () => {
    const h = hostSession("bash");
    expect(h.run("nosuch")).toBe(127);
    expect(h.run("fi")).toBe(2);
    expect(h.run("echo still here")).toBe(0);
    expect(h.stderr.text()).toBe("bash: nosuch: command not found\nbash: syntax error near unexpected token `fi'\n");
    const d = hostSession("sh");
    d.run("nosuch\n");
    d.run("nosuch\n");
    expect(d.stderr.text()).toBe("sh: 1: nosuch: not found\nsh: 2: nosuch: not found\n");
  });

  it("leaves PS1 unset off a terminal, as a bash reading a script does", () => {
    const h = hostSession("bash");
    expect(h.run('echo "[${PS1-unset}]"')).toBe(0);
    expect(h.stdout.text()).toBe("[unset]\n");
  });

  it("completes the last word as bash does without programmable completion: commands, then file names", () => {
    const h = hostSession("bash");
    expect(h.run("mkdir -p /tmp/t/alpha /tmp/t/alps && touch /tmp/t/beta /tmp/t/.hidden && myfunc() { :; }")).toBe(0);
    // Command position: functions, builtins, reserved words and PATH executables; a unique match takes a space.
    expect(h.shell.complete("myf")).toEqual([["myfunc "], "myf"]);
    expect(h.shell.complete("ech")).toEqual([["echo "], "ech"]);
    expect(h.shell.complete("ls | whoa")).toEqual([["whoami "], "whoa"]);
    expect(h.shell.complete("x=$(whoa")).toEqual([["whoami "], "whoa"]);
    // Elsewhere, file names: directories end in a slash, hidden names only when asked for.
    expect(h.shell.complete("ls /tmp/t/al")).toEqual([["/tmp/t/alpha/", "/tmp/t/alps/"], "/tmp/t/al"]);
    expect(h.shell.complete("ls /tmp/t/b")).toEqual([["/tmp/t/beta "], "/tmp/t/b"]);
    expect(h.shell.complete("ls /tmp/t/")[0]).toEqual(["/tmp/t/alpha/", "/tmp/t/alps/", "/tmp/t/beta"]);
    expect(h.shell.complete("ls /tmp/t/.h")).toEqual([["/tmp/t/.hidden "], "/tmp/t/.h"]);
    expect(h.run("cd /tmp/t")).toBe(0);
    expect(h.shell.complete("cat al")).toEqual([["alpha/", "alps/"], "al"]);
    expect(h.shell.complete("cat nothing")).toEqual([[], "nothing"]);
  });

  it("ends on exit, running the EXIT trap", () => {
    const h = hostSession("bash");
    expect(h.run("trap 'echo bye' EXIT; exit 3")).toBe(3);
    expect(h.shell.exited).toBe(3);
    expect(h.stdout.text()).toBe("bye\n");
  });

  it("lets a background job print while later commands make time pass", () => {
    const h = hostSession("bash");
    h.run("(sleep 2; echo late) &");
    expect(h.stdout.text()).toBe("");
    h.run("sleep 5; echo after");
    expect(h.stdout.text()).toBe("late\nafter\n");
  });
});
