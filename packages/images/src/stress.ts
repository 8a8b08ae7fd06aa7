import { Future, sleep, wait, type Proc } from "@ksim/sim";
import { busyboxBase, ImageLayer, type ChildProcess, type ImageDefinition, type ProcessContext } from "@ksim/kube";

/**
 * polinux/stress: Alpine with stress 1.0.4 built into /usr/local/bin, the image the Kubernetes
 * docs use to show memory limits (`stress --vm 1 --vm-bytes 250M --vm-hang 1` in a container
 * limited to 100Mi is OOMKilled). Its workers are forked children, as stress forks them: a vm
 * worker allocates and dirties --vm-bytes, so its resident memory is charged to the container's
 * memory cgroup; a cpu worker spins.
 */

const BUILT = Date.UTC(2019, 0, 14, 12, 0, 0);
/** How fast a vm worker dirties the memory it allocated (one byte per page, from a fresh mapping). */
const TOUCH_BYTES_PER_MS = 2 * 1024 * 1024;
const SIGALRM = 14;

interface StressOptions {
  cpu: number;
  io: number;
  vm: number;
  hdd: number;
  vmBytes: number;
  vmHangSeconds: number;
  vmKeep: boolean;
  timeoutSeconds: number;
  quiet: boolean;
  dryRun: boolean;
}

class UsageError extends Error {}

/** atoll_b: a byte count with an optional b, k, m or g suffix (powers of 1024). */
function bytes(value: string): number {
  const m = /^(\d+)([bBkKmMgG]?)$/.exec(value);
  if (m === null) throw new UsageError(`invalid number: ${value}`);
  return Number(m[1]) * ({ b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase()] ?? 1);
}

/** atoll_s: seconds with an optional s, m, h, d or y suffix. */
function seconds(value: string): number {
  const m = /^(\d+)([smhdySMHDY]?)$/.exec(value);
  if (m === null) throw new UsageError(`invalid number: ${value}`);
  return Number(m[1]) * ({ s: 1, m: 60, h: 3600, d: 86400, y: 31_536_000 }[m[2]!.toLowerCase()] ?? 1);
}

const USAGE = `\`stress' imposes certain types of compute stress on your system

Usage: stress [OPTION [ARG]] ...
 -?, --help         show this help statement
     --version      show version statement
 -v, --verbose      be verbose
 -q, --quiet        be quiet
 -n, --dry-run      show what would have been done
 -t, --timeout N    timeout after N seconds
     --backoff N    wait factor of N microseconds before work starts
 -c, --cpu N        spawn N workers spinning on sqrt()
 -i, --io N         spawn N workers spinning on sync()
 -m, --vm N         spawn N workers spinning on malloc()/free()
     --vm-bytes B   malloc B bytes per vm worker (default is 256MB)
     --vm-stride B  touch a byte every B bytes (default is 4096)
     --vm-hang N    sleep N secs before free (default none, 0 is inf)
     --vm-keep      redirty memory instead of freeing and reallocating
 -d, --hdd N        spawn N workers spinning on write()/unlink()
     --hdd-bytes B  write B bytes per hdd worker (default is 1GB)

Example: stress --cpu 8 --io 4 --vm 2 --vm-bytes 128M --timeout 10s

Note: Numbers may be suffixed with s,m,h,d,y (time) or B,K,M,G (size).
`;

function parse(argv: readonly string[]): StressOptions | "help" | "version" {
  const o: StressOptions = { cpu: 0, io: 0, vm: 0, hdd: 0, vmBytes: 256 * 1024 ** 2, vmHangSeconds: -1, vmKeep: false, timeoutSeconds: 0, quiet: false, dryRun: false };
  const short: Record<string, string> = { "-t": "--timeout", "-c": "--cpu", "-i": "--io", "-m": "--vm", "-d": "--hdd", "-v": "--verbose", "-q": "--quiet", "-n": "--dry-run", "-?": "--help" };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i]!;
    let value: string | undefined;
    const eq = arg.indexOf("=");
    if (arg.startsWith("--") && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    arg = short[arg] ?? arg;
    const next = () => {
      const v = value ?? argv[++i];
      if (v === undefined) throw new UsageError(`option '${arg}' requires an argument`);
      return v;
    };
    switch (arg) {
      case "--help":
        return "help";
      case "--version":
        return "version";
      case "--verbose":
        break;
      case "--quiet":
        o.quiet = true;
        break;
      case "--dry-run":
        o.dryRun = true;
        break;
      case "--timeout":
        o.timeoutSeconds = seconds(next());
        break;
      case "--backoff":
        next();
        break;
      case "--cpu":
        o.cpu = Number(next());
        break;
      case "--io":
        o.io = Number(next());
        break;
      case "--vm":
        o.vm = Number(next());
        break;
      case "--hdd":
        o.hdd = Number(next());
        break;
      case "--vm-bytes":
        o.vmBytes = bytes(next());
        break;
      case "--vm-stride":
      case "--hdd-bytes":
        bytes(next());
        break;
      case "--vm-hang":
        o.vmHangSeconds = seconds(next());
        break;
      case "--vm-keep":
        o.vmKeep = true;
        break;
      default:
        throw new UsageError(`unrecognized option '${arg}'`);
    }
  }
  return o;
}

