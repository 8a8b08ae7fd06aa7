import type { Proc } from "@ksim/sim";
import { SpawnError } from "../../runtime/process.js";
import { unclosable } from "../../runtime/streams.js";
import type { KubeObject, Secret } from "../../api/types.js";
import { formatObjects } from "../output/index.js";
import { applyOne, filtered, withNamespace } from "./apply.js";
import { SELECTOR_FLAG, type Command, type Invocation } from "./command.js";
import { errorReport, ExitError } from "./errors.js";
import { FILENAME_FLAGS, hasSources, loadSources } from "./sources.js";
import type { Session } from "./session.js";

/**
 * `kubectl diff -f`: each object as it is (LIVE) and as `kubectl apply` would leave it (MERGED,
 * a server dry run of the same three-way merge), written as YAML into two temporary directories
 * and compared by `diff -u -N` (or $KUBECTL_EXTERNAL_DIFF), whose exit status kubectl returns:
 * 0 the same, 1 differences. Secret values are masked.
 */
export const diffCommand: Command = {
  name: "diff",
  short: "Diff the live version against a would-be applied version",
  usage: "-f FILENAME",
  flags: [
    ...FILENAME_FLAGS,
    SELECTOR_FLAG,
    { name: "server-side", type: "bool" },
    { name: "force-conflicts", type: "bool" },
    { name: "field-manager", type: "string" },
    { name: "show-managed-fields", type: "bool" },
    { name: "concurrency", type: "int" },
    { name: "prune", type: "bool" },
  ],
  run: runDiff,
};

function* runDiff(inv: Invocation): Proc<number> {
  const { s, flags } = inv;
  // Errors exit 2, so that 1 keeps meaning "differences found" (CheckDiffErr).
  try {
    if (!hasSources(flags)) throw new Error("must specify one of -f and -k");
    if (flags.bool("force-conflicts") && !flags.bool("server-side")) throw new Error("--force-conflicts only works with --server-side");
    if (inv.args.length > 0) throw new Error(`Unexpected args: [${inv.args.join(" ")}]\nSee '${inv.path} -h' for help and examples`);
    const loaded = yield* loadSources(s, flags);
    if (loaded.errors.length > 0) throw loaded.errors[0];
    const fs = s.ctx.fs;
    const dirs = { live: tempDir(s, "LIVE"), merged: tempDir(s, "MERGED") };
    try {
      for (const item of filtered(loaded.objects, flags.string("selector"))) {
        const manifest = withNamespace(s, item.object);
        const live = s.api.get(manifest.kind, manifest.metadata.namespace, manifest.metadata.name ?? "");
        const merged = applyOne(s, item, "server").object;
        const [before, after] = maskSecrets(live, merged);
        const name = fileName(merged);
        if (before !== undefined) fs.writeFile(`${dirs.live}/${name}`, yaml(before), { mode: 0o700 });
        fs.writeFile(`${dirs.merged}/${name}`, yaml(after), { mode: 0o700 });
      }
      return yield* runDiffProgram(s, dirs.live, dirs.merged);
    } finally {
      fs.rmdir(dirs.live, { recursive: true });
      fs.rmdir(dirs.merged, { recursive: true });
    }
  } catch (e) {
    if (e instanceof ExitError) throw e;
    throw new ExitError(errorReport(e).text, 2);
  }
}

/** os.MkdirTemp("", "LIVE-"): the prefix and a random number. */
function tempDir(s: Session, prefix: string): string {
  const path = `/tmp/${prefix}-${s.ctx.random.int(0, 0xffffffff)}`;
  s.ctx.fs.mkdir(path, { mode: 0o700 });
  return path;
}

/** InfoObject.Name: `apps.v1.StatefulSet.default.web`, `v1.Service.default.web`. */
function fileName(o: KubeObject): string {
  return `${o.apiVersion.replace("/", ".")}.${o.kind}.${o.metadata.namespace ?? ""}.${o.metadata.name}`;
}

function yaml(o: KubeObject): string {
  return formatObjects([o], { output: "yaml", singleItem: true }).stdout;
}

/** The Masker: Secret values become `***`, or `*** (before)` / `*** (after)` where they differ. */
function maskSecrets(live: KubeObject | undefined, merged: KubeObject): [KubeObject | undefined, KubeObject] {
  if (merged.kind !== "Secret") return [live, merged];
  const before = (live as Secret | undefined)?.data ?? {};
  const after = (merged as Secret).data ?? {};
  const mask = (data: Record<string, string>, other: Record<string, string>, word: string) =>
    Object.fromEntries(Object.entries(data).map(([k, v]) => [k, other[k] === undefined || other[k] === v ? "***" : `*** (${word})`]));
  return [
    live === undefined ? undefined : { ...live, data: mask(before, after, "before") } as KubeObject,
    { ...merged, data: mask(after, before, "after") } as KubeObject,
  ];
}

/** DiffProgram: $KUBECTL_EXTERNAL_DIFF, else `diff -u -N`, on kubectl's own streams. */
function* runDiffProgram(s: Session, from: string, to: string): Proc<number> {
  const external = s.ctx.environ.get("KUBECTL_EXTERNAL_DIFF") ?? "";
  const argv = external !== "" ? [...external.split(/\s+/).filter(Boolean), from, to] : ["diff", "-u", "-N", from, to];
  let code: number;
  try {
    code = yield* s.ctx.run(argv, { stdout: unclosable(s.ctx.stdout), stderr: unclosable(s.ctx.stderr) });
  } catch (e) {
    if (!(e instanceof SpawnError)) throw e;
    throw new Error(`exec: ${JSON.stringify(argv[0])}: executable file not found in $PATH`);
  }
  // The diff program's status is kubectl's, without a message (1 means differences).
  if (code !== 0) throw new ExitError("", code);
  return 0;
}
