import { describe, expect, it } from "vitest";
import { ImageLayer } from "../src/runtime/image.js";
import { BASH_BUILDS } from "../src/shell/bash-builds.js";
import { shoptNames } from "../src/shell/shopt.js";
import { debianBase } from "../src/userland/base.js";
import { OS_RELEASES } from "../src/userland/os-release.js";
import { Sandbox } from "../src/userland/index.js";

/** bash on a terminal as `kubectl exec -it POD -- bash` starts it: HOME from runc, typed lines on stdin. */
function terminal(sb: Sandbox, lines: string, argv: readonly string[] = ["bash"], env: Readonly<Record<string, string>> = { HOME: "/root" }) {
  return sb.run(argv, { stdin: lines, tty: true, env, cwd: "/" });
}

describe("bash's startup files", () => {
  it("reads Debian's /etc/bash.bashrc and then ~/.bashrc when interactive: the prompt is user@host:dir", () => {
    const sb = new Sandbox({ hostname: "web-0" });
    sb.fs().writeFile("/root/.bashrc", "echo from rc\nfoo\n");
    const r = terminal(sb, "cd /tmp\necho $PS1\nexit 3\n");
    expect(r.status).toBe(3);
    // Errors in a startup file of an interactive shell carry no line, as at the prompt.
    expect(r.stdout).toBe("from rc\n${debian_chroot:+($debian_chroot)}\\u@\\h:\\w\\$\n");
    expect(r.stderr).toBe("bash: foo: command not found\nroot@web-0:/# root@web-0:/tmp# root@web-0:/tmp# exit\n");
  });

  it("names a startup file and line in its syntax errors, and goes on; --norc and --rcfile choose", () => {
    const sb = new Sandbox({ hostname: "web-0" });
    sb.fs().writeFile("/root/.bashrc", "echo one\nfi\n");
    sb.fs().writeFile("/tmp/rc", "PS1='rc> '\n");
    expect(terminal(sb, "exit\n").stderr).toBe("bash: /root/.bashrc: line 2: syntax error near unexpected token `fi'\nbash: /root/.bashrc: line 2: `fi'\nroot@web-0:/# exit\n");
    // Without the files the prompt is bash's own.
    expect(terminal(sb, "exit\n", ["bash", "--norc"]).stderr).toBe("bash-5.2# exit\n");
    expect(terminal(sb, "exit\n", ["bash", "--rcfile", "/tmp/rc"]).stderr).toBe("rc> exit\n");
    // A shell that is not interactive reads none of them.
    expect(sb.run(["bash", "-c", "echo ${PS1-unset}"], { env: { HOME: "/root" } }).stdout).toBe("unset\n");
  });

  it("falls back to the passwd entry's home without HOME, and passes over a missing ~/.bashrc in silence", () => {
    const sb = new Sandbox({ hostname: "zk-0", users: [{ name: "zookeeper", uid: 1000, gid: 1000 }] });
    const r = sb.run(["bash"], { stdin: "echo $HOME.\n", tty: true, cwd: "/", cred: { uid: 1000, gid: 1000, groups: [1000] } });
    expect(r).toEqual({ status: 0, stdout: ".\n", stderr: "zookeeper@zk-0:/$ zookeeper@zk-0:/$ exit\n" });
  });

  it("runs /etc/profile and the first of ~/.bash_profile, ~/.bash_login and ~/.profile for a login shell, not the bashrc", () => {
    const sb = new Sandbox({ hostname: "web-0" });
    sb.fs().writeFile("/root/.profile", "echo profile\n");
    sb.fs().writeFile("/root/.bashrc", "echo rc\n");
    // Debian's /etc/profile sets root's PATH; Debian's bash reads it even when not interactive.
    expect(sb.run(["bash", "-l", "-c", "echo $PATH; shopt -q login_shell && echo login"], { env: { HOME: "/root", PATH: "/opt/bin:/usr/bin:/bin" } }).stdout).toBe(
      "profile\n/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nlogin\n",
    );
    sb.fs().writeFile("/root/.bash_profile", "echo bash_profile\n");
    expect(sb.run(["bash", "--login", "-c", "true"], { env: { HOME: "/root" } }).stdout).toBe("bash_profile\n");
    expect(sb.run(["bash", "--login", "--noprofile", "-c", "echo $PATH"], { env: { HOME: "/root", PATH: "/opt/bin:/bin" } }).stdout).toBe("/opt/bin:/bin\n");
    // An interactive login shell gets its prompt from /etc/profile, which reads bash.bashrc; it says logout.
    const login = terminal(sb, "exit\n", ["/bin/bash", "-l"]);
    expect(login).toEqual({ status: 0, stdout: "bash_profile\n", stderr: "root@web-0:/# logout\n" });
  });

  it("has no system bashrc on Oracle Linux: the mysql image's shell keeps bash's prompt", () => {
    const sb = new Sandbox({ hostname: "mysql-0", layer: new ImageLayer(debianBase({ release: OS_RELEASES.oracleLinux89 }), 0) });
    expect(terminal(sb, "exit\n").stderr).toBe("bash-4.4# exit\n");
  });
});

