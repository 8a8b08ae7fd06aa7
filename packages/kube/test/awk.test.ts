import { describe, expect, it } from "vitest";
import { Sandbox } from "../src/userland/index.js";

/**
 * awk is Debian's mawk 1.3.4 20200120 (also run as `awk`), and busybox's applet. Expected
 * outputs are what that mawk prints: among its particulars, integers print as integers only up
 * to 2147483647, 1/0 is inf rather than an error, and there are no {m,n} intervals.
 */

const PODS = [
  "NAME      READY   STATUS    RESTARTS   AGE",
  "web-0     1/1     Running   0          5m",
  "web-1     1/1     Running   3          5m",
  "db-0      0/1     Pending   0          1m",
  "",
].join("\n");

function sandbox(): Sandbox {
  const sb = new Sandbox();
  sb.fs().writeFile("/tmp/pods", PODS);
  sb.fs().mkdir("/opt/zookeeper/conf", { recursive: true });
  sb.fs().writeFile("/opt/zookeeper/conf/zoo.cfg", "tickTime=2000\ndataDir=/var/lib/zookeeper/data\nclientPort=2181\ninitLimit=10\n");
  return sb;
}

/** Runs a shell command line; returns its standard output (and fails the test on stderr). */
function out(sb: Sandbox, script: string): string {
  const r = sb.run(["sh", "-c", script]);
  expect(r.stderr).toBe("");
  return r.stdout;
}

