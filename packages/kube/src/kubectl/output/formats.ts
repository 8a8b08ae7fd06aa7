/**
 * The non-table `-o` formats of kubectl (`yaml`, `json`, `name`, `jsonpath=`,
 * `jsonpath-as-json=`, `go-template=`/`template=`, `custom-columns=`) and their error texts.
 * Several objects, or any list request, print as a `List`, as kubectl's printGeneric does.
 */
import type { Schema } from "../../api/schema.js";
import type { KubeObject } from "../../api/types.js";
import { goQuote, goSprint, goSyntax, type Json } from "./gofmt.js";
import { executeGoTemplate, GoTemplateError, parseGoTemplate } from "./gotemplate.js";
import { goJson } from "../../api/gojson.js";
import { goJsonIndent, goTypedJson, goTypedJsonIndent, normalize } from "./json.js";
import { executeJsonPath, jsonPathValues, JsonPathError, parseJsonPath } from "./jsonpath.js";
import { tableWriter } from "./tabwriter.js";
import { groupKind } from "./tables.js";
import { goYaml } from "./yaml.js";

export interface FormatRequest {
  /** The `-o` value, e.g. `yaml` or `jsonpath={.spec.nodeName}`. */
  readonly output: string;
  /** `--template`; with no `-o`, kubectl treats it as a go-template. */
  readonly template?: string;
  /** One object named on the command line (`get pod web-0`) prints bare, not as a List. */
  readonly singleItem: boolean;
  /** `--allow-missing-template-keys` (default true). */
  readonly allowMissingTemplateKeys?: boolean;
  readonly noHeaders?: boolean;
  /** get's printers: custom columns (and the table, which get prints itself) besides the common ones. */
  readonly getPrinters?: boolean;
  /**
   * The Go type of the one object printed, when kubectl holds it as a typed struct rather than
   * as unstructured: `-o json` then writes its fields in declaration order.
   */
  readonly typed?: Schema;
}

export interface Formatted {
  readonly stdout: string;
  /**
   * The error kubectl fails with (its `err.Error()`): print `error: ` + it, adding a newline
   * only when it has none, as cmdutil.CheckErr does, and exit 1.
   */
  readonly error?: string;
}

/** genericclioptions.PrintFlags' formats, which every command that prints objects has. */
const ALLOWED = "go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml";
/** get's PrintFlags add the custom columns and the wide table. */
const GET_ALLOWED = `custom-columns,custom-columns-file,${ALLOWED.replace(",yaml", ",wide,yaml")}`;

/** Whether `-o` selects the human-readable table (`get`'s default, or `wide`). */
export function isTableOutput(output: string | undefined, template?: string): boolean {
  return (output === undefined || output === "" || output === "wide") && template === undefined;
}

export function formatObjects(objects: readonly KubeObject[], request: FormatRequest): Formatted {
  const [format, arg] = splitFormat(request.output || (request.template !== undefined ? "go-template" : ""), request.template);
  const data = request.singleItem && objects.length === 1 ? objects[0]! : listOf(objects);
  switch (format) {
    case "yaml":
      return { stdout: goYaml(data) };
    case "json":
      return { stdout: `${request.typed !== undefined && data === objects[0] ? goTypedJsonIndent(data, request.typed) : goJsonIndent(data)}\n` };
    case "name":
      // NamePrinter: an object without a name (the kubeconfig) is `<unknown>`.
      return { stdout: objects.map((o) => `${groupKind(o.kind, o.apiVersion)}/${o.metadata?.name || "<unknown>"}\n`).join("") };
    case "jsonpath":
    case "jsonpath-as-json":
      return jsonPath(arg, normalize(data), request, format === "jsonpath-as-json", request.typed !== undefined && data === objects[0]);
    case "go-template":
    case "template":
      return goTemplate(arg, data, request.typed !== undefined && data === objects[0] ? request.typed : undefined);
    default:
      if (format === "custom-columns" && request.getPrinters === true) return customColumns(arg, objects, request.noHeaders ?? false);
      return { stdout: "", error: `unable to match a printer suitable for the output format ${goQuote(request.output || format)}, allowed formats are: ${request.getPrinters === true ? GET_ALLOWED : ALLOWED}` };
  }
}

