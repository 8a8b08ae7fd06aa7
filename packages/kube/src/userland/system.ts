import { FsError, sleep as sleepFor, wait, type Proc } from "@ksim/sim";
import { SpawnError, type ProcessContext } from "../runtime/process.js";
import { evaluateTest } from "../shell/test-expr.js";
import { echo, printf } from "../shell/text-format.js";
import { DAYS, has, last, MONTHS, programName, two, usageFailure, withOptions, type Flavor } from "./common.js";
import { parseDateTime } from "./datetime.js";
import { busyboxUsage } from "./libbb.js";
import { groupEntries, groupName, passwdEntries, userByName, userName } from "./users.js";

/** Small system tools: echo, true, false, test, printf, sleep, env, printenv, id, whoami, nproc, hostname, date, uname, pwd, which. */

export function echoProgram(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    ctx.stdout.write(echo(ctx.argv.slice(1), flavor === "busybox" ? "ash" : "coreutils"));
    return 0;
  };
}

export function* trueProgram(): Proc<number> {
  return 0;
}

export function* falseProgram(): Proc<number> {
  return 1;
}

export function testProgram(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    const name = programName(ctx);
    const r = evaluateTest(ctx.argv.slice(1), { fs: ctx.fs, cwd: ctx.cwd, cred: ctx.cred }, flavor === "busybox" ? "ash" : "coreutils", name === "[");
    if (r.error !== undefined) ctx.stderr.write(`${flavor === "busybox" ? name : ctx.argv[0]}: ${r.error}\n`);
    return r.status;
  };
}

export function printfProgram(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    const args = ctx.argv.slice(1);
    if (args.length === 0) return usageFailure(ctx, flavor, "missing operand");
    const r = printf(args[0]!, args.slice(1), flavor === "busybox" ? "ash" : "coreutils");
    ctx.stdout.write(r.output);
    for (const e of r.errors) ctx.stderr.write(`printf: ${e}\n`);
    return r.status;
  };
}

/** `30`, `30s`, `1m`, `0.5`, `2h`, `1d` in milliseconds; undefined if invalid. */
export function parseDuration(s: string): number | undefined {
  const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(s);
  if (m === null) return undefined;
  const unit = m[2] === "m" ? 60 : m[2] === "h" ? 3600 : m[2] === "d" ? 86400 : 1;
  return Number(m[1]) * unit * 1000;
}

export function sleepProgram(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    const args = ctx.argv.slice(1);
    if (args.length === 0) return flavor === "busybox" ? busyboxUsage(ctx, "sleep", 1) : usageFailure(ctx, flavor, "missing operand");
    let total = 0;
    for (const a of args) {
      const ms = parseDuration(a);
      if (ms === undefined) {
        if (flavor === "busybox") {
          ctx.stderr.write(`sleep: invalid number '${a}'\n`);
          return 1;
        }
        return usageFailure(ctx, flavor, `invalid time interval '${a}'`);
      }
      total += ms;
    }
    yield* wait(sleepFor(ctx.sim, total));
    return 0;
  };
}

export function envProgram(flavor: Flavor) {
  /** env execs the command in its own place, as execvp does: ps shows the command, not env. */
  function* execCommand(ctx: ProcessContext, command: readonly string[], env: Map<string, string>): Proc<number> {
    try {
      return yield* ctx.exec(command, env);
    } catch (e) {
      if (!(e instanceof SpawnError)) throw e;
      const reason = e.reason === "not found" ? "No such file or directory" : e.reason;
      ctx.stderr.write(flavor === "busybox" ? `env: can't execute '${command[0]}': ${reason}\n` : `env: '${command[0]}': ${reason}\n`);
      return e.status;
    }
  }
  // Options stop at the first operand; a lone `-` there is -i. busybox 1.28 has no -0.
  const spec = {
    short: flavor === "gnu" ? "iu:0" : "iu:",
    long: { "ignore-environment": "i", "unset=": "u", ...(flavor === "gnu" ? { null: "0" } : {}) },
    inOrder: true,
  };
  return function* (ctx: ProcessContext): Proc<number> {
    return yield* withOptions(
      ctx,
      flavor,
      spec,
      function* (o) {
        const env = new Map(ctx.env);
        for (const flag of o.order) if (flag === "i") env.clear();
        for (const name of o.flags.get("u") ?? []) env.delete(name);
        let operands = o.operands;
        if (operands[0] === "-") {
          env.clear();
          operands = operands.slice(1);
        }
        let i = 0;
        for (; i < operands.length && /^[^=]+=/.test(operands[i]!); i++) {
          const a = operands[i]!;
          const eq = a.indexOf("=");
          env.set(a.slice(0, eq), a.slice(eq + 1));
        }
        const command = operands.slice(i);
        if (command.length > 0) return yield* execCommand(ctx, command, env);
        const end = has(o, "0") ? "\0" : "\n";
        ctx.stdout.write([...env].map(([k, v]) => `${k}=${v}${end}`).join(""));
        return 0;
      },
      flavor === "gnu" ? 125 : 1,
    );
  };
}

