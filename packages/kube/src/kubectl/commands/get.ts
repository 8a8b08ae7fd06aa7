import { wait, type Proc } from "@ksim/sim";
import { KUBECONFIG_USER } from "../../api/bootstrap-policy.js";
import { isHttpResponse, type HttpRequest } from "../../runtime/http.js";
import { fieldSelectorMatches, selectorMatches } from "../../api/labels.js";
import type { KubeObject } from "../../api/types.js";
import { formatObjects, isTableOutput, printGet, WatchPrinter, type WatchEventType } from "../output/index.js";
import { jsonPathValues, parseJsonPath } from "../output/jsonpath.js";
import { normalize } from "../output/json.js";
import { ALL_NAMESPACES_FLAG, FIELD_SELECTOR_FLAG, OUTPUT_FLAG, SELECTOR_FLAG, TEMPLATE_FLAGS, type Command, type Invocation } from "./command.js";
import { aggregate, StatusError, usageError } from "./errors.js";
import type { Flags } from "./flags.js";
import { FILENAME_FLAGS, hasSources, loadSources } from "./sources.js";
import { flatten, parseFields, parseLabels, select, type Selection, type SelectRequest, type Target } from "./targets.js";
import { streamUntilQuiet } from "./waiting.js";

/** `kubectl get`: tables, the other `-o` formats, and `-w` watches. */
export const getCommand: Command = {
  name: "get",
  short: "Display one or many resources",
  usage:
    "[(-o|--output=)json|yaml|name|go-template|go-template-file|template|templatefile|jsonpath|jsonpath-as-json|jsonpath-file|custom-columns|custom-columns-file|wide] (TYPE[.VERSION][.GROUP] [NAME | -l label] | TYPE[.VERSION][.GROUP]/NAME ...) [flags]",
  suggestFor: ["list", "ps"],
  flags: [
    OUTPUT_FLAG,
    ...TEMPLATE_FLAGS,
    SELECTOR_FLAG,
    FIELD_SELECTOR_FLAG,
    ALL_NAMESPACES_FLAG,
    ...FILENAME_FLAGS,
    { name: "watch", short: "w", type: "bool" },
    { name: "watch-only", type: "bool" },
    { name: "output-watch-events", type: "bool" },
    { name: "no-headers", type: "bool" },
    { name: "show-labels", type: "bool" },
    { name: "label-columns", short: "L", type: "stringSlice" },
    { name: "ignore-not-found", type: "bool" },
    { name: "sort-by", type: "string" },
    { name: "raw", type: "string" },
  ],
  run: runGet,
};

function* runGet(inv: Invocation): Proc<number> {
  const { s, flags, args } = inv;
  if (flags.changed("raw")) return yield* rawGet(inv);
  const output = flags.string("output");
  const template = flags.changed("template") ? flags.string("template") : undefined;
  const watching = flags.bool("watch") || flags.bool("watch-only");
  if (flags.bool("show-labels") && output !== "" && output !== "wide") throw new Error(`--show-labels option cannot be used with ${output} printer`);
  if (flags.bool("output-watch-events") && !watching) throw usageError(inv.path, "--output-watch-events option can only be used with --watch or --watch-only");
  if (!watching && args.length === 0 && !hasSources(flags)) {
    s.err('You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported resources.\n\n');
    throw usageError(inv.path, 'Required resource not specified.\nUse "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).');
  }
  const loaded = hasSources(flags) ? yield* loadSources(s, flags) : undefined;
  const request: SelectRequest = {
    args,
    selector: flags.string("selector"),
    fieldSelector: flags.string("field-selector"),
    allNamespaces: flags.bool("all-namespaces"),
    typeAloneListsAll: true,
    ...(loaded !== undefined ? { sourced: loaded.objects } : {}),
  };
  const selection = select(s, request);
  const errors = [...(loaded?.errors ?? []), ...selection.errors.filter((e) => !(flags.bool("ignore-not-found") && isNotFound(e)))];
  if (watching) {
    if (errors.length > 0) throw aggregate(errors);
    return yield* watch(inv, selection, request);
  }
  sortTargets(selection, flags.string("sort-by"));
  if (!isTableOutput(output, template)) {
    const targets = flatten(selection);
    if (selection.singleItem && targets.length === 0 && errors.length > 0) throw aggregate(errors);
    const printed = formatObjects(
      targets.map((t) => t.object),
      { output, ...(template !== undefined ? { template } : {}), singleItem: selection.singleItem, allowMissingTemplateKeys: flags.bool("allow-missing-template-keys", true), noHeaders: flags.bool("no-headers"), getPrinters: true },
    );
    s.out(printed.stdout);
    if (printed.error !== undefined) errors.push(new Error(printed.error));
    if (errors.length > 0) throw aggregate(errors);
    return 0;
  }
  const printed = printGet(
    selection.sections.map((sec) => ({ kind: sec.type.kind, namespaced: sec.type.namespaced, objects: sec.targets.map((t) => t.object) })),
    tableRequest(inv, flags),
    s.now(),
  );
  s.out(printed.stdout);
  if (errors.length > 0) throw aggregate(errors);
  if (!flags.bool("ignore-not-found")) s.err(printed.stderr);
  return 0;
}

function tableRequest(inv: Invocation, flags: Flags) {
  return {
    namespace: inv.s.namespace,
    allNamespaces: flags.bool("all-namespaces"),
    wide: flags.string("output") === "wide",
    noHeaders: flags.bool("no-headers"),
    showLabels: flags.bool("show-labels"),
    labelColumns: flags.strings("label-columns"),
  };
}

function isNotFound(e: unknown): boolean {
  return e instanceof StatusError && e.reason === "NotFound";
}

