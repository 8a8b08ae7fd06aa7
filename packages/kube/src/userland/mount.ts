import { FsError, type Proc } from "@ksim/sim";
import type { ProcessContext } from "../runtime/process.js";
import { describeError, last, parseOptions, usageFailure, UsageError, type Flavor, type ParsedOptions } from "./common.js";

/**
 * mount, util-linux's (2.29, Debian stretch's) and busybox's: without a device to mount, the
 * mount table, as /proc/self/mounts gives it. Mounting needs CAP_SYS_ADMIN, which no container
 * here has, so every attempt is refused as the kernel refuses it.
 */

interface MountLine {
  readonly source: string;
  readonly target: string;
  readonly type: string;
  readonly options: string;
}

/** The kernel's mangled names (\040 for a space) back to themselves. */
function unmangle(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

function readTable(ctx: ProcessContext): MountLine[] {
  return ctx.fs
    .readText("/proc/self/mounts")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => {
      const [source = "", target = "", type = "", options = ""] = l.split(" ");
      return { source: unmangle(source), target: unmangle(target), type, options };
    });
}

/** -t's list: types to show, or with a leading `no` every type but those. */
function typeFilter(list: string | undefined): (type: string) => boolean {
  if (list === undefined) return () => true;
  const negate = list.startsWith("no");
  const types = (negate ? list.slice(2) : list).split(",");
  return (type) => types.includes(type) !== negate;
}

function list(ctx: ProcessContext, flavor: Flavor, o: ParsedOptions): number {
  let table: MountLine[];
  try {
    table = readTable(ctx);
  } catch (e) {
    if (!(e instanceof FsError)) throw e;
    ctx.stderr.write(flavor === "busybox" ? `mount: can't read '/proc/mounts': ${describeError(e)}\n` : `mount: failed to read mtab: ${describeError(e)}\n`);
    return flavor === "busybox" ? 1 : 32;
  }
  const wanted = typeFilter(last(o, "t"));
  ctx.stdout.write(
    table
      .filter((m) => wanted(m.type))
      .map((m) => `${m.source} on ${m.target} type ${m.type} (${m.options})\n`)
      .join(""),
  );
  return 0;
}

export function mountProgram(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    let o: ParsedOptions;
    try {
      o = parseOptions(ctx.argv.slice(1), flavor === "gnu" ? { short: "alnrvwt:o:", long: { all: "a", "show-labels": "l", "read-only": "r", "read-write": "w", verbose: "v", "types=": "t", "options=": "o" } } : { short: "arwnft:o:", long: {} });
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      return usageFailure(ctx, flavor, e.message);
    }
    if (o.operands.length === 0 && !o.flags.has("a")) return list(ctx, flavor, o);
    if (flavor === "busybox") {
      ctx.stderr.write("mount: permission denied (are you root?)\n");
      return 1;
    }
    // mount(2) without CAP_SYS_ADMIN: EPERM. util-linux tells users apart from root first.
    if (ctx.cred.uid !== 0) {
      ctx.stderr.write("mount: only root can do that\n");
      return 1;
    }
    ctx.stderr.write("mount: permission denied\n");
    return 32;
  };
}