describe("awk one-liners", () => {
  it("prints fields, skips the header, splits on -F and sums columns", () => {
    const sb = sandbox();
    expect(out(sb, "awk '{print $1}' /tmp/pods")).toBe("NAME\nweb-0\nweb-1\ndb-0\n");
    expect(out(sb, "cat /tmp/pods | awk 'NR>1 {print $1, $3}'")).toBe("web-0 Running\nweb-1 Running\ndb-0 Pending\n");
    expect(out(sb, "awk -F= '/clientPort/ {print $2}' /opt/zookeeper/conf/zoo.cfg")).toBe("2181\n");
    expect(out(sb, "awk 'NR > 1 {sum += $4} END {print sum}' /tmp/pods")).toBe("3\n");
    expect(out(sb, "printf 'a 1\\nb 2\\n' | awk '{s+=$2} END {print s}'")).toBe("3\n");
  });

  it("selects by length, regex, ranges and counts", () => {
    const sb = sandbox();
    expect(out(sb, "awk 'length($0) > 41' /tmp/pods")).toBe("NAME      READY   STATUS    RESTARTS   AGE\n");
    expect(out(sb, "awk 'length > 41 { n++ } END { print n }' /tmp/pods")).toBe("1\n");
    expect(out(sb, "awk 'NR==2,NR==3' /tmp/pods")).toBe("web-0     1/1     Running   0          5m\nweb-1     1/1     Running   3          5m\n");
    expect(out(sb, "awk '$3 ~ /^Run/ {n++} END {print n+0}' /tmp/pods")).toBe("2\n");
    expect(out(sb, "awk '$3 ~ /^Crash/ {n++} END {print n+0}' /tmp/pods")).toBe("0\n");
    expect(out(sb, "printf '1\\n2\\n3\\n4\\n5\\n' | awk '/2/,/4/'")).toBe("2\n3\n4\n");
    expect(out(sb, "printf 'x\\nstart\\na\\nend\\nb\\nstart\\nc\\n' | awk '/start/,/end/ { print NR\": \"$0 }'")).toBe("2: start\n3: a\n4: end\n6: start\n7: c\n");
  });

  it("counts in arrays (for-in order aside)", () => {
    const sb = sandbox();
    expect(out(sb, "awk 'NR>1 {a[$3]++} END {for (k in a) print k, a[k]}' /tmp/pods | sort")).toBe("Pending 1\nRunning 2\n");
    expect(out(sb, "awk 'BEGIN { a[\"x\"]; a[\"y\"]; delete a[\"x\"]; for (k in a) print k; print length(a) }'")).toBe("y\n1\n");
    expect(out(sb, "awk 'BEGIN { a[1,2] = 3; if ((1,2) in a) print \"yes\"; for (k in a) { split(k, p, SUBSEP); print p[1] \"-\" p[2] } }'")).toBe("yes\n1-2\n");
    expect(out(sb, "awk 'BEGIN { if (\"z\" in a) print \"no\"; print length(a); x = a[\"z\"]; print length(a) }'")).toBe("0\n1\n");
  });

  it("assigns fields, rebuilding $0 with OFS; assigning $0 splits it again", () => {
    const sb = sandbox();
    expect(out(sb, "echo 'a b c' | awk '{$2=\"\"; print}'")).toBe("a  c\n");
    expect(out(sb, "echo 'a b c' | awk 'BEGIN{OFS=\",\"} {$1=$1; print}'")).toBe("a,b,c\n");
    expect(out(sb, "echo 'a b c' | awk 'BEGIN{OFS=\"-\"} {print; print $1, $2}'")).toBe("a b c\na-b\n");
    expect(out(sb, "echo 'a b c' | awk '{$5 = \"e\"; print; print NF}'")).toBe("a b c  e\n5\n");
    expect(out(sb, "echo 'a b c d e' | awk '{NF = 2; print; print NF}'")).toBe("a b\n2\n");
    expect(out(sb, "echo 'a b c' | awk '{$0 = \"x y\"; print NF, $2}'")).toBe("2 y\n");
    expect(out(sb, "echo '  lead  trail  ' | awk '{print NF, $1, $NF}'")).toBe("2 lead trail\n");
    expect(out(sb, "echo 'a b c' | awk '{print NF, $NF, $(NF-1)}'")).toBe("3 c b\n");
  });

  it("uses the string built-ins", () => {
    const sb = sandbox();
    expect(out(sb, "awk 'NR>1 { print substr($1, 1, 3), toupper($3), length }' /tmp/pods")).toBe("web RUNNING 41\nweb RUNNING 41\ndb- PENDING 41\n");
    expect(out(sb, "echo 'banana' | awk '{gsub(/a/, \"b\"); print}'")).toBe("bbnbnb\n");
    expect(out(sb, "awk 'BEGIN { s = \"hello world\"; n = gsub(/o/, \"[&]\", s); print n, s }'")).toBe("2 hell[o] w[o]rld\n");
    expect(out(sb, "awk 'BEGIN { s = \"a.b\"; sub(/\\./, \"\\\\&\", s); print s }'")).toBe("a&b\n");
    expect(out(sb, "awk 'BEGIN { s = \"aaa\"; print sub(/a/, \"b\", s), s; print gsub(/x/, \"y\", s) }'")).toBe("1 baa\n0\n");
    expect(out(sb, "awk 'BEGIN { s = \"abc\"; gsub(//, \"X\", s); print s; t = \"abc\"; gsub(/b*/, \"X\", t); print t }'")).toBe("XaXbXcX\nXaXcX\n");
    expect(out(sb, "awk 'BEGIN { print index(\"kubernetes\", \"net\"), index(\"abc\", \"z\"), index(\"abc\", \"\") }'")).toBe("6 0 1\n");
    expect(out(sb, "awk 'BEGIN { print match(\"foobar\", /o+b/), RSTART, RLENGTH; print match(\"x\", /z/), RSTART, RLENGTH }'")).toBe("2 2 3\n0 0 -1\n");
    expect(out(sb, "awk 'BEGIN { print tolower(\"MiXeD 1\"), toupper(\"straße\") }'")).toBe("mixed 1 STRAßE\n");
    expect(out(sb, "awk 'BEGIN { print length(12345), length(\"\"), length(1/4) }'")).toBe("5 0 4\n");
  });

  it("takes substr positions as mawk does: truncated, clipped, and a start of 0 keeping the length", () => {
    const sb = sandbox();
    const s = (args: string) => out(sb, `awk 'BEGIN { printf "[%s]\\n", substr("hello", ${args}) }'`);
    expect(s("2")).toBe("[ello]\n");
    expect(s("2, 3")).toBe("[ell]\n");
    expect(s("0, 2")).toBe("[he]\n");
    expect(s("1.9")).toBe("[hello]\n");
    expect(s("4, 100")).toBe("[lo]\n");
    expect(s("10")).toBe("[]\n");
    expect(s("2, -1")).toBe("[]\n");
  });

  it("splits strings into arrays of strnums", () => {
    const sb = sandbox();
    expect(out(sb, "awk 'BEGIN { n = split(\"a:b:c\", arr, \":\"); print n, arr[1], arr[3] }'")).toBe("3 a c\n");
    expect(out(sb, "awk 'BEGIN { n = split(\"  x  y \", arr); print n, arr[1] arr[2] }'")).toBe("2 xy\n");
    expect(out(sb, "awk 'BEGIN { n = split(\"a1b22c\", arr, /[0-9]+/); print n, arr[3] }'")).toBe("3 c\n");
    expect(out(sb, "awk 'BEGIN { split(\"10 9\", v); print (v[1] > v[2]) }'")).toBe("1\n");
    expect(out(sb, "awk 'BEGIN { print split(\"\", arr), length(arr) }'")).toBe("0 0\n");
    expect(out(sb, "awk 'BEGIN { print split(\"abc\", c, \"\"), c[2] }'")).toBe("3 b\n");
  });

  it("defines functions with local variables and array parameters by reference", () => {
    const sb = sandbox();
    expect(out(sb, "printf '1\\n21\\n' | awk 'function f(x) { return x*2 } { print f($1) }'")).toBe("2\n42\n");
    expect(out(sb, "awk 'function fill(a, n,   i) { for (i = 1; i <= n; i++) a[i] = i * i } BEGIN { fill(sq, 4); print length(sq), sq[3], i \"|\" }'")).toBe("4 9 |\n");
    expect(out(sb, "awk 'function fib(n) { return n < 2 ? n : fib(n-1) + fib(n-2) } BEGIN { print fib(20) }'")).toBe("6765\n");
    expect(out(sb, "awk 'function g(arr) { arr[\"k\"] = 1 } function f(x) { g(x) } BEGIN { f(y); print (\"k\" in y) }'")).toBe("1\n");
    expect(out(sb, "awk 'function depth(n) { return n == 0 ? 0 : 1 + depth(n - 1) } BEGIN { print depth(5000) }'")).toBe("5000\n");
    expect(out(sb, "awk 'function noreturn() { } BEGIN { x = noreturn(); print x == 0, x == \"\" }'")).toBe("1 1\n");
  });

  it("runs loops, next and exit", () => {
    const sb = sandbox();
    expect(out(sb, "awk 'BEGIN { for (i = 0; i < 5; i++) { if (i == 1) continue; if (i == 4) break; printf \"%d \", i }; print \"\" }'")).toBe("0 2 3 \n");
    expect(out(sb, "awk 'BEGIN { i = 3; while (i--) printf \"%d\", i; do { j++ } while (j < 3); print \"\", j }'")).toBe("210 3\n");
    expect(out(sb, "printf 'a\\nb\\nc\\n' | awk '/b/ { next } { print }'")).toBe("a\nc\n");
    const exited = sb.run(["sh", "-c", "printf 'a\\nb\\n' | awk '{ print; exit 3 } END { print \"end ran\" }'"]);
    expect(exited).toEqual({ status: 3, stdout: "a\nend ran\n", stderr: "" });
    expect(sb.run(["awk", "BEGIN { exit 1 } END { print \"end\"; exit }"])).toEqual({ status: 1, stdout: "end\n", stderr: "" });
    expect(sb.run(["awk", "END { exit 4; print \"not reached\" }"], { stdin: "x\n" })).toEqual({ status: 4, stdout: "", stderr: "" });
    expect(sb.run(["awk", "function die(m) { print m; exit 5 } NR == 2 { die(\"bye\") }"], { stdin: "a\nb\nc\n" })).toEqual({ status: 5, stdout: "bye\n", stderr: "" });
  });
});