describe("bash's BASH_SOURCE, and the names its errors give", () => {
  it("names the file being sourced, then the script; return leaves the file", () => {
    const sb = new Sandbox();
    sb.fs().writeFile("/tmp/lib.sh", 'foo\necho "in ${BASH_SOURCE[0]} from ${BASH_SOURCE[1]} line $LINENO"\nreturn 4\necho never\n');
    sb.fs().writeFile("/tmp/main.sh", '. ./lib.sh\necho "returned $? in $BASH_SOURCE"\nbar\n');
    expect(sb.run(["bash", "main.sh"], { cwd: "/tmp" })).toEqual({
      status: 127,
      stdout: "in ./lib.sh from main.sh line 2\nreturned 4 in main.sh\n",
      stderr: "./lib.sh: line 1: foo: command not found\nmain.sh: line 3: bar: command not found\n",
    });
    expect(sb.run(["bash", "-c", 'echo "${#BASH_SOURCE[@]}"']).stdout).toBe("0\n");
  });

  it("returns 2 from eval and . on a syntax error and goes on, naming what it read", () => {
    const sb = new Sandbox();
    sb.fs().writeFile("/tmp/bad.sh", "echo (\n");
    expect(sb.run(["bash", "-c", ". /tmp/bad.sh; echo after $?"])).toEqual({
      status: 0,
      stdout: "after 2\n",
      stderr: "/tmp/bad.sh: line 1: syntax error near unexpected token `newline'\n/tmp/bad.sh: line 1: `echo ('\n",
    });
    expect(sb.run(["bash", "-c", "eval 'fi'; echo after $?"])).toEqual({
      status: 0,
      stdout: "after 2\n",
      stderr: "bash: eval: line 1: syntax error near unexpected token `fi'\nbash: eval: line 1: `fi'\n",
    });
    // dash's special builtins end the shell.
    expect(sb.run(["sh", "-c", "eval 'fi'; echo after $?"]).status).toBe(2);
  });

  it("says in $- which flags are on, in bash's order, with c or s for where the commands come from", () => {
    const sb = new Sandbox();
    expect(sb.run(["bash", "-c", "echo $-; set -eux; echo $-"]).stdout).toBe("hBc\nehuxBc\n");
    expect(sb.run(["bash", "-s"], { stdin: "echo $-\n" }).stdout).toBe("hBs\n");
    expect(terminal(sb, "echo $-\n", ["bash", "--norc"]).stdout).toBe("himBHs\n");
  });
});