/** The List kubectl wraps several objects in. */
function listOf(objects: readonly KubeObject[]): Record<string, unknown> {
  return { apiVersion: "v1", items: objects, kind: "List", metadata: { resourceVersion: "" } };
}

function splitFormat(output: string, template: string | undefined): [string, string] {
  const eq = output.indexOf("=");
  if (eq >= 0) return [output.slice(0, eq), output.slice(eq + 1)];
  return [output, template ?? ""];
}

function jsonPath(template: string, data: Json, request: FormatRequest, asJson: boolean, typed: boolean): Formatted {
  if (template === "") return { stdout: "", error: "template format specified but no template given" };
  let parsed;
  try {
    parsed = parseJsonPath(template);
  } catch (e) {
    return { stdout: "", error: `error parsing jsonpath ${template}, ${(e as Error).message}` };
  }
  try {
    return { stdout: executeJsonPath(parsed, data, request.allowMissingTemplateKeys ?? true, asJson, typed) };
  } catch (e) {
    if (!(e instanceof JsonPathError)) throw e;
    return {
      stdout: "",
      error:
        `error executing jsonpath ${goQuote(template)}: Error executing template: ${e.message}. Printing more information for debugging the template:\n` +
        `\ttemplate was:\n\t\t${template}\n\tobject given to jsonpath engine was:\n\t\t${goSyntax(data)}\n\n\n`,
    };
  }
}

function goTemplate(template: string, obj: unknown, typed: Schema | undefined): Formatted {
  if (template === "") return { stdout: "", error: "template format specified but no template given" };
  let parsed;
  try {
    parsed = parseGoTemplate(template);
  } catch (e) {
    return { stdout: "", error: `error parsing template ${template}, ${(e as Error).message}` };
  }
  // kubectl marshals the object (a typed one in its field order) and unmarshals it into maps.
  const raw = typed === undefined ? goJson(obj) : goTypedJson(obj, typed);
  const data = JSON.parse(raw) as Json;
  try {
    return { stdout: executeGoTemplate(parsed, data) };
  } catch (e) {
    if (!(e instanceof GoTemplateError)) throw e;
    return {
      stdout:
        `${e.partial}Error executing template: ${e.message}. Printing more information for debugging the template:\n` +
        `\ttemplate was:\n\t\t${template}\n\traw data was:\n\t\t${raw}\n\tobject given to template engine was:\n\t\t${goSprint(data)}\n\n`,
      error: `error executing template ${goQuote(template)}: ${e.message}`,
    };
  }
}

/** `-o custom-columns=HEADER:.path,...`: one jsonpath per column, `<none>` when it finds nothing. */
function customColumns(spec: string, objects: readonly KubeObject[], noHeaders: boolean): Formatted {
  if (spec === "") return { stdout: "", error: "custom-columns format specified but no custom columns given" };
  const columns: [string, ReturnType<typeof parseJsonPath>][] = [];
  for (const part of spec.split(",")) {
    const colon = part.indexOf(":");
    if (colon < 0) return { stdout: "", error: `unexpected custom-columns spec: ${part}, expected <header>:<json-path-expr>` };
    try {
      columns.push([part.slice(0, colon), parseJsonPath(relaxedJsonPath(part.slice(colon + 1)))]);
    } catch (e) {
      return { stdout: "", error: (e as Error).message };
    }
  }
  const w = tableWriter();
  if (!noHeaders) w.write(`${columns.map(([h]) => h).join("\t")}\n`);
  for (const obj of objects) {
    const data = normalize(obj);
    const cells = columns.map(([, path]) => {
      const values = jsonPathValues(path, data);
      return values.length === 0 ? "<none>" : values.map((v) => goSprint(v)).join(",");
    });
    w.write(`${cells.join("\t")}\n`);
  }
  return { stdout: w.flush() };
}

/** kubectl's `RelaxedJSONPathExpression`: `.a.b`, `a.b` and `{.a.b}` all mean `{.a.b}`. */
function relaxedJsonPath(path: string): string {
  const m = /^\{?(.*?)\}?$/.exec(path.trim())!;
  const body = m[1]!;
  return `{${body.startsWith(".") ? body : `.${body}`}}`;
}