export function* printenvProgram(ctx: ProcessContext): Proc<number> {
  const names = ctx.argv.slice(1).filter((a) => !a.startsWith("-"));
  if (names.length === 0) {
    ctx.stdout.write([...ctx.env].map(([k, v]) => `${k}=${v}\n`).join(""));
    return 0;
  }
  let status = 0;
  for (const n of names) {
    const v = ctx.environ.get(n);
    if (v === undefined) status = 1;
    else ctx.stdout.write(v + "\n");
  }
  return status;
}

/**
 * Whose ids id and groups show: the process's own without a name, else the user's (by name or
 * number) with the primary group first and the groups that list them; undefined for no such user.
 */
function identity(ctx: ProcessContext, who: string | undefined): { uid: number; gid: number; groups: number[] } | undefined {
  if (who === undefined) return { uid: ctx.cred.uid, gid: ctx.cred.gid, groups: [...new Set([ctx.cred.gid, ...(ctx.cred.groups ?? [])])] };
  const u = /^\d+$/.test(who) ? passwdEntries(ctx.fs).find((e) => e.uid === Number(who)) : userByName(ctx.fs, who);
  if (u === undefined) return undefined;
  return { uid: u.uid, gid: u.gid, groups: [...new Set([u.gid, ...groupEntries(ctx.fs).filter((g) => g.members.includes(u.name)).map((g) => g.gid)])] };
}

/** coreutils' groups: the process's group names, or `USER : names` for each user named. */
export function groupsProgram(ctx: ProcessContext): Proc<number> {
  return withOptions(ctx, "gnu", { short: "" }, function* (o) {
    let status = 0;
    for (const who of o.operands.length === 0 ? [undefined] : o.operands) {
      const id = identity(ctx, who);
      if (id === undefined) {
        ctx.stderr.write(`groups: '${who}': no such user\n`);
        status = 1;
        continue;
      }
      const names = id.groups.map((g) => groupName(ctx.fs, g) ?? String(g)).join(" ");
      ctx.stdout.write(who === undefined ? `${names}\n` : `${who} : ${names}\n`);
    }
    return status;
  });
}

export function idProgram(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    return yield* withOptions(ctx, flavor, { short: "ugGnr", long: { user: "u", group: "g", groups: "G", name: "n" } }, function* (o) {
      const who = o.operands[0];
      const id = identity(ctx, who);
      if (id === undefined) {
        ctx.stderr.write(`id: '${who}': no such user\n`);
        return 1;
      }
      const { uid, gid, groups } = id;
      const uname = (n: number) => userName(ctx.fs, n);
      const gname = (n: number) => groupName(ctx.fs, n);
      const named = (n: number, name: string | undefined) => (name === undefined ? String(n) : `${n}(${name})`);
      const plain = (n: number, name: string | undefined) => (has(o, "n") ? (name ?? String(n)) : String(n));
      if (has(o, "u")) ctx.stdout.write(plain(uid, uname(uid)) + "\n");
      else if (has(o, "g")) ctx.stdout.write(plain(gid, gname(gid)) + "\n");
      else if (has(o, "G")) ctx.stdout.write(groups.map((g) => plain(g, gname(g))).join(" ") + "\n");
      else ctx.stdout.write(`uid=${named(uid, uname(uid))} gid=${named(gid, gname(gid))} groups=${groups.map((g) => named(g, gname(g))).join(",")}\n`);
      return 0;
    });
  };
}

export function whoamiProgram(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    const name = userName(ctx.fs, ctx.cred.uid);
    if (name === undefined) {
      ctx.stderr.write(flavor === "busybox" ? `whoami: unknown uid ${ctx.cred.uid}\n` : `whoami: cannot find name for user ID ${ctx.cred.uid}\n`);
      return 1;
    }
    ctx.stdout.write(name + "\n");
    return 0;
  };
}

