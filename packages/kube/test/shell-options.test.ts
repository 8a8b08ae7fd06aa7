import { describe, expect, it } from "vitest";
import { Sandbox } from "../src/userland/index.js";

/** What `set -o` prints in each shell, as Debian 12's bash 5.2.15 and dash 0.5.12-2 print it for `-c`. */
const BASH_SET_O = [
  ["allexport", "off"], ["braceexpand", "on"], ["emacs", "off"], ["errexit", "off"], ["errtrace", "off"], ["functrace", "off"], ["hashall", "on"],
  ["histexpand", "off"], ["history", "off"], ["ignoreeof", "off"], ["interactive-comments", "on"], ["keyword", "off"], ["monitor", "off"],
  ["noclobber", "off"], ["noexec", "off"], ["noglob", "off"], ["nolog", "off"], ["notify", "off"], ["nounset", "off"], ["onecmd", "off"],
  ["physical", "off"], ["pipefail", "off"], ["posix", "off"], ["privileged", "off"], ["verbose", "off"], ["vi", "off"], ["xtrace", "off"],
]
  .map(([name, value]) => `${name!.padEnd(15)}\t${value}\n`)
  .join("");

const DASH_SET_O =
  "Current option settings\n" +
  ["errexit", "noglob", "ignoreeof", "interactive", "monitor", "noexec", "stdin", "xtrace", "verbose", "vi", "emacs", "noclobber", "allexport", "notify", "nounset", "privileged", "nolog", "debug"]
    .map((name) => `${name.padEnd(16)}off\n`)
    .join("");

describe("set -o and $-", () => {
  it("lists every option each shell has, in its order and format; set +o as commands", () => {
    const sb = new Sandbox();
    expect(sb.run(["bash", "-c", "set -o"]).stdout).toBe(BASH_SET_O);
    expect(sb.run(["sh", "-c", "set -o"]).stdout).toBe(DASH_SET_O);
    expect(sb.run(["bash", "-c", "set +o | head -n 2"]).stdout).toBe("set +o allexport\nset -o braceexpand\n");
    expect(sb.run(["sh", "-c", "set -e; set +o | head -n 1"]).stdout).toBe("set -o errexit\n");
    // busybox ash: no header, dash's width, its own fifteen options.
    expect(new Sandbox({ base: "busybox" }).run(["sh", "-c", "set -o | tail -n 2"]).stdout).toBe("vi              off\npipefail        off\n");
  });

  it("keeps the options it does not act on, with emacs and vi exclusive, and shows them in $-", () => {
    const sb = new Sandbox();
    expect(sb.run(["bash", "-c", 'set -o vi; set -o | grep -E "^(vi|emacs)"; set -h; set +B; echo $-']).stdout).toBe("emacs          \toff\nvi             \ton\nhc\n");
    expect(sb.run(["sh", "-c", "set -V; echo $-; set -E; echo $-"]).stdout).toBe("V\nE\n");
    // An interactive shell at a terminal: line editing, history and job control are on.
    // A subshell keeps them (it does no job control, but still says m).
    const interactive = sb.run(["bash", "--norc", "-i"], { stdin: 'set -o | grep -E "^(emacs|history|monitor)"\necho $-\n(echo $-)\n', tty: true });
    expect(interactive.stdout).toBe("emacs          \ton\nhistory        \ton\nmonitor        \ton\nhimBHs\nhimBHs\n");
    expect(sb.run(["sh", "-i"], { stdin: "echo $-\n", tty: true }).stdout).toBe("smi\n");
  });

  it("writes $- as each shell does: bash in its table's order with c or s, dash backwards, without c", () => {
    const sb = new Sandbox();
    expect(sb.run(["sh", "-c", 'echo "[$-]"; set -aCefux; echo "$-"']).stdout).toBe("[]\nuaCxfe\n");
    expect(sb.run(["sh"], { stdin: "echo $-\n" }).stdout).toBe("s\n");
    expect(sb.run(["bash", "-c", "set -aCefux; echo $-"]).stdout).toBe("aefhuxBCc\n");
  });

  it("refuses a letter it does not know in its words", () => {
    const sb = new Sandbox();
    expect(sb.run(["bash", "-c", "set -Q; echo on"])).toEqual({
      status: 0,
      stdout: "on\n",
      stderr: "bash: line 1: set: -Q: invalid option\nset: usage: set [-abefhkmnptuvxBCEHPT] [-o option-name] [--] [-] [arg ...]\n",
    });
    expect(sb.run(["sh", "-c", "set -Q; echo never"])).toEqual({ status: 2, stdout: "", stderr: "sh: 1: set: Illegal option -Q\n" });
  });
});

describe("noclobber (set -C)", () => {
  it("refuses to truncate an existing regular file with >, in each shell's words; >| and >> still write", () => {
    const sb = new Sandbox();
    const script = "set -C; echo a > f; echo b > f; echo st $?; echo c >| f; echo d >> f; cat f; echo e > /dev/null; echo ok";
    expect(sb.run(["bash", "-c", script], { cwd: "/tmp" })).toEqual({ status: 0, stdout: "st 1\nc\nd\nok\n", stderr: "bash: line 1: f: cannot overwrite existing file\n" });
    const dash = new Sandbox();
    expect(dash.run(["sh", "-c", script], { cwd: "/tmp" })).toEqual({ status: 0, stdout: "st 2\nc\nd\nok\n", stderr: "sh: 1: cannot create f: File exists\n" });
  });
});

describe("dash's commandname in its errors", () => {
  it("names eval and the file . reads after the line, but not in a builtin's own complaint or a function called later", () => {
    const sb = new Sandbox();
    sb.fs().writeFile("/tmp/lib.sh", "foo\ncd /nonexistent\necho $((1/0))\n");
    sb.fs().writeFile("/tmp/fn.sh", "f() { foo; }\n");
    sb.fs().writeFile("/tmp/bad.sh", "echo (\n");
    const run = (script: string) => sb.run(["sh", "-c", script], { cwd: "/tmp" }).stderr;
    expect(run("eval foo; eval 'cd /x'; eval 'x=$(foo)'")).toBe("sh: 1: eval: foo: not found\nsh: 1: cd: can't cd to /x\nsh: 1: eval: foo: not found\n");
    expect(run(". ./lib.sh")).toBe('sh: 1: ./lib.sh: foo: not found\nsh: 2: cd: can\'t cd to /nonexistent\nsh: 3: ./lib.sh: arithmetic expression: division by zero: "1/0"\n');
    expect(run(". ./fn.sh; f")).toBe("sh: 1: foo: not found\n");
    // A syntax error at a newline is told on the line after it: dash has counted the newline.
    expect(run(". ./bad.sh")).toBe('sh: 2: ./bad.sh: Syntax error: newline unexpected (expecting ")")\n');
    expect(run("eval 'fi'")).toBe('sh: 1: eval: Syntax error: "fi" unexpected\n');
  });
});
