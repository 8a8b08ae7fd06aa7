import { wait, type Proc } from "@ksim/sim";
import { changeCause, RECORD_FLAG, recorded } from "./record.js";
import { jsonEqual, type JsonObject } from "../../api/json-value.js";
import { loadManifests, parseYaml } from "../../api/manifest.js";
import { threeWayMergePatch } from "../../api/patch.js";
import { groupResource } from "../../api/resources.js";
import { schemaFor } from "../../api/schema-kinds.js";
import type { KubeObject } from "../../api/types.js";
import { SpawnError } from "../../runtime/process.js";
import { goYaml, nameLine } from "../output/index.js";
import { ALL_NAMESPACES_FLAG, SELECTOR_FLAG, type Command, type Invocation } from "./command.js";
import { aggregate, SilentExit, StatusError } from "./errors.js";
import { FILENAME_FLAGS, hasSources, loadSources } from "./sources.js";
import type { Session } from "./session.js";
import { flatten, select, type Target } from "./targets.js";
import { patchObject } from "./writes.js";

/**
 * `kubectl edit`: the objects as YAML in a temporary file, the user's editor on it, and the
 * changes sent back as strategic merge patches; an invalid edit reopens the file with the
 * errors at the top, as kubectl's edit loop does.
 */
export const editCommand: Command = {
  name: "edit",
  short: "Edit a resource on the server",
  usage: "(RESOURCE/NAME | -f FILENAME)",
  flags: [...FILENAME_FLAGS, SELECTOR_FLAG, ALL_NAMESPACES_FLAG, RECORD_FLAG],
  run: runEdit,
};

const HEADER =
  "# Please edit the object below. Lines beginning with a '#' will be ignored,\n# and an empty file will abort the edit. If an error occurs while saving this file will be\n# reopened with the relevant failures.\n#\n";

interface Reason {
  readonly head: string;
  readonly other: readonly string[];
}

function headerText(reasons: readonly Reason[]): string {
  let out = HEADER;
  for (const r of reasons) {
    out += r.other.length > 0 ? `# ${r.head}:\n` : `# ${r.head}\n`;
    for (const o of r.other) out += `# * ${o}\n`;
    out += "#\n";
  }
  return out;
}

/** cmdutil.ManualStrip: the file without its comment lines. */
function manualStrip(text: string): string {
  return text
    .split("\n")
    .filter((line) => !(line.trim().startsWith("#") && !line.trim().startsWith("#!")))
    .join("\n");
}

/** Whether two files say the same once comments are dropped (cmdutil.StripComments). */
function sameContent(a: string, b: string): boolean {
  const pa = parseYaml(a);
  const pb = parseYaml(b);
  if ("value" in pa && "value" in pb) return jsonEqual(pa.value, pb.value);
  return manualStrip(a) === manualStrip(b);
}