/** hogcpu: sqrt() in a loop, a whole CPU busy until the timeout. */
function* cpuHog(ctx: ProcessContext): Proc<number> {
  ctx.stats.cpu = 1;
  return yield* wait(ctx.exited);
}

/** hogio: sync() in a loop; nothing to flush, so almost no CPU. */
function* ioHog(ctx: ProcessContext): Proc<number> {
  ctx.stats.cpu = 0.05;
  return yield* wait(ctx.exited);
}

/**
 * hogvm: malloc --vm-bytes, dirty every page (that is when it becomes resident and is charged),
 * hold it for --vm-hang seconds (for ever with 0), free it, and again; --vm-keep redirties the same
 * memory instead.
 */
function vmHog(o: StressOptions) {
  return function* (ctx: ProcessContext): Proc<number> {
    const base = ctx.stats.residentKiB;
    const touchMs = Math.max(1, Math.round(o.vmBytes / TOUCH_BYTES_PER_MS));
    // Busy while dirtying, asleep while hanging.
    ctx.stats.cpu = o.vmHangSeconds === 0 ? 0 : o.vmHangSeconds > 0 ? touchMs / (touchMs + o.vmHangSeconds * 1000) : 1;
    let allocated = false;
    for (;;) {
      if (!allocated) {
        yield* wait(sleep(ctx.sim, touchMs));
        ctx.stats.residentKiB = base + Math.ceil(o.vmBytes / 1024);
        allocated = true;
      } else yield* wait(sleep(ctx.sim, touchMs));
      if (o.vmHangSeconds === 0) return yield* wait(ctx.exited);
      if (o.vmHangSeconds > 0) yield* wait(sleep(ctx.sim, o.vmHangSeconds * 1000));
      if (!o.vmKeep) {
        ctx.stats.residentKiB = base;
        allocated = false;
      }
    }
  };
}

export function* stress(ctx: ProcessContext): Proc<number> {
  const pid = ctx.pid;
  const out = (level: "info" | "WARN" | "FAIL", line: number | undefined, text: string) => {
    const where = line === undefined ? "" : `(${line}) `;
    (level === "info" ? ctx.stdout : ctx.stderr).write(`stress: ${level}: [${pid}] ${where}${text}\n`);
  };
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(ctx.argv.slice(1));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    ctx.stderr.write(`stress: ${e.message}\n`);
    out("FAIL", 234, "invalid option; try --help");
    return 1;
  }
  if (parsed === "help" || ctx.argv.length === 1) {
    ctx.stdout.write(USAGE);
    return 0;
  }
  if (parsed === "version") {
    ctx.stdout.write("stress 1.0.4\n");
    return 0;
  }
  const o = parsed;
  const started = ctx.sim.now;
  if (!o.quiet) out("info", undefined, `dispatching hogs: ${o.cpu} cpu, ${o.io} io, ${o.vm} vm, ${o.hdd} hdd`);
  if (o.dryRun) return 0;
  if (o.hdd > 0) {
    // Writing gigabytes into the simulated disks is not modelled; refuse rather than pretend.
    out("FAIL", undefined, "hdd hogs are not modelled by ksim");
    return 1;
  }
  const workers: ChildProcess[] = [];
  for (let i = 0; i < o.cpu; i++) workers.push(ctx.fork(cpuHog));
  for (let i = 0; i < o.io; i++) workers.push(ctx.fork(ioHog));
  for (let i = 0; i < o.vm; i++) workers.push(ctx.fork(vmHog(o)));
  // alarm(timeout) in each worker: SIGALRM ends it, which the master counts as a normal end.
  if (o.timeoutSeconds > 0) ctx.timer(o.timeoutSeconds * 1000, () => workers.forEach((w) => ctx.kill(w.pid, "SIGALRM")));
  let failed = false;
  // A master killed along with its workers (the OOM killer takes the whole container) reports nothing.
  let gone = false;
  ctx.exited.subscribe(() => (gone = true));
  const pending = new Set(workers);
  const done = new Future<void>();
  if (pending.size === 0) done.resolve();
  for (const w of workers) {
    w.exited.subscribe((status) => {
      if (gone) return;
      pending.delete(w);
      const signal = status > 128 ? status - 128 : 0;
      if (signal !== 0 && signal !== SIGALRM) {
        if (!failed) {
          out("FAIL", 415, `<-- worker ${w.pid} got signal ${signal}`);
          out("WARN", 417, "now reaping child worker processes");
          for (const other of pending) ctx.kill(other.pid, "SIGKILL");
        }
        failed = true;
      }
      if (pending.size === 0) done.resolve();
    });
  }
  yield* wait(done);
  const elapsed = Math.floor((ctx.sim.now - started) / 1000);
  if (failed) {
    out("FAIL", 451, `failed run completed in ${elapsed}s`);
    return 1;
  }
  if (!o.quiet) out("info", undefined, `successful run completed in ${elapsed}s`);
  return 0;
}

export function stressImage(): ImageDefinition {
  return {
    repositories: ["polinux/stress", "docker.io/polinux/stress"],
    layer: new ImageLayer({ ...busyboxBase(), "/usr/local/bin/stress": { program: "stress:stress", mode: 0o755 } }, BUILT),
    cmd: ["/usr/local/bin/stress"],
    env: { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" },
    sizeBytes: 4_350_000,
  };
}
