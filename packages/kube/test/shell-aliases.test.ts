import { spawn } from "@ksim/sim";
import { describe, expect, it } from "vitest";
import { ShellInterpreter } from "../src/shell/index.js";
import { Sandbox } from "../src/userland/index.js";

describe("alias and unalias", () => {
  it("expand from the next command on, once per alias, and the word after an alias ending in a blank", () => {
    const sb = new Sandbox();
    const script = ["alias ll='echo LL' e='echo ' w=world ls='ls -d'; ll same-line", "ll next-line", "e w", "ls /tmp", "(ll in-subshell)", "unalias ll; ll same-line", "ll gone"].join("\n");
    // A line is read whole before it runs: an alias made or removed on it applies from the next.
    expect(sb.run(["sh", "-c", script])).toEqual({
      status: 127,
      stdout: "LL next-line\nworld\n/tmp\nLL in-subshell\nLL same-line\n",
      stderr: "sh: 1: ll: not found\nsh: 7: ll: not found\n",
    });
  });

  it("are expanded by bash only with expand_aliases, which an interactive shell has", () => {
    const sb = new Sandbox();
    expect(sb.run(["bash", "-c", "alias ll='echo LL'\nll"]).stderr).toBe("bash: line 2: ll: command not found\n");
    expect(sb.run(["bash", "-c", "shopt -s expand_aliases; alias ll='echo LL'\nll x"]).stdout).toBe("LL x\n");
    expect(sb.run(["bash", "--norc", "-i"], { stdin: "alias ll='echo LL'\nll y\n", tty: true }).stdout).toBe("LL y\n");
  });

  it("are listed as bash lists them, sorted, and as dash does, in its hash table's order, each quoted its way", () => {
    const sb = new Sandbox();
    const define = `alias ll='echo LL' x=y q="it's"; alias; alias ll`;
    expect(sb.run(["bash", "-c", define]).stdout).toBe("alias ll='echo LL'\nalias q='it'\\''s'\nalias x='y'\nalias ll='echo LL'\n");
    // dash hashes q into bucket 10, x into 12, ll into 33.
    expect(sb.run(["sh", "-c", define]).stdout).toBe("q='it'\"'\"'s'\nx='y'\nll='echo LL'\nll='echo LL'\n");
    expect(new Sandbox({ base: "busybox" }).run(["sh", "-c", define]).stdout).toBe("q='it'\"'\"'s'\nx='y'\nll='echo LL'\nll='echo LL'\n");
  });

  it("say so in each shell's words when a name is not there", () => {
    const sb = new Sandbox();
    expect(sb.run(["bash", "-c", "alias nosuch; unalias nosuch; unalias"])).toEqual({
      status: 2,
      stdout: "",
      stderr: "bash: line 1: alias: nosuch: not found\nbash: line 1: unalias: nosuch: not found\nunalias: usage: unalias [-a] name [name ...]\n",
    });
    expect(sb.run(["sh", "-c", "alias nosuch; unalias nosuch"])).toEqual({ status: 1, stdout: "", stderr: "alias: nosuch not found\nunalias: nosuch not found\n" });
    expect(sb.run(["bash", "-c", "alias -x"])).toEqual({ status: 2, stdout: "", stderr: "bash: line 1: alias: -x: invalid option\nalias: usage: alias [-p] [name[=value] ... ]\n" });
  });

  it("apply to what the person types next in a session, however often the same line was typed before", () => {
    const sb = new Sandbox({ hostname: "workstation" });
    const { process, stdout, stderr } = sb.spawn(["sleep", "100000"]);
    const shell = new ShellInterpreter(process, { dialect: "bash" });
    const run = (source: string) => {
      const task = spawn(sb.sim, shell.run(source));
      sb.sim.runWhile(() => !task.done, sb.sim.now + 60_000);
    };
    run("k get pods\n");
    run("alias k='echo kubectl'\n");
    run("k get pods\n");
    run("unalias k\n");
    run("k get pods\n");
    expect(stdout.text()).toBe("kubectl get pods\n");
    expect(stderr.text()).toBe("bash: k: command not found\nbash: k: command not found\n");
  });
});