/** editor.NewDefaultEditor: $KUBE_EDITOR, $EDITOR or vi; through $SHELL -c when it needs quoting. */
function editorCommand(s: Session): { args: string[]; shell: boolean } {
  const editor = s.ctx.environ.get("KUBE_EDITOR") || s.ctx.environ.get("EDITOR") || "vi";
  if (!editor.includes(" ")) return { args: [editor], shell: false };
  if (!/["'\\]/.test(editor)) return { args: editor.split(" "), shell: false };
  return { args: [s.ctx.environ.get("SHELL") || "/bin/bash", "-c", editor], shell: true };
}

/** editor.LaunchTempFile: writes `text` to a new /tmp/kubectl-edit-*.yaml, runs the editor, reads it back. */
function* launchEditor(s: Session, text: string): Proc<{ edited: string; file: string }> {
  const file = `/tmp/kubectl-edit-${s.ctx.random.int(0, 4_294_967_295)}.yaml`;
  s.ctx.fs.writeFile(file, text);
  const editor = editorCommand(s);
  const argv = editor.shell ? [...editor.args.slice(0, -1), `${editor.args[editor.args.length - 1]} ${JSON.stringify(file)}`] : [...editor.args, file];
  const shown = JSON.stringify(editor.args.join(" "));
  let status: number;
  try {
    status = yield* wait(s.ctx.spawn(argv).exited);
  } catch (e) {
    if (e instanceof SpawnError && e.reason === "not found") throw new Error(`unable to launch the editor ${shown}`);
    throw e;
  }
  if (status !== 0) throw new Error(`there was a problem with the editor ${shown}`);
  return { edited: s.ctx.fs.readText(file), file };
}

function* runEdit(inv: Invocation): Proc<number> {
  const { s, flags } = inv;
  const loaded = hasSources(flags) ? yield* loadSources(s, flags) : undefined;
  const selection = select(s, {
    args: inv.args,
    selector: flags.string("selector"),
    allNamespaces: flags.bool("all-namespaces"),
    typeAloneListsAll: true,
    ...(loaded !== undefined ? { sourced: loaded.objects } : {}),
  });
  const errors = [...(loaded?.errors ?? []), ...selection.errors];
  if (errors.length > 0) throw aggregate(errors);
  const targets = flatten(selection);
  if (targets.length === 0) throw new Error("edit cancelled, no objects found");
  const original = targets.length === 1 ? targets[0]!.object : { apiVersion: "v1", kind: "List", items: targets.map((t) => t.object), metadata: {} };
  const originalText = goYaml(original);

  let reasons: Reason[] = [];
  let edited = "";
  let file = "";
  let containsError = false;
  for (;;) {
    const body = containsError ? manualStrip(edited) : originalText;
    const previous = edited;
    ({ edited, file } = yield* launchEditor(s, headerText(reasons) + body));
    if (containsError && sameContent(previous, edited)) return preserved(s, file, "Edit cancelled, no valid changes were saved.");
    reasons = [];
    if (sameContent(originalText, edited)) {
      s.ctx.fs.unlink(file);
      s.err("Edit cancelled, no changes made.\n");
      return 0;
    }
    if (manualStrip(edited).trim() === "") {
      s.ctx.fs.unlink(file);
      s.err("Edit cancelled, saved file was empty.\n");
      return 0;
    }
    const parsed = loadManifests(edited, "edited-file");
    if (parsed.error !== undefined) {
      containsError = true;
      reasons = [{ head: `The edited file had a syntax error: ${parsed.error}`, other: [] }];
      continue;
    }
    // visitAnnotation: the edited objects are recorded before they are compared and patched.
    const cause = changeCause(inv);
    const outcome = applyEdits(s, targets, parsed.objects.map((o) => recorded(o, cause)), reasons);
    if (typeof outcome === "string") return preserved(s, file, outcome);
    if (outcome.retryable) {
      s.err(`You can run \`kubectl replace -f ${file}\` to try this update again.\n`);
      throw new SilentExit();
    }
    if (outcome.notFound) {
      s.err(`The edits you made on deleted resources have been saved to ${JSON.stringify(file)}\n`);
      throw new SilentExit();
    }
    if (reasons.length === 0) {
      s.ctx.fs.unlink(file);
      return 0;
    }
    containsError = true;
  }
}

/** preservedFile: where the user's changes are kept, then the error. */
function preserved(s: Session, file: string, message: string): never {
  if (s.ctx.fs.exists(file)) s.err(`A copy of your changes has been stored to ${JSON.stringify(file)}\n`);
  throw new Error(message);
}

/**
 * visitToPatch: each edited object against the one shown, as a two-way strategic merge patch.
 * Invalid objects add their reasons for the reopened file. A string is a fatal error.
 */
function applyEdits(s: Session, targets: readonly Target[], edited: readonly KubeObject[], reasons: Reason[]): { retryable: boolean; notFound: boolean } | string {
  let retryable = false;
  let notFound = false;
  for (const obj of edited) {
    const target = targets.find((t) => t.object.metadata.uid === obj.metadata.uid);
    if (target === undefined) return `no original object found for ${obj.kind} ${JSON.stringify(obj.metadata.name ?? "")}`;
    const original = target.object;
    if (jsonEqual(original, obj)) {
      s.out(nameLine(original, "skipped"));
      continue;
    }
    if (obj.apiVersion !== original.apiVersion || obj.kind !== original.kind || obj.metadata.name !== original.metadata.name) {
      return "At least one of apiVersion, kind and name was changed";
    }
    const schema = schemaFor(original.apiVersion, original.kind)!;
    const patch = threeWayMergePatch(original as unknown as JsonObject, obj as unknown as JsonObject, original as unknown as JsonObject, schema);
    const resource = `${groupResource(target.type)} ${JSON.stringify(target.name)}`;
    const live = s.api.get(target.type.kind, target.namespace, target.name);
    try {
      if (live === undefined) throw new StatusError("NotFound", `${resource} not found`);
      patchObject(s, live, "strategic", patch, "none");
      s.out(nameLine(original, "edited"));
    } catch (e) {
      if (e instanceof StatusError && e.reason === "Invalid") {
        reasons.push({ head: `${resource} was not valid`, other: (e.details?.causes ?? []).map((c) => `${c.field ?? ""}: ${c.message}`) });
        s.err(`error: ${resource} is invalid\n`);
      } else if (e instanceof StatusError && e.reason === "NotFound") {
        notFound = true;
        s.err(`error: ${resource} could not be found on the server\n`);
      } else {
        retryable = true;
        s.err(`error: ${resource} could not be patched: ${(e as Error).message}\n`);
      }
    }
  }
  return { retryable, notFound };
}
