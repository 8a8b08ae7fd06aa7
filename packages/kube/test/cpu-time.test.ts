import { sleep, wait, type Proc } from "@ksim/sim";
import { describe, expect, it } from "vitest";
import type { ProcessContext } from "../src/runtime/index.js";
import { Sandbox } from "../src/userland/index.js";

/** `/usr/local/bin/spin`: uses $CPU of a CPU, then after $FOR seconds $THEN of one, until killed. */
function sandboxWithSpinner(cpus = 2): Sandbox {
  const sb = new Sandbox({ cpus, files: { "/usr/local/bin/spin": { program: "test:spin" } } });
  sb.registry.registerProgram("test:spin", function* (ctx: ProcessContext): Proc<number> {
    ctx.stats.cpu = Number(ctx.environ.get("CPU") ?? "1");
    const then = ctx.environ.get("THEN");
    if (then !== undefined) {
      yield* wait(sleep(ctx.sim, Number(ctx.environ.get("FOR")) * 1000));
      ctx.stats.cpu = Number(then);
    }
    return yield* wait(ctx.exited);
  });
  return sb;
}

/** The `cpu` line's user and idle ticks. */
function cpuLine(sb: Sandbox): [number, number] {
  const fields = sb.run(["cat", "/proc/stat"]).stdout.split("\n")[0]!.split(/ +/);
  return [Number(fields[1]), Number(fields[4])];
}

describe("CPU time", () => {
  it("counts the milliseconds a shell's busy loop spins as its CPU time", () => {
    const sb = new Sandbox();
    const r = sb.run(["bash", "-c", "time (i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done); cut -d' ' -f14 /proc/$$/stat"]);
    // ksim runs 1000 iterations a millisecond: 100 ms of the clock, all of it computing.
    expect(r.stderr).toBe("\nreal\t0m0.100s\nuser\t0m0.100s\nsys\t0m0.000s\n");
    expect(r.stdout).toBe("10\n");
  });

  it("adds up what a process used at each rate, not its rate now times its age", () => {
    const sb = sandboxWithSpinner();
    sb.spawn(["spin"], { env: { CPU: "1", FOR: "60", THEN: "0.25" } });
    sb.run(["sleep", "120"]);
    const row = sb.run(["ps", "aux"]).stdout.split("\n").find((l) => l.endsWith(" spin"))!;
    // 60 s at one CPU and 60 s at a quarter: 75 s, where rate × age would say 30.
    expect(row.split(/ +/)[9]).toBe("1:15");
  });

  it("keeps in /proc/stat and /proc/uptime what the CPUs did after the process is gone", () => {
    const sb = sandboxWithSpinner();
    const spinner = sb.spawn(["spin"], { env: { CPU: "1", FOR: "60", THEN: "0.25" } }).process;
    sb.run(["sleep", "120"]);
    const [user, idle] = cpuLine(sb);
    expect(user).toBe(7500);
    expect(user + idle).toBe(2 * 120 * 100);
    spinner.signal("SIGKILL");
    sb.run(["sleep", "60"]);
    expect(cpuLine(sb)).toEqual([7500, 2 * 180 * 100 - 7500]);
    expect(sb.run(["cat", "/proc/uptime"]).stdout).toBe("180.00 285.00\n");
  });

  it("shows a process's ticks and start in /proc/PID/stat, its 52 fields as ps and top parse them", () => {
    const sb = sandboxWithSpinner();
    sb.run(["sleep", "30"]);
    sb.spawn(["spin"], { env: { CPU: "1", FOR: "60", THEN: "0.25" } });
    sb.run(["sleep", "120"]);
    const spin = sb.run(["cat", "/proc/2/stat"]).stdout;
    expect(spin).toMatch(/^2 \(spin\) S 0 2 2 0 -1 4194304 0 0 0 0 7500 0 0 0 20 0 1 0 3000 4616192 140 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n$/);
    const self = sb.run(["cat", "/proc/self/stat"]).stdout.trim().split(" ");
    expect(self).toHaveLength(52);
    expect(self.slice(1, 3)).toEqual(["(cat)", "R"]);
  });

  it("cannot be busier than its CPUs", () => {
    const sb = sandboxWithSpinner(2);
    for (let i = 0; i < 3; i++) sb.spawn(["spin"], { env: { CPU: "1" } });
    sb.run(["sleep", "10"]);
    const [user, idle] = cpuLine(sb);
    expect(user).toBe(2 * 10 * 100);
    expect(idle).toBe(0);
    const lines = sb.run(["cat", "/proc/stat"]).stdout.split("\n");
    expect(lines[1]).toBe("cpu0 1000 0 0 0 0 0 0 0 0 0");
    expect(lines[2]).toBe("cpu1 1000 0 0 0 0 0 0 0 0 0");
  });

  it("counts every process created since boot", () => {
    const sb = sandboxWithSpinner();
    const forks = () => Number(/^processes (\d+)$/m.exec(sb.run(["cat", "/proc/stat"]).stdout)![1]);
    const before = forks();
    sb.run(["sh", "-c", "true; /bin/true; /bin/true"]);
    // The shell, its two /bin/true children, then the cat reading the count.
    expect(forks()).toBe(before + 4);
  });
});