describe("awk values", () => {
  it("prints numbers as integers up to 2^31-1, else through OFMT", () => {
    const sb = sandbox();
    expect(out(sb, "awk 'BEGIN { print 0.1+0.2, 1e6, 1/3, 100000, 123456789, -0, 3.0, \"3.0\" }'")).toBe("0.3 1000000 0.333333 100000 123456789 0 3 3.0\n");
    expect(out(sb, "awk 'BEGIN { print 2^31-1, 2^31, 2^53, -2^31+1 }'")).toBe("2147483647 2.14748e+09 9.0072e+15 -2147483647\n");
    expect(out(sb, "awk 'BEGIN { OFMT = \"%.2f\"; CONVFMT = \"%.3f\"; x = 3.14159; print x, x \"\", 10 }'")).toBe("3.14 3.142 10\n");
    expect(out(sb, "awk 'BEGIN { x = 0.1; a[x] = 1; for (k in a) print k; print 1/0, -1/0, 0/0 }'")).toBe("0.1\ninf -inf -nan\n");
  });

  it("compares numerically when both sides are numbers or numeric input, else as strings", () => {
    const sb = sandbox();
    expect(out(sb, "echo '10 9' | awk '{ print ($1 < $2), (\"10\" < \"9\"), ($1 < \"9\"), ($1 > 9) }'")).toBe("0 1 1 1\n");
    // The example from mawk's manual page.
    expect(out(sb, "echo 24 24E | awk '{ print($1>100, $1>\"100\", $2>100, $2>\"100\") }'")).toBe("0 1 1 1\n");
    expect(out(sb, "echo ' 12 ' | awk -F, '{ print ($1 == 12), ($1 == \" 12 \") }'")).toBe("1 1\n");
    expect(out(sb, "echo 'a b' | awk '{ print ($5 == 0), ($5 == \"\"), (x == 0), (x == \"\") }'")).toBe("0 1 1 1\n");
    expect(out(sb, "echo '0x1A 1e3 +5 .5 abc 3x' | awk '{ print $1+0, $2+0, $3+0, $4+0, $5+0, $6+0, ($1 == 26) }'")).toBe("26 1000 5 0.5 0 3 0\n");
    expect(out(sb, "echo '0.0' | awk '{ if ($1) print \"true\"; else print \"false\"; if ($1 \"\") print \"nonempty\" }'")).toBe("false\nnonempty\n");
  });

  it("honours precedence: concatenation, unary minus, exponent, ternary, in", () => {
    const sb = sandbox();
    expect(out(sb, "awk 'BEGIN { print 1 \" \" 2+3, 2^3^2, -2^2, 2^-1, 7%3, -7%3, 1 - -1 }'")).toBe("1 5 512 -4 0.5 1 -1 2\n");
    // mawk has no ** operator (busybox has).
    expect(sb.run(["awk", "BEGIN { print 2**3 }"]).stderr).toBe("awk: line 1: syntax error at or near *\n");
    expect(out(sb, "awk 'BEGIN { x = 5; print x++ + ++x, x; print !x, !0, !\"\" }'")).toBe("12 7\n0 1 1\n");
    expect(out(sb, "awk 'BEGIN { print 1 < 2 ? \"yes\" : \"no\"; a[1]; print (1 in a) && !(2 in a) }'")).toBe("yes\n1\n");
    expect(out(sb, "awk 'BEGIN { x = y = 3; x += 2; y ^= 2; print x, y; x %= 3; print x }'")).toBe("5 9\n2\n");
    expect(out(sb, "awk 'BEGIN { print (1,2) in a, length(a) }'")).toBe("0 0\n");
  });

  it("formats with printf and sprintf", () => {
    const sb = sandbox();
    expect(out(sb, "awk -v x=3 'BEGIN{printf \"%05.2f\\n\", x/7}'")).toBe("00.43\n");
    expect(out(sb, "awk 'BEGIN { printf \"%5d|%-5d|%05d|%+d|% d\\n\", 42, 42, -42, 5, 5 }'")).toBe("   42|42   |-0042|+5| 5\n");
    expect(out(sb, "awk 'BEGIN { printf \"%x %X %o %#x %#o %u\\n\", 255, 255, 8, 255, 8, -1 }'")).toBe("ff FF 10 0xff 010 4294967295\n");
    expect(out(sb, "awk 'BEGIN { printf \"%e %E %g %G %.3g %.10g\\n\", 1234.5, 0.00012, 0.0001, 1e-5, 3.14159, 1/3 }'")).toBe("1.234500e+03 1.200000E-04 0.0001 1E-05 3.14 0.3333333333\n");
    expect(out(sb, "awk 'BEGIN { printf \"%c%c%c|%s|%10s|%-6s|%.2s|%05s\\n\", 65, \"hi\", 256+66, 12, \"right\", \"left\", \"trim\", \"ab\" }'")).toBe("AhB|12|     right|left  |tr|   ab\n");
    expect(out(sb, "awk 'BEGIN { printf \"%*d|%-*d|%.*f\\n\", 4, 7, 3, 8, 2, 3.14159 }'")).toBe("   7|8  |3.14\n");
    // Octal escapes and %c of a number make bytes, as in mawk; bytes that form UTF-8 read back as text.
    expect(out(sb, "awk 'BEGIN { printf \"\\351%c\", 233 }' | od -An -tx1")).toBe(" e9 e9\n");
    expect(out(sb, "awk 'BEGIN { print \"\\303\\251\" }'")).toBe("é\n");
    expect(out(sb, "awk 'BEGIN { printf \"%d %d %i\\n\", -3.9, \"12abc\", 2^31; printf(\"%s-%s\\n\", \"a\", \"b\") }'")).toBe("-3 12 2147483647\na-b\n");
    expect(out(sb, "awk 'BEGIN { printf \"%.0f %.0f %.2f %5.1f%%\\n\", 0.5, 2.5, 0.125, 99.44 }'")).toBe("0 2 0.12  99.4%\n");
    expect(out(sb, "awk 'BEGIN { s = sprintf(\"%s=%d\", \"n\", 42); print s, length(s) }'")).toBe("n=42 4\n");
    expect(out(sb, "awk 'BEGIN { printf \"no newline\" } END { }' < /dev/null; echo")).toBe("no newline\n");
  });

  it("seeds rand() as Debian's mawk does (glibc srandom/random)", () => {
    const sb = sandbox();
    expect(out(sb, "awk 'BEGIN { srand(1); print rand(), rand(); print srand(7) }'")).toBe("0.840188 0.394383\n1\n");
    expect(out(sb, "awk 'BEGIN { srand(42); a = rand(); srand(42); print (a == rand()), int(rand() * 100) < 100 }'")).toBe("1 1\n");
  });
});

