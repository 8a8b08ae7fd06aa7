import type { Sim, Waitable } from "@ksim/sim";
import { describe, expect, it } from "vitest";
import { StringSink } from "../src/runtime/streams.js";
import type { TerminalInput } from "../src/workstation/workstation.js";
import { kubectlWorld } from "./kubectl-cmd-helpers.js";

/** A person who types the next line each time a command waits, after `thinkMs` of real time. */
class Typist implements TerminalInput {
  private reader: ((chunk: string | null) => void) | undefined;

  constructor(
    private readonly sim: Sim,
    private readonly lines: string[],
    private readonly thinkMs: number,
  ) {}

  get waiting(): boolean {
    return this.reader !== undefined;
  }

  read(): Waitable<string | null> {
    return {
      subscribe: (resume) => {
        this.reader = resume;
        return () => (this.reader = undefined);
      },
    };
  }

  /** Turns the event loop got while a command ran; `onBreath` acts during them (Ctrl-C). */
  breaths = 0;
  onBreath: (() => void) | undefined;

  async breathe(): Promise<void> {
    this.breaths++;
    this.onBreath?.();
  }

  private thought = false;

  /** First the person thinks (real time passes, the command still waits), then they type. */
  async pause(): Promise<number> {
    if (!this.thought) {
      this.thought = true;
      return this.thinkMs;
    }
    this.thought = false;
    const reader = this.reader!;
    this.reader = undefined;
    const line = this.lines.shift();
    this.sim.schedule(0, () => reader(line === undefined ? null : `${line}\n`));
    return 0;
  }
}

/** One cluster's workstation, with a session at a terminal and a script session, each writing its stdout and stderr to one sink. */
function terminalAndScript(seed: number) {
  const { cluster, workstation } = kubectlWorld({ seed });
  const out = new StringSink();
  const typist = new Typist(cluster.sim, [], 100);
  const session = workstation.session({ stdout: out, stderr: out, stdin: typist, tty: true });
  const plain = new StringSink();
  const script = workstation.session({ stdout: plain, stderr: plain });
  return { out, typist, session, plain, script };
}