/** The /etc/hosts entries naming `host`: each gives an address and the canonical (first) name. */
function hostsEntries(ctx: ProcessContext, host: string): { ip: string; canonical: string }[] {
  let text: string;
  try {
    text = ctx.fs.readText("/etc/hosts");
  } catch (e) {
    if (e instanceof FsError) return [];
    throw e;
  }
  const out: { ip: string; canonical: string }[] = [];
  for (const line of text.split("\n")) {
    const fields = line.replace(/#.*/, "").trim().split(/\s+/);
    if (fields.length < 2) continue;
    const names = fields.slice(1);
    if (names.includes(host)) out.push({ ip: fields[0]!, canonical: names[0]! });
  }
  return out;
}

/** OMP_NUM_THREADS's first number (gnulib's parse_omp_threads), 0 when it gives none. */
function ompThreads(value: string | undefined): number {
  const m = /^[\s]*(\d+)[\s]*(,|$)/.exec(value ?? "");
  return m === null ? 0 : Number(m[1]);
}

/**
 * coreutils' nproc: the CPUs the process may run on (sched_getaffinity), or as OMP_NUM_THREADS
 * and OMP_THREAD_LIMIT say; a CPU quota in the container's cgroup does not count.
 */
export function* nprocProgram(ctx: ProcessContext): Proc<number> {
  return yield* withOptions(ctx, "gnu", { short: "", long: { all: "all", "ignore=": "ignore" } }, function* (o) {
    if (o.operands.length > 0) return usageFailure(ctx, "gnu", `extra operand '${o.operands[0]}'`);
    const ignoreArg = last(o, "ignore");
    const ignore = ignoreArg === undefined ? 0 : Number(ignoreArg);
    if (!/^\d+$/.test(ignoreArg ?? "0")) {
      ctx.stderr.write(`nproc: invalid number: '${ignoreArg}'\n`);
      return 1;
    }
    let n = ctx.cpus();
    if (!has(o, "all")) {
      const limit = ompThreads(ctx.environ.get("OMP_THREAD_LIMIT")) || Number.POSITIVE_INFINITY;
      const wanted = ompThreads(ctx.environ.get("OMP_NUM_THREADS"));
      n = Math.min(wanted || n, limit);
    }
    ctx.stdout.write(`${ignore < n ? n - ignore : 1}\n`);
    return 0;
  });
}

export function hostnameProgram(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    return yield* withOptions(ctx, flavor, { short: "fsdiIAyF:", long: { fqdn: "f", long: "f", short: "s", domain: "d", "ip-address": "i", "all-ip-addresses": "I" } }, function* (o) {
      const host = ctx.hostname;
      const canonical = (): string | undefined => {
        const entry = hostsEntries(ctx, host)[0];
        if (entry !== undefined) return entry.canonical;
        const ips = ctx.net.resolve(host);
        if (ips.length === 0) return undefined;
        return ctx.net.reverse(ips[0]!) ?? host;
      };
      if (o.operands.length > 0) {
        ctx.stderr.write(`hostname: you must be root to change the host name\n`);
        return 1;
      }
      if (has(o, "f") || has(o, "d")) {
        const fqdn = canonical();
        if (fqdn === undefined) {
          ctx.stderr.write("hostname: Name or service not known\n");
          return 1;
        }
        if (has(o, "f")) ctx.stdout.write(fqdn + "\n");
        else {
          const dot = fqdn.indexOf(".");
          if (dot >= 0) ctx.stdout.write(fqdn.slice(dot + 1) + "\n");
        }
        return 0;
      }
      if (has(o, "i")) {
        const entries = hostsEntries(ctx, host).map((e) => e.ip);
        const ips = entries.length > 0 ? entries : ctx.net.resolve(host);
        if (ips.length === 0) {
          ctx.stderr.write("hostname: Name or service not known\n");
          return 1;
        }
        ctx.stdout.write(ips.join(" ") + "\n");
        return 0;
      }
      if (has(o, "I")) {
        ctx.stdout.write(ctx.net.ip === undefined ? "\n" : `${ctx.net.ip} \n`);
        return 0;
      }
      ctx.stdout.write((has(o, "s") ? host.split(".")[0]! : host) + "\n");
      return 0;
    });
  };
}