describe("awk regular expressions", () => {
  it("reads EREs as mawk 20200120 does: escapes in brackets, POSIX classes, braces literal", () => {
    const sb = sandbox();
    expect(out(sb, "printf 'a\\t b\\n' | awk '{ print split($0, p, /[\\t ]+/), p[2] }'")).toBe("2 b\n");
    expect(out(sb, "echo 'x1 y22 z' | awk '{ gsub(/[[:digit:]]+/, \"#\"); gsub(/[^[:alnum:] #]/, \"\"); print }'")).toBe("x# y# z\n");
    expect(out(sb, "echo 'a{2} aa' | awk '{ print match($0, /a{2}/), RLENGTH }'")).toBe("1 4\n");
    expect(out(sb, "echo 'a.b|c' | awk '{ print ($0 ~ /a\\.b/), ($0 ~ \"a\\\\.b\"), ($0 ~ \"a\\.b\"), ($0 ~ /[|]/), ($0 ~ /^a|c$/) }'")).toBe("1 1 1 1 1\n");
    expect(out(sb, "echo '/usr/bin' | awk -F/ '$0 ~ /\\/bin$/ { print $2 }'")).toBe("usr\n");
    expect(out(sb, "echo 'AbC' | awk '{ re = \"^[A-Z]b\"; if ($0 ~ re) print \"dynamic\"; if (!/^b/) print \"negated\" }'")).toBe("dynamic\nnegated\n");
    expect(out(sb, "printf 'ab\\ncd\\n' | awk 'BEGIN { RS = \"\" } { print ($0 ~ /b.c/) }'")).toBe("1\n");
  });
});

