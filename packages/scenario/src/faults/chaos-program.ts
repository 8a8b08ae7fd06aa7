import { goDuration, parseGoDuration, parseSignal, type Executable, type ProcessContext, type Signal } from "@ksim/kube";
import type { Proc } from "@ksim/sim";
import type { FaultInjector } from "./injector.js";
import { TargetError } from "./targets.js";

export const CHAOS_PROGRAM_ID = "chaos:chaos";

const USAGE = `Usage: chaos [-n NAMESPACE] COMMAND [ARGS]

Injects faults into the simulated machines: power, network, clocks, disks and processes.

Commands:
  crash NODE [--for DURATION]              cut a node's power: every process on it dies and
                                           disk writes not yet fsynced are lost
  restart NODE                             power a crashed node back on
  kill POD [-c CONTAINER] [-s SIGNAL] [PATTERN]
                                           signal a container's main process, or every process
                                           whose command line contains PATTERN (default SIGKILL)
  pause POD [-c CONTAINER] [PATTERN] [--for DURATION]
                                           stop a container's processes (or those whose command
                                           line contains PATTERN) with SIGSTOP, as a long GC
                                           pause; with --for, SIGCONT after that long
  partition GROUP GROUP [--one-way]        drop every packet between two groups of machines
  delay GROUP GROUP DURATION [--one-way]   add latency to the packets between them
  loss GROUP GROUP PERCENT [--one-way]     drop that share of the packets between them
  heal [ID]                                remove a network fault (every one without ID)
  skew NODE OFFSET                         set a node's clock off true time (90s, -2m; 0 resets)
  slow-disk NODE DELAY                     make every fsync on a node's disks take DELAY longer
                                           (2s; 0 resets)
  fill-disk POD                            take all free space on a pod's persistent volumes:
                                           writes fail with "No space left on device"
  list                                     the network faults in force

With --for DURATION, crash, pause, partition, delay, loss, skew, slow-disk and fill-disk undo
themselves after that long.

A GROUP is node/NAME, nodes/SELECTOR, pod/NAME, pods/SELECTOR, control-plane or workstation,
several joined with '+'; 'rest' is every machine outside the other group. A node stands for
itself and the pods on it. -n gives the namespace of pods (default "default").
`;

class UsageError extends Error {
  override name = "UsageError";
}

/** `chaos`, on the workstation's PATH: the FaultInjector as a command. */
export function chaosProgram(faults: FaultInjector): Executable {
  return function* chaos(ctx: ProcessContext): Proc<number> {
    try {
      const out = run(faults, ctx.argv.slice(1));
      ctx.stdout.write(out);
      return 0;
    } catch (e) {
      if (e instanceof UsageError) {
        ctx.stderr.write(`chaos: ${e.message}\nRun 'chaos --help' for usage.\n`);
        return 2;
      }
      if (e instanceof TargetError) {
        ctx.stderr.write(`chaos: ${e.message}\n`);
        return 1;
      }
      throw e;
    }
  };
}