/** Conversions whose padding is zeros, and their widths (the others pad with blanks). */
const NUMERIC_WIDTH: Readonly<Record<string, number>> = { C: 2, d: 2, e: 2, g: 2, G: 4, H: 2, I: 2, j: 3, k: 2, l: 2, m: 2, M: 2, N: 9, S: 2, U: 2, u: 1, V: 2, w: 1, W: 2, y: 2, Y: 4, s: 1, q: 1 };

/**
 * GNU strftime for the UTC instant `ms`: `%[flags][width]conv`, flags `-` (no padding), `_`
 * (blanks), `0` (zeros), `^` (upper case), `#` (the other case); `%3N` keeps three digits.
 */
export function formatDate(ms: number, format: string): string {
  const d = new Date(ms);
  return format.replace(/%([-_0^#]*)(\d*)(:{0,3}z|[A-Za-z%+])/g, (all, flags: string, width: string, c: string) => {
    if (c === "N" && width !== "") return dateField(d, ms, "N")!.slice(0, Number(width)).padEnd(Number(width), "0");
    let v = dateField(d, ms, c);
    if (v === undefined) return all;
    if (flags.includes("^")) v = v.toUpperCase();
    else if (flags.includes("#")) v = /[a-z]/.test(v) && c !== "p" ? v.toUpperCase() : v.toLowerCase();
    const numeric = NUMERIC_WIDTH[c];
    if (numeric !== undefined && /^[ 0-9]+$/.test(v)) {
      const digits = v.trim().replace(/^0+(?=\d)/, "");
      const w = width === "" ? numeric : Number(width);
      const pad = flags.includes("-") ? "" : flags.includes("_") ? " " : flags.includes("0") ? "0" : c === "e" || c === "k" || c === "l" ? " " : "0";
      return pad === "" ? digits : digits.padStart(w, pad);
    }
    if (flags.includes("-")) return v;
    return width === "" ? v : v.padStart(Number(width), flags.includes("0") ? "0" : " ");
  });
}

/** ISO 8601 week-numbering year and week of the UTC day. */
function isoWeek(d: Date): { year: number; week: number } {
  const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  const weekday = (d.getUTCDay() + 6) % 7;
  const thursday = new Date(day + (3 - weekday) * 86400000);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * 86400000)) + 1;
  return { year, week };
}

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const FULL_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** One `%c` conversion of date(1)/strftime, in UTC; undefined for one it does not know. */
function dateField(d: Date, ms: number, c: string): string | undefined {
  const y = d.getUTCFullYear();
  const h = d.getUTCHours();
  switch (c) {
    case "Y":
      return String(y);
    case "y":
      return two(y % 100);
    case "m":
      return two(d.getUTCMonth() + 1);
    case "d":
      return two(d.getUTCDate());
    case "e":
      return String(d.getUTCDate()).padStart(2, " ");
    case "H":
      return two(h);
    case "I":
      return two(h % 12 === 0 ? 12 : h % 12);
    case "M":
      return two(d.getUTCMinutes());
    case "S":
      return two(d.getUTCSeconds());
    case "N":
      return String(d.getUTCMilliseconds() * 1_000_000).padStart(9, "0");
    case "p":
      return h < 12 ? "AM" : "PM";
    case "s":
      return String(Math.floor(ms / 1000));
    case "a":
      return DAYS[d.getUTCDay()]!;
    case "A":
      return WEEKDAYS[d.getUTCDay()]!;
    case "b":
    case "h":
      return MONTHS[d.getUTCMonth()]!;
    case "B":
      return FULL_MONTHS[d.getUTCMonth()]!;
    case "j":
      return String(Math.floor((ms - Date.UTC(y, 0, 1)) / 86400000) + 1).padStart(3, "0");
    case "u":
      return String(d.getUTCDay() === 0 ? 7 : d.getUTCDay());
    case "w":
      return String(d.getUTCDay());
    case "C":
      return two(Math.floor(y / 100));
    case "U":
    case "W": {
      // Weeks of the year that start on Sunday (U) or Monday (W); days before the first are week 0.
      const yday = Math.floor((ms - Date.UTC(y, 0, 1)) / 86400000);
      const weekday = c === "U" ? d.getUTCDay() : (d.getUTCDay() + 6) % 7;
      return two(Math.floor((yday + 7 - weekday) / 7));
    }
    case "V":
      return two(isoWeek(d).week);
    case "G":
      return String(isoWeek(d).year);
    case "g":
      return two(isoWeek(d).year % 100);
    case "k":
      return String(h).padStart(2, " ");
    case "l":
      return String(h % 12 === 0 ? 12 : h % 12).padStart(2, " ");
    case "P":
      return h < 12 ? "am" : "pm";
    case "q":
      return String(Math.floor(d.getUTCMonth() / 3) + 1);
    case "c":
      return formatDate(ms, "%a %b %e %H:%M:%S %Y");
    case "x":
      return formatDate(ms, "%m/%d/%y");
    case "X":
      return formatDate(ms, "%H:%M:%S");
    case "r":
      return formatDate(ms, "%I:%M:%S %p");
    case "Z":
      return "UTC";
    case "z":
      return "+0000";
    case ":z":
      return "+00:00";
    case "::z":
      return "+00:00:00";
    case ":::z":
      return "+00";
    case "F":
      return `${y}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}`;
    case "T":
      return `${two(h)}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
    case "D":
      return `${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())}/${two(y % 100)}`;
    case "R":
      return `${two(h)}:${two(d.getUTCMinutes())}`;
    case "n":
      return "\n";
    case "t":
      return "\t";
    case "%":
      return "%";
    default:
      return undefined;
  }
}

export function dateProgram(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    // -I takes its argument only when it is attached (-Iseconds); alone it means -Idate.
    const args = ctx.argv.slice(1).map((a) => (a === "-I" ? "-Idate" : a));
    const spec = { short: "uRI:d:", long: { utc: "u", universal: "u", "rfc-3339=": "3", "iso-8601=": "I", "rfc-email": "R", "date=": "d" } };
    return yield* withOptions(ctx, flavor, spec, function* (o) {
      let ms = ctx.epochMs();
      const given = last(o, "d");
      if (given !== undefined) {
        const parsed = parseDateTime(given, ms);
        if (parsed === undefined) {
          ctx.stderr.write(`date: invalid date '${given}'\n`);
          return 1;
        }
        ms = parsed;
      }
      const plus = o.operands.find((a) => a.startsWith("+"));
      let format = "%a %b %e %H:%M:%S %Z %Y";
      const rfc = last(o, "3");
      if (rfc !== undefined) format = rfc === "date" ? "%F" : rfc === "ns" ? "%F %T.%N%:z" : "%F %T%:z";
      else if (has(o, "I")) format = last(o, "I") === "seconds" ? "%FT%T%:z" : "%F";
      else if (has(o, "R")) format = "%a, %d %b %Y %H:%M:%S %z";
      else if (plus !== undefined) format = plus.slice(1);
      ctx.stdout.write(formatDate(ms, format) + "\n");
      return 0;
    }, 1, args);
  };
}

/** The nodes' kernel, as `uname -r` and programs that log it (nginx's `OS:` notice) report it. */
export const KERNEL_RELEASE = "5.15.0-1057-gke";

export function unameProgram(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    return yield* withOptions(ctx, flavor, { short: "asnrvmpio", long: { all: "a", "kernel-name": "s", nodename: "n", "kernel-release": "r", machine: "m" } }, function* (o) {
      const fields: Record<string, string> = { s: "Linux", n: ctx.hostname, r: KERNEL_RELEASE, v: "#1 SMP Mon Jun 10 16:25:37 UTC 2024", m: "x86_64", p: "x86_64", i: "x86_64", o: "GNU/Linux" };
      const order = has(o, "a") ? ["s", "n", "r", "v", "m", "o"] : ["s", "n", "r", "v", "m", "p", "i", "o"].filter((k) => has(o, k));
      ctx.stdout.write((order.length === 0 ? ["s"] : order).map((k) => fields[k]).join(" ") + "\n");
      return 0;
    });
  };
}

export function* pwdProgram(ctx: ProcessContext): Proc<number> {
  ctx.stdout.write(ctx.cwd + "\n");
  return 0;
}

export function* whichProgram(ctx: ProcessContext): Proc<number> {
  let status = 0;
  for (const name of ctx.argv.slice(1).filter((a) => !a.startsWith("-"))) {
    try {
      ctx.stdout.write(ctx.which(name) + "\n");
    } catch (e) {
      if (!(e instanceof SpawnError)) throw e;
      status = 1;
    }
  }
  return status;
}