/** `--sort-by`: by the first value the JSONPath finds, numbers numerically, missing ones first. */
function sortTargets(selection: Selection, sortBy: string): void {
  if (sortBy === "") return;
  const body = sortBy.replace(/^\{|\}$/g, "");
  const path = parseJsonPath(`{${body.startsWith(".") ? body : `.${body}`}}`);
  const key = (t: Target) => jsonPathValues(path, normalize(t.object))[0];
  for (const section of selection.sections) {
    section.targets.sort((a, b) => {
      const x = key(a);
      const y = key(b);
      if (x === undefined || y === undefined) return x === y ? 0 : x === undefined ? -1 : 1;
      if (typeof x === "number" && typeof y === "number") return x - y;
      const sx = typeof x === "string" ? x : JSON.stringify(x);
      const sy = typeof y === "string" ? y : JSON.stringify(y);
      return sx < sy ? -1 : sx > sy ? 1 : 0;
    });
  }
}

/**
 * `get -w`: the current objects, then a row for every change the API server reports, until
 * `--request-timeout` passes or, without one, until the watched objects have been quiet for a
 * while (see KubectlOptions.watchQuietMs).
 */
function* watch(inv: Invocation, selection: Selection, request: SelectRequest): Proc<number> {
  const { s, flags } = inv;
  if (selection.sections.length !== 1) throw new Error("you may only specify a single resource type");
  const section = selection.sections[0]!;
  const type = section.type;
  const output = flags.string("output");
  const template = flags.changed("template") ? flags.string("template") : undefined;
  const named = request.sourced !== undefined || request.args.length > 1 || request.args.some((a) => a.includes("/"));
  const names = new Set(named ? section.targets.map((t) => t.name) : []);
  const labels = parseLabels(request.selector);
  const fields = parseFields(request.fieldSelector, type);
  const namespace = type.namespaced && !request.allNamespaces ? s.namespace : undefined;
  const matches = (o: KubeObject) =>
    (namespace === undefined || o.metadata.namespace === namespace) &&
    (names.size === 0 || names.has(o.metadata.name ?? "")) &&
    selectorMatches(labels, o.metadata.labels) &&
    fieldSelectorMatches(fields, o);

  const table = isTableOutput(output, template) ? new WatchPrinter(type.kind, { ...tableRequest(inv, flags), withNamespace: !!request.allNamespaces && type.namespaced, outputWatchEvents: flags.bool("output-watch-events") }) : undefined;
  const print = (objects: readonly KubeObject[], event: WatchEventType) => {
    if (table !== undefined) {
      s.out(table.print(objects, s.now(), event));
      return;
    }
    for (const o of objects) {
      const printed = formatObjects([o], { output, ...(template !== undefined ? { template } : {}), singleItem: true, allowMissingTemplateKeys: flags.bool("allow-missing-template-keys", true), getPrinters: true });
      s.out(printed.stdout);
    }
  };
  if (!flags.bool("watch-only")) print(section.targets.map((t) => t.object), "ADDED");

  let lastEvent = s.sim.now;
  const stop = s.api.watch(type.kind, (e) => {
    const now = matches(e.object);
    const before = e.previous !== undefined && e.type !== "ADDED" && matches(e.previous);
    if (!now && !before) return;
    lastEvent = s.sim.now;
    if (e.type === "DELETED" || !now) print([e.type === "DELETED" ? e.object : e.previous!], "DELETED");
    else print([e.object], before ? "MODIFIED" : "ADDED");
  });
  try {
    yield* streamUntilQuiet(s, () => lastEvent);
    return 0;
  } finally {
    stop();
  }
}

/**
 * `kubectl get --raw PATH` (rawhttp.RawGet): a GET of the path as the kubeconfig's user, its body
 * copied out as it comes; an error status becomes the error kubectl makes of it.
 */
function* rawGet(inv: Invocation): Proc<number> {
  const { s, flags, args } = inv;
  const raw = flags.string("raw");
  if (args.length > 0) throw new Error("arguments may not be passed when --raw is specified");
  if (flags.bool("watch") || flags.bool("watch-only") || flags.string("selector") !== "") {
    throw new Error("--raw may not be specified with other flags that filter the server request or alter the output");
  }
  if (flags.string("output") !== "") throw new Error("--raw and --output are mutually exclusive");
  if (!raw.startsWith("/")) throw new Error(`--raw must be a valid URL path: parse ${JSON.stringify(raw)}: invalid URI for request`);
  const request: HttpRequest = { type: "http.request", method: "GET", path: raw, version: "HTTP/1.1", headers: { Accept: "application/json, */*" }, body: "" };
  const answer = s.cluster.apiFrontend.handle(request, KUBECONFIG_USER);
  const response = isHttpResponse(answer) ? answer : yield* wait(answer);
  if (response.status >= 200 && response.status < 300) {
    s.out(response.body);
    return 0;
  }
  let status: { reason?: string; message?: string } | undefined;
  try {
    status = JSON.parse(response.body) as { reason?: string; message?: string };
  } catch {
    status = undefined;
  }
  if (status?.message !== undefined) throw new StatusError(status.reason ?? "", status.message);
  // A body that is no Status: client-go's generic error for the code.
  const generic: Record<number, [string, string]> = {
    404: ["NotFound", "the server could not find the requested resource"],
    503: ["ServiceUnavailable", "the server is currently unable to handle the request"],
    401: ["Unauthorized", "the server has asked for the client to provide credentials"],
    403: ["Forbidden", "the server does not allow access to the requested resource"],
  };
  const [reason, message] = generic[response.status] ?? ["InternalError", `an error on the server ("${response.body.trim()}") has prevented the request from succeeding`];
  throw new StatusError(reason, message);
}