function run(faults: FaultInjector, argv: readonly string[]): string {
  const words: string[] = [];
  let namespace = "default";
  let oneWay = false;
  let container: string | undefined;
  let signal: Signal = "SIGKILL";
  let forMs: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === "-h" || a === "--help") return USAGE;
    else if (a === "-n" || a === "--namespace") namespace = value();
    else if (a.startsWith("--namespace=")) namespace = a.slice("--namespace=".length);
    else if (a === "--one-way") oneWay = true;
    else if (a === "--for" || a.startsWith("--for=")) {
      const text = a === "--for" ? value() : a.slice("--for=".length);
      const ms = parseGoDuration(text);
      if (typeof ms === "string" || ms <= 0) throw new UsageError(`--for: expected a positive duration such as 30s, got ${JSON.stringify(text)}`);
      forMs = ms;
    }
    else if (a === "-c" || a === "--container") container = value();
    else if (a === "-s" || a === "--signal") {
      const s = value();
      const parsed = parseSignal(s);
      if (parsed === undefined) throw new UsageError(`unknown signal ${JSON.stringify(s)}`);
      signal = parsed;
    } else if (a.startsWith("-") && a !== "-" && !/^-\d/.test(a)) throw new UsageError(`unknown option ${a}`);
    else words.push(a);
  }
  const [command, ...args] = words;
  const want = (n: number, shape: string) => {
    if (args.length !== n) throw new UsageError(`${command} takes ${shape}`);
  };
  const lasting = forMs === undefined ? "" : ` for ${goDuration(forMs)}`;
  if (forMs !== undefined && !["crash", "pause", "partition", "delay", "loss", "skew", "slow-disk", "fill-disk"].includes(command ?? "")) {
    throw new UsageError(`--for applies to crash, pause, partition, delay, loss, skew, slow-disk and fill-disk`);
  }
  switch (command) {
    case undefined:
      return USAGE;
    case "crash":
      want(1, "NODE");
      faults.crashNode(args[0]!, forMs);
      return `node/${args[0]} crashed${lasting}\n`;
    case "restart":
      want(1, "NODE");
      faults.restartNode(args[0]!);
      return `node/${args[0]} restarted\n`;
    case "kill": {
      if (args.length < 1 || args.length > 2) throw new UsageError("kill takes POD [PATTERN]");
      const pod = args[0]!.replace(/^pods?\//, "");
      const r = faults.kill(namespace, pod, container, signal, args[1]);
      return r.killed.map((k) => `${namespace}/${pod} ${r.container}: sent ${signal} to ${k.pid} (${k.command})\n`).join("");
    }
    case "pause": {
      if (args.length < 1 || args.length > 2) throw new UsageError("pause takes POD [PATTERN]");
      const pod = args[0]!.replace(/^pods?\//, "");
      const r = faults.pause(namespace, pod, container, args[1], forMs);
      return r.killed.map((k) => `${namespace}/${pod} ${r.container}: sent SIGSTOP to ${k.pid} (${k.command})${lasting}\n`).join("");
    }
    case "partition": {
      want(2, "GROUP GROUP");
      const f = faults.partition(args[0]!, args[1]!, namespace, oneWay, forMs);
      return `fault ${f.id}: ${f.description}${lasting}\n`;
    }
    case "delay": {
      want(3, "GROUP GROUP DURATION");
      const ms = parseGoDuration(args[2]!);
      if (typeof ms === "string" || ms <= 0) throw new UsageError(`delay: expected a positive duration such as 200ms, got ${JSON.stringify(args[2])}`);
      const f = faults.impair(args[0]!, args[1]!, namespace, { latencyMs: ms }, oneWay, forMs);
      return `fault ${f.id}: ${f.description}${lasting}\n`;
    }
    case "loss": {
      want(3, "GROUP GROUP PERCENT");
      const pct = Number(args[2]!.replace(/%$/, ""));
      if (!Number.isFinite(pct) || pct <= 0 || pct > 100) throw new UsageError(`loss: expected a percentage in (0, 100], got ${JSON.stringify(args[2])}`);
      const f = faults.impair(args[0]!, args[1]!, namespace, { loss: pct / 100 }, oneWay, forMs);
      return `fault ${f.id}: ${f.description}${lasting}\n`;
    }
    case "heal": {
      if (args.length > 1) throw new UsageError("heal takes [ID]");
      const id = args[0] === undefined ? undefined : Number(args[0]);
      if (id !== undefined && !Number.isInteger(id)) throw new UsageError(`heal: expected a fault ID, got ${JSON.stringify(args[0])}`);
      const healed = faults.heal(id);
      return healed.length === 0 ? "no network faults\n" : healed.map((h) => `healed fault ${h.id}: ${h.description}\n`).join("");
    }
    case "skew": {
      want(2, "NODE OFFSET");
      const ms = parseGoDuration(args[1]!);
      if (typeof ms === "string") throw new UsageError(`skew: ${ms}`);
      faults.skew(args[0]!, ms, forMs);
      return `node/${args[0]} clock ${ms === 0 ? "in step with true time" : `${goDuration(Math.abs(ms))} ${ms > 0 ? "ahead" : "behind"}${lasting}`}\n`;
    }
    case "slow-disk": {
      want(2, "NODE DELAY");
      const ms = parseGoDuration(args[1]!);
      if (typeof ms === "string" || ms < 0) throw new UsageError(`slow-disk: expected a duration such as 2s, got ${JSON.stringify(args[1])}`);
      faults.slowDisk(args[0]!, ms, forMs);
      return `node/${args[0]} ${ms === 0 ? "disks at their usual speed" : `fsyncs take ${goDuration(ms)} longer${lasting}`}
`;
    }
    case "fill-disk": {
      want(1, "POD");
      const pod = args[0]!.replace(/^pods?\//, "");
      return faults
        .fillDisk(namespace, pod, forMs)
        .map((f) => `${namespace}/${pod} claim ${f.claim}: ${f.bytes} bytes taken, the volume is full${lasting}\n`)
        .join("");
    }
    case "list": {
      want(0, "no arguments");
      const active = faults.list();
      if (active.length === 0) return "no network faults\n";
      return `ID  FAULT\n${active.map((f) => `${String(f.id).padEnd(4)}${f.description}\n`).join("")}`;
    }
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  }
}
