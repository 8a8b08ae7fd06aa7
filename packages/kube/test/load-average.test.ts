import { wait, type Proc } from "@ksim/sim";
import { describe, expect, it } from "vitest";
import { formatLoad, LoadAverage } from "../src/runtime/load-average.js";
import type { ProcessContext } from "../src/runtime/index.js";
import { Sandbox } from "../src/userland/index.js";

/** A sandbox with `/usr/local/bin/spin`: it uses $CPU of a CPU until killed. */
function sandboxWithSpinner(base: "debian" | "busybox" = "debian"): Sandbox {
  const sb = new Sandbox({ base, files: { "/usr/local/bin/spin": { program: "test:spin" } } });
  sb.registry.registerProgram("test:spin", function* (ctx: ProcessContext): Proc<number> {
    ctx.stats.cpu = Number(ctx.environ.get("CPU") ?? "1");
    return yield* wait(ctx.exited);
  });
  return sb;
}

describe("the load average", () => {
  it("follows the CPU demand tick by tick with the kernel's 1, 5 and 15 minute factors", () => {
    let now = 0;
    const load = new LoadAverage(() => now);
    load.change(2);
    now = 5 * 60_000;
    // After 5 minutes of two busy processes: 2(1 - f^60) for each factor f = 1884/2048, 2014/2048, 2037/2048.
    expect(load.read().map(formatLoad)).toEqual(["1.99", "1.27", "0.55"]);
    load.change(-2);
    now += 60_000;
    expect(load.read().map(formatLoad)).toEqual(["0.73", "1.04", "0.52"]);
    // Within a 5 s tick nothing moves.
    now += 4_000;
    expect(load.read().map(formatLoad)).toEqual(["0.73", "1.04", "0.52"]);
    expect(formatLoad(0.004999)).toBe("0.00");
    expect(formatLoad(0.005)).toBe("0.01");
  });

  it("shows in /proc/loadavg and uptime while a process burns CPU, and decays once it is gone", () => {
    const sb = sandboxWithSpinner();
    const spinner = sb.spawn(["spin"], { env: { CPU: "1" } }).process;
    sb.run(["sleep", "120"]);
    expect(sb.run(["cat", "/proc/loadavg"]).stdout).toMatch(/^0\.87 0\.33 0\.12 2\/\d+ \d+\n$/);
    expect(sb.run(["uptime"]).stdout).toBe(" 00:02:00 up 2 min,  0 users,  load average: 0.87, 0.33, 0.12\n");
    spinner.signal("SIGKILL");
    sb.run(["sleep", "600"]);
    expect(sb.run(["cat", "/proc/loadavg"]).stdout).toMatch(/^0\.00 0\.04 0\.06 1\/\d+ \d+\n$/);
    expect(sb.run(["uptime", "-p"]).stdout).toBe("up 12 minutes\n");
  });

  it("gives busybox's uptime sysinfo's loads, cut to hundredths rather than rounded", () => {
    const sb = sandboxWithSpinner("busybox");
    sb.spawn(["spin"], { env: { CPU: "0.5" } });
    sb.run(["sleep", "3000"]);
    // 0.5(1 - f^600): 0.5, 0.49998 and 0.48025, which /proc/loadavg rounds and sysinfo's reader cuts.
    expect(sb.run(["cat", "/proc/loadavg"]).stdout).toMatch(/^0\.50 0\.50 0\.48 /);
    expect(sb.run(["uptime"]).stdout).toBe(" 00:50:00 up 50 min,  0 users,  load average: 0.50, 0.49, 0.48\n");
  });
});