describe("shopt", () => {
  it("lists each release's options in its table's order", () => {
    expect(shoptNames(BASH_BUILDS.xenial)).toHaveLength(46);
    expect(shoptNames(BASH_BUILDS.xenial).indexOf("globstar")).toBeLessThan(shoptNames(BASH_BUILDS.xenial).indexOf("globasciiranges"));
    expect(shoptNames(BASH_BUILDS.stretch)).toHaveLength(48);
    expect(shoptNames(BASH_BUILDS.oracleLinux8)).toContain("inherit_errexit");
    expect(shoptNames(BASH_BUILDS.bullseye)).toHaveLength(53);
    expect(shoptNames(BASH_BUILDS.bookworm)).toHaveLength(57);
    expect(shoptNames(BASH_BUILDS.bookworm).slice(-3)).toEqual(["sourcepath", "varredir_close", "xpg_echo"]);
    const sb = new Sandbox();
    const listed = sb.run(["bash", "-c", "shopt"]).stdout.split("\n");
    expect(listed.slice(0, 2)).toEqual(["autocd         \toff", "assoc_expand_once\toff"]);
    expect(listed).toContain("checkwinsize   \ton");
    // expand_aliases is on only in an interactive shell.
    expect(sb.run(["bash", "-c", "shopt -p expand_aliases"]).stdout).toBe("shopt -u expand_aliases\n");
    expect(terminal(sb, "shopt -p expand_aliases\n", ["bash", "--norc"]).stdout).toBe("shopt -s expand_aliases\n");
  });

  it("sets, unsets and queries options, in bash's words when asked wrongly", () => {
    const sb = new Sandbox();
    expect(sb.run(["bash", "-c", "shopt -s nullglob; shopt nullglob; shopt -q dotglob; echo $?; shopt -s nosuch; echo $?"])).toEqual({
      status: 0,
      stdout: "nullglob       \ton\n1\n1\n",
      stderr: "bash: line 1: shopt: nosuch: invalid shell option name\n",
    });
    expect(sb.run(["bash", "-c", "shopt -su nullglob"])).toEqual({ status: 1, stdout: "", stderr: "bash: line 1: shopt: cannot set and unset shell options simultaneously\n" });
    expect(sb.run(["bash", "-c", "shopt -x"])).toEqual({ status: 2, stdout: "", stderr: "bash: line 1: shopt: -x: invalid option\nshopt: usage: shopt [-pqsu] [-o] [optname ...]\n" });
    expect(sb.run(["bash", "-c", "shopt -s login_shell; shopt -p login_shell; shopt -so errexit; shopt -po errexit"]).stdout).toBe("shopt -u login_shell\nset -o errexit\n");
    expect(sb.run(["sh", "-c", "shopt"]).stderr).toBe("sh: 1: shopt: not found\n");
  });

  it("changes pathname expansion, pattern matching and echo as bash does", () => {
    const sb = new Sandbox();
    sb.fs().writeFile("/tmp/.hidden", "");
    sb.fs().writeFile("/tmp/Upper.TXT", "");
    const run = (script: string) => sb.run(["bash", "-c", script], { cwd: "/tmp" });
    expect(run("echo none*; shopt -s nullglob; echo '<' none* '>'").stdout).toBe("none*\n< >\n");
        // The rest of the command line is not run either.
    expect(run("shopt -s failglob\necho none*; echo same line\necho next")).toEqual({ status: 0, stdout: "next\n", stderr: "bash: line 2: no match: none*\n" });
    expect(run("echo *hidden; shopt -s dotglob; echo *hidden").stdout).toBe("*hidden\n.hidden\n");
    expect(run("echo *.txt; shopt -s nocaseglob; echo *.txt").stdout).toBe("*.txt\nUpper.TXT\n");
    expect(run("shopt -s nocasematch; case ABC in abc) echo case;; esac; [[ XyZ == xyz ]] && echo pattern; [[ XyZ =~ ^x ]] && echo regex").stdout).toBe("case\npattern\nregex\n");
    expect(run("echo 'a\\tb'; shopt -s xpg_echo; echo 'a\\tb'; echo -E 'a\\tb'").stdout).toBe("a\\tb\na\tb\na\\tb\n");
    sb.fs().writeFile("/usr/local/bin/lib.sh", "echo from path\n");
    expect(run(". lib.sh; shopt -u sourcepath; . lib.sh").stderr).toBe("bash: line 1: lib.sh: No such file or directory\n");
  });
});
