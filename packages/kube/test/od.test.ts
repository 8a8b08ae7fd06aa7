import { describe, expect, it } from "vitest";
import { Sandbox } from "../src/userland/index.js";
import { sh } from "./helpers.js";

describe("busybox od (1.28.4's od_bloaty.c)", () => {
  it("dumps octal shorts by default, with the offset after the last byte and a short line zero-padded", () => {
    const sb = new Sandbox({ base: "busybox" });
    expect(sh(sb, "echo hello | od")).toEqual({ status: 0, out: "0000000 062550 066154 005157\n0000006\n", err: "" });
    expect(sh(sb, "printf abc | od").out).toBe("0000000 061141 000143\n0000003\n");
    expect(sh(sb, "od < /dev/null").out).toBe("0000000\n");
  });

  it("prints -c, -a, -b, -x and -t types a space and their width apart, without aligning formats", () => {
    const sb = new Sandbox({ base: "busybox" });
    expect(sh(sb, "printf 'hi\\t\\000\\377\\n' | od -c").out).toBe("0000000   h   i  \\t  \\0 377  \\n\n0000006\n");
    expect(sh(sb, "printf 'a \\001\\177' | od -a").out).toBe("0000000   a  sp soh del\n0000004\n");
    expect(sh(sb, "echo hello | od -b").out).toBe("0000000 150 145 154 154 157 012\n0000006\n");
    // -c comes before -x whatever the order given; the second format's line is indented by the address's width.
    expect(sh(sb, "echo hello | od -x -c").out).toBe("0000000   h   e   l   l   o  \\n\n        6568 6c6c 0a6f\n0000006\n");
    expect(sh(sb, "echo hello | od -A d -t d1 -t o1").out).toBe("0000000  104  101  108  108  111   10\n        150 145 154 154 157 012\n0000006\n");
    expect(sh(sb, "echo hello | od -An -tx1").out).toBe(" 68 65 6c 6c 6f 0a\n");
    // z: the ten missing fields' room (3 characters each), then "  >" and the characters.
    expect(sh(sb, "echo hello | od -A x -t xCz").out).toBe(`000000 68 65 6c 6c 6f 0a${" ".repeat(30)}  >hello.<\n000006\n`);
    // -i is d2 and -l d4 here; every format shows the block padded to their common size.
    expect(sh(sb, "echo hello | od -i -l").out).toBe("0000000  25960  27756   2671      0\n         1819043176        2671\n0000006\n");
    expect(sh(sb, "printf '\\001\\002\\003\\004\\005\\006\\007\\010\\011' | od -t x8 -t x1").out).toBe(
      "0000000 0807060504030201 0000000000000009\n        01 02 03 04 05 06 07 08 09 00 00 00 00 00 00 00\n0000011\n",
    );
    expect(sh(sb, "printf '\\000\\000\\200?' | od -t fF").out).toBe("0000000   1.0000000e+00\n0000004\n");
  });

  it("skips with -j, stops after -N, folds repeated lines unless -v, and takes -w and -S", () => {
    const sb = new Sandbox({ base: "busybox" });
    expect(sh(sb, "echo hello | od -c -j 2 -N 3").out).toBe("0000002   l   l   o\n0000005\n");
    expect(sh(sb, "echo hello | od -c -j 0x3 -N 010").out).toBe("0000003   l   o  \\n\n0000006\n");
    const lines = "a".repeat(47) + "b";
    expect(sh(sb, `printf ${lines} | od -c`).out).toBe(
      "0000000   a   a   a   a   a   a   a   a   a   a   a   a   a   a   a   a\n*\n0000040   a   a   a   a   a   a   a   a   a   a   a   a   a   a   a   b\n0000060\n",
    );
    expect(sh(sb, `printf ${lines} | od -vc | wc -l`).out).toBe("4\n");
    expect(sh(sb, "echo hello | od -w4 -c").out).toBe("0000000   h   e   l   l\n0000004   o  \\n\n0000006\n");
    expect(sh(sb, "echo hello | od -w3 -x")).toEqual({ status: 0, out: "0000000 6568\n0000002 6c6c\n0000004 0a6f\n0000006\n", err: "od: warning: invalid width 3; using 2 instead\n" });
    expect(sh(sb, "printf 'ab\\000hello\\000x\\000world!\\000' | od -S 3").out).toBe("0000003 hello\n0000013 world!\n");
    expect(sh(sb, "echo hi > /tmp/a; printf yo > /tmp/b; od -c /tmp/a /tmp/b").out).toBe("0000000   h   i  \\n   y   o\n0000005\n");
  });

  it("fails as busybox does: bad types, radix, numbers and files", () => {
    const sb = new Sandbox({ base: "busybox" });
    expect(sh(sb, "echo hello | od -t x3")).toEqual({ status: 1, out: "", err: "od: invalid type string 'x3'; 3-byte integral type is not supported\n" });
    // bb_strtou refuses a size followed by a letter.
    expect(sh(sb, "echo hello | od -t x2c").err).toBe("od: invalid type string 'x2c'; 4294967295-byte integral type is not supported\n");
    expect(sh(sb, "echo hello | od -t q").err).toBe("od: invalid character 'q' in type string 'q'\n");
    expect(sh(sb, "echo hello | od -A z").err).toBe("od: bad output address radix 'z' (must be [doxn])\n");
    expect(sh(sb, "echo hello | od -N 5x").err).toBe("od: invalid number '5x'\n");
    expect(sh(sb, "echo hello | od -j 7")).toEqual({ status: 1, out: "", err: "od: can't skip past end of combined input\n" });
    expect(sh(sb, "od /nonexist")).toEqual({ status: 1, out: "", err: "od: /nonexist: No such file or directory\n" });
    expect(sh(sb, "echo hi > /tmp/f; od -c /tmp/f /nonexist")).toEqual({ status: 1, out: "0000000   h   i  \\n\n0000003\n", err: "od: /nonexist: No such file or directory\n" });
    expect(sh(sb, "od /tmp")).toEqual({ status: 1, out: "0000000\n", err: "od: /tmp: read error\n" });
    expect(sh(sb, "echo hi | od -z")).toEqual({
      status: 1,
      out: "",
      err: "od: invalid option -- 'z'\nBusyBox v1.28.4 (2018-05-22 17:00:17 UTC) multi-call binary.\n\nUsage: od [-abcdfhilovxs] [-t TYPE] [-A RADIX] [-N SIZE] [-j SKIP] [-S MINSTR] [-w WIDTH] [FILE]...\n\nPrint FILEs (or stdin) unambiguously, as octal bytes by default\n",
    });
  });
});