describe("awk input and output", () => {
  it("splits on FS: blanks by default, one character literally, longer ones as regexes", () => {
    const sb = sandbox();
    expect(out(sb, "printf 'a\\tb c\\td\\n' | awk -F '\\t' '{ print $2 }'")).toBe("b c\n");
    expect(out(sb, "echo 'a|b|c' | awk -F'|' '{ print $2, NF }'")).toBe("b 3\n");
    expect(out(sb, "echo 'a.b.c' | awk -F. '{ print $3 }'")).toBe("c\n");
    expect(out(sb, "echo 'a:b::c' | awk -F':+' '{ print NF, $3 }'")).toBe("3 c\n");
    expect(out(sb, "echo 'key = value' | awk -F' *= *' '{ print $2 }'")).toBe("value\n");
    expect(out(sb, "echo 'atb' | awk -Ft '{ print $2 }'")).toBe("b\n");
    expect(out(sb, "echo 'a,b' | awk 'BEGIN { FS = \",\" } { print $2 }'")).toBe("b\n");
    // Fields are split when first used: a new FS applies to the current record (mawk, not gawk).
    expect(out(sb, "echo 'a:b' | awk '{ FS = \":\"; print $1 }'")).toBe("a\n");
    expect(out(sb, "echo 'abc' | awk 'BEGIN { FS = \"\" } { print NF, $2 }'")).toBe("3 b\n");
  });

  it("splits records on RS: newline, one character, paragraphs, regexes", () => {
    const sb = sandbox();
    expect(out(sb, "printf 'a,b,c' | awk 'BEGIN { RS = \",\" } { print NR \": \" $0 }'")).toBe("1: a\n2: b\n3: c\n");
    expect(out(sb, "printf '\\n\\np1 a\\np1 b\\n\\n\\np2 a\\n' | awk 'BEGIN { RS = \"\" } { print NR \": \" $1, NF }'")).toBe("1: p1 4\n2: p2 2\n");
    expect(out(sb, "printf 'a1b22c333d' | awk 'BEGIN { RS = \"[0-9]+\" } { printf \"%s \", $0 } END { print NR }'")).toBe("a b c d 4\n");
    expect(out(sb, "printf 'x\\ny' | awk '{ print NR, $0 }'")).toBe("1 x\n2 y\n");
    expect(out(sb, "printf 'a b\\nc d\\n' | awk 'BEGIN { ORS = \";\"; OFS = \"-\" } { print $1, $2 } END { printf \"\\n\" }'")).toBe("a-b;c-d;\n");
  });

  it("reads files and var=value operands in order, with FILENAME and FNR", () => {
    const sb = sandbox();
    sb.fs().writeFile("/tmp/f1", "A\nB\n");
    sb.fs().writeFile("/tmp/f2", "C\n");
    expect(out(sb, "awk '{ print v, FILENAME, FNR, NR, $0 }' v=1 /tmp/f1 v=2 /tmp/f2")).toBe("1 /tmp/f1 1 1 A\n1 /tmp/f1 2 2 B\n2 /tmp/f2 1 3 C\n");
    expect(out(sb, "awk 'FNR == 1 { print FILENAME; nextfile } { print \"skipped\" }' /tmp/f1 /tmp/f2")).toBe("/tmp/f1\n/tmp/f2\n");
    expect(out(sb, "echo piped | awk '{ print FILENAME \": \" $0 }' /tmp/f2 -")).toBe("/tmp/f2: C\n-: piped\n");
    expect(out(sb, "awk 'BEGIN { print ARGC, ARGV[0], ARGV[2]; ARGV[1] = \"/tmp/f2\" } { print }' /tmp/nope x=1")).toBe("3 awk x=1\nC\n");
    expect(out(sb, "awk 'END { print NR, $0 }' /tmp/f1")).toBe("2 B\n");
  });

  it("takes -v and command-line values with escapes, and ENVIRON", () => {
    const sb = sandbox();
    expect(out(sb, "awk -v 's=a\\tb' -v n=010 'BEGIN { print s; print n + 1, (n == 10) }'")).toBe("a\tb\n11 1\n");
    expect(out(sb, "GREETING=hi awk 'BEGIN { print ENVIRON[\"GREETING\"] }'")).toBe("hi\n");
    expect(out(sb, "echo x | awk '{ print v }' 'v=a\\nb'")).toBe("a\nb\n");
  });

  it("reads with every form of getline", () => {
    const sb = sandbox();
    expect(out(sb, "awk 'BEGIN { while ((getline line < \"/etc/passwd\") > 0) n++; print n, NR }'")).toBe("18 0\n");
    expect(out(sb, "awk 'BEGIN { print (getline line < \"/nope\") }'")).toBe("-1\n");
    expect(out(sb, "printf 'l1\\nl2\\nl3\\nl4\\n' | awk 'NR == 1 { getline; print \"now\", $0, NR } NR == 3 { getline x; print \"x=\" x, NR, $0 }'")).toBe("now l2 2\nx=l4 4 l3\n");
    expect(out(sb, "printf 'a\\nb\\n' | awk 'BEGIN { getline first; print \"first:\", first } { print \"main:\", $0 }'")).toBe("first: a\nmain: b\n");
    expect(out(sb, "awk 'BEGIN { while ((\"echo one; echo two\" | getline) > 0) print \"got\", $0, NF; print close(\"echo one; echo two\") }'")).toBe("got one 1\ngot two 1\n0\n");
    expect(out(sb, "awk 'BEGIN { \"echo 3 4\" | getline x; split(x, p); print p[1] + p[2] }'")).toBe("7\n");
    expect(out(sb, "awk 'BEGIN { getline l < \"/tmp/pods\"; getline l < \"/tmp/pods\"; close(\"/tmp/pods\"); getline again < \"/tmp/pods\"; print substr(l, 1, 5), substr(again, 1, 4) }'")).toBe("web-0 NAME\n");
  });

  it("redirects print to files, appending, and to commands", () => {
    const sb = sandbox();
    expect(out(sb, "awk '{ print > \"/tmp/out\" }' /tmp/pods && wc -l < /tmp/out")).toBe("4\n");
    expect(out(sb, "awk 'BEGIN { print \"one\" > \"/tmp/o\"; print \"two\" > \"/tmp/o\"; close(\"/tmp/o\"); print \"three\" >> \"/tmp/o\" }' && cat /tmp/o")).toBe("one\ntwo\nthree\n");
    expect(out(sb, "awk 'NR > 1 { print $3 > (\"/tmp/by-\" $3) }' /tmp/pods && cat /tmp/by-Running /tmp/by-Pending")).toBe("Running\nRunning\nPending\n");
    expect(out(sb, "awk 'BEGIN { printf(\"%s\\n\", \"p\") > \"/tmp/pf\"; print (\"a\", \"b\") > \"/tmp/pf\" }' && cat /tmp/pf")).toBe("p\na b\n");
    // Output to a command is sorted when the pipe closes; mawk's own buffered output comes after it.
    expect(out(sb, "printf 'b\\na\\nc\\n' | awk '{ print | \"sort\" } END { print \"done\" }'")).toBe("a\nb\nc\ndone\n");
    expect(out(sb, "printf 'b\\na\\n' | awk '{ print | \"sort\" } END { print close(\"sort\"); print \"after\" }'")).toBe("a\nb\n0\nafter\n");
    const r = sb.run(["awk", "BEGIN { print \"to stderr\" > \"/dev/stderr\"; print \"to stdout\" > \"/dev/stdout\"; print \"x\" | \"cat 1>&2\" }"]);
    expect(r).toEqual({ status: 0, stdout: "to stdout\n", stderr: "to stderr\nx\n" });
  });

  it("runs commands with system(), flushing its output first", () => {
    const sb = sandbox();
    expect(out(sb, "awk 'BEGIN { printf \"a\"; r = system(\"echo b; exit 3\"); print \"c\", r }'")).toBe("ab\nc 3\n");
    expect(out(sb, "awk 'BEGIN { system(\"\"); print \"ok\" }'")).toBe("ok\n");
  });

  it("processes 10,000 lines", () => {
    const sb = new Sandbox();
    let text = "";
    for (let i = 0; i < 10_000; i++) text += `pod-${i} 1/1 Running ${i % 7} ${i % 60}m\n`;
    sb.fs().writeFile("/tmp/big", text);
    expect(out(sb, "awk '{ n[$4]++; s += $4 } $4 == 6 { six++ } END { print NR, s, six, length(n) }' /tmp/big")).toBe("10000 29994 1428 7\n");
    expect(out(sb, "cat /tmp/big | awk '{ print $1 }' | tail -1")).toBe("pod-9999\n");
  });
});