describe("ksim shell at a terminal", () => {
  it("lets the person type into kubectl run -it: the container's shell prompts, time passes while they think", async () => {
    const { cluster, workstation } = kubectlWorld({ seed: 41 });
    const out = new StringSink();
    const typist = new Typist(cluster.sim, ["echo hello from $(hostname)", "sleep 30", "exit"], 2_000);
    const session = workstation.session({ stdout: out, stderr: out, stdin: typist, tty: true });
    const before = cluster.sim.now;
    const status = await session.runAtTerminal("kubectl run -i --tty shell --image=busybox:1.28 --restart=Never -- sh", typist);
    expect(status).toBe(0);
    const text = out.text();
    expect(text).not.toContain("Unable to use a TTY");
    expect(text).toContain("If you don't see a command prompt, try pressing enter.\nhello from shell\n/ # / # ");
    // The pod's start, two seconds of thought before each of the first two lines, the typed sleep
    // (the thought before `exit` passes during the sleep: kubectl reads it ahead, as a terminal does).
    expect(cluster.sim.now - before).toBeGreaterThan(34_000);
    expect(cluster.sim.now - before).toBeLessThan(38_000);
  });

  it("gives a process on a terminal TERM=xterm, as containerd does for tty containers and exec sessions", async () => {
    const { cluster, workstation } = kubectlWorld({ seed: 43 });
    const out = new StringSink();
    const typist = new Typist(cluster.sim, ["echo TERM=$TERM", "exit"], 1_000);
    const session = workstation.session({ stdout: out, stderr: out, stdin: typist, tty: true });
    expect(await session.runAtTerminal("kubectl run -i --tty shell --image=busybox:1.28 -- sh", typist)).toBe(0);
    expect(out.text()).toContain("TERM=xterm\n");
    const plain = new StringSink();
    const script = workstation.session({ stdout: plain, stderr: plain });
    expect(await script.run("kubectl run sleeper --image=busybox:1.28 -- sleep 3600")).toBe(0);
    expect(await script.run("kubectl wait --for=condition=Ready pod/sleeper")).toBe(0);
    const execOut = new StringSink();
    const execTypist = new Typist(cluster.sim, ["echo TERM=$TERM", "exit"], 1_000);
    const exec = workstation.session({ stdout: execOut, stderr: execOut, stdin: execTypist, tty: true });
    expect(await exec.runAtTerminal("kubectl exec -it sleeper -- sh", execTypist)).toBe(0);
    expect(execOut.text()).toContain("TERM=xterm\n");
    // Without a terminal there is no TERM: printenv finds none.
    expect(await script.run("kubectl exec sleeper -- printenv TERM")).toBe(1);
    expect(plain.text()).toContain("command terminated with exit code 1");
  });

  it("keeps an interactive shell alive through SIGTERM and SIGQUIT, as bash and ash do; SIGINT abandons the line", async () => {
    const { cluster, workstation, term } = kubectlWorld({ seed: 44 });
    expect(term.run("kubectl run sleeper --image=busybox:1.28 -- sleep 3600 && kubectl wait --for=condition=Ready pod/sleeper").status).toBe(0);
    const lines = ["foo", "kill $$; echo still here", "kill -QUIT $$; echo quit ignored", "kill -INT $$; echo never printed", "echo status $?", "exit 3"];
    const out = new StringSink();
    const typist = new Typist(cluster.sim, lines, 100);
    const exec = workstation.session({ stdout: out, stderr: out, stdin: typist, tty: true });
    expect(await exec.runAtTerminal("kubectl exec -it sleeper -- sh", typist)).toBe(3);
    // Interactive, ash words errors without a line number.
    expect(out.text()).toBe("/ # sh: foo: not found\n/ # still here\n/ # quit ignored\n/ # / # status 130\n/ # command terminated with exit code 3\n");

    // A background subshell that sets a trap catches SIGINT in its place (a signal after it has
    // waited, so not inside its parent's step): only the subshell ends, and the session goes on.
    const sub = new StringSink();
    const typist3 = new Typist(cluster.sim, ["( trap 'echo t' TERM; sleep 1; kill -INT $$; echo never ) & wait", "echo alive", "exit"], 100);
    const exec3 = workstation.session({ stdout: sub, stderr: sub, stdin: typist3, tty: true });
    expect(await exec3.runAtTerminal("kubectl exec -it sleeper -- sh", typist3)).toBe(0);
    expect(sub.text()).toBe("/ # / # alive\n/ # ");

    // Only SIGKILL ends it.
    const killed = new StringSink();
    const typist2 = new Typist(cluster.sim, ["kill -9 $$", "echo never"], 100);
    const exec2 = workstation.session({ stdout: killed, stderr: killed, stdin: typist2, tty: true });
    expect(await exec2.runAtTerminal("kubectl exec -it sleeper -- sh", typist2)).toBe(137);
  });

  it("tells background jobs as interactive bash does at a terminal, and nothing in a script", async () => {
    const { out, typist, session, plain, script } = terminalAndScript(45);
    await session.runAtTerminal("sleep 5 &", typist);
    const pid = /^\[1\] (\d+)\n$/.exec(out.text())?.[1];
    expect(pid).toBeDefined();
    await session.runAtTerminal("sleep 600 & sleep 10", typist);
    // Before the next prompt: the first job ended, the second one runs on.
    expect(out.text()).toBe(`[1] ${pid}\n[2] ${Number(pid) + 1}\n[1]-  Done                    sleep 5\n`);
    // The killed sleep's exit reaches the shell an instant after kill returns: told at the prompt after.
    await session.runAtTerminal("kill %2", typist);
    await session.runAtTerminal("", typist);
    expect(out.text()).toMatch(/\n\[2\]\+  Terminated              sleep 600\n$/);

    expect(await script.run("sleep 5 & sleep 10; sleep 600 & kill %2; sleep 1")).toBe(0);
    expect(plain.text()).toBe("");
  });

  it("tells a foreground command a signal ended by strsignal's words, except SIGINT and SIGPIPE, at a terminal only", async () => {
    const { out, typist, session, plain, script } = terminalAndScript(47);
    expect(await session.runAtTerminal("sh -c 'kill $$'", typist)).toBe(143);
    expect(await session.runAtTerminal("sh -c 'kill -9 $$'", typist)).toBe(137);
    expect(await session.runAtTerminal("sh -c 'kill -USR1 $$'", typist)).toBe(138);
    expect(await session.runAtTerminal("sh -c 'kill -INT $$'", typist)).toBe(130);
    // A status of 143 from exit is not a signal.
    expect(await session.runAtTerminal("sh -c 'exit 143'", typist)).toBe(143);
    expect(out.text()).toBe("Terminated\nKilled\nUser defined signal 1\n");

    expect(await script.run("sh -c 'kill $$'")).toBe(143);
    expect(plain.text()).toBe("");
  });

  it("is Debian 12's bash 5.2.15, which says exit as an interactive shell leaves at a terminal and not in a script", async () => {
    const { out, typist, session, plain, script } = terminalAndScript(46);
    await session.runAtTerminal('echo "$BASH_VERSION"; bash --version | head -1', typist);
    expect(out.text()).toBe("5.2.15(1)-release\nGNU bash, version 5.2.15(1)-release (x86_64-pc-linux-gnu)\n");
    expect(await session.runAtTerminal("exit 4", typist)).toBe(4);
    expect(out.text()).toMatch(/\)\nexit\n$/);

    expect(await script.run("exit 4")).toBe(4);
    expect(plain.text()).toBe("");
  });

  it("prompts in kubectl exec -it POD -- bash as the image's /etc/bash.bashrc sets it, with runc's HOME", async () => {
    const { cluster, workstation, term } = kubectlWorld({ seed: 48 });
    expect(term.run("kubectl apply -f https://k8s.io/examples/application/web/web.yaml && kubectl rollout status sts/web").status).toBe(0);
    const out = new StringSink();
    const typist = new Typist(cluster.sim, ["cd ~", "cd /usr/share/nginx/html", "exit"], 100);
    const exec = workstation.session({ stdout: out, stderr: out, stdin: typist, tty: true });
    expect(await exec.runAtTerminal("kubectl exec -it web-0 -- bash", typist)).toBe(0);
    expect(out.text()).toBe("root@web-0:/# root@web-0:~# root@web-0:/usr/share/nginx/html# exit\n");
  });

  it("moves a waiting command's clock only by the real time the terminal reports", async () => {
    const { cluster, workstation } = kubectlWorld({ seed: 42 });
    const out = new StringSink();
    const typist = new Typist(cluster.sim, ["one", "two"], 10);
    const session = workstation.session({ stdout: out, stderr: out, stdin: typist, tty: true });
    const before = cluster.sim.now;
    expect(await session.runAtTerminal("cat", typist)).toBe(0);
    expect(out.text()).toBe("one\ntwo\n");
    expect(cluster.sim.now - before).toBe(30);
  });

  it("gives the terminal turns while a command waits for ever, so Ctrl-C interrupts it", async () => {
    const { cluster, workstation } = kubectlWorld({ seed: 44 });
    const out = new StringSink();
    const typist = new Typist(cluster.sim, [], 10);
    const session = workstation.session({ stdout: out, stderr: out, stdin: typist, tty: true });
    expect(await session.runAtTerminal("kubectl create deployment web --image=no-such-image", typist)).toBe(0);
    // The image cannot be pulled: without --timeout, rollout status would wait for ever.
    typist.onBreath = () => {
      if (typist.breaths === 3) session.interrupt();
    };
    const status = await session.runAtTerminal("kubectl rollout status deploy/web", typist);
    expect(typist.breaths).toBeGreaterThanOrEqual(3);
    expect(status).toBe(130);
    expect(out.text()).toContain('Waiting for deployment "web" rollout to finish: 0 of 1 updated replicas are available...\n');
  });

  it("resumes a session with the kubectl attach command kubectl run names when it ends", async () => {
    const { cluster, workstation } = kubectlWorld({ seed: 43 });
    const out = new StringSink();
    const first = new Typist(cluster.sim, ["exit"], 500);
    const session = workstation.session({ stdout: out, stderr: out, stdin: first, tty: true });
    expect(await session.runAtTerminal("kubectl run -i --tty shell --image=busybox:1.28 -- sh", first)).toBe(0);
    expect(out.text()).toContain("Session ended, resume using 'kubectl attach shell -c shell -i -t' command when the pod is running\n");
    // restartPolicy Always: the shell is started again; attach to the new one.
    cluster.run(15_000);
    const again = new StringSink();
    const second = new Typist(cluster.sim, ["echo back again", "exit"], 500);
    const resumed = workstation.session({ stdout: again, stderr: again, stdin: second, tty: true });
    expect(await resumed.runAtTerminal("kubectl attach shell -c shell -i -t", second)).toBe(0);
    expect(again.text()).toContain("If you don't see a command prompt, try pressing enter.\nback again\n/ # ");
    expect(again.text()).toContain("Session ended, resume using 'kubectl attach shell -c shell -n default -i -t' command\n");
  });
});