describe("awk errors and options", () => {
  // Checked against Debian 12's mawk 1.3.4, which reads the program with a newline after it.
  it("reports syntax errors in mawk's words, with exit status 2", () => {
    const sb = sandbox();
    expect(sb.run(["awk", "{print $1"])).toEqual({ status: 2, stdout: "", stderr: "awk: line 2: missing } near end of file\n" });
    expect(sb.run(["awk", "BEGIN { x = 1 +* 2 }"])).toEqual({ status: 2, stdout: "", stderr: "awk: line 1: syntax error at or near *\n" });
    expect(sb.run(["awk", "BEGIN { print (1 }"])).toEqual({ status: 2, stdout: "", stderr: "awk: line 1: missing ) near }\n" });
    expect(sb.run(["mawk", "BEGIN {\n  x = 1\n  }\n}"])).toEqual({ status: 2, stdout: "", stderr: "mawk: line 4: extra '}'\nmawk: line 4: syntax error at or near end of line\n" });
    expect(sb.run(["awk", "BEGIN { print \"oops }"])).toEqual({ status: 2, stdout: "", stderr: "awk: line 1: runaway string constant \"oops } ...\n" });
    expect(sb.run(["awk", "BEGIN { @ }"])).toEqual({ status: 2, stdout: "", stderr: "awk: 1: unexpected character '@'\n" });
    expect(sb.run(["awk", "BEGIN { f(1) }"])).toEqual({ status: 2, stdout: "", stderr: "awk: line 2: function f never defined\n" });
    // mawk reads on after a syntax error: a brace left open at the end is a second one.
    expect(sb.run(["awk", "BEGIN { x = "]).stderr).toBe("awk: line 1: syntax error at or near end of line\nawk: line 2: missing } near end of file\n");
    expect(sb.run(["awk", "BEGIN { next }"])).toEqual({ status: 2, stdout: "", stderr: "awk: line 1: improper use of next\n" });
    expect(sb.run(["awk", "/+/"]).stderr).toBe("awk: line 1: regular expression compile failed (missing operand)\n+\n");
  });

  it("reports run-time errors with FILENAME, FNR and NR", () => {
    const sb = sandbox();
    expect(sb.run(["awk", "BEGIN { printf \"%s %s\\n\", \"a\" }"])).toEqual({
      status: 2,
      stdout: "",
      stderr: 'awk: run time error: not enough arguments passed to printf("%s %s\n")\n\tFILENAME="" FNR=0 NR=0\n',
    });
    expect(sb.run(["awk", "{ print $(NF-3) }"], { stdin: "a b\n" })).toEqual({ status: 2, stdout: "", stderr: 'awk: run time error: negative field index $-1\n\tFILENAME="-" FNR=1 NR=1\n' });
    expect(sb.run(["awk", "{ print; if ($0 ~ \"(\") print }"], { stdin: "x\n" })).toEqual({
      status: 2,
      stdout: "x\n",
      stderr: "awk: run time error: regular expression compile failed (missing ')')\n(\n\tFILENAME=\"-\" FNR=1 NR=1\n",
    });
  });

  it("stops with status 2 on a missing input file, after the files before it", () => {
    const sb = sandbox();
    sb.fs().writeFile("/tmp/ok", "fine\n");
    expect(sb.run(["awk", "{ print }", "/tmp/ok", "/nope"])).toEqual({ status: 2, stdout: "fine\n", stderr: "awk: cannot open /nope (No such file or directory)\n" });
    expect(sb.run(["awk", "BEGIN { print \"x\" > \"/nodir/f\" }"]).stderr).toBe('awk: cannot open "/nodir/f" for output (No such file or directory)\n');
  });

  it("parses its command line as mawk does", () => {
    const sb = sandbox();
    sb.fs().writeFile("/tmp/prog.awk", "# count\n{ n++ }\nEND { print n, x }\n");
    expect(out(sb, "awk -v x=y -f /tmp/prog.awk /tmp/pods")).toBe("4 y\n");
    expect(out(sb, "awk -- 'BEGIN { print \"dashdash\" }'")).toBe("dashdash\n");
    expect(out(sb, "awk '' /tmp/pods; echo empty=$?")).toBe("empty=0\n");
    expect(sb.run(["awk", "-z", "1"])).toEqual({ status: 2, stdout: "", stderr: "awk: not an option -z\n" });
    expect(sb.run(["awk", "-F"])).toEqual({ status: 2, stdout: "", stderr: "awk: option -F lacks argument\n" });
    expect(sb.run(["awk", "-f", "/nope.awk"])).toEqual({ status: 2, stdout: "", stderr: "awk: couldn't open file /nope.awk (No such file or directory)\n" });
    const noProgram = sb.run(["awk"]);
    expect(noProgram.status).toBe(2);
    expect(noProgram.stderr).toMatch(/^Usage: awk \[Options\] \[Program\] \[file \.\.\.\]\n/);
  });

  it("prints its version banner", () => {
    const sb = sandbox();
    for (const flag of [["-W", "version"], ["-Wv"], ["--version"]]) {
      const r = sb.run(["mawk", ...flag]);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe("mawk 1.3.4 20200120\nCopyright 2008-2019,2020, Thomas E. Dickey\nCopyright 1991-1996,2014, Michael D. Brennan\n\n");
      expect(r.stderr).toContain("maximum-integer     2147483647\n");
    }
  });

  it("is /usr/bin/awk and /usr/bin/mawk in the Debian base", () => {
    const sb = sandbox();
    expect(out(sb, "/usr/bin/awk 'BEGIN { print \"awk\" }'; /usr/bin/mawk 'BEGIN { print \"mawk\" }'; which awk")).toBe("awk\nmawk\n/usr/bin/awk\n");
  });
});

describe("busybox awk", () => {
  it("runs the same language with busybox's integers, intervals and error wording", () => {
    const bb = new Sandbox({ base: "busybox" });
    expect(bb.run(["sh", "-c", "echo 'a b c' | awk '{ print $2, NF }'"])).toEqual({ status: 0, stdout: "b 3\n", stderr: "" });
    expect(bb.run(["awk", "BEGIN { print 2^31, 2^53, 1/3, 2**3 }"]).stdout).toBe("2147483648 9007199254740992 0.333333 8\n");
    expect(bb.run(["sh", "-c", "echo aaa | busybox awk '{ print match($0, /a{2}/), RLENGTH }'"]).stdout).toBe("1 2\n");
    expect(bb.run(["awk", "BEGIN { x = 1 +* 2 }"])).toEqual({ status: 1, stdout: "", stderr: "awk: cmd. line:1: Unexpected token\n" });
    expect(bb.run(["awk", "BEGIN { print 1/0 }"])).toEqual({ status: 1, stdout: "", stderr: "awk: cmd. line:1: Division by zero\n" });
    expect(bb.run(["awk", "{ print }", "/nope"])).toEqual({ status: 1, stdout: "", stderr: "awk: can't open '/nope': No such file or directory\n" });
  });
});
